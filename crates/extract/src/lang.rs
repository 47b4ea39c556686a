//! Language of a text by its letters, when the page does not declare one.
//!
//! Kazakh Cyrillic has letters Russian lacks (ә ғ қ ң ө ұ ү һ і); a text with a
//! noticeable share of them is Kazakh, other Cyrillic is Russian, Latin is English.
//! Crude on purpose: declared languages win, this only fills the gap.

use khronika_model::Lang;

/// Guess the language of `text` from its script; `None` for too little text.
pub fn detect(text: &str) -> Option<Lang> {
    let (mut cyr, mut kk, mut latin, mut uk) = (0usize, 0usize, 0usize, 0usize);
    for c in text.chars().take(20_000) {
        match c {
            'ә' | 'ғ' | 'қ' | 'ң' | 'ө' | 'ұ' | 'ү' | 'һ' | 'Ә' | 'Ғ' | 'Қ' | 'Ң' | 'Ө' | 'Ұ'
            | 'Ү' | 'Һ' => {
                kk += 1;
                cyr += 1;
            }
            'і' | 'І' => {
                // Also Ukrainian and Belarusian; only Kazakh-only letters decide kk.
                cyr += 1;
                uk += 1;
            }
            'ї' | 'є' | 'ґ' | 'Ї' | 'Є' | 'Ґ' => {
                uk += 1;
                cyr += 1;
            }
            '\u{400}'..='\u{4ff}' => cyr += 1,
            'a'..='z' | 'A'..='Z' => latin += 1,
            _ => {}
        }
    }
    if cyr + latin < 20 {
        return None;
    }
    if cyr >= latin {
        if kk * 100 >= cyr {
            return Some(Lang::new("kk"));
        }
        if uk * 50 >= cyr {
            return Some(Lang::new("uk"));
        }
        return Some(Lang::russian());
    }
    Some(Lang::new("en"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts() {
        assert_eq!(
            detect("Қазақстан Республикасының Үкіметі жаңа бағдарламаны бекітті").map(|l| l.0),
            Some("kk".into())
        );
        assert_eq!(
            detect("Правительство Казахстана утвердило новую программу").map(|l| l.0),
            Some("ru".into())
        );
        assert_eq!(
            detect("The government approved a new programme today").map(|l| l.0),
            Some("en".into())
        );
        assert_eq!(detect("12:30"), None);
    }
}
