//! Prints the analyses of the words given as arguments, and the dictionary load time.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let t0 = std::time::Instant::now();
    let morph = khronika_morph::Morph::new()?;
    eprintln!("load: {:.1} ms", t0.elapsed().as_secs_f64() * 1000.0);
    for word in std::env::args().skip(1) {
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
