//! The links a crawler follows and the feeds a page announces (`<a href>`, `<link rel
//! href type>`, `<base href>`), read with the same HTML reader the extractor uses
//! (`khronika-html`), so that comments, `<script>`/`<style>` contents, character references and
//! malformed markup are handled one way everywhere.

use std::collections::HashSet;

use khronika_html::dom::{self, Dom, NodeId, Tag};
use url::Url;

use crate::canon::canonicalize_str;

/// At most this many links are taken from one page: a page listing more is a sitemap in
/// disguise or hostile, and the crawler's frontier has its own bounds anyway.
const MAX_LINKS: usize = 20_000;

/// The page's elements of one tag, with their ids, in document order.
fn elements<'d>(page: &'d Dom<'_>, tag: Tag) -> impl Iterator<Item = NodeId> + 'd {
    page.nodes
        .iter()
        .enumerate()
        .filter(move |(_, n)| n.tag == tag)
        .map(|(i, _)| i as NodeId)
}

/// `<base href>` resolved against the page URL, or the page URL itself.
fn effective_base(page: &Dom<'_>, url: &Url) -> Url {
    elements(page, Tag::Base)
        .find_map(|id| page.attr(id, "href"))
        .and_then(|h| url.join(h.trim()).ok())
        .unwrap_or_else(|| url.clone())
}

/// Canonical absolute URLs of `attr` on every `tag` element that passes `keep`, in page
/// order, without duplicates.
fn collect(
    html: &[u8],
    url: &Url,
    tag: Tag,
    keep: impl Fn(&Dom<'_>, NodeId, &Url) -> bool,
) -> Vec<Url> {
    // Links are ASCII in practice (or percent-encoded): a lossy decode loses nothing the URL
    // parser would keep, and avoids charset sniffing on a hot crawl path.
    let text = String::from_utf8_lossy(html);
    let page = dom::parse(&text);
    let base = effective_base(&page, url);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for id in elements(&page, tag) {
        if out.len() >= MAX_LINKS {
            break;
        }
        let Some(u) = page
            .attr(id, "href")
            .map(str::trim)
            // An empty href points back at the page itself: never a link to follow.
            .filter(|h| !h.is_empty())
            .and_then(|h| canonicalize_str(h, Some(&base)))
        else {
            continue;
        };
        if keep(&page, id, &u) && seen.insert(u.clone()) {
            out.push(u);
        }
    }
    out
}

/// Feeds a page announces with `<link rel="alternate" type="application/rss+xml|atom+xml">`.
pub fn feed_links(html: &[u8], page: &Url) -> Vec<Url> {
    collect(html, page, Tag::Link, |d, id, _| {
        let rel = d.attr(id, "rel").unwrap_or("").to_ascii_lowercase();
        let ty = d.attr(id, "type").unwrap_or("").to_ascii_lowercase();
        rel.split_whitespace().any(|r| r == "alternate")
            && (ty.contains("rss") || ty.contains("atom") || ty.contains("feed+json"))
    })
}

/// Links on a page to the same host, canonicalised, in page order, without duplicates.
pub fn same_site_links(html: &[u8], page: &Url) -> Vec<Url> {
    collect(html, page, Tag::A, |_, _, u| {
        u.host_str() == page.host_str() && u.port_or_known_default() == page.port_or_known_default()
    })
}

/// Heuristic: does a URL look like an article (not a section, tag page, asset or login)?
pub fn looks_like_article(url: &Url) -> bool {
    let path = url.path().to_ascii_lowercase();
    const ASSETS: &[&str] = &[
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".css", ".js", ".pdf", ".zip", ".mp3",
        ".mp4", ".xml", ".rss", ".ico", ".woff", ".woff2",
    ];
    if ASSETS.iter().any(|ext| path.ends_with(ext)) {
        return false;
    }
    const NOT_ARTICLES: &[&str] = &[
        "/tag/",
        "/tags/",
        "/search",
        "/login",
        "/register",
        "/author/",
        "/page/",
        "/rss",
        "/feed",
        "/wp-admin",
        "/cdn-cgi/",
    ];
    if NOT_ARTICLES.iter().any(|p| path.contains(p)) {
        return false;
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let Some(last) = segments.last() else {
        return false;
    };
    let has_digits = last.chars().filter(|c| c.is_ascii_digit()).count() >= 3
        || segments
            .iter()
            .any(|s| s.len() == 4 && s.chars().all(|c| c.is_ascii_digit()));
    let sluggy =
        last.matches('-').count() >= 2 || last.ends_with(".html") || last.ends_with(".htm");
    segments.len() >= 2 && (has_digits || sluggy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_feed_links_and_same_site_links() {
        let html = br#"<html><head><base href="/news/">
<link rel="alternate" type="application/rss+xml" href="/rss.xml?utm_source=x">
<link rel=stylesheet href=/s.css>
<LINK REL='alternate' TYPE='application/atom+xml' HREF='atom.xml'>
</head><body><!-- <a href="/hidden/1"> -->
<a href="2025/04/02/item-one?utm_medium=a#c">1</a><a href="https://other.example/x">x</a>
<a href="/news/2025/04/02/item-one">dup</a><a href=mailto:me@x>m</a></body></html>"#;
        let page = Url::parse("https://n.example/index.html").expect("url");
        let feeds: Vec<String> = feed_links(html, &page)
            .iter()
            .map(|u| u.to_string())
            .collect();
        assert_eq!(
            feeds,
            vec![
                "https://n.example/rss.xml",
                "https://n.example/news/atom.xml"
            ]
        );
        let links: Vec<String> = same_site_links(html, &page)
            .iter()
            .map(|u| u.to_string())
            .collect();
        assert_eq!(links, vec!["https://n.example/news/2025/04/02/item-one"]);
    }

    #[test]
    fn article_heuristic() {
        let yes = [
            "https://n.example/news/2025/04/02/x",
            "https://n.example/politics/some-long-slug-here",
            "https://n.example/a/123456.html",
        ];
        let no = [
            "https://n.example/",
            "https://n.example/news/",
            "https://n.example/tag/politics",
            "https://n.example/img/1234.jpg",
        ];
        for u in yes {
            assert!(looks_like_article(&Url::parse(u).expect("url")), "{u}");
        }
        for u in no {
            assert!(!looks_like_article(&Url::parse(u).expect("url")), "{u}");
        }
    }

    #[test]
    fn scripts_entities_and_truncated_markup() {
        let page = Url::parse("https://n.example/").expect("url");
        let html = br#"<script>var s = '<a href="/in-script/1">';</script>
<a href="/a?x=1&amp;y=2&quot;">1</a><a href="/b&#x2F;c">2</a><a href="/a?x=1&y=2%22">dup</a>"#;
        let links: Vec<String> = same_site_links(html, &page)
            .iter()
            .map(|u| u.to_string())
            .collect();
        assert_eq!(
            links,
            vec!["https://n.example/a?x=1&y=2%22", "https://n.example/b/c"],
            "script text is not markup, every reference is decoded, duplicates go"
        );
        for s in [
            &b"<a href='x"[..],
            b"<a",
            b"<",
            b"<a href=",
            b"<!--",
            b"<link rel=alternate type=application/rss+xml href",
        ] {
            assert!(same_site_links(s, &page).len() <= 1);
            assert!(feed_links(s, &page).is_empty());
        }
    }
}
