//! Mutation fuzzing on the fixture pages: cut, spliced, bit-flipped, tag-flooded and
//! mis-encoded variants must each give an article or a clear error, never a panic.
//!
//! Deterministic (seeded); `KHRONIKA_FUZZ_CASES=N` runs a longer campaign than the CI
//! default, e.g. `KHRONIKA_FUZZ_CASES=20000 cargo test --release -p khronika-extract
//! --test mutation_test`.

use std::path::PathBuf;

use khronika_extract::{extract, ExtractOptions};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: small, deterministic, good enough to pick mutations.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const SNIPPETS: &[&[u8]] = &[
    b"<div>",
    b"</div>",
    b"<p>",
    b"<table><tr><td>",
    b"<script>",
    b"<style>",
    b"<!--",
    b"]]>",
    b"<![CDATA[",
    b"<meta charset=\"koi8-r\">",
    b"<meta charset=\"utf-16\">",
    b"<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"author\":[[[[",
    b"&#xFFFFFFFF;",
    b"&amp;&lt;&#0;",
    b"\xFF\xFE",
    b"\xEF\xBB\xBF",
    b"\xD0",
    b"\x00",
    b"<h1>",
    b"2 \xD0\xB0\xD0\xBF\xD1\x80\xD0\xB5\xD0\xBB\xD1\x8F 2025 \xD0\xB2 21:32",
    b"<time datetime=\"99999-99-99T99:99\">",
    b"<a href=\"javascript:alert(1)\">",
    b"<svg><foreignObject><math>",
];

fn mutate(rng: &mut Rng, page: &[u8]) -> Vec<u8> {
    let start = rng.below(page.len());
    let len = 1 + rng.below(64 * 1024);
    let mut v = page[start..(start + len).min(page.len())].to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(v.len() + 1);
        match rng.below(6) {
            0 => {
                if let Some(b) = v.get_mut(at) {
                    *b ^= 1 << rng.below(8);
                }
            }
            1 => {
                let s = SNIPPETS[rng.below(SNIPPETS.len())];
                let most = if rng.below(10) == 0 { 5000 } else { 3 };
                let times = 1 + rng.below(most);
                let flood: Vec<u8> = s.repeat(times);
                v.splice(at..at, flood);
            }
            2 => {
                let end = (at + rng.below(4096)).min(v.len());
                v.drain(at..end);
            }
            3 => {
                let end = (at + rng.below(4096)).min(v.len());
                let copy = v[at..end].to_vec();
                v.splice(at..at, copy);
            }
            4 => v.truncate(at),
            _ => {
                let other = rng.below(v.len() + 1);
                let end = (other + rng.below(2048)).min(v.len());
                let copy = v[other.min(end)..end].to_vec();
                let at = at.min(v.len());
                v.splice(at..at, copy);
            }
        }
    }
    v
}

#[test]
fn mutated_pages_never_panic() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut pages: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .filter_map(|p| std::fs::read(p).ok())
        .collect();
    pages.sort();
    assert!(pages.len() >= 5, "fixture pages missing");
    let cases: usize = std::env::var("KHRONIKA_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let mut rng = Rng(0x6b68_726f_6e69_6b61);
    let (mut ok, mut refused) = (0, 0);
    for case in 0..cases {
        let page = &pages[case % pages.len()];
        let input = mutate(&mut rng, page);
        let opts = ExtractOptions {
            url: (case % 3 == 0).then(|| "https://example.kz/news/1".parse().expect("url")),
            ..Default::default()
        };
        match extract(&input, &opts) {
            Ok(a) => {
                // What we return must serialise (no invalid strings, no NaN).
                serde_json::to_string(&a).unwrap_or_else(|e| panic!("case {case}: {e}"));
                ok += 1;
            }
            Err(e) => {
                assert!(!e.to_string().is_empty(), "case {case}: empty error");
                refused += 1;
            }
        }
    }
    assert_eq!(ok + refused, cases);
    assert!(
        ok > cases / 2,
        "most mutated pages still give an article: {ok}/{cases}"
    );
}
