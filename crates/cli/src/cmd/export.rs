//! `khronika export`: every article with metadata, analysis and versions, as JSONL or CSV.

use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, ValueEnum};
use khronika_pipeline::{ExportFormat, ExportOptions};

use crate::cmd::source::{open_store_read_only, runtime};
use crate::GlobalOpts;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Jsonl,
    Csv,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: Format,
    /// Only articles published (or first seen) since this date (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only this source (name or id).
    #[arg(long, value_name = "SOURCE")]
    pub source: Option<String>,
}

pub fn parse_since(s: &str) -> Result<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Ok(d.with_timezone(&Utc));
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .with_context(|| format!("--since {s:?}: use YYYY-MM-DD or RFC 3339"))?;
    d.and_hms_opt(0, 0, 0)
        .map(|n| n.and_utc())
        .context("--since: bad date")
}

pub fn run(global: &GlobalOpts, args: ExportArgs) -> Result<ExitCode> {
    let since = args.since.as_deref().map(parse_since).transpose()?;
    runtime()?.block_on(async move {
        let store = open_store_read_only(global).await?;
        let source = match &args.source {
            Some(key) => Some(crate::cmd::find_source(&*store, key).await?.name),
            None => None,
        };
        let opts = ExportOptions {
            format: match args.format {
                Format::Jsonl => ExportFormat::Jsonl,
                Format::Csv => ExportFormat::Csv,
            },
            since,
            source,
        };
        let mut out = std::io::BufWriter::new(std::io::stdout());
        let n = khronika_pipeline::export(store, &mut out, &opts).await?;
        eprintln!("{n} articles exported");
        Ok(ExitCode::SUCCESS)
    })
}
