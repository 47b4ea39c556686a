//! Checks of view counts ("popular") and takedowns of articles and sources.

use std::time::Duration;

use super::{e, news_source, sample, CheckResult};
use crate::types::*;
use crate::Store;

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
