//! khronika's Russian language layer: here is an article's text, tell me its sentences, who
//! and what it mentions (PER / ORG / LOC with nominative normal forms), its quotes and dates.
//!
//! The named-entity recogniser is a Rust port of slovnet's news NER model (navec embeddings,
//! CNN and CRF; MIT-licensed weights from the natasha 1.6.0 wheel, converted by
//! `tools/convert_slovnet.py`). The model is embedded in the library, so [`Analyzer::load`]
//! needs no files at run time.
//!
//! ```no_run
//! let analyzer = khronika_understand::Analyzer::load().expect("embedded model");
//! let a = analyzer.analyze("Касым-Жомарт Токаев прилетел в Астану.");
//! for m in &a.entities {
//!     println!("{} {} → {}", m.kind.code(), m.text, m.normal);
//! }
//! ```
//!
//! [`tags::article_tags`] ranks 3–8 tags for an article (its entities, a recurring event
//! phrase, the site's tags in the nominative).
//!
//! Architecture invariants: no I/O except [`Analyzer::from_file`]; no global mutable state;
//! an [`Analyzer`] is immutable after loading and `Send + Sync`, so one instance serves a
//! thread pool. Cost: ≈ 376 k multiply-adds per token (the CNN), ~30 MB of model memory.

use std::path::Path;

use chrono::{DateTime, FixedOffset};

use khronika_model::{Analysis, EntityKind, Mention};

mod ner;
mod normal;
mod post;
mod qgemm;
pub mod quotes;
mod shape;
pub mod tags;
mod tensors;

use khronika_morph::{Morph, Token};
use ner::{NerModel, MAX_CHAIN};
pub use ner::{Precision, Tag};

/// The embedded model file (see `models/README.md`).
static EMBEDDED_MODEL: &[u8] = include_bytes!("../models/ner_news_v1.knt");

/// Texts longer than this (in bytes) are cut before analysis: bounded time and memory.
pub const MAX_TEXT_BYTES: usize = 16 * 1024 * 1024;

/// Errors loading a model.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("cannot read model file {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("malformed model file: {0}")]
    Format(String),
    #[error("cannot load the morphology dictionary: {0}")]
    Morph(#[from] khronika_morph::DictError),
}

/// A loaded language model; cheap to share (`&Analyzer` across threads).
#[derive(Debug)]
pub struct Analyzer {
    ner: NerModel,
    morph: Morph,
    precision: Precision,
    post_rules: bool,
}

/// Options of one analysis.
#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    /// The time relative dates ("вчера", "15 июня") are resolved against, usually the
    /// publication time; it may be a wall-clock time without an offset (then values come
    /// out without one too). Without it no dates are reported. The source's zone, when
    /// known, is part of the reference (see [`AnalyzeOptions::at`]).
    pub reference: Option<khronika_dates::Reference>,
}

impl AnalyzeOptions {
    /// Resolve dates against `reference`, seen from the source's zone `tz` when known.
    pub fn at(reference: DateTime<FixedOffset>, tz: Option<chrono_tz::Tz>) -> Self {
        AnalyzeOptions {
            reference: Some(khronika_dates::Reference::new(reference, tz)),
        }
    }
}

impl Analyzer {
    /// Load the model embedded in the library.
    pub fn load() -> Result<Self, ModelError> {
        let file = tensors::TensorFile::parse(EMBEDDED_MODEL)?;
        let indexes = embedded_indexes();
        Ok(Analyzer {
            ner: NerModel::from_tensors(&file, indexes)?,
            morph: Morph::new()?,
            precision: Precision::default(),
            post_rules: true,
        })
    }

    /// Load a model from a `.knt` file written by `tools/convert_slovnet.py`.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, ModelError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| ModelError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let file = tensors::TensorFile::parse(&bytes)?;
        Ok(Analyzer {
            ner: NerModel::from_tensors(&file, None)?,
            morph: Morph::new()?,
            precision: Precision::default(),
            post_rules: true,
        })
    }

    /// The same model computing at another precision ([`Precision::Int8`] by default).
    pub fn with_precision(mut self, precision: Precision) -> Self {
        self.precision = precision;
        self
    }

    /// Switch the span post-rules (module `post`: "СМИ" dropped, EU as ORG, media names)
    /// on or off; on by default. Off gives the bare slovnet model.
    pub fn with_post_rules(mut self, on: bool) -> Self {
        self.post_rules = on;
        self
    }

    /// Sentences, entities and quotes of `text`; no dates (no reference time), see
    /// [`Analyzer::analyze_with`].
    pub fn analyze(&self, text: &str) -> Analysis {
        self.analyze_with(text, &AnalyzeOptions::default())
    }

    /// [`Analyzer::analyze`] with options.
    pub fn analyze_with(&self, text: &str, opts: &AnalyzeOptions) -> Analysis {
        let text = truncate(text, MAX_TEXT_BYTES);
        let tokens = khronika_morph::tokenize(text);
        let sentences = khronika_morph::sentences(text);
        let mut entities = self.entities_from_tokens(text, &tokens);
        if self.post_rules {
            normal::split_glued(&self.morph, &mut entities);
        }
        normal::normalize(&self.morph, text, &mut entities);
        let quotes = quotes::find_quotes(text, &entities, &self.morph);
        let dates = match opts.reference {
            Some(reference) => khronika_dates::find_dates_at(text, &reference),
            None => Vec::new(),
        };
        Analysis {
            sentences,
            entities,
            quotes,
            dates,
        }
    }

    /// Fill `normal` of mentions of `text` (offsets in code points): the nominative from
    /// the morphology, then surname-only persons linked to a fuller name among `mentions`.
    pub fn normalize_mentions(&self, text: &str, mentions: &mut [Mention]) {
        normal::normalize(&self.morph, text, mentions);
    }

    /// The morphology the analyzer puts names in the nominative with.
    pub fn morph(&self) -> &Morph {
        &self.morph
    }

    /// Entity mentions over pre-computed tokens, `normal` still the surface form (see
    /// [`Analyzer::analyze`] for normal forms).
    pub fn entities_from_tokens(&self, text: &str, tokens: &[Token<'_>]) -> Vec<Mention> {
        // natasha tags nothing in a blank text
        if text.trim().is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for chain in tokens.chunks(MAX_CHAIN) {
            let words: Vec<&str> = chain.iter().map(|t| t.text).collect();
            let tags = self.ner.tag(&words, self.precision);
            let spans = if self.post_rules {
                let breaks: Vec<bool> = chain
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        i.checked_sub(1)
                            .and_then(|p| chain.get(p))
                            .and_then(|p| text.get(p.byte_end..t.byte_start))
                            .is_some_and(|gap| gap.contains('\n'))
                    })
                    .collect();
                post::apply(&words, &breaks, bio_spans(&tags))
            } else {
                bio_spans(&tags)
            };
            for (kind, first, last) in spans {
                let (Some(a), Some(b)) = (chain.get(first), chain.get(last)) else {
                    continue;
                };
                let surface = text
                    .get(a.byte_start..b.byte_end)
                    .unwrap_or_default()
                    .to_owned();
                out.push(Mention {
                    start: a.start,
                    end: b.end,
                    kind,
                    normal: surface.clone(),
                    text: surface,
                });
            }
        }
        out
    }

    /// The raw BIO tags of a word sequence (for tests and diagnostics).
    pub fn tag_words(&self, words: &[&str]) -> Vec<Tag> {
        words
            .chunks(MAX_CHAIN)
            .flat_map(|c| self.ner.tag(c, self.precision))
            .collect()
    }
}

fn embedded_indexes() -> Option<&'static [u8]> {
    let file = tensors::TensorFile::parse(EMBEDDED_MODEL).ok()?;
    file.u8("emb.word.indexes").ok().map(|(d, _)| d)
}

/// The longest prefix of `text` of at most `max` bytes ending on a char boundary.
fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// slovnet's `bio_spans`: (kind, first token, last token) of each span. A `B` opens a span
/// (closing any open one), `I` extends the open span whatever its type, `O` closes it,
/// `<pad>` does nothing.
fn bio_spans(tags: &[Tag]) -> Vec<(EntityKind, usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<(EntityKind, usize, usize)> = None;
    for (i, tag) in tags.iter().enumerate() {
        match *tag {
            Tag::O => out.extend(open.take()),
            Tag::B(kind) => {
                out.extend(open.take());
                open = Some((kind, i, i));
            }
            Tag::I(_) => {
                if let Some(span) = open.as_mut() {
                    span.2 = i;
                }
            }
            Tag::Pad => {}
        }
    }
    out.extend(open);
    out
}

/// Convenience: analyse one text with a loaded analyzer.
pub fn analyze(analyzer: &Analyzer, text: &str) -> Analysis {
    analyzer.analyze(text)
}
