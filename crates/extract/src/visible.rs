//! Visible date phrases ("2 апреля 2025 в 21:32", "31.03.2025 14:03", "Сегодня, 10:15")
//! from the article header, resolved with `khronika-dates` against the fetch time.

use crate::ExtractOptions;
use chrono::{DateTime, FixedOffset};
use khronika_dates::DateKind;
use khronika_model::Grain;

/// Parse a short visible date phrase; only points at day grain or finer count.
pub fn parse_phrase(text: &str, opts: &ExtractOptions) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 80 {
        return None;
    }
    // Without a fetch time, relative phrases ("вчера") cannot be resolved: use a
    // reference far from any page date so only phrases with a full date resolve sanely.
    let reference = opts
        .fetched_at
        .unwrap_or_else(|| chrono::Utc::now().fixed_offset());
    let d = khronika_dates::parse_datetime(text, reference, opts.tz)?;
    if d.kind != DateKind::Point {
        return None;
    }
    matches!(
        d.grain,
        Grain::Day | Grain::Hour | Grain::Minute | Grain::Second
    )
    .then_some(d.value)
}
