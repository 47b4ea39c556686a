//! Load benchmark of the portal and API over real HTTP on 127.0.0.1:
//! `cargo bench -p khronika-serve --bench load -- [ARTICLES] [SECONDS]` (defaults 100000, 10).
//!
//! Builds a store of synthetic articles (deterministic: a topic of real Russian words per
//! article amid Zipf-distributed filler words, so a query word occurs in about 1% of the
//! articles, as in real news), indexes it, serves it on
//! its own 2-thread runtime and drives it from a separate runtime with 64 keep-alive
//! connections. Prints requests/s and latency percentiles for:
//! * a cached article page (`/article/{id}` over 100 hot articles),
//! * search through the API with a fresh query string per request (no page cache),
//! * the same search on the index directly, on one thread (the engine's own latency) and
//!   on two (its throughput ceiling on 2 cores).
//!
//! Bounded: each scenario stops after SECONDS or 2,000,000 requests, whichever is first.
//!
//! With `KHRONIKA_BENCH_DATABASE_URL=postgres://…/EMPTY_DB` the store is PostgreSQL (the
//! database is migrated, then filled) and "indexed … in" is the time a new portal server
//! takes to build its local index replica from the shared database.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use khronika_index::{SearchIndex, SearchQuery};
use khronika_model::{Article, Block};
use khronika_serve::{App, ServeConfig};
use khronika_store::{NewArticle, NewSource};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The allocator of the `khronika` binary, so the figures are the product's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CONNECTIONS: usize = 64;
const MAX_REQUESTS: u64 = 2_000_000;

const NOUNS: &[&str] = &[
    "саммит",
    "саммита",
    "саммите",
    "президент",
    "президента",
    "министр",
    "министра",
    "правительство",
    "правительства",
    "парламент",
    "парламента",
    "выборы",
    "выборов",
    "экономика",
    "экономики",
    "рубль",
    "рубля",
    "тенге",
    "доллар",
    "доллара",
    "нефть",
    "нефти",
    "газ",
    "газа",
    "зерно",
    "урожай",
    "урожая",
    "погода",
    "погоды",
    "дождь",
    "снег",
    "город",
    "города",
    "область",
    "области",
    "школа",
    "школы",
    "больница",
    "больницы",
    "дорога",
    "дороги",
    "мост",
    "моста",
    "завод",
    "завода",
    "компания",
    "компании",
    "банк",
    "банка",
    "суд",
    "суда",
    "закон",
    "закона",
    "налог",
    "налога",
    "пенсия",
    "пенсии",
    "цены",
    "цен",
    "инфляция",
    "инфляции",
    "переговоры",
    "переговоров",
    "визит",
    "визита",
    "делегация",
    "делегации",
    "соглашение",
    "соглашения",
    "граница",
    "границы",
    "транспорт",
    "поезд",
    "аэропорт",
    "рейс",
    "футбол",
    "матч",
    "сборная",
    "чемпионат",
    "фестиваль",
    "театр",
];
const VERBS: &[&str] = &[
    "заявил",
    "сообщил",
    "подписал",
    "обсудили",
    "выросли",
    "снизились",
    "объявил",
    "провели",
    "открыли",
    "запустили",
    "отметил",
    "подчеркнул",
    "рассказал",
    "предложил",
    "утвердили",
];
const ADJ: &[&str] = &[
    "новый",
    "новая",
    "новое",
    "крупный",
    "крупного",
    "важное",
    "международный",
    "международного",
    "региональный",
    "государственный",
    "летний",
    "зимний",
    "ежегодный",
    "мирный",
    "мирного",
    "экономический",
    "экономического",
];
const PLACES: &[&str] = &[
    "Алматы",
    "Астане",
    "Ташкенте",
    "Бишкеке",
    "Москве",
    "Караганде",
    "Шымкенте",
    "Душанбе",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next() as usize) % v.len()]
    }
}

const SYLLABLES: &[&str] = &[
    "ка", "ро", "ми", "ста", "лин", "пер", "во", "да", "ны", "тор", "ве", "за", "лу", "сен", "жа",
    "бо", "ри", "гу", "мет", "ол", "пра", "кс", "нд", "ти",
];
const ENDINGS: &[&str] = &["", "а", "ы", "е", "ой", "ами", "ов", "ия"];

/// The filler vocabulary: 30,000 made-up words drawn with a Zipf-like (log-uniform) law,
/// so word frequencies look like a real corpus (a few very common words, a long tail).
fn filler_words() -> Vec<String> {
    let mut r = Rng(7);
    (0..30_000)
        .map(|_| {
            let n = 2 + r.next() % 3;
            let mut w: String = (0..n).map(|_| r.pick(SYLLABLES)).collect();
            w.push_str(r.pick(ENDINGS));
            w
        })
        .collect()
}

fn zipf<'a>(r: &mut Rng, words: &'a [String]) -> &'a str {
    let u = (r.next() % 1_000_000) as f64 / 1_000_000.0;
    let i = ((words.len() as f64).powf(u) as usize).saturating_sub(1);
    words
        .get(i.min(words.len() - 1))
        .map(String::as_str)
        .unwrap_or("")
}

fn filler(r: &mut Rng, words: &[String], n: usize) -> String {
    (0..n).map(|_| zipf(r, words)).collect::<Vec<_>>().join(" ")
}

/// An article about one topic: a real noun, adjective and place (the words queries use)
/// amid Zipf-distributed filler.
fn article(r: &mut Rng, i: usize, words: &[String]) -> Article {
    let (adj, noun, verb, place) = (r.pick(ADJ), r.pick(NOUNS), r.pick(VERBS), r.pick(PLACES));
    let title = format!("{adj} {noun} {verb} в {place}: {}", filler(r, words, 3));
    let lead = format!("{} {noun} {}.", filler(r, words, 8), filler(r, words, 8));
    let blocks = (0..5)
        .map(|k| Block::Paragraph {
            text: match k {
                1 => format!(
                    "{} {adj} {noun} {}.",
                    filler(r, words, 30),
                    filler(r, words, 30)
                ),
                _ => format!("{}.", filler(r, words, 60)),
            },
        })
        .collect();
    let t0 = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    Article {
        title: Some(title),
        lead: Some(lead),
        blocks,
        tags: vec![noun.to_string(), place.to_string()],
        published: Some((t0 + chrono::Duration::minutes(i as i64 * 5)).fixed_offset()),
        ..Default::default()
    }
}

struct Stats {
    requests: u64,
    errors: u64,
    secs: f64,
    lat_us: Vec<u64>,
}

impl Stats {
    fn pct(&self, p: f64) -> f64 {
        if self.lat_us.is_empty() {
            return 0.0;
        }
        let i = ((self.lat_us.len() as f64 - 1.0) * p).round() as usize;
        self.lat_us[i.min(self.lat_us.len() - 1)] as f64 / 1000.0
    }
    fn print(&self, name: &str) {
        println!(
            "{name:<34} {:>9.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  max {:>7.2} ms  ({} requests, {} errors, {:.1} s)",
            self.requests as f64 / self.secs,
            self.pct(0.5),
            self.pct(0.99),
            self.pct(1.0),
            self.requests,
            self.errors,
            self.secs
        );
    }
}

/// One keep-alive HTTP/1.1 exchange; returns the status code.
async fn exchange(
    s: &mut tokio::net::TcpStream,
    buf: &mut Vec<u8>,
    path: &str,
    host: &str,
) -> std::io::Result<u16> {
    let req = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n");
    s.write_all(req.as_bytes()).await?;
    buf.clear();
    let mut chunk = [0u8; 16384];
    let (head_end, len, status) = loop {
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::Error::other("closed"));
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..p]).to_ascii_lowercase();
            let status = head
                .split_whitespace()
                .nth(1)
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            break (p + 4, len, status);
        }
    };
    while buf.len() < head_end + len {
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::Error::other("closed"));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(status)
}

async fn drive(
    addr: SocketAddr,
    secs: u64,
    path_of: Arc<dyn Fn(u64) -> String + Send + Sync>,
) -> Stats {
    let counter = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let counter = counter.clone();
        let path_of = path_of.clone();
        tasks.push(tokio::spawn(async move {
            let host = addr.to_string();
            let mut lat = Vec::with_capacity(100_000);
            let mut errors = 0u64;
            let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else {
                return (lat, 1);
            };
            let _ = s.set_nodelay(true);
            let mut buf = Vec::with_capacity(64 * 1024);
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                if n >= MAX_REQUESTS {
                    break;
                }
                let path = path_of(n);
                let t = Instant::now();
                match exchange(&mut s, &mut buf, &path, &host).await {
                    Ok(200) => lat.push(t.elapsed().as_micros() as u64),
                    Ok(_) => errors += 1,
                    Err(_) => {
                        errors += 1;
                        match tokio::net::TcpStream::connect(addr).await {
                            Ok(ns) => s = ns,
                            Err(_) => break,
                        }
                    }
                }
            }
            (lat, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        if let Ok((l, e)) = t.await {
            all.extend(l);
            errors += e;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    all.sort_unstable();
    Stats {
        requests: all.len() as u64,
        errors,
        secs,
        lat_us: all,
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let n_articles: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let secs: u64 = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10)
        .min(60);
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => return eprintln!("tempdir: {e}"),
    };
    let server_rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return eprintln!("runtime: {e}"),
    };
    let setup = server_rt.block_on(async {
        let store = match std::env::var("KHRONIKA_BENCH_DATABASE_URL") {
            Ok(url) if !url.is_empty() => {
                println!("backend: PostgreSQL");
                khronika_store::postgres::migrate(&url)
                    .await
                    .map_err(|e| e.to_string())?;
                khronika_store::open_postgres(&url)
                    .await
                    .map_err(|e| e.to_string())?
            }
            _ => {
                println!("backend: SQLite (embedded)");
                khronika_store::open_sqlite(dir.path())
                    .await
                    .map_err(|e| e.to_string())?
            }
        };
        let mut sources = Vec::new();
        for i in 0..10 {
            sources.push(
                store
                    .add_source(&NewSource {
                        name: format!("Источник {i}"),
                        home_url: format!("https://source{i}.example/"),
                        ..Default::default()
                    })
                    .await
                    .map_err(|e| e.to_string())?,
            );
        }
        let t = Instant::now();
        let mut r = Rng(42);
        let words = filler_words();
        let mut i = 0;
        while i < n_articles {
            let batch: Vec<NewArticle> = (i..(i + 1000).min(n_articles))
                .map(|k| {
                    let a = article(&mut r, k, &words);
                    NewArticle {
                        source_id: Some(sources[k % sources.len()]),
                        url: format!("https://source{}.example/news/{k}", k % 10),
                        other_urls: vec![],
                        content_hash: khronika_store::content_hash(&a),
                        article: a,
                        analysis: None,
                        seen_at: Utc::now(),
                        fetch: None,
                    }
                })
                .collect();
            store
                .put_articles(&batch)
                .await
                .map_err(|e| e.to_string())?;
            i += batch.len();
        }
        println!(
            "stored {n_articles} articles in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let t = Instant::now();
        let index = Arc::new(
            SearchIndex::open_or_create(&dir.path().join("index")).map_err(|e| e.to_string())?,
        );
        khronika_index::sync::sync_index(store.as_ref(), &index)
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "indexed {} articles in {:.1} s ({} segments, {} MB on disk)",
            index.num_docs(),
            t.elapsed().as_secs_f64(),
            index.num_segments(),
            index.size_bytes() / 1_000_000
        );
        let app = App::new(store.clone(), index.clone(), ServeConfig::default())
            .await
            .map_err(|e| e.to_string())?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        tokio::spawn(async move {
            let _ = khronika_serve::serve_on(app, listener, std::future::pending()).await;
        });
        Ok::<_, String>((addr, index))
    });
    let (addr, index) = match setup {
        Ok(x) => x,
        Err(e) => return eprintln!("setup failed: {e}"),
    };
    let queries: Arc<Vec<String>> = Arc::new(
        (0..600)
            .filter(|i| {
                std::env::var("QKIND")
                    .ok()
                    .and_then(|k| k.parse::<u64>().ok())
                    .is_none_or(|k| i % 3 == k)
            })
            .map(|i| {
                let mut r = Rng(1000 + i);
                match i % 3 {
                    0 => r.pick(NOUNS).to_string(),
                    1 => format!("{} {}", r.pick(ADJ), r.pick(NOUNS)),
                    _ => format!("\"{} {}\"", r.pick(ADJ), r.pick(NOUNS)),
                }
            })
            .collect(),
    );
    // The engine alone, one thread.
    let t = Instant::now();
    let mut lat = Vec::new();
    while t.elapsed() < Duration::from_secs(secs.min(5)) {
        for q in queries.iter() {
            let s = Instant::now();
            let _ = index.search(&SearchQuery::text(q.clone()));
            lat.push(s.elapsed().as_micros() as u64);
        }
    }
    lat.sort_unstable();
    Stats {
        requests: lat.len() as u64,
        errors: 0,
        secs: t.elapsed().as_secs_f64(),
        lat_us: lat,
    }
    .print("index.search (1 thread, no HTTP)");
    // The engine on both cores, no HTTP: the ceiling for the API row below.
    let t = Instant::now();
    let done = AtomicU64::new(0);
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                while t.elapsed() < Duration::from_secs(secs.min(5)) {
                    for q in queries.iter() {
                        let _ = index.search(&SearchQuery::text(q.clone()));
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    println!(
        "{:<34} {:>9.0} req/s",
        "index.search (2 threads, no HTTP)",
        done.load(Ordering::Relaxed) as f64 / t.elapsed().as_secs_f64()
    );

    let client_rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return eprintln!("runtime: {e}"),
    };
    client_rt.block_on(async {
        let ids = 100u64;
        // Warm the page cache.
        let _ = drive(
            addr,
            1,
            Arc::new(move |n| format!("/article/{}", 1 + n % ids)),
        )
        .await;
        drive(
            addr,
            secs,
            Arc::new(move |n| format!("/article/{}", 1 + n % ids)),
        )
        .await
        .print("GET /article/{id} (cached)");
        let q = queries.clone();
        drive(
            addr,
            secs,
            Arc::new(move |n| {
                let text = &q[(n as usize) % q.len()];
                let enc: String = url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
                // A distinct query string per request: every one misses the page cache.
                format!("/api/v1/search?q={enc}&limit=10&r={n}")
            }),
        )
        .await
        .print("GET /api/v1/search (uncached)");
        let q = queries.clone();
        drive(
            addr,
            secs,
            Arc::new(move |n| {
                let text = &q[(n as usize) % q.len()];
                let enc: String = url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
                format!("/search?q={enc}&r={n}")
            }),
        )
        .await
        .print("GET /search page (uncached)");
    });
    println!("{CONNECTIONS} connections; server and load generator share this machine's cores");
}
