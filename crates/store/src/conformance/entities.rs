//! Checks of what analysis derives from an article: entities with aliases, mentions,
//! quotes and tags.

use khronika_model::{Analysis, EntityKind, Mention, Quote};

use super::{e, sample, CheckResult};
use crate::types::*;
use crate::Store;

fn mention(text: &str, normal: &str, kind: EntityKind, start: usize) -> Mention {
    Mention {
        start,
        end: start + text.chars().count(),
        kind,
        text: text.into(),
        normal: normal.into(),
    }
}

pub async fn entities_and_quotes(store: &dyn Store) -> CheckResult {
    let mut a = sample(
        "https://e.example/1",
        "Заявление",
        "Айбек Смадияров заявил о саммите.",
        5,
        &[],
    );
    a.analysis = Some(Analysis {
        entities: vec![
            mention("Айбек Смадияров", "Айбек Смадияров", EntityKind::Person, 0),
            mention("МИД РК", "МИД РК", EntityKind::Organisation, 40),
        ],
        quotes: vec![Quote {
            start: 50,
            end: 60,
            text: "саммит состоится".into(),
            speaker: Some("Айбек Смадияров".into()),
            role: Some("официальный представитель МИД".into()),
            direct: true,
        }],
        ..Default::default()
    });
    let mut b = sample(
        "https://e.example/2",
        "Брифинг",
        "Айбека Смадиярова спросили.",
        6,
        &[],
    );
    b.analysis = Some(Analysis {
        entities: vec![mention(
            "Айбека Смадиярова",
            "Айбек Смадияров",
            EntityKind::Person,
            0,
        )],
        ..Default::default()
    });
    store.put_articles(&[a, b]).await.map_err(e)?;
    let found = store.find_entities("айбека смадиярова").await.map_err(e)?;
    let ent = found
        .first()
        .ok_or("entity not found by an inflected alias")?;
    ensure!(found.len() == 1, "one person, several entities: {found:?}");
    ensure!(
        ent.name == "Айбек Смадияров" && ent.kind == EntityKind::Person,
        "entity: {ent:?}"
    );
    ensure!(
        ent.mentions == 2 && ent.aliases.len() == 2,
        "entity counts: {ent:?}"
    );
    let mentions = store.entity_mentions(ent.id, 10).await.map_err(e)?;
    ensure!(mentions.len() == 2, "mentions: {mentions:?}");
    ensure!(
        mentions
            .first()
            .and_then(|m| m.article_title.clone())
            .as_deref()
            == Some("Брифинг"),
        "newest first"
    );
    let quotes = store.entity_quotes(ent.id, 10).await.map_err(e)?;
    ensure!(
        quotes.len() == 1 && quotes.first().is_some_and(|q| q.direct),
        "quotes: {quotes:?}"
    );
    let top = store
        .top_entities(Some(EntityKind::Person), 5)
        .await
        .map_err(e)?;
    ensure!(
        top.first().map(|t| t.id) == Some(ent.id),
        "top entities: {top:?}"
    );
    let filtered = store
        .list_articles(
            &ArticleFilter {
                entity: Some(ent.id),
                ..Default::default()
            },
            &PageRequest {
                cursor: None,
                limit: 10,
            },
        )
        .await
        .map_err(e)?;
    ensure!(
        filtered.items.len() == 2,
        "entity filter: {}",
        filtered.items.len()
    );
    let got = store.get_entity(ent.id).await.map_err(e)?;
    ensure!(got.as_ref() == Some(ent), "get_entity differs");
    Ok(())
}

/// An article whose analysis names `names` as (surface, normal, kind), one after another.
fn named(url: &str, day: u32, names: &[(&str, &str, EntityKind)]) -> NewArticle {
    let body: String = names.iter().map(|n| format!("{} ", n.0)).collect();
    let mut a = sample(url, url, &body, day, &[]);
    let mut at = 0;
    let entities = names
        .iter()
        .map(|(text, normal, kind)| {
            let m = mention(text, normal, *kind, at);
            at = m.end + 1;
            m
        })
        .collect();
    a.analysis = Some(Analysis {
        entities,
        ..Default::default()
    });
    a
}

async fn only(store: &dyn Store, name: &str) -> Result<Entity, String> {
    let found = store.find_entities(name).await.map_err(e)?;
    match found.as_slice() {
        [one] => Ok(one.clone()),
        other => Err(format!("{name}: expected one entity, got {other:?}")),
    }
}

/// The registry: one entity per person across articles and name forms, case variants one
/// entity, a surname never linked alone when two known people share it, majority kind,
/// gazetteer names, co-mentions, the per-day timeline, and re-analysis of unchanged text.
pub async fn entity_registry(store: &dyn Store) -> CheckResult {
    use EntityKind::{Location as Loc, Organisation as Org, Person as Per};
    store
        .put_articles(&[
            // The surname alone arrives before the full name is known anywhere.
            named("https://r.example/0", 1, &[("Лукашенко", "Лукашенко", Per)]),
            named(
                "https://r.example/1",
                2,
                &[
                    ("Александр Лукашенко", "Александр Лукашенко", Per),
                    ("МОСКВА", "МОСКВА", Loc),
                    ("Нур-Султане", "Нур-Султан", Loc),
                ],
            ),
            named(
                "https://r.example/2",
                3,
                &[
                    ("Лукашенко", "Лукашенко", Per),
                    // The analysis links given name + patronymic to the full name it saw.
                    ("Александр Григорьевич", "Александр Лукашенко", Per),
                    ("Москве", "Москва", Loc),
                    ("Астане", "Астана", Loc),
                    ("Бундестим", "Бундестим", Per),
                ],
            ),
            named(
                "https://r.example/3",
                4,
                &[
                    ("Ивана Иванова", "Иван Иванов", Per),
                    ("Иванов", "Иван Иванов", Per),
                    ("Бундестима", "Бундестим", Org),
                    ("Бундестиму", "Бундестим", Org),
                ],
            ),
            named(
                "https://r.example/4",
                5,
                &[
                    ("Петра Иванова", "Пётр Иванов", Per),
                    ("Иванов", "Пётр Иванов", Per),
                ],
            ),
            // Two known Ивановы and no other evidence: the surname stays apart.
            named("https://r.example/5", 6, &[("Иванов", "Иванов", Per)]),
            // Surname and given name + patronymic only, as the analysis leaves them.
            named(
                "https://r.example/6",
                7,
                &[
                    ("Лукашенко", "Лукашенко", Per),
                    ("Александр Григорьевич", "Александр Григорьевич", Per),
                ],
            ),
        ])
        .await
        .map_err(e)?;
    let luka = only(store, "Александр Лукашенко").await?;
    ensure!(
        luka.name == "Александр Лукашенко" && luka.articles == 4 && luka.mentions == 6,
        "Лукашенко: {luka:?}"
    );
    for alias in ["лукашенко", "Александр Григорьевич", "ЛУКАШЕНКО"]
    {
        ensure!(
            only(store, alias).await?.id == luka.id,
            "{alias} is another entity"
        );
    }
    ensure!(
        luka.first_seen.is_some() && luka.first_seen < luka.last_seen,
        "first/last seen: {luka:?}"
    );
    let moscow = only(store, "москва").await?;
    ensure!(
        moscow.name == "Москва" && moscow.articles == 2,
        "Москва: {moscow:?}"
    );
    let astana = only(store, "Нур-Султан").await?;
    ensure!(
        astana.name == "Астана" && astana.articles == 2 && astana.kind == Loc,
        "old name: {astana:?}"
    );
    let ivan = only(store, "Иван Иванов").await?;
    let petr = only(store, "Пётр Иванов").await?;
    ensure!(ivan.id != petr.id, "two Ивановы merged");
    ensure!(
        ivan.articles == 1 && petr.articles == 1,
        "{ivan:?} {petr:?}"
    );
    let lone = store.find_entities("Иванов").await.map_err(e)?;
    ensure!(
        lone.iter().any(|x| x.name == "Иванов" && x.articles == 1),
        "the ambiguous surname was linked to a person: {lone:?}"
    );
    let bund = only(store, "Бундестим").await?;
    ensure!(bund.kind == Org, "majority kind: {bund:?}");
    let top = store.top_entities(None, 100).await.map_err(e)?;
    let mut folds: Vec<String> = top.iter().map(|x| crate::registry::fold(&x.name)).collect();
    folds.sort();
    let n = folds.len();
    folds.dedup();
    ensure!(folds.len() == n, "two entities fold alike: {top:?}");
    ensure!(
        top.first().map(|x| x.id) == Some(luka.id),
        "ranked by articles: {top:?}"
    );
    let co = store.co_mentioned(luka.id, 10).await.map_err(e)?;
    ensure!(
        co.iter().any(|c| c.id == moscow.id && c.count == 2),
        "co-mentioned: {co:?}"
    );
    let days = store.entity_timeline(luka.id).await.map_err(e)?;
    ensure!(
        days.len() == 4 && days.iter().map(|d| d.mentions).sum::<u64>() == 6,
        "timeline: {days:?}"
    );
    ensure!(
        days.windows(2).all(|w| w[0].day < w[1].day),
        "timeline order: {days:?}"
    );
    // Re-analysis of unchanged text (reprocess): the derived rows follow the new analysis.
    let mut again = named(
        "https://r.example/5",
        6,
        &[("Иванов", "Иванов", Per), ("Минске", "Минск", Loc)],
    );
    again.content_hash = store
        .article_by_url("https://r.example/5")
        .await
        .map_err(e)?
        .map(|a| a.content_hash)
        .ok_or("article 5 missing")?;
    store.put_articles(&[again]).await.map_err(e)?;
    let minsk = only(store, "Минск").await?;
    let id5 = store
        .article_by_url("https://r.example/5")
        .await
        .map_err(e)?
        .map(|a| a.id)
        .ok_or("article 5 missing")?;
    let ents = store.article_entities(id5).await.map_err(e)?;
    ensure!(
        ents.len() == 2 && ents.iter().any(|x| x.id == minsk.id),
        "re-analysis not applied: {ents:?}"
    );
    Ok(())
}
