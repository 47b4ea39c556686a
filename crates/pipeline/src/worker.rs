//! `khronika ingest --worker`: one of any number of processes sharing the store's crawl
//! frontier. Each loop leases a batch of URLs, waits for each host's next slot (reserved in
//! the store, so politeness holds across workers), fetches and stores through the same
//! steps as [`crate::ingest`], and marks the URLs done only once what they produced is
//! committed. Leases are renewed while the batch runs; a worker that dies stops renewing,
//! and its URLs are leased again by the others when the leases expire. A page fetched by a
//! worker that died before marking it done is fetched again by the one taking over; storing
//! it again is a no-op (the content hash is unchanged), so nothing is stored twice.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use khronika_store::{FrontierKind, FrontierLease, NewFrontierUrl, Source, SourceId, Store};
use tokio::task::JoinSet;
use url::Url;

use crate::run::{fail, fetch_page, flush_health, list_urls, Ctx, Tally};
use crate::{CancellationToken, IngestOptions, IngestRun, PipelineError};

/// How a worker uses the frontier.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// This worker's name in the leases (unique among the workers).
    pub id: String,
    /// URLs leased at once.
    pub batch: usize,
    /// How long a lease lasts without renewal: the time before a dead worker's URLs are
    /// taken over.
    pub lease: Duration,
    /// Pause when the frontier has nothing due.
    pub idle: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            id: format!("worker-{}", std::process::id()),
            batch: 32,
            lease: Duration::from_secs(60),
            idle: Duration::from_secs(1),
        }
    }
}

fn entry(source: SourceId, url: &Url, kind: FrontierKind, depth: u32) -> NewFrontierUrl {
    NewFrontierUrl {
        source_id: source,
        url: url.to_string(),
        host: crate::run::host_key(url),
        kind,
        depth,
    }
}

/// The sources this worker serves, by id (visible ones, filtered by name if asked).
async fn load_sources(
    store: &dyn Store,
    options: &IngestOptions,
) -> Result<HashMap<SourceId, Source>, PipelineError> {
    Ok(store
        .list_sources()
        .await?
        .into_iter()
        .filter(|s| !s.hidden)
        .filter(|s| options.sources.is_empty() || options.sources.contains(&s.name))
        .map(|s| (s.id, s))
        .collect())
}

/// Put every source's lists in the frontier (known ones stay as they are): feeds and
/// sitemaps, or the home page read for its links when a source has neither.
async fn seed(store: &dyn Store, sources: &HashMap<SourceId, Source>) -> Result<(), PipelineError> {
    let mut urls = Vec::new();
    for s in sources.values() {
        let lists: Vec<&String> = s.feeds.iter().chain(&s.sitemaps).collect();
        let starts = if lists.is_empty() {
            vec![&s.home_url]
        } else {
            lists
        };
        for u in starts {
            match Url::parse(u) {
                Ok(url) => urls.push(entry(s.id, &url, FrontierKind::List, 0)),
                Err(e) => tracing::warn!(source = %s.name, url = %u, error = %e, "bad list URL"),
            }
        }
    }
    store.frontier_add(&urls).await?;
    Ok(())
}

/// Run a worker until cancelled, or with [`IngestOptions::once`] until the frontier has
/// nothing due and nothing leased.
pub async fn ingest_worker(
    store: Arc<dyn Store>,
    options: &IngestOptions,
    worker: &WorkerOptions,
    cancel: CancellationToken,
) -> Result<IngestRun, PipelineError> {
    // Requests to a host are spaced by slots reserved in the store (shared by all workers).
    let ctx = Ctx::start(store.clone(), options, true, cancel.clone())?;
    let tally = Arc::new(Tally::new(&ctx, &worker.id));
    let result = work(&ctx, &tally, options, worker).await;
    flush_health(&ctx).await;
    let summary = Ctx::finish(ctx, vec![tally.snapshot()]).await?;
    result.map(|()| summary)
}

async fn work(
    ctx: &Arc<Ctx>,
    tally: &Arc<Tally>,
    options: &IngestOptions,
    worker: &WorkerOptions,
) -> Result<(), PipelineError> {
    let store = ctx.store.clone();
    let mut sources = load_sources(&*store, options).await?;
    seed(&*store, &sources).await?;
    while !ctx.cancel.is_cancelled() {
        let leases = store
            .frontier_lease(&worker.id, worker.batch.max(1), worker.lease)
            .await?;
        if leases.is_empty() {
            let depth = store.frontier_depth().await?;
            if options.once && depth.ready == 0 && depth.leased == 0 {
                break;
            }
            tokio::select! {
                _ = tokio::time::sleep(worker.idle) => {}
                _ = ctx.cancel.cancelled() => break,
            }
            // Sources added meanwhile join the frontier.
            sources = load_sources(&*store, options).await?;
            seed(&*store, &sources).await?;
            continue;
        }
        if leases.iter().any(|l| !sources.contains_key(&l.source_id)) {
            sources = load_sources(&*store, options).await?;
        }
        run_batch(ctx, tally, options, worker, &sources, leases).await?;
        flush_health(ctx).await;
    }
    Ok(())
}

/// The lease renewer of a batch, stopped on every way out of it.
struct StopOnDrop(tokio::task::JoinHandle<()>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Fetch one leased batch, add what it discovered, and mark it done once stored.
async fn run_batch(
    ctx: &Arc<Ctx>,
    tally: &Arc<Tally>,
    options: &IngestOptions,
    worker: &WorkerOptions,
    sources: &HashMap<SourceId, Source>,
    leases: Vec<FrontierLease>,
) -> Result<(), PipelineError> {
    let store = ctx.store.clone();
    let ids: Vec<_> = leases.iter().map(|l| l.id).collect();
    // Renew at a third of the lease, so two renewals can be late before the lease lapses.
    let renewer = StopOnDrop({
        let (store, ids, id, ttl) = (store.clone(), ids.clone(), worker.id.clone(), worker.lease);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(ttl / 3).await;
                if let Err(e) = store.frontier_renew(&id, &ids, ttl).await {
                    tracing::warn!(error = %e, "could not renew leases");
                }
            }
        })
    });
    let mut tasks = JoinSet::new();
    for lease in leases {
        // A source removed or hidden since: its URL is finished without a fetch.
        let Some(source) = sources.get(&lease.source_id).cloned() else {
            tasks.spawn(async move { (lease.id, Vec::new(), None) });
            continue;
        };
        tasks.spawn(one(
            ctx.clone(),
            tally.clone(),
            options.clone(),
            source,
            lease,
        ));
    }
    let mut found = Vec::new();
    let mut done = Vec::new();
    while let Some(r) = tasks.join_next().await {
        match r {
            Ok((id, urls, again)) => {
                found.extend(urls);
                done.push((id, again));
            }
            Err(e) => tracing::error!(error = %e, "a fetch task failed"),
        }
    }
    finish_batch(ctx, worker, &found, &done, renewer).await
}

async fn finish_batch(
    ctx: &Ctx,
    worker: &WorkerOptions,
    found: &[NewFrontierUrl],
    done: &[(khronika_store::FrontierId, Option<Duration>)],
    renewer: StopOnDrop,
) -> Result<(), PipelineError> {
    if ctx.cancel.is_cancelled() {
        // Unfinished fetches were dropped: their leases lapse and another worker takes them.
        return Ok(());
    }
    // Discovered URLs enter the frontier before their list is done, and a URL is done only
    // once what it produced is committed: a crash in between repeats work, never loses it.
    ctx.store.frontier_add(found).await?;
    if !ctx.writer.sync().await {
        return Err(PipelineError::Input("the store writer stopped".into()));
    }
    // Leases are renewed until everything is committed, then no more.
    drop(renewer);
    ctx.store.frontier_done(&worker.id, done).await?;
    Ok(())
}

/// Wait for the host's slot, fetch one leased URL; returns it with the URLs it led to and
/// when it is due again.
async fn one(
    ctx: Arc<Ctx>,
    tally: Arc<Tally>,
    options: IngestOptions,
    source: Source,
    lease: FrontierLease,
) -> (
    khronika_store::FrontierId,
    Vec<NewFrontierUrl>,
    Option<Duration>,
) {
    let again = (lease.kind == FrontierKind::List).then_some(options.poll_interval);
    let url = match Url::parse(&lease.url) {
        Ok(u) => u,
        Err(e) => {
            fail(&ctx, &tally, &source, &lease.url, "url", e.to_string());
            return (lease.id, Vec::new(), None);
        }
    };
    let crawl = options.crawl_depth.unwrap_or(0);
    let is_home = source.feeds.is_empty() && source.sitemaps.is_empty();
    let found = match lease.kind {
        FrontierKind::List if is_home => {
            fetch_page(ctx.clone(), tally.clone(), source.clone(), url, false, true)
                .await
                .iter()
                .map(|u| entry(source.id, u, FrontierKind::Page, 1))
                .collect()
        }
        FrontierKind::List => {
            let mut deferred = Vec::new();
            let urls = list_urls(
                &ctx,
                &tally,
                &source,
                &url,
                options.max_sitemap_depth,
                &mut deferred,
            )
            .await;
            for f in deferred {
                ctx.writer.fetch(f).await;
            }
            urls.iter()
                .take(options.max_pages_per_source)
                .map(|u| entry(source.id, u, FrontierKind::Page, 0))
                .collect()
        }
        FrontierKind::Page => {
            let want_links = lease.depth < crawl;
            fetch_page(
                ctx.clone(),
                tally.clone(),
                source.clone(),
                url,
                true,
                want_links,
            )
            .await
            .iter()
            .map(|u| entry(source.id, u, FrontierKind::Page, lease.depth + 1))
            .collect()
        }
    };
    (lease.id, found, again)
}
