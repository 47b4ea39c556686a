//! `khronika ingest --file`: local HTML pages and WARC files into the store.
//!
//! A saved page is dated only by what it states: its file's modification time is when it
//! was saved or copied, so it is never used; the article is first seen when the file is
//! read. A WARC record's `WARC-Date` is when the site served the page, so relative dates
//! in the page ("Сегодня, 10:15") resolve against it; a plain file's give no date.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;
use khronika_ingest::warc::{open_maybe_gzip, WarcReader};
use khronika_store::{SourceId, Store};
use url::Url;

use crate::{
    process_page, CancellationToken, Counts, PipelineError, PipelineOptions, RawPage, Report,
    Understand, Writer,
};

/// Largest local HTML file read.
const MAX_FILE: u64 = 64 * 1024 * 1024;

/// How local files are ingested.
#[derive(Debug, Clone, Default)]
pub struct FileOptions {
    pub pipeline: PipelineOptions,
    /// The source the articles belong to (`None`: the user's own, shown in full).
    pub source: Option<SourceId>,
    /// The URL of a single HTML file (otherwise its `<link rel=canonical>`, else `file://`).
    pub url: Option<Url>,
}

fn is_warc(path: &Path, head: &[u8]) -> bool {
    let name = path.to_string_lossy().to_ascii_lowercase();
    name.ends_with(".warc") || name.ends_with(".warc.gz") || head.starts_with(b"WARC/")
}

fn io_err(path: &Path, source: std::io::Error) -> PipelineError {
    PipelineError::Io {
        path: path.display().to_string(),
        source,
    }
}

async fn process_and_send(
    page: RawPage,
    understand: &Arc<Understand>,
    writer: &Writer,
    report: &Report,
) {
    let u = understand.clone();
    let label = page.final_url.to_string();
    match tokio::task::spawn_blocking(move || process_page(&page, &u, true)).await {
        Ok(Ok(Some(a))) => writer.article(a).await,
        Ok(Ok(None)) => Report::add(&report.not_articles, 1),
        Ok(Err(e)) => {
            tracing::warn!(page = %label, error = %e, "extraction failed");
            Report::add(&report.errors, 1);
        }
        Err(e) => {
            tracing::error!(error = %e, "extraction worker failed");
            Report::add(&report.errors, 1);
        }
    }
}

/// Ingest local files: HTML (`.gz` read transparently) and WARC (`.warc`, `.warc.gz`).
/// Unreadable files are counted as errors and skipped; the rest go on.
pub async fn ingest_files(
    store: Arc<dyn Store>,
    paths: &[PathBuf],
    options: &FileOptions,
) -> Result<Counts, PipelineError> {
    ingest_files_cancellable(store, paths, options, CancellationToken::new()).await
}

/// [`ingest_files`] that stops between pages when `cancel` fires.
pub async fn ingest_files_cancellable(
    store: Arc<dyn Store>,
    paths: &[PathBuf],
    options: &FileOptions,
    cancel: CancellationToken,
) -> Result<Counts, PipelineError> {
    let understand = Arc::new(Understand::load(options.pipeline.analyze)?);
    let report = Arc::new(Report::default());
    let writer = Writer::start(store.clone(), report.clone(), options.pipeline.batch_size);
    let bar = crate::progress_bar(options.pipeline.progress, Some(paths.len() as u64), "files");
    for path in paths {
        if cancel.is_cancelled() {
            report
                .cancelled
                .store(true, std::sync::atomic::Ordering::Relaxed);
            break;
        }
        bar.inc(1);
        if let Err(e) = one_file(path, options, &understand, &writer, &report, &cancel).await {
            tracing::warn!(path = %path.display(), error = %e, "file skipped");
            Report::add(&report.errors, 1);
        }
    }
    bar.finish_and_clear();
    writer.finish().await?;
    Ok(report.counts())
}

async fn one_file(
    path: &Path,
    options: &FileOptions,
    understand: &Arc<Understand>,
    writer: &Writer,
    report: &Report,
    cancel: &CancellationToken,
) -> Result<(), PipelineError> {
    let file = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
    // A file's modification time says when it was saved or copied, not when the article
    // was published or even fetched: it dates nothing. The article is first seen now.
    let read_at = Utc::now();
    let mut input = open_maybe_gzip(file).map_err(|e| io_err(path, e))?;
    let head = input.fill_buf().map_err(|e| io_err(path, e))?.to_vec();
    if is_warc(path, &head) {
        for record in WarcReader::new(input) {
            if cancel.is_cancelled() {
                break;
            }
            let page =
                record.map_err(|e| PipelineError::Input(format!("{}: {e}", path.display())))?;
            if !(200..300).contains(&page.status) {
                continue;
            }
            let is_html = page
                .content_type
                .as_deref()
                .is_none_or(|c| c.to_ascii_lowercase().contains("html"));
            let Some(url) = page.target_uri.as_deref().and_then(|u| Url::parse(u).ok()) else {
                Report::add(&report.errors, 1);
                continue;
            };
            if !is_html {
                continue;
            }
            Report::add(&report.fetched, 1);
            let raw = RawPage {
                source_id: options.source,
                url: url.clone(),
                final_url: url,
                status: page.status,
                content_type: page.content_type,
                etag: None,
                last_modified: None,
                fetched_at: page.date.unwrap_or(read_at),
                served_at_fetch: page.date.is_some(),
                body: page.body,
            };
            process_and_send(raw, understand, writer, report).await;
        }
        return Ok(());
    }
    let mut body = Vec::new();
    input
        .take(MAX_FILE + 1)
        .read_to_end(&mut body)
        .map_err(|e| io_err(path, e))?;
    if body.len() as u64 > MAX_FILE {
        return Err(PipelineError::Input(format!(
            "{}: over the {MAX_FILE}-byte limit",
            path.display()
        )));
    }
    let abs = std::fs::canonicalize(path).map_err(|e| io_err(path, e))?;
    let file_url = Url::from_file_path(&abs).map_err(|_| {
        PipelineError::Input(format!("{}: no file URL for this path", path.display()))
    })?;
    let url = options.url.clone().unwrap_or(file_url);
    Report::add(&report.fetched, 1);
    let raw = RawPage {
        source_id: options.source,
        url: url.clone(),
        final_url: url,
        status: 200,
        content_type: None,
        etag: None,
        last_modified: None,
        fetched_at: read_at,
        served_at_fetch: false,
        body,
    };
    process_and_send(raw, understand, writer, report).await;
    Ok(())
}
