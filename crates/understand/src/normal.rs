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
    s.split_whitespace()
        .map(|w| w.to_lowercase().replace('ё', "е"))
        .collect()
}

/// Whether a word of a name is a patronymic ("Николаевича", "Ивановна", "Адилбекулы").
fn is_patronymic(word: &str) -> bool {
    let w = word.to_lowercase();
    [
        "вич",
        "вича",
        "вичу",
        "вичем",
        "виче",
        "вна",
        "вны",
        "вне",
        "вну",
        "вной",
        "чна",
        "чны",
        "чне",
        "чну",
        "чной",
        "улы",
        "уулу",
        "кызы",
        "оглы",
    ]
    .iter()
    .any(|e| w.ends_with(e))
}

/// A person span whose first word is a known common or proper noun in an oblique case, not
/// a name (a named body or place, a genitive, or a lower-case word), glued to the name after
/// it by the NER ("Аль-Джазиры Сами аль-Хадж", "лидера
/// Аль-Кайды Усамы бин Ладена", "Мажилиса Ерболат Мукашев", "Премьеру Медведеву"): the seen
/// pattern is an organisation, place or title in the genitive or dative right before a
/// name. The first word is cut off; it becomes its own ORG or LOC mention when the
/// dictionary says it names one. Unknown words are never cut (foreign first names).
pub(crate) fn split_glued(morph: &Morph, mentions: &mut Vec<Mention>) {
    if !mentions
        .iter()
        .any(|m| m.kind == EntityKind::Person && m.text.contains(char::is_whitespace))
    {
        return;
    }
    let mut out = Vec::with_capacity(mentions.len() + 2);
    for m in mentions.drain(..) {
        let mut parts = m.text.split_whitespace();
        let (Some(first), Some(second)) = (parts.next(), parts.next()) else {
            out.push(m);
            continue;
        };
        if m.kind != EntityKind::Person || m.text.split_whitespace().any(is_patronymic) {
            out.push(m);
            continue;
        }
        let fp = morph.parse(first);
        let glued = !fp.is_empty()
            && fp.iter().all(|p| {
                p.method == khronika_morph::Method::Dictionary
                    && !p.tag.is_person_part()
                    && !(p.tag.pos == Some(khronika_morph::Pos::Noun)
                        && p.tag.case == Some(khronika_morph::Case::Nomn))
            })
            && fp
                .iter()
                .any(|p| p.tag.pos == Some(khronika_morph::Pos::Noun))
            && morph.parse(second).iter().any(|p| p.tag.is_person_part())
            // A capitalised common noun in another case may be a foreign name itself
            // ("Тору Камикава"): only a named body or place, a genitive (the title's
            // complement: "депутат Мажилиса …") or a word the text writes in lower case.
            && (fp.iter().any(|p| p.tag.is_org() || p.tag.is_geo())
                || fp
                    .iter()
                    .filter(|p| p.tag.pos == Some(khronika_morph::Pos::Noun))
                    .all(|p| p.tag.case == Some(khronika_morph::Case::Gent))
                || first.starts_with(char::is_lowercase));
        // the second word's offset, in code points (one pass over the span only)
        let rest_at = m
            .text
            .char_indices()
            .skip_while(|(_, c)| !c.is_whitespace())
            .skip_while(|(_, c)| c.is_whitespace())
            .map(|(b, _)| b)
            .next();
        let Some(rest_at) = rest_at.filter(|_| glued) else {
            out.push(m);
            continue;
        };
        let first_len = first.chars().count();
        let skip = m.text.get(..rest_at).map_or(0, |h| h.chars().count());
        let kind = if fp.iter().any(|p| p.tag.is_geo()) {
            Some(EntityKind::Location)
        } else if fp.iter().any(|p| p.tag.is_org()) {
            Some(EntityKind::Organisation)
        } else {
            None
        };
        if let Some(kind) = kind {
            out.push(Mention {
                start: m.start,
                end: m.start + first_len,
                kind,
                text: first.to_owned(),
                normal: first.to_owned(),
            });
        }
        let text = m.text.get(rest_at..).unwrap_or_default().to_owned();
        out.push(Mention {
            start: m.start + skip,
            end: m.end,
            kind: m.kind,
            normal: text.clone(),
            text,
        });
    }
    *mentions = out;
}

/// Fill `normal` of every mention.
pub(crate) fn normalize(morph: &Morph, text: &str, mentions: &mut [Mention]) {
    let cps: Vec<usize> = mentions.iter().flat_map(|m| [m.start, m.end]).collect();
    let bytes = byte_offsets(text, &cps);
    for (m, range) in mentions.iter_mut().zip(bytes.chunks_exact(2)) {
        if let [start, end] = *range {
            let normal = morph.normalize_in_text(text, start..end, m.kind);
            if !normal.trim().is_empty() {
                m.normal = close_quotes(normal);
            }
        }
    }
    settle_by_other_forms(morph, text, mentions);
    link_names(morph, mentions);
}

/// A name whose span stopped before its closing quote ("ТОО «Адель Кус" of "ТОО «Адель
/// Кус»": the NER's tokens end at the last word) gets the quote back in its normal form.
fn close_quotes(mut normal: String) -> String {
    for (open, close) in [('«', '»'), ('„', '“')] {
        let opened = normal.matches(open).count();
        let closed = normal.matches(close).count();
        for _ in closed..opened {
            normal.push(close);
        }
    }
    normal
}

/// Most words checked against the text per ambiguous mention: bounded work on long texts.
const MAX_FORMS_CHECKED: usize = 64;

/// A one-word place or organisation whose surface has several nominative readings ("в
/// Акорде": Акорд or Акорда) takes the reading that other forms of the word in the same
/// text support ("Акорды", "Акорду" exist only for Акорда); the reading chosen from the
/// mention alone stays when the text does not tell.
fn settle_by_other_forms(morph: &Morph, text: &str, mentions: &mut [Mention]) {
    let mut words: Option<Vec<&str>> = None;
    for m in mentions.iter_mut() {
        // A word of the dictionary has its readings ranked by the corpus already; only
        // guessed words are left to the text's other forms (and only they cost the look).
        if m.kind == EntityKind::Person
            || m.text.contains(char::is_whitespace)
            || morph.is_known(&m.text)
        {
            continue;
        }
        let forms = morph.nominative_forms(&m.text);
        if forms.len() < 2 || !forms.contains(&m.normal) {
            continue;
        }
        let prefix: String = m.text.chars().take(3).collect();
        if prefix.chars().count() < 3 {
            continue;
        }
        let words = words.get_or_insert_with(|| {
            text.split(|c: char| !c.is_alphabetic() && c != '-')
                .filter(|w| w.starts_with(char::is_uppercase))
                .collect()
        });
        let mut support = vec![0usize; forms.len()];
        let others = words
            .iter()
            .filter(|w| **w != m.text && w.starts_with(prefix.as_str()))
            .take(MAX_FORMS_CHECKED);
        for w in others {
            let theirs = morph.nominative_forms(w);
            // Only a form with a single reading counts, and not one that merely looks like
            // a nominative in "-а" ("Тоттенхэма" is as likely the genitive of Тоттенхэм).
            let [their] = theirs.as_slice() else { continue };
            if their == w && their.ends_with(['а', 'я']) {
                continue;
            }
            for (k, f) in forms.iter().enumerate() {
                if their == f {
                    if let Some(s) = support.get_mut(k) {
                        *s += 1;
                    }
                }
            }
        }
        let current = forms.iter().position(|f| *f == m.normal);
        let best = support
            .iter()
            .enumerate()
            .max_by_key(|&(_, s)| *s)
            .filter(|&(k, s)| {
                *s > 0
                    && Some(k) != current
                    && current.and_then(|c| support.get(c)).is_none_or(|c| s > c)
            });
        if let Some(f) = best.and_then(|(k, _)| forms.get(k)) {
            m.normal = f.clone();
        }
    }
}

/// A full person name of the text: mention index, lower-case words of its normal form, the
/// normal form.
type FullName = (usize, Vec<String>, String);

/// Short person mentions take the full name they abbreviate from the same text:
/// - a lone surname, in whatever case its own reading came out ("Смадияров", "Лофнеру",
///   "Путина"), takes the full name whose last word is one of its nominative readings (the
///   nearest earlier one, else the first later one);
/// - a lone given name, or given name and patronymic ("Юрий", "Бориса Николаевича"), takes
///   the full name with that first word, when the text has only one such person;
/// - a lone surname with no full name takes the nominative another lone mention of the same
///   surname shows as written ("Путина" → "Путин" when "Путин" also stands in the text).
fn link_names(morph: &Morph, mentions: &mut [Mention]) {
    let people: Vec<usize> = mentions
        .iter()
        .enumerate()
        .filter(|(_, m)| m.kind == EntityKind::Person)
        .map(|(i, _)| i)
        .collect();
    if people.len() < 2 {
        return;
    }
    let full: Vec<FullName> = people
        .iter()
        .filter_map(|&i| mentions.get(i).map(|m| (i, m)))
        .map(|(i, m)| (i, words(&m.normal), m.normal.clone()))
        .filter(|(_, w, _)| w.len() >= 2 && !w.last().is_some_and(|l| is_patronymic(l)))
        .collect();
    // Lone mentions written in the nominative as their own reading says (surface = normal).
    let attested: Vec<String> = people
        .iter()
        .filter_map(|&i| mentions.get(i))
        .filter(|m| m.text == m.normal && !m.normal.contains(char::is_whitespace))
        .map(|m| m.normal.to_lowercase().replace('ё', "е"))
        .collect();
    for &i in &people {
        let Some(m) = mentions.get(i) else { continue };
        let own = words(&m.normal);
        let linked = match own.as_slice() {
            [word] => link_one_word(morph, m, i, word, &full, &attested),
            [given, patronymic] if is_patronymic(patronymic) => {
                link_given(i, given, Some(patronymic), &full)
            }
            _ => None,
        };
        if let (Some(name), Some(m)) = (linked, mentions.get_mut(i)) {
            m.normal = name;
        }
    }
}

fn link_one_word(
    morph: &Morph,
    m: &Mention,
    i: usize,
    word: &str,
    full: &[FullName],
    attested: &[String],
) -> Option<String> {
    let by_surname = |forms: &[String]| {
        let matches = |f: &&FullName| f.1.last().is_some_and(|l| forms.contains(l));
        let earlier = full.iter().rev().filter(|f| f.0 < i).find(matches);
        let later = full.iter().filter(|f| f.0 > i).find(matches);
        earlier.or(later).map(|f| f.2.clone())
    };
    let own = [word.to_owned()];
    if let Some(name) = by_surname(&own) {
        return Some(name);
    }
    // Every nominative reading of the surface, whatever case and sex the mention's own
    // reading chose ("Путина" → путин, путина; "Лофнеру" → лофнер).
    let forms: Vec<String> = morph
        .nominative_forms(m.text.trim())
        .iter()
        .map(|f| f.to_lowercase().replace('ё', "е"))
        .collect();
    if let Some(name) = by_surname(&forms) {
        return Some(name);
    }
    if let Some(name) = link_given(i, word, None, full) {
        return Some(name);
    }
    if attested.iter().any(|a| a == word) {
        return None;
    }
    let mut others = forms.iter().filter(|f| *f != word && attested.contains(f));
    match (others.next(), others.next()) {
        (Some(f), None) => Some(recase(f, m.text.trim())),
        _ => None,
    }
}

/// The full name whose first word is `given` (and which has `patronymic`, or no patronymic),
/// when all such full names in the text are one name.
fn link_given(
    i: usize,
    given: &str,
    patronymic: Option<&String>,
    full: &[FullName],
) -> Option<String> {
    let mut found: Option<&FullName> = None;
    for f in full
        .iter()
        .filter(|f| f.0 != i && f.1.first().is_some_and(|w| w == given))
    {
        let patr = f.1.iter().skip(1).find(|w| is_patronymic(w));
        if patronymic.is_some_and(|p| patr.is_some_and(|q| q != p)) {
            continue;
        }
        match found {
            Some(g) if g.1 != f.1 => return None,
            _ => found = Some(f),
        }
    }
    let f = found?;
    match patronymic {
        Some(p) if !f.1.iter().any(|w| w == p) => {
            let mut parts: Vec<&str> = f.2.split_whitespace().collect();
            let surname = parts.pop()?;
            let given_word = parts.first().copied().unwrap_or(given);
            Some(format!("{given_word} {} {surname}", capitalise(p)))
        }
        _ => Some(f.2.clone()),
    }
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// `lower` with the first letter's case of `like`.
fn recase(lower: &str, like: &str) -> String {
    if like.starts_with(char::is_uppercase) {
        capitalise(lower)
    } else {
        lower.to_owned()
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
        let morph = Morph::new().expect("bundled dictionary");
        link_names(&morph, &mut ms);
        assert_eq!(ms[1].normal, "Айбек Смадияров");
        // no earlier full name: the later one is used
        assert_eq!(ms[2].normal, "Эдиль Байсалов");
    }

    /// Mentions of `names` (kind, surface) found in `text` in order, normalised.
    fn analyse(text: &str, names: &[(EntityKind, &str)]) -> Vec<Mention> {
        let chars: Vec<char> = text.chars().collect();
        let mut from = 0;
        let mut ms = Vec::new();
        for &(kind, surface) in names {
            let target: Vec<char> = surface.chars().collect();
            let start = (from..chars.len())
                .find(|&i| chars.get(i..i + target.len()) == Some(&target[..]))
                .expect("name in text");
            from = start + target.len();
            ms.push(Mention {
                start,
                end: from,
                kind,
                text: surface.into(),
                normal: surface.into(),
            });
        }
        let morph = Morph::new().expect("bundled dictionary");
        split_glued(&morph, &mut ms);
        normalize(&morph, text, &mut ms);
        ms
    }

    #[test]
    fn short_mentions_take_the_full_name() {
        use EntityKind::Person as P;
        let text = "Стрелок Джаред Лофнер арестован. Юрий Маленченко прилетел. \
                    Обвинение предъявлено Лофнеру. Юрий сказал, что Бориса Николаевича \
                    Ельцина помнит. Бориса Николаевича уважали.";
        let ms = analyse(
            text,
            &[
                (P, "Джаред Лофнер"),
                (P, "Юрий Маленченко"),
                (P, "Лофнеру"),
                (P, "Юрий"),
                (P, "Бориса Николаевича Ельцина"),
                (P, "Бориса Николаевича"),
            ],
        );
        let normals: Vec<&str> = ms.iter().map(|m| m.normal.as_str()).collect();
        assert_eq!(
            normals,
            [
                "Джаред Лофнер",
                "Юрий Маленченко",
                "Джаред Лофнер",
                "Юрий Маленченко",
                "Борис Николаевич Ельцин",
                "Борис Николаевич Ельцин"
            ]
        );
    }

    #[test]
    fn two_people_with_one_given_name_stay_apart() {
        use EntityKind::Person as P;
        let text = "Юрий Гагарин и Юрий Маленченко. Юрий улыбнулся.";
        let ms = analyse(
            text,
            &[(P, "Юрий Гагарин"), (P, "Юрий Маленченко"), (P, "Юрий")],
        );
        assert_eq!(ms[2].normal, "Юрий");
    }

    #[test]
    fn glued_oblique_noun_is_cut_from_a_person() {
        let text = "Сотрудник Аль-Джазиры Сами аль-Хадж освобожден.";
        let ms = analyse(text, &[(EntityKind::Person, "Аль-Джазиры Сами аль-Хадж")]);
        let got: Vec<(EntityKind, &str)> = ms.iter().map(|m| (m.kind, m.text.as_str())).collect();
        assert_eq!(
            got,
            [
                (EntityKind::Organisation, "Аль-Джазиры"),
                (EntityKind::Person, "Сами аль-Хадж")
            ]
        );
        assert_eq!(
            ms[1].start,
            text.find("Сами").map_or(0, |b| text[..b].chars().count())
        );
        // a person's own first name is never cut off
        let ms = analyse(
            "Встреча с Сейджи Маехарой.",
            &[(EntityKind::Person, "Сейджи Маехарой")],
        );
        assert_eq!(ms.len(), 1);
        // a capitalised common noun in the dative is a foreign first name here
        let ms = analyse(
            "Арбитры: Тору Камикава (Япония).",
            &[(EntityKind::Person, "Тору Камикава")],
        );
        assert_eq!(ms.len(), 1);
    }

    #[test]
    fn places_settle_by_other_forms_and_quotes_close() {
        use EntityKind::{Location as L, Organisation as O};
        let text = "Пресс-служба Акорды сообщила: в Акорде прошло совещание. В Тусоне тихо. \
                    Стройка ТОО «Адель Кус» идет.";
        let ms = analyse(
            text,
            &[
                (O, "Пресс-служба Акорды"),
                (L, "Акорде"),
                (L, "Тусоне"),
                (O, "ТОО «Адель Кус"),
            ],
        );
        assert_eq!(ms[1].normal, "Акорда");
        assert_eq!(ms[2].normal, "Тусон");
        assert_eq!(ms[3].normal, "ТОО «Адель Кус»");
    }
}
