//! `/`: "Главное" (ranked live stories, else the newest articles), the feed of latest
//! originals, popular and topics.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use khronika_store::{PageRequest, Story, StoryFilter};
use maud::{html, Markup};

use super::{
    chips, latest, news_list, page, popular, popular_section, server_error, story_originals,
    story_publications, Item,
};
use crate::html::ru_datetime;
use crate::{query_pairs, reader_tz, render, App, AppState};

/// "Главное" ranks stories whose latest article is at most this old.
const TOP_STORY_HOURS: i64 = 48;

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
        let stories = top_stories(&a, now, 5).await?;
        let (top, rest) = if stories.is_empty() {
            // No live stories (not organised yet, or a quiet archive): the newest articles.
            items.split_at(items.len().min(5))
        } else {
            items.split_at(0)
        };
        let main = html! {
            h1 class="vh" { "Главные новости" }
            section class="top-stories" aria-labelledby="top-h" {
                h2 id="top-h" { "Главное" }
                @if top.is_empty() && stories.is_empty() {
                    p {
                        "Новостей пока нет. Загрузите статьи командой " code { "khronika ingest" }
                        " или запустите " code { "khronika demo" } "."
                    }
                }
                @for (st, it) in &stories {
                    article {
                        h3 class="h2" { a href={ "/article/" (it.id) } { (st.title) } }
                        p class="meta" {
                            (headline_meta(it, tz)) " · "
                            a href={ "/story/" (st.id.0) } { (story_publications(st)) }
                        }
                        @if it.title != st.title {
                            p class="snippet" { "Последнее: " (it.title) }
                        } @else {
                            (lead(it))
                        }
                    }
                }
                @for it in top {
                    article {
                        h3 class="h2" { a href={ "/article/" (it.id) } { (it.title) } }
                        p class="meta" { (headline_meta(it, tz)) }
                        (lead(it))
                    }
                }
            }
            section aria-labelledby="latest-h" {
                h2 id="latest-h" { "Лента новостей" }
                (news_list(rest, tz, now, true))
            }
        };
        let (label, pop) = popular(&a, 8).await?;
        let tags = a.store.tags(20).await.unwrap_or_default();
        let aside = html! {
            (popular_section(label, &pop, tz, now))
            @if !tags.is_empty() {
                section aria-labelledby="side-tags" {
                    h2 id="side-tags" { "Темы" }
                    p class="chips" { (chips("/tag/", tags.iter().map(|t| &t.name))) }
                }
            }
        }
        .into_string();
        let mut l = super::layout(&a, &a.cfg.site_name, tz);
        l.description =
            Some("Новости из русскоязычных источников Казахстана, Центральной Азии и СНГ");
        l.feed = Some(("/feed.rss".into(), "Все новости".into()));
        Ok((StatusCode::OK, l.render(main, Some(&aside))))
    })
    .await
}

/// "ТАСС · 2 апреля 2025 в 21:32" under a headline.
fn headline_meta(it: &Item, tz: Tz) -> Markup {
    html! {
        (it.source) " · "
        @match (it.time, it.dated) {
            (Some(t), true) => time datetime=(t.to_rfc3339()) { (ru_datetime(t, tz)) },
            (Some(t), false) => span class="added" {
                "дата не указана · добавлено "
                time datetime=(t.to_rfc3339()) { (ru_datetime(t, tz)) }
            },
            (None, _) => span class="added" { "дата не указана" },
        }
    }
}

/// The item's lead as a snippet, when it has one.
fn lead(it: &Item) -> Markup {
    html! {
        @if let Some(lead) = it.lead.as_deref().filter(|l| !l.trim().is_empty()) {
            p class="snippet" { (render::clip(lead)) }
        }
    }
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
