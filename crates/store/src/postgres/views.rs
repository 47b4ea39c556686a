//! View counts in PostgreSQL (the twin of `sqlite/views.rs`): anonymous per-hour counts
//! per article, and "popular" over a window.

use tokio_postgres::GenericClient;

use super::{clamp_limit, VISIBLE};
use crate::error::{Result, StoreError};
use crate::types::*;

pub(super) async fn record_view(c: &impl GenericClient, id: ArticleId, hour: i64) -> Result<()> {
    let n = c
        .execute(
            "INSERT INTO page_views (article_id, hour, count)
             SELECT id, $2, 1 FROM articles WHERE id = $1
             ON CONFLICT (article_id, hour) DO UPDATE SET count = page_views.count + 1",
            &[&id.0, &hour],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("article {id}")));
    }
    Ok(())
}

pub(super) async fn record_views(
    c: &mut tokio_postgres::Client,
    views: &[(ArticleId, u64)],
    hour: i64,
) -> Result<()> {
    let tx = c.transaction().await?;
    for &(id, n) in views {
        if n == 0 {
            continue;
        }
        let n = n.min(i64::MAX as u64) as i64;
        // INSERT ... SELECT skips ids that are not (or no longer) articles.
        tx.execute(
            "INSERT INTO page_views (article_id, hour, count)
             SELECT id, $2, $3 FROM articles WHERE id = $1
             ON CONFLICT (article_id, hour) DO UPDATE SET count = page_views.count + excluded.count",
            &[&id.0, &hour, &n],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn popular(
    c: &impl GenericClient,
    from_hour: i64,
    limit: usize,
) -> Result<Vec<Popular>> {
    let sql = format!(
        "SELECT v.article_id, SUM(v.count)::BIGINT AS n FROM page_views v
         JOIN articles a ON a.id = v.article_id
         LEFT JOIN sources s ON s.id = a.source_id
         WHERE v.hour >= $1 AND {VISIBLE}
         GROUP BY v.article_id ORDER BY n DESC, v.article_id DESC LIMIT $2"
    );
    c.query(&sql, &[&from_hour, &clamp_limit(limit)])
        .await?
        .iter()
        .map(|r| {
            Ok(Popular {
                article_id: ArticleId(r.try_get(0)?),
                views: r.try_get::<_, i64>(1)?.max(0) as u64,
            })
        })
        .collect()
}

pub(super) async fn article_views(c: &impl GenericClient, ids: &[i64]) -> Result<Vec<Popular>> {
    let rows = c
        .query(
            "SELECT w.id, SUM(v.count)::BIGINT FROM unnest($1::BIGINT[]) WITH ORDINALITY AS w(id, n)
             JOIN page_views v ON v.article_id = w.id
             GROUP BY w.id, w.n HAVING SUM(v.count) > 0 ORDER BY w.n",
            &[&ids],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Popular {
                article_id: ArticleId(r.try_get(0)?),
                views: r.try_get::<_, i64>(1)?.max(0) as u64,
            })
        })
        .collect()
}
