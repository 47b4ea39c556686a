//! A port of razdel's word tokenizer (razdel 0.5.0 `tokenize`), the segmentation the slovnet
//! NER model was trained on.
//!
//! Used until `khronika_morph::tokenize` lands; behaviour matches razdel token for token on
//! the factRuEval dev set (see the crate's tests). Offsets are Unicode code points.

/// A token: `[start, end)` in code points and in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub byte_start: usize,
    pub byte_end: usize,
}

impl Token {
    /// The token's text within the tokenised string.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.byte_start..self.byte_end).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AtomKind {
    Ru,
    Lat,
    Int,
    Punct,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Atom {
    kind: AtomKind,
    tok: Token,
}

const DASHES: &str = "‑–—−-";
const ENDINGS: &str = ".?!…";
// razdel's PUNCTS: its OPEN_BRACKETS is "([}" (sic), so "{" is not punctuation there.
const PUNCTS: &str = "\\/!#$%&*+,.:;<=>?@^_`|~№…‑–—−-«“‘»”’\"„'([})]}";

/// Python's `str.isspace()` set, which is what `\S` excludes in razdel's atom regex.
pub(crate) fn is_py_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\u{1c}'..='\u{20}'
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// `[а-яё]` under Python's case-insensitive matching.
pub(crate) fn is_ru_letter(c: char) -> bool {
    matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё' | '\u{1c80}'..='\u{1c86}')
}

/// `[a-z]` under Python's case-insensitive matching (includes ı, İ, ſ and the Kelvin sign).
pub(crate) fn is_lat_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '\u{130}' | '\u{131}' | '\u{17f}' | '\u{212a}')
}

/// Python's `\d`: Unicode general category Nd (Unicode 14 ranges).
pub(crate) fn is_py_digit(c: char) -> bool {
    const ND: &[(u32, u32)] = &[
        (0x30, 0x39),
        (0x660, 0x669),
        (0x6F0, 0x6F9),
        (0x7C0, 0x7C9),
        (0x966, 0x96F),
        (0x9E6, 0x9EF),
        (0xA66, 0xA6F),
        (0xAE6, 0xAEF),
        (0xB66, 0xB6F),
        (0xBE6, 0xBEF),
        (0xC66, 0xC6F),
        (0xCE6, 0xCEF),
        (0xD66, 0xD6F),
        (0xDE6, 0xDEF),
        (0xE50, 0xE59),
        (0xED0, 0xED9),
        (0xF20, 0xF29),
        (0x1040, 0x1049),
        (0x1090, 0x1099),
        (0x17E0, 0x17E9),
        (0x1810, 0x1819),
        (0x1946, 0x194F),
        (0x19D0, 0x19D9),
        (0x1A80, 0x1A89),
        (0x1A90, 0x1A99),
        (0x1B50, 0x1B59),
        (0x1BB0, 0x1BB9),
        (0x1C40, 0x1C49),
        (0x1C50, 0x1C59),
        (0xA620, 0xA629),
        (0xA8D0, 0xA8D9),
        (0xA900, 0xA909),
        (0xA9D0, 0xA9D9),
        (0xA9F0, 0xA9F9),
        (0xAA50, 0xAA59),
        (0xABF0, 0xABF9),
        (0xFF10, 0xFF19),
        (0x104A0, 0x104A9),
        (0x10D30, 0x10D39),
        (0x11066, 0x1106F),
        (0x110F0, 0x110F9),
        (0x11136, 0x1113F),
        (0x111D0, 0x111D9),
        (0x112F0, 0x112F9),
        (0x11450, 0x11459),
        (0x114D0, 0x114D9),
        (0x11650, 0x11659),
        (0x116C0, 0x116C9),
        (0x11730, 0x11739),
        (0x118E0, 0x118E9),
        (0x11950, 0x11959),
        (0x11C50, 0x11C59),
        (0x11D50, 0x11D59),
        (0x11DA0, 0x11DA9),
        (0x16A60, 0x16A69),
        (0x16AC0, 0x16AC9),
        (0x16B50, 0x16B59),
        (0x1D7CE, 0x1D7FF),
        (0x1E140, 0x1E149),
        (0x1E2F0, 0x1E2F9),
        (0x1E950, 0x1E959),
        (0x1FBF0, 0x1FBF9),
    ];
    let c = c as u32;
    if c < 0x80 {
        return (0x30..=0x39).contains(&c);
    }
    ND.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

fn atoms(text: &str) -> Vec<Atom> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    let mut cp = 0usize;
    while let Some((b, c)) = it.next() {
        let start = cp;
        cp += 1;
        if is_py_space(c) {
            continue;
        }
        let run: Option<(AtomKind, fn(char) -> bool)> = if is_ru_letter(c) {
            Some((AtomKind::Ru, is_ru_letter))
        } else if is_lat_letter(c) {
            Some((AtomKind::Lat, is_lat_letter))
        } else if is_py_digit(c) {
            Some((AtomKind::Int, is_py_digit))
        } else {
            None
        };
        let mut byte_end = b + c.len_utf8();
        let kind = match run {
            Some((kind, pred)) => {
                while let Some(&(nb, nc)) = it.peek() {
                    if !pred(nc) {
                        break;
                    }
                    byte_end = nb + nc.len_utf8();
                    cp += 1;
                    it.next();
                }
                kind
            }
            None if PUNCTS.contains(c) => AtomKind::Punct,
            None => AtomKind::Other,
        };
        out.push(Atom {
            kind,
            tok: Token {
                start,
                end: cp,
                byte_start: b,
                byte_end,
            },
        });
    }
    out
}

fn atom_text<'t>(text: &'t str, a: &Atom) -> &'t str {
    a.tok.text(text)
}

/// `s in chars` as Python evaluates it for a one-atom string: a substring test.
fn in_set(s: &str, set: &str) -> bool {
    !s.is_empty() && set.contains(s)
}

/// razdel's smile regex `^[=:;]-?[)(]{1,3}$`.
fn is_smile(s: &str) -> bool {
    let mut chars = s.chars().peekable();
    if !matches!(chars.next(), Some('=' | ':' | ';')) {
        return false;
    }
    if chars.peek() == Some(&'-') {
        chars.next();
    }
    let mut n = 0;
    for c in chars {
        if !matches!(c, ')' | '(') {
            return false;
        }
        n += 1;
    }
    (1..=3).contains(&n)
}

/// One razdel rule decision: Some(true) join, Some(false) split, None no opinion.
fn join(text: &str, atoms: &[Atom], i: usize, buffer: &str) -> bool {
    // `i` is the index of the right atom; the split is between atoms[i-1] and atoms[i].
    let get = |k: isize| -> Option<&Atom> {
        let idx = i as isize + k;
        if idx < 0 {
            None
        } else {
            atoms.get(idx as usize)
        }
    };
    let (Some(l1), Some(r1)) = (get(-1), get(0)) else {
        return false;
    };
    let l1t = atom_text(text, l1);
    let r1t = atom_text(text, r1);
    let rule2112 = |is_delim: &dyn Fn(&str) -> bool| -> Option<(Atom, Atom)> {
        let (left, right) = if is_delim(l1t) {
            (get(-2), Some(r1))
        } else if is_delim(r1t) {
            (Some(l1), get(1))
        } else {
            return None;
        };
        Some((*left?, *right?))
    };
    use AtomKind::*;
    // dash, underscore: join unless a side is punctuation
    for delim in
        [&|s: &str| in_set(s, DASHES) as bool, &|s: &str| s == "_"] as [&dyn Fn(&str) -> bool; 2]
    {
        if let Some((l, r)) = rule2112(delim) {
            if l.kind != Punct && r.kind != Punct {
                return true;
            }
        }
    }
    // float, fraction: join INT . INT and INT / INT
    for delim in
        [&|s: &str| in_set(s, ".,"), &|s: &str| in_set(s, "/\\")] as [&dyn Fn(&str) -> bool; 2]
    {
        if let Some((l, r)) = rule2112(delim) {
            if l.kind == Int && r.kind == Int {
                return true;
            }
        }
    }
    if l1.kind == Punct && r1.kind == Punct {
        let mut joined = String::with_capacity(buffer.len() + r1t.len());
        joined.push_str(buffer);
        joined.push_str(r1t);
        if is_smile(&joined) {
            return true;
        }
        if in_set(l1t, ENDINGS) && in_set(r1t, ENDINGS) {
            return true;
        }
        if matches!((l1t, r1t), ("-", "-") | ("*", "*")) {
            return true;
        }
    }
    if l1.kind == Other && matches!(r1.kind, Other | Ru | Lat) {
        return true;
    }
    if matches!(l1.kind, Other | Ru | Lat) && r1.kind == Other {
        return true;
    }
    l1t.to_lowercase() == "yahoo" && r1t == "!"
}

/// Split `text` into razdel tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let atoms = atoms(text);
    let mut out: Vec<Token> = Vec::with_capacity(atoms.len());
    let mut buffer: Option<Token> = None;
    for (i, atom) in atoms.iter().enumerate() {
        match buffer {
            None => buffer = Some(atom.tok),
            Some(mut cur) => {
                let adjacent = cur.byte_end == atom.tok.byte_start;
                if adjacent && join(text, &atoms, i, cur.text(text)) {
                    cur.end = atom.tok.end;
                    cur.byte_end = atom.tok.byte_end;
                    buffer = Some(cur);
                } else {
                    out.push(cur);
                    buffer = Some(atom.tok);
                }
            }
        }
    }
    out.extend(buffer);
    out
}
