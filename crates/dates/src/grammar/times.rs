//! Clock times ("14:05", "в 15 часов", "8 часов вечера", "в полдень"), the part of the day
//! after an hour ("утра", "вечера") and stated time zones ("GMT", "(мск)", "по московскому
//! времени").

use super::{Parser, Res, TimeC, Zone};
use crate::words::{self, DayPart};

impl<'a> Parser<'a> {
    /// A clock time: "14:05", "17ч10", "в 15 часов", "8 часов вечера", "в три", "в полдень".
    pub(super) fn time(&self, i: usize) -> Res<TimeC> {
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
                // Duckling's hh:mm and "<time-of-day> o'clock" rules: "18:30ч", "15:00 ч.",
                // "18:30 часов" name the same clock time.
                let e = self.hour_word(e).unwrap_or(e);
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
        if let Some(after) = self.hour_word(e) {
            hour_word = true;
            e = after;
            if let Some((e2, m)) = self.cardinal(e) {
                if m < 60 && self.is_w(e2, &["минут", "минуты", "минута", "мин"])
                {
                    minute = Some(m);
                    e = e2 + 1;
                }
            }
        }
        // Duckling's "<hour-of-day> <integer> (as relative minutes)": "в 9 30", "в девять
        // тридцать", "в 10 часов 30" — only after an hour that is surely one ("в", "часов").
        if minute.is_none() && (hour_word || prep) {
            if let Some((e2, m)) = self.relative_minutes(e) {
                minute = Some(m);
                e = e2;
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
        if !hour_word && part.is_none() && self.w(e).is_some() && !self.ends_clause(e) {
            return None;
        }
        // "в 19 45" is as sure a clock time as "в 19 часов"
        let weak = part.is_none() && !((hour_word || minute.is_some()) && prep);
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

    /// "ч", "ч.", "час", "часа", "часов", "часу", "часами" after an hour: the end of the word.
    fn hour_word(&self, i: usize) -> Option<usize> {
        match self.w(i)? {
            "ч" => Some(if self.p(i + 1, ".") { i + 2 } else { i + 1 }),
            "час" | "часа" | "часов" | "часу" | "часами" => Some(i + 1),
            _ => None,
        }
    }

    /// Minutes written after an hour without "минут": two digits ("9 05", "9 30") or a
    /// numeral word ("тридцать", "сорок пять"), ending the phrase or followed by
    /// punctuation or another date word — "в 9 30 человек" is a count, not a time.
    fn relative_minutes(&self, i: usize) -> Res<u32> {
        let (e, m) = if self.n(i).is_some() {
            if self.digits(i) != 2 {
                return None;
            }
            (i + 1, self.n(i)?)
        } else {
            self.cardinal(i)?
        };
        if !(1..60).contains(&m) || !self.ends_clause(e) {
            return None;
        }
        Some((e, m))
    }

    /// Nothing after `i` but punctuation, the end, or a date word (a part of the day, a
    /// weekday, a day word, a zone).
    pub(super) fn ends_clause(&self, i: usize) -> bool {
        match self.t.get(i) {
            None => true,
            Some(t) if t.kind == crate::lex::Kind::Punct => true,
            Some(t) if t.kind == crate::lex::Kind::Num => false,
            Some(_) => self.w(i).is_some_and(|w| {
                words::weekday(w).is_some()
                    || words::day_part(w).is_some()
                    || self.zone(i).is_some()
                    || matches!(
                        w,
                        "сегодня" | "завтра" | "вчера" | "послезавтра" | "позавчера"
                    )
            }),
        }
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
    pub(super) fn zone(&self, i: usize) -> Res<Zone> {
        self.zone_within(i, 0)
    }

    /// A zone inside `wrappers` enclosing "(" / "по". Real zones have one ("(мск)", "по
    /// мск"); unbounded, hostile text such as "((((…" or "по(по(…" recursed until the
    /// stack overflowed.
    fn zone_within(&self, i: usize, wrappers: u32) -> Res<Zone> {
        if (self.p(i, "(") || self.is_w(i, &["по"])) && wrappers >= 2 {
            return None;
        }
        if self.p(i, "(") {
            let (e, z) = self.zone_within(i + 1, wrappers + 1)?;
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
            if let Some((e, z)) = self.zone_within(i + 1, wrappers + 1) {
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
                    // Central Asian and neighbouring zones from Duckling's zone list
                    "uzt" | "tjt" | "tmt" | "aqtt" | "pkt" => 5.0,
                    "kgt" => 6.0,
                    "azt" => 4.0,
                    "novt" => 7.0,
                    "hkt" | "sgt" => 8.0,
                    "aest" => 10.0,
                    "aedt" => 11.0,
                    "nzst" => 12.0,
                    "nzdt" => 13.0,
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
            // the region's capitals, as "по Москве" / "по Астане" are written
            ("ташкенту", _) => return Some((i + 2, Zone::Tz(chrono_tz::Asia::Tashkent))),
            ("бишкеку", _) => return Some((i + 2, Zone::Tz(chrono_tz::Asia::Bishkek))),
            ("душанбе", _) => return Some((i + 2, Zone::Tz(chrono_tz::Asia::Dushanbe))),
            ("ашхабаду", _) => return Some((i + 2, Zone::Tz(chrono_tz::Asia::Ashgabat))),
            ("гринвичу", _) => return Some((i + 2, Zone::Fixed(0))),
            _ => return None,
        };
        Some((i + 3, Zone::Tz(tz)))
    }
}
