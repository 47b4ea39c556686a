//! Numbers and calendar dates: cardinals and day numbers (digits or words), month names,
//! year markers, full and numeric dates ("18 февраля 2015", "31.10.74", "2025-04-03"), dates
//! readable only in context ("15-го", a bare "2014") and quarters.

use super::{Comps, DateC, Parser, Res};
use crate::calendar::date_opt;
use crate::lex::Kind;
use crate::words;

impl<'a> Parser<'a> {
    // ---------- numbers ----------

    /// A cardinal number 0–99 as digits or words ("двадцать четыре"), with its end.
    pub(super) fn cardinal(&self, i: usize) -> Res<u32> {
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
    pub(super) fn day_number(&self, i: usize) -> Res<u32> {
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

    pub(super) fn month_name(&self, i: usize) -> Res<u32> {
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
    pub(super) fn year_word(&self, i: usize) -> Option<usize> {
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
    pub(super) fn year_after(&self, i: usize) -> Res<(Option<i32>, Option<i32>)> {
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
    pub(super) fn date(&self, i: usize) -> Res<DateC> {
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
            // Duckling's "<named-month> <day-of-month>": "октября 18-го" anywhere; "октябрь
            // 18", "марта первое" only at the very end ("в октябре 18 человек" is a count)
            if let Some((e2, d)) = self.day_number(e) {
                let suffixed = self.n(e).is_some() && e2 > e + 1;
                if suffixed || e2 == self.t.len() {
                    dc.day = Some(d);
                    end = e2;
                }
            }
            if let Some((e2, (y, yr))) = self.year_after(end) {
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
    pub(super) fn loose_date(&self, i: usize, c: &mut Comps) -> Res<DateC> {
        // Duckling's "dd.mm" ("15.02", "15.2") without a trailing dot: a date as a whole
        // phrase, a decimal number in running text
        if (1..=2).contains(&self.digits(i))
            && self.p(i + 1, ".")
            && self.glued(i + 1)
            && self.glued(i + 2)
            && (1..=2).contains(&self.digits(i + 2))
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
        if self.month_name(i).is_some() {
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
        // ISO and Duckling's yyyy-m-d: 2025-04-03, 2013-2-15
        if self.digits(i) == 4
            && self.p(i + 1, "-")
            && (1..=2).contains(&self.digits(i + 2))
            && self.p(i + 3, "-")
            && (1..=2).contains(&self.digits(i + 4))
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
    /// A word after it must be a date word or a range word: "до 15.2 процента" is a number.
    fn date_context(&self, i: usize) -> bool {
        let after = i + 3;
        let word_ok = self.w(after).is_none()
            || self.is_w(after, &["по", "до", "и", "в", "во", "включительно"])
            || self.ends_clause(after);
        i > 0
            && word_ok
            && (self.is_w(i - 1, &["с", "со", "по", "до", "от", "к"])
                || self.is_dash(i - 1)
                || self.p(i - 1, ","))
    }
}
