//! Articles in PostgreSQL (the twin of `sqlite/articles.rs`): putting a batch by content
//! hash, reading articles and versions, listing with filters and a cursor, the change feed.

use tokio_postgres::types::ToSql;
use tokio_postgres::{GenericClient, Row};

use super::entities::write_derived;
use super::fetches::{insert_fetch, upsert_page};
use super::{clamp_limit, exec, lock_seq, next_seq, query_one, query_opt, CachedTx, VISIBLE};
use crate::error::{Result, StoreError};
use crate::sqlite::{
    article_row, check_url, display_of, parse_cursor, reanalysis, rubric_from_code, MAX_URL_LEN,
};
use crate::types::*;

async fn add_alias_urls(tx: &CachedTx<'_>, id: i64, na: &NewArticle) -> Result<()> {
    let stmt = tx
        .prepare(
            "INSERT INTO article_urls (url, article_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .await?;
    tx.execute(&stmt, &[&na.url, &id]).await?;
    for u in &na.other_urls {
        if !u.is_empty() && u.len() <= MAX_URL_LEN {
            tx.execute(&stmt, &[u, &id]).await?;
        }
    }
    Ok(())
}

async fn find_by_urls(tx: &CachedTx<'_>, na: &NewArticle) -> Result<Option<(i64, i64, String)>> {
    let stmt = tx
        .prepare_cached(
            "SELECT a.id, a.version, a.content_hash FROM article_urls u
             JOIN articles a ON a.id = u.article_id WHERE u.url = $1",
        )
        .await?;
    for u in std::iter::once(&na.url).chain(na.other_urls.iter()) {
        if let Some(r) = tx.query_opt(&stmt, &[u]).await? {
            return Ok(Some((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)));
        }
    }
    Ok(None)
}

async fn insert_version(
    tx: &CachedTx<'_>,
    id: i64,
    version: i64,
    na: &NewArticle,
    fetch_id: Option<i64>,
) -> Result<()> {
    let article_json = serde_json::to_string(&na.article)?;
    let analysis_json = match &na.analysis {
        Some(a) => Some(serde_json::to_string(a)?),
        None => None,
    };
    exec(tx,
        "INSERT INTO article_versions (article_id, version, content_hash, fetch_id, stored_at, article, analysis)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[&id, &version, &na.content_hash, &fetch_id, &na.seen_at, &article_json, &analysis_json],
    )
    .await?;
    Ok(())
}

/// Same text, new analysis or tags (a newer analyser, `khronika reprocess`): the current
/// version takes them over and its derived rows are rebuilt, without a new version.
async fn reanalysed(tx: &CachedTx<'_>, id: i64, version: i64, na: &NewArticle) -> Result<()> {
    if na.analysis.is_none() {
        return Ok(());
    }
    let Some(row) = query_opt(
        tx,
        "SELECT article, analysis FROM article_versions WHERE article_id = $1 AND version = $2",
        &[&id, &version],
    )
    .await?
    else {
        return Ok(());
    };
    let Some(r) = reanalysis(row.try_get(0)?, row.try_get(1)?, na)? else {
        return Ok(());
    };
    exec(
        tx,
        "UPDATE article_versions SET article = $3, analysis = $4 WHERE article_id = $1 AND version = $2",
        &[&id, &version, &r.article_json, &r.analysis_json],
    )
    .await?;
    let seq = next_seq(tx).await?;
    exec(
        tx,
        "UPDATE articles SET change_seq = $2 WHERE id = $1",
        &[&id, &seq],
    )
    .await?;
    write_derived(tx, id, &r.article, Some(r.analysis)).await
}

async fn put_one(tx: &CachedTx<'_>, na: &NewArticle) -> Result<PutOutcome> {
    check_url(&na.url)?;
    if na.content_hash.is_empty() {
        return Err(StoreError::Invalid(format!(
            "{}: empty content hash",
            na.url
        )));
    }
    let existing = match find_by_urls(tx, na).await? {
        Some(e) => Some((e, false)),
        // Same text under another URL of the same source: one article, one more URL.
        None if na.article.has_text() => query_opt(
            tx,
            "SELECT id, version, content_hash FROM articles
                 WHERE content_hash = $1 AND source_id IS NOT DISTINCT FROM $2 LIMIT 1",
            &[&na.content_hash, &na.source_id.map(|s| s.0)],
        )
        .await?
        .map(|r| -> Result<_> { Ok(((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?), true)) })
        .transpose()?,
        None => None,
    };
    let row = article_row(na);
    let (outcome, article_id, keep) = match existing {
        Some(((id, version, hash), by_hash)) if hash == na.content_hash => {
            add_alias_urls(tx, id, na).await?;
            if !by_hash {
                reanalysed(tx, id, version, na).await?;
            }
            let o = if by_hash {
                PutOutcome::Duplicate { id: ArticleId(id) }
            } else {
                PutOutcome::Unchanged { id: ArticleId(id) }
            };
            (o, id, false)
        }
        Some(((id, version, _), _)) => {
            let version: i64 = version + 1;
            let seq = next_seq(tx).await?;
            exec(tx,
                "UPDATE articles SET title = $2, lead = $3, image = $4, lang = $5, published_at = $6,
                    updated_at = $7, sort_ts = $8, version = $9, content_hash = $10, change_seq = $11,
                    source_id = COALESCE(source_id, $12)
                 WHERE id = $1",
                &[
                    &id,
                    &row.title,
                    &row.lead,
                    &row.image,
                    &row.lang,
                    &row.published,
                    &na.seen_at,
                    &row.sort_ts,
                    &version,
                    &na.content_hash,
                    &seq,
                    &na.source_id.map(|s| s.0),
                ],
            )
            .await?;
            add_alias_urls(tx, id, na).await?;
            let version = version.clamp(0, u32::MAX as i64) as u32;
            (
                PutOutcome::Updated {
                    id: ArticleId(id),
                    version,
                },
                id,
                true,
            )
        }
        None => {
            let seq = next_seq(tx).await?;
            let id: i64 = query_one(
                tx,
                "INSERT INTO articles (source_id, url, title, lead, image, lang, published_at,
                        first_seen, updated_at, sort_ts, version, content_hash, change_seq)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, 1, $10, $11) RETURNING id",
                &[
                    &na.source_id.map(|s| s.0),
                    &na.url,
                    &row.title,
                    &row.lead,
                    &row.image,
                    &row.lang,
                    &row.published,
                    &na.seen_at,
                    &row.sort_ts,
                    &na.content_hash,
                    &seq,
                ],
            )
            .await?
            .get(0);
            add_alias_urls(tx, id, na).await?;
            (PutOutcome::Created { id: ArticleId(id) }, id, true)
        }
    };
    // The raw page is kept only when it produced stored content (a new article or version).
    let fetch_id = match &na.fetch {
        Some(f) => {
            let fid = insert_fetch(tx, f, keep && f.keep_body).await?;
            upsert_page(tx, f, fid, Some(article_id)).await?;
            if f.final_url != f.url {
                let mut hop = f.clone();
                hop.url = f.final_url.clone();
                upsert_page(tx, &hop, fid, Some(article_id)).await?;
            }
            Some(fid)
        }
        None => None,
    };
    if keep {
        let version = match outcome {
            PutOutcome::Updated { version, .. } => i64::from(version),
            _ => 1,
        };
        insert_version(tx, article_id, version, na, fetch_id).await?;
        write_derived(tx, article_id, &na.article, na.analysis.as_ref()).await?;
    }
    Ok(outcome)
}

pub(super) async fn put_articles(
    c: &mut deadpool_postgres::ClientWrapper,
    batch: &[NewArticle],
) -> Result<Vec<PutOutcome>> {
    let tx = c.transaction().await?;
    lock_seq(&tx).await?;
    let mut out = Vec::with_capacity(batch.len());
    for na in batch {
        out.push(put_one(&tx, na).await?);
    }
    tx.commit().await?;
    Ok(out)
}

const ARTICLE_SELECT: &str =
    "SELECT a.id, a.source_id, a.url, a.version, a.content_hash, a.first_seen,
        a.updated_at, a.hidden, s.hidden, s.display, a.change_seq, v.article, v.analysis,
        (SELECT sa.story_id FROM story_articles sa WHERE sa.article_id = a.id LIMIT 1),
        a.duplicate_of, a.rubric
     FROM articles a
     LEFT JOIN sources s ON s.id = a.source_id
     JOIN article_versions v ON v.article_id = a.id AND v.version = a.version";

fn finish_article(r: &Row) -> Result<StoredArticle> {
    finish_article_at(r, 0)
}

pub(super) async fn load_article(c: &impl GenericClient, id: i64) -> Result<Option<StoredArticle>> {
    let sql = format!("{ARTICLE_SELECT} WHERE a.id = $1");
    c.query_opt(&sql, &[&id])
        .await?
        .as_ref()
        .map(finish_article)
        .transpose()
}

pub(super) async fn article_by_url(
    c: &impl GenericClient,
    url: &str,
) -> Result<Option<StoredArticle>> {
    let sql = format!(
        "{ARTICLE_SELECT} WHERE a.id = (SELECT article_id FROM article_urls WHERE url = $1)"
    );
    c.query_opt(&sql, &[&url])
        .await?
        .as_ref()
        .map(finish_article)
        .transpose()
}

pub(super) async fn article_versions(
    c: &impl GenericClient,
    id: ArticleId,
) -> Result<Vec<ArticleVersion>> {
    let rows = c
        .query(
            "SELECT version, content_hash, stored_at, fetch_id, article, analysis
             FROM article_versions WHERE article_id = $1 ORDER BY version",
            &[&id.0],
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let ana: Option<&str> = r.try_get(5)?;
        out.push(ArticleVersion {
            version: r.try_get::<_, i64>(0)?.clamp(0, u32::MAX as i64) as u32,
            content_hash: r.try_get(1)?,
            stored_at: r.try_get(2)?,
            fetch_id: r.try_get::<_, Option<i64>>(3)?.map(FetchId),
            article: serde_json::from_str(r.try_get(4)?)?,
            analysis: ana.map(serde_json::from_str).transpose()?,
        });
    }
    Ok(out)
}

/// Query arguments collected while a statement is built.
pub(super) type Args = Vec<Box<dyn ToSql + Sync + Send>>;

/// The arguments as `query` takes them.
pub(super) fn query_args(args: &Args) -> Vec<&(dyn ToSql + Sync)> {
    args.iter().map(|b| &**b as &(dyn ToSql + Sync)).collect()
}

pub(super) fn push(args: &mut Args, v: impl ToSql + Sync + Send + 'static) -> usize {
    args.push(Box::new(v));
    args.len()
}

/// Keyset paging, newest first, over `(time_col, id_col)` (see `sqlite::keyset_page`).
pub(super) fn keyset_page(
    sql: &mut String,
    args: &mut Args,
    cursor: Option<&str>,
    (time_col, id_col): (&str, &str),
    limit: i64,
) -> Result<()> {
    if let Some(cursor) = cursor {
        let (t, id) = parse_cursor(cursor)?;
        let tn = push(args, t);
        let idn = push(args, id);
        sql.push_str(&format!(
            " AND ({time_col} < ${tn} OR ({time_col} = ${tn} AND {id_col} < ${idn}))"
        ));
    }
    let n = push(args, limit + 1);
    sql.push_str(&format!(
        " ORDER BY {time_col} DESC, {id_col} DESC LIMIT ${n}"
    ));
    Ok(())
}

pub(super) async fn list_articles(
    c: &impl GenericClient,
    filter: &ArticleFilter,
    page: &PageRequest,
) -> Result<Page<ArticleSummary>> {
    let limit = clamp_limit(page.limit);
    let mut sql = String::from(
        "SELECT a.id, a.source_id, a.url, a.title, a.lead, a.image, a.lang, a.published_at,
                a.first_seen, a.version, s.display, a.sort_ts,
                (SELECT sa.story_id FROM story_articles sa WHERE sa.article_id = a.id),
                a.duplicate_of, a.rubric
         FROM articles a LEFT JOIN sources s ON s.id = a.source_id WHERE TRUE",
    );
    let mut args: Args = Vec::new();
    if !filter.include_hidden {
        sql.push_str(" AND ");
        sql.push_str(VISIBLE);
    }
    if let Some(s) = filter.source {
        let n = push(&mut args, s.0);
        sql.push_str(&format!(" AND a.source_id = ${n}"));
    }
    if let Some(tag) = &filter.tag {
        let n = push(&mut args, tag.clone());
        sql.push_str(&format!(
            " AND a.id IN (SELECT t.article_id FROM article_tags t JOIN tags g ON g.id = t.tag_id WHERE g.name = ${n})"
        ));
    }
    if let Some(e) = filter.entity {
        let n = push(&mut args, e.0);
        sql.push_str(&format!(
            " AND a.id IN (SELECT m.article_id FROM mentions m WHERE m.entity_id = ${n})"
        ));
    }
    if let Some(story) = filter.story {
        let n = push(&mut args, story.0);
        sql.push_str(&format!(
            " AND a.id IN (SELECT sa.article_id FROM story_articles sa WHERE sa.story_id = ${n})"
        ));
    }
    if let Some(rubric) = filter.rubric {
        let n = push(&mut args, rubric.code().to_owned());
        sql.push_str(&format!(" AND a.rubric = ${n}"));
    }
    if filter.originals_only {
        sql.push_str(" AND a.duplicate_of IS NULL");
    }
    if let Some(since) = filter.since {
        let n = push(&mut args, since.timestamp());
        sql.push_str(&format!(" AND a.sort_ts >= ${n}"));
    }
    if let Some(until) = filter.until {
        let n = push(&mut args, until.timestamp());
        sql.push_str(&format!(" AND a.sort_ts < ${n}"));
    }
    keyset_page(
        &mut sql,
        &mut args,
        page.cursor.as_deref(),
        ("a.sort_ts", "a.id"),
        limit,
    )?;
    let rows = c.query(&sql, &query_args(&args)).await?;
    let mut items = Vec::with_capacity(rows.len());
    let mut keys = Vec::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.try_get(0)?;
        let source: Option<i64> = r.try_get(1)?;
        keys.push((r.try_get::<_, i64>(11)?, id));
        items.push(ArticleSummary {
            id: ArticleId(id),
            source_id: source.map(SourceId),
            url: r.try_get(2)?,
            title: r.try_get(3)?,
            lead: r.try_get(4)?,
            image: r.try_get(5)?,
            lang: r.try_get(6)?,
            published: r.try_get(7)?,
            first_seen: r.try_get(8)?,
            version: r.try_get::<_, i64>(9)?.clamp(0, u32::MAX as i64) as u32,
            display: display_of(source, r.try_get(10)?),
            story_id: r.try_get::<_, Option<i64>>(12)?.map(StoryId),
            duplicate_of: r.try_get::<_, Option<i64>>(13)?.map(ArticleId),
            rubric: rubric_from_code(r.try_get(14)?)?,
        });
    }
    let limit = limit as usize;
    let next = if items.len() > limit {
        items.truncate(limit);
        keys.get(limit.saturating_sub(1))
            .map(|(t, id)| format!("{t}_{id}"))
    } else {
        None
    };
    Ok(Page { items, next })
}

pub(super) async fn articles_changed_since(
    c: &impl GenericClient,
    seq: u64,
    limit: usize,
) -> Result<Vec<Change>> {
    let seq = seq.min(i64::MAX as u64) as i64;
    // One statement for the changes and their articles (a portal replica replays the whole
    // feed on an empty disk: one round trip per change would dominate).
    let sql = format!(
        "WITH ch AS (
            SELECT seq, id, deleted FROM (
                SELECT change_seq AS seq, id, FALSE AS deleted FROM articles WHERE change_seq > $1
                UNION ALL
                SELECT change_seq AS seq, article_id AS id, TRUE AS deleted FROM tombstones WHERE change_seq > $1
            ) u ORDER BY seq LIMIT $2
         ), full_rows AS ({ARTICLE_SELECT} WHERE a.id IN (SELECT id FROM ch WHERE NOT deleted))
         SELECT ch.seq, ch.id, ch.deleted, f.* FROM ch LEFT JOIN full_rows f ON f.id = ch.id AND NOT ch.deleted
         ORDER BY ch.seq"
    );
    let rows = c.query(&sql, &[&seq, &clamp_limit(limit)]).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let s: i64 = r.try_get(0)?;
        let id: i64 = r.try_get(1)?;
        let deleted: bool = r.try_get(2)?;
        let present: Option<i64> = r.try_get(3)?;
        let article = if deleted || present.is_none() {
            None
        } else {
            Some(finish_article_at(&r, 3)?)
        };
        out.push(Change {
            seq: s.max(0) as u64,
            article_id: ArticleId(id),
            article,
        });
    }
    Ok(out)
}

/// `finish_article` over columns starting at `at` (the change feed's joined rows).
fn finish_article_at(r: &Row, at: usize) -> Result<StoredArticle> {
    let g = |i: usize| i + at;
    let source: Option<i64> = r.try_get(g(1))?;
    let display: Option<&str> = r.try_get(g(9))?;
    let ana: Option<&str> = r.try_get(g(12))?;
    Ok(StoredArticle {
        id: ArticleId(r.try_get(g(0))?),
        source_id: source.map(SourceId),
        url: r.try_get(g(2))?,
        version: r.try_get::<_, i64>(g(3))?.clamp(0, u32::MAX as i64) as u32,
        content_hash: r.try_get(g(4))?,
        first_seen: r.try_get(g(5))?,
        updated_at: r.try_get(g(6))?,
        hidden: r.try_get::<_, bool>(g(7))? || r.try_get::<_, Option<bool>>(g(8))?.unwrap_or(false),
        display: display_of(source, display),
        article: serde_json::from_str(r.try_get(g(11))?)?,
        analysis: ana.map(serde_json::from_str).transpose()?,
        change_seq: r.try_get::<_, i64>(g(10))?.max(0) as u64,
        story_id: r.try_get::<_, Option<i64>>(g(13))?.map(StoryId),
        duplicate_of: r.try_get::<_, Option<i64>>(g(14))?.map(ArticleId),
        rubric: rubric_from_code(r.try_get(g(15))?)?,
    })
}

pub(super) async fn set_article_hidden(
    c: &mut tokio_postgres::Client,
    id: ArticleId,
    hidden: bool,
) -> Result<()> {
    let tx = c.transaction().await?;
    lock_seq(&tx).await?;
    let seq = next_seq(&tx).await?;
    let n = tx
        .execute(
            "UPDATE articles SET hidden = $2, change_seq = $3 WHERE id = $1",
            &[&id.0, &hidden, &seq],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("article {id}")));
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn article_tags(c: &impl GenericClient, id: ArticleId) -> Result<Vec<String>> {
    Ok(c.query(
        "SELECT g.name FROM article_tags t JOIN tags g ON g.id = t.tag_id
         WHERE t.article_id = $1 ORDER BY g.name",
        &[&id.0],
    )
    .await?
    .iter()
    .map(|r| r.get(0))
    .collect())
}
