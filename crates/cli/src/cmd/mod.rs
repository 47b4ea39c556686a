pub mod analyze;
pub mod demo;
pub mod export;
pub mod extract;
pub mod import;
pub mod ingest;
pub mod input;
pub mod migrate;
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

/// After a command that wrote to the archive: bring the data directory's search index up
/// to date (its one owner is `khronika_index::sync`), so `search` and a server started later
/// find what was just stored. Only for the embedded store: with PostgreSQL every server keeps
/// its own replica and workers keep none.
pub async fn update_index(
    global: &crate::GlobalOpts,
    store: &dyn khronika_store::Store,
) -> anyhow::Result<()> {
    if global.database.is_some() {
        return Ok(());
    }
    let index = serve::open_index(&source::data_dir(global)?)?;
    sync_reporting(global, store, &index).await
}

/// One sync of `index`, told on standard error. A running server holding the index is not
/// an error: it follows the change sequence itself within its sync interval.
async fn sync_reporting(
    global: &crate::GlobalOpts,
    store: &dyn khronika_store::Store,
    index: &std::sync::Arc<khronika_index::SearchIndex>,
) -> anyhow::Result<()> {
    match khronika_index::sync::sync_index(store, index).await {
        Ok(n) => {
            if n > 0 && !global.quiet {
                eprintln!("khronika: search index updated ({n} changes)");
            }
            Ok(())
        }
        Err(e) if e.is_busy() => {
            if !global.quiet {
                eprintln!("khronika: the running server updates the search index");
            }
            Ok(())
        }
        Err(e) => Err(anyhow::Error::new(e).context("updating the search index")),
    }
}

/// Keeps the data directory's index current while a long command writes (a sync every
/// half minute, failures retried at the next; [`IndexFollower::finish`] syncs a last time
/// and reports). Does nothing where [`update_index`] does nothing.
pub struct IndexFollower {
    inner: Option<(
        tokio::task::JoinHandle<()>,
        std::sync::Arc<khronika_index::SearchIndex>,
    )>,
}

impl IndexFollower {
    pub fn start(
        global: &crate::GlobalOpts,
        store: std::sync::Arc<dyn khronika_store::Store>,
    ) -> anyhow::Result<Self> {
        if global.database.is_some() {
            return Ok(IndexFollower { inner: None });
        }
        let index = serve::open_index(&source::data_dir(global)?)?;
        let idx = index.clone();
        let task = tokio::spawn(async move {
            let period = std::time::Duration::from_secs(30);
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
            loop {
                tick.tick().await;
                if let Err(e) = khronika_index::sync::sync_index(store.as_ref(), &idx).await {
                    tracing::debug!("index follow: {e}");
                }
            }
        });
        Ok(IndexFollower {
            inner: Some((task, index)),
        })
    }

    /// Stop following and sync what is left (the same index, so no writer lock is contended).
    pub async fn finish(
        self,
        global: &crate::GlobalOpts,
        store: &dyn khronika_store::Store,
    ) -> anyhow::Result<()> {
        let Some((task, index)) = self.inner else {
            return Ok(());
        };
        task.abort();
        let _ = task.await;
        sync_reporting(global, store, &index).await
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
