//! Nominatives of Central Asian person names in all six cases, in sentences of real
//! Central Asian news (see `fixtures/README.md`, `central_asian_names.tsv`): the acceptance
//! bar is 95 % right. Prints the rate, the rate per sentence and the misses.

mod common;

use common::{assert_rate, fold, person_normals};
use khronika_understand::Analyzer;

#[test]
fn central_asian_names_in_six_cases() {
    let analyzer = Analyzer::load().expect("model");
    let checked = person_normals(&analyzer, include_str!("fixtures/central_asian_names.tsv"));
    let total = checked.len();
    let mut wrong = Vec::new();
    let mut by_sentence = std::collections::BTreeMap::<&str, (usize, usize)>::new();
    for c in &checked {
        let ok = fold(&c.got) == fold(&c.expected);
        let sentence = c.label.split(';').next().unwrap_or(&c.label);
        let slot = by_sentence.entry(sentence).or_default();
        slot.0 += 1;
        if ok {
            slot.1 += 1;
        } else {
            wrong.push(c.miss());
        }
    }
    for (sentence, (n, ok)) in &by_sentence {
        eprintln!("  {ok}/{n}  {sentence}");
    }
    assert_rate("Central Asian names", total, &wrong, 300, 0.95);
}
