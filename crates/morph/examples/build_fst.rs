//! Builds the dictionary FSTs from the `.tsv` files written by `tools/dump_pymorphy.py`.
//!
//! `cargo run --release -p khronika-morph --example build_fst -- DUMP_DIR crates/morph/data`

use std::io::BufRead;

fn build(
    tsv: &std::path::Path,
    out: &std::path::Path,
) -> Result<usize, Box<dyn std::error::Error>> {
    let file = std::io::BufReader::new(std::fs::File::open(tsv)?);
    let mut builder = fst::MapBuilder::new(std::io::BufWriter::new(std::fs::File::create(out)?))?;
    let mut n = 0;
    for line in file.lines() {
        let line = line?;
        let Some((key, value)) = line.split_once('\t') else {
            continue;
        };
        builder.insert(key.as_bytes(), value.parse::<u64>()?)?;
        n += 1;
    }
    builder.finish()?;
    Ok(n)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(src), Some(dst)) = (args.next(), args.next()) else {
        return Err("usage: build_fst DUMP_DIR OUT_DIR".into());
    };
    let (src, dst) = (std::path::Path::new(&src), std::path::Path::new(&dst));
    let n = build(&src.join("words.tsv"), &dst.join("words.fst"))?;
    eprintln!("words.fst: {n} keys");
    let n = build(&src.join("pred.tsv"), &dst.join("pred.fst"))?;
    eprintln!("pred.fst: {n} keys");
    let n = build(&src.join("ptw.tsv"), &dst.join("ptw.fst"))?;
    eprintln!("ptw.fst: {n} keys");
    std::fs::copy(src.join("tables.bin"), dst.join("tables.bin"))?;
    Ok(())
}
