//! Person-name normal forms on factRuEval dev: runs the full `analyze` over every document,
//! writes the predictions (`khronika analyze --format jsonl` shape) and scores them with
//! `score_normals.py` (normal forms) and `score_ner.py` (exact spans) on the whole dev set
//! and on two halves split by document: A (developed on) and B (held back), so that a rule
//! fitted to A's examples shows as a gap between A and B.
//!
//! ```text
//! cargo run --release -p khronika-understand --example normals_dev
//! ```
//! Environment: `NER_DEV` (default `/work/shared/data/ner/factru-dev.jsonl`), `PER_GOLD`
//! (default `/work/shared/data/ner/factru-dev-per-gold.jsonl`), `SCORE_NORMALS`, `SCORE_NER`
//! (defaults in `/work/shared/tools/`), `NORMALS_OUT` (directory for predictions and the
//! split gold files, default `/tmp/khronika-normals`), `NORMALS_SHOW` (misses to print per
//! half, default 0).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use khronika_understand::Analyzer;
use serde_json::{json, Value};

fn env_or(key: &str, default: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| default.to_owned())
}

/// The half of a document: FNV-1a of its id, parity of the result (stable across runs and
/// machines, unlike `std`'s randomly seeded hasher).
fn half(id: &str) -> char {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    if h & 1 == 0 {
        'A'
    } else {
        'B'
    }
}

fn write_lines(path: &Path, lines: &[&str]) -> std::io::Result<()> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    for l in lines {
        writeln!(f, "{l}")?;
    }
    f.flush()
}

/// The scorer's last line (a JSON object), or null when it failed.
fn score(scorer: &str, gold: &Path, pred: &Path, show: &str) -> Value {
    let out = Command::new("python3")
        .arg(scorer)
        .arg(gold)
        .arg(pred)
        .args(if show == "0" {
            vec![]
        } else {
            vec!["--show", show]
        })
        .output();
    let Ok(out) = out else { return Value::Null };
    let stdout = String::from_utf8_lossy(&out.stdout);
    if show != "0" {
        print!("{stdout}");
    }
    stdout
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or(Value::Null)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dev = env_or("NER_DEV", "/work/shared/data/ner/factru-dev.jsonl");
    let gold = env_or(
        "PER_GOLD",
        "/work/shared/data/ner/factru-dev-per-gold.jsonl",
    );
    let score_normals = env_or("SCORE_NORMALS", "/work/shared/tools/score_normals.py");
    let score_ner = env_or("SCORE_NER", "/work/shared/tools/score_ner.py");
    let out_dir = PathBuf::from(env_or("NORMALS_OUT", "/tmp/khronika-normals"));
    let show = env_or("NORMALS_SHOW", "0");
    std::fs::create_dir_all(&out_dir)?;
    let analyzer = Analyzer::load()?;

    let dev_text = std::fs::read_to_string(&dev)?;
    let dev_lines: Vec<&str> = dev_text.lines().filter(|l| !l.trim().is_empty()).collect();
    let gold_text = std::fs::read_to_string(&gold)?;
    let gold_lines: Vec<&str> = gold_text.lines().filter(|l| !l.trim().is_empty()).collect();

    let mut pred = Vec::with_capacity(dev_lines.len());
    let mut dev_by_half: [Vec<&str>; 2] = [Vec::new(), Vec::new()];
    for line in &dev_lines {
        let doc: Value = serde_json::from_str(line)?;
        let id = doc["id"].as_str().unwrap_or_default();
        let text = doc["text"].as_str().unwrap_or_default();
        let a = analyzer.analyze(text);
        let ents: Vec<Value> = a
            .entities
            .iter()
            .map(|m| json!({"start": m.start, "end": m.end, "type": m.kind.code(), "text": m.text, "normal": m.normal}))
            .collect();
        pred.push(json!({"id": id, "entities": ents}).to_string());
        dev_by_half[usize::from(half(id) == 'B')].push(line);
    }
    // The cost of normal forms alone (the NER's spans normalised again, best of 3), so
    // that a change to normalisation shows its price apart from the NER's.
    let texts: Vec<String> = dev_lines
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|d| d["text"].as_str().unwrap_or_default().to_owned())
        .collect();
    let spans: Vec<_> = texts
        .iter()
        .map(|t| analyzer.entities_from_tokens(t, &khronika_morph::tokenize(t)))
        .collect();
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t0 = std::time::Instant::now();
        for (t, ms) in texts.iter().zip(&spans) {
            let mut ms = ms.clone();
            analyzer.normalize_mentions(t, &mut ms);
            std::hint::black_box(&ms);
        }
        best = best.min(t0.elapsed().as_secs_f64());
    }
    let n_mentions: usize = spans.iter().map(Vec::len).sum();
    println!(
        "normal forms: {n_mentions} mentions in {:.1} ms ({:.1} µs per mention, best of 3)",
        best * 1000.0,
        best * 1e6 / n_mentions.max(1) as f64
    );
    let pred_path = out_dir.join("pred.jsonl");
    let pred_refs: Vec<&str> = pred.iter().map(String::as_str).collect();
    write_lines(&pred_path, &pred_refs)?;

    let mut gold_by_half: [Vec<&str>; 2] = [Vec::new(), Vec::new()];
    for line in &gold_lines {
        let g: Value = serde_json::from_str(line)?;
        let id = g["id"].as_str().unwrap_or_default();
        gold_by_half[usize::from(half(id) == 'B')].push(line);
    }
    let mut rows = Vec::new();
    for (name, dev_part, gold_part) in [
        ("A", Some(&dev_by_half[0]), Some(&gold_by_half[0])),
        ("B", Some(&dev_by_half[1]), Some(&gold_by_half[1])),
        ("all", None, None),
    ] {
        let (dev_path, gold_path) = match (dev_part, gold_part) {
            (Some(d), Some(g)) => {
                let dp = out_dir.join(format!("dev-{name}.jsonl"));
                let gp = out_dir.join(format!("per-gold-{name}.jsonl"));
                write_lines(&dp, d)?;
                write_lines(&gp, g)?;
                (dp, gp)
            }
            _ => (PathBuf::from(&dev), PathBuf::from(&gold)),
        };
        if show != "0" && name != "B" {
            println!("--- misses, {name}");
        }
        let n = score(
            &score_normals,
            &gold_path,
            &pred_path,
            if name == "B" { "0" } else { &show },
        );
        let f = score(&score_ner, &dev_path, &pred_path, "0");
        rows.push((name, n, f));
    }
    println!(
        "{:<4} {:>8} {:>9} {:>9} {:>10} {:>9}   NER F1: {:>6} {:>6} {:>6} {:>6}",
        "half",
        "mentions",
        "accuracy",
        "inflected",
        "infl. acc",
        "own name",
        "PER",
        "ORG",
        "LOC",
        "micro"
    );
    let num = |v: &Value, k: &str| v.get(k).and_then(Value::as_f64).unwrap_or(f64::NAN);
    for (name, n, f) in &rows {
        println!(
            "{:<4} {:>8} {:>9.4} {:>9} {:>10.4} {:>9.4}   NER F1: {:>6.4} {:>6.4} {:>6.4} {:>6.4}",
            name,
            n.get("matched").and_then(Value::as_u64).unwrap_or(0),
            num(n, "accuracy"),
            n.get("inflected").and_then(Value::as_u64).unwrap_or(0),
            num(n, "inflected_accuracy"),
            num(n, "accuracy_own_name"),
            num(f, "PER"),
            num(f, "ORG"),
            num(f, "LOC"),
            num(f, "micro"),
        );
    }
    println!("predictions: {}", pred_path.display());
    Ok(())
}
