//! Ranges and open intervals: "с 13 по 15 июля", "9:30 - 11:00", "в январе-феврале 2025
//! года" (the left side borrowing what it omits from the right), "до конца дня", "после 15
//! часов", "начиная с 1 апреля".

use khronika_model::Grain;

use super::{Comps, DateC, Parser, Res, Shape, TimeC, Val};
use crate::calendar::{add, end_of};
use crate::words;

impl<'a> Parser<'a> {
    // ---------- ranges and open intervals ----------

    /// "13 - 15 июля", "с 13 по 15 июля", "14./15.10.2018", "9:30 - 11:00",
    /// "в январе-феврале 2025 года", "с 2020 по 2023 год".
    pub(super) fn range(&self, i: usize) -> Res<Val> {
        self.range_with(i, None)
    }

    /// [`Self::range`] given the component group read at `i` when the caller has it.
    pub(super) fn range_with(&self, i: usize, group: Option<&(usize, Comps)>) -> Res<Val> {
        let between = self.is_w(i, &["между"]);
        let (i, from_word) = if self.is_w(i, &["с", "со", "от", "между"]) {
            (i + 1, true)
        } else {
            (i, false)
        };
        // The left side: a full component group, or a bare day / year number to be
        // completed from the right side.
        let full = match group {
            Some(g) if !from_word => Some(*g),
            _ => self.comps(i),
        };
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

    /// Duckling's "intersect" of a day with a clock range: "завтра с 10 до 12", "в среду,
    /// с 9:00 до 18:00" — the range's clock times on that day.
    /// `group` is the component group read at the start, shared with the caller.
    pub(super) fn day_then_clock_range(&self, group: Option<&(usize, Comps)>) -> Res<Val> {
        let (e, c) = group?;
        let j = if self.p(*e, ",") { e + 1 } else { *e };
        // cheap test first: a range starts with "с", "от", "между" or a number
        let starts_range = self.is_w(j, &["с", "со", "от", "между"])
            || self
                .t
                .get(j)
                .is_some_and(|t| t.kind == crate::lex::Kind::Num);
        let dayless = c.date.is_none() && c.day_off.is_none() && c.weekday.is_none();
        if !starts_range || c.time.is_some() || c.midnight || dayless {
            return None;
        }
        let day = self.build(c)?;
        if day.grain != Grain::Day {
            return None;
        }
        let d = day.start()?.date();
        let (re, range) = self.range(j)?;
        let (Shape::Interval(Some(from), Some(to)), true) =
            (range.shape, range.grain <= Grain::Hour)
        else {
            return None;
        };
        let start = d.and_time(from.time());
        let end = start.checked_add_signed(to.signed_duration_since(from))?;
        Some((
            re,
            Val {
                shape: Shape::Interval(Some(start), Some(end)),
                ..range
            },
        ))
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
        // Duckling's intervals end at the first occurrence of the right side after the left
        // one: "с понедельника по пятницу" said on a Tuesday runs Monday to the Friday after.
        let weekday_only =
            |c: &Comps| c.weekday.is_some() && c.date.is_none() && c.day_off.is_none();
        if weekday_only(&l) && weekday_only(right) {
            if let (Shape::Point(ta), Shape::Point(tb)) = (a.shape, b.shape) {
                if tb < ta {
                    b.shape = Shape::Point(add(tb, Grain::Week, 1)?);
                }
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
    pub(super) fn until(&self, i: usize) -> Res<Val> {
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
    pub(super) fn since(&self, i: usize) -> Res<Val> {
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
}
