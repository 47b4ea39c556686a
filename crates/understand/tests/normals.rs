//! PER normal forms on a hand-checked sample of factRuEval dev mentions (see
//! `fixtures/README.md`): the acceptance bar is 95 % correct.

mod common;

use common::{assert_rate, fold, person_normals};
use khronika_understand::Analyzer;

#[test]
fn per_normal_forms_on_hand_checked_sample() {
    let analyzer = Analyzer::load().expect("model");
    let checked = person_normals(&analyzer, include_str!("fixtures/per_normals.tsv"));
    let total = checked.len();
    let mut wrong = Vec::new();
    for c in &checked {
        // a mention written without ё may be normalised with or without it ("Петра" → "Петр")
        let ok = if c.surface.contains(['ё', 'Ё']) {
            c.got == c.expected
        } else {
            fold(&c.got) == fold(&c.expected)
        };
        if !ok {
            wrong.push(c.miss());
        }
    }
    assert_rate("PER normal forms", total, &wrong, 200, 0.95);
}
