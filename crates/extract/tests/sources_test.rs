//! Each metadata source, each encoding, and hostile inputs, on small pages written here.

use chrono::DateTime;
use khronika_extract::{extract, ExtractError, ExtractOptions, MAX_INPUT_BYTES};

const BODY: &str = "<div class=\"article-body\">\
<p>Правительство Казахстана утвердило новый порядок расчёта пенсий, сообщает пресс-служба ведомства.</p>\
<p>По словам министра, изменения затронут более двух миллионов человек, а новые выплаты начнутся с июля.</p>\
<p>Эксперты считают, что реформа потребует дополнительных расходов бюджета, но поддержат её.</p>\
<ul><li>первый пункт списка;</li><li>второй пункт списка.</li></ul>\
<p>Коротко.</p></div>";

fn page(head: &str, before_body: &str) -> String {
    format!(
        "<!doctype html><html><head>{head}</head><body><nav><a href=\"/\">Главная</a></nav>\
         <article>{before_body}{BODY}</article><footer>© 2025 Сайт</footer></body></html>"
    )
}

fn ex(html: &str) -> khronika_model::Article {
    extract(html.as_bytes(), &ExtractOptions::default()).expect("extract")
}

#[test]
fn jsonld_gives_title_date_authors_image_tags() {
    let head = r#"<title>Пенсии пересчитают | Сайт.kz</title>
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
 {"@type":"WebSite","name":"Сайт.kz"},
 {"@type":"NewsArticle","headline":"Пенсии пересчитают по-новому",
  "datePublished":"2025-04-02T21:32:00+05:00","dateModified":"2025-04-03T08:00:00+05:00",
  "author":[{"@type":"Person","name":"Иван Петров"},{"@type":"Person","name":"Анна Сидорова"}],
  "image":["https://site.kz/img/a.jpg"],"keywords":["пенсии","реформа"],
  "publisher":{"@type":"Organization","name":"Сайт.kz"}}]}</script>"#;
    let a = ex(&page(head, ""));
    assert_eq!(a.title.as_deref(), Some("Пенсии пересчитают по-новому"));
    assert_eq!(
        a.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2025-04-02T21:32:00+05:00")
    );
    assert_eq!(
        a.modified.map(|d| d.to_rfc3339()).as_deref(),
        Some("2025-04-03T08:00:00+05:00")
    );
    assert_eq!(a.authors, vec!["Иван Петров", "Анна Сидорова"]);
    assert_eq!(
        a.image().map(|i| i.url.as_str()),
        Some("https://site.kz/img/a.jpg")
    );
    assert_eq!(a.tags, vec!["пенсии", "реформа"]);
    assert_eq!(a.site_name.as_deref(), Some("Сайт.kz"));
}

#[test]
fn opengraph_and_meta() {
    let head = r#"<meta property="og:title" content="Пенсии пересчитают">
<meta property="og:site_name" content="Сайт.kz"><meta property="og:locale" content="kk_KZ">
<meta property="og:url" content="/news/1"><meta property="og:image" content="/i.jpg">
<meta property="article:published_time" content="2025-04-02T16:32:00Z">
<meta name="author" content="Автор: Иван Петров, Анна Сидорова">
<meta name="news_keywords" content="пенсии, реформа, Казахстан">
<title>Пенсии пересчитают — Сайт.kz</title>"#;
    let opts = ExtractOptions {
        url: Some("https://site.kz/news/1?utm=x".parse().expect("url")),
        ..Default::default()
    };
    let a = extract(page(head, "").as_bytes(), &opts).expect("extract");
    assert_eq!(a.title.as_deref(), Some("Пенсии пересчитают"));
    assert_eq!(
        a.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2025-04-02T16:32:00+00:00")
    );
    assert_eq!(a.authors, vec!["Иван Петров", "Анна Сидорова"]);
    assert_eq!(a.tags, vec!["пенсии", "реформа", "Казахстан"]);
    assert_eq!(
        a.canonical_url.as_ref().map(|u| u.as_str()),
        Some("https://site.kz/news/1")
    );
    assert_eq!(
        a.image().map(|i| i.url.as_str()),
        Some("https://site.kz/i.jpg")
    );
    assert_eq!(a.lang.as_ref().map(|l| l.as_str()), Some("kk"));
}

#[test]
fn microdata_and_title_tag_suffix() {
    let before = r#"<h1 itemprop="headline">Пенсии пересчитают</h1>
<time itemprop="datePublished" datetime="2025-04-02T21:32">2 апреля 2025 в 21:32</time>
<span itemprop="author" itemscope><span itemprop="name">Иван Петров</span></span>"#;
    let head = "<title>Пенсии пересчитают - Сайт.kz</title>";
    let opts = ExtractOptions {
        tz: Some(chrono_tz::Asia::Almaty),
        ..Default::default()
    };
    let a = extract(page(head, before).as_bytes(), &opts).expect("extract");
    assert_eq!(a.title.as_deref(), Some("Пенсии пересчитают"));
    // No offset in the markup: the site's zone is applied.
    assert_eq!(
        a.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2025-04-02T21:32:00+05:00")
    );
    assert_eq!(a.authors, vec!["Иван Петров"]);
    assert!(!a.text().contains("Иван Петров"));
}

#[test]
fn title_without_h1_strips_the_site_name() {
    let a = ex(&page(
        "<title>Пенсии пересчитают по-новому — Сайт.kz</title>",
        "",
    ));
    assert_eq!(a.title.as_deref(), Some("Пенсии пересчитают по-новому"));
}

#[test]
fn body_keeps_short_paragraphs_lists_and_the_last_paragraph() {
    let a = ex(&page("", "<h1>Пенсии пересчитают</h1>"));
    let text = a.text();
    assert!(text.starts_with("Правительство Казахстана"), "{text}");
    assert!(text.contains("первый пункт списка;\nвторой пункт списка."));
    assert!(text.ends_with("Коротко."), "{text}");
    assert!(!text.contains("Главная") && !text.contains("© 2025"));
    assert!(a.blocks.iter().any(
        |b| matches!(b, khronika_model::Block::List { ordered: false, items } if items.len() == 2)
    ));
}

#[test]
fn visible_relative_date_resolves_against_fetch_time() {
    let before = "<h1>Пенсии пересчитают</h1><div class=\"article-date\">Сегодня, 10:15</div>";
    let opts = ExtractOptions {
        fetched_at: Some(DateTime::parse_from_rfc3339("2025-04-03T18:00:00+05:00").expect("time")),
        tz: Some(chrono_tz::Asia::Almaty),
        ..Default::default()
    };
    let a = extract(page("", before).as_bytes(), &opts).expect("extract");
    assert_eq!(
        a.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2025-04-03T10:15:00+05:00")
    );
}

#[test]
fn visible_relative_date_without_a_reference_gives_no_date() {
    let before = "<h1>Пенсии пересчитают</h1><div class=\"article-date\">Вчера</div>";
    let html = page("", before);
    // No fetch time: "вчера" cannot be resolved, and the clock is never read.
    let a = extract(html.as_bytes(), &ExtractOptions::default()).expect("extract");
    assert_eq!(a.published, None);
    // With one, it is the day before the fetch, in the site's zone.
    let opts = ExtractOptions {
        fetched_at: Some(DateTime::parse_from_rfc3339("2025-04-03T18:00:00+05:00").expect("time")),
        tz: Some(chrono_tz::Asia::Almaty),
        ..Default::default()
    };
    let a = extract(html.as_bytes(), &opts).expect("extract");
    assert_eq!(
        a.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2025-04-02T00:00:00+05:00")
    );
}

#[test]
fn visible_dates_without_a_reference_only_absolute() {
    let published = |date: &str| {
        let before = format!("<h1>Пенсии пересчитают</h1><div class=\"article-date\">{date}</div>");
        let opts = ExtractOptions {
            tz: Some(chrono_tz::Asia::Almaty),
            ..Default::default()
        };
        extract(page("", &before).as_bytes(), &opts)
            .expect("extract")
            .published
            .map(|d| d.to_rfc3339())
    };
    for relative in [
        "Сегодня в 10:15",
        "вчера в 18:40",
        "2 часа назад",
        "2 апреля, 21:32",
    ] {
        assert_eq!(published(relative), None, "{relative}");
    }
    assert_eq!(
        published("2 апреля 2025 в 21:32").as_deref(),
        Some("2025-04-02T21:32:00+05:00")
    );
    assert_eq!(
        published("31.03.2025 14:03").as_deref(),
        Some("2025-03-31T14:03:00+05:00")
    );
}

#[test]
fn language_detection_tells_the_regions_languages_apart() {
    let lang = |p: &str| {
        let html =
            format!("<html><body><article><h1>Жаңалық</h1><p>{p}</p></article></body></html>");
        ex(&html).lang.map(|l| l.0)
    };
    assert_eq!(
        lang("Бишкекте жаңы мектеп ачылды. Билим берүү министри бул имаратта миң бала окуй турганын айтты.").as_deref(),
        Some("ky")
    );
    assert_eq!(
        lang("Тошкентда янги мактаб очилди. Халқ таълими вазири бу бинода минг нафар ўқувчи ўқишини маълум қилди.").as_deref(),
        Some("uz")
    );
    // Declared ru on a Kyrgyz page is corrected like on a Kazakh one.
    let html = "<html lang=\"ru\"><body><article><h1>Жаңылыктар</h1>\
        <p>Өкмөт жаңы мыйзам долбоорун жактырды, деп билдирди маалымат кызматы.</p>\
        <p>Бул программанын алкагында өлкө боюнча жүздөн ашык мектеп курулат.</p></article></body></html>";
    assert_eq!(ex(html).lang.as_ref().map(|l| l.as_str()), Some("ky"));
    // A Russian report quoting Kazakh names and a Kazakh phrase stays Russian.
    let html = "<html><body><article><h1>Аким встретился с жителями</h1>\
        <p>Аким района Әлихан Бөкейхан встретился с жителями села Жаңатұрмыс и рассказал о планах.</p>\
        <p>«Біз бірге жұмыс істейміз», — сказал он. Ремонт дороги начнётся весной.</p></article></body></html>";
    assert_eq!(ex(html).lang.as_ref().map(|l| l.as_str()), Some("ru"));
}

#[test]
fn visible_update_time_is_modified_never_published() {
    let opts = ExtractOptions {
        fetched_at: Some(DateTime::parse_from_rfc3339("2025-04-20T18:00:00+05:00").expect("time")),
        tz: Some(chrono_tz::Asia::Almaty),
        ..Default::default()
    };
    let dates = |before: &str| {
        let a = extract(page("", before).as_bytes(), &opts).expect("extract");
        (
            a.published.map(|d| d.to_rfc3339()),
            a.modified.map(|d| d.to_rfc3339()),
        )
    };
    let published = Some("2025-04-02T21:32:00+05:00".to_string());
    let updated = Some("2025-04-03T08:00:00+05:00".to_string());
    // Both in one line.
    assert_eq!(
        dates("<h1>Пенсии пересчитают</h1><div class=\"article-date\">Опубликовано: 2 апреля 2025 в 21:32 | Обновлено: 3 апреля 2025 в 08:00</div>"),
        (published.clone(), updated.clone())
    );
    // The update line comes first: it must not be taken for the publication time.
    assert_eq!(
        dates("<h1>Пенсии пересчитают</h1><div class=\"date-info\">Обновлено: 3 апреля 2025 в 08:00</div><div class=\"article-date\">2 апреля 2025 в 21:32</div>"),
        (published.clone(), updated.clone())
    );
    // Marked by class only, with a machine-readable time.
    assert_eq!(
        dates("<h1>Пенсии пересчитают</h1><time class=\"updated\" datetime=\"2025-04-03T08:00:00+05:00\">3 апреля</time><time class=\"published\" datetime=\"2025-04-02T21:32:00+05:00\">2 апреля</time>"),
        (published, updated)
    );
    // No update shown: no modified time.
    assert_eq!(
        dates("<h1>Пенсии пересчитают</h1><div class=\"article-date\">2 апреля 2025 в 21:32</div>")
            .1,
        None
    );
}

#[test]
fn sidebar_timestamps_are_not_the_article_date() {
    let sidebar: String = (0..6)
        .map(|i| format!("<li><a href=\"/n/{i}\">Заголовок другой новости номер {i} о событиях дня</a><span class=\"date\">2 апреля 2025 в 21:3{i}</span></li>"))
        .collect();
    let html = format!(
        "<html><body><article><h1>Пенсии пересчитают</h1>{BODY}</article><aside><ul>{sidebar}</ul></aside></body></html>"
    );
    let a = ex(&html);
    assert_eq!(a.published, None);
    assert!(!a.text().contains("Заголовок другой новости"));
}

#[test]
fn encodings_koi8r_cp1251_header_bom_utf16() {
    let html = page("<meta charset=\"koi8-r\">", "<h1>Пенсии пересчитают</h1>");
    let a = extract(
        &encoding_rs::KOI8_R.encode(&html).0,
        &ExtractOptions::default(),
    )
    .expect("koi8-r");
    assert_eq!(a.title.as_deref(), Some("Пенсии пересчитают"));

    let html = page("", "<h1>Пенсии пересчитают</h1>");
    let opts = ExtractOptions {
        content_type: Some("text/html; charset=Windows-1251".into()),
        ..Default::default()
    };
    let a = extract(&encoding_rs::WINDOWS_1251.encode(&html).0, &opts).expect("cp1251 by header");
    assert!(a.text().contains("утвердило новый порядок"));

    // Undeclared windows-1251 is sniffed.
    let a = extract(
        &encoding_rs::WINDOWS_1251.encode(&html).0,
        &ExtractOptions::default(),
    )
    .expect("sniffed");
    assert!(a.text().contains("утвердило новый порядок"));

    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(html.as_bytes());
    assert_eq!(ex_bytes(&bom).title.as_deref(), Some("Пенсии пересчитают"));

    let mut utf16 = vec![0xFF, 0xFE];
    for u in html.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    assert_eq!(
        ex_bytes(&utf16).title.as_deref(),
        Some("Пенсии пересчитают")
    );
}

fn ex_bytes(b: &[u8]) -> khronika_model::Article {
    extract(b, &ExtractOptions::default()).expect("extract")
}

#[test]
fn language_detection_without_declaration() {
    let kk = "<html><body><article><h1>Жаңалықтар</h1><p>Қазақстан Республикасының Үкіметі жаңа бағдарламаны бекітті, деп хабарлайды ведомствоның баспасөз қызметі.</p></article></body></html>";
    assert_eq!(ex(kk).lang.as_ref().map(|l| l.as_str()), Some("kk"));
    let en = "<html><body><article><h1>News</h1><p>The government approved a new pension programme on Tuesday, the ministry said in a statement.</p></article></body></html>";
    assert_eq!(ex(en).lang.as_ref().map(|l| l.as_str()), Some("en"));
}

#[test]
fn empty_and_too_large_inputs_are_clear_errors() {
    assert!(matches!(
        extract(b"", &ExtractOptions::default()),
        Err(ExtractError::Empty)
    ));
    let big = vec![b'a'; MAX_INPUT_BYTES + 1];
    assert!(matches!(
        extract(&big, &ExtractOptions::default()),
        Err(ExtractError::TooLarge { .. })
    ));
}

#[test]
fn binary_garbage_is_refused() {
    let mut x: u64 = 0x9E3779B97F4A7C15;
    let garbage: Vec<u8> = (0..100_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    assert!(matches!(
        extract(&garbage, &ExtractOptions::default()),
        Err(ExtractError::NotHtml(_))
    ));
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    match extract(&png, &ExtractOptions::default()) {
        Err(ExtractError::NotHtml(what)) => assert!(what.contains("image")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn deep_nesting_and_broken_markup_do_not_panic() {
    let deep = format!(
        "<html><body>{}<p>Глубоко вложенный текст статьи, который всё равно должен найтись.</p>",
        "<div>".repeat(100_000)
    );
    let a = ex(&deep);
    assert!(a.text().contains("Глубоко вложенный текст"));

    let broken = "<html><body><p>Первый <b>абзац <i>с перепутанными</b> тегами</i><p>второй <a href='x>без конца\
                  <table><td>ячейка<tr><li>пункт</ul></div></span><!-- незакрытый комментарий";
    let _ = ex(broken);
    for s in [
        "<",
        "<<<<",
        "</>",
        "<!DOCTYPE",
        "<script>",
        "&#xFFFFFFFF;",
        "<a b c d e='",
        "\u{feff}",
    ] {
        let _ = extract(s.as_bytes(), &ExtractOptions::default());
    }
}

#[test]
fn ten_megabyte_page_is_handled() {
    let para = "<p>Большой абзац текста статьи, повторённый много раз, чтобы страница весила десять мегабайт.</p>\n";
    let mut html = String::from("<html><body><article><h1>Большая страница</h1>");
    while html.len() < 10 * 1024 * 1024 {
        html.push_str(para);
    }
    html.push_str("</article></body></html>");
    let a = ex(&html);
    assert_eq!(a.title.as_deref(), Some("Большая страница"));
    assert!(a.blocks.len() > 50_000);
}

#[test]
fn div_built_headline_feed_after_a_short_article_gives_no_date() {
    let feed: String = (0..8)
        .map(|i| {
            format!(
                "<div class=\"item\"><a href=\"/n/{i}\">Казахстанские гостиницы приняли на {i}% больше туристов</a>\
                 <div class=\"item__time\">2 апреля 2025 в 21:3{i}</div></div>"
            )
        })
        .collect();
    let html = format!(
        "<html><body><div class=\"wrap\"><h1>Пенсии пересчитают</h1>\
         <div class=\"text\"><p>Правительство утвердило новый порядок расчёта пенсий, сообщает пресс-служба.</p>\
         <p>Изменения затронут более двух миллионов человек.</p></div>\
         <div class=\"feed\">{feed}</div></div></body></html>"
    );
    let opts = ExtractOptions {
        fetched_at: Some(DateTime::parse_from_rfc3339("2025-04-03T09:00:00+05:00").expect("time")),
        ..Default::default()
    };
    let a = extract(html.as_bytes(), &opts).expect("extract");
    assert_eq!(a.published, None);
    assert!(a.text().contains("двух миллионов"));
    assert!(!a.text().contains("гостиницы"));
}

#[test]
fn script_rendered_page_falls_back_to_jsonld_article_body() {
    let html = r#"<html><head><script type="application/ld+json">{"@type":"NewsArticle",
      "headline":"Пенсии пересчитают","articleBody":"Правительство утвердило новый порядок расчёта пенсий.\nИзменения затронут более двух миллионов человек, сообщили в министерстве труда."}</script>
      </head><body><div id="app"></div></body></html>"#;
    let a = ex(html);
    assert_eq!(a.title.as_deref(), Some("Пенсии пересчитают"));
    assert_eq!(
        a.text(),
        "Правительство утвердило новый порядок расчёта пенсий.\nИзменения затронут более двух миллионов человек, сообщили в министерстве труда."
    );
}

#[test]
fn body_image_and_meta_keywords_as_fallbacks() {
    let head = r#"<meta name="keywords" content="пенсии, реформа">"#;
    let before = r#"<h1>Пенсии пересчитают</h1>"#;
    let html = page(head, before).replace(
        "<div class=\"article-body\">",
        "<div class=\"article-body\"><img src=\"/img/pension.jpg\" alt=\"\">",
    );
    let opts = ExtractOptions {
        url: Some("https://site.kz/news/1".parse().expect("url")),
        ..Default::default()
    };
    let a = extract(html.as_bytes(), &opts).expect("extract");
    assert_eq!(
        a.image().map(|i| i.url.as_str()),
        Some("https://site.kz/img/pension.jpg")
    );
    assert_eq!(a.tags, vec!["пенсии", "реформа"]);
}

#[test]
fn old_table_layout_with_br_paragraphs_and_a_wrong_charset_declaration() {
    // UTF-8 bytes under a windows-1251 declaration (a template copied between sites).
    let html = r##"<html><head><meta charset="windows-1251"><title>Новости района</title></head><body>
<table width="100%"><tr><td class="menu"><a href="/">Главная</a><br><a href="/news">Новости</a><br><a href="/about">О нас</a></td>
<td class="main"><h1>В районе открыли новую школу</h1>
<span class="date">12.09.2023 10:30</span><br><br>
Сегодня в селе Каменка состоялось торжественное открытие новой средней школы на 500 мест.<br><br>
На церемонии присутствовали глава района, депутаты и родители будущих учеников.<br><br>
Строительство продолжалось два года.<br><br>
Фото: пресс-служба администрации<br>
<div class="share">Поделиться: <a href="#">VK</a> <a href="#">OK</a></div>
</td><td class="right"><b>Последние новости</b><br><a href="/n1">Ремонт дороги завершен в срок и без нареканий</a> 11.09.2023<br>
<a href="/n2">Праздник урожая прошёл в центре села Каменка</a> 10.09.2023<br>
<a href="/n3">Новый автобусный маршрут запущен до райцентра</a> 09.09.2023</td></tr></table>
<div class="footer">© 2023 Районная газета</div></body></html>"##;
    let opts = ExtractOptions {
        tz: Some(chrono_tz::Europe::Moscow),
        ..Default::default()
    };
    let a = extract(html.as_bytes(), &opts).expect("extract");
    assert_eq!(a.title.as_deref(), Some("В районе открыли новую школу"));
    assert_eq!(
        a.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2023-09-12T10:30:00+03:00")
    );
    assert_eq!(
        a.text(),
        "Сегодня в селе Каменка состоялось торжественное открытие новой средней школы на 500 мест.\n\
         На церемонии присутствовали глава района, депутаты и родители будущих учеников.\n\
         Строительство продолжалось два года."
    );
    assert_eq!(a.lang.as_ref().map(|l| l.as_str()), Some("ru"));
}

#[test]
fn dle_style_page_inline_read_also_related_comments_hashtags() {
    let html = r##"<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">
<title>Акимат Алматы утвердил план ремонта дорог на 2025 год » Новости Казахстана</title>
<meta property="og:title" content="Акимат Алматы утвердил план ремонта дорог на 2025 год">
<meta name="description" content="Акимат Алматы утвердил план ремонта дорог.">
</head><body>
<div id="header"><div class="logo"><a href="/">Новости.kz</a></div><ul class="topmenu"><li><a href="/politics/">Политика</a></li><li><a href="/economy/">Экономика</a></li></ul></div>
<div id="dle-content">
<div class="fullstory">
  <div class="fstory-info"><span class="fdate">Вчера, 18:45</span> | <span class="fviews">Просмотров: 1 204</span></div>
  <h1 class="ftitle">Акимат Алматы утвердил план ремонта дорог на 2025 год</h1>
  <div class="fstory-text">
    <p>Акимат Алматы утвердил план капитального и среднего ремонта дорог на 2025 год, сообщает пресс-служба городской администрации.</p>
    <p>В этом году планируется отремонтировать более 300 улиц общей протяжённостью 450 километров.</p>
    <p><strong>Читайте также:</strong> <a href="/news/123">В Алматы изменят схему движения на Абая</a></p>
    <p>Особое внимание уделят улицам в Алатауском и Наурызбайском районах, где дороги находятся в наихудшем состоянии.</p>
    <ul><li>ремонт тротуаров;</li><li>замена освещения;</li><li>установка светофоров.</li></ul>
    <p>Работы начнутся в апреле.</p>
    <p>#Алматы #дороги #ремонт</p>
  </div>
  <div class="related-news"><div class="rtitle">Похожие новости</div>
    <div class="ritem"><a href="/news/1">Ремонт дорог в Алматы: что изменится этим летом</a> <span>12.03.2025</span></div>
    <div class="ritem"><a href="/news/2">Какие улицы Алматы перекроют в мае из-за ремонта</a> <span>11.03.2025</span></div>
    <div class="ritem"><a href="/news/3">Аким Алматы рассказал о планах на 2025 год и новых проектах</a> <span>10.03.2025</span></div>
  </div>
  <div id="vk_comments"><div class="comment"><p>Наконец-то! Давно пора было отремонтировать улицы в нашем районе, ждём с нетерпением, посмотрим, что будет.</p></div>
  <div class="comment"><p>Каждый год обещают, а дороги как были разбитые, так и остались, ничего не меняется годами.</p></div></div>
</div></div>
<div id="footer">Все права защищены © 2025. Перепечатка материалов только с активной ссылкой.</div>
</body></html>
"##;
    let opts = ExtractOptions {
        fetched_at: Some(DateTime::parse_from_rfc3339("2025-03-13T09:00:00+05:00").expect("time")),
        tz: Some(chrono_tz::Asia::Almaty),
        ..Default::default()
    };
    let a = extract(html.as_bytes(), &opts).expect("extract");
    assert_eq!(
        a.title.as_deref(),
        Some("Акимат Алматы утвердил план ремонта дорог на 2025 год")
    );
    assert_eq!(
        a.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2025-03-12T18:45:00+05:00")
    );
    assert_eq!(a.tags, vec!["Алматы", "дороги", "ремонт"]);
    let text = a.text();
    assert!(
        text.starts_with("Акимат Алматы утвердил план капитального"),
        "{text}"
    );
    assert!(text.ends_with("Работы начнутся в апреле."), "{text}");
    assert!(text.contains("ремонт тротуаров;\nзамена освещения;\nустановка светофоров."));
    for bad in [
        "Читайте также",
        "схему движения",
        "Похожие новости",
        "что изменится этим летом",
        "Наконец-то",
        "Просмотров",
        "#Алматы",
        "Все права",
    ] {
        assert!(!text.contains(bad), "leaked: {bad}");
    }
}

#[test]
fn badge_inside_the_headline_is_dropped() {
    let head = r#"<meta property="og:title" content="Пенсии пересчитают по-новому">"#;
    let before = r#"<h1>Пенсии пересчитают по-новому <span class="badge">Видео</span></h1>"#;
    let a = ex(&page(head, before));
    assert_eq!(a.title.as_deref(), Some("Пенсии пересчитают по-новому"));
}

#[test]
fn kazakh_text_under_a_russian_template_is_kazakh() {
    let html = "<html lang=\"ru\"><body><article><h1>Жаңалықтар</h1>\
        <p>Қазақстан Республикасының Үкіметі жаңа бағдарламаны бекітті, деп хабарлайды ведомствоның баспасөз қызметі.</p>\
        <p>Бағдарлама аясында өңірлерде жүзден астам мектеп салынады.</p></article></body></html>";
    assert_eq!(ex(html).lang.as_ref().map(|l| l.as_str()), Some("kk"));
}

#[test]
fn visible_byline_unless_the_markup_credits_the_outlet() {
    let byline = "<h1>Пенсии пересчитают по-новому</h1>\
                  <div class=\"article-author\">Автор: Иван Петров</div>";
    let site = r#"<meta property="og:site_name" content="Example.kz">"#;
    // No author metadata: the visible byline is the author.
    assert_eq!(ex(&page(site, byline)).authors, vec!["Иван Петров"]);
    // `<meta name=author>` naming the site: the outlet's piece.
    let head = format!(r#"{site}<meta name="author" content="Example.kz">"#);
    assert!(ex(&page(&head, byline)).authors.is_empty());
    // JSON-LD author of type Organization.
    let head = format!(
        r#"{site}<script type="application/ld+json">{{"@type":"NewsArticle",
        "headline":"Пенсии пересчитают по-новому",
        "author":{{"@type":"Organization","name":"Example.kz"}}}}</script>"#
    );
    assert!(ex(&page(&head, byline)).authors.is_empty());
    // Initials in a meta author are not the outlet: the visible byline still counts.
    let head = format!(r#"{site}<meta name="author" content="И. Сидоров">"#);
    assert_eq!(ex(&page(&head, byline)).authors, vec!["Иван Петров"]);
    // A person in the metadata still wins over everything.
    let head = format!(
        r#"{site}<script type="application/ld+json">{{"@type":"NewsArticle",
        "author":[{{"@type":"Person","name":"Анна Сидорова"}}]}}</script>"#
    );
    assert_eq!(ex(&page(&head, byline)).authors, vec!["Анна Сидорова"]);
}

#[test]
fn section_from_jsonld_article_section_string_or_array() {
    let head = r#"<script type="application/ld+json">{"@type":"NewsArticle",
 "headline":"Пенсии пересчитают","articleSection":"Экономика"}</script>"#;
    assert_eq!(ex(&page(head, "")).section.as_deref(), Some("Экономика"));
    let head = r#"<script type="application/ld+json">{"@type":"NewsArticle",
 "headline":"Пенсии пересчитают","articleSection":["Общество","Пенсии"]}</script>
<meta property="article:section" content="Экономика">"#;
    assert_eq!(ex(&page(head, "")).section.as_deref(), Some("Общество"));
}

#[test]
fn section_from_meta_article_section() {
    let head = r#"<meta property="article:section" content=" Спорт ">"#;
    assert_eq!(ex(&page(head, "")).section.as_deref(), Some("Спорт"));
    // No section stated anywhere: none.
    assert_eq!(ex(&page("<title>Т</title>", "")).section, None);
}

#[test]
fn section_from_breadcrumb_list_skips_home_and_the_article_itself() {
    let head = r#"<script type="application/ld+json">[
 {"@type":"NewsArticle","headline":"Пенсии пересчитают по-новому"},
 {"@type":"BreadcrumbList","itemListElement":[
  {"@type":"ListItem","position":3,"name":"Пенсии пересчитают по-новому"},
  {"@type":"ListItem","position":1,"item":{"@id":"https://site.kz/","name":"Главная"}},
  {"@type":"ListItem","position":2,"name":"Экономика"}]}]</script>"#;
    assert_eq!(ex(&page(head, "")).section.as_deref(), Some("Экономика"));
    // A WebPage stating its breadcrumb as a property; only home and the article: none.
    let head = r#"<script type="application/ld+json">{"@type":"WebPage",
 "breadcrumb":{"@type":"BreadcrumbList","itemListElement":[
  {"@type":"ListItem","position":1,"name":"Главная"},
  {"@type":"ListItem","position":2,"name":"Пенсии пересчитают по-новому"}]}}</script>
<meta property="og:title" content="Пенсии пересчитают по-новому">"#;
    assert_eq!(ex(&page(head, "")).section, None);
    // articleSection wins over the breadcrumb.
    let head = r#"<script type="application/ld+json">[
 {"@type":"NewsArticle","headline":"Х","articleSection":"Общество"},
 {"@type":"BreadcrumbList","itemListElement":[{"position":1,"name":"Экономика"}]}]</script>"#;
    assert_eq!(ex(&page(head, "")).section.as_deref(), Some("Общество"));
}

#[test]
fn section_from_microdata_article_section() {
    let before = r#"<meta itemprop="articleSection" content="Общество">"#;
    assert_eq!(ex(&page("", before)).section.as_deref(), Some("Общество"));
    let before = r#"<span itemprop="articleSection">Происшествия</span>"#;
    assert_eq!(
        ex(&page("", before)).section.as_deref(),
        Some("Происшествия")
    );
}
