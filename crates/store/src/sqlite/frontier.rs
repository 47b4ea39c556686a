//! The crawl frontier in SQLite. One process owns the file, so the writer connection's
//! serialisation gives the same lease semantics PostgreSQL gets from `SKIP LOCKED`.

use std::time::Duration;

use rusqlite::{params, Connection};

use super::MAX_URL_LEN;
use crate::error::{Result, StoreError};
use crate::types::*;

/// URLs leased per host in one call at most, so one batch spreads over hosts instead of
/// queueing behind one host's politeness delay.
pub(crate) const PER_HOST: i64 = 8;

pub(crate) fn now_us() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

pub(crate) fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX / 4)
}

pub(crate) fn check_url(u: &NewFrontierUrl) -> Result<()> {
    if u.url.is_empty() || u.url.len() > MAX_URL_LEN || u.host.is_empty() {
        return Err(StoreError::Invalid(format!(
            "a frontier URL must be 1..={MAX_URL_LEN} bytes with a host, got {:?}",
            u.url.chars().take(80).collect::<String>()
        )));
    }
    Ok(())
}

pub(super) fn add(c: &mut Connection, urls: &[NewFrontierUrl]) -> Result<u64> {
    urls.iter().try_for_each(check_url)?;
    let tx = c.transaction()?;
    let now = now_us();
    let mut added = 0;
    for u in urls {
        added += tx
            .prepare_cached(
                "INSERT INTO frontier (source_id, url, host, kind, depth, due_us)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (url) DO NOTHING",
            )?
            .execute(params![
                u.source_id.0,
                u.url,
                u.host,
                u.kind.as_str(),
                u.depth,
                now
            ])? as u64;
    }
    tx.commit()?;
    Ok(added)
}

pub(super) fn lease(
    c: &mut Connection,
    worker: &str,
    limit: usize,
    ttl: Duration,
) -> Result<Vec<FrontierLease>> {
    let tx = c.transaction()?;
    let now = now_us();
    let rows = {
        let mut st = tx.prepare_cached(
            "WITH ranked AS (
                SELECT f.id, row_number() OVER (PARTITION BY f.host ORDER BY f.id) AS rn,
                       COALESCE(h.next_us, 0) AS next_us
                FROM frontier f LEFT JOIN frontier_hosts h ON h.host = f.host
                WHERE f.due_us IS NOT NULL AND f.due_us <= ?1
                  AND (f.lease_until_us IS NULL OR f.lease_until_us <= ?1))
             UPDATE frontier SET lease_owner = ?2, lease_until_us = ?1 + ?3
             WHERE id IN (SELECT id FROM ranked WHERE rn <= ?5
                          ORDER BY rn, next_us, id LIMIT ?4)
             RETURNING id, source_id, url, host, kind, depth",
        )?;
        let rows = st.query_map(
            params![
                now,
                worker,
                micros(ttl),
                limit.clamp(1, 10_000) as i64,
                PER_HOST
            ],
            |r| {
                Ok(FrontierLease {
                    id: FrontierId(r.get(0)?),
                    source_id: SourceId(r.get(1)?),
                    url: r.get(2)?,
                    host: r.get(3)?,
                    kind: FrontierKind::parse(&r.get::<_, String>(4)?),
                    depth: r.get::<_, i64>(5)?.clamp(0, u32::MAX as i64) as u32,
                })
            },
        )?;
        rows.collect::<std::result::Result<Vec<_>, _>>()?
    };
    tx.commit()?;
    Ok(rows)
}

pub(super) fn renew(
    c: &mut Connection,
    worker: &str,
    ids: &[FrontierId],
    ttl: Duration,
) -> Result<u64> {
    let tx = c.transaction()?;
    let now = now_us();
    let mut n = 0;
    for id in ids {
        n += tx
            .prepare_cached(
                "UPDATE frontier SET lease_until_us = ?1 + ?2
                 WHERE id = ?3 AND lease_owner = ?4 AND lease_until_us > ?1",
            )?
            .execute(params![now, micros(ttl), id.0, worker])? as u64;
    }
    tx.commit()?;
    Ok(n)
}

pub(super) fn done(
    c: &mut Connection,
    worker: &str,
    done: &[(FrontierId, Option<Duration>)],
) -> Result<u64> {
    let tx = c.transaction()?;
    let now = now_us();
    let mut n = 0;
    for (id, again) in done {
        n += tx
            .prepare_cached(
                "UPDATE frontier SET due_us = ?1, lease_owner = NULL, lease_until_us = NULL,
                        fetches = fetches + 1
                 WHERE id = ?2 AND lease_owner = ?3",
            )?
            .execute(params![again.map(|d| now + micros(d)), id.0, worker])? as u64;
    }
    tx.commit()?;
    Ok(n)
}

pub(super) fn host_slot(c: &mut Connection, host: &str, delay: Duration) -> Result<Duration> {
    let now = now_us();
    let next: i64 = c.query_row(
        "INSERT INTO frontier_hosts (host, next_us) VALUES (?1, ?2 + ?3)
         ON CONFLICT (host) DO UPDATE SET next_us = MAX(next_us, ?2) + ?3
         RETURNING next_us",
        params![host, now, micros(delay)],
        |r| r.get(0),
    )?;
    Ok(wait_for(next, micros(delay), now))
}

/// The wait before a reserved slot: it starts `delay` before the new next-allowed time.
pub(crate) fn wait_for(next_us: i64, delay_us: i64, now_us: i64) -> Duration {
    Duration::from_micros(
        next_us
            .saturating_sub(delay_us)
            .saturating_sub(now_us)
            .max(0) as u64,
    )
}

pub(super) fn depth(c: &Connection) -> Result<FrontierDepth> {
    let (ready, leased, waiting): (i64, i64, i64) = c.query_row(
        "SELECT
            COALESCE(SUM(due_us IS NOT NULL AND due_us <= ?1
                         AND (lease_until_us IS NULL OR lease_until_us <= ?1)), 0),
            COALESCE(SUM(lease_until_us > ?1), 0),
            COALESCE(SUM(due_us IS NULL OR (due_us > ?1 AND (lease_until_us IS NULL OR lease_until_us <= ?1))), 0)
         FROM frontier",
        params![now_us()],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(FrontierDepth {
        ready: ready.max(0) as u64,
        leased: leased.max(0) as u64,
        waiting: waiting.max(0) as u64,
    })
}
