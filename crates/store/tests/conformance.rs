//! The backend-independent store checks, run against SQLite (one fresh data dir each).

use khronika_store::conformance::{run_check, Check, CHECKS};
use khronika_store::{SqliteStore, Store};

async fn check(check: &Check) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path()).await.expect("open store");
    if let Err(msg) = check.run_on(&store as &dyn Store).await {
        panic!("{msg}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_check_passes_on_sqlite() {
    for c in CHECKS {
        check(c).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_check_runs_by_its_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path()).await.expect("open store");
    // A fresh store per check is not needed here: only the lookup is under test, so the
    // first check (on an empty store) must pass when run by name.
    if let Some(first) = CHECKS.first() {
        if let Err(msg) = run_check(first.name, &store as &dyn Store).await {
            panic!("{msg}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reopening_keeps_data_and_does_not_remigrate() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let store = SqliteStore::open(dir.path()).await.expect("open");
        let a = khronika_store::conformance::sample("https://k.example/1", "T", "Body.", 1, &[]);
        store.put_articles(&[a]).await.expect("put");
    }
    let store = SqliteStore::open(dir.path()).await.expect("reopen");
    assert_eq!(store.stats().await.expect("stats").articles, 1);
    let hit = store
        .article_by_url("https://k.example/1")
        .await
        .expect("lookup");
    assert!(hit.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_check_name_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path()).await.expect("open store");
    assert!(run_check("nope", &store as &dyn Store).await.is_err());
}
