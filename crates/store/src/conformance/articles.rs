//! Checks of articles: versions and deduplication on put, listing with filters and
//! cursors, and the change feed.

use super::{at, e, news_source, sample, CheckResult};
use crate::types::*;
use crate::Store;

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
