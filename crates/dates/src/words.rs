//! The Russian vocabulary of dates: month and weekday names in every case, numerals
//! (cardinal and ordinal), units of time, parts of the day. Words arrive lowercased with
//! `ё` folded to `е` (see `lex`).

/// Month number (1–12) of a month name or abbreviation in any case.
pub fn month(w: &str) -> Option<u32> {
    const FULL: [(&str, &[&str]); 12] = [
        ("январ", &["ь", "я", "е", "ю", "ем"]),
        ("феврал", &["ь", "я", "е", "ю", "ем"]),
        ("март", &["", "а", "е", "у", "ом"]),
        ("апрел", &["ь", "я", "е", "ю", "ем"]),
        ("ма", &["й", "я", "е", "ю", "ем"]),
        ("июн", &["ь", "я", "е", "ю", "ем"]),
        ("июл", &["ь", "я", "е", "ю", "ем"]),
        ("август", &["", "а", "е", "у", "ом"]),
        ("сентябр", &["ь", "я", "е", "ю", "ем"]),
        ("октябр", &["ь", "я", "е", "ю", "ем"]),
        ("ноябр", &["ь", "я", "е", "ю", "ем"]),
        ("декабр", &["ь", "я", "е", "ю", "ем"]),
    ];
    for (n, (stem, ends)) in (1u32..).zip(FULL.iter()) {
        if let Some(rest) = w.strip_prefix(stem) {
            if ends.contains(&rest) {
                return Some(n);
            }
        }
    }
    None
}

/// Month number of an abbreviation ("фев", "сент"), which usually takes a full stop.
pub fn month_abbr(w: &str) -> Option<u32> {
    Some(match w {
        "янв" => 1,
        "фев" | "февр" => 2,
        "мар" => 3,
        "апр" => 4,
        "июн" => 6,
        "июл" => 7,
        "авг" => 8,
        "сен" | "сент" => 9,
        "окт" => 10,
        "ноя" | "нояб" => 11,
        "дек" => 12,
        _ => return None,
    })
}

/// Weekday number (0 = Monday) of a full weekday name in any case.
pub fn weekday(w: &str) -> Option<u32> {
    const FULL: [(&str, &[&str]); 7] = [
        ("понедельник", &["", "а", "у", "ом", "и"]),
        ("вторник", &["", "а", "у", "ом", "и"]),
        ("сред", &["а", "у", "ы", "е", "ой"]),
        ("четверг", &["", "а", "у", "ом", "и"]),
        ("пятниц", &["а", "у", "ы", "е", "ей"]),
        ("суббот", &["а", "у", "ы", "е", "ой"]),
        ("воскресень", &["е", "я", "ю", "ем"]),
    ];
    for (n, (stem, ends)) in (0u32..).zip(FULL.iter()) {
        if let Some(rest) = w.strip_prefix(stem) {
            if ends.contains(&rest) {
                return Some(n);
            }
        }
    }
    None
}

/// Weekday number of a two-letter abbreviation ("пн", "сб").
pub fn weekday_abbr(w: &str) -> Option<u32> {
    ["пн", "вт", "ср", "чт", "пт", "сб", "вс"]
        .iter()
        .position(|a| *a == w)
        .and_then(|p| u32::try_from(p).ok())
}

/// Value of a cardinal numeral word in any case (0–90 in tens, 0–19 singly, plus 100).
pub fn cardinal(w: &str) -> Option<u32> {
    Some(match w {
        "ноль" | "нуля" => 0,
        "один" | "одна" | "одну" | "одно" | "одного" | "одной" | "одном" | "одним" => {
            1
        }
        "два" | "две" | "двух" | "двум" | "двумя" => 2,
        "три" | "трех" | "трем" | "тремя" => 3,
        "четыре" | "четырех" | "четырем" | "четырьмя" => 4,
        "пять" | "пяти" | "пятью" => 5,
        "шесть" | "шести" | "шестью" => 6,
        "семь" | "семи" | "семью" => 7,
        "восемь" | "восьми" | "восемью" => 8,
        "девять" | "девяти" | "девятью" => 9,
        "десять" | "десяти" | "десятью" => 10,
        "одиннадцать" | "одиннадцати" => 11,
        "двенадцать" | "двенадцати" => 12,
        "тринадцать" | "тринадцати" => 13,
        "четырнадцать" | "четырнадцати" => 14,
        "пятнадцать" | "пятнадцати" => 15,
        "шестнадцать" | "шестнадцати" => 16,
        "семнадцать" | "семнадцати" => 17,
        "восемнадцать" | "восемнадцати" => 18,
        "девятнадцать" | "девятнадцати" => 19,
        "двадцать" | "двадцати" => 20,
        "тридцать" | "тридцати" => 30,
        "сорок" | "сорока" => 40,
        "пятьдесят" | "пятидесяти" => 50,
        "шестьдесят" | "шестидесяти" => 60,
        "семьдесят" | "семидесяти" => 70,
        "восемьдесят" | "восьмидесяти" => 80,
        "девяносто" | "девяноста" => 90,
        "сто" | "ста" => 100,
        _ => return None,
    })
}

const ORD_STEMS: [(&str, u32); 21] = [
    ("перв", 1),
    ("втор", 2),
    ("трет", 3),
    ("четверт", 4),
    ("пят", 5),
    ("шест", 6),
    ("седьм", 7),
    ("восьм", 8),
    ("девят", 9),
    ("десят", 10),
    ("одиннадцат", 11),
    ("двенадцат", 12),
    ("тринадцат", 13),
    ("четырнадцат", 14),
    ("пятнадцат", 15),
    ("шестнадцат", 16),
    ("семнадцат", 17),
    ("восемнадцат", 18),
    ("девятнадцат", 19),
    ("двадцат", 20),
    ("тридцат", 30),
];

const ORD_ENDS: [&str; 30] = [
    "ий", "ый", "ой", "ая", "ое", "ого", "ому", "ом", "ым", "ых", "ую", "ье", "ьего", "ьему",
    "ьем", "ьим", "ья", "ью", "ьей", "ьи", "ей", "его", "ему", "ем", "им", "ие", "ые", "ее", "яя",
    "ого",
];

/// Value of an ordinal numeral word in any case and gender ("третьего", "двадцатое").
pub fn ordinal(w: &str) -> Option<u32> {
    for (stem, n) in ORD_STEMS {
        if let Some(rest) = w.strip_prefix(stem) {
            if ORD_ENDS.contains(&rest) {
                return Some(n);
            }
        }
    }
    None
}

/// Suffixes written after a digit ordinal with a hyphen ("18-е", "3-его", "24-ого").
pub fn ordinal_suffix(w: &str) -> bool {
    matches!(
        w,
        "е" | "го"
            | "ого"
            | "его"
            | "ое"
            | "ее"
            | "й"
            | "ий"
            | "ый"
            | "ой"
            | "му"
            | "ому"
            | "ему"
    )
}

/// A unit of time, as the grammar counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

/// Unit of time named by a noun in any case and number ("минуту", "часов", "лет").
pub fn unit(w: &str) -> Option<Unit> {
    Some(match w {
        "секунда" | "секунду" | "секунды" | "секунд" | "секундой" | "секундам" | "сек" => {
            Unit::Second
        }
        "минута" | "минуту" | "минуты" | "минут" | "минутой" | "минутам" | "мин" => {
            Unit::Minute
        }
        "час" | "часа" | "часов" | "часу" | "часом" | "часам" | "ч" => {
            Unit::Hour
        }
        "день" | "дня" | "дней" | "дню" | "днем" | "дням" | "дне" | "сутки" | "суток" => {
            Unit::Day
        }
        "неделя" | "неделю" | "недели" | "недель" | "неделей" | "неделям" | "неделе" => {
            Unit::Week
        }
        "месяц" | "месяца" | "месяцев" | "месяцу" | "месяцем" | "месяцам" | "месяце" => {
            Unit::Month
        }
        "квартал" | "квартала" | "кварталов" | "кварталу" | "кварталом" | "квартале" => {
            Unit::Quarter
        }
        "год" | "года" | "лет" | "году" | "годом" | "годам" | "годы" => {
            Unit::Year
        }
        _ => return None,
    })
}

/// A named part of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayPart {
    Morning,
    Afternoon,
    Evening,
    Night,
    Lunch,
}

impl DayPart {
    /// The hours it covers, end exclusive (24 = the next midnight).
    pub fn hours(self) -> (u32, u32) {
        match self {
            DayPart::Morning => (3, 12),
            DayPart::Afternoon => (12, 19),
            DayPart::Evening => (18, 24),
            DayPart::Night => (0, 4),
            DayPart::Lunch => (12, 14),
        }
    }

    /// Whether clock hour `h` (24-hour) falls in this part of the day.
    pub fn contains(self, h: u32) -> bool {
        let (a, b) = self.hours();
        (a..b).contains(&h)
    }

    /// Turns an hour said with this part of the day ("8 вечера") into a 24-hour clock hour.
    pub fn clock(self, h: u32) -> u32 {
        match self {
            DayPart::Afternoon | DayPart::Evening | DayPart::Lunch if h < 12 => h + 12,
            DayPart::Night | DayPart::Morning if h == 12 => 0,
            // "в 11 часов ночи", "в 10 ночи": late evening hours are said with "ночи" too
            DayPart::Night if (9..12).contains(&h) => h + 12,
            _ => h,
        }
    }
}

/// A singular unit noun ("день", "неделю", "году"), which alone counts one unit; plural
/// forms ("дней", "годы") need a number ("несколько дней назад" is no date).
pub fn singular_unit(w: &str) -> bool {
    matches!(
        w,
        "секунда"
            | "секунду"
            | "секунды"
            | "минута"
            | "минуту"
            | "минуты"
            | "час"
            | "часа"
            | "часу"
            | "день"
            | "дня"
            | "дню"
            | "дне"
            | "сутки"
            | "суток"
            | "неделя"
            | "неделю"
            | "недели"
            | "неделе"
            | "месяц"
            | "месяца"
            | "месяце"
            | "месяцу"
            | "квартал"
            | "квартала"
            | "квартале"
            | "год"
            | "года"
            | "году"
    )
}

/// A part of the day as an adverb or noun ("вечером", "утра", "днём").
pub fn day_part(w: &str) -> Option<DayPart> {
    Some(match w {
        "утро" | "утром" | "утра" => DayPart::Morning,
        "днем" | "дня" | "пополудни" => DayPart::Afternoon,
        "вечер" | "вечером" | "вечера" => DayPart::Evening,
        "ночь" | "ночью" | "ночи" => DayPart::Night,
        _ => return None,
    })
}

/// Direction of a relative determiner: this (0), next (+1), last (−1), before last (−2)…
pub fn relative(w: &str) -> Option<i32> {
    let stems: [(&str, i32); 9] = [
        ("позапрошл", -2),
        ("минувш", -1),
        ("прошл", -1),
        ("прошедш", -1),
        ("предыдущ", -1),
        ("следующ", 1),
        ("будущ", 1),
        ("наступающ", 1),
        ("нынешн", 0),
    ];
    for (stem, n) in stems {
        if w.starts_with(stem) {
            return Some(n);
        }
    }
    match w {
        "этот" | "эта" | "это" | "этого" | "этой" | "этом" | "эту" | "этим" | "эти" | "этих"
        | "этими" | "текущий" | "текущая" | "текущего" | "текущей" | "текущем" | "текущую"
        | "сей" | "сего" => Some(0),
        "след" => Some(1),
        _ => None,
    }
}
