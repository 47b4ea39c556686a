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
            && st.sources == 1
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
