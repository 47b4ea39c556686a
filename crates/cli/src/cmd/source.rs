//! `khronika source add|list|remove|import`, and the data directory every store command opens.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Subcommand};
use khronika_ingest::{AddressPolicy, FetchConfig, Fetcher};
use khronika_store::{DisplayPolicy, NewSource, Source, Store};
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
    if let Some(url) = &global.database {
        return open_shared(url).await;
    }
    let dir = data_dir(global)?;
    khronika_store::open_sqlite(&dir)
        .await
        .with_context(|| format!("opening the store in {}", dir.display()))
}

/// The store for commands that only read (export, search, listings): a missing data
/// directory is an error saying so, never created; a read-only one works.
pub async fn open_store_read_only(global: &GlobalOpts) -> Result<Arc<dyn Store>> {
    if let Some(url) = &global.database {
        return open_shared(url).await;
    }
    let dir = data_dir(global)?;
    khronika_store::open_sqlite_read_only(&dir)
        .await
        .with_context(|| format!("opening the store in {}", dir.display()))
}

/// The shared PostgreSQL archive (`--database` / `KHRONIKA_DATABASE_URL`); a schema this
/// binary does not know is refused (`khronika migrate` upgrades it). The URL is not
/// repeated in errors: it may hold a password.
async fn open_shared(url: &str) -> Result<Arc<dyn Store>> {
    check_database_url(url)?;
    khronika_store::open_postgres(url)
        .await
        .context("opening the PostgreSQL archive (--database)")
}

/// Only PostgreSQL URLs name a shared archive.
pub fn check_database_url(url: &str) -> Result<()> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(())
    } else {
        anyhow::bail!("--database takes a postgres://… URL (without it the archive is the embedded store in --data-dir)")
    }
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
    /// List followed sites: id, name, feeds, sitemaps, articles, last fetch, errors.
    List {
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Stop following a site and delete its articles from the archive (asks first).
    Remove {
        /// The source's name or id (see `source list`).
        source: String,
        /// Do not ask (needed when standard input is not a terminal).
        #[arg(long, short)]
        yes: bool,
    },
    /// Add sources from a TOML (`[[source]]` tables) or OPML file; entries without feeds or
    /// sitemaps are probed for them like `source add` does.
    Import {
        file: PathBuf,
        /// Do not look for feeds and sitemaps of entries that list none.
        #[arg(long)]
        no_discover: bool,
    },
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
        let status = khronika_pipeline::source_status(&*store, chrono::Utc::now()).await?;
        let sources = store.list_sources().await?;
        if json {
            for s in &sources {
                // The source's settings plus what the table shows about its ingestion.
                let mut v = serde_json::to_value(s)?;
                if let (Some(obj), Some(h)) = (
                    v.as_object_mut(),
                    status.iter().find(|h| h.id == s.id).map(|h| &h.health),
                ) {
                    obj.insert("articles".into(), h.articles.into());
                    obj.insert("last_fetch".into(), serde_json::to_value(&h.last_fetch)?);
                    let errors: u64 = h.errors_by_kind.iter().map(|(_, n)| n).sum();
                    obj.insert("errors_7_days".into(), errors.into());
                }
                println!("{v}");
            }
        } else if sources.is_empty() {
            // Nothing on standard output: a script reading the table sees no rows.
            eprintln!("no sources (add one with `khronika source add URL`)");
        } else {
            print!("{}", list_table(&sources, &status));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let store = open_store(global).await?;
    match args.command {
        SourceCommand::Add(a) => add(global, &*store, a).await,
        // Answered above, from a read-only store.
        SourceCommand::List { .. } => Ok(ExitCode::SUCCESS),
        SourceCommand::Remove { source, yes } => remove(&*store, &source, yes).await,
        SourceCommand::Import { file, no_discover } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let sources = khronika_pipeline::parse_sources_file(&text)
                .with_context(|| format!("in {}", file.display()))?;
            let (mut added, mut skipped, mut refused) = (0, 0, 0);
            let policy = address_policy(global);
            let fetcher = discovery_fetcher(global)?;
            for mut s in sources {
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
                if !no_discover && s.feeds.is_empty() && s.sitemaps.is_empty() {
                    match Url::parse(&s.home_url) {
                        Ok(home) => match discover_lists(&fetcher, &home).await {
                            Ok((feeds, sitemaps)) => {
                                (s.feeds, s.sitemaps) = (feeds, sitemaps);
                            }
                            Err(e) => eprintln!("{}: {e:#}", s.name),
                        },
                        Err(e) => eprintln!("{}: bad home URL: {e}", s.name),
                    }
                }
                store.add_source(&s).await?;
                eprint!("{}", found_lists(&s.name, &s.feeds, &s.sitemaps));
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
    let discovered = !a.no_discover && feeds.is_empty() && sitemaps.is_empty();
    if discovered {
        (feeds, sitemaps) = discover_lists(&discovery_fetcher(global)?, &a.url).await?;
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
    print!("{}", found_lists(&name, &feeds, &sitemaps));
    Ok(ExitCode::SUCCESS)
}

/// The fetcher `source add` and `source import` look for feeds with.
fn discovery_fetcher(global: &GlobalOpts) -> Result<Fetcher> {
    Ok(Fetcher::new(FetchConfig {
        policy: address_policy(global),
        default_delay: std::time::Duration::from_millis(200),
        ..Default::default()
    })?)
}

/// The feeds and sitemaps a home page and its robots.txt announce.
async fn discover_lists(fetcher: &Fetcher, home: &Url) -> Result<(Vec<String>, Vec<String>)> {
    let found = khronika_ingest::discover(fetcher, home)
        .await
        .with_context(|| format!("discovering feeds of {home}"))?;
    Ok((
        found.feeds.iter().map(|u| u.to_string()).collect(),
        found.sitemaps.iter().map(|u| u.to_string()).collect(),
    ))
}

/// "added NAME" and what it will be read through.
fn found_lists(name: &str, feeds: &[String], sitemaps: &[String]) -> String {
    let mut out = format!("added {name}\n");
    for f in feeds {
        out.push_str(&format!("  feed    {f}\n"));
    }
    for s in sitemaps {
        out.push_str(&format!("  sitemap {s}\n"));
    }
    if feeds.is_empty() && sitemaps.is_empty() {
        out.push_str("  no feed or sitemap found; `khronika ingest` will crawl the home page\n");
    }
    out
}

/// `source list` as a table.
fn list_table(sources: &[Source], status: &[khronika_pipeline::SourceStatus]) -> String {
    let rows: Vec<Vec<String>> = sources
        .iter()
        .map(|s| {
            let h = status.iter().find(|h| h.id == s.id).map(|h| &h.health);
            let last = h
                .and_then(|h| h.last_fetch.as_ref())
                .map(|l| {
                    let outcome = match (&l.failure, l.status) {
                        (Some(_), _) => " failed",
                        (None, Some(code)) if !(200..400).contains(&code) => " error",
                        _ => "",
                    };
                    format!("{}{outcome}", l.at.format("%Y-%m-%d %H:%M"))
                })
                .unwrap_or_else(|| "never".to_owned());
            let errors: u64 = h
                .map(|h| h.errors_by_kind.iter().map(|(_, n)| n).sum())
                .unwrap_or(0);
            vec![
                s.id.0.to_string(),
                if s.hidden {
                    format!("{} (hidden)", s.name)
                } else {
                    s.name.clone()
                },
                s.feeds.len().to_string(),
                s.sitemaps.len().to_string(),
                h.map(|h| h.articles).unwrap_or(0).to_string(),
                last,
                errors.to_string(),
                s.home_url.clone(),
            ]
        })
        .collect();
    crate::cmd::table(
        &[
            "ID",
            "NAME",
            "FEEDS",
            "SITEMAPS",
            "ARTICLES",
            "LAST FETCH",
            "ERRORS (7 DAYS)",
            "HOME",
        ],
        &rows,
    )
}

/// `source remove`: say what goes with the source, and ask unless `--yes`.
async fn remove(store: &dyn Store, key: &str, yes: bool) -> Result<ExitCode> {
    use std::io::{BufRead, IsTerminal, Read, Write};
    let s = crate::cmd::find_source(store, key).await?;
    let articles = store
        .source_health(chrono::Utc::now(), khronika_pipeline::HEALTH_WINDOW)
        .await?
        .into_iter()
        .find(|h| h.source_id == s.id)
        .map(|h| h.articles)
        .unwrap_or(0);
    eprintln!(
        "removing {} (id {}) deletes its {articles} articles from the archive; \
         `khronika takedown source` hides them instead",
        s.name, s.id.0
    );
    if !yes {
        if !std::io::stdin().is_terminal() {
            bail!("not removed: confirm with --yes (standard input is not a terminal)");
        }
        eprint!("remove {}? [y/N] ", s.name);
        std::io::stderr().flush().ok();
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .take(64)
            .read_line(&mut answer)
            .context("reading the answer")?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "да" | "д") {
            eprintln!("not removed");
            return Ok(ExitCode::from(1));
        }
    }
    store.remove_source(s.id).await?;
    eprintln!("removed {}", s.name);
    Ok(ExitCode::SUCCESS)
}
