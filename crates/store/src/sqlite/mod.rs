//! The embedded backend: one SQLite database in WAL mode inside the data directory.
//!
//! One writer connection (SQLite allows one writer at a time anyway) and a few reader
//! connections, all used from tokio's blocking thread pool so async callers never block.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use khronika_model::{Analysis, Article, EntityKind};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Transaction};

use crate::error::{Result, StoreError};
use crate::types::*;
use crate::Store;

mod organise;

/// The database file inside the data directory.
pub const DB_FILE: &str = "khronika.db";

const READERS: usize = 4;
/// Limits on what one article may bring along (bad input must not bloat the archive).
const MAX_TAGS: usize = 64;
const MAX_TAG_LEN: usize = 200;
const MAX_URL_LEN: usize = 4096;
const MAX_LIMIT: usize = 10_000;

/// Ordered migrations: (version, SQL). Never edit a released one; add the next file.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/sqlite/0001_init.sql")),
    (
        2,
        include_str!("../../migrations/sqlite/0002_fetch_final_url.sql"),
    ),
    (3, include_str!("../../migrations/sqlite/0003_organise.sql")),
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
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let r = Connection::open(&path)?;
            configure(&r)?;
            r.pragma_update(None, "query_only", "ON")?;
            readers.push(Mutex::new(r));
        }
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                writer: Mutex::new(writer),
                readers,
                next_reader: AtomicUsize::new(0),
                path,
            }),
        })
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

fn ts(t: &DateTime<Utc>) -> String {
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

fn gunzip(bytes: &[u8]) -> Result<Vec<u8>> {
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

fn check_url(url: &str) -> Result<()> {
    if url.is_empty() || url.len() > MAX_URL_LEN {
        return Err(StoreError::Invalid(format!(
            "an article URL must be 1..={MAX_URL_LEN} bytes, got {}",
            url.len()
        )));
    }
    Ok(())
}

/// Visible = not hidden itself and not in a hidden source.
const VISIBLE: &str = "a.hidden = 0 AND COALESCE(s.hidden, 0) = 0";

// ---------- sources ----------

fn row_to_source(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Source, String, String, String)> {
    // JSON and time columns are returned raw and parsed by the caller (typed errors).
    Ok((
        Source {
            id: SourceId(r.get(0)?),
            name: r.get(1)?,
            home_url: r.get(2)?,
            feeds: Vec::new(),
            sitemaps: Vec::new(),
            lang: r.get(5)?,
            display: DisplayPolicy::parse(&r.get::<_, String>(6)?).unwrap_or_default(),
            hidden: r.get::<_, i64>(7)? != 0,
            politeness: Politeness {
                delay_ms: r.get::<_, Option<i64>>(8)?.map(|v| v.max(0) as u64),
                max_concurrency: r
                    .get::<_, Option<i64>>(9)?
                    .map(|v| v.clamp(0, 1 << 20) as u32),
            },
            created_at: DateTime::<Utc>::MIN_UTC,
        },
        r.get(3)?,
        r.get(4)?,
        r.get(10)?,
    ))
}

const SOURCE_COLS: &str = "id, name, home_url, feeds, sitemaps, lang, display, hidden, delay_ms, max_concurrency, created_at";

fn finish_source(raw: (Source, String, String, String)) -> Result<Source> {
    let (mut s, feeds, sitemaps, created) = raw;
    s.feeds = serde_json::from_str(&feeds)?;
    s.sitemaps = serde_json::from_str(&sitemaps)?;
    s.created_at = parse_ts(&created)?;
    Ok(s)
}

fn query_sources(conn: &Connection, where_sql: &str, args: &[Value]) -> Result<Vec<Source>> {
    let sql = format!("SELECT {SOURCE_COLS} FROM sources {where_sql} ORDER BY id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), row_to_source)?;
    let mut out = Vec::new();
    for raw in rows {
        out.push(finish_source(raw?)?);
    }
    Ok(out)
}

fn check_source(s: &NewSource) -> Result<()> {
    if s.name.trim().is_empty() {
        return Err(StoreError::Invalid("a source needs a name".into()));
    }
    if s.home_url.len() > MAX_URL_LEN {
        return Err(StoreError::Invalid(
            "the source's home URL is too long".into(),
        ));
    }
    Ok(())
}

// ---------- fetches ----------

fn insert_fetch(tx: &Transaction<'_>, f: &NewFetch, keep_body: bool) -> Result<i64> {
    let body = match (&f.precompressed, keep_body) {
        (Some(gz), true) if !gz.is_empty() => Some(gz.clone()),
        (None, true) if !f.body.is_empty() => Some(gzip(&f.body)?),
        _ => None,
    };
    tx.prepare_cached(
        "INSERT INTO fetches (source_id, url, final_url, status, content_type, etag,
             last_modified, fetched_at, body_encoding, body, body_len)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'gzip', ?9, ?10)",
    )?
    .execute(params![
        f.source_id.map(|s| s.0),
        f.url,
        f.final_url,
        f.status,
        f.content_type,
        f.etag,
        f.last_modified,
        ts(&f.fetched_at),
        body,
        f.body.len() as i64,
    ])?;
    Ok(tx.last_insert_rowid())
}

fn upsert_page(
    tx: &Transaction<'_>,
    f: &NewFetch,
    fetch_id: i64,
    article: Option<i64>,
) -> Result<()> {
    // A 304 confirms the validators we sent; any other response replaces them.
    let sql = if f.status == 304 {
        "INSERT INTO pages (url, source_id, status, etag, last_modified, fetched_at, last_fetch_id, article_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (url) DO UPDATE SET
            source_id = COALESCE(excluded.source_id, pages.source_id),
            etag = COALESCE(excluded.etag, pages.etag),
            last_modified = COALESCE(excluded.last_modified, pages.last_modified),
            fetched_at = excluded.fetched_at,
            last_fetch_id = excluded.last_fetch_id,
            article_id = COALESCE(excluded.article_id, pages.article_id)"
    } else {
        "INSERT INTO pages (url, source_id, status, etag, last_modified, fetched_at, last_fetch_id, article_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (url) DO UPDATE SET
            source_id = COALESCE(excluded.source_id, pages.source_id),
            status = excluded.status,
            etag = excluded.etag,
            last_modified = excluded.last_modified,
            fetched_at = excluded.fetched_at,
            last_fetch_id = excluded.last_fetch_id,
            article_id = COALESCE(excluded.article_id, pages.article_id)"
    };
    let status = if f.status == 304 { 200 } else { f.status };
    tx.prepare_cached(sql)?.execute(params![
        f.url,
        f.source_id.map(|s| s.0),
        status,
        f.etag,
        f.last_modified,
        ts(&f.fetched_at),
        fetch_id,
        article,
    ])?;
    Ok(())
}

// ---------- articles ----------

fn add_alias_urls(tx: &Transaction<'_>, id: i64, na: &NewArticle) -> Result<()> {
    let mut stmt =
        tx.prepare_cached("INSERT OR IGNORE INTO article_urls (url, article_id) VALUES (?1, ?2)")?;
    stmt.execute(params![na.url, id])?;
    for u in &na.other_urls {
        if !u.is_empty() && u.len() <= MAX_URL_LEN {
            stmt.execute(params![u, id])?;
        }
    }
    Ok(())
}

fn find_by_urls(tx: &Transaction<'_>, na: &NewArticle) -> Result<Option<(i64, i64, String)>> {
    let mut stmt = tx.prepare_cached(
        "SELECT a.id, a.version, a.content_hash FROM article_urls u
         JOIN articles a ON a.id = u.article_id WHERE u.url = ?1",
    )?;
    for u in std::iter::once(&na.url).chain(na.other_urls.iter()) {
        if let Some(hit) = stmt
            .query_row([u], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?
        {
            return Ok(Some(hit));
        }
    }
    Ok(None)
}

fn has_content(a: &Article) -> bool {
    a.blocks.iter().any(|b| !b.plain_text().trim().is_empty())
        || a.lead.as_deref().is_some_and(|l| !l.trim().is_empty())
}

fn entity_id(tx: &Transaction<'_>, kind: EntityKind, name: &str) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO entities (kind, name, name_lc) VALUES (?1, ?2, ?3)
         ON CONFLICT (kind, name) DO NOTHING",
    )?
    .execute(params![kind.code(), name, name.to_lowercase()])?;
    Ok(tx
        .prepare_cached("SELECT id FROM entities WHERE kind = ?1 AND name = ?2")?
        .query_row(params![kind.code(), name], |r| r.get(0))?)
}

/// Replace the derived rows (tags, mentions, quotes) with those of the new current version.
fn write_derived(
    tx: &Transaction<'_>,
    id: i64,
    article: &Article,
    analysis: Option<&Analysis>,
) -> Result<()> {
    tx.prepare_cached("DELETE FROM article_tags WHERE article_id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM mentions WHERE article_id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM quotes WHERE article_id = ?1")?
        .execute([id])?;
    for tag in article.tags.iter().take(MAX_TAGS) {
        let tag = tag.trim();
        if tag.is_empty() || tag.len() > MAX_TAG_LEN {
            continue;
        }
        tx.prepare_cached("INSERT OR IGNORE INTO tags (name) VALUES (?1)")?
            .execute([tag])?;
        tx.prepare_cached(
            "INSERT OR IGNORE INTO article_tags (article_id, tag_id)
             SELECT ?1, id FROM tags WHERE name = ?2",
        )?
        .execute(params![id, tag])?;
    }
    let Some(analysis) = analysis else {
        return Ok(());
    };
    for m in &analysis.entities {
        let name = if m.normal.trim().is_empty() {
            m.text.trim()
        } else {
            m.normal.trim()
        };
        if name.is_empty() {
            continue;
        }
        let eid = entity_id(tx, m.kind, name)?;
        tx.prepare_cached(
            "INSERT OR IGNORE INTO entity_aliases (entity_id, alias, alias_lc) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![eid, m.text, m.text.to_lowercase()])?;
        tx.prepare_cached(
            "INSERT INTO mentions (article_id, entity_id, start, end, text) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![id, eid, m.start as i64, m.end as i64, m.text])?;
    }
    for q in &analysis.quotes {
        // A speaker is linked to an entity of the same name, preferring a person.
        let speaker_id: Option<i64> = match q.speaker.as_deref() {
            Some(sp) if !sp.trim().is_empty() => tx
                .prepare_cached(
                    "SELECT id FROM entities WHERE name = ?1
                     ORDER BY CASE kind WHEN 'PER' THEN 0 ELSE 1 END LIMIT 1",
                )?
                .query_row([sp.trim()], |r| r.get(0))
                .optional()?,
            _ => None,
        };
        tx.prepare_cached(
            "INSERT INTO quotes (article_id, speaker_entity_id, speaker, role, text, start, end, direct)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            id,
            speaker_id,
            q.speaker,
            q.role,
            q.text,
            q.start as i64,
            q.end as i64,
            q.direct
        ])?;
    }
    Ok(())
}

fn insert_version(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    na: &NewArticle,
    fetch_id: Option<i64>,
) -> Result<()> {
    let article_json = serde_json::to_string(&na.article)?;
    let analysis_json = match &na.analysis {
        Some(a) => Some(serde_json::to_string(a)?),
        None => None,
    };
    tx.prepare_cached(
        "INSERT INTO article_versions (article_id, version, content_hash, fetch_id, stored_at, article, analysis)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        id,
        version,
        na.content_hash,
        fetch_id,
        ts(&na.seen_at),
        article_json,
        analysis_json
    ])?;
    Ok(())
}

struct Row {
    title: Option<String>,
    lead: Option<String>,
    image: Option<String>,
    lang: Option<String>,
    published: Option<String>,
    sort_ts: i64,
}

fn article_row(na: &NewArticle) -> Row {
    let a = &na.article;
    Row {
        title: a.title.clone(),
        lead: a.lead.clone(),
        image: a.images.first().map(|i| i.url.to_string()),
        lang: a.lang.as_ref().map(|l| l.as_str().to_owned()),
        published: a
            .published
            .map(|p| p.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        sort_ts: a
            .published
            .map(|p| p.timestamp())
            .unwrap_or_else(|| na.seen_at.timestamp()),
    }
}

fn put_one(tx: &Transaction<'_>, na: &NewArticle) -> Result<PutOutcome> {
    check_url(&na.url)?;
    if na.content_hash.is_empty() {
        return Err(StoreError::Invalid(format!(
            "{}: empty content hash",
            na.url
        )));
    }
    let existing = find_by_urls(tx, na)?;
    let existing = match existing {
        Some(e) => Some((e, false)),
        // Same text under another URL of the same source: one article, one more URL.
        None if has_content(&na.article) => tx
            .prepare_cached(
                // `+source_id`: keeps the planner on the hash index; without statistics it
                // would pick the source index and scan every article of the source.
                "SELECT id, version, content_hash FROM articles
                 WHERE content_hash = ?1 AND +source_id IS ?2 LIMIT 1",
            )?
            .query_row(params![na.content_hash, na.source_id.map(|s| s.0)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?
            .map(|e| (e, true)),
        None => None,
    };
    let row = article_row(na);
    let (outcome, article_id, keep) = match existing {
        Some(((id, _, hash), by_hash)) if hash == na.content_hash => {
            add_alias_urls(tx, id, na)?;
            let o = if by_hash {
                PutOutcome::Duplicate { id: ArticleId(id) }
            } else {
                PutOutcome::Unchanged { id: ArticleId(id) }
            };
            (o, id, false)
        }
        Some(((id, version, _), _)) => {
            let version = version + 1;
            let seq = next_seq(tx)?;
            tx.prepare_cached(
                "UPDATE articles SET title = ?2, lead = ?3, image = ?4, lang = ?5, published_at = ?6,
                    updated_at = ?7, sort_ts = ?8, version = ?9, content_hash = ?10, change_seq = ?11,
                    source_id = COALESCE(source_id, ?12)
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                row.title,
                row.lead,
                row.image,
                row.lang,
                row.published,
                ts(&na.seen_at),
                row.sort_ts,
                version,
                na.content_hash,
                seq,
                na.source_id.map(|s| s.0),
            ])?;
            add_alias_urls(tx, id, na)?;
            (
                PutOutcome::Updated {
                    id: ArticleId(id),
                    version: version.clamp(0, u32::MAX as i64) as u32,
                },
                id,
                true,
            )
        }
        None => {
            let seq = next_seq(tx)?;
            tx.prepare_cached(
                "INSERT INTO articles (source_id, url, title, lead, image, lang, published_at,
                    first_seen, updated_at, sort_ts, version, content_hash, change_seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, 1, ?10, ?11)",
            )?
            .execute(params![
                na.source_id.map(|s| s.0),
                na.url,
                row.title,
                row.lead,
                row.image,
                row.lang,
                row.published,
                ts(&na.seen_at),
                row.sort_ts,
                na.content_hash,
                seq,
            ])?;
            let id = tx.last_insert_rowid();
            add_alias_urls(tx, id, na)?;
            (PutOutcome::Created { id: ArticleId(id) }, id, true)
        }
    };
    // The raw page is kept only when it produced stored content (a new article or version).
    let fetch_id = match &na.fetch {
        Some(f) => {
            let fid = insert_fetch(tx, f, keep && f.keep_body)?;
            upsert_page(tx, f, fid, Some(article_id))?;
            if f.final_url != f.url {
                let mut hop = f.clone();
                hop.url = f.final_url.clone();
                upsert_page(tx, &hop, fid, Some(article_id))?;
            }
            Some(fid)
        }
        None => None,
    };
    if keep {
        let version = match outcome {
            PutOutcome::Updated { version, .. } => version as i64,
            _ => 1,
        };
        insert_version(tx, article_id, version, na, fetch_id)?;
        write_derived(tx, article_id, &na.article, na.analysis.as_ref())?;
    }
    Ok(outcome)
}

const ARTICLE_SELECT: &str =
    "SELECT a.id, a.source_id, a.url, a.version, a.content_hash, a.first_seen,
        a.updated_at, a.hidden, s.hidden, s.display, a.change_seq, v.article, v.analysis,
        (SELECT sa.story_id FROM story_articles sa WHERE sa.article_id = a.id LIMIT 1),
        a.duplicate_of, a.rubric
     FROM articles a
     LEFT JOIN sources s ON s.id = a.source_id
     JOIN article_versions v ON v.article_id = a.id AND v.version = a.version";

type RawArticle = (
    i64,
    Option<i64>,
    String,
    i64,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
    i64,
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

fn raw_article(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawArticle> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
        r.get(12)?,
        r.get(13)?,
        r.get(14)?,
        r.get(15)?,
    ))
}

fn display_of(source_id: Option<i64>, display: Option<&str>) -> DisplayPolicy {
    match (source_id, display) {
        (None, _) => DisplayPolicy::FullText,
        (Some(_), Some(d)) => DisplayPolicy::parse(d).unwrap_or_default(),
        (Some(_), None) => DisplayPolicy::default(),
    }
}

fn finish_article(raw: RawArticle) -> Result<StoredArticle> {
    let (
        id,
        source,
        url,
        version,
        hash,
        first,
        updated,
        hidden,
        s_hidden,
        display,
        seq,
        art,
        ana,
        story,
        dup,
        rubric,
    ) = raw;
    Ok(StoredArticle {
        id: ArticleId(id),
        source_id: source.map(SourceId),
        url,
        version: version.clamp(0, u32::MAX as i64) as u32,
        content_hash: hash,
        first_seen: parse_ts(&first)?,
        updated_at: parse_ts(&updated)?,
        hidden: hidden != 0 || s_hidden.unwrap_or(0) != 0,
        display: display_of(source, display.as_deref()),
        article: serde_json::from_str(&art)?,
        analysis: match ana {
            Some(a) => Some(serde_json::from_str(&a)?),
            None => None,
        },
        change_seq: seq.max(0) as u64,
        story_id: story.map(StoryId),
        duplicate_of: dup.map(ArticleId),
        rubric: organise::rubric_from_code(rubric)?,
    })
}

fn load_article(conn: &Connection, id: i64) -> Result<Option<StoredArticle>> {
    let sql = format!("{ARTICLE_SELECT} WHERE a.id = ?1");
    let raw = conn
        .prepare_cached(&sql)?
        .query_row([id], raw_article)
        .optional()?;
    raw.map(finish_article).transpose()
}

fn parse_cursor(c: &str) -> Result<(i64, i64)> {
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

fn load_entity(conn: &Connection, id: i64) -> Result<Option<Entity>> {
    let row: Option<(i64, String, String, i64)> = conn
        .prepare_cached(
            "SELECT e.id, e.kind, e.name, (SELECT COUNT(*) FROM mentions m WHERE m.entity_id = e.id)
             FROM entities e WHERE e.id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let Some((id, kind, name, n)) = row else {
        return Ok(None);
    };
    let mut stmt = conn
        .prepare_cached("SELECT alias FROM entity_aliases WHERE entity_id = ?1 ORDER BY alias")?;
    let aliases = stmt
        .query_map([id], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(Entity {
        id: EntityId(id),
        kind: kind_from_code(&kind)?,
        name,
        aliases,
        mentions: n.max(0) as u64,
    }))
}

fn bump_articles(tx: &Transaction<'_>, where_sql: &str, arg: i64) -> Result<()> {
    let ids: Vec<i64> = tx
        .prepare(&format!("SELECT id FROM articles WHERE {where_sql}"))?
        .query_map([arg], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        let seq = next_seq(tx)?;
        tx.prepare_cached("UPDATE articles SET change_seq = ?2 WHERE id = ?1")?
            .execute(params![id, seq])?;
    }
    Ok(())
}

#[async_trait]
impl Store for SqliteStore {
    async fn add_source(&self, source: &NewSource) -> Result<SourceId> {
        check_source(source)?;
        let s = source.clone();
        self.write(move |c| {
            let tx = c.transaction()?;
            let exists: Option<i64> = tx
                .query_row("SELECT id FROM sources WHERE name = ?1", [&s.name], |r| {
                    r.get(0)
                })
                .optional()?;
            if exists.is_some() {
                return Err(StoreError::Conflict(format!(
                    "a source named {:?} already exists",
                    s.name
                )));
            }
            tx.execute(
                "INSERT INTO sources (name, home_url, feeds, sitemaps, lang, display, delay_ms, max_concurrency, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    s.name,
                    s.home_url,
                    serde_json::to_string(&s.feeds)?,
                    serde_json::to_string(&s.sitemaps)?,
                    s.lang,
                    s.display.as_str(),
                    s.politeness.delay_ms.map(|v| v.min(i64::MAX as u64) as i64),
                    s.politeness.max_concurrency.map(i64::from),
                    ts(&Utc::now()),
                ],
            )?;
            let id = tx.last_insert_rowid();
            tx.commit()?;
            Ok(SourceId(id))
        })
        .await
    }

    async fn update_source(&self, source: &Source) -> Result<()> {
        let s = source.clone();
        self.write(move |c| {
            let n = c.execute(
                "UPDATE sources SET name = ?2, home_url = ?3, feeds = ?4, sitemaps = ?5, lang = ?6,
                    display = ?7, delay_ms = ?8, max_concurrency = ?9 WHERE id = ?1",
                params![
                    s.id.0,
                    s.name,
                    s.home_url,
                    serde_json::to_string(&s.feeds)?,
                    serde_json::to_string(&s.sitemaps)?,
                    s.lang,
                    s.display.as_str(),
                    s.politeness.delay_ms.map(|v| v.min(i64::MAX as u64) as i64),
                    s.politeness.max_concurrency.map(i64::from),
                ],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("source {}", s.id)));
            }
            Ok(())
        })
        .await
    }

    async fn list_sources(&self) -> Result<Vec<Source>> {
        self.read(|c| query_sources(c, "", &[])).await
    }

    async fn get_source(&self, id: SourceId) -> Result<Option<Source>> {
        self.read(move |c| {
            Ok(query_sources(c, "WHERE id = ?1", &[Value::Integer(id.0)])?
                .into_iter()
                .next())
        })
        .await
    }

    async fn source_by_name(&self, name: &str) -> Result<Option<Source>> {
        let name = name.to_owned();
        self.read(move |c| {
            Ok(query_sources(c, "WHERE name = ?1", &[Value::Text(name)])?
                .into_iter()
                .next())
        })
        .await
    }

    async fn remove_source(&self, id: SourceId) -> Result<bool> {
        self.write(move |c| {
            let tx = c.transaction()?;
            let ids: Vec<i64> = tx
                .prepare("SELECT id FROM articles WHERE source_id = ?1")?
                .query_map([id.0], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for aid in ids {
                let seq = next_seq(&tx)?;
                tx.execute(
                    "INSERT OR REPLACE INTO tombstones (article_id, change_seq) VALUES (?1, ?2)",
                    params![aid, seq],
                )?;
            }
            let n = tx.execute("DELETE FROM sources WHERE id = ?1", [id.0])?;
            tx.commit()?;
            Ok(n > 0)
        })
        .await
    }

    async fn set_source_display(&self, id: SourceId, display: DisplayPolicy) -> Result<()> {
        self.write(move |c| {
            let tx = c.transaction()?;
            let n = tx.execute(
                "UPDATE sources SET display = ?2 WHERE id = ?1",
                params![id.0, display.as_str()],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("source {id}")));
            }
            bump_articles(&tx, "source_id = ?1", id.0)?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn set_source_hidden(&self, id: SourceId, hidden: bool) -> Result<()> {
        self.write(move |c| {
            let tx = c.transaction()?;
            let n = tx.execute(
                "UPDATE sources SET hidden = ?2 WHERE id = ?1",
                params![id.0, hidden],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("source {id}")));
            }
            bump_articles(&tx, "source_id = ?1", id.0)?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn record_fetches(&self, fetches: &[NewFetch]) -> Result<Vec<FetchId>> {
        let fetches = fetches.to_vec();
        self.write(move |c| {
            let tx = c.transaction()?;
            let mut ids = Vec::with_capacity(fetches.len());
            for f in &fetches {
                let id = insert_fetch(&tx, f, f.keep_body)?;
                upsert_page(&tx, f, id, None)?;
                ids.push(FetchId(id));
            }
            tx.commit()?;
            Ok(ids)
        })
        .await
    }

    async fn page_state(&self, url: &str) -> Result<Option<PageState>> {
        let url = url.to_owned();
        self.read(move |c| {
            let raw: Option<(
                String,
                Option<i64>,
                i64,
                Option<String>,
                Option<String>,
                String,
                Option<i64>,
            )> = c
                .prepare_cached(
                    "SELECT url, source_id, status, etag, last_modified, fetched_at, article_id
                     FROM pages WHERE url = ?1",
                )?
                .query_row([&url], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                })
                .optional()?;
            raw.map(|(url, source, status, etag, lm, at, article)| {
                Ok(PageState {
                    url,
                    source_id: source.map(SourceId),
                    status: status.clamp(0, u16::MAX as i64) as u16,
                    etag,
                    last_modified: lm,
                    fetched_at: parse_ts(&at)?,
                    article_id: article.map(ArticleId),
                })
            })
            .transpose()
        })
        .await
    }

    async fn raw_pages(&self, after: Option<FetchId>, limit: usize) -> Result<Vec<StoredFetch>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, source_id, url, final_url, status, content_type, fetched_at, body
                 FROM fetches f WHERE id > ?1 AND body IS NOT NULL
                   AND id = (SELECT MAX(g.id) FROM fetches g
                             WHERE g.final_url = f.final_url AND g.body IS NOT NULL)
                 ORDER BY id LIMIT ?2",
            )?;
            let rows = stmt.query_map(
                params![after.map(|f| f.0).unwrap_or(0), clamp_limit(limit)],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Option<i64>>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, Vec<u8>>(7)?,
                    ))
                },
            )?;
            let mut out = Vec::new();
            for row in rows {
                let (id, source, url, final_url, status, ct, at, body) = row?;
                out.push(StoredFetch {
                    id: FetchId(id),
                    source_id: source.map(SourceId),
                    url,
                    final_url,
                    status: status.clamp(0, u16::MAX as i64) as u16,
                    content_type: ct,
                    fetched_at: parse_ts(&at)?,
                    body: gunzip(&body)?,
                });
            }
            Ok(out)
        })
        .await
    }

    async fn put_articles(&self, batch: &[NewArticle]) -> Result<Vec<PutOutcome>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let batch = batch.to_vec();
        self.write(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let mut out = Vec::with_capacity(batch.len());
            for na in &batch {
                out.push(put_one(&tx, na)?);
            }
            tx.commit()?;
            Ok(out)
        })
        .await
    }

    async fn get_article(&self, id: ArticleId) -> Result<Option<StoredArticle>> {
        self.read(move |c| load_article(c, id.0)).await
    }

    async fn article_by_url(&self, url: &str) -> Result<Option<StoredArticle>> {
        let url = url.to_owned();
        self.read(move |c| {
            let id: Option<i64> = c
                .prepare_cached("SELECT article_id FROM article_urls WHERE url = ?1")?
                .query_row([&url], |r| r.get(0))
                .optional()?;
            match id {
                Some(id) => load_article(c, id),
                None => Ok(None),
            }
        })
        .await
    }

    async fn article_versions(&self, id: ArticleId) -> Result<Vec<ArticleVersion>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT version, content_hash, stored_at, fetch_id, article, analysis
                 FROM article_versions WHERE article_id = ?1 ORDER BY version",
            )?;
            let rows = stmt.query_map([id.0], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (version, hash, at, fetch, art, ana) = row?;
                out.push(ArticleVersion {
                    version: version.clamp(0, u32::MAX as i64) as u32,
                    content_hash: hash,
                    stored_at: parse_ts(&at)?,
                    fetch_id: fetch.map(FetchId),
                    article: serde_json::from_str(&art)?,
                    analysis: match ana {
                        Some(a) => Some(serde_json::from_str(&a)?),
                        None => None,
                    },
                });
            }
            Ok(out)
        })
        .await
    }

    async fn list_articles(
        &self,
        filter: &ArticleFilter,
        page: &PageRequest,
    ) -> Result<Page<ArticleSummary>> {
        let filter = filter.clone();
        let page = page.clone();
        self.read(move |c| {
            let limit = clamp_limit(page.limit);
            let mut sql = String::from(
                "SELECT a.id, a.source_id, a.url, a.title, a.lead, a.image, a.lang, a.published_at,
                        a.first_seen, a.version, s.display, a.sort_ts,
                        (SELECT sa.story_id FROM story_articles sa WHERE sa.article_id = a.id),
                        a.duplicate_of, a.rubric
                 FROM articles a LEFT JOIN sources s ON s.id = a.source_id WHERE 1 = 1",
            );
            let mut args: Vec<Value> = Vec::new();
            if !filter.include_hidden {
                sql.push_str(" AND ");
                sql.push_str(VISIBLE);
            }
            if let Some(s) = filter.source {
                args.push(Value::Integer(s.0));
                sql.push_str(&format!(" AND a.source_id = ?{}", args.len()));
            }
            if let Some(tag) = &filter.tag {
                args.push(Value::Text(tag.clone()));
                sql.push_str(&format!(
                    " AND a.id IN (SELECT t.article_id FROM article_tags t JOIN tags g ON g.id = t.tag_id WHERE g.name = ?{})",
                    args.len()
                ));
            }
            if let Some(e) = filter.entity {
                args.push(Value::Integer(e.0));
                sql.push_str(&format!(
                    " AND a.id IN (SELECT m.article_id FROM mentions m WHERE m.entity_id = ?{})",
                    args.len()
                ));
            }
            if let Some(story) = filter.story {
                args.push(Value::Integer(story.0));
                sql.push_str(&format!(
                    " AND a.id IN (SELECT sa.article_id FROM story_articles sa WHERE sa.story_id = ?{})",
                    args.len()
                ));
            }
            if let Some(rubric) = filter.rubric {
                args.push(Value::Text(rubric.code().to_owned()));
                sql.push_str(&format!(" AND a.rubric = ?{}", args.len()));
            }
            if filter.originals_only {
                sql.push_str(" AND a.duplicate_of IS NULL");
            }
            if let Some(since) = filter.since {
                args.push(Value::Integer(since.timestamp()));
                sql.push_str(&format!(" AND a.sort_ts >= ?{}", args.len()));
            }
            if let Some(until) = filter.until {
                args.push(Value::Integer(until.timestamp()));
                sql.push_str(&format!(" AND a.sort_ts < ?{}", args.len()));
            }
            if let Some(cursor) = &page.cursor {
                let (t, id) = parse_cursor(cursor)?;
                args.push(Value::Integer(t));
                let tn = args.len();
                args.push(Value::Integer(id));
                let idn = args.len();
                sql.push_str(&format!(
                    " AND (a.sort_ts < ?{tn} OR (a.sort_ts = ?{tn} AND a.id < ?{idn}))"
                ));
            }
            args.push(Value::Integer(limit + 1));
            sql.push_str(&format!(" ORDER BY a.sort_ts DESC, a.id DESC LIMIT ?{}", args.len()));
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, String>(8)?,
                    r.get::<_, i64>(9)?,
                    r.get::<_, Option<String>>(10)?,
                    r.get::<_, i64>(11)?,
                    r.get::<_, Option<i64>>(12)?,
                    r.get::<_, Option<i64>>(13)?,
                    r.get::<_, Option<String>>(14)?,
                ))
            })?;
            let mut items = Vec::new();
            let mut keys = Vec::new();
            for row in rows {
                let (id, source, url, title, lead, image, lang, published, first, version, display, sort_ts, story, dup, rubric) = row?;
                keys.push((sort_ts, id));
                items.push(ArticleSummary {
                    id: ArticleId(id),
                    source_id: source.map(SourceId),
                    url,
                    title,
                    lead,
                    image,
                    lang,
                    published,
                    first_seen: parse_ts(&first)?,
                    version: version.clamp(0, u32::MAX as i64) as u32,
                    display: display_of(source, display.as_deref()),
                    story_id: story.map(StoryId),
                    duplicate_of: dup.map(ArticleId),
                    rubric: organise::rubric_from_code(rubric)?,
                });
            }
            let limit = limit as usize;
            let next = if items.len() > limit {
                items.truncate(limit);
                keys.get(limit.saturating_sub(1)).map(|(t, id)| format!("{t}_{id}"))
            } else {
                None
            };
            Ok(Page { items, next })
        })
        .await
    }

    async fn articles_changed_since(&self, seq: u64, limit: usize) -> Result<Vec<Change>> {
        self.read(move |c| {
            let seq = seq.min(i64::MAX as u64) as i64;
            let mut stmt = c.prepare_cached(
                "SELECT seq, id, deleted FROM (
                    SELECT change_seq AS seq, id, 0 AS deleted FROM articles WHERE change_seq > ?1
                    UNION ALL
                    SELECT change_seq AS seq, article_id AS id, 1 AS deleted FROM tombstones WHERE change_seq > ?1
                 ) ORDER BY seq LIMIT ?2",
            )?;
            let rows: Vec<(i64, i64, i64)> = stmt
                .query_map(params![seq, clamp_limit(limit)], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let mut out = Vec::with_capacity(rows.len());
            for (s, id, deleted) in rows {
                let article = if deleted != 0 {
                    None
                } else {
                    load_article(c, id)?
                };
                out.push(Change {
                    seq: s.max(0) as u64,
                    article_id: ArticleId(id),
                    article,
                });
            }
            Ok(out)
        })
        .await
    }

    async fn current_change_seq(&self) -> Result<u64> {
        self.read(|c| {
            let v: i64 =
                c.query_row("SELECT value FROM meta WHERE key = 'change_seq'", [], |r| {
                    r.get(0)
                })?;
            Ok(v.max(0) as u64)
        })
        .await
    }

    async fn set_article_hidden(&self, id: ArticleId, hidden: bool) -> Result<()> {
        self.write(move |c| {
            let tx = c.transaction()?;
            let seq = next_seq(&tx)?;
            let n = tx.execute(
                "UPDATE articles SET hidden = ?2, change_seq = ?3 WHERE id = ?1",
                params![id.0, hidden, seq],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("article {id}")));
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn article_tags(&self, id: ArticleId) -> Result<Vec<String>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT g.name FROM article_tags t JOIN tags g ON g.id = t.tag_id
                 WHERE t.article_id = ?1 ORDER BY g.name",
            )?;
            let v = stmt
                .query_map([id.0], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(v)
        })
        .await
    }

    async fn get_entity(&self, id: EntityId) -> Result<Option<Entity>> {
        self.read(move |c| load_entity(c, id.0)).await
    }

    async fn find_entities(&self, name: &str) -> Result<Vec<Entity>> {
        let lc = name.trim().to_lowercase();
        self.read(move |c| {
            let ids: Vec<i64> = c
                .prepare_cached(
                    "SELECT id FROM entities WHERE name_lc = ?1
                     UNION SELECT entity_id FROM entity_aliases WHERE alias_lc = ?1
                     LIMIT 100",
                )?
                .query_map([&lc], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut out = Vec::new();
            for id in ids {
                if let Some(e) = load_entity(c, id)? {
                    out.push(e);
                }
            }
            out.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.id.cmp(&b.id)));
            Ok(out)
        })
        .await
    }

    async fn top_entities(&self, kind: Option<EntityKind>, limit: usize) -> Result<Vec<Entity>> {
        self.read(move |c| {
            let ids: Vec<i64> = c
                .prepare_cached(
                    "SELECT e.id FROM entities e JOIN mentions m ON m.entity_id = e.id
                     WHERE ?1 IS NULL OR e.kind = ?1
                     GROUP BY e.id ORDER BY COUNT(*) DESC, e.id LIMIT ?2",
                )?
                .query_map(params![kind.map(|k| k.code()), clamp_limit(limit)], |r| {
                    r.get(0)
                })?
                .collect::<rusqlite::Result<_>>()?;
            let mut out = Vec::new();
            for id in ids {
                if let Some(e) = load_entity(c, id)? {
                    out.push(e);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn entity_mentions(&self, id: EntityId, limit: usize) -> Result<Vec<EntityMention>> {
        self.read(move |c| {
            let sql = format!(
                "SELECT m.article_id, a.title, a.published_at, m.start, m.end, m.text
                 FROM mentions m JOIN articles a ON a.id = m.article_id
                 LEFT JOIN sources s ON s.id = a.source_id
                 WHERE m.entity_id = ?1 AND {VISIBLE}
                 ORDER BY a.sort_ts DESC, a.id DESC, m.start LIMIT ?2"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let v = stmt
                .query_map(params![id.0, clamp_limit(limit)], |r| {
                    Ok(EntityMention {
                        article_id: ArticleId(r.get(0)?),
                        article_title: r.get(1)?,
                        published: r.get(2)?,
                        start: r.get::<_, i64>(3)?.max(0) as usize,
                        end: r.get::<_, i64>(4)?.max(0) as usize,
                        text: r.get(5)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(v)
        })
        .await
    }

    async fn entity_quotes(&self, id: EntityId, limit: usize) -> Result<Vec<EntityQuote>> {
        self.read(move |c| {
            let sql = format!(
                "SELECT q.article_id, a.title, a.published_at, q.text, q.role, q.direct
                 FROM quotes q JOIN articles a ON a.id = q.article_id
                 LEFT JOIN sources s ON s.id = a.source_id
                 WHERE q.speaker_entity_id = ?1 AND {VISIBLE}
                 ORDER BY a.sort_ts DESC, a.id DESC, q.start LIMIT ?2"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let v = stmt
                .query_map(params![id.0, clamp_limit(limit)], |r| {
                    Ok(EntityQuote {
                        article_id: ArticleId(r.get(0)?),
                        article_title: r.get(1)?,
                        published: r.get(2)?,
                        text: r.get(3)?,
                        role: r.get(4)?,
                        direct: r.get::<_, i64>(5)? != 0,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(v)
        })
        .await
    }

    async fn tags(&self, limit: usize) -> Result<Vec<TagCount>> {
        self.read(move |c| {
            let sql = format!(
                "SELECT g.name, COUNT(*) AS n FROM article_tags t
                 JOIN tags g ON g.id = t.tag_id
                 JOIN articles a ON a.id = t.article_id
                 LEFT JOIN sources s ON s.id = a.source_id
                 WHERE {VISIBLE}
                 GROUP BY g.id ORDER BY n DESC, g.name LIMIT ?1"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let v = stmt
                .query_map([clamp_limit(limit)], |r| {
                    Ok(TagCount {
                        name: r.get(0)?,
                        articles: r.get::<_, i64>(1)?.max(0) as u64,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(v)
        })
        .await
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
        self.write(move |c| {
            let exists: Option<i64> = c
                .prepare_cached("SELECT id FROM articles WHERE id = ?1")?
                .query_row([id.0], |r| r.get(0))
                .optional()?;
            if exists.is_none() {
                return Err(StoreError::NotFound(format!("article {id}")));
            }
            c.prepare_cached(
                "INSERT INTO page_views (article_id, hour, count) VALUES (?1, ?2, 1)
                 ON CONFLICT (article_id, hour) DO UPDATE SET count = count + 1",
            )?
            .execute(params![id.0, hour])?;
            Ok(())
        })
        .await
    }

    async fn record_views(&self, views: &[(ArticleId, u64)]) -> Result<()> {
        if views.is_empty() {
            return Ok(());
        }
        let views = views.to_vec();
        let hour = Utc::now().timestamp().div_euclid(3600);
        self.write(move |c| {
            let tx = c.transaction()?;
            for (id, n) in views {
                if n == 0 {
                    continue;
                }
                let n = n.min(i64::MAX as u64) as i64;
                // INSERT ... SELECT skips ids that are not (or no longer) articles.
                tx.prepare_cached(
                    "INSERT INTO page_views (article_id, hour, count)
                     SELECT id, ?2, ?3 FROM articles WHERE id = ?1
                     ON CONFLICT (article_id, hour) DO UPDATE SET count = count + excluded.count",
                )?
                .execute(params![id.0, hour, n])?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn popular(&self, window: Duration, limit: usize) -> Result<Vec<Popular>> {
        let from_hour = Utc::now()
            .timestamp()
            .saturating_sub(window.as_secs().min(i64::MAX as u64) as i64)
            .div_euclid(3600);
        self.read(move |c| {
            let sql = format!(
                "SELECT v.article_id, SUM(v.count) AS n FROM page_views v
                 JOIN articles a ON a.id = v.article_id
                 LEFT JOIN sources s ON s.id = a.source_id
                 WHERE v.hour >= ?1 AND {VISIBLE}
                 GROUP BY v.article_id ORDER BY n DESC, v.article_id DESC LIMIT ?2"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let v = stmt
                .query_map(params![from_hour, clamp_limit(limit)], |r| {
                    Ok(Popular {
                        article_id: ArticleId(r.get(0)?),
                        views: r.get::<_, i64>(1)?.max(0) as u64,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(v)
        })
        .await
    }

    async fn article_views(&self, ids: &[ArticleId]) -> Result<Vec<Popular>> {
        let ids: Vec<i64> = ids.iter().take(10_000).map(|a| a.0).collect();
        self.read(move |c| {
            let mut stmt =
                c.prepare_cached("SELECT SUM(count) FROM page_views WHERE article_id = ?1")?;
            let mut out = Vec::new();
            for id in ids {
                let n: Option<i64> = stmt.query_row([id], |r| r.get(0))?;
                if let Some(n) = n.filter(|n| *n > 0) {
                    out.push(Popular {
                        article_id: ArticleId(id),
                        views: n as u64,
                    });
                }
            }
            Ok(out)
        })
        .await
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
