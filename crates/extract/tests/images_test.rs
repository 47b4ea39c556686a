//! The lead image: each source (og:image, JSON-LD `image`, the article's first figure),
//! its caption, credit and size, and pages that have none. Pages written here.

use khronika_extract::{extract, ExtractOptions};
use khronika_model::Article;

const BODY: &str =
    "<p>В Алматы открыли новый мост через реку Есентай, сообщили в акимате города в среду.</p>\
<p>Строительство, по словам подрядчика, заняло два года и обошлось в четыре миллиарда тенге.</p>\
<p>Движение по мосту откроют после приёмки, которая займёт ещё около двух недель.</p>";

fn ex(head: &str, body: &str) -> Article {
    let html = format!(
        "<!doctype html><html><head>{head}</head><body><nav><a href=\"/\"><img src=\"/logo.png\" width=\"120\" height=\"40\"></a></nav>\
         <article><h1>Новый мост открыли в Алматы</h1><div class=\"article-body\">{body}</div></article>\
         <aside><ul><li><a href=\"/n/1\"><img src=\"/thumb-other.jpg\">Другая новость дня о дорогах</a></li></ul></aside></body></html>"
    );
    let opts = ExtractOptions {
        url: Some("https://example.kz/news/most".parse().expect("url")),
        ..Default::default()
    };
    extract(html.as_bytes(), &opts).expect("extract")
}

#[test]
fn og_image_with_its_stated_size() {
    let head = r#"<meta property="og:image" content="/uploads/most-2025.jpg">
        <meta property="og:image:width" content="1200"><meta property="og:image:height" content="630">"#;
    let a = ex(head, BODY);
    let img = a.image().expect("image");
    assert_eq!(img.url.as_str(), "https://example.kz/uploads/most-2025.jpg");
    assert_eq!((img.width, img.height), (Some(1200), Some(630)));
    assert_eq!(a.images.len(), 1);
}

#[test]
fn jsonld_image_object_with_caption_credit_and_size() {
    let head = r#"<script type="application/ld+json">{"@type":"NewsArticle",
        "headline":"Новый мост открыли в Алматы",
        "image":{"@type":"ImageObject","url":"https://example.kz/i/most-2025.jpg",
                 "caption":"Мост через Есентай","creditText":"Акимат Алматы",
                 "width":{"@type":"QuantitativeValue","value":1600},"height":"900"}}</script>"#;
    let img = ex(head, BODY).image().cloned().expect("image");
    assert_eq!(img.url.as_str(), "https://example.kz/i/most-2025.jpg");
    assert_eq!(img.caption.as_deref(), Some("Мост через Есентай"));
    assert_eq!(img.credit.as_deref(), Some("Акимат Алматы"));
    assert_eq!((img.width, img.height), (Some(1600), Some(900)));
}

#[test]
fn first_figure_of_the_body_with_caption_and_marked_credit() {
    let body = format!(
        "<figure><img src=\"/i/most-open.jpg\" width=\"800\" height=\"533\" alt=\"\">\
         <figcaption>Открытие моста. Фото: Иван Петров</figcaption></figure>{BODY}\
         <figure><img src=\"/i/second.jpg\"><figcaption>Второе фото</figcaption></figure>"
    );
    let img = ex("", &body).image().cloned().expect("image");
    assert_eq!(img.url.as_str(), "https://example.kz/i/most-open.jpg");
    assert_eq!(img.caption.as_deref(), Some("Открытие моста"));
    assert_eq!(img.credit.as_deref(), Some("Иван Петров"));
    assert_eq!((img.width, img.height), (Some(800), Some(533)));
}

#[test]
fn credit_element_inside_the_figcaption() {
    let body = format!(
        "<figure><img data-src=\"/i/most-lazy.jpg\" src=\"data:image/gif;base64,R0lGOD\">\
         <figcaption>Мост через Есентай <span class=\"photo-credit\">© ТАСС</span></figcaption></figure>{BODY}"
    );
    let img = ex("", &body).image().cloned().expect("image");
    assert_eq!(img.url.as_str(), "https://example.kz/i/most-lazy.jpg");
    assert_eq!(img.caption.as_deref(), Some("Мост через Есентай"));
    assert_eq!(img.credit.as_deref(), Some("ТАСС"));
    assert_eq!((img.width, img.height), (None, None));
}

#[test]
fn declared_image_takes_caption_from_the_same_picture_in_the_body() {
    let head =
        r#"<meta property="og:image" content="https://cdn.example.kz/1200x630/most-open.jpg?v=3">"#;
    let body = format!(
        "<figure><img src=\"/uploads/most-open.jpg\" width=\"800\" height=\"533\">\
         <figcaption>Открытие моста</figcaption></figure>{BODY}"
    );
    let img = ex(head, &body).image().cloned().expect("image");
    assert_eq!(
        img.url.as_str(),
        "https://cdn.example.kz/1200x630/most-open.jpg?v=3"
    );
    assert_eq!(img.caption.as_deref(), Some("Открытие моста"));
}

#[test]
fn declared_image_does_not_take_another_pictures_caption() {
    let head = r#"<meta property="og:image" content="https://example.kz/share/card-2025.png">"#;
    let body = format!(
        "<figure><img src=\"/uploads/most-open.jpg\"><figcaption>Открытие моста</figcaption></figure>{BODY}"
    );
    let img = ex(head, &body).image().cloned().expect("image");
    assert_eq!(img.url.as_str(), "https://example.kz/share/card-2025.png");
    assert_eq!(img.caption, None);
}

#[test]
fn page_without_an_article_image_has_none() {
    // Only the logo (navigation) and a sidebar thumbnail: neither is the article's.
    let a = ex("", BODY);
    assert!(a.images.is_empty(), "{:?}", a.images);
}

#[test]
fn a_declared_site_logo_gives_way_to_the_articles_picture() {
    let head = r#"<meta property="og:image" content="https://example.kz/static/share-logo.png">"#;
    let body = format!("<figure><img src=\"/i/most-open.jpg\"></figure>{BODY}");
    let img = ex(head, &body).image().cloned().expect("image");
    assert_eq!(img.url.as_str(), "https://example.kz/i/most-open.jpg");
    // A logo and nothing else: no image.
    assert!(ex(head, BODY).images.is_empty());
}

#[test]
fn a_width_without_a_height_is_no_size() {
    let head = r#"<meta property="og:image" content="/uploads/most-2025.jpg">
        <meta property="og:image:width" content="1036">"#;
    let img = ex(head, BODY).image().cloned().expect("image");
    assert_eq!((img.width, img.height), (None, None));
}
