//! `khronika status`: the health of every source, as a table or JSON.

use std::process::ExitCode;

use anyhow::Result;
use chrono::Utc;
use clap::Args;
use khronika_pipeline::SourceStatus;

use crate::cmd::source::{open_store_read_only, runtime};
use crate::GlobalOpts;

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// One JSON object per source instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(global: &GlobalOpts, args: StatusArgs) -> Result<ExitCode> {
    runtime()?.block_on(async move {
        let store = open_store_read_only(global).await?;
        let status = khronika_pipeline::source_status(&*store, Utc::now()).await?;
        if args.json {
            for s in &status {
                println!("{}", serde_json::to_string(s)?);
            }
        } else {
            print!("{}", render(&status));
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn render(status: &[SourceStatus]) -> String {
    let rows: Vec<Vec<String>> = status.iter().map(row).collect();
    let mut out = crate::cmd::table(
        &[
            "ID",
            "SOURCE",
            "LAST FETCH",
            "OUTCOME",
            "ARTICLES/DAY (7 DAYS)",
            "ERRORS (7 DAYS)",
            "TITLE/BODY/DATE (LAST PAGES)",
        ],
        &rows,
    );
    for s in status {
        for flag in &s.flags {
            out.push_str(&format!("{}: {flag}\n", s.name));
        }
    }
    out
}

fn row(s: &SourceStatus) -> Vec<String> {
    let h = &s.health;
    let (last, outcome) = match &h.last_fetch {
        Some(l) => (
            l.at.format("%Y-%m-%d %H:%M").to_string(),
            match (&l.failure, l.status) {
                (Some(f), _) => f.clone(),
                (None, Some(code)) => format!("HTTP {code}"),
                (None, None) => "?".to_owned(),
            },
        ),
        None => ("never".to_owned(), String::new()),
    };
    let per_day = h
        .articles_per_day
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    let errors = if h.errors_by_kind.is_empty() {
        "0".to_owned()
    } else {
        h.errors_by_kind
            .iter()
            .map(|(kind, n)| format!("{kind} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let r = &h.recent;
    let pct = |n: u64| {
        if r.pages == 0 {
            "-".to_owned()
        } else {
            format!("{:.0}%", 100.0 * n as f64 / r.pages as f64)
        }
    };
    let extraction = format!(
        "{}/{}/{} of {}{}",
        pct(r.with_title),
        pct(r.with_body),
        pct(r.with_date),
        r.pages,
        if s.flags.is_empty() { "" } else { "  BROKEN" }
    );
    let name = if s.hidden {
        format!("{} (hidden)", s.name)
    } else {
        s.name.clone()
    };
    vec![
        s.id.0.to_string(),
        name,
        last,
        outcome,
        per_day,
        errors,
        extraction,
    ]
}
