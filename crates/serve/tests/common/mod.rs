//! Shared test setup: a store with known articles, a server on 127.0.0.1:0, and a tiny
//! HTTP/1.1 client (keeps the test build free of an HTTP client crate).

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use khronika_index::SearchIndex;
use khronika_model::{Analysis, Article, Block, EntityKind, Mention, Quote};
use khronika_serve::{App, AppState, ServeConfig};
use khronika_store::{DisplayPolicy, NewArticle, NewSource, SourceId, Store};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub struct Server {
    pub addr: SocketAddr,
    /// The admin listener (`/metrics`).
    pub admin: SocketAddr,
    pub app: AppState,
    pub store: Arc<dyn Store>,
    pub sources: Vec<SourceId>,
    _dir: tempfile::TempDir,
}

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// GET `path` with extra headers; `Connection: close`, so the body is read to the end.
pub async fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Resp {
    request(addr, "GET", path, headers).await
}

pub async fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> Resp {
    let mut s = tokio::net::TcpStream::connect(addr)
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("write: {e}"));
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)
        .await
        .unwrap_or_else(|e| panic!("read: {e}"));
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end"));
    let head = String::from_utf8_lossy(&buf[..split]).to_string();
    let mut body = buf[split + 4..].to_vec();
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("bad status line"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    if headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Resp {
        status,
        headers,
        body: String::from_utf8(body).unwrap_or_else(|e| panic!("body not UTF-8: {e}")),
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(nl) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&b[..nl]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = nl + 2;
        out.extend_from_slice(&b[start..start + size]);
        b = &b[start + size + 2..];
    }
    out
}

pub fn seed_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 17, 7, 0, 0)
        .single()
        .unwrap_or_default()
}

/// The reference article from `fixtures/bizmedia.json`, with its analysis.
pub fn bizmedia() -> (Article, Analysis) {
    let raw = include_str!("../fixtures/bizmedia.json");
    let v: serde_json::Value = serde_json::from_str(raw).unwrap_or_else(|e| panic!("{e}"));
    let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    let paragraphs: Vec<String> = v["body_paragraphs"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let article = Article {
        title: Some(s("title")),
        lead: Some(s("lead")),
        // The lead is the first body paragraph on the page; blocks hold the rest.
        blocks: paragraphs
            .iter()
            .skip(1)
            .map(|p| Block::Paragraph { text: p.clone() })
            .collect(),
        tags: v["site_tags"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        authors: vec!["Корреспондент Bizmedia.kz".into()],
        published: Some(seed_time().fixed_offset()),
        site_name: Some("Bizmedia.kz".into()),
        // A lead image with everything a page can state about it, so the API's `image`
        // object is checked against the OpenAPI document.
        images: vec![khronika_model::Image {
            caption: Some("Здание МИД Казахстана".into()),
            credit: Some("Bizmedia.kz".into()),
            width: Some(1200),
            height: Some(630),
            ..khronika_model::Image::new(
                url::Url::parse("https://bizmedia.kz/uploads/mid.jpg")
                    .unwrap_or_else(|e| panic!("{e}")),
            )
        }],
        ..Default::default()
    };
    let quotes = v["quotes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|q| Quote {
                    start: 0,
                    end: 0,
                    text: q["text"].as_str().unwrap_or_default().into(),
                    speaker: q["speaker"].as_str().map(str::to_string),
                    role: q["role"].as_str().map(str::to_string),
                    direct: q["direct"].as_bool().unwrap_or(false),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut entities = Vec::new();
    for (code, kind) in [
        ("PER", EntityKind::Person),
        ("ORG", EntityKind::Organisation),
        ("LOC", EntityKind::Location),
    ] {
        if let Some(map) = v["entities"][code].as_object() {
            for (normal, forms) in map {
                for f in forms.as_array().into_iter().flatten() {
                    entities.push(Mention {
                        start: 0,
                        end: 0,
                        kind,
                        text: f.as_str().unwrap_or_default().into(),
                        normal: normal.clone(),
                    });
                }
            }
        }
    }
    (
        article,
        Analysis {
            entities,
            quotes,
            ..Default::default()
        },
    )
}

pub fn plain(title: &str, lead: &str, body: &str, tags: &[&str], at: DateTime<Utc>) -> Article {
    Article {
        title: Some(title.into()),
        lead: Some(lead.into()),
        blocks: vec![Block::Paragraph { text: body.into() }],
        tags: tags.iter().map(|t| t.to_string()).collect(),
        published: Some(at.fixed_offset()),
        ..Default::default()
    }
}

pub fn new_article(
    source: Option<SourceId>,
    url: &str,
    article: Article,
    analysis: Option<Analysis>,
) -> NewArticle {
    NewArticle {
        source_id: source,
        url: url.into(),
        other_urls: vec![],
        content_hash: khronika_store::content_hash(&article),
        article,
        analysis,
        seen_at: Utc::now(),
        fetch: None,
    }
}

/// A 14 MB article as a bulk import can store one: 1,400 paragraphs of 10 KB, one 1 MB
/// paragraph, thousands of quotes and 100,000 entity mentions.
pub fn huge_article() -> (Article, Analysis) {
    let para = "Длинный текст доклада о бюджете. ".repeat(170); // ~10 KB
    let mut blocks: Vec<Block> = (0..1_400)
        .map(|i| Block::Paragraph {
            text: format!("{i}. {para}"),
        })
        .collect();
    blocks.insert(
        700,
        Block::Paragraph {
            text: "Ъ".repeat(500_000),
        },
    );
    let article = Article {
        title: Some(format!("Огромная статья {}", "о бюджете ".repeat(5_000))),
        lead: Some("Лид огромной статьи. ".repeat(20_000)),
        blocks,
        published: Some(seed_time().fixed_offset()),
        ..Default::default()
    };
    let analysis = Analysis {
        quotes: (0..5_000)
            .map(|i| Quote {
                start: 0,
                end: 0,
                text: format!("Длинный текст доклада о бюджете {i}"),
                speaker: Some(format!("Спикер {i}")),
                role: None,
                direct: true,
            })
            .collect(),
        entities: (0..100_000)
            .map(|i| Mention {
                start: 0,
                end: 0,
                kind: EntityKind::Person,
                text: format!("Персона {}", i % 20_000),
                normal: format!("Персона {}", i % 20_000),
            })
            .collect(),
        ..Default::default()
    };
    (article, analysis)
}

/// A store with two sources (Bizmedia in full text, "Лента" as lead + link), the reference
/// article and `extra` numbered filler articles, indexed and served.
pub async fn start(extra: usize, cfg: ServeConfig) -> Server {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = khronika_store::open_sqlite(dir.path())
        .await
        .unwrap_or_else(|e| panic!("store: {e}"));
    let biz = store
        .add_source(&NewSource {
            name: "Bizmedia.kz".into(),
            home_url: "https://bizmedia.kz/".into(),
            display: DisplayPolicy::FullText,
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let lenta = store
        .add_source(&NewSource {
            name: "Лента".into(),
            home_url: "https://lenta.example/".into(),
            display: DisplayPolicy::LeadAndLink,
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (a, an) = bizmedia();
    let mut batch = vec![new_article(
        Some(biz),
        "https://bizmedia.kz/news/12345-ishodili.html",
        a,
        Some(an),
    )];
    batch.push(new_article(
        Some(lenta),
        "https://lenta.example/summit-shos",
        plain(
            "Итоги саммита ШОС в Астане",
            "Лидеры подписали декларацию.",
            "Секретный текст тела статьи Ленты, который нельзя показывать целиком.",
            &["ШОС", "Казахстан"],
            seed_time() - Duration::days(10),
        ),
        None,
    ));
    for i in 0..extra {
        batch.push(new_article(
            Some(if i % 2 == 0 { biz } else { lenta }),
            &format!("https://example.kz/news/{i}"),
            plain(
                &format!("Новость номер {i} о погоде"),
                &format!("Лид новости {i}."),
                &format!("Текст новости {i}: в Алматы ожидается дождь."),
                &[if i % 3 == 0 {
                    "Погода"
                } else {
                    "Город"
                }],
                seed_time() - Duration::hours(i as i64 + 1),
            ),
            None,
        ));
    }
    for chunk in batch.chunks(200) {
        store
            .put_articles(chunk)
            .await
            .unwrap_or_else(|e| panic!("put: {e}"));
    }
    serve_store(store, dir, vec![biz, lenta], cfg).await
}

/// Indexes the store in `dir` and serves it on 127.0.0.1 (public and admin listeners).
pub async fn serve_store(
    store: Arc<dyn Store>,
    dir: tempfile::TempDir,
    sources: Vec<SourceId>,
    cfg: ServeConfig,
) -> Server {
    let index = Arc::new(
        SearchIndex::open_or_create(&dir.path().join("index")).unwrap_or_else(|e| panic!("{e}")),
    );
    khronika_index::sync::sync_index(store.as_ref(), &index)
        .await
        .unwrap_or_else(|e| panic!("sync: {e}"));
    let app = App::new(store.clone(), index, cfg)
        .await
        .unwrap_or_else(|e| panic!("app: {e}"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let admin_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let admin = admin_listener
        .local_addr()
        .unwrap_or_else(|e| panic!("{e}"));
    let a = app.clone();
    tokio::spawn(async move {
        let _ = khronika_serve::serve_with_admin(
            a,
            listener,
            Some(admin_listener),
            std::future::pending(),
        )
        .await;
    });
    Server {
        addr,
        admin,
        app,
        store,
        sources,
        _dir: dir,
    }
}
