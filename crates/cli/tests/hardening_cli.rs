//! Hostile and mistaken inputs through the real binary: private addresses in stored
//! sources, bad import and analyze records, files that are not pages, read-only commands on
//! a missing or read-only data directory, unknown search sources. No network: the only
//! addresses named are refused before anything is sent.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_khronika");

fn khronika(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("KHRONIKA_LOG", "error")
        .output()
        .expect("run khronika")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const GOOD: &str =
    r#"{"url":"https://example.kz/1","title":"Заголовок","text":"Текст новости о событии."}"#;

#[test]
fn sources_with_private_urls_are_refused_unless_that_host_is_allowed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    // --no-discover and --feed store without fetching: the policy is checked all the same.
    for args in [
        vec!["source", "add", "http://127.0.0.1:8080/", "--no-discover"],
        vec!["source", "add", "http://localhost:8080/", "--no-discover"],
        vec![
            "source",
            "add",
            "https://news.example/",
            "--feed",
            "http://169.254.169.254/latest/meta-data/",
        ],
        // Allowing the test host does not allow another private address.
        vec![
            "--allow-host",
            "127.0.0.1:8080",
            "source",
            "add",
            "http://127.0.0.1:8080/",
            "--feed",
            "http://10.0.0.1/rss",
        ],
    ] {
        let out = khronika(&data, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("refused"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let out = khronika(&data, &["source", "list"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).trim().is_empty(),
        "a refused source was stored"
    );
    let out = khronika(
        &data,
        &[
            "--allow-host",
            "127.0.0.1:8080",
            "source",
            "add",
            "http://127.0.0.1:8080/",
            "--no-discover",
            "--name",
            "test",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // A source list file goes through the same check, source by source.
    let list = tmp.path().join("sources.toml");
    std::fs::write(
        &list,
        "[[source]]\nname = \"inside\"\nurl = \"http://192.168.1.1/\"\n\n[[source]]\nname = \"outside\"\nurl = \"https://outside.example/\"\n",
    )
    .expect("write");
    // --no-discover: the URL-only entry is not probed for feeds (no network in tests).
    let out = khronika(
        &data,
        &[
            "source",
            "import",
            "--no-discover",
            list.to_str().expect("path"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let listed = String::from_utf8_lossy(&khronika(&data, &["source", "list"]).stdout).into_owned();
    assert!(
        listed.contains("outside") && !listed.contains("inside"),
        "{listed}"
    );
}

#[test]
fn import_skips_bad_lines_of_every_kind_and_says_which() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let file = tmp.path().join("in.jsonl");
    let mut bytes = format!("{GOOD}\n").into_bytes();
    bytes.extend_from_slice(
        b"{\"url\":\"https://example.kz/2\",\"title\":\"\xCF\xF0\xE8\",\"text\":\"x\"}\n",
    );
    bytes.extend_from_slice(b"not json\n");
    bytes.extend_from_slice(
        GOOD.replace("/1", "/4")
            .replace("о событии", "о другом событии")
            .as_bytes(),
    );
    bytes.push(b'\n');
    std::fs::write(&file, bytes).expect("write");
    let out = khronika(
        &data,
        &["import", "--no-analysis", file.to_str().expect("path")],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("line 2") && err.contains("UTF-8"), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert!(
        err.contains("2 new"),
        "the lines after the bad ones are stored: {err}"
    );

    let out = khronika(&data, &["import", tmp.path().to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is a directory"), "{}", stderr(&out));
}

#[test]
fn analyze_answers_a_bad_line_with_an_error_record_and_goes_on() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("texts.jsonl");
    let mut bytes =
        b"{\"id\":\"a\",\"text\":\"\xD0\x90\xD1\x81\xD1\x82\xD0\xB0\xD0\xBD\xD0\xB0\"}\n{broken\n"
            .to_vec();
    bytes.extend_from_slice(b"{\"id\":\"c\",\"text\":\"\xD0\x90\"}\n");
    std::fs::write(&file, bytes).expect("write");
    let out = khronika(tmp.path(), &["analyze", file.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("line 2"), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0]["id"], "a");
    assert!(lines[1]["error"].is_string(), "{lines:?}");
    assert_eq!(lines[2]["id"], "c");
    assert!(lines[2]["sentences"].is_array(), "{lines:?}");
}

#[test]
fn ingest_of_files_that_are_not_pages_exits_1() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let bomb = tmp.path().join("bomb.html.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..80 {
        gz.write_all(&zeros).expect("gzip");
    }
    std::fs::write(&bomb, gz.finish().expect("gzip")).expect("write");
    let missing = tmp.path().join("missing.html");
    let dir = tmp.path().join("a-directory");
    std::fs::create_dir(&dir).expect("mkdir");
    for path in [&missing, &dir, &bomb] {
        let out = khronika(
            &data,
            &[
                "ingest",
                "--no-analysis",
                "--file",
                path.to_str().expect("path"),
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}: {}",
            path.display(),
            stderr(&out)
        );
        assert!(stderr(&out).contains("1 errors"), "{}", stderr(&out));
    }
}

#[test]
fn read_only_commands_neither_create_nor_write_the_data_dir() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("never-made");
    for args in [
        &["export"][..],
        &["export", "--format", "csv"],
        &["search", "саммит"],
        &["stories"],
        &["source", "list"],
    ] {
        let out = khronika(&data, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("no archive"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(!data.exists(), "{args:?} created the data directory");
    }
    // A store that exists is read; a search naming a source that does not exist is an error,
    // not "0 found".
    let file = tmp.path().join("in.jsonl");
    std::fs::write(&file, format!("{GOOD}\n")).expect("write");
    let out = khronika(
        &data,
        &["import", "--no-analysis", file.to_str().expect("path")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = khronika(&data, &["search", "--source", "abc", "новости"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no such source"), "{}", stderr(&out));
    let out = khronika(&data, &["search", "--source", "local", "новости"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // The same directory made read-only (chmod for a normal user; root ignores modes, so the
    // immutable attribute there) still exports.
    if !make_read_only(&data, true) {
        eprintln!(
            "SKIPPED the read-only directory half: cannot make {} read-only",
            data.display()
        );
        return;
    }
    let out = khronika(&data, &["export"]);
    make_read_only(&data, false);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("example.kz/1"));
}

/// Make a directory (and its files) unwritable, or writable again; whether it worked.
fn make_read_only(dir: &Path, on: bool) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join(".probe");
    if !on {
        let _ = Command::new("chattr").arg("-i").arg(dir).status();
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
        return true;
    }
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555));
    if std::fs::write(&probe, b"x").is_err() {
        return true;
    }
    let _ = std::fs::remove_file(&probe);
    // Running as root: modes do not bind, the immutable attribute does.
    Command::new("chattr")
        .arg("+i")
        .arg(dir)
        .status()
        .is_ok_and(|s| s.success())
        && std::fs::write(&probe, b"x").is_err()
}
