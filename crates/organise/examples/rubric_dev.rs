//! Measure the rubric classifier on a labelled JSONL file (`{url,title,text,category}`):
//!
//! ```text
//! cargo run --release -p khronika-organise --example rubric_dev -- cat-dev.jsonl [--errors-a]
//! ```
//!
//! Items are split into halves A and B by the parity of the FNV-1a hash of the url, so
//! the split is the same on every run and machine. Development looks at A only:
//! `--errors-a` lists A's misclassified items; nothing ever lists B's. Prints accuracy,
//! macro-F1, per-class precision / recall / F1 and the confusion matrix for A, B and all,
//! then the throughput.

use khronika_model::Rubric;
use khronika_organise::rubric::{classify, RubricInput};
use std::time::Instant;

struct Item {
    url: String,
    title: String,
    text: String,
    gold: Rubric,
}

fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Half A is the even hashes.
fn in_a(url: &str) -> bool {
    fnv1a(url).is_multiple_of(2)
}

fn idx(r: Rubric) -> usize {
    Rubric::ALL.iter().position(|&x| x == r).unwrap_or(0)
}

fn report(name: &str, pairs: &[(Rubric, Rubric)]) {
    let mut m = [[0usize; 8]; 8];
    for &(g, p) in pairs {
        m[idx(g)][idx(p)] += 1;
    }
    let n = pairs.len();
    let correct: usize = (0..8).map(|i| m[i][i]).sum();
    println!("\n== {name}: {n} items");
    println!(
        "{:<14} {:>6} {:>6} {:>6} {:>5}",
        "class", "P", "R", "F1", "n"
    );
    let mut f1s = Vec::new();
    for (i, r) in Rubric::ALL.iter().enumerate() {
        let tp = m[i][i] as f64;
        let gold: usize = m[i].iter().sum();
        let pred: usize = (0..8).map(|g| m[g][i]).sum();
        let p = if pred > 0 { tp / pred as f64 } else { 0.0 };
        let rc = if gold > 0 { tp / gold as f64 } else { 0.0 };
        let f1 = if p + rc > 0.0 {
            2.0 * p * rc / (p + rc)
        } else {
            0.0
        };
        if gold > 0 || pred > 0 {
            f1s.push(f1);
        }
        println!("{:<14} {p:>6.3} {rc:>6.3} {f1:>6.3} {gold:>5}", r.code());
    }
    let macro_f1 = f1s.iter().sum::<f64>() / f1s.len().max(1) as f64;
    println!(
        "accuracy {:.3}  macro-F1 {:.3}",
        correct as f64 / n.max(1) as f64,
        macro_f1
    );
    print!("confusion (rows gold, columns predicted):\n{:<14}", "");
    for r in Rubric::ALL {
        print!(" {:>5}", &r.code()[..r.code().len().min(5)]);
    }
    println!();
    for (i, r) in Rubric::ALL.iter().enumerate() {
        print!("{:<14}", r.code());
        for c in m[i] {
            print!(" {c:>5}");
        }
        println!();
    }
}

fn input(it: &Item) -> RubricInput<'_> {
    RubricInput {
        title: &it.title,
        text: &it.text,
        url: Some(&it.url),
        ..Default::default()
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: rubric_dev FILE.jsonl [--errors-a]");
        std::process::exit(2);
    };
    let errors_a = args.any(|a| a == "--errors-a");
    let data = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    });
    let mut items = Vec::new();
    for (i, line) in data.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("line {}: {e}", i + 1);
                continue;
            }
        };
        let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
        let Some(gold) = Rubric::parse(&s("category")) else {
            eprintln!("line {}: unknown category", i + 1);
            continue;
        };
        items.push(Item {
            url: s("url"),
            title: s("title"),
            text: s("text"),
            gold,
        });
    }

    let mut a = Vec::new();
    let mut b = Vec::new();
    for it in &items {
        let p = classify(&input(it));
        if in_a(&it.url) {
            a.push((it.gold, p));
            if errors_a && p != it.gold {
                println!(
                    "A-ERR gold={} pred={} | {} | {}",
                    it.gold, p, it.url, it.title
                );
            }
        } else {
            b.push((it.gold, p));
        }
    }
    let all: Vec<_> = a.iter().chain(b.iter()).copied().collect();
    report("A (development half)", &a);
    report("B (held back during development)", &b);
    report("all", &all);

    // Throughput: repeat the whole file until at least half a second has passed.
    let start = Instant::now();
    let mut n = 0usize;
    let mut sink = 0usize;
    while start.elapsed().as_secs_f64() < 0.5 {
        for it in &items {
            sink += idx(classify(&input(it)));
            n += 1;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "\nthroughput: {:.0} articles/s ({:.1} µs/article, one core){}",
        n as f64 / secs,
        secs * 1e6 / n as f64,
        if sink == usize::MAX { "!" } else { "" }
    );
}
