//! Who signed is provable. Every team member here has a personal key; the forger is one of them
//! (Dana, who knows the passphrase and holds her own key) and rewrites the file behind
//! Tickmark's back as carefully as she can: the hash chain recomputed, her own entries signed
//! again with her own key. What she cannot make is Joaquín's signature, and `verify` names every
//! entry where one is missing or wrong, and every sign-off whose recorded trail head no longer
//! sits beneath it.

mod common;

use std::path::{Path, PathBuf};

use common::forgery::{raw, rechain_from};
use common::workflow::test_a_control;
use common::*;
use engagement::conclusion::{Conclusion, ConclusionInput};
use engagement::keys::PersonalKey;
use engagement::signoff::SignoffRole;
use engagement::{EngagementFile, Error};

const KEY_PASSPHRASE: &str = "a long personal passphrase 7";

struct Team {
    dana: PersonalKey,
    joaquin: PersonalKey,
    path: PathBuf,
}

/// Dana (preparer) and Joaquín (reviewer), each with a key, on a control tested, concluded and
/// signed by both.
fn signed_engagement(dir: &Path) -> (EngagementFile, Team) {
    let (new, dana, joaquin) = keyed_team();
    let path = dir.join("signed.tickmark");
    let refused = EngagementFile::create(&path, PASSPHRASE, &new).err().expect("refused without the creator's key");
    assert!(refused.to_string().contains("create it signed in with that key"), "{refused}");
    let mut file = EngagementFile::create_signed(&path, PASSPHRASE, &new, Some(&dana)).unwrap();
    let t = test_a_control(&mut file);
    file.set_conclusion(t.control, &ConclusionInput::new(Conclusion::ExceptionsNoted, "One deviation.")).unwrap();
    file.sign(t.control, SignoffRole::Preparer).unwrap();
    file.sign_in(&joaquin).unwrap();
    file.sign(t.control, SignoffRole::Reviewer).unwrap();
    (file, Team { dana, joaquin, path })
}

/// Signs again, with Dana's key, every entry of hers from `seq` on: what she can do.
fn resign_own(conn: &rusqlite::Connection, from: i64, dana: &PersonalKey) {
    let mine: Vec<(i64, String)> = conn
        .prepare("SELECT seq, hash FROM trail WHERE seq >= ?1 AND actor = 'DW'")
        .unwrap()
        .query_map([from], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (seq, hash) in mine {
        conn.execute("UPDATE trail SET signature = ?1 WHERE seq = ?2", rusqlite::params![dana.sign(hash.as_bytes()), seq]).unwrap();
    }
}

fn problems(path: &Path) -> Vec<String> {
    let file = EngagementFile::open(path, PASSPHRASE).unwrap();
    file.verify().unwrap().problems
}

#[test]
fn every_entry_is_signed_by_its_author_and_nobody_works_under_a_keyed_name_without_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, team) = signed_engagement(dir.path());
    let trail = file.trail(None).unwrap();
    assert!(trail.iter().all(|e| e.signature.is_some()), "every entry carries its author's signature");
    assert!(trail.iter().any(|e| e.actor == "JI") && trail.iter().any(|e| e.actor == "DW"));
    assert!(file.verify().unwrap().is_intact());

    let err = file.set_user("JI").unwrap_err();
    assert!(err.to_string().contains(&format!("JI signs with a personal key (fingerprint {})", team.joaquin.fingerprint())), "{err}");
    let stranger = PersonalKey::generate("Mallory", "MA");
    assert!(file.sign_in(&stranger).unwrap_err().to_string().contains("is not registered on this engagement's team"));

    // Written to a key file and unlocked with its owner's passphrase, the key signs in.
    let key_path = dir.path().join("JI.tickmark-key");
    team.joaquin.write(&key_path, KEY_PASSPHRASE).unwrap();
    assert!(matches!(PersonalKey::unlock(&key_path, "not the passphrase at all"), Err(Error::WrongKeyPassphrase(_))));
    file.sign_in(&PersonalKey::unlock(&key_path, KEY_PASSPHRASE).unwrap()).unwrap();
    assert_eq!(file.user(), Some("JI"));
}

#[test]
fn a_result_changed_under_a_rechained_and_re_signed_trail_is_named_by_the_reviewers_signatures() {
    let dir = tempfile::tempdir().unwrap();
    let (file, team) = signed_engagement(dir.path());
    file.close().unwrap();
    let conn = raw(&team.path);
    // A deviation turned into a pass, in the row and in the entry that recorded it.
    let (seq, result_id): (i64, i64) = conn
        .query_row("SELECT seq, entity_id FROM trail WHERE entity = 'test_result' AND after LIKE '%\"deviation\"%' ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    conn.execute("UPDATE test_result SET outcome = 'pass', note = NULL WHERE id = ?1", [result_id]).unwrap();
    let after: String = conn.query_row("SELECT after FROM trail WHERE seq = ?1", [seq], |r| r.get(0)).unwrap();
    let mut after: serde_json::Value = serde_json::from_str(&after).unwrap();
    after["outcome"] = "pass".into();
    after["note"] = serde_json::Value::Null;
    conn.execute("UPDATE trail SET after = ?1 WHERE seq = ?2", rusqlite::params![after.to_string(), seq]).unwrap();
    rechain_from(&conn, seq);
    resign_own(&conn, seq, &team.dana);
    drop(conn);

    let problems = problems(&team.path);
    let joaquins: Vec<&String> = problems.iter().filter(|p| p.contains("by JI: its signature is not JI's")).collect();
    assert!(!joaquins.is_empty(), "Joaquín's entries after the change no longer verify: {problems:?}");
    assert!(problems.iter().all(|p| !p.contains("by DW")), "Dana's own entries were re-signed and pass: {problems:?}");
}

#[test]
fn an_entry_removed_beneath_a_sign_off_is_named_even_with_the_chain_recomputed() {
    let dir = tempfile::tempdir().unwrap();
    let (file, team) = signed_engagement(dir.path());
    file.close().unwrap();
    let conn = raw(&team.path);
    // Dana drops the entry recording management's response (and the response from the row).
    let (seq, exception): (i64, i64) =
        conn.query_row("SELECT seq, entity_id FROM trail WHERE action = 'respond' AND entity = 'exception'", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    let before: String = conn.query_row("SELECT before FROM trail WHERE seq = ?1", [seq], |r| r.get(0)).unwrap();
    let before: serde_json::Value = serde_json::from_str(&before).unwrap();
    conn.execute("UPDATE exception SET management_response = NULL, response_by = NULL, response_on = NULL WHERE id = ?1", [exception]).unwrap();
    assert!(before["management_response"].is_null());
    conn.execute("DELETE FROM trail WHERE seq = ?1", [seq]).unwrap();
    conn.execute("UPDATE trail SET seq = seq - 1 WHERE seq > ?1", [seq]).unwrap();
    rechain_from(&conn, seq);
    resign_own(&conn, seq, &team.dana);
    drop(conn);

    let problems = problems(&team.path);
    assert!(problems.iter().any(|p| p.contains("by JI: its signature is not JI's")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("signoff") && p.contains("records a trail head that is not the entry before it")), "{problems:?}");
}

#[test]
fn a_forged_sign_off_in_another_members_name_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (file, team) = signed_engagement(dir.path());
    let control = file.controls().unwrap()[0].id;
    file.close().unwrap();
    let conn = raw(&team.path);
    // Dana withdraws Joaquín's review and signs a new one in his name, chain and all.
    let head: String = conn.query_row("SELECT hash FROM trail ORDER BY seq DESC LIMIT 1", [], |r| r.get(0)).unwrap();
    conn.execute(
        "INSERT INTO signoff (control_id, role, initials, signed_at, chain_head, content_hash) SELECT control_id, role, initials, signed_at, ?1, content_hash FROM signoff WHERE role = 'reviewer' AND control_id = ?2",
        rusqlite::params![head, control],
    )
    .unwrap();
    let id = conn.last_insert_rowid();
    let row: String = conn.query_row("SELECT json_object('id', id, 'control_id', control_id, 'role', role, 'initials', initials, 'signed_at', signed_at, 'chain_head', chain_head, 'withdrawn_at', withdrawn_at, 'withdrawn_reason', withdrawn_reason, 'content_hash', content_hash) FROM signoff WHERE id = ?1", [id], |r| r.get(0)).unwrap();
    let seq: i64 = conn.query_row("SELECT max(seq) + 1 FROM trail", [], |r| r.get(0)).unwrap();
    conn.execute(
        "INSERT INTO trail (seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash, signature) VALUES (?1, '2026-11-01T10:00:00.000Z', 'JI', 'sign', 'signoff', ?2, NULL, ?3, '', '', ?4)",
        rusqlite::params![seq, id, row, team.dana.sign(b"anything")],
    )
    .unwrap();
    rechain_from(&conn, seq);
    let hash: String = conn.query_row("SELECT hash FROM trail WHERE seq = ?1", [seq], |r| r.get(0)).unwrap();
    conn.execute("UPDATE trail SET signature = ?1 WHERE seq = ?2", rusqlite::params![team.dana.sign(hash.as_bytes()), seq]).unwrap();
    drop(conn);

    let problems = problems(&team.path);
    assert!(problems.contains(&format!("trail entry {seq} by JI: its signature is not JI's: the entry was forged or altered")), "{problems:?}");
}

#[test]
fn a_swapped_evidence_file_with_its_hash_recomputed_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, team) = signed_engagement(dir.path());
    file.sign_in(&team.dana).unwrap();
    let source = dir.path().join("approval.txt");
    std::fs::write(&source, "approved by the CAB on 2026-03-02").unwrap();
    let evidence = file.attach_evidence(&source, None, None, date("2026-10-01"), &mut engagement::progress::silent).unwrap();
    file.sign_in(&team.joaquin).unwrap();
    let control = file.controls().unwrap()[0].id;
    file.raise_review_note(control, "Agree the approval to EV-1.").unwrap();
    file.close().unwrap();

    let conn = raw(&team.path);
    let forged = b"approved by the CAB on 2026-02-27";
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(forged))
    };
    conn.execute("UPDATE evidence_chunk SET data = ?1 WHERE evidence_id = ?2", rusqlite::params![&forged[..], evidence]).unwrap();
    conn.execute("UPDATE evidence SET sha256 = ?1 WHERE id = ?2", rusqlite::params![sha, evidence]).unwrap();
    let seq: i64 = conn.query_row("SELECT seq FROM trail WHERE entity = 'evidence' AND entity_id = ?1", [evidence], |r| r.get(0)).unwrap();
    let after: String = conn.query_row("SELECT after FROM trail WHERE seq = ?1", [seq], |r| r.get(0)).unwrap();
    let mut after: serde_json::Value = serde_json::from_str(&after).unwrap();
    after["sha256"] = sha.into();
    conn.execute("UPDATE trail SET after = ?1 WHERE seq = ?2", rusqlite::params![after.to_string(), seq]).unwrap();
    rechain_from(&conn, seq);
    resign_own(&conn, seq, &team.dana);
    drop(conn);

    let problems = problems(&team.path);
    assert!(problems.iter().any(|p| p.contains("by JI: its signature is not JI's")), "Joaquín's review note after the swap no longer verifies: {problems:?}");
}

#[test]
fn a_member_registers_their_own_first_key_and_only_the_partner_replaces_one() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, path) = create(dir.path());
    file.set_user("DW").unwrap();
    let dana = PersonalKey::generate("Dana Whitfield", "DW");
    let err = file.register_key("JI", &PersonalKey::generate("Joaquín Ibáñez", "JI").public_key()).unwrap_err();
    assert!(err.to_string().contains("JI's key is registered by JI, or replaced by the engagement partner"), "{err}");
    file.register_key("DW", &dana.public_key()).unwrap();
    assert_eq!(file.user(), None, "registered, Dana works only with her key from now on");
    assert!(file.set_user("DW").is_err());
    file.sign_in(&dana).unwrap();
    let before = file.trail(None).unwrap().len();
    file.add_control(&change_control()).unwrap();
    let trail = file.trail(None).unwrap();
    assert!(trail[before..].iter().all(|e| e.actor == "DW" && e.signature.is_some()), "her entries after registering are signed");
    assert!(trail[..before].iter().all(|e| e.signature.is_none()), "those before were not");
    assert!(file.verify().unwrap().is_intact());
    let replaced = file.register_key("DW", &PersonalKey::generate("Dana Whitfield", "DW").public_key()).unwrap_err();
    assert!(replaced.to_string().contains("replaced by the engagement partner"), "{replaced}");

    // Her signature stripped from an entry: the entry reads as written outside Tickmark.
    let last = file.trail(None).unwrap().last().unwrap().seq;
    file.close().unwrap();
    raw(&path).execute("UPDATE trail SET signature = NULL WHERE seq = ?1", [last]).unwrap();
    let problems = problems(&path);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with(&format!("trail entry {last} (")) && problems[0].ends_with("by DW is not signed, though DW signs with a personal key: it was written or rewritten outside Tickmark"), "{problems:?}");
}

/// Who may change the team: once the partner signs with a key, only they add members or
/// replace keys; a member registers only their own first key; no key is given twice.
#[test]
fn once_the_partner_signs_with_a_key_the_team_is_theirs_to_change() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, team) = signed_engagement(dir.path());
    let member = |initials: &str, role, key: Option<String>| engagement::model::TeamMember { name: format!("{initials} Member"), initials: initials.into(), role, public_key: key };
    let partner = PersonalKey::generate("Priya Raman", "PR");
    // Nobody is partner yet: Joaquín (manager), who staffs the job, adds her. Until she has a key,
    // nobody makes another partner beside her.
    file.add_team_member(&member("PR", engagement::model::Role::Partner, None)).unwrap();
    let minted = file.add_team_member(&member("XP", engagement::model::Role::Partner, Some(PersonalKey::generate("X", "XP").public_key()))).unwrap_err();
    assert!(minted.to_string().contains("XP is added as a partner by the engagement partner, signed in with their key: the partner registers theirs first"), "{minted}");
    file.set_user("PR").unwrap();
    file.register_key("PR", &partner.public_key()).unwrap();
    file.sign_in(&team.joaquin).unwrap();
    let before = file.trail(None).unwrap().len();
    let refused = file.add_team_member(&member("SM", engagement::model::Role::Staff, None)).unwrap_err();
    assert!(refused.to_string().contains("SM is added to the team by the engagement partner, signed in with their key"), "{refused}");
    let replaced = file.register_key("DW", &PersonalKey::generate("Dana Whitfield", "DW").public_key()).unwrap_err();
    assert!(replaced.to_string().contains("DW's key is registered by DW, or replaced by the engagement partner"), "{replaced}");
    assert_eq!(file.trail(None).unwrap().len(), before, "nothing of what was refused was recorded");
    assert!(file.overview().unwrap().team_closed.is_some_and(|why| why.contains("added by the engagement partner")), "the window says so before anyone tries");

    file.sign_in(&partner).unwrap();
    assert_eq!(file.overview().unwrap().team_closed, None);
    let twice = file.add_team_member(&member("SM", engagement::model::Role::Staff, Some(partner.public_key()))).unwrap_err();
    assert!(twice.to_string().contains("SM's key is already PR's"), "{twice}");
    file.add_team_member(&member("SM", engagement::model::Role::Staff, None)).unwrap();
    file.register_key("DW", &PersonalKey::generate("Dana Whitfield", "DW").public_key()).unwrap();
    assert_eq!(file.user(), Some("PR"), "replacing another's key leaves the partner signed in");
    // Her own, replaced: from now on she signs in with the new one only.
    let renewed = PersonalKey::generate("Priya Raman", "PR");
    file.register_key("PR", &renewed.public_key()).unwrap();
    assert_eq!(file.user(), None);
    assert!(file.sign_in(&partner).is_err(), "the key she replaced no longer signs in");
    file.sign_in(&renewed).unwrap();
    assert!(file.verify().unwrap().is_intact(), "{:?}", file.verify().unwrap().problems);
}

/// The team named when the file is created is its creator's to name, in any order: Dana
/// creating the file with the partner, key and all, named before Joaquín is no breach of the
/// team's rule, though once the file exists she adds nobody.
#[test]
fn the_team_named_at_creation_is_the_creators_to_name() {
    let dir = tempfile::tempdir().unwrap();
    let (mut new, dana, _) = keyed_team();
    let partner = PersonalKey::generate("Priya Raman", "PR");
    new.team.insert(1, engagement::model::TeamMember { name: partner.name.clone(), initials: "PR".into(), role: engagement::model::Role::Partner, public_key: Some(partner.public_key()) });
    let mut file = EngagementFile::create_signed(&dir.path().join("named.tickmark"), PASSPHRASE, &new, Some(&dana)).unwrap();
    assert!(file.verify().unwrap().is_intact(), "{:?}", file.verify().unwrap().problems);
    let refused = file.add_team_member(&engagement::model::TeamMember { name: "Sam Moreau".into(), initials: "SM".into(), role: engagement::model::Role::Staff, public_key: None });
    assert!(refused.is_err());
}

/// Dana gives Joaquín's row a key she holds, through the file, chain recomputed and her entry
/// signed with her own key, so that she could sign as him: every signature checks out, but the
/// entry breaks the team's rule and `verify` names it.
#[test]
fn a_key_set_by_someone_the_team_rule_does_not_allow_is_named_even_signed_and_chained() {
    let dir = tempfile::tempdir().unwrap();
    let (file, team) = signed_engagement(dir.path());
    file.close().unwrap();
    let conn = raw(&team.path);
    let mallory = PersonalKey::generate("Joaquín Ibáñez", "JI");
    let (seq, id) = forge_key(&conn, "JI", "DW", &mallory);
    resign_own(&conn, seq, &team.dana);
    drop(conn);

    let problems = problems(&team.path);
    assert_eq!(
        problems,
        [format!(
            "trail entry {seq} (register key team_member {id}) by DW breaks the team's rule: JI's key is registered by JI, or replaced by the engagement partner signed in with their own key"
        )]
    );
}

/// Gives member `initials` the public key of `key` behind Tickmark's back, with a trail entry
/// by `actor` saying so, chained (unsigned). Returns the entry's seq and the member's row id.
fn forge_key(conn: &rusqlite::Connection, initials: &str, actor: &str, key: &PersonalKey) -> (i64, i64) {
    let member = || -> String {
        conn.query_row("SELECT json_object('id', id, 'name', name, 'initials', initials, 'role', role, 'public_key', public_key) FROM team_member WHERE initials = ?1", [initials], |r| r.get(0)).unwrap()
    };
    let before = member();
    conn.execute("UPDATE team_member SET public_key = ?1 WHERE initials = ?2", [key.public_key().as_str(), initials]).unwrap();
    let id: i64 = conn.query_row("SELECT id FROM team_member WHERE initials = ?1", [initials], |r| r.get(0)).unwrap();
    let seq: i64 = conn.query_row("SELECT max(seq) + 1 FROM trail", [], |r| r.get(0)).unwrap();
    conn.execute(
        "INSERT INTO trail (seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash) VALUES (?1, '2026-11-02T09:00:00.000Z', ?2, 'register key', 'team_member', ?3, ?4, ?5, '', '')",
        rusqlite::params![seq, actor, id, before, member()],
    )
    .unwrap();
    rechain_from(conn, seq);
    (seq, id)
}

/// A forger gives the partner's row a key of their own and writes the entry as the partner's,
/// signed with that key and chained: the key an entry registers proves nothing of who wrote it,
/// so the rule judges it as unsigned, and a key is replaced only by the partner signed with hers.
#[test]
fn an_entry_signed_only_with_the_key_it_registers_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, team) = signed_engagement(dir.path());
    let partner = PersonalKey::generate("Priya Raghunathan", "PR");
    file.sign_in(&team.dana).unwrap();
    file.add_team_member(&engagement::model::TeamMember { name: partner.name.clone(), initials: "PR".into(), role: engagement::model::Role::Partner, public_key: Some(partner.public_key()) }).unwrap();
    file.close().unwrap();
    let conn = raw(&team.path);
    let forger = PersonalKey::generate("Priya Raghunathan", "PR");
    let (seq, id) = forge_key(&conn, "PR", "PR", &forger);
    let hash: String = conn.query_row("SELECT hash FROM trail WHERE seq = ?1", [seq], |r| r.get(0)).unwrap();
    conn.execute("UPDATE trail SET signature = ?1 WHERE seq = ?2", rusqlite::params![forger.sign(hash.as_bytes()), seq]).unwrap();
    drop(conn);

    let problems = problems(&team.path);
    assert_eq!(
        problems,
        [format!(
            "trail entry {seq} (register key team_member {id}) by PR breaks the team's rule: PR's key is registered by PR, or replaced by the engagement partner signed in with their own key"
        )]
    );
}

/// Once the partner signs with a key, a member's first key is hers to register, in the file's
/// record as in the window: an entry by which a keyless member registered their own key after
/// that, chained and signed with the key it registers (what anyone who knows the passphrase can
/// write in their name), is named by `verify`. So is a file whose rule was set back to the one
/// files made before it was recorded are judged by.
#[test]
fn a_first_key_registered_by_anyone_but_the_partner_once_she_signs_is_named() {
    use engagement::model::{Role, TeamMember};
    let dir = tempfile::tempdir().unwrap();
    let (mut new, dana, _) = keyed_team();
    let partner = PersonalKey::generate("Priya Raghunathan", "PR");
    new.team.push(TeamMember { name: partner.name.clone(), initials: "PR".into(), role: Role::Partner, public_key: Some(partner.public_key()) });
    new.team.push(TeamMember { name: "Sam Moreau".into(), initials: "SM".into(), role: Role::Staff, public_key: None });
    let path = dir.path().join("ruled.tickmark");
    EngagementFile::create_signed(&path, PASSPHRASE, &new, Some(&dana)).unwrap().close().unwrap();
    let conn = raw(&path);
    let someone = PersonalKey::generate("Sam Moreau", "SM");
    let (seq, id) = forge_key(&conn, "SM", "SM", &someone);
    let hash: String = conn.query_row("SELECT hash FROM trail WHERE seq = ?1", [seq], |r| r.get(0)).unwrap();
    conn.execute("UPDATE trail SET signature = ?1 WHERE seq = ?2", rusqlite::params![someone.sign(hash.as_bytes()), seq]).unwrap();
    drop(conn);
    let broken = format!("trail entry {seq} (register key team_member {id}) by SM breaks the team's rule: SM's first key is registered by the engagement partner");
    let named = problems(&path);
    assert!(named.len() == 1 && named[0].starts_with(&broken), "{named:?}");

    // The rule set back by an entry of Dana's, chained and signed: the entry is named, and the
    // registration is still judged by the rule the file was made under.
    let conn = raw(&path);
    let before: String = conn.query_row("SELECT after FROM trail WHERE entity = 'engagement' ORDER BY seq DESC LIMIT 1", [], |r| r.get(0)).unwrap();
    conn.execute("UPDATE engagement SET team_rule = 1", []).unwrap();
    let rule_seq: i64 = conn.query_row("SELECT max(seq) + 1 FROM trail", [], |r| r.get(0)).unwrap();
    conn.execute(
        "INSERT INTO trail (seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash) VALUES (?1, '2026-11-02T09:00:00.000Z', 'DW', 'edit', 'engagement', 1, ?2, json_set(?2, '$.team_rule', 1), '', '')",
        rusqlite::params![rule_seq, before],
    )
    .unwrap();
    rechain_from(&conn, seq);
    resign_own(&conn, seq, &dana);
    drop(conn);
    let named = problems(&path);
    assert_eq!(named.len(), 2, "{named:?}");
    assert!(named[0].starts_with(&broken), "{named:?}");
    assert_eq!(named[1], format!("trail entry {rule_seq} (edit engagement) changes the team's rule, which is set when the file is made: it was written outside Tickmark"));

    raw(&path).execute("UPDATE engagement SET team_rule = 2", []).unwrap();
    let named = problems(&path);
    assert!(named.iter().any(|p| p.starts_with("engagement") && p.contains("differs from what the trail last recorded")), "the row edited alone: {named:?}");
}

#[test]
fn verify_names_the_sign_offs_the_work_has_changed_since() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, team) = signed_engagement(dir.path());
    let control = file.controls().unwrap()[0].clone();
    assert!(file.verify().unwrap().changed_since_signed.is_empty());
    file.withdraw_signoff(control.id, SignoffRole::Reviewer, "to add a walkthrough").unwrap();
    file.sign_in(&team.dana).unwrap();
    file.add_walkthrough(&engagement::walkthrough::WalkthroughInput {
        control_id: control.id,
        kind: engagement::walkthrough::WalkthroughKind::Interview,
        held_on: date("2026-10-12"),
        attendees: vec!["Hyun-woo Seo".into()],
        narrative: "Asked how urgent fixes are approved.".into(),
        evidence: vec![],
    })
    .unwrap();
    let verification = file.verify().unwrap();
    assert!(verification.is_intact(), "a change made through Tickmark is not tampering");
    assert_eq!(verification.changed_since_signed, [format!("{}: the work changed since DW signed as preparer", control.reference)]);
}

/// Every entry's hash is the SHA-256 the trail's documented format gives, worked out apart from
/// Tickmark's code (`common::forgery`): recomputing the chain that way changes nothing, so a
/// re-performer holding only the format reaches the same head.
#[test]
fn each_entry_hash_is_the_documented_sha256_of_its_fields() {
    let dir = tempfile::tempdir().unwrap();
    let (file, team) = signed_engagement(dir.path());
    let head = file.verify().unwrap().head;
    file.close().unwrap();
    let conn = raw(&team.path);
    let chain = |conn: &rusqlite::Connection| -> Vec<(String, String)> {
        conn.prepare("SELECT prev_hash, hash FROM trail ORDER BY seq").unwrap().query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    let recorded = chain(&conn);
    rechain_from(&conn, 1);
    assert_eq!(chain(&conn), recorded);
    assert_eq!(recorded.last().unwrap().1, head);
    assert_eq!(recorded[0].0, "0".repeat(64), "the first entry follows the genesis hash");
}

/// Rows changed or removed behind Tickmark's back, with the trail left as it was: verify names
/// each, and the file is not intact.
#[test]
fn rows_changed_or_removed_outside_tickmark_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, path) = create(dir.path());
    let t = test_a_control(&mut file);
    assert!(file.verify().unwrap().is_intact());
    file.close().unwrap();
    let conn = raw(&path);
    conn.execute("UPDATE control SET owner = 'Nobody' WHERE id = ?1", [t.control]).unwrap();
    let result: i64 = conn.query_row("SELECT min(id) FROM test_result", [], |r| r.get(0)).unwrap();
    conn.execute("DELETE FROM test_result WHERE id = ?1", [result]).unwrap();
    drop(conn);
    let check = EngagementFile::open(&path, PASSPHRASE).unwrap().verify().unwrap();
    assert!(!check.is_intact());
    assert_eq!(
        check.problems,
        [
            format!("control {} differs from what the trail last recorded: it was changed outside Tickmark", t.control),
            format!("test_result {result} is recorded in the trail but missing: it was deleted outside Tickmark"),
        ]
    );
}
