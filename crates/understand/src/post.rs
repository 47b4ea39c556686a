//! Post-rules over the model's spans, for conventions the slovnet model (trained on other
//! annotations) does not follow and for names it splits. Each rule was measured on
//! factRuEval dev and is general, not a list of dev strings:
//!
//! - "СМИ" (mass media, a common noun) is never an entity;
//! - the European Union ("ЕС", "Евросоюз", "Европейский союз") is an organisation, as in
//!   factRuEval (the model says LOC);
//! - well-known media whose names contain a place or a common word ("Голос Америки", "Эхо
//!   Москвы", "Радио Свобода", Central Asian outlets) are one ORG span.

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

/// Apply the rules to the spans of one token chain (`words` are the token texts).
pub(crate) fn apply(words: &[&str], spans: Vec<TokenSpan>) -> Vec<TokenSpan> {
    let lowered: Vec<String> = words.iter().map(|w| lower(w)).collect();
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
        let got = apply(&words, spans);
        assert_eq!(
            got,
            vec![
                (Organisation, 0, 1),
                (Organisation, 5, 5),
                (Organisation, 7, 8)
            ]
        );
        // lower-case "голос америки" is not the station
        let words = ["голос", "Америки"];
        assert_eq!(
            apply(&words, vec![(Location, 1, 1)]),
            vec![(Location, 1, 1)]
        );
    }
}
