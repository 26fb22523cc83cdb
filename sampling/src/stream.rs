//! The only source of randomness: ChaCha20 keyed by the seed, read as 64-bit words, mapped to
//! integers by a rule written here rather than borrowed from `rand`, whose helpers are free to
//! change their output between versions. Pinned by the golden vectors in `tests/golden/`.

use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};

use crate::seed::Seed;

/// ChaCha20 stream number used by every selection method's own draw.
pub const SELECTION_STREAM: u64 = 0;
/// ChaCha20 stream number used to extend a sample, so that extending never depends on how many
/// words the original method consumed.
pub const EXTENSION_STREAM: u64 = 1;

/// ChaCha20 (20 rounds, 64-bit block counter from 0, 64-bit stream number as the nonce) as
/// `rand_chacha::ChaCha20Rng` produces it; each word is two consecutive 32-bit little-endian
/// keystream words, the first one low.
pub struct Stream(ChaCha20Rng);

impl Stream {
    pub fn new(seed: &Seed, stream: u64) -> Stream {
        let mut rng = ChaCha20Rng::from_seed(seed.0);
        rng.set_stream(stream);
        Stream(rng)
    }

    pub fn next_word(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A uniform integer in `0..bound` (`bound >= 1`) by Lemire's multiply-and-reject method:
    /// take the high 64 bits of `word * bound`; the low 64 bits tell whether this word falls in
    /// the `2^64 mod bound` values that would bias the result, in which case the next word is
    /// taken instead. Exactly uniform, and costs one word except with probability below
    /// `bound / 2^64`.
    pub fn below(&mut self, bound: u64) -> u64 {
        debug_assert!(bound >= 1, "callers validate sizes before drawing");
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let product = u128::from(self.next_word()) * u128::from(bound);
            if (product as u64) >= threshold {
                return (product >> 64) as u64;
            }
        }
    }
}
