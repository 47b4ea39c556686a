//! The JSON API under `/api/v1/`: read-only, cached, ETag-aware, errors as JSON objects
//! `{"error": {"status", "code", "message"}}`. The contract is `openapi.json` beside this
//! file, served at `/api/v1/openapi.json`.

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
    ArticleFilter, ArticleId, DisplayPolicy, EntityId, PageRequest, SourceId, StoredArticle, Story,
    StoryFilter, StoryId,
};
use serde_json::{json, Value};

use crate::bound::public_url;
use crate::{published_of, query_pairs, respond, App, AppState};

const JSON: &str = "application/json";
const API_CACHE: &str = "public, max-age=0, must-revalidate";
const OPENAPI: &str = include_str!("openapi.json");

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
        .route("/openapi.json", get(openapi))
}

/// A JSON error answer.
pub fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"error": {"status": status.as_u16(), "code": code, "message": message}});
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

/// Serves a JSON value through the cache with ETag handling.
async fn cached_json<F, Fut>(app: &App, key: String, headers: &HeaderMap, make: F) -> Response
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Value, Response>>,
{
    cached_json_text(app, key, headers, || async {
        Ok(make().await?.to_string())
    })
    .await
}

/// Like [`cached_json`] for handlers that serialise their own types (no `Value` tree:
/// a search answer is built on every cache miss).
async fn cached_json_text<F, Fut>(app: &App, key: String, headers: &HeaderMap, make: F) -> Response
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<String, Response>>,
{
    let res = app
        .cached(format!("api|{key}"), JSON, || async {
            Ok((StatusCode::OK, make().await?))
        })
        .await;
    match res {
        Ok(c) => respond(headers, &c, API_CACHE),
        Err(r) => r,
    }
}

fn summary_json(app: &App, s: &khronika_store::ArticleSummary) -> Value {
    json!({
        "id": s.id.0,
        "url": public_url(&s.url),
        "title": s.title,
        "lead": s.lead,
        "source": s.source_id.map(|id| json!({"id": id.0, "name": app.source_name(Some(id), &s.url)})),
        // `published` is what the page states (null when it states nothing: never a guess);
        // `time` is what lists are ordered by: published, else when we first saw it.
        "published": s.published,
        "time": crate::pages::summary_time(s).to_rfc3339(),
        "first_seen": s.first_seen.to_rfc3339(),
        "version": s.version,
        "display": s.display.as_str(),
        "story_id": s.story_id.map(|x| x.0),
        "duplicate_of": s.duplicate_of.map(|x| x.0),
        "rubric": s.rubric.map(Rubric::code),
        "links": {"html": format!("/article/{}", s.id.0), "self": format!("/api/v1/articles/{}", s.id.0)},
    })
}

/// A story as the API lists it.
fn story_json(s: &Story) -> Value {
    json!({
        "id": s.id.0,
        "title": s.title,
        "first_seen": s.first_seen.to_rfc3339(),
        "last_seen": s.last_seen.to_rfc3339(),
        "sources": s.sources,
        "article_count": s.article_count,
        "entities": s.entities,
        "rubric": s.rubric.map(Rubric::code),
        "url": format!("/story/{}", s.id.0),
        "links": {
            "html": format!("/story/{}", s.id.0),
            "self": format!("/api/v1/stories/{}", s.id.0),
            "rss": format!("/feed.rss?story={}", s.id.0),
            "atom": format!("/feed.atom?story={}", s.id.0),
        },
    })
}

/// Near-duplicate copies of `originals`, grouped by original, as API values.
async fn copies_of(
    app: &App,
    originals: &[ArticleId],
) -> Result<HashMap<i64, Vec<Value>>, Response> {
    let mut out: HashMap<i64, Vec<Value>> = HashMap::new();
    if originals.is_empty() {
        return Ok(out);
    }
    for c in app
        .store
        .article_copies(originals)
        .await
        .map_err(internal)?
    {
        out.entry(c.original.0).or_default().push(json!({
            "id": c.id.0,
            "url": public_url(&c.url),
            "source": c.source_id.map(|id| json!({"id": id.0, "name": app.source_name(Some(id), &c.url)})),
            "first_seen": c.first_seen.to_rfc3339(),
        }));
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

fn bool_param(q: &Params, k: &str, default: bool) -> Result<bool, Response> {
    match param(q, k) {
        None => Ok(default),
        Some("true" | "1" | "yes") => Ok(true),
        Some("false" | "0" | "no") => Ok(false),
        Some(_) => Err(bad(&format!("{k} must be true or false"))),
    }
}

/// A `story` parameter: the live story its id resolves to (`Ok(None)` when it is no story).
async fn story_param(app: &App, q: &Params) -> Result<Option<Option<StoryId>>, Response> {
    let Some(v) = param(q, "story") else {
        return Ok(None);
    };
    let id = v
        .parse::<i64>()
        .map_err(|_| bad("story must be a story id (integer)"))?;
    let live = app
        .store
        .resolve_story(StoryId(id))
        .await
        .map_err(internal)?;
    Ok(Some(live))
}

/// A full article as the API shows it: the body only when the source allows full text.
/// `blocks_from`: the first body block of this answer (the body comes in windows of
/// [`crate::bound::BODY_PAGE_BYTES`] of text; `next_blocks` links the next one).
fn article_json(app: &App, a: &StoredArticle, copies: Vec<Value>, blocks_from: usize) -> Value {
    let art = &a.article;
    let full = a.display == DisplayPolicy::FullText;
    let window = crate::bound::blocks_window(&art.blocks, blocks_from);
    json!({
        "id": a.id.0,
        "url": public_url(&a.url),
        "canonical_url": art.canonical_url.as_ref().map(url::Url::as_str).and_then(public_url),
        "title": art.title,
        "lead": art.lead,
        "blocks": if full { json!(art.blocks.get(window.clone())) } else { json!([]) },
        "blocks_total": if full { art.blocks.len() } else { 0 },
        "next_blocks": (full && window.end < art.blocks.len())
            .then(|| format!("/api/v1/articles/{}?blocks_from={}", a.id.0, window.end)),
        "body_available": full,
        "authors": art.authors,
        "published": art.published.map(|p| p.to_rfc3339()),
        "time": published_of(a).to_rfc3339(),
        "modified": art.modified.map(|m| m.to_rfc3339()),
        "tags": art.tags,
        "lang": art.lang,
        "site_name": art.site_name,
        "source": a.source_id.map(|id| json!({"id": id.0, "name": app.source_name(Some(id), &a.url)})),
        "version": a.version,
        "first_seen": a.first_seen.to_rfc3339(),
        "updated_at": a.updated_at.to_rfc3339(),
        "display": a.display.as_str(),
        "entities": a.analysis.as_ref().map(|an| {
            let mut names: Vec<Value> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for m in &an.entities {
                if seen.insert((m.normal.clone(), m.kind)) {
                    names.push(json!({"name": m.normal, "type": m.kind.code()}));
                }
            }
            names
        }).unwrap_or_default(),
        "quotes": a.analysis.as_ref().map(|an| json!(an.quotes)).unwrap_or(json!([])),
        "story_id": a.story_id.map(|x| x.0),
        "duplicate_of": a.duplicate_of.map(|x| x.0),
        "rubric": a.rubric.map(Rubric::code),
        "copies": copies,
        "links": {
            "html": format!("/article/{}", a.id.0),
            "story": a.story_id.map(|x| format!("/api/v1/stories/{}", x.0)),
        },
    })
}

async fn resolve_entity(app: &App, v: &str) -> Result<Option<EntityId>, Response> {
    if let Ok(id) = v.parse::<i64>() {
        return Ok(Some(EntityId(id)));
    }
    let found = app.store.find_entities(v).await.map_err(internal)?;
    Ok(found.into_iter().max_by_key(|e| e.mentions).map(|e| e.id))
}

async fn articles(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let a = app.clone();
    let key = format!("articles|{}", raw.as_deref().unwrap_or(""));
    cached_json(&app, key, &headers, move || async move {
        let limit = limit_param(&q, 20)?;
        let source = match param(&q, "source") {
            None => None,
            Some(v) => Some(SourceId(
                v.parse::<i64>()
                    .map_err(|_| bad("source must be a source id (integer)"))?,
            )),
        };
        let entity = match param(&q, "entity") {
            None => None,
            Some(v) => match resolve_entity(&a, v).await? {
                Some(id) => Some(id),
                // An unknown entity matches nothing.
                None => return Ok(json!({"items": [], "next": null})),
            },
        };
        let story = match story_param(&a, &q).await? {
            None => None,
            Some(Some(id)) => Some(id),
            // An unknown story matches nothing.
            Some(None) => return Ok(json!({"items": [], "next": null})),
        };
        let filter = ArticleFilter {
            source,
            tag: param(&q, "tag").map(str::to_string),
            entity,
            since: date_param(&q, "since")?,
            until: date_param(&q, "until")?,
            include_hidden: false,
            story,
            rubric: rubric_param(&q)?,
            originals_only: bool_param(&q, "originals_only", false)?,
        };
        let page = a
            .store
            .list_articles(
                &filter,
                &PageRequest {
                    cursor: param(&q, "cursor").map(str::to_string),
                    limit,
                },
            )
            .await
            .map_err(|e| match e {
                khronika_store::StoreError::Invalid(m) => bad(&m),
                other => internal(other),
            })?;
        let items: Vec<Value> = page.items.iter().map(|s| summary_json(&a, s)).collect();
        Ok(json!({"items": items, "next": page.next}))
    })
    .await
}

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
    cached_json(
        &app,
        format!("article|{id}|{blocks_from}"),
        &headers,
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
            Ok(article_json(&a, &art, copies, blocks_from))
        },
    )
    .await
}

async fn search(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let a = app.clone();
    let key = format!("search|{}", raw.as_deref().unwrap_or(""));
    cached_json_text(&app, key, &headers, move || async move {
        let limit = limit_param(&q, 10)?;
        let offset = match param(&q, "offset") {
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
        let sort = match param(&q, "sort") {
            None | Some("relevance") => SortBy::Relevance,
            Some("date") => SortBy::Date,
            Some(_) => return Err(bad("sort must be relevance or date")),
        };
        let text = param(&q, "q").unwrap_or("").to_string();
        let story = match story_param(&a, &q).await? {
            None => None,
            Some(Some(id)) => Some(id.0.to_string()),
            // An unknown story: a term no document has.
            Some(None) => Some("none".to_string()),
        };
        let sq = SearchQuery {
            text,
            source: param(&q, "source").map(str::to_string),
            tag: param(&q, "tag").map(str::to_string),
            entity: param(&q, "entity").map(str::to_string),
            story,
            rubric: rubric_param(&q)?.map(|r| r.code().to_string()),
            originals_only: !bool_param(&q, "include_copies", false)?,
            from: date_param(&q, "from")?,
            to: date_param(&q, "to")?,
            sort,
            limit,
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
        let items: Vec<SearchItem> = res
            .hits
            .iter()
            .map(|h| SearchItem {
                story_id: h.story.as_deref().and_then(|s| s.parse().ok()),
                duplicate_of: h.duplicate_of,
                rubric: h.rubric.as_deref(),
                copies: copies.remove(&(h.id as i64)).unwrap_or_default(),
                id: h.id,
                score: h.score,
                title: &h.title,
                url: h.url.as_deref().and_then(public_url),
                source: h.source.parse::<i64>().ok().map(|id| SourceRef {
                    id,
                    name: a.source_name(Some(SourceId(id)), h.url.as_deref().unwrap_or("")),
                }),
                published: h.published.map(|p| p.to_rfc3339()),
                time: h.time.map(|t| t.to_rfc3339()),
                snippet: SnippetJson {
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
        serde_json::to_string(&SearchPage {
            total: res.total,
            offset,
            items,
            next_offset,
        })
        .map_err(internal)
    })
    .await
}

/// `/api/v1/search` answer (keys as in the OpenAPI document).
#[derive(serde::Serialize)]
struct SearchPage<'a> {
    total: usize,
    offset: usize,
    items: Vec<SearchItem<'a>>,
    next_offset: Option<usize>,
}

#[derive(serde::Serialize)]
struct SearchItem<'a> {
    id: u64,
    score: f32,
    title: &'a str,
    url: Option<&'a str>,
    source: Option<SourceRef>,
    /// What the page states; null when it states nothing.
    published: Option<String>,
    /// The order key: published, else when we first saw the article.
    time: Option<String>,
    snippet: SnippetJson<'a>,
    title_highlights: &'a [(usize, usize)],
    story_id: Option<i64>,
    duplicate_of: Option<u64>,
    rubric: Option<&'a str>,
    /// Near-duplicate copies of this original ("также: …").
    copies: Vec<Value>,
    links: Links,
}

#[derive(serde::Serialize)]
struct SourceRef {
    id: i64,
    name: String,
}

#[derive(serde::Serialize)]
struct SnippetJson<'a> {
    text: &'a str,
    highlights: &'a [(usize, usize)],
}

#[derive(serde::Serialize)]
struct Links {
    html: String,
    #[serde(rename = "self")]
    this: String,
}

/// Candidates ranked for `order=top`.
const TOP_CANDIDATES: usize = 200;
/// `order=top` without `since` ranks the stories of the last two days.
const TOP_DEFAULT_HOURS: i64 = 48;

async fn stories(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let a = app.clone();
    let key = format!("stories|{}", raw.as_deref().unwrap_or(""));
    cached_json(&app, key, &headers, move || async move {
        let limit = limit_param(&q, 20)?;
        let rubric = rubric_param(&q)?;
        let since = date_param(&q, "since")?;
        let cursor = param(&q, "cursor").map(str::to_string);
        match param(&q, "order") {
            None | Some("latest") => {
                let page = a
                    .store
                    .list_stories(
                        &StoryFilter {
                            rubric,
                            since,
                            min_articles: 1,
                        },
                        &PageRequest { cursor, limit },
                    )
                    .await
                    .map_err(|e| match e {
                        khronika_store::StoreError::Invalid(m) => bad(&m),
                        other => internal(other),
                    })?;
                let items: Vec<Value> = page.items.iter().map(story_json).collect();
                Ok(json!({"items": items, "next": page.next}))
            }
            Some("top") => {
                // The ranking changes with time, so its cursor is an offset into it.
                let offset = match cursor.as_deref() {
                    None => 0,
                    Some(c) => c
                        .parse::<usize>()
                        .ok()
                        .filter(|n| *n < TOP_CANDIDATES)
                        .ok_or_else(|| bad("cursor is not one this endpoint gave"))?,
                };
                let now = Utc::now();
                let since =
                    since.unwrap_or_else(|| now - chrono::Duration::hours(TOP_DEFAULT_HOURS));
                let page = a
                    .store
                    .list_stories(
                        &StoryFilter {
                            rubric,
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
                let items: Vec<Value> = ranked
                    .iter()
                    .skip(offset)
                    .take(limit)
                    .map(|(score, s)| {
                        let mut v = story_json(s);
                        v["importance"] = json!(score);
                        v
                    })
                    .collect();
                let next = (offset + items.len() < ranked.len())
                    .then(|| (offset + items.len()).to_string());
                Ok(json!({"items": items, "next": next}))
            }
            Some(_) => Err(bad("order must be top or latest")),
        }
    })
    .await
}

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
        let live = a
            .store
            .resolve_story(StoryId(id))
            .await
            .map_err(internal)?
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
        let mut v = story_json(&st);
        v["articles"] = json!(page
            .items
            .iter()
            .map(|s| summary_json(&a, s))
            .collect::<Vec<_>>());
        Ok(v)
    })
    .await
}

async fn entities(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let a = app.clone();
    let key = format!("entities|{}", raw.as_deref().unwrap_or(""));
    cached_json(&app, key, &headers, move || async move {
        let limit = limit_param(&q, 50)?;
        let kind = match param(&q, "type") {
            None => None,
            Some("PER") => Some(khronika_model::EntityKind::Person),
            Some("ORG") => Some(khronika_model::EntityKind::Organisation),
            Some("LOC") => Some(khronika_model::EntityKind::Location),
            Some(_) => return Err(bad("type must be PER, ORG or LOC")),
        };
        let list = match param(&q, "name") {
            Some(name) => a.store.find_entities(name).await,
            None => a.store.top_entities(kind, limit).await,
        }
        .map_err(internal)?;
        Ok(json!({"items": list}))
    })
    .await
}

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
        let e = a
            .store
            .get_entity(EntityId(id))
            .await
            .map_err(internal)?
            .ok_or_else(|| not_found("no such entity"))?;
        let mentions = a.store.entity_mentions(e.id, 100).await.map_err(internal)?;
        let quotes = a.store.entity_quotes(e.id, 100).await.map_err(internal)?;
        Ok(json!({"entity": e, "mentions": mentions, "quotes": quotes}))
    })
    .await
}

async fn tags(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let a = app.clone();
    let key = format!("tags|{}", raw.as_deref().unwrap_or(""));
    cached_json(&app, key, &headers, move || async move {
        let limit = limit_param(&q, 100)?;
        let list = a.store.tags(limit).await.map_err(internal)?;
        Ok(json!({"items": list}))
    })
    .await
}

async fn sources(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let a = app.clone();
    cached_json(&app, "sources".into(), &headers, move || async move {
        let list: Vec<Value> = a
            .sources()
            .into_iter()
            .filter(|s| !s.hidden)
            .map(|s| {
                json!({"id": s.id.0, "name": s.name, "home_url": s.home_url, "lang": s.lang,
                       "display": s.display.as_str(), "feeds": {"rss": format!("/feed.rss?source={}", s.id.0)}})
            })
            .collect();
        Ok(json!({"items": list}))
    })
    .await
}

async fn latest(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let a = app.clone();
    let key = format!("latest|{}", raw.as_deref().unwrap_or(""));
    cached_json(&app, key, &headers, move || async move {
        let limit = limit_param(&q, 20)?;
        let page = a
            .store
            .list_articles(
                &ArticleFilter {
                    originals_only: true,
                    ..Default::default()
                },
                &PageRequest {
                    cursor: None,
                    limit,
                },
            )
            .await
            .map_err(internal)?;
        let items: Vec<Value> = page.items.iter().map(|s| summary_json(&a, s)).collect();
        Ok(json!({"items": items}))
    })
    .await
}

async fn popular(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let a = app.clone();
    let key = format!("popular|{}", raw.as_deref().unwrap_or(""));
    cached_json(&app, key, &headers, move || async move {
        let limit = limit_param(&q, 20)?;
        let hours = match param(&q, "window_hours") {
            None => 24 * 7,
            Some(v) => match v.parse::<u64>() {
                Ok(h) if (1..=24 * 365).contains(&h) => h,
                _ => return Err(bad("window_hours must be an integer from 1 to 8760")),
            },
        };
        let pop = a
            .store
            .popular(Duration::from_secs(hours * 3600), limit)
            .await
            .map_err(internal)?;
        let mut items = Vec::new();
        for p in pop {
            if let Some(art) = a.store.get_article(p.article_id).await.map_err(internal)? {
                if !art.hidden {
                    items.push(
                        json!({"id": art.id.0, "title": art.article.title, "views": p.views,
                                      "published": art.article.published.map(|p| p.to_rfc3339()),
                                      "time": published_of(&art).to_rfc3339()}),
                    );
                }
            }
        }
        Ok(json!({"window_hours": hours, "items": items}))
    })
    .await
}

async fn openapi() -> Response {
    let mut r = (StatusCode::OK, OPENAPI).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    r
}
