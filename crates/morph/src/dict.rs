//! The OpenCorpora dictionary (converted from pymorphy3-dicts-ru by `tools/dump_pymorphy.py`):
//! word-form FST, paradigm tables, and the suffix table of the unknown-word guesser.
//!
//! Layout of `tables.bin` (little-endian): magic `KHMORPH1`; tags (u32 count, then u16
//! length + UTF-8 each); suffixes; paradigm prefixes (same string layout); paradigms (u32
//! count; each u16 form count, then per form u16 suffix id, u16 tag id, u16 prefix id);
//! word parse lists (u32 count; each u8 length, then u16 paradigm, u16 form index);
//! prediction lists (u32 count; each u8 length, then u32 count, u16 paradigm, u16 form).

use crate::tag::Tag;

#[derive(Debug, thiserror::Error)]
pub enum DictError {
    #[error("dictionary tables are truncated or corrupt at byte {0}")]
    Truncated(usize),
    #[error("dictionary tables have a bad magic header (expected KHMORPH1)")]
    BadMagic,
    #[error("dictionary FST is invalid: {0}")]
    Fst(#[from] fst::Error),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Form {
    pub suffix: u16,
    pub tag: u16,
    pub prefix: u16,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Prediction {
    pub count: u32,
    pub para: u16,
    pub idx: u16,
}

#[derive(Debug)]
pub(crate) struct Tables {
    pub tags: Vec<Tag>,
    pub tag_text: Vec<Box<str>>,
    pub suffixes: Vec<Box<str>>,
    pub prefixes: Vec<Box<str>>,
    para_start: Vec<u32>,
    forms: Vec<Form>,
    list_start: Vec<u32>,
    lists: Vec<(u16, u16)>,
    pred_start: Vec<u32>,
    preds: Vec<Prediction>,
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DictError> {
        let s = self
            .b
            .get(self.pos..self.pos + n)
            .ok_or(DictError::Truncated(self.pos))?;
        self.pos += n;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, DictError> {
        Ok(self.take(1)?.first().copied().unwrap_or(0))
    }
    fn u16(&mut self) -> Result<u16, DictError> {
        let at = self.pos;
        let s = self
            .take(2)?
            .try_into()
            .map_err(|_| DictError::Truncated(at))?;
        Ok(u16::from_le_bytes(s))
    }
    fn u32(&mut self) -> Result<u32, DictError> {
        let at = self.pos;
        let s = self
            .take(4)?
            .try_into()
            .map_err(|_| DictError::Truncated(at))?;
        Ok(u32::from_le_bytes(s))
    }
    fn string(&mut self) -> Result<Box<str>, DictError> {
        let n = self.u16()? as usize;
        let at = self.pos;
        let s = self.take(n)?;
        std::str::from_utf8(s)
            .map(Into::into)
            .map_err(|_| DictError::Truncated(at))
    }
    fn strings(&mut self) -> Result<Vec<Box<str>>, DictError> {
        let n = self.u32()? as usize;
        let mut v = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            v.push(self.string()?);
        }
        Ok(v)
    }
}

impl Tables {
    pub fn parse(b: &[u8]) -> Result<Tables, DictError> {
        if b.get(..8) != Some(b"KHMORPH1".as_slice()) {
            return Err(DictError::BadMagic);
        }
        let mut r = Reader { b, pos: 8 };
        let tag_text = r.strings()?;
        let tags = tag_text.iter().map(|t| Tag::parse(t)).collect();
        let suffixes = r.strings()?;
        let prefixes = r.strings()?;
        let n = r.u32()? as usize;
        let mut para_start = Vec::with_capacity(n + 1);
        let mut forms = Vec::new();
        for _ in 0..n {
            para_start.push(forms.len() as u32);
            let k = r.u16()?;
            for _ in 0..k {
                let (suffix, tag, prefix) = (r.u16()?, r.u16()?, r.u16()?);
                let ok = (suffix as usize) < suffixes.len()
                    && (tag as usize) < tag_text.len()
                    && (prefix as usize) < prefixes.len();
                if !ok {
                    return Err(DictError::Truncated(r.pos));
                }
                forms.push(Form {
                    suffix,
                    tag,
                    prefix,
                });
            }
        }
        para_start.push(forms.len() as u32);
        let n = r.u32()? as usize;
        let mut list_start = Vec::with_capacity(n + 1);
        let mut lists = Vec::new();
        for _ in 0..n {
            list_start.push(lists.len() as u32);
            let k = r.u8()?;
            for _ in 0..k {
                lists.push((r.u16()?, r.u16()?));
            }
        }
        list_start.push(lists.len() as u32);
        let n = r.u32()? as usize;
        let mut pred_start = Vec::with_capacity(n + 1);
        let mut preds = Vec::new();
        for _ in 0..n {
            pred_start.push(preds.len() as u32);
            let k = r.u8()?;
            for _ in 0..k {
                preds.push(Prediction {
                    count: r.u32()?,
                    para: r.u16()?,
                    idx: r.u16()?,
                });
            }
        }
        pred_start.push(preds.len() as u32);
        Ok(Tables {
            tags,
            tag_text,
            suffixes,
            prefixes,
            para_start,
            forms,
            list_start,
            lists,
            pred_start,
            preds,
        })
    }

    pub fn paradigm(&self, para: u16) -> &[Form] {
        let p = para as usize;
        match (self.para_start.get(p), self.para_start.get(p + 1)) {
            (Some(&a), Some(&b)) => self.forms.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    pub fn form(&self, para: u16, idx: u16) -> Option<Form> {
        self.paradigm(para).get(idx as usize).copied()
    }

    pub fn word_list(&self, id: u64) -> &[(u16, u16)] {
        let i = id as usize;
        match (self.list_start.get(i), self.list_start.get(i + 1)) {
            (Some(&a), Some(&b)) => self.lists.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    pub fn pred_list(&self, id: u64) -> &[Prediction] {
        let i = id as usize;
        match (self.pred_start.get(i), self.pred_start.get(i + 1)) {
            (Some(&a), Some(&b)) => self.preds.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    pub fn tag(&self, id: u16) -> Option<&Tag> {
        self.tags.get(id as usize)
    }

    pub fn suffix(&self, id: u16) -> &str {
        self.suffixes.get(id as usize).map_or("", |s| s)
    }

    pub fn prefix(&self, id: u16) -> &str {
        self.prefixes.get(id as usize).map_or("", |s| s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_tables_give_errors() {
        assert!(matches!(Tables::parse(b""), Err(DictError::BadMagic)));
        assert!(matches!(
            Tables::parse(b"KHMORPH1\x05"),
            Err(DictError::Truncated(_))
        ));
        let mut b = b"KHMORPH1".to_vec();
        b.extend_from_slice(&1u32.to_le_bytes());
        b.extend_from_slice(&40u16.to_le_bytes());
        b.extend_from_slice(b"NOUN");
        assert!(matches!(Tables::parse(&b), Err(DictError::Truncated(_))));
    }
}
