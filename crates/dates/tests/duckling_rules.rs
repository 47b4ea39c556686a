//! One test per rule family of Duckling's Russian time grammar (`Duckling/Time/RU/Rules.hs`,
//! `Duckling/Duration/RU/Rules.hs`, facebook/duckling, BSD licence), resolved against
//! Duckling's test "now" (Tuesday 2013-02-12 04:30, UTC−2) and following its conventions
//! (`Duckling/Time/Helpers.hs`): the future is preferred and a unit that has begun but not
//! ended counts as upcoming, interval ends are exclusive, "in N units" is rounded to the
//! next finer grain.
//!
//! The phrases are written for this project, one or more per rule; a few that name a rule
//! best are Duckling's own corpus phrases (facts, cited as such). Expected values were
//! worked out from the rules' definitions, not copied from this parser's output.
//!
//! Left out on purpose: readings Duckling itself marks latent and never returns alone
//! (military "1030", years before 1000 or after 2100, a bare "неделя"); durations written
//! with quote marks ("5'"); a two-digit year after a day and month ("1 марта 15", a count
//! in news far more often); "<time> после следующего" beyond weekdays. Deliberate news
//! deviations (documented in the crate): a day-month up to two weeks back stays in the past;
//! "в конце/к концу месяца" is its last third; a bare part of the day ("ночью") is today's.

mod common;

use common::{check, read, reference, DUCK, NEWS};
use khronika_dates::find_dates_at;
use khronika_model::Grain;
use Grain::{Day, Hour, Minute, Month, Quarter, Second, Week, Year};

/// `check` against Duckling's reference with local times written short: "2013-02-15T00:00"
/// (seconds only when not zero)
/// for a value, "A..B" for an interval, "..B" / "A.." for open ones.
fn duck(cases: &[(&str, &str, Grain)]) {
    let full = |t: &str| match t.matches(':').count() {
        0 => String::new(),
        1 => format!("{t}:00-02:00"),
        _ => format!("{t}-02:00"),
    };
    let owned: Vec<(String, String, Grain)> = cases
        .iter()
        .map(|(text, want, g)| {
            let want = match want.split_once("..") {
                Some((a, b)) => format!("{}..{}", full(a), full(b)),
                None => full(want),
            };
            (text.to_string(), want, *g)
        })
        .collect();
    let borrowed: Vec<(&str, &str, Grain)> = owned
        .iter()
        .map(|(t, w, g)| (t.as_str(), w.as_str(), *g))
        .collect();
    check(DUCK, &borrowed);
}

#[test]
fn instants_and_end_of_period() {
    // ruleInstants (incl. "конец месяца/года"), ruleMidnighteodendOfDay
    duck(&[
        ("позапозавчера", "2013-02-09T00:00", Day),
        ("послепослезавтра", "2013-02-15T00:00", Day),
        ("конец месяца", "2013-03-01T00:00", Month),
        ("конца года", "2014-01-01T00:00", Year),
        ("в конце дня", "2013-02-13T00:00", Hour),
        ("к концу дня", "2013-02-13T00:00", Hour),
    ]);
}

#[test]
fn weekdays_months_seasons_holidays() {
    // ruleDaysOfWeek, ruleMonths, ruleSeasons, ruleHolidays, ruleOnDate ("в", "к")
    duck(&[
        ("в среду", "2013-02-13T00:00", Day),
        ("в воскресенье", "2013-02-17T00:00", Day),
        ("к пятнице", "2013-02-15T00:00", Day),
        ("ноябрь", "2013-11-01T00:00", Month),
        ("в апр. 2014", "2014-04-01T00:00", Month),
        ("осень", "2013-09-01T00:00..2013-12-01T00:00", Day),
        ("день победы", "2013-05-09T00:00", Day),
        ("международный женский день", "2013-03-08T00:00", Day),
    ]);
}

#[test]
fn last_and_this_with_okay_for_this_next() {
    // ruleLastTime / ruleThisTime: weekdays, weekends, months and holidays take them
    duck(&[
        ("в прошлую пятницу", "2013-02-08T00:00", Day),
        ("в эту субботу", "2013-02-16T00:00", Day),
        (
            "на прошлых выходных",
            "2013-02-08T18:00..2013-02-11T00:00",
            Hour,
        ),
        (
            "в следующие выходные",
            "2013-02-22T18:00..2013-02-25T00:00",
            Hour,
        ),
        ("прошлый март", "2012-03-01T00:00", Month),
        ("в прошлом феврале", "2012-02-01T00:00", Month),
        ("этот март", "2013-03-01T00:00", Month),
        ("прошлое рождество", "2013-01-07T00:00", Day),
        ("в прошлый новый год", "2013-01-01T00:00", Day),
    ]);
}

#[test]
fn this_next_last_cycles() {
    // ruleThisCycle, ruleNextCycle, ruleLastCycle, ruleLastCycle2 (прошедший),
    // ruleBeforeLastCycle, ruleThisnextDayofweek, ruleIntersectByOfFromS
    duck(&[
        ("в этом месяце", "2013-02-01T00:00", Month),
        ("на следующей неделе", "2013-02-18T00:00", Week),
        ("следующий час", "2013-02-12T05:00", Hour),
        ("к следующему месяцу", "2013-03-01T00:00", Month),
        ("на прошедшей неделе", "2013-02-04T00:00", Week),
        ("в прошедшем году", "2012-01-01T00:00", Year),
        // "сутки" is no Duckling grain: the 24 hours next to now, as reports use it
        (
            "за прошедшие сутки",
            "2013-02-11T04:30..2013-02-12T04:30",
            Hour,
        ),
        ("позапрошлый год", "2011-01-01T00:00", Year),
        ("следующая пятница", "2013-02-15T00:00", Day),
        ("в след четверг", "2013-02-14T00:00", Day),
        ("в среду на прошлой неделе", "2013-02-06T00:00", Day),
        ("понедельник после следующего", "2013-02-25T00:00", Day),
    ]);
}

#[test]
fn calendar_dates() {
    // <day-of-month> (non) ordinal <named-month> [year], <named-month> <day-of-month>,
    // dd.mm, dd.mm.yyyy, yyyy-mm-dd, intersect by ","
    duck(&[
        ("двадцать первое марта", "2013-03-21T00:00", Day),
        ("первое мая 2014", "2014-05-01T00:00", Day),
        ("октябрь 18", "2013-10-18T00:00", Day),
        ("октября 18-го", "2013-10-18T00:00", Day),
        ("марта первое", "2013-03-01T00:00", Day),
        ("20.06", "2013-06-20T00:00", Day),
        ("1.3", "2013-03-01T00:00", Day),
        ("08.03.2014", "2014-03-08T00:00", Day),
        ("2013-2-15", "2013-02-15T00:00", Day),
        ("среда, 20 февраля", "2013-02-20T00:00", Day),
        ("2014 год", "2014-01-01T00:00", Year),
    ]);
}

#[test]
fn quarters_and_nth_of() {
    // ruleOrdinalQuarter(Year), ruleNthTimeOfTime(2), ruleNthTimeAfterTime,
    // ruleOrdinalCycleOfTime, ruleLastCycleOfTime(2), ruleLastDayofweekOfTime
    duck(&[
        ("второй квартал 2014", "2014-04-01T00:00", Quarter),
        ("в 1-м квартале", "2013-01-01T00:00", Quarter),
        ("третий вторник сентября", "2013-09-17T00:00", Day),
        ("первый понедельник после 1 марта", "2013-03-04T00:00", Day),
        // whole weeks starting inside the month (cycleNthAfter, not immediate)
        ("первая неделя октября 2014", "2014-10-06T00:00", Week),
        ("вторая неделя в марте", "2013-03-11T00:00", Week),
        ("третий день в октябре", "2013-10-03T00:00", Day),
        ("последняя неделя этого года", "2013-12-30T00:00", Week),
        ("последний день в феврале", "2013-02-28T00:00", Day),
        ("последний понедельник марта", "2013-03-25T00:00", Day),
    ]);
}

#[test]
fn clock_times() {
    // ruleHhmm (with "ч"), ruleTimeofdayOclock, ruleAtTimeofday, ruleNoon, ruleMidnight,
    // ruleHourofdayIntegerAsRelativeMinutes, ruleTimeofdayLatent (whole phrase)
    duck(&[
        ("в 21:15", "2013-02-12T21:15", Minute),
        ("15:30ч", "2013-02-12T15:30", Minute),
        ("в 15:00 ч.", "2013-02-12T15:00", Minute),
        ("18:30 часов", "2013-02-12T18:30", Minute),
        ("в 17 ч 10 мин", "2013-02-12T17:10", Minute),
        ("в 5 часу", "2013-02-12T05:00", Hour),
        ("завтра в полдень", "2013-02-13T12:00", Hour),
        ("в 9 30", "2013-02-12T09:30", Minute),
        ("в семь сорок пять", "2013-02-12T07:45", Minute),
        ("в 10 часов 15", "2013-02-12T10:15", Minute),
        // the 4 o'clock hour has begun and not ended: still upcoming
        ("в 4", "2013-02-12T04:00", Hour),
    ]);
}

#[test]
fn parts_of_day() {
    // ruleMorning/Afternoon/Evening/Night/Lunch, ruleTimePartofday, rulePartofdayOfTime,
    // ruleThisPartofday: an hour with a part of the day is that part's while it lasts
    duck(&[
        ("в 3 утра", "2013-02-12T03:00", Hour),
        ("2:15 ночи", "2013-02-13T02:15", Minute),
        ("в 11 часов ночи", "2013-02-12T23:00", Hour),
        ("в 10 вечера", "2013-02-12T22:00", Hour),
        (
            "в понедельник днём",
            "2013-02-18T12:00..2013-02-18T19:00",
            Hour,
        ),
        (
            "вечером в пятницу",
            "2013-02-15T18:00..2013-02-16T00:00",
            Hour,
        ),
        ("завтра ночью", "2013-02-13T00:00..2013-02-13T04:00", Hour),
        ("этим утром", "2013-02-12T03:00..2013-02-12T12:00", Hour),
        ("в 10 утра 18 февраля", "2013-02-18T10:00", Hour),
    ]);
}

#[test]
fn durations_in_ago_within() {
    // ruleInDuration, ruleDurationAgo, ruleWithinDuration; Duration: halves ("пол часа"),
    // about/exactly, grain abbreviations, a grain alone as one unit
    duck(&[
        ("через пол часа", "2013-02-12T05:00", Second),
        ("через 2 ч", "2013-02-12T06:30", Minute),
        ("через 10 сек", "2013-02-12T04:30:10", Second),
        ("через ровно 2 часа", "2013-02-12T06:30", Minute),
        ("через где-то 2 часа", "2013-02-12T06:30", Minute),
        ("полтора часа назад", "2013-02-12T03:00", Second),
        ("пол года назад", "2012-08-12T00:00", Day),
        (
            "в течение 3 дней",
            "2013-02-12T04:30..2013-02-15T04:00",
            Second,
        ),
        (
            "в течение получаса",
            "2013-02-12T04:30..2013-02-12T05:00",
            Second,
        ),
        (
            "в течение месяца",
            "2013-02-12T04:30..2013-03-12T00:00",
            Second,
        ),
    ]);
}

#[test]
fn last_next_n_cycles() {
    // ruleLastNCycle, ruleNextNCycle
    duck(&[
        (
            "последние 3 часа",
            "2013-02-12T01:00..2013-02-12T04:00",
            Hour,
        ),
        (
            "последние 10 лет",
            "2003-01-01T00:00..2013-01-01T00:00",
            Year,
        ),
        (
            "следующие 2 года",
            "2014-01-01T00:00..2016-01-01T00:00",
            Year,
        ),
    ]);
}

#[test]
fn intervals_and_open_intervals() {
    // <datetime> - <datetime>, dd.mm - dd.mm, <month> dd-dd, с <tod> по <tod>,
    // <tod> - <tod> (also with "ч" and "/"), until, after, duration before/after a time
    duck(&[
        (
            "завтра - послезавтра",
            "2013-02-13T00:00..2013-02-15T00:00",
            Day,
        ),
        (
            "с понедельника по пятницу",
            "2013-02-18T00:00..2013-02-23T00:00",
            Day,
        ),
        (
            "с 3.03 по 7.03.2013",
            "2013-03-03T00:00..2013-03-08T00:00",
            Day,
        ),
        ("20-22 марта", "2013-03-20T00:00..2013-03-23T00:00", Day),
        (
            "с 20 до 22 марта",
            "2013-03-20T00:00..2013-03-23T00:00",
            Day,
        ),
        (
            "с 9:30 по 11:00",
            "2013-02-12T09:30..2013-02-12T11:01",
            Minute,
        ),
        (
            "14:00ч/16:00ч",
            "2013-02-12T14:00..2013-02-12T16:01",
            Minute,
        ),
        (
            "с 14 до 16 часов",
            "2013-02-12T14:00..2013-02-12T17:00",
            Hour,
        ),
        // ruleIntersect of a day with a clock range
        (
            "завтра с 10 до 12",
            "2013-02-13T10:00..2013-02-13T13:00",
            Hour,
        ),
        (
            "в среду, с 9:00 до 18:00",
            "2013-02-13T09:00..2013-02-13T18:01",
            Minute,
        ),
        ("до 18 часов", "..2013-02-12T18:00", Hour),
        ("до завтра", "..2013-02-13T00:00", Day),
        ("после 18 часов", "2013-02-12T18:00..", Hour),
        ("3 дня после дня победы", "2013-05-12T00:00", Day),
        ("2 дня перед новым годом", "2013-12-30T00:00", Day),
    ]);
}

#[test]
fn stated_zones() {
    // ruleTimezone: the region's abbreviations, converted into the reference zone
    duck(&[
        ("в 10:00 UZT", "2013-02-12T03:00", Minute),
        ("9:00 KGT", "2013-02-12T01:00", Minute),
        ("в 10 утра по Ташкенту", "2013-02-12T03:00", Hour),
    ]);
}

#[test]
fn not_dates() {
    // Duckling's negative corpus style, and the new rules kept out of plain numbers
    for text in ["следующие десять", "2 машины", "пол"] {
        assert_eq!(read(text, DUCK), None, "{text:?}");
    }
    let r = reference(NEWS);
    let texts =
        |t: &str| -> Vec<String> { find_dates_at(t, &r).into_iter().map(|m| m.text).collect() };
    assert_eq!(
        texts("В октябре 18 человек получили награды."),
        ["В октябре"]
    );
    assert!(texts("Цена выросла до 15.2 процента.").is_empty());
    assert!(texts("Он сказал, что в 9 30 человек ждали его.").is_empty());
    assert!(texts("Ветер 5 м/с, температура 15.3 градуса.").is_empty());
    assert_eq!(texts("Матч начнётся в 19 45."), ["в 19 45"]);
}
