//! Lines that are page chrome wherever they appear inside a body: "Читайте также",
//! "Фото: …", share and comment prompts, subscription calls, bare datelines. Checked on
//! short paragraphs by the body emitter (`body.rs`); kept apart because it is vocabulary
//! (phrase lists in Russian, Kazakh and English), not tree logic.

/// Lines that are boilerplate wherever they appear (checked on short paragraphs).
const BOILER_START: &[&str] = &[
    "оставить комментарий",
    "добавить комментарий",
    "написать комментарий",
    "комментарии к статье",
    "авторизуйтесь",
    "читайте также",
    "читайте нас",
    "читайте новости",
    "читайте материал",
    "читайте наши",
    "смотрите также",
    "смотрите видео",
    "продолжая тему",
    "по теме:",
    "подписывайтесь",
    "подпишитесь",
    "подписаться",
    "присоединяйтесь",
    "фото:",
    "видео:",
    "источник фото",
    "иллюстративное фото",
    "новости по теме",
    "related:",
    "read more",
    "read also",
    "see also",
    "sign up",
    "follow us",
    "share this",
    "click here",
    "photo:",
    "image:",
    "credit:",
    "getty images",
    "ошибка в тексте",
    "нашли ошибку",
    "если вы нашли",
    "хотите сообщить новость",
    "есть новость",
    "все новости",
    "самое читаемое",
    "последние новости",
    "лента новостей",
    "оригинал материала",
    "материалы по теме",
    "больше новостей",
    "еще больше новостей",
    "ещё больше новостей",
    "также читайте",
    "также по теме",
    "узнавайте первыми",
    "наш telegram",
    "наш канал",
    "мы в telegram",
    "мы в соцсетях",
    "подписка на",
    "©",
    "copyright",
    "all rights reserved",
    "все права защищены",
    "leave a comment",
    "leave a reply",
    "related articles",
    "related posts",
    "related stories",
    "you may also like",
    "recommended for you",
    "more from",
    "more stories",
    "trending now",
    "breaking news",
    "top stories",
    "editor's picks",
    "get the latest",
    "we respect your privacy",
    "this article was",
    "click to share",
    "share on",
    "email this",
    "print this",
];

/// Words that are boilerplate when they are the whole line ("Комментарии (3)").
const BOILER_LABELS: &[&str] = &[
    "реклама",
    "поделиться",
    "загрузка",
    "комментарии",
    "обсуждение",
    "популярное",
    "рассылка",
    "comments",
    "newsletter",
    "tweet",
    "advertisement",
    "subscribe",
    "фото",
    "видео",
    "теги",
    "tags",
    "share",
    "advert",
    "ad",
];

pub(crate) fn is_boilerplate_line(text: &str) -> bool {
    let t = text.trim();
    let len = t.chars().count();
    if len == 0 {
        return true;
    }
    let lower = t.to_lowercase();
    let short = len < 220;
    // A phrase must end at a word boundary: "subscribe" is not "subscribers".
    let starts = |p: &str| {
        lower.starts_with(p)
            && lower
                .get(p.len()..)
                .and_then(|r| r.chars().next())
                .is_none_or(|c| !c.is_alphanumeric() || !p.ends_with(|e: char| e.is_alphanumeric()))
    };
    if short && BOILER_START.iter().any(|b| starts(b)) {
        return true;
    }
    let label = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    if BOILER_LABELS.contains(&label) {
        return true;
    }
    if len < 80 && lower.starts_with("фото ") {
        return true;
    }
    // English calls to action that close many articles.
    const CTA: &[&str] = &[
        "like this story",
        "let our news",
        "if you enjoyed",
        "more great",
        "join our",
        "this post may contain affiliate",
        "this website uses cookies",
        "we use cookies",
        "listen to ",
        "watch:",
        "watch the latest",
        "sign up for",
        "get our",
        "download our app",
    ];
    if short && CTA.iter().any(|c| lower.starts_with(c)) {
        return true;
    }
    if short
        && lower.starts_with("follow ")
        && [
            "twitter",
            "facebook",
            "instagram",
            "@",
            "telegram",
            "youtube",
        ]
        .iter()
        .any(|w| lower.contains(w))
    {
        return true;
    }
    // Calls to follow the outlet elsewhere ("Объясняем на нашем YouTube-канале. Подпишись!").
    if len < 250
        && (lower.contains("подпиш") || lower.contains("подпис") || lower.contains("subscribe"))
        && (lower.contains("канал")
            || lower.contains("telegram")
            || lower.contains("instagram")
            || lower.contains("youtube")
            || lower.contains("соцсет")
            || lower.contains("рассылк")
            || lower.contains("newsletter")
            || lower.contains("дзен"))
    {
        return true;
    }
    // Lines that are only an ad label or a script notice.
    if matches!(
        lower.as_str(),
        "advert"
            | "advertisement"
            | "ad"
            | "реклама"
            | "tags"
            | "теги"
            | "теги:"
            | "tags:"
            | "share"
            | "loading..."
            | "загрузка..."
    ) || lower.contains("requires javascript")
        || lower.contains("enable javascript")
    {
        return true;
    }
    if is_dateline(&lower) {
        return true;
    }
    // A line that is only a credit ("Фото: ТАСС / Иван Петров", "© РИА Новости").
    if len < 120
        && (lower.contains("фото:")
            || lower.starts_with("фото ")
            || lower.contains("© ")
            || lower.contains("getty images")
            || lower.contains("shutterstock")
            || lower.contains("image credit"))
    {
        return true;
    }
    false
}

/// A dateline: "Posted: Fri 6:45 PM, Feb 16, 2018", "Обновлено 12.03.2024 14:05",
/// "segunda-feira, 22 de janeiro de 2018 às 0:13" — a date with at most a few words.
fn is_dateline(lower: &str) -> bool {
    if lower.chars().count() > 100 {
        return false;
    }
    const LABELS: &[&str] = &[
        "posted",
        "updated",
        "published",
        "last updated",
        "опубликовано",
        "обновлено",
        "дата публикации",
        "дата:",
        "publicado",
        "atualizado",
    ];
    let digits = lower.chars().filter(char::is_ascii_digit).count();
    if digits < 2 {
        return false;
    }
    if LABELS.iter().any(|l| lower.starts_with(l)) {
        return true;
    }
    let has_time = lower
        .as_bytes()
        .windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit());
    let has_year = lower
        .split(|c: char| !c.is_ascii_digit())
        .any(|t| t.len() == 4 && (t.starts_with("19") || t.starts_with("20")));
    let words = lower
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 3)
        .count();
    (has_time || has_year)
        && words <= 5
        && !lower.ends_with('.')
        && (has_time || digits * 4 >= lower.chars().count())
}
