//! The lead image: what the page declares (`og:image`, else JSON-LD `image`) or, when it
//! declares nothing, the first picture of the article; with caption, credit and pixel size.
//!
//! Declarations carry no caption on most pages, while the picture printed at the top of
//! the article usually has one in its `<figure>`: when the declared image is that picture
//! (same file), the figure supplies what the declaration lacks.

use crate::body::{BodyChoice, Stats};
use crate::dom::{Dom, NodeId, Tag, NONE};
use crate::meta::{parse_pixels, ImageMeta, PageMeta};
use crate::resolve_url;
use khronika_model::Image;
use url::Url;

/// Longest caption or credit kept; beyond it the "caption" is article text.
const MAX_CAPTION_CHARS: usize = 500;
const MAX_CREDIT_CHARS: usize = 120;

/// Words that open a credit inside a caption ("Фото: ТАСС", "Photo: Reuters", "© AP").
const CREDIT_MARKERS: &[&str] = &[
    "фото:",
    "фото -",
    "фото —",
    "фото ",
    "источник фото:",
    "источник:",
    "photo:",
    "photo by",
    "image:",
    "credit:",
    "©",
];

/// The lead image of the page, if any.
pub fn lead_image(
    dom: &Dom,
    st: &[Stats],
    m: &PageMeta,
    choice: &BodyChoice,
    headline: Option<NodeId>,
    base: Option<&Url>,
) -> Option<Image> {
    let figure = first_picture(dom, st, choice, headline, base);
    let jsonld: Vec<(Url, &ImageMeta)> = m
        .jsonld
        .as_ref()
        .map(|j| {
            j.images
                .iter()
                .filter_map(|i| resolve_url(base, &i.url).map(|u| (u, i)))
                .collect()
        })
        .unwrap_or_default();
    let declared = match m
        .og_image
        .as_deref()
        .and_then(|s| resolve_url(base, s))
        .filter(|u| !is_logo(u))
    {
        Some(url) => {
            let mut img = Image::new(url);
            img.width = m.og_image_width.as_deref().and_then(parse_pixels);
            img.height = m.og_image_height.as_deref().and_then(parse_pixels);
            whole_size(&mut img);
            Some(img)
        }
        None => jsonld
            .iter()
            .find(|(u, _)| !is_logo(u))
            .map(|(u, _)| Image::new(u.clone())),
    };
    let Some(mut img) = declared else {
        return figure;
    };
    // The same image described in JSON-LD, then printed in the article: each fills gaps.
    for (u, meta) in &jsonld {
        if same_image(u, &img.url) {
            fill(
                &mut img,
                &Image {
                    url: u.clone(),
                    caption: meta.caption.clone(),
                    credit: meta.credit.clone(),
                    width: meta.width,
                    height: meta.height,
                },
            );
            whole_size(&mut img);
        }
    }
    if let Some(f) = figure.filter(|f| same_image(&f.url, &img.url)) {
        fill(&mut img, &f);
    }
    img.caption = img
        .caption
        .filter(|c| c.chars().count() <= MAX_CAPTION_CHARS);
    img.credit = img.credit.filter(|c| c.chars().count() <= MAX_CREDIT_CHARS);
    Some(img)
}

/// A width without a height (or the reverse) cannot reserve the space: neither is kept.
fn whole_size(img: &mut Image) {
    if img.width.is_none() || img.height.is_none() {
        img.width = None;
        img.height = None;
    }
}

/// The site's logo standing in for a missing picture: a sharing fallback many sites and
/// CMS themes declare on every page without an image of its own ("logo.png",
/// "og-logo.jpg", "default-logo.svg"; in the pages-ru set tass.ru's share logo). It is not
/// the article's image, so the article's own picture (if any) is looked for instead.
fn is_logo(u: &Url) -> bool {
    u.path_segments()
        .and_then(|mut s| s.next_back())
        .is_some_and(|f| f.to_ascii_lowercase().contains("logo"))
}

fn fill(img: &mut Image, from: &Image) {
    if img.caption.is_none() {
        img.caption.clone_from(&from.caption);
    }
    if img.credit.is_none() {
        img.credit.clone_from(&from.credit);
    }
    // A size belongs to one rendition: take both from the same source or neither.
    if img.width.is_none() && img.height.is_none() {
        img.width = from.width;
        img.height = from.height;
    }
}

/// Whether two addresses name the same picture: equal up to the query (resizing and cache
/// parameters), or the same file name in the same site (CDN renditions under other paths).
fn same_image(a: &Url, b: &Url) -> bool {
    if a.host_str() == b.host_str() && a.path() == b.path() {
        return true;
    }
    let file = |u: &Url| {
        u.path_segments()
            .and_then(|mut s| s.next_back())
            .filter(|f| f.len() >= 8 && f.contains('.'))
            .map(str::to_ascii_lowercase)
    };
    let site = |u: &Url| {
        let h = u.host_str().unwrap_or("");
        let parts: Vec<&str> = h.rsplit('.').take(2).collect();
        parts.join(".")
    };
    file(a).is_some() && file(a) == file(b) && site(a) == site(b)
}

/// The first picture between the headline and the end of the body, with its figure's
/// caption and credit and its stated size. Pictures in links lists, asides and skipped
/// markup (scripts, navigation) are not the article's.
fn first_picture(
    dom: &Dom,
    st: &[Stats],
    choice: &BodyChoice,
    headline: Option<NodeId>,
    base: Option<&Url>,
) -> Option<Image> {
    let first_root = *choice.roots.first()?;
    let end = choice
        .roots
        .iter()
        .map(|&r| dom.subtree_end(r))
        .max()
        .unwrap_or(first_root);
    // A lead picture often sits between the headline and the text container.
    let start = headline.filter(|&h| h < first_root).unwrap_or(first_root);
    let mut i = start;
    while i < end {
        let n = dom.node(i);
        let s = st.get(i as usize).copied().unwrap_or_default();
        if s.skip || s.in_chrome || matches!(n.tag, Tag::Aside | Tag::Li | Tag::Nav) {
            i = dom.subtree_end(i).max(i + 1);
            continue;
        }
        if n.tag == Tag::Img {
            if let Some(url) = img_src(dom, i, base).filter(|u| !is_logo(u)) {
                let mut img = Image::new(url);
                img.width = dom.attr(i, "width").and_then(parse_pixels);
                img.height = dom.attr(i, "height").and_then(parse_pixels);
                whole_size(&mut img);
                if let Some(fig) = enclosing_figure(dom, i) {
                    let (caption, credit) = figure_caption(dom, fig);
                    img.caption = caption;
                    img.credit = credit;
                }
                return Some(img);
            }
        }
        i += 1;
    }
    None
}

/// The address of an `<img>`: `src`, else the lazy-loading attributes pages use for it.
fn img_src(dom: &Dom, id: NodeId, base: Option<&Url>) -> Option<Url> {
    ["src", "data-src", "data-lazy-src", "data-original"]
        .iter()
        .filter_map(|a| dom.attr(id, a))
        .find_map(|s| resolve_url(base, s))
        .or_else(|| {
            let set = dom.attr(id, "srcset")?;
            let first = set.split(',').next()?.split_whitespace().next()?;
            resolve_url(base, first)
        })
}

fn enclosing_figure(dom: &Dom, id: NodeId) -> Option<NodeId> {
    let mut cur = dom.node(id).parent;
    for _ in 0..4 {
        if cur == NONE {
            return None;
        }
        if dom.node(cur).tag == Tag::Figure {
            return Some(cur);
        }
        cur = dom.node(cur).parent;
    }
    None
}

/// A figure's caption and credit: the credit is an element named as one (class or
/// itemprop `credit`, `copyright`, `author`, `source`) or a caption tail opened by a credit
/// marker ("Фото: …", "©").
fn figure_caption(dom: &Dom, fig: NodeId) -> (Option<String>, Option<String>) {
    let end = dom.subtree_end(fig);
    let Some(cap) = (fig + 1..end).find(|&c| dom.node(c).tag == Tag::Figcaption) else {
        return (None, None);
    };
    let cap_end = dom.subtree_end(cap);
    let mut credit = None;
    let mut credit_text = String::new();
    for c in cap + 1..cap_end {
        let named = ["class", "itemprop"].iter().any(|a| {
            dom.attr(c, a).is_some_and(|v| {
                let v = v.to_ascii_lowercase();
                ["credit", "copyright", "author", "source", "photographer"]
                    .iter()
                    .any(|w| v.contains(w))
            })
        });
        if named && dom.node(c).tag != Tag::Text {
            credit_text = dom.text_of(c);
            credit = Some(strip_marker(&credit_text).to_string());
            break;
        }
    }
    let mut caption = dom.text_of(cap);
    if !credit_text.is_empty() {
        caption = caption.replacen(&credit_text, "", 1);
    } else if let Some((at, len)) = marker_at(&caption) {
        let tail = caption.get(at + len..).unwrap_or("").trim().to_string();
        if !tail.is_empty() {
            credit = Some(tail);
        }
        caption.truncate(at);
    }
    let tidy = |s: &str| {
        let t = s.trim().trim_end_matches(['.', ',', ';', '|', '/']).trim();
        (!t.is_empty()).then(|| t.to_string())
    };
    (
        tidy(&caption),
        credit
            .as_deref()
            .and_then(|c| tidy(c.trim_end_matches('.'))),
    )
}

/// Where a credit marker opens in `text` (at its start or after a separator), and its
/// length. Case-insensitive on the lowercased copy only when lengths agree.
fn marker_at(text: &str) -> Option<(usize, usize)> {
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        return None;
    }
    CREDIT_MARKERS
        .iter()
        .filter_map(|m| {
            let at = lower.find(m)?;
            let before = lower.get(..at)?.trim_end();
            // "…на фото " inside a sentence is not a credit: it must start the caption or
            // follow a sentence end or separator.
            let starts_part = before.is_empty()
                || before.ends_with(['.', '|', '/', '(', ',', ';', '—', '-'])
                || *m == "©";
            starts_part.then_some((at, m.len()))
        })
        .min_by_key(|&(at, _)| at)
}

fn strip_marker(s: &str) -> &str {
    let t = s.trim();
    match marker_at(t) {
        Some((0, len)) => t.get(len..).unwrap_or(t).trim(),
        _ => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).expect("test url")
    }

    #[test]
    fn same_image_ignores_query_and_cdn_paths() {
        assert!(same_image(
            &u("https://x.kz/i/photo-2025.jpg?w=800"),
            &u("https://x.kz/i/photo-2025.jpg")
        ));
        assert!(same_image(
            &u("https://cdn.x.kz/1200/photo-2025.jpg"),
            &u("https://x.kz/uploads/photo-2025.jpg")
        ));
        assert!(!same_image(
            &u("https://x.kz/i/photo-2025.jpg"),
            &u("https://y.ru/i/photo-2025.jpg")
        ));
        assert!(!same_image(
            &u("https://x.kz/a.jpg"),
            &u("https://x.kz/b/a.jpg")
        ));
    }

    #[test]
    fn logos_are_not_article_pictures() {
        assert!(is_logo(&u(
            "https://x.ru/img/blocks/common/x_logo_share_ru.png"
        )));
        assert!(is_logo(&u("https://x.kz/static/OG-Logo.jpg")));
        assert!(!is_logo(&u("https://x.kz/logos/2025/most.jpg")));
    }

    #[test]
    fn credit_markers_split_only_at_part_starts() {
        assert_eq!(marker_at("Фото: ТАСС"), Some((0, "фото:".len())));
        let s = "Мост через Есентай. Фото: Иван Петров";
        let (at, _) = marker_at(s).expect("marker after a sentence end");
        assert_eq!(&s[..at], "Мост через Есентай. ");
        assert_eq!(marker_at("На фото видно мост"), None);
    }
}
