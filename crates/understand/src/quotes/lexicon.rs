//! The quote finder's lexicon: verbs of saying (and their gender and tense), position nouns
//! and adjectives that make up roles with their nominative forms, descriptors that point back
//! at a person ("политик"), words that govern an oblique name ("по словам"), words that make a
//! «…» span a title, and institution, role-phrase and group nouns put in the nominative.

use super::{fold, lower_first, Gender};

// ---------- lexicons ----------

/// Verbs of saying ("заявил", "отметила", "считает", "пишет"), not gerunds or nouns.
pub(super) fn is_speech_verb(w: &str) -> bool {
    const STEMS: &[&str] = &[
        "сказа",
        "заяв",
        "отмет",
        "отмеча",
        "сообщ",
        "подчеркн",
        "подчеркив",
        "добав",
        "поясн",
        "уточн",
        "рассказ",
        "напомн",
        "призна",
        "завер",
        "указа",
        "подтверд",
        "объясн",
        "предупред",
        "замет",
        "констатир",
        "написа",
        "пиш",
        "ответ",
        "отвеча",
        "возраз",
        "спрос",
        "резюмир",
        "счита",
        "полага",
        "увер",
        "говор",
        "утвержда",
        "привод",
        "цитир",
        "переда",
        "заключ",
        "посетова",
        "пожалова",
        "убежд",
        "выраз",
        "прокомментир",
        "комментир",
        "обеща",
        "пообеща",
        "добавля",
        "поясня",
        "уточня",
        "рассказыва",
        "сообща",
        "объясня",
        "заверя",
        "признава",
        "воскликн",
        "восклица",
        "парир",
        "подыто",
        "предполож",
        "настаива",
        "отреагир",
        "поделил",
        "сетова",
        "сету",
        "объяв",
    ];
    const ENDS: &[&str] = &[
        "л", "ла", "ли", "ло", "ет", "ют", "ит", "ят", "ат", "ут", "ен", "ена", "ены", "ан", "ана",
    ];
    if w.chars().count() < 4 || w == "сообщение" {
        return false;
    }
    if matches!(
        w,
        "говорится" | "сообщается" | "отмечается" | "подчеркивается" | "указывается"
    ) {
        return true;
    }
    STEMS.iter().any(|s| w.starts_with(s)) && ENDS.iter().any(|e| w.ends_with(e))
}

/// The gender a past-tense verb or short adjective agrees with ("сказала" → female).
pub(super) fn verb_gender(w: &str) -> Option<Gender> {
    if ["ли", "ны", "ют", "ят", "ут", "ат"]
        .iter()
        .any(|e| w.ends_with(e))
    {
        Some(Gender::Plural)
    } else if w.ends_with("ла") || w.ends_with("на") {
        Some(Gender::Female)
    } else if w.ends_with('л') || w.ends_with("ен") {
        Some(Gender::Male)
    } else {
        None
    }
}

/// A past-tense verb form ("провёл", "встретилась", "заявили"): an -л ending after a vowel.
pub(super) fn is_past_verb(w: &str) -> bool {
    let w = w
        .strip_suffix("ся")
        .or_else(|| w.strip_suffix("сь"))
        .unwrap_or(w);
    let chars: Vec<char> = w.chars().collect();
    let n = chars.len();
    if n < 4 {
        return false;
    }
    let vowel = |c: char| "аеиоуыэюя".contains(c);
    let at = |k: usize| chars.get(n.wrapping_sub(k)).copied().unwrap_or(' ');
    (at(1) == 'л' && vowel(at(2)))
        || (matches!(at(1), 'а' | 'и' | 'о') && at(2) == 'л' && vowel(at(3)))
}

/// Gerunds that continue reported speech: "…, отметив, что …".
pub(super) fn is_speech_gerund(w: &str) -> bool {
    matches!(
        w,
        "отметив"
            | "добавив"
            | "подчеркнув"
            | "заявив"
            | "сообщив"
            | "пояснив"
            | "уточнив"
            | "напомнив"
            | "указав"
            | "заверив"
            | "признав"
            | "выразив"
    )
}

/// Position nouns heading a role, in the nominative.
const ROLE_HEADS: &[&str] = &[
    "министр",
    "вице-министр",
    "премьер-министр",
    "замминистра",
    "глава",
    "заместитель",
    "председатель",
    "зампред",
    "представитель",
    "пресс-секретарь",
    "секретарь",
    "аким",
    "мэр",
    "губернатор",
    "директор",
    "гендиректор",
    "руководитель",
    "начальник",
    "президент",
    "вице-президент",
    "премьер",
    "вице-премьер",
    "депутат",
    "сенатор",
    "спикер",
    "посол",
    "консул",
    "советник",
    "помощник",
    "эксперт",
    "аналитик",
    "экономист",
    "политолог",
    "член",
    "лидер",
    "основатель",
    "владелец",
    "ректор",
    "профессор",
    "судья",
    "прокурор",
    "генпрокурор",
    "адвокат",
    "юрист",
    "командующий",
    "сотрудник",
    "специалист",
    "координатор",
    "уполномоченный",
    "омбудсмен",
    "главврач",
    "врач",
    "пресс-атташе",
    "атташе",
    "дипломат",
    "политик",
    "чиновник",
    "вице-спикер",
    "управляющий",
    "инспектор",
    "министерство",
    "фермер",
    "предприниматель",
    "бизнесмен",
    "активист",
    "блогер",
    "журналист",
    "корреспондент",
    "волонтер",
    "житель",
    "жительница",
    "очевидец",
    "водитель",
    "учитель",
    "педагог",
    "медик",
    "ученый",
    "исследователь",
    "заведующий",
    "вице-мэр",
    "замакима",
    "председательница",
    "руководительница",
    "представительница",
    "депутатка",
];

/// Adjectives that may open a role ("официальный представитель").
pub(super) fn is_role_adjective(w: &str) -> bool {
    const STEMS: &[&str] = &[
        "официальн",
        "генеральн",
        "перв",
        "исполнительн",
        "чрезвычайн",
        "полномочн",
        "постоянн",
        "главн",
        "старш",
        "ведущ",
        "бывш",
        "действующ",
        "временн",
        "независим",
        "верховн",
        "специальн",
        "торгов",
    ];
    STEMS.iter().any(|s| w.starts_with(s)) && w.chars().count() > 4
}

/// The nominative of a role head noun in any case ("представителя" → "представитель").
pub(super) fn role_head(w: &str) -> Option<&'static str> {
    for &h in ROLE_HEADS {
        if w == h {
            return Some(h);
        }
        if h == "посол" {
            if matches!(w, "посла" | "послу" | "послом") {
                return Some(h);
            }
            continue;
        }
        if matches!(h, "атташе" | "пресс-атташе" | "замминистра" | "замакима")
        {
            continue;
        }
        let (stem, ends): (&str, &[&str]) = if let Some(s) = h.strip_suffix('ь') {
            (s, &["я", "ю", "ем", "е", "и", "ей", "ям", "ями"])
        } else if let Some(s) = h.strip_suffix('а') {
            (s, &["ы", "и", "е", "у", "ой", "ою"])
        } else if let Some(s) = h.strip_suffix("ий") {
            (s, &["его", "ему", "им", "ем", "ие", "их"])
        } else if let Some(s) = h.strip_suffix("ый") {
            (s, &["ого", "ому", "ым", "ом", "ые", "ых"])
        } else if let Some(s) = h.strip_suffix('о') {
            (s, &["а", "у", "ом", "е"])
        } else {
            (
                h,
                &[
                    "а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах", "ю", "ем", "я",
                ],
            )
        };
        if let Some(rest) = w.strip_prefix(stem) {
            if ends.contains(&rest) {
                return Some(h);
            }
        }
    }
    None
}

/// A role adjective in the nominative masculine ("официального" → "официальный").
pub(super) fn adjective_nominative(w: &str) -> String {
    for end in ["ого", "его", "ому", "ему", "ым", "им", "ом", "ем"] {
        if let Some(stem) = w.strip_suffix(end) {
            let soft = end.starts_with('е') || end == "им";
            let last = stem.chars().last().unwrap_or('а');
            let hushing = matches!(last, 'к' | 'г' | 'х' | 'ж' | 'ш' | 'ч' | 'щ');
            return format!("{stem}{}", if soft || hushing { "ий" } else { "ый" });
        }
    }
    w.to_owned()
}

/// Words that point back to a person already named ("— добавил политик").
pub(super) fn is_descriptor(w: &str) -> bool {
    role_head(w).is_some()
        || matches!(
            w,
            "собеседник" | "источник" | "глава" | "спикер" | "чиновница" | "журналист"
        )
}

/// An institution named by a common noun in an attribution ("в сообщении ведомства",
/// "в заявлении министерства", "на сайте акимата"): it refers back to an organisation.
pub(super) fn is_institution_ref(w: &str) -> bool {
    matches!(
        w,
        "ведомства"
            | "министерства"
            | "пресс-службы"
            | "акимата"
            | "департамента"
            | "агентства"
            | "управления"
            | "комитета"
            | "прокуратуры"
            | "компании"
    )
}

/// Words that govern the genitive or dative of a following name ("по словам X", "слова X").
pub(super) fn is_oblique_governor(w: &str) -> bool {
    matches!(
        w,
        "словам"
            | "слова"
            | "мнению"
            | "заявлению"
            | "словами"
            | "у"
            | "от"
            | "для"
            | "с"
            | "со"
            | "к"
            | "о"
            | "об"
            | "при"
            | "без"
            | "встретился"
            | "заявление"
            | "позиция"
            | "позицию"
            | "интервью"
    )
}

/// Words before « that make the quoted span a name, not speech ("компания «…»").
pub(super) fn is_title_word(w: &str) -> bool {
    const STEMS: &[&str] = &[
        "компани",
        "агентств",
        "газет",
        "журнал",
        "издани",
        "телеканал",
        "канал",
        "радио",
        "фильм",
        "спектакл",
        "книг",
        "песн",
        "закон",
        "законопроект",
        "программ",
        "проект",
        "партии",
        "парти",
        "движени",
        "фонд",
        "акци",
        "операци",
        "преми",
        "конкурс",
        "фестивал",
        "форум",
        "банк",
        "тоо",
        "ао",
        "оао",
        "зао",
        "ооо",
        "пао",
        "корпораци",
        "холдинг",
        "авиакомпани",
        "завод",
        "комбинат",
        "центр",
        "портал",
        "сайт",
        "издательств",
        "клуб",
        "театр",
        "музе",
        "отел",
        "гостиниц",
        "бренд",
        "марк",
        "сериал",
        "роман",
        "стать",
        "рубрик",
        "передач",
        "шоу",
        "кампани",
        "инициатив",
        "стратеги",
        "концепци",
        "кодекс",
        "постановлени",
        "указ",
        "приказ",
        "документ",
        "договор",
        "соглашени",
        "меморандум",
        "платформ",
        "приложени",
        "сети",
        "сеть",
        "group",
        "ассоциаци",
        "союз",
        "объединени",
        "команд",
        "колхоз",
        "предприяти",
        "операто",
        "станци",
        "аэропорт",
        "порт",
        "корабл",
        "судн",
        "самолет",
        "ракет",
        "комплекс",
        "месторождени",
        "площадк",
        "парк",
        "стадион",
        "дворц",
        "дом",
        "улиц",
        "проспект",
        "площад",
    ];
    STEMS.iter().any(|s| w.starts_with(s))
}

/// An institution noun from the locative to the nominative ("пресс-службе" → "пресс-служба",
/// "министерстве" → "министерство"); `None` for words that are not institutions.
pub(super) fn locative_institution(w: &str) -> Option<String> {
    const LEXICON: &[(&str, &str)] = &[
        ("пресс-службе", "пресс-служба"),
        ("акимате", "акимат"),
        ("мэрии", "мэрия"),
        ("администрации", "администрация"),
        ("прокуратуре", "прокуратура"),
        ("полиции", "полиция"),
        ("компании", "компания"),
        ("кремле", "Кремль"),
        ("департаменте", "департамент"),
        ("комитете", "комитет"),
        ("штабе", "штаб"),
        ("мид", "МИД"),
        ("минздраве", "Минздрав"),
        ("минфине", "Минфин"),
        ("совете", "совет"),
        ("суде", "суд"),
        ("банке", "банк"),
        ("нацбанке", "Нацбанк"),
        ("фонде", "фонд"),
        ("центре", "центр"),
        ("агентстве", "агентство"),
        ("партии", "партия"),
        ("службе", "служба"),
        ("инспекции", "инспекция"),
        ("организации", "организация"),
        ("управлении", "управление"),
    ];
    if let Some((_, n)) = LEXICON.iter().find(|(l, _)| *l == w) {
        return Some((*n).to_owned());
    }
    if let Some(stem) = w.strip_suffix("стве") {
        return Some(format!("{stem}ство"));
    }
    None
}

/// A descriptor phrase with its head in the nominative ("корреспондента агентства" →
/// "корреспондент агентства").
pub(super) fn role_phrase_nominative(phrase: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut done = false;
    for tok in phrase.split_whitespace() {
        let low: String = tok.chars().flat_map(char::to_lowercase).map(fold).collect();
        if !done {
            if let Some(h) = role_head(&low) {
                out.push(h.to_owned());
                done = true;
                continue;
            }
            if is_role_adjective(&low) {
                out.push(adjective_nominative(&low));
                continue;
            }
            done = true;
        }
        out.push(tok.to_owned());
    }
    lower_first(&out.join(" "))
}

/// The nominative plural of a role noun in the genitive plural ("экспертов" → "эксперты",
/// "аналитиков" → "аналитики"); `None` for singular forms.
pub(super) fn plural_group(w: &str) -> Option<String> {
    let head = role_head(w)?;
    let gen_pl = if let Some(stem) = head.strip_suffix('ь') {
        format!("{stem}ей")
    } else {
        format!("{head}ов")
    };
    if w != gen_pl {
        return None;
    }
    Some(if let Some(stem) = head.strip_suffix('ь') {
        format!("{stem}и")
    } else if head.ends_with(['к', 'г', 'х', 'ж', 'ш', 'ч', 'щ']) {
        format!("{head}и")
    } else {
        format!("{head}ы")
    })
}
