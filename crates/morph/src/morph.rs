//! Word analysis (lemma, part of speech, case, gender, number, animacy) and inflection,
//! over the OpenCorpora dictionary, with pymorphy's guessers for unknown words.

use fst::Map;

use crate::dict::{DictError, Tables};
use crate::tag::{category_bits, grammeme_bit, Case, Gender, Number, Tag};

static WORDS_FST: &[u8] = include_bytes!("../data/words.fst");
static PRED_FST: &[u8] = include_bytes!("../data/pred.fst");
static TABLES: &[u8] = include_bytes!("../data/tables.bin");
static PTW_FST: &[u8] = include_bytes!("../data/ptw.fst");

/// Longest word analysed; longer "words" are not Russian words and get no parse.
const MAX_WORD_BYTES: usize = 120;
const MAX_PREDICTION_SUFFIX: usize = 5;
const MAX_UNKNOWN_PREFIX: usize = 5;
const MIN_REMAINDER: usize = 3;

/// How a parse was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// The word form is in the dictionary.
    Dictionary,
    /// An unknown prefix was cut off and the rest is in the dictionary ("смади|ярова").
    UnknownPrefix,
    /// Guessed from the word ending, like words of the dictionary with the same ending.
    Suffix,
}

/// One analysis of a word.
#[derive(Debug, Clone, PartialEq)]
pub struct Parse {
    /// The word, lower-cased (its 'ё' kept).
    pub word: String,
    /// Dictionary form (nominative singular, infinitive, …), lower-cased.
    pub lemma: String,
    pub tag: Tag,
    /// Relative likelihood among the parses of the word (they sum to 1).
    pub score: f32,
    pub method: Method,
    para: u16,
    idx: u16,
    /// Bytes of `word` outside the paradigm: an unknown prefix or the fixed part of a
    /// hyphenated compound ("касым-" in "касым-жомарта", "-на-дону" in "ростова-на-дону").
    head: usize,
    tail: usize,
}

impl Parse {
    /// OpenCorpora tag text of this parse, e.g. "NOUN,anim,masc,Name sing,gent".
    pub fn tag_text<'m>(&self, morph: &'m Morph) -> &'m str {
        morph
            .tables
            .forms_tag(self.para, self.idx)
            .map_or("", |id| {
                morph.tables.tag_text.get(id as usize).map_or("", |s| s)
            })
    }
}

impl Tables {
    fn forms_tag(&self, para: u16, idx: u16) -> Option<u16> {
        self.form(para, idx).map(|f| f.tag)
    }
}

/// Grammemes a form must have when inflecting; `None` leaves the category as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Target {
    pub case: Option<Case>,
    pub number: Option<Number>,
    pub gender: Option<Gender>,
}

impl Target {
    pub fn case(case: Case) -> Target {
        Target {
            case: Some(case),
            ..Target::default()
        }
    }
}

/// The Russian morphological analyser. Create once ([`Morph::new`], ~tens of ms) and share
/// (`&Morph` is `Sync`); every method is read-only.
pub struct Morph {
    pub(crate) tables: Tables,
    words: Map<&'static [u8]>,
    pred: Map<&'static [u8]>,
    /// P(tag | word) × 10⁶ for corpus words, keyed "word:tag id".
    ptw: Map<&'static [u8]>,
}

impl std::fmt::Debug for Morph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Morph")
            .field("words", &self.words.len())
            .field("paradigms", &self.tables.tags.len())
            .finish()
    }
}

/// Lower-cases and folds 'ё' to 'е' (the dictionary keys are folded; byte lengths agree).
fn fold(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё')
}

/// Byte offset of the `n`-th char of `s` (or `s.len()`).
fn char_offset(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

/// Hyphenated place names whose first part inflects ("Ростов-на-Дону").
const FIXED_TAIL_LINKS: [&str; 4] = ["-на-", "-де-", "-ан-", "-сюр-"];

impl Morph {
    /// Loads the dictionary bundled in the crate.
    pub fn new() -> Result<Morph, DictError> {
        Ok(Morph {
            tables: Tables::parse(TABLES)?,
            words: Map::new(WORDS_FST)?,
            pred: Map::new(PRED_FST)?,
            ptw: Map::new(PTW_FST)?,
        })
    }

    /// All analyses of `word`, most likely first. Words without Cyrillic letters (numbers,
    /// Latin, punctuation) and over-long inputs have none.
    pub fn parse(&self, word: &str) -> Vec<Parse> {
        let mut out = Vec::new();
        if word.is_empty() || word.len() > MAX_WORD_BYTES || !word.chars().any(is_cyrillic) {
            return out;
        }
        let lower: String = word.chars().flat_map(char::to_lowercase).collect();
        let key = fold(&lower);
        if key.len() != lower.len() {
            return out;
        }
        self.dictionary(&lower, &key, 0, 0, Method::Dictionary, &mut out);
        self.apply_corpus_probabilities(&key, &mut out);
        if out.is_empty() {
            self.hyphenated(&lower, &key, &mut out);
        }
        if out.is_empty() {
            self.guess(&lower, &key, 0, 0, &mut out);
        }
        normalise_scores(&mut out);
        out
    }

    /// pymorphy's `ProbabilityEstimator`: corpus P(tag | word) replaces the uniform score
    /// of dictionary parses when the corpus has the word.
    fn apply_corpus_probabilities(&self, key: &str, out: &mut [Parse]) {
        if out.is_empty() {
            return;
        }
        let mut buf = String::with_capacity(key.len() + 6);
        let mut probs = Vec::with_capacity(out.len());
        for p in out.iter() {
            let prob = self.tables.forms_tag(p.para, p.idx).and_then(|tid| {
                buf.clear();
                buf.push_str(key);
                buf.push(':');
                buf.push_str(&tid.to_string());
                self.ptw.get(&buf)
            });
            probs.push(prob.unwrap_or(0) as f32 / 1e6);
        }
        if probs.iter().sum::<f32>() > 0.0 {
            for (p, prob) in out.iter_mut().zip(probs) {
                p.score = prob;
            }
        }
    }

    /// Only the unknown-word guesses for `word`, even when the dictionary knows it (a
    /// surname spelled like a first name: "Карину" → "Карин").
    pub(crate) fn guesses(&self, word: &str) -> Vec<Parse> {
        let mut out = Vec::new();
        if word.is_empty() || word.len() > MAX_WORD_BYTES || !word.chars().any(is_cyrillic) {
            return out;
        }
        let lower: String = word.chars().flat_map(char::to_lowercase).collect();
        let key = fold(&lower);
        if key.len() == lower.len() {
            self.guess(&lower, &key, 0, 0, &mut out);
        }
        normalise_scores(&mut out);
        out
    }

    /// Dictionary parses of `key[head..len-tail]`, built on `lower` (same byte layout).
    fn dictionary(
        &self,
        lower: &str,
        key: &str,
        head: usize,
        tail: usize,
        method: Method,
        out: &mut Vec<Parse>,
    ) {
        let Some(inner) = key.get(head..key.len().saturating_sub(tail)) else {
            return;
        };
        let Some(id) = self.words.get(inner) else {
            return;
        };
        for &(para, idx) in self.tables.word_list(id) {
            if let Some(p) = self.build(lower, head, tail, para, idx, 1.0, method) {
                if method != Method::Dictionary && !p.tag.is_productive() {
                    continue;
                }
                push_unique(out, p);
            }
        }
    }

    fn hyphenated(&self, lower: &str, key: &str, out: &mut Vec<Parse>) {
        if let Some(link) = FIXED_TAIL_LINKS.iter().find_map(|l| key.find(l)) {
            let tail = key.len() - link;
            self.dictionary(lower, key, 0, tail, Method::Dictionary, out);
            if out.is_empty() {
                self.guess(lower, key, 0, tail, out);
            }
            return;
        }
        if let Some(h) = key.rfind('-') {
            let head = h + 1;
            if head < key.len() {
                self.dictionary(lower, key, head, 0, Method::Dictionary, out);
                if out.is_empty() {
                    self.guess(lower, key, head, 0, out);
                }
            }
        }
    }

    /// pymorphy's unknown-prefix and known-suffix analysers on `key[head..len-tail]`.
    fn guess(&self, lower: &str, key: &str, head: usize, tail: usize, out: &mut Vec<Parse>) {
        let Some(inner) = key.get(head..key.len().saturating_sub(tail)) else {
            return;
        };
        let n = inner.chars().count();
        let max_prefix = MAX_UNKNOWN_PREFIX.min(n.saturating_sub(MIN_REMAINDER));
        for i in 1..=max_prefix {
            let cut = head + char_offset(inner, i);
            let before = out.len();
            self.dictionary(lower, key, cut, tail, Method::UnknownPrefix, out);
            for p in out.iter_mut().skip(before) {
                p.score *= 0.5;
            }
        }
        if n < 4 {
            return;
        }
        let mut total: u64 = 1;
        for i in (1..=MAX_PREDICTION_SUFFIX.min(n)).rev() {
            let ending = inner.get(char_offset(inner, n - i)..).unwrap_or("");
            if let Some(id) = self.pred.get(ending) {
                for pr in self.tables.pred_list(id) {
                    let Some(tag) = self
                        .tables
                        .form(pr.para, pr.idx)
                        .and_then(|f| self.tables.tag(f.tag))
                    else {
                        continue;
                    };
                    if !tag.is_productive() {
                        continue;
                    }
                    total += u64::from(pr.count);
                    if let Some(p) = self.build(
                        lower,
                        head,
                        tail,
                        pr.para,
                        pr.idx,
                        pr.count as f32,
                        Method::Suffix,
                    ) {
                        push_unique(out, p);
                    }
                }
            }
            if total > 1 {
                break;
            }
        }
        for p in out.iter_mut().filter(|p| p.method == Method::Suffix) {
            p.score = p.score / total as f32 * 0.5;
        }
    }

    /// A parse of `lower` as form `idx` of paradigm `para`, the paradigm applying to
    /// `lower[head..len-tail]`; `None` when the word does not end with the form's suffix.
    #[allow(clippy::too_many_arguments)]
    fn build(
        &self,
        lower: &str,
        head: usize,
        tail: usize,
        para: u16,
        idx: u16,
        score: f32,
        method: Method,
    ) -> Option<Parse> {
        let form = self.tables.form(para, idx)?;
        let tag = *self.tables.tag(form.tag)?;
        let (stem_start, stem_end) = self.stem(lower, head, tail, para, idx)?;
        let lemma = self.assemble(lower, head, tail, stem_start, stem_end, para, 0)?;
        Some(Parse {
            word: lower.to_string(),
            lemma,
            tag,
            score,
            method,
            para,
            idx,
            head,
            tail,
        })
    }

    /// Byte range of the stem (the part shared by the paradigm's forms) in `lower`.
    fn stem(
        &self,
        lower: &str,
        head: usize,
        tail: usize,
        para: u16,
        idx: u16,
    ) -> Option<(usize, usize)> {
        let form = self.tables.form(para, idx)?;
        let prefix = self.tables.prefix(form.prefix);
        let suffix = self.tables.suffix(form.suffix);
        let inner_end = lower.len().checked_sub(tail)?;
        let start = head + prefix.len();
        let end = inner_end.checked_sub(suffix.len())?;
        if start > end || !lower.is_char_boundary(start) || !lower.is_char_boundary(end) {
            return None;
        }
        // The key is folded, the suffix too; compare folded to accept "ё"/"е" either way.
        let word_suffix = lower.get(end..inner_end)?;
        let folded = word_suffix.chars().map(|c| if c == 'ё' { 'е' } else { c });
        if !folded.eq(suffix.chars()) {
            return None;
        }
        Some((start, end))
    }

    #[allow(clippy::too_many_arguments)]
    fn assemble(
        &self,
        lower: &str,
        head: usize,
        tail: usize,
        stem_start: usize,
        stem_end: usize,
        para: u16,
        idx: u16,
    ) -> Option<String> {
        let form = self.tables.form(para, idx)?;
        let mut s = String::with_capacity(lower.len() + 8);
        s.push_str(lower.get(..head)?);
        s.push_str(self.tables.prefix(form.prefix));
        s.push_str(lower.get(stem_start..stem_end)?);
        s.push_str(self.tables.suffix(form.suffix));
        s.push_str(lower.get(lower.len().checked_sub(tail)?..)?);
        Some(s)
    }

    /// The form of `parse`'s lexeme with the grammemes of `target`, closest to the parse
    /// otherwise (pymorphy's `inflect`); `None` if the lexeme has no such form.
    pub fn inflect(&self, parse: &Parse, target: Target) -> Option<String> {
        let (stem_start, stem_end) =
            self.stem(&parse.word, parse.head, parse.tail, parse.para, parse.idx)?;
        let mut required = 0u128;
        let mut replaced = 0u128;
        let wanted = [
            target.case.map(Case::grammeme),
            target.number.map(Number::grammeme),
            target.gender.map(Gender::grammeme),
        ];
        for g in wanted.into_iter().flatten() {
            required |= grammeme_bit(g);
            replaced |= category_bits(g);
        }
        let goal = (parse.tag.bits() & !replaced) | required;
        let mut best: Option<(f32, u16)> = None;
        for (k, form) in self.tables.paradigm(parse.para).iter().enumerate() {
            let Some(tag) = self.tables.tag(form.tag) else {
                continue;
            };
            if tag.bits() & required != required {
                continue;
            }
            let same = (goal & tag.bits()).count_ones() as f32;
            let diff = (goal ^ tag.bits()).count_ones() as f32;
            let sim = same - 0.1 * diff;
            if best.is_none_or(|(b, _)| sim > b) {
                best = Some((sim, k as u16));
            }
        }
        let (_, k) = best?;
        self.assemble(
            &parse.word,
            parse.head,
            parse.tail,
            stem_start,
            stem_end,
            parse.para,
            k,
        )
    }

    /// Every form of `parse`'s lexeme with its tag (the paradigm).
    pub fn lexeme(&self, parse: &Parse) -> Vec<(String, Tag)> {
        let Some((s, e)) = self.stem(&parse.word, parse.head, parse.tail, parse.para, parse.idx)
        else {
            return Vec::new();
        };
        (0..self.tables.paradigm(parse.para).len())
            .filter_map(|k| {
                let form = self.tables.form(parse.para, k as u16)?;
                let tag = *self.tables.tag(form.tag)?;
                Some((
                    self.assemble(
                        &parse.word,
                        parse.head,
                        parse.tail,
                        s,
                        e,
                        parse.para,
                        k as u16,
                    )?,
                    tag,
                ))
            })
            .collect()
    }

    /// The lemma of the most likely parse (lower case), or the lower-cased word itself when it
    /// has no parse (numbers, Latin): for indexing and tags.
    pub fn lemma(&self, word: &str) -> String {
        self.parse(word)
            .into_iter()
            .next()
            .map_or_else(|| word.to_lowercase(), |p| p.lemma)
    }

    /// Whether the exact (lower-cased, 'ё'-folded) word form is in the dictionary.
    pub fn is_known(&self, word: &str) -> bool {
        self.words.contains_key(fold(word))
    }
}

fn push_unique(out: &mut Vec<Parse>, p: Parse) {
    if !out.iter().any(|q| q.tag == p.tag && q.lemma == p.lemma) {
        out.push(p);
    }
}

fn normalise_scores(out: &mut [Parse]) {
    let sum: f32 = out.iter().map(|p| p.score).sum();
    if sum > 0.0 {
        for p in out.iter_mut() {
            p.score /= sum;
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tag::Pos;

    fn morph() -> Morph {
        Morph::new().expect("bundled dictionary loads")
    }

    #[test]
    fn known_word() {
        let m = morph();
        let ps = m.parse("Министерстве");
        let p = ps
            .iter()
            .find(|p| p.tag.case == Some(Case::Loct))
            .expect("loct parse");
        assert_eq!(p.lemma, "министерство");
        assert_eq!(p.tag.pos, Some(Pos::Noun));
        assert_eq!(
            m.inflect(p, Target::case(Case::Nomn)).as_deref(),
            Some("министерство")
        );
    }

    #[test]
    fn yo_is_kept_in_the_stem() {
        let m = morph();
        let ps = m.parse("ёлке");
        assert!(ps.iter().any(|p| p.lemma == "ёлка"), "{ps:?}");
    }

    #[test]
    fn unknown_surname_is_guessed() {
        let m = morph();
        let ps = m.parse("Смадиярова");
        assert!(
            ps.iter().any(|p| p.tag.is_surname()
                && p.lemma == "смадияров"
                && p.tag.case == Some(Case::Gent)),
            "{ps:?}"
        );
    }

    #[test]
    fn hyphenated_compound_inflects_last_part() {
        let m = morph();
        let ps = m.parse("Нур-Султане");
        let p = ps
            .iter()
            .find(|p| p.tag.case == Some(Case::Loct))
            .expect("loct");
        assert_eq!(
            m.inflect(p, Target::case(Case::Nomn)).as_deref(),
            Some("нур-султан")
        );
    }

    #[test]
    fn inflects_to_other_cases_and_numbers() {
        let m = morph();
        let p = m
            .parse("министерство")
            .into_iter()
            .find(|p| p.tag.case == Some(Case::Nomn))
            .expect("nomn");
        let plur_gent = Target {
            case: Some(Case::Gent),
            number: Some(Number::Plur),
            gender: None,
        };
        assert_eq!(m.inflect(&p, plur_gent).as_deref(), Some("министерств"));
        let s = m
            .parse("Смадияров")
            .into_iter()
            .find(|p| p.tag.is_surname())
            .expect("surname");
        assert_eq!(
            m.inflect(&s, Target::case(Case::Datv)).as_deref(),
            Some("смадиярову")
        );
        let femn = Target {
            case: Some(Case::Nomn),
            number: None,
            gender: Some(Gender::Femn),
        };
        assert_eq!(m.inflect(&s, femn).as_deref(), Some("смадиярова"));
        assert!(m.lexeme(&s).len() >= 10);
    }

    #[test]
    fn corpus_probabilities_rank_readings() {
        let m = morph();
        let ps = m.parse("Алла");
        assert_eq!(
            ps.first().map(|p| (p.lemma.as_str(), p.tag.case)),
            Some(("алла", Some(Case::Nomn)))
        );
        let sum: f32 = ps.iter().map(|p| p.score).sum();
        assert!((sum - 1.0).abs() < 1e-3);
    }

    #[test]
    fn lemma_of_best_parse() {
        let m = morph();
        assert_eq!(m.lemma("Министерстве"), "министерство");
        assert_eq!(m.lemma("заявила"), "заявить");
        assert_eq!(m.lemma("COVID-19"), "covid-19");
    }

    #[test]
    fn morph_is_shareable() {
        fn sync<T: Sync + Send>() {}
        sync::<Morph>();
    }

    #[test]
    fn no_parse_for_non_words() {
        let m = morph();
        assert!(m.parse("").is_empty());
        assert!(m.parse("123").is_empty());
        assert!(m.parse("Deutsche").is_empty());
        assert!(m.parse(&"я".repeat(1000)).is_empty());
    }
}
