//! `khronika reprocess`: re-run extraction and analysis over the stored raw pages, offline.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use khronika_pipeline::{CancellationToken, PipelineOptions};

use crate::cmd::source::{open_store, runtime};
use crate::GlobalOpts;

#[derive(Debug, Args)]
pub struct ReprocessArgs {
    /// Skip the language layer.
    #[arg(long)]
    pub no_analysis: bool,
}

pub fn run(global: &GlobalOpts, args: ReprocessArgs) -> Result<ExitCode> {
    runtime()?.block_on(async move {
        let store = open_store(global).await?;
        let token = CancellationToken::new();
        crate::cmd::install_ctrl_c(token.clone());
        let opts = PipelineOptions {
            analyze: !args.no_analysis,
            progress: true,
            ..Default::default()
        };
        let counts = khronika_pipeline::reprocess(store.clone(), &opts, token).await?;
        crate::cmd::update_index(global, store.as_ref()).await?;
        eprintln!("{counts}");
        Ok(crate::cmd::batch_exit(&counts))
    })
}
