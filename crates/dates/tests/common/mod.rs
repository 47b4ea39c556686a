//! Helpers shared by the integration tests: the two references and a reader that returns
//! the longest mention as "value" or "from..to" with its grain.

#![allow(dead_code)]

use chrono::{DateTime, NaiveDateTime};
use khronika_dates::{find_dates_at, Reference};
use khronika_model::{DateMention, Grain};

/// Duckling's test "now": Tuesday 2013-02-12 04:30 at UTC−2.
pub const DUCK: &str = "2013-02-12T04:30:00-02:00";
/// A news reference: Thursday 2025-04-03 12:00, zone unknown.
pub const NEWS: &str = "2025-04-03T12:00:00";

pub fn reference(r: &str) -> Reference {
    match DateTime::parse_from_rfc3339(r) {
        Ok(t) => Reference::new(t, None),
        Err(_) => Reference::naive(
            NaiveDateTime::parse_from_str(r, "%Y-%m-%dT%H:%M:%S").expect("test reference"),
        ),
    }
}

/// The longest mention of `text` as "value" or "from..to", with its grain.
pub fn read(text: &str, r: &str) -> Option<(String, Grain)> {
    let found = find_dates_at(text, &reference(r));
    let m: &DateMention = found.iter().max_by_key(|m| m.end - m.start)?;
    let v = match m.value() {
        Some(v) => v.to_owned(),
        None => format!(
            "{}..{}",
            m.from().unwrap_or_default(),
            m.to().unwrap_or_default()
        ),
    };
    Some((v, m.grain))
}

pub fn check(r: &str, cases: &[(&str, &str, Grain)]) {
    for (text, want, grain) in cases {
        let got = read(text, r);
        assert_eq!(
            got,
            Some((want.to_string(), *grain)),
            "{text:?} against {r}"
        );
    }
}
