//! `khronika search QUERY`: full-text search of the archive from the terminal.

use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;
use khronika_index::{SearchQuery, SortBy};

use crate::cmd::serve::open_index;
use crate::cmd::source::{data_dir, open_store_read_only, runtime};
use crate::GlobalOpts;

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words in any form ("саммита" finds "саммит"); "quoted phrases" match as phrases.
    pub query: String,
    /// Print JSON (one object with `total` and `hits`).
    #[arg(long)]
    pub json: bool,
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Only this source: its name as `khronika source list` shows it, its numeric id, or
    /// `local` for files ingested without a source.
    #[arg(long)]
    pub source: Option<String>,
    #[arg(long)]
    pub tag: Option<String>,
    /// Only articles mentioning this entity (normal form, e.g. "Айбек Смадияров").
    #[arg(long)]
    pub entity: Option<String>,
    /// Published on or after this day (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<String>,
    /// Published on or before this day (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<String>,
    /// Newest first instead of by relevance.
    #[arg(long)]
    pub by_date: bool,
    /// Only articles of this story (see `khronika stories`).
    #[arg(long, value_name = "ID")]
    pub story: Option<i64>,
    /// Only articles of this rubric (society, economy, technology, sports, entertainment,
    /// science, other, not_news).
    #[arg(long)]
    pub rubric: Option<String>,
    /// Also list near-duplicate copies (by default one entry per original).
    #[arg(long)]
    pub include_copies: bool,
}

fn day(s: &Option<String>, end: bool) -> Result<Option<DateTime<Utc>>> {
    let Some(s) = s else { return Ok(None) };
    let Ok(d) = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") else {
        bail!("{s:?} is not a date; write YYYY-MM-DD");
    };
    let d = if end { d.succ_opt().unwrap_or(d) } else { d };
    Ok(d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()))
}

/// The index's key for a source the user named (by name, id, or `local`).
async fn source_key(store: &dyn khronika_store::Store, given: &str) -> Result<String> {
    let given = given.trim();
    if given == "local" {
        return Ok(given.to_owned());
    }
    let s = crate::cmd::find_source(store, given)
        .await
        .context("--source")?;
    Ok(s.id.0.to_string())
}

pub fn run(global: &GlobalOpts, args: SearchArgs) -> Result<ExitCode> {
    let rubric = match args.rubric.as_deref() {
        Some(r) => match khronika_model::Rubric::parse(r) {
            Some(r) => Some(r.code().to_string()),
            None => bail!(
                "--rubric {r:?}: one of {}",
                khronika_model::Rubric::ALL.map(|r| r.code()).join(", ")
            ),
        },
        None => None,
    };
    let mut q = SearchQuery {
        text: args.query.clone(),
        source: None,
        tag: args.tag.clone(),
        entity: args.entity.clone(),
        story: args.story.map(|s| s.to_string()),
        rubric,
        originals_only: !args.include_copies,
        from: day(&args.from, false)?,
        to: day(&args.to, true)?,
        sort: if args.by_date {
            SortBy::Date
        } else {
            SortBy::Relevance
        },
        limit: args.limit.clamp(1, khronika_index::MAX_LIMIT),
        offset: 0,
    };
    runtime()?.block_on(async move {
        let dir = data_dir(global)?;
        let store = open_store_read_only(global).await?;
        // The index knows sources by id; the user names them as `source list` shows. An
        // unknown source is an error, not an empty result that looks like "nothing found".
        if let Some(s) = &args.source {
            q.source = Some(source_key(store.as_ref(), s).await?);
        }
        let index = open_index(&dir)?;
        // A merged story's id answers for the story it was merged into.
        if let Some(id) = args.story {
            if let Some(live) = store.resolve_story(khronika_store::StoryId(id)).await? {
                q.story = Some(live.0.to_string());
            }
        }
        // A running server holds the index writer: then search what is indexed already.
        if let Err(e) = khronika_index::sync::sync_index(store.as_ref(), &index).await {
            eprintln!("khronika: index not updated ({e}); searching what is indexed");
        }
        let res = index.search(&q)?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&res)?);
        } else {
            println!("{} found", res.total);
            for h in &res.hits {
                // Only a date the page states is printed as the article's: an undated
                // article's first-seen time orders the hits but is not its date.
                let date = h
                    .published
                    .map(|p| p.format("%Y-%m-%d").to_string())
                    .unwrap_or_else(|| "undated".to_string());
                println!("\n[{}] {}  {}", h.id, date, h.title);
                if let Some(u) = &h.url {
                    println!("    {u}");
                }
                let snippet: String = h
                    .snippet
                    .pieces()
                    .into_iter()
                    .map(|(s, m)| if m { format!("[{s}]") } else { s.to_string() })
                    .collect();
                println!("    {}", snippet.replace('\n', " "));
            }
        }
        Ok(if res.total > 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        })
    })
}
