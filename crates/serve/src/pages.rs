//! The portal's pages: front, article, search, tag, entity, source, story, lists.
//! Each handler renders through [`App::cached`], so a hot page is a cache lookup.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use khronika_index::{SearchQuery, SortBy};
use khronika_model::Rubric;
use khronika_store::{
    ArticleFilter, ArticleId, ArticleSummary, DisplayPolicy, EntityId, PageRequest, SourceId,
    Story, StoryFilter, StoryId,
};

use crate::html::{enc, esc, esc_into, plural, ru_datetime, ru_short, safe_url, Layout};
use crate::{published_of, query_pairs, reader_tz, render, respond, App, AppState};

const HTML: &str = "text/html; charset=utf-8";
const PAGE_CACHE: &str = "public, max-age=0, must-revalidate";
const PER_PAGE: usize = 20;
/// "Популярное": the last day, else the last week when nobody read anything today.
const POPULAR_WINDOWS: [(u64, &str); 2] = [(24, "за 24 часа"), (24 * 7, "за 7 дней")];
/// "Главное" ranks stories whose latest article is at most this old.
const TOP_STORY_HOURS: i64 = 48;
/// A related story shares at least this many main entities with the article.
const RELATED_STORY_MIN_SHARED: usize = 2;

/// One headline in a list.
pub(crate) struct Item {
    pub id: i64,
    pub title: String,
    pub source: String,
    pub time: DateTime<Utc>,
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
            time: summary_time(s),
            lead: s.lead.clone(),
            also: Vec::new(),
            views: None,
        }
    }

    pub(crate) fn from_hit(app: &App, h: &khronika_index::Hit) -> Item {
        Item {
            id: h.id as i64,
            title: h.title.clone(),
            source: h
                .source
                .parse::<i64>()
                .ok()
                .map(|s| app.source_name(Some(SourceId(s)), h.url.as_deref().unwrap_or("")))
                .unwrap_or_default(),
            time: h.time.unwrap_or_else(Utc::now),
            lead: None,
            also: Vec::new(),
            views: None,
        }
    }
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

/// "также: ТАСС, РИА Новости" (escaped), or nothing.
fn also_html(o: &mut String, also: &[String]) {
    if also.is_empty() {
        return;
    }
    o.push_str("<span class=\"also\">также: ");
    esc_into(o, &also.join(", "));
    o.push_str("</span>");
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

pub(crate) fn summary_time(s: &ArticleSummary) -> DateTime<Utc> {
    s.published
        .as_deref()
        .and_then(|p| DateTime::parse_from_rfc3339(p).ok())
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or(s.first_seen)
}

fn news_list(o: &mut String, items: &[Item], tz: Tz, now: DateTime<Utc>, with_source: bool) {
    if items.is_empty() {
        o.push_str("<p>Пока ничего нет.</p>");
        return;
    }
    o.push_str("<ul class=\"news\">");
    for it in items {
        o.push_str("<li><time datetime=\"");
        o.push_str(&it.time.to_rfc3339());
        o.push_str("\">");
        esc_into(o, &ru_short(it.time, tz, now));
        o.push_str("</time>");
        if with_source {
            o.push_str("<span class=\"src\">");
            esc_into(o, &it.source);
            o.push_str("</span>");
        }
        o.push_str("<br><a href=\"/article/");
        o.push_str(&it.id.to_string());
        o.push_str("\">");
        esc_into(o, &it.title);
        o.push_str("</a>");
        if let Some(v) = it.views {
            o.push_str("<span class=\"views\">");
            o.push_str(&views_label(v));
            o.push_str("</span>");
        }
        also_html(o, &it.also);
        o.push_str("</li>");
    }
    o.push_str("</ul>");
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
            if let Ok(Some(a)) = app.store.get_article(p.article_id).await {
                if a.hidden {
                    continue;
                }
                out.push(Item {
                    id: a.id.0,
                    title: a.article.title.clone().unwrap_or_else(|| a.url.clone()),
                    source: app.source_name(a.source_id, &a.url),
                    time: published_of(&a),
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

fn popular_html(o: &mut String, label: &str, items: &[Item], tz: Tz, now: DateTime<Utc>) {
    o.push_str(
        "<section aria-labelledby=\"side-popular\"><h2 id=\"side-popular\">Популярное <span class=\"window\">",
    );
    esc_into(o, label);
    o.push_str("</span></h2>");
    if items.is_empty() {
        o.push_str("<p>Ещё никто ничего не читал.</p>");
    } else {
        news_list(o, items, tz, now, true);
    }
    o.push_str("</section>");
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
    let mut o = String::new();
    o.push_str(
        "<section aria-labelledby=\"side-latest\"><h2 id=\"side-latest\">Последние новости</h2>",
    );
    news_list(&mut o, &latest(app, 8, exclude).await?, tz, now, true);
    o.push_str("</section>");
    let (label, pop) = popular(app, 6).await?;
    popular_html(&mut o, label, &pop, tz, now);
    Ok(o)
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
    }
}

fn error_page(app: &App, status: StatusCode, title: &str, message: &str) -> Response {
    let mut main = String::from("<h1>");
    esc_into(&mut main, title);
    main.push_str("</h1><p>");
    esc_into(&mut main, message);
    main.push_str("</p><p><a href=\"/\">На главную</a></p>");
    let body = layout(app, title, app.cfg.default_tz).render(&main, "");
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

fn not_found_page(app: &App, what: &str) -> Response {
    error_page(app, StatusCode::NOT_FOUND, "Страница не найдена", what)
}

pub async fn not_found(State(app): State<AppState>, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::api::json_error(StatusCode::NOT_FOUND, "not_found", "no such endpoint");
    }
    not_found_page(&app, "Такой страницы нет. Возможно, ссылка устарела.")
}

/// Like [`page`], rendered on a blocking thread ([`App::cached_blocking`]).
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

// ---------- front ----------

pub async fn front(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let tz = reader_tz(&app, &q, &headers);
    let key = format!("front|{tz}");
    let a = app.clone();
    page(&app, key, &headers, move || async move {
        let now = Utc::now();
        let items = latest(&a, 30, None).await?;
        let mut main = String::new();
        main.push_str("<h1 class=\"vh\">Главные новости</h1>");
        main.push_str("<section class=\"top-stories\" aria-labelledby=\"top-h\"><h2 id=\"top-h\">Главное</h2>");
        let stories = top_stories(&a, now, 5).await?;
        let (top, rest) = if stories.is_empty() {
            // No live stories (not organised yet, or a quiet archive): the newest articles.
            items.split_at(items.len().min(5))
        } else {
            items.split_at(0)
        };
        if top.is_empty() && stories.is_empty() {
            main.push_str("<p>Новостей пока нет. Загрузите статьи командой <code>khronika ingest</code> или запустите <code>khronika demo</code>.</p>");
        }
        for (st, it) in &stories {
            main.push_str("<article><h3 class=\"h2\"><a href=\"/article/");
            main.push_str(&it.id.to_string());
            main.push_str("\">");
            esc_into(&mut main, &st.title);
            main.push_str("</a></h3><p class=\"meta\">");
            esc_into(&mut main, &it.source);
            main.push_str(" · <time datetime=\"");
            main.push_str(&it.time.to_rfc3339());
            main.push_str("\">");
            esc_into(&mut main, &ru_datetime(it.time, tz));
            main.push_str("</time> · <a href=\"/story/");
            main.push_str(&st.id.0.to_string());
            main.push_str("\">");
            main.push_str(&publications_label(
                u64::from(st.article_count),
                u64::from(st.sources),
            ));
            main.push_str("</a></p>");
            if it.title != st.title {
                main.push_str("<p class=\"snippet\">Последнее: ");
                esc_into(&mut main, &it.title);
                main.push_str("</p>");
            } else if let Some(lead) = it.lead.as_deref().filter(|l| !l.trim().is_empty()) {
                main.push_str("<p class=\"snippet\">");
                main.push_str(&render::text(lead));
                main.push_str("</p>");
            }
            main.push_str("</article>");
        }
        for it in top {
            main.push_str("<article><h3 class=\"h2\"><a href=\"/article/");
            main.push_str(&it.id.to_string());
            main.push_str("\">");
            esc_into(&mut main, &it.title);
            main.push_str("</a></h3><p class=\"meta\">");
            esc_into(&mut main, &it.source);
            main.push_str(" · <time datetime=\"");
            main.push_str(&it.time.to_rfc3339());
            main.push_str("\">");
            esc_into(&mut main, &ru_datetime(it.time, tz));
            main.push_str("</time></p>");
            if let Some(lead) = it.lead.as_deref().filter(|l| !l.trim().is_empty()) {
                main.push_str("<p class=\"snippet\">");
                main.push_str(&render::text(lead));
                main.push_str("</p>");
            }
            main.push_str("</article>");
        }
        main.push_str("</section>");
        main.push_str("<section aria-labelledby=\"latest-h\"><h2 id=\"latest-h\">Лента новостей</h2>");
        news_list(&mut main, rest, tz, now, true);
        main.push_str("</section>");
        let mut aside = String::new();
        let (label, pop) = popular(&a, 8).await?;
        popular_html(&mut aside, label, &pop, tz, now);
        if let Ok(tags) = a.store.tags(20).await {
            if !tags.is_empty() {
                aside.push_str("<section aria-labelledby=\"side-tags\"><h2 id=\"side-tags\">Темы</h2><p class=\"chips\">");
                for t in tags {
                    aside.push_str("<a href=\"/tag/");
                    aside.push_str(&enc(&t.name));
                    aside.push_str("\">");
                    esc_into(&mut aside, &t.name);
                    aside.push_str("</a> ");
                }
                aside.push_str("</p></section>");
            }
        }
        let mut l = layout(&a, &a.cfg.site_name, tz);
        l.description = Some("Новости из русскоязычных источников Казахстана, Центральной Азии и СНГ");
        l.feed = Some(("/feed.rss".into(), "Все новости".into()));
        Ok((StatusCode::OK, l.render(&main, &aside)))
    })
    .await
}

/// "Главное": live stories of the last [`TOP_STORY_HOURS`] ranked by importance, each with
/// its newest original article.
async fn top_stories(
    app: &App,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<(Story, Item)>, Response> {
    // Freshness is measured from the newest story, not the wall clock, when the archive
    // stops short of now (an imported archive, sources that paused): "Главное" then shows
    // the last days that have news instead of nothing.
    let newest = app
        .store
        .list_stories(
            &StoryFilter::default(),
            &PageRequest {
                cursor: None,
                limit: 1,
            },
        )
        .await
        .map_err(|e| server_error(app, &e.to_string()))?;
    let now = newest.items.first().map_or(now, |s| s.last_seen.min(now));
    let page = app
        .store
        .list_stories(
            &StoryFilter {
                rubric: None,
                since: Some(now - chrono::Duration::hours(TOP_STORY_HOURS)),
                min_articles: 1,
            },
            &PageRequest {
                cursor: None,
                limit: 200,
            },
        )
        .await
        .map_err(|e| server_error(app, &e.to_string()))?;
    let news: Vec<Story> = page
        .items
        .into_iter()
        .filter(|s| s.rubric.is_none_or(|r| r.is_news()))
        .collect();
    let ranked = crate::rank_stories(news, now);
    let mut out = Vec::new();
    for (_, st) in ranked {
        if out.len() >= limit {
            break;
        }
        let newest = story_originals(app, st.id, 1)
            .await
            .map_err(|e| server_error(app, &e.to_string()))?;
        if let Some(s) = newest.items.first() {
            let item = Item::from_summary(app, s);
            out.push((st, item));
        }
    }
    Ok(out)
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

// ---------- article ----------

pub async fn article(
    State(app): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let tz = reader_tz(&app, &q, &headers);
    let Ok(id) = id.parse::<i64>() else {
        return not_found_page(&app, "Такой статьи нет.");
    };
    // Page of a long body, 1-based; anything else is the first page.
    let body_page = q
        .get("page")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1);
    let key = format!("article|{id}|{tz}|{body_page}");
    let a = app.clone();
    let resp = page_blocking(&app, key, &headers, move || async move {
        let Some(art) = a
            .load_article(ArticleId(id))
            .await
            .map_err(|e| server_error(&a, &e.to_string()))?
        else {
            return Err(not_found_page(&a, "Такой статьи нет."));
        };
        if art.hidden {
            return Err(error_page(
                &a,
                StatusCode::GONE,
                "Статья снята с публикации",
                "По просьбе правообладателя или редакции эта статья больше не показывается.",
            ));
        }
        let article = &art.article;
        let title = crate::bound::display_title(article.title.as_deref(), &art.url);
        let source_name = a.source_name(art.source_id, &art.url);
        let original = article
            .identity_url()
            .map(|u| u.to_string())
            .or_else(|| Some(art.url.clone()))
            .and_then(|u| safe_url(&u));
        let published = published_of(&art);
        let analysis = art.analysis.as_ref();
        let story = match art.story_id {
            Some(sid) => match a.store.resolve_story(sid).await {
                Ok(Some(live)) => a.store.get_story(live).await.ok().flatten(),
                _ => None,
            },
            None => None,
        };
        let mut copies = Vec::new();
        for c in a.store.article_copies(&[art.id]).await.unwrap_or_default() {
            let name = a.source_name(c.source_id, &c.url);
            if name != source_name && !copies.contains(&name) {
                copies.push(name);
            }
        }
        let views = a.views_of(art.id).await;

        let mut m = String::with_capacity(16 * 1024);
        m.push_str("<article>");
        m.push_str("<p class=\"meta\">");
        if let Some(sid) = art.source_id {
            m.push_str("<a href=\"/source/");
            m.push_str(&sid.0.to_string());
            m.push_str("\">");
            esc_into(&mut m, &source_name);
            m.push_str("</a>");
        } else {
            esc_into(&mut m, &source_name);
        }
        if let Some(r) = art.rubric {
            m.push_str(" · <a href=\"/rubric/");
            m.push_str(r.code());
            m.push_str("\">");
            esc_into(&mut m, r.label_ru());
            m.push_str("</a>");
        }
        m.push_str("</p><h1>");
        esc_into(&mut m, &title);
        m.push_str("</h1><p class=\"meta\"><time datetime=\"");
        m.push_str(&published.to_rfc3339());
        m.push_str("\">");
        esc_into(&mut m, &ru_datetime(published, tz));
        m.push_str("</time>");
        if let Some(modified) = article.modified {
            let modified = modified.with_timezone(&Utc);
            if modified > published + chrono::Duration::minutes(5) {
                m.push_str(" · обновлено ");
                esc_into(&mut m, &ru_datetime(modified, tz));
            }
        }
        if !article.authors.is_empty() {
            m.push_str(" · ");
            esc_into(&mut m, &article.authors.join(", "));
        }
        if let Some(u) = &original {
            m.push_str(" · <a href=\"");
            esc_into(&mut m, u.as_str());
            m.push_str("\" rel=\"noopener nofollow\">Оригинал на ");
            esc_into(&mut m, &source_name);
            m.push_str("</a>");
        }
        m.push_str(" · <span class=\"views\">");
        m.push_str(&views_label(views));
        m.push_str("</span></p>");
        if let Some(st) = &story {
            m.push_str("<p class=\"meta\">Сюжет: <a href=\"/story/");
            m.push_str(&st.id.0.to_string());
            m.push_str("\">");
            esc_into(&mut m, &st.title);
            m.push_str("</a> · ");
            m.push_str(&publications_label(
                u64::from(st.article_count),
                u64::from(st.sources),
            ));
            m.push_str("</p>");
        }
        if let Some(orig) = art.duplicate_of {
            m.push_str("<p class=\"meta\">Копия материала: <a href=\"/article/");
            m.push_str(&orig.0.to_string());
            m.push_str("\">первоисточник</a></p>");
        }
        if !copies.is_empty() {
            m.push_str("<p class=\"meta also\">также: ");
            esc_into(&mut m, &copies.join(", "));
            m.push_str("</p>");
        }
        if let Some(lead) = article.lead.as_deref().filter(|l| !l.trim().is_empty()) {
            m.push_str("<p class=\"lead\">");
            m.push_str(&render::text(lead));
            m.push_str("</p>");
        }
        match art.display {
            DisplayPolicy::FullText => {
                m.push_str("<div class=\"body\">");
                let paged = render::body_page_html(article, analysis, body_page, id);
                let Some(body) = paged else {
                    return Err(not_found_page(&a, "В статье нет такой страницы."));
                };
                m.push_str(&body);
                m.push_str("</div>");
                m.push_str(&render::quotes_html(analysis));
            }
            DisplayPolicy::LeadAndLink => {
                if article.lead.as_deref().is_none_or(|l| l.trim().is_empty()) {
                    // No lead: the first paragraph stands in for it.
                    if let Some(first) = article.blocks.iter().find_map(|b| match b {
                        khronika_model::Block::Paragraph { text } if !text.trim().is_empty() => {
                            Some(text)
                        }
                        _ => None,
                    }) {
                        m.push_str("<p class=\"lead\">");
                        m.push_str(&render::text(first));
                        m.push_str("</p>");
                    }
                }
                if let Some(u) = &original {
                    m.push_str("<p><a class=\"original\" href=\"");
                    esc_into(&mut m, u.as_str());
                    m.push_str("\" rel=\"noopener nofollow\">Читать полностью на ");
                    esc_into(&mut m, &source_name);
                    m.push_str("</a></p>");
                }
                m.push_str(&render::quotes_html(analysis));
            }
        }
        if !article.tags.is_empty() {
            m.push_str("<nav class=\"tags\" aria-label=\"Теги\"><h2 class=\"vh\">Теги</h2>");
            for t in article.tags.iter().take(30) {
                m.push_str("<a href=\"/tag/");
                m.push_str(&enc(t));
                m.push_str("\">#");
                esc_into(&mut m, t);
                m.push_str("</a> ");
            }
            m.push_str("</nav>");
        }
        let entities = render::top_entities(analysis, 12);
        if !entities.is_empty() {
            m.push_str("<section aria-labelledby=\"ent-h\"><h2 id=\"ent-h\">Упоминаются</h2><p class=\"chips\">");
            for (name, _kind) in &entities {
                m.push_str("<a href=\"/entity/");
                m.push_str(&enc(name));
                m.push_str("\">");
                esc_into(&mut m, name);
                m.push_str("</a> ");
            }
            m.push_str("</p></section>");
        }
        m.push_str("</article>");

        continue_topic(&a, &art, story.as_ref(), &entities, &mut m, tz).await;
        let aside = render_sidebar(&a, tz, Some(id)).await?;
        let mut l = layout(&a, &title, tz);
        let desc = article.lead.clone();
        l.description = desc.as_deref();
        l.canonical = original.as_ref().map(|u| u.to_string());
        Ok((StatusCode::OK, l.render(&m, &aside)))
    })
    .await;
    if resp.status().is_success() || resp.status() == StatusCode::NOT_MODIFIED {
        app.count_view(ArticleId(id));
    }
    resp
}

/// "Продолжая тему" near the end of an article: the other articles of its story (newest
/// first, never the article itself or a copy of it), then stories that share at least
/// [`RELATED_STORY_MIN_SHARED`] of its main entities. An article the organise stage has not
/// seen yet (no rubric, no story) gets articles sharing its entities and tags instead.
/// Nothing passes: nothing is shown.
async fn continue_topic(
    app: &App,
    art: &khronika_store::StoredArticle,
    story: Option<&Story>,
    entities: &[(String, &'static str)],
    m: &mut String,
    tz: Tz,
) {
    let now = Utc::now();
    let names: Vec<String> = entities.iter().map(|(n, _)| n.clone()).collect();
    let id = art.id.0;
    let organised = art.rubric.is_some() || art.story_id.is_some();
    let mut same: Vec<Item> = Vec::new();
    if let Some(st) = story {
        if let Ok(page) = story_originals(app, st.id, 8).await {
            same = page
                .items
                .iter()
                .filter(|s| s.id != art.id && Some(s.id) != art.duplicate_of)
                .take(6)
                .map(|s| Item::from_summary(app, s))
                .collect();
        }
        add_copies(app, &mut same).await;
        for it in &mut same {
            // The article being read is not "also" anywhere in its own list.
            it.also
                .retain(|n| *n != app.source_name(art.source_id, &art.url));
        }
    }
    let mut related: Vec<Story> = Vec::new();
    if organised {
        related = related_stories(app, art, story.map(|s| s.id), &names).await;
    }
    let fallback: Vec<Item> = if organised {
        Vec::new()
    } else {
        app.index
            .related(id.max(0) as u64, &names, &art.article.tags, 6)
            .unwrap_or_default()
            .iter()
            .map(|h| Item::from_hit(app, h))
            .collect()
    };
    if same.is_empty() && related.is_empty() && fallback.is_empty() {
        return;
    }
    m.push_str("<section aria-labelledby=\"more-h\"><h2 id=\"more-h\">Продолжая тему</h2>");
    if !same.is_empty() {
        news_list(m, &same, tz, now, true);
    }
    if !fallback.is_empty() {
        news_list(m, &fallback, tz, now, true);
    }
    if !related.is_empty() {
        m.push_str("<h3>Похожие сюжеты</h3><ul class=\"news\">");
        for st in &related {
            m.push_str("<li><time datetime=\"");
            m.push_str(&st.last_seen.to_rfc3339());
            m.push_str("\">");
            esc_into(m, &ru_short(st.last_seen, tz, now));
            m.push_str("</time><br><a href=\"/story/");
            m.push_str(&st.id.0.to_string());
            m.push_str("\">");
            esc_into(m, &st.title);
            m.push_str("</a><span class=\"also\">");
            m.push_str(&publications_label(
                u64::from(st.article_count),
                u64::from(st.sources),
            ));
            m.push_str("</span></li>");
        }
        m.push_str("</ul>");
    }
    m.push_str("</section>");
}

/// Stories other than `own` sharing at least [`RELATED_STORY_MIN_SHARED`] of the article's
/// main entities with the story's own main entities, most shared first. Candidates come
/// from the index (articles sharing the entities), so old stories are found too.
async fn related_stories(
    app: &App,
    art: &khronika_store::StoredArticle,
    own: Option<StoryId>,
    names: &[String],
) -> Vec<Story> {
    let main: Vec<String> = names.iter().take(6).map(|n| n.to_lowercase()).collect();
    if main.len() < RELATED_STORY_MIN_SHARED {
        return Vec::new();
    }
    let hits = app
        .index
        .related(art.id.0.max(0) as u64, &main, &[], 30)
        .unwrap_or_default();
    let mut candidates: Vec<i64> = Vec::new();
    for h in &hits {
        if let Some(sid) = h.story.as_deref().and_then(|s| s.parse::<i64>().ok()) {
            if Some(StoryId(sid)) != own && !candidates.contains(&sid) {
                candidates.push(sid);
            }
        }
    }
    let mut out: Vec<(usize, Story)> = Vec::new();
    for sid in candidates.into_iter().take(8) {
        let Ok(Some(live)) = app.store.resolve_story(StoryId(sid)).await else {
            continue;
        };
        if Some(live) == own || out.iter().any(|(_, s)| s.id == live) {
            continue;
        }
        let Ok(Some(st)) = app.store.get_story(live).await else {
            continue;
        };
        let shared = st
            .entities
            .iter()
            .filter(|e| main.contains(&e.to_lowercase()))
            .count();
        if shared >= RELATED_STORY_MIN_SHARED {
            out.push((shared, st));
        }
    }
    out.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.last_seen.cmp(&a.1.last_seen)));
    out.into_iter().take(4).map(|(_, s)| s).collect()
}

// ---------- search ----------

fn parse_day(s: Option<&String>) -> Option<DateTime<Utc>> {
    let d = NaiveDate::parse_from_str(s?.trim(), "%Y-%m-%d").ok()?;
    Some(d.and_hms_opt(0, 0, 0)?.and_utc())
}

pub async fn search(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let tz = reader_tz(&app, &q, &headers);
    let key = format!("search|{}|{tz}", raw.as_deref().unwrap_or(""));
    let a = app.clone();
    page(&app, key, &headers, move || async move {
        let get = |k: &str| q.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let text = get("q").unwrap_or_default();
        let page_no: usize = get("page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1)
            .clamp(1, 500);
        let sort = if get("sort").as_deref() == Some("date") {
            SortBy::Date
        } else {
            SortBy::Relevance
        };
        let sq = SearchQuery {
            text: text.clone(),
            source: get("source"),
            tag: get("tag"),
            entity: get("entity"),
            story: get("story"),
            rubric: get("rubric"),
            originals_only: true,
            from: parse_day(q.get("from")),
            to: parse_day(q.get("to")).map(|d| d + chrono::Duration::days(1)),
            sort,
            limit: PER_PAGE,
            offset: (page_no - 1) * PER_PAGE,
        };
        let any_filter = !text.is_empty()
            || sq.source.is_some()
            || sq.tag.is_some()
            || sq.entity.is_some()
            || sq.story.is_some()
            || sq.rubric.is_some()
            || sq.from.is_some()
            || sq.to.is_some();
        let mut m = String::new();
        m.push_str("<h1>Поиск</h1>");
        // Filters form.
        m.push_str("<form class=\"filters\" action=\"/search\" method=\"get\" role=\"search\">");
        m.push_str("<label>Запрос<input name=\"q\" type=\"search\" value=\"");
        esc_into(&mut m, &text);
        m.push_str("\"></label><label>Источник<select name=\"source\"><option value=\"\">Все</option>");
        for s in a.sources() {
            let id = s.id.0.to_string();
            m.push_str("<option value=\"");
            m.push_str(&id);
            m.push('"');
            if sq.source.as_deref() == Some(id.as_str()) {
                m.push_str(" selected");
            }
            m.push('>');
            esc_into(&mut m, &s.name);
            m.push_str("</option>");
        }
        m.push_str("</select></label><label>Тег<input name=\"tag\" value=\"");
        esc_into(&mut m, sq.tag.as_deref().unwrap_or(""));
        m.push_str("\"></label><label>Персона или организация<input name=\"entity\" value=\"");
        esc_into(&mut m, sq.entity.as_deref().unwrap_or(""));
        m.push_str("\"></label><label>Рубрика<select name=\"rubric\"><option value=\"\">Все</option>");
        for r in Rubric::ALL {
            m.push_str("<option value=\"");
            m.push_str(r.code());
            m.push('"');
            if sq.rubric.as_deref() == Some(r.code()) {
                m.push_str(" selected");
            }
            m.push('>');
            esc_into(&mut m, r.label_ru());
            m.push_str("</option>");
        }
        m.push_str("</select></label>");
        if let Some(st) = &sq.story {
            m.push_str("<input type=\"hidden\" name=\"story\" value=\"");
            esc_into(&mut m, st);
            m.push_str("\">");
        }
        m.push_str("<label>С даты<input name=\"from\" type=\"date\" value=\"");
        esc_into(&mut m, q.get("from").map(String::as_str).unwrap_or(""));
        m.push_str("\"></label><label>По дату<input name=\"to\" type=\"date\" value=\"");
        esc_into(&mut m, q.get("to").map(String::as_str).unwrap_or(""));
        m.push_str("\"></label><label>Порядок<select name=\"sort\"><option value=\"relevance\">По релевантности</option><option value=\"date\"");
        if sort == SortBy::Date {
            m.push_str(" selected");
        }
        m.push_str(">Сначала новые</option></select></label><button type=\"submit\">Искать</button></form>");

        if any_filter {
            let res = a
                .index
                .search(&sq)
                .map_err(|e| server_error(&a, &e.to_string()))?;
            m.push_str("<p>");
            let total = res.total as u64;
            m.push_str(&format!(
                "Найдено {} {}",
                total,
                plural(total, "статья", "статьи", "статей")
            ));
            m.push_str(" · <a href=\"/feed.rss?");
            esc_into(&mut m, raw.as_deref().unwrap_or(""));
            m.push_str("\">RSS этого поиска</a></p>");
            m.push_str("<ol class=\"news\" start=\"");
            m.push_str(&((page_no - 1) * PER_PAGE + 1).to_string());
            m.push_str("\">");
            let now = Utc::now();
            let mut hit_items: Vec<Item> = res.hits.iter().map(|h| Item::from_hit(&a, h)).collect();
            add_copies(&a, &mut hit_items).await;
            for (h, it) in res.hits.iter().zip(&hit_items) {
                m.push_str("<li><a href=\"/article/");
                m.push_str(&h.id.to_string());
                m.push_str("\">");
                marked(&mut m, &h.title_snippet);
                m.push_str("</a><br><span class=\"src\">");
                let src = h
                    .source
                    .parse::<i64>()
                    .ok()
                    .map(|s| a.source_name(Some(SourceId(s)), h.url.as_deref().unwrap_or("")))
                    .unwrap_or_default();
                esc_into(&mut m, &src);
                m.push_str("</span>");
                if let Some(p) = h.time {
                    m.push_str("<time datetime=\"");
                    m.push_str(&p.to_rfc3339());
                    m.push_str("\">");
                    esc_into(&mut m, &ru_short(p, tz, now));
                    m.push_str("</time>");
                }
                also_html(&mut m, &it.also);
                m.push_str("<p class=\"snippet\">");
                marked(&mut m, &h.snippet);
                m.push_str("</p></li>");
            }
            m.push_str("</ol>");
            // Pager links keep the filters.
            let mut base: Vec<(String, String)> = q
                .iter()
                .filter(|(k, v)| k.as_str() != "page" && !v.is_empty())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            base.sort();
            let link = |p: usize| {
                let mut s = url::form_urlencoded::Serializer::new(String::new());
                for (k, v) in &base {
                    s.append_pair(k, v);
                }
                s.append_pair("page", &p.to_string());
                format!("/search?{}", s.finish())
            };
            m.push_str("<nav class=\"pager\" aria-label=\"Страницы\">");
            if page_no > 1 {
                m.push_str("<a href=\"");
                esc_into(&mut m, &link(page_no - 1));
                m.push_str("\" rel=\"prev\">← Назад</a>");
            }
            if page_no * PER_PAGE < res.total.min(khronika_index::MAX_OFFSET) {
                m.push_str("<a href=\"");
                esc_into(&mut m, &link(page_no + 1));
                m.push_str("\" rel=\"next\">Дальше →</a>");
            }
            m.push_str("</nav>");
        } else {
            m.push_str("<p>Введите запрос: слова ищутся во всех формах («саммит» найдёт «саммита» и «саммите»), фразу возьмите в кавычки.</p>");
        }
        let title = if text.is_empty() {
            "Поиск".to_string()
        } else {
            format!("Поиск: {text}")
        };
        let aside = sidebar(&a, tz).await?;
        let mut l = layout(&a, &title, tz);
        l.query = &text;
        Ok((StatusCode::OK, l.render(&m, &aside)))
    })
    .await
}

fn marked(o: &mut String, s: &khronika_index::Snippet) {
    for (piece, hit) in s.pieces() {
        if hit {
            o.push_str("<mark>");
            esc_into(o, piece);
            o.push_str("</mark>");
        } else {
            esc_into(o, piece);
        }
    }
}

// ---------- listings by tag / source ----------

async fn listing(
    app: &App,
    mut filter: ArticleFilter,
    cursor: Option<String>,
    tz: Tz,
    base: &str,
    o: &mut String,
) -> Result<(), Response> {
    // One entry per original; its copies are named under it ("также").
    filter.originals_only = true;
    let page = app
        .store
        .list_articles(
            &filter,
            &PageRequest {
                cursor,
                limit: PER_PAGE,
            },
        )
        .await
        .map_err(|e| match e {
            khronika_store::StoreError::Invalid(_) => error_page(
                app,
                StatusCode::BAD_REQUEST,
                "Неверная ссылка",
                "Параметр страницы повреждён.",
            ),
            other => server_error(app, &other.to_string()),
        })?;
    let mut items: Vec<Item> = page
        .items
        .iter()
        .map(|s| Item::from_summary(app, s))
        .collect();
    add_copies(app, &mut items).await;
    news_list(o, &items, tz, Utc::now(), true);
    if let Some(next) = page.next {
        o.push_str("<nav class=\"pager\" aria-label=\"Страницы\"><a rel=\"next\" href=\"");
        esc_into(o, &format!("{base}?cursor={}", enc(&next)));
        o.push_str("\">Раньше →</a></nav>");
    }
    Ok(())
}

pub async fn tag(
    State(app): State<AppState>,
    Path(name): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let tz = reader_tz(&app, &q, &headers);
    let key = format!("tag|{name}|{}|{tz}", raw.as_deref().unwrap_or(""));
    let a = app.clone();
    page(&app, key, &headers, move || async move {
        let mut m = String::from("<h1>#");
        esc_into(&mut m, &name);
        m.push_str("</h1><p><a href=\"/feed.rss?tag=");
        m.push_str(&enc(&name));
        m.push_str("\">RSS по тегу</a></p>");
        let filter = ArticleFilter {
            tag: Some(name.clone()),
            ..Default::default()
        };
        let base = format!("/tag/{}", enc(&name));
        listing(&a, filter, q.get("cursor").cloned(), tz, &base, &mut m).await?;
        let aside = sidebar(&a, tz).await?;
        let title = format!("#{name}");
        let mut l = layout(&a, &title, tz);
        l.feed = Some((format!("/feed.rss?tag={}", enc(&name)), title.clone()));
        Ok((StatusCode::OK, l.render(&m, &aside)))
    })
    .await
}

pub async fn source(
    State(app): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let tz = reader_tz(&app, &q, &headers);
    let Ok(id) = id.parse::<i64>() else {
        return not_found_page(&app, "Такого источника нет.");
    };
    let key = format!("source|{id}|{}|{tz}", raw.as_deref().unwrap_or(""));
    let a = app.clone();
    page(&app, key, &headers, move || async move {
        let src = a
            .store
            .get_source(SourceId(id))
            .await
            .map_err(|e| server_error(&a, &e.to_string()))?;
        let Some(src) = src.filter(|s| !s.hidden) else {
            return Err(not_found_page(&a, "Такого источника нет."));
        };
        let mut m = String::from("<h1>");
        esc_into(&mut m, &src.name);
        m.push_str("</h1><p class=\"meta\">");
        if let Some(u) = safe_url(&src.home_url) {
            m.push_str("<a href=\"");
            esc_into(&mut m, u.as_str());
            m.push_str("\" rel=\"noopener nofollow\">");
            esc_into(&mut m, u.as_str());
            m.push_str("</a> · ");
        }
        m.push_str(match src.display {
            DisplayPolicy::FullText => "тексты показываются полностью",
            DisplayPolicy::LeadAndLink => "показываются заголовок, лид и ссылка на оригинал",
        });
        m.push_str(" · <a href=\"/feed.rss?source=");
        m.push_str(&id.to_string());
        m.push_str("\">RSS</a></p>");
        let filter = ArticleFilter {
            source: Some(SourceId(id)),
            ..Default::default()
        };
        listing(
            &a,
            filter,
            q.get("cursor").cloned(),
            tz,
            &format!("/source/{id}"),
            &mut m,
        )
        .await?;
        let aside = sidebar(&a, tz).await?;
        let mut l = layout(&a, &src.name, tz);
        l.feed = Some((format!("/feed.rss?source={id}"), src.name.clone()));
        Ok((StatusCode::OK, l.render(&m, &aside)))
    })
    .await
}

// ---------- entity ----------

pub async fn entity(
    State(app): State<AppState>,
    Path(key_raw): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let tz = reader_tz(&app, &q, &headers);
    let key = format!("entity|{key_raw}|{tz}");
    let a = app.clone();
    page(&app, key, &headers, move || async move {
        let ent = match key_raw.parse::<i64>() {
            Ok(id) => a.store.get_entity(EntityId(id)).await,
            Err(_) => a
                .store
                .find_entities(key_raw.trim())
                .await
                .map(|v| v.into_iter().max_by_key(|e| e.mentions)),
        }
        .map_err(|e| server_error(&a, &e.to_string()))?;
        let Some(ent) = ent else {
            let mut msg = String::from("Об этом имени пока ничего не известно.");
            msg.push_str(" Попробуйте поиск.");
            return Err(not_found_page(&a, &msg));
        };
        let mentions = a
            .store
            .entity_mentions(ent.id, 200)
            .await
            .map_err(|e| server_error(&a, &e.to_string()))?;
        let quotes = a
            .store
            .entity_quotes(ent.id, 100)
            .await
            .map_err(|e| server_error(&a, &e.to_string()))?;
        let kind = match ent.kind {
            khronika_model::EntityKind::Person => "Персона",
            khronika_model::EntityKind::Organisation => "Организация",
            khronika_model::EntityKind::Location => "Место",
        };
        let mut m = String::from("<h1>");
        esc_into(&mut m, &ent.name);
        m.push_str("</h1><p class=\"meta\">");
        m.push_str(kind);
        m.push_str(&format!(
            " · {} {}",
            ent.mentions,
            plural(ent.mentions, "упоминание", "упоминания", "упоминаний")
        ));
        let others: Vec<&String> = ent.aliases.iter().filter(|x| **x != ent.name).take(10).collect();
        if !others.is_empty() {
            m.push_str(" · также: ");
            esc_into(
                &mut m,
                &others.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
            );
        }
        m.push_str(" · <a href=\"/feed.rss?entity=");
        m.push_str(&enc(&ent.name));
        m.push_str("\">RSS</a></p>");
        let when = |p: &Option<String>| {
            p.as_deref()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|d| ru_datetime(d.with_timezone(&Utc), tz))
        };
        if !quotes.is_empty() {
            m.push_str("<section class=\"quotes\" aria-labelledby=\"eq-h\"><h2 id=\"eq-h\">Что говорил</h2>");
            for qt in &quotes {
                m.push_str("<figure><blockquote><p>");
                if qt.direct {
                    m.push('«');
                }
                esc_into(&mut m, qt.text.trim());
                if qt.direct {
                    m.push('»');
                }
                m.push_str("</p></blockquote><figcaption>");
                if let Some(r) = qt.role.as_deref().filter(|r| !r.trim().is_empty()) {
                    esc_into(&mut m, r);
                    m.push_str(" · ");
                }
                if let Some(w) = when(&qt.published) {
                    esc_into(&mut m, &w);
                    m.push_str(" · ");
                }
                m.push_str("<a href=\"/article/");
                m.push_str(&qt.article_id.0.to_string());
                m.push_str("\">");
                esc_into(&mut m, qt.article_title.as_deref().unwrap_or("статья"));
                m.push_str("</a></figcaption></figure>");
            }
            m.push_str("</section>");
        }
        m.push_str("<section aria-labelledby=\"em-h\"><h2 id=\"em-h\">Хронология упоминаний</h2><ul class=\"news timeline\">");
        let mut seen: HashMap<i64, usize> = HashMap::new();
        let mut order: Vec<&khronika_store::EntityMention> = Vec::new();
        for mn in &mentions {
            let c = seen.entry(mn.article_id.0).or_insert(0);
            if *c == 0 {
                order.push(mn);
            }
            *c += 1;
        }
        if order.is_empty() {
            m.push_str("<li>Упоминаний нет.</li>");
        }
        for mn in order {
            m.push_str("<li>");
            if let Some(w) = when(&mn.published) {
                m.push_str("<time>");
                esc_into(&mut m, &w);
                m.push_str("</time><br>");
            }
            m.push_str("<a href=\"/article/");
            m.push_str(&mn.article_id.0.to_string());
            m.push_str("\">");
            esc_into(&mut m, mn.article_title.as_deref().unwrap_or("статья"));
            m.push_str("</a>");
            let n = seen.get(&mn.article_id.0).copied().unwrap_or(1) as u64;
            m.push_str(&format!(
                " <span class=\"src\">{} {} как «",
                n,
                plural(n, "раз", "раза", "раз")
            ));
            esc_into(&mut m, &mn.text);
            m.push_str("»</span></li>");
        }
        m.push_str("</ul></section>");
        let aside = sidebar(&a, tz).await?;
        let mut l = layout(&a, &ent.name, tz);
        l.feed = Some((format!("/feed.rss?entity={}", enc(&ent.name)), ent.name.clone()));
        Ok((StatusCode::OK, l.render(&m, &aside)))
    })
    .await
}

// ---------- story ----------

/// A permanent redirect (308) to a path of ours.
fn moved_to(path: &str) -> Response {
    let mut r = StatusCode::PERMANENT_REDIRECT.into_response();
    if let Ok(v) = HeaderValue::from_str(path) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// Resolves a story id for a page: the live story, or the answer (redirect to the survivor
/// of a merge, 404) to give instead.
async fn live_story(app: &App, raw_id: &str, path: &str) -> Result<Story, Response> {
    let Ok(id) = raw_id.trim().parse::<i64>() else {
        return Err(not_found_page(app, "Такого сюжета нет."));
    };
    let live = app
        .store
        .resolve_story(StoryId(id))
        .await
        .map_err(|e| server_error(app, &e.to_string()))?
        .ok_or_else(|| not_found_page(app, "Такого сюжета нет."))?;
    if live.0 != id {
        return Err(moved_to(&format!("{path}/{}", live.0)));
    }
    app.store
        .get_story(live)
        .await
        .map_err(|e| server_error(app, &e.to_string()))?
        .ok_or_else(|| not_found_page(app, "Такого сюжета нет."))
}

pub async fn story(
    State(app): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let tz = reader_tz(&app, &q, &headers);
    let key = format!("story|{id}|{tz}");
    let a = app.clone();
    page(&app, key, &headers, move || async move {
        let st = live_story(&a, &id, "/story").await?;
        let sid = st.id.0;
        let now = Utc::now();
        let mut m = String::from("<h1>");
        esc_into(&mut m, &st.title);
        m.push_str("</h1><p class=\"meta\">Сюжет");
        if let Some(r) = st.rubric {
            m.push_str(" · <a href=\"/rubric/");
            m.push_str(r.code());
            m.push_str("\">");
            esc_into(&mut m, r.label_ru());
            m.push_str("</a>");
        }
        m.push_str(" · ");
        m.push_str(&publications_label(
            u64::from(st.article_count),
            u64::from(st.sources),
        ));
        m.push_str(" · с <time datetime=\"");
        m.push_str(&st.first_seen.to_rfc3339());
        m.push_str("\">");
        esc_into(&mut m, &ru_datetime(st.first_seen, tz));
        m.push_str("</time> по <time datetime=\"");
        m.push_str(&st.last_seen.to_rfc3339());
        m.push_str("\">");
        esc_into(&mut m, &ru_datetime(st.last_seen, tz));
        m.push_str("</time> · <a href=\"/feed.rss?story=");
        m.push_str(&sid.to_string());
        m.push_str("\">RSS</a> · <a href=\"/feed.atom?story=");
        m.push_str(&sid.to_string());
        m.push_str("\">Atom</a></p>");
        if !st.entities.is_empty() {
            m.push_str("<section aria-labelledby=\"st-ent-h\"><h2 id=\"st-ent-h\">Главные участники</h2><p class=\"chips\">");
            for e in st.entities.iter().take(12) {
                m.push_str("<a href=\"/entity/");
                m.push_str(&enc(e));
                m.push_str("\">");
                esc_into(&mut m, e);
                m.push_str("</a> ");
            }
            m.push_str("</p></section>");
        }
        let page = a
            .store
            .list_articles(
                &ArticleFilter {
                    story: Some(st.id),
                    ..Default::default()
                },
                &PageRequest {
                    cursor: None,
                    limit: 100,
                },
            )
            .await
            .map_err(|e| server_error(&a, &e.to_string()))?;
        m.push_str("<section aria-labelledby=\"st-tl-h\"><h2 id=\"st-tl-h\">Хронология</h2><ol class=\"news timeline\">");
        // The store lists newest first; a timeline reads oldest first.
        for s in page.items.iter().rev() {
            let it = Item::from_summary(&a, s);
            m.push_str("<li><time datetime=\"");
            m.push_str(&it.time.to_rfc3339());
            m.push_str("\">");
            esc_into(&mut m, &ru_short(it.time, tz, now));
            m.push_str("</time> · <span class=\"src\">");
            esc_into(&mut m, &it.source);
            m.push_str("</span><br><a href=\"/article/");
            m.push_str(&it.id.to_string());
            m.push_str("\">");
            esc_into(&mut m, &it.title);
            m.push_str("</a>");
            if s.duplicate_of.is_some() {
                m.push_str("<span class=\"also\">копия</span>");
            }
            m.push_str("</li>");
        }
        m.push_str("</ol></section>");
        let aside = sidebar(&a, tz).await?;
        let mut l = layout(&a, &st.title, tz);
        l.feed = Some((format!("/feed.rss?story={sid}"), st.title.clone()));
        Ok((StatusCode::OK, l.render(&m, &aside)))
    })
    .await
}

/// `/stories?rubric=&cursor=`: live stories, latest first.
pub async fn stories(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let tz = reader_tz(&app, &q, &headers);
    let key = format!("stories|{}|{tz}", raw.as_deref().unwrap_or(""));
    let a = app.clone();
    page(&app, key, &headers, move || async move {
        let rubric = match q.get("rubric").map(|r| r.trim()).filter(|r| !r.is_empty()) {
            None => None,
            Some(r) => {
                Some(Rubric::parse(r).ok_or_else(|| not_found_page(&a, "Такой рубрики нет."))?)
            }
        };
        let res = a
            .store
            .list_stories(
                &StoryFilter {
                    rubric,
                    since: None,
                    min_articles: 1,
                },
                &PageRequest {
                    cursor: q.get("cursor").cloned(),
                    limit: PER_PAGE,
                },
            )
            .await
            .map_err(|e| match e {
                khronika_store::StoreError::Invalid(_) => error_page(
                    &a,
                    StatusCode::BAD_REQUEST,
                    "Неверная ссылка",
                    "Параметр страницы повреждён.",
                ),
                other => server_error(&a, &other.to_string()),
            })?;
        let title = match rubric {
            Some(r) => format!("Сюжеты: {}", r.label_ru()),
            None => "Сюжеты".to_string(),
        };
        let now = Utc::now();
        let mut m = String::from("<h1>");
        esc_into(&mut m, &title);
        m.push_str("</h1>");
        if res.items.is_empty() {
            m.push_str("<p>Сюжетов пока нет.</p>");
        } else {
            m.push_str("<ul class=\"news\">");
            for st in &res.items {
                m.push_str("<li><time datetime=\"");
                m.push_str(&st.last_seen.to_rfc3339());
                m.push_str("\">");
                esc_into(&mut m, &ru_short(st.last_seen, tz, now));
                m.push_str("</time>");
                if let Some(r) = st.rubric {
                    m.push_str("<span class=\"src\">");
                    esc_into(&mut m, r.label_ru());
                    m.push_str("</span>");
                }
                m.push_str("<br><a href=\"/story/");
                m.push_str(&st.id.0.to_string());
                m.push_str("\">");
                esc_into(&mut m, &st.title);
                m.push_str("</a><span class=\"also\">");
                m.push_str(&publications_label(
                    u64::from(st.article_count),
                    u64::from(st.sources),
                ));
                m.push_str("</span></li>");
            }
            m.push_str("</ul>");
        }
        if let Some(next) = res.next {
            let mut link = String::from("/stories?");
            if let Some(r) = rubric {
                link.push_str("rubric=");
                link.push_str(r.code());
                link.push('&');
            }
            link.push_str("cursor=");
            link.push_str(&enc(&next));
            m.push_str("<nav class=\"pager\" aria-label=\"Страницы\"><a rel=\"next\" href=\"");
            esc_into(&mut m, &link);
            m.push_str("\">Раньше →</a></nav>");
        }
        let aside = sidebar(&a, tz).await?;
        Ok((StatusCode::OK, layout(&a, &title, tz).render(&m, &aside)))
    })
    .await
}

/// `/rubric/{code}`: originals of one rubric, newest first, paged like the other lists.
pub async fn rubric(
    State(app): State<AppState>,
    Path(code): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let tz = reader_tz(&app, &q, &headers);
    let Some(r) = Rubric::parse(&code) else {
        return not_found_page(&app, "Такой рубрики нет.");
    };
    let key = format!("rubric|{}|{}|{tz}", r.code(), raw.as_deref().unwrap_or(""));
    let a = app.clone();
    page(&app, key, &headers, move || async move {
        let mut m = String::from("<h1>");
        esc_into(&mut m, r.label_ru());
        m.push_str("</h1><p class=\"meta\"><a href=\"/stories?rubric=");
        m.push_str(r.code());
        m.push_str("\">Сюжеты рубрики</a> · <a href=\"/feed.rss?rubric=");
        m.push_str(r.code());
        m.push_str("\">RSS</a> · <a href=\"/feed.atom?rubric=");
        m.push_str(r.code());
        m.push_str("\">Atom</a></p>");
        let filter = ArticleFilter {
            rubric: Some(r),
            ..Default::default()
        };
        let base = format!("/rubric/{}", r.code());
        listing(&a, filter, q.get("cursor").cloned(), tz, &base, &mut m).await?;
        let aside = sidebar(&a, tz).await?;
        let mut l = layout(&a, r.label_ru(), tz);
        l.feed = Some((
            format!("/feed.rss?rubric={}", r.code()),
            r.label_ru().to_string(),
        ));
        Ok((StatusCode::OK, l.render(&m, &aside)))
    })
    .await
}

// ---------- directories ----------

pub async fn tags(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let tz = reader_tz(&app, &HashMap::new(), &headers);
    let a = app.clone();
    page(&app, format!("tags|{tz}"), &headers, move || async move {
        let tags = a
            .store
            .tags(500)
            .await
            .map_err(|e| server_error(&a, &e.to_string()))?;
        let mut m = String::from("<h1>Теги</h1><p class=\"chips\">");
        if tags.is_empty() {
            m.push_str("Тегов пока нет.");
        }
        for t in tags {
            m.push_str("<a href=\"/tag/");
            m.push_str(&enc(&t.name));
            m.push_str("\">");
            esc_into(&mut m, &t.name);
            m.push_str(&format!(" ({})</a> ", t.articles));
        }
        m.push_str("</p>");
        Ok((StatusCode::OK, layout(&a, "Теги", tz).render(&m, "")))
    })
    .await
}

pub async fn sources(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let tz = reader_tz(&app, &HashMap::new(), &headers);
    let a = app.clone();
    page(
        &app,
        format!("sources|{tz}"),
        &headers,
        move || async move {
            let mut m = String::from("<h1>Источники</h1><ul class=\"news\">");
            let list: Vec<_> = a.sources().into_iter().filter(|s| !s.hidden).collect();
            if list.is_empty() {
                m.push_str("<li>Источников пока нет.</li>");
            }
            for s in list {
                m.push_str("<li><a href=\"/source/");
                m.push_str(&s.id.0.to_string());
                m.push_str("\">");
                esc_into(&mut m, &s.name);
                m.push_str("</a> <span class=\"src\">");
                esc_into(&mut m, &s.home_url);
                m.push_str("</span></li>");
            }
            m.push_str("</ul>");
            Ok((StatusCode::OK, layout(&a, "Источники", tz).render(&m, "")))
        },
    )
    .await
}

pub async fn entities(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let tz = reader_tz(&app, &HashMap::new(), &headers);
    let a = app.clone();
    page(
        &app,
        format!("entities|{tz}"),
        &headers,
        move || async move {
            let list = a
                .store
                .top_entities(None, 200)
                .await
                .map_err(|e| server_error(&a, &e.to_string()))?;
            let mut m = String::from("<h1>Персоны, организации, места</h1>");
            for (kind, title) in [
                (khronika_model::EntityKind::Person, "Персоны"),
                (khronika_model::EntityKind::Organisation, "Организации"),
                (khronika_model::EntityKind::Location, "Места"),
            ] {
                m.push_str("<h2>");
                m.push_str(title);
                m.push_str("</h2><p class=\"chips\">");
                let mut any = false;
                for e in list.iter().filter(|e| e.kind == kind) {
                    any = true;
                    m.push_str("<a href=\"/entity/");
                    m.push_str(&e.id.0.to_string());
                    m.push_str("\">");
                    esc_into(&mut m, &e.name);
                    m.push_str(&format!(" ({})</a> ", e.mentions));
                }
                if !any {
                    m.push_str("Пока никого.");
                }
                m.push_str("</p>");
            }
            Ok((
                StatusCode::OK,
                layout(&a, "Персоны и организации", tz).render(&m, ""),
            ))
        },
    )
    .await
}

const ZONES: [(&str, &str); 12] = [
    ("Asia/Almaty", "Алматы, Астана"),
    ("Asia/Tashkent", "Ташкент"),
    ("Asia/Bishkek", "Бишкек"),
    ("Asia/Dushanbe", "Душанбе"),
    ("Asia/Ashgabat", "Ашхабад"),
    ("Asia/Baku", "Баку"),
    ("Europe/Moscow", "Москва"),
    ("Europe/Minsk", "Минск"),
    ("Europe/Kyiv", "Киев"),
    ("Asia/Yekaterinburg", "Екатеринбург"),
    ("Asia/Novosibirsk", "Новосибирск"),
    ("UTC", "UTC"),
];

/// Choosing the reader's time zone without JavaScript: a link sets a cookie.
pub async fn timezone(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    if let Some(set) = q.get("set") {
        if let Ok(tz) = set.parse::<Tz>() {
            let mut r = StatusCode::SEE_OTHER.into_response();
            let h = r.headers_mut();
            h.insert(header::LOCATION, HeaderValue::from_static("/"));
            if let Ok(v) = HeaderValue::from_str(&format!(
                "tz={}; Path=/; Max-Age=31536000; SameSite=Lax",
                enc(tz.name())
            )) {
                h.insert(header::SET_COOKIE, v);
            }
            return r;
        }
        return error_page(
            &app,
            StatusCode::BAD_REQUEST,
            "Неизвестный часовой пояс",
            "Выберите пояс из списка.",
        );
    }
    let tz = reader_tz(&app, &q, &headers);
    let mut m = String::from("<h1>Часовой пояс</h1><p>Сейчас: ");
    m.push_str(&esc(tz.name()));
    m.push_str("</p><ul class=\"news\">");
    for (name, label) in ZONES {
        m.push_str("<li><a href=\"/timezone?set=");
        m.push_str(&enc(name));
        m.push_str("\">");
        m.push_str(label);
        m.push_str("</a></li>");
    }
    m.push_str("</ul>");
    let mut r = layout(&app, "Часовой пояс", tz)
        .render(&m, "")
        .into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(HTML));
    r
}
