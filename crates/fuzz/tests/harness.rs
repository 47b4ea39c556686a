//! The harness finds what it must: panics on the case's thread and on others, each with
//! its input saved. In its own test binary, as the panics it provokes would count as
//! findings for any campaign running beside it in the same process.

use khronika_fuzz::{Config, Outcome, Runner};

/// A runner that panics on one byte pattern, from a worker thread as well as its own.
struct Fragile;

impl Runner for Fragile {
    fn run(&mut self, input: &[u8]) -> Outcome {
        if input.windows(2).any(|w| w == b"<<") {
            panic!("boom");
        }
        if input.windows(2).any(|w| w == b">>") {
            // A panic off the case's thread (a tokio task, a rayon worker) is a crash too.
            let _ = std::thread::spawn(|| panic!("worker boom")).join();
        }
        Outcome::Accepted
    }
}

#[test]
fn panics_on_any_thread_are_findings_with_their_input_saved() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let config = Config {
        artifacts: Some(dir.path().to_path_buf()),
        ..Config::cases(3, 300)
    };
    let dict = khronika_fuzz::Dictionary {
        tokens: &[b"<", b">"],
        nesting: &[],
    };
    let report = khronika_fuzz::run_with(
        "fragile",
        &config,
        &[b"a < b > c".to_vec()],
        &dict,
        |_, v| v,
        || Ok(Box::new(Fragile)),
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    assert!(
        !report.findings.is_empty(),
        "no finding in {} cases",
        report.cases
    );
    let mut saw_worker = false;
    for f in &report.findings {
        assert_eq!(f.kind, "crash");
        saw_worker |= f.message.contains("worker boom");
        let path = f
            .path
            .as_ref()
            .unwrap_or_else(|| panic!("no artifact: {f:?}"));
        assert!(path.starts_with(dir.path().join("fragile")));
        let saved = std::fs::read(path).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            saved.windows(2).any(|w| w == b"<<" || w == b">>"),
            "{saved:?}"
        );
    }
    assert!(saw_worker, "a worker thread's panic was missed");
}

/// Keeps every input it is given.
struct Recorder(std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>);

impl Runner for Recorder {
    fn run(&mut self, input: &[u8]) -> Outcome {
        if let Ok(mut seen) = self.0.lock() {
            seen.push(input.to_vec());
        }
        Outcome::Refused
    }
}

/// The supervisor recovers an aborted case's input from the seed and the case number, so
/// `nth_input` must give exactly what the campaign ran.
#[test]
fn a_case_input_is_regenerated_from_seed_and_number() {
    let target = khronika_fuzz::Target::Warc;
    let corpus = khronika_fuzz::load_corpus(&[khronika_fuzz::default_corpus_dir(target)])
        .unwrap_or_else(|e| panic!("{e:#}"));
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let config = Config::cases(11, 40);
    let keep = seen.clone();
    khronika_fuzz::run_with(
        "warc",
        &config,
        &corpus,
        &target.dictionary(),
        |rng, v| target.finish(rng, v),
        || Ok(Box::new(Recorder(keep.clone()))),
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    let seen = seen.lock().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(seen.len(), 40);
    for n in [0u64, 1, 17, 39] {
        let again = khronika_fuzz::nth_input(target, 11, &corpus, n);
        assert_eq!(again, seen[n as usize], "case {n}");
    }
}
