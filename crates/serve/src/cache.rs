//! The page cache: rendered answers by URL (and reader zone), so a hot article page or
//! API list is served without touching the store or the index.
//!
//! Sharded LRU, bounded both in entries and in bytes. Eviction drops one entry at a time
//! under its shard's lock. (The first version cleared the whole map when it filled up:
//! under a stream of distinct searches that meant dropping 20,000 answers inside one write
//! lock every few seconds, which stalled every request and set the p99.)

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::StatusCode;

/// One rendered answer.
#[derive(Clone)]
pub struct Cached {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub body: axum::body::Bytes,
    pub etag: String,
    /// The data generation it was rendered from (see `App::invalidate`).
    pub(crate) generation: u64,
    pub(crate) at: Instant,
}

impl Cached {
    /// The heap bytes this entry holds in the cache: its key's and ETag's allocations, the
    /// body plus an eighth for the allocator's size classes (mimalloc rounds a request up to
    /// one of four classes per power of two: at most a quarter more, an eighth on average),
    /// and the LRU's node and hash slot. The body was made exactly its length by
    /// [`exact_body`]; a clone handed to a response shares it and adds nothing.
    fn weight(&self, key: &String) -> usize {
        key.capacity()
            + self.etag.capacity()
            + self.body.len()
            + self.body.len() / 8
            + ENTRY_OVERHEAD
    }
}

/// Per entry, besides its strings and body: the LRU node holding the key and the answer,
/// its two links and the hash table slot pointing at it (at the table's load factor).
const ENTRY_OVERHEAD: usize = std::mem::size_of::<(String, (Cached, usize))>() + 2 * 8 + 32;

/// A rendered body as the cache keeps it: in an allocation of exactly its length. A page
/// is built by pushing into a `String` that doubles as it grows, and `shrink_to_fit` does
/// not help with mimalloc, which keeps a block in place when the new size is at least half
/// of it: cached bodies held up to twice the bytes counted for them.
pub(crate) fn exact_body(body: String) -> axum::body::Bytes {
    if body.capacity() == body.len() {
        axum::body::Bytes::from(body)
    } else {
        axum::body::Bytes::copy_from_slice(body.as_bytes())
    }
}

const SHARDS: usize = 16;

struct Shard {
    /// Each answer with the weight it was counted at.
    lru: lru::LruCache<String, (Cached, usize)>,
    bytes: usize,
}

pub(crate) struct PageCache {
    shards: Vec<Mutex<Shard>>,
    max_bytes_per_shard: usize,
    ttl: Duration,
}

impl PageCache {
    /// A cache of at most `max_entries` answers and about `max_bytes` bytes, each served
    /// for at most `ttl`.
    pub(crate) fn new(max_entries: usize, max_bytes: usize, ttl: Duration) -> Self {
        let per_shard =
            NonZeroUsize::new(max_entries.div_ceil(SHARDS)).unwrap_or(NonZeroUsize::MIN);
        PageCache {
            shards: (0..SHARDS)
                .map(|_| {
                    Mutex::new(Shard {
                        lru: lru::LruCache::new(per_shard),
                        bytes: 0,
                    })
                })
                .collect(),
            max_bytes_per_shard: (max_bytes / SHARDS).max(1),
            ttl,
        }
    }

    fn shard(&self, key: &str) -> Option<&Mutex<Shard>> {
        use std::hash::{BuildHasher, BuildHasherDefault};
        let h = BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
            .hash_one(key);
        self.shards.get((h as usize) % SHARDS)
    }

    /// The answer for `key` if it was rendered from `generation` less than `ttl` ago.
    pub(crate) fn get(&self, key: &str, generation: u64) -> Option<Cached> {
        let mut shard = self.shard(key)?.lock().ok()?;
        let fresh = {
            let (c, _) = shard.lru.get(key)?;
            c.generation == generation && c.at.elapsed() < self.ttl
        };
        if fresh {
            return shard.lru.peek(key).map(|(c, _)| c.clone());
        }
        if let Some((_, weight)) = shard.lru.pop(key) {
            shard.bytes = shard.bytes.saturating_sub(weight);
        }
        None
    }

    pub(crate) fn put(&self, mut key: String, c: Cached) {
        let Some(mut shard) = self.shard(&key).and_then(|s| s.lock().ok()) else {
            return;
        };
        key.shrink_to_fit();
        let weight = c.weight(&key);
        if weight > self.max_bytes_per_shard {
            return;
        }
        if let Some((_, old)) = shard.lru.pop(&key) {
            shard.bytes = shard.bytes.saturating_sub(old);
        }
        // The entry's weight is kept with it: what was added is what eviction takes off.
        if let Some((_, (_, evicted))) = shard.lru.push(key, (c, weight)) {
            shard.bytes = shard.bytes.saturating_sub(evicted);
        }
        shard.bytes += weight;
        while shard.bytes > self.max_bytes_per_shard {
            match shard.lru.pop_lru() {
                Some((_, (_, evicted))) => shard.bytes = shard.bytes.saturating_sub(evicted),
                None => {
                    shard.bytes = 0;
                    break;
                }
            }
        }
    }

    /// Entries and bytes held (for `/metrics`).
    pub(crate) fn usage(&self) -> (usize, usize) {
        self.shards
            .iter()
            .filter_map(|s| s.lock().ok().map(|s| (s.lru.len(), s.bytes)))
            .fold((0, 0), |(n, b), (sn, sb)| (n + sn, b + sb))
    }
}

/// Recently read articles, already cut down by [`crate::bound::article`], by id: the pages
/// of a long body and its API windows are separate cache keys, and without this each one
/// re-read and re-parsed the whole article from the store (tens of MB for the largest).
/// Bounded in bytes (estimated); an article over the whole budget is not kept.
pub(crate) struct ArticleCache {
    inner: Mutex<ArticleLru>,
    max_bytes: usize,
}

struct ArticleLru {
    lru: lru::LruCache<i64, (u64, std::sync::Arc<khronika_store::StoredArticle>, usize)>,
    bytes: usize,
}

impl ArticleCache {
    pub(crate) fn new(max_bytes: usize) -> Self {
        ArticleCache {
            inner: Mutex::new(ArticleLru {
                lru: lru::LruCache::unbounded(),
                bytes: 0,
            }),
            max_bytes,
        }
    }

    /// The article read at data `generation`, if kept.
    pub(crate) fn get(
        &self,
        id: i64,
        generation: u64,
    ) -> Option<std::sync::Arc<khronika_store::StoredArticle>> {
        let mut c = self.inner.lock().ok()?;
        match c.lru.get(&id) {
            Some((g, a, _)) if *g == generation => Some(a.clone()),
            Some(_) => {
                if let Some((_, _, w)) = c.lru.pop(&id) {
                    c.bytes = c.bytes.saturating_sub(w);
                }
                None
            }
            None => None,
        }
    }

    pub(crate) fn put(
        &self,
        generation: u64,
        a: std::sync::Arc<khronika_store::StoredArticle>,
        weight: usize,
    ) {
        if weight > self.max_bytes {
            return;
        }
        let Ok(mut c) = self.inner.lock() else { return };
        if let Some((_, _, w)) = c.lru.put(a.id.0, (generation, a, weight)) {
            c.bytes = c.bytes.saturating_sub(w);
        }
        c.bytes += weight;
        while c.bytes > self.max_bytes {
            match c.lru.pop_lru() {
                Some((_, (_, _, w))) => c.bytes = c.bytes.saturating_sub(w),
                None => {
                    c.bytes = 0;
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(body: &str, generation: u64) -> Cached {
        Cached {
            status: StatusCode::OK,
            content_type: "text/plain",
            body: axum::body::Bytes::from(body.to_string()),
            etag: "\"e\"".into(),
            generation,
            at: Instant::now(),
        }
    }

    #[test]
    fn serves_fresh_entries_of_the_current_generation() {
        let c = PageCache::new(100, 1 << 20, Duration::from_secs(30));
        c.put("/a".into(), answer("А", 1));
        assert_eq!(c.get("/a", 1).map(|x| x.body), Some("А".into()));
        // Data changed since: stale, and dropped.
        assert!(c.get("/a", 2).is_none());
        assert!(c.get("/a", 1).is_none());
        let c = PageCache::new(100, 1 << 20, Duration::ZERO);
        c.put("/b".into(), answer("Б", 1));
        assert!(c.get("/b", 1).is_none(), "past its TTL");
    }

    #[test]
    fn bounded_in_entries_evicting_the_least_recently_used() {
        let c = PageCache::new(SHARDS * 4, 1 << 30, Duration::from_secs(30));
        for i in 0..10_000 {
            c.put(format!("/page/{i}"), answer("x", 1));
            // Keep one page hot: it must survive the flood.
            assert!(c.get("/page/0", 1).is_some(), "hot page evicted at {i}");
        }
        let (entries, _) = c.usage();
        assert!(entries <= SHARDS * 4, "{entries}");
        assert!(c.get("/page/9999", 1).is_some());
        assert!(c.get("/page/5000", 1).is_none());
    }

    #[test]
    fn articles_are_kept_within_their_byte_budget_and_generation() {
        let art = |id: i64| {
            std::sync::Arc::new(khronika_store::StoredArticle {
                id: khronika_store::ArticleId(id),
                source_id: None,
                url: String::new(),
                version: 1,
                content_hash: String::new(),
                first_seen: chrono::DateTime::UNIX_EPOCH,
                updated_at: chrono::DateTime::UNIX_EPOCH,
                hidden: false,
                display: khronika_store::DisplayPolicy::FullText,
                article: Default::default(),
                analysis: None,
                change_seq: 0,
                story_id: None,
                duplicate_of: None,
                rubric: None,
            })
        };
        let c = ArticleCache::new(1_000);
        c.put(1, art(1), 400);
        c.put(1, art(2), 400);
        assert!(c.get(1, 1).is_some() && c.get(2, 1).is_some());
        // Over the budget: the least recently used goes.
        c.put(1, art(3), 400);
        assert!(c.get(1, 1).is_none());
        assert!(c.get(3, 1).is_some());
        // Larger than the whole budget: not kept.
        c.put(1, art(4), 2_000);
        assert!(c.get(4, 1).is_none());
        // Data changed since it was read: not served.
        assert!(c.get(3, 2).is_none());
        assert!(c.get(3, 1).is_none(), "a stale entry is dropped");
    }

    #[test]
    fn counted_bytes_cover_every_entry_and_eviction_keeps_them_in_budget() {
        // Bodies built the way a render builds them: pushed into a growing string, which
        // ends with spare capacity.
        let rendered = |i: usize| {
            let mut s = String::new();
            while s.len() < 3_000 + i % 5_000 {
                s.push_str("<p>Текст абзаца</p>");
            }
            s
        };
        let spare = rendered(7);
        assert!(
            spare.capacity() > spare.len(),
            "the fixture must have spare capacity"
        );
        // The cached body is an allocation of exactly its length.
        let exact = exact_body(spare.clone())
            .try_into_mut()
            .map(|b| b.capacity())
            .ok();
        assert_eq!(exact, Some(spare.len()));

        let budget = 2 << 20;
        let c = PageCache::new(1_000_000, budget, Duration::from_secs(30));
        let (mut held, mut inserted) = (0, 0);
        for i in 0..2_000 {
            let key = format!("/article/1?page={i}&tz=Europe/Moscow");
            let body = exact_body(rendered(i));
            let etag = etag_of_test(i);
            // What the entry really holds: key, ETag, body and the node with the answer.
            held += key.len() + etag.len() + body.len() + std::mem::size_of::<(String, Cached)>();
            c.put(
                key,
                Cached {
                    status: StatusCode::OK,
                    content_type: "text/html",
                    body,
                    etag,
                    generation: 1,
                    at: Instant::now(),
                },
            );
            inserted += 1;
            let (entries, bytes) = c.usage();
            if entries == inserted {
                // Nothing evicted yet: every entry is counted for at least what it holds.
                assert!(bytes >= held, "counted {bytes} < held {held} at {i}");
            }
            assert!(bytes <= budget, "{bytes} over the budget {budget} at {i}");
        }
        let (entries, _) = c.usage();
        assert!(entries < inserted, "the budget never evicted ({entries})");
    }

    fn etag_of_test(i: usize) -> String {
        format!("W/\"{i:016x}\"")
    }

    #[test]
    fn bounded_in_bytes() {
        let body = "я".repeat(5000); // 10 kB
        let c = PageCache::new(1_000_000, 64 * 10_300, Duration::from_secs(30));
        for i in 0..1000 {
            c.put(format!("/p/{i}"), answer(&body, 1));
        }
        let (entries, bytes) = c.usage();
        assert!(bytes <= 64 * 10_300, "{bytes}");
        assert!(entries >= 16, "{entries}");
        // Larger than a whole shard: not cached at all.
        let huge = "я".repeat(100_000);
        c.put("/huge".into(), answer(&huge, 1));
        assert!(c.get("/huge", 1).is_none());
    }
}
