//! Normal forms of named-entity mentions in the nominative, like natasha's
//! `span.normalize(morph_vocab)` but without a tagger or parser: the grammatical reading of
//! the whole span is chosen jointly (all name parts in one case and gender; adjectives in
//! agreement with the head noun), then the inflecting words are put in the nominative.
//!
//! - PER: every name part inflects ("Айбека Смадиярова" → "Айбек Смадияров", "Анны
//!   Ахматовой" → "Анна Ахматова"); initials, Latin words and Central Asian patronymics in
//!   -улы / -уулу / -кызы / -оглы (and the father's name before a separate "уулу") stay as
//!   written, and tell the sex, as indeclinable names do ("Шерали", "Меркель"). Readings are
//!   chosen by grammar, not by name lists alone: no locative without a preposition, a verb
//!   right before a nominative name agrees with it in gender ("поздравил Токаева" is not the
//!   woman Токаева), a person's accusative is animate, a man's consonant-final name declines
//!   while a woman's does not ("Озоде Рахмон"), unknown names in "-а" take the first
//!   declension ("Сейджи Маехары" → "Маехара").
//! - ORG / LOC: the head noun (the first noun) and the adjectives before it inflect, the
//!   words after the head (genitive dependents, appositions) stay: "Министерстве иностранных
//!   дел" → "Министерство иностранных дел", "МИД Казахстана" stays, "Южной Кореи" → "Южная
//!   Корея".
//!
//! Case is restored per word from the surface ("Нью-Йорке" → "Нью-Йорк", "МИД" stays upper
//! case); spaces and punctuation between words are kept as written.

use khronika_model::EntityKind;

use crate::morph::{Method, Morph, Parse, Target};
use crate::tag::{Case, Gender, Number, Pos};
use crate::tokenize::tokenize;

mod person;

/// Longest span (in tokens) that is normalised; longer spans are returned unchanged.
const MAX_SPAN_TOKENS: usize = 24;

const CASES: [Case; 6] = [
    Case::Nomn,
    Case::Gent,
    Case::Datv,
    Case::Accs,
    Case::Ablt,
    Case::Loct,
];

/// Words around a mention that help choose its case and gender.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// Text before the mention (only its last word is looked at, e.g. a preposition).
    pub before: &'a str,
    /// Text after the mention (only its first word is looked at, e.g. "сказала").
    pub after: &'a str,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    First,
    Middle,
    Last,
    Only,
}

enum CandForm {
    /// Parse `k` of the word, inflected to the nominative.
    Parse(usize),
    /// A guessed nominative.
    Lemma(String),
    /// The word as written (indeclinable).
    Keep,
}

struct Cand {
    case: Case,
    gender: Option<Gender>,
    weight: f32,
    form: CandForm,
}

struct Word<'a> {
    text: &'a str,
    parses: Vec<Parse>,
    /// Never inflected (initial, abbreviation, indeclinable patronymic, foreign word).
    fixed: bool,
    capitalised: bool,
}

fn is_word(w: &Word<'_>) -> bool {
    w.text.chars().any(char::is_alphanumeric)
}

fn is_adj(p: &Parse) -> bool {
    matches!(p.tag.pos, Some(Pos::Adjf | Pos::Prtf))
}

fn is_noun(p: &Parse) -> bool {
    p.tag.pos == Some(Pos::Noun)
}

/// Whether, after adjective `w`, the adjective run ends in a noun it agrees with
/// ("Хмельницкой атомной электростанции").
fn agreeing_noun_follows(w: &Word<'_>, rest: &[Word<'_>]) -> bool {
    let agree = |a: &Parse, n: &Parse| {
        a.tag.case.map(Case::main) == n.tag.case.map(Case::main) && a.tag.number == n.tag.number
    };
    for n in rest.iter().filter(|n| is_word(n)) {
        if n.text == "и" {
            continue;
        }
        let noun = n
            .parses
            .iter()
            .any(|np| is_noun(np) && w.parses.iter().any(|ap| is_adj(ap) && agree(ap, np)));
        if noun {
            return true;
        }
        let adj = n
            .parses
            .iter()
            .any(|np| is_adj(np) && w.parses.iter().any(|ap| is_adj(ap) && agree(ap, np)));
        if !adj {
            return false;
        }
    }
    false
}

/// The nominative of an unknown masculine consonant-stem name from an oblique form:
/// "-е" (locative), "-у" (dative), "-ом" (instrumental).
fn masculine_stem(lower: &str) -> Option<String> {
    const CONSONANTS: &str = "бвгджзклмнпрстфхцчшщ";
    let chars: Vec<char> = lower.chars().collect();
    let n = chars.len();
    if n < 4 {
        return None;
    }
    let ends = |suffix: &str| lower.ends_with(suffix);
    let cut = if ends("ом") {
        2
    } else if ends("е") || ends("у") {
        1
    } else {
        return None;
    };
    let last_stem = chars.get(n - cut - 1)?;
    CONSONANTS
        .contains(*last_stem)
        .then(|| chars.iter().take(n - cut).collect())
}

/// Name particles that never inflect ("Абд Эль Фатах", "Аль Аин", "фон Браун").
fn is_name_particle(lower: &str) -> bool {
    [
        "аль", "эль", "ибн", "бин", "бен", "фон", "ван", "дер", "де", "ди", "да", "дю", "ла", "ле",
        "ас", "ад", "ат", "бну", "абу", "абд",
    ]
    .contains(&lower)
}

/// Turkic patronymic words written apart from the father's name ("Бектурсун уулу").
const PATRONYMIC_PARTICLES: [&str; 8] =
    ["улы", "уулу", "ұлы", "оглы", "угли", "кызы", "қызы", "кизи"];

/// The sex a Turkic patronymic shows: "-улы", "уулу", "-оглы" a son, "-кызы" a daughter.
fn patronymic_gender(lower: &str) -> Option<Gender> {
    if ["улы", "уулу", "ұлы", "оглы", "угли"]
        .iter()
        .any(|s| lower.ends_with(s))
    {
        Some(Gender::Masc)
    } else if ["кызы", "қызы", "кизи"].iter().any(|s| lower.ends_with(s)) {
        Some(Gender::Femn)
    } else {
        None
    }
}

fn is_indeclinable_patronymic(lower: &str) -> bool {
    ["улы", "уулу", "кызы", "кизи", "оглы", "угли", "ұлы", "қызы"]
        .iter()
        .any(|s| lower.ends_with(s))
}

fn is_upper_word(s: &str) -> bool {
    s.chars().count() > 1
        && s.chars().all(|c| !c.is_lowercase())
        && s.chars().any(char::is_uppercase)
}

/// Applies the letter case of `orig` to the lower-case `new` word.
fn recover_shape(new: &str, orig: &str) -> String {
    if is_upper_word(orig) {
        return new.to_uppercase();
    }
    // Part by part in compounds, so a shorter first part keeps the later capitals in place
    // ("Ростове-на-Дону" → "Ростов-на-Дону").
    if new.contains('-') && new.matches('-').count() == orig.matches('-').count() {
        return new
            .split('-')
            .zip(orig.split('-'))
            .map(|(n, o)| recover_case(n, o))
            .collect::<Vec<_>>()
            .join("-");
    }
    recover_case(new, orig)
}

fn recover_case(new: &str, orig: &str) -> String {
    let mut out = String::with_capacity(new.len());
    let mut o = orig.chars();
    for c in new.chars() {
        match o.next() {
            Some(oc) if oc.is_uppercase() => out.extend(c.to_uppercase()),
            _ => out.push(c),
        }
    }
    out
}

/// Cases a preposition governs (for the word just before a mention).
fn governed_cases(prep: &str) -> &'static [Case] {
    match prep {
        "в" | "во" | "на" => &[Case::Loct, Case::Accs],
        "о" | "об" | "обо" | "при" => &[Case::Loct],
        "у"
        | "от"
        | "до"
        | "из"
        | "изо"
        | "без"
        | "для"
        | "около"
        | "возле"
        | "после"
        | "против"
        | "среди"
        | "кроме"
        | "вокруг"
        | "со стороны"
        | "из-за"
        | "из-под" => &[Case::Gent],
        "к" | "ко" | "по" | "благодаря" | "согласно" => &[Case::Datv],
        "с" | "со" => &[Case::Ablt, Case::Gent],
        "над" | "под" | "перед" | "между" | "за" => &[Case::Ablt, Case::Accs],
        "про" | "через" | "сквозь" => &[Case::Accs],
        _ => &[],
    }
}

/// The word just before a mention (only spaces between), as written.
fn last_word(s: &str) -> Option<&str> {
    let tail = s.trim_end();
    let start = tail
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphabetic() || c == '-')
        .last()
        .map(|(i, _)| i)?;
    tail.get(start..).filter(|w| !w.is_empty())
}

fn first_word(s: &str) -> Option<&str> {
    let t = s.trim_start();
    let end = t
        .find(|c: char| !(c.is_alphabetic() || c == '-'))
        .unwrap_or(t.len());
    t.get(..end).filter(|w| !w.is_empty())
}

impl Morph {
    /// The normal form (nominative) of an entity mention given as its text.
    ///
    /// ```
    /// use khronika_model::EntityKind;
    /// let morph = khronika_morph::Morph::new().unwrap();
    /// assert_eq!(morph.normalize_entity("Айбека Смадиярова", EntityKind::Person), "Айбек Смадияров");
    /// assert_eq!(
    ///     morph.normalize_entity("Министерстве иностранных дел", EntityKind::Organisation),
    ///     "Министерство иностранных дел"
    /// );
    /// ```
    pub fn normalize_entity(&self, span_text: &str, kind: EntityKind) -> String {
        self.normalize_entity_in_context(span_text, kind, Context::default())
    }

    /// Like [`Morph::normalize_entity`] for the mention at `byte_range` of `text`, using the
    /// preposition before it and the verb after it to settle ambiguous readings
    /// ("у Смадиярова" vs "Смадиярова заявила"). An invalid range gives an empty string.
    pub fn normalize_in_text(
        &self,
        text: &str,
        byte_range: std::ops::Range<usize>,
        kind: EntityKind,
    ) -> String {
        let (Some(before), Some(span), Some(after)) = (
            text.get(..byte_range.start),
            text.get(byte_range.clone()),
            text.get(byte_range.end..),
        ) else {
            return String::new();
        };
        let before = before
            .get(before.len().saturating_sub(64)..)
            .unwrap_or_else(|| {
                let cut = before.char_indices().rev().nth(32).map_or(0, |(i, _)| i);
                before.get(cut..).unwrap_or("")
            });
        self.normalize_entity_in_context(span, kind, Context { before, after })
    }

    /// [`Morph::normalize_entity`] with the words around the mention.
    pub fn normalize_entity_in_context(
        &self,
        span_text: &str,
        kind: EntityKind,
        ctx: Context<'_>,
    ) -> String {
        let tokens = tokenize(span_text);
        if tokens.is_empty() || tokens.len() > MAX_SPAN_TOKENS {
            return span_text.to_string();
        }
        let words: Vec<Word<'_>> = tokens
            .iter()
            .map(|t| {
                let has_cyr = t
                    .text
                    .chars()
                    .any(|c| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё'));
                let single = t.text.chars().count() == 1;
                let lower = t.text.to_lowercase();
                // "МАГАТЕ", "БелТА": abbreviations do not inflect.
                let upper_abbr = is_upper_word(t.text)
                    || (t.text.chars().filter(|c| c.is_uppercase()).count() >= 2
                        && t.text.chars().last().is_some_and(char::is_uppercase));
                // The father's name before a separate "уулу" / "кызы" ("Адилет Бектурсун
                // уулу") is part of the indeclinable patronymic.
                let before_particle = tokens
                    .iter()
                    .skip_while(|x| !std::ptr::eq(*x, t))
                    .nth(1)
                    .is_some_and(|n| {
                        PATRONYMIC_PARTICLES.contains(&n.text.to_lowercase().as_str())
                    });
                let fixed = !has_cyr
                    || single
                    || upper_abbr
                    || before_particle
                    || is_indeclinable_patronymic(&lower)
                    || (tokens.len() > 1 && is_name_particle(&lower));
                let parses = if fixed {
                    Vec::new()
                } else {
                    self.parse(t.text)
                };
                let fixed =
                    fixed || (!parses.is_empty() && parses.iter().all(|p| p.tag.is_fixed()));
                Word {
                    text: t.text,
                    capitalised: t.text.chars().next().is_some_and(char::is_uppercase),
                    parses,
                    fixed,
                }
            })
            .collect();
        let forms = match kind {
            EntityKind::Person => self.person_forms(&words, ctx),
            EntityKind::Organisation | EntityKind::Location => self.phrase_forms(&words, kind, ctx),
        };
        let mut out = String::with_capacity(span_text.len() + 8);
        let mut pos = 0;
        for (t, form) in tokens.iter().zip(forms) {
            out.push_str(span_text.get(pos..t.byte_start).unwrap_or(""));
            match form {
                Some(f) => out.push_str(&recover_shape(&f, t.text)),
                None => out.push_str(t.text),
            }
            pos = t.byte_end;
        }
        out.push_str(span_text.get(pos..).unwrap_or(""));
        out
    }

    /// Reads a word next to a mention as a verb: whether it is a finite singular verb, and
    /// the gender a past-tense one shows ("заявила"). After the name such a verb means the
    /// name is its subject; before it, only that a nominative name agrees with it in gender
    /// ("подчеркнул Смадияров", "поздравил Токаева": not the woman Токаева).
    fn verb_reading(&self, word: Option<&str>) -> (bool, Option<Gender>) {
        let Some(w) = word else {
            return (false, None);
        };
        let parses = self.parse(w);
        // Predicative "должен" counts as a verb; a plural verb cannot have a name as subject.
        let finite = parses.iter().filter(|p| {
            (p.tag.pos == Some(Pos::Verb) || (p.tag.pos == Some(Pos::Adjs) && p.lemma == "должный"))
                && p.score > 0.2
                && p.tag.number != Some(Number::Plur)
        });
        let mut is_verb = false;
        let mut gender = None;
        for p in finite {
            is_verb = true;
            if p.tag.has("past") && p.tag.number == Some(Number::Sing) {
                gender = gender.or(p
                    .tag
                    .gender
                    .filter(|g| matches!(g, Gender::Masc | Gender::Femn)));
            }
        }
        (is_verb, gender)
    }

    /// Readings (case, gender) a name right after `word` is likely in: after a person noun
    /// ("президента", "министр") the same case (apposition), after a kinship noun or any
    /// other noun the genitive ("вдова Ельцина", "пресс-служба Кадырова"), after an
    /// adjective its case and gender ("известная Ванга").
    fn word_before_readings(&self, word: &str) -> Vec<(Case, Option<Gender>)> {
        const KIN: [&str; 16] = [
            "вдова",
            "жена",
            "муж",
            "сын",
            "дочь",
            "отец",
            "мать",
            "брат",
            "сестра",
            "внук",
            "внучка",
            "дед",
            "бабушка",
            "супруга",
            "супруг",
            "племянник",
        ];
        let parses = self.parse(word);
        let Some(top) = parses.first() else {
            return Vec::new();
        };
        if top.tag.is_person_part() {
            return Vec::new();
        }
        // A proper name before the name is mostly a genitive inside a title ("министр
        // иностранных дел Японии Сейдзи Маэхара"), which says nothing of the name's case.
        let proper = word.starts_with(char::is_uppercase)
            && parses
                .iter()
                .take(3)
                .any(|p| p.tag.is_geo() || p.tag.is_org() || p.tag.is_abbr());
        if proper || is_upper_word(word) {
            return Vec::new();
        }
        match top.tag.pos {
            Some(Pos::Noun) if top.tag.has("anim") && !KIN.contains(&top.lemma.as_str()) => parses
                .iter()
                .filter(|p| p.tag.pos == Some(Pos::Noun) && p.tag.has("anim"))
                .filter_map(|p| Some((p.tag.case?.main(), None)))
                .collect(),
            Some(Pos::Noun) => vec![(Case::Gent, None)],
            Some(Pos::Adjf | Pos::Prtf) => parses
                .iter()
                .filter(|p| {
                    matches!(p.tag.pos, Some(Pos::Adjf | Pos::Prtf))
                        && p.tag.number == Some(Number::Sing)
                })
                .filter_map(|p| Some((p.tag.case?.main(), p.tag.gender)))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn phrase_forms(
        &self,
        words: &[Word<'_>],
        kind: EntityKind,
        ctx: Context<'_>,
    ) -> Vec<Option<String>> {
        // Coordinated names ("Сената и Синода") are normalised part by part.
        if let Some(k) = words.iter().position(|w| w.text == "и") {
            let before_and = words.get(..k).unwrap_or(&[]);
            let after_and = words.get(k + 1..).unwrap_or(&[]);
            // Only "[adjectives] noun и …": the conjunction joins two names, not two
            // dependents ("Института этнологии и антропологии").
            let heads: Vec<&Word<'_>> = before_and
                .iter()
                .filter(|w| {
                    is_word(w) && (w.parses.iter().any(is_noun) || !w.parses.iter().any(is_adj))
                })
                .collect();
            let last = before_and.iter().rev().find(|w| is_word(w));
            let simple = heads.len() == 1
                && last.is_some_and(|l| {
                    heads.first().is_some_and(|h| std::ptr::eq(l, *h))
                        && l.parses.iter().any(is_noun)
                });
            if simple && !after_and.is_empty() {
                let mut out = self.phrase_forms(before_and, kind, ctx);
                out.push(None);
                out.extend(self.phrase_forms(after_and, kind, Context::default()));
                return out;
            }
        }
        let mut out: Vec<Option<String>> = words.iter().map(|_| None).collect();
        // Leading adjectives (possibly coordinated: "продовольственной и
        // сельскохозяйственной"), then the head.
        let mut adjs = Vec::new();
        let mut head = None;
        for (i, w) in words.iter().enumerate() {
            if !is_word(w) || (w.text == "и" && !adjs.is_empty()) {
                continue;
            }
            if w.parses.is_empty() {
                head = Some(i);
                break;
            }
            let has_adj = w.parses.iter().any(is_adj);
            let noun_is_guess = w
                .parses
                .iter()
                .filter(|p| is_noun(p))
                .all(|p| p.method != Method::Dictionary);
            let has_noun = w.parses.iter().any(is_noun)
                && !(noun_is_guess
                    && w.parses
                        .iter()
                        .any(|p| is_adj(p) && p.method == Method::Dictionary));
            if has_adj && (!has_noun || agreeing_noun_follows(w, words.get(i + 1..).unwrap_or(&[])))
            {
                adjs.push(i);
                continue;
            }
            if has_noun {
                head = Some(i);
            }
            break;
        }
        let Some(h) = head else {
            // A span of adjectives only ("Кронштадтском" of "Кронштадтском бульваре",
            // "Большого" for the theatre): each in the nominative, gender and number kept.
            for &a in &adjs {
                let Some(aw) = words.get(a) else { continue };
                // Masculine and neuter share the oblique forms; the masculine is the usual
                // reading of a name ("Большого" → "Большой").
                let rank = |p: &Parse| {
                    p.score
                        + if p.tag.gender == Some(Gender::Masc) {
                            2.0
                        } else {
                            0.0
                        }
                };
                let Some(ap) = aw
                    .parses
                    .iter()
                    .filter(|p| is_adj(p))
                    .max_by(|x, y| rank(x).total_cmp(&rank(y)))
                else {
                    continue;
                };
                if ap.tag.case == Some(Case::Nomn) {
                    continue;
                }
                let t = nominative_target(ap.tag.number, ap.tag.gender);
                if let Some(slot) = out.get_mut(a) {
                    *slot = self.inflect(ap, t);
                }
            }
            return out;
        };
        let Some(hw) = words.get(h) else { return out };
        if hw.parses.is_empty() {
            return out;
        }
        let prev_lower = last_word(ctx.before).map(str::to_lowercase);
        let prep_cases = prev_lower.as_deref().map_or(&[][..], governed_cases);
        let agrees = |a: &Parse, n: &Parse| {
            is_adj(a)
                && a.tag.case.map(Case::main) == n.tag.case.map(Case::main)
                && a.tag.number == n.tag.number
                && (n.tag.number == Some(Number::Plur)
                    || a.tag.gender == n.tag.gender
                    || n.tag.gender == Some(Gender::Common))
        };
        let known_head = hw.parses.iter().any(|p| p.method == Method::Dictionary);
        let mut best: Option<(f32, Option<&Parse>)> = None;
        if !known_head && adjs.is_empty() {
            // An unknown name may well be indeclinable or already in the nominative, or a
            // masculine consonant stem in an oblique case ("Тоттенхэме" ← "Тоттенхэм").
            best = Some((0.45, None));
            let lower = hw.text.to_lowercase();
            if let Some(stem) = masculine_stem(&lower) {
                if let Some(slot) = out.get_mut(h) {
                    *slot = Some(stem);
                }
                best = Some((0.55, None));
            }
        }
        for p in hw
            .parses
            .iter()
            .filter(|p| is_noun(p) && p.tag.case != Some(Case::Voct))
        {
            let mut s = p.score;
            if hw.capitalised
                && ((kind == EntityKind::Location && p.tag.is_geo()) || p.tag.is_org())
            {
                s += 0.5;
            }
            if hw.capitalised && p.tag.is_geo() {
                s += 0.2;
            }
            if p.tag.number == Some(Number::Sing) || p.tag.has("Pltm") {
                s += 0.3;
            }
            if p.tag.case == Some(Case::Nomn) {
                s += 0.1;
            }
            if p.method == Method::Dictionary {
                s += 0.2;
            } else if p.tag.gender == Some(Gender::Masc) && p.tag.number == Some(Number::Sing) {
                // Unknown foreign place names are mostly masculine ("в Тусоне", "Ньюпорте").
                s += 0.3;
            }
            if p.tag.case.is_some_and(|c| prep_cases.contains(&c.main())) {
                s += 0.3;
            }
            if p.method != Method::Dictionary && p.tag.number == Some(Number::Plur) {
                // A guessed plural is a poor reading of an unknown place or body.
                s -= 0.4;
            }
            for &a in &adjs {
                let ok = words
                    .get(a)
                    .is_some_and(|aw| aw.parses.iter().any(|ap| agrees(ap, p)));
                s += if ok { 1.0 } else { -1.0 };
            }
            if best.is_none_or(|(b, _)| s > b) {
                best = Some((s, Some(p)));
            }
        }
        let Some((_, Some(hp))) = best else {
            return out;
        };
        if let Some(slot) = out.get_mut(h) {
            *slot = None;
        }
        let target = Target {
            case: Some(Case::Nomn),
            number: hp.tag.number,
            gender: None,
        };
        if hp.tag.case != Some(Case::Nomn) && !hp.tag.is_fixed() {
            if let Some(slot) = out.get_mut(h) {
                *slot = self.inflect(hp, target);
            }
        }
        for &a in &adjs {
            let Some(aw) = words.get(a) else { continue };
            let Some(ap) = aw
                .parses
                .iter()
                .filter(|ap| agrees(ap, hp))
                .max_by(|x, y| x.score.total_cmp(&y.score))
            else {
                continue;
            };
            if ap.tag.case == Some(Case::Nomn) {
                continue;
            }
            let t = nominative_target(hp.tag.number, ap.tag.gender);
            if let Some(slot) = out.get_mut(a) {
                *slot = self.inflect(ap, t);
            }
        }
        out
    }

    /// Every nominative singular reading of one word, in the word's letter case, most likely
    /// first: "Смадиярова" → ["Смадияров", "Смадиярова"]. Useful to link a lone surname to
    /// a full name seen elsewhere whatever its case and gender turned out to be.
    pub fn nominative_forms(&self, word: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for p in self.parse(word) {
            if p.tag.number == Some(Number::Plur)
                || !matches!(p.tag.pos, Some(Pos::Noun | Pos::Adjf))
            {
                continue;
            }
            let nominative = if p.tag.case == Some(Case::Nomn) {
                Some(p.word.clone())
            } else {
                self.inflect(
                    &p,
                    Target {
                        case: Some(Case::Nomn),
                        number: Some(Number::Sing),
                        gender: None,
                    },
                )
            };
            if let Some(n) = nominative.map(|n| recover_shape(&n, word)) {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        }
        if out.is_empty() {
            out.push(word.to_string());
        }
        out
    }

    /// Grammatical gender of a person from the normal form of the name ("Анна Ахматова" →
    /// feminine, "Айбек Смадияров" → masculine); `None` when the name does not tell.
    pub fn person_gender(&self, normal_name: &str) -> Option<Gender> {
        let mut masc = 0.0f32;
        let mut femn = 0.0f32;
        for t in tokenize(normal_name) {
            let lower = t.text.to_lowercase();
            if lower.chars().count() < 2 {
                continue;
            }
            let ends = |xs: &[&str]| xs.iter().any(|s| lower.ends_with(s));
            if ends(&["овна", "евна", "ична", "инична", "кызы", "қызы", "кизи"])
            {
                femn += 2.0;
                continue;
            }
            if ends(&["ович", "евич", "ьич", "улы", "уулу", "ұлы", "оглы", "угли"])
            {
                masc += 2.0;
                continue;
            }
            if let Some(g) = crate::names::gender(&lower) {
                match g {
                    Gender::Femn => femn += 2.0,
                    _ => masc += 2.0,
                }
                continue;
            }
            let parses = self.parse(t.text);
            let mut voted = false;
            for p in parses.iter().filter(|p| {
                p.tag.is_person_part()
                    && p.tag.case == Some(Case::Nomn)
                    && p.tag.number == Some(Number::Sing)
            }) {
                match p.tag.gender {
                    Some(Gender::Masc) => masc += p.score + 0.5,
                    Some(Gender::Femn) => femn += p.score + 0.5,
                    _ => continue,
                }
                voted = true;
            }
            if !voted {
                if ends(&["ова", "ева", "ёва", "ина", "ына", "ская", "цкая", "ая"])
                {
                    femn += 1.0;
                } else if ends(&["ов", "ев", "ёв", "ин", "ын", "ский", "цкий", "ой", "ий"])
                {
                    masc += 1.0;
                }
            }
        }
        if masc > femn {
            Some(Gender::Masc)
        } else if femn > masc {
            Some(Gender::Femn)
        } else {
            None
        }
    }
}

/// The nominative of a word in `number`; plurals have no gender to agree in.
fn nominative_target(number: Option<Number>, gender: Option<Gender>) -> Target {
    Target {
        case: Some(Case::Nomn),
        number,
        gender: if number == Some(Number::Plur) {
            None
        } else {
            gender
        },
    }
}
