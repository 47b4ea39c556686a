//! The values that cross the [`Store`](crate::Store) boundary: ids, sources, fetches,
//! articles with versions, entities, filters and pages of results.

use chrono::{DateTime, Utc};
use khronika_model::{Analysis, Article, EntityKind, Rubric};
use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// A stored article (all its versions share the id).
    ArticleId
);
id_type!(
    /// A followed site.
    SourceId
);
id_type!(
    /// One stored HTTP response or local file.
    FetchId
);
id_type!(
    /// A named entity (person, organisation, location).
    EntityId
);
id_type!(
    /// A story: the thread of articles about one event (filled by the organise stage). Its
    /// value is the [`ArticleId`] of the story's founding article, so the organiser never
    /// needs the store to allocate one; a merged story's id keeps resolving
    /// ([`Store::resolve_story`](crate::Store::resolve_story)).
    StoryId
);

/// How the portal may show a source's articles.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DisplayPolicy {
    /// Title, lead and a link to the original (the default for third-party sites).
    #[default]
    LeadAndLink,
    /// The whole text (own content, or a licence that allows it).
    FullText,
}

impl DisplayPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            DisplayPolicy::LeadAndLink => "lead_and_link",
            DisplayPolicy::FullText => "full_text",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "lead_and_link" | "lead" => Some(DisplayPolicy::LeadAndLink),
            "full_text" | "full" => Some(DisplayPolicy::FullText),
            _ => None,
        }
    }
}

/// Per-source crawl politeness overrides; `None` means the crawler's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Politeness {
    pub delay_ms: Option<u64>,
    pub max_concurrency: Option<u32>,
}

/// A source as given by the user, before it has an id.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewSource {
    pub name: String,
    pub home_url: String,
    pub feeds: Vec<String>,
    pub sitemaps: Vec<String>,
    pub lang: Option<String>,
    pub display: DisplayPolicy,
    pub politeness: Politeness,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub id: SourceId,
    pub name: String,
    pub home_url: String,
    pub feeds: Vec<String>,
    pub sitemaps: Vec<String>,
    pub lang: Option<String>,
    pub display: DisplayPolicy,
    /// Taken down: the source's articles are not shown.
    pub hidden: bool,
    pub politeness: Politeness,
    pub created_at: DateTime<Utc>,
}

/// One response (or local file) to keep: the raw body is compressed by the store.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewFetch {
    pub source_id: Option<SourceId>,
    /// The URL that was asked for.
    pub url: String,
    /// The URL after redirects.
    pub final_url: String,
    pub status: u16,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub fetched_at: DateTime<Utc>,
    /// The body as received (decoded from transfer/content encoding); empty for 304 and errors.
    pub body: Vec<u8>,
    /// Whether to keep the body (pages yes; feeds, errors and 304s no).
    pub keep_body: bool,
    /// The body already gzip-compressed with [`gzip_body`](crate::gzip_body) by the caller
    /// (so compression runs in parallel workers, not on the single writer); when set it is
    /// stored instead of compressing `body`, which may then be empty.
    pub precompressed: Option<Vec<u8>>,
}

/// What the store remembers about a URL for the next conditional request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageState {
    pub url: String,
    pub source_id: Option<SourceId>,
    pub status: u16,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub fetched_at: DateTime<Utc>,
    pub article_id: Option<ArticleId>,
}

/// A stored raw page, decompressed, for re-running the pipeline without the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFetch {
    pub id: FetchId,
    pub source_id: Option<SourceId>,
    pub url: String,
    pub final_url: String,
    pub status: u16,
    pub content_type: Option<String>,
    pub fetched_at: DateTime<Utc>,
    pub body: Vec<u8>,
}

/// An extracted (and maybe analysed) article to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewArticle {
    pub source_id: Option<SourceId>,
    /// The identity URL (canonical, tracking parameters removed).
    pub url: String,
    /// Further URLs that led to this article (fetched URL, redirects); they become aliases.
    pub other_urls: Vec<String>,
    pub article: Article,
    pub analysis: Option<Analysis>,
    /// [`content_hash`](crate::content_hash) of `article`: decides "changed".
    pub content_hash: String,
    /// When the content was obtained (fetch time, or import time).
    pub seen_at: DateTime<Utc>,
    /// The raw page this article came from, stored in the same transaction.
    pub fetch: Option<NewFetch>,
}

/// What [`Store::put_articles`](crate::Store::put_articles) did with one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PutOutcome {
    /// A new article, version 1.
    Created { id: ArticleId },
    /// A known article whose content changed: a new version.
    Updated { id: ArticleId, version: u32 },
    /// Same content as the current version: nothing new stored.
    Unchanged { id: ArticleId },
    /// Same content as another article under a different URL: the URL became an alias.
    Duplicate { id: ArticleId },
}

impl PutOutcome {
    pub fn id(&self) -> ArticleId {
        match *self {
            PutOutcome::Created { id }
            | PutOutcome::Updated { id, .. }
            | PutOutcome::Unchanged { id }
            | PutOutcome::Duplicate { id } => id,
        }
    }
}

/// An article as stored: its current version in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredArticle {
    pub id: ArticleId,
    pub source_id: Option<SourceId>,
    pub url: String,
    pub version: u32,
    pub content_hash: String,
    pub first_seen: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Taken down, by itself or through its source.
    pub hidden: bool,
    /// How it may be shown: the source's policy; full text for articles without a source
    /// (local files and imports belong to the user).
    pub display: DisplayPolicy,
    pub article: Article,
    pub analysis: Option<Analysis>,
    /// The position of the article's last change in the change feed.
    pub change_seq: u64,
    /// The story (thread of coverage) the article belongs to, once the organise stage ran.
    pub story_id: Option<StoryId>,
    /// The earlier article this one is a near-duplicate copy of; `None` for originals.
    pub duplicate_of: Option<ArticleId>,
    /// The rubric; `None` until the organise stage ran.
    pub rubric: Option<Rubric>,
}

/// One past or current version of an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleVersion {
    pub version: u32,
    pub content_hash: String,
    pub stored_at: DateTime<Utc>,
    pub fetch_id: Option<FetchId>,
    pub article: Article,
    pub analysis: Option<Analysis>,
}

/// A list entry: enough for a headline list, without the body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub id: ArticleId,
    pub source_id: Option<SourceId>,
    pub url: String,
    pub title: Option<String>,
    pub lead: Option<String>,
    pub image: Option<String>,
    pub lang: Option<String>,
    pub published: Option<String>,
    pub first_seen: DateTime<Utc>,
    pub version: u32,
    pub display: DisplayPolicy,
    pub story_id: Option<StoryId>,
    pub duplicate_of: Option<ArticleId>,
    pub rubric: Option<Rubric>,
}

/// Which articles to list. Hidden articles and articles of hidden sources are left out
/// unless `include_hidden`. Dates compare against the published time, or the first-seen
/// time when the page gave none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleFilter {
    pub source: Option<SourceId>,
    pub tag: Option<String>,
    pub entity: Option<EntityId>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub include_hidden: bool,
    /// Only articles of this (live) story; resolve redirected ids first.
    pub story: Option<StoryId>,
    pub rubric: Option<Rubric>,
    /// Leave out near-duplicate copies (articles with a `duplicate_of`).
    pub originals_only: bool,
}

/// A page request: newest first, `cursor` from the previous page's `next`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    pub cursor: Option<String>,
    pub limit: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass back as [`PageRequest::cursor`] for the next page; `None` at the end.
    pub next: Option<String>,
}

/// One entry of the change feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub seq: u64,
    pub article_id: ArticleId,
    /// The current state; `None` when the article was deleted (drop it from indexes).
    /// A hidden article comes with `hidden: true`.
    pub article: Option<StoredArticle>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    pub id: EntityId,
    pub kind: EntityKind,
    /// Canonical name in the nominative.
    pub name: String,
    /// Surface forms seen in texts, and other names (old names, abbreviations, the full
    /// name with patronymic).
    pub aliases: Vec<String>,
    /// Mentions in current article versions.
    pub mentions: u64,
    /// Articles whose current version mentions it.
    #[serde(default)]
    pub articles: u64,
    /// Time of the earliest and latest article mentioning it (RFC 3339, UTC).
    #[serde(default)]
    pub first_seen: Option<String>,
    #[serde(default)]
    pub last_seen: Option<String>,
}

/// An entity named beside another one or in one article, with a count (shared articles
/// for co-mentions, mentions for an article's entities).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityCount {
    pub id: EntityId,
    pub kind: EntityKind,
    pub name: String,
    pub count: u64,
}

/// Articles and mentions of an entity on one day (UTC, by article time).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub articles: u64,
    pub mentions: u64,
}

/// One mention of an entity, with the article it is in.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityMention {
    pub article_id: ArticleId,
    pub article_title: Option<String>,
    pub published: Option<String>,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A quote whose speaker resolved to an entity.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityQuote {
    pub article_id: ArticleId,
    pub article_title: Option<String>,
    pub published: Option<String>,
    pub text: String,
    pub role: Option<String>,
    pub direct: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagCount {
    pub name: String,
    pub articles: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Popular {
    pub article_id: ArticleId,
    pub views: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StoreStats {
    pub sources: u64,
    pub articles: u64,
    pub versions: u64,
    pub fetches: u64,
    pub entities: u64,
}

/// A story: the articles about one event, across sources and days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Story {
    pub id: StoryId,
    pub title: String,
    /// Earliest and latest article time (published, else first seen).
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// Distinct sources among the story's articles.
    pub sources: u32,
    /// Number of articles, as the organise stage counted them.
    pub article_count: u32,
    /// Names of the story's main entities, most important first.
    pub entities: Vec<String>,
    pub rubric: Option<Rubric>,
    /// Visible articles only, newest first.
    pub articles: Vec<ArticleId>,
}

/// What the organise stage decided for one article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleOrganisation {
    pub article: ArticleId,
    /// The story it belongs to (`None`: in no story). A merged story's id is followed to the
    /// surviving story.
    pub story: Option<StoryId>,
    /// The earlier article it is a near-duplicate of (`None` for originals).
    pub duplicate_of: Option<ArticleId>,
    pub rubric: Rubric,
}

/// A story's state after the organiser updated it: created if absent, else these fields
/// are overwritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryUpdate {
    pub id: StoryId,
    pub title: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub sources: u32,
    pub article_count: u32,
    pub entities: Vec<String>,
    pub rubric: Option<Rubric>,
}

/// One organiser step, written in one transaction by
/// [`Store::apply_organisation`](crate::Store::apply_organisation).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrganiseBatch {
    pub articles: Vec<ArticleOrganisation>,
    pub stories: Vec<StoryUpdate>,
    /// (from, into): `from` is merged into `into`; its articles move, `from` becomes a
    /// redirect.
    pub merges: Vec<(StoryId, StoryId)>,
}

/// An organised (or not yet organised) article as the organiser needs it to rebuild its
/// window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganiseSeed {
    pub id: ArticleId,
    pub source_id: Option<SourceId>,
    pub url: String,
    /// Published, else first seen (the time lists sort by).
    pub time: DateTime<Utc>,
    pub first_seen: DateTime<Utc>,
    pub article: Article,
    pub analysis: Option<Analysis>,
    pub story_id: Option<StoryId>,
    pub duplicate_of: Option<ArticleId>,
    pub rubric: Option<Rubric>,
}

/// Which stories to list (live ones only, newest `last_seen` first).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StoryFilter {
    pub rubric: Option<Rubric>,
    /// Stories whose `last_seen` is at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Stories with at least this many articles (`article_count`).
    pub min_articles: u32,
}

/// A copy (near-duplicate) of an article, for "также: ТАСС, РИА Новости".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleCopy {
    pub original: ArticleId,
    pub id: ArticleId,
    pub source_id: Option<SourceId>,
    pub url: String,
    pub first_seen: DateTime<Utc>,
}

/// What extraction found on one article page of a source ([`Store::record_health`]).
///
/// [`Store::record_health`]: crate::Store::record_health
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewExtraction {
    pub source_id: SourceId,
    pub url: String,
    pub at: DateTime<Utc>,
    pub has_title: bool,
    pub has_body: bool,
    pub has_date: bool,
}

/// A fetch that failed, by kind (`timeout`, `network`, `robots`, `refused`, `too_large`,
/// `http`, `extraction`, …) with a human-readable reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewFailure {
    pub source_id: Option<SourceId>,
    pub url: String,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub detail: String,
}

/// How many recorded pages a health report compares: the newest `recent` pages of a source
/// against the `earlier` pages before them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthWindow {
    pub recent: usize,
    pub earlier: usize,
}

/// Extraction results over a run of pages: how many pages, and how many had each part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExtractionCounts {
    pub pages: u64,
    pub with_title: u64,
    pub with_body: u64,
    pub with_date: u64,
}

/// The latest fetch of a source: a response (with its HTTP status) or a failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastFetch {
    pub at: DateTime<Utc>,
    pub url: String,
    /// The HTTP status, when there was a response.
    pub status: Option<u16>,
    /// The failure's kind and reason, when it failed.
    pub failure: Option<String>,
}

/// What the store knows about how well a source is being ingested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceHealth {
    pub source_id: SourceId,
    pub last_fetch: Option<LastFetch>,
    /// New articles per day over the last 7 days, oldest day first (day 6 ends at `now`).
    pub articles_per_day: [u64; 7],
    /// Failures over the last 7 days by kind, most frequent first.
    pub errors_by_kind: Vec<(String, u64)>,
    /// All the source's stored articles.
    pub articles: u64,
    /// The newest recorded pages ([`HealthWindow::recent`] at most).
    pub recent: ExtractionCounts,
    /// The pages recorded before those ([`HealthWindow::earlier`] at most).
    pub earlier: ExtractionCounts,
}

// ---------- the shared crawl frontier ----------

/// A frontier entry's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FrontierId(pub i64);

/// What a frontier URL is: a list (feed, sitemap, or a home page read for its links) or a
/// page expected to hold an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FrontierKind {
    List,
    Page,
}

impl FrontierKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FrontierKind::List => "list",
            FrontierKind::Page => "page",
        }
    }
    /// Unknown text reads as a page: the safe reading (fetched once, never re-polled).
    pub fn parse(s: &str) -> Self {
        if s == "list" {
            FrontierKind::List
        } else {
            FrontierKind::Page
        }
    }
}

/// A URL to add to the frontier (ignored if the frontier already has it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFrontierUrl {
    pub source_id: SourceId,
    pub url: String,
    /// The politeness key, `host:port`.
    pub host: String,
    pub kind: FrontierKind,
    /// Link hops from the source's lists.
    pub depth: u32,
}

/// A frontier URL leased to one worker until its lease expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontierLease {
    pub id: FrontierId,
    pub source_id: SourceId,
    pub url: String,
    pub host: String,
    pub kind: FrontierKind,
    pub depth: u32,
}

/// How much work the frontier holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FrontierDepth {
    /// Due now and not leased (or leased by a worker whose lease expired).
    pub ready: u64,
    /// Under a live lease.
    pub leased: u64,
    /// Done: never again, or not due yet (lists waiting for their next pass).
    pub waiting: u64,
}
