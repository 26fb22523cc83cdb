//! A control's fieldwork from start to finish in the real app, as an auditor does it: add the
//! control with two attributes, import its population, size and draw the sample, record the
//! results with one deviation, write up the exception and management's response, conclude,
//! sign as preparer and as reviewer; write the draft report, complete the documentation and
//! write the archive package; then the trail, `tickmark verify` and `tickmark verify-archive`
//! agree with what was done. Screenshots of each main screen go to target/e2e/.

use std::process::Command;

use engagement::EngagementFile;
use tickmark_tests::app::{screenshot_dir, tickmark, workspace, Harness};
use tickmark_tests::flows::{choose, click, create_engagement, fill, WAIT};
use tickmark_tests::webdriver::keys;

const CLIENT: &str = "Northwind Payroll, Inc.";
const PASSPHRASE: &str = "fieldwork passphrase";

#[test]
fn a_control_is_tested_concluded_and_signed_in_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fieldwork.tickmark");
    let app = Harness::launch();
    let ui = app.ui();
    let shot = |name: &str| ui.screenshot(&screenshot_dir().join(format!("{name}.png"))).unwrap();

    create_engagement(ui, &file, CLIENT, PASSPHRASE);
    fill(ui, "member-name", "Joaquín Ibáñez");
    fill(ui, "member-initials", "JI");
    click(ui, "add-member");
    ui.wait_text("[data-testid=team]", WAIT, |t| t.contains("Joaquín Ibáñez (JI")).unwrap();
    fill(ui, "member-name", "Priya Raghunathan");
    fill(ui, "member-initials", "PR");
    choose(ui, "member-role", "partner");
    click(ui, "add-member");
    ui.wait_text("[data-testid=team]", WAIT, |t| t.contains("Priya Raghunathan (PR")).unwrap();

    // The control matrix: one control, two attributes.
    click(ui, "tab-matrix");
    click(ui, "add-control");
    fill(ui, "control-reference", "CC8.1-01");
    fill(ui, "control-criteria", "CC8.1");
    fill(ui, "control-description", "Changes to production are approved by someone other than the developer before deployment.");
    choose(ui, "control-frequency", "weekly");
    fill(ui, "control-owner", "Head of Engineering");
    fill(ui, "attribute-question-0", "Approved before deployment?");
    click(ui, "add-attribute");
    fill(ui, "attribute-question-1", "Approver is not the developer?");
    shot("control-matrix-editor");
    click(ui, "save-control");
    ui.wait_for("[data-testid=\"open-CC8.1-01\"]", WAIT).unwrap();

    // The overview lists what the new control still needs, and opens its workpaper from there.
    click(ui, "tab-overview");
    let open = ui.wait_text("[data-testid=open-items]", WAIT, |t| t.contains("CC8.1-01")).unwrap();
    assert!(
        open.contains("CC8.1-01: no walkthrough or interview recorded; no population imported; no conclusion recorded; not yet signed by its preparer"),
        "open items: {open}"
    );
    click(ui, "open-item-0");
    ui.wait_text("[data-testid=workpaper-index]", WAIT, |t| t == "CC8.1-01").unwrap();

    // The walkthrough: the form checks each field as it is typed, in the auditor's words.
    ui.click(&ui.find("[data-testid=walkthroughs] summary").unwrap()).unwrap();
    fill(ui, "walkthrough-date", "2026-02-30");
    let error = ui.wait_text("[data-testid=walkthroughs] .field-error", WAIT, |t| !t.is_empty()).unwrap();
    assert_eq!(error, "2026-02-30 is not a date on the calendar.");
    fill(ui, "walkthrough-date", "2026-02-25");
    click(ui, "add-walkthrough");
    let errors: Vec<String> = ui.find_all("[data-testid=walkthroughs] .field-error").unwrap().iter().map(|e| ui.text(e).unwrap()).collect();
    assert_eq!(errors, ["Name who took part, separated by commas.", "Describe what was walked through or said, and what you saw."], "saving shows what is missing");
    fill(ui, "walkthrough-attendees", "Hyun-woo Seo, Adaeze Nwosu");
    fill(ui, "walkthrough-narrative", "Followed change CHG0041575 from ticket to deployment; approval preceded deployment.");
    click(ui, "add-walkthrough");
    ui.wait_text("[data-testid=walkthroughs] .entry", WAIT, |t| t.contains("Walkthrough on 2026-02-25")).unwrap();

    // The population, with the mapping chosen from a preview.
    let listing = workspace().join("fixtures/demo/populations/change_tickets.csv");
    fill(ui, "population-path", listing.to_str().unwrap());
    click(ui, "population-preview");
    ui.wait_for("[data-testid=population-preview-table]", WAIT).unwrap();
    choose(ui, "map-key", "change_id");
    choose(ui, "map-date", "deployed_on");
    fill(ui, "population-description", "ServiceNow change report run by J. Ortiz on 2026-10-05");
    // Leaving with text not yet saved asks first, and keeping it loses nothing.
    click(ui, "tab-overview");
    let ask = ui.wait_text("[data-testid=confirm-leave]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(ask.contains("a population import"), "the question says what would be lost: {ask}");
    shot("confirm-leave");
    click(ui, "keep-editing");
    assert!(ui.find("[data-testid=confirm-leave]").is_err(), "the question is gone");
    let kept = ui.property(&ui.find("[data-testid=population-description]").unwrap(), "value").unwrap();
    assert_eq!(kept.as_str(), Some("ServiceNow change report run by J. Ortiz on 2026-10-05"));
    click(ui, "population-import");
    ui.wait_text("[data-testid=population-rows]", WAIT, |t| t == "1,465").unwrap();
    let findings = ui.text(&ui.find("[data-testid=population-findings]").unwrap()).unwrap();
    assert!(findings.contains("no blank or duplicate keys"), "{findings}");

    // The sample, sized by the firm's table for a weekly control and shown before it is drawn,
    // from a derived seed.
    click(ui, "plan-sample");
    let plan = ui.wait_text("[data-testid=sample-plan]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(plan.contains("5 of 1,465 items") && plan.contains("weekly control"), "the size and its reasoning before the draw: {plan}");
    click(ui, "draw-sample");
    ui.wait_text("[data-testid=sample-size]", WAIT, |t| t.starts_with("5 of 1,465")).unwrap();
    let seed = ui.text(&ui.find("[data-testid=sample-seed]").unwrap()).unwrap();
    assert_eq!(seed.len(), 64, "the seed is shown whole: {seed}");
    shot("workpaper-sample");

    // The test grid, from the keyboard: P passes, D records a deviation after its note.
    let grid = ui.find("[data-testid=test-grid]").unwrap();
    let mut recorded = 0;
    for col in 0..2 {
        for row in 0..5 {
            ui.click(&ui.find(&format!("[data-testid=cell-{row}-{col}]")).unwrap()).unwrap();
            if (row, col) == (1, 0) {
                ui.type_text(&grid, "d").unwrap();
                let note = ui.wait_for("[data-testid=deviation-note]", WAIT).unwrap();
                ui.type_text(&note, &format!("Deployed a day before approval{}", keys::ENTER)).unwrap();
            } else {
                ui.type_text(&grid, "p").unwrap();
            }
            recorded += 1;
            ui.wait_text("[data-testid=grid-progress]", WAIT, |t| t.starts_with(&format!("{recorded} of 10"))).unwrap();
        }
    }
    assert_eq!(ui.text(&ui.find("[data-testid=cell-1-0]").unwrap()).unwrap(), "X");
    assert_eq!(ui.text(&ui.find("[data-testid=cell-0-1]").unwrap()).unwrap(), "✓");
    // A passing cell gets a note too: Enter opens it, Enter saves it.
    ui.click(&ui.find("[data-testid=cell-0-1]").unwrap()).unwrap();
    ui.type_text(&grid, keys::ENTER).unwrap();
    let note = ui.wait_for("[data-testid=cell-note]", WAIT).unwrap();
    ui.type_text(&note, &format!("Approval seen in the ticket history{}", keys::ENTER)).unwrap();
    ui.wait_for("[data-testid=cell-0-1].noted", WAIT).unwrap();
    shot("workpaper-test-grid");

    // The exception and management's response, then the conclusion.
    fill(ui, "exception-description", "For 1 of 5 changes sampled, the change was deployed the day before it was approved.");
    click(ui, "add-exception");
    fill(ui, "response-text", "An urgent fix was deployed ahead of approval; the pipeline now blocks unapproved deployments.");
    fill(ui, "response-by", "Head of Engineering");
    click(ui, "save-response");
    ui.wait_text("[data-testid=management-response]", WAIT, |t| t.contains("pipeline now blocks")).unwrap();
    choose(ui, "conclusion", "exceptions_noted");
    fill(ui, "conclusion-note", "One deviation; the remaining items were approved before deployment.");
    click(ui, "save-conclusion");
    ui.wait_text("[data-testid=conclusion-recorded]", WAIT, |t| t.starts_with("Recorded: Exceptions noted")).unwrap();

    // From the exception to the opinion: the exception evaluated, CC8.1 concluded met as
    // proposed; the criteria no control addresses are listed before the opinion can be
    // decided, and concluded not met; an unqualified opinion is then refused with the list, and
    // the partner decides the adverse opinion Tickmark proposes.
    click(ui, "tab-opinion");
    let id = 1; // the engagement's first exception
    choose(ui, &format!("evaluation-kind-{id}"), "operating");
    fill(ui, &format!("evaluation-cause-{id}"), "An urgent fix during an outage.");
    choose(ui, &format!("evaluation-effect-{id}-CC8.1"), "no_effect");
    fill(ui, &format!("evaluation-rationale-{id}"), "One isolated item of five; approval followed the next morning.");
    click(ui, &format!("evaluation-save-{id}"));
    ui.wait_text(&format!("[data-testid=evaluation-held-{id}]"), WAIT, |t| t.contains("Operating deviation")).unwrap();
    click(ui, "conclude-proposed-met");
    ui.wait_text("[data-testid=\"criterion-decided-CC8.1\"]", WAIT, |t| t.starts_with("met (DW)")).unwrap();
    let missing = ui.wait_text("[data-testid=opinion-missing]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(missing.contains("CC1.1: no control is mapped to it; map a control to it, or conclude it not met"), "{missing}");
    choose(ui, "user", "PR");
    ui.wait_for("[data-testid=opinion]", WAIT).unwrap();
    click(ui, "decide-opinion");
    let refused = ui.wait_text("[data-testid=opinion-error]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(refused.contains("CC9.2: no control is mapped to it"), "the window lists the unmapped criteria: {refused}");
    choose(ui, "user", "DW");
    fill(ui, "unmapped-reason", "No control in the description addresses it.");
    click(ui, "conclude-unmapped");
    ui.wait_text("[data-testid=opinion-proposal]", WAIT, |t| t.contains("Adverse")).unwrap();
    choose(ui, "user", "PR");
    choose(ui, "opinion-kind", "unqualified");
    fill(ui, "opinion-reason", "The partner would rather not.");
    click(ui, "decide-opinion");
    let refused = ui.wait_text("[data-testid=opinion-error]", WAIT, |t| t.contains("unqualified")).unwrap();
    assert!(refused.contains("eciding an unqualified opinion is refused") && refused.contains("CC1.1 is concluded not met"), "{refused}");
    shot("opinion-refused");
    choose(ui, "opinion-kind", "adverse");
    click(ui, "decide-opinion");
    ui.wait_text("[data-testid=opinion-decision]", WAIT, |t| t.starts_with("Decided: Adverse by PR")).unwrap();
    shot("opinion-decided");
    choose(ui, "user", "DW");
    click(ui, "tab-matrix");
    click(ui, "open-CC8.1-01");
    ui.wait_text("[data-testid=workpaper-index]", WAIT, |t| t == "CC8.1-01").unwrap();

    // Sign-offs: the preparer, then a different person as reviewer; the workpaper locks.
    click(ui, "sign-preparer");
    ui.wait_text("[data-testid=preparer]", WAIT, |t| t.starts_with("DW ")).unwrap();
    choose(ui, "user", "JI");
    ui.wait_for("[data-testid=workpaper]", WAIT).unwrap();
    click(ui, "sign-reviewer");
    ui.wait_text("[data-testid=reviewer]", WAIT, |t| t.starts_with("JI ")).unwrap();
    let locked = ui.wait_text("[data-testid=locked]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(locked.contains("signed by reviewer JI"), "{locked}");
    shot("workpaper-signed");

    click(ui, "tab-overview");
    ui.wait_for("[data-testid=overview-controls]", WAIT).unwrap();
    let open = ui.wait_text("[data-testid=open-items]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(open.starts_with("Nothing is open"), "a tested, concluded, prepared and reviewed control leaves nothing open: {open}");
    shot("overview-progress");
    click(ui, "tab-requests");
    ui.wait_for("[data-testid=requests]", WAIT).unwrap();

    // Evidence: attached from a typed path, opened for viewing through a private copy that is
    // removed when the auditor is done with it.
    let evidence = dir.path().join("change approvals.csv");
    std::fs::copy(workspace().join("fixtures/demo/populations/change_tickets.csv"), &evidence).unwrap();
    fill(ui, "evidence-path", evidence.to_str().unwrap());
    click(ui, "attach-evidence");
    ui.wait_text("[data-testid=evidence]", WAIT, |t| t.contains("change approvals.csv")).unwrap();
    click(ui, "view-evidence-1");
    ui.wait_text("[data-testid=viewing-1]", WAIT, |t| t.contains("temporary copy")).unwrap();
    let copies: Vec<_> = std::fs::read_dir(app.home.join("runtime"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("tickmark-view-"))
        .flat_map(|folder| std::fs::read_dir(folder.path()).unwrap().flatten().map(|f| f.path()))
        .collect();
    assert_eq!(copies.len(), 1, "one viewing copy: {copies:?}");
    assert_eq!(std::fs::read(&copies[0]).unwrap(), std::fs::read(&evidence).unwrap(), "the copy is the evidence as attached");
    shot("requests");
    click(ui, "done-viewing-1");
    let start = std::time::Instant::now();
    while copies[0].exists() && start.elapsed() < WAIT {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(!copies[0].exists(), "the viewing copy is removed when the auditor is done");
    // A request begun and abandoned: leaving asks, and discarding it records nothing.
    fill(ui, "request-title", "Listing of all terminations in the period");
    click(ui, "tab-trail");
    let ask = ui.wait_text("[data-testid=confirm-leave]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(ask.contains("a request"), "{ask}");
    click(ui, "leave-discard");
    let verified = ui.wait_text("[data-testid=trail-verification]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(verified.starts_with("Verified"), "{verified}");
    shot("trail");

    // What leaves the file: the draft report, then completion and the archive package.
    click(ui, "tab-deliverables");
    let report = dir.path().join("draft.pdf");
    fill(ui, "report-path", report.to_str().unwrap());
    click(ui, "report-write");
    ui.wait_for("[data-testid=report-written]", WAIT).unwrap();
    let text = Command::new("pdftotext").arg(&report).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("CC8.1-01") && text.contains("deployed the day before it was approved"), "the report names the control and its exception: {text}");
    click(ui, "complete");
    let confirm = ui.wait_text("[data-testid=confirm-complete]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(confirm.contains("read-only") && confirm.contains("addendum"), "the window says what completion does: {confirm}");
    click(ui, "complete-confirm");
    ui.wait_text("[data-testid=completed]", WAIT, |t| t.contains("read-only")).unwrap();
    let archive = dir.path().join("archive.zip");
    fill(ui, "archive-path", archive.to_str().unwrap());
    click(ui, "archive-write");
    ui.wait_for("[data-testid=archive-written]", WAIT).unwrap();
    shot("report-and-archive");

    // The completed file is read-only in the window too; a late confirmation goes in as an
    // addendum, opened with its reason and ended when done.
    let late = dir.path().join("late confirmation.pdf");
    std::fs::write(&late, "bank confirmation received after completion").unwrap();
    click(ui, "tab-requests");
    fill(ui, "evidence-path", late.to_str().unwrap());
    click(ui, "attach-evidence");
    let locked = ui.wait_text("[data-testid=attach-error]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(locked.contains("record changes as an addendum"), "{locked}");
    click(ui, "addendum-start");
    fill(ui, "addendum-reason", "Bank confirmation received after completion");
    click(ui, "addendum-begin");
    ui.wait_text("[data-testid=addendum-open]", WAIT, |t| t.contains("Bank confirmation received after completion")).unwrap();
    fill(ui, "evidence-path", late.to_str().unwrap());
    click(ui, "attach-evidence");
    ui.wait_text("[data-testid=evidence]", WAIT, |t| t.contains("late confirmation.pdf")).unwrap();
    shot("addendum");
    click(ui, "addendum-end");
    ui.wait_for("[data-testid=addendum-start]", WAIT).unwrap();
    fill(ui, "evidence-path", late.to_str().unwrap());
    click(ui, "attach-evidence");
    let locked = ui.wait_text("[data-testid=attach-error]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(locked.contains("record changes as an addendum"), "the ended addendum takes no more changes: {locked}");
    click(ui, "close-engagement");
    ui.wait_text("[data-testid=confirm-leave]", WAIT, |t| !t.is_empty()).unwrap();
    click(ui, "leave-discard");
    ui.wait_for("[data-testid=open-path]", WAIT).unwrap();

    // What the window did is what the file and its trail say, and an independent check agrees.
    let out = tickmark(&["verify".as_ref(), file.as_os_str()], PASSPHRASE);
    assert!(out.status.success(), "tickmark verify: {}", String::from_utf8_lossy(&out.stdout));
    let out = tickmark(&["verify-archive".as_ref(), archive.as_os_str()], PASSPHRASE);
    assert!(out.status.success(), "tickmark verify-archive: {}", String::from_utf8_lossy(&out.stdout));
    let opened = EngagementFile::open(&file, PASSPHRASE).unwrap();
    let actions: Vec<String> = opened.trail(None).unwrap().iter().map(|e| format!("{} {}", e.action, e.entity)).collect();
    for expected in ["add control", "add walkthrough", "import population", "draw sample", "record test_result", "add exception", "respond exception", "conclude control"] {
        assert!(actions.iter().any(|a| a == expected), "the trail records {expected}: {actions:?}");
    }
    assert_eq!(actions.iter().filter(|a| *a == "record test_result").count(), 10);
    let addendum = actions.iter().position(|a| a == "addendum: Bank confirmation received after completion engagement").expect("the addendum is in the trail");
    assert_eq!(actions[addendum + 1..], ["attach evidence"], "the late file, after its reason, is the last change: {actions:?}");
    assert!(!actions.iter().any(|a| a == "add request"), "the discarded request was not stored: {actions:?}");
    assert_eq!(actions.iter().filter(|a| *a == "edit test_result").count(), 1, "the note added later is an edit, with its before state");
    let control = opened.control_by_reference("CC8.1-01").unwrap();
    let noted: Vec<_> = opened.workpaper(control.id).unwrap().results.into_iter().filter(|r| r.note.is_some()).map(|r| (r.outcome, r.note.unwrap())).collect();
    assert!(noted.contains(&(engagement::testing::Outcome::Pass, "Approval seen in the ticket history".into())), "{noted:?}");
    let signers: Vec<String> = opened.trail(Some("signoff")).unwrap().iter().map(|e| e.actor.clone()).collect();
    assert_eq!(signers, ["DW", "JI"]);
    let workpaper = opened.workpaper(opened.control_by_reference("CC8.1-01").unwrap().id).unwrap();
    assert_eq!(workpaper.sample.as_ref().unwrap().deviations, 1);
    assert_eq!(workpaper.exceptions[0].response_by.as_deref(), Some("Head of Engineering"));
}

#[test]
fn hostile_cells_in_a_population_are_shown_as_text_and_run_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hostile.tickmark");
    let app = Harness::launch();
    let ui = app.ui();
    create_engagement(ui, &file, "Hostile Input Test Co.", PASSPHRASE);
    click(ui, "tab-matrix");
    click(ui, "add-control");
    fill(ui, "control-reference", "CC6.1-01");
    fill(ui, "control-criteria", "CC6.1");
    fill(ui, "control-description", "Access requests are approved.");
    fill(ui, "attribute-question-0", "Approved?");
    click(ui, "save-control");
    click(ui, "open-CC6.1-01");

    let listing = workspace().join("fixtures/bad/hostile_cells.csv");
    let raw = std::fs::read_to_string(&listing).unwrap();
    assert!(raw.contains("<img src=x onerror=alert(1)>"), "the fixture holds the hostile cell");
    fill(ui, "population-path", listing.to_str().unwrap());
    click(ui, "population-preview");
    let preview = ui.wait_for("[data-testid=population-preview-table]", WAIT).unwrap();
    let text = ui.text(&preview).unwrap();
    assert!(text.contains("<img src=x onerror=alert(1)>"), "the cell is shown as its characters: {text}");
    assert!(ui.find_all("img").unwrap().is_empty(), "no image element was created from the data");
    assert!(ui.find_all("table script").unwrap().is_empty(), "no script element was created from the data");
    choose(ui, "map-key", "id");
    click(ui, "population-import");
    ui.wait_text("[data-testid=population-rows]", WAIT, |t| !t.is_empty()).unwrap();
    click(ui, "plan-sample");
    click(ui, "draw-sample");
    ui.wait_for("[data-testid=test-grid]", WAIT).unwrap();
    assert_eq!(ui.alert_text(), None, "no alert was raised");
    ui.screenshot(&screenshot_dir().join("hostile-cells.png")).unwrap();
    assert!(ui.find_all("img").unwrap().is_empty());
}
