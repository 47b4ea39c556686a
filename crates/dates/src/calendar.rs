//! Calendar arithmetic on local wall-clock date-times: the start of a grain unit, adding
//! units (months clamp to the month's last day), and the grain one step finer.
//! Everything is checked: out-of-range results are `None`, never a panic.

use chrono::{Datelike, Days, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use khronika_model::Grain;

use crate::words::Unit;

pub fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_time(NaiveTime::MIN)
}

/// The start of the `grain` unit that contains `t` (weeks start on Monday).
pub fn start_of(t: NaiveDateTime, grain: Grain) -> Option<NaiveDateTime> {
    let d = t.date();
    Some(match grain {
        Grain::Second => t.with_nanosecond(0)?,
        Grain::Minute => t.with_second(0)?.with_nanosecond(0)?,
        Grain::Hour => t.with_minute(0)?.with_second(0)?.with_nanosecond(0)?,
        Grain::Day => midnight(d),
        Grain::Week => {
            midnight(d.checked_sub_days(Days::new(u64::from(d.weekday().num_days_from_monday())))?)
        }
        Grain::Month => midnight(d.with_day(1)?),
        Grain::Quarter => midnight(NaiveDate::from_ymd_opt(
            d.year(),
            (d.month0() / 3) * 3 + 1,
            1,
        )?),
        Grain::Year => midnight(NaiveDate::from_ymd_opt(d.year(), 1, 1)?),
    })
}

pub fn unit_grain(u: Unit) -> Grain {
    match u {
        Unit::Second => Grain::Second,
        Unit::Minute => Grain::Minute,
        Unit::Hour => Grain::Hour,
        Unit::Day => Grain::Day,
        Unit::Week => Grain::Week,
        Unit::Month => Grain::Month,
        Unit::Quarter => Grain::Quarter,
        Unit::Year => Grain::Year,
    }
}

/// `t` moved by `n` units of `grain` (negative `n` goes back).
pub fn add(t: NaiveDateTime, grain: Grain, n: i64) -> Option<NaiveDateTime> {
    let months = |k: i64| -> Option<NaiveDateTime> {
        let m = u32::try_from(k.unsigned_abs()).ok()?;
        if k >= 0 {
            t.checked_add_months(Months::new(m))
        } else {
            t.checked_sub_months(Months::new(m))
        }
    };
    match grain {
        Grain::Second => t.checked_add_signed(Duration::try_seconds(n)?),
        Grain::Minute => t.checked_add_signed(Duration::try_minutes(n)?),
        Grain::Hour => t.checked_add_signed(Duration::try_hours(n)?),
        Grain::Day => t.checked_add_signed(Duration::try_days(n)?),
        Grain::Week => t.checked_add_signed(Duration::try_weeks(n)?),
        Grain::Month => months(n),
        Grain::Quarter => months(n.checked_mul(3)?),
        Grain::Year => months(n.checked_mul(12)?),
    }
}

/// The start of the unit after the one containing `t`: the exclusive end of `t` at `grain`.
pub fn end_of(t: NaiveDateTime, grain: Grain) -> Option<NaiveDateTime> {
    add(start_of(t, grain)?, grain, 1)
}

/// The grain Duckling reports for "in N units" / "N units ago": one step finer.
pub fn finer(g: Grain) -> Grain {
    match g {
        Grain::Second | Grain::Minute => Grain::Second,
        Grain::Hour => Grain::Minute,
        Grain::Day => Grain::Hour,
        Grain::Week | Grain::Month => Grain::Day,
        Grain::Quarter | Grain::Year => Grain::Month,
    }
}

pub fn date_opt(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

pub fn at(d: NaiveDate, h: u32, m: u32, s: u32) -> Option<NaiveDateTime> {
    if h == 24 && m == 0 && s == 0 {
        return Some(midnight(d.checked_add_days(Days::new(1))?));
    }
    Some(d.and_time(NaiveTime::from_hms_opt(h, m, s)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap_or_default()
    }

    #[test]
    fn starts_and_ends_of_units() {
        let t = dt("2013-02-12T04:30:00");
        assert_eq!(start_of(t, Grain::Week), Some(dt("2013-02-11T00:00:00")));
        assert_eq!(start_of(t, Grain::Quarter), Some(dt("2013-01-01T00:00:00")));
        assert_eq!(end_of(t, Grain::Month), Some(dt("2013-03-01T00:00:00")));
        assert_eq!(
            add(dt("2024-01-31T00:00:00"), Grain::Month, 1),
            Some(dt("2024-02-29T00:00:00"))
        );
        assert_eq!(add(t, Grain::Year, i64::MAX), None);
    }
}
