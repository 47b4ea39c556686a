//! Quotes and who said them: direct speech in «…», „…“, "…" and reported speech
//! ("X заявил, что …", "По словам X, …", "Как сообщил X, …", "… Об этом сообщил X"), each
//! attributed to a speaker in the nominative with the role the text gives them.
//!
//! The attribution is rule-based over the entity mentions the NER found:
//! - a dash after the quote ("», — подчеркнул Смадияров") or a colon before it
//!   ("Аветисян подчеркнула: «…»") names the speaker; a split quote («A, — сказал X, — B»)
//!   yields one entry per fragment;
//! - the speaker is resolved through surname-only mentions (to the full name seen elsewhere),
//!   pronouns ("отметил он" → the last person mentioned, matching the verb's gender) and
//!   descriptors ("— сообщил мэр" → the person whose role says "мэр", else the last one);
//! - roles come from appositions before a name ("официального представителя МИД Айбека
//!   Смадиярова" → "официальный представитель МИД") and are put in the nominative with a small
//!   lexicon of position nouns;
//! - «» around short names (companies, media, laws: «Казахтелеком», «О СМИ») and scare quotes
//!   are not quotes: a quoted span counts only with an attribution, or when it is long
//!   sentence-like speech standing as its own paragraph.
//!
//! Names of speakers are taken from the mention's `normal` when the entity layer supplied one
//! (it differs from the surface); otherwise a surface in an oblique context ("по словам
//! Айбека Смадиярова") is put in the nominative by a documented ending heuristic, preferring a
//! nominative mention of the same person anywhere in the text.
//!
//! Offsets are Unicode code points, end exclusive, like every span in `khronika_model`.

use khronika_model::{EntityKind, Mention, Quote};

/// Texts longer than this (in code points) are cut before looking for quotes.
pub const MAX_QUOTE_TEXT_CHARS: usize = 2_000_000;

const OPENERS: &[char] = &['«', '„', '“', '"'];
const DASHES: &[char] = &['—', '–', '-', '‒', '―'];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gender {
    Male,
    Female,
    Plural,
}

/// A word of the text: code point span and lowercased form (`ё` → `е`).
#[derive(Debug, Clone)]
struct Word {
    s: usize,
    e: usize,
    low: String,
    upper_first: bool,
}

/// One person: all mentions of the same surname, with the best name and a role.
#[derive(Debug, Clone)]
struct Person {
    name: String,
    /// Lowercased surname (last token of the best name).
    surname: String,
    gender: Option<Gender>,
    role: Option<String>,
    /// The name comes from a nominative mention (or the entity layer), not from a guess.
    sure: bool,
    multi: bool,
}

/// Who a quote's attribution points at, before resolution.
#[derive(Debug, Clone)]
enum Who {
    Person(usize),
    Pronoun(Option<Gender>),
    /// A descriptor word, the gender its verb shows, the descriptor phrase as written.
    Descriptor(String, Option<Gender>, String),
    Named(String),
    Unknown,
}

#[derive(Debug, Clone)]
struct Cand {
    start: usize,
    end: usize,
    direct: bool,
    who: Who,
    /// Where the attribution sits (pronouns resolve to people mentioned before it).
    at: usize,
}

/// A person mention of three words without a patronymic usually swallowed a word of the
/// role before the name ("Мажилиса Ерболат Мукашев"): keep the last two.
fn trim_person(m: &Mention, chars: &[char]) -> Mention {
    let mut out = m.clone();
    if m.kind != EntityKind::Person {
        return out;
    }
    let toks: Vec<&str> = m.text.split_whitespace().collect();
    let patronymic = |t: &str| {
        let l = t.to_lowercase();
        ["вич", "вна", "чна", "улы", "кызы", "оглы", "уулу"]
            .iter()
            .any(|e| l.ends_with(e))
    };
    if toks.len() != 3 || toks.iter().any(|t| patronymic(t)) {
        return out;
    }
    // the start of the second word, in code points
    let mut i = m.start;
    while i < m.end && chars.get(i).is_some_and(|c| !c.is_whitespace()) {
        i += 1;
    }
    while i < m.end && chars.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    if i >= m.end {
        return out;
    }
    out.start = i;
    out.text = chars.get(i..m.end).unwrap_or_default().iter().collect();
    if m.normal == m.text {
        out.normal = out.text.clone();
    }
    out
}

struct Ctx<'a> {
    chars: Vec<char>,
    words: Vec<Word>,
    mentions: Vec<&'a Mention>,
    /// Person index of each PER mention (parallel to `mentions`, `None` for others).
    person_of: Vec<Option<usize>>,
    people: Vec<Person>,
    /// End offsets of person mentions (a role never runs across one).
    person_ends: std::collections::HashSet<usize>,
    /// Per mention: not governed by a preposition or noun (a likely subject).
    nominative: Vec<bool>,
}

/// All quotes of `text`, attributed using `entities` (the NER's mentions of the same text).
pub fn find_quotes(text: &str, entities: &[Mention]) -> Vec<Quote> {
    let chars: Vec<char> = text.chars().take(MAX_QUOTE_TEXT_CHARS).collect();
    let words = split_words(&chars);
    let trimmed: Vec<Mention> = entities
        .iter()
        .filter(|m| m.start < m.end && m.end <= chars.len())
        .map(|m| trim_person(m, &chars))
        .collect();
    let mut mentions: Vec<&Mention> = trimmed.iter().collect();
    mentions.sort_by_key(|m| (m.start, m.end));
    let mut cx = Ctx {
        chars,
        words,
        mentions,
        person_of: Vec::new(),
        people: Vec::new(),
        person_ends: std::collections::HashSet::new(),
        nominative: Vec::new(),
    };
    cx.person_ends = cx
        .mentions
        .iter()
        .filter(|m| m.kind == EntityKind::Person)
        .map(|m| m.end)
        .collect();
    cx.build_people();
    cx.nominative = cx
        .mentions
        .iter()
        .map(|m| m.kind == EntityKind::Person && !cx.oblique_context(m.start))
        .collect();
    let mut cands = Vec::new();
    let direct_spans = cx.direct_quotes(&mut cands);
    cx.reported_speech(&direct_spans, &mut cands);
    cands.sort_by_key(|c| (c.start, c.end));
    // overlapping readings of the same words: keep the first, unless one lies inside the
    // other (a quote within a quote)
    let mut kept: Vec<Cand> = Vec::with_capacity(cands.len());
    for c in cands {
        let clash = kept.iter().any(|k| {
            let nested = (k.start <= c.start && c.end <= k.end && k.direct && c.direct)
                || (c.start <= k.start && k.end <= c.end && k.direct && c.direct);
            c.start < k.end && k.start < c.end && !nested
        });
        if !clash {
            kept.push(c);
        }
    }
    let cands = kept;
    cx.resolve(&cands)
}

fn fold(c: char) -> char {
    match c {
        'ё' => 'е',
        'Ё' => 'Е',
        _ => c,
    }
}

fn split_words(chars: &[char]) -> Vec<Word> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars.get(i).is_some_and(|c| c.is_alphanumeric()) {
            let s = i;
            while i < chars.len() {
                let c = chars.get(i).copied().unwrap_or(' ');
                let joins = (c == '-' || c == '‑')
                    && i > s
                    && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
                if c.is_alphanumeric() || joins {
                    i += 1;
                } else {
                    break;
                }
            }
            let raw: String = chars.get(s..i).unwrap_or_default().iter().collect();
            let upper_first = raw.chars().next().is_some_and(char::is_uppercase);
            let low = raw.chars().flat_map(char::to_lowercase).map(fold).collect();
            out.push(Word {
                s,
                e: i,
                low,
                upper_first,
            });
        } else {
            i += 1;
        }
    }
    out
}

// ---------- lexicons ----------

/// Verbs of saying ("заявил", "отметила", "считает", "пишет"), not gerunds or nouns.
fn is_speech_verb(w: &str) -> bool {
    const STEMS: &[&str] = &[
        "сказа",
        "заяв",
        "отмет",
        "отмеча",
        "сообщ",
        "подчеркн",
        "подчеркив",
        "добав",
        "поясн",
        "уточн",
        "рассказ",
        "напомн",
        "призна",
        "завер",
        "указа",
        "подтверд",
        "объясн",
        "предупред",
        "замет",
        "констатир",
        "написа",
        "пиш",
        "ответ",
        "отвеча",
        "возраз",
        "спрос",
        "резюмир",
        "счита",
        "полага",
        "увер",
        "говор",
        "утвержда",
        "привод",
        "цитир",
        "переда",
        "заключ",
        "посетова",
        "пожалова",
        "убежд",
        "выраз",
        "прокомментир",
        "комментир",
        "обеща",
        "пообеща",
        "добавля",
        "поясня",
        "уточня",
        "рассказыва",
        "сообща",
        "объясня",
        "заверя",
        "признава",
        "воскликн",
        "восклица",
        "парир",
        "подыто",
        "предполож",
        "настаива",
        "отреагир",
        "поделил",
        "сетова",
        "сету",
        "объяв",
    ];
    const ENDS: &[&str] = &[
        "л", "ла", "ли", "ло", "ет", "ют", "ит", "ят", "ат", "ут", "ен", "ена", "ены", "ан", "ана",
    ];
    if w.chars().count() < 4 || w == "сообщение" {
        return false;
    }
    if matches!(
        w,
        "говорится" | "сообщается" | "отмечается" | "подчеркивается" | "указывается"
    ) {
        return true;
    }
    STEMS.iter().any(|s| w.starts_with(s)) && ENDS.iter().any(|e| w.ends_with(e))
}

/// The gender a past-tense verb or short adjective agrees with ("сказала" → female).
fn verb_gender(w: &str) -> Option<Gender> {
    if ["ли", "ны", "ют", "ят", "ут", "ат"]
        .iter()
        .any(|e| w.ends_with(e))
    {
        Some(Gender::Plural)
    } else if w.ends_with("ла") || w.ends_with("на") {
        Some(Gender::Female)
    } else if w.ends_with('л') || w.ends_with("ен") {
        Some(Gender::Male)
    } else {
        None
    }
}

/// A past-tense verb form ("провёл", "встретилась", "заявили"): an -л ending after a vowel.
fn is_past_verb(w: &str) -> bool {
    let w = w
        .strip_suffix("ся")
        .or_else(|| w.strip_suffix("сь"))
        .unwrap_or(w);
    let chars: Vec<char> = w.chars().collect();
    let n = chars.len();
    if n < 4 {
        return false;
    }
    let vowel = |c: char| "аеиоуыэюя".contains(c);
    let at = |k: usize| chars.get(n.wrapping_sub(k)).copied().unwrap_or(' ');
    (at(1) == 'л' && vowel(at(2)))
        || (matches!(at(1), 'а' | 'и' | 'о') && at(2) == 'л' && vowel(at(3)))
}

/// Gerunds that continue reported speech: "…, отметив, что …".
fn is_speech_gerund(w: &str) -> bool {
    matches!(
        w,
        "отметив"
            | "добавив"
            | "подчеркнув"
            | "заявив"
            | "сообщив"
            | "пояснив"
            | "уточнив"
            | "напомнив"
            | "указав"
            | "заверив"
            | "признав"
            | "выразив"
    )
}

/// Position nouns heading a role, in the nominative.
const ROLE_HEADS: &[&str] = &[
    "министр",
    "вице-министр",
    "премьер-министр",
    "замминистра",
    "глава",
    "заместитель",
    "председатель",
    "зампред",
    "представитель",
    "пресс-секретарь",
    "секретарь",
    "аким",
    "мэр",
    "губернатор",
    "директор",
    "гендиректор",
    "руководитель",
    "начальник",
    "президент",
    "вице-президент",
    "премьер",
    "вице-премьер",
    "депутат",
    "сенатор",
    "спикер",
    "посол",
    "консул",
    "советник",
    "помощник",
    "эксперт",
    "аналитик",
    "экономист",
    "политолог",
    "член",
    "лидер",
    "основатель",
    "владелец",
    "ректор",
    "профессор",
    "судья",
    "прокурор",
    "генпрокурор",
    "адвокат",
    "юрист",
    "командующий",
    "сотрудник",
    "специалист",
    "координатор",
    "уполномоченный",
    "омбудсмен",
    "главврач",
    "врач",
    "пресс-атташе",
    "атташе",
    "дипломат",
    "политик",
    "чиновник",
    "вице-спикер",
    "управляющий",
    "инспектор",
    "министерство",
    "фермер",
    "предприниматель",
    "бизнесмен",
    "активист",
    "блогер",
    "журналист",
    "корреспондент",
    "волонтер",
    "житель",
    "жительница",
    "очевидец",
    "водитель",
    "учитель",
    "педагог",
    "медик",
    "ученый",
    "исследователь",
    "заведующий",
    "вице-мэр",
    "замакима",
    "председательница",
    "руководительница",
    "представительница",
    "депутатка",
];

/// Adjectives that may open a role ("официальный представитель").
fn is_role_adjective(w: &str) -> bool {
    const STEMS: &[&str] = &[
        "официальн",
        "генеральн",
        "перв",
        "исполнительн",
        "чрезвычайн",
        "полномочн",
        "постоянн",
        "главн",
        "старш",
        "ведущ",
        "бывш",
        "действующ",
        "временн",
        "независим",
        "верховн",
        "специальн",
        "торгов",
    ];
    STEMS.iter().any(|s| w.starts_with(s)) && w.chars().count() > 4
}

/// The nominative of a role head noun in any case ("представителя" → "представитель").
fn role_head(w: &str) -> Option<&'static str> {
    for &h in ROLE_HEADS {
        if w == h {
            return Some(h);
        }
        if h == "посол" {
            if matches!(w, "посла" | "послу" | "послом") {
                return Some(h);
            }
            continue;
        }
        if matches!(h, "атташе" | "пресс-атташе" | "замминистра" | "замакима")
        {
            continue;
        }
        let (stem, ends): (&str, &[&str]) = if let Some(s) = h.strip_suffix('ь') {
            (s, &["я", "ю", "ем", "е", "и", "ей", "ям", "ями"])
        } else if let Some(s) = h.strip_suffix('а') {
            (s, &["ы", "и", "е", "у", "ой", "ою"])
        } else if let Some(s) = h.strip_suffix("ий") {
            (s, &["его", "ему", "им", "ем", "ие", "их"])
        } else if let Some(s) = h.strip_suffix("ый") {
            (s, &["ого", "ому", "ым", "ом", "ые", "ых"])
        } else if let Some(s) = h.strip_suffix('о') {
            (s, &["а", "у", "ом", "е"])
        } else {
            (
                h,
                &[
                    "а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах", "ю", "ем", "я",
                ],
            )
        };
        if let Some(rest) = w.strip_prefix(stem) {
            if ends.contains(&rest) {
                return Some(h);
            }
        }
    }
    None
}

/// A role adjective in the nominative masculine ("официального" → "официальный").
fn adjective_nominative(w: &str) -> String {
    for end in ["ого", "его", "ому", "ему", "ым", "им", "ом", "ем"] {
        if let Some(stem) = w.strip_suffix(end) {
            let soft = end.starts_with('е') || end == "им";
            let last = stem.chars().last().unwrap_or('а');
            let hushing = matches!(last, 'к' | 'г' | 'х' | 'ж' | 'ш' | 'ч' | 'щ');
            return format!("{stem}{}", if soft || hushing { "ий" } else { "ый" });
        }
    }
    w.to_owned()
}

/// Words that point back to a person already named ("— добавил политик").
fn is_descriptor(w: &str) -> bool {
    role_head(w).is_some()
        || matches!(
            w,
            "собеседник" | "источник" | "глава" | "спикер" | "чиновница" | "журналист"
        )
}

/// Words that govern the genitive or dative of a following name ("по словам X", "слова X").
fn is_oblique_governor(w: &str) -> bool {
    matches!(
        w,
        "словам"
            | "слова"
            | "мнению"
            | "заявлению"
            | "словами"
            | "у"
            | "от"
            | "для"
            | "с"
            | "со"
            | "к"
            | "о"
            | "об"
            | "при"
            | "без"
            | "встретился"
            | "заявление"
            | "позиция"
            | "позицию"
            | "интервью"
    )
}

/// Words before « that make the quoted span a name, not speech ("компания «…»").
fn is_title_word(w: &str) -> bool {
    const STEMS: &[&str] = &[
        "компани",
        "агентств",
        "газет",
        "журнал",
        "издани",
        "телеканал",
        "канал",
        "радио",
        "фильм",
        "спектакл",
        "книг",
        "песн",
        "закон",
        "законопроект",
        "программ",
        "проект",
        "партии",
        "парти",
        "движени",
        "фонд",
        "акци",
        "операци",
        "преми",
        "конкурс",
        "фестивал",
        "форум",
        "банк",
        "тоо",
        "ао",
        "оао",
        "зао",
        "ооо",
        "пао",
        "корпораци",
        "холдинг",
        "авиакомпани",
        "завод",
        "комбинат",
        "центр",
        "портал",
        "сайт",
        "издательств",
        "клуб",
        "театр",
        "музе",
        "отел",
        "гостиниц",
        "бренд",
        "марк",
        "сериал",
        "роман",
        "стать",
        "рубрик",
        "передач",
        "шоу",
        "кампани",
        "инициатив",
        "стратеги",
        "концепци",
        "кодекс",
        "постановлени",
        "указ",
        "приказ",
        "документ",
        "договор",
        "соглашени",
        "меморандум",
        "платформ",
        "приложени",
        "сети",
        "сеть",
        "group",
        "ассоциаци",
        "союз",
        "объединени",
        "команд",
        "колхоз",
        "предприяти",
        "операто",
        "станци",
        "аэропорт",
        "порт",
        "корабл",
        "судн",
        "самолет",
        "ракет",
        "комплекс",
        "месторождени",
        "площадк",
        "парк",
        "стадион",
        "дворц",
        "дом",
        "улиц",
        "проспект",
        "площад",
    ];
    STEMS.iter().any(|s| w.starts_with(s))
}

impl<'a> Ctx<'a> {
    fn slice(&self, s: usize, e: usize) -> String {
        self.chars.get(s..e).unwrap_or_default().iter().collect()
    }

    /// Index of the first word starting at or after `pos`.
    fn word_at(&self, pos: usize) -> usize {
        self.words.partition_point(|w| w.s < pos)
    }

    /// The non-space characters strictly between two positions.
    fn gap(&self, s: usize, e: usize) -> String {
        self.chars
            .get(s..e.max(s))
            .unwrap_or_default()
            .iter()
            .filter(|c| !c.is_whitespace())
            .collect()
    }

    fn is_sentence_end(&self, i: usize) -> bool {
        let c = self.chars.get(i).copied().unwrap_or('\n');
        if c == '\n' {
            return true;
        }
        if !matches!(c, '.' | '!' | '?' | '…') {
            return false;
        }
        // an initial or an abbreviation ("г.", "А.") is not a sentence end
        let prev_word = self.words.get(self.word_at(i).saturating_sub(1));
        if c == '.' {
            if let Some(w) = prev_word.filter(|w| w.e == i) {
                let n = w.low.chars().count();
                if n == 1
                    || matches!(
                        w.low.as_str(),
                        "г" | "гг"
                            | "т"
                            | "д"
                            | "ул"
                            | "им"
                            | "тыс"
                            | "млн"
                            | "млрд"
                            | "руб"
                            | "долл"
                    )
                {
                    return false;
                }
            }
        }
        let next = self
            .chars
            .get(i + 1..)
            .unwrap_or_default()
            .iter()
            .find(|c| !c.is_whitespace());
        match next {
            None => true,
            Some(n) => n.is_uppercase() || OPENERS.contains(n) || DASHES.contains(n) || *n == '«',
        }
    }

    /// Start of the sentence containing `pos`.
    fn sentence_start(&self, pos: usize) -> usize {
        let mut i = pos;
        while i > 0 {
            if self.is_sentence_end(i - 1) {
                return i;
            }
            i -= 1;
        }
        0
    }

    /// End (exclusive, at the final mark) of the sentence containing `pos`.
    fn sentence_end(&self, pos: usize) -> usize {
        let mut i = pos;
        let mut depth = 0i32;
        while i < self.chars.len() {
            let c = self.chars.get(i).copied().unwrap_or('\n');
            match c {
                '«' | '„' => depth += 1,
                '»' | '“' if depth > 0 => depth -= 1,
                _ => {}
            }
            if (depth == 0 || c == '\n') && self.is_sentence_end(i) {
                return i;
            }
            i += 1;
        }
        self.chars.len()
    }

    // ---------- people ----------

    fn build_people(&mut self) {
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
            p.gender = Some(name_gender(&p.name));
        }
    }

    /// The name a mention gives, and whether it is known to be nominative.
    fn mention_name(&self, m: &Mention) -> (String, bool) {
        let text = m.text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !self.oblique_context(m.start) {
            // a subject is already in the nominative: the surface is the safest name
            return (text, true);
        }
        let normal_tokens = m.normal.split_whitespace().count();
        if m.normal != m.text && normal_tokens == text.split_whitespace().count() {
            return (m.normal.clone(), true);
        }
        (nominative_name(&text), false)
    }

    /// Whether a name at `pos` is governed by a preposition or noun (genitive, dative…).
    fn oblique_context(&self, pos: usize) -> bool {
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

    fn person_at(&self, s: usize, e: usize) -> Option<(usize, &Mention)> {
        self.mentions.iter().enumerate().find_map(|(k, m)| {
            (m.start >= s && m.end <= e && m.kind == EntityKind::Person)
                .then(|| self.person_of.get(k).copied().flatten().map(|p| (p, *m)))
                .flatten()
        })
    }

    fn org_at(&self, s: usize, e: usize) -> Option<&Mention> {
        self.mentions
            .iter()
            .copied()
            .find(|m| m.start >= s && m.end <= e && m.kind == EntityKind::Organisation)
    }

    /// A capitalised word in `[s, e)` whose surname matches a known person (the NER may miss
    /// a bare surname).
    fn surname_in(&self, s: usize, e: usize) -> Option<usize> {
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
    fn direct_quotes(&self, cands: &mut Vec<Cand>) -> Vec<(usize, usize)> {
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

    fn reported_speech(&self, quoted: &[(usize, usize)], cands: &mut Vec<Cand>) {
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

    // ---------- resolution ----------

    fn resolve(&self, cands: &[Cand]) -> Vec<Quote> {
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

/// An institution noun from the locative to the nominative ("пресс-службе" → "пресс-служба",
/// "министерстве" → "министерство"); `None` for words that are not institutions.
fn locative_institution(w: &str) -> Option<String> {
    const LEXICON: &[(&str, &str)] = &[
        ("пресс-службе", "пресс-служба"),
        ("акимате", "акимат"),
        ("мэрии", "мэрия"),
        ("администрации", "администрация"),
        ("прокуратуре", "прокуратура"),
        ("полиции", "полиция"),
        ("компании", "компания"),
        ("кремле", "Кремль"),
        ("департаменте", "департамент"),
        ("комитете", "комитет"),
        ("штабе", "штаб"),
        ("мид", "МИД"),
        ("минздраве", "Минздрав"),
        ("минфине", "Минфин"),
        ("совете", "совет"),
        ("суде", "суд"),
        ("банке", "банк"),
        ("нацбанке", "Нацбанк"),
        ("фонде", "фонд"),
        ("центре", "центр"),
        ("агентстве", "агентство"),
        ("партии", "партия"),
        ("службе", "служба"),
        ("инспекции", "инспекция"),
        ("организации", "организация"),
        ("управлении", "управление"),
    ];
    if let Some((_, n)) = LEXICON.iter().find(|(l, _)| *l == w) {
        return Some((*n).to_owned());
    }
    if let Some(stem) = w.strip_suffix("стве") {
        return Some(format!("{stem}ство"));
    }
    None
}

/// A descriptor phrase with its head in the nominative ("корреспондента агентства" →
/// "корреспондент агентства").
fn role_phrase_nominative(phrase: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut done = false;
    for tok in phrase.split_whitespace() {
        let low: String = tok.chars().flat_map(char::to_lowercase).map(fold).collect();
        if !done {
            if let Some(h) = role_head(&low) {
                out.push(h.to_owned());
                done = true;
                continue;
            }
            if is_role_adjective(&low) {
                out.push(adjective_nominative(&low));
                continue;
            }
            done = true;
        }
        out.push(tok.to_owned());
    }
    lower_first(&out.join(" "))
}

/// The nominative plural of a role noun in the genitive plural ("экспертов" → "эксперты",
/// "аналитиков" → "аналитики"); `None` for singular forms.
fn plural_group(w: &str) -> Option<String> {
    let head = role_head(w)?;
    let gen_pl = if let Some(stem) = head.strip_suffix('ь') {
        format!("{stem}ей")
    } else {
        format!("{head}ов")
    };
    if w != gen_pl {
        return None;
    }
    Some(if let Some(stem) = head.strip_suffix('ь') {
        format!("{stem}и")
    } else if head.ends_with(['к', 'г', 'х', 'ж', 'ш', 'ч', 'щ']) {
        format!("{head}и")
    } else {
        format!("{head}ы")
    })
}

/// Trims whitespace (and a trailing comma) from `[s, e)`.
fn trim_span(chars: &[char], mut s: usize, mut e: usize) -> (usize, usize) {
    e = e.min(chars.len());
    while s < e && chars.get(s).is_some_and(|c| c.is_whitespace()) {
        s += 1;
    }
    while e > s
        && chars
            .get(e - 1)
            .is_some_and(|c| c.is_whitespace() || *c == ',')
    {
        e -= 1;
    }
    (s, e)
}

fn lower_first(s: &str) -> String {
    let mut it = s.chars();
    let Some(first) = it.next() else {
        return String::new();
    };
    let second_upper = s.chars().nth(1).is_some_and(char::is_uppercase);
    if second_upper {
        return s.to_owned();
    }
    first.to_lowercase().chain(it).collect()
}

fn org_name(m: &Mention) -> String {
    if m.normal.trim().is_empty() {
        m.text.clone()
    } else {
        m.normal.clone()
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

/// The gender a nominative full name suggests (surname and first-name endings).
fn name_gender(name: &str) -> Gender {
    let toks: Vec<String> = name.split_whitespace().map(|t| t.to_lowercase()).collect();
    let last = toks.last().map(String::as_str).unwrap_or("");
    for end in ["ова", "ева", "ина", "ына", "ская", "цкая", "ая"] {
        if last.ends_with(end) {
            return Gender::Female;
        }
    }
    if let Some(first) = toks.first().filter(|_| toks.len() > 1) {
        const MALE_A: &[&str] = &[
            "никита",
            "илья",
            "кузьма",
            "фома",
            "лука",
            "муса",
            "иса",
            "мирза",
            "хамза",
        ];
        if (first.ends_with('а') || first.ends_with('я')) && !MALE_A.contains(&first.as_str()) {
            return Gender::Female;
        }
        if matches!(
            first.as_str(),
            "лусине"
                | "гаяне"
                | "асмик"
                | "анаит"
                | "нунэ"
                | "айгерим"
                | "айжан"
                | "динара"
                | "карине"
        ) {
            return Gender::Female;
        }
    }
    Gender::Male
}

/// A person's name from the genitive/dative to the nominative, by endings: masculine
/// surnames in -ова/-ева/-ина (-ову, -овым) lose the ending, -ского becomes -ский; first names
/// lose -а/-у/-ом and turn -я into -ь/-й; feminine forms in -ой become -а. Indeclinable names
/// (-ян, -ко, -зода, -улы, vowel endings) stay as they are.
fn nominative_name(name: &str) -> String {
    let toks: Vec<&str> = name.split_whitespace().collect();
    let feminine = toks.last().is_some_and(|t| {
        t.ends_with("ой") && !t.ends_with("ской") || t.ends_with("овой") || t.ends_with("евой")
    });
    toks.iter()
        .map(|t| {
            let low = t.to_lowercase();
            let cut = |n: usize, add: &str| -> String {
                let keep = t.chars().count().saturating_sub(n);
                let mut s: String = t.chars().take(keep).collect();
                s.push_str(add);
                s
            };
            if feminine {
                if low.ends_with("ой") {
                    return cut(2, "а");
                }
                if low.ends_with('ы') {
                    return cut(1, "а");
                }
                if low.ends_with('и') {
                    let stem: String = low.chars().take(low.chars().count() - 1).collect();
                    let hushing = stem.ends_with(['к', 'г', 'х', 'ж', 'ш', 'ч', 'щ']);
                    return cut(1, if hushing { "а" } else { "я" });
                }
                return (*t).to_owned();
            }
            for (end, n, add) in [
                ("ского", 4, "ий"),
                ("цкого", 4, "ий"),
                ("ому", 3, "ий"),
                ("овым", 2, ""),
                ("евым", 2, ""),
                ("иным", 2, ""),
                ("ова", 1, ""),
                ("ева", 1, ""),
                ("ёва", 1, ""),
                ("ина", 1, ""),
                ("ына", 1, ""),
                ("ову", 1, ""),
                ("еву", 1, ""),
                ("ину", 1, ""),
            ] {
                if low.ends_with(end) {
                    return cut(n, add);
                }
            }
            if low.ends_with("зода") || low.ends_with("улы") || low.ends_with("кызы") {
                return (*t).to_owned();
            }
            let chars: Vec<char> = low.chars().collect();
            let n = chars.len();
            let before = |k: usize| chars.get(n.wrapping_sub(k)).copied().unwrap_or('а');
            let vowel = |c: char| "аеёиоуыэюя".contains(c);
            if n >= 4 && (low.ends_with('а') || low.ends_with('у')) && !vowel(before(2)) {
                return cut(1, "");
            }
            if n >= 4 && (low.ends_with("ом") || low.ends_with("ем")) && !vowel(before(3)) {
                return cut(2, "");
            }
            if n >= 4 && (low.ends_with('я') || low.ends_with('ю')) {
                return cut(1, if vowel(before(2)) { "й" } else { "ь" });
            }
            (*t).to_owned()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn per(text: &str, surface: &str, from: usize) -> Mention {
        let chars: Vec<char> = text.chars().collect();
        let target: Vec<char> = surface.chars().collect();
        let start = (from..chars.len())
            .find(|&i| chars.get(i..i + target.len()) == Some(&target[..]))
            .unwrap_or(0);
        Mention {
            start,
            end: start + target.len(),
            kind: EntityKind::Person,
            text: surface.to_owned(),
            normal: surface.to_owned(),
        }
    }

    #[test]
    fn dash_attribution_with_role() {
        let t = "«Мы завершили первый этап реконструкции», — сказал аким города Нурлан Бекмаганбетов на брифинге. По его словам, работы ведутся в три смены.";
        let q = find_quotes(t, &[per(t, "Нурлан Бекмаганбетов", 0)]);
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!(q[0].text, "Мы завершили первый этап реконструкции");
        assert!(q[0].direct);
        assert_eq!(q[0].speaker.as_deref(), Some("Нурлан Бекмаганбетов"));
        assert_eq!(q[0].role.as_deref(), Some("аким города"));
        assert_eq!(q[1].text, "работы ведутся в три смены");
        assert!(!q[1].direct);
        assert_eq!(q[1].speaker.as_deref(), Some("Нурлан Бекмаганбетов"));
    }

    #[test]
    fn genitive_names_and_roles_become_nominative() {
        let t = "По словам официального представителя МИД Айбека Смадиярова, Казахстан не участвовал в саммите.";
        let q = find_quotes(t, &[per(t, "Айбека Смадиярова", 0)]);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].speaker.as_deref(), Some("Айбек Смадияров"));
        assert_eq!(q[0].role.as_deref(), Some("официальный представитель МИД"));
        assert_eq!(q[0].text, "Казахстан не участвовал в саммите");
    }

    #[test]
    fn titles_in_guillemets_are_not_quotes() {
        let t = "Компания «Казахтелеком» выполнила требования закона «О СМИ». Так называемые «серые» схемы остались.";
        assert!(find_quotes(t, &[]).is_empty());
    }

    #[test]
    fn split_quote_gives_two_fragments() {
        let t = "«Мы не против инвесторов, — пояснил депутат Нурбек Алымкулов. — Но земля должна оставаться у граждан».";
        let q = find_quotes(t, &[per(t, "Нурбек Алымкулов", 0)]);
        let texts: Vec<&str> = q.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Мы не против инвесторов",
                "Но земля должна оставаться у граждан"
            ]
        );
        assert!(q
            .iter()
            .all(|x| x.speaker.as_deref() == Some("Нурбек Алымкулов")));
    }

    #[test]
    fn surname_and_pronoun_resolution() {
        let t = "Мэр Ваган Саргсян и глава управления Анна Григорян провели встречу. «Больница откроется в марте», — сообщил мэр. «Мы набрали персонал», — добавила Григорян. Она подчеркнула, что зарплаты вырастут.";
        let ents = [
            per(t, "Ваган Саргсян", 0),
            per(t, "Анна Григорян", 0),
            per(t, "Григорян", 80),
        ];
        let q = find_quotes(t, &ents);
        let who: Vec<Option<&str>> = q.iter().map(|x| x.speaker.as_deref()).collect();
        assert_eq!(
            who,
            [
                Some("Ваган Саргсян"),
                Some("Анна Григорян"),
                Some("Анна Григорян")
            ]
        );
    }

    #[test]
    fn curly_quotes_groups_and_subject_preference() {
        let t = "“Мы готовы”, — сказал аким Ерлан Сапаров. Как отмечают эксперты, рынок перегрет.";
        let q = find_quotes(t, &[per(t, "Ерлан Сапаров", 0)]);
        let got: Vec<(&str, Option<&str>, bool)> = q
            .iter()
            .map(|x| (x.text.as_str(), x.speaker.as_deref(), x.direct))
            .collect();
        assert_eq!(
            got,
            [
                ("Мы готовы", Some("Ерлан Сапаров"), true),
                ("рынок перегрет", Some("эксперты"), false)
            ]
        );
        let t = "Президент Касым-Жомарт Токаев встретился с послом Томасом Шмидтом. «Мы ценим сотрудничество», — сказал он.";
        let ents = [
            per(t, "Касым-Жомарт Токаев", 0),
            per(t, "Томасом Шмидтом", 0),
        ];
        let q = find_quotes(t, &ents);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].speaker.as_deref(), Some("Касым-Жомарт Токаев"));
        assert_eq!(q[0].role.as_deref(), Some("президент"));
    }

    #[test]
    fn roles_stop_at_verbs() {
        let t = "Министр энергетики провёл встречу с директором компании Иваном Петровым. «Мы договорились», — сказал Петров.";
        let ents = [per(t, "Иваном Петровым", 0), per(t, "Петров", 80)];
        let q = find_quotes(t, &ents);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].speaker.as_deref(), Some("Иван Петров"));
        assert_eq!(q[0].role.as_deref(), Some("директор компании"));
    }

    #[test]
    fn authorial_remarks_are_not_quotes() {
        let t = "Сообщается, что пострадавших нет. Напомним, что ранее в регионе прошли учения. По данным статистики, инфляция замедлилась.";
        assert!(find_quotes(t, &[]).is_empty());
    }

    #[test]
    fn long_text_stays_linear_enough() {
        let para = "«Мы завершили этап», — сказал аким города Нурлан Бекмаганбетов. По его словам, работы идут.\n";
        let text = para.repeat(3_000);
        let mut ents = Vec::new();
        let per_len = para.chars().count();
        for k in 0..3_000 {
            let mut m = per(para, "Нурлан Бекмаганбетов", 0);
            m.start += k * per_len;
            m.end += k * per_len;
            ents.push(m);
        }
        let q = find_quotes(&text, &ents);
        assert_eq!(q.len(), 6_000);
        assert!(q
            .iter()
            .all(|x| x.speaker.as_deref() == Some("Нурлан Бекмаганбетов")));
    }

    #[test]
    fn group_speaker_and_odd_input() {
        let t = "Он пригласил лидеров. Украинские СМИ сообщили, что участие подтвердили 107 стран.";
        let q = find_quotes(t, &[]);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].speaker.as_deref(), Some("украинские СМИ"));
        for odd in [
            "«",
            "»«",
            "\"",
            "— сказал он",
            ", что",
            "По словам",
            "«««»»»",
            "Об этом сообщил",
        ] {
            let _ = find_quotes(odd, &[]);
        }
        let bad = Mention {
            start: 5,
            end: 500,
            kind: EntityKind::Person,
            text: "x".into(),
            normal: "x".into(),
        };
        let _ = find_quotes("короткий текст", &[bad]);
    }
}
