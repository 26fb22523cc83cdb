//! Personal keys from the command line: made and shown, registered through the engagement's
//! description, required to create the file and to work under a keyed name, and checked by
//! `verify`. A key of the wrong person or under the wrong passphrase is refused, naming why.

use std::path::Path;
use std::process::{Command, Output};

use tickmark_tests::engagements;

const PASSPHRASE: &str = "keyed engagement passphrase";
const KEY_PASSPHRASE: &str = "my own key passphrase 42";

fn tickmark(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(tickmark_tests::app::binary("tickmark"));
    cmd.args(args).env_clear().env("HOME", home).env("PATH", std::env::var_os("PATH").unwrap()).env("TICKMARK_PASSPHRASE", PASSPHRASE);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("tickmark runs")
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn line<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines().find_map(|l| l.strip_prefix(prefix)).unwrap_or_else(|| panic!("{prefix:?} in {text}"))
}

#[test]
fn keys_are_made_registered_and_required_to_create_and_to_work_under_a_keyed_name_and_the_team_grows_by_its_rule() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let with_key = [("TICKMARK_KEY_PASSPHRASE", KEY_PASSPHRASE)];
    let made = stdout(&tickmark(home, &["key", "new", "--name", "Dana Whitfield", "--initials", "DW"], &with_key));
    let dana = line(&made, "public key: ").to_owned();
    let default = home.join(".local/share/tickmark/DW.tickmark-key");
    assert!(default.exists(), "written where Tickmark looks for DW's key");
    #[cfg(unix)]
    assert_eq!(std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&default).unwrap().permissions()) & 0o777, 0o600, "a key file is its owner's only");
    let shown = stdout(&tickmark(home, &["key", "show", default.to_str().unwrap()], &[]));
    assert_eq!(line(&shown, "fingerprint: "), line(&made, "fingerprint: "));
    let ji_path = home.join("JI.key");
    let ji = stdout(&tickmark(home, &["key", "new", "--name", "Joaquín Ibáñez", "--initials", "JI", "--out", ji_path.to_str().unwrap()], &with_key));
    let weak = tickmark(home, &["key", "new", "--name", "Weak", "--initials", "WK", "--out", home.join("weak.key").to_str().unwrap()], &[("TICKMARK_KEY_PASSPHRASE", "short")]);
    assert_eq!(weak.status.code(), Some(2), "a short key passphrase is refused");

    // The description gives Dana and Joaquín their public keys.
    let spec_path = engagements::one_control(home);
    let mut spec: serde_json::Value = serde_json::from_slice(&std::fs::read(&spec_path).unwrap()).unwrap();
    spec["team"][0]["public_key"] = dana.clone().into();
    spec["team"][1]["public_key"] = line(&ji, "public key: ").into();
    std::fs::write(&spec_path, serde_json::to_vec(&spec).unwrap()).unwrap();
    let file = home.join("keyed.tickmark");
    let f = file.to_str().unwrap();
    let no_key = tickmark(home, &["new", f, "--spec", spec_path.to_str().unwrap()], &[("TICKMARK_KEY_PASSPHRASE", "not my passphrase at all")]);
    assert_eq!(no_key.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_key.stderr).contains("the passphrase does not unlock this key file"), "{}", String::from_utf8_lossy(&no_key.stderr));
    assert!(!file.exists(), "nothing is created");
    stdout(&tickmark(home, &["new", f, "--spec", spec_path.to_str().unwrap()], &with_key));

    // Working as Joaquín takes Joaquín's key; Dana's is refused for him.
    let note = ["note", "raise", f, "--control", "CC8.1-01", "--text", "Tie the approvals to the CAB minutes.", "--as", "JI"];
    let missing = tickmark(home, &note, &with_key);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("JI.tickmark-key"), "looked for JI's key where it is kept: {}", String::from_utf8_lossy(&missing.stderr));
    let wrong = tickmark(home, &note, &[("TICKMARK_KEY_PASSPHRASE", KEY_PASSPHRASE), ("TICKMARK_KEY", default.to_str().unwrap())]);
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("the key given is DW's, not JI's"), "{}", String::from_utf8_lossy(&wrong.stderr));
    stdout(&tickmark(home, &note, &[("TICKMARK_KEY_PASSPHRASE", KEY_PASSPHRASE), ("TICKMARK_KEY", ji_path.to_str().unwrap())]));

    // The team: Dana adds staff, but no second partner beside Priya, who has no key yet.
    let member = |initials: &str, role: &str| tickmark(home, &["add-member", f, "--name", "Sam Moreau", "--initials", initials, "--role", role, "--as", "DW"], &with_key);
    let minted = member("XP", "partner");
    assert_eq!(minted.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&minted.stderr).contains("XP is added as a partner by the engagement partner"), "{}", String::from_utf8_lossy(&minted.stderr));
    assert!(stdout(&member("SM", "staff")).contains("Sam Moreau (SM, staff) is on the team"));
    let info = stdout(&tickmark(home, &["info", f], &[]));
    assert!(info.contains("team: Sam Moreau (SM, Staff), no personal key"), "{info}");
    assert!(info.contains(&format!("team: Dana Whitfield (DW, Senior), key {}", line(&made, "fingerprint: "))), "{info}");
    assert!(info.contains("team: Priya Raghunathan (PR, Partner), no personal key"), "{info}");
    let verified = tickmark(home, &["verify", f], &[]);
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stdout));

    // Sam, added without a key, joins the shared engagement and registers the key he made: on a
    // shared copy every change is signed, so the registration is signed with that key.
    let folder = home.join("shared");
    std::fs::create_dir(&folder).unwrap();
    let shared = folder.to_str().unwrap();
    stdout(&tickmark(home, &["share", f, "--folder", shared], &[]));
    let copy = home.join("sam.tickmark");
    let c = copy.to_str().unwrap();
    stdout(&tickmark(home, &["join", shared, "--out", c], &[]));
    let sam = stdout(&tickmark(home, &["key", "new", "--name", "Sam Moreau", "--initials", "SM"], &with_key));
    stdout(&tickmark(home, &["register-key", c, "--member", "SM", "--public-key", line(&sam, "public key: "), "--as", "SM"], &with_key));
    stdout(&tickmark(home, &["note", "raise", c, "--control", "CC8.1-01", "--text", "Sam's first note", "--as", "SM"], &with_key));
    stdout(&tickmark(home, &["sync", c, "--folder", shared], &[]));
    let synced = stdout(&tickmark(home, &["sync", f, "--folder", shared], &[]));
    assert!(synced.contains("SM raise review note"), "{synced}");
    assert!(stdout(&tickmark(home, &["info", f], &[])).contains(&format!("team: Sam Moreau (SM, Staff), key {}", line(&sam, "fingerprint: "))));
    assert!(tickmark(home, &["verify", f], &[]).status.success());

    // Priya registers her own first key; from then on a member's first key is hers to register:
    // Ana's own registration is refused, Priya's of Ana's key stands, and Ana works with it.
    let priya = stdout(&tickmark(home, &["key", "new", "--name", "Priya Raghunathan", "--initials", "PR"], &with_key));
    stdout(&tickmark(home, &["register-key", f, "--member", "PR", "--public-key", line(&priya, "public key: "), "--as", "PR"], &with_key));
    stdout(&tickmark(home, &["add-member", f, "--name", "Ana Kovač", "--initials", "AK", "--role", "staff", "--as", "PR"], &with_key));
    let ana = stdout(&tickmark(home, &["key", "new", "--name", "Ana Kovač", "--initials", "AK"], &with_key));
    let register_ana = |who: &str| tickmark(home, &["register-key", f, "--member", "AK", "--public-key", line(&ana, "public key: "), "--as", who], &with_key);
    let own = register_ana("AK");
    assert_eq!(own.status.code(), Some(2), "{}", String::from_utf8_lossy(&own.stdout));
    assert!(String::from_utf8_lossy(&own.stderr).contains("AK's first key is registered by the engagement partner"), "{}", String::from_utf8_lossy(&own.stderr));
    assert!(stdout(&register_ana("PR")).contains(&format!("AK's key is registered: fingerprint {}", line(&ana, "fingerprint: "))));
    stdout(&tickmark(home, &["note", "raise", f, "--control", "CC8.1-01", "--text", "Ana's first note", "--as", "AK"], &with_key));
    assert!(tickmark(home, &["verify", f], &[]).status.success());
}
