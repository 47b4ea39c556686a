//! Entities, quotes and tags in PostgreSQL (the twin of `sqlite/entities.rs`): the rows
//! derived from an article's current version and the reads by entity and by tag.

use khronika_model::{Analysis, Article, EntityKind};
use tokio_postgres::GenericClient;

use super::{clamp_limit, exec, query_one, query_opt, CachedTx, VISIBLE};
use crate::error::{Result, StoreError};
use crate::sqlite::{MAX_TAGS, MAX_TAG_LEN};
use crate::types::*;

async fn entity_id(tx: &CachedTx<'_>, kind: EntityKind, name: &str) -> Result<i64> {
    // The no-op update makes RETURNING give the id of an existing row too.
    Ok(query_one(
        tx,
        "INSERT INTO entities (kind, name, name_lc) VALUES ($1, $2, $3)
             ON CONFLICT (kind, name) DO UPDATE SET name = excluded.name RETURNING id",
        &[&kind.code(), &name, &name.to_lowercase()],
    )
    .await?
    .get(0))
}

/// Replace the derived rows (tags, mentions, quotes) with those of the new current version.
pub(super) async fn write_derived(
    tx: &CachedTx<'_>,
    id: i64,
    article: &Article,
    analysis: Option<&Analysis>,
) -> Result<()> {
    for table in ["article_tags", "mentions", "quotes"] {
        exec(
            tx,
            &format!("DELETE FROM {table} WHERE article_id = $1"),
            &[&id],
        )
        .await?;
    }
    for tag in article.tags.iter().take(MAX_TAGS) {
        let tag = tag.trim();
        if tag.is_empty() || tag.len() > MAX_TAG_LEN {
            continue;
        }
        exec(
            tx,
            "INSERT INTO tags (name) VALUES ($1) ON CONFLICT DO NOTHING",
            &[&tag],
        )
        .await?;
        exec(
            tx,
            "INSERT INTO article_tags (article_id, tag_id)
             SELECT $1, id FROM tags WHERE name = $2 ON CONFLICT DO NOTHING",
            &[&id, &tag],
        )
        .await?;
    }
    let Some(analysis) = analysis else {
        return Ok(());
    };
    for m in &analysis.entities {
        let name = if m.normal.trim().is_empty() {
            m.text.trim()
        } else {
            m.normal.trim()
        };
        if name.is_empty() {
            continue;
        }
        let eid = entity_id(tx, m.kind, name).await?;
        exec(
            tx,
            "INSERT INTO entity_aliases (entity_id, alias, alias_lc) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            &[&eid, &m.text, &m.text.to_lowercase()],
        )
        .await?;
        exec(tx,
            "INSERT INTO mentions (article_id, entity_id, start, \"end\", text) VALUES ($1, $2, $3, $4, $5)",
            &[&id, &eid, &(m.start as i64), &(m.end as i64), &m.text],
        )
        .await?;
    }
    for q in &analysis.quotes {
        // A speaker is linked to an entity of the same name, preferring a person.
        let speaker_id: Option<i64> = match q.speaker.as_deref() {
            Some(sp) if !sp.trim().is_empty() => query_opt(
                tx,
                "SELECT id FROM entities WHERE name = $1
                     ORDER BY CASE kind WHEN 'PER' THEN 0 ELSE 1 END LIMIT 1",
                &[&sp.trim()],
            )
            .await?
            .map(|r| r.get(0)),
            _ => None,
        };
        exec(tx,
            "INSERT INTO quotes (article_id, speaker_entity_id, speaker, role, text, start, \"end\", direct)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &id,
                &speaker_id,
                &q.speaker,
                &q.role,
                &q.text,
                &(q.start as i64),
                &(q.end as i64),
                &q.direct,
            ],
        )
        .await?;
    }
    Ok(())
}

fn kind_from_code(s: &str) -> Result<EntityKind> {
    match s {
        "PER" => Ok(EntityKind::Person),
        "ORG" => Ok(EntityKind::Organisation),
        "LOC" => Ok(EntityKind::Location),
        other => Err(StoreError::Corrupt(format!(
            "unknown entity kind {other:?}"
        ))),
    }
}

/// Entities by id, with aliases and mention counts, in the order of `ids`.
async fn load_entities(c: &impl GenericClient, ids: &[i64]) -> Result<Vec<Entity>> {
    let rows = c
        .query(
            "SELECT e.id, e.kind, e.name,
                (SELECT COUNT(*) FROM mentions m WHERE m.entity_id = e.id),
                ARRAY(SELECT alias FROM entity_aliases WHERE entity_id = e.id ORDER BY alias)
             FROM unnest($1::BIGINT[]) WITH ORDINALITY AS w(id, n)
             JOIN entities e ON e.id = w.id ORDER BY w.n",
            &[&ids],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Entity {
                id: EntityId(r.try_get(0)?),
                kind: kind_from_code(r.try_get(1)?)?,
                name: r.try_get(2)?,
                mentions: r.try_get::<_, i64>(3)?.max(0) as u64,
                aliases: r.try_get(4)?,
            })
        })
        .collect()
}

pub(super) async fn load_entity(c: &impl GenericClient, id: i64) -> Result<Option<Entity>> {
    Ok(load_entities(c, &[id]).await?.into_iter().next())
}

pub(super) async fn find_entities(c: &impl GenericClient, lc: &str) -> Result<Vec<Entity>> {
    let ids: Vec<i64> = c
        .query(
            "SELECT id FROM entities WHERE name_lc = $1
             UNION SELECT entity_id FROM entity_aliases WHERE alias_lc = $1
             LIMIT 100",
            &[&lc],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut out = load_entities(c, &ids).await?;
    out.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.id.cmp(&b.id)));
    Ok(out)
}

pub(super) async fn top_entities(
    c: &impl GenericClient,
    kind: Option<EntityKind>,
    limit: usize,
) -> Result<Vec<Entity>> {
    let ids: Vec<i64> = c
        .query(
            "SELECT e.id FROM entities e JOIN mentions m ON m.entity_id = e.id
             WHERE $1::TEXT IS NULL OR e.kind = $1
             GROUP BY e.id ORDER BY COUNT(*) DESC, e.id LIMIT $2",
            &[&kind.map(|k| k.code()), &clamp_limit(limit)],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    load_entities(c, &ids).await
}

pub(super) async fn entity_mentions(
    c: &impl GenericClient,
    id: EntityId,
    limit: usize,
) -> Result<Vec<EntityMention>> {
    let sql = format!(
        "SELECT m.article_id, a.title, a.published_at, m.start, m.\"end\", m.text
         FROM mentions m JOIN articles a ON a.id = m.article_id
         LEFT JOIN sources s ON s.id = a.source_id
         WHERE m.entity_id = $1 AND {VISIBLE}
         ORDER BY a.sort_ts DESC, a.id DESC, m.start LIMIT $2"
    );
    c.query(&sql, &[&id.0, &clamp_limit(limit)])
        .await?
        .iter()
        .map(|r| {
            Ok(EntityMention {
                article_id: ArticleId(r.try_get(0)?),
                article_title: r.try_get(1)?,
                published: r.try_get(2)?,
                start: r.try_get::<_, i64>(3)?.max(0) as usize,
                end: r.try_get::<_, i64>(4)?.max(0) as usize,
                text: r.try_get(5)?,
            })
        })
        .collect()
}

pub(super) async fn entity_quotes(
    c: &impl GenericClient,
    id: EntityId,
    limit: usize,
) -> Result<Vec<EntityQuote>> {
    let sql = format!(
        "SELECT q.article_id, a.title, a.published_at, q.text, q.role, q.direct
         FROM quotes q JOIN articles a ON a.id = q.article_id
         LEFT JOIN sources s ON s.id = a.source_id
         WHERE q.speaker_entity_id = $1 AND {VISIBLE}
         ORDER BY a.sort_ts DESC, a.id DESC, q.start LIMIT $2"
    );
    c.query(&sql, &[&id.0, &clamp_limit(limit)])
        .await?
        .iter()
        .map(|r| {
            Ok(EntityQuote {
                article_id: ArticleId(r.try_get(0)?),
                article_title: r.try_get(1)?,
                published: r.try_get(2)?,
                text: r.try_get(3)?,
                role: r.try_get(4)?,
                direct: r.try_get(5)?,
            })
        })
        .collect()
}

pub(super) async fn tags(c: &impl GenericClient, limit: usize) -> Result<Vec<TagCount>> {
    let sql = format!(
        "SELECT g.name, COUNT(*) AS n FROM article_tags t
         JOIN tags g ON g.id = t.tag_id
         JOIN articles a ON a.id = t.article_id
         LEFT JOIN sources s ON s.id = a.source_id
         WHERE {VISIBLE}
         GROUP BY g.id ORDER BY n DESC, g.name LIMIT $1"
    );
    c.query(&sql, &[&clamp_limit(limit)])
        .await?
        .iter()
        .map(|r| {
            Ok(TagCount {
                name: r.try_get(0)?,
                articles: r.try_get::<_, i64>(1)?.max(0) as u64,
            })
        })
        .collect()
}
