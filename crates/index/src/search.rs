//! Queries: the request and result types, [`SearchIndex::search`] (text, filters, BM25 with
//! recency, highlighted snippets) and [`SearchIndex::related`].
//!
//! Separate from the index's core (open, write, commit in `lib.rs`) because this is the
//! read path: how a request becomes a tantivy query and hits are ranked and filled in.

use std::collections::HashMap;
use std::ops::Bound;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Order, Score, TantivyDocument, Term};

use crate::analyzer::normalise_term;
use crate::schema::{first_str, opt_str, stored_body, stored_date, to_tantivy_date};
use crate::snippet::{plain_snippet, Highlighter, Snippet, SNIPPET_CHARS};
use crate::{Result, SearchIndex};

/// The most hits one search returns.
pub const MAX_LIMIT: usize = 100;
/// The deepest result one search may page to.
pub const MAX_OFFSET: usize = 10_000;
/// Longer query strings are cut (at a char boundary) before parsing.
pub const MAX_QUERY_CHARS: usize = 512;
/// Titles are shown whole up to this many bytes.
const MAX_TITLE_BYTES: usize = 1000;
/// Candidates taken by BM25 before the recency boost reorders them.
const RERANK_DEPTH: usize = 200;
/// Half-life of the recency boost, in days.
const RECENCY_HALF_LIFE_DAYS: f64 = 14.0;

/// How hits are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// BM25 relevance damped by age (half-life two weeks, never below half the score).
    #[default]
    Relevance,
    /// Newest first; relevance only decides what matches.
    Date,
}

/// One search request. An empty `text` with filters lists matching articles newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchQuery {
    pub text: String,
    pub source: Option<String>,
    pub tag: Option<String>,
    pub entity: Option<String>,
    pub story: Option<String>,
    /// Rubric code; matched exactly.
    pub rubric: Option<String>,
    /// Leave near-duplicate copies out (the portal and the API show them as "также: …"
    /// under their original).
    pub originals_only: bool,
    /// Inclusive lower bound on publication time.
    pub from: Option<DateTime<Utc>>,
    /// Exclusive upper bound on publication time.
    pub to: Option<DateTime<Utc>>,
    pub sort: SortBy,
    pub limit: usize,
    pub offset: usize,
}

impl SearchQuery {
    pub fn text(text: impl Into<String>) -> Self {
        SearchQuery {
            text: text.into(),
            limit: 10,
            ..Default::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub id: u64,
    pub score: f32,
    pub title: String,
    pub url: Option<String>,
    pub source: String,
    /// The publication time the page states (`None` when it states none).
    pub published: Option<DateTime<Utc>>,
    /// What hits are ordered and filtered by: published, else first seen.
    pub time: Option<DateTime<Utc>>,
    pub story: Option<String>,
    pub rubric: Option<String>,
    /// The original of a near-duplicate copy.
    pub duplicate_of: Option<u64>,
    pub title_snippet: Snippet,
    pub snippet: Snippet,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// How many documents match in all (not only this page).
    pub total: usize,
    pub hits: Vec<Hit>,
}

impl SearchIndex {
    /// Runs a search. Bad query syntax never fails: the parser is lenient and drops what it
    /// cannot read.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults> {
        let f = self.fields;
        let searcher = self.reader.searcher();
        let text: String = q.text.chars().take(MAX_QUERY_CHARS).collect();
        let text = text.trim();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let text_query: Option<Box<dyn Query>> = if text.is_empty() {
            None
        } else {
            let mut parser = QueryParser::for_index(&self.index, vec![f.title, f.lead, f.body]);
            parser.set_conjunction_by_default();
            parser.set_field_boost(f.title, 3.0);
            parser.set_field_boost(f.lead, 1.5);
            let (query, _errors) = parser.parse_query_lenient(&sanitize_query(text));
            Some(query)
        };
        if let Some(tq) = &text_query {
            clauses.push((Occur::Must, tq.box_clone()));
        }
        let mut term_filter = |field: Field, value: &Option<String>, normalise: bool| {
            if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                let v = if normalise {
                    normalise_term(v)
                } else {
                    v.to_string()
                };
                clauses.push((
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, &v),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
        };
        term_filter(f.source, &q.source, false);
        term_filter(f.tags, &q.tag, true);
        term_filter(f.entities, &q.entity, true);
        term_filter(f.story, &q.story, false);
        term_filter(f.rubric, &q.rubric, false);
        if q.originals_only {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(f.copy, 0),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if q.from.is_some() || q.to.is_some() {
            let lower = q.from.map_or(Bound::Unbounded, |d| {
                Bound::Included(Term::from_field_date(f.time, to_tantivy_date(d)))
            });
            let upper = q.to.map_or(Bound::Unbounded, |d| {
                Bound::Excluded(Term::from_field_date(f.time, to_tantivy_date(d)))
            });
            clauses.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
        }
        if clauses.is_empty() {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        let query = BooleanQuery::new(clauses);

        let limit = q.limit.clamp(1, MAX_LIMIT);
        let offset = q.offset.min(MAX_OFFSET);
        let by_date = q.sort == SortBy::Date || text_query.is_none();
        let (scored, total): (Vec<(f32, DocAddress)>, usize) = if by_date {
            let top = TopDocs::with_limit(limit).and_offset(offset);
            let (docs, total) = searcher.search(
                &query,
                &(
                    top.order_by_fast_field::<tantivy::DateTime>("time", Order::Desc),
                    Count,
                ),
            )?;
            (docs.into_iter().map(|(_, a)| (0.0, a)).collect(), total)
        } else {
            // BM25 top-k first (tantivy prunes with block-max WAND when only scores are
            // collected), then recency applied to those candidates. Scoring every match with
            // a custom function, or counting in the same pass, would visit every match.
            let depth = (offset + limit).max(RERANK_DEPTH);
            let top = searcher.search(&query, &TopDocs::with_limit(depth).order_by_score())?;
            // A top list shorter than asked for holds every match: no counting pass.
            let total = if top.len() < depth {
                top.len()
            } else {
                searcher.search(&query, &Count)?
            };
            let now = Utc::now().timestamp();
            let mut columns: HashMap<u32, Option<tantivy::columnar::Column<tantivy::DateTime>>> =
                HashMap::new();
            let mut rescored: Vec<(f32, DocAddress)> = top
                .into_iter()
                .map(|(score, addr)| {
                    let col = columns.entry(addr.segment_ord).or_insert_with(|| {
                        searcher
                            .segment_reader(addr.segment_ord)
                            .fast_fields()
                            .date("time")
                            .ok()
                    });
                    let published = col
                        .as_ref()
                        .and_then(|c| c.first(addr.doc_id))
                        .map(|d| d.into_timestamp_secs());
                    (score * recency_factor(published, now), addr)
                })
                .collect();
            rescored.sort_by(|a, b| b.0.total_cmp(&a.0));
            let page: Vec<(f32, DocAddress)> =
                rescored.into_iter().skip(offset).take(limit).collect();
            (page, total)
        };

        let highlighter = text_query
            .as_ref()
            .map(|tq| Highlighter::create(&searcher, tq.as_ref(), &[f.body, f.lead, f.title]))
            .transpose()?
            .filter(|h| !h.is_empty());
        let mut folded = Vec::new();

        let mut hits = Vec::with_capacity(scored.len());
        for (score, addr) in scored {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let title = first_str(&doc, f.title);
            let lead = first_str(&doc, f.lead);
            let body = stored_body(&doc, f);
            let whole_title = || Snippet {
                text: title.clone(),
                highlights: vec![],
            };
            let (title_snippet, snippet) = match &highlighter {
                Some(h) => {
                    let ts = h.snippet(&title, MAX_TITLE_BYTES, &mut folded);
                    let title_snippet = if ts.highlights.is_empty() {
                        whole_title()
                    } else {
                        ts
                    };
                    let mut s = h.snippet(body, SNIPPET_CHARS, &mut folded);
                    if s.highlights.is_empty() {
                        s = h.snippet(&lead, SNIPPET_CHARS, &mut folded);
                    }
                    if s.highlights.is_empty() {
                        s = plain_snippet(&lead, body);
                    }
                    (title_snippet, s)
                }
                None => (whole_title(), plain_snippet(&lead, body)),
            };
            let id = doc
                .get_first(f.id)
                .and_then(|v| v.as_u64())
                .unwrap_or_default();
            let url = Some(first_str(&doc, f.url)).filter(|u| !u.is_empty());
            hits.push(Hit {
                id,
                score,
                title,
                url,
                source: first_str(&doc, f.source),
                published: stored_date(&doc, f.published),
                time: stored_date(&doc, f.time),
                story: opt_str(&doc, f.story),
                rubric: opt_str(&doc, f.rubric),
                duplicate_of: doc.get_first(f.duplicate_of).and_then(|v| v.as_u64()),
                title_snippet,
                snippet,
            });
        }
        Ok(SearchResults { total, hits })
    }
}

impl SearchIndex {
    /// Recent original articles (no copies) that share the most entities and tags with an
    /// article ("Продолжая тему" for articles not organised yet). Entities weigh twice as
    /// much as tags.
    pub fn related(
        &self,
        id: u64,
        entities: &[String],
        tags: &[String],
        limit: usize,
    ) -> Result<Vec<Hit>> {
        let f = self.fields;
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut add = |field: Field, values: &[String], boost: f32| {
            for v in values.iter().take(32) {
                let v = normalise_term(v);
                if v.is_empty() {
                    continue;
                }
                let tq = TermQuery::new(Term::from_field_text(field, &v), IndexRecordOption::Basic);
                should.push((
                    Occur::Should,
                    Box::new(tantivy::query::BoostQuery::new(Box::new(tq), boost)),
                ));
            }
        };
        add(f.entities, entities, 2.0);
        add(f.tags, tags, 1.0);
        if should.is_empty() {
            return Ok(Vec::new());
        }
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(BooleanQuery::new(should)) as Box<dyn Query>,
            ),
            (
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_u64(f.id, id),
                    IndexRecordOption::Basic,
                )),
            ),
            // Copies are shown under their original, never as related articles.
            (
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_u64(f.copy, 1),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        let searcher = self.reader.searcher();
        let now = Utc::now().timestamp();
        let collector = TopDocs::with_limit(limit.clamp(1, MAX_LIMIT)).tweak_score(
            move |seg: &tantivy::SegmentReader| {
                let col = seg.fast_fields().date("time").ok();
                move |doc: tantivy::DocId, score: Score| {
                    let published = col
                        .as_ref()
                        .and_then(|c| c.first(doc))
                        .map(|d| d.into_timestamp_secs());
                    score * recency_factor(published, now)
                }
            },
        );
        let scored = searcher.search(&query, &collector)?;
        let mut hits = Vec::with_capacity(scored.len());
        for (score, addr) in scored {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let title = first_str(&doc, f.title);
            let snippet = plain_snippet(&first_str(&doc, f.lead), stored_body(&doc, f));
            hits.push(Hit {
                id: doc
                    .get_first(f.id)
                    .and_then(|v| v.as_u64())
                    .unwrap_or_default(),
                score,
                title_snippet: Snippet {
                    text: title.clone(),
                    highlights: vec![],
                },
                title,
                url: Some(first_str(&doc, f.url)).filter(|u| !u.is_empty()),
                source: first_str(&doc, f.source),
                published: stored_date(&doc, f.published),
                time: stored_date(&doc, f.time),
                story: opt_str(&doc, f.story),
                rubric: opt_str(&doc, f.rubric),
                duplicate_of: doc.get_first(f.duplicate_of).and_then(|v| v.as_u64()),
                snippet,
            });
        }
        Ok(hits)
    }
}

/// Multiplier in (0.5, 1]: 1 for a fresh article, halving its bonus every half-life.
fn recency_factor(published: Option<i64>, now: i64) -> f32 {
    let Some(ts) = published else { return 0.5 };
    let age_days = ((now - ts).max(0) as f64) / 86_400.0;
    (0.5 + 0.5 * (0.5f64).powf(age_days / RECENCY_HALF_LIFE_DAYS)) as f32
}

/// Keeps user text from being read as field syntax on fields that are not searchable by
/// text (`id:`, `source:`): a colon only counts as field syntax for our text fields.
fn sanitize_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.split(':').enumerate() {
        if i > 0 {
            let prev_word = out
                .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '+' || c == '-')
                .next()
                .unwrap_or("");
            if matches!(prev_word, "title" | "lead" | "body") {
                out.push(':');
            } else {
                out.push(' ');
            }
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recency_prefers_new_articles() {
        let now = 1_700_000_000;
        let fresh = recency_factor(Some(now), now);
        let old = recency_factor(Some(now - 86_400 * 60), now);
        assert!(fresh > old, "{fresh} vs {old}");
        assert!(old >= 0.5);
    }

    #[test]
    fn colon_is_kept_only_for_text_fields() {
        assert_eq!(sanitize_query("id:5 title:мир"), "id 5 title:мир");
    }
}
