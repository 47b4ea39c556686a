//! Rubric classification: one of the seven contest rubrics, or not-news, for an article.
//!
//! Every source of evidence adds a log-odds-like weight to each rubric's score, and the
//! highest score wins (a hand-set linear model, like naive Bayes with damped counts):
//!
//! * a prior from how common each rubric is in Russian news streams;
//! * the site's own section (`articleSection`, `article:section`, breadcrumb) and the
//!   URL (path segments such as `/sport/`, `/ekonomika/`, `/proisshestviya/`, and
//!   subdomains such as `auto.` or `pogoda.`), read against a generic vocabulary of
//!   section names (`sections`) — the strongest evidence when a page has it;
//! * the site's tags, against both the section vocabulary and the word lists;
//! * the words of the title (each hit counts fully) and of the first
//!   [`MAX_TEXT_CHARS`] characters of the text (hits summed per rubric, then damped with
//!   a logarithm, so that a long text does not drown the title), against Russian stem
//!   lists per rubric (`lexicon`);
//! * not-news cues: how-to and list headlines («Как выбрать …», «5 способов …»),
//!   imperative and second-person address, advice and advertising vocabulary, and the
//!   *absence* of the marks of a report (attribution verbs, agencies, dates, weekdays).
//!
//! Pure and cheap: no I/O, no allocation per word (words are lower-cased into a stack
//! buffer), tables built once on first use.

mod lexicon;
mod sections;
mod table;

use khronika_model::Rubric;
use std::sync::LazyLock;
use table::{add, Table, Weights, CUE, SLOTS};

/// What the classifier looks at.
#[derive(Debug, Clone, Copy, Default)]
pub struct RubricInput<'a> {
    pub title: &'a str,
    /// The reader's text (lead first), as `Article::text()` gives it.
    pub text: &'a str,
    pub url: Option<&'a str>,
    /// The site's own section (JSON-LD `articleSection`, `article:section`, breadcrumbs).
    pub section: Option<&'a str>,
    /// The site's own tags.
    pub site_tags: &'a [String],
}

/// How much of the text is read: the lead and first paragraphs carry the topic.
pub const MAX_TEXT_CHARS: usize = 3_000;
/// How much of a title, section, tag or URL is read (anything longer is not one).
const MAX_FIELD_CHARS: usize = 1_000;
/// At most this many tags are read.
const MAX_TAGS: usize = 32;

// ---- weights of each source of evidence (log-odds units) -------------------------------

/// Prior: `PRIOR_SCALE · ln(share)` with the rubric shares of the contest's Russian news.
const PRIOR_SCALE: f32 = 0.6;
const PRIOR_SHARE: [f32; 8] = [0.32, 0.11, 0.10, 0.08, 0.16, 0.055, 0.05, 0.13];
/// A section name the page states: the editors' own classification.
const SECTION_W: f32 = 3.0;
/// A URL path segment or subdomain naming a section.
const URL_W: f32 = 2.5;
/// A tag naming a section; a tag's words through the word lists.
const TAG_SECTION_W: f32 = 1.5;
const TAG_WORD_W: f32 = 0.6;
const TAG_CAP: f32 = 3.0;
/// Each word-list hit in the title.
const TITLE_W: f32 = 1.2;
/// `BODY_W · ln(1 + Σ hits)` for the text.
const BODY_W: f32 = 1.6;
/// Not-news starts this far ahead and loses `NEWS_W · ln(1 + Σ news cues)`.
const NOT_NEWS_BASE: f32 = 1.2;
const NEWS_W: f32 = 0.9;

static TEXT: LazyLock<Table> = LazyLock::new(|| {
    Table::build(&[
        (0, lexicon::SOCIETY),
        (1, lexicon::ECONOMY),
        (2, lexicon::TECHNOLOGY),
        (3, lexicon::SPORTS),
        (4, lexicon::ENTERTAINMENT),
        (5, lexicon::SCIENCE),
        (6, lexicon::OTHER),
        (7, lexicon::NOT_NEWS),
        (CUE, lexicon::NEWS_CUES),
    ])
});

static SECTIONS: LazyLock<Table> = LazyLock::new(|| {
    Table::build(&[
        (0, sections::SOCIETY),
        (1, sections::ECONOMY),
        (2, sections::TECHNOLOGY),
        (3, sections::SPORTS),
        (4, sections::ENTERTAINMENT),
        (5, sections::SCIENCE),
        (6, sections::OTHER),
        (7, sections::NOT_NEWS),
    ])
});

const NOT_NEWS: usize = 7;

fn index(r: Rubric) -> usize {
    Rubric::ALL.iter().position(|&x| x == r).unwrap_or(0)
}

/// The score of every rubric for one article; the highest is the answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RubricScores {
    /// In [`Rubric::ALL`] order.
    pub scores: [f32; 8],
}

impl RubricScores {
    /// The rubric with the highest score (the first in menu order on a tie).
    pub fn best(&self) -> Rubric {
        let mut best = 0;
        for i in 1..8 {
            if self.scores[i] > self.scores[best] {
                best = i;
            }
        }
        Rubric::ALL[best]
    }

    pub fn get(&self, r: Rubric) -> f32 {
        self.scores[index(r)]
    }

    /// How far the winner is ahead of the runner-up (a confidence, in log-odds units).
    pub fn margin(&self) -> f32 {
        let best = index(self.best());
        let second = (0..8)
            .filter(|&i| i != best)
            .map(|i| self.scores[i])
            .fold(f32::NEG_INFINITY, f32::max);
        self.scores[best] - second
    }
}

/// The rubric of one article.
pub fn classify(input: &RubricInput<'_>) -> Rubric {
    classify_scored(input).best()
}

/// The first `n` chars of `s`.
fn head(s: &str, n: usize) -> &str {
    if s.len() <= n {
        return s;
    }
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Every rubric's score for one article.
pub fn classify_scored(input: &RubricInput<'_>) -> RubricScores {
    let mut s = [0.0f32; 8];
    for (x, share) in s.iter_mut().zip(PRIOR_SHARE) {
        *x = PRIOR_SCALE * share.ln();
    }

    // The site's own section.
    if let Some(sec) = input.section {
        let mut best = [0.0f32; SLOTS];
        section_words(head(sec, MAX_FIELD_CHARS), &mut best);
        for (x, b) in s.iter_mut().zip(best) {
            *x += SECTION_W * b;
        }
    }

    // The URL: subdomains and path segments naming a section; dates and /news/ mark news.
    let mut cues = 0.0f32;
    if let Some(url) = input.url {
        let (best, url_cues) = url_evidence(head(url, MAX_FIELD_CHARS));
        for (x, b) in s.iter_mut().zip(best) {
            *x += URL_W * b;
        }
        cues += url_cues;
    }

    // Tags.
    let mut tags = [0.0f32; SLOTS];
    for tag in input.site_tags.iter().take(MAX_TAGS) {
        let tag = head(tag, 100);
        let mut sec = [0.0f32; SLOTS];
        section_words(tag, &mut sec);
        add(&mut tags, &sec, TAG_SECTION_W);
        table::words(tag, |w| {
            TEXT.add_word(w, TAG_WORD_W, &mut tags);
        });
    }
    for (x, t) in s.iter_mut().zip(tags) {
        *x += t.min(TAG_CAP);
    }

    // The title.
    let title = head(input.title, MAX_FIELD_CHARS);
    let mut t = [0.0f32; SLOTS];
    table::words(title, |w| {
        TEXT.add_word(w, 1.0, &mut t);
    });
    t[NOT_NEWS] += headline_not_news(title);
    for (x, v) in s.iter_mut().zip(t) {
        *x += TITLE_W * v;
    }
    cues += 2.0 * t[CUE];

    // The text.
    let text = head(input.text, MAX_TEXT_CHARS);
    let mut b = [0.0f32; SLOTS];
    table::words(text, |w| {
        TEXT.add_word(w, 1.0, &mut b);
        b[NOT_NEWS] += address_weight(w);
    });
    for (x, v) in s.iter_mut().zip(b) {
        *x += BODY_W * v.max(0.0).ln_1p();
    }
    cues += b[CUE];

    // Not-news: ahead by default, pulled back by every mark of a report.
    s[NOT_NEWS] += NOT_NEWS_BASE - NEWS_W * cues.max(0.0).ln_1p();

    for x in &mut s {
        if !x.is_finite() {
            *x = f32::MIN;
        }
    }
    RubricScores { scores: s }
}

/// The strongest section-vocabulary evidence per rubric among the words of `s` (and `s`
/// as one phrase: «шоу-бизнес», «наука и техника» read word by word).
fn section_words(s: &str, best: &mut [f32; SLOTS]) {
    table::words(s, |w| {
        let mut one = [0.0f32; SLOTS];
        if SECTIONS.add_word(w, 1.0, &mut one) {
            for (b, o) in best.iter_mut().zip(one) {
                *b = b.max(o);
            }
        }
    });
}

/// Section evidence (best per rubric) and news cues from a URL.
fn url_evidence(url: &str) -> ([f32; SLOTS], f32) {
    let mut best = [0.0f32; SLOTS];
    let mut cues = 0.0f32;
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next().unwrap_or("");
    let mut take = |w: &Weights, scale: f32| {
        for (b, x) in best.iter_mut().zip(w) {
            *b = b.max(x * scale);
        }
    };
    // Subdomains (not the registrable name and the TLD): `sport.`, `auto.`, `pogoda.` —
    // portals split their verticals this way.
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() > 2 {
        for l in &labels[..labels.len() - 2] {
            let l = l.to_ascii_lowercase();
            if let Some(w) = SECTIONS.lookup(&l) {
                take(w, 1.0);
            }
        }
    }
    // A site whose very name says sport or cars is a specialised outlet (sports dailies,
    // motoring sites all name themselves so).
    if let Some(name) = labels.len().checked_sub(2).and_then(|i| labels.get(i)) {
        let name = name.to_ascii_lowercase();
        if name.contains("sport") {
            let mut w = [0.0; SLOTS];
            w[3] = 0.8;
            take(&w, 1.0);
        }
        if name.starts_with("auto") || name.starts_with("avto") {
            let mut w = [0.0; SLOTS];
            w[2] = 0.8;
            take(&w, 1.0);
        }
    }
    // Path segments that name a section: short, no digits, at most two hyphens (slugs of
    // titles are long and many-hyphened, ids have digits).
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut date_parts = 0;
    for (i, seg) in segments.iter().enumerate() {
        let seg = seg.strip_suffix(".html").unwrap_or(seg);
        let digits = seg.bytes().filter(u8::is_ascii_digit).count();
        if digits == seg.len() && (seg.len() == 4 || seg.len() <= 2) {
            date_parts += 1;
        }
        if digits == 8 && seg.starts_with("20") {
            date_parts += 3;
        }
        let lower = seg.to_ascii_lowercase();
        if matches!(lower.as_str(), "news" | "novosti" | "lenta" | "novost") {
            cues += 0.5;
        }
        let last = i + 1 == segments.len();
        let plain = seg.len() <= 30
            && seg.matches('-').count() <= 2
            && digits == 0
            && !(last && seg.contains('-') && seg.len() > 20);
        if plain {
            if let Some(w) = SECTIONS.lookup(&table::normalise(seg)) {
                take(w, 1.0);
            }
        }
    }
    if date_parts >= 3 {
        cues += 1.0;
    }
    (best, cues)
}

/// Not-news evidence from the shape of a headline: how-tos («Как выбрать …», «Что
/// делать, если …»), numbered lists («5 способов …», «ТОП-10 …»), imperatives addressed
/// to the reader («Узнайте …», «Не делайте …»). These shapes are the service-journalism
/// and listicle pieces every portal runs beside its news.
fn headline_not_news(title: &str) -> f32 {
    let mut first: [&str; 3] = [""; 3];
    let mut buf = String::new();
    let mut n = 0;
    let mut offsets = [(0usize, 0usize); 3];
    let mut has_kotory = false;
    table::words(title, |w| {
        has_kotory |= w.starts_with("котор");
        if n < 3 {
            let start = buf.len();
            buf.push_str(w);
            offsets[n] = (start, buf.len());
            n += 1;
        }
    });
    for (i, (a, z)) in offsets.iter().enumerate().take(n) {
        first[i] = &buf[*a..*z];
    }
    let mut score = 0.0;
    let w0 = first[0];
    let w1 = first[1];
    // «Как + infinitive», «Что делать», «Чем заняться», «Где купить».
    if matches!(
        w0,
        "как" | "что" | "где" | "чем" | "куда" | "какой" | "какие"
    ) && is_infinitive(w1)
    {
        score += 3.0;
    } else if w0 == "как" {
        score += 0.4;
    }
    // Explainers: «Что такое …», «Что значит …», «Чем отличается … от …».
    if (w0 == "что" && matches!(w1, "такое" | "значит" | "означает"))
        || (w0 == "чем" && w1.starts_with("отлича"))
    {
        score += 2.5;
    }
    // A list: «5 способов», «10 фильмов», «топ-7».
    let numeric = !w0.is_empty() && w0.bytes().all(|b| b.is_ascii_digit()) && w0.len() <= 2;
    if w0.starts_with("топ") {
        score += 1.5;
    }
    if numeric {
        const LIST_NOUNS: &[&str] = &[
            "способ",
            "причин",
            "правил",
            "ошиб",
            "признак",
            "фильм",
            "книг",
            "продукт",
            "совет",
            "вещ",
            "привыч",
            "мест",
            "лайфхак",
            "иде",
            "рецепт",
            "упражнен",
            "секрет",
            "факт",
            "шаг",
            "сериал",
            "блюд",
            "самых",
            "лучших",
            "полезн",
            "простых",
            "главных",
            "необычн",
            "интересн",
            "важн",
            "признак",
            "трюк",
            "фраз",
        ];
        // «5 продуктов, которые …»: a number and a relative clause is the listicle form.
        score += if LIST_NOUNS.iter().any(|p| w1.starts_with(p)) {
            2.5
        } else if has_kotory {
            2.0
        } else {
            0.3
        };
    }
    // An imperative opening the headline.
    let imp = if w0 == "не" { w1 } else { w0 };
    if is_imperative(imp) {
        score += 2.0;
    }
    score
}

/// Whether `w` looks like an infinitive («выбрать», «научиться», «помочь», «найти»),
/// leaving out the common nouns with the same endings («власть», «часть», «новости»).
fn is_infinitive(w: &str) -> bool {
    const NOUNS: &[&str] = &[
        "власть",
        "часть",
        "смерть",
        "сеть",
        "честь",
        "мать",
        "путь",
        "суть",
        "ртуть",
        "треть",
        "нефть",
        "есть",
        "дочь",
        "ночь",
        "речь",
        "печь",
        "желчь",
        "кровать",
        "тетрадь",
        "площадь",
        "лошадь",
    ];
    if w.chars().count() < 4 || NOUNS.contains(&w) || w.ends_with("ость") {
        return false;
    }
    w.ends_with("ть")
        || w.ends_with("ться")
        || w.ends_with("чь")
        || ["йти", "идти", "вести", "нести", "расти", "спасти", "везти"]
            .iter()
            .any(|e| w.ends_with(e))
}

/// Plural imperatives: «-йте», «-ьте», «-ите» (with the nouns in «-ите»/«-йте» that news
/// often has in the prepositional case excluded).
fn is_imperative(w: &str) -> bool {
    const NOT_IMPERATIVE: &[&str] = &[
        "сайте",
        "визите",
        "кредите",
        "лимите",
        "депозите",
        "транзите",
        "аппетите",
        "защите",
        "орбите",
        "элите",
        "граните",
        "бите",
        "вите",
        "пите",
        "сите",
        "ките",
    ];
    (w.ends_with("йте") || w.ends_with("ьте") || w.ends_with("ите"))
        && w.chars().count() >= 5
        && !NOT_IMPERATIVE.contains(&w)
}

/// Not-news weight of one text word addressing the reader: imperatives («добавьте»,
/// «попробуйте»). Second-person pronouns are in the word list.
fn address_weight(w: &str) -> f32 {
    if !is_imperative(w) {
        0.0
    } else if w.ends_with("ите") {
        0.25
    } else {
        0.5
    }
}

#[cfg(test)]
mod tests;
