//! What the API sends and what its list endpoints accept, as types: serialised by serde,
//! described in the OpenAPI document by `utoipa` from the same definitions, so the two
//! cannot disagree. Times are RFC 3339 strings with an explicit offset (`+00:00`), as
//! `DateTime::to_rfc3339` writes them.

use khronika_model::{Block, EntityKind, Lang, Quote, Rubric};
use khronika_store::{DisplayPolicy, Entity, EntityMention, EntityQuote, TagCount};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

/// The body of every error answer.
#[derive(Serialize, ToSchema)]
pub struct Error<'a> {
    pub error: ErrorDetail<'a>,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail<'a> {
    /// The HTTP status again.
    pub status: u16,
    /// A stable machine-readable code: `bad_request`, `not_found`, `gone`, `internal`.
    pub code: &'a str,
    pub message: &'a str,
}

/// An article's source.
#[derive(Serialize, ToSchema)]
pub struct SourceRef {
    pub id: i64,
    pub name: String,
}

/// Links from a list entry to its page and its own API answer.
#[derive(Serialize, ToSchema)]
pub struct Links {
    pub html: String,
    #[serde(rename = "self")]
    pub this: String,
}

/// An article in a list.
#[derive(Serialize, ToSchema)]
pub struct Summary {
    pub id: i64,
    /// The page's address; null when it is not a public http(s) URL (a local file).
    pub url: Option<String>,
    pub title: Option<String>,
    pub lead: Option<String>,
    pub source: Option<SourceRef>,
    /// The publication time the page states; null when it states none (never guessed).
    #[schema(format = DateTime)]
    pub published: Option<String>,
    /// The time lists are ordered by: published, else when khronika first saw the article.
    #[schema(format = DateTime)]
    pub time: String,
    #[schema(format = DateTime)]
    pub first_seen: String,
    pub version: u32,
    pub display: DisplayPolicy,
    /// The story the article belongs to (null: none yet).
    pub story_id: Option<i64>,
    /// The original this article is a near-duplicate copy of (null for originals).
    pub duplicate_of: Option<i64>,
    /// Null: not organised yet.
    pub rubric: Option<Rubric>,
    pub links: Links,
}

/// A page of articles; `next` is the cursor of the following page (null: the last).
#[derive(Serialize, ToSchema)]
pub struct ArticlePage {
    pub items: Vec<Summary>,
    pub next: Option<String>,
}

/// The newest originals.
#[derive(Serialize, ToSchema)]
pub struct ItemList {
    pub items: Vec<Summary>,
}

/// A near-duplicate copy of an original, listed under it.
#[derive(Serialize, ToSchema)]
pub struct Copy {
    pub id: i64,
    /// The copy's address; null when it is not a public http(s) URL.
    pub url: Option<String>,
    pub source: Option<SourceRef>,
    #[schema(format = DateTime)]
    pub first_seen: String,
}

/// An entity an article mentions (each name and type once).
#[derive(Serialize, ToSchema)]
pub struct EntityRef {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: EntityKind,
}

/// The article's lead image as its page states it.
#[derive(Serialize, ToSchema)]
pub struct Image<'a> {
    /// An http(s) address on the publisher's site (or its CDN).
    pub url: &'a str,
    pub caption: Option<&'a str>,
    /// Who the image is credited to ("ТАСС", a photographer).
    pub credit: Option<&'a str>,
    /// Pixel size, when the page states it.
    pub width: Option<u32>,
    pub height: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct ArticleLinks {
    pub html: String,
    /// The story's API answer (null: no story).
    pub story: Option<String>,
}

/// A full article. `blocks` is empty and `body_available` false when the source allows
/// only title, lead and a link.
#[derive(Serialize, ToSchema)]
pub struct Article<'a> {
    pub id: i64,
    /// The page's address; null when it is not a public http(s) URL (a local file).
    pub url: Option<&'a str>,
    pub canonical_url: Option<&'a str>,
    pub title: Option<&'a str>,
    pub lead: Option<&'a str>,
    /// One window of the body: blocks `blocks_from..` up to a bounded size of text.
    pub blocks: &'a [Block],
    /// The lead image; null when the page names none.
    pub image: Option<Image<'a>>,
    /// Blocks in the whole body (0 when the body is not available).
    pub blocks_total: usize,
    /// The API address of the next window of blocks; null on the last one.
    pub next_blocks: Option<String>,
    pub body_available: bool,
    pub authors: &'a [String],
    /// The publication time the page states; null when it states none (never guessed).
    #[schema(format = DateTime)]
    pub published: Option<String>,
    /// The time lists are ordered by: published, else when khronika first saw the article.
    #[schema(format = DateTime)]
    pub time: String,
    #[schema(format = DateTime)]
    pub modified: Option<String>,
    pub tags: &'a [String],
    #[schema(value_type = Option<String>)]
    pub lang: Option<&'a Lang>,
    pub site_name: Option<&'a str>,
    pub source: Option<SourceRef>,
    pub version: u32,
    #[schema(format = DateTime)]
    pub first_seen: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    pub display: DisplayPolicy,
    pub entities: Vec<EntityRef>,
    pub quotes: &'a [Quote],
    /// The story the article belongs to (null: none yet).
    pub story_id: Option<i64>,
    /// The original this article is a near-duplicate copy of (null for originals).
    pub duplicate_of: Option<i64>,
    /// Null: not organised yet.
    pub rubric: Option<Rubric>,
    /// Visible near-duplicate copies of this article.
    pub copies: Vec<Copy>,
    pub links: ArticleLinks,
}

/// Search hits, best first (or newest first with `sort=date`).
#[derive(Serialize, ToSchema)]
pub struct SearchResults<'a> {
    /// Matching articles in all.
    pub total: usize,
    pub offset: usize,
    pub items: Vec<Hit<'a>>,
    /// The offset of the next page (null: the last).
    pub next_offset: Option<usize>,
}

/// Text with byte ranges of the query's matches.
#[derive(Serialize, ToSchema)]
pub struct Snippet<'a> {
    pub text: &'a str,
    /// `[start, end)` byte ranges into `text`, sorted, not overlapping.
    #[schema(value_type = Vec<Vec<u64>>)]
    pub highlights: &'a [(usize, usize)],
}

#[derive(Serialize, ToSchema)]
pub struct Hit<'a> {
    pub id: u64,
    pub score: f32,
    pub title: &'a str,
    pub url: Option<&'a str>,
    pub source: Option<SourceRef>,
    /// Publication time the page states; null when it states none.
    #[schema(format = DateTime)]
    pub published: Option<String>,
    /// What hits are ordered and filtered by: published, else when the article was first
    /// seen.
    #[schema(format = DateTime)]
    pub time: Option<String>,
    pub snippet: Snippet<'a>,
    /// Byte ranges of the matches in `title`.
    #[schema(value_type = Vec<Vec<u64>>)]
    pub title_highlights: &'a [(usize, usize)],
    /// The story the article belongs to (null: none yet).
    pub story_id: Option<i64>,
    /// The original this article is a near-duplicate copy of (null for originals).
    pub duplicate_of: Option<u64>,
    /// Rubric code (null: not organised yet).
    #[schema(value_type = Option<Rubric>)]
    pub rubric: Option<&'a str>,
    /// Visible near-duplicate copies of this original ("также: …").
    pub copies: Vec<Copy>,
    pub links: Links,
}

#[derive(Serialize, ToSchema)]
pub struct StoryLinks {
    pub html: String,
    #[serde(rename = "self")]
    pub this: String,
    pub rss: String,
    pub atom: String,
}

/// A story (the thread of articles about one event) in a list.
#[derive(Serialize, ToSchema)]
pub struct StoryItem {
    pub id: i64,
    pub title: String,
    #[schema(format = DateTime)]
    pub first_seen: String,
    #[schema(format = DateTime)]
    pub last_seen: String,
    /// Distinct sources.
    pub sources: u32,
    pub article_count: u32,
    /// Main entities, most important first.
    pub entities: Vec<String>,
    pub rubric: Option<Rubric>,
    /// The story's page on the portal.
    pub url: String,
    /// Only with `order=top`: independent sources and articles, decaying with age.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub importance: Option<f64>,
    pub links: StoryLinks,
}

#[derive(Serialize, ToSchema)]
pub struct StoryPage {
    pub items: Vec<StoryItem>,
    /// The cursor of the following page (null: the last).
    pub next: Option<String>,
}

/// A story with its articles, newest first.
#[derive(Serialize, ToSchema)]
pub struct Story {
    #[serde(flatten)]
    pub story: StoryItem,
    pub articles: Vec<Summary>,
}

#[derive(Serialize, ToSchema)]
pub struct EntityList {
    pub items: Vec<Entity>,
}

/// An entity with its recent mentions and the quotes attributed to it.
#[derive(Serialize, ToSchema)]
pub struct EntityDetail {
    pub entity: Entity,
    pub mentions: Vec<EntityMention>,
    pub quotes: Vec<EntityQuote>,
}

#[derive(Serialize, ToSchema)]
pub struct TagList {
    pub items: Vec<TagCount>,
}

#[derive(Serialize, ToSchema)]
pub struct SourceFeeds {
    pub rss: String,
}

#[derive(Serialize, ToSchema)]
pub struct SourceInfo {
    pub id: i64,
    pub name: String,
    pub home_url: String,
    pub lang: Option<String>,
    pub display: DisplayPolicy,
    pub feeds: SourceFeeds,
}

#[derive(Serialize, ToSchema)]
pub struct SourceList {
    pub items: Vec<SourceInfo>,
}

#[derive(Serialize, ToSchema)]
pub struct PopularItem {
    pub id: i64,
    pub title: Option<String>,
    /// Views within the window.
    pub views: u64,
    #[schema(format = DateTime)]
    pub published: Option<String>,
    #[schema(format = DateTime)]
    pub time: String,
}

#[derive(Serialize, ToSchema)]
pub struct PopularList {
    pub window_hours: u64,
    pub items: Vec<PopularItem>,
}

// ---------- query parameters ----------
// Each endpoint's query as a type: the handler parses into it (leniently: blank values are
// absent; a malformed one is a 400 naming the parameter) and the document describes it.

/// `YYYY-MM-DD` or an RFC 3339 date-time, as UTC.
type Date = Option<chrono::DateTime<chrono::Utc>>;

#[derive(IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ArticlesQuery {
    /// Source id.
    pub source: Option<i64>,
    /// Tag name, exact.
    pub tag: Option<String>,
    /// Entity id, or a name (the most mentioned entity of that name).
    pub entity: Option<String>,
    /// Story id (a merged story's old id works too).
    pub story: Option<i64>,
    #[param(inline)]
    pub rubric: Option<Rubric>,
    /// Leave out near-duplicate copies (default false).
    pub originals_only: Option<bool>,
    /// Articles at or after this time (`YYYY-MM-DD` or RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub since: Date,
    /// Articles before this time (`YYYY-MM-DD` or RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub until: Date,
    /// The `next` of the previous page.
    pub cursor: Option<String>,
    /// Items per page (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

#[derive(IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The query: words match in every form, "quoted phrases" as phrases. May be empty
    /// when a filter is given.
    pub q: Option<String>,
    /// Source id.
    pub source: Option<String>,
    pub tag: Option<String>,
    /// Entity name.
    pub entity: Option<String>,
    /// Story id (a merged story's old id works too).
    pub story: Option<i64>,
    #[param(inline)]
    pub rubric: Option<Rubric>,
    /// Include near-duplicate copies (default false: originals only).
    pub include_copies: Option<bool>,
    /// Articles at or after this time (`YYYY-MM-DD` or RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Date,
    /// Articles before this time (`YYYY-MM-DD` or RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Date,
    /// `relevance` (default) or `date` (newest first).
    #[param(pattern = "^(relevance|date)$")]
    pub sort: Option<String>,
    /// Hits per page (default 10).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
    /// Hits to skip.
    #[param(minimum = 0, maximum = 1000)]
    pub offset: Option<usize>,
}

#[derive(IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct StoriesQuery {
    #[param(inline)]
    pub rubric: Option<Rubric>,
    /// Stories whose last article is at or after this time (`YYYY-MM-DD` or RFC 3339;
    /// with `order=top` the default is 48 hours ago).
    #[param(value_type = Option<String>, format = DateTime)]
    pub since: Date,
    /// `latest` (by the time of the latest article, the default) or `top` (by importance;
    /// each item then carries `importance`).
    #[param(pattern = "^(latest|top)$")]
    pub order: Option<String>,
    /// The `next` of the previous page.
    pub cursor: Option<String>,
    /// Items per page (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

#[derive(IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct EntitiesQuery {
    /// `PER`, `ORG` or `LOC`.
    #[param(rename = "type", inline)]
    pub kind: Option<EntityKind>,
    /// Entities with this name or alias (then `type` and `limit` do not apply).
    pub name: Option<String>,
    /// Most mentioned first (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

#[derive(IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct LimitQuery {
    /// How many (default: 100 tags, 20 articles).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

#[derive(IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct PopularQuery {
    /// Articles (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
    /// Views counted over the last this many hours (default 168, a week).
    #[param(minimum = 1, maximum = 8760)]
    pub window_hours: Option<u64>,
}
