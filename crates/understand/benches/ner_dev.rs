//! NER benchmark on factRuEval dev, side by side with natasha, in the same run.
//!
//! ```text
//! CARGO_TARGET_DIR=/work/targets/ner cargo bench -p khronika-understand --bench ner_dev
//! ```
//! Environment: `NER_DEV` (default `/work/shared/data/ner/factru-dev.jsonl`), `NER_SCORER`
//! (default `/work/shared/tools/score_ner.py`), `NATASHA_PY` (default `/work/venv/bin/python`;
//! set to `skip` to skip natasha), `NER_RUNS` (timed repetitions of ours and of natasha's
//! `run_natasha.py`, default 3, the fastest of each reported), `NER_SKIP_F32` (skip the f32
//! timing).
//! Single core: this process runs on one thread; natasha gets `OMP_NUM_THREADS=1
//! OPENBLAS_NUM_THREADS=1`. Two speed figures: the full `analyze` (tokens, sentences, NER,
//! normal forms, quotes) and segmentation+NER alone, which is what natasha's figure covers
//! (`Doc.segment` + `Doc.tag_ner`). Natasha's load time = imports + embeddings + model.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::Command;
use std::time::Instant;

use serde::Deserialize;

#[derive(Deserialize)]
struct Doc {
    id: String,
    text: String,
}

fn env_or(key: &str, default: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| default.to_owned())
}

fn score(scorer: &str, gold: &str, pred: &str) -> BTreeMap<String, f64> {
    let out = Command::new("python3").args([scorer, gold, pred]).output();
    let Ok(out) = out else { return BTreeMap::new() };
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_default()
}

fn main() {
    let gold = env_or("NER_DEV", "/work/shared/data/ner/factru-dev.jsonl");
    let scorer = env_or("NER_SCORER", "/work/shared/tools/score_ner.py");
    let natasha_py = env_or("NATASHA_PY", "/work/venv/bin/python");
    let runs: usize = env_or("NER_RUNS", "3").parse().unwrap_or(3);
    let text = std::fs::read_to_string(&gold).expect("read dev set");
    let docs: Vec<Doc> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("dev line"))
        .collect();
    let chars: usize = docs.iter().map(|d| d.text.chars().count()).sum();

    let t0 = Instant::now();
    let analyzer = khronika_understand::Analyzer::load().expect("model");
    let load_s = t0.elapsed().as_secs_f64();
    analyzer.analyze("Путин прилетел в Москву.");

    let mut best = f64::INFINITY;
    let mut results = Vec::new();
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        results = docs
            .iter()
            .map(|d| analyzer.analyze(&d.text))
            .collect::<Vec<_>>();
        best = best.min(t.elapsed().as_secs_f64());
    }
    // what natasha's figure covers: segmentation (tokens + sentences) + NER, without normal
    // forms and quotes; and tokens alone
    let mut tok_s = f64::INFINITY;
    let mut ner_s = f64::INFINITY;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let n: usize = docs
            .iter()
            .map(|d| khronika_morph::tokenize(&d.text).len())
            .sum();
        tok_s = tok_s.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let e: usize = docs
            .iter()
            .map(|d| {
                let tokens = khronika_morph::tokenize(&d.text);
                let sentences = khronika_morph::sentences(&d.text);
                analyzer.entities_from_tokens(&d.text, &tokens).len() + sentences.len()
            })
            .sum();
        ner_s = ner_s.min(t.elapsed().as_secs_f64());
        std::hint::black_box((n, e));
    }
    // the faithful f32 model, for the parity check and the speed of the unquantised port
    let f32_analyzer = khronika_understand::Analyzer::load()
        .expect("model")
        .with_precision(khronika_understand::Precision::F32)
        .with_post_rules(false);
    let mut f32_s = f64::INFINITY;
    let mut f32_results = Vec::new();
    let f32_runs = if std::env::var_os("NER_SKIP_F32").is_some() {
        0
    } else {
        runs.max(1)
    };
    for _ in 0..f32_runs {
        let t = Instant::now();
        f32_results = docs
            .iter()
            .map(|d| f32_analyzer.analyze(&d.text))
            .collect::<Vec<_>>();
        f32_s = f32_s.min(t.elapsed().as_secs_f64());
    }
    let dir = std::env::temp_dir().join(format!("khronika-ner-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let ours = dir.join("ours.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&ours).expect("pred file"));
    for (d, a) in docs.iter().zip(&results) {
        let ents: Vec<_> = a
            .entities
            .iter()
            .map(|m| serde_json::json!({"start": m.start, "end": m.end, "type": m.kind.code(), "text": m.text, "normal": m.normal}))
            .collect();
        writeln!(f, "{}", serde_json::json!({"id": d.id, "entities": ents})).expect("write");
    }
    f.flush().expect("flush");
    drop(f);
    let our_f1 = score(&scorer, &gold, ours.to_str().unwrap_or_default());
    let ours_f32 = dir.join("ours-f32.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&ours_f32).expect("pred file"));
    for (d, a) in docs.iter().zip(&f32_results) {
        let ents: Vec<_> = a
            .entities
            .iter()
            .map(|m| serde_json::json!({"start": m.start, "end": m.end, "type": m.kind.code()}))
            .collect();
        writeln!(f, "{}", serde_json::json!({"id": d.id, "entities": ents})).expect("write");
    }
    f.flush().expect("flush");
    drop(f);
    let f32_f1 = score(&scorer, &gold, ours_f32.to_str().unwrap_or_default());
    // the int8 model without post-rules: what the rules add
    let bare = khronika_understand::Analyzer::load()
        .expect("model")
        .with_post_rules(false);
    let bare_path = dir.join("ours-int8-bare.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&bare_path).expect("pred file"));
    for d in &docs {
        let tokens = khronika_morph::tokenize(&d.text);
        let ents: Vec<_> = bare
            .entities_from_tokens(&d.text, &tokens)
            .iter()
            .map(|m| serde_json::json!({"start": m.start, "end": m.end, "type": m.kind.code()}))
            .collect();
        writeln!(f, "{}", serde_json::json!({"id": d.id, "entities": ents})).expect("write");
    }
    f.flush().expect("flush");
    drop(f);
    let bare_f1 = score(&scorer, &gold, bare_path.to_str().unwrap_or_default());

    let mut nat: Option<(serde_json::Value, BTreeMap<String, f64>)> = None;
    if natasha_py != "skip" {
        let script = std::path::Path::new(&gold).with_file_name("run_natasha.py");
        let pred = dir.join("natasha.jsonl");
        // natasha runs as often as we do; its fastest run counts, like ours
        for _ in 0..runs.max(1) {
            let out = Command::new(&natasha_py)
                .arg(&script)
                .arg(&gold)
                .arg(&pred)
                .env("OMP_NUM_THREADS", "1")
                .env("OPENBLAS_NUM_THREADS", "1")
                .env("MKL_NUM_THREADS", "1")
                .output();
            let Ok(out) = out else { break };
            let stats: serde_json::Value = String::from_utf8_lossy(&out.stdout)
                .lines()
                .last()
                .and_then(|l| serde_json::from_str(l).ok())
                .unwrap_or_default();
            let dps = |s: &serde_json::Value| s.get("docs_per_s").and_then(|v| v.as_f64());
            let better = match &nat {
                None => true,
                Some((old, _)) => dps(&stats) > dps(old),
            };
            if better {
                let f1 = score(&scorer, &gold, pred.to_str().unwrap_or_default());
                nat = Some((stats, f1));
            }
        }
    }

    let ours_dps = docs.len() as f64 / best;
    println!(
        "factRuEval dev: {} docs, {} chars; best of {} runs, 1 thread",
        docs.len(),
        chars,
        runs
    );
    println!(
        "{:<22} {:>8} {:>8} {:>8} {:>8}",
        "", "int8+rul", "int8", "f32", "natasha"
    );
    let get =
        |m: &BTreeMap<String, f64>, k: &str| m.get(k).map_or("-".into(), |v| format!("{v:.4}"));
    for k in ["PER", "ORG", "LOC", "micro"] {
        let n = nat.as_ref().map_or("-".into(), |(_, f)| get(f, k));
        println!(
            "{:<22} {:>8} {:>8} {:>8} {:>8}",
            format!("F1 {k}"),
            get(&our_f1, k),
            get(&bare_f1, k),
            get(&f32_f1, k),
            n
        );
    }
    let nat_dps = nat
        .as_ref()
        .and_then(|(s, _)| s.get("docs_per_s").and_then(|v| v.as_f64()));
    let nat_load = nat
        .as_ref()
        .and_then(|(s, _)| s.get("load_s").and_then(|v| v.as_f64()));
    println!(
        "{:<22} {:>8.1} {:>8} {:>8.1} {:>8}",
        "docs/s (full analyze)",
        ours_dps,
        "",
        docs.len() as f64 / f32_s,
        nat_dps.map_or("-".into(), |v| format!("{v:.1}"))
    );
    println!(
        "{:<22} {:>8.0} {:>8} {:>8.0} {:>8}",
        "chars/s (k)",
        chars as f64 / best / 1000.0,
        "",
        chars as f64 / f32_s / 1000.0,
        nat.as_ref()
            .and_then(|(s, _)| s.get("chars_per_s").and_then(|v| v.as_f64()))
            .map_or("-".into(), |v| format!("{:.0}", v / 1000.0))
    );
    println!(
        "{:<22} {:>8.3} {:>8} {:>8} {:>8}",
        "model load (s)",
        load_s,
        "",
        "",
        nat_load.map_or("-".into(), |v| format!("{v:.3}"))
    );
    if let Some(n) = nat_dps {
        println!(
            "speed ratio vs natasha (docs/s): int8 {:.1}x, f32 {:.1}x",
            ours_dps / n,
            docs.len() as f64 / f32_s / n
        );
    }
    println!(
        "phases (s): tokenize {tok_s:.3}, segmentation+NER {ner_s:.3}, full analyze {best:.3}"
    );
    if let Some(n) = nat_dps {
        println!(
            "segmentation+NER (int8): {:.1} docs/s = {:.1}x natasha's segment+tag_ner",
            docs.len() as f64 / ner_s,
            docs.len() as f64 / ner_s / n
        );
    }
    println!("predictions: {}", ours.display());
}
