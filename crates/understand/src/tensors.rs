//! Reader for khronika's flat tensor file (`models/*.knt`, written by
//! `tools/convert_slovnet.py`).
//!
//! Layout, all little-endian: magic `KHRTNS01`, `u32` entry count, then per entry: `u16`
//! name length + UTF-8 name, `u8` dtype (0 f32, 1 u8, 2 UTF-8 text, 3 gzip UTF-8 text),
//! `u8` rank, `rank × u32` dims, `u64` byte length, the bytes. Entries borrow the input
//! bytes; nothing is copied until a caller asks for a typed array.

use std::io::Read;

use crate::ModelError;

const MAGIC: &[u8; 8] = b"KHRTNS01";
/// Upper bounds that keep a corrupt file from asking for absurd allocations.
const MAX_ENTRIES: u32 = 1024;
const MAX_TEXT: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DType {
    F32,
    U8,
    Text,
    GzText,
}

#[derive(Debug, Clone)]
pub(crate) struct Entry<'a> {
    pub name: &'a str,
    pub dtype: DType,
    pub shape: Vec<usize>,
    pub data: &'a [u8],
}

/// All entries of one tensor file, in file order.
#[derive(Debug)]
pub(crate) struct TensorFile<'a> {
    entries: Vec<Entry<'a>>,
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| ModelError::Format("file is truncated".into()))?;
        let out = self.bytes.get(self.pos..end).unwrap_or_default();
        self.pos = end;
        Ok(out)
    }
    fn u8(&mut self) -> Result<u8, ModelError> {
        Ok(self.take(1)?.first().copied().unwrap_or_default())
    }
    fn u16(&mut self) -> Result<u16, ModelError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, ModelError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, ModelError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
}

impl<'a> TensorFile<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ModelError> {
        let mut cur = Cursor { bytes, pos: 0 };
        if cur.take(8)? != MAGIC {
            return Err(ModelError::Format(
                "not a khronika tensor file (bad magic)".into(),
            ));
        }
        let count = cur.u32()?;
        if count > MAX_ENTRIES {
            return Err(ModelError::Format(format!("{count} entries is too many")));
        }
        let mut entries = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let name_len = cur.u16()? as usize;
            let name = std::str::from_utf8(cur.take(name_len)?)
                .map_err(|_| ModelError::Format("entry name is not UTF-8".into()))?;
            let dtype = match cur.u8()? {
                0 => DType::F32,
                1 => DType::U8,
                2 => DType::Text,
                3 => DType::GzText,
                other => return Err(ModelError::Format(format!("{name}: unknown dtype {other}"))),
            };
            let rank = cur.u8()? as usize;
            let mut shape = Vec::with_capacity(rank);
            for _ in 0..rank {
                shape.push(cur.u32()? as usize);
            }
            let len = usize::try_from(cur.u64()?)
                .map_err(|_| ModelError::Format(format!("{name}: length overflows")))?;
            let data = cur.take(len)?;
            let elems = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
            let expected = match dtype {
                DType::F32 => elems.and_then(|e| e.checked_mul(4)),
                DType::U8 | DType::Text => elems,
                DType::GzText => Some(len),
            };
            if expected != Some(len) {
                return Err(ModelError::Format(format!(
                    "{name}: {len} bytes do not match shape {shape:?}"
                )));
            }
            entries.push(Entry {
                name,
                dtype,
                shape,
                data,
            });
        }
        Ok(TensorFile { entries })
    }

    fn get(&self, name: &str, dtype: DType) -> Result<&Entry<'a>, ModelError> {
        let e = self
            .entries
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| ModelError::Format(format!("missing tensor {name}")))?;
        let same = e.dtype == dtype || (dtype == DType::Text && e.dtype == DType::GzText);
        if !same {
            return Err(ModelError::Format(format!(
                "{name}: unexpected dtype {:?}",
                e.dtype
            )));
        }
        Ok(e)
    }

    /// The shape of a tensor entry.
    pub fn shape(&self, name: &str) -> Result<Vec<usize>, ModelError> {
        self.entries
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.shape.clone())
            .ok_or_else(|| ModelError::Format(format!("missing tensor {name}")))
    }

    /// An f32 tensor, checked against the expected shape.
    pub fn f32(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, ModelError> {
        let e = self.get(name, DType::F32)?;
        if e.shape != shape {
            return Err(ModelError::Format(format!(
                "{name}: shape {:?}, expected {shape:?}",
                e.shape
            )));
        }
        Ok(e.data
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    /// A u8 tensor, borrowed; returns its shape too.
    pub fn u8(&self, name: &str) -> Result<(&'a [u8], Vec<usize>), ModelError> {
        let e = self.get(name, DType::U8)?;
        Ok((e.data, e.shape.clone()))
    }

    /// A text entry, decompressed if stored gzipped.
    pub fn text(&self, name: &str) -> Result<String, ModelError> {
        let e = self.get(name, DType::Text)?;
        let bytes = if e.dtype == DType::GzText {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(e.data)
                .take(MAX_TEXT as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|err| ModelError::Format(format!("{name}: bad gzip: {err}")))?;
            if out.len() > MAX_TEXT {
                return Err(ModelError::Format(format!("{name}: text too large")));
            }
            out
        } else {
            e.data.to_vec()
        };
        String::from_utf8(bytes).map_err(|_| ModelError::Format(format!("{name}: not UTF-8")))
    }
}
