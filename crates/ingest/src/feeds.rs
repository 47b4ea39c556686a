//! Feeds (RSS, Atom, JSON Feed via feed-rs) and sitemaps (urlset, sitemap index, Google News
//! tags) turned into lists of article URLs with whatever dates they state.

use chrono::{DateTime, FixedOffset, Utc};
use quick_xml::events::Event;
use url::Url;

use crate::canon::canonicalize_str;

/// Most entries taken from one feed or sitemap (the protocol allows 50,000 per sitemap).
pub const MAX_ENTRIES: usize = 50_000;

/// One article URL announced by a feed or sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announced {
    pub url: Url,
    pub title: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub modified: Option<DateTime<Utc>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("not a feed: {0}")]
    Feed(String),
    #[error("not a sitemap: {0}")]
    Sitemap(String),
}

/// Article links of a feed, canonicalised, relative links resolved against `base`.
pub fn parse_feed(bytes: &[u8], base: Option<&Url>) -> Result<Vec<Announced>, ParseError> {
    let feed = feed_rs::parser::parse(bytes).map_err(|e| ParseError::Feed(e.to_string()))?;
    let mut out = Vec::new();
    for entry in feed.entries.into_iter().take(MAX_ENTRIES) {
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or_else(|| entry.links.first())
            .map(|l| l.href.clone())
            // RSS <guid isPermaLink> often is the only link.
            .or_else(|| Some(entry.id.clone()).filter(|id| id.starts_with("http")));
        let Some(url) = link.and_then(|l| canonicalize_str(&l, base)) else {
            continue;
        };
        out.push(Announced {
            url,
            title: entry.title.map(|t| t.content),
            published: entry.published,
            modified: entry.updated,
        });
    }
    Ok(out)
}

/// A parsed sitemap: article URLs (urlset) and child sitemaps (sitemap index).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sitemap {
    pub urls: Vec<Announced>,
    pub sitemaps: Vec<Url>,
}

fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::<FixedOffset>::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|n| n.and_utc());
    }
    // W3C datetime without seconds: 2025-04-02T21:32+05:00
    if let Ok(d) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M%:z") {
        return Some(d.with_timezone(&Utc));
    }
    None
}

/// Parse a sitemap or sitemap index (`<urlset>` / `<sitemapindex>`), with Google News
/// `<news:publication_date>` and `<news:title>`.
pub fn parse_sitemap(bytes: &[u8], base: Option<&Url>) -> Result<Sitemap, ParseError> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    // No trimming per event: text is split around entity references and trimmed whole.
    reader.config_mut().trim_text(false);
    let mut buf = Vec::new();
    let mut out = Sitemap::default();
    let mut path: Vec<Vec<u8>> = Vec::new();
    let mut text = String::new();
    let mut root_seen = false;
    // The entry being read.
    let mut loc: Option<String> = None;
    let mut lastmod: Option<String> = None;
    let mut news_date: Option<String> = None;
    let mut news_title: Option<String> = None;
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| ParseError::Sitemap(e.to_string()))?;
        match ev {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_vec();
                if !root_seen {
                    if name != b"urlset" && name != b"sitemapindex" {
                        return Err(ParseError::Sitemap(format!(
                            "root element is <{}>",
                            String::from_utf8_lossy(&name)
                        )));
                    }
                    root_seen = true;
                }
                if name == b"url" || name == b"sitemap" {
                    loc = None;
                    lastmod = None;
                    news_date = None;
                    news_title = None;
                }
                if path.len() > 16 {
                    return Err(ParseError::Sitemap("nested too deeply".into()));
                }
                path.push(name);
                text.clear();
            }
            Event::Text(t) => {
                if let Ok(s) = t.decode() {
                    text.push_str(&s);
                }
            }
            Event::CData(t) => {
                text.push_str(&String::from_utf8_lossy(&t));
            }
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else {
                    let name: &[u8] = &r;
                    match name {
                        b"amp" => text.push('&'),
                        b"lt" => text.push('<'),
                        b"gt" => text.push('>'),
                        b"quot" => text.push('"'),
                        b"apos" => text.push('\''),
                        _ => {}
                    }
                }
            }
            Event::End(_) => {
                let Some(name) = path.pop() else { break };
                let parent = path.last().map(|p| p.as_slice());
                match (name.as_slice(), parent) {
                    (b"loc", Some(b"url")) | (b"loc", Some(b"sitemap")) => {
                        loc = Some(text.trim().to_owned())
                    }
                    (b"lastmod", _) => lastmod = Some(text.trim().to_owned()),
                    (b"publication_date", _) => news_date = Some(text.trim().to_owned()),
                    (b"title", Some(b"news")) => news_title = Some(text.trim().to_owned()),
                    (b"url", _) if out.urls.len() < MAX_ENTRIES => {
                        if let Some(url) = loc.take().and_then(|l| canonicalize_str(&l, base)) {
                            out.urls.push(Announced {
                                url,
                                title: news_title.take(),
                                published: news_date.as_deref().and_then(parse_date),
                                modified: lastmod.as_deref().and_then(parse_date),
                            });
                        }
                    }
                    (b"sitemap", _) if out.sitemaps.len() < MAX_ENTRIES => {
                        if let Some(url) = loc.take().and_then(|l| canonicalize_str(&l, base)) {
                            out.sitemaps.push(url);
                        }
                    }
                    _ => {}
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !root_seen {
        return Err(ParseError::Sitemap("no <urlset> or <sitemapindex>".into()));
    }
    Ok(out)
}

/// Whether the bytes look like a sitemap rather than a feed (cheap sniff on the root).
pub fn looks_like_sitemap(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(bytes.get(..2048).unwrap_or(bytes)).to_ascii_lowercase();
    head.contains("<urlset") || head.contains("<sitemapindex")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_sitemap_with_index_entities_and_dates() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
 <url><loc>https://n.example/a?id=1&amp;utm_source=x</loc>
  <news:news><news:publication><news:name>N</news:name><news:language>ru</news:language></news:publication>
   <news:publication_date>2025-04-02T21:32:00+05:00</news:publication_date>
   <news:title>Заголовок &amp; ещё</news:title></news:news></url>
 <url><loc>https://n.example/b</loc><lastmod>2025-04-01</lastmod></url>
</urlset>"#;
        let sm = parse_sitemap(xml.as_bytes(), None).expect("parses");
        assert_eq!(sm.urls.len(), 2);
        let first = &sm.urls[0];
        assert_eq!(first.url.as_str(), "https://n.example/a?id=1");
        assert_eq!(first.title.as_deref(), Some("Заголовок & ещё"));
        assert_eq!(
            first.published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2025-04-02T16:32:00+00:00")
        );
        assert!(sm.urls[1].modified.is_some());
        let idx = br#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://n.example/s1.xml</loc></sitemap></sitemapindex>"#;
        let sm = parse_sitemap(idx, None).expect("parses");
        assert_eq!(sm.sitemaps.len(), 1);
        assert!(sm.urls.is_empty());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse_sitemap(b"<html><body>no</body></html>", None).is_err());
        assert!(parse_sitemap(b"", None).is_err());
        // A truncated entry yields no URL (an error or an empty list), never a panic.
        let truncated = parse_sitemap(b"<urlset><url><loc>https://n.example/x", None);
        assert_eq!(truncated.map(|s| s.urls.len()).unwrap_or(0), 0);
        assert!(parse_feed(b"not xml at all", None).is_err());
    }

    #[test]
    fn rss_items_become_canonical_urls() {
        let rss = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>Один</title><link>https://n.example/1?utm_medium=rss</link><pubDate>Wed, 02 Apr 2025 16:32:00 GMT</pubDate></item>
<item><title>Два</title><link>/2</link></item></channel></rss>"#;
        let base = Url::parse("https://n.example/rss").ok();
        let items = parse_feed(rss.as_bytes(), base.as_ref()).expect("parses");
        let urls: Vec<_> = items.iter().map(|i| i.url.as_str()).collect();
        assert_eq!(urls, vec!["https://n.example/1", "https://n.example/2"]);
        assert!(items[0].published.is_some());
    }
}
