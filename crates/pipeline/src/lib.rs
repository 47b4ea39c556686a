//! # khronika-pipeline: here are my sources, keep my archive up to date
//!
//! The runner that wires the stages in one direction:
//! `khronika-ingest` (fetch, discover) → `khronika-extract` (bytes → [`Article`]) →
//! `khronika-understand` (optional, cargo feature `analysis` plus the runtime flag
//! [`PipelineOptions::analyze`]) → `khronika-store` (through `Arc<dyn Store>`).
//!
//! * [`ingest`]: poll every source's feeds and sitemaps (and, in crawl mode, follow in-site
//!   article links to a depth), revisit recently stored articles with conditional requests,
//!   fetch only what is new or changed, extract, analyse, store. Resumable: all state is in
//!   the store, so a run stopped by Ctrl-C (the [`CancellationToken`]) or killed simply
//!   continues on the next run.
//! * [`ingest_run`]: [`ingest`] with every failed URL and its reason, for the closing
//!   table; [`source_status`]: per-source health with extraction that broke flagged.
//! * [`ingest_worker`]: one of many workers sharing the store's crawl frontier (leased URLs,
//!   per-host slots in the database; `khronika ingest --worker`).
//! * [`ingest_files`]: local HTML files and WARC files. [`import_jsonl`] / [`export`]:
//!   already-extracted articles in and out. [`reprocess`]: re-run extraction (and analysis)
//!   over the stored raw pages, no network.
//!
//! "Changed" is decided by [`khronika_store::content_hash`] of the extracted article
//! (title, lead, body text), never by the raw page, whose sidebars change on every fetch.
//! Analysis spans are offsets into [`Article::text`].
//!
//! Writes go through one batching writer task (one transaction per batch), so a crash loses
//! at most the batch in flight and never leaves half an article.

mod exchange;
mod files;
mod health;
mod organise;
mod run;
mod sources;
mod worker;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use khronika_extract::ExtractOptions;
use khronika_model::{Analysis, Article};
use khronika_store::{content_hash, NewArticle, NewFetch, PutOutcome, SourceId, Store, StoreError};
use serde::Serialize;
use url::Url;

pub use exchange::{
    export, import_jsonl, import_jsonl_listed, BadRecord, ExportFormat, ExportOptions, Imported,
    MAX_BAD_LISTED,
};
pub use files::ingest_files_cancellable;
pub use files::{ingest_files, FileOptions};
pub use health::{
    failure_of, source_status, Failure, SourceStatus, HEALTH_WINDOW, MAX_FAILURES_LISTED,
};
pub use organise::{arrival, reorganise, OrganiseStage};
pub use run::{ingest, ingest_run, IngestOptions, IngestRun, SourceTally, STATUS_TOO_LARGE};
pub use sources::parse_sources_file;
pub use tokio_util::sync::CancellationToken;
pub use worker::{ingest_worker, WorkerOptions};

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Fetch(#[from] khronika_ingest::FetchError),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Input(String),
    #[error("the analysis layer failed to load: {0}")]
    Analyzer(String),
}

/// Options shared by every entry point.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    /// Run the language layer when it is compiled in (feature `analysis`).
    pub analyze: bool,
    /// Articles per store transaction.
    pub batch_size: usize,
    /// Show progress: a live display when standard error is a terminal; `ingest` prints a
    /// plain line per source instead when it is not.
    pub progress: bool,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        PipelineOptions {
            analyze: true,
            batch_size: 64,
            progress: false,
        }
    }
}

/// What a run did. Every counter is a number of pages or articles.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub fetched: AtomicU64,
    pub not_modified: AtomicU64,
    pub created: AtomicU64,
    pub updated: AtomicU64,
    pub unchanged: AtomicU64,
    pub duplicates: AtomicU64,
    /// Pages that held no article text.
    pub not_articles: AtomicU64,
    /// Refused by robots.txt.
    pub disallowed: AtomicU64,
    /// Refused by the address policy (SSRF guard).
    pub refused: AtomicU64,
    /// HTTP errors, network errors, oversized pages, bad input records.
    pub errors: AtomicU64,
    /// Whether the run was stopped before it finished.
    #[serde(skip)]
    pub cancelled: std::sync::atomic::AtomicBool,
}

/// A plain copy of a [`Report`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub fetched: u64,
    pub not_modified: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub duplicates: u64,
    pub not_articles: u64,
    pub disallowed: u64,
    pub refused: u64,
    pub errors: u64,
    pub cancelled: bool,
}

impl Report {
    fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }
    fn count_outcome(&self, o: &PutOutcome) {
        match o {
            PutOutcome::Created { .. } => Self::add(&self.created, 1),
            PutOutcome::Updated { .. } => Self::add(&self.updated, 1),
            PutOutcome::Unchanged { .. } => Self::add(&self.unchanged, 1),
            PutOutcome::Duplicate { .. } => Self::add(&self.duplicates, 1),
        }
    }
    pub fn counts(&self) -> Counts {
        let g = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Counts {
            fetched: g(&self.fetched),
            not_modified: g(&self.not_modified),
            created: g(&self.created),
            updated: g(&self.updated),
            unchanged: g(&self.unchanged),
            duplicates: g(&self.duplicates),
            not_articles: g(&self.not_articles),
            disallowed: g(&self.disallowed),
            refused: g(&self.refused),
            errors: g(&self.errors),
            cancelled: self.cancelled.load(Ordering::Relaxed),
        }
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} fetched, {} not modified, {} new, {} updated, {} unchanged, {} duplicates, {} not articles, {} disallowed by robots.txt, {} refused, {} errors{}",
            self.fetched,
            self.not_modified,
            self.created,
            self.updated,
            self.unchanged,
            self.duplicates,
            self.not_articles,
            self.disallowed,
            self.refused,
            self.errors,
            if self.cancelled { " (stopped early)" } else { "" }
        )
    }
}

/// The language layer, when compiled in and asked for.
#[derive(Clone, Default)]
pub struct Understand {
    #[cfg(feature = "analysis")]
    analyzer: Option<Arc<khronika_understand::Analyzer>>,
}

impl std::fmt::Debug for Understand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Understand")
            .field("enabled", &self.enabled())
            .finish()
    }
}

impl Understand {
    /// Load the analyzer if `wanted` and compiled in; otherwise analysis is skipped.
    pub fn load(wanted: bool) -> Result<Self, PipelineError> {
        #[cfg(feature = "analysis")]
        {
            if wanted {
                let a = khronika_understand::Analyzer::load()
                    .map_err(|e| PipelineError::Analyzer(e.to_string()))?;
                return Ok(Understand {
                    analyzer: Some(Arc::new(a)),
                });
            }
            Ok(Understand { analyzer: None })
        }
        #[cfg(not(feature = "analysis"))]
        {
            if wanted {
                // A build without the language layer must not pass silently for one with it.
                tracing::warn!(
                    "analysis requested but this build has no `analysis` feature: articles \
                     are stored without entities, quotes and dates"
                );
            }
            Ok(Understand {})
        }
    }

    pub fn enabled(&self) -> bool {
        #[cfg(feature = "analysis")]
        {
            self.analyzer.is_some()
        }
        #[cfg(not(feature = "analysis"))]
        {
            false
        }
    }

    /// Replace the article's tags with 3–8 ranked ones: its entities and event phrase, and
    /// the site's own tags in the nominative, one name per concept through the registry's
    /// gazetteer (`khronika_understand::tags`). A no-op without the analysis layer.
    pub fn tag(&self, article: &mut Article, analysis: &Analysis) {
        #[cfg(feature = "analysis")]
        {
            let Some(a) = self.analyzer.as_ref() else {
                return;
            };
            let text = article.text();
            let lead_chars = article
                .lead
                .as_deref()
                .filter(|l| text.starts_with(l.trim()))
                .map_or(0, |l| l.trim().chars().count());
            let canon = |name: &str| {
                khronika_store::registry::known(&khronika_store::registry::fold(name))
                    .map(|k| k.name.to_string())
            };
            let input = khronika_understand::tags::TagInput {
                title: article.title.as_deref(),
                text: &text,
                lead_chars,
                site_name: article.site_name.as_deref(),
                site_tags: &article.tags,
            };
            let tags = khronika_understand::tags::article_tags(a.morph(), &input, analysis, &canon);
            article.tags = tags;
        }
        #[cfg(not(feature = "analysis"))]
        {
            let _ = (article, analysis);
        }
    }

    /// Analyse the article's text; relative dates ("вчера", "15 июня") resolve against the
    /// publication time, else `served_at` (when the site served the page). With neither
    /// (an undated saved file or imported record) no dates are resolved: any reference
    /// would be invented.
    pub fn analyze(&self, article: &Article, served_at: Option<DateTime<Utc>>) -> Option<Analysis> {
        #[cfg(feature = "analysis")]
        {
            let a = self.analyzer.as_ref()?;
            let text = article.text();
            if text.is_empty() {
                return None;
            }
            let opts = match article
                .published
                .or_else(|| served_at.map(|s| s.fixed_offset()))
            {
                Some(reference) => khronika_understand::AnalyzeOptions::at(reference, None),
                None => khronika_understand::AnalyzeOptions::default(),
            };
            Some(a.analyze_with(&text, &opts))
        }
        #[cfg(not(feature = "analysis"))]
        {
            let _ = (article, served_at);
            None
        }
    }
}

/// A page to turn into an article.
#[derive(Debug, Clone)]
pub struct RawPage {
    pub source_id: Option<SourceId>,
    /// The URL asked for (or the file's URL).
    pub url: Url,
    /// The URL that answered.
    pub final_url: Url,
    pub status: u16,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// When we got the bytes (for a file from disk: when it was read, never its mtime).
    pub fetched_at: DateTime<Utc>,
    /// Whether `fetched_at` is when the site served the page (a live fetch, a WARC record's
    /// date), so that "вчера" or "2 часа назад" in the page resolve against it. A saved file
    /// was served at some unknown time: its relative dates give no date.
    pub served_at_fetch: bool,
    pub body: Vec<u8>,
}

impl RawPage {
    fn to_fetch(&self, keep_body: bool) -> NewFetch {
        NewFetch {
            source_id: self.source_id,
            url: self.url.to_string(),
            final_url: self.final_url.to_string(),
            status: self.status,
            content_type: self.content_type.clone(),
            etag: self.etag.clone(),
            last_modified: self.last_modified.clone(),
            fetched_at: self.fetched_at,
            // Compressed here, in the parallel workers, not on the single store writer.
            precompressed: keep_body
                .then(|| khronika_store::gzip_body(&self.body).ok())
                .flatten(),
            body: Vec::new(),
            keep_body,
        }
    }
}

fn bare_host(u: &Url) -> String {
    u.host_str()
        .unwrap_or("")
        .trim_start_matches("www.")
        .to_ascii_lowercase()
}

/// The identity URL: the page's `<link rel=canonical>` when it points into the same site
/// (a canonical on another host is not trusted), else the final URL; canonicalised.
fn identity_url(article: &Article, final_url: &Url) -> Url {
    let fallback =
        khronika_ingest::canon::canonicalize(final_url).unwrap_or_else(|| final_url.clone());
    match &article.canonical_url {
        Some(c) if final_url.scheme() == "file" => {
            khronika_ingest::canon::canonicalize(c).unwrap_or(fallback)
        }
        Some(c) if bare_host(c) == bare_host(final_url) => {
            khronika_ingest::canon::canonicalize(c).unwrap_or(fallback)
        }
        _ => fallback,
    }
}

/// Extract (and analyse) one page. `Ok(None)`: the page holds no article text.
pub fn process_page(
    page: &RawPage,
    understand: &Understand,
    keep_body: bool,
) -> Result<Option<NewArticle>, khronika_extract::ExtractError> {
    process_page_parts(page, understand, keep_body).map(|(article, _)| article)
}

/// Which parts of an article extraction found on a page (source health).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PageParts {
    pub title: bool,
    pub body: bool,
    pub date: bool,
}

/// [`process_page`], also saying which parts were found, so a page without text still tells
/// whether its title and date were there.
pub fn process_page_parts(
    page: &RawPage,
    understand: &Understand,
    keep_body: bool,
) -> Result<(Option<NewArticle>, PageParts), khronika_extract::ExtractError> {
    let opts = ExtractOptions {
        url: Some(page.final_url.clone()),
        content_type: page.content_type.clone(),
        fetched_at: page.served_at_fetch.then(|| page.fetched_at.fixed_offset()),
        tz: None,
    };
    let mut article = khronika_extract::extract(&page.body, &opts)?;
    let parts = PageParts {
        title: article
            .title
            .as_deref()
            .is_some_and(|t| !t.trim().is_empty()),
        body: article.has_text(),
        date: article.published.is_some(),
    };
    if !parts.body {
        return Ok((None, parts));
    }
    let url = identity_url(&article, &page.final_url);
    let mut other_urls = Vec::new();
    for u in [&page.url, &page.final_url] {
        let s = u.to_string();
        if s != url.as_str() && !other_urls.contains(&s) {
            other_urls.push(s);
        }
        if let Some(c) = khronika_ingest::canon::canonicalize(u) {
            let c = c.to_string();
            if c != url.as_str() && !other_urls.contains(&c) {
                other_urls.push(c);
            }
        }
    }
    let analysis = understand.analyze(&article, page.served_at_fetch.then_some(page.fetched_at));
    if let Some(a) = &analysis {
        understand.tag(&mut article, a);
    }
    let article = NewArticle {
        source_id: page.source_id,
        url: url.to_string(),
        other_urls,
        content_hash: content_hash(&article),
        article,
        analysis,
        seen_at: page.fetched_at,
        fetch: Some(page.to_fetch(keep_body)),
    };
    Ok((Some(article), parts))
}

/// Items for the batching writer.
enum Item {
    Article(Box<NewArticle>),
    Fetch(Box<NewFetch>),
    /// Commit everything sent before, then answer (a worker marks its URLs done only after
    /// what it fetched is stored).
    Sync(tokio::sync::oneshot::Sender<()>),
}

/// One task that owns all writes: batches articles and fetches into transactions.
struct Writer {
    tx: tokio::sync::mpsc::Sender<Item>,
    handle: tokio::task::JoinHandle<Result<(), StoreError>>,
}

impl Writer {
    fn start(store: Arc<dyn Store>, report: Arc<Report>, batch: usize) -> Self {
        let batch = batch.clamp(1, 10_000);
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Item>(batch * 4);
        let handle = tokio::spawn(async move {
            let mut stage = organise::OrganiseStage::start(&*store)
                .await
                .map_err(|e| match e {
                    PipelineError::Store(e) => e,
                    other => StoreError::Worker(other.to_string()),
                })?;
            let mut articles: Vec<NewArticle> = Vec::new();
            let mut fetches: Vec<NewFetch> = Vec::new();
            let mut last_flush = tokio::time::Instant::now();
            loop {
                let item = tokio::time::timeout(Duration::from_millis(200), rx.recv()).await;
                let closed = matches!(item, Ok(None));
                let timed_out = item.is_err();
                let mut synced = None;
                match item {
                    Ok(Some(Item::Article(a))) => articles.push(*a),
                    Ok(Some(Item::Fetch(f))) => fetches.push(*f),
                    Ok(Some(Item::Sync(done))) => synced = Some(done),
                    _ => {}
                }
                // Flush by size, by silence, or by age: a slow trickle still commits promptly.
                if closed
                    || timed_out
                    || synced.is_some()
                    || articles.len() >= batch
                    || fetches.len() >= batch
                    || last_flush.elapsed() >= Duration::from_millis(500)
                {
                    flush(&*store, &report, &mut articles, &mut fetches, &mut stage).await?;
                    last_flush = tokio::time::Instant::now();
                }
                if let Some(done) = synced {
                    let _ = done.send(());
                }
                if closed {
                    return Ok(());
                }
            }
        });
        Writer { tx, handle }
    }

    async fn article(&self, a: NewArticle) {
        if self.tx.send(Item::Article(Box::new(a))).await.is_err() {
            tracing::error!("the store writer stopped; an article was not stored");
        }
    }

    async fn fetch(&self, f: NewFetch) {
        if self.tx.send(Item::Fetch(Box::new(f))).await.is_err() {
            tracing::error!("the store writer stopped; a fetch was not recorded");
        }
    }

    /// Wait until everything sent so far is committed; false if the writer stopped.
    async fn sync(&self) -> bool {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.tx.send(Item::Sync(tx)).await.is_ok() && rx.await.is_ok()
    }

    async fn finish(self) -> Result<(), PipelineError> {
        drop(self.tx);
        match self.handle.await {
            Ok(r) => Ok(r?),
            Err(e) => Err(PipelineError::Store(StoreError::Worker(e.to_string()))),
        }
    }
}

async fn flush(
    store: &dyn Store,
    report: &Report,
    articles: &mut Vec<NewArticle>,
    fetches: &mut Vec<NewFetch>,
    stage: &mut organise::OrganiseStage,
) -> Result<(), StoreError> {
    if !fetches.is_empty() {
        store.record_fetches(fetches).await?;
        fetches.clear();
    }
    if articles.is_empty() {
        return Ok(());
    }
    let mut placed = |a: &NewArticle, o: &PutOutcome| {
        report.count_outcome(o);
        if let PutOutcome::Created { id } | PutOutcome::Updated { id, .. } = *o {
            stage.place(organise::arrival(
                id,
                a.source_id,
                &a.url,
                a.seen_at,
                &a.article,
                a.analysis.as_ref(),
            ));
        }
    };
    match store.put_articles(articles).await {
        Ok(outcomes) => articles
            .iter()
            .zip(&outcomes)
            .for_each(|(a, o)| placed(a, o)),
        Err(StoreError::Invalid(_)) | Err(StoreError::Conflict(_)) => {
            // One bad article must not sink its batch: retry one by one.
            for a in articles.iter() {
                match store.put_articles(std::slice::from_ref(a)).await {
                    Ok(o) => o.iter().for_each(|o| placed(a, o)),
                    Err(e) => {
                        tracing::warn!(url = %a.url, error = %e, "article not stored");
                        Report::add(&report.errors, 1);
                    }
                }
            }
        }
        Err(e) => return Err(e),
    }
    articles.clear();
    // Organisation is derived: if writing it fails, the articles stay stored and are
    // placed again by the next run's catch-up, so the error is reported, not fatal.
    if let Err(e) = stage.flush(store).await {
        tracing::warn!(error = %e, "organisation not written; the next run catches up");
    }
    Ok(())
}

/// Re-run extraction (and analysis) over every stored raw page — the latest body of each
/// URL — without the network. Changed results become new versions.
pub async fn reprocess(
    store: Arc<dyn Store>,
    options: &PipelineOptions,
    cancel: CancellationToken,
) -> Result<Counts, PipelineError> {
    let understand = Arc::new(Understand::load(options.analyze)?);
    let report = Arc::new(Report::default());
    let writer = Writer::start(store.clone(), report.clone(), options.batch_size);
    let mut after = None;
    'pages: loop {
        let pages = store.raw_pages(after, 256).await?;
        let Some(last) = pages.last() else { break };
        after = Some(last.id);
        for p in pages {
            if cancel.is_cancelled() {
                report.cancelled.store(true, Ordering::Relaxed);
                break 'pages;
            }
            let (Ok(url), Ok(final_url)) = (Url::parse(&p.url), Url::parse(&p.final_url)) else {
                Report::add(&report.errors, 1);
                continue;
            };
            let served_at_fetch = final_url.scheme() != "file";
            let raw = RawPage {
                source_id: p.source_id,
                url,
                final_url,
                status: p.status,
                content_type: p.content_type,
                etag: None,
                last_modified: None,
                fetched_at: p.fetched_at,
                // A page read from disk (stored under its file URL) was served at an
                // unknown time; a fetched one at its fetch time.
                served_at_fetch,
                body: p.body,
            };
            let u = understand.clone();
            let result = tokio::task::spawn_blocking(move || process_page(&raw, &u, false)).await;
            match result {
                Ok(Ok(Some(mut a))) => {
                    // The raw page is already stored; only the article is written again.
                    a.fetch = None;
                    writer.article(a).await;
                }
                Ok(Ok(None)) => Report::add(&report.not_articles, 1),
                Ok(Err(e)) => {
                    tracing::warn!(url = %p.final_url, error = %e, "extraction failed");
                    Report::add(&report.errors, 1);
                }
                Err(e) => {
                    tracing::error!(error = %e, "extraction worker failed");
                    Report::add(&report.errors, 1);
                }
            }
        }
    }
    writer.finish().await?;
    Ok(report.counts())
}

fn progress_bar(enabled: bool, len: Option<u64>, what: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !enabled || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = match len {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::new_spinner(),
    };
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} {prefix} [{elapsed_precise}] {wide_bar} {pos}/{len} {per_sec} {msg}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_prefix(what.to_owned());
    bar
}
