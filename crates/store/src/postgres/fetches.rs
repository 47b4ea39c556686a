//! Fetches and page state in PostgreSQL (the twin of `sqlite/fetches.rs`).

use tokio_postgres::GenericClient;

use super::{clamp_limit, exec, query_one, CachedTx};
use crate::error::Result;
use crate::sqlite::{gunzip, gzip};
use crate::types::*;

pub(super) async fn insert_fetch(tx: &CachedTx<'_>, f: &NewFetch, keep_body: bool) -> Result<i64> {
    let body = match (&f.precompressed, keep_body) {
        (Some(gz), true) if !gz.is_empty() => Some(gz.clone()),
        (None, true) if !f.body.is_empty() => Some(gzip(&f.body)?),
        _ => None,
    };
    Ok(query_one(
        tx,
        "INSERT INTO fetches (source_id, url, final_url, status, content_type, etag,
                 last_modified, fetched_at, body_encoding, body, body_len)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'gzip', $9, $10) RETURNING id",
        &[
            &f.source_id.map(|s| s.0),
            &f.url,
            &f.final_url,
            &i64::from(f.status),
            &f.content_type,
            &f.etag,
            &f.last_modified,
            &f.fetched_at,
            &body,
            &(f.body.len() as i64),
        ],
    )
    .await?
    .get(0))
}

pub(super) async fn upsert_page(
    tx: &CachedTx<'_>,
    f: &NewFetch,
    fetch_id: i64,
    article: Option<i64>,
) -> Result<()> {
    // A 304 confirms the validators we sent; any other response replaces them.
    let sql = if f.status == 304 {
        "INSERT INTO pages (url, source_id, status, etag, last_modified, fetched_at, last_fetch_id, article_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (url) DO UPDATE SET
            source_id = COALESCE(excluded.source_id, pages.source_id),
            etag = COALESCE(excluded.etag, pages.etag),
            last_modified = COALESCE(excluded.last_modified, pages.last_modified),
            fetched_at = excluded.fetched_at,
            last_fetch_id = excluded.last_fetch_id,
            article_id = COALESCE(excluded.article_id, pages.article_id)"
    } else {
        "INSERT INTO pages (url, source_id, status, etag, last_modified, fetched_at, last_fetch_id, article_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (url) DO UPDATE SET
            source_id = COALESCE(excluded.source_id, pages.source_id),
            status = excluded.status,
            etag = excluded.etag,
            last_modified = excluded.last_modified,
            fetched_at = excluded.fetched_at,
            last_fetch_id = excluded.last_fetch_id,
            article_id = COALESCE(excluded.article_id, pages.article_id)"
    };
    let status = i64::from(if f.status == 304 { 200 } else { f.status });
    exec(
        tx,
        sql,
        &[
            &f.url,
            &f.source_id.map(|s| s.0),
            &status,
            &f.etag,
            &f.last_modified,
            &f.fetched_at,
            &fetch_id,
            &article,
        ],
    )
    .await?;
    Ok(())
}

pub(super) async fn record_fetches(
    c: &mut deadpool_postgres::ClientWrapper,
    fetches: &[NewFetch],
) -> Result<Vec<FetchId>> {
    let tx = c.transaction().await?;
    let mut ids = Vec::with_capacity(fetches.len());
    for f in fetches {
        let id = insert_fetch(&tx, f, f.keep_body).await?;
        upsert_page(&tx, f, id, None).await?;
        ids.push(FetchId(id));
    }
    tx.commit().await?;
    Ok(ids)
}

pub(super) async fn page_state(c: &impl GenericClient, url: &str) -> Result<Option<PageState>> {
    let Some(r) = c
        .query_opt(
            "SELECT url, source_id, status, etag, last_modified, fetched_at, article_id
             FROM pages WHERE url = $1",
            &[&url],
        )
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(PageState {
        url: r.try_get(0)?,
        source_id: r.try_get::<_, Option<i64>>(1)?.map(SourceId),
        status: r.try_get::<_, i64>(2)?.clamp(0, u16::MAX as i64) as u16,
        etag: r.try_get(3)?,
        last_modified: r.try_get(4)?,
        fetched_at: r.try_get(5)?,
        article_id: r.try_get::<_, Option<i64>>(6)?.map(ArticleId),
    }))
}

pub(super) async fn raw_pages(
    c: &impl GenericClient,
    after: Option<FetchId>,
    limit: usize,
) -> Result<Vec<StoredFetch>> {
    let rows = c
        .query(
            "SELECT id, source_id, url, final_url, status, content_type, fetched_at, body
             FROM fetches f WHERE id > $1 AND body IS NOT NULL
               AND id = (SELECT MAX(g.id) FROM fetches g
                         WHERE g.final_url = f.final_url AND g.body IS NOT NULL)
             ORDER BY id LIMIT $2",
            &[&after.map(|f| f.0).unwrap_or(0), &clamp_limit(limit)],
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(StoredFetch {
            id: FetchId(r.try_get(0)?),
            source_id: r.try_get::<_, Option<i64>>(1)?.map(SourceId),
            url: r.try_get(2)?,
            final_url: r.try_get(3)?,
            status: r.try_get::<_, i64>(4)?.clamp(0, u16::MAX as i64) as u16,
            content_type: r.try_get(5)?,
            fetched_at: r.try_get(6)?,
            body: gunzip(r.try_get(7)?)?,
        });
    }
    Ok(out)
}
