//! slovnet's word shape feature (`slovnet/shape.py`): script + letter case outline of a
//! token, e.g. "Москва" → `RU_Xx`, "МИД" → `RU_XX`, "Deutsche" → `EN_Xx`, "44,8" → `NUM`.

/// `[а-яё]` under Python's case-insensitive matching.
pub(crate) fn is_ru_letter(c: char) -> bool {
    matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё' | '\u{1c80}'..='\u{1c86}')
}

/// `[a-z]` under Python's case-insensitive matching (includes ı, İ, ſ and the Kelvin sign).
pub(crate) fn is_lat_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '\u{130}' | '\u{131}' | '\u{17f}' | '\u{212a}')
}

/// Python's `\d`: Unicode general category Nd (Unicode 14 ranges).
pub(crate) fn is_py_digit(c: char) -> bool {
    const ND: &[(u32, u32)] = &[
        (0x30, 0x39),
        (0x660, 0x669),
        (0x6F0, 0x6F9),
        (0x7C0, 0x7C9),
        (0x966, 0x96F),
        (0x9E6, 0x9EF),
        (0xA66, 0xA6F),
        (0xAE6, 0xAEF),
        (0xB66, 0xB6F),
        (0xBE6, 0xBEF),
        (0xC66, 0xC6F),
        (0xCE6, 0xCEF),
        (0xD66, 0xD6F),
        (0xDE6, 0xDEF),
        (0xE50, 0xE59),
        (0xED0, 0xED9),
        (0xF20, 0xF29),
        (0x1040, 0x1049),
        (0x1090, 0x1099),
        (0x17E0, 0x17E9),
        (0x1810, 0x1819),
        (0x1946, 0x194F),
        (0x19D0, 0x19D9),
        (0x1A80, 0x1A89),
        (0x1A90, 0x1A99),
        (0x1B50, 0x1B59),
        (0x1BB0, 0x1BB9),
        (0x1C40, 0x1C49),
        (0x1C50, 0x1C59),
        (0xA620, 0xA629),
        (0xA8D0, 0xA8D9),
        (0xA900, 0xA909),
        (0xA9D0, 0xA9D9),
        (0xA9F0, 0xA9F9),
        (0xAA50, 0xAA59),
        (0xABF0, 0xABF9),
        (0xFF10, 0xFF19),
        (0x104A0, 0x104A9),
        (0x10D30, 0x10D39),
        (0x11066, 0x1106F),
        (0x110F0, 0x110F9),
        (0x11136, 0x1113F),
        (0x111D0, 0x111D9),
        (0x112F0, 0x112F9),
        (0x11450, 0x11459),
        (0x114D0, 0x114D9),
        (0x11650, 0x11659),
        (0x116C0, 0x116C9),
        (0x11730, 0x11739),
        (0x118E0, 0x118E9),
        (0x11950, 0x11959),
        (0x11C50, 0x11C59),
        (0x11D50, 0x11D59),
        (0x11DA0, 0x11DA9),
        (0x16A60, 0x16A69),
        (0x16AC0, 0x16AC9),
        (0x16B50, 0x16B59),
        (0x1D7CE, 0x1D7FF),
        (0x1E140, 0x1E149),
        (0x1E2F0, 0x1E2F9),
        (0x1E950, 0x1E959),
        (0x1FBF0, 0x1FBF9),
    ];
    let c = c as u32;
    if c < 0x80 {
        return (0x30..=0x39).contains(&c);
    }
    ND.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

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
