//! The seed that drives every draw. Deriving it from what identifies the test (rather than
//! letting someone type one in) is what keeps anybody from re-drawing until a convenient
//! sample comes up: the same engagement, control and population always give the same seed.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Separates these hashes from any other SHA-256 use of the same strings; the version suffix
/// lets a future derivation coexist with recorded v1 seeds.
const DOMAIN: &[u8] = b"tickmark.sampling.seed.v1";

/// 32 bytes used directly as the ChaCha20 key. Shown and stored as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Seed(pub [u8; 32]);

/// Whether the reviewer may take the seed as given by the engagement's identity or must ask
/// why somebody chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedOrigin {
    Derived,
    Explicit,
}

impl Seed {
    /// SHA-256 over four fields, each written as its length in bytes (8 bytes, big-endian)
    /// followed by its UTF-8 bytes: the domain tag `tickmark.sampling.seed.v1`, the engagement
    /// identifier, the control reference and the population fingerprint exactly as given
    /// (callers pass the lowercase hex SHA-256). Length prefixes make the encoding unambiguous,
    /// so no two different triples hash the same bytes.
    pub fn derive(engagement_id: &str, control_ref: &str, population_fingerprint: &str) -> Seed {
        let mut hasher = Sha256::new();
        for field in [
            DOMAIN,
            engagement_id.as_bytes(),
            control_ref.as_bytes(),
            population_fingerprint.as_bytes(),
        ] {
            hasher.update((field.len() as u64).to_be_bytes());
            hasher.update(field);
        }
        Seed(hasher.finalize().into())
    }
}

impl fmt::Display for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Seed({self})")
    }
}

impl FromStr for Seed {
    type Err = Error;

    fn from_str(s: &str) -> Result<Seed> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(s, &mut bytes).map_err(|_| Error::InvalidSeed(s.to_owned()))?;
        Ok(Seed(bytes))
    }
}

impl Serialize for Seed {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Seed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Seed, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
