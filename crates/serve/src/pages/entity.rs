//! `/entity/{id or name}`: a person, organisation or place with its quotes and the timeline
//! of its mentions.

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use khronika_store::EntityId;
use maud::html;

use super::{framed, not_found_page, page, server_error};
use crate::html::{enc, plural, ru_datetime};
use crate::{query_pairs, reader_tz, AppState};

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
            return Err(not_found_page(
                &a,
                "Об этом имени пока ничего не известно. Попробуйте поиск.",
            ));
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
        let others: Vec<&str> = ent
            .aliases
            .iter()
            .filter(|x| **x != ent.name)
            .take(10)
            .map(String::as_str)
            .collect();
        let when = |p: &Option<String>| {
            p.as_deref()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|d| ru_datetime(d.with_timezone(&Utc), tz))
        };
        // One timeline entry per article, with how many times it names the entity.
        let mut seen: HashMap<i64, u64> = HashMap::new();
        let mut order: Vec<&khronika_store::EntityMention> = Vec::new();
        for mn in &mentions {
            let c = seen.entry(mn.article_id.0).or_insert(0);
            if *c == 0 {
                order.push(mn);
            }
            *c += 1;
        }
        let main = html! {
            h1 { (ent.name) }
            p class="meta" {
                (kind) " · " (ent.mentions) " "
                (plural(ent.mentions, "упоминание", "упоминания", "упоминаний"))
                @if !others.is_empty() { " · также: " (others.join(", ")) }
                " · " a href={ "/feed.rss?entity=" (enc(&ent.name)) } { "RSS" }
            }
            @if !quotes.is_empty() {
                section class="quotes" aria-labelledby="eq-h" {
                    h2 id="eq-h" { "Что говорил" }
                    @for qt in &quotes {
                        figure {
                            blockquote { p {
                                @if qt.direct { "«" }
                                (qt.text.trim())
                                @if qt.direct { "»" }
                            } }
                            figcaption {
                                @if let Some(r) = qt.role.as_deref().filter(|r| !r.trim().is_empty()) {
                                    (r) " · "
                                }
                                @if let Some(w) = when(&qt.published) { (w) " · " }
                                a href={ "/article/" (qt.article_id.0) } {
                                    (qt.article_title.as_deref().unwrap_or("статья"))
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="em-h" {
                h2 id="em-h" { "Хронология упоминаний" }
                ul class="news timeline" {
                    @if order.is_empty() { li { "Упоминаний нет." } }
                    @for mn in &order {
                        @let n = seen.get(&mn.article_id.0).copied().unwrap_or(1);
                        li {
                            @if let Some(w) = when(&mn.published) { time { (w) } br; }
                            a href={ "/article/" (mn.article_id.0) } {
                                (mn.article_title.as_deref().unwrap_or("статья"))
                            }
                            " " span class="src" {
                                (n) " " (plural(n, "раз", "раза", "раз")) " как «" (mn.text) "»"
                            }
                        }
                    }
                }
            }
        };
        framed(&a, &ent.name, tz, Some((format!("/feed.rss?entity={}", enc(&ent.name)), ent.name.clone())), main).await
    })
    .await
}
