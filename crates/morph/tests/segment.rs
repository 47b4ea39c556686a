//! Segmentation of the seed article against razdel 0.5.0's output (stored in the fixture).

use khronika_morph::{sentences, tokenize};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn spans(v: &serde_json::Value, key: &str) -> Vec<(usize, usize)> {
    v[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| Some((p[0].as_u64()? as usize, p[1].as_u64()? as usize)))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn seed_article_matches_razdel() {
    let text = fixture("seed_article.txt");
    let expected: serde_json::Value =
        serde_json::from_str(&fixture("seed_razdel.json")).expect("fixture json");
    let toks: Vec<(usize, usize)> = tokenize(&text).iter().map(|t| (t.start, t.end)).collect();
    let want_toks = spans(&expected, "tokens");
    assert!(want_toks.len() > 500);
    assert_eq!(toks, want_toks);
    let sents: Vec<(usize, usize)> = sentences(&text).iter().map(|s| (s.start, s.end)).collect();
    let want_sents = spans(&expected, "sentences");
    assert!(want_sents.len() > 20);
    assert_eq!(sents, want_sents);
}

#[test]
fn seed_direct_speech_is_one_sentence() {
    let text = fixture("seed_article.txt");
    let chars: Vec<char> = text.chars().collect();
    let all: Vec<String> = sentences(&text)
        .iter()
        .map(|s| chars[s.start..s.end].iter().collect())
        .collect();
    assert!(all.iter().any(|s| s
        == "«Мы исходили из своих интересов и своего графика международных мероприятий», — подчеркнул Смадияров."));
}

#[test]
fn garbage_does_not_panic() {
    let mut inputs: Vec<String> = vec![
        String::new(),
        "\u{0}\u{1}\u{fffd}\u{200b}".into(),
        ".....".repeat(1000),
        "«»«»\"\"''".repeat(100),
        ":):(;-)".repeat(100),
        "т.е.".repeat(500),
        "a".repeat(100_000),
        "\u{301}\u{301}х\u{301}".into(),
    ];
    inputs.push((0..5000u32).filter_map(char::from_u32).collect());
    for s in &inputs {
        let n = s.chars().count();
        for t in tokenize(s) {
            assert!(t.start < t.end && t.end <= n);
            assert_eq!(s.get(t.byte_start..t.byte_end), Some(t.text));
        }
        for sp in sentences(s) {
            assert!(sp.start < sp.end && sp.end <= n);
        }
    }
}
