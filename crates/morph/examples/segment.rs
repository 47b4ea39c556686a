//! Segments JSONL `{"id","text"}` from stdin; prints `{"id","tokens","sentences"}` (code
//! point spans) to stdout and the time taken (segmentation only, `REPEAT` runs) to stderr.
//! Used by `tools/compare_razdel.py` to measure agreement and speed against razdel.

use std::io::{BufRead, Write};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let repeat: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let mut docs = Vec::new();
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line)?;
        let id = v.get("id").cloned().unwrap_or(serde_json::Value::Null);
        let text = v
            .get("text")
            .and_then(|t| t.as_str())
            .unwrap_or("")
            .to_string();
        docs.push((id, text));
    }
    let t0 = Instant::now();
    let mut n_tokens = 0usize;
    for _ in 0..repeat {
        for (_, text) in &docs {
            n_tokens += khronika_morph::tokenize(text).len();
            n_tokens += khronika_morph::sentences(text).len();
        }
    }
    let dt = t0.elapsed().as_secs_f64() / repeat as f64;
    let chars: usize = docs.iter().map(|(_, t)| t.chars().count()).sum();
    eprintln!(
        "khronika-morph: {} docs, {} chars, {:.4} s per run ({:.0} chars/s) [{} items]",
        docs.len(),
        chars,
        dt,
        chars as f64 / dt,
        n_tokens
    );
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (id, text) in &docs {
        let toks: Vec<[usize; 2]> = khronika_morph::tokenize(text)
            .iter()
            .map(|t| [t.start, t.end])
            .collect();
        let sents: Vec<[usize; 2]> = khronika_morph::sentences(text)
            .iter()
            .map(|s| [s.start, s.end])
            .collect();
        let obj = serde_json::json!({"id": id, "tokens": toks, "sentences": sents});
        writeln!(out, "{obj}")?;
    }
    Ok(())
}
