//! Character classes with Python `re`/`str` semantics, so the segmenters agree with razdel.

/// Python's `str.isspace()` (Rust's `is_whitespace` lacks the ASCII information separators).
#[inline]
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{1c}'..='\u{1f}')
}

/// Python `\d`: Unicode decimal digits (category Nd), not every numeric char.
#[inline]
pub(crate) fn is_digit(c: char) -> bool {
    if c.is_ascii_digit() {
        return true;
    }
    if c.is_ascii() || !c.is_numeric() {
        return false;
    }
    const ZEROS: &[u32] = &[
        0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
        0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
        0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
        0xFF10, 0x104A0, 0x11066, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6,
    ];
    let u = c as u32;
    ZEROS.iter().any(|&z| u >= z && u < z + 10)
}

/// Python `\w`: letters, numbers and the underscore.
#[inline]
pub(crate) fn is_word(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Python `str.isalpha()` on a whole token.
pub(crate) fn is_alpha(s: &[char]) -> bool {
    !s.is_empty() && s.iter().all(|c| c.is_alphabetic())
}

/// Python `str.isdigit()` on a whole token (decimal and other digits such as superscripts).
pub(crate) fn is_digits(s: &[char]) -> bool {
    !s.is_empty() && s.iter().all(|&c| is_digit(c) || c.is_numeric())
}

/// Python `str.islower()`: at least one cased char and no upper case one.
pub(crate) fn is_lower(s: &[char]) -> bool {
    let mut cased = false;
    for &c in s {
        if c.is_uppercase() {
            return false;
        }
        if c.is_lowercase() {
            cased = true;
        }
    }
    cased
}

/// Python `str.isupper()`.
pub(crate) fn is_upper(s: &[char]) -> bool {
    let mut cased = false;
    for &c in s {
        if c.is_lowercase() {
            return false;
        }
        if c.is_uppercase() {
            cased = true;
        }
    }
    cased
}

/// Lower-cases `s` into `out` (cleared first); reuses the caller's buffer.
pub(crate) fn lower_into(s: &[char], out: &mut String) {
    out.clear();
    for &c in s {
        out.extend(c.to_lowercase());
    }
}
