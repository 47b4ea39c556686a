//! Checks of the source registry and of fetches and page state: adding, updating and
//! removing sources; recording fetches, conditional-request state and stored raw pages.

use super::{at, e, news_source, sample, CheckResult};
use crate::types::*;
use crate::Store;

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
