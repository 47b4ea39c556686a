//! Candidate finding: direct quotes in «…», „…“, "…" (pairing the marks, split quotes, an
//! attribution after a dash or before a colon, quotes within quotes) and reported speech
//! ("X заявил, что …", "По словам X, …", "Как сообщил X, …", "… Об этом сообщил X", an
//! unquoted paragraph closed by ", — отметил он"), each with who its attribution points at.

use khronika_model::EntityKind;

use super::lexicon::{
    is_descriptor, is_institution_ref, is_speech_gerund, is_speech_verb, is_title_word,
    locative_institution, plural_group, role_head, verb_gender,
};
use super::{lower_first, org_name, trim_span, Cand, Ctx, Gender, Who, DASHES};

impl<'a> Ctx<'a> {
    // ---------- direct quotes ----------

    /// Pairs of quotation marks at the outer level: `(open, close)` positions; a quote left
    /// open at a paragraph end is closed there (the next paragraph reopens it).
    fn quote_pairs(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut open: Option<(usize, char)> = None;
        let mut depth = 0usize;
        let n = self.chars.len();
        for i in 0..n {
            let c = self.chars.get(i).copied().unwrap_or(' ');
            let prev = if i == 0 {
                ' '
            } else {
                self.chars.get(i - 1).copied().unwrap_or(' ')
            };
            let next = self.chars.get(i + 1).copied().unwrap_or(' ');
            match open {
                None => {
                    let opens = match c {
                        '«' | '„' => true,
                        '“' | '"' => {
                            !next.is_whitespace()
                                && (prev.is_whitespace() || "([—–-:«\n".contains(prev) || i == 0)
                        }
                        _ => false,
                    };
                    if opens {
                        open = Some((i, c));
                        depth = 1;
                    }
                }
                Some((s, oc)) => {
                    if c == '\n' {
                        out.push((s, i));
                        open = None;
                        continue;
                    }
                    match (oc, c) {
                        ('«', '«') => depth += 1,
                        ('«', '»') => {
                            depth -= 1;
                            if depth == 0 {
                                out.push((s, i));
                                open = None;
                            }
                        }
                        ('„', '“') | ('„', '”') | ('“', '”') => {
                            out.push((s, i));
                            open = None;
                        }
                        ('“', '“') if !prev.is_whitespace() => {
                            out.push((s, i));
                            open = None;
                        }
                        // a closing straight quote follows a non-space
                        ('"', '"') if !prev.is_whitespace() => {
                            out.push((s, i));
                            open = None;
                        }
                        _ => {}
                    }
                }
            }
        }
        out
    }

    /// Finds direct quotes; returns every quoted span (quotes or not) so reported speech
    /// does not look inside them.
    pub(super) fn direct_quotes(&self, cands: &mut Vec<Cand>) -> Vec<(usize, usize)> {
        let pairs = self.quote_pairs();
        let mut spans = Vec::new();
        let mut last_attr: Option<(usize, Who, usize)> = None; // (end of attribution, who, at)
                                                               // fragments of a multi-paragraph quote waiting for the attribution of the last one
        let mut pending: Vec<(usize, usize)> = Vec::new();
        for &(o, c) in &pairs {
            spans.push((o, c));
            let (s, e) = trim_span(&self.chars, o + 1, c);
            if s >= e {
                continue;
            }
            let closed_at_newline = self.chars.get(c).is_some_and(|ch| *ch == '\n');
            let inner_words = self.word_at(e) - self.word_at(s);
            // split quote: «A, — сказал X, — B»
            if let Some((a_end, attr_s, attr_e, b_start)) = self.split_inside(s, e) {
                let who = self.attribution_after(attr_s, attr_e);
                let at = attr_s;
                let (a_s, a_e) = trim_span(&self.chars, s, a_end);
                let (b_s, b_e) = trim_span(&self.chars, b_start, e);
                for (fs, fe) in [(a_s, a_e), (b_s, b_e)] {
                    if fs < fe {
                        cands.push(Cand {
                            start: fs,
                            end: fe,
                            direct: true,
                            who: who.clone(),
                            at,
                        });
                    }
                }
                last_attr = Some((attr_e, who, at));
                continue;
            }
            if closed_at_newline {
                pending.push((s, e));
                continue;
            }
            let after = self.dash_attribution(c + 1);
            let colon = self.colon_before(o);
            let title = self.title_before(o);
            let chained = last_attr.as_ref().is_some_and(|(ae, _, _)| {
                let g = self.gap(*ae, o);
                g.is_empty()
                    || g == ".—"
                    || g == ".–"
                    || g == ","
                    || g == ":"
                    || g == ",—"
                    || g == ",–"
                    || g == "—"
                    || g == "–"
            });
            let whole_paragraph = self.paragraph_bounds(o) == (o, self.after_closing(c));
            let (who, at, attr_end) = if let Some((ae, who, at)) = after {
                (who, at, ae)
            } else if let Some((who, at)) = colon.clone() {
                (who, at, c + 1)
            } else if chained && inner_words >= 2 {
                let (ae, who, at) = last_attr.clone().unwrap_or((c, Who::Unknown, o));
                (who, at, ae.max(c + 1))
            } else if !title
                && inner_words >= 6
                && (whole_paragraph || !pending.is_empty())
                && self.looks_like_speech(s, e)
            {
                (Who::Unknown, o, c + 1)
            } else {
                pending.clear();
                continue;
            };
            if title && colon.is_none() && !matches!(who, Who::Person(_)) && inner_words < 4 {
                pending.clear();
                continue;
            }
            for (ps, pe) in pending.drain(..) {
                cands.push(Cand {
                    start: ps,
                    end: pe,
                    direct: true,
                    who: who.clone(),
                    at,
                });
            }
            cands.push(Cand {
                start: s,
                end: e,
                direct: true,
                who: who.clone(),
                at,
            });
            self.inner_utterances(s, e, cands);
            last_attr = Some((attr_end, who, at));
        }
        spans
    }

    /// Someone else's words quoted inside a quote after a colon: «Он сказал: „…“, и мы…».
    fn inner_utterances(&self, s: usize, e: usize, cands: &mut Vec<Cand>) {
        let mut i = s;
        while i < e {
            let c = self.chars.get(i).copied().unwrap_or(' ');
            if matches!(c, '„' | '«' | '“' | '"') {
                let close = match c {
                    '„' => "“”",
                    '«' => "»",
                    _ => "”\"“",
                };
                let Some(j) =
                    (i + 1..e).find(|&j| self.chars.get(j).is_some_and(|ch| close.contains(*ch)))
                else {
                    return;
                };
                let mut k = i;
                while k > s && self.chars.get(k - 1).is_some_and(|ch| ch.is_whitespace()) {
                    k -= 1;
                }
                if k > s && self.chars.get(k - 1).is_some_and(|ch| *ch == ':') {
                    let colon = k - 1;
                    let who = if let Some(p) = self.last_person_in(s, colon) {
                        Some(Who::Person(p))
                    } else if let Some(p) = self.surname_in(s, colon) {
                        Some(Who::Person(p))
                    } else {
                        let (a, b) = (self.word_at(s), self.word_at(colon));
                        self.words
                            .get(a..b)
                            .unwrap_or_default()
                            .iter()
                            .find_map(|w| role_head(&w.low).map(|h| Who::Named(h.to_owned())))
                    };
                    let (qs, qe) = trim_span(&self.chars, i + 1, j);
                    if let (Some(who), true) = (who, qs < qe) {
                        cands.push(Cand {
                            start: qs,
                            end: qe,
                            direct: true,
                            who,
                            at: colon,
                        });
                    }
                }
                i = j + 1;
                continue;
            }
            i += 1;
        }
    }

    /// Position after a closing mark and any punctuation that ends the paragraph with it.
    fn after_closing(&self, c: usize) -> usize {
        let mut i = c + 1;
        while self.chars.get(i).is_some_and(|ch| ".!?…".contains(*ch)) {
            i += 1;
        }
        i
    }

    /// `[start, end)` of the paragraph (line) containing `pos`, trimmed.
    fn paragraph_bounds(&self, pos: usize) -> (usize, usize) {
        let mut s = pos;
        while s > 0 && self.chars.get(s - 1).is_some_and(|c| *c != '\n') {
            s -= 1;
        }
        let mut e = pos;
        while self.chars.get(e).is_some_and(|c| *c != '\n') {
            e += 1;
        }
        trim_span(&self.chars, s, e)
    }

    fn looks_like_speech(&self, s: usize, e: usize) -> bool {
        let text = self.slice(s, e);
        text.chars().next().is_some_and(char::is_uppercase)
            && (text.contains(' ') && text.split_whitespace().count() >= 6)
    }

    /// «A, — сказал X, — B»: (end of A, attribution start, attribution end, start of B).
    fn split_inside(&self, s: usize, e: usize) -> Option<(usize, usize, usize, usize)> {
        let mut i = s;
        while i < e {
            let c = self.chars.get(i).copied().unwrap_or(' ');
            if matches!(c, ',' | '!' | '?' | '…') {
                // ", — verb"
                let mut j = i + 1;
                while self.chars.get(j).is_some_and(|c| c.is_whitespace()) {
                    j += 1;
                }
                if self.chars.get(j).is_some_and(|c| DASHES.contains(c)) {
                    let wi = self.word_at(j);
                    if let Some(w) = self
                        .words
                        .get(wi)
                        .filter(|w| w.e <= e && is_speech_verb(&w.low))
                    {
                        // the attribution ends at ", —" or ". —" before the rest of the quote
                        let mut k = w.e;
                        while k < e {
                            let ch = self.chars.get(k).copied().unwrap_or(' ');
                            if matches!(ch, ',' | '.') {
                                let mut m = k + 1;
                                while self.chars.get(m).is_some_and(|c| c.is_whitespace()) {
                                    m += 1;
                                }
                                if self.chars.get(m).is_some_and(|c| DASHES.contains(c)) {
                                    let b = m + 1;
                                    let a_end = if c == ',' { i } else { i + 1 };
                                    return Some((a_end, j + 1, k, b));
                                }
                            }
                            k += 1;
                        }
                    }
                }
            }
            i += 1;
        }
        None
    }

    /// After a closing mark: "[,.!?] — verb …" up to the sentence end.
    fn dash_attribution(&self, from: usize) -> Option<(usize, Who, usize)> {
        let mut i = from;
        while self
            .chars
            .get(i)
            .is_some_and(|c| c.is_whitespace() || ",.!?…".contains(*c))
        {
            if self.chars.get(i).is_some_and(|c| *c == '\n') {
                return None;
            }
            i += 1;
        }
        if !self.chars.get(i).is_some_and(|c| DASHES.contains(c)) {
            return None;
        }
        let wi = self.word_at(i + 1);
        let w = self.words.get(wi)?;
        if self.gap(i + 1, w.s).chars().count() > 0 {
            return None;
        }
        let end = self.sentence_end(w.e);
        if is_speech_verb(&w.low) {
            let who = self.attribution_after(w.s, end);
            return Some((end, who, w.s));
        }
        // "— глава МИД Жээнбек Кулубаев сказал журналистам": the subject first
        let last = self.word_at(end);
        let verb = (wi + 1..last.min(wi + 10)).find(|&k| {
            self.words
                .get(k)
                .is_some_and(|v| is_speech_verb(&v.low) && verb_gender(&v.low).is_some())
        })?;
        let vw = self.words.get(verb)?;
        let who = match self.person_at(w.s, vw.s) {
            Some((p, _)) => Who::Person(p),
            None => match self.surname_in(w.s, vw.s) {
                Some(p) => Who::Person(p),
                None => return None,
            },
        };
        Some((end, who, w.s))
    }

    /// "X подчеркнула: «…»" / "Фамилия: «…»": the speaker before the colon.
    fn colon_before(&self, open: usize) -> Option<(Who, usize)> {
        let mut i = open;
        while i > 0
            && self
                .chars
                .get(i - 1)
                .is_some_and(|c| c.is_whitespace() && *c != '\n')
        {
            i -= 1;
        }
        if i == 0 || self.chars.get(i - 1).is_none_or(|c| *c != ':') {
            return None;
        }
        let colon = i - 1;
        let ss = self.sentence_start(colon);
        if let Some(p) = self.last_person_in(ss, colon) {
            return Some((Who::Person(p), colon));
        }
        if let Some(p) = self.surname_in(ss, colon) {
            return Some((Who::Person(p), colon));
        }
        let (a, b) = (self.word_at(ss), self.word_at(colon));
        let before = self.words.get(a..b).unwrap_or_default();
        let verb_g = before.last().and_then(|w| verb_gender(&w.low));
        for w in before {
            match w.low.as_str() {
                "он" => return Some((Who::Pronoun(Some(Gender::Male)), colon)),
                "она" => return Some((Who::Pronoun(Some(Gender::Female)), colon)),
                _ => {}
            }
        }
        if let Some(o) = self.org_at(ss, colon) {
            return Some((Who::Named(org_name(o)), colon));
        }
        // "Министр добавил: «…»"
        if let Some(d) = before.first().filter(|w| is_descriptor(&w.low)) {
            if before.last().is_some_and(|w| is_speech_verb(&w.low)) {
                return Some((
                    Who::Descriptor(d.low.clone(), verb_g, self.slice(d.s, d.e)),
                    colon,
                ));
            }
        }
        None
    }

    fn last_person_in(&self, s: usize, e: usize) -> Option<usize> {
        self.mentions
            .iter()
            .enumerate()
            .filter(|(_, m)| m.kind == EntityKind::Person && m.start >= s && m.end <= e)
            .filter_map(|(k, _)| self.person_of.get(k).copied().flatten())
            .next_back()
    }

    /// Whether the word before an opening mark names a title ("компания «…»").
    fn title_before(&self, open: usize) -> bool {
        let wi = self.word_at(open);
        (1..=2).any(|back| {
            wi.checked_sub(back)
                .and_then(|k| self.words.get(k))
                .is_some_and(|w| is_title_word(&w.low) && open.saturating_sub(w.e) <= 3)
        })
    }

    /// Who an attribution clause `[s, e)` (starting at the verb) names.
    fn attribution_after(&self, s: usize, e: usize) -> Who {
        let wi = self.word_at(s);
        let verb = self
            .words
            .get(wi)
            .map(|w| w.low.clone())
            .unwrap_or_default();
        let gender = verb_gender(&verb);
        // "приводит агентство «Кабар» слова министра …": the speaker follows "слова"
        let (a, b) = (wi, self.word_at(e));
        let words = self.words.get(a..b).unwrap_or_default();
        if let Some(k) = words
            .iter()
            .position(|w| w.low == "слова" || w.low == "словами")
        {
            if let Some(w) = words.get(k) {
                if let Some((p, _)) = self.person_at(w.e, e) {
                    return Who::Person(p);
                }
            }
        }
        if let Some((p, _)) = self.person_at(s, e) {
            return Who::Person(p);
        }
        for w in words.iter().skip(1) {
            match w.low.as_str() {
                "он" => return Who::Pronoun(Some(Gender::Male)),
                "она" => return Who::Pronoun(Some(Gender::Female)),
                "они" => return Who::Pronoun(Some(Gender::Plural)),
                _ => {}
            }
        }
        if let Some(p) = self.surname_in(s, e) {
            return Who::Person(p);
        }
        // "— добавил глава Нацбанка": a descriptor right after the verb
        if let Some(w) = words.iter().skip(1).find(|w| {
            !matches!(
                w.low.as_str(),
                "тогда" | "также" | "еще" | "ранее" | "позже"
            )
        }) {
            if is_descriptor(&w.low) && gender == Some(Gender::Plural) {
                // "как отмечают эксперты": a group, not one of the people named
                let phrase = self.slice(w.s, self.clause_end(w.e, e));
                return Who::Named(lower_first(&phrase));
            }
            if is_descriptor(&w.low) && !w.low.starts_with("пресс-служб") {
                return Who::Descriptor(
                    w.low.clone(),
                    gender,
                    self.slice(w.s, self.clause_end(w.e, e)),
                );
            }
        }
        // "в пресс-службе МВД" → the service in the nominative
        if let Some(k) = words.iter().position(|w| w.low.starts_with("пресс-служб")) {
            if let Some(w) = words.get(k) {
                let rest_end = self.clause_end(w.e, e);
                let rest = self.slice(w.e, rest_end);
                return Who::Named(format!("пресс-служба{}", rest.trim_end()));
            }
        }
        if let Some(o) = self.org_at(s, e) {
            return Who::Named(org_name(o));
        }
        // "— говорится в сообщении ведомства": the institution is the organisation named last
        // before the quote (how Kazinform, Tengrinews, Interfax and TASS cite press releases).
        if words.iter().skip(1).any(|w| is_institution_ref(&w.low)) {
            if let Some(o) = self.org_before(s) {
                return Who::Named(org_name(o));
            }
        }
        for w in words.iter().skip(1) {
            if is_descriptor(&w.low) {
                return Who::Descriptor(
                    w.low.clone(),
                    gender,
                    self.slice(w.s, self.clause_end(w.e, e)),
                );
            }
        }
        Who::Pronoun(gender)
    }

    /// End of a short noun phrase: the first comma or preposition starting a new phrase.
    fn clause_end(&self, from: usize, limit: usize) -> usize {
        let wi = self.word_at(from);
        let mut end = from;
        for w in self.words.get(wi..).unwrap_or_default() {
            let gap = self.gap(end, w.s);
            let spaced = self
                .chars
                .get(w.s.saturating_sub(1))
                .is_some_and(|c| c.is_whitespace());
            if w.s >= limit
                || gap.chars().any(|c| ",;:".contains(c))
                || (gap.contains('.') && spaced)
            {
                break;
            }
            if matches!(
                w.low.as_str(),
                "на" | "в" | "во" | "по" | "после" | "о" | "об"
            ) && end > from
            {
                break;
            }
            end = w.e;
        }
        // the closing mark of a name in quotes: агентства «24.kg»
        while end < limit && self.chars.get(end).is_some_and(|c| "»\"”".contains(*c)) {
            end += 1;
        }
        end
    }

    // ---------- reported speech ----------

    fn inside(spans: &[(usize, usize)], pos: usize) -> bool {
        spans.iter().any(|&(o, c)| pos > o && pos < c)
    }

    pub(super) fn reported_speech(&self, quoted: &[(usize, usize)], cands: &mut Vec<Cand>) {
        let n = self.words.len();
        let mut k = 0;
        while k < n {
            let Some(w) = self.words.get(k) else { break };
            if Self::inside(quoted, w.s) {
                k += 1;
                continue;
            }
            // "По словам X, …" / "По его словам, …" / "По мнению X, …"
            let slovam = |i: usize| {
                self.words
                    .get(i)
                    .is_some_and(|x| matches!(x.low.as_str(), "словам" | "мнению"))
            };
            let pron = self
                .words
                .get(k + 1)
                .is_some_and(|x| matches!(x.low.as_str(), "его" | "ее" | "их"));
            if w.low == "по" && (slovam(k + 1) || (pron && slovam(k + 2))) {
                if let Some(c) = self.po_slovam(k) {
                    k = self.word_at(c.end);
                    cands.push(c);
                    continue;
                }
            }
            // "Как заявил X, …"
            if w.low == "как"
                && self
                    .words
                    .get(k + 1)
                    .is_some_and(|x| is_speech_verb(&x.low))
            {
                if let Some(c) = self.kak_zayavil(k) {
                    k = self.word_at(c.end);
                    cands.push(c);
                    continue;
                }
            }
            // "Об этом сообщил X" → the previous sentence
            let ob_verb = (k + 2..k + 8).find(|&v| {
                self.words
                    .get(v)
                    .is_some_and(|x| is_speech_verb(&x.low) && verb_gender(&x.low).is_some())
            });
            if w.low == "об"
                && self.words.get(k + 1).is_some_and(|x| x.low == "этом")
                && ob_verb.is_some()
            {
                if let Some(c) = self.ob_etom(k, ob_verb.unwrap_or(k + 2)) {
                    cands.push(c);
                    k += 3;
                    continue;
                }
            }
            // "X заявил, что …" (also "…, отметив, что …")
            if is_speech_verb(&w.low) || is_speech_gerund(&w.low) {
                if let Some(mut found) = self.verb_chto(k, quoted) {
                    let next = found.last().map_or(k + 1, |c| self.word_at(c.end));
                    cands.append(&mut found);
                    k = next.max(k + 1);
                    continue;
                }
            }
            k += 1;
        }
        self.unquoted_with_dash(quoted, cands);
    }

    /// The clause of reported speech from `s` to the sentence end (final mark excluded),
    /// cut at ", отметив, что" — the cut point is returned too.
    fn speech_clause(&self, s: usize) -> (usize, usize, Option<usize>) {
        let end = self.sentence_end(s);
        let (a, b) = (self.word_at(s), self.word_at(end));
        for k in a..b {
            let Some(w) = self.words.get(k) else { break };
            if is_speech_gerund(&w.low) && k > a {
                let prev_e = self.words.get(k - 1).map_or(s, |p| p.e);
                if self.gap(prev_e, w.s) == "," {
                    let (ts, te) = trim_span(&self.chars, s, prev_e);
                    return (ts, te, Some(k));
                }
            }
        }
        let (ts, te) = trim_span(&self.chars, s, end);
        (ts, te, None)
    }

    fn po_slovam(&self, k: usize) -> Option<Cand> {
        let sk = if self
            .words
            .get(k + 1)
            .is_some_and(|x| matches!(x.low.as_str(), "словам" | "мнению"))
        {
            k + 1
        } else {
            k + 2
        };
        let after = self.words.get(sk)?.e;
        let send = self.sentence_end(after);
        // the comma closing "По словам X,"
        let comma = (after..send).find(|&i| self.chars.get(i).is_some_and(|c| *c == ','))?;
        let who = if let Some((p, _)) = self.person_at(self.words.get(k)?.s, comma) {
            Who::Person(p)
        } else {
            let mid = self
                .words
                .get(k + 1..self.word_at(comma))
                .unwrap_or_default();
            let pron = mid.iter().find_map(|w| match w.low.as_str() {
                "его" => Some(Gender::Male),
                "ее" | "её" => Some(Gender::Female),
                "их" => Some(Gender::Plural),
                _ => None,
            });
            let descriptor = mid.iter().find(|w| is_descriptor(&w.low));
            if let Some(d) = descriptor {
                if let Some(plural) = plural_group(&d.low) {
                    let (s, e, _) = self.speech_clause(comma + 1);
                    let at = self.words.get(k).map_or(s, |w| w.s);
                    return (s < e).then_some(Cand {
                        start: s,
                        end: e,
                        direct: false,
                        who: Who::Named(plural),
                        at,
                    });
                }
            }
            match (pron, descriptor) {
                (Some(g), _) => Who::Pronoun(Some(g)),
                (None, Some(d)) => Who::Descriptor(d.low.clone(), None, self.slice(d.s, d.e)),
                (None, None) => match self.org_at(after, comma) {
                    Some(o) => Who::Named(org_name(o)),
                    None => return None,
                },
            }
        };
        let (s, e, _) = self.speech_clause(comma + 1);
        (s < e).then(|| Cand {
            start: s,
            end: e,
            direct: false,
            who,
            at: self.words.get(k).map_or(s, |w| w.s),
        })
    }

    fn kak_zayavil(&self, k: usize) -> Option<Cand> {
        let verb = self.words.get(k + 1)?;
        let send = self.sentence_end(verb.e);
        let comma = (verb.e..send).find(|&i| self.chars.get(i).is_some_and(|c| *c == ','))?;
        let who = self.attribution_after(verb.s, comma);
        if matches!(who, Who::Pronoun(_))
            && !self
                .words
                .get(k + 2..self.word_at(comma))
                .unwrap_or_default()
                .iter()
                .any(|w| matches!(w.low.as_str(), "он" | "она" | "они"))
        {
            return None;
        }
        let (s, e, _) = self.speech_clause(comma + 1);
        (s < e).then_some(Cand {
            start: s,
            end: e,
            direct: false,
            who,
            at: verb.s,
        })
    }

    fn ob_etom(&self, k: usize, v: usize) -> Option<Cand> {
        let w = self.words.get(k)?;
        let verb = self.words.get(v)?;
        let send = self.sentence_end(w.e);
        if verb.s > send {
            return None;
        }
        let prev_end = self.sentence_start(w.s);
        if prev_end == 0 {
            return None;
        }
        // the previous sentence, without its final mark
        let mut pe = prev_end;
        while pe > 0 && self.chars.get(pe - 1).is_some_and(|c| c.is_whitespace()) {
            pe -= 1;
        }
        let ps = self.sentence_start(pe.saturating_sub(1));
        let (s, e) = trim_span(&self.chars, ps, pe.saturating_sub(1));
        if s >= e
            || self
                .chars
                .get(s..e)
                .unwrap_or_default()
                .iter()
                .any(|c| "«»\"".contains(*c))
        {
            return None;
        }
        let end = self.sentence_end(verb.e);
        let who = self.attribution_after(verb.s, end);
        Some(Cand {
            start: s,
            end: e,
            direct: false,
            who,
            at: verb.s,
        })
    }

    /// "X заявил, что …", "Он подчеркнул, что …", "…, отметив, что …".
    fn verb_chto(&self, k: usize, quoted: &[(usize, usize)]) -> Option<Vec<Cand>> {
        let verb = self.words.get(k)?;
        // the verb, up to three words ("журналистам", "на брифинге"), a comma, "что"
        let mut j = k + 1;
        let mut chto: Option<usize> = None;
        while j <= k + 4 {
            let w = self.words.get(j)?;
            let prev_e = self.words.get(j - 1)?.e;
            let gap = self.gap(prev_e, w.s);
            let gap: String = gap.chars().filter(|c| !"«»\"“”„".contains(*c)).collect();
            if w.low == "что" && gap == "," {
                chto = Some(j);
                break;
            }
            if !gap.is_empty() {
                return None;
            }
            j += 1;
        }
        let chto = chto?;
        let cw = self.words.get(chto)?;
        if Self::inside(quoted, cw.s) {
            return None;
        }
        let who = if is_speech_gerund(&verb.low) {
            // continues the previous reported speech; resolved by the caller's order
            Who::Pronoun(None)
        } else {
            self.subject_before(k)?
        };
        let mut out = Vec::new();
        let (s, e, cut) = self.speech_clause(cw.e);
        if s < e {
            out.push(Cand {
                start: s,
                end: e,
                direct: false,
                who: who.clone(),
                at: verb.s,
            });
        }
        if let Some(g) = cut {
            if let Some(mut more) = self.verb_chto(g, quoted) {
                for c in &mut more {
                    c.who = who.clone();
                }
                out.append(&mut more);
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// The subject of a speech verb at word `k`, looked for in its sentence before it.
    fn subject_before(&self, k: usize) -> Option<Who> {
        let verb = self.words.get(k)?;
        let ss = self.sentence_start(verb.s);
        if let Some(p) = self.last_person_in(ss, verb.s) {
            return Some(Who::Person(p));
        }
        let (a, b) = (self.word_at(ss), k);
        let before = self.words.get(a..b).unwrap_or_default();
        if let Some(w) = before.last() {
            match w.low.as_str() {
                "он" => return Some(Who::Pronoun(Some(Gender::Male))),
                "она" => return Some(Who::Pronoun(Some(Gender::Female))),
                "они" => return Some(Who::Pronoun(Some(Gender::Plural))),
                _ => {}
            }
        }
        if before
            .iter()
            .any(|w| matches!(w.low.as_str(), "он" | "она"))
            && before.len() <= 3
        {
            let g = verb_gender(&verb.low);
            return Some(Who::Pronoun(g));
        }
        if let Some(p) = self.surname_in(ss, verb.s) {
            return Some(Who::Person(p));
        }
        // a group or organisation as subject: "Украинские СМИ сообщили, что …"
        if before.is_empty() || before.len() > 6 {
            return None;
        }
        let first = before.first()?;
        if !first.upper_first {
            return None;
        }
        // "Напомним, что": the author speaking, not a source
        if before
            .iter()
            .any(|w| verb_gender(&w.low).is_some() && is_speech_verb(&w.low))
        {
            return None;
        }
        let phrase = self.slice(first.s, before.last()?.e);
        let vg = verb_gender(&verb.low);
        if before.len() == 1 && role_head(&first.low).is_some() && vg != Some(Gender::Plural) {
            return Some(Who::Descriptor(first.low.clone(), vg, phrase.clone()));
        }
        // "В пресс-службе акимата сообщили" → "пресс-служба акимата"
        if matches!(first.low.as_str(), "в" | "во") && before.len() >= 2 {
            let head = before.get(1)?;
            let nom = locative_institution(&head.low)?;
            let rest = self.slice(head.e, before.last()?.e);
            return Some(Who::Named(format!("{nom}{}", rest.trim_end())));
        }
        if let Some(o) = self.org_at(first.s, verb.s) {
            if o.start == first.s {
                return Some(Who::Named(org_name(o)));
            }
        }
        Some(Who::Named(lower_first(&phrase)))
    }

    /// A paragraph of speech without quote marks closed by ", — отметил тогда он.".
    fn unquoted_with_dash(&self, quoted: &[(usize, usize)], cands: &mut Vec<Cand>) {
        let n = self.chars.len();
        let mut i = 0;
        while i < n {
            let c = self.chars.get(i).copied().unwrap_or(' ');
            if c == ',' && !Self::inside(quoted, i) {
                let mut j = i + 1;
                while self.chars.get(j).is_some_and(|c| *c == ' ') {
                    j += 1;
                }
                if self.chars.get(j).is_some_and(|c| DASHES.contains(c)) {
                    let wi = self.word_at(j);
                    if let Some(w) = self
                        .words
                        .get(wi)
                        .filter(|w| is_speech_verb(&w.low) && self.gap(j + 1, w.s).is_empty())
                    {
                        let (ps, _) = self.paragraph_bounds(i);
                        let before_close = self
                            .chars
                            .get(i.saturating_sub(1))
                            .is_some_and(|c| "»\"“".contains(*c));
                        let (s, e) = trim_span(&self.chars, ps, i);
                        let words = self.word_at(e) - self.word_at(s);
                        if !before_close
                            && words >= 5
                            && !cands.iter().any(|c| c.start < e && s < c.end)
                        {
                            let end = self.sentence_end(w.e);
                            let who = self.attribution_after(w.s, end);
                            cands.push(Cand {
                                start: s,
                                end: e,
                                direct: false,
                                who,
                                at: w.s,
                            });
                        }
                    }
                }
            }
            i += 1;
        }
    }
}
