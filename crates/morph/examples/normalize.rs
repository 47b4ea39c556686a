//! Normalises entity mentions read from stdin, one per line as `TYPE<TAB>text` (TYPE is
//! PER, ORG or LOC) or JSONL `{"type","text"[,"before","after"]}`; prints `text<TAB>normal`.

use std::io::BufRead;

use khronika_model::EntityKind;

fn kind(s: &str) -> EntityKind {
    match s {
        "ORG" => EntityKind::Organisation,
        "LOC" => EntityKind::Location,
        _ => EntityKind::Person,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let morph = khronika_morph::Morph::new()?;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        if line.starts_with('{') {
            let v: serde_json::Value = serde_json::from_str(&line)?;
            let get = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
            let ctx = khronika_morph::Context {
                before: &get("before"),
                after: &get("after"),
            };
            let normal = morph.normalize_entity_in_context(&get("text"), kind(&get("type")), ctx);
            println!(
                "{}",
                serde_json::json!({"text": get("text"), "normal": normal})
            );
        } else if let Some((t, text)) = line.split_once('\t') {
            println!("{text}\t{}", morph.normalize_entity(text, kind(t)));
        }
    }
    Ok(())
}
