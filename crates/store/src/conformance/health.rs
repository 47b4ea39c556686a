//! Checks of source health: extraction records compared by window, failures by kind,
//! articles per day and the last fetch.

use chrono::TimeDelta;

use super::{at, e, news_source, sample, CheckResult};
use crate::types::*;
use crate::Store;

fn extraction(source: SourceId, i: u32, has_date: bool) -> NewExtraction {
    NewExtraction {
        source_id: source,
        url: format!("https://lenta.example/{i}"),
        at: at(1 + i / 24, i % 24),
        has_title: true,
        has_body: i.is_multiple_of(2),
        has_date,
    }
}

pub async fn source_health(store: &dyn Store) -> CheckResult {
    let lenta = store.add_source(&news_source("lenta")).await.map_err(e)?;
    let quiet = store.add_source(&news_source("quiet")).await.map_err(e)?;
    // 30 pages with dates, then 10 without: the newest 10 must be told from the 30 before.
    let xs: Vec<NewExtraction> = (0..40).map(|i| extraction(lenta, i, i < 30)).collect();
    let failures = vec![
        NewFailure {
            source_id: Some(lenta),
            url: "https://lenta.example/gone".into(),
            at: at(5, 9),
            kind: "http".into(),
            detail: "HTTP 404".into(),
        },
        NewFailure {
            source_id: Some(lenta),
            url: "https://lenta.example/slow".into(),
            at: at(5, 10),
            kind: "timeout".into(),
            detail: "no answer in 30 s".into(),
        },
        NewFailure {
            source_id: Some(lenta),
            url: "https://lenta.example/gone2".into(),
            at: at(5, 8),
            kind: "http".into(),
            detail: "HTTP 410".into(),
        },
    ];
    store.record_health(&xs, &failures).await.map_err(e)?;
    let mut a = sample("https://lenta.example/a", "А", "Текст а.", 4, &[]);
    a.source_id = Some(lenta);
    let mut b = sample("https://lenta.example/b", "Б", "Текст б.", 5, &[]);
    b.source_id = Some(lenta);
    store.put_articles(&[a, b]).await.map_err(e)?;

    let window = HealthWindow {
        recent: 10,
        earlier: 100,
    };
    let now = at(5, 12) + TimeDelta::minutes(30);
    let all = store.source_health(now, window).await.map_err(e)?;
    ensure!(all.len() == 2, "expected 2 sources, got {}", all.len());
    let h = all
        .iter()
        .find(|h| h.source_id == lenta)
        .ok_or("no health for lenta")?;
    ensure!(
        h.recent.pages == 10 && h.recent.with_date == 0,
        "recent window wrong: {:?}",
        h.recent
    );
    ensure!(
        h.earlier.pages == 30 && h.earlier.with_date == 30 && h.earlier.with_title == 30,
        "earlier window wrong: {:?}",
        h.earlier
    );
    ensure!(
        h.recent.with_body == 5,
        "bodies counted wrong: {:?}",
        h.recent
    );
    ensure!(
        h.errors_by_kind == vec![("http".to_string(), 2), ("timeout".to_string(), 1)],
        "errors by kind: {:?}",
        h.errors_by_kind
    );
    ensure!(h.articles == 2, "articles: {}", h.articles);
    // `sample` articles are first seen at noon of their day: day 5 is today, day 4 yesterday.
    ensure!(
        h.articles_per_day == [0, 0, 0, 0, 0, 1, 1],
        "articles per day: {:?}",
        h.articles_per_day
    );
    let last = h.last_fetch.as_ref().ok_or("no last fetch")?;
    ensure!(
        last.url == "https://lenta.example/slow" && last.failure.is_some(),
        "last fetch: {last:?}"
    );
    let q = all
        .iter()
        .find(|h| h.source_id == quiet)
        .ok_or("no health for quiet")?;
    ensure!(
        q.last_fetch.is_none() && q.recent.pages == 0 && q.errors_by_kind.is_empty(),
        "a source never fetched has health: {q:?}"
    );

    // A later successful response becomes the last fetch.
    store
        .record_fetches(&[NewFetch {
            source_id: Some(lenta),
            url: "https://lenta.example/rss".into(),
            final_url: "https://lenta.example/rss".into(),
            status: 200,
            content_type: None,
            etag: None,
            last_modified: None,
            fetched_at: at(5, 11),
            body: Vec::new(),
            keep_body: false,
            precompressed: None,
        }])
        .await
        .map_err(e)?;
    let all = store.source_health(now, window).await.map_err(e)?;
    let h = all
        .iter()
        .find(|h| h.source_id == lenta)
        .ok_or("no health for lenta")?;
    let last = h.last_fetch.as_ref().ok_or("no last fetch")?;
    ensure!(
        last.status == Some(200) && last.failure.is_none(),
        "a newer response is not the last fetch: {last:?}"
    );

    // Removing the source removes its records.
    store.remove_source(lenta).await.map_err(e)?;
    let all = store.source_health(now, window).await.map_err(e)?;
    ensure!(all.len() == 1, "a removed source still has health");
    Ok(())
}
