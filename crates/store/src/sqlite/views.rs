//! View counts in SQLite: anonymous per-hour counts per article, and "popular" over a window.

use rusqlite::{params, Connection, OptionalExtension};

use super::{clamp_limit, VISIBLE};
use crate::error::{Result, StoreError};
use crate::types::*;

pub(super) fn record_view(c: &mut Connection, id: ArticleId, hour: i64) -> Result<()> {
    let exists: Option<i64> = c
        .prepare_cached("SELECT id FROM articles WHERE id = ?1")?
        .query_row([id.0], |r| r.get(0))
        .optional()?;
    if exists.is_none() {
        return Err(StoreError::NotFound(format!("article {id}")));
    }
    c.prepare_cached(
        "INSERT INTO page_views (article_id, hour, count) VALUES (?1, ?2, 1)
         ON CONFLICT (article_id, hour) DO UPDATE SET count = count + 1",
    )?
    .execute(params![id.0, hour])?;
    Ok(())
}

pub(super) fn record_views(
    c: &mut Connection,
    views: &[(ArticleId, u64)],
    hour: i64,
) -> Result<()> {
    let tx = c.transaction()?;
    for &(id, n) in views {
        if n == 0 {
            continue;
        }
        let n = n.min(i64::MAX as u64) as i64;
        // INSERT ... SELECT skips ids that are not (or no longer) articles.
        tx.prepare_cached(
            "INSERT INTO page_views (article_id, hour, count)
             SELECT id, ?2, ?3 FROM articles WHERE id = ?1
             ON CONFLICT (article_id, hour) DO UPDATE SET count = count + excluded.count",
        )?
        .execute(params![id.0, hour, n])?;
    }
    tx.commit()?;
    Ok(())
}

pub(super) fn popular(c: &Connection, from_hour: i64, limit: usize) -> Result<Vec<Popular>> {
    let sql = format!(
        "SELECT v.article_id, SUM(v.count) AS n FROM page_views v
         JOIN articles a ON a.id = v.article_id
         LEFT JOIN sources s ON s.id = a.source_id
         WHERE v.hour >= ?1 AND {VISIBLE}
         GROUP BY v.article_id ORDER BY n DESC, v.article_id DESC LIMIT ?2"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let v = stmt
        .query_map(params![from_hour, clamp_limit(limit)], |r| {
            Ok(Popular {
                article_id: ArticleId(r.get(0)?),
                views: r.get::<_, i64>(1)?.max(0) as u64,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

pub(super) fn article_views(c: &Connection, ids: &[i64]) -> Result<Vec<Popular>> {
    let mut stmt = c.prepare_cached("SELECT SUM(count) FROM page_views WHERE article_id = ?1")?;
    let mut out = Vec::new();
    for &id in ids {
        let n: Option<i64> = stmt.query_row([id], |r| r.get(0))?;
        if let Some(n) = n.filter(|n| *n > 0) {
            out.push(Popular {
                article_id: ArticleId(id),
                views: n as u64,
            });
        }
    }
    Ok(out)
}
