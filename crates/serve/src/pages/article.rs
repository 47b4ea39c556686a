//! `/article/{id}`: one article with its source, story, copies, body or lead and link,
//! quotes, tags, entities and "Продолжая тему".

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use chrono_tz::Tz;
use khronika_store::{ArticleId, DisplayPolicy, Story, StoryId};
use maud::{html, Markup, PreEscaped};

use super::{
    add_copies, error_page, news_list, not_found_page, page_blocking, render_sidebar, server_error,
    story_list, story_originals, story_publications, views_label, Item, OpenGraph,
};
use crate::html::{ru_datetime, safe_url};
use crate::{query_pairs, reader_tz, render, App, AppState};

/// A related story shares at least this many main entities with the article.
const RELATED_STORY_MIN_SHARED: usize = 2;

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
    // OpenGraph needs this page's absolute address, so the page differs by Host.
    let base = crate::feeds::base_url(&headers);
    let key = format!("article|{base}|{id}|{tz}|{body_page}");
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
        let published = article.published.map(|p| p.with_timezone(&Utc));
        let analysis = art.analysis.as_ref();
        let body = match art.display {
            DisplayPolicy::FullText => {
                render::body_page_html(article, analysis, body_page, id).ok_or_else(|| {
                    not_found_page(&a, "В статье нет такой страницы.")
                })?
            }
            _ => String::new(),
        };
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
        let modified = article
            .modified
            .map(|m| m.with_timezone(&Utc))
            .filter(|m| published.is_none_or(|p| *m > p + chrono::Duration::minutes(5)));
        let lead = article.lead.as_deref().filter(|l| !l.trim().is_empty());
        // Without a lead, a lead-and-link page shows the first paragraph in its place.
        let stand_in_lead = match (lead, art.display) {
            (None, DisplayPolicy::LeadAndLink) => article.blocks.iter().find_map(|b| match b {
                khronika_model::Block::Paragraph { text } if !text.trim().is_empty() => {
                    Some(text.as_str())
                }
                _ => None,
            }),
            _ => None,
        };
        let entities = render::top_entities(analysis, 12);
        let image = lead_image(article);
        // Links by registry id: every name form of the article leads to its entity's page.
        let registry: Vec<_> = a
            .store
            .article_entities(art.id)
            .await
            .unwrap_or_default()
            .into_iter()
            .collect();
        let speaker_href = |sp: &str| {
            use khronika_store::registry::{canonical, fold};
            let key = canonical(sp, khronika_model::EntityKind::Person).map(|c| c.0);
            let key = key.unwrap_or_else(|| fold(sp));
            registry
                .iter()
                .find(|e| {
                    let name = fold(&e.name);
                    name == key
                        || (e.kind == khronika_model::EntityKind::Person
                            && name.rsplit(' ').next() == Some(key.as_str()))
                })
                .map(|e| crate::html::entity_href(e.id.0, &e.name))
        };

        let main = html! {
            article {
                p class="meta" {
                    @if let Some(sid) = art.source_id {
                        a href={ "/source/" (sid.0) } { (source_name) }
                    } @else {
                        (source_name)
                    }
                    @if let Some(r) = art.rubric {
                        " · " a href={ "/rubric/" (r.code()) } { (r.label_ru()) }
                    }
                }
                h1 { (title) }
                p class="meta" {
                    @if let Some(p) = published {
                        time datetime=(p.to_rfc3339()) { (ru_datetime(p, tz)) }
                    } @else {
                        // The page states no date: say so, and what we do know, labelled.
                        span class="undated" { "дата не указана" }
                        " · добавлено "
                        time class="added" datetime=(art.first_seen.to_rfc3339()) {
                            (ru_datetime(art.first_seen, tz))
                        }
                    }
                    @if let Some(m) = modified { " · обновлено " (ru_datetime(m, tz)) }
                    @if !article.authors.is_empty() { " · " (article.authors.join(", ")) }
                    @if let Some(u) = &original {
                        " · " a href=(u.as_str()) rel="noopener nofollow" { "Оригинал на " (source_name) }
                    }
                    " · " span class="views" { (views_label(views)) }
                }
                @if let Some(st) = &story {
                    p class="meta" {
                        "Сюжет: " a href={ "/story/" (st.id.0) } { (st.title) }
                        " · " (story_publications(st))
                    }
                }
                @if let Some(orig) = art.duplicate_of {
                    p class="meta" {
                        "Копия материала: " a href={ "/article/" (orig.0) } { "первоисточник" }
                    }
                }
                @if !copies.is_empty() {
                    p class="meta also" { "также: " (copies.join(", ")) }
                }
                @if let Some(img) = &image {
                    (figure(img))
                }
                @if let Some(lead) = lead.or(stand_in_lead) {
                    p class="lead" { (render::clip(lead)) }
                }
                @match art.display {
                    DisplayPolicy::FullText => {
                        // `render` builds the body from our own blocks, escaping every text
                        // (its own tests check that); it stays a string builder because the
                        // quote marking interleaves markup with clipped text by offsets.
                        div class="body" { (PreEscaped(body)) }
                        (PreEscaped(render::quotes_html(analysis, &speaker_href)))
                    }
                    DisplayPolicy::LeadAndLink => {
                        @if let Some(u) = &original {
                            p {
                                a class="original" href=(u.as_str()) rel="noopener nofollow" {
                                    "Читать полностью на " (source_name)
                                }
                            }
                        }
                        (PreEscaped(render::quotes_html(analysis, &speaker_href)))
                    }
                }
                @if !article.tags.is_empty() {
                    nav class="tags" aria-label="Теги" {
                        h2 class="vh" { "Теги" }
                        @for t in article.tags.iter().take(30) {
                            a href={ "/tag/" (crate::html::seg(t)) } { "#" (t) } " "
                        }
                    }
                }
                @if !registry.is_empty() {
                    section aria-labelledby="ent-h" {
                        h2 id="ent-h" { "Упоминаются" }
                        p class="chips" { (super::entity_chips(registry.get(..12).unwrap_or(&registry), false)) }
                    }
                }
            }
            (continue_topic(&a, &art, story.as_ref(), &entities, tz).await)
        };
        let aside = render_sidebar(&a, tz, Some(id)).await?;
        let mut l = super::layout(&a, &title, tz);
        l.description = article.lead.as_deref();
        l.canonical = original.as_ref().map(|u| u.to_string());
        let description = lead.or(stand_in_lead).map(render::clip);
        l.og = Some(OpenGraph {
            url: format!("{base}/article/{id}"),
            title: &title,
            description,
            image: image.as_ref().map(|i| i.url.as_str()),
            image_width: image.as_ref().and_then(|i| i.width),
            image_height: image.as_ref().and_then(|i| i.height),
            image_alt: image.as_ref().and_then(|i| i.caption.as_deref()),
            published_time: published.map(|p| p.to_rfc3339()),
            modified_time: article.modified.map(|m| m.to_rfc3339()),
        });
        Ok((StatusCode::OK, l.render(main, Some(&aside))))
    })
    .await;
    if resp.status().is_success() || resp.status() == StatusCode::NOT_MODIFIED {
        app.count_view(ArticleId(id));
    }
    resp
}

/// The article's lead image as the portal shows it: only an https address (the CSP's
/// `img-src` allows remote images over https alone; an http one would be mixed content).
fn lead_image(article: &khronika_model::Article) -> Option<&khronika_model::Image> {
    article.image().filter(|i| i.url.scheme() == "https")
}

/// The lead image: lazy-loaded, sent without a referrer (the reader's page address is not
/// the publisher's business), sized when the page stated its size so the text does not
/// jump when it loads; its caption and credit under it.
fn figure(img: &khronika_model::Image) -> Markup {
    let caption = img.caption.as_deref().map(render::clip);
    html! {
        figure class="lead-image" {
            img src=(img.url.as_str()) alt=(caption.unwrap_or(""))
                loading="lazy" decoding="async" referrerpolicy="no-referrer"
                width=[img.width] height=[img.height];
            @if caption.is_some() || img.credit.is_some() {
                figcaption {
                    @if let Some(c) = &caption { (c) }
                    @if let Some(c) = &img.credit {
                        @if caption.is_some() { " " }
                        span class="credit" { "Фото: " (c) }
                    }
                }
            }
        }
    }
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
    tz: Tz,
) -> Markup {
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
    html! {
        @if !(same.is_empty() && related.is_empty() && fallback.is_empty()) {
            section aria-labelledby="more-h" {
                h2 id="more-h" { "Продолжая тему" }
                @if !same.is_empty() { (news_list(&same, tz, now, true)) }
                @if !fallback.is_empty() { (news_list(&fallback, tz, now, true)) }
                @if !related.is_empty() {
                    h3 { "Похожие сюжеты" }
                    (story_list(&related, tz, now, false))
                }
            }
        }
    }
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
