//! One test per date rule of extraction, on small pages written here: each source of a
//! publication or update time, how they are reconciled, and where a date is never taken.

use chrono::{DateTime, FixedOffset};
use khronika_extract::{extract, ExtractOptions};
use khronika_model::Article;

const BODY: &str = "<div class=\"article-body\">\
<p>В Алматы открыли новый мост через реку Есентай, сообщили в акимате города в среду.</p>\
<p>Строительство, по словам подрядчика, заняло два года и обошлось в четыре миллиарда тенге.</p>\
<p>Движение по мосту откроют после приёмки, которая займёт ещё около двух недель.</p></div>";

fn page(head: &str, header: &str, after: &str) -> String {
    format!(
        "<!doctype html><html><head>{head}</head><body><nav><a href=\"/\">Главная</a></nav>\
         <article><h1>Новый мост открыли в Алматы</h1>{header}{BODY}</article>{after}\
         <footer>© 2025 Сайт</footer></body></html>"
    )
}

fn ex_with(html: &str, opts: &ExtractOptions) -> Article {
    extract(html.as_bytes(), opts).expect("extract")
}

fn ex(html: &str) -> Article {
    ex_with(html, &ExtractOptions::default())
}

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("test time")
}

fn rfc(d: Option<DateTime<FixedOffset>>) -> Option<String> {
    d.map(|d| d.to_rfc3339())
}

fn with_url(u: &str) -> ExtractOptions {
    ExtractOptions {
        url: Some(u.parse().expect("url")),
        ..Default::default()
    }
}

#[test]
fn jsonld_date_published_and_modified() {
    let head = r#"<script type="application/ld+json">{"@type":"NewsArticle",
        "headline":"Новый мост открыли в Алматы","datePublished":"2025-04-02T21:32:00+05:00",
        "dateModified":"2025-04-03T08:00:00+05:00"}</script>"#;
    let a = ex(&page(head, "", ""));
    assert_eq!(
        rfc(a.published).as_deref(),
        Some("2025-04-02T21:32:00+05:00")
    );
    assert_eq!(
        rfc(a.modified).as_deref(),
        Some("2025-04-03T08:00:00+05:00")
    );
}

#[test]
fn meta_published_and_modified_time() {
    let head = r#"<meta property="article:published_time" content="2025-04-02T10:00:00+03:00">
        <meta property="article:modified_time" content="2025-04-02T12:30:00+03:00">"#;
    let a = ex(&page(head, "", ""));
    assert_eq!(
        rfc(a.published).as_deref(),
        Some("2025-04-02T10:00:00+03:00")
    );
    assert_eq!(
        rfc(a.modified).as_deref(),
        Some("2025-04-02T12:30:00+03:00")
    );
}

#[test]
fn time_element_in_the_header_gives_the_date() {
    let header =
        r#"<div class="meta"><time datetime="2025-04-02T21:32:00+05:00">2 апреля</time></div>"#;
    let a = ex(&page("", header, ""));
    assert_eq!(
        rfc(a.published).as_deref(),
        Some("2025-04-02T21:32:00+05:00")
    );
}

#[test]
fn visible_header_line_gives_the_date() {
    let header = r#"<div class="article-date">2 апреля 2025, 21:32</div>"#;
    let a = ex_with(
        &page("", header, ""),
        &ExtractOptions {
            tz: Some(chrono_tz::Asia::Almaty),
            ..Default::default()
        },
    );
    assert_eq!(
        rfc(a.published).as_deref(),
        Some("2025-04-02T21:32:00+05:00")
    );
}

#[test]
fn visible_time_without_offset_takes_the_site_zone_given_by_the_caller() {
    let header = r#"<span class="date">31.03.2025 14:03</span>"#;
    let html = page("", header, "");
    let moscow = ex_with(
        &html,
        &ExtractOptions {
            tz: Some(chrono_tz::Europe::Moscow),
            ..Default::default()
        },
    );
    assert_eq!(
        rfc(moscow.published).as_deref(),
        Some("2025-03-31T14:03:00+03:00")
    );
    let almaty = ex_with(
        &html,
        &ExtractOptions {
            tz: Some(chrono_tz::Asia::Almaty),
            ..Default::default()
        },
    );
    assert_eq!(
        rfc(almaty.published).as_deref(),
        Some("2025-03-31T14:03:00+05:00")
    );
}

#[test]
fn visible_time_without_offset_takes_the_offset_the_page_states() {
    // The page's machine-readable modification time states +06:00; its printed
    // publication time has no zone and is the site's local time.
    let head = r#"<meta property="article:modified_time" content="2025-04-03T09:00:00+06:00">"#;
    let header = r#"<span class="date">2 апреля 2025 в 21:32</span>"#;
    let a = ex(&page(head, header, ""));
    assert_eq!(
        rfc(a.published).as_deref(),
        Some("2025-04-02T21:32:00+06:00")
    );
}

#[test]
fn relative_header_date_resolves_in_the_site_zone() {
    let header = r#"<span class="date">Вчера, 23:10</span>"#;
    let a = ex_with(
        &page("", header, ""),
        &ExtractOptions {
            // 01:00 on 3 April in Almaty is still 2 April in UTC: "вчера" is 2 April local.
            fetched_at: Some(at("2025-04-02T20:00:00+00:00")),
            tz: Some(chrono_tz::Asia::Almaty),
            ..Default::default()
        },
    );
    assert_eq!(
        rfc(a.published).as_deref(),
        Some("2025-04-02T23:10:00+05:00")
    );
}

#[test]
fn url_path_day_dates_a_page_that_states_nothing_else() {
    let a = ex_with(
        &page("", "", ""),
        &with_url("https://example.com/news/2020/03/03/most/"),
    );
    assert_eq!(
        rfc(a.published).as_deref(),
        Some("2020-03-03T00:00:00+00:00")
    );
    let a = ex_with(
        &page("", "", ""),
        &ExtractOptions {
            tz: Some(chrono_tz::Asia::Almaty),
            ..with_url("https://example.kz/20200303/1565000000.html")
        },
    );
    // Almaty was on UTC+6 until March 2024: the zone's rules for that day apply.
    assert_eq!(
        rfc(a.published).as_deref(),
        Some("2020-03-03T00:00:00+06:00")
    );
}

#[test]
fn stated_time_beats_the_url_day() {
    let head = r#"<meta property="article:published_time" content="2020-03-03T14:20:00+03:00">"#;
    let a = ex_with(
        &page(head, "", ""),
        &with_url("https://example.ru/2020/03/03/most/"),
    );
    assert_eq!(
        rfc(a.published).as_deref(),
        Some("2020-03-03T14:20:00+03:00")
    );
}

#[test]
fn header_time_refines_a_day_only_stamp_of_the_same_day() {
    let head = r#"<meta property="article:published_time" content="2025-04-02">"#;
    let header = r#"<span class="date">2 апреля 2025 в 21:32</span>"#;
    let opts = ExtractOptions {
        tz: Some(chrono_tz::Asia::Almaty),
        ..Default::default()
    };
    let a = ex_with(&page(head, header, ""), &opts);
    assert_eq!(
        rfc(a.published).as_deref(),
        Some("2025-04-02T21:32:00+05:00")
    );
    // A header time of another day does not replace the stated day.
    let other = r#"<span class="date">5 апреля 2025 в 10:00</span>"#;
    let a = ex_with(&page(head, other, ""), &opts);
    assert_eq!(
        rfc(a.published).as_deref(),
        Some("2025-04-02T00:00:00+05:00")
    );
}

#[test]
fn modification_before_publication_is_dropped() {
    let head = r#"<meta property="article:published_time" content="2025-04-02T10:00:00+03:00">
        <meta property="article:modified_time" content="2019-01-01T00:00:00+03:00">"#;
    let a = ex(&page(head, "", ""));
    assert_eq!(
        rfc(a.published).as_deref(),
        Some("2025-04-02T10:00:00+03:00")
    );
    assert_eq!(a.modified, None);
}

#[test]
fn publication_after_the_fetch_is_no_publication_date() {
    let head = r#"<meta property="article:published_time" content="2031-01-01T10:00:00+03:00">"#;
    let opts = ExtractOptions {
        fetched_at: Some(at("2025-04-03T09:00:00+05:00")),
        ..Default::default()
    };
    assert_eq!(ex_with(&page(head, "", ""), &opts).published, None);
    // The same stamp with no fetch time to compare with is kept: extraction reads no clock.
    assert!(ex(&page(head, "", "")).published.is_some());
}

#[test]
fn dates_in_a_sidebar_list_are_never_the_articles() {
    let sidebar: String = (0..5)
        .map(|i| {
            format!(
                "<li><a href=\"/n/{i}\">Другая новость номер {i} о событиях дня в городе</a>\
                 <time datetime=\"2025-04-0{}T1{i}:00:00+05:00\">1{i}:00</time></li>",
                i + 1
            )
        })
        .collect();
    let a = ex(&page("", "", &format!("<aside><ul>{sidebar}</ul></aside>")));
    assert_eq!(a.published, None);
    assert_eq!(a.modified, None);
}

#[test]
fn dates_in_a_link_list_inside_the_article_are_never_the_articles() {
    let related: String = (0..4)
        .map(|i| {
            format!(
                "<div class=\"item\"><a href=\"/n/{i}\">Читайте также: другая новость номер {i} о мосте и дорогах</a>\
                 <span class=\"date\">0{}.04.2025 10:00</span></div>",
                i + 1
            )
        })
        .collect();
    let header = format!("<div class=\"related\">{related}</div>");
    let a = ex(&page("", &header, ""));
    assert_eq!(a.published, None);
}

#[test]
fn a_page_that_states_no_date_has_none() {
    let a = ex_with(
        &page("", "", ""),
        &ExtractOptions {
            fetched_at: Some(at("2025-04-03T09:00:00+05:00")),
            ..with_url("https://example.kz/news/most-otkryli")
        },
    );
    assert_eq!(a.published, None);
    assert_eq!(a.modified, None);
}

#[test]
fn visible_time_on_a_single_zone_countrys_site_takes_that_zone() {
    let header = r#"<span class="date">2 апреля 2025 в 21:32</span>"#;
    let a = ex_with(
        &page("", header, ""),
        &with_url("https://example.kg/news/most"),
    );
    assert_eq!(
        rfc(a.published).as_deref(),
        Some("2025-04-02T21:32:00+06:00")
    );
    // A country of many zones gets no guessed zone: the printed time stays UTC.
    let a = ex_with(
        &page("", header, ""),
        &with_url("https://example.ru/news/most"),
    );
    assert_eq!(
        rfc(a.published).as_deref(),
        Some("2025-04-02T21:32:00+00:00")
    );
}
