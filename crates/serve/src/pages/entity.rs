//! `/entity/{id}-{slug}`: a registry entity (person, organisation or place) with its other
//! names, quotes, a per-day mention chart, co-mentioned entities and every article naming
//! it. A bare id or a name (old links, typed URLs) leads to the same page.

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use khronika_store::{DayCount, Entity, EntityCount, EntityId};
use maud::{html, Markup};

use super::{framed, not_found_page, page, server_error};
use crate::html::{enc, entity_href, plural, ru_datetime};
use crate::{query_pairs, reader_tz, App, AppState};

/// Most articles listed on an entity page (mentions read to build the list).
const MAX_MENTIONS: usize = 2_000;
/// Bars in the timeline chart; longer spans are drawn a few days per bar.
const MAX_BARS: i64 = 120;

/// The entity a path segment names: `42`, `42-slug` (the slug is ignored), or a name
/// (also with `+` for spaces, as older links wrote it).
async fn resolve(app: &App, key: &str) -> Result<Option<Entity>, khronika_store::StoreError> {
    let key = key.trim();
    let digits: String = key.chars().take_while(char::is_ascii_digit).collect();
    let rest = &key[digits.len()..];
    if !digits.is_empty() && (rest.is_empty() || rest.starts_with('-')) {
        if let Ok(id) = digits.parse::<i64>() {
            if let Some(e) = app.store.get_entity(EntityId(id)).await? {
                return Ok(Some(e));
            }
        }
    }
    let found = app.store.find_entities(key).await?;
    if let Some(e) = found.into_iter().next() {
        return Ok(Some(e));
    }
    if key.contains('+') {
        return Ok(app
            .store
            .find_entities(&key.replace('+', " "))
            .await?
            .into_iter()
            .next());
    }
    Ok(None)
}

/// Links to registry entities, as chips.
pub fn entity_chips(list: &[EntityCount], with_count: bool) -> Markup {
    html! {
        @for e in list {
            a href=(entity_href(e.id.0, &e.name)) {
                (e.name)
                @if with_count { " (" (e.count) ")" }
            } " "
        }
    }
}

/// The per-day timeline as an SVG bar chart (no script: the CSP forbids it), with the first
/// and last date and the highest count written on it.
pub fn timeline_chart(days: &[DayCount]) -> Markup {
    let parsed: Vec<(NaiveDate, u64)> = days
        .iter()
        .filter_map(|d| {
            NaiveDate::parse_from_str(&d.day, "%Y-%m-%d")
                .ok()
                .map(|day| (day, d.articles))
        })
        .collect();
    let (Some(first), Some(last)) = (parsed.first(), parsed.last()) else {
        return html! {};
    };
    let span = (last.0 - first.0).num_days() + 1;
    let per_bar = (span + MAX_BARS - 1) / MAX_BARS;
    let bars = ((span + per_bar - 1) / per_bar).max(1);
    let mut counts = vec![0u64; bars as usize];
    for (day, n) in &parsed {
        let i = ((*day - first.0).num_days() / per_bar) as usize;
        if let Some(c) = counts.get_mut(i) {
            *c += n;
        }
    }
    let max = counts.iter().copied().max().unwrap_or(1).max(1);
    let (w, h, left, bottom) = (720.0_f64, 160.0_f64, 34.0_f64, 22.0_f64);
    let plot_h = h - bottom - 8.0;
    let bw = (w - left) / bars as f64;
    let date = |d: NaiveDate| d.format("%d.%m.%Y").to_string();
    let unit = if per_bar == 1 {
        "статей в день".to_string()
    } else {
        format!("статей за {per_bar} дн.")
    };
    let label = format!(
        "Упоминания по дням, {} — {}, до {} {}",
        date(first.0),
        date(last.0),
        max,
        unit
    );
    html! {
        svg class="chart" role="img" aria-label=(label) viewBox={ "0 0 " (w) " " (h) } {
            title { (label) }
            line class="axis" x1=(left) y1=(h - bottom) x2=(w) y2=(h - bottom) {}
            text x="0" y="14" { (max) }
            text x="0" y=(h - bottom) { "0" }
            @for (i, c) in counts.iter().enumerate() {
                @if *c > 0 {
                    @let bh = (*c as f64 / max as f64) * plot_h;
                    rect class="bar" x=(format!("{:.1}", left + i as f64 * bw + 0.5))
                        y=(format!("{:.1}", h - bottom - bh))
                        width=(format!("{:.1}", (bw - 1.0).max(1.0)))
                        height=(format!("{:.1}", bh)) {
                        title {
                            (date(first.0 + chrono::Duration::days(i as i64 * per_bar)))
                            ": " (c)
                        }
                    }
                }
            }
            text x=(left) y=(h - 4.0) { (date(first.0)) }
            text x=(w) y=(h - 4.0) text-anchor="end" { (date(last.0)) }
        }
        p class="meta" { (unit) ", по дате статьи (UTC)" }
    }
}

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
        let fail = |e: khronika_store::StoreError| server_error(&a, &e.to_string());
        let Some(ent) = resolve(&a, &key_raw).await.map_err(fail)? else {
            return Err(not_found_page(
                &a,
                "Об этом имени пока ничего не известно. Попробуйте поиск.",
            ));
        };
        let mentions = a
            .store
            .entity_mentions(ent.id, MAX_MENTIONS)
            .await
            .map_err(fail)?;
        let quotes = a.store.entity_quotes(ent.id, 200).await.map_err(fail)?;
        let days = a.store.entity_timeline(ent.id).await.map_err(fail)?;
        let co = a.store.co_mentioned(ent.id, 24).await.map_err(fail)?;
        let kind = match ent.kind {
            khronika_model::EntityKind::Person => "Персона",
            khronika_model::EntityKind::Organisation => "Организация",
            khronika_model::EntityKind::Location => "Место",
        };
        // Other names, one per folded form ("Москве" and "МОСКВЕ" once).
        let own = khronika_store::registry::fold(&ent.name);
        let mut folds = vec![own];
        let mut others: Vec<&str> = Vec::new();
        for alias in &ent.aliases {
            let f = khronika_store::registry::fold(alias);
            if !folds.contains(&f) && others.len() < 40 {
                folds.push(f);
                others.push(alias);
            }
        }
        let when = |p: &Option<String>| {
            p.as_deref()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|d| ru_datetime(d.with_timezone(&Utc), tz))
        };
        // One entry per article, with how many times it names the entity.
        let mut seen: HashMap<i64, u64> = HashMap::new();
        let mut order: Vec<&khronika_store::EntityMention> = Vec::new();
        for mn in &mentions {
            let c = seen.entry(mn.article_id.0).or_insert(0);
            if *c == 0 {
                order.push(mn);
            }
            *c += 1;
        }
        let feed = format!("/feed.rss?entity={}", enc(&ent.name));
        let main = html! {
            h1 { (ent.name) }
            p class="meta" {
                (kind) " · " (ent.articles) " "
                (plural(ent.articles, "статья", "статьи", "статей"))
                " · " (ent.mentions) " "
                (plural(ent.mentions, "упоминание", "упоминания", "упоминаний"))
                " · " a href=(feed) { "RSS" }
            }
            @if !others.is_empty() {
                p class="meta" { "Другие формы и названия: " (others.join(", ")) }
            }
            @if !days.is_empty() {
                section aria-labelledby="et-h" {
                    h2 id="et-h" { "Упоминания по дням" }
                    (timeline_chart(&days))
                }
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
            @if !co.is_empty() {
                section aria-labelledby="ec-h" {
                    h2 id="ec-h" { "Упоминаются вместе" }
                    p class="chips" { (entity_chips(&co, true)) }
                }
            }
            section aria-labelledby="em-h" {
                h2 id="em-h" { "Статьи" }
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
        framed(&a, &ent.name, tz, Some((feed, ent.name.clone())), main).await
    })
    .await
}
