//! Articles in SQLite: putting a batch (new article, new version, unchanged or duplicate by
//! content hash), reading articles and their versions back, listing with filters and a
//! cursor, the change feed, and hiding one article.

use chrono::SecondsFormat;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Transaction};

use super::entities::write_derived;
use super::fetches::{insert_fetch, upsert_page};
use super::{
    check_url, clamp_limit, keyset_page, next_seq, organise, parse_ts, ts, MAX_URL_LEN, VISIBLE,
};
use crate::error::{Result, StoreError};
use crate::types::*;

fn add_alias_urls(tx: &Transaction<'_>, id: i64, na: &NewArticle) -> Result<()> {
    let mut stmt =
        tx.prepare_cached("INSERT OR IGNORE INTO article_urls (url, article_id) VALUES (?1, ?2)")?;
    stmt.execute(params![na.url, id])?;
    for u in &na.other_urls {
        if !u.is_empty() && u.len() <= MAX_URL_LEN {
            stmt.execute(params![u, id])?;
        }
    }
    Ok(())
}

fn find_by_urls(tx: &Transaction<'_>, na: &NewArticle) -> Result<Option<(i64, i64, String)>> {
    let mut stmt = tx.prepare_cached(
        "SELECT a.id, a.version, a.content_hash FROM article_urls u
         JOIN articles a ON a.id = u.article_id WHERE u.url = ?1",
    )?;
    for u in std::iter::once(&na.url).chain(na.other_urls.iter()) {
        if let Some(hit) = stmt
            .query_row([u], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?
        {
            return Ok(Some(hit));
        }
    }
    Ok(None)
}

fn insert_version(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    na: &NewArticle,
    fetch_id: Option<i64>,
) -> Result<()> {
    let article_json = serde_json::to_string(&na.article)?;
    let analysis_json = match &na.analysis {
        Some(a) => Some(serde_json::to_string(a)?),
        None => None,
    };
    tx.prepare_cached(
        "INSERT INTO article_versions (article_id, version, content_hash, fetch_id, stored_at, article, analysis)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        id,
        version,
        na.content_hash,
        fetch_id,
        ts(&na.seen_at),
        article_json,
        analysis_json
    ])?;
    Ok(())
}

/// Same text, new analysis or tags (a newer analyser, `khronika reprocess`): the current
/// version takes them over and its derived rows are rebuilt, without a new version.
fn reanalysed(tx: &Transaction<'_>, id: i64, version: i64, na: &NewArticle) -> Result<()> {
    if na.analysis.is_none() {
        return Ok(());
    }
    let stored: Option<(String, Option<String>)> = tx
        .prepare_cached(
            "SELECT article, analysis FROM article_versions WHERE article_id = ?1 AND version = ?2",
        )?
        .query_row(params![id, version], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((old_article, old_analysis)) = stored else {
        return Ok(());
    };
    let Some(r) = reanalysis(&old_article, old_analysis.as_deref(), na)? else {
        return Ok(());
    };
    tx.prepare_cached(
        "UPDATE article_versions SET article = ?3, analysis = ?4 WHERE article_id = ?1 AND version = ?2",
    )?
    .execute(params![id, version, r.article_json, r.analysis_json])?;
    let seq = next_seq(tx)?;
    tx.prepare_cached("UPDATE articles SET change_seq = ?2 WHERE id = ?1")?
        .execute(params![id, seq])?;
    write_derived(tx, id, &r.article, Some(r.analysis))
}

/// What a re-analysed current version becomes (shared with the PostgreSQL backend).
pub(crate) struct Reanalysis<'a> {
    pub(crate) article: khronika_model::Article,
    pub(crate) article_json: String,
    pub(crate) analysis: &'a khronika_model::Analysis,
    pub(crate) analysis_json: String,
}

/// The stored current version with `na`'s analysis and tags, or `None` when `na` brings no
/// analysis or nothing differs.
pub(crate) fn reanalysis<'a>(
    old_article: &str,
    old_analysis: Option<&str>,
    na: &'a NewArticle,
) -> Result<Option<Reanalysis<'a>>> {
    let Some(analysis) = &na.analysis else {
        return Ok(None);
    };
    let analysis_json = serde_json::to_string(analysis)?;
    // Only the analysis and the tags are taken over: the rest of the article is what its
    // version was stored with (the `articles` row mirrors it).
    let mut article: khronika_model::Article = serde_json::from_str(old_article)?;
    if old_analysis == Some(analysis_json.as_str()) && article.tags == na.article.tags {
        return Ok(None);
    }
    article.tags.clone_from(&na.article.tags);
    let article_json = serde_json::to_string(&article)?;
    Ok(Some(Reanalysis {
        article,
        article_json,
        analysis,
        analysis_json,
    }))
}

/// The listed columns of an article row (shared with the PostgreSQL backend).
pub(crate) struct Row {
    pub(crate) title: Option<String>,
    pub(crate) lead: Option<String>,
    pub(crate) image: Option<String>,
    pub(crate) lang: Option<String>,
    pub(crate) published: Option<String>,
    pub(crate) sort_ts: i64,
}

pub(crate) fn article_row(na: &NewArticle) -> Row {
    let a = &na.article;
    Row {
        title: a.title.clone(),
        lead: a.lead.clone(),
        image: a.images.first().map(|i| i.url.to_string()),
        lang: a.lang.as_ref().map(|l| l.as_str().to_owned()),
        published: a
            .published
            .map(|p| p.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        sort_ts: a
            .published
            .map(|p| p.timestamp())
            .unwrap_or_else(|| na.seen_at.timestamp()),
    }
}

fn put_one(tx: &Transaction<'_>, na: &NewArticle) -> Result<PutOutcome> {
    check_url(&na.url)?;
    if na.content_hash.is_empty() {
        return Err(StoreError::Invalid(format!(
            "{}: empty content hash",
            na.url
        )));
    }
    let existing = find_by_urls(tx, na)?;
    let existing = match existing {
        Some(e) => Some((e, false)),
        // Same text under another URL of the same source: one article, one more URL.
        None if na.article.has_text() => tx
            .prepare_cached(
                // `+source_id`: keeps the planner on the hash index; without statistics it
                // would pick the source index and scan every article of the source.
                "SELECT id, version, content_hash FROM articles
                 WHERE content_hash = ?1 AND +source_id IS ?2 LIMIT 1",
            )?
            .query_row(params![na.content_hash, na.source_id.map(|s| s.0)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?
            .map(|e| (e, true)),
        None => None,
    };
    let row = article_row(na);
    let (outcome, article_id, keep) = match existing {
        Some(((id, version, hash), by_hash)) if hash == na.content_hash => {
            add_alias_urls(tx, id, na)?;
            if !by_hash {
                reanalysed(tx, id, version, na)?;
            }
            let o = if by_hash {
                PutOutcome::Duplicate { id: ArticleId(id) }
            } else {
                PutOutcome::Unchanged { id: ArticleId(id) }
            };
            (o, id, false)
        }
        Some(((id, version, _), _)) => {
            let version = version + 1;
            let seq = next_seq(tx)?;
            tx.prepare_cached(
                "UPDATE articles SET title = ?2, lead = ?3, image = ?4, lang = ?5, published_at = ?6,
                    updated_at = ?7, sort_ts = ?8, version = ?9, content_hash = ?10, change_seq = ?11,
                    source_id = COALESCE(source_id, ?12)
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                row.title,
                row.lead,
                row.image,
                row.lang,
                row.published,
                ts(&na.seen_at),
                row.sort_ts,
                version,
                na.content_hash,
                seq,
                na.source_id.map(|s| s.0),
            ])?;
            add_alias_urls(tx, id, na)?;
            (
                PutOutcome::Updated {
                    id: ArticleId(id),
                    version: version.clamp(0, u32::MAX as i64) as u32,
                },
                id,
                true,
            )
        }
        None => {
            let seq = next_seq(tx)?;
            tx.prepare_cached(
                "INSERT INTO articles (source_id, url, title, lead, image, lang, published_at,
                    first_seen, updated_at, sort_ts, version, content_hash, change_seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, 1, ?10, ?11)",
            )?
            .execute(params![
                na.source_id.map(|s| s.0),
                na.url,
                row.title,
                row.lead,
                row.image,
                row.lang,
                row.published,
                ts(&na.seen_at),
                row.sort_ts,
                na.content_hash,
                seq,
            ])?;
            let id = tx.last_insert_rowid();
            add_alias_urls(tx, id, na)?;
            (PutOutcome::Created { id: ArticleId(id) }, id, true)
        }
    };
    // The raw page is kept only when it produced stored content (a new article or version).
    let fetch_id = match &na.fetch {
        Some(f) => {
            let fid = insert_fetch(tx, f, keep && f.keep_body)?;
            upsert_page(tx, f, fid, Some(article_id))?;
            if f.final_url != f.url {
                let mut hop = f.clone();
                hop.url = f.final_url.clone();
                upsert_page(tx, &hop, fid, Some(article_id))?;
            }
            Some(fid)
        }
        None => None,
    };
    if keep {
        let version = match outcome {
            PutOutcome::Updated { version, .. } => version as i64,
            _ => 1,
        };
        insert_version(tx, article_id, version, na, fetch_id)?;
        write_derived(tx, article_id, &na.article, na.analysis.as_ref())?;
    }
    Ok(outcome)
}

const ARTICLE_SELECT: &str =
    "SELECT a.id, a.source_id, a.url, a.version, a.content_hash, a.first_seen,
        a.updated_at, a.hidden, s.hidden, s.display, a.change_seq, v.article, v.analysis,
        (SELECT sa.story_id FROM story_articles sa WHERE sa.article_id = a.id LIMIT 1),
        a.duplicate_of, a.rubric
     FROM articles a
     LEFT JOIN sources s ON s.id = a.source_id
     JOIN article_versions v ON v.article_id = a.id AND v.version = a.version";

type RawArticle = (
    i64,
    Option<i64>,
    String,
    i64,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
    i64,
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

fn raw_article(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawArticle> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
        r.get(12)?,
        r.get(13)?,
        r.get(14)?,
        r.get(15)?,
    ))
}

pub(crate) fn display_of(source_id: Option<i64>, display: Option<&str>) -> DisplayPolicy {
    match (source_id, display) {
        (None, _) => DisplayPolicy::FullText,
        (Some(_), Some(d)) => DisplayPolicy::parse(d).unwrap_or_default(),
        (Some(_), None) => DisplayPolicy::default(),
    }
}

fn finish_article(raw: RawArticle) -> Result<StoredArticle> {
    let (
        id,
        source,
        url,
        version,
        hash,
        first,
        updated,
        hidden,
        s_hidden,
        display,
        seq,
        art,
        ana,
        story,
        dup,
        rubric,
    ) = raw;
    Ok(StoredArticle {
        id: ArticleId(id),
        source_id: source.map(SourceId),
        url,
        version: version.clamp(0, u32::MAX as i64) as u32,
        content_hash: hash,
        first_seen: parse_ts(&first)?,
        updated_at: parse_ts(&updated)?,
        hidden: hidden != 0 || s_hidden.unwrap_or(0) != 0,
        display: display_of(source, display.as_deref()),
        article: serde_json::from_str(&art)?,
        analysis: match ana {
            Some(a) => Some(serde_json::from_str(&a)?),
            None => None,
        },
        change_seq: seq.max(0) as u64,
        story_id: story.map(StoryId),
        duplicate_of: dup.map(ArticleId),
        rubric: organise::rubric_from_code(rubric)?,
    })
}

pub(super) fn load_article(conn: &Connection, id: i64) -> Result<Option<StoredArticle>> {
    let sql = format!("{ARTICLE_SELECT} WHERE a.id = ?1");
    let raw = conn
        .prepare_cached(&sql)?
        .query_row([id], raw_article)
        .optional()?;
    raw.map(finish_article).transpose()
}

pub(super) fn put_articles(c: &mut Connection, batch: &[NewArticle]) -> Result<Vec<PutOutcome>> {
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut out = Vec::with_capacity(batch.len());
    for na in batch {
        out.push(put_one(&tx, na)?);
    }
    tx.commit()?;
    Ok(out)
}

pub(super) fn article_by_url(c: &Connection, url: &str) -> Result<Option<StoredArticle>> {
    let id: Option<i64> = c
        .prepare_cached("SELECT article_id FROM article_urls WHERE url = ?1")?
        .query_row([&url], |r| r.get(0))
        .optional()?;
    match id {
        Some(id) => load_article(c, id),
        None => Ok(None),
    }
}

pub(super) fn article_versions(c: &Connection, id: ArticleId) -> Result<Vec<ArticleVersion>> {
    let mut stmt = c.prepare_cached(
        "SELECT version, content_hash, stored_at, fetch_id, article, analysis
         FROM article_versions WHERE article_id = ?1 ORDER BY version",
    )?;
    let rows = stmt.query_map([id.0], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<i64>>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (version, hash, at, fetch, art, ana) = row?;
        out.push(ArticleVersion {
            version: version.clamp(0, u32::MAX as i64) as u32,
            content_hash: hash,
            stored_at: parse_ts(&at)?,
            fetch_id: fetch.map(FetchId),
            article: serde_json::from_str(&art)?,
            analysis: match ana {
                Some(a) => Some(serde_json::from_str(&a)?),
                None => None,
            },
        });
    }
    Ok(out)
}

pub(super) fn list_articles(
    c: &Connection,
    filter: &ArticleFilter,
    page: &PageRequest,
) -> Result<Page<ArticleSummary>> {
    let limit = clamp_limit(page.limit);
    let mut sql = String::from(
        "SELECT a.id, a.source_id, a.url, a.title, a.lead, a.image, a.lang, a.published_at,
                a.first_seen, a.version, s.display, a.sort_ts,
                (SELECT sa.story_id FROM story_articles sa WHERE sa.article_id = a.id),
                a.duplicate_of, a.rubric
         FROM articles a LEFT JOIN sources s ON s.id = a.source_id WHERE 1 = 1",
    );
    let mut args: Vec<Value> = Vec::new();
    if !filter.include_hidden {
        sql.push_str(" AND ");
        sql.push_str(VISIBLE);
    }
    if let Some(s) = filter.source {
        args.push(Value::Integer(s.0));
        sql.push_str(&format!(" AND a.source_id = ?{}", args.len()));
    }
    if let Some(tag) = &filter.tag {
        args.push(Value::Text(tag.clone()));
        sql.push_str(&format!(
            " AND a.id IN (SELECT t.article_id FROM article_tags t JOIN tags g ON g.id = t.tag_id WHERE g.name = ?{})",
            args.len()
        ));
    }
    if let Some(e) = filter.entity {
        args.push(Value::Integer(e.0));
        sql.push_str(&format!(
            " AND a.id IN (SELECT m.article_id FROM mentions m WHERE m.entity_id = ?{})",
            args.len()
        ));
    }
    if let Some(story) = filter.story {
        args.push(Value::Integer(story.0));
        sql.push_str(&format!(
            " AND a.id IN (SELECT sa.article_id FROM story_articles sa WHERE sa.story_id = ?{})",
            args.len()
        ));
    }
    if let Some(rubric) = filter.rubric {
        args.push(Value::Text(rubric.code().to_owned()));
        sql.push_str(&format!(" AND a.rubric = ?{}", args.len()));
    }
    if filter.originals_only {
        sql.push_str(" AND a.duplicate_of IS NULL");
    }
    if let Some(since) = filter.since {
        args.push(Value::Integer(since.timestamp()));
        sql.push_str(&format!(" AND a.sort_ts >= ?{}", args.len()));
    }
    if let Some(until) = filter.until {
        args.push(Value::Integer(until.timestamp()));
        sql.push_str(&format!(" AND a.sort_ts < ?{}", args.len()));
    }
    keyset_page(
        &mut sql,
        &mut args,
        page.cursor.as_deref(),
        ("a.sort_ts", "a.id"),
        limit,
    )?;
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, Option<String>>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, String>(8)?,
            r.get::<_, i64>(9)?,
            r.get::<_, Option<String>>(10)?,
            r.get::<_, i64>(11)?,
            r.get::<_, Option<i64>>(12)?,
            r.get::<_, Option<i64>>(13)?,
            r.get::<_, Option<String>>(14)?,
        ))
    })?;
    let mut items = Vec::new();
    let mut keys = Vec::new();
    for row in rows {
        let (
            id,
            source,
            url,
            title,
            lead,
            image,
            lang,
            published,
            first,
            version,
            display,
            sort_ts,
            story,
            dup,
            rubric,
        ) = row?;
        keys.push((sort_ts, id));
        items.push(ArticleSummary {
            id: ArticleId(id),
            source_id: source.map(SourceId),
            url,
            title,
            lead,
            image,
            lang,
            published,
            first_seen: parse_ts(&first)?,
            version: version.clamp(0, u32::MAX as i64) as u32,
            display: display_of(source, display.as_deref()),
            story_id: story.map(StoryId),
            duplicate_of: dup.map(ArticleId),
            rubric: organise::rubric_from_code(rubric)?,
        });
    }
    let limit = limit as usize;
    let next = if items.len() > limit {
        items.truncate(limit);
        keys.get(limit.saturating_sub(1))
            .map(|(t, id)| format!("{t}_{id}"))
    } else {
        None
    };
    Ok(Page { items, next })
}

pub(super) fn articles_changed_since(
    c: &Connection,
    seq: u64,
    limit: usize,
) -> Result<Vec<Change>> {
    let seq = seq.min(i64::MAX as u64) as i64;
    let mut stmt = c.prepare_cached(
        "SELECT seq, id, deleted FROM (
            SELECT change_seq AS seq, id, 0 AS deleted FROM articles WHERE change_seq > ?1
            UNION ALL
            SELECT change_seq AS seq, article_id AS id, 1 AS deleted FROM tombstones WHERE change_seq > ?1
         ) ORDER BY seq LIMIT ?2",
    )?;
    let rows: Vec<(i64, i64, i64)> = stmt
        .query_map(params![seq, clamp_limit(limit)], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (s, id, deleted) in rows {
        let article = if deleted != 0 {
            None
        } else {
            load_article(c, id)?
        };
        out.push(Change {
            seq: s.max(0) as u64,
            article_id: ArticleId(id),
            article,
        });
    }
    Ok(out)
}

pub(super) fn current_change_seq(c: &Connection) -> Result<u64> {
    let v: i64 = c.query_row("SELECT value FROM meta WHERE key = 'change_seq'", [], |r| {
        r.get(0)
    })?;
    Ok(v.max(0) as u64)
}

pub(super) fn set_article_hidden(c: &mut Connection, id: ArticleId, hidden: bool) -> Result<()> {
    let tx = c.transaction()?;
    let seq = next_seq(&tx)?;
    let n = tx.execute(
        "UPDATE articles SET hidden = ?2, change_seq = ?3 WHERE id = ?1",
        params![id.0, hidden, seq],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("article {id}")));
    }
    tx.commit()?;
    Ok(())
}

pub(super) fn article_tags(c: &Connection, id: ArticleId) -> Result<Vec<String>> {
    let mut stmt = c.prepare_cached(
        "SELECT g.name FROM article_tags t JOIN tags g ON g.id = t.tag_id
         WHERE t.article_id = ?1 ORDER BY g.name",
    )?;
    let v = stmt
        .query_map([id.0], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(v)
}
