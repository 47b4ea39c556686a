//! rs-trafilatura side of the khronika-extract benchmark (run by `benches/extraction.rs`).
//!
//! Usage: `rs-trafilatura-bench MANIFEST.json OUT.json`, the same interface and output as
//! `../trafilatura_bench.py`, so the main bench reads both alike.
//!
//! MANIFEST.json: `{"pages": [{"set": ..., "id": ..., "path": ...}, ...], "passes": N}`.
//! Pages are read (gunzipped if `.gz`) into memory first. Each call gets the raw bytes, as
//! `khronika_extract::extract` does, so the crate's own charset step is inside the timed region
//! on both Rust sides. Single thread, one untimed warm-up pass, fastest of N passes per set.
//! OUT.json: `{"version": ..., "seconds": {set: s}, "failed": {set: n}, "pages": {set: {id:
//! {articleBody, title, date, author}}}}`.
//!
//! This crate is its own workspace (empty `[workspace]` in Cargo.toml) so that nothing in the
//! khronika workspace compiles rs-trafilatura.

use std::collections::BTreeMap;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::Instant;

use rs_trafilatura::{extract_bytes_with_options, ExtractResult, Options};
use serde_json::{json, Map, Value};

/// Pinned with `=` in Cargo.toml, so this stays true.
const VERSION: &str = "0.2.2";

/// No page of the dev sets comes near this; it only guards against a wrong path.
const MAX_PAGE_BYTES: u64 = 64 << 20;

type Error = Box<dyn std::error::Error>;

fn read_page(path: &Path) -> Result<Vec<u8>, Error> {
    let file = std::fs::File::open(path).map_err(|e| format!("open {}: {e}", path.display()))?;
    let mut raw = Vec::new();
    file.take(MAX_PAGE_BYTES)
        .read_to_end(&mut raw)
        .map_err(|e| format!("read {}: {e}", path.display()))?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(raw.as_slice())
            .take(MAX_PAGE_BYTES)
            .read_to_end(&mut out)
            .map_err(|e| format!("gunzip {}: {e}", path.display()))?;
        Ok(out)
    } else {
        Ok(raw)
    }
}

/// One extraction; an error or a panic inside the crate counts as an empty result, so one bad
/// page cannot end the run (the count of such pages is reported).
fn run(bytes: &[u8], opts: &Options) -> Option<ExtractResult> {
    catch_unwind(AssertUnwindSafe(|| extract_bytes_with_options(bytes, opts)))
        .ok()
        .and_then(Result::ok)
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(manifest_path), Some(out_path)) = (args.get(1), args.get(2)) else {
        return Err("usage: rs-trafilatura-bench MANIFEST.json OUT.json".into());
    };
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(manifest_path).map_err(|e| format!("read {manifest_path}: {e}"))?,
    )?;
    let passes = manifest["passes"].as_u64().unwrap_or(5).clamp(1, 100) as usize;

    let mut sets: BTreeMap<String, Vec<(String, Vec<u8>)>> = BTreeMap::new();
    for p in manifest["pages"].as_array().into_iter().flatten() {
        let (Some(set), Some(id), Some(path)) =
            (p["set"].as_str(), p["id"].as_str(), p["path"].as_str())
        else {
            return Err(format!("manifest entry without set/id/path: {p}").into());
        };
        sets.entry(set.to_string())
            .or_default()
            .push((id.to_string(), read_page(Path::new(path))?));
    }

    // Defaults match the trafilatura side (no comments, no precision/recall bias, no URL).
    let opts = Options::default();
    // The panic hook would print a backtrace line per failing page; the count says enough.
    std::panic::set_hook(Box::new(|_| {}));

    let mut seconds = Map::new();
    let mut failed = Map::new();
    let mut pages = Map::new();
    for (set, group) in &sets {
        let mut preds = Map::new();
        let mut n_failed = 0u64;
        // The warm-up pass also yields the predictions (the extraction is deterministic).
        for (id, bytes) in group {
            let r = run(bytes, &opts);
            n_failed += r.is_none() as u64;
            let entry = match r {
                Some(r) => json!({
                    "articleBody": r.content_text,
                    "title": r.metadata.title,
                    "date": r.metadata.date.map(|d| d.to_rfc3339()),
                    "author": r.metadata.author,
                }),
                None => json!({"articleBody": ""}),
            };
            preds.insert(id.clone(), entry);
        }
        let mut best = f64::INFINITY;
        for _ in 0..passes {
            let t0 = Instant::now();
            for (_, bytes) in group {
                std::hint::black_box(run(bytes, &opts));
            }
            best = best.min(t0.elapsed().as_secs_f64());
        }
        seconds.insert(set.clone(), json!(best));
        failed.insert(set.clone(), json!(n_failed));
        pages.insert(set.clone(), Value::Object(preds));
    }

    let out = json!({
        "version": VERSION,
        "seconds": seconds,
        "failed": failed,
        "pages": pages,
    });
    std::fs::write(out_path, out.to_string()).map_err(|e| format!("write {out_path}: {e}"))?;
    Ok(())
}
