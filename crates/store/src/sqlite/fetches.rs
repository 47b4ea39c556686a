//! Fetches and page state in SQLite: every response recorded (raw bodies gzip-compressed),
//! the per-URL state for conditional requests, and the stored raw pages for reprocessing.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{clamp_limit, gunzip, gzip, parse_ts, ts};
use crate::error::Result;
use crate::types::*;

pub(super) fn insert_fetch(tx: &Transaction<'_>, f: &NewFetch, keep_body: bool) -> Result<i64> {
    let body = match (&f.precompressed, keep_body) {
        (Some(gz), true) if !gz.is_empty() => Some(gz.clone()),
        (None, true) if !f.body.is_empty() => Some(gzip(&f.body)?),
        _ => None,
    };
    tx.prepare_cached(
        "INSERT INTO fetches (source_id, url, final_url, status, content_type, etag,
             last_modified, fetched_at, body_encoding, body, body_len)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'gzip', ?9, ?10)",
    )?
    .execute(params![
        f.source_id.map(|s| s.0),
        f.url,
        f.final_url,
        f.status,
        f.content_type,
        f.etag,
        f.last_modified,
        ts(&f.fetched_at),
        body,
        f.body.len() as i64,
    ])?;
    Ok(tx.last_insert_rowid())
}

pub(super) fn upsert_page(
    tx: &Transaction<'_>,
    f: &NewFetch,
    fetch_id: i64,
    article: Option<i64>,
) -> Result<()> {
    // A 304 confirms the validators we sent; any other response replaces them.
    let sql = if f.status == 304 {
        "INSERT INTO pages (url, source_id, status, etag, last_modified, fetched_at, last_fetch_id, article_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (url) DO UPDATE SET
            source_id = COALESCE(excluded.source_id, pages.source_id),
            etag = COALESCE(excluded.etag, pages.etag),
            last_modified = COALESCE(excluded.last_modified, pages.last_modified),
            fetched_at = excluded.fetched_at,
            last_fetch_id = excluded.last_fetch_id,
            article_id = COALESCE(excluded.article_id, pages.article_id)"
    } else {
        "INSERT INTO pages (url, source_id, status, etag, last_modified, fetched_at, last_fetch_id, article_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (url) DO UPDATE SET
            source_id = COALESCE(excluded.source_id, pages.source_id),
            status = excluded.status,
            etag = excluded.etag,
            last_modified = excluded.last_modified,
            fetched_at = excluded.fetched_at,
            last_fetch_id = excluded.last_fetch_id,
            article_id = COALESCE(excluded.article_id, pages.article_id)"
    };
    let status = if f.status == 304 { 200 } else { f.status };
    tx.prepare_cached(sql)?.execute(params![
        f.url,
        f.source_id.map(|s| s.0),
        status,
        f.etag,
        f.last_modified,
        ts(&f.fetched_at),
        fetch_id,
        article,
    ])?;
    Ok(())
}

pub(super) fn record_fetches(c: &mut Connection, fetches: &[NewFetch]) -> Result<Vec<FetchId>> {
    let tx = c.transaction()?;
    let mut ids = Vec::with_capacity(fetches.len());
    for f in fetches {
        let id = insert_fetch(&tx, f, f.keep_body)?;
        upsert_page(&tx, f, id, None)?;
        ids.push(FetchId(id));
    }
    tx.commit()?;
    Ok(ids)
}

/// A `pages` row as read: url, source, status, etag, last-modified, fetched at, article.
type RawPageState = (
    String,
    Option<i64>,
    i64,
    Option<String>,
    Option<String>,
    String,
    Option<i64>,
);

pub(super) fn page_state(c: &Connection, url: &str) -> Result<Option<PageState>> {
    let raw: Option<RawPageState> = c
        .prepare_cached(
            "SELECT url, source_id, status, etag, last_modified, fetched_at, article_id
             FROM pages WHERE url = ?1",
        )?
        .query_row([&url], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .optional()?;
    raw.map(|(url, source, status, etag, lm, at, article)| {
        Ok(PageState {
            url,
            source_id: source.map(SourceId),
            status: status.clamp(0, u16::MAX as i64) as u16,
            etag,
            last_modified: lm,
            fetched_at: parse_ts(&at)?,
            article_id: article.map(ArticleId),
        })
    })
    .transpose()
}

pub(super) fn raw_pages(
    c: &Connection,
    after: Option<FetchId>,
    limit: usize,
) -> Result<Vec<StoredFetch>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, source_id, url, final_url, status, content_type, fetched_at, body
         FROM fetches f WHERE id > ?1 AND body IS NOT NULL
           AND id = (SELECT MAX(g.id) FROM fetches g
                     WHERE g.final_url = f.final_url AND g.body IS NOT NULL)
         ORDER BY id LIMIT ?2",
    )?;
    let rows = stmt.query_map(
        params![after.map(|f| f.0).unwrap_or(0), clamp_limit(limit)],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Vec<u8>>(7)?,
            ))
        },
    )?;
    let mut out = Vec::new();
    for row in rows {
        let (id, source, url, final_url, status, ct, at, body) = row?;
        out.push(StoredFetch {
            id: FetchId(id),
            source_id: source.map(SourceId),
            url,
            final_url,
            status: status.clamp(0, u16::MAX as i64) as u16,
            content_type: ct,
            fetched_at: parse_ts(&at)?,
            body: gunzip(&body)?,
        });
    }
    Ok(out)
}
