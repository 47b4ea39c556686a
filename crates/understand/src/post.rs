//! Post-rules over the model's spans, for conventions the slovnet model (trained on other
//! annotations) does not follow and for names it splits. Each rule was measured on
//! factRuEval dev and is general, not a list of dev strings:
//!
//! - "СМИ" (mass media, a common noun) is never an entity;
//! - the European Union ("ЕС", "Евросоюз", "Европейский союз") is an organisation, as in
//!   factRuEval (the model says LOC);
//! - well-known media whose names contain a place or a common word ("Голос Америки", "Эхо
//!   Москвы", "Радио Свобода", Central Asian outlets) are one ORG span;
//! - a name followed by its original spelling or abbreviation in brackets is two mentions,
//!   as factRuEval annotates them: "Джошуа Вольфа (Joshua Wolf)" → "Джошуа Вольфа" +
//!   "Joshua Wolf", "Комитет защиты журналистов (КЗЖ)" → two ORGs;
//! - brackets, bullets, dashes and quote marks at the edges of a span are not part of it
//!   ("• Коста Рика", "Бернс (");
//! - a span never crosses a line break or a list bullet: "Монако • Намибия" is two LOCs.

use khronika_model::EntityKind;

/// A model span over token indices `[first, last]`.
pub(crate) type TokenSpan = (EntityKind, usize, usize);

/// Media names: each word is a stem the token must start with (inflection allowed).
const MEDIA: &[&[&str]] = &[
    &["голос", "америки"],
    &["эх", "москвы"],
    &["радио", "свобод"],
    &["радио", "азаттык"],
    &["азаттык"],
    &["вечерн", "москв"],
    &["московск", "комсомол"],
    &["комсомольск", "правд"],
    &["казинформ"],
    &["tengrinews"],
    &["kaktus"],
    &["kun", ".", "uz"],
    &["24", ".", "kz"],
    &["хабар", "24"],
];

fn lower(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

fn stem_matches(token: &str, stem: &str) -> bool {
    // a stem with room for a case ending of up to 3 letters
    token.starts_with(stem) && token.chars().count() <= stem.chars().count() + 3
}

fn is_eu(words: &[String]) -> bool {
    match words {
        [w] => w == "ес" || w.starts_with("евросоюз"),
        [a, b] => a.starts_with("европейск") && b.starts_with("союз"),
        _ => false,
    }
}

/// Punctuation that never starts or ends a name.
fn is_edge_punct(word: &str) -> bool {
    matches!(
        word,
        "(" | ")"
            | "["
            | "]"
            | "•"
            | "·"
            | "«"
            | "»"
            | "\""
            | "„"
            | "“"
            | "”"
            | ","
            | ":"
            | ";"
            | "—"
            | "–"
            | "-"
    )
}

/// Cut spans at bullets and at line breaks (`breaks[i]`: a newline precedes token i).
fn cut(words: &[&str], breaks: &[bool], spans: Vec<TokenSpan>) -> Vec<TokenSpan> {
    let mut out = Vec::with_capacity(spans.len());
    for (kind, first, last) in spans {
        let mut start = first;
        for i in first + 1..=last {
            let bullet = matches!(words.get(i).copied(), Some("•" | "·"));
            if bullet || breaks.get(i).copied().unwrap_or(false) {
                if start < i {
                    out.push((kind, start, i - 1));
                }
                start = if bullet { i + 1 } else { i };
            }
        }
        if start <= last {
            out.push((kind, start, last));
        }
    }
    out
}

/// "X (Y)" → X and Y; then edge punctuation trimmed.
fn split_and_trim(words: &[&str], spans: Vec<TokenSpan>) -> Vec<TokenSpan> {
    let mut split = Vec::with_capacity(spans.len());
    for (kind, first, last) in spans {
        let open = (first + 1..last).find(|&i| words.get(i) == Some(&"("));
        match open {
            Some(p) if words.get(last) == Some(&")") && p + 1 < last => {
                split.push((kind, first, p - 1));
                split.push((kind, p + 1, last - 1));
            }
            _ => split.push((kind, first, last)),
        }
    }
    let mut out = Vec::with_capacity(split.len());
    for (kind, mut first, mut last) in split {
        let balanced = |a: usize, b: usize| {
            let opens = (a..=b).filter(|&i| words.get(i) == Some(&"(")).count();
            let closes = (a..=b).filter(|&i| words.get(i) == Some(&")")).count();
            opens == closes
        };
        while first < last && words.get(first).is_some_and(|w| is_edge_punct(w)) {
            first += 1;
        }
        while last > first
            && words.get(last).is_some_and(|w| is_edge_punct(w))
            && !(words.get(last) == Some(&")") && balanced(first, last))
        {
            last -= 1;
        }
        if words.get(first).is_some_and(|w| !is_edge_punct(w)) {
            out.push((kind, first, last));
        }
    }
    out
}

/// Apply the rules to the spans of one token chain (`words` are the token texts).
pub(crate) fn apply(words: &[&str], breaks: &[bool], spans: Vec<TokenSpan>) -> Vec<TokenSpan> {
    let lowered: Vec<String> = words.iter().map(|w| lower(w)).collect();
    let spans = split_and_trim(words, cut(words, breaks, spans));
    let mut out: Vec<TokenSpan> = Vec::with_capacity(spans.len());
    for (kind, first, last) in spans {
        let Some(ws) = lowered.get(first..=last) else {
            continue;
        };
        if ws.len() == 1 && words.get(first) == Some(&"СМИ") {
            continue;
        }
        let kind = if is_eu(ws) {
            EntityKind::Organisation
        } else {
            kind
        };
        out.push((kind, first, last));
    }
    // media names: replace whatever the model found over the name by one ORG span
    let mut i = 0;
    while i < lowered.len() {
        let hit = MEDIA.iter().find(|pat| {
            let capitalised = words
                .get(i)
                .and_then(|w| w.chars().next())
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
            capitalised
                && pat
                    .iter()
                    .enumerate()
                    .all(|(k, stem)| lowered.get(i + k).is_some_and(|t| stem_matches(t, stem)))
        });
        if let Some(pat) = hit {
            let (first, last) = (i, i + pat.len() - 1);
            out.retain(|&(_, a, b)| b < first || a > last);
            out.push((EntityKind::Organisation, first, last));
            i = last + 1;
        } else {
            i += 1;
        }
    }
    out.sort_by_key(|&(_, a, b)| (a, b));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use EntityKind::*;

    #[test]
    fn rules() {
        let words = [
            "Голос",
            "Америки",
            ":",
            "СМИ",
            "и",
            "ЕС",
            "в",
            "Европейском",
            "союзе",
        ];
        let spans = vec![
            (Location, 1, 1),
            (Organisation, 3, 3),
            (Location, 5, 5),
            (Location, 7, 8),
        ];
        let got = apply(&words, &[], spans);
        assert_eq!(
            got,
            vec![
                (Organisation, 0, 1),
                (Organisation, 5, 5),
                (Organisation, 7, 8)
            ]
        );
        let words = [
            "Джошуа",
            "Вольфа",
            "(",
            "Joshua",
            "Wolf",
            ")",
            ",",
            "•",
            "Коста",
            "Рика",
        ];
        let got = apply(&words, &[], vec![(Person, 0, 5), (Location, 7, 9)]);
        assert_eq!(got, vec![(Person, 0, 1), (Person, 3, 4), (Location, 8, 9)]);
        let words = ["Монако", "•", "Намибия", "Землю", "Все"];
        let breaks = [false, false, false, false, true];
        let got = apply(&words, &breaks, vec![(Location, 0, 2), (Location, 3, 4)]);
        assert_eq!(
            got,
            vec![
                (Location, 0, 0),
                (Location, 2, 2),
                (Location, 3, 3),
                (Location, 4, 4)
            ]
        );
        // lower-case "голос америки" is not the station
        let words = ["голос", "Америки"];
        assert_eq!(
            apply(&words, &[], vec![(Location, 1, 1)]),
            vec![(Location, 1, 1)]
        );
    }
}
