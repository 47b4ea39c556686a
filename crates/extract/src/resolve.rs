//! Reconciling the sources into one [`Article`]: which headline, which date, which
//! authors, which tags, where the lead is.
//!
//! Machine-readable metadata (JSON-LD, microdata, `<meta>`) is preferred for dates and
//! authors; the visible headline (`<h1>`) for the title, because `<title>` and `og:title`
//! often carry the site name or a print-edition headline. Visible dates are taken only
//! from the article's own header region (near the headline, never from links or lists),
//! so a page whose only timestamps are in headline lists gets no date.

use crate::body::{self, Stats};
use crate::datetime::{parse_iso, Stamp};
use crate::dom::{Dom, NodeId, Tag, NONE};
use crate::meta::{self, PageMeta};
use crate::{lang_of, resolve_url, ExtractOptions};
use chrono::FixedOffset;
use khronika_model::{Article, Block};

pub fn article(dom: &Dom, opts: &ExtractOptions) -> Article {
    let m = meta::collect(dom);
    let st = body::stats(dom);
    let base = opts.url.as_ref();

    let headline = choose_headline(dom, &st, &m);
    let choice = body::choose(dom, &st, &m.micro_body);
    let mut blocks = body::emit(dom, &st, &choice, headline.unwrap_or(NONE));
    // The page states its body in JSON-LD but the markup gave (almost) nothing: a
    // script-rendered page. Use the stated text, one paragraph per line.
    let found: usize = blocks.iter().map(|b| b.plain_text().len()).sum();
    if let Some(stated) = m.jsonld.as_ref().and_then(|j| j.article_body.as_deref()) {
        if found < 200 && stated.len() > found * 2 + 100 {
            blocks = stated
                .lines()
                .map(|l| {
                    let mut t = String::new();
                    crate::dom::push_collapsed(&mut t, &crate::entities::decode_entities(l));
                    t.trim().to_string()
                })
                .filter(|t| !t.is_empty())
                .map(|text| Block::Paragraph { text })
                .collect();
        }
    }
    let title = headline
        .map(|h| dom.text_of(h))
        .filter(|t| !t.is_empty())
        .map(|t| drop_badge(t, &m))
        .or_else(|| title_from_meta(&m));
    if let Some(t) = &title {
        // The headline repeated as the first body line (h2 styled as the title, etc.).
        if blocks
            .first()
            .is_some_and(|b| same_text(&b.plain_text(), t))
        {
            blocks.remove(0);
        }
    }

    let description = m
        .og_description
        .clone()
        .or_else(|| m.jsonld.as_ref().and_then(|j| j.description.clone()))
        .or_else(|| m.meta_description.clone());
    let mut lead = take_lead(&mut blocks, description.as_deref());
    if lead.is_none() {
        if let Some(l) = lead_element(dom, &st, headline, &choice) {
            if blocks
                .first()
                .is_some_and(|b| same_text(&b.plain_text(), &l))
            {
                blocks.remove(0);
            }
            if !repeated_in(&blocks, &l) {
                lead = Some(l);
            }
        }
    }

    let canonical_url = m
        .canonical
        .as_deref()
        .and_then(|c| resolve_url(base, c))
        .or_else(|| m.og_url.as_deref().and_then(|c| resolve_url(base, c)))
        .or_else(|| {
            m.jsonld
                .as_ref()
                .and_then(|j| j.url.as_deref())
                .and_then(|c| resolve_url(base, c))
        });
    let img_base = base.or(canonical_url.as_ref());
    let images: Vec<_> = crate::images::lead_image(dom, &st, &m, &choice, headline, img_base)
        .into_iter()
        .collect();

    let site_name = m
        .og_site_name
        .clone()
        .or_else(|| m.jsonld.as_ref().and_then(|j| j.publisher.clone()))
        .or_else(|| m.jsonld_site_name.clone());

    let (published, modified) = dates(dom, &st, &m, opts, headline, &choice);
    let authors = authors(dom, &st, &m, site_name.as_deref(), headline, &choice);
    // A line of plain-text hashtags ("#Алматы #дороги") is the site's tag line, not prose.
    let mut hashtags: Vec<String> = Vec::new();
    blocks.retain(|b| {
        let Block::Paragraph { text } = b else {
            return true;
        };
        let t = text.trim();
        if !t.starts_with('#') || t.chars().count() > 300 {
            return true;
        }
        let parts: Vec<String> = t
            .split('#')
            .map(|p| p.trim().trim_end_matches([',', ';']).trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        if parts.is_empty() || parts.iter().any(|p| p.chars().count() > 40) {
            return true;
        }
        hashtags.extend(parts);
        false
    });
    let mut tags = tags(dom, &st, &m, &choice);
    if tags.is_empty() || (!hashtags.is_empty() && tags.iter().all(|t| !hashtags.contains(t))) {
        for h in hashtags {
            if !tags.contains(&h) {
                tags.push(h);
            }
        }
    }

    let mut article = Article {
        url: opts.url.clone(),
        canonical_url,
        title,
        lead,
        blocks,
        authors,
        published,
        modified,
        tags,
        images,
        site_name,
        lang: None,
        section: None,
    };
    article.section = section(&m, article.title.as_deref());
    article.lang = m
        .html_lang
        .as_deref()
        .and_then(lang_of)
        .or_else(|| m.og_locale.as_deref().and_then(lang_of))
        .or_else(|| {
            m.jsonld
                .as_ref()
                .and_then(|j| j.in_language.as_deref())
                .and_then(lang_of)
        })
        .or_else(|| {
            let sample = format!(
                "{} {}",
                article.title.as_deref().unwrap_or(""),
                article.text()
            );
            crate::lang::detect(&sample)
        });
    // A declared "ru" on a page written in Kazakh, Kyrgyz, Uzbek or Tajik (templates
    // default to ru) is corrected.
    if article.lang.as_ref().is_some_and(|l| l.as_str() == "ru") {
        if let Some(l) = crate::lang::detect(&article.text())
            .filter(|l| matches!(l.as_str(), "kk" | "ky" | "uz" | "tg"))
        {
            article.lang = Some(l);
        }
    }
    article
}

/// Longest section name taken: anything longer is a headline or a sentence, not a rubric.
const MAX_SECTION_CHARS: usize = 60;

/// The site's own section: JSON-LD `articleSection`, else `article:section`, else the
/// last schema.org breadcrumb item before the article itself (the home item and the
/// article's own entry are not sections).
fn section(m: &PageMeta, title: Option<&str>) -> Option<String> {
    let short = |s: &&String| s.chars().count() <= MAX_SECTION_CHARS;
    if let Some(s) = m
        .jsonld
        .as_ref()
        .and_then(|j| j.section.as_ref())
        .filter(short)
        .or(m.article_section.as_ref().filter(short))
    {
        return Some(s.clone());
    }
    let headlines: Vec<&str> = [
        title,
        m.jsonld.as_ref().and_then(|j| j.headline.as_deref()),
        m.og_title.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut crumbs: &[String] = &m.breadcrumbs;
    // The trail usually ends with the article itself.
    if let Some((last, rest)) = crumbs.split_last() {
        let is_article = last.chars().count() > MAX_SECTION_CHARS
            || headlines.iter().any(|h| {
                same_text(h, last) || (norm(h).starts_with(&norm(last)) && norm(last).len() > 30)
            });
        if is_article {
            crumbs = rest;
        }
    }
    // …and starts with the home page.
    if let Some((first, rest)) = crumbs.split_first() {
        let n = norm(first);
        let home = ["главная", "главнаястраница", "home", "homepage"]
            .iter()
            .any(|h| n == *h)
            || m.og_site_name
                .as_deref()
                .is_some_and(|s| same_text(s, first))
            || m.jsonld_site_name
                .as_deref()
                .is_some_and(|s| same_text(s, first));
        if home {
            crumbs = rest;
        }
    }
    crumbs
        .last()
        .filter(|c| c.chars().count() <= MAX_SECTION_CHARS)
        .cloned()
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && a == b
}

/// The `<h1>` that is the article headline, if any.
fn choose_headline(dom: &Dom, st: &[Stats], m: &PageMeta) -> Option<NodeId> {
    let metas: Vec<String> = [
        m.og_title.as_deref(),
        m.jsonld.as_ref().and_then(|j| j.headline.as_deref()),
        m.micro_headline.as_deref(),
        m.twitter_title.as_deref(),
        m.title_tag.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(norm)
    .filter(|s| !s.is_empty())
    .collect();
    // og:title / JSON-LD / microdata name the headline; <title> alone is often the site's.
    let has_strong_meta = m.og_title.is_some()
        || m.jsonld.as_ref().is_some_and(|j| j.headline.is_some())
        || m.micro_headline.is_some();
    let mut best = None;
    let mut best_score = i32::MIN;
    for &h in &m.h1s {
        let s = st.get(h as usize).copied().unwrap_or_default();
        if s.skip {
            continue;
        }
        let text = dom.text_of(h);
        let len = text.chars().count();
        if !(4..=400).contains(&len) {
            continue;
        }
        let n = norm(&text);
        let mut score = 0;
        if metas.contains(&n) {
            score += 30;
        } else if metas.iter().any(|mt| {
            (mt.contains(&n) && n.len() * 2 >= mt.len())
                || (n.contains(mt.as_str()) && mt.len() * 2 >= n.len())
        }) {
            score += 20;
        } else if has_strong_meta {
            // An h1 unlike every stated headline is a logo or a section name.
            score -= 20;
        }
        if s.hint < 0 {
            score -= 10;
        }
        if s.link > s.text / 2 {
            score -= 15;
        }
        if len >= 15 {
            score += 5;
        }
        if score > best_score {
            best_score = score;
            best = Some(h);
        }
    }
    best.filter(|_| best_score >= 0)
}

/// "Заголовок Видео" / "Headline UPDATED": when a stated headline is the h1 minus a short
/// tail (a badge or label inside the h1), the stated one is the headline.
fn drop_badge(h1: String, m: &PageMeta) -> String {
    let nh = norm(&h1);
    for stated in [
        m.og_title.as_deref(),
        m.jsonld.as_ref().and_then(|j| j.headline.as_deref()),
        m.micro_headline.as_deref(),
    ]
    .into_iter()
    .flatten()
    {
        let ns = norm(stated);
        if ns.len() >= 10 && nh.len() > ns.len() && nh.starts_with(&ns) && nh.len() - ns.len() <= 40
        {
            return stated.trim().to_string();
        }
    }
    h1
}

/// Headline from metadata when the page has no usable `<h1>`: site suffixes removed.
fn title_from_meta(m: &PageMeta) -> Option<String> {
    if let Some(h) = m.jsonld.as_ref().and_then(|j| j.headline.clone()) {
        return Some(h);
    }
    if let Some(h) = m.micro_headline.clone() {
        return Some(h);
    }
    let t = m.og_title.clone().or_else(|| m.title_tag.clone())?;
    Some(strip_site_suffix(&t, m.og_site_name.as_deref()))
}

fn strip_site_suffix(t: &str, site: Option<&str>) -> String {
    for sep in [" | ", " — ", " – ", " - ", " :: ", " / ", " « "] {
        if let Some(i) = t.rfind(sep) {
            let (head, tail) = (
                t.get(..i).unwrap_or(t),
                t.get(i + sep.len()..).unwrap_or(""),
            );
            let tail_is_site = site
                .is_some_and(|s| norm(tail).contains(&norm(s)) || norm(s).contains(&norm(tail)))
                || tail.chars().count() < 30;
            if tail_is_site && head.chars().count() >= 10 {
                return head.trim().to_string();
            }
        }
    }
    t.trim().to_string()
}

/// Whether most words of `lead` already appear in the first body blocks.
fn repeated_in(blocks: &[Block], lead: &str) -> bool {
    let head: String = blocks
        .iter()
        .take(3)
        .map(|b| b.plain_text().to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    let words: Vec<String> = lead
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 3)
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        return true;
    }
    let found = words.iter().filter(|w| head.contains(w.as_str())).count();
    found * 10 >= words.len() * 8
}

/// A standfirst printed between the headline and the body (outside the body container):
/// `itemprop=description` or a lead/description/summary-named element.
fn lead_element(
    dom: &Dom,
    st: &[Stats],
    headline: Option<NodeId>,
    choice: &body::BodyChoice,
) -> Option<String> {
    let h = headline?;
    let body_start = *choice.roots.first()?;
    if body_start <= h {
        return None;
    }
    let mut i = dom.subtree_end(h);
    while i < body_start {
        let n = dom.node(i);
        let s = st.get(i as usize).copied().unwrap_or_default();
        if n.tag == Tag::Text || s.skip || s.text < 40 {
            i += 1;
            continue;
        }
        let by_prop = dom
            .attr(i, "itemprop")
            .is_some_and(|v| v.split_ascii_whitespace().any(|x| x == "description"));
        let by_class = ["class", "id"].iter().any(|a| {
            dom.attr(i, a).is_some_and(|v| {
                v.split(|c: char| !c.is_ascii_alphanumeric()).any(|t| {
                    matches!(
                        t.to_ascii_lowercase().as_str(),
                        "lead"
                            | "description"
                            | "standfirst"
                            | "summary"
                            | "excerpt"
                            | "anons"
                            | "annotation"
                    )
                })
            })
        });
        // A heading-styled standfirst is a dek (subtitle), not the lead paragraph.
        let dek = n.tag.heading_level().is_some()
            || ["class", "id"].iter().any(|a| {
                dom.attr(i, a).is_some_and(|v| {
                    let v = v.to_ascii_lowercase();
                    v.contains("subtitle")
                        || v.contains("sub-head")
                        || v.contains("subhead")
                        || v.contains("dek")
                })
            });
        if dek {
            i = dom.subtree_end(i);
            continue;
        }
        if (by_prop || by_class)
            && s.link * 4 < s.text
            && s.text < 1500
            && dom.subtree_end(i) <= body_start
        {
            let t = dom.text_of(i);
            if !t.is_empty() {
                return Some(t);
            }
        }
        i += 1;
    }
    None
}

/// The lead: the first paragraph when it repeats the page description.
fn take_lead(blocks: &mut Vec<Block>, description: Option<&str>) -> Option<String> {
    let desc = norm(description?);
    if desc.len() < 20 {
        return None;
    }
    let first = blocks.first()?;
    let Block::Paragraph { text } = first else {
        return None;
    };
    let p = norm(text);
    let prefix: String = desc.chars().take(60).collect();
    if p == desc || p.starts_with(&prefix) {
        let lead = text.clone();
        blocks.remove(0);
        return Some(lead);
    }
    None
}

fn first_offset(stamps: &[String]) -> Option<FixedOffset> {
    stamps
        .iter()
        .filter_map(|s| parse_iso(s, None, None))
        .find(|s| s.has_offset)
        .map(|s| *s.value.offset())
}

fn dates(
    dom: &Dom,
    st: &[Stats],
    m: &PageMeta,
    opts: &ExtractOptions,
    headline: Option<NodeId>,
    choice: &body::BodyChoice,
) -> (
    Option<chrono::DateTime<FixedOffset>>,
    Option<chrono::DateTime<FixedOffset>>,
) {
    let jl = m.jsonld.as_ref();
    let mut all: Vec<String> = Vec::new();
    all.extend(jl.and_then(|j| j.date_published.clone()));
    all.extend(m.micro_published.iter().cloned());
    all.extend(m.published.iter().cloned());
    all.extend(jl.and_then(|j| j.date_modified.clone()));
    all.extend(m.modified.iter().cloned());
    let fallback = first_offset(&all);
    // Neither the caller nor the page places printed times: a single-zone country's domain
    // does (see `when::country_zone`).
    let zoned;
    let opts = match (opts.tz, fallback) {
        (None, None) => match opts.url.as_ref().and_then(crate::when::country_zone) {
            Some(tz) => {
                zoned = ExtractOptions {
                    tz: Some(tz),
                    ..opts.clone()
                };
                &zoned
            }
            None => opts,
        },
        _ => opts,
    };
    let pick = |cands: &[String]| -> Option<Stamp> {
        let stamps: Vec<Stamp> = cands
            .iter()
            .filter_map(|s| parse_iso(s, opts.tz, fallback))
            .collect();
        // A precise stamp beats a day-only one from another source.
        stamps
            .iter()
            .find(|s| s.has_time)
            .or(stamps.first())
            .copied()
    };
    let mut pubs: Vec<String> = Vec::new();
    pubs.extend(jl.and_then(|j| j.date_published.clone()));
    pubs.extend(m.micro_published.iter().cloned());
    pubs.extend(m.published.iter().cloned());
    let mut mods: Vec<String> = Vec::new();
    mods.extend(jl.and_then(|j| j.date_modified.clone()));
    mods.extend(m.micro_modified.iter().cloned());
    mods.extend(m.modified.iter().cloned());
    let published = pick(&pubs);
    let modified = pick(&mods).map(|s| s.value);
    // A stated day without a time leaves the header's printed time worth reading.
    let (seen_published, seen_modified) =
        if published.is_some_and(|p| p.has_time) && modified.is_some() {
            (None, None)
        } else {
            visible_dates(dom, st, opts, headline, choice, fallback)
        };
    let published = match (published, seen_published) {
        // The header prints the same day with its time: the precise one wins.
        (Some(p), Some(v)) if !p.has_time && p.value.date_naive() == v.date_naive() => Some(v),
        (Some(p), _) => Some(p.value),
        (None, v) => v,
    };
    crate::when::reconcile(published, modified.or(seen_modified), opts, fallback)
}

/// Words that mark an update time in an article header ("Обновлено: 3 апреля 2025 в 08:00").
const MODIFIED_LABELS: &[&str] = &[
    "последнее обновление",
    "обновлено",
    "обновлён",
    "обновлен",
    "изменено",
    "изменён",
    "изменен",
    "жаңартылды",
    "updated",
    "last modified",
    "modified",
];

/// Splits a header text at its first update label: (what precedes it, what follows it).
fn split_at_modified_label(text: &str) -> (&str, Option<&str>) {
    let lower = text.to_lowercase();
    // Offsets in `lower` are offsets in `text` only when lower-casing kept every length.
    if lower.len() != text.len() {
        return (text, None);
    }
    let found = MODIFIED_LABELS
        .iter()
        .filter_map(|l| lower.find(l).map(|at| (at, at + l.len())))
        .min_by_key(|&(at, _)| at);
    match found {
        Some((at, end)) if text.is_char_boundary(at) && text.is_char_boundary(end) => {
            let after = text[end..].trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—' | '.')
            });
            (&text[..at], Some(after))
        }
        _ => (text, None),
    }
}

/// Date/time-named elements and `<time>` in the article header region.
fn header_region_candidates(
    dom: &Dom,
    st: &[Stats],
    headline: Option<NodeId>,
    choice: &body::BodyChoice,
) -> Vec<NodeId> {
    // The region: from a little before the headline to the start of the body (or a little
    // after the headline when the body is elsewhere), skipping links and list items.
    let anchor = headline.or_else(|| choice.roots.first().copied());
    let Some(anchor) = anchor else {
        return Vec::new();
    };
    let body_start = choice.roots.first().copied().unwrap_or(anchor);
    let body_end = choice
        .roots
        .last()
        .map(|&r| dom.subtree_end(r))
        .unwrap_or(anchor);
    let lo = anchor.saturating_sub(60).min(body_start);
    let hi = (anchor + 80)
        .max(body_start + 1)
        .min(body_end.max(anchor + 80))
        .min(dom.nodes.len() as NodeId);
    let mut out = Vec::new();
    let mut i = lo;
    while i < hi {
        let n = dom.node(i);
        let s = st.get(i as usize).copied().unwrap_or_default();
        if n.tag == Tag::Text || s.skip {
            i += 1;
            continue;
        }
        if matches!(n.tag, Tag::A | Tag::Li | Tag::Ul | Tag::Ol) {
            i = dom.subtree_end(i);
            continue;
        }
        let named = ["class", "id", "itemprop"].iter().any(|a| {
            dom.attr(i, a).is_some_and(|v| {
                let v = v.to_ascii_lowercase();
                v.contains("date")
                    || v.contains("time")
                    || v.contains("publish")
                    || v.contains("posted")
            })
        });
        if (n.tag == Tag::Time || (named && s.text > 0 && s.text < 80))
            && !s.in_chrome
            && !in_list_or_aside(dom, i)
            && !in_teaser(dom, st, i)
        {
            out.push(i);
            i = dom.subtree_end(i);
            continue;
        }
        i += 1;
    }
    out
}

/// Inside a link-heavy container (a headline feed built of divs): its timestamps belong
/// to the linked headlines.
fn in_teaser(dom: &Dom, st: &[Stats], id: NodeId) -> bool {
    let mut cur = dom.node(id).parent;
    for _ in 0..3 {
        if cur == NONE {
            break;
        }
        let s = st.get(cur as usize).copied().unwrap_or_default();
        if s.text >= 60 && s.link * 10 > s.text * 4 {
            return true;
        }
        cur = dom.node(cur).parent;
    }
    false
}

/// Inside a list, aside, footer or nav: where headline feeds and their bylines live.
fn in_list_or_aside(dom: &Dom, id: NodeId) -> bool {
    let mut cur = dom.node(id).parent;
    while cur != NONE {
        let t = dom.node(cur).tag;
        if matches!(
            t,
            Tag::Li | Tag::Ul | Tag::Ol | Tag::Aside | Tag::Footer | Tag::Nav | Tag::A
        ) {
            return true;
        }
        cur = dom.node(cur).parent;
    }
    false
}

/// Publication and update times printed in the article header. An element labelled as an
/// update ("Обновлено: …", class `updated`/`modified`) gives the modified time and is never
/// taken for the publication time; "Опубликовано: … Обновлено: …" in one element gives both.
fn visible_dates(
    dom: &Dom,
    st: &[Stats],
    opts: &ExtractOptions,
    headline: Option<NodeId>,
    choice: &body::BodyChoice,
    fallback: Option<FixedOffset>,
) -> (
    Option<chrono::DateTime<FixedOffset>>,
    Option<chrono::DateTime<FixedOffset>>,
) {
    let (mut published, mut modified) = (None, None);
    for id in header_region_candidates(dom, st, headline, choice) {
        let marked_modified = ["class", "id", "itemprop"].iter().any(|a| {
            dom.attr(id, a).is_some_and(|v| {
                let v = v.to_ascii_lowercase();
                v.contains("modif") || v.contains("updat")
            })
        });
        let attr = dom
            .attr(id, "datetime")
            .and_then(|v| parse_iso(v, opts.tz, fallback))
            .map(|s| s.value);
        let text = dom.text_of(id);
        let (before, after) = split_at_modified_label(&text);
        let only_modified = marked_modified || before.trim().is_empty() && after.is_some();
        if only_modified {
            if modified.is_none() {
                modified = attr.or_else(|| {
                    crate::visible::parse_phrase(after.unwrap_or(&text), opts, fallback)
                });
            }
        } else {
            if published.is_none() {
                published = attr.or_else(|| crate::visible::parse_phrase(before, opts, fallback));
            }
            if modified.is_none() {
                modified = after.and_then(|a| crate::visible::parse_phrase(a, opts, fallback));
            }
        }
        if published.is_some() && modified.is_some() {
            break;
        }
    }
    (published, modified)
}

const AUTHOR_PREFIXES: &[&str] = &[
    "автор:",
    "автор",
    "авторы:",
    "текст:",
    "by ",
    "by:",
    "написал",
    "корреспондент",
    "обозреватель",
    "редактор:",
];

fn clean_author(s: &str) -> Option<String> {
    let mut t = s
        .trim()
        .trim_matches(|c: char| c == ',' || c == '|' || c == '—' || c.is_whitespace())
        .to_string();
    loop {
        let lower = t.to_lowercase();
        let Some(p) = AUTHOR_PREFIXES.iter().find(|p| lower.starts_with(*p)) else {
            break;
        };
        t = t.get(p.len()..).unwrap_or("").trim().to_string();
    }
    let lower = t.to_lowercase();
    if lower.starts_with("фото") || t.contains("http") || t.contains('@') || t.contains('/') {
        return None;
    }
    // Outlets and agencies credited as authors: «Газета "Коммерсантъ"», ТАСС, пресс-служба.
    if t.contains(['«', '»', '"', '“', '”'])
        || [
            "газета",
            "редакция",
            "агентство",
            "пресс-служба",
            "новости",
            "staff",
            "news",
            "агентства",
        ]
        .iter()
        .any(|w| lower.contains(w))
        || (t.chars().count() <= 6 && t.chars().all(|c| c.is_uppercase() || !c.is_alphabetic()))
    {
        return None;
    }
    let n = t.chars().count();
    if !(3..=60).contains(&n) || t.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(t)
}

fn split_authors(s: &str) -> Vec<String> {
    s.split([',', ';', '\n'])
        .flat_map(|p| p.split(" и ").map(str::to_string).collect::<Vec<_>>())
        .flat_map(|p| p.split(" and ").map(str::to_string).collect::<Vec<_>>())
        .filter_map(|p| clean_author(&p))
        .collect()
}

fn authors(
    dom: &Dom,
    st: &[Stats],
    m: &PageMeta,
    site: Option<&str>,
    headline: Option<NodeId>,
    choice: &body::BodyChoice,
) -> Vec<String> {
    let sources: [Vec<String>; 3] = [
        m.jsonld
            .as_ref()
            .map(|j| j.authors.clone())
            .unwrap_or_default(),
        m.micro_authors.clone(),
        m.meta_authors.clone(),
    ];
    let names_the_outlet = |a: &String| {
        let na = norm(a);
        let is_site = site.is_some_and(|s| {
            let ns = norm(s);
            ns.contains(&na) || na.contains(&ns)
        });
        // "INFORM.KZ", "bizmedia.kz": a domain for a name.
        is_site || (a.contains('.') && !a.contains(char::is_whitespace))
    };
    let not_site = |a: &String| !names_the_outlet(a) && !a.contains('.');
    // The page's own markup may credit the outlet as the author (schema.org Organization, or
    // `<meta name=author>` naming the site). Then a name printed somewhere near the text is
    // not taken for a byline: the publisher has said whose piece this is.
    let mut outlet_credited =
        m.jsonld.as_ref().is_some_and(|j| j.outlet_author) || m.micro_outlet_author;
    for src in sources {
        let mut out: Vec<String> = Vec::new();
        for a in src.iter().flat_map(|s| split_authors(s)) {
            if names_the_outlet(&a) {
                outlet_credited = true;
            } else if not_site(&a) && !out.contains(&a) {
                out.push(a);
            }
        }
        if !out.is_empty() {
            return out;
        }
    }
    if outlet_credited {
        return Vec::new();
    }
    // Visible byline near the headline: an element named author/byline with a short text.
    let anchor = headline.or_else(|| choice.roots.first().copied());
    let Some(anchor) = anchor else {
        return Vec::new();
    };
    let lo = anchor.saturating_sub(60);
    let hi = choice
        .roots
        .last()
        .map(|&r| dom.subtree_end(r))
        .unwrap_or(anchor + 200)
        .max(anchor + 200)
        .min(dom.nodes.len() as NodeId);
    let mut i = lo;
    while i < hi {
        let n = dom.node(i);
        // Bylines of headline lists ("preview__author") are not this article's.
        if matches!(
            n.tag,
            Tag::Li | Tag::Ul | Tag::Ol | Tag::Aside | Tag::Footer | Tag::Nav
        ) {
            i = dom.subtree_end(i);
            continue;
        }
        if n.tag != Tag::Text && !st.get(i as usize).is_some_and(|s| s.skip) {
            let named = ["class", "id", "rel"].iter().any(|a| {
                dom.attr(i, a).is_some_and(|v| {
                    let v = v.to_ascii_lowercase();
                    (v.contains("author") || v.contains("byline") || v.contains("avtor"))
                        && !v.contains("photo")
                })
            });
            if named && !in_list_or_aside(dom, i) {
                let text = dom.text_of(i);
                if text.chars().count() <= 120 {
                    let out: Vec<String> =
                        split_authors(&text).into_iter().filter(not_site).collect();
                    if !out.is_empty() {
                        return out;
                    }
                }
                i = dom.subtree_end(i);
                continue;
            }
        }
        i += 1;
    }
    Vec::new()
}

fn is_tag_link(dom: &Dom, id: NodeId) -> bool {
    if dom
        .attr(id, "rel")
        .is_some_and(|r| r.split_ascii_whitespace().any(|x| x == "tag"))
    {
        return true;
    }
    let href = dom.attr(id, "href").unwrap_or("").to_ascii_lowercase();
    [
        "/tag/",
        "/tags/",
        "/teg/",
        "/tegi/",
        "tag=",
        "/keyword/",
        "/keywords/",
        "/theme/",
        "/themes/",
        "/hashtag/",
        "/label/",
        "/topic/",
    ]
    .iter()
    .any(|p| href.contains(p))
}

fn tags(dom: &Dom, st: &[Stats], m: &PageMeta, choice: &body::BodyChoice) -> Vec<String> {
    // Visible tag links in or right after the body, as the site shows them.
    let mut visible: Vec<String> = Vec::new();
    if let (Some(&first), Some(&last)) = (choice.roots.first(), choice.roots.last()) {
        let start = dom.node(first).parent.max(first.saturating_sub(1));
        let start = if start == NONE { first } else { start };
        let end = (dom.subtree_end(last) + 400).min(dom.nodes.len() as NodeId);
        for i in start.min(first)..end {
            if dom.node(i).tag != Tag::A || st.get(i as usize).is_some_and(|s| s.skip) {
                continue;
            }
            let text = dom.text_of(i);
            let hashtag = text.starts_with('#');
            if !(hashtag || is_tag_link(dom, i)) {
                continue;
            }
            let t = text
                .trim_matches(|c: char| {
                    c == '#' || c == ',' || c == ';' || c == '|' || c.is_whitespace()
                })
                .to_string();
            if !t.is_empty() && t.chars().count() <= 60 && !visible.contains(&t) {
                visible.push(t);
            }
        }
    }
    if !visible.is_empty() {
        return visible;
    }
    for src in [
        m.article_tags.clone(),
        m.jsonld
            .as_ref()
            .map(|j| j.keywords.clone())
            .unwrap_or_default(),
        m.news_keywords.clone(),
        m.keywords.clone(),
    ] {
        if !src.is_empty() {
            let mut out: Vec<String> = Vec::new();
            for t in src {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
            return out;
        }
    }
    Vec::new()
}
