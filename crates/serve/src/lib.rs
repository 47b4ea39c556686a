//! # khronika-serve: here is a data directory, show it to people and programs
//!
//! One axum router with three faces over the same [`Store`] and [`SearchIndex`]:
//! * the **portal** (`/`, `/article/{id}`, `/search`, `/tag/{name}`, `/entity/{id}`,
//!   `/source/{id}`, `/story/{id}`, `/stories`, `/rubric/{code}`): server-rendered Russian
//!   HTML, no JavaScript; lists show one entry per original with its copies as "также: …";
//! * the **JSON API** under `/api/v1/` with its OpenAPI document at `/api/v1/openapi.json`;
//! * **feeds**: `/feed.rss` and `/feed.atom`, narrowed by `source`, `tag`, `entity`, `story`,
//!   `rubric` or a search query `q`.
//!
//! Plus `/healthz`; Prometheus `/metrics` only on the separate admin address
//! ([`admin_router`]).
//!
//! **Bounds** (see `README.md`, "Security"): every answer carries a strict CSP and the other
//! browser security headers ([`protect`]); connections have a header-read/keep-alive timeout
//! and a cap that sheds idle sockets first (`net`); a handler has a time limit; articles
//! are cut to fixed caps and their bodies paged ([`bound`]); cache misses of one URL are
//! rendered once however many requests wait for it, and article pages render on blocking
//! threads, at most `render_workers` at a time, so `/healthz` and cache hits keep
//! answering.
//!
//! **Architecture invariant:** serve reads only through the `Store` trait and the search
//! index; it writes nothing but anonymous view counts (and its index, only through
//! `khronika_index::sync`, which follows the store's change sequence). Every string from outside is escaped
//! on output (by the maud templates of the pages, by [`html::esc_into`] in [`render`]);
//! article bodies are rendered from our own blocks, never from page markup.
//!
//! Cost model: rendered pages and API answers are cached in memory per URL (and reader time
//! zone) until the store changes (the index sync bumps a generation) or 30 s pass, so a hot
//! article page costs a hash lookup. Page views are counted in memory and flushed to the
//! store every few seconds.

// Handlers return `Result<_, Response>`: the error *is* the HTTP answer, built once on a
// cold path, so its size does not matter.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use khronika_index::sync::SyncError;
use khronika_index::SearchIndex;
use khronika_store::{ArticleId, Source, SourceId, Store, StoredArticle};

mod api;
pub mod bound;
mod cache;
mod feeds;
pub mod html;
mod metrics;
mod net;
mod pages;
pub mod protect;
pub mod render;

pub use cache::Cached;
use cache::{ArticleCache, PageCache};

pub use metrics::Metrics;
pub use net::ConnLimits;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] khronika_store::StoreError),
    #[error(transparent)]
    Index(#[from] khronika_index::IndexError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error("background task failed: {0}")]
    Join(String),
    #[error(
        "another khronika server is serving {dir} (it holds {lock}); one server per data \
         directory keeps the search index in sync: stop it, or use another --data-dir"
    )]
    Busy { dir: String, lock: String },
}

/// Settings of a running server.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub site_name: String,
    /// Zone for timestamps when the reader chose none.
    pub default_tz: Tz,
    /// Origins allowed to call the API from browsers; `*` for any; empty for none.
    pub cors_origins: Vec<String>,
    /// How often the index catches up with the store.
    pub sync_interval: Duration,
    /// How long a cached page may be served after it was rendered.
    pub cache_ttl: Duration,
    /// Most pages kept in the cache.
    pub cache_entries: usize,
    /// About how many bytes of rendered pages the cache may hold.
    pub cache_bytes: usize,
    /// The request head must arrive within this; also how long a kept-alive connection
    /// may sit idle.
    pub header_read_timeout: Duration,
    /// Longest a handler may run before the answer is 503.
    pub request_timeout: Duration,
    /// Most open connections; at the cap the longest-open idle one is closed for a new one.
    pub max_connections: usize,
    /// Most article pages rendered at the same time (on blocking threads).
    pub render_workers: usize,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            site_name: "Хроника".into(),
            default_tz: chrono_tz::Asia::Almaty,
            cors_origins: Vec::new(),
            sync_interval: Duration::from_secs(2),
            cache_ttl: Duration::from_secs(30),
            cache_entries: 20_000,
            cache_bytes: 128 << 20,
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: default_max_connections(),
            render_workers: std::thread::available_parallelism().map_or(2, |n| n.get()) * 2,
        }
    }
}

/// Three quarters of the process's open-file limit (the rest is for the store, the index
/// and the admin listener), at most 16,384; 768 when the limit cannot be read.
pub fn default_max_connections() -> usize {
    let soft = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3))
                .and_then(|n| n.parse::<usize>().ok())
        })
        .unwrap_or(1024);
    (soft / 4 * 3).clamp(64, 16_384)
}

/// How the background index sync went: `/healthz` is not "ok" while it fails or stalls.
struct SyncState {
    /// The last attempt's error, `None` after a success.
    error: Mutex<Option<String>>,
    /// The last attempt failed reading the store.
    store_failed: std::sync::atomic::AtomicBool,
    /// When the last attempt ended (or the server started).
    last_done: Mutex<Instant>,
    /// Store changes the index still lacked when the last attempt ended (a replica of a
    /// shared database trails the writers by up to one sync interval).
    lag: std::sync::atomic::AtomicU64,
}

/// Everything a request handler needs.
pub struct App {
    pub store: Arc<dyn Store>,
    pub index: Arc<SearchIndex>,
    pub cfg: ServeConfig,
    pub metrics: Metrics,
    cache: PageCache,
    articles: ArticleCache,
    views: Mutex<HashMap<i64, u64>>,
    sources: RwLock<HashMap<i64, Source>>,
    /// Bumped whenever the visible data changes; cached pages of older generations are stale.
    generation: AtomicU64,
    started: Instant,
    sync_state: SyncState,
    /// Cache misses being rendered, by cache key: later requests for the same key wait for
    /// the first one's answer instead of rendering it again.
    inflight: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    renders: Arc<tokio::sync::Semaphore>,
}

pub type AppState = Arc<App>;

impl App {
    pub async fn new(
        store: Arc<dyn Store>,
        index: Arc<SearchIndex>,
        cfg: ServeConfig,
    ) -> Result<AppState, ServeError> {
        let renders = Arc::new(tokio::sync::Semaphore::new(cfg.render_workers.max(1)));
        let app = Arc::new(App {
            store,
            index,
            cache: PageCache::new(cfg.cache_entries, cfg.cache_bytes, cfg.cache_ttl),
            articles: ArticleCache::new(ARTICLE_CACHE_BYTES),
            cfg,
            metrics: Metrics::default(),
            views: Mutex::new(HashMap::new()),
            sources: RwLock::new(HashMap::new()),
            generation: AtomicU64::new(1),
            started: Instant::now(),
            sync_state: SyncState {
                error: Mutex::new(None),
                store_failed: false.into(),
                last_done: Mutex::new(Instant::now()),
                lag: 0.into(),
            },
            inflight: Mutex::new(HashMap::new()),
            renders,
        });
        app.refresh_sources().await?;
        Ok(app)
    }

    async fn refresh_sources(&self) -> Result<(), ServeError> {
        let list = self.store.list_sources().await?;
        if let Ok(mut map) = self.sources.write() {
            *map = list.into_iter().map(|s| (s.id.0, s)).collect();
        }
        Ok(())
    }

    pub fn source(&self, id: Option<SourceId>) -> Option<Source> {
        let id = id?;
        self.sources.read().ok()?.get(&id.0).cloned()
    }

    pub fn sources(&self) -> Vec<Source> {
        let mut v: Vec<Source> = self
            .sources
            .read()
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }

    /// A name for an article's source: the source's name, else the URL's host.
    pub fn source_name(&self, id: Option<SourceId>, url: &str) -> String {
        if let Some(s) = self.source(id) {
            return s.name;
        }
        url::Url::parse(url)
            .ok()
            .and_then(|u| {
                u.host_str()
                    .map(|h| h.trim_start_matches("www.").to_string())
            })
            .unwrap_or_else(|| "локальный файл".into())
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Relaxed)
    }

    /// Entries and bytes in the page cache.
    pub fn cache_usage(&self) -> (usize, usize) {
        self.cache.usage()
    }

    /// Marks cached pages stale (data changed).
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a page view in memory; [`App::flush_views`] hands the counts to the store.
    pub fn count_view(&self, id: ArticleId) {
        if let Ok(mut v) = self.views.lock() {
            if v.len() < 100_000 || v.contains_key(&id.0) {
                *v.entry(id.0).or_insert(0) += 1;
            }
        }
    }

    /// All-time views of an article: the store's count plus views counted here and not
    /// flushed yet.
    pub async fn views_of(&self, id: ArticleId) -> u64 {
        let pending = self
            .views
            .lock()
            .ok()
            .and_then(|v| v.get(&id.0).copied())
            .unwrap_or(0);
        let stored = match self.store.article_views(&[id]).await {
            Ok(v) => v.first().map_or(0, |p| p.views),
            Err(e) => {
                tracing::warn!(error = %e, "view count not read");
                0
            }
        };
        stored + pending
    }

    pub async fn flush_views(&self) -> Result<u64, ServeError> {
        let pending: Vec<(ArticleId, u64)> = match self.views.lock() {
            Ok(mut v) => v.drain().map(|(id, n)| (ArticleId(id), n)).collect(),
            Err(_) => Vec::new(),
        };
        if pending.is_empty() {
            return Ok(0);
        }
        // One transaction for all; ids deleted meanwhile are skipped by the store.
        self.store.record_views(&pending).await?;
        Ok(pending.iter().map(|(_, n)| n).sum())
    }

    /// Brings the index up to date with the store's change feed (through
    /// `khronika_index::sync`, the index's one owner) and records the lag left.
    pub async fn sync_index(&self) -> Result<usize, ServeError> {
        let res = self.sync_once().await;
        let st = &self.sync_state;
        if let Ok(mut e) = st.error.lock() {
            *e = res.as_ref().err().map(ToString::to_string);
        }
        st.store_failed.store(
            matches!(
                res,
                Err(ServeError::Store(_) | ServeError::Sync(SyncError::Store(_)))
            ),
            Ordering::Relaxed,
        );
        if let Ok(mut t) = st.last_done.lock() {
            *t = Instant::now();
        }
        res
    }

    async fn sync_once(&self) -> Result<usize, ServeError> {
        let n = khronika_index::sync::sync_index(self.store.as_ref(), &self.index).await?;
        let lag = khronika_index::sync::lag(self.store.as_ref(), &self.index).await?;
        self.sync_state.lag.store(lag, Ordering::Relaxed);
        if n > 0 {
            self.refresh_sources().await?;
            self.invalidate();
        }
        Ok(n)
    }

    /// An article as pages and the API show it: read once, cut down by
    /// [`bound::article`], kept a while for its other pages (one read per id at a time).
    pub async fn load_article(
        &self,
        id: ArticleId,
    ) -> Result<Option<Arc<StoredArticle>>, khronika_store::StoreError> {
        let generation = self.generation();
        if let Some(a) = self.articles.get(id.0, generation) {
            return Ok(Some(a));
        }
        let turn = Inflight::enter(self, format!("load|{}", id.0));
        let _turn = turn.slot.lock().await;
        if let Some(a) = self.articles.get(id.0, generation) {
            return Ok(Some(a));
        }
        let Some(mut a) = self.store.get_article(id).await? else {
            return Ok(None);
        };
        bound::article(&mut a);
        let weight = bound::heap_bytes(&a);
        let a = Arc::new(a);
        self.articles.put(generation, a.clone(), weight);
        Ok(Some(a))
    }

    /// The last index sync's error, if it failed.
    pub fn sync_error(&self) -> Option<String> {
        self.sync_state.error.lock().ok().and_then(|e| e.clone())
    }
}

/// The time lists are ordered by: the publication time the page states, else when khronika
/// first saw the article. Never shown as a publication time on its own: an undated
/// article's first-seen time is labelled "добавлено" wherever it is shown.
pub fn list_time(a: &StoredArticle) -> DateTime<Utc> {
    a.article
        .published
        .map(|p| p.with_timezone(&Utc))
        .unwrap_or(a.first_seen)
}

/// Memory for recently read articles ([`App::load_article`]): a few of the largest the
/// store can hold (an imported line is at most 16 MiB), many normal ones.
const ARTICLE_CACHE_BYTES: usize = 64 << 20;

/// The whole HTTP surface.
pub fn router(app: AppState) -> Router {
    let api = api::routes();
    let routes = Router::new()
        .route("/", get(pages::front))
        .route("/article/{id}", get(pages::article))
        .route("/search", get(pages::search))
        .route("/tag/{name}", get(pages::tag))
        .route("/tags", get(pages::tags))
        .route("/entity/{key}", get(pages::entity))
        .route("/entities", get(pages::entities))
        .route("/source/{id}", get(pages::source))
        .route("/sources", get(pages::sources))
        .route("/story/{id}", get(pages::story))
        .route("/stories", get(pages::stories))
        .route("/rubric/{code}", get(pages::rubric))
        .route("/timezone", get(pages::timezone))
        .route("/feed.rss", get(feeds::rss))
        .route("/feed.atom", get(feeds::atom))
        .route("/static/site.css", get(static_css))
        .route("/healthz", get(healthz))
        .nest("/api/v1", api)
        .fallback(pages::not_found);
    // Without allowed origins there is no CORS at all (no headers, no `Vary`, preflights
    // are ordinary OPTIONS requests), as before the layer.
    let routes = match cors(&app.cfg) {
        Some(c) => routes.layer(c),
        None => routes,
    };
    routes
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            protect::request_timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            metrics::track,
        ))
        .layer(axum::middleware::from_fn(protect::security_headers))
        .with_state(app)
}

/// The admin surface, for a loopback or internal address only: Prometheus `/metrics` and
/// `/healthz`. The public router has no `/metrics`.
pub fn admin_router(app: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics::handler))
        .route("/healthz", get(healthz))
        .layer(axum::middleware::from_fn(protect::security_headers))
        .with_state(app)
}

/// Serves on `addr` until `shutdown` resolves, syncing the index and flushing views in the
/// background.
pub async fn run(
    app: AppState,
    addr: SocketAddr,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: addr.to_string(),
            source,
        })?;
    serve_on(app, listener, shutdown).await
}

/// Like [`run`] on a listener the caller bound (tests bind port 0).
pub async fn serve_on(
    app: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    serve_with_admin(app, listener, None, shutdown).await
}

/// Serves the public router on `listener` and, when given, the [`admin_router`] on
/// `admin`, until `shutdown` resolves.
pub async fn serve_with_admin(
    app: AppState,
    listener: tokio::net::TcpListener,
    admin: Option<tokio::net::TcpListener>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    spawn_background(app.clone());
    let limits = ConnLimits {
        header_read_timeout: app.cfg.header_read_timeout,
        max_connections: app.cfg.max_connections,
    };
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let admin_task = admin.map(|l| {
        let mut stop = stop_rx.clone();
        let admin_limits = ConnLimits {
            max_connections: 64,
            ..limits
        };
        tokio::spawn(net::serve(
            l,
            admin_router(app.clone()),
            admin_limits,
            async move {
                let _ = stop.changed().await;
            },
        ))
    });
    net::serve(listener, router(app.clone()), limits, shutdown).await?;
    let _ = stop_tx.send(true);
    if let Some(t) = admin_task {
        t.await.map_err(|e| ServeError::Join(e.to_string()))??;
    }
    // Views counted since the last flush are not lost on a clean stop.
    app.flush_views().await?;
    Ok(())
}

/// An exclusive lock on a data directory for one server (`<dir>/serve.lock`), held until
/// dropped. Two servers on one directory would both try to write its search index: the
/// second never gets the index writer, so its index never follows the store.
#[derive(Debug)]
pub struct DirLock {
    _file: std::fs::File,
}

pub fn lock_data_dir(dir: &std::path::Path) -> Result<DirLock, ServeError> {
    let path = dir.join("serve.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)?;
    match file.try_lock() {
        Ok(()) => Ok(DirLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(ServeError::Busy {
            dir: dir.display().to_string(),
            lock: path.display().to_string(),
        }),
        Err(std::fs::TryLockError::Error(e)) => Err(ServeError::Io(e)),
    }
}

/// The index sync and view flush loops.
pub fn spawn_background(app: AppState) {
    let a = app.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(a.cfg.sync_interval);
        loop {
            tick.tick().await;
            if let Err(e) = a.sync_index().await {
                tracing::warn!("index sync failed: {e}");
            }
        }
    });
    tokio::spawn(async move {
        // The first flush is one period after start (an `interval` fires at once).
        let period = Duration::from_secs(5);
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        loop {
            tick.tick().await;
            if let Err(e) = app.flush_views().await {
                tracing::warn!("recording page views failed: {e}");
            }
        }
    });
}

async fn static_css() -> Response {
    let mut r = (StatusCode::OK, html::SITE_CSS).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

/// Health from the background index sync, which reads the store's change feed and writes
/// the index every `sync_interval`: no store query here, so the answer stays immediate
/// while the store's readers are busy (a probe that queried the store took seconds while
/// large articles were being read).
async fn healthz(axum::extract::State(app): axum::extract::State<AppState>) -> Response {
    let st = &app.sync_state;
    let store_ok = !st.store_failed.load(Ordering::Relaxed);
    let since = st.last_done.lock().map_or(Duration::ZERO, |t| t.elapsed());
    // A sync that has not finished for this long is stuck (a normal one takes
    // milliseconds; a bulk one, seconds).
    let stalled = since > (app.cfg.sync_interval * 10).max(Duration::from_secs(60));
    let sync = match (app.sync_error(), stalled) {
        (Some(_), _) => "failing",
        (None, true) => "stalled",
        (None, false) => "ok",
    };
    let ok = store_ok && sync == "ok";
    let body = serde_json::json!({
        "status": if ok { "ok" } else { "degraded" },
        "store": store_ok,
        "index_sync": sync,
        "index_documents": app.index.num_docs(),
        "index_lag_changes": st.lag.load(Ordering::Relaxed),
        "uptime_seconds": app.started.elapsed().as_secs(),
    });
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body)).into_response()
}

// ---------- responses, caching, ETags ----------

/// A weak ETag from the body's hash.
pub fn etag_of(body: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    format!("W/\"{:016x}\"", h.finish())
}

fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| {
            t == "*" || t == etag || t.trim_start_matches("W/") == etag.trim_start_matches("W/")
        })
}

/// Builds the HTTP answer for a rendered body: ETag, 304 when the client has it.
pub fn respond(headers: &HeaderMap, c: &Cached, cache_control: &'static str) -> Response {
    let not_modified = c.status == StatusCode::OK && if_none_match(headers, &c.etag);
    let mut r = if not_modified {
        Response::new(Body::empty())
    } else {
        Response::new(Body::from(c.body.clone()))
    };
    *r.status_mut() = if not_modified {
        StatusCode::NOT_MODIFIED
    } else {
        c.status
    };
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(c.content_type),
    );
    if let Ok(v) = HeaderValue::from_str(&c.etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    r
}

impl App {
    /// Serves `key` from the cache, or renders it with `make` and caches a 200 answer.
    pub async fn cached<F, Fut>(
        &self,
        key: String,
        content_type: &'static str,
        make: F,
    ) -> Result<Cached, Response>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<(StatusCode, String), Response>>,
    {
        self.cached_with(key, content_type, make).await
    }

    /// Like [`cached`](Self::cached), rendering on a blocking thread: for pages whose cost
    /// grows with the data (an article), so that a slow render never holds an async worker
    /// that `/healthz` and cache hits need.
    pub async fn cached_blocking<F, Fut>(
        &self,
        key: String,
        content_type: &'static str,
        make: F,
    ) -> Result<Cached, Response>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<(StatusCode, String), Response>> + Send + 'static,
    {
        let renders = self.renders.clone();
        self.cached_with(key, content_type, || async move {
            // Taken only by the request that renders (not by those waiting for the same
            // key). Renders never nest (no `cached_blocking` inside a render), so waiting
            // for a slot while holding a key's turn cannot deadlock.
            let permit = renders
                .acquire_owned()
                .await
                .map_err(|_| StatusCode::SERVICE_UNAVAILABLE.into_response())?;
            let rt = tokio::runtime::Handle::current();
            tokio::task::spawn_blocking(move || {
                // The render slot goes with the work: a request that timed out does not
                // free it while its render still runs.
                let _permit = permit;
                rt.block_on(make())
            })
            .await
            .unwrap_or_else(|e| {
                tracing::error!("render task failed: {e}");
                Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
            })
        })
        .await
    }

    /// The cache look-up, then on a miss: one render per key at a time (requests for the
    /// same key wait and take its answer).
    async fn cached_with<F, Fut>(
        &self,
        key: String,
        content_type: &'static str,
        render: F,
    ) -> Result<Cached, Response>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<(StatusCode, String), Response>>,
    {
        let generation = self.generation();
        if let Some(c) = self.cache.get(&key, generation) {
            self.metrics.cache_hit();
            return Ok(c);
        }
        let turn = Inflight::enter(self, key.clone());
        let _turn = turn.slot.lock().await;
        if let Some(c) = self.cache.get(&key, generation) {
            self.metrics.cache_hit();
            return Ok(c);
        }
        self.metrics.cache_miss();
        let (status, body) = render().await?;
        let body = cache::exact_body(body);
        let c = Cached {
            status,
            content_type,
            etag: etag_of(&body),
            body,
            generation,
            at: Instant::now(),
        };
        if status == StatusCode::OK {
            self.cache.put(key, c.clone());
        }
        Ok(c)
    }
}

/// A request's place in the queue of renders of one cache key; leaves the map when the
/// last request for the key is done (also when a request is dropped by its timeout).
struct Inflight<'a> {
    app: &'a App,
    key: String,
    slot: Arc<tokio::sync::Mutex<()>>,
}

impl<'a> Inflight<'a> {
    fn enter(app: &'a App, key: String) -> Inflight<'a> {
        let slot = match app.inflight.lock() {
            Ok(mut m) => m.entry(key.clone()).or_default().clone(),
            // A poisoned map only loses the sharing of renders.
            Err(_) => Arc::default(),
        };
        Inflight { app, key, slot }
    }
}

impl Drop for Inflight<'_> {
    fn drop(&mut self) {
        if let Ok(mut m) = self.app.inflight.lock() {
            // The map's reference and ours: nobody else is waiting.
            if Arc::strong_count(&self.slot) <= 2 {
                m.remove(&self.key);
            }
        }
    }
}

/// CORS for browsers calling us from other sites: only the configured origins (`*` for any;
/// `None`, no layer, when there are none), read-only methods, `ETag` readable and `If-None-Match` sendable so
/// conditional requests work across origins. Preflights are answered here, never routed.
fn cors(cfg: &ServeConfig) -> Option<tower_http::cors::CorsLayer> {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    if cfg.cors_origins.is_empty() {
        return None;
    }
    let origin = if cfg.cors_origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        // An origin that is not a valid header value can never match a request's.
        AllowOrigin::list(
            cfg.cors_origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o).ok()),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(origin)
            .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS])
            .allow_headers([header::IF_NONE_MATCH, header::CONTENT_TYPE])
            .expose_headers([header::ETAG])
            .max_age(Duration::from_secs(600)),
    )
}

/// Query string pairs, decoded leniently (never a rejection).
pub(crate) fn query_pairs(raw: Option<&str>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    if let Some(q) = raw {
        for (k, v) in url::form_urlencoded::parse(q.as_bytes()).take(64) {
            out.entry(k.into_owned()).or_insert_with(|| v.into_owned());
        }
    }
    out
}

/// The reader's zone: `?tz=` first, then the `tz` cookie, then the default.
pub(crate) fn reader_tz(app: &App, q: &HashMap<String, String>, headers: &HeaderMap) -> Tz {
    if let Some(tz) = q.get("tz").and_then(|t| t.parse::<Tz>().ok()) {
        return tz;
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().strip_prefix("tz="))
        .find_map(|v| {
            url::form_urlencoded::parse(format!("v={v}").as_bytes())
                .next()
                .and_then(|(_, v)| v.parse::<Tz>().ok())
        })
        .unwrap_or(app.cfg.default_tz)
}

/// Stories ranked for "Главное" at `now`, most important first (ties: the newer first),
/// each with its importance ([`khronika_organise::rank::importance`]).
pub(crate) fn rank_stories(
    stories: Vec<khronika_store::Story>,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<(f64, khronika_store::Story)> {
    let mut ranked: Vec<(f64, khronika_store::Story)> = stories
        .into_iter()
        .map(|s| {
            let score = khronika_organise::rank::importance(
                &khronika_organise::rank::StoryStats {
                    sources: s.sources,
                    articles: s.article_count,
                    last_seen: s.last_seen,
                    source_weight: None,
                },
                now,
            );
            (score, s)
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.last_seen.cmp(&a.1.last_seen)));
    ranked
}
