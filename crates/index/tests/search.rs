//! Morphology, phrases, filters, ranking and incremental updates of the search index.

use chrono::{DateTime, Duration, TimeZone, Utc};
use khronika_index::{IndexDoc, SearchIndex, SearchQuery, SortBy};

fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, d, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn doc(id: u64, title: &str, body: &str, source: &str, published: DateTime<Utc>) -> IndexDoc {
    IndexDoc {
        id,
        url: Some(format!("https://example.kz/{id}")),
        title: title.into(),
        lead: String::new(),
        body: body.into(),
        source: source.into(),
        tags: vec![],
        entities: vec![],
        story: None,
        rubric: None,
        duplicate_of: None,
        published: Some(published),
        first_seen: Some(published + Duration::hours(1)),
    }
}

fn corpus() -> SearchIndex {
    let idx = SearchIndex::in_memory().unwrap_or_else(|e| panic!("index: {e}"));
    let mut a = doc(
        1,
        "Казахстан не принимал участие в саммите мира",
        "Официальный представитель МИД Айбек Смадияров объяснил, почему дипломаты не поехали на саммит.",
        "bizmedia",
        day(17),
    );
    a.tags = vec!["Казахстан".into(), "Украина".into()];
    a.entities = vec!["Айбек Смадияров".into(), "МИД".into()];
    a.story = Some("peace-summit".into());
    let mut b = doc(
        2,
        "Кыргызстан отказался от участия",
        "Байсалов заявил, что республика придерживается нейтралитета. Мирный саммит прошёл в Швейцарии.",
        "kaktus",
        day(16),
    );
    b.tags = vec!["Кыргызстан".into()];
    b.entities = vec!["Эдиль Байсалов".into()];
    b.story = Some("peace-summit".into());
    let c = doc(
        3,
        "Курс рубля упал после решения ФРС",
        "Рубль подешевел к доллару. Аналитики ждут ещё ёлочных распродаж.",
        "lenta",
        day(10),
    );
    let d = doc(
        4,
        "Итоги саммита ШОС",
        "Лидеры саммита подписали декларацию.",
        "lenta",
        day(1),
    );
    idx.upsert(&[a, b, c, d])
        .unwrap_or_else(|e| panic!("upsert: {e}"));
    idx.commit(Some(4))
        .unwrap_or_else(|e| panic!("commit: {e}"));
    idx
}

fn ids(idx: &SearchIndex, q: &SearchQuery) -> Vec<u64> {
    let mut r: Vec<u64> = idx
        .search(q)
        .unwrap_or_else(|e| panic!("search: {e}"))
        .hits
        .iter()
        .map(|h| h.id)
        .collect();
    r.sort_unstable();
    r
}

#[test]
fn inflected_forms_find_each_other() {
    let idx = corpus();
    // "саммита" (genitive) finds "саммите", "саммит" and "саммита".
    assert_eq!(ids(&idx, &SearchQuery::text("саммита")), vec![1, 2, 4]);
    assert_eq!(ids(&idx, &SearchQuery::text("саммиту")), vec![1, 2, 4]);
    assert_eq!(ids(&idx, &SearchQuery::text("рублём")), vec![3]);
    assert_eq!(ids(&idx, &SearchQuery::text("Смадиярова")), vec![1]);
    assert!(ids(&idx, &SearchQuery::text("футбол")).is_empty());
}

#[test]
fn yo_and_ye_are_the_same_letter() {
    let idx = corpus();
    assert_eq!(ids(&idx, &SearchQuery::text("елочных")), vec![3]);
    assert_eq!(ids(&idx, &SearchQuery::text("прошел")), vec![2]);
}

#[test]
fn phrases_need_adjacent_words() {
    let idx = corpus();
    assert_eq!(ids(&idx, &SearchQuery::text("\"мирный саммит\"")), vec![2]);
    // Both words occur in article 1 but not next to each other.
    assert!(ids(&idx, &SearchQuery::text("\"саммит мид\"")).is_empty());
}

#[test]
fn filters_narrow_results() {
    let idx = corpus();
    let mut q = SearchQuery::text("саммит");
    q.source = Some("lenta".into());
    assert_eq!(ids(&idx, &q), vec![4]);
    let mut q = SearchQuery::text("саммит");
    q.tag = Some("казахстан".into());
    assert_eq!(ids(&idx, &q), vec![1]);
    let mut q = SearchQuery::text("");
    q.entity = Some("Эдиль Байсалов".into());
    assert_eq!(ids(&idx, &q), vec![2]);
    let mut q = SearchQuery::text("");
    q.story = Some("peace-summit".into());
    assert_eq!(ids(&idx, &q), vec![1, 2]);
    let mut q = SearchQuery::text("саммит");
    q.from = Some(day(15));
    q.to = Some(day(17));
    assert_eq!(ids(&idx, &q), vec![2]);
}

#[test]
fn recency_breaks_near_ties_and_date_sort_is_newest_first() {
    let idx = SearchIndex::in_memory().unwrap_or_else(|e| panic!("{e}"));
    let now = Utc::now();
    idx.upsert(&[
        doc(1, "Саммит", "саммит", "a", now - Duration::days(300)),
        doc(2, "Саммит", "саммит", "a", now - Duration::hours(2)),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    idx.commit(None).unwrap_or_else(|e| panic!("{e}"));
    let r = idx
        .search(&SearchQuery::text("саммит"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![2, 1]);

    let idx = corpus();
    let mut q = SearchQuery::text("саммит");
    q.sort = SortBy::Date;
    let r = idx.search(&q).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        r.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        vec![1, 2, 4]
    );
    assert_eq!(r.total, 3);
}

#[test]
fn snippets_highlight_the_matched_inflection() {
    let idx = corpus();
    let r = idx
        .search(&SearchQuery::text("саммита"))
        .unwrap_or_else(|e| panic!("{e}"));
    let hit = r
        .hits
        .iter()
        .find(|h| h.id == 4)
        .unwrap_or_else(|| panic!("no hit 4"));
    let marked: Vec<&str> = hit
        .snippet
        .pieces()
        .into_iter()
        .filter(|(_, m)| *m)
        .map(|(s, _)| s)
        .collect();
    assert_eq!(marked, vec!["саммита"]);
    let title_marked: Vec<&str> = hit
        .title_snippet
        .pieces()
        .into_iter()
        .filter(|(_, m)| *m)
        .map(|(s, _)| s)
        .collect();
    assert_eq!(title_marked, vec!["саммита"]);
}

#[test]
fn upsert_replaces_and_delete_removes_and_seq_is_kept() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    {
        let idx = SearchIndex::open_or_create(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        idx.upsert(&[doc(7, "Старый заголовок", "тюльпаны", "a", day(1))])
            .unwrap_or_else(|e| panic!("{e}"));
        idx.commit(Some(10)).unwrap_or_else(|e| panic!("{e}"));
        idx.upsert(&[doc(7, "Новый заголовок", "розы", "a", day(2))])
            .unwrap_or_else(|e| panic!("{e}"));
        idx.commit(Some(11)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(idx.num_docs(), 1);
        assert!(ids(&idx, &SearchQuery::text("тюльпан")).is_empty());
        assert_eq!(ids(&idx, &SearchQuery::text("розами")), vec![7]);
    }
    let idx = SearchIndex::open_or_create(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(idx.last_seq().unwrap_or_else(|e| panic!("{e}")), Some(11));
    assert!(idx.size_bytes() > 0);
    idx.delete(7).unwrap_or_else(|e| panic!("{e}"));
    idx.commit(Some(12)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(idx.num_docs(), 0);
}

#[test]
fn hostile_queries_do_not_fail() {
    let idx = corpus();
    for q in [
        "\"",
        "((((",
        "AND OR NOT",
        "id:1",
        "title:",
        "*",
        "саммит~2",
        "[a TO",
        ":::::",
        "\u{0}",
        "-",
        "+",
        "^",
        "🙂",
        "саммит\" OR \"",
    ] {
        let r = idx.search(&SearchQuery::text(q));
        assert!(r.is_ok(), "query {q:?} failed: {r:?}");
    }
    let long = "саммит ".repeat(5000);
    assert!(idx.search(&SearchQuery::text(long)).is_ok());
}

#[test]
fn related_prefers_shared_entities_and_skips_itself() {
    let idx = corpus();
    let r = idx
        .related(
            1,
            &["Эдиль Байсалов".into(), "МИД".into()],
            &["Кыргызстан".into()],
            5,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.iter().map(|h| h.id).collect::<Vec<_>>(), vec![2]);
    let none = idx
        .related(1, &[], &[], 5)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(none.is_empty());
}

#[test]
fn an_index_of_another_schema_is_rebuilt_empty() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    {
        let mut b = tantivy::schema::Schema::builder();
        let title = b.add_text_field("title", tantivy::schema::TEXT | tantivy::schema::STORED);
        let old =
            tantivy::Index::create_in_dir(dir.path(), b.build()).unwrap_or_else(|e| panic!("{e}"));
        let mut w: tantivy::IndexWriter = old
            .writer_with_num_threads(1, 15_000_000)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut d = tantivy::TantivyDocument::default();
        d.add_text(title, "старый документ");
        w.add_document(d).unwrap_or_else(|e| panic!("{e}"));
        let mut c = w.prepare_commit().unwrap_or_else(|e| panic!("{e}"));
        c.set_payload("42");
        c.commit().unwrap_or_else(|e| panic!("{e}"));
    }
    let idx = SearchIndex::open_or_create(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(idx.num_docs(), 0);
    // No sequence: the caller's sync starts from the beginning of the store.
    assert_eq!(idx.last_seq().unwrap_or_else(|e| panic!("{e}")), None);
    idx.upsert(&[doc(1, "Новый заголовок", "розы", "a", day(1))])
        .unwrap_or_else(|e| panic!("{e}"));
    idx.commit(Some(1)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ids(&idx, &SearchQuery::text("роза")), vec![1]);
}

#[test]
fn a_directory_that_is_not_an_index_is_never_deleted() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("notes.txt"), "мои заметки").unwrap_or_else(|e| panic!("{e}"));
    // Opening creates an index next to the file and leaves the file alone.
    let idx = SearchIndex::open_or_create(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(idx.num_docs(), 0);
    assert!(dir.path().join("notes.txt").is_file());
}

#[test]
fn an_undated_article_is_ordered_by_first_seen_and_says_it_is_undated() {
    let idx = corpus();
    let mut undated = doc(9, "Саммит без даты", "Текст о саммите.", "lenta", day(1));
    undated.published = None;
    undated.first_seen = Some(day(20));
    idx.upsert(&[undated]).unwrap_or_else(|e| panic!("{e}"));
    idx.commit(Some(5)).unwrap_or_else(|e| panic!("{e}"));
    let q = SearchQuery {
        sort: SortBy::Date,
        ..SearchQuery::text("саммит")
    };
    let res = idx.search(&q).unwrap_or_else(|e| panic!("{e}"));
    let first = res.hits.first().unwrap_or_else(|| panic!("no hits"));
    // Seen on the 20th, newer than every dated article: first by date.
    assert_eq!(first.id, 9);
    assert_eq!(first.published, None);
    assert_eq!(first.time, Some(day(20)));
    let dated = res
        .hits
        .iter()
        .find(|h| h.id == 1)
        .unwrap_or_else(|| panic!("no 1"));
    assert_eq!(dated.published, Some(day(17)));
    assert_eq!(dated.time, Some(day(17)));
    // Date filters use the same time.
    let q = SearchQuery {
        from: Some(day(19)),
        ..SearchQuery::text("саммит")
    };
    assert_eq!(ids(&idx, &q), vec![9]);
}

#[test]
fn rubric_story_and_originals_only_filters() {
    let idx = SearchIndex::in_memory().unwrap_or_else(|e| panic!("{e}"));
    let mut a = doc(
        1,
        "Саммит в Астане",
        "Лидеры прибыли на саммит.",
        "a",
        day(10),
    );
    a.rubric = Some("society".into());
    a.story = Some("1".into());
    let mut b = doc(
        2,
        "Саммит в Астане",
        "Лидеры прибыли на саммит.",
        "b",
        day(10),
    );
    b.rubric = Some("society".into());
    b.story = Some("1".into());
    b.duplicate_of = Some(1);
    let mut c = doc(3, "Матч в Алматы", "Саммит болельщиков.", "a", day(11));
    c.rubric = Some("sports".into());
    idx.upsert(&[a, b, c]).unwrap_or_else(|e| panic!("{e}"));
    idx.commit(Some(3)).unwrap_or_else(|e| panic!("{e}"));
    let mut q = SearchQuery::text("саммит");
    let mut all = ids(&idx, &q);
    all.sort();
    assert_eq!(all, vec![1, 2, 3]);
    q.originals_only = true;
    let mut originals = ids(&idx, &q);
    originals.sort();
    assert_eq!(originals, vec![1, 3]);
    q.rubric = Some("sports".into());
    assert_eq!(ids(&idx, &q), vec![3]);
    let q = SearchQuery {
        story: Some("1".into()),
        limit: 10,
        ..Default::default()
    };
    let res = idx.search(&q).unwrap_or_else(|e| panic!("{e}"));
    let mut got: Vec<(u64, Option<u64>)> =
        res.hits.iter().map(|h| (h.id, h.duplicate_of)).collect();
    got.sort();
    assert_eq!(got, vec![(1, None), (2, Some(1))]);
    assert!(res
        .hits
        .iter()
        .all(|h| h.story.as_deref() == Some("1") && h.rubric.as_deref() == Some("society")));
}

#[test]
fn an_index_of_an_older_version_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    {
        let idx = SearchIndex::open_or_create(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        idx.upsert(&[doc(1, "Старый заголовок", "розы", "a", day(1))])
            .unwrap_or_else(|e| panic!("{e}"));
        idx.commit(Some(7)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(idx.last_seq().unwrap_or_else(|e| panic!("{e}")), Some(7));
    }
    {
        // Same schema, written by a version that kept a bare sequence as its payload.
        let old = tantivy::Index::open_in_dir(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let mut w: tantivy::IndexWriter = old
            .writer_with_num_threads(1, 15_000_000)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut c = w.prepare_commit().unwrap_or_else(|e| panic!("{e}"));
        c.set_payload("42");
        c.commit().unwrap_or_else(|e| panic!("{e}"));
    }
    let idx = SearchIndex::open_or_create(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(idx.num_docs(), 0);
    assert_eq!(idx.last_seq().unwrap_or_else(|e| panic!("{e}")), None);
}

/// Found by the khronika-fuzz `query` campaign: dates past 2262 (a page claiming the year
/// 9999, `from=3000-01-01` in a search) overflowed tantivy's nanosecond timestamps.
#[test]
fn dates_beyond_tantivys_range_neither_overflow_nor_reorder() {
    let idx = SearchIndex::in_memory().unwrap_or_else(|e| panic!("{e}"));
    let at = |y: i32| {
        Utc.with_ymd_and_hms(y, 1, 1, 0, 0, 0)
            .single()
            .unwrap_or_else(|| panic!("year {y}"))
    };
    idx.upsert(&[
        doc(1, "Саммит", "саммит", "a", at(2025)),
        doc(2, "Саммит", "саммит", "a", at(9999)),
        doc(3, "Саммит", "саммит", "a", at(1000)),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    idx.commit(None).unwrap_or_else(|e| panic!("{e}"));
    let mut q = SearchQuery::text("саммит");
    q.from = Some(at(3000));
    assert_eq!(ids(&idx, &q), vec![2]);
    q.from = Some(at(1900));
    q.to = Some(at(5000));
    assert_eq!(ids(&idx, &q), vec![1]);
    q.from = None;
    q.to = Some(at(2000));
    assert_eq!(ids(&idx, &q), vec![3]);
}
