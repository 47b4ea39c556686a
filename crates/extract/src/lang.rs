//! Language of a text by its letters and function words, when the page does not declare one.
//!
//! The region's Cyrillic languages are told apart by the letters each alphabet has and
//! lacks, beyond the Russian ones:
//!
//! | code | has                    | lacks (of the letters below)                  |
//! |------|------------------------|-----------------------------------------------|
//! | kk   | ә ғ қ ң ө ұ ү һ і      | ў ҳ ӣ ӯ ҷ ї є ґ                               |
//! | ky   | ң ө ү                  | ә ғ қ ұ һ і ў ҳ ӣ ӯ ҷ ї є ґ                   |
//! | uz   | ў қ ғ ҳ                | ә ң ө ұ ү һ і ӣ ӯ ҷ ї є ґ, ы щ                 |
//! | tg   | ғ ӣ қ ӯ ҳ ҷ            | ә ң ө ұ ү һ і ў ї є ґ, ы щ ц ь               |
//! | uk   | і ї є ґ, и щ           | the Turkic and Tajik letters, ў, ы э ё ъ      |
//! | be   | і ў, ы э ё             | the Turkic and Tajik letters, ї є, и щ ъ      |
//!
//! Each candidate scores +1 per letter it has and −2 per letter it lacks, plus 3 per
//! frequent function word of its own ("және", "менен", "билан", "дар", "що", "гэта"); ties
//! go to the language with the narrower alphabet (a Kyrgyz text has only ң ө ү, which
//! Kazakh also has). Text with under 1 % of such letters is Russian, and so is text where
//! Russian function words ("и", "что", "с") outnumber the winner's: a Russian report that
//! quotes "Қасым-Жомарт Тоқаев" or a Kazakh sentence stays Russian. Latin text is Uzbek
//! when Uzbek function words and oʻ/gʻ outweigh English function words, else English.
//! Declared languages win; this only fills the gap.
//!
//! Why not a crate (checked December 2026 with `cargo info` and a clean debug build of
//! each alone in a scratch project, 2 cores): whatlang 0.18 is cheap (3.3 s, 14 MB of
//! target dir) but has no Kazakh, Kyrgyz or Tajik; lingua 1.8 has no Kyrgyz, Uzbek or
//! Tajik, and even with only its ru/kk/uk/be/en models costs 36.5 s and 326 MB of target
//! dir. Neither covers the region; the tables here do, at no build cost.

use khronika_model::Lang;

/// Only the start of a long text is read.
const MAX_CHARS: usize = 20_000;
/// Fewer letters than this: no guess.
const MIN_LETTERS: usize = 20;
/// Share (in percent of Cyrillic letters) of non-Russian letters below which text is Russian.
const MIN_SPECIAL_PERCENT: usize = 1;
/// Weight of one function word against one letter.
const WORD_WEIGHT: i64 = 3;

/// Letters that tell the Cyrillic languages apart; the first [`N_SPECIAL`] are absent
/// from Russian.
const LETTERS: [char; 24] = [
    'ә', 'ұ', 'һ', 'і', 'ң', 'ө', 'ү', 'қ', 'ғ', 'ў', 'ҳ', 'ӣ', 'ӯ', 'ҷ', 'ї', 'є', 'ґ', //
    'и', 'щ', 'ы', 'э', 'ё', 'ъ', 'ц',
];
const N_SPECIAL: usize = 17;

struct Profile {
    code: &'static str,
    has: &'static str,
    lacks: &'static str,
    /// Frequent function words, space-separated.
    words: &'static str,
}

/// In tie-break order: narrower alphabets first.
const PROFILES: [Profile; 6] = [
    Profile {
        code: "ky",
        has: "ңөү",
        lacks: "әұһіқғўҳӣӯҷїєґ",
        words: "жана менен үчүн боюнча бул деп болуп тууралуу жөнүндө дагы болгон \
            кийин анын алар бирок эмес аркылуу тарабынан кылды берди жылы",
    },
    Profile {
        code: "uz",
        has: "ўқғҳ",
        lacks: "әұһіңөүӣӯҷїєґыщ",
        words: "билан учун бу йил йилда бўйича ҳақида мазкур ушбу этди қилди бўлди ўз \
            эса шу лекин бўлган томонидан кўра",
    },
    Profile {
        code: "tg",
        has: "ӣӯҷқғҳ",
        lacks: "әұһіңөүўїєґыщць",
        words: "дар аз ба бо ки барои мебошад шуд буд кард намуд ин ҳамчун вале \
            инчунин мешавад гуфт низ",
    },
    Profile {
        code: "kk",
        has: "әұһіңөүқғ",
        lacks: "ўҳӣӯҷїєґ",
        words: "және мен бен пен бұл деп үшін жылы болып бойынша туралы сондай деді ол \
            осы қатысты арқылы кезінде болды еді кейін бірақ оның олар",
    },
    Profile {
        code: "be",
        has: "іўыэё",
        lacks: "әұһңөүқғҳӣӯҷїєищъ",
        words: "што гэта яго быў таксама годзе ад пасля ён яна яны каб ўжо толькі \
            паміж ці ў сёння паводле",
    },
    Profile {
        code: "uk",
        has: "іїєґищ",
        lacks: "әұһңөүқғўҳӣӯҷыэёъ",
        words: "та що це його був була було також який яка які році року від із зі вже \
            тільки після він вона вони щоб між",
    },
];

/// Russian words absent from the other languages here (so "в", "на", "не" are not).
const RU_WORDS: &str = "и что это как с со от из к также его её ее был была были было который \
    которая которые которых после году она они чтобы уже только ещё еще более \
    между этого этом";

const UZ_LATIN_WORDS: &str =
    "va bilan uchun bu ham yil yilda boʻyicha haqida mazkur ushbu etdi qildi \
    boʻldi oʻz esa shu lekin boʻlgan tomonidan koʻra yangi";

const EN_WORDS: &str =
    "the and of to in is was for on with that by said from at as it has have were \
    are be this which will";

/// Apostrophes Uzbek Latin writes oʻ and gʻ with (the proper one is U+02BB).
fn is_apostrophe(c: char) -> bool {
    matches!(c, 'ʻ' | '\'' | '’' | '‘' | '`' | 'ʼ')
}

/// Bits of [`Lexicon::lists`] after the profiles' own (bit i = `PROFILES[i]`).
const RU_BIT: u16 = 1 << PROFILES.len();
const UZ_BIT: u16 = RU_BIT << 1;
const EN_BIT: u16 = RU_BIT << 2;

/// Every function word with the lists it is in, sorted for binary search: one lookup per
/// word of the text instead of a scan of every list (the scan made detection the slowest
/// step of extraction on long undeclared pages).
struct Lexicon(Vec<(&'static str, u16)>);

impl Lexicon {
    /// Every word list with its bit.
    fn word_lists() -> impl Iterator<Item = (&'static str, u16)> {
        PROFILES
            .iter()
            .enumerate()
            .map(|(i, p)| (p.words, 1u16 << i))
            .chain([
                (RU_WORDS, RU_BIT),
                (UZ_LATIN_WORDS, UZ_BIT),
                (EN_WORDS, EN_BIT),
            ])
    }

    fn new() -> Lexicon {
        let mut words: Vec<(&'static str, u16)> = Lexicon::word_lists()
            .flat_map(|(list, bit)| list.split_whitespace().map(move |w| (w, bit)))
            .collect();
        words.sort_unstable();
        let mut merged: Vec<(&'static str, u16)> = Vec::with_capacity(words.len());
        for (w, bit) in words {
            match merged.last_mut() {
                Some(last) if last.0 == w => last.1 |= bit,
                _ => merged.push((w, bit)),
            }
        }
        Lexicon(merged)
    }

    /// The lists `w` is in, as bits.
    fn lists(&self, w: &str) -> u16 {
        self.0
            .binary_search_by(|(x, _)| (*x).cmp(w))
            .ok()
            .and_then(|i| self.0.get(i))
            .map_or(0, |e| e.1)
    }
}

#[derive(Default)]
struct Tally {
    cyr: usize,
    latin: usize,
    letters: [usize; LETTERS.len()],
    /// Function-word hits per profile, then Russian, Uzbek Latin, English.
    words: [usize; PROFILES.len()],
    ru_words: usize,
    uz_words: usize,
    en_words: usize,
    /// Latin words with oʻ / gʻ.
    uz_apostrophe: usize,
}

impl Tally {
    fn of(text: &str) -> Tally {
        let mut t = Tally::default();
        let lexicon = Lexicon::new();
        let mut word = String::new();
        for c in text.chars().take(MAX_CHARS).chain(std::iter::once(' ')) {
            if c.is_alphabetic() || (is_apostrophe(c) && !word.is_empty()) {
                for l in c.to_lowercase() {
                    match l {
                        '\u{400}'..='\u{4ff}' => {
                            t.cyr += 1;
                            if let Some(i) = LETTERS.iter().position(|&x| x == l) {
                                t.letters[i] += 1;
                            }
                        }
                        'a'..='z' => t.latin += 1,
                        _ => {}
                    }
                    word.push(if is_apostrophe(l) { 'ʻ' } else { l });
                }
            } else if !word.is_empty() {
                t.word(&lexicon, word.trim_end_matches('ʻ'));
                word.clear();
            }
        }
        t
    }

    fn word(&mut self, lexicon: &Lexicon, w: &str) {
        let lists = lexicon.lists(w);
        for (i, n) in self.words.iter_mut().enumerate() {
            *n += usize::from(lists & (1 << i) != 0);
        }
        self.ru_words += usize::from(lists & RU_BIT != 0);
        self.uz_words += usize::from(lists & UZ_BIT != 0);
        self.en_words += usize::from(lists & EN_BIT != 0);
        self.uz_apostrophe += usize::from(w.contains("oʻ") || w.contains("gʻ"));
    }

    fn count(&self, set: &str) -> i64 {
        set.chars()
            .filter_map(|c| LETTERS.iter().position(|&x| x == c))
            .map(|i| self.letters[i] as i64)
            .sum()
    }

    fn score(&self, i: usize) -> i64 {
        let p = &PROFILES[i];
        self.count(p.has) - 2 * self.count(p.lacks) + WORD_WEIGHT * self.words[i] as i64
    }

    fn cyrillic(&self) -> &'static str {
        let special: usize = self.letters[..N_SPECIAL].iter().sum();
        if special * 100 < self.cyr * MIN_SPECIAL_PERCENT {
            return "ru";
        }
        // First maximum wins: PROFILES is in tie-break order.
        let mut best = 0;
        for i in 1..PROFILES.len() {
            if self.score(i) > self.score(best) {
                best = i;
            }
        }
        if self.score(best) <= 0 || self.ru_words > self.words[best] {
            return "ru";
        }
        PROFILES[best].code
    }

    fn latin(&self) -> &'static str {
        let uz = WORD_WEIGHT as usize * self.uz_words + self.uz_apostrophe;
        if uz > WORD_WEIGHT as usize * self.en_words {
            "uz"
        } else {
            "en"
        }
    }
}

/// Guess the language of `text` (ISO 639-1: kk, ky, uz, tg, ru, uk, be, en); `None` for
/// too little text.
pub fn detect(text: &str) -> Option<Lang> {
    let t = Tally::of(text);
    if t.cyr + t.latin < MIN_LETTERS {
        return None;
    }
    Some(Lang::new(if t.cyr >= t.latin {
        t.cyrillic()
    } else {
        t.latin()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> Option<String> {
        detect(text).map(|l| l.0)
    }

    #[test]
    fn scripts() {
        assert_eq!(
            code("Қазақстан Республикасының Үкіметі жаңа бағдарламаны бекітті"),
            Some("kk".into())
        );
        assert_eq!(
            code("Правительство Казахстана утвердило новую программу"),
            Some("ru".into())
        );
        assert_eq!(
            code("The government approved a new programme today"),
            Some("en".into())
        );
        assert_eq!(code("12:30"), None);
    }

    #[test]
    fn each_language_of_the_region() {
        let cases = [
            (
                "kk",
                "Астанада жаңа мектеп ашылды. Білім министрі бұл ғимаратта мың бала оқитынын айтты.",
            ),
            (
                "ky",
                "Бишкекте жаңы мектеп ачылды. Билим берүү министри бул имаратта миң бала окуй турганын айтты.",
            ),
            (
                "uz",
                "Тошкентда янги мактаб очилди. Халқ таълими вазири бу бинода минг нафар ўқувчи ўқишини маълум қилди.",
            ),
            (
                "uz",
                "Toshkentda yangi maktab ochildi. Xalq taʼlimi vaziri bu binoda ming nafar oʻquvchi oʻqishini maʼlum qildi.",
            ),
            (
                "uz",
                "Samarqand viloyatida yangi ko'prik qurildi va u bilan shahar markaziga yo'l qisqardi.",
            ),
            (
                "tg",
                "Дар Душанбе мактаби нав кушода шуд. Вазири маорифи Тоҷикистон гуфт, ки дар ин бино ҳазор нафар хонанда таҳсил мекунад.",
            ),
            (
                "ru",
                "В Алматы открыли новую школу. Министр просвещения сообщил, что в здании будут учиться тысяча детей.",
            ),
            (
                "uk",
                "У Києві відкрили нову школу. Міністр освіти повідомив, що в будівлі навчатимуться тисяча дітей.",
            ),
            (
                "be",
                "У Мінску адкрылі новую школу. Міністр адукацыі паведаміў, што ў будынку будуць вучыцца тысяча дзяцей.",
            ),
            (
                "en",
                "A new school opened in Almaty on Monday, the city administration said in a statement.",
            ),
        ];
        for (want, text) in cases {
            assert_eq!(code(text).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn kyrgyz_and_uzbek_letters_are_not_kazakh() {
        // Only ң ө ү: Kyrgyz (the old detector called this Kazakh).
        assert_eq!(
            code("Өкмөт жаңы мыйзам долбоорун жактырды, деп билдирди маалымат кызматы.").as_deref(),
            Some("ky")
        );
        // қ ғ ҳ ў: Uzbek.
        assert_eq!(
            code("Ҳукумат янги қонун лойиҳасини маъқуллади, деб хабар берди ўз каналида ахборот хизмати.").as_deref(),
            Some("uz")
        );
    }

    #[test]
    fn russian_quoting_kazakh_stays_russian() {
        assert_eq!(
            code("Президент Қасым-Жомарт Тоқаев провёл встречу с акимом Алматы и обсудил строительство новых школ.")
                .as_deref(),
            Some("ru")
        );
        let page = "Аким области встретился с жителями села Жаңатұрмыс и рассказал о планах. \
            «Біз бірге жұмыс істейміз», — сказал он по-казахски. Жители попросили отремонтировать \
            дорогу и построить новую школу, которую обещали ещё в прошлом году. \
            Работы начнутся весной, уточнили в акимате Әлихан Бөкейхан ауданы.";
        assert_eq!(code(page).as_deref(), Some("ru"));
    }

    #[test]
    fn lexicon_finds_every_list_a_word_is_in() {
        let lexicon = Lexicon::new();
        let lists: Vec<(&str, u16)> = Lexicon::word_lists().collect();
        for (list, _) in &lists {
            for w in list.split_whitespace() {
                // What a scan of every list says, against the one lookup.
                let scanned = lists
                    .iter()
                    .filter(|(l, _)| l.split_whitespace().any(|x| x == w))
                    .fold(0u16, |acc, (_, bit)| acc | bit);
                assert_eq!(lexicon.lists(w), scanned, "{w}");
            }
        }
        // "жылы" is both Kyrgyz and Kazakh.
        assert_eq!(lexicon.lists("жылы"), 1 | 1 << 3);
        assert_eq!(lexicon.lists("жылыы"), 0);
        assert_eq!(lexicon.lists(""), 0);
    }

    #[test]
    fn empty_and_garbage() {
        assert_eq!(code(""), None);
        assert_eq!(code("   \n\t "), None);
        assert_eq!(
            code("12:30 15.04.2025 © 2025 !!! ### --- 🙂🙂🙂 ₸ 1 000 000"),
            None
        );
        assert_eq!(code("ʻʻʻ '''' ’’’ қ ң ө"), None);
        // Long garbage still gets a script-level answer, and never panics.
        assert!(code(&"ӣ\u{301}ʻ'x".repeat(10_000)).is_some());
    }
}
