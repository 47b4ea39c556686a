//! Sources in SQLite: the followed sites with their settings, display policy and takedown.

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Transaction};

use super::{next_seq, parse_ts, ts, MAX_URL_LEN};
use crate::error::{Result, StoreError};
use crate::types::*;

fn row_to_source(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Source, String, String, String)> {
    // JSON and time columns are returned raw and parsed by the caller (typed errors).
    Ok((
        Source {
            id: SourceId(r.get(0)?),
            name: r.get(1)?,
            home_url: r.get(2)?,
            feeds: Vec::new(),
            sitemaps: Vec::new(),
            lang: r.get(5)?,
            display: DisplayPolicy::parse(&r.get::<_, String>(6)?).unwrap_or_default(),
            hidden: r.get::<_, i64>(7)? != 0,
            politeness: Politeness {
                delay_ms: r.get::<_, Option<i64>>(8)?.map(|v| v.max(0) as u64),
                max_concurrency: r
                    .get::<_, Option<i64>>(9)?
                    .map(|v| v.clamp(0, 1 << 20) as u32),
            },
            created_at: DateTime::<Utc>::MIN_UTC,
        },
        r.get(3)?,
        r.get(4)?,
        r.get(10)?,
    ))
}

const SOURCE_COLS: &str = "id, name, home_url, feeds, sitemaps, lang, display, hidden, delay_ms, max_concurrency, created_at";

fn finish_source(raw: (Source, String, String, String)) -> Result<Source> {
    let (mut s, feeds, sitemaps, created) = raw;
    s.feeds = serde_json::from_str(&feeds)?;
    s.sitemaps = serde_json::from_str(&sitemaps)?;
    s.created_at = parse_ts(&created)?;
    Ok(s)
}

pub(super) fn query_sources(
    conn: &Connection,
    where_sql: &str,
    args: &[Value],
) -> Result<Vec<Source>> {
    let sql = format!("SELECT {SOURCE_COLS} FROM sources {where_sql} ORDER BY id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), row_to_source)?;
    let mut out = Vec::new();
    for raw in rows {
        out.push(finish_source(raw?)?);
    }
    Ok(out)
}

pub(crate) fn check_source(s: &NewSource) -> Result<()> {
    if s.name.trim().is_empty() {
        return Err(StoreError::Invalid("a source needs a name".into()));
    }
    if s.home_url.len() > MAX_URL_LEN {
        return Err(StoreError::Invalid(
            "the source's home URL is too long".into(),
        ));
    }
    Ok(())
}

fn bump_articles(tx: &Transaction<'_>, where_sql: &str, arg: i64) -> Result<()> {
    let ids: Vec<i64> = tx
        .prepare(&format!("SELECT id FROM articles WHERE {where_sql}"))?
        .query_map([arg], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        let seq = next_seq(tx)?;
        tx.prepare_cached("UPDATE articles SET change_seq = ?2 WHERE id = ?1")?
            .execute(params![id, seq])?;
    }
    Ok(())
}

pub(super) fn add_source(c: &mut Connection, s: &NewSource) -> Result<SourceId> {
    let tx = c.transaction()?;
    let exists: Option<i64> = tx
        .query_row("SELECT id FROM sources WHERE name = ?1", [&s.name], |r| {
            r.get(0)
        })
        .optional()?;
    if exists.is_some() {
        return Err(StoreError::Conflict(format!(
            "a source named {:?} already exists",
            s.name
        )));
    }
    tx.execute(
        "INSERT INTO sources (name, home_url, feeds, sitemaps, lang, display, delay_ms, max_concurrency, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            s.name,
            s.home_url,
            serde_json::to_string(&s.feeds)?,
            serde_json::to_string(&s.sitemaps)?,
            s.lang,
            s.display.as_str(),
            s.politeness.delay_ms.map(|v| v.min(i64::MAX as u64) as i64),
            s.politeness.max_concurrency.map(i64::from),
            ts(&Utc::now()),
        ],
    )?;
    let id = tx.last_insert_rowid();
    tx.commit()?;
    Ok(SourceId(id))
}

pub(super) fn update_source(c: &mut Connection, s: &Source) -> Result<()> {
    let n = c.execute(
        "UPDATE sources SET name = ?2, home_url = ?3, feeds = ?4, sitemaps = ?5, lang = ?6,
            display = ?7, delay_ms = ?8, max_concurrency = ?9 WHERE id = ?1",
        params![
            s.id.0,
            s.name,
            s.home_url,
            serde_json::to_string(&s.feeds)?,
            serde_json::to_string(&s.sitemaps)?,
            s.lang,
            s.display.as_str(),
            s.politeness.delay_ms.map(|v| v.min(i64::MAX as u64) as i64),
            s.politeness.max_concurrency.map(i64::from),
        ],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("source {}", s.id)));
    }
    Ok(())
}

pub(super) fn remove_source(c: &mut Connection, id: SourceId) -> Result<bool> {
    let tx = c.transaction()?;
    let ids: Vec<i64> = tx
        .prepare("SELECT id FROM articles WHERE source_id = ?1")?
        .query_map([id.0], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for aid in ids {
        let seq = next_seq(&tx)?;
        tx.execute(
            "INSERT OR REPLACE INTO tombstones (article_id, change_seq) VALUES (?1, ?2)",
            params![aid, seq],
        )?;
    }
    let n = tx.execute("DELETE FROM sources WHERE id = ?1", [id.0])?;
    tx.commit()?;
    Ok(n > 0)
}

pub(super) fn set_source_display(
    c: &mut Connection,
    id: SourceId,
    display: DisplayPolicy,
) -> Result<()> {
    let tx = c.transaction()?;
    let n = tx.execute(
        "UPDATE sources SET display = ?2 WHERE id = ?1",
        params![id.0, display.as_str()],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("source {id}")));
    }
    bump_articles(&tx, "source_id = ?1", id.0)?;
    tx.commit()?;
    Ok(())
}

pub(super) fn set_source_hidden(c: &mut Connection, id: SourceId, hidden: bool) -> Result<()> {
    let tx = c.transaction()?;
    let n = tx.execute(
        "UPDATE sources SET hidden = ?2 WHERE id = ?1",
        params![id.0, hidden],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("source {id}")));
    }
    bump_articles(&tx, "source_id = ?1", id.0)?;
    tx.commit()?;
    Ok(())
}
