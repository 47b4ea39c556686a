//! Shared data types of the khronika pipeline.
//!
//! Every stage hands the next one a plain value defined here:
//! ingest produces page bytes, `khronika-extract` turns them into an [`Article`],
//! `khronika-understand` adds an [`Analysis`], the store keeps both.
//!
//! This crate holds types only: no I/O, no parsing logic, no heavy dependencies.
//! Offsets in analysis spans are **Unicode code point** offsets into the analysed text
//! (as Python indexes strings), so external scorers apply directly.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use url::Url;

mod analysis;
mod rubric;
pub use analysis::*;
pub use rubric::Rubric;

/// A language tag, ISO 639-1 where one exists ("ru", "kk", "en").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Lang(pub String);

impl Lang {
    pub fn new(code: impl Into<String>) -> Self {
        Lang(code.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn russian() -> Self {
        Lang("ru".into())
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One structural unit of an article body, in reading order.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    Paragraph {
        text: String,
    },
    /// `level` is 1..=6 as in `<h1>`..`<h6>`.
    Heading {
        level: u8,
        text: String,
    },
    List {
        ordered: bool,
        items: Vec<String>,
    },
    /// A block quotation (`<blockquote>`), not an inline «quote».
    Quote {
        text: String,
    },
    /// Preformatted text or code, whitespace kept.
    Preformatted {
        text: String,
    },
    /// A table flattened to rows of cell texts.
    Table {
        rows: Vec<Vec<String>>,
    },
}

impl Block {
    /// The block as a reader sees it: one line per paragraph, list item or table row.
    pub fn plain_text(&self) -> String {
        match self {
            Block::Paragraph { text }
            | Block::Heading { text, .. }
            | Block::Quote { text }
            | Block::Preformatted { text } => text.clone(),
            Block::List { items, .. } => items.join("\n"),
            Block::Table { rows } => rows
                .iter()
                .map(|r| r.join("\t"))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

/// An image that belongs to the article (not to the page chrome).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub url: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
    /// Pixel size as the page states it (`og:image:width`, JSON-LD, `<img width>`), so a
    /// reader can reserve the space before the image loads; unknown when the page is silent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
}

impl Image {
    /// An image known by its address alone.
    pub fn new(url: Url) -> Self {
        Image {
            url,
            caption: None,
            credit: None,
            width: None,
            height: None,
        }
    }
}

/// A news article as extracted from one page: metadata plus the body as blocks.
///
/// `lead` is the standfirst shown above the body; when the page prints it as the first
/// body paragraph it is *not* repeated in `blocks`. [`Article::text`] gives the reader's
/// view (lead included).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub url: Option<Url>,
    pub canonical_url: Option<Url>,
    pub title: Option<String>,
    pub lead: Option<String>,
    pub blocks: Vec<Block>,
    pub authors: Vec<String>,
    pub published: Option<DateTime<FixedOffset>>,
    pub modified: Option<DateTime<FixedOffset>>,
    /// The site's own tags / hashtags / rubrics for the article, as shown.
    pub tags: Vec<String>,
    /// The main image first, then other images of the article.
    pub images: Vec<Image>,
    pub site_name: Option<String>,
    pub lang: Option<Lang>,
    /// The site's own section / rubric for the article, as the page states it
    /// (JSON-LD `articleSection`, `<meta property="article:section">`, the breadcrumb).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
}

impl Article {
    /// The body as a reader sees it: lead (if any) then blocks, one paragraph per line.
    pub fn text(&self) -> String {
        let body = self.body_text();
        match self.lead.as_deref().filter(|l| !l.is_empty()) {
            Some(lead) if body.is_empty() => lead.to_owned(),
            Some(lead) => format!("{lead}\n{body}"),
            None => body,
        }
    }

    /// The body alone, one non-empty block per line: [`Article::text`] without the lead, for
    /// outputs that carry the lead in a field of its own (export).
    pub fn body_text(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            let t = block.plain_text();
            if t.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&t);
        }
        out
    }

    /// Whether there is anything to read: a non-blank lead or block.
    pub fn has_text(&self) -> bool {
        self.lead.as_deref().is_some_and(|l| !l.trim().is_empty())
            || self
                .blocks
                .iter()
                .any(|b| !b.plain_text().trim().is_empty())
    }

    /// The main image, if the page names one.
    pub fn image(&self) -> Option<&Image> {
        self.images.first()
    }

    /// The URL that identifies the article: canonical if known, else the fetched one.
    pub fn identity_url(&self) -> Option<&Url> {
        self.canonical_url.as_ref().or(self.url.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_puts_lead_first_and_skips_empty_blocks() {
        let a = Article {
            lead: Some("Лид.".into()),
            blocks: vec![
                Block::Paragraph {
                    text: "Первый.".into(),
                },
                Block::Paragraph {
                    text: String::new(),
                },
                Block::List {
                    ordered: false,
                    items: vec!["а".into(), "б".into()],
                },
            ],
            ..Default::default()
        };
        assert_eq!(a.text(), "Лид.\nПервый.\nа\nб");
    }

    #[test]
    fn blocks_serialise_with_a_kind_tag() {
        let b = Block::Heading {
            level: 2,
            text: "Итоги".into(),
        };
        let json = serde_json::to_string(&b).expect("serialise");
        assert_eq!(json, r#"{"kind":"heading","level":2,"text":"Итоги"}"#);
        let back: Block = serde_json::from_str(&json).expect("parse back");
        assert_eq!(back, b);
    }
}
