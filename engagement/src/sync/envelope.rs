//! One change as a file in the shared folder: a changeset sealed so that the folder (a network
//! share, a cloud-synced folder, a USB stick) learns nothing from it and cannot alter it.
//!
//! Layout: the 16 bytes `TICKMARK-SYNC-1\n`, a 4-byte big-endian header length, the header (JSON:
//! engagement uid, copy, seq, nonce, sealed length), then the sealed body. The body is
//! XChaCha20-Poly1305 under a key HKDF-SHA256 derives from the engagement's sync secret (salt: the
//! engagement uid), with everything before it as associated data: a file renamed, moved to
//! another copy's place, cut short or flipped anywhere fails to open. Inside: a 4-byte length,
//! JSON {author, lamport, state, signature}, then the SQLite changeset. The author's Ed25519
//! signature covers [`signed_message`], so a teammate who holds the secret still cannot forge
//! another's change. Evidence files travel apart, once each, by their SHA-256: each 1 MB chunk
//! sealed the same way (its place "evidence <sha256>", its number), which the change that
//! attached it names by hash, and so cannot be swapped for other bytes.
//!
//! The header holds nothing of the engagement: its uid is random and a copy's name is random.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::XChaCha20Poly1305;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const MAGIC: &[u8; 16] = b"TICKMARK-SYNC-1\n";

/// What each copy held when a change was made: the last change of each copy it contained.
pub type State = BTreeMap<String, u64>;

/// One local transaction as it travels.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub copy: String,
    pub seq: u64,
    /// Initials of the team member whose key signed it.
    pub author: String,
    /// Where the change sorts among every copy's changes: (lamport, copy, seq).
    pub lamport: u64,
    pub state: State,
    pub changeset: Vec<u8>,
    /// Hex Ed25519 signature over [`signed_message`].
    pub signature: String,
}

#[derive(Serialize, Deserialize)]
struct Header {
    engagement: String,
    copy: String,
    seq: u64,
    nonce: String,
    sealed_len: u64,
}

#[derive(Serialize, Deserialize)]
struct Meta {
    author: String,
    lamport: u64,
    state: State,
    signature: String,
}

/// Why a file in the folder cannot be taken as a change of this engagement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Shorter than its header says: a copy into the folder that did not finish.
    Truncated { have: u64, need: u64 },
    /// Not a change file, or its bytes were altered.
    Corrupted,
    /// A change of another engagement (its header names another uid).
    OtherEngagement,
    /// Its header names another copy or number than the file's place in the folder.
    Misplaced { copy: String, seq: u64 },
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreadable::Truncated { have, need } => write!(f, "it is truncated ({have} of {need} bytes)"),
            Unreadable::Corrupted => write!(f, "it is corrupted or was altered (it does not decrypt under this engagement's key)"),
            Unreadable::OtherEngagement => write!(f, "it belongs to another engagement"),
            Unreadable::Misplaced { copy, seq } => write!(f, "it says it is change {seq} of copy {copy}, not what its place in the folder says"),
        }
    }
}

/// The bytes an author signs: everything the change means, bound to this engagement.
pub fn signed_message(engagement: &str, copy: &str, seq: u64, author: &str, lamport: u64, state: &State, changeset: &[u8]) -> Vec<u8> {
    let state = serde_json::to_string(state).unwrap_or_default();
    format!("tickmark change v1\n{engagement}\n{copy}\n{seq}\n{author}\n{lamport}\n{state}\n{}", hex::encode(Sha256::digest(changeset))).into_bytes()
}

fn cipher(engagement: &str, secret: &[u8]) -> XChaCha20Poly1305 {
    let mut key = [0u8; 32];
    hkdf::Hkdf::<Sha256>::new(Some(engagement.as_bytes()), secret)
        .expand(b"tickmark sync changeset key v1", &mut key)
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    XChaCha20Poly1305::new(&key.into())
}

/// The file's bytes for `changes`, consecutive changes of one copy (what one sync publishes:
/// one file, not one per change, so a day of keystrokes is not thousands of files).
pub fn seal(changes: &[Change], engagement: &str, secret: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for change in changes {
        let meta = serde_json::to_vec(&Meta { author: change.author.clone(), lamport: change.lamport, state: change.state.clone(), signature: change.signature.clone() })
            .expect("a map of strings serialises");
        body.extend_from_slice(&(meta.len() as u32).to_be_bytes());
        body.extend_from_slice(&meta);
        body.extend_from_slice(&(change.changeset.len() as u64).to_be_bytes());
        body.extend_from_slice(&change.changeset);
    }
    let mut deflated = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    deflated.write_all(&body).expect("deflating into memory");
    seal_raw(&deflated.finish().expect("deflating into memory"), engagement, secret, &changes[0].copy, changes[0].seq)
}

/// The most a change file may inflate to: far past any day's work, short of exhausting memory.
const MAX_INFLATED: u64 = 1 << 31;

/// Opens the file found at the place of change `first` of copy `copy`: its changes, numbered
/// from `first`. The signatures are the caller's to check, against the team as it knows it.
pub fn open(bytes: &[u8], engagement: &str, secret: &[u8], copy: &str, first: u64) -> Result<Vec<Change>, Unreadable> {
    let deflated = open_raw(bytes, engagement, secret, copy, first)?;
    let mut body = Vec::new();
    flate2::read::DeflateDecoder::new(&deflated[..]).take(MAX_INFLATED).read_to_end(&mut body).map_err(|_| Unreadable::Corrupted)?;
    let mut changes = Vec::new();
    let mut at = 0;
    while at < body.len() {
        let take = |from: usize, n: usize| body.get(from..from + n).ok_or(Unreadable::Corrupted);
        let meta_len = u32::from_be_bytes(take(at, 4)?.try_into().expect("four bytes")) as usize;
        let meta: Meta = serde_json::from_slice(take(at + 4, meta_len)?).map_err(|_| Unreadable::Corrupted)?;
        let set_at = at + 4 + meta_len;
        let set_len = usize::try_from(u64::from_be_bytes(take(set_at, 8)?.try_into().expect("eight bytes"))).map_err(|_| Unreadable::Corrupted)?;
        let changeset = take(set_at + 8, set_len)?.to_vec();
        at = set_at + 8 + set_len;
        let seq = first + changes.len() as u64;
        changes.push(Change { copy: copy.to_owned(), seq, author: meta.author, lamport: meta.lamport, state: meta.state, changeset, signature: meta.signature });
    }
    if changes.is_empty() {
        return Err(Unreadable::Corrupted);
    }
    Ok(changes)
}

/// Where chunk `index` of the evidence file with SHA-256 `sha256` sits, as the header names it.
fn evidence_place(sha256: &str) -> String {
    format!("evidence {sha256}")
}

/// The sealed bytes of one chunk of an evidence file (the last call, with `count` chunks, says
/// how many there are: `index` = u64::MAX, body the count).
pub fn seal_chunk(data: &[u8], engagement: &str, secret: &[u8], sha256: &str, index: u64) -> Vec<u8> {
    seal_raw(data, engagement, secret, &evidence_place(sha256), index)
}

pub fn open_chunk(bytes: &[u8], engagement: &str, secret: &[u8], sha256: &str, index: u64) -> Result<Vec<u8>, Unreadable> {
    open_raw(bytes, engagement, secret, &evidence_place(sha256), index)
}

/// Seals `body` as the thing at `place`/`seq` (a copy's change, a chunk of an evidence file).
fn seal_raw(body: &[u8], engagement: &str, secret: &[u8], place: &str, seq: u64) -> Vec<u8> {
    let mut nonce = [0u8; 24];
    rand::fill(&mut nonce);
    let header = Header { engagement: engagement.to_owned(), copy: place.to_owned(), seq, nonce: hex::encode(nonce), sealed_len: body.len() as u64 + 16 };
    let header = serde_json::to_vec(&header).expect("strings and numbers serialise");
    let mut out = Vec::with_capacity(MAGIC.len() + 4 + header.len() + body.len() + 16);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(header.len() as u32).to_be_bytes());
    out.extend_from_slice(&header);
    let sealed = cipher(engagement, secret)
        .encrypt(&nonce.into(), Payload { msg: body, aad: &out })
        .expect("XChaCha20-Poly1305 seals any length the folder can hold");
    out.extend_from_slice(&sealed);
    out
}

/// Opens what was sealed as the thing at `place`/`seq`.
fn open_raw(bytes: &[u8], engagement: &str, secret: &[u8], place: &str, seq: u64) -> Result<Vec<u8>, Unreadable> {
    let short = |need: usize| Unreadable::Truncated { have: bytes.len() as u64, need: need as u64 };
    if bytes.len() < MAGIC.len() + 4 {
        return Err(if MAGIC.starts_with(&bytes[..bytes.len().min(MAGIC.len())]) { short(MAGIC.len() + 4) } else { Unreadable::Corrupted });
    }
    if &bytes[..MAGIC.len()] != MAGIC {
        return Err(Unreadable::Corrupted);
    }
    let header_len = u32::from_be_bytes(bytes[16..20].try_into().expect("four bytes")) as usize;
    let body_at = 20 + header_len;
    if header_len > 4096 {
        return Err(Unreadable::Corrupted);
    }
    if bytes.len() < body_at {
        return Err(short(body_at));
    }
    let header: Header = serde_json::from_slice(&bytes[20..body_at]).map_err(|_| Unreadable::Corrupted)?;
    if header.engagement != engagement {
        return Err(Unreadable::OtherEngagement);
    }
    let need = body_at as u64 + header.sealed_len;
    if (bytes.len() as u64) < need {
        return Err(Unreadable::Truncated { have: bytes.len() as u64, need });
    }
    if bytes.len() as u64 > need {
        return Err(Unreadable::Corrupted);
    }
    let nonce: [u8; 24] = hex::decode(&header.nonce).ok().and_then(|n| n.try_into().ok()).ok_or(Unreadable::Corrupted)?;
    let body = cipher(engagement, secret)
        .decrypt(&nonce.into(), Payload { msg: &bytes[body_at..], aad: &bytes[..body_at] })
        .map_err(|_| Unreadable::Corrupted)?;
    if header.copy != place || header.seq != seq {
        return Err(Unreadable::Misplaced { copy: header.copy, seq: header.seq });
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn change(changeset: Vec<u8>) -> Change {
        Change { copy: "c1".into(), seq: 7, author: "TW".into(), lamport: 9, state: State::from([("c2".into(), 3)]), changeset, signature: "ab".into() }
    }

    proptest! {
        /// Whatever the changeset, it opens as sealed, and cutting the file anywhere or
        /// flipping any bit of it is refused: nothing altered is ever taken as a change.
        #[test]
        fn a_sealed_change_opens_whole_and_any_damage_is_refused(data in proptest::collection::vec(any::<u8>(), 0..600), cut in any::<prop::sample::Index>(), flip in any::<prop::sample::Index>(), bit in 0u8..8) {
            let second = Change { seq: 8, lamport: 10, ..change(vec![1, 2, 3]) };
            let sealed = seal(&[change(data.clone()), second.clone()], "uid-1", b"secret");
            prop_assert_eq!(open(&sealed, "uid-1", b"secret", "c1", 7), Ok(vec![change(data), second]));
            // Cut anywhere, the file says it is truncated, how long it is and how long it must be.
            let cut = cut.index(sealed.len());
            match open(&sealed[..cut], "uid-1", b"secret", "c1", 7) {
                Err(Unreadable::Truncated { have, need }) => prop_assert!(have == cut as u64 && need > have && need <= sealed.len() as u64, "{have} {need}"),
                other => prop_assert!(false, "cut at {cut}: {other:?}"),
            }
            let mut flipped = sealed.clone();
            flipped[flip.index(sealed.len())] ^= 1 << bit;
            prop_assert!(open(&flipped, "uid-1", b"secret", "c1", 7).is_err());
        }
    }

    /// A cut file says how much it needs to be read further: its first 20 bytes (the magic and
    /// the header's length), then its header, then its whole length.
    #[test]
    fn a_cut_file_says_how_much_more_it_needs() {
        let sealed = seal(&[change(b"rows".to_vec())], "uid-1", b"secret");
        let body_at = 20 + u32::from_be_bytes(sealed[16..20].try_into().unwrap()) as usize;
        let need = |cut: usize| match open(&sealed[..cut], "uid-1", b"secret", "c1", 7) {
            Err(Unreadable::Truncated { have, need }) if have == cut as u64 => need,
            other => panic!("cut at {cut}: {other:?}"),
        };
        assert_eq!((need(10), need(20), need(body_at)), (20, body_at as u64, sealed.len() as u64));
    }

    /// A header longer than any Tickmark writes is damage, not a file still arriving; one of the
    /// longest it reads is a file still arriving.
    #[test]
    fn a_header_length_past_the_limit_is_corruption() {
        let file = |header_len: u32| [&MAGIC[..], &header_len.to_be_bytes(), b"{}"].concat();
        assert_eq!(open(&file(1_000_000), "uid-1", b"secret", "c1", 7), Err(Unreadable::Corrupted));
        assert_eq!(open(&file(4096), "uid-1", b"secret", "c1", 7), Err(Unreadable::Truncated { have: 22, need: 4116 }));
    }

    /// The signature covers everything a change says: two changes differing in any one thing
    /// are signed as different messages.
    #[test]
    fn the_signed_message_differs_with_every_field() {
        let state = State::from([("c2".into(), 3)]);
        let base = signed_message("uid", "c1", 7, "TW", 9, &state, b"rows");
        let others = [
            signed_message("uid2", "c1", 7, "TW", 9, &state, b"rows"),
            signed_message("uid", "c2", 7, "TW", 9, &state, b"rows"),
            signed_message("uid", "c1", 8, "TW", 9, &state, b"rows"),
            signed_message("uid", "c1", 7, "JI", 9, &state, b"rows"),
            signed_message("uid", "c1", 7, "TW", 10, &state, b"rows"),
            signed_message("uid", "c1", 7, "TW", 9, &State::new(), b"rows"),
            signed_message("uid", "c1", 7, "TW", 9, &state, b"rowz"),
        ];
        assert!(others.iter().all(|o| *o != base));
    }

    /// A chunk of one evidence file cannot pass for a chunk of another.
    #[test]
    fn an_evidence_chunk_opens_only_as_the_file_and_place_it_was_sealed_for() {
        let sealed = seal_chunk(b"bytes", "uid-1", b"secret", "aa11", 0);
        assert_eq!(open_chunk(&sealed, "uid-1", b"secret", "aa11", 0), Ok(b"bytes".to_vec()));
        assert!(matches!(open_chunk(&sealed, "uid-1", b"secret", "bb22", 0), Err(Unreadable::Misplaced { .. })));
        assert!(matches!(open_chunk(&sealed, "uid-1", b"secret", "aa11", 1), Err(Unreadable::Misplaced { .. })));
    }

    #[test]
    fn a_change_is_refused_for_another_engagement_secret_or_place() {
        let sealed = seal(&[change(b"rows".to_vec())], "uid-1", b"secret");
        assert_eq!(open(&sealed, "uid-2", b"secret", "c1", 7), Err(Unreadable::OtherEngagement));
        assert_eq!(open(&sealed, "uid-1", b"other secret", "c1", 7), Err(Unreadable::Corrupted));
        assert_eq!(open(&sealed, "uid-1", b"secret", "c1", 8), Err(Unreadable::Misplaced { copy: "c1".into(), seq: 7 }));
        assert!(matches!(open(&sealed[..sealed.len() - 1], "uid-1", b"secret", "c1", 7), Err(Unreadable::Truncated { .. })));
    }
}
