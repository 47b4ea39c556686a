//! Turn the raw bytes of a news page into a clean, structured [`Article`].
//!
//! `khronika-extract` is a self-contained library: give it the bytes of an HTML page (and,
//! if you have them, its URL, HTTP `Content-Type`, fetch time and the site's time zone) and
//! it returns the headline, lead, body as paragraphs / headings / lists / quotes, authors,
//! publication and modification times, site tags, main image, canonical URL, site name and
//! language. It does no I/O and holds no global state; one call is a pure function of its
//! inputs, so pages can be processed on any number of threads.
//!
//! ```
//! use khronika_extract::{extract, ExtractOptions};
//!
//! let html = r#"<html lang="ru"><head>
//!   <meta property="og:site_name" content="Пример.kz">
//!   <meta property="article:published_time" content="2025-04-02T21:32:00+05:00">
//!   <title>Новый мост открыли в Алматы — Пример.kz</title></head>
//! <body><nav><a href="/">Главная</a> <a href="/news">Новости</a></nav>
//!   <article><h1>Новый мост открыли в Алматы</h1>
//!     <div class="article-text">
//!       <p>В Алматы открыли новый мост через реку Есентай, сообщили в акимате города.</p>
//!       <p>Строительство, по словам строителей, заняло два года и обошлось в 4 млрд тенге.</p>
//!     </div></article></body></html>"#;
//! let opts = ExtractOptions {
//!     url: Some("https://example.kz/news/most".parse().unwrap()),
//!     ..Default::default()
//! };
//! let article = extract(html.as_bytes(), &opts).unwrap();
//! assert_eq!(article.title.as_deref(), Some("Новый мост открыли в Алматы"));
//! assert_eq!(article.site_name.as_deref(), Some("Пример.kz"));
//! assert_eq!(article.lang.as_ref().map(|l| l.as_str()), Some("ru"));
//! assert_eq!(article.published.unwrap().to_rfc3339(), "2025-04-02T21:32:00+05:00");
//! assert!(article.text().contains("заняло два года"));
//! assert!(!article.text().contains("Главная"));
//! ```
//!
//! How it works, and what it costs: `charset` decodes the bytes (BOM, header, `<meta>`,
//! sniffing; public as [`decode`]); [`khronika_html::dom`] builds a compact arena tree with
//! our own tolerant tokenizer in one pass; `meta` reads JSON-LD, OpenGraph, `<meta>` and
//! microdata in one more pass; `body` scores paragraphs to find the article container and
//! emits its blocks; the crate root reconciles the sources (title, dates, authors, tags,
//! lead). Every pass is linear in the page size; inputs over [`MAX_INPUT_BYTES`] are refused,
//! nesting over [`khronika_html::dom::MAX_DEPTH`] is flattened. Only [`extract`] and
//! [`decode`] are public: the stages are internals, free to change.

use chrono::{DateTime, FixedOffset};
use khronika_model::{Article, Lang};
use url::Url;

mod body;
mod boilerplate;
mod charset;
mod datetime;
mod images;
// The HTML reader is shared with `ingest` (which may not depend on us), so it lives in a
// leaf crate; these aliases keep `crate::dom::…` paths short inside the extractor.
use khronika_html::{dom, entities};

pub use charset::decode;
mod lang;
mod meta;
mod resolve;
mod visible;
mod when;

/// Pages larger than this are refused with [`ExtractError::TooLarge`].
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// What the caller knows about the page besides its bytes.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// The URL the page was fetched from; resolves relative links.
    pub url: Option<Url>,
    /// The HTTP `Content-Type` header, if any (it may name the charset).
    pub content_type: Option<String>,
    /// When the page was fetched: the reference for relative visible dates ("вчера",
    /// "Сегодня, 10:15", "2 часа назад"). Without it those give no date (extraction never
    /// reads the clock); absolute dates are read either way.
    pub fetched_at: Option<DateTime<FixedOffset>>,
    /// The site's zone, for visible times printed without an offset.
    pub tz: Option<chrono_tz::Tz>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("the input is empty")]
    Empty,
    #[error("the input is {size} bytes, over the {limit}-byte limit")]
    TooLarge { size: usize, limit: usize },
    #[error("the input does not look like HTML or text: {0}")]
    NotHtml(String),
}

/// Extract the article from a page.
///
/// Errors: [`ExtractError::Empty`] for no bytes, [`ExtractError::TooLarge`] over
/// [`MAX_INPUT_BYTES`], [`ExtractError::NotHtml`] for binary data. Any other input, however
/// broken, gives an [`Article`] (possibly with an empty body).
pub fn extract(bytes: &[u8], opts: &ExtractOptions) -> Result<Article, ExtractError> {
    if bytes.is_empty() {
        return Err(ExtractError::Empty);
    }
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(ExtractError::TooLarge {
            size: bytes.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    check_binary(bytes)?;
    let (text, _enc) = charset::decode(bytes, opts.content_type.as_deref());
    let dom = dom::parse(&text);
    Ok(resolve::article(&dom, opts))
}

/// Refuse inputs that are evidently not text: NUL bytes or many control bytes up front.
fn check_binary(bytes: &[u8]) -> Result<(), ExtractError> {
    let head = bytes.get(..4096.min(bytes.len())).unwrap_or(bytes);
    // UTF-16 with a BOM legitimately has NULs.
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Ok(());
    }
    let nul = head.iter().filter(|&&b| b == 0).count();
    let ctrl = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    if nul > 0 || ctrl * 20 > head.len() {
        let what = if head.starts_with(b"%PDF") {
            "a PDF document".to_string()
        } else if head.starts_with(b"\x89PNG")
            || head.starts_with(b"\xFF\xD8\xFF")
            || head.starts_with(b"GIF8")
        {
            "an image".to_string()
        } else if head.starts_with(b"PK\x03\x04") {
            "a ZIP archive".to_string()
        } else {
            format!(
                "{nul} NUL and {ctrl} other control bytes in the first {} bytes",
                head.len()
            )
        };
        return Err(ExtractError::NotHtml(what));
    }
    Ok(())
}

pub(crate) fn resolve_url(base: Option<&Url>, s: &str) -> Option<Url> {
    let s = s.trim();
    if s.is_empty() || s.starts_with("data:") || s.starts_with("javascript:") {
        return None;
    }
    let u = match base {
        Some(b) => b.join(s).ok()?,
        None => Url::parse(s).ok()?,
    };
    matches!(u.scheme(), "http" | "https").then_some(u)
}

pub(crate) fn lang_of(code: &str) -> Option<Lang> {
    let c = code.trim().to_ascii_lowercase();
    let primary = c.split(['-', '_']).next()?;
    (primary.len() == 2 || primary.len() == 3)
        .then(|| primary.chars().all(|ch| ch.is_ascii_alphabetic()))
        .filter(|&ok| ok)
        .map(|_| Lang::new(primary))
}
