//! `/story/{id}` (one story's timeline; a merged id redirects to the survivor) and
//! `/stories` (live stories, latest first).

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use khronika_model::Rubric;
use khronika_store::{ArticleFilter, PageRequest, Story, StoryFilter, StoryId};
use maud::html;

use super::{
    chips, framed, item_time, list_error, not_found_page, page, server_error, story_list,
    story_publications, Item, PER_PAGE,
};
use crate::html::{enc, ru_datetime};
use crate::{query_pairs, reader_tz, App, AppState};

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
        let main = html! {
            h1 { (st.title) }
            p class="meta" {
                "Сюжет"
                @if let Some(r) = st.rubric {
                    " · " a href={ "/rubric/" (r.code()) } { (r.label_ru()) }
                }
                " · " (story_publications(&st))
                " · с " time datetime=(st.first_seen.to_rfc3339()) { (ru_datetime(st.first_seen, tz)) }
                " по " time datetime=(st.last_seen.to_rfc3339()) { (ru_datetime(st.last_seen, tz)) }
                " · " a href={ "/feed.rss?story=" (sid) } { "RSS" }
                " · " a href={ "/feed.atom?story=" (sid) } { "Atom" }
            }
            @if !st.entities.is_empty() {
                section aria-labelledby="st-ent-h" {
                    h2 id="st-ent-h" { "Главные участники" }
                    p class="chips" { (chips("/entity/", st.entities.iter().take(12))) }
                }
            }
            section aria-labelledby="st-tl-h" {
                h2 id="st-tl-h" { "Хронология" }
                ol class="news timeline" {
                    // The store lists newest first; a timeline reads oldest first.
                    @for s in page.items.iter().rev() {
                        @let it = Item::from_summary(&a, s);
                        li {
                            (item_time(&it, tz, now))
                            " · " span class="src" { (it.source) }
                            br;
                            a href={ "/article/" (it.id) } { (it.title) }
                            @if s.duplicate_of.is_some() { span class="also" { "копия" } }
                        }
                    }
                }
            }
        };
        framed(&a, &st.title, tz, Some((format!("/feed.rss?story={sid}"), st.title.clone())), main).await
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
            .map_err(|e| list_error(&a, e))?;
        let title = match rubric {
            Some(r) => format!("Сюжеты: {}", r.label_ru()),
            None => "Сюжеты".to_string(),
        };
        let now = Utc::now();
        let rubric_part = rubric.map(|r| format!("rubric={}&", r.code())).unwrap_or_default();
        let main = html! {
            h1 { (title) }
            @if res.items.is_empty() {
                p { "Сюжетов пока нет." }
            } @else {
                (story_list(&res.items, tz, now, true))
            }
            @if let Some(next) = &res.next {
                nav class="pager" aria-label="Страницы" {
                    a rel="next" href={ "/stories?" (rubric_part) "cursor=" (enc(next)) } { "Раньше →" }
                }
            }
        };
        framed(&a, &title, tz, None, main).await
    })
    .await
}
