//! Turn the raw bytes of a news page into a clean, structured [`Article`].
//!
//! (Under construction: the public entry point is stable, the implementation is being written.)

use chrono::{DateTime, FixedOffset};
use khronika_model::Article;
use url::Url;

/// What the caller knows about the page besides its bytes.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// The URL the page was fetched from; resolves relative links.
    pub url: Option<Url>,
    /// The HTTP `Content-Type` header, if any (it may name the charset).
    pub content_type: Option<String>,
    /// When the page was fetched; resolves "Сегодня, 10:15"-style visible dates.
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
pub fn extract(bytes: &[u8], opts: &ExtractOptions) -> Result<Article, ExtractError> {
    if bytes.is_empty() {
        return Err(ExtractError::Empty);
    }
    Ok(Article {
        url: opts.url.clone(),
        ..Default::default()
    })
}
