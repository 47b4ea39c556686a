//! Organisation in PostgreSQL (the twin of `sqlite/organise.rs`, where the story states
//! live, merged and retired are explained): near-duplicates, rubrics and stories, the seeds
//! the organiser rebuilds its window from, and clearing it all for a rebuild.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use khronika_model::Rubric;
use tokio_postgres::{GenericClient, Row, Transaction};

use super::articles::{keyset_page, push, query_args, Args};
use super::{clamp_limit, lock_seq, next_seq, VISIBLE};
use crate::error::{Result, StoreError};
use crate::sqlite::{
    check_story_update, from_unix, rubric_from_code, MAX_CHAIN, MAX_SEEDS, MAX_STORY_ENTITIES,
};
use crate::types::*;

const LIVE: &str = "merged_into IS NULL AND NOT retired";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Live,
    Merged(i64),
    Retired,
}

async fn state(c: &impl GenericClient, id: i64) -> Result<Option<State>> {
    let row = c
        .query_opt(
            "SELECT merged_into, retired FROM stories WHERE id = $1",
            &[&id],
        )
        .await?;
    row.map(|r| -> Result<State> {
        Ok(
            match (r.try_get::<_, Option<i64>>(0)?, r.try_get::<_, bool>(1)?) {
                (Some(into), _) => State::Merged(into),
                (None, false) => State::Live,
                (None, true) => State::Retired,
            },
        )
    })
    .transpose()
}

/// Follow merges from `id`: the last id of the chain and its state (never `Merged`).
async fn follow(c: &impl GenericClient, id: i64) -> Result<Option<(i64, State)>> {
    let mut cur = id;
    for _ in 0..MAX_CHAIN {
        match state(c, cur).await? {
            None => return Ok(None),
            Some(State::Merged(next)) => cur = next,
            Some(st) => return Ok(Some((cur, st))),
        }
    }
    Err(StoreError::Corrupt(format!(
        "story {id}: merge chain longer than {MAX_CHAIN} (a cycle?)"
    )))
}

async fn live_target(c: &impl GenericClient, id: StoryId, what: &str) -> Result<i64> {
    match follow(c, id.0).await? {
        Some((live, State::Live)) => Ok(live),
        _ => Err(StoreError::Invalid(format!(
            "{what}: story {id} is not a live story (create it with a StoryUpdate first)"
        ))),
    }
}

async fn story_of_article(c: &impl GenericClient, article: i64) -> Result<Option<i64>> {
    Ok(c.query_opt(
        "SELECT sa.story_id FROM story_articles sa JOIN stories st ON st.id = sa.story_id
         WHERE sa.article_id = $1 AND st.merged_into IS NULL AND NOT st.retired",
        &[&article],
    )
    .await?
    .map(|r| r.get(0)))
}

pub(super) async fn resolve(c: &impl GenericClient, id: StoryId) -> Result<Option<StoryId>> {
    let found = match follow(c, id.0).await? {
        None => None,
        Some((live, State::Live)) => Some(live),
        Some((end, _)) => match story_of_article(c, end).await? {
            Some(s) => Some(s),
            None if end != id.0 => story_of_article(c, id.0).await?,
            None => None,
        },
    };
    Ok(found.map(StoryId))
}

async fn upsert_story(tx: &Transaction<'_>, s: &StoryUpdate, now: &DateTime<Utc>) -> Result<()> {
    check_story_update(s)?;
    let entities: Vec<&String> = s.entities.iter().take(MAX_STORY_ENTITIES).collect();
    // An update revives a merged or retired id: the organiser founded the story anew.
    tx.execute(
        "INSERT INTO stories (id, title, first_seen, last_seen, sources, articles, entities,
             rubric, merged_into, retired, last_ts, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, FALSE, $9, $10)
         ON CONFLICT (id) DO UPDATE SET
             title = excluded.title, first_seen = excluded.first_seen,
             last_seen = excluded.last_seen, sources = excluded.sources,
             articles = excluded.articles, entities = excluded.entities,
             rubric = excluded.rubric, merged_into = NULL, retired = FALSE,
             last_ts = excluded.last_ts, updated_at = excluded.updated_at",
        &[
            &s.id.0,
            &s.title.trim(),
            &s.first_seen,
            &s.last_seen,
            &i64::from(s.sources),
            &i64::from(s.article_count),
            &serde_json::to_string(&entities)?,
            &s.rubric.map(Rubric::code),
            &s.last_seen.timestamp(),
            now,
        ],
    )
    .await?;
    Ok(())
}

async fn merge(
    tx: &Transaction<'_>,
    from: StoryId,
    into: StoryId,
    now: &DateTime<Utc>,
    changed: &mut BTreeSet<i64>,
) -> Result<Option<i64>> {
    if from == into {
        return Err(StoreError::Invalid(format!(
            "story {from} merged into itself"
        )));
    }
    let what = format!("merge of {from} into {into}");
    let survivor = live_target(tx, into, &what).await?;
    let loser = live_target(tx, from, &what).await?;
    if loser == survivor {
        return Ok(None);
    }
    for r in tx
        .query(
            "SELECT article_id FROM story_articles WHERE story_id = $1",
            &[&loser],
        )
        .await?
    {
        changed.insert(r.try_get(0)?);
    }
    tx.execute(
        "UPDATE story_articles SET story_id = $2 WHERE story_id = $1",
        &[&loser, &survivor],
    )
    .await?;
    tx.execute(
        "UPDATE stories SET merged_into = $2, updated_at = $3 WHERE id = $1",
        &[&loser, &survivor, now],
    )
    .await?;
    // Shorten the chains that ended at the loser.
    tx.execute(
        "UPDATE stories SET merged_into = $2 WHERE merged_into = $1",
        &[&loser, &survivor],
    )
    .await?;
    Ok(Some(survivor))
}

async fn place(
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
    let Some(cur) = tx
        .query_opt(
            "SELECT (SELECT sa.story_id FROM story_articles sa WHERE sa.article_id = a.id),
                    a.duplicate_of, a.rubric
             FROM articles a WHERE a.id = $1",
            &[&id],
        )
        .await?
    else {
        return Ok(()); // deleted since it was organised
    };
    let old_story: Option<i64> = cur.try_get(0)?;
    let old_dup: Option<i64> = cur.try_get(1)?;
    let old_rubric: Option<String> = cur.try_get(2)?;
    let story = match o.story {
        Some(s) => Some(live_target(tx, s, &format!("article {id}")).await?),
        None => None,
    };
    // An original deleted meanwhile: the copy stands alone.
    let dup = match o.duplicate_of {
        Some(d) => tx
            .query_opt("SELECT id FROM articles WHERE id = $1", &[&d.0])
            .await?
            .map(|r| r.get::<_, i64>(0)),
        None => None,
    };
    if story != old_story {
        tx.execute("DELETE FROM story_articles WHERE article_id = $1", &[&id])
            .await?;
        if let Some(s) = story {
            tx.execute(
                "INSERT INTO story_articles (story_id, article_id) VALUES ($1, $2)",
                &[&s, &id],
            )
            .await?;
        }
        touched.extend(old_story);
        touched.extend(story);
        changed.insert(id);
    }
    let rubric = o.rubric.code();
    if dup != old_dup || old_rubric.as_deref() != Some(rubric) {
        tx.execute(
            "UPDATE articles SET duplicate_of = $2, rubric = $3 WHERE id = $1",
            &[&id, &dup, &rubric],
        )
        .await?;
        changed.insert(id);
    }
    Ok(())
}

/// Retire live stories left without articles; recount the others from their members.
async fn settle(tx: &Transaction<'_>, stories: &BTreeSet<i64>, now: &DateTime<Utc>) -> Result<()> {
    for &id in stories {
        if state(tx, id).await? != Some(State::Live) {
            continue;
        }
        let r = tx
            .query_one(
                "SELECT COUNT(*), COUNT(DISTINCT a.source_id), MIN(a.sort_ts), MAX(a.sort_ts)
                 FROM story_articles sa JOIN articles a ON a.id = sa.article_id
                 WHERE sa.story_id = $1",
                &[&id],
            )
            .await?;
        let n: i64 = r.try_get(0)?;
        if n == 0 {
            tx.execute(
                "UPDATE stories SET retired = TRUE, updated_at = $2 WHERE id = $1",
                &[&id, now],
            )
            .await?;
        } else {
            let sources: i64 = r.try_get(1)?;
            let first = from_unix(r.try_get::<_, Option<i64>>(2)?.unwrap_or(0));
            let last = from_unix(r.try_get::<_, Option<i64>>(3)?.unwrap_or(0));
            tx.execute(
                "UPDATE stories SET articles = $2, sources = $3, first_seen = $4, last_seen = $5,
                     last_ts = $6, updated_at = $7 WHERE id = $1",
                &[&id, &n, &sources, &first, &last, &last.timestamp(), now],
            )
            .await?;
        }
    }
    Ok(())
}

pub(super) async fn apply(c: &mut tokio_postgres::Client, batch: &OrganiseBatch) -> Result<()> {
    let tx = c.transaction().await?;
    lock_seq(&tx).await?;
    let now = Utc::now();
    let mut touched = BTreeSet::new();
    let mut changed = BTreeSet::new();
    for s in &batch.stories {
        upsert_story(&tx, s, &now).await?;
        touched.insert(s.id.0);
    }
    for &(from, into) in &batch.merges {
        if let Some(survivor) = merge(&tx, from, into, &now, &mut changed).await? {
            touched.insert(survivor);
        }
    }
    for o in &batch.articles {
        place(&tx, o, &mut touched, &mut changed).await?;
    }
    settle(&tx, &touched, &now).await?;
    for &id in &changed {
        let seq = next_seq(&tx).await?;
        tx.execute(
            "UPDATE articles SET change_seq = $2 WHERE id = $1",
            &[&id, &seq],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn clear(c: &mut tokio_postgres::Client) -> Result<()> {
    let tx = c.transaction().await?;
    lock_seq(&tx).await?;
    let base: i64 = tx
        .query_one("SELECT value FROM meta WHERE key = 'change_seq'", &[])
        .await?
        .get(0);
    let n = tx
        .execute(
            "UPDATE articles SET change_seq = $1 + r.n, duplicate_of = NULL, rubric = NULL
             FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM articles
                   WHERE duplicate_of IS NOT NULL OR rubric IS NOT NULL
                      OR id IN (SELECT article_id FROM story_articles)) AS r
             WHERE articles.id = r.id",
            &[&base],
        )
        .await?;
    tx.execute(
        "UPDATE meta SET value = value + $1 WHERE key = 'change_seq'",
        &[&(n as i64)],
    )
    .await?;
    tx.execute("DELETE FROM story_articles", &[]).await?;
    tx.execute(
        "UPDATE stories SET merged_into = NULL, retired = TRUE, updated_at = now()",
        &[],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---------- reading ----------

pub(super) async fn load_story(c: &impl GenericClient, id: i64) -> Result<Option<Story>> {
    let Some(r) = c
        .query_opt(
            &format!(
                "SELECT id, title, first_seen, last_seen, sources, articles, entities, rubric
                 FROM stories WHERE id = $1 AND {LIVE}"
            ),
            &[&id],
        )
        .await?
    else {
        return Ok(None);
    };
    let articles = c
        .query(
            &format!(
                "SELECT a.id FROM story_articles sa JOIN articles a ON a.id = sa.article_id
                 LEFT JOIN sources s ON s.id = a.source_id
                 WHERE sa.story_id = $1 AND {VISIBLE} ORDER BY a.sort_ts DESC, a.id DESC"
            ),
            &[&id],
        )
        .await?
        .iter()
        .map(|r| r.try_get(0).map(ArticleId))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Story {
        id: StoryId(r.try_get(0)?),
        title: r.try_get(1)?,
        first_seen: r.try_get(2)?,
        last_seen: r.try_get(3)?,
        sources: r.try_get::<_, i64>(4)?.clamp(0, u32::MAX as i64) as u32,
        article_count: r.try_get::<_, i64>(5)?.clamp(0, u32::MAX as i64) as u32,
        entities: serde_json::from_str(r.try_get(6)?)?,
        rubric: rubric_from_code(r.try_get(7)?)?,
        articles,
    }))
}

pub(super) async fn list_stories(
    c: &impl GenericClient,
    filter: &StoryFilter,
    page: &PageRequest,
) -> Result<Page<Story>> {
    let limit = clamp_limit(page.limit);
    let mut sql = format!(
        "SELECT st.id, st.last_ts FROM stories st WHERE st.merged_into IS NULL AND NOT st.retired
           AND EXISTS (SELECT 1 FROM story_articles sa JOIN articles a ON a.id = sa.article_id
                       LEFT JOIN sources s ON s.id = a.source_id
                       WHERE sa.story_id = st.id AND {VISIBLE})"
    );
    let mut args: Args = Vec::new();
    if let Some(r) = filter.rubric {
        let n = push(&mut args, r.code().to_owned());
        sql.push_str(&format!(" AND st.rubric = ${n}"));
    }
    if let Some(since) = filter.since {
        let n = push(&mut args, since.timestamp());
        sql.push_str(&format!(" AND st.last_ts >= ${n}"));
    }
    if filter.min_articles > 0 {
        let n = push(&mut args, i64::from(filter.min_articles));
        sql.push_str(&format!(" AND st.articles >= ${n}"));
    }
    keyset_page(
        &mut sql,
        &mut args,
        page.cursor.as_deref(),
        ("st.last_ts", "st.id"),
        limit,
    )?;
    let rows = c.query(&sql, &query_args(&args)).await?;
    let limit = limit as usize;
    let mut keys = Vec::with_capacity(rows.len());
    for r in &rows {
        keys.push((r.try_get::<_, i64>(0)?, r.try_get::<_, i64>(1)?));
    }
    let next = (keys.len() > limit)
        .then(|| keys.get(limit - 1).map(|(id, t)| format!("{t}_{id}")))
        .flatten();
    let mut items = Vec::new();
    for (id, _) in keys.into_iter().take(limit) {
        items.extend(load_story(c, id).await?);
    }
    Ok(Page { items, next })
}

const SEED_SELECT: &str = "SELECT a.id, a.source_id, a.url, a.sort_ts, a.first_seen, v.article,
        v.analysis, (SELECT sa.story_id FROM story_articles sa WHERE sa.article_id = a.id),
        a.duplicate_of, a.rubric
     FROM articles a
     LEFT JOIN sources s ON s.id = a.source_id
     JOIN article_versions v ON v.article_id = a.id AND v.version = a.version";

fn seed(r: &Row) -> Result<OrganiseSeed> {
    let ana: Option<&str> = r.try_get(6)?;
    Ok(OrganiseSeed {
        id: ArticleId(r.try_get(0)?),
        source_id: r.try_get::<_, Option<i64>>(1)?.map(SourceId),
        url: r.try_get(2)?,
        time: from_unix(r.try_get(3)?),
        first_seen: r.try_get(4)?,
        article: serde_json::from_str(r.try_get(5)?)?,
        analysis: ana.map(serde_json::from_str).transpose()?,
        story_id: r.try_get::<_, Option<i64>>(7)?.map(StoryId),
        duplicate_of: r.try_get::<_, Option<i64>>(8)?.map(ArticleId),
        rubric: rubric_from_code(r.try_get(9)?)?,
    })
}

fn seed_limit(limit: usize) -> i64 {
    limit.min(MAX_SEEDS) as i64
}

pub(super) async fn window(
    c: &impl GenericClient,
    since: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<OrganiseSeed>> {
    let sql = format!(
        "{SEED_SELECT} WHERE {VISIBLE} AND a.sort_ts >= $1 ORDER BY a.sort_ts DESC, a.id DESC LIMIT $2"
    );
    let mut out = c
        .query(&sql, &[&since.timestamp(), &seed_limit(limit)])
        .await?
        .iter()
        .map(seed)
        .collect::<Result<Vec<_>>>()?;
    out.reverse();
    Ok(out)
}

pub(super) async fn unorganised(
    c: &impl GenericClient,
    after: Option<ArticleId>,
    limit: usize,
) -> Result<Vec<OrganiseSeed>> {
    let sql = format!(
        "{SEED_SELECT} WHERE {VISIBLE} AND a.rubric IS NULL AND a.id > $1 ORDER BY a.id LIMIT $2"
    );
    c.query(
        &sql,
        &[&after.map(|a| a.0).unwrap_or(0), &seed_limit(limit)],
    )
    .await?
    .iter()
    .map(seed)
    .collect()
}

pub(super) async fn copies(
    c: &impl GenericClient,
    originals: &[ArticleId],
) -> Result<Vec<ArticleCopy>> {
    let ids: BTreeSet<i64> = originals.iter().map(|a| a.0).collect();
    let ids: Vec<i64> = ids.into_iter().collect();
    let sql = format!(
        "SELECT a.duplicate_of, a.id, a.source_id, a.url, a.first_seen
         FROM articles a LEFT JOIN sources s ON s.id = a.source_id
         WHERE a.duplicate_of = ANY($1) AND {VISIBLE}
         ORDER BY a.first_seen, a.id"
    );
    c.query(&sql, &[&ids])
        .await?
        .iter()
        .map(|r| {
            Ok(ArticleCopy {
                original: ArticleId(r.try_get(0)?),
                id: ArticleId(r.try_get(1)?),
                source_id: r.try_get::<_, Option<i64>>(2)?.map(SourceId),
                url: r.try_get(3)?,
                first_seen: r.try_get(4)?,
            })
        })
        .collect()
}
