//! Normal forms of entity mentions: the nominative from `khronika_morph` ("Айбека
//! Смадиярова" → "Айбек Смадияров", "в Швейцарии" → "Швейцария"), then surname-only person
//! mentions linked to the full name they abbreviate ("Смадияров" → "Айбек Смадияров").

use khronika_model::{EntityKind, Mention};
use khronika_morph::Morph;

/// Byte offsets of the given code point offsets (sorted or not), in one pass over `text`.
fn byte_offsets(text: &str, cps: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..cps.len()).collect();
    order.sort_by_key(|&i| cps.get(i).copied().unwrap_or(0));
    let mut out = vec![text.len(); cps.len()];
    let mut chars = text.char_indices().map(|(b, _)| b).enumerate().peekable();
    for i in order {
        let target = cps.get(i).copied().unwrap_or(0);
        while chars.peek().is_some_and(|&(cp, _)| cp < target) {
            chars.next();
        }
        if let (Some(&(cp, b)), Some(slot)) = (chars.peek(), out.get_mut(i)) {
            if cp == target {
                *slot = b;
            }
        }
    }
    out
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(|w| w.to_lowercase()).collect()
}

/// Fill `normal` of every mention.
pub(crate) fn normalize(morph: &Morph, text: &str, mentions: &mut [Mention]) {
    let cps: Vec<usize> = mentions.iter().flat_map(|m| [m.start, m.end]).collect();
    let bytes = byte_offsets(text, &cps);
    for (m, range) in mentions.iter_mut().zip(bytes.chunks_exact(2)) {
        if let [start, end] = *range {
            let normal = morph.normalize_in_text(text, start..end, m.kind);
            if !normal.trim().is_empty() {
                m.normal = normal;
            }
        }
    }
    link_surnames(mentions);
}

/// A one-word person mention takes the normal form of a longer person name in the same
/// text whose last word is the same (the nearest earlier one, else the first later one):
/// "Смадияров" after "Айбека Смадиярова" → "Айбек Смадияров".
fn link_surnames(mentions: &mut [Mention]) {
    let full: Vec<(usize, Vec<String>, String)> = mentions
        .iter()
        .enumerate()
        .filter(|(_, m)| m.kind == EntityKind::Person)
        .map(|(i, m)| (i, words(&m.normal), m.normal.clone()))
        .filter(|(_, w, _)| w.len() >= 2)
        .collect();
    if full.is_empty() {
        return;
    }
    for (i, m) in mentions.iter_mut().enumerate() {
        if m.kind != EntityKind::Person {
            continue;
        }
        let own = words(&m.normal);
        let [surname] = own.as_slice() else { continue };
        let matches = |(_, w, _): &&(usize, Vec<String>, String)| w.last() == Some(surname);
        let earlier = full.iter().rev().filter(|f| f.0 < i).find(matches);
        let later = full.iter().filter(|f| f.0 > i).find(matches);
        if let Some((_, _, name)) = earlier.or(later) {
            m.normal = name.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_offsets_cross_multibyte_chars() {
        let text = "a😀бв";
        assert_eq!(byte_offsets(text, &[0, 1, 2, 4, 3]), vec![0, 1, 5, 9, 7]);
    }

    fn per(start: usize, normal: &str) -> Mention {
        Mention {
            start,
            end: start + 1,
            kind: EntityKind::Person,
            text: normal.into(),
            normal: normal.into(),
        }
    }

    #[test]
    fn surname_links_to_earlier_full_name() {
        let mut ms = vec![
            per(0, "Айбек Смадияров"),
            per(10, "Смадияров"),
            per(20, "Байсалов"),
            per(30, "Эдиль Байсалов"),
        ];
        link_surnames(&mut ms);
        assert_eq!(ms[1].normal, "Айбек Смадияров");
        // no earlier full name: the later one is used
        assert_eq!(ms[2].normal, "Эдиль Байсалов");
    }
}
