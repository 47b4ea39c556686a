//! Int8 matrix products for the quantised convolutions: `u8` activations × `i8` weights
//! accumulated exactly in `i32`, so every code path (AVX-512 VNNI or portable) gives the
//! same integers, hence the same tags on every machine.
//!
//! Weights are packed `[k / 4][n][4]`: one 64-byte load holds 4 depth values of 16 output
//! channels, which is what `vpdpbusd` multiplies against 4 broadcast activation bytes.

/// Output channels per kernel tile (4 vectors of 16 lanes).
const NB: usize = 64;

pub(crate) use packed::PackedI8;

/// The packed matrix lives in its own module so that nothing else in the crate can build one
/// or change its shape: the unsafe kernel relies on `k % 4 == 0`, `n % 64 == 0` and
/// `data.len() == k * n`, and only [`PackedI8::pack`] establishes them.
mod packed {
    use super::NB;

    /// A weight matrix `[k][n]` packed for [`super::qgemm`]; `k` is a multiple of 4, `n` of 64.
    #[derive(Debug)]
    pub(crate) struct PackedI8 {
        k: usize,
        n: usize,
        data: Vec<i8>,
    }

    impl PackedI8 {
        /// Pack row-major `w[k][n]`; `None` unless `k % 4 == 0`, `n % 64 == 0` and
        /// `w.len() == k * n`.
        pub fn pack(w: &[i8], k: usize, n: usize) -> Option<Self> {
            if !k.is_multiple_of(4) || !n.is_multiple_of(NB) || w.len() != k * n {
                return None;
            }
            let mut data = vec![0i8; k * n];
            for g in 0..k / 4 {
                for o in 0..n {
                    for j in 0..4 {
                        data[(g * n + o) * 4 + j] = w[(g * 4 + j) * n + o];
                    }
                }
            }
            Some(PackedI8 { k, n, data })
        }

        /// Depth (input features), a multiple of 4.
        pub fn k(&self) -> usize {
            self.k
        }

        /// Output channels, a multiple of 64.
        pub fn n(&self) -> usize {
            self.n
        }

        /// The packed values, `k * n` of them.
        pub fn data(&self) -> &[i8] {
            &self.data
        }
    }
}

/// `acc[r][o] = Σ_kk a[r * stride + kk] · w[kk][o]` for `rows` rows. Returns false (and
/// leaves `acc` alone) if the buffers are too small for the shapes.
pub(crate) fn qgemm(a: &[u8], rows: usize, stride: usize, w: &PackedI8, acc: &mut [i32]) -> bool {
    let (k, n) = (w.k(), w.n());
    let need_a = if rows == 0 {
        0
    } else {
        (rows - 1) * stride + k
    };
    if a.len() < need_a || acc.len() < rows * n || w.data().len() < k * n {
        return false;
    }
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vnni")
        {
            // SAFETY: the CPU features are present; the bounds were checked above.
            unsafe { vnni::qgemm(a, rows, stride, w, acc) };
            return true;
        }
    }
    portable(a, rows, stride, w, acc);
    true
}

fn portable(a: &[u8], rows: usize, stride: usize, w: &PackedI8, acc: &mut [i32]) {
    let (k, n) = (w.k(), w.n());
    for r in 0..rows {
        let row = &a[r * stride..r * stride + k];
        let out = &mut acc[r * n..(r + 1) * n];
        out.fill(0);
        for (g, quad) in row.chunks_exact(4).enumerate() {
            let wg = &w.data()[g * n * 4..(g + 1) * n * 4];
            for (o, ws) in out.iter_mut().zip(wg.chunks_exact(4)) {
                *o += i32::from(quad[0]) * i32::from(ws[0])
                    + i32::from(quad[1]) * i32::from(ws[1])
                    + i32::from(quad[2]) * i32::from(ws[2])
                    + i32::from(quad[3]) * i32::from(ws[3]);
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod vnni {
    use std::arch::x86_64::*;

    use super::{PackedI8, NB};

    /// Rows per register tile: 4 rows × 4 vectors = 16 accumulators.
    const MR: usize = 4;

    /// # Safety
    /// Requires avx512f + avx512vnni and the bounds checked by [`super::qgemm`].
    #[target_feature(enable = "avx512f,avx512vnni")]
    pub(super) unsafe fn qgemm(
        a: &[u8],
        rows: usize,
        stride: usize,
        w: &PackedI8,
        acc: &mut [i32],
    ) {
        let (k, n) = (w.k(), w.n());
        let groups = k / 4;
        let ap = a.as_ptr();
        let wp = w.data().as_ptr();
        let cp = acc.as_mut_ptr();
        let mut r = 0;
        while r < rows {
            let mr = (rows - r).min(MR);
            let mut ob = 0;
            while ob < n {
                let mut c = [[_mm512_setzero_si512(); 4]; MR];
                for g in 0..groups {
                    let wbase = wp.add((g * n + ob) * 4);
                    let w0 = _mm512_loadu_si512(wbase as *const __m512i);
                    let w1 = _mm512_loadu_si512(wbase.add(64) as *const __m512i);
                    let w2 = _mm512_loadu_si512(wbase.add(128) as *const __m512i);
                    let w3 = _mm512_loadu_si512(wbase.add(192) as *const __m512i);
                    for (i, ci) in c.iter_mut().enumerate().take(mr) {
                        let q = (ap.add((r + i) * stride + g * 4) as *const i32).read_unaligned();
                        let av = _mm512_set1_epi32(q);
                        ci[0] = _mm512_dpbusd_epi32(ci[0], av, w0);
                        ci[1] = _mm512_dpbusd_epi32(ci[1], av, w1);
                        ci[2] = _mm512_dpbusd_epi32(ci[2], av, w2);
                        ci[3] = _mm512_dpbusd_epi32(ci[3], av, w3);
                    }
                }
                for (i, ci) in c.iter().enumerate().take(mr) {
                    let dst = cp.add((r + i) * n + ob);
                    for (v, reg) in ci.iter().enumerate() {
                        _mm512_storeu_si512(dst.add(v * 16) as *mut __m512i, *reg);
                    }
                }
                ob += NB;
            }
            r += mr;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_and_portable_paths_agree_with_naive_sums() {
        let (rows, k, n, stride) = (7, 12, 128, 8);
        let a: Vec<u8> = (0..(rows - 1) * stride + k)
            .map(|i| (i * 37 % 256) as u8)
            .collect();
        let w: Vec<i8> = (0..k * n)
            .map(|i| ((i * 91 % 255) as i32 - 127) as i8)
            .collect();
        let packed = PackedI8::pack(&w, k, n).expect("shape");
        let mut fast = vec![0i32; rows * n];
        assert!(qgemm(&a, rows, stride, &packed, &mut fast));
        let mut slow = vec![0i32; rows * n];
        portable(&a, rows, stride, &packed, &mut slow);
        for r in 0..rows {
            for o in 0..n {
                let want: i32 = (0..k)
                    .map(|kk| i32::from(a[r * stride + kk]) * i32::from(w[kk * n + o]))
                    .sum();
                assert_eq!(fast[r * n + o], want, "fast r{r} o{o}");
                assert_eq!(slow[r * n + o], want, "portable r{r} o{o}");
            }
        }
        assert!(!qgemm(&a[..10], rows, stride, &packed, &mut fast));
    }

    #[test]
    fn shapes_the_kernel_cannot_handle_are_never_packed() {
        let w = vec![1i8; 12 * 128];
        assert!(PackedI8::pack(&w, 12, 128).is_some());
        assert!(
            PackedI8::pack(&w[..12 * 64 * 2 - 1], 12, 128).is_none(),
            "short buffer"
        );
        assert!(
            PackedI8::pack(&w[..6 * 128], 6, 128).is_none(),
            "k not a multiple of 4"
        );
        assert!(
            PackedI8::pack(&w[..12 * 96], 12, 96).is_none(),
            "n not a multiple of 64"
        );
    }
}
