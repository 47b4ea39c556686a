//! `khronika-fuzz <target> --minutes N [--seed S] [--cases N]`: one target's campaign.
//! Exit code 0 when clean, 1 with findings (inputs written under `--artifacts`), 2 on a
//! usage or setup error, 3 when the watchdog stopped a hang or a memory blow-up.
//!
//! The campaign runs in a child process (`--worker`) that tells this one each case's
//! number before running it: when the child dies of something no handler can catch (a
//! stack overflow aborts), the supervisor regenerates that case's input from the seed
//! and saves it as an `abort-…` finding.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Parser;
use khronika_fuzz::{default_corpus_dir, load_corpus, Config, Target, Watchdog};

#[derive(Parser)]
#[command(
    name = "khronika-fuzz",
    about = "Seeded mutation fuzzing of khronika's parsers"
)]
struct Args {
    /// html, feed, sitemap, warc, import, dates or query.
    target: String,
    /// Campaign length.
    #[arg(long)]
    minutes: Option<f64>,
    /// Stop after this many cases.
    #[arg(long)]
    cases: Option<u64>,
    /// Mutation seed (default: from the clock; printed, so a run can be repeated).
    #[arg(long)]
    seed: Option<u64>,
    /// More seed inputs besides `crates/fuzz/corpus/<target>/` (repeatable).
    #[arg(long)]
    corpus: Vec<PathBuf>,
    /// Where findings go, one directory per target.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/artifacts"))]
    artifacts: PathBuf,
    /// Resident memory that counts as a blow-up, in MiB.
    #[arg(long, default_value_t = 2048)]
    rss_limit_mb: u64,
    /// Run one saved input and report what it gives.
    #[arg(long)]
    replay: Option<PathBuf>,
    /// Run the campaign in this process, announcing case numbers on standard output
    /// (what the supervisor starts).
    #[arg(long, hide = true)]
    worker: bool,
}

/// The worker's announcement of the case about to run: 8 bytes, flushed, so the number is
/// with the supervisor before the case can abort the process.
fn announce_case(n: u64) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(&n.to_le_bytes()).and_then(|()| out.flush());
}

/// Start the worker with the same campaign and watch it.
fn supervise(args: &Args, target: Target, seed: u64, corpus: &[Vec<u8>]) -> ExitCode {
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("cannot find this executable: {e}");
            return ExitCode::from(2);
        }
    };
    let mut cmd = Command::new(exe);
    cmd.arg(target.name())
        .args(["--worker", "--seed", &seed.to_string()])
        .args(["--rss-limit-mb", &args.rss_limit_mb.to_string()])
        .arg("--artifacts")
        .arg(&args.artifacts);
    if let Some(m) = args.minutes {
        cmd.args(["--minutes", &m.to_string()]);
    }
    if let Some(c) = args.cases {
        cmd.args(["--cases", &c.to_string()]);
    }
    for dir in &args.corpus {
        cmd.arg("--corpus").arg(dir);
    }
    let mut child = match cmd.stdout(Stdio::piped()).spawn() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot start the worker: {e}");
            return ExitCode::from(2);
        }
    };
    let mut last = None;
    if let Some(mut out) = child.stdout.take() {
        let mut buf = [0u8; 8];
        while out.read_exact(&mut buf).is_ok() {
            last = Some(u64::from_le_bytes(buf));
        }
    }
    let status = match child.wait() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("lost the worker: {e}");
            return ExitCode::from(2);
        }
    };
    match status.code() {
        Some(c @ (0..=3)) => ExitCode::from(c as u8),
        _ => {
            eprintln!("FINDING abort: the worker died ({status})");
            if let Some(n) = last {
                let input = khronika_fuzz::nth_input(target, seed, corpus, n);
                let path = khronika_fuzz::save_finding(&args.artifacts, target, "abort", &input);
                eprintln!(
                    "  case {n}, {} bytes of input, saved at {path:?}",
                    input.len()
                );
            }
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let Some(target) = Target::from_name(&args.target) else {
        eprintln!("unknown target {:?}", args.target);
        return ExitCode::from(2);
    };
    if let Some(path) = &args.replay {
        return match khronika_fuzz::replay(target, path) {
            Ok((outcome, took)) => {
                println!("{outcome:?} in {took:?}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e:#}");
                ExitCode::from(1)
            }
        };
    }
    if args.minutes.is_none() && args.cases.is_none() {
        eprintln!("give --minutes or --cases");
        return ExitCode::from(2);
    }
    let seed = args.seed.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    let mut dirs = vec![default_corpus_dir(target)];
    dirs.extend(args.corpus.iter().cloned());
    let corpus = match load_corpus(&dirs) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e:#}");
            return ExitCode::from(2);
        }
    };
    if !args.worker {
        return supervise(&args, target, seed, &corpus);
    }
    let config = Config {
        seed,
        duration: args
            .minutes
            .map(|m| Duration::from_secs_f64(m.max(0.0) * 60.0)),
        max_cases: args.cases,
        artifacts: Some(args.artifacts.clone()),
        detect_slow: true,
        watchdog: Some(Watchdog {
            hang: Duration::from_secs(60),
            rss_limit: args.rss_limit_mb << 20,
        }),
        progress: Some(Duration::from_secs(60)),
        case_log: Some(announce_case),
    };
    eprintln!(
        "{}: seed {seed}, {} corpus inputs, artifacts in {}",
        target.name(),
        corpus.len(),
        args.artifacts.join(target.name()).display()
    );
    let report = match khronika_fuzz::run(target, &config, &corpus) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e:#}");
            return ExitCode::from(2);
        }
    };
    // Standard output carries the case numbers; the summary goes with the progress lines.
    eprintln!(
        "{}: seed {} | {:.1} min | {} cases | {:.0} cases/s | {} accepted, {} refused | {} findings | peak RSS {} MiB",
        report.target,
        report.seed,
        report.elapsed.as_secs_f64() / 60.0,
        report.cases,
        report.cases_per_second(),
        report.accepted,
        report.refused,
        report.findings.len(),
        report.peak_rss >> 20
    );
    for f in &report.findings {
        eprintln!(
            "  {} ({} bytes) {:?}: {}",
            f.kind, f.input_len, f.path, f.message
        );
    }
    if report.findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
