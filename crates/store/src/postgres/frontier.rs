//! The shared crawl frontier in PostgreSQL (the twin of `sqlite/frontier.rs`). Leases are
//! taken with `FOR UPDATE SKIP LOCKED`, so workers never wait on each other's rows or get
//! the same URL; all times come from the database's clock, so workers on machines whose
//! clocks disagree still share one notion of "due" and of a host's next slot.

use std::time::Duration;

use tokio_postgres::GenericClient;

use super::CachedTx;
use crate::error::Result;
use crate::sqlite::frontier::{check_url, micros, wait_for, PER_HOST};
use crate::types::*;

/// The database's current time in microseconds since the epoch.
const NOW: &str = "(extract(epoch from clock_timestamp()) * 1000000)::bigint";

fn lease_of(r: &tokio_postgres::Row) -> Result<FrontierLease> {
    Ok(FrontierLease {
        id: FrontierId(r.try_get(0)?),
        source_id: SourceId(r.try_get(1)?),
        url: r.try_get(2)?,
        host: r.try_get(3)?,
        kind: FrontierKind::parse(r.try_get::<_, &str>(4)?),
        depth: r.try_get::<_, i64>(5)?.clamp(0, u32::MAX as i64) as u32,
    })
}

pub(super) async fn add(
    c: &mut deadpool_postgres::ClientWrapper,
    urls: &[NewFrontierUrl],
) -> Result<u64> {
    urls.iter().try_for_each(check_url)?;
    let tx: CachedTx<'_> = c.transaction().await?;
    let st = tx
        .prepare_cached(&format!(
            "INSERT INTO frontier (source_id, url, host, kind, depth, due_us)
             VALUES ($1, $2, $3, $4, $5, {NOW}) ON CONFLICT (url) DO NOTHING"
        ))
        .await?;
    // Inserted in URL order: two workers adding overlapping lists (every worker seeds the
    // sources' lists at start) then wait on each other's keys in one order, never in a cycle.
    let mut sorted: Vec<&NewFrontierUrl> = urls.iter().collect();
    sorted.sort_by(|a, b| a.url.cmp(&b.url));
    let mut added = 0;
    for u in sorted {
        added += tx
            .execute(
                &st,
                &[
                    &u.source_id.0,
                    &u.url,
                    &u.host,
                    &u.kind.as_str(),
                    &i64::from(u.depth),
                ],
            )
            .await?;
    }
    tx.commit().await?;
    Ok(added)
}

pub(super) async fn lease(
    c: &impl GenericClient,
    worker: &str,
    limit: usize,
    ttl: Duration,
) -> Result<Vec<FrontierLease>> {
    // One statement, so one implicit transaction: the rows picked are locked (others skip
    // them) until the UPDATE that stamps the lease commits.
    let rows = c
        .query(
            &format!(
                "WITH now AS (SELECT {NOW} AS us),
                 ranked AS (
                    SELECT f.id, row_number() OVER (PARTITION BY f.host ORDER BY f.id) AS rn,
                           COALESCE(h.next_us, 0) AS next_us
                    FROM frontier f LEFT JOIN frontier_hosts h ON h.host = f.host, now
                    WHERE f.due_us IS NOT NULL AND f.due_us <= now.us
                      AND (f.lease_until_us IS NULL OR f.lease_until_us <= now.us)),
                 picked AS (
                    SELECT f.id FROM frontier f JOIN ranked r ON r.id = f.id, now
                    WHERE r.rn <= $4 AND f.due_us IS NOT NULL AND f.due_us <= now.us
                      AND (f.lease_until_us IS NULL OR f.lease_until_us <= now.us)
                    ORDER BY r.rn, r.next_us, f.id LIMIT $3
                    FOR UPDATE OF f SKIP LOCKED)
                 UPDATE frontier f SET lease_owner = $1, lease_until_us = now.us + $2
                 FROM picked, now WHERE f.id = picked.id
                 RETURNING f.id, f.source_id, f.url, f.host, f.kind, f.depth"
            ),
            &[
                &worker,
                &micros(ttl),
                &(limit.clamp(1, 10_000) as i64),
                &PER_HOST,
            ],
        )
        .await?;
    rows.iter().map(lease_of).collect()
}

pub(super) async fn renew(
    c: &impl GenericClient,
    worker: &str,
    ids: &[FrontierId],
    ttl: Duration,
) -> Result<u64> {
    let ids: Vec<i64> = ids.iter().map(|i| i.0).collect();
    // Rows are locked in id order, as `done` takes them: two statements of one worker
    // (a renewal racing its own completion) cannot deadlock.
    Ok(c.execute(
        &format!(
            "UPDATE frontier SET lease_until_us = {NOW} + $1
             WHERE id IN (SELECT id FROM frontier
                          WHERE id = ANY($2) AND lease_owner = $3 AND lease_until_us > {NOW}
                          ORDER BY id FOR UPDATE)"
        ),
        &[&micros(ttl), &ids, &worker],
    )
    .await?)
}

pub(super) async fn done(
    c: &mut deadpool_postgres::ClientWrapper,
    worker: &str,
    done: &[(FrontierId, Option<Duration>)],
) -> Result<u64> {
    let tx: CachedTx<'_> = c.transaction().await?;
    let st = tx
        .prepare_cached(&format!(
            "UPDATE frontier SET due_us = {NOW} + $1, lease_owner = NULL,
                    lease_until_us = NULL, fetches = fetches + 1
             WHERE id = $2 AND lease_owner = $3"
        ))
        .await?;
    let mut sorted = done.to_vec();
    sorted.sort_by_key(|(id, _)| *id);
    let mut n = 0;
    for (id, again) in &sorted {
        // NULL + anything is NULL: "never again".
        n += tx
            .execute(&st, &[&again.map(micros), &id.0, &worker])
            .await?;
    }
    tx.commit().await?;
    Ok(n)
}

pub(super) async fn host_slot(
    c: &impl GenericClient,
    host: &str,
    delay: Duration,
) -> Result<Duration> {
    let r = c
        .query_one(
            &format!(
                "WITH now AS (SELECT {NOW} AS us)
                 INSERT INTO frontier_hosts (host, next_us) SELECT $1, now.us + $2 FROM now
                 ON CONFLICT (host) DO UPDATE
                    SET next_us = GREATEST(frontier_hosts.next_us, (SELECT us FROM now)) + $2
                 RETURNING next_us, (SELECT us FROM now)"
            ),
            &[&host, &micros(delay)],
        )
        .await?;
    Ok(wait_for(r.try_get(0)?, micros(delay), r.try_get(1)?))
}

pub(super) async fn depth(c: &impl GenericClient) -> Result<FrontierDepth> {
    let r = c
        .query_one(
            &format!(
                "WITH now AS (SELECT {NOW} AS us) SELECT
                    COUNT(*) FILTER (WHERE due_us IS NOT NULL AND due_us <= now.us
                        AND (lease_until_us IS NULL OR lease_until_us <= now.us)),
                    COUNT(*) FILTER (WHERE lease_until_us > now.us),
                    COUNT(*) FILTER (WHERE (due_us IS NULL OR due_us > now.us)
                        AND (lease_until_us IS NULL OR lease_until_us <= now.us))
                 FROM frontier, now"
            ),
            &[],
        )
        .await?;
    let n = |i: usize| -> Result<u64> { Ok(r.try_get::<_, i64>(i)?.max(0) as u64) };
    Ok(FrontierDepth {
        ready: n(0)?,
        leased: n(1)?,
        waiting: n(2)?,
    })
}
