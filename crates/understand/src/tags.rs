//! Tags for an article, like a news site's hashtags: 3–8 names and topics ranked by
//! salience, from the article's entities, its recurring event phrase ("саммит мира") and the
//! site's own tags put in the nominative, merged into one vocabulary (one tag per concept:
//! the caller's `canon` maps other names and abbreviations to one name, e.g. the registry's
//! gazetteer).
//!
//! Salience, the signals news editors use for hashtags (checked against the reference
//! article's tags and the demo's Lenta, MK, RIA and Kommersant pages, whose site tags name
//! the headline's actors first): a name in the headline (+4), in the lead (+2), each mention
//! (+1, at most 6), quoted as a speaker (+2), chosen by the site (+3). A candidate needs a
//! score of 3 (two mentions and the lead, or the headline, or the site's choice); the best
//! three always pass when there are three.

use std::collections::HashMap;

use khronika_model::{Analysis, EntityKind};
use khronika_morph::{Case, Morph, Pos};

/// At most this many tags per article.
pub const MAX_TAGS: usize = 8;
/// At least this many, when the article has that many candidates.
pub const MIN_TAGS: usize = 3;
const MIN_SCORE: u32 = 3;
/// Site tags read (a page with hundreds of "tags" is a keyword dump).
const MAX_SITE_TAGS: usize = 30;
const MAX_TAG_CHARS: usize = 80;

/// Nouns naming an event that news tags as a topic with its genitive complement ("саммит
/// мира", "чемпионат мира", "выборы президента", "форум регионов", "день победы"): the
/// event heads seen in the tag lists of Bizmedia, Tengrinews, Lenta and RIA.
const EVENT_HEADS: &[&str] = &[
    "саммит",
    "форум",
    "конференция",
    "чемпионат",
    "олимпиада",
    "выборы",
    "референдум",
    "фестиваль",
    "конгресс",
    "съезд",
    "визит",
    "парад",
    "день",
    "кубок",
    "акция",
    "заседание",
];

/// Beginnings of every form of the [`EVENT_HEADS`] (a test checks each head's forms).
const EVENT_PREFIXES: &[&str] = &[
    "саммит",
    "форум",
    "конферен",
    "чемпионат",
    "олимпиад",
    "выбор",
    "референдум",
    "фестивал",
    "конгресс",
    "съезд",
    "визит",
    "парад",
    "ден",
    "дн",
    "кубк",
    "кубок",
    "акци",
    "заседан",
];

/// What the tagger reads of an article.
#[derive(Debug, Clone, Copy, Default)]
pub struct TagInput<'a> {
    pub title: Option<&'a str>,
    /// The analysed text (`Article::text()`: the lead first).
    pub text: &'a str,
    /// Length of the lead at the start of `text`, in characters.
    pub lead_chars: usize,
    /// The outlet's own name: never a tag (outlets name themselves in every article).
    pub site_name: Option<&'a str>,
    pub site_tags: &'a [String],
}

struct Candidate {
    name: String,
    score: u32,
    /// Order of first appearance, for stable ties.
    first: usize,
}

fn key(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('ё', "е")
}

/// Upper-case the first letter ("саммит мира" → "Саммит мира").
fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Whether `hay` (lower case) contains `needle` as whole words.
fn has_words(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    hay.match_indices(needle).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The tags of an article, best first.
pub fn article_tags(
    morph: &Morph,
    input: &TagInput<'_>,
    analysis: &Analysis,
    canon: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    let title = input.title.map(key).unwrap_or_default();
    let site = input.site_name.map(key);
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut cands: Vec<Candidate> = Vec::new();
    let mut add = |name: &str, points: u32, cands: &mut Vec<Candidate>| {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_TAG_CHARS {
            return;
        }
        let name = canon(name).unwrap_or_else(|| name.to_string());
        let k = key(&name);
        if site.as_deref() == Some(k.as_str()) {
            return;
        }
        let i = *by_key.entry(k).or_insert_with(|| {
            cands.push(Candidate {
                name: name.clone(),
                score: 0,
                first: cands.len(),
            });
            cands.len() - 1
        });
        if let Some(c) = cands.get_mut(i) {
            c.score += points;
        }
    };

    // Entities: grouped by normal form; a lone surname counts only through the full name
    // the analysis already linked it to (its normal).
    let mut groups: Vec<(String, EntityKind, Vec<usize>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, m) in analysis.entities.iter().enumerate() {
        let normal = m.normal.trim();
        if normal.is_empty() {
            continue;
        }
        let g = *index.entry(key(normal)).or_insert_with(|| {
            groups.push((normal.to_string(), m.kind, Vec::new()));
            groups.len() - 1
        });
        if let Some(grp) = groups.get_mut(g) {
            grp.2.push(i);
        }
    }
    let speakers: Vec<String> = analysis
        .quotes
        .iter()
        .filter_map(|q| q.speaker.as_deref().map(key))
        .collect();
    for (normal, kind, mentions) in &groups {
        // A person named by one word only is not a tag ("Путина" alone, no full name).
        if *kind == EntityKind::Person && !normal.contains(' ') {
            continue;
        }
        let mut points = (mentions.len() as u32).min(6);
        let in_title = mentions.iter().any(|&i| {
            analysis
                .entities
                .get(i)
                .is_some_and(|m| has_words(&title, &key(&m.text)))
        }) || has_words(&title, &key(normal));
        if in_title {
            points += 4;
        }
        if mentions.iter().any(|&i| {
            analysis
                .entities
                .get(i)
                .is_some_and(|m| m.start < input.lead_chars)
        }) {
            points += 2;
        }
        if speakers.contains(&key(normal)) {
            points += 2;
        }
        add(normal, points, &mut cands);
    }

    for (phrase, count, in_title) in event_phrases(morph, input.title.unwrap_or(""), input.text) {
        add(
            &phrase,
            count.min(6) + if in_title { 4 } else { 0 },
            &mut cands,
        );
    }

    for tag in input.site_tags.iter().take(MAX_SITE_TAGS) {
        if let Some(t) = site_tag_nominative(morph, tag, &groups, canon) {
            add(&t, 3, &mut cands);
        }
    }

    cands.sort_by(|a, b| b.score.cmp(&a.score).then(a.first.cmp(&b.first)));
    cands
        .into_iter()
        .enumerate()
        .filter(|(i, c)| c.score >= MIN_SCORE || *i < MIN_TAGS)
        .take(MAX_TAGS)
        .map(|(_, c)| c.name)
        .collect()
}

/// A site tag in the nominative: the article's own entity when the tag is one of its forms,
/// else the phrase put in the nominative (a parenthesis, "Российская Федерация (Россия)",
/// is read as another name of the same thing).
fn site_tag_nominative(
    morph: &Morph,
    tag: &str,
    groups: &[(String, EntityKind, Vec<usize>)],
    canon: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    let tag = tag.trim().trim_start_matches('#').trim();
    if tag.is_empty() || tag.chars().count() > MAX_TAG_CHARS {
        return None;
    }
    let (outer, inner) = match (tag.find('('), tag.rfind(')')) {
        (Some(o), Some(c)) if o < c => (tag[..o].trim(), Some(tag[o + 1..c].trim())),
        _ => (tag, None),
    };
    for form in [Some(tag), Some(outer), inner].into_iter().flatten() {
        if let Some(c) = canon(form) {
            return Some(c);
        }
    }
    let k = key(outer);
    if let Some((name, ..)) = groups.iter().find(|(n, ..)| key(n) == k) {
        return Some(name.clone());
    }
    let words: Vec<&str> = outer.split_whitespace().collect();
    let capitalised = words
        .iter()
        .all(|w| w.chars().next().is_some_and(char::is_uppercase));
    let person = capitalised
        && (2..=3).contains(&words.len())
        && words
            .first()
            .is_some_and(|w| morph.parse(w).iter().any(|p| p.tag.is_name()));
    let kind = if person {
        EntityKind::Person
    } else {
        EntityKind::Organisation
    };
    let normal = morph.normalize_entity(outer, kind);
    let normal = if normal.trim().is_empty() {
        outer.to_string()
    } else {
        normal
    };
    // A lower-case topic keeps its case; a name keeps the site's capitals.
    Some(canon(&normal).unwrap_or(normal))
}

/// Recurring "<event noun> <genitive noun>" phrases: (phrase in the nominative, count,
/// whether the headline has it). A phrase must occur twice, or once in the headline.
fn event_phrases(morph: &Morph, title: &str, text: &str) -> Vec<(String, u32, bool)> {
    let mut found: Vec<(String, u32, bool)> = Vec::new();
    for (source, is_title) in [(title, true), (text, false)] {
        let words: Vec<&str> = source
            .split(|c: char| !(c.is_alphanumeric() || c == '-'))
            .filter(|w| !w.is_empty())
            .collect();
        for pair in words.windows(2) {
            let [head, tail] = pair else { continue };
            let head_lc = head.to_lowercase();
            // Most words are no event head: a prefix check spares their morphological parse.
            if !EVENT_PREFIXES.iter().any(|p| head_lc.starts_with(p)) {
                continue;
            }
            let Some(lemma) = morph
                .parse(&head_lc)
                .into_iter()
                .find(|p| p.tag.pos == Some(Pos::Noun) && EVENT_HEADS.contains(&p.lemma.as_str()))
                .map(|p| p.lemma)
            else {
                continue;
            };
            // The complement: a common noun in the genitive ("мира", "регионов"); a name
            // ("саммит ШОС") is an entity tag already.
            let tail_lc = tail.to_lowercase();
            if tail.chars().next().is_some_and(char::is_uppercase) && *tail != capitalise(&tail_lc)
            {
                continue;
            }
            let genitive = morph.parse(&tail_lc).iter().any(|p| {
                p.tag.pos == Some(Pos::Noun) && p.tag.case.map(Case::main) == Some(Case::Gent)
            });
            if !genitive || tail_lc.chars().count() < 3 {
                continue;
            }
            let phrase = capitalise(&format!("{lemma} {tail_lc}"));
            match found.iter_mut().find(|f| f.0 == phrase) {
                Some(f) => {
                    f.1 += 1;
                    f.2 |= is_title;
                }
                None => found.push((phrase, 1, is_title)),
            }
        }
    }
    found.retain(|f| f.1 >= 2 || f.2);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_an_event_head_passes_the_prefix_check() {
        let morph = Morph::new().expect("dictionary");
        for head in EVENT_HEADS {
            let parse = morph
                .parse(head)
                .into_iter()
                .find(|p| p.tag.pos == Some(Pos::Noun))
                .expect("a noun");
            for (form, _) in morph.lexeme(&parse) {
                assert!(
                    EVENT_PREFIXES.iter().any(|p| form.starts_with(p)),
                    "{form} ({head})"
                );
            }
        }
    }
}
