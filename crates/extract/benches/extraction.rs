//! Quality and speed of `khronika-extract` against trafilatura and rs-trafilatura, in the
//! same run.
//!
//! ```sh
//! cargo bench -p khronika-extract --bench extraction            # all tools, all sets
//! cargo bench -p khronika-extract --bench extraction -- --no-python
//! cargo bench -p khronika-extract --bench extraction -- --no-rs-trafilatura
//! cargo bench -p khronika-extract --bench extraction -- --only dragnet,cleaneval --passes 1
//! cargo bench -p khronika-extract --bench extraction -- --save-baseline
//! ```
//!
//! Sets: `../shared/data/extraction/scrapinghub/`, `../shared/data/pages-ru/` and every
//! dataset folder of `../shared/data/extraction/wceb/` that holds a `ground-truth.json`
//! (CleanEval, CleanPortalEval, Dragnet, Readability; a held-out copy laid out the same way is
//! read the same way). Override the root with `KHRONIKA_SHARED`. Bodies are scored with
//! `shared/tools/score_extraction.py`; pages-ru also checks title / published (to the minute) /
//! author / must_contain / must_not_contain against `pages-ru/truth.jsonl`. Each WCEB dataset
//! is also scored in two halves, A and B, by a hash of the page id ([`half_of`]): rules were
//! developed looking at half A only, so B is the check on pages nobody looked at.
//!
//! Beside the scores: pages whose ground truth has ≥ 50 words but whose output is empty (per
//! tool), the mean of the WCEB dataset F1s per tool, and a page-level regression report:
//! khronika's per-page F1 against `bench/page-baseline.json` (rewritten by `--save-baseline`),
//! listing the pages that got better or worse.
//!
//! Speed: the extraction call single-threaded (pages already in memory, one warm-up, fastest
//! of `--passes` passes, default 5, the same for every tool). Trafilatura runs through
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
use serde_json::{json, Map, Value};

/// Timed passes per side by default; the fastest counts (all sides alike).
const PASSES: usize = 5;

/// A page whose ground truth has at least this many words must never come back empty.
const MIN_WORDS_NONEMPTY: usize = 50;

/// A per-page F1 change at least this large is listed in the regression report.
const REGRESSION_DELTA: f64 = 0.05;

/// Rows of the regression report printed per direction and set (all with `--verbose`).
const REGRESSION_ROWS: usize = 8;

const TOOLS: [&str; 3] = ["khronika", "trafilatura", "rs-trafilatura"];

struct Page {
    set: String,
    id: String,
    path: PathBuf,
    bytes: Vec<u8>,
}

/// One scored collection: ground truth `{id: {articleBody, url}}`; WCEB ones are also scored
/// by halves.
struct Dataset {
    name: String,
    truth: Map<String, Value>,
    halves: bool,
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

/// Half "A" or "B" of a WCEB page: FNV-1a of the id, low bit. Stable across runs and
/// machines, independent of the dev/held-out split (which used SHA-256 of another string).
fn half_of(id: &str) -> &'static str {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in b"khronika-wceb-half|".iter().chain(id.as_bytes()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    if h & 1 == 0 {
        "A"
    } else {
        "B"
    }
}

/// Words as the scorer counts them (`\w+`).
fn word_count(s: &str) -> usize {
    s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .count()
}

fn body_of(v: Option<&Value>) -> &str {
    v.and_then(|v| v["articleBody"].as_str()).unwrap_or("")
}

/// Runs the scorer; returns its JSON summary and, with `per_page`, the per-page F1.
fn score(
    python: &str,
    tools: &Path,
    gt: &Path,
    pred: &Path,
    per_page: Option<&Path>,
) -> (Value, BTreeMap<String, f64>) {
    let mut cmd = Command::new(python);
    cmd.arg(tools.join("score_extraction.py")).arg(gt).arg(pred);
    if let Some(p) = per_page {
        cmd.arg("--per-page").arg(p);
    }
    let Ok(o) = cmd.output() else {
        return (Value::Null, BTreeMap::new());
    };
    let summary = String::from_utf8_lossy(&o.stdout)
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or(Value::Null);
    let mut f1s = BTreeMap::new();
    if let Some(p) = per_page {
        let pages: Value = std::fs::read(p)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or(Value::Null);
        for (id, v) in pages.as_object().into_iter().flatten() {
            // No prediction shingles: precision is null, the page scores 0.
            let pr = v["precision"].as_f64().unwrap_or(0.0);
            let Some(rc) = v["recall"].as_f64() else {
                continue;
            };
            let f1 = if pr + rc > 0.0 {
                2.0 * pr * rc / (pr + rc)
            } else {
                0.0
            };
            f1s.insert(id.clone(), f1);
        }
    }
    (summary, f1s)
}

/// Scores of one tool on one dataset: parts ("all", and "A"/"B" for WCEB), empty outputs on
/// long truths per part, per-page F1 (all part).
#[derive(Default)]
struct Scored {
    parts: BTreeMap<&'static str, (Value, usize)>,
    pages: BTreeMap<String, f64>,
}

fn score_dataset(
    python: &str,
    tools: &Path,
    out_dir: &Path,
    tool: &str,
    ds: &Dataset,
    preds: &Map<String, Value>,
) -> Scored {
    let mut out = Scored::default();
    let parts: &[&'static str] = if ds.halves {
        &["all", "A", "B"]
    } else {
        &["all"]
    };
    for &part in parts {
        let keep = |id: &str| part == "all" || half_of(id) == part;
        let gt: Map<String, Value> = ds
            .truth
            .iter()
            .filter(|(id, _)| keep(id))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let pr: Map<String, Value> = gt
            .keys()
            .map(|id| (id.clone(), json!({"articleBody": body_of(preds.get(id))})))
            .collect();
        let empty = gt
            .iter()
            .filter(|(id, t)| {
                word_count(body_of(Some(t))) >= MIN_WORDS_NONEMPTY
                    && word_count(body_of(pr.get(*id))) == 0
            })
            .count();
        let name = ds.name.as_str();
        let gt_path = out_dir.join(format!("truth-{name}-{part}.json"));
        let pred_path = out_dir.join(format!("{tool}-{name}-{part}.json"));
        std::fs::write(&gt_path, Value::Object(gt).to_string()).expect("write truth");
        std::fs::write(&pred_path, Value::Object(pr).to_string()).expect("write preds");
        let per_page = out_dir.join(format!("{tool}-{name}-{part}-pages.json"));
        let (summary, pages) = score(
            python,
            tools,
            &gt_path,
            &pred_path,
            (part == "all").then_some(per_page.as_path()),
        );
        if part == "all" {
            out.pages = pages;
        }
        out.parts.insert(part, (summary, empty));
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    let value = |f: &str| {
        args.iter()
            .position(|a| a == f)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let no_python = flag("--no-python");
    let no_rs_traf = flag("--no-rs-trafilatura");
    let verbose = flag("--verbose");
    let save_baseline = flag("--save-baseline");
    let passes = value("--passes")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(PASSES)
        .max(1);
    let only: Option<Vec<String>> =
        value("--only").map(|v| v.split(',').map(str::to_string).collect());
    let wanted = |set: &str| only.as_ref().is_none_or(|o| o.iter().any(|s| s == set));
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
    let wceb_dir = shared.join("data/extraction/wceb");
    let out_dir = std::env::temp_dir().join("khronika-bench");
    std::fs::create_dir_all(&out_dir).expect("create output dir");

    // Load everything into memory first: the timing covers extraction only.
    let mut pages: Vec<Page> = Vec::new();
    let mut datasets: Vec<Dataset> = Vec::new();
    let truth_of = |dir: &Path| -> Map<String, Value> {
        let bytes = std::fs::read(dir.join("ground-truth.json"))
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        match serde_json::from_slice(&bytes) {
            Ok(Value::Object(m)) => m,
            _ => panic!("{}: ground-truth.json is not an object", dir.display()),
        }
    };
    let mut gz_dataset = |name: &str, dir: &Path, halves: bool, pages: &mut Vec<Page>| {
        let truth = truth_of(dir);
        for id in truth.keys() {
            let path = dir.join("html").join(format!("{id}.html.gz"));
            pages.push(Page {
                set: name.to_string(),
                id: id.clone(),
                bytes: read_page(&path),
                path,
            });
        }
        datasets.push(Dataset {
            name: name.to_string(),
            truth,
            halves,
        });
    };
    if wanted("scrapinghub") {
        gz_dataset("scrapinghub", &sh_dir, false, &mut pages);
    }
    let mut wceb_names: Vec<String> = std::fs::read_dir(&wceb_dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.path().join("ground-truth.json").is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| wanted(n))
        .collect();
    wceb_names.sort();
    for name in &wceb_names {
        gz_dataset(name, &wceb_dir.join(name), true, &mut pages);
    }
    let truth_text = std::fs::read_to_string(ru_dir.join("truth.jsonl")).expect("pages-ru truth");
    let ru_truth: Vec<Value> = if wanted("pages-ru") {
        truth_text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    } else {
        Vec::new()
    };
    if !ru_truth.is_empty() {
        let mut truth = Map::new();
        for t in &ru_truth {
            let file = t["file"].as_str().unwrap_or_default().to_string();
            truth.insert(
                file.clone(),
                json!({"articleBody": t["body"], "url": t["url"]}),
            );
            let path = ru_dir.join(&file);
            pages.push(Page {
                set: "pages-ru".into(),
                id: file,
                bytes: read_page(&path),
                path,
            });
        }
        datasets.push(Dataset {
            name: "pages-ru".into(),
            truth,
            halves: false,
        });
    }
    let sets: Vec<String> = datasets.iter().map(|d| d.name.clone()).collect();

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
    let mut ours: BTreeMap<String, (f64, f64, f64, usize, usize)> = BTreeMap::new();
    let mut articles: BTreeMap<(String, String), khronika_model::Article> = BTreeMap::new();
    for set in &sets {
        let group: Vec<&Page> = pages.iter().filter(|p| &p.set == set).collect();
        let bytes: usize = group.iter().map(|p| p.bytes.len()).sum();
        let opts: Vec<ExtractOptions> = group.iter().map(|p| opts_for(p)).collect();
        for (p, o) in group.iter().zip(&opts) {
            let a = extract(&p.bytes, o).unwrap_or_default();
            articles.insert((set.clone(), p.id.clone()), a);
        }
        let mut full = Vec::new();
        let mut decode = Vec::new();
        let mut parse = Vec::new();
        for _ in 0..passes {
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
            set.clone(),
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

    // --- predictions per tool and set: ours here, the anchors' from their output files.
    let mut preds: BTreeMap<(String, String), Map<String, Value>> = BTreeMap::new();
    for ((set, id), a) in &articles {
        preds
            .entry(("khronika".into(), set.clone()))
            .or_default()
            .insert(id.clone(), json!({"articleBody": a.text()}));
    }

    // --- trafilatura, same machine, same run.
    let manifest = json!({
        "passes": passes,
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
            traf = Some(v);
        } else {
            eprintln!("trafilatura run failed; use --no-python to skip it");
        }
    }

    // --- rs-trafilatura, same machine, same run, same manifest and output format.
    let mut rs_traf: Option<Value> = None;
    if !no_rs_traf {
        match run_rs_trafilatura(&mpath, &out_dir.join("rs-trafilatura.json")) {
            Ok(v) => rs_traf = Some(v),
            Err(e) => println!(
                "rs-trafilatura skipped: {e} (its rows are missing; --no-rs-trafilatura skips it)"
            ),
        }
    }
    let anchors: [(&str, Option<&Value>); 2] = [
        ("trafilatura", traf.as_ref()),
        ("rs-trafilatura", rs_traf.as_ref()),
    ];
    for (tool, v) in anchors {
        for set in &sets {
            if let Some(m) = v.and_then(|v| v["pages"][set.as_str()].as_object()) {
                preds.insert((tool.into(), set.clone()), m.clone());
            }
        }
    }

    // --- scores.
    let mut quality: BTreeMap<(String, String), Scored> = BTreeMap::new();
    for ((tool, set), p) in &preds {
        if let Some(ds) = datasets.iter().find(|d| &d.name == set) {
            let s = score_dataset(&python, &tools, &out_dir, tool, ds, p);
            quality.insert((tool.clone(), set.clone()), s);
        }
    }
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
    println!("khronika-extract benchmark (single thread, pages in memory, fastest of {passes} passes, all tools alike)");
    println!();
    println!("| set | part | tool | pages | F1 | P | R | acc | empty, truth ≥ {MIN_WORDS_NONEMPTY} words | pages/s | khronika speed / this tool |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let seconds_of = |tool: &str, set: &str| -> Option<f64> {
        if tool == "khronika" {
            return ours.get(set).map(|o| o.0);
        }
        let (_, v) = anchors.iter().find(|(name, _)| *name == tool)?;
        v.and_then(|v| v["seconds"][set].as_f64())
    };
    for set in &sets {
        let n = ours.get(set).map_or(0, |o| o.3);
        let our_rate = seconds_of("khronika", set).map_or(0.0, |s| n as f64 / s);
        for part in ["all", "A", "B"] {
            for tool in TOOLS {
                let Some((q, empty)) = quality
                    .get(&(tool.to_string(), set.clone()))
                    .and_then(|s| s.parts.get(part))
                else {
                    continue;
                };
                let rate = (part == "all")
                    .then(|| seconds_of(tool, set))
                    .flatten()
                    .map(|s| n as f64 / s);
                let ratio = rate.map_or("-".into(), |r| format!("{:.1}x", our_rate / r));
                println!(
                    "| {set} | {part} | {tool} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {empty} | {} | {ratio} |",
                    q["pages"].as_u64().unwrap_or(0),
                    q["f1"].as_f64().unwrap_or(0.0),
                    q["precision"].as_f64().unwrap_or(0.0),
                    q["recall"].as_f64().unwrap_or(0.0),
                    q["accuracy"].as_f64().unwrap_or(0.0),
                    rate.map_or("-".into(), |r| format!("{r:.0}")),
                );
            }
        }
    }

    // The WCEB acceptance figure: the mean of the dataset F1s, per tool and part.
    let wceb: Vec<&String> = datasets
        .iter()
        .filter(|d| d.halves)
        .map(|d| &d.name)
        .collect();
    if !wceb.is_empty() {
        println!();
        println!(
            "WCEB, mean of the {} dataset F1s ({}):",
            wceb.len(),
            wceb.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        for part in ["all", "A", "B"] {
            let mut line = format!("  {part:>3}:");
            for tool in TOOLS {
                let f1s: Vec<f64> = wceb
                    .iter()
                    .filter_map(|set| {
                        quality
                            .get(&(tool.to_string(), (*set).clone()))
                            .and_then(|s| s.parts.get(part))
                            .and_then(|(q, _)| q["f1"].as_f64())
                    })
                    .collect();
                let empty: usize = wceb
                    .iter()
                    .filter_map(|set| {
                        quality
                            .get(&(tool.to_string(), (*set).clone()))
                            .and_then(|s| s.parts.get(part))
                            .map(|(_, e)| *e)
                    })
                    .sum();
                if f1s.len() == wceb.len() {
                    let mean = f1s.iter().sum::<f64>() / f1s.len() as f64;
                    line.push_str(&format!("  {tool} {mean:.4} (empty {empty})"));
                }
            }
            println!("{line}");
        }
    }

    // Speed over every page read, the figure the "× trafilatura per core" target is about.
    let total_pages: usize = ours.values().map(|o| o.3).sum();
    let total = |tool: &str| -> Option<f64> { sets.iter().map(|s| seconds_of(tool, s)).sum() };
    if let Some(our_s) = total("khronika") {
        let mut line = format!(
            "all sets, {total_pages} pages: khronika {:.0} pages/s",
            total_pages as f64 / our_s
        );
        for (tool, _) in anchors {
            if let Some(s) = total(tool) {
                line.push_str(&format!(
                    "; {tool} {:.1} pages/s (khronika {:.1}x)",
                    total_pages as f64 / s,
                    s / our_s
                ));
            }
        }
        println!("{line}");
    }

    regression_report(&quality, &datasets, save_baseline, verbose);
    println!();
    if !ru_truth.is_empty() {
        println!("pages-ru metadata ({} pages): khronika title {title_ok}/{}  published {date_ok}/{date_n}  author {author_ok}/{author_n}  must_contain {mc_ok}/{mc_n}  must_not_contain absent {mnc_ok}/{mnc_n}",
            ru_truth.len(), ru_truth.len());
        for (tool, v) in anchors {
            if let Some(v) = v {
                let (t_title_ok, t_date_ok, t_author_ok) = anchor_meta(v, &ru_truth);
                println!("pages-ru metadata: {tool} title {t_title_ok}/{}  published {t_date_ok}/{date_n}  author {t_author_ok}/{author_n}", ru_truth.len());
            }
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
    for set in &sets {
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

/// Per-page comparison of khronika's F1 with the saved baseline
/// (`bench/page-baseline.json`: `{"f1": {set: {id: f1}}}`); `save` rewrites it from this run.
fn regression_report(
    quality: &BTreeMap<(String, String), Scored>,
    datasets: &[Dataset],
    save: bool,
    verbose: bool,
) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/page-baseline.json");
    let baseline: Value = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    println!();
    println!(
        "page-level regression report: khronika per-page F1 against {} (|change| ≥ {REGRESSION_DELTA})",
        path.display()
    );
    let mut current = Map::new();
    for ds in datasets {
        let Some(scored) = quality.get(&("khronika".to_string(), ds.name.clone())) else {
            continue;
        };
        let old = &baseline["f1"][ds.name.as_str()];
        let mut changes: Vec<(f64, &String, f64, f64)> = Vec::new();
        let mut unknown = 0usize;
        for (id, &f1) in &scored.pages {
            match old[id.as_str()].as_f64() {
                Some(was) if (f1 - was).abs() >= REGRESSION_DELTA => {
                    changes.push((f1 - was, id, was, f1))
                }
                Some(_) => {}
                None => unknown += 1,
            }
        }
        changes.sort_by(|a, b| a.0.total_cmp(&b.0));
        let worse: Vec<_> = changes.iter().filter(|c| c.0 < 0.0).collect();
        let better: Vec<_> = changes.iter().rev().filter(|c| c.0 > 0.0).collect();
        println!(
            "  {}: {} better, {} worse, {} unchanged, {unknown} not in the baseline",
            ds.name,
            better.len(),
            worse.len(),
            scored.pages.len() - changes.len() - unknown
        );
        let limit = if verbose { usize::MAX } else { REGRESSION_ROWS };
        for (label, rows) in [("worse", &worse), ("better", &better)] {
            for (delta, id, was, now) in rows.iter().take(limit) {
                let half = if ds.halves { half_of(id) } else { "-" };
                println!("    {label} [{half}] {id}: {was:.3} -> {now:.3} ({delta:+.3})");
            }
        }
        let rounded: Map<String, Value> = scored
            .pages
            .iter()
            .map(|(id, f)| (id.clone(), json!((f * 1000.0).round() / 1000.0)))
            .collect();
        current.insert(ds.name.clone(), Value::Object(rounded));
    }
    if save {
        // Sets not run this time keep their saved pages.
        let mut all = baseline["f1"].as_object().cloned().unwrap_or_default();
        all.extend(current);
        let out = json!({"tool": "khronika", "f1": all});
        match serde_json::to_string_pretty(&out) {
            Ok(s) => match std::fs::write(&path, s + "\n") {
                Ok(()) => println!("  baseline saved to {}", path.display()),
                Err(e) => println!("  baseline not saved: {e}"),
            },
            Err(e) => println!("  baseline not saved: {e}"),
        }
    }
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
