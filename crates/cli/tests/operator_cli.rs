//! The operator's view through the real binary: ingest's closing table and exit code,
//! `status` flagging a source whose extraction broke, and the consistent source commands.

#[path = "../../pipeline/tests/support/site.rs"]
mod site;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_khronika");

fn khronika(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run khronika")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Run the binary off the async workers (the fixture site runs on them).
async fn run(data: &Path, args: Vec<String>) -> Output {
    let data = data.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        khronika(&data, &args)
    })
    .await
    .expect("join")
}

fn ingest_args(site: &site::Site) -> Vec<String> {
    [
        "--allow-host",
        &site.addr.to_string(),
        "ingest",
        "--once",
        "--no-analysis",
        "--delay-ms",
        "0",
        "--max-page-bytes",
        "1000000",
        "--retry-base-ms",
        "50",
        "--timeout",
        "1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// `source add` of the fixture site's home under `name`, read through `list` (`--feed` or
/// `--sitemap`) at `path`.
async fn add_site_source(site: &site::Site, data: &Path, name: &str, list: &str, path: &str) {
    let out = run(
        data,
        vec![
            "--allow-host".into(),
            site.addr.to_string(),
            "source".into(),
            "add".into(),
            site.url("/"),
            list.into(),
            site.url(path),
            "--name".into(),
            name.into(),
        ],
    )
    .await;
    assert!(out.status.success(), "source add: {}", text(&out.stderr));
}

async fn add_fixture(site: &site::Site, data: &Path) {
    add_site_source(site, data, "fx", "--feed", "/rss.xml").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingest_closing_table_names_each_failure_and_exits_1() {
    let site = site::start(0, None).await;
    if let Ok(mut s) = site.state.lock() {
        s.extra_paths.push("/slow/one".into());
    }
    let data = tempfile::tempdir().expect("tmp");
    add_fixture(&site, data.path()).await;
    let out = run(data.path(), ingest_args(&site)).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "some pages failed: {stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "colour codes in a pipe: {stderr:?}"
    );
    let line_of = |path: &str| {
        let url = site.url(path);
        stderr
            .lines()
            .find(|l| l.split_whitespace().any(|w| w == url))
            .unwrap_or_else(|| panic!("{path} not in the closing table: {stderr}"))
            .to_owned()
    };
    assert!(stderr.contains("SOURCE  KIND"), "no table header: {stderr}");
    let missing = line_of("/news/2025/04/05/missing");
    assert!(
        missing.contains("http") && missing.ends_with("HTTP 404"),
        "{missing}"
    );
    let private = line_of("/private/2025/secret-one");
    assert!(
        private.contains("robots") && private.contains("disallowed by robots.txt"),
        "{private}"
    );
    let slow = line_of("/slow/one");
    assert!(
        slow.contains("timeout") && slow.contains("timed out"),
        "{slow}"
    );
    // Plain progress lines, one per source, when standard error is not a terminal.
    assert!(
        stderr.contains("ingest: fx: "),
        "no plain progress line: {stderr}"
    );
    // -q: no table, no progress line; the exit code is the same.
    let mut quiet = ingest_args(&site);
    quiet.insert(0, "-q".into());
    let out = run(data.path(), quiet).await;
    let stderr = text(&out.stderr);
    assert!(
        !stderr.contains("SOURCE  KIND") && !stderr.contains("ingest: fx"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_fetched_exits_1_and_a_refusal_alone_exits_0() {
    let site = site::start(0, None).await;
    let data = tempfile::tempdir().expect("tmp");
    // Every URL of this source is disallowed by robots.txt: nothing can be fetched.
    add_site_source(&site, data.path(), "closed", "--feed", "/private/feed.xml").await;
    let out = run(data.path(), ingest_args(&site)).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "nothing fetched: {stderr}");
    assert!(stderr.contains("0 fetched"), "{stderr}");
    // A clean run exits 0, also when robots.txt refused one of its pages (the news sitemap
    // lists a disallowed page): a refusal alone is not a failure.
    let clean = tempfile::tempdir().expect("tmp");
    add_site_source(
        &site,
        clean.path(),
        "clean",
        "--sitemap",
        "/news-sitemap.xml",
    )
    .await;
    let out = run(clean.path(), ingest_args(&site)).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("1 disallowed by robots.txt"), "{stderr}");
    assert!(
        stderr.contains("robots"),
        "the refusal is still listed: {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_flags_a_source_whose_pages_lost_their_dates() {
    let site = site::start(60, None).await;
    let data = tempfile::tempdir().expect("tmp");
    add_fixture(&site, data.path()).await;
    let out = run(data.path(), ingest_args(&site)).await;
    assert!(out.status.code().is_some(), "{}", text(&out.stderr));
    let out = run(data.path(), vec!["status".into()]).await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.starts_with("ID  SOURCE"), "{stdout}");
    assert!(!stdout.contains("fx: "), "healthy source flagged: {stdout}");
    if let Ok(mut s) = site.state.lock() {
        s.extra = 100;
        s.undated_from = Some(60);
    }
    let out = run(data.path(), ingest_args(&site)).await;
    let stderr = text(&out.stderr);
    assert!(out.status.code().is_some(), "{stderr}");
    // Over 100 pages: a plain progress line on the way, and one at the end.
    let lines = stderr
        .lines()
        .filter(|l| l.starts_with("ingest: fx: "))
        .count();
    assert!(lines >= 2, "{lines} progress lines: {stderr}");
    let out = run(data.path(), vec!["status".into()]).await;
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("fx: 0 dates in the last 40 pages, was 100 %"),
        "{stdout}"
    );
    let out = run(data.path(), vec!["status".into(), "--json".into()]).await;
    let v: serde_json::Value =
        serde_json::from_str(text(&out.stdout).trim()).expect("one JSON object");
    assert_eq!(v["name"], "fx");
    assert_eq!(v["recent"]["with_date"], 0);
    assert_eq!(v["flags"][0], "0 dates in the last 40 pages, was 100 %");
    assert!(
        v["errors_by_kind"]
            .as_array()
            .is_some_and(|e| !e.is_empty()),
        "{v}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn source_import_probes_url_only_entries_for_feeds() {
    let site = site::start(0, None).await;
    let dir = tempfile::tempdir().expect("tmp");
    let list = dir.path().join("sources.toml");
    std::fs::write(
        &list,
        format!("[[source]]\nname = \"fx\"\nurl = \"{}\"\n", site.url("/")),
    )
    .expect("write");
    let data = dir.path().join("d");
    let out = run(
        &data,
        vec![
            "--allow-host".into(),
            site.addr.to_string(),
            "source".into(),
            "import".into(),
            list.display().to_string(),
        ],
    )
    .await;
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("feed    {}", site.url("/rss.xml"))),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("sitemap {}", site.url("/news-sitemap.xml"))),
        "{stderr}"
    );
    let out = run(&data, vec!["source".into(), "list".into(), "--json".into()]).await;
    let v: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).expect("json");
    assert_eq!(v["feeds"][0], site.url("/rss.xml"), "{v}");
}

#[test]
fn source_list_remove_and_source_by_id_or_name() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("d");
    for (name, url) in [
        ("Альфа", "https://alpha.example/"),
        ("beta", "https://beta.example/"),
    ] {
        let out = khronika(
            &data,
            &[
                "source",
                "add",
                url,
                "--name",
                name,
                "--feed",
                &format!("{url}rss"),
            ],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let out = khronika(&data, &["source", "list"]);
    let stdout = text(&out.stdout);
    let mut lines = stdout.lines();
    let header = lines.next().unwrap_or_default();
    for col in ["ID", "NAME", "FEEDS", "ARTICLES", "LAST FETCH", "ERRORS"] {
        assert!(header.contains(col), "{col} missing: {header}");
    }
    let alpha = lines.next().unwrap_or_default();
    let cells: Vec<&str> = alpha.split_whitespace().collect();
    assert_eq!(
        cells.get(..5),
        Some(&["1", "Альфа", "1", "0", "0"][..]),
        "{alpha}"
    );
    assert!(alpha.contains("never"), "{alpha}");

    let out = khronika(&data, &["source", "list", "--json"]);
    let first: serde_json::Value = text(&out.stdout)
        .lines()
        .next()
        .and_then(|l| serde_json::from_str(l).ok())
        .expect("a JSON line");
    assert_eq!(first["name"], "Альфа");
    assert_eq!(first["articles"], 0, "{first}");
    assert!(
        first["last_fetch"].is_null() && first["errors_7_days"] == 0,
        "{first}"
    );
    // Without --yes and without a terminal: refused, nothing removed.
    let out = khronika(&data, &["source", "remove", "2"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--yes"), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("0 articles"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        text(&khronika(&data, &["source", "list"]).stdout)
            .lines()
            .count(),
        3
    );
    // By id, confirmed.
    let out = khronika(&data, &["source", "remove", "2", "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("removed beta"));
    // --source by id and by name means the same source.
    for key in ["1", "Альфа"] {
        let out = khronika(&data, &["export", "--source", key]);
        assert!(
            out.status.success(),
            "export --source {key}: {}",
            text(&out.stderr)
        );
    }
    let out = khronika(&data, &["export", "--source", "99"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no such source \"99\""),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn import_warns_with_line_numbers_about_incomplete_records() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("in.jsonl");
    let lines = [
        r#"{"url":"https://example.kz/1","title":"Целая","text":"Текст новости.","published":"2025-04-01T10:00:00+05:00"}"#,
        r#"{"url":"https://example.kz/2","title":"Вчерашняя","text":"Текст новости.","published":"вчера"}"#,
        r#"{"url":"https://example.kz/3","title":"Без текста"}"#,
    ];
    std::fs::write(&file, lines.join("\n")).expect("write");
    let out = khronika(
        &dir.path().join("d"),
        &["import", "--no-analysis", file.to_str().expect("path")],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("line 2: warning: \"published\": \"вчера\" is not a date"),
        "{stderr}"
    );
    assert!(stderr.contains("line 3: warning: no text"), "{stderr}");
    assert!(!stderr.contains("line 1:"), "{stderr}");
    assert!(stderr.contains("2 stored incomplete"), "{stderr}");
}

#[test]
fn analyze_reads_plain_text_from_stdin_and_text() {
    let sentence = "Президент Касым-Жомарт Токаев прибыл в Астану.";
    let out = Command::new(BIN)
        .args(["analyze", "--text", sentence])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).expect("json");
    assert_eq!(v["id"], 0);
    assert!(
        v["entities"].as_array().is_some_and(|e| !e.is_empty()),
        "{v}"
    );

    let mut child = Command::new(BIN)
        .arg("analyze")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(sentence.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let w: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).expect("json");
    assert_eq!(
        w["entities"], v["entities"],
        "the same text, the same analysis"
    );
}
