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
    assert!(err.contains("14 articles stored, 14 indexed"), "{err}");

    let out = khronika(dir.path(), &["search", "саммита", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON: {e}"));
    let hits = v["hits"].as_array().cloned().unwrap_or_default();
    assert_eq!(hits.len(), 1, "{v}");
    let title = hits[0]["title"].as_str().unwrap_or_default();
    assert!(title.starts_with("Исходили из своих интересов"), "{title}");
    let id = hits[0]["id"].as_i64().unwrap_or(0);

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
    assert_eq!(out.status.code(), Some(1), "taken-down article still found");

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
