//! Machine-readable timestamps (ISO 8601 / RFC 3339 and their common sloppy variants) as
//! found in `<meta>`, JSON-LD and `<time datetime>`, with zone rules for values that carry
//! no offset. Visible Russian date phrases are parsed by `khronika-dates`, not here.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

/// A parsed timestamp and whether the source stated its offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub value: DateTime<FixedOffset>,
    pub has_offset: bool,
    pub has_time: bool,
}

/// Parse an ISO-like timestamp; a value without offset is placed in `tz`, else in
/// `fallback` (an offset seen elsewhere on the page), else UTC.
pub fn parse_iso(
    s: &str,
    tz: Option<chrono_tz::Tz>,
    fallback: Option<FixedOffset>,
) -> Option<Stamp> {
    let s = s.trim();
    if s.len() < 10 || s.len() > 40 {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(Stamp {
            value: d,
            has_offset: true,
            has_time: true,
        });
    }
    let norm = s.replacen(' ', "T", 1);
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M%:z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(&norm, f) {
            return Some(Stamp {
                value: d,
                has_offset: true,
                has_time: true,
            });
        }
    }
    if let Some(stripped) = norm.strip_suffix('Z') {
        for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
            if let Ok(n) = NaiveDateTime::parse_from_str(stripped, f) {
                return Some(Stamp {
                    value: n.and_utc().fixed_offset(),
                    has_offset: true,
                    has_time: true,
                });
            }
        }
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(&norm, f) {
            return Some(Stamp {
                value: localize(n, tz, fallback)?,
                has_offset: false,
                has_time: true,
            });
        }
    }
    let day = norm.get(..10)?;
    let d = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
    let rest = norm.get(10..).unwrap_or("");
    if !rest.is_empty() && !rest.starts_with('T') {
        return None;
    }
    let n = d.and_time(NaiveTime::MIN);
    Some(Stamp {
        value: localize(n, tz, fallback)?,
        has_offset: false,
        has_time: false,
    })
}

/// Place a wall-clock time in a zone (the earlier instant when ambiguous).
pub fn localize(
    n: NaiveDateTime,
    tz: Option<chrono_tz::Tz>,
    fallback: Option<FixedOffset>,
) -> Option<DateTime<FixedOffset>> {
    if let Some(tz) = tz {
        return tz
            .from_local_datetime(&n)
            .earliest()
            .map(|d| d.fixed_offset());
    }
    let off = match fallback {
        Some(o) => o,
        None => FixedOffset::east_opt(0)?,
    };
    off.from_local_datetime(&n).earliest()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_variants() {
        let s = parse_iso("2020-10-19T06:34:31+0300", None, None).expect("offset without colon");
        assert_eq!(s.value.to_rfc3339(), "2020-10-19T06:34:31+03:00");
        let s = parse_iso("2020-12-03T18:47", None, FixedOffset::east_opt(7200)).expect("naive");
        assert_eq!(s.value.to_rfc3339(), "2020-12-03T18:47:00+02:00");
        assert!(!s.has_offset);
        let s =
            parse_iso("2020-06-29 00:16:15", Some(chrono_tz::Europe::Moscow), None).expect("space");
        assert_eq!(s.value.to_rfc3339(), "2020-06-29T00:16:15+03:00");
        let s = parse_iso("2016-08-15", None, None).expect("day");
        assert!(!s.has_time);
        assert!(parse_iso("вчера", None, None).is_none());
        assert!(parse_iso("2020-13-45T99:99", None, None).is_none());
    }
}
