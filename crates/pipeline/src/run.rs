//! `khronika ingest`: poll sources, fetch what is new or changed, store it.

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use khronika_ingest::feeds::{looks_like_sitemap, parse_feed, parse_sitemap};
use khronika_ingest::html::{looks_like_article, same_site_links};
use khronika_ingest::{FetchConfig, FetchError, Fetcher, Response, Validators};
use khronika_store::{ArticleFilter, NewFetch, PageRequest, PageState, Source, Store};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use url::Url;

use crate::{
    process_page, progress_bar, CancellationToken, Counts, PipelineError, PipelineOptions, RawPage,
    Report, Understand, Writer,
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

struct Ctx {
    store: Arc<dyn Store>,
    fetcher: Arc<Fetcher>,
    understand: Arc<Understand>,
    writer: Writer,
    report: Arc<Report>,
    slots: Arc<Semaphore>,
    cancel: CancellationToken,
    bar: indicatif::ProgressBar,
}

/// Run the ingestion loop until done (`once`) or cancelled.
pub async fn ingest(
    store: Arc<dyn Store>,
    options: &IngestOptions,
    cancel: CancellationToken,
) -> Result<Counts, PipelineError> {
    let understand = Arc::new(Understand::load(options.pipeline.analyze)?);
    let report = Arc::new(Report::default());
    let fetcher = Arc::new(Fetcher::new(options.fetch.clone())?);
    let writer = Writer::start(store.clone(), report.clone(), options.pipeline.batch_size);
    let ctx = Arc::new(Ctx {
        store: store.clone(),
        fetcher,
        understand,
        writer,
        report: report.clone(),
        slots: Arc::new(Semaphore::new(options.concurrency.max(1))),
        cancel: cancel.clone(),
        bar: progress_bar(options.pipeline.progress, None, "ingest"),
    });
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
            tasks.spawn(async move {
                let name = source.name.clone();
                if let Err(e) = ingest_source(&ctx, &opts, source).await {
                    tracing::warn!(source = %name, error = %e, "source failed");
                    Report::add_error(&ctx.report);
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
    if cancel.is_cancelled() {
        report.cancelled.store(true, Ordering::Relaxed);
    }
    ctx.bar.finish_and_clear();
    let ctx = Arc::into_inner(ctx).ok_or_else(|| {
        PipelineError::Input("internal: ingest context still shared at the end".into())
    })?;
    ctx.writer.finish().await?;
    Ok(report.counts())
}

impl Report {
    fn add_error(&self) {
        Report::add(&self.errors, 1);
    }
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

fn count_error(ctx: &Ctx, url: &Url, e: &FetchError) {
    match e {
        FetchError::Disallowed(_) => {
            tracing::debug!(%url, "disallowed by robots.txt");
            Report::add(&ctx.report.disallowed, 1);
        }
        FetchError::Refused { .. } => {
            tracing::warn!(%url, error = %e, "refused");
            Report::add(&ctx.report.refused, 1);
        }
        _ => {
            tracing::warn!(%url, error = %e, "fetch failed");
            Report::add(&ctx.report.errors, 1);
        }
    }
}

/// Fetch a feed or sitemap (conditionally) and return the article URLs it lists, following
/// sitemap indexes. The lists' own fetch records (their validators) are returned, not
/// written: they are stored only once the listed pages were handled, so a run stopped half
/// way re-reads the lists next time instead of getting 304 and missing the unvisited pages.
async fn list_urls(
    ctx: &Ctx,
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
        let resp = match ctx
            .fetcher
            .fetch_limited(&url, validators.as_ref(), LIST_LIMIT)
            .await
        {
            Ok(r) => r,
            Err(e) => {
                count_error(ctx, &url, &e);
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
            tracing::warn!(%url, status = resp.status, "feed/sitemap not available");
            Report::add(&ctx.report.errors, 1);
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
                Err(e) => {
                    tracing::warn!(%url, error = %e, "bad sitemap");
                    Report::add(&ctx.report.errors, 1);
                }
            }
        } else {
            match parse_feed(&resp.body, Some(&resp.final_url)) {
                Ok(items) => out.extend(items.into_iter().map(|a| a.url)),
                Err(e) => {
                    tracing::warn!(%url, error = %e, "bad feed");
                    Report::add(&ctx.report.errors, 1);
                }
            }
        }
    }
    out
}

/// Whether a URL's last answer says not to ask again yet.
fn skip_for_now(state: &PageState) -> bool {
    matches!(state.status, 404 | 410 | STATUS_TOO_LARGE)
        && Utc::now() - state.fetched_at < PERMANENT_SKIP
}

/// Fetch one page, store what it holds, and return its in-site article links if asked.
async fn fetch_page(
    ctx: Arc<Ctx>,
    source: Source,
    url: Url,
    as_article: bool,
    want_links: bool,
) -> Vec<Url> {
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
    let result = tokio::select! {
        r = ctx.fetcher.fetch(&url, validators.as_ref()) => r,
        _ = ctx.cancel.cancelled() => return Vec::new(),
    };
    ctx.bar.inc(1);
    let resp = match result {
        Ok(r) => r,
        Err(e) => {
            if matches!(e, FetchError::TooLarge { .. }) {
                ctx.writer
                    .fetch(fetch_record(&source, &url, STATUS_TOO_LARGE, None))
                    .await;
            }
            count_error(&ctx, &url, &e);
            return Vec::new();
        }
    };
    Report::add(&ctx.report.fetched, 1);
    if resp.not_modified() {
        Report::add(&ctx.report.not_modified, 1);
        ctx.writer
            .fetch(fetch_record(&source, &url, 304, Some(&resp)))
            .await;
        return Vec::new();
    }
    if !resp.is_success() {
        tracing::info!(%url, status = resp.status, "not stored");
        Report::add(&ctx.report.errors, 1);
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
        let r = process_page(&page, &understand, true);
        (r, page)
    })
    .await;
    match processed {
        Ok((Ok(Some(article)), _)) => ctx.writer.article(article).await,
        Ok((Ok(None), page)) => {
            Report::add(&ctx.report.not_articles, 1);
            ctx.writer.fetch(page.to_fetch(false)).await;
        }
        Ok((Err(e), page)) => {
            tracing::warn!(%url, error = %e, "extraction failed");
            Report::add(&ctx.report.errors, 1);
            ctx.writer.fetch(page.to_fetch(false)).await;
        }
        Err(e) => {
            tracing::error!(%url, error = %e, "extraction worker failed");
            Report::add(&ctx.report.errors, 1);
        }
    }
    links
}

async fn ingest_source(
    ctx: &Arc<Ctx>,
    opts: &IngestOptions,
    source: Source,
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
                list_urls(ctx, &source, &u, opts.max_sitemap_depth, &mut list_fetches).await,
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
            ctx.bar.inc_length(1);
            tasks.spawn(fetch_page(
                ctx.clone(),
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
