//! The organise stage through `import` and `export`: near-duplicates across sources, a
//! story across days, rubrics, and `reorganise` rebuilding the same grouping.

use std::sync::Arc;

use khronika_pipeline::{
    export, import_jsonl, reorganise, CancellationToken, ExportOptions, PipelineOptions,
};
use khronika_store::{ArticleFilter, PageRequest, Store};

fn quiet() -> PipelineOptions {
    PipelineOptions {
        analyze: false,
        batch_size: 2,
        progress: false,
    }
}

const BODY: &str = "Официальный представитель МИД Казахстана Айбек Смадияров заявил на брифинге \
    в Астане, что республика не примет участия в саммите мира по Украине в швейцарском \
    Бюргенштоке. По его словам, решение принято исходя из графика международных мероприятий и \
    национальных интересов. Казахстан поддерживает тесные связи с Украиной и Россией и \
    выступает за суверенитет и территориальную целостность государств согласно Уставу ООН. \
    Саммит пройдёт 15-16 июня, приглашены делегации более девяноста стран.";

fn record(url: &str, source: &str, published: &str, title: &str, text: &str) -> String {
    serde_json::json!({
        "url": url, "source": source, "published": published, "title": title, "text": text,
    })
    .to_string()
}

async fn exported(store: Arc<dyn Store>) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    export(store, &mut out, &ExportOptions::default())
        .await
        .expect("export");
    String::from_utf8_lossy(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_copies_group_under_the_earliest_and_an_article_sharing_the_entity_stays_apart() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = khronika_store::open_sqlite(dir.path())
        .await
        .expect("store");
    let edited = BODY
        .replace("заявил на брифинге в Астане", "сообщил журналистам")
        .replace("более девяноста", "свыше 90");
    let relead = format!(
        "Астана. {}",
        BODY.replace("тесные связи", "прочные отношения")
    );
    let unrelated = "Официальный представитель МИД Казахстана Айбек Смадияров сообщил, что с \
        1 июля граждане Японии смогут находиться в республике без визы до тридцати дней. \
        Решение принято для развития туризма и деловых связей, уточнил дипломат. Ранее \
        безвизовый режим ввели для граждан ряда европейских стран.";
    // The copy published first arrives second: it must become the original.
    let lines = [
        record(
            "https://a.example/1",
            "А",
            "2024-06-14T10:00:00+05:00",
            "Казахстан не поедет на саммит мира",
            BODY,
        ),
        record(
            "https://b.example/1",
            "Б",
            "2024-06-14T09:00:00+05:00",
            "МИД: Казахстан пропустит саммит мира по Украине",
            &edited,
        ),
        record(
            "https://c.example/1",
            "В",
            "2024-06-14T12:30:00+05:00",
            "Смадияров объяснил неучастие в саммите мира",
            &relead,
        ),
        record(
            "https://d.example/1",
            "Г",
            "2024-06-14T13:00:00+05:00",
            "Граждане Японии смогут въезжать в Казахстан без визы",
            unrelated,
        ),
    ]
    .join("\n");
    let counts = import_jsonl(store.clone(), lines.as_bytes(), &quiet())
        .await
        .expect("import");
    assert_eq!(counts.created, 4);
    let recs = exported(store.clone()).await;
    let by_url = |u: &str| {
        recs.iter()
            .find(|r| r["url"].as_str().is_some_and(|x| x.starts_with(u)))
            .unwrap_or_else(|| panic!("{u} not exported"))
            .clone()
    };
    let (a, b, c, d) = (
        by_url("https://a.example"),
        by_url("https://b.example"),
        by_url("https://c.example"),
        by_url("https://d.example"),
    );
    assert!(
        b["duplicate_of"].is_null(),
        "the earliest copy is the original: {b}"
    );
    assert_eq!(a["duplicate_of"], b["id"], "{a}");
    assert_eq!(c["duplicate_of"], b["id"], "{c}");
    assert!(d["duplicate_of"].is_null(), "{d}");
    assert_eq!(a["story_id"], b["story_id"]);
    assert_eq!(c["story_id"], b["story_id"]);
    assert_ne!(d["story_id"], b["story_id"], "{d}");
    assert!(recs.iter().all(|r| r["rubric"].is_string()));

    // Lists can show one entry per original.
    let originals = store
        .list_articles(
            &ArticleFilter {
                originals_only: true,
                ..Default::default()
            },
            &PageRequest {
                cursor: None,
                limit: 10,
            },
        )
        .await
        .expect("list");
    assert_eq!(originals.items.len(), 2);

    // Derived data: rebuilt from the store, the same groups come back.
    let placed = reorganise(&*store, &CancellationToken::new())
        .await
        .expect("reorganise");
    assert_eq!(placed, 4);
    let again = exported(store).await;
    let groups = |rs: &[serde_json::Value]| {
        let mut v: Vec<(String, bool)> = rs
            .iter()
            .map(|r| (r["title"].to_string(), r["duplicate_of"].is_null()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(groups(&recs), groups(&again));
}
