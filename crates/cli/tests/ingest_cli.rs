//! The real binary against the fixture site: kill -9 and Ctrl-C in the middle of an ingest,
//! then resume; source import from TOML/OPML.

#[path = "../../pipeline/tests/support/site.rs"]
mod site;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_khronika");
const EXTRA: usize = 120;

fn khronika(data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .expect("run khronika")
}

/// `khronika` with the fixture site (and nothing else non-public) allowed.
fn khronika_at(site: &site::Site, data: &Path, args: &[&str]) -> std::process::Output {
    let allow = site.addr.to_string();
    let mut all = vec!["--allow-host", allow.as_str()];
    all.extend_from_slice(args);
    khronika(data, &all)
}

fn ingest_cmd(site: &site::Site, data: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data-dir")
        .arg(data)
        .args(["--allow-host", &site.addr.to_string()])
        .args([
            "ingest",
            "--once",
            "--no-analysis",
            "--delay-ms",
            "15",
            "--per-host",
            "1",
        ])
        .args(["--max-page-bytes", "1000000", "--retry-base-ms", "50"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// (article count, distinct content hashes, integrity_check result, all urls)
fn db_state(data: &Path) -> (i64, i64, String, Vec<String>) {
    let conn = rusqlite::Connection::open(data.join("khronika.db")).expect("open db");
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity");
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM articles", [], |r| r.get(0))
        .expect("count");
    let distinct: i64 = conn
        .query_row(
            "SELECT COUNT(DISTINCT content_hash) FROM articles",
            [],
            |r| r.get(0),
        )
        .expect("distinct");
    let mut stmt = conn
        .prepare("SELECT url FROM articles ORDER BY url")
        .expect("prepare");
    let urls = stmt
        .query_map([], |r| r.get(0))
        .expect("urls")
        .collect::<Result<Vec<String>, _>>()
        .expect("rows");
    (n, distinct, integrity, urls)
}

async fn wait_for_requests(site: &site::Site, n: usize) {
    let start = Instant::now();
    while site.log().len() < n {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the crawler never got going"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn setup() -> (site::Site, tempfile::TempDir) {
    let site = site::start(EXTRA, None).await;
    let data = tempfile::tempdir().expect("tmp");
    let out = khronika_at(
        &site,
        data.path(),
        &[
            "source",
            "add",
            &site.url("/"),
            "--feed",
            &site.url("/rss.xml"),
            "--name",
            "fx",
        ],
    );
    assert!(
        out.status.success(),
        "source add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (site, data)
}

/// Stored at the end: the feed's allowed articles (no sitemap here, so no delta) and the
/// generated ones.
fn expected() -> i64 {
    (site::STORED_PATHS.len() - 1 + EXTRA) as i64
}

async fn interrupted_then_resumed(signal: Option<&str>) {
    let (site, data) = setup().await;
    let mut child = ingest_cmd(&site, data.path())
        .spawn()
        .expect("spawn ingest");
    wait_for_requests(&site, 60).await;
    match signal {
        None => child.kill().expect("kill -9"),
        Some(sig) => {
            let st = Command::new("kill")
                .args([sig, &child.id().to_string()])
                .status()
                .expect("kill");
            assert!(st.success());
        }
    }
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("join")
        .expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    if signal.is_some() {
        assert_eq!(out.status.code(), Some(130), "Ctrl-C exit: {stderr}");
        assert!(
            stderr.contains("stopped early"),
            "no clean stop report: {stderr}"
        );
    }
    let (n1, d1, ok1, urls1) = db_state(data.path());
    assert_eq!(ok1, "ok");
    assert!(
        n1 > 0 && n1 < expected(),
        "interrupted run stored {n1} of {}",
        expected()
    );
    assert_eq!(n1, d1, "duplicate content after the interruption");
    // Resume: everything, once.
    let out = ingest_cmd(&site, data.path()).output().expect("resume");
    // The fixture site's oversized page fails on purpose, unless the interrupted run already
    // tried it: exit 1 exactly when the summary counts errors.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let errors: u64 = stderr
        .rsplit(" errors")
        .nth(1)
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no error count in: {stderr}"));
    let want = if errors > 0 { 1 } else { 0 };
    assert_eq!(out.status.code(), Some(want), "resume: {stderr}");
    let (n2, d2, ok2, urls2) = db_state(data.path());
    assert_eq!(ok2, "ok");
    assert_eq!(n2, expected(), "after resume");
    assert_eq!(n2, d2, "duplicates after resume");
    assert!(
        urls1.iter().all(|u| urls2.contains(u)),
        "a committed article was lost"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_ingest_then_resume() {
    interrupted_then_resumed(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_cleanly_then_resume() {
    interrupted_then_resumed(Some("-INT")).await;
}

#[test]
fn sources_import_from_toml_and_opml_and_list() {
    let data = tempfile::tempdir().expect("tmp");
    let toml = data.path().join("sources.toml");
    std::fs::write(&toml, "[[source]]\nname = \"Альфа\"\nurl = \"https://alpha.example/\"\nfeeds = [\"https://alpha.example/rss\"]\ndisplay = \"full_text\"\n").expect("write");
    let opml = data.path().join("feeds.opml");
    std::fs::write(&opml, r#"<opml version="2.0"><body><outline text="Бета" xmlUrl="https://beta.example/feed" htmlUrl="https://beta.example/"/><outline text="Альфа" xmlUrl="https://alpha.example/rss"/></body></opml>"#).expect("write");
    let dir = data.path().join("d");
    for f in [&toml, &opml] {
        let out = khronika(&dir, &["source", "import", f.to_str().expect("path")]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = khronika(&dir, &["source", "list", "--json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let names: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("json")["name"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        vec!["Альфа", "Бета"],
        "the OPML duplicate is skipped"
    );
    assert!(text.contains("full_text"));
    let out = khronika(&dir, &["source", "remove", "Бета", "--yes"]);
    assert!(out.status.success());
    let out = khronika(&dir, &["source", "remove", "Бета", "--yes"]);
    assert!(!out.status.success(), "removing twice must fail");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn source_add_discovers_feed_and_sitemap() {
    let site = site::start(0, None).await;
    let data = tempfile::tempdir().expect("tmp");
    let home = site.url("/");
    let allow = site.addr.to_string();
    let out = tokio::task::spawn_blocking({
        let d = data.path().to_path_buf();
        move || khronika(&d, &["--allow-host", &allow, "source", "add", &home])
    })
    .await
    .expect("join");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("feed    {}", site.url("/rss.xml"))),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("sitemap {}", site.url("/news-sitemap.xml"))),
        "{stdout}"
    );
    // Without --allow-host the same address is refused.
    let strict = Command::new(BIN)
        .arg("--data-dir")
        .arg(data.path().join("strict"))
        .args(["source", "add", &site.url("/"), "--name", "x"])
        .output()
        .expect("run");
    assert!(!strict.status.success());
    assert!(
        String::from_utf8_lossy(&strict.stderr).contains("private"),
        "{}",
        String::from_utf8_lossy(&strict.stderr)
    );
}

/// Exit codes as documented: an import with a record it could not take exits 1 (the good
/// records are stored), a clean one exits 0.
#[test]
fn import_exit_code_follows_the_documented_rule() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("in.jsonl");
    let good =
        r#"{"url":"https://example.kz/1","title":"Заголовок","text":"Текст новости о событии."}"#;
    std::fs::write(&file, format!("{good}\nnot json\n")).unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("data");
    let out = khronika(
        &data,
        &["import", "--no-analysis", &file.display().to_string()],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(&file, format!("{good}\n")).unwrap_or_else(|e| panic!("{e}"));
    let out = khronika(
        &data,
        &["import", "--no-analysis", &file.display().to_string()],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
