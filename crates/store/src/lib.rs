//! # khronika-store: here is an article, keep it (once); here is an id, give it back
//!
//! The archive of the khronika pipeline: followed sources, every fetched page (raw body kept
//! gzip-compressed so the pipeline can be re-run without the network), articles with all
//! their versions, analyses, entities with aliases and mentions, site tags, quotes, the
//! organisation of articles (near-duplicates, stories, rubrics) and anonymous view counts for
//! "popular".
//!
//! **Architecture invariant: this is the only crate that speaks SQL.** Everyone else goes
//! through the [`Store`] trait, so the embedded SQLite backend ([`SqliteStore`], the default)
//! and the shared PostgreSQL backend ([`PgStore`], many workers and servers on one database,
//! see [`postgres`]) are interchangeable behind `Arc<dyn Store>`.
//!
//! ## The trait in one page
//! * **Async** (`async_trait`), object safe. The SQLite backend runs its queries on tokio's
//!   blocking threads: one writer connection and a few reader connections (WAL mode, so
//!   readers never wait for the writer).
//! * **Every write method is one transaction.** Batching is explicit: [`Store::put_articles`]
//!   takes a slice and commits it at once (a crash loses the whole batch or nothing).
//! * **Versions**: [`Store::put_articles`] decides by `content_hash` (a hash of the extracted
//!   title, lead and body — see [`content_hash`]) whether an article is new, a new version of
//!   a known URL, unchanged, or a duplicate of another URL's article.
//! * **Change feed**: every change (new article, new version, hide/unhide, delete) takes the
//!   next value of one monotonically increasing sequence; [`Store::articles_changed_since`]
//!   lets an index catch up incrementally.
//! * **Reading**: [`Store::list_articles`] filters by source, tag, entity, date range, story
//!   and rubric (optionally originals only), newest first, with an opaque cursor;
//!   [`Store::article_copies`] gives the near-duplicates of a page of originals.
//! * **Organisation** (derived data, like the search index: [`Store::clear_organisation`]
//!   empties it and `khronika reorganise` rebuilds it). The organise stage decides per article
//!   whether it is a near-duplicate of an earlier one ([`StoredArticle::duplicate_of`]), which
//!   story it belongs to ([`StoredArticle::story_id`], one story at most) and its rubric
//!   ([`StoredArticle::rubric`]; `None` = not organised yet, see [`Store::unorganised`]).
//!   It writes each step as one [`OrganiseBatch`] ([`Store::apply_organisation`], one
//!   transaction; articles whose organisation changed enter the change feed) and rebuilds its
//!   in-memory window from [`Store::organise_window`].
//! * **Story ids** are the [`ArticleId`] value of the founding article, so the organiser
//!   allocates them itself. A merged story's id redirects to the survivor; a story that lost
//!   its last article, and every story at [`Store::clear_organisation`], is *retired*: its id
//!   then leads to the story now holding the article with that id. [`Store::resolve_story`]
//!   answers for any id ever handed out; [`Store::get_story`] and [`Store::list_stories`] see
//!   live stories only, with their visible articles.
//! * **Display policy and takedowns**: a source is shown as full text or lead + link
//!   ([`DisplayPolicy`], default lead + link); an article or a whole source can be hidden.
//! * **Source health**: [`Store::record_health`] keeps what extraction found per article page
//!   and every failed fetch with its reason; [`Store::source_health`] sums them per source
//!   (`khronika status`).
//! * **Entity registry**: [`Store::put_articles`] links each article's mentions and quote
//!   speakers to one entity per real person, organisation or place, by the backend-independent
//!   rules of [`registry`] (folded keys, the regional gazetteer, surname evidence, majority
//!   kind). Read with [`Store::find_entities`], [`Store::top_entities`] (by articles),
//!   [`Store::entity_timeline`], [`Store::co_mentioned`], [`Store::article_entities`]. The
//!   same text stored again with a different analysis or tags (a newer analyser,
//!   `khronika reprocess`) rewrites the current version's derived rows, no new version.
//! * **Migrations**: ordered SQL files under `migrations/<backend>/` (the PostgreSQL ones
//!   mirror the SQLite ones number for number), applied in order and recorded in a
//!   `schema_version` table; a newer database refuses to open with an older binary. SQLite
//!   migrates on open; PostgreSQL only through [`postgres::migrate`] (`khronika migrate`).
//!
//! Cost model (SQLite, laptop): a batch of 64 articles with analyses commits in a few
//! milliseconds; reads by id are sub-millisecond. Not useful for full-text search: that is
//! the index crate's job (fed by the change feed).
//!
//! ```no_run
//! # async fn demo() -> Result<(), khronika_store::StoreError> {
//! use khronika_store::{ArticleFilter, PageRequest, Store};
//! let store = khronika_store::open_sqlite(std::path::Path::new("/tmp/khronika-data")).await?;
//! let page = store
//!     .list_articles(&ArticleFilter::default(), &PageRequest { cursor: None, limit: 20 })
//!     .await?;
//! for a in page.items {
//!     println!("{} {}", a.id, a.title.unwrap_or_default());
//! }
//! # Ok(()) }
//! ```

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use khronika_model::Article;

pub mod conformance;
mod error;
pub mod postgres;
pub mod registry;
mod sqlite;
mod types;

pub use error::{Result, StoreError};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use types::*;

/// The archive. All methods are safe to call concurrently from many tasks.
#[async_trait]
pub trait Store: Send + Sync {
    // ---- sources ----
    /// Add a source; its name must be new ([`StoreError::Conflict`] otherwise).
    async fn add_source(&self, source: &NewSource) -> Result<SourceId>;
    /// Replace a source's settings (name, URLs, lang, display, politeness) by id.
    async fn update_source(&self, source: &Source) -> Result<()>;
    async fn list_sources(&self) -> Result<Vec<Source>>;
    async fn get_source(&self, id: SourceId) -> Result<Option<Source>>;
    async fn source_by_name(&self, name: &str) -> Result<Option<Source>>;
    /// Remove a source with its articles (they leave the change feed as deletions).
    /// Returns whether it existed.
    async fn remove_source(&self, id: SourceId) -> Result<bool>;
    async fn set_source_display(&self, id: SourceId, display: DisplayPolicy) -> Result<()>;
    /// Take a whole source down (or back up); its articles enter the change feed.
    async fn set_source_hidden(&self, id: SourceId, hidden: bool) -> Result<()>;

    // ---- fetches and page state ----
    /// Record responses that produced no article (304, errors, feeds, non-articles) and
    /// update each URL's page state. One transaction.
    async fn record_fetches(&self, fetches: &[NewFetch]) -> Result<Vec<FetchId>>;
    /// What is known about a URL for a conditional request.
    async fn page_state(&self, url: &str) -> Result<Option<PageState>>;
    /// Stored raw pages with id greater than `after`, oldest first, only the latest stored
    /// body of each final URL (for reprocessing without the network).
    async fn raw_pages(&self, after: Option<FetchId>, limit: usize) -> Result<Vec<StoredFetch>>;

    // ---- articles ----
    /// Store a batch of articles in one transaction; one outcome per input, in order.
    async fn put_articles(&self, batch: &[NewArticle]) -> Result<Vec<PutOutcome>>;
    async fn get_article(&self, id: ArticleId) -> Result<Option<StoredArticle>>;
    /// Look an article up by any URL that led to it (canonical, fetched or duplicate).
    async fn article_by_url(&self, url: &str) -> Result<Option<StoredArticle>>;
    /// All versions, oldest first.
    async fn article_versions(&self, id: ArticleId) -> Result<Vec<ArticleVersion>>;
    async fn list_articles(
        &self,
        filter: &ArticleFilter,
        page: &PageRequest,
    ) -> Result<Page<ArticleSummary>>;
    /// Changes with sequence number greater than `seq`, in sequence order.
    async fn articles_changed_since(&self, seq: u64, limit: usize) -> Result<Vec<Change>>;
    /// The highest sequence number handed out so far.
    async fn current_change_seq(&self) -> Result<u64>;
    /// Take one article down (or back up).
    async fn set_article_hidden(&self, id: ArticleId, hidden: bool) -> Result<()>;
    /// Tags of an article's current version.
    async fn article_tags(&self, id: ArticleId) -> Result<Vec<String>>;

    // ---- entities (the registry: `registry` holds the linking rules) and tags ----
    async fn get_entity(&self, id: EntityId) -> Result<Option<Entity>>;
    /// Entities whose key (`registry::fold` of the name, an old name or abbreviation led to
    /// its gazetteer name) or an alias equals `name`'s; most articles first.
    async fn find_entities(&self, name: &str) -> Result<Vec<Entity>>;
    /// Entities named in the same visible articles, most shared articles first.
    async fn co_mentioned(&self, id: EntityId, limit: usize) -> Result<Vec<EntityCount>>;
    /// The entities an article's current version names, most mentioned first.
    async fn article_entities(&self, id: ArticleId) -> Result<Vec<EntityCount>>;
    /// Articles and mentions of an entity per day (UTC), oldest first.
    async fn entity_timeline(&self, id: EntityId) -> Result<Vec<DayCount>>;
    /// The entities named in the most articles (then mentions), optionally of one kind.
    async fn top_entities(
        &self,
        kind: Option<khronika_model::EntityKind>,
        limit: usize,
    ) -> Result<Vec<Entity>>;
    /// Mentions of an entity in visible articles, newest article first.
    async fn entity_mentions(&self, id: EntityId, limit: usize) -> Result<Vec<EntityMention>>;
    /// Quotes attributed to an entity in visible articles, newest first.
    async fn entity_quotes(&self, id: EntityId, limit: usize) -> Result<Vec<EntityQuote>>;
    /// Tags by number of visible articles.
    async fn tags(&self, limit: usize) -> Result<Vec<TagCount>>;

    // ---- organisation: duplicates, stories, rubrics (filled by the organise stage) ----
    /// Write one organiser step in one transaction: upsert `stories`, apply `merges` (the
    /// articles of `from` move to the survivor of `into`, following earlier merges; `from`
    /// becomes a redirect), then set each article's story (detaching it from any other),
    /// `duplicate_of` and rubric. Articles whose organisation actually changed enter the
    /// change feed; unknown article ids are skipped. A story left without articles stops
    /// being a story (its id then resolves like an id from before a rebuild). Invalid data
    /// (empty title, an article placed in or a merge into a story that is not live, a
    /// self-merge or self-duplicate) fails the whole batch.
    async fn apply_organisation(&self, batch: &OrganiseBatch) -> Result<()>;
    /// The live story for a story id: itself if live; the survivor if it was merged; for an
    /// id that stopped being a story (rebuild, emptied), the story that now holds the article
    /// with the same id; `None` otherwise.
    async fn resolve_story(&self, id: StoryId) -> Result<Option<StoryId>>;
    /// A live story by its exact id (resolve redirected ids with [`Store::resolve_story`]).
    async fn get_story(&self, id: StoryId) -> Result<Option<Story>>;
    /// Live stories with at least one visible article, latest `last_seen` first.
    async fn list_stories(&self, filter: &StoryFilter, page: &PageRequest) -> Result<Page<Story>>;
    /// Visible articles whose time (published, else first seen) is at or after `since`,
    /// oldest first; the newest `limit` of them if there are more.
    async fn organise_window(
        &self,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<OrganiseSeed>>;
    /// Visible articles never organised (no rubric), by ascending id after `after`.
    async fn unorganised(
        &self,
        after: Option<ArticleId>,
        limit: usize,
    ) -> Result<Vec<OrganiseSeed>>;
    /// Forget all organisation in one transaction (before `khronika reorganise`): no
    /// duplicates, rubrics or story membership remain, every story id becomes a rebuild
    /// redirect (it resolves through the article rule of [`Store::resolve_story`]), and the
    /// affected articles enter the change feed.
    async fn clear_organisation(&self) -> Result<()>;
    /// Visible near-duplicate copies of the given originals, oldest first.
    async fn article_copies(&self, originals: &[ArticleId]) -> Result<Vec<ArticleCopy>>;

    // ---- popularity ----
    /// Count one view of an article (no data about the reader is kept).
    async fn record_view(&self, id: ArticleId) -> Result<()>;
    /// Count many views at once (one transaction): `n` views for each id, added to the
    /// current hour. Unknown ids are skipped, not an error.
    async fn record_views(&self, views: &[(ArticleId, u64)]) -> Result<()>;
    /// The most viewed visible articles over the last `window`.
    async fn popular(&self, window: Duration, limit: usize) -> Result<Vec<Popular>>;
    /// All-time views of each given article (articles never viewed are left out).
    async fn article_views(&self, ids: &[ArticleId]) -> Result<Vec<Popular>>;

    // ---- source health ----
    /// Record what extraction found on article pages and which fetches failed (one
    /// transaction). Only the newest records are kept: the 1,000 latest extractions per
    /// source and 30 days of failures.
    async fn record_health(
        &self,
        extractions: &[NewExtraction],
        failures: &[NewFailure],
    ) -> Result<()>;
    /// Health of every source (hidden ones too), by source id: last fetch, articles per day
    /// over the 7 days before `now`, failures by kind over those days, and extraction counts
    /// of its newest pages against the pages before them.
    async fn source_health(
        &self,
        now: DateTime<Utc>,
        window: HealthWindow,
    ) -> Result<Vec<SourceHealth>>;

    // ---- the shared crawl frontier (`khronika ingest --worker`) ----
    /// Add URLs the frontier does not hold yet (known ones are left as they are: a URL
    /// done is never leased again unless its re-crawl is due). Returns how many were new.
    async fn frontier_add(&self, urls: &[NewFrontierUrl]) -> Result<u64>;
    /// Lease up to `limit` due URLs to `worker` for `ttl`, a few per host at a time, hosts
    /// whose next allowed fetch comes first. Concurrent callers never get the same URL;
    /// URLs whose lease expired are leased again (their worker is taken to be dead).
    async fn frontier_lease(
        &self,
        worker: &str,
        limit: usize,
        ttl: Duration,
    ) -> Result<Vec<FrontierLease>>;
    /// Extend `worker`'s live leases on `ids` to `ttl` from now; returns how many it still held.
    async fn frontier_renew(&self, worker: &str, ids: &[FrontierId], ttl: Duration) -> Result<u64>;
    /// Mark leased URLs done: never leased again (`None`) or due again after the delay.
    /// Only leases `worker` still holds count; returns how many.
    async fn frontier_done(
        &self,
        worker: &str,
        done: &[(FrontierId, Option<Duration>)],
    ) -> Result<u64>;
    /// Reserve the next fetch slot of `host` (shared by every worker): the slot starts
    /// `delay` after the previous reservation, or now; returns how long to wait for it.
    async fn frontier_host_slot(&self, host: &str, delay: Duration) -> Result<Duration>;
    /// How much work the frontier holds now.
    async fn frontier_depth(&self) -> Result<FrontierDepth>;

    async fn stats(&self) -> Result<StoreStats>;
}

/// Open (creating and migrating as needed) the SQLite store in `data_dir`.
pub async fn open_sqlite(data_dir: &Path) -> Result<Arc<dyn Store>> {
    Ok(Arc::new(SqliteStore::open(data_dir).await?))
}

/// Open an existing SQLite store in `data_dir` for reading only (nothing created or
/// migrated; [`StoreError::NoData`] when there is none).
pub async fn open_sqlite_read_only(data_dir: &Path) -> Result<Arc<dyn Store>> {
    Ok(Arc::new(SqliteStore::open_read_only(data_dir).await?))
}

/// Connect to a migrated PostgreSQL archive (`postgres://…`); see [`postgres::migrate`].
pub async fn open_postgres(url: &str) -> Result<Arc<dyn Store>> {
    Ok(Arc::new(PgStore::connect(url).await?))
}

/// Compress a raw page the way the store keeps it (gzip), for [`NewFetch::precompressed`].
pub fn gzip_body(bytes: &[u8]) -> Result<Vec<u8>> {
    sqlite::gzip(bytes)
}

/// The hash that decides whether an article changed: title, lead and body text, with
/// whitespace runs folded, so markup and page chrome never count. Hex SHA-256.
pub fn content_hash(article: &Article) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut feed = |part: &str| {
        let mut first = true;
        for word in part.split_whitespace() {
            if !first {
                h.update(b" ");
            }
            h.update(word.as_bytes());
            first = false;
        }
        h.update([0u8]);
    };
    feed(article.title.as_deref().unwrap_or(""));
    feed(article.lead.as_deref().unwrap_or(""));
    for block in &article.blocks {
        feed(&block.plain_text());
    }
    let digest = h.finalize();
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}
