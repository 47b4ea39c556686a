//! The feeds read by a second, independent parser: Python's `feedparser` (Debian package
//! `python3-feedparser`) through `tests/feedparser_check.py`, next to feed-rs.
//!
//! Every feed variant (global, per source, tag, entity, search query, and an empty one; RSS
//! and Atom each) must parse without bozo, with the right version, and agree three ways:
//! with what this test inserted (titles, times, scopes), with the JSON API for the same scope,
//! and with feed-rs (titles, links, ids, dates, summaries, categories).
//!
//! Without python3 + feedparser the test is skipped with a message, except under CI
//! (`CI=true`), where it fails. `KHRONIKA_PYTHON` names the interpreter to use (and only
//! that one); otherwise `python3` on PATH is tried, then `/usr/bin/python3` (the Debian
//! package installs for that one, which a pyenv or venv `python3` earlier on PATH misses).

mod common;

use std::path::Path;
use std::process::Command;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::{get, seed_time, start};
use serde_json::Value;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/feedparser_check.py");

fn missing(what: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("feedparser test needs {what} in CI");
    }
    eprintln!(
        "SKIPPED feedparser test: {what} not available \
         (apt-get install python3-feedparser, or run .ci/run)"
    );
}

/// The first interpreter that can import feedparser, or why there is none.
fn find_python() -> Result<String, String> {
    let candidates: Vec<String> = match std::env::var("KHRONIKA_PYTHON") {
        Ok(p) if !p.is_empty() => vec![p],
        _ => vec!["python3".into(), "/usr/bin/python3".into()],
    };
    let mut tried = Vec::new();
    for py in &candidates {
        match Command::new(py).args(["-c", "import feedparser"]).output() {
            Ok(o) if o.status.success() => return Ok(py.clone()),
            Ok(_) => tried.push(format!("{py}: no feedparser module")),
            Err(e) => tried.push(format!("{py}: {e}")),
        }
    }
    Err(format!(
        "python3 with the feedparser module ({})",
        tried.join("; ")
    ))
}

/// What XML 1.0 can carry of a string: the characters it forbids cannot reach any feed
/// reader, whatever the server does.
fn xml_visible(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}

fn urlenc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// An article this test knows to be in the store (from `common::start` or added here).
struct Known {
    title: String,
    at: DateTime<Utc>,
    /// Index into the test's source list: 0 Bizmedia, 1 Лента, 2 the awkward one added here.
    source: usize,
    tags: Vec<String>,
    /// Carries the entity "Айбек Смадияров".
    smadiyarov: bool,
}

/// A narrowing of the feeds and the articles it must yield, newest first.
struct Scope {
    name: &'static str,
    /// Query string without `?` (empty for the global feed).
    query: String,
    /// Text the feed title must contain.
    marker: String,
    /// Whether the feed comes from a search (`q`): compared with `/api/v1/search`.
    search: bool,
    expect: Vec<usize>,
}

const EXTRA: usize = 6;
const AWKWARD_SOURCE: &str = "Радио «Азаттык» & Co > Бишкек";
const AWKWARD_TAG: &str = "разметка";

fn time_ok(s: Option<&str>) -> Option<i64> {
    DateTime::parse_from_rfc3339(s?).ok().map(|d| d.timestamp())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feedparser_reads_every_feed_like_feed_rs_and_the_api() {
    let python = match find_python() {
        Ok(p) => p,
        Err(why) => return missing(&why),
    };
    let s = start(EXTRA, khronika_serve::ServeConfig::default()).await;

    // Articles whose text needs escaping, from a source whose name does too, one of them
    // dated in a non-UTC offset: the XML round trip has to survive all of it.
    let awkward = s
        .store
        .add_source(&khronika_store::NewSource {
            name: AWKWARD_SOURCE.into(),
            home_url: "https://azattyq.example/".into(),
            display: khronika_store::DisplayPolicy::FullText,
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let almaty = chrono::FixedOffset::east_opt(5 * 3600).unwrap_or_else(|| panic!("offset"));
    let awkward_articles = [
        (
            "Ставка < 5% & инфляция > 3%: \"ястребы\" и 'голуби'",
            "Лид с амперсандом & кавычками «ёлочками».",
            almaty
                .with_ymd_and_hms(2024, 6, 16, 23, 30, 0)
                .single()
                .unwrap_or_else(|| panic!("date"))
                .with_timezone(&Utc),
        ),
        (
            "Управляющий\u{1}символ, эмодзи 📈 и ударе\u{301}ние",
            "Второй лид\u{b}: вертикальная табуляция.",
            seed_time() - Duration::minutes(30),
        ),
    ];
    let batch: Vec<_> = awkward_articles
        .iter()
        .enumerate()
        .map(|(i, (title, lead, at))| {
            common::new_article(
                Some(awkward),
                &format!("https://azattyq.example/{i}"),
                common::plain(title, lead, "Текст.", &[AWKWARD_TAG, "Казахстан"], *at),
                None,
            )
        })
        .collect();
    s.store
        .put_articles(&batch)
        .await
        .unwrap_or_else(|e| panic!("put: {e}"));
    s.app.sync_index().await.unwrap_or_else(|e| panic!("{e}"));
    let sources = [s.sources[0], s.sources[1], awkward];

    // What is in the store, mirroring common::start plus the articles above.
    let (biz, _) = common::bizmedia();
    let mut known = vec![
        Known {
            title: biz.title.clone().unwrap_or_default(),
            at: seed_time(),
            source: 0,
            tags: biz.tags.clone(),
            smadiyarov: true,
        },
        Known {
            title: "Итоги саммита ШОС в Астане".into(),
            at: seed_time() - Duration::days(10),
            source: 1,
            tags: vec!["ШОС".into(), "Казахстан".into()],
            smadiyarov: false,
        },
    ];
    for i in 0..EXTRA {
        known.push(Known {
            title: format!("Новость номер {i} о погоде"),
            at: seed_time() - Duration::hours(i as i64 + 1),
            source: i % 2,
            tags: vec![if i % 3 == 0 {
                "Погода"
            } else {
                "Город"
            }
            .into()],
            smadiyarov: false,
        });
    }
    for (title, _, at) in &awkward_articles {
        known.push(Known {
            title: title.to_string(),
            at: *at,
            source: 2,
            tags: vec![AWKWARD_TAG.into(), "Казахстан".into()],
            smadiyarov: false,
        });
    }
    let select = |f: &dyn Fn(&Known) -> bool| -> Vec<usize> {
        let mut v: Vec<usize> = (0..known.len()).filter(|&i| f(&known[i])).collect();
        v.sort_by(|&a, &b| known[b].at.cmp(&known[a].at));
        v
    };
    let has_tag = |k: &Known, t: &str| k.tags.iter().any(|x| x == t);
    let mut scopes = vec![Scope {
        name: "all",
        query: String::new(),
        marker: "все новости".into(),
        search: false,
        expect: select(&|_| true),
    }];
    for (i, (id, name)) in sources
        .iter()
        .zip(["Bizmedia.kz", "Лента", AWKWARD_SOURCE])
        .enumerate()
    {
        scopes.push(Scope {
            name: ["source-biz", "source-lenta", "source-awkward"][i],
            query: format!("source={}", id.0),
            marker: name.into(),
            search: false,
            expect: select(&|k| k.source == i),
        });
    }
    for (name, tag) in [
        ("tag-weather", "Погода"),
        ("tag-kz", "Казахстан"),
        ("tag-awkward", AWKWARD_TAG),
    ] {
        scopes.push(Scope {
            name,
            query: format!("tag={}", urlenc(tag)),
            marker: format!("#{tag}"),
            search: false,
            expect: select(&|k| has_tag(k, tag)),
        });
    }
    scopes.push(Scope {
        name: "entity",
        query: format!("entity={}", urlenc("Айбек Смадияров")),
        marker: "Айбек Смадияров".into(),
        search: false,
        expect: select(&|k| k.smadiyarov),
    });
    scopes.push(Scope {
        name: "entity-unknown",
        query: format!("entity={}", urlenc("Никто Никтоев")),
        marker: "Никто Никтоев".into(),
        search: false,
        expect: Vec::new(),
    });
    // Only these two articles mention a summit (in their titles, "саммите"/"саммита"):
    // the search must find both word forms and nothing else.
    scopes.push(Scope {
        name: "search",
        query: format!("q={}", urlenc("саммит")),
        marker: "«саммит»".into(),
        search: true,
        expect: select(&|k| k.title.to_lowercase().contains("саммит")),
    });
    scopes.push(Scope {
        name: "search-awkward",
        query: format!("q={}", urlenc("ястребы")),
        marker: "«ястребы»".into(),
        search: true,
        expect: select(&|k| k.title.contains("ястребы")),
    });
    assert!(
        scopes.iter().filter(|sc| !sc.expect.is_empty()).count() >= 8,
        "the scopes must cover real data"
    );

    // Fetch every feed in both formats and the API's view of the same scope.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut manifest = Vec::new();
    let mut fetched = Vec::new();
    for sc in &scopes {
        let api_path = if sc.search {
            format!("/api/v1/search?{}&sort=date&limit=30", sc.query)
        } else if sc.query.is_empty() {
            "/api/v1/articles?limit=100".to_string()
        } else {
            format!("/api/v1/articles?{}&limit=100", sc.query)
        };
        let r = get(s.addr, &api_path, &[]).await;
        assert_eq!(r.status, 200, "{api_path}: {}", r.body);
        let api = r.json()["items"].as_array().cloned().unwrap_or_default();
        for (fmt, ctype, version) in [
            ("rss", "application/rss+xml", "rss20"),
            ("atom", "application/atom+xml", "atom10"),
        ] {
            let path = if sc.query.is_empty() {
                format!("/feed.{fmt}")
            } else {
                format!("/feed.{fmt}?{}", sc.query)
            };
            let r = get(s.addr, &path, &[]).await;
            assert_eq!(r.status, 200, "{path}: {}", r.body);
            let content_type = r.header("content-type").unwrap_or("").to_string();
            assert!(content_type.starts_with(ctype), "{path}: {content_type}");
            let key = format!("{}.{fmt}", sc.name);
            let file = dir.path().join(format!("{key}.xml"));
            std::fs::write(&file, &r.body).unwrap_or_else(|e| panic!("{e}"));
            manifest.push(serde_json::json!({
                "name": key, "path": file, "content_type": content_type,
            }));
            fetched.push((sc, path, key, version, r.body, api.clone()));
        }
    }
    let manifest_path = dir.path().join("manifest.json");
    std::fs::write(&manifest_path, Value::Array(manifest).to_string())
        .unwrap_or_else(|e| panic!("{e}"));

    let out = tokio::task::spawn_blocking(move || {
        Command::new(&python)
            .arg(Path::new(SCRIPT))
            .arg(&manifest_path)
            .output()
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .unwrap_or_else(|e| panic!("running python: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "feedparser_check.py failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("report is not JSON ({e}): {stdout}"));
    let base = format!("http://{}", s.addr);

    let mut checked_entries = 0;
    for (sc, path, key, version, body, api) in &fetched {
        let fp = &report["feeds"][key.as_str()];
        assert_eq!(
            fp["bozo"], false,
            "{path}: feedparser says bozo: {}\n{body}",
            fp["bozo_exception"]
        );
        assert_eq!(fp["version"], *version, "{path}");
        let fr = feed_rs::parser::parse(body.as_bytes())
            .unwrap_or_else(|e| panic!("feed-rs on {path}: {e}\n{body}"));
        let fp_title = fp["title"].as_str().unwrap_or_default();
        assert_eq!(
            Some(fp_title),
            fr.title.as_ref().map(|t| t.content.as_str()),
            "{path}: feed title"
        );
        assert!(
            fp_title.contains(&sc.marker),
            "{path}: feed title {fp_title:?} lacks {:?}",
            sc.marker
        );
        assert_eq!(fp["link"], format!("{base}/"), "{path}: feed link");
        assert_eq!(fp["language"], "ru", "{path}");

        let entries = fp["entries"].as_array().cloned().unwrap_or_default();
        assert_eq!(
            entries.len(),
            sc.expect.len(),
            "{path}: entries vs inserted"
        );
        assert_eq!(entries.len(), api.len(), "{path}: entries vs API");
        assert_eq!(
            entries.len(),
            fr.entries.len(),
            "{path}: entries vs feed-rs"
        );
        for (n, ((e, &k), (a, r))) in entries
            .iter()
            .zip(&sc.expect)
            .zip(api.iter().zip(&fr.entries))
            .enumerate()
        {
            let known = &known[k];
            let ctx = format!("{path} entry {n}");
            // Titles: as inserted, as the API has them, as feed-rs read them.
            let title = e["title"].as_str().unwrap_or_default();
            assert_eq!(title, xml_visible(&known.title), "{ctx}: title vs inserted");
            assert_eq!(
                title,
                xml_visible(a["title"].as_str().unwrap_or_default()),
                "{ctx}: title vs API"
            );
            assert_eq!(
                Some(title),
                r.title.as_ref().map(|t| t.content.as_str()),
                "{ctx}: title vs feed-rs"
            );
            // Links and ids: the article page of the id the API gives.
            let link = format!("{base}/article/{}", a["id"]);
            assert_eq!(e["link"], link, "{ctx}: link vs API id");
            assert_eq!(e["id"], link, "{ctx}: guid/id");
            assert_eq!(
                r.links.first().map(|l| l.href.as_str()),
                Some(link.as_str()),
                "{ctx}: link vs feed-rs"
            );
            assert_eq!(r.id, link, "{ctx}: id vs feed-rs");
            // Dates: feedparser's own parse, to the second, against the inserted time, the
            // API and feed-rs.
            let published = e["published_epoch"].as_i64();
            assert_eq!(
                published,
                Some(known.at.timestamp()),
                "{ctx}: published {} vs inserted {}",
                e["published"],
                known.at
            );
            let api_time = if sc.search {
                a["published"].as_str()
            } else {
                a["time"].as_str()
            };
            assert_eq!(published, time_ok(api_time), "{ctx}: published vs API");
            assert_eq!(
                published,
                r.published.map(|d| d.timestamp()),
                "{ctx}: published vs feed-rs"
            );
            if *version == "atom10" {
                assert_eq!(e["updated_epoch"].as_i64(), published, "{ctx}: updated");
            }
            // Summary and category: the same text in both parsers; the category is the
            // source's name.
            let summary = e["summary"].as_str().unwrap_or_default();
            assert!(!summary.is_empty(), "{ctx}: no summary");
            assert_eq!(
                Some(summary),
                r.summary.as_ref().map(|t| t.content.as_str()),
                "{ctx}: summary vs feed-rs"
            );
            if !sc.search {
                // Summaries are HTML (readers render them so): the lead, HTML-escaped.
                let lead = xml_visible(a["lead"].as_str().unwrap_or_default())
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;");
                assert_eq!(summary, lead, "{ctx}: summary vs API lead");
            }
            let source_name = ["Bizmedia.kz", "Лента", AWKWARD_SOURCE][known.source];
            assert_eq!(
                e["categories"],
                serde_json::json!([source_name]),
                "{ctx}: category"
            );
            assert_eq!(
                r.categories.first().map(|c| c.term.as_str()),
                Some(source_name),
                "{ctx}: category vs feed-rs"
            );
            checked_entries += 1;
        }
    }
    // Every scope in both formats, every expected entry looked at.
    assert_eq!(fetched.len(), 2 * scopes.len());
    let expected_entries: usize = scopes.iter().map(|sc| 2 * sc.expect.len()).sum();
    assert_eq!(checked_entries, expected_entries);
    eprintln!(
        "feedparser {} read {} feeds, {checked_entries} entries",
        report["feedparser"],
        fetched.len()
    );
}
