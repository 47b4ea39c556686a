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
    /// Only these sources (repeatable).
    #[arg(long = "source", value_name = "NAME")]
    pub sources: Vec<String>,
    /// Ingest local HTML or WARC files instead of fetching.
    #[arg(long = "file", value_name = "PATH", num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// With --file: the source the files belong to.
    #[arg(long = "as-source", value_name = "NAME")]
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
    /// Skip the language layer (entities, quotes, dates).
    #[arg(long)]
    pub no_analysis: bool,
}

pub fn run(global: &GlobalOpts, args: IngestArgs) -> Result<ExitCode> {
    runtime()?.block_on(async move {
        let store = open_store(global).await?;
        let token = CancellationToken::new();
        crate::cmd::install_ctrl_c(token.clone());
        let pipeline = PipelineOptions {
            analyze: !args.no_analysis,
            progress: true,
            ..Default::default()
        };
        let counts = if !args.files.is_empty() {
            let source = match &args.as_source {
                Some(name) => Some(
                    store
                        .source_by_name(name)
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("no source named {name:?}"))?
                        .id,
                ),
                None => None,
            };
            let opts = FileOptions {
                pipeline,
                source,
                url: None,
            };
            khronika_pipeline::ingest_files_cancellable(store, &args.files, &opts, token).await?
        } else {
            let mut opts = IngestOptions {
                pipeline,
                once: args.once,
                poll_interval: Duration::from_secs(args.interval.max(1)),
                crawl_depth: args.crawl.then_some(args.depth),
                concurrency: args.concurrency.max(1),
                sources: args.sources.clone(),
                ..Default::default()
            };
            opts.fetch.policy = address_policy(global);
            opts.fetch.default_delay = Duration::from_millis(args.delay_ms);
            opts.fetch.per_host_concurrency = args.per_host.max(1);
            opts.fetch.max_bytes = args.max_page_bytes;
            opts.fetch.retry_base = Duration::from_millis(args.retry_base_ms);
            khronika_pipeline::ingest(store, &opts, token).await?
        };
        eprintln!("{counts}");
        Ok(crate::cmd::batch_exit(&counts))
    })
}
