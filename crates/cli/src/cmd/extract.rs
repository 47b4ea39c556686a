//! `khronika extract`: pages in, article JSON out.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::{DateTime, FixedOffset, SecondsFormat};
use clap::{Args, ValueEnum};
use khronika_extract::{extract, ExtractOptions};
use khronika_model::{Article, Block};
use rayon::prelude::*;
use serde::Serialize;
use url::Url;

use crate::cmd::input::read_input;
use crate::GlobalOpts;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    /// Pretty JSON: one object, or an array for several inputs.
    Json,
    /// One compact JSON object per line, in input order.
    Jsonl,
    /// Title, then the text as a reader sees it.
    Text,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The page's URL (resolves relative links; becomes `id` for a single input).
    #[arg(long)]
    pub url: Option<Url>,
    /// The site's time zone for visible times without an offset, e.g. Asia/Almaty.
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<chrono_tz::Tz>,
    /// The time the page was fetched (RFC 3339); resolves "Сегодня, 10:15". Without it
    /// such relative dates give no date: a saved page was served at an unknown time, and
    /// neither now nor the file's modification time is it.
    #[arg(long, value_name = "RFC3339")]
    pub fetched_at: Option<DateTime<FixedOffset>>,
    #[arg(long, value_enum, default_value = "json")]
    pub format: OutputFormat,
    /// HTML files; `-` reads standard input; `.gz` is decompressed.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
}

/// The JSON contract of `khronika extract` (keys are relied on by other tools).
#[derive(Debug, Serialize)]
pub struct ExtractRecord<'a> {
    pub id: String,
    pub path: Option<&'a str>,
    pub url: Option<String>,
    pub title: Option<String>,
    pub lead: Option<String>,
    pub text: String,
    pub blocks: Vec<Block>,
    pub authors: Vec<String>,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub tags: Vec<String>,
    pub image: Option<String>,
    pub canonical_url: Option<String>,
    pub site_name: Option<String>,
    pub lang: Option<String>,
}

#[derive(Debug, Serialize)]
struct ErrorRecord<'a> {
    id: String,
    path: Option<&'a str>,
    error: String,
}

fn rfc3339(dt: &DateTime<FixedOffset>) -> String {
    dt.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

impl<'a> ExtractRecord<'a> {
    pub fn new(id: String, path: Option<&'a str>, article: Article) -> Self {
        ExtractRecord {
            id,
            path,
            url: article.url.as_ref().map(Url::to_string),
            text: article.text(),
            title: article.title,
            lead: article.lead,
            blocks: article.blocks,
            authors: article.authors,
            published: article.published.as_ref().map(rfc3339),
            modified: article.modified.as_ref().map(rfc3339),
            tags: article.tags,
            image: article.images.first().map(|i| i.url.to_string()),
            canonical_url: article.canonical_url.as_ref().map(Url::to_string),
            site_name: article.site_name,
            lang: article.lang.map(|l| l.0),
        }
    }
}

pub fn run(_global: &GlobalOpts, args: ExtractArgs) -> Result<ExitCode> {
    let fetched_at = args.fetched_at;
    let single = args.paths.len() == 1;
    // Each input is independent: extract in parallel, print in input order.
    let results: Vec<(String, Result<Article>)> = args
        .paths
        .par_iter()
        .map(|path| {
            let id = match (&args.url, single) {
                (Some(url), true) => url.to_string(),
                _ => path.clone(),
            };
            let opts = ExtractOptions {
                url: args.url.clone(),
                content_type: None,
                fetched_at,
                tz: args.tz,
            };
            let article = read_input(path).and_then(|bytes| {
                extract(&bytes, &opts)
                    .with_context(|| format!("cannot extract an article from {path}"))
            });
            (id, article)
        })
        .collect();

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failures = 0usize;
    let mut json_values = Vec::new();
    for ((id, result), path) in results.into_iter().zip(&args.paths) {
        let path = Some(path.as_str());
        match result {
            Ok(article) => {
                let record = ExtractRecord::new(id, path, article);
                match args.format {
                    OutputFormat::Jsonl => {
                        serde_json::to_writer(&mut out, &record)?;
                        writeln!(out)?;
                    }
                    OutputFormat::Json => json_values.push(serde_json::to_value(&record)?),
                    OutputFormat::Text => {
                        if let Some(title) = &record.title {
                            writeln!(out, "{title}\n")?;
                        }
                        writeln!(out, "{}\n", record.text)?;
                    }
                }
            }
            Err(err) => {
                failures += 1;
                eprintln!("khronika: {err:#}");
                if let OutputFormat::Jsonl = args.format {
                    let record = ErrorRecord {
                        id,
                        path,
                        error: format!("{err:#}"),
                    };
                    serde_json::to_writer(&mut out, &record)?;
                    writeln!(out)?;
                }
            }
        }
    }
    if let OutputFormat::Json = args.format {
        if single && json_values.len() == 1 {
            serde_json::to_writer_pretty(&mut out, &json_values[0])?;
        } else {
            serde_json::to_writer_pretty(&mut out, &json_values)?;
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
