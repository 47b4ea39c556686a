//! Issue #17, the server's part: each failure the hostile-input probe found, reproduced over
//! real HTTP on 127.0.0.1 (huge article, stalled and idle connections, missing security
//! headers and public metrics, local paths in answers, two servers on one data directory).

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{get, huge_article, new_article, plain, seed_time, start};
use khronika_serve::ServeConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn put(s: &common::Server, a: khronika_store::NewArticle) -> i64 {
    let out = s
        .store
        .put_articles(&[a])
        .await
        .unwrap_or_else(|e| panic!("put: {e}"));
    s.app
        .sync_index()
        .await
        .unwrap_or_else(|e| panic!("sync: {e}"));
    match out.first() {
        Some(khronika_store::PutOutcome::Created { id }) => id.0,
        other => panic!("not created: {other:?}"),
    }
}

fn metric(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name} missing:\n{text}"))
}

// ---------- 1. one large article ----------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_article_is_served_in_bounded_pages() {
    let s = start(2, ServeConfig::default()).await;
    let (article, analysis) = huge_article();
    let total_blocks = article.blocks.len();
    let id = put(
        &s,
        new_article(
            Some(s.sources[0]),
            "https://bizmedia.kz/news/huge",
            article,
            Some(analysis),
        ),
    )
    .await;

    // Many readers at once on a cold cache: one render, the others wait for it.
    let misses_before = metric(
        &get(s.admin, "/metrics", &[]).await.body,
        "khronika_page_cache_misses_total",
    );
    let path = format!("/article/{id}");
    let mut readers = Vec::new();
    for _ in 0..16 {
        let addr = s.addr;
        let p = path.clone();
        readers.push(tokio::spawn(async move { get(addr, &p, &[]).await }));
    }
    let mut etags = std::collections::HashSet::new();
    for r in readers {
        let r = r.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.status, 200);
        assert!(r.body.len() < 1 << 20, "page of {} bytes", r.body.len());
        etags.insert(r.header("etag").unwrap_or_default().to_string());
    }
    assert_eq!(etags.len(), 1, "{etags:?}");
    let misses = metric(
        &get(s.admin, "/metrics", &[]).await.body,
        "khronika_page_cache_misses_total",
    ) - misses_before;
    assert_eq!(misses, 1, "16 readers of a cold page cost {misses} renders");

    // The body continues on further pages, linked from each.
    let first = get(s.addr, &path, &[]).await;
    assert!(
        first.body.contains(&format!("/article/{id}?page=2\"")),
        "no continue link"
    );
    let last_page = first
        .body
        .split("Страница 1 из ")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or_else(|| panic!("no page count"));
    assert!(last_page > 50, "{last_page} pages for 14 MB");
    let last = get(s.addr, &format!("{path}?page={last_page}"), &[]).await;
    assert_eq!(last.status, 200);
    assert!(last.body.contains("1399. Длинный текст"), "last paragraph");
    assert!(last.body.len() < 1 << 20);
    let past = get(s.addr, &format!("{path}?page={}", last_page + 1), &[]).await;
    assert_eq!(past.status, 404);
    // The title and lead are cut to a headline's and a paragraph's size.
    assert!(first.body.len() < 1 << 20, "{}", first.body.len());

    // The API pages the blocks the same way.
    let api = format!("/api/v1/articles/{id}");
    let r = get(s.addr, &api, &[]).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.len() < 1 << 20,
        "API answer of {} bytes",
        r.body.len()
    );
    let v = r.json();
    assert_eq!(v["blocks_total"].as_u64(), Some(total_blocks as u64));
    let n = v["blocks"].as_array().map_or(0, Vec::len);
    assert!(n > 0 && n < total_blocks);
    let next = v["next_blocks"].as_str().unwrap_or_default().to_string();
    assert_eq!(next, format!("{api}?blocks_from={n}"));
    let r2 = get(s.addr, &next, &[]).await.json();
    assert_eq!(
        r2["blocks"][0]["text"]
            .as_str()
            .map(|t| t.starts_with(&format!("{n}. "))),
        Some(true),
        "the next window starts where the first ended"
    );
    // The 500,000-character paragraph comes cut, alone in its window.
    let big = get(s.addr, &format!("{api}?blocks_from=700"), &[]).await;
    assert!(big.body.len() < 1 << 20, "{}", big.body.len());
    let tail = get(
        s.addr,
        &format!("{api}?blocks_from={}", total_blocks - 1),
        &[],
    )
    .await
    .json();
    assert_eq!(tail["blocks"].as_array().map(Vec::len), Some(1));
    assert!(tail["next_blocks"].is_null());
    assert_eq!(
        get(s.addr, &format!("{api}?blocks_from=x"), &[])
            .await
            .status,
        400
    );
    assert!(v["quotes"].as_array().map_or(0, Vec::len) <= 500);

    let h = get(s.addr, "/healthz", &[]).await;
    assert_eq!(h.status, 200);
}

// ---------- 2. timeouts and the connection cap ----------

/// Reads until the server closes the connection; `false` if it is still open after `wait`.
async fn closed_within(c: &mut TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, c.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_and_idle_connections_are_closed() {
    let cfg = ServeConfig {
        header_read_timeout: Duration::from_millis(300),
        ..ServeConfig::default()
    };
    let s = start(1, cfg).await;
    let connect = || async {
        TcpStream::connect(s.addr)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    };
    // A head that never ends.
    let mut partial = connect().await;
    partial
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // A client that says nothing.
    let mut silent = connect().await;
    // A kept-alive connection after one answer.
    let mut kept = connect().await;
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut buf = [0u8; 1024];
    let n = kept.read(&mut buf).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    // Generous: the limit is 300 ms; today's server kept all three for over a minute.
    for (name, c) in [
        ("partial head", &mut partial),
        ("silent", &mut silent),
        ("idle keep-alive", &mut kept),
    ] {
        assert!(
            closed_within(c, Duration::from_secs(10)).await,
            "{name} connection still open"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_connection_cap_idle_sockets_make_room_for_health_checks() {
    let cfg = ServeConfig {
        max_connections: 8,
        ..ServeConfig::default()
    };
    let s = start(1, cfg).await;
    let mut idle = Vec::new();
    for _ in 0..8 {
        idle.push(
            TcpStream::connect(s.addr)
                .await
                .unwrap_or_else(|e| panic!("{e}")),
        );
    }
    // Give the server time to accept all eight (nothing is asserted about this wait).
    tokio::time::sleep(Duration::from_millis(200)).await;
    for i in 0..3 {
        let h = tokio::time::timeout(Duration::from_secs(10), get(s.addr, "/healthz", &[]))
            .await
            .unwrap_or_else(|_| panic!("healthz {i} got no answer at the cap"));
        assert_eq!(h.status, 200);
    }
    // The oldest idle sockets were the ones closed.
    let oldest = idle.first_mut().unwrap_or_else(|| panic!("no sockets"));
    assert!(closed_within(oldest, Duration::from_secs(10)).await);
}

// ---------- 9. security headers, metrics ----------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_the_security_headers_and_metrics_are_not_public() {
    let s = start(3, ServeConfig::default()).await;
    let r = get(s.addr, "/api/v1/articles?limit=1", &[]).await;
    let id = r.json()["items"][0]["id"].as_i64().unwrap_or(1);
    let etag = get(s.addr, &format!("/article/{id}"), &[])
        .await
        .header("etag")
        .unwrap_or_default()
        .to_string();
    let paths = [
        "/",
        "/search?q=%D0%B4%D0%BE%D0%B6%D0%B4%D1%8C",
        "/no/such/page",
        "/article/987654",
        "/article/abc",
        "/api/v1/articles",
        "/api/v1/no-such-thing",
        "/api/v1/articles?limit=abc",
        "/healthz",
        "/static/site.css",
        "/feed.rss",
        "/feed.atom",
        "/api/v1/openapi.json",
        "/metrics",
    ];
    let mut checked: Vec<(String, common::Resp)> = Vec::new();
    for p in paths {
        checked.push((p.to_string(), get(s.addr, p, &[]).await));
    }
    checked.push((
        "304".into(),
        get(
            s.addr,
            &format!("/article/{id}"),
            &[("If-None-Match", etag.as_str())],
        )
        .await,
    ));
    checked.push((
        "POST".into(),
        common::request(s.addr, "POST", "/", &[("Content-Length", "0")]).await,
    ));
    checked.push(("admin /metrics".into(), get(s.admin, "/metrics", &[]).await));
    for (p, r) in &checked {
        let csp = r.header("content-security-policy").unwrap_or_default();
        for directive in [
            "default-src 'none'",
            "frame-ancestors 'none'",
            "style-src 'self'",
        ] {
            assert!(csp.contains(directive), "{p}: CSP {csp:?}");
        }
        assert!(!csp.contains("unsafe-inline"), "{p}: {csp}");
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{p}");
        assert!(r.header("referrer-policy").is_some(), "{p}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{p}");
    }
    let public_metrics = &checked
        .iter()
        .find(|(p, _)| p == "/metrics")
        .unwrap_or_else(|| panic!("checked"))
        .1;
    assert_eq!(public_metrics.status, 404);
    assert!(!public_metrics.body.contains("khronika_"));
    let admin = get(s.admin, "/metrics", &[]).await;
    assert_eq!(admin.status, 200);
    assert!(admin.body.contains("khronika_http_requests_total"));
}

// ---------- 10. no local paths in public answers ----------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_paths_never_reach_the_api_or_portal() {
    let s = start(1, ServeConfig::default()).await;
    let secret = "file:///srv/khronika-private/inbox/page.html";
    let mut untitled = plain(
        "",
        "Лид локального файла о тюльпанах.",
        "Текст о тюльпанах.",
        &[],
        seed_time(),
    );
    untitled.title = None;
    untitled.canonical_url = url::Url::parse("file:///srv/khronika-private/canonical.html").ok();
    let id = put(&s, new_article(None, secret, untitled, None)).await;
    for p in [
        format!("/api/v1/articles/{id}"),
        "/api/v1/articles?limit=100".to_string(),
        "/api/v1/latest?limit=50".to_string(),
        "/api/v1/search?q=%D1%82%D1%8E%D0%BB%D1%8C%D0%BF%D0%B0%D0%BD%D0%B0%D1%85".to_string(),
        format!("/article/{id}"),
        "/".to_string(),
        "/search?q=%D1%82%D1%8E%D0%BB%D1%8C%D0%BF%D0%B0%D0%BD%D0%B0%D1%85".to_string(),
    ] {
        let r = get(s.addr, &p, &[]).await;
        assert_eq!(r.status, 200, "{p}");
        assert!(
            !r.body.contains("khronika-private") && !r.body.contains("file:"),
            "{p} shows a server path:\n{}",
            r.body
        );
    }
    let v = get(s.addr, &format!("/api/v1/articles/{id}"), &[])
        .await
        .json();
    assert!(v["url"].is_null() && v["canonical_url"].is_null(), "{v}");
    // http(s) URLs are still shown.
    let r = get(s.addr, "/api/v1/articles?limit=100", &[]).await;
    assert!(
        r.body.contains("\"url\":\"https://bizmedia.kz/"),
        "{}",
        r.body
    );
}

// ---------- 11. one server per data directory, honest health ----------

#[test]
fn a_second_server_on_the_same_data_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let first = khronika_serve::lock_data_dir(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let second = khronika_serve::lock_data_dir(dir.path());
    let msg = second.map(|_| ()).err().map(|e| e.to_string());
    assert!(
        msg.as_deref()
            .is_some_and(|m| m.contains("another khronika server") && m.contains("serve.lock")),
        "{msg:?}"
    );
    drop(first);
    assert!(khronika_serve::lock_data_dir(dir.path()).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_not_ok_while_the_index_cannot_sync() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = khronika_store::open_sqlite(dir.path())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let open_index = || {
        Arc::new(
            khronika_index::SearchIndex::open_or_create(&dir.path().join("index"))
                .unwrap_or_else(|e| panic!("{e}")),
        )
    };
    let index = open_index();
    // Another process's server holds the index writer (as a second `serve` met it).
    let other = open_index();
    other
        .upsert(&[])
        .unwrap_or_else(|e| panic!("taking the writer: {e}"));
    let cfg = ServeConfig {
        sync_interval: Duration::from_millis(100),
        ..ServeConfig::default()
    };
    let app = khronika_serve::App::new(store.clone(), index, cfg)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(khronika_serve::serve_on(
        app,
        listener,
        std::future::pending(),
    ));
    let h = get(addr, "/healthz", &[]).await;
    assert_eq!(h.json()["status"], "ok", "{}", h.body);
    store
        .put_articles(&[new_article(
            None,
            "https://example.kz/new",
            plain("Новая статья", "Лид.", "Текст.", &[], seed_time()),
            None,
        )])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // The sync runs every 100 ms; poll for up to 10 s.
    let mut last = String::new();
    for _ in 0..100 {
        let h = get(addr, "/healthz", &[]).await;
        if h.status == 503 && h.json()["index_sync"] == "failing" {
            assert_eq!(h.json()["status"], "degraded");
            assert!(!h.body.contains(dir.path().to_string_lossy().as_ref()));
            return;
        }
        last = h.body;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("healthz still says: {last}");
}

// ---------- the crawl frontier's depth on /metrics ----------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_show_the_crawl_frontier_by_state() {
    let s = start(2, ServeConfig::default()).await;
    let source = *s.sources.first().unwrap_or_else(|| panic!("no source"));
    let urls: Vec<khronika_store::NewFrontierUrl> = (0..3)
        .map(|n| khronika_store::NewFrontierUrl {
            source_id: source,
            url: format!("https://f.example/{n}"),
            host: "f.example:443".into(),
            kind: khronika_store::FrontierKind::Page,
            depth: 0,
        })
        .collect();
    s.store
        .frontier_add(&urls)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let leased = s
        .store
        .frontier_lease("w", 1, Duration::from_secs(60))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(leased.len(), 1);
    let text = get(s.admin, "/metrics", &[]).await.body;
    assert_eq!(metric(&text, "khronika_frontier_urls{state=\"ready\"}"), 2);
    assert_eq!(metric(&text, "khronika_frontier_urls{state=\"leased\"}"), 1);
    assert_eq!(
        metric(&text, "khronika_frontier_urls{state=\"waiting\"}"),
        0
    );
}
