//! Sentence splitting with razdel's conventions.
//!
//! Candidate boundaries are terminal punctuation, ';', closing quotes and brackets and
//! emoticons; each is kept as a boundary unless a rule joins it: the next word is lower case,
//! the next char is not a space, the left word is an abbreviation ("т.е.", "г.", "ул.",
//! "млн", "тыс.") or an initial ("В. Зеленский"), the left side is a list bullet ("1.",
//! "а)"), a closing quote not preceded by terminal punctuation, or direct speech going on
//! with a dash and a lower-case word ("…», — сказал").

use khronika_model::Span;

use crate::chars::{
    is_alpha, is_digit, is_digits, is_lower, is_space, is_upper, is_word, lower_into,
};

const WINDOW: usize = 10;
const BULLET_SIZE: usize = 20;

const ENDINGS: &[char] = &['.', '?', '!', '…'];
const DASHES: &[char] = &['‑', '–', '—', '−', '-'];
const CLOSE_QUOTES: &[char] = &['»', '”', '’'];
const GENERIC_QUOTES: &[char] = &['"', '„', '\''];
const CLOSE_BRACKETS: &[char] = &[')', ']', '}'];

fn is_delimiter_char(c: char) -> bool {
    ENDINGS.contains(&c)
        || c == ';'
        || GENERIC_QUOTES.contains(&c)
        || CLOSE_QUOTES.contains(&c)
        || CLOSE_BRACKETS.contains(&c)
}

const TAIL_SOKRS: &[&str] = &[
    "дес", "тыс", "млн", "млрд", "дол", "долл", "коп", "руб", "р", "проц", "га", "барр", "куб",
    "кв", "км", "см", "час", "мин", "сек", "в", "вв", "г", "гг", "с", "стр", "co", "corp", "inc",
    "изд", "ed", "др", "al",
];
const HEAD_SOKRS: &[&str] = &[
    "букв",
    "ст",
    "трад",
    "лат",
    "венг",
    "исп",
    "кат",
    "укр",
    "нем",
    "англ",
    "фр",
    "итал",
    "греч",
    "евр",
    "араб",
    "яп",
    "слав",
    "кит",
    "рус",
    "русск",
    "латв",
    "словацк",
    "хорв",
    "mr",
    "mrs",
    "ms",
    "dr",
    "vs",
    "св",
    "арх",
    "зав",
    "зам",
    "проф",
    "акад",
    "кн",
    "корр",
    "ред",
    "гр",
    "ср",
    "чл",
    "корр",
    "им",
    "тов",
    "нач",
    "пол",
    "chap",
    "п",
    "пп",
    "ст",
    "ч",
    "чч",
    "гл",
    "стр",
    "абз",
    "пт",
    "no",
    "просп",
    "пр",
    "ул",
    "ш",
    "г",
    "гор",
    "д",
    "стр",
    "к",
    "корп",
    "пер",
    "корп",
    "обл",
    "эт",
    "пом",
    "ауд",
    "оф",
    "ком",
    "комн",
    "каб",
    "домовлад",
    "лит",
    "т",
    "рп",
    "пос",
    "с",
    "х",
    "пл",
    "bd",
    "о",
    "оз",
    "р",
    "а",
    "обр",
    "ум",
    "ок",
    "откр",
    "пс",
    "ps",
    "upd",
    "см",
    "напр",
    "доп",
    "юр",
    "физ",
    "тел",
    "сб",
    "внутр",
    "дифф",
    "гос",
    "отм",
];
const OTHER_SOKRS: &[&str] = &["сокр", "рис", "искл", "прим", "яз", "устар", "шутл"];
const TAIL_PAIR_SOKRS: &[(&str, &str)] = &[
    ("т", "п"),
    ("т", "д"),
    ("у", "е"),
    ("н", "э"),
    ("p", "m"),
    ("a", "m"),
    ("с", "г"),
    ("р", "х"),
    ("с", "ш"),
    ("з", "д"),
    ("л", "с"),
    ("ч", "т"),
];
const HEAD_PAIR_SOKRS: &[(&str, &str)] = &[
    ("т", "е"),
    ("т", "к"),
    ("т", "н"),
    ("и", "о"),
    ("к", "н"),
    ("к", "п"),
    ("п", "н"),
    ("к", "т"),
    ("л", "д"),
];
// razdel lists 'жен р' 'муж р' without a comma, so the pair is really ("жен", "р", "муж", "р")
// and never matches; only the first three pairs are effective.
const OTHER_PAIR_SOKRS: &[(&str, &str)] = &[("ед", "ч"), ("мн", "ч"), ("повел", "накл")];
const INITIALS: &[&str] = &["дж", "ed", "вс"];

fn in_sokrs(word: &str) -> bool {
    TAIL_SOKRS.contains(&word) || HEAD_SOKRS.contains(&word) || OTHER_SOKRS.contains(&word)
}

fn in_pair_sokrs(pair: (&str, &str)) -> bool {
    TAIL_PAIR_SOKRS.contains(&pair)
        || HEAD_PAIR_SOKRS.contains(&pair)
        || OTHER_PAIR_SOKRS.contains(&pair)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letters,
    Digits,
    Sign,
}

fn class(c: char) -> Option<Class> {
    if is_digit(c) {
        Some(Class::Digits)
    } else if is_word(c) {
        Some(Class::Letters)
    } else if is_space(c) {
        None
    } else {
        Some(Class::Sign)
    }
}

/// The last token of a window (`([^\W\d]+|\d+|[^\w\s])\s*$`).
fn last_token(w: &[char]) -> Option<&[char]> {
    let end = w.len() - w.iter().rev().take_while(|&&c| is_space(c)).count();
    let last = *w.get(end.checked_sub(1)?)?;
    let cls = class(last)?;
    let mut start = end - 1;
    if cls != Class::Sign {
        while start > 0 && w.get(start - 1).and_then(|&c| class(c)) == Some(cls) {
            start -= 1;
        }
    }
    w.get(start..end)
}

/// The first token of a window (`^\s*([^\W\d]+|\d+|[^\w\s])`).
fn first_token(w: &[char]) -> Option<&[char]> {
    let start = w.iter().take_while(|&&c| is_space(c)).count();
    run_at(w, start)
}

fn run_at(w: &[char], start: usize) -> Option<&[char]> {
    let cls = class(*w.get(start)?)?;
    let mut end = start + 1;
    if cls != Class::Sign {
        while w.get(end).and_then(|&c| class(c)) == Some(cls) {
            end += 1;
        }
    }
    w.get(start..end)
}

/// The first word or number anywhere in a window (`([^\W\d]+|\d+)`).
fn first_word(w: &[char]) -> Option<&[char]> {
    let start = w
        .iter()
        .position(|&c| matches!(class(c), Some(Class::Letters | Class::Digits)))?;
    run_at(w, start)
}

/// `(\w)\s*\.\s*(\w)\s*$`: the two letters of "т.е" before the boundary.
fn left_pair_sokr(w: &[char]) -> Option<(char, char)> {
    let mut i = w.len();
    while i > 0 && is_space(*w.get(i - 1)?) {
        i -= 1;
    }
    let b = *w.get(i.checked_sub(1)?)?;
    if !is_word(b) {
        return None;
    }
    i -= 1;
    while i > 0 && is_space(*w.get(i - 1)?) {
        i -= 1;
    }
    if *w.get(i.checked_sub(1)?)? != '.' {
        return None;
    }
    i -= 1;
    while i > 0 && is_space(*w.get(i - 1)?) {
        i -= 1;
    }
    let a = *w.get(i.checked_sub(1)?)?;
    is_word(a).then_some((a, b))
}

/// `^\s*[=:;]-?[)(]{1,3}`
fn smile_at(w: &[char], from: usize) -> Option<usize> {
    let mut i = from;
    if !matches!(w.get(i), Some('=' | ':' | ';')) {
        return None;
    }
    i += 1;
    if w.get(i) == Some(&'-') {
        i += 1;
    }
    let start = i;
    while i - start < 3 && matches!(w.get(i), Some(')' | '(')) {
        i += 1;
    }
    (i > start).then_some(i)
}

fn is_sokr(token: &[char]) -> bool {
    is_digits(token) || !is_alpha(token) || is_lower(token)
}

fn is_lower_alpha(token: &[char]) -> bool {
    is_alpha(token) && is_lower(token)
}

fn is_bullet(token: &[char], scratch: &mut String) -> bool {
    if is_digits(token) {
        return true;
    }
    if let [c] = token {
        if *c == '.' || *c == ')' {
            return true;
        }
    }
    lower_into(token, scratch);
    if [
        "§", "а", "б", "в", "г", "д", "е", "a", "b", "c", "d", "e", "f",
    ]
    .contains(&scratch.as_str())
    {
        return true;
    }
    !token.is_empty()
        && token
            .iter()
            .all(|c| matches!(c, 'I' | 'V' | 'X' | 'M' | 'L'))
}

struct Split<'a> {
    left: &'a [char],
    delimiter: &'a [char],
    right: &'a [char],
    buffer: &'a [char],
}

fn join(s: &Split<'_>, scratch: &mut String, scratch2: &mut String) -> bool {
    let (Some(left_token), Some(right_token)) = (last_token(s.left), first_token(s.right)) else {
        return true; // empty side
    };
    if !s.right.first().is_some_and(|&c| is_space(c)) {
        return true;
    }
    if is_lower_alpha(right_token) {
        return true;
    }
    // delimiter_right
    if let [c] = right_token {
        if !GENERIC_QUOTES.contains(c) && (is_delimiter_char(*c)) {
            return true;
        }
    }
    let right_generic_quote = matches!(right_token, [c] if GENERIC_QUOTES.contains(c));
    if !right_generic_quote {
        let skip = s.right.iter().take_while(|&&c| is_space(c)).count();
        if smile_at(s.right, skip).is_some() {
            return true;
        }
    }
    let dot = s.delimiter == ['.'];
    if dot {
        // sokr_left
        let mut decided = false;
        if let Some((a, b)) = left_pair_sokr(s.left) {
            lower_into(&[a], scratch);
            lower_into(&[b], scratch2);
            let pair = (scratch.as_str(), scratch2.as_str());
            if HEAD_PAIR_SOKRS.contains(&pair) {
                return true;
            }
            if in_pair_sokrs(pair) {
                if is_sokr(right_token) {
                    return true;
                }
                decided = true;
            }
        }
        if !decided {
            lower_into(left_token, scratch);
            if HEAD_SOKRS.contains(&scratch.as_str()) {
                return true;
            }
            if in_sokrs(scratch) && is_sokr(right_token) {
                return true;
            }
        }
        // inside_pair_sokr
        lower_into(left_token, scratch);
        lower_into(right_token, scratch2);
        if in_pair_sokrs((scratch.as_str(), scratch2.as_str())) {
            return true;
        }
        // initials_left
        if left_token.len() == 1 && is_upper(left_token) {
            return true;
        }
        if INITIALS.contains(&scratch.as_str()) {
            return true;
        }
    }
    // list_item
    if (s.delimiter == ['.'] || s.delimiter == [')']) && s.buffer.len() <= BULLET_SIZE {
        let mut all = true;
        let mut i = 0;
        while i < s.buffer.len() {
            match run_at(s.buffer, i) {
                Some(tok) => {
                    i += tok.len();
                    if !is_bullet(tok, scratch) {
                        all = false;
                        break;
                    }
                }
                None => i += 1,
            }
        }
        if all {
            return true;
        }
    }
    let close_bound = || !matches!(left_token, [c] if ENDINGS.contains(c));
    if let [d] = s.delimiter {
        if CLOSE_QUOTES.contains(d) {
            if close_bound() {
                return true;
            }
        } else if GENERIC_QUOTES.contains(d) {
            let left_space = s.left.last().is_some_and(|&c| is_space(c));
            if left_space || close_bound() {
                return true;
            }
        } else if CLOSE_BRACKETS.contains(d) && close_bound() {
            return true;
        }
    }
    // dash_right
    if matches!(right_token, [c] if DASHES.contains(c)) {
        if let Some(word) = first_word(s.right) {
            if is_lower_alpha(word) {
                return true;
            }
        }
    }
    false
}

/// Finds the next delimiter (emoticon or one delimiter char) at or after `from`.
fn next_delimiter(chars: &[char], from: usize) -> Option<(usize, usize)> {
    let mut i = from;
    while let Some(&c) = chars.get(i) {
        if let Some(end) = smile_at(chars, i) {
            return Some((i, end));
        }
        if is_delimiter_char(c) {
            return Some((i, i + 1));
        }
        i += 1;
    }
    None
}

/// Splits `text` into sentences the way razdel's `sentenize` does. Spans are code point
/// offsets, trimmed of surrounding white space; blank sentences are dropped.
///
/// ```
/// let text = "В. Зеленский прибыл в г. Алматы. «Это важно», — сказал он.";
/// let spans = khronika_morph::sentences(text);
/// assert_eq!(spans.len(), 2);
/// ```
pub fn sentences(text: &str) -> Vec<Span> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut scratch = String::new();
    let mut scratch2 = String::new();
    let mut buffer_start = 0usize;
    let mut pos = 0usize;
    while let Some((ds, de)) = next_delimiter(&chars, pos) {
        let window = |a: usize, b: usize| chars.get(a..b).unwrap_or(&[]);
        let split = Split {
            left: window(ds.saturating_sub(WINDOW), ds),
            delimiter: window(ds, de),
            right: window(de, (de + WINDOW).min(chars.len())),
            buffer: window(buffer_start, ds),
        };
        if !join(&split, &mut scratch, &mut scratch2) {
            push_trimmed(&chars, buffer_start, de, &mut out);
            buffer_start = de;
        }
        pos = de;
    }
    push_trimmed(&chars, buffer_start, chars.len(), &mut out);
    out
}

fn push_trimmed(chars: &[char], mut start: usize, mut end: usize, out: &mut Vec<Span>) {
    while start < end && chars.get(start).is_some_and(|&c| is_space(c)) {
        start += 1;
    }
    while end > start && chars.get(end - 1).is_some_and(|&c| is_space(c)) {
        end -= 1;
    }
    if end > start {
        out.push(Span { start, end });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        sentences(text)
            .into_iter()
            .map(|s| chars.get(s.start..s.end).unwrap_or(&[]).iter().collect())
            .collect()
    }

    #[test]
    fn empty() {
        assert!(sentences("").is_empty());
        assert!(sentences("   \n ").is_empty());
    }

    #[test]
    fn abbreviations_do_not_split() {
        assert_eq!(
            sents("Он живёт в г. Алматы, ул. Абая. Потом уехал."),
            ["Он живёт в г. Алматы, ул. Абая.", "Потом уехал."]
        );
        assert_eq!(
            sents("Это т.е. пример. Бюджет 5 млн. руб. Всё."),
            ["Это т.е. пример.", "Бюджет 5 млн. руб.", "Всё."]
        );
    }

    #[test]
    fn initials_do_not_split() {
        assert_eq!(
            sents("Президент В. Зеленский заявил. Дж. Байден нет."),
            ["Президент В. Зеленский заявил.", "Дж. Байден нет."]
        );
    }

    #[test]
    fn direct_speech_with_dash_stays_whole() {
        assert_eq!(
            sents("«Мы исходили из интересов», — подчеркнул Смадияров. Далее."),
            [
                "«Мы исходили из интересов», — подчеркнул Смадияров.",
                "Далее."
            ]
        );
        assert_eq!(
            sents("«Это всё. Точка». Потом."),
            ["«Это всё.", "Точка».", "Потом."]
        );
    }

    #[test]
    fn questions_and_smiles() {
        assert_eq!(
            sents("Что?! Нет... Да :) Ладно"),
            ["Что?!", "Нет...", "Да :)", "Ладно"]
        );
    }

    #[test]
    fn numbers_and_lists() {
        assert_eq!(
            sents("Рост 44,8%. Курс 3.5 тенге."),
            ["Рост 44,8%.", "Курс 3.5 тенге."]
        );
        assert_eq!(
            sents("1. Первый пункт. 2. Второй."),
            ["1. Первый пункт.", "2. Второй."]
        );
    }
}
