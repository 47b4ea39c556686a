//! Seeded mutation fuzzing of khronika's parsers, on stable Rust.
//!
//! A campaign takes a target's seed corpus (`corpus/<target>/`), mutates one input per case
//! ([`mutate`]: byte damage, dictionary tokens of the target's format, deep nesting, huge
//! numbers, splices of two corpus inputs) and hands it to the target's public entry point
//! ([`targets`]). Findings:
//!
//! * **crash**: a panic anywhere in the process during the case (the panic hook counts
//!   panics on every thread, so one inside a tokio task or a rayon worker counts too), or an
//!   invariant of the result broken (the targets assert them);
//! * **slow**: a case over the time bound (2 s per started MiB of input) on its wall clock
//!   and again on the process's CPU time when re-run, so a busy machine is not a finding;
//! * **hang** / **memory**: the watchdog thread saw one case run for over a minute, or the
//!   process's resident memory pass its limit; it writes the input and exits at once.
//!
//! Each finding's input is written to `<artifacts>/<target>/<kind>-<hash>`; replay it with
//! `khronika-fuzz <target> --replay FILE`. Not a pipeline stage: nothing depends on it.

pub mod mutate;
pub mod targets;

use std::fs;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

pub use mutate::{Dictionary, Rng};
pub use targets::{Outcome, Runner, Target};

/// How long a case may take per started MiB of input before it is reported slow.
pub const SLOW_PER_MIB: Duration = Duration::from_secs(2);

/// A campaign stops recording after this many findings: past it the same bug is usually
/// being found again.
const MAX_FINDINGS: usize = 20;

#[derive(Debug, Clone)]
pub struct Config {
    pub seed: u64,
    /// Stop after this long (`None`: only `max_cases` bounds the campaign).
    pub duration: Option<Duration>,
    pub max_cases: Option<u64>,
    /// Where findings are written (`None`: kept in the report only).
    pub artifacts: Option<PathBuf>,
    /// Check each case against [`SLOW_PER_MIB`] (off in tests, which are never timed).
    pub detect_slow: bool,
    /// Run the hang and memory watchdog.
    pub watchdog: Option<Watchdog>,
    /// Print a progress line this often.
    pub progress: Option<Duration>,
    /// Called with each case's number before it runs: a supervising process learns which
    /// input was running when the process aborted (a stack overflow cannot be caught).
    pub case_log: Option<fn(u64)>,
}

impl Config {
    /// `cases` cases from `seed`, kept in memory, untimed and unwatched: what tests run.
    pub fn cases(seed: u64, cases: u64) -> Config {
        Config {
            seed,
            duration: None,
            max_cases: Some(cases),
            artifacts: None,
            detect_slow: false,
            watchdog: None,
            progress: None,
            case_log: None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Watchdog {
    /// A case running this long is a hang: its input is written and the process exits.
    pub hang: Duration,
    /// Resident memory beyond this many bytes: the input is written and the process exits.
    pub rss_limit: u64,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub kind: &'static str,
    pub message: String,
    pub input_len: usize,
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub target: String,
    pub seed: u64,
    pub cases: u64,
    pub accepted: u64,
    pub refused: u64,
    pub elapsed: Duration,
    pub findings: Vec<Finding>,
    /// Largest resident set seen by the watchdog, in bytes (0 without a watchdog).
    pub peak_rss: u64,
}

impl Report {
    pub fn cases_per_second(&self) -> f64 {
        self.cases as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// The seed inputs in `dirs` (files only, READMEs left out), sorted so a seed replays.
pub fn load_corpus(dirs: &[PathBuf]) -> Result<Vec<Vec<u8>>> {
    let mut files = Vec::new();
    for dir in dirs {
        for entry in fs::read_dir(dir).with_context(|| format!("{}", dir.display()))? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_file() && !name.starts_with("README") && !name.starts_with('.') {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut corpus = Vec::with_capacity(files.len());
    for path in files {
        corpus.push(fs::read(&path).with_context(|| format!("{}", path.display()))?);
    }
    anyhow::ensure!(!corpus.is_empty(), "empty corpus in {dirs:?}");
    Ok(corpus)
}

/// The corpus kept in the repository for `target`.
pub fn default_corpus_dir(target: Target) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target.name())
}

static PANICS: AtomicUsize = AtomicUsize::new(0);
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

/// Count every panic of the process and keep its message; installed once.
fn install_panic_hook() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        // The previous hook still prints: a failing test's assertion must be readable.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Ok(mut last) = LAST_PANIC.lock() {
                *last = info.to_string();
            }
            PANICS.fetch_add(1, Ordering::SeqCst);
            previous(info);
        }));
    });
}

fn last_panic() -> String {
    LAST_PANIC
        .lock()
        .map(|s| s.clone())
        .unwrap_or_else(|_| "panic (message lost)".into())
}

/// FNV-1a: a stable artifact name for an input.
fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn write_artifact(dir: &Path, kind: &str, input: &[u8]) -> Option<PathBuf> {
    let path = dir.join(format!("{kind}-{:016x}", hash(input)));
    fs::create_dir_all(dir)
        .and_then(|()| fs::write(&path, input))
        .map_err(|e| eprintln!("cannot write {}: {e}", path.display()))
        .ok()?;
    Some(path)
}

/// Report a finding of case `case` and save its input.
fn found(
    artifacts: Option<&Path>,
    kind: &'static str,
    case: u64,
    message: String,
    input: &[u8],
) -> Finding {
    eprintln!("FINDING {kind} in case {case}: {message}");
    Finding {
        kind,
        input_len: input.len(),
        path: artifacts.and_then(|d| write_artifact(d, kind, input)),
        message,
    }
}

/// Resident set size of this process (Linux; 0 elsewhere).
pub fn rss_bytes() -> u64 {
    fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// CPU time (user + system, every thread) of this process, from `/proc/self/stat` in
/// clock ticks of 10 ms (Linux's USER_HZ is 100 on every architecture we run on).
fn cpu_time() -> Option<Duration> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which may itself hold spaces and parentheses.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

fn slow_bound(len: usize) -> Duration {
    SLOW_PER_MIB * (len / (1024 * 1024) + 1) as u32
}

/// What the watchdog thread shares with the campaign.
struct Shared {
    input: Mutex<Arc<Vec<u8>>>,
    /// Milliseconds since `origin` when the current case started; `u64::MAX` between cases.
    started: AtomicU64,
    peak_rss: AtomicU64,
    stop: AtomicBool,
    origin: Instant,
}

fn spawn_watchdog(
    shared: Arc<Shared>,
    dog: Watchdog,
    artifacts: Option<PathBuf>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !shared.stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(100));
            let rss = rss_bytes();
            shared.peak_rss.fetch_max(rss, Ordering::Relaxed);
            let started = shared.started.load(Ordering::Relaxed);
            let now = shared.origin.elapsed().as_millis() as u64;
            let hung =
                started != u64::MAX && now.saturating_sub(started) > dog.hang.as_millis() as u64;
            let kind = if rss > dog.rss_limit {
                "memory"
            } else if hung {
                "hang"
            } else {
                continue;
            };
            let input = shared.input.lock().map(|i| i.clone()).unwrap_or_default();
            let path = artifacts
                .as_deref()
                .and_then(|d| write_artifact(d, kind, &input));
            eprintln!(
                "FINDING {kind}: {} bytes of input, RSS {} MiB, input at {path:?}",
                input.len(),
                rss >> 20
            );
            std::process::exit(3);
        }
    })
}

/// Run a campaign of `target` over `corpus`.
pub fn run(target: Target, config: &Config, corpus: &[Vec<u8>]) -> Result<Report> {
    run_with(
        target.name(),
        config,
        corpus,
        &target.dictionary(),
        |rng, v| target.finish(rng, v),
        || target.runner(),
    )
}

/// [`run`] with any runner (the harness's own tests use one that panics on purpose).
pub fn run_with(
    name: &str,
    config: &Config,
    corpus: &[Vec<u8>],
    dict: &Dictionary,
    finish: impl Fn(&mut Rng, Vec<u8>) -> Vec<u8>,
    make_runner: impl Fn() -> Result<Box<dyn Runner>>,
) -> Result<Report> {
    anyhow::ensure!(!corpus.is_empty(), "empty corpus");
    install_panic_hook();
    let artifacts = config.artifacts.as_ref().map(|d| d.join(name));
    let origin = Instant::now();
    let shared = Arc::new(Shared {
        input: Mutex::new(Arc::new(Vec::new())),
        started: AtomicU64::new(u64::MAX),
        peak_rss: AtomicU64::new(0),
        stop: AtomicBool::new(false),
        origin,
    });
    let dog = config
        .watchdog
        .map(|d| spawn_watchdog(shared.clone(), d, artifacts.clone()));
    let mut runner = make_runner()?;
    let mut rng = Rng::new(config.seed);
    let mut report = Report {
        target: name.to_owned(),
        seed: config.seed,
        cases: 0,
        accepted: 0,
        refused: 0,
        elapsed: Duration::ZERO,
        findings: Vec::new(),
        peak_rss: 0,
    };
    let mut last_progress = origin;
    loop {
        if config.max_cases.is_some_and(|m| report.cases >= m)
            || config.duration.is_some_and(|d| origin.elapsed() >= d)
            || report.findings.len() >= MAX_FINDINGS
        {
            break;
        }
        let mutated = mutate::mutate(&mut rng, corpus, dict);
        let input = Arc::new(finish(&mut rng, mutated));
        if let Some(log) = config.case_log {
            log(report.cases);
        }
        if let Ok(mut current) = shared.input.lock() {
            *current = input.clone();
        }
        let panics_before = PANICS.load(Ordering::SeqCst);
        shared
            .started
            .store(origin.elapsed().as_millis() as u64, Ordering::Relaxed);
        let start = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| runner.run(&input)));
        let took = start.elapsed();
        shared.started.store(u64::MAX, Ordering::Relaxed);
        report.cases += 1;
        let crashed = result.is_err() || PANICS.load(Ordering::SeqCst) != panics_before;
        if crashed {
            let f = found(
                artifacts.as_deref(),
                "crash",
                report.cases,
                last_panic(),
                &input,
            );
            report.findings.push(f);
            // The runner may be left half-way (a store mid-transaction): start afresh.
            runner = make_runner()?;
            continue;
        }
        match result {
            Ok(Outcome::Accepted) => report.accepted += 1,
            _ => report.refused += 1,
        }
        if config.detect_slow && took > slow_bound(input.len()) {
            if let Some(cpu) = cpu_again(&mut *runner, &input) {
                if cpu > slow_bound(input.len()) {
                    let message = format!("{} bytes took {cpu:?} of CPU", input.len());
                    let f = found(artifacts.as_deref(), "slow", report.cases, message, &input);
                    report.findings.push(f);
                }
            }
        }
        if let Some(every) = config.progress {
            if last_progress.elapsed() >= every {
                last_progress = Instant::now();
                let secs = origin.elapsed().as_secs_f64();
                eprintln!(
                    "{name}: {:.0} s, {} cases ({:.0}/s), {} accepted, {} findings, RSS {} MiB",
                    secs,
                    report.cases,
                    report.cases as f64 / secs.max(1e-9),
                    report.accepted,
                    report.findings.len(),
                    rss_bytes() >> 20
                );
            }
        }
    }
    report.elapsed = origin.elapsed();
    shared.stop.store(true, Ordering::Relaxed);
    if let Some(dog) = dog {
        let _ = dog.join();
    }
    report.peak_rss = shared.peak_rss.load(Ordering::Relaxed);
    Ok(report)
}

/// The input of case `n` (counting from 0) of a campaign of `target` with `seed`: the
/// mutations depend on the seed alone, never on what the cases gave.
pub fn nth_input(target: Target, seed: u64, corpus: &[Vec<u8>], n: u64) -> Vec<u8> {
    let dict = target.dictionary();
    let mut rng = Rng::new(seed);
    let mut input = Vec::new();
    for _ in 0..=n {
        let mutated = mutate::mutate(&mut rng, corpus, &dict);
        input = target.finish(&mut rng, mutated);
    }
    input
}

/// Write a finding's input as `<artifacts>/<target>/<kind>-<hash>`.
pub fn save_finding(artifacts: &Path, target: Target, kind: &str, input: &[u8]) -> Option<PathBuf> {
    write_artifact(&artifacts.join(target.name()), kind, input)
}

/// The CPU time of running `input` again (`None` when it cannot be measured, or when the
/// re-run panics: a panic on the second run is left to the next case that finds it).
fn cpu_again(runner: &mut dyn Runner, input: &[u8]) -> Option<Duration> {
    let before = cpu_time()?;
    catch_unwind(AssertUnwindSafe(|| runner.run(input))).ok()?;
    Some(cpu_time()?.saturating_sub(before))
}

/// Run one input (a finding's artifact) once, reporting a panic as an error.
pub fn replay(target: Target, path: &Path) -> Result<(Outcome, Duration)> {
    let mut input = Vec::new();
    fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut input))
        .with_context(|| format!("{}", path.display()))?;
    install_panic_hook();
    let mut runner = target.runner()?;
    let before = PANICS.load(Ordering::SeqCst);
    let start = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| runner.run(&input)));
    let took = start.elapsed();
    match result {
        Ok(outcome) if PANICS.load(Ordering::SeqCst) == before => Ok((outcome, took)),
        _ => anyhow::bail!("crash: {}", last_panic()),
    }
}
