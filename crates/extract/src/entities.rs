//! HTML character references (`&amp;`, `&#171;`, `&#x2014;`) in text and attribute values.
//!
//! The table holds the references news pages actually use (Latin-1, typographic quotes and
//! dashes, spaces, arrows, a few symbols), not all 2 231 of HTML5: an unknown name is kept
//! literally, as browsers do for names they do not know.

use std::borrow::Cow;

const NAMED: &[(&str, &str)] = &[
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("quot", "\""),
    ("apos", "'"),
    ("nbsp", "\u{a0}"),
    ("laquo", "«"),
    ("raquo", "»"),
    ("mdash", "—"),
    ("ndash", "–"),
    ("hellip", "…"),
    ("copy", "©"),
    ("reg", "®"),
    ("trade", "™"),
    ("lsquo", "‘"),
    ("rsquo", "’"),
    ("ldquo", "“"),
    ("rdquo", "”"),
    ("bdquo", "„"),
    ("sbquo", "‚"),
    ("lsaquo", "‹"),
    ("rsaquo", "›"),
    ("times", "×"),
    ("divide", "÷"),
    ("deg", "°"),
    ("middot", "·"),
    ("bull", "•"),
    ("euro", "€"),
    ("pound", "£"),
    ("yen", "¥"),
    ("cent", "¢"),
    ("curren", "¤"),
    ("shy", "\u{ad}"),
    ("thinsp", "\u{2009}"),
    ("ensp", "\u{2002}"),
    ("emsp", "\u{2003}"),
    ("zwnj", "\u{200c}"),
    ("zwj", "\u{200d}"),
    ("lrm", "\u{200e}"),
    ("rlm", "\u{200f}"),
    ("prime", "′"),
    ("Prime", "″"),
    ("minus", "−"),
    ("plusmn", "±"),
    ("frac12", "½"),
    ("frac14", "¼"),
    ("frac34", "¾"),
    ("sup1", "¹"),
    ("sup2", "²"),
    ("sup3", "³"),
    ("para", "¶"),
    ("sect", "§"),
    ("iexcl", "¡"),
    ("iquest", "¿"),
    ("micro", "µ"),
    ("not", "¬"),
    ("macr", "¯"),
    ("acute", "´"),
    ("cedil", "¸"),
    ("ordf", "ª"),
    ("ordm", "º"),
    ("uml", "¨"),
    ("brvbar", "¦"),
    ("Agrave", "À"),
    ("Aacute", "Á"),
    ("Acirc", "Â"),
    ("Atilde", "Ã"),
    ("Auml", "Ä"),
    ("Aring", "Å"),
    ("AElig", "Æ"),
    ("Ccedil", "Ç"),
    ("Egrave", "È"),
    ("Eacute", "É"),
    ("Ecirc", "Ê"),
    ("Euml", "Ë"),
    ("Igrave", "Ì"),
    ("Iacute", "Í"),
    ("Icirc", "Î"),
    ("Iuml", "Ï"),
    ("ETH", "Ð"),
    ("Ntilde", "Ñ"),
    ("Ograve", "Ò"),
    ("Oacute", "Ó"),
    ("Ocirc", "Ô"),
    ("Otilde", "Õ"),
    ("Ouml", "Ö"),
    ("Oslash", "Ø"),
    ("Ugrave", "Ù"),
    ("Uacute", "Ú"),
    ("Ucirc", "Û"),
    ("Uuml", "Ü"),
    ("Yacute", "Ý"),
    ("THORN", "Þ"),
    ("szlig", "ß"),
    ("agrave", "à"),
    ("aacute", "á"),
    ("acirc", "â"),
    ("atilde", "ã"),
    ("auml", "ä"),
    ("aring", "å"),
    ("aelig", "æ"),
    ("ccedil", "ç"),
    ("egrave", "è"),
    ("eacute", "é"),
    ("ecirc", "ê"),
    ("euml", "ë"),
    ("igrave", "ì"),
    ("iacute", "í"),
    ("icirc", "î"),
    ("iuml", "ï"),
    ("eth", "ð"),
    ("ntilde", "ñ"),
    ("ograve", "ò"),
    ("oacute", "ó"),
    ("ocirc", "ô"),
    ("otilde", "õ"),
    ("ouml", "ö"),
    ("oslash", "ø"),
    ("ugrave", "ù"),
    ("uacute", "ú"),
    ("ucirc", "û"),
    ("uuml", "ü"),
    ("yacute", "ý"),
    ("thorn", "þ"),
    ("yuml", "ÿ"),
    ("OElig", "Œ"),
    ("oelig", "œ"),
    ("Scaron", "Š"),
    ("scaron", "š"),
    ("Yuml", "Ÿ"),
    ("fnof", "ƒ"),
    ("circ", "ˆ"),
    ("tilde", "˜"),
    ("dagger", "†"),
    ("Dagger", "‡"),
    ("permil", "‰"),
    ("larr", "←"),
    ("rarr", "→"),
    ("uarr", "↑"),
    ("darr", "↓"),
    ("harr", "↔"),
    ("infin", "∞"),
    ("ne", "≠"),
    ("le", "≤"),
    ("ge", "≥"),
    ("asymp", "≈"),
    ("alpha", "α"),
    ("beta", "β"),
    ("gamma", "γ"),
    ("delta", "δ"),
    ("pi", "π"),
    ("mu", "μ"),
    ("Omega", "Ω"),
    ("hearts", "♥"),
    ("star", "☆"),
    ("check", "✓"),
    ("numero", "№"),
    ("hyphen", "‐"),
    ("dash", "‐"),
    ("horbar", "―"),
    ("lowast", "∗"),
    ("sdot", "⋅"),
    ("NewLine", "\n"),
    ("Tab", "\t"),
    ("colon", ":"),
    ("comma", ","),
    ("period", "."),
    ("excl", "!"),
    ("quest", "?"),
    ("num", "#"),
    ("percnt", "%"),
    ("lpar", "("),
    ("rpar", ")"),
    ("sol", "/"),
    ("bsol", "\\"),
    ("lsqb", "["),
    ("rsqb", "]"),
    ("lcub", "{"),
    ("rcub", "}"),
    ("verbar", "|"),
    ("ast", "*"),
    ("plus", "+"),
    ("equals", "="),
    ("dollar", "$"),
    ("commat", "@"),
    ("lowbar", "_"),
    ("grave", "`"),
    ("semi", ";"),
];

/// Names that browsers also accept without the trailing semicolon.
const LEGACY: &[&str] = &[
    "amp", "lt", "gt", "quot", "nbsp", "copy", "reg", "laquo", "raquo", "deg", "times",
];

fn lookup(name: &str) -> Option<&'static str> {
    NAMED.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
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
    // Legacy forms without ';' ("&nbsp" "&copy2024" is not, but "&amp " is).
    for l in LEGACY {
        if name.starts_with(l) && (name.len() == l.len()) {
            if let Some(v) = lookup(l) {
                return (l.len(), Some(v.to_string()));
            }
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
}
