//! Quotes and who said them: direct speech in «…», „…“, "…" and reported speech
//! ("X заявил, что …", "По словам X, …", "Как сообщил X, …", "… Об этом сообщил X"), each
//! attributed to a speaker in the nominative with the role the text gives them.
//!
//! The attribution is rule-based over the entity mentions the NER found:
//! - a dash after the quote ("», — подчеркнул Смадияров") or a colon before it
//!   ("Аветисян подчеркнула: «…»") names the speaker; a split quote («A, — сказал X, — B»)
//!   yields one entry per fragment;
//! - the speaker is resolved through surname-only mentions (to the full name seen elsewhere),
//!   pronouns ("отметил он" → the last person mentioned, matching the verb's gender) and
//!   descriptors ("— сообщил мэр" → the person whose role says "мэр", else the last one);
//! - roles come from appositions before a name ("официального представителя МИД Айбека
//!   Смадиярова" → "официальный представитель МИД") and are put in the nominative with a small
//!   lexicon of position nouns;
//! - «» around short names (companies, media, laws: «Казахтелеком», «О СМИ») and scare quotes
//!   are not quotes: a quoted span counts only with an attribution, or when it is long
//!   sentence-like speech standing as its own paragraph.
//!
//! Names of speakers are the mentions' `normal` forms from the entity layer (the nominative
//! by `khronika_morph`, a lone surname linked to the full name), and their gender is
//! `khronika_morph`'s `person_gender`: this module has no morphology of its own.
//!
//! Offsets are Unicode code points, end exclusive, like every span in `khronika_model`.
//!
//! This file holds the entry point, the shared types and text helpers; `lexicon` the word
//! lists, `candidates` the finding of direct and reported speech, `speakers` the people of
//! the text and speaker resolution.

mod candidates;
mod lexicon;
mod speakers;
#[cfg(test)]
mod tests;

use khronika_model::{EntityKind, Mention, Quote};
use khronika_morph::Morph;

/// Texts longer than this (in code points) are cut before looking for quotes.
pub const MAX_QUOTE_TEXT_CHARS: usize = 2_000_000;

const OPENERS: &[char] = &['«', '„', '“', '"'];
const DASHES: &[char] = &['—', '–', '-', '‒', '―'];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gender {
    Male,
    Female,
    Plural,
}

/// A word of the text: code point span and lowercased form (`ё` → `е`).
#[derive(Debug, Clone)]
struct Word {
    s: usize,
    e: usize,
    low: String,
    upper_first: bool,
}

/// One person: all mentions of the same surname, with the best name and a role.
#[derive(Debug, Clone)]
struct Person {
    name: String,
    /// Lowercased surname (last token of the best name).
    surname: String,
    gender: Option<Gender>,
    role: Option<String>,
    /// The name comes from a nominative mention (or the entity layer), not from a guess.
    sure: bool,
    multi: bool,
}

/// Who a quote's attribution points at, before resolution.
#[derive(Debug, Clone)]
enum Who {
    Person(usize),
    Pronoun(Option<Gender>),
    /// A descriptor word, the gender its verb shows, the descriptor phrase as written.
    Descriptor(String, Option<Gender>, String),
    Named(String),
    Unknown,
}

#[derive(Debug, Clone)]
struct Cand {
    start: usize,
    end: usize,
    direct: bool,
    who: Who,
    /// Where the attribution sits (pronouns resolve to people mentioned before it).
    at: usize,
}

struct Ctx<'a> {
    morph: &'a Morph,
    chars: Vec<char>,
    words: Vec<Word>,
    mentions: Vec<&'a Mention>,
    /// Person index of each PER mention (parallel to `mentions`, `None` for others).
    person_of: Vec<Option<usize>>,
    people: Vec<Person>,
    /// End offsets of person mentions (a role never runs across one).
    person_ends: std::collections::HashSet<usize>,
    /// Per mention: not governed by a preposition or noun (a likely subject).
    nominative: Vec<bool>,
}

/// All quotes of `text`, attributed using `entities`: the mentions of the same text with
/// their normal forms, as [`crate::Analyzer::analyze`] gives them; `morph` tells the gender
/// of a speaker's name.
pub fn find_quotes(text: &str, entities: &[Mention], morph: &Morph) -> Vec<Quote> {
    let chars: Vec<char> = text.chars().take(MAX_QUOTE_TEXT_CHARS).collect();
    let words = split_words(&chars);
    let mut mentions: Vec<&Mention> = entities
        .iter()
        .filter(|m| m.start < m.end && m.end <= chars.len())
        .collect();
    mentions.sort_by_key(|m| (m.start, m.end));
    let mut cx = Ctx {
        morph,
        chars,
        words,
        mentions,
        person_of: Vec::new(),
        people: Vec::new(),
        person_ends: std::collections::HashSet::new(),
        nominative: Vec::new(),
    };
    cx.person_ends = cx
        .mentions
        .iter()
        .filter(|m| m.kind == EntityKind::Person)
        .map(|m| m.end)
        .collect();
    cx.build_people();
    cx.nominative = cx
        .mentions
        .iter()
        .map(|m| m.kind == EntityKind::Person && !cx.oblique_context(m.start))
        .collect();
    let mut cands = Vec::new();
    let direct_spans = cx.direct_quotes(&mut cands);
    cx.reported_speech(&direct_spans, &mut cands);
    cands.sort_by_key(|c| (c.start, c.end));
    // overlapping readings of the same words: keep the first, unless one lies inside the
    // other (a quote within a quote)
    let mut kept: Vec<Cand> = Vec::with_capacity(cands.len());
    for c in cands {
        let clash = kept.iter().any(|k| {
            let nested = (k.start <= c.start && c.end <= k.end && k.direct && c.direct)
                || (c.start <= k.start && k.end <= c.end && k.direct && c.direct);
            c.start < k.end && k.start < c.end && !nested
        });
        if !clash {
            kept.push(c);
        }
    }
    let cands = kept;
    cx.resolve(&cands)
}

fn fold(c: char) -> char {
    match c {
        'ё' => 'е',
        'Ё' => 'Е',
        _ => c,
    }
}

fn split_words(chars: &[char]) -> Vec<Word> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars.get(i).is_some_and(|c| c.is_alphanumeric()) {
            let s = i;
            while i < chars.len() {
                let c = chars.get(i).copied().unwrap_or(' ');
                let joins = (c == '-' || c == '‑')
                    && i > s
                    && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
                if c.is_alphanumeric() || joins {
                    i += 1;
                } else {
                    break;
                }
            }
            let raw: String = chars.get(s..i).unwrap_or_default().iter().collect();
            let upper_first = raw.chars().next().is_some_and(char::is_uppercase);
            let low = raw.chars().flat_map(char::to_lowercase).map(fold).collect();
            out.push(Word {
                s,
                e: i,
                low,
                upper_first,
            });
        } else {
            i += 1;
        }
    }
    out
}

impl<'a> Ctx<'a> {
    fn slice(&self, s: usize, e: usize) -> String {
        self.chars.get(s..e).unwrap_or_default().iter().collect()
    }

    /// Index of the first word starting at or after `pos`.
    fn word_at(&self, pos: usize) -> usize {
        self.words.partition_point(|w| w.s < pos)
    }

    /// The non-space characters strictly between two positions.
    fn gap(&self, s: usize, e: usize) -> String {
        self.chars
            .get(s..e.max(s))
            .unwrap_or_default()
            .iter()
            .filter(|c| !c.is_whitespace())
            .collect()
    }

    fn is_sentence_end(&self, i: usize) -> bool {
        let c = self.chars.get(i).copied().unwrap_or('\n');
        if c == '\n' {
            return true;
        }
        if !matches!(c, '.' | '!' | '?' | '…') {
            return false;
        }
        // an initial or an abbreviation ("г.", "А.") is not a sentence end
        let prev_word = self.words.get(self.word_at(i).saturating_sub(1));
        if c == '.' {
            if let Some(w) = prev_word.filter(|w| w.e == i) {
                let n = w.low.chars().count();
                if n == 1
                    || matches!(
                        w.low.as_str(),
                        "г" | "гг"
                            | "т"
                            | "д"
                            | "ул"
                            | "им"
                            | "тыс"
                            | "млн"
                            | "млрд"
                            | "руб"
                            | "долл"
                    )
                {
                    return false;
                }
            }
        }
        let next = self
            .chars
            .get(i + 1..)
            .unwrap_or_default()
            .iter()
            .find(|c| !c.is_whitespace());
        match next {
            None => true,
            Some(n) => n.is_uppercase() || OPENERS.contains(n) || DASHES.contains(n) || *n == '«',
        }
    }

    /// Start of the sentence containing `pos`.
    fn sentence_start(&self, pos: usize) -> usize {
        let mut i = pos;
        while i > 0 {
            if self.is_sentence_end(i - 1) {
                return i;
            }
            i -= 1;
        }
        0
    }

    /// End (exclusive, at the final mark) of the sentence containing `pos`.
    fn sentence_end(&self, pos: usize) -> usize {
        let mut i = pos;
        let mut depth = 0i32;
        while i < self.chars.len() {
            let c = self.chars.get(i).copied().unwrap_or('\n');
            match c {
                '«' | '„' => depth += 1,
                '»' | '“' if depth > 0 => depth -= 1,
                _ => {}
            }
            if (depth == 0 || c == '\n') && self.is_sentence_end(i) {
                return i;
            }
            i += 1;
        }
        self.chars.len()
    }
}

/// Trims whitespace (and a trailing comma) from `[s, e)`.
fn trim_span(chars: &[char], mut s: usize, mut e: usize) -> (usize, usize) {
    e = e.min(chars.len());
    while s < e && chars.get(s).is_some_and(|c| c.is_whitespace()) {
        s += 1;
    }
    while e > s
        && chars
            .get(e - 1)
            .is_some_and(|c| c.is_whitespace() || *c == ',')
    {
        e -= 1;
    }
    (s, e)
}

fn lower_first(s: &str) -> String {
    let mut it = s.chars();
    let Some(first) = it.next() else {
        return String::new();
    };
    let second_upper = s.chars().nth(1).is_some_and(char::is_uppercase);
    if second_upper {
        return s.to_owned();
    }
    first.to_lowercase().chain(it).collect()
}

fn org_name(m: &Mention) -> String {
    if m.normal.trim().is_empty() {
        m.text.clone()
    } else {
        m.normal.clone()
    }
}
