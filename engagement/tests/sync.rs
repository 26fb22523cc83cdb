//! Team fieldwork through a shared folder: what one copy records arrives on the other, the trail
//! stays one verifiable chain, bad change files are refused by name while the rest syncs,
//! concurrent work is kept and named, and a sync killed at any moment loses nothing.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::forgery::raw;
use common::workflow::test_a_control;
use common::*;
use engagement::control::ControlInput;
use engagement::keys::PersonalKey;
use engagement::procedure::{ProcedureInput, ProcedureNature};
use engagement::sync::envelope::{self, Change, State};
use engagement::EngagementFile;

struct Team {
    dir: tempfile::TempDir,
    folder: PathBuf,
    a: EngagementFile,
    a_path: PathBuf,
    b: EngagementFile,
    b_path: PathBuf,
    dana: PersonalKey,
    joaquin: PersonalKey,
}

/// DW creates and shares the engagement; JI joins it: two copies, two keys.
fn team() -> Team {
    let dir = tempfile::tempdir().unwrap();
    let (new, dana, joaquin) = keyed_team();
    let a_path = dir.path().join("dana.tickmark");
    let mut a = EngagementFile::create_signed(&a_path, PASSPHRASE, &new, Some(&dana)).unwrap();
    let folder = dir.path().join("shared");
    std::fs::create_dir(&folder).unwrap();
    a.share(&folder).unwrap();
    let b_path = dir.path().join("joaquin.tickmark");
    let (mut b, joined) = EngagementFile::join(&folder, &b_path, PASSPHRASE).unwrap();
    assert_eq!(joined.refused, Vec::<String>::new());
    b.sign_in(&joaquin).unwrap();
    Team { dir, folder, a, a_path, b, b_path, dana, joaquin }
}

/// Every copy verifies and, once closed, holds the same work as the first.
fn converged(copies: Vec<(EngagementFile, &PathBuf)>) {
    let mut paths = Vec::new();
    for (file, path) in copies {
        let verified = file.verify().unwrap();
        assert!(verified.is_intact(), "{}: {:?}", path.display(), verified.problems);
        file.close().unwrap();
        paths.push(path);
    }
    for path in &paths[1..] {
        assert_eq!(content(paths[0]), content(path), "{} differs from {}", path.display(), paths[0].display());
    }
}

fn reopen(path: &Path, key: &PersonalKey) -> EngagementFile {
    let mut file = EngagementFile::open(path, PASSPHRASE).unwrap();
    file.sign_in(key).unwrap();
    file
}

#[test]
fn work_on_one_copy_arrives_on_the_other_and_the_trail_stays_one_verifiable_chain() {
    let Team { folder, mut a, a_path, mut b, b_path, dana, joaquin, dir: _dir } = team();
    let tested = test_a_control(&mut a);
    let sent = a.sync(&folder).unwrap();
    assert!(sent.sent.len() > 20, "each of DW's transactions went out: {:?}", sent.lines());

    let came = b.sync(&folder).unwrap();
    assert!(came.refused.is_empty() && came.waiting.is_empty(), "{:?}", came.lines());
    assert!(came.received.iter().any(|line| line.starts_with("DW ") && line.contains("test result")), "{:?}", came.lines());
    assert_eq!(b.results(tested.sample).unwrap(), a.results(tested.sample).unwrap(), "JI sees DW's results");
    let note = b.raise_review_note(tested.control, "Tie ticket 4 to its approval").unwrap();
    let sent = b.sync(&folder).unwrap().sent;
    let number = b.review_notes(Some(tested.control)).unwrap()[0].number.clone();
    let reference = b.controls().unwrap().into_iter().find(|c| c.id == tested.control).unwrap().reference;
    let did = format!("raise review note {number} ({reference})");
    assert!(sent.len() == 1 && sent[0].starts_with("change ") && sent[0].ends_with(&format!(" by JI: {did}")), "what went out is named: {sent:?}");

    let back = a.sync(&folder).unwrap();
    assert!(back.received.contains(&format!("JI {did}")), "{:?}", back.lines());
    let notes = a.review_notes(Some(tested.control)).unwrap();
    assert_eq!((notes.len(), notes[0].id, notes[0].raised_by.as_str()), (1, note, "JI"), "DW sees JI's note");

    converged(vec![(a, &a_path), (b, &b_path)]);

    // Nothing new: a second sync on either side exchanges nothing.
    for (path, key) in [(&a_path, &dana), (&b_path, &joaquin)] {
        let mut file = reopen(path, key);
        let again = file.sync(&folder).unwrap();
        assert_eq!((again.sent.len(), again.received.len()), (0, 0), "{:?}", again.lines());
    }
}

/// A file in the folder whose name says it is change `seq` of copy `copy`.
fn plant(folder: &Path, copy: &str, seq: u64, bytes: &[u8]) -> String {
    let name = format!("changes/{copy}/{seq:06}.tmc");
    std::fs::create_dir_all(folder.join(format!("changes/{copy}"))).unwrap();
    std::fs::write(folder.join(&name), bytes).unwrap();
    name
}

fn secret(path: &Path) -> (String, Vec<u8>) {
    let conn = raw(path);
    let uid = conn.query_row("SELECT uid FROM engagement", [], |r| r.get(0)).unwrap();
    (uid, conn.query_row("SELECT secret FROM sync_state", [], |r| r.get(0)).unwrap())
}

#[test]
fn bad_change_files_are_refused_by_name_and_the_rest_syncs() {
    let Team { folder, mut a, a_path, b, b_path, dir, .. } = team();
    test_a_control(&mut a);
    a.sync(&folder).unwrap();
    a.close().unwrap();
    b.close().unwrap();
    let (uid, secret) = secret(&a_path);
    let good = std::fs::read(std::fs::read_dir(folder.join("changes")).unwrap().next().unwrap().unwrap().path().join("000001.tmc")).unwrap();

    let truncated = plant(&folder, "aaaaaaaaaaaaaaaa", 1, &good[..good.len() / 2]);
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x20;
    let corrupted = plant(&folder, "bbbbbbbbbbbbbbbb", 1, &flipped);
    let stranger = PersonalKey::generate("Mallory", "DW");
    let forged = Change { copy: "cccccccccccccccc".into(), seq: 1, author: "DW".into(), lamport: 1, state: State::new(), changeset: vec![], signature: String::new() };
    let signature = stranger.sign(&envelope::signed_message(&uid, &forged.copy, 1, "DW", 1, &forged.state, &forged.changeset));
    let foreign_key = plant(&folder, "cccccccccccccccc", 1, &envelope::seal(&[Change { signature, ..forged }], &uid, &secret));
    let other = {
        let other_path = dir.path().join("other.tickmark");
        let (new, dana, _) = keyed_team();
        let mut other = EngagementFile::create_signed(&other_path, PASSPHRASE, &new, Some(&dana)).unwrap();
        let other_folder = dir.path().join("other-shared");
        std::fs::create_dir(&other_folder).unwrap();
        other.share(&other_folder).unwrap();
        other.add_control(&change_control()).unwrap();
        other.sync(&other_folder).unwrap();
        let copy = std::fs::read_dir(other_folder.join("changes")).unwrap().next().unwrap().unwrap().path();
        plant(&folder, "dddddddddddddddd", 1, &std::fs::read(copy.join("000001.tmc")).unwrap())
    };
    let gap = plant(&folder, "eeeeeeeeeeeeeeee", 3, &good);

    let mut b = EngagementFile::open(&b_path, PASSPHRASE).unwrap();
    let report = b.sync(&folder).unwrap();
    let refused = report.refused.join("\n");
    for (name, why) in [
        (&truncated, "truncated"),
        (&corrupted, "corrupted"),
        (&foreign_key, "not signed by the key of a team member"),
        (&other, "another engagement"),
        (&gap, "lacks change 1"),
    ] {
        assert!(report.refused.iter().any(|line| line.starts_with(name.as_str()) && line.contains(why)), "{name} ({why}) in:\n{refused}");
    }
    assert_eq!(report.refused.len(), 5, "{refused}");
    assert!(report.received.len() > 20, "DW's changes still came in: {:?}", report.lines());
    assert!(b.verify().unwrap().is_intact());
    b.close().unwrap();
    assert_eq!(content(&a_path), content(&b_path), "nothing of a refused file was applied");
}

/// A member added without a key joins the shared engagement and makes their key on their own
/// copy: every change on a shared copy is signed, so the registration is signed with the new key
/// itself. It travels, and what they sign with it afterwards is taken on every copy.
#[test]
fn a_member_without_a_key_makes_one_on_their_own_copy_and_their_work_travels() {
    use engagement::model::{Role, TeamMember};
    let Team { folder, mut a, a_path, b, b_path, dir, .. } = team();
    a.add_team_member(&TeamMember { name: "Tomás Weber".into(), initials: "TW".into(), role: Role::Staff, public_key: None }).unwrap();
    a.sync(&folder).unwrap();
    let c_path = dir.path().join("tomas.tickmark");
    let (mut c, _) = EngagementFile::join(&folder, &c_path, PASSPHRASE).unwrap();
    c.set_user("TW").unwrap();
    let refused = c.add_control(&change_control()).unwrap_err().to_string();
    assert!(refused.contains("sign in with your personal key"), "{refused}");
    let key_path = dir.path().join("TW.tickmark-key");
    let tomas = c.make_own_key(&key_path, "a long key passphrase for Tomás").unwrap().key;
    assert!(c.signed_in_with_key() && c.user() == Some("TW"), "signed in with the new key");
    let (name, initials, _) = engagement::keys::public_of(&key_path).unwrap();
    assert_eq!((name.as_str(), initials.as_str()), ("Tomás Weber", "TW"), "the key file says whose it is");
    c.add_control(&change_control()).unwrap();
    c.sync(&folder).unwrap();
    let report = a.sync(&folder).unwrap();
    assert!(report.refused.is_empty(), "{:?}", report.lines());
    assert_eq!(a.controls().unwrap().len(), 1, "TW's control reached DW's copy");
    let registered = a.info().unwrap().team.into_iter().find(|m| m.initials == "TW").unwrap().public_key;
    assert_eq!(registered, Some(tomas.public_key()));
    // A second key is not TW's own to register: the file made for it is removed again.
    let again = dir.path().join("TW-again.tickmark-key");
    assert!(c.make_own_key(&again, "another long key passphrase").is_err());
    assert!(!again.exists(), "no key file is left for a key nobody registered");
    drop(b);
    let b = EngagementFile::open(&b_path, PASSPHRASE).unwrap();
    c.sync(&folder).unwrap();
    converged(vec![(a, &a_path), (c, &c_path)]);
    b.close().unwrap();
}

/// On DW's copy the partner PR joins the team with her key and, signed in with it, adds TW
/// without one; TW's copy is joined at `c_path`, TW at work on it.
fn partner_signs_and_tw_joins(a: &mut EngagementFile, folder: &Path, c_path: &Path) -> EngagementFile {
    use engagement::model::{Role, TeamMember};
    let partner = PersonalKey::generate("Priya Raghunathan", "PR");
    a.add_team_member(&TeamMember { name: partner.name.clone(), initials: "PR".into(), role: Role::Partner, public_key: Some(partner.public_key()) }).unwrap();
    a.sign_in(&partner).unwrap();
    a.add_team_member(&TeamMember { name: "Tomás Weber".into(), initials: "TW".into(), role: Role::Staff, public_key: None }).unwrap();
    a.sync(folder).unwrap();
    let (mut c, _) = EngagementFile::join(folder, c_path, PASSPHRASE).unwrap();
    c.set_user("TW").unwrap();
    c
}

/// Once the partner signs with a key, a member's first key is the partner's to register: a member
/// without a key is whoever knows the passphrase, so their own registration is refused. Making
/// the key keeps its file, unregistered, and asked again gives the same key (not another
/// member's); the partner registers it on her copy, and once that
/// arrives the member, asking again, is signed in with it, and their work travels.
#[test]
fn once_the_partner_signs_a_members_first_key_is_hers_to_register() {
    let Team { folder, mut a, a_path, b, dir, .. } = team();
    drop(b);
    let c_path = dir.path().join("tomas.tickmark");
    let mut c = partner_signs_and_tw_joins(&mut a, &folder, &c_path);
    let key_path = dir.path().join("TW.tickmark-key");
    let made = c.make_own_key(&key_path, "a long key passphrase for Tomás").unwrap();
    assert!(!made.registered && key_path.exists() && !c.signed_in_with_key(), "made and kept, not registered");
    let shown = |c: &EngagementFile| c.overview().unwrap().key_for_partner.map(|k| (k.public_key, k.registered));
    assert_eq!(shown(&c), Some((made.key.public_key(), false)), "what he gives the partner, shown while the file is open");
    let refused = c.register_own_key(&made.key).unwrap_err().to_string();
    assert!(refused.contains("TW's first key is registered by the engagement partner"), "{refused}");
    let again = c.make_own_key(&key_path, "a long key passphrase for Tomás").unwrap();
    assert_eq!(again.key.public_key(), made.key.public_key(), "asked again, the key in the file");
    assert!(c.info().unwrap().team.iter().all(|m| m.initials != "TW" || m.public_key.is_none()));

    let someone_elses = dir.path().join("DW-other.tickmark-key");
    PersonalKey::generate("Dana Whitfield", "DW").write(&someone_elses, "a long key passphrase for Dana").unwrap();
    let refused = c.make_own_key(&someone_elses, "a long key passphrase for Dana").unwrap_err().to_string();
    assert!(refused.contains("holds the key of Dana Whitfield (DW), not of Tomás Weber (TW)"), "{refused}");

    a.register_key("TW", &made.key.public_key()).unwrap();
    a.sync(&folder).unwrap();
    c.sync(&folder).unwrap();
    assert_eq!(shown(&c), Some((made.key.public_key(), true)), "registered: his to sign in with");
    // Asked again once the partner's registration is here, he is signed in with his key.
    let signed = c.make_own_key(&key_path, "a long key passphrase for Tomás").unwrap();
    assert!(signed.registered && c.signed_in_with_key() && signed.key.public_key() == made.key.public_key());
    assert_eq!(shown(&c), None, "signed in with it");
    // A second key file of his is not his key now: the registered one is.
    let second = dir.path().join("TW-second.tickmark-key");
    PersonalKey::generate("Tomás Weber", "TW").write(&second, "a long key passphrase for Tomás").unwrap();
    let refused = c.make_own_key(&second, "a long key passphrase for Tomás").unwrap_err().to_string();
    assert!(refused.contains("TW has another key registered than the one in"), "{refused}");
    c.add_control(&change_control()).unwrap();
    c.sync(&folder).unwrap();
    let report = a.sync(&folder).unwrap();
    assert!(report.refused.is_empty() && report.conflicts.is_empty(), "{:?}", report.lines());
    assert_eq!(a.controls().unwrap().len(), 1, "TW's control reached the partner's copy");
    converged(vec![(a, &a_path), (c, &c_path)]);
}

/// The partner registers her first key on her copy while TW, on a copy her key has not reached,
/// registers his own first key after it in the one order: by the rule the file was made under,
/// that was hers to register, so his registration is held on every copy, his own included, and
/// listed. What he signed with the key meanwhile reaches every copy, and `verify` names it as
/// signed with a key the team never gave him, as it names a member's work before the partner
/// adds them: once she registers the key he gives her, every copy verifies and converges.
#[test]
fn a_first_key_registered_after_the_partner_signs_is_held_on_every_copy() {
    use engagement::model::{Role, TeamMember};
    let Team { folder, mut a, a_path, mut b, b_path, dir, .. } = team();
    let partner = PersonalKey::generate("Priya Raghunathan", "PR");
    a.add_team_member(&TeamMember { name: partner.name.clone(), initials: "PR".into(), role: Role::Partner, public_key: None }).unwrap();
    a.add_team_member(&TeamMember { name: "Tomás Weber".into(), initials: "TW".into(), role: Role::Staff, public_key: None }).unwrap();
    a.sync(&folder).unwrap();
    // JI's work moves the clock on, so that TW's registration sorts after the partner's.
    b.sync(&folder).unwrap();
    b.add_control(&change_control()).unwrap();
    b.sync(&folder).unwrap();
    let c_path = dir.path().join("tomas.tickmark");
    let (mut c, _) = EngagementFile::join(&folder, &c_path, PASSPHRASE).unwrap();

    a.set_user("PR").unwrap();
    a.register_own_key(&partner).unwrap();
    a.sync(&folder).unwrap();
    c.set_user("TW").unwrap();
    let tomas = PersonalKey::generate("Tomás Weber", "TW");
    c.register_own_key(&tomas).expect("on TW's copy the partner has no key yet");
    c.sign_in(&tomas).unwrap();
    c.add_control(&ControlInput { reference: "CC6.1-01".into(), ..change_control() }).unwrap();
    let report = c.sync(&folder).unwrap();
    assert!(report.conflicts.iter().any(|c| c.contains("TW's first key is registered by the engagement partner")), "{:?}", report.lines());
    // Nothing more is signed with the key on TW's copy: he stays at the keyboard without it,
    // shown what to give the partner, and a shared engagement takes no change so.
    let said = report.signed_out.clone().unwrap_or_default();
    assert!(said.contains(&format!("TW is no longer signed in with the key with fingerprint {}", tomas.fingerprint())), "{:?}", report.lines());
    assert!(report.lines().contains(&format!("  {said}")), "the terminal says it too");
    assert_eq!((c.user(), c.signed_in_with_key()), (Some("TW"), false));
    let shown = |c: &EngagementFile| c.overview().unwrap().key_for_partner.map(|k| (k.public_key, k.registered));
    assert_eq!(shown(&c), Some((tomas.public_key(), false)), "the key to give the partner");
    let refused = c.add_control(&ControlInput { reference: "CC6.1-02".into(), ..change_control() }).unwrap_err().to_string();
    assert!(refused.contains("sign in with your personal key"), "{refused}");
    assert_eq!(c.sync(&folder).unwrap().signed_out, None, "said once");
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    for (copy, file) in [("PR's", &a), ("JI's", &b), ("TW's", &c)] {
        assert!(file.info().unwrap().team.iter().any(|m| m.initials == "TW" && m.public_key.is_none()), "held on {copy} copy");
        assert!(file.controls().unwrap().iter().any(|c| c.reference == "CC6.1-01"), "{copy} copy holds what TW did");
        // Named: each of his entries, the held registration's included.
        let tws: Vec<i64> = file.trail(None).unwrap().into_iter().filter(|e| e.actor == "TW").map(|e| e.seq).collect();
        let problems = file.verify().unwrap().problems;
        let named: Vec<String> = tws.iter().map(|seq| format!("trail entry {seq} by TW is signed, but TW never had a key on the team")).collect();
        assert_eq!(problems, named, "{copy} copy");
    }
    assert_eq!(a.info().unwrap().team.iter().find(|m| m.initials == "PR").unwrap().public_key, Some(partner.public_key()), "the partner's stands");

    a.sign_in(&partner).unwrap();
    a.register_key("TW", &tomas.public_key()).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    c.sync(&folder).unwrap();
    assert_eq!(shown(&c), Some((tomas.public_key(), true)), "registered: his to sign in with");
    c.sign_in(&tomas).unwrap();
    converged(vec![(a, &a_path), (b, &b_path), (c, &c_path)]);
}

/// Two copies joined at once through a folder kept in step by cloud storage, which does not
/// lock: each laptop claimed the same number in its own replica. Their work is numbered alike, so
/// no copy can hold both's: the refusal of the second's says why, naming the copy with the same
/// number, and nothing else stops.
#[test]
fn two_copies_that_drew_the_same_number_are_named_where_one_is_refused() {
    let Team { folder, mut a, b, b_path, dir, dana, joaquin, .. } = team();
    let copy_of = |path: &Path| -> String { raw(path).query_row("SELECT copy FROM sync_state", [], |r| r.get(0)).unwrap() };
    b.close().unwrap();
    let jis = copy_of(&b_path);
    let c_path = dir.path().join("second-laptop.tickmark");
    EngagementFile::join(&folder, &c_path, PASSPHRASE).unwrap().0.close().unwrap();
    let twin = format!("{}{}", &jis[..4], &copy_of(&c_path)[4..]);
    raw(&c_path).execute("UPDATE sync_state SET copy = ?1", [&twin]).unwrap();
    let (mut b, mut c) = (reopen(&b_path, &joaquin), reopen(&c_path, &dana));
    let named = |report: &engagement::sync::SyncReport, refused: &str, twin: &str| {
        report.refused.iter().any(|r| r.starts_with(&format!("changes/{refused}/")) && r.contains(&format!("{twin} has the same number ({})", &jis[..4])) && r.contains("makes the other again with join"))
    };
    c.add_control(&ControlInput { reference: "CC6.1-01".into(), ..change_control() }).unwrap();
    c.sync(&folder).unwrap();
    b.add_control(&change_control()).unwrap();
    let report = b.sync(&folder).unwrap();
    assert!(named(&report, &twin, "this copy"), "{:?}", report.lines());
    let report = a.sync(&folder).unwrap();
    assert_eq!(a.controls().unwrap().len(), 1, "one of the two copies' work, not both: {:?}", report.lines());
    let kept = if a.controls().unwrap()[0].reference == "CC6.1-01" { &twin } else { &jis };
    let other = if kept == &twin { &jis } else { &twin };
    assert!(named(&report, other, &format!("copy {kept}")), "{:?}", report.lines());
    c.add_control(&ControlInput { reference: "CC7.2-01".into(), ..change_control() }).unwrap();
    let report = c.sync(&folder).unwrap();
    assert!(named(&report, &jis, "this copy"), "{:?}", report.lines());
    assert!(!report.sent.is_empty(), "its work still goes out");
}

/// The key TW made for the partner is shown on his copy until a key is registered for him: the
/// one he made (then his to sign in with), or another the partner registered (then not shown:
/// it is not the one registered).
#[test]
fn the_key_made_for_the_partner_is_shown_only_while_it_may_still_be_the_one_registered() {
    let Team { folder, mut a, b, dir, .. } = team();
    drop(b);
    let mut c = partner_signs_and_tw_joins(&mut a, &folder, &dir.path().join("tomas.tickmark"));
    let made = c.make_own_key(&dir.path().join("TW.tickmark-key"), "a long key passphrase for Tomás").unwrap();
    assert_eq!(c.overview().unwrap().key_for_partner.map(|k| k.public_key), Some(made.key.public_key()));
    a.register_key("TW", &PersonalKey::generate("Tomás Weber", "TW").public_key()).unwrap();
    a.sync(&folder).unwrap();
    c.sync(&folder).unwrap();
    assert_eq!(c.overview().unwrap().key_for_partner, None, "another key is his now");
}

/// A partner without a key, at work on one copy, while their first key is registered on another:
/// once it arrives they are still at work without it, and a second key of theirs is not a first
/// key to register; replacing the partner's key takes the partner signed in with it.
#[test]
fn a_key_that_arrived_meanwhile_is_not_replaced_by_a_second_first_key() {
    use engagement::model::{Role, TeamMember};
    let Team { folder, mut a, mut b, dir, .. } = team();
    a.add_team_member(&TeamMember { name: "Priya Raghunathan".into(), initials: "PR".into(), role: Role::Partner, public_key: None }).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    let (mut c, _) = EngagementFile::join(&folder, &dir.path().join("priya.tickmark"), PASSPHRASE).unwrap();
    c.set_user("PR").unwrap();
    b.set_user("PR").unwrap();
    let first = b.make_own_key(&dir.path().join("PR.tickmark-key"), "a long key passphrase for Priya").unwrap().key;
    b.sync(&folder).unwrap();
    c.sync(&folder).unwrap();
    let second = PersonalKey::generate("Priya Raghunathan", "PR");
    assert!(c.register_own_key(&second).is_err(), "not a first key any more");
    assert_eq!(c.info().unwrap().team.into_iter().find(|m| m.initials == "PR").unwrap().public_key, Some(first.public_key()));
}

/// A key registered in one copy's change signs another copy's changes: TW registers his key on
/// one copy, then works on a second. A third copy reading the second before the first (copies
/// are read in name order) takes both in the same sync, not refusing the work as unsigned.
#[test]
fn work_signed_with_a_key_registered_on_another_copy_is_taken_in_one_sync_whatever_the_order() {
    use engagement::model::{Role, TeamMember};
    let Team { folder, mut a, mut b, b_path, dir, .. } = team();
    a.add_team_member(&TeamMember { name: "Tomás Weber".into(), initials: "TW".into(), role: Role::Staff, public_key: None }).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    let c_path = dir.path().join("tomas.tickmark");
    let (c, _) = EngagementFile::join(&folder, &c_path, PASSPHRASE).unwrap();
    b.close().unwrap();
    c.close().unwrap();
    let name = |path: &Path| raw(path).query_row("SELECT copy FROM sync_state", [], |r| r.get::<_, String>(0)).unwrap();
    let b_first = name(&b_path) < name(&c_path);
    let (mut b, mut c) = (EngagementFile::open(&b_path, PASSPHRASE).unwrap(), EngagementFile::open(&c_path, PASSPHRASE).unwrap());
    // TW registers on the copy read later and works on the one read first.
    let (registering, working) = if b_first { (&mut c, &mut b) } else { (&mut b, &mut c) };
    registering.set_user("TW").unwrap();
    let tomas = registering.make_own_key(&dir.path().join("TW.tickmark-key"), "a long key passphrase for Tomás").unwrap().key;
    registering.sync(&folder).unwrap();
    working.sync(&folder).unwrap();
    working.sign_in(&tomas).unwrap();
    working.add_control(&change_control()).unwrap();
    working.sync(&folder).unwrap();
    let report = a.sync(&folder).unwrap();
    assert!(report.refused.is_empty(), "{:?}", report.lines());
    assert_eq!(a.controls().unwrap().len(), 1, "TW's control came in");
    assert!(a.verify().unwrap().is_intact());
    drop((b, c));
    a.close().unwrap();
}

/// A change file holding several changes, one of them with a signature that does not verify:
/// the file is refused whole, the changes before the bad one included.
#[test]
fn a_file_with_one_badly_signed_change_is_refused_whole() {
    let Team { folder, mut a, a_path, b, b_path, dir: _dir, .. } = team();
    test_a_control(&mut a);
    a.sync(&folder).unwrap();
    a.close().unwrap();
    let (uid, secret) = secret(&a_path);
    let copy = std::fs::read_dir(folder.join("changes")).unwrap().next().unwrap().unwrap().path();
    let name = copy.file_name().unwrap().to_str().unwrap().to_owned();
    let mut changes = envelope::open(&std::fs::read(copy.join("000001.tmc")).unwrap(), &uid, &secret, &name, 1).unwrap();
    assert!(changes.len() > 3, "one file holds the changes of a sync");
    let last = changes.len() - 1;
    let flipped = if changes[last].signature.starts_with('0') { "1" } else { "0" };
    changes[last].signature.replace_range(0..1, flipped);
    std::fs::write(copy.join("000001.tmc"), envelope::seal(&changes, &uid, &secret)).unwrap();
    b.close().unwrap();
    let mut b = EngagementFile::open(&b_path, PASSPHRASE).unwrap();
    let report = b.sync(&folder).unwrap();
    assert!(report.refused.iter().any(|r| r.starts_with(&format!("changes/{name}/000001.tmc")) && r.contains("not signed")), "{:?}", report.lines());
    assert!(report.received.is_empty(), "nothing of the file is taken: {:?}", report.lines());
    assert!(b.controls().unwrap().is_empty());
}

#[test]
fn work_done_on_two_copies_at_once_is_merged_the_same_way_on_both() {
    let Team { folder, mut a, a_path, mut b, b_path, dir: _dir, .. } = team();
    let dana_control = a.add_control(&change_control()).unwrap();
    a.raise_review_note(dana_control, "DW's own note").unwrap();
    let mut other = change_control();
    other.reference = "CC7.2-01".into();
    let joaquin_control = b.add_control(&other).unwrap();
    assert_ne!(dana_control, joaquin_control, "rows added on two copies never share an id");
    a.sync(&folder).unwrap();
    let b_report = b.sync(&folder).unwrap();
    assert!(b_report.received.iter().any(|r| r.starts_with("DW add control")), "{:?}", b_report.lines());
    a.sync(&folder).unwrap();
    for file in [&a, &b] {
        assert_eq!(file.controls().unwrap().len(), 2, "both controls on both copies");
        assert!(file.sync_conflicts().unwrap().is_empty());
    }
    converged(vec![(a, &a_path), (b, &b_path)]);
}

#[test]
fn two_outcomes_for_the_same_cell_are_both_kept_and_listed() {
    let Team { folder, mut a, a_path, mut b, b_path, dir: _dir, .. } = team();
    let tested = test_a_control(&mut a);
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    let attribute = a.control(tested.control).unwrap().attributes[0].id;
    let cell = |outcome, note: &str| engagement::testing::TestResult {
        sample_id: tested.sample,
        position: 0,
        attribute_id: attribute,
        outcome,
        tickmark: None,
        note: Some(note.into()),
        evidence: vec![],
    };
    a.record_result(&cell(engagement::testing::Outcome::Deviation, "DW: no approval on file")).unwrap();
    b.record_result(&cell(engagement::testing::Outcome::Pass, "JI: approval found in the ticket")).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    a.sync(&folder).unwrap();
    let (on_a, on_b) = (a.results(tested.sample).unwrap(), b.results(tested.sample).unwrap());
    assert_eq!(on_a, on_b, "one outcome stands on both copies");
    let conflicts: Vec<String> = a.sync_conflicts().unwrap().into_iter().map(|c| c.text).collect();
    assert_eq!(a.sync_conflicts().unwrap(), b.sync_conflicts().unwrap(), "the same list on both");
    let both = conflicts.join("\n");
    let standing = on_a.iter().find(|r| r.position == 0 && r.attribute_id == attribute).unwrap().note.clone().unwrap();
    let other = if standing.starts_with("DW") { "JI: approval found in the ticket" } else { "DW: no approval on file" };
    assert!(conflicts.len() == 1 && both.contains(other), "the other outcome is kept in the list: {both}");
    assert!(both.starts_with("item 1, attribute A of sample "), "the cell named as the grid names it: {both}");
    assert!(!both.contains('{') && !both.split(|c: char| !c.is_ascii_digit()).any(|n| n.len() >= 10), "no raw record, no ten-digit ids: {both}");
    // The grid marks that cell, and no other, until someone settles it.
    for file in [&a, &b] {
        let marked: Vec<(i64, i64, i64, i64)> =
            file.workpaper(tested.control).unwrap().conflict_cells.iter().map(|c| (c.sample_id, c.position, c.attribute_id, c.number)).collect();
        assert_eq!(marked, vec![(tested.sample, 0, attribute, 1)]);
    }
    // Until someone settles it, the preparer cannot sign over an outcome nobody chose.
    let gate = a.workpaper(tested.control).unwrap().preparer_missing;
    assert!(gate.iter().any(|m| m.starts_with("sync conflict 1 is not settled")), "{gate:?}");
    assert!(b.settle_conflict(1, " ").is_err(), "settling says how");
    b.settle_conflict(1, "JI re-checked the ticket: the outcome that stands is right").unwrap();
    assert!(b.settle_conflict(1, "again").is_err());
    b.sync(&folder).unwrap();
    a.sync(&folder).unwrap();
    for file in [&a, &b] {
        let listed = file.sync_conflicts().unwrap();
        assert!(listed[0].settled.as_deref().is_some_and(|s| s.starts_with("JI, ") && s.contains("re-checked")), "{listed:?}");
        assert!(!file.workpaper(tested.control).unwrap().preparer_missing.iter().any(|m| m.contains("sync conflict")));
        assert!(file.workpaper(tested.control).unwrap().conflict_cells.is_empty(), "settled: no longer marked");
    }
    converged(vec![(a, &a_path), (b, &b_path)]);
}

/// A control reference added on two copies, and a procedure performed on a copy where another
/// removed it meanwhile, are listed in words; a procedure removed on both needs nobody.
#[test]
fn rows_added_twice_or_changed_after_removal_are_listed_and_a_removal_made_on_both_is_not() {
    let Team { folder, mut a, a_path, mut b, b_path, dir: _dir, .. } = team();
    let control = a.add_control(&change_control()).unwrap();
    let procedure = |text: &str| ProcedureInput { nature: ProcedureNature::Inquiry, text: text.into(), sample_based: false };
    let (asked, observed) = (a.add_procedure(control, &procedure("Inquired of the CTO")).unwrap(), a.add_procedure(control, &procedure("Observed a deployment")).unwrap());
    let mapping = engagement::population::ColumnMapping { key: "change_id".into(), date: Some("deployed_on".into()), amount: None, stratum: None };
    let population = a.import_population(control, &common::workflow::demo_population(), &mapping, "ServiceNow export", &mut |_| true).unwrap();
    let size = engagement::sample::SizeRequest::Fixed { n: 3, reason: "For the test".into() };
    let sample = a
        .draw_sample(&engagement::sample::SampleRequest { control_id: control, population_id: population, method: engagement::sample::SampleMethod::SimpleRandom, size, seed: None, seed_reason: None })
        .unwrap();
    let attribute = a.control(control).unwrap().attributes[0].id;
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    let access = |description: &str| ControlInput { reference: "CC6.1-01".into(), description: description.into(), criteria: vec!["CC6.1".into()], ..change_control() };
    a.add_control(&access("Access is granted on an approved request.")).unwrap();
    a.remove_procedure(asked).unwrap();
    a.remove_procedure(observed).unwrap();
    b.add_control(&access("Access requests are approved by the system owner.")).unwrap();
    b.raise_review_note(control, "Which deployment was observed?").unwrap();
    b.mark_performed(asked, date("2026-10-09")).unwrap();
    b.remove_procedure(observed).unwrap();
    for (file, outcome) in [(&mut a, engagement::testing::Outcome::Pass), (&mut b, engagement::testing::Outcome::Deviation)] {
        let cell = engagement::testing::TestResult { sample_id: sample, position: 0, attribute_id: attribute, outcome, tickmark: None, note: Some("first look".into()), evidence: vec![] };
        file.record_result(&cell).unwrap();
    }
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    a.sync(&folder).unwrap();
    let listed: Vec<String> = a.sync_conflicts().unwrap().into_iter().map(|c| c.text).collect();
    assert_eq!(a.sync_conflicts().unwrap(), b.sync_conflicts().unwrap(), "the same list on both");
    let (added, rest): (Vec<&String>, Vec<&String>) = listed.iter().partition(|t| t.contains("not applied: it adds a row another copy added as well"));
    let second = a.controls().unwrap().into_iter().filter(|c| c.reference == "CC6.1-01").count();
    assert_eq!(second, 1, "one CC6.1-01 stands");
    assert!(added.iter().any(|t| t.starts_with("control ") && t.contains("reference \"CC6.1-01\"")) && added.iter().filter(|t| t.starts_with("attribute ")).count() == 2, "the control added twice is listed, with the attributes added with it: {listed:#?}");
    assert_eq!(rest.len(), 2, "the cell and the procedure performed after its removal, not the one removed on both: {listed:#?}");
    assert!(rest.iter().any(|t| t.starts_with("procedure ") && t.contains("JI changed it on a copy where it was removed meanwhile") && t.contains("performed on \"2026-10-09\"")), "{listed:#?}");
    assert!(
        rest.iter().any(|t| t.starts_with("item 1, attribute A of sample 1-1: added by ") && t.contains("on another copy as well") && t.contains("note \"first look\"")),
        "the same cell recorded on both copies: {listed:#?}"
    );
    // Each waits for the preparer of the workpaper it belongs to: the procedure's (JI's change
    // to it carried only what it changed), and the CC6.1-01 that stands (the other's is not here).
    for file in [&a, &b] {
        let gate = file.workpaper(control).unwrap().preparer_missing;
        assert!(gate.iter().any(|m| m.starts_with("sync conflict ") && m.contains("procedure ") && m.contains("removed meanwhile")), "{gate:#?}");
        let standing = file.control_by_reference("CC6.1-01").unwrap().id;
        let gate = file.workpaper(standing).unwrap().preparer_missing;
        assert_eq!(gate.iter().filter(|m| m.starts_with("sync conflict ")).count(), 3, "the other copy's CC6.1-01 and its two attributes: {gate:#?}");
    }
    converged(vec![(a, &a_path), (b, &b_path)]);
}

/// A procedure performed on one copy while another removed it as planned: when the removal
/// sorts later it would take the performed procedure with it. The procedure stays, performed, on
/// every copy, and the removal is listed, not applied.
#[test]
fn a_removal_of_work_changed_meanwhile_on_another_copy_is_listed_and_the_work_stays() {
    let Team { folder, mut a, a_path, mut b, b_path, dir: _dir, .. } = team();
    let control = a.add_control(&change_control()).unwrap();
    let procedure = a.add_procedure(control, &ProcedureInput { nature: ProcedureNature::Inspection, text: "Inspected the change tickets".into(), sample_based: false }).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    a.mark_performed(procedure, date("2026-10-09")).unwrap();
    // JI's removal comes after a note of hers, so it sorts after DW's change.
    b.raise_review_note(control, "Is this procedure needed?").unwrap();
    b.remove_procedure(procedure).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    a.sync(&folder).unwrap();
    for file in [&a, &b] {
        let standing = file.procedures(control).unwrap();
        assert!(standing.iter().any(|p| p.id == procedure && p.performed.is_some()), "the performed procedure stays: {standing:?}");
        let listed: Vec<String> = file.sync_conflicts().unwrap().into_iter().map(|c| c.text).collect();
        assert_eq!(listed.len(), 1, "{listed:#?}");
        assert!(listed[0].starts_with("procedure ") && listed[0].contains("JI's removal of it is kept here, not applied") && listed[0].contains("2026-10-09"), "{listed:#?}");
        assert!(file.workpaper(control).unwrap().preparer_missing.iter().any(|m| m.starts_with("sync conflict 1 is not settled")));
        assert!(file.verify().unwrap().is_intact(), "{:?}", file.verify().unwrap().problems);
    }
    converged(vec![(a, &a_path), (b, &b_path)]);
}

/// The same control with the same attributes, added on two copies before they met: one piece
/// of work done twice, which stands once and asks nobody to choose. A control added with the
/// same row but an attribute worded differently is listed as before.
#[test]
fn a_control_added_the_same_on_two_copies_stands_once_and_nobody_is_asked_to_choose() {
    let Team { folder, mut a, a_path, mut b, b_path, dir: _dir, .. } = team();
    let mut reworded = change_control();
    reworded.reference = "CC8.1-02".into();
    for file in [&mut a, &mut b] {
        file.add_control(&change_control()).unwrap();
    }
    a.add_control(&reworded).unwrap();
    reworded.attributes[0].question = format!("{} (as JI worded it)", reworded.attributes[0].question);
    b.add_control(&reworded).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    a.sync(&folder).unwrap();
    for file in [&a, &b] {
        let references: Vec<String> = file.controls().unwrap().into_iter().map(|c| c.reference).collect();
        assert_eq!(references, [change_control().reference, "CC8.1-02".to_owned()], "each control once");
        let listed: Vec<String> = file.sync_conflicts().unwrap().into_iter().map(|c| c.text).collect();
        assert!(!listed.is_empty() && listed.iter().all(|t| !t.contains(&change_control().reference)), "only the reworded control is listed: {listed:#?}");
        let standing = file.control_by_reference("CC8.1-02").unwrap().attributes[0].question.clone();
        let other = if standing.ends_with("(as JI worded it)") { change_control().attributes[0].question.clone() } else { reworded.attributes[0].question.clone() };
        assert!(listed.iter().any(|t| t.starts_with("attribute ") && t.contains(&format!("{other:?}"))), "the wording that does not stand is listed: {listed:#?}");
        let blockers = file.completion_blockers().unwrap();
        assert!(
            blockers.iter().any(|b| b.starts_with("CC8.1-02: sync conflict ") && b.contains(&format!("{other:?}"))),
            "the control kept aside blocks completion, as work of the CC8.1-02 that stands: {blockers:#?}"
        );
        assert!(file.verify().unwrap().is_intact(), "{:?}", file.verify().unwrap().problems);
    }
    converged(vec![(a, &a_path), (b, &b_path)]);
}

#[test]
fn an_unreachable_folder_is_a_message_and_work_goes_on() {
    let Team { folder, mut a, dir, .. } = team();
    let away = dir.path().join("unplugged");
    std::fs::rename(&folder, &away).unwrap();
    let control = a.add_control(&change_control()).unwrap();
    let report = a.sync(&folder).unwrap();
    assert!(report.unreachable.as_deref().is_some_and(|why| why.contains("cannot be reached")), "{report:?}");
    assert!(report.lines()[0].starts_with("Not synced"), "{:?}", report.lines());
    std::fs::rename(&away, &folder).unwrap();
    assert_eq!(a.sync(&folder).unwrap().sent.len(), 1, "the change made offline goes out once the folder is back");
    a.raise_review_note(control, "Raised once the folder was back").unwrap();
    assert_eq!(a.sync_now().unwrap().sent.len(), 1, "the window's Sync uses the folder this copy last synced with");
}

#[test]
fn a_sync_killed_at_any_moment_loses_nothing_and_the_next_completes_it() {
    let Team { folder, mut a, a_path, b, b_path, dana, dir: _dir, .. } = team();
    test_a_control(&mut a);
    a.close().unwrap();
    b.close().unwrap();
    let tickmark = env!("CARGO_BIN_EXE_tickmark");
    let sync = |path: &Path| Command::new(tickmark).arg("sync").arg(path).arg("--folder").arg(&folder).env("TICKMARK_PASSPHRASE", PASSPHRASE).spawn().unwrap();
    // Kill each side's sync after a growing delay, then let one run to the end.
    let mut killed = 0;
    for round in 0..8u64 {
        for path in [&a_path, &b_path] {
            let mut child = sync(path);
            std::thread::sleep(std::time::Duration::from_millis(15 * round));
            if child.try_wait().unwrap().is_none() {
                killed += 1;
                child.kill().unwrap();
            }
            child.wait().unwrap();
        }
    }
    assert!(killed >= 4, "syncs were killed while running ({killed})");
    for path in [&a_path, &b_path] {
        let done = Command::new(tickmark).arg("sync").arg(path).arg("--folder").arg(&folder).env("TICKMARK_PASSPHRASE", PASSPHRASE).output().unwrap();
        assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    }
    assert_eq!(content(&a_path), content(&b_path), "both copies converge");
    let b = EngagementFile::open(&b_path, PASSPHRASE).unwrap();
    assert!(b.verify().unwrap().is_intact());
    b.close().unwrap();
    let mut a = reopen(&a_path, &dana);
    assert_eq!(a.sync(&folder).unwrap().sent.len(), 0, "every change of DW's was already out");
}

#[test]
fn the_command_line_shares_joins_and_syncs_and_exits_1_when_a_file_was_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (new, dana, _) = keyed_team();
    let a_path = dir.path().join("dana.tickmark");
    EngagementFile::create_signed(&a_path, PASSPHRASE, &new, Some(&dana)).unwrap().close().unwrap();
    let folder = dir.path().join("shared");
    std::fs::create_dir(&folder).unwrap();
    let tickmark = |args: &[&std::ffi::OsStr]| {
        let out = Command::new(env!("CARGO_BIN_EXE_tickmark")).args(args).env("TICKMARK_PASSPHRASE", PASSPHRASE).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
    };
    let (a_arg, folder_arg, b_path) = (a_path.as_os_str(), folder.as_os_str(), dir.path().join("joaquin.tickmark"));
    let (code, said) = tickmark(&["share".as_ref(), a_arg, "--folder".as_ref(), folder_arg]);
    assert_eq!(code, Some(0), "{said}");
    let (code, said) = tickmark(&["share".as_ref(), a_arg, "--folder".as_ref(), folder_arg]);
    assert_eq!(code, Some(2), "sharing twice is refused: {said}");
    assert!(said.contains("already shared"), "{said}");

    let mut a = reopen(&a_path, &dana);
    a.add_control(&change_control()).unwrap();
    a.close().unwrap();
    let (code, said) = tickmark(&["sync".as_ref(), a_arg, "--folder".as_ref(), folder_arg]);
    assert_eq!((code, said.lines().next()), (Some(0), Some("Sent 1 change; received 0 trail entries.")), "{said}");
    let key_file = dir.path().join("DW.tickmark-key");
    dana.write(&key_file, "Dana's own quiet passphrase 42").unwrap();
    let as_dana = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_tickmark"))
            .args(args)
            .args(["--as".as_ref(), "DW".as_ref(), "--key-file".as_ref(), key_file.as_os_str()])
            .env("TICKMARK_PASSPHRASE", PASSPHRASE)
            .env("TICKMARK_KEY_PASSPHRASE", "Dana's own quiet passphrase 42")
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
    };
    let (a_text, reference) = (a_path.to_str().unwrap(), change_control().reference);
    let (code, said) = as_dana(&["take", a_text, "--control", &reference]);
    assert_eq!(code, Some(0), "{said}");
    // Rows made after sharing are named by their copy (DW's is copy 1), not by a ten-digit id.
    let (code, said) = as_dana(&["note", "raise", a_text, "--control", &reference, "--text", "Tie the approvals to the tickets"]);
    assert_eq!((code, said.trim()), (Some(0), "review note 1-1 raised on CC8.1-01"));
    let (_, said) = tickmark(&["blockers".as_ref(), a_arg]);
    assert!(said.contains("review note 1-1 raised by DW is open"), "{said}");
    let (code, said) = as_dana(&["note", "respond", a_text, "--note", "1-1", "--text", "Tied: see EV-1"]);
    assert_eq!((code, said.trim()), (Some(0), "review note 1-1: response recorded"));
    let (code, said) = as_dana(&["note", "clear", a_text, "--note", "1-x"]);
    assert_eq!(code, Some(2), "{said}");
    assert!(said.contains("\"1-x\" is not a review note number"), "{said}");
    let (_, said) = tickmark(&["info".as_ref(), a_arg]);
    assert!(said.contains(&format!("control {}: assigned to DW", change_control().reference)) && said.contains("shared through"), "{said}");
    let (code, said) = tickmark(&["sync".as_ref(), a_arg, "--folder".as_ref(), folder_arg]);
    assert_eq!((code, said.lines().next()), (Some(0), Some("Sent 3 changes; received 0 trail entries.")), "{said}");

    plant(&folder, "ffffffffffffffff", 1, b"not a change");
    let (code, said) = tickmark(&["join".as_ref(), folder_arg, "--out".as_ref(), b_path.as_os_str()]);
    assert_eq!(code, Some(1), "a refused file in the folder: {said}");
    assert!(said.contains("refused: changes/ffffffffffffffff/000001.tmc: it is corrupted"), "{said}");
    assert!(said.contains("in:  DW add control") && said.contains("in:  DW take assignment"), "DW's work came in all the same: {said}");

    let (code, said) = tickmark(&["conflicts".as_ref(), b_path.as_os_str()]);
    assert_eq!((code, said.trim()), (Some(0), "no conflicts"));
    let unplugged = dir.path().join("unplugged");
    let (code, said) = tickmark(&["sync".as_ref(), b_path.as_os_str(), "--folder".as_ref(), unplugged.as_os_str()]);
    assert_eq!(code, Some(0), "an unreachable folder is a message: {said}");
    assert!(said.starts_with("Not synced:"), "{said}");
}

/// Every change file in the folder, by path.
fn change_files(folder: &Path) -> std::collections::BTreeSet<PathBuf> {
    std::fs::read_dir(folder.join("changes")).unwrap().flat_map(|copy| std::fs::read_dir(copy.unwrap().path()).unwrap()).map(|f| f.unwrap().path()).collect()
}

#[test]
fn a_change_file_lost_from_the_folder_is_named_by_the_copy_holding_it_and_written_again_by_its_author() {
    let Team { folder, mut a, mut b, dir: _dir, .. } = team();
    let control = a.add_control(&change_control()).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    let before = change_files(&folder);
    a.raise_review_note(control, "Lost from the folder, not from DW's copy").unwrap();
    a.sync(&folder).unwrap();
    assert!(b.sync(&folder).unwrap().refused.is_empty());
    let lost: Vec<PathBuf> = change_files(&folder).difference(&before).cloned().collect();
    assert_eq!(lost.len(), 1, "{lost:?}");
    std::fs::remove_file(&lost[0]).unwrap();

    let report = b.sync(&folder).unwrap();
    assert_eq!(report.refused.len(), 1, "{:?}", report.lines());
    assert!(report.refused[0].contains("the folder lost changes") && report.refused[0].contains("which this copy holds"), "{:?}", report.refused);
    let again = a.sync(&folder).unwrap();
    assert_eq!((again.sent.len(), again.refused.len()), (1, 0), "DW's copy writes the lost change again: {:?}", again.lines());
    assert_eq!(b.sync(&folder).unwrap().refused, Vec::<String>::new(), "the folder holds it again");
}

#[test]
fn a_copys_own_change_file_damaged_in_the_folder_is_written_again_from_the_copy() {
    let Team { folder, mut a, mut b, dir: _dir, .. } = team();
    let control = a.add_control(&change_control()).unwrap();
    a.sync(&folder).unwrap();
    let before = change_files(&folder);
    a.raise_review_note(control, "Damaged in the folder, kept on DW's copy").unwrap();
    a.raise_review_note(control, "In the same file").unwrap();
    a.sync(&folder).unwrap();
    let damaged: Vec<PathBuf> = change_files(&folder).difference(&before).cloned().collect();
    assert_eq!(damaged.len(), 1, "{damaged:?}");
    std::fs::write(&damaged[0], b"damaged").unwrap();

    let again = a.sync(&folder).unwrap();
    assert!(again.refused.len() == 1 && again.refused[0].contains("written again from this copy"), "{:?}", again.lines());
    assert_eq!(again.sent.len(), 2, "both changes of the damaged file go out again: {:?}", again.lines());
    let came = b.sync(&folder).unwrap();
    assert_eq!(came.refused, Vec::<String>::new());
    assert_eq!(b.review_notes(Some(control)).unwrap().len(), 2, "JI gets both notes");
}

/// One change that adds an attribute another copy added too (listed, not applied) and rewords
/// one the other copy reworded: the wording it replaced is still listed, as for any other row.
#[test]
fn a_row_replaced_beside_a_row_added_twice_in_the_same_change_is_still_listed() {
    use engagement::control::AttributeInput;
    let Team { folder, mut a, a_path, mut b, b_path, dir: _dir, .. } = team();
    let control = a.add_control(&change_control()).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    let reworded = |question: &str| {
        let mut input = change_control();
        input.attributes[0].question = question.into();
        input.attributes.push(AttributeInput { label: "C".into(), question: "Deployed by the pipeline?".into() });
        input
    };
    a.update_control(control, &reworded("Approved in the ticket before deployment?")).unwrap();
    b.update_control(control, &reworded("Approved by the change board before deployment?")).unwrap();
    for _ in 0..2 {
        a.sync(&folder).unwrap();
        b.sync(&folder).unwrap();
    }
    let standing = a.control(control).unwrap().attributes[0].question.clone();
    let replaced = if standing.contains("ticket") { "Approved by the change board" } else { "Approved in the ticket" };
    for file in [&a, &b] {
        let listed: Vec<String> = file.sync_conflicts().unwrap().into_iter().map(|c| c.text).collect();
        assert!(listed.iter().any(|t| t.contains(replaced)), "the wording {replaced:?} replaced is listed: {listed:?}");
    }
    converged(vec![(a, &a_path), (b, &b_path)]);
}

#[test]
fn a_copy_restored_from_an_older_backup_is_told_the_folder_holds_changes_it_lacks() {
    let Team { folder, mut a, a_path, dir, dana, .. } = team();
    let control = a.add_control(&change_control()).unwrap();
    a.sync(&folder).unwrap();
    a.close().unwrap();
    let backup = dir.path().join("backup.tickmark");
    std::fs::copy(&a_path, &backup).unwrap();
    let mut a = reopen(&a_path, &dana);
    a.raise_review_note(control, "Made after the backup").unwrap();
    assert_eq!(a.sync(&folder).unwrap().refused, Vec::<String>::new());
    a.close().unwrap();
    std::fs::copy(&backup, &a_path).unwrap();

    let mut a = reopen(&a_path, &dana);
    let report = a.sync(&folder).unwrap();
    assert_eq!(report.sent.len(), 0, "{:?}", report.lines());
    assert!(report.refused.iter().any(|r| r.contains("that this copy does not (was it restored from an older backup?)")), "{:?}", report.lines());
}

#[test]
fn a_change_made_on_top_of_one_a_copy_cannot_take_waits_and_what_came_before_it_comes_in() {
    let Team { folder, mut a, mut b, dir, .. } = team();
    let control = a.add_control(&change_control()).unwrap();
    a.sync(&folder).unwrap();
    let dw_file = change_files(&folder);
    // JI adds a control of their own offline (it needs nothing of DW's), then notes on DW's.
    b.add_control(&ControlInput { reference: "CC6.1-01".into(), ..change_control() }).unwrap();
    b.sync(&folder).unwrap();
    b.raise_review_note(control, "Made on top of DW's control").unwrap();
    b.sync(&folder).unwrap();
    // DW's file is damaged in the folder before a third auditor joins.
    for path in &dw_file {
        std::fs::write(path, b"damaged").unwrap();
    }
    let (c, joined) = EngagementFile::join(&folder, &dir.path().join("third.tickmark"), PASSPHRASE).unwrap();
    assert_eq!(joined.refused.len(), 1, "{:?}", joined.lines());
    assert_eq!(joined.waiting.len(), 1, "{:?}", joined.lines());
    assert!(joined.waiting[0].contains("JI's changes from") && joined.waiting[0].contains("on wait"), "{:?}", joined.waiting);
    assert!(c.control_by_reference("CC6.1-01").is_ok(), "JI's first change needs nothing missing: it came in");
    assert!(c.review_notes(None).unwrap().is_empty(), "the note waits for the control it is on");
    assert!(c.sync_conflicts().unwrap().is_empty());
    assert!(c.verify().unwrap().is_intact());
}

#[test]
fn two_copies_syncing_at_the_same_moment_both_succeed() {
    let Team { folder, mut a, a_path, mut b, b_path, dir: _dir, .. } = team();
    test_a_control(&mut a);
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    b.raise_review_note(b.controls().unwrap()[0].id, "Which ticket is 4?").unwrap();
    a.close().unwrap();
    b.close().unwrap();
    let tickmark = env!("CARGO_BIN_EXE_tickmark");
    let both: Vec<_> = [&a_path, &b_path]
        .iter()
        .map(|path| Command::new(tickmark).arg("sync").arg(path).arg("--folder").arg(&folder).env("TICKMARK_PASSPHRASE", PASSPHRASE).stdout(std::process::Stdio::piped()).spawn().unwrap())
        .collect();
    for child in both {
        assert!(child.wait_with_output().unwrap().status.success());
    }
    let mut a = EngagementFile::open(&a_path, PASSPHRASE).unwrap();
    a.sync(&folder).unwrap();
    assert_eq!(a.review_notes(None).unwrap().len(), 1, "JI's note reached DW");
    a.close().unwrap();
    assert_eq!(content(&a_path), content(&b_path));
}

#[test]
fn completion_on_one_copy_freezes_the_other_once_it_arrives() {
    let Team { folder, mut a, mut b, dana, joaquin, dir: _dir, .. } = team();
    let tested = test_a_control(&mut a);
    common::workflow::conclude_and_sign_keyed(&mut a, tested.control, &dana, &joaquin);
    a.complete(date("2026-11-15")).unwrap();
    a.sync(&folder).unwrap();
    let came = b.sync(&folder).unwrap();
    assert!(came.refused.is_empty() && came.waiting.is_empty(), "{:?}", came.lines());
    let refused = b.raise_review_note(tested.control, "One more thing").unwrap_err().to_string();
    assert!(refused.contains("complet"), "{refused}");
    assert!(b.verify().unwrap().is_intact());
}

/// Two copies change different parts of the same grid cell at once: the cell is not a blend of
/// the two, which neither auditor recorded. The later change's whole cell stands and the other is
/// kept in the list.
#[test]
fn a_cell_changed_in_different_parts_on_two_copies_is_one_auditors_cell_not_a_blend() {
    let Team { folder, mut a, a_path, mut b, b_path, dir: _dir, .. } = team();
    let tested = test_a_control(&mut a);
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    let attribute = a.control(tested.control).unwrap().attributes[0].id;
    let cell = |tickmark: &str, note: Option<&str>| engagement::testing::TestResult {
        sample_id: tested.sample,
        position: 0,
        attribute_id: attribute,
        outcome: engagement::testing::Outcome::Pass,
        tickmark: Some(tickmark.into()),
        note: note.map(Into::into),
        evidence: vec![],
    };
    a.record_result(&cell("✓", Some("DW: approval is in the ticket"))).unwrap();
    b.record_result(&cell("T", None)).unwrap();
    for _ in 0..2 {
        a.sync(&folder).unwrap();
        b.sync(&folder).unwrap();
    }
    let standing = |file: &EngagementFile| {
        let r = file.results(tested.sample).unwrap().into_iter().find(|r| r.position == 0 && r.attribute_id == attribute).unwrap();
        (r.tickmark, r.note)
    };
    let (on_a, on_b) = (standing(&a), standing(&b));
    assert_eq!(on_a, on_b);
    let listed = a.sync_conflicts().unwrap().into_iter().map(|c| c.text).collect::<Vec<_>>().join("\n");
    assert!(
        on_a == (Some("T".into()), None) && listed.contains("DW: approval is in the ticket") || on_a == (Some("✓".into()), Some("DW: approval is in the ticket".into())) && listed.contains("\"T\""),
        "one auditor's whole cell stands, the other's is listed: {on_a:?}; {listed}"
    );
    assert!(listed.contains("'s change stands, what it replaced is kept here") && !listed.contains("not applied"), "the later change stands whole, not kept aside: {listed}");
    converged(vec![(a, &a_path), (b, &b_path)]);
}

/// A control synced to both copies, and a third copy, DW's desktop, joined after it: the copy
/// whose changes arrive late.
fn with_a_third_copy() -> (Team, i64, EngagementFile, PathBuf) {
    let mut team = team();
    let control = team.a.add_control(&change_control()).unwrap();
    team.a.sync(&team.folder).unwrap();
    team.b.sync(&team.folder).unwrap();
    let c_path = team.dir.path().join("dana-desktop.tickmark");
    let (mut c, _) = EngagementFile::join(&team.folder, &c_path, PASSPHRASE).unwrap();
    c.sign_in(&team.dana).unwrap();
    (team, control, c, c_path)
}

/// Changes a copy took as made, in one go, are undone and applied again like any others when a
/// change that sorts before them arrives late from a third copy.
#[test]
fn changes_taken_in_one_go_are_redone_when_an_earlier_change_arrives_late() {
    let (Team { folder, mut a, a_path, mut b, b_path, dir: _dir, .. }, control, mut c, c_path) = with_a_third_copy();
    c.raise_review_note(control, "made first, synced last").unwrap();
    for n in 0..3 {
        a.raise_review_note(control, &format!("DW's note {n}")).unwrap();
    }
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    c.sync(&folder).unwrap();
    let late = b.sync(&folder).unwrap();
    assert_eq!((late.refused.len(), late.received.len()), (0, 1), "{:?}", late.lines());
    a.sync(&folder).unwrap();
    for file in [&a, &b, &c] {
        assert_eq!(file.review_notes(Some(control)).unwrap().len(), 4);
    }
    converged(vec![(a, &a_path), (b, &b_path), (c, &c_path)]);
}

/// DW and JI each add CC6.1-01, worded differently; DW's stands and JI's waits in the list with
/// the procedure JI planned on it, for the preparer of DW's. DW then gives DW's control a new
/// reference and CC6.1-01 to a new control: what JI did still waits for DW's control, the one
/// it was kept aside for, not for the new one.
#[test]
fn work_on_a_control_added_on_two_copies_waits_for_the_one_it_was_kept_aside_for() {
    let Team { folder, mut a, a_path, mut b, b_path, dir: _dir, .. } = team();
    let access = |description: &str| ControlInput { reference: "CC6.1-01".into(), description: description.into(), criteria: vec!["CC6.1".into()], ..change_control() };
    let dws = a.add_control(&access("Access is granted on an approved request.")).unwrap();
    let jis = b.add_control(&access("Access requests are approved by the system owner.")).unwrap();
    b.add_procedure(jis, &ProcedureInput { nature: ProcedureNature::Inquiry, text: "Inquired of the system owner".into(), sample_based: false }).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    a.sync(&folder).unwrap();
    assert_eq!(a.control_by_reference("CC6.1-01").unwrap().id, dws, "DW's stands");
    a.update_control(dws, &ControlInput { reference: "CC6.1-01 (2025)".into(), ..access("Access is granted on an approved request.") }).unwrap();
    let new = a.add_control(&access("Access is removed within a day of leaving.")).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    for file in [&a, &b] {
        let unsettled = file.sync_conflicts().unwrap().into_iter().filter(|c| c.settled.is_none()).count();
        let waiting = |control: i64| file.workpaper(control).unwrap().preparer_missing.iter().filter(|m| m.starts_with("sync conflict ")).count();
        assert!(unsettled >= 2 && waiting(dws) == unsettled, "JI's control and procedure wait for DW's: {:#?}", file.workpaper(dws).unwrap().preparer_missing);
        assert_eq!(waiting(new), 0, "not for the control given the reference since");
    }
    converged(vec![(a, &a_path), (b, &b_path)]);
}

/// Three copies reword the same control without having seen each other's: DW's, then (from a
/// third copy that syncs late) DW's desktop's, then JI's, in the one order. Before the desktop's
/// arrives, JI's change replaced DW's wording, and the conflict keeping DW's is settled. Once the
/// desktop's arrives, JI's change replaced the desktop's wording instead: what that conflict
/// holds now is what nobody has looked at, so its settlement no longer settles it, on any copy.
#[test]
fn a_settled_conflict_that_holds_something_else_once_a_late_change_arrives_is_to_be_settled_again() {
    let (Team { folder, mut a, a_path, mut b, b_path, dir: _dir, .. }, control, mut c, c_path) = with_a_third_copy();
    let worded = |description: &str| ControlInput { description: description.into(), ..change_control() };
    c.update_control(control, &worded("Worded on DW's desktop, synced late.")).unwrap();
    a.update_control(control, &worded("Worded on DW's laptop.")).unwrap();
    b.raise_review_note(control, "JI's note, so that JI's wording sorts last").unwrap();
    b.update_control(control, &worded("Worded by JI.")).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    a.sync(&folder).unwrap();
    let listed = b.sync_conflicts().unwrap();
    assert!(listed.len() == 1 && listed[0].text.contains("Worded on DW's laptop."), "JI's wording replaced DW's: {listed:#?}");
    b.settle_conflict(1, "JI's wording stands: it is the client's").unwrap();
    b.sync(&folder).unwrap();
    a.sync(&folder).unwrap();

    c.sync(&folder).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    for (copy, file) in [("DW's", &a), ("JI's", &b), ("the desktop's", &c)] {
        assert_eq!(file.control(control).unwrap().description, "Worded by JI.", "{copy}");
        let listed = file.sync_conflicts().unwrap();
        let jis = listed.iter().find(|c| c.text.contains("Worded on DW's desktop, synced late.") && c.text.contains("JI's change stands")).unwrap_or_else(|| panic!("{copy}: {listed:#?}"));
        assert!(jis.settled.is_none() && jis.text.contains("when it held something else: to be settled again"), "{copy}: {jis:#?}");
        let gate = file.workpaper(control).unwrap().preparer_missing;
        assert_eq!(gate.iter().filter(|m| m.starts_with("sync conflict ")).count(), 2, "{copy}: the desktop's change and JI's wait to be settled: {gate:#?}");
    }
    assert_eq!(a.sync_conflicts().unwrap(), c.sync_conflicts().unwrap(), "the same list on every copy");
    // Settled again on the sharer's copy, whose settlements are numbered below JI's copy's: the
    // settlement over what it holds now is the one that counts, on every copy.
    let number = a.sync_conflicts().unwrap().into_iter().find(|c| c.text.contains("to be settled again")).unwrap().number;
    a.settle_conflict(number, "JI's wording stands over the desktop's too").unwrap();
    assert!(a.sync_conflicts().unwrap().iter().any(|c| c.number == number && c.settled.as_deref().is_some_and(|s| s.contains("over the desktop's too"))), "settled again, over what it holds now");
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    c.sync(&folder).unwrap();
    for file in [&a, &b, &c] {
        assert!(file.sync_conflicts().unwrap().iter().any(|c| c.number == number && c.settled.is_some()));
    }
    converged(vec![(a, &a_path), (b, &b_path), (c, &c_path)]);
}

/// A control tested, concluded and signed on DW's copy, the documentation completed there, and
/// both copies synced.
fn completed_on_both() -> (Team, common::workflow::Tested) {
    let mut team = team();
    let tested = test_a_control(&mut team.a);
    common::workflow::conclude_and_sign_keyed(&mut team.a, tested.control, &team.dana, &team.joaquin);
    team.a.complete(date("2026-11-15")).unwrap();
    team.a.sync(&team.folder).unwrap();
    team.b.sync(&team.folder).unwrap();
    (team, tested)
}

/// An addendum to the completed file is the one change it takes: made on one copy, it arrives
/// on the others with its reason ahead of it, late evidence for a reviewed workpaper included.
/// (Its reason travelled as a change of its own, and each was held as work after completion on
/// every copy but its author's.)
#[test]
fn an_addendum_made_on_one_copy_arrives_on_the_other_with_its_reason() {
    let (Team { folder, mut a, a_path, mut b, b_path, dir, .. }, tested) = completed_on_both();
    let late = dir.path().join("late-confirmation.pdf");
    std::fs::write(&late, "bank confirmation received after completion").unwrap();
    let refused = b.attach_evidence(&late, None, Some(tested.control), date("2026-11-20"), &mut engagement::progress::silent).unwrap_err().to_string();
    assert!(refused.contains("addendum"), "{refused}");
    b.addendum("Bank confirmation received after completion", |f| f.attach_evidence(&late, None, Some(tested.control), date("2026-11-20"), &mut engagement::progress::silent)).unwrap();
    for _ in 0..2 {
        b.sync(&folder).unwrap();
        a.sync(&folder).unwrap();
    }
    for file in [&a, &b] {
        assert_eq!(file.sync_conflicts().unwrap(), vec![], "nothing kept aside");
        assert_eq!(file.evidence().unwrap().iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), vec!["late-confirmation.pdf"]);
        let trail = file.trail(None).unwrap();
        let reason = trail.iter().position(|e| e.action == "addendum: Bank confirmation received after completion").expect("the reason is in the trail");
        assert_eq!((trail[reason].actor.as_str(), trail[reason + 1].action.as_str()), ("JI", "attach"), "JI's reason stands ahead of what it explains");
        let changed = file.verify().unwrap().changed_since_signed;
        assert!(changed.iter().any(|c| c.contains("changed since JI signed as reviewer")), "the review sign-off says the work changed since: {changed:?}");
    }
    converged(vec![(a, &a_path), (b, &b_path)]);
}

/// An addendum's reason records the engagement as it stands; that is no change of the author's
/// to it. Two copies completed offline on different dates: the completion that sorts first stands
/// on both, the other is kept aside, and an addendum made on the copy whose date did not stand
/// does not put that date back.
#[test]
fn an_addendums_reason_does_not_undo_what_another_copy_changed_meanwhile() {
    let Team { folder, mut a, a_path, mut b, b_path, dana, joaquin, dir } = team();
    let tested = test_a_control(&mut a);
    common::workflow::conclude_and_sign_keyed(&mut a, tested.control, &dana, &joaquin);
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    let late = |n: usize| {
        let path = dir.path().join(format!("late-{n}.pdf"));
        std::fs::write(&path, format!("received after completion, {n}")).unwrap();
        path
    };
    // The first copy has one more change before completing, so the second copy's completion
    // sorts before its own (and after that change, made by the copy that shared the engagement:
    // the first in a tie).
    a.attach_evidence(&late(0), None, None, date("2026-11-10"), &mut engagement::progress::silent).unwrap();
    a.complete(date("2026-11-15")).unwrap();
    for n in 1..3 {
        a.addendum("Late confirmations", |f| f.attach_evidence(&late(n), None, None, date("2026-11-20"), &mut engagement::progress::silent)).unwrap();
    }
    b.complete(date("2026-11-16")).unwrap();
    for _ in 0..2 {
        a.sync(&folder).unwrap();
        b.sync(&folder).unwrap();
    }
    for file in [&a, &b] {
        assert_eq!(file.completed_on().unwrap(), Some(date("2026-11-16")), "the second copy's completion, first in the one order, stands");
        let conflicts = file.sync_conflicts().unwrap();
        let held = conflicts.iter().find(|c| c.text.starts_with("the engagement: ") && c.text.contains("the documentation was completed on 2026-11-16 before this change arrived")).expect("the first copy's completion is kept aside");
        assert!(held.text.ends_with("it recorded completed on \"2026-11-15\" where the row has completed on \"2026-11-16\""), "the list says what the change would have changed, not the whole row: {}", held.text);
        assert_eq!(file.evidence().unwrap().len(), 3, "the file attached before completion and the addendum's two are all there");
    }
    converged(vec![(a, &a_path), (b, &b_path)]);
}

#[test]
fn work_made_offline_that_sorts_after_completion_is_kept_aside_not_put_in_the_completed_file() {
    const NOTES: usize = 80;
    let Team { folder, mut a, a_path, mut b, b_path, dana, joaquin, dir: _dir } = team();
    let tested = test_a_control(&mut a);
    let cuec = engagement::complementary::UserEntityControlInput { text: "User entities remove leavers' access promptly.".into(), criteria: vec!["CC6.2".into()] };
    let cuec = a.add_user_entity_control(&cuec).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    common::workflow::conclude_and_sign_keyed(&mut a, tested.control, &dana, &joaquin);
    a.complete(date("2026-11-15")).unwrap();
    a.sync(&folder).unwrap();
    // JI, offline, goes on raising notes: the later ones come after DW's completion in the order.
    // (DW's conclusion, sign-offs and completion are some forty transactions.) Last, JI removes
    // a complementary user entity control.
    for n in 0..NOTES {
        b.raise_review_note(tested.control, &format!("Offline note {n}")).unwrap();
    }
    b.remove_user_entity_control(cuec).unwrap();
    b.sync(&folder).unwrap();
    a.sync(&folder).unwrap();
    for file in [&a, &b] {
        let notes = file.review_notes(Some(tested.control)).unwrap().len();
        let held: Vec<String> = file.sync_conflicts().unwrap().into_iter().map(|c| c.text).filter(|t| t.starts_with("review note ")).collect();
        let completed = held.iter().filter(|t| t.contains("the documentation was completed on 2026-11-15 before this change arrived")).count();
        assert!(notes > 0 && completed > 0, "notes made before completion stand, later ones are kept aside: {notes} stand, {held:?}");
        assert_eq!(notes + held.len(), NOTES, "every note either stands or is listed: {held:?}");
        let removal: Vec<String> = file.sync_conflicts().unwrap().into_iter().map(|c| c.text).filter(|t| !t.starts_with("review note ")).collect();
        assert!(
            removal.len() == 1 && removal[0].contains("JI's removal of it is kept here, not applied: the documentation was completed") && removal[0].contains("remove leavers' access"),
            "the removal is listed with what it removed, and the control stands: {removal:?}"
        );
        assert!(file.user_entity_controls().unwrap().iter().any(|c| c.id == cuec));
    }
    converged(vec![(a, &a_path), (b, &b_path)]);
}

#[test]
fn a_control_taken_on_one_copy_shows_as_assigned_on_the_other_and_locks_nothing() {
    let Team { folder, mut a, mut b, dir: _dir, .. } = team();
    let control = a.add_control(&change_control()).unwrap();
    a.take_control(control).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    assert_eq!(b.control(control).unwrap().assigned_to.as_deref(), Some("DW"), "JI sees DW on it");
    b.raise_review_note(control, "JI may still work on it").unwrap();
    b.take_control(control).unwrap();
    assert_eq!(b.control(control).unwrap().assigned_to.as_deref(), Some("JI"), "taking is not locking");
    b.release_control(control).unwrap();
    assert_eq!(b.control(control).unwrap().assigned_to, None);
    assert!(b.release_control(control).unwrap_err().to_string().contains("nobody has taken"));
    b.sync(&folder).unwrap();
    a.sync(&folder).unwrap();
    assert_eq!(a.control(control).unwrap().assigned_to, None);
    let trail = a.trail(Some("assignment")).unwrap();
    assert_eq!(trail.iter().map(|e| (e.actor.as_str(), e.action.as_str())).collect::<Vec<_>>(), [("DW", "take"), ("JI", "take"), ("JI", "release")]);
    assert!(a.verify().unwrap().is_intact() && b.verify().unwrap().is_intact());
}

/// DW's copy has a control tested, concluded and signed by preparer and reviewer; JI's copy,
/// which had the tested control but not the sign-offs, changes one of its results after `busy`
/// other changes of its own (each one moves JI's clock on).
fn signed_on_one_copy_while_changed_on_the_other(busy: usize) -> (Team, i64) {
    let mut team = team();
    let tested = test_a_control(&mut team.a);
    team.a.sync(&team.folder).unwrap();
    team.b.sync(&team.folder).unwrap();
    common::workflow::conclude_and_sign_keyed(&mut team.a, tested.control, &team.dana, &team.joaquin);
    for _ in 0..busy {
        team.b.take_control(tested.control).unwrap();
        team.b.release_control(tested.control).unwrap();
    }
    let attribute = team.b.control(tested.control).unwrap().attributes[0].id;
    team.b
        .record_result(&engagement::testing::TestResult {
            sample_id: tested.sample,
            position: 1,
            attribute_id: attribute,
            outcome: engagement::testing::Outcome::Deviation,
            tickmark: Some("X".into()),
            note: Some("JI: the approver was the requester".into()),
            evidence: vec![],
        })
        .unwrap();
    for _ in 0..2 {
        team.a.sync(&team.folder).unwrap();
        team.b.sync(&team.folder).unwrap();
    }
    (team, tested.control)
}

#[test]
fn a_sign_off_made_while_another_copy_changed_the_work_shows_changed_since_signed() {
    let (team, _) = signed_on_one_copy_while_changed_on_the_other(0);
    for file in [&team.a, &team.b] {
        let verified = file.verify().unwrap();
        assert!(verified.is_intact(), "{:?}", verified.problems);
        assert_eq!(verified.changed_since_signed.len(), 2, "preparer and reviewer: {:?}", verified.changed_since_signed);
        assert!(file.sync_conflicts().unwrap().is_empty());
    }
}

/// What changed since a sign-off names rows as the window does ("procedure 1-2"), not by the
/// ten-digit ids rows get on a shared engagement.
#[test]
fn what_changed_since_signed_names_rows_by_their_numbers() {
    let Team { mut a, dir: _dir, .. } = team();
    let tested = test_a_control(&mut a);
    a.set_conclusion(tested.control, &engagement::conclusion::ConclusionInput::new(engagement::conclusion::Conclusion::ExceptionsNoted, "One deviation.")).unwrap();
    a.sign(tested.control, engagement::signoff::SignoffRole::Preparer).unwrap();
    a.add_procedure(tested.control, &ProcedureInput { nature: ProcedureNature::Inquiry, text: "Inquired of the CAB chair".into(), sample_based: false }).unwrap();
    let changes = a.workpaper(tested.control).unwrap().preparer.unwrap().changed_since.unwrap().changes;
    assert!(changes.iter().any(|c| c.ends_with("DW: add procedure 1-2")), "{changes:?}");
    assert!(!changes.iter().any(|c| c.split(|ch: char| !ch.is_ascii_digit()).any(|n| n.len() >= 10)), "no raw ids: {changes:?}");
}

#[test]
fn a_change_arriving_for_a_reviewed_and_locked_workpaper_goes_to_the_conflicts_list() {
    let (team, control) = signed_on_one_copy_while_changed_on_the_other(40);
    for file in [&team.a, &team.b] {
        let conflicts = file.sync_conflicts().unwrap();
        assert!(conflicts.len() == 1 && conflicts[0].text.contains("JI's change is kept here, not applied") && conflicts[0].text.contains("signed by reviewer"), "{conflicts:?}");
        assert_eq!(conflicts[0].control_id, Some(control), "it belongs to the locked workpaper");
        let verified = file.verify().unwrap();
        assert!(verified.is_intact(), "{:?}", verified.problems);
        assert!(verified.changed_since_signed.is_empty(), "the locked work is as signed: {:?}", verified.changed_since_signed);
        let sample = file.samples(Some(control)).unwrap()[0].id;
        assert!(file.results(sample).unwrap().iter().all(|r| r.note.as_deref() != Some("JI: the approver was the requester")));
        // The deviation kept aside was never looked at: the file cannot be completed over it.
        let reference = file.control(control).unwrap().reference;
        let blockers = file.completion_blockers().unwrap();
        assert!(blockers.iter().any(|b| b.starts_with(&format!("{reference}: sync conflict 1 is not settled"))), "{blockers:#?}");
        assert!(file.overview().unwrap().open_items.iter().any(|i| i.text == "1 sync conflict not settled (Team)"));
    }
    let Team { mut a, a_path, mut b, b_path, folder, .. } = team;
    a.settle_conflict(1, "DW: the approver was a delegate; the deviation does not stand").unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    assert!(!a.completion_blockers().unwrap().iter().any(|b| b.contains("sync conflict")), "settled, it no longer blocks");
    assert!(!a.overview().unwrap().open_items.iter().any(|i| i.text.contains("sync conflict")));
    converged(vec![(a, &a_path), (b, &b_path)]);
}

#[test]
fn evidence_travels_once_by_its_hash_and_arrives_whole_even_when_merging_reorders_it() {
    let Team { folder, mut a, a_path, mut b, b_path, dir, .. } = team();
    let control = a.add_control(&change_control()).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    let source = dir.path().join("approvals.bin");
    let mut bytes = vec![0u8; 2_500_000];
    rand::fill(&mut bytes[..]);
    std::fs::write(&source, &bytes).unwrap();
    // JI makes a change first, so that DW's attach, made alongside, is undone and redone on
    // DW's copy when JI's arrives; both attach the same file.
    b.raise_review_note(control, "Where are the approvals?").unwrap();
    b.sync(&folder).unwrap();
    a.attach_evidence(&source, None, Some(control), date("2026-10-02"), &mut engagement::progress::silent).unwrap();
    b.attach_evidence(&source, None, Some(control), date("2026-10-02"), &mut engagement::progress::silent).unwrap();
    for _ in 0..2 {
        a.sync(&folder).unwrap();
        b.sync(&folder).unwrap();
    }
    let stored: Vec<_> = std::fs::read_dir(folder.join("evidence")).unwrap().collect();
    assert_eq!(stored.len(), 1, "the same file went to the folder once");
    for (file, path) in [(&a, &a_path), (&b, &b_path)] {
        let evidence = file.evidence().unwrap();
        assert_eq!(evidence.len(), 2, "both attachments are recorded");
        let verified = file.verify().unwrap();
        assert!(verified.is_intact(), "{}: {:?}", path.display(), verified.problems);
        let out = dir.path().join(format!("out-{}", path.file_name().unwrap().to_string_lossy()));
        file.write_evidence(evidence[0].id, &mut std::fs::File::create(&out).unwrap()).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), bytes, "the bytes arrived whole");
    }
    a.close().unwrap();
    b.close().unwrap();
    assert_eq!(content(&a_path), content(&b_path));
}

/// DW attaches a file; JI's note, made before it and synced after, makes DW's copy undo the
/// attachment and apply it again. By then the folder has lost the file's bytes (a cloud client
/// that dropped them, a damaged stick): DW's copy takes them back from itself, and syncs.
#[test]
fn evidence_applied_again_after_a_late_change_comes_from_the_copy_not_the_folder() {
    let Team { folder, mut a, a_path, mut b, b_path, dir, .. } = team();
    let control = a.add_control(&change_control()).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    let source = dir.path().join("approvals.bin");
    let mut bytes = vec![0u8; 300_000];
    rand::fill(&mut bytes[..]);
    std::fs::write(&source, &bytes).unwrap();
    b.raise_review_note(control, "Made before DW's attachment, synced after it").unwrap();
    a.raise_review_note(control, "DW's note").unwrap();
    a.attach_evidence(&source, None, Some(control), date("2026-10-02"), &mut engagement::progress::silent).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    let stored = std::fs::read_dir(folder.join("evidence")).unwrap().next().unwrap().unwrap().path();
    std::fs::remove_file(stored.join("000000.tmc")).unwrap();
    let report = a.sync(&folder).expect("DW's copy syncs without the folder's copy of the bytes");
    assert!(report.received.iter().any(|r| r.contains("raise review note")), "{:?}", report.lines());
    for file in [&a, &b] {
        let evidence = file.evidence().unwrap();
        let mut out = Vec::new();
        file.write_evidence(evidence[0].id, &mut out).unwrap();
        assert_eq!(out, bytes, "the bytes stand whole");
    }
    converged(vec![(a, &a_path), (b, &b_path)]);
}

#[test]
fn verify_names_a_copy_whose_trail_lost_entries_the_folder_holds() {
    let Team { folder, mut a, a_path, mut b, dir: _dir, dana, .. } = team();
    let control = a.add_control(&change_control()).unwrap();
    a.raise_review_note(control, "Kept in the folder").unwrap();
    a.sync(&folder).unwrap();
    // JI's change in the folder that DW's copy has not taken yet is no loss of DW's.
    b.sync(&folder).unwrap();
    b.raise_review_note(control, "Not taken by DW yet").unwrap();
    b.sync(&folder).unwrap();
    assert!(a.verify().unwrap().is_intact());
    a.close().unwrap();
    // Someone who knows the passphrase drops the newest entry and the note, as a careful forger
    // would, leaving nothing in the file to point past the cut.
    {
        let conn = raw(&a_path);
        conn.execute_batch(
            "DELETE FROM trail WHERE seq = (SELECT max(seq) FROM trail); DELETE FROM review_note; DELETE FROM sync_outbox WHERE seq = 2; DELETE FROM sync_log WHERE seq = 2",
        )
        .unwrap();
    }
    let a = reopen(&a_path, &dana);
    let verified = a.verify().unwrap();
    assert!(verified.problems.iter().any(|p| p.contains("the trail lacks 1 entry of DW's change 2") && p.contains("changes/")), "{:?}", verified.problems);
    assert!(!verified.problems.iter().any(|p| p.contains("JI's")), "{:?}", verified.problems);
}

#[test]
fn the_same_outcome_recorded_on_two_copies_needs_nobody_to_choose() {
    let Team { folder, mut a, a_path, mut b, b_path, dir: _dir, .. } = team();
    let tested = test_a_control(&mut a);
    let n = a.sample(tested.sample).unwrap().selection.items.len() as i64;
    a.extend_sample(tested.sample, 1, "One more change, deployed on the last day").unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    let attribute = a.control(tested.control).unwrap().attributes[0].id;
    let pass = engagement::testing::TestResult {
        sample_id: tested.sample,
        position: n,
        attribute_id: attribute,
        outcome: engagement::testing::Outcome::Pass,
        tickmark: Some("✓".into()),
        note: None,
        evidence: vec![],
    };
    a.record_result(&pass).unwrap();
    b.record_result(&pass).unwrap();
    for _ in 0..2 {
        a.sync(&folder).unwrap();
        b.sync(&folder).unwrap();
    }
    for file in [&a, &b] {
        assert_eq!(file.sync_conflicts().unwrap(), vec![], "nothing to choose between");
        assert!(file.results(tested.sample).unwrap().iter().any(|r| r.position == n && r.attribute_id == attribute));
    }
    converged(vec![(a, &a_path), (b, &b_path)]);
}

#[test]
fn evidence_attached_on_two_copies_at_once_is_renumbered_the_same_way_on_both() {
    let Team { folder, mut a, a_path, mut b, b_path, dir, .. } = team();
    let control = a.add_control(&change_control()).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    for (file, name) in [(&mut a, "dana-approvals.pdf"), (&mut b, "joaquin-tickets.pdf")] {
        let source = dir.path().join(name);
        std::fs::write(&source, name.repeat(1000)).unwrap();
        file.attach_evidence(&source, None, Some(control), date("2026-10-02"), &mut engagement::progress::silent).unwrap();
        assert_eq!(file.evidence().unwrap()[0].reference(), "EV-1", "each copy numbers from what it holds");
    }
    for _ in 0..2 {
        a.sync(&folder).unwrap();
        b.sync(&folder).unwrap();
    }
    let numbering = |file: &EngagementFile| {
        let mut listed: Vec<(String, String)> = file.evidence().unwrap().into_iter().map(|e| (e.name.clone(), e.reference())).collect();
        listed.sort();
        listed
    };
    assert_eq!(numbering(&a), numbering(&b), "the same numbers on both copies");
    let references: Vec<String> = numbering(&a).into_iter().map(|(_, r)| r).collect();
    assert_eq!(references.iter().filter(|r| *r == "EV-1").count(), 1, "no two files share a number: {references:?}");
    assert!(references.contains(&"EV-2".to_owned()), "{references:?}");
    for file in [&a, &b] {
        let verified = file.verify().unwrap();
        assert!(verified.is_intact(), "{:?}", verified.problems);
        let trail = file.trail(Some("evidence")).unwrap();
        let renumbering = trail.iter().find(|e| e.actor == "Tickmark" && e.action == "renumber").expect("the trail says why the number changed");
        let attaching = trail.iter().find(|e| e.actor != "Tickmark" && e.entity_id == renumbering.entity_id).unwrap();
        assert_eq!(renumbering.at, attaching.at, "dated when its author attached the file");
        // What verify reports (and an archive pins) is the last entry of all, here Tickmark's
        // own renumbering, which no entry follows.
        let last = file.trail(None).unwrap().pop().unwrap();
        assert_eq!((verified.head, last.actor.as_str()), (last.hash.clone(), "Tickmark"));
    }
    a.close().unwrap();
    b.close().unwrap();
    assert_eq!(content(&a_path), content(&b_path));
}

/// Merging writes its renumbering entries again when an earlier change arrives late, and they
/// can come out otherwise (another number); an entry its copy made meanwhile must not have
/// followed one of them, or it would follow nothing.
#[test]
fn an_entry_made_after_a_renumbering_still_verifies_when_an_earlier_change_arrives_late() {
    let (Team { folder, mut a, a_path, mut b, b_path, dir, .. }, control, mut c, c_path) = with_a_third_copy();
    let attach = |file: &mut EngagementFile, name: &str| {
        let source = dir.path().join(name);
        std::fs::write(&source, name.repeat(1000)).unwrap();
        file.attach_evidence(&source, None, Some(control), date("2026-10-02"), &mut engagement::progress::silent).unwrap();
    };
    // The third copy's file is earlier than the two others' (their second change each), and
    // arrives last: every copy numbered its own EV-1.
    attach(&mut c, "desktop-listing.csv");
    for (file, name) in [(&mut a, "dana-approvals.pdf"), (&mut b, "joaquin-tickets.pdf")] {
        file.raise_review_note(control, &format!("before attaching {name}")).unwrap();
        attach(file, name);
    }
    b.sync(&folder).unwrap();
    a.sync(&folder).unwrap();
    assert!(a.trail(Some("evidence")).unwrap().iter().any(|e| e.actor == "Tickmark" && e.action == "renumber"), "a renumbered an EV-1");
    a.raise_review_note(control, "raised after the renumbering").unwrap();
    a.sync(&folder).unwrap();
    c.sync(&folder).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    let references: Vec<String> = a.evidence().unwrap().iter().map(|e| e.reference()).collect();
    assert_eq!(references.len(), 3, "{references:?}");
    converged(vec![(a, &a_path), (b, &b_path), (c, &c_path)]);
}

#[test]
fn a_request_number_added_on_two_copies_is_renumbered_the_same_way_and_keeps_its_new_number() {
    use engagement::request::{RequestInput, RequestStatus};
    let Team { folder, mut a, a_path, mut b, b_path, dir: _dir, .. } = team();
    let request = |title: &str| RequestInput { number: "PBC-9".into(), title: title.into(), control_id: None, requested_on: date("2026-10-01"), due_on: None, status: RequestStatus::Open };
    a.add_request(&request("Change tickets for the year")).unwrap();
    let joaquin = b.add_request(&request("Access review evidence")).unwrap();
    // JI works on his PBC-9 before he learns of DW's.
    b.set_request_status(joaquin, RequestStatus::Received, None).unwrap();
    for _ in 0..2 {
        a.sync(&folder).unwrap();
        b.sync(&folder).unwrap();
    }
    let numbering = |file: &EngagementFile| {
        let mut listed: Vec<(String, String, String)> = file.requests().unwrap().into_iter().map(|r| (r.input.title.clone(), r.input.number.clone(), r.input.status.word().to_owned())).collect();
        listed.sort();
        listed
    };
    assert_eq!(numbering(&a), numbering(&b), "the same numbers on both copies");
    let numbers: Vec<String> = numbering(&a).into_iter().map(|(_, n, _)| n).collect();
    assert!(numbers.contains(&"PBC-9".to_owned()) && numbers.contains(&"PBC-9-2".to_owned()), "{numbers:?}");
    assert!(numbering(&a).iter().any(|(title, _, status)| title == "Access review evidence" && status == "received"), "JI's work on it stands");
    for file in [&a, &b] {
        assert!(file.sync_conflicts().unwrap().is_empty(), "renumbering needs nobody's choice");
    }
    converged(vec![(a, &a_path), (b, &b_path)]);
}

/// A change usually arrives on a copy that holds what its author held, and is taken as made. A
/// copy whose rows were changed behind Tickmark's back (opened with the passphrase in another
/// SQLite client) holds other rows than its log says: the change is then settled row by row as
/// any change made alongside another, nothing of it lost, what stood there kept in the list, and
/// an evidence number that is taken there renumbered.
/// A request numbered as another copy numbered one, for a control that copy's own control kept
/// aside (the same reference added on both): it cannot be renumbered under a control that is not
/// here, so it is listed, and every sync goes on working.
#[test]
fn a_request_whose_control_was_kept_aside_is_listed_not_renumbered_and_syncing_goes_on() {
    use engagement::request::{RequestInput, RequestStatus};
    let Team { folder, mut a, a_path, mut b, b_path, dir: _dir, .. } = team();
    let request = |number: &str, control_id| RequestInput { number: number.into(), title: "Change tickets".into(), control_id, requested_on: date("2026-10-01"), due_on: None, status: RequestStatus::Open };
    let dana = a.add_control(&change_control()).unwrap();
    a.add_request(&request("PBC-9", Some(dana))).unwrap();
    // JI's control and request sort after DW's.
    b.add_request(&request("PBC-1", None)).unwrap();
    let mut worded = change_control();
    worded.description = "Changes are approved before they reach production.".into();
    let joaquin = b.add_control(&worded).unwrap();
    b.add_request(&request("PBC-9", Some(joaquin))).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).expect("JI's sync takes DW's work");
    a.sync(&folder).expect("DW's sync takes JI's");
    for file in [&a, &b] {
        let numbers: Vec<String> = file.requests().unwrap().into_iter().map(|r| r.input.number).collect();
        assert_eq!(numbers.iter().filter(|n| n.starts_with("PBC-9")).count(), 1, "{numbers:?}");
        let listed: Vec<String> = file.sync_conflicts().unwrap().into_iter().map(|c| c.text).collect();
        assert!(listed.iter().any(|t| t.starts_with("request ") && t.contains("PBC-9")), "JI's PBC-9 is listed: {listed:#?}");
        assert!(listed.iter().any(|t| t.starts_with("control ") && t.contains("before they reach production")), "{listed:#?}");
    }
    converged(vec![(a, &a_path), (b, &b_path)]);
}

/// DW gives a control a new reference and its old one to a new control, while JI, on a copy
/// that has seen neither, rewords the first control's description; JI's change sorts later. As
/// JI recorded it, the first control would have its old reference back, which the new control
/// has now: JI's change is held on both copies, listed with what it recorded, and syncing goes on
/// (SQLite refused the row, and with it every later sync of either copy, before).
#[test]
fn a_change_that_would_repeat_a_reference_taken_meanwhile_is_held_and_syncing_goes_on() {
    let Team { folder, mut a, a_path, mut b, b_path, dir: _dir, .. } = team();
    let control = a.add_control(&change_control()).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    a.update_control(control, &ControlInput { reference: "CC8.1-01 (2025)".into(), ..change_control() }).unwrap();
    a.add_control(&ControlInput { description: "Emergency changes are approved after deployment.".into(), ..change_control() }).unwrap();
    // Three changes of JI's, so that the last sorts after both of DW's.
    b.raise_review_note(control, "Is the description current?").unwrap();
    b.raise_review_note(control, "Who approves emergency changes?").unwrap();
    let reworded = "Changes to production are approved by the change board before deployment.";
    b.update_control(control, &ControlInput { description: reworded.into(), ..change_control() }).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).expect("JI's copy syncs");
    a.sync(&folder).expect("DW's copy syncs");
    for file in [&a, &b] {
        let references: Vec<(String, String)> = file.controls().unwrap().into_iter().map(|c| (c.reference, c.description)).collect();
        assert_eq!(
            references,
            [
                ("CC8.1-01".to_owned(), "Emergency changes are approved after deployment.".to_owned()),
                ("CC8.1-01 (2025)".to_owned(), change_control().description),
            ],
            "DW's controls stand as DW left them"
        );
        let listed: Vec<String> = file.sync_conflicts().unwrap().into_iter().map(|c| c.text).collect();
        assert!(
            listed.iter().any(|t| t.contains("JI's change is kept here, not applied: as JI recorded it, control ") && t.contains("would have a reference or number another row here has now") && t.contains(reworded)),
            "JI's wording is kept in the list: {listed:#?}"
        );
        assert!(file.workpaper(control).unwrap().preparer_missing.iter().any(|m| m.starts_with("sync conflict ")), "its preparer cannot sign over it");
    }
    assert_eq!(a.sync_conflicts().unwrap(), b.sync_conflicts().unwrap(), "the same list on both");
    converged(vec![(a, &a_path), (b, &b_path)]);
}

#[test]
fn a_change_arriving_on_a_copy_edited_behind_tickmarks_back_is_settled_row_by_row() {
    let Team { folder, mut a, mut b, b_path, dir, joaquin, .. } = team();
    let tested = test_a_control(&mut a);
    let attach = |file: &mut EngagementFile, name: &str| {
        let source = dir.path().join(name);
        std::fs::write(&source, name.repeat(1000)).unwrap();
        file.attach_evidence(&source, None, Some(tested.control), date("2026-10-02"), &mut engagement::progress::silent).unwrap();
    };
    attach(&mut a, "approvals.pdf");
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    let attribute = a.control(tested.control).unwrap().attributes[0].id;
    b.close().unwrap();
    let forged = raw(&b_path);
    let cell = "sample_id = ?1 AND position = 0 AND attribute_id = ?2";
    assert_eq!(forged.execute(&format!("UPDATE test_result SET note = 'edited outside Tickmark' WHERE {cell}"), [tested.sample, attribute]).unwrap(), 1);
    assert_eq!(forged.execute("UPDATE evidence SET number = 2", []).unwrap(), 1);
    drop(forged);
    let mut b = reopen(&b_path, &joaquin);

    let deviation = engagement::testing::TestResult {
        sample_id: tested.sample,
        position: 0,
        attribute_id: attribute,
        outcome: engagement::testing::Outcome::Deviation,
        tickmark: None,
        note: Some("DW: no approval on file".into()),
        evidence: vec![],
    };
    a.record_result(&deviation).unwrap();
    a.sync(&folder).unwrap();
    let report = b.sync(&folder).unwrap();
    assert_eq!(report.refused, Vec::<String>::new());
    // Alone in its sync, so that nothing but the taken number keeps it from being taken as made.
    attach(&mut a, "tickets.pdf");
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    let standing = b.results(tested.sample).unwrap().into_iter().find(|r| r.position == 0 && r.attribute_id == attribute).unwrap();
    assert_eq!((standing.outcome, standing.note.as_deref()), (engagement::testing::Outcome::Deviation, Some("DW: no approval on file")), "DW's result stands");
    assert!(report.conflicts.iter().any(|c| c.contains("edited outside Tickmark")), "what stood there is kept in the list: {:?}", report.conflicts);
    let mut references: Vec<(String, String)> = b.evidence().unwrap().into_iter().map(|e| (e.name.clone(), e.reference())).collect();
    references.sort();
    assert_eq!(references, vec![("approvals.pdf".to_owned(), "EV-2".to_owned()), ("tickets.pdf".to_owned(), "EV-3".to_owned())], "no two files share a number");
}

/// A file attached to a control belongs to its workpaper: once the reviewer has signed it, no
/// copy takes one until the sign-off is withdrawn. (Attaching was allowed on the attaching copy
/// and held on the others, and the copies differed.)
#[test]
fn evidence_is_not_attached_to_a_reviewed_workpaper_on_any_copy() {
    let Team { folder, mut a, a_path, mut b, b_path, dir, dana, joaquin } = team();
    let tested = test_a_control(&mut a);
    common::workflow::conclude_and_sign_keyed(&mut a, tested.control, &dana, &joaquin);
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    let source = dir.path().join("late.pdf");
    std::fs::write(&source, "found after review".repeat(100)).unwrap();
    for file in [&mut a, &mut b] {
        let refused = file.attach_evidence(&source, None, Some(tested.control), date("2026-10-02"), &mut engagement::progress::silent).unwrap_err().to_string();
        assert!(refused.contains("workpaper CC8.1-01") && refused.contains("signed by reviewer JI") && refused.contains("withdraw the sign-off"), "{refused}");
        assert!(file.evidence().unwrap().is_empty(), "nothing stored");
    }
    a.attach_evidence(&source, None, None, date("2026-10-02"), &mut engagement::progress::silent).unwrap();
    for _ in 0..2 {
        a.sync(&folder).unwrap();
        b.sync(&folder).unwrap();
    }
    assert_eq!(b.evidence().unwrap().len(), 1, "a file for no workpaper is taken");
    converged(vec![(a, &a_path), (b, &b_path)]);
}

/// A file attached offline to a workpaper that the reviewer signed on another copy meanwhile,
/// and that sorts after the sign-off, is kept in the list like any other change to it.
#[test]
fn evidence_attached_while_another_copy_signed_the_review_goes_to_the_conflicts_list() {
    let Team { folder, mut a, a_path, mut b, b_path, dir, dana, joaquin } = team();
    let tested = test_a_control(&mut a);
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    common::workflow::conclude_and_sign_keyed(&mut a, tested.control, &dana, &joaquin);
    for _ in 0..40 {
        b.take_control(tested.control).unwrap();
        b.release_control(tested.control).unwrap();
    }
    let source = dir.path().join("late.pdf");
    std::fs::write(&source, "found during the review".repeat(100)).unwrap();
    b.attach_evidence(&source, None, Some(tested.control), date("2026-10-02"), &mut engagement::progress::silent).unwrap();
    for _ in 0..2 {
        a.sync(&folder).unwrap();
        b.sync(&folder).unwrap();
    }
    for file in [&a, &b] {
        let conflicts = file.sync_conflicts().unwrap();
        assert!(conflicts.len() == 1 && conflicts[0].text.contains("late.pdf") && conflicts[0].text.contains("signed by reviewer"), "{conflicts:?}");
        assert!(file.evidence().unwrap().is_empty(), "not in the reviewed workpaper");
    }
    converged(vec![(a, &a_path), (b, &b_path)]);
}

/// A key replaced by the partner on one copy while its holder worked offline on another: what the
/// holder did with the key they had reaches every copy, and every copy verifies it. Once the
/// replacement arrives, the holder's copy signs nothing more with the old key.
#[test]
fn work_signed_with_a_key_replaced_meanwhile_on_another_copy_is_taken_everywhere() {
    let Team { folder, mut a, a_path, mut b, b_path, dir: _dir, dana, .. } = team();
    let partner = PersonalKey::generate("Priya Raman", "PR");
    let member = engagement::model::TeamMember { name: partner.name.clone(), initials: "PR".into(), role: engagement::model::Role::Partner, public_key: Some(partner.public_key()) };
    a.add_team_member(&member).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    // DW works offline with the key they have.
    let tested = test_a_control(&mut a);
    // Meanwhile the partner replaces DW's key on the other copy (DW reported it lost, say).
    b.sign_in(&partner).unwrap();
    let replacement = PersonalKey::generate("Dana Whitfield", "DW");
    b.register_key("DW", &replacement.public_key()).unwrap();
    b.sync(&folder).unwrap();
    let sent = a.sync(&folder).unwrap();
    assert!(sent.refused.is_empty(), "{:?}", sent.refused);
    // On DW's copy nothing more is signed with the key replaced: DW is signed out, told which
    // key is DW's now, and signs in with it.
    let said = sent.signed_out.clone().unwrap_or_default();
    assert!(
        said.contains(&format!("DW is signed out: DW's key on the team is now the key with fingerprint {}", replacement.fingerprint())),
        "{:?}",
        sent.lines()
    );
    assert_eq!(a.user(), None);
    assert!(a.sign_in(&dana).is_err(), "the replaced key signs nothing more");
    a.sign_in(&replacement).unwrap();
    let received = b.sync(&folder).unwrap();
    assert!(received.refused.is_empty(), "DW's work, signed with the key DW had when doing it, is taken: {:?}", received.refused);
    assert_eq!(b.workpaper(tested.control).unwrap().results.len(), a.workpaper(tested.control).unwrap().results.len());
    converged(vec![(a, &a_path), (b, &b_path)]);
}

/// DW adds a member on one copy while, on the other, JI adds the engagement partner, who signs
/// with a key. In the one order the partner comes first, and from then on the team is theirs to
/// change: DW's addition is kept in the conflicts list on both copies, not applied, until the
/// partner adds the member. What the member signed meanwhile still reaches every copy, and
/// `verify` names it as signed by someone the team gave no key, until then. A modified build or
/// a race between copies makes no one a member.
#[test]
fn a_member_added_on_one_copy_after_the_partner_took_the_team_on_another_is_held_on_both() {
    let Team { folder, mut a, a_path, mut b, b_path, dir: _dir, .. } = team();
    let partner = PersonalKey::generate("Priya Raman", "PR");
    let staff = PersonalKey::generate("Sam Moreau", "SM");
    let member = |name: &str, initials: &str, role, key: &PersonalKey| engagement::model::TeamMember { name: name.into(), initials: initials.into(), role, public_key: Some(key.public_key()) };
    b.add_team_member(&member("Priya Raman", "PR", engagement::model::Role::Partner, &partner)).unwrap();
    let tested = test_a_control(&mut a);
    a.add_team_member(&member("Sam Moreau", "SM", engagement::model::Role::Staff, &staff)).unwrap();
    a.sign_in(&staff).unwrap();
    a.take_control(tested.control).unwrap();
    b.sync(&folder).unwrap();
    a.sync(&folder).unwrap();
    b.sync(&folder).unwrap();
    for (copy, file) in [("DW's", &a), ("JI's", &b)] {
        let team: Vec<String> = file.info().unwrap().team.into_iter().map(|m| m.initials).collect();
        assert_eq!(team, ["DW", "JI", "PR"], "{copy} copy");
        let listed: Vec<String> = file.sync_conflicts().unwrap().into_iter().map(|c| c.text).collect();
        assert!(
            listed.iter().any(|c| c.contains("DW's change is kept here, not applied: DW may not make this change of the team: SM is added to the team by the engagement partner")
                && c.contains("Sam Moreau")),
            "{copy} copy lists it: {listed:?}"
        );
        assert_eq!(listed.iter().filter(|c| c.contains("Sam Moreau")).count(), 1, "{copy} copy lists SM's addition once, as it would leave the team: {listed:?}");
        let problems = file.verify().unwrap().problems;
        assert!(!problems.is_empty() && problems.iter().all(|p| p.contains("by SM is signed, but SM never had a key on the team")), "{copy} copy: {problems:?}");
        assert_eq!(file.workpaper(tested.control).unwrap().control.assigned_to.as_deref(), Some("SM"), "{copy} copy holds what SM did");
    }

    b.sign_in(&partner).unwrap();
    b.add_team_member(&member("Sam Moreau", "SM", engagement::model::Role::Staff, &staff)).unwrap();
    b.sync(&folder).unwrap();
    a.sync(&folder).unwrap();
    assert!(a.info().unwrap().team.iter().any(|m| m.initials == "SM"), "added by the partner, SM is on the team everywhere");
    converged(vec![(a, &a_path), (b, &b_path)]);
}

/// A change a modified build made on JI's copy: `sql` run on a scratch copy of JI's file, its
/// changeset recorded by SQLite's session extension (every table it touches), signed with `key`
/// as `author`'s and written to the folder as JI's copy's next change, at clock 1000, as the
/// stock build would write it. `NEXT_SEQ` in `sql` is the next trail number of JI's copy.
fn forged_change(folder: &Path, b_path: &Path, key: &PersonalKey, author: &str, sql: &str) -> String {
    forge(folder, b_path, key, author, sql, Forging::default())
}

/// How a modified build wrote its change, beyond `forged_change`'s way.
#[derive(Default)]
struct Forging<'s> {
    /// Run on the scratch copy before recording: what the forger's copy already was.
    unrecorded: &'s str,
    /// Recorded as a patchset, which leaves out the values a row had.
    patchset: bool,
    /// Its clock, when not 1000 (after everything the team did).
    clock: Option<u64>,
    /// Sent as the first change of a copy of this name, not as JI's copy's next.
    copy: Option<&'s str>,
}

fn forge(folder: &Path, b_path: &Path, key: &PersonalKey, author: &str, sql: &str, how: Forging) -> String {
    let scratch = b_path.with_extension("scratch");
    std::fs::copy(b_path, &scratch).unwrap();
    let conn = raw(&scratch);
    let copy: String = conn.query_row("SELECT copy FROM sync_state", [], |r| r.get(0)).unwrap();
    let range = engagement::sync::folder::copy_index(&copy);
    let sql = sql.replace("NEXT_SEQ", &format!("(SELECT coalesce(max(seq), {}) + 1 FROM trail WHERE seq >> 32 = {range})", range << 32));
    conn.execute_batch(how.unrecorded).unwrap();
    let mut changeset = Vec::new();
    {
        let mut session = rusqlite::session::Session::new(&conn).unwrap();
        session.attach(None::<&str>).unwrap();
        conn.execute_batch(&sql).unwrap();
        if how.patchset {
            session.patchset_strm(&mut changeset).unwrap();
        } else {
            session.changeset_strm(&mut changeset).unwrap();
        }
    }
    let (uid, secret) = secret(b_path);
    // JI's copy's next change, made on everything it holds.
    let seq = conn.query_row("SELECT coalesce(max(seq), 0) + 1 FROM sync_outbox", [], |r| r.get::<_, i64>(0)).unwrap() as u64;
    let state: State = conn
        .prepare("SELECT copy, max(seq) FROM sync_log GROUP BY copy")
        .unwrap()
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let (copy, seq) = match how.copy {
        Some(name) => (name.to_owned(), 1),
        None => (copy, seq),
    };
    let lamport = how.clock.unwrap_or(1000);
    let signature = key.sign(&envelope::signed_message(&uid, &copy, seq, author, lamport, &state, &changeset));
    let change = Change { copy: copy.clone(), seq, author: author.into(), lamport, state, changeset, signature };
    plant(folder, &copy, seq, &envelope::seal(&[change], &uid, &secret))
}

/// A modified build writes a change as the partner's that gives the partner's row a key its
/// forger holds: signed with that very key, as a member's own first key is registered, or
/// carrying the hash and signature of an entry the partner really signed. Neither proves the
/// partner made it: judged as unsigned, the change may not replace a key, so it is held, and
/// `verify` names its entry.
#[test]
fn a_change_signed_only_with_the_key_it_registers_does_not_make_its_forger_the_partner() {
    use engagement::model::{Role, TeamMember};
    for reused in [false, true] {
        let partner = PersonalKey::generate("Priya Raghunathan", "PR");
        let Team { folder, mut a, mut b, b_path, dana, dir: _dir, .. } = team();
        a.add_team_member(&TeamMember { name: partner.name.clone(), initials: "PR".into(), role: Role::Partner, public_key: Some(partner.public_key()) }).unwrap();
        a.sign_in(&partner).unwrap();
        a.add_control(&change_control()).unwrap();
        a.sign_in(&dana).unwrap();
        a.sync(&folder).unwrap();
        b.sync(&folder).unwrap();
        b.close().unwrap();
        let forger = PersonalKey::generate("Priya Raghunathan", "PR");
        let (hash, signature) = if reused {
            ("(SELECT hash FROM trail WHERE actor = 'PR' AND signature IS NOT NULL LIMIT 1)".to_owned(), "(SELECT signature FROM trail WHERE actor = 'PR' AND signature IS NOT NULL LIMIT 1)".to_owned())
        } else {
            ("'x'".to_owned(), format!("'{}'", forger.sign(b"x")))
        };
        let sql = format!(
            "INSERT INTO trail (seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash, signature, clock)
             SELECT NEXT_SEQ, '2026-11-02T09:00:00.000Z', 'PR', 'register key', 'team_member', id,
                    json_object('id', id, 'name', name, 'initials', initials, 'role', role, 'public_key', public_key),
                    json_object('id', id, 'name', name, 'initials', initials, 'role', role, 'public_key', '{key}'), '', {hash}, {signature}, 1000
             FROM team_member WHERE initials = 'PR';
             UPDATE team_member SET public_key = '{key}' WHERE initials = 'PR';",
            key = forger.public_key(),
        );
        forged_change(&folder, &b_path, &forger, "PR", &sql);
        let report = a.sync(&folder).unwrap();
        assert!(report.refused.is_empty(), "signed with the key it registers, the folder takes it: {:?}", report.refused);
        let standing = a.info().unwrap().team.into_iter().find(|m| m.initials == "PR").unwrap().public_key;
        assert_eq!(standing, Some(partner.public_key()), "the partner's key is hers (reused signature: {reused})");
        let listed: Vec<String> = a.sync_conflicts().unwrap().into_iter().map(|c| c.text).collect();
        assert!(listed.iter().any(|t| t.contains("PR may not make this change of the team")), "{listed:#?}");
        // Kept aside, its entry changes nothing of the team `verify` judges, and is named.
        let problems = a.verify().unwrap().problems;
        assert!(problems.iter().any(|p| p.contains("(register key team_member") && p.contains("was altered")), "{problems:?}");
        assert!(!problems.iter().any(|p| p.contains("breaks the team's rule")), "{problems:?}");
    }
}

/// A modified build on JI's copy gives Dana's row a key JI holds, so that JI could sign as her:
/// with a trail entry that claims her row already had that key (the rule judges the row as it
/// stands, not what the entry says), with no trail entry at all, with one that says her row is
/// left as it was, and with the entry alone. Each is signed by JI, so the folder takes it; none changes the team on
/// DW's copy: each is held and listed.
#[test]
fn a_forged_change_of_a_colleagues_key_is_held_however_its_trail_entry_describes_it() {
    let mallory = PersonalKey::generate("Dana Whitfield", "DW").public_key();
    let lying = format!(
        "UPDATE team_member SET public_key = '{mallory}' WHERE initials = 'DW';
         INSERT INTO trail (seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash, clock)
         SELECT NEXT_SEQ, '2026-11-02T09:00:00.000Z', 'JI', 'register key', 'team_member', id,
                json_object('id', id, 'name', name, 'initials', initials, 'role', role, 'public_key', public_key),
                json_object('id', id, 'name', name, 'initials', initials, 'role', role, 'public_key', public_key), '', 'x', 1000
         FROM team_member WHERE initials = 'DW';"
    );
    let silent = format!("UPDATE team_member SET public_key = '{mallory}' WHERE initials = 'DW';");
    // The entry recorded before the update: it says the row is left as it was.
    let (update, entry) = lying.split_once(';').unwrap();
    let understated = format!("{entry};{update};");
    // An entry alone, the row untouched: merging settles rows by what entries record.
    let entry_only = format!(
        "INSERT INTO trail (seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash, clock)
         SELECT NEXT_SEQ, '2026-11-02T09:00:00.000Z', 'JI', 'register key', 'team_member', id,
                json_object('id', id, 'name', name, 'initials', initials, 'role', role, 'public_key', public_key),
                json_object('id', id, 'name', name, 'initials', initials, 'role', role, 'public_key', '{mallory}'), '', 'x', 1000
         FROM team_member WHERE initials = 'DW';"
    );
    for (sql, why) in [
        (lying, "DW's key is registered by DW, or replaced by the engagement partner"),
        (silent, "without a trail entry saying so"),
        (understated, "its trail entry says otherwise than what it does to team member"),
        (entry_only, "where the change itself does not"),
    ] {
        let Team { folder, mut a, b, b_path, joaquin, dir: _dir, .. } = team();
        b.close().unwrap();
        let own_key = a.info().unwrap().team[0].public_key.clone().unwrap();
        let name = forged_change(&folder, &b_path, &joaquin, "JI", &sql);
        let report = a.sync(&folder).unwrap();
        assert!(report.refused.is_empty(), "signed by JI, it is taken from the folder: {:?}", report.refused);
        assert_eq!(a.info().unwrap().team[0].public_key.as_deref(), Some(own_key.as_str()), "{name}: DW's key is hers");
        assert!(report.conflicts.iter().any(|c| c.contains("JI may not make this change of the team") && c.contains(why)), "{name}: {:?}", report.conflicts);
    }
}

/// A modified build on JI's copy sends, signed by JI, what no change of Tickmark's carries: a
/// row of the copies' own bookkeeping (a conflicts list entry no merge made), a trail entry
/// removed, an entry numbered in DW's range, one at another clock than its change's, one written
/// as DW's, one under the number of an entry DW's copy holds; a table named in another case or
/// with a column more (SQLite would pass over it); a patchset's removal and update (without the
/// values the row had); a change sorting before what it was made on; a copy numbered as the
/// file before sharing or as merging; a new copy's entry numbered below its range's first. Each file is refused by
/// name, whole, and DW's copy is as it was and verifies.
#[test]
fn a_change_carrying_what_tickmark_never_sends_is_refused_whole_by_name() {
    let entry = |seq: &str, actor: &str, clock: &str| {
        format!(
            "INSERT INTO trail (seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash, clock)
             VALUES ({seq}, '2026-11-02T09:00:00.000Z', '{actor}', 'note', 'engagement', 1, NULL, NULL, '', 'x', {clock});"
        )
    };
    // JI's entry of the team's first sync, taken out of the forger's copy (unrecorded) and
    // added again, as another entry under its number.
    let jis = "(SELECT min(seq) FROM trail WHERE actor = 'JI')";
    let own_first = format!("CREATE TEMP TABLE first AS SELECT * FROM trail WHERE seq = {jis}; DELETE FROM trail WHERE seq = {jis};");
    let note = "INSERT INTO review_note (id, control_id, raised_by, raised_at, text) SELECT NEXT_SEQ, id, 'JI', '2026-11-02', 'x' FROM control;";
    let forgeries: [(String, &str, Forging); 17] = [
        ("INSERT INTO sync_conflict (copy, seq, author, kind, entity, entity_id, detail) VALUES ('x', 1, 'JI', 'held', 'control', 1, '{}');".to_owned(), "changes the table sync_conflict", Forging::default()),
        ("DELETE FROM trail WHERE seq = (SELECT max(seq) FROM trail WHERE actor = 'DW');".to_owned(), "changes or removes a trail entry", Forging::default()),
        (entry("(SELECT max(seq) + 1000 FROM trail WHERE actor = 'DW')", "JI", "1000"), "that is not its own", Forging::default()),
        (entry("NEXT_SEQ", "JI", "7"), "that is not its own", Forging::default()),
        (entry("NEXT_SEQ", "DW", "1000"), "by DW) that is not its own", Forging::default()),
        (entry("(SELECT seq FROM first)", "JI", "1000"), "where this copy holds entries up to", Forging { unrecorded: &own_first, ..Forging::default() }),
        (note.to_owned(), "changes a table Review_Note, which this file does not have as named", Forging { unrecorded: "ALTER TABLE review_note RENAME TO renamed; ALTER TABLE renamed RENAME TO Review_Note;", ..Forging::default() }),
        (note.to_owned(), "changes the table review_note in another shape", Forging { unrecorded: "ALTER TABLE review_note ADD COLUMN extra TEXT;", ..Forging::default() }),
        ("DELETE FROM review_note;".to_owned(), "without the values a change of Tickmark's records", Forging { patchset: true, ..Forging::default() }),
        ("UPDATE review_note SET text = 'x';".to_owned(), "without the values a change of Tickmark's records", Forging { patchset: true, ..Forging::default() }),
        // Sorted before what it was made on, it would be judged on the team as it was then.
        ("UPDATE review_note SET text = 'x';".to_owned(), "not after change", Forging { clock: Some(1), ..Forging::default() }),
        ("UPDATE review_note SET text = 'x';".to_owned(), "has clock 0", Forging { clock: Some(0), ..Forging::default() }),
        // Numbered as the file before sharing, or as merging's own renumbering entries.
        ("UPDATE review_note SET text = 'x';".to_owned(), "numbered as no copy is", Forging { copy: Some("0000aaaaaaaaaaaa"), ..Forging::default() }),
        ("UPDATE review_note SET text = 'x';".to_owned(), "numbered as no copy is", Forging { copy: Some("7fffaaaaaaaaaaaa"), ..Forging::default() }),
        // A new copy's entries are numbered from 5·2³² + 1: 5·2³² itself is no entry's number.
        (entry(&(5i64 << 32).to_string(), "JI", "1000"), "where this copy holds entries up to", Forging { copy: Some("0005aaaaaaaaaaaa"), ..Forging::default() }),
        // The team's rule set back, so that a first key registered next would be judged by the
        // rule of files made before; the engagement removed.
        ("UPDATE engagement SET team_rule = 1;".to_owned(), "changes the team's rule", Forging::default()),
        ("DELETE FROM engagement;".to_owned(), "adds or removes the engagement", Forging::default()),
    ];
    for (sql, why, how) in forgeries {
        let Team { folder, mut a, mut b, b_path, joaquin, dir: _dir, a_path, .. } = team();
        a.add_control(&change_control()).unwrap();
        a.sync(&folder).unwrap();
        b.sync(&folder).unwrap();
        b.raise_review_note(b.controls().unwrap()[0].id, "JI's first note").unwrap();
        b.sync(&folder).unwrap();
        a.sync(&folder).unwrap();
        b.close().unwrap();
        let name = forge(&folder, &b_path, &joaquin, "JI", &sql, how);
        let before = a.verify().unwrap();
        let report = a.sync(&folder).unwrap();
        assert!(report.refused.iter().any(|r| r.starts_with(&name) && r.contains(why) && r.contains("written outside Tickmark")), "{why}: {:?}", report.refused);
        assert!(report.received.is_empty(), "nothing of it is taken: {:?}", report.received);
        assert!(a.sync_conflicts().unwrap().is_empty(), "{why}: no conflict comes of it");
        let after = a.verify().unwrap();
        assert!(after.is_intact(), "{why}: {:?}", after.problems);
        assert_eq!((after.entries, after.head), (before.entries, before.head), "{why}: {}'s trail is as it was", a_path.display());
    }
}

/// A change by JI whose trail adds a member with DW's key and then takes the key away ends at a
/// team the rule allows (anyone may add a member while the team has no partner), but passes
/// through one it forbids, which `verify` judges entry by entry: merging holds it, on the team
/// as its entries walk it, so the two judge it alike.
#[test]
fn a_change_whose_trail_passes_through_a_team_the_rule_forbids_is_held() {
    let sql = "INSERT INTO team_member (id, name, initials, role, public_key) VALUES (9, 'Zed Zhao', 'ZZ', 'staff', NULL);
         INSERT INTO trail (seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash, clock)
         SELECT NEXT_SEQ, '2026-11-02T09:00:00.000Z', 'JI', 'add', 'team_member', 9, NULL,
                json_object('id', 9, 'name', 'Zed Zhao', 'initials', 'ZZ', 'role', 'staff', 'public_key', public_key), '', 'x', 1000
         FROM team_member WHERE initials = 'DW';
         INSERT INTO trail (seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash, clock)
         SELECT NEXT_SEQ, '2026-11-02T09:00:00.000Z', 'JI', 'register key', 'team_member', 9, before_row, json_set(before_row, '$.public_key', NULL), '', 'x', 1000
         FROM (SELECT after AS before_row FROM trail WHERE entity = 'team_member' AND entity_id = 9);";
    let Team { folder, mut a, b, b_path, joaquin, dir: _dir, .. } = team();
    b.close().unwrap();
    forged_change(&folder, &b_path, &joaquin, "JI", sql);
    let report = a.sync(&folder).unwrap();
    assert!(report.refused.is_empty(), "signed by JI, its own entries: {:?}", report.refused);
    assert!(a.info().unwrap().team.iter().all(|m| m.initials != "ZZ"), "ZZ is not on the team");
    assert!(report.conflicts.iter().any(|c| c.contains("JI may not make this change of the team") && c.contains("ZZ's key is already DW's")), "{:?}", report.conflicts);
    // Its entries are forged (no hash of their own, no signature), and `verify` says so; kept
    // aside, they change nothing of the team it judges.
    let problems = a.verify().unwrap().problems;
    assert!(problems.iter().any(|p| p.contains("by JI is not signed")), "{problems:?}");
    assert!(!problems.iter().any(|p| p.contains("breaks the team's rule")), "{problems:?}");
}
