//! HTML character references (`&amp;`, `&#171;`, `&#x2014;`) in text and attribute values.
//!
//! All 2,231 names of the WHATWG table are known (`entity_table`); an unknown name is kept
//! literally, as browsers do. The legacy names that browsers accept without ';' are decoded
//! only when the name stands alone (`&amp x`, not `&ampx`): that is the attribute-value rule,
//! applied to text too, because news pages put raw '&' in URLs and prose far more often than
//! they rely on `&notit`-style prefixes.

use std::borrow::Cow;

use crate::entity_table::{LEGACY, NAMED};

fn lookup(name: &str) -> Option<&'static str> {
    NAMED
        .binary_search_by(|(n, _)| (*n).cmp(name))
        .ok()
        .map(|i| NAMED[i].1)
}

/// Windows-1252 meanings of the C1 range, which pages send as `&#150;` and friends.
fn c1_fix(cp: u32) -> u32 {
    const TABLE: [u32; 32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
        0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ];
    if (0x80..0xA0).contains(&cp) {
        TABLE.get((cp - 0x80) as usize).copied().unwrap_or(cp)
    } else {
        cp
    }
}

/// Decode character references; borrows when there are none.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    let Some(first) = memchr::memchr(b'&', s.as_bytes()) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(s.get(..first).unwrap_or(""));
    let mut rest = s.get(first..).unwrap_or("");
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or(""));
        let tail = rest.get(amp + 1..).unwrap_or("");
        let (consumed, replacement) = reference(tail);
        match replacement {
            Some(r) => {
                out.push_str(&r);
                rest = tail.get(consumed..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Parse the reference after '&': (bytes consumed, replacement).
fn reference(tail: &str) -> (usize, Option<String>) {
    let b = tail.as_bytes();
    if b.first() == Some(&b'#') {
        let (hex, start) = match b.get(1) {
            Some(b'x') | Some(b'X') => (true, 2),
            _ => (false, 1),
        };
        let mut end = start;
        while end < b.len() && end - start < 8 {
            let ok = if hex {
                b[end].is_ascii_hexdigit()
            } else {
                b[end].is_ascii_digit()
            };
            if !ok {
                break;
            }
            end += 1;
        }
        if end == start {
            return (0, None);
        }
        let digits = tail.get(start..end).unwrap_or("");
        let cp = u32::from_str_radix(digits, if hex { 16 } else { 10 }).unwrap_or(0xFFFD);
        let cp = c1_fix(cp);
        let c = char::from_u32(cp)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{FFFD}');
        let consumed = if b.get(end) == Some(&b';') {
            end + 1
        } else {
            end
        };
        return (consumed, Some(c.to_string()));
    }
    let mut end = 0;
    while end < b.len() && end < 32 && b[end].is_ascii_alphanumeric() {
        end += 1;
    }
    let name = tail.get(..end).unwrap_or("");
    if b.get(end) == Some(&b';') {
        if let Some(v) = lookup(name) {
            return (end + 1, Some(v.to_string()));
        }
    }
    // Legacy forms without ';' ("&nbsp" and "&amp " are; "&copy2024" is not).
    if LEGACY.binary_search(&name).is_ok() {
        if let Some(v) = lookup(name) {
            return (name.len(), Some(v.to_string()));
        }
    }
    (0, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_numeric_and_unknown() {
        assert_eq!(decode_entities("a &amp; b"), "a & b");
        assert_eq!(
            decode_entities("&laquo;Да&raquo;&nbsp;&mdash;"),
            "«Да»\u{a0}—"
        );
        assert_eq!(decode_entities("&#171;&#x2014;&#150;"), "«—–");
        assert_eq!(decode_entities("&unknown; & &"), "&unknown; & &");
        assert_eq!(decode_entities("&#xFFFFFFFFF;&#0;"), "\u{FFFD}F;\u{FFFD}");
        assert!(matches!(decode_entities("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_whole_whatwg_table_is_known() {
        // Names outside the few news pages use most, from different corners of the table.
        assert_eq!(
            decode_entities("&Cconint;&nbump;&zwj;&DoubleLongLeftRightArrow;"),
            "∰≎̸\u{200d}⟺"
        );
        assert_eq!(decode_entities("&Aring;&aring &yuml"), "Åå ÿ");
        assert_eq!(
            decode_entities("&Cconint &ampx"),
            "&Cconint &ampx",
            "no ';', not legacy"
        );
        assert!(
            NAMED.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted for binary search"
        );
        assert!(LEGACY.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(NAMED.len() + LEGACY.len(), 2231);
    }
}
