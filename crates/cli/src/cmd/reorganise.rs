//! `khronika reorganise`: rebuild duplicates, stories and rubrics from the store.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use khronika_pipeline::CancellationToken;

use crate::cmd::source::{open_store, runtime};
use crate::GlobalOpts;

#[derive(Debug, Args)]
pub struct ReorganiseArgs {}

pub fn run(global: &GlobalOpts, _args: ReorganiseArgs) -> Result<ExitCode> {
    runtime()?.block_on(async move {
        let store = open_store(global).await?;
        let token = CancellationToken::new();
        crate::cmd::install_ctrl_c(token.clone());
        let started = std::time::Instant::now();
        let n = khronika_pipeline::reorganise(&*store, &token).await?;
        crate::cmd::update_index(global, store.as_ref()).await?;
        eprintln!(
            "{n} articles organised in {:.1} s{}",
            started.elapsed().as_secs_f64(),
            if token.is_cancelled() {
                " (stopped early: run it again to finish)"
            } else {
                ""
            }
        );
        Ok(if token.is_cancelled() {
            ExitCode::from(130)
        } else {
            ExitCode::SUCCESS
        })
    })
}
