//! Benchmark driver: resolves every phrase of the date dev files, writes predictions in
//! `score_dates.py`'s format, prints accuracy (scored the same way) and phrases/s, then runs
//! the dateparser anchor on the same files for comparison when a Python with dateparser is
//! available.
//!
//! ```text
//! cargo run --release -p khronika-dates --example bench_dates -- \
//!     --out /tmp/dates-pred --python /work/venv/bin/python \
//!     /work/shared/data/dates/ru_duckling_dev.jsonl /work/shared/data/dates/ru_news_dates.jsonl
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use khronika_dates::{find_dates_at, Reference};
use serde_json::{json, Value};

fn reference(s: &str) -> Option<Reference> {
    Reference::parse(s, None)
}

fn cut(grain: &str) -> usize {
    match grain {
        "year" => 4,
        "quarter" | "month" => 7,
        "week" | "day" => 10,
        "hour" => 13,
        "minute" => 16,
        "second" => 19,
        _ => 16,
    }
}

fn prefix(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// The same rule as `score_dates.py`: the longest mention, compared at the gold grain.
fn correct(expected: &Value, dates: &[Value]) -> bool {
    if expected.is_null() {
        return dates.is_empty();
    }
    let Some(m) = dates.iter().max_by_key(|m| {
        let s = m["start"].as_i64().unwrap_or(0);
        let e = m["end"].as_i64().unwrap_or(0);
        (e - s, -s)
    }) else {
        return false;
    };
    let n = cut(expected["grain"].as_str().unwrap_or(""));
    let get = |v: &Value, k: &str| v[k].as_str().map(|s| prefix(s, n));
    if expected["type"] == "value" {
        let pred = get(m, "value")
            .or_else(|| get(m, "from"))
            .unwrap_or_default();
        pred == get(expected, "value").unwrap_or_default()
    } else {
        let from_ok =
            get(m, "from").unwrap_or_default() == get(expected, "from").unwrap_or_default();
        let to_ok = expected["to"].is_null() || get(m, "to") == get(expected, "to");
        from_ok && to_ok
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut files: Vec<PathBuf> = Vec::new();
    let mut out_dir = PathBuf::from("/tmp/khronika-dates-pred");
    let mut python: Option<String> = None;
    let mut show_errors = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" => out_dir = PathBuf::from(args.next().ok_or("--out needs a directory")?),
            "--python" => python = Some(args.next().ok_or("--python needs a path")?),
            "--errors" => show_errors = true,
            _ => files.push(PathBuf::from(a)),
        }
    }
    if files.is_empty() {
        return Err("usage: bench_dates [--out DIR] [--python PY] [--errors] FILE.jsonl...".into());
    }
    std::fs::create_dir_all(&out_dir)?;
    println!("khronika-dates");
    println!(
        "{:<28} {:>4} {:>4} {:>7} | {:>11} {:>10}",
        "file", "n", "ok", "acc", "phrases/s", "ms/phrase"
    );
    for path in &files {
        let rows: Vec<Value> = std::fs::read_to_string(path)?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()?;
        let inputs: Vec<(String, Reference)> = rows
            .iter()
            .map(|r| {
                let text = r["text"].as_str().unwrap_or("").to_string();
                let rf = reference(r["ref"].as_str().unwrap_or("")).ok_or("bad ref")?;
                Ok((text, rf))
            })
            .collect::<Result<_, Box<dyn std::error::Error>>>()?;
        // Timing: repeat the whole file until at least half a second has passed.
        let t0 = Instant::now();
        let mut rounds = 0u32;
        while rounds == 0 || t0.elapsed().as_secs_f64() < 0.5 {
            for (text, rf) in &inputs {
                std::hint::black_box(find_dates_at(text, rf));
            }
            rounds += 1;
        }
        let per = t0.elapsed().as_secs_f64() / f64::from(rounds) / inputs.len().max(1) as f64;
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
        let pred_path = out_dir.join(format!("pred_{name}"));
        let mut out = std::fs::File::create(&pred_path)?;
        let mut ok = 0usize;
        for (i, (row, (text, rf))) in rows.iter().zip(&inputs).enumerate() {
            let id = row
                .get("id")
                .cloned()
                .unwrap_or_else(|| json!(i.to_string()));
            let dates: Vec<Value> = find_dates_at(text, rf)
                .into_iter()
                .map(|d| serde_json::to_value(d).unwrap_or(Value::Null))
                .collect();
            let good = correct(&row["expected"], &dates);
            ok += usize::from(good);
            if show_errors && !good {
                println!(
                    "  MISS {text:?}: expected {} got {}",
                    row["expected"],
                    Value::from(dates.clone())
                );
            }
            writeln!(out, "{}", json!({"id": id, "dates": dates}))?;
        }
        let n = rows.len().max(1);
        println!(
            "{:<28} {:>4} {:>4} {:>7.3} | {:>11.0} {:>10.4}",
            name,
            rows.len(),
            ok,
            ok as f64 / n as f64,
            1.0 / per,
            per * 1000.0
        );
        println!("  predictions: {}", pred_path.display());
    }
    if let Some(py) = python {
        let script = files
            .first()
            .and_then(|f| f.parent())
            .map(|d| d.join("run_dateparser.py"))
            .filter(|p| Path::exists(p));
        match script {
            Some(script) => {
                println!();
                let status = Command::new(py).arg(script).args(&files).status()?;
                if !status.success() {
                    println!("dateparser run failed: {status}");
                }
            }
            None => println!("run_dateparser.py not found next to the first file"),
        }
    }
    Ok(())
}
