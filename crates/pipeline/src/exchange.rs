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

/// Import already-extracted articles, one JSON object per line:
/// `title, text, url, published, source` and optional `lead, authors, tags`. Sources named
/// in the file are created when missing. Bad lines are reported and skipped.
pub async fn import_jsonl(
    store: Arc<dyn Store>,
    input: impl BufRead,
    options: &PipelineOptions,
) -> Result<Counts, PipelineError> {
    let understand = Understand::load(options.analyze)?;
    let report = Arc::new(Report::default());
    let writer = Writer::start(store.clone(), report.clone(), options.batch_size);
    let mut sources = std::collections::HashMap::new();
    let now = Utc::now();
    for (n, line) in input.lines().enumerate() {
        let line = line.map_err(|e| PipelineError::Io {
            path: format!("line {}", n + 1),
            source: e,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        if line.len() > MAX_LINE {
            tracing::warn!(line = n + 1, "line too long, skipped");
            Report::add(&report.errors, 1);
            continue;
        }
        let rec: ImportRecord = match serde_json::from_str(&line) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(line = n + 1, error = %e, "not an article record, skipped");
                Report::add(&report.errors, 1);
                continue;
            }
        };
        let Some(url) = khronika_ingest::canon::canonicalize_str(&rec.url, None) else {
            tracing::warn!(line = n + 1, url = %rec.url, "not an http(s) URL, skipped");
            Report::add(&report.errors, 1);
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
        let blocks = rec
            .text
            .as_deref()
            .unwrap_or("")
            .split('\n')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| Block::Paragraph { text: p.to_owned() })
            .collect();
        let article = Article {
            url: Some(url.clone()),
            canonical_url: Some(url.clone()),
            title: rec.title,
            lead: rec.lead.filter(|l| !l.trim().is_empty()),
            blocks,
            authors: rec.authors,
            published: rec.published.as_deref().and_then(parse_time),
            tags: rec.tags,
            section: rec.section.filter(|s| !s.trim().is_empty()),
            ..Default::default()
        };
        let analysis = understand.analyze(&article, now);
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
    Ok(report.counts())
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
    image: Option<String>,
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

fn csv_field(s: &str) -> String {
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
            "id,url,source,title,lead,published,version,tags,entities,story_id,duplicate_of,rubric,text"
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
                        image: a.article.image().map(|i| i.url.to_string()),
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
