//! The shared crawl frontier: leases, expiry, done-once, re-crawl, host slots.

use std::collections::HashSet;
use std::time::Duration;

use super::{e, news_source, CheckResult};
use crate::types::*;
use crate::Store;

fn url(source: SourceId, host: &str, n: u32, kind: FrontierKind) -> NewFrontierUrl {
    NewFrontierUrl {
        source_id: source,
        url: format!("https://{host}/n/{n}"),
        host: format!("{host}:443"),
        kind,
        depth: 0,
    }
}

pub async fn frontier(store: &dyn Store) -> CheckResult {
    let src = store.add_source(&news_source("tengri")).await.map_err(e)?;
    let mut batch: Vec<NewFrontierUrl> = (0..6)
        .map(|n| url(src, "a.example", n, FrontierKind::Page))
        .collect();
    batch.extend((0..3).map(|n| url(src, "b.example", n, FrontierKind::Page)));
    batch.push(url(src, "b.example", 99, FrontierKind::List));
    ensure!(
        store.frontier_add(&batch).await.map_err(e)? == 10,
        "10 new URLs"
    );
    ensure!(
        store.frontier_add(&batch[..2]).await.map_err(e)? == 0,
        "known URLs were added again"
    );
    let bad = NewFrontierUrl {
        url: String::new(),
        ..url(src, "a.example", 0, FrontierKind::Page)
    };
    ensure!(
        store.frontier_add(&[bad]).await.is_err(),
        "an empty URL was accepted"
    );
    let depth = store.frontier_depth().await.map_err(e)?;
    ensure!(depth.ready == 10 && depth.leased == 0, "depth {depth:?}");

    // Two workers never share a URL; a batch takes both hosts, not the first one only.
    let hour = Duration::from_secs(3600);
    let first = store.frontier_lease("w1", 4, hour).await.map_err(e)?;
    ensure!(first.len() == 4, "leased {} of 4", first.len());
    let hosts: HashSet<&str> = first.iter().map(|l| l.host.as_str()).collect();
    ensure!(hosts.len() == 2, "one batch kept to hosts {hosts:?}");
    let second = store.frontier_lease("w2", 100, hour).await.map_err(e)?;
    ensure!(second.len() == 6, "second worker got {}", second.len());
    let ids: HashSet<FrontierId> = first.iter().chain(&second).map(|l| l.id).collect();
    ensure!(ids.len() == 10, "a URL was leased twice");
    ensure!(
        store
            .frontier_lease("w3", 100, hour)
            .await
            .map_err(e)?
            .is_empty(),
        "leased URLs were leased again"
    );
    let depth = store.frontier_depth().await.map_err(e)?;
    ensure!(depth.ready == 0 && depth.leased == 10, "depth {depth:?}");

    // Done once: only the lease holder can finish a URL, and a done page is never leased again.
    let a = first[0].id;
    ensure!(
        store.frontier_done("w2", &[(a, None)]).await.map_err(e)? == 0,
        "another worker finished w1's URL"
    );
    ensure!(
        store.frontier_done("w1", &[(a, None)]).await.map_err(e)? == 1,
        "done"
    );
    ensure!(
        store.frontier_done("w1", &[(a, None)]).await.map_err(e)? == 0,
        "finished twice"
    );
    // A list is due again after its delay (zero here: due at once).
    let list = second
        .iter()
        .chain(&first)
        .find(|l| l.kind == FrontierKind::List)
        .ok_or("the list entry was not leased")?;
    let list_owner = if second.iter().any(|l| l.id == list.id) {
        "w2"
    } else {
        "w1"
    };
    store
        .frontier_done(list_owner, &[(list.id, Some(Duration::ZERO))])
        .await
        .map_err(e)?;
    let again = store.frontier_lease("w3", 100, hour).await.map_err(e)?;
    ensure!(
        again.len() == 1 && again[0].id == list.id,
        "expected the re-crawl of the list only, got {again:?}"
    );

    // A dead worker's leases expire and are taken over; its late renewal then fails.
    let w2_ids: Vec<FrontierId> = second
        .iter()
        .map(|l| l.id)
        .filter(|i| *i != list.id)
        .collect();
    ensure!(
        store
            .frontier_renew("w2", &w2_ids, Duration::ZERO)
            .await
            .map_err(e)?
            == w2_ids.len() as u64,
        "renewing live leases"
    );
    let taken = store.frontier_lease("w4", 100, hour).await.map_err(e)?;
    let taken_ids: HashSet<FrontierId> = taken.iter().map(|l| l.id).collect();
    ensure!(
        w2_ids.iter().all(|i| taken_ids.contains(i)) && taken.len() == w2_ids.len(),
        "expired leases not taken over: {taken_ids:?} vs {w2_ids:?}"
    );
    ensure!(
        store.frontier_renew("w2", &w2_ids, hour).await.map_err(e)? == 0,
        "a worker renewed leases it lost"
    );
    ensure!(
        store
            .frontier_done("w2", &[(w2_ids[0], None)])
            .await
            .map_err(e)?
            == 0,
        "a worker finished a URL it lost"
    );

    // Host slots: back-to-back reservations are spaced by the delay, per host.
    let delay = Duration::from_secs(600);
    let s1 = store
        .frontier_host_slot("c.example:443", delay)
        .await
        .map_err(e)?;
    let s2 = store
        .frontier_host_slot("c.example:443", delay)
        .await
        .map_err(e)?;
    let s3 = store
        .frontier_host_slot("c.example:443", delay)
        .await
        .map_err(e)?;
    let other = store
        .frontier_host_slot("d.example:443", delay)
        .await
        .map_err(e)?;
    ensure!(s1 < Duration::from_secs(1), "first slot waits {s1:?}");
    ensure!(
        s2 > Duration::from_secs(590) && s2 <= delay,
        "second slot waits {s2:?}"
    );
    ensure!(
        s3 > Duration::from_secs(1190) && s3 <= 2 * delay,
        "third slot waits {s3:?}"
    );
    ensure!(
        other < Duration::from_secs(1),
        "another host waits {other:?}"
    );
    Ok(())
}
