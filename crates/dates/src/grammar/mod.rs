//! The grammar: recognises a date/time expression starting at a token and resolves it
//! against the reference wall-clock time.
//!
//! Expressions are built from *components* (a day word, a weekday, a calendar date, a clock
//! time, a part of the day, a zone) that may appear in any order, separated by commas or
//! "в"; ranges join two component groups ("с 13 по 15 июля", "9:30 - 11:00"); other rules
//! cover relative periods ("в прошлом году"), durations ("неделю назад"), seasons,
//! holidays and open intervals ("до конца дня"). The longest reading at a position wins.
//!
//! This file holds the values, the parser and its entry point `expr`; the rules live in
//! `dates` (numbers, calendar dates), `times` (clock times, zones), `comps` (component groups
//! and their resolution), `ranges` (ranges, open intervals) and `relative` (relative and named
//! periods). The rules call one another recursively through `expr`.

mod comps;
mod dates;
mod ranges;
mod relative;
mod times;

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use khronika_model::Grain;

use crate::calendar::end_of;
use crate::lex::{Kind, Tok};
use crate::words::DayPart;

/// How far back a day-month without a year may point before it is read as next year's
/// (news mostly reports the last days; further back, Duckling's future preference rules).
const PAST_WINDOW_DAYS: u64 = 14;

/// A time zone stated in the text ("GMT", "(мск)", "по московскому времени").
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zone {
    /// A fixed offset in seconds east of UTC ("GMT", "CET").
    Fixed(i32),
    Tz(Tz),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    Point(NaiveDateTime),
    /// `[from, to)`; either end may be open.
    Interval(Option<NaiveDateTime>, Option<NaiveDateTime>),
}

/// A resolved expression in local wall-clock time (of `zone` when the text states one).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Val {
    pub shape: Shape,
    pub grain: Grain,
    pub zone: Option<Zone>,
    /// A bare clock hour ("в 3") or an hour count ("3 часа") that is a date only when it is
    /// the whole phrase; inside running text it is too often a quantity.
    pub weak: bool,
}

impl Val {
    fn point(t: NaiveDateTime, grain: Grain) -> Val {
        Val {
            shape: Shape::Point(t),
            grain,
            zone: None,
            weak: false,
        }
    }
    fn interval(from: Option<NaiveDateTime>, to: Option<NaiveDateTime>, grain: Grain) -> Val {
        Val {
            shape: Shape::Interval(from, to),
            grain,
            zone: None,
            weak: false,
        }
    }
    fn start(&self) -> Option<NaiveDateTime> {
        match self.shape {
            Shape::Point(t) => Some(t),
            Shape::Interval(f, _) => f,
        }
    }
    /// Exclusive end of what the value covers.
    fn end(&self) -> Option<NaiveDateTime> {
        match self.shape {
            Shape::Point(t) => end_of(t, self.grain),
            Shape::Interval(_, t) => t,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct DateC {
    day: Option<u32>,
    month: Option<u32>,
    year: Option<i32>,
    /// "этого/прошлого года": year relative to the reference.
    year_rel: Option<i32>,
    quarter: Option<u32>,
}

impl DateC {
    fn has_year(&self) -> bool {
        self.year.is_some() || self.year_rel.is_some()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct TimeC {
    hour: u32,
    minute: Option<u32>,
    second: Option<u32>,
    part: Option<DayPart>,
    /// A bare hour ≤ 12 with nothing saying morning or evening.
    ambiguous: bool,
    weak: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Comps {
    day_off: Option<i64>,
    weekday: Option<(u32, Option<i32>)>,
    date: Option<DateC>,
    time: Option<TimeC>,
    part: Option<DayPart>,
    zone: Option<Zone>,
    week_rel: Option<i32>,
    now: bool,
    midnight: bool,
    /// Readable as a date only as a whole phrase (a bare "2014", "пн", "15-го").
    weak: bool,
    /// The part of the day was a noun ("ночь"), not an adverb ("ночью").
    part_noun: bool,
    count: usize,
}

/// Which way an expression without a year, a date or a day resolves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Prefer {
    /// Duckling's convention for running text: the next occurrence ("вторник" → next
    /// Tuesday), except a day-month up to two weeks back.
    #[default]
    Future,
    /// A page's own date: the last occurrence not after the reference ("2 апреля, 21:32"
    /// seen on 20 April; "10:15" seen at 12:00 is today).
    Past,
}

pub struct Parser<'a> {
    t: &'a [Tok],
    r: NaiveDateTime,
    prefer: Prefer,
    /// Nesting of `expr` ("до", "после", "3 дня после …" wrap expressions): bounded so a
    /// run of prepositions cannot exhaust the stack.
    depth: std::cell::Cell<u32>,
}

/// How deep expressions may nest ("не позднее чем через 3 дня после …").
const MAX_DEPTH: u32 = 4;

type Res<T> = Option<(usize, T)>;

impl<'a> Parser<'a> {
    pub fn new(t: &'a [Tok], r: NaiveDateTime, prefer: Prefer) -> Self {
        Parser {
            t,
            r,
            prefer,
            depth: std::cell::Cell::new(0),
        }
    }

    fn w(&self, i: usize) -> Option<&str> {
        self.t
            .get(i)
            .filter(|t| t.kind == Kind::Word)
            .map(|t| t.text.as_str())
    }
    fn is_w(&self, i: usize, set: &[&str]) -> bool {
        self.w(i).is_some_and(|w| set.contains(&w))
    }
    fn p(&self, i: usize, marks: &str) -> bool {
        self.t
            .get(i)
            .is_some_and(|t| t.kind == Kind::Punct && marks.contains(t.text.as_str()))
    }
    fn n(&self, i: usize) -> Option<u32> {
        self.t.get(i).and_then(Tok::num)
    }
    fn digits(&self, i: usize) -> usize {
        self.t.get(i).map_or(0, Tok::digits)
    }
    /// Token `i` follows token `i - 1` without whitespace.
    fn glued(&self, i: usize) -> bool {
        self.t.get(i).is_some_and(|t| !t.space_before)
    }
    fn is_dash(&self, i: usize) -> bool {
        self.p(i, "-–—")
    }

    /// The longest expression starting at token `i`: its end token index and value.
    pub fn expr(&self, i: usize) -> Res<Val> {
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            return None;
        }
        self.depth.set(depth + 1);
        let out = self.expr_inner(i);
        self.depth.set(depth);
        out
    }

    fn expr_inner(&self, i: usize) -> Res<Val> {
        let mut best: Res<Val> = None;
        let mut consider = |r: Res<Val>| {
            if let Some((e, v)) = r {
                if best.as_ref().is_none_or(|(be, _)| e > *be) {
                    best = Some((e, v));
                }
            }
        };
        let starts = self.leads(i);
        for &j in &starts {
            let group = self.comps(j);
            consider(self.range_with(j, group.as_ref()));
            consider(self.day_then_clock_range(group.as_ref()));
            consider(group.and_then(|(e, c)| Some((e, self.build(&c)?))));
            consider(self.relative_duration(j));
            consider(self.last_next(j));
            consider(self.period_rel(j));
            consider(self.season(j));
            consider(self.holiday(j));
            consider(self.weekend(j));
            consider(self.within(j));
            consider(self.nth_of(j));
            consider(self.end_of_period(j));
            consider(self.portion(j));
            consider(self.half_period(j));
            consider(self.decade(j));
            consider(self.century(j));
            consider(self.duration_around(j));
            consider(self.night_of(j));
            consider(self.after_next(j));
        }
        consider(self.until(i));
        consider(self.since(i));
        best
    }

    /// Positions where the expression proper may start: `i` itself and after leading
    /// prepositions and labels ("в", "к", "по состоянию на").
    fn leads(&self, i: usize) -> Vec<usize> {
        let mut out = vec![i];
        let mut j = i;
        if self.is_w(j, &["по"]) && self.is_w(j + 1, &["состоянию"]) && self.is_w(j + 2, &["на"])
        {
            j += 3;
            out.push(j);
        }
        if self.is_w(
            j,
            &["около", "примерно", "приблизительно", "ориентировочно"],
        ) {
            j += 1;
            out.push(j);
        }
        if self.is_w(j, &["в", "во", "к", "ко", "на"]) {
            j += 1;
            out.push(j);
        }
        out
    }
}
