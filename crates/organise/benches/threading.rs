//! Throughput and latency of the online story threader, beside a plain batch baseline.
//!
//! # Benchmark
//!
//! **Corpus.** Real Russian dev texts, read at run time: `stories/pairs-dev.jsonl` (both
//! sides of every pair) and `categories/cat-dev.jsonl` from the shared data directory
//! (`$KHRONIKA_SHARED`, else `../shared/data` beside the workspace root), deduplicated by
//! URL (a few hundred articles). From them a seeded generator (splitmix64, no randomness
//! from the environment) makes any number of synthetic articles, streamed (only the
//! current one is in memory), so the figures are the organiser's:
//!
//! * articles belong to synthetic *events*; an event takes a base article and rewrites
//!   about half of its word types consistently (each to a word of another article) and
//!   its numbers, so two events from one base share only part of their vocabulary;
//! * each article of an event drops and swaps a few sentences of the base, replaces some
//!   numbers and substitutes some words with words of other articles, and sometimes takes
//!   its headline from the words of an earlier member's headline;
//! * about one article in ten is a near-copy (syndication) of an earlier member: the same
//!   text with its last sentence dropped or a credit line added, from another source;
//! * sources are 1..=200; article times advance at a constant rate (5,000 articles a
//!   day, `KHRONIKA_BENCH_RATE` to change) with ±5 min of jitter, so the 72 h window
//!   holds about 15,000 articles whatever the run's length;
//! * rubrics come from [`rubric::classify`] on the base article (not-news never joins a
//!   story); entities: none (`entities: &[]`, the analysis is not part of this stage).
//!
//! **Measured**, one thread (one core), in one process: [`Features::extract`] per
//! article (it runs in parallel workers in production, so it is reported apart) and
//! [`Organiser::place`] per article (the serial part): articles/s, median and p99 of the
//! per-call time, the same over the last 10,000 articles (steady state), the window at
//! the end and the peak RSS of the run (`VmHWM`, reset between runs through
//! `/proc/self/clear_refs`). Runs: 10,000 and 100,000 articles, and 1,000,000 with
//! `--full` (or `KHRONIKA_BENCH_FULL=1`).
//!
//! **Baseline**, same process, same articles: TF-IDF over the same stems (smoothed IDF,
//! sublinear TF, unit vectors) and agglomerative clustering with average linkage under a
//! cosine-distance threshold ([`BASELINE_THRESHOLD`]), the method of the Dialogue 2021
//! news-clustering task's organisers, run as a batch over the first 2,000 and 5,000
//! articles. The similarity matrix is dense (n² `f32`) and the clustering is the
//! nearest-neighbour-chain algorithm with Lance–Williams updates (exact for average
//! linkage; what SciPy, hence scikit-learn, runs): O(n²) time and memory, so its cost
//! per article grows linearly with the batch.
//!
//! ```text
//! cargo bench -p khronika-organise --bench threading            # 10k + 100k + baseline
//! cargo bench -p khronika-organise --bench threading -- --full  # also 1,000,000
//! ```
//!
//! A table goes to stdout, then one JSON line with every figure.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, TimeZone, Utc};
use khronika_model::Rubric;
use khronika_organise::{rubric, Arrival, Config, FeatureInput, Features, Organiser};
use serde_json::json;

/// Cosine distance under which the baseline merges clusters: similarity ≥ 0.37, the
/// threshold `stories/BASELINES.md` fitted for TF-IDF cosine over 5-letter prefixes.
const BASELINE_THRESHOLD: f32 = 0.63;
/// Articles per day of article time.
const DEFAULT_RATE_PER_DAY: f64 = 5_000.0;
/// Articles in the steady-state tail of each run.
const TAIL: usize = 10_000;

// ---- seeded randomness -------------------------------------------------------------------

/// splitmix64: small, seeded, good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

// ---- corpus ------------------------------------------------------------------------------

#[derive(serde::Deserialize)]
struct Doc {
    title: String,
    text: String,
    url: String,
}
#[derive(serde::Deserialize)]
struct Pair {
    a: Doc,
    b: Doc,
}

struct Base {
    title: String,
    sentences: Vec<String>,
    rubric: Rubric,
}

fn shared_dir() -> PathBuf {
    if let Ok(d) = std::env::var("KHRONIKA_SHARED") {
        return PathBuf::from(d);
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        manifest.join("../../../shared/data"),
        PathBuf::from("/work/shared/data"),
    ];
    candidates
        .iter()
        .find(|p| p.join("stories/pairs-dev.jsonl").exists())
        .cloned()
        .unwrap_or_else(|| candidates[0].clone())
}

fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        cur.push(c);
        let end =
            matches!(c, '.' | '!' | '?' | '\n') && chars.peek().is_none_or(|n| n.is_whitespace());
        if end {
            let s = cur.trim();
            if !s.is_empty() {
                out.push(s.to_string());
            }
            cur.clear();
        }
    }
    let s = cur.trim();
    if !s.is_empty() {
        out.push(s.to_string());
    }
    out
}

fn load_corpus() -> Result<(Vec<Base>, Vec<String>), Box<dyn std::error::Error>> {
    let dir = shared_dir();
    let mut docs: Vec<Doc> = Vec::new();
    let pairs = std::fs::read_to_string(dir.join("stories/pairs-dev.jsonl"))
        .map_err(|e| format!("{}: {e}", dir.join("stories/pairs-dev.jsonl").display()))?;
    for l in pairs.lines().filter(|l| !l.trim().is_empty()) {
        let p: Pair = serde_json::from_str(l)?;
        docs.push(p.a);
        docs.push(p.b);
    }
    let cats = std::fs::read_to_string(dir.join("categories/cat-dev.jsonl"))
        .map_err(|e| format!("{}: {e}", dir.join("categories/cat-dev.jsonl").display()))?;
    for l in cats.lines().filter(|l| !l.trim().is_empty()) {
        docs.push(serde_json::from_str(l)?);
    }
    let mut seen = std::collections::HashSet::new();
    docs.retain(|d| seen.insert(d.url.clone()) && !d.text.trim().is_empty());
    let mut vocab: Vec<String> = Vec::new();
    let mut vseen = std::collections::HashSet::new();
    for d in &docs {
        for w in d.text.split(|c: char| !c.is_alphabetic()) {
            if w.chars().count() >= 4 && vseen.insert(w.to_lowercase()) {
                vocab.push(w.to_lowercase());
            }
        }
    }
    let bases = docs
        .iter()
        .map(|d| Base {
            title: d.title.clone(),
            sentences: sentences(&d.text),
            rubric: rubric::classify(&rubric::RubricInput {
                title: &d.title,
                text: &d.text,
                url: Some(&d.url),
                ..Default::default()
            }),
        })
        .collect();
    Ok((bases, vocab))
}

// ---- synthetic articles ------------------------------------------------------------------

struct Event {
    base: usize,
    seed: u64,
    start: DateTime<Utc>,
    lifetime: Duration,
    left: u32,
    /// The last member's title and text (for re-titling and near-copies).
    last: Option<(String, String)>,
}

struct Article {
    source: i64,
    time: DateTime<Utc>,
    title: String,
    text: String,
    rubric: Rubric,
}

/// Rewrites the words of `s`: event-level substitution of about half the word types
/// (consistent across the event), event-level renumbering, and per-article noise.
fn rewrite(s: &str, ev_seed: u64, vocab: &[String], rng: &mut Rng, out: &mut String) {
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String, rng: &mut Rng| {
        if word.is_empty() {
            return;
        }
        if word.bytes().all(|b| b.is_ascii_digit()) {
            // Numbers: renumbered per event, sometimes per article.
            let h = mix(ev_seed ^ fnv(word));
            let n = if rng.chance(0.2) {
                rng.below(1000) as u64
            } else {
                h % 10_000
            };
            out.push_str(&n.to_string());
        } else if word.chars().count() >= 3 {
            let lower = word.to_lowercase();
            let h = mix(ev_seed ^ fnv(&lower));
            let sub = if rng.chance(0.15) {
                Some(&vocab[rng.below(vocab.len())])
            } else if h % 100 < 50 {
                Some(&vocab[(mix(h) % vocab.len() as u64) as usize])
            } else {
                None
            };
            match sub {
                Some(v) if word.starts_with(char::is_uppercase) => {
                    let mut cs = v.chars();
                    if let Some(f) = cs.next() {
                        out.extend(f.to_uppercase());
                        out.push_str(cs.as_str());
                    }
                }
                Some(v) => out.push_str(v),
                None => out.push_str(word),
            }
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in s.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, out, rng);
            out.push(c);
        }
    }
    flush(&mut word, out, rng);
}

struct Generator<'a> {
    bases: &'a [Base],
    vocab: &'a [String],
    rng: Rng,
    events: Vec<Event>,
    t0: DateTime<Utc>,
    step_ms: f64,
    i: u64,
}

impl<'a> Generator<'a> {
    fn new(bases: &'a [Base], vocab: &'a [String], seed: u64, rate_per_day: f64) -> Self {
        Generator {
            bases,
            vocab,
            rng: Rng(seed),
            events: Vec::new(),
            t0: Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap(),
            step_ms: 86_400_000.0 / rate_per_day,
            i: 0,
        }
    }

    fn next(&mut self) -> Article {
        let now = self.t0 + Duration::milliseconds((self.i as f64 * self.step_ms) as i64);
        self.i += 1;
        let jitter = Duration::seconds(self.rng.below(601) as i64 - 300);
        let time = now + jitter;
        let source = 1 + self.rng.below(200) as i64;
        // Events end with their lifetime or their size.
        self.events
            .retain(|e| e.left > 0 && now - e.start <= e.lifetime);
        let rng = &mut self.rng;
        let idx = if self.events.is_empty() || rng.chance(0.3) {
            let left = if rng.chance(0.4) {
                1
            } else {
                // 2 + geometric, mean ~8, at most 100.
                let mut n = 2;
                while n < 100 && !rng.chance(0.12) {
                    n += 1;
                }
                n
            };
            self.events.push(Event {
                base: rng.below(self.bases.len()),
                seed: rng.next(),
                start: now,
                lifetime: Duration::minutes(60 + rng.below(47 * 60) as i64),
                left,
                last: None,
            });
            self.events.len() - 1
        } else {
            rng.below(self.events.len())
        };
        let ev = &mut self.events[idx];
        ev.left -= 1;
        let base = &self.bases[ev.base];
        // Syndication: a near-copy of the previous member.
        if let Some((t, x)) = ev.last.as_ref().filter(|_| rng.chance(0.1)) {
            let mut text = x.clone();
            if rng.chance(0.5) {
                if let Some(cut) = text.trim_end().rfind(". ") {
                    text.truncate(cut + 1);
                }
            } else {
                text.push_str("\nИсточник: агентство новостей.");
            }
            return Article {
                source,
                time,
                title: t.clone(),
                text,
                rubric: base.rubric,
            };
        }
        // Sentences: drop a few (the lead rarely), swap a pair or two.
        let mut order: Vec<usize> = (0..base.sentences.len())
            .filter(|&k| !rng.chance(if k == 0 { 0.1 } else { 0.2 }))
            .collect();
        if order.is_empty() && !base.sentences.is_empty() {
            order.push(0);
        }
        for _ in 0..rng.below(3) {
            if order.len() >= 3 {
                let k = 1 + rng.below(order.len() - 2);
                order.swap(k, k + 1);
            }
        }
        let mut text =
            String::with_capacity(2 * base.sentences.iter().map(String::len).sum::<usize>());
        for k in order {
            if !text.is_empty() {
                text.push(' ');
            }
            rewrite(&base.sentences[k], ev.seed, self.vocab, rng, &mut text);
        }
        let mut title = String::new();
        match ev.last.as_ref() {
            Some((t, _)) if rng.chance(0.2) => {
                // Another member's headline words, one dropped and two swapped.
                let mut ws: Vec<&str> = t.split_whitespace().collect();
                if ws.len() > 3 {
                    ws.remove(1 + rng.below(ws.len() - 1));
                    let k = 1 + rng.below(ws.len() - 2);
                    ws.swap(k, k + 1);
                }
                title = ws.join(" ");
            }
            _ => rewrite(&base.title, ev.seed, self.vocab, rng, &mut title),
        }
        ev.last = Some((title.clone(), text.clone()));
        Article {
            source,
            time,
            title,
            text,
            rubric: base.rubric,
        }
    }
}

// ---- measurement helpers -----------------------------------------------------------------

fn proc_status(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time of this thread in seconds (`/proc/thread-self/schedstat`), to tell how much
/// of the wall time other processes took on a shared machine.
fn thread_cpu_s() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |ns| ns / 1e9)
}

/// Peak RSS in MiB since the last [`reset_peak`].
fn peak_rss_mib() -> f64 {
    proc_status("VmHWM:").map_or(f64::NAN, |kb| kb as f64 / 1024.0)
}

/// Resets `VmHWM` to the current RSS (Linux ≥ 4.0); a no-op elsewhere.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

struct Stats {
    mean_us: f64,
    median_us: f64,
    p99_us: f64,
    max_us: f64,
    per_s: f64,
}

fn stats(d: &[u32]) -> Stats {
    if d.is_empty() {
        return Stats {
            mean_us: f64::NAN,
            median_us: f64::NAN,
            p99_us: f64::NAN,
            max_us: f64::NAN,
            per_s: f64::NAN,
        };
    }
    let total: u64 = d.iter().map(|&x| u64::from(x)).sum();
    let mut s = d.to_vec();
    s.sort_unstable();
    let q = |p: f64| s[((s.len() - 1) as f64 * p).round() as usize] as f64 / 1e3;
    let mean_ns = total as f64 / d.len() as f64;
    Stats {
        mean_us: mean_ns / 1e3,
        median_us: q(0.5),
        p99_us: q(0.99),
        max_us: *s.last().unwrap() as f64 / 1e3,
        per_s: 1e9 / mean_ns,
    }
}

fn nanos(d: StdDuration) -> u32 {
    d.as_nanos().min(u128::from(u32::MAX)) as u32
}

// ---- our threader ------------------------------------------------------------------------

struct Run {
    n: usize,
    extract: Stats,
    place: Stats,
    place_tail: Stats,
    window: usize,
    live_stories: usize,
    new_stories: usize,
    duplicates: usize,
    merges: usize,
    peak_rss_mib: f64,
    wall_s: f64,
    /// Thread CPU time / wall time over the run: below 1 when the machine was shared.
    cpu_share: f64,
}

fn run_ours(bases: &[Base], vocab: &[String], n: usize, rate: f64) -> Run {
    let peak_ok = reset_peak();
    let wall = Instant::now();
    let cpu0 = thread_cpu_s();
    let mut gen = Generator::new(bases, vocab, 0x6b68_726f_6e69_6b61, rate);
    let mut org = Organiser::new(Config::default());
    let mut t_extract: Vec<u32> = Vec::with_capacity(n);
    let mut t_place: Vec<u32> = Vec::with_capacity(n);
    let (mut new_stories, mut duplicates, mut merges) = (0, 0, 0);
    for i in 0..n {
        let a = gen.next();
        let t = Instant::now();
        let features = Features::extract(&FeatureInput {
            title: &a.title,
            text: &a.text,
            entities: &[],
        });
        t_extract.push(nanos(t.elapsed()));
        let id = i as i64 + 1;
        let arrival = Arrival {
            id,
            source: Some(a.source),
            time: a.time,
            title: a.title,
            rubric: a.rubric,
            features,
        };
        let t = Instant::now();
        let p = org.place(arrival);
        t_place.push(nanos(t.elapsed()));
        if let Some(d) = p.decisions.first() {
            new_stories += usize::from(d.story == Some(id));
            duplicates += usize::from(d.duplicate_of.is_some());
        }
        merges += p.merges.len();
    }
    let tail = &t_place[n.saturating_sub(TAIL)..];
    Run {
        n,
        extract: stats(&t_extract),
        place: stats(&t_place),
        place_tail: stats(tail),
        window: org.window_len(),
        live_stories: org.live_stories(),
        new_stories,
        duplicates,
        merges,
        peak_rss_mib: if peak_ok { peak_rss_mib() } else { f64::NAN },
        wall_s: wall.elapsed().as_secs_f64(),
        cpu_share: (thread_cpu_s() - cpu0) / wall.elapsed().as_secs_f64(),
    }
}

// ---- baseline: TF-IDF + average-link agglomerative clustering ---------------------------

struct BaselineRun {
    n: usize,
    vectorise_s: f64,
    matrix_s: f64,
    cluster_s: f64,
    clusters: usize,
    peak_rss_mib: f64,
}

impl BaselineRun {
    fn total_s(&self) -> f64 {
        self.vectorise_s + self.matrix_s + self.cluster_s
    }
}

/// Average-linkage clusters of `n` points under cosine-distance threshold `t`, from the
/// dense distance matrix `d` (row-major n×n, overwritten). Nearest-neighbour chain with
/// Lance–Williams updates: every merge of the full dendrogram in O(n²) time; average
/// linkage is reducible, so cutting the dendrogram at `t` is the same as applying every
/// merge at height ≤ `t`. Returns a cluster label per point.
fn average_linkage(d: &mut [f32], n: usize, t: f32) -> Vec<usize> {
    let mut size = vec![1u32; n];
    let mut active = vec![true; n];
    let mut merges: Vec<(usize, usize, f32)> = Vec::with_capacity(n.saturating_sub(1));
    let mut chain: Vec<usize> = Vec::with_capacity(n);
    let mut remaining = n;
    while remaining > 1 {
        if chain.is_empty() {
            chain.push(active.iter().position(|&a| a).unwrap());
        }
        loop {
            let x = *chain.last().unwrap();
            let prev = if chain.len() >= 2 {
                Some(chain[chain.len() - 2])
            } else {
                None
            };
            // Nearest active neighbour of x; ties prefer the previous chain element.
            let row = &d[x * n..(x + 1) * n];
            let mut best = prev.unwrap_or(usize::MAX);
            let mut best_d = prev.map_or(f32::INFINITY, |p| row[p]);
            for (y, &dy) in row.iter().enumerate() {
                if y != x && active[y] && dy < best_d {
                    best_d = dy;
                    best = y;
                }
            }
            if Some(best) == prev {
                chain.pop();
                chain.pop();
                let (a, b) = (x.min(best), x.max(best));
                merges.push((a, b, best_d));
                // Lance–Williams (average): d(k, a∪b) = (|a| d(k,a) + |b| d(k,b)) / (|a|+|b|).
                let (sa, sb) = (size[a] as f32, size[b] as f32);
                for k in 0..n {
                    if active[k] && k != a && k != b {
                        let v = (sa * d[k * n + a] + sb * d[k * n + b]) / (sa + sb);
                        d[k * n + a] = v;
                        d[a * n + k] = v;
                    }
                }
                size[a] += size[b];
                active[b] = false;
                remaining -= 1;
                break;
            }
            chain.push(best);
        }
    }
    // Cut at t: union every merge at height ≤ t (merge ids refer to cluster slots, which
    // keep the smaller index, so uniting the slot representatives is exact).
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for (a, b, h) in merges {
        if h <= t {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb {
                parent[rb] = ra;
            }
        }
    }
    (0..n).map(|x| find(&mut parent, x)).collect()
}

fn run_baseline(feats: &[Features], n: usize) -> BaselineRun {
    let peak_ok = reset_peak();
    let feats = &feats[..n.min(feats.len())];
    let n = feats.len();
    // TF-IDF: smoothed IDF over the batch, sublinear TF, unit vectors; vocabulary ids.
    let t = Instant::now();
    let mut vocab: HashMap<u64, u32> = HashMap::new();
    let mut df: Vec<u32> = Vec::new();
    let ids: Vec<Vec<(u32, f32)>> = feats
        .iter()
        .map(|f| {
            f.terms
                .iter()
                .map(|&(h, tf)| {
                    let next = vocab.len() as u32;
                    let id = *vocab.entry(h).or_insert(next);
                    if id as usize == df.len() {
                        df.push(0);
                    }
                    df[id as usize] += 1;
                    (id, tf)
                })
                .collect()
        })
        .collect();
    let vecs: Vec<Vec<(u32, f32)>> = ids
        .into_iter()
        .map(|v| {
            let mut v: Vec<(u32, f32)> = v
                .into_iter()
                .map(|(id, tf)| {
                    let idf = ((1.0 + n as f32) / (1.0 + df[id as usize] as f32)).ln() + 1.0;
                    (id, (1.0 + tf.ln()) * idf)
                })
                .collect();
            let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
            if norm > 0.0 {
                v.iter_mut().for_each(|x| x.1 /= norm);
            }
            v
        })
        .collect();
    let vectorise_s = t.elapsed().as_secs_f64();
    // Dense cosine-distance matrix through an inverted index (a sparse X·Xᵀ).
    let t = Instant::now();
    let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); df.len()];
    for (i, v) in vecs.iter().enumerate() {
        for &(id, w) in v {
            postings[id as usize].push((i as u32, w));
        }
    }
    let mut d = vec![0f32; n * n];
    let mut row = vec![0f32; n];
    for (i, v) in vecs.iter().enumerate() {
        row.iter_mut().for_each(|x| *x = 0.0);
        for &(id, w) in v {
            for &(j, wj) in &postings[id as usize] {
                row[j as usize] += w * wj;
            }
        }
        for (j, s) in row.iter().enumerate() {
            d[i * n + j] = (1.0 - s).max(0.0);
        }
    }
    let matrix_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let labels = average_linkage(&mut d, n, BASELINE_THRESHOLD);
    let cluster_s = t.elapsed().as_secs_f64();
    let mut distinct = labels.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let peak = if peak_ok { peak_rss_mib() } else { f64::NAN };
    BaselineRun {
        n,
        vectorise_s,
        matrix_s,
        cluster_s,
        clusters: distinct.len(),
        peak_rss_mib: peak,
    }
}

// ---- main --------------------------------------------------------------------------------

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let full = args.iter().any(|a| a == "--full")
        || std::env::var("KHRONIKA_BENCH_FULL").is_ok_and(|v| v == "1");
    let rate = std::env::var("KHRONIKA_BENCH_RATE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_RATE_PER_DAY);
    let (bases, vocab) = load_corpus()?;
    let mut sizes = vec![10_000, 100_000];
    if full {
        sizes.push(1_000_000);
    }
    if let Ok(v) = std::env::var("KHRONIKA_BENCH_SIZES") {
        sizes = v.split(',').filter_map(|x| x.trim().parse().ok()).collect();
    }
    let baseline = !args.iter().any(|a| a == "--no-baseline");
    println!(
        "corpus: {} base articles, {} words of vocabulary from {}; rate {rate} articles/day \
         (72 h window ≈ {:.0} articles); one thread",
        bases.len(),
        vocab.len(),
        shared_dir().display(),
        rate * 3.0
    );

    let mut runs = Vec::new();
    for &n in &sizes {
        let r = run_ours(&bases, &vocab, n, rate);
        println!(
            "  ours n={:>9}: place {:>8.0}/s, median {:.1} µs, p99 {:.1} µs | \
             extract {:.1} µs/article | window {} | peak RSS {:.0} MiB | {:.1} s, cpu share {:.2}",
            r.n,
            r.place.per_s,
            r.place.median_us,
            r.place.p99_us,
            r.extract.mean_us,
            r.window,
            r.peak_rss_mib,
            r.wall_s,
            r.cpu_share
        );
        runs.push(r);
    }

    // Baseline on the same synthetic articles (the first n of the stream).
    let bsizes: &[usize] = if baseline { &[2_000, 5_000] } else { &[] };
    let bmax = bsizes.iter().copied().max().unwrap_or(0);
    let mut gen = Generator::new(&bases, &vocab, 0x6b68_726f_6e69_6b61, rate);
    let feats: Vec<Features> = (0..bmax)
        .map(|_| {
            let a = gen.next();
            Features::extract(&FeatureInput {
                title: &a.title,
                text: &a.text,
                entities: &[],
            })
        })
        .collect();
    let mut base_runs = Vec::new();
    for &n in bsizes {
        let b = run_baseline(&feats, n);
        println!(
            "  baseline n={:>5}: {:.2} s ({:.0} articles/s; tf-idf {:.3} s, matrix {:.2} s, \
             clustering {:.2} s) | {} clusters | peak RSS {:.0} MiB",
            b.n,
            b.total_s(),
            b.n as f64 / b.total_s(),
            b.vectorise_s,
            b.matrix_s,
            b.cluster_s,
            b.clusters,
            b.peak_rss_mib
        );
        base_runs.push(b);
    }
    drop(feats);

    // Summary.
    println!();
    println!("Online threader (Organiser::place, one core; Features::extract apart)");
    println!(
        "{:>9} | {:>9} | {:>8} | {:>8} | {:>8} | {:>12} | {:>12} | {:>7} | {:>8} | {:>8}",
        "articles",
        "place/s",
        "mean µs",
        "med µs",
        "p99 µs",
        "tail10k med",
        "tail10k p99",
        "window",
        "extr µs",
        "RSS MiB"
    );
    for r in &runs {
        println!(
            "{:>9} | {:>9.0} | {:>8.1} | {:>8.1} | {:>8.1} | {:>12.1} | {:>12.1} | {:>7} | {:>8.1} | {:>8.0}",
            r.n,
            r.place.per_s,
            r.place.mean_us,
            r.place.median_us,
            r.place.p99_us,
            r.place_tail.median_us,
            r.place_tail.p99_us,
            r.window,
            r.extract.mean_us,
            r.peak_rss_mib
        );
    }
    for r in &runs {
        let both = 1e6 / (r.place.mean_us + r.extract.mean_us);
        println!(
            "  n={}: extract+place on one core {:.0} articles/s; stories founded {}, \
             duplicates {}, merges {}, live stories at end {}; max place {:.1} ms",
            r.n,
            both,
            r.new_stories,
            r.duplicates,
            r.merges,
            r.live_stories,
            r.place.max_us / 1e3
        );
    }
    if !base_runs.is_empty() {
        println!();
        println!(
            "Baseline (TF-IDF + average-link agglomerative, cosine distance ≤ \
             {BASELINE_THRESHOLD}, batch; extraction not included)"
        );
    }
    for b in &base_runs {
        println!(
            "{:>9} | {:>9.0} articles/s | {:.2} s | matrix {:.0} MiB | peak RSS {:.0} MiB",
            b.n,
            b.n as f64 / b.total_s(),
            b.total_s(),
            (b.n * b.n * 4) as f64 / (1 << 20) as f64,
            b.peak_rss_mib
        );
    }
    // O(n²): extrapolate from the largest batch.
    let mut extra = Vec::new();
    for n in base_runs
        .last()
        .map_or(&[][..], |_| &[15_000.0, 100_000.0, 1_000_000.0])
    {
        let n = *n;
        let big = base_runs.last().unwrap();
        let extrapolate = |n: f64| big.total_s() * (n / big.n as f64).powi(2);
        let s = extrapolate(n);
        println!(
            "  extrapolated n={n:>9}: {:.0} s ({:.0} articles/s), matrix {:.1} GiB",
            s,
            n / s,
            n * n * 4.0 / (1u64 << 30) as f64
        );
        extra.push(json!({"n": n, "seconds": s, "articles_per_s": n / s,
            "matrix_gib": n * n * 4.0 / (1u64 << 30) as f64}));
    }

    let j = json!({
        "bench": "khronika-organise/threading",
        "corpus_bases": bases.len(),
        "rate_per_day": rate,
        "entities": "none",
        "ours": runs.iter().map(|r| json!({
            "n": r.n,
            "place_per_s": r.place.per_s,
            "place_mean_us": r.place.mean_us,
            "place_median_us": r.place.median_us,
            "place_p99_us": r.place.p99_us,
            "place_max_us": r.place.max_us,
            "tail10k_place_mean_us": r.place_tail.mean_us,
            "tail10k_place_median_us": r.place_tail.median_us,
            "tail10k_place_p99_us": r.place_tail.p99_us,
            "extract_mean_us": r.extract.mean_us,
            "extract_median_us": r.extract.median_us,
            "extract_p99_us": r.extract.p99_us,
            "extract_plus_place_per_s": 1e6 / (r.place.mean_us + r.extract.mean_us),
            "window_end": r.window,
            "live_stories_end": r.live_stories,
            "stories_founded": r.new_stories,
            "duplicates": r.duplicates,
            "merges": r.merges,
            "peak_rss_mib": r.peak_rss_mib,
            "wall_s": r.wall_s,
            "cpu_share": r.cpu_share,
        })).collect::<Vec<_>>(),
        "baseline": base_runs.iter().map(|b| json!({
            "n": b.n,
            "threshold_cosine_distance": BASELINE_THRESHOLD,
            "articles_per_s": b.n as f64 / b.total_s(),
            "total_s": b.total_s(),
            "tfidf_s": b.vectorise_s,
            "matrix_s": b.matrix_s,
            "cluster_s": b.cluster_s,
            "clusters": b.clusters,
            "peak_rss_mib": b.peak_rss_mib,
        })).collect::<Vec<_>>(),
        "baseline_extrapolated": extra,
    });
    println!("{j}");
    Ok(())
}
