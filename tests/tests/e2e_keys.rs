//! Signing in with a personal key in the window: the demo's way of opening (signed in as its
//! staff member with his demo key, the passphrases handed over in the environment and gone from
//! it before any WebKit process starts), and switching to a member who has a key, which asks
//! for that key's passphrase and refuses a wrong one; a staff member is told that a team whose
//! partner signs with a key is hers to add to.

use tickmark_tests::app::{screenshot_dir, workspace, Harness};
use tickmark_tests::engagements::demo_key_passphrase;
use tickmark_tests::flows::{choose, click, fill, WAIT};

const PASSPHRASE: &str = "keyed demo passphrase";

/// The environment blocks of the app's WebKit processes (web content and network; not the
/// harness's WebKitWebDriver, which started the app), found by this harness's unique HOME.
fn webkit_environments(home: &std::path::Path) -> Vec<String> {
    let marker = format!("HOME={}", home.display());
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().chars().all(|c| c.is_ascii_digit()))
        .filter_map(|e| {
            let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
            let environ = String::from_utf8_lossy(&std::fs::read(e.path().join("environ")).ok()?).replace('\0', "\n");
            let cmdline = String::from_utf8_lossy(&cmdline);
            let webkit = cmdline.contains("WebKitWebProcess") || cmdline.contains("WebKitNetworkProcess");
            (webkit && environ.contains(&marker)).then_some(environ)
        })
        .collect()
}

#[test]
fn the_demo_opens_signed_in_as_its_staff_member_and_another_member_signs_in_with_their_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.tickmark");
    let app = tickmark_tests::engagements::demo_app(&file, PASSPHRASE);
    let ui = app.ui();
    ui.wait_text("[data-testid=signed]", WAIT, |t| t == "signing with a personal key").unwrap();
    let user = ui.property(&ui.find("[data-testid=user]").unwrap(), "value").unwrap();
    assert_eq!(user.as_str(), Some("TW"), "the demo opens as the staff member, not the partner");
    let keys = ui.text(&ui.find("[data-testid=team-keys]").unwrap()).unwrap();
    assert!(keys.contains(&format!("TW: key {}", tickmark_tests::engagements::demo_key("TW").fingerprint())), "{keys}");

    let environments = webkit_environments(&app.home);
    assert!(!environments.is_empty(), "the WebKit processes were found");
    for environ in &environments {
        assert!(!environ.contains("TICKMARK_PASSPHRASE") && !environ.contains("TICKMARK_KEY_PASSPHRASE"), "no passphrase variable reaches WebKit");
        assert!(!environ.contains(PASSPHRASE) && !environ.contains(&demo_key_passphrase("TW")), "no passphrase value reaches WebKit");
    }

    // Joaquín has a key: choosing him asks for its passphrase, and a wrong one is refused.
    choose(ui, "user", "JI");
    ui.wait_for("[data-testid=sign-in]", WAIT).unwrap();
    fill(ui, "key-path", workspace().join("fixtures/demo/keys/JI.tickmark-key").to_str().unwrap());
    fill(ui, "key-passphrase-sign-in", "not his passphrase");
    click(ui, "sign-in-confirm");
    ui.wait_text(".error", WAIT, |t| t.contains("does not unlock this key file")).unwrap();
    fill(ui, "key-passphrase-sign-in", &demo_key_passphrase("JI"));
    click(ui, "sign-in-confirm");
    let start = std::time::Instant::now();
    while ui.find("[data-testid=sign-in]").is_ok() && start.elapsed() < WAIT {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(ui.find("[data-testid=sign-in]").is_err(), "the sign-in form is gone once the key unlocks");
    assert_eq!(ui.property(&ui.find("[data-testid=user]").unwrap(), "value").unwrap().as_str(), Some("JI"));
    assert_eq!(ui.text(&ui.find("[data-testid=signed]").unwrap()).unwrap(), "signing with a personal key");
    ui.screenshot(&screenshot_dir().join("signed-in.png")).unwrap();

    // Back to Tomasz: his key is still unlocked for this session, so no passphrase is asked.
    choose(ui, "user", "TW");
    ui.wait_text("[data-testid=signed]", WAIT, |t| t == "signing with a personal key").unwrap();
    assert!(ui.find("[data-testid=sign-in]").is_err());

    // The partner signs with a key, so the team is hers to change: Tomasz is told so where the
    // form to add a member would be.
    let closed = ui.wait_text("[data-testid=team-closed]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(closed.contains("Members are added by the engagement partner, signed in with their key"), "{closed}");
    assert!(ui.find("[data-testid=add-member]").is_err());
}

/// A member without a key makes one in the window, on an engagement already shared (where every
/// change is signed, so the registration is signed with the new key): it is written,
/// owner-only, where Tickmark keeps keys, registered on the team with its fingerprint shown, and
/// the member now signs with it; the registration goes out at the next sync; the file verifies.
#[test]
fn a_member_makes_their_signing_key_in_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("own-key.tickmark");
    let folder = dir.path().join("shared");
    std::fs::create_dir(&folder).unwrap();
    let app = Harness::launch();
    let ui = app.ui();
    tickmark_tests::flows::create_engagement(ui, &file, "Contoso Freight", PASSPHRASE);
    click(ui, "tab-team");
    fill(ui, "share-folder", folder.to_str().unwrap());
    click(ui, "share");
    ui.wait_for("[data-testid=shared-folder]", WAIT).unwrap();
    click(ui, "tab-overview");
    ui.wait_text("[data-testid=signed]", WAIT, |t| t == "no personal key").unwrap();
    fill(ui, "key-passphrase", "dana's own key passphrase");
    fill(ui, "key-passphrase-again", "dana's own key passphrase");
    click(ui, "make-key-confirm");
    ui.wait_text("[data-testid=signed]", WAIT, |t| t == "signing with a personal key").unwrap();
    let key_path = app.home.join("data/tickmark/DW.tickmark-key");
    let (_, _, public) = engagement::keys::public_of(&key_path).unwrap();
    let keys = ui.text(&ui.find("[data-testid=team-keys]").unwrap()).unwrap();
    assert!(keys.contains(&format!("DW: key {}", engagement::keys::fingerprint(&public))), "{keys}");
    assert_eq!(std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&key_path).unwrap().permissions()) & 0o777, 0o600);
    click(ui, "tab-team");
    click(ui, "sync");
    let report = ui.wait_text("[data-testid=sync-report]", WAIT, |t| t.starts_with("Sent")).unwrap();
    assert!(report.starts_with("Sent 1 change"), "the registration went out: {report}");
    click(ui, "close-engagement");
    ui.wait_for("[data-testid=new-client]", WAIT).unwrap();
    let opened = engagement::EngagementFile::open(&file, PASSPHRASE).unwrap();
    assert!(opened.verify().unwrap().is_intact());
    assert_eq!(opened.info().unwrap().team[0].public_key.as_deref(), Some(public.as_str()));
}

/// A member added without a key, on the demo whose partner signs with one: "Make my signing key"
/// makes the key file but leaves registering it to the partner, showing the public key to give
/// her. The partner, signed in with her key, registers it from the Team section, its fingerprint
/// shown before she does; it then shows on the team, the form picks no one, and the member,
/// chosen again, signs in with the key made for him.
#[test]
fn the_partner_registers_a_members_first_key_in_the_window() {
    use engagement::model::{Role, TeamMember};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.tickmark");
    let mut demo = tickmark_tests::engagements::demo(&file, PASSPHRASE);
    demo.add_team_member(&TeamMember { name: "Sam Mensah".into(), initials: "SM".into(), role: Role::Staff, public_key: None }).unwrap();
    demo.close().unwrap();
    let app = tickmark_tests::engagements::app_as_staff(&file, PASSPHRASE);
    let ui = app.ui();
    ui.wait_text("[data-testid=signed]", WAIT, |t| t == "signing with a personal key").unwrap();

    choose(ui, "user", "SM");
    ui.wait_text("[data-testid=signed]", WAIT, |t| t == "no personal key").unwrap();
    fill(ui, "key-passphrase", "sam's own key passphrase");
    fill(ui, "key-passphrase-again", "sam's own key passphrase");
    click(ui, "make-key-confirm");
    let told = ui.wait_text("[data-testid=key-for-partner]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(told.contains("The engagement partner registers it"), "{told}");
    let public = ui.text(&ui.find("[data-testid=key-public]").unwrap()).unwrap();
    let (_, initials, in_file) = engagement::keys::public_of(&app.home.join("data/tickmark/SM.tickmark-key")).unwrap();
    assert_eq!((initials.as_str(), in_file.as_str()), ("SM", public.as_str()), "the key shown is the one in his key file");
    assert_eq!(ui.text(&ui.find("[data-testid=signed]").unwrap()).unwrap(), "no personal key", "not registered, so not signed in with it");
    assert!(ui.text(&ui.find("[data-testid=team-keys]").unwrap()).unwrap().contains("SM: no personal key yet"));
    click(ui, "sign-in-own-key");
    ui.wait_text("[data-testid=make-key-error]", WAIT, |t| t.contains("not registered on this copy yet")).unwrap();
    // Away to another tab and back: the key to give the partner is shown again.
    click(ui, "tab-matrix");
    ui.wait_for("[data-testid=matrix-filter]", WAIT).unwrap();
    assert!(ui.find("[data-testid=make-key]").is_err(), "the overview, and its key form, are gone");
    click(ui, "tab-overview");
    ui.wait_text("[data-testid=key-public]", WAIT, |t| t == public).unwrap();

    choose(ui, "user", "PR");
    ui.wait_for("[data-testid=sign-in]", WAIT).unwrap();
    fill(ui, "key-path", workspace().join("fixtures/demo/keys/PR.tickmark-key").to_str().unwrap());
    fill(ui, "key-passphrase-sign-in", &demo_key_passphrase("PR"));
    click(ui, "sign-in-confirm");
    ui.wait_for("[data-testid=register-key]", WAIT).unwrap();
    choose(ui, "register-member", "SM");
    fill(ui, "register-public-key", &public);
    let fingerprint = engagement::keys::fingerprint(&public);
    ui.wait_text("[data-testid=register-fingerprint]", WAIT, |t| t.contains(&fingerprint)).unwrap();
    click(ui, "register-key-confirm");
    ui.wait_text("[data-testid=team-keys]", WAIT, |t| t.contains(&format!("SM: key {fingerprint}"))).unwrap();
    let next = ui.property(&ui.find("[data-testid=register-member]").unwrap(), "value").unwrap();
    assert_eq!(next.as_str(), Some(""), "the next key pasted goes to no one until the partner picks whose it is");
    choose(ui, "register-member", "TW");
    ui.wait_text("[data-testid=register-replaces]", WAIT, |t| t.contains("TW has a key: registering replaces it")).unwrap();

    choose(ui, "user", "SM");
    ui.wait_text("[data-testid=signed]", WAIT, |t| t == "signing with a personal key").unwrap();
    click(ui, "close-engagement");
    ui.wait_for("[data-testid=new-client]", WAIT).unwrap();
    let opened = engagement::EngagementFile::open(&file, PASSPHRASE).unwrap();
    let verified = opened.verify().unwrap();
    assert!(verified.is_intact(), "{:?}", verified.problems);
}

/// Next year from the window: the demo (its documentation not completed, so that is said)
/// rolled forward by its staff member, signed with his key; the window then shows the new file.
#[test]
fn the_demo_rolls_forward_in_the_window_and_the_new_file_opens_on_its_overview() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.tickmark");
    let app = tickmark_tests::engagements::demo_app(&file, PASSPHRASE);
    let ui = app.ui();
    ui.wait_text("[data-testid=signed]", WAIT, |t| t == "signing with a personal key").unwrap();
    click(ui, "tab-deliverables");
    let next = dir.path().join("demo-2027.tickmark");
    fill(ui, "roll-path", next.to_str().unwrap());
    fill(ui, "roll-start", "2026-10-01");
    fill(ui, "roll-end", "2027-09-30");
    fill(ui, "roll-passphrase", "next year's demo passphrase");
    fill(ui, "roll-confirm", "next year's demo passphrase");
    click(ui, "roll-forward-confirm");
    let refused = ui.wait_text("[data-testid=roll-error]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(refused.contains("documentation is not completed"), "{refused}");
    click(ui, "roll-incomplete");
    click(ui, "roll-forward-confirm");
    ui.wait_text("[data-testid=overview-examination]", WAIT, |t| t.contains("2027")).unwrap();
    ui.wait_for("[data-testid=open-items]", WAIT).unwrap();
    ui.screenshot(&screenshot_dir().join("rolled-forward.png")).unwrap();
    drop(app);
    let opened = engagement::EngagementFile::open(&next, "next year's demo passphrase").unwrap();
    let last = engagement::EngagementFile::open(&file, PASSPHRASE).unwrap();
    assert_eq!(opened.controls().unwrap().len(), last.controls().unwrap().len());
    assert!(opened.populations(None).unwrap().is_empty(), "none of this year's work");
    assert!(opened.verify().unwrap().is_intact());
    assert_eq!(opened.trail(None).unwrap()[0].actor, "TW");
}
