//! A signature means the work was done, in the real window at 1366x768: results typed as fast as
//! WebDriver can send keys are all stored, in order, with the focused cell in view; signing an
//! unfinished workpaper shows what is missing; a change after signing shows "changed since
//! signed"; voiding and redrawing leaves one live sample, which is all the report counts; and
//! completion with anything open lists it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use engagement::sample::{SampleMethod, SampleRequest, SizeRequest};
use engagement::EngagementFile;
use serde_json::json;
use tickmark_tests::app::{binary, screenshot_dir, Harness};
use tickmark_tests::engagements;
use tickmark_tests::flows::{choose, click, fill, WAIT};
use tickmark_tests::webdriver::{keys, Session};

const PASSPHRASE: &str = "signing passphrase";

/// The one-control engagement, and with `items` set, its sample of that many drawn.
fn engagement(dir: &Path, items: Option<u64>) -> PathBuf {
    let path = dir.join("signoffs.tickmark");
    let mut file = EngagementFile::create_from_spec(&path, PASSPHRASE, &engagements::one_control(dir)).unwrap();
    if let Some(n) = items {
        let control = file.control_by_reference("CC8.1-01").unwrap().id;
        let population = file.populations(Some(control)).unwrap()[0].id;
        let size = SizeRequest::Fixed { n, reason: "Fifty changes, to test the grid at the firm's upper range".into() };
        file.draw_sample(&SampleRequest { control_id: control, population_id: population, method: SampleMethod::SimpleRandom, size, seed: None, seed_reason: None }).unwrap();
    }
    file.close().unwrap();
    path
}

/// The app on `file`, unlocked at launch, showing the control's workpaper.
fn open_workpaper(file: &Path) -> Harness {
    let mut app = Harness::prepare(&[("TICKMARK_PASSPHRASE", PASSPHRASE)]);
    app.open(&binary("tickmark-app"), &[file.to_str().unwrap()]);
    let ui = app.ui();
    ui.wait_text("[data-testid=overview-client]", WAIT, |t| t == "Northwind Payroll, Inc.").unwrap();
    click(ui, "open-item-0");
    ui.wait_text("[data-testid=workpaper-index]", WAIT, |t| t == "CC8.1-01").unwrap();
    app
}

/// Whether the focused cell lies inside the grid's view, below its header row, and inside the
/// window; and whether the header row is at the top of the grid's view.
const FOCUSED_IN_VIEW: &str = r#"
const done = arguments[0];
requestAnimationFrame(() => requestAnimationFrame(() => {
  const cell = document.querySelector(".test-grid td.focused");
  const box = document.querySelector("[data-testid=grid-scroll]").getBoundingClientRect();
  const head = document.querySelector(".test-grid thead th").getBoundingClientRect();
  const c = cell.getBoundingClientRect();
  done({
    cell: c.top >= head.bottom - 1 && c.bottom <= box.bottom + 1 && c.top >= 0 && c.bottom <= window.innerHeight,
    header: Math.abs(head.top - box.top) <= 1 && head.top >= 0,
    text: cell.dataset.testid,
  });
}));
"#;

fn shot(ui: &Session, name: &str) {
    ui.screenshot(&screenshot_dir().join(format!("{name}.png"))).unwrap();
}

#[test]
fn a_hundred_results_typed_as_fast_as_keys_can_be_sent_are_all_stored_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let file = engagement(dir.path(), Some(50));
    let app = open_workpaper(&file);
    let ui = app.ui();
    let grid = ui.wait_for("[data-testid=test-grid]", WAIT).unwrap();
    ui.click(&ui.find("[data-testid=cell-0-0]").unwrap()).unwrap();

    // Ninety in one burst, then ten one at a time with the focused cell checked after each.
    ui.type_text(&grid, &"p".repeat(90)).unwrap();
    for n in 91..=100 {
        ui.type_text(&grid, "p").unwrap();
        let view = ui.execute_async(FOCUSED_IN_VIEW, json!([])).unwrap();
        assert_eq!(view["cell"], json!(true), "after key {n} the focused cell ({}) is in view", view["text"]);
        assert_eq!(view["header"], json!(true), "after key {n} the header row is in view");
        if n == 100 {
            shot(ui, "grid-after-100-keys");
        }
    }
    ui.wait_text("[data-testid=grid-progress]", Duration::from_secs(120), |t| t.starts_with("100 of 100")).unwrap();
    let start = std::time::Instant::now();
    while ui.find("[data-testid=grid-pending]").is_ok() && start.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(ui.find("[data-testid=grid-failed]").is_err(), "nothing failed to store");
    drop(app);

    let opened = EngagementFile::open(&file, PASSPHRASE).unwrap();
    let control = opened.control_by_reference("CC8.1-01").unwrap();
    let wp = opened.workpaper(control.id).unwrap();
    assert_eq!(wp.results.len(), 100, "a hundred keys, a hundred results");
    assert!(wp.results.iter().all(|r| r.outcome == engagement::testing::Outcome::Pass));
    let recorded: Vec<(i64, String)> = opened
        .trail(Some("test_result"))
        .unwrap()
        .iter()
        .map(|e| {
            let after: serde_json::Value = serde_json::from_str(e.after.as_deref().unwrap()).unwrap();
            let label = control.attributes.iter().find(|a| Some(a.id) == after["attribute_id"].as_i64()).unwrap().label.clone();
            (after["position"].as_i64().unwrap(), label)
        })
        .collect();
    let typed: Vec<(i64, String)> = ["A", "B"].iter().flat_map(|l| (0..50).map(move |p| (p, l.to_string()))).collect();
    assert_eq!(recorded, typed, "stored in the order typed: down attribute A, then down B");
}

#[test]
fn signatures_refuse_unfinished_work_mark_later_changes_and_completion_lists_what_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let file = engagement(dir.path(), None);
    let app = open_workpaper(&file);
    let ui = app.ui();

    // The sample, shown before it is drawn.
    click(ui, "plan-sample");
    ui.wait_text("[data-testid=sample-plan]", WAIT, |t| t.contains("5 of 1,465 items")).unwrap();
    click(ui, "draw-sample");
    let grid = ui.wait_for("[data-testid=test-grid]", WAIT).unwrap();

    // Signing now is refused with the list of what is missing.
    let missing = ui.wait_text("[data-testid=preparer-missing]", WAIT, |t| t.contains("no conclusion")).unwrap();
    assert!(missing.contains("10 of 10 results of sample"), "{missing}");
    click(ui, "sign-preparer");
    let refusal = ui.wait_text("[data-testid=signoff-error]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(refusal.starts_with("Signing CC8.1-01 as preparer is refused until 2 things are done:"), "{refusal}");
    assert!(refusal.contains("no conclusion is recorded") && refusal.contains("results of sample"), "{refusal}");
    ui.execute_async("document.querySelector('[data-testid=signoff-error]').scrollIntoView({block: 'center'}); arguments[0](true);", json!([])).unwrap();
    shot(ui, "signoff-refused");

    // The work done: every cell passes; concluded; signed.
    ui.click(&ui.find("[data-testid=cell-0-0]").unwrap()).unwrap();
    ui.type_text(&grid, &"p".repeat(10)).unwrap();
    ui.wait_text("[data-testid=grid-progress]", WAIT, |t| t.starts_with("10 of 10")).unwrap();
    choose(ui, "conclusion", "no_exceptions");
    click(ui, "save-conclusion");
    ui.wait_text("[data-testid=conclusion-recorded]", WAIT, |t| t.starts_with("Recorded: No exceptions noted")).unwrap();
    click(ui, "sign-preparer");
    ui.wait_text("[data-testid=preparer]", WAIT, |t| t.starts_with("DW ")).unwrap();

    // A change after signing: the sign-off shows it, with who changed what.
    ui.click(&ui.find("[data-testid=cell-2-1]").unwrap()).unwrap();
    ui.type_text(&grid, keys::ENTER).unwrap();
    let note = ui.wait_for("[data-testid=cell-note]", WAIT).unwrap();
    ui.type_text(&note, &format!("Second approver seen in the CAB minutes{}", keys::ENTER)).unwrap();
    let changed = ui.wait_text("[data-testid=changed-since-preparer]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(changed.starts_with("Changed since DW signed as preparer") && changed.contains("DW: edit the result of item 3, attribute B"), "{changed}");
    assert!(ui.text(&ui.find("[data-testid=preparer]").unwrap()).unwrap().contains("changed since signed"));
    shot(ui, "changed-since-signed");

    // Voided with a reason and drawn again at another size: one live sample, the other on record.
    ui.click(&ui.find("[data-testid=void-sample] summary").unwrap()).unwrap();
    fill(ui, "void-reason", "The listing missed the emergency changes; re-drawn from the same report at 8 items");
    click(ui, "void-confirm");
    ui.wait_for("[data-testid=plan-sample]", WAIT).unwrap();
    choose(ui, "size-kind", "fixed");
    fill(ui, "size-n", "8");
    fill(ui, "size-reason", "Eight changes after the re-drawn listing");
    click(ui, "plan-sample");
    ui.wait_text("[data-testid=sample-plan]", WAIT, |t| t.contains("8 of 1,465 items")).unwrap();
    click(ui, "draw-sample");
    ui.wait_text("[data-testid=sample] [data-testid=sample-size]", WAIT, |t| t.starts_with("8 of 1,465")).unwrap();
    assert_eq!(ui.find_all("[data-testid=sample]").unwrap().len(), 1, "one live sample");
    ui.click(&ui.find("[data-testid=voided-samples] summary").unwrap()).unwrap();
    let voided = ui.wait_text("[data-testid=voided-sample]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(voided.contains("voided by DW") && voided.contains("missed the emergency changes"), "{voided}");
    shot(ui, "voided-and-redrawn");

    // Its sixteen results, then the report counts the live sample only.
    let grid = ui.find("[data-testid=test-grid]").unwrap();
    ui.click(&ui.find("[data-testid=cell-0-0]").unwrap()).unwrap();
    ui.type_text(&grid, &"p".repeat(16)).unwrap();
    ui.wait_text("[data-testid=grid-progress]", WAIT, |t| t.starts_with("16 of 16")).unwrap();
    while ui.find("[data-testid=grid-pending]").is_ok() {
        std::thread::sleep(Duration::from_millis(100));
    }
    click(ui, "tab-deliverables");
    let report = dir.path().join("draft.pdf");
    fill(ui, "report-path", report.to_str().unwrap());
    click(ui, "report-write");
    ui.wait_for("[data-testid=report-written]", WAIT).unwrap();
    let text = Command::new("pdftotext").arg(&report).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("sample of 8 of 1,465"), "the live sample: {text}");
    assert!(!text.contains("sample of 5 of 1,465"), "not the voided one: {text}");

    // Completion waits, and says for what.
    let blockers = ui.wait_text("[data-testid=blockers]", WAIT, |t| !t.is_empty()).unwrap();
    for open in ["CC8.1-01: the work changed since DW signed as preparer; it must be signed again", "CC8.1-01: not signed by a reviewer", "request PBC-1 (\"Management representation letter\") is open"] {
        assert!(blockers.contains(open), "completion lists {open:?}: {blockers}");
    }
    assert!(ui.find("[data-testid=complete]").is_err(), "nothing to press while anything is open");
    shot(ui, "completion-blockers");
}

#[test]
fn a_monetary_unit_sample_is_sized_in_hits_audited_and_extended_in_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("invoices.tickmark");
    let mut file = EngagementFile::create_from_spec(&path, PASSPHRASE, &engagements::one_control(dir.path())).unwrap();
    let control = file.control_by_reference("CC8.1-01").unwrap().id;
    let listing = tickmark_tests::app::workspace().join("fixtures/demo/populations/customer_invoices.csv");
    let mapping = engagement::population::ColumnMapping { key: "invoice_id".into(), date: Some("invoice_date".into()), amount: Some("amount".into()), stratum: None };
    let changes = file.populations(Some(control)).unwrap()[0].id;
    file.remove_population(changes, "The invoices are this control's population").unwrap();
    file.import_population(control, &listing, &mapping, "Billing export", &mut engagement::progress::silent).unwrap();
    file.close().unwrap();

    let app = open_workpaper(&path);
    let ui = app.ui();
    choose(ui, "method", "mus_fixed");
    fill(ui, "size-tolerable-amount", "100000");
    fill(ui, "size-expected-amount", "10000");
    click(ui, "plan-sample");
    let plan = ui.wait_text("[data-testid=sample-plan]", WAIT, |t| t.contains("hits from 1,978 items")).unwrap();
    assert!(plan.contains("tolerable misstatement of 100,000.00"), "{plan}");
    click(ui, "draw-sample");
    let summary = ui.wait_text("[data-testid=sample-monetary]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(summary.contains("hits selected") && summary.contains("interval"), "{summary}");

    // An audited amount that differs from the book amount asks for its note.
    let book = ui.wait_for("[data-testid=audited-0]", WAIT).unwrap();
    fill(ui, "audited-0", "1.00");
    ui.wait_for("[data-testid=audited-note-0]", WAIT).unwrap();
    fill(ui, "audited-note-0", "Credited in full after the period");
    ui.type_text(&book, keys::ENTER).unwrap();
    ui.wait_for("[data-testid=test-grid] td.deviation", WAIT).unwrap();
    shot(ui, "monetary-unit-sample");

    ui.click(&ui.find("[data-testid=extend-sample] summary").unwrap()).unwrap();
    fill(ui, "extend-n", "2");
    fill(ui, "extend-reason", "A misstatement found: two more invoices");
    click(ui, "extend-confirm");
    ui.wait_text("[data-testid=sample-monetary]", WAIT, |t| t.contains("2 items added by extension")).unwrap();
    drop(app);
    let opened = EngagementFile::open(&path, PASSPHRASE).unwrap();
    let sample = opened.live_sample(control).unwrap().unwrap();
    assert_eq!(sample.selection.extended_by, 2);
    assert_eq!(opened.audited_amounts(sample.id).unwrap()[0].note.as_deref(), Some("Credited in full after the period"));
}
