//! `khronika takedown`: hide an article or a whole source from the portal, API and feeds
//! (or bring it back), and set how a source's articles are shown.

use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use khronika_store::{ArticleId, DisplayPolicy, SourceId, Store};

use crate::cmd::source::{open_store, runtime};
use crate::GlobalOpts;

#[derive(Debug, Args)]
pub struct TakedownArgs {
    #[command(subcommand)]
    pub command: TakedownCommand,
}

#[derive(Debug, Subcommand)]
pub enum TakedownCommand {
    /// Hide one article (by id).
    Article {
        id: i64,
        /// Show it again instead.
        #[arg(long)]
        restore: bool,
    },
    /// Hide every article of a source (by name or id).
    Source {
        source: String,
        #[arg(long)]
        restore: bool,
    },
    /// How a source's articles are shown: `full` text, or `lead` + link to the original.
    Display { source: String, policy: String },
}

async fn find_source(store: &dyn Store, key: &str) -> Result<SourceId> {
    Ok(crate::cmd::find_source(store, key).await?.id)
}

pub fn run(global: &GlobalOpts, args: TakedownArgs) -> Result<ExitCode> {
    runtime()?.block_on(async move {
        let store = open_store(global).await?;
        match args.command {
            TakedownCommand::Article { id, restore } => {
                if store.get_article(ArticleId(id)).await?.is_none() {
                    bail!("no article {id}");
                }
                store.set_article_hidden(ArticleId(id), !restore).await?;
                eprintln!(
                    "khronika: article {id} {}",
                    if restore { "restored" } else { "hidden" }
                );
            }
            TakedownCommand::Source { source, restore } => {
                let id = find_source(store.as_ref(), &source).await?;
                store.set_source_hidden(id, !restore).await?;
                eprintln!(
                    "khronika: source {source} {}",
                    if restore { "restored" } else { "hidden" }
                );
            }
            TakedownCommand::Display { source, policy } => {
                let Some(p) = DisplayPolicy::parse(&policy) else {
                    bail!("policy must be `full` or `lead`");
                };
                let id = find_source(store.as_ref(), &source).await?;
                store.set_source_display(id, p).await?;
                eprintln!("khronika: source {source} now shown as {}", p.as_str());
            }
        }
        eprintln!("khronika: a running server shows the change within 30 seconds");
        Ok(ExitCode::SUCCESS)
    })
}
