//! Prints the analyses of the words given as arguments (or, with no arguments, of the words
//! on stdin, one per line, as `word<TAB>lemma<TAB>tag<TAB>score` lines), and the load time.

use std::io::BufRead;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let t0 = std::time::Instant::now();
    let morph = khronika_morph::Morph::new()?;
    eprintln!("load: {:.1} ms", t0.elapsed().as_secs_f64() * 1000.0);
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        for word in std::io::stdin().lock().lines() {
            let word = word?;
            for p in morph.parse(&word) {
                println!(
                    "{word}\t{}\t{}\t{:.4}",
                    p.lemma,
                    p.tag_text(&morph),
                    p.score
                );
            }
        }
        return Ok(());
    }
    for word in args {
        println!("{word}:");
        for p in morph.parse(&word) {
            println!(
                "  {:<16} {:<40} {:.3} {:?} nomn={:?}",
                p.lemma,
                p.tag_text(&morph),
                p.score,
                p.method,
                morph.inflect(&p, khronika_morph::Target::case(khronika_morph::Case::Nomn))
            );
        }
    }
    Ok(())
}
