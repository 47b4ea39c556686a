//! What the organiser compares: an article reduced to hashed word stems, entity names,
//! numbers and a MinHash sketch of its word shingles.
//!
//! [`Features::extract`] is pure and needs no organiser state, so it runs in the parallel
//! workers next to the analysis; only [`crate::Organiser::place`] is serial.
//!
//! Stems are word prefixes of [`STEM_LEN`] letters. Measured on the same-story pairs
//! (`../shared/data/stories`, TF-IDF cosine, threshold fitted on one half, scored on the
//! other): 4–5-letter prefixes beat whole words and 6–7-letter prefixes, as the dataset's
//! own baseline also found. Russian inflection lives in the endings, so a prefix is a
//! cheap lemma; it costs nothing per word, which the 5,000 articles/s budget needs.

use khronika_model::{EntityKind, Mention};

/// Letters kept of each word.
pub const STEM_LEN: usize = 5;
/// Characters of body text read: the first screens carry the event (news are written as
/// inverted pyramids), and the cost stays bounded on very long pages.
pub const MAX_TEXT_CHARS: usize = 3_000;
/// MinHash sketch size for near-duplicate detection.
pub const SKETCH: usize = 32;
/// Words per shingle for near-duplicate detection.
const SHINGLE: usize = 4;
/// A title's words count this many times in the term vector: the headline names the event.
const TITLE_WEIGHT: f32 = 2.0;
/// At most this many distinct terms are kept per article (the heaviest by count).
const MAX_TERMS: usize = 400;

/// Everything the organiser compares, extracted from one article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Features {
    /// Hashed stems with their (title-weighted) counts, sorted by hash.
    pub terms: Vec<(u64, f32)>,
    /// Hashed entity normal forms (lower case), sorted, distinct.
    pub entities: Vec<u64>,
    /// Hashed stems of the headline's words (not stop words), sorted, distinct: what the
    /// headline says, to test whether it would fit another article's text.
    pub title_terms: Vec<u64>,
    /// Stems of the names in the headline (capitalised words after the first, names in
    /// «quotes», and a first word the analysis knows as an entity): the event's actors,
    /// places and titles. Sorted, distinct.
    pub title_names: Vec<u64>,
    /// Entity normal forms as written (for a story's main entities), distinct, in order of
    /// first mention, persons/organisations/places only.
    pub entity_names: Vec<(String, EntityKind)>,
    /// Numbers in the title and text (not years): casualty counts, sums, scores.
    pub numbers: Vec<u64>,
    /// MinHash of the body's word shingles; empty when the text is too short.
    pub sketch: Vec<u64>,
    /// Words in the title (for picking an informative story title).
    pub title_words: usize,
    /// When the headline reports what someone said or how they judged something ("Попова
    /// заявила, что …", "Экономист назвал популизмом …"): stems of the words before the
    /// verb, which name the speaker. `None` for a headline that reports an event.
    pub reaction: Option<Vec<u64>>,
}

/// The article as the organiser sees it.
#[derive(Debug, Clone, Copy, Default)]
pub struct FeatureInput<'a> {
    pub title: &'a str,
    /// The reader's text, lead first (`Article::text()`).
    pub text: &'a str,
    /// Entity mentions from the analysis, if it ran (`Analysis::entities`).
    pub entities: &'a [Mention],
}

/// Function words and news verbs of attribution that say nothing about the event.
/// Prefix-stemmed like every other word, so one entry covers its forms.
const STOP: &[&str] = &[
    "и",
    "в",
    "во",
    "не",
    "что",
    "он",
    "на",
    "я",
    "с",
    "со",
    "как",
    "а",
    "то",
    "все",
    "она",
    "так",
    "его",
    "но",
    "да",
    "ты",
    "к",
    "у",
    "же",
    "вы",
    "за",
    "бы",
    "по",
    "только",
    "ее",
    "мне",
    "было",
    "вот",
    "от",
    "меня",
    "еще",
    "нет",
    "о",
    "из",
    "ему",
    "теперь",
    "когда",
    "даже",
    "ну",
    "ли",
    "если",
    "уже",
    "или",
    "ни",
    "быть",
    "был",
    "него",
    "до",
    "вас",
    "там",
    "потом",
    "себя",
    "ей",
    "может",
    "они",
    "тут",
    "где",
    "есть",
    "надо",
    "ней",
    "для",
    "мы",
    "их",
    "чем",
    "была",
    "сам",
    "без",
    "чего",
    "раз",
    "тоже",
    "себе",
    "под",
    "будет",
    "тогда",
    "кто",
    "этот",
    "того",
    "потому",
    "этого",
    "какой",
    "ним",
    "здесь",
    "этом",
    "один",
    "почти",
    "тем",
    "чтобы",
    "нее",
    "сейчас",
    "были",
    "всех",
    "можно",
    "при",
    "об",
    "после",
    "над",
    "больше",
    "тот",
    "через",
    "эти",
    "нас",
    "про",
    "всего",
    "них",
    "много",
    "три",
    "эту",
    "свою",
    "этой",
    "перед",
    "том",
    "такой",
    "им",
    "более",
    "всегда",
    "между",
    "также",
    "это",
    "году",
    "года",
    "год",
    "который",
    "которые",
    "которая",
    "которых",
    "которого",
    "сообщает",
    "сообщил",
    "сообщила",
    "сообщили",
    "заявил",
    "заявила",
    "заявили",
    "отметил",
    "отметила",
    "словам",
    "ранее",
    "время",
    "однако",
    "этим",
    "свои",
    "своей",
    "своих",
    "своим",
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "for",
    "on",
];

/// FNV-1a: tiny, fast, stable across runs and platforms (hashes may be persisted later).
pub(crate) fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn mix(h: u64, seed: u64) -> u64 {
    // splitmix64 finaliser over the seeded value: independent hash functions for MinHash.
    let mut z = h ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Calls `f` with each word (letters and digits, lower case, ё→е), reusing one buffer.
fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut w = String::with_capacity(32);
    for c in text.chars() {
        if c.is_alphanumeric() {
            match c {
                'ё' | 'Ё' => w.push('е'),
                c if c.is_ascii() => w.push(c.to_ascii_lowercase()),
                c => w.extend(c.to_lowercase()),
            }
        } else if !w.is_empty() {
            f(&w);
            w.clear();
        }
    }
    if !w.is_empty() {
        f(&w);
    }
}

fn is_stop(w: &str) -> bool {
    STOP.contains(&w)
}

/// The stem of a word: its first [`STEM_LEN`] characters (whole numbers stay whole).
fn stem(w: &str) -> &str {
    match w.char_indices().nth(STEM_LEN) {
        Some((i, _)) if !w.starts_with(|c: char| c.is_ascii_digit()) => &w[..i],
        _ => w,
    }
}

/// A number worth comparing: digits only, two or more, and not a plausible year (years
/// repeat across unrelated stories of one season).
fn number(w: &str) -> Option<u64> {
    if w.len() < 2 || !w.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = w.parse().ok()?;
    if (1900..=2100).contains(&n) {
        return None;
    }
    Some(n)
}

fn prefix_chars(text: &str, n: usize) -> &str {
    match text.char_indices().nth(n) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

fn entity_key(name: &str) -> u64 {
    let mut s = String::with_capacity(name.len());
    for_each_word(name, |w| {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(w);
    });
    hash(s.as_bytes())
}

impl Features {
    /// Reduce one article to what the organiser compares. Pure; bounded by
    /// [`MAX_TEXT_CHARS`].
    pub fn extract(input: &FeatureInput<'_>) -> Features {
        let text = prefix_chars(input.text, MAX_TEXT_CHARS);
        let mut counts: std::collections::HashMap<u64, f32> = std::collections::HashMap::new();
        let mut numbers = Vec::new();
        let mut title_words = 0;
        let mut title_terms = Vec::new();
        for_each_word(input.title, |w| {
            title_words += 1;
            if let Some(n) = number(w) {
                numbers.push(n);
            }
            if !is_stop(w) && w.chars().count() > 1 {
                let h = hash(stem(w).as_bytes());
                title_terms.push(h);
                *counts.entry(h).or_default() += TITLE_WEIGHT;
            }
        });
        title_terms.sort_unstable();
        title_terms.dedup();
        let mut word_hashes: Vec<u64> = Vec::new();
        for_each_word(text, |w| {
            word_hashes.push(hash(w.as_bytes()));
            if let Some(n) = number(w) {
                numbers.push(n);
            }
            if !is_stop(w) && w.chars().count() > 1 {
                *counts.entry(hash(stem(w).as_bytes())).or_default() += 1.0;
            }
        });
        let mut terms: Vec<(u64, f32)> = counts.into_iter().collect();
        if terms.len() > MAX_TERMS {
            terms.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            terms.truncate(MAX_TERMS);
        }
        terms.sort_unstable_by_key(|t| t.0);
        numbers.sort_unstable();
        numbers.dedup();

        let mut sketch = Vec::new();
        if word_hashes.len() >= SHINGLE {
            sketch = vec![u64::MAX; SKETCH];
            for win in word_hashes.windows(SHINGLE) {
                let sh = win.iter().fold(0u64, |acc, &h| mix(acc ^ h, 1));
                for (i, slot) in sketch.iter_mut().enumerate() {
                    let v = mix(sh, i as u64 + 2);
                    if v < *slot {
                        *slot = v;
                    }
                }
            }
        }

        let mut entities = Vec::new();
        let mut entity_names: Vec<(String, EntityKind)> = Vec::new();
        for m in input.entities {
            let name = m.normal.trim();
            if name.is_empty() {
                continue;
            }
            let key = entity_key(name);
            entities.push(key);
            if !entity_names.iter().any(|(n, _)| n == name) && entity_names.len() < 64 {
                entity_names.push((name.to_string(), m.kind));
            }
        }
        entities.sort_unstable();
        entities.dedup();
        let title_names = title_names(input.title, input.entities);
        let reaction = reaction(input.title);
        Features {
            terms,
            title_terms,
            entities,
            title_names,
            reaction,
            entity_names,
            numbers,
            sketch,
            title_words,
        }
    }
}

/// Stems of the proper names in a headline. Russian headlines are written in sentence
/// case, so a capitalised word after the first one is a name (Токаев, Гомель, US Open);
/// a name in «quotes» is a title of an organisation, a contest or a work; the first word
/// counts only when the analysis found an entity starting with it.
fn title_names(title: &str, entities: &[Mention]) -> Vec<u64> {
    let mut out = Vec::new();
    let mut first = true;
    let mut in_quotes = false;
    let mut word = String::new();
    let mut cap = false;
    let mut flush = |word: &mut String, cap: bool, quoted: bool, first: bool| {
        if word.is_empty() {
            return;
        }
        let lower: String = word.to_lowercase().replace('ё', "е");
        let known_entity = || {
            entities.iter().any(|m| {
                m.text
                    .split_whitespace()
                    .next()
                    .is_some_and(|w| w.to_lowercase().replace('ё', "е") == lower)
            })
        };
        let is_name = quoted || (cap && (!first || known_entity()));
        if is_name && !is_stop(&lower) && lower.chars().count() > 1 {
            out.push(hash(stem(&lower).as_bytes()));
        }
        word.clear();
    };
    for c in title.chars() {
        if c.is_alphanumeric() {
            if word.is_empty() {
                cap = c.is_uppercase();
            }
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            flush(&mut word, cap, in_quotes, first);
            first = false;
        }
        match c {
            '«' | '“' | '„' => in_quotes = true,
            '»' | '”' => in_quotes = false,
            '"' => in_quotes = !in_quotes,
            // After a colon or a dash a headline often starts a new sentence.
            ':' | '.' | '!' | '?' => first = true,
            _ => {}
        }
    }
    flush(&mut word, cap, in_quotes, first);
    out.sort_unstable();
    out.dedup();
    out
}

/// Verbs by which a Russian headline reports a statement or a judgement rather than an
/// event (past tense, all genders and numbers share the stem before the ending; then the
/// present tense, which headlines use as often for statements: "Кличко обещает …",
/// "Минздрав призывает …", "Песков называет …").
const REACTION_VERBS: &[&str] = &[
    "заявил",
    "назвал",
    "возмутил",
    "раскритиковал",
    "высмеял",
    "оценил",
    "прокомментировал",
    "ответил",
    "высказал",
    "посетовал",
    "пожаловал",
    "призвал",
    "предупредил",
    "пообещал",
    "считает",
    "уверен",
    "опроверг",
    "отреагировал",
    "осудил",
    "усомнил",
    "заявля",
    "обещает",
    "обещают",
    "обещал",
    "называе",
    "называю",
    "призыва",
    "предупрежда",
    "отвечае",
    "критикуе",
    "критикую",
];
/// Verbs that agencies also use for plain event reports ("МЧС сообщило о пожаре", "учёные
/// рассказали о …"): a statement only when "что" follows ("Путин сообщил, что …").
const REPORT_VERBS: &[&str] = &["сообщил", "рассказал", "отметил", "подчеркнул", "признал"];

/// The speaker of a statement headline: the stems of the (at most four) words before the
/// reaction verb. The same-story guideline of the contest this stage is measured on says an
/// event and someone's comment on it are two stories; two comments by one speaker are one.
fn reaction(title: &str) -> Option<Vec<u64>> {
    let mut words: Vec<String> = Vec::new();
    for_each_word(title, |w| words.push(w.to_string()));
    let at = words.iter().enumerate().position(|(i, w)| {
        REACTION_VERBS.iter().any(|v| w.starts_with(v))
            || (REPORT_VERBS.iter().any(|v| w.starts_with(v))
                && words.get(i + 1).is_some_and(|n| n == "что"))
    })?;
    let mut speaker: Vec<u64> = words[at.saturating_sub(4)..at]
        .iter()
        .filter(|w| !is_stop(w))
        .map(|w| hash(stem(w).as_bytes()))
        .collect();
    speaker.sort_unstable();
    speaker.dedup();
    Some(speaker)
}

/// Share of equal MinHash slots: an estimate of the Jaccard similarity of shingle sets.
pub(crate) fn sketch_similarity(a: &[u64], b: &[u64]) -> f32 {
    if a.len() != SKETCH || b.len() != SKETCH {
        return 0.0;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f32 / SKETCH as f32
}

/// Size of the intersection of two sorted, distinct slices.
pub(crate) fn overlap(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_fold_inflection_and_case() {
        let a = Features::extract(&FeatureInput {
            title: "Саммит президентов",
            text: "Саммита президентов ждут.",
            entities: &[],
        });
        let b = Features::extract(&FeatureInput {
            title: "САММИТЕ ПРЕЗИДЕНТА",
            text: "",
            entities: &[],
        });
        let ka: Vec<u64> = a.terms.iter().map(|t| t.0).collect();
        let kb: Vec<u64> = b.terms.iter().map(|t| t.0).collect();
        assert_eq!(overlap(&ka, &kb), 2, "{a:?} {b:?}");
    }

    #[test]
    fn years_are_not_numbers_but_counts_are() {
        let f = Features::extract(&FeatureInput {
            title: "В 2024 году погибли 17 человек",
            text: "Ущерб — 350 млн тенге, 1 раненый.",
            entities: &[],
        });
        assert_eq!(f.numbers, vec![17, 350]);
    }

    #[test]
    fn near_identical_texts_have_similar_sketches_and_different_ones_do_not() {
        let body = "Министр иностранных дел провёл переговоры с коллегой в Астане и обсудил \
                    подготовку к саммиту мира, который пройдёт в Швейцарии в середине июня. \
                    Стороны договорились о продолжении консультаций на уровне заместителей.";
        let edited = body.replace("середине июня", "июне");
        let other = "Футбольный клуб Кайрат обыграл соперника со счётом два один в матче \
                     чемпионата страны и вышел на первое место турнирной таблицы лиги.";
        let f = |t: &str| {
            Features::extract(&FeatureInput {
                title: "",
                text: t,
                entities: &[],
            })
            .sketch
        };
        assert!(sketch_similarity(&f(body), &f(&edited)) > 0.6);
        assert!(sketch_similarity(&f(body), &f(other)) < 0.2);
    }

    #[test]
    fn statement_headlines_name_their_speaker_and_event_reports_do_not() {
        let f = |t: &str| reaction(t);
        let a = f("Попова заявила, что сезон отпусков возможен").expect("statement");
        let b = f("Попова назвала условия открытия курортов").expect("statement");
        assert_eq!(overlap(&a, &b), 1);
        assert!(f("Путин сообщил, что дорожит отношениями").is_some());
        let c = f("Кличко обещает вернуть каштаны").expect("present tense");
        let d = f("Кличко ответил на скандал с каштанами").expect("past tense");
        assert_eq!(overlap(&c, &d), 1);
        // Agencies report events with these verbs too: only "…, что" makes a statement.
        assert!(f("МЧС сообщило о пожаре на складе").is_none());
        assert!(f("В Госдуме предложили снизить пенсионный возраст").is_none());
        assert!(f("").is_none());
    }

    #[test]
    fn garbage_and_empty_input_give_empty_features() {
        let f = Features::extract(&FeatureInput::default());
        assert!(f.terms.is_empty() && f.sketch.is_empty());
        let junk = "\u{0}\u{202e}!!!";
        let f = Features::extract(&FeatureInput {
            title: junk,
            text: junk,
            entities: &[],
        });
        assert!(f.terms.is_empty());
    }
}
