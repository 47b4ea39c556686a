//! Prints what `find_dates` reads in each stdin line, resolved against the reference given
//! as the first argument (RFC 3339, or naive `YYYY-MM-DDTHH:MM:SS`).
//!
//! `echo "вчера в 14:05" | cargo run -p khronika-dates --example probe -- 2025-04-03T12:00:00`

use std::io::BufRead;

use khronika_dates::{find_dates_at, Reference};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let arg = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "2013-02-12T04:30:00-02:00".into());
    let r = Reference::parse(&arg, None).ok_or("reference: RFC 3339 or YYYY-MM-DDTHH:MM:SS")?;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let found: Vec<String> = find_dates_at(&line, &r)
            .into_iter()
            .map(|d| {
                let v = d.value().map(str::to_owned).unwrap_or_else(|| {
                    format!(
                        "[{} .. {})",
                        d.from().unwrap_or_default(),
                        d.to().unwrap_or_default()
                    )
                });
                format!("«{}» {} {:?}", d.text, v, d.grain)
            })
            .collect();
        println!("{line:<40} => {}", found.join(" | "));
    }
    Ok(())
}
