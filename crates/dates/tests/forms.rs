//! One test per family of expressions, resolved against fixed references, plus running
//! text, false positives and hostile input.

mod common;

use chrono::DateTime;
use common::{check, read, reference, DUCK, NEWS};
use khronika_dates::{find_dates, find_dates_at, parse_datetime, DateKind, Reference};
use khronika_model::Grain;

#[test]
fn day_words_and_now() {
    check(
        DUCK,
        &[
            ("сегодня", "2013-02-12T00:00:00-02:00", Grain::Day),
            ("позавчера", "2013-02-10T00:00:00-02:00", Grain::Day),
            ("послезавтра", "2013-02-14T00:00:00-02:00", Grain::Day),
            ("сейчас", "2013-02-12T04:30:00-02:00", Grain::Second),
        ],
    );
}

#[test]
fn absolute_dates() {
    check(
        NEWS,
        &[
            (
                "2 апреля 2025 в 21:32",
                "2025-04-02T21:32:00",
                Grain::Minute,
            ),
            ("31.03.2025 14:03", "2025-03-31T14:03:00", Grain::Minute),
            ("15 июня 2024 г.", "2024-06-15T00:00:00", Grain::Day),
            ("9 мая 1945 года", "1945-05-09T00:00:00", Grain::Day),
            ("2025-04-03 09:41", "2025-04-03T09:41:00", Grain::Minute),
            ("10:21 03.04.2025", "2025-04-03T10:21:00", Grain::Minute),
            ("3 апр. 2025, 18:47", "2025-04-03T18:47:00", Grain::Minute),
            ("31.10.74", "1974-10-31T00:00:00", Grain::Day),
            (
                "двадцать четвёртого февраля 2024",
                "2024-02-24T00:00:00",
                Grain::Day,
            ),
            ("29 февраля 2024", "2024-02-29T00:00:00", Grain::Day),
        ],
    );
}

#[test]
fn partial_dates_pick_a_sensible_year() {
    // future by default, the near past stays in the past
    check(
        NEWS,
        &[
            ("1 мая", "2025-05-01T00:00:00", Grain::Day),
            ("31 марта", "2025-03-31T00:00:00", Grain::Day),
            ("10 января", "2026-01-10T00:00:00", Grain::Day),
            ("в понедельник, 31 марта", "2025-03-31T00:00:00", Grain::Day),
            ("в мае 2024 года", "2024-05-01T00:00:00", Grain::Month),
            ("в марте этого года", "2025-03-01T00:00:00", Grain::Month),
            (
                "в декабре прошлого года",
                "2024-12-01T00:00:00",
                Grain::Month,
            ),
            ("15 числа", "2025-04-15T00:00:00", Grain::Day),
        ],
    );
    check(
        "2024-06-17T12:00:00",
        &[(
            "15-16 июня",
            "2024-06-15T00:00:00..2024-06-17T00:00:00",
            Grain::Day,
        )],
    );
}

#[test]
fn relative_days_weeks_years() {
    check(
        NEWS,
        &[
            ("вчера в 14:05", "2025-04-02T14:05:00", Grain::Minute),
            ("сегодня, 10:15", "2025-04-03T10:15:00", Grain::Minute),
            ("неделю назад", "2025-03-27T00:00:00", Grain::Day),
            ("в прошлом году", "2024-01-01T00:00:00", Grain::Year),
            ("на этой неделе", "2025-03-31T00:00:00", Grain::Week),
            ("в следующий вторник", "2025-04-08T00:00:00", Grain::Day),
            ("в прошлый вторник", "2025-04-01T00:00:00", Grain::Day),
            ("15 минут назад", "2025-04-03T11:45:00", Grain::Second),
            ("полчаса назад", "2025-04-03T11:30:00", Grain::Second),
            ("через 3 дня", "2025-04-06T12:00:00", Grain::Hour),
            (
                "в третьем квартале прошлого года",
                "2024-07-01T00:00:00",
                Grain::Quarter,
            ),
        ],
    );
}

#[test]
fn weekdays_prefer_the_future() {
    check(
        DUCK,
        &[
            ("вторник", "2013-02-19T00:00:00-02:00", Grain::Day),
            ("в четверг", "2013-02-14T00:00:00-02:00", Grain::Day),
            (
                "вторник на следующей неделе",
                "2013-02-19T00:00:00-02:00",
                Grain::Day,
            ),
            (
                "в субботу в 9 часов",
                "2013-02-16T09:00:00-02:00",
                Grain::Hour,
            ),
        ],
    );
}

#[test]
fn clock_times_and_parts_of_day() {
    check(
        DUCK,
        &[
            ("в 3", "2013-02-12T15:00:00-02:00", Grain::Hour),
            ("в 8 утра", "2013-02-12T08:00:00-02:00", Grain::Hour),
            ("8 часов вечера", "2013-02-12T20:00:00-02:00", Grain::Hour),
            ("17ч10", "2013-02-12T17:10:00-02:00", Grain::Minute),
            ("в полночь", "2013-02-13T00:00:00-02:00", Grain::Hour),
            (
                "завтра вечером",
                "2013-02-13T18:00:00-02:00..2013-02-14T00:00:00-02:00",
                Grain::Hour,
            ),
        ],
    );
}

#[test]
fn ranges_and_open_intervals() {
    check(
        NEWS,
        &[
            (
                "с 1 по 5 мая",
                "2025-05-01T00:00:00..2025-05-06T00:00:00",
                Grain::Day,
            ),
            (
                "в январе-феврале 2025 года",
                "2025-01-01T00:00:00..2025-03-01T00:00:00",
                Grain::Month,
            ),
            (
                "с 2020 по 2023 год",
                "2020-01-01T00:00:00..2024-01-01T00:00:00",
                Grain::Year,
            ),
            (
                // a clock time without a day is its next occurrence: tomorrow, as 12:00 has passed
                "9:30 - 11:00",
                "2025-04-04T09:30:00..2025-04-04T11:01:00",
                Grain::Minute,
            ),
            (
                "14./15.10.2018",
                "2018-10-14T00:00:00..2018-10-16T00:00:00",
                Grain::Day,
            ),
            ("до конца месяца", "..2025-05-01T00:00:00", Grain::Month),
            (
                "в начале мая",
                "2025-05-01T00:00:00..2025-05-11T00:00:00",
                Grain::Day,
            ),
        ],
    );
}

#[test]
fn seasons_holidays_last_next() {
    check(
        DUCK,
        &[
            (
                "весна",
                "2013-03-01T00:00:00-02:00..2013-06-01T00:00:00-02:00",
                Grain::Day,
            ),
            ("рождество", "2014-01-07T00:00:00-02:00", Grain::Day),
            (
                "последние 2 дня",
                "2013-02-10T00:00:00-02:00..2013-02-12T00:00:00-02:00",
                Grain::Day,
            ),
            (
                "следующие 3 часа",
                "2013-02-12T05:00:00-02:00..2013-02-12T08:00:00-02:00",
                Grain::Hour,
            ),
            (
                "первый вторник октября",
                "2013-10-01T00:00:00-02:00",
                Grain::Day,
            ),
        ],
    );
}

#[test]
fn stated_zones() {
    // naive reference: the stated zone is kept
    check(
        NEWS,
        &[(
            "2 апреля, 21:32 (мск)",
            "2025-04-02T21:32:00+03:00",
            Grain::Minute,
        )],
    );
    // known reference zone: converted into it
    check(
        DUCK,
        &[(
            "четверг 8:00 GMT",
            "2013-02-14T06:00:00-02:00",
            Grain::Minute,
        )],
    );
}

#[test]
fn source_zone_follows_history() {
    // Almaty moved from UTC+6 to UTC+5 on 2024-03-01.
    let now = DateTime::parse_from_rfc3339("2024-06-17T12:00:00+05:00").expect("ref");
    let tz = Some(chrono_tz::Asia::Almaty);
    let after = parse_datetime("15 июня 2024 г.", now, tz).expect("parsed");
    assert_eq!(after.value.to_rfc3339(), "2024-06-15T00:00:00+05:00");
    let before = parse_datetime("15 января 2024 г.", now, tz).expect("parsed");
    assert_eq!(before.value.to_rfc3339(), "2024-01-15T00:00:00+06:00");
}

#[test]
fn parse_datetime_reads_page_dates() {
    let now = DateTime::parse_from_rfc3339("2025-04-03T12:00:00+05:00").expect("ref");
    let d = parse_datetime("Опубликовано: 2 апреля 2025 в 21:32", now, None).expect("parsed");
    assert_eq!(d.value.to_rfc3339(), "2025-04-02T21:32:00+05:00");
    assert_eq!((d.grain, d.kind), (Grain::Minute, DateKind::Point));
    let r = parse_datetime("15-16 июня 2024", now, None).expect("parsed");
    assert_eq!(r.kind, DateKind::Interval);
    assert_eq!(
        r.end.map(|e| e.to_rfc3339()),
        Some("2024-06-17T00:00:00+05:00".into())
    );
    assert_eq!(parse_datetime("Новости компании", now, None), None);
    for page in [
        "2 апреля 2025 | 21:32",
        "21:32 / 2 апреля 2025",
        "02.04.2025 · 21:32",
    ] {
        let d = parse_datetime(page, now, None).expect(page);
        assert_eq!(d.value.to_rfc3339(), "2025-04-02T21:32:00+05:00", "{page}");
    }
    let first = parse_datetime(
        "Опубликовано: 2 апреля 2025 в 21:32 | Обновлено: 3 апреля 2025 в 10:00",
        now,
        None,
    )
    .expect("parsed");
    assert_eq!(first.value.to_rfc3339(), "2025-04-02T21:32:00+05:00");
}

#[test]
fn dates_in_running_text_with_offsets() {
    let now = DateTime::parse_from_rfc3339("2024-06-17T12:00:00+05:00").expect("ref");
    let text =
        "В интервью в мае 2024 года президент сказал, что саммит пройдёт 15-16 июня в Швейцарии.";
    let found = find_dates(text, now, None);
    let spans: Vec<(&str, usize, usize)> = found
        .iter()
        .map(|m| (m.text.as_str(), m.start, m.end))
        .collect();
    assert_eq!(spans, [("в мае 2024 года", 11, 26), ("15-16 июня", 64, 74)]);
    let chars: Vec<char> = text.chars().collect();
    for m in &found {
        let slice: String = chars[m.start..m.end].iter().collect();
        assert_eq!(slice, m.text);
    }
    assert_eq!(found[1].from(), Some("2024-06-15T00:00:00+05:00"));
    assert_eq!(found[1].to(), Some("2024-06-17T00:00:00+05:00"));
}

#[test]
fn numbers_that_are_not_dates() {
    let text = "Рост составил 44,8%, выручка — 2 млн тенге, цены выросли в 3 раза, \
                в 2 странах открыто 1000 отделений, ставка 2.5 процента, за два дня до \
                выборов, по три часа в день, несколько дней назад, в последние годы, 1 отель.";
    let found = find_dates_at(text, &reference(NEWS));
    let texts: Vec<&str> = found.iter().map(|m| m.text.as_str()).collect();
    assert!(texts.is_empty(), "false positives: {texts:?}");
}

#[test]
fn bare_hours_and_years_only_as_whole_phrases() {
    assert!(read("в 3", DUCK).is_some());
    assert!(read("2014", DUCK).is_some());
    assert_eq!(
        find_dates_at("он ушёл в 3 и вернулся", &reference(DUCK)).len(),
        0
    );
    assert_eq!(
        find_dates_at("их было 2014 человек", &reference(DUCK)).len(),
        0
    );
}

#[test]
fn impossible_dates_are_not_read() {
    for text in ["99.99.9999", "31 февраля", "30.02.2024", "25:61", "32 мая"] {
        let found = find_dates_at(text, &reference(NEWS));
        assert!(
            found.iter().all(|m| m.text != text),
            "{text:?} read as {found:?}"
        );
    }
}

#[test]
fn hostile_input_does_not_panic() {
    let r = reference(NEWS);
    let long_digits = "9".repeat(10_000);
    let many_dates = "1 мая, ".repeat(2_000);
    let odd = [
        "",
        " ",
        "-",
        "с по до",
        "через",
        "через 999999999999 лет",
        "через 9999 лет",
        "9999 лет назад",
        "последние 9999 лет",
        "31.12.9999 23:59",
        "1.1.1000",
        "до до до до до 5 мая",
        "в в в в",
        "\u{0}\u{ffff}𝔘𝔫𝔦𝔠𝔬𝔡𝔢 12.04.2025",
        "ёЁ 15:60 24:00 00:00",
        long_digits.as_str(),
        many_dates.as_str(),
    ];
    for text in odd {
        let _ = find_dates_at(text, &r);
        let now = DateTime::parse_from_rfc3339("2025-04-03T12:00:00+05:00").expect("ref");
        let _ = parse_datetime(text, now, Some(chrono_tz::Asia::Almaty));
    }
    assert_eq!(find_dates_at(&many_dates, &r).len(), 2_000);
    // nested wrappers are bounded: no stack exhaustion on a long run of prepositions
    let wrappers = "до после не позднее ".repeat(2_000) + "5 мая";
    let _ = find_dates_at(&wrappers, &r);
}

#[test]
fn periods_halves_decades_centuries_nights() {
    check(
        NEWS,
        &[
            (
                "в первой половине 2025 года",
                "2025-01-01T00:00:00..2025-07-01T00:00:00",
                Grain::Month,
            ),
            (
                "во втором полугодии прошлого года",
                "2024-07-01T00:00:00..2025-01-01T00:00:00",
                Grain::Month,
            ),
            (
                "в конце марта",
                "2025-03-21T00:00:00..2025-04-01T00:00:00",
                Grain::Day,
            ),
            (
                "в 90-х годах",
                "1990-01-01T00:00:00..2000-01-01T00:00:00",
                Grain::Year,
            ),
            (
                "в ХХ веке",
                "1901-01-01T00:00:00..2001-01-01T00:00:00",
                Grain::Year,
            ),
            (
                "в ночь с 2 на 3 апреля",
                "2025-04-03T00:00:00..2025-04-03T04:00:00",
                Grain::Hour,
            ),
            ("в минувшую пятницу", "2025-03-28T00:00:00", Grain::Day),
            ("не позднее 1 июня", "..2025-06-02T00:00:00", Grain::Day),
            ("вчера около 23:00", "2025-04-02T23:00:00", Grain::Minute),
        ],
    );
}

#[test]
fn machine_dates_and_offsets() {
    check(
        "2025-04-03T12:00:00+05:00",
        &[
            (
                "2025-04-03T09:41:00+05:00",
                "2025-04-03T09:41:00+05:00",
                Grain::Second,
            ),
            // converted into the reference zone
            (
                "2025-04-03T09:41:00Z",
                "2025-04-03T14:41:00+05:00",
                Grain::Second,
            ),
            (
                "в 10:00 по Москве",
                "2025-04-03T12:00:00+05:00",
                Grain::Minute,
            ),
        ],
    );
}

#[test]
fn overnight_clock_ranges_end_next_day() {
    check(
        DUCK,
        &[(
            "с 23:00 до 5:00",
            "2013-02-12T23:00:00-02:00..2013-02-13T05:01:00-02:00",
            Grain::Minute,
        )],
    );
}

#[test]
fn page_dates_resolve_to_the_past() {
    // fetched on Sunday 20 April 2025 at noon
    let now = DateTime::parse_from_rfc3339("2025-04-20T12:00:00+05:00").expect("ref");
    let cases = [
        ("2 апреля, 21:32", "2025-04-02T21:32:00+05:00"),
        ("10:15", "2025-04-20T10:15:00+05:00"),
        ("23:50", "2025-04-19T23:50:00+05:00"),
        ("во вторник", "2025-04-15T00:00:00+05:00"),
        ("в декабре", "2024-12-01T00:00:00+05:00"),
        ("28 декабря", "2024-12-28T00:00:00+05:00"),
        ("Сегодня, 10:15", "2025-04-20T10:15:00+05:00"),
    ];
    for (text, want) in cases {
        let d = parse_datetime(text, now, None).expect(text);
        assert_eq!(d.value.to_rfc3339(), want, "{text}");
    }
    // running text keeps Duckling's future preference
    let r = Reference::new(now, None);
    let found = find_dates_at("во вторник", &r);
    assert_eq!(found[0].value(), Some("2025-04-22T00:00:00+05:00"));
}

#[test]
fn references_parse_with_and_without_offsets() {
    let zoned = Reference::parse("2013-02-12T04:30:00-02:00", None).expect("rfc3339");
    let naive = Reference::parse("2025-04-03T12:00:00", None).expect("naive");
    assert_eq!(
        find_dates_at("вчера", &zoned)[0].value(),
        Some("2013-02-11T00:00:00-02:00")
    );
    assert_eq!(
        find_dates_at("вчера", &naive)[0].value(),
        Some("2025-04-02T00:00:00")
    );
    let almaty =
        Reference::parse("2025-04-03 12:00", Some(chrono_tz::Asia::Almaty)).expect("local");
    assert_eq!(
        find_dates_at("вчера", &almaty)[0].value(),
        Some("2025-04-02T00:00:00+05:00")
    );
    assert!(Reference::parse("вчера", None).is_none());
}

#[test]
fn dates_after_brackets_and_glued_commas() {
    let r = reference(NEWS);
    let found = find_dates_at("(15 июня 2024) Алматы,16 июня 2024", &r);
    let texts: Vec<&str> = found.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["15 июня 2024", "16 июня 2024"]);
    assert!(find_dates_at("версия 44,8 и 1.12.5", &r).is_empty());
    assert!(find_dates_at("цена 1 кв. м выросла", &r).is_empty());
    assert_eq!(
        find_dates_at("во II кв. 2024 года", &r)[0].value(),
        Some("2024-04-01T00:00:00")
    );
}

/// Found by the khronika-fuzz `dates` campaign: a clock time followed by thousands of "("
/// (or "по(") made the zone rule recurse once per bracket until the stack overflowed.
#[test]
fn bracket_floods_after_a_time_keep_the_time_and_the_stack() {
    let r = reference(NEWS);
    for flood in [
        "(".repeat(50_000),
        "по(".repeat(20_000),
        "по (".repeat(20_000),
    ] {
        let text = format!("в 14:00 {flood}");
        let found = find_dates_at(&text, &r);
        assert_eq!(found.first().map(|m| m.text.as_str()), Some("в 14:00"));
    }
    // One wrapper is how zones are written, and still read.
    let moscow = "2025-04-02T21:32:00+03:00";
    check(
        NEWS,
        &[
            ("2 апреля, 21:32 (мск)", moscow, Grain::Minute),
            ("2 апреля, 21:32 по мск", moscow, Grain::Minute),
        ],
    );
}
