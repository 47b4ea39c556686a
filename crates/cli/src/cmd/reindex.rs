//! `khronika reindex`: rebuild the search index from the store.

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use crate::cmd::serve::open_index;
use crate::cmd::source::{data_dir, open_store, runtime};
use crate::GlobalOpts;

#[derive(Debug, Args)]
pub struct ReindexArgs {}

pub fn run(global: &GlobalOpts, _args: ReindexArgs) -> Result<ExitCode> {
    runtime()?.block_on(async move {
        let dir = data_dir(global)?;
        let store = open_store(global).await?;
        let index = open_index(&dir)?;
        let started = std::time::Instant::now();
        let n = khronika_index::sync::reindex(store.as_ref(), &index)
            .await
            .context(
            "rebuilding the index (is `khronika serve` running on this data dir? stop it first)",
        )?;
        eprintln!(
            "khronika: reindexed {n} changes into {} articles in {:.1} s",
            index.num_docs(),
            started.elapsed().as_secs_f64()
        );
        Ok(ExitCode::SUCCESS)
    })
}
