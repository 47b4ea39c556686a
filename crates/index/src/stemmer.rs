//! Our light Russian stemmer and the tantivy token filter that applies it.
//!
//! Why we stem ourselves rather than use tantivy's Snowball `Russian` stemmer: Snowball
//! strips verb endings from nouns ("саммит" → "самм" but "саммита" → "саммит"), so the
//! commonest news words stop matching their own inflections. This stemmer only cuts
//! inflectional endings of nouns, adjectives, participles and past-tense verbs, keeping every
//! form of a name, place or event on one stem; `every_form_of_a_lemma_gets_one_stem` checks
//! that on a word list of news words. Kept apart from the tokeniser and lower-casing
//! ([`crate::analyzer`]) because it is the part that decides what matches what; the snippet
//! highlighter calls [`stem_len`] directly.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

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
pub(crate) fn stem_len(word: &str) -> usize {
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
pub(crate) struct RuStemmer;

impl TokenFilter for RuStemmer {
    type Tokenizer<T: Tokenizer> = RuStemmerFilter<T>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> RuStemmerFilter<T> {
        RuStemmerFilter(tokenizer)
    }
}

#[derive(Clone)]
pub(crate) struct RuStemmerFilter<T>(T);

impl<T: Tokenizer> Tokenizer for RuStemmerFilter<T> {
    type TokenStream<'a> = RuStemmerStream<T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        RuStemmerStream(self.0.token_stream(text))
    }
}

pub(crate) struct RuStemmerStream<S>(S);

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzer::russian_analyzer;

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
