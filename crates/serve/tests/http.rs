//! The server over real HTTP on 127.0.0.1: API contract, portal pages, feeds, XSS safety.

mod common;

use std::collections::HashSet;

use common::{get, request, start};
use khronika_serve::ServeConfig;

fn cfg() -> ServeConfig {
    ServeConfig::default()
}

async fn first_id(s: &common::Server, q: &str) -> i64 {
    let r = get(s.addr, &format!("/api/v1/search?q={q}"), &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["items"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no hit for {q}: {}", r.body))
}

// ---------------- API ----------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn articles_paginate_with_cursor_without_gaps_or_duplicates() {
    let s = start(23, cfg()).await;
    let mut seen = HashSet::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/articles?limit=7&cursor={}", urlenc(c)),
            None => "/api/v1/articles?limit=7".to_string(),
        };
        let r = get(s.addr, &path, &[]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r
            .header("content-type")
            .unwrap_or("")
            .starts_with("application/json"));
        let v = r.json();
        let items = v["items"].as_array().cloned().unwrap_or_default();
        assert!(items.len() <= 7);
        let mut prev: Option<String> = None;
        for it in &items {
            let id = it["id"].as_i64().unwrap_or(-1);
            assert!(seen.insert(id), "duplicate {id}");
            let p = it["time"].as_str().unwrap_or("").to_string();
            if let Some(pp) = &prev {
                assert!(pp >= &p, "not newest first: {pp} then {p}");
            }
            prev = Some(p);
        }
        pages += 1;
        match v["next"].as_str() {
            Some(n) => cursor = Some(n.to_string()),
            None => break,
        }
        assert!(pages < 20, "pagination does not end");
    }
    assert_eq!(seen.len(), 25);
    assert_eq!(pages, 4);
}

fn urlenc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_filters_and_errors() {
    let s = start(6, cfg()).await;
    let lenta = s.sources[1].0;
    let r = get(
        s.addr,
        &format!("/api/v1/articles?source={lenta}&limit=100"),
        &[],
    )
    .await;
    let items = r.json()["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 4, "{}", r.body);
    assert!(items
        .iter()
        .all(|i| i["source"]["id"].as_i64() == Some(lenta)));

    let r = get(s.addr, "/api/v1/articles?tag=%D0%A8%D0%9E%D0%A1", &[]).await;
    let items = r.json()["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "{}", r.body);

    let r = get(
        s.addr,
        "/api/v1/articles?since=2024-06-17T06%3A30%3A00Z&limit=100",
        &[],
    )
    .await;
    let n = r.json()["items"].as_array().map(|a| a.len()).unwrap_or(0);
    assert_eq!(
        n, 1,
        "only the reference article is from 06:30 on: {}",
        r.body
    );
    let r = get(s.addr, "/api/v1/articles?until=2024-06-10&limit=100", &[]).await;
    let n = r.json()["items"].as_array().map(|a| a.len()).unwrap_or(0);
    assert_eq!(n, 1, "only the ШОС article is before 10 June: {}", r.body);

    for (path, status, code) in [
        ("/api/v1/articles?limit=0", 400, "bad_request"),
        ("/api/v1/articles?limit=abc", 400, "bad_request"),
        ("/api/v1/articles?since=yesterday", 400, "bad_request"),
        ("/api/v1/articles?source=x", 400, "bad_request"),
        ("/api/v1/articles/abc", 400, "bad_request"),
        ("/api/v1/articles/987654", 404, "not_found"),
        ("/api/v1/search", 400, "bad_request"),
        ("/api/v1/search?q=a&sort=sideways", 400, "bad_request"),
        ("/api/v1/entities?type=XYZ", 400, "bad_request"),
        ("/api/v1/no-such-thing", 404, "not_found"),
        ("/api/v1/stories/none", 404, "not_found"),
    ] {
        let r = get(s.addr, path, &[]).await;
        assert_eq!(r.status, status, "{path}: {}", r.body);
        let v = r.json();
        assert_eq!(v["error"]["code"], code, "{path}");
        assert_eq!(v["error"]["status"], status, "{path}");
        assert!(v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn etag_gives_304_and_changes_with_content() {
    let s = start(2, cfg()).await;
    for path in ["/api/v1/articles", "/", "/feed.rss"] {
        let r = get(s.addr, path, &[]).await;
        assert_eq!(r.status, 200);
        let etag = r
            .header("etag")
            .unwrap_or_else(|| panic!("no etag on {path}"))
            .to_string();
        let r2 = get(s.addr, path, &[("If-None-Match", &etag)]).await;
        assert_eq!(r2.status, 304, "{path}");
        assert!(r2.body.is_empty());
        let r3 = get(s.addr, path, &[("If-None-Match", "W/\"other\"")]).await;
        assert_eq!(r3.status, 200);
    }
    // A takedown changes the list, so the old ETag no longer matches.
    let r = get(s.addr, "/api/v1/articles", &[]).await;
    let etag = r.header("etag").unwrap_or_default().to_string();
    let id = r.json()["items"][0]["id"].as_i64().unwrap_or(0);
    s.store
        .set_article_hidden(khronika_store::ArticleId(id), true)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.app.sync_index().await.unwrap_or_else(|e| panic!("{e}"));
    let r = get(s.addr, "/api/v1/articles", &[("If-None-Match", &etag)]).await;
    assert_eq!(r.status, 200);
    assert!(r.json()["items"]
        .as_array()
        .is_some_and(|a| a.iter().all(|i| i["id"] != id)));
    let r = get(s.addr, &format!("/api/v1/articles/{id}"), &[]).await;
    assert_eq!(r.status, 410);
    let r = get(s.addr, &format!("/article/{id}"), &[]).await;
    assert_eq!(r.status, 410);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_understands_russian_word_forms_and_phrases() {
    let s = start(4, cfg()).await;
    let cases: [(&str, &[&str]); 6] = [
        (
            "саммита",
            &["Исходили из своих интересов", "Итоги саммита ШОС"],
        ),
        (
            "саммиту",
            &["Исходили из своих интересов", "Итоги саммита ШОС"],
        ),
        ("Смадиярову", &["Исходили из своих интересов"]),
        ("нейтралитетом", &["Исходили из своих интересов"]),
        (
            "%22%D1%81%D0%B0%D0%BC%D0%BC%D0%B8%D1%82%D0%B0+%D0%A8%D0%9E%D0%A1%22",
            &["Итоги саммита ШОС"],
        ),
        ("дождём", &["Новость номер"]),
    ];
    for (q, want) in cases {
        let r = get(
            s.addr,
            &format!("/api/v1/search?q={}&limit=50", enc_if_needed(q)),
            &[],
        )
        .await;
        assert_eq!(r.status, 200, "{q}: {}", r.body);
        let v = r.json();
        let titles: Vec<String> = v["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| i["title"].as_str().map(str::to_string))
            .collect();
        for w in want {
            assert!(
                titles.iter().any(|t| t.starts_with(w)),
                "{q}: {w} missing in {titles:?}"
            );
        }
        if q.starts_with('%') {
            assert_eq!(titles.len(), 1, "phrase matched too much: {titles:?}");
        }
    }
    // Snippets mark the matched inflection.
    let r = get(
        s.addr,
        &format!("/api/v1/search?q={}", enc_if_needed("нейтралитет")),
        &[],
    )
    .await;
    let v = r.json();
    let sn = &v["items"][0]["snippet"];
    let text = sn["text"].as_str().unwrap_or_default();
    let hl = &sn["highlights"][0];
    let (a, b) = (
        hl[0].as_u64().unwrap_or(0) as usize,
        hl[1].as_u64().unwrap_or(0) as usize,
    );
    assert_eq!(text.get(a..b), Some("нейтралитета"), "{text}");
    // Filter by source narrows.
    let r = get(
        s.addr,
        &format!(
            "/api/v1/search?q={}&source={}",
            enc_if_needed("саммит"),
            s.sources[1].0
        ),
        &[],
    )
    .await;
    assert_eq!(r.json()["total"], 1);
}

fn enc_if_needed(q: &str) -> String {
    if q.starts_with('%') {
        q.to_string()
    } else {
        urlenc(q)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directories_openapi_health_metrics_cors() {
    let mut c = cfg();
    c.cors_origins = vec!["https://app.example".into()];
    let s = start(3, c).await;
    let r = get(s.addr, "/api/v1/openapi.json", &[]).await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["openapi"], "3.0.3");
    for p in [
        "/articles",
        "/articles/{id}",
        "/search",
        "/stories",
        "/entities",
        "/tags",
        "/sources",
        "/latest",
        "/popular",
    ] {
        assert!(v["paths"][p].is_object(), "{p} undocumented");
    }
    let r = get(s.addr, "/api/v1/sources", &[]).await;
    assert_eq!(r.json()["items"].as_array().map(|a| a.len()), Some(2));
    let r = get(s.addr, "/api/v1/tags", &[]).await;
    assert!(r.json()["items"].as_array().is_some_and(|a| !a.is_empty()));
    let r = get(s.addr, "/api/v1/latest?limit=2", &[]).await;
    assert_eq!(r.json()["items"].as_array().map(|a| a.len()), Some(2));
    let r = get(s.addr, "/api/v1/stories", &[]).await;
    assert_eq!(r.status, 200);

    let r = get(s.addr, "/healthz", &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["status"], "ok");

    let r = get(
        s.addr,
        "/api/v1/articles",
        &[("Origin", "https://app.example")],
    )
    .await;
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    let r = get(
        s.addr,
        "/api/v1/articles",
        &[("Origin", "https://evil.example")],
    )
    .await;
    assert_eq!(r.header("access-control-allow-origin"), None);
    let r = request(
        s.addr,
        "OPTIONS",
        "/api/v1/articles",
        &[
            ("Origin", "https://app.example"),
            ("Access-Control-Request-Method", "GET"),
        ],
    )
    .await;
    // Fetch accepts any "ok status" (200-299) for a preflight; tower-http's CorsLayer
    // answers 200 with an empty body (the hand-written 204 before it was a choice, not a
    // contract); the route itself must not answer it (the body would be the API listing).
    assert!((200..300).contains(&r.status), "preflight: {}", r.status);
    assert!(r.body.is_empty());
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    assert!(r
        .header("access-control-allow-methods")
        .is_some_and(|m| m.contains("GET")));

    // Metrics are on the admin address only.
    let r = get(s.admin, "/metrics", &[]).await;
    assert_eq!(r.status, 200);
    for m in [
        "khronika_http_requests_total{route=\"/api/v1/articles\",status=\"200\"}",
        "khronika_http_request_duration_seconds_bucket",
        "khronika_index_documents 5",
        "khronika_index_size_bytes",
        "khronika_index_lag_changes 0",
        "khronika_ingest_lag_seconds",
    ] {
        assert!(r.body.contains(m), "{m} missing:\n{}", r.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn views_feed_popular_without_personal_data() {
    let s = start(3, cfg()).await;
    let id = first_id(&s, "ШОС").await;
    for _ in 0..3 {
        assert_eq!(
            get(s.addr, &format!("/article/{id}"), &[]).await.status,
            200
        );
    }
    // The background flusher may have taken some of them already (it runs every 5 s);
    // what matters is that the store ends up with all three.
    let n = s.app.flush_views().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(n <= 3, "{n}");
    s.app.invalidate();
    let r = get(s.addr, "/api/v1/popular", &[]).await;
    let v = r.json();
    assert_eq!(v["items"][0]["id"], id, "{}", r.body);
    assert_eq!(v["items"][0]["views"], 3);
}

// ---------------- portal ----------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn article_page_like_the_seed_done_right() {
    let s = start(5, cfg()).await;
    let id = first_id(&s, "Смадияров").await;
    let r = get(s.addr, &format!("/article/{id}"), &[]).await;
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-type")
        .unwrap_or("")
        .starts_with("text/html"));
    let b = &r.body;
    assert!(b.contains("<h1>Исходили из своих интересов"), "headline");
    assert!(b.contains("href=\"/source/"), "source link");
    assert!(
        b.contains("Оригинал на Bizmedia.kz"),
        "link to the original"
    );
    // 07:00 UTC is 12:00 in Almaty.
    assert!(
        b.contains("17 июня 2024 в 12:00"),
        "Russian timestamp in Asia/Almaty"
    );
    assert!(b.contains("class=\"lead\""));
    assert!(b.contains("<mark class=\"quote\" title=\"Цитата: Айбек Смадияров\">Мы исходили из своих интересов"), "direct quote highlighted");
    assert!(
        b.contains("Кто что сказал") && b.contains("официальный представитель МИД"),
        "quotes attributed"
    );
    assert!(
        b.contains(
            "href=\"/tag/%D0%9A%D0%B0%D0%B7%D0%B0%D1%85%D1%81%D1%82%D0%B0%D0%BD\">#Казахстан</a>"
        ),
        "tags as links"
    );
    assert!(
        b.contains("Продолжая тему") && b.contains("Итоги саммита ШОС"),
        "related by shared tag"
    );
    // Sidebar lists are outside the article element.
    let article_end = b.find("</article>").unwrap_or(0);
    let latest = b.find("Последние новости").unwrap_or(0);
    assert!(latest > article_end, "sidebar mixed into the text");
    // Reader's zone from the cookie.
    let r = get(
        s.addr,
        &format!("/article/{id}"),
        &[("Cookie", "tz=Europe%2FMoscow")],
    )
    .await;
    assert!(r.body.contains("17 июня 2024 в 10:00"), "Moscow time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lead_and_link_sources_are_not_republished() {
    let s = start(0, cfg()).await;
    let id = first_id(&s, "ШОС").await;
    let r = get(s.addr, &format!("/article/{id}"), &[]).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Лидеры подписали декларацию."));
    assert!(
        !r.body.contains("Секретный текст"),
        "full text of a lead+link source shown"
    );
    assert!(r.body.contains("Читать полностью на Лента"));
    let r = get(s.addr, &format!("/api/v1/articles/{id}"), &[]).await;
    let v = r.json();
    assert_eq!(v["body_available"], false);
    assert!(!r.body.contains("Секретный текст"));
    // Search snippets of such a source stay short and come from the text the index holds.
    let r = get(s.addr, "/feed.rss?source=2", &[]).await;
    assert!(!r.body.contains("Секретный текст"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_pages_render_and_link() {
    let s = start(8, cfg()).await;
    let front = get(s.addr, "/", &[]).await;
    assert_eq!(front.status, 200);
    assert!(front.body.contains("Главное") && front.body.contains("Лента новостей"));
    assert!(front.body.contains("<html lang=\"ru\">"));
    // Every internal link on the front page answers 200.
    let mut links: Vec<String> = front
        .body
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|l| l.starts_with('/'))
        .map(|l| l.replace("&amp;", "&"))
        .collect();
    links.sort();
    links.dedup();
    assert!(links.len() > 10, "{links:?}");
    for l in &links {
        let r = get(s.addr, l, &[]).await;
        assert_eq!(r.status, 200, "{l}");
    }
    let r = get(
        s.addr,
        "/search?q=%D1%81%D0%B0%D0%BC%D0%BC%D0%B8%D1%82%D0%B0",
        &[],
    )
    .await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("<mark>саммита</mark>") || r.body.contains("<mark>саммите</mark>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Найдено 2 статьи"), "count with plural");
    let r = get(
        s.addr,
        "/search?q=&tag=%D0%9F%D0%BE%D0%B3%D0%BE%D0%B4%D0%B0&sort=date",
        &[],
    )
    .await;
    assert!(
        r.body.contains("Найдено 3 статьи"),
        "tag filter on the search page"
    );
    let r = get(s.addr, "/entity/%D0%90%D0%B9%D0%B1%D0%B5%D0%BA%20%D0%A1%D0%BC%D0%B0%D0%B4%D0%B8%D1%8F%D1%80%D0%BE%D0%B2", &[]).await;
    assert_eq!(r.status, 200, "entity page by name");
    assert!(r.body.contains("Что говорил") && r.body.contains("Мы исходили из своих интересов"));
    assert!(r.body.contains("Упоминания по дням") && r.body.contains("<svg class=\"chart\""));
    assert!(r.body.contains("<h2 id=\"em-h\">Статьи</h2>"));
    for (path, status) in [
        ("/article/999999", 404),
        ("/article/abc", 404),
        ("/nowhere", 404),
        ("/story/x", 404),
        ("/source/9999", 404),
    ] {
        let r = get(s.addr, path, &[]).await;
        assert_eq!(r.status, status, "{path}");
        assert!(
            r.body.contains("<html lang=\"ru\">"),
            "{path} error page is HTML"
        );
    }
    let r = get(s.addr, "/timezone?set=Asia%2FTashkent", &[]).await;
    assert_eq!(r.status, 303);
    assert!(r
        .header("set-cookie")
        .is_some_and(|c| c.starts_with("tz=Asia%2FTashkent")));
}

// ---------------- feeds ----------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_parse_with_a_real_feed_parser() {
    let s = start(5, cfg()).await;
    let tag = urlenc("Погода");
    let entity = urlenc("Айбек Смадияров");
    let q = urlenc("саммит");
    for (path, expect) in [
        ("/feed.rss".to_string(), 7usize),
        ("/feed.atom".to_string(), 7),
        (format!("/feed.rss?source={}", s.sources[0].0), 4),
        (format!("/feed.atom?tag={tag}"), 2),
        (format!("/feed.rss?entity={entity}"), 1),
        (format!("/feed.atom?q={q}"), 2),
    ] {
        let r = get(s.addr, &path, &[]).await;
        assert_eq!(r.status, 200, "{path}");
        let feed = feed_rs::parser::parse(r.body.as_bytes())
            .unwrap_or_else(|e| panic!("{path}: {e}\n{}", r.body));
        assert_eq!(feed.entries.len(), expect, "{path}");
        for e in &feed.entries {
            let link = e.links.first().map(|l| l.href.clone()).unwrap_or_default();
            assert!(
                link.starts_with(&format!("http://{}/article/", s.addr)),
                "{link}"
            );
            assert!(e.title.as_ref().is_some_and(|t| !t.content.is_empty()));
            assert!(e.published.is_some() || e.updated.is_some());
        }
    }
}

// ---------------- XSS ----------------

const ALLOWED_TAGS: &[&str] = &[
    "html",
    "head",
    "meta",
    "title",
    "link",
    "body",
    "a",
    "header",
    "form",
    "label",
    "input",
    "button",
    "nav",
    "div",
    "main",
    "aside",
    "section",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "ul",
    "ol",
    "li",
    "time",
    "span",
    "br",
    "article",
    "mark",
    "figure",
    "blockquote",
    "figcaption",
    "footer",
    "select",
    "option",
    "code",
    "pre",
    "table",
    "tr",
    "td",
    "strong",
    "img",
    // The entity page's mention chart (inline SVG, no script).
    "svg",
    "line",
    "rect",
    "text",
];
const ALLOWED_ATTRS: &[&str] = &[
    "lang",
    "charset",
    "name",
    "content",
    "rel",
    "href",
    "type",
    "title",
    "class",
    "id",
    "role",
    "action",
    "method",
    "for",
    "placeholder",
    "value",
    "aria-label",
    "aria-labelledby",
    "datetime",
    "start",
    "selected",
    // OpenGraph tags and the lead image.
    "property",
    "src",
    "alt",
    "loading",
    "decoding",
    "referrerpolicy",
    "width",
    "height",
    "viewBox",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "text-anchor",
];

/// Checks every tag in `html` against our own vocabulary: an escaped payload can never
/// produce a tag, an attribute or a URL we do not write ourselves.
fn assert_only_our_markup(html: &str, ctx: &str) {
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest
            .find('>')
            .unwrap_or_else(|| panic!("{ctx}: unclosed tag"));
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') || tag.starts_with('/') {
            assert!(
                tag == "!DOCTYPE html" || tag[1..].chars().all(|c| c.is_ascii_alphanumeric()),
                "{ctx}: odd tag <{tag}>"
            );
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(ALLOWED_TAGS.contains(&name.as_str()), "{ctx}: tag <{tag}>");
        // Attributes: name="value" pairs; values never contain a raw quote (escaped).
        let mut attrs = &tag[name.len()..];
        loop {
            attrs = attrs.trim_start();
            if attrs.is_empty() {
                break;
            }
            let an: String = attrs
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            assert!(
                ALLOWED_ATTRS.contains(&an.as_str()),
                "{ctx}: attribute {an:?} in <{tag}>"
            );
            attrs = &attrs[an.len()..];
            if let Some(v) = attrs.strip_prefix("=\"") {
                let close = v
                    .find('"')
                    .unwrap_or_else(|| panic!("{ctx}: unterminated value in <{tag}>"));
                let value = &v[..close];
                if an == "href" || an == "action" || an == "src" {
                    let ok = value.starts_with('/')
                        || value.starts_with("http://")
                        || value.starts_with("https://")
                        || value.starts_with('#')
                        || value == "data:,";
                    assert!(ok, "{ctx}: unsafe URL {value:?}");
                }
                attrs = &v[close + 1..];
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xss_corpus_is_inert_everywhere() {
    let s = start(0, cfg()).await;
    let corpus: Vec<String> = include_str!("fixtures/xss.txt")
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.replace("\\u0000", "\u{0}"))
        .collect();
    assert!(corpus.len() >= 25);
    let hostile_source = s
        .store
        .add_source(&khronika_store::NewSource {
            name: "<script>alert('src')</script>".into(),
            home_url: "javascript:alert(1)".into(),
            display: khronika_store::DisplayPolicy::FullText,
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut batch = Vec::new();
    for (i, p) in corpus.iter().enumerate() {
        let mut a = common::plain(
            &format!("Заголовок {i} {p}"),
            &format!("Лид {p}"),
            &format!("Текст «{p}» конец"),
            &[p.as_str(), "xss"],
            common::seed_time(),
        );
        a.authors = vec![p.clone()];
        a.canonical_url = url::Url::parse("https://ok.example/x").ok();
        a.blocks.push(khronika_model::Block::List {
            ordered: false,
            items: vec![p.clone()],
        });
        a.blocks.push(khronika_model::Block::Heading {
            level: 9,
            text: p.clone(),
        });
        a.blocks.push(khronika_model::Block::Table {
            rows: vec![vec![p.clone()]],
        });
        let analysis = khronika_model::Analysis {
            quotes: vec![khronika_model::Quote {
                start: 0,
                end: 0,
                text: p.clone(),
                speaker: Some(p.clone()),
                role: Some(p.clone()),
                direct: true,
            }],
            entities: vec![khronika_model::Mention {
                start: 0,
                end: 0,
                kind: khronika_model::EntityKind::Person,
                text: p.clone(),
                normal: p.clone(),
            }],
            ..Default::default()
        };
        batch.push(common::new_article(
            Some(hostile_source),
            &format!("https://hostile.example/{i}"),
            a,
            Some(analysis),
        ));
    }
    let outcomes = s
        .store
        .put_articles(&batch)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Hostile story titles and entity names reach the story, rubric and article pages.
    let ids: Vec<khronika_store::ArticleId> = outcomes.iter().map(|o| o.id()).collect();
    let founder = khronika_store::StoryId(ids[0].0);
    let hostile: Vec<String> = corpus.iter().take(8).cloned().collect();
    s.store
        .apply_organisation(&khronika_store::OrganiseBatch {
            stories: vec![khronika_store::StoryUpdate {
                id: founder,
                title: format!("Сюжет {}", corpus[0]),
                first_seen: common::seed_time(),
                last_seen: chrono::Utc::now(),
                sources: 1,
                article_count: 3,
                entities: hostile,
                rubric: Some(khronika_model::Rubric::Society),
            }],
            articles: (0..3)
                .map(|i| khronika_store::ArticleOrganisation {
                    article: ids[i],
                    story: Some(founder),
                    duplicate_of: (i == 1).then_some(ids[0]),
                    rubric: khronika_model::Rubric::Society,
                })
                .collect(),
            merges: vec![],
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.app.sync_index().await.unwrap_or_else(|e| panic!("{e}"));
    let mut pages = vec![
        "/".to_string(),
        format!("/story/{}", founder.0),
        "/stories".into(),
        "/rubric/society".into(),
        format!("/search?q=script&story={}&rubric=society", founder.0),
        "/tags".into(),
        "/sources".into(),
        "/entities".into(),
        format!("/source/{}", hostile_source.0),
        "/search?q=script".into(),
        "/search?q=alert&tag=xss".into(),
        format!("/search?q={}", urlenc("\"><script>alert(1)</script>")),
        "/tag/xss".into(),
    ];
    for o in &outcomes {
        pages.push(format!("/article/{}", o.id().0));
    }
    for (i, p) in corpus.iter().enumerate().take(6) {
        pages.push(format!("/tag/{}", urlenc(p)));
        pages.push(format!("/entity/{}", urlenc(p)));
        pages.push(format!(
            "/search?q={}&entity={}&i={i}",
            urlenc(p),
            urlenc(p)
        ));
    }
    for p in &pages {
        let r = get(s.addr, p, &[]).await;
        assert!(r.status == 200 || r.status == 404, "{p}: {}", r.status);
        assert_only_our_markup(&r.body, p);
        assert!(!r.body.to_ascii_lowercase().contains("<script"), "{p}");
    }
    // Feeds: the payload survives as text, never as markup.
    let r = get(s.addr, "/feed.rss?tag=xss", &[]).await;
    let feed = feed_rs::parser::parse(r.body.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    // One item per original: the one copy above is left out.
    assert_eq!(feed.entries.len(), (corpus.len() - 1).min(30));
    assert!(feed.entries.iter().any(|e| e
        .title
        .as_ref()
        .is_some_and(|t| t.content.contains("<script>alert(1)</script>"))));
    // The checker itself must catch markup (so passing above means something).
    let caught =
        std::panic::catch_unwind(|| assert_only_our_markup("<p onclick=\"x\">", "self-test"));
    assert!(caught.is_err());
    let caught = std::panic::catch_unwind(|| {
        assert_only_our_markup("<a href=\"javascript:x\">", "self-test")
    });
    assert!(caught.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undated_page_has_no_published_time_in_the_api() {
    let s = common::start(0, khronika_serve::ServeConfig::default()).await;
    let mut undated = common::plain(
        "Страница без даты",
        "Лид без даты.",
        "Текст без даты.",
        &[],
        common::seed_time(),
    );
    undated.published = None;
    let put = s
        .store
        .put_articles(&[common::new_article(
            Some(s.sources[0]),
            "https://bizmedia.kz/news/undated",
            undated,
            None,
        )])
        .await
        .unwrap_or_else(|e| panic!("put: {e}"));
    let id = put.first().map(|p| p.id().0).unwrap_or(-1);
    let r = get(s.addr, &format!("/api/v1/articles/{id}"), &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert!(v["published"].is_null(), "a guessed date: {v}");
    assert!(v["time"].as_str().is_some_and(|t| !t.is_empty()), "{v}");
    assert_eq!(
        v["time"], v["first_seen"],
        "undated articles order by first sight"
    );

    let dated = get(s.addr, "/api/v1/articles?limit=50", &[]).await.json();
    let items = dated["items"].as_array().cloned().unwrap_or_default();
    let instant = |v: &serde_json::Value| {
        v.as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
    };
    let dated_items: Vec<_> = items
        .iter()
        .filter(|it| it["published"].is_string())
        .collect();
    assert!(!dated_items.is_empty(), "{dated}");
    for it in dated_items {
        assert_eq!(instant(&it["published"]), instant(&it["time"]), "{it}");
    }
    assert!(items
        .iter()
        .any(|it| it["published"].is_null() && it["id"] == id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_says_when_a_page_states_no_date() {
    let s = start(0, cfg()).await;
    let mut undated = common::plain(
        "Пресс-релиз без даты о саммите",
        "Лид без даты.",
        "Текст о саммите.",
        &[],
        chrono::Utc::now(),
    );
    undated.published = None;
    s.store
        .put_articles(&[common::new_article(
            Some(s.sources[0]),
            "https://example.kz/undated",
            undated,
            None,
        )])
        .await
        .unwrap_or_else(|e| panic!("put: {e}"));
    s.app.sync_index().await.unwrap_or_else(|e| panic!("{e}"));
    let r = get(
        s.addr,
        &format!("/api/v1/search?q={}&limit=50", enc_if_needed("саммит")),
        &[],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    let items = v["items"].as_array().cloned().unwrap_or_default();
    let undated = items
        .iter()
        .find(|i| i["title"] == "Пресс-релиз без даты о саммите")
        .unwrap_or_else(|| panic!("undated article not found: {}", r.body));
    assert!(undated["published"].is_null(), "{undated}");
    assert!(undated["time"].is_string(), "{undated}");
    // Dated hits say the same as the article endpoint.
    for item in items.iter().filter(|i| !i["published"].is_null()) {
        let a = get(s.addr, &format!("/api/v1/articles/{}", item["id"]), &[])
            .await
            .json();
        assert_eq!(
            item["published"]
                .as_str()
                .map(|p| chrono::DateTime::parse_from_rfc3339(p).ok()),
            a["published"]
                .as_str()
                .map(|p| chrono::DateTime::parse_from_rfc3339(p).ok()),
            "{item} vs {a}"
        );
        assert_eq!(item["time"], item["published"]);
    }
}

// ---------------- organisation: stories, copies, rubrics ----------------

/// Ids of the organised fixture: story A (`a1` founding, `a2`, `a3` a ТАСС copy of `a2`,
/// `c1` from story C merged into A), story B sharing A's main entities, and `u1`, a sports
/// article with A's tag but nothing else in common.
struct Org {
    a1: i64,
    a2: i64,
    a3: i64,
    c1: i64,
    b1: i64,
    u1: i64,
}

const A_TITLE: &str = "Закон о государственном языке";
const B_TITLE: &str = "Итоги сессии мажилиса";

fn ents(names: &[&str]) -> khronika_model::Analysis {
    khronika_model::Analysis {
        entities: names
            .iter()
            .map(|n| khronika_model::Mention {
                start: 0,
                end: 0,
                kind: khronika_model::EntityKind::Organisation,
                text: n.to_string(),
                normal: n.to_string(),
            })
            .collect(),
        ..Default::default()
    }
}

async fn organised(s: &common::Server) -> Org {
    use chrono::{Duration, Utc};
    use khronika_model::Rubric;
    use khronika_store::{
        ArticleId, ArticleOrganisation, NewSource, OrganiseBatch, StoryId, StoryUpdate,
    };
    let (biz, lenta) = (s.sources[0], s.sources[1]);
    let tass = s
        .store
        .add_source(&NewSource {
            name: "ТАСС".into(),
            home_url: "https://tass.example/".into(),
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let now = Utc::now();
    let at = |h: i64| now - Duration::hours(h);
    let main = ["Мажилис", "Ерлан Кошанов", "Казахстан"];
    let art = |title: &str, body: &str, h: i64| {
        common::plain(title, &format!("{title}."), body, &["Казахстан"], at(h))
    };
    let batch = vec![
        common::new_article(
            Some(biz),
            "https://bizmedia.kz/law-1",
            art(
                "Мажилис принял закон о языке",
                "Депутаты приняли закон о языке.",
                5,
            ),
            Some(ents(&main)),
        ),
        common::new_article(
            Some(lenta),
            "https://lenta.example/law-2",
            art(
                "Сенат одобрил закон о языке",
                "Сенаторы одобрили закон о языке.",
                3,
            ),
            Some(ents(&main)),
        ),
        common::new_article(
            Some(tass),
            "https://tass.example/law-2-copy",
            art(
                "Сенат одобрил закон о языке (ТАСС)",
                "Сенаторы одобрили закон о языке, пишет ТАСС.",
                2,
            ),
            Some(ents(&main)),
        ),
        common::new_article(
            Some(lenta),
            "https://lenta.example/law-3",
            art(
                "Закон о языке: реакция общества",
                "Общество обсуждает закон о языке.",
                4,
            ),
            Some(ents(&main)),
        ),
        common::new_article(
            Some(biz),
            "https://bizmedia.kz/session",
            art(
                B_TITLE,
                "Мажилис завершил сессию, Кошанов подвёл итоги.",
                10,
            ),
            Some(ents(&["Мажилис", "Ерлан Кошанов"])),
        ),
        common::new_article(
            Some(lenta),
            "https://lenta.example/football",
            art(
                "Кайрат выиграл у Астаны",
                "Футбольный матч закончился со счётом 2:1.",
                1,
            ),
            Some(ents(&["Кайрат"])),
        ),
    ];
    let out = s
        .store
        .put_articles(&batch)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<ArticleId> = out.iter().map(|o| o.id()).collect();
    let (a1, a2, a3, c1, b1, u1) = (ids[0], ids[1], ids[2], ids[3], ids[4], ids[5]);
    let story = |founder: ArticleId, title: &str, first: i64, last: i64, sources, n, e: &[&str]| {
        StoryUpdate {
            id: StoryId(founder.0),
            title: title.into(),
            first_seen: at(first),
            last_seen: at(last),
            sources,
            article_count: n,
            entities: e.iter().map(|x| x.to_string()).collect(),
            rubric: Some(Rubric::Society),
        }
    };
    let placed =
        |a: ArticleId, st: Option<ArticleId>, dup: Option<ArticleId>, r| ArticleOrganisation {
            article: a,
            story: st.map(|x| StoryId(x.0)),
            duplicate_of: dup,
            rubric: r,
        };
    s.store
        .apply_organisation(&OrganiseBatch {
            stories: vec![
                story(a1, A_TITLE, 5, 2, 3, 3, &main),
                story(c1, "Реакция на закон", 4, 4, 1, 1, &main),
                story(b1, B_TITLE, 10, 10, 1, 1, &["Мажилис", "Ерлан Кошанов"]),
            ],
            articles: vec![
                placed(a1, Some(a1), None, Rubric::Society),
                placed(a2, Some(a1), None, Rubric::Society),
                placed(a3, Some(a1), Some(a2), Rubric::Society),
                placed(c1, Some(c1), None, Rubric::Society),
                placed(b1, Some(b1), None, Rubric::Society),
                placed(u1, None, None, Rubric::Sports),
            ],
            merges: vec![],
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.store
        .apply_organisation(&OrganiseBatch {
            stories: vec![story(a1, A_TITLE, 5, 2, 3, 4, &main)],
            merges: vec![(StoryId(c1.0), StoryId(a1.0))],
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.app.sync_index().await.unwrap_or_else(|e| panic!("{e}"));
    Org {
        a1: a1.0,
        a2: a2.0,
        a3: a3.0,
        c1: c1.0,
        b1: b1.0,
        u1: u1.0,
    }
}

/// The page without its sidebar (latest and popular lists are on every page).
fn main_of(body: &str) -> &str {
    &body[..body.find("<aside").unwrap_or(body.len())]
}

fn pos(body: &str, needle: &str) -> usize {
    body.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in page:\n{body}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn story_page_timeline_redirects_and_feeds() {
    let s = start(0, cfg()).await;
    let o = organised(&s).await;
    let r = get(s.addr, &format!("/story/{}", o.a1), &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = &r.body;
    assert!(b.contains(&format!("<h1>{A_TITLE}</h1>")));
    assert!(b.contains("href=\"/rubric/society\">Общество</a>"));
    assert!(b.contains("4 публикации, 3 источника"), "{b}");
    assert!(b.contains("href=\"/entity/%D0%9C%D0%B0%D0%B6%D0%B8%D0%BB%D0%B8%D1%81\">Мажилис</a>"));
    assert!(b.contains(&format!("href=\"/feed.rss?story={}\"", o.a1)));
    // Chronological: a1 (5 h ago), c1 (4 h), a2 (3 h), its copy a3 (2 h).
    let order: Vec<usize> = [o.a1, o.c1, o.a2, o.a3]
        .iter()
        .map(|id| pos(b, &format!("href=\"/article/{id}\"")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(!main_of(b).contains("Кайрат"));
    // A merged id answers with a permanent redirect to the survivor.
    let r = get(s.addr, &format!("/story/{}", o.c1), &[]).await;
    assert_eq!(r.status, 308);
    assert_eq!(
        r.header("location"),
        Some(format!("/story/{}", o.a1).as_str())
    );
    let r = get(s.addr, &format!("/api/v1/stories/{}", o.c1), &[]).await;
    assert_eq!(r.status, 308);
    assert_eq!(
        r.header("location"),
        Some(format!("/api/v1/stories/{}", o.a1).as_str())
    );
    for p in ["/story/999999", "/story/abc"] {
        assert_eq!(get(s.addr, p, &[]).await.status, 404, "{p}");
    }
    assert_eq!(get(s.addr, "/api/v1/stories/999999", &[]).await.status, 404);
    // The story's feeds, by the merged id too.
    for p in [
        format!("/feed.rss?story={}", o.c1),
        format!("/feed.atom?story={}", o.a1),
    ] {
        let r = get(s.addr, &p, &[]).await;
        assert_eq!(r.status, 200);
        let feed = feed_rs::parser::parse(r.body.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let titles: Vec<String> = feed
            .entries
            .iter()
            .filter_map(|e| e.title.as_ref().map(|t| t.content.clone()))
            .collect();
        assert_eq!(titles.len(), 3, "{p}: originals only: {titles:?}");
        assert!(titles.iter().any(|t| t == "Мажилис принял закон о языке"));
        assert!(!titles.iter().any(|t| t.contains("Кайрат")));
    }
    let r = get(s.addr, "/feed.rss?rubric=sports", &[]).await;
    assert!(r.body.contains("Кайрат выиграл") && !r.body.contains("закон о языке"));
    // The list of stories.
    let r = get(s.addr, "/stories", &[]).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains(A_TITLE) && r.body.contains(B_TITLE));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn article_page_continues_the_story_and_collapses_copies() {
    let s = start(0, cfg()).await;
    let o = organised(&s).await;
    let r = get(s.addr, &format!("/article/{}", o.a1), &[]).await;
    assert_eq!(r.status, 200);
    let b = &r.body;
    assert!(b.contains("href=\"/rubric/society\">Общество</a>"));
    assert!(b.contains(&format!("Сюжет: <a href=\"/story/{}\">{A_TITLE}</a>", o.a1)));
    let more = pos(b, "Продолжая тему");
    let more_end = more + b[more..].find("</section>").unwrap_or(0);
    let section = &b[more..more_end];
    assert!(
        section.contains(&format!("/article/{}\"", o.a2)),
        "{section}"
    );
    assert!(
        section.contains(&format!("/article/{}\"", o.c1)),
        "{section}"
    );
    // Never itself, never a copy as its own entry: the copy is "также" under its original.
    assert!(!section.contains(&format!("/article/{}\"", o.a1)));
    assert!(!section.contains(&format!("/article/{}\"", o.a3)));
    assert!(section.contains("также: ТАСС"), "{section}");
    // Related stories share main entities; the football article shares only a tag.
    assert!(section.contains(&format!("/story/{}\"", o.b1)) && section.contains(B_TITLE));
    assert!(!b.contains("Кайрат выиграл у Астаны") || !section.contains("Кайрат"));
    assert!(!section.contains(&format!("/article/{}\"", o.u1)));
    // The sidebar's latest leaves out the article being read.
    let side = pos(b, "id=\"side-latest\"");
    let side_end = side + b[side..].find("</section>").unwrap_or(0);
    assert!(!b[side..side_end].contains(&format!("/article/{}\"", o.a1)));
    assert!(b[side..side_end].contains(&format!("/article/{}\"", o.u1)));
    assert!(b.contains("0 просмотров"), "own view count");
    // The original names its copies; the copy points at its original.
    let r = get(s.addr, &format!("/article/{}", o.a2), &[]).await;
    assert!(r.body.contains("<p class=\"meta also\">также: ТАСС</p>"));
    let r = get(s.addr, &format!("/article/{}", o.a3), &[]).await;
    assert!(r
        .body
        .contains(&format!("Копия материала: <a href=\"/article/{}\"", o.a2)));
    // An article with nothing related shows no "Продолжая тему" at all.
    let r = get(s.addr, &format!("/article/{}", o.u1), &[]).await;
    assert!(!r.body.contains("Продолжая тему"), "{}", r.body);
    // Lists show one entry per original.
    for p in [
        "/",
        "/rubric/society",
        "/tag/%D0%9A%D0%B0%D0%B7%D0%B0%D1%85%D1%81%D1%82%D0%B0%D0%BD",
    ] {
        let r = get(s.addr, p, &[]).await;
        assert_eq!(r.status, 200, "{p}");
        assert!(
            !r.body.contains(&format!("/article/{}\"", o.a3)),
            "{p} lists a copy"
        );
        assert!(r.body.contains("также: ТАСС"), "{p}");
    }
    let r = get(s.addr, "/search?q=%D1%81%D0%B5%D0%BD%D0%B0%D1%82", &[]).await;
    assert!(
        r.body.contains("Найдено 1 статья") && r.body.contains("также: ТАСС"),
        "{}",
        r.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn front_page_ranks_stories_and_rubrics_have_pages_and_a_menu() {
    let s = start(0, cfg()).await;
    let o = organised(&s).await;
    let r = get(s.addr, "/", &[]).await;
    let b = &r.body;
    let top = pos(b, "id=\"top-h\"");
    let top_end = top + b[top..].find("</section>").unwrap_or(0);
    let main = &b[top..top_end];
    // Story A (3 sources) above story B (1 source); its newest original linked.
    assert!(pos(main, A_TITLE) < pos(main, B_TITLE), "{main}");
    assert!(
        main.contains(&format!("href=\"/article/{}\">{A_TITLE}", o.a2)),
        "{main}"
    );
    assert!(main.contains(&format!(
        "href=\"/story/{}\">4 публикации, 3 источника",
        o.a1
    )));
    // The rubric menu: Russian labels, no "not news".
    assert!(b.contains("href=\"/rubric/sports\">Спорт</a>"));
    assert!(!b.contains("/rubric/not_news"));
    let r = get(s.addr, "/rubric/sports", &[]).await;
    assert_eq!(r.status, 200);
    let m = main_of(&r.body);
    assert!(m.contains("<h1>Спорт</h1>") && m.contains("Кайрат выиграл"));
    assert!(!m.contains("закон о языке"));
    let r = get(s.addr, "/rubric/society", &[]).await;
    let m = main_of(&r.body);
    assert!(m.contains("Мажилис принял закон") && !m.contains("Кайрат выиграл"));
    assert_eq!(get(s.addr, "/rubric/nonsense", &[]).await.status, 404);
    // "Популярное" names its window and shows counts.
    assert!(b.contains("Популярное <span class=\"window\">за 7 дней</span>"));
    s.store
        .record_views(&[(khronika_store::ArticleId(o.u1), 3)])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.app.invalidate();
    let r = get(s.addr, "/", &[]).await;
    assert!(
        r.body
            .contains("Популярное <span class=\"window\">за 24 часа</span>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("3 просмотра"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_stories_and_organisation_filters() {
    let s = start(0, cfg()).await;
    let o = organised(&s).await;
    let r = get(s.addr, "/api/v1/stories?limit=1", &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("etag").is_some());
    let v = r.json();
    assert_eq!(v["items"].as_array().map(Vec::len), Some(1));
    assert!(v["next"].is_string(), "{v}");
    let it = &v["items"][0];
    for k in [
        "id",
        "title",
        "first_seen",
        "last_seen",
        "sources",
        "article_count",
        "entities",
        "rubric",
        "url",
    ] {
        assert!(it.get(k).is_some(), "story item lacks {k}: {it}");
    }
    let r = get(s.addr, "/api/v1/stories?order=top&limit=5", &[]).await;
    let v = r.json();
    assert_eq!(v["items"][0]["id"], o.a1);
    assert_eq!(v["items"][0]["url"], format!("/story/{}", o.a1));
    assert_eq!(v["items"][0]["rubric"], "society");
    assert_eq!(v["items"][0]["sources"], 3);
    assert_eq!(v["items"].as_array().map(Vec::len), Some(2));
    let r = get(s.addr, "/api/v1/stories?rubric=sports", &[]).await;
    assert_eq!(r.json()["items"].as_array().map(Vec::len), Some(0));
    for bad in [
        "limit=0",
        "limit=101",
        "order=best",
        "rubric=nope",
        "since=yesterday",
    ] {
        let r = get(s.addr, &format!("/api/v1/stories?{bad}"), &[]).await;
        assert_eq!(r.status, 400, "{bad}");
    }
    let r = get(s.addr, &format!("/api/v1/stories/{}", o.a1), &[]).await;
    let v = r.json();
    assert_eq!(v["title"], A_TITLE);
    assert_eq!(v["articles"].as_array().map(Vec::len), Some(4), "{v}");
    // Article JSON: story, duplicate, rubric, copies.
    let v = get(s.addr, &format!("/api/v1/articles/{}", o.a2), &[])
        .await
        .json();
    assert_eq!(v["story_id"], o.a1);
    assert_eq!(v["rubric"], "society");
    assert!(v["duplicate_of"].is_null());
    assert_eq!(v["copies"][0]["id"], o.a3);
    assert_eq!(v["copies"][0]["source"]["name"], "ТАСС");
    let v = get(s.addr, &format!("/api/v1/articles/{}", o.a3), &[])
        .await
        .json();
    assert_eq!(v["duplicate_of"], o.a2);
    // Listing and search by story (a merged id resolves) and rubric.
    let v = get(s.addr, &format!("/api/v1/articles?story={}", o.c1), &[])
        .await
        .json();
    assert_eq!(v["items"].as_array().map(Vec::len), Some(4));
    let v = get(s.addr, "/api/v1/articles?rubric=sports", &[])
        .await
        .json();
    assert_eq!(v["items"][0]["id"], o.u1);
    assert_eq!(v["items"].as_array().map(Vec::len), Some(1));
    let ids = |v: &serde_json::Value| -> Vec<i64> {
        let mut x: Vec<i64> = v["items"]
            .as_array()
            .map(|a| a.iter().filter_map(|i| i["id"].as_i64()).collect())
            .unwrap_or_default();
        x.sort();
        x
    };
    let q = "%D0%B7%D0%B0%D0%BA%D0%BE%D0%BD"; // закон
    let v = get(s.addr, &format!("/api/v1/search?q={q}&story={}", o.a1), &[])
        .await
        .json();
    let mut want = vec![o.a1, o.a2, o.c1];
    want.sort();
    assert_eq!(ids(&v), want, "originals of the story: {v}");
    let a2_hit = v["items"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["id"] == o.a2))
        .cloned()
        .unwrap_or_default();
    assert_eq!(a2_hit["copies"][0]["id"], o.a3);
    assert_eq!(a2_hit["story_id"], o.a1);
    let v = get(
        s.addr,
        &format!("/api/v1/search?q={q}&story={}&include_copies=true", o.c1),
        &[],
    )
    .await
    .json();
    assert_eq!(ids(&v).len(), 4);
    let v = get(s.addr, "/api/v1/search?rubric=sports", &[])
        .await
        .json();
    assert_eq!(ids(&v), vec![o.u1]);
    let v = get(s.addr, &format!("/api/v1/search?q={q}&rubric=sports"), &[])
        .await
        .json();
    assert!(ids(&v).is_empty());
    assert_eq!(
        get(s.addr, "/api/v1/search?rubric=x", &[]).await.status,
        400
    );
    // The OpenAPI document describes what the code sends.
    let doc = get(s.addr, "/api/v1/openapi.json", &[]).await.json();
    let names = |path: &str| -> Vec<String> {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| p["name"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    for (path, want) in [
        (
            "/stories",
            &["rubric", "since", "limit", "cursor", "order"][..],
        ),
        ("/search", &["story", "rubric", "include_copies"][..]),
        ("/articles", &["story", "rubric", "originals_only"][..]),
    ] {
        for w in want {
            assert!(names(path).iter().any(|n| n == w), "{path} lacks {w}");
        }
    }
    let story_item = &doc["components"]["schemas"]["StoryItem"]["properties"];
    let sent = get(s.addr, "/api/v1/stories?order=top", &[]).await.json();
    for (k, _) in sent["items"][0].as_object().cloned().unwrap_or_default() {
        assert!(
            story_item.get(&k).is_some(),
            "StoryItem does not document {k}"
        );
    }
    let article = &doc["components"]["schemas"]["Article"]["properties"];
    for k in ["story_id", "duplicate_of", "rubric", "copies"] {
        assert!(article.get(k).is_some(), "Article does not document {k}");
    }
    assert!(doc["paths"]["/stories/{id}"]["get"]["responses"]["308"].is_object());
}
