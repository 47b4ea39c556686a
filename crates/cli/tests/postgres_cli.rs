//! khronika on a shared PostgreSQL archive, as processes: `migrate`, two portal servers
//! with their own index replicas, and an import by a third process that both servers find
//! within a few seconds. Runs on the server named by `KHRONIKA_TEST_DATABASE_URL`
//! (`.ci/run` starts one); skipped with a message without it, failing under `CI=true`.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use khronika_store::postgres::testing::{fresh_database, server_url};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_khronika"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running khronika {args:?}: {e}"))
}

/// A new empty database on the test server (made directly, not by the binary under test);
/// its URL.
fn fresh_db(server: &str, name: &str) -> String {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
        .block_on(fresh_database(server, name))
        .unwrap_or_else(|e| panic!("creating the test database: {e}"))
}

/// `GET path` on 127.0.0.1: status and body.
fn get(addr: &str, path: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(addr).unwrap_or_else(|e| panic!("{addr}: {e}"));
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap_or_else(|e| panic!("{e}"));
    let status = out.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

/// Start `serve` on a free port with its own data directory; its address.
fn portal(db: &str, dir: &std::path::Path) -> (Killed, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_khronika"))
        .arg("--database")
        .arg(db)
        .arg("--data-dir")
        .arg(dir)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting serve: {e}"));
    let stderr = child.stderr.take().unwrap_or_else(|| panic!("no stderr"));
    let child = Killed(child);
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
    // Keep draining its log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

#[test]
fn two_portals_on_one_database_find_an_article_imported_by_a_third_process() {
    let Some(server) = server_url() else { return };
    let db = fresh_db(&server, &format!("khronika_cli_{}", std::process::id()));
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));

    // Before `migrate`, a server refuses the database.
    let refused = run(&[
        "--database",
        &db,
        "--data-dir",
        tmp.path().join("early").to_str().unwrap_or_default(),
        "serve",
        "--addr",
        "127.0.0.1:0",
    ]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "served an unmigrated database");
    assert!(err.contains("khronika migrate"), "{err}");
    let migrated = run(&["--database", &db, "migrate"]);
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );

    let (_a, addr_a) = portal(&db, &tmp.path().join("portal-a"));
    let (_b, addr_b) = portal(&db, &tmp.path().join("portal-b"));
    // A word no other test article has, so a hit can only be the imported one.
    let word = "квазиэлектрокардиограф";
    let file = tmp.path().join("one.jsonl");
    std::fs::write(
        &file,
        format!(
            "{{\"url\":\"https://shared.example/1\",\"title\":\"Новость про {word}\",\"text\":\"В Алматы показали {word} нового поколения.\"}}\n"
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for addr in [&addr_a, &addr_b] {
        let (_, body) = get(addr, &format!("/api/v1/search?q={word}"));
        assert!(
            !body.contains("shared.example"),
            "found before the import: {body}"
        );
    }
    let imported = run(&[
        "--database",
        &db,
        "import",
        "--no-analysis",
        file.to_str().unwrap_or_default(),
    ]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let started = Instant::now();
    for addr in [&addr_a, &addr_b] {
        loop {
            let (status, body) = get(addr, &format!("/api/v1/search?q={word}"));
            if status == 200 && body.contains("shared.example/1") {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{addr} did not find the import within 10 s: {status} {body}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    eprintln!(
        "both portals found the import after {:?}",
        started.elapsed()
    );
    let (status, health) = get(&addr_a, "/healthz");
    assert_eq!(status, 200, "{health}");
    assert!(health.contains("\"index_lag_changes\":0"), "{health}");
}
