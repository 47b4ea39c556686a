//! A small, forgiving scanner for the few HTML tags discovery and crawling need
//! (`<a href>`, `<link rel href type>`), without building a DOM.

use url::Url;

use crate::canon::canonicalize_str;

/// At most this many tags are looked at per page.
const MAX_TAGS: usize = 20_000;

/// One `<a>` or `<link>` tag with its attributes (names lower-cased, entities in values
/// decoded for `&amp;`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn decode_entities(v: &str) -> String {
    v.replace("&amp;", "&")
        .replace("&#38;", "&")
        .replace("&quot;", "\"")
}

/// `<a>`, `<link>` and `<base>` tags of a page, in order.
pub fn scan_tags(html: &[u8]) -> Vec<Tag> {
    let text = String::from_utf8_lossy(html);
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() && out.len() < MAX_TAGS {
        let Some(off) = memchr_lt(bytes, i) else {
            break;
        };
        i = off + 1;
        // Skip comments whole.
        if bytes.get(i..i + 3) == Some(b"!--") {
            i = find(bytes, i + 3, b"-->")
                .map(|p| p + 3)
                .unwrap_or(bytes.len());
            continue;
        }
        let name_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let name = text.get(name_start..i).unwrap_or("").to_ascii_lowercase();
        if name != "a" && name != "link" && name != "base" {
            continue;
        }
        let mut attrs = Vec::new();
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                break;
            }
            let k0 = i;
            while i < bytes.len()
                && !bytes[i].is_ascii_whitespace()
                && !matches!(bytes[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            let key = text.get(k0..i).unwrap_or("").to_ascii_lowercase();
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if i < bytes.len() && bytes[i] == b'=' {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                    let q = bytes[i];
                    let v0 = i + 1;
                    let end = bytes
                        .get(v0..)
                        .and_then(|rest| rest.iter().position(|b| *b == q))
                        .map(|p| v0 + p)
                        .unwrap_or(bytes.len());
                    value = text.get(v0..end).unwrap_or("").to_owned();
                    i = end + 1;
                } else {
                    let v0 = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = text.get(v0..i).unwrap_or("").to_owned();
                }
            }
            if key.is_empty() {
                i += 1;
                continue;
            }
            if attrs.len() < 32 {
                attrs.push((key, decode_entities(&value)));
            }
        }
        out.push(Tag { name, attrs });
    }
    out
}

fn memchr_lt(bytes: &[u8], from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|b| *b == b'<')
        .map(|p| from + p)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn effective_base(tags: &[Tag], page: &Url) -> Url {
    tags.iter()
        .find(|t| t.name == "base")
        .and_then(|t| t.attr("href"))
        .and_then(|h| page.join(h).ok())
        .unwrap_or_else(|| page.clone())
}

/// Feeds a page announces with `<link rel="alternate" type="application/rss+xml|atom+xml">`.
pub fn feed_links(html: &[u8], page: &Url) -> Vec<Url> {
    let tags = scan_tags(html);
    let base = effective_base(&tags, page);
    let mut out: Vec<Url> = Vec::new();
    for t in tags.iter().filter(|t| t.name == "link") {
        let rel = t.attr("rel").unwrap_or("").to_ascii_lowercase();
        let ty = t.attr("type").unwrap_or("").to_ascii_lowercase();
        if !rel.split_whitespace().any(|r| r == "alternate") {
            continue;
        }
        if !(ty.contains("rss") || ty.contains("atom") || ty.contains("feed+json")) {
            continue;
        }
        if let Some(u) = t
            .attr("href")
            .and_then(|h| canonicalize_str(h, Some(&base)))
        {
            if !out.contains(&u) {
                out.push(u);
            }
        }
    }
    out
}

/// Links on a page to the same host, canonicalised, in page order, without duplicates.
pub fn same_site_links(html: &[u8], page: &Url) -> Vec<Url> {
    let tags = scan_tags(html);
    let base = effective_base(&tags, page);
    let mut out: Vec<Url> = Vec::new();
    for t in tags.iter().filter(|t| t.name == "a") {
        let Some(u) = t
            .attr("href")
            .and_then(|h| canonicalize_str(h, Some(&base)))
        else {
            continue;
        };
        if u.host_str() != page.host_str()
            || u.port_or_known_default() != page.port_or_known_default()
        {
            continue;
        }
        if !out.contains(&u) {
            out.push(u);
        }
    }
    out
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
    fn truncated_markup_does_not_panic() {
        for s in [
            &b"<a href='x"[..],
            b"<a",
            b"<",
            b"<a href=",
            b"<!--",
            b"<link rel=alternate type=application/rss+xml href",
        ] {
            let _ = scan_tags(s);
        }
    }
}
