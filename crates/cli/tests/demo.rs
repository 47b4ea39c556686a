//! `khronika demo` end to end: the bundled pages are ingested, indexed and searchable, and
//! the takedown command hides an article from search.

use std::process::Command;

fn khronika(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_khronika"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running khronika: {e}"))
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
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = khronika(dir.path(), &["demo", "--no-serve"]);
    assert!(
        out.status.success(),
        "demo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
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
