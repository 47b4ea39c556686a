//! Source health in PostgreSQL (the twin of `sqlite/health.rs`): per-page extraction
//! results and failed fetches, and the per-source summary `khronika status` prints.

use chrono::{DateTime, TimeDelta, Utc};
use tokio_postgres::GenericClient;

use crate::error::Result;
use crate::sqlite::{
    pick_last_fetch, tally_extractions, KEEP_EXTRACTIONS, KEEP_FAILURES, MAX_DETAIL,
};
use crate::types::*;

pub(super) async fn record(
    c: &mut tokio_postgres::Client,
    extractions: &[NewExtraction],
    failures: &[NewFailure],
) -> Result<()> {
    let tx = c.transaction().await?;
    let mut touched = Vec::new();
    for x in extractions {
        tx.execute(
            "INSERT INTO extractions (source_id, url, at, has_title, has_body, has_date)
             SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM sources WHERE id = $1)",
            &[
                &x.source_id.0,
                &x.url,
                &x.at,
                &x.has_title,
                &x.has_body,
                &x.has_date,
            ],
        )
        .await?;
        if !touched.contains(&x.source_id.0) {
            touched.push(x.source_id.0);
        }
    }
    for source in touched {
        tx.execute(
            "DELETE FROM extractions WHERE source_id = $1 AND id <=
               (SELECT id FROM extractions WHERE source_id = $1 ORDER BY id DESC
                LIMIT 1 OFFSET $2)",
            &[&source, &KEEP_EXTRACTIONS],
        )
        .await?;
    }
    for f in failures {
        let detail: String = f.detail.chars().take(MAX_DETAIL).collect();
        // A source removed meanwhile: keep the failure without it rather than fail the batch.
        tx.execute(
            "INSERT INTO fetch_failures (source_id, url, at, kind, detail)
             VALUES ((SELECT id FROM sources WHERE id = $1), $2, $3, $4, $5)",
            &[&f.source_id.map(|s| s.0), &f.url, &f.at, &f.kind, &detail],
        )
        .await?;
    }
    // Counted back from the newest failure recorded, not from the clock.
    if let Some(newest) = failures.iter().map(|f| f.at).max() {
        tx.execute(
            "DELETE FROM fetch_failures WHERE at < $1",
            &[&(newest - KEEP_FAILURES)],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn last_fetch(c: &impl GenericClient, source: i64) -> Result<Option<LastFetch>> {
    let response = c
        .query_opt(
            "SELECT fetched_at, url, status FROM fetches WHERE source_id = $1
             ORDER BY id DESC LIMIT 1",
            &[&source],
        )
        .await?
        .map(|r| -> Result<LastFetch> {
            Ok(LastFetch {
                at: r.try_get(0)?,
                url: r.try_get(1)?,
                status: Some(r.try_get::<_, i64>(2)?.clamp(0, u16::MAX as i64) as u16),
                failure: None,
            })
        })
        .transpose()?;
    let failure = c
        .query_opt(
            "SELECT at, url, kind, detail FROM fetch_failures WHERE source_id = $1
             ORDER BY at DESC, id DESC LIMIT 1",
            &[&source],
        )
        .await?
        .map(|r| -> Result<LastFetch> {
            let (kind, detail): (&str, &str) = (r.try_get(2)?, r.try_get(3)?);
            Ok(LastFetch {
                at: r.try_get(0)?,
                url: r.try_get(1)?,
                status: None,
                failure: Some(format!("{kind}: {detail}")),
            })
        })
        .transpose()?;
    Ok(pick_last_fetch(response, failure))
}

pub(super) async fn source_health(
    c: &impl GenericClient,
    now: DateTime<Utc>,
    window: HealthWindow,
) -> Result<Vec<SourceHealth>> {
    let ids: Vec<i64> = c
        .query("SELECT id FROM sources ORDER BY id", &[])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let since = now - TimeDelta::days(7);
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let mut per_day = [0u64; 7];
        let rows = c
            .query(
                "SELECT (($2 - EXTRACT(EPOCH FROM first_seen)::BIGINT) / 86400)::BIGINT, COUNT(*)
                 FROM articles WHERE source_id = $1 AND first_seen >= $3 AND first_seen <= $4
                 GROUP BY 1",
                &[&id, &now.timestamp(), &since, &now],
            )
            .await?;
        for r in rows {
            let (days_ago, n): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
            if let Ok(days_ago) = usize::try_from(days_ago) {
                if let Some(slot) = 6usize
                    .checked_sub(days_ago)
                    .and_then(|i| per_day.get_mut(i))
                {
                    *slot += n.max(0) as u64;
                }
            }
        }
        let errors_by_kind = c
            .query(
                "SELECT kind, COUNT(*) FROM fetch_failures
                 WHERE source_id = $1 AND at >= $2 AND at <= $3
                 GROUP BY kind ORDER BY COUNT(*) DESC, kind",
                &[&id, &since, &now],
            )
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get::<_, String>(0)?,
                    r.try_get::<_, i64>(1)?.max(0) as u64,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        let articles: i64 = c
            .query_one("SELECT COUNT(*) FROM articles WHERE source_id = $1", &[&id])
            .await?
            .get(0);
        let (recent_n, total) = tally_extractions(window);
        let flags = c
            .query(
                "SELECT has_title, has_body, has_date FROM extractions WHERE source_id = $1
                 ORDER BY id DESC LIMIT $2",
                &[&id, &(total as i64)],
            )
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect::<Result<Vec<(bool, bool, bool)>>>()?;
        let [recent, earlier] = crate::sqlite::count_extractions(recent_n, flags);
        out.push(SourceHealth {
            source_id: SourceId(id),
            last_fetch: last_fetch(c, id).await?,
            articles_per_day: per_day,
            errors_by_kind,
            articles: articles.max(0) as u64,
            recent,
            earlier,
        });
    }
    Ok(out)
}
