//! The backend-independent store checks against PostgreSQL: each on a fresh database made
//! on the server named by `KHRONIKA_TEST_DATABASE_URL` (e.g.
//! `postgres://postgres@127.0.0.1:55432/postgres`; `.ci/run` starts such a server). Without
//! the variable the tests say so and skip, except under `CI=true`, where they fail.

use std::sync::atomic::{AtomicUsize, Ordering};

use khronika_store::conformance::CHECKS;
use khronika_store::postgres::testing::{fresh_database, server_url};
use khronika_store::{PgStore, Store, StoreError};

/// A new empty database on the test server; its URL.
async fn fresh_db(server: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "khronika_test_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    fresh_database(server, &name)
        .await
        .unwrap_or_else(|e| panic!("creating a test database: {e}"))
}

async fn migrated(server: &str) -> PgStore {
    let url = fresh_db(server).await;
    khronika_store::postgres::migrate(&url)
        .await
        .expect("migrate");
    PgStore::connect(&url).await.expect("connect")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_check_passes_on_postgres() {
    let Some(server) = server_url() else { return };
    for c in CHECKS {
        let store = migrated(&server).await;
        if let Err(msg) = c.run_on(&store as &dyn Store).await {
            panic!("{msg}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unmigrated_database_is_refused_and_migrate_is_idempotent() {
    let Some(server) = server_url() else { return };
    let url = fresh_db(&server).await;
    match PgStore::connect(&url).await {
        Err(StoreError::NotMigrated { found: 0, known }) => assert!(known >= 4),
        other => panic!("expected NotMigrated, got {other:?}"),
    }
    let first = khronika_store::postgres::migrate(&url)
        .await
        .expect("migrate");
    assert_eq!(first, vec![1, 2, 3, 4, 5, 8]);
    let again = khronika_store::postgres::migrate(&url)
        .await
        .expect("migrate again");
    assert!(again.is_empty());
    // A schema from a newer khronika is refused, not used.
    khronika_store::postgres::testing::execute(
        &url,
        "INSERT INTO schema_version (version, applied_at) VALUES (99, now())",
    )
    .await
    .expect("bump version");
    assert!(matches!(
        PgStore::connect(&url).await,
        Err(StoreError::SchemaTooNew { found: 99, .. })
    ));
}

/// Two writers at once never interleave the change sequence: every number is committed
/// once, in order, and a reader following the feed sees every article.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_keep_the_change_feed_dense() {
    let Some(server) = server_url() else { return };
    let store = std::sync::Arc::new(migrated(&server).await);
    let mut tasks = Vec::new();
    for w in 0..4 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..10 {
                let a = khronika_store::conformance::sample(
                    &format!("https://w{w}.example/{i}"),
                    &format!("w{w} {i}"),
                    &format!("Текст {w} {i}."),
                    1,
                    &[],
                );
                s.put_articles(&[a]).await.expect("put");
            }
        }));
    }
    for t in tasks {
        t.await.expect("writer");
    }
    let feed = store.articles_changed_since(0, 1000).await.expect("feed");
    let seqs: Vec<u64> = feed.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, (1..=40).collect::<Vec<u64>>());
    assert_eq!(store.current_change_seq().await.expect("seq"), 40);
}

/// A database whose entities were keyed the old way (kind, exact name) is rebuilt into the
/// registry by `migrate`, from the stored analyses: "Лукашенко" alone joins the full name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_rebuilds_the_registry_from_stored_analyses() {
    use khronika_model::{Analysis, EntityKind, Mention};
    use khronika_store::postgres::testing::execute;
    let Some(server) = server_url() else { return };
    let url = fresh_db(&server).await;
    khronika_store::postgres::migrate(&url)
        .await
        .expect("migrate");
    let store = PgStore::connect(&url).await.expect("connect");
    let mention = |text: &str, start: usize| Mention {
        start,
        end: start + text.chars().count(),
        kind: EntityKind::Person,
        text: text.into(),
        normal: text.into(),
    };
    let mut a = khronika_store::conformance::sample(
        "https://r.example/1",
        "Визит",
        "Александр Лукашенко прибыл. Лукашенко заявил.",
        1,
        &[],
    );
    a.analysis = Some(Analysis {
        entities: vec![mention("Александр Лукашенко", 0), mention("Лукашенко", 28)],
        ..Default::default()
    });
    store.put_articles(&[a]).await.expect("put");
    // The pre-registry state: one entity per exact name, and the flag migration 5 leaves.
    for sql in [
        "DELETE FROM mentions",
        "DELETE FROM entities",
        "INSERT INTO entities (kind, name, name_lc) VALUES ('PER', 'Лукашенко', 'лукашенко')",
        "INSERT INTO meta (key, value) VALUES ('relink_entities', 1)",
    ] {
        execute(&url, sql).await.expect(sql);
    }
    let applied = khronika_store::postgres::migrate(&url)
        .await
        .expect("migrate again");
    assert!(applied.is_empty(), "{applied:?}");
    let found = store.find_entities("Лукашенко").await.expect("find");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].name, "Александр Лукашенко");
    assert_eq!((found[0].mentions, found[0].articles), (2, 1));
    let flag = execute(&url, "DELETE FROM meta WHERE key = 'relink_entities'")
        .await
        .expect("flag");
    assert_eq!(flag, 0, "the rebuild clears its flag");
}
