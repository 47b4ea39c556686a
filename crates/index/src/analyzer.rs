//! The Russian analyser the text fields are indexed and queried with: a word tokeniser and
//! lower-casing with fast paths for ASCII and the Russian alphabet, `ё` folding, then the
//! stemmer of [`crate::stemmer`].
//!
//! Separate from the index because it is plain text processing with its own invariants
//! (token for token what tantivy's `SimpleTokenizer` and `LowerCaser` give, tested here),
//! shared by indexing, queries and the snippet highlighter.

use tantivy::tokenizer::{
    RemoveLongFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

use crate::stemmer::RuStemmer;

/// The analyser for Russian text: words, lower case, `ё`→`е`, then [`stem_ru`](crate::stem_ru).
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

/// Is `c` part of a word? The same answer as `char::is_alphanumeric` (what tantivy's
/// `SimpleTokenizer` splits on), answered without the Unicode table lookup for ASCII and
/// the Russian alphabet: tokenising hit bodies for snippets dominates a search's CPU.
#[inline]
pub(crate) fn is_word_char(c: char) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
