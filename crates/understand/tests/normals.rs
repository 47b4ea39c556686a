//! PER normal forms on a hand-checked sample of factRuEval dev mentions (see
//! `fixtures/README.md`): the acceptance bar is 95 % correct.

use khronika_model::{EntityKind, Mention};
use khronika_understand::Analyzer;

fn fold(s: &str) -> String {
    s.replace('ё', "е").replace('Ё', "Е")
}

#[test]
fn per_normal_forms_on_hand_checked_sample() {
    let analyzer = Analyzer::load().expect("model");
    let fixture = include_str!("fixtures/per_normals.tsv");
    let mut total = 0;
    let mut wrong = Vec::new();
    for line in fixture
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let [_doc, left, surface, right, expected] = cols.as_slice() else {
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
        let got = &mentions[0].normal;
        // a mention written without ё may be normalised with or without it ("Петра" → "Петр")
        let ok = if surface.contains(['ё', 'Ё']) {
            got == expected
        } else {
            fold(got) == fold(expected)
        };
        total += 1;
        if !ok {
            wrong.push(format!("{surface} → {got} (expected {expected})"));
        }
    }
    assert!(total >= 200, "{total} sample lines");
    let correct = total - wrong.len();
    let rate = correct as f64 / total as f64;
    eprintln!("PER normal forms: {correct}/{total} = {rate:.3}; wrong: {wrong:#?}");
    assert!(
        rate >= 0.95,
        "{correct}/{total} = {rate:.3} correct; wrong: {wrong:#?}"
    );
}
