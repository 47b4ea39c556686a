//! Speaker resolution: the people of the text (mentions grouped by surname, with the best
//! nominative name, gender and role), roles before or after a name, and turning a candidate's
//! attribution (a person, pronoun, descriptor or bare surname) into the speaker and role of a
//! `Quote`; names from the genitive/dative to the nominative.

use khronika_model::{EntityKind, Mention, Quote};

use super::lexicon::{
    adjective_nominative, is_oblique_governor, is_past_verb, is_role_adjective, is_speech_verb,
    role_head, role_phrase_nominative,
};
use super::{fold, lower_first, Cand, Ctx, Gender, Person, Who};

/// How far back (in the text's offsets, about two sentences) an institution noun in an
/// attribution looks for the organisation it refers to.
const ORG_BACK: usize = 400;

impl<'a> Ctx<'a> {
    // ---------- people ----------

    pub(super) fn build_people(&mut self) {
        self.person_of = vec![None; self.mentions.len()];
        for k in 0..self.mentions.len() {
            let Some(m) = self.mentions.get(k).copied() else {
                continue;
            };
            if m.kind != EntityKind::Person {
                continue;
            }
            let (name, sure) = self.mention_name(m);
            let tokens: Vec<&str> = name.split_whitespace().collect();
            let Some(last) = tokens.last() else { continue };
            let surname: String = last
                .chars()
                .flat_map(char::to_lowercase)
                .map(fold)
                .collect();
            let multi = tokens.len() > 1;
            let found = self
                .people
                .iter()
                .position(|p| same_name(&p.surname, &surname));
            let idx = match found {
                Some(i) => {
                    if let Some(p) = self.people.get_mut(i) {
                        let better = (multi && !p.multi) || (multi == p.multi && sure && !p.sure);
                        if better {
                            p.name = name.clone();
                            p.surname = surname;
                            p.sure = sure;
                            p.multi = multi;
                        }
                    }
                    i
                }
                None => {
                    self.people.push(Person {
                        name: name.clone(),
                        surname,
                        gender: None,
                        role: None,
                        sure,
                        multi,
                    });
                    self.people.len() - 1
                }
            };
            if let Some(slot) = self.person_of.get_mut(k) {
                *slot = Some(idx);
            }
            if let Some(role) = self.role_before(m.start).or_else(|| self.role_after(m.end)) {
                if let Some(p) = self.people.get_mut(idx) {
                    if p.role.is_none() {
                        p.role = Some(role);
                    }
                }
            }
        }
        for p in &mut self.people {
            // Men are the default, as most speakers in news are when a name does not tell.
            p.gender = Some(match self.morph.person_gender(&p.name) {
                Some(khronika_morph::Gender::Femn) => Gender::Female,
                _ => Gender::Male,
            });
        }
    }

    /// The name a mention gives (its normal form from the entity layer: the nominative, and
    /// for a lone surname the full name it abbreviates), and whether the name is sure: the
    /// mention is not governed by a preposition or noun, or the entity layer changed it.
    fn mention_name(&self, m: &Mention) -> (String, bool) {
        let text = m.text.split_whitespace().collect::<Vec<_>>().join(" ");
        let normal = m.normal.split_whitespace().collect::<Vec<_>>().join(" ");
        if normal.is_empty() {
            return (text, false);
        }
        let sure = normal != text || !self.oblique_context(m.start);
        (normal, sure)
    }

    /// Whether a name at `pos` is governed by a preposition or noun (genitive, dative…).
    pub(super) fn oblique_context(&self, pos: usize) -> bool {
        let role_start = self.role_span_before(pos).map_or(pos, |(s, _)| s);
        let wi = self.word_at(role_start);
        let Some(prev) = wi.checked_sub(1).and_then(|i| self.words.get(i)) else {
            return false;
        };
        if self
            .gap(prev.e, role_start)
            .chars()
            .any(|c| ".!?:;—–".contains(c))
        {
            return false;
        }
        is_oblique_governor(&prev.low)
    }

    /// `[start, end)` of the role words just before a name at `pos`, if any.
    fn role_span_before(&self, pos: usize) -> Option<(usize, usize)> {
        let wi = self.word_at(pos);
        let mut k = wi;
        let mut first_head: Option<usize> = None;
        let limit = wi.saturating_sub(10);
        while k > limit {
            let Some(w) = self.words.get(k - 1) else {
                break;
            };
            let next_start = self.words.get(k).map_or(pos, |n| n.s).min(pos);
            let between = self.gap(w.e, next_start);
            if between.chars().any(|c| ".,;:!?()—–\n".contains(c)) {
                break;
            }
            // another entity ends here: the role belongs to it
            if self.person_ends.contains(&w.e) {
                break;
            }
            let is_head = role_head(&w.low).is_some() && w.low != "министерство";
            // a verb ends the noun phrase: "Министр провёл встречу с директором …"
            if !is_head && (is_past_verb(&w.low) || is_speech_verb(&w.low)) {
                break;
            }
            if is_head || (first_head == Some(k) && is_role_adjective(&w.low)) {
                first_head = Some(k - 1);
            }
            k -= 1;
        }
        let h = first_head?;
        let mut start = self.words.get(h)?.s;
        // an adjective right before the head ("официального представителя")
        if let Some(prev) = h.checked_sub(1).and_then(|i| self.words.get(i)) {
            if is_role_adjective(&prev.low)
                && self.gap(prev.e, start).is_empty()
                && prev.s >= self.words.get(limit).map_or(0, |w| w.s)
            {
                start = prev.s;
            }
        }
        let mut end = self.words.get(wi.checked_sub(1)?)?.e;
        // a closing quote mark of a company name ends the role: «Жибек Жолы Эйр»
        while end < pos && self.chars.get(end).is_some_and(|c| "»\"”“".contains(*c)) {
            end += 1;
        }
        (start < end && end <= pos).then_some((start, end))
    }

    /// The role before a name, in the nominative with a lowercase first letter.
    fn role_before(&self, pos: usize) -> Option<String> {
        let (s, e) = self.role_span_before(pos)?;
        Some(self.role_text(s, e))
    }

    /// "Айдар Смагулов, официальный представитель МИД, заявил" — a role after the name.
    fn role_after(&self, pos: usize) -> Option<String> {
        if self.chars.get(pos).is_none_or(|c| *c != ',') {
            return None;
        }
        let wi = self.word_at(pos);
        let first = self.words.get(wi)?;
        let starts_role = role_head(&first.low).is_some() || is_role_adjective(&first.low);
        if !starts_role {
            return None;
        }
        let mut k = wi;
        while let Some(w) = self.words.get(k + 1) {
            let gap = self.gap(self.words.get(k)?.e, w.s);
            if gap.contains(',') || gap.chars().any(|c| ".!?;:—–".contains(c)) {
                break;
            }
            k += 1;
            if k > wi + 10 {
                return None;
            }
        }
        let end = self.words.get(k)?.e;
        if self
            .chars
            .get(end..)
            .unwrap_or_default()
            .iter()
            .find(|c| !c.is_whitespace())
            .is_none_or(|c| *c != ',')
        {
            return None;
        }
        Some(self.role_text(first.s, end))
    }

    /// The role words `[s, e)` with the leading adjectives and head put in the nominative.
    fn role_text(&self, s: usize, e: usize) -> String {
        let raw = self.slice(s, e);
        let mut out: Vec<String> = Vec::new();
        let mut converting = true;
        for tok in raw.split_whitespace() {
            let low: String = tok.chars().flat_map(char::to_lowercase).map(fold).collect();
            if converting {
                if let Some(h) = role_head(&low) {
                    out.push(h.to_owned());
                    converting = false;
                    continue;
                }
                if is_role_adjective(&low) {
                    out.push(adjective_nominative(&low));
                    continue;
                }
                converting = false;
            }
            out.push(tok.to_owned());
        }
        let joined = out.join(" ");
        lower_first(&joined)
    }

    pub(super) fn person_at(&self, s: usize, e: usize) -> Option<(usize, &Mention)> {
        self.mentions.iter().enumerate().find_map(|(k, m)| {
            (m.start >= s && m.end <= e && m.kind == EntityKind::Person)
                .then(|| self.person_of.get(k).copied().flatten().map(|p| (p, *m)))
                .flatten()
        })
    }

    pub(super) fn org_at(&self, s: usize, e: usize) -> Option<&Mention> {
        self.mentions
            .iter()
            .copied()
            .find(|m| m.start >= s && m.end <= e && m.kind == EntityKind::Organisation)
    }

    /// The organisation mentioned last before `pos`, at most [`ORG_BACK`] back.
    pub(super) fn org_before(&self, pos: usize) -> Option<&Mention> {
        self.mentions
            .iter()
            .copied()
            .rev()
            .find(|m| m.kind == EntityKind::Organisation && m.end <= pos && pos - m.end <= ORG_BACK)
    }

    /// A capitalised word in `[s, e)` whose surname matches a known person (the NER may miss
    /// a bare surname).
    pub(super) fn surname_in(&self, s: usize, e: usize) -> Option<usize> {
        let (a, b) = (self.word_at(s), self.word_at(e));
        for w in self.words.get(a..b).unwrap_or_default() {
            if !w.upper_first {
                continue;
            }
            if let Some(p) = self
                .people
                .iter()
                .position(|p| same_name(&p.surname, &w.low))
            {
                return Some(p);
            }
        }
        None
    }

    // ---------- resolution ----------

    pub(super) fn resolve(&self, cands: &[Cand]) -> Vec<Quote> {
        let mut out = Vec::new();
        let mut last_speaker: Option<usize> = None;
        let mut last_named: Option<String> = None;
        for c in cands {
            let person = match &c.who {
                Who::Person(p) => Some(*p),
                Who::Pronoun(g) => self.last_person_before(c.at, *g).or(last_speaker),
                Who::Descriptor(d, g, _) => self
                    .person_with_role(d, c.at)
                    .or_else(|| self.last_person_before(c.at, *g))
                    .or(last_speaker),
                Who::Named(_) => None,
                Who::Unknown => last_speaker.or_else(|| self.last_person_before(c.at, None)),
            };
            let (speaker, role) = match (person, &c.who) {
                (Some(p), _) => {
                    last_speaker = Some(p);
                    let pp = self.people.get(p);
                    (pp.map(|x| x.name.clone()), pp.and_then(|x| x.role.clone()))
                }
                (None, Who::Named(n)) => {
                    last_named = Some(n.clone());
                    (Some(n.clone()), None)
                }
                (None, Who::Pronoun(Some(Gender::Plural))) => (last_named.clone(), None),
                (None, Who::Descriptor(_, _, phrase)) if !phrase.trim().is_empty() => {
                    (Some(role_phrase_nominative(phrase)), None)
                }
                _ => (None, None),
            };
            out.push(Quote {
                start: c.start,
                end: c.end,
                text: self.slice(c.start, c.end),
                speaker,
                role,
                direct: c.direct,
            });
        }
        out
    }

    /// The person of the last PER mention ending before `pos`, preferring the gender given.
    fn last_person_before(&self, pos: usize, g: Option<Gender>) -> Option<usize> {
        // subjects first: "Токаев встретился с Путиным. «…», — сказал он." is Токаев
        let all: Vec<(usize, bool)> = self
            .mentions
            .iter()
            .enumerate()
            .filter(|(_, m)| m.kind == EntityKind::Person && m.end <= pos)
            .filter_map(|(k, _)| {
                let p = self.person_of.get(k).copied().flatten()?;
                Some((p, self.nominative.get(k).copied().unwrap_or(false)))
            })
            .collect();
        let subjects: Vec<usize> = all
            .iter()
            .filter(|(_, nom)| *nom)
            .map(|(p, _)| *p)
            .collect();
        let before: Vec<usize> = if subjects.is_empty() {
            all.iter().map(|(p, _)| *p).collect()
        } else {
            subjects
        };
        if let Some(g) = g.filter(|g| *g != Gender::Plural) {
            if let Some(p) = before
                .iter()
                .rev()
                .find(|p| self.people.get(**p).and_then(|x| x.gender) == Some(g))
            {
                return Some(*p);
            }
        }
        before.last().copied()
    }

    /// The last person mentioned before `pos` whose role contains the descriptor's stem.
    fn person_with_role(&self, d: &str, pos: usize) -> Option<usize> {
        let head = role_head(d).unwrap_or(d);
        self.mentions
            .iter()
            .enumerate()
            .filter(|(_, m)| m.kind == EntityKind::Person && m.end <= pos)
            .filter_map(|(k, _)| self.person_of.get(k).copied().flatten())
            .rfind(|p| {
                self.people
                    .get(*p)
                    .and_then(|x| x.role.as_ref())
                    .is_some_and(|r| {
                        r.split_whitespace()
                            .any(|w| role_head(&w.to_lowercase()) == Some(head))
                    })
            })
    }
}

/// Two lowercased names are the same word in different cases: the shorter one, less its last
/// letter, starts the longer one, which is at most three letters longer.
fn same_name(a: &str, b: &str) -> bool {
    let (s, l) = if a.chars().count() <= b.chars().count() {
        (a, b)
    } else {
        (b, a)
    };
    let sn = s.chars().count();
    let ln = l.chars().count();
    if sn < 3 || ln - sn > 3 {
        return false;
    }
    let stem: String = s.chars().take(sn - 1).collect();
    l.starts_with(&stem) && (sn >= 5 || a == b || ln - sn <= 1)
}
