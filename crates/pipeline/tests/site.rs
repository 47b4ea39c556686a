//! Ingestion against a local fixture site: robots, politeness, redirects, duplicates,
//! charsets, errors, conditional requests, versions, discovery and SSRF refusals.

mod support;

use std::sync::Arc;
use std::time::Duration;

use khronika_ingest::{AddressPolicy, FetchConfig, FetchError, Fetcher};
use khronika_pipeline::{ingest, CancellationToken, IngestOptions, PipelineOptions};
use khronika_store::{NewSource, SqliteStore, Store};
use support::site::{self, Site, STORED_PATHS};

/// The fixture site, and nothing else non-public, is allowed.
fn allow_site(site: &Site) -> AddressPolicy {
    AddressPolicy::allowing([site.addr.to_string().parse().expect("host:port")])
}

fn fetch_config(site: &Site) -> FetchConfig {
    FetchConfig {
        policy: allow_site(site),
        default_delay: Duration::ZERO,
        max_bytes: 1024 * 1024,
        retry_base: Duration::from_millis(50),
        timeout: Duration::from_secs(10),
        ..Default::default()
    }
}

fn options(site: &Site) -> IngestOptions {
    IngestOptions {
        fetch: fetch_config(site),
        pipeline: PipelineOptions {
            analyze: false,
            batch_size: 4,
            progress: false,
        },
        once: true,
        concurrency: 4,
        ..Default::default()
    }
}

async fn add_source(store: &dyn Store, site: &Site) {
    store
        .add_source(&NewSource {
            name: "fixture".into(),
            home_url: site.url("/"),
            feeds: vec![site.url("/rss.xml")],
            sitemaps: vec![site.url("/news-sitemap.xml")],
            ..Default::default()
        })
        .await
        .expect("add source");
}

/// Requests (after the first, robots.txt) arrive at least `delay` apart on average, and no
/// two closer than 60% of it: arrival times jitter on a loaded machine, request starts do not
/// (the crawler's gate spaces the starts; without it gaps are a few milliseconds).
fn assert_gaps(log: &[site::Hit], delay: Duration) {
    let gaps: Vec<Duration> = log
        .windows(2)
        .skip(1)
        .map(|w| w[1].at.duration_since(w[0].at))
        .collect();
    assert!(
        gaps.len() >= 4,
        "too few requests to measure: {}",
        gaps.len()
    );
    let min = gaps.iter().min().copied().unwrap_or_default();
    let mean = gaps.iter().sum::<Duration>() / gaps.len() as u32;
    assert!(
        mean >= delay.mul_f32(0.97),
        "mean gap {mean:?} under {delay:?}"
    );
    assert!(
        min >= delay.mul_f32(0.6),
        "min gap {min:?} far under {delay:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_site_twice_stores_each_allowed_article_once_then_only_the_change() {
    let site = site::start(0, Some(0.2)).await;
    let dir = tempfile::tempdir().expect("tmp");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).await.expect("store"));
    add_source(&*store, &site).await;

    let counts = ingest(store.clone(), &options(&site), CancellationToken::new())
        .await
        .expect("run 1");
    let log = site.log();
    // Exactly the allowed articles, each once.
    let stats = store.stats().await.expect("stats");
    assert_eq!(
        stats.articles as usize,
        STORED_PATHS.len(),
        "counts: {counts}"
    );
    for p in STORED_PATHS {
        let a = store.article_by_url(&site.url(p)).await.expect("lookup");
        assert!(a.is_some(), "{p} not stored");
    }
    assert_eq!(counts.created as usize, STORED_PATHS.len(), "{counts}");
    // The tracking-parameter duplicates and the redirect source lead to the same articles.
    let alpha = store
        .article_by_url(&site.url("/news/2025/04/01/alpha"))
        .await
        .expect("q")
        .expect("alpha");
    let gamma = store
        .article_by_url(&site.url("/old/gamma"))
        .await
        .expect("q")
        .expect("gamma via redirect");
    assert_eq!(gamma.url, site.url("/news/2025/04/03/gamma"));
    assert_ne!(alpha.id, gamma.id);
    // windows-1251 decoded.
    let cp = store
        .article_by_url(&site.url("/news/2025/04/04/cp1251"))
        .await
        .expect("q")
        .expect("cp1251");
    assert!(
        cp.article.text().contains("Министерство сообщило"),
        "cp1251 text: {}",
        cp.article.text()
    );
    // Disallowed pages never requested; 404 not stored; huge page refused.
    assert!(
        log.iter().all(|h| !h.path.starts_with("/private/")),
        "a disallowed page was requested"
    );
    assert!(store
        .article_by_url(&site.url("/news/2025/04/05/missing"))
        .await
        .expect("q")
        .is_none());
    assert!(store
        .article_by_url(&site.url("/news/2025/04/08/huge"))
        .await
        .expect("q")
        .is_none());
    // 500 then 200: two requests for the flaky page.
    assert_eq!(
        log.iter()
            .filter(|h| h.path == "/news/2025/04/06/flaky")
            .count(),
        2
    );
    // Every request carries our User-Agent.
    assert!(log.iter().all(|h| h
        .headers
        .get("user-agent")
        .is_some_and(|u| u.starts_with("khronika/"))));
    // Crawl-delay 0.2 s: gaps between request starts (after robots.txt, which comes first).
    assert_eq!(log.first().map(|h| h.path.as_str()), Some("/robots.txt"));
    assert_gaps(&log, Duration::from_millis(200));
    // Each page once: no URL requested twice except the flaky one.
    let mut paths: Vec<&str> = log
        .iter()
        .map(|h| h.path.as_str())
        .filter(|p| *p != "/news/2025/04/06/flaky")
        .collect();
    let n = paths.len();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), n, "a URL was requested twice: {log:?}");

    // Second run: the changing page changed; everything else did not.
    site.bump();
    site.clear_log();
    let counts = ingest(store.clone(), &options(&site), CancellationToken::new())
        .await
        .expect("run 2");
    let log = site.log();
    let non_conditional: Vec<&str> = log
        .iter()
        .filter(|h| h.path != "/robots.txt" && !h.conditional())
        .map(|h| h.path.as_str())
        .collect();
    assert!(
        non_conditional.is_empty(),
        "unconditional requests on the second run: {non_conditional:?}"
    );
    assert!(log.iter().all(|h| !h.path.starts_with("/private/")));
    assert_eq!(counts.created, 0, "{counts}");
    assert_eq!(counts.updated, 1, "{counts}");
    let stats = store.stats().await.expect("stats");
    assert_eq!(stats.articles as usize, STORED_PATHS.len());
    assert_eq!(stats.versions as usize, STORED_PATHS.len() + 1);
    let changing = store
        .article_by_url(&site.url("/news/2025/04/07/changing"))
        .await
        .expect("q")
        .expect("changing");
    assert_eq!(changing.version, 2);
    assert!(changing.article.text().contains("Обновление номер 1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_and_sitemaps_are_discovered_from_home_page_and_robots() {
    let site = site::start(0, None).await;
    let fetcher = Fetcher::new(fetch_config(&site)).expect("fetcher");
    let home = url::Url::parse(&site.url("/")).expect("url");
    let found = khronika_ingest::discover(&fetcher, &home)
        .await
        .expect("discover");
    assert_eq!(
        found
            .feeds
            .iter()
            .map(|u| u.to_string())
            .collect::<Vec<_>>(),
        vec![site.url("/rss.xml")]
    );
    assert_eq!(
        found
            .sitemaps
            .iter()
            .map(|u| u.to_string())
            .collect::<Vec<_>>(),
        vec![site.url("/news-sitemap.xml")]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_addresses_are_refused_by_name_by_redirect_and_by_dns_answer() {
    let site = site::start(0, None).await;
    let port = site.addr.port();
    // No exemptions: loopback by literal address and by name.
    let strict = Fetcher::new(FetchConfig {
        default_delay: Duration::ZERO,
        ..Default::default()
    })
    .expect("fetcher");
    for u in [
        format!("http://127.0.0.1:{port}/"),
        format!("http://localhost:{port}/"),
        format!("http://[::1]:{port}/"),
    ] {
        let r = strict.fetch(&url::Url::parse(&u).expect("url"), None).await;
        assert!(matches!(r, Err(FetchError::Refused { .. })), "{u}: {r:?}");
    }
    assert!(
        site.log().is_empty(),
        "a refused request reached the server"
    );
    // The test server is allowed, but its redirect to a private address is not followed.
    let cfg = FetchConfig {
        respect_robots: false,
        ..fetch_config(&site)
    };
    let exempt = Fetcher::new(cfg.clone()).expect("fetcher");
    let r = exempt
        .fetch(
            &url::Url::parse(&site.url("/redirect-private")).expect("url"),
            None,
        )
        .await;
    assert!(
        matches!(r, Err(FetchError::Refused { .. })),
        "redirect: {r:?}"
    );
    // A name whose DNS answer is private is refused before connecting.
    let mut cfg = cfg;
    cfg.policy
        .dns_overrides
        .insert("news.test".into(), vec!["10.20.30.40".parse().expect("ip")]);
    cfg.policy.dns_overrides.insert(
        "mixed.test".into(),
        vec![
            "93.184.216.34".parse().expect("ip"),
            "192.168.0.10".parse().expect("ip"),
        ],
    );
    let pinned = Fetcher::new(cfg).expect("fetcher");
    for host in ["news.test", "mixed.test"] {
        let r = pinned
            .fetch(
                &url::Url::parse(&format!("http://{host}:{port}/")).expect("url"),
                None,
            )
            .await;
        assert!(
            matches!(r, Err(FetchError::Refused { .. })),
            "{host}: {r:?}"
        );
    }
    // With the name allowed the same server answers (the refusals above were the policy).
    let open = Fetcher::new(FetchConfig {
        policy: AddressPolicy::allowing([format!("localhost:{port}").parse().expect("host:port")]),
        default_delay: Duration::ZERO,
        ..Default::default()
    })
    .expect("fetcher");
    let ok = open
        .fetch(
            &url::Url::parse(&format!("http://localhost:{port}/news/2025/04/01/alpha"))
                .expect("url"),
            None,
        )
        .await;
    assert!(ok.is_ok_and(|r| r.status == 200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_mode_follows_article_links_from_the_home_page() {
    let site = site::start(0, None).await;
    let dir = tempfile::tempdir().expect("tmp");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).await.expect("store"));
    store
        .add_source(&NewSource {
            name: "crawl".into(),
            home_url: site.url("/"),
            ..Default::default()
        })
        .await
        .expect("add source");
    let opts = IngestOptions {
        crawl_depth: Some(1),
        ..options(&site)
    };
    let counts = ingest(store.clone(), &opts, CancellationToken::new())
        .await
        .expect("crawl");
    // Article-like links of the home page (not the section-less /old/gamma, not /private/).
    let expected = [
        "/news/2025/04/01/alpha",
        "/news/2025/04/02/beta",
        "/news/2025/04/04/cp1251",
        "/news/2025/04/06/flaky",
        "/news/2025/04/07/changing",
    ];
    for p in expected {
        assert!(
            store
                .article_by_url(&site.url(p))
                .await
                .expect("q")
                .is_some(),
            "{p} not crawled ({counts})"
        );
    }
    assert_eq!(
        store.stats().await.expect("stats").articles as usize,
        expected.len(),
        "{counts}"
    );
    assert!(
        store
            .article_by_url(&site.url("/"))
            .await
            .expect("q")
            .is_none(),
        "the home page became an article"
    );
    let log = site.log();
    assert!(log.iter().all(|h| !h.path.starts_with("/private/")));
    assert_eq!(log.iter().filter(|h| h.path == "/").count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sources_own_delay_is_kept_between_requests() {
    let site = site::start(0, None).await;
    let dir = tempfile::tempdir().expect("tmp");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).await.expect("store"));
    store
        .add_source(&NewSource {
            name: "slow".into(),
            home_url: site.url("/"),
            feeds: vec![site.url("/rss.xml")],
            politeness: khronika_store::Politeness {
                delay_ms: Some(150),
                max_concurrency: Some(1),
            },
            ..Default::default()
        })
        .await
        .expect("add source");
    ingest(store.clone(), &options(&site), CancellationToken::new())
        .await
        .expect("run");
    let log = site.log();
    assert!(log.len() > 5);
    assert_gaps(&log, Duration::from_millis(150));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_requests_waits_for_retry_after() {
    let site = site::start(0, None).await;
    let fetcher = Fetcher::new(FetchConfig {
        respect_robots: false,
        ..fetch_config(&site)
    })
    .expect("fetcher");
    let r = fetcher
        .fetch(&url::Url::parse(&site.url("/busy")).expect("url"), None)
        .await
        .expect("fetch");
    assert_eq!(r.status, 200);
    let hits: Vec<_> = site
        .log()
        .into_iter()
        .filter(|h| h.path == "/busy")
        .collect();
    assert_eq!(hits.len(), 2);
    let gap = hits[1].at.duration_since(hits[0].at);
    assert!(
        gap >= Duration::from_millis(950),
        "Retry-After: 1 not honoured: {gap:?}"
    );
}

/// Allowing the test server allows that host and port only: its redirects to cloud
/// metadata, private space, another loopback port or a name pinned to a private address are
/// refused before anything is sent (the refusal comes from the policy, not from a failed
/// connection: nothing but 127.0.0.1 is ever contacted).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allowed_host_does_not_open_other_private_destinations() {
    let site = site::start(0, None).await;
    let mut cfg = FetchConfig {
        respect_robots: false,
        ..fetch_config(&site)
    };
    cfg.policy.dns_overrides.insert(
        "metadata.test".into(),
        vec!["10.0.0.1".parse().expect("ip")],
    );
    let fetcher = Fetcher::new(cfg).expect("fetcher");
    let ok = fetcher
        .fetch(
            &url::Url::parse(&site.url("/news/2025/04/01/alpha")).expect("url"),
            None,
        )
        .await;
    assert!(
        ok.is_ok_and(|r| r.status == 200),
        "the allowed host answers"
    );
    for (path, addr) in [
        ("/redirect-metadata", "169.254.169.254"),
        ("/redirect-private", "10.0.0.1"),
        ("/redirect-other-port", "127.0.0.1"),
        ("/redirect-name", "10.0.0.1"),
    ] {
        let r = fetcher
            .fetch(&url::Url::parse(&site.url(path)).expect("url"), None)
            .await;
        match r {
            Err(FetchError::Refused { addr: got, .. }) => {
                assert_eq!(got.to_string(), addr, "{path}")
            }
            other => panic!("{path}: not refused by the policy: {other:?}"),
        }
    }
}
