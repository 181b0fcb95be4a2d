//! A tiny deterministic PRNG (splitmix64) and stable hashing, so the sim needs no `rand`.
//!
//! Every "random" value of the simulated account is drawn from a generator keyed by the
//! world seed plus the names of the thing being generated, so the same inputs always give
//! the same ids, addresses and jitter.

/// The splitmix64 generator: small, fast and good enough for plausible-looking data.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        finalize(self.0)
    }

    /// A value in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// A value in `lo..=hi` (`lo` when the range is empty).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = hi.abs_diff(lo).saturating_add(1);
        lo.wrapping_add(self.below(span) as i64)
    }

    /// `len` lowercase hex digits.
    pub fn hex(&mut self, len: usize) -> String {
        let mut out = String::with_capacity(len);
        let mut bits = 0u64;
        for i in 0..len {
            if i % 16 == 0 {
                bits = self.next_u64();
            }
            let nibble = ((bits >> ((i % 16) * 4)) & 0xf) as u32;
            out.push(char::from_digit(nibble, 16).unwrap_or('0'));
        }
        out
    }

    /// `len` characters from `alphabet` (which must not be empty).
    pub fn pick(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| {
                let i = self.below(alphabet.len() as u64) as usize;
                alphabet.get(i).map_or('0', |b| char::from(*b))
            })
            .collect()
    }

    /// A version-4-shaped UUID.
    pub fn uuid(&mut self) -> String {
        let h = self.hex(32);
        format!(
            "{}-{}-4{}-{}{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            ["8", "9", "a", "b"][(self.below(4)) as usize],
            &h[17..20],
            &h[20..32]
        )
    }
}

/// The splitmix64 output function: a good 64-bit mixer.
fn finalize(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Combines two values into one well-mixed key.
pub fn mix(a: u64, b: u64) -> u64 {
    finalize(a ^ finalize(b.wrapping_add(0x9E37_79B9_7F4A_7C15)))
}

/// A stable 64-bit hash of a string (FNV-1a, then mixed).
pub fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    finalize(h)
}

/// A key for the thing named by `parts` in the world of `seed`.
pub fn key(seed: u64, parts: &[&str]) -> u64 {
    parts
        .iter()
        .fold(finalize(seed), |k, p| mix(k, hash_str(p)))
}

/// A generator for the thing named by `parts` in the world of `seed`.
pub fn rng(seed: u64, parts: &[&str]) -> SplitMix64 {
    SplitMix64::new(key(seed, parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_key_same_stream() {
        let mut a = rng(7, &["prod", "task"]);
        let mut b = rng(7, &["prod", "task"]);
        assert_eq!(a.hex(32), b.hex(32));
        assert_ne!(
            rng(8, &["prod", "task"]).hex(32),
            rng(7, &["prod", "task"]).hex(32)
        );
        assert_ne!(key(1, &["ab", "c"]), key(1, &["a", "bc"]));
    }

    #[test]
    fn ranges_stay_in_bounds() {
        let mut r = SplitMix64::new(42);
        for _ in 0..1000 {
            let v = r.range(-3, 5);
            assert!((-3..=5).contains(&v));
        }
        assert_eq!(r.range(4, 4), 4);
        assert_eq!(r.below(0), 0);
        let h = r.hex(17);
        assert_eq!(h.len(), 17);
        assert!(h.chars().all(|c| c.is_ascii_hexdigit()));
        let u = r.uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }
}
