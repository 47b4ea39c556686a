//! Small articles written for these tests (not taken from any data set).

use super::*;

fn text(title: &str, body: &str) -> Rubric {
    classify(&RubricInput {
        title,
        text: body,
        ..Default::default()
    })
}

#[test]
fn society_politics_and_incidents() {
    assert_eq!(
        text(
            "Депутаты мажилиса одобрили законопроект о выборах",
            "Депутаты мажилиса в среду одобрили в первом чтении законопроект о выборах в \
             местные представительные органы, сообщила пресс-служба парламента."
        ),
        Rubric::Society
    );
    assert_eq!(
        text(
            "В ДТП на трассе Алматы — Бишкек погибли два человека",
            "Авария произошла накануне вечером. Водитель легкового автомобиля выехал на \
             встречную полосу, сообщили в департаменте полиции. Возбуждено уголовное дело."
        ),
        Rubric::Society
    );
}

#[test]
fn economy_markets_and_business() {
    assert_eq!(
        text(
            "Курс тенге укрепился на фоне роста цен на нефть",
            "На утренних торгах Казахстанской фондовой биржи доллар подешевел на два тенге. \
             Аналитики связывают это с ростом котировок нефти марки Brent, сообщает агентство."
        ),
        Rubric::Economy
    );
    assert_eq!(
        text(
            "Нацбанк сохранил базовую ставку",
            "Национальный банк оставил базовую ставку без изменений, инфляция в апреле \
             замедлилась до 8 процентов, заявил председатель регулятора."
        ),
        Rubric::Economy
    );
}

#[test]
fn technology_gadgets_and_cars() {
    assert_eq!(
        text(
            "Samsung представила новый смартфон с камерой на 200 мегапикселей",
            "Компания показала смартфон с процессором Snapdragon, экраном 6,8 дюйма и \
             аккумулятором на 5000 мАч. Устройство получит обновление Android."
        ),
        Rubric::Technology
    );
    assert_eq!(
        text(
            "Новый кроссовер Haval получил полный привод",
            "Автомобиль оснащён двигателем объемом 1,5 литра и роботизированной \
             трансмиссией, продажи в Казахстане начнутся летом."
        ),
        Rubric::Technology
    );
}

#[test]
fn sports() {
    assert_eq!(
        text(
            "«Кайрат» обыграл «Тобол» и вышел в полуфинал Кубка",
            "Единственный гол в матче забил нападающий хозяев на 78-й минуте. Главный \
             тренер команды поблагодарил болельщиков."
        ),
        Rubric::Sports
    );
}

#[test]
fn entertainment_film_music_celebrities_animals() {
    assert_eq!(
        text(
            "Режиссер снимет продолжение культового фильма",
            "Съемки сиквела начнутся осенью, главную роль снова сыграет известный актер, \
             премьера в кинотеатрах запланирована на следующий год."
        ),
        Rubric::Entertainment
    );
    assert_eq!(
        text(
            "Певица выпустила клип на новую песню",
            "Звезда представила поклонникам видео к треку из будущего альбома."
        ),
        Rubric::Entertainment
    );
    assert_eq!(
        text(
            "В зоопарке родились два тигренка",
            "Тигрица и ее котята чувствуют себя хорошо, посетители увидят малышей летом."
        ),
        Rubric::Entertainment
    );
}

#[test]
fn science_research() {
    assert_eq!(
        text(
            "Ученые обнаружили у берегов Австралии новый вид глубоководных рыб",
            "Исследователи описали находку в научном журнале. По словам биологов, открытие \
             поможет понять эволюцию обитателей океана."
        ),
        Rubric::Science
    );
    assert_eq!(
        text(
            "Телескоп «Джеймс Уэбб» сфотографировал далекую галактику",
            "Астрономы получили снимок галактики, свет от которой шел к Земле 13 миллиардов лет."
        ),
        Rubric::Science
    );
}

#[test]
fn other_weather_and_horoscopes() {
    assert_eq!(
        text(
            "Синоптики пообещали снег и гололед на выходных",
            "По данным Казгидромета, в северных регионах ожидаются осадки, метель, \
             температура воздуха ночью опустится до минус 15 градусов."
        ),
        Rubric::Other
    );
    assert_eq!(
        text(
            "Гороскоп на неделю для всех знаков зодиака",
            "Овнам звезды советуют не торопиться, Тельцам стоит заняться финансами."
        ),
        Rubric::Other
    );
}

#[test]
fn not_news_how_tos_lists_and_ads() {
    assert_eq!(
        text(
            "Как выбрать зимние шины: советы эксперта",
            "Если вы планируете покупку, обратите внимание на индекс нагрузки. Не экономьте \
             на безопасности и проверьте дату производства."
        ),
        Rubric::NotNews
    );
    assert_eq!(
        text(
            "7 способов быстро уснуть",
            "Проветрите комнату, отложите телефон за час до сна и попробуйте дыхательную \
             гимнастику. Вам поможет и теплый душ."
        ),
        Rubric::NotNews
    );
    assert_eq!(
        text(
            "Рецепт пирога с яблоками",
            "Ингредиенты: стакан муки, три яйца, щепотка соли. Нарежьте яблоки, добавьте \
             тесто и выпекайте в духовке 40 минут."
        ),
        Rubric::NotNews
    );
    assert_eq!(
        text(
            "Скидки до 50% на всю технику",
            "Успейте купить со скидкой! Закажите доставку по телефону, промокод действует \
             до конца месяца. На правах рекламы."
        ),
        Rubric::NotNews
    );
}

#[test]
fn the_section_and_the_url_are_strong_evidence() {
    // A neutral title: the section decides.
    let r = |section: Option<&str>, url: Option<&str>| {
        classify(&RubricInput {
            title: "Итоги недели",
            text: "Рассказываем, что произошло за неделю, сообщил наш корреспондент.",
            url,
            section,
            ..Default::default()
        })
    };
    assert_eq!(r(Some("Спорт"), None), Rubric::Sports);
    assert_eq!(r(Some("Экономика и бизнес"), None), Rubric::Economy);
    assert_eq!(r(Some("Hi-Tech"), None), Rubric::Technology);
    assert_eq!(r(Some("Шоу-бизнес"), None), Rubric::Entertainment);
    assert_eq!(r(Some("Происшествия"), None), Rubric::Society);
    assert_eq!(
        r(
            None,
            Some("https://example.kz/ru/sport/football/12345-itogi.html")
        ),
        Rubric::Sports
    );
    assert_eq!(
        r(
            None,
            Some("https://www.example.ru/ekonomika/2024/05/12/itogi/")
        ),
        Rubric::Economy
    );
    assert_eq!(
        r(None, Some("https://pogoda.example.ru/news/12/")),
        Rubric::Other
    );
    assert_eq!(
        r(None, Some("https://example.ru/kino/itogi-nedeli")),
        Rubric::Entertainment
    );
    assert_eq!(
        r(None, Some("https://example.ru/nauka/12/")),
        Rubric::Science
    );
    // A slug is not a section: «sport» inside a long title slug is not read.
    let s = classify_scored(&RubricInput {
        title: "Итоги недели",
        url: Some("https://example.ru/2024/05/12/sportsmeny-poluchat-novye-kvartiry-v-gorode"),
        ..Default::default()
    });
    assert!(s.get(Rubric::Sports) < s.get(Rubric::Society) + 1.0);
}

#[test]
fn tags_count() {
    let tags = vec!["футбол".to_string(), "Лига чемпионов".to_string()];
    let r = classify(&RubricInput {
        title: "Итоги недели",
        text: "Рассказываем, что произошло за неделю, сообщил наш корреспондент.",
        site_tags: &tags,
        ..Default::default()
    });
    assert_eq!(r, Rubric::Sports);
}

#[test]
fn how_to_headline_shapes() {
    assert!(headline_not_news("Как выбрать ноутбук") >= 3.0);
    assert!(headline_not_news("Что делать, если сломался телефон") >= 3.0);
    assert!(headline_not_news("10 фильмов на выходные") >= 2.5);
    assert!(headline_not_news("Попробуйте это упражнение") >= 2.0);
    assert!(headline_not_news("Что такое инфляция и откуда она берется") >= 2.5);
    assert!(headline_not_news("Чем отличается вклад от депозита") >= 2.5);
    assert!(headline_not_news("6 привычек, которые портят сон") >= 2.0);
    assert!(headline_not_news("8 блюд, которые стоит попробовать") >= 2.0);
    // News headlines of the same shapes.
    assert!(headline_not_news("Как власти ответили на протесты") < 1.0);
    assert!(headline_not_news("5 человек погибли в ДТП") < 1.0);
    assert!(headline_not_news("На сайте акимата появилось объявление") < 1.0);
}

#[test]
fn empty_and_garbage_input_do_not_panic() {
    let s = classify_scored(&RubricInput::default());
    assert!(s.scores.iter().all(|x| x.is_finite()));
    // Nothing says this is news.
    assert_eq!(s.best(), Rubric::NotNews);
    let junk = "\u{0}\u{feff}<<>>%%%---  ё\u{301}\u{ad}-".repeat(500);
    let tags = vec![junk.clone(); 100];
    let _ = classify(&RubricInput {
        title: &junk,
        text: &junk,
        url: Some("://::@@/?#/%%/..//sport."),
        section: Some(&junk),
        site_tags: &tags,
    });
    let _ = classify(&RubricInput {
        url: Some("http://"),
        ..Default::default()
    });
    let long_word = "ы".repeat(10_000);
    let _ = classify(&RubricInput {
        title: &long_word,
        text: &long_word,
        url: Some(&long_word),
        ..Default::default()
    });
}

#[test]
fn scores_margin_and_best_agree() {
    let s = classify_scored(&RubricInput {
        title: "Хоккеисты сборной выиграли чемпионат мира",
        ..Default::default()
    });
    assert_eq!(s.best(), Rubric::Sports);
    assert!(s.margin() > 0.0);
}
