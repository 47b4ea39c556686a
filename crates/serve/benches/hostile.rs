//! Hostile load on a real `khronika serve` process, 127.0.0.1 only (issue #17's acceptance):
//! `crates/serve/benches/hostile.sh [SECONDS] [IDLE]` (defaults 20 and 20,000).
//!
//! 1. Stores one 14 MB article (1,400 paragraphs of 10 KB, one 1 MB paragraph, 5,000 quotes,
//!    100,000 entity mentions) and three small ones in a temporary data directory, starts
//!    `khronika serve` on it (the release binary next to this bench, or `KHRONIKA_BIN`).
//! 2. **Hammer**: 64 keep-alive connections request that article for SECONDS, mostly cache
//!    misses: random body pages (`?page=`) in random reader zones (`?tz=`) and random API
//!    windows (`?blocks_from=`), each a render that reads the 14 MB article from the store.
//! 3. **Idle flood**: two child processes open IDLE connections between them (a process's
//!    descriptor limit here is 20,000) and hold them without a byte sent.
//!
//! Throughout, a probe opens a fresh connection for `GET /healthz` every 100 ms (5 s timeout)
//! and the server's resident memory is read from `/proc/PID/status` every 100 ms. Prints the
//! probes' worst latency and failures per phase and the server's peak RSS. Bounded: each
//! phase stops after its time; the flood after IDLE connections.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{huge_article, new_article};
use khronika_model::{Article, Block};
use khronika_store::{DisplayPolicy, NewSource};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The tests' fixtures: the same 14 MB article as `tests/hardening.rs`.
#[path = "../tests/common/mod.rs"]
mod common;

const CONNECTIONS: usize = 64;
const ZONES: [&str; 8] = [
    "Asia/Almaty",
    "Europe/Moscow",
    "UTC",
    "Asia/Tashkent",
    "Asia/Bishkek",
    "Europe/Minsk",
    "Asia/Dushanbe",
    "Europe/Kyiv",
];

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// Stores the articles; returns the huge one's id.
async fn fill(dir: &std::path::Path) -> Result<i64, String> {
    let store = khronika_store::open_sqlite(dir)
        .await
        .map_err(|e| e.to_string())?;
    let src = store
        .add_source(&NewSource {
            name: "Большой источник".into(),
            home_url: "https://big.example/".into(),
            display: DisplayPolicy::FullText,
            ..Default::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    let (a, an) = huge_article();
    let huge = new_article(Some(src), "https://big.example/huge", a, Some(an));
    let out = store
        .put_articles(&[huge])
        .await
        .map_err(|e| e.to_string())?;
    for i in 0..3 {
        let small = Article {
            title: Some(format!("Короткая новость {i}")),
            blocks: vec![Block::Paragraph {
                text: "Короткий текст.".into(),
            }],
            ..Default::default()
        };
        store
            .put_articles(&[new_article(
                None,
                &format!("https://big.example/{i}"),
                small,
                None,
            )])
            .await
            .map_err(|e| e.to_string())?;
    }
    match out.first() {
        Some(khronika_store::PutOutcome::Created { id }) => Ok(id.0),
        other => Err(format!("not stored: {other:?}")),
    }
}

fn free_port() -> Result<SocketAddr, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    l.local_addr().map_err(|e| e.to_string())
}

/// `GET /healthz` on a fresh connection: status and latency, or why it failed.
fn probe(addr: SocketAddr) -> Result<(u16, Duration), String> {
    let t = Instant::now();
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
        .map_err(|e| format!("connect: {e}"))?;
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n")
        .map_err(|e| format!("write: {e}"))?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).map_err(|e| format!("read: {e}"))?;
    let status = String::from_utf8_lossy(buf.get(9..12).unwrap_or_default())
        .parse::<u16>()
        .map_err(|_| "no status".to_string())?;
    Ok((status, t.elapsed()))
}

/// A number from `/proc/PID/status` (kB for memory fields); 0 if unreadable.
fn status_field(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

#[derive(Default)]
struct PhaseStats {
    probes: u64,
    failed: Vec<String>,
    slow: u64,
    worst: Duration,
    rss_peak_kib: u64,
    /// Heap (anonymous) and file-backed (mapped index and database pages, reclaimable)
    /// parts of the RSS at its peak.
    anon_at_peak_kib: u64,
    file_at_peak_kib: u64,
    threads_max: u64,
}

/// One keep-alive client: random cache-missing requests for the huge article until `stop`.
async fn hammer(
    addr: SocketAddr,
    id: i64,
    seed: u64,
    stop: Arc<AtomicBool>,
    done: Arc<AtomicU64>,
    errors: Arc<AtomicU64>,
) {
    let mut rng = Rng(seed * 2_654_435_761 + 1);
    let mut conn: Option<tokio::net::TcpStream> = None;
    let mut buf = vec![0u8; 1 << 16];
    while !stop.load(Ordering::Relaxed) {
        let path = match rng.below(4) {
            0 | 1 => format!("/article/{id}?page={}", 1 + rng.below(115)),
            2 => format!(
                "/article/{id}?page={}&tz={}",
                1 + rng.below(115),
                ZONES[rng.below(ZONES.len() as u64) as usize]
            ),
            _ => format!("/api/v1/articles/{id}?blocks_from={}", rng.below(1_401)),
        };
        let mut c = match conn.take() {
            Some(c) => c,
            None => match tokio::net::TcpStream::connect(addr).await {
                Ok(c) => c,
                Err(_) => {
                    errors.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let req = format!("GET {path} HTTP/1.1\r\nHost: load\r\n\r\n");
        if c.write_all(req.as_bytes()).await.is_err() {
            continue;
        }
        // Head, then Content-Length bytes of body.
        let mut got = Vec::new();
        let ok = loop {
            let Ok(n) = c.read(&mut buf).await else {
                break false;
            };
            if n == 0 {
                break false;
            }
            got.extend_from_slice(buf.get(..n).unwrap_or_default());
            let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") else {
                continue;
            };
            let head = String::from_utf8_lossy(got.get(..end).unwrap_or_default()).to_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if got.len() >= end + 4 + len {
                break head.starts_with("http/1.1 200");
            }
        };
        if ok {
            done.fetch_add(1, Ordering::Relaxed);
            conn = Some(c);
        } else {
            errors.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Child mode: opens `n` connections to `addr`, says how many, holds them for `secs`, then
/// says how many the server had closed.
fn hold(addr: SocketAddr, n: usize, secs: u64) {
    let mut open = Vec::new();
    let mut failed = 0;
    for _ in 0..n {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(2)) {
            Ok(s) => open.push(s),
            Err(_) => failed += 1,
        }
    }
    println!("opened {} failed {failed}", open.len());
    std::thread::sleep(Duration::from_secs(secs));
    let mut closed = 0;
    for s in &open {
        let _ = s.set_nonblocking(true);
        let mut b = [0u8; 16];
        match (&*s).read(&mut b) {
            Ok(0) => closed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            _ => closed += 1,
        }
    }
    println!("closed {closed}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--hold") {
        let addr = args.get(2).and_then(|a| a.parse().ok());
        let n = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(0);
        let secs = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(10);
        if let Some(addr) = addr {
            hold(addr, n, secs);
        }
        return;
    }
    let nums: Vec<u64> = args.iter().skip(1).filter_map(|a| a.parse().ok()).collect();
    let secs = nums.first().copied().unwrap_or(20);
    let idle = nums.get(1).copied().unwrap_or(20_000) as usize;
    if let Err(e) = run(secs, idle) {
        eprintln!("hostile load failed: {e}");
        std::process::exit(1);
    }
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn run(secs: u64, idle: usize) -> Result<(), String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let bin = match std::env::var_os("KHRONIKA_BIN") {
        Some(b) => std::path::PathBuf::from(b),
        // <target>/release/deps/hostile-… → <target>/release/khronika
        None => me
            .parent()
            .and_then(|d| d.parent())
            .map(|d| d.join("khronika"))
            .ok_or("no KHRONIKA_BIN")?,
    };
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let t = Instant::now();
    let id = rt.block_on(fill(dir.path()))?;
    println!(
        "stored a 14 MB article (id {id}) in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let addr = free_port()?;
    let admin = free_port()?;
    let log = std::fs::File::create(dir.path().join("serve.log")).map_err(|e| e.to_string())?;
    let child = Command::new(&bin)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--addr", &addr.to_string()])
        .args(["--admin-addr", &admin.to_string()])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("starting {}: {e}", bin.display()))?;
    let server = Server(child);
    let pid = server.0.id();
    let t = Instant::now();
    while !matches!(probe(addr), Ok((200, _))) {
        if t.elapsed() > Duration::from_secs(120) {
            return Err("the server did not come up in 120 s".into());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    println!(
        "server {} (pid {pid}) up in {:.1} s, RSS {} MiB",
        bin.display(),
        t.elapsed().as_secs_f64(),
        status_field(pid, "VmRSS:") / 1024
    );

    // The probe and the memory sampler, over both phases.
    let phase = Arc::new(AtomicUsize::new(0));
    let stats: Arc<Mutex<[PhaseStats; 2]>> = Arc::default();
    let stop_watch = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (phase, stats, stop) = (phase.clone(), stats.clone(), stop_watch.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let p = phase.load(Ordering::Relaxed).min(1);
                let r = probe(addr);
                let rss = status_field(pid, "VmRSS:");
                if let Ok(mut s) = stats.lock() {
                    if let Some(s) = s.get_mut(p) {
                        s.probes += 1;
                        s.threads_max = s.threads_max.max(status_field(pid, "Threads:"));
                        if rss > s.rss_peak_kib {
                            s.rss_peak_kib = rss;
                            s.anon_at_peak_kib = status_field(pid, "RssAnon:");
                            s.file_at_peak_kib = status_field(pid, "RssFile:");
                        }
                        match r {
                            Ok((200, d)) => {
                                s.worst = s.worst.max(d);
                                if d > Duration::from_secs(1) {
                                    s.slow += 1;
                                }
                            }
                            Ok((st, _)) => s.failed.push(format!("status {st}")),
                            Err(e) => s.failed.push(e),
                        }
                    }
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };

    // Phase 1: hammer.
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let t = Instant::now();
    rt.block_on(async {
        let mut tasks = Vec::new();
        for i in 0..CONNECTIONS {
            tasks.push(tokio::spawn(hammer(
                addr,
                id,
                i as u64 + 1,
                stop.clone(),
                done.clone(),
                errors.clone(),
            )));
        }
        tokio::time::sleep(Duration::from_secs(secs)).await;
        stop.store(true, Ordering::Relaxed);
        for t in tasks {
            let _ = tokio::time::timeout(Duration::from_secs(40), t).await;
        }
    });
    println!(
        "hammer: {CONNECTIONS} connections, {} answers ({:.0}/s), {} errors/closed in {:.1} s",
        done.load(Ordering::Relaxed),
        done.load(Ordering::Relaxed) as f64 / t.elapsed().as_secs_f64(),
        errors.load(Ordering::Relaxed),
        t.elapsed().as_secs_f64()
    );

    // Phase 2: idle flood from two processes.
    phase.store(1, Ordering::Relaxed);
    let hold_secs = 8;
    let mut holders = Vec::new();
    for share in [idle / 2, idle - idle / 2] {
        holders.push(
            Command::new(&me)
                .args([
                    "--hold",
                    &addr.to_string(),
                    &share.to_string(),
                    &hold_secs.to_string(),
                ])
                .stdout(Stdio::piped())
                .spawn()
                .map_err(|e| e.to_string())?,
        );
    }
    let (mut opened, mut closed) = (0u64, 0u64);
    for h in &mut holders {
        if let Some(out) = h.stdout.take() {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let num = |k: &str| -> u64 {
                    line.split_whitespace()
                        .skip_while(|w| *w != k)
                        .nth(1)
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(0)
                };
                opened += num("opened");
                closed += num("closed");
            }
        }
        let _ = h.wait();
    }
    stop_watch.store(true, Ordering::Relaxed);
    let _ = watcher.join();
    println!(
        "idle flood: {opened} connections opened and held {hold_secs} s; the server closed {closed} of them (connection cap / idle timeout)"
    );
    let s = stats.lock().map_err(|_| "stats poisoned")?;
    for (name, p) in ["hammer", "idle flood"].iter().zip(s.iter()) {
        println!(
            "{name:>10}: /healthz {} probes, worst {:.0} ms, {} over 1 s, {} failed {:?}; server RSS peak {} MiB (heap {} MiB, mapped files {} MiB), up to {} threads",
            p.probes,
            p.worst.as_secs_f64() * 1000.0,
            p.slow,
            p.failed.len(),
            p.failed.iter().take(3).collect::<Vec<_>>(),
            p.rss_peak_kib / 1024,
            p.anon_at_peak_kib / 1024,
            p.file_at_peak_kib / 1024,
            p.threads_max
        );
    }
    println!(
        "server peak RSS over the run (VmHWM): {} MiB",
        status_field(pid, "VmHWM:") / 1024
    );
    drop(server);
    Ok(())
}
