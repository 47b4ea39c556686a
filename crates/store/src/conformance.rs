//! The behaviour every [`Store`] backend must show, as async checks over `&dyn Store`.
//!
//! Each check expects a fresh, empty store and returns `Err(description)` on the first
//! broken expectation. The SQLite tests run them all (`tests/conformance.rs`); the PostgreSQL
//! backend runs the same list against a fresh database.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use khronika_model::{Analysis, Article, Block, EntityKind, Mention, Quote, Rubric};

use crate::types::*;
use crate::{content_hash, Store};

pub type CheckResult = Result<(), String>;

macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!("{}:{}: {}", file!(), line!(), format!($($fmt)+)));
        }
    };
}

fn e<E: std::fmt::Display>(err: E) -> String {
    err.to_string()
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 4, day.clamp(1, 28), hour.min(23), 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A small article; `body` decides its content hash.
pub fn sample(url: &str, title: &str, body: &str, day: u32, tags: &[&str]) -> NewArticle {
    let published = at(day, 10).fixed_offset();
    let article = Article {
        url: url.parse().ok(),
        title: Some(title.to_owned()),
        lead: Some(format!("Лид: {title}")),
        blocks: vec![Block::Paragraph {
            text: body.to_owned(),
        }],
        published: Some(published),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        ..Default::default()
    };
    NewArticle {
        source_id: None,
        url: url.to_owned(),
        other_urls: Vec::new(),
        content_hash: content_hash(&article),
        article,
        analysis: None,
        seen_at: at(day, 12),
        fetch: None,
    }
}

fn news_source(name: &str) -> NewSource {
    NewSource {
        name: name.to_owned(),
        home_url: format!("https://{name}.example/"),
        feeds: vec![format!("https://{name}.example/rss")],
        sitemaps: Vec::new(),
        lang: Some("ru".into()),
        display: DisplayPolicy::default(),
        politeness: Politeness::default(),
    }
}

/// Every check, by name, in order. Run each on a fresh, empty store with [`run_check`].
pub const CHECKS: &[&str] = &[
    "sources_roundtrip",
    "versions_and_dedup",
    "listing_and_filters",
    "change_feed",
    "entities_and_quotes",
    "views_and_takedowns",
    "fetches_and_pages",
    "stories",
    "organisation_roundtrip",
    "story_merges",
    "organisation_hidden_articles",
    "organisation_clear_and_rebuild",
    "organise_seeds",
    "organisation_failed_batch",
];

/// Run the check called `name` (one of [`CHECKS`]) on `store`.
pub async fn run_check(name: &str, store: &dyn Store) -> CheckResult {
    let r = match name {
        "sources_roundtrip" => sources_roundtrip(store).await,
        "versions_and_dedup" => versions_and_dedup(store).await,
        "listing_and_filters" => listing_and_filters(store).await,
        "change_feed" => change_feed(store).await,
        "entities_and_quotes" => entities_and_quotes(store).await,
        "views_and_takedowns" => views_and_takedowns(store).await,
        "fetches_and_pages" => fetches_and_pages(store).await,
        "stories" => stories(store).await,
        "organisation_roundtrip" => organisation_roundtrip(store).await,
        "story_merges" => story_merges(store).await,
        "organisation_hidden_articles" => organisation_hidden_articles(store).await,
        "organisation_clear_and_rebuild" => organisation_clear_and_rebuild(store).await,
        "organise_seeds" => organise_seeds(store).await,
        "organisation_failed_batch" => organisation_failed_batch(store).await,
        other => Err(format!("no such check {other:?}")),
    };
    r.map_err(|m| format!("{name}: {m}"))
}

pub async fn sources_roundtrip(store: &dyn Store) -> CheckResult {
    let id = store.add_source(&news_source("tengri")).await.map_err(e)?;
    let dup = store.add_source(&news_source("tengri")).await;
    ensure!(
        dup.is_err(),
        "a second source with the same name was accepted"
    );
    let other = store.add_source(&news_source("zakon")).await.map_err(e)?;
    ensure!(other != id, "two sources share an id");
    let list = store.list_sources().await.map_err(e)?;
    ensure!(list.len() == 2, "expected 2 sources, got {}", list.len());
    let mut s = store
        .source_by_name("tengri")
        .await
        .map_err(e)?
        .ok_or("source_by_name found nothing")?;
    ensure!(s.id == id, "source_by_name returned another source");
    ensure!(
        s.display == DisplayPolicy::LeadAndLink,
        "default display is not lead+link"
    );
    ensure!(
        s.feeds == vec!["https://tengri.example/rss".to_string()],
        "feeds not kept"
    );
    s.sitemaps.push("https://tengri.example/sitemap.xml".into());
    s.politeness.delay_ms = Some(1500);
    store.update_source(&s).await.map_err(e)?;
    let back = store
        .get_source(id)
        .await
        .map_err(e)?
        .ok_or("source vanished")?;
    ensure!(
        back.sitemaps.len() == 1 && back.politeness.delay_ms == Some(1500),
        "update lost: {back:?}"
    );
    ensure!(
        store.remove_source(other).await.map_err(e)?,
        "remove_source said it did not exist"
    );
    ensure!(
        !store.remove_source(other).await.map_err(e)?,
        "removed the same source twice"
    );
    ensure!(
        store.list_sources().await.map_err(e)?.len() == 1,
        "source not removed"
    );
    Ok(())
}

pub async fn versions_and_dedup(store: &dyn Store) -> CheckResult {
    let src = store.add_source(&news_source("kz")).await.map_err(e)?;
    let mut a = sample(
        "https://kz.example/news/1",
        "Первая",
        "Текст один.",
        3,
        &["политика"],
    );
    a.source_id = Some(src);
    let out = store
        .put_articles(std::slice::from_ref(&a))
        .await
        .map_err(e)?;
    let id = match out.as_slice() {
        [PutOutcome::Created { id }] => *id,
        other => return Err(format!("first put: {other:?}")),
    };
    // Same content again, even with different whitespace in the page: unchanged.
    let out = store
        .put_articles(std::slice::from_ref(&a))
        .await
        .map_err(e)?;
    ensure!(
        out == vec![PutOutcome::Unchanged { id }],
        "second put: {out:?}"
    );
    // Same text under a tracking-parameter-free alias URL of the same source: duplicate.
    let mut dup = a.clone();
    dup.url = "https://kz.example/amp/news/1".into();
    let out = store.put_articles(&[dup]).await.map_err(e)?;
    ensure!(
        out == vec![PutOutcome::Duplicate { id }],
        "duplicate put: {out:?}"
    );
    let via_alias = store
        .article_by_url("https://kz.example/amp/news/1")
        .await
        .map_err(e)?
        .ok_or("alias URL does not find the article")?;
    ensure!(via_alias.id == id, "alias led to another article");
    // Changed content: version 2.
    let mut changed = sample(
        "https://kz.example/news/1",
        "Первая",
        "Текст два.",
        3,
        &["экономика"],
    );
    changed.source_id = Some(src);
    let out = store.put_articles(&[changed]).await.map_err(e)?;
    ensure!(
        out == vec![PutOutcome::Updated { id, version: 2 }],
        "changed put: {out:?}"
    );
    let got = store
        .get_article(id)
        .await
        .map_err(e)?
        .ok_or("article missing")?;
    ensure!(got.version == 2, "version is {}", got.version);
    ensure!(
        got.article.text().contains("Текст два."),
        "current text is old: {}",
        got.article.text()
    );
    let versions = store.article_versions(id).await.map_err(e)?;
    ensure!(versions.len() == 2, "{} versions", versions.len());
    ensure!(
        versions
            .first()
            .is_some_and(|v| v.version == 1 && v.article.text().contains("Текст один.")),
        "version 1 not kept"
    );
    let tags = store.article_tags(id).await.map_err(e)?;
    ensure!(
        tags == vec!["экономика".to_string()],
        "tags follow the current version: {tags:?}"
    );
    // A batch: one new, one unchanged, atomically.
    let b = sample(
        "https://kz.example/news/2",
        "Вторая",
        "Другой текст.",
        4,
        &[],
    );
    let mut c = sample(
        "https://kz.example/news/1",
        "Первая",
        "Текст два.",
        3,
        &["экономика"],
    );
    c.source_id = Some(src);
    let out = store.put_articles(&[b, c]).await.map_err(e)?;
    ensure!(
        matches!(out.first(), Some(PutOutcome::Created { .. })),
        "batch[0]: {out:?}"
    );
    ensure!(
        out.get(1) == Some(&PutOutcome::Unchanged { id }),
        "batch[1]: {out:?}"
    );
    // A bad item fails the whole batch: nothing of it is stored.
    let good = sample("https://kz.example/news/3", "Третья", "Ещё текст.", 5, &[]);
    let mut bad = sample("https://kz.example/news/4", "Плохая", "Текст.", 5, &[]);
    bad.url = String::new();
    ensure!(
        store.put_articles(&[good, bad]).await.is_err(),
        "a batch with an empty URL was accepted"
    );
    ensure!(
        store
            .article_by_url("https://kz.example/news/3")
            .await
            .map_err(e)?
            .is_none(),
        "a failed batch left an article behind"
    );
    let stats = store.stats().await.map_err(e)?;
    ensure!(
        stats.articles == 2 && stats.versions == 3,
        "stats: {stats:?}"
    );
    Ok(())
}

pub async fn listing_and_filters(store: &dyn Store) -> CheckResult {
    let s1 = store.add_source(&news_source("one")).await.map_err(e)?;
    let s2 = store.add_source(&news_source("two")).await.map_err(e)?;
    let mut batch = Vec::new();
    for i in 1..=9u32 {
        let tag = if i % 2 == 0 { "чёт" } else { "нечет" };
        let mut a = sample(
            &format!("https://x.example/{i}"),
            &format!("Статья {i}"),
            &format!("Тело {i}."),
            i,
            &[tag],
        );
        a.source_id = Some(if i <= 5 { s1 } else { s2 });
        batch.push(a);
    }
    store.put_articles(&batch).await.map_err(e)?;
    // Pages of 4, newest first, no overlap, all 9 seen.
    let mut seen = Vec::new();
    let mut cursor = None;
    for _ in 0..5 {
        let page = store
            .list_articles(
                &ArticleFilter::default(),
                &PageRequest {
                    cursor: cursor.clone(),
                    limit: 4,
                },
            )
            .await
            .map_err(e)?;
        seen.extend(
            page.items
                .iter()
                .map(|a| a.title.clone().unwrap_or_default()),
        );
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    let expected: Vec<String> = (1..=9).rev().map(|i| format!("Статья {i}")).collect();
    ensure!(seen == expected, "paging gave {seen:?}");
    let by_source = store
        .list_articles(
            &ArticleFilter {
                source: Some(s2),
                ..Default::default()
            },
            &PageRequest {
                cursor: None,
                limit: 50,
            },
        )
        .await
        .map_err(e)?;
    ensure!(
        by_source.items.len() == 4,
        "source filter: {}",
        by_source.items.len()
    );
    let by_tag = store
        .list_articles(
            &ArticleFilter {
                tag: Some("чёт".into()),
                ..Default::default()
            },
            &PageRequest {
                cursor: None,
                limit: 50,
            },
        )
        .await
        .map_err(e)?;
    ensure!(
        by_tag.items.len() == 4,
        "tag filter: {}",
        by_tag.items.len()
    );
    let ranged = store
        .list_articles(
            &ArticleFilter {
                since: Some(at(3, 0)),
                until: Some(at(6, 0)),
                ..Default::default()
            },
            &PageRequest {
                cursor: None,
                limit: 50,
            },
        )
        .await
        .map_err(e)?;
    let titles: Vec<_> = ranged
        .items
        .iter()
        .filter_map(|a| a.title.clone())
        .collect();
    ensure!(
        titles == vec!["Статья 5", "Статья 4", "Статья 3"],
        "date range: {titles:?}"
    );
    let tags = store.tags(10).await.map_err(e)?;
    ensure!(
        tags.first()
            .is_some_and(|t| t.name == "нечет" && t.articles == 5),
        "tag counts: {tags:?}"
    );
    let bad = store
        .list_articles(
            &ArticleFilter::default(),
            &PageRequest {
                cursor: Some("garbage".into()),
                limit: 4,
            },
        )
        .await;
    ensure!(bad.is_err(), "a garbage cursor was accepted");
    Ok(())
}

pub async fn change_feed(store: &dyn Store) -> CheckResult {
    let start = store.current_change_seq().await.map_err(e)?;
    let src = store.add_source(&news_source("feed")).await.map_err(e)?;
    let mut a = sample("https://f.example/1", "А", "Один.", 1, &[]);
    a.source_id = Some(src);
    let mut b = sample("https://f.example/2", "Б", "Два.", 2, &[]);
    b.source_id = Some(src);
    let out = store.put_articles(&[a, b]).await.map_err(e)?;
    let ids: Vec<ArticleId> = out.iter().map(|o| o.id()).collect();
    let changes = store.articles_changed_since(start, 100).await.map_err(e)?;
    ensure!(
        changes.len() == 2,
        "{} changes after two puts",
        changes.len()
    );
    let last = changes.last().map(|c| c.seq).unwrap_or(0);
    ensure!(
        changes.windows(2).all(|w| w[0].seq < w[1].seq),
        "sequence not increasing"
    );
    ensure!(
        store
            .articles_changed_since(last, 100)
            .await
            .map_err(e)?
            .is_empty(),
        "changes after the last seq"
    );
    // Unchanged put: no change entry.
    let mut again = sample("https://f.example/1", "А", "Один.", 1, &[]);
    again.source_id = Some(src);
    store.put_articles(&[again]).await.map_err(e)?;
    ensure!(
        store
            .articles_changed_since(last, 100)
            .await
            .map_err(e)?
            .is_empty(),
        "an unchanged put made a change"
    );
    // Hiding is a change with hidden = true.
    let first = *ids.first().ok_or("no id")?;
    store.set_article_hidden(first, true).await.map_err(e)?;
    let ch = store.articles_changed_since(last, 100).await.map_err(e)?;
    ensure!(
        ch.len() == 1
            && ch
                .first()
                .and_then(|c| c.article.as_ref())
                .is_some_and(|a| a.hidden),
        "hide: {ch:?}"
    );
    let last = ch.last().map(|c| c.seq).unwrap_or(last);
    // Removing the source deletes its articles: changes without an article.
    store.remove_source(src).await.map_err(e)?;
    let ch = store.articles_changed_since(last, 100).await.map_err(e)?;
    ensure!(
        ch.len() == 2 && ch.iter().all(|c| c.article.is_none()),
        "delete: {ch:?}"
    );
    ensure!(
        store.current_change_seq().await.map_err(e)? == ch.last().map(|c| c.seq).unwrap_or(0),
        "current seq"
    );
    Ok(())
}

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

pub async fn views_and_takedowns(store: &dyn Store) -> CheckResult {
    let src = store.add_source(&news_source("pop")).await.map_err(e)?;
    let mut a = sample("https://p.example/1", "Популярная", "Раз.", 1, &[]);
    a.source_id = Some(src);
    let b = sample("https://p.example/2", "Своя", "Два.", 2, &[]);
    let out = store.put_articles(&[a, b]).await.map_err(e)?;
    let (ia, ib) = match out.as_slice() {
        [x, y] => (x.id(), y.id()),
        _ => return Err("two outcomes expected".into()),
    };
    for _ in 0..3 {
        store.record_view(ia).await.map_err(e)?;
    }
    store.record_view(ib).await.map_err(e)?;
    ensure!(
        store.record_view(ArticleId(987_654)).await.is_err(),
        "a view of a missing article was counted"
    );
    let pop = store
        .popular(Duration::from_secs(3600), 10)
        .await
        .map_err(e)?;
    ensure!(
        pop == vec![
            Popular {
                article_id: ia,
                views: 3
            },
            Popular {
                article_id: ib,
                views: 1
            }
        ],
        "popular: {pop:?}"
    );
    store
        .record_views(&[(ib, 5), (ArticleId(987_654), 3), (ia, 0)])
        .await
        .map_err(e)?;
    let pop = store
        .popular(Duration::from_secs(3600), 10)
        .await
        .map_err(e)?;
    ensure!(
        pop == vec![
            Popular {
                article_id: ib,
                views: 6
            },
            Popular {
                article_id: ia,
                views: 3
            }
        ],
        "batched views: {pop:?}"
    );
    let views = store
        .article_views(&[ia, ib, ArticleId(987_654)])
        .await
        .map_err(e)?;
    ensure!(
        views
            == vec![
                Popular {
                    article_id: ia,
                    views: 3
                },
                Popular {
                    article_id: ib,
                    views: 6
                }
            ],
        "per-article views, unknown ids left out: {views:?}"
    );
    let sa = store.get_article(ia).await.map_err(e)?.ok_or("missing")?;
    ensure!(
        sa.display == DisplayPolicy::LeadAndLink,
        "third-party default display"
    );
    let sb = store.get_article(ib).await.map_err(e)?.ok_or("missing")?;
    ensure!(
        sb.display == DisplayPolicy::FullText,
        "own (sourceless) article display"
    );
    store
        .set_source_display(src, DisplayPolicy::FullText)
        .await
        .map_err(e)?;
    let sa = store.get_article(ia).await.map_err(e)?.ok_or("missing")?;
    ensure!(
        sa.display == DisplayPolicy::FullText,
        "display change not applied"
    );
    store.set_source_hidden(src, true).await.map_err(e)?;
    let pop = store
        .popular(Duration::from_secs(3600), 10)
        .await
        .map_err(e)?;
    ensure!(
        pop.iter().all(|p| p.article_id != ia),
        "hidden source still popular"
    );
    let list = store
        .list_articles(
            &ArticleFilter::default(),
            &PageRequest {
                cursor: None,
                limit: 10,
            },
        )
        .await
        .map_err(e)?;
    ensure!(list.items.len() == 1, "hidden source still listed");
    let all = store
        .list_articles(
            &ArticleFilter {
                include_hidden: true,
                ..Default::default()
            },
            &PageRequest {
                cursor: None,
                limit: 10,
            },
        )
        .await
        .map_err(e)?;
    ensure!(all.items.len() == 2, "include_hidden lost articles");
    store.set_article_hidden(ib, true).await.map_err(e)?;
    let list = store
        .list_articles(
            &ArticleFilter::default(),
            &PageRequest {
                cursor: None,
                limit: 10,
            },
        )
        .await
        .map_err(e)?;
    ensure!(list.items.is_empty(), "hidden article still listed");
    Ok(())
}

pub async fn fetches_and_pages(store: &dyn Store) -> CheckResult {
    let now = at(10, 9);
    let page = NewFetch {
        url: "https://r.example/a?x=1".into(),
        final_url: "https://r.example/a".into(),
        status: 200,
        content_type: Some("text/html; charset=utf-8".into()),
        etag: Some("\"v1\"".into()),
        last_modified: Some("Wed, 21 Oct 2015 07:28:00 GMT".into()),
        fetched_at: now,
        body: "<html><body><p>Страница</p></body></html>"
            .as_bytes()
            .to_vec(),
        keep_body: true,
        precompressed: None,
        source_id: None,
    };
    let mut a = sample("https://r.example/a", "Стр", "Страница.", 10, &[]);
    a.other_urls = vec![page.url.clone()];
    a.fetch = Some(page.clone());
    store.put_articles(&[a]).await.map_err(e)?;
    let st = store
        .page_state(&page.url)
        .await
        .map_err(e)?
        .ok_or("no page state")?;
    ensure!(
        st.etag.as_deref() == Some("\"v1\"") && st.article_id.is_some(),
        "page state: {st:?}"
    );
    let raw = store.raw_pages(None, 10).await.map_err(e)?;
    ensure!(raw.len() == 1, "{} raw pages", raw.len());
    ensure!(
        raw.first().is_some_and(|r| r.body == page.body),
        "raw page does not round-trip"
    );
    // A precompressed body is stored as given and reads back decompressed.
    let body2 = "<html><body><p>Другая страница</p></body></html>"
        .as_bytes()
        .to_vec();
    let pre = NewFetch {
        url: "https://r.example/b".into(),
        final_url: "https://r.example/b".into(),
        precompressed: Some(crate::gzip_body(&body2).map_err(e)?),
        body: Vec::new(),
        ..page.clone()
    };
    let mut b = sample("https://r.example/b", "Стр2", "Другая.", 10, &[]);
    b.fetch = Some(pre);
    store.put_articles(&[b]).await.map_err(e)?;
    let raw2 = store
        .raw_pages(raw.first().map(|r| r.id), 10)
        .await
        .map_err(e)?;
    ensure!(
        raw2.len() == 1 && raw2.first().is_some_and(|r| r.body == body2),
        "precompressed body does not round-trip: {} pages",
        raw2.len()
    );
    // A 304 keeps the validators and the article link.
    let not_modified = NewFetch {
        status: 304,
        etag: None,
        last_modified: None,
        body: Vec::new(),
        keep_body: false,
        ..page.clone()
    };
    store.record_fetches(&[not_modified]).await.map_err(e)?;
    let st = store
        .page_state(&page.url)
        .await
        .map_err(e)?
        .ok_or("no page state")?;
    ensure!(
        st.etag.as_deref() == Some("\"v1\"") && st.article_id.is_some() && st.status == 200,
        "after 304: {st:?}"
    );
    // A 404 replaces them.
    let gone = NewFetch {
        status: 404,
        etag: None,
        last_modified: None,
        body: Vec::new(),
        keep_body: false,
        ..page.clone()
    };
    store.record_fetches(&[gone]).await.map_err(e)?;
    let st = store
        .page_state(&page.url)
        .await
        .map_err(e)?
        .ok_or("no page state")?;
    ensure!(st.status == 404 && st.etag.is_none(), "after 404: {st:?}");
    ensure!(
        store
            .raw_pages(raw2.last().map(|r| r.id), 10)
            .await
            .map_err(e)?
            .is_empty(),
        "raw_pages after the last id"
    );
    Ok(())
}

fn story_update(id: ArticleId, title: &str, first: u32, last: u32, n: u32) -> StoryUpdate {
    StoryUpdate {
        id: StoryId(id.0),
        title: title.to_owned(),
        first_seen: at(first, 10),
        last_seen: at(last, 10),
        sources: 1,
        article_count: n,
        entities: vec!["Москва".into()],
        rubric: Some(Rubric::Society),
    }
}

fn placed(
    article: ArticleId,
    story: Option<StoryId>,
    duplicate_of: Option<ArticleId>,
    rubric: Rubric,
) -> ArticleOrganisation {
    ArticleOrganisation {
        article,
        story,
        duplicate_of,
        rubric,
    }
}

/// Store `n` small articles, day `i` for the i-th (1-based); their ids in order.
async fn articles(store: &dyn Store, prefix: &str, n: u32) -> Result<Vec<ArticleId>, String> {
    let batch: Vec<NewArticle> = (1..=n)
        .map(|i| {
            sample(
                &format!("https://{prefix}.example/{i}"),
                &format!("{prefix} {i}"),
                &format!("Текст {prefix} {i}."),
                i,
                &[],
            )
        })
        .collect();
    Ok(store
        .put_articles(&batch)
        .await
        .map_err(e)?
        .iter()
        .map(|o| o.id())
        .collect())
}

fn page(limit: usize) -> PageRequest {
    PageRequest {
        cursor: None,
        limit,
    }
}

pub async fn stories(store: &dyn Store) -> CheckResult {
    let ids = articles(store, "s", 4).await?;
    let (a1, a2, a3, a4) = match ids.as_slice() {
        [a, b, c, d] => (*a, *b, *c, *d),
        _ => return Err("four outcomes expected".into()),
    };
    let (s1, s2) = (StoryId(a1.0), StoryId(a3.0));
    let before = store.current_change_seq().await.map_err(e)?;
    store
        .apply_organisation(&OrganiseBatch {
            stories: vec![
                story_update(a1, "Саммит", 1, 2, 2),
                story_update(a3, "Выборы", 3, 3, 1),
            ],
            articles: vec![
                placed(a1, Some(s1), None, Rubric::Society),
                placed(a2, Some(s1), None, Rubric::Society),
                placed(a3, Some(s2), None, Rubric::Society),
            ],
            merges: Vec::new(),
        })
        .await
        .map_err(e)?;
    let st = store
        .get_story(s1)
        .await
        .map_err(e)?
        .ok_or("story missing")?;
    ensure!(
        st.articles == vec![a2, a1],
        "story articles newest first: {st:?}"
    );
    ensure!(
        st.first_seen < st.last_seen
            && st.title == "Саммит"
            && st.article_count == 2
            // Recounted from the members (which have no source), not taken as sent.
            && st.sources == 0
            && st.entities == vec!["Москва".to_string()]
            && st.rubric == Some(Rubric::Society),
        "story fields: {st:?}"
    );
    let art = store.get_article(a1).await.map_err(e)?.ok_or("article")?;
    ensure!(
        art.story_id == Some(s1),
        "article's story: {:?}",
        art.story_id
    );
    let changed = store.articles_changed_since(before, 100).await.map_err(e)?;
    ensure!(
        changed.len() == 3,
        "story membership must enter the change feed: {}",
        changed.len()
    );
    // Moving articles: they leave their old story, whose span and count follow.
    store
        .apply_organisation(&OrganiseBatch {
            stories: vec![story_update(a3, "Выборы", 2, 4, 3)],
            articles: vec![
                placed(a2, Some(s2), None, Rubric::Society),
                placed(a4, Some(s2), None, Rubric::Society),
            ],
            merges: Vec::new(),
        })
        .await
        .map_err(e)?;
    let st1 = store
        .get_story(s1)
        .await
        .map_err(e)?
        .ok_or("story missing")?;
    ensure!(
        st1.articles == vec![a1] && st1.article_count == 1 && st1.last_seen < at(2, 0),
        "moved article still counted in the old story: {st1:?}"
    );
    let first = store
        .list_stories(&StoryFilter::default(), &page(1))
        .await
        .map_err(e)?;
    ensure!(
        first.items.iter().map(|s| s.id).collect::<Vec<_>>() == vec![s2],
        "latest story first: {first:?}"
    );
    let rest = store
        .list_stories(
            &StoryFilter::default(),
            &PageRequest {
                cursor: first.next.clone(),
                limit: 5,
            },
        )
        .await
        .map_err(e)?;
    ensure!(
        rest.items.iter().map(|s| s.id).collect::<Vec<_>>() == vec![s1] && rest.next.is_none(),
        "second page: {rest:?}"
    );
    // Placing an article in a story that does not exist fails the whole batch.
    let bad = store
        .apply_organisation(&OrganiseBatch {
            stories: vec![story_update(a1, "Другое", 1, 1, 1)],
            articles: vec![placed(a1, Some(StoryId(999_999)), None, Rubric::Economy)],
            merges: Vec::new(),
        })
        .await;
    ensure!(
        bad.is_err(),
        "an article placed in a missing story was accepted"
    );
    let st1 = store
        .get_story(s1)
        .await
        .map_err(e)?
        .ok_or("story missing")?;
    let art = store.get_article(a1).await.map_err(e)?.ok_or("article")?;
    ensure!(
        st1.title == "Саммит" && art.rubric == Some(Rubric::Society),
        "a failed batch wrote something: {st1:?} {:?}",
        art.rubric
    );
    Ok(())
}

fn ids_of(page: &Page<ArticleSummary>) -> Vec<ArticleId> {
    page.items.iter().map(|a| a.id).collect()
}

async fn listed(store: &dyn Store, filter: ArticleFilter) -> Result<Vec<ArticleId>, String> {
    Ok(ids_of(
        &store.list_articles(&filter, &page(100)).await.map_err(e)?,
    ))
}

/// Apply a batch and return how many change-feed entries it produced.
async fn changes_of(store: &dyn Store, batch: &OrganiseBatch) -> Result<usize, String> {
    let before = store.current_change_seq().await.map_err(e)?;
    store.apply_organisation(batch).await.map_err(e)?;
    Ok(store
        .articles_changed_since(before, 1000)
        .await
        .map_err(e)?
        .len())
}

pub async fn organisation_roundtrip(store: &dyn Store) -> CheckResult {
    let tass = store.add_source(&news_source("tass")).await.map_err(e)?;
    let ria = store.add_source(&news_source("ria")).await.map_err(e)?;
    let mut batch: Vec<NewArticle> = (1..=4u32)
        .map(|i| {
            sample(
                &format!("https://o.example/{i}"),
                &format!("О{i}"),
                &format!("Текст {i}."),
                i,
                &[],
            )
        })
        .collect();
    for (i, a) in batch.iter_mut().enumerate() {
        a.source_id = Some(if i % 2 == 0 { tass } else { ria });
    }
    let ids: Vec<ArticleId> = store
        .put_articles(&batch)
        .await
        .map_err(e)?
        .iter()
        .map(|o| o.id())
        .collect();
    let (a1, a2, a3, a4) = match ids.as_slice() {
        [a, b, c, d] => (*a, *b, *c, *d),
        _ => return Err("four outcomes expected".into()),
    };
    let s1 = StoryId(a1.0);
    let unorganised = store.get_article(a1).await.map_err(e)?.ok_or("article")?;
    ensure!(
        unorganised.rubric.is_none() && unorganised.duplicate_of.is_none(),
        "a new article is not organised: {unorganised:?}"
    );
    // a2 is a copy of a1 (same story); a3 stands alone in economy; a4 is not news.
    let first = OrganiseBatch {
        stories: vec![story_update(a1, "Саммит", 1, 2, 2)],
        articles: vec![
            placed(a1, Some(s1), None, Rubric::Society),
            placed(a2, Some(s1), Some(a1), Rubric::Society),
            placed(a3, None, None, Rubric::Economy),
            placed(a4, None, None, Rubric::NotNews),
            // Deleted (or never stored) articles are skipped.
            placed(ArticleId(999_999), Some(s1), None, Rubric::Society),
        ],
        merges: Vec::new(),
    };
    let n = changes_of(store, &first).await?;
    ensure!(n == 4, "four articles changed, feed has {n}");
    let copy = store.get_article(a2).await.map_err(e)?.ok_or("article")?;
    ensure!(
        copy.story_id == Some(s1)
            && copy.duplicate_of == Some(a1)
            && copy.rubric == Some(Rubric::Society),
        "organisation not read back: {copy:?}"
    );
    let eco = store.get_article(a3).await.map_err(e)?.ok_or("article")?;
    ensure!(
        eco.story_id.is_none() && eco.duplicate_of.is_none() && eco.rubric == Some(Rubric::Economy),
        "organisation not read back: {eco:?}"
    );
    // The same decisions again change nothing.
    let n = changes_of(store, &first).await?;
    ensure!(
        n == 0,
        "an unchanged organisation entered the feed {n} times"
    );
    // One real change: one entry.
    let n = changes_of(
        store,
        &OrganiseBatch {
            articles: vec![
                placed(a3, None, None, Rubric::Technology),
                placed(a4, None, None, Rubric::NotNews),
            ],
            ..Default::default()
        },
    )
    .await?;
    ensure!(n == 1, "one rubric changed, feed has {n}");
    // Listing filters and summaries.
    let all = store
        .list_articles(&ArticleFilter::default(), &page(10))
        .await
        .map_err(e)?;
    let sum = all
        .items
        .iter()
        .find(|a| a.id == a2)
        .ok_or("a2 not listed")?;
    ensure!(
        sum.story_id == Some(s1)
            && sum.duplicate_of == Some(a1)
            && sum.rubric == Some(Rubric::Society),
        "summary lacks organisation: {sum:?}"
    );
    let got = listed(
        store,
        ArticleFilter {
            story: Some(s1),
            ..Default::default()
        },
    )
    .await?;
    ensure!(got == vec![a2, a1], "story filter: {got:?}");
    let got = listed(
        store,
        ArticleFilter {
            story: Some(s1),
            originals_only: true,
            ..Default::default()
        },
    )
    .await?;
    ensure!(got == vec![a1], "story + originals_only: {got:?}");
    let got = listed(
        store,
        ArticleFilter {
            originals_only: true,
            ..Default::default()
        },
    )
    .await?;
    ensure!(got == vec![a4, a3, a1], "originals_only: {got:?}");
    let got = listed(
        store,
        ArticleFilter {
            rubric: Some(Rubric::Technology),
            ..Default::default()
        },
    )
    .await?;
    ensure!(got == vec![a3], "rubric filter: {got:?}");
    let got = listed(
        store,
        ArticleFilter {
            rubric: Some(Rubric::Society),
            source: Some(tass),
            ..Default::default()
        },
    )
    .await?;
    ensure!(got == vec![a1], "rubric + source filter: {got:?}");
    // Copies of originals, for "также: …".
    let copies = store.article_copies(&[a1, a3]).await.map_err(e)?;
    ensure!(
        copies.len() == 1
            && copies[0].original == a1
            && copies[0].id == a2
            && copies[0].source_id == Some(ria)
            && copies[0].url == "https://o.example/2",
        "copies: {copies:?}"
    );
    ensure!(
        store.article_copies(&[a3]).await.map_err(e)?.is_empty(),
        "copies of an article without copies"
    );
    // Stories by rubric, recency and size.
    let only = |f: StoryFilter| async move {
        store
            .list_stories(&f, &page(10))
            .await
            .map(|p| p.items.iter().map(|s| s.id).collect::<Vec<_>>())
            .map_err(e)
    };
    ensure!(
        only(StoryFilter {
            rubric: Some(Rubric::Society),
            ..Default::default()
        })
        .await?
            == vec![s1],
        "story rubric filter"
    );
    ensure!(
        only(StoryFilter {
            rubric: Some(Rubric::Sports),
            ..Default::default()
        })
        .await?
        .is_empty(),
        "story rubric filter matched another rubric"
    );
    ensure!(
        only(StoryFilter {
            since: Some(at(3, 0)),
            ..Default::default()
        })
        .await?
        .is_empty(),
        "story since filter"
    );
    ensure!(
        only(StoryFilter {
            since: Some(at(2, 0)),
            min_articles: 2,
            ..Default::default()
        })
        .await?
            == vec![s1],
        "story since + min_articles"
    );
    ensure!(
        only(StoryFilter {
            min_articles: 3,
            ..Default::default()
        })
        .await?
        .is_empty(),
        "story min_articles"
    );
    // Leaving every story: the story stops being one, its id still leads nowhere wrong.
    store
        .apply_organisation(&OrganiseBatch {
            articles: vec![
                placed(a1, None, None, Rubric::Society),
                placed(a2, None, Some(a1), Rubric::Society),
            ],
            ..Default::default()
        })
        .await
        .map_err(e)?;
    ensure!(
        store.get_story(s1).await.map_err(e)?.is_none(),
        "a story without articles is still live"
    );
    ensure!(
        store.resolve_story(s1).await.map_err(e)?.is_none(),
        "an emptied story resolved to something"
    );
    Ok(())
}

pub async fn story_merges(store: &dyn Store) -> CheckResult {
    let ids = articles(store, "m", 6).await?;
    let [a1, a2, a3, a4, a5, a6] = ids.as_slice() else {
        return Err("six outcomes expected".into());
    };
    let (a1, a2, a3, a4, a5, a6) = (*a1, *a2, *a3, *a4, *a5, *a6);
    let (s1, s3, s5) = (StoryId(a1.0), StoryId(a3.0), StoryId(a5.0));
    store
        .apply_organisation(&OrganiseBatch {
            stories: vec![
                story_update(a1, "Первая", 1, 2, 2),
                story_update(a3, "Вторая", 3, 4, 2),
                story_update(a5, "Третья", 5, 5, 1),
            ],
            articles: vec![
                placed(a1, Some(s1), None, Rubric::Society),
                placed(a2, Some(s1), None, Rubric::Society),
                placed(a3, Some(s3), None, Rubric::Society),
                placed(a4, Some(s3), None, Rubric::Society),
                placed(a5, Some(s5), None, Rubric::Society),
            ],
            merges: Vec::new(),
        })
        .await
        .map_err(e)?;
    for s in [s1, s3, s5] {
        ensure!(
            store.resolve_story(s).await.map_err(e)? == Some(s),
            "a live story resolves to itself: {s}"
        );
    }
    // s1 into s3: a1 and a2 move (and enter the feed), s1 redirects.
    let n = changes_of(
        store,
        &OrganiseBatch {
            stories: vec![story_update(a3, "Вторая", 1, 4, 4)],
            merges: vec![(s1, s3)],
            ..Default::default()
        },
    )
    .await?;
    ensure!(n == 2, "a merge moved two articles, feed has {n}");
    ensure!(
        store.get_story(s1).await.map_err(e)?.is_none(),
        "a merged story is still live"
    );
    ensure!(
        store.resolve_story(s1).await.map_err(e)? == Some(s3),
        "merged id does not resolve to the survivor"
    );
    let st3 = store.get_story(s3).await.map_err(e)?.ok_or("survivor")?;
    ensure!(
        st3.articles == vec![a4, a3, a2, a1] && st3.article_count == 4,
        "survivor's articles: {st3:?}"
    );
    let a2s = store.get_article(a2).await.map_err(e)?.ok_or("article")?;
    ensure!(a2s.story_id == Some(s3), "moved article's story: {a2s:?}");
    // s3 into s5: the chain s1 → s3 → s5 resolves; a merge into a merged id lands on the
    // survivor; an article placed in a merged id lands there too.
    store
        .apply_organisation(&OrganiseBatch {
            merges: vec![(s3, s5)],
            ..Default::default()
        })
        .await
        .map_err(e)?;
    ensure!(
        store.resolve_story(s1).await.map_err(e)? == Some(s5),
        "chained merge does not resolve"
    );
    ensure!(
        store.resolve_story(s3).await.map_err(e)? == Some(s5),
        "merged id does not resolve"
    );
    let st5 = store.get_story(s5).await.map_err(e)?.ok_or("survivor")?;
    ensure!(
        st5.articles == vec![a5, a4, a3, a2, a1] && st5.article_count == 5,
        "a survivor not described by the batch is recounted: {st5:?}"
    );
    store
        .apply_organisation(&OrganiseBatch {
            articles: vec![placed(a6, Some(s1), None, Rubric::Society)],
            ..Default::default()
        })
        .await
        .map_err(e)?;
    let a6s = store.get_article(a6).await.map_err(e)?.ok_or("article")?;
    ensure!(
        a6s.story_id == Some(s5),
        "placed in a merged id: {:?}",
        a6s.story_id
    );
    let s6 = StoryId(a6.0);
    store
        .apply_organisation(&OrganiseBatch {
            stories: vec![story_update(a6, "Четвёртая", 6, 6, 1)],
            articles: vec![placed(a6, Some(s6), None, Rubric::Society)],
            merges: Vec::new(),
        })
        .await
        .map_err(e)?;
    store
        .apply_organisation(&OrganiseBatch {
            merges: vec![(s6, s1)],
            ..Default::default()
        })
        .await
        .map_err(e)?;
    ensure!(
        store.resolve_story(s6).await.map_err(e)? == Some(s5),
        "merge into a merged id did not reach the survivor"
    );
    // Merging an already merged story again is a no-op; into itself is an error.
    store
        .apply_organisation(&OrganiseBatch {
            merges: vec![(s1, s5)],
            ..Default::default()
        })
        .await
        .map_err(e)?;
    ensure!(
        store
            .apply_organisation(&OrganiseBatch {
                merges: vec![(s5, s5)],
                ..Default::default()
            })
            .await
            .is_err(),
        "a story merged into itself"
    );
    ensure!(
        store
            .apply_organisation(&OrganiseBatch {
                merges: vec![(s5, StoryId(999_999))],
                ..Default::default()
            })
            .await
            .is_err(),
        "a merge into a missing story"
    );
    ensure!(
        store
            .resolve_story(StoryId(999_999))
            .await
            .map_err(e)?
            .is_none(),
        "an unknown id resolved"
    );
    ensure!(
        store
            .resolve_story(StoryId(a2.0))
            .await
            .map_err(e)?
            .is_none(),
        "an article id that never was a story resolved"
    );
    let live = store
        .list_stories(&StoryFilter::default(), &page(10))
        .await
        .map_err(e)?;
    ensure!(
        live.items.iter().map(|s| s.id).collect::<Vec<_>>() == vec![s5],
        "merged stories listed: {live:?}"
    );
    Ok(())
}

pub async fn organisation_hidden_articles(store: &dyn Store) -> CheckResult {
    let ids = articles(store, "h", 3).await?;
    let [a1, a2, a3] = ids.as_slice() else {
        return Err("three outcomes expected".into());
    };
    let (a1, a2, a3) = (*a1, *a2, *a3);
    let (s1, s3) = (StoryId(a1.0), StoryId(a3.0));
    store
        .apply_organisation(&OrganiseBatch {
            stories: vec![
                story_update(a1, "Одна", 1, 2, 2),
                story_update(a3, "Другая", 3, 3, 1),
            ],
            articles: vec![
                placed(a1, Some(s1), None, Rubric::Society),
                placed(a2, Some(s1), Some(a1), Rubric::Society),
                placed(a3, Some(s3), None, Rubric::Society),
            ],
            merges: Vec::new(),
        })
        .await
        .map_err(e)?;
    store.set_article_hidden(a2, true).await.map_err(e)?;
    store.set_article_hidden(a3, true).await.map_err(e)?;
    let st = store.get_story(s1).await.map_err(e)?.ok_or("story")?;
    ensure!(st.articles == vec![a1], "hidden article in a story: {st:?}");
    let list = store
        .list_stories(&StoryFilter::default(), &page(10))
        .await
        .map_err(e)?;
    ensure!(
        list.items.iter().map(|s| s.id).collect::<Vec<_>>() == vec![s1],
        "a story of hidden articles listed: {list:?}"
    );
    ensure!(
        store.article_copies(&[a1]).await.map_err(e)?.is_empty(),
        "hidden copy listed"
    );
    let got = listed(
        store,
        ArticleFilter {
            story: Some(s1),
            ..Default::default()
        },
    )
    .await?;
    ensure!(got == vec![a1], "hidden article listed by story: {got:?}");
    let window = store.organise_window(at(1, 0), 10).await.map_err(e)?;
    ensure!(
        window.iter().map(|s| s.id).collect::<Vec<_>>() == vec![a1],
        "hidden articles in the organise window"
    );
    store.set_article_hidden(a2, false).await.map_err(e)?;
    let st = store.get_story(s1).await.map_err(e)?.ok_or("story")?;
    ensure!(
        st.articles == vec![a2, a1],
        "unhidden article missing: {st:?}"
    );
    Ok(())
}

pub async fn organisation_clear_and_rebuild(store: &dyn Store) -> CheckResult {
    let ids = articles(store, "r", 4).await?;
    let [a1, a2, a3, a4] = ids.as_slice() else {
        return Err("four outcomes expected".into());
    };
    let (a1, a2, a3, a4) = (*a1, *a2, *a3, *a4);
    let (s1, s2, s3) = (StoryId(a1.0), StoryId(a2.0), StoryId(a3.0));
    store
        .apply_organisation(&OrganiseBatch {
            stories: vec![
                story_update(a1, "Одна", 1, 1, 1),
                story_update(a2, "Две", 2, 2, 1),
                story_update(a3, "Три", 3, 4, 2),
            ],
            articles: vec![
                placed(a1, Some(s1), None, Rubric::Society),
                placed(a2, Some(s2), None, Rubric::Society),
                placed(a3, Some(s3), None, Rubric::Sports),
                placed(a4, Some(s3), Some(a3), Rubric::Sports),
            ],
            merges: Vec::new(),
        })
        .await
        .map_err(e)?;
    store
        .apply_organisation(&OrganiseBatch {
            merges: vec![(s2, s1)],
            ..Default::default()
        })
        .await
        .map_err(e)?;
    let before = store.current_change_seq().await.map_err(e)?;
    store.clear_organisation().await.map_err(e)?;
    let changed = store.articles_changed_since(before, 100).await.map_err(e)?;
    ensure!(
        changed.len() == 4,
        "clearing must put the organised articles in the feed: {}",
        changed.len()
    );
    for id in [a1, a2, a3, a4] {
        let a = store.get_article(id).await.map_err(e)?.ok_or("article")?;
        ensure!(
            a.story_id.is_none() && a.duplicate_of.is_none() && a.rubric.is_none(),
            "organisation left after clearing: {a:?}"
        );
    }
    ensure!(
        store
            .list_stories(&StoryFilter::default(), &page(10))
            .await
            .map_err(e)?
            .items
            .is_empty(),
        "stories left after clearing"
    );
    ensure!(
        store.get_story(s3).await.map_err(e)?.is_none(),
        "a cleared story is still live"
    );
    let todo = store.unorganised(None, 10).await.map_err(e)?;
    ensure!(
        todo.iter().map(|s| s.id).collect::<Vec<_>>() == vec![a1, a2, a3, a4],
        "everything is unorganised after clearing"
    );
    for s in [s1, s2, s3] {
        ensure!(
            store.resolve_story(s).await.map_err(e)?.is_none(),
            "{s} resolved before the rebuild placed anything"
        );
    }
    let n = store.current_change_seq().await.map_err(e)?;
    store.clear_organisation().await.map_err(e)?;
    ensure!(
        store.current_change_seq().await.map_err(e)? == n,
        "clearing nothing entered the feed"
    );
    // The rebuild groups differently: a2 founds one story with a1 and a3; a4 alone.
    let (t2, t4) = (StoryId(a2.0), StoryId(a4.0));
    store
        .apply_organisation(&OrganiseBatch {
            stories: vec![
                story_update(a2, "Новая", 1, 3, 3),
                story_update(a4, "Отдельно", 4, 4, 1),
            ],
            articles: vec![
                placed(a1, Some(t2), None, Rubric::Society),
                placed(a2, Some(t2), None, Rubric::Society),
                placed(a3, Some(t2), None, Rubric::Society),
                placed(a4, Some(t4), None, Rubric::Society),
            ],
            merges: Vec::new(),
        })
        .await
        .map_err(e)?;
    // s1 and s3 are no longer stories: they go where their founding articles went;
    // s2 (merged before the rebuild) is a story again.
    ensure!(
        store.resolve_story(s1).await.map_err(e)? == Some(t2),
        "old id s1 after the rebuild"
    );
    ensure!(
        store.resolve_story(s3).await.map_err(e)? == Some(t2),
        "old id s3 after the rebuild"
    );
    ensure!(
        store.resolve_story(s2).await.map_err(e)? == Some(t2),
        "old id s2 after the rebuild"
    );
    ensure!(
        store.get_story(s1).await.map_err(e)?.is_none(),
        "an old id is live again"
    );
    let t = store
        .get_story(t2)
        .await
        .map_err(e)?
        .ok_or("rebuilt story")?;
    ensure!(t.articles == vec![a3, a2, a1], "rebuilt story: {t:?}");
    ensure!(
        store.unorganised(None, 10).await.map_err(e)?.is_empty(),
        "articles unorganised after the rebuild"
    );
    Ok(())
}

pub async fn organise_seeds(store: &dyn Store) -> CheckResult {
    let ids = articles(store, "w", 5).await?;
    let [a1, a2, a3, a4, a5] = ids.as_slice() else {
        return Err("five outcomes expected".into());
    };
    let (a1, a2, a3, a4, a5) = (*a1, *a2, *a3, *a4, *a5);
    // Out of time order: an old article stored last.
    let late = store
        .put_articles(&[sample("https://w.example/old", "Старое", "Давно.", 2, &[])])
        .await
        .map_err(e)?
        .first()
        .map(|o| o.id())
        .ok_or("no outcome")?;
    let window = store.organise_window(at(2, 0), 100).await.map_err(e)?;
    let got: Vec<ArticleId> = window.iter().map(|s| s.id).collect();
    ensure!(
        got == vec![a2, late, a3, a4, a5],
        "window oldest first by time: {got:?}"
    );
    let w0 = window.first().ok_or("empty window")?;
    ensure!(
        w0.time == at(2, 10)
            && w0.first_seen == at(2, 12)
            && w0.url == "https://w.example/2"
            && w0.article.title.as_deref() == Some("w 2")
            && w0.rubric.is_none()
            && w0.story_id.is_none(),
        "seed fields: {w0:?}"
    );
    let newest = store.organise_window(at(1, 0), 2).await.map_err(e)?;
    ensure!(
        newest.iter().map(|s| s.id).collect::<Vec<_>>() == vec![a4, a5],
        "a limited window keeps the newest: {newest:?}"
    );
    ensure!(
        store
            .organise_window(at(1, 0), 0)
            .await
            .map_err(e)?
            .is_empty(),
        "a window of 0"
    );
    store
        .apply_organisation(&OrganiseBatch {
            stories: vec![story_update(a3, "Окно", 3, 3, 1)],
            articles: vec![
                placed(a1, None, None, Rubric::Science),
                placed(a3, Some(StoryId(a3.0)), None, Rubric::Science),
            ],
            merges: Vec::new(),
        })
        .await
        .map_err(e)?;
    let seeds = store.organise_window(at(3, 0), 1).await.map_err(e)?;
    let w = store.organise_window(at(3, 0), 10).await.map_err(e)?;
    ensure!(
        seeds.len() == 1
            && w.first().map(|s| (s.id, s.story_id, s.rubric))
                == Some((a3, Some(StoryId(a3.0)), Some(Rubric::Science))),
        "organised seed: {w:?}"
    );
    // Unorganised, by ascending id, paged.
    let p1 = store.unorganised(None, 2).await.map_err(e)?;
    let p1: Vec<ArticleId> = p1.iter().map(|s| s.id).collect();
    ensure!(p1 == vec![a2, a4], "first unorganised page: {p1:?}");
    let p2 = store.unorganised(Some(a4), 2).await.map_err(e)?;
    let p2: Vec<ArticleId> = p2.iter().map(|s| s.id).collect();
    ensure!(p2 == vec![a5, late], "second unorganised page: {p2:?}");
    ensure!(
        store
            .unorganised(Some(late), 2)
            .await
            .map_err(e)?
            .is_empty(),
        "unorganised after the last"
    );
    Ok(())
}

pub async fn organisation_failed_batch(store: &dyn Store) -> CheckResult {
    let ids = articles(store, "f", 2).await?;
    let [a1, a2] = ids.as_slice() else {
        return Err("two outcomes expected".into());
    };
    let (a1, a2) = (*a1, *a2);
    let s1 = StoryId(a1.0);
    store
        .apply_organisation(&OrganiseBatch {
            stories: vec![story_update(a1, "Было", 1, 1, 1)],
            articles: vec![placed(a1, Some(s1), None, Rubric::Society)],
            merges: Vec::new(),
        })
        .await
        .map_err(e)?;
    let seq = store.current_change_seq().await.map_err(e)?;
    let mut empty_title = story_update(a2, "  ", 2, 2, 1);
    empty_title.title = "  ".into();
    let bad_batches = [
        // A good story and placements first, an invalid story last.
        OrganiseBatch {
            stories: vec![story_update(a1, "Стало", 1, 2, 2), empty_title],
            articles: vec![placed(a2, Some(s1), None, Rubric::Economy)],
            merges: Vec::new(),
        },
        // Placements first applied, then a self-duplicate.
        OrganiseBatch {
            stories: vec![story_update(a1, "Стало", 1, 2, 2)],
            articles: vec![
                placed(a2, Some(s1), None, Rubric::Economy),
                placed(a1, Some(s1), Some(a1), Rubric::Economy),
            ],
            merges: Vec::new(),
        },
        // A story whose span runs backwards.
        OrganiseBatch {
            stories: vec![story_update(a1, "Стало", 2, 1, 2)],
            ..Default::default()
        },
    ];
    for (i, bad) in bad_batches.iter().enumerate() {
        ensure!(
            store.apply_organisation(bad).await.is_err(),
            "invalid batch {i} accepted"
        );
        let st = store.get_story(s1).await.map_err(e)?.ok_or("story")?;
        let a2s = store.get_article(a2).await.map_err(e)?.ok_or("article")?;
        let a1s = store.get_article(a1).await.map_err(e)?.ok_or("article")?;
        ensure!(
            st.title == "Было"
                && st.articles == vec![a1]
                && a2s.rubric.is_none()
                && a2s.story_id.is_none()
                && a1s.rubric == Some(Rubric::Society),
            "failed batch {i} wrote something: {st:?}"
        );
        ensure!(
            store.current_change_seq().await.map_err(e)? == seq,
            "failed batch {i} moved the change feed"
        );
        ensure!(
            store.get_story(StoryId(a2.0)).await.map_err(e)?.is_none(),
            "failed batch {i} created a story"
        );
    }
    Ok(())
}
