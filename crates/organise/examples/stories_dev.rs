//! Same-story pairs: thread every article of `pairs-dev.jsonl` one by one (in file
//! order, as `khronika import` would), then score pair F1 on the story ids, for the whole
//! file and for its two halves (connected components of the URL graph split by a hash of
//! their smallest URL; half B is the one not looked at while tuning).
//!
//! `cargo run --release -p khronika-organise --example stories_dev -- ../shared/data/stories/pairs-dev.jsonl [--no-analysis] [--join X]`

use std::collections::HashMap;

use chrono::Utc;
use khronika_organise::{rubric, Arrival, Config, FeatureInput, Features, Organiser};

#[derive(serde::Deserialize)]
struct Side {
    title: String,
    text: String,
    url: String,
}
#[derive(serde::Deserialize)]
struct Pair {
    a: Side,
    b: Side,
    same_story: bool,
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn find(p: &mut HashMap<String, String>, x: &str) -> String {
    let mut x = x.to_string();
    loop {
        let up = p.get(&x).cloned().unwrap_or_else(|| x.clone());
        if up == x {
            return x;
        }
        x = up;
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .iter()
        .find(|a| !a.starts_with("--") && a.ends_with(".jsonl"))
        .cloned()
        .unwrap_or_else(|| "../shared/data/stories/pairs-dev.jsonl".into());
    let analysis = !args.iter().any(|a| a == "--no-analysis");
    let mut cfg = Config::default();
    if let Some(i) = args.iter().position(|a| a == "--join") {
        cfg.join = args
            .get(i + 1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(cfg.join);
    }
    let pairs: Vec<Pair> = std::fs::read_to_string(&path)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    let analyzer = if analysis {
        Some(khronika_understand::Analyzer::load()?)
    } else {
        None
    };
    // Articles in file order, each once.
    let mut order: Vec<&Side> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for p in &pairs {
        for s in [&p.a, &p.b] {
            if !index.contains_key(s.url.as_str()) {
                index.insert(&s.url, order.len());
                order.push(s);
            }
        }
    }
    let t0 = std::time::Instant::now();
    let feats: Vec<(Features, khronika_model::Rubric)> = order
        .iter()
        .map(|s| {
            let ents = analyzer
                .as_ref()
                .map(|a| a.analyze(&s.text).entities)
                .unwrap_or_default();
            let f = Features::extract(&FeatureInput {
                title: &s.title,
                text: &s.text,
                entities: &ents,
            });
            let r = rubric::classify(&rubric::RubricInput {
                title: &s.title,
                text: &s.text,
                url: Some(&s.url),
                ..Default::default()
            });
            (f, r)
        })
        .collect();
    let t_feat = t0.elapsed();
    let mut org = Organiser::new(cfg);
    let now = Utc::now();
    let mut story: HashMap<i64, Option<i64>> = HashMap::new();
    let t1 = std::time::Instant::now();
    for (i, (f, r)) in feats.into_iter().enumerate() {
        let p = org.place(Arrival {
            id: i as i64 + 1,
            source: None,
            time: now,
            title: order[i].title.clone(),
            rubric: r,
            features: f,
        });
        for d in p.decisions {
            story.insert(d.article, d.story);
        }
    }
    let t_place = t1.elapsed();
    // Halves by component.
    let mut parent: HashMap<String, String> = HashMap::new();
    for p in &pairs {
        let (ra, rb) = (find(&mut parent, &p.a.url), find(&mut parent, &p.b.url));
        if ra != rb {
            parent.insert(ra, rb);
        }
    }
    let mut min_url: HashMap<String, String> = HashMap::new();
    for p in &pairs {
        let r = find(&mut parent, &p.a.url);
        for u in [&p.a.url, &p.b.url] {
            let e = min_url.entry(r.clone()).or_insert_with(|| u.clone());
            if u < e {
                *e = u.clone();
            }
        }
    }
    let mut stats: HashMap<&str, (u32, u32, u32)> = HashMap::new();
    for p in &pairs {
        let half = if fnv(&min_url[&find(&mut parent, &p.a.url)]).is_multiple_of(2) {
            "A"
        } else {
            "B"
        };
        let sa = story
            .get(&(index[p.a.url.as_str()] as i64 + 1))
            .copied()
            .flatten();
        let sb = story
            .get(&(index[p.b.url.as_str()] as i64 + 1))
            .copied()
            .flatten();
        let same = sa.is_some() && sa == sb;
        if std::env::var("SHOW").is_ok_and(|v| v == half) && same != p.same_story {
            println!(
                "{} | {} || {}",
                if same { "FP" } else { "FN" },
                p.a.title,
                p.b.title
            );
        }
        for h in [half, "all"] {
            let e = stats.entry(h).or_default();
            match (same, p.same_story) {
                (true, true) => e.0 += 1,
                (true, false) => e.1 += 1,
                (false, true) => e.2 += 1,
                _ => {}
            }
        }
    }
    for h in ["A", "B", "all"] {
        let (tp, fp, fn_) = stats.get(h).copied().unwrap_or_default();
        let p = f64::from(tp) / f64::from((tp + fp).max(1));
        let r = f64::from(tp) / f64::from((tp + fn_).max(1));
        let f1 = 2.0 * f64::from(tp) / f64::from((2 * tp + fp + fn_).max(1));
        println!("{h:>3}: pair P {p:.3} R {r:.3} F1 {f1:.3} (tp {tp} fp {fp} fn {fn_})");
    }
    println!(
        "{} articles: features {:.1} ms (analysis {}), placement {:.2} ms",
        order.len(),
        t_feat.as_secs_f64() * 1e3,
        if analysis { "on" } else { "off" },
        t_place.as_secs_f64() * 1e3
    );
    Ok(())
}
