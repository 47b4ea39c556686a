//! `khronika import FILE.jsonl`: already-extracted articles into the archive.

use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
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
    runtime()?.block_on(async move {
        let store = open_store(global).await?;
        let opts = PipelineOptions {
            analyze: !args.no_analysis,
            ..Default::default()
        };
        let counts = if args.file.as_os_str() == "-" {
            khronika_pipeline::import_jsonl(store, std::io::stdin().lock(), &opts).await?
        } else {
            let f = std::fs::File::open(&args.file)
                .with_context(|| format!("opening {}", args.file.display()))?;
            khronika_pipeline::import_jsonl(store, BufReader::new(f), &opts).await?
        };
        eprintln!("{counts}");
        Ok(crate::cmd::batch_exit(&counts))
    })
}
