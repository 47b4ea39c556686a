//! Normal forms of named-entity mentions in the nominative, like natasha's
//! `span.normalize(morph_vocab)` but without a tagger or parser: the grammatical reading of
//! the whole span is chosen jointly (all name parts in one case and gender; adjectives in
//! agreement with the head noun), then the inflecting words are put in the nominative.
//!
//! - PER: every name part inflects ("Айбека Смадиярова" → "Айбек Смадияров", "Анны
//!   Ахматовой" → "Анна Ахматова"); initials, Latin words and Central Asian patronymics in
//!   -улы / -уулу / -кызы / -оглы stay as written.
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

/// Longest span (in tokens) that is normalised; longer spans are returned unchanged.
const MAX_SPAN_TOKENS: usize = 24;

const CASES: [Case; 6] = [Case::Nomn, Case::Gent, Case::Datv, Case::Accs, Case::Ablt, Case::Loct];

/// Words around a mention that help choose its case and gender.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// Text before the mention (only its last word is looked at, e.g. a preposition).
    pub before: &'a str,
    /// Text after the mention (only its first word is looked at, e.g. "сказала").
    pub after: &'a str,
}

struct Word<'a> {
    text: &'a str,
    parses: Vec<Parse>,
    /// Never inflected (initial, abbreviation, indeclinable patronymic, foreign word).
    fixed: bool,
    capitalised: bool,
}

fn is_indeclinable_patronymic(lower: &str) -> bool {
    ["улы", "уулу", "кызы", "кизи", "оглы", "угли", "ұлы", "қызы"]
        .iter()
        .any(|s| lower.ends_with(s))
}

fn is_upper_word(s: &str) -> bool {
    s.chars().count() > 1 && s.chars().all(|c| !c.is_lowercase()) && s.chars().any(char::is_uppercase)
}

/// Applies the letter case of `orig` to the lower-case `new` word.
fn recover_shape(new: &str, orig: &str) -> String {
    if is_upper_word(orig) {
        return new.to_uppercase();
    }
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

fn case_matches(p: &Parse, case: Case) -> bool {
    p.tag.case.map(Case::main) == Some(case)
}

fn gender_matches(p: &Parse, g: Gender) -> bool {
    matches!(p.tag.gender, None | Some(Gender::Common)) || p.tag.gender == Some(g)
}

/// Cases a preposition governs (for the word just before a mention).
fn governed_cases(prep: &str) -> &'static [Case] {
    match prep {
        "в" | "во" | "на" => &[Case::Loct, Case::Accs],
        "о" | "об" | "обо" | "при" => &[Case::Loct],
        "у" | "от" | "до" | "из" | "изо" | "без" | "для" | "около" | "возле" | "после"
        | "против" | "среди" | "кроме" | "вокруг" | "со стороны" | "из-за" | "из-под" => &[Case::Gent],
        "к" | "ко" | "по" | "благодаря" | "согласно" => &[Case::Datv],
        "с" | "со" => &[Case::Ablt, Case::Gent],
        "над" | "под" | "перед" | "между" | "за" => &[Case::Ablt, Case::Accs],
        "про" | "через" | "сквозь" => &[Case::Accs],
        _ => &[],
    }
}

fn last_word(s: &str) -> Option<String> {
    let tail = s.trim_end();
    let w: String = tail
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic() || *c == '-')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    // Only when nothing but spaces separates the word from the mention.
    (!w.is_empty() && tail.len() == s.trim_end().len()).then(|| w.to_lowercase())
}

fn first_word(s: &str) -> Option<&str> {
    let t = s.trim_start();
    let end = t.find(|c: char| !(c.is_alphabetic() || c == '-')).unwrap_or(t.len());
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
    pub fn normalize_in_text(&self, text: &str, byte_range: std::ops::Range<usize>, kind: EntityKind) -> String {
        let (Some(before), Some(span), Some(after)) = (
            text.get(..byte_range.start),
            text.get(byte_range.clone()),
            text.get(byte_range.end..),
        ) else {
            return String::new();
        };
        let before = before.get(before.len().saturating_sub(64)..).unwrap_or_else(|| {
            let cut = before.char_indices().rev().nth(32).map_or(0, |(i, _)| i);
            before.get(cut..).unwrap_or("")
        });
        self.normalize_entity_in_context(span, kind, Context { before, after })
    }

    /// [`Morph::normalize_entity`] with the words around the mention.
    pub fn normalize_entity_in_context(&self, span_text: &str, kind: EntityKind, ctx: Context<'_>) -> String {
        let tokens = tokenize(span_text);
        if tokens.is_empty() || tokens.len() > MAX_SPAN_TOKENS {
            return span_text.to_string();
        }
        let words: Vec<Word<'_>> = tokens
            .iter()
            .map(|t| {
                let has_cyr = t.text.chars().any(|c| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё'));
                let single = t.text.chars().count() == 1;
                let lower = t.text.to_lowercase();
                let upper_abbr = is_upper_word(t.text) && t.text.chars().count() <= 5;
                let fixed = !has_cyr || single || upper_abbr || is_indeclinable_patronymic(&lower);
                let parses = if fixed { Vec::new() } else { self.parse(t.text) };
                let fixed = fixed || (!parses.is_empty() && parses.iter().all(|p| p.tag.is_fixed()));
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

    /// Reads the verb after a mention: a past-tense singular verb tells the gender of the
    /// subject ("заявила"), and that the mention is in the nominative.
    fn verb_gender(&self, ctx: Context<'_>) -> Option<Gender> {
        let w = first_word(ctx.after)?;
        self.parse(w)
            .into_iter()
            .filter(|p| p.tag.pos == Some(Pos::Verb) && p.tag.has("past") && p.tag.number == Some(Number::Sing))
            .find_map(|p| p.tag.gender.filter(|g| matches!(g, Gender::Masc | Gender::Femn)))
    }

    fn person_forms(&self, words: &[Word<'_>], ctx: Context<'_>) -> Vec<Option<String>> {
        let inflecting: Vec<usize> = (0..words.len())
            .filter(|&i| words.get(i).is_some_and(|w| !w.fixed && !w.parses.is_empty()))
            .collect();
        let first = inflecting.first().copied();
        let last = inflecting.last().copied();
        let prep_cases = last_word(ctx.before).map_or(&[][..], |w| governed_cases(&w));
        let verb = self.verb_gender(ctx);
        let weight = |i: usize, p: &Parse| -> f32 {
            let mut w = p.score;
            if !matches!(p.tag.pos, Some(Pos::Noun | Pos::Adjf)) {
                return w - 0.5;
            }
            if p.tag.number == Some(Number::Plur) {
                w -= 0.8;
            }
            let role = if Some(i) == last && inflecting.len() > 1 {
                p.tag.is_surname()
            } else if Some(i) == first && inflecting.len() > 1 {
                p.tag.is_name()
            } else if inflecting.len() == 1 {
                p.tag.is_surname() || p.tag.is_name()
            } else {
                p.tag.is_patronymic()
            };
            if role {
                w += 1.0;
            } else if p.tag.is_person_part() {
                w += 0.5;
            } else if p.tag.has("anim") {
                w += 0.2;
            }
            if p.method == Method::Dictionary {
                w += 0.3;
            }
            w
        };
        let mut best: Option<(f32, Case, Gender)> = None;
        for case in CASES {
            for gender in [Gender::Masc, Gender::Femn] {
                let mut score = 0.0;
                for &i in &inflecting {
                    let Some(word) = words.get(i) else { continue };
                    let s = word
                        .parses
                        .iter()
                        .filter(|p| case_matches(p, case) && gender_matches(p, gender))
                        .map(|p| weight(i, p))
                        .fold(None, |a: Option<f32>, b| Some(a.map_or(b, |a| a.max(b))));
                    score += s.unwrap_or(-1.5);
                }
                if gender == Gender::Masc {
                    score += 0.2;
                }
                if case == Case::Nomn {
                    score += 0.15;
                }
                if prep_cases.contains(&case) {
                    score += 0.6;
                }
                if let Some(g) = verb {
                    if g == gender && case == Case::Nomn {
                        score += 0.8;
                    }
                }
                if best.is_none_or(|(b, _, _)| score > b) {
                    best = Some((score, case, gender));
                }
            }
        }
        let Some((_, case, gender)) = best else {
            return words.iter().map(|_| None).collect();
        };
        words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if w.fixed {
                    return None;
                }
                let p = w
                    .parses
                    .iter()
                    .filter(|p| case_matches(p, case) && gender_matches(p, gender))
                    .max_by(|a, b| weight(i, a).total_cmp(&weight(i, b)))?;
                if case == Case::Nomn && p.tag.case == Some(Case::Nomn) {
                    return None;
                }
                self.inflect(
                    p,
                    Target {
                        case: Some(Case::Nomn),
                        number: Some(Number::Sing),
                        gender: None,
                    },
                )
            })
            .collect()
    }

    fn phrase_forms(&self, words: &[Word<'_>], kind: EntityKind, ctx: Context<'_>) -> Vec<Option<String>> {
        let mut out: Vec<Option<String>> = words.iter().map(|_| None).collect();
        let is_word = |w: &Word<'_>| w.text.chars().any(char::is_alphanumeric);
        let is_adj = |p: &Parse| matches!(p.tag.pos, Some(Pos::Adjf | Pos::Prtf));
        let is_noun = |p: &Parse| p.tag.pos == Some(Pos::Noun);
        // Leading adjectives, then the head.
        let mut adjs = Vec::new();
        let mut head = None;
        for (i, w) in words.iter().enumerate() {
            if !is_word(w) {
                continue;
            }
            if w.fixed || w.parses.is_empty() {
                head = Some(i);
                break;
            }
            let has_adj = w.parses.iter().any(is_adj);
            let has_noun = w.parses.iter().any(is_noun);
            let next_noun = words.iter().skip(i + 1).find(|w| is_word(w)).is_some_and(|n| {
                n.parses.iter().any(|np| {
                    is_noun(np)
                        && w.parses.iter().any(|ap| {
                            is_adj(ap)
                                && ap.tag.case.map(Case::main) == np.tag.case.map(Case::main)
                                && ap.tag.number == np.tag.number
                        })
                })
            });
            if has_adj && (!has_noun || next_noun) {
                adjs.push(i);
                continue;
            }
            if has_noun {
                head = Some(i);
            }
            break;
        }
        let Some(h) = head else { return out };
        let Some(hw) = words.get(h) else { return out };
        if hw.fixed || hw.parses.is_empty() {
            return out;
        }
        let prep_cases = last_word(ctx.before).map_or(&[][..], |w| governed_cases(&w));
        let agrees = |a: &Parse, n: &Parse| {
            is_adj(a)
                && a.tag.case.map(Case::main) == n.tag.case.map(Case::main)
                && a.tag.number == n.tag.number
                && (n.tag.number == Some(Number::Plur)
                    || a.tag.gender == n.tag.gender
                    || n.tag.gender == Some(Gender::Common))
        };
        let mut best: Option<(f32, &Parse)> = None;
        for p in hw.parses.iter().filter(|p| is_noun(p)) {
            let mut s = p.score;
            if hw.capitalised && ((kind == EntityKind::Location && p.tag.is_geo()) || p.tag.is_org()) {
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
            }
            if p.tag.case.is_some_and(|c| prep_cases.contains(&c.main())) {
                s += 0.3;
            }
            for &a in &adjs {
                let ok = words.get(a).is_some_and(|aw| aw.parses.iter().any(|ap| agrees(ap, p)));
                s += if ok { 1.0 } else { -1.0 };
            }
            if best.is_none_or(|(b, _)| s > b) {
                best = Some((s, p));
            }
        }
        let Some((_, hp)) = best else { return out };
        if hp.tag.case == Some(Case::Nomn) {
            return out;
        }
        let target = Target {
            case: Some(Case::Nomn),
            number: hp.tag.number,
            gender: None,
        };
        if let Some(slot) = out.get_mut(h) {
            *slot = self.inflect(hp, target);
        }
        for &a in &adjs {
            let Some(aw) = words.get(a) else { continue };
            let Some(ap) = aw.parses.iter().filter(|ap| agrees(ap, hp)).max_by(|x, y| x.score.total_cmp(&y.score)) else {
                continue;
            };
            let t = Target {
                case: Some(Case::Nomn),
                number: hp.tag.number,
                gender: if hp.tag.number == Some(Number::Plur) { None } else { ap.tag.gender },
            };
            if let Some(slot) = out.get_mut(a) {
                *slot = self.inflect(ap, t);
            }
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
            if ends(&["овна", "евна", "ична", "инична", "кызы", "қызы", "кизи"]) {
                femn += 2.0;
                continue;
            }
            if ends(&["ович", "евич", "ьич", "улы", "уулу", "ұлы", "оглы", "угли"]) {
                masc += 2.0;
                continue;
            }
            let parses = self.parse(t.text);
            let mut voted = false;
            for p in parses.iter().filter(|p| p.tag.is_person_part() && p.tag.case == Some(Case::Nomn) && p.tag.number == Some(Number::Sing)) {
                match p.tag.gender {
                    Some(Gender::Masc) => masc += p.score + 0.5,
                    Some(Gender::Femn) => femn += p.score + 0.5,
                    _ => continue,
                }
                voted = true;
            }
            if !voted {
                if ends(&["ова", "ева", "ёва", "ина", "ына", "ская", "цкая", "ая"]) {
                    femn += 1.0;
                } else if ends(&["ов", "ев", "ёв", "ин", "ын", "ский", "цкий", "ой", "ий"]) {
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
