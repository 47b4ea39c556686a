//! `khronika demo` end to end: the bundled pages are ingested, indexed and searchable, and
//! the takedown command hides an article from search.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

fn khronika(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_khronika"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running khronika: {e}"))
}

/// Start `khronika serve` on a free port of 127.0.0.1; returns the child and its address.
fn serve(data: &std::path::Path) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_khronika"))
        .arg("--data-dir")
        .arg(data)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting serve: {e}"));
    let stderr = child.stderr.take().unwrap_or_else(|| panic!("no stderr"));
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = match lines.next() {
            Some(Ok(l)) => l,
            _ => panic!("serve stopped before listening"),
        };
        if let Some(rest) = line.split("serving on http://").nth(1) {
            break rest.split('/').next().unwrap_or_default().to_string();
        }
    };
    (child, addr)
}

/// A plain HTTP/1.1 GET; the body of a 200 answer.
fn http_get(addr: &str, path: &str) -> String {
    let (status, out) = http_fetch(addr, path);
    assert!(
        status == 200,
        "{path}: {}",
        out.lines().next().unwrap_or("")
    );
    out
}

#[test]
fn demo_ingests_bundled_pages_and_search_finds_word_forms() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = khronika(dir.path(), &["demo", "--no-serve", "--no-analysis"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "demo failed: {err}");
    assert!(err.contains("16 articles stored, 16 indexed"), "{err}");

    let out = khronika(dir.path(), &["search", "саммита", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON: {e}"));
    let hits = v["hits"].as_array().cloned().unwrap_or_default();
    // The reference article and the two reports of the same summit.
    assert_eq!(hits.len(), 3, "{v}");
    let seed = hits
        .iter()
        .find(|h| {
            h["title"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Исходили из своих интересов")
        })
        .unwrap_or_else(|| panic!("reference article not found: {v}"));
    let id = seed["id"].as_i64().unwrap_or(0);

    let out = khronika(dir.path(), &["search", "рубль"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[рубля]"), "highlighted inflection: {text}");

    let out = khronika(dir.path(), &["takedown", "article", &id.to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = khronika(dir.path(), &["search", "саммита", "--json"]);
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON: {e}"));
    let ids: Vec<i64> = v["hits"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|h| h["id"].as_i64())
        .collect();
    assert_eq!(ids.len(), 2, "{v}");
    assert!(!ids.contains(&id), "taken-down article still found: {v}");

    let out = khronika(dir.path(), &["reindex"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = khronika(dir.path(), &["search", "рубль", "--json"]);
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON: {e}"));
    assert!(v["total"].as_u64().unwrap_or(0) >= 1);
}

/// The organise stage on the demo corpus: the reference article and the two reports of the
/// same summit (other outlets, other days) form one story; none of the unrelated pages
/// (a ring road, a constitution, a footballer, Windows updates, …) joins it, and each page
/// gets a rubric.
#[test]
fn demo_threads_the_reference_story_and_nothing_else() {
    let dir = demo_with_analysis();
    let out = khronika(dir.path(), &["export"]);
    assert!(out.status.success());
    let records: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(records.len(), 16);
    let title = |r: &serde_json::Value| r["title"].as_str().unwrap_or_default().to_string();
    let seed = records
        .iter()
        .find(|r| title(r).starts_with("Исходили из своих интересов"))
        .unwrap_or_else(|| panic!("no reference article"));
    let story = seed["story_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no story: {seed}"));
    let mut members: Vec<String> = records
        .iter()
        .filter(|r| r["story_id"].as_i64() == Some(story))
        .map(title)
        .collect();
    members.sort();
    assert_eq!(members.len(), 3, "{members:?}");
    assert!(
        members
            .iter()
            .any(|t| t.starts_with("Кыргызстан не поедет")),
        "{members:?}"
    );
    assert!(
        members
            .iter()
            .any(|t| t.starts_with("МИД Казахстана объяснил")),
        "{members:?}"
    );
    assert!(
        records.iter().all(|r| r["rubric"].is_string()),
        "every page has a rubric"
    );
    assert_eq!(seed["rubric"], "society");

    let out = khronika(dir.path(), &["stories", "--json", "--min-articles", "2"]);
    assert!(out.status.success());
    let stories: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(stories.len(), 1, "{stories:?}");
    assert_eq!(stories[0]["id"], story);
    assert_eq!(stories[0]["sources"], 3);

    // The portal: the reference article's "Продолжая тему" lists exactly the two other
    // reports of its story, and its story page lists all three in chronological order.
    let seed_id = seed["id"].as_i64().unwrap_or(0);
    let (mut server, addr) = serve(dir.path());
    let page = http_get(&addr, &format!("/article/{seed_id}"));
    let story_page = http_get(&addr, &format!("/story/{story}"));
    let _ = server.kill();
    let _ = server.wait();
    let continued = page
        .split("Продолжая тему")
        .nth(1)
        .unwrap_or_else(|| panic!("no «Продолжая тему» on the article page"));
    let continued = continued
        .split("Последние новости")
        .next()
        .unwrap_or(continued);
    for r in &records {
        let t = title(r);
        let same = r["story_id"].as_i64() == Some(story) && r["id"] != seed["id"];
        // Titles are HTML-escaped on the page; compare a prefix without quotes.
        let probe: String = t.chars().take(30).collect();
        if probe.contains(['"', '&', '<', '\'']) {
            continue;
        }
        assert_eq!(
            continued.contains(&probe),
            same,
            "«{t}» {} «Продолжая тему»",
            if same { "missing from" } else { "wrongly in" }
        );
    }
    let pos = |needle: &str| {
        story_page
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} not on the story page"))
    };
    // The story's title (the seed's headline) also heads the page: look after the timeline's
    // first two entries for the third.
    let (first, second) = (pos("Кыргызстан не поедет"), pos("МИД Казахстана объяснил"));
    assert!(first < second, "timeline not in chronological order");
    assert!(
        story_page[second..].contains("Исходили из своих интересов: почему"),
        "the reference article is not the last entry of the timeline"
    );

    // Search narrowed to the story and to a rubric.
    let out = khronika(
        dir.path(),
        &["search", "саммит", "--story", &story.to_string(), "--json"],
    );
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON: {e}"));
    assert_eq!(v["total"], 3, "{v}");
    let out = khronika(
        dir.path(),
        &["search", "саммит", "--rubric", "sports", "--json"],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "no sports article is about the summit"
    );

    // Derived data: a rebuild gives the same grouping, and the old id still resolves.
    let out = khronika(dir.path(), &["reorganise"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = khronika(dir.path(), &["stories", "--json", "--min-articles", "2"]);
    let again: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!(again[0]["article_count"], 3);
}

/// A data directory with the demo ingested, analysis on.
fn demo_with_analysis() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = khronika(dir.path(), &["demo", "--no-serve"]);
    assert!(
        out.status.success(),
        "demo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// Status line and body of a plain HTTP/1.1 GET.
fn http_fetch(addr: &str, path: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(addr).unwrap_or_else(|e| panic!("{addr}: {e}"));
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap_or_else(|e| panic!("{e}"));
    let out = String::from_utf8_lossy(&out).into_owned();
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, out)
}

/// Every `href="/…"` of a page (the entity `&amp;` decoded), with the link's text.
fn links(page: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in page.split("href=\"").skip(1) {
        let Some((href, rest)) = part.split_once('"') else {
            continue;
        };
        if !href.starts_with('/') || href.starts_with("//") {
            continue;
        }
        let text = rest
            .split_once('>')
            .and_then(|(_, t)| t.split_once("</a>"))
            .map(|(t, _)| t.to_string())
            .unwrap_or_default();
        out.push((href.replace("&amp;", "&"), text));
    }
    out
}

fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('ё', "е")
}

/// The entity registry on the demo portal: a crawl from the front page, `/entities` and
/// `/tags` follows article, story, source, tag and entity links; every entity and tag link
/// answers 200, `/entities` has no two names that fold alike, and the reference article's
/// tags are its actors, places and summit.
#[test]
fn demo_portal_every_entity_link_answers() {
    let dir = demo_with_analysis();
    let (mut server, addr) = serve(dir.path());
    let mut queue: Vec<String> = ["/", "/entities", "/tags", "/stories"]
        .map(String::from)
        .to_vec();
    let mut seen: std::collections::HashSet<String> = queue.iter().cloned().collect();
    let mut broken: Vec<String> = Vec::new();
    let mut entity_links = 0;
    let mut pages = 0;
    let mut reference: Option<String> = None;
    while let Some(path) = queue.pop() {
        if pages >= 600 {
            break;
        }
        pages += 1;
        let (status, page) = http_fetch(&addr, &path);
        let followed = path.starts_with("/entity/") || path.starts_with("/tag/");
        if path.starts_with("/article/") && page.contains("<h1>Исходили из своих интересов")
        {
            reference = Some(page.clone());
        }
        if status != 200 {
            if followed {
                broken.push(format!("{status} {path}"));
            }
            continue;
        }
        for (href, _) in links(&page) {
            let path_only = href.split(['?', '#']).next().unwrap_or("").to_string();
            let follow = ["/article/", "/entity/", "/tag/", "/story/", "/source/"]
                .iter()
                .any(|p| path_only.starts_with(p));
            if path_only.starts_with("/entity/") {
                entity_links += 1;
            }
            if follow && seen.insert(path_only.clone()) {
                queue.push(path_only);
            }
        }
    }
    let (_, entities) = http_fetch(&addr, "/entities");
    let _ = server.kill();
    let _ = server.wait();
    assert!(broken.is_empty(), "broken links: {broken:?}");
    assert!(
        entity_links > 50,
        "only {entity_links} entity links crawled"
    );
    let names: Vec<String> = links(&entities)
        .into_iter()
        .filter(|(h, _)| h.starts_with("/entity/"))
        .map(|(_, t)| {
            t.rsplit_once(" (")
                .map_or(t.clone(), |(n, _)| n.to_string())
        })
        .collect();
    assert!(names.len() > 20, "{names:?}");
    // The reference article: its tags, and its quote speakers linked to registry entities.
    let reference = reference.unwrap_or_else(|| panic!("reference article not crawled"));
    let tags: Vec<String> = links(&reference)
        .into_iter()
        .filter(|(h, _)| h.starts_with("/tag/"))
        .map(|(_, t)| t.trim_start_matches('#').to_string())
        .collect();
    assert!((3..=8).contains(&tags.len()), "{tags:?}");
    for want in ["Айбек Смадияров", "Казахстан", "Украина"] {
        assert!(tags.iter().any(|t| t == want), "{want}: {tags:?}");
    }
    assert!(
        tags.iter().any(|t| t.to_lowercase().contains("саммит")),
        "{tags:?}"
    );
    let speakers: Vec<String> = reference
        .split("<figcaption>— ")
        .skip(1)
        .filter_map(|f| f.split_once("</a>").map(|(a, _)| a.to_string()))
        .collect();
    for who in ["Айбек Смадияров", "Эдиль Байсалов"] {
        assert!(
            speakers
                .iter()
                .any(|s| s.starts_with("<a href=\"/entity/") && s.ends_with(who)),
            "{who} not a linked speaker: {speakers:?}"
        );
    }
    let mut folded: Vec<String> = names.iter().map(|n| fold(n)).collect();
    folded.sort();
    let n = folded.len();
    folded.dedup();
    assert_eq!(
        folded.len(),
        n,
        "two /entities entries fold alike: {names:?}"
    );
}
