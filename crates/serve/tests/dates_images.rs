//! Issue #13's acceptance for dates and images: an undated page stays undated from a file
//! on disk through ingest, export, API, portal, RSS and Atom (and its file's old
//! modification time dates nothing); an article with an image shows it, one without shows
//! none; the article page's OpenGraph and Twitter-card tags parse and validate.

mod common;

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use common::{get, new_article, plain, seed_time, serve_store};
use khronika_html::dom::{self, Tag};
use khronika_model::Image;
use khronika_pipeline::{
    export, ingest_files, ExportFormat, ExportOptions, FileOptions, PipelineOptions,
};
use khronika_serve::ServeConfig;
use khronika_store::{DisplayPolicy, NewSource};

/// A page that states no date anywhere: no metadata, no `<time>`, no dated header line,
/// no date in its URL.
const UNDATED: &str = r#"<!doctype html><html lang="ru"><head><title>Мост открыли</title></head>
<body><nav><a href="/">Главная</a></nav><article><h1>Новый мост через Есентай открыли для машин</h1>
<div class="article-body">
<p>В Алматы открыли новый мост через реку Есентай, сообщили в акимате города журналистам.</p>
<p>Строительство, по словам подрядчика, заняло два года и обошлось в четыре миллиарда тенге.</p>
<p>Движение по мосту откроют после приёмки, которая займёт ещё около двух недель.</p>
</div></article></body></html>"#;

/// The year the file's modification time is set to; it must appear nowhere.
const OLD_MTIME_YEAR: &str = "2001";

/// `<meta>` tags of a page: property or name → content (the first of each).
fn meta_tags(page: &str) -> HashMap<String, String> {
    let d = dom::parse(page);
    let mut out = HashMap::new();
    for (i, n) in d.nodes.iter().enumerate() {
        let id = i as dom::NodeId;
        if n.tag != Tag::Meta {
            continue;
        }
        let key = d.attr(id, "property").or_else(|| d.attr(id, "name"));
        if let (Some(k), Some(c)) = (key, d.attr(id, "content")) {
            out.entry(k.to_string()).or_insert_with(|| c.to_string());
        }
    }
    out
}

/// `<img>` elements of a page's `<main>`, as attribute maps.
fn main_images(page: &str) -> Vec<HashMap<String, String>> {
    let d = dom::parse(page);
    let Some(main) = (0..d.nodes.len() as dom::NodeId).find(|&i| d.node(i).tag == Tag::Main) else {
        return Vec::new();
    };
    (main..d.subtree_end(main))
        .filter(|&i| d.node(i).tag == Tag::Img)
        .map(|i| {
            d.attrs(i)
                .iter()
                .map(|a| (a.name.to_string(), a.value.to_string()))
                .collect()
        })
        .collect()
}

/// Validates the OpenGraph / Twitter-card set every article page carries, and returns it.
fn valid_open_graph(page: &str, addr: std::net::SocketAddr, id: i64) -> HashMap<String, String> {
    let m = meta_tags(page);
    for required in [
        "og:title",
        "og:type",
        "og:url",
        "og:site_name",
        "twitter:card",
        "twitter:title",
    ] {
        assert!(
            m.get(required).is_some_and(|v| !v.trim().is_empty()),
            "{required} missing or empty: {m:?}"
        );
    }
    assert_eq!(m["og:type"], "article");
    let url = url::Url::parse(&m["og:url"]).expect("og:url is an absolute URL");
    assert_eq!(url.as_str(), format!("http://{addr}/article/{id}"));
    assert!(
        ["summary", "summary_large_image"].contains(&m["twitter:card"].as_str()),
        "{m:?}"
    );
    if let Some(img) = m.get("og:image") {
        let u = url::Url::parse(img).expect("og:image is an absolute URL");
        assert_eq!(u.scheme(), "https");
        assert_eq!(m["twitter:card"], "summary_large_image");
    }
    if let Some(p) = m.get("article:published_time") {
        DateTime::parse_from_rfc3339(p).expect("article:published_time is RFC 3339");
    }
    m
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undated_page_stays_undated_from_an_old_file_to_every_output() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("most.html");
    std::fs::write(&path, UNDATED).expect("write");
    // 2001-09-09: a file saved long ago.
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(old))
        .expect("set mtime");
    let before = Utc::now();

    // Ingest, as `khronika ingest --file` does.
    let store = khronika_store::open_sqlite(&dir.path().join("data"))
        .await
        .expect("store");
    let url = "https://example.kz/news/most-otkryli";
    let counts = ingest_files(
        store.clone(),
        std::slice::from_ref(&path),
        &FileOptions {
            pipeline: PipelineOptions {
                analyze: false,
                batch_size: 8,
                progress: false,
            },
            source: None,
            url: Some(url.parse().expect("url")),
        },
    )
    .await
    .expect("ingest");
    assert_eq!(counts.created, 1, "{counts}");
    let stored = store
        .article_by_url(url)
        .await
        .expect("query")
        .expect("stored");
    assert_eq!(
        stored.article.published, None,
        "ingest dated an undated page"
    );
    assert!(
        stored.first_seen >= before - chrono::Duration::seconds(5),
        "first seen {} is the file's mtime, not when it was read",
        stored.first_seen
    );
    let id = stored.id.0;

    // Export, JSONL and CSV.
    let mut jsonl = Vec::new();
    let opts = |format| ExportOptions {
        format,
        since: None,
        source: None,
    };
    export(store.clone(), &mut jsonl, &opts(ExportFormat::Jsonl))
        .await
        .expect("export jsonl");
    let rec: serde_json::Value =
        serde_json::from_slice(jsonl.split(|&b| b == b'\n').next().expect("a line")).expect("json");
    assert!(rec["published"].is_null(), "{rec}");
    assert!(rec["image"].is_null(), "{rec}");
    let mut csv = Vec::new();
    export(store.clone(), &mut csv, &opts(ExportFormat::Csv))
        .await
        .expect("export csv");
    let csv = String::from_utf8(csv).expect("utf-8");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let row: Vec<&str> = lines.next().expect("row").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    assert_eq!(row[col("published")], "", "{csv}");
    assert_eq!(row[col("image")], "", "{csv}");
    for out in [String::from_utf8_lossy(&jsonl).into_owned(), csv.clone()] {
        assert!(!out.contains(&format!("{OLD_MTIME_YEAR}-")), "{out}");
    }

    // API, portal, feeds.
    let s = serve_store(
        store.clone(),
        dir,
        Vec::new(),
        ServeConfig {
            default_tz: chrono_tz::Asia::Almaty,
            ..ServeConfig::default()
        },
    )
    .await;
    let api = get(s.addr, &format!("/api/v1/articles/{id}"), &[]).await;
    assert_eq!(api.status, 200);
    let j = api.json();
    assert!(j["published"].is_null(), "{j}");
    assert!(j["image"].is_null(), "{j}");
    let listed = get(s.addr, "/api/v1/articles", &[]).await.json();
    assert!(listed["items"][0]["published"].is_null(), "{listed}");
    let found = get(s.addr, "/api/v1/search?q=%D0%BC%D0%BE%D1%81%D1%82", &[])
        .await
        .json();
    assert_eq!(found["items"][0]["id"].as_i64(), Some(id), "{found}");
    assert!(found["items"][0]["published"].is_null(), "{found}");

    let page = get(s.addr, &format!("/article/{id}"), &[]).await;
    assert_eq!(page.status, 200);
    let html = page.body.clone();
    assert!(html.contains("дата не указана"), "{html}");
    assert!(html.contains("добавлено"), "{html}");
    assert!(!html.contains(&format!("{OLD_MTIME_YEAR}-")), "{html}");
    let og = valid_open_graph(&html, s.addr, id);
    assert!(!og.contains_key("article:published_time"), "{og:?}");
    assert!(!og.contains_key("og:image"), "{og:?}");
    assert!(
        main_images(&html).is_empty(),
        "an article without an image shows none"
    );

    let front = get(s.addr, "/", &[]).await.body;
    assert!(front.contains("добавлено"), "{front}");

    for feed in ["/feed.rss", "/feed.rss?q=%D0%BC%D0%BE%D1%81%D1%82"] {
        let rss = get(s.addr, feed, &[]).await.body;
        assert!(
            rss.contains(&format!("/article/{id}</link>")),
            "{feed}: {rss}"
        );
        assert!(!rss.contains("<pubDate>"), "{feed}: {rss}");
    }
    let atom = get(s.addr, "/feed.atom", &[]).await.body;
    assert!(atom.contains(&format!("/article/{id}")), "{atom}");
    assert!(!atom.contains("<published>"), "{atom}");
    assert!(atom.contains("<updated>"), "{atom}");
    assert!(!atom.contains(&format!("{OLD_MTIME_YEAR}-")), "{atom}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_with_an_image_shows_it_with_valid_open_graph() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = khronika_store::open_sqlite(dir.path())
        .await
        .expect("store");
    let src = store
        .add_source(&NewSource {
            name: "Пример.kz".into(),
            home_url: "https://example.kz/".into(),
            display: DisplayPolicy::FullText,
            ..Default::default()
        })
        .await
        .expect("source");
    let mut with = plain(
        "Новый мост открыли в Алматы",
        "Мост через Есентай открыли для машин.",
        "Строительство заняло два года.",
        &[],
        seed_time(),
    );
    with.images = vec![Image {
        caption: Some("Мост через Есентай".into()),
        credit: Some("Акимат Алматы".into()),
        width: Some(1200),
        height: Some(630),
        ..Image::new("https://example.kz/i/most.jpg".parse().expect("url"))
    }];
    let without = plain(
        "Тарифы на воду пересмотрят",
        "Решение примут до конца месяца.",
        "Об этом сообщили в ведомстве.",
        &[],
        seed_time(),
    );
    store
        .put_articles(&[
            new_article(Some(src), "https://example.kz/news/most", with, None),
            new_article(Some(src), "https://example.kz/news/voda", without, None),
        ])
        .await
        .expect("put");
    let id_of = |u: &'static str| {
        let st = store.clone();
        async move { st.article_by_url(u).await.expect("q").expect("stored").id.0 }
    };
    let (with_id, without_id) = (
        id_of("https://example.kz/news/most").await,
        id_of("https://example.kz/news/voda").await,
    );
    let s = serve_store(store.clone(), dir, vec![src], ServeConfig::default()).await;

    let r = get(s.addr, &format!("/article/{with_id}"), &[]).await;
    let csp = r
        .header("content-security-policy")
        .unwrap_or_default()
        .to_string();
    assert!(csp.contains("img-src 'self' data: https:"), "{csp}");
    let html = r.body.clone();
    let imgs = main_images(&html);
    assert_eq!(imgs.len(), 1, "{imgs:?}");
    let img = &imgs[0];
    assert_eq!(img["src"], "https://example.kz/i/most.jpg");
    assert_eq!(img["loading"], "lazy");
    assert_eq!(img["referrerpolicy"], "no-referrer");
    assert_eq!(
        (img["width"].as_str(), img["height"].as_str()),
        ("1200", "630")
    );
    assert!(html.contains("Акимат Алматы"), "credit shown");
    let og = valid_open_graph(&html, s.addr, with_id);
    assert_eq!(og["og:title"], "Новый мост открыли в Алматы");
    assert_eq!(
        og["og:description"],
        "Мост через Есентай открыли для машин."
    );
    assert_eq!(og["og:image"], "https://example.kz/i/most.jpg");
    assert_eq!(og["og:image:width"], "1200");
    assert_eq!(
        DateTime::parse_from_rfc3339(&og["article:published_time"]).expect("time"),
        seed_time()
    );

    let api = get(s.addr, &format!("/api/v1/articles/{with_id}"), &[])
        .await
        .json();
    assert_eq!(
        api["image"]["url"], "https://example.kz/i/most.jpg",
        "{api}"
    );
    assert_eq!(api["image"]["caption"], "Мост через Есентай");
    assert_eq!(api["image"]["credit"], "Акимат Алматы");
    assert_eq!(api["image"]["width"], 1200);

    let html = get(s.addr, &format!("/article/{without_id}"), &[])
        .await
        .body;
    assert!(main_images(&html).is_empty(), "no image, none shown");
    let og = valid_open_graph(&html, s.addr, without_id);
    assert!(!og.contains_key("og:image"));
    assert_eq!(og["twitter:card"], "summary");
}
