//! `/search`: the filters form, highlighted hits (originals only, with "также") and a pager
//! that keeps the filters.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use khronika_index::{SearchQuery, SortBy};
use khronika_model::Rubric;
use maud::{html, Markup};

use super::{add_copies, also, hit_source, item_time, page, server_error, sidebar, Item, PER_PAGE};
use crate::html::plural;
use crate::{query_pairs, reader_tz, AppState};

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
        let sources = a.sources();
        let form = html! {
            form class="filters" action="/search" method="get" role="search" {
                label { "Запрос" input name="q" type="search" value=(text); }
                label { "Источник" select name="source" {
                    option value="" { "Все" }
                    @for s in &sources {
                        @let id = s.id.0.to_string();
                        option value=(id) selected[sq.source.as_deref() == Some(id.as_str())] { (s.name) }
                    }
                } }
                label { "Тег" input name="tag" value=(sq.tag.as_deref().unwrap_or("")); }
                label { "Персона или организация" input name="entity" value=(sq.entity.as_deref().unwrap_or("")); }
                label { "Рубрика" select name="rubric" {
                    option value="" { "Все" }
                    @for r in Rubric::ALL {
                        option value=(r.code()) selected[sq.rubric.as_deref() == Some(r.code())] { (r.label_ru()) }
                    }
                } }
                @if let Some(st) = &sq.story {
                    input type="hidden" name="story" value=(st);
                }
                label { "С даты" input name="from" type="date" value=(q.get("from").map(String::as_str).unwrap_or("")); }
                label { "По дату" input name="to" type="date" value=(q.get("to").map(String::as_str).unwrap_or("")); }
                label { "Порядок" select name="sort" {
                    option value="relevance" { "По релевантности" }
                    option value="date" selected[sort == SortBy::Date] { "Сначала новые" }
                } }
                button type="submit" { "Искать" }
            }
        };
        let results = if any_filter {
            let res = a
                .index
                .search(&sq)
                .map_err(|e| server_error(&a, &e.to_string()))?;
            let now = Utc::now();
            let mut hit_items: Vec<Item> = res.hits.iter().map(|h| Item::from_hit(&a, h)).collect();
            add_copies(&a, &mut hit_items).await;
            let total = res.total as u64;
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
            html! {
                p {
                    "Найдено " (total) " " (plural(total, "статья", "статьи", "статей"))
                    " · " a href={ "/feed.rss?" (raw.as_deref().unwrap_or("")) } { "RSS этого поиска" }
                }
                ol class="news" start=((page_no - 1) * PER_PAGE + 1) {
                    @for (h, it) in res.hits.iter().zip(&hit_items) {
                        li {
                            a href={ "/article/" (h.id) } { (marked(&h.title_snippet)) }
                            br;
                            span class="src" { (hit_source(&a, h)) }
                            (item_time(it, tz, now))
                            (also(&it.also))
                            p class="snippet" { (marked(&h.snippet)) }
                        }
                    }
                }
                nav class="pager" aria-label="Страницы" {
                    @if page_no > 1 {
                        a href=(link(page_no - 1)) rel="prev" { "← Назад" }
                    }
                    @if page_no * PER_PAGE < res.total.min(khronika_index::MAX_OFFSET) {
                        a href=(link(page_no + 1)) rel="next" { "Дальше →" }
                    }
                }
            }
        } else {
            html! {
                p { "Введите запрос: слова ищутся во всех формах («саммит» найдёт «саммита» и «саммите»), фразу возьмите в кавычки." }
            }
        };
        let main = html! { h1 { "Поиск" } (form) (results) };
        let title = if text.is_empty() {
            "Поиск".to_string()
        } else {
            format!("Поиск: {text}")
        };
        let aside = sidebar(&a, tz).await?;
        let mut l = super::layout(&a, &title, tz);
        l.query = &text;
        Ok((StatusCode::OK, l.render(main, Some(&aside))))
    })
    .await
}

/// A snippet with the query's matches in `<mark>`.
fn marked(s: &khronika_index::Snippet) -> Markup {
    html! {
        @for (piece, hit) in s.pieces() {
            @if hit { mark { (piece) } } @else { (piece) }
        }
    }
}
