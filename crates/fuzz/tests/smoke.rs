//! A short campaign per target with a fixed seed, so CI keeps the harness compiling,
//! the targets reachable and the seed corpora parseable. The long campaigns are
//! `run-campaign.sh` (see CAMPAIGN.md).

use std::path::Path;

use khronika_fuzz::{default_corpus_dir, load_corpus, Config, Report, Target};

fn smoke(target: Target, cases: u64) -> Report {
    let mut dirs = vec![default_corpus_dir(target)];
    if target == Target::Html {
        // Real news pages, as the campaign script also adds them.
        dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../extract/tests/fixtures"));
    }
    let corpus = load_corpus(&dirs).unwrap_or_else(|e| panic!("{}: {e:#}", target.name()));
    let config = Config::cases(0x5eed, cases);
    let report = khronika_fuzz::run(target, &config, &corpus)
        .unwrap_or_else(|e| panic!("{}: {e:#}", target.name()));
    assert!(
        report.findings.is_empty(),
        "{}: {:#?}",
        target.name(),
        report.findings
    );
    assert_eq!(report.cases, cases);
    assert_eq!(report.accepted + report.refused, cases);
    report
}

/// Mutated inputs must still reach past the first parse often enough to test the code
/// behind it; a corpus or mutator that only produced rejects would pass vacuously.
fn assert_reaches(report: &Report, at_least_percent: u64) {
    assert!(
        report.accepted * 100 >= report.cases * at_least_percent,
        "{}: only {}/{} inputs accepted",
        report.target,
        report.accepted,
        report.cases
    );
}

#[test]
fn html() {
    assert_reaches(&smoke(Target::Html, 200), 50);
}

#[test]
fn feed() {
    assert_reaches(&smoke(Target::Feed, 400), 5);
}

#[test]
fn sitemap() {
    assert_reaches(&smoke(Target::Sitemap, 400), 5);
}

#[test]
fn warc() {
    assert_reaches(&smoke(Target::Warc, 400), 5);
}

#[test]
fn import() {
    assert_reaches(&smoke(Target::Import, 60), 5);
}

#[test]
fn dates() {
    assert_reaches(&smoke(Target::Dates, 300), 20);
}

#[test]
fn query() {
    assert_reaches(&smoke(Target::Query, 300), 5);
}
