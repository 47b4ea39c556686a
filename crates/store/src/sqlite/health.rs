//! Source health in SQLite: per-page extraction results and failed fetches, and the per
//! source summary `khronika status` prints.

use chrono::{DateTime, TimeDelta, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::{parse_ts, ts};
use crate::error::Result;
use crate::types::*;

/// Extraction rows kept per source: enough for any sensible health window, bounded so the
/// table cannot grow with the archive.
pub(crate) const KEEP_EXTRACTIONS: i64 = 1_000;
/// Failures are kept this long.
pub(crate) const KEEP_FAILURES: TimeDelta = TimeDelta::days(30);
/// A failure's reason is cut to this many characters.
pub(crate) const MAX_DETAIL: usize = 500;
/// Pages per source a health window may compare.
const MAX_WINDOW: usize = KEEP_EXTRACTIONS as usize;

pub(super) fn record(
    c: &mut Connection,
    extractions: &[NewExtraction],
    failures: &[NewFailure],
) -> Result<()> {
    let tx = c.transaction()?;
    let mut touched = Vec::new();
    for x in extractions {
        tx.prepare_cached(
            "INSERT INTO extractions (source_id, url, at, has_title, has_body, has_date)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM sources WHERE id = ?1)",
        )?
        .execute(params![
            x.source_id.0,
            x.url,
            ts(&x.at),
            x.has_title,
            x.has_body,
            x.has_date
        ])?;
        if !touched.contains(&x.source_id.0) {
            touched.push(x.source_id.0);
        }
    }
    for source in touched {
        tx.prepare_cached(
            "DELETE FROM extractions WHERE source_id = ?1 AND id <=
               (SELECT id FROM extractions WHERE source_id = ?1 ORDER BY id DESC
                LIMIT 1 OFFSET ?2)",
        )?
        .execute(params![source, KEEP_EXTRACTIONS])?;
    }
    for f in failures {
        let detail: String = f.detail.chars().take(MAX_DETAIL).collect();
        // A source removed meanwhile: keep the failure without it rather than fail the batch.
        tx.prepare_cached(
            "INSERT INTO fetch_failures (source_id, url, at, kind, detail)
             VALUES ((SELECT id FROM sources WHERE id = ?1), ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            f.source_id.map(|s| s.0),
            f.url,
            ts(&f.at),
            f.kind,
            detail
        ])?;
    }
    // Counted back from the newest failure recorded, not from the clock: what is kept does
    // not depend on when the writer runs.
    if let Some(newest) = failures.iter().map(|f| f.at).max() {
        tx.prepare_cached("DELETE FROM fetch_failures WHERE at < ?1")?
            .execute([ts(&(newest - KEEP_FAILURES))])?;
    }
    tx.commit()?;
    Ok(())
}

fn last_fetch(c: &Connection, source: i64) -> Result<Option<LastFetch>> {
    let response: Option<(String, String, i64)> = c
        .prepare_cached(
            "SELECT fetched_at, url, status FROM fetches WHERE source_id = ?1
             ORDER BY id DESC LIMIT 1",
        )?
        .query_row([source], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let failure: Option<(String, String, String, String)> = c
        .prepare_cached(
            "SELECT at, url, kind, detail FROM fetch_failures WHERE source_id = ?1
             ORDER BY at DESC, id DESC LIMIT 1",
        )?
        .query_row([source], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let response = response
        .map(|(at, url, status)| {
            Ok::<_, crate::StoreError>(LastFetch {
                at: parse_ts(&at)?,
                url,
                status: Some(status.clamp(0, u16::MAX as i64) as u16),
                failure: None,
            })
        })
        .transpose()?;
    let failure = failure
        .map(|(at, url, kind, detail)| {
            Ok::<_, crate::StoreError>(LastFetch {
                at: parse_ts(&at)?,
                url,
                status: None,
                failure: Some(format!("{kind}: {detail}")),
            })
        })
        .transpose()?;
    Ok(pick_last_fetch(response, failure))
}

/// The last response or the last failure, whichever is newer. An HTTP error is recorded
/// both ways at the same moment: the failure (with its reason) is the more useful of the two.
pub(crate) fn pick_last_fetch(
    response: Option<LastFetch>,
    failure: Option<LastFetch>,
) -> Option<LastFetch> {
    match (response, failure) {
        (Some(r), Some(f)) => Some(if f.at >= r.at { f } else { r }),
        (r, f) => r.or(f),
    }
}

/// How many of a source's newest extraction rows are "recent", and how many to read.
pub(crate) fn tally_extractions(window: HealthWindow) -> (usize, usize) {
    let recent = window.recent.min(MAX_WINDOW);
    (recent, recent + window.earlier.min(MAX_WINDOW))
}

/// Sum extraction flags (newest first) into the recent pages and the ones before them.
pub(crate) fn count_extractions(
    recent: usize,
    rows: impl IntoIterator<Item = (bool, bool, bool)>,
) -> [ExtractionCounts; 2] {
    let mut out = [ExtractionCounts::default(); 2];
    for (i, (title, body, date)) in rows.into_iter().enumerate() {
        let counts = &mut out[usize::from(i >= recent)];
        counts.pages += 1;
        counts.with_title += u64::from(title);
        counts.with_body += u64::from(body);
        counts.with_date += u64::from(date);
    }
    out
}

fn extraction_counts(
    c: &Connection,
    source: i64,
    window: HealthWindow,
) -> Result<[ExtractionCounts; 2]> {
    let (recent, total) = tally_extractions(window);
    let mut stmt = c.prepare_cached(
        "SELECT has_title, has_body, has_date FROM extractions WHERE source_id = ?1
         ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![source, total as i64], |r| {
        Ok((
            r.get::<_, bool>(0)?,
            r.get::<_, bool>(1)?,
            r.get::<_, bool>(2)?,
        ))
    })?;
    let rows = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(count_extractions(recent, rows))
}

pub(super) fn source_health(
    c: &Connection,
    now: DateTime<Utc>,
    window: HealthWindow,
) -> Result<Vec<SourceHealth>> {
    let ids: Vec<i64> = c
        .prepare_cached("SELECT id FROM sources ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let since = now - TimeDelta::days(7);
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let mut per_day = [0u64; 7];
        {
            let mut stmt = c.prepare_cached(
                "SELECT CAST((?2 - CAST(strftime('%s', first_seen) AS INTEGER)) / 86400 AS INTEGER),
                        COUNT(*)
                 FROM articles WHERE source_id = ?1 AND first_seen >= ?3 AND first_seen <= ?4
                 GROUP BY 1",
            )?;
            let rows = stmt.query_map(params![id, now.timestamp(), ts(&since), ts(&now)], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })?;
            for row in rows {
                let (days_ago, n) = row?;
                if let Ok(days_ago) = usize::try_from(days_ago) {
                    if let Some(slot) = 6usize
                        .checked_sub(days_ago)
                        .and_then(|i| per_day.get_mut(i))
                    {
                        *slot += n.max(0) as u64;
                    }
                }
            }
        }
        let errors_by_kind: Vec<(String, u64)> = c
            .prepare_cached(
                "SELECT kind, COUNT(*) FROM fetch_failures
                 WHERE source_id = ?1 AND at >= ?2 AND at <= ?3
                 GROUP BY kind ORDER BY COUNT(*) DESC, kind",
            )?
            .query_map(params![id, ts(&since), ts(&now)], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let articles: i64 = c
            .prepare_cached("SELECT COUNT(*) FROM articles WHERE source_id = ?1")?
            .query_row([id], |r| r.get(0))?;
        let [recent, earlier] = extraction_counts(c, id, window)?;
        out.push(SourceHealth {
            source_id: SourceId(id),
            last_fetch: last_fetch(c, id)?,
            articles_per_day: per_day,
            errors_by_kind,
            articles: articles.max(0) as u64,
            recent,
            earlier,
        });
    }
    Ok(out)
}
