//! Prometheus metrics: request counts and latency histograms per route, cache hits, index
//! size and lag behind the store.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, State};
use axum::http::{header, HeaderValue, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Upper bounds of the latency buckets, seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];
/// Distinct (route, status) series kept; routes are templates, so this is never reached
/// in practice, but it bounds memory if it were.
const MAX_SERIES: usize = 2000;

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

#[derive(Default)]
pub struct Metrics {
    series: Mutex<HashMap<(String, u16), Series>>,
    cache_hits: AtomicU64,
    cache_misses: AtomicU64,
}

impl Metrics {
    pub fn cache_hit(&self) {
        self.cache_hits.fetch_add(1, Ordering::Relaxed);
    }
    pub fn cache_miss(&self) {
        self.cache_misses.fetch_add(1, Ordering::Relaxed);
    }

    fn observe(&self, route: &str, status: u16, secs: f64) {
        let Ok(mut map) = self.series.lock() else {
            return;
        };
        let key = (route.to_string(), status);
        if !map.contains_key(&key) && map.len() >= MAX_SERIES {
            return;
        }
        let s = map.entry(key).or_default();
        s.count += 1;
        s.sum += secs;
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                if let Some(slot) = s.buckets.get_mut(i) {
                    *slot += 1;
                }
            }
        }
    }

    fn render_http(&self, out: &mut String) {
        let Ok(map) = self.series.lock() else { return };
        let mut keys: Vec<&(String, u16)> = map.keys().collect();
        keys.sort();
        out.push_str("# HELP khronika_http_requests_total HTTP requests by route template and status.\n# TYPE khronika_http_requests_total counter\n");
        for k in &keys {
            if let Some(s) = map.get(*k) {
                let _ = writeln!(
                    out,
                    "khronika_http_requests_total{{route=\"{}\",status=\"{}\"}} {}",
                    label(&k.0),
                    k.1,
                    s.count
                );
            }
        }
        // Latency per route, all statuses together.
        let mut per_route: HashMap<&str, Series> = HashMap::new();
        for (k, s) in map.iter() {
            let e = per_route.entry(k.0.as_str()).or_default();
            e.count += s.count;
            e.sum += s.sum;
            for (a, b) in e.buckets.iter_mut().zip(s.buckets.iter()) {
                *a += *b;
            }
        }
        let mut routes: Vec<&&str> = per_route.keys().collect();
        routes.sort();
        out.push_str("# HELP khronika_http_request_duration_seconds Time to answer, by route template.\n# TYPE khronika_http_request_duration_seconds histogram\n");
        for r in routes {
            let Some(s) = per_route.get(*r) else { continue };
            for (b, n) in BUCKETS.iter().zip(s.buckets.iter()) {
                let _ = writeln!(
                    out,
                    "khronika_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{b}\"}} {n}",
                    label(r)
                );
            }
            let _ = writeln!(
                out,
                "khronika_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}",
                label(r),
                s.count
            );
            let _ = writeln!(
                out,
                "khronika_http_request_duration_seconds_sum{{route=\"{}\"}} {}",
                label(r),
                s.sum
            );
            let _ = writeln!(
                out,
                "khronika_http_request_duration_seconds_count{{route=\"{}\"}} {}",
                label(r),
                s.count
            );
        }
    }
}

fn label(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', " ")
}

/// Times and counts every request (CORS preflights too: the CORS layer is inside this one).
pub async fn track(State(app): State<AppState>, req: Request<Body>, next: Next) -> Response {
    let start = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let resp = next.run(req).await;
    app.metrics.observe(
        &route,
        resp.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    resp
}

/// `/metrics` in the Prometheus text format.
pub async fn handler(State(app): State<AppState>) -> Response {
    let mut out = String::with_capacity(4096);
    app.metrics.render_http(&mut out);
    let _ = writeln!(
        out,
        "# TYPE khronika_page_cache_hits_total counter\nkhronika_page_cache_hits_total {}",
        app.metrics.cache_hits.load(Ordering::Relaxed)
    );
    let _ = writeln!(
        out,
        "# TYPE khronika_page_cache_misses_total counter\nkhronika_page_cache_misses_total {}",
        app.metrics.cache_misses.load(Ordering::Relaxed)
    );
    let (entries, bytes) = app.cache_usage();
    let _ = writeln!(
        out,
        "# TYPE khronika_page_cache_entries gauge\nkhronika_page_cache_entries {entries}\n# TYPE khronika_page_cache_bytes gauge\nkhronika_page_cache_bytes {bytes}"
    );
    let _ = writeln!(
        out,
        "# HELP khronika_index_documents Articles in the search index.\n# TYPE khronika_index_documents gauge\nkhronika_index_documents {}",
        app.index.num_docs()
    );
    let _ = writeln!(
        out,
        "# HELP khronika_index_size_bytes Size of the search index on disk.\n# TYPE khronika_index_size_bytes gauge\nkhronika_index_size_bytes {}",
        app.index.size_bytes()
    );
    let store_seq = app.store.current_change_seq().await.unwrap_or(0);
    let index_seq = app.index.last_seq().ok().flatten().unwrap_or(0);
    let _ = writeln!(
        out,
        "# HELP khronika_index_lag_changes Store changes not yet in the search index.\n# TYPE khronika_index_lag_changes gauge\nkhronika_index_lag_changes {}",
        store_seq.saturating_sub(index_seq)
    );
    // Ingest lag: how old the newest stored article is (a stalled crawler shows as growth).
    let newest = app
        .store
        .list_articles(
            &khronika_store::ArticleFilter::default(),
            &khronika_store::PageRequest {
                cursor: None,
                limit: 1,
            },
        )
        .await
        .ok()
        .and_then(|p| p.items.into_iter().next())
        .map(|a| a.first_seen);
    if let Some(t) = newest {
        let lag = (chrono::Utc::now() - t).num_milliseconds().max(0) as f64 / 1000.0;
        let _ = writeln!(
            out,
            "# HELP khronika_ingest_lag_seconds Age of the newest stored article.\n# TYPE khronika_ingest_lag_seconds gauge\nkhronika_ingest_lag_seconds {lag}"
        );
    }
    if let Ok(s) = app.store.stats().await {
        let _ = writeln!(
            out,
            "# TYPE khronika_store_articles gauge\nkhronika_store_articles {}\n# TYPE khronika_store_sources gauge\nkhronika_store_sources {}",
            s.articles, s.sources
        );
    }
    // The shared crawl frontier (`khronika ingest --worker`): work waiting, in hand, done.
    if let Ok(d) = app.store.frontier_depth().await {
        let _ = writeln!(
            out,
            "# HELP khronika_frontier_urls URLs in the crawl frontier by state.\n# TYPE khronika_frontier_urls gauge\nkhronika_frontier_urls{{state=\"ready\"}} {}\nkhronika_frontier_urls{{state=\"leased\"}} {}\nkhronika_frontier_urls{{state=\"waiting\"}} {}",
            d.ready, d.leased, d.waiting
        );
    }
    let mut r = out.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    r
}
