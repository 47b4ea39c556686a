//! The seven targets: which public entry point each input goes through, the tokens its
//! format is made of, and the invariants checked on what comes back (a broken invariant
//! panics, so the harness records it like any other crash).

use std::io::{Cursor, Write};
use std::sync::Arc;

use anyhow::{Context, Result};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use khronika_dates::{Prefer, Reference};
use khronika_extract::ExtractOptions;
use khronika_index::{IndexDoc, SearchIndex, SearchQuery, SortBy};
use khronika_ingest::warc::{open_maybe_gzip, WarcReader};
use url::Url;

use crate::mutate::{Dictionary, Rng};

/// What one case gave: the input was read into something, or refused with an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Accepted,
    Refused,
}

/// One target's state between cases (an open store, an index) and its case function.
pub trait Runner {
    fn run(&mut self, input: &[u8]) -> Outcome;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Html,
    Feed,
    Sitemap,
    Warc,
    Import,
    Dates,
    Query,
}

impl Target {
    pub const ALL: [Target; 7] = [
        Target::Html,
        Target::Feed,
        Target::Sitemap,
        Target::Warc,
        Target::Import,
        Target::Dates,
        Target::Query,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Target::Html => "html",
            Target::Feed => "feed",
            Target::Sitemap => "sitemap",
            Target::Warc => "warc",
            Target::Import => "import",
            Target::Dates => "dates",
            Target::Query => "query",
        }
    }

    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    pub fn dictionary(self) -> Dictionary {
        match self {
            Target::Html => Dictionary {
                tokens: HTML_TOKENS,
                nesting: HTML_NESTING,
            },
            Target::Feed | Target::Sitemap => Dictionary {
                tokens: XML_TOKENS,
                nesting: XML_NESTING,
            },
            Target::Warc => Dictionary {
                tokens: WARC_TOKENS,
                nesting: HTML_NESTING,
            },
            Target::Import => Dictionary {
                tokens: JSON_TOKENS,
                nesting: JSON_NESTING,
            },
            Target::Dates => Dictionary {
                tokens: DATE_TOKENS,
                nesting: &[(b"(", b")"), (b"\xC2\xAB", b"\xC2\xBB")],
            },
            Target::Query => Dictionary {
                tokens: QUERY_TOKENS,
                nesting: &[(b"(", b")"), (b"\"", b"\""), (b"+(", b")")],
            },
        }
    }

    /// A last transformation of a mutated input: WARC files come gzipped as often as not,
    /// and the reader must take damaged gzip as well as damaged records.
    pub fn finish(self, rng: &mut Rng, input: Vec<u8>) -> Vec<u8> {
        if self == Target::Warc && rng.one_in(4) {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            // Writing into a Vec cannot fail; on the impossible error the plain input is used.
            if gz.write_all(&input).is_ok() {
                if let Ok(mut packed) = gz.finish() {
                    if rng.one_in(3) && !packed.is_empty() {
                        let at = 10 + rng.below(packed.len().saturating_sub(10));
                        if let Some(b) = packed.get_mut(at) {
                            *b ^= 1 << rng.below(8);
                        }
                    }
                    return packed;
                }
            }
        }
        input
    }

    pub fn runner(self) -> Result<Box<dyn Runner>> {
        Ok(match self {
            Target::Html => Box::new(Html { case: 0 }),
            Target::Feed => Box::new(Feed { case: 0 }),
            Target::Sitemap => Box::new(SitemapTarget { case: 0 }),
            Target::Warc => Box::new(Warc),
            Target::Import => Box::new(Import::new()?),
            Target::Dates => Box::new(Dates { case: 0 }),
            Target::Query => Box::new(Query::new()?),
        })
    }
}

const HTML_TOKENS: &[&[u8]] = &[
    b"<div>",
    b"</div>",
    b"<p>",
    b"</p>",
    b"<br>",
    b"<table><tr><td>",
    b"<script>",
    b"</script>",
    b"<style>",
    b"<!--",
    b"-->",
    b"]]>",
    b"<![CDATA[",
    b"<!DOCTYPE html>",
    b"<?xml version=\"1.0\"?>",
    b"<meta charset=\"koi8-r\">",
    b"<meta charset=\"utf-16\">",
    b"<meta charset=\"windows-1251\">",
    b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=x-user-defined\">",
    b"<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"author\":[[[[",
    b"<script type=\"application/ld+json\">{\"@graph\":[{\"@type\":\"BreadcrumbList\",\"itemListElement\":[{\"position\":99999999999999999999}]}]}</script>",
    b"<script type=\"application/ld+json\">{\"datePublished\":\"+275760-09-13T00:00:00Z\",\"headline\":\"\"}</script>",
    b"<meta property=\"article:published_time\" content=\"9999-99-99T99:99:99+99:99\">",
    b"<meta name=\"author\" content=\"&#x202E;\">",
    b"<div itemscope itemtype=\"http://schema.org/NewsArticle\"><span itemprop=\"author\">",
    b"&#xFFFFFFFF;",
    b"&#x110000;",
    b"&#xD800;",
    b"&#99999999999999999999;",
    b"&amp;&lt;&#0;",
    b"&nbsp;&mdash;&laquo;&raquo;",
    b"&",
    b"<h1>",
    b"</h1>",
    b"<h1 class=\"title\">",
    b"<article>",
    b"<time datetime=\"99999-99-99T99:99\">",
    b"<time>",
    "2 апреля 2025 в 21:32".as_bytes(),
    "Сегодня, 10:15".as_bytes(),
    "Обновлено: 31.03.2025 14:03".as_bytes(),
    "вчера в 9:00".as_bytes(),
    b"<a href=\"javascript:alert(1)\">",
    b"<a href=\"//[::1]:99999/\">",
    b"<img src=\"data:image/png;base64,AAAA\" width=\"99999999999\">",
    b"<link rel=\"canonical\" href=\"http://%zz/\">",
    b"<base href=\"file:///etc/\">",
    b"<svg><foreignObject><math>",
    b"<template>",
    b"<plaintext>",
    b"<textarea>",
    b"<li>",
    b"<ul>",
    b"<figure><figcaption>",
    b"<blockquote>",
    b"<noscript>",
    b"<iframe>",
    b"=\"",
    b"<",
    b">",
    b"/>",
];

const HTML_NESTING: &[(&[u8], &[u8])] = &[
    (b"<div>", b"</div>"),
    (b"<p>", b"</p>"),
    (b"<b><i>", b"</i></b>"),
    (b"<table><tr><td>", b"</td></tr></table>"),
    (b"<ul><li>", b"</li></ul>"),
    (b"<article><section>", b"</section></article>"),
    (b"<span>", b""),
    (b"<a href=x>", b"</a>"),
];

const XML_TOKENS: &[&[u8]] = &[
    b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
    b"<?xml version=\"1.0\" encoding=\"windows-1251\"?>",
    b"<rss version=\"2.0\"><channel>",
    b"</channel></rss>",
    b"<item>",
    b"</item>",
    b"<title>",
    b"</title>",
    b"<link>",
    b"</link>",
    b"<guid isPermaLink=\"true\">",
    b"<pubDate>Wed, 02 Apr 2025 21:32:00 +0500</pubDate>",
    b"<pubDate>Mon, 99 Foo 99999 99:99:99 +9999</pubDate>",
    b"<description><![CDATA[<p>",
    b"]]></description>",
    b"<feed xmlns=\"http://www.w3.org/2005/Atom\">",
    b"<entry>",
    b"</entry>",
    b"<link rel=\"alternate\" href=\"",
    b"<link href=\"../../../x\"/>",
    b"<updated>2025-04-02T21:32:00Z</updated>",
    b"<published>+275760-09-13T00:00:00Z</published>",
    b"{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"url\":\"",
    b"<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">",
    b"</urlset>",
    b"<sitemapindex>",
    b"</sitemapindex>",
    b"<sitemap><loc>",
    b"</loc></sitemap>",
    b"<url><loc>",
    b"</loc></url>",
    b"<loc>",
    b"</loc>",
    b"<lastmod>2025-04-02T21:32+05:00</lastmod>",
    b"<lastmod>9999-99-99</lastmod>",
    b"<news:news><news:publication_date>",
    b"</news:publication_date><news:title>",
    b"</news:title></news:news>",
    b"https://example.kz/news/1",
    b"http://[::1]/",
    b"//x",
    b"&amp;",
    b"&lt;",
    b"&#x110000;",
    b"&#xD800;",
    b"&undefined;",
    b"<!DOCTYPE x [<!ENTITY a \"&a;&a;\">]>",
    b"<!-- ",
    b" -->",
    b"<![CDATA[",
    b"]]>",
    b"<?pi?>",
    b"xmlns:a=\"",
    b"<a:b>",
];

const XML_NESTING: &[(&[u8], &[u8])] = &[
    (b"<item>", b"</item>"),
    (b"<url>", b"</url>"),
    (b"<x>", b"</x>"),
    (b"<news:news>", b"</news:news>"),
    (b"<entry>", b"</entry>"),
    (b"<![CDATA[", b"]]>"),
];

const WARC_TOKENS: &[&[u8]] = &[
    b"WARC/1.0\r\n",
    b"WARC/1.1\r\n",
    b"WARC-Type: response\r\n",
    b"WARC-Type: resource\r\n",
    b"WARC-Type: request\r\n",
    b"WARC-Type: revisit\r\n",
    b"WARC-Target-URI: <https://example.kz/news/1>\r\n",
    b"WARC-Date: 2025-04-02T21:32:00Z\r\n",
    b"WARC-Date: +275760-09-13T00:00:00Z\r\n",
    b"Content-Length: 0\r\n",
    b"Content-Length: 18446744073709551615\r\n",
    b"Content-Length: 33554433\r\n",
    b"Content-Length: -1\r\n",
    b"Content-Length: 10\r\n",
    b"Content-Type: application/http; msgtype=response\r\n",
    b"Content-Type: text/html; charset=utf-8\r\n",
    b"HTTP/1.1 200 OK\r\n",
    b"HTTP/1.1 999999 X\r\n",
    b"HTTP/1.0 301\r\n",
    b"Transfer-Encoding: chunked\r\n",
    b"Content-Encoding: gzip\r\n",
    b"Content-Encoding: br\r\n",
    b"Content-Encoding: deflate\r\n",
    b"ffffffffffffffff\r\n",
    b"0\r\n\r\n",
    b"5\r\nhello\r\n",
    b"\r\n\r\n",
    b"\r\n",
    b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
    b"<html><body><h1>",
];

const JSON_TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\"",
    b"\\",
    b"\\u0000",
    b"\\ud800",
    b"\\u202e",
    b"\\n",
    b"null",
    b"true",
    b"1e999",
    b"\n",
    b"\"url\":\"https://example.kz/news/1\"",
    b"\"url\":\"file:///etc/passwd\"",
    b"\"url\":\"http://[::1]:0/\"",
    b"\"url\":\"https://\xD0\xBF\xD1\x80\xD0\xB8.\xD0\xBA\xD0\xB7/\"",
    b"\"title\":\"",
    b"\"text\":\"",
    b"\"lead\":\"",
    b"\"source\":\"",
    b"\"source\":\"   \"",
    b"\"section\":\"",
    b"\"authors\":[\"",
    b"\"tags\":[\"",
    b"\"tags\":{}",
    b"\"published\":\"2025-04-02T21:32:00+05:00\"",
    b"\"published\":\"+275760-09-13T00:00:00Z\"",
    b"\"published\":\"9999-12-31\"",
    b"\"published\":\"0000-01-01\"",
    b"\"published\":12",
    b"{\"url\":\"https://example.kz/a\",\"title\":\"A\",\"text\":\"B\"}\n",
];

const JSON_NESTING: &[(&[u8], &[u8])] = &[(b"[", b"]"), (b"{\"a\":", b"}"), (b"\"", b"\"")];

const DATE_TOKENS: &[&[u8]] = &[
    "2 апреля 2025 в 21:32".as_bytes(),
    "15-16 июня".as_bytes(),
    "с 15 по 16 июня 2024 г.".as_bytes(),
    "31.03.2025 14:03".as_bytes(),
    "Сегодня, 10:15".as_bytes(),
    "вчера в 9:00".as_bytes(),
    "позавчера".as_bytes(),
    "2 часа назад".as_bytes(),
    "через 99999999999 лет".as_bytes(),
    "999999999 дней назад".as_bytes(),
    "в 25:61".as_bytes(),
    "29 февраля".as_bytes(),
    "31 апреля".as_bytes(),
    "во вторник".as_bytes(),
    "в следующую пятницу".as_bytes(),
    "в прошлом месяце".as_bytes(),
    "в конце года".as_bytes(),
    "в XXI веке".as_bytes(),
    "1990-е годы".as_bytes(),
    "в 2025 году".as_bytes(),
    "9999 год".as_bytes(),
    "0 год".as_bytes(),
    "I квартал".as_bytes(),
    "в полночь".as_bytes(),
    "утром".as_bytes(),
    "по московскому времени".as_bytes(),
    "(UTC+99:99)".as_bytes(),
    "GMT+14".as_bytes(),
    "до".as_bytes(),
    "после".as_bytes(),
    "—".as_bytes(),
    "-".as_bytes(),
    ".".as_bytes(),
    ":".as_bytes(),
    " ".as_bytes(),
    "2025-04-02T21:32:00+05:00".as_bytes(),
    "1 января 1 г.".as_bytes(),
    "31 декабря 9999 года в 23:59".as_bytes(),
];

const QUERY_TOKENS: &[&[u8]] = &[
    b"\"",
    b"(",
    b")",
    b"+",
    b"-",
    b"*",
    b"?",
    b"~",
    b"~99999999",
    b"^",
    b"^1e308",
    b":",
    b"\\",
    b"[",
    b"]",
    b"{",
    b"}",
    b" TO ",
    b" AND ",
    b" OR ",
    b" NOT ",
    b"title:",
    b"body:",
    b"source:",
    b"id:",
    b"time:[2025-01-01T00:00:00Z TO *]",
    b"IN [",
    b"/regex.*/",
    "саммит".as_bytes(),
    "Саммита".as_bytes(),
    "ёлка".as_bytes(),
    "Казахстан".as_bytes(),
    "МИД".as_bytes(),
    "мир".as_bytes(),
];

/// Fetch times at the edges of what reaches extraction: a WARC file's `WARC-Date` (RFC
/// 3339, four-digit years) becomes a page's fetch time, so the reference is outside input
/// too; and two ordinary ones.
fn reference_time(pick: u64) -> DateTime<FixedOffset> {
    let text = match pick % 6 {
        0 => "9999-12-31T23:59:59-23:59",
        1 => "0000-01-01T00:00:00+23:59",
        2 => "1970-01-01T00:00:00+14:00",
        3 => "9999-12-31T23:59:59Z",
        _ => "2025-04-20T12:00:00+05:00",
    };
    // Every text above is valid RFC 3339; the epoch is the fallback that cannot fail.
    DateTime::parse_from_rfc3339(text).unwrap_or(DateTime::<Utc>::UNIX_EPOCH.fixed_offset())
}

fn zone(pick: u64) -> Option<chrono_tz::Tz> {
    match pick % 4 {
        0 => None,
        1 => Some(chrono_tz::Asia::Almaty),
        2 => Some(chrono_tz::Europe::Moscow),
        _ => Some(chrono_tz::Pacific::Kiritimati),
    }
}

fn is_web(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https") && url.host().is_some()
}

struct Html {
    case: u64,
}

impl Runner for Html {
    fn run(&mut self, input: &[u8]) -> Outcome {
        self.case += 1;
        let c = self.case;
        let opts = ExtractOptions {
            url: c
                .is_multiple_of(3)
                .then(|| Url::parse("https://example.kz/news/1").ok())
                .flatten(),
            content_type: c
                .is_multiple_of(5)
                .then(|| "text/html; charset=windows-1251".to_owned()),
            // With and without a fetch time: relative dates only resolve with one.
            fetched_at: c.is_multiple_of(2).then(|| reference_time(c / 2)),
            tz: zone(c / 3),
        };
        match khronika_extract::extract(input, &opts) {
            Ok(a) => {
                // What we return must serialise (no NaN, no broken strings) and its URLs
                // must be web URLs.
                if let Err(e) = serde_json::to_string(&a) {
                    panic!("article does not serialise: {e}");
                }
                for url in a.url.iter().chain(&a.canonical_url) {
                    assert!(is_web(url), "non-web article URL {url}");
                }
                Outcome::Accepted
            }
            Err(e) => {
                assert!(!e.to_string().is_empty(), "empty error");
                Outcome::Refused
            }
        }
    }
}

struct Feed {
    case: u64,
}

fn base(case: u64) -> Option<Url> {
    case.is_multiple_of(2)
        .then(|| Url::parse("https://example.kz/rss/").ok())
        .flatten()
}

impl Runner for Feed {
    fn run(&mut self, input: &[u8]) -> Outcome {
        self.case += 1;
        match khronika_ingest::feeds::parse_feed(input, base(self.case).as_ref()) {
            Ok(items) => {
                assert!(items.len() <= khronika_ingest::feeds::MAX_ENTRIES);
                for a in &items {
                    assert!(is_web(&a.url), "non-web feed link {}", a.url);
                }
                Outcome::Accepted
            }
            Err(_) => Outcome::Refused,
        }
    }
}

struct SitemapTarget {
    case: u64,
}

impl Runner for SitemapTarget {
    fn run(&mut self, input: &[u8]) -> Outcome {
        self.case += 1;
        // The sniffing the fetcher does before choosing the parser.
        let _ = khronika_ingest::feeds::looks_like_sitemap(input);
        match khronika_ingest::feeds::parse_sitemap(input, base(self.case).as_ref()) {
            Ok(map) => {
                assert!(map.urls.len() <= khronika_ingest::feeds::MAX_ENTRIES);
                assert!(map.sitemaps.len() <= khronika_ingest::feeds::MAX_ENTRIES);
                for url in map.urls.iter().map(|a| &a.url).chain(&map.sitemaps) {
                    assert!(is_web(url), "non-web sitemap URL {url}");
                }
                Outcome::Accepted
            }
            Err(_) => Outcome::Refused,
        }
    }
}

struct Warc;

/// A record needs at least a version line, so more records than this from one input of
/// at most a MiB (a gzip bomb aside) would mean the reader loops.
const MAX_WARC_RECORDS: usize = 1_000_000;

impl Runner for Warc {
    fn run(&mut self, input: &[u8]) -> Outcome {
        let Ok(reader) = open_maybe_gzip(Cursor::new(input.to_vec())) else {
            return Outcome::Refused;
        };
        let mut pages = 0usize;
        for (n, item) in WarcReader::new(reader).enumerate() {
            assert!(n < MAX_WARC_RECORDS, "WARC reader does not advance");
            match item {
                Ok(page) => {
                    assert!(page.body.len() as u64 <= khronika_ingest::warc::MAX_RECORD);
                    pages += 1;
                }
                Err(_) => return Outcome::Refused,
            }
        }
        if pages > 0 {
            Outcome::Accepted
        } else {
            Outcome::Refused
        }
    }
}

/// The JSONL import end to end (record parsing, URL canonicalisation, the batching
/// writer, the organise stage, SQLite) on a temporary store, renewed every few hundred
/// cases so it stays small.
struct Import {
    runtime: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
    store: Arc<dyn khronika_store::Store>,
    cases: usize,
}

const IMPORT_STORE_CASES: usize = 500;

impl Import {
    fn new() -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("tokio runtime")?;
        let (dir, store) = Self::fresh_store(&runtime)?;
        Ok(Import {
            runtime,
            dir,
            store,
            cases: 0,
        })
    }

    fn fresh_store(
        runtime: &tokio::runtime::Runtime,
    ) -> Result<(tempfile::TempDir, Arc<dyn khronika_store::Store>)> {
        let dir = tempfile::tempdir().context("temporary store directory")?;
        let store = runtime
            .block_on(khronika_store::open_sqlite(dir.path()))
            .context("opening the temporary store")?;
        Ok((dir, store))
    }
}

impl Runner for Import {
    fn run(&mut self, input: &[u8]) -> Outcome {
        self.cases += 1;
        if self.cases.is_multiple_of(IMPORT_STORE_CASES) {
            // A store that cannot be recreated is the machine's problem, not a finding:
            // keep the old one.
            if let Ok((dir, store)) = Self::fresh_store(&self.runtime) {
                self.store = store;
                self.dir = dir;
            }
        }
        let options = khronika_pipeline::PipelineOptions {
            analyze: false,
            batch_size: 16,
            progress: false,
        };
        let store = self.store.clone();
        let result = self.runtime.block_on(khronika_pipeline::import_jsonl(
            store,
            Cursor::new(input),
            &options,
        ));
        match result {
            Ok(counts) => {
                // `errors` may count a record twice (read, then refused by the store), so
                // only the records read are bounded by the lines.
                let lines = input.split(|b| *b == b'\n').count() as u64;
                assert!(
                    counts.fetched <= lines,
                    "more records than lines: {counts:?}"
                );
                if counts.fetched > 0 {
                    Outcome::Accepted
                } else {
                    Outcome::Refused
                }
            }
            Err(_) => Outcome::Refused,
        }
    }
}

struct Dates {
    case: u64,
}

impl Runner for Dates {
    fn run(&mut self, input: &[u8]) -> Outcome {
        self.case += 1;
        let c = self.case;
        let text = String::from_utf8_lossy(input);
        let time = reference_time(c);
        let reference = if c.is_multiple_of(7) {
            Reference::naive(time.naive_local())
        } else {
            Reference::new(time, zone(c / 7))
        };
        let found = khronika_dates::find_dates_at(&text, &reference);
        let chars = text.chars().count();
        for m in &found {
            assert!(
                m.start < m.end && m.end <= chars,
                "mention {}..{} outside the text ({chars} chars)",
                m.start,
                m.end
            );
            assert_eq!(m.text.chars().count(), m.end - m.start, "mention text");
        }
        let phrase: String = text.chars().take(200).collect();
        let parsed = khronika_dates::parse_datetime(&phrase, time, zone(c / 3));
        let prefer = if c.is_multiple_of(2) {
            Prefer::Past
        } else {
            Prefer::Future
        };
        let _ = khronika_dates::parse_at(&phrase, &reference, prefer);
        if let Some(p) = &parsed {
            if let Some(end) = p.end {
                assert!(end >= p.value, "interval ends before it starts: {p:?}");
            }
        }
        if found.is_empty() && parsed.is_none() {
            Outcome::Refused
        } else {
            Outcome::Accepted
        }
    }
}

/// Search over a small in-RAM index: the query text (first line of the input) goes
/// through the lenient parser, the next lines become filters.
struct Query {
    index: SearchIndex,
    case: u64,
}

fn doc(id: u64, title: &str, body: &str, source: &str, days_ago: i64) -> IndexDoc {
    let when = DateTime::parse_from_rfc3339("2025-04-20T12:00:00Z")
        .map(|t| t.with_timezone(&Utc) - Duration::days(days_ago))
        .ok();
    IndexDoc {
        id,
        url: Some(format!("https://example.kz/news/{id}")),
        title: title.into(),
        lead: String::new(),
        body: body.into(),
        source: source.into(),
        tags: vec!["Казахстан".into(), "мир".into()],
        entities: vec!["МИД".into()],
        story: Some(format!("s{}", id % 2)),
        rubric: Some("politics".into()),
        duplicate_of: (id == 3).then_some(1),
        published: when,
        first_seen: when,
    }
}

impl Query {
    fn new() -> Result<Self> {
        let index = SearchIndex::in_memory().context("in-memory index")?;
        index
            .upsert(&[
                doc(1, "Казахстан не принимал участие в саммите мира", "МИД заявил, что саммит прошёл без делегации. Ёлка на площади.", "bizmedia", 1),
                doc(2, "Кыргызстан отказался от участия", "Байсалов заявил, что республика придерживается нейтралитета. Мирный саммит прошёл в Швейцарии.", "kaktus", 2),
                doc(3, "Казахстан не принимал участие в саммите", "Копия: МИД заявил, что саммит прошёл без делегации.", "tengri", 3),
                doc(4, "Курс тенге", "Национальный банк (НБК) установил курс 99999999999 тенге за доллар; «рекорд» — ~^*?", "kursiv", 400),
            ])
            .context("indexing")?;
        index.commit(Some(4)).context("commit")?;
        index.reload().context("reload")?;
        Ok(Query { index, case: 0 })
    }
}

impl Runner for Query {
    fn run(&mut self, input: &[u8]) -> Outcome {
        self.case += 1;
        let c = self.case;
        let text = String::from_utf8_lossy(input);
        let mut lines = text.split('\n');
        let mut q = SearchQuery::text(lines.next().unwrap_or(""));
        let mut filter = || lines.next().filter(|l| !l.is_empty()).map(str::to_owned);
        q.tag = filter();
        q.entity = filter();
        q.source = filter();
        q.story = filter();
        q.originals_only = c.is_multiple_of(2);
        q.sort = if c.is_multiple_of(3) {
            SortBy::Date
        } else {
            SortBy::Relevance
        };
        // Out-of-range paging must be clamped, never overflow.
        q.limit = [0, 1, 10, 100, 101, usize::MAX][(c % 6) as usize];
        q.offset = [0, 3, 10_000, 10_001, usize::MAX][(c / 6 % 5) as usize];
        if c.is_multiple_of(4) {
            q.from = Some(reference_time(c / 4).with_timezone(&Utc));
            q.to = Some(reference_time(c / 4 + 1).with_timezone(&Utc));
        }
        match self.index.search(&q) {
            Ok(r) => {
                assert!(r.hits.len() <= khronika_index::MAX_LIMIT, "page too long");
                assert!(r.hits.len() <= r.total, "more hits than matches");
                // Matches at all (the page asked for may still be past them).
                if r.total == 0 {
                    Outcome::Refused
                } else {
                    Outcome::Accepted
                }
            }
            Err(_) => Outcome::Refused,
        }
    }
}
