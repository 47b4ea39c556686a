//! Helpers of the portal: escaping for the one string builder left ([`esc_into`], used by
//! `render`'s article bodies; the pages are maud templates and escape through the engine),
//! safe URLs ([`safe_url`]), percent-encoding, Russian dates and plurals, the stylesheet.
//! We never pass through markup from a page: articles are rendered from our own `Block`s,
//! so there is nothing to sanitise, only to escape.

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;

/// Appends `s` with `& < > " '` escaped; safe in text and in quoted attribute values.
pub fn esc_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than whitespace are not allowed in HTML.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
}

/// `Some(url)` only for absolute http(s) URLs; anything else (javascript:, data:, relative
/// tricks) is refused so links to originals cannot run code.
pub fn safe_url(raw: &str) -> Option<url::Url> {
    let u = url::Url::parse(raw.trim()).ok()?;
    matches!(u.scheme(), "http" | "https").then_some(u)
}

/// Percent-encodes a query value (a space becomes `+`). For a path segment use [`seg`]:
/// in a path `+` is a plus sign, so a name encoded this way would not come back.
pub fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Percent-encodes a path segment: everything but ASCII letters, digits and `-._~`, so
/// spaces, `+`, `/`, `%`, quotes and Cyrillic all come back unchanged from axum's `Path`.
pub fn seg(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The link of a registry entity: its id, then its name as a readable slug
/// (`/entity/42-айбек-смадияров`, percent-encoded). Only the id is read back.
pub fn entity_href(id: i64, name: &str) -> String {
    let mut slug = String::new();
    for c in khronika_store::registry::fold(name).chars() {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_matches('-').chars().take(80).collect();
    if slug.is_empty() {
        format!("/entity/{id}")
    } else {
        format!("/entity/{id}-{}", seg(&slug))
    }
}

const MONTHS_GEN: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// "2 апреля 2025 в 21:32" in the reader's zone.
pub fn ru_datetime(t: DateTime<Utc>, tz: Tz) -> String {
    let l = t.with_timezone(&tz);
    let month = MONTHS_GEN
        .get(l.month0() as usize)
        .copied()
        .unwrap_or_default();
    format!(
        "{} {} {} в {:02}:{:02}",
        l.day(),
        month,
        l.year(),
        l.hour(),
        l.minute()
    )
}

/// "21:32" for today's items in lists, the full form otherwise.
pub fn ru_short(t: DateTime<Utc>, tz: Tz, now: DateTime<Utc>) -> String {
    let l = t.with_timezone(&tz);
    if l.date_naive() == now.with_timezone(&tz).date_naive() {
        format!("{:02}:{:02}", l.hour(), l.minute())
    } else {
        ru_datetime(t, tz)
    }
}

/// Russian plural: 1 статья, 2 статьи, 5 статей.
pub fn plural<'a>(n: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let (n10, n100) = (n % 10, n % 100);
    if n10 == 1 && n100 != 11 {
        one
    } else if (2..=4).contains(&n10) && !(12..=14).contains(&n100) {
        few
    } else {
        many
    }
}

/// The portal's stylesheet: system fonts, one column on phones, main + sidebar from 900 px.
pub const SITE_CSS: &str = r#"*,*::before,*::after{box-sizing:border-box}
img{max-width:100%;height:auto}
.chart{width:100%;max-width:720px;height:auto}.chart .bar{fill:#4a6fa5}.chart text{font-size:11px;fill:#555}.chart .axis{stroke:#999}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:17px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a1a1a;background:#fff}
a{color:#0b4f8a}
a:hover,a:focus{color:#06325a}
:focus-visible{outline:3px solid #e07b00;outline-offset:2px}
.wrap{max-width:1200px;margin:0 auto;padding:0 16px}
.skip{position:absolute;left:-9999px;top:0;background:#fff;padding:8px}
.skip:focus{left:8px;z-index:10}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
header.top{background:#0d2b45;color:#fff;padding:10px 0}
header.top .wrap{display:flex;flex-wrap:wrap;align-items:center;gap:10px 20px}
.logo{color:#fff;font-weight:700;font-size:1.35rem;text-decoration:none}
.logo:hover,.logo:focus{color:#fff}
header nav a{color:#fff;margin-right:12px;white-space:nowrap}
header nav.rubrics{flex-basis:100%;font-size:.95rem}
.also{display:block;color:#555;font-size:.88rem}
.views{color:#555;font-size:.88rem;margin-left:.4em}
header nav a:hover,header nav a:focus{color:#fff}
form.search{display:flex;flex:1 1 260px;max-width:520px}
form.search input{flex:1;min-width:0;padding:7px 10px;font-size:1rem;border:1px solid #8aa;border-radius:4px 0 0 4px}
form.search button{padding:7px 14px;font-size:1rem;border:0;background:#e07b00;color:#111;border-radius:0 4px 4px 0;cursor:pointer}
.page{display:grid;grid-template-columns:minmax(0,1fr);gap:28px;padding-top:20px;padding-bottom:30px}
@media (min-width:900px){.page{grid-template-columns:minmax(0,1fr) 320px}}
main{min-width:0}
h1{font-size:1.9rem;line-height:1.2;margin:.2em 0 .4em;overflow-wrap:anywhere}
h2{font-size:1.3rem;margin:1.4em 0 .5em}
.meta{color:#555;font-size:.92rem;margin:.3em 0}
.lead{font-size:1.12rem;font-weight:600}
article p,article li{overflow-wrap:anywhere}
mark.quote{background:#fff3c4;padding:0 .1em}
.speaker{font-size:.85rem;color:#444}
.quotes{border-left:4px solid #e0b400;padding:.2em 0 .2em 1em;margin:1.5em 0}
.quotes blockquote{margin:.6em 0}
.quotes figcaption{font-size:.9rem;color:#444}
.tags a,.chips a{display:inline-block;background:#eef3f8;border-radius:3px;padding:2px 8px;margin:0 6px 6px 0;text-decoration:none}
.original{display:inline-block;margin:1em 0;padding:8px 14px;background:#0b4f8a;color:#fff;border-radius:4px;text-decoration:none}
.original:hover,.original:focus{color:#fff;background:#06325a}
ul.news{list-style:none;padding:0;margin:0}
ul.news li{padding:8px 0;border-bottom:1px solid #e4e4e4}
ul.news time,ul.news .src{color:#555;font-size:.85rem;margin-right:8px}
.top-stories article{border-bottom:1px solid #e4e4e4;padding:10px 0}
.top-stories h2{margin:.2em 0;font-size:1.25rem}
aside section{margin-bottom:24px}
aside h2{font-size:1.1rem;border-bottom:2px solid #0d2b45;padding-bottom:4px;margin-top:0}
mark{background:#ffe58a;color:inherit}
.snippet{margin:.2em 0;color:#333}
.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:flex-end;margin:10px 0 20px}
.filters label{display:flex;flex-direction:column;font-size:.9rem}
.filters input,.filters select,.filters button{font-size:1rem;padding:5px}
.pager a{margin-right:16px}
.timeline li{padding:6px 0}
table.list{border-collapse:collapse;width:100%}
table.list td,table.list th{text-align:left;padding:6px;border-bottom:1px solid #e4e4e4}
footer.bottom{background:#f1f1f1;color:#333;font-size:.9rem;padding:10px 0}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn escapes_markup_and_quotes() {
        let mut out = String::new();
        esc_into(&mut out, "<script>alert('x')</script> & \"y\"");
        assert_eq!(
            out,
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn only_http_urls_are_safe() {
        assert!(safe_url("https://bizmedia.kz/a").is_some());
        assert!(safe_url("javascript:alert(1)").is_none());
        assert!(safe_url(" JaVaScRiPt:alert(1)").is_none());
        assert!(safe_url("data:text/html,<b>").is_none());
        assert!(safe_url("/relative").is_none());
    }

    #[test]
    fn russian_dates_in_the_readers_zone() {
        let t = Utc
            .with_ymd_and_hms(2025, 4, 2, 16, 32, 0)
            .single()
            .unwrap_or_default();
        assert_eq!(
            ru_datetime(t, chrono_tz::Asia::Almaty),
            "2 апреля 2025 в 21:32"
        );
        assert_eq!(
            ru_datetime(t, chrono_tz::Europe::Moscow),
            "2 апреля 2025 в 19:32"
        );
    }

    #[test]
    fn plural_forms() {
        let f = |n| plural(n, "статья", "статьи", "статей");
        assert_eq!(
            [f(1), f(2), f(5), f(11), f(21), f(112)],
            ["статья", "статьи", "статей", "статей", "статья", "статей"]
        );
    }
}
