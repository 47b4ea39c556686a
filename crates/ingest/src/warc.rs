//! Reading WARC files (ISO 28500; `.warc` or `.warc.gz`): the HTML responses and resources
//! they hold, for `khronika ingest --file`.

use std::io::{BufRead, BufReader, Read};

use chrono::{DateTime, Utc};

/// Largest WARC record body read into memory; bigger records are skipped.
pub const MAX_RECORD: u64 = 32 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarcPage {
    pub target_uri: Option<String>,
    pub date: Option<DateTime<Utc>>,
    pub status: u16,
    pub content_type: Option<String>,
    /// The payload, transfer and content encodings removed.
    pub body: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum WarcError {
    #[error("reading the WARC file: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a WARC record: {0}")]
    Format(String),
}

/// A reader that decompresses gzip (every member, as `.warc.gz` has one per record) when the
/// data starts with the gzip magic number.
pub fn open_maybe_gzip<R: Read + 'static>(inner: R) -> std::io::Result<Box<dyn BufRead>> {
    let mut br = BufReader::new(inner);
    let magic = br.fill_buf()?;
    if magic.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::new(
            flate2::bufread::MultiGzDecoder::new(br),
        )))
    } else {
        Ok(Box::new(br))
    }
}

fn read_line(r: &mut dyn BufRead, limit: usize) -> Result<Option<String>, WarcError> {
    let mut line = Vec::new();
    let n = (&mut *r).take(limit as u64).read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    Ok(Some(
        String::from_utf8_lossy(&line)
            .trim_end_matches(['\r', '\n'])
            .to_owned(),
    ))
}

fn split_header(line: &str) -> Option<(String, String)> {
    let (k, v) = line.split_once(':')?;
    Some((k.trim().to_ascii_lowercase(), v.trim().to_owned()))
}

/// Iterate the HTML-bearing records (`response` with an HTTP payload, `resource`).
pub struct WarcReader {
    input: Box<dyn BufRead>,
    done: bool,
}

impl WarcReader {
    pub fn new(input: Box<dyn BufRead>) -> Self {
        WarcReader { input, done: false }
    }

    fn next_record(&mut self) -> Result<Option<WarcPage>, WarcError> {
        loop {
            // Skip blank lines between records.
            let version = loop {
                match read_line(&mut *self.input, 256)? {
                    None => return Ok(None),
                    Some(l) if l.trim().is_empty() => continue,
                    Some(l) => break l,
                }
            };
            if !version.starts_with("WARC/") {
                return Err(WarcError::Format(format!(
                    "expected a WARC version line, got {version:?}"
                )));
            }
            let mut headers = Vec::new();
            loop {
                let Some(l) = read_line(&mut *self.input, 64 * 1024)? else {
                    return Err(WarcError::Format("truncated record header".into()));
                };
                if l.is_empty() {
                    break;
                }
                if headers.len() < 256 {
                    if let Some(h) = split_header(&l) {
                        headers.push(h);
                    }
                }
            }
            let get = |k: &str| headers.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            let len: u64 = get("content-length")
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| WarcError::Format("record without Content-Length".into()))?;
            let kind = get("warc-type").unwrap_or_default().to_ascii_lowercase();
            if len > MAX_RECORD {
                std::io::copy(&mut self.input.by_ref().take(len), &mut std::io::sink())?;
                tracing::warn!(len, "skipping an oversized WARC record");
                continue;
            }
            let mut block = Vec::with_capacity(len as usize);
            self.input.by_ref().take(len).read_to_end(&mut block)?;
            if (block.len() as u64) < len {
                return Err(WarcError::Format("truncated record body".into()));
            }
            let target_uri = get("warc-target-uri").map(|u| u.trim_matches(['<', '>']).to_owned());
            let date = get("warc-date")
                .and_then(|d| DateTime::parse_from_rfc3339(&d).ok())
                .map(|d| d.with_timezone(&Utc));
            let block_type = get("content-type").unwrap_or_default().to_ascii_lowercase();
            match kind.as_str() {
                "response" if block_type.starts_with("application/http") => {
                    if let Some(page) = parse_http(&block, target_uri, date) {
                        return Ok(Some(page));
                    }
                }
                "resource" => {
                    return Ok(Some(WarcPage {
                        target_uri,
                        date,
                        status: 200,
                        content_type: Some(block_type).filter(|s| !s.is_empty()),
                        body: block,
                    }))
                }
                _ => {}
            }
        }
    }
}

impl Iterator for WarcReader {
    type Item = Result<WarcPage, WarcError>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_record() {
            Ok(Some(p)) => Some(Ok(p)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let nl = body.iter().position(|b| *b == b'\n')?;
        let line = std::str::from_utf8(body.get(..nl)?).ok()?.trim();
        let size = usize::from_str_radix(line.split(';').next()?.trim(), 16).ok()?;
        body = body.get(nl + 1..)?;
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size..)?;
        // CRLF after the chunk.
        while body.first().is_some_and(|b| *b == b'\r' || *b == b'\n') {
            body = body.get(1..)?;
        }
    }
}

fn parse_http(
    block: &[u8],
    target_uri: Option<String>,
    date: Option<DateTime<Utc>>,
) -> Option<WarcPage> {
    let split = block
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| (p, 4))
        .or_else(|| block.windows(2).position(|w| w == b"\n\n").map(|p| (p, 2)))?;
    let head = String::from_utf8_lossy(block.get(..split.0)?);
    let mut lines = head.lines();
    let status_line = lines.next()?;
    let status: u16 = status_line.split_whitespace().nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines.filter_map(split_header).collect();
    let get = |k: &str| headers.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let mut body = block.get(split.0 + split.1..)?.to_vec();
    if get("transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked")) {
        body = dechunk(&body).unwrap_or(body);
    }
    match get("content-encoding")
        .map(|c| c.to_ascii_lowercase())
        .as_deref()
    {
        Some("gzip") | Some("x-gzip") => {
            let mut out = Vec::new();
            let ok = flate2::read::MultiGzDecoder::new(body.as_slice())
                .take(MAX_RECORD)
                .read_to_end(&mut out)
                .is_ok();
            if ok {
                body = out;
            }
        }
        Some("deflate") => {
            let mut out = Vec::new();
            if flate2::read::ZlibDecoder::new(body.as_slice())
                .take(MAX_RECORD)
                .read_to_end(&mut out)
                .is_ok()
            {
                body = out;
            }
        }
        _ => {}
    }
    Some(WarcPage {
        target_uri,
        date,
        status,
        content_type: get("content-type"),
        body,
    })
}

/// Write one `response` record (used by tests and tools that produce WARC files).
pub fn write_response_record(
    out: &mut Vec<u8>,
    uri: &str,
    date: &str,
    http_headers: &str,
    body: &[u8],
) {
    let mut block = Vec::new();
    block.extend_from_slice(b"HTTP/1.1 200 OK\r\n");
    block.extend_from_slice(http_headers.as_bytes());
    block.extend_from_slice(b"\r\n");
    block.extend_from_slice(body);
    out.extend_from_slice(
        format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&block);
    out.extend_from_slice(b"\r\n\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_responses_and_skips_requests() {
        let mut w = Vec::new();
        w.extend_from_slice(
            b"WARC/1.0\r\nWARC-Type: request\r\nContent-Length: 5\r\n\r\nGET /\r\n\r\n",
        );
        write_response_record(
            &mut w,
            "https://n.example/a",
            "2025-04-02T10:00:00Z",
            "Content-Type: text/html; charset=utf-8\r\n",
            "<p>Привет</p>".as_bytes(),
        );
        let chunked = b"Transfer-Encoding: chunked\r\n";
        let mut block = Vec::new();
        block.extend_from_slice(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        write_response_record(
            &mut w,
            "https://n.example/b",
            "2025-04-02T10:00:00Z",
            std::str::from_utf8(chunked).unwrap_or(""),
            &block,
        );
        let pages: Vec<_> = WarcReader::new(Box::new(std::io::Cursor::new(w)))
            .collect::<Result<_, _>>()
            .expect("reads");
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].target_uri.as_deref(), Some("https://n.example/a"));
        assert_eq!(pages[0].body, "<p>Привет</p>".as_bytes());
        assert_eq!(pages[1].body, b"hello world");
    }

    #[test]
    fn garbage_and_truncation_are_errors() {
        let r: Vec<_> =
            WarcReader::new(Box::new(std::io::Cursor::new(b"hello".to_vec()))).collect();
        assert!(matches!(r.as_slice(), [Err(_)]));
        let r: Vec<_> = WarcReader::new(Box::new(std::io::Cursor::new(
            b"WARC/1.0\r\nContent-Length: 100\r\n\r\nshort".to_vec(),
        )))
        .collect();
        assert!(matches!(r.as_slice(), [Err(_)]));
    }
}
