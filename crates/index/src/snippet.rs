//! Snippets and highlights: the piece of a hit's text shown under its title, with the
//! matched words marked.
//!
//! Separate from the search itself because it works on the stored text of the hits a
//! search returns, not on the index: it finds the query's terms with a fast case fold and
//! the stemmer instead of re-running the analyser (see [`Highlighter`]), then picks the
//! densest window and cuts it at word and sentence boundaries.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::{Score, Term};

use crate::analyzer::is_word_char;
use crate::stemmer::stem_len;
use crate::Result;

/// Bytes of body text in a snippet (about 130 Cyrillic letters, two lines).
pub(crate) const SNIPPET_CHARS: usize = 240;

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

/// Finds a search's words in hit texts and cuts the best snippet around them.
///
/// Why not tantivy's `SnippetGenerator`: it runs the analyser over the whole text of every
/// hit, and that was most of a search's CPU. Our analyser only lower-cases, folds `ё` and
/// cuts endings, so a word matches a query term exactly when its folded form *starts* with
/// the term and stems to it. The highlighter folds the text once in a pass that keeps byte
/// offsets (ASCII and Cyrillic case pairs have equal UTF-8 lengths), finds each term with
/// `memmem`, and stems only the words found there. Tested equal, word for word, to running
/// the analyser (`highlights_are_the_analysers_matches`).
pub(crate) struct Highlighter {
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
    pub(crate) fn create(
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        fields: &[Field],
    ) -> Result<Self> {
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

    pub(crate) fn is_empty(&self) -> bool {
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
    pub(crate) fn snippet(&self, text: &str, max_bytes: usize, folded: &mut Vec<u8>) -> Snippet {
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

pub(crate) fn plain_snippet(lead: &str, body: &str) -> Snippet {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzer::russian_analyzer;
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
}
