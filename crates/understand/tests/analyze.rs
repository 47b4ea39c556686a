//! End-to-end tests of the language layer: spans, types and normal forms on the seed
//! article and on Central Asian names; code point offsets; hostile input.

use std::sync::OnceLock;

use khronika_model::{Analysis, EntityKind, Mention};
use khronika_understand::Analyzer;

fn analyzer() -> &'static Analyzer {
    static A: OnceLock<Analyzer> = OnceLock::new();
    A.get_or_init(|| Analyzer::load().expect("embedded model loads"))
}

fn char_slice(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

/// Every mention's offsets, in code points, must cut its own text out of the input.
fn assert_offsets(text: &str, a: &Analysis) {
    for m in &a.entities {
        assert_eq!(char_slice(text, m.start, m.end), m.text, "{m:?}");
    }
    let n = text.chars().count();
    for s in &a.sentences {
        assert!(s.start < s.end && s.end <= n, "{s:?} in {n} chars");
    }
}

fn find<'a>(a: &'a Analysis, text: &str) -> Vec<&'a Mention> {
    a.entities.iter().filter(|m| m.text == text).collect()
}

#[test]
fn seed_article_entities_and_normal_forms() {
    let raw = include_str!("fixtures/seed.json");
    let seed: serde_json::Value = serde_json::from_str(raw).expect("fixture is JSON");
    let text = seed["text"].as_str().expect("text");
    let a = analyzer().analyze(text);
    assert_offsets(text, &a);
    let mut checked = 0;
    for (code, kind) in [
        ("PER", EntityKind::Person),
        ("ORG", EntityKind::Organisation),
        ("LOC", EntityKind::Location),
    ] {
        let by_normal = seed["entities"][code].as_object().expect("entity map");
        for (normal, surfaces) in by_normal {
            for surface in surfaces.as_array().expect("surfaces") {
                let surface = surface.as_str().expect("surface");
                let found = find(&a, surface);
                assert!(!found.is_empty(), "{code} {surface:?} not found");
                for m in found {
                    assert_eq!(m.kind, kind, "{surface}");
                    assert_eq!(&m.normal, normal, "normal form of {surface}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 30, "only {checked} mentions checked");
}

#[test]
fn central_asian_names() {
    let text = "Президент Казахстана Касым-Жомарт Токаев провёл переговоры с Садыром Жапаровым \
                и Шавкатом Мирзиёевым в Астане. Позже Токаев вылетел в Бишкек. \
                Аким Алматы Ерболат Досаев и министр Мурат Нуртлеу улы встретились с \
                Айгуль Нурлан кызы.";
    let a = analyzer().analyze(text);
    assert_offsets(text, &a);
    let per = |surface: &str| {
        let found = find(&a, surface);
        assert_eq!(found.len(), 1, "{surface}: {:?}", a.entities);
        assert_eq!(found[0].kind, EntityKind::Person, "{surface}");
        found[0].normal.clone()
    };
    assert_eq!(per("Касым-Жомарт Токаев"), "Касым-Жомарт Токаев");
    assert_eq!(per("Садыром Жапаровым"), "Садыр Жапаров");
    assert_eq!(per("Шавкатом Мирзиёевым"), "Шавкат Мирзиёев");
    // surname-only mention linked to the full name seen earlier
    assert_eq!(per("Токаев"), "Касым-Жомарт Токаев");
    assert_eq!(per("Ерболат Досаев"), "Ерболат Досаев");
    let loc = |surface: &str| {
        find(&a, surface)
            .iter()
            .any(|m| m.kind == EntityKind::Location)
    };
    assert!(
        loc("Казахстана") && loc("Астане") && loc("Бишкек"),
        "{:?}",
        a.entities
    );
    assert_eq!(find(&a, "Астане")[0].normal, "Астана");
}

#[test]
fn patronymics_uly_kyzy_stay_in_the_name() {
    let text = "Заявление сделал Нурсултан Абишевич Назарбаев. Слово взял Мурат Нуртлеу улы, \
                затем выступила Айгуль Нурлан кызы.";
    let a = analyzer().analyze(text);
    assert_offsets(text, &a);
    let pers: Vec<&str> = a
        .entities
        .iter()
        .filter(|m| m.kind == EntityKind::Person)
        .map(|m| m.text.as_str())
        .collect();
    assert!(pers.contains(&"Нурсултан Абишевич Назарбаев"), "{pers:?}");
    // the model may or may not include the indeclinable patronymic word; the name must be
    // found and its normal form must keep what the span covers
    for m in a
        .entities
        .iter()
        .filter(|m| m.text.contains("Мурат") || m.text.contains("Айгуль"))
    {
        assert_eq!(m.kind, EntityKind::Person, "{m:?}");
        if m.text.ends_with("улы") || m.text.ends_with("кызы") {
            assert!(
                m.normal.ends_with("улы") || m.normal.ends_with("кызы"),
                "{m:?}"
            );
        }
    }
    assert!(
        a.entities.iter().any(|m| m.text.starts_with("Мурат")),
        "{:?}",
        a.entities
    );
}

#[test]
fn offsets_are_code_points_with_emoji_and_astral_chars() {
    let text = "😀🇰🇿 𝔘 Вчера в Москве 👍 Владимир Путин встретился с 🤝 Си Цзиньпином.";
    let a = analyzer().analyze(text);
    assert_offsets(text, &a);
    let moscow = find(&a, "Москве");
    assert_eq!(moscow.len(), 1, "{:?}", a.entities);
    // 😀 🇰 🇿 space 𝔘 space = 6 code points, then "Вчера в " = 8
    assert_eq!(moscow[0].start, 14);
    assert_eq!(moscow[0].kind, EntityKind::Location);
    assert!(find(&a, "Владимир Путин")
        .iter()
        .any(|m| m.kind == EntityKind::Person));
}

#[test]
fn empty_blank_and_garbage_input_give_empty_output() {
    for text in [
        "",
        " ",
        "\n\n\t",
        "\u{0}\u{1}\u{2}",
        "....!!!???",
        "1234 5678 90",
    ] {
        let a = analyzer().analyze(text);
        assert!(a.entities.is_empty(), "{text:?}: {:?}", a.entities);
        assert_offsets(text, &a);
    }
    let bytes: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let garbage = String::from_utf8_lossy(&bytes);
    let a = analyzer().analyze(&garbage);
    assert_offsets(&garbage, &a);
}

#[test]
fn non_russian_input_does_not_panic() {
    for text in [
        "The quick brown fox met Barack Obama in Paris.",
        "Қазақстан Республикасының Президенті Қасым-Жомарт Тоқаев Астанада.",
        "北京欢迎你 東京 서울 مرحبا שלום",
        "ꙮꙮꙮ ᲀᲁᲂ İıſK",
    ] {
        let a = analyzer().analyze(text);
        assert_offsets(text, &a);
    }
}

#[test]
fn long_input_is_analysed_in_full() {
    let para = "Касым-Жомарт Токаев прибыл в Ташкент, где встретился с Шавкатом Мирзиёевым. ";
    let text = para.repeat(2_000); // ~150 KB, ~30 k tokens
    let a = analyzer().analyze(&text);
    assert_offsets(&text, &a);
    let tashkent = a.entities.iter().filter(|m| m.text == "Ташкент").count();
    assert_eq!(tashkent, 2_000);
    assert!(
        a.sentences.len() >= 1_000,
        "{} sentences",
        a.sentences.len()
    );
}

#[test]
fn analysis_is_deterministic_and_shareable_across_threads() {
    fn is_send_sync<T: Send + Sync>() {}
    is_send_sync::<Analyzer>();
    let text = "Глава МИД России Сергей Лавров прилетел в Бишкек.";
    let first = analyzer().analyze(text);
    let other = std::thread::spawn(move || analyzer().analyze(text))
        .join()
        .expect("thread");
    assert_eq!(first, other);
    assert!(!first.entities.is_empty());
}

#[test]
fn dates_are_found_when_a_reference_is_given() {
    let text = "Саммит прошел 15-16 июня в Швейцарии.";
    let reference =
        chrono::DateTime::parse_from_rfc3339("2024-06-17T12:00:00+05:00").expect("valid");
    let opts = khronika_understand::AnalyzeOptions::at(reference, None);
    let a = analyzer().analyze_with(text, &opts);
    assert!(!a.dates.is_empty(), "{a:?}");
    assert!(analyzer().analyze(text).dates.is_empty());
}

#[test]
fn a_corrupt_model_file_is_an_error_not_a_panic() {
    let dir = std::env::temp_dir().join(format!("khronika-understand-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (name, bytes) in [
        ("empty.knt", Vec::new()),
        ("magic.knt", b"KHRTNS01\xff\xff\xff\xff".to_vec()),
        ("short.knt", b"KHRTNS01\x01\x00\x00\x00\x05\x00abc".to_vec()),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        assert!(Analyzer::from_file(&path).is_err(), "{name}");
    }
    assert!(Analyzer::from_file(dir.join("missing.knt")).is_err());
    std::fs::remove_dir_all(&dir).ok();
}
