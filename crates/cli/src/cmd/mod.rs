pub mod analyze;
pub mod demo;
pub mod export;
pub mod extract;
pub mod import;
pub mod ingest;
pub mod input;
pub mod reindex;
pub mod reorganise;
pub mod reprocess;
pub mod search;
pub mod serve;
pub mod source;
pub mod status;
pub mod stories;
pub mod takedown;

/// The documented exit code of a batch command (ARCHITECTURE.md, README): 130 when it was
/// stopped by Ctrl-C, 1 when some inputs failed (bad records, failed pages) or when nothing
/// could be fetched at all (every page refused by robots.txt or the address policy), 0
/// otherwise. A refusal alone is the site's or the operator's choice, not a failure: a feed
/// that lists a disallowed page must not fail every run.
pub fn batch_exit(counts: &khronika_pipeline::Counts) -> std::process::ExitCode {
    let nothing_fetched = counts.fetched == 0 && counts.disallowed + counts.refused > 0;
    if counts.cancelled {
        std::process::ExitCode::from(130)
    } else if counts.errors > 0 || nothing_fetched {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    }
}

/// Ctrl-C once: cancel `token` so the command stops cleanly (finishing its writes); twice:
/// exit at once with 130. Call inside the runtime.
pub fn install_ctrl_c(token: khronika_pipeline::CancellationToken) {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("khronika: stopping after the work in flight (Ctrl-C again to quit now)");
            token.cancel();
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
}

/// The source a user named on the command line, by name or by id (`source list` shows
/// both). The one lookup behind every `--source` and source argument.
pub async fn find_source(
    store: &dyn khronika_store::Store,
    given: &str,
) -> anyhow::Result<khronika_store::Source> {
    let given = given.trim();
    if let Some(s) = store.source_by_name(given).await? {
        return Ok(s);
    }
    if let Ok(id) = given.parse::<i64>() {
        if let Some(s) = store.get_source(khronika_store::SourceId(id)).await? {
            return Ok(s);
        }
    }
    anyhow::bail!("no such source {given:?}, by name or id (see `khronika source list`)")
}

/// Whether progress is shown: not with `--quiet`.
pub fn show_progress(global: &crate::GlobalOpts) -> bool {
    !global.quiet
}

/// A plain-text table: a header row and left-aligned columns two spaces apart, the last
/// column not padded. Widths count characters (Cyrillic names line up).
pub fn table<R: AsRef<[C]>, C: AsRef<str>>(header: &[&str], rows: &[R]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row.as_ref()) {
            *w = (*w).max(cell.as_ref().chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut l = String::new();
        for (i, (cell, w)) in cells.zip(&widths).enumerate() {
            if i + 1 < widths.len() {
                l.push_str(cell);
                l.extend(std::iter::repeat_n(
                    ' ',
                    w.saturating_sub(cell.chars().count()) + 2,
                ));
            } else {
                l.push_str(cell);
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&mut header.iter().copied());
    for row in rows {
        line(&mut row.as_ref().iter().map(|c| c.as_ref()));
    }
    out
}
