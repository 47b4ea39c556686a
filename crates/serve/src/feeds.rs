//! RSS 2.0 and Atom 1.0 out, written by hand with XML escaping (summaries HTML-escaped
//! first, as readers render them as HTML): `/feed.rss` and
//! `/feed.atom`, narrowed by `source` (id), `tag`, `entity` (name or id), `story` (id; a
//! merged story's id gives the survivor's feed), `rubric` (code) or a search query `q`. One
//! item per original (near-duplicate copies are left out). Items carry title, link, lead and publication time, never full text
//! of third-party sources. An article whose page states no date has no RSS `pubDate` and
//! no Atom `published`; its Atom `updated` (required) is when khronika first saw it, which
//! is what `updated` means.

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use khronika_index::{SearchQuery, SortBy};
use khronika_model::Rubric;
use khronika_store::{ArticleFilter, EntityId, PageRequest, SourceId, StoryId};

use crate::{query_pairs, respond, App, AppState};

const FEED_ITEMS: usize = 30;

struct Entry {
    id: i64,
    title: String,
    summary: String,
    source: String,
    /// The publication time the page states; none when it states none.
    published: Option<DateTime<Utc>>,
    /// The publication time, else when khronika first saw the article.
    updated: DateTime<Utc>,
}

/// XML text/attribute escaping; drops characters XML 1.0 forbids.
fn x(s: &str) -> String {
    escape(s, true)
}

/// A summary as HTML that shows the text: readers treat an RSS `<description>` (and an
/// Atom `type="html"` summary) as HTML after XML decoding, so the text is HTML-escaped
/// before it is XML-escaped; a lead holding markup is then shown, never run. Text content
/// needs `&`, `<` and `>` escaped (quotes matter only in attributes), which keeps readers'
/// copies of the text identical to ours.
fn html_text(s: &str) -> String {
    escape(s, false)
}

/// `&`, `<`, `>` (and with `quotes` both quote marks) as references; characters XML 1.0
/// forbids dropped.
fn escape(s: &str, quotes: bool) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' if quotes => o.push_str("&quot;"),
            '\'' if quotes => o.push_str("&apos;"),
            '\t' | '\n' | '\r' => o.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => o.push(c),
        }
    }
    o
}

/// Absolute base URL from the request's Host header (feeds need absolute links).
pub(crate) fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '[' | ']'))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

async fn entries(
    app: &App,
    q: &std::collections::HashMap<String, String>,
) -> Result<(String, Vec<Entry>), Response> {
    let get = |k: &str| {
        q.get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let site = app.cfg.site_name.clone();
    let bad = |m: &str| crate::api::json_error(StatusCode::BAD_REQUEST, "bad_request", m);
    let internal = |e: &dyn std::fmt::Display| {
        crate::api::json_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            &e.to_string(),
        )
    };
    let rubric = match get("rubric") {
        None => None,
        Some(r) => Some(Rubric::parse(&r).ok_or_else(|| bad("rubric must be a rubric code"))?),
    };
    // A story's feed follows a merged id to the survivor; an unknown story has no items.
    let story = match get("story") {
        None => None,
        Some(v) => {
            let id = v
                .parse::<i64>()
                .map_err(|_| bad("story must be a story id"))?;
            match app
                .store
                .resolve_story(StoryId(id))
                .await
                .map_err(|e| internal(&e))?
            {
                Some(live) => Some(live),
                None => return Ok((format!("{site}: сюжет"), Vec::new())),
            }
        }
    };
    if get("q").is_some() {
        let text = get("q").unwrap_or_default();
        let res = app
            .index
            .search(&SearchQuery {
                text: text.clone(),
                source: get("source"),
                tag: get("tag"),
                entity: get("entity"),
                story: story.map(|s| s.0.to_string()),
                rubric: rubric.map(|r| r.code().to_string()),
                originals_only: true,
                sort: SortBy::Date,
                limit: FEED_ITEMS,
                ..Default::default()
            })
            .map_err(|e| {
                crate::api::json_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    &e.to_string(),
                )
            })?;
        let title = format!("{site}: поиск «{text}»");
        let list = res
            .hits
            .into_iter()
            // Every indexed article has a first-seen time; a hit without any time (an index
            // written by a foreign tool) has nothing honest to put in `updated`.
            .filter_map(|h| {
                let updated = h.time.or(h.published)?;
                Some((h, updated))
            })
            .map(|(h, updated)| Entry {
                id: h.id as i64,
                title: h.title,
                summary: h.snippet.text,
                source: h
                    .source
                    .parse::<i64>()
                    .ok()
                    .map(|s| app.source_name(Some(SourceId(s)), h.url.as_deref().unwrap_or("")))
                    .unwrap_or_default(),
                published: h.published,
                updated,
            })
            .collect();
        return Ok((title, list));
    }
    let mut filter = ArticleFilter {
        originals_only: true,
        rubric,
        story,
        ..Default::default()
    };
    let mut title = format!("{site}: все новости");
    if let Some(r) = rubric {
        title = format!("{site}: {}", r.label_ru());
    }
    if let Some(id) = story {
        title = match app.store.get_story(id).await.map_err(|e| internal(&e))? {
            Some(st) => format!("{site}: сюжет «{}»", st.title),
            None => format!("{site}: сюжет"),
        };
    }
    if let Some(s) = get("source") {
        let id = s.parse::<i64>().map_err(|_| {
            crate::api::json_error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "source must be a source id",
            )
        })?;
        filter.source = Some(SourceId(id));
        title = format!("{site}: {}", app.source_name(Some(SourceId(id)), ""));
    }
    if let Some(t) = get("tag") {
        title = format!("{site}: #{t}");
        filter.tag = Some(t);
    }
    if let Some(e) = get("entity") {
        let id = match e.parse::<i64>() {
            Ok(id) => Some(EntityId(id)),
            Err(_) => app
                .store
                .find_entities(&e)
                .await
                .ok()
                .and_then(|v| v.into_iter().max_by_key(|x| x.mentions).map(|x| x.id)),
        };
        match id {
            Some(id) => filter.entity = Some(id),
            None => return Ok((format!("{site}: {e}"), Vec::new())),
        }
        title = format!("{site}: {e}");
    }
    let page = app
        .store
        .list_articles(
            &filter,
            &PageRequest {
                cursor: None,
                limit: FEED_ITEMS,
            },
        )
        .await
        .map_err(|e| {
            crate::api::json_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                &e.to_string(),
            )
        })?;
    let list = page
        .items
        .iter()
        .map(|s| Entry {
            id: s.id.0,
            title: crate::bound::display_title(s.title.as_deref(), &s.url),
            summary: s.lead.clone().unwrap_or_default(),
            source: app.source_name(s.source_id, &s.url),
            published: crate::pages::summary_published(s),
            updated: crate::pages::summary_time(s),
        })
        .collect();
    Ok((title, list))
}

pub async fn rss(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let base = base_url(&headers);
    let key = format!("rss|{base}|{}", raw.as_deref().unwrap_or(""));
    let a = app.clone();
    let res = app
        .cached(key, "application/rss+xml; charset=utf-8", || async move {
            let (title, list) = entries(&a, &q).await?;
            let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n");
            o.push_str(&format!("<title>{}</title>\n<link>{}/</link>\n", x(&title), x(&base)));
            o.push_str("<description>Новости из русскоязычных источников</description>\n<language>ru</language>\n");
            o.push_str(&format!(
                "<atom:link href=\"{}/feed.rss{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
                x(&base),
                x(&raw.as_deref().map(|r| format!("?{r}")).unwrap_or_default())
            ));
            if let Some(first) = list.first() {
                o.push_str(&format!("<lastBuildDate>{}</lastBuildDate>\n", first.updated.to_rfc2822()));
            }
            for e in &list {
                let link = format!("{base}/article/{}", e.id);
                o.push_str("<item>\n");
                o.push_str(&format!("<title>{}</title>\n<link>{}</link>\n<guid isPermaLink=\"true\">{}</guid>\n", x(&e.title), x(&link), x(&link)));
                if let Some(p) = e.published {
                    o.push_str(&format!("<pubDate>{}</pubDate>\n", p.to_rfc2822()));
                }
                if !e.summary.is_empty() {
                    o.push_str(&format!("<description>{}</description>\n", x(&html_text(&e.summary))));
                }
                if !e.source.is_empty() {
                    o.push_str(&format!("<category>{}</category>\n", x(&e.source)));
                }
                o.push_str("</item>\n");
            }
            o.push_str("</channel>\n</rss>\n");
            Ok((StatusCode::OK, o))
        })
        .await;
    match res {
        Ok(c) => respond(&headers, &c, "public, max-age=60"),
        Err(r) => r,
    }
}

pub async fn atom(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    let base = base_url(&headers);
    let key = format!("atom|{base}|{}", raw.as_deref().unwrap_or(""));
    let a = app.clone();
    let res = app
        .cached(key, "application/atom+xml; charset=utf-8", || async move {
            let (title, list) = entries(&a, &q).await?;
            let self_url = format!(
                "{base}/feed.atom{}",
                raw.as_deref().map(|r| format!("?{r}")).unwrap_or_default()
            );
            // The feed's own time: its newest entry's, or for an empty feed when it was
            // built (a property of this document, not any article's date).
            let updated = list.iter().map(|e| e.updated).max().unwrap_or_else(Utc::now);
            let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ru\">\n");
            o.push_str(&format!(
                "<title>{}</title>\n<id>{}</id>\n<updated>{}</updated>\n<link rel=\"self\" href=\"{}\"/>\n<link rel=\"alternate\" href=\"{}/\"/>\n<author><name>{}</name></author>\n",
                x(&title),
                x(&self_url),
                updated.to_rfc3339(),
                x(&self_url),
                x(&base),
                x(&a.cfg.site_name)
            ));
            for e in &list {
                let link = format!("{base}/article/{}", e.id);
                o.push_str(&format!(
                    "<entry>\n<title>{}</title>\n<id>{}</id>\n<link rel=\"alternate\" href=\"{}\"/>\n<updated>{}</updated>\n",
                    x(&e.title),
                    x(&link),
                    x(&link),
                    e.updated.to_rfc3339(),
                ));
                if let Some(p) = e.published {
                    o.push_str(&format!("<published>{}</published>\n", p.to_rfc3339()));
                }
                if !e.summary.is_empty() {
                    o.push_str(&format!("<summary type=\"html\">{}</summary>\n", x(&html_text(&e.summary))));
                }
                if !e.source.is_empty() {
                    o.push_str(&format!("<category term=\"{}\"/>\n", x(&e.source)));
                }
                o.push_str("</entry>\n");
            }
            o.push_str("</feed>\n");
            Ok((StatusCode::OK, o))
        })
        .await;
    match res {
        Ok(c) => respond(&headers, &c, "public, max-age=60"),
        Err(r) => r,
    }
}
