//! Same-story pairs: thread every article of `pairs-dev.jsonl` one by one (in file
//! order, as `khronika import` would), then score pair F1 on the story ids.
//!
//! ```text
//! cargo run --release -p khronika-organise --example stories_dev -- [FILE.jsonl]
//!     [--no-analysis] [--join X] [--cv] [--dump]
//! ```
//!
//! * default: the shipped [`Config`], scored on the whole file and on its two halves
//!   (connected components of the URL graph split by a hash of their smallest URL).
//! * `--cv`: the held-out estimate. The [`Weights`] and the join threshold are fitted
//!   (logistic regression on the pairs' [`Signals`], then the threshold that maximises F1
//!   on the same training pairs) on all folds but one, the articles are threaded with
//!   them, and the left-out fold's pairs are scored; folds are URL components (no article
//!   in two folds), 5 folds, repeated with 10 shuffles; then leave one component out.
//!   Also: fitted on half A, scored on half B; and the weights fitted on the whole file
//!   (what `Weights::default` ships, which is not an estimate of anything).
//! * `--dump`: one JSON line of signals per pair.

use std::collections::HashMap;

use chrono::Utc;
use khronika_model::Rubric;
use khronika_organise::{
    rubric, Arrival, Config, FeatureInput, Features, Organiser, Signals, Weights,
};

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

/// A pair as the harness sees it: article indices, label, URL component.
struct Item {
    a: usize,
    b: usize,
    y: bool,
    comp: usize,
    half_a: bool,
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

/// True/false positives and false negatives of the "same story" class.
#[derive(Default, Clone, Copy)]
struct Counts {
    tp: u32,
    fp: u32,
    fn_: u32,
}

impl Counts {
    fn add(&mut self, predicted: bool, gold: bool) {
        match (predicted, gold) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            _ => {}
        }
    }
    fn plus(&self, o: &Counts) -> Counts {
        Counts {
            tp: self.tp + o.tp,
            fp: self.fp + o.fp,
            fn_: self.fn_ + o.fn_,
        }
    }
    fn f1(&self) -> f64 {
        2.0 * f64::from(self.tp) / f64::from((2 * self.tp + self.fp + self.fn_).max(1))
    }
    fn line(&self) -> String {
        let p = f64::from(self.tp) / f64::from((self.tp + self.fp).max(1));
        let r = f64::from(self.tp) / f64::from((self.tp + self.fn_).max(1));
        format!(
            "pair P {p:.3} R {r:.3} F1 {:.3} (tp {} fp {} fn {})",
            self.f1(),
            self.tp,
            self.fp,
            self.fn_
        )
    }
}

/// Thread every article in order: the organiser at the end and the story of each.
fn thread(
    cfg: Config,
    order: &[&Side],
    feats: &[(Features, Rubric)],
) -> (Organiser, Vec<Option<i64>>) {
    let mut org = Organiser::new(cfg);
    let now = Utc::now();
    let mut story = vec![None; order.len()];
    for (i, (f, r)) in feats.iter().enumerate() {
        let p = org.place(Arrival {
            id: i as i64,
            source: None,
            time: now,
            title: order[i].title.clone(),
            rubric: *r,
            features: f.clone(),
        });
        for d in p.decisions {
            if let Some(s) = usize::try_from(d.article)
                .ok()
                .and_then(|i| story.get_mut(i))
            {
                *s = d.story;
            }
        }
    }
    (org, story)
}

fn same(story: &[Option<i64>], it: &Item) -> bool {
    story[it.a].is_some() && story[it.a] == story[it.b]
}

/// The signals in the order the model weighs them.
fn x(s: &Signals) -> [f64; 5] {
    [
        f64::from(s.cosine),
        f64::from(s.entities),
        f64::from(s.headline_fit),
        f64::from(s.conflict),
        f64::from(s.reaction),
    ]
}

/// L2-regularised logistic regression by gradient descent: weights and bias. Five
/// features and a hundred pairs: plain full-batch descent converges well within the
/// iterations.
fn logistic(xs: &[[f64; 5]], ys: &[bool]) -> ([f64; 5], f64) {
    const L2: f64 = 1.0;
    const RATE: f64 = 0.5;
    let n = xs.len().max(1) as f64;
    let (mut w, mut b) = ([0.0f64; 5], 0.0f64);
    for _ in 0..4000 {
        let (mut gw, mut gb) = ([0.0f64; 5], 0.0f64);
        for (x, &y) in xs.iter().zip(ys) {
            let z = b + x.iter().zip(&w).map(|(a, c)| a * c).sum::<f64>();
            let e = 1.0 / (1.0 + (-z.clamp(-30.0, 30.0)).exp()) - f64::from(u8::from(y));
            gb += e;
            for (g, v) in gw.iter_mut().zip(x) {
                *g += e * v;
            }
        }
        for (wi, g) in w.iter_mut().zip(gw) {
            *wi -= RATE * (g + L2 * *wi) / n;
        }
        b -= RATE * gb / n;
    }
    (w, b)
}

/// The threshold on a score that maximises F1 on the given pairs (midway between two
/// neighbouring scores, so it does not sit on a training pair).
fn best_threshold(scores: &[f64], ys: &[bool]) -> f64 {
    let mut sorted: Vec<f64> = scores.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.dedup();
    let mut best = (-1.0, 0.0);
    for (i, &s) in sorted.iter().enumerate() {
        let t = if i == 0 { s } else { (s + sorted[i - 1]) / 2.0 };
        let mut c = Counts::default();
        for (&v, &y) in scores.iter().zip(ys) {
            c.add(v >= t, y);
        }
        if c.f1() > best.0 {
            best = (c.f1(), t);
        }
    }
    best.1
}

/// Fit the organiser's weights and join threshold on some pairs. The logistic weights
/// are divided by the cosine's so the score stays in "cosine units" (the candidate
/// filter and the merge margin are expressed in them).
fn fit(signals: &[Signals], items: &[Item], train: &[usize]) -> Config {
    let xs: Vec<[f64; 5]> = train.iter().map(|&i| x(&signals[i])).collect();
    let ys: Vec<bool> = train.iter().map(|&i| items[i].y).collect();
    let (w, b) = logistic(&xs, &ys);
    let scores: Vec<f64> = xs
        .iter()
        .map(|x| b + x.iter().zip(&w).map(|(a, c)| a * c).sum::<f64>())
        .collect();
    let t = best_threshold(&scores, &ys);
    let scale = if w[0] > 1e-6 { w[0] } else { 1.0 };
    let weights = Weights(Signals {
        cosine: 1.0,
        entities: (w[1] / scale) as f32,
        numbers: 0.0,
        headline_fit: (w[2] / scale) as f32,
        conflict: (w[3] / scale) as f32,
        reaction: (w[4] / scale) as f32,
    });
    let join = ((t - b) / scale) as f32;
    let base = Config::default();
    Config {
        join,
        merge: join + (base.merge - base.join),
        weights,
        ..base
    }
}

/// Fit on some pairs, thread every article, score the others.
fn held_out(
    items: &[Item],
    signals: &[Signals],
    order: &[&Side],
    feats: &[(Features, Rubric)],
    train: &[usize],
    test: &[usize],
    halves: &mut [Counts; 2],
) {
    let cfg = fit(signals, items, train);
    let (_, story) = thread(cfg, order, feats);
    for &i in test {
        halves[usize::from(!items[i].half_a)].add(same(&story, &items[i]), items[i].y);
    }
}

fn cross_validate(
    items: &[Item],
    signals: &[Signals],
    order: &[&Side],
    feats: &[(Features, Rubric)],
) {
    const FOLDS: usize = 5;
    const REPEATS: u64 = 10;
    let comps = items.iter().map(|it| it.comp + 1).max().unwrap_or(0);
    let mut f1s = Vec::new();
    let mut pooled = Counts::default();
    let mut by_half = [Counts::default(); 2];
    for rep in 0..REPEATS {
        // A seeded shuffle of the components (splitmix64), dealt round-robin to folds.
        let mut keyed: Vec<(u64, usize)> = (0..comps)
            .map(|c| {
                let mut z = (c as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ rep;
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                (z ^ (z >> 31), c)
            })
            .collect();
        keyed.sort_unstable();
        let mut fold_of = vec![0; comps];
        for (k, (_, c)) in keyed.iter().enumerate() {
            fold_of[*c] = k % FOLDS;
        }
        let mut halves = [Counts::default(); 2];
        for k in 0..FOLDS {
            let (test, train): (Vec<usize>, Vec<usize>) =
                (0..items.len()).partition(|&i| fold_of[items[i].comp] == k);
            held_out(items, signals, order, feats, &train, &test, &mut halves);
        }
        let c = halves.iter().fold(Counts::default(), |a, b| a.plus(b));
        f1s.push(c.f1());
        for (t, h) in by_half.iter_mut().zip(&halves) {
            *t = t.plus(h);
        }
        pooled = pooled.plus(&c);
    }
    let mean = f1s.iter().sum::<f64>() / f1s.len().max(1) as f64;
    let lo = f1s.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = f1s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    println!(
        "CV ({FOLDS} folds by URL component, {REPEATS} shuffles): F1 mean {mean:.3} \
         (min {lo:.3}, max {hi:.3}); pooled {}",
        pooled.line()
    );
    println!("  CV pooled, half A: {}", by_half[0].line());
    println!("  CV pooled, half B: {}", by_half[1].line());
    // Leave one URL component out: the most training data per fit, no shuffle to vary.
    let mut loco = [Counts::default(); 2];
    for comp in 0..comps {
        let (test, train): (Vec<usize>, Vec<usize>) =
            (0..items.len()).partition(|&i| items[i].comp == comp);
        held_out(items, signals, order, feats, &train, &test, &mut loco);
    }
    println!(
        "leave-one-component-out ({comps} components): {}",
        loco[0].plus(&loco[1]).line()
    );
    let (train, test): (Vec<usize>, Vec<usize>) = (0..items.len()).partition(|&i| items[i].half_a);
    let mut c = [Counts::default(); 2];
    held_out(items, signals, order, feats, &train, &test, &mut c);
    println!("fitted on A, scored on B: {}", c[1].line());
    let all: Vec<usize> = (0..items.len()).collect();
    let cfg = fit(signals, items, &all);
    println!(
        "fitted on all (the shipped defaults, not an estimate): join {:.3} {:?}",
        cfg.join, cfg.weights
    );
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
    let feats: Vec<(Features, Rubric)> = order
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

    // Components of the URL graph; half A/B by the hash of each one's smallest URL.
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
    let mut comp_ids: HashMap<String, usize> = HashMap::new();
    let items: Vec<Item> = pairs
        .iter()
        .map(|p| {
            let m = min_url[&find(&mut parent, &p.a.url)].clone();
            let n = comp_ids.len();
            Item {
                a: index[p.a.url.as_str()],
                b: index[p.b.url.as_str()],
                y: p.same_story,
                comp: *comp_ids.entry(m.clone()).or_insert(n),
                half_a: fnv(&m).is_multiple_of(2),
            }
        })
        .collect();

    let t1 = std::time::Instant::now();
    let (org, story) = thread(cfg, &order, &feats);
    let t_place = t1.elapsed();
    let mut stats: HashMap<&str, Counts> = HashMap::new();
    for (it, p) in items.iter().zip(&pairs) {
        let half = if it.half_a { "A" } else { "B" };
        let s = same(&story, it);
        if std::env::var("SHOW").is_ok_and(|v| v == half) && s != it.y {
            let kind = if s { "FP" } else { "FN" };
            println!("{kind} | {} || {}", p.a.title, p.b.title);
        }
        for h in [half, "all"] {
            stats.entry(h).or_default().add(s, it.y);
        }
    }
    for h in ["A", "B", "all"] {
        println!(
            "{h:>3}: {}",
            stats.get(h).copied().unwrap_or_default().line()
        );
    }
    println!(
        "{} articles: features {:.1} ms (analysis {}), placement {:.2} ms",
        order.len(),
        t_feat.as_secs_f64() * 1e3,
        if analysis { "on" } else { "off" },
        t_place.as_secs_f64() * 1e3
    );

    let want_cv = args.iter().any(|a| a == "--cv");
    let want_dump = args.iter().any(|a| a == "--dump");
    if !want_cv && !want_dump {
        return Ok(());
    }
    // Signals of every pair as the whole file's window weighs them (the window the
    // articles are threaded in); they do not depend on the weights.
    let signals: Vec<Signals> = items
        .iter()
        .map(|it| org.signals(&feats[it.a].0, &feats[it.b].0))
        .collect();
    if want_dump {
        for (s, p) in signals.iter().zip(&pairs) {
            println!(
                "{}",
                serde_json::json!({"a": p.a.url, "b": p.b.url, "y": p.same_story,
                    "cos": s.cosine, "ent": s.entities, "num": s.numbers, "conf": s.conflict,
                    "react": s.reaction, "fit": s.headline_fit,
                    "ta": p.a.title, "tb": p.b.title})
            );
        }
    }
    if want_cv {
        cross_validate(&items, &signals, &order, &feats);
    }
    Ok(())
}
