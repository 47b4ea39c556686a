//! Entities, quotes and tags in PostgreSQL (the twin of `sqlite/entities.rs`): the rows
//! derived from an article's current version and the reads by entity and by tag.

use khronika_model::{Analysis, Article, EntityKind};
use tokio_postgres::types::ToSql;
use tokio_postgres::GenericClient;

use super::{clamp_limit, exec, query_one, query_opt, CachedTx, VISIBLE};
use crate::error::{Result, StoreError};
use crate::registry::{
    better_name, canonical, fold, gazetteer_person, groups, known_by_surname, speaker, Group,
    Speaker, MAX_NAME_CHARS,
};
use crate::sqlite::{ts, MAX_TAGS, MAX_TAG_LEN};
use crate::types::*;

/// Rows of a cached statement in the write transaction.
async fn query(
    tx: &CachedTx<'_>,
    sql: &str,
    args: &[&(dyn ToSql + Sync)],
) -> Result<Vec<tokio_postgres::Row>> {
    let st = tx.prepare_cached(sql).await?;
    Ok(tx.query(&st, args).await?)
}

async fn ids(tx: &CachedTx<'_>, sql: &str, args: &[&(dyn ToSql + Sync)]) -> Result<Vec<i64>> {
    query(tx, sql, args)
        .await?
        .iter()
        .map(|r| Ok(r.try_get(0)?))
        .collect()
}

/// Link one article's group to its registry entity (creating it when no evidence links it
/// to a known one): the rules in [`crate::registry`], as `sqlite::entities::link_group`.
/// `others` are the entities already linked for the article.
async fn link_group(tx: &CachedTx<'_>, g: &Group, others: &[i64]) -> Result<i64> {
    if g.lone_person {
        let candidates = ids(
            tx,
            "SELECT id FROM entities WHERE surname = $1 AND NOT partial AND kind = 'PER'
             ORDER BY id LIMIT 50",
            &[&g.key],
        )
        .await?;
        let chosen = match candidates.as_slice() {
            [one] => Some(*one),
            [] => None,
            many => best_by_cooccurrence(tx, many, others).await?,
        };
        if let Some(id) = chosen {
            return Ok(id);
        }
        if candidates.is_empty() {
            // The one person of the gazetteer with this surname ("Лукашенко").
            if let Some(k) = known_by_surname(&g.key) {
                let full = gazetteer_person(k, &g.key);
                let id = find_or_create(tx, &full, false).await?;
                absorb_surname_only(tx, id, &g.key).await?;
                return Ok(id);
            }
        }
        return find_or_create(tx, g, true).await;
    }
    let found: Option<i64> = query_opt(tx, "SELECT id FROM entities WHERE fold = $1", &[&g.key])
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
    if let Some(id) = found {
        if !g.fixed {
            find_or_create(tx, g, false).await?;
        }
        return Ok(id);
    }
    if !g.fixed && g.kind != EntityKind::Person {
        // A failed normal form ("Москве") equal to a surface form of exactly one entity.
        let owners = ids(
            tx,
            "SELECT DISTINCT entity_id FROM entity_aliases WHERE fold = $1 LIMIT 2",
            &[&g.key],
        )
        .await?;
        if let [one] = owners.as_slice() {
            return Ok(*one);
        }
    }
    let id = find_or_create(tx, g, false).await?;
    if let Some(surname) = &g.surname {
        absorb_surname_only(tx, id, surname).await?;
    }
    Ok(id)
}

/// "Александр Григорьевич" in an article whose one linked person named Александр is
/// Александр Лукашенко (the analysis may have met him by surname only).
async fn person_by_given_name(
    tx: &CachedTx<'_>,
    g: &Group,
    linked: &[(Group, i64)],
) -> Result<Option<i64>> {
    let given = g.key.split(' ').next().unwrap_or("");
    let mut found: Vec<i64> = Vec::new();
    for (other, id) in linked {
        if other.kind != EntityKind::Person || found.contains(id) {
            continue;
        }
        let name: Option<String> = query_opt(
            tx,
            "SELECT name FROM entities WHERE id = $1 AND kind = 'PER'",
            &[id],
        )
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
        let folded = name.map(|n| fold(&n)).unwrap_or_default();
        let words: Vec<&str> = folded.split(' ').collect();
        if words.len() >= 2 && words.first() == Some(&given) {
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
async fn best_by_cooccurrence(
    tx: &CachedTx<'_>,
    candidates: &[i64],
    others: &[i64],
) -> Result<Option<i64>> {
    let mut scores: Vec<(i64, i64)> = Vec::new();
    for &c in candidates {
        let mut n = 0i64;
        // Bounded: the candidate's latest 50 articles against the article's first 10
        // entities (a popular name must not make every write scan its whole history).
        for o in others.iter().take(10) {
            n += query_one(
                tx,
                "SELECT COUNT(*) FROM (
                     SELECT DISTINCT article_id FROM mentions WHERE entity_id = $1
                     ORDER BY article_id DESC LIMIT 50) x
                 WHERE EXISTS (SELECT 1 FROM mentions b
                               WHERE b.article_id = x.article_id AND b.entity_id = $2)",
                &[&c, o],
            )
            .await?
            .try_get::<_, i64>(0)?;
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
async fn find_or_create(tx: &CachedTx<'_>, g: &Group, partial: bool) -> Result<i64> {
    if let Some(r) = query_opt(
        tx,
        "SELECT id, name FROM entities WHERE fold = $1",
        &[&g.key],
    )
    .await?
    {
        let id: i64 = r.try_get(0)?;
        let name: &str = r.try_get(1)?;
        if !g.fixed && better_name(name, &g.name) {
            exec(
                tx,
                "UPDATE entities SET name = $2, name_lc = $3 WHERE id = $1",
                &[&id, &g.name, &g.name.to_lowercase()],
            )
            .await?;
        }
        return Ok(id);
    }
    Ok(query_one(
        tx,
        "INSERT INTO entities (kind, name, name_lc, fold, surname, partial, fixed)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        &[
            &g.kind.code(),
            &g.name,
            &g.name.to_lowercase(),
            &g.key,
            &g.surname,
            &partial,
            &g.fixed,
        ],
    )
    .await?
    .try_get(0)?)
}

/// A new full name takes over the surname-only entity of its surname once it is the only
/// known person with that surname (mentions, quotes and aliases move; the partial goes).
async fn absorb_surname_only(tx: &CachedTx<'_>, id: i64, surname: &str) -> Result<()> {
    let people: i64 = query_one(
        tx,
        "SELECT COUNT(*) FROM entities WHERE surname = $1 AND NOT partial AND kind = 'PER'",
        &[&surname],
    )
    .await?
    .try_get(0)?;
    if people != 1 {
        return Ok(());
    }
    let partial: Option<i64> = query_opt(
        tx,
        "SELECT id FROM entities WHERE fold = $1 AND partial",
        &[&surname],
    )
    .await?
    .map(|r| r.try_get(0))
    .transpose()?;
    let Some(old) = partial else {
        return Ok(());
    };
    exec(
        tx,
        "UPDATE mentions SET entity_id = $2 WHERE entity_id = $1",
        &[&old, &id],
    )
    .await?;
    exec(
        tx,
        "UPDATE quotes SET speaker_entity_id = $2 WHERE speaker_entity_id = $1",
        &[&old, &id],
    )
    .await?;
    exec(
        tx,
        "INSERT INTO entity_aliases (entity_id, alias, alias_lc, fold)
         SELECT $2, alias, alias_lc, fold FROM entity_aliases WHERE entity_id = $1
         ON CONFLICT DO NOTHING",
        &[&old, &id],
    )
    .await?;
    exec(tx, "DELETE FROM entities WHERE id = $1", &[&old]).await?;
    Ok(())
}

/// An entity's kind is the majority of its mentions' kinds (the latest 200, so a popular
/// name costs the same as a rare one), unless the gazetteer fixed it. Only a group of
/// another kind than the entity's can change the majority, so only that one recounts.
async fn revote_kind(tx: &CachedTx<'_>, id: i64, group_kind: EntityKind) -> Result<()> {
    exec(
        tx,
        "UPDATE entities SET kind = COALESCE((
             SELECT x.kind FROM (SELECT kind FROM mentions
                                 WHERE entity_id = $1 AND kind IS NOT NULL
                                 ORDER BY article_id DESC LIMIT 200) x
             GROUP BY x.kind ORDER BY COUNT(*) DESC, x.kind LIMIT 1), kind)
         WHERE id = $1 AND NOT fixed AND kind <> $2",
        &[&id, &group_kind.code()],
    )
    .await?;
    Ok(())
}

async fn add_alias(tx: &CachedTx<'_>, id: i64, alias: &str) -> Result<()> {
    let alias = alias.trim();
    if alias.is_empty() || alias.chars().count() > MAX_NAME_CHARS {
        return Ok(());
    }
    exec(
        tx,
        "INSERT INTO entity_aliases (entity_id, alias, alias_lc, fold)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        &[&id, &alias, &alias.to_lowercase(), &fold(alias)],
    )
    .await?;
    Ok(())
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
    let mut groups = groups(analysis);
    // Full names and places first, so a lone surname has co-occurrence evidence, and a
    // given name + patronymic comes last to find its person among the linked ones.
    groups.sort_by_key(|g| (g.given_patronymic, g.lone_person));
    let mut linked: Vec<(Group, i64)> = Vec::with_capacity(groups.len());
    let mut others: Vec<i64> = Vec::new();
    for g in groups {
        let same_person = if g.given_patronymic {
            person_by_given_name(tx, &g, &linked).await?
        } else {
            None
        };
        let eid = match same_person {
            Some(id) => id,
            None => link_group(tx, &g, &others).await?,
        };
        add_alias(tx, eid, &g.name).await?;
        for s in &g.surfaces {
            add_alias(tx, eid, s).await?;
        }
        for &i in &g.mentions {
            let Some(m) = analysis.entities.get(i) else {
                continue;
            };
            exec(
                tx,
                "INSERT INTO mentions (article_id, entity_id, start, \"end\", text, kind)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    &id,
                    &eid,
                    &(m.start as i64),
                    &(m.end as i64),
                    &m.text,
                    &m.kind.code(),
                ],
            )
            .await?;
        }
        revote_kind(tx, eid, g.kind).await?;
        if !g.lone_person && !others.contains(&eid) {
            others.push(eid);
        }
        linked.push((g, eid));
    }
    for q in &analysis.quotes {
        let speaker_id = match q.speaker.as_deref().map(str::trim) {
            Some(sp) if !sp.is_empty() => match speaker(sp, &linked) {
                Speaker::Linked(id) => Some(id),
                Speaker::Name(g) => Some(link_group(tx, &g, &others).await?),
                Speaker::Nobody => None,
            },
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

/// Rebuild every article's registry rows from its stored current analysis, in the
/// migration's transaction (migration 5 dropped the entities keyed the old way). Runs only
/// while meta 'relink_entities' is set.
pub(super) async fn relink_if_needed(tx: &CachedTx<'_>) -> Result<Option<usize>> {
    if query_opt(tx, "SELECT 1 FROM meta WHERE key = 'relink_entities'", &[])
        .await?
        .is_none()
    {
        return Ok(None);
    }
    let rows = query(
        tx,
        "SELECT v.article_id, v.article, v.analysis FROM article_versions v
         JOIN articles a ON a.id = v.article_id AND a.version = v.version
         ORDER BY a.sort_ts, a.id",
        &[],
    )
    .await?;
    let mut n = 0;
    for r in rows {
        let id: i64 = r.try_get(0)?;
        // A row that no longer parses keeps no derived rows rather than stopping the migration.
        let Ok(article) = serde_json::from_str::<Article>(r.try_get(1)?) else {
            continue;
        };
        let analysis = r
            .try_get::<_, Option<&str>>(2)?
            .and_then(|a| serde_json::from_str::<Analysis>(a).ok());
        write_derived(tx, id, &article, analysis.as_ref()).await?;
        n += 1;
    }
    exec(tx, "DELETE FROM meta WHERE key = 'relink_entities'", &[]).await?;
    Ok(Some(n))
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

/// Entities by id, with aliases, counts and first/last article time, in the order of `ids`.
async fn load_entities(c: &impl GenericClient, ids: &[i64]) -> Result<Vec<Entity>> {
    let rows = c
        .query(
            "SELECT e.id, e.kind, e.name,
                ARRAY(SELECT alias FROM entity_aliases WHERE entity_id = e.id ORDER BY alias),
                st.mentions, st.articles, st.first, st.last
             FROM unnest($1::BIGINT[]) WITH ORDINALITY AS w(id, n)
             JOIN entities e ON e.id = w.id
             CROSS JOIN LATERAL (
                 SELECT COUNT(*) AS mentions, COUNT(DISTINCT m.article_id) AS articles,
                        MIN(a.sort_ts) AS first, MAX(a.sort_ts) AS last
                 FROM mentions m JOIN articles a ON a.id = m.article_id
                 WHERE m.entity_id = e.id) st
             ORDER BY w.n",
            &[&ids],
        )
        .await?;
    let time = |t: Option<i64>| {
        t.and_then(|t| chrono::DateTime::<chrono::Utc>::from_timestamp(t, 0))
            .map(|d| ts(&d))
    };
    rows.iter()
        .map(|r| {
            Ok(Entity {
                id: EntityId(r.try_get(0)?),
                kind: kind_from_code(r.try_get(1)?)?,
                name: r.try_get(2)?,
                aliases: r.try_get(3)?,
                mentions: r.try_get::<_, i64>(4)?.max(0) as u64,
                articles: r.try_get::<_, i64>(5)?.max(0) as u64,
                first_seen: time(r.try_get(6)?),
                last_seen: time(r.try_get(7)?),
            })
        })
        .collect()
}

pub(super) async fn load_entity(c: &impl GenericClient, id: i64) -> Result<Option<Entity>> {
    Ok(load_entities(c, &[id]).await?.into_iter().next())
}

/// Entities a name leads to: by registry key (the gazetteer's canonical name for an old name
/// or abbreviation), then by any alias; most articles first.
pub(super) async fn find_entities(c: &impl GenericClient, name: &str) -> Result<Vec<Entity>> {
    let key = fold(name);
    let canon = canonical(name, EntityKind::Person)
        .map(|c| c.0)
        .unwrap_or_else(|| key.clone());
    let ids: Vec<i64> = c
        .query(
            "SELECT id FROM entities WHERE fold IN ($1, $2)
             UNION SELECT entity_id FROM entity_aliases WHERE fold = $1
             LIMIT 100",
            &[&key, &canon],
        )
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<std::result::Result<_, _>>()?;
    let mut out = load_entities(c, &ids).await?;
    out.sort_by(|a, b| {
        b.articles
            .cmp(&a.articles)
            .then(b.mentions.cmp(&a.mentions))
            .then(a.id.cmp(&b.id))
    });
    Ok(out)
}

/// Entities by the number of articles naming them (then mentions), optionally of one kind.
pub(super) async fn top_entities(
    c: &impl GenericClient,
    kind: Option<EntityKind>,
    limit: usize,
) -> Result<Vec<Entity>> {
    let ids: Vec<i64> = c
        .query(
            "SELECT e.id FROM entities e JOIN mentions m ON m.entity_id = e.id
             WHERE $1::TEXT IS NULL OR e.kind = $1
             GROUP BY e.id ORDER BY COUNT(DISTINCT m.article_id) DESC, COUNT(*) DESC, e.id
             LIMIT $2",
            &[&kind.map(|k| k.code()), &clamp_limit(limit)],
        )
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<std::result::Result<_, _>>()?;
    load_entities(c, &ids).await
}

fn entity_counts(rows: &[tokio_postgres::Row]) -> Result<Vec<EntityCount>> {
    rows.iter()
        .map(|r| {
            Ok(EntityCount {
                id: EntityId(r.try_get(0)?),
                kind: kind_from_code(r.try_get(1)?)?,
                name: r.try_get(2)?,
                count: r.try_get::<_, i64>(3)?.max(0) as u64,
            })
        })
        .collect()
}

/// Entities named in the same visible articles as `id`, by shared articles.
pub(super) async fn co_mentioned(
    c: &impl GenericClient,
    id: EntityId,
    limit: usize,
) -> Result<Vec<EntityCount>> {
    let sql = format!(
        "SELECT e.id, e.kind, e.name, COUNT(DISTINCT o.article_id) AS n
         FROM mentions m
         JOIN mentions o ON o.article_id = m.article_id AND o.entity_id <> m.entity_id
         JOIN entities e ON e.id = o.entity_id
         JOIN articles a ON a.id = m.article_id
         LEFT JOIN sources s ON s.id = a.source_id
         WHERE m.entity_id = $1 AND {VISIBLE}
         GROUP BY e.id ORDER BY n DESC, e.id LIMIT $2"
    );
    entity_counts(&c.query(&sql, &[&id.0, &clamp_limit(limit)]).await?)
}

/// The entities an article's current version names, by mentions in it.
pub(super) async fn article_entities(
    c: &impl GenericClient,
    id: ArticleId,
) -> Result<Vec<EntityCount>> {
    entity_counts(
        &c.query(
            "SELECT e.id, e.kind, e.name, COUNT(*) AS n FROM mentions m
             JOIN entities e ON e.id = m.entity_id
             WHERE m.article_id = $1 GROUP BY e.id ORDER BY n DESC, MIN(m.start) LIMIT 500",
            &[&id.0],
        )
        .await?,
    )
}

/// Per-day articles and mentions of an entity in visible articles, oldest day first.
pub(super) async fn entity_timeline(c: &impl GenericClient, id: EntityId) -> Result<Vec<DayCount>> {
    let sql = format!(
        "SELECT to_char(to_timestamp(a.sort_ts) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS d,
                COUNT(DISTINCT m.article_id), COUNT(*)
         FROM mentions m JOIN articles a ON a.id = m.article_id
         LEFT JOIN sources s ON s.id = a.source_id
         WHERE m.entity_id = $1 AND {VISIBLE}
         GROUP BY d ORDER BY d LIMIT 10000"
    );
    c.query(&sql, &[&id.0])
        .await?
        .iter()
        .map(|r| {
            Ok(DayCount {
                day: r.try_get::<_, Option<String>>(0)?.unwrap_or_default(),
                articles: r.try_get::<_, i64>(1)?.max(0) as u64,
                mentions: r.try_get::<_, i64>(2)?.max(0) as u64,
            })
        })
        .collect()
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
