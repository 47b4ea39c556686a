//! Entities, quotes and tags in SQLite: the rows derived from an article's current version
//! (rewritten with each new version) and the reads by entity and by tag.

use khronika_model::{Analysis, Article, EntityKind};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{clamp_limit, kind_from_code, MAX_TAGS, MAX_TAG_LEN, VISIBLE};
use crate::error::Result;
use crate::types::*;

fn entity_id(tx: &Transaction<'_>, kind: EntityKind, name: &str) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO entities (kind, name, name_lc) VALUES (?1, ?2, ?3)
         ON CONFLICT (kind, name) DO NOTHING",
    )?
    .execute(params![kind.code(), name, name.to_lowercase()])?;
    Ok(tx
        .prepare_cached("SELECT id FROM entities WHERE kind = ?1 AND name = ?2")?
        .query_row(params![kind.code(), name], |r| r.get(0))?)
}

/// Replace the derived rows (tags, mentions, quotes) with those of the new current version.
pub(super) fn write_derived(
    tx: &Transaction<'_>,
    id: i64,
    article: &Article,
    analysis: Option<&Analysis>,
) -> Result<()> {
    tx.prepare_cached("DELETE FROM article_tags WHERE article_id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM mentions WHERE article_id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM quotes WHERE article_id = ?1")?
        .execute([id])?;
    for tag in article.tags.iter().take(MAX_TAGS) {
        let tag = tag.trim();
        if tag.is_empty() || tag.len() > MAX_TAG_LEN {
            continue;
        }
        tx.prepare_cached("INSERT OR IGNORE INTO tags (name) VALUES (?1)")?
            .execute([tag])?;
        tx.prepare_cached(
            "INSERT OR IGNORE INTO article_tags (article_id, tag_id)
             SELECT ?1, id FROM tags WHERE name = ?2",
        )?
        .execute(params![id, tag])?;
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
        let eid = entity_id(tx, m.kind, name)?;
        tx.prepare_cached(
            "INSERT OR IGNORE INTO entity_aliases (entity_id, alias, alias_lc) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![eid, m.text, m.text.to_lowercase()])?;
        tx.prepare_cached(
            "INSERT INTO mentions (article_id, entity_id, start, end, text) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![id, eid, m.start as i64, m.end as i64, m.text])?;
    }
    for q in &analysis.quotes {
        // A speaker is linked to an entity of the same name, preferring a person.
        let speaker_id: Option<i64> = match q.speaker.as_deref() {
            Some(sp) if !sp.trim().is_empty() => tx
                .prepare_cached(
                    "SELECT id FROM entities WHERE name = ?1
                     ORDER BY CASE kind WHEN 'PER' THEN 0 ELSE 1 END LIMIT 1",
                )?
                .query_row([sp.trim()], |r| r.get(0))
                .optional()?,
            _ => None,
        };
        tx.prepare_cached(
            "INSERT INTO quotes (article_id, speaker_entity_id, speaker, role, text, start, end, direct)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            id,
            speaker_id,
            q.speaker,
            q.role,
            q.text,
            q.start as i64,
            q.end as i64,
            q.direct
        ])?;
    }
    Ok(())
}

pub(super) fn load_entity(conn: &Connection, id: i64) -> Result<Option<Entity>> {
    let row: Option<(i64, String, String, i64)> = conn
        .prepare_cached(
            "SELECT e.id, e.kind, e.name, (SELECT COUNT(*) FROM mentions m WHERE m.entity_id = e.id)
             FROM entities e WHERE e.id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let Some((id, kind, name, n)) = row else {
        return Ok(None);
    };
    let mut stmt = conn
        .prepare_cached("SELECT alias FROM entity_aliases WHERE entity_id = ?1 ORDER BY alias")?;
    let aliases = stmt
        .query_map([id], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(Entity {
        id: EntityId(id),
        kind: kind_from_code(&kind)?,
        name,
        aliases,
        mentions: n.max(0) as u64,
    }))
}

pub(super) fn find_entities(c: &Connection, lc: &str) -> Result<Vec<Entity>> {
    let ids: Vec<i64> = c
        .prepare_cached(
            "SELECT id FROM entities WHERE name_lc = ?1
             UNION SELECT entity_id FROM entity_aliases WHERE alias_lc = ?1
             LIMIT 100",
        )?
        .query_map([&lc], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(e) = load_entity(c, id)? {
            out.push(e);
        }
    }
    out.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.id.cmp(&b.id)));
    Ok(out)
}

pub(super) fn top_entities(
    c: &Connection,
    kind: Option<EntityKind>,
    limit: usize,
) -> Result<Vec<Entity>> {
    let ids: Vec<i64> = c
        .prepare_cached(
            "SELECT e.id FROM entities e JOIN mentions m ON m.entity_id = e.id
             WHERE ?1 IS NULL OR e.kind = ?1
             GROUP BY e.id ORDER BY COUNT(*) DESC, e.id LIMIT ?2",
        )?
        .query_map(params![kind.map(|k| k.code()), clamp_limit(limit)], |r| {
            r.get(0)
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(e) = load_entity(c, id)? {
            out.push(e);
        }
    }
    Ok(out)
}

pub(super) fn entity_mentions(
    c: &Connection,
    id: EntityId,
    limit: usize,
) -> Result<Vec<EntityMention>> {
    let sql = format!(
        "SELECT m.article_id, a.title, a.published_at, m.start, m.end, m.text
         FROM mentions m JOIN articles a ON a.id = m.article_id
         LEFT JOIN sources s ON s.id = a.source_id
         WHERE m.entity_id = ?1 AND {VISIBLE}
         ORDER BY a.sort_ts DESC, a.id DESC, m.start LIMIT ?2"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let v = stmt
        .query_map(params![id.0, clamp_limit(limit)], |r| {
            Ok(EntityMention {
                article_id: ArticleId(r.get(0)?),
                article_title: r.get(1)?,
                published: r.get(2)?,
                start: r.get::<_, i64>(3)?.max(0) as usize,
                end: r.get::<_, i64>(4)?.max(0) as usize,
                text: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

pub(super) fn entity_quotes(
    c: &Connection,
    id: EntityId,
    limit: usize,
) -> Result<Vec<EntityQuote>> {
    let sql = format!(
        "SELECT q.article_id, a.title, a.published_at, q.text, q.role, q.direct
         FROM quotes q JOIN articles a ON a.id = q.article_id
         LEFT JOIN sources s ON s.id = a.source_id
         WHERE q.speaker_entity_id = ?1 AND {VISIBLE}
         ORDER BY a.sort_ts DESC, a.id DESC, q.start LIMIT ?2"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let v = stmt
        .query_map(params![id.0, clamp_limit(limit)], |r| {
            Ok(EntityQuote {
                article_id: ArticleId(r.get(0)?),
                article_title: r.get(1)?,
                published: r.get(2)?,
                text: r.get(3)?,
                role: r.get(4)?,
                direct: r.get::<_, i64>(5)? != 0,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

pub(super) fn tags(c: &Connection, limit: usize) -> Result<Vec<TagCount>> {
    let sql = format!(
        "SELECT g.name, COUNT(*) AS n FROM article_tags t
         JOIN tags g ON g.id = t.tag_id
         JOIN articles a ON a.id = t.article_id
         LEFT JOIN sources s ON s.id = a.source_id
         WHERE {VISIBLE}
         GROUP BY g.id ORDER BY n DESC, g.name LIMIT ?1"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let v = stmt
        .query_map([clamp_limit(limit)], |r| {
            Ok(TagCount {
                name: r.get(0)?,
                articles: r.get::<_, i64>(1)?.max(0) as u64,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}
