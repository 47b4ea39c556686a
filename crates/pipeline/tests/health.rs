//! Source health against the local fixture site: every failed URL is reported with its
//! reason, and a source whose pages lose their date markup is flagged.

mod support;

use std::sync::Arc;
use std::time::Duration;

use khronika_ingest::{AddressPolicy, FetchConfig};
use khronika_pipeline::{
    ingest_run, source_status, CancellationToken, IngestOptions, PipelineOptions,
};
use khronika_store::{NewSource, SqliteStore, Store};
use support::site::{self, Site};

fn options(site: &Site) -> IngestOptions {
    IngestOptions {
        fetch: FetchConfig {
            policy: AddressPolicy::allowing([site.addr.to_string().parse().expect("host:port")]),
            default_delay: Duration::ZERO,
            max_bytes: 1024 * 1024,
            retry_base: Duration::from_millis(50),
            timeout: Duration::from_secs(1),
            ..Default::default()
        },
        pipeline: PipelineOptions {
            analyze: false,
            batch_size: 8,
            progress: false,
        },
        once: true,
        concurrency: 8,
        ..Default::default()
    }
}

async fn fixture(site: &Site) -> (tempfile::TempDir, Arc<dyn Store>) {
    let dir = tempfile::tempdir().expect("tmp");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).await.expect("store"));
    store
        .add_source(&NewSource {
            name: "fixture".into(),
            home_url: site.url("/"),
            feeds: vec![site.url("/rss.xml")],
            ..Default::default()
        })
        .await
        .expect("add source");
    (dir, store)
}

/// The health of the one source of the fixture store.
async fn status_of(store: &dyn Store) -> khronika_pipeline::SourceStatus {
    source_status(store, chrono::Utc::now())
        .await
        .expect("status")
        .into_iter()
        .next()
        .expect("one source")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_failed_url_is_reported_with_its_reason() {
    let site = site::start(0, None).await;
    if let Ok(mut s) = site.state.lock() {
        s.extra_paths.push("/slow/one".into());
    }
    let (_dir, store) = fixture(&site).await;
    let run = ingest_run(store.clone(), &options(&site), CancellationToken::new())
        .await
        .expect("ingest");
    let kind_of = |path: &str| {
        let url = site.url(path);
        run.failures
            .iter()
            .find(|f| f.url == url)
            .map(|f| (f.kind, f.reason.clone()))
    };
    let (kind, reason) = kind_of("/news/2025/04/05/missing").expect("the 404 is listed");
    assert_eq!((kind, reason.as_str()), ("http", "HTTP 404"));
    let (kind, reason) = kind_of("/private/2025/secret-one").expect("robots is listed");
    assert_eq!(kind, "robots", "{reason}");
    assert!(reason.contains("robots.txt"), "{reason}");
    let (kind, reason) = kind_of("/slow/one").expect("the timeout is listed");
    assert_eq!(kind, "timeout", "{reason}");
    let (kind, _) = kind_of("/news/2025/04/08/huge").expect("the oversized page is listed");
    assert_eq!(kind, "too_large");
    assert!(
        run.failures.iter().all(|f| f.source == "fixture"),
        "{:?}",
        run.failures
    );
    assert_eq!(run.failed, run.failures.len() as u64);
    assert!(
        kind_of("/news/2025/04/01/alpha").is_none(),
        "a stored page is not a failure"
    );
    // The same failures reach the store, by kind.
    let status = status_of(&*store).await;
    let errors = &status.health.errors_by_kind;
    for kind in ["http", "robots", "timeout", "too_large"] {
        assert!(
            errors.iter().any(|(k, n)| k == kind && *n >= 1),
            "{kind}: {errors:?}"
        );
    }
    let tally = run.sources.first().expect("a tally");
    assert_eq!(tally.errors, run.failed, "{tally:?}");
    assert!(
        tally.stored >= 5 && tally.fetched >= tally.stored,
        "{tally:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_whose_pages_lose_their_dates_is_flagged() {
    let site = site::start(60, None).await;
    let (_dir, store) = fixture(&site).await;
    let mut opts = options(&site);
    opts.revisit = 0;
    ingest_run(store.clone(), &opts, CancellationToken::new())
        .await
        .expect("run 1");
    let s = status_of(&*store).await;
    assert!(s.flags.is_empty(), "healthy source flagged: {:?}", s.flags);
    assert!(s.health.recent.pages >= 40, "{:?}", s.health.recent);
    // The site's template changes: the next 40 articles carry no date markup.
    if let Ok(mut st) = site.state.lock() {
        st.extra = 100;
        st.undated_from = Some(60);
    }
    ingest_run(store.clone(), &opts, CancellationToken::new())
        .await
        .expect("run 2");
    let s = status_of(&*store).await;
    assert_eq!(s.health.recent.with_date, 0, "{:?}", s.health.recent);
    assert_eq!(
        s.flags,
        vec!["0 dates in the last 40 pages, was 100 %".to_string()],
        "{:?}",
        s.health
    );
}
