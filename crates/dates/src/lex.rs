//! Splits text into the tokens the date grammar works on: words (lowercased, `ё` → `е`),
//! digit runs and single punctuation marks, each with its code point span.

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Word,
    Num,
    Punct,
}

#[derive(Debug, Clone)]
pub struct Tok {
    pub kind: Kind,
    /// Lowercased text (`ё` folded to `е`); the digits for numbers; the mark for punctuation.
    pub text: String,
    /// Code point offsets into the source text, end exclusive.
    pub start: usize,
    pub end: usize,
    /// Whitespace separates this token from the previous one.
    pub space_before: bool,
}

impl Tok {
    /// The numeric value of a digit run of at most 9 digits (longer runs are never dates).
    pub fn num(&self) -> Option<u32> {
        if self.kind == Kind::Num && self.text.len() <= 9 {
            self.text.parse().ok()
        } else {
            None
        }
    }

    pub fn digits(&self) -> usize {
        if self.kind == Kind::Num {
            self.text.len()
        } else {
            0
        }
    }
}

fn fold(c: char) -> char {
    match c {
        'ё' | 'Ё' => 'е',
        _ => c.to_lowercase().next().unwrap_or(c),
    }
}

/// Tokenises `text`. Whitespace is dropped; other non-alphanumeric characters become one
/// punctuation token each.
pub fn tokenize(text: &str) -> Vec<Tok> {
    let mut toks: Vec<Tok> = Vec::new();
    let mut space = true;
    let mut cur: Option<Tok> = None;
    for (idx, c) in text.chars().enumerate() {
        let kind = if c.is_ascii_digit() {
            Some(Kind::Num)
        } else if c.is_alphabetic() {
            Some(Kind::Word)
        } else {
            None
        };
        if let Some(tok) = cur.as_mut() {
            if Some(tok.kind) == kind {
                tok.text.push(fold(c));
                tok.end = idx + 1;
                continue;
            }
        }
        if let Some(tok) = cur.take() {
            toks.push(tok);
            space = false;
        }
        match kind {
            Some(kind) => {
                cur = Some(Tok {
                    kind,
                    text: fold(c).to_string(),
                    start: idx,
                    end: idx + 1,
                    space_before: space,
                });
            }
            None if c.is_whitespace() => space = true,
            None => {
                toks.push(Tok {
                    kind: Kind::Punct,
                    text: c.to_string(),
                    start: idx,
                    end: idx + 1,
                    space_before: space,
                });
                space = false;
            }
        }
    }
    if let Some(tok) = cur.take() {
        toks.push(tok);
    }
    toks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_digits_letters_and_marks() {
        let t = tokenize("17ч10, 18-е Ёлки");
        let texts: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["17", "ч", "10", ",", "18", "-", "е", "елки"]);
        assert!(!t[1].space_before);
        assert!(t[4].space_before);
        assert_eq!((t[7].start, t[7].end), (12, 16));
    }

    #[test]
    fn long_digit_runs_have_no_value() {
        let t = tokenize("123456789012345678901234567890");
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].num(), None);
    }
}
