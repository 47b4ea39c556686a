//! Finding a site's feeds and sitemaps from its home page and robots.txt.

use url::Url;

use crate::feeds::{looks_like_sitemap, parse_feed, parse_sitemap};
use crate::fetch::Fetcher;
use crate::html::feed_links;
use crate::FetchError;

/// Where feeds usually live when a page does not announce them.
const FEED_PATHS: &[&str] = &[
    "/rss",
    "/feed",
    "/rss.xml",
    "/feed.xml",
    "/atom.xml",
    "/index.xml",
];
const SITEMAP_PATHS: &[&str] = &[
    "/sitemap.xml",
    "/sitemap_index.xml",
    "/news-sitemap.xml",
    "/sitemap-news.xml",
];
const PROBE_LIMIT: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discovered {
    pub feeds: Vec<Url>,
    pub sitemaps: Vec<Url>,
}

async fn probe_ok(fetcher: &Fetcher, url: &Url, sitemap: bool) -> bool {
    match fetcher.fetch_limited(url, None, PROBE_LIMIT).await {
        Ok(r) if r.is_success() => {
            if sitemap {
                looks_like_sitemap(&r.body) && parse_sitemap(&r.body, Some(&r.final_url)).is_ok()
            } else {
                parse_feed(&r.body, Some(&r.final_url)).is_ok()
            }
        }
        _ => false,
    }
}

/// Feeds announced by the home page (or found at common paths), sitemaps named in
/// robots.txt (or found at common paths).
pub async fn discover(fetcher: &Fetcher, home: &Url) -> Result<Discovered, FetchError> {
    let mut found = Discovered::default();
    let page = fetcher.fetch(home, None).await?;
    if page.is_success() {
        found.feeds = feed_links(&page.body, &page.final_url);
    }
    let robots = fetcher.robots(home).await;
    for s in &robots.sitemaps {
        if let Ok(u) = home.join(s) {
            if !found.sitemaps.contains(&u) {
                found.sitemaps.push(u);
            }
        }
    }
    if found.feeds.is_empty() {
        for p in FEED_PATHS {
            let Ok(u) = home.join(p) else { continue };
            if probe_ok(fetcher, &u, false).await {
                found.feeds.push(u);
                break;
            }
        }
    }
    if found.sitemaps.is_empty() {
        for p in SITEMAP_PATHS {
            let Ok(u) = home.join(p) else { continue };
            if probe_ok(fetcher, &u, true).await {
                found.sitemaps.push(u);
                break;
            }
        }
    }
    Ok(found)
}
