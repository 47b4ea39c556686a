//! The `khronika` command line: thin wiring over the pipeline crates.
//!
//! Each subcommand lives in its own module under `cmd/`; this file only declares the
//! global options and dispatches.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// mimalloc: the server's many small per-request allocations across threads are cheaper
/// than with glibc malloc (measured in `crates/serve/benches/load.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A news engine for the Russian-language web of Kazakhstan, Central Asia and the CIS.
#[derive(Debug, Parser)]
#[command(name = "khronika", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOpts,
    #[command(subcommand)]
    pub command: Command,
}

/// Options valid for every subcommand (given before it).
#[derive(Debug, clap::Args)]
pub struct GlobalOpts {
    /// Where khronika keeps its database, raw pages and search index.
    #[arg(long, global = true, env = "KHRONIKA_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The archive's database: a `postgres://user@host:port/db` URL shares one archive
    /// between many workers and servers; without it the embedded SQLite store in the data
    /// directory (which still holds the search index).
    #[arg(long, global = true, env = "KHRONIKA_DATABASE_URL", value_name = "URL")]
    pub database: Option<String>,
    /// Allow fetching from this host although it is private, loopback or link-local
    /// (tests, intranets): HOST or HOST:PORT, e.g. 127.0.0.1:8080; repeatable. Only the
    /// named host (and port) is allowed: redirects and discovered links to other
    /// non-public addresses are still refused.
    #[arg(long = "allow-host", global = true, value_name = "HOST[:PORT]")]
    pub allow_hosts: Vec<khronika_ingest::AllowedHost>,
    /// More log detail on standard error (-v: info, -vv: debug); `KHRONIKA_LOG` overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Only errors: no progress display, no warnings.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract articles from saved pages (files, `-` for stdin, `.gz` read transparently).
    Extract(cmd::extract::ExtractArgs),
    /// Sentences, named entities (PER/ORG/LOC, nominative), quotes and dates of texts
    /// (JSONL `{"id","text"}` or `khronika extract` records; stdin when no FILE).
    Analyze(cmd::analyze::AnalyzeArgs),
    /// Manage followed sites: add (with feed/sitemap discovery), list, remove, import.
    Source(cmd::source::SourceArgs),
    /// Fetch new and changed articles of every source (or local HTML/WARC files) and store them.
    Ingest(cmd::ingest::IngestArgs),
    /// Import already-extracted articles from JSONL.
    Import(cmd::import::ImportArgs),
    /// Export the archive as JSONL or CSV (metadata, analysis, versions).
    Export(cmd::export::ExportArgs),
    /// Re-run extraction and analysis over the stored raw pages (no network).
    Reprocess(cmd::reprocess::ReprocessArgs),
    /// Rebuild near-duplicates, stories and rubrics from the store (derived data).
    Reorganise(cmd::reorganise::ReorganiseArgs),
    /// List stories (threads of articles about one event), newest first.
    Stories(cmd::stories::StoriesArgs),
    /// Serve the news portal, JSON API (/api/v1) and RSS/Atom feeds over the data directory.
    Serve(cmd::serve::ServeArgs),
    /// Search the archive (Russian word forms, "phrases", filters); --json for machines.
    Search(cmd::search::SearchArgs),
    /// Rebuild the search index from the store.
    Reindex(cmd::reindex::ReindexArgs),
    /// Ingest the bundled real news pages into a temporary data dir and serve the portal.
    Demo(cmd::demo::DemoArgs),
    /// Apply the shared PostgreSQL archive's schema migrations (`--database`).
    Migrate(cmd::migrate::MigrateArgs),
    /// Hide an article or a source (or restore it); set a source's display policy.
    Takedown(cmd::takedown::TakedownArgs),
    /// Health of every source: last fetch, articles per day, errors, extraction that broke.
    Status(cmd::status::StatusArgs),
}

fn main() -> ExitCode {
    use std::io::IsTerminal;
    let cli = Cli::parse();
    let level = match (cli.global.quiet, cli.global.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KHRONIKA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, never into a pipe or a log file.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let result = match cli.command {
        Command::Extract(args) => cmd::extract::run(&cli.global, args),
        Command::Analyze(args) => cmd::analyze::run(&cli.global, args),
        Command::Source(args) => cmd::source::run(&cli.global, args),
        Command::Ingest(args) => cmd::ingest::run(&cli.global, args),
        Command::Import(args) => cmd::import::run(&cli.global, args),
        Command::Export(args) => cmd::export::run(&cli.global, args),
        Command::Reprocess(args) => cmd::reprocess::run(&cli.global, args),
        Command::Reorganise(args) => cmd::reorganise::run(&cli.global, args),
        Command::Stories(args) => cmd::stories::run(&cli.global, args),
        Command::Serve(args) => cmd::serve::run(&cli.global, args),
        Command::Search(args) => cmd::search::run(&cli.global, args),
        Command::Reindex(args) => cmd::reindex::run(&cli.global, args),
        Command::Demo(args) => cmd::demo::run(&cli.global, args),
        Command::Migrate(args) => cmd::migrate::run(&cli.global, args),
        Command::Takedown(args) => cmd::takedown::run(&cli.global, args),
        Command::Status(args) => cmd::status::run(&cli.global, args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("khronika: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
