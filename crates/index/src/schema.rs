//! The tantivy schema: the fields an article is indexed under, how an [`IndexDoc`] becomes
//! a tantivy document and how stored fields are read back, and the schema version kept in
//! the commit payload.
//!
//! Separate so that what is indexed (and when the on-disk index must be rebuilt) is in one
//! place, apart from how it is searched.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tantivy::schema::{
    Field, IndexRecordOption, OwnedValue, Schema, TextFieldIndexing, TextOptions, Value, FAST,
    INDEXED, STORED, STRING,
};
use tantivy::TantivyDocument;

use crate::analyzer::normalise_term;

pub(crate) const RU_ANALYZER: &str = "ru_stem";
/// What the index holds and means. Bumped whenever documents of the same schema would be
/// built differently (for example when the story started to be filled): an index of another
/// version is deleted and rebuilt from the store on open, like one of another schema. Kept
/// in tantivy's commit payload in front of the store sequence (`v3:1234`).
pub const SCHEMA_VERSION: u32 = 3;

/// What the index knows of one article. Built by the caller from the store's records.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IndexDoc {
    pub id: u64,
    pub url: Option<String>,
    pub title: String,
    pub lead: String,
    pub body: String,
    /// Source id (slug); matched exactly.
    pub source: String,
    /// Tags, matched case-insensitively.
    pub tags: Vec<String>,
    /// Entity normal forms ("Айбек Смадияров"), matched case-insensitively.
    pub entities: Vec<String>,
    pub story: Option<String>,
    /// Rubric code (`"society"`, …); matched exactly.
    pub rubric: Option<String>,
    /// The original this article is a near-duplicate copy of; `None` for originals.
    pub duplicate_of: Option<u64>,
    /// The publication time the page states.
    pub published: Option<DateTime<Utc>>,
    /// When the article was first seen: orders, filters and ages an article whose page
    /// states no date.
    pub first_seen: Option<DateTime<Utc>>,
}

#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub(crate) id: Field,
    pub(crate) url: Field,
    pub(crate) title: Field,
    pub(crate) lead: Field,
    pub(crate) body: Field,
    pub(crate) source: Field,
    pub(crate) tags: Field,
    pub(crate) entities: Field,
    pub(crate) story: Field,
    pub(crate) rubric: Field,
    /// 1 for a near-duplicate copy, 0 for an original (indexed for `originals_only`).
    pub(crate) copy: Field,
    /// The original of a copy (stored only).
    pub(crate) duplicate_of: Field,
    /// Order key: published, else first seen (indexed, fast).
    pub(crate) time: Field,
    /// The stated publication time (stored only).
    pub(crate) published: Field,
}

pub(crate) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let ru = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(RU_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_u64_field("id", INDEXED | STORED | FAST),
        url: b.add_text_field("url", STORED),
        title: b.add_text_field("title", ru.clone()),
        lead: b.add_text_field("lead", ru.clone()),
        body: b.add_text_field("body", ru),
        source: b.add_text_field("source", STRING | STORED),
        tags: b.add_text_field("tags", STRING),
        entities: b.add_text_field("entities", STRING),
        story: b.add_text_field("story", STRING | STORED),
        rubric: b.add_text_field("rubric", STRING | STORED),
        copy: b.add_u64_field("copy", INDEXED),
        duplicate_of: b.add_u64_field("duplicate_of", STORED),
        time: b.add_date_field("time", INDEXED | STORED | FAST),
        published: b.add_date_field("published", STORED),
    };
    (b.build(), fields)
}

/// Seconds tantivy's dates (nanoseconds in an `i64`) can hold: about 1677–2262.
const TANTIVY_SECS: i64 = i64::MAX / 1_000_000_000;

/// Times outside tantivy's range are clamped to its ends (order is kept): a page may
/// claim the year 9999 and a search may ask `from=3000-01-01`, and the unclamped
/// conversion overflowed (a panic in debug builds, a wrapped wrong date in release).
pub(crate) fn to_tantivy_date(d: DateTime<Utc>) -> tantivy::DateTime {
    tantivy::DateTime::from_timestamp_secs(d.timestamp().clamp(-TANTIVY_SECS, TANTIVY_SECS))
}

pub(crate) fn payload_prefix() -> String {
    format!("v{SCHEMA_VERSION}:")
}

/// The commit payload: schema version and store sequence.
pub(crate) fn payload(seq: u64) -> String {
    format!("{}{seq}", payload_prefix())
}

pub(crate) fn opt_str(doc: &TantivyDocument, field: Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

pub(crate) fn first_str(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

pub(crate) fn stored_date(doc: &TantivyDocument, field: Field) -> Option<DateTime<Utc>> {
    doc.get_first(field)
        .and_then(|v| v.as_datetime())
        .and_then(|d| DateTime::from_timestamp(d.into_timestamp_secs(), 0))
}

pub(crate) fn stored_body(doc: &TantivyDocument, f: Fields) -> &str {
    doc.get_first(f.body)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
}

pub(crate) fn to_document(f: &Fields, d: &IndexDoc) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.id, d.id);
    if let Some(url) = &d.url {
        doc.add_text(f.url, url);
    }
    doc.add_text(f.title, &d.title);
    doc.add_text(f.lead, &d.lead);
    doc.add_text(f.body, &d.body);
    doc.add_text(f.source, &d.source);
    for t in &d.tags {
        doc.add_text(f.tags, normalise_term(t));
    }
    for e in &d.entities {
        doc.add_text(f.entities, normalise_term(e));
    }
    if let Some(s) = &d.story {
        doc.add_text(f.story, s);
    }
    if let Some(r) = &d.rubric {
        doc.add_text(f.rubric, r);
    }
    doc.add_u64(f.copy, u64::from(d.duplicate_of.is_some()));
    if let Some(o) = d.duplicate_of {
        doc.add_u64(f.duplicate_of, o);
    }
    if let Some(t) = d.published.or(d.first_seen) {
        doc.add_field_value(f.time, &OwnedValue::Date(to_tantivy_date(t)));
    }
    if let Some(p) = d.published {
        doc.add_field_value(f.published, &OwnedValue::Date(to_tantivy_date(p)));
    }
    doc
}
