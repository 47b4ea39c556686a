//! Sentence boundaries (fallback until `khronika_morph::sentences` is wired in): a sentence
//! ends after `.`, `!`, `?`, `…` (with closing quotes/brackets) when the next token starts
//! with an upper-case letter, a digit, an opening quote or a dash, and at blank lines.

use khronika_model::Span;

use crate::tokenize::Token;

pub(crate) fn sentences(text: &str, tokens: &[Token]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, tok) in tokens.iter().enumerate() {
        let first = *start.get_or_insert(tok.start);
        let t = tok.text(text);
        let next = tokens.get(i + 1);
        let gap = next.map_or("", |n| {
            text.get(tok.byte_end..n.byte_start).unwrap_or_default()
        });
        let ends_sentence = t.ends_with(['.', '!', '?', '…'])
            || (matches!(t, "»" | "\"" | ")" | "”")
                && i > 0
                && tokens
                    .get(i - 1)
                    .is_some_and(|p| p.text(text).ends_with(['.', '!', '?', '…'])));
        let next_starts = next.is_some_and(|n| {
            n.text(text).chars().next().is_some_and(|c| {
                c.is_uppercase()
                    || c.is_ascii_digit()
                    || matches!(c, '«' | '"' | '“' | '—' | '–' | '-')
            })
        });
        let boundary = next.is_none()
            || gap.matches('\n').count() >= 1
                && (ends_sentence || gap.matches('\n').count() >= 2 || true)
            || (ends_sentence && !gap.is_empty() && next_starts && !is_abbrev(t));
        if boundary {
            out.push(Span {
                start: first,
                end: tok.end,
            });
            start = None;
        }
    }
    out
}

/// Abbreviations after which a period does not end a sentence.
fn is_abbrev(tok: &str) -> bool {
    let t = tok.trim_end_matches('.');
    let lower = t.to_lowercase();
    t.chars().count() == 1 && t.chars().all(char::is_uppercase)
        || matches!(
            lower.as_str(),
            "г" | "гг"
                | "т"
                | "е"
                | "т.е"
                | "др"
                | "пр"
                | "ул"
                | "им"
                | "см"
                | "тыс"
                | "млн"
                | "млрд"
                | "руб"
                | "проф"
                | "акад"
                | "ст"
                | "д"
                | "с"
                | "н.э"
        )
}
