//! Shared by the normal-form tests: fixtures of `first column \t left context \t mention \t
//! right context \t expected nominative` lines.

use khronika_model::{EntityKind, Mention};
use khronika_understand::Analyzer;

/// One fixture line with our normal form of its mention.
pub struct Checked {
    pub label: String,
    pub surface: String,
    pub expected: String,
    pub got: String,
}

/// Our normal form of every person mention of `fixture`, normalised in its context.
pub fn person_normals(analyzer: &Analyzer, fixture: &str) -> Vec<Checked> {
    let mut out = Vec::new();
    for line in fixture
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let [label, left, surface, right, expected] = cols.as_slice() else {
            panic!("bad fixture line {line:?}");
        };
        let text = format!("{left}{surface}{right}");
        let start = left.chars().count();
        let mut mentions = vec![Mention {
            start,
            end: start + surface.chars().count(),
            kind: EntityKind::Person,
            text: surface.to_string(),
            normal: surface.to_string(),
        }];
        analyzer.normalize_mentions(&text, &mut mentions);
        out.push(Checked {
            label: label.to_string(),
            surface: surface.to_string(),
            expected: expected.to_string(),
            got: mentions.swap_remove(0).normal,
        });
    }
    out
}

/// `ё` read as `е`.
pub fn fold(s: &str) -> String {
    s.replace('ё', "е").replace('Ё', "Е")
}

impl Checked {
    /// The miss as a line of the failure message.
    pub fn miss(&self) -> String {
        format!(
            "{} → {} (expected {}) [{}]",
            self.surface, self.got, self.expected, self.label
        )
    }
}

/// Fails unless at least `min` of `total` are right; prints the rate and the misses.
pub fn assert_rate(what: &str, total: usize, wrong: &[String], min_total: usize, min: f64) {
    assert!(total >= min_total, "{what}: only {total} fixture lines");
    let correct = total - wrong.len();
    let rate = correct as f64 / total as f64;
    eprintln!("{what}: {correct}/{total} = {rate:.3} right; wrong: {wrong:#?}");
    assert!(
        rate >= min,
        "{what}: {correct}/{total} = {rate:.3} right, below {min}"
    );
}
