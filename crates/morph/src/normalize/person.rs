//! Person names: the readings of each name part (given name, patronymic, surname, Turkic
//! patronymic particles) and the joint choice of one case and gender for the whole name.
//! Split from the parent module, which holds the shared word model and the ORG / LOC rules.

use super::*;

impl Morph {
    /// Reading candidates of one word of a person name.
    fn person_candidates(&self, w: &Word<'_>, role: Role) -> Vec<Cand> {
        let mut out = Vec::new();
        let known = w.parses.iter().any(|p| p.method == Method::Dictionary);
        let lower_word = w.text.to_lowercase();
        let listed = crate::names::readings(&lower_word);
        for (k, p) in w.parses.iter().enumerate() {
            // A listed man's name is not the homonymous woman's ("Нурлана").
            if !listed.is_empty()
                && p.tag.is_name()
                && !listed.iter().any(|r| Some(r.1) == p.tag.gender)
            {
                continue;
            }
            // A person is animate: an inanimate accusative (the nominative's form, "Шахбоз")
            // is not a reading of a name.
            if p.tag.case == Some(Case::Accs) && p.tag.has("inan") {
                continue;
            }
            let vocative = p.tag.case == Some(Case::Voct);
            if vocative
                || p.tag.number == Some(Number::Plur)
                || !matches!(p.tag.pos, Some(Pos::Noun | Pos::Adjf))
            {
                continue;
            }
            let Some(case) = p.tag.case.map(Case::main) else {
                continue;
            };
            let mut weight = if p.method == Method::Dictionary {
                p.score + 0.3
            } else {
                0.5 * p.score
            };
            // A guessed surname "Смадияровым" is far more often "Смадияров" than the
            // adjectival "Смадияровой" the guesser offers beside it.
            if p.method != Method::Dictionary
                && p.tag.is_surname()
                && ["овой", "евой", "ёвой", "иной", "ыной"]
                    .iter()
                    .any(|e| p.lemma.ends_with(e))
            {
                weight -= 0.5;
            }

            // First names are a closed list: one found by cutting an unknown prefix off
            // ("т|окаева") is noise, unlike surnames, whose endings are productive.
            if p.method == Method::UnknownPrefix && p.tag.is_name() {
                continue;
            }
            let bogus_name = false;
            let fits = !bogus_name
                && match role {
                    Role::First => p.tag.is_name(),
                    Role::Last => p.tag.is_surname(),
                    Role::Middle => p.tag.is_patronymic(),
                    Role::Only => p.tag.is_surname() || p.tag.is_name(),
                };
            let guessed = p.method != Method::Dictionary;
            weight += if fits {
                if guessed {
                    0.6
                } else {
                    1.0
                }
            } else if p.tag.is_person_part() && !bogus_name {
                0.5
            } else if p.tag.has("anim") {
                0.2
            } else {
                0.0
            };
            out.push(Cand {
                case,
                gender: p.tag.gender,
                weight,
                form: CandForm::Parse(k),
            });
        }
        if role == Role::Last && known && !w.parses.iter().any(|p| p.tag.is_surname()) {
            // A surname that the dictionary only knows as something else.
            for p in self
                .guesses(w.text)
                .into_iter()
                .filter(|p| p.tag.is_surname() && p.tag.number != Some(Number::Plur))
            {
                let Some(case) = p.tag.case.map(Case::main) else {
                    continue;
                };
                let nominative = if p.tag.case == Some(Case::Nomn) {
                    CandForm::Keep
                } else {
                    match self.inflect(
                        &p,
                        Target {
                            case: Some(Case::Nomn),
                            number: Some(Number::Sing),
                            gender: None,
                        },
                    ) {
                        Some(n) => CandForm::Lemma(n),
                        None => continue,
                    }
                };
                let keep_nominative = matches!(nominative, CandForm::Keep);
                out.push(Cand {
                    case,
                    gender: p.tag.gender,
                    weight: 0.5 * p.score + 0.6,
                    form: if keep_nominative {
                        CandForm::Lemma(lower_word.clone())
                    } else {
                        nominative
                    },
                });
            }
        }
        if role == Role::Last {
            // A woman's surname ending in a consonant does not decline ("Озоде Рахмон",
            // "Ангеле Меркель"), whatever the dictionary says of the masculine.
            let last = lower_word.chars().last();
            if last.is_some_and(|c| "бвгджзклмнпрстфхцчшщ".contains(c)) {
                out.extend(CASES.iter().map(|&case| Cand {
                    case,
                    gender: Some(Gender::Femn),
                    weight: 0.5,
                    form: CandForm::Keep,
                }));
            }
        }
        for (case, gender, nominative) in listed {
            out.push(Cand {
                case,
                gender: Some(gender),
                // Above any dictionary reading: the list exists because OpenCorpora misreads
                // these names ("Айгули" is not "Айгуля").
                weight: if matches!(role, Role::First | Role::Only) {
                    2.4
                } else {
                    0.9
                },
                form: if case == Case::Nomn && nominative == lower_word {
                    CandForm::Keep
                } else {
                    CandForm::Lemma(nominative)
                },
            });
        }
        if !known {
            // Foreign and Central Asian names the dictionary lacks: indeclinable, or a
            // masculine consonant stem ("Сердара" ← "Сердар", "Эдиля" ← "Эдиль").
            let lower = w.text.to_lowercase();
            const RUSSIAN_ENDINGS: [&str; 22] = [
                "ой", "ей", "ому", "ему", "ым", "им", "ого", "его", "ова", "ева", "ина", "ына",
                "ову", "еву", "ину", "ыну", "ом", "ем", "ая", "яя", "ую", "юю",
            ];
            let chars: Vec<char> = lower.chars().collect();
            let n = chars.len();
            let consonant =
                |c: Option<&char>| c.is_some_and(|c| "бвгджзклмнпрстфхцчшщ".contains(*c));
            // A singular name in the nominative does not end in a consonant and "-ы": that is
            // the genitive of a name in "-а" ("Сейджи Маехары", "Аксары Кердпола"), the
            // declension Russian gives foreign names in "-а" of either sex.
            let genitive_a =
                n >= 4 && chars.last() == Some(&'ы') && consonant(chars.get(n.wrapping_sub(2)));
            if !genitive_a && !RUSSIAN_ENDINGS.iter().any(|e| lower.ends_with(e)) {
                // A first name in consonant + "-а"/"-у" is more often a man's name in the
                // genitive or dative ("Адилета", "Адилету") than a nominative; surnames in
                // these endings often are nominatives ("Маехара", the Romanian "Нисипяну").
                let oblique_look = role == Role::First
                    && (lower.ends_with('а') || lower.ends_with('у'))
                    && consonant(chars.get(n.wrapping_sub(2)));
                let weight = if oblique_look { 0.25 } else { 0.4 };
                if consonant(chars.last()) {
                    // A man's name ending in a consonant declines ("Шахбоза"), a woman's
                    // does not: as written it is a man's nominative or a woman in any case.
                    out.push(Cand {
                        case: Case::Nomn,
                        gender: Some(Gender::Masc),
                        weight,
                        form: CandForm::Keep,
                    });
                    out.extend(CASES.iter().map(|&case| Cand {
                        case,
                        gender: Some(Gender::Femn),
                        weight,
                        form: CandForm::Keep,
                    }));
                } else {
                    out.push(Cand {
                        case: Case::Nomn,
                        gender: None,
                        weight,
                        form: CandForm::Keep,
                    });
                }
            }
            let stem = |k: usize| -> String { chars.iter().take(n.saturating_sub(k)).collect() };
            let synth = |case: Case, lemma: String| Cand {
                case,
                gender: Some(Gender::Masc),
                weight: 0.3
                    + if matches!(role, Role::First | Role::Only) {
                        0.3
                    } else {
                        0.2
                    },
                form: CandForm::Lemma(lemma),
            };
            if genitive_a {
                out.push(Cand {
                    case: Case::Gent,
                    gender: None,
                    weight: 0.6,
                    form: CandForm::Lemma(stem(1) + "а"),
                });
            }
            // The other oblique forms of an unknown name in "-а" (either sex: "Гульшаре",
            // "Озоду", "Абдуллой"); which sex and case the other words settle.
            if n >= 4 && consonant(chars.get(n.wrapping_sub(2))) {
                // Below the masculine consonant stem ("Пашиняну"), the commoner reading.
                let first_decl = |case: Case, cut: usize| Cand {
                    case,
                    gender: None,
                    weight: 0.3,
                    form: CandForm::Lemma(stem(cut) + "а"),
                };
                match chars.last() {
                    Some('е') => {
                        out.push(first_decl(Case::Datv, 1));
                        out.push(first_decl(Case::Loct, 1));
                    }
                    Some('у') => out.push(first_decl(Case::Accs, 1)),
                    _ => {}
                }
            }
            if n >= 5
                && (lower.ends_with("ой") || lower.ends_with("ей"))
                && consonant(chars.get(n.wrapping_sub(3)))
            {
                out.push(Cand {
                    case: Case::Ablt,
                    gender: None,
                    weight: 0.45,
                    form: CandForm::Lemma(stem(2) + "а"),
                });
            }
            if n >= 4 {
                let last = chars.last().copied();
                let before_last = chars.get(n.wrapping_sub(2));
                match last {
                    Some('а') if consonant(before_last) => {
                        out.push(synth(Case::Gent, stem(1)));
                        out.push(synth(Case::Accs, stem(1)));
                    }
                    Some('у') if consonant(before_last) => out.push(synth(Case::Datv, stem(1))),
                    Some('е') if consonant(before_last) => out.push(synth(Case::Loct, stem(1))),
                    Some('я') if matches!(before_last, Some('л' | 'н' | 'р')) => {
                        out.push(synth(Case::Gent, stem(1) + "ь"));
                        out.push(synth(Case::Accs, stem(1) + "ь"));
                    }
                    Some('ю') if matches!(before_last, Some('л' | 'н' | 'р')) => {
                        out.push(synth(Case::Datv, stem(1) + "ь"));
                    }
                    Some('м')
                        if before_last == Some(&'о') && consonant(chars.get(n.wrapping_sub(3))) =>
                    {
                        out.push(synth(Case::Ablt, stem(2)));
                    }
                    _ => {}
                }
            }
        }
        out
    }

    pub(super) fn person_forms(&self, words: &[Word<'_>], ctx: Context<'_>) -> Vec<Option<String>> {
        let inflecting: Vec<usize> = (0..words.len())
            .filter(|&i| {
                words
                    .get(i)
                    .is_some_and(|w| !w.fixed && !w.parses.is_empty())
            })
            .collect();
        let cands: Vec<(usize, Vec<Cand>)> = inflecting
            .iter()
            .enumerate()
            .filter_map(|(k, &i)| {
                // A lone inflecting word before an indeclinable patronymic is a first name
                // ("Адилета Бектурсун уулу", "Азамату Адилбекулы").
                let patronymic_after = words
                    .get(i + 1..)
                    .unwrap_or(&[])
                    .iter()
                    .any(|w| patronymic_gender(&w.text.to_lowercase()).is_some());
                let role = if inflecting.len() == 1 && patronymic_after {
                    Role::First
                } else if inflecting.len() == 1 {
                    Role::Only
                } else if k == 0 {
                    Role::First
                } else if k + 1 == inflecting.len() {
                    Role::Last
                } else {
                    Role::Middle
                };
                Some((i, self.person_candidates(words.get(i)?, role)))
            })
            .collect();
        let prev = last_word(ctx.before);
        let prev_lower = prev.map(str::to_lowercase);
        let prep_cases = prev_lower.as_deref().map_or(&[][..], governed_cases);
        let prev_readings = if prep_cases.is_empty() {
            prev.map_or_else(Vec::new, |w| self.word_before_readings(w))
        } else {
            Vec::new()
        };
        let (verb, verb_gender) = self.verb_reading(first_word(ctx.after));
        let (_, verb_before_gender) = if prep_cases.is_empty() {
            self.verb_reading(prev)
        } else {
            (false, None)
        };
        // Indeclinable name words do not show the case but still show the sex ("Шерали
        // Жураева" is a man in the genitive, "Ангеле Меркель" a woman in the dative).
        let fixed_gender: Vec<Gender> = words
            .iter()
            .filter_map(|w| {
                if let Some(g) = patronymic_gender(&w.text.to_lowercase()) {
                    return Some(g);
                }
                if w.parses.is_empty() {
                    return None;
                }
                let mut genders = w
                    .parses
                    .iter()
                    .filter(|p| {
                        p.tag.is_person_part() && p.tag.is_fixed() && p.method == Method::Dictionary
                    })
                    .filter_map(|p| p.tag.gender);
                let g = genders.next()?;
                (matches!(g, Gender::Masc | Gender::Femn) && genders.all(|x| x == g)).then_some(g)
            })
            .collect();
        let fits = |c: &Cand, case: Case, gender: Gender| {
            (matches!(c.form, CandForm::Keep) && c.gender.is_none())
                || (matches!(c.form, CandForm::Keep) && c.case == case && c.gender == Some(gender))
                || (c.case == case && matches!(c.gender, None | Some(Gender::Common)))
                || (c.case == case && c.gender == Some(gender))
        };
        let mut best: Option<(f32, Case, Gender)> = None;
        for case in CASES {
            for gender in [Gender::Masc, Gender::Femn] {
                let mut score = 0.0;
                for (_, cs) in &cands {
                    let s = cs
                        .iter()
                        .filter(|c| fits(c, case, gender))
                        .map(|c| c.weight)
                        .fold(None, |a: Option<f32>, b| Some(a.map_or(b, |a| a.max(b))));
                    score += s.unwrap_or(-1.5);
                }
                if gender == Gender::Masc {
                    score += 0.2;
                }
                score += 0.6 * fixed_gender.iter().filter(|&&g| g == gender).count() as f32;
                // The prepositional case needs a preposition: without one before the name,
                // "Виктории" is not the locative of the rare "Викторий".
                if case == Case::Loct && !prep_cases.contains(&Case::Loct) {
                    score -= 0.6;
                }
                if case == Case::Nomn {
                    score += 0.25;
                    if let Some(g) = verb_before_gender {
                        score += if g == gender { 0.3 } else { -1.0 };
                    }
                    // A verb right after the name suggests it is the subject; a past-tense
                    // verb also fixes the gender.
                    if verb && verb_gender.is_none_or(|g| g == gender) {
                        score += 0.5;
                        if verb_gender.is_some() {
                            score += 0.5;
                        }
                    }
                }
                // A preposition right before the name settles the case more surely.
                if prep_cases.contains(&case) {
                    score += 1.5;
                }
                if prev_readings
                    .iter()
                    .any(|&(c, g)| c == case && g.is_none_or(|g| g == gender))
                {
                    score += 0.8;
                }
                if best.is_none_or(|(b, _, _)| score > b) {
                    best = Some((score, case, gender));
                }
            }
        }
        let mut out: Vec<Option<String>> = words.iter().map(|_| None).collect();
        let Some((_, case, gender)) = best else {
            return out;
        };
        for (i, cs) in &cands {
            let Some(w) = words.get(*i) else { continue };
            let Some(c) = cs
                .iter()
                .filter(|c| fits(c, case, gender))
                .max_by(|a, b| a.weight.total_cmp(&b.weight))
            else {
                continue;
            };
            let form = match &c.form {
                CandForm::Keep => None,
                CandForm::Lemma(l) => Some(l.clone()),
                CandForm::Parse(k) => w.parses.get(*k).and_then(|p| {
                    if p.tag.case == Some(Case::Nomn) {
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
                }),
            };
            if let Some(slot) = out.get_mut(*i) {
                *slot = form;
            }
        }
        out
    }
}
