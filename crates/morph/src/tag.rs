//! OpenCorpora grammatical tags ("NOUN,anim,masc,Sgtm,Surn sing,gent") as a bit set plus
//! the categories the pipeline asks about most.

/// Every grammeme of the OpenCorpora tag set that the dictionary uses; a tag is a bit set
/// over this list (the index is the bit).
pub const GRAMMEMES: [&str; 97] = [
    "NOUN", "anim", "masc", "sing", "nomn", "gent", "datv", "accs", "ablt", "loct", "plur", "inan",
    "ADVB", "ADJF", "Qual", "femn", "V-oy", "neut", "ADJS", "COMP", "V-ej", "Cmp2", "INFN", "impf",
    "tran", "VERB", "1per", "pres", "indc", "2per", "3per", "past", "impr", "excl", "PRTF", "pssv",
    "GRND", "V-sh", "PRTS", "intr", "actv", "V-ey", "perf", "futr", "incl", "Arch", "CONJ", "INTJ",
    "PRCL", "Fixd", "PREP", "Sgtm", "Name", "Patr", "Geox", "Surn", "ms-f", "Pltm", "Orgn", "V-ie",
    "V-en", "V-be", "V-bi", "Supr", "Infr", "Poss", "loc2", "Erro", "Prnt", "GNdr", "gen2", "Subx",
    "Slng", "Inmx", "voct", "Abbr", "Dist", "Coun", "PRED", "Adjx", "Ms-f", "Hypo", "Vpre", "Prdx",
    "Litr", "Fimp", "Impe", "Apro", "Impx", "Anum", "NUMR", "Coll", "NPRO", "Ques", "Anph", "Dmns",
    "Af-p",
];

fn bit(name: &str) -> u128 {
    GRAMMEMES
        .iter()
        .position(|g| *g == name)
        .map_or(0, |i| 1u128 << i)
}

/// Part of speech (OpenCorpora).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pos {
    Noun,
    /// Full adjective.
    Adjf,
    /// Short adjective.
    Adjs,
    Comp,
    Verb,
    Infn,
    /// Full participle.
    Prtf,
    /// Short participle.
    Prts,
    Grnd,
    Numr,
    Advb,
    Npro,
    Pred,
    Prep,
    Conj,
    Prcl,
    Intj,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Case {
    Nomn,
    Gent,
    Datv,
    Accs,
    Ablt,
    Loct,
    Voct,
    /// Second genitive ("чаю").
    Gen2,
    /// Second prepositional ("в лесу").
    Loc2,
}

impl Case {
    /// The main case this one is a variant of (gen2 → gent, loc2 → loct, voct → nomn).
    pub fn main(self) -> Case {
        match self {
            Case::Gen2 => Case::Gent,
            Case::Loc2 => Case::Loct,
            Case::Voct => Case::Nomn,
            c => c,
        }
    }

    pub fn grammeme(self) -> &'static str {
        match self {
            Case::Nomn => "nomn",
            Case::Gent => "gent",
            Case::Datv => "datv",
            Case::Accs => "accs",
            Case::Ablt => "ablt",
            Case::Loct => "loct",
            Case::Voct => "voct",
            Case::Gen2 => "gen2",
            Case::Loc2 => "loc2",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    Masc,
    Femn,
    Neut,
    /// Common gender ("сирота", surnames like "Дюма"): agrees with masculine and feminine.
    Common,
}

impl Gender {
    pub fn grammeme(self) -> &'static str {
        match self {
            Gender::Masc => "masc",
            Gender::Femn => "femn",
            Gender::Neut => "neut",
            Gender::Common => "ms-f",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Number {
    Sing,
    Plur,
}

impl Number {
    pub fn grammeme(self) -> &'static str {
        match self {
            Number::Sing => "sing",
            Number::Plur => "plur",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Animacy {
    Anim,
    Inan,
}

/// A grammatical tag: the categories as fields and every grammeme in a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tag {
    pub pos: Option<Pos>,
    pub case: Option<Case>,
    pub gender: Option<Gender>,
    pub number: Option<Number>,
    pub animacy: Option<Animacy>,
    bits: u128,
}

impl Tag {
    /// Parses an OpenCorpora tag string; unknown grammemes are ignored.
    pub fn parse(s: &str) -> Tag {
        let mut tag = Tag {
            pos: None,
            case: None,
            gender: None,
            number: None,
            animacy: None,
            bits: 0,
        };
        for g in s.split([',', ' ']).filter(|g| !g.is_empty()) {
            tag.bits |= bit(g);
            match g {
                "NOUN" => tag.pos = Some(Pos::Noun),
                "ADJF" => tag.pos = Some(Pos::Adjf),
                "ADJS" => tag.pos = Some(Pos::Adjs),
                "COMP" => tag.pos = Some(Pos::Comp),
                "VERB" => tag.pos = Some(Pos::Verb),
                "INFN" => tag.pos = Some(Pos::Infn),
                "PRTF" => tag.pos = Some(Pos::Prtf),
                "PRTS" => tag.pos = Some(Pos::Prts),
                "GRND" => tag.pos = Some(Pos::Grnd),
                "NUMR" => tag.pos = Some(Pos::Numr),
                "ADVB" => tag.pos = Some(Pos::Advb),
                "NPRO" => tag.pos = Some(Pos::Npro),
                "PRED" => tag.pos = Some(Pos::Pred),
                "PREP" => tag.pos = Some(Pos::Prep),
                "CONJ" => tag.pos = Some(Pos::Conj),
                "PRCL" => tag.pos = Some(Pos::Prcl),
                "INTJ" => tag.pos = Some(Pos::Intj),
                "nomn" => tag.case = Some(Case::Nomn),
                "gent" => tag.case = Some(Case::Gent),
                "datv" => tag.case = Some(Case::Datv),
                "accs" => tag.case = Some(Case::Accs),
                "ablt" => tag.case = Some(Case::Ablt),
                "loct" => tag.case = Some(Case::Loct),
                "voct" => tag.case = Some(Case::Voct),
                "gen2" => tag.case = Some(Case::Gen2),
                "loc2" => tag.case = Some(Case::Loc2),
                "masc" => tag.gender = Some(Gender::Masc),
                "femn" => tag.gender = Some(Gender::Femn),
                "neut" => tag.gender = Some(Gender::Neut),
                "ms-f" => tag.gender = Some(Gender::Common),
                "sing" => tag.number = Some(Number::Sing),
                "plur" => tag.number = Some(Number::Plur),
                "anim" => tag.animacy = Some(Animacy::Anim),
                "inan" => tag.animacy = Some(Animacy::Inan),
                _ => {}
            }
        }
        tag
    }

    /// Whether the tag has the grammeme `name` ("Surn", "Geox", "plur", …).
    pub fn has(&self, name: &str) -> bool {
        let b = bit(name);
        b != 0 && self.bits & b != 0
    }

    pub(crate) fn bits(&self) -> u128 {
        self.bits
    }

    pub fn is_name(&self) -> bool {
        self.bits & NAME != 0
    }
    pub fn is_surname(&self) -> bool {
        self.bits & SURN != 0
    }
    pub fn is_patronymic(&self) -> bool {
        self.bits & PATR != 0
    }
    /// A person-name part: first name, surname or patronymic.
    pub fn is_person_part(&self) -> bool {
        self.bits & (NAME | SURN | PATR) != 0
    }
    pub fn is_geo(&self) -> bool {
        self.bits & GEOX != 0
    }
    pub fn is_org(&self) -> bool {
        self.bits & ORGN != 0
    }
    /// Indeclinable ("Fixd").
    pub fn is_fixed(&self) -> bool {
        self.bits & FIXD != 0
    }
    pub fn is_abbr(&self) -> bool {
        self.bits & ABBR != 0
    }
    /// Open-class tag (pymorphy's `is_productive`): what the unknown-word guesser may return.
    pub fn is_productive(&self) -> bool {
        self.bits & NON_PRODUCTIVE == 0
    }
}

// Bit positions in GRAMMEMES (checked by a unit test).
const NAME: u128 = 1 << 52;
const PATR: u128 = 1 << 53;
const GEOX: u128 = 1 << 54;
const SURN: u128 = 1 << 55;
const ORGN: u128 = 1 << 58;
const FIXD: u128 = 1 << 49;
const ABBR: u128 = 1 << 75;
const NON_PRODUCTIVE: u128 =
    (1 << 90) | (1 << 92) | (1 << 78) | (1 << 50) | (1 << 46) | (1 << 48) | (1 << 47) | (1 << 87);

/// Bits of the grammemes of one category, to replace a category when inflecting.
pub(crate) fn category_bits(grammeme: &str) -> u128 {
    const CASES: [&str; 9] = [
        "nomn", "gent", "datv", "accs", "ablt", "loct", "voct", "gen2", "loc2",
    ];
    const NUMBERS: [&str; 2] = ["sing", "plur"];
    const GENDERS: [&str; 4] = ["masc", "femn", "neut", "ms-f"];
    for cat in [&CASES[..], &NUMBERS[..], &GENDERS[..]] {
        if cat.contains(&grammeme) {
            return cat.iter().fold(0, |acc, g| acc | bit(g));
        }
    }
    bit(grammeme)
}

pub(crate) fn grammeme_bit(name: &str) -> u128 {
    bit(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_constants_match_the_list() {
        assert_eq!(NAME, bit("Name"));
        assert_eq!(PATR, bit("Patr"));
        assert_eq!(GEOX, bit("Geox"));
        assert_eq!(SURN, bit("Surn"));
        assert_eq!(ORGN, bit("Orgn"));
        assert_eq!(FIXD, bit("Fixd"));
        assert_eq!(ABBR, bit("Abbr"));
        let np = [
            "NUMR", "NPRO", "PRED", "PREP", "CONJ", "PRCL", "INTJ", "Apro",
        ];
        assert_eq!(NON_PRODUCTIVE, np.iter().fold(0, |a, g| a | bit(g)));
    }

    #[test]
    fn parses_categories() {
        let t = Tag::parse("NOUN,anim,masc,Sgtm,Surn sing,gent");
        assert_eq!(t.pos, Some(Pos::Noun));
        assert_eq!(t.case, Some(Case::Gent));
        assert_eq!(t.gender, Some(Gender::Masc));
        assert_eq!(t.number, Some(Number::Sing));
        assert_eq!(t.animacy, Some(Animacy::Anim));
        assert!(t.is_surname() && !t.is_name() && t.has("Sgtm") && t.is_productive());
    }
}
