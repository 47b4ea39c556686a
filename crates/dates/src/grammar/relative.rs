//! Relative and named periods: amounts of time and durations ("через 3 дня", "неделю назад",
//! "последние 2 дня", "в течение часа"), periods relative to now ("в прошлом году"), parts,
//! halves, decades and centuries, "ночь с 2 на 3 апреля", "первый вторник октября", seasons,
//! fixed-date holidays and weekends.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};
use khronika_model::Grain;

use super::{Parser, Res, Val};
use crate::calendar::{add, at, date_opt, end_of, finer, midnight, start_of, unit_grain};
use crate::words::{self, DayPart, Unit};

impl<'a> Parser<'a> {
    // ---------- relative expressions ----------

    /// An amount of time: "3 дня", "две недели", "час", "полчаса", "полтора года".
    fn amount(&self, i: usize) -> Res<(Grain, i64)> {
        // Duckling's "about|exactly <duration>": "через ровно 2 часа", "где-то час"
        if self.is_w(i, &["ровно", "примерно", "приблизительно"]) {
            return self.amount(i + 1);
        }
        if self.is_w(i, &["где"]) && self.is_dash(i + 1) && self.is_w(i + 2, &["то"]) {
            return self.amount(i + 3);
        }
        if let Some(w) = self.w(i) {
            // "полчаса", "получаса", "полгода", and Duckling's "пол часа" written apart
            let rest = w
                .strip_prefix("полу")
                .or_else(|| w.strip_prefix("пол"))
                .filter(|r| !r.is_empty() && !matches!(w, "полдень" | "полудня" | "полудню"));
            if let Some(u) = rest.and_then(words::unit) {
                return Some((i + 1, half(u, 1)?));
            }
            if w == "пол" {
                if let Some(u) = self.w(i + 1).filter(|n| words::singular_unit(n)) {
                    return Some((i + 2, half(words::unit(u)?, 1)?));
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
    pub(super) fn relative_duration(&self, i: usize) -> Res<Val> {
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
    pub(super) fn last_next(&self, i: usize) -> Res<Val> {
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
    pub(super) fn period_rel(&self, i: usize) -> Res<Val> {
        let rel = words::relative(self.w(i)?)?;
        let uw = self.w(i + 1)?;
        let u = words::unit(uw)?;
        // Duckling's "next/last <cycle>" takes every grain; "в этот час", "в следующую
        // минуту" narrate a moment of the story far more often than they point at the clock,
        // so only a next or last hour is read below the day.
        let clock = match u {
            Unit::Second | Unit::Minute => true,
            Unit::Hour => rel == 0,
            _ => false,
        };
        if clock || !words::singular_unit(uw) {
            return None;
        }
        // "в этот день" points back to a day the text spoke of, not to today.
        if rel == 0 && u == Unit::Day {
            return None;
        }
        // "за прошедшие сутки", "в ближайшие сутки": the 24 hours before or after now (how
        // incident and weather reports use it), not a calendar day
        if matches!(uw, "сутки" | "суток") {
            let other = add(self.r, Grain::Day, i64::from(rel.signum()))?;
            let (from, to) = if rel < 0 {
                (other, self.r)
            } else {
                (self.r, other)
            };
            return Some((i + 2, Val::interval(Some(from), Some(to), Grain::Hour)));
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
    pub(super) fn within(&self, i: usize) -> Res<Val> {
        if !(self.is_w(i, &["в"]) && self.is_w(i + 1, &["течение"])) {
            return None;
        }
        let (e, (g, n)) = self.amount(i + 2)?;
        // Duckling: an open interval from now (a second-grain instant) to "через …"
        let to = start_of(add(self.r, g, n)?, finer(g))?;
        Some((e, Val::interval(Some(self.r), Some(to), Grain::Second)))
    }

    /// "конец месяца", "конца года", "в конце дня", "к концу дня": the next unit, as
    /// Duckling's instants "(конец|конца) месяца|года" and "кон(ец|ц(а|е)) дня" read them.
    /// "в конце / к концу месяца" stays with `portion` (the last third, as news means it).
    pub(super) fn end_of_period(&self, i: usize) -> Res<Val> {
        let w = self.w(i)?;
        if self.is_w(i + 1, &["дня"]) && matches!(w, "конец" | "конца" | "конце" | "концу")
        {
            return Some((i + 2, Val::point(end_of(self.r, Grain::Day)?, Grain::Hour)));
        }
        if !matches!(w, "конец" | "конца") {
            return None;
        }
        let g = match self.w(i + 1)? {
            "месяца" => Grain::Month,
            "года" => Grain::Year,
            _ => return None,
        };
        Some((i + 2, Val::point(end_of(self.r, g)?, g)))
    }

    /// "в начале мая", "в середине июня 2024 года", "к концу года", "в конце прошлого
    /// месяца": the first, middle or last third of a month (days 1–10, 11–20, 21–end), of a
    /// year (January–March, April–September, October–December) or of a week.
    pub(super) fn portion(&self, i: usize) -> Res<Val> {
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
    pub(super) fn half_period(&self, i: usize) -> Res<Val> {
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
    pub(super) fn decade(&self, i: usize) -> Res<Val> {
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
    pub(super) fn century(&self, i: usize) -> Res<Val> {
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
    pub(super) fn duration_around(&self, i: usize) -> Res<Val> {
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
    pub(super) fn night_of(&self, i: usize) -> Res<Val> {
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
    pub(super) fn after_next(&self, i: usize) -> Res<Val> {
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
    pub(super) fn nth_of(&self, i: usize) -> Res<Val> {
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
        // the outer period: a date group ("октября 2014") or a relative cycle ("этого года")
        let (e, outer) = match self.comps(j).and_then(|(e, c)| Some((e, self.build(&c)?))) {
            Some(r) => r,
            None => self.period_rel(j)?,
        };
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
                    // Duckling counts whole units starting inside the period: "первая
                    // неделя октября 2014" is the week of Monday 6 October, not the one of
                    // 29 September that merely runs into it.
                    let mut first = start_of(from, g)?;
                    if first < from {
                        first = add(first, g, 1)?;
                    }
                    add(first, g, nth - 1)?
                };
                Val::point(t, g)
            }
        };
        Some((e, v))
    }

    /// "весна", "зимой", "прошлым летом", "летом 2024 года".
    pub(super) fn season(&self, i: usize) -> Res<Val> {
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
    pub(super) fn holiday(&self, i: usize) -> Res<Val> {
        // Duckling's holidays take "this/last" like weekdays: "в прошлое рождество"
        let (i, rel) = match self.w(i).and_then(words::relative).filter(|r| *r <= 0) {
            Some(r) => (i + 1, r),
            None => (i, 0),
        };
        const XMAS: [&str; 4] = ["рождество", "рождества", "рождеству", "рождеством"];
        let (e, m, d) = match (self.w(i)?, self.w(i + 1)) {
            (w, Some("христово" | "христова" | "христову" | "христовым")) if XMAS.contains(&w) => {
                (i + 2, 1, 7)
            }
            (w, _) if XMAS.contains(&w) => (i + 1, 1, 7),
            // "в новом году" is the coming year, not the holiday: no prepositional case
            ("новый" | "нового" | "новому" | "новым", Some("год" | "года" | "году" | "годом")) => {
                (i + 2, 1, 1)
            }
            ("день" | "дня" | "дню" | "днем", Some("победы")) => (i + 2, 5, 9),
            ("день" | "дня" | "дню" | "днем", Some("знаний")) => (i + 2, 9, 1),
            ("день" | "дня" | "дню" | "днем", Some("защитника")) => {
                let e = if self.is_w(i + 2, &["отечества"]) {
                    i + 3
                } else {
                    i + 2
                };
                (e, 2, 23)
            }
            ("день" | "дня" | "дню" | "днем", Some("смеха")) => (i + 2, 4, 1),
            ("день" | "дня" | "дню" | "днем", Some("труда")) => (i + 2, 5, 1),
            ("день" | "дня" | "дню" | "днем", Some("россии")) => (i + 2, 6, 12),
            ("день" | "дня" | "дню" | "днем", Some("единства")) => {
                (i + 2, 11, 4)
            }
            ("день" | "дня" | "дню" | "днем", Some("народного"))
                if self.is_w(i + 2, &["единства"]) =>
            {
                (i + 3, 11, 4)
            }
            (
                "международный" | "международного" | "международному",
                Some("женский" | "женского" | "женскому"),
            ) if self.is_w(i + 2, &["день", "дня", "дню"]) => (i + 3, 3, 8),
            _ => return None,
        };
        // strictly upcoming, as Duckling resolves holidays; "прошлый" the last one passed
        let today = self.r.date();
        let ry = self.ref_year();
        let day = if rel < 0 {
            (ry - 2..=ry)
                .rev()
                .filter_map(|y| date_opt(y, m, d))
                .filter(|dt| *dt < today)
                .nth(usize::try_from(-rel - 1).ok()?)?
        } else {
            (ry..=ry + 1)
                .filter_map(|y| date_opt(y, m, d))
                .find(|dt| *dt > today)?
        };
        Some((e, Val::point(midnight(day), Grain::Day)))
    }

    /// "в эти выходные", "на выходных", "в следующие выходные": Friday 18:00 to Monday.
    pub(super) fn weekend(&self, i: usize) -> Res<Val> {
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
