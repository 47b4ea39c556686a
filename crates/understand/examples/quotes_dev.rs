//! Quote attribution on the dev paragraphs and on the reference article, with the NER of
//! this crate supplying the entities.
//!
//! ```text
//! cargo run --release -p khronika-understand --example quotes_dev
//! ```
//! Environment: `QUOTES_DEV` (default `/work/shared/data/quotes/quotes-dev.jsonl`),
//! `QUOTES_SCORER` (default `/work/shared/tools/score_quotes.py`), `SEED_EXPECTED` (default
//! `/work/shared/seed/expected.json`), `QUOTES_OUT` (predictions, default
//! `/tmp/khronika-quotes-pred.jsonl`).

use std::io::Write;
use std::process::Command;
use std::time::Instant;

use khronika_understand::quotes::find_quotes;
use khronika_understand::Analyzer;
use serde_json::{json, Value};

fn env_or(key: &str, default: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| default.to_owned())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dev = env_or("QUOTES_DEV", "/work/shared/data/quotes/quotes-dev.jsonl");
    let scorer = env_or("QUOTES_SCORER", "/work/shared/tools/score_quotes.py");
    let seed = env_or("SEED_EXPECTED", "/work/shared/seed/expected.json");
    let out_path = env_or("QUOTES_OUT", "/tmp/khronika-quotes-pred.jsonl");
    let analyzer = Analyzer::load()?;

    let rows: Vec<Value> = std::fs::read_to_string(&dev)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    let mut out = std::fs::File::create(&out_path)?;
    let (mut ner_s, mut q_s, mut d_s) = (0.0f64, 0.0f64, 0.0f64);
    let reference = chrono::DateTime::parse_from_rfc3339("2024-06-17T12:00:00+05:00")?;
    for r in &rows {
        let text = r["text"].as_str().unwrap_or("");
        let t0 = Instant::now();
        let a = analyzer.analyze(text);
        ner_s += t0.elapsed().as_secs_f64();
        let t1 = Instant::now();
        let quotes = find_quotes(text, &a.entities, analyzer.morph());
        q_s += t1.elapsed().as_secs_f64();
        let t2 = Instant::now();
        std::hint::black_box(khronika_dates::find_dates(text, reference, None));
        d_s += t2.elapsed().as_secs_f64();
        writeln!(out, "{}", json!({"id": r["id"], "quotes": quotes}))?;
    }
    let per = |x: f64| 1000.0 * x / rows.len().max(1) as f64;
    println!(
        "quotes-dev: {} paragraphs, analyze (tokens+NER+normal forms) {:.2} ms/par, quotes {:.3} ms/par, dates {:.3} ms/par: quotes+dates = {:.1} % of analyze; {:.0} full analyses/s",
        rows.len(),
        per(ner_s),
        per(q_s),
        per(d_s),
        100.0 * (q_s + d_s) / ner_s.max(1e-12),
        rows.len() as f64 / (ner_s + q_s + d_s).max(1e-12)
    );
    let status = Command::new("python3")
        .args([&scorer, &dev, &out_path])
        .status()?;
    if !status.success() {
        println!("scorer failed: {status}");
    }

    // The reference article: body paragraphs joined by newlines.
    let exp: Value = serde_json::from_str(&std::fs::read_to_string(&seed)?)?;
    let body: Vec<&str> = exp["body_paragraphs"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let text = body.join("\n");
    let a = analyzer.analyze(&text);
    let quotes = find_quotes(&text, &a.entities, analyzer.morph());
    let gold = exp["quotes"].as_array().cloned().unwrap_or_default();
    let mut found = 0;
    let mut right = 0;
    for g in &gold {
        let gt = g["text"].as_str().unwrap_or("");
        let hit = quotes.iter().find(|q| q.text.trim() == gt.trim());
        match hit {
            Some(q) => {
                found += 1;
                let ok = q.speaker.as_deref().map(str::to_lowercase)
                    == g["speaker"].as_str().map(str::to_lowercase);
                right += usize::from(ok);
                if !ok {
                    println!(
                        "  seed speaker {:?} != {:?}: {:.50}",
                        q.speaker, g["speaker"], gt
                    );
                }
            }
            None => println!("  seed missed: {gt:.60}"),
        }
    }
    let extra = quotes
        .iter()
        .filter(|q| {
            !gold
                .iter()
                .any(|g| g["text"].as_str().map(str::trim) == Some(q.text.trim()))
        })
        .inspect(|q| println!("  seed extra: {:?} ({:?})", q.text, q.speaker))
        .count();
    println!(
        "seed: {found}/{} quotes found, {right} with the right speaker, {extra} extra",
        gold.len()
    );
    Ok(())
}
