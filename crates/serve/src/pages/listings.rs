//! Paged lists of originals: `/tag/{name}`, `/source/{id}`, `/rubric/{code}`.

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use chrono_tz::Tz;
use khronika_model::Rubric;
use khronika_store::{ArticleFilter, DisplayPolicy, PageRequest, SourceId};
use maud::{html, Markup};

use super::{
    add_copies, framed, list_error, news_list, not_found_page, page, server_error, Item, PER_PAGE,
};
use crate::html::{enc, safe_url};
use crate::{query_pairs, reader_tz, App, AppState};

/// One page of originals matching `filter` (copies named under them, "также"), with a link
/// to the next page at `{base}?cursor=…`.
async fn listing(
    app: &App,
    mut filter: ArticleFilter,
    cursor: Option<String>,
    tz: Tz,
    base: &str,
) -> Result<Markup, Response> {
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
        .map_err(|e| list_error(app, e))?;
    let mut items: Vec<Item> = page
        .items
        .iter()
        .map(|s| Item::from_summary(app, s))
        .collect();
    add_copies(app, &mut items).await;
    Ok(html! {
        (news_list(&items, tz, Utc::now(), true))
        @if let Some(next) = page.next {
            nav class="pager" aria-label="Страницы" {
                a rel="next" href={ (base) "?cursor=" (enc(&next)) } { "Раньше →" }
            }
        }
    })
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
        let filter = ArticleFilter {
            tag: Some(name.clone()),
            ..Default::default()
        };
        let base = format!("/tag/{}", enc(&name));
        let list = listing(&a, filter, q.get("cursor").cloned(), tz, &base).await?;
        let main = html! {
            h1 { "#" (name) }
            p { a href={ "/feed.rss?tag=" (enc(&name)) } { "RSS по тегу" } }
            (list)
        };
        let title = format!("#{name}");
        let feed = (format!("/feed.rss?tag={}", enc(&name)), title.clone());
        framed(&a, &title, tz, Some(feed), main).await
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
        let filter = ArticleFilter {
            source: Some(SourceId(id)),
            ..Default::default()
        };
        let base = format!("/source/{id}");
        let list = listing(&a, filter, q.get("cursor").cloned(), tz, &base).await?;
        let main = html! {
            h1 { (src.name) }
            p class="meta" {
                @if let Some(u) = safe_url(&src.home_url) {
                    a href=(u.as_str()) rel="noopener nofollow" { (u.as_str()) } " · "
                }
                @match src.display {
                    DisplayPolicy::FullText => "тексты показываются полностью",
                    DisplayPolicy::LeadAndLink => "показываются заголовок, лид и ссылка на оригинал",
                }
                " · " a href={ "/feed.rss?source=" (id) } { "RSS" }
            }
            (list)
        };
        framed(&a, &src.name, tz, Some((format!("/feed.rss?source={id}"), src.name.clone())), main).await
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
        let filter = ArticleFilter {
            rubric: Some(r),
            ..Default::default()
        };
        let base = format!("/rubric/{}", r.code());
        let list = listing(&a, filter, q.get("cursor").cloned(), tz, &base).await?;
        let main = html! {
            h1 { (r.label_ru()) }
            p class="meta" {
                a href={ "/stories?rubric=" (r.code()) } { "Сюжеты рубрики" } " · "
                a href={ "/feed.rss?rubric=" (r.code()) } { "RSS" } " · "
                a href={ "/feed.atom?rubric=" (r.code()) } { "Atom" }
            }
            (list)
        };
        framed(
            &a,
            r.label_ru(),
            tz,
            Some((
                format!("/feed.rss?rubric={}", r.code()),
                r.label_ru().to_string(),
            )),
            main,
        )
        .await
    })
    .await
}
