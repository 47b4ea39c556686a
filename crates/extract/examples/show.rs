//! Print what the extractor finds in one page: `cargo run -p khronika-extract --example show -- PAGE[.gz]`.

use std::io::Read;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: show PAGE[.gz]");
        std::process::exit(2);
    };
    let raw = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        if let Err(e) = flate2::read::MultiGzDecoder::new(raw.as_slice()).read_to_end(&mut out) {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
        out
    } else {
        raw
    };
    match khronika_extract::extract(&bytes, &Default::default()) {
        Ok(a) => {
            println!("title: {:?}\nlead: {:?}\nauthors: {:?}\npublished: {:?}\ntags: {:?}\nlang: {:?}\nsite: {:?}\nsection: {:?}\ncanonical: {:?}\n---",
                a.title, a.lead, a.authors, a.published.map(|d| d.to_rfc3339()), a.tags, a.lang, a.site_name, a.section, a.canonical_url.as_ref().map(|u| u.as_str()));
            for b in &a.blocks {
                println!(
                    "[{}] {}",
                    match b {
                        khronika_model::Block::Paragraph { .. } => "p",
                        khronika_model::Block::Heading { .. } => "h",
                        khronika_model::Block::List { .. } => "ul",
                        khronika_model::Block::Quote { .. } => "q",
                        khronika_model::Block::Table { .. } => "t",
                        khronika_model::Block::Preformatted { .. } => "pre",
                    },
                    b.plain_text()
                );
            }
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    }
}
