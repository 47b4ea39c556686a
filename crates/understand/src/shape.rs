//! slovnet's word shape feature (`slovnet/shape.py`): script + letter case outline of a
//! token, e.g. "Москва" → `RU_Xx`, "МИД" → `RU_XX`, "Deutsche" → `EN_Xx`, "44,8" → `NUM`.

use crate::tokenize::{is_lat_letter, is_py_digit, is_ru_letter};

/// slovnet's PUNCTS (differs from razdel's).
const PUNCTS: &str = "!#$%&()[]\\/*+,.:;<=>?@^_{|}~-‐−‒⁃–—―`\"'«»„“ʼʻ”№…";

/// Python's `str.isupper()`: some cased character and no lowercase one.
fn py_isupper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if c.is_lowercase() {
            return false;
        }
        cased |= c.is_uppercase();
    }
    cased
}

/// Python's `str.islower()`.
fn py_islower(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if c.is_uppercase() {
            return false;
        }
        cased |= c.is_lowercase();
    }
    cased
}

fn is_title(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let rest = chars.as_str();
    !rest.is_empty() && first.is_uppercase() && py_islower(rest)
}

fn is_dash_title(word: &str) -> bool {
    match word.split_once('-') {
        Some((l, r)) => is_title(l) && is_title(r),
        None => false,
    }
}

fn outline(word: &str) -> &'static str {
    if word.chars().nth(1).is_none() {
        if py_isupper(word) {
            "X"
        } else {
            "x"
        }
    } else if py_isupper(word) {
        "XX"
    } else if py_islower(word) {
        "xx"
    } else if is_title(word) {
        "Xx"
    } else if is_dash_title(word) {
        "Xx-Xx"
    } else {
        "OTHER"
    }
}

/// The shape string of a token, exactly as slovnet spells it (a key of the shape vocab).
pub fn word_shape(word: &str) -> String {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return "OTHER".into();
    };
    let second = chars.next();
    if is_ru_letter(first) {
        return format!("RU_{}", outline(word));
    }
    if is_lat_letter(first) {
        return format!("EN_{}", outline(word));
    }
    let num = is_py_digit(first) || (matches!(first, '+' | '-') && second.is_some_and(is_py_digit));
    if num {
        return "NUM".into();
    }
    if PUNCTS.contains(first) {
        if second.is_some() {
            return "PUNCT_OTHER".into();
        }
        return format!("PUNCT_{first}");
    }
    "OTHER".into()
}

#[cfg(test)]
mod tests {
    use super::word_shape;

    #[test]
    fn shapes_follow_slovnet() {
        let cases = [
            ("Москва", "RU_Xx"),
            ("МИД", "RU_XX"),
            ("в", "RU_x"),
            ("В", "RU_X"),
            ("Касым-Жомарт", "RU_Xx-Xx"),
            ("СИЗО-6", "RU_XX"),
            ("iPhone", "EN_OTHER"),
            ("Deutsche", "EN_Xx"),
            ("44,8", "NUM"),
            ("-5", "NUM"),
            ("2011-2020", "NUM"),
            ("«", "PUNCT_«"),
            ("...", "PUNCT_OTHER"),
            ("😀", "OTHER"),
            ("", "OTHER"),
        ];
        for (word, shape) in cases {
            assert_eq!(word_shape(word), shape, "{word}");
        }
    }
}
