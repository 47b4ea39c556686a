//! Quality and speed of `khronika-extract` against trafilatura, in the same run.
//!
//! ```sh
//! cargo bench -p khronika-extract --bench extraction            # both sides
//! cargo bench -p khronika-extract --bench extraction -- --no-python
//! cargo bench -p khronika-extract --bench extraction -- --no-rs-trafilatura
//! ```
//!
//! Reads `../shared/data/extraction/scrapinghub/` and `../shared/data/pages-ru/` (override
//! with `KHRONIKA_SHARED`), scores bodies with `shared/tools/score_extraction.py`, checks
//! title / published (to the minute) / author / must_contain / must_not_contain against
//! `pages-ru/truth.jsonl`, and times the extraction call single-threaded (pages already in
//! memory, one warm-up, fastest of 5 passes, the same for trafilatura). Trafilatura runs through
//! `bench/trafilatura_bench.py` with `KHRONIKA_PYTHON` (default `/work/venv/bin/python`).
//!
//! rs-trafilatura (the Rust port) runs through `bench/rs-trafilatura/`, a standalone cargo
//! project outside the workspace with its own `Cargo.lock`, so no workspace crate depends on
//! it. The bench builds it (release, `--locked`, target dir `<bench target>/rs-trafilatura`;
//! the first build takes a few minutes) and runs it on the same pages with the same protocol;
//! if the build or the run fails, its rows are left out with a line saying so.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use khronika_extract::{extract, ExtractOptions};
use serde_json::{json, Value};

/// Timed passes per side; the fastest counts (both sides alike).
const PASSES: usize = 5;

struct Page {
    set: &'static str,
    id: String,
    path: PathBuf,
    bytes: Vec<u8>,
}

fn shared_dir() -> PathBuf {
    std::env::var_os("KHRONIKA_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

fn read_page(path: &Path) -> Vec<u8> {
    let raw = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .unwrap_or_else(|e| panic!("gunzip {}: {e}", path.display()));
        out
    } else {
        raw
    }
}

/// The fastest pass: on a shared machine the minimum is the least disturbed estimate.
fn fastest(v: Vec<f64>) -> f64 {
    v.into_iter().fold(f64::INFINITY, f64::min)
}

fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn norm_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn score(python: &str, tools: &Path, gt: &Path, pred: &Path) -> Value {
    let out = Command::new(python)
        .arg(tools.join("score_extraction.py"))
        .arg(gt)
        .arg(pred)
        .output();
    match out {
        Ok(o) => {
            let stdout = String::from_utf8_lossy(&o.stdout);
            stdout
                .lines()
                .last()
                .and_then(|l| serde_json::from_str(l).ok())
                .unwrap_or(Value::Null)
        }
        Err(_) => Value::Null,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let no_python = args.iter().any(|a| a == "--no-python");
    let no_rs_traf = args.iter().any(|a| a == "--no-rs-trafilatura");
    let verbose = args.iter().any(|a| a == "--verbose");
    let python = std::env::var("KHRONIKA_PYTHON").unwrap_or_else(|_| {
        if Path::new("/work/venv/bin/python").exists() {
            "/work/venv/bin/python".into()
        } else {
            "python3".into()
        }
    });
    let shared = shared_dir();
    let tools = shared.join("tools");
    let sh_dir = shared.join("data/extraction/scrapinghub");
    let ru_dir = shared.join("data/pages-ru");
    let out_dir = std::env::temp_dir().join("khronika-bench");
    std::fs::create_dir_all(&out_dir).expect("create output dir");

    // Load everything into memory first: the timing covers extraction only.
    let sh_gt: Value = serde_json::from_slice(
        &std::fs::read(sh_dir.join("ground-truth.json")).expect("scrapinghub truth"),
    )
    .expect("truth json");
    let mut pages: Vec<Page> = Vec::new();
    if let Some(obj) = sh_gt.as_object() {
        for id in obj.keys() {
            let path = sh_dir.join("html").join(format!("{id}.html.gz"));
            pages.push(Page {
                set: "scrapinghub",
                id: id.clone(),
                bytes: read_page(&path),
                path,
            });
        }
    }
    let truth_text = std::fs::read_to_string(ru_dir.join("truth.jsonl")).expect("pages-ru truth");
    let ru_truth: Vec<Value> = truth_text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    for t in &ru_truth {
        let file = t["file"].as_str().unwrap_or_default().to_string();
        let path = ru_dir.join(&file);
        pages.push(Page {
            set: "pages-ru",
            id: file,
            bytes: read_page(&path),
            path,
        });
    }
    let sets = ["scrapinghub", "pages-ru"];

    // --- khronika: time phases and the whole call, single thread.
    // The caller knows each source's URL and zone (a crawler stores both per source); for
    // pages-ru they come from the truth file's URL, the zone from the country domain.
    let ru_urls: BTreeMap<String, String> = ru_truth
        .iter()
        .map(|t| {
            (
                t["file"].as_str().unwrap_or_default().to_string(),
                t["url"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let opts_for = |p: &Page| {
        let url: Option<url::Url> = ru_urls.get(&p.id).and_then(|u| u.parse().ok());
        let host = url
            .as_ref()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        let tz = if host.ends_with(".ru") {
            Some(chrono_tz::Europe::Moscow)
        } else if host.ends_with(".kz") {
            Some(chrono_tz::Asia::Almaty)
        } else if host.ends_with(".ua") {
            Some(chrono_tz::Europe::Kyiv)
        } else {
            None
        };
        ExtractOptions {
            url,
            tz,
            // As the pipeline does: the page was fetched now (extraction never reads the
            // clock itself; relative visible dates need a reference).
            fetched_at: Some(chrono::Utc::now().fixed_offset()),
            ..Default::default()
        }
    };
    let mut ours: BTreeMap<&str, (f64, f64, f64, usize, usize)> = BTreeMap::new();
    let mut articles: BTreeMap<(String, String), khronika_model::Article> = BTreeMap::new();
    for set in sets {
        let group: Vec<&Page> = pages.iter().filter(|p| p.set == set).collect();
        let bytes: usize = group.iter().map(|p| p.bytes.len()).sum();
        let opts: Vec<ExtractOptions> = group.iter().map(|p| opts_for(p)).collect();
        for (p, o) in group.iter().zip(&opts) {
            let a = extract(&p.bytes, o).unwrap_or_default();
            articles.insert((set.to_string(), p.id.clone()), a);
        }
        let mut full = Vec::new();
        let mut decode = Vec::new();
        let mut parse = Vec::new();
        for _ in 0..PASSES {
            let t0 = Instant::now();
            for p in &group {
                let (text, _) = khronika_extract::decode(&p.bytes, None);
                std::hint::black_box(&text);
            }
            decode.push(t0.elapsed().as_secs_f64());
            let t0 = Instant::now();
            for p in &group {
                let (text, _) = khronika_extract::decode(&p.bytes, None);
                let dom = khronika_html::dom::parse(&text);
                std::hint::black_box(dom.nodes.len());
            }
            parse.push(t0.elapsed().as_secs_f64());
            let t0 = Instant::now();
            for (p, o) in group.iter().zip(&opts) {
                std::hint::black_box(extract(&p.bytes, o).ok());
            }
            full.push(t0.elapsed().as_secs_f64());
        }
        ours.insert(
            set,
            (
                fastest(full),
                fastest(decode),
                fastest(parse),
                group.len(),
                bytes,
            ),
        );
    }
    let rss = peak_rss_kib();

    // --- predictions and ground truth files for the scorer.
    let mut preds: BTreeMap<&str, serde_json::Map<String, Value>> = BTreeMap::new();
    for ((set, id), a) in &articles {
        let set: &str = if set == "scrapinghub" {
            "scrapinghub"
        } else {
            "pages-ru"
        };
        preds
            .entry(set)
            .or_default()
            .insert(id.clone(), json!({"articleBody": a.text()}));
    }
    let ru_gt: serde_json::Map<String, Value> = ru_truth
        .iter()
        .map(|t| {
            (
                t["file"].as_str().unwrap_or_default().to_string(),
                json!({"articleBody": t["body"], "url": t["url"]}),
            )
        })
        .collect();
    let ru_gt_path = out_dir.join("pages-ru-truth.json");
    std::fs::write(&ru_gt_path, Value::Object(ru_gt).to_string()).expect("write truth");
    let gt_paths = [
        ("scrapinghub", sh_dir.join("ground-truth.json")),
        ("pages-ru", ru_gt_path),
    ];

    let mut quality: BTreeMap<(&str, &str), Value> = BTreeMap::new();
    for (set, gt) in &gt_paths {
        let p = out_dir.join(format!("khronika-{set}.json"));
        std::fs::write(
            &p,
            Value::Object(preds.get(set).cloned().unwrap_or_default()).to_string(),
        )
        .expect("write preds");
        quality.insert(("khronika", set), score(&python, &tools, gt, &p));
    }

    // --- trafilatura, same machine, same run.
    let manifest = json!({
        "passes": PASSES,
        "pages": pages.iter().map(|p| json!({"set": p.set, "id": p.id, "path": p.path})).collect::<Vec<_>>(),
    });
    let mpath = out_dir.join("manifest.json");
    std::fs::write(&mpath, manifest.to_string()).expect("write manifest");
    let mut traf: Option<Value> = None;
    if !no_python {
        let tout = out_dir.join("trafilatura.json");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/trafilatura_bench.py");
        let status = Command::new(&python)
            .arg(&script)
            .arg(&mpath)
            .arg(&tout)
            .status();
        if status.is_ok_and(|s| s.success()) {
            let v: Value =
                serde_json::from_slice(&std::fs::read(&tout).expect("trafilatura output"))
                    .expect("json");
            for (set, gt) in &gt_paths {
                let p = out_dir.join(format!("trafilatura-{set}.json"));
                std::fs::write(&p, v["pages"][set].to_string()).expect("write preds");
                quality.insert(("trafilatura", set), score(&python, &tools, gt, &p));
            }
            traf = Some(v);
        } else {
            eprintln!("trafilatura run failed; use --no-python to skip it");
        }
    }

    // --- rs-trafilatura, same machine, same run, same manifest and output format.
    let mut rs_traf: Option<Value> = None;
    if !no_rs_traf {
        match run_rs_trafilatura(&mpath, &out_dir.join("rs-trafilatura.json")) {
            Ok(v) => {
                for (set, gt) in &gt_paths {
                    let p = out_dir.join(format!("rs-trafilatura-{set}.json"));
                    std::fs::write(&p, v["pages"][set].to_string()).expect("write preds");
                    quality.insert(("rs-trafilatura", set), score(&python, &tools, gt, &p));
                }
                rs_traf = Some(v);
            }
            Err(e) => println!(
                "rs-trafilatura skipped: {e} (its rows are missing; --no-rs-trafilatura skips it)"
            ),
        }
    }
    let anchors: [(&str, Option<&Value>); 2] = [
        ("trafilatura", traf.as_ref()),
        ("rs-trafilatura", rs_traf.as_ref()),
    ];

    // --- pages-ru metadata and snippet checks.
    let mut meta_rows = Vec::new();
    let (mut title_ok, mut date_ok, mut date_n, mut author_ok, mut author_n) = (0, 0, 0, 0, 0);
    let (mut mc_ok, mut mc_n, mut mnc_ok, mut mnc_n) = (0, 0, 0, 0);
    for t in &ru_truth {
        let file = t["file"].as_str().unwrap_or_default();
        let Some(a) = articles.get(&("pages-ru".to_string(), file.to_string())) else {
            continue;
        };
        let text = norm_ws(&a.text());
        let title = a.title.as_deref().map(norm_ws);
        let ok_title = title.as_deref() == t["title"].as_str().map(norm_ws).as_deref();
        title_ok += ok_title as usize;
        let truth_date = t["published"].as_str().unwrap_or("");
        let ok_date = date_match(truth_date, a.published.map(|d| d.to_rfc3339()).as_deref());
        if !truth_date.is_empty() {
            date_n += 1;
            date_ok += ok_date as usize;
        }
        let truth_authors: Vec<String> = t["author"]
            .as_str()
            .map(|s| s.split(',').map(norm_ws).collect())
            .unwrap_or_default();
        let ok_author = truth_authors == a.authors.iter().map(|s| norm_ws(s)).collect::<Vec<_>>();
        author_n += 1;
        author_ok += ok_author as usize;
        for s in t["must_contain"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            mc_n += 1;
            mc_ok += text.contains(&norm_ws(s)) as usize;
        }
        for s in t["must_not_contain"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            mnc_n += 1;
            let absent = !text.contains(&norm_ws(s));
            mnc_ok += absent as usize;
            if !absent && verbose {
                println!("  must_not_contain present in {file}: {s}");
            }
        }
        if verbose {
            meta_rows.push(format!(
                "  {file}: title {} date {} ({:?} vs {}) author {} ({:?} vs {:?})",
                if ok_title { "ok" } else { "MISS" },
                if ok_date { "ok" } else { "MISS" },
                a.published.map(|d| d.to_rfc3339()),
                truth_date,
                if ok_author { "ok" } else { "MISS" },
                a.authors,
                truth_authors,
            ));
            if !ok_title {
                meta_rows.push(format!(
                    "      title: {:?} vs {:?}",
                    title,
                    t["title"].as_str()
                ));
            }
        }
    }

    // --- report.
    println!("khronika-extract benchmark (single thread, pages in memory, fastest of {PASSES} passes, all tools alike)");
    println!();
    println!("| set | tool | pages | F1 | P | R | acc | pages/s | khronika speed / this tool |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for set in sets {
        let (full, _, _, n, _) = ours[set];
        let our_rate = n as f64 / full;
        let rate_of = |tool: &str| -> Option<f64> {
            if tool == "khronika" {
                return Some(our_rate);
            }
            let (_, v) = anchors.iter().find(|(name, _)| *name == tool)?;
            v.and_then(|v| v["seconds"][set].as_f64())
                .map(|s| n as f64 / s)
        };
        for tool in ["khronika", "trafilatura", "rs-trafilatura"] {
            let q = quality.get(&(tool, set)).cloned().unwrap_or(Value::Null);
            if q.is_null() {
                continue;
            }
            let rate = rate_of(tool);
            let ratio = rate.map_or("-".into(), |r| format!("{:.1}x", our_rate / r));
            println!(
                "| {set} | {tool} | {n} | {:.3} | {:.3} | {:.3} | {:.3} | {} | {ratio} |",
                q["f1"].as_f64().unwrap_or(0.0),
                q["precision"].as_f64().unwrap_or(0.0),
                q["recall"].as_f64().unwrap_or(0.0),
                q["accuracy"].as_f64().unwrap_or(0.0),
                rate.map_or("-".into(), |r| format!("{r:.0}")),
            );
        }
    }
    println!();
    println!("pages-ru metadata ({} pages): khronika title {title_ok}/{}  published {date_ok}/{date_n}  author {author_ok}/{author_n}  must_contain {mc_ok}/{mc_n}  must_not_contain absent {mnc_ok}/{mnc_n}",
        ru_truth.len(), ru_truth.len());
    for (tool, v) in anchors {
        if let Some(v) = v {
            let (t_title_ok, t_date_ok, t_author_ok) = anchor_meta(v, &ru_truth);
            println!("pages-ru metadata: {tool} title {t_title_ok}/{}  published {t_date_ok}/{date_n}  author {t_author_ok}/{author_n}", ru_truth.len());
        }
    }
    for (tool, v) in anchors {
        if let Some(v) = v {
            let failed: u64 = v["failed"]
                .as_object()
                .map_or(0, |m| m.values().filter_map(Value::as_u64).sum());
            let version = v["version"].as_str().unwrap_or("?");
            let failed = if failed > 0 {
                format!(", {failed} pages failed (empty prediction)")
            } else {
                String::new()
            };
            println!("{tool} {version}{failed}");
        }
    }
    for r in meta_rows {
        println!("{r}");
    }
    println!();
    println!("where the time goes (khronika, per set): decode | decode+parse | whole extract");
    for set in sets {
        let (full, dec, parse, n, bytes) = ours[set];
        println!(
            "  {set}: {:.1} ms | {:.1} ms | {:.1} ms  ({n} pages, {:.1} MB, {:.0} MB/s whole)",
            dec * 1e3,
            parse * 1e3,
            full * 1e3,
            bytes as f64 / 1e6,
            bytes as f64 / 1e6 / full
        );
    }
    if let Some(kib) = rss {
        println!(
            "peak RSS of the bench process (all pages held in memory): {:.1} MiB",
            kib as f64 / 1024.0
        );
    }
    println!("predictions in {}", out_dir.display());
}

/// Title / published / author hits of an anchor tool on pages-ru, from its output JSON.
fn anchor_meta(v: &Value, ru_truth: &[Value]) -> (usize, usize, usize) {
    let (mut title_ok, mut date_ok, mut author_ok) = (0, 0, 0);
    for t in ru_truth {
        let file = t["file"].as_str().unwrap_or_default();
        let tp = &v["pages"]["pages-ru"][file];
        title_ok +=
            (tp["title"].as_str().map(norm_ws) == t["title"].as_str().map(norm_ws)) as usize;
        let truth_date = t["published"].as_str().unwrap_or("");
        if !truth_date.is_empty() {
            date_ok += date_match(truth_date, tp["date"].as_str()) as usize;
        }
        let truth_authors: Vec<String> = t["author"]
            .as_str()
            .map(|s| s.split(',').map(norm_ws).collect())
            .unwrap_or_default();
        let authors: Vec<String> = tp["author"]
            .as_str()
            .map(|s| s.split([',', ';']).map(norm_ws).collect())
            .unwrap_or_default();
        author_ok += (authors == truth_authors) as usize;
    }
    (title_ok, date_ok, author_ok)
}

/// Builds (release, locked to its own Cargo.lock) and runs the standalone rs-trafilatura
/// project on the manifest; returns its output JSON, or why it could not.
fn run_rs_trafilatura(manifest: &Path, out: &Path) -> Result<Value, String> {
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/rs-trafilatura");
    // The bench binary lives in <target>/release/deps/; the project builds beside it.
    let target = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .unwrap_or_else(std::env::temp_dir)
        .join("rs-trafilatura");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!(
        "building rs-trafilatura in {} (first build takes minutes)",
        target.display()
    );
    let built = Command::new(&cargo)
        .args([
            "build",
            "--release",
            "--locked",
            "--quiet",
            "--manifest-path",
        ])
        .arg(project.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .status()
        .map_err(|e| format!("cannot start {cargo}: {e}"))?;
    if !built.success() {
        return Err(format!("build failed ({built})"));
    }
    let bin = target.join("release/rs-trafilatura-bench");
    let ran = Command::new(&bin)
        .arg(manifest)
        .arg(out)
        .status()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    if !ran.success() {
        return Err(format!("run failed ({ran})"));
    }
    let bytes = std::fs::read(out).map_err(|e| format!("read {}: {e}", out.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("output {}: {e}", out.display()))
}

/// Published matches truth: same instant to the minute, or same day when truth is a date.
fn date_match(truth: &str, ours: Option<&str>) -> bool {
    let Some(ours) = ours else {
        return truth.is_empty();
    };
    if truth.len() == 10 {
        return ours.get(..10) == Some(truth);
    }
    let (Ok(t), Ok(o)) = (
        chrono::DateTime::parse_from_rfc3339(truth),
        chrono::DateTime::parse_from_rfc3339(ours),
    ) else {
        // A truth without offset compares wall-clock time.
        return truth.get(..16) == ours.get(..16);
    };
    t.timestamp() / 60 == o.timestamp() / 60
}
