//! The generic vocabulary of site sections: what outlets call their rubrics in the
//! section name (`articleSection`, `article:section`, breadcrumbs, tags) and in URL path
//! segments and subdomains (English, Russian transliteration in its several spellings,
//! and Russian words). Same format as [`super::lexicon`]. Nothing here names a site: a
//! section word means the same on a federal portal, a regional site or a Kazakh outlet.
//!
//! A rubric list may name a section that is only *mostly* that rubric: «Здоровье» pages
//! carry medicine news (science) and advice (not news), so the word gives both.

pub const SOCIETY: &str = "
общество:1 общественн:1 =society:1 =obshchestvo:1 =obshestvo:1 =obschestvo:1 =obshhestvo:1 =social:0.8 =socium:1 социум:1
политик:1 =politics:1 =politika:1 =politic:1 =policy:0.6 =power:0.6 =vlast:1 власть:1 =gosudarstvo:1 государство:1
происшеств:1 =incidents:1 =incident:1 proisshestv:1 =accidents:1 =accident:1 =chp:1 =чп:1 криминал:1 =kriminal:1 =crime:1 =criminal:1 =sluchai:0.6
=world:0.8 =mir:0.8 =v-mire:1 =мире:0.8 =мир:0.6 =international:0.8 =abroad:0.8 =zarubezhye:1 зарубеж:1 =russia:0.5 =россия:0.5 =kazakhstan:0.5 =казахстан:0.5 =regions:0.6 =region:0.6 регион:0.6
=army:1 =armiya:1 =армия:1 =security:0.8 безопасност:0.8 =force:0.8 =defense:1 =право:0.8 =pravo:0.8 =law:0.8 =justice:1 =education:0.8 =obrazovanie:0.8 образовани:0.8
=coronavirus:0.6 коронавирус:0.6 =covid:0.6 =covid-19:0.6 =gorod:0.6 =город:0.6 =city:0.6 =moskva:0.5 =москва:0.5 =religion:1 религи:1
";

pub const ECONOMY: &str = "
экономик:1 =economy:1 =economics:1 =economic:1 =ekonomika:1 =ekonomik:1 =econ:1 =business:1 =biznes:1 бизнес:1 =finance:1 =finances:1 =finansy:1 финанс:1 =money:1 =dengi:1 деньги:1
=markets:1 =market:1 =рынки:1 =realty:1 =nedvizhimost:1 недвижимост:1 =realestate:1 =real-estate:1 промышлен:1 =industry:1 =energy:0.8 =energetika:0.8 энергетик:0.8 =agro:0.8 агро:0.8 =banks:1 =banki:1 банки:1
=companies:1 компании:1 =kompanii:1 =invest:1 =investments:1 инвестиции:1 =tenders:0.8 =trade:0.8 =torgovlya:0.8 =ekonomika-i-biznes:1
";

pub const TECHNOLOGY: &str = "
=hi-tech:1 =hitech:1 =hi_tech:1 хайтек:1 хай-тек:1 =tech:1 =technology:1 =technologies:1 =tehnologii:1 =tekhnologii:1 =texnologii:1 технологи:1 =техника:0.6 =tehnika:0.6
=gadgets:1 =gadzhety:1 гаджет:1 =it:1 =internet:1 интернет:1 =digital:0.8 =cifra:0.6 =soft:1 =software:1 =mobile:0.8 =telecom:1 =telekom:1 =связь:0.6 =media-tech:1
=auto:1 =avto:1 =авто:1 =cars:1 =car:1 автомобил:1 =avtomobili:1 =motor:0.8 =moto:0.8 =autonews:1 =avtonovosti:1
";

pub const SPORTS: &str = "
спорт:1 =sport:1 =sports:1 =football:1 =futbol:1 =soccer:1 футбол:1 =hockey:1 =hokkey:1 =hokkei:1 хоккей:1 =tennis:1 теннис:1 =boxing:1 =boks:1 бокс:1 =mma:1 единоборств:1
=basketball:1 =basketbol:1 баскетбол:1 =volleyball:1 =voleibol:1 =cybersport:1 =esports:1 =esport:1 =kibersport:1 киберспорт:1 =olympics:1 =olympic:1 олимпиад:1 =formula1:1 =f1:1 =biathlon:1 =biatlon:1 биатлон:1 =chess:1 =shakhmaty:1 =fight:0.8 =ufc:1
";

pub const ENTERTAINMENT: &str = "
=culture:1 =kultura:1 культур:1 =kino:1 =кино:1 =cinema:1 =movies:1 =movie:1 =film:1 =films:1 =serialy:1 =music:1 =muzyka:1 музык:1 =showbiz:1 =shoubiz:1 =show:1 шоу-бизнес:1 шоубиз:1 =шоу:1
=stars:1 =zvezdy:1 звезды:1 =celebrity:1 =celebrities:1 знаменитост:1 =afisha:1 афиша:1 =entertainment:1 развлечени:1 =razvlecheniya:1 =lifestyle:0.6 =life:0.5 лайфстайл:0.6 =style:0.6 =стиль:0.6
=moda:0.8 =мода:0.8 =stil-i-moda:0.8 =moda-i-stil:0.8 =stil:0.6 =fashion:0.8 =art:1 =iskusstvo:1 искусств:1 =books:1 =knigi:1 книги:1 =theatre:1 =theater:1 =teatr:1 театр:1 =tv:1 =тв:1 телевидени:1 =games:0.8 =igry:0.8 =игры:0.8
=animals:1 =zhivotnye:1 животн:1 =pets:1 =food:0.6 =eda:0.6 =еда:0.6 =люди:0.6 =people:0.6 =otdyh:0.5 =отдых:0.5 =leisure:0.6 досуг:0.6 =weekend:0.6 =humor:1 =юмор:1 =fun:1
";

pub const SCIENCE: &str = "
=science:1 =nauka:1 наук:1 =научные:1 =space:1 =kosmos:1 космос:1 =health:0.6 =zdorove:0.6 =zdorovye:0.6 =zdorovie:0.6 здоровь:0.6 =medicine:0.8 =medicina:0.8 медицин:0.8 =research:1 исследовани:1
=nauka-i-tehnika:1 =научпоп:1 =ecology:0.6 =ekologiya:0.6 экологи:0.6 =history:0.4 =istoriya:0.4
";

pub const OTHER: &str = "
=weather:1 =pogoda:1 погод:1 =horoscope:1 =horoscopes:1 =goroskop:1 =goroskopy:1 гороскоп:1 =astrology:1 астролог:1 =primety:1 приметы:1 =prazdniki:0.8 праздники:0.8 =lottery:1 лотере:1 =calendar:0.6
";

pub const NOT_NEWS: &str = "
=opinion:1 =opinions:1 =columns:1 =column:1 =kolonki:1 колонк:1 мнени:1 =mnenie:1 =mneniya:1 =blog:1 =blogs:1 блог:1 =articles:0.4 =stati:0.4 статьи:0.4 =analytics:0.3
=advice:1 =sovety:1 советы:1 =howto:1 =how-to:1 =recipes:1 =recepty:1 =recipe:1 рецепт:1 =dom:0.8 =дом:0.8 =home:0.6 =dacha:1 дача:1 =сад:0.8 огород:1 =garden:1
=family:1 =semya:1 семья:1 =deti:0.8 =дети:0.8 =parents:1 =travel:0.8 =puteshestviya:0.8 путешестви:0.8 =tourism:0.5 =turizm:0.5
=advert:1 =advertorial:1 =promo:1 =reklama:1 реклам:1 =partners:1 =partner:1 партнерск:1 спецпроект:1 =special:0.6 =specials:0.6 =press-release:1 =press-releases:1 пресс-релиз:1 =pr:0.8
=psychology:1 =psihologiya:1 психологи:1 =relations:1 =otnosheniya:1 отношени:1 =beauty:1 =krasota:1 =stil-i-moda:0.6 =moda-i-stil:0.6 красот:1 =lifehacks:1 =lifehack:1 лайфхак:1 =tests:1 =testy:1 тесты:1 =quiz:1
=lifestyle:0.6 =life:0.4 лайфстайл:0.6 =style:0.3 =health:0.5 =zdorove:0.5 =zdorovye:0.5 =zdorovie:0.5 здоровь:0.5 =food:0.6 =eda:0.6 =еда:0.6 =interview:0.2 =longread:0.5 =longreads:0.5
";
