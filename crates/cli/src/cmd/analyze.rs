//! `khronika analyze`: texts in (JSONL `{"id","text"}` or `khronika extract` records),
//! sentences, entities, quotes and dates out, one JSON object per input record.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::{DateTime, FixedOffset};
use clap::{Args, ValueEnum};
use khronika_dates::Reference;
use khronika_model::{DateMention, Mention, Quote, Span};
use khronika_understand::{AnalyzeOptions, Analyzer};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::cmd::input::read_input;
use crate::GlobalOpts;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AnalyzeFormat {
    /// One compact JSON object per line, in input order.
    Jsonl,
    /// One pretty JSON array.
    Json,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: AnalyzeFormat,
    /// Reference time for relative dates when a record has no `ref` (RFC 3339). Records
    /// from `khronika extract` use their `published` time. Without either, no dates.
    #[arg(long = "ref", value_name = "RFC3339")]
    pub reference: Option<DateTime<FixedOffset>>,
    /// The source's time zone for clock times without an offset, e.g. Asia/Almaty.
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<chrono_tz::Tz>,
    /// Input files (JSONL, a JSON array, pretty `khronika extract` output, or plain text:
    /// an input not starting with `{` or `[` is one text, id 0); `-` or nothing reads
    /// standard input.
    #[arg(value_name = "FILE", conflicts_with = "text")]
    pub paths: Vec<String>,
    /// Analyse this text (id 0) instead of reading inputs.
    #[arg(long, value_name = "TEXT")]
    pub text: Option<String>,
}

/// One output line (keys are the contract scorers rely on).
#[derive(Debug, Serialize)]
struct AnalyzeRecord {
    id: Value,
    sentences: Vec<Span>,
    entities: Vec<Mention>,
    quotes: Vec<Quote>,
    dates: Vec<DateMention>,
}

#[derive(Debug, Serialize)]
struct ErrorRecord {
    id: Value,
    error: String,
}

struct Input {
    id: Value,
    text: Option<String>,
    /// The record's own `ref` (or `published`), RFC 3339 or a wall-clock time.
    reference: Option<String>,
    /// Why the record could not be read (a bad JSONL line); it is answered by an error record.
    error: Option<String>,
}

/// Records are analysed in batches so memory stays bounded on big inputs.
const BATCH: usize = 512;

/// A record without an `id` is named by its 0-based position in its input, the
/// convention of the scorers in `../shared/tools` ("line order is the id").
fn record(value: Value, fallback_id: usize) -> Input {
    let id = value.get("id").cloned().unwrap_or(Value::from(fallback_id));
    let text = value.get("text").and_then(Value::as_str).map(str::to_owned);
    let reference = ["ref", "published"]
        .iter()
        .filter_map(|k| value.get(*k).and_then(Value::as_str))
        .find(|s| !s.trim().is_empty())
        .map(str::to_owned);
    Input {
        id,
        text,
        reference,
        error: None,
    }
}

/// Every JSON record of one input: a stream of objects (JSONL or pretty), arrays flattened.
///
/// When the stream does not parse and the input is JSONL (some line is a whole object by
/// itself), the bad lines are bad records, as in `khronika import`: each is answered by an
/// error record naming its line, in its place (the scorers read line order as the id), and
/// the other lines are analysed. A single pretty-printed document that does not parse
/// cannot be split into records and fails whole.
fn records(bytes: &[u8], path: &str) -> Result<Vec<Input>> {
    let start = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(bytes)
        .trim_ascii_start();
    if !start.is_empty() && !start.starts_with(b"{") && !start.starts_with(b"[") {
        let text = std::str::from_utf8(start)
            .with_context(|| format!("{path}: plain text input is not UTF-8"))?;
        return Ok(vec![plain_text(text)]);
    }
    match stream_records(bytes) {
        Ok(out) => Ok(out),
        Err((n, e)) if looks_like_jsonl(bytes) => {
            tracing::debug!(path, record = n, error = %e, "reading the input line by line");
            Ok(line_records(bytes))
        }
        Err((n, e)) => Err(e).with_context(|| format!("{path}: record {n} is not valid JSON")),
    }
}

/// A text given as such (`--text`, or an input that is not JSON): one record, id 0.
fn plain_text(text: &str) -> Input {
    Input {
        id: Value::from(0),
        text: Some(text.trim_end().to_owned()),
        reference: None,
        error: None,
    }
}

fn push_value(out: &mut Vec<Input>, value: Value) {
    match value {
        Value::Array(items) => {
            for item in items {
                out.push(record(item, out.len()));
            }
        }
        other => out.push(record(other, out.len())),
    }
}

/// The whole input as one stream of JSON values; on failure, the 1-based record number.
fn stream_records(bytes: &[u8]) -> std::result::Result<Vec<Input>, (usize, serde_json::Error)> {
    let mut out = Vec::new();
    let stream = serde_json::Deserializer::from_slice(bytes).into_iter::<Value>();
    for (n, value) in stream.enumerate() {
        push_value(&mut out, value.map_err(|e| (n + 1, e))?);
    }
    Ok(out)
}

fn non_empty_lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix(b"\r").unwrap_or(l)))
        .filter(|(_, l)| !l.trim_ascii().is_empty())
}

/// Whether some line holds a whole JSON object: true of JSONL, false of pretty output (whose
/// objects span lines).
fn looks_like_jsonl(bytes: &[u8]) -> bool {
    non_empty_lines(bytes).any(|(_, l)| {
        l.trim_ascii().starts_with(b"{") && serde_json::from_slice::<Value>(l).is_ok()
    })
}

fn line_records(bytes: &[u8]) -> Vec<Input> {
    let mut out = Vec::new();
    for (line, text) in non_empty_lines(bytes) {
        match serde_json::from_slice::<Value>(text) {
            Ok(value) => push_value(&mut out, value),
            Err(e) => {
                let why = if std::str::from_utf8(text).is_err() {
                    "not UTF-8 text".to_owned()
                } else {
                    format!("not valid JSON: {e}")
                };
                out.push(Input {
                    id: Value::from(out.len()),
                    text: None,
                    reference: None,
                    error: Some(format!("line {line}: {why}")),
                });
            }
        }
    }
    out
}

pub fn run(_global: &GlobalOpts, args: AnalyzeArgs) -> Result<ExitCode> {
    let analyzer = Analyzer::load().context("cannot load the embedded NER model")?;
    let paths = if args.text.is_some() {
        vec!["--text".to_owned()]
    } else if args.paths.is_empty() {
        vec!["-".to_owned()]
    } else {
        args.paths.clone()
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failures = 0usize;
    let mut written = 0usize;
    if let AnalyzeFormat::Json = args.format {
        write!(out, "[")?;
    }
    for path in &paths {
        let inputs = match &args.text {
            Some(text) => vec![plain_text(text)],
            None => {
                let bytes = read_input(path)?;
                records(&bytes, path)?
            }
        };
        for batch in inputs.chunks(BATCH) {
            let results: Vec<std::result::Result<AnalyzeRecord, ErrorRecord>> = batch
                .par_iter()
                .map(|input| {
                    if let Some(error) = &input.error {
                        return Err(ErrorRecord {
                            id: input.id.clone(),
                            error: error.clone(),
                        });
                    }
                    let Some(text) = &input.text else {
                        return Err(ErrorRecord {
                            id: input.id.clone(),
                            error: "record has no string field \"text\"".into(),
                        });
                    };
                    // A record's naive `ref` ("2025-04-03T12:00:00") is a wall-clock time:
                    // dates then come out without an offset, as the reference has none.
                    let reference = input
                        .reference
                        .as_deref()
                        .and_then(|s| Reference::parse(s, args.tz))
                        .or_else(|| args.reference.map(|r| Reference::new(r, args.tz)));
                    let opts = AnalyzeOptions { reference };
                    let a = analyzer.analyze_with(text, &opts);
                    Ok(AnalyzeRecord {
                        id: input.id.clone(),
                        sentences: a.sentences,
                        entities: a.entities,
                        quotes: a.quotes,
                        dates: a.dates,
                    })
                })
                .collect();
            for result in results {
                if let Err(err) = &result {
                    failures += 1;
                    eprintln!("khronika: {path}: record {}: {}", err.id, err.error);
                }
                match args.format {
                    AnalyzeFormat::Jsonl => {
                        match &result {
                            Ok(rec) => serde_json::to_writer(&mut out, rec)?,
                            Err(err) => serde_json::to_writer(&mut out, err)?,
                        }
                        writeln!(out)?;
                    }
                    AnalyzeFormat::Json => {
                        writeln!(out, "{}", if written == 0 { "" } else { "," })?;
                        match &result {
                            Ok(rec) => serde_json::to_writer_pretty(&mut out, rec)?,
                            Err(err) => serde_json::to_writer_pretty(&mut out, err)?,
                        }
                    }
                }
                written += 1;
            }
        }
    }
    if let AnalyzeFormat::Json = args.format {
        writeln!(out, "\n]")?;
    }
    out.flush()?;
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_pretty_json_and_arrays_are_all_read() {
        let jsonl = b"{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":7,\"text\":\"y\",\"ref\":\"2024-06-17T12:00:00+05:00\"}\n";
        let got = records(jsonl, "in").expect("jsonl");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].id, Value::String("a".into()));
        assert_eq!(got[1].id, serde_json::json!(7));
        assert!(got[1].reference.is_some() && got[0].reference.is_none());

        let pretty = b"[\n {\"id\": \"p\", \"text\": \"z\", \"published\": \"2024-06-17T12:00:00+05:00\"},\n {\"text\": \"w\"}\n]";
        let got = records(pretty, "arr.json").expect("array");
        assert_eq!(got.len(), 2);
        assert!(
            got[0].reference.is_some(),
            "extract's `published` is the reference"
        );
        assert_eq!(
            got[1].id,
            serde_json::json!(1),
            "0-based position, as the scorers read it"
        );
        assert_eq!(got[1].text.as_deref(), Some("w"));
    }

    #[test]
    fn a_bad_jsonl_line_is_one_bad_record_and_a_broken_document_fails_whole() {
        let jsonl =
            b"{\"id\":1,\"text\":\"a\"}\nnot json\n{\"text\":\"\xD0\xCF\"}\n{\"text\":\"c\"}\n";
        let got = records(jsonl, "feed.jsonl").expect("the good lines are read");
        assert_eq!(got.len(), 4, "one record per line, bad ones in place");
        let errors: Vec<Option<&str>> = got.iter().map(|r| r.error.as_deref()).collect();
        assert!(errors[0].is_none() && errors[3].is_none(), "{errors:?}");
        assert!(
            errors[1].is_some_and(|e| e.starts_with("line 2: not valid JSON")),
            "{errors:?}"
        );
        assert!(
            errors[2].is_some_and(|e| e.starts_with("line 3: not UTF-8")),
            "{errors:?}"
        );
        assert_eq!(
            got[2].id,
            serde_json::json!(2),
            "position kept for the scorers"
        );
        assert_eq!(got[3].text.as_deref(), Some("c"));

        let err = records(b"[\n {\"id\": 1,\n  \"text\": \"a\"\n oops\n]", "arr.json")
            .err()
            .expect("a broken pretty document fails");
        let msg = format!("{err:#}");
        assert!(
            msg.contains("arr.json") && msg.contains("record 1"),
            "{msg}"
        );
        assert!(records(b"", "empty").expect("empty input").is_empty());
    }

    #[test]
    fn plain_text_is_one_record() {
        let got = records(
            "\u{feff}Токаев прибыл в Астану.\nВторая строка.\n".as_bytes(),
            "-",
        )
        .expect("plain text");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].id, serde_json::json!(0));
        assert_eq!(
            got[0].text.as_deref(),
            Some("Токаев прибыл в Астану.\nВторая строка.")
        );
        // JSON input is still read as records, not as a text.
        let got = records(b"  {\"id\":\"a\",\"text\":\"x\"}", "-").expect("jsonl");
        assert_eq!(got[0].text.as_deref(), Some("x"));
        assert!(
            records(b"\xD0\xCF plain", "-").is_err(),
            "bad UTF-8 is refused"
        );
    }
}
