//! Bidirectional controls (U+202E and friends) never reach an extracted article, whether
//! they come as characters, as HTML character references or as JSON escapes.

use khronika_extract::{extract, ExtractOptions};
use khronika_model::Article;

const BIDI: [char; 12] = [
    '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200e}', '\u{200f}', '\u{061c}',
];

fn page() -> String {
    let para = "Аким города провёл встречу с жителями микрорайона и рассказал о планах \
                ремонта дорог, строительства школы и новой поликлиники в этом году.";
    format!(
        r#"<!doctype html><html lang="ru"><head><meta charset="utf-8">
<title>Новости</title>
<meta name="keywords" content="дороги&#x202E;, шк{lri}олы">
<meta name="author" content="Иван&#8238; Петров">
<meta property="og:description" content="Лид&#x2067; статьи{rlm}">
<script type="application/ld+json">{{"@type":"NewsArticle","headline":"Заголовок \u202etxt.exe","author":{{"@type":"Person","name":"Иван\u202e Петров"}},"keywords":["ре\u2066монт"],"datePublished":"2025-04-01T10:00:00+05:00"}}</script>
</head><body><article>
<h1>Заголовок {rlo}txt.exe&#x202C;</h1>
<p class="lead">Лид&#x2067; статьи{rlm}</p>
<p>{para} {rlo}сло&#x200F;во{pdf}</p><p>{para}</p><p>{para}&#1564;</p><p>{para}</p>
</article></body></html>"#,
        lri = '\u{2066}',
        rlm = '\u{200f}',
        rlo = '\u{202e}',
        pdf = '\u{202c}',
    )
}

#[test]
fn bidi_controls_are_stripped_from_every_field() {
    let a: Article = extract(page().as_bytes(), &ExtractOptions::default()).expect("extract");
    // The page did give all the fields the controls were planted in.
    assert!(
        a.title
            .as_deref()
            .is_some_and(|t| t.starts_with("Заголовок")),
        "{a:?}"
    );
    assert!(!a.authors.is_empty(), "{a:?}");
    assert!(!a.tags.is_empty(), "{a:?}");
    assert!(!a.blocks.is_empty(), "{a:?}");
    let json = serde_json::to_string(&a).expect("serialise");
    let found: Vec<char> = json.chars().filter(|c| BIDI.contains(c)).collect();
    assert!(found.is_empty(), "bidi controls left: {found:?} in {json}");
    assert!(json.contains("Иван Петров"), "{json}");
    assert!(json.contains("txt.exe"), "{json}");
    assert!(json.contains("слово"), "{json}");
}
