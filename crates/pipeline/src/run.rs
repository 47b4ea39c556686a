//! `khronika ingest`: poll sources, fetch what is new or changed, store it.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use khronika_ingest::feeds::{looks_like_sitemap, parse_feed, parse_sitemap};
use khronika_ingest::html::{looks_like_article, same_site_links};
use khronika_ingest::{FetchConfig, FetchError, Fetcher, Response, Validators};
use khronika_store::{
    ArticleFilter, NewExtraction, NewFailure, NewFetch, PageRequest, PageState, Source, Store,
};
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use url::Url;

use crate::health::{failure_of, Failure, MAX_FAILURES_LISTED};
use crate::{
    process_page_parts, progress_bar, CancellationToken, Counts, PipelineError, PipelineOptions,
    RawPage, Report, Understand, Writer,
};

/// How `ingest` runs.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub fetch: FetchConfig,
    pub pipeline: PipelineOptions,
    /// One pass over all sources, then return. Otherwise poll every `poll_interval`.
    pub once: bool,
    pub poll_interval: Duration,
    /// Crawl mode: follow in-site article-like links this many hops from the home page and
    /// from announced articles (`None`: feeds and sitemaps only).
    pub crawl_depth: Option<u32>,
    /// Pages requested per source per pass at most.
    pub max_pages_per_source: usize,
    /// Stored articles of a source revisited (conditionally) per pass, to catch updates.
    pub revisit: usize,
    /// Requests in flight across all hosts.
    pub concurrency: usize,
    /// Nested sitemap indexes followed this deep.
    pub max_sitemap_depth: u32,
    /// Only these sources (by name); empty = all visible sources.
    pub sources: Vec<String>,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            fetch: FetchConfig::default(),
            pipeline: PipelineOptions::default(),
            once: true,
            poll_interval: Duration::from_secs(600),
            crawl_depth: None,
            max_pages_per_source: 5_000,
            revisit: 200,
            concurrency: 16,
            max_sitemap_depth: 2,
            sources: Vec::new(),
        }
    }
}

/// Feeds and sitemaps are read with this body limit.
const LIST_LIMIT: usize = 16 * 1024 * 1024;
/// A URL whose last answer was "gone" (404/410) or "too large" is not asked again for a day.
const PERMANENT_SKIP: chrono::TimeDelta = chrono::TimeDelta::hours(24);
/// The status recorded for a page refused by our own size limit.
pub const STATUS_TOO_LARGE: u16 = 413;

pub(crate) struct Ctx {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) fetcher: Arc<Fetcher>,
    understand: Arc<Understand>,
    pub(crate) writer: Writer,
    report: Arc<Report>,
    slots: Arc<Semaphore>,
    pub(crate) cancel: CancellationToken,
    /// The live display: one line per source (hidden when not on a terminal).
    bars: indicatif::MultiProgress,
    /// Plain progress lines instead of the live display (standard error is not a terminal).
    plain: bool,
    /// Failed URLs for the closing table (the first [`MAX_FAILURES_LISTED`]).
    failures: Mutex<Vec<Failure>>,
    failed: AtomicU64,
    /// Health records waiting to be written at the end of their source's pass.
    health: Mutex<HealthRecords>,
    /// Workers sharing the store's frontier: requests to a host are spaced by slots reserved
    /// in the store (this is the run's default delay), not by the fetcher's local gate.
    shared_delay: Option<Duration>,
}

#[derive(Default)]
struct HealthRecords {
    extractions: Vec<NewExtraction>,
    failures: Vec<NewFailure>,
}

/// What an ingest run did: the counters, and every URL that failed with its reason.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IngestRun {
    pub counts: Counts,
    /// Failed URLs (the first [`MAX_FAILURES_LISTED`]), in the order they failed.
    pub failures: Vec<Failure>,
    /// All failed URLs, listed or not.
    pub failed: u64,
    /// Per source, as of its last pass.
    pub sources: Vec<SourceTally>,
}

/// Per-source progress of a pass: pages queued, fetched, articles stored, failures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceTally {
    pub source: String,
    pub queued: u64,
    pub fetched: u64,
    pub stored: u64,
    pub errors: u64,
}

impl std::fmt::Display for SourceTally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} queued, {} fetched, {} stored, {} errors",
            self.source, self.queued, self.fetched, self.stored, self.errors
        )
    }
}

/// A source's live counters and its line of the display.
pub(crate) struct Tally {
    name: String,
    queued: AtomicU64,
    fetched: AtomicU64,
    stored: AtomicU64,
    errors: AtomicU64,
    /// Queued pages whose fetch ended, however it ended (the display's position).
    done: AtomicU64,
    bar: indicatif::ProgressBar,
    /// Print a plain line every [`PLAIN_EVERY`] pages (standard error is not a terminal).
    plain: bool,
}

/// Pages between two plain progress lines of a source: a line a few seconds apart at the
/// usual politeness delays, few enough for a log.
const PLAIN_EVERY: u64 = 100;

/// Counts a page as done when its fetch ends, on every return path.
struct PageDone<'a>(&'a Tally);

impl Drop for PageDone<'_> {
    fn drop(&mut self) {
        let tally = self.0;
        tally.bump(&tally.done);
        if tally.plain
            && tally
                .done
                .load(Ordering::Relaxed)
                .is_multiple_of(PLAIN_EVERY)
        {
            eprintln!("ingest: {}", tally.snapshot());
        }
    }
}

impl Tally {
    pub(crate) fn new(ctx: &Ctx, name: &str) -> Self {
        let bar = ctx.bars.add(progress_bar(!ctx.plain, None, name));
        Tally {
            name: name.to_owned(),
            queued: AtomicU64::new(0),
            fetched: AtomicU64::new(0),
            stored: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            done: AtomicU64::new(0),
            bar,
            plain: ctx.plain,
        }
    }
    fn bump(&self, counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
        let t = self.snapshot();
        self.bar.set_length(t.queued);
        self.bar.set_position(self.done.load(Ordering::Relaxed));
        self.bar.set_message(format!(
            "{} fetched, {} stored, {} errors",
            t.fetched, t.stored, t.errors
        ));
    }
    pub(crate) fn snapshot(&self) -> SourceTally {
        let g = |c: &AtomicU64| c.load(Ordering::Relaxed);
        SourceTally {
            source: self.name.clone(),
            queued: g(&self.queued),
            fetched: g(&self.fetched),
            stored: g(&self.stored),
            errors: g(&self.errors),
        }
    }
}

/// Run the ingestion loop until done (`once`) or cancelled.
pub async fn ingest(
    store: Arc<dyn Store>,
    options: &IngestOptions,
    cancel: CancellationToken,
) -> Result<Counts, PipelineError> {
    Ok(ingest_run(store, options, cancel).await?.counts)
}

/// [`ingest`], returning the failed URLs with their reasons and the per-source tallies too.
/// With [`PipelineOptions::progress`] it shows one live line per source on a terminal, and
/// prints a plain line per source as it finishes otherwise.
pub async fn ingest_run(
    store: Arc<dyn Store>,
    options: &IngestOptions,
    cancel: CancellationToken,
) -> Result<IngestRun, PipelineError> {
    let ctx = Ctx::start(store.clone(), options, false, cancel.clone())?;
    let report = ctx.report.clone();
    let tallies: Arc<Mutex<Vec<SourceTally>>> = Arc::default();
    loop {
        let sources: Vec<Source> = store
            .list_sources()
            .await?
            .into_iter()
            .filter(|s| !s.hidden)
            .filter(|s| options.sources.is_empty() || options.sources.contains(&s.name))
            .collect();
        if sources.is_empty() {
            tracing::warn!("no sources to ingest (add one with `khronika source add URL`)");
        }
        let mut tasks = JoinSet::new();
        for source in sources {
            let ctx = ctx.clone();
            let opts = options.clone();
            let tallies = tallies.clone();
            tasks.spawn(async move {
                let tally = Arc::new(Tally::new(&ctx, &source.name));
                let home = source.home_url.clone();
                if let Err(e) = ingest_source(&ctx, &opts, &tally, &source).await {
                    tracing::warn!(source = %source.name, error = %e, "source failed");
                    fail(&ctx, &tally, &source, &home, "source", e.to_string());
                }
                flush_health(&ctx).await;
                tally.bar.finish();
                let done = tally.snapshot();
                if ctx.plain {
                    eprintln!("ingest: {done}");
                }
                if let Ok(mut all) = tallies.lock() {
                    all.retain(|t| t.source != done.source);
                    all.push(done);
                }
            });
        }
        while let Some(r) = tasks.join_next().await {
            if let Err(e) = r {
                tracing::error!(error = %e, "a source task failed");
            }
        }
        if options.once || cancel.is_cancelled() {
            break;
        }
        tracing::info!(counts = %report.counts(), "pass done; sleeping");
        tokio::select! {
            _ = tokio::time::sleep(options.poll_interval) => {}
            _ = cancel.cancelled() => break,
        }
    }
    let mut sources = tallies.lock().map(|t| t.clone()).unwrap_or_default();
    sources.sort_by(|a, b| a.source.cmp(&b.source));
    Ctx::finish(ctx, sources).await
}

impl Ctx {
    /// The shared state of a run: fetcher (with `fetch`), writer task, counters, display.
    pub(crate) fn start(
        store: Arc<dyn Store>,
        options: &IngestOptions,
        shared: bool,
        cancel: CancellationToken,
    ) -> Result<Arc<Ctx>, PipelineError> {
        use std::io::IsTerminal;
        let on_terminal = options.pipeline.progress && std::io::stderr().is_terminal();
        let report = Arc::new(Report::default());
        Ok(Arc::new(Ctx {
            store: store.clone(),
            fetcher: Arc::new(Fetcher::new(FetchConfig {
                // Shared: the store spaces the requests; a local gate would add its delay.
                default_delay: if shared {
                    Duration::ZERO
                } else {
                    options.fetch.default_delay
                },
                ..options.fetch.clone()
            })?),
            understand: Arc::new(Understand::load(options.pipeline.analyze)?),
            writer: Writer::start(store, report.clone(), options.pipeline.batch_size),
            report,
            slots: Arc::new(Semaphore::new(options.concurrency.max(1))),
            cancel,
            bars: if on_terminal {
                indicatif::MultiProgress::new()
            } else {
                indicatif::MultiProgress::with_draw_target(indicatif::ProgressDrawTarget::hidden())
            },
            plain: options.pipeline.progress && !on_terminal,
            failures: Mutex::new(Vec::new()),
            failed: AtomicU64::new(0),
            health: Mutex::new(HealthRecords::default()),
            shared_delay: shared.then_some(options.fetch.default_delay),
        }))
    }

    /// Close the writer (committing what is left) and sum the run up.
    pub(crate) async fn finish(
        ctx: Arc<Ctx>,
        sources: Vec<SourceTally>,
    ) -> Result<IngestRun, PipelineError> {
        if ctx.cancel.is_cancelled() {
            ctx.report.cancelled.store(true, Ordering::Relaxed);
        }
        let ctx = Arc::into_inner(ctx).ok_or_else(|| {
            PipelineError::Input("internal: ingest context still shared at the end".into())
        })?;
        ctx.writer.finish().await?;
        Ok(IngestRun {
            counts: ctx.report.counts(),
            failed: ctx.failed.load(Ordering::Relaxed),
            failures: ctx.failures.into_inner().unwrap_or_default(),
            sources,
        })
    }
}

/// Write the health records gathered so far (a failure to write them is logged: health is
/// a report, never a reason to stop ingesting).
pub(crate) async fn flush_health(ctx: &Ctx) {
    let batch = match ctx.health.lock() {
        Ok(mut h) => std::mem::take(&mut *h),
        Err(_) => return,
    };
    if batch.extractions.is_empty() && batch.failures.is_empty() {
        return;
    }
    if let Err(e) = ctx
        .store
        .record_health(&batch.extractions, &batch.failures)
        .await
    {
        tracing::warn!(error = %e, "could not record source health");
    }
}

/// Count a failed URL: in the run's counters (robots and address-policy refusals apart
/// from errors), the source's tally, the closing table and the store's health records.
pub(crate) fn fail(
    ctx: &Ctx,
    tally: &Tally,
    source: &Source,
    url: &str,
    kind: &'static str,
    reason: String,
) {
    let counter = match kind {
        "robots" => &ctx.report.disallowed,
        "refused" => &ctx.report.refused,
        _ => &ctx.report.errors,
    };
    Report::add(counter, 1);
    tally.bump(&tally.errors);
    // The live display is cleared while a log line is written, then redrawn.
    ctx.bars.suspend(|| {
        if kind == "robots" {
            tracing::debug!(%url, "disallowed by robots.txt");
        } else {
            tracing::warn!(source = %source.name, %url, %kind, %reason, "fetch failed");
        }
    });
    let n = ctx.failed.fetch_add(1, Ordering::Relaxed);
    if n < MAX_FAILURES_LISTED as u64 {
        if let Ok(mut list) = ctx.failures.lock() {
            list.push(Failure {
                source: source.name.clone(),
                url: url.to_owned(),
                kind,
                reason: reason.clone(),
            });
        }
    }
    if let Ok(mut h) = ctx.health.lock() {
        h.failures.push(NewFailure {
            source_id: Some(source.id),
            url: url.to_owned(),
            at: Utc::now(),
            kind: kind.to_owned(),
            detail: reason,
        });
    }
}

fn fail_fetch(ctx: &Ctx, tally: &Tally, source: &Source, url: &Url, e: &FetchError) {
    let (kind, reason) = failure_of(e);
    fail(ctx, tally, source, url.as_str(), kind, reason);
}

async fn validators_for(store: &dyn Store, url: &Url) -> Result<Option<Validators>, PipelineError> {
    Ok(store.page_state(url.as_str()).await?.and_then(|s| {
        let v = Validators {
            etag: s.etag,
            last_modified: s.last_modified,
        };
        (!v.is_empty()).then_some(v)
    }))
}

fn fetch_record(source: &Source, url: &Url, status: u16, resp: Option<&Response>) -> NewFetch {
    NewFetch {
        source_id: Some(source.id),
        url: url.to_string(),
        final_url: resp
            .map(|r| r.final_url.to_string())
            .unwrap_or_else(|| url.to_string()),
        status,
        content_type: resp.and_then(|r| r.content_type.clone()),
        etag: resp.and_then(|r| r.etag.clone()),
        last_modified: resp.and_then(|r| r.last_modified.clone()),
        fetched_at: resp.map(|r| r.fetched_at).unwrap_or_else(Utc::now),
        body: Vec::new(),
        keep_body: false,
        precompressed: None,
    }
}

/// Fetch a feed or sitemap (conditionally) and return the article URLs it lists, following
/// sitemap indexes. The lists' own fetch records (their validators) are returned, not
/// written: they are stored only once the listed pages were handled, so a run stopped half
/// way re-reads the lists next time instead of getting 304 and missing the unvisited pages.
pub(crate) async fn list_urls(
    ctx: &Ctx,
    tally: &Tally,
    source: &Source,
    start: &Url,
    max_depth: u32,
    deferred: &mut Vec<NewFetch>,
) -> Vec<Url> {
    let mut out = Vec::new();
    let mut queue = vec![(start.clone(), 0u32)];
    let mut seen = HashSet::new();
    while let Some((url, depth)) = queue.pop() {
        if !seen.insert(url.to_string()) || seen.len() > 1000 || ctx.cancel.is_cancelled() {
            continue;
        }
        let validators = match validators_for(&*ctx.store, &url).await {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(%url, error = %e, "page state lookup failed");
                None
            }
        };
        if !wait_turn(ctx, source, &url).await {
            continue;
        }
        let resp = match ctx
            .fetcher
            .fetch_limited(&url, validators.as_ref(), LIST_LIMIT)
            .await
        {
            Ok(r) => r,
            Err(e) => {
                fail_fetch(ctx, tally, source, &url, &e);
                continue;
            }
        };
        Report::add(&ctx.report.fetched, 1);
        deferred.push(fetch_record(source, &url, resp.status, Some(&resp)));
        if resp.not_modified() {
            Report::add(&ctx.report.not_modified, 1);
            continue;
        }
        if !resp.is_success() {
            let reason = format!("feed/sitemap answered HTTP {}", resp.status);
            fail(ctx, tally, source, url.as_str(), "http", reason);
            continue;
        }
        if looks_like_sitemap(&resp.body) {
            match parse_sitemap(&resp.body, Some(&resp.final_url)) {
                Ok(sm) => {
                    out.extend(sm.urls.into_iter().map(|a| a.url));
                    if depth < max_depth {
                        queue.extend(sm.sitemaps.into_iter().map(|u| (u, depth + 1)));
                    }
                }
                Err(e) => fail(
                    ctx,
                    tally,
                    source,
                    url.as_str(),
                    "feed",
                    format!("bad sitemap: {e}"),
                ),
            }
        } else {
            match parse_feed(&resp.body, Some(&resp.final_url)) {
                Ok(items) => out.extend(items.into_iter().map(|a| a.url)),
                Err(e) => fail(
                    ctx,
                    tally,
                    source,
                    url.as_str(),
                    "feed",
                    format!("bad feed: {e}"),
                ),
            }
        }
    }
    out
}

/// The politeness key of a URL: host and port, as the fetcher keys its own gates.
pub(crate) fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// With a shared frontier: reserve the host's next slot in the store and wait for it, as
/// late as possible before the request so little happens between the two. False when
/// cancelled meanwhile.
async fn wait_turn(ctx: &Ctx, source: &Source, url: &Url) -> bool {
    let Some(base) = ctx.shared_delay else {
        return true;
    };
    // The source's own politeness, else the run's default; robots.txt's crawl-delay wins
    // when larger.
    let config = ctx.fetcher.config();
    let mut delay = source
        .politeness
        .delay_ms
        .map(Duration::from_millis)
        .unwrap_or(base);
    if config.respect_robots {
        if let Some(d) = ctx.fetcher.robots(url).await.crawl_delay {
            delay = delay.max(d.min(config.max_delay));
        }
    }
    let host = host_key(url);
    // A request that wakes up late would land close to the next worker's slot: past a
    // quarter of the delay it gives its slot up and takes a fresh one (a few times at most,
    // so an overloaded machine still makes progress).
    for _ in 0..4 {
        let wait = match ctx.store.frontier_host_slot(&host, delay).await {
            Ok(wait) => wait,
            Err(e) => {
                tracing::warn!(error = %e, %host, "no host slot; fetching anyway");
                return true;
            }
        };
        let due = tokio::time::Instant::now() + wait;
        tokio::select! {
            _ = tokio::time::sleep_until(due) => {}
            _ = ctx.cancel.cancelled() => return false,
        }
        if due.elapsed() <= delay / 4 {
            return true;
        }
    }
    true
}

/// Whether a URL's last answer says not to ask again yet.
fn skip_for_now(state: &PageState) -> bool {
    matches!(state.status, 404 | 410 | STATUS_TOO_LARGE)
        && Utc::now() - state.fetched_at < PERMANENT_SKIP
}

/// Fetch one page, store what it holds, and return its in-site article links if asked.
pub(crate) async fn fetch_page(
    ctx: Arc<Ctx>,
    tally: Arc<Tally>,
    source: Source,
    url: Url,
    as_article: bool,
    want_links: bool,
) -> Vec<Url> {
    let _done = PageDone(&tally);
    let Ok(_permit) = ctx.slots.clone().acquire_owned().await else {
        return Vec::new();
    };
    if ctx.cancel.is_cancelled() {
        return Vec::new();
    }
    let state = match ctx.store.page_state(url.as_str()).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(%url, error = %e, "page state lookup failed");
            None
        }
    };
    if state.as_ref().is_some_and(skip_for_now) {
        return Vec::new();
    }
    let validators = state.and_then(|s| {
        let v = Validators {
            etag: s.etag,
            last_modified: s.last_modified,
        };
        (!v.is_empty()).then_some(v)
    });
    if !wait_turn(&ctx, &source, &url).await {
        return Vec::new();
    }
    let result = tokio::select! {
        r = ctx.fetcher.fetch(&url, validators.as_ref()) => r,
        _ = ctx.cancel.cancelled() => return Vec::new(),
    };
    let resp = match result {
        Ok(r) => r,
        Err(e) => {
            if matches!(e, FetchError::TooLarge { .. }) {
                ctx.writer
                    .fetch(fetch_record(&source, &url, STATUS_TOO_LARGE, None))
                    .await;
            }
            fail_fetch(&ctx, &tally, &source, &url, &e);
            return Vec::new();
        }
    };
    Report::add(&ctx.report.fetched, 1);
    tally.bump(&tally.fetched);
    if resp.not_modified() {
        Report::add(&ctx.report.not_modified, 1);
        ctx.writer
            .fetch(fetch_record(&source, &url, 304, Some(&resp)))
            .await;
        return Vec::new();
    }
    if !resp.is_success() {
        let reason = format!("HTTP {}", resp.status);
        fail(&ctx, &tally, &source, url.as_str(), "http", reason);
        ctx.writer
            .fetch(fetch_record(&source, &url, resp.status, Some(&resp)))
            .await;
        return Vec::new();
    }
    let links = if want_links {
        same_site_links(&resp.body, &resp.final_url)
            .into_iter()
            .filter(looks_like_article)
            .collect()
    } else {
        Vec::new()
    };
    let page = RawPage {
        source_id: Some(source.id),
        url: url.clone(),
        final_url: resp.final_url.clone(),
        status: resp.status,
        content_type: resp.content_type.clone(),
        etag: resp.etag.clone(),
        last_modified: resp.last_modified.clone(),
        fetched_at: resp.fetched_at,
        served_at_fetch: true,
        body: resp.body,
    };
    if !as_article {
        let mut f = page.to_fetch(false);
        f.keep_body = false;
        ctx.writer.fetch(f).await;
        return links;
    }
    let understand = ctx.understand.clone();
    let processed = tokio::task::spawn_blocking(move || {
        let r = process_page_parts(&page, &understand, true);
        (r, page)
    })
    .await;
    if let Ok((Ok((_, parts)), _)) = &processed {
        if let Ok(mut h) = ctx.health.lock() {
            h.extractions.push(NewExtraction {
                source_id: source.id,
                url: url.to_string(),
                at: Utc::now(),
                has_title: parts.title,
                has_body: parts.body,
                has_date: parts.date,
            });
        }
    }
    let failed = match processed {
        Ok((Ok((Some(article), _)), _)) => {
            tally.bump(&tally.stored);
            ctx.writer.article(article).await;
            None
        }
        Ok((Ok((None, _)), page)) => {
            Report::add(&ctx.report.not_articles, 1);
            ctx.writer.fetch(page.to_fetch(false)).await;
            None
        }
        Ok((Err(e), page)) => {
            ctx.writer.fetch(page.to_fetch(false)).await;
            Some(e.to_string())
        }
        Err(e) => Some(e.to_string()),
    };
    if let Some(reason) = failed {
        fail(&ctx, &tally, &source, url.as_str(), "extraction", reason);
    }
    links
}

async fn ingest_source(
    ctx: &Arc<Ctx>,
    opts: &IngestOptions,
    tally: &Arc<Tally>,
    source: &Source,
) -> Result<(), PipelineError> {
    let home = Url::parse(&source.home_url)
        .map_err(|e| PipelineError::Input(format!("source {}: bad home URL: {e}", source.name)))?;
    if source.politeness.delay_ms.is_some() || source.politeness.max_concurrency.is_some() {
        ctx.fetcher.set_host_politeness(
            &home,
            source.politeness.delay_ms.map(Duration::from_millis),
            source.politeness.max_concurrency.map(|c| c as usize),
        );
    }
    let mut candidates: Vec<Url> = Vec::new();
    let mut list_fetches = Vec::new();
    for list in source.feeds.iter().chain(source.sitemaps.iter()) {
        match Url::parse(list) {
            Ok(u) => candidates.extend(
                list_urls(
                    ctx,
                    tally,
                    source,
                    &u,
                    opts.max_sitemap_depth,
                    &mut list_fetches,
                )
                .await,
            ),
            Err(e) => {
                tracing::warn!(source = %source.name, url = %list, error = %e, "bad feed URL")
            }
        }
    }
    // Recently stored articles are revisited conditionally: corrections become versions.
    if opts.revisit > 0 {
        let page = ctx
            .store
            .list_articles(
                &ArticleFilter {
                    source: Some(source.id),
                    ..Default::default()
                },
                &PageRequest {
                    cursor: None,
                    limit: opts.revisit,
                },
            )
            .await?;
        for a in page.items {
            if let Ok(u) = Url::parse(&a.url) {
                candidates.push(u);
            }
        }
    }
    let crawl = opts.crawl_depth.unwrap_or(0);
    let no_lists = source.feeds.is_empty() && source.sitemaps.is_empty();
    // A source without feeds or sitemaps is crawled one hop from its home page.
    let crawl = if no_lists { crawl.max(1) } else { crawl };
    let mut seen: HashSet<String> = HashSet::new();
    let mut budget = opts.max_pages_per_source;
    let mut level: Vec<(Url, bool)> = Vec::new();
    if crawl > 0 && seen.insert(home.to_string()) {
        level.push((home.clone(), false));
    }
    for u in candidates {
        if seen.insert(u.to_string()) {
            level.push((u, true));
        }
    }
    let mut depth = 0u32;
    while !level.is_empty() && !ctx.cancel.is_cancelled() {
        let want_links = depth < crawl;
        let mut tasks = JoinSet::new();
        for (url, as_article) in level.drain(..) {
            if budget == 0 {
                break;
            }
            budget -= 1;
            tally.bump(&tally.queued);
            tasks.spawn(fetch_page(
                ctx.clone(),
                tally.clone(),
                source.clone(),
                url,
                as_article,
                want_links,
            ));
        }
        let mut next = Vec::new();
        while let Some(r) = tasks.join_next().await {
            if let Ok(links) = r {
                for l in links {
                    if seen.insert(l.to_string()) {
                        next.push((l, true));
                    }
                }
            }
        }
        level = next;
        depth += 1;
    }
    if !ctx.cancel.is_cancelled() {
        for f in list_fetches {
            ctx.writer.fetch(f).await;
        }
    }
    Ok(())
}
