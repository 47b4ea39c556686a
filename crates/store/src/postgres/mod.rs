//! The shared backend: one PostgreSQL database for many ingest workers and portal servers.
//!
//! A deadpool pool of tokio-postgres connections (pure Rust, no libpq). tokio-postgres +
//! deadpool was chosen over sqlx on build cost: the two add about a minute of CPU to a
//! clean build of this crate on the project machine (`cargo build -p khronika-store`: 58 s
//! user, 1 m 50 s wall on 2 shared cores, against the SQLite-only crate), and no proc-macro
//! or compile-time query checking that would need a database at build time.
//!
//! Layout mirrors `sqlite/`: this file holds the pool, migrations, shared helpers and the
//! one `impl Store for PgStore`; the areas live in `sources`, `fetches`, `articles`, `entities`,
//! `organise`, `health` and `views`. Adding a method is one area function plus one line in the impl.
//!
//! **The change sequence** is a counter row (`meta.change_seq`), not a PostgreSQL
//! `SEQUENCE`: a writer that takes a number holds the row lock until it commits, so numbers
//! become visible in order and an index following `articles_changed_since` never skips a
//! number that a slower transaction commits later (with a `SEQUENCE`, transaction A could
//! take 5, B take 6 and commit first, and a reader at 6 would never see 5). Every write
//! transaction that bumps the sequence takes that lock first (`lock_seq`), so all of them
//! lock in the same order and cannot deadlock. The cost: writers of articles serialise on
//! that row, as they do in SQLite; workers spend their time fetching and extracting, not in
//! this lock.
//!
//! **Migrations** are explicit (`khronika migrate`, [`migrate`]): several processes share
//! the database, so none of them changes its schema behind the others. [`PgStore::connect`]
//! refuses a schema older or newer than the one this binary knows.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use khronika_model::EntityKind;
use tokio_postgres::types::ToSql;
use tokio_postgres::NoTls;

use crate::error::{Result, StoreError};
use crate::types::*;
use crate::Store;

mod articles;
mod entities;
mod fetches;
mod frontier;
mod health;
mod organise;
mod sources;
mod views;

/// Connections the pool opens at most (a portal server's readers and one writer task).
const POOL_SIZE: usize = 16;
const MAX_LIMIT: usize = 10_000;

/// Ordered migrations: (version, SQL), the PostgreSQL twins of `migrations/sqlite/`.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/postgres/0001_init.sql")),
    (
        2,
        include_str!("../../migrations/postgres/0002_fetch_final_url.sql"),
    ),
    (
        3,
        include_str!("../../migrations/postgres/0003_organise.sql"),
    ),
    (
        4,
        include_str!("../../migrations/postgres/0004_source_health.sql"),
    ),
    (
        5,
        include_str!("../../migrations/postgres/0005_entity_registry.sql"),
    ),
    // 6 and 7 are taken by work on other branches; the frontier is 8 so the merges line up.
    (
        8,
        include_str!("../../migrations/postgres/0008_frontier.sql"),
    ),
];

/// The schema version this binary reads and writes.
pub fn known_version() -> i64 {
    MIGRATIONS.last().map(|m| m.0).unwrap_or(0)
}

/// A key for `pg_advisory_xact_lock`: two `khronika migrate` at once run one after the other.
const MIGRATE_LOCK: i64 = 0x6b68_726f_6e69_6b61;

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        match e.code() {
            Some(c) if *c == tokio_postgres::error::SqlState::UNIQUE_VIOLATION => {
                StoreError::Conflict(e.to_string())
            }
            _ => StoreError::Backend(match e.as_db_error() {
                Some(db) => db.to_string(),
                None => e.to_string(),
            }),
        }
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        StoreError::Backend(format!("database connection: {e}"))
    }
}

fn pool(url: &str) -> Result<Pool> {
    let cfg: tokio_postgres::Config = url
        .parse()
        .map_err(|e| StoreError::Invalid(format!("database URL: {e}")))?;
    let mgr = Manager::from_config(
        cfg,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(mgr)
        .max_size(POOL_SIZE)
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .wait_timeout(Some(Duration::from_secs(30)))
        .create_timeout(Some(Duration::from_secs(10)))
        .build()
        .map_err(|e| StoreError::Backend(format!("database pool: {e}")))
}

async fn schema_version(client: &tokio_postgres::Client) -> Result<i64> {
    let exists: bool = client
        .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])
        .await?
        .get(0);
    if !exists {
        return Ok(0);
    }
    Ok(client
        .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])
        .await?
        .get(0))
}

/// Apply every migration the database lacks, in one transaction; returns the versions
/// applied. A database newer than this binary is refused.
pub async fn migrate(url: &str) -> Result<Vec<i64>> {
    let pool = pool(url)?;
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_version (
            version    BIGINT PRIMARY KEY,
            applied_at TIMESTAMPTZ NOT NULL
        )",
    )
    .await?;
    let current: i64 = tx
        .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])
        .await?
        .get(0);
    let known = known_version();
    if current > known {
        return Err(StoreError::SchemaTooNew {
            found: current,
            known,
        });
    }
    let mut applied = Vec::new();
    for (version, sql) in MIGRATIONS {
        if *version <= current {
            continue;
        }
        tx.batch_execute(sql)
            .await
            .map_err(|e| StoreError::Backend(format!("migration {version} failed: {e}")))?;
        tx.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES ($1, now())",
            &[version],
        )
        .await?;
        applied.push(*version);
    }
    if let Some(n) = entities::relink_if_needed(&tx).await? {
        tracing::info!(articles = n, "entity registry rebuilt from stored analyses");
    }
    tx.commit().await?;
    Ok(applied)
}

/// The PostgreSQL [`Store`]. Cheap to clone (a shared pool).
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connect to a migrated database. A schema older than this binary's is
    /// [`StoreError::NotMigrated`] (run `khronika migrate`), a newer one
    /// [`StoreError::SchemaTooNew`]: a process never works on a schema it does not know.
    pub async fn connect(url: &str) -> Result<Self> {
        let pool = pool(url)?;
        let client = pool.get().await?;
        let found = schema_version(&client).await?;
        let known = known_version();
        if found > known {
            return Err(StoreError::SchemaTooNew { found, known });
        }
        if found < known {
            return Err(StoreError::NotMigrated { found, known });
        }
        drop(client);
        Ok(PgStore { pool })
    }

    async fn client(&self) -> Result<deadpool_postgres::Object> {
        Ok(self.pool.get().await?)
    }
}

// ---------- small helpers ----------

fn clamp_limit(limit: usize) -> i64 {
    limit.clamp(1, MAX_LIMIT) as i64
}

/// A transaction whose statements are prepared once per pooled connection (deadpool's
/// cache): the write path runs a dozen statements per article, and preparing each anew
/// costs a round trip.
type CachedTx<'a> = deadpool_postgres::Transaction<'a>;

async fn exec(tx: &CachedTx<'_>, sql: &str, args: &[&(dyn ToSql + Sync)]) -> Result<u64> {
    let st = tx.prepare_cached(sql).await?;
    Ok(tx.execute(&st, args).await?)
}

async fn query_opt(
    tx: &CachedTx<'_>,
    sql: &str,
    args: &[&(dyn ToSql + Sync)],
) -> Result<Option<tokio_postgres::Row>> {
    let st = tx.prepare_cached(sql).await?;
    Ok(tx.query_opt(&st, args).await?)
}

async fn query_one(
    tx: &CachedTx<'_>,
    sql: &str,
    args: &[&(dyn ToSql + Sync)],
) -> Result<tokio_postgres::Row> {
    let st = tx.prepare_cached(sql).await?;
    Ok(tx.query_one(&st, args).await?)
}

/// Take the change-sequence row lock (first thing in a transaction that will bump it).
async fn lock_seq(tx: &tokio_postgres::Transaction<'_>) -> Result<()> {
    tx.execute(
        "SELECT value FROM meta WHERE key = 'change_seq' FOR UPDATE",
        &[],
    )
    .await?;
    Ok(())
}

async fn next_seq(tx: &tokio_postgres::Transaction<'_>) -> Result<i64> {
    Ok(tx
        .query_one(
            "UPDATE meta SET value = value + 1 WHERE key = 'change_seq' RETURNING value",
            &[],
        )
        .await?
        .get(0))
}

/// Visible = not hidden itself and not in a hidden source.
const VISIBLE: &str = "NOT a.hidden AND NOT COALESCE(s.hidden, FALSE)";

#[async_trait]
impl Store for PgStore {
    async fn add_source(&self, source: &NewSource) -> Result<SourceId> {
        crate::sqlite::check_source(source)?;
        sources::add_source(&mut **self.client().await?, source).await
    }

    async fn update_source(&self, source: &Source) -> Result<()> {
        sources::update_source(&**self.client().await?, source).await
    }

    async fn list_sources(&self) -> Result<Vec<Source>> {
        sources::query_sources(&**self.client().await?, "", &[]).await
    }

    async fn get_source(&self, id: SourceId) -> Result<Option<Source>> {
        let c = self.client().await?;
        Ok(sources::query_sources(&**c, "WHERE id = $1", &[&id.0])
            .await?
            .into_iter()
            .next())
    }

    async fn source_by_name(&self, name: &str) -> Result<Option<Source>> {
        let c = self.client().await?;
        Ok(sources::query_sources(&**c, "WHERE name = $1", &[&name])
            .await?
            .into_iter()
            .next())
    }

    async fn remove_source(&self, id: SourceId) -> Result<bool> {
        sources::remove_source(&mut **self.client().await?, id).await
    }

    async fn set_source_display(&self, id: SourceId, display: DisplayPolicy) -> Result<()> {
        sources::set_source_flag(
            &mut **self.client().await?,
            id,
            "display",
            &display.as_str(),
        )
        .await
    }

    async fn set_source_hidden(&self, id: SourceId, hidden: bool) -> Result<()> {
        sources::set_source_flag(&mut **self.client().await?, id, "hidden", &hidden).await
    }

    async fn record_fetches(&self, batch: &[NewFetch]) -> Result<Vec<FetchId>> {
        fetches::record_fetches(&mut *self.client().await?, batch).await
    }

    async fn page_state(&self, url: &str) -> Result<Option<PageState>> {
        fetches::page_state(&**self.client().await?, url).await
    }

    async fn raw_pages(&self, after: Option<FetchId>, limit: usize) -> Result<Vec<StoredFetch>> {
        fetches::raw_pages(&**self.client().await?, after, limit).await
    }

    async fn put_articles(&self, batch: &[NewArticle]) -> Result<Vec<PutOutcome>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        articles::put_articles(&mut *self.client().await?, batch).await
    }

    async fn get_article(&self, id: ArticleId) -> Result<Option<StoredArticle>> {
        articles::load_article(&**self.client().await?, id.0).await
    }

    async fn article_by_url(&self, url: &str) -> Result<Option<StoredArticle>> {
        articles::article_by_url(&**self.client().await?, url).await
    }

    async fn article_versions(&self, id: ArticleId) -> Result<Vec<ArticleVersion>> {
        articles::article_versions(&**self.client().await?, id).await
    }

    async fn list_articles(
        &self,
        filter: &ArticleFilter,
        page: &PageRequest,
    ) -> Result<Page<ArticleSummary>> {
        articles::list_articles(&**self.client().await?, filter, page).await
    }

    async fn articles_changed_since(&self, seq: u64, limit: usize) -> Result<Vec<Change>> {
        articles::articles_changed_since(&**self.client().await?, seq, limit).await
    }

    async fn current_change_seq(&self) -> Result<u64> {
        let v: i64 = self
            .client()
            .await?
            .query_one("SELECT value FROM meta WHERE key = 'change_seq'", &[])
            .await?
            .get(0);
        Ok(v.max(0) as u64)
    }

    async fn set_article_hidden(&self, id: ArticleId, hidden: bool) -> Result<()> {
        articles::set_article_hidden(&mut **self.client().await?, id, hidden).await
    }

    async fn article_tags(&self, id: ArticleId) -> Result<Vec<String>> {
        articles::article_tags(&**self.client().await?, id).await
    }

    async fn get_entity(&self, id: EntityId) -> Result<Option<Entity>> {
        entities::load_entity(&**self.client().await?, id.0).await
    }

    async fn find_entities(&self, name: &str) -> Result<Vec<Entity>> {
        entities::find_entities(&**self.client().await?, name.trim()).await
    }

    async fn co_mentioned(&self, id: EntityId, limit: usize) -> Result<Vec<EntityCount>> {
        entities::co_mentioned(&**self.client().await?, id, limit).await
    }

    async fn article_entities(&self, id: ArticleId) -> Result<Vec<EntityCount>> {
        entities::article_entities(&**self.client().await?, id).await
    }

    async fn entity_timeline(&self, id: EntityId) -> Result<Vec<DayCount>> {
        entities::entity_timeline(&**self.client().await?, id).await
    }

    async fn top_entities(&self, kind: Option<EntityKind>, limit: usize) -> Result<Vec<Entity>> {
        entities::top_entities(&**self.client().await?, kind, limit).await
    }

    async fn entity_mentions(&self, id: EntityId, limit: usize) -> Result<Vec<EntityMention>> {
        entities::entity_mentions(&**self.client().await?, id, limit).await
    }

    async fn entity_quotes(&self, id: EntityId, limit: usize) -> Result<Vec<EntityQuote>> {
        entities::entity_quotes(&**self.client().await?, id, limit).await
    }

    async fn tags(&self, limit: usize) -> Result<Vec<TagCount>> {
        entities::tags(&**self.client().await?, limit).await
    }

    async fn apply_organisation(&self, batch: &OrganiseBatch) -> Result<()> {
        organise::apply(&mut **self.client().await?, batch).await
    }

    async fn resolve_story(&self, id: StoryId) -> Result<Option<StoryId>> {
        organise::resolve(&**self.client().await?, id).await
    }

    async fn get_story(&self, id: StoryId) -> Result<Option<Story>> {
        organise::load_story(&**self.client().await?, id.0).await
    }

    async fn list_stories(&self, filter: &StoryFilter, page: &PageRequest) -> Result<Page<Story>> {
        organise::list_stories(&**self.client().await?, filter, page).await
    }

    async fn organise_window(
        &self,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<OrganiseSeed>> {
        organise::window(&**self.client().await?, since, limit).await
    }

    async fn unorganised(
        &self,
        after: Option<ArticleId>,
        limit: usize,
    ) -> Result<Vec<OrganiseSeed>> {
        organise::unorganised(&**self.client().await?, after, limit).await
    }

    async fn clear_organisation(&self) -> Result<()> {
        organise::clear(&mut **self.client().await?).await
    }

    async fn article_copies(&self, originals: &[ArticleId]) -> Result<Vec<ArticleCopy>> {
        if originals.is_empty() {
            return Ok(Vec::new());
        }
        organise::copies(&**self.client().await?, originals).await
    }

    async fn record_view(&self, id: ArticleId) -> Result<()> {
        let hour = Utc::now().timestamp().div_euclid(3600);
        views::record_view(&**self.client().await?, id, hour).await
    }

    async fn record_views(&self, views: &[(ArticleId, u64)]) -> Result<()> {
        if views.is_empty() {
            return Ok(());
        }
        let hour = Utc::now().timestamp().div_euclid(3600);
        views::record_views(&mut **self.client().await?, views, hour).await
    }

    async fn popular(&self, window: Duration, limit: usize) -> Result<Vec<Popular>> {
        let from_hour = Utc::now()
            .timestamp()
            .saturating_sub(window.as_secs().min(i64::MAX as u64) as i64)
            .div_euclid(3600);
        views::popular(&**self.client().await?, from_hour, limit).await
    }

    async fn article_views(&self, ids: &[ArticleId]) -> Result<Vec<Popular>> {
        let ids: Vec<i64> = ids.iter().take(10_000).map(|a| a.0).collect();
        views::article_views(&**self.client().await?, &ids).await
    }

    async fn record_health(
        &self,
        extractions: &[NewExtraction],
        failures: &[NewFailure],
    ) -> Result<()> {
        health::record(&mut **self.client().await?, extractions, failures).await
    }

    async fn source_health(
        &self,
        now: DateTime<Utc>,
        window: HealthWindow,
    ) -> Result<Vec<SourceHealth>> {
        health::source_health(&**self.client().await?, now, window).await
    }

    async fn frontier_add(&self, urls: &[NewFrontierUrl]) -> Result<u64> {
        frontier::add(&mut *self.client().await?, urls).await
    }

    async fn frontier_lease(
        &self,
        worker: &str,
        limit: usize,
        ttl: Duration,
    ) -> Result<Vec<FrontierLease>> {
        frontier::lease(&**self.client().await?, worker, limit, ttl).await
    }

    async fn frontier_renew(&self, worker: &str, ids: &[FrontierId], ttl: Duration) -> Result<u64> {
        frontier::renew(&**self.client().await?, worker, ids, ttl).await
    }

    async fn frontier_done(
        &self,
        worker: &str,
        done: &[(FrontierId, Option<Duration>)],
    ) -> Result<u64> {
        frontier::done(&mut *self.client().await?, worker, done).await
    }

    async fn frontier_host_slot(&self, host: &str, delay: Duration) -> Result<Duration> {
        frontier::host_slot(&**self.client().await?, host, delay).await
    }

    async fn frontier_depth(&self) -> Result<FrontierDepth> {
        frontier::depth(&**self.client().await?).await
    }

    async fn stats(&self) -> Result<StoreStats> {
        let row = self
            .client()
            .await?
            .query_one(
                "SELECT (SELECT COUNT(*) FROM sources), (SELECT COUNT(*) FROM articles),
                        (SELECT COUNT(*) FROM article_versions), (SELECT COUNT(*) FROM fetches),
                        (SELECT COUNT(*) FROM entities)",
                &[],
            )
            .await?;
        let n = |i: usize| row.get::<_, i64>(i).max(0) as u64;
        Ok(StoreStats {
            sources: n(0),
            articles: n(1),
            versions: n(2),
            fetches: n(3),
            entities: n(4),
        })
    }
}

/// Helpers for tests that need a PostgreSQL server (this crate's and the CLI's).
pub mod testing {
    use crate::error::Result;

    /// The test server's URL from `KHRONIKA_TEST_DATABASE_URL`; `None` (after saying so)
    /// when it is unset. Under `CI=true` an unset URL is a failure, never a silent skip.
    pub fn server_url() -> Option<String> {
        match std::env::var("KHRONIKA_TEST_DATABASE_URL") {
            Ok(u) if !u.trim().is_empty() => Some(u),
            _ => {
                assert!(
                    std::env::var("CI").ok().as_deref() != Some("true"),
                    "KHRONIKA_TEST_DATABASE_URL is not set under CI=true: .ci/run must start PostgreSQL"
                );
                eprintln!(
                    "skipped: set KHRONIKA_TEST_DATABASE_URL=postgres://… to run the PostgreSQL tests"
                );
                None
            }
        }
    }

    /// Make an empty database `name` (dropped first if it exists) on the server at
    /// `server`; its URL. `name` must be a plain identifier.
    pub async fn fresh_database(server: &str, name: &str) -> Result<String> {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(crate::StoreError::Invalid(format!(
                "database name {name:?}"
            )));
        }
        let (client, conn) = tokio_postgres::connect(server, tokio_postgres::NoTls).await?;
        tokio::spawn(conn);
        client
            .simple_query(&format!("DROP DATABASE IF EXISTS {name}"))
            .await?;
        client
            .simple_query(&format!("CREATE DATABASE {name}"))
            .await?;
        let mut cfg: tokio_postgres::Config = server
            .parse()
            .map_err(|e| crate::StoreError::Invalid(format!("database URL: {e}")))?;
        cfg.dbname(name);
        let host = match cfg.get_hosts().first() {
            Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
            _ => "127.0.0.1".into(),
        };
        Ok(format!(
            "postgres://{}@{host}:{}/{name}",
            cfg.get_user().unwrap_or("postgres"),
            cfg.get_ports().first().copied().unwrap_or(5432),
        ))
    }

    /// Run one statement on the database at `url` (tests that set up odd states).
    pub async fn execute(url: &str, sql: &str) -> Result<u64> {
        let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
        tokio::spawn(conn);
        Ok(client.execute(sql, &[]).await?)
    }
}
