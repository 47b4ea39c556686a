//! The mutators: byte-level damage (bit flips, interesting bytes, cuts, duplicated and
//! deleted ranges), structure-level damage (a dictionary token inserted or flooded, a range
//! wrapped in deep nesting, huge numbers) and cross-over (a splice of two corpus inputs).
//!
//! Every mutator is deterministic in the [`Rng`], so a seed replays a campaign exactly.

/// xorshift64*: tiny, deterministic and good enough to choose mutations; fuzzing needs
/// variety, not cryptographic quality.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        // A zero state would stay zero forever.
        Rng(seed ^ 0x6b68_726f_6e69_6b61 | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform-ish in `0..n`; 0 when `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True once in `n` draws.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// A length skewed towards small values: most damage is local, some is wide.
    pub fn small_len(&mut self, most: usize) -> usize {
        let cap = match self.below(4) {
            0 => most,
            1 => most / 16,
            _ => 16,
        };
        1 + self.below(cap.max(1))
    }
}

/// What a target gives the mutators beyond bytes: tokens of its format and the open/close
/// pairs that nest.
#[derive(Debug, Clone, Copy)]
pub struct Dictionary {
    pub tokens: &'static [&'static [u8]],
    pub nesting: &'static [(&'static [u8], &'static [u8])],
}

/// Tokens every format meets: encodings edges, Cyrillic in UTF-8 (and cut mid-character),
/// numbers at the edges of every integer type and of dates.
pub const COMMON_TOKENS: &[&[u8]] = &[
    b"\x00",
    b"\xFF\xFE",
    b"\xEF\xBB\xBF",
    b"\xD0",
    b"\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", // «привет»
    "Ёё ЪЬ ӘҒҚҢӨҰҮҺІ ЎҚҒҲ ЇЄҐ".as_bytes(),
    "\u{202E}\u{200B}\u{FEFF}\u{0301}".as_bytes(),
    b"\r\n",
    b"\r",
    b"\t",
    b"99999999999999999999999999",
    b"-9223372036854775809",
    b"18446744073709551616",
    b"4294967296",
    b"-1",
    b"0",
    b"1e308",
    b"NaN",
    b"9999-12-31T23:59:59Z",
    b"0000-00-00",
    b"-0001-01-01T00:00:00+99:99",
    b"+275760-09-13T00:00:00Z",
];

/// Interesting single bytes: ASCII structure, UTF-8 lead and continuation bytes.
const BYTES: &[u8] =
    b"\x00\x0a\x0d\x20\x22\x26\x27\x3b\x3c\x3e\x5c\x7f\x80\xbf\xc0\xd0\xd1\xe2\xf0\xff";

/// Largest input a mutation may produce: inputs stay under the hang detector's 1 MiB bound.
pub const MAX_INPUT: usize = 1024 * 1024;

/// One mutated input from `corpus` (never empty). `seed` picks the base input.
pub fn mutate(rng: &mut Rng, corpus: &[Vec<u8>], dict: &Dictionary) -> Vec<u8> {
    let base = &corpus[rng.below(corpus.len())];
    // A window of a large page (as a truncated download gives) or the whole input.
    let mut v = if base.len() > 4096 && rng.one_in(3) {
        let start = rng.below(base.len());
        let len = rng.small_len(64 * 1024);
        base[start..(start + len).min(base.len())].to_vec()
    } else {
        base.clone()
    };
    for _ in 0..1 + rng.below(8) {
        apply_one(rng, &mut v, corpus, dict);
        if v.len() > MAX_INPUT {
            v.truncate(MAX_INPUT);
        }
    }
    v
}

fn apply_one(rng: &mut Rng, v: &mut Vec<u8>, corpus: &[Vec<u8>], dict: &Dictionary) {
    let at = rng.below(v.len() + 1);
    match rng.below(12) {
        0 => {
            if let Some(b) = v.get_mut(at) {
                *b ^= 1 << rng.below(8);
            }
        }
        1 => {
            if let Some(b) = v.get_mut(at) {
                *b = BYTES[rng.below(BYTES.len())];
            }
        }
        2 | 3 => {
            let token = pick_token(rng, dict);
            // Mostly a token or three; sometimes a flood (tag soup, entity floods).
            let times = if rng.one_in(10) {
                1 + rng.below(5000)
            } else {
                1 + rng.below(3)
            };
            v.splice(at..at, token.repeat(times));
        }
        4 => {
            let end = (at + rng.small_len(4096)).min(v.len());
            v.drain(at..end);
        }
        5 => {
            let end = (at + rng.small_len(4096)).min(v.len());
            let copy = v[at..end].to_vec();
            let times = if rng.one_in(8) { 1 + rng.below(64) } else { 1 };
            v.splice(at..at, copy.repeat(times));
        }
        6 => v.truncate(at),
        7 => {
            // Move a range elsewhere in the same input.
            let from = rng.below(v.len() + 1);
            let end = (from + rng.small_len(2048)).min(v.len());
            let copy = v[from..end].to_vec();
            v.splice(at..at, copy);
        }
        8 => splice_other(rng, v, at, corpus),
        9 => nest(rng, v, at, dict),
        10 => replace_number(rng, v, at),
        _ => {
            // Overwrite a run with one repeated byte (a zeroed or garbled sector).
            let end = (at + rng.small_len(256)).min(v.len());
            let b = BYTES[rng.below(BYTES.len())];
            v[at..end].fill(b);
        }
    }
}

fn pick_token(rng: &mut Rng, dict: &Dictionary) -> &'static [u8] {
    if dict.tokens.is_empty() || rng.one_in(4) {
        COMMON_TOKENS[rng.below(COMMON_TOKENS.len())]
    } else {
        dict.tokens[rng.below(dict.tokens.len())]
    }
}

/// Cross-over: a piece of another corpus input (its head, its tail or a middle range)
/// replaces everything from `at` on, or is inserted.
fn splice_other(rng: &mut Rng, v: &mut Vec<u8>, at: usize, corpus: &[Vec<u8>]) {
    let other = &corpus[rng.below(corpus.len())];
    let from = rng.below(other.len() + 1);
    let end = (from + rng.small_len(16 * 1024)).min(other.len());
    let piece = &other[from..end];
    if rng.one_in(2) {
        v.truncate(at);
        v.extend_from_slice(piece);
    } else {
        v.splice(at..at, piece.iter().copied());
    }
}

/// Wrap the tail from `at` (or nothing) in many levels of one nesting pair: the depth
/// limits of every tree builder and recursive parser.
fn nest(rng: &mut Rng, v: &mut Vec<u8>, at: usize, dict: &Dictionary) {
    if dict.nesting.is_empty() {
        return;
    }
    let (open, close) = dict.nesting[rng.below(dict.nesting.len())];
    let depth = match rng.below(3) {
        0 => 1 + rng.below(32),
        1 => 200 + rng.below(400),
        _ => 1 + rng.below(20_000),
    };
    let end = (at + rng.small_len(4096)).min(v.len());
    let inner = v[at..end].to_vec();
    let mut wrapped = open.repeat(depth);
    wrapped.extend_from_slice(&inner);
    // Sometimes left unclosed, as truncated and hostile inputs are.
    if rng.one_in(2) {
        wrapped.extend(close.repeat(depth));
    }
    v.splice(at..end, wrapped);
}

/// Replace the run of ASCII digits at or after `at` with a huge, negative or zero number.
fn replace_number(rng: &mut Rng, v: &mut Vec<u8>, at: usize) {
    let Some(start) = v[at.min(v.len())..]
        .iter()
        .position(u8::is_ascii_digit)
        .map(|p| p + at)
    else {
        return;
    };
    let end = v[start..]
        .iter()
        .position(|b| !b.is_ascii_digit())
        .map_or(v.len(), |p| p + start);
    let replacement: Vec<u8> = match rng.below(5) {
        0 => b"0".to_vec(),
        1 => b"-1".to_vec(),
        2 => u64::MAX.to_string().into_bytes(),
        3 => "9".repeat(1 + rng.below(400)).into_bytes(),
        _ => (rng.next_u64() >> rng.below(64)).to_string().into_bytes(),
    };
    v.splice(start..end, replacement);
}

#[cfg(test)]
mod tests {
    use super::*;

    const DICT: Dictionary = Dictionary {
        tokens: &[b"<p>"],
        nesting: &[(b"<div>", b"</div>")],
    };

    #[test]
    fn same_seed_same_inputs_and_inputs_vary() {
        let corpus = vec![
            "<p>2 апреля 2025 в 21:32</p>".repeat(3).into_bytes(),
            b"abc 123".to_vec(),
        ];
        let run = |seed| {
            let mut rng = Rng::new(seed);
            (0..200)
                .map(|_| mutate(&mut rng, &corpus, &DICT))
                .collect::<Vec<_>>()
        };
        let a = run(7);
        assert_eq!(a, run(7));
        assert_ne!(a, run(8));
        let distinct: std::collections::HashSet<_> = a.iter().collect();
        assert!(
            distinct.len() > 150,
            "only {} distinct inputs",
            distinct.len()
        );
        assert!(a.iter().all(|v| v.len() <= MAX_INPUT));
    }

    #[test]
    fn numbers_are_replaced_whole() {
        let mut v = b"id=12345;".to_vec();
        let mut rng = Rng::new(1);
        replace_number(&mut rng, &mut v, 0);
        let s = String::from_utf8_lossy(&v);
        assert!(s.starts_with("id=") && s.ends_with(';'), "{s}");
        assert!(!s.contains("12345"), "{s}");
    }
}
