//! Organisation in SQLite: near-duplicates, rubrics and stories as the organise stage
//! decides them, the seeds it rebuilds its window from, and clearing it all for a rebuild.
//!
//! A story row is *live* (`merged_into IS NULL AND retired = 0`), *merged* (`merged_into` =
//! the story that absorbed it) or *retired* (`retired = 1`: it lost its last article, or
//! [`clear`] ran). Merged and retired rows are never deleted, so a story id keeps resolving:
//! a merged id follows `merged_into`, a retired id goes to the live story holding the article
//! with the same id (a story's id is its founding article's id). `story_articles` only ever
//! points at live stories.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use khronika_model::Rubric;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Transaction};

use super::{clamp_limit, keyset_page, next_seq, parse_ts, ts, VISIBLE};
use crate::error::{Result, StoreError};
use crate::types::*;

/// Merges followed when resolving an id (a longer chain means a corrupt table).
pub(crate) const MAX_CHAIN: usize = 1000;
const MAX_TITLE_LEN: usize = 2000;
/// Entity names kept per story.
pub(crate) const MAX_STORY_ENTITIES: usize = 64;
/// Seeds returned by one call (the organiser's window can be large, but not unbounded).
pub(crate) const MAX_SEEDS: usize = 1_000_000;
/// Ids per `IN (…)` list.
const CHUNK: usize = 500;

const LIVE: &str = "merged_into IS NULL AND retired = 0";

pub(crate) fn rubric_from_code(code: Option<String>) -> Result<Option<Rubric>> {
    code.map(|c| {
        Rubric::parse(&c).ok_or_else(|| StoreError::Corrupt(format!("unknown rubric {c:?}")))
    })
    .transpose()
}

pub(crate) fn from_unix(t: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(t, 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Live,
    Merged(i64),
    Retired,
}

fn state(c: &Connection, id: i64) -> Result<Option<State>> {
    let row: Option<(Option<i64>, i64)> = c
        .prepare_cached("SELECT merged_into, retired FROM stories WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.map(|(merged, retired)| match (merged, retired) {
        (Some(into), _) => State::Merged(into),
        (None, 0) => State::Live,
        (None, _) => State::Retired,
    }))
}

/// Follow merges from `id`: the last id of the chain and its state (never `Merged`).
fn follow(c: &Connection, id: i64) -> Result<Option<(i64, State)>> {
    let mut cur = id;
    for _ in 0..MAX_CHAIN {
        match state(c, cur)? {
            None => return Ok(None),
            Some(State::Merged(next)) => cur = next,
            Some(st) => return Ok(Some((cur, st))),
        }
    }
    Err(StoreError::Corrupt(format!(
        "story {id}: merge chain longer than {MAX_CHAIN} (a cycle?)"
    )))
}

/// Follow merges to a live story, or fail: `what` names the reference in the error.
fn live_target(c: &Connection, id: StoryId, what: &str) -> Result<i64> {
    match follow(c, id.0)? {
        Some((live, State::Live)) => Ok(live),
        _ => Err(StoreError::Invalid(format!(
            "{what}: story {id} is not a live story (create it with a StoryUpdate first)"
        ))),
    }
}

/// The live story holding an article.
fn story_of_article(c: &Connection, article: i64) -> Result<Option<i64>> {
    Ok(c.prepare_cached(
        "SELECT sa.story_id FROM story_articles sa JOIN stories st ON st.id = sa.story_id
         WHERE sa.article_id = ?1 AND st.merged_into IS NULL AND st.retired = 0",
    )?
    .query_row([article], |r| r.get(0))
    .optional()?)
}

pub(super) fn resolve(c: &Connection, id: StoryId) -> Result<Option<StoryId>> {
    let found = match follow(c, id.0)? {
        None => None,
        Some((live, State::Live)) => Some(live),
        Some((end, _)) => match story_of_article(c, end)? {
            Some(s) => Some(s),
            None if end != id.0 => story_of_article(c, id.0)?,
            None => None,
        },
    };
    Ok(found.map(StoryId))
}

pub(crate) fn check_update(s: &StoryUpdate) -> Result<()> {
    if s.id.0 <= 0 {
        return Err(StoreError::Invalid(format!(
            "story id {} is not an article id",
            s.id
        )));
    }
    let title = s.title.trim();
    if title.is_empty() || title.len() > MAX_TITLE_LEN {
        return Err(StoreError::Invalid(format!(
            "story {}: a title must be 1..={MAX_TITLE_LEN} bytes",
            s.id
        )));
    }
    if s.first_seen > s.last_seen {
        return Err(StoreError::Invalid(format!(
            "story {}: first_seen after last_seen",
            s.id
        )));
    }
    Ok(())
}

fn upsert_story(tx: &Transaction<'_>, s: &StoryUpdate, now: &str) -> Result<()> {
    check_update(s)?;
    let entities: Vec<&String> = s.entities.iter().take(MAX_STORY_ENTITIES).collect();
    // An update revives a merged or retired id: the organiser founded the story anew.
    tx.prepare_cached(
        "INSERT INTO stories (id, title, first_seen, last_seen, sources, articles, entities,
             rubric, merged_into, retired, last_ts, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, 0, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET
             title = excluded.title, first_seen = excluded.first_seen,
             last_seen = excluded.last_seen, sources = excluded.sources,
             articles = excluded.articles, entities = excluded.entities,
             rubric = excluded.rubric, merged_into = NULL, retired = 0,
             last_ts = excluded.last_ts, updated_at = excluded.updated_at",
    )?
    .execute(params![
        s.id.0,
        s.title.trim(),
        ts(&s.first_seen),
        ts(&s.last_seen),
        i64::from(s.sources),
        i64::from(s.article_count),
        serde_json::to_string(&entities)?,
        s.rubric.map(Rubric::code),
        s.last_seen.timestamp(),
        now,
    ])?;
    Ok(())
}

/// Merge `from` into `into`: returns the survivor, or `None` when already merged there.
fn merge(
    tx: &Transaction<'_>,
    from: StoryId,
    into: StoryId,
    now: &str,
    changed: &mut BTreeSet<i64>,
) -> Result<Option<i64>> {
    if from == into {
        return Err(StoreError::Invalid(format!(
            "story {from} merged into itself"
        )));
    }
    let survivor = live_target(tx, into, &format!("merge of {from} into {into}"))?;
    let loser = live_target(tx, from, &format!("merge of {from} into {into}"))?;
    if loser == survivor {
        return Ok(None);
    }
    let moved: Vec<i64> = tx
        .prepare_cached("SELECT article_id FROM story_articles WHERE story_id = ?1")?
        .query_map([loser], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    changed.extend(moved);
    tx.prepare_cached("UPDATE story_articles SET story_id = ?2 WHERE story_id = ?1")?
        .execute(params![loser, survivor])?;
    tx.prepare_cached("UPDATE stories SET merged_into = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![loser, survivor, now])?;
    // Shorten the chains that ended at the loser.
    tx.prepare_cached("UPDATE stories SET merged_into = ?2 WHERE merged_into = ?1")?
        .execute(params![loser, survivor])?;
    Ok(Some(survivor))
}

type Current = (Option<i64>, Option<i64>, Option<String>);

fn current(tx: &Transaction<'_>, article: i64) -> Result<Option<Current>> {
    Ok(tx
        .prepare_cached(
            "SELECT (SELECT sa.story_id FROM story_articles sa WHERE sa.article_id = a.id),
                    a.duplicate_of, a.rubric
             FROM articles a WHERE a.id = ?1",
        )?
        .query_row([article], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

fn exists(tx: &Transaction<'_>, article: i64) -> Result<bool> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM articles WHERE id = ?1")?
        .query_row([article], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Place one article; records the stories it left or joined in `touched`.
fn place(
    tx: &Transaction<'_>,
    o: &ArticleOrganisation,
    touched: &mut BTreeSet<i64>,
    changed: &mut BTreeSet<i64>,
) -> Result<()> {
    let id = o.article.0;
    if o.duplicate_of == Some(o.article) {
        return Err(StoreError::Invalid(format!(
            "article {id} marked a duplicate of itself"
        )));
    }
    let Some((old_story, old_dup, old_rubric)) = current(tx, id)? else {
        return Ok(()); // deleted since it was organised
    };
    let story = match o.story {
        Some(s) => Some(live_target(tx, s, &format!("article {id}"))?),
        None => None,
    };
    // An original deleted meanwhile: the copy stands alone.
    let dup = match o.duplicate_of {
        Some(d) if exists(tx, d.0)? => Some(d.0),
        _ => None,
    };
    if story != old_story {
        tx.prepare_cached("DELETE FROM story_articles WHERE article_id = ?1")?
            .execute([id])?;
        if let Some(s) = story {
            tx.prepare_cached("INSERT INTO story_articles (story_id, article_id) VALUES (?1, ?2)")?
                .execute(params![s, id])?;
        }
        touched.extend(old_story);
        touched.extend(story);
        changed.insert(id);
    }
    let rubric = o.rubric.code();
    if dup != old_dup || old_rubric.as_deref() != Some(rubric) {
        tx.prepare_cached("UPDATE articles SET duplicate_of = ?2, rubric = ?3 WHERE id = ?1")?
            .execute(params![id, dup, rubric])?;
        changed.insert(id);
    }
    Ok(())
}

/// After the batch: retire live stories without articles; refresh counts and span of the
/// touched stories the organiser did not describe itself.
/// Counts and time span of every touched story are recounted from its members: the store
/// is the truth, and an organiser that restarted sees only a window of each story.
fn settle(tx: &Transaction<'_>, stories: &BTreeSet<i64>, now: &str) -> Result<()> {
    for &id in stories {
        if state(tx, id)? != Some(State::Live) {
            continue;
        }
        let (n, sources, first, last): (i64, i64, Option<i64>, Option<i64>) = tx
            .prepare_cached(
                "SELECT COUNT(*), COUNT(DISTINCT a.source_id), MIN(a.sort_ts), MAX(a.sort_ts)
                 FROM story_articles sa JOIN articles a ON a.id = sa.article_id
                 WHERE sa.story_id = ?1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        if n == 0 {
            tx.prepare_cached("UPDATE stories SET retired = 1, updated_at = ?2 WHERE id = ?1")?
                .execute(params![id, now])?;
        } else {
            let (first, last) = (from_unix(first.unwrap_or(0)), from_unix(last.unwrap_or(0)));
            tx.prepare_cached(
                "UPDATE stories SET articles = ?2, sources = ?3, first_seen = ?4, last_seen = ?5,
                     last_ts = ?6, updated_at = ?7 WHERE id = ?1",
            )?
            .execute(params![
                id,
                n,
                sources,
                ts(&first),
                ts(&last),
                last.timestamp(),
                now
            ])?;
        }
    }
    Ok(())
}

fn bump(tx: &Transaction<'_>, ids: &BTreeSet<i64>) -> Result<()> {
    for &id in ids {
        let seq = next_seq(tx)?;
        tx.prepare_cached("UPDATE articles SET change_seq = ?2 WHERE id = ?1")?
            .execute(params![id, seq])?;
    }
    Ok(())
}

pub(super) fn apply(c: &mut Connection, batch: &OrganiseBatch) -> Result<()> {
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let now = ts(&Utc::now());
    let mut touched = BTreeSet::new();
    let mut changed = BTreeSet::new();
    for s in &batch.stories {
        upsert_story(&tx, s, &now)?;
        touched.insert(s.id.0);
    }
    for &(from, into) in &batch.merges {
        if let Some(survivor) = merge(&tx, from, into, &now, &mut changed)? {
            touched.insert(survivor);
        }
    }
    for o in &batch.articles {
        place(&tx, o, &mut touched, &mut changed)?;
    }
    settle(&tx, &touched, &now)?;
    bump(&tx, &changed)?;
    tx.commit()?;
    Ok(())
}

pub(super) fn clear(c: &mut Connection) -> Result<()> {
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let affected = "duplicate_of IS NOT NULL OR rubric IS NOT NULL
                    OR id IN (SELECT article_id FROM story_articles)";
    let base: i64 = tx.query_row("SELECT value FROM meta WHERE key = 'change_seq'", [], |r| {
        r.get(0)
    })?;
    let n = tx.execute(
        &format!(
            "UPDATE articles SET change_seq = ?1 + r.n, duplicate_of = NULL, rubric = NULL
             FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM articles
                   WHERE {affected}) AS r
             WHERE articles.id = r.id"
        ),
        [base],
    )?;
    tx.execute(
        "UPDATE meta SET value = value + ?1 WHERE key = 'change_seq'",
        [n as i64],
    )?;
    tx.execute("DELETE FROM story_articles", [])?;
    tx.execute(
        "UPDATE stories SET merged_into = NULL, retired = 1, updated_at = ?1",
        [ts(&Utc::now())],
    )?;
    tx.commit()?;
    Ok(())
}

// ---------- reading ----------

pub(super) fn load_story(c: &Connection, id: i64) -> Result<Option<Story>> {
    type Raw = (
        i64,
        String,
        String,
        String,
        i64,
        i64,
        String,
        Option<String>,
    );
    let row: Option<Raw> = c
        .prepare_cached(&format!(
            "SELECT id, title, first_seen, last_seen, sources, articles, entities, rubric
             FROM stories WHERE id = ?1 AND {LIVE}"
        ))?
        .query_row([id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })
        .optional()?;
    let Some((id, title, first, last, sources, count, entities, rubric)) = row else {
        return Ok(None);
    };
    let articles = c
        .prepare_cached(&format!(
            "SELECT a.id FROM story_articles sa JOIN articles a ON a.id = sa.article_id
             LEFT JOIN sources s ON s.id = a.source_id
             WHERE sa.story_id = ?1 AND {VISIBLE} ORDER BY a.sort_ts DESC, a.id DESC"
        ))?
        .query_map([id], |r| r.get(0).map(ArticleId))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(Story {
        id: StoryId(id),
        title,
        first_seen: parse_ts(&first)?,
        last_seen: parse_ts(&last)?,
        sources: sources.clamp(0, u32::MAX as i64) as u32,
        article_count: count.clamp(0, u32::MAX as i64) as u32,
        entities: serde_json::from_str(&entities)?,
        rubric: rubric_from_code(rubric)?,
        articles,
    }))
}

pub(super) fn list_stories(
    c: &Connection,
    filter: &StoryFilter,
    page: &PageRequest,
) -> Result<Page<Story>> {
    let limit = clamp_limit(page.limit);
    let mut sql = format!(
        "SELECT st.id, st.last_ts FROM stories st WHERE st.merged_into IS NULL AND st.retired = 0
           AND EXISTS (SELECT 1 FROM story_articles sa JOIN articles a ON a.id = sa.article_id
                       LEFT JOIN sources s ON s.id = a.source_id
                       WHERE sa.story_id = st.id AND {VISIBLE})"
    );
    let mut args: Vec<Value> = Vec::new();
    if let Some(r) = filter.rubric {
        args.push(Value::Text(r.code().to_owned()));
        sql.push_str(&format!(" AND st.rubric = ?{}", args.len()));
    }
    if let Some(since) = filter.since {
        args.push(Value::Integer(since.timestamp()));
        sql.push_str(&format!(" AND st.last_ts >= ?{}", args.len()));
    }
    if filter.min_articles > 0 {
        args.push(Value::Integer(i64::from(filter.min_articles)));
        sql.push_str(&format!(" AND st.articles >= ?{}", args.len()));
    }
    keyset_page(
        &mut sql,
        &mut args,
        page.cursor.as_deref(),
        ("st.last_ts", "st.id"),
        limit,
    )?;
    let rows: Vec<(i64, i64)> = c
        .prepare_cached(&sql)?
        .query_map(params_from_iter(args.iter()), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let limit = limit as usize;
    let next = (rows.len() > limit)
        .then(|| rows.get(limit - 1).map(|(id, t)| format!("{t}_{id}")))
        .flatten();
    let mut items = Vec::new();
    for (id, _) in rows.into_iter().take(limit) {
        items.extend(load_story(c, id)?);
    }
    Ok(Page { items, next })
}

const SEED_SELECT: &str = "SELECT a.id, a.source_id, a.url, a.sort_ts, a.first_seen, v.article,
        v.analysis, (SELECT sa.story_id FROM story_articles sa WHERE sa.article_id = a.id),
        a.duplicate_of, a.rubric
     FROM articles a
     LEFT JOIN sources s ON s.id = a.source_id
     JOIN article_versions v ON v.article_id = a.id AND v.version = a.version";

type RawSeed = (
    i64,
    Option<i64>,
    String,
    i64,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

fn seeds(c: &Connection, where_order: &str, args: &[Value]) -> Result<Vec<OrganiseSeed>> {
    let sql = format!("{SEED_SELECT} WHERE {VISIBLE} AND {where_order}");
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
            r.get(8)?,
            r.get(9)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, source, url, sort_ts, first, art, ana, story, dup, rubric): RawSeed = row?;
        out.push(OrganiseSeed {
            id: ArticleId(id),
            source_id: source.map(SourceId),
            url,
            time: from_unix(sort_ts),
            first_seen: parse_ts(&first)?,
            article: serde_json::from_str(&art)?,
            analysis: ana.map(|a| serde_json::from_str(&a)).transpose()?,
            story_id: story.map(StoryId),
            duplicate_of: dup.map(ArticleId),
            rubric: rubric_from_code(rubric)?,
        });
    }
    Ok(out)
}

fn seed_limit(limit: usize) -> i64 {
    limit.min(MAX_SEEDS) as i64
}

pub(super) fn window(
    c: &Connection,
    since: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<OrganiseSeed>> {
    let mut out = seeds(
        c,
        "a.sort_ts >= ?1 ORDER BY a.sort_ts DESC, a.id DESC LIMIT ?2",
        &[
            Value::Integer(since.timestamp()),
            Value::Integer(seed_limit(limit)),
        ],
    )?;
    out.reverse();
    Ok(out)
}

pub(super) fn unorganised(
    c: &Connection,
    after: Option<ArticleId>,
    limit: usize,
) -> Result<Vec<OrganiseSeed>> {
    seeds(
        c,
        "a.rubric IS NULL AND a.id > ?1 ORDER BY a.id LIMIT ?2",
        &[
            Value::Integer(after.map(|a| a.0).unwrap_or(0)),
            Value::Integer(seed_limit(limit)),
        ],
    )
}

pub(super) fn copies(c: &Connection, originals: &[ArticleId]) -> Result<Vec<ArticleCopy>> {
    let ids: BTreeSet<i64> = originals.iter().map(|a| a.0).collect();
    let ids: Vec<i64> = ids.into_iter().collect();
    let mut out: Vec<ArticleCopy> = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let marks = (1..=chunk.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT a.duplicate_of, a.id, a.source_id, a.url, a.first_seen
             FROM articles a LEFT JOIN sources s ON s.id = a.source_id
             WHERE a.duplicate_of IN ({marks}) AND {VISIBLE}"
        );
        let mut stmt = c.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(chunk.iter()), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        for row in rows {
            let (original, id, source, url, first) = row?;
            out.push(ArticleCopy {
                original: ArticleId(original),
                id: ArticleId(id),
                source_id: source.map(SourceId),
                url,
                first_seen: parse_ts(&first)?,
            });
        }
    }
    out.sort_by(|a, b| a.first_seen.cmp(&b.first_seen).then(a.id.cmp(&b.id)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::{ts, MIGRATIONS};
    use super::*;
    use crate::{SqliteStore, Store};

    /// A version-2 database with a story (as `put_story` wrote them) upgrades in place.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn schema_2_stories_survive_the_upgrade() {
        let dir = tempfile::tempdir().expect("temp dir");
        {
            let conn = Connection::open(dir.path().join(super::super::DB_FILE)).expect("db");
            conn.execute_batch(
                "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);",
            )
            .expect("schema_version");
            for (v, sql) in MIGRATIONS.iter().filter(|(v, _)| *v <= 2) {
                conn.execute_batch(sql).expect("old migration");
                conn.execute(
                    "INSERT INTO schema_version (version, applied_at) VALUES (?1, '2025-01-01T00:00:00Z')",
                    [v],
                )
                .expect("version row");
            }
            let now = ts(&from_unix(1_700_000_000));
            conn.execute(
                "INSERT INTO articles (id, url, first_seen, updated_at, sort_ts, version, content_hash, change_seq)
                 VALUES (7, 'https://u.example/7', ?1, ?1, 1700000000, 1, 'h', 1)",
                [&now],
            )
            .expect("article");
            conn.execute(
                "INSERT INTO article_versions (article_id, version, content_hash, stored_at, article)
                 VALUES (7, 1, 'h', ?1, ?2)",
                [&now, &serde_json::to_string(&khronika_model::Article::default()).expect("json")],
            )
            .expect("version");
            conn.execute(
                "INSERT INTO stories (id, title, first_seen, last_seen) VALUES (7, 'Старая', ?1, ?1)",
                [&now],
            )
            .expect("story");
            conn.execute(
                "INSERT INTO story_articles (story_id, article_id) VALUES (7, 7)",
                [],
            )
            .expect("member");
        }
        let store = SqliteStore::open(dir.path()).await.expect("upgrade");
        let st = store
            .get_story(StoryId(7))
            .await
            .expect("get_story")
            .expect("story kept");
        assert_eq!(st.articles, vec![ArticleId(7)]);
        assert_eq!(st.article_count, 1);
        assert_eq!(st.last_seen, from_unix(1_700_000_000));
        let listed = store
            .list_stories(
                &StoryFilter::default(),
                &PageRequest {
                    cursor: None,
                    limit: 5,
                },
            )
            .await
            .expect("list");
        assert_eq!(listed.items.len(), 1);
        let a = store
            .get_article(ArticleId(7))
            .await
            .expect("get")
            .expect("article");
        assert_eq!(
            (a.story_id, a.duplicate_of, a.rubric),
            (Some(StoryId(7)), None, None)
        );
    }
}
