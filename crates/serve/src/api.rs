//! The JSON API under `/api/v1/`: read-only, cached, ETag-aware, errors as JSON objects
//! `{"error": {"status", "code", "message"}}`. Answers and queries are the types in
//! [`types`]; the OpenAPI document at `/api/v1/openapi.json` is generated from them and
//! from the `#[utoipa::path]` of each handler ([`doc`]).

mod doc;
mod types;

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, NaiveDate, Utc};
use khronika_index::{SearchQuery, SortBy};
use khronika_model::Rubric;
use khronika_store::{
    ArticleFilter, ArticleId, DisplayPolicy, EntityId, PageRequest, SourceId, StoredArticle,
    Story as StoredStory, StoryFilter, StoryId,
};
use serde::Serialize;

use crate::bound::public_url;
use crate::{list_time, query_pairs, respond, App, AppState};
use types::{
    Article, ArticlePage, ArticlesQuery, Copy, EntitiesQuery, EntityDetail, EntityList, EntityRef,
    Error, ErrorDetail, Hit, ItemList, LimitQuery, Links, PopularItem, PopularList, PopularQuery,
    SearchParams, SearchResults, SourceFeeds, SourceInfo, SourceList, SourceRef, StoriesQuery,
    Story, StoryItem, StoryLinks, StoryPage, Summary, TagList,
};

const JSON: &str = "application/json";
const API_CACHE: &str = "public, max-age=0, must-revalidate";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/articles", get(articles))
        .route("/articles/{id}", get(article))
        .route("/search", get(search))
        .route("/stories", get(stories))
        .route("/stories/{id}", get(story))
        .route("/entities", get(entities))
        .route("/entities/{id}", get(entity))
        .route("/tags", get(tags))
        .route("/sources", get(sources))
        .route("/latest", get(latest))
        .route("/popular", get(popular))
        .route("/openapi.json", get(doc::openapi))
}

/// A JSON error answer.
pub fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = Error {
        error: ErrorDetail {
            status: status.as_u16(),
            code,
            message,
        },
    };
    let mut r = (status, axum::Json(body)).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn bad(message: &str) -> Response {
    json_error(StatusCode::BAD_REQUEST, "bad_request", message)
}

fn not_found(message: &str) -> Response {
    json_error(StatusCode::NOT_FOUND, "not_found", message)
}

fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!("api failed: {e}");
    json_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "internal error; try again later",
    )
}

type Params = HashMap<String, String>;

fn param<'a>(q: &'a Params, k: &str) -> Option<&'a str> {
    q.get(k).map(|v| v.trim()).filter(|v| !v.is_empty())
}

fn limit_param(q: &Params, default: usize) -> Result<usize, Response> {
    match param(q, "limit") {
        None => Ok(default),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=100).contains(&n) => Ok(n),
            _ => Err(bad("limit must be an integer from 1 to 100")),
        },
    }
}

fn date_param(q: &Params, k: &str) -> Result<Option<DateTime<Utc>>, Response> {
    let Some(v) = param(q, k) else {
        return Ok(None);
    };
    if let Ok(d) = DateTime::parse_from_rfc3339(v) {
        return Ok(Some(d.with_timezone(&Utc)));
    }
    if let Some(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        return Ok(Some(d.and_utc()));
    }
    Err(bad(&format!(
        "{k} must be a date (YYYY-MM-DD) or an RFC 3339 date-time"
    )))
}

/// Serves an answer through the cache with ETag handling.
async fn cached_json<T, F, Fut>(app: &App, key: String, headers: &HeaderMap, make: F) -> Response
where
    T: Serialize,
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<T, Response>>,
{
    let res = app
        .cached(format!("api|{key}"), JSON, || async {
            let body = serde_json::to_string(&make().await?).map_err(internal)?;
            Ok((StatusCode::OK, body))
        })
        .await;
    match res {
        Ok(c) => respond(headers, &c, API_CACHE),
        Err(r) => r,
    }
}

fn source_ref(app: &App, id: Option<SourceId>, url: &str) -> Option<SourceRef> {
    id.map(|id| SourceRef {
        id: id.0,
        name: app.source_name(Some(id), url),
    })
}

fn summary(app: &App, s: &khronika_store::ArticleSummary) -> Summary {
    Summary {
        id: s.id.0,
        url: public_url(&s.url).map(str::to_owned),
        title: s.title.clone(),
        lead: s.lead.clone(),
        source: source_ref(app, s.source_id, &s.url),
        // `published` is what the page states (null when it states nothing: never a guess);
        // `time` is what lists are ordered by: published, else when we first saw it.
        published: s.published.clone(),
        time: crate::pages::summary_time(s).to_rfc3339(),
        first_seen: s.first_seen.to_rfc3339(),
        version: s.version,
        display: s.display,
        story_id: s.story_id.map(|x| x.0),
        duplicate_of: s.duplicate_of.map(|x| x.0),
        rubric: s.rubric,
        links: Links {
            html: format!("/article/{}", s.id.0),
            this: format!("/api/v1/articles/{}", s.id.0),
        },
    }
}

/// A story as the API lists it.
fn story_item(s: &StoredStory, importance: Option<f64>) -> StoryItem {
    StoryItem {
        id: s.id.0,
        title: s.title.clone(),
        first_seen: s.first_seen.to_rfc3339(),
        last_seen: s.last_seen.to_rfc3339(),
        sources: s.sources,
        article_count: s.article_count,
        entities: s.entities.clone(),
        rubric: s.rubric,
        url: format!("/story/{}", s.id.0),
        importance,
        links: StoryLinks {
            html: format!("/story/{}", s.id.0),
            this: format!("/api/v1/stories/{}", s.id.0),
            rss: format!("/feed.rss?story={}", s.id.0),
            atom: format!("/feed.atom?story={}", s.id.0),
        },
    }
}

/// Near-duplicate copies of `originals`, grouped by original.
async fn copies_of(
    app: &App,
    originals: &[ArticleId],
) -> Result<HashMap<i64, Vec<Copy>>, Response> {
    let mut out: HashMap<i64, Vec<Copy>> = HashMap::new();
    if originals.is_empty() {
        return Ok(out);
    }
    for c in app
        .store
        .article_copies(originals)
        .await
        .map_err(internal)?
    {
        out.entry(c.original.0).or_default().push(Copy {
            id: c.id.0,
            source: source_ref(app, c.source_id, &c.url),
            url: public_url(&c.url).map(str::to_owned),
            first_seen: c.first_seen.to_rfc3339(),
        });
    }
    Ok(out)
}

fn rubric_param(q: &Params) -> Result<Option<Rubric>, Response> {
    match param(q, "rubric") {
        None => Ok(None),
        Some(v) => Rubric::parse(v).map(Some).ok_or_else(|| {
            bad("rubric must be one of society, economy, technology, sports, entertainment, science, other, not_news")
        }),
    }
}

fn bool_param(q: &Params, k: &str) -> Result<Option<bool>, Response> {
    match param(q, k) {
        None => Ok(None),
        Some("true" | "1" | "yes") => Ok(Some(true)),
        Some("false" | "0" | "no") => Ok(Some(false)),
        Some(_) => Err(bad(&format!("{k} must be true or false"))),
    }
}

fn id_param(q: &Params, k: &str, what: &str) -> Result<Option<i64>, Response> {
    param(q, k)
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| bad(&format!("{k} must be a {what} id (integer)")))
        })
        .transpose()
}

fn text_param(q: &Params, k: &str) -> Option<String> {
    param(q, k).map(str::to_string)
}

impl ArticlesQuery {
    fn parse(q: &Params) -> Result<Self, Response> {
        Ok(ArticlesQuery {
            limit: Some(limit_param(q, 20)?),
            source: id_param(q, "source", "source")?,
            entity: text_param(q, "entity"),
            story: id_param(q, "story", "story")?,
            tag: text_param(q, "tag"),
            since: date_param(q, "since")?,
            until: date_param(q, "until")?,
            rubric: rubric_param(q)?,
            originals_only: bool_param(q, "originals_only")?,
            cursor: text_param(q, "cursor"),
        })
    }
}

impl SearchParams {
    fn parse(q: &Params) -> Result<Self, Response> {
        let offset = match param(q, "offset") {
            None => 0,
            Some(v) => match v.parse::<usize>() {
                Ok(n) if n <= khronika_index::MAX_OFFSET => n,
                _ => {
                    return Err(bad(&format!(
                        "offset must be an integer from 0 to {}",
                        khronika_index::MAX_OFFSET
                    )))
                }
            },
        };
        let sort = match param(q, "sort") {
            None | Some("relevance") => None,
            Some("date") => Some("date".to_string()),
            Some(_) => return Err(bad("sort must be relevance or date")),
        };
        Ok(SearchParams {
            limit: Some(limit_param(q, 10)?),
            offset: Some(offset),
            sort,
            q: text_param(q, "q"),
            story: id_param(q, "story", "story")?,
            source: text_param(q, "source"),
            tag: text_param(q, "tag"),
            entity: text_param(q, "entity"),
            rubric: rubric_param(q)?,
            include_copies: bool_param(q, "include_copies")?,
            from: date_param(q, "from")?,
            to: date_param(q, "to")?,
        })
    }
}

impl StoriesQuery {
    fn parse(q: &Params) -> Result<Self, Response> {
        let order = match param(q, "order") {
            None | Some("latest") => None,
            Some("top") => Some("top".to_string()),
            Some(_) => return Err(bad("order must be top or latest")),
        };
        Ok(StoriesQuery {
            limit: Some(limit_param(q, 20)?),
            rubric: rubric_param(q)?,
            since: date_param(q, "since")?,
            cursor: text_param(q, "cursor"),
            order,
        })
    }
}

impl EntitiesQuery {
    fn parse(q: &Params) -> Result<Self, Response> {
        let kind = match param(q, "type") {
            None => None,
            Some("PER") => Some(khronika_model::EntityKind::Person),
            Some("ORG") => Some(khronika_model::EntityKind::Organisation),
            Some("LOC") => Some(khronika_model::EntityKind::Location),
            Some(_) => return Err(bad("type must be PER, ORG or LOC")),
        };
        Ok(EntitiesQuery {
            limit: Some(limit_param(q, 50)?),
            kind,
            name: text_param(q, "name"),
        })
    }
}

impl LimitQuery {
    fn parse(q: &Params, default: usize) -> Result<Self, Response> {
        Ok(LimitQuery {
            limit: Some(limit_param(q, default)?),
        })
    }
}

impl PopularQuery {
    fn parse(q: &Params) -> Result<Self, Response> {
        let hours = match param(q, "window_hours") {
            None => 24 * 7,
            Some(v) => match v.parse::<u64>() {
                Ok(h) if (1..=24 * 365).contains(&h) => h,
                _ => return Err(bad("window_hours must be an integer from 1 to 8760")),
            },
        };
        Ok(PopularQuery {
            limit: Some(limit_param(q, 20)?),
            window_hours: Some(hours),
        })
    }
}

/// A `story` id: the live story it resolves to (`None` when it is no story).
async fn live_story(app: &App, id: i64) -> Result<Option<StoryId>, Response> {
    app.store.resolve_story(StoryId(id)).await.map_err(internal)
}

/// A full article as the API shows it: the body only when the source allows full text, and
/// then one window of it from block `blocks_from` (bounded in size, see
/// [`crate::bound::blocks_window`]; `next_blocks` links the next).
fn article_view<'a>(
    app: &App,
    a: &'a StoredArticle,
    copies: Vec<Copy>,
    blocks_from: usize,
) -> Article<'a> {
    let art = &a.article;
    let full = a.display == DisplayPolicy::FullText;
    let window = crate::bound::blocks_window(&art.blocks, blocks_from);
    let mut entities = Vec::new();
    if let Some(an) = &a.analysis {
        let mut seen = std::collections::HashSet::new();
        for m in &an.entities {
            if seen.insert((m.normal.as_str(), m.kind)) {
                entities.push(EntityRef {
                    name: m.normal.clone(),
                    kind: m.kind,
                });
            }
        }
    }
    Article {
        id: a.id.0,
        url: public_url(&a.url),
        canonical_url: art
            .canonical_url
            .as_ref()
            .map(url::Url::as_str)
            .and_then(public_url),
        title: art.title.as_deref(),
        lead: art.lead.as_deref(),
        blocks: match art.blocks.get(window.clone()) {
            Some(b) if full => b,
            _ => &[],
        },
        image: art.image().and_then(|i| {
            Some(types::Image {
                url: crate::bound::public_url(i.url.as_str())?,
                caption: i.caption.as_deref(),
                credit: i.credit.as_deref(),
                width: i.width,
                height: i.height,
            })
        }),
        blocks_total: if full { art.blocks.len() } else { 0 },
        next_blocks: (full && window.end < art.blocks.len())
            .then(|| format!("/api/v1/articles/{}?blocks_from={}", a.id.0, window.end)),
        body_available: full,
        authors: &art.authors,
        published: art.published.map(|p| p.to_rfc3339()),
        time: list_time(a).to_rfc3339(),
        modified: art.modified.map(|m| m.to_rfc3339()),
        tags: &art.tags,
        lang: art.lang.as_ref(),
        site_name: art.site_name.as_deref(),
        source: source_ref(app, a.source_id, &a.url),
        version: a.version,
        first_seen: a.first_seen.to_rfc3339(),
        updated_at: a.updated_at.to_rfc3339(),
        display: a.display,
        entities,
        quotes: a.analysis.as_ref().map_or(&[], |an| an.quotes.as_slice()),
        story_id: a.story_id.map(|x| x.0),
        duplicate_of: a.duplicate_of.map(|x| x.0),
        rubric: a.rubric,
        copies,
        links: types::ArticleLinks {
            html: format!("/article/{}", a.id.0),
            story: a.story_id.map(|x| format!("/api/v1/stories/{}", x.0)),
        },
    }
}

async fn resolve_entity(app: &App, v: &str) -> Result<Option<EntityId>, Response> {
    if let Ok(id) = v.parse::<i64>() {
        return Ok(Some(EntityId(id)));
    }
    let found = app.store.find_entities(v).await.map_err(internal)?;
    Ok(found.into_iter().max_by_key(|e| e.mentions).map(|e| e.id))
}

/// A store error on a list: a damaged cursor is the caller's 400, the rest our 500.
fn list_error(e: khronika_store::StoreError) -> Response {
    match e {
        khronika_store::StoreError::Invalid(m) => bad(&m),
        other => internal(other),
    }
}

#[utoipa::path(get, path = "/articles", params(ArticlesQuery),
    responses((status = 200, description = "Articles, newest first", body = ArticlePage, headers(("ETag" = String, description = "Send it back in If-None-Match to get 304 while the answer is unchanged"))),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
        (status = 400, description = "A malformed parameter", body = Error)))]
async fn articles(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let a = app.clone();
    let key = format!("articles|{}", raw.as_deref().unwrap_or(""));
    cached_json(&app, key, &headers, move || async move {
        let p = ArticlesQuery::parse(&q)?;
        let none = ArticlePage {
            items: Vec::new(),
            next: None,
        };
        let entity = match &p.entity {
            None => None,
            Some(v) => match resolve_entity(&a, v).await? {
                Some(id) => Some(id),
                // An unknown entity matches nothing.
                None => return Ok(none),
            },
        };
        let story = match p.story {
            None => None,
            Some(id) => match live_story(&a, id).await? {
                Some(live) => Some(live),
                // An unknown story matches nothing.
                None => return Ok(none),
            },
        };
        let filter = ArticleFilter {
            source: p.source.map(SourceId),
            tag: p.tag,
            entity,
            since: p.since,
            until: p.until,
            include_hidden: false,
            story,
            rubric: p.rubric,
            originals_only: p.originals_only.unwrap_or(false),
        };
        let page = a
            .store
            .list_articles(
                &filter,
                &PageRequest {
                    cursor: p.cursor,
                    limit: p.limit.unwrap_or(20),
                },
            )
            .await
            .map_err(list_error)?;
        Ok(ArticlePage {
            items: page.items.iter().map(|s| summary(&a, s)).collect(),
            next: page.next,
        })
    })
    .await
}

#[utoipa::path(get, path = "/articles/{id}", params(("id" = i64, Path, description = "Article id"),
        ("blocks_from" = Option<usize>, Query, description = "First body block of this answer (0 by default); follow next_blocks for the rest of a long body")),
    responses((status = 200, description = "The article", body = Article, headers(("ETag" = String, description = "Send it back in If-None-Match to get 304 while the answer is unchanged"))),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
        (status = 400, description = "Not an integer id", body = Error),
        (status = 404, description = "No such article", body = Error),
        (status = 410, description = "Taken down", body = Error)))]
async fn article(
    State(app): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return bad("article id must be an integer");
    };
    let q = query_pairs(raw.as_deref());
    let Ok(blocks_from) = param(&q, "blocks_from").map_or(Ok(0), str::parse::<usize>) else {
        return bad("blocks_from must be a block number (0 or more)");
    };
    let a = app.clone();
    // On a blocking thread within the render slots, as the article page: an answer's
    // transient buffers grow with the article (its entity and quote lists), so the number
    // built at once must be bounded.
    let res = app
        .cached_blocking(
            format!("api|article|{id}|{blocks_from}"),
            JSON,
            move || async move {
                let art = a
                    .load_article(ArticleId(id))
                    .await
                    .map_err(internal)?
                    .ok_or_else(|| not_found("no such article"))?;
                if art.hidden {
                    return Err(json_error(
                        StatusCode::GONE,
                        "gone",
                        "the article was taken down",
                    ));
                }
                let copies = copies_of(&a, &[art.id])
                    .await?
                    .remove(&art.id.0)
                    .unwrap_or_default();
                // Serialised here: the answer borrows from `art`.
                let body = serde_json::to_string(&article_view(&a, &art, copies, blocks_from))
                    .map_err(internal)?;
                Ok((StatusCode::OK, body))
            },
        )
        .await;
    match res {
        Ok(c) => respond(&headers, &c, API_CACHE),
        Err(r) => r,
    }
}

#[utoipa::path(get, path = "/search", params(SearchParams),
    responses((status = 200, description = "Hits with snippets; originals only unless include_copies", body = SearchResults, headers(("ETag" = String, description = "Send it back in If-None-Match to get 304 while the answer is unchanged"))),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
        (status = 400, description = "No query and no filter, or a malformed parameter", body = Error)))]
async fn search(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let a = app.clone();
    let key = format!("api|search|{}", raw.as_deref().unwrap_or(""));
    let res = app
        .cached(key, JSON, || async move {
            let p = SearchParams::parse(&q)?;
            let story = match p.story {
                None => None,
                Some(id) => match live_story(&a, id).await? {
                    Some(live) => Some(live.0.to_string()),
                    // An unknown story: a term no document has.
                    None => Some("none".to_string()),
                },
            };
            let offset = p.offset.unwrap_or(0);
            let sq = SearchQuery {
                text: p.q.unwrap_or_default(),
                source: p.source,
                tag: p.tag,
                entity: p.entity,
                story,
                rubric: p.rubric.map(|r| r.code().to_string()),
                originals_only: !p.include_copies.unwrap_or(false),
                from: p.from,
                to: p.to,
                sort: if p.sort.is_some() {
                    SortBy::Date
                } else {
                    SortBy::Relevance
                },
                limit: p.limit.unwrap_or(10),
                offset,
            };
            if sq.text.is_empty()
                && [&sq.source, &sq.tag, &sq.entity, &sq.story, &sq.rubric]
                    .iter()
                    .all(|v| v.is_none())
                && sq.from.is_none()
                && sq.to.is_none()
            {
                return Err(bad("give a query q or at least one filter"));
            }
            // Searches run inline on the async worker: ~0.3 ms of CPU each; blocking threads
            // behind a fair semaphore (one slot a core) measured 35 % fewer searches a second.
            let res = a.index.search(&sq).map_err(internal)?;
            let ids: Vec<ArticleId> = res.hits.iter().map(|h| ArticleId(h.id as i64)).collect();
            let mut copies = copies_of(&a, &ids).await?;
            let items: Vec<Hit> = res
                .hits
                .iter()
                .map(|h| Hit {
                    story_id: h.story.as_deref().and_then(|s| s.parse().ok()),
                    duplicate_of: h.duplicate_of,
                    rubric: h.rubric.as_deref(),
                    copies: copies.remove(&(h.id as i64)).unwrap_or_default(),
                    id: h.id,
                    score: h.score,
                    title: &h.title,
                    url: h.url.as_deref().and_then(public_url),
                    source: h.source.parse::<i64>().ok().and_then(|id| {
                        source_ref(&a, Some(SourceId(id)), h.url.as_deref().unwrap_or(""))
                    }),
                    published: h.published.map(|p| p.to_rfc3339()),
                    time: h.time.map(|t| t.to_rfc3339()),
                    snippet: types::Snippet {
                        text: &h.snippet.text,
                        highlights: &h.snippet.highlights,
                    },
                    title_highlights: &h.title_snippet.highlights,
                    links: Links {
                        html: format!("/article/{}", h.id),
                        this: format!("/api/v1/articles/{}", h.id),
                    },
                })
                .collect();
            let next_offset = (offset + items.len() < res.total.min(khronika_index::MAX_OFFSET))
                .then_some(offset + items.len());
            // Serialised here: the hits borrow from the index's results (no copies of texts).
            let body = serde_json::to_string(&SearchResults {
                total: res.total,
                offset,
                items,
                next_offset,
            })
            .map_err(internal)?;
            Ok((StatusCode::OK, body))
        })
        .await;
    match res {
        Ok(c) => respond(&headers, &c, API_CACHE),
        Err(r) => r,
    }
}

/// Candidates ranked for `order=top`.
const TOP_CANDIDATES: usize = 200;
/// `order=top` without `since` ranks the stories of the last two days.
const TOP_DEFAULT_HOURS: i64 = 48;

#[utoipa::path(get, path = "/stories", params(StoriesQuery),
    responses((status = 200, description = "Stories, latest or most important first", body = StoryPage, headers(("ETag" = String, description = "Send it back in If-None-Match to get 304 while the answer is unchanged"))),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
        (status = 400, description = "A malformed parameter or a cursor this endpoint did not give", body = Error)))]
async fn stories(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let a = app.clone();
    let key = format!("stories|{}", raw.as_deref().unwrap_or(""));
    cached_json(&app, key, &headers, move || async move {
        let p = StoriesQuery::parse(&q)?;
        let limit = p.limit.unwrap_or(20);
        if p.order.is_none() {
            let page = a
                .store
                .list_stories(
                    &StoryFilter {
                        rubric: p.rubric,
                        since: p.since,
                        min_articles: 1,
                    },
                    &PageRequest {
                        cursor: p.cursor,
                        limit,
                    },
                )
                .await
                .map_err(list_error)?;
            return Ok(StoryPage {
                items: page.items.iter().map(|s| story_item(s, None)).collect(),
                next: page.next,
            });
        }
        // `top`: the ranking changes with time, so its cursor is an offset into it.
        let offset = match p.cursor.as_deref() {
            None => 0,
            Some(c) => c
                .parse::<usize>()
                .ok()
                .filter(|n| *n < TOP_CANDIDATES)
                .ok_or_else(|| bad("cursor is not one this endpoint gave"))?,
        };
        let now = Utc::now();
        let since = p
            .since
            .unwrap_or_else(|| now - chrono::Duration::hours(TOP_DEFAULT_HOURS));
        let page = a
            .store
            .list_stories(
                &StoryFilter {
                    rubric: p.rubric,
                    since: Some(since),
                    min_articles: 1,
                },
                &PageRequest {
                    cursor: None,
                    limit: TOP_CANDIDATES,
                },
            )
            .await
            .map_err(internal)?;
        let ranked = crate::rank_stories(page.items, now);
        let items: Vec<StoryItem> = ranked
            .iter()
            .skip(offset)
            .take(limit)
            .map(|(score, s)| story_item(s, Some(*score)))
            .collect();
        let next =
            (offset + items.len() < ranked.len()).then(|| (offset + items.len()).to_string());
        Ok(StoryPage { items, next })
    })
    .await
}

#[utoipa::path(get, path = "/stories/{id}", params(("id" = i64, Path, description = "Story id")),
    responses((status = 200, description = "The story with its articles, newest first", body = Story, headers(("ETag" = String, description = "Send it back in If-None-Match to get 304 while the answer is unchanged"))),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
        (status = 308, description = "A merged story: Location names the survivor"),
        (status = 404, description = "No such story", body = Error)))]
async fn story(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    // Story ids are integers: anything else names no story.
    let Ok(id) = id.trim().parse::<i64>() else {
        return not_found("no such story");
    };
    let a = app.clone();
    cached_json(&app, format!("story|{id}"), &headers, move || async move {
        let live = live_story(&a, id)
            .await?
            .ok_or_else(|| not_found("no such story"))?;
        if live.0 != id {
            // A merged (or rebuilt) story: the survivor's address, permanently.
            let mut r = StatusCode::PERMANENT_REDIRECT.into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/stories/{}", live.0)) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            return Err(r);
        }
        let st = a
            .store
            .get_story(live)
            .await
            .map_err(internal)?
            .ok_or_else(|| not_found("no such story"))?;
        let page = a
            .store
            .list_articles(
                &ArticleFilter {
                    story: Some(live),
                    ..Default::default()
                },
                &PageRequest {
                    cursor: None,
                    limit: 100,
                },
            )
            .await
            .map_err(internal)?;
        Ok(Story {
            story: story_item(&st, None),
            articles: page.items.iter().map(|s| summary(&a, s)).collect(),
        })
    })
    .await
}

#[utoipa::path(get, path = "/entities", params(EntitiesQuery),
    responses((status = 200, description = "Entities, most mentioned first", body = EntityList, headers(("ETag" = String, description = "Send it back in If-None-Match to get 304 while the answer is unchanged"))),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
        (status = 400, description = "A malformed parameter", body = Error)))]
async fn entities(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let a = app.clone();
    let key = format!("entities|{}", raw.as_deref().unwrap_or(""));
    cached_json(&app, key, &headers, move || async move {
        let p = EntitiesQuery::parse(&q)?;
        let items = match &p.name {
            Some(name) => a.store.find_entities(name).await,
            None => a.store.top_entities(p.kind, p.limit.unwrap_or(50)).await,
        }
        .map_err(internal)?;
        Ok(EntityList { items })
    })
    .await
}

#[utoipa::path(get, path = "/entities/{id}", params(("id" = i64, Path, description = "Entity id")),
    responses((status = 200, description = "The entity, its mentions and quotes", body = EntityDetail, headers(("ETag" = String, description = "Send it back in If-None-Match to get 304 while the answer is unchanged"))),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
        (status = 400, description = "Not an integer id", body = Error),
        (status = 404, description = "No such entity", body = Error)))]
async fn entity(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return bad("entity id must be an integer");
    };
    let a = app.clone();
    cached_json(&app, format!("entity|{id}"), &headers, move || async move {
        let entity = a
            .store
            .get_entity(EntityId(id))
            .await
            .map_err(internal)?
            .ok_or_else(|| not_found("no such entity"))?;
        let mentions = a
            .store
            .entity_mentions(entity.id, 100)
            .await
            .map_err(internal)?;
        let quotes = a
            .store
            .entity_quotes(entity.id, 100)
            .await
            .map_err(internal)?;
        Ok(EntityDetail {
            entity,
            mentions,
            quotes,
        })
    })
    .await
}

#[utoipa::path(get, path = "/tags", params(LimitQuery),
    responses((status = 200, description = "Tags, most used first", body = TagList, headers(("ETag" = String, description = "Send it back in If-None-Match to get 304 while the answer is unchanged"))),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
        (status = 400, description = "A malformed parameter", body = Error)))]
async fn tags(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let a = app.clone();
    let key = format!("tags|{}", raw.as_deref().unwrap_or(""));
    cached_json(&app, key, &headers, move || async move {
        let p = LimitQuery::parse(&q, 100)?;
        let items = a
            .store
            .tags(p.limit.unwrap_or(100))
            .await
            .map_err(internal)?;
        Ok(TagList { items })
    })
    .await
}

#[utoipa::path(get, path = "/sources",
    responses((status = 200, description = "Visible sources", body = SourceList, headers(("ETag" = String, description = "Send it back in If-None-Match to get 304 while the answer is unchanged"))),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)")))]
async fn sources(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let a = app.clone();
    cached_json(&app, "sources".into(), &headers, move || async move {
        let items = a
            .sources()
            .into_iter()
            .filter(|s| !s.hidden)
            .map(|s| SourceInfo {
                id: s.id.0,
                feeds: SourceFeeds {
                    rss: format!("/feed.rss?source={}", s.id.0),
                },
                name: s.name,
                home_url: s.home_url,
                lang: s.lang,
                display: s.display,
            })
            .collect();
        Ok(SourceList { items })
    })
    .await
}

#[utoipa::path(get, path = "/latest", params(LimitQuery),
    responses((status = 200, description = "The newest originals", body = ItemList, headers(("ETag" = String, description = "Send it back in If-None-Match to get 304 while the answer is unchanged"))),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
        (status = 400, description = "A malformed parameter", body = Error)))]
async fn latest(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let a = app.clone();
    let key = format!("latest|{}", raw.as_deref().unwrap_or(""));
    cached_json(&app, key, &headers, move || async move {
        let p = LimitQuery::parse(&q, 20)?;
        let page = a
            .store
            .list_articles(
                &ArticleFilter {
                    originals_only: true,
                    ..Default::default()
                },
                &PageRequest {
                    cursor: None,
                    limit: p.limit.unwrap_or(20),
                },
            )
            .await
            .map_err(internal)?;
        Ok(ItemList {
            items: page.items.iter().map(|s| summary(&a, s)).collect(),
        })
    })
    .await
}

#[utoipa::path(get, path = "/popular", params(PopularQuery),
    responses((status = 200, description = "The most read articles of the window", body = PopularList, headers(("ETag" = String, description = "Send it back in If-None-Match to get 304 while the answer is unchanged"))),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
        (status = 400, description = "A malformed parameter", body = Error)))]
async fn popular(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let a = app.clone();
    let key = format!("popular|{}", raw.as_deref().unwrap_or(""));
    cached_json(&app, key, &headers, move || async move {
        let p = PopularQuery::parse(&q)?;
        let hours = p.window_hours.unwrap_or(24 * 7);
        let pop = a
            .store
            .popular(Duration::from_secs(hours * 3600), p.limit.unwrap_or(20))
            .await
            .map_err(internal)?;
        let mut items = Vec::new();
        for p in pop {
            // The cut-down, cached copy, as the pages' popular list (the most read article
            // may be the largest).
            if let Some(art) = a.load_article(p.article_id).await.map_err(internal)? {
                if !art.hidden {
                    items.push(PopularItem {
                        id: art.id.0,
                        title: art.article.title.clone(),
                        views: p.views,
                        published: art.article.published.map(|p| p.to_rfc3339()),
                        time: list_time(&art).to_rfc3339(),
                    });
                }
            }
        }
        Ok(PopularList {
            window_hours: hours,
            items,
        })
    })
    .await
}
