//! Ingest throughput benchmark (not a test): a local fixture server with N article pages
//! generated from the real dev pages in `/work/shared/data/pages-ru` (each page gets a unique
//! marker paragraph so every one is a distinct article), listed in a sitemap; politeness off.
//! Prints pages/s end to end (fetch + extract [+ analysis] + store) and the process's peak RSS
//! (server included).
//!
//! `cargo run -p khronika-pipeline --example bench_ingest [--features analysis] -- [N] [--analysis]`
//! (build with optimisation, e.g. `--release` or `--config 'profile.dev.package.khronika-extract.opt-level=3'`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use khronika_ingest::{AddressPolicy, FetchConfig};
use khronika_pipeline::{ingest, CancellationToken, IngestOptions, PipelineOptions};
use khronika_store::{NewSource, SqliteStore, Store};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const PAGES_DIR: &str = "/work/shared/data/pages-ru";

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<f64>().ok())
            })
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// CPU seconds (user + system) this process has used.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1.to_owned();
            let f: Vec<&str> = rest.split_whitespace().collect();
            let u: f64 = f.get(11)?.parse().ok()?;
            let k: f64 = f.get(12)?.parse().ok()?;
            Some((u + k) / 100.0)
        })
        .unwrap_or(f64::NAN)
}

fn insert_after_tag(page: &[u8], tag: &[u8], text: &[u8]) -> Option<Vec<u8>> {
    let lower: Vec<u8> = page.iter().map(|b| b.to_ascii_lowercase()).collect();
    let start = lower.windows(tag.len()).position(|w| w == tag)?;
    let close = start + lower.get(start..)?.iter().position(|b| *b == b'>')? + 1;
    let mut out = Vec::with_capacity(page.len() + text.len());
    out.extend_from_slice(page.get(..close)?);
    out.extend_from_slice(text);
    out.extend_from_slice(page.get(close..)?);
    Some(out)
}

/// Page `i`: a dev page with a unique number in its headline and title (ASCII only: some
/// bases are windows-1251), so each is a distinct article for extraction and hashing.
fn page(bases: &[Vec<u8>], i: usize) -> Vec<u8> {
    let Some(base) = bases.get(i % bases.len().max(1)) else {
        return Vec::new();
    };
    let marker = format!("[{i}-{}] ", i * 7919 % 104729);
    let with_h1 = insert_after_tag(base, b"<h1", marker.as_bytes()).unwrap_or_else(|| base.clone());
    insert_after_tag(&with_h1, b"<title", marker.as_bytes()).unwrap_or(with_h1)
}

async fn serve(listener: TcpListener, bases: Arc<Vec<Vec<u8>>>, n: usize) {
    loop {
        let Ok((mut sock, _)) = listener.accept().await else {
            continue;
        };
        let bases = bases.clone();
        tokio::spawn(async move {
            let addr = sock.local_addr().map(|a| a.to_string()).unwrap_or_default();
            let mut buf = Vec::new();
            let mut chunk = [0u8; 8192];
            loop {
                // Keep-alive: one request head at a time.
                let end = loop {
                    if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break p + 4;
                    }
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(k) => buf.extend_from_slice(&chunk[..k]),
                    }
                };
                let head = String::from_utf8_lossy(&buf[..end]).to_string();
                buf.drain(..end);
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                let (ctype, body): (&str, Vec<u8>) = if path == "/robots.txt" {
                    ("text/plain", b"User-agent: *\nAllow: /\n".to_vec())
                } else if path == "/sitemap.xml" {
                    let mut s = String::from("<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
                    for i in 0..n {
                        s.push_str(&format!(
                            "<url><loc>http://{addr}/news/2025/{i:06}</loc></url>"
                        ));
                    }
                    s.push_str("</urlset>");
                    ("application/xml", s.into_bytes())
                } else if let Some(i) = path
                    .rsplit('/')
                    .next()
                    .and_then(|x| x.parse::<usize>().ok())
                {
                    ("text/html", page(&bases, i))
                } else {
                    ("text/html", b"not found".to_vec())
                };
                let resp = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                if sock.write_all(resp.as_bytes()).await.is_err()
                    || sock.write_all(&body).await.is_err()
                {
                    return;
                }
            }
        });
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(10_000);
    let analysis = args.iter().any(|a| a == "--analysis");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let mut bases = Vec::new();
        for e in std::fs::read_dir(PAGES_DIR)? {
            let p = e?.path();
            if p.extension().is_some_and(|x| x == "html") {
                bases.push(std::fs::read(&p)?);
            }
        }
        // Reference in the same run: extraction alone, one thread, no I/O.
        let sample = 300.min(n);
        let t = Instant::now();
        for i in 0..sample {
            let _ = khronika_extract::extract(&page(&bases, i), &khronika_extract::ExtractOptions::default());
        }
        let extract_rate = sample as f64 / t.elapsed().as_secs_f64();
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        tokio::spawn(serve(listener, Arc::new(bases.clone()), n));
        let dir = tempfile::tempdir()?;
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).await?);
        store
            .add_source(&NewSource {
                name: "bench".into(),
                home_url: format!("http://{addr}/"),
                sitemaps: vec![format!("http://{addr}/sitemap.xml")],
                ..Default::default()
            })
            .await?;
        let opts = IngestOptions {
            fetch: FetchConfig {
                policy: AddressPolicy::allowing(addr.to_string().parse()),
                default_delay: Duration::ZERO,
                per_host_concurrency: 16,
                max_bytes: 8 * 1024 * 1024,
                ..Default::default()
            },
            pipeline: PipelineOptions { analyze: analysis, batch_size: 128, progress: false },
            once: true,
            concurrency: 16,
            max_pages_per_source: n + 10,
            ..Default::default()
        };
        let t = Instant::now();
        let cpu0 = cpu_seconds();
        let counts = ingest(store.clone(), &opts, CancellationToken::new()).await?;
        let secs = t.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu0;
        let stats = store.stats().await?;
        let db = std::fs::metadata(dir.path().join("khronika.db")).map(|m| m.len()).unwrap_or(0);
        println!("| pages | analysis | seconds | pages/s | pages per CPU-second (server incl.) | extract-only pages/s (1 thread) | stored | peak RSS MB | db MB |");
        println!("|---|---|---|---|---|---|---|---|---|");
        println!(
            "| {n} | {} | {secs:.1} | {:.0} | {:.0} | {extract_rate:.0} | {} | {:.0} | {:.0} |",
            if analysis { "on" } else { "off" },
            n as f64 / secs,
            n as f64 / cpu,
            stats.articles,
            peak_rss_mb(),
            db as f64 / 1e6
        );
        eprintln!("{counts}");
        Ok::<(), Box<dyn std::error::Error>>(())
    })
}
