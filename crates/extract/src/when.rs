//! The last word on an article's dates once every source has spoken: the date in the URL
//! path when nothing else dates the page, and the checks that keep impossible pairs out.
//!
//! Sources in order of trust (`resolve::dates`): JSON-LD, microdata and `<meta>` stamps,
//! then `<time>` and date-named elements of the article header, then the URL path.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime};
use url::Url;

use crate::datetime::localize;
use crate::ExtractOptions;

/// Slack for clocks and zones before a publication time counts as after the fetch: a site
/// writing local time as UTC is off by up to 14 hours.
const FUTURE_SLACK_HOURS: i64 = 24;

/// Earliest year a URL segment is read as: older "years" in paths are ids or counts.
const MIN_URL_YEAR: i32 = 1995;
const MAX_URL_YEAR: i32 = 2100;

const MONTHS_EN: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// The publication day a URL path states. The shapes are the permalink conventions shared
/// by many CMSs and sites: `/2020/03/03/` (WordPress's default day permalink, lenta.ru,
/// many regional sites), `/2020/mar/03/` (the Guardian-style month name), a segment opening
/// with `20200303` (ria.ru, sputnik sites) and `2020-03-03` inside a segment (slugs of
/// Ghost, Hugo and Jekyll blogs). A year and month without a day (`/2020/03/`) is an
/// archive, not a date.
pub fn url_date(url: &Url) -> Option<NaiveDate> {
    let segs: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    for w in segs.windows(3) {
        let (Some(y), Some(d)) = (year(w[0]), number(w[2], 2)) else {
            continue;
        };
        let m = number(w[1], 2).or_else(|| {
            let l = w[1].to_ascii_lowercase();
            MONTHS_EN
                .iter()
                .position(|n| l == *n || (l.len() > 3 && l.starts_with(n)))
                .map(|i| i as u32 + 1)
        });
        if let Some(date) = m.and_then(|m| NaiveDate::from_ymd_opt(y, m, d)) {
            return Some(date);
        }
    }
    for s in &segs {
        if let Some(d) = compact_date(s).or_else(|| dashed_date(s)) {
            return Some(d);
        }
    }
    None
}

fn year(s: &str) -> Option<i32> {
    let y: i32 = (s.len() == 4).then(|| s.parse().ok()).flatten()?;
    (MIN_URL_YEAR..=MAX_URL_YEAR).contains(&y).then_some(y)
}

/// A number of one to `max_digits` ASCII digits.
fn number(s: &str, max_digits: usize) -> Option<u32> {
    (!s.is_empty() && s.len() <= max_digits && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `20200303` opening a segment and followed by a non-digit or nothing: eight digits that
/// run on are an id.
fn compact_date(seg: &str) -> Option<NaiveDate> {
    let head = seg.get(..8)?;
    if !head.bytes().all(|b| b.is_ascii_digit())
        || seg.as_bytes().get(8).is_some_and(u8::is_ascii_digit)
    {
        return None;
    }
    let y = year(head.get(..4)?)?;
    NaiveDate::from_ymd_opt(y, number(head.get(4..6)?, 2)?, number(head.get(6..8)?, 2)?)
}

/// `2020-03-03` anywhere in a segment, not inside a longer run of digits.
fn dashed_date(seg: &str) -> Option<NaiveDate> {
    let b = seg.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let s = seg.get(i..i + 10)?;
        let digit_before = i > 0 && b.get(i - 1).is_some_and(u8::is_ascii_digit);
        let digit_after = b.get(i + 10).is_some_and(u8::is_ascii_digit);
        if digit_before || digit_after || s.as_bytes().get(4) != Some(&b'-') {
            return None;
        }
        let y = year(s.get(..4)?)?;
        let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
        (d.format("%Y").to_string().parse::<i32>().ok() == Some(y)).then_some(d)
    })
}

/// The zone of a site in a country that keeps one zone, by its country-code domain: where
/// neither the caller nor the page states an offset, a time printed on such a site is in
/// that zone. Countries spanning several zones (Russia's `.ru`/`.рф`, …) have no entry:
/// their sites' times stay unplaced (UTC) rather than guessed. Kazakhstan has kept one
/// zone since March 2024; for earlier dates Almaty's is the one most of its sites used.
pub fn country_zone(url: &Url) -> Option<chrono_tz::Tz> {
    use chrono_tz::{Asia, Europe};
    let host = url.host_str()?.trim_end_matches('.');
    let tld = host.rsplit('.').next()?.to_ascii_lowercase();
    Some(match tld.as_str() {
        "kz" | "xn--80ao21a" => Asia::Almaty,
        "kg" => Asia::Bishkek,
        "uz" => Asia::Tashkent,
        "tj" => Asia::Dushanbe,
        "tm" => Asia::Ashgabat,
        "az" => Asia::Baku,
        "am" => Asia::Yerevan,
        "ge" => Asia::Tbilisi,
        "by" | "xn--90ais" => Europe::Minsk,
        "ua" | "xn--j1amh" => Europe::Kyiv,
        "md" => Europe::Chisinau,
        _ => return None,
    })
}

/// Reconciles what the sources gave: a publication time after the fetch is no publication
/// time; without one, the URL's day (midnight, in the site's zone); a modification before
/// the publication is a template's or a feed's stamp, not the article's, and is dropped.
pub fn reconcile(
    published: Option<DateTime<FixedOffset>>,
    modified: Option<DateTime<FixedOffset>>,
    opts: &ExtractOptions,
    page_offset: Option<FixedOffset>,
) -> (Option<DateTime<FixedOffset>>, Option<DateTime<FixedOffset>>) {
    let not_future = |d: &DateTime<FixedOffset>| {
        opts.fetched_at
            .is_none_or(|f| *d <= f + Duration::hours(FUTURE_SLACK_HOURS))
    };
    let published = published.filter(not_future).or_else(|| {
        let day = opts.url.as_ref().and_then(url_date)?;
        localize(day.and_time(NaiveTime::MIN), opts.tz, page_offset).filter(not_future)
    });
    let modified = modified
        .filter(not_future)
        .filter(|m| published.is_none_or(|p| *m >= p));
    (published, modified)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(u: &str) -> Option<String> {
        url_date(&Url::parse(u).expect("test url")).map(|d| d.to_string())
    }

    #[test]
    fn single_zone_countries_by_domain() {
        let zone = |u: &str| country_zone(&Url::parse(u).expect("url"));
        assert_eq!(zone("https://24.kg/news/1"), Some(chrono_tz::Asia::Bishkek));
        assert_eq!(
            zone("https://www.inform.kz/ru/x"),
            Some(chrono_tz::Asia::Almaty)
        );
        assert_eq!(zone("https://lenta.ru/news/x"), None);
        assert_eq!(zone("https://example.com/x"), None);
    }

    #[test]
    fn url_path_dates_in_the_common_permalink_shapes() {
        let cases = [
            ("https://x.kz/2020/03/03/most-otkryli/", Some("2020-03-03")),
            ("https://x.ru/news/2021/12/7/slug", Some("2021-12-07")),
            ("https://x.com/world/2019/mar/05/story", Some("2019-03-05")),
            ("https://x.ru/20200303/1565000000.html", Some("2020-03-03")),
            (
                "https://x.org/blog/2022-06-01-release-notes",
                Some("2022-06-01"),
            ),
            ("https://x.kz/news/2020/03/", None),
            ("https://x.kz/news/123456789/slug", None),
            ("https://x.kz/id/202003031234/slug", None),
            ("https://x.kz/2020/13/40/slug", None),
            ("https://x.kz/1200/800/12/photo", None),
        ];
        for (u, want) in cases {
            assert_eq!(day(u).as_deref(), want, "{u}");
        }
    }
}
