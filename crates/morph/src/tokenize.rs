//! Word tokenisation with razdel's conventions (the NER model was trained on razdel tokens).
//!
//! The text is cut into atoms (a Cyrillic run, a Latin run, a digit run, one punctuation
//! char, or one other non-space char); adjacent atoms with no space between them are joined
//! by razdel's rules: words with inner dashes or underscores ("кто-то", "Нур-Султан"),
//! decimals and fractions ("44,8", "1/2"), runs of terminal punctuation ("?!", "..."),
//! emoticons (":-)"), and letters glued to other symbols ("Қазақстан", "ΔP").
//! As in razdel, "1 000" is two tokens and a URL is several tokens.

use crate::chars::{is_digit, is_space};

/// One token. Offsets are end-exclusive; `start`/`end` count Unicode code points (Python
/// string indices), `byte_start`/`byte_end` index the UTF-8 string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub start: usize,
    pub end: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    pub text: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ru,
    Lat,
    Int,
    Punct,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Atom {
    start: usize,
    end: usize,
    byte_start: usize,
    byte_end: usize,
    kind: Kind,
    /// The char of a one-char atom (punctuation, other), for the rules.
    first: char,
}

const DASHES: &str = "‑–—−-";
const ENDINGS: &str = ".?!…";
// razdel's bracket list has '}' twice and no '{' (so '{' is an "other" char); kept as is.
const PUNCTS: &str = "\\/!#$%&*+,.:;<=>?@^_`|~№…‑–—−-«“‘»”’\"„'([})]}";

#[inline]
fn is_ru(c: char) -> bool {
    matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё')
}

#[inline]
fn is_lat(c: char) -> bool {
    c.is_ascii_alphabetic()
}

#[inline]
fn is_punct(c: char) -> bool {
    PUNCTS.contains(c)
}

fn atoms(text: &str) -> Vec<Atom> {
    let mut out = Vec::with_capacity(text.len() / 4 + 1);
    let mut iter = text.char_indices().peekable();
    let mut cp = 0usize;
    while let Some((b, c)) = iter.next() {
        let start = cp;
        cp += 1;
        if is_space(c) {
            continue;
        }
        let kind = if is_ru(c) {
            Kind::Ru
        } else if is_lat(c) {
            Kind::Lat
        } else if is_digit(c) {
            Kind::Int
        } else if is_punct(c) {
            Kind::Punct
        } else {
            Kind::Other
        };
        let mut byte_end = b + c.len_utf8();
        if matches!(kind, Kind::Ru | Kind::Lat | Kind::Int) {
            let same: fn(char) -> bool = match kind {
                Kind::Ru => is_ru,
                Kind::Lat => is_lat,
                _ => is_digit,
            };
            while let Some(&(nb, nc)) = iter.peek() {
                if !same(nc) {
                    break;
                }
                iter.next();
                cp += 1;
                byte_end = nb + nc.len_utf8();
            }
        }
        out.push(Atom {
            start,
            end: cp,
            byte_start: b,
            byte_end,
            kind,
            first: c,
        });
    }
    out
}

fn is_smile(s: &str) -> bool {
    // ^[=:;]-?[)(]{1,3}$
    let mut it = s.chars().peekable();
    match it.next() {
        Some('=' | ':' | ';') => {}
        _ => return false,
    }
    if it.peek() == Some(&'-') {
        it.next();
    }
    let mut n = 0;
    for c in it {
        if c != ')' && c != '(' {
            return false;
        }
        n += 1;
    }
    (1..=3).contains(&n)
}

/// razdel's "2112" rules: a one-char delimiter atom between two atoms.
fn rule_2112(
    atoms: &[Atom],
    i: usize,
    is_delim: impl Fn(char) -> bool,
    rule: impl Fn(&Atom, &Atom) -> bool,
) -> Option<bool> {
    let left_1 = atoms.get(i.checked_sub(1)?)?;
    let right_1 = atoms.get(i)?;
    let one = |a: &Atom| a.end - a.start == 1 && is_delim(a.first);
    let (l, r) = if one(left_1) {
        (atoms.get(i.checked_sub(2)?)?, right_1)
    } else if one(right_1) {
        (left_1, atoms.get(i + 1)?)
    } else {
        return None;
    };
    rule(l, r).then_some(true)
}

fn join(text: &str, atoms: &[Atom], i: usize, buffer_byte_start: usize) -> bool {
    let (Some(left), Some(right)) = (atoms.get(i.wrapping_sub(1)), atoms.get(i)) else {
        return false;
    };
    let not_punct = |l: &Atom, r: &Atom| l.kind != Kind::Punct && r.kind != Kind::Punct;
    let both_int = |l: &Atom, r: &Atom| l.kind == Kind::Int && r.kind == Kind::Int;
    if let Some(j) = rule_2112(atoms, i, |c| DASHES.contains(c), not_punct) {
        return j;
    }
    if let Some(j) = rule_2112(atoms, i, |c| c == '_', not_punct) {
        return j;
    }
    if let Some(j) = rule_2112(atoms, i, |c| c == '.' || c == ',', both_int) {
        return j;
    }
    if let Some(j) = rule_2112(atoms, i, |c| c == '/' || c == '\\', both_int) {
        return j;
    }
    if left.kind == Kind::Punct && right.kind == Kind::Punct {
        if let Some(s) = text.get(buffer_byte_start..right.byte_end) {
            if is_smile(s) {
                return true;
            }
        }
        if ENDINGS.contains(left.first) && ENDINGS.contains(right.first) {
            return true;
        }
        if left.first == right.first && (left.first == '-' || left.first == '*') {
            return true;
        }
    }
    let letterish = |k: Kind| matches!(k, Kind::Other | Kind::Ru | Kind::Lat);
    if left.kind == Kind::Other && letterish(right.kind) {
        return true;
    }
    if letterish(left.kind) && right.kind == Kind::Other {
        return true;
    }
    if right.first == '!' && left.kind == Kind::Lat {
        if let Some(s) = text.get(left.byte_start..left.byte_end) {
            if s.eq_ignore_ascii_case("yahoo") {
                return true;
            }
        }
    }
    false
}

/// Splits `text` into tokens the way razdel's `tokenize` does.
///
/// ```
/// let toks: Vec<&str> = khronika_morph::tokenize("Рост 44,8% — кто-то сказал: «да»!")
///     .iter().map(|t| t.text).collect();
/// assert_eq!(toks, ["Рост", "44,8", "%", "—", "кто-то", "сказал", ":", "«", "да", "»", "!"]);
/// ```
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let atoms = atoms(text);
    let mut out = Vec::with_capacity(atoms.len());
    let Some(first) = atoms.first() else {
        return out;
    };
    let mut cur = (first.start, first.end, first.byte_start, first.byte_end);
    for i in 1..atoms.len() {
        let Some(atom) = atoms.get(i) else { break };
        let glued = atom.start == cur.1;
        if glued && join(text, &atoms, i, cur.2) {
            cur.1 = atom.end;
            cur.3 = atom.byte_end;
        } else {
            out.push(make(text, cur));
            cur = (atom.start, atom.end, atom.byte_start, atom.byte_end);
        }
    }
    out.push(make(text, cur));
    out
}

fn make(text: &str, (start, end, byte_start, byte_end): (usize, usize, usize, usize)) -> Token<'_> {
    Token {
        start,
        end,
        byte_start,
        byte_end,
        text: text.get(byte_start..byte_end).unwrap_or(""),
    }
}

/// Byte ranges of URLs, e-mail addresses, hashtags and @mentions in `text`.
fn special_spans(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out: Vec<(usize, usize)> = Vec::new();
    let boundary_before = |i: usize| {
        i == 0
            || text
                .get(..i)
                .and_then(|s| s.chars().next_back())
                .is_some_and(|c| !c.is_alphanumeric() && c != '_' && c != '@' && c != '.')
    };
    let mut i = 0;
    while i < b.len() {
        let rest = b.get(i..).unwrap_or(&[]);
        let starts = |p: &[u8]| {
            rest.len() >= p.len()
                && rest
                    .get(..p.len())
                    .is_some_and(|r| r.eq_ignore_ascii_case(p))
        };
        if (starts(b"http://") || starts(b"https://") || starts(b"www.")) && boundary_before(i) {
            let mut end = i;
            for (k, c) in text.get(i..).unwrap_or("").char_indices() {
                if c.is_whitespace() || "«»\"<>“”".contains(c) {
                    break;
                }
                end = i + k + c.len_utf8();
            }
            while end > i
                && text
                    .get(..end)
                    .and_then(|s| s.chars().next_back())
                    .is_some_and(|c| ".,;:!?)'…".contains(c))
            {
                end -= 1;
            }
            out.push((i, end));
            i = end.max(i + 1);
            continue;
        }
        match b.get(i) {
            Some(b'#') if boundary_before(i) => {
                let end = i
                    + 1
                    + text
                        .get(i + 1..)
                        .unwrap_or("")
                        .char_indices()
                        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
                        .map_or(text.len() - i - 1, |(k, _)| k);
                if end > i + 1 {
                    out.push((i, end));
                }
                i = end.max(i + 1);
                continue;
            }
            Some(b'@') => {
                let local = |c: &u8| c.is_ascii_alphanumeric() || b"._%+-".contains(c);
                let mut start = i;
                while start > 0 && b.get(start - 1).is_some_and(local) {
                    start -= 1;
                }
                let mut end = i + 1;
                while b.get(end).is_some_and(|c| {
                    c.is_ascii_alphanumeric() || *c == b'.' || *c == b'-' || *c == b'_'
                }) {
                    end += 1;
                }
                while end > i + 1 && b.get(end - 1) == Some(&b'.') {
                    end -= 1;
                }
                let domain = b.get(i + 1..end).unwrap_or(&[]);
                if start < i && domain.contains(&b'.') && boundary_before(start) {
                    if out.last().is_some_and(|&(_, e)| e > start) {
                        out.pop();
                    }
                    out.push((start, end));
                } else if start == i && end > i + 1 && boundary_before(i) {
                    out.push((i, end));
                }
                i = end.max(i + 1);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// [`tokenize`], then URLs, e-mail addresses, hashtags and @mentions joined into one token
/// each ("https://t.me/x", "info@bizmedia.kz", "#выборы"). For tags, quotes and display;
/// the NER model wants plain [`tokenize`] tokens.
pub fn tokenize_news(text: &str) -> Vec<Token<'_>> {
    let tokens = tokenize(text);
    let spans = special_spans(text);
    if spans.is_empty() {
        return tokens;
    }
    let mut out = Vec::with_capacity(tokens.len());
    let mut spans = spans.into_iter().peekable();
    let mut i = 0;
    while let Some(t) = tokens.get(i) {
        while spans.peek().is_some_and(|&(_, e)| e <= t.byte_start) {
            spans.next();
        }
        if let Some(&(s, e)) = spans.peek() {
            if s == t.byte_start {
                let mut j = i;
                while tokens.get(j + 1).is_some_and(|n| n.byte_end <= e) {
                    j += 1;
                }
                if let (Some(last), true) = (tokens.get(j), j > i) {
                    if last.byte_end == e {
                        out.push(make(text, (t.start, last.end, t.byte_start, last.byte_end)));
                        i = j + 1;
                        spans.next();
                        continue;
                    }
                }
            }
        }
        out.push(*t);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<&str> {
        tokenize(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn empty_and_spaces() {
        assert!(tokenize("").is_empty());
        assert!(tokenize(" \n\t\u{a0} ").is_empty());
    }

    #[test]
    fn dashes_and_hyphens() {
        assert_eq!(
            toks("Нур-Султан и Касым-Жомарт"),
            ["Нур-Султан", "и", "Касым-Жомарт"]
        );
        assert_eq!(toks("кто-то — нет"), ["кто-то", "—", "нет"]);
        assert_eq!(toks("15-16 июня"), ["15-16", "июня"]);
        assert_eq!(
            toks("Бургас -Алексондрополис"),
            ["Бургас", "-Алексондрополис"]
        );
        assert_eq!(toks("а--б"), ["а", "--", "б"]);
    }

    #[test]
    fn numbers() {
        assert_eq!(toks("44,8% и 3.14"), ["44,8", "%", "и", "3.14"]);
        assert_eq!(toks("1 000 руб."), ["1", "000", "руб", "."]);
        assert_eq!(toks("1/2"), ["1/2"]);
        assert_eq!(toks("5°C"), ["5", "°C"]);
        assert_eq!(toks("{x} [y]"), ["{x", "}", "[", "y", "]"]);
    }

    #[test]
    fn punctuation_and_smiles() {
        assert_eq!(toks("Что?! Да..."), ["Что", "?!", "Да", "..."]);
        // razdel only glues an emoticon whose every prefix is one (":-" is not).
        assert_eq!(toks("ок :-) ;(("), ["ок", ":", "-", ")", ";(("]);
        assert_eq!(toks("ок :)))"), ["ок", ":)))"]);
        assert_eq!(toks("«Казахтелеком»,"), ["«", "Казахтелеком", "»", ","]);
        assert_eq!(toks("Yahoo!"), ["Yahoo!"]);
    }

    #[test]
    fn urls_hashtags_emails_split_like_razdel() {
        assert_eq!(toks("#выборы"), ["#", "выборы"]);
        assert_eq!(toks("a@b.kz"), ["a", "@", "b", ".", "kz"]);
        assert_eq!(toks("Bizmedia.kz"), ["Bizmedia", ".", "kz"]);
    }

    #[test]
    fn news_tokens_keep_urls_emails_hashtags_whole() {
        let news: Vec<&str> = tokenize_news(
            "См. https://t.me/x?a=1, пишите info@bizmedia.kz #выборы2024 @akorda_press.",
        )
        .into_iter()
        .map(|t| t.text)
        .collect();
        assert_eq!(
            news,
            [
                "См",
                ".",
                "https://t.me/x?a=1",
                ",",
                "пишите",
                "info@bizmedia.kz",
                "#выборы2024",
                "@akorda_press",
                "."
            ]
        );
        assert_eq!(
            tokenize_news("Рост 44,8%").len(),
            tokenize("Рост 44,8%").len()
        );
        assert_eq!(toks_news("(www.gov.kz)"), ["(", "www.gov.kz", ")"]);
    }

    fn toks_news(s: &str) -> Vec<&str> {
        tokenize_news(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn other_letters_glue() {
        assert_eq!(toks("Қазақстан"), ["Қазақстан"]);
        assert_eq!(toks("Österreich"), ["Österreich"]);
    }

    #[test]
    fn offsets_are_code_points_and_bytes() {
        let t = tokenize("Ёж и ёж");
        let last = t.last().copied();
        assert_eq!(last.map(|x| (x.start, x.end)), Some((5, 7)));
        assert_eq!(last.map(|x| (x.byte_start, x.byte_end)), Some((8, 12)));
    }
}
