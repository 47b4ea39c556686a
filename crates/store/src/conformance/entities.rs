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
