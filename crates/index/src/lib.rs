//! Search over khronika articles: "here is a Russian query and some filters, give me the
//! best articles with a highlighted snippet each".
//!
//! A [`SearchIndex`] is a tantivy index in a directory of the data dir (or in memory for
//! tests). Text fields go through a Russian analyser (lower case, `ё` folded to `е`,
//! our light Russian suffix stemmer, see [`stem_ru`]), so "саммита" finds "саммит" and "саммите"; quoted phrases
//! ("мирный саммит") match as phrases. Filters are exact terms on source, tag, entity and
//! story, rubric, originals only (near-duplicate copies left out) plus a publication date range. Ranking mixes BM25 with recency, or sorts purely by
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

use std::collections::{BTreeMap, HashMap};
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
/// Bytes of body text in a snippet (about 130 Cyrillic letters, two lines).
const SNIPPET_CHARS: usize = 240;
/// Titles are shown whole up to this many bytes.
const MAX_TITLE_BYTES: usize = 1000;
const RU_ANALYZER: &str = "ru_stem";
/// Writer memory: tantivy's minimum per thread is 15 MB; one thread is plenty for news.
const WRITER_HEAP: usize = 50_000_000;
/// Doc-store block size: about one article's stored fields.
const DOC_STORE_BLOCK_BYTES: usize = 4096;
/// Candidates taken by BM25 before the recency boost reorders them.
const RERANK_DEPTH: usize = 200;
/// Half-life of the recency boost, in days.
const RECENCY_HALF_LIFE_DAYS: f64 = 14.0;
/// What the index holds and means. Bumped whenever documents of the same schema would be
/// built differently (for example when the story started to be filled): an index of another
/// version is deleted and rebuilt from the store on open, like one of another schema. Kept
/// in tantivy's commit payload in front of the store sequence (`v3:1234`).
pub const SCHEMA_VERSION: u32 = 3;

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
    #[error("search index at {path} was written for another schema")]
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
    rubric: Field,
    /// 1 for a near-duplicate copy, 0 for an original (indexed for `originals_only`).
    copy: Field,
    /// The original of a copy (stored only).
    duplicate_of: Field,
    /// Order key: published, else first seen (indexed, fast).
    time: Field,
    /// The stated publication time (stored only).
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
        story: b.add_text_field("story", STRING | STORED),
        rubric: b.add_text_field("rubric", STRING | STORED),
        copy: b.add_u64_field("copy", INDEXED),
        duplicate_of: b.add_u64_field("duplicate_of", STORED),
        time: b.add_date_field("time", INDEXED | STORED | FAST),
        published: b.add_date_field("published", STORED),
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
    ///
    /// An index written for another schema (an older khronika) is derived data: it is
    /// deleted and created empty, with no recorded sequence, so the next sync rebuilds it
    /// from the store. Only a directory holding a tantivy `meta.json` is ever deleted.
    pub fn open_or_create(dir: &Path) -> Result<Self> {
        match Self::open_dir(dir) {
            Err(IndexError::Schema { path }) if dir.join("meta.json").is_file() => {
                tracing::warn!(%path, "search index has an older schema: rebuilding it from the store");
                std::fs::remove_dir_all(dir).map_err(|source| IndexError::Dir {
                    path: path.clone(),
                    source,
                })?;
                Self::open_dir(dir)
            }
            other => other,
        }
    }

    fn open_dir(dir: &Path) -> Result<Self> {
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
        let other_version = index
            .load_metas()?
            .payload
            .is_some_and(|p| !p.starts_with(&payload_prefix()));
        if index.schema() != schema || other_version {
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

    fn finish(mut index: Index, fields: Fields, path: Option<std::path::PathBuf>) -> Result<Self> {
        // A hit's stored fields are read by decompressing its whole doc-store block; with
        // tantivy's 16 KiB blocks that is four articles for every hit shown. Segments
        // written from now on (new documents, merges) use the smaller block.
        index.settings_mut().docstore_blocksize = DOC_STORE_BLOCK_BYTES;
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

    fn new_writer(&self) -> Result<IndexWriter> {
        let w: IndexWriter = self.index.writer_with_num_threads(1, WRITER_HEAP)?;
        // Merge sooner than tantivy's default (8 segments a level): every segment costs each
        // search a term-dictionary look-up per query term and field.
        let mut policy = tantivy::merge_policy::LogMergePolicy::default();
        policy.set_min_num_segments(4);
        w.set_merge_policy(Box::new(policy));
        Ok(w)
    }

    fn with_writer<R>(&self, f: impl FnOnce(&mut IndexWriter) -> Result<R>) -> Result<R> {
        let mut guard = self.writer.lock().map_err(|_| IndexError::Poisoned)?;
        if guard.is_none() {
            *guard = Some(self.new_writer()?);
        }
        match guard.as_mut() {
            Some(w) => f(w),
            None => Err(IndexError::Poisoned),
        }
    }

    /// Merges all segments into one and waits for it. A bulk load (first sync, `reindex`)
    /// leaves a dozen segments; one segment makes each search's fixed cost (term look-ups,
    /// scorer set-up, the count pass) several times smaller.
    pub fn optimize(&self) -> Result<()> {
        let mut guard = self.writer.lock().map_err(|_| IndexError::Poisoned)?;
        if let Some(mut w) = guard.take() {
            // Pending changes are committed under the sequence already recorded, so a sync
            // re-applies them (upserts are idempotent) rather than losing them.
            let mut prepared = w.prepare_commit()?;
            if let Some(seq) = self.last_seq()? {
                prepared.set_payload(&payload(seq));
            }
            prepared.commit()?;
            // Background merges hold segments a forced merge would need.
            w.wait_merging_threads()?;
        }
        let ids = self.index.searchable_segment_ids()?;
        let mut w = self.new_writer()?;
        if ids.len() > 1 {
            w.merge(&ids).wait()?;
        }
        // Old segment files are only deleted once no reader or merge refers to them.
        let _ = w.garbage_collect_files().wait();
        *guard = Some(w);
        drop(guard);
        self.reader.reload()?;
        Ok(())
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
                prepared.set_payload(&payload(seq));
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
        Ok(metas.payload.and_then(|p| {
            p.trim()
                .strip_prefix(&payload_prefix())
                .and_then(|s| s.parse().ok())
        }))
    }

    /// Picks up commits made by another process or handle.
    pub fn reload(&self) -> Result<()> {
        self.reader.reload()?;
        Ok(())
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Searchable segments: each costs every search a term look-up per query term and field.
    pub fn num_segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
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

fn to_tantivy_date(d: DateTime<Utc>) -> tantivy::DateTime {
    tantivy::DateTime::from_timestamp_secs(d.timestamp())
}

fn payload_prefix() -> String {
    format!("v{SCHEMA_VERSION}:")
}

/// The commit payload: schema version and store sequence.
fn payload(seq: u64) -> String {
    format!("{}{seq}", payload_prefix())
}

fn opt_str(doc: &TantivyDocument, field: Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn first_str(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// Finds a search's words in hit texts and cuts the best snippet around them.
///
/// Why not tantivy's `SnippetGenerator`: it runs the analyser over the whole text of every
/// hit, and that was most of a search's CPU. Our analyser only lower-cases, folds `ё` and
/// cuts endings, so a word matches a query term exactly when its folded form *starts* with
/// the term and stems to it. The highlighter folds the text once in a pass that keeps byte
/// offsets (ASCII and Cyrillic case pairs have equal UTF-8 lengths), finds each term with
/// `memmem`, and stems only the words found there. Tested equal, word for word, to running
/// the analyser (`highlights_are_the_analysers_matches`).
struct Highlighter {
    /// Query terms as the analyser wrote them, with tantivy's snippet weight
    /// `1 / (1 + doc_freq)`: rare words pull the snippet towards them.
    terms: Vec<(memchr::memmem::Finder<'static>, Score)>,
}

/// A matched word: byte range in the text and its term's weight.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Match {
    start: usize,
    end: usize,
    weight: Score,
}

impl Highlighter {
    /// Collects the text terms of `query` on `fields`. A term's weight comes from its doc
    /// frequency in the first field that has it (one look-up per term, not per field).
    fn create(searcher: &tantivy::Searcher, query: &dyn Query, fields: &[Field]) -> Result<Self> {
        let mut by_text: BTreeMap<String, (usize, Term)> = BTreeMap::new();
        query.query_terms(&mut |term, _| {
            let Some(rank) = fields.iter().position(|&f| f == term.field()) else {
                return;
            };
            let value = term.value();
            let Some(text) = value.as_str() else {
                return;
            };
            match by_text.get(text) {
                Some((r, _)) if *r <= rank => {}
                _ => {
                    by_text.insert(text.to_string(), (rank, term.clone()));
                }
            }
        });
        let mut terms = Vec::with_capacity(by_text.len());
        for (text, (_, term)) in by_text {
            let doc_freq = searcher.doc_freq(&term)?;
            if doc_freq > 0 && !text.is_empty() {
                let finder = memchr::memmem::Finder::new(text.as_bytes()).into_owned();
                terms.push((finder, 1.0 / (1.0 + doc_freq as Score)));
            }
        }
        Ok(Highlighter { terms })
    }

    fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Every word of `text` the analyser would turn into one of the terms, in order.
    fn matches(&self, text: &str, folded: &mut Vec<u8>) -> Vec<Match> {
        fold_case(text, folded);
        let mut out = Vec::new();
        for (finder, weight) in &self.terms {
            let term_len = finder.needle().len();
            for start in finder.find_iter(folded) {
                let starts_word = text
                    .get(..start)
                    .and_then(|before| before.chars().next_back())
                    .is_none_or(|c| !is_word_char(c));
                if !starts_word {
                    continue;
                }
                let Some(rest) = text.get(start..) else {
                    continue;
                };
                let end = start
                    + rest
                        .char_indices()
                        .find(|&(_, c)| !is_word_char(c))
                        .map_or(rest.len(), |(i, _)| i);
                // The analyser drops words of 64 bytes or more (`RemoveLongFilter`).
                if end - start >= MAX_TOKEN_BYTES {
                    continue;
                }
                let stems_to_term = folded
                    .get(start..end)
                    .and_then(|w| std::str::from_utf8(w).ok())
                    .is_some_and(|w| stem_len(w) == term_len);
                if stems_to_term {
                    out.push(Match {
                        start,
                        end,
                        weight: *weight,
                    });
                }
            }
        }
        out.sort_by_key(|m| m.start);
        out
    }

    /// The window of at most `max_bytes` with the most match weight (the first of equals),
    /// widened to whole words, preferably from the start of its sentence; `…` marks a cut.
    /// Empty when nothing matches.
    fn snippet(&self, text: &str, max_bytes: usize, folded: &mut Vec<u8>) -> Snippet {
        let matches = self.matches(text, folded);
        let Some((start, end)) = best_window(text, &matches, max_bytes) else {
            return Snippet::default();
        };
        let mut out = String::with_capacity(end - start + 8);
        if start > 0 && !starts_sentence(text, start) {
            out.push_str("… ");
        }
        let shift = out.len();
        // Paragraph breaks read as spaces in a one-line snippet (same byte length, so the
        // highlight offsets hold).
        out.extend(text.get(start..end).unwrap_or_default().chars().map(|c| {
            if c == '\n' {
                ' '
            } else {
                c
            }
        }));
        let highlights = matches
            .iter()
            .filter(|m| m.start >= start && m.end <= end)
            .map(|m| (m.start - start + shift, m.end - start + shift))
            .collect();
        if end < text.len() {
            out.push_str(" …");
        }
        Snippet {
            text: out,
            highlights,
        }
    }
}

/// Longest token the analyser keeps (tantivy's `RemoveLongFilter` limit).
const MAX_TOKEN_BYTES: usize = 64;

/// Writes `text` lower-cased with `ё` folded to `е` into `out`, byte for byte: a char is
/// only replaced by one of the same UTF-8 length, so offsets in `out` are offsets in
/// `text`. Letters whose lower case has another length (rare: `İ`) stay as they are and
/// simply never match.
///
/// Runs of lower-case Russian and ASCII — most of a news text — are skipped eight bytes at
/// a time; only chunks holding a capital or another script go char by char.
fn fold_case(text: &str, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(text.as_bytes());
    let mut i = 0;
    while i < out.len() {
        if let Some(chunk) = out.get(i..i + 8).and_then(|c| <[u8; 8]>::try_from(c).ok()) {
            if is_folded_chunk(chunk) {
                // A chunk may end on a lead byte; the next one then starts on it.
                i += if matches!(chunk[7], 0xC2 | 0xD0 | 0xD1) {
                    7
                } else {
                    8
                };
                continue;
            }
        }
        let end = (i + 8).min(out.len());
        while i < end {
            i = fold_char_at(text, out, i);
        }
    }
}

/// Bytes that never need folding on their own: ASCII but capitals, the lead bytes of
/// Russian letters and of Latin-1 punctuation (`«`, `»`), and the continuation bytes of
/// lower-case Russian letters. Continuation bytes 0x80–0x8F and 0xB0–0xBF are lower case
/// after 0xD1 / 0xD0 but capitals after the other lead; [`is_folded_chunk`] checks pairs.
const FOLDED_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let v = b as u8;
        t[b] = v < 0x41
            || (v >= 0x5B && v <= 0x8F)
            || (v >= 0xB0 && v <= 0xBF)
            || v == 0xC2
            || v == 0xD0
            || v == 0xD1;
        b += 1;
    }
    t
};

/// True when folding would leave these 8 bytes (which start on a char boundary) as they
/// are.
#[inline]
fn is_folded_chunk(chunk: [u8; 8]) -> bool {
    if !chunk.iter().all(|&b| FOLDED_BYTE[usize::from(b)]) {
        return false;
    }
    let w = u64::from_le_bytes(chunk);
    const HIGH_NIBBLES: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    // Ѐ..Џ (incl. Ё, the Kazakh І, Uzbek Ў) are 0xD0 0x80..0x8F; Ѱ..Ѿ are 0xD1 0xB0..0xBF.
    let capital_after_d0 = (byte_eq_mask(w, 0xD0) << 8) & byte_eq_mask(w & HIGH_NIBBLES, 0x80);
    let capital_after_d1 = (byte_eq_mask(w, 0xD1) << 8) & byte_eq_mask(w & HIGH_NIBBLES, 0xB0);
    capital_after_d0 | capital_after_d1 == 0
}

/// 0x80 in every byte of `w` equal to `b`, 0 elsewhere (exact, no borrow between bytes).
#[inline]
fn byte_eq_mask(w: u64, b: u8) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let x = w ^ (0x0101_0101_0101_0101 * u64::from(b));
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// Folds the char at byte `i` of `out` (a copy of `text`) in place; returns the next char's
/// offset.
#[inline]
fn fold_char_at(text: &str, out: &mut [u8], i: usize) -> usize {
    let b0 = out[i];
    if b0 < 0x80 {
        out[i] = b0.to_ascii_lowercase();
        return i + 1;
    }
    let b1 = out.get(i + 1).copied().unwrap_or(0);
    match (b0, b1) {
        (0xD0, 0x81) | (0xD1, 0x91) => {
            // Ё, ё → е
            out[i] = 0xD0;
            out[i + 1] = 0xB5;
        }
        (0xD0, 0x90..=0x9F) => out[i + 1] = b1 + 0x20, // А..П → а..п
        (0xD0, 0xA0..=0xAF) => {
            // Р..Я → р..я
            out[i] = 0xD1;
            out[i + 1] = b1 - 0x20;
        }
        (0xD0, 0xB0..=0xBF) | (0xD1, 0x80..=0x8F) => {} // а..я
        _ => {
            let Some(c) = text.get(i..).and_then(|t| t.chars().next()) else {
                return i + 1;
            };
            let mut lower = c.to_lowercase();
            if let (Some(l), None) = (lower.next(), lower.next()) {
                if l != c && l.len_utf8() == c.len_utf8() {
                    l.encode_utf8(&mut out[i..i + c.len_utf8()]);
                }
            }
            return i + c.len_utf8();
        }
    }
    i + 2
}

/// Byte range of the snippet: the densest run of matches that fits in `max_bytes`, with
/// the room left spent on context — from the sentence start when it is near enough,
/// else a third before and the rest after — cut at word boundaries.
fn best_window(text: &str, matches: &[Match], max_bytes: usize) -> Option<(usize, usize)> {
    if matches.is_empty() {
        return None;
    }
    if text.len() <= max_bytes {
        return Some((0, text.len()));
    }
    let (mut best, mut best_score) = ((0, 0), Score::MIN);
    let mut j = 0;
    let mut score: Score = 0.0;
    for i in 0..matches.len() {
        if j < i {
            j = i;
            score = 0.0;
        }
        while j < matches.len() && matches[j].end - matches[i].start <= max_bytes {
            score += matches[j].weight;
            j += 1;
        }
        if score > best_score {
            best_score = score;
            best = (matches[i].start, matches[j - 1].end.max(matches[i].end));
        }
        score -= matches[i].weight;
    }
    let (core_start, core_end) = best;
    let slack = max_bytes.saturating_sub(core_end - core_start);
    let sentence = sentence_start(text, core_start, slack);
    let start = match sentence {
        Some(s) => s,
        None => word_start_at_or_after(text, core_start.saturating_sub(slack / 3)),
    }
    .min(core_start);
    let end = word_end_at_or_before(text, (start + max_bytes).min(text.len()), core_end);
    Some((start, end.max(core_end)))
}

/// Where the sentence holding `pos` starts, if that is at most `reach` bytes back.
fn sentence_start(text: &str, pos: usize, reach: usize) -> Option<usize> {
    let floor = pos.saturating_sub(reach);
    let before = text.get(..pos)?;
    for (i, c) in before.char_indices().rev() {
        if i < floor {
            return None;
        }
        if matches!(c, '.' | '!' | '?' | '…' | '\n') {
            let after = i + c.len_utf8();
            let rest = text.get(after..pos)?;
            return Some(after + (rest.len() - rest.trim_start().len()));
        }
    }
    (floor == 0).then_some(0)
}

fn starts_sentence(text: &str, pos: usize) -> bool {
    text.get(..pos)
        .map(|b| b.trim_end())
        .and_then(|b| b.chars().next_back())
        .is_none_or(|c| matches!(c, '.' | '!' | '?' | '…' | '\n'))
}

/// `pos` moved forward to the start of the next space-separated chunk (so a snippet never
/// opens with half a word or a stray comma), unless it already starts one.
fn word_start_at_or_after(text: &str, mut pos: usize) -> usize {
    while pos < text.len() && !text.is_char_boundary(pos) {
        pos += 1;
    }
    let Some(rest) = text.get(pos..) else {
        return text.len();
    };
    let at_chunk_start = text
        .get(..pos)
        .and_then(|b| b.chars().next_back())
        .is_none_or(char::is_whitespace);
    let skipped = if at_chunk_start {
        rest
    } else {
        rest.trim_start_matches(|c: char| !c.is_whitespace())
    };
    text.len() - skipped.trim_start().len()
}

/// `pos` moved back to the end of the last whole space-separated chunk before it; when
/// that would give back more than `floor`, to the end of the last whole word.
fn word_end_at_or_before(text: &str, mut pos: usize, floor: usize) -> usize {
    while pos > 0 && !text.is_char_boundary(pos) {
        pos -= 1;
    }
    let Some(before) = text.get(..pos) else {
        return 0;
    };
    let at_chunk_end = text
        .get(pos..)
        .and_then(|r| r.chars().next())
        .is_none_or(char::is_whitespace);
    if at_chunk_end {
        return before.trim_end().len();
    }
    let chunk_end = before
        .trim_end_matches(|c: char| !c.is_whitespace())
        .trim_end()
        .len();
    if chunk_end >= floor {
        return chunk_end;
    }
    let cuts_word = text
        .get(pos..)
        .and_then(|r| r.chars().next())
        .is_some_and(is_word_char);
    if cuts_word {
        before.trim_end_matches(is_word_char).len()
    } else {
        pos
    }
}

fn stored_date(doc: &TantivyDocument, field: Field) -> Option<DateTime<Utc>> {
    doc.get_first(field)
        .and_then(|v| v.as_datetime())
        .and_then(|d| DateTime::from_timestamp(d.into_timestamp_secs(), 0))
}

fn stored_body(doc: &TantivyDocument, f: Fields) -> &str {
    doc.get_first(f.body)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
}

fn plain_snippet(lead: &str, body: &str) -> Snippet {
    let src = if lead.trim().is_empty() { body } else { lead };
    let mut text: String = src
        .chars()
        .take(SNIPPET_CHARS)
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

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

    fn highlighter_for(query_words: &str) -> Highlighter {
        let mut analyzer = russian_analyzer();
        let mut ts = analyzer.token_stream(query_words);
        let mut terms = Vec::new();
        let mut weight = 1.0;
        while ts.advance() {
            let t = ts.token().text.clone();
            terms.push((
                memchr::memmem::Finder::new(t.as_bytes()).into_owned(),
                weight,
            ));
            weight *= 0.5;
        }
        Highlighter { terms }
    }

    /// Texts with the case, `ё`, digits, hyphens, Latin, Kazakh letters and lengths that
    /// make word matching go wrong.
    fn tricky_texts() -> Vec<String> {
        let words = "мирный Саммит САММИТА саммитами саммит-2025 пресаммит саммитёр Самми \
                     Ёлка ЕЛКИ ёлок «Смадияров» Смадиярова, СМАДИЯРОВУ. Қазақстан ҚАЗАҚСТАНДА \
                     Summit SUMMITS summit's 2025 саммит2 İstanbul ıstanbul Ελλάδα ΕΛΛΆΔΑ \
                     заявил заявила заявились — «саммит» (саммите) \
                     сааааааааааааааааааааааааааааааааааааммит";
        let ws: Vec<&str> = words.split_whitespace().collect();
        (0..60u64)
            .map(|i| {
                let n = 3 + (i as usize * 7) % 120;
                (0..n)
                    .map(|j| ws[((i * 11 + j as u64 * 17) % ws.len() as u64) as usize])
                    .collect::<Vec<_>>()
                    .join(match i % 4 {
                        0 => " ",
                        1 => ", ",
                        2 => ". ",
                        _ => "\n",
                    })
            })
            .collect()
    }

    #[test]
    fn highlights_are_the_analysers_matches() {
        let mut analyzer = russian_analyzer();
        let mut folded = Vec::new();
        let mut found = 0;
        for query in [
            "саммит",
            "мирный саммита",
            "ёлка смадияров",
            "казахстан қазақстан",
            "summit 2025",
            "istanbul ελλάδα",
            "заявил",
        ] {
            let h = highlighter_for(query);
            let terms: BTreeSet<String> = {
                let mut ts = analyzer.token_stream(query);
                let mut t = BTreeSet::new();
                while ts.advance() {
                    t.insert(ts.token().text.clone());
                }
                t
            };
            for text in tricky_texts() {
                let mut expected = Vec::new();
                let mut ts = analyzer.token_stream(&text);
                while ts.advance() {
                    let tok = ts.token();
                    if terms.contains(&tok.text) {
                        expected.push((tok.offset_from, tok.offset_to));
                    }
                }
                let got: Vec<(usize, usize)> = h
                    .matches(&text, &mut folded)
                    .iter()
                    .map(|m| (m.start, m.end))
                    .collect();
                // Words whose lower case changes length (İ) are the documented exception.
                let expected: Vec<_> = expected
                    .into_iter()
                    .filter(|&(a, b)| !text[a..b].contains('İ'))
                    .collect();
                assert_eq!(got, expected, "query {query:?} text {text:?}");
                found += got.len();
            }
        }
        assert!(found > 300, "{found}");
    }

    #[test]
    fn fold_case_keeps_offsets() {
        let mut out = Vec::new();
        for text in tricky_texts() {
            fold_case(&text, &mut out);
            let folded = std::str::from_utf8(&out).expect("valid UTF-8");
            assert_eq!(folded.len(), text.len());
            for (i, _) in text.char_indices() {
                assert!(folded.is_char_boundary(i));
            }
        }
        fold_case("ЁЖИК Ёжик ёжик ЯЗЫК Язык Qazaq ҚАЗАҚ", &mut out);
        assert_eq!(
            std::str::from_utf8(&out).ok(),
            Some("ежик ежик ежик язык язык qazaq қазақ")
        );
    }

    #[test]
    fn fold_case_equals_lower_case_with_yo_folded() {
        let mut out = Vec::new();
        let alphabet: String = ('\u{0400}'..='\u{04FF}')
            .chain('A'..='z')
            .chain("«»—“”…„ 0123456789,.".chars())
            .collect();
        let chars: Vec<char> = alphabet.chars().collect();
        for shift in 0..40usize {
            // Every char lands at every offset of the 8-byte chunks.
            let text: String = (0..chars.len() * 3)
                .map(|k| chars[(k * 7 + shift * 13) % chars.len()])
                .collect();
            let text = format!("{}{text}", "а".repeat(shift % 5) + &" ".repeat(shift % 3));
            let expected: String = text
                .chars()
                .map(|c| {
                    let mut l = c.to_lowercase();
                    match (l.next(), l.next()) {
                        (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
                        _ => c,
                    }
                })
                .map(|c| if c == 'ё' { 'е' } else { c })
                .collect();
            fold_case(&text, &mut out);
            assert_eq!(std::str::from_utf8(&out).ok(), Some(expected.as_str()));
        }
    }

    /// The best window by brute force: the most weight of whole matches within `max` bytes.
    fn brute_best(matches: &[Match], max: usize) -> Score {
        let mut best: Score = 0.0;
        for i in 0..matches.len() {
            let s: Score = matches[i..]
                .iter()
                .take_while(|m| m.end - matches[i].start <= max)
                .map(|m| m.weight)
                .sum();
            best = best.max(s);
        }
        best
    }

    #[test]
    fn snippet_is_the_densest_window_cut_at_words() {
        let mut folded = Vec::new();
        let mut checked = 0;
        for query in ["саммит", "мирный смадияров", "ёлка summit"] {
            let h = highlighter_for(query);
            for text in tricky_texts() {
                for max in [40, 120, SNIPPET_CHARS] {
                    let matches = h.matches(&text, &mut folded);
                    let s = h.snippet(&text, max, &mut folded);
                    if matches.is_empty() {
                        assert_eq!(s, Snippet::default());
                        continue;
                    }
                    let inner = s.text.trim_start_matches("… ").trim_end_matches(" …");
                    assert!(
                        inner.len() <= max,
                        "{max} {} {inner:?} {:?}",
                        inner.len(),
                        best_window(&text, &matches, max)
                    );
                    let (start, end) = best_window(&text, &matches, max).expect("a window");
                    assert_eq!(inner, text[start..end].replace('\n', " "));
                    if start > 0 {
                        let before = text[..start].chars().next_back();
                        assert!(!before.is_some_and(is_word_char), "cut word: {inner:?}");
                    }
                    if end < text.len() {
                        let after = text[end..].chars().next();
                        assert!(!after.is_some_and(is_word_char), "cut word: {inner:?}");
                    }
                    let inside: Vec<&Match> = matches
                        .iter()
                        .filter(|m| m.start >= start && m.end <= end)
                        .collect();
                    let score: Score = inside.iter().map(|m| m.weight).sum();
                    assert!(score >= brute_best(&matches, max) - 1e-6, "{inner:?}");
                    assert_eq!(s.highlights.len(), inside.len());
                    for (&(a, b), m) in s.highlights.iter().zip(&inside) {
                        assert_eq!(&s.text[a..b], &text[m.start..m.end]);
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "{checked}");
    }

    #[test]
    fn snippet_starts_at_the_sentence_when_it_can() {
        let h = highlighter_for("саммит");
        let mut folded = Vec::new();
        let text = "Первое предложение о погоде и ценах на зерно в области, довольно длинное. \
                    В Астане открылся саммит глав государств. Дальше идёт текст о другом, \
                    и его много, очень много, слишком много для одного сниппета в выдаче.";
        let s = h.snippet(text, 120, &mut folded);
        assert!(
            s.text.starts_with("В Астане открылся саммит"),
            "{:?}",
            s.text
        );
        assert!(s.text.ends_with(" …"), "{:?}", s.text);
        assert_eq!(s.pieces()[1], ("саммит", true));
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
