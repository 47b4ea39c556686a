//! The portal's pages, one module per page or family of pages, rendered with maud templates:
//! every interpolated string is escaped by the engine. Each handler renders through
//! [`App::cached`], so a hot page is a cache lookup. Shared here: list items, the sidebar,
//! the error pages and the cached-page helper.

mod article;
mod directories;
mod entity;
mod front;
mod layout;
mod listings;
mod search;
mod story;

use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use khronika_store::{ArticleFilter, ArticleId, ArticleSummary, PageRequest, SourceId};
use maud::{html, Markup};

pub use article::article;
pub use directories::{entities, sources, tags, timezone};
pub use entity::{entity, entity_chips};
pub use front::front;
pub use listings::{rubric, source, tag};
pub use search::search;
pub use story::{stories, story};

use crate::html::{plural, ru_short};
use crate::{list_time, respond, App, AppState};
use layout::{Layout, OpenGraph};

const HTML: &str = "text/html; charset=utf-8";
const PAGE_CACHE: &str = "public, max-age=0, must-revalidate";
const PER_PAGE: usize = 20;
/// "Популярное": the last day, else the last week when nobody read anything today.
const POPULAR_WINDOWS: [(u64, &str); 2] = [(24, "за 24 часа"), (24 * 7, "за 7 дней")];

/// One headline in a list.
pub(crate) struct Item {
    pub id: i64,
    pub title: String,
    pub source: String,
    /// The publication time when `dated`, else when khronika first saw the article (shown
    /// labelled "добавлено"); none only for a search hit stored without either.
    pub time: Option<DateTime<Utc>>,
    /// Whether the page states its publication time.
    pub dated: bool,
    pub lead: Option<String>,
    /// Source names of its near-duplicate copies ("также: ТАСС, РИА Новости").
    pub also: Vec<String>,
    /// Views, where a list shows them ("Популярное").
    pub views: Option<u64>,
}

impl Item {
    pub(crate) fn from_summary(app: &App, s: &ArticleSummary) -> Item {
        Item {
            id: s.id.0,
            title: crate::bound::display_title(s.title.as_deref(), &s.url),
            source: app.source_name(s.source_id, &s.url),
            time: Some(summary_time(s)),
            dated: summary_published(s).is_some(),
            lead: s.lead.clone(),
            also: Vec::new(),
            views: None,
        }
    }

    pub(crate) fn from_hit(app: &App, h: &khronika_index::Hit) -> Item {
        Item {
            id: h.id as i64,
            title: h.title.clone(),
            source: hit_source(app, h),
            time: h.published.or(h.time),
            dated: h.published.is_some(),
            lead: None,
            also: Vec::new(),
            views: None,
        }
    }
}

/// The name of a search hit's source ("" when the hit names none).
fn hit_source(app: &App, h: &khronika_index::Hit) -> String {
    h.source
        .parse::<i64>()
        .ok()
        .map(|s| app.source_name(Some(SourceId(s)), h.url.as_deref().unwrap_or("")))
        .unwrap_or_default()
}

/// Fills each item's "также": the source names of its visible near-duplicate copies.
pub(crate) async fn add_copies(app: &App, items: &mut [Item]) {
    if items.is_empty() {
        return;
    }
    let ids: Vec<ArticleId> = items.iter().map(|i| ArticleId(i.id)).collect();
    let Ok(copies) = app.store.article_copies(&ids).await else {
        return;
    };
    for c in copies {
        if let Some(it) = items.iter_mut().find(|i| i.id == c.original.0) {
            let name = app.source_name(c.source_id, &c.url);
            if name != it.source && !it.also.contains(&name) {
                it.also.push(name);
            }
        }
    }
}

/// "также: ТАСС, РИА Новости", or nothing.
fn also(also: &[String]) -> Markup {
    html! {
        @if !also.is_empty() {
            span class="also" { "также: " (also.join(", ")) }
        }
    }
}

fn views_label(n: u64) -> String {
    format!("{n} {}", plural(n, "просмотр", "просмотра", "просмотров"))
}

fn publications_label(articles: u64, sources: u64) -> String {
    format!(
        "{articles} {}, {sources} {}",
        plural(articles, "публикация", "публикации", "публикаций"),
        plural(sources, "источник", "источника", "источников")
    )
}

fn story_publications(st: &khronika_store::Story) -> String {
    publications_label(u64::from(st.article_count), u64::from(st.sources))
}

/// The publication time the page states, if any.
pub(crate) fn summary_published(s: &ArticleSummary) -> Option<DateTime<Utc>> {
    s.published
        .as_deref()
        .and_then(|p| DateTime::parse_from_rfc3339(p).ok())
        .map(|d| d.with_timezone(&Utc))
}

/// The time a list is ordered by: published, else first seen.
pub(crate) fn summary_time(s: &ArticleSummary) -> DateTime<Utc> {
    summary_published(s).unwrap_or(s.first_seen)
}

/// An item's time as a list shows it: the publication time, or for a page that states
/// none when it was added, labelled so (it is not when the article was published).
fn item_time(it: &Item, tz: Tz, now: DateTime<Utc>) -> Markup {
    html! {
        @match (it.time, it.dated) {
            (Some(t), true) => (short_time(t, tz, now)),
            (Some(t), false) => span class="added" { "добавлено " (short_time(t, tz, now)) },
            (None, _) => span class="added" { "дата не указана" },
        }
    }
}

/// A `<time>` with the machine-readable instant and the reader's short form.
fn short_time(t: DateTime<Utc>, tz: Tz, now: DateTime<Utc>) -> Markup {
    html! { time datetime=(t.to_rfc3339()) { (ru_short(t, tz, now)) } }
}

fn news_list(items: &[Item], tz: Tz, now: DateTime<Utc>, with_source: bool) -> Markup {
    html! {
        @if items.is_empty() {
            p { "Пока ничего нет." }
        } @else {
            ul class="news" {
                @for it in items {
                    li {
                        (item_time(it, tz, now))
                        @if with_source { span class="src" { (it.source) } }
                        br;
                        a href={ "/article/" (it.id) } { (it.title) }
                        @if let Some(v) = it.views { span class="views" { (views_label(v)) } }
                        (also(&it.also))
                    }
                }
            }
        }
    }
}

/// A list of stories: latest time, optional rubric, title, publications and sources.
fn story_list(
    stories: &[khronika_store::Story],
    tz: Tz,
    now: DateTime<Utc>,
    rubrics: bool,
) -> Markup {
    html! {
        ul class="news" {
            @for st in stories {
                li {
                    (short_time(st.last_seen, tz, now))
                    @if rubrics { @if let Some(r) = st.rubric { span class="src" { (r.label_ru()) } } }
                    br;
                    a href={ "/story/" (st.id.0) } { (st.title) }
                    span class="also" { (story_publications(st)) }
                }
            }
        }
    }
}

/// Chips linking each name to `{prefix}{name}`, each followed by a space.
fn chips<'a>(prefix: &str, names: impl IntoIterator<Item = &'a String>) -> Markup {
    html! {
        @for n in names {
            a href={ (prefix) (crate::html::seg(n)) } { (n) } " "
        }
    }
}

/// The newest originals (copies collapsed into "также"), leaving out `exclude`.
async fn latest(app: &App, limit: usize, exclude: Option<i64>) -> Result<Vec<Item>, Response> {
    let page = app
        .store
        .list_articles(
            &ArticleFilter {
                originals_only: true,
                ..Default::default()
            },
            &PageRequest {
                cursor: None,
                limit: limit + usize::from(exclude.is_some()),
            },
        )
        .await
        .map_err(|e| server_error(app, &e.to_string()))?;
    let mut items: Vec<Item> = page
        .items
        .iter()
        .filter(|s| Some(s.id.0) != exclude)
        .map(|s| Item::from_summary(app, s))
        .take(limit)
        .collect();
    add_copies(app, &mut items).await;
    Ok(items)
}

/// The most read articles of the first window in [`POPULAR_WINDOWS`] that has any, with
/// that window's label ("за 24 часа") and each article's views.
pub(crate) async fn popular(
    app: &App,
    limit: usize,
) -> Result<(&'static str, Vec<Item>), Response> {
    let mut label = POPULAR_WINDOWS[0].1;
    for (hours, l) in POPULAR_WINDOWS {
        label = l;
        let pop = app
            .store
            .popular(Duration::from_secs(hours * 3600), limit)
            .await
            .map_err(|e| server_error(app, &e.to_string()))?;
        let mut out = Vec::with_capacity(pop.len());
        for p in pop {
            // Through the cut-down, cached copy: this list is on every article page, and
            // the most read article may be the largest (each render re-read and parsed a
            // 14 MB article from the store, ~100 MB of transient heap).
            if let Ok(Some(a)) = app.load_article(p.article_id).await {
                if a.hidden {
                    continue;
                }
                out.push(Item {
                    id: a.id.0,
                    title: crate::bound::display_title(a.article.title.as_deref(), &a.url),
                    source: app.source_name(a.source_id, &a.url),
                    time: Some(list_time(&a)),
                    dated: a.article.published.is_some(),
                    lead: a.article.lead.clone(),
                    also: Vec::new(),
                    views: Some(p.views),
                });
            }
        }
        if !out.is_empty() {
            return Ok((l, out));
        }
    }
    Ok((label, Vec::new()))
}

fn popular_section(label: &str, items: &[Item], tz: Tz, now: DateTime<Utc>) -> Markup {
    html! {
        section aria-labelledby="side-popular" {
            h2 id="side-popular" { "Популярное " span class="window" { (label) } }
            @if items.is_empty() {
                p { "Ещё никто ничего не читал." }
            } @else {
                (news_list(items, tz, now, true))
            }
        }
    }
}

/// The sidebar: latest and popular, never mixed into an article's text. Cached on its own
/// (it is the same on every page), so uncached pages do not query the store for it.
async fn sidebar(app: &App, tz: Tz) -> Result<String, Response> {
    let c = app
        .cached(format!("sidebar|{tz}"), HTML, || async {
            Ok((StatusCode::OK, render_sidebar(app, tz, None).await?))
        })
        .await?;
    Ok(String::from_utf8_lossy(&c.body).into_owned())
}

/// The sidebar; an article page passes its own id so "Последние новости" leaves it out
/// (rendered with the page, which is cached itself).
async fn render_sidebar(app: &App, tz: Tz, exclude: Option<i64>) -> Result<String, Response> {
    let now = Utc::now();
    let latest = latest(app, 8, exclude).await?;
    let (label, pop) = popular(app, 6).await?;
    Ok(html! {
        section aria-labelledby="side-latest" {
            h2 id="side-latest" { "Последние новости" }
            (news_list(&latest, tz, now, true))
        }
        (popular_section(label, &pop, tz, now))
    }
    .into_string())
}

/// A page in the frame with the shared sidebar and, when it has one, its feed.
async fn framed(
    app: &App,
    title: &str,
    tz: Tz,
    feed: Option<(String, String)>,
    main: Markup,
) -> Result<(StatusCode, String), Response> {
    let aside = sidebar(app, tz).await?;
    let mut l = layout(app, title, tz);
    l.feed = feed;
    Ok((StatusCode::OK, l.render(main, Some(&aside))))
}

fn layout<'a>(app: &'a App, title: &'a str, tz: Tz) -> Layout<'a> {
    Layout {
        title,
        description: None,
        site_name: &app.cfg.site_name,
        query: "",
        feed: None,
        canonical: None,
        tz,
        og: None,
    }
}

fn error_page(app: &App, status: StatusCode, title: &str, message: &str) -> Response {
    let main = html! {
        h1 { (title) }
        p { (message) }
        p { a href="/" { "На главную" } }
    };
    let body = layout(app, title, app.cfg.default_tz).render(main, None);
    html_response(status, body)
}

fn html_response(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(HTML));
    r
}

fn server_error(app: &App, detail: &str) -> Response {
    tracing::error!("page failed: {detail}");
    error_page(
        app,
        StatusCode::INTERNAL_SERVER_ERROR,
        "Ошибка сервера",
        "Страницу не удалось построить. Попробуйте позже.",
    )
}

/// A damaged `cursor` is the reader's 400; anything else the store says is our 500.
fn list_error(app: &App, e: khronika_store::StoreError) -> Response {
    match e {
        khronika_store::StoreError::Invalid(_) => error_page(
            app,
            StatusCode::BAD_REQUEST,
            "Неверная ссылка",
            "Параметр страницы повреждён.",
        ),
        other => server_error(app, &other.to_string()),
    }
}

fn not_found_page(app: &App, what: &str) -> Response {
    error_page(app, StatusCode::NOT_FOUND, "Страница не найдена", what)
}

pub async fn not_found(State(app): State<AppState>, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::api::json_error(StatusCode::NOT_FOUND, "not_found", "no such endpoint");
    }
    not_found_page(&app, "Такой страницы нет. Возможно, ссылка устарела.")
}

/// Runs a cached page render and answers with ETag handling.
async fn page<F, Fut>(app: &App, key: String, headers: &HeaderMap, make: F) -> Response
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(StatusCode, String), Response>>,
{
    match app.cached(key, HTML, make).await {
        Ok(c) => respond(headers, &c, PAGE_CACHE),
        Err(r) => r,
    }
}

/// Like [`page`], rendered on a blocking thread ([`App::cached_blocking`]): for pages whose
/// cost grows with the article (the article page).
async fn page_blocking<F, Fut>(app: &App, key: String, headers: &HeaderMap, make: F) -> Response
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<(StatusCode, String), Response>> + Send + 'static,
{
    match app.cached_blocking(key, HTML, make).await {
        Ok(c) => respond(headers, &c, PAGE_CACHE),
        Err(r) => r,
    }
}

/// The newest original articles of a story (copies are shown under their originals).
async fn story_originals(
    app: &App,
    story: khronika_store::StoryId,
    limit: usize,
) -> Result<khronika_store::Page<khronika_store::ArticleSummary>, khronika_store::StoreError> {
    app.store
        .list_articles(
            &ArticleFilter {
                story: Some(story),
                originals_only: true,
                ..Default::default()
            },
            &PageRequest {
                cursor: None,
                limit,
            },
        )
        .await
}
