//! A fixture news site served on 127.0.0.1 inside the tests, with a request log.
//!
//! Hand-written HTTP/1.1 (one request per connection) so the log sees exactly what the
//! crawler sent: time, path and headers of every request. All pages are our own text.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct Hit {
    pub at: Instant,
    pub path: String,
    pub headers: HashMap<String, String>,
}

impl Hit {
    pub fn conditional(&self) -> bool {
        self.headers.contains_key("if-none-match") || self.headers.contains_key("if-modified-since")
    }
}

#[derive(Default)]
pub struct State {
    pub log: Vec<Hit>,
    /// Bumped by tests between runs: the "changing" page's text depends on it.
    pub generation: u32,
    /// Requests per path, for 500-then-200.
    pub counts: HashMap<String, u32>,
    /// Extra generated articles: /gen/N for N in 0..extra.
    pub extra: usize,
    pub crawl_delay: Option<f32>,
    /// More paths the feed lists (after the fixed ones and the generated ones).
    pub extra_paths: Vec<String>,
    /// Generated articles from this number on lose their date markup (a layout change).
    pub undated_from: Option<usize>,
}

pub struct Site {
    pub addr: SocketAddr,
    pub state: Arc<Mutex<State>>,
}

impl Site {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
    pub fn log(&self) -> Vec<Hit> {
        self.state.lock().map(|s| s.log.clone()).unwrap_or_default()
    }
    pub fn clear_log(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.log.clear();
        }
    }
    pub fn bump(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.generation += 1;
        }
    }
}

/// Start the site; it runs until the runtime ends.
pub async fn start(extra: usize, crawl_delay: Option<f32>) -> Site {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local addr");
    let state = Arc::new(Mutex::new(State {
        extra,
        crawl_delay,
        ..Default::default()
    }));
    let st = state.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                continue;
            };
            let st = st.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 65536 {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf).to_string();
                let mut lines = head.split("\r\n");
                let path = lines
                    .next()
                    .and_then(|l| l.split_whitespace().nth(1))
                    .unwrap_or("/")
                    .to_string();
                let headers: HashMap<String, String> = lines
                    .filter_map(|l| l.split_once(':'))
                    .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                    .collect();
                // Answers only after the client's timeout: a site that hangs.
                if path.starts_with("/slow/") {
                    tokio::time::sleep(std::time::Duration::from_secs(20)).await;
                }
                let resp = {
                    let mut s = st.lock().expect("state");
                    s.log.push(Hit {
                        at: Instant::now(),
                        path: path.clone(),
                        headers: headers.clone(),
                    });
                    *s.counts.entry(path.clone()).or_default() += 1;
                    route(&s, &path, &headers, addr)
                };
                let _ = sock.write_all(&resp).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    Site { addr, state }
}

fn response(status: &str, headers: &[(&str, String)], body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    )
    .into_bytes();
    for (k, v) in headers {
        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// windows-1251 for the letters our fixture uses (Cyrillic, ASCII).
pub fn to_cp1251(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            'А'..='я' => (c as u32 - 'А' as u32 + 0xC0) as u8,
            'Ё' => 0xA8,
            'ё' => 0xB8,
            '«' => 0xAB,
            '»' => 0xBB,
            '—' => 0x97,
            c if c.is_ascii() => c as u8,
            _ => b'?',
        })
        .collect()
}

const PARAS: &[&str] = &[
    "Министерство сообщило о новых правилах для перевозчиков, которые вступят в силу с первого числа следующего месяца. По словам представителей ведомства, изменения затронут все регионы страны.",
    "Эксперты отмечают, что реформа готовилась несколько лет и обсуждалась с участием отраслевых ассоциаций. Они считают, что новые требования помогут снизить число нарушений на дорогах.",
    "В ведомстве подчеркнули, что переходный период продлится полгода. За это время компании должны обновить документы, пройти проверку и сообщить о готовности в территориальные органы.",
    "Жители региона уже высказались о нововведениях в социальных сетях. Многие поддержали решение, однако часть пользователей выразила сомнения в том, что сроки реалистичны.",
];

pub fn article_html(title: &str, slug: &str, extra: &str, addr: SocketAddr, noise: u32) -> String {
    let mut body = String::new();
    for (i, p) in PARAS.iter().enumerate() {
        body.push_str(&format!("<p>{p} {title} ({i}).</p>\n"));
    }
    if !extra.is_empty() {
        body.push_str(&format!("<p>{extra}</p>\n"));
    }
    format!(
        "<!doctype html><html lang=\"ru\"><head><meta charset=\"utf-8\"><title>{title} | Фикстура</title>\
<link rel=\"canonical\" href=\"http://{addr}{slug}\">\
<meta property=\"og:title\" content=\"{title}\">\
<meta property=\"article:published_time\" content=\"2025-04-02T10:00:00+05:00\"></head>\
<body><nav><a href=\"/\">Главная</a> <a href=\"/news/\">Новости</a></nav>\
<article><h1>{title}</h1>{body}</article>\
<aside>Сейчас читают: {noise} человек</aside><footer>© Фикстура</footer></body></html>"
    )
}

fn etag_of(s: &str) -> String {
    let mut h: u64 = 1469598103934665603;
    for b in s.bytes() {
        h = (h ^ b as u64).wrapping_mul(1099511628211);
    }
    format!("\"{h:x}\"")
}

const LAST_MODIFIED: &str = "Wed, 02 Apr 2025 05:00:00 GMT";

/// Serve an article with validators; 304 when the client's validators match.
fn article(
    title: &str,
    slug: &str,
    extra: &str,
    headers: &HashMap<String, String>,
    addr: SocketAddr,
    noise: u32,
) -> Vec<u8> {
    let tag = etag_of(&format!("{title}{extra}"));
    if headers.get("if-none-match") == Some(&tag) {
        return response("304 Not Modified", &[("ETag", tag)], b"");
    }
    let html = article_html(title, slug, extra, addr, noise);
    response(
        "200 OK",
        &[
            ("Content-Type", "text/html; charset=utf-8".into()),
            ("ETag", tag),
            ("Last-Modified", LAST_MODIFIED.into()),
        ],
        html.as_bytes(),
    )
}

fn xml(body: String, headers: &HashMap<String, String>) -> Vec<u8> {
    let tag = etag_of(&body);
    if headers.get("if-none-match") == Some(&tag) {
        return response("304 Not Modified", &[("ETag", tag)], b"");
    }
    response(
        "200 OK",
        &[("Content-Type", "application/xml".into()), ("ETag", tag)],
        body.as_bytes(),
    )
}

/// Article paths the feed announces (including a tracking duplicate and a disallowed one).
pub const FEED_PATHS: &[&str] = &[
    "/news/2025/04/01/alpha",
    "/news/2025/04/01/alpha?utm_source=telegram&utm_medium=social",
    "/news/2025/04/02/beta#comments",
    "/private/2025/secret-one",
    "/old/gamma",
    "/news/2025/04/04/cp1251",
    "/news/2025/04/05/missing",
    "/news/2025/04/06/flaky",
    "/news/2025/04/07/changing",
    "/news/2025/04/08/huge",
];

/// The articles that must end up stored, by canonical path.
pub const STORED_PATHS: &[&str] = &[
    "/news/2025/04/01/alpha",
    "/news/2025/04/02/beta",
    "/news/2025/04/03/gamma",
    "/news/2025/04/04/cp1251",
    "/news/2025/04/06/flaky",
    "/news/2025/04/07/changing",
    "/news/2025/04/09/delta",
];

fn route(s: &State, path: &str, headers: &HashMap<String, String>, addr: SocketAddr) -> Vec<u8> {
    let noise = s.log.len() as u32;
    let base = format!("http://{addr}");
    match path {
        "/robots.txt" => {
            let delay = s
                .crawl_delay
                .map(|d| format!("Crawl-delay: {d}\n"))
                .unwrap_or_default();
            let body = format!(
                "User-agent: *\nDisallow: /private/\n{delay}Sitemap: {base}/news-sitemap.xml\n"
            );
            response(
                "200 OK",
                &[("Content-Type", "text/plain".into())],
                body.as_bytes(),
            )
        }
        "/" => {
            let mut links = String::new();
            for p in FEED_PATHS {
                links.push_str(&format!("<a href=\"{p}\">x</a>"));
            }
            let html = format!("<html><head><title>Фикстура</title><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/rss.xml\"></head><body>{links}</body></html>");
            response(
                "200 OK",
                &[("Content-Type", "text/html".into())],
                html.as_bytes(),
            )
        }
        "/rss.xml" => {
            let mut items = String::new();
            for p in FEED_PATHS {
                items.push_str(&format!(
                    "<item><title>t</title><link>{base}{}</link></item>",
                    p.replace('&', "&amp;")
                ));
            }
            for n in 0..s.extra {
                items.push_str(&format!(
                    "<item><title>g</title><link>{base}/gen/2025/{n:05}</link></item>"
                ));
            }
            for p in &s.extra_paths {
                items.push_str(&format!(
                    "<item><title>x</title><link>{base}{p}</link></item>"
                ));
            }
            xml(format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Фикстура</title>{items}</channel></rss>"), headers)
        }
        "/news-sitemap.xml" => {
            let mut urls = String::new();
            for p in [
                "/news/2025/04/09/delta",
                "/private/2025/secret-two",
                "/news/2025/04/02/beta?utm_campaign=x",
            ] {
                urls.push_str(&format!("<url><loc>{base}{}</loc><news:news><news:publication_date>2025-04-09T10:00:00+05:00</news:publication_date><news:title>d</news:title></news:news></url>", p.replace('&', "&amp;")));
            }
            xml(format!("<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">{urls}</urlset>"), headers)
        }
        "/old/gamma" => response(
            "301 Moved Permanently",
            &[("Location", "/news/2025/04/03/gamma".into())],
            b"",
        ),
        "/redirect-private" => response(
            "302 Found",
            &[("Location", "http://10.0.0.1/admin".into())],
            b"",
        ),
        // Cloud metadata, the classic SSRF target.
        "/redirect-metadata" => response(
            "302 Found",
            &[(
                "Location",
                "http://169.254.169.254/latest/meta-data/".into(),
            )],
            b"",
        ),
        // Same loopback address, another port (a different service).
        "/redirect-other-port" => response(
            "301 Moved Permanently",
            &[("Location", "http://127.0.0.1:1/".into())],
            b"",
        ),
        // A name the tests pin to a private address.
        "/redirect-name" => response(
            "307 Temporary Redirect",
            &[("Location", "http://metadata.test/".into())],
            b"",
        ),
        "/news/2025/04/01/alpha" => article(
            "Альфа: новые правила",
            "/news/2025/04/01/alpha",
            "",
            headers,
            addr,
            noise,
        ),
        "/news/2025/04/02/beta" => article(
            "Бета: решение принято",
            "/news/2025/04/02/beta",
            "",
            headers,
            addr,
            noise,
        ),
        "/news/2025/04/03/gamma" => article(
            "Гамма: после переезда",
            "/news/2025/04/03/gamma",
            "",
            headers,
            addr,
            noise,
        ),
        "/news/2025/04/09/delta" => article(
            "Дельта: из карты сайта",
            "/news/2025/04/09/delta",
            "",
            headers,
            addr,
            noise,
        ),
        "/news/2025/04/06/flaky" => {
            if s.counts.get(path).copied().unwrap_or(0) <= 1 {
                response("500 Internal Server Error", &[], b"try again")
            } else {
                article(
                    "Нестабильная страница",
                    "/news/2025/04/06/flaky",
                    "",
                    headers,
                    addr,
                    noise,
                )
            }
        }
        "/busy" => {
            if s.counts.get(path).copied().unwrap_or(0) <= 1 {
                response(
                    "429 Too Many Requests",
                    &[("Retry-After", "1".into())],
                    b"slow down",
                )
            } else {
                article("Занятая страница", "/busy", "", headers, addr, noise)
            }
        }
        "/news/2025/04/07/changing" => {
            let extra = format!("Обновление номер {}.", s.generation);
            article(
                "Меняющаяся новость",
                "/news/2025/04/07/changing",
                &extra,
                headers,
                addr,
                noise,
            )
        }
        "/news/2025/04/04/cp1251" => {
            let html = article_html("Кодировка windows", "/news/2025/04/04/cp1251", "", addr, 0)
                .replace("charset=\"utf-8\"", "charset=\"windows-1251\"");
            let tag = etag_of("cp1251");
            if headers.get("if-none-match") == Some(&tag) {
                return response("304 Not Modified", &[("ETag", tag)], b"");
            }
            response(
                "200 OK",
                &[
                    ("Content-Type", "text/html; charset=windows-1251".into()),
                    ("ETag", tag),
                ],
                &to_cp1251(&html),
            )
        }
        "/news/2025/04/08/huge" => {
            let mut html = article_html("Огромная страница", "/news/2025/04/08/huge", "", addr, 0);
            html.push_str(&"<p>много текста</p>".repeat(120_000));
            response(
                "200 OK",
                &[
                    ("Content-Type", "text/html".into()),
                    ("ETag", "\"huge\"".into()),
                ],
                html.as_bytes(),
            )
        }
        p if p.starts_with("/gen/") => {
            let n = p.rsplit('/').next().unwrap_or("0");
            let undated = s
                .undated_from
                .is_some_and(|from| n.parse::<usize>().is_ok_and(|n| n >= from));
            if undated {
                let html = article_html(&format!("Сгенерированная новость {n}"), p, "", addr, 0)
                    .replace(
                        "<meta property=\"article:published_time\" content=\"2025-04-02T10:00:00+05:00\">",
                        "",
                    );
                return response(
                    "200 OK",
                    &[("Content-Type", "text/html; charset=utf-8".into())],
                    html.as_bytes(),
                );
            }
            article(
                &format!("Сгенерированная новость {n}"),
                p,
                "",
                headers,
                addr,
                noise,
            )
        }
        p if p.starts_with("/private/") => article("Секрет", p, "", headers, addr, noise),
        _ => response(
            "404 Not Found",
            &[("Content-Type", "text/html".into())],
            b"<h1>404</h1>",
        ),
    }
}
