//! `khronika import` (JSONL of already-extracted articles) and `khronika export`
//! (JSONL or CSV with metadata, analysis and versions).

use std::io::{BufRead, Write};
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};
use khronika_model::{Article, Block};
use khronika_store::{
    content_hash, ArticleFilter, NewArticle, NewSource, PageRequest, SourceId, Store,
};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::{Counts, PipelineError, PipelineOptions, Report, Understand, Writer};

/// Longest JSONL line accepted (a whole article).
const MAX_LINE: usize = 16 * 1024 * 1024;

/// One line of an import file.
#[derive(Debug, Deserialize)]
struct ImportRecord {
    title: Option<String>,
    text: Option<String>,
    url: String,
    published: Option<String>,
    source: Option<String>,
    lead: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    /// The site's own section ("Экономика"), a rubric signal.
    section: Option<String>,
}

fn parse_time(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| n.and_utc().fixed_offset())
}

async fn source_for(
    store: &dyn Store,
    cache: &mut std::collections::HashMap<String, SourceId>,
    name: &str,
    url: &Url,
) -> Result<SourceId, PipelineError> {
    if let Some(id) = cache.get(name) {
        return Ok(*id);
    }
    let id = match store.source_by_name(name).await? {
        Some(s) => s.id,
        None => {
            let home = format!("{}://{}/", url.scheme(), url.host_str().unwrap_or(""));
            store
                .add_source(&NewSource {
                    name: name.to_owned(),
                    home_url: home,
                    ..Default::default()
                })
                .await?
        }
    };
    cache.insert(name.to_owned(), id);
    Ok(id)
}

/// A line of an import file that was not stored, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRecord {
    /// 1-based line number in the input.
    pub line: u64,
    pub reason: String,
}

/// What an import did: the counts, and the first [`MAX_BAD_LISTED`] bad records by line
/// (`counts.errors` has them all).
#[derive(Debug, Clone, Default)]
pub struct Imported {
    pub counts: Counts,
    pub bad: Vec<BadRecord>,
    /// Records stored but not whole (a `published` that is no date, no text), the first
    /// [`MAX_BAD_LISTED`] by line; `incomplete` counts them all.
    pub partial: Vec<BadRecord>,
    pub incomplete: u64,
}

/// How many bad records an import remembers (a file of garbage must not fill memory with
/// complaints); the count is kept beyond that.
pub const MAX_BAD_LISTED: usize = 1000;

/// What [`read_line_bounded`] found.
#[derive(Debug, PartialEq, Eq)]
enum LineRead {
    /// A line (without its end) is in the buffer.
    Line,
    /// The line was longer than the limit; it was read past and not kept.
    TooLong,
    /// End of input.
    Eof,
}

/// Read one `\n`-terminated line into `buf` holding at most `max` bytes of it: a longer
/// line is consumed chunk by chunk and dropped, so a 1 GB line costs no more memory than
/// the limit (`BufRead::lines` would buffer it whole before any check).
fn read_line_bounded(
    input: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<LineRead> {
    buf.clear();
    let mut too_long = false;
    let mut read_any = false;
    loop {
        let avail = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            break;
        }
        read_any = true;
        let end = avail.iter().position(|&b| b == b'\n');
        let chunk = avail.get(..end.unwrap_or(avail.len())).unwrap_or(avail);
        if !too_long {
            if buf.len() + chunk.len() > max {
                too_long = true;
                *buf = Vec::new();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        let used = chunk.len() + usize::from(end.is_some());
        input.consume(used);
        if end.is_some() {
            break;
        }
    }
    if !read_any {
        return Ok(LineRead::Eof);
    }
    if too_long {
        return Ok(LineRead::TooLong);
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(LineRead::Line)
}

/// Import already-extracted articles, one JSON object per line:
/// `title, text, url, published, source` and optional `lead, authors, tags`. Sources named
/// in the file are created when missing. A bad record (a line over the limit, not UTF-8,
/// not JSON, no http(s) URL) is skipped, counted in `errors` and listed; the rest go on.
pub async fn import_jsonl(
    store: Arc<dyn Store>,
    input: impl BufRead,
    options: &PipelineOptions,
) -> Result<Counts, PipelineError> {
    Ok(import_jsonl_listed(store, input, options).await?.counts)
}

/// [`import_jsonl`] that also says which lines were bad and why.
pub async fn import_jsonl_listed(
    store: Arc<dyn Store>,
    mut input: impl BufRead,
    options: &PipelineOptions,
) -> Result<Imported, PipelineError> {
    let understand = Understand::load(options.analyze)?;
    let report = Arc::new(Report::default());
    let writer = Writer::start(store.clone(), report.clone(), options.batch_size);
    let mut sources = std::collections::HashMap::new();
    let now = Utc::now();
    let mut bad = Vec::new();
    let mut skip = |line: u64, reason: String| {
        tracing::debug!(line, %reason, "record skipped");
        Report::add(&report.errors, 1);
        if bad.len() < MAX_BAD_LISTED {
            bad.push(BadRecord { line, reason });
        }
    };
    let mut partial = Vec::new();
    let mut incomplete = 0u64;
    let mut buf = Vec::new();
    let mut n = 0u64;
    loop {
        n += 1;
        let read =
            read_line_bounded(&mut input, &mut buf, MAX_LINE).map_err(|e| PipelineError::Io {
                path: format!("line {n}"),
                source: e,
            })?;
        match read {
            LineRead::Eof => break,
            LineRead::TooLong => {
                skip(n, format!("longer than {MAX_LINE} bytes"));
                continue;
            }
            LineRead::Line => {}
        }
        let line = match std::str::from_utf8(&buf) {
            Ok(l) => l,
            Err(e) => {
                skip(n, format!("not UTF-8 text ({e})"));
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let rec: ImportRecord = match serde_json::from_str(line) {
            Ok(r) => r,
            Err(e) => {
                skip(n, format!("not an article record: {e}"));
                continue;
            }
        };
        let Some(url) = khronika_ingest::canon::canonicalize_str(&rec.url, None) else {
            skip(n, format!("{:?} is not an http(s) URL", rec.url));
            continue;
        };
        let source_id = match rec
            .source
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(name) => Some(source_for(&*store, &mut sources, name, &url).await?),
            None => None,
        };
        let blocks: Vec<Block> = rec
            .text
            .as_deref()
            .unwrap_or("")
            .split('\n')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| Block::Paragraph { text: p.to_owned() })
            .collect();
        let published = rec.published.as_deref().and_then(parse_time);
        let mut missing = Vec::new();
        let given = rec.published.as_deref().filter(|p| !p.trim().is_empty());
        if let Some(p) = given.filter(|_| published.is_none()) {
            let shown: String = p.chars().take(80).collect();
            missing.push(format!(
                "\"published\": {shown:?} is not a date; stored without one"
            ));
        }
        if blocks.is_empty() {
            missing.push("no text; stored with its title only".to_owned());
        }
        if !missing.is_empty() {
            incomplete += 1;
            if partial.len() < MAX_BAD_LISTED {
                partial.push(BadRecord {
                    line: n,
                    reason: missing.join("; "),
                });
            }
        }
        let article = Article {
            url: Some(url.clone()),
            canonical_url: Some(url.clone()),
            title: rec.title,
            lead: rec.lead.filter(|l| !l.trim().is_empty()),
            blocks,
            authors: rec.authors,
            published,
            tags: rec.tags,
            section: rec.section.filter(|s| !s.trim().is_empty()),
            ..Default::default()
        };
        let analysis = understand.analyze(&article, None);
        Report::add(&report.fetched, 1);
        writer
            .article(NewArticle {
                source_id,
                url: url.to_string(),
                other_urls: Vec::new(),
                content_hash: content_hash(&article),
                article,
                analysis,
                seen_at: now,
                fetch: None,
            })
            .await;
    }
    writer.finish().await?;
    Ok(Imported {
        counts: report.counts(),
        bad,
        partial,
        incomplete,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportFormat {
    #[default]
    Jsonl,
    Csv,
}

#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    pub format: ExportFormat,
    /// Articles published (or first seen) at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only this source (by name).
    pub source: Option<String>,
}

#[derive(Debug, Serialize)]
struct ExportVersion {
    version: u32,
    content_hash: String,
    stored_at: String,
    title: Option<String>,
}

/// One exported article; `title, text, url, published, source, lead, authors, tags` make it
/// importable again.
#[derive(Debug, Serialize)]
struct ExportRecord {
    id: i64,
    url: String,
    source: Option<String>,
    title: Option<String>,
    lead: Option<String>,
    text: String,
    authors: Vec<String>,
    published: Option<String>,
    modified: Option<String>,
    tags: Vec<String>,
    lang: Option<String>,
    /// The lead image: `url`, and `caption`, `credit`, `width`, `height` when the page
    /// states them.
    image: Option<khronika_model::Image>,
    version: u32,
    content_hash: String,
    first_seen: String,
    updated_at: String,
    hidden: bool,
    /// The story the article belongs to (organise stage); `null` for not-news.
    story_id: Option<i64>,
    /// The original this article is a near-duplicate copy of; `null` for originals.
    duplicate_of: Option<i64>,
    rubric: Option<khronika_model::Rubric>,
    section: Option<String>,
    entities: Vec<khronika_model::Mention>,
    quotes: Vec<khronika_model::Quote>,
    dates: Vec<khronika_model::DateMention>,
    versions: Vec<ExportVersion>,
}

/// One CSV cell. A cell a spreadsheet would read as a formula (starting with `=`, `+`, `-`,
/// `@`, tab or CR: OWASP's CSV-injection list) gets a leading `'`, so text from the web is
/// shown as text and never evaluated when the export is opened.
fn csv_field(s: &str) -> String {
    let neutral;
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        neutral = format!("'{s}");
        neutral.as_str()
    } else {
        s
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Export every article (hidden ones included, flagged) matching the options; returns how
/// many were written.
pub async fn export(
    store: Arc<dyn Store>,
    out: &mut (dyn Write + Send),
    options: &ExportOptions,
) -> Result<u64, PipelineError> {
    let io = |e: std::io::Error| PipelineError::Io {
        path: "output".into(),
        source: e,
    };
    let sources = store.list_sources().await?;
    let source_filter = match &options.source {
        Some(name) => Some(
            sources
                .iter()
                .find(|s| &s.name == name)
                .map(|s| s.id)
                .ok_or_else(|| PipelineError::Input(format!("no source named {name:?}")))?,
        ),
        None => None,
    };
    let filter = ArticleFilter {
        source: source_filter,
        since: options.since,
        include_hidden: true,
        ..Default::default()
    };
    if options.format == ExportFormat::Csv {
        writeln!(
            out,
            "id,url,source,title,lead,published,version,tags,entities,story_id,duplicate_of,rubric,image,image_caption,image_credit,text"
        )
        .map_err(io)?;
    }
    let mut cursor = None;
    let mut written = 0u64;
    loop {
        let page = store
            .list_articles(
                &filter,
                &PageRequest {
                    cursor: cursor.clone(),
                    limit: 200,
                },
            )
            .await?;
        for summary in &page.items {
            let Some(a) = store.get_article(summary.id).await? else {
                continue;
            };
            let source = a
                .source_id
                .and_then(|id| sources.iter().find(|s| s.id == id))
                .map(|s| s.name.clone());
            let analysis = a.analysis.clone().unwrap_or_default();
            match options.format {
                ExportFormat::Jsonl => {
                    let versions = store
                        .article_versions(a.id)
                        .await?
                        .into_iter()
                        .map(|v| ExportVersion {
                            version: v.version,
                            content_hash: v.content_hash,
                            stored_at: v.stored_at.to_rfc3339_opts(SecondsFormat::Secs, true),
                            title: v.article.title,
                        })
                        .collect();
                    let rec = ExportRecord {
                        id: a.id.0,
                        url: a.url.clone(),
                        source,
                        title: a.article.title.clone(),
                        lead: a.article.lead.clone(),
                        text: a.article.body_text(),
                        authors: a.article.authors.clone(),
                        published: a
                            .article
                            .published
                            .map(|p| p.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
                        modified: a
                            .article
                            .modified
                            .map(|p| p.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
                        tags: a.article.tags.clone(),
                        lang: a.article.lang.as_ref().map(|l| l.to_string()),
                        image: a.article.image().cloned(),
                        version: a.version,
                        content_hash: a.content_hash.clone(),
                        first_seen: a.first_seen.to_rfc3339_opts(SecondsFormat::Secs, true),
                        updated_at: a.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
                        hidden: a.hidden,
                        story_id: a.story_id.map(|s| s.0),
                        duplicate_of: a.duplicate_of.map(|d| d.0),
                        rubric: a.rubric,
                        section: a.article.section.clone(),
                        entities: analysis.entities,
                        quotes: analysis.quotes,
                        dates: analysis.dates,
                        versions,
                    };
                    let line = serde_json::to_string(&rec)
                        .map_err(|e| PipelineError::Input(e.to_string()))?;
                    writeln!(out, "{line}").map_err(io)?;
                }
                ExportFormat::Csv => {
                    let entities: Vec<String> =
                        analysis.entities.iter().map(|m| m.normal.clone()).collect();
                    let image = a.article.image();
                    let fields = [
                        a.id.0.to_string(),
                        a.url.clone(),
                        source.unwrap_or_default(),
                        a.article.title.clone().unwrap_or_default(),
                        a.article.lead.clone().unwrap_or_default(),
                        a.article
                            .published
                            .map(|p| p.to_rfc3339())
                            .unwrap_or_default(),
                        a.version.to_string(),
                        a.article.tags.join(";"),
                        entities.join(";"),
                        a.story_id.map(|s| s.to_string()).unwrap_or_default(),
                        a.duplicate_of.map(|d| d.to_string()).unwrap_or_default(),
                        a.rubric.map(|r| r.code().to_owned()).unwrap_or_default(),
                        image.map(|i| i.url.to_string()).unwrap_or_default(),
                        image.and_then(|i| i.caption.clone()).unwrap_or_default(),
                        image.and_then(|i| i.credit.clone()).unwrap_or_default(),
                        a.article.body_text(),
                    ];
                    let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
                    writeln!(out, "{}", row.join(",")).map_err(io)?;
                }
            }
            written += 1;
        }
        match page.next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    out.flush().map_err(io)?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn csv_cells_that_look_like_formulas_are_neutralised() {
        for (cell, want) in [
            (
                "=HYPERLINK(\"http://x\")",
                "\"'=HYPERLINK(\"\"http://x\"\")\"",
            ),
            ("+7 777", "'+7 777"),
            ("-30 градусов", "'-30 градусов"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "\"'\r=1\""),
        ] {
            assert_eq!(csv_field(cell), want, "{cell:?}");
        }
        // Ordinary text, and formula characters inside a cell, are left alone.
        assert_eq!(csv_field("Курс тенге: 1 = 1"), "Курс тенге: 1 = 1");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
    }

    #[test]
    fn long_lines_are_dropped_without_being_kept_whole() {
        // 3 MiB of one line, a limit of 64 KiB: the buffer never grows past the limit's
        // order, and the next line is read normally.
        let big = std::io::repeat(b'a').take(3 * 1024 * 1024);
        let rest: &[u8] = b"\n{\"ok\":1}\r\n\nlast";
        let mut input = std::io::BufReader::with_capacity(8192, big.chain(rest));
        let mut buf = Vec::new();
        let max = 64 * 1024;
        let mut seen = Vec::new();
        loop {
            let r = read_line_bounded(&mut input, &mut buf, max).expect("read");
            assert!(buf.capacity() <= 2 * max + 8192, "{}", buf.capacity());
            if r == LineRead::Eof {
                break;
            }
            seen.push((
                matches!(r, LineRead::TooLong),
                String::from_utf8_lossy(&buf).into_owned(),
            ));
        }
        assert_eq!(
            seen,
            vec![
                (true, String::new()),
                (false, "{\"ok\":1}".to_owned()),
                (false, String::new()),
                (false, "last".to_owned()),
            ]
        );
    }
}
