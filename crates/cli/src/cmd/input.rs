//! Reading inputs named on the command line: files, `-` for stdin, gzip transparently.

use std::io::Read;
use std::path::Path;

use anyhow::{bail, Context, Result};

/// Inputs larger than this are refused rather than read into memory.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Read a whole input: `-` is stdin; a `.gz` name or gzip magic bytes are decompressed.
pub fn read_input(path: &str) -> Result<Vec<u8>> {
    let raw = if path == "-" {
        read_limited(std::io::stdin().lock(), "standard input")?
    } else {
        let file =
            std::fs::File::open(Path::new(path)).with_context(|| format!("cannot open {path}"))?;
        read_limited(file, path)?
    };
    if raw.starts_with(&[0x1f, 0x8b]) {
        let decoder = flate2::read::MultiGzDecoder::new(raw.as_slice());
        return read_limited(decoder, path).with_context(|| format!("{path}: bad gzip data"));
    }
    Ok(raw)
}

fn read_limited(reader: impl Read, what: &str) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("cannot read {what}"))?;
    if buf.len() as u64 > MAX_INPUT_BYTES {
        bail!("{what} is larger than {MAX_INPUT_BYTES} bytes; refusing to read it");
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn gzip_is_read_transparently() {
        let dir = std::env::temp_dir().join(format!("khronika-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("page.html.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all("<p>Привет</p>".as_bytes()).expect("gzip");
        std::fs::write(&path, enc.finish().expect("gzip finish")).expect("write");
        let got = read_input(path.to_str().expect("utf-8 path")).expect("read");
        assert_eq!(got, "<p>Привет</p>".as_bytes());
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn missing_file_names_the_path() {
        let err = read_input("/nonexistent/khronika/page.html").expect_err("must fail");
        assert!(format!("{err:#}").contains("/nonexistent/khronika/page.html"));
    }
}
