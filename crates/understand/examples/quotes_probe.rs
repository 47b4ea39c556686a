//! Prints the quotes found in each stdin line (a paragraph; `\n` in the line = a newline),
//! with the NER of this crate supplying the entities.
//!
//! `echo "«Всё готово», — сказал мэр Алматы Ерболат Досаев." | cargo run -p khronika-understand --example quotes_probe`

use std::io::BufRead;

use khronika_understand::quotes::find_quotes;
use khronika_understand::Analyzer;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let analyzer = Analyzer::load()?;
    for line in std::io::stdin().lock().lines() {
        let text = line?.replace("\\n", "\n");
        let a = analyzer.analyze(&text);
        println!("== {text}");
        for m in &a.entities {
            print!("[{} {} → {}] ", m.kind.code(), m.text, m.normal);
        }
        println!();
        for q in find_quotes(&text, &a.entities, analyzer.morph()) {
            println!(
                "  {} «{}» — {:?} / {:?}",
                if q.direct { "D" } else { "I" },
                q.text,
                q.speaker,
                q.role
            );
        }
    }
    Ok(())
}
