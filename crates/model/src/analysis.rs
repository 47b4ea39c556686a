//! What the language layer knows about a text: sentences, entity mentions, quotes, dates.
//!
//! All `start`/`end` offsets are Unicode code point offsets into the analysed text,
//! end exclusive.

use serde::{Deserialize, Serialize};

/// A half-open code point range `[start, end)` of the analysed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EntityKind {
    #[serde(rename = "PER")]
    Person,
    #[serde(rename = "ORG")]
    Organisation,
    #[serde(rename = "LOC")]
    Location,
}

impl EntityKind {
    pub fn code(self) -> &'static str {
        match self {
            EntityKind::Person => "PER",
            EntityKind::Organisation => "ORG",
            EntityKind::Location => "LOC",
        }
    }
}

/// One mention of a named entity in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    #[serde(rename = "type")]
    pub kind: EntityKind,
    /// The surface form as written ("Айбека Смадиярова").
    pub text: String,
    /// Normal form in the nominative ("Айбек Смадияров"); for a surname-only mention of a
    /// person seen in full earlier, the full name.
    pub normal: String,
}

/// A quotation: direct («…») or indirect ("X заявил, что …").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// Span of the quoted text itself, without the quote marks.
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The speaker's normal form in the nominative, when resolved.
    pub speaker: Option<String>,
    /// The speaker's role as the text states it ("официальный представитель МИД").
    pub role: Option<String>,
    pub direct: bool,
}

/// The precision a date expression states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Grain {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

/// A date or time expression found in the text, resolved against a reference time.
///
/// Either `value` (a point at `grain`) or `from`/`to` (an interval, `to` exclusive) is set.
/// Values are ISO 8601 date-times with an offset whenever the zone is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateMention {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub grain: Grain,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// Everything the language layer found in one text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analysis {
    pub sentences: Vec<Span>,
    pub entities: Vec<Mention>,
    #[serde(default)]
    pub quotes: Vec<Quote>,
    #[serde(default)]
    pub dates: Vec<DateMention>,
}
