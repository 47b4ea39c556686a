//! Checks of stories: placing articles, reading and listing live stories, and merges
//! with their redirects.

use khronika_model::Rubric;

use super::{articles, at, changes_of, e, page, placed, story_update, CheckResult};
use crate::types::*;
use crate::Store;

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
