//! Tests of quote finding and speaker attribution.

use super::*;

/// `find_quotes` over mentions put in their normal forms by the entity layer, as `analyze`
/// hands them over.
fn quotes(text: &str, ents: &[Mention]) -> Vec<Quote> {
    static MORPH: std::sync::OnceLock<Morph> = std::sync::OnceLock::new();
    let morph = MORPH.get_or_init(|| Morph::new().expect("bundled dictionary"));
    let mut ents = ents.to_vec();
    crate::normal::normalize(morph, text, &mut ents);
    find_quotes(text, &ents, morph)
}

fn per(text: &str, surface: &str, from: usize) -> Mention {
    let chars: Vec<char> = text.chars().collect();
    let target: Vec<char> = surface.chars().collect();
    let start = (from..chars.len())
        .find(|&i| chars.get(i..i + target.len()) == Some(&target[..]))
        .unwrap_or(0);
    Mention {
        start,
        end: start + target.len(),
        kind: EntityKind::Person,
        text: surface.to_owned(),
        normal: surface.to_owned(),
    }
}

#[test]
fn dash_attribution_with_role() {
    let t = "«Мы завершили первый этап реконструкции», — сказал аким города Нурлан Бекмаганбетов на брифинге. По его словам, работы ведутся в три смены.";
    let q = quotes(t, &[per(t, "Нурлан Бекмаганбетов", 0)]);
    assert_eq!(q.len(), 2, "{q:?}");
    assert_eq!(q[0].text, "Мы завершили первый этап реконструкции");
    assert!(q[0].direct);
    assert_eq!(q[0].speaker.as_deref(), Some("Нурлан Бекмаганбетов"));
    assert_eq!(q[0].role.as_deref(), Some("аким города"));
    assert_eq!(q[1].text, "работы ведутся в три смены");
    assert!(!q[1].direct);
    assert_eq!(q[1].speaker.as_deref(), Some("Нурлан Бекмаганбетов"));
}

#[test]
fn genitive_names_and_roles_become_nominative() {
    let t = "По словам официального представителя МИД Айбека Смадиярова, Казахстан не участвовал в саммите.";
    let q = quotes(t, &[per(t, "Айбека Смадиярова", 0)]);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].speaker.as_deref(), Some("Айбек Смадияров"));
    assert_eq!(q[0].role.as_deref(), Some("официальный представитель МИД"));
    assert_eq!(q[0].text, "Казахстан не участвовал в саммите");
}

#[test]
fn titles_in_guillemets_are_not_quotes() {
    let t = "Компания «Казахтелеком» выполнила требования закона «О СМИ». Так называемые «серые» схемы остались.";
    assert!(quotes(t, &[]).is_empty());
}

#[test]
fn split_quote_gives_two_fragments() {
    let t = "«Мы не против инвесторов, — пояснил депутат Нурбек Алымкулов. — Но земля должна оставаться у граждан».";
    let q = quotes(t, &[per(t, "Нурбек Алымкулов", 0)]);
    let texts: Vec<&str> = q.iter().map(|x| x.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Мы не против инвесторов",
            "Но земля должна оставаться у граждан"
        ]
    );
    assert!(q
        .iter()
        .all(|x| x.speaker.as_deref() == Some("Нурбек Алымкулов")));
}

#[test]
fn surname_and_pronoun_resolution() {
    let t = "Мэр Ваган Саргсян и глава управления Анна Григорян провели встречу. «Больница откроется в марте», — сообщил мэр. «Мы набрали персонал», — добавила Григорян. Она подчеркнула, что зарплаты вырастут.";
    let ents = [
        per(t, "Ваган Саргсян", 0),
        per(t, "Анна Григорян", 0),
        per(t, "Григорян", 80),
    ];
    let q = quotes(t, &ents);
    let who: Vec<Option<&str>> = q.iter().map(|x| x.speaker.as_deref()).collect();
    assert_eq!(
        who,
        [
            Some("Ваган Саргсян"),
            Some("Анна Григорян"),
            Some("Анна Григорян")
        ]
    );
}

#[test]
fn curly_quotes_groups_and_subject_preference() {
    let t = "“Мы готовы”, — сказал аким Ерлан Сапаров. Как отмечают эксперты, рынок перегрет.";
    let q = quotes(t, &[per(t, "Ерлан Сапаров", 0)]);
    let got: Vec<(&str, Option<&str>, bool)> = q
        .iter()
        .map(|x| (x.text.as_str(), x.speaker.as_deref(), x.direct))
        .collect();
    assert_eq!(
        got,
        [
            ("Мы готовы", Some("Ерлан Сапаров"), true),
            ("рынок перегрет", Some("эксперты"), false)
        ]
    );
    let t = "Президент Касым-Жомарт Токаев встретился с послом Томасом Шмидтом. «Мы ценим сотрудничество», — сказал он.";
    let ents = [
        per(t, "Касым-Жомарт Токаев", 0),
        per(t, "Томасом Шмидтом", 0),
    ];
    let q = quotes(t, &ents);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].speaker.as_deref(), Some("Касым-Жомарт Токаев"));
    assert_eq!(q[0].role.as_deref(), Some("президент"));
}

#[test]
fn roles_stop_at_verbs() {
    let t = "Министр энергетики провёл встречу с директором компании Иваном Петровым. «Мы договорились», — сказал Петров.";
    let ents = [per(t, "Иваном Петровым", 0), per(t, "Петров", 80)];
    let q = quotes(t, &ents);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].speaker.as_deref(), Some("Иван Петров"));
    assert_eq!(q[0].role.as_deref(), Some("директор компании"));
}

#[test]
fn authorial_remarks_are_not_quotes() {
    let t = "Сообщается, что пострадавших нет. Напомним, что ранее в регионе прошли учения. По данным статистики, инфляция замедлилась.";
    assert!(quotes(t, &[]).is_empty());
}

#[test]
fn long_text_stays_linear_enough() {
    let para = "«Мы завершили этап», — сказал аким города Нурлан Бекмаганбетов. По его словам, работы идут.\n";
    let text = para.repeat(3_000);
    let mut ents = Vec::new();
    let per_len = para.chars().count();
    for k in 0..3_000 {
        let mut m = per(para, "Нурлан Бекмаганбетов", 0);
        m.start += k * per_len;
        m.end += k * per_len;
        ents.push(m);
    }
    let q = quotes(&text, &ents);
    assert_eq!(q.len(), 6_000);
    assert!(q
        .iter()
        .all(|x| x.speaker.as_deref() == Some("Нурлан Бекмаганбетов")));
}

#[test]
fn group_speaker_and_odd_input() {
    let t = "Он пригласил лидеров. Украинские СМИ сообщили, что участие подтвердили 107 стран.";
    let q = quotes(t, &[]);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].speaker.as_deref(), Some("украинские СМИ"));
    for odd in [
        "«",
        "»«",
        "\"",
        "— сказал он",
        ", что",
        "По словам",
        "«««»»»",
        "Об этом сообщил",
    ] {
        let _ = quotes(odd, &[]);
    }
    let bad = Mention {
        start: 5,
        end: 500,
        kind: EntityKind::Person,
        text: "x".into(),
        normal: "x".into(),
    };
    let _ = quotes("короткий текст", &[bad]);
}

#[test]
fn speakers_are_nominative_whatever_case_they_were_named_in() {
    let t = "Слово было предоставлено Эммануэлю Макрону. «Франция поддержит эту инициативу», — отметил он. По словам Дмитрия Грибова, работы завершены.";
    let q = quotes(
        t,
        &[per(t, "Эммануэлю Макрону", 0), per(t, "Дмитрия Грибова", 0)],
    );
    let speakers: Vec<Option<&str>> = q.iter().map(|x| x.speaker.as_deref()).collect();
    assert_eq!(
        speakers,
        [Some("Эммануэль Макрон"), Some("Дмитрий Грибов")],
        "{q:?}"
    );
}
