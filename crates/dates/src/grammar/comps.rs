//! Component groups: one component (day word, weekday, date, time, part of the day, zone)
//! merged into a run ("вторник, 1 апреля 2025 в 15:30 (мск)"), the year of a day-month
//! without one, and turning a group into a value against the reference.

use chrono::{Datelike, Days, NaiveDate};
use khronika_model::Grain;

use super::{Comps, DateC, Parser, Prefer, Res, Val, PAST_WINDOW_DAYS};
use crate::calendar::{add, at, date_opt, end_of, midnight, start_of};
use crate::words::{self, DayPart};

impl<'a> Parser<'a> {
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
            // Duckling's "last/this <month>" (months take "прошлый"/"этот" like weekdays):
            // "в прошлом марте" is the last March already over, "этот март" the current or
            // the coming one.
            if let Some(r) = rel.filter(|r| *r <= 0) {
                if let (Some((e, m)), None) = (self.month_name(j), c.date) {
                    c.date = Some(DateC {
                        month: Some(m),
                        year: Some(self.month_year(m, r)?),
                        ..DateC::default()
                    });
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
    pub(super) fn comps(&self, i: usize) -> Res<Comps> {
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

    /// The year of month `m` taken `rel` times back (0: the current or next one; −1: the
    /// last one over).
    fn month_year(&self, m: u32, rel: i32) -> Option<i32> {
        let ry = self.ref_year();
        let cur = self.r.month();
        let upcoming = if m >= cur { ry } else { ry + 1 };
        let last_over = if m < cur { ry } else { ry - 1 };
        Some(if rel == 0 {
            upcoming
        } else {
            last_over.checked_add(rel + 1)?
        })
    }

    pub(super) fn ref_year(&self) -> i32 {
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
    pub(super) fn resolve_weekday(
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
    pub(super) fn build(&self, c: &Comps) -> Option<Val> {
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
                    // A clock time without a day is its next occurrence, and — Duckling's
                    // convention for every period — a unit that has begun but not ended
                    // ("в 4" at 4:30, the 4 o'clock hour) still counts as upcoming.
                    let today = self.r.date();
                    let cand = at(today, h, mi, s)?;
                    let lasts = |t| end_of(t, grain).is_some_and(|e| e > self.r);
                    if tc.ambiguous && part.is_none() {
                        let pm = if h < 12 {
                            at(today, h + 12, mi, s)
                        } else {
                            None
                        };
                        if lasts(cand) {
                            cand
                        } else if let Some(pm) = pm.filter(|pm| lasts(*pm)) {
                            pm
                        } else {
                            add(cand, Grain::Day, 1)?
                        }
                    } else if c.zone.is_some() || lasts(cand) {
                        cand
                    } else if let Some(p) = part.filter(|p| p.contains(h)) {
                        // Duckling intersects the hour with the part of the day: "3:18
                        // утра" said at 4:30 is this morning's while the morning lasts.
                        if at(today, p.hours().1, 0, 0)? > self.r {
                            cand
                        } else {
                            add(cand, Grain::Day, 1)?
                        }
                    } else {
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
}
