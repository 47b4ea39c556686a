//! First names common in Kazakhstan, Kyrgyzstan, Uzbekistan, Tajikistan and Turkmenistan
//! that the OpenCorpora dictionary lacks or misreads ("Нурлана" is not "Светлана"), with
//! their gender. Written for this crate (a list of common names, nominative, lower case).

use crate::tag::{Case, Gender};

const MALE: &[&str] = &[
    "абай",
    "абдулла",
    "адиль",
    "азамат",
    "азиз",
    "айбек",
    "айдар",
    "акылбек",
    "алмаз",
    "алмазбек",
    "алихан",
    "аман",
    "арман",
    "асан",
    "аскар",
    "асет",
    "асхат",
    "асылбек",
    "ахмет",
    "бакытжан",
    "бахытжан",
    "бахтиёр",
    "бауыржан",
    "бекболат",
    "бекзат",
    "берик",
    "бобур",
    "болат",
    "галым",
    "дамир",
    "данияр",
    "дархан",
    "дастан",
    "даурен",
    "джамшид",
    "досым",
    "ербол",
    "ерболат",
    "ержан",
    "ерлан",
    "ермек",
    "жанибек",
    "жандос",
    "жаксылык",
    "жениш",
    "жомарт",
    "ильхам",
    "ильхом",
    "ильяс",
    "кайрат",
    "камчыбек",
    "канат",
    "касым",
    "куаныш",
    "курманбек",
    "марат",
    "мирас",
    "мурат",
    "мухтар",
    "нуржан",
    "нурбек",
    "нурлан",
    "нурсултан",
    "олжас",
    "отабек",
    "рахат",
    "рустам",
    "садыр",
    "самат",
    "санжар",
    "сардор",
    "сердар",
    "серик",
    "сооронбай",
    "талгат",
    "темир",
    "тимур",
    "улан",
    "улугбек",
    "улукбек",
    "фаррух",
    "шавкат",
    "шухрат",
    "эдиль",
    "элдар",
    "эмомали",
    "ерлен",
    "бакыт",
    "мейрам",
    "кенес",
    "думан",
    "ернар",
    "диас",
];

const FEMALE: &[&str] = &[
    "аида",
    "айгерим",
    "айгуль",
    "айжан",
    "айнур",
    "айнура",
    "алия",
    "аружан",
    "асель",
    "асем",
    "ботагоз",
    "гульмира",
    "гульнара",
    "гульнур",
    "гульшат",
    "гулнара",
    "дана",
    "дарига",
    "динара",
    "дилноза",
    "жанар",
    "жибек",
    "жулдыз",
    "зарина",
    "камила",
    "карлыгаш",
    "мадина",
    "меруерт",
    "мунира",
    "назгуль",
    "нигора",
    "салтанат",
    "самал",
    "сауле",
    "томирис",
    "феруза",
    "шахноза",
    "шынар",
    "акмарал",
    "балжан",
    "улжан",
    "мөлдір",
    "молдир",
    "индира",
    "ляззат",
    "бибигуль",
];

/// Readings of `lower` as a form of a listed first name: (case, gender, nominative).
pub(crate) fn readings(lower: &str) -> Vec<(Case, Gender, String)> {
    use Case::*;
    const ALL: [Case; 6] = [Nomn, Gent, Datv, Accs, Ablt, Loct];
    let mut out = Vec::new();
    let mut push = |cases: &[Case], g: Gender, name: &str| {
        out.extend(cases.iter().map(|&c| (c, g, name.to_string())));
    };
    for &name in MALE {
        let last = name.chars().last().unwrap_or(' ');
        if "ьй".contains(last) {
            // "эдиль" → "эдиля", "абай" → "абаю"
            let stem = name.trim_end_matches(['ь', 'й']);
            let Some(rest) = lower.strip_prefix(stem) else {
                continue;
            };
            let cases: &[Case] = match rest {
                r if r == &name[stem.len()..] => &[Nomn],
                "я" => &[Gent, Accs],
                "ю" => &[Datv],
                "ем" => &[Ablt],
                "е" => &[Loct],
                _ => &[],
            };
            push(cases, Gender::Masc, name);
        } else if "аеиоуыэюя".contains(last) {
            if lower == name {
                push(&ALL, Gender::Masc, name);
            }
        } else {
            let Some(rest) = lower.strip_prefix(name) else {
                continue;
            };
            let cases: &[Case] = match rest {
                "" => &[Nomn],
                "а" => &[Gent, Accs],
                "у" => &[Datv],
                "ом" | "ем" => &[Ablt],
                "е" => &[Loct],
                _ => &[],
            };
            push(cases, Gender::Masc, name);
        }
    }
    for &name in FEMALE {
        if let Some(stem) = name.strip_suffix('ь') {
            // "Асель" → "Асели", "Аселью"
            let Some(rest) = lower.strip_prefix(stem) else {
                continue;
            };
            let cases: &[Case] = match rest {
                "ь" => &[Nomn, Accs],
                "и" => &[Gent, Datv, Loct],
                "ью" => &[Ablt],
                _ => &[],
            };
            push(cases, Gender::Femn, name);
            continue;
        }
        let Some(stem) = name.strip_suffix(['а', 'я']) else {
            // Consonant-final women's names do not decline ("Айгерим", "Жанар").
            if lower == name {
                push(&ALL, Gender::Femn, name);
            }
            continue;
        };
        let Some(rest) = lower.strip_prefix(stem) else {
            continue;
        };
        let cases: &[Case] = if name.ends_with("ия") {
            match rest {
                "я" => &[Nomn],
                "и" => &[Gent, Datv, Loct],
                "ю" => &[Accs],
                "ей" => &[Ablt],
                _ => &[],
            }
        } else if name.ends_with('я') {
            match rest {
                "я" => &[Nomn],
                "и" => &[Gent],
                "е" => &[Datv, Loct],
                "ю" => &[Accs],
                "ей" => &[Ablt],
                _ => &[],
            }
        } else {
            let velar = stem.ends_with(['г', 'к', 'х', 'ж', 'ш', 'ч', 'щ']);
            match rest {
                "а" => &[Nomn],
                "ы" if !velar => &[Gent],
                "и" if velar => &[Gent],
                "е" => &[Datv, Loct],
                "у" => &[Accs],
                "ой" => &[Ablt],
                _ => &[],
            }
        };
        push(cases, Gender::Femn, name);
    }
    out
}

/// The gender of a listed first name in the nominative.
pub(crate) fn gender(lower: &str) -> Option<Gender> {
    if MALE.contains(&lower) {
        Some(Gender::Masc)
    } else if FEMALE.contains(&lower) {
        Some(Gender::Femn)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declines_listed_names() {
        assert!(readings("нурлана").contains(&(Case::Gent, Gender::Masc, "нурлан".into())));
        assert!(readings("эдилю").contains(&(Case::Datv, Gender::Masc, "эдиль".into())));
        assert!(readings("эдиль").contains(&(Case::Nomn, Gender::Masc, "эдиль".into())));
        assert!(readings("абая").contains(&(Case::Gent, Gender::Masc, "абай".into())));
        assert!(readings("дариги").contains(&(Case::Gent, Gender::Femn, "дарига".into())));
        assert!(readings("дарига").contains(&(Case::Nomn, Gender::Femn, "дарига".into())));
        assert!(readings("айгерим")
            .iter()
            .all(|r| r.1 == Gender::Femn && r.2 == "айгерим"));
        assert!(readings("алии").contains(&(Case::Gent, Gender::Femn, "алия".into())));
        assert!(readings("москва").is_empty());
        assert_eq!(gender("нурлан"), Some(Gender::Masc));
        assert_eq!(gender("асель"), Some(Gender::Femn));
    }
}
