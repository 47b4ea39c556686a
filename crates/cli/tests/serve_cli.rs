//! `khronika serve` as a process: one server per data directory, metrics only on the admin
//! address (issue #17).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `GET path` on 127.0.0.1; the status code.
fn status_of(addr: &str, path: &str) -> u16 {
    let mut s = std::net::TcpStream::connect(addr).unwrap_or_else(|e| panic!("{addr}: {e}"));
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap_or_else(|e| panic!("{e}"));
    out.get(9..12)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status: {out}"))
}

#[test]
fn a_second_serve_on_one_data_directory_refuses_and_metrics_stay_off_the_public_address() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let admin = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap_or_else(|e| panic!("{e}"))
        .to_string();
    let mut first = Command::new(env!("CARGO_BIN_EXE_khronika"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--addr", "127.0.0.1:0", "--admin-addr", &admin])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting serve: {e}"));
    let stderr = first.stderr.take().unwrap_or_else(|| panic!("no stderr"));
    let first = Killed(first);
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
    assert_eq!(status_of(&addr, "/healthz"), 200);
    assert_eq!(status_of(&addr, "/metrics"), 404);
    assert_eq!(status_of(&admin, "/metrics"), 200);

    let second = Command::new(env!("CARGO_BIN_EXE_khronika"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .output()
        .unwrap_or_else(|e| panic!("starting the second serve: {e}"));
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(!second.status.success(), "second serve ran: {err}");
    assert!(
        err.contains("another khronika server") && err.contains("serve.lock"),
        "{err}"
    );
    drop(first);
}
