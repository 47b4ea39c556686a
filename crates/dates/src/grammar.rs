//! The grammar: recognises a date/time expression starting at a token and resolves it
//! against the reference wall-clock time.
//!
//! Expressions are built from *components* (a day word, a weekday, a calendar date, a clock
//! time, a part of the day, a zone) that may appear in any order, separated by commas or
//! "в"; ranges join two component groups ("с 13 по 15 июля", "9:30 - 11:00"); other rules
//! cover relative periods ("в прошлом году"), durations ("неделю назад"), seasons,
//! holidays and open intervals ("до конца дня"). The longest reading at a position wins.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use khronika_model::Grain;

use crate::calendar::{add, at, date_opt, end_of, finer, midnight, start_of, unit_grain};
use crate::lex::{Kind, Tok};
use crate::words::{self, DayPart, Unit};

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
            consider(self.range(j));
            consider(self.comps(j).and_then(|(e, c)| Some((e, self.build(&c)?))));
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

    // ---------- numbers ----------

    /// A cardinal number 0–99 as digits or words ("двадцать четыре"), with its end.
    fn cardinal(&self, i: usize) -> Res<u32> {
        if let Some(n) = self.n(i) {
            return Some((i + 1, n));
        }
        let a = words::cardinal(self.w(i)?)?;
        if a >= 20 && a % 10 == 0 && a < 100 {
            if let Some(b) = self
                .w(i + 1)
                .and_then(words::cardinal)
                .filter(|b| (1..10).contains(b))
            {
                return Some((i + 2, a + b));
            }
        }
        Some((i + 1, a))
    }

    /// A day of the month: "18", "18-е", "18-го", "восемнадцатое", "двадцать четвертое".
    fn day_number(&self, i: usize) -> Res<u32> {
        if let Some(d) = self.n(i) {
            if self.digits(i) > 2 || !(1..=31).contains(&d) {
                return None;
            }
            if self.is_dash(i + 1)
                && self.glued(i + 1)
                && self.w(i + 2).is_some_and(words::ordinal_suffix)
            {
                return Some((i + 3, d));
            }
            if self.glued(i + 1) && self.w(i + 1).is_some_and(words::ordinal_suffix) {
                return Some((i + 2, d));
            }
            return Some((i + 1, d));
        }
        let w = self.w(i)?;
        if let Some(tens) = words::cardinal(w).filter(|t| *t == 20 || *t == 30) {
            let o = words::ordinal(self.w(i + 1)?)?;
            let d = tens + o;
            return (o < 10 && d <= 31).then_some((i + 2, d));
        }
        words::ordinal(w).filter(|d| *d <= 31).map(|d| (i + 1, d))
    }

    fn month_name(&self, i: usize) -> Res<u32> {
        let w = self.w(i)?;
        if let Some(m) = words::month(w) {
            return Some((i + 1, m));
        }
        let m = words::month_abbr(w)?;
        if self.p(i + 1, ".") {
            Some((i + 2, m))
        } else {
            Some((i + 1, m))
        }
    }

    /// "года", "год", "году", "г.", "гг." after a year number.
    fn year_word(&self, i: usize) -> Option<usize> {
        let w = self.w(i)?;
        match w {
            "год" | "года" | "году" | "годы" | "годах" | "годов" => {
                Some(i + 1)
            }
            "г" | "гг" => Some(if self.p(i + 1, ".") { i + 2 } else { i + 1 }),
            _ => None,
        }
    }

    /// A year after a month or a date: "2015", "2024 года", "этого года", "прошлого года".
    fn year_after(&self, i: usize) -> Res<(Option<i32>, Option<i32>)> {
        if let Some(y) = self.n(i) {
            if self.digits(i) == 4 && (1000..=2999).contains(&y) {
                let y = i32::try_from(y).ok()?;
                let e = self.year_word(i + 1).unwrap_or(i + 1);
                return Some((e, (Some(y), None)));
            }
            return None;
        }
        let rel = words::relative(self.w(i)?)?;
        if self.is_w(i + 1, &["года", "году", "год"]) {
            return Some((i + 2, (None, Some(rel))));
        }
        None
    }

    /// A year standing alone with its marker: "2023 год", "в 2023 году", "2023 г.".
    fn year_alone(&self, i: usize) -> Res<i32> {
        let y = self.n(i)?;
        if self.digits(i) != 4 || !(1000..=2999).contains(&y) {
            return None;
        }
        let y = i32::try_from(y).ok()?;
        // "2024-м", "2024-го года", "в 2024-м году"
        if self.is_dash(i + 1) && self.glued(i + 1) && self.is_w(i + 2, &["м", "го", "й", "ом"])
        {
            return Some((self.year_word(i + 3).unwrap_or(i + 3), y));
        }
        let e = self.year_word(i + 1)?;
        Some((e, y))
    }

    // ---------- components ----------

    /// A calendar date: "18 февраля 2015", "третьего марта", "31.10.74", "2025-04-03",
    /// "Октябрь 2014", "в мае 2024 года", "2023 году", "первом квартале 2025 года".
    fn date(&self, i: usize) -> Res<DateC> {
        if let Some(r) = self.numeric_date(i) {
            return Some(r);
        }
        if let Some((e, day)) = self.day_number(i) {
            if let Some((e, m)) = self.month_name(e) {
                let mut dc = DateC {
                    day: Some(day),
                    month: Some(m),
                    ..DateC::default()
                };
                let mut end = e;
                if let Some((e2, (y, yr))) = self.year_after(e) {
                    dc.year = y;
                    dc.year_rel = yr;
                    end = e2;
                }
                return Some((end, dc));
            }
        }
        if let Some((e, m)) = self.month_name(i) {
            let mut dc = DateC {
                month: Some(m),
                ..DateC::default()
            };
            let mut end = e;
            if let Some((e2, (y, yr))) = self.year_after(e) {
                dc.year = y;
                dc.year_rel = yr;
                end = e2;
            }
            // A lone abbreviation ("мар", "дек") is too often something else.
            if end == e && words::month(self.w(i)?).is_none() {
                return None;
            }
            return Some((end, dc));
        }
        if let Some((e, q)) = self.quarter(i) {
            let mut dc = DateC {
                quarter: Some(q),
                ..DateC::default()
            };
            let mut end = e;
            if let Some((e2, (y, yr))) = self.year_after(e) {
                dc.year = y;
                dc.year_rel = yr;
                end = e2;
            }
            return Some((end, dc));
        }
        if let Some((e, y)) = self.year_alone(i) {
            return Some((
                e,
                DateC {
                    year: Some(y),
                    ..DateC::default()
                },
            ));
        }
        None
    }

    /// Dates readable only in context: "15 числа", "15-го" / "третьего" (day of this or
    /// next month; weak unless "числа" follows), "октябрь 18" and a bare "2014" (weak).
    fn loose_date(&self, i: usize, c: &mut Comps) -> Res<DateC> {
        // "15.02" without a trailing dot: a date as a whole phrase, a number in running text
        if (1..=2).contains(&self.digits(i))
            && self.p(i + 1, ".")
            && self.glued(i + 1)
            && self.glued(i + 2)
            && self.digits(i + 2) == 2
            && !self.p(i + 3, ".,")
        {
            let (d, m) = (self.n(i)?, self.n(i + 2)?);
            if (1..=31).contains(&d) && (1..=12).contains(&m) {
                c.weak = true;
                return Some((
                    i + 3,
                    DateC {
                        day: Some(d),
                        month: Some(m),
                        ..DateC::default()
                    },
                ));
            }
        }
        if let Some((e, m)) = self.month_name(i) {
            if let Some(d) = self
                .n(e)
                .filter(|d| (1..=31).contains(d) && self.digits(e) <= 2)
            {
                c.weak = true;
                return Some((
                    e + 1,
                    DateC {
                        day: Some(d),
                        month: Some(m),
                        ..DateC::default()
                    },
                ));
            }
            return None;
        }
        if let Some((e, d)) = self.day_number(i) {
            let ordinal = e > i + 1 || self.n(i).is_none();
            if self.is_w(e, &["числа", "число"]) {
                return Some((
                    e + 1,
                    DateC {
                        day: Some(d),
                        ..DateC::default()
                    },
                ));
            }
            if ordinal {
                c.weak = true;
                return Some((
                    e,
                    DateC {
                        day: Some(d),
                        ..DateC::default()
                    },
                ));
            }
            return None;
        }
        let y = self.n(i)?;
        if self.digits(i) == 4 && (1000..=2100).contains(&y) {
            c.weak = true;
            return Some((
                i + 1,
                DateC {
                    year: Some(i32::try_from(y).ok()?),
                    ..DateC::default()
                },
            ));
        }
        None
    }

    /// "третий квартал", "1-м квартале", "I квартал".
    fn quarter(&self, i: usize) -> Res<u32> {
        let (e, q) = if let Some(q) = self.n(i) {
            if self.is_dash(i + 1) && self.w(i + 2).is_some() {
                (i + 3, q)
            } else {
                (i + 1, q)
            }
        } else {
            let w = self.w(i)?;
            let q = match w {
                "i" => 1,
                "ii" => 2,
                "iii" => 3,
                "iv" => 4,
                _ => words::ordinal(w)?,
            };
            (i + 1, q)
        };
        if !(1..=4).contains(&q) {
            return None;
        }
        // "1 кв. 2025 г."
        if self.is_w(e, &["кв"]) {
            let after = if self.p(e + 1, ".") { e + 2 } else { e + 1 };
            // only with a year: "1 кв. м" is a square metre
            return self.year_after(after).map(|_| (after, q));
        }
        if !self.w(e).is_some_and(|w| w.starts_with("квартал")) {
            return None;
        }
        Some((e + 1, q))
    }

    /// "31.10.1974", "31.10.74", "10.12.", "18.07.14", "2025-04-03", "03/04/2025".
    fn numeric_date(&self, i: usize) -> Res<DateC> {
        // ISO: 2025-04-03
        if self.digits(i) == 4
            && self.p(i + 1, "-")
            && self.digits(i + 2) == 2
            && self.p(i + 3, "-")
            && self.digits(i + 4) == 2
            && (1..=4).all(|k| self.glued(i + k))
        {
            let y = i32::try_from(self.n(i)?).ok()?;
            let (m, d) = (self.n(i + 2)?, self.n(i + 4)?);
            date_opt(y, m, d)?;
            return Some((
                i + 5,
                DateC {
                    day: Some(d),
                    month: Some(m),
                    year: Some(y),
                    ..DateC::default()
                },
            ));
        }
        let d = self.n(i)?;
        if !(1..=2).contains(&self.digits(i)) || !self.p(i + 1, "./") || !self.glued(i + 1) {
            return None;
        }
        let sep = self.t.get(i + 1)?.text.clone();
        if !self.glued(i + 2) || !(1..=2).contains(&self.digits(i + 2)) {
            return None;
        }
        let m = self.n(i + 2)?;
        if !(1..=31).contains(&d) || !(1..=12).contains(&m) {
            return None;
        }
        let mut dc = DateC {
            day: Some(d),
            month: Some(m),
            ..DateC::default()
        };
        let mut end = i + 3;
        if self.p(i + 3, &sep) && self.glued(i + 3) {
            end = i + 4;
            // "1.12.5", "1.2.3.4": a version or section number, not a date
            let more = self.glued(i + 4) && self.t.get(i + 4).is_some_and(|t| t.kind == Kind::Num);
            if more && !matches!(self.digits(i + 4), 2 | 4) {
                return None;
            }
            if more && self.p(i + 5, &sep) && self.glued(i + 5) {
                return None;
            }
            if self.glued(i + 4) && matches!(self.digits(i + 4), 2 | 4) {
                let y = self.n(i + 4)?;
                let y = if self.digits(i + 4) == 2 {
                    if y < 50 {
                        2000 + y
                    } else {
                        1900 + y
                    }
                } else {
                    y
                };
                dc.year = Some(i32::try_from(y).ok()?);
                end = i + 5;
                if let Some(e) = self.year_word(end) {
                    end = e;
                }
            }
        } else if sep == "." && !self.date_context(i) {
            // "2.5" without a trailing dot or year is a decimal number far more often.
            return None;
        }
        Some((end, dc))
    }

    /// Whether a short "D.M" at `i` sits where a date is expected (after "с", "до", "по",
    /// "от", a dash, or a weekday).
    fn date_context(&self, i: usize) -> bool {
        i > 0
            && (self.is_w(i - 1, &["с", "со", "по", "до", "от", "к"])
                || self.is_dash(i - 1)
                || self.p(i - 1, ","))
    }

    /// A clock time: "14:05", "17ч10", "в 15 часов", "8 часов вечера", "в три", "в полдень".
    fn time(&self, i: usize) -> Res<TimeC> {
        let prep = i > 0 && self.is_w(i - 1, &["в", "во", "к", "до", "с", "со", "после", "около"]);
        // hh:mm[:ss]
        if let Some(h) = self.n(i) {
            if (1..=2).contains(&self.digits(i))
                && self.p(i + 1, ":")
                && self.glued(i + 1)
                && self.glued(i + 2)
                && self.digits(i + 2) == 2
            {
                let m = self.n(i + 2)?;
                if h > 24 || m > 59 {
                    return None;
                }
                let mut e = i + 3;
                let mut s = None;
                if self.p(e, ":") && self.glued(e) && self.glued(e + 1) && self.digits(e + 1) == 2 {
                    let sv = self.n(e + 1)?;
                    if sv > 59 {
                        return None;
                    }
                    s = Some(sv);
                    e += 2;
                }
                let (e, part) = self.part_after(e);
                return Some((
                    e,
                    TimeC {
                        hour: h,
                        minute: Some(m),
                        second: s,
                        part,
                        ambiguous: false,
                        weak: false,
                    },
                ));
            }
            // 17ч10, 15ч
            if self.digits(i) <= 2 && self.is_w(i + 1, &["ч"]) && self.glued(i + 1) {
                if h > 24 {
                    return None;
                }
                if self.glued(i + 2) && self.digits(i + 2) == 2 {
                    let m = self.n(i + 2)?;
                    if m > 59 {
                        return None;
                    }
                    return Some((
                        i + 3,
                        TimeC {
                            hour: h,
                            minute: Some(m),
                            second: None,
                            part: None,
                            ambiguous: false,
                            weak: false,
                        },
                    ));
                }
                let e = if self.p(i + 2, ".") { i + 3 } else { i + 2 };
                let (e, part) = self.part_after(e);
                return Some((
                    e,
                    TimeC {
                        hour: h,
                        minute: None,
                        second: None,
                        part,
                        ambiguous: part.is_none() && h <= 12,
                        weak: !prep,
                    },
                ));
            }
        }
        // полдень / полночь
        if self.is_w(i, &["полдень", "полудня", "полудню"])
            && !(i > 0 && self.is_w(i - 1, &["после"]))
        {
            return Some((
                i + 1,
                TimeC {
                    hour: 12,
                    minute: None,
                    second: None,
                    part: None,
                    ambiguous: false,
                    weak: false,
                },
            ));
        }
        // hour [часов [N минут]] [утра/дня/вечера/ночи]
        if self.digits(i) > 2 {
            return None;
        }
        let (mut e, h) = self.cardinal(i)?;
        if h > 24 {
            return None;
        }
        let mut hour_word = false;
        let mut minute = None;
        if self.is_w(e, &["час", "часа", "часов", "ч"]) {
            hour_word = true;
            e += 1;
            if self.is_w(e - 1, &["ч"]) && self.p(e, ".") {
                e += 1;
            }
            if let Some((e2, m)) = self.cardinal(e) {
                if m < 60 && self.is_w(e2, &["минут", "минуты", "минута", "мин"])
                {
                    minute = Some(m);
                    e = e2 + 1;
                }
            }
        }
        let (e2, part) = self.part_after(e);
        // "за два дня до …" is a duration: "N дня" is a clock time only after "в".
        if !hour_word && !prep && self.is_w(e, &["дня"]) {
            return None;
        }
        let e = e2;
        if !hour_word && part.is_none() && !prep {
            return None;
        }
        // "в 3 раза", "в 2 странах": a bare number after "в" is a time only before
        // punctuation, the end, or another date word.
        if !hour_word && part.is_none() {
            if let Some(next) = self.w(e) {
                let datey = words::weekday(next).is_some()
                    || self.zone(e).is_some()
                    || matches!(
                        next,
                        "сегодня" | "завтра" | "вчера" | "послезавтра" | "позавчера"
                    );
                if !datey {
                    return None;
                }
            }
        }
        let weak = part.is_none() && !(hour_word && prep);
        Some((
            e,
            TimeC {
                hour: h,
                minute,
                second: None,
                part,
                ambiguous: part.is_none() && h <= 12,
                weak,
            },
        ))
    }

    /// "утра", "дня", "вечера", "ночи", "пополудни", "после полудня" after an hour.
    fn part_after(&self, i: usize) -> (usize, Option<DayPart>) {
        if self.is_w(i, &["после"]) && self.is_w(i + 1, &["полудня"]) {
            return (i + 2, Some(DayPart::Afternoon));
        }
        match self.w(i) {
            Some(w @ ("утра" | "дня" | "вечера" | "ночи" | "пополудни")) => {
                (i + 1, words::day_part(w))
            }
            _ => (i, None),
        }
    }

    /// A stated time zone.
    fn zone(&self, i: usize) -> Res<Zone> {
        if self.p(i, "(") {
            let (e, z) = self.zone(i + 1)?;
            return self.p(e, ")").then_some((e + 1, z));
        }
        // "+05:00", "-0200" glued to a clock time (ISO 8601)
        let after_seconds = i >= 5 && self.p(i - 2, ":") && self.p(i - 4, ":") && self.glued(i);
        if self.p(i, "+-") && after_seconds {
            let sign = if self.p(i, "+") { 1 } else { -1 };
            let (h, m, e) =
                if self.digits(i + 1) == 2 && self.p(i + 2, ":") && self.digits(i + 3) == 2 {
                    (self.n(i + 1)?, self.n(i + 3)?, i + 4)
                } else if self.digits(i + 1) == 4 {
                    let v = self.n(i + 1)?;
                    (v / 100, v % 100, i + 2)
                } else {
                    return None;
                };
            if h > 14 || m > 59 {
                return None;
            }
            let secs = i32::try_from(h * 3600 + m * 60).ok()?;
            return Some((e, Zone::Fixed(sign * secs)));
        }
        let w = self.w(i)?;
        // "по UTC", "по мск"
        if w == "по" && self.w(i + 1).is_some_and(|n| n != "по") {
            if let Some((e, z)) = self.zone(i + 1) {
                return Some((e, z));
            }
        }
        match w {
            "мск" | "msk" => return Some((i + 1, Zone::Tz(chrono_tz::Europe::Moscow))),
            "московского" if self.is_w(i + 1, &["времени"]) => {
                return Some((i + 2, Zone::Tz(chrono_tz::Europe::Moscow)))
            }
            "z" if self.glued(i) => return Some((i + 1, Zone::Fixed(0))),
            "almt" => return Some((i + 1, Zone::Tz(chrono_tz::Asia::Almaty))),
            "по" => {}
            _ => {
                let hours: f32 = match w {
                    "gmt" | "utc" | "wet" => 0.0,
                    "bst" | "cet" | "west" => 1.0,
                    "cest" | "eet" => 2.0,
                    "eest" | "msd" => 3.0,
                    "samt" => 4.0,
                    "yekt" => 5.0,
                    "omst" => 6.0,
                    "krat" => 7.0,
                    "irkt" => 8.0,
                    "yakt" | "jst" | "kst" => 9.0,
                    "vlat" => 10.0,
                    "magt" => 11.0,
                    "est" => -5.0,
                    "edt" => -4.0,
                    "cst" => -6.0,
                    "cdt" => -5.0,
                    "pst" => -8.0,
                    "pdt" => -7.0,
                    "mst" => -7.0,
                    "ist" => 5.5,
                    _ => return None,
                };
                // "8:00 GMT+3"
                let base = (hours * 3600.0) as i32;
                if self.p(i + 1, "+-") && self.glued(i + 1) {
                    if let Some(h) = self.n(i + 2).filter(|h| *h <= 14) {
                        let sign = if self.p(i + 1, "+") { 1 } else { -1 };
                        let h = i32::try_from(h).ok()?;
                        return Some((i + 3, Zone::Fixed(base + sign * h * 3600)));
                    }
                }
                return Some((i + 1, Zone::Fixed(base)));
            }
        }
        let (a, b) = (self.w(i + 1)?, self.w(i + 2));
        let tz = match (a, b) {
            ("московскому", Some("времени")) => chrono_tz::Europe::Moscow,
            ("астанинскому" | "алматинскому" | "казахстанскому", Some("времени")) => {
                chrono_tz::Asia::Almaty
            }
            ("киевскому", Some("времени")) => chrono_tz::Europe::Kyiv,
            ("минскому", Some("времени")) => chrono_tz::Europe::Minsk,
            ("времени", Some("астаны" | "алматы" | "нур" | "казахстана")) => {
                chrono_tz::Asia::Almaty
            }
            ("времени", Some("москвы")) => chrono_tz::Europe::Moscow,
            ("москве", _) => return Some((i + 2, Zone::Tz(chrono_tz::Europe::Moscow))),
            ("астане" | "алматы" | "казахстану", _) => {
                return Some((i + 2, Zone::Tz(chrono_tz::Asia::Almaty)))
            }
            ("киеву", _) => return Some((i + 2, Zone::Tz(chrono_tz::Europe::Kyiv))),
            ("гринвичу", _) => return Some((i + 2, Zone::Fixed(0))),
            _ => return None,
        };
        Some((i + 3, Zone::Tz(tz)))
    }

    fn day_word(w: &str) -> Option<i64> {
        Some(match w {
            "сегодня" => 0,
            "вчера" => -1,
            "позавчера" => -2,
            "позапозавчера" => -3,
            "завтра" => 1,
            "послезавтра" => 2,
            "послепослезавтра" => 3,
            _ => return None,
        })
    }

    /// One component at `i`, merged into `c`; `None` when nothing (new) fits.
    fn component(&self, i: usize, c: &mut Comps) -> Option<usize> {
        let w = self.w(i);
        if let Some(off) = w.and_then(Self::day_word) {
            if c.day_off.is_some() {
                return None;
            }
            c.day_off = Some(off);
            return Some(i + 1);
        }
        if self.is_w(i, &["сейчас"]) && c.count == 0 {
            c.now = true;
            return Some(i + 1);
        }
        if self.is_w(i, &["полночь", "полуночи"]) && c.time.is_none() {
            c.midnight = true;
            return Some(i + 1);
        }
        // weekday with an optional "следующий/прошлый"
        {
            let (j, rel) = match w.and_then(words::relative) {
                Some(r) => (i + 1, Some(r)),
                None => (i, None),
            };
            if let Some(wd) = self.w(j).and_then(words::weekday) {
                if c.weekday.is_some() {
                    return None;
                }
                c.weekday = Some((wd, rel));
                return Some(j + 1);
            }
            if rel.is_none() {
                if let Some(wd) = self.w(j).and_then(words::weekday_abbr) {
                    // "Пт, 18 июля", "сб, 21 сен.": abbreviations only next to a date.
                    let e = if self.p(j + 1, ".") { j + 2 } else { j + 1 };
                    let near_date = c.count > 0 || self.p(e, ",") || self.date(e).is_some();
                    if c.weekday.is_some() {
                        return None;
                    }
                    c.weak |= !near_date;
                    c.weekday = Some((wd, None));
                    return Some(e);
                }
            }
            // "на следующей неделе" (after a weekday)
            if let Some(r) = rel {
                if c.weekday.is_some() && self.is_w(j, &["неделе"]) && c.week_rel.is_none() {
                    c.week_rel = Some(r);
                    return Some(j + 1);
                }
            }
        }
        if let Some((e, z)) = self.zone(i) {
            if c.zone.is_some() {
                return None;
            }
            c.zone = Some(z);
            return Some(e);
        }
        // A date and a time can both start with a number: take the longer reading.
        let d = if c.date.is_none() {
            self.date(i).or_else(|| self.loose_date(i, c))
        } else {
            None
        };
        let t = if c.time.is_none() && !c.midnight {
            self.time(i)
        } else {
            None
        };
        match (d, t) {
            (Some((de, dc)), Some((te, tc))) => {
                if te > de {
                    c.time = Some(tc);
                    return Some(te);
                }
                c.date = Some(dc);
                return Some(de);
            }
            (Some((de, dc)), None) => {
                c.date = Some(dc);
                return Some(de);
            }
            (None, Some((te, tc))) => {
                c.time = Some(tc);
                return Some(te);
            }
            (None, None) => {}
        }
        if c.part.is_none() && w.and_then(words::relative) == Some(0) {
            if let Some(p) = self
                .w(i + 1)
                .and_then(words::day_part)
                .filter(|_| !self.is_w(i + 1, &["дня"]))
            {
                if c.day_off.is_none() {
                    c.day_off = Some(0);
                }
                c.part = Some(p);
                return Some(i + 2);
            }
        }
        if c.part.is_none() {
            if let Some(p) = w
                .and_then(words::day_part)
                .filter(|_| !self.is_w(i, &["дня"]))
            {
                c.part = Some(p);
                c.part_noun = self.is_w(i, &["ночь", "вечер", "утро"]);
                return Some(i + 1);
            }
            if self.is_w(i, &["обед", "обеда"]) {
                c.part = Some(DayPart::Lunch);
                return Some(i + 1);
            }
        }
        None
    }

    /// A run of components ("вторник, 1 апреля 2025 в 15:30 (мск)").
    fn comps(&self, i: usize) -> Res<Comps> {
        let mut c = Comps::default();
        let mut end = self.component(i, &mut c)?;
        c.count = 1;
        loop {
            let mut j = end;
            // separators: ",", "в", "во", "на" (before "следующей неделе")
            if self.p(j, ",|·•")
                || (self.p(j, "/") && self.t.get(j).is_some_and(|t| t.space_before))
            {
                j += 1;
            }
            if self.is_w(j, &["в", "во", "на"])
                || (self.is_w(j, &["t"]) && self.glued(j) && self.glued(j + 1))
            {
                j += 1;
            }
            // "вчера около 23:00", "сегодня примерно в 10"
            if self.is_w(
                j,
                &["около", "примерно", "приблизительно", "ориентировочно"],
            ) {
                j += 1;
                if self.is_w(j, &["в", "во"]) {
                    j += 1;
                }
            }
            let mut next = c;
            match self.component(j, &mut next) {
                Some(e) => {
                    next.count += 1;
                    c = next;
                    end = e;
                }
                None => break,
            }
            if c.count > 8 {
                break;
            }
        }
        Some((end, c))
    }

    fn ref_year(&self) -> i32 {
        self.r.year()
    }

    /// The year for a day-month without one: the weekday decides when given; else the
    /// first occurrence not further back than the past window.
    fn choose_year(&self, m: u32, d: u32, weekday: Option<u32>) -> Option<NaiveDate> {
        let ry = self.ref_year();
        let today = self.r.date();
        if let Some(wd) = weekday {
            let mut best: Option<NaiveDate> = None;
            for y in ry - 7..=ry + 7 {
                if let Some(dt) = date_opt(y, m, d) {
                    if dt.weekday().num_days_from_monday() == wd {
                        let dist = (dt - today).num_days().abs();
                        if best.is_none_or(|b| dist < (b - today).num_days().abs()) {
                            best = Some(dt);
                        }
                    }
                }
            }
            if best.is_some() {
                return best;
            }
        }
        if self.prefer == Prefer::Past {
            // a day ahead is tolerated: the page's zone may run ahead of the reference
            let ceiling = today.checked_add_days(Days::new(1))?;
            return (ry - 8..=ry + 1)
                .rev()
                .filter_map(|y| date_opt(y, m, d))
                .find(|dt| *dt <= ceiling);
        }
        let floor = today.checked_sub_days(Days::new(PAST_WINDOW_DAYS))?;
        // "29 февраля" waits for the next leap year.
        (ry - 1..=ry + 8)
            .filter_map(|y| date_opt(y, m, d))
            .find(|dt| *dt >= floor)
    }

    /// Resolves the date part of a component group to a value at its own grain.
    fn resolve_date(&self, dc: &DateC, weekday: Option<u32>) -> Option<Val> {
        let year = match (dc.year, dc.year_rel) {
            (Some(y), _) => Some(y),
            (None, Some(r)) => Some(self.ref_year() + r),
            _ => None,
        };
        if let Some(q) = dc.quarter {
            let y = year.unwrap_or_else(|| self.ref_year());
            let d = date_opt(y, (q - 1) * 3 + 1, 1)?;
            return Some(Val::point(midnight(d), Grain::Quarter));
        }
        match (dc.day, dc.month, year) {
            (Some(d), Some(m), Some(y)) => {
                Some(Val::point(midnight(date_opt(y, m, d)?), Grain::Day))
            }
            (Some(d), Some(m), None) => Some(Val::point(
                midnight(self.choose_year(m, d, weekday)?),
                Grain::Day,
            )),
            (None, Some(m), Some(y)) => {
                Some(Val::point(midnight(date_opt(y, m, 1)?), Grain::Month))
            }
            (None, Some(m), None) if self.prefer == Prefer::Past => {
                let ry = self.ref_year();
                let today = self.r.date();
                let first = (ry - 1..=ry)
                    .rev()
                    .filter_map(|y| date_opt(y, m, 1))
                    .find(|d| *d <= today)?;
                Some(Val::point(midnight(first), Grain::Month))
            }
            (None, Some(m), None) => {
                let floor = self
                    .r
                    .date()
                    .checked_sub_days(Days::new(PAST_WINDOW_DAYS))?;
                let ry = self.ref_year();
                let first = (ry - 1..=ry + 1)
                    .filter_map(|y| date_opt(y, m, 1))
                    .find(|d| {
                        end_of(midnight(*d), Grain::Month).is_some_and(|e| e.date() > floor)
                    })?;
                Some(Val::point(midnight(first), Grain::Month))
            }
            (None, None, Some(y)) => Some(Val::point(midnight(date_opt(y, 1, 1)?), Grain::Year)),
            (Some(d), None, None) => {
                let today = self.r.date();
                let day = (0..=12)
                    .filter_map(|k| {
                        today
                            .with_day(1)?
                            .checked_add_months(chrono::Months::new(k))
                    })
                    .filter_map(|first| first.with_day(d))
                    .find(|dt| *dt >= today)?;
                Some(Val::point(midnight(day), Grain::Day))
            }
            _ => None,
        }
    }

    /// The day a weekday names, given its modifier and an optional "на следующей неделе".
    fn resolve_weekday(
        &self,
        wd: u32,
        rel: Option<i32>,
        week_rel: Option<i32>,
    ) -> Option<NaiveDate> {
        let today = self.r.date();
        let cur = today.weekday().num_days_from_monday();
        if let Some(wr) = week_rel {
            let monday = start_of(self.r, Grain::Week)?;
            return add(monday, Grain::Week, i64::from(wr))?
                .date()
                .checked_add_days(Days::new(u64::from(wd)));
        }
        let ahead = (wd + 7 - cur) % 7;
        if self.prefer == Prefer::Past && rel.is_none() {
            let back = (cur + 7 - wd) % 7;
            return today.checked_sub_days(Days::new(u64::from(back)));
        }
        match rel {
            Some(r) if r < 0 => {
                let back = if cur == wd { 7 } else { (cur + 7 - wd) % 7 };
                let back = back + 7 * u32::try_from(-r - 1).ok()?;
                today.checked_sub_days(Days::new(u64::from(back)))
            }
            Some(0) => today.checked_add_days(Days::new(u64::from(ahead))),
            _ => today.checked_add_days(Days::new(u64::from(if ahead == 0 { 7 } else { ahead }))),
        }
    }

    /// Turns a component group into a value.
    fn build(&self, c: &Comps) -> Option<Val> {
        let mut part_weak = false;
        if c.now {
            return (c.count == 1).then(|| Val::point(self.r, Grain::Second));
        }
        // the day
        let mut day: Option<NaiveDate> = None;
        let mut coarse: Option<Val> = None;
        if let Some(dc) = &c.date {
            if dc.day.is_some() && dc.month.is_none() && c.count > 1 {
                // "второе воскресенье": an ordinal next to other parts is not a day of month
                return None;
            }
            let v = self.resolve_date(dc, c.weekday.map(|w| w.0))?;
            if v.grain == Grain::Day {
                day = Some(v.start()?.date());
                if c.day_off.is_some() {
                    return None;
                }
            } else {
                if c.day_off.is_some()
                    || c.weekday.is_some()
                    || c.time.is_some()
                    || c.part.is_some()
                {
                    return None;
                }
                coarse = Some(v);
            }
        } else if let Some(off) = c.day_off {
            day = Some(
                self.r
                    .date()
                    .checked_add_signed(chrono::Duration::try_days(off)?)?,
            );
            if c.weekday.is_some() {
                return None;
            }
        } else if let Some((wd, rel)) = c.weekday {
            day = Some(self.resolve_weekday(wd, rel, c.week_rel)?);
        }
        if let Some(mut v) = coarse {
            v.weak = c.weak && c.count == 1;
            return Some(v);
        }
        let mut v = if c.midnight {
            // "в полночь 1 января" opens that day; a bare "в полночь" is the next one
            let d = match day {
                Some(d) => d,
                None => self.r.date().checked_add_days(Days::new(1))?,
            };
            Val::point(midnight(d), Grain::Hour)
        } else if let Some(tc) = &c.time {
            let part = tc.part.or(c.part);
            let mut h = tc.hour;
            if let Some(p) = part {
                h = p.clock(h);
            }
            let (mi, s) = (tc.minute.unwrap_or(0), tc.second.unwrap_or(0));
            let grain = if tc.second.is_some() {
                Grain::Second
            } else if tc.minute.is_some() {
                Grain::Minute
            } else {
                Grain::Hour
            };
            let t = match day {
                Some(d) => at(d, h, mi, s)?,
                None if self.prefer == Prefer::Past => {
                    // the last such clock time not after the reference (a small skew of
                    // the page's clock is tolerated)
                    let today = self.r.date();
                    let limit = add(self.r, Grain::Minute, 30)?;
                    let mut options = vec![at(today, h, mi, s)?];
                    if tc.ambiguous && part.is_none() && h < 12 {
                        options.push(at(today, h + 12, mi, s)?);
                    }
                    let best_today = options.iter().filter(|t| **t <= limit).max().copied();
                    match best_today {
                        Some(t) => t,
                        None => add(*options.iter().max()?, Grain::Day, -1)?,
                    }
                }
                None => {
                    let today = self.r.date();
                    let cand = at(today, h, mi, s)?;
                    if tc.ambiguous && part.is_none() {
                        let pm = if h < 12 {
                            at(today, h + 12, mi, s)
                        } else {
                            None
                        };
                        if cand >= self.r {
                            cand
                        } else if let Some(pm) = pm.filter(|pm| *pm >= self.r) {
                            pm
                        } else {
                            add(cand, Grain::Day, 1)?
                        }
                    } else if cand >= self.r || c.zone.is_some() {
                        cand
                    } else {
                        // a clock time without a day is its next occurrence (Duckling)
                        add(cand, Grain::Day, 1)?
                    }
                }
            };
            let mut v = Val::point(t, grain);
            v.weak = tc.weak && day.is_none() && c.zone.is_none();
            v
        } else if let Some(p) = c.part {
            let d = day.unwrap_or(self.r.date());
            // "ночь", "вечер" as nouns are dates only beside a day or as a whole phrase
            if c.part_noun && day.is_none() && c.count == 1 {
                part_weak = true;
            }
            let (a, b) = p.hours();
            Val::interval(Some(at(d, a, 0, 0)?), Some(at(d, b, 0, 0)?), Grain::Hour)
        } else if let Some(d) = day {
            Val::point(midnight(d), Grain::Day)
        } else {
            return None;
        };
        v.zone = c.zone;
        v.weak |= (c.weak && c.count == 1) || part_weak;
        Some(v)
    }

    // ---------- ranges and open intervals ----------

    /// "13 - 15 июля", "с 13 по 15 июля", "14./15.10.2018", "9:30 - 11:00",
    /// "в январе-феврале 2025 года", "с 2020 по 2023 год".
    fn range(&self, i: usize) -> Res<Val> {
        let between = self.is_w(i, &["между"]);
        let (i, from_word) = if self.is_w(i, &["с", "со", "от", "между"]) {
            (i + 1, true)
        } else {
            (i, false)
        };
        // The left side: a full component group, or a bare day / year number to be
        // completed from the right side.
        let full = self.comps(i);
        let bare = self.bare_left(i);
        let mut best: Res<Val> = None;
        for (le, left) in full.into_iter().chain(bare) {
            let mut j = le;
            let sep_word = self.is_w(j, &["по", "до"]) || (between && self.is_w(j, &["и"]));
            if between != self.is_w(j, &["и"]) {
                continue;
            }
            if !(sep_word || self.is_dash(j) || self.p(j, "/")) {
                continue;
            }
            if self.is_w(j, &["до"]) && !from_word {
                continue;
            }
            j += 1;
            if self.is_w(j, &["в", "во"]) && sep_word {
                j += 1;
            }
            let Some((re, right)) = self.comps(j) else {
                continue;
            };
            if let Some(v) = self.join(&left, &right) {
                if best.as_ref().is_none_or(|(be, _)| re > *be) {
                    best = Some((re, v));
                }
            }
        }
        best
    }

    /// A bare day ("15", "14.") or year ("2020") on the left of a range.
    fn bare_left(&self, i: usize) -> Res<Comps> {
        let n = self.n(i)?;
        let e = if self.p(i + 1, ".") && self.glued(i + 1) {
            i + 2
        } else {
            i + 1
        };
        let mut c = Comps {
            count: 1,
            ..Comps::default()
        };
        if self.digits(i) <= 2 && (1..=31).contains(&n) {
            c.date = Some(DateC {
                day: Some(n),
                ..DateC::default()
            });
        } else if self.digits(i) == 4 && (1000..=2999).contains(&n) {
            c.date = Some(DateC {
                year: Some(i32::try_from(n).ok()?),
                ..DateC::default()
            });
        } else {
            return None;
        }
        Some((e, c))
    }

    /// Joins the two sides of a range, the left one borrowing what it omits from the right.
    fn join(&self, left: &Comps, right: &Comps) -> Option<Val> {
        let mut l = *left;
        if let (Some(ld), Some(rd)) = (l.date.as_mut(), right.date.as_ref()) {
            let kind = |d: &DateC| (d.day.is_some(), d.month.is_some(), d.quarter.is_some());
            if ld.month.is_none() && ld.day.is_some() && rd.day.is_some() {
                ld.month = rd.month;
            }
            if ld.day.is_none()
                && ld.month.is_none()
                && ld.quarter.is_none()
                && rd.day.is_none()
                && rd.month.is_none()
                && rd.quarter.is_none()
            {
                // year range: fine as is
            } else if kind(ld) != kind(rd) {
                return None;
            }
            if !ld.has_year() {
                ld.year = rd.year;
                ld.year_rel = rd.year_rel;
            }
            if ld.month.is_none() && ld.day.is_some() {
                return None;
            }
            if l.day_off.is_none() && l.weekday.is_none() {
                l.weekday = None;
            }
        } else if l
            .date
            .as_ref()
            .is_some_and(|d| d.month.is_none() && d.quarter.is_none())
            && right.date.is_none()
        {
            // "с 9 до 11 часов": a bare number on the left of a time is an hour
            let n = l.date.and_then(|d| d.day)?;
            l.date = None;
            l.time = Some(TimeC {
                hour: n,
                minute: None,
                second: None,
                part: None,
                ambiguous: false,
                weak: false,
            });
        }
        // A time range borrows the day of its right side ("с 9 до 11 завтра").
        if l.time.is_some() && l.date.is_none() && l.day_off.is_none() && l.weekday.is_none() {
            l.date = right.date;
            l.day_off = right.day_off;
            l.weekday = right.weekday;
            if let (Some(lt), Some(rt)) = (l.time.as_mut(), right.time.as_ref()) {
                if lt.part.is_none() {
                    lt.part = rt.part;
                }
                lt.ambiguous = false;
            }
        }
        l.zone = l.zone.or(right.zone);
        let mut r = *right;
        if let Some(rt) = r.time.as_mut() {
            rt.ambiguous = false;
        }
        let a = self.build(&l)?;
        let mut b = self.build(&r)?;
        // two clock times without a day share the left one's day; an end before the start
        // is on the next day ("с 23:00 до 5:00")
        let dayless = |c: &Comps| c.date.is_none() && c.day_off.is_none() && c.weekday.is_none();
        if l.time.is_some() && r.time.is_some() && dayless(&l) && dayless(right) {
            if let (Shape::Point(ta), Shape::Point(tb)) = (a.shape, b.shape) {
                let mut t = ta.date().and_time(tb.time());
                if t <= ta {
                    t = add(t, Grain::Day, 1)?;
                }
                b.shape = Shape::Point(t);
            }
        }
        if a.grain != b.grain && !(a.grain <= Grain::Hour && b.grain <= Grain::Hour) {
            return None;
        }
        let from = a.start()?;
        let grain = a.grain.min(b.grain);
        let to = match b.shape {
            Shape::Point(t) => end_of(t, grain)?,
            Shape::Interval(_, t) => t?,
        };
        if to <= from {
            return None;
        }
        let mut v = Val::interval(Some(from), Some(to), grain);
        v.zone = l.zone;
        Some(v)
    }

    /// "до 2 часов дня", "до конца дня", "до конца месяца", "до 15 июня".
    fn until(&self, i: usize) -> Res<Val> {
        // "не позднее 1 июня": by the end of that day
        if self.is_w(i, &["не"]) && self.is_w(i + 1, &["позднее", "позже"]) {
            let (e, v) = self.expr(i + 2)?;
            if matches!(v.shape, Shape::Interval(..)) {
                return None;
            }
            return Some((
                e,
                Val {
                    shape: Shape::Interval(None, v.end()),
                    ..v
                },
            ));
        }
        if !self.is_w(i, &["до"]) {
            return None;
        }
        if self.is_w(i + 1, &["конца"]) {
            let j = i + 2;
            let unit = match self.w(j) {
                Some("дня") => Some(Grain::Day),
                Some("недели") => Some(Grain::Week),
                Some("месяца") => Some(Grain::Month),
                Some("квартала") => Some(Grain::Quarter),
                Some("года") => Some(Grain::Year),
                _ => None,
            };
            if let Some(g) = unit {
                // "до конца года" and "до конца этого года" alike
                let (e, g2) = (j + 1, g);
                let e = if self.w(e).and_then(words::relative) == Some(0) {
                    e + 1
                } else {
                    e
                };
                let to = end_of(self.r, g2)?;
                return Some((
                    e,
                    Val::interval(
                        None,
                        Some(to),
                        Grain::Hour.max(g2.min(Grain::Month)).min(g2),
                    ),
                ));
            }
            let (e, v) = self.expr(j)?;
            return Some((
                e,
                Val {
                    shape: Shape::Interval(None, v.end()),
                    weak: v.weak,
                    ..v
                },
            ));
        }
        let (e, v) = self.expr(i + 1)?;
        if matches!(v.shape, Shape::Interval(None, _) | Shape::Interval(_, None)) {
            return None;
        }
        Some((
            e,
            Val {
                shape: Shape::Interval(None, v.start()),
                weak: v.weak,
                ..v
            },
        ))
    }

    /// "после 15 часов", "начиная с 1 апреля", "с 1 апреля" (when no "по" follows).
    fn since(&self, i: usize) -> Res<Val> {
        let j = if self.is_w(i, &["после"]) {
            i + 1
        } else if self.is_w(i, &["начиная"]) && self.is_w(i + 1, &["с", "со"]) {
            i + 2
        } else if self.is_w(i, &["с", "со"]) {
            i + 1
        } else {
            return None;
        };
        let (e, v) = self.expr(j)?;
        if matches!(v.shape, Shape::Interval(None, _) | Shape::Interval(_, None)) {
            return None;
        }
        let closed = matches!(v.shape, Shape::Interval(..));
        let from = if self.is_w(i, &["после"]) && (v.grain >= Grain::Day || closed) {
            v.end()
        } else {
            v.start()
        };
        Some((
            e,
            Val {
                shape: Shape::Interval(from, None),
                weak: v.weak,
                ..v
            },
        ))
    }

    // ---------- relative expressions ----------

    /// An amount of time: "3 дня", "две недели", "час", "полчаса", "полтора года".
    fn amount(&self, i: usize) -> Res<(Grain, i64)> {
        if let Some(w) = self.w(i) {
            if let Some(rest) = w.strip_prefix("пол").filter(|r| !r.is_empty()) {
                if let Some(u) = words::unit(rest) {
                    return Some((i + 1, half(u, 1)?));
                }
            }
            if matches!(w, "полтора" | "полторы") {
                let u = words::unit(self.w(i + 1)?)?;
                return Some((i + 2, half(u, 3)?));
            }
            if let Some(u) = words::unit(w).filter(|_| words::singular_unit(w)) {
                return Some((i + 1, (unit_grain(u), 1)));
            }
        }
        if self.is_w(i, &["пару", "пара", "пары"]) {
            let u = words::unit(self.w(i + 1)?)?;
            return Some((i + 2, (unit_grain(u), 2)));
        }
        if self.digits(i) > 4 {
            return None;
        }
        // "2,5 часа", "1.5 года": whole units plus a half in the finer unit
        if self.p(i + 1, ",.")
            && self.glued(i + 1)
            && self.glued(i + 2)
            && self.n(i + 2) == Some(5)
            && self.digits(i + 2) == 1
        {
            let whole = i64::from(self.n(i)?);
            let u = words::unit(self.w(i + 3)?)?;
            let (g, half_n) = half(u, 1)?;
            let per_unit = half_n * 2;
            return Some((
                i + 4,
                (g, whole.checked_mul(per_unit)?.checked_add(half_n)?),
            ));
        }
        let (e, n) = self.cardinal(i)?;
        let u = words::unit(self.w(e)?)?;
        Some((e + 1, (unit_grain(u), i64::from(n))))
    }

    /// "через 3 дня", "спустя час", "неделю назад", "7 дней тому назад".
    fn relative_duration(&self, i: usize) -> Res<Val> {
        let (e, (g, n)) = if self.is_w(i, &["через", "спустя"]) {
            let (e, a) = self.amount(i + 1)?;
            (e, a)
        } else {
            let (e, (g, n)) = self.amount(i)?;
            let e = if self.is_w(e, &["тому"]) {
                e + 1
            } else {
                e
            };
            if !self.is_w(e, &["назад"]) {
                return None;
            }
            (e + 1, (g, -n))
        };
        let t = add(self.r, g, n)?;
        let fg = finer(g);
        Some((e, Val::point(start_of(t, fg)?, fg)))
    }

    /// "последние 2 дня", "следующие три недели", "ближайшие 3 часа".
    fn last_next(&self, i: usize) -> Res<Val> {
        let w = self.w(i)?;
        let dir = if w.starts_with("последн") || w.starts_with("прошедш") {
            -1
        } else if w.starts_with("следующ") || w.starts_with("ближайш") || w.starts_with("предстоящ")
        {
            1
        } else {
            return None;
        };
        let (e, n) = self.cardinal(i + 1)?;
        let u = words::unit(self.w(e)?)?;
        let g = unit_grain(u);
        let n = i64::from(n);
        let base = start_of(self.r, g)?;
        let (from, to) = if dir < 0 {
            (add(base, g, -n)?, base)
        } else {
            (add(base, g, 1)?, add(base, g, n + 1)?)
        };
        Some((e + 1, Val::interval(Some(from), Some(to), g)))
    }

    /// "в прошлом году", "этот месяц", "на этой неделе", "следующий квартал".
    fn period_rel(&self, i: usize) -> Res<Val> {
        let rel = words::relative(self.w(i)?)?;
        let uw = self.w(i + 1)?;
        let u = words::unit(uw)?;
        if matches!(u, Unit::Second | Unit::Minute | Unit::Hour) || !words::singular_unit(uw) {
            return None;
        }
        // "в этот день" points back to a day the text spoke of, not to today.
        if rel == 0 && u == Unit::Day {
            return None;
        }
        let g = unit_grain(u);
        let t = add(start_of(self.r, g)?, g, i64::from(rel))?;
        if self.is_w(i, &["эта"]) && self.is_w(i + 1, &["неделя"]) {
            // Duckling reads "эта неделя" as the days Monday..Saturday of this week.
            let to = add(t, Grain::Day, 6)?;
            return Some((i + 2, Val::interval(Some(t), Some(to), Grain::Day)));
        }
        Some((i + 2, Val::point(t, g)))
    }

    /// "в течение 3 дней", "в течение часа": from now to the end of the duration.
    fn within(&self, i: usize) -> Res<Val> {
        if !(self.is_w(i, &["в"]) && self.is_w(i + 1, &["течение"])) {
            return None;
        }
        let (e, (g, n)) = self.amount(i + 2)?;
        let fg = finer(g);
        let to = start_of(add(self.r, g, n)?, fg)?;
        Some((e, Val::interval(Some(start_of(self.r, fg)?), Some(to), fg)))
    }

    /// "конец месяца", "к концу года": the next unit, as Duckling reads it.
    fn end_of_period(&self, i: usize) -> Res<Val> {
        if !self.is_w(i, &["конец"]) {
            return None;
        }
        let g = match self.w(i + 1)? {
            "месяца" => Grain::Month,
            "года" => Grain::Year,
            "дня" => return Some((i + 2, Val::point(end_of(self.r, Grain::Day)?, Grain::Hour))),
            _ => return None,
        };
        Some((i + 2, Val::point(end_of(self.r, g)?, g)))
    }

    /// "в начале мая", "в середине июня 2024 года", "к концу года", "в конце прошлого
    /// месяца": the first, middle or last third of a month (days 1–10, 11–20, 21–end), of a
    /// year (January–March, April–September, October–December) or of a week.
    fn portion(&self, i: usize) -> Res<Val> {
        let which = match self.w(i)? {
            "начало" | "начале" | "начала" | "началу" => 0,
            "середина" | "середине" | "середины" | "середину" => 1,
            "конец" | "конце" | "конца" | "концу" => 2,
            _ => return None,
        };
        let j = i + 1;
        // the period: "года", "этого месяца", "прошлой недели", or a month/year expression
        let unit_word = |k: usize| -> Option<Grain> {
            match self.w(k)? {
                "года" => Some(Grain::Year),
                "месяца" => Some(Grain::Month),
                "недели" => Some(Grain::Week),
                _ => None,
            }
        };
        let (e, start, grain) = if let Some(g) = unit_word(j) {
            (j + 1, start_of(self.r, g)?, g)
        } else if let (Some(rel), Some(g)) = (self.w(j).and_then(words::relative), unit_word(j + 1))
        {
            (j + 2, add(start_of(self.r, g)?, g, i64::from(rel))?, g)
        } else {
            let (e, c) = self.comps(j)?;
            let v = self.build(&c)?;
            if !matches!(v.grain, Grain::Month | Grain::Year) || v.weak {
                return None;
            }
            (e, v.start()?, v.grain)
        };
        let end = add(start, grain, 1)?;
        let (from, to, g) = match grain {
            Grain::Month => {
                let cut = |d: i64| add(start, Grain::Day, d);
                match which {
                    0 => (start, cut(10)?, Grain::Day),
                    1 => (cut(10)?, cut(20)?, Grain::Day),
                    _ => (cut(20)?, end, Grain::Day),
                }
            }
            Grain::Year => {
                let cut = |m: i64| add(start, Grain::Month, m);
                match which {
                    0 => (start, cut(3)?, Grain::Month),
                    1 => (cut(3)?, cut(9)?, Grain::Month),
                    _ => (cut(9)?, end, Grain::Month),
                }
            }
            _ => {
                let cut = |d: i64| add(start, Grain::Day, d);
                match which {
                    0 => (start, cut(2)?, Grain::Day),
                    1 => (cut(2)?, cut(4)?, Grain::Day),
                    _ => (cut(4)?, end, Grain::Day),
                }
            }
        };
        Some((e, Val::interval(Some(from), Some(to), g)))
    }

    /// "в первой половине 2025 года", "во втором полугодии", "во второй половине мая".
    fn half_period(&self, i: usize) -> Res<Val> {
        let w0 = self.w(i)?;
        let which = match words::ordinal(w0).or_else(|| roman(w0)) {
            Some(1) => 0,
            Some(2) => 1,
            _ => return None,
        };
        let w = self.w(i + 1)?;
        let is_half = w.starts_with("половин");
        let is_halfyear = w.starts_with("полугоди");
        if !is_half && !is_halfyear {
            return None;
        }
        let j = i + 2;
        let (e, start, grain) = if self.is_w(j, &["года"]) {
            (j + 1, start_of(self.r, Grain::Year)?, Grain::Year)
        } else if self.is_w(j, &["месяца"]) && is_half {
            (j + 1, start_of(self.r, Grain::Month)?, Grain::Month)
        } else if let (Some(rel), true) = (
            self.w(j).and_then(words::relative),
            self.is_w(j + 1, &["года"]),
        ) {
            (
                j + 2,
                add(start_of(self.r, Grain::Year)?, Grain::Year, i64::from(rel))?,
                Grain::Year,
            )
        } else if let Some((e, c)) = self.comps(j) {
            let v = self.build(&c)?;
            let ok = matches!(v.grain, Grain::Year) || (is_half && v.grain == Grain::Month);
            if !ok || v.weak {
                return None;
            }
            (e, v.start()?, v.grain)
        } else if is_halfyear {
            // "во втором полугодии": of the current year
            (j, start_of(self.r, Grain::Year)?, Grain::Year)
        } else {
            return None;
        };
        let (from, to, g) = if grain == Grain::Year {
            let mid = add(start, Grain::Month, 6)?;
            if which == 0 {
                (start, mid, Grain::Month)
            } else {
                (mid, add(start, Grain::Year, 1)?, Grain::Month)
            }
        } else {
            let mid = add(start, Grain::Day, 15)?;
            if which == 0 {
                (start, mid, Grain::Day)
            } else {
                (mid, add(start, Grain::Month, 1)?, Grain::Day)
            }
        };
        Some((e, Val::interval(Some(from), Some(to), g)))
    }

    /// "в 90-х годах", "1990-е", "в 2010-х": the ten years of a decade.
    fn decade(&self, i: usize) -> Res<Val> {
        let n = self.n(i)?;
        let d = self.digits(i);
        if !(self.is_dash(i + 1)
            && self.glued(i + 1)
            && self.is_w(i + 2, &["х", "е", "ые", "ых", "ми"]))
        {
            return None;
        }
        let y = match d {
            2 if n % 10 == 0 => {
                if n >= 30 {
                    1900 + n
                } else {
                    2000 + n
                }
            }
            4 if n % 10 == 0 && (1000..=2990).contains(&n) => n,
            _ => return None,
        };
        let mut e = i + 3;
        if let Some(e2) = self.year_word(e) {
            e = e2;
        } else if d == 2 {
            // "90-х" alone is too often something else ("90-х отметок")
            return None;
        }
        let y = i32::try_from(y).ok()?;
        let from = midnight(date_opt(y, 1, 1)?);
        let to = midnight(date_opt(y.checked_add(10)?, 1, 1)?);
        Some((e, Val::interval(Some(from), Some(to), Grain::Year)))
    }

    /// "XX век", "в XXI веке": the hundred years of a century (1901–2000 for the XX).
    fn century(&self, i: usize) -> Res<Val> {
        let n = roman(self.w(i)?)?;
        if !(1..=30).contains(&n) || !self.is_w(i + 1, &["век", "века", "веке", "веку", "веком"])
        {
            return None;
        }
        let n = i32::try_from(n).ok()?;
        let from = midnight(date_opt((n - 1) * 100 + 1, 1, 1)?);
        let to = midnight(date_opt(n * 100 + 1, 1, 1)?);
        Some((i + 2, Val::interval(Some(from), Some(to), Grain::Year)))
    }

    /// "3 дня после Рождества", "за 2 часа до начала" → "2 часа перед …".
    fn duration_around(&self, i: usize) -> Res<Val> {
        let (e, (g, n)) = self.amount(i)?;
        let sign = if self.is_w(e, &["после", "спустя"]) {
            1
        } else if self.is_w(e, &["перед", "до"]) {
            -1
        } else {
            return None;
        };
        let (e2, v) = self.expr(e + 1)?;
        let base = v.start()?;
        let t = add(base, g, sign * n)?;
        let grain = v.grain.min(g);
        Some((e2, Val::point(start_of(t, grain)?, grain)))
    }

    /// "ночь с 2 на 3 апреля": the night that ends the morning of the second day.
    fn night_of(&self, i: usize) -> Res<Val> {
        if !self.is_w(i, &["ночь"]) || !self.is_w(i + 1, &["с", "со"]) {
            return None;
        }
        let (mut j, _) = self.day_number(i + 2)?;
        if let Some((e, _)) = self.month_name(j) {
            j = e;
        }
        if !self.is_w(j, &["на"]) {
            return None;
        }
        let (e, c) = self.comps(j + 1)?;
        let v = self.build(&c)?;
        if v.grain != Grain::Day {
            return None;
        }
        let d = v.start()?.date();
        let (a, b) = DayPart::Night.hours();
        Some((
            e,
            Val::interval(Some(at(d, a, 0, 0)?), Some(at(d, b, 0, 0)?), Grain::Hour),
        ))
    }

    /// "среда после следующей": the occurrence after the next one.
    fn after_next(&self, i: usize) -> Res<Val> {
        let wd = words::weekday(self.w(i)?)?;
        if !(self.is_w(i + 1, &["после"])
            && self.w(i + 2).is_some_and(|w| w.starts_with("следующ")))
        {
            return None;
        }
        let d = self
            .resolve_weekday(wd, Some(1), None)?
            .checked_add_days(Days::new(7))?;
        Some((i + 3, Val::point(midnight(d), Grain::Day)))
    }

    /// "первый вторник октября", "последний понедельник в марте", "первая неделя
    /// октября 2014", "третий день в октябре", "первый вторник после 14 октября".
    fn nth_of(&self, i: usize) -> Res<Val> {
        let w = self.w(i)?;
        let nth: i64 = if w.starts_with("последн") {
            -1
        } else {
            i64::from(words::ordinal(w)?)
        };
        let next = self.w(i + 1)?;
        enum What {
            Weekday(u32),
            Cycle(Grain),
        }
        let what = if let Some(wd) = words::weekday(next) {
            What::Weekday(wd)
        } else {
            let u = words::unit(next)?;
            if matches!(u, Unit::Second | Unit::Minute) {
                return None;
            }
            What::Cycle(unit_grain(u))
        };
        let mut j = i + 2;
        let after = self.is_w(j, &["после"]);
        if after || self.is_w(j, &["в", "во"]) {
            j += 1;
        }
        let (e, c) = self.comps(j)?;
        let outer = self.build(&c)?;
        let (from, to) = (outer.start()?, outer.end()?);
        let v = match what {
            What::Weekday(wd) => {
                let first_after = |t: NaiveDateTime| -> Option<NaiveDate> {
                    let d = t.date();
                    let ahead = (wd + 7 - d.weekday().num_days_from_monday()) % 7;
                    d.checked_add_days(Days::new(u64::from(ahead)))
                };
                let day = if after {
                    let start = first_after(add(to, Grain::Second, 0)?)?;
                    start.checked_add_days(Days::new(7 * u64::try_from(nth - 1).ok()?))?
                } else if nth < 0 {
                    let last = to.date().pred_opt()?;
                    let back = (last.weekday().num_days_from_monday() + 7 - wd) % 7;
                    last.checked_sub_days(Days::new(u64::from(back)))?
                } else {
                    first_after(from)?
                        .checked_add_days(Days::new(7 * u64::try_from(nth - 1).ok()?))?
                };
                if !after && (midnight(day) < from || midnight(day) >= to) {
                    return None;
                }
                Val::point(midnight(day), Grain::Day)
            }
            What::Cycle(g) => {
                if g >= outer.grain && !after {
                    return None;
                }
                let t = if nth < 0 {
                    start_of(add(to, Grain::Second, -1)?, g)?
                } else {
                    add(start_of(from, g)?, g, nth - 1)?
                };
                Val::point(t, g)
            }
        };
        Some((e, v))
    }

    /// "весна", "зимой", "прошлым летом", "летом 2024 года".
    fn season(&self, i: usize) -> Res<Val> {
        let (j, rel) = match self.w(i).and_then(words::relative) {
            Some(r) => (i + 1, Some(r)),
            None => (i, None),
        };
        let start_month = match self.w(j)? {
            "весна" | "весну" | "весной" | "весны" | "весне" => 3,
            "лето" | "летом" | "лета" | "лете" => 6,
            "осень" | "осенью" | "осени" => 9,
            "зима" | "зиму" | "зимой" | "зимы" | "зиме" => 12,
            _ => return None,
        };
        let mut e = j + 1;
        let ry = self.ref_year();
        let season_at = |y: i32| -> Option<(NaiveDateTime, NaiveDateTime)> {
            let s = midnight(date_opt(y, start_month, 1)?);
            Some((s, add(s, Grain::Month, 3)?))
        };
        let (from, to) = if let Some((e2, (y, yr))) = self.year_after(e) {
            e = e2;
            let y = y.or(yr.map(|r| ry + r))?;
            season_at(y)?
        } else {
            // the current season, else the next one
            let bare = (ry - 1..=ry + 1)
                .filter_map(season_at)
                .find(|(_, to)| *to > self.r)?;
            match rel {
                Some(r) if r < 0 => (add(bare.0, Grain::Year, -1)?, add(bare.1, Grain::Year, -1)?),
                Some(r) if r > 0 && bare.0 <= self.r => {
                    (add(bare.0, Grain::Year, 1)?, add(bare.1, Grain::Year, 1)?)
                }
                _ => bare,
            }
        };
        Some((e, Val::interval(Some(from), Some(to), Grain::Day)))
    }

    /// Fixed-date holidays: "Рождество (Христово)", "Новый год", "День Победы".
    fn holiday(&self, i: usize) -> Res<Val> {
        let (e, m, d) = match (self.w(i)?, self.w(i + 1)) {
            ("рождество" | "рождества" | "рождеству", Some("христово" | "христова")) => {
                (i + 2, 1, 7)
            }
            ("рождество" | "рождества" | "рождеству", _) => {
                (i + 1, 1, 7)
            }
            ("новый" | "нового" | "новому", Some("год" | "года" | "году")) => {
                (i + 2, 1, 1)
            }
            ("день" | "дня" | "дню", Some("победы")) => (i + 2, 5, 9),
            ("день" | "дня" | "дню", Some("знаний")) => (i + 2, 9, 1),
            ("день" | "дня" | "дню", Some("защитника")) => {
                let e = if self.is_w(i + 2, &["отечества"]) {
                    i + 3
                } else {
                    i + 2
                };
                (e, 2, 23)
            }
            ("день" | "дня" | "дню", Some("смеха")) => (i + 2, 4, 1),
            ("день" | "дня" | "дню", Some("труда")) => (i + 2, 5, 1),
            ("день" | "дня" | "дню", Some("россии")) => (i + 2, 6, 12),
            ("день" | "дня" | "дню", Some("единства")) => (i + 2, 11, 4),
            ("день" | "дня" | "дню", Some("народного")) if self.is_w(i + 2, &["единства"]) => {
                (i + 3, 11, 4)
            }
            (
                "международный" | "международного" | "международному",
                Some("женский" | "женского" | "женскому"),
            ) if self.is_w(i + 2, &["день", "дня", "дню"]) => (i + 3, 3, 8),
            _ => return None,
        };
        // strictly upcoming, as Duckling resolves holidays
        let today = self.r.date();
        let ry = self.ref_year();
        let day = (ry..=ry + 1)
            .filter_map(|y| date_opt(y, m, d))
            .find(|dt| *dt > today)?;
        Some((e, Val::point(midnight(day), Grain::Day)))
    }

    /// "в эти выходные", "на выходных", "в следующие выходные": Friday 18:00 to Monday.
    fn weekend(&self, i: usize) -> Res<Val> {
        let (j, rel) = match self.w(i).and_then(words::relative) {
            Some(r) => (i + 1, r),
            None => (i, 0),
        };
        if !self.is_w(j, &["выходные", "выходных", "выходным", "выходными"])
        {
            return None;
        }
        let monday = add(start_of(self.r, Grain::Week)?, Grain::Week, i64::from(rel))?;
        let from = add(monday, Grain::Hour, 4 * 24 + 18)?;
        let to = add(monday, Grain::Day, 7)?;
        Some((j + 1, Val::interval(Some(from), Some(to), Grain::Hour)))
    }
}

/// The value of a Roman numeral (Latin letters, or Cyrillic "Х" written for "X").
fn roman(w: &str) -> Option<u32> {
    let mut total = 0u32;
    let mut prev = 0u32;
    for c in w.chars().rev() {
        let v = match c {
            'i' | 'і' => 1,
            'v' => 5,
            'x' | 'х' => 10,
            'l' => 50,
            'c' => 100,
            _ => return None,
        };
        if v < prev {
            total = total.checked_sub(v)?;
        } else {
            total = total.checked_add(v)?;
            prev = v;
        }
    }
    (total > 0).then_some(total)
}

/// Half of a unit (`k` = 1) or one and a half (`k` = 3), in the next finer unit.
fn half(u: Unit, k: i64) -> Option<(Grain, i64)> {
    Some(match u {
        Unit::Second => (Grain::Second, k / 2 + 1),
        Unit::Minute => (Grain::Second, 30 * k),
        Unit::Hour => (Grain::Minute, 30 * k),
        Unit::Day => (Grain::Hour, 12 * k),
        Unit::Week => (Grain::Hour, 84 * k),
        Unit::Month => (Grain::Day, 15 * k),
        Unit::Quarter => (Grain::Month, k + k / 2),
        Unit::Year => (Grain::Month, 6 * k),
    })
}
