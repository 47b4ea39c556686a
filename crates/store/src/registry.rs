//! The entity registry's rules, the same for every backend: how a name is folded into a key,
//! which names the regional gazetteer makes one, and how one article's mentions are grouped
//! before they are linked to registry entities.
//!
//! A backend keeps one entity per key (`fold` of the canonical name) and links each
//! [`Group`] of an article to it:
//! - a multi-word name, a gazetteer name or a non-person links by key (then by a surface
//!   alias that belongs to one entity only), else creates the entity;
//! - a lone person word (a surname the analysis could not extend to a full name in the same
//!   article) links to the one known person with that surname; when several are known, to
//!   the one that shares the most articles with the article's other entities, if one does;
//!   otherwise it stays a surname-only entity of its own, which is merged into the full name
//!   once exactly one person with that surname is known;
//! - the entity's kind is the majority of its mentions' kinds, a gazetteer kind always wins;
//! - the displayed name prefers mixed case over all capitals ("Москва" over "МОСКВА").

use std::collections::HashMap;
use std::sync::OnceLock;

use khronika_model::{Analysis, EntityKind};

/// Longest name kept for an entity (characters); longer spans are NER noise.
pub const MAX_NAME_CHARS: usize = 160;
/// Most groups linked per article: a list-like page must not flood the registry.
pub const MAX_GROUPS: usize = 400;

const GAZETTEER: &str = include_str!("../data/gazetteer.tsv");

/// The key of a name: lower case, `ё` as `е`, quotes and brackets dropped, dashes and
/// spaces folded, so "МОСКВА", "Москва" and "«Москва»" are one key.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for c in name.chars() {
        let c = match c {
            'ё' | 'Ё' => 'е',
            '‐' | '‑' | '‒' | '–' | '—' => '-',
            '«' | '»' | '"' | '„' | '“' | '”' | '\'' | '’' | '(' | ')' => continue,
            c if c.is_whitespace() => {
                space = !out.is_empty();
                continue;
            }
            c => c,
        };
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Whether a word is a patronymic: Russian -ович/-евич/-ична/-овна/-евна, Turkic
/// -улы/-кызы/уулу/оглы written as one word.
pub fn is_patronymic(word: &str) -> bool {
    let w = fold(word);
    let n = w.chars().count();
    n > 5
        && [
            "ович", "евич", "овна", "евна", "ична", "вича", "вной", "вны", "улы", "кызы",
        ]
        .iter()
        .any(|s| w.ends_with(s))
        || matches!(w.as_str(), "уулу" | "кызы" | "оглы" | "кизи")
}

/// Whether the name is written in capitals only ("МОСКВА", "МИД").
fn all_caps(name: &str) -> bool {
    let mut letters = name.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some() && letters.all(|c| c.is_uppercase())
}

/// Whether `candidate` is a better display form than `current` of the same key: a
/// mixed-case form beats one in capitals (headlines and datelines shout: "МОСКВА, 3 мая").
pub fn better_name(current: &str, candidate: &str) -> bool {
    all_caps(current) && !all_caps(candidate)
}

/// One gazetteer entry.
#[derive(Debug, Clone, Copy)]
pub struct Known {
    pub name: &'static str,
    pub kind: EntityKind,
}

fn gazetteer() -> &'static HashMap<String, Known> {
    static TABLE: OnceLock<HashMap<String, Known>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        for line in GAZETTEER.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let kind = match cols.next() {
                Some("PER") => EntityKind::Person,
                Some("ORG") => EntityKind::Organisation,
                Some("LOC") => EntityKind::Location,
                _ => continue,
            };
            let Some(name) = cols.next().map(str::trim).filter(|n| !n.is_empty()) else {
                continue;
            };
            let known = Known { name, kind };
            map.insert(fold(name), known);
            for alias in cols.next().unwrap_or("").split('|') {
                if !alias.trim().is_empty() {
                    map.entry(fold(alias)).or_insert(known);
                }
            }
        }
        map
    })
}

/// The gazetteer person with this folded surname, when exactly one has it.
pub fn known_by_surname(surname: &str) -> Option<Known> {
    static TABLE: OnceLock<HashMap<String, Option<Known>>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut map: HashMap<String, Option<Known>> = HashMap::new();
        let mut seen: Vec<&'static str> = Vec::new();
        for k in gazetteer().values() {
            if k.kind != EntityKind::Person || seen.contains(&k.name) {
                continue;
            }
            seen.push(k.name);
            let last = fold(k.name).rsplit(' ').next().unwrap_or("").to_string();
            map.entry(last)
                .and_modify(|v| *v = None)
                .or_insert(Some(*k));
        }
        map
    });
    table.get(surname).copied().flatten()
}

/// The gazetteer entry a folded name belongs to.
pub fn known(key: &str) -> Option<Known> {
    gazetteer().get(key).copied()
}

/// A person's name without its patronymic: "Александр Григорьевич Лукашенко" is keyed as
/// "Александр Лукашенко" (news name people both ways; the patronymic stays an alias).
fn without_patronymic(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() >= 3 {
        let kept: Vec<&str> = words
            .iter()
            .enumerate()
            .filter(|(i, w)| *i == 0 || !is_patronymic(w))
            .map(|(_, w)| *w)
            .collect();
        if kept.len() >= 2 {
            return kept.join(" ");
        }
    }
    words.join(" ")
}

/// The mentions of one entity in one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The registry key: `fold` of `name`.
    pub key: String,
    /// Display name: the gazetteer's canonical name, else the analysis' normal form.
    pub name: String,
    pub kind: EntityKind,
    /// The kind is the gazetteer's, not a vote.
    pub fixed: bool,
    /// A lone person word (surname or given name) the analysis did not extend.
    pub lone_person: bool,
    /// Folded last word of a person's full name.
    pub surname: Option<String>,
    /// A given name and patronymic only ("Александр Григорьевич"): the person of the same
    /// article with that given name, when there is exactly one.
    pub given_patronymic: bool,
    /// Indexes into `Analysis::entities`.
    pub mentions: Vec<usize>,
    /// Distinct surface forms as written, and the analysis' normal forms.
    pub surfaces: Vec<String>,
}

/// The canonical form of one normal name: (key, display name, kind, fixed by gazetteer).
pub fn canonical(normal: &str, kind: EntityKind) -> Option<(String, String, EntityKind, bool)> {
    let normal = normal.trim();
    if normal.is_empty() || normal.chars().count() > MAX_NAME_CHARS {
        return None;
    }
    let name = if kind == EntityKind::Person {
        without_patronymic(normal)
    } else {
        normal.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    for candidate in [normal, name.as_str()] {
        if let Some(k) = known(&fold(candidate)) {
            return Some((fold(k.name), k.name.to_string(), k.kind, true));
        }
    }
    let key = fold(&name);
    if key.chars().all(|c| !c.is_alphanumeric()) {
        return None;
    }
    Some((key, name, kind, false))
}

/// Group an analysis' mentions by registry key. Kinds are voted per group (the majority;
/// ties go to the first mention's kind); a lone person word equal to the surname of a full
/// name in the same article joins that name's group.
pub fn groups(analysis: &Analysis) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    let mut votes: Vec<[usize; 3]> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (i, m) in analysis.entities.iter().enumerate() {
        let normal = if m.normal.trim().is_empty() {
            &m.text
        } else {
            &m.normal
        };
        let Some((key, name, kind, fixed)) = canonical(normal, m.kind) else {
            continue;
        };
        let g = match by_key.get(&key) {
            Some(&g) => g,
            None => {
                if out.len() >= MAX_GROUPS {
                    continue;
                }
                let words = name.split_whitespace().count();
                let last = key.rsplit(' ').next().unwrap_or("").to_string();
                let given_patronymic =
                    kind == EntityKind::Person && words == 2 && !fixed && is_patronymic(&last);
                out.push(Group {
                    key: key.clone(),
                    surname: (kind == EntityKind::Person && words >= 2 && !given_patronymic)
                        .then_some(last),
                    given_patronymic,
                    lone_person: kind == EntityKind::Person && words == 1 && !fixed,
                    name,
                    kind,
                    fixed,
                    mentions: Vec::new(),
                    surfaces: Vec::new(),
                });
                votes.push([0; 3]);
                by_key.insert(key, out.len() - 1);
                out.len() - 1
            }
        };
        if let (Some(grp), Some(v)) = (out.get_mut(g), votes.get_mut(g)) {
            grp.mentions.push(i);
            // The normal form too: links and searches by it must find the entity.
            for form in [m.text.trim(), normal.trim()] {
                if !form.is_empty() && !grp.surfaces.iter().any(|s| s == form) {
                    grp.surfaces.push(form.to_string());
                }
            }
            v[kind_slot(m.kind)] += 1;
        }
    }
    for (g, v) in out.iter_mut().zip(&votes) {
        if !g.fixed {
            let first = kind_slot(g.kind);
            let best = (0..3).max_by_key(|&k| (v[k], k == first)).unwrap_or(first);
            g.kind = KINDS[best];
            if g.kind != EntityKind::Person {
                g.surname = None;
                g.lone_person = false;
                g.given_patronymic = false;
            }
        }
    }
    merge_lone_surnames(out)
}

const KINDS: [EntityKind; 3] = [
    EntityKind::Person,
    EntityKind::Organisation,
    EntityKind::Location,
];

fn kind_slot(k: EntityKind) -> usize {
    match k {
        EntityKind::Person => 0,
        EntityKind::Organisation => 1,
        EntityKind::Location => 2,
    }
}

/// A lone word equal to the surname of exactly one full name of the article joins it.
fn merge_lone_surnames(mut groups: Vec<Group>) -> Vec<Group> {
    let mut i = 0;
    while i < groups.len() {
        let target = match groups.get(i) {
            Some(g) if g.lone_person => {
                let owners: Vec<usize> = groups
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| o.surname.as_deref() == Some(g.key.as_str()))
                    .map(|(j, _)| j)
                    .collect();
                match owners.as_slice() {
                    [one] => Some(*one),
                    _ => None,
                }
            }
            _ => None,
        };
        match target {
            Some(t) => {
                let lone = groups.remove(i);
                let t = if t > i { t - 1 } else { t };
                if let Some(full) = groups.get_mut(t) {
                    full.mentions.extend(lone.mentions);
                    for s in lone.surfaces {
                        if !full.surfaces.contains(&s) {
                            full.surfaces.push(s);
                        }
                    }
                }
            }
            None => i += 1,
        }
    }
    groups
}

/// Whether a quote's speaker string looks like a name the registry should hold: one to
/// four words, each starting with a capital letter or a digit ("украинские СМИ" is a group
/// of people, not an entity).
pub fn speaker_is_name(speaker: &str) -> bool {
    let words: Vec<&str> = speaker.split_whitespace().collect();
    (1..=4).contains(&words.len())
        && words.iter().all(|w| {
            w.trim_start_matches(['«', '"'])
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        })
}

/// The full-name group of a gazetteer person, for a lone surname that only they have.
pub fn gazetteer_person(k: Known, surname: &str) -> Group {
    Group {
        key: fold(k.name),
        name: k.name.to_string(),
        kind: EntityKind::Person,
        fixed: true,
        lone_person: false,
        surname: Some(surname.to_string()),
        given_patronymic: false,
        mentions: Vec::new(),
        surfaces: Vec::new(),
    }
}

/// Where a quote's speaker leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Speaker {
    /// An entity already linked for the same article.
    Linked(i64),
    /// A name of its own, to link by the registry's rules.
    Name(Group),
    /// No name ("украинские СМИ").
    Nobody,
}

/// A quote's speaker: a group of the same article first (by key, by a surface form, or a
/// lone surname of one of its full names), else a name of its own when it looks like one.
pub fn speaker(speaker: &str, linked: &[(Group, i64)]) -> Speaker {
    let key = fold(speaker);
    if key.is_empty() {
        return Speaker::Nobody;
    }
    let canon = canonical(speaker, EntityKind::Person).map(|c| c.0);
    for (g, id) in linked {
        if g.key == key
            || canon.as_deref() == Some(g.key.as_str())
            || g.surname.as_deref() == Some(key.as_str())
            || g.surfaces.iter().any(|s| fold(s) == key)
        {
            return Speaker::Linked(*id);
        }
    }
    if !speaker_is_name(speaker) {
        return Speaker::Nobody;
    }
    let analysis = Analysis {
        entities: vec![khronika_model::Mention {
            start: 0,
            end: 0,
            kind: EntityKind::Person,
            text: speaker.to_string(),
            normal: speaker.to_string(),
        }],
        ..Default::default()
    };
    match groups(&analysis).into_iter().next() {
        Some(g) => Speaker::Name(g),
        None => Speaker::Nobody,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use khronika_model::Mention;

    fn m(text: &str, normal: &str, kind: EntityKind) -> Mention {
        Mention {
            start: 0,
            end: text.chars().count(),
            kind,
            text: text.into(),
            normal: normal.into(),
        }
    }

    #[test]
    fn folding_ignores_case_yo_quotes_and_spacing() {
        assert_eq!(fold("МОСКВА"), fold("Москва"));
        assert_eq!(fold(" «Шавкат  Мирзиёев» "), "шавкат мирзиеев");
        assert_eq!(fold("Нур–Султан"), fold("нур-султан"));
        assert_ne!(fold("Иван Иванов"), fold("Пётр Иванов"));
    }

    #[test]
    fn every_gazetteer_line_parses_and_old_names_lead_to_new() {
        let lines = GAZETTEER
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count();
        let canon: std::collections::HashSet<&str> = gazetteer().values().map(|k| k.name).collect();
        assert_eq!(canon.len(), lines, "a line did not parse or repeats a name");
        assert_eq!(known(&fold("Нур-Султан")).map(|k| k.name), Some("Астана"));
        assert_eq!(
            known(&fold("МИД РК")).map(|k| k.name),
            Some("Министерство иностранных дел Казахстана")
        );
        assert!(known(&fold("Лукашенко")).is_none(), "no surname alone");
        assert_eq!(
            known_by_surname("лукашенко").map(|k| k.name),
            Some("Александр Лукашенко")
        );
        // Two Бердымухамедовы in the gazetteer: a surname alone names neither.
        assert!(known_by_surname("бердымухамедов").is_none());
    }

    #[test]
    fn patronymic_is_dropped_from_the_key_not_from_aliases() {
        let a = Analysis {
            entities: vec![
                m(
                    "Александра Григорьевича Лукашенко",
                    "Александр Григорьевич Лукашенко",
                    EntityKind::Person,
                ),
                m("Лукашенко", "Лукашенко", EntityKind::Person),
            ],
            ..Default::default()
        };
        let g = groups(&a);
        assert_eq!(g.len(), 1, "{g:?}");
        assert_eq!(g[0].name, "Александр Лукашенко");
        assert_eq!(g[0].mentions, vec![0, 1]);
        assert_eq!(g[0].surfaces.len(), 3, "{:?}", g[0].surfaces);
        // Turkic patronymic as a separate word.
        let key = canonical("Ильхам Гейдар оглы Алиев", EntityKind::Person).map(|c| c.0);
        assert_eq!(key.as_deref(), Some("ильхам алиев"));
    }

    #[test]
    fn case_variants_group_and_majority_type_wins() {
        let a = Analysis {
            entities: vec![
                m("МОСКВА", "МОСКВА", EntityKind::Location),
                m("Москве", "Москва", EntityKind::Location),
                m("Бундестим", "Бундестим", EntityKind::Person),
                m("Бундестима", "Бундестим", EntityKind::Organisation),
                m("Бундестиму", "Бундестим", EntityKind::Organisation),
            ],
            ..Default::default()
        };
        let g = groups(&a);
        assert_eq!(g.len(), 2, "{g:?}");
        assert_eq!(g[0].kind, EntityKind::Location);
        assert_eq!(g[1].kind, EntityKind::Organisation);
        assert!(!g[1].lone_person && g[1].surname.is_none());
        assert!(better_name("МОСКВА", "Москва") && !better_name("Москва", "МОСКВА"));
        assert!(!better_name("МИД", "Мид") || all_caps("МИД"));
    }

    #[test]
    fn a_lone_surname_shared_by_two_full_names_stays_apart() {
        let a = Analysis {
            entities: vec![
                m("Иван Иванов", "Иван Иванов", EntityKind::Person),
                m("Пётр Иванов", "Пётр Иванов", EntityKind::Person),
                m("Иванов", "Иванов", EntityKind::Person),
            ],
            ..Default::default()
        };
        let g = groups(&a);
        assert_eq!(g.len(), 3, "{g:?}");
        assert!(g[2].lone_person);
    }

    #[test]
    fn speakers_that_are_groups_are_not_names() {
        assert!(speaker_is_name("Айбек Смадияров"));
        assert!(speaker_is_name("МИД Казахстана"));
        assert!(!speaker_is_name("украинские СМИ"));
        assert!(!speaker_is_name(""));
    }
}
