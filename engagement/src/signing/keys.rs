//! Personal signing keys: who wrote an entry is proven by their signature, not by a name chosen
//! from a list. Each person's Ed25519 key lives in their own key file, outside any engagement,
//! sealed with XChaCha20-Poly1305 under a key that Argon2id derives from that person's own
//! passphrase (memory-hard, so guessing it costs memory as well as time). The engagement's team
//! record holds only public keys; a key's fingerprint is what people compare in person.
//!
//! A key file is JSON: `{"format": "tickmark-key", "version": 1, "name", "initials",
//! "public_key" (hex), "kdf": {"algorithm": "argon2id", "memory_kib", "iterations",
//! "parallelism", "salt" (hex)}, "cipher": "xchacha20poly1305", "nonce" (hex), "sealed" (hex)}`,
//! where `sealed` is the 32-byte secret key encrypted with the public key as associated data.

use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::XChaCha20Poly1305;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Argon2id parameters for new key files: 64 MiB, 3 passes, 1 lane (above OWASP's minimum of
/// 19 MiB and 2 passes). A key file records its own, so these can grow without breaking old keys.
const MEMORY_KIB: u32 = 64 * 1024;
const ITERATIONS: u32 = 3;
const PARALLELISM: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Kdf {
    algorithm: String,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    salt: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct KeyFile {
    format: String,
    version: u32,
    name: String,
    initials: String,
    public_key: String,
    kdf: Kdf,
    cipher: String,
    nonce: String,
    sealed: String,
}

/// An unlocked personal key, held in memory while its owner works.
#[derive(Clone)]
pub struct PersonalKey {
    key: SigningKey,
    /// The name and initials the key file was made for.
    pub name: String,
    pub initials: String,
}

impl std::fmt::Debug for PersonalKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PersonalKey({} {}, {})", self.initials, self.name, self.fingerprint())
    }
}

fn derive(passphrase: &str, kdf: &Kdf, path: &Path) -> Result<[u8; 32]> {
    let bad = |what: &str| Error::invalid("key", format!("{}: {what}", path.display()));
    if kdf.algorithm != "argon2id" {
        return Err(bad("the key file uses a key derivation Tickmark does not know"));
    }
    let params = argon2::Params::new(kdf.memory_kib, kdf.iterations, kdf.parallelism, Some(32)).map_err(|e| bad(&format!("its key derivation parameters are invalid ({e})")))?;
    let salt = hex::decode(&kdf.salt).map_err(|_| bad("its salt is not hex"))?;
    let mut out = [0u8; 32];
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), &salt, &mut out)
        .map_err(|e| bad(&format!("the key could not be derived ({e})")))?;
    Ok(out)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_owned(), source }
}

impl PersonalKey {
    /// A new key from the operating system's randomness.
    pub fn generate(name: &str, initials: &str) -> Self {
        let mut secret = [0u8; 32];
        rand::fill(&mut secret);
        PersonalKey { key: SigningKey::from_bytes(&secret), name: name.trim().to_owned(), initials: initials.trim().to_uppercase() }
    }

    /// Writes the key sealed under `passphrase` to a new file at `path` (never over an existing
    /// one: a key overwritten is a signature lost), readable by its owner only.
    pub fn write(&self, path: &Path, passphrase: &str) -> Result<()> {
        crate::store::check_new_passphrase(passphrase)?;
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        rand::fill(&mut salt);
        rand::fill(&mut nonce);
        let kdf = Kdf { algorithm: "argon2id".into(), memory_kib: MEMORY_KIB, iterations: ITERATIONS, parallelism: PARALLELISM, salt: hex::encode(salt) };
        let wrapping = derive(passphrase, &kdf, path)?;
        let cipher = XChaCha20Poly1305::new(&wrapping.into());
        let public = self.public_key();
        let sealed = cipher
            .encrypt(&nonce.into(), Payload { msg: &self.key.to_bytes(), aad: public.as_bytes() })
            .map_err(|_| Error::invalid("key", "the key could not be sealed"))?;
        let file = KeyFile {
            format: "tickmark-key".into(),
            version: 1,
            name: self.name.clone(),
            initials: self.initials.clone(),
            public_key: public,
            kdf,
            cipher: "xchacha20poly1305".into(),
            nonce: hex::encode(nonce),
            sealed: hex::encode(sealed),
        };
        crate::output::write_new(path, &serde_json::to_vec_pretty(&file)?)
    }

    /// Opens the key file at `path` with its owner's passphrase.
    pub fn unlock(path: &Path, passphrase: &str) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(io(path))?;
        let bad = |what: &str| Error::invalid("key", format!("{}: {what}", path.display()));
        let file: KeyFile = serde_json::from_slice(&bytes).map_err(|_| bad("not a Tickmark key file"))?;
        if file.format != "tickmark-key" || file.version != 1 || file.cipher != "xchacha20poly1305" {
            return Err(bad("not a key file of a format this Tickmark reads"));
        }
        let wrapping = derive(passphrase, &file.kdf, path)?;
        let nonce: [u8; 24] = hex::decode(&file.nonce).ok().and_then(|n| n.try_into().ok()).ok_or_else(|| bad("its nonce is damaged"))?;
        let sealed = hex::decode(&file.sealed).map_err(|_| bad("its sealed key is damaged"))?;
        let secret = XChaCha20Poly1305::new(&wrapping.into())
            .decrypt(&nonce.into(), Payload { msg: &sealed, aad: file.public_key.as_bytes() })
            .map_err(|_| Error::WrongKeyPassphrase(path.to_owned()))?;
        let secret: [u8; 32] = secret.try_into().map_err(|_| bad("its sealed key has the wrong length"))?;
        let key = PersonalKey { key: SigningKey::from_bytes(&secret), name: file.name, initials: file.initials };
        if key.public_key() != file.public_key {
            return Err(bad("its public key does not belong to its secret key"));
        }
        Ok(key)
    }

    /// The public key as the team record holds it: 64 hex digits.
    pub fn public_key(&self) -> String {
        hex::encode(self.key.verifying_key().to_bytes())
    }

    pub fn fingerprint(&self) -> String {
        fingerprint(&self.public_key())
    }

    /// The signature of `message`, as 128 hex digits.
    pub fn sign(&self, message: &[u8]) -> String {
        hex::encode(self.key.sign(message).to_bytes())
    }
}

/// A member's own key, made (`EngagementFile::make_own_key`).
#[derive(Debug)]
pub struct MadeKey {
    pub key: PersonalKey,
    /// Registered on the team, the member signed in with it; or not yet: the partner registers
    /// it, and the member signs in with it once it is.
    pub registered: bool,
}

/// The owner's name, initials and public key as a key file states them (no passphrase needed).
pub fn public_of(path: &Path) -> Result<(String, String, String)> {
    let file: KeyFile = serde_json::from_slice(&std::fs::read(path).map_err(io(path))?)
        .map_err(|_| Error::invalid("key", format!("{}: not a Tickmark key file", path.display())))?;
    Ok((file.name, file.initials, check_public_key(&file.public_key)?))
}

/// What people compare in person: the first 20 bytes of the SHA-256 of the public key, in
/// groups of four hex digits ("3F2A 91C0 …").
pub fn fingerprint(public_key: &str) -> String {
    let digest = Sha256::digest(hex::decode(public_key).unwrap_or_default());
    hex::encode_upper(&digest[..20]).as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// Whether `signature` (hex) is `public_key`'s (hex) signature of `message`, checked strictly.
pub fn verify(public_key: &str, message: &[u8], signature: &str) -> bool {
    Verifier::new(public_key).is_some_and(|v| v.verify(message, signature))
}

/// A public key parsed once, for checking many signatures by the same person.
pub struct Verifier(VerifyingKey);

impl Verifier {
    /// None when `public_key` is not 64 hex digits of a valid key.
    pub fn new(public_key: &str) -> Option<Self> {
        let bytes = <[u8; 32]>::try_from(hex::decode(public_key).ok()?).ok()?;
        VerifyingKey::from_bytes(&bytes).ok().map(Verifier)
    }

    pub fn verify(&self, message: &[u8], signature: &str) -> bool {
        let mut bytes = [0u8; 64];
        hex::decode_to_slice(signature, &mut bytes).is_ok() && self.0.verify_strict(message, &Signature::from_bytes(&bytes)).is_ok()
    }
}

/// Checks that `text` is a public key: 64 hex digits of a valid Ed25519 point.
pub fn check_public_key(text: &str) -> Result<String> {
    let text = text.trim().to_lowercase();
    let valid = hex::decode(&text).ok().and_then(|k| <[u8; 32]>::try_from(k).ok()).is_some_and(|k| VerifyingKey::from_bytes(&k).is_ok());
    if valid {
        Ok(text)
    } else {
        Err(Error::invalid("public_key", "a public key is 64 hex digits, as `tickmark key new` prints it"))
    }
}

/// Where a person's key file is kept unless they say otherwise: `$XDG_DATA_HOME/tickmark/`
/// (or `~/.local/share/tickmark/`), `<INITIALS>.tickmark-key`.
pub fn default_path(initials: &str) -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME").map(PathBuf::from).or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("tickmark").join(format!("{}.tickmark-key", initials.trim().to_uppercase())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_written_and_unlocked_signs_what_its_public_key_verifies_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("DW.tickmark-key");
        let key = PersonalKey::generate("Dana Whitfield", "dw");
        key.write(&path, "correct horse battery staple 42").unwrap();
        assert!(key.write(&path, "correct horse battery staple 42").is_err(), "an existing key file is never overwritten");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&hex::encode(key.key.to_bytes())), "the secret key is not in the file in the clear");
        assert!(matches!(PersonalKey::unlock(&path, "correct horse battery staple 43"), Err(Error::WrongKeyPassphrase(_))));
        let unlocked = PersonalKey::unlock(&path, "correct horse battery staple 42").unwrap();
        assert_eq!((unlocked.public_key(), unlocked.initials.as_str()), (key.public_key(), "DW"));
        let signature = unlocked.sign(b"entry hash");
        assert!(verify(&key.public_key(), b"entry hash", &signature));
        assert!(!verify(&key.public_key(), b"entry hasH", &signature));
        assert!(!verify(&PersonalKey::generate("Other", "OT").public_key(), b"entry hash", &signature));
        assert_eq!(key.fingerprint().len(), 49, "ten groups of four: {}", key.fingerprint());
    }

    #[test]
    fn a_key_file_with_its_sealed_key_swapped_for_another_does_not_unlock() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        PersonalKey::generate("A", "A").write(&a, "correct horse battery staple 42").unwrap();
        PersonalKey::generate("B", "B").write(&b, "correct horse battery staple 42").unwrap();
        let mut file_a: serde_json::Value = serde_json::from_slice(&std::fs::read(&a).unwrap()).unwrap();
        let file_b: serde_json::Value = serde_json::from_slice(&std::fs::read(&b).unwrap()).unwrap();
        file_a["public_key"] = file_b["public_key"].clone();
        std::fs::write(&a, serde_json::to_vec(&file_a).unwrap()).unwrap();
        assert!(PersonalKey::unlock(&a, "correct horse battery staple 42").is_err(), "the public key is bound to the sealed key");
    }

    /// RFC 8032, section 7.1, test 1: the published key pair and its signature of the empty
    /// message, and the fingerprint of that public key worked out apart from this code
    /// (`sha256(bytes)[:20]`, upper-case hex in groups of four, with Python's hashlib).
    const RFC_SECRET: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const RFC_PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    fn rfc_key() -> PersonalKey {
        let secret: [u8; 32] = hex::decode(RFC_SECRET).unwrap().try_into().unwrap();
        PersonalKey { key: SigningKey::from_bytes(&secret), name: "Test Vector".into(), initials: "TV".into() }
    }

    #[test]
    fn a_key_signs_and_prints_as_published() {
        let key = rfc_key();
        assert_eq!(key.public_key(), RFC_PUBLIC);
        assert_eq!(
            key.sign(b""),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
        assert_eq!(key.fingerprint(), "21FE 31DF A154 A261 626B F854 046F D227 1B7B ED4B");
        assert_eq!(format!("{key:?}"), "PersonalKey(TV Test Vector, 21FE 31DF A154 A261 626B F854 046F D227 1B7B ED4B)");
        // A public key pasted with spaces or in capitals is the same key; anything else is not one.
        assert_eq!(check_public_key(&format!("  {}\n", RFC_PUBLIC.to_uppercase())).unwrap(), RFC_PUBLIC);
        assert!(check_public_key(&RFC_PUBLIC[..62]).is_err());
        assert!(check_public_key(&format!("{RFC_PUBLIC}00")).is_err());
        let not_a_point = (0u8..=255).map(|byte| hex::encode([byte; 32])).find(|text| check_public_key(text).is_err());
        let not_a_point = not_a_point.expect("some 32-byte strings are not curve points");
        assert!(Verifier::new(&not_a_point).is_none());
        assert!(!verify(&not_a_point, b"", &key.sign(b"")));
        assert!(!verify(RFC_PUBLIC, b"", "not hex"));
    }

    /// A key file someone edited, or one made by a tool Tickmark does not know, is refused by
    /// what is wrong with it, before any passphrase is tried against it; `public_of` reads the
    /// owner and public key without the passphrase.
    #[test]
    fn a_key_file_of_another_format_is_refused_for_that() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("TV.tickmark-key");
        let passphrase = "correct horse battery staple 42";
        rfc_key().write(&path, passphrase).unwrap();
        assert_eq!(public_of(&path).unwrap(), ("Test Vector".into(), "TV".into(), RFC_PUBLIC.into()));
        let original: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        // Sealed at the strength promised: Argon2id over 64 MiB, 3 passes, a 16-byte salt.
        assert_eq!(original["kdf"]["algorithm"], "argon2id");
        assert_eq!((&original["kdf"]["memory_kib"], &original["kdf"]["iterations"]), (&65536.into(), &3.into()));
        assert_eq!(original["kdf"]["salt"].as_str().unwrap().len(), 32);
        let edits: [(&str, serde_json::Value, &str); 4] = [
            ("format", "other-key".into(), "format this Tickmark reads"),
            ("version", 2.into(), "format this Tickmark reads"),
            ("cipher", "aes256gcm".into(), "format this Tickmark reads"),
            ("kdf", serde_json::json!({"algorithm": "scrypt", "memory_kib": 8, "iterations": 1, "parallelism": 1, "salt": "00"}), "key derivation Tickmark does not know"),
        ];
        for (field, value, message) in edits {
            let mut edited = original.clone();
            edited[field] = value;
            let edited_path = dir.path().join(format!("{field}.tickmark-key"));
            std::fs::write(&edited_path, serde_json::to_vec(&edited).unwrap()).unwrap();
            let error = PersonalKey::unlock(&edited_path, passphrase).unwrap_err().to_string();
            assert!(error.contains(message), "{field}: {error}");
        }
        assert_eq!(PersonalKey::unlock(&path, passphrase).unwrap().public_key(), RFC_PUBLIC);
    }

    /// Without --out, a key is kept in the user's data folder under its owner's initials.
    #[test]
    fn keys_are_kept_in_the_user_data_folder_by_default() {
        let path = default_path(" dw ").expect("HOME is set where tests run");
        assert!(path.ends_with("tickmark/DW.tickmark-key"), "{}", path.display());
        let base = std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".local/share"));
        assert!(path.starts_with(&base), "{} is under {}", path.display(), base.display());
    }
}
