//! Checks of the rest of the organisation: near-duplicates and rubrics with their
//! filters and change feed, hidden articles, clearing and rebuilding, the organiser's
//! seeds, and batches that must fail whole.

use khronika_model::Rubric;

use super::{
    articles, at, changes_of, e, listed, news_source, page, placed, sample, story_update,
    CheckResult,
};
use crate::types::*;
use crate::Store;

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
