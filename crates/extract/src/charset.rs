//! Bytes to text: which charset a page is in, and decoding it.
//!
//! Order of evidence, as browsers use it: a byte-order mark, the HTTP `Content-Type`
//! header, a `<meta charset>` / `http-equiv` declaration in the first 4 KiB (well, 16 KiB:
//! some Russian sites put long scripts first), then sniffing the bytes with chardetng
//! (which tells windows-1251 from koi8-r from UTF-8 reliably on Cyrillic text). Bytes that
//! are UTF-8 but for a few bad sequences are UTF-8, the bad bytes replaced by U+FFFD (a
//! sniffer gives up on UTF-8 at the first bad byte). Valid UTF-8 is borrowed without
//! copying.

use encoding_rs::{Encoding, UTF_8};
use std::borrow::Cow;

/// How far into the page a `<meta charset>` is looked for.
const PRESCAN: usize = 16 * 1024;

/// Decode `bytes` to text; returns the text and the encoding used.
pub fn decode<'a>(
    bytes: &'a [u8],
    content_type: Option<&str>,
) -> (Cow<'a, str>, &'static Encoding) {
    // Validate once: most pages are UTF-8 and this is the only full scan they need.
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let utf8 = std::str::from_utf8(body).ok();
    let enc = detect_with(bytes, content_type, utf8.is_some());
    if enc == UTF_8 {
        if let Some(s) = utf8 {
            return (Cow::Borrowed(s), UTF_8);
        }
    }
    let (text, used, _had_errors) = enc.decode(bytes);
    (text, used)
}

/// The page's encoding from BOM, header, meta, or sniffing.
#[cfg(test)]
fn detect(bytes: &[u8], content_type: Option<&str>) -> &'static Encoding {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    detect_with(bytes, content_type, std::str::from_utf8(body).is_ok())
}

fn detect_with(bytes: &[u8], content_type: Option<&str>, is_utf8: bool) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return enc;
    }
    // Bytes that are valid UTF-8 and not plain ASCII are UTF-8 whatever a header or a
    // copied template claims: single-byte Cyrillic text is practically never valid UTF-8.
    if is_utf8 && !bytes.is_ascii() {
        return UTF_8;
    }
    if let Some(enc) = content_type.and_then(charset_param).and_then(label) {
        return enc;
    }
    let head = bytes.get(..PRESCAN.min(bytes.len())).unwrap_or(bytes);
    if let Some(enc) = meta_charset(head) {
        // A page declaring UTF-8 that is not UTF-8 (common with copied templates) is
        // sniffed instead, unless its bytes are UTF-8 but for a few bad ones; a declared
        // single-byte charset is trusted.
        if enc != UTF_8 || is_utf8 || mostly_utf8(bytes) {
            return enc;
        }
    }
    if is_utf8 || mostly_utf8(bytes) {
        return UTF_8;
    }
    let mut det = chardetng::EncodingDetector::new();
    det.feed(
        bytes.get(..(256 * 1024).min(bytes.len())).unwrap_or(bytes),
        true,
    );
    det.guess(None, true)
}

/// Whether invalid bytes are rare accidents in UTF-8 text: at least [`UTF8_PER_BAD`] valid
/// multi-byte characters per invalid sequence. Such pages exist (a CMS cutting a teaser in
/// the middle of a character, a stray byte pasted from a legacy source) and a sniffer,
/// which rules UTF-8 out at the first bad byte, turns the whole Russian text into
/// mojibake. Single-byte Cyrillic text is the opposite: its letters (0xC0-0xFF in
/// windows-1251 and KOI8-R, 0x80-0xAF and 0xE0-0xEF in cp866) are followed by other
/// letters or ASCII, not by the 0x80-0xBF continuation bytes UTF-8 needs, so almost every
/// word is an invalid sequence and valid multi-byte characters are rare.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut chars, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        chars += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        bad += usize::from(!chunk.invalid().is_empty());
    }
    bad > 0 && chars >= bad.saturating_mul(UTF8_PER_BAD)
}

/// Valid multi-byte characters needed per invalid sequence for [`mostly_utf8`]: 1 bad
/// byte in 100 Cyrillic letters is far beyond accidents in UTF-8 pages and far below what
/// single-byte text gives (every word).
const UTF8_PER_BAD: usize = 100;

fn label(name: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(name.trim().trim_matches(['"', '\'']).as_bytes())?;
    // UTF-16 declared inside an ASCII-compatible document is a lie by construction.
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        return Some(UTF_8);
    }
    Some(enc)
}

/// `charset=` parameter of a Content-Type value.
fn charset_param(ct: &str) -> Option<&str> {
    let lower = ct.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let rest = ct.get(at + "charset".len()..)?.trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let end = rest
        .find(|c: char| c == ';' || c.is_whitespace())
        .unwrap_or(rest.len());
    rest.get(..end)
}

/// A charset named by `<meta charset=...>` or `<meta http-equiv content="...charset=...">`.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let mut pos = 0;
    while let Some(rel) = memchr::memmem::find(head.get(pos..)?, b"<meta") {
        let start = pos + rel;
        let end = memchr::memchr(b'>', head.get(start..)?).map_or(head.len(), |e| start + e);
        let tag = String::from_utf8_lossy(head.get(start..end)?).to_ascii_lowercase();
        if let Some(i) = tag.find("charset") {
            let rest = tag.get(i + "charset".len()..)?.trim_start();
            if let Some(v) = rest.strip_prefix('=') {
                let v = v.trim_start().trim_start_matches(['"', '\'']);
                let e = v
                    .find(|c: char| {
                        c == '"' || c == '\'' || c == ';' || c == '/' || c.is_whitespace()
                    })
                    .unwrap_or(v.len());
                if let Some(enc) = v.get(..e).and_then(label) {
                    return Some(enc);
                }
            }
        }
        pos = start + 5;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_header_meta_and_sniffing() {
        let (t, e) = decode(b"\xEF\xBB\xBF<p>x</p>", None);
        assert_eq!((t.as_ref(), e), ("<p>x</p>", UTF_8));

        let cp1251 = encoding_rs::WINDOWS_1251.encode("<p>Привет, мир</p>").0;
        let (t, _) = decode(&cp1251, Some("text/html; charset=windows-1251"));
        assert_eq!(t, "<p>Привет, мир</p>");

        let mut page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\"></head><body>".to_vec();
        page.extend_from_slice(&encoding_rs::KOI8_R.encode("Новости Казахстана").0);
        let (t, e) = decode(&page, None);
        assert_eq!(e, encoding_rs::KOI8_R);
        assert!(t.ends_with("Новости Казахстана"));

        let text = "<p>Правительство Казахстана утвердило новый порядок расчёта пенсий, сообщает пресс-служба ведомства.</p>".repeat(4);
        let sniffed = encoding_rs::WINDOWS_1251.encode(&text).0;
        let (t, e) = decode(&sniffed, None);
        assert_eq!(e, encoding_rs::WINDOWS_1251);
        assert_eq!(t, text);
    }

    #[test]
    fn a_wrong_utf8_declaration_is_overruled_by_sniffing() {
        let mut page = b"<meta charset=\"utf-8\">".to_vec();
        page.extend_from_slice(
            &encoding_rs::WINDOWS_1251
                .encode("Сегодня в Алматы прошло заседание городского маслихата.")
                .0,
        );
        let (t, _) = decode(&page, None);
        assert!(t.contains("заседание городского маслихата"));
    }

    #[test]
    fn a_few_bad_bytes_in_declared_utf8_do_not_change_the_encoding() {
        let text = "Правительство Казахстана утвердило новый порядок расчёта пенсий, сообщает пресс-служба ведомства. ".repeat(3);
        for declared in [true, false] {
            let mut page = if declared {
                b"<html><head><meta charset=\"utf-8\"></head><body><p>".to_vec()
            } else {
                b"<html><body><p>".to_vec()
            };
            page.extend_from_slice(text.as_bytes());
            // One stray byte, and a character cut in half, as a truncated teaser leaves it.
            page.push(0xFF);
            page.extend_from_slice(&"Алматы".as_bytes()[..3]);
            page.extend_from_slice(" конец.</p>".as_bytes());
            let (t, e) = decode(&page, None);
            assert_eq!(e, UTF_8, "declared: {declared}");
            assert!(t.contains(text.trim_end()), "declared: {declared}: {t}");
            assert!(t.contains("\u{FFFD}А\u{FFFD} конец."), "{t}");
        }
    }

    #[test]
    fn utf8_bytes_win_over_a_single_byte_declaration() {
        let page = "<meta charset=\"windows-1251\"><p>Новости Казахстана</p>";
        let (t, e) = decode(page.as_bytes(), Some("text/html; charset=koi8-r"));
        assert_eq!(e, UTF_8);
        assert_eq!(t, page);
        // Pure ASCII keeps the declaration (it decodes the same either way).
        assert_eq!(
            detect(b"<meta charset=\"koi8-r\"><p>x</p>", None),
            encoding_rs::KOI8_R
        );
    }
}
