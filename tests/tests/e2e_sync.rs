//! Team sync in the real window: two copies of the demo engagement, one per auditor, each opened
//! in the app in turn. TW raises a review note, takes the control and syncs; JI's window syncs,
//! shows TW's note and that TW has the control, raises a note of its own and syncs; TW's window
//! syncs and shows JI's note. (The harness drives one window at a time, so the two take turns.)

use std::path::Path;

use engagement::EngagementFile;
use tickmark_tests::app::{binary, screenshot_dir, Harness};
use tickmark_tests::engagements::{demo, demo_key_passphrase};
use tickmark_tests::flows::{click, fill, WAIT};

const PASSPHRASE: &str = "team sync passphrase";
const CONTROL: &str = "CC8.1-01";

/// The app on `file`, signed in at launch as `initials` with their demo key.
fn window(file: &Path, initials: &str) -> Harness {
    let key = tickmark_tests::app::workspace().join(format!("fixtures/demo/keys/{initials}.tickmark-key"));
    let key_passphrase = demo_key_passphrase(initials);
    let mut app = Harness::prepare(&[
        ("TICKMARK_PASSPHRASE", PASSPHRASE),
        ("TICKMARK_USER", initials),
        ("TICKMARK_KEY", key.to_str().unwrap()),
        ("TICKMARK_KEY_PASSPHRASE", &key_passphrase),
    ]);
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
    first.share(&folder).unwrap();
    first.close().unwrap();
    EngagementFile::join(&folder, &ji, PASSPHRASE).unwrap().0.close().unwrap();

    let app = window(&tw, "TW");
    raise_note(&app, "TW: tie ticket 4 to its approval");
    click(app.ui(), "take-control");
    app.ui().wait_text("[data-testid=assigned-to]", WAIT, |t| t == "Assigned to TW").unwrap();
    let report = sync(&app);
    assert!(report.contains("Sent 2 changes"), "{report}");
    app.ui().screenshot(&screenshot_dir().join("sync-sent.png")).unwrap();
    drop(app);

    let app = window(&ji, "JI");
    let report = sync(&app);
    assert!(report.contains("TW raise review note") && report.contains("TW take assignment"), "JI's window names what came in: {report}");
    click(app.ui(), "tab-matrix");
    app.ui().wait_text(&format!("[data-testid=\"taken-{CONTROL}\"]"), WAIT, |t| t == "TW").unwrap();
    assert!(notes(&app).contains("TW: tie ticket 4 to its approval"), "JI sees TW's note");
    raise_note(&app, "JI: which ticket is 4?");
    assert!(sync(&app).contains("Sent 1 change"));
    drop(app);

    let app = window(&tw, "TW");
    let report = sync(&app);
    assert!(report.contains("JI raise review note"), "{report}");
    assert!(notes(&app).contains("JI: which ticket is 4?"), "TW sees JI's note");
    app.ui().screenshot(&screenshot_dir().join("sync-received.png")).unwrap();
}
