//! `khronika source add|list|remove|import`, and the data directory every store command opens.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Subcommand};
use khronika_ingest::{AddressPolicy, FetchConfig, Fetcher};
use khronika_store::{DisplayPolicy, NewSource, Store};
use url::Url;

use crate::GlobalOpts;

/// The data directory: `--data-dir`, else `KHRONIKA_DATA_DIR` (both via clap), else the OS
/// convention (`~/.local/share/khronika` on Linux, `~/Library/Application Support/khronika`
/// on macOS, `%APPDATA%\khronika\data` on Windows).
pub fn data_dir(global: &GlobalOpts) -> Result<PathBuf> {
    if let Some(d) = &global.data_dir {
        return Ok(d.clone());
    }
    directories::ProjectDirs::from("", "", "khronika")
        .map(|p| p.data_dir().to_path_buf())
        .ok_or_else(|| anyhow!("no home directory to put the data in; pass --data-dir DIR"))
}

pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

pub async fn open_store(global: &GlobalOpts) -> Result<Arc<dyn Store>> {
    let dir = data_dir(global)?;
    khronika_store::open_sqlite(&dir)
        .await
        .with_context(|| format!("opening the store in {}", dir.display()))
}

/// The store for commands that only read (export, search, listings): a missing data
/// directory is an error saying so, never created; a read-only one works.
pub async fn open_store_read_only(global: &GlobalOpts) -> Result<Arc<dyn Store>> {
    let dir = data_dir(global)?;
    khronika_store::open_sqlite_read_only(&dir)
        .await
        .with_context(|| format!("opening the store in {}", dir.display()))
}

pub fn address_policy(global: &GlobalOpts) -> AddressPolicy {
    AddressPolicy::allowing(global.allow_hosts.iter().cloned())
}

/// Refuse to store a source whose home, feed or sitemap URL the fetcher would refuse
/// (`--no-discover`, `--feed`, `--sitemap`, `source import` fetch nothing before storing):
/// literal non-public addresses and `localhost`, unless `--allow-host` names them. Names
/// are not resolved here (no network for a local change); every fetch checks what a name
/// resolves to.
fn check_source_urls(policy: &AddressPolicy, s: &NewSource) -> Result<()> {
    for raw in std::iter::once(&s.home_url)
        .chain(&s.feeds)
        .chain(&s.sitemaps)
    {
        let url = Url::parse(raw).with_context(|| format!("{raw:?} is not a URL"))?;
        policy
            .check_url(&url)
            .with_context(|| format!("source {:?}", s.name))?;
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct SourceArgs {
    #[command(subcommand)]
    pub command: SourceCommand,
}

#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// Follow a site. Feeds and sitemaps are discovered from its home page and robots.txt
    /// unless given.
    Add(AddArgs),
    /// List followed sites.
    List {
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Stop following a site and delete its articles from the archive.
    Remove {
        /// The source's name (see `source list`).
        name: String,
    },
    /// Add sources from a TOML (`[[source]]` tables) or OPML file.
    Import { file: PathBuf },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The site's home page.
    pub url: Url,
    /// A feed URL (repeatable); skips feed discovery.
    #[arg(long = "feed", value_name = "URL")]
    pub feeds: Vec<Url>,
    /// A sitemap URL (repeatable); skips sitemap discovery.
    #[arg(long = "sitemap", value_name = "URL")]
    pub sitemaps: Vec<Url>,
    /// Name to refer to the source by (default: the host name).
    #[arg(long)]
    pub name: Option<String>,
    /// Show articles in full (`full_text`) or as lead and link (`lead_and_link`, default).
    #[arg(long, value_parser = ["full_text", "lead_and_link"])]
    pub display: Option<String>,
    /// Do not look for feeds and sitemaps.
    #[arg(long)]
    pub no_discover: bool,
    /// Minimum milliseconds between requests to this site (robots.txt may ask for more).
    #[arg(long, value_name = "MS")]
    pub delay_ms: Option<u64>,
    /// Requests in flight to this site.
    #[arg(long, value_name = "N")]
    pub max_concurrency: Option<u32>,
}

pub fn run(global: &GlobalOpts, args: SourceArgs) -> Result<ExitCode> {
    runtime()?.block_on(run_async(global, args))
}

async fn run_async(global: &GlobalOpts, args: SourceArgs) -> Result<ExitCode> {
    if let SourceCommand::List { json } = args.command {
        let store = open_store_read_only(global).await?;
        for s in store.list_sources().await? {
            if json {
                println!("{}", serde_json::to_string(&s)?);
            } else {
                println!(
                    "{}\t{}\t{} feeds\t{} sitemaps\t{}{}",
                    s.name,
                    s.home_url,
                    s.feeds.len(),
                    s.sitemaps.len(),
                    s.display.as_str(),
                    if s.hidden { "\thidden" } else { "" }
                );
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let store = open_store(global).await?;
    match args.command {
        SourceCommand::Add(a) => add(global, &*store, a).await,
        // Answered above, from a read-only store.
        SourceCommand::List { .. } => Ok(ExitCode::SUCCESS),
        SourceCommand::Remove { name } => {
            let s = store
                .source_by_name(&name)
                .await?
                .ok_or_else(|| anyhow!("no source named {name:?} (see `khronika source list`)"))?;
            store.remove_source(s.id).await?;
            eprintln!("removed {name}");
            Ok(ExitCode::SUCCESS)
        }
        SourceCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let sources = khronika_pipeline::parse_sources_file(&text)
                .with_context(|| format!("in {}", file.display()))?;
            let (mut added, mut skipped, mut refused) = (0, 0, 0);
            let policy = address_policy(global);
            for s in sources {
                if store.source_by_name(&s.name).await?.is_some() {
                    eprintln!("skipped {}: already there", s.name);
                    skipped += 1;
                    continue;
                }
                if let Err(e) = check_source_urls(&policy, &s) {
                    eprintln!("khronika: skipped {}: {e:#}", s.name);
                    refused += 1;
                    continue;
                }
                store.add_source(&s).await?;
                added += 1;
            }
            eprintln!("{added} sources added, {skipped} skipped, {refused} refused");
            Ok(if refused > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

async fn add(global: &GlobalOpts, store: &dyn Store, a: AddArgs) -> Result<ExitCode> {
    let name = a.name.clone().unwrap_or_else(|| {
        a.url
            .host_str()
            .unwrap_or("source")
            .trim_start_matches("www.")
            .to_owned()
    });
    if store.source_by_name(&name).await?.is_some() {
        bail!("a source named {name:?} already exists (use --name)");
    }
    let mut feeds: Vec<String> = a.feeds.iter().map(|u| u.to_string()).collect();
    let mut sitemaps: Vec<String> = a.sitemaps.iter().map(|u| u.to_string()).collect();
    if !a.no_discover && feeds.is_empty() && sitemaps.is_empty() {
        let fetcher = Fetcher::new(FetchConfig {
            policy: address_policy(global),
            default_delay: std::time::Duration::from_millis(200),
            ..Default::default()
        })?;
        let found = khronika_ingest::discover(&fetcher, &a.url)
            .await
            .with_context(|| format!("discovering feeds of {}", a.url))?;
        feeds = found.feeds.iter().map(|u| u.to_string()).collect();
        sitemaps = found.sitemaps.iter().map(|u| u.to_string()).collect();
        if feeds.is_empty() && sitemaps.is_empty() {
            eprintln!("no feed or sitemap found; `khronika ingest` will crawl the home page");
        }
    }
    let display = a
        .display
        .as_deref()
        .and_then(DisplayPolicy::parse)
        .unwrap_or_default();
    let source = NewSource {
        name: name.clone(),
        home_url: a.url.to_string(),
        feeds: feeds.clone(),
        sitemaps: sitemaps.clone(),
        display,
        politeness: khronika_store::Politeness {
            delay_ms: a.delay_ms,
            max_concurrency: a.max_concurrency,
        },
        ..Default::default()
    };
    check_source_urls(&address_policy(global), &source)?;
    store.add_source(&source).await?;
    println!("added {name}");
    for f in &feeds {
        println!("  feed    {f}");
    }
    for s in &sitemaps {
        println!("  sitemap {s}");
    }
    Ok(ExitCode::SUCCESS)
}
