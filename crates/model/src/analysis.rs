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

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// What a date expression resolves to: a point at its grain, or an interval.
///
/// Serialised without a tag, so a mention's JSON keeps the flat shape external tools read:
/// `"value": …` for a point, `"from": …, "to": …` for an interval (either end may be open,
/// `to` is exclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DateValue {
    Point {
        value: String,
    },
    Interval {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
    },
}

/// A date or time expression found in the text, resolved against a reference time.
///
/// Values are ISO 8601 date-times with an offset whenever the zone is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateMention {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub grain: Grain,
    #[serde(flatten)]
    pub when: DateValue,
}

impl DateMention {
    /// The point, when the expression names one.
    pub fn value(&self) -> Option<&str> {
        match &self.when {
            DateValue::Point { value } => Some(value),
            DateValue::Interval { .. } => None,
        }
    }
    /// The interval's start, when the expression names an interval with one.
    pub fn from(&self) -> Option<&str> {
        match &self.when {
            DateValue::Interval { from, .. } => from.as_deref(),
            DateValue::Point { .. } => None,
        }
    }
    /// The interval's (exclusive) end, when the expression names an interval with one.
    pub fn to(&self) -> Option<&str> {
        match &self.when {
            DateValue::Interval { to, .. } => to.as_deref(),
            DateValue::Point { .. } => None,
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_mentions_keep_their_flat_json() {
        let point = r#"{"start":0,"end":5,"text":"вчера","grain":"day","value":"2025-04-02T00:00:00+05:00"}"#;
        let m: DateMention = serde_json::from_str(point).expect("point");
        assert_eq!(m.value(), Some("2025-04-02T00:00:00+05:00"));
        assert_eq!(serde_json::to_string(&m).expect("json"), point);
        let span = r#"{"start":0,"end":10,"text":"15-16 июня","grain":"day","from":"2024-06-15T00:00:00+05:00","to":"2024-06-17T00:00:00+05:00"}"#;
        let m: DateMention = serde_json::from_str(span).expect("interval");
        assert_eq!(m.from(), Some("2024-06-15T00:00:00+05:00"));
        assert_eq!(m.value(), None);
        assert_eq!(serde_json::to_string(&m).expect("json"), span);
        let open = r#"{"start":0,"end":7,"text":"до июня","grain":"month","to":"2024-06-01T00:00:00+05:00"}"#;
        let m: DateMention = serde_json::from_str(open).expect("open interval");
        assert_eq!(
            (m.from(), m.to()),
            (None, Some("2024-06-01T00:00:00+05:00"))
        );
        assert_eq!(serde_json::to_string(&m).expect("json"), open);
    }
}
