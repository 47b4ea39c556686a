//! Pseudo-random inputs over an alphabet of Russian letters, punctuation, digits, spaces and
//! odd code points: no function may panic, and offsets must stay consistent.

use khronika_model::EntityKind;
use khronika_morph::{sentences, tokenize, tokenize_news, Morph};

const ALPHABET: &[char] = &[
    'а', 'б', 'е', 'ё', 'и', 'к', 'о', 'у', 'ы', 'я', 'А', 'Ё', 'Й', 'Я', 'a', 'Z', '0', '7', ' ',
    ' ', '\n', '\u{a0}', '.', ',', '!', '?', '…', ';', ':', '-', '—', '«', '»', '"', '\'', '(',
    ')', '[', '}', '{', '=', '_', '/', '\\', '@', '#', 'ә', 'қ', '\u{301}', '\u{200b}', '😀',
    '\u{0}', '²',
];

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

#[test]
fn random_text_never_panics() {
    let morph = Morph::new().expect("dictionary");
    let mut rng = Lcg(42);
    for round in 0..400 {
        let len = rng.next() % (if round % 50 == 0 { 5000 } else { 60 });
        let s: String = (0..len)
            .map(|_| ALPHABET[rng.next() % ALPHABET.len()])
            .collect();
        let n = s.chars().count();
        let tokens = tokenize(&s);
        let mut last_end = 0;
        for t in &tokens {
            assert!(
                t.start >= last_end && t.start < t.end && t.end <= n,
                "{s:?}"
            );
            assert_eq!(s.get(t.byte_start..t.byte_end), Some(t.text));
            last_end = t.end;
            let _ = morph.parse(t.text);
        }
        let mut last_end = 0;
        for t in tokenize_news(&s) {
            assert!(
                t.start >= last_end && t.start < t.end && t.end <= n,
                "{s:?}"
            );
            assert_eq!(s.get(t.byte_start..t.byte_end), Some(t.text));
            last_end = t.end;
        }
        for sp in sentences(&s) {
            assert!(sp.start < sp.end && sp.end <= n);
        }
        for kind in [
            EntityKind::Person,
            EntityKind::Organisation,
            EntityKind::Location,
        ] {
            let _ = morph.normalize_entity(&s, kind);
            if let (Some(a), Some(b)) = (tokens.first(), tokens.last()) {
                let _ = morph.normalize_in_text(&s, a.byte_start..b.byte_end, kind);
            }
            let _ = morph.normalize_in_text(&s, 0..s.len() + 1, kind);
        }
        let _ = morph.person_gender(&s);
        let _ = morph.nominative_forms(&s);
    }
}

#[test]
fn url_like_fragments_never_panic() {
    let cases = [
        "http://",
        "https://@@",
        "www.",
        "#",
        "@",
        "a@b",
        "a@.",
        "@@@",
        "http://«»",
        "##привет",
        "x@y.z.",
        "ё@ё.ё",
        "www.ё",
        "#_",
        "(http://a.b/c?d=e).",
        "mail:a.b@c-d.kz,",
        "@a.b",
        "https://ru.wikipedia.org/wiki/Алматы_(город)",
        "\u{301}#\u{301}",
    ];
    for s in cases {
        let n = s.chars().count();
        let mut last_end = 0;
        for t in tokenize_news(s) {
            assert!(
                t.start >= last_end && t.start < t.end && t.end <= n,
                "{s:?}"
            );
            assert_eq!(s.get(t.byte_start..t.byte_end), Some(t.text), "{s:?}");
            last_end = t.end;
        }
    }
}
