//! Visible date phrases ("2 апреля 2025 в 21:32", "31.03.2025 14:03", "Сегодня, 10:15")
//! from the article header, resolved with `khronika-dates` against the fetch time.
//!
//! Extraction never reads the clock: a phrase that needs a reference ("вчера",
//! "сегодня в 10:15", "2 часа назад", "2 апреля" without a year) is resolved only against
//! [`ExtractOptions::fetched_at`]; without it such a phrase gives no date, since no date
//! is better than a wrong one. Absolute dates parse either way.

use crate::ExtractOptions;
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use khronika_dates::{DateKind, ParsedDate};
use khronika_model::Grain;

/// Parse a short visible date phrase; only points at day grain or finer count.
pub fn parse_phrase(text: &str, opts: &ExtractOptions) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 80 {
        return None;
    }
    let d = match opts.fetched_at {
        Some(reference) => khronika_dates::parse_datetime(text, reference, opts.tz)?,
        None => absolute(text, opts)?,
    };
    if d.kind != DateKind::Point {
        return None;
    }
    matches!(
        d.grain,
        Grain::Day | Grain::Hour | Grain::Minute | Grain::Second
    )
    .then_some(d.value)
}

/// The phrase's date when it does not depend on the reference: resolved against two
/// references differing in year, month, day, weekday, hour and minute, it must come out
/// the same. Both are UTC, so a time printed without a zone (and no `tz`) reads as UTC.
fn absolute(text: &str, opts: &ExtractOptions) -> Option<ParsedDate> {
    let [a, b] = [(1991, 12, 16, 3, 7), (2063, 7, 2, 17, 41)].map(|(y, mo, d, h, mi)| {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .map(|t| t.fixed_offset())
            .and_then(|r| khronika_dates::parse_datetime(text, r, opts.tz))
    });
    a.filter(|a| b.as_ref() == Some(a))
}
