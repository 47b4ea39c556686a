//! `khronika stories`: the stories (threads of articles about one event), newest first.

use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::Args;
use khronika_model::Rubric;
use khronika_store::{PageRequest, StoryFilter};

use crate::cmd::export::parse_since;
use crate::cmd::source::{open_store_read_only, runtime};
use crate::GlobalOpts;

#[derive(Debug, Args)]
pub struct StoriesArgs {
    /// Only stories with an article since this date (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only stories of this rubric (society, economy, technology, sports, entertainment,
    /// science, other).
    #[arg(long, value_name = "RUBRIC")]
    pub rubric: Option<String>,
    /// Only stories with at least this many articles.
    #[arg(long, default_value_t = 1)]
    pub min_articles: u32,
    /// At most this many stories.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(global: &GlobalOpts, args: StoriesArgs) -> Result<ExitCode> {
    let since = args.since.as_deref().map(parse_since).transpose()?;
    let rubric = match args.rubric.as_deref() {
        Some(r) => match Rubric::parse(r) {
            Some(r) => Some(r),
            None => bail!(
                "--rubric {r:?}: one of {}",
                Rubric::ALL.map(|r| r.code()).join(", ")
            ),
        },
        None => None,
    };
    runtime()?.block_on(async move {
        let store = open_store_read_only(global).await?;
        let filter = StoryFilter {
            rubric,
            since,
            min_articles: args.min_articles,
        };
        let mut cursor = None;
        let mut left = args.limit;
        while left > 0 {
            let page = store
                .list_stories(
                    &filter,
                    &PageRequest {
                        cursor: cursor.clone(),
                        limit: left.min(200),
                    },
                )
                .await?;
            for s in &page.items {
                if args.json {
                    println!("{}", serde_json::to_string(s)?);
                } else {
                    println!(
                        "{:>8}  {}  {:>3} art. {:>3} src.  {:<13}  {}",
                        s.id.0,
                        s.last_seen.format("%Y-%m-%d %H:%M"),
                        s.article_count,
                        s.sources,
                        s.rubric.map(|r| r.code()).unwrap_or("-"),
                        s.title
                    );
                }
            }
            left = left.saturating_sub(page.items.len());
            match page.next {
                Some(c) if !page.items.is_empty() => cursor = Some(c),
                _ => break,
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}
