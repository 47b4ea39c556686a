//! Search over khronika articles: "here is a Russian query and some filters, give me the
//! best articles with a highlighted snippet each".
//!
//! A [`SearchIndex`] is a tantivy index in a directory of the data dir (or in memory for
//! tests). Text fields go through a Russian analyser (lower case, `ё` folded to `е`,
//! our light Russian suffix stemmer, see [`stem_ru`]), so "саммита" finds "саммит" and "саммите"; quoted phrases
//! ("мирный саммит") match as phrases. Filters are exact terms on source, tag, entity and
//! story plus a publication date range. Ranking mixes BM25 with recency, or sorts purely by
//! date on request.
//!
//! The index is *derived* data: the store is the truth. [`SearchIndex::upsert`] replaces an
//! article's document by id, [`SearchIndex::commit`] records the store sequence number the
//! index has caught up to (in tantivy's commit payload), so a caller can index incrementally
//! with the store's change feed and rebuild from scratch with [`SearchIndex::clear`].
//!
//! Cost model: a search touches only postings and fast fields plus the stored documents of
//! the hits it returns (`limit`, capped at [`MAX_LIMIT`]); never fetch thousands of hits.
//! Writers are single: one process holds the index writer lock at a time.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;
use std::path::Path;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, OwnedValue, Schema, TextFieldIndexing, TextOptions, Value, FAST,
    INDEXED, STORED, STRING,
};
use tantivy::tokenizer::{
    RemoveLongFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Score, TantivyDocument, Term,
};

/// The most hits one search returns.
pub const MAX_LIMIT: usize = 100;
/// The deepest result one search may page to.
pub const MAX_OFFSET: usize = 10_000;
/// Longer query strings are cut (at a char boundary) before parsing.
pub const MAX_QUERY_CHARS: usize = 512;
/// Characters of body text in a snippet.
const SNIPPET_CHARS: usize = 240;
const RU_ANALYZER: &str = "ru_stem";
/// Writer memory: tantivy's minimum per thread is 15 MB; one thread is plenty for news.
const WRITER_HEAP: usize = 50_000_000;
/// Candidates taken by BM25 before the recency boost reorders them.
const RERANK_DEPTH: usize = 200;
/// Half-life of the recency boost, in days.
const RECENCY_HALF_LIFE_DAYS: f64 = 14.0;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index directory {path}: {source}")]
    Dir {
        path: String,
        source: std::io::Error,
    },
    #[error("search index directory {path}: {message}")]
    OpenDir { path: String, message: String },
    #[error("search index writer lock poisoned")]
    Poisoned,
    #[error("search index at {path} has an incompatible schema; run `khronika reindex`")]
    Schema { path: String },
}

pub type Result<T, E = IndexError> = std::result::Result<T, E>;

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
    pub published: Option<DateTime<Utc>>,
}

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

/// A piece of text with the byte ranges of matched words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    pub text: String,
    /// Byte ranges into `text`, sorted and non-overlapping.
    pub highlights: Vec<(usize, usize)>,
}

impl Snippet {
    /// The pieces of the snippet in order, each flagged whether it is a match. Ranges that
    /// do not fall on char boundaries are ignored rather than trusted.
    pub fn pieces(&self) -> Vec<(&str, bool)> {
        let mut out = Vec::new();
        let mut pos = 0;
        for &(start, end) in &self.highlights {
            if start < pos || end <= start {
                continue;
            }
            let (Some(before), Some(hit)) = (self.text.get(pos..start), self.text.get(start..end))
            else {
                continue;
            };
            if !before.is_empty() {
                out.push((before, false));
            }
            out.push((hit, true));
            pos = end;
        }
        if let Some(rest) = self.text.get(pos..) {
            if !rest.is_empty() {
                out.push((rest, false));
            }
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub id: u64,
    pub score: f32,
    pub title: String,
    pub url: Option<String>,
    pub source: String,
    pub published: Option<DateTime<Utc>>,
    pub title_snippet: Snippet,
    pub snippet: Snippet,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// How many documents match in all (not only this page).
    pub total: usize,
    pub hits: Vec<Hit>,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    url: Field,
    title: Field,
    lead: Field,
    body: Field,
    source: Field,
    tags: Field,
    entities: Field,
    story: Field,
    published: Field,
}

fn schema() -> (Schema, Fields) {
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
        story: b.add_text_field("story", STRING),
        published: b.add_date_field("published", INDEXED | STORED | FAST),
    };
    (b.build(), fields)
}

/// The analyser for Russian text: words, lower case, `ё`→`е`, then [`stem_ru`].
pub fn russian_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(64))
        .filter(FastLowerCaser)
        .filter(YoFolder)
        .filter(RuStemmer)
        .build()
}

/// Normalises a filter value (tag, entity) the same way at index and query time.
pub fn normalise_term(s: &str) -> String {
    s.trim().to_lowercase().replace('ё', "е")
}

/// Inflectional endings of nouns, adjectives, participles and past-tense verbs, longest
/// first. The `ов`/`ев` families make surnames consistent ("Смадияров", "Смадиярова",
/// "Смадиярову" all give "смадияр").
const RU_ENDINGS: &[&str] = &[
    "овыми",
    "евыми",
    "иями",
    "овым",
    "евым",
    "овой",
    "евой",
    "овых",
    "евых",
    "ого",
    "его",
    "ому",
    "ему",
    "ыми",
    "ими",
    "ами",
    "ями",
    "ием",
    "иям",
    "иях",
    "ова",
    "ева",
    "ову",
    "еву",
    "ове",
    "еве",
    "овы",
    "евы",
    "ая",
    "яя",
    "ое",
    "ее",
    "ые",
    "ие",
    "ый",
    "ий",
    "ой",
    "ей",
    "ую",
    "юю",
    "ых",
    "их",
    "ым",
    "им",
    "ом",
    "ем",
    "ах",
    "ях",
    "ам",
    "ям",
    "ов",
    "ев",
    "ью",
    "ия",
    "ья",
    "ье",
    "ьи",
    "ии",
    "ию",
    "а",
    "я",
    "о",
    "е",
    "ы",
    "и",
    "у",
    "ю",
    "ь",
    "й",
];
/// A stem keeps at least this many letters.
const MIN_STEM_CHARS: usize = 3;

/// A light Russian stemmer: drops a reflexive `ся`/`сь`, then the longest inflectional
/// ending that leaves a stem of at least three letters.
///
/// Why not Snowball: it strips verb endings from nouns ("саммит" → "самм" but "саммита" →
/// "саммит"), so the commonest news words stop matching their own inflections. Names,
/// places and events matter most in news search; verbs only conflate in the past tense
/// ("заявил", "заявила", "заявили") here, which is how news reports speech.
pub fn stem_ru(word: &str) -> String {
    word[..stem_len(word)].to_string()
}

/// Byte length of the stem [`stem_ru`] keeps: the analyser truncates tokens in place with
/// it instead of allocating a new string per word (tokenising bodies for snippets is a
/// large share of a search's cost).
fn stem_len(word: &str) -> usize {
    let mut w = word;
    let mut chars = w.chars().count();
    if chars > MIN_STEM_CHARS + 2 {
        if let Some(stripped) = w.strip_suffix("ся").or_else(|| w.strip_suffix("сь")) {
            w = stripped;
            chars -= 2;
        }
    }
    let wb = w.as_bytes();
    let Some(&[l0, l1]) = wb.len().checked_sub(2).and_then(|i| wb.get(i..)) else {
        return w.len();
    };
    for e in endings_by_last_letter(l0, l1) {
        if wb.ends_with(e) && chars - e.len() / 2 >= MIN_STEM_CHARS {
            return wb.len() - e.len();
        }
    }
    w.len()
}

/// The endings that end in the letter whose UTF-8 bytes are `l0 l1`, in [`RU_ENDINGS`]
/// order. Every ending is Cyrillic (two bytes a letter), so a word can only lose endings
/// that share its last letter; trying just those keeps stemming from dominating snippets.
fn endings_by_last_letter(l0: u8, l1: u8) -> &'static [&'static [u8]] {
    type Table = Vec<([u8; 2], Vec<&'static [u8]>)>;
    static TABLE: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t: Table = Vec::new();
        for ending in RU_ENDINGS {
            let e = str::as_bytes(ending);
            let Some(&[a, b]) = e.len().checked_sub(2).and_then(|i| e.get(i..)) else {
                continue;
            };
            match t.iter_mut().find(|(k, _)| *k == [a, b]) {
                Some((_, list)) => list.push(e),
                None => t.push(([a, b], vec![e])),
            }
        }
        t
    });
    table
        .iter()
        .find(|(k, _)| *k == [l0, l1])
        .map_or(&[], |(_, list)| list.as_slice())
}

#[derive(Clone)]
struct RuStemmer;

impl TokenFilter for RuStemmer {
    type Tokenizer<T: Tokenizer> = RuStemmerFilter<T>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> RuStemmerFilter<T> {
        RuStemmerFilter(tokenizer)
    }
}

#[derive(Clone)]
struct RuStemmerFilter<T>(T);

impl<T: Tokenizer> Tokenizer for RuStemmerFilter<T> {
    type TokenStream<'a> = RuStemmerStream<T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        RuStemmerStream(self.0.token_stream(text))
    }
}

struct RuStemmerStream<S>(S);

impl<S: TokenStream> TokenStream for RuStemmerStream<S> {
    fn advance(&mut self) -> bool {
        if !self.0.advance() {
            return false;
        }
        let tok = self.0.token_mut();
        // Only Cyrillic words: Latin names and numbers stay as written.
        if tok.text.chars().any(|c| ('а'..='я').contains(&c)) {
            let keep = stem_len(&tok.text);
            tok.text.truncate(keep);
        }
        true
    }
    fn token(&self) -> &Token {
        self.0.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

/// Is `c` part of a word? The same answer as `char::is_alphanumeric` (what tantivy's
/// `SimpleTokenizer` splits on), answered without the Unicode table lookup for ASCII and
/// the Russian alphabet: tokenising hit bodies for snippets dominates a search's CPU.
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{0410}'..='\u{044F}').contains(&c) || c == '\u{0401}' || c == '\u{0451}' {
        true
    } else {
        c.is_alphanumeric()
    }
}

/// Splits text into runs of alphanumeric characters; token for token what tantivy's
/// `SimpleTokenizer` yields (same offsets and positions), only faster on Cyrillic.
#[derive(Clone, Default)]
struct WordTokenizer {
    token: Token,
}

struct WordTokenStream<'a> {
    text: &'a str,
    chars: std::str::CharIndices<'a>,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream<'a> {
        self.token.reset();
        WordTokenStream {
            text,
            chars: text.char_indices(),
            token: &mut self.token,
        }
    }
}

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        self.token.position = self.token.position.wrapping_add(1);
        while let Some((from, c)) = self.chars.next() {
            if is_word_char(c) {
                let to = self
                    .chars
                    .find(|&(_, c)| !is_word_char(c))
                    .map_or(self.text.len(), |(i, _)| i);
                self.token.offset_from = from;
                self.token.offset_to = to;
                if let Some(word) = self.text.get(from..to) {
                    self.token.text.push_str(word);
                }
                return true;
            }
        }
        false
    }
    fn token(&self) -> &Token {
        self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Lower-cases tokens exactly as tantivy's `LowerCaser` does (char by char, no final-sigma
/// rule) with a table-free path for ASCII and the Russian alphabet.
#[derive(Clone)]
struct FastLowerCaser;

impl TokenFilter for FastLowerCaser {
    type Tokenizer<T: Tokenizer> = FastLowerCaserFilter<T>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> FastLowerCaserFilter<T> {
        FastLowerCaserFilter(tokenizer)
    }
}

#[derive(Clone)]
struct FastLowerCaserFilter<T>(T);

impl<T: Tokenizer> Tokenizer for FastLowerCaserFilter<T> {
    type TokenStream<'a> = FastLowerCaserStream<T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FastLowerCaserStream {
            tail: self.0.token_stream(text),
            buffer: String::new(),
        }
    }
}

struct FastLowerCaserStream<S> {
    tail: S,
    buffer: String,
}

/// Lower case of one char into `out`, as `char::to_lowercase` gives it.
#[inline]
fn push_lower(c: char, out: &mut String) {
    match c {
        'A'..='Z' => out.push(c.to_ascii_lowercase()),
        '\u{0410}'..='\u{042F}' => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
        '\u{0401}' => out.push('\u{0451}'),
        _ if c.is_ascii() || ('\u{0430}'..='\u{044F}').contains(&c) || c == '\u{0451}' => {
            out.push(c)
        }
        _ => out.extend(c.to_lowercase()),
    }
}

impl<S: TokenStream> TokenStream for FastLowerCaserStream<S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let tok = self.tail.token_mut();
        if tok.text.is_ascii() {
            tok.text.make_ascii_lowercase();
        } else {
            self.buffer.clear();
            for c in tok.text.chars() {
                push_lower(c, &mut self.buffer);
            }
            std::mem::swap(&mut tok.text, &mut self.buffer);
        }
        true
    }
    fn token(&self) -> &Token {
        self.tail.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Folds `ё` to `е` (texts use both spellings of the same word).
#[derive(Clone)]
struct YoFolder;

impl TokenFilter for YoFolder {
    type Tokenizer<T: Tokenizer> = YoFolderFilter<T>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> YoFolderFilter<T> {
        YoFolderFilter(tokenizer)
    }
}

#[derive(Clone)]
struct YoFolderFilter<T>(T);

impl<T: Tokenizer> Tokenizer for YoFolderFilter<T> {
    type TokenStream<'a> = YoFolderStream<T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        YoFolderStream(self.0.token_stream(text))
    }
}

struct YoFolderStream<S>(S);

impl<S: TokenStream> TokenStream for YoFolderStream<S> {
    fn advance(&mut self) -> bool {
        if !self.0.advance() {
            return false;
        }
        let tok = self.0.token_mut();
        if tok.text.contains('ё') {
            tok.text = tok.text.replace('ё', "е");
        }
        true
    }
    fn token(&self) -> &Token {
        self.0.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

/// A tantivy index of articles. Cheap to share behind an `Arc`; searches run concurrently,
/// writes are serialised by an internal lock.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    path: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the directory and an empty index if needed.
    pub fn open_or_create(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|source| IndexError::Dir {
            path: dir.display().to_string(),
            source,
        })?;
        let (schema, fields) = schema();
        let mmap =
            tantivy::directory::MmapDirectory::open(dir).map_err(|e| IndexError::OpenDir {
                path: dir.display().to_string(),
                message: e.to_string(),
            })?;
        let index = Index::open_or_create(mmap, schema.clone()).map_err(|e| match e {
            tantivy::TantivyError::SchemaError(_) => IndexError::Schema {
                path: dir.display().to_string(),
            },
            other => IndexError::Tantivy(other),
        })?;
        if index.schema() != schema {
            return Err(IndexError::Schema {
                path: dir.display().to_string(),
            });
        }
        Self::finish(index, fields, Some(dir.to_path_buf()))
    }

    /// An index that lives in memory only (tests, one-off demos).
    pub fn in_memory() -> Result<Self> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        Self::finish(index, fields, None)
    }

    fn finish(index: Index, fields: Fields, path: Option<std::path::PathBuf>) -> Result<Self> {
        index.tokenizers().register(RU_ANALYZER, russian_analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(None),
            fields,
            path,
        })
    }

    fn with_writer<R>(&self, f: impl FnOnce(&mut IndexWriter) -> Result<R>) -> Result<R> {
        let mut guard = self.writer.lock().map_err(|_| IndexError::Poisoned)?;
        if guard.is_none() {
            let w: IndexWriter = self.index.writer_with_num_threads(1, WRITER_HEAP)?;
            *guard = Some(w);
        }
        match guard.as_mut() {
            Some(w) => f(w),
            None => Err(IndexError::Poisoned),
        }
    }

    /// Adds the documents, replacing any earlier document with the same id. Not visible to
    /// searches until [`commit`](Self::commit).
    pub fn upsert(&self, docs: &[IndexDoc]) -> Result<()> {
        let f = self.fields;
        self.with_writer(|w| {
            for d in docs {
                w.delete_term(Term::from_field_u64(f.id, d.id));
                w.add_document(to_document(&f, d))?;
            }
            Ok(())
        })
    }

    /// Removes an article (taken down, deleted). Visible after commit.
    pub fn delete(&self, id: u64) -> Result<()> {
        let f = self.fields;
        self.with_writer(|w| {
            w.delete_term(Term::from_field_u64(f.id, id));
            Ok(())
        })
    }

    /// Drops every document (for a rebuild); visible after commit.
    pub fn clear(&self) -> Result<()> {
        self.with_writer(|w| {
            w.delete_all_documents()?;
            Ok(())
        })
    }

    /// Makes pending changes visible and records `seq`, the store change sequence number the
    /// index now reflects.
    pub fn commit(&self, seq: Option<u64>) -> Result<()> {
        self.with_writer(|w| {
            let mut prepared = w.prepare_commit()?;
            if let Some(seq) = seq {
                prepared.set_payload(&seq.to_string());
            }
            prepared.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(())
    }

    /// The store sequence number recorded by the last commit, if any.
    pub fn last_seq(&self) -> Result<Option<u64>> {
        let metas = self.index.load_metas()?;
        Ok(metas.payload.and_then(|p| p.trim().parse().ok()))
    }

    /// Picks up commits made by another process or handle.
    pub fn reload(&self) -> Result<()> {
        self.reader.reload()?;
        Ok(())
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Bytes the index takes on disk (0 in memory).
    pub fn size_bytes(&self) -> u64 {
        let Some(dir) = &self.path else { return 0 };
        std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter_map(|e| e.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }

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
        if q.from.is_some() || q.to.is_some() {
            let lower = q.from.map_or(Bound::Unbounded, |d| {
                Bound::Included(Term::from_field_date(f.published, to_tantivy_date(d)))
            });
            let upper = q.to.map_or(Bound::Unbounded, |d| {
                Bound::Excluded(Term::from_field_date(f.published, to_tantivy_date(d)))
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
                    top.order_by_fast_field::<tantivy::DateTime>("published", Order::Desc),
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
            let total = searcher.search(&query, &Count)?;
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
                            .date("published")
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

        let body_gen = text_query
            .as_ref()
            .map(|tq| -> Result<(Highlighter, Highlighter, Highlighter)> {
                let body = Highlighter::create(&searcher, tq.as_ref(), f.body, SNIPPET_CHARS)?;
                let lead = Highlighter::create(&searcher, tq.as_ref(), f.lead, SNIPPET_CHARS)?;
                let title = Highlighter::create(&searcher, tq.as_ref(), f.title, 1000)?;
                Ok((title, lead, body))
            })
            .transpose()?;
        let mut analyzer = russian_analyzer();

        let mut hits = Vec::with_capacity(scored.len());
        for (score, addr) in scored {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let title = first_str(&doc, f.title);
            let lead = first_str(&doc, f.lead);
            let (title_snippet, snippet) = match &body_gen {
                Some((tg, lg, bg)) => {
                    let ts = tg.snippet(&mut analyzer, &title);
                    let title_snippet = if ts.highlights.is_empty() {
                        Snippet {
                            text: title.clone(),
                            highlights: vec![],
                        }
                    } else {
                        ts
                    };
                    let mut s = bg.snippet_from_doc(&mut analyzer, &doc, f.body);
                    if s.highlights.is_empty() {
                        let ls = lg.snippet(&mut analyzer, &lead);
                        if !ls.highlights.is_empty() || s.text.is_empty() {
                            s = ls;
                        }
                    }
                    if s.text.is_empty() {
                        s = plain_snippet(&lead, &first_str(&doc, f.body));
                    }
                    (title_snippet, s)
                }
                None => (
                    Snippet {
                        text: title.clone(),
                        highlights: vec![],
                    },
                    plain_snippet(&lead, &first_str(&doc, f.body)),
                ),
            };
            let id = doc
                .get_first(f.id)
                .and_then(|v| v.as_u64())
                .unwrap_or_default();
            let url = Some(first_str(&doc, f.url)).filter(|u| !u.is_empty());
            let published = doc
                .get_first(f.published)
                .and_then(|v| v.as_datetime())
                .and_then(|d| DateTime::from_timestamp(d.into_timestamp_secs(), 0));
            hits.push(Hit {
                id,
                score,
                title,
                url,
                source: first_str(&doc, f.source),
                published,
                title_snippet,
                snippet,
            });
        }
        Ok(SearchResults { total, hits })
    }
}

impl SearchIndex {
    /// Recent articles that share the most entities and tags with an article ("Продолжая
    /// тему" until stories exist). Entities weigh twice as much as tags.
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
        ]);
        let searcher = self.reader.searcher();
        let now = Utc::now().timestamp();
        let collector = TopDocs::with_limit(limit.clamp(1, MAX_LIMIT)).tweak_score(
            move |seg: &tantivy::SegmentReader| {
                let col = seg.fast_fields().date("published").ok();
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
            let snippet = plain_snippet(&first_str(&doc, f.lead), &first_str(&doc, f.body));
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
                published: doc
                    .get_first(f.published)
                    .and_then(|v| v.as_datetime())
                    .and_then(|d| DateTime::from_timestamp(d.into_timestamp_secs(), 0)),
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

fn to_tantivy_date(d: DateTime<Utc>) -> tantivy::DateTime {
    tantivy::DateTime::from_timestamp_secs(d.timestamp())
}

fn first_str(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// The best fragment of a text with its matched words: tantivy's `SnippetGenerator`
/// algorithm (same term weights, fragments, choice and highlights), reusing one analyser
/// per search and looking tokens up as they come out of our analyser, which are already
/// lower case (tantivy lower-cases every token again, a fifth of a search's CPU).
struct Highlighter {
    terms: BTreeMap<String, Score>,
    max_bytes: usize,
}

struct Fragment {
    score: Score,
    start: usize,
    stop: usize,
    highlighted: Vec<(usize, usize)>,
}

impl Highlighter {
    fn create(
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        field: Field,
        max_bytes: usize,
    ) -> Result<Self> {
        let mut terms: BTreeSet<&Term> = BTreeSet::new();
        query.query_terms(&mut |term, _| {
            if term.field() == field {
                terms.insert(term);
            }
        });
        let mut out = BTreeMap::new();
        for term in terms {
            let value = term.value();
            let Some(text) = value.as_str() else {
                continue;
            };
            let doc_freq = searcher.doc_freq(term)?;
            if doc_freq > 0 {
                out.insert(text.to_string(), 1.0 / (1.0 + doc_freq as Score));
            }
        }
        Ok(Highlighter {
            terms: out,
            max_bytes,
        })
    }

    fn snippet_from_doc(
        &self,
        analyzer: &mut TextAnalyzer,
        doc: &TantivyDocument,
        field: Field,
    ) -> Snippet {
        let mut text = String::new();
        for v in doc.get_all(field) {
            if let Some(s) = v.as_str() {
                text.push(' ');
                text.push_str(s);
            }
        }
        self.snippet(analyzer, text.trim())
    }

    fn snippet(&self, analyzer: &mut TextAnalyzer, text: &str) -> Snippet {
        let empty = || Snippet::default();
        if self.terms.is_empty() {
            return empty();
        }
        let mut best: Option<Fragment> = None;
        let consider = |frag: Fragment, best: &mut Option<Fragment>| {
            // The first of equally scored fragments wins, as in tantivy.
            if frag.score > 0.0 && best.as_ref().is_none_or(|b| frag.score > b.score) {
                *best = Some(frag);
            }
        };
        let mut frag = Fragment {
            score: 0.0,
            start: 0,
            stop: 0,
            highlighted: Vec::new(),
        };
        let mut ts = analyzer.token_stream(text);
        while ts.advance() {
            let tok = ts.token();
            if tok.offset_to.wrapping_sub(frag.start) > self.max_bytes {
                let next = Fragment {
                    score: 0.0,
                    start: tok.offset_from,
                    stop: tok.offset_from,
                    highlighted: Vec::new(),
                };
                consider(std::mem::replace(&mut frag, next), &mut best);
            }
            frag.stop = tok.offset_to;
            if let Some(&score) = self.terms.get(&tok.text) {
                frag.score += score;
                frag.highlighted.push((tok.offset_from, tok.offset_to));
            }
        }
        consider(frag, &mut best);
        let Some(b) = best else { return empty() };
        let Some(fragment) = text.get(b.start..b.stop) else {
            return empty();
        };
        Snippet {
            text: fragment.to_string(),
            highlights: b
                .highlighted
                .iter()
                .map(|&(from, to)| (from - b.start, to - b.start))
                .collect(),
        }
    }
}

fn plain_snippet(lead: &str, body: &str) -> Snippet {
    let src = if lead.trim().is_empty() { body } else { lead };
    let mut text: String = src.chars().take(SNIPPET_CHARS).collect();
    if text.len() < src.len() {
        text.push('…');
    }
    Snippet {
        text,
        highlights: vec![],
    }
}

fn to_document(f: &Fields, d: &IndexDoc) -> TantivyDocument {
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
    if let Some(p) = d.published {
        doc.add_field_value(f.published, &OwnedValue::Date(to_tantivy_date(p)));
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::snippet::SnippetGenerator;

    #[test]
    fn snippet_pieces_mark_matches_and_skip_bad_ranges() {
        let s = Snippet {
            text: "мир саммит мира".into(),
            // "саммит" is bytes 7..19; (21, 22) cuts "и" in half and must be ignored.
            highlights: vec![(7, 19), (21, 22), (100, 200)],
        };
        let pieces = s.pieces();
        assert_eq!(
            pieces,
            vec![("мир ", false), ("саммит", true), (" мира", false)]
        );
    }

    #[test]
    fn recency_prefers_new_articles() {
        let now = 1_700_000_000;
        let fresh = recency_factor(Some(now), now);
        let old = recency_factor(Some(now - 86_400 * 60), now);
        assert!(fresh > old, "{fresh} vs {old}");
        assert!(old >= 0.5);
    }

    #[test]
    fn highlighter_matches_tantivys_snippet_generator() -> Result<()> {
        let idx = SearchIndex::in_memory()?;
        let words = "мирный саммит прошёл в Астане министр заявил что саммита не будет \
                     Президент Смадияров и саммите МИРНОГО процесса Ёлка ёлки рубль";
        let ws: Vec<&str> = words.split_whitespace().collect();
        let docs: Vec<IndexDoc> = (0..40u64)
            .map(|i| {
                let pick = |k: u64, n: usize| -> String {
                    (0..n)
                        .map(|j| ws[((i * 7 + k * 13 + j as u64 * 5) % ws.len() as u64) as usize])
                        .collect::<Vec<_>>()
                        .join(if i % 3 == 0 { ", " } else { " " })
                };
                IndexDoc {
                    id: i + 1,
                    title: pick(1, 6),
                    lead: pick(2, 15),
                    body: pick(3, 40 + i as usize * 9),
                    source: "s".into(),
                    ..Default::default()
                }
            })
            .collect();
        idx.upsert(&docs)?;
        idx.commit(None)?;
        let searcher = idx.reader.searcher();
        let f = idx.fields;
        let mut analyzer = russian_analyzer();
        let mut compared = 0;
        for text in [
            "саммит",
            "мирный саммит",
            "\"мирного саммита\"",
            "ёлка OR рубль",
            "нет",
        ] {
            let mut parser = QueryParser::for_index(&idx.index, vec![f.title, f.lead, f.body]);
            parser.set_conjunction_by_default();
            let (q, _) = parser.parse_query_lenient(text);
            for (field, max) in [(f.title, 1000), (f.lead, 40), (f.body, 120), (f.body, 7)] {
                let ours = Highlighter::create(&searcher, q.as_ref(), field, max)?;
                let mut theirs = SnippetGenerator::create(&searcher, q.as_ref(), field)?;
                theirs.set_max_num_chars(max);
                for d in &docs {
                    let doc: TantivyDocument = searcher.doc(
                        searcher
                            .search(
                                &TermQuery::new(
                                    Term::from_field_u64(f.id, d.id),
                                    IndexRecordOption::Basic,
                                ),
                                &TopDocs::with_limit(1).order_by_score(),
                            )?
                            .first()
                            .map(|x| x.1)
                            .ok_or(IndexError::Poisoned)?,
                    )?;
                    let t = theirs.snippet_from_doc(&doc);
                    let expect = Snippet {
                        text: t.fragment().to_string(),
                        highlights: t.highlighted().iter().map(|r| (r.start, r.end)).collect(),
                    };
                    assert_eq!(
                        ours.snippet_from_doc(&mut analyzer, &doc, field),
                        expect,
                        "{text}"
                    );
                    compared += usize::from(!expect.highlights.is_empty());
                }
            }
        }
        assert!(compared > 50, "{compared}");
        Ok(())
    }

    #[test]
    fn lower_case_is_idempotent() {
        // The highlighter skips tantivy's second lower-casing of analysed tokens.
        for c in (0u32..0x11_0000).filter_map(char::from_u32) {
            let once: String = c.to_lowercase().collect();
            assert_eq!(once.to_lowercase(), once, "{c:?}");
        }
    }

    #[test]
    fn colon_is_kept_only_for_text_fields() {
        assert_eq!(sanitize_query("id:5 title:мир"), "id 5 title:мир");
    }
}

#[cfg(test)]
mod analyzer_tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        let mut a = russian_analyzer();
        let mut ts = a.token_stream(text);
        let mut out = Vec::new();
        while ts.advance() {
            out.push(ts.token().text.clone());
        }
        out
    }

    fn same_stem(words: &str) {
        let t = tokens(words);
        assert!(t.windows(2).all(|w| w[0] == w[1]), "{words}: {t:?}");
    }

    #[test]
    fn fast_analyser_parts_match_tantivys() {
        use tantivy::tokenizer::{LowerCaser, SimpleTokenizer};
        let text = "Ёлка, ЁЖИК и Öl: ΣΊΣΥΦΟΣ İstanbul x²+ǅ 42км — Ѐѐ Ѓ ҐґЇ Ǆ中文\u{0483}слово!";
        let collect = |mut a: TextAnalyzer| {
            let mut ts = a.token_stream(text);
            let mut out = Vec::new();
            while ts.advance() {
                let t = ts.token();
                out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
            }
            out
        };
        let ours = collect(
            TextAnalyzer::builder(WordTokenizer::default())
                .filter(FastLowerCaser)
                .build(),
        );
        let theirs = collect(
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .build(),
        );
        assert!(ours.len() > 10, "{ours:?}");
        assert_eq!(ours, theirs);
        for c in (0u32..0x11_0000).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?}");
            let mut mine = String::new();
            push_lower(c, &mut mine);
            assert_eq!(mine, c.to_lowercase().collect::<String>(), "{c:?}");
        }
    }

    /// The stemmer as first written (allocating, `strip_suffix` per ending): the fast
    /// [`stem_len`] must cut every word at the same place.
    fn stem_reference(word: &str) -> String {
        let mut w = word;
        if w.chars().count() > MIN_STEM_CHARS + 2 {
            if let Some(stripped) = w.strip_suffix("ся").or_else(|| w.strip_suffix("сь")) {
                w = stripped;
            }
        }
        for ending in RU_ENDINGS {
            if let Some(stem) = w.strip_suffix(ending) {
                if stem.chars().count() >= MIN_STEM_CHARS {
                    return stem.to_string();
                }
            }
        }
        w.to_string()
    }

    #[test]
    fn fast_stemmer_matches_the_reference() {
        let text = "саммит саммита саммитами Смадиярова Смадияровыми мирная мирной участием \
                    отказался отказалась ся сь ая ого мой его ими ями иями новыми \
                    я а е x y ё ёж ежи ели ель тенге рубль слово словом президентов \
                    Ҫ ңа ә выборы экономикой сказалась были";
        let mut n = 0;
        for w in text.split_whitespace() {
            let w = w.to_lowercase();
            assert_eq!(stem_ru(&w), stem_reference(&w), "{w}");
            n += 1;
        }
        assert!(n > 40);
    }

    #[test]
    fn inflections_share_a_stem() {
        same_stem("саммит саммита саммите саммитом саммитов саммитах");
        same_stem("Смадияров Смадиярова Смадиярову Смадияровым");
        same_stem("Украина Украины Украине Украину Украиной");
        same_stem("участие участия участии участием");
        same_stem("мирный мирного мирному мирным мирная мирной");
        same_stem("заявил заявила заявили");
        same_stem("рубль рубля рублём рублем рубли");
        same_stem("слово слова слову словом");
        same_stem("отказался отказалась");
        assert_eq!(tokens("Ёлка"), tokens("елка"));
        // Different words stay apart.
        assert_ne!(tokens("мир"), tokens("мирный"));
        assert_ne!(tokens("саммит"), tokens("самолёт"));
    }
}
