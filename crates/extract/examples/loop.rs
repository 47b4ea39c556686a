//! Profiling aid: extract the given pages N times (`--example loop -- N PAGE...`).
fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);
    let pages: Vec<Vec<u8>> = args.filter_map(|p| std::fs::read(p).ok()).collect();
    let t0 = std::time::Instant::now();
    let mut blocks = 0usize;
    for _ in 0..n {
        for p in &pages {
            if let Ok(a) = khronika_extract::extract(p, &Default::default()) {
                blocks += a.blocks.len();
            }
        }
    }
    let s = t0.elapsed().as_secs_f64();
    println!(
        "{} extractions in {s:.3} s ({:.0}/s), {blocks} blocks",
        n * pages.len(),
        (n * pages.len()) as f64 / s
    );
}
