//! Tags of the reference article (headline, lead and site tags from `shared/seed`) and the
//! nominative of site tags.

use khronika_understand::tags::{article_tags, TagInput, MAX_TAGS, MIN_TAGS};
use khronika_understand::Analyzer;

fn analyzer() -> Analyzer {
    Analyzer::load().expect("embedded model loads")
}

/// The two other names the test vocabulary knows (the registry's gazetteer has many more).
fn canon(name: &str) -> Option<String> {
    match name.to_lowercase().as_str() {
        "российская федерация" | "рф" => Some("Россия".into()),
        _ => None,
    }
}

#[test]
fn seed_article_tags_name_its_actors_places_and_summit() {
    let a = analyzer();
    let seed: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/seed.json")).expect("fixture is JSON");
    let text = seed["text"].as_str().expect("text");
    let lead = text.split("\n\n").next().unwrap_or("").chars().count();
    let analysis = a.analyze(text);
    // The site tags as the page wrote them (`shared/seed/expected.json`).
    let site: Vec<String> = [
        "Айбек Смадияров",
        "Казахстан",
        "Россия",
        "Саммит Мира",
        "Украина",
    ]
    .map(String::from)
    .to_vec();
    let input = TagInput {
        title: Some(
            "Исходили из своих интересов: почему Казахстан не принимал участие в саммите мира по Украине",
        ),
        text,
        lead_chars: lead,
        site_name: Some("Bizmedia.kz"),
        site_tags: &site,
    };
    let tags = article_tags(a.morph(), &input, &analysis, &canon);
    eprintln!("seed tags: {tags:?}");
    assert!((MIN_TAGS..=MAX_TAGS).contains(&tags.len()), "{tags:?}");
    for want in ["Айбек Смадияров", "Казахстан", "Украина"] {
        assert!(tags.iter().any(|t| t == want), "{want} missing: {tags:?}");
    }
    let summits: Vec<&String> = tags
        .iter()
        .filter(|t| t.to_lowercase().starts_with("саммит"))
        .collect();
    assert_eq!(summits.len(), 1, "one summit tag: {tags:?}");
    assert!(
        !tags.iter().any(|t| t == "Bizmedia.kz"),
        "the outlet: {tags:?}"
    );
    let mut folded: Vec<String> = tags.iter().map(|t| t.to_lowercase()).collect();
    folded.sort();
    folded.dedup();
    assert_eq!(folded.len(), tags.len(), "one tag per concept: {tags:?}");
    // Without site tags the article's own signals still find the summit and the actors.
    let bare = article_tags(
        a.morph(),
        &TagInput {
            site_tags: &[],
            ..input
        },
        &analysis,
        &canon,
    );
    assert!(
        bare.iter().any(|t| t == "Саммит мира") && bare.iter().any(|t| t == "Айбек Смадияров"),
        "{bare:?}"
    );
}

#[test]
fn site_tags_are_put_in_the_nominative_and_merged() {
    let a = analyzer();
    let text = "Торги на Московской бирже открылись ростом. Индекс вырос.";
    let analysis = a.analyze(text);
    let site: Vec<String> = [
        "Московской биржи",
        "Российская Федерация (Россия)",
        "Россия",
        "#торги",
    ]
    .map(String::from)
    .to_vec();
    let input = TagInput {
        title: Some("Торги на бирже"),
        text,
        lead_chars: 0,
        site_name: None,
        site_tags: &site,
    };
    let tags = article_tags(a.morph(), &input, &analysis, &canon);
    eprintln!("site tags: {tags:?}");
    assert!(tags.iter().any(|t| t == "Московская биржа"), "{tags:?}");
    assert_eq!(
        tags.iter().filter(|t| *t == "Россия").count(),
        1,
        "{tags:?}"
    );
    assert!(!tags.iter().any(|t| t.contains('(')), "{tags:?}");
    assert!(tags.iter().any(|t| t == "торги"), "{tags:?}");
}

/// An institution noun in an attribution ("говорится в сообщении ведомства") makes the
/// organisation named just before the speaker, so organisational speakers count.
#[test]
fn a_press_release_quote_is_credited_to_the_organisation_named_before() {
    let a = analyzer();
    let text = "Пресс-служба Министерства обороны опубликовала заявление. «Учения пройдут по плану», — говорится в сообщении ведомства.";
    let analysis = a.analyze(text);
    let speakers: Vec<Option<&str>> = analysis
        .quotes
        .iter()
        .map(|q| q.speaker.as_deref())
        .collect();
    assert_eq!(speakers, vec![Some("Министерство обороны")], "{analysis:?}");
}
