//! `khronika import FILE.jsonl`: already-extracted articles into the archive.

use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Args;
use khronika_pipeline::PipelineOptions;

use crate::cmd::source::{open_store, runtime};
use crate::GlobalOpts;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// JSONL: `title, text, url, published, source` (+ optional `lead, authors, tags`) per line;
    /// `-` reads standard input.
    pub file: PathBuf,
    /// Skip the language layer.
    #[arg(long)]
    pub no_analysis: bool,
}

pub fn run(global: &GlobalOpts, args: ImportArgs) -> Result<ExitCode> {
    let stdin = args.file.as_os_str() == "-";
    let file = if stdin {
        None
    } else {
        // Checked before the store is opened: a wrong argument must not create a data dir.
        if args.file.is_dir() {
            bail!(
                "{} is a directory; import reads one JSONL file (or - for standard input)",
                args.file.display()
            );
        }
        Some(
            std::fs::File::open(&args.file)
                .with_context(|| format!("opening {}", args.file.display()))?,
        )
    };
    let name = if stdin {
        "standard input".to_owned()
    } else {
        args.file.display().to_string()
    };
    runtime()?.block_on(async move {
        let store = open_store(global).await?;
        let opts = PipelineOptions {
            analyze: !args.no_analysis,
            ..Default::default()
        };
        let got = match file {
            None => {
                khronika_pipeline::import_jsonl_listed(
                    store.clone(),
                    std::io::stdin().lock(),
                    &opts,
                )
                .await?
            }
            Some(f) => {
                khronika_pipeline::import_jsonl_listed(store.clone(), BufReader::new(f), &opts)
                    .await
                    .with_context(|| format!("importing {name}"))?
            }
        };
        for b in &got.bad {
            eprintln!("khronika: {name}: line {}: skipped: {}", b.line, b.reason);
        }
        let unlisted = got.counts.errors.saturating_sub(got.bad.len() as u64);
        if unlisted > 0 {
            eprintln!("khronika: {name}: {unlisted} more bad records not listed");
        }
        for p in &got.partial {
            eprintln!("khronika: {name}: line {}: warning: {}", p.line, p.reason);
        }
        let unlisted = got.incomplete.saturating_sub(got.partial.len() as u64);
        if unlisted > 0 {
            eprintln!("khronika: {name}: {unlisted} more incomplete records not listed");
        }
        crate::cmd::update_index(global, store.as_ref()).await?;
        eprintln!("{}, {} stored incomplete", got.counts, got.incomplete);
        Ok(crate::cmd::batch_exit(&got.counts))
    })
}
