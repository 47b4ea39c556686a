//! Stem tables: parsed once from the word lists, looked up per word with at most two
//! hash probes (the exact word, then the bucket of stems sharing its first four letters).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Evidence slots: the eight rubrics in [`khronika_model::Rubric::ALL`] order, then the
/// «this reports an event» cue.
pub const SLOTS: usize = 9;
/// Slot of the news cue.
pub const CUE: usize = 8;

pub type Weights = [f32; SLOTS];

/// Stems shorter than this many letters only match as whole words.
const PREFIX_KEY_CHARS: usize = 4;

/// FNV-1a: the keys are a few bytes long and not attacker-chosen in any way that matters
/// (a table built at start-up from constants), so a fast non-keyed hash is right.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

#[derive(Default)]
pub struct Table {
    exact: FnvMap<Box<str>, Weights>,
    /// First four letters → stems beginning with them, longest first.
    prefix: FnvMap<Box<str>, Vec<(Box<str>, Weights)>>,
}

/// Lower-case and write `ё` as `е`, as the tokenizer does for words.
pub fn normalise(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

/// The byte length of the first `n` chars of `s` (all of it when shorter).
fn prefix_len(s: &str, n: usize) -> Option<usize> {
    match s.char_indices().nth(n) {
        Some((i, _)) => Some(i),
        None if s.chars().count() == n => Some(s.len()),
        None => None,
    }
}

impl Table {
    /// Build from `(slot, list)` pairs in the word-list format of [`super::lexicon`].
    pub fn build(lists: &[(usize, &str)]) -> Table {
        let mut exact: FnvMap<Box<str>, Weights> = FnvMap::default();
        let mut prefix: FnvMap<String, Weights> = FnvMap::default();
        for &(slot, list) in lists {
            for line in list.lines() {
                let line = line.trim();
                if line.starts_with('#') {
                    continue;
                }
                for item in line.split_whitespace() {
                    let (stem, w) = match item.rsplit_once(':') {
                        Some((s, w)) => (s, w.parse::<f32>().unwrap_or(1.0)),
                        None => (item, 1.0),
                    };
                    let (is_exact, stem) = match stem.strip_prefix('=') {
                        Some(s) => (true, s),
                        None => (false, stem),
                    };
                    let stem = normalise(stem);
                    if stem.is_empty() || !w.is_finite() {
                        continue;
                    }
                    let short = stem.chars().count() < PREFIX_KEY_CHARS;
                    let slotw = if is_exact || short {
                        exact.entry(stem.into_boxed_str()).or_insert([0.0; SLOTS])
                    } else {
                        prefix.entry(stem).or_insert([0.0; SLOTS])
                    };
                    slotw[slot] = slotw[slot].max(w);
                }
            }
        }
        let mut buckets: FnvMap<Box<str>, Vec<(Box<str>, Weights)>> = FnvMap::default();
        for (stem, w) in prefix {
            let Some(k) = prefix_len(&stem, PREFIX_KEY_CHARS) else {
                continue;
            };
            buckets
                .entry(stem[..k].into())
                .or_default()
                .push((stem.into_boxed_str(), w));
        }
        for v in buckets.values_mut() {
            v.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        }
        Table {
            exact,
            prefix: buckets,
        }
    }

    /// The weights of the most specific entry matching `word` (already normalised).
    pub fn lookup(&self, word: &str) -> Option<&Weights> {
        if let Some(w) = self.exact.get(word) {
            return Some(w);
        }
        let k = prefix_len(word, PREFIX_KEY_CHARS)?;
        self.prefix
            .get(&word[..k])?
            .iter()
            .find(|(stem, _)| word.starts_with(&**stem))
            .map(|(_, w)| w)
    }

    /// Like [`Table::lookup`]; a hyphenated word with no entry of its own is looked up by
    /// its parts («экс-министр» → «министр»), each part's weights summed into `acc`.
    /// Returns whether anything matched.
    pub fn add_word(&self, word: &str, scale: f32, acc: &mut Weights) -> bool {
        if let Some(w) = self.lookup(word) {
            add(acc, w, scale);
            return true;
        }
        let mut hit = false;
        if word.contains('-') {
            for part in word.split('-') {
                if let Some(w) = self.lookup(part) {
                    add(acc, w, scale);
                    hit = true;
                }
            }
        }
        hit
    }
}

pub fn add(acc: &mut Weights, w: &Weights, scale: f32) {
    for (a, b) in acc.iter_mut().zip(w) {
        *a += b * scale;
    }
}

/// Longest word the tokenizer keeps, in bytes; longer runs are not words (hashes, ids).
pub const MAX_WORD_BYTES: usize = 64;

/// Call `f` with each word of `text`, lower-cased, `ё` → `е`: runs of letters and digits,
/// joined by single inner hyphens («шоу-бизнес», «covid-19»). Stress marks and soft
/// hyphens inside words are dropped. No allocation: words are built in a stack buffer.
pub fn words(text: &str, mut f: impl FnMut(&str)) {
    let mut buf = [0u8; MAX_WORD_BYTES];
    let mut len = 0usize;
    let mut too_long = false;
    let mut hyphen = false;
    let mut flush = |buf: &[u8], len: &mut usize, too_long: &mut bool| {
        if *len > 0 && !*too_long {
            if let Ok(w) = std::str::from_utf8(&buf[..*len]) {
                f(w);
            }
        }
        *len = 0;
        *too_long = false;
    };
    for c in text.chars() {
        // Fast path for the letters of Russian and English text: the Unicode tables
        // behind `is_alphanumeric` and `to_lowercase` are most of the cost otherwise.
        let fast = match c {
            'a'..='z' | '0'..='9' | 'а'..='я' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            'А'..='Я' => char::from_u32(c as u32 + 0x20),
            'ё' | 'Ё' => Some('е'),
            _ => None,
        };
        if fast.is_some() || (!c.is_ascii() && c.is_alphanumeric()) {
            if hyphen {
                hyphen = false;
                if len < MAX_WORD_BYTES {
                    buf[len] = b'-';
                    len += 1;
                } else {
                    too_long = true;
                }
            }
            if let Some(lc) = fast {
                let n = lc.len_utf8();
                if len + n <= MAX_WORD_BYTES {
                    lc.encode_utf8(&mut buf[len..len + n]);
                    len += n;
                } else {
                    too_long = true;
                }
                continue;
            }
            for lc in c.to_lowercase() {
                let lc = if lc == 'ё' { 'е' } else { lc };
                let n = lc.len_utf8();
                if len + n <= MAX_WORD_BYTES {
                    lc.encode_utf8(&mut buf[len..len + n]);
                    len += n;
                } else {
                    too_long = true;
                }
            }
        } else if c == '\u{301}' || c == '\u{300}' || c == '\u{ad}' {
            continue;
        } else if (c == '-' || c == '\u{2010}') && len > 0 && !hyphen {
            hyphen = true;
        } else {
            hyphen = false;
            flush(&buf, &mut len, &mut too_long);
        }
    }
    flush(&buf, &mut len, &mut too_long);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_lowercase_yo_hyphens_and_long_runs() {
        let mut out = Vec::new();
        words(
            "Шоу-бизнес: Ёлка — «COVID-19» ма\u{301}ма- x ",
            |w| out.push(w.to_string()),
        );
        assert_eq!(out, vec!["шоу-бизнес", "елка", "covid-19", "мама", "x"]);
        let long = "а".repeat(100);
        let mut n = 0;
        words(&format!("{long} да"), |_| n += 1);
        assert_eq!(n, 1);
    }

    #[test]
    fn lookup_prefers_exact_then_longest_prefix() {
        let t = Table::build(&[(0, "министр премьер-министр:2"), (1, "=газ экономик")]);
        assert_eq!(t.lookup("министра").map(|w| w[0]), Some(1.0));
        assert_eq!(t.lookup("премьер-министра").map(|w| w[0]), Some(2.0));
        assert_eq!(t.lookup("газ").map(|w| w[1]), Some(1.0));
        assert!(t.lookup("газета").is_none());
        assert!(t.lookup("эко").is_none());
        let mut acc = [0.0; SLOTS];
        assert!(t.add_word("экс-министр", 1.0, &mut acc));
        assert_eq!(acc[0], 1.0);
    }
}
