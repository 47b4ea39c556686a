//! Russian date and time expressions: found in running text and resolved against a
//! reference time (an article's publication time, else the fetch time).
//!
//! ```
//! use chrono::DateTime;
//! use khronika_dates::parse_datetime;
//! use khronika_model::Grain;
//!
//! let now = DateTime::parse_from_rfc3339("2025-04-03T12:00:00+05:00").unwrap();
//! let d = parse_datetime("вчера в 14:05", now, None).unwrap();
//! assert_eq!(d.value.to_rfc3339(), "2025-04-02T14:05:00+05:00");
//! assert_eq!(d.grain, Grain::Minute);
//! ```
//!
//! Conventions follow Duckling's (so scores compare): values are expressed in the
//! reference's zone, a value is the start of its grain unit, interval ends are exclusive,
//! and ambiguity (bare weekdays, months, clock hours) resolves toward the future, a unit
//! that has begun and not ended counting as upcoming (the 4 o'clock hour at 4:30; this
//! morning for "3:18 утра") — except that a day-month without a year up to two weeks back
//! stays in the past, as news reports it. The grammar covers the rule families of Duckling's
//! Russian time, duration and time-grain rules (`tests/duckling_rules.rs`, one test each;
//! the few left out are listed there).
//!
//! What it is not: a general NLU engine. It reads dates, times, ranges, relative periods
//! and durations anchored to the reference; it does no I/O and keeps no state.

mod calendar;
mod grammar;
mod lex;
mod words;

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;
use khronika_model::{DateMention, DateValue, Grain};

pub use grammar::Prefer;
use grammar::{Parser, Shape, Val, Zone};

/// Texts longer than this (in code points) are cut before scanning for dates.
pub const MAX_TEXT_CHARS: usize = 2_000_000;
/// `parse_datetime` reads at most this many code points of its phrase.
pub const MAX_PHRASE_CHARS: usize = 1_000;

/// What a parsed expression denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateKind {
    /// One instant at a grain ("2 апреля 2025 в 21:32").
    Point,
    /// `[value, end)` ("15-16 июня", "весна").
    Interval,
    /// Open interval ending at `value` ("до конца дня").
    Until,
    /// Open interval starting at `value` ("после 15 часов").
    Since,
}

/// A resolved date expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedDate {
    /// The instant (`Point`), the interval start (`Interval`, `Since`) or its end (`Until`).
    pub value: DateTime<FixedOffset>,
    pub grain: Grain,
    pub kind: DateKind,
    /// Exclusive end of an `Interval`.
    pub end: Option<DateTime<FixedOffset>>,
}

/// The "now" expressions are resolved against, with what is known of its zone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reference {
    /// Local wall-clock time.
    pub local: NaiveDateTime,
    pub zone: RefZone,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RefZone {
    /// Nothing known: values come out as naive local date-times, except those whose text
    /// states a zone ("(мск)"), which keep it.
    Naive,
    Fixed(FixedOffset),
    Tz(Tz),
}

impl Reference {
    /// `reference` seen from `tz` when given (the source's zone), else in its own offset.
    pub fn new(reference: DateTime<FixedOffset>, tz: Option<Tz>) -> Self {
        match tz {
            Some(tz) => Reference {
                local: reference.with_timezone(&tz).naive_local(),
                zone: RefZone::Tz(tz),
            },
            None => Reference {
                local: reference.naive_local(),
                zone: RefZone::Fixed(*reference.offset()),
            },
        }
    }

    pub fn naive(local: NaiveDateTime) -> Self {
        Reference {
            local,
            zone: RefZone::Naive,
        }
    }

    /// A reference as the date files and `khronika analyze` inputs write it: RFC 3339
    /// with an offset ("2013-02-12T04:30:00-02:00"), or a local wall-clock time without
    /// one ("2025-04-03T12:00:00", "2025-04-03 12:00", "2025-04-03"), which stays naive.
    /// `tz`, when given, is the source's zone: an offset-bearing time is seen from it and a
    /// naive one is taken as its local time.
    pub fn parse(s: &str, tz: Option<Tz>) -> Option<Self> {
        let s = s.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Some(Reference::new(t, tz));
        }
        let local = [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_time(chrono::NaiveTime::MIN))
        })?;
        Some(match tz {
            Some(tz) => Reference {
                local,
                zone: RefZone::Tz(tz),
            },
            None => Reference::naive(local),
        })
    }

    /// The offset in force at local time `t` (`None` for a naive reference).
    fn offset_at(&self, t: NaiveDateTime) -> Option<FixedOffset> {
        match self.zone {
            RefZone::Naive => None,
            RefZone::Fixed(o) => Some(o),
            RefZone::Tz(tz) => tz
                .offset_from_local_datetime(&t)
                .earliest()
                .map(|o| o.fix()),
        }
    }

    /// `t` (local to `stated`, else to the reference) as it is reported: in the reference
    /// zone when known, else in the stated zone, else naive.
    fn render(&self, t: NaiveDateTime, stated: Option<Zone>) -> Option<Instant> {
        let stated_offset = match stated {
            None => None,
            Some(Zone::Fixed(secs)) => Some(FixedOffset::east_opt(secs)?),
            Some(Zone::Tz(tz)) => Some(tz.offset_from_local_datetime(&t).earliest()?.fix()),
        };
        match (stated_offset, self.zone) {
            (None, RefZone::Naive) => Some(Instant::Naive(t)),
            (None, _) => Some(Instant::Zoned(
                self.offset_at(t)?.from_local_datetime(&t).earliest()?,
            )),
            (Some(o), RefZone::Naive) => {
                Some(Instant::Zoned(o.from_local_datetime(&t).earliest()?))
            }
            (Some(o), _) => {
                let utc = o.from_local_datetime(&t).earliest()?.naive_utc();
                let local = match self.zone {
                    RefZone::Tz(tz) => tz.from_utc_datetime(&utc).naive_local(),
                    RefZone::Fixed(f) => f.from_utc_datetime(&utc).naive_local(),
                    RefZone::Naive => utc,
                };
                Some(Instant::Zoned(
                    self.offset_at(local)?
                        .from_local_datetime(&local)
                        .earliest()?,
                ))
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Instant {
    Naive(NaiveDateTime),
    Zoned(DateTime<FixedOffset>),
}

impl Instant {
    fn iso(&self) -> String {
        match self {
            Instant::Naive(t) => t.format("%Y-%m-%dT%H:%M:%S").to_string(),
            Instant::Zoned(t) => t.to_rfc3339(),
        }
    }
    fn zoned(&self) -> DateTime<FixedOffset> {
        match self {
            Instant::Naive(t) => FixedOffset::east_opt(0)
                .and_then(|o| o.from_local_datetime(t).earliest())
                .unwrap_or_else(|| t.and_utc().fixed_offset()),
            Instant::Zoned(t) => *t,
        }
    }
}

/// One expression found: token span, code point span, resolved value.
struct Found {
    start: usize,
    end: usize,
    val: Val,
}

fn scan(
    text: &str,
    reference: &Reference,
    max_chars: usize,
    prefer: Prefer,
) -> (Vec<char>, Vec<Found>) {
    let chars: Vec<char> = text.chars().take(max_chars).collect();
    let cut: String = chars.iter().collect();
    let toks = lex::tokenize(&cut);
    let p = Parser::new(&toks, reference.local, prefer);
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(tok) = toks.get(i) {
        // An expression never starts inside a number or a word ("8" of "44,8", "10" of
        // "17ч10"); after a bracket or a comma glued to a word it may ("Алматы,15 июня").
        let prev = i.checked_sub(1).and_then(|k| toks.get(k));
        let before_prev = i.checked_sub(2).and_then(|k| toks.get(k));
        let glued_to_num = tok.kind == lex::Kind::Num
            && !tok.space_before
            && prev.is_some_and(|p| {
                p.kind != lex::Kind::Punct
                    || (".,:-/".contains(p.text.as_str())
                        && !p.space_before
                        && before_prev.is_some_and(|b| b.kind == lex::Kind::Num))
            });
        if !glued_to_num {
            if let Some((e, val)) = p.expr(i) {
                let whole = i == 0 && e == toks.len();
                if e > i && (!val.weak || whole) {
                    if let (Some(a), Some(b)) = (toks.get(i), toks.get(e - 1)) {
                        out.push(Found {
                            start: a.start,
                            end: b.end,
                            val,
                        });
                    }
                    i = e;
                    continue;
                }
            }
        }
        i += 1;
    }
    (chars, out)
}

fn mention(chars: &[char], f: &Found, reference: &Reference) -> Option<DateMention> {
    let text: String = chars.get(f.start..f.end)?.iter().collect();
    let r = |t: Option<NaiveDateTime>| -> Option<Option<String>> {
        match t {
            None => Some(None),
            Some(t) => Some(Some(reference.render(t, f.val.zone)?.iso())),
        }
    };
    let when = match f.val.shape {
        Shape::Point(t) => DateValue::Point {
            value: r(Some(t))??,
        },
        Shape::Interval(a, b) => DateValue::Interval {
            from: r(a)?,
            to: r(b)?,
        },
    };
    Some(DateMention {
        start: f.start,
        end: f.end,
        text,
        grain: f.val.grain,
        when,
    })
}

/// All date/time expressions inside running text, with code point offsets.
pub fn find_dates(
    text: &str,
    reference: DateTime<FixedOffset>,
    tz: Option<Tz>,
) -> Vec<DateMention> {
    find_dates_at(text, &Reference::new(reference, tz))
}

/// [`find_dates`] against any [`Reference`], including a naive one.
pub fn find_dates_at(text: &str, reference: &Reference) -> Vec<DateMention> {
    let (chars, found) = scan(text, reference, MAX_TEXT_CHARS, Prefer::Future);
    found
        .iter()
        .filter_map(|f| mention(&chars, f, reference))
        .collect()
}

/// A whole short phrase, e.g. a page's visible date: "2 апреля 2025 в 21:32",
/// "31.03.2025 14:03", "Сегодня, 10:15", "вчера в 9:00", "15 июня 2024 г.".
/// Labels around the date ("Опубликовано:") are skipped; the longest expression wins.
///
/// A page's date lies before the time it was fetched, so what the phrase leaves open
/// resolves to the past ([`Prefer::Past`]): "2 апреля, 21:32" read on 20 April is this
/// year's, "10:15" read at 12:00 is today's, "во вторник" the last Tuesday.
pub fn parse_datetime(
    text: &str,
    reference: DateTime<FixedOffset>,
    tz: Option<Tz>,
) -> Option<ParsedDate> {
    parse_at(text, &Reference::new(reference, tz), Prefer::Past)
}

/// [`parse_datetime`] against any [`Reference`] (a naive one yields UTC offsets) and
/// either preference.
pub fn parse_at(text: &str, reference: &Reference, prefer: Prefer) -> Option<ParsedDate> {
    let (_, found) = scan(text, reference, MAX_PHRASE_CHARS, prefer);
    let f = found
        .iter()
        .max_by_key(|f| (f.end - f.start, std::cmp::Reverse(f.start)))?;
    let r = |t: NaiveDateTime| reference.render(t, f.val.zone).map(|i| i.zoned());
    let (value, kind, end) = match f.val.shape {
        Shape::Point(t) => (r(t)?, DateKind::Point, None),
        Shape::Interval(Some(a), Some(b)) => (r(a)?, DateKind::Interval, Some(r(b)?)),
        Shape::Interval(Some(a), None) => (r(a)?, DateKind::Since, None),
        Shape::Interval(None, Some(b)) => (r(b)?, DateKind::Until, None),
        Shape::Interval(None, None) => return None,
    };
    Some(ParsedDate {
        value,
        grain: f.val.grain,
        kind,
        end,
    })
}
