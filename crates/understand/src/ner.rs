//! The slovnet NER network (`slovnet/exec/model.py`, `NER`), re-implemented for CPU inference:
//! navec word embedding (product-quantised, 300d) ‖ shape embedding (30d) → three
//! Conv1d(k=3, pad=1) → ReLU → BatchNorm layers (330→256→128→64) → Linear(64→8) → CRF
//! Viterbi over BIO tags. Weights come from `models/ner_news_v1.knt`.
//!
//! Cost model: ≈ 376 k multiply-adds per token, ~all of it in the three convolutions, done
//! as one GEMM per layer over blocks of tokens (`matrixmultiply`).

use std::borrow::Cow;
use std::collections::HashMap;

use crate::qgemm::{qgemm, PackedI8};
use crate::shape::word_shape;
use crate::tensors::TensorFile;
use crate::ModelError;

/// Tokens per convolution block: keeps the activations of a block in L2.
const BLOCK: usize = 256;
/// Receptive-field radius of the three k=3 convolutions: a block needs this much context.
const HALO: usize = 3;
/// Longest token sequence decoded as one CRF chain; longer texts are decoded in pieces so
/// memory stays bounded (real articles are far below this).
pub(crate) const MAX_CHAIN: usize = 100_000;

/// A BIO tag of the model's tag vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// `<pad>`: never closes or opens a span (slovnet's `bio_spans` ignores it).
    Pad,
    O,
    B(khronika_model::EntityKind),
    I(khronika_model::EntityKind),
}

fn parse_tag(s: &str) -> Result<Tag, ModelError> {
    use khronika_model::EntityKind::*;
    let kind = |t: &str| match t {
        "PER" => Ok(Person),
        "ORG" => Ok(Organisation),
        "LOC" => Ok(Location),
        _ => Err(ModelError::Format(format!("unknown tag type {t}"))),
    };
    Ok(match s {
        "<pad>" => Tag::Pad,
        "O" => Tag::O,
        _ => match s.split_once('-') {
            Some(("B", t)) => Tag::B(kind(t)?),
            Some(("I", t)) => Tag::I(kind(t)?),
            _ => return Err(ModelError::Format(format!("unknown tag {s}"))),
        },
    })
}

/// Word → id lookup over the 250 K navec words without one allocation per word: an
/// open-addressing table of ids, the words kept in one string.
#[derive(Debug)]
struct WordVocab {
    text: String,
    offsets: Vec<u32>,
    table: Vec<u32>,
    mask: usize,
}

const EMPTY: u32 = u32::MAX;

fn hash(s: &str) -> usize {
    // FNV-1a: deterministic, fast for short keys.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in s.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h ^ (h >> 29)) as usize
}

impl WordVocab {
    fn new(text: String) -> Result<Self, ModelError> {
        let mut offsets = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                offsets.push(i as u32);
                offsets.push(i as u32 + 1);
            }
        }
        offsets.push(text.len() as u32);
        // offsets holds (start, end) pairs
        let n = offsets.len() / 2;
        let size = (n * 2).next_power_of_two();
        let mut vocab = WordVocab {
            text,
            offsets,
            table: vec![EMPTY; size],
            mask: size - 1,
        };
        for id in 0..n {
            let word = vocab.word(id as u32).to_owned();
            let mut slot = hash(&word) & vocab.mask;
            loop {
                match vocab.table.get(slot).copied() {
                    Some(EMPTY) => {
                        if let Some(s) = vocab.table.get_mut(slot) {
                            *s = id as u32;
                        }
                        break;
                    }
                    // a duplicate word keeps its first id, as Python's dict build would keep
                    // the last — the slovnet vocab has no duplicates (checked by the converter)
                    Some(other) if vocab.word(other) == word => break,
                    _ => slot = (slot + 1) & vocab.mask,
                }
            }
        }
        Ok(vocab)
    }

    fn len(&self) -> usize {
        self.offsets.len() / 2
    }

    fn word(&self, id: u32) -> &str {
        let i = id as usize * 2;
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&s), Some(&e)) => self.text.get(s as usize..e as usize).unwrap_or_default(),
            _ => "",
        }
    }

    fn get(&self, word: &str) -> Option<u32> {
        let mut slot = hash(word) & self.mask;
        loop {
            match self.table.get(slot).copied() {
                None | Some(EMPTY) => return None,
                Some(id) if self.word(id) == word => return Some(id),
                Some(_) => slot = (slot + 1) & self.mask,
            }
        }
    }
}

/// How the convolutions are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// f32 throughout, as slovnet computes (the reference; tags equal natasha's).
    F32,
    /// Weights quantised to i8 per output channel, activations to 8 bits per block of
    /// tokens, exact i32 accumulation (AVX-512 VNNI when available): ~3× faster, F1 within
    /// a few thousandths of the f32 model on factRuEval dev.
    #[default]
    Int8,
}

/// The int8 form of one convolution.
#[derive(Debug)]
struct QConv {
    /// Input channels padded to a multiple of 4 (the im2col row stride).
    inp_p: usize,
    w: PackedI8,
    /// Σ over depth of the quantised weights per output: removes the +128 activation offset.
    colsum: Vec<i32>,
    /// Per-output weight scale.
    scale: Vec<f32>,
    /// Batch norm as `x * bn_mul + bn_add` (filled after construction).
    bn_mul: Vec<f32>,
    bn_add: Vec<f32>,
}

impl QConv {
    fn new(weight: &[f32], inp: usize, out: usize) -> Option<Self> {
        let inp_p = inp.div_ceil(4) * 4;
        let k = 3 * inp_p;
        let mut scale = vec![0f32; out];
        for (row, _) in weight.chunks_exact(out).zip(0..) {
            for (s, &v) in scale.iter_mut().zip(row) {
                *s = s.max(v.abs());
            }
        }
        for s in &mut scale {
            *s = if *s > 0.0 { *s / 127.0 } else { 1.0 };
        }
        let mut q = vec![0i8; k * out];
        let mut colsum = vec![0i32; out];
        for tap in 0..3 {
            for c in 0..inp {
                let src = weight.get((tap * inp + c) * out..(tap * inp + c + 1) * out)?;
                let dst = q.get_mut((tap * inp_p + c) * out..(tap * inp_p + c + 1) * out)?;
                for (o, (d, &v)) in dst.iter_mut().zip(src).enumerate() {
                    let qv = (v / scale[o]).round().clamp(-127.0, 127.0) as i8;
                    *d = qv;
                    colsum[o] += i32::from(qv);
                }
            }
        }
        Some(QConv {
            inp_p,
            w: PackedI8::pack(&q, k, out)?,
            colsum,
            scale,
            bn_mul: Vec::new(),
            bn_add: Vec::new(),
        })
    }
}

#[derive(Debug)]
struct ConvLayer {
    inp: usize,
    out: usize,
    quant: QConv,
    /// GEMM right-hand side, row-major `[3 * inp][out]`: row `k * inp + c` = tap k, channel c.
    weight: Vec<f32>,
    bias: Vec<f32>,
    norm_weight: Vec<f32>,
    norm_bias: Vec<f32>,
    norm_mean: Vec<f32>,
    norm_std: Vec<f32>,
}

/// The loaded network. Immutable after loading, so `Send + Sync`.
#[derive(Debug)]
pub struct NerModel {
    words: WordVocab,
    unk_id: u32,
    /// navec PQ indexes `[words][qdim]`, borrowed from the embedded model when possible.
    indexes: Cow<'static, [u8]>,
    qdim: usize,
    /// navec PQ codes `[qdim][256][chunk]`.
    codes: Vec<f32>,
    chunk: usize,
    shapes: HashMap<String, u32>,
    other_shape: u32,
    shape_dim: usize,
    shape_emb: Vec<f32>,
    layers: Vec<ConvLayer>,
    proj_weight: Vec<f32>,
    proj_bias: Vec<f32>,
    transitions: Vec<f32>,
    tags: Vec<Tag>,
}

fn dims(shape: &[usize], name: &str, rank: usize) -> Result<(), ModelError> {
    if shape.len() != rank || shape.contains(&0) {
        return Err(ModelError::Format(format!("{name}: bad shape {shape:?}")));
    }
    Ok(())
}

impl NerModel {
    /// Build the model from a parsed tensor file; `indexes_static` is the embedded file's
    /// bytes when the model comes from the binary (avoids copying 25 MB).
    pub(crate) fn from_tensors(
        file: &TensorFile<'_>,
        static_indexes: Option<&'static [u8]>,
    ) -> Result<Self, ModelError> {
        let words = WordVocab::new(file.text("vocab.word")?)?;
        let unk_id = words
            .get("<unk>")
            .ok_or_else(|| ModelError::Format("word vocab has no <unk>".into()))?;

        let (idx, idx_shape) = file.u8("emb.word.indexes")?;
        dims(&idx_shape, "emb.word.indexes", 2)?;
        let (nwords, qdim) = (idx_shape[0], idx_shape[1]);
        if nwords != words.len() {
            return Err(ModelError::Format(format!(
                "{} embeddings for {} words",
                nwords,
                words.len()
            )));
        }
        let indexes = match static_indexes {
            Some(s) if s.len() == idx.len() => Cow::Borrowed(s),
            _ => Cow::Owned(idx.to_vec()),
        };
        let codes_shape = file_shape(file, "emb.word.codes")?;
        dims(&codes_shape, "emb.word.codes", 3)?;
        if codes_shape[0] != qdim || codes_shape[1] != 256 {
            return Err(ModelError::Format(format!(
                "emb.word.codes: shape {codes_shape:?}"
            )));
        }
        let chunk = codes_shape[2];
        let codes = file.f32("emb.word.codes", &codes_shape)?;

        let shape_names = file.text("vocab.shape")?;
        let shapes: HashMap<String, u32> = shape_names
            .split('\n')
            .enumerate()
            .map(|(i, s)| (s.to_owned(), i as u32))
            .collect();
        let se_shape = file_shape(file, "emb.shape.weight")?;
        dims(&se_shape, "emb.shape.weight", 2)?;
        if se_shape[0] != shapes.len() {
            return Err(ModelError::Format(
                "shape vocab and embedding disagree".into(),
            ));
        }
        let shape_dim = se_shape[1];
        let shape_emb = file.f32("emb.shape.weight", &se_shape)?;

        let mut layers = Vec::new();
        let mut inp = qdim * chunk + shape_dim;
        for l in 0..3 {
            let p = format!("encoder.layers.{l}");
            let wshape = file_shape(file, &format!("{p}.conv.weight"))?;
            dims(&wshape, "conv.weight", 3)?;
            if wshape[1] != inp || wshape[2] != 3 {
                return Err(ModelError::Format(format!("{p}: conv shape {wshape:?}")));
            }
            let pad = file.f32(&format!("{p}.conv.padding"), &[1])?;
            if pad != [1.0] {
                return Err(ModelError::Format(format!("{p}: padding must be 1")));
            }
            let out = wshape[0];
            let w = file.f32(&format!("{p}.conv.weight"), &wshape)?;
            // [out][inp][3] → [3][inp][out]
            let mut weight = vec![0f32; 3 * inp * out];
            for (o, per_out) in w.chunks_exact(inp * 3).enumerate() {
                for (c, taps) in per_out.chunks_exact(3).enumerate() {
                    for (k, &v) in taps.iter().enumerate() {
                        if let Some(slot) = weight.get_mut((k * inp + c) * out + o) {
                            *slot = v;
                        }
                    }
                }
            }
            let v = |n: &str| file.f32(&format!("{p}.{n}"), &[out]);
            let mut quant = QConv::new(&weight, inp, out)
                .ok_or_else(|| ModelError::Format(format!("{p}: cannot quantise {wshape:?}")))?;
            let (norm_weight, norm_bias) = (v("norm.weight")?, v("norm.bias")?);
            let (norm_mean, norm_std) = (v("norm.mean")?, v("norm.std")?);
            for o in 0..out {
                let mul = norm_weight[o] / norm_std[o];
                quant.bn_mul.push(mul);
                quant.bn_add.push(norm_bias[o] - norm_mean[o] * mul);
            }
            layers.push(ConvLayer {
                inp,
                out,
                quant,
                weight,
                bias: v("conv.bias")?,
                norm_weight,
                norm_bias,
                norm_mean,
                norm_std,
            });
            inp = out;
        }
        let tag_names = file.text("vocab.tag")?;
        let tags = tag_names
            .split('\n')
            .map(parse_tag)
            .collect::<Result<Vec<_>, _>>()?;
        let ntags = tags.len();
        let proj_weight = file.f32("head.proj.weight", &[inp, ntags])?;
        let proj_bias = file.f32("head.proj.bias", &[ntags])?;
        let transitions = file.f32("head.crf.transitions", &[ntags, ntags])?;
        Ok(NerModel {
            words,
            unk_id,
            indexes,
            qdim,
            codes,
            chunk,
            other_shape: shapes.get("OTHER").copied().unwrap_or(0),
            shapes,
            shape_dim,
            shape_emb,
            layers,
            proj_weight,
            proj_bias,
            transitions,
            tags,
        })
    }

    fn word_id(&self, word: &str, buf: &mut String) -> u32 {
        buf.clear();
        buf.extend(word.chars().flat_map(char::to_lowercase));
        self.words.get(buf).unwrap_or(self.unk_id)
    }

    fn shape_id(&self, word: &str) -> usize {
        let shape = word_shape(word);
        // every shape slovnet can produce is in its vocab; "OTHER" is the safe fallback
        self.shapes.get(&shape).copied().unwrap_or(self.other_shape) as usize
    }

    fn emb_dim(&self) -> usize {
        self.qdim * self.chunk + self.shape_dim
    }

    /// Write the input features of one token into `row` (length `emb_dim`).
    fn embed(&self, word_id: u32, shape_id: usize, row: &mut [f32]) {
        let (word_part, shape_part) = row.split_at_mut(self.qdim * self.chunk);
        let base = word_id as usize * self.qdim;
        let idx = self.indexes.get(base..base + self.qdim).unwrap_or_default();
        // codes are [qdim][256][chunk]: sub-vector q of the word is centroid idx[q] of block q
        let blocks = self.codes.chunks_exact(256 * self.chunk);
        for ((dst, &c), block) in word_part.chunks_exact_mut(self.chunk).zip(idx).zip(blocks) {
            let at = c as usize * self.chunk;
            if let Some(src) = block.get(at..at + self.chunk) {
                for (d, &v) in dst.iter_mut().zip(src) {
                    *d = v;
                }
            }
        }
        let at = shape_id * self.shape_dim;
        if let Some(src) = self.shape_emb.get(at..at + self.shape_dim) {
            shape_part.copy_from_slice(src);
        }
    }

    /// BIO tags for a sequence of words (one chain; callers cut at [`MAX_CHAIN`]).
    pub fn tag(&self, words: &[&str], precision: Precision) -> Vec<Tag> {
        let n = words.len();
        if n == 0 {
            return Vec::new();
        }
        let mut lower = String::new();
        let ids: Vec<(u32, usize)> = words
            .iter()
            .map(|w| (self.word_id(w, &mut lower), self.shape_id(w)))
            .collect();
        let ntags = self.tags.len();
        let mut emissions = vec![0f32; n * ntags];
        let mut scratch = Scratch::default();
        let mut start = 0;
        while start < n {
            let end = (start + BLOCK).min(n);
            self.block(&ids, start, end, precision, &mut scratch);
            let last = scratch.bufs.len() - 1;
            let feat = self.layers.last().map_or(0, |l| l.out);
            let out = &scratch.bufs[last];
            for t in start..end {
                let row = out
                    .get((t - start) * feat..(t - start + 1) * feat)
                    .unwrap_or_default();
                let em = &mut emissions[t * ntags..(t + 1) * ntags];
                em.copy_from_slice(&self.proj_bias);
                for (f, &x) in row.iter().enumerate() {
                    let w = &self.proj_weight[f * ntags..(f + 1) * ntags];
                    for (e, &wv) in em.iter_mut().zip(w) {
                        *e += x * wv;
                    }
                }
            }
            start = end;
        }
        viterbi(&emissions, &self.transitions, ntags)
            .into_iter()
            .map(|i| self.tags.get(i).copied().unwrap_or(Tag::O))
            .collect()
    }

    /// Run the encoder over tokens `[s, e)`; the last buffer holds `(e - s) × 64` features.
    fn block(
        &self,
        ids: &[(u32, usize)],
        s: usize,
        e: usize,
        precision: Precision,
        scratch: &mut Scratch,
    ) {
        let n = ids.len() as isize;
        let dim = self.emb_dim();
        // positions [s - HALO, e + HALO); outside [0, n) stay zero (conv padding)
        let lo = s as isize - HALO as isize;
        let rows = e - s + 2 * HALO;
        scratch.bufs.resize_with(self.layers.len() + 1, Vec::new);
        let emb = &mut scratch.bufs[0];
        emb.clear();
        emb.resize(rows * dim, 0.0);
        for (r, row) in emb.chunks_exact_mut(dim).enumerate() {
            let p = lo + r as isize;
            if p >= 0 && p < n {
                if let Some(&(w, sh)) = ids.get(p as usize) {
                    self.embed(w, sh, row);
                }
            }
        }
        for (l, layer) in self.layers.iter().enumerate() {
            // input rows cover [lo + l, ...); output rows cover one position less each side
            let in_rows = rows - 2 * l;
            let out_rows = in_rows - 2;
            let out_lo = lo + l as isize + 1;
            let (before, after) = scratch.bufs.split_at_mut(l + 1);
            let input = &before[l];
            let output = &mut after[0];
            output.clear();
            output.resize(out_rows * layer.out, 0.0);
            match precision {
                Precision::F32 => conv_gemm(input, layer, out_rows, output),
                Precision::Int8 => conv_int8(
                    input,
                    layer,
                    out_rows,
                    output,
                    &mut scratch.quant,
                    &mut scratch.acc,
                ),
            }
            for (r, row) in output.chunks_exact_mut(layer.out).enumerate() {
                let p = out_lo + r as isize;
                if p < 0 || p >= n {
                    row.fill(0.0);
                    continue;
                }
                match precision {
                    // slovnet's exact operation order: relu(x + b), ((x - mean) / std) * w + b
                    Precision::F32 => {
                        let params = layer
                            .bias
                            .iter()
                            .zip(&layer.norm_mean)
                            .zip(&layer.norm_std)
                            .zip(&layer.norm_weight)
                            .zip(&layer.norm_bias);
                        for (v, ((((b, m), s), w), nb)) in row.iter_mut().zip(params) {
                            let x = *v + b;
                            let x = if x > 0.0 { x } else { 0.0 };
                            *v = (x - m) / s * w + nb;
                        }
                    }
                    // the batch norm folded into one multiply-add per value
                    Precision::Int8 => {
                        let q = &layer.quant;
                        for (v, ((b, a), c)) in row
                            .iter_mut()
                            .zip(layer.bias.iter().zip(&q.bn_mul).zip(&q.bn_add))
                        {
                            let x = *v + b;
                            let x = if x > 0.0 { x } else { 0.0 };
                            *v = x * a + c;
                        }
                    }
                }
            }
        }
    }
}

fn file_shape(file: &TensorFile<'_>, name: &str) -> Result<Vec<usize>, ModelError> {
    file.shape(name)
}

#[derive(Default)]
struct Scratch {
    bufs: Vec<Vec<f32>>,
    quant: Vec<u8>,
    acc: Vec<i32>,
}

/// The int8 convolution: quantise the block's input with one scale (max |x| → 127, stored
/// with a +128 offset as u8), multiply exactly in i32, rescale to f32 (before bias).
fn conv_int8(
    input: &[f32],
    layer: &ConvLayer,
    out_rows: usize,
    output: &mut [f32],
    quant: &mut Vec<u8>,
    acc: &mut Vec<i32>,
) {
    let (inp, out, q) = (layer.inp, layer.out, &layer.quant);
    let in_rows = out_rows + 2;
    // 16 running maxima so the reduction vectorises
    let mut lanes = [0f32; 16];
    let mut chunks = input.chunks_exact(16);
    for chunk in &mut chunks {
        for (l, &v) in lanes.iter_mut().zip(chunk) {
            let a = v.abs();
            *l = if a > *l { a } else { *l };
        }
    }
    let max =
        chunks
            .remainder()
            .iter()
            .chain(&lanes)
            .fold(0f32, |m, &v| if v.abs() > m { v.abs() } else { m });
    let sx = if max > 0.0 && max.is_finite() {
        max / 127.0
    } else {
        1.0
    };
    let inv = 1.0 / sx;
    quant.clear();
    quant.resize(in_rows * q.inp_p, 128);
    for (src, dst) in input.chunks_exact(inp).zip(quant.chunks_exact_mut(q.inp_p)) {
        for (d, &v) in dst.iter_mut().zip(src) {
            // v * inv ∈ [-127, 127]; + 128.5 then truncation = round half up, + 128 offset
            let x = v * inv + 128.5;
            // written so NaN maps to 1.0 too: the clamped value is always in [1, 255]
            let x = if x >= 1.0 { x } else { 1.0 };
            let x = if x <= 255.0 { x } else { 255.0 };
            // SAFETY: x is finite and within [1, 255] after the two clamps above.
            *d = unsafe { x.to_int_unchecked::<i32>() } as u8;
        }
    }
    acc.clear();
    acc.resize(out_rows * out, 0);
    if !qgemm(quant, out_rows, q.inp_p, &q.w, acc) {
        return;
    }
    for (dst, src) in output.chunks_exact_mut(out).zip(acc.chunks_exact(out)) {
        for ((d, &a), (&cs, &ws)) in dst.iter_mut().zip(src).zip(q.colsum.iter().zip(&q.scale)) {
            *d = (a - 128 * cs) as f32 * (sx * ws);
        }
    }
}

/// `output[r] = Σ_k input[r + k] · W_k` for `out_rows` rows: the im2col rows of a k=3
/// convolution are contiguous windows of the row-major input, so one GEMM with row stride
/// `inp` and depth `3 * inp` does the whole layer without copying.
fn conv_gemm(input: &[f32], layer: &ConvLayer, out_rows: usize, output: &mut [f32]) {
    let (inp, out) = (layer.inp, layer.out);
    let need_in = (out_rows + 2) * inp;
    if out_rows == 0
        || input.len() < need_in
        || output.len() < out_rows * out
        || layer.weight.len() < 3 * inp * out
    {
        return;
    }
    // SAFETY: the GEMM reads rows r*inp .. r*inp + 3*inp for r < out_rows, i.e. up to
    // (out_rows + 2) * inp ≤ input.len(); weight is 3*inp × out; output is out_rows × out —
    // all checked above. The buffers do not alias.
    unsafe {
        matrixmultiply::sgemm(
            out_rows,
            3 * inp,
            out,
            1.0,
            input.as_ptr(),
            inp as isize,
            1,
            layer.weight.as_ptr(),
            out as isize,
            1,
            0.0,
            output.as_mut_ptr(),
            out as isize,
            1,
        );
    }
}

/// slovnet's `CRF.decode`: Viterbi without start/end scores; ties go to the lowest index,
/// like numpy's `argmax`.
pub(crate) fn viterbi(emissions: &[f32], transitions: &[f32], ntags: usize) -> Vec<usize> {
    let n = emissions.len() / ntags.max(1);
    if n == 0 || ntags == 0 || transitions.len() < ntags * ntags {
        return Vec::new();
    }
    let mut score: Vec<f32> = emissions[..ntags].to_vec();
    let mut next = vec![0f32; ntags];
    let mut history: Vec<u8> = Vec::with_capacity((n - 1) * ntags);
    for t in 1..n {
        let em = &emissions[t * ntags..(t + 1) * ntags];
        for j in 0..ntags {
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0usize;
            for i in 0..ntags {
                let v = score[i] + transitions[i * ntags + j] + em[j];
                // numpy argmax: first maximum; NaN wins (treated as maximal)
                if v > best || (v.is_nan() && !best.is_nan()) {
                    best = v;
                    arg = i;
                }
            }
            next[j] = best;
            history.push(arg as u8);
        }
        std::mem::swap(&mut score, &mut next);
    }
    let mut best = 0usize;
    for j in 1..ntags {
        if score[j] > score[best] {
            best = j;
        }
    }
    let mut tags = vec![best; n];
    for t in (1..n).rev() {
        best = history[(t - 1) * ntags + best] as usize;
        tags[t - 1] = best;
    }
    tags
}
