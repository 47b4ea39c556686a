//! `khronika migrate`: bring the shared PostgreSQL archive's schema up to this binary's.
//! Explicit, because many workers and servers share that database: none of them changes its
//! schema behind the others' backs (they refuse to start on a schema they do not know).
//! The embedded SQLite store migrates itself when a command that writes opens it.

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use crate::cmd::source::{check_database_url, runtime};
use crate::GlobalOpts;

#[derive(Debug, Args)]
pub struct MigrateArgs {}

pub fn run(global: &GlobalOpts, _args: MigrateArgs) -> Result<ExitCode> {
    let Some(url) = &global.database else {
        anyhow::bail!(
            "migrate needs --database postgres://… (or KHRONIKA_DATABASE_URL); the embedded store migrates itself"
        );
    };
    check_database_url(url)?;
    runtime()?.block_on(async move {
        let applied = khronika_store::postgres::migrate(url)
            .await
            .context("migrating the PostgreSQL archive")?;
        let known = khronika_store::postgres::known_version();
        if applied.is_empty() {
            eprintln!("khronika: schema already at version {known}");
        } else {
            eprintln!("khronika: applied migrations {applied:?}; schema at version {known}");
        }
        Ok(ExitCode::SUCCESS)
    })
}
