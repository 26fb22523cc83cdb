//! What the report relies on beyond the client's controls, recorded in the window: a
//! complementary user entity control and a carved-out subservice organisation are refused until
//! complete (the error names what is missing, and what was typed stays), then added, and the
//! draft written from the window prints both.

use std::process::Command;

use engagement::EngagementFile;
use tickmark_tests::app::{binary, Harness};
use tickmark_tests::engagements;
use tickmark_tests::flows::{choose, click, fill, WAIT};

const PASSPHRASE: &str = "complementary passphrase";

#[test]
fn complementary_controls_recorded_in_the_window_are_printed_in_the_draft() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("complementary.tickmark");
    EngagementFile::create_from_spec(&path, PASSPHRASE, &engagements::one_control(dir.path())).unwrap().close().unwrap();
    let mut app = Harness::prepare(&[("TICKMARK_PASSPHRASE", PASSPHRASE)]);
    app.open(&binary("tickmark-app"), &[path.to_str().unwrap()]);
    let ui = app.ui();
    ui.wait_text("[data-testid=overview-client]", WAIT, |t| t == "Northwind Payroll, Inc.").unwrap();
    click(ui, "tab-matrix");

    fill(ui, "cuec-text", "User entities request the removal of leavers' access.");
    fill(ui, "cuec-criteria", "CC6.2, XX9");
    click(ui, "add-cuec");
    let error = ui.wait_text("[data-testid=complementary-error]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(error.contains("XX9 is not a Trust Services Criterion"), "{error}");
    fill(ui, "cuec-criteria", "CC6.2");
    click(ui, "add-cuec");
    ui.wait_text("[data-testid=cuec-list]", WAIT, |t| t.contains("CUEC-1 User entities request the removal of leavers' access.")).unwrap();

    fill(ui, "subservice-name", "Hetzner Online GmbH");
    fill(ui, "subservice-services", "hosting of the production servers");
    choose(ui, "subservice-method", "carved_out");
    fill(ui, "subservice-criteria", "CC6.4");
    click(ui, "add-subservice");
    let error = ui.wait_text("[data-testid=complementary-error]", WAIT, |t| t.contains("complementary controls")).unwrap();
    assert!(error.contains("carved-out"), "{error}");
    fill(ui, "subservice-controls", "Physical access to the data centre is restricted.");
    click(ui, "add-subservice");
    ui.wait_text("[data-testid=subservice-list]", WAIT, |t| t.contains("Hetzner Online GmbH (carved out)")).unwrap();

    click(ui, "tab-deliverables");
    let report = dir.path().join("draft.pdf");
    fill(ui, "report-path", report.to_str().unwrap());
    click(ui, "report-write");
    ui.wait_for("[data-testid=report-written]", WAIT).unwrap();
    let text = Command::new("pdftotext").arg("-raw").arg(&report).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    for printed in [
        "CUEC-1 User entities request the removal of leavers' access. CC6.2",
        "excludes the controls of Hetzner Online GmbH",
        "Physical access to the data centre is restricted.",
        "This criterion also relies on the complementary user entity controls CUEC-1.",
    ] {
        assert!(text.contains(printed), "the draft prints {printed:?}: {text}");
    }
}
