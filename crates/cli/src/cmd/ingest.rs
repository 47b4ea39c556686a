//! `khronika ingest`: fetch new and changed articles of every source (or local files).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Args;
use khronika_pipeline::{CancellationToken, FileOptions, IngestOptions, PipelineOptions};

use crate::cmd::source::{address_policy, open_store, runtime};
use crate::GlobalOpts;

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// One pass over all sources, then exit (default: keep polling).
    #[arg(long)]
    pub once: bool,
    /// Seconds between passes when polling.
    #[arg(long, default_value_t = 600, value_name = "SECS")]
    pub interval: u64,
    /// Also follow in-site links to article-like pages.
    #[arg(long)]
    pub crawl: bool,
    /// Link hops followed in crawl mode.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub depth: u32,
    /// Only these sources, by name or id (repeatable).
    #[arg(long = "source", value_name = "SOURCE")]
    pub sources: Vec<String>,
    /// Ingest local HTML or WARC files instead of fetching.
    #[arg(long = "file", value_name = "PATH", num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// With --file: the source the files belong to (name or id).
    #[arg(long = "as-source", value_name = "SOURCE")]
    pub as_source: Option<String>,
    /// Minimum milliseconds between requests to one host (robots.txt may ask for more).
    #[arg(long, default_value_t = 1000, value_name = "MS")]
    pub delay_ms: u64,
    /// Requests in flight per host.
    #[arg(long, default_value_t = 2)]
    pub per_host: usize,
    /// Requests in flight overall.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// Largest page accepted, in bytes.
    #[arg(long, default_value_t = 8 * 1024 * 1024, value_name = "BYTES")]
    pub max_page_bytes: usize,
    /// First back-off after a 429/5xx without Retry-After, in milliseconds.
    #[arg(long, default_value_t = 2000, value_name = "MS")]
    pub retry_base_ms: u64,
    /// Seconds a request may take before it counts as timed out.
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    pub timeout: u64,
    /// Skip the language layer (entities, quotes, dates).
    #[arg(long)]
    pub no_analysis: bool,
    /// Share the work with other workers through the store's crawl frontier (meant for
    /// PostgreSQL: run any number of these on any machines). With --once: stop when the
    /// frontier has nothing due and nothing leased.
    #[arg(long, conflicts_with = "files")]
    pub worker: bool,
    /// With --worker: this worker's name in the frontier's leases (default: host name and
    /// process id).
    #[arg(long, value_name = "NAME", requires = "worker")]
    pub worker_id: Option<String>,
    /// With --worker: URLs leased at once.
    #[arg(long, default_value_t = 32, value_name = "N")]
    pub lease_batch: usize,
    /// With --worker: seconds a lease lasts unrenewed (how soon a dead worker's URLs are
    /// taken over).
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub lease_secs: u64,
}

pub fn run(global: &GlobalOpts, args: IngestArgs) -> Result<ExitCode> {
    runtime()?.block_on(async move {
        let store = open_store(global).await?;
        let token = CancellationToken::new();
        crate::cmd::install_ctrl_c(token.clone());
        // A long-running ingest keeps the index current as it goes, not only at its end.
        let follower = crate::cmd::IndexFollower::start(global, store.clone())?;
        let pipeline = PipelineOptions {
            analyze: !args.no_analysis,
            progress: crate::cmd::show_progress(global),
            ..Default::default()
        };
        let counts = if !args.files.is_empty() {
            let source = match &args.as_source {
                Some(key) => Some(crate::cmd::find_source(&*store, key).await?.id),
                None => None,
            };
            let opts = FileOptions {
                pipeline,
                source,
                url: None,
            };
            khronika_pipeline::ingest_files_cancellable(store.clone(), &args.files, &opts, token)
                .await?
        } else {
            let mut sources = Vec::with_capacity(args.sources.len());
            for key in &args.sources {
                sources.push(crate::cmd::find_source(&*store, key).await?.name);
            }
            let mut opts = IngestOptions {
                pipeline,
                once: args.once,
                poll_interval: Duration::from_secs(args.interval.max(1)),
                crawl_depth: args.crawl.then_some(args.depth),
                concurrency: args.concurrency.max(1),
                sources,
                ..Default::default()
            };
            opts.fetch.policy = address_policy(global);
            opts.fetch.default_delay = Duration::from_millis(args.delay_ms);
            opts.fetch.per_host_concurrency = args.per_host.max(1);
            opts.fetch.max_bytes = args.max_page_bytes;
            opts.fetch.retry_base = Duration::from_millis(args.retry_base_ms);
            opts.fetch.timeout = Duration::from_secs(args.timeout.max(1));
            let run = if args.worker {
                let worker = khronika_pipeline::WorkerOptions {
                    id: args.worker_id.clone().unwrap_or_else(default_worker_id),
                    batch: args.lease_batch.clamp(1, 10_000),
                    lease: Duration::from_secs(args.lease_secs.max(1)),
                    ..Default::default()
                };
                khronika_pipeline::ingest_worker(store.clone(), &opts, &worker, token).await?
            } else {
                khronika_pipeline::ingest_run(store.clone(), &opts, token).await?
            };
            if !global.quiet {
                eprint!("{}", failure_table(&run));
            }
            run.counts
        };
        follower.finish(global, store.as_ref()).await?;
        eprintln!("{counts}");
        Ok(crate::cmd::batch_exit(&counts))
    })
}

/// A worker name unique across machines and restarts: host name, process id, start time.
fn default_worker_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".into());
    format!(
        "{host}-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_millis()
    )
}

/// The closing table of an ingest run: every failed URL with its source, kind and reason
/// (empty when nothing failed).
fn failure_table(run: &khronika_pipeline::IngestRun) -> String {
    use std::fmt::Write;
    if run.failures.is_empty() {
        return String::new();
    }
    let mut out = format!("\n{} failed:\n", plural(run.failed, "URL"));
    let rows: Vec<[&str; 4]> = run
        .failures
        .iter()
        .map(|f| [f.source.as_str(), f.kind, f.url.as_str(), f.reason.as_str()])
        .collect();
    out.push_str(&crate::cmd::table(
        &["SOURCE", "KIND", "URL", "REASON"],
        &rows,
    ));
    let unlisted = run.failed.saturating_sub(run.failures.len() as u64);
    if unlisted > 0 {
        let _ = writeln!(out, "… and {unlisted} more (see the log with -v)");
    }
    out.push('\n');
    out
}

fn plural(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
