//! Team sync in the real window: two copies of the demo engagement, one per auditor, open in two
//! app windows at the same time, each working offline between syncs. TW records a pass in a grid
//! cell, raises a review note and takes the control; meanwhile JI raises a note and records a
//! deviation in the same cell. TW syncs, then JI: JI's window shows TW's work and hold, the cell
//! marked as in conflict (TW's pass stands, JI's deviation kept in the conflicts list) and the
//! preparer's sign-off waiting for it; JI settles it, and it is no longer marked. TW's window,
//! open all along, syncs and shows JI's note and the settlement. A teammate joins from the start
//! screen, and syncs with the folder where it is now once it has moved. A key the partner
//! replaced on her copy signs its holder out of his window at his next sync.
use std::path::Path;

use engagement::sample::{SampleMethod, SampleRequest, SizeRequest};
use engagement::EngagementFile;
use tickmark_tests::app::{binary, screenshot_dir, Harness};
use tickmark_tests::engagements::{demo, demo_key_passphrase};
use tickmark_tests::flows::{choose, click, fill, WAIT};
use tickmark_tests::webdriver::keys;

const PASSPHRASE: &str = "team sync passphrase";
const CONTROL: &str = "CC8.1-01";

/// The app on `file`, signed in at launch as `initials` with their demo key; opened `beside` a
/// window already up, when given.
fn window(file: &Path, initials: &str, beside: Option<&Harness>) -> Harness {
    let key = tickmark_tests::app::workspace().join(format!("fixtures/demo/keys/{initials}.tickmark-key"));
    let key_passphrase = demo_key_passphrase(initials);
    let env = [
        ("TICKMARK_PASSPHRASE", PASSPHRASE),
        ("TICKMARK_USER", initials),
        ("TICKMARK_KEY", key.to_str().unwrap()),
        ("TICKMARK_KEY_PASSPHRASE", &key_passphrase),
    ];
    let mut app = match beside {
        Some(first) => Harness::beside(first, &env),
        None => Harness::prepare(&env),
    };
    app.open(&binary("tickmark-app"), &[file.to_str().unwrap()]);
    app.ui().wait_text("[data-testid=signed]", WAIT, |t| t == "signing with a personal key").unwrap();
    app
}

/// Syncs from the Team sync tab and returns the report as the window shows it.
fn sync(app: &Harness) -> String {
    let ui = app.ui();
    click(ui, "tab-team");
    ui.wait_for("[data-testid=shared-folder]", WAIT).unwrap();
    click(ui, "sync");
    ui.wait_text("[data-testid=sync-report]", WAIT, |t| t.starts_with("Sent")).unwrap()
}

/// Opens the change-management control's workpaper from the control matrix.
fn open_workpaper(app: &Harness) {
    let ui = app.ui();
    click(ui, "tab-matrix");
    click(ui, &format!("open-{CONTROL}"));
    ui.wait_text("[data-testid=workpaper-index]", WAIT, |t| t == CONTROL).unwrap();
}

/// Raises a review note on the workpaper; returns every note it shows.
fn raise_note(app: &Harness, text: &str) -> String {
    let ui = app.ui();
    open_workpaper(app);
    fill(ui, "review-note-text", text);
    click(ui, "raise-review-note");
    ui.wait_text("[data-testid=review-notes]", WAIT, |t| t.contains(text)).unwrap()
}

/// Waits until cell 0-0 shows `outcome`, stored.
fn settled_cell(app: &Harness, outcome: &str) {
    let ui = app.ui();
    let cell = ui.find("[data-testid=cell-0-0]").unwrap();
    let start = std::time::Instant::now();
    while !ui.property(&cell, "className").unwrap().as_str().is_some_and(|c| c.contains(outcome) && !c.contains("pending")) && start.elapsed() < WAIT {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

fn notes(app: &Harness) -> String {
    let ui = app.ui();
    open_workpaper(app);
    ui.wait_text("[data-testid=review-notes]", WAIT, |_| true).unwrap()
}

#[test]
fn two_copies_of_the_demo_each_show_the_others_work_after_a_sync() {
    let dir = tempfile::tempdir().unwrap();
    let (tw, ji, folder) = (dir.path().join("tw.tickmark"), dir.path().join("ji.tickmark"), dir.path().join("shared"));
    std::fs::create_dir(&folder).unwrap();
    let mut first = demo(&tw, PASSPHRASE);
    let control = first.control_by_reference(CONTROL).unwrap().id;
    let population = first.populations(Some(control)).unwrap()[0].id;
    let size = SizeRequest::Fixed { n: 5, reason: "A walk-through sized sample for the team test".into() };
    first.draw_sample(&SampleRequest { control_id: control, population_id: population, method: SampleMethod::SimpleRandom, size, seed: None, seed_reason: None }).unwrap();
    first.share(&folder).unwrap();
    first.close().unwrap();
    EngagementFile::join(&folder, &ji, PASSPHRASE).unwrap().0.close().unwrap();

    let tw_app = window(&tw, "TW", None);
    let ji_app = window(&ji, "JI", Some(&tw_app));

    // Both at work offline, in the same cell, neither having seen the other's.
    raise_note(&tw_app, "TW: tie ticket 4 to its approval");
    let ui = tw_app.ui();
    click(ui, "cell-0-0");
    ui.type_text(&ui.find("[data-testid=test-grid]").unwrap(), "p").unwrap();
    settled_cell(&tw_app, "pass");
    click(ui, "take-control");
    ui.wait_text("[data-testid=assigned-to]", WAIT, |t| t == "Assigned to TW").unwrap();

    raise_note(&ji_app, "JI: which ticket is 4?");
    let ui = ji_app.ui();
    click(ui, "cell-0-0");
    ui.type_text(&ui.find("[data-testid=test-grid]").unwrap(), "d").unwrap();
    let note = ui.wait_for("[data-testid=deviation-note]", WAIT).unwrap();
    ui.type_text(&note, &format!("JI: no approval in the ticket{}", keys::ENTER)).unwrap();
    settled_cell(&ji_app, "deviation");

    let report = sync(&tw_app);
    assert!(report.contains("Sent 3 changes"), "note, result and hold went out: {report}");
    for went in ["by TW: raise review note", "by TW: record test result", "by TW: take assignment"] {
        assert!(report.contains(went), "TW's window names what went out ({went}): {report}");
    }
    tw_app.ui().screenshot(&screenshot_dir().join("sync-sent.png")).unwrap();

    let app = &ji_app;
    let report = sync(app);
    assert!(report.contains("Sent 2 changes"), "the note and the result went out: {report}");
    for came in ["TW raise review note", "TW record test result", "TW take assignment"] {
        assert!(report.contains(came), "JI's window names what came in ({came}): {report}");
    }
    click(app.ui(), "tab-matrix");
    app.ui().wait_text(&format!("[data-testid=\"taken-{CONTROL}\"]"), WAIT, |t| t == "TW").unwrap();
    let shown = notes(app);
    assert!(shown.contains("TW: tie ticket 4 to its approval") && shown.contains("JI: which ticket is 4?"), "JI sees both notes: {shown}");
    let cell = app.ui().find("[data-testid=cell-0-0]").unwrap();
    let class = app.ui().property(&cell, "className").unwrap();
    assert!(class.as_str().is_some_and(|c| c.contains("pass") && c.contains("conflict")), "TW's result stands, marked as in conflict: {class}");
    let gate = app.ui().text(&app.ui().find("[data-testid=workpaper]").unwrap()).unwrap();
    assert!(gate.contains("sync conflict 1 is not settled"), "the preparer's sign-off waits for it");
    assert!(gate.contains("sync conflict 1 is not settled: item 1, attribute A of sample 1: "), "the cell named as the grid names it: {gate}");
    let conflict = gate.split("sync conflict 1").nth(1).and_then(|t| t.split("Sign as preparer").next()).unwrap_or_default();
    assert!(!conflict.split(|c: char| !c.is_ascii_digit()).any(|n| n.len() >= 10), "rows made after sharing are named by their copy, never by a ten-digit id: {conflict}");
    click(app.ui(), "tab-team");
    let listed = app.ui().wait_text("[data-testid=sync-conflicts]", WAIT, |t| t.contains("JI: no approval in the ticket")).unwrap();
    assert!(listed.contains("Conflicts to settle (1"), "{listed}");
    fill(app.ui(), "settle-note-1", "TW's pass stands: the approval is in the change record, not the ticket");
    click(app.ui(), "settle-1");
    app.ui().wait_text("[data-testid=conflict-1]", WAIT, |t| t.contains("Settled by JI")).unwrap();
    let cell = {
        open_workpaper(app);
        app.ui().find("[data-testid=cell-0-0]").unwrap()
    };
    assert!(!app.ui().property(&cell, "className").unwrap().as_str().unwrap_or_default().contains("conflict"), "settled: no longer marked");
    app.ui().screenshot(&screenshot_dir().join("sync-settled.png")).unwrap();
    assert!(sync(app).contains("Sent 1 change"), "the settlement travels");

    // TW's window, open all along, has not seen any of it until it syncs.
    let app = &tw_app;
    assert!(!notes(app).contains("JI: which ticket is 4?"), "nothing of JI's before TW syncs");
    let report = sync(app);
    assert!(report.contains("JI raise review note") && report.contains("JI settle settlement"), "{report}");
    click(app.ui(), "tab-team");
    app.ui().wait_text("[data-testid=conflict-1]", WAIT, |t| t.contains("Settled by JI")).unwrap();
    assert!(notes(app).contains("JI: which ticket is 4?"), "TW sees JI's note");
    let cell = app.ui().find("[data-testid=cell-0-0]").unwrap();
    let class = app.ui().property(&cell, "className").unwrap();
    assert!(class.as_str().is_some_and(|c| c.contains("pass") && !c.contains("conflict")), "TW's pass stands, settled: {class}");
    app.ui().screenshot(&screenshot_dir().join("sync-received.png")).unwrap();
    drop(ji_app);
}

/// A teammate joins from the window's start screen: their own copy is made and opened. When the
/// shared folder is no longer where the copy last synced with it (a USB stick mounted elsewhere),
/// Sync says so, and syncing with the folder where it is now works and is remembered.
#[test]
fn a_teammate_joins_from_the_start_screen_and_syncs_with_the_folder_where_it_is_now() {
    let dir = tempfile::tempdir().unwrap();
    let (tw, ji, folder) = (dir.path().join("tw.tickmark"), dir.path().join("ji.tickmark"), dir.path().join("shared"));
    std::fs::create_dir(&folder).unwrap();
    let mut first = demo(&tw, PASSPHRASE);
    first.share(&folder).unwrap();
    first.close().unwrap();

    let app = Harness::launch();
    let ui = app.ui();
    fill(ui, "join-folder", folder.to_str().unwrap());
    fill(ui, "join-path", ji.to_str().unwrap());
    fill(ui, "join-passphrase", PASSPHRASE);
    click(ui, "join-submit");
    ui.wait_for("[data-testid=overview-examination]", WAIT).unwrap();
    assert!(ji.exists(), "the copy is made where asked");
    click(ui, "tab-team");
    ui.wait_text("[data-testid=shared-folder]", WAIT, |t| t.contains(folder.to_str().unwrap())).unwrap();

    let moved = dir.path().join("stick");
    std::fs::rename(&folder, &moved).unwrap();
    click(ui, "sync");
    let report = ui.wait_text("[data-testid=sync-report]", WAIT, |t| t.starts_with("Not synced")).unwrap();
    assert!(report.contains("cannot be reached"), "{report}");
    fill(ui, "sync-elsewhere", moved.to_str().unwrap());
    click(ui, "sync-elsewhere-confirm");
    ui.wait_text("[data-testid=sync-report]", WAIT, |t| t.starts_with("Sent")).unwrap();
    ui.wait_text("[data-testid=shared-folder]", WAIT, |t| t.contains(moved.to_str().unwrap())).unwrap();
    drop(app);
    let copy = EngagementFile::open(&ji, PASSPHRASE).unwrap();
    assert_eq!(copy.shared_folder().unwrap().as_deref(), Some(moved.as_path()), "later syncs use the folder where it is now");
    assert!(copy.verify().unwrap().is_intact());
}

/// The partner replaces TW's key on her copy (TW reported it lost, say) while TW's window is
/// open, signed in with the old one. TW's next sync signs him out: the report names the key that
/// is his now, the window no longer shows him signing, and nothing more is signed with the key
/// the partner replaced.
#[test]
fn a_key_replaced_on_another_copy_signs_its_holder_out_at_the_next_sync() {
    let dir = tempfile::tempdir().unwrap();
    let (tw, pr, folder) = (dir.path().join("tw.tickmark"), dir.path().join("pr.tickmark"), dir.path().join("shared"));
    std::fs::create_dir(&folder).unwrap();
    let mut first = demo(&tw, PASSPHRASE);
    first.share(&folder).unwrap();
    first.close().unwrap();
    let tw_app = window(&tw, "TW", None);

    let (mut partners, _) = EngagementFile::join(&folder, &pr, PASSPHRASE).unwrap();
    partners.sign_in(&tickmark_tests::engagements::demo_key("PR")).unwrap();
    let replacement = engagement::keys::PersonalKey::generate("Tomasz Wójcik", "TW");
    partners.register_key("TW", &replacement.public_key()).unwrap();
    partners.sync(&folder).unwrap();

    let report = sync(&tw_app);
    let ui = tw_app.ui();
    let said = ui.text(&ui.find("[data-testid=sync-signed-out]").unwrap()).unwrap();
    assert!(said.contains(&format!("TW is signed out: TW's key on the team is now the key with fingerprint {}", replacement.fingerprint())), "{report}");
    assert!(report.contains("PR register key TW"), "what came in names the member: {report}");
    assert!(ui.find("[data-testid=signed]").is_err(), "nobody signs in this window now");
    assert_eq!(ui.property(&ui.find("[data-testid=user]").unwrap(), "value").unwrap().as_str(), Some(""), "the header asks who is at the keyboard");
    // The window paints the sign-out a frame after the DOM has it.
    std::thread::sleep(std::time::Duration::from_millis(500));
    ui.screenshot(&screenshot_dir().join("sync-signed-out.png")).unwrap();

    // Chosen again, TW is asked for a key (the one unlocked at launch is his no longer), and
    // signs in with the new one.
    let new_key = dir.path().join("TW-new.tickmark-key");
    replacement.write(&new_key, "Tomasz's replacement key passphrase").unwrap();
    choose(ui, "user", "TW");
    ui.wait_for("[data-testid=sign-in]", WAIT).unwrap();
    fill(ui, "key-path", new_key.to_str().unwrap());
    fill(ui, "key-passphrase-sign-in", "Tomasz's replacement key passphrase");
    click(ui, "sign-in-confirm");
    ui.wait_text("[data-testid=signed]", WAIT, |t| t == "signing with a personal key").unwrap();
    drop(tw_app);
    let file = EngagementFile::open(&tw, PASSPHRASE).unwrap();
    assert!(file.verify().unwrap().is_intact());
}
