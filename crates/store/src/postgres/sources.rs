//! Sources in PostgreSQL: the followed sites with their settings, display policy and
//! takedown (the twin of `sqlite/sources.rs`).

use tokio_postgres::types::ToSql;
use tokio_postgres::{GenericClient, Row};

use super::{lock_seq, next_seq};
use crate::error::{Result, StoreError};
use crate::types::*;

const SOURCE_COLS: &str = "id, name, home_url, feeds, sitemaps, lang, display, hidden, delay_ms, max_concurrency, created_at";

fn to_source(r: &Row) -> Result<Source> {
    Ok(Source {
        id: SourceId(r.try_get(0)?),
        name: r.try_get(1)?,
        home_url: r.try_get(2)?,
        feeds: serde_json::from_str(r.try_get(3)?)?,
        sitemaps: serde_json::from_str(r.try_get(4)?)?,
        lang: r.try_get(5)?,
        display: DisplayPolicy::parse(r.try_get(6)?).unwrap_or_default(),
        hidden: r.try_get(7)?,
        politeness: Politeness {
            delay_ms: r.try_get::<_, Option<i64>>(8)?.map(|v| v.max(0) as u64),
            max_concurrency: r
                .try_get::<_, Option<i64>>(9)?
                .map(|v| v.clamp(0, 1 << 20) as u32),
        },
        created_at: r.try_get(10)?,
    })
}

pub(super) async fn query_sources(
    c: &impl GenericClient,
    where_sql: &str,
    args: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Source>> {
    let sql = format!("SELECT {SOURCE_COLS} FROM sources {where_sql} ORDER BY id");
    c.query(&sql, args).await?.iter().map(to_source).collect()
}

fn politeness(s: &Politeness) -> (Option<i64>, Option<i64>) {
    (
        s.delay_ms.map(|v| v.min(i64::MAX as u64) as i64),
        s.max_concurrency.map(i64::from),
    )
}

pub(super) async fn add_source(c: &mut tokio_postgres::Client, s: &NewSource) -> Result<SourceId> {
    let tx = c.transaction().await?;
    if tx
        .query_opt("SELECT id FROM sources WHERE name = $1", &[&s.name])
        .await?
        .is_some()
    {
        return Err(StoreError::Conflict(format!(
            "a source named {:?} already exists",
            s.name
        )));
    }
    let (delay, conc) = politeness(&s.politeness);
    let id: i64 = tx
        .query_one(
            "INSERT INTO sources (name, home_url, feeds, sitemaps, lang, display, delay_ms, max_concurrency, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now()) RETURNING id",
            &[
                &s.name,
                &s.home_url,
                &serde_json::to_string(&s.feeds)?,
                &serde_json::to_string(&s.sitemaps)?,
                &s.lang,
                &s.display.as_str(),
                &delay,
                &conc,
            ],
        )
        .await?
        .get(0);
    tx.commit().await?;
    Ok(SourceId(id))
}

pub(super) async fn update_source(c: &impl GenericClient, s: &Source) -> Result<()> {
    let (delay, conc) = politeness(&s.politeness);
    let n = c
        .execute(
            "UPDATE sources SET name = $2, home_url = $3, feeds = $4, sitemaps = $5, lang = $6,
                display = $7, delay_ms = $8, max_concurrency = $9 WHERE id = $1",
            &[
                &s.id.0,
                &s.name,
                &s.home_url,
                &serde_json::to_string(&s.feeds)?,
                &serde_json::to_string(&s.sitemaps)?,
                &s.lang,
                &s.display.as_str(),
                &delay,
                &conc,
            ],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("source {}", s.id)));
    }
    Ok(())
}

pub(super) async fn remove_source(c: &mut tokio_postgres::Client, id: SourceId) -> Result<bool> {
    let tx = c.transaction().await?;
    lock_seq(&tx).await?;
    let ids: Vec<i64> = tx
        .query("SELECT id FROM articles WHERE source_id = $1", &[&id.0])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for aid in ids {
        let seq = next_seq(&tx).await?;
        tx.execute(
            "INSERT INTO tombstones (article_id, change_seq) VALUES ($1, $2)
             ON CONFLICT (article_id) DO UPDATE SET change_seq = excluded.change_seq",
            &[&aid, &seq],
        )
        .await?;
    }
    let n = tx
        .execute("DELETE FROM sources WHERE id = $1", &[&id.0])
        .await?;
    tx.commit().await?;
    Ok(n > 0)
}

/// Set one column of a source (`display` or `hidden`) and put its articles back into the
/// change feed (how they show changed).
pub(super) async fn set_source_flag(
    c: &mut tokio_postgres::Client,
    id: SourceId,
    column: &'static str,
    value: &(dyn ToSql + Sync),
) -> Result<()> {
    let tx = c.transaction().await?;
    lock_seq(&tx).await?;
    let n = tx
        .execute(
            &format!("UPDATE sources SET {column} = $2 WHERE id = $1"),
            &[&id.0, value],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("source {id}")));
    }
    let ids: Vec<i64> = tx
        .query(
            "SELECT id FROM articles WHERE source_id = $1 ORDER BY id",
            &[&id.0],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for aid in ids {
        let seq = next_seq(&tx).await?;
        tx.execute(
            "UPDATE articles SET change_seq = $2 WHERE id = $1",
            &[&aid, &seq],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
