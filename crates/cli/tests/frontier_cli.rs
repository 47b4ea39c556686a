//! Three `khronika ingest --worker` processes on one PostgreSQL database crawl a local
//! fixture site of 2,000 pages on four loopback ports (four hosts); one worker is killed
//! with SIGKILL midway. The fixture server logs every request with its time, so the test
//! sees what was fetched how often and how close together per host. Runs on the server
//! named by `KHRONIKA_TEST_DATABASE_URL`; skipped with a message without it (failing under
//! `CI=true`).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use khronika_store::postgres::testing::{fresh_database, server_url};
use khronika_store::Store;

const HOSTS: usize = 4;
const PAGES_PER_HOST: usize = 500;
const DELAY_MS: u64 = 20;
const BATCH: usize = 16;

/// (host index, path, arrival time)
type Log = Arc<Mutex<Vec<(usize, String, Instant)>>>;

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A distinct article per page (distinct text, so no page is a duplicate of another).
fn page(host: usize, n: usize) -> String {
    let title = format!("Новость номер {n} с площадки {host}");
    let mut body = String::new();
    for i in 0..4 {
        body.push_str(&format!(
            "<p>Абзац {i} материала {n} площадки {host}: ведомство сообщило о новых правилах, \
             эксперты обсуждают сроки, а жители региона высказываются в социальных сетях.</p>"
        ));
    }
    format!(
        "<!doctype html><html lang=\"ru\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         </head><body><article><h1>{title}</h1>{body}</article></body></html>"
    )
}

fn sitemap(port: u16) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">",
    );
    for n in 0..PAGES_PER_HOST {
        out.push_str(&format!(
            "<url><loc>http://127.0.0.1:{port}/news/{n}.html</loc></url>"
        ));
    }
    out.push_str("</urlset>");
    out
}

fn answer(host: usize, port: u16, path: &str) -> (u16, &'static str, String) {
    if path == "/sitemap.xml" {
        return (200, "application/xml", sitemap(port));
    }
    if path == "/robots.txt" {
        return (200, "text/plain", "User-agent: *\nAllow: /\n".into());
    }
    let n = path
        .strip_prefix("/news/")
        .and_then(|p| p.strip_suffix(".html"))
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|n| *n < PAGES_PER_HOST);
    match n {
        Some(n) => (200, "text/html; charset=utf-8", page(host, n)),
        None => (404, "text/plain", "not here".into()),
    }
}

/// One fixture host on a loopback port; a thread per connection, `Connection: close`.
fn serve(host: usize, log: Log) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let log = log.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&conn);
                let mut first = String::new();
                if reader.read_line(&mut first).is_err() {
                    return;
                }
                let at = Instant::now();
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let path = first.split_whitespace().nth(1).unwrap_or("").to_owned();
                if let Ok(mut l) = log.lock() {
                    l.push((host, path.clone(), at));
                }
                let (status, ctype, body) = answer(host, port, &path);
                let mut w = &conn;
                let _ = write!(
                    w,
                    "HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    port
}

/// `khronika` on a store (`["--database", URL]` or `["--data-dir", DIR]`).
fn khronika(store: &[&str], args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_khronika"))
        .args(store)
        .args(["--allow-host", "127.0.0.1", "-q"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running khronika {args:?}: {e}"))
}

/// A worker process; its standard error goes to `logs/NAME.log` (read when it fails).
fn worker(store: &[&str], name: &str, logs: &std::path::Path, delay_ms: u64) -> Killed {
    let child = Command::new(env!("CARGO_BIN_EXE_khronika"))
        .args(store)
        .args(["--allow-host", "127.0.0.1", "-q", "ingest"])
        .args(["--worker", "--once", "--no-analysis", "--worker-id", name])
        .args(["--delay-ms", &delay_ms.to_string(), "--lease-secs", "3"])
        .args(["--lease-batch", &BATCH.to_string(), "--retry-base-ms", "50"])
        .stdout(Stdio::null())
        .stderr(
            std::fs::File::create(logs.join(format!("{name}.log")))
                .map(Stdio::from)
                .unwrap_or_else(|_| Stdio::null()),
        )
        .spawn()
        .unwrap_or_else(|e| panic!("starting a worker: {e}"));
    Killed(child)
}

fn pages_hit(log: &Log) -> usize {
    log.lock()
        .map(|l| l.iter().filter(|(_, p, _)| p.starts_with("/news/")).count())
        .unwrap_or(0)
}

/// One fixture host per source, each with a sitemap of its pages.
fn add_sources(store: &[&str], log: &Log) {
    for h in 0..HOSTS {
        let port = serve(h, log.clone());
        let home = format!("http://127.0.0.1:{port}/");
        let map = format!("http://127.0.0.1:{port}/sitemap.xml");
        let name = format!("h{h}");
        let args = [
            "source",
            "add",
            &home,
            "--sitemap",
            &map,
            "--name",
            &name,
            "--no-discover",
        ];
        let out = khronika(store, &args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn three_workers_share_the_frontier_and_survive_a_kill_9() {
    let Some(server) = server_url() else { return };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let name = format!("khronika_frontier_{}", std::process::id());
    let db = rt
        .block_on(fresh_database(&server, &name))
        .unwrap_or_else(|e| panic!("creating the test database: {e}"));
    let store = ["--database", db.as_str()];
    let out = khronika(&store, &["migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: Log = Arc::default();
    add_sources(&store, &log);
    let logs = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut workers: Vec<Killed> = (0..3)
        .map(|i| worker(&store, &format!("w{i}"), logs.path(), DELAY_MS))
        .collect();
    let total = HOSTS * PAGES_PER_HOST;
    let deadline = Instant::now() + Duration::from_secs(300);
    while pages_hit(&log) < total / 3 {
        assert!(Instant::now() < deadline, "the workers stalled");
        std::thread::sleep(Duration::from_millis(20));
    }
    // SIGKILL: no cleanup, its leases stay until they expire.
    let mut victim = workers.remove(0);
    victim.0.kill().unwrap_or_else(|e| panic!("kill: {e}"));
    let _ = victim.0.wait();
    for (i, w) in workers.iter_mut().enumerate() {
        loop {
            match w.0.try_wait() {
                Ok(Some(status)) => {
                    let log = logs.path().join(format!("w{}.log", i + 1));
                    let err = std::fs::read_to_string(log).unwrap_or_default();
                    assert!(status.success(), "a worker failed: {status}\n{err}");
                    break;
                }
                Ok(None) => {
                    assert!(Instant::now() < deadline, "a worker did not finish");
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => panic!("{e}"),
            }
        }
    }

    let log = log.lock().map(|l| l.clone()).unwrap_or_default();
    let mut hits: HashMap<(usize, &str), usize> = HashMap::new();
    for (h, p, _) in &log {
        *hits.entry((*h, p.as_str())).or_default() += 1;
    }
    // Every page fetched; twice only if the killed worker had it in hand (its batch, at
    // most), never more.
    let mut twice = 0;
    for h in 0..HOSTS {
        for n in 0..PAGES_PER_HOST {
            let path = format!("/news/{n}.html");
            match hits.get(&(h, path.as_str())).copied().unwrap_or(0) {
                1 => {}
                2 => twice += 1,
                k => panic!("host {h} {path} fetched {k} times"),
            }
        }
        let maps = hits.get(&(h, "/sitemap.xml")).copied().unwrap_or(0);
        assert!(
            (1..=2).contains(&maps),
            "host {h} sitemap read {maps} times"
        );
    }
    assert!(twice <= BATCH, "{twice} pages fetched twice");
    // Politeness across workers: requests to one host (robots.txt apart: each process reads
    // it once, outside the frontier) are reserved slots `DELAY_MS` apart in the database.
    // What reaches the server also carries each process's wake-up jitter (2 shared cores,
    // three workers and PostgreSQL): a late request shortens the gap after it by as much as
    // it lengthened the one before, so single gaps say little. The test holds what a site
    // feels instead: the host's overall rate, the median gap, and no burst — at most a
    // couple of requests over the slots in any window of 25 delays.
    let delay = Duration::from_millis(DELAY_MS);
    let mut gaps = Vec::new();
    for h in 0..HOSTS {
        let mut times: Vec<Instant> = log
            .iter()
            .filter(|(hh, p, _)| *hh == h && p != "/robots.txt")
            .map(|(_, _, t)| *t)
            .collect();
        times.sort();
        if let (Some(first), Some(last)) = (times.first(), times.last()) {
            let span = *last - *first;
            let floor = delay * (times.len() as u32 - 1) * 95 / 100;
            assert!(
                span >= floor,
                "host {h}: {} requests in {span:?}",
                times.len()
            );
        }
        let window = delay * 25;
        let burst = (0..times.len())
            .map(|i| {
                times[i..]
                    .iter()
                    .take_while(|t| **t - times[i] < window)
                    .count()
            })
            .max()
            .unwrap_or(0);
        assert!(burst <= 28, "host {h}: {burst} requests within {window:?}");
        gaps.extend(times.windows(2).map(|p| p[1] - p[0]));
    }
    gaps.sort();
    let pct = |q: usize| gaps.get(gaps.len() * q / 100).copied().unwrap_or_default();
    eprintln!(
        "frontier: {} requests, {twice} pages fetched twice; gaps per host: min {:?} p1 {:?} p50 {:?}",
        log.len(),
        pct(0),
        pct(1),
        pct(50)
    );
    assert!(pct(50) >= delay * 95 / 100, "median gap {:?}", pct(50));
    // Nothing lost, nothing stored twice.
    let stats = rt.block_on(async {
        let store = khronika_store::PgStore::connect(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let depth = store
            .frontier_depth()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((depth.ready, depth.leased), (0, 0), "work left: {depth:?}");
        store.stats().await.unwrap_or_else(|e| panic!("{e}"))
    });
    assert_eq!(stats.articles as usize, total, "articles stored");
    assert_eq!(stats.versions as usize, total, "versions stored");
}

/// The embedded store serves a worker too: every page fetched once, and a second
/// `--worker --once` fetches nothing (pages done for good, lists not due yet).
#[test]
fn a_worker_on_the_embedded_store_fetches_each_page_once() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("data");
    let data = data.display().to_string();
    let store = ["--data-dir", data.as_str()];
    let log: Log = Arc::default();
    add_sources(&store, &log);
    for round in 0..2 {
        let mut w = worker(&store, &format!("r{round}"), dir.path(), 0);
        let status = w.0.wait().unwrap_or_else(|e| panic!("{e}"));
        let err = std::fs::read_to_string(dir.path().join(format!("r{round}.log")));
        assert!(status.success(), "{status}: {err:?}");
        let fetched = log.lock().map(|l| l.len()).unwrap_or(0);
        // Round 0: robots.txt, the sitemap and every page of each host once. Round 1: no
        // request at all (nothing due, so not even robots.txt is read).
        assert_eq!(fetched, HOSTS * (PAGES_PER_HOST + 2), "after round {round}");
    }
}

/// Ingest throughput of the 2,000-page fixture with no politeness delay: 1, 2 and 4
/// workers on PostgreSQL against the embedded default (plain `ingest`, and one `--worker`
/// on SQLite), side by side. A benchmark, not a check:
/// `cargo test -p khronika --test frontier_cli -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench_worker_throughput() {
    let Some(server) = server_url() else { return };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let total = HOSTS * PAGES_PER_HOST;
    let mut rows = Vec::new();
    let mut run = |label: String, store: Vec<String>, workers: usize, plain: bool| {
        let store: Vec<&str> = store.iter().map(String::as_str).collect();
        let log: Log = Arc::default();
        add_sources(&store, &log);
        let logs = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let start = Instant::now();
        if plain {
            let out = khronika(
                &store,
                &["ingest", "--once", "--no-analysis", "--delay-ms", "0"],
            );
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        } else {
            let mut ws: Vec<Killed> = (0..workers)
                .map(|i| worker(&store, &format!("w{i}"), logs.path(), 0))
                .collect();
            for w in &mut ws {
                let status = w.0.wait().unwrap_or_else(|e| panic!("{e}"));
                assert!(status.success(), "a worker failed: {status}");
            }
        }
        let secs = start.elapsed().as_secs_f64();
        assert!(pages_hit(&log) >= total, "{label}: pages missing");
        rows.push(format!(
            "{label:<28} {secs:>7.1} s {:>8.0} pages/s",
            total as f64 / secs
        ));
    };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("plain");
    run(
        "embedded, plain ingest".into(),
        vec!["--data-dir".into(), data.display().to_string()],
        1,
        true,
    );
    let data = dir.path().join("worker");
    run(
        "embedded, 1 worker".into(),
        vec!["--data-dir".into(), data.display().to_string()],
        1,
        false,
    );
    for n in [1, 2, 4] {
        let name = format!("khronika_bench_{}_{n}", std::process::id());
        let db = rt
            .block_on(fresh_database(&server, &name))
            .unwrap_or_else(|e| panic!("creating the bench database: {e}"));
        let out = khronika(&["--database", &db], &["migrate"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        run(
            format!("PostgreSQL, {n} worker(s)"),
            vec!["--database".into(), db],
            n,
            false,
        );
    }
    eprintln!("ingest of {total} pages on {HOSTS} loopback hosts, no analysis, no delay:");
    for r in rows {
        eprintln!("  {r}");
    }
}
