//! Visible date phrases ("2 апреля 2025 в 21:32", "31.03.2025 14:03", "Сегодня, 10:15")
//! from the article header, resolved with `khronika-dates` against the fetch time.
//!
//! Extraction never reads the clock: a phrase that needs a reference ("вчера",
//! "сегодня в 10:15", "2 часа назад", "2 апреля" without a year) is resolved only against
//! [`ExtractOptions::fetched_at`]; without it such a phrase gives no date, since no date
//! is better than a wrong one. Absolute dates parse either way.
//!
//! A time printed without a zone is the site's local time: the caller's
//! [`ExtractOptions::tz`] when given, else the offset the page itself states in its
//! machine-readable stamps (a site writes its own times in its own zone), else the zone
//! of a single-zone country's domain (`when::country_zone`), else UTC.

use crate::ExtractOptions;
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use khronika_dates::{DateKind, ParsedDate, Prefer, Reference};
use khronika_model::Grain;

/// Parse a short visible date phrase; only points at day grain or finer count.
/// `page_offset` is the offset the page states elsewhere, used when `opts.tz` is unset.
pub fn parse_phrase(
    text: &str,
    opts: &ExtractOptions,
    page_offset: Option<FixedOffset>,
) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 80 {
        return None;
    }
    let d = match opts.fetched_at {
        Some(reference) => resolve(text, reference, opts, page_offset)?,
        None => absolute(text, opts, page_offset)?,
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

/// The phrase against `reference`, seen from the site's zone.
fn resolve(
    text: &str,
    reference: DateTime<FixedOffset>,
    opts: &ExtractOptions,
    page_offset: Option<FixedOffset>,
) -> Option<ParsedDate> {
    match (opts.tz, page_offset) {
        (None, Some(off)) => khronika_dates::parse_at(
            text,
            &Reference::new(reference.with_timezone(&off), None),
            Prefer::Past,
        ),
        _ => khronika_dates::parse_datetime(text, reference, opts.tz),
    }
}

/// The phrase's date when it does not depend on the reference: resolved against two
/// references differing in year, month, day, weekday, hour and minute, it must come out
/// the same. Both are UTC unless the site's zone is known, so a time printed without a
/// zone (and no zone known) reads as UTC.
fn absolute(
    text: &str,
    opts: &ExtractOptions,
    page_offset: Option<FixedOffset>,
) -> Option<ParsedDate> {
    let [a, b] = [(1991, 12, 16, 3, 7), (2063, 7, 2, 17, 41)].map(|(y, mo, d, h, mi)| {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .map(|t| t.fixed_offset())
            .and_then(|r| resolve(text, r, opts, page_offset))
    });
    a.filter(|a| b.as_ref() == Some(a))
}
