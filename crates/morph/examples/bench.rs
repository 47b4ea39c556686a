//! Speed of the morphology: dictionary load time, word analyses per second over every word
//! of the given JSONL texts (`{"text", "entities"?}`), and entity normalisations per second
//! over their gold entities. Single thread. `tools/bench_pymorphy.py` measures pymorphy3 on
//! the same words for comparison.
//!
//! `cargo run --release -p khronika-morph --example bench -- shared/data/ner/factru-dev.jsonl`

use std::time::Instant;

use khronika_model::EntityKind;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: bench FILE.jsonl")?;
    let mut texts = Vec::new();
    let mut entities = Vec::new();
    for line in std::fs::read_to_string(&path)?.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let text = v["text"].as_str().unwrap_or("").to_string();
        for e in v["entities"].as_array().into_iter().flatten() {
            let kind = match e["type"].as_str() {
                Some("PER") => EntityKind::Person,
                Some("ORG") => EntityKind::Organisation,
                _ => EntityKind::Location,
            };
            let (s, t) = (
                e["start"].as_u64().unwrap_or(0) as usize,
                e["end"].as_u64().unwrap_or(0) as usize,
            );
            let b = |cp: usize| text.char_indices().nth(cp).map_or(text.len(), |(i, _)| i);
            entities.push((texts.len(), b(s)..b(t), kind));
        }
        texts.push(text);
    }

    let mut load = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let m = khronika_morph::Morph::new()?;
        load = load.min(t.elapsed().as_secs_f64());
        drop(m);
    }
    let morph = khronika_morph::Morph::new()?;
    let words: Vec<&str> = texts
        .iter()
        .flat_map(|t| khronika_morph::tokenize(t))
        .map(|t| t.text)
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();

    let mut best = f64::MAX;
    let mut n_parses = 0;
    for _ in 0..3 {
        let t = Instant::now();
        n_parses = 0;
        for w in &words {
            n_parses += morph.parse(w).len();
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    let mut best_norm = f64::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        for (doc, range, kind) in &entities {
            let text = texts.get(*doc).map_or("", String::as_str);
            std::hint::black_box(morph.normalize_in_text(text, range.clone(), *kind));
        }
        best_norm = best_norm.min(t.elapsed().as_secs_f64());
    }
    println!("dictionary load: {:.1} ms", load * 1000.0);
    println!(
        "parse: {} words ({} analyses) in {:.3} s = {:.0} words/s",
        words.len(),
        n_parses,
        best,
        words.len() as f64 / best
    );
    println!(
        "normalize: {} entity mentions in {:.3} s = {:.0} mentions/s",
        entities.len(),
        best_norm,
        entities.len() as f64 / best_norm
    );
    Ok(())
}
