//! Entities, quotes and tags in SQLite: the rows derived from an article's current version
//! (rewritten with each new version) and the reads by entity and by tag.

use khronika_model::{Analysis, Article, EntityKind};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{clamp_limit, kind_from_code, ts, MAX_TAGS, MAX_TAG_LEN, VISIBLE};
use crate::error::Result;
use crate::registry::{
    better_name, canonical, fold, gazetteer_person, groups, known_by_surname, speaker, Group,
    Speaker, MAX_NAME_CHARS,
};
use crate::types::*;

/// Link one article's group to its registry entity (creating it when no evidence links it
/// to a known one): the rules in [`crate::registry`]. `others` are the entities already
/// linked for the article, the co-occurrence evidence for a lone surname.
fn link_group(tx: &Transaction<'_>, g: &Group, others: &[i64]) -> Result<i64> {
    if g.lone_person {
        let candidates: Vec<i64> = tx
            .prepare_cached(
                "SELECT id FROM entities WHERE surname = ?1 AND partial = 0 AND kind = 'PER'
                 ORDER BY id LIMIT 50",
            )?
            .query_map([&g.key], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let chosen = match candidates.as_slice() {
            [one] => Some(*one),
            [] => None,
            many => best_by_cooccurrence(tx, many, others)?,
        };
        if let Some(id) = chosen {
            return Ok(id);
        }
        if candidates.is_empty() {
            // The one person of the gazetteer with this surname ("Лукашенко").
            if let Some(k) = known_by_surname(&g.key) {
                let full = gazetteer_person(k, &g.key);
                let id = find_or_create(tx, &full, false)?;
                absorb_surname_only(tx, id, &g.key)?;
                return Ok(id);
            }
        }
        return find_or_create(tx, g, true);
    }
    let found: Option<i64> = tx
        .prepare_cached("SELECT id FROM entities WHERE fold = ?1")?
        .query_row([&g.key], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        if !g.fixed {
            find_or_create(tx, g, false)?;
        }
        return Ok(id);
    }
    if !g.fixed && g.kind != EntityKind::Person {
        // A failed normal form ("Москве") equal to a surface form of exactly one entity.
        let owners: Vec<i64> = tx
            .prepare_cached(
                "SELECT DISTINCT entity_id FROM entity_aliases WHERE fold = ?1 LIMIT 2",
            )?
            .query_map([&g.key], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if let [one] = owners.as_slice() {
            return Ok(*one);
        }
    }
    let id = find_or_create(tx, g, false)?;
    if let Some(surname) = &g.surname {
        absorb_surname_only(tx, id, surname)?;
    }
    Ok(id)
}

/// "Александр Григорьевич" in an article whose one linked person named Александр is
/// Александр Лукашенко (the analysis may have met him by surname only).
fn person_by_given_name(
    tx: &Transaction<'_>,
    g: &Group,
    linked: &[(Group, i64)],
) -> Result<Option<i64>> {
    let given = g.key.split(' ').next().unwrap_or("");
    let mut found: Vec<i64> = Vec::new();
    for (other, id) in linked {
        if other.kind != EntityKind::Person || found.contains(id) {
            continue;
        }
        let name: Option<String> = tx
            .prepare_cached("SELECT name FROM entities WHERE id = ?1 AND kind = 'PER'")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        let words: Vec<String> = name
            .map(|n| fold(&n))
            .unwrap_or_default()
            .split(' ')
            .map(str::to_string)
            .collect();
        if words.len() >= 2 && words.first().map(String::as_str) == Some(given) {
            found.push(*id);
        }
    }
    Ok(match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    })
}

/// Among several people sharing a surname, the one that shares the most articles with the
/// article's other entities, when exactly one does best.
fn best_by_cooccurrence(
    tx: &Transaction<'_>,
    candidates: &[i64],
    others: &[i64],
) -> Result<Option<i64>> {
    let mut scores: Vec<(i64, i64)> = Vec::new();
    for &c in candidates {
        let mut n = 0i64;
        // Bounded: the candidate's latest 50 articles against the article's first 10
        // entities (a popular name must not make every write scan its whole history).
        for &o in others.iter().take(10) {
            n += tx
                .prepare_cached(
                    "SELECT COUNT(*) FROM (
                         SELECT DISTINCT article_id FROM mentions WHERE entity_id = ?1
                         ORDER BY article_id DESC LIMIT 50) x
                     WHERE EXISTS (SELECT 1 FROM mentions b
                                   WHERE b.article_id = x.article_id AND b.entity_id = ?2)",
                )?
                .query_row(params![c, o], |r| r.get::<_, i64>(0))?;
        }
        scores.push((n, c));
    }
    scores.sort_unstable_by(|a, b| b.cmp(a));
    Ok(match scores.as_slice() {
        [(best, id), rest @ ..] if *best > 0 && rest.first().is_none_or(|r| r.0 < *best) => {
            Some(*id)
        }
        _ => None,
    })
}

/// The entity with the group's key, its display name improved when the group writes it
/// better; created when there is none.
fn find_or_create(tx: &Transaction<'_>, g: &Group, partial: bool) -> Result<i64> {
    let found: Option<(i64, String)> = tx
        .prepare_cached("SELECT id, name FROM entities WHERE fold = ?1")?
        .query_row([&g.key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((id, name)) = found {
        if !g.fixed && better_name(&name, &g.name) {
            tx.prepare_cached("UPDATE entities SET name = ?2, name_lc = ?3 WHERE id = ?1")?
                .execute(params![id, g.name, g.name.to_lowercase()])?;
        }
        return Ok(id);
    }
    tx.prepare_cached(
        "INSERT INTO entities (kind, name, name_lc, fold, surname, partial, fixed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        g.kind.code(),
        g.name,
        g.name.to_lowercase(),
        g.key,
        g.surname,
        partial,
        g.fixed
    ])?;
    Ok(tx.last_insert_rowid())
}

/// A new full name takes over the surname-only entity of its surname once it is the only
/// known person with that surname (mentions, quotes and aliases move; the partial goes).
fn absorb_surname_only(tx: &Transaction<'_>, id: i64, surname: &str) -> Result<()> {
    let people: i64 = tx
        .prepare_cached(
            "SELECT COUNT(*) FROM entities WHERE surname = ?1 AND partial = 0 AND kind = 'PER'",
        )?
        .query_row([surname], |r| r.get(0))?;
    if people != 1 {
        return Ok(());
    }
    let partial: Option<i64> = tx
        .prepare_cached("SELECT id FROM entities WHERE fold = ?1 AND partial = 1")?
        .query_row([surname], |r| r.get(0))
        .optional()?;
    let Some(old) = partial else {
        return Ok(());
    };
    tx.prepare_cached("UPDATE mentions SET entity_id = ?2 WHERE entity_id = ?1")?
        .execute(params![old, id])?;
    tx.prepare_cached("UPDATE quotes SET speaker_entity_id = ?2 WHERE speaker_entity_id = ?1")?
        .execute(params![old, id])?;
    tx.prepare_cached(
        "INSERT OR IGNORE INTO entity_aliases (entity_id, alias, alias_lc, fold)
         SELECT ?2, alias, alias_lc, fold FROM entity_aliases WHERE entity_id = ?1",
    )?
    .execute(params![old, id])?;
    tx.prepare_cached("DELETE FROM entities WHERE id = ?1")?
        .execute([old])?;
    Ok(())
}

/// An entity's kind is the majority of its mentions' kinds (the latest 200, so a popular
/// name costs the same as a rare one), unless the gazetteer fixed it. Only a group of
/// another kind than the entity's can change the majority, so only that one recounts.
fn revote_kind(tx: &Transaction<'_>, id: i64, group_kind: EntityKind) -> Result<()> {
    tx.prepare_cached(
        "UPDATE entities SET kind = COALESCE((
             SELECT kind FROM (SELECT kind FROM mentions WHERE entity_id = ?1 AND kind IS NOT NULL
                               ORDER BY article_id DESC LIMIT 200)
             GROUP BY kind ORDER BY COUNT(*) DESC, kind LIMIT 1), kind)
         WHERE id = ?1 AND fixed = 0 AND kind <> ?2",
    )?
    .execute(params![id, group_kind.code()])?;
    Ok(())
}

fn add_alias(tx: &Transaction<'_>, id: i64, alias: &str) -> Result<()> {
    let alias = alias.trim();
    if alias.is_empty() || alias.chars().count() > MAX_NAME_CHARS {
        return Ok(());
    }
    tx.prepare_cached(
        "INSERT OR IGNORE INTO entity_aliases (entity_id, alias, alias_lc, fold)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id, alias, alias.to_lowercase(), fold(alias)])?;
    Ok(())
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
    let mut groups = groups(analysis);
    // Full names and places first, so a lone surname has co-occurrence evidence, and a
    // given name + patronymic comes last to find its person among the linked ones.
    groups.sort_by_key(|g| (g.given_patronymic, g.lone_person));
    let mut linked: Vec<(Group, i64)> = Vec::with_capacity(groups.len());
    let mut others: Vec<i64> = Vec::new();
    for g in groups {
        let same_person = if g.given_patronymic {
            person_by_given_name(tx, &g, &linked)?
        } else {
            None
        };
        let eid = match same_person {
            Some(id) => id,
            None => link_group(tx, &g, &others)?,
        };
        add_alias(tx, eid, &g.name)?;
        for s in &g.surfaces {
            add_alias(tx, eid, s)?;
        }
        for &i in &g.mentions {
            let Some(m) = analysis.entities.get(i) else {
                continue;
            };
            tx.prepare_cached(
                "INSERT INTO mentions (article_id, entity_id, start, end, text, kind)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                id,
                eid,
                m.start as i64,
                m.end as i64,
                m.text,
                m.kind.code()
            ])?;
        }
        revote_kind(tx, eid, g.kind)?;
        if !g.lone_person && !others.contains(&eid) {
            others.push(eid);
        }
        linked.push((g, eid));
    }
    for q in &analysis.quotes {
        let speaker_id = match q.speaker.as_deref().map(str::trim) {
            Some(sp) if !sp.is_empty() => match speaker(sp, &linked) {
                Speaker::Linked(id) => Some(id),
                Speaker::Name(g) => Some(link_group(tx, &g, &others)?),
                Speaker::Nobody => None,
            },
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
    let row: Option<(i64, String, String)> = conn
        .prepare_cached("SELECT id, kind, name FROM entities WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((id, kind, name)) = row else {
        return Ok(None);
    };
    let (mentions, articles, first, last): (i64, i64, Option<i64>, Option<i64>) = conn
        .prepare_cached(
            "SELECT COUNT(*), COUNT(DISTINCT m.article_id), MIN(a.sort_ts), MAX(a.sort_ts)
             FROM mentions m JOIN articles a ON a.id = m.article_id WHERE m.entity_id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    let mut stmt = conn
        .prepare_cached("SELECT alias FROM entity_aliases WHERE entity_id = ?1 ORDER BY alias")?;
    let aliases = stmt
        .query_map([id], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let time = |t: Option<i64>| {
        t.and_then(|t| chrono::DateTime::<chrono::Utc>::from_timestamp(t, 0))
            .map(|d| ts(&d))
    };
    Ok(Some(Entity {
        id: EntityId(id),
        kind: kind_from_code(&kind)?,
        name,
        aliases,
        mentions: mentions.max(0) as u64,
        articles: articles.max(0) as u64,
        first_seen: time(first),
        last_seen: time(last),
    }))
}

/// Entities a name leads to: by registry key (the gazetteer's canonical name for an old name
/// or abbreviation), then by any alias; most articles first.
pub(super) fn find_entities(c: &Connection, name: &str) -> Result<Vec<Entity>> {
    let key = fold(name);
    let canon = canonical(name, EntityKind::Person)
        .map(|c| c.0)
        .unwrap_or_else(|| key.clone());
    let ids: Vec<i64> = c
        .prepare_cached(
            "SELECT id FROM entities WHERE fold IN (?1, ?2)
             UNION SELECT entity_id FROM entity_aliases WHERE fold = ?1
             LIMIT 100",
        )?
        .query_map(params![key, canon], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(e) = load_entity(c, id)? {
            out.push(e);
        }
    }
    out.sort_by(|a, b| {
        b.articles
            .cmp(&a.articles)
            .then(b.mentions.cmp(&a.mentions))
            .then(a.id.cmp(&b.id))
    });
    Ok(out)
}

/// Entities by the number of articles naming them (then mentions), optionally of one kind.
pub(super) fn top_entities(
    c: &Connection,
    kind: Option<EntityKind>,
    limit: usize,
) -> Result<Vec<Entity>> {
    let ids: Vec<i64> = c
        .prepare_cached(
            "SELECT e.id FROM entities e JOIN mentions m ON m.entity_id = e.id
             WHERE ?1 IS NULL OR e.kind = ?1
             GROUP BY e.id ORDER BY COUNT(DISTINCT m.article_id) DESC, COUNT(*) DESC, e.id
             LIMIT ?2",
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

fn entity_counts(
    stmt: &mut rusqlite::CachedStatement<'_>,
    args: impl rusqlite::Params,
) -> Result<Vec<EntityCount>> {
    let rows = stmt
        .query_map(args, |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(id, kind, name, n)| {
            Ok(EntityCount {
                id: EntityId(id),
                kind: kind_from_code(&kind)?,
                name,
                count: n.max(0) as u64,
            })
        })
        .collect()
}

/// Entities named in the same visible articles as `id`, by shared articles.
pub(super) fn co_mentioned(c: &Connection, id: EntityId, limit: usize) -> Result<Vec<EntityCount>> {
    let sql = format!(
        "SELECT e.id, e.kind, e.name, COUNT(DISTINCT o.article_id) AS n
         FROM mentions m
         JOIN mentions o ON o.article_id = m.article_id AND o.entity_id <> m.entity_id
         JOIN entities e ON e.id = o.entity_id
         JOIN articles a ON a.id = m.article_id
         LEFT JOIN sources s ON s.id = a.source_id
         WHERE m.entity_id = ?1 AND {VISIBLE}
         GROUP BY e.id ORDER BY n DESC, e.id LIMIT ?2"
    );
    entity_counts(
        &mut c.prepare_cached(&sql)?,
        params![id.0, clamp_limit(limit)],
    )
}

/// The entities an article's current version names, by mentions in it.
pub(super) fn article_entities(c: &Connection, id: ArticleId) -> Result<Vec<EntityCount>> {
    entity_counts(
        &mut c.prepare_cached(
            "SELECT e.id, e.kind, e.name, COUNT(*) AS n FROM mentions m
             JOIN entities e ON e.id = m.entity_id
             WHERE m.article_id = ?1 GROUP BY e.id ORDER BY n DESC, MIN(m.start) LIMIT 500",
        )?,
        [id.0],
    )
}

/// Per-day articles and mentions of an entity in visible articles, oldest day first.
pub(super) fn entity_timeline(c: &Connection, id: EntityId) -> Result<Vec<DayCount>> {
    let sql = format!(
        "SELECT date(a.sort_ts, 'unixepoch') AS d, COUNT(DISTINCT m.article_id), COUNT(*)
         FROM mentions m JOIN articles a ON a.id = m.article_id
         LEFT JOIN sources s ON s.id = a.source_id
         WHERE m.entity_id = ?1 AND {VISIBLE}
         GROUP BY d ORDER BY d LIMIT 10000"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let v = stmt
        .query_map([id.0], |r| {
            Ok(DayCount {
                day: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                articles: r.get::<_, i64>(1)?.max(0) as u64,
                mentions: r.get::<_, i64>(2)?.max(0) as u64,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

/// Rebuild every article's registry rows from its stored current analysis (after migration
/// 5, which dropped the entities keyed the old way). One transaction.
pub(super) fn relink_all(tx: &Transaction<'_>) -> Result<usize> {
    let rows: Vec<(i64, String, Option<String>)> = tx
        .prepare(
            "SELECT v.article_id, v.article, v.analysis FROM article_versions v
             JOIN articles a ON a.id = v.article_id AND a.version = v.version
             ORDER BY a.sort_ts, a.id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut n = 0;
    for (id, article, analysis) in rows {
        // A row that no longer parses keeps no derived rows rather than stopping the open.
        let Ok(article) = serde_json::from_str::<Article>(&article) else {
            continue;
        };
        let analysis = analysis.and_then(|a| serde_json::from_str::<Analysis>(&a).ok());
        write_derived(tx, id, &article, analysis.as_ref())?;
        n += 1;
    }
    tx.execute("DELETE FROM meta WHERE key = 'relink_entities'", [])?;
    Ok(n)
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
