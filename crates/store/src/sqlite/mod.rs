//! The embedded backend: one SQLite database in WAL mode inside the data directory.
//!
//! One writer connection (SQLite allows one writer at a time anyway) and a few reader
//! connections, all used from tokio's blocking thread pool so async callers never block.
//!
//! This file holds the connections, migrations, the small helpers every area shares and the
//! one `impl Store for SqliteStore`, whose methods hand a connection to the area functions:
//! `sources` (sources), `fetches` (fetches, page state, raw pages), `articles` (put,
//! read, list, change feed), `entities` (entities, quotes, tags), `organise` (duplicates,
//! stories, rubrics) and `views` (view counts, popular).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use khronika_model::EntityKind;
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::error::{Result, StoreError};
use crate::types::*;
use crate::Store;

mod articles;
mod entities;
mod fetches;
pub(crate) mod frontier;
mod health;
mod organise;
mod sources;
mod views;

// Shared with the PostgreSQL backend (validation and row shaping are backend-independent).
pub(crate) use articles::{article_row, display_of, reanalysis};
pub(crate) use health::{
    count_extractions, pick_last_fetch, tally_extractions, KEEP_EXTRACTIONS, KEEP_FAILURES,
    MAX_DETAIL,
};
pub(crate) use organise::{
    check_update as check_story_update, from_unix, rubric_from_code, MAX_CHAIN, MAX_SEEDS,
    MAX_STORY_ENTITIES,
};
pub(crate) use sources::check_source;

/// The database file inside the data directory.
pub const DB_FILE: &str = "khronika.db";

const READERS: usize = 4;
/// Limits on what one article may bring along (bad input must not bloat the archive).
pub(crate) const MAX_TAGS: usize = 64;
pub(crate) const MAX_TAG_LEN: usize = 200;
pub(crate) const MAX_URL_LEN: usize = 4096;
const MAX_LIMIT: usize = 10_000;

/// Ordered migrations: (version, SQL). Never edit a released one; add the next file.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/sqlite/0001_init.sql")),
    (
        2,
        include_str!("../../migrations/sqlite/0002_fetch_final_url.sql"),
    ),
    (3, include_str!("../../migrations/sqlite/0003_organise.sql")),
    (
        4,
        include_str!("../../migrations/sqlite/0004_source_health.sql"),
    ),
    (
        5,
        include_str!("../../migrations/sqlite/0005_entity_registry.sql"),
    ),
    // 6 and 7 are taken by work on other branches; the frontier is 8 so the merges line up.
    (8, include_str!("../../migrations/sqlite/0008_frontier.sql")),
];

struct Inner {
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    path: PathBuf,
}

/// The SQLite [`Store`]. Cheap to clone (shared connections).
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.inner.path)
            .finish()
    }
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(30))?;
    // WAL: readers never block the writer; NORMAL sync is crash-safe for the process
    // (kill -9 loses nothing committed), only an OS crash may lose the last commits.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_version (
            version    INTEGER PRIMARY KEY,
            applied_at TEXT NOT NULL
        );",
    )?;
    let current: i64 = tx.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_version",
        [],
        |r| r.get(0),
    )?;
    let known = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
    if current > known {
        return Err(StoreError::SchemaTooNew {
            found: current,
            known,
        });
    }
    for (version, sql) in MIGRATIONS {
        if *version <= current {
            continue;
        }
        tx.execute_batch(sql)
            .map_err(|e| StoreError::Backend(format!("migration {version} failed: {e}")))?;
        tx.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)",
            params![version, ts(&Utc::now())],
        )?;
        tracing::info!(version, "applied schema migration");
    }
    tx.commit()?;
    Ok(())
}

/// After the registry migration, rebuild entities from the stored analyses once.
fn relink_if_needed(conn: &mut Connection) -> Result<()> {
    let pending: Option<i64> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'relink_entities'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if pending.is_none() {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let n = entities::relink_all(&tx)?;
    tx.commit()?;
    tracing::info!(articles = n, "entity registry rebuilt from stored analyses");
    Ok(())
}

/// A read-only connection and the schema version it sees (reading it proves the file opens).
fn read_only_connection(path: &Path, immutable: bool) -> Result<(Connection, i64)> {
    use rusqlite::OpenFlags;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = if immutable {
        let abs = std::fs::canonicalize(path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        let uri = url::Url::from_file_path(&abs)
            .map_err(|()| StoreError::Backend(format!("{}: no file URI", abs.display())))?;
        Connection::open_with_flags(
            format!("{uri}?immutable=1"),
            flags | OpenFlags::SQLITE_OPEN_URI,
        )?
    } else {
        Connection::open_with_flags(path, flags)?
    };
    conn.busy_timeout(Duration::from_secs(30))?;
    conn.pragma_update(None, "query_only", "ON")?;
    let version = conn
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_version",
            [],
            |r| r.get(0),
        )
        .map_err(|e| {
            StoreError::Backend(format!(
                "cannot read {} (not a khronika database?): {e}",
                path.display()
            ))
        })?;
    Ok((conn, version))
}

impl SqliteStore {
    /// Open (create, migrate) the store in `data_dir`.
    pub async fn open(data_dir: &Path) -> Result<Self> {
        let dir = data_dir.to_path_buf();
        tokio::task::spawn_blocking(move || Self::open_blocking(&dir))
            .await
            .map_err(|e| StoreError::Worker(e.to_string()))?
    }

    /// [`SqliteStore::open`] for callers outside a runtime.
    pub fn open_blocking(data_dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::Open {
            path: data_dir.display().to_string(),
            source,
        })?;
        let path = data_dir.join(DB_FILE);
        let mut writer = Connection::open(&path)?;
        configure(&writer)?;
        migrate(&mut writer)?;
        relink_if_needed(&mut writer)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let r = Connection::open(&path)?;
            configure(&r)?;
            r.pragma_update(None, "query_only", "ON")?;
            readers.push(Mutex::new(r));
        }
        Ok(Self::with_connections(writer, readers, path))
    }

    fn with_connections(
        writer: Connection,
        readers: Vec<Mutex<Connection>>,
        path: PathBuf,
    ) -> Self {
        SqliteStore {
            inner: Arc::new(Inner {
                writer: Mutex::new(writer),
                readers,
                next_reader: AtomicUsize::new(0),
                path,
            }),
        }
    }

    /// Open an existing store for reading only (export, search, listings): nothing is
    /// created, migrated or written, so a missing data directory is reported as such and
    /// a read-only one works. Writes through this store fail.
    pub async fn open_read_only(data_dir: &Path) -> Result<Self> {
        let dir = data_dir.to_path_buf();
        tokio::task::spawn_blocking(move || Self::open_read_only_blocking(&dir))
            .await
            .map_err(|e| StoreError::Worker(e.to_string()))?
    }

    /// [`SqliteStore::open_read_only`] for callers outside a runtime.
    pub fn open_read_only_blocking(data_dir: &Path) -> Result<Self> {
        let path = data_dir.join(DB_FILE);
        if !path.is_file() {
            return Err(StoreError::NoData {
                path: data_dir.display().to_string(),
            });
        }
        // A WAL database needs its `-shm` file, which a reader cannot create in a directory
        // it may not write (the last writer removes it on a clean close). Then, and only
        // when no `-wal` file holds commits the main file lacks, the file is read as
        // immutable: nothing else can be writing there.
        let (first, current, immutable) = match read_only_connection(&path, false) {
            Ok((c, v)) => (c, v, false),
            Err(e) => {
                let wal = path.with_file_name(format!("{DB_FILE}-wal"));
                if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
                    return Err(e);
                }
                let (c, v) = read_only_connection(&path, true).map_err(|_| e)?;
                (c, v, true)
            }
        };
        let known = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
        if current > known {
            return Err(StoreError::SchemaTooNew {
                found: current,
                known,
            });
        }
        if current < known {
            return Err(StoreError::SchemaTooOld {
                found: current,
                known,
            });
        }
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            readers.push(Mutex::new(read_only_connection(&path, immutable)?.0));
        }
        Ok(Self::with_connections(first, readers, path))
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = inner
                .writer
                .lock()
                .map_err(|_| StoreError::Worker("writer connection poisoned".into()))?;
            f(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Worker(e.to_string()))?
    }

    async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let n = inner.next_reader.fetch_add(1, Ordering::Relaxed) % inner.readers.len();
            let slot = inner
                .readers
                .get(n)
                .ok_or_else(|| StoreError::Worker("no reader connection".into()))?;
            let conn = slot
                .lock()
                .map_err(|_| StoreError::Worker("reader connection poisoned".into()))?;
            f(&conn)
        })
        .await
        .map_err(|e| StoreError::Worker(e.to_string()))?
    }
}

// ---------- small helpers ----------

pub(crate) fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn parse_ts(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("bad time {s:?}: {e}")))
}

pub(crate) fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes)
        .and_then(|_| enc.finish())
        .map_err(|e| StoreError::Backend(format!("compressing a page: {e}")))
}

pub(crate) fn gunzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .map_err(|e| StoreError::Corrupt(format!("stored page does not decompress: {e}")))?;
    Ok(out)
}

fn kind_from_code(s: &str) -> Result<EntityKind> {
    match s {
        "PER" => Ok(EntityKind::Person),
        "ORG" => Ok(EntityKind::Organisation),
        "LOC" => Ok(EntityKind::Location),
        other => Err(StoreError::Corrupt(format!(
            "unknown entity kind {other:?}"
        ))),
    }
}

fn clamp_limit(limit: usize) -> i64 {
    limit.clamp(1, MAX_LIMIT) as i64
}

fn next_seq(tx: &Transaction<'_>) -> Result<i64> {
    Ok(tx.query_row(
        "UPDATE meta SET value = value + 1 WHERE key = 'change_seq' RETURNING value",
        [],
        |r| r.get(0),
    )?)
}

pub(crate) fn check_url(url: &str) -> Result<()> {
    if url.is_empty() || url.len() > MAX_URL_LEN {
        return Err(StoreError::Invalid(format!(
            "an article URL must be 1..={MAX_URL_LEN} bytes, got {}",
            url.len()
        )));
    }
    Ok(())
}

pub(crate) fn parse_cursor(c: &str) -> Result<(i64, i64)> {
    let (a, b) = c
        .split_once('_')
        .ok_or_else(|| StoreError::Invalid(format!("bad cursor {c:?}")))?;
    let a = a
        .parse()
        .map_err(|_| StoreError::Invalid(format!("bad cursor {c:?}")))?;
    let b = b
        .parse()
        .map_err(|_| StoreError::Invalid(format!("bad cursor {c:?}")))?;
    Ok((a, b))
}

/// Keyset paging, newest first, over `(time_col, id_col)`: the condition after the cursor's
/// position (`" AND …"`), then the order and a limit of `limit + 1` (one more row says
/// whether there is a next page). Shared by article and story lists.
fn keyset_page(
    sql: &mut String,
    args: &mut Vec<Value>,
    cursor: Option<&str>,
    (time_col, id_col): (&str, &str),
    limit: i64,
) -> Result<()> {
    if let Some(cursor) = cursor {
        let (t, id) = parse_cursor(cursor)?;
        args.push(Value::Integer(t));
        let tn = args.len();
        args.push(Value::Integer(id));
        let idn = args.len();
        sql.push_str(&format!(
            " AND ({time_col} < ?{tn} OR ({time_col} = ?{tn} AND {id_col} < ?{idn}))"
        ));
    }
    args.push(Value::Integer(limit + 1));
    sql.push_str(&format!(
        " ORDER BY {time_col} DESC, {id_col} DESC LIMIT ?{}",
        args.len()
    ));
    Ok(())
}

/// Visible = not hidden itself and not in a hidden source.
const VISIBLE: &str = "a.hidden = 0 AND COALESCE(s.hidden, 0) = 0";

#[async_trait]
impl Store for SqliteStore {
    async fn add_source(&self, source: &NewSource) -> Result<SourceId> {
        sources::check_source(source)?;
        let s = source.clone();
        self.write(move |c| sources::add_source(c, &s)).await
    }

    async fn update_source(&self, source: &Source) -> Result<()> {
        let s = source.clone();
        self.write(move |c| sources::update_source(c, &s)).await
    }

    async fn list_sources(&self) -> Result<Vec<Source>> {
        self.read(|c| sources::query_sources(c, "", &[])).await
    }

    async fn get_source(&self, id: SourceId) -> Result<Option<Source>> {
        self.read(move |c| {
            Ok(
                sources::query_sources(c, "WHERE id = ?1", &[Value::Integer(id.0)])?
                    .into_iter()
                    .next(),
            )
        })
        .await
    }

    async fn source_by_name(&self, name: &str) -> Result<Option<Source>> {
        let name = name.to_owned();
        self.read(move |c| {
            Ok(
                sources::query_sources(c, "WHERE name = ?1", &[Value::Text(name)])?
                    .into_iter()
                    .next(),
            )
        })
        .await
    }

    async fn remove_source(&self, id: SourceId) -> Result<bool> {
        self.write(move |c| sources::remove_source(c, id)).await
    }

    async fn set_source_display(&self, id: SourceId, display: DisplayPolicy) -> Result<()> {
        self.write(move |c| sources::set_source_display(c, id, display))
            .await
    }

    async fn set_source_hidden(&self, id: SourceId, hidden: bool) -> Result<()> {
        self.write(move |c| sources::set_source_hidden(c, id, hidden))
            .await
    }

    async fn record_fetches(&self, fetches: &[NewFetch]) -> Result<Vec<FetchId>> {
        let fetches = fetches.to_vec();
        self.write(move |c| fetches::record_fetches(c, &fetches))
            .await
    }

    async fn page_state(&self, url: &str) -> Result<Option<PageState>> {
        let url = url.to_owned();
        self.read(move |c| fetches::page_state(c, &url)).await
    }

    async fn raw_pages(&self, after: Option<FetchId>, limit: usize) -> Result<Vec<StoredFetch>> {
        self.read(move |c| fetches::raw_pages(c, after, limit))
            .await
    }

    async fn put_articles(&self, batch: &[NewArticle]) -> Result<Vec<PutOutcome>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let batch = batch.to_vec();
        self.write(move |c| articles::put_articles(c, &batch)).await
    }

    async fn get_article(&self, id: ArticleId) -> Result<Option<StoredArticle>> {
        self.read(move |c| articles::load_article(c, id.0)).await
    }

    async fn article_by_url(&self, url: &str) -> Result<Option<StoredArticle>> {
        let url = url.to_owned();
        self.read(move |c| articles::article_by_url(c, &url)).await
    }

    async fn article_versions(&self, id: ArticleId) -> Result<Vec<ArticleVersion>> {
        self.read(move |c| articles::article_versions(c, id)).await
    }

    async fn list_articles(
        &self,
        filter: &ArticleFilter,
        page: &PageRequest,
    ) -> Result<Page<ArticleSummary>> {
        let filter = filter.clone();
        let page = page.clone();
        self.read(move |c| articles::list_articles(c, &filter, &page))
            .await
    }

    async fn articles_changed_since(&self, seq: u64, limit: usize) -> Result<Vec<Change>> {
        self.read(move |c| articles::articles_changed_since(c, seq, limit))
            .await
    }

    async fn current_change_seq(&self) -> Result<u64> {
        self.read(articles::current_change_seq).await
    }

    async fn set_article_hidden(&self, id: ArticleId, hidden: bool) -> Result<()> {
        self.write(move |c| articles::set_article_hidden(c, id, hidden))
            .await
    }

    async fn article_tags(&self, id: ArticleId) -> Result<Vec<String>> {
        self.read(move |c| articles::article_tags(c, id)).await
    }

    async fn get_entity(&self, id: EntityId) -> Result<Option<Entity>> {
        self.read(move |c| entities::load_entity(c, id.0)).await
    }

    async fn find_entities(&self, name: &str) -> Result<Vec<Entity>> {
        let name = name.trim().to_string();
        self.read(move |c| entities::find_entities(c, &name)).await
    }

    async fn co_mentioned(&self, id: EntityId, limit: usize) -> Result<Vec<EntityCount>> {
        self.read(move |c| entities::co_mentioned(c, id, limit))
            .await
    }

    async fn article_entities(&self, id: ArticleId) -> Result<Vec<EntityCount>> {
        self.read(move |c| entities::article_entities(c, id)).await
    }

    async fn entity_timeline(&self, id: EntityId) -> Result<Vec<DayCount>> {
        self.read(move |c| entities::entity_timeline(c, id)).await
    }

    async fn top_entities(&self, kind: Option<EntityKind>, limit: usize) -> Result<Vec<Entity>> {
        self.read(move |c| entities::top_entities(c, kind, limit))
            .await
    }

    async fn entity_mentions(&self, id: EntityId, limit: usize) -> Result<Vec<EntityMention>> {
        self.read(move |c| entities::entity_mentions(c, id, limit))
            .await
    }

    async fn entity_quotes(&self, id: EntityId, limit: usize) -> Result<Vec<EntityQuote>> {
        self.read(move |c| entities::entity_quotes(c, id, limit))
            .await
    }

    async fn tags(&self, limit: usize) -> Result<Vec<TagCount>> {
        self.read(move |c| entities::tags(c, limit)).await
    }

    async fn apply_organisation(&self, batch: &OrganiseBatch) -> Result<()> {
        let batch = batch.clone();
        self.write(move |c| organise::apply(c, &batch)).await
    }

    async fn resolve_story(&self, id: StoryId) -> Result<Option<StoryId>> {
        self.read(move |c| organise::resolve(c, id)).await
    }

    async fn get_story(&self, id: StoryId) -> Result<Option<Story>> {
        self.read(move |c| organise::load_story(c, id.0)).await
    }

    async fn list_stories(&self, filter: &StoryFilter, page: &PageRequest) -> Result<Page<Story>> {
        let (filter, page) = (filter.clone(), page.clone());
        self.read(move |c| organise::list_stories(c, &filter, &page))
            .await
    }

    async fn organise_window(
        &self,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<OrganiseSeed>> {
        self.read(move |c| organise::window(c, since, limit)).await
    }

    async fn unorganised(
        &self,
        after: Option<ArticleId>,
        limit: usize,
    ) -> Result<Vec<OrganiseSeed>> {
        self.read(move |c| organise::unorganised(c, after, limit))
            .await
    }

    async fn clear_organisation(&self) -> Result<()> {
        self.write(organise::clear).await
    }

    async fn article_copies(&self, originals: &[ArticleId]) -> Result<Vec<ArticleCopy>> {
        if originals.is_empty() {
            return Ok(Vec::new());
        }
        let originals = originals.to_vec();
        self.read(move |c| organise::copies(c, &originals)).await
    }

    async fn record_view(&self, id: ArticleId) -> Result<()> {
        let hour = Utc::now().timestamp().div_euclid(3600);
        self.write(move |c| views::record_view(c, id, hour)).await
    }

    async fn record_views(&self, views: &[(ArticleId, u64)]) -> Result<()> {
        if views.is_empty() {
            return Ok(());
        }
        let views = views.to_vec();
        let hour = Utc::now().timestamp().div_euclid(3600);
        self.write(move |c| views::record_views(c, &views, hour))
            .await
    }

    async fn popular(&self, window: Duration, limit: usize) -> Result<Vec<Popular>> {
        let from_hour = Utc::now()
            .timestamp()
            .saturating_sub(window.as_secs().min(i64::MAX as u64) as i64)
            .div_euclid(3600);
        self.read(move |c| views::popular(c, from_hour, limit))
            .await
    }

    async fn article_views(&self, ids: &[ArticleId]) -> Result<Vec<Popular>> {
        let ids: Vec<i64> = ids.iter().take(10_000).map(|a| a.0).collect();
        self.read(move |c| views::article_views(c, &ids)).await
    }

    async fn record_health(
        &self,
        extractions: &[NewExtraction],
        failures: &[NewFailure],
    ) -> Result<()> {
        let (extractions, failures) = (extractions.to_vec(), failures.to_vec());
        self.write(move |c| health::record(c, &extractions, &failures))
            .await
    }

    async fn source_health(
        &self,
        now: DateTime<Utc>,
        window: HealthWindow,
    ) -> Result<Vec<SourceHealth>> {
        self.read(move |c| health::source_health(c, now, window))
            .await
    }

    async fn frontier_add(&self, urls: &[NewFrontierUrl]) -> Result<u64> {
        let urls = urls.to_vec();
        self.write(move |c| frontier::add(c, &urls)).await
    }

    async fn frontier_lease(
        &self,
        worker: &str,
        limit: usize,
        ttl: Duration,
    ) -> Result<Vec<FrontierLease>> {
        let worker = worker.to_owned();
        self.write(move |c| frontier::lease(c, &worker, limit, ttl))
            .await
    }

    async fn frontier_renew(&self, worker: &str, ids: &[FrontierId], ttl: Duration) -> Result<u64> {
        let (worker, ids) = (worker.to_owned(), ids.to_vec());
        self.write(move |c| frontier::renew(c, &worker, &ids, ttl))
            .await
    }

    async fn frontier_done(
        &self,
        worker: &str,
        done: &[(FrontierId, Option<Duration>)],
    ) -> Result<u64> {
        let (worker, done) = (worker.to_owned(), done.to_vec());
        self.write(move |c| frontier::done(c, &worker, &done)).await
    }

    async fn frontier_host_slot(&self, host: &str, delay: Duration) -> Result<Duration> {
        let host = host.to_owned();
        self.write(move |c| frontier::host_slot(c, &host, delay))
            .await
    }

    async fn frontier_depth(&self) -> Result<FrontierDepth> {
        self.read(frontier::depth).await
    }

    async fn stats(&self) -> Result<StoreStats> {
        self.read(|c| {
            let count = |sql: &str| -> Result<u64> {
                let n: i64 = c.query_row(sql, [], |r| r.get(0))?;
                Ok(n.max(0) as u64)
            };
            Ok(StoreStats {
                sources: count("SELECT COUNT(*) FROM sources")?,
                articles: count("SELECT COUNT(*) FROM articles")?,
                versions: count("SELECT COUNT(*) FROM article_versions")?,
                fetches: count("SELECT COUNT(*) FROM fetches")?,
                entities: count("SELECT COUNT(*) FROM entities")?,
            })
        })
        .await
    }
}
