//! A control's fieldwork done headless with `tickmark`, as a firm scripts it and a reviewer
//! re-runs it: the sample, the grid exported to Excel, filled in by a library outside the project
//! (openpyxl) and brought back, the exception and management's response, the conclusion,
//! sign-offs, a review note, requests and completion. Every refusal exits 1 and lists what is
//! missing, as the window does; a malformed sheet is refused with its row and column, and
//! nothing of it is stored.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use engagement::testing::Outcome;
use engagement::EngagementFile;
use tickmark_tests::app::{binary, workspace};
use tickmark_tests::engagements;

const PASSPHRASE: &str = "scripted fieldwork passphrase";

fn run(args: &[&str], user: &str) -> Output {
    Command::new(binary("tickmark")).args(args).env("TICKMARK_PASSPHRASE", PASSPHRASE).env("TICKMARK_USER", user).output().expect("tickmark runs")
}

fn ok(args: &[&str], user: &str) -> String {
    let out = run(args, user);
    assert!(out.status.success(), "tickmark {args:?}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A refusal: exit 1 and the list on standard error.
fn refused(args: &[&str], user: &str) -> String {
    let out = run(args, user);
    assert_eq!(out.status.code(), Some(1), "tickmark {args:?} should be refused: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The one-control engagement, made with `tickmark new`.
fn engagement(dir: &Path) -> PathBuf {
    let file = dir.join("scripted.tickmark");
    ok(&["new", file.to_str().unwrap(), "--spec", engagements::one_control(dir).to_str().unwrap()], "DW");
    file
}

/// Exports the workbook and has openpyxl fill control CC8.1-01's sheet in `mode`.
fn filled(dir: &Path, file: &Path, mode: &str) -> (PathBuf, serde_json::Value) {
    let exported = dir.join(format!("export-{mode}.xlsx"));
    ok(&["export", file.to_str().unwrap(), "--xlsx", exported.to_str().unwrap()], "DW");
    let target = dir.join(format!("filled-{mode}.xlsx"));
    let out = Command::new("python3")
        .arg(workspace().join("tests/xlsx/fill_results.py"))
        .args([exported.to_str().unwrap(), target.to_str().unwrap(), "CC8.1-01", mode])
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "fill_results.py: {}", String::from_utf8_lossy(&out.stderr));
    (target, serde_json::from_slice(&out.stdout).unwrap())
}

fn trail_len(file: &Path) -> usize {
    let opened = EngagementFile::open(file, PASSPHRASE).unwrap();
    let n = opened.trail(None).unwrap().len();
    opened.close().unwrap();
    n
}

#[test]
fn a_control_is_tested_in_excel_concluded_and_signed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = engagement(dir.path());
    let f = file.to_str().unwrap();

    let plan = ok(&["sample", f, "--control", "CC8.1-01", "--plan"], "DW");
    assert!(plan.contains("5 of 1465 items") && plan.contains("nothing was drawn"), "{plan}");
    let drawn = ok(&["sample", f, "--control", "CC8.1-01"], "DW");
    assert!(drawn.contains("drew sample"), "{drawn}");
    let again = refused(&["sample", f, "--control", "CC8.1-01"], "DW");
    assert!(again.contains("is the control's live sample: void it first, with a reason"), "{again}");

    let before_signing = refused(&["sign", f, "--control", "CC8.1-01", "--role", "preparer"], "DW");
    assert!(before_signing.contains("signing CC8.1-01 as preparer is refused until 2 things are done"), "{before_signing}");
    assert!(before_signing.contains("  - 10 of 10 results of sample") && before_signing.contains("  - no conclusion is recorded"), "{before_signing}");

    // Malformed sheets are refused with their row and column, and store nothing.
    let trail = trail_len(&file);
    for (mode, row, column) in [("unknown_item", "row 16", "column \"Key\""), ("bad_outcome", "row 17", "column \"A: Approved before deployment?\""), ("unknown_attr", "row 3", "column \"attribute\"")] {
        let (sheet, _) = filled(dir.path(), &file, mode);
        let out = run(&["results", f, "--control", "CC8.1-01", "--from", sheet.to_str().unwrap()], "DW");
        let message = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{mode}: {message}");
        assert!(message.contains(&format!("filled-{mode}.xlsx, {row}, {column}")), "{mode}: the error names the file, row and column: {message}");
        assert_eq!(trail_len(&file), trail, "{mode}: nothing was stored");
    }

    // The sheet filled in Excel comes back exactly.
    let (sheet, written) = filled(dir.path(), &file, "fill");
    let imported = ok(&["results", f, "--control", "CC8.1-01", "--from", sheet.to_str().unwrap()], "DW");
    assert!(imported.contains("10 new, 0 changed, 0 unchanged") && imported.contains("10 of 10 results recorded; 1 item(s) deviate"), "{imported}");
    let opened = EngagementFile::open(&file, PASSPHRASE).unwrap();
    let wp = opened.workpaper(opened.control_by_reference("CC8.1-01").unwrap().id).unwrap();
    let labels: std::collections::HashMap<i64, &str> = wp.control.attributes.iter().map(|a| (a.id, a.label.as_str())).collect();
    let mut held = serde_json::Map::new();
    for r in &wp.results {
        let mark = match r.outcome {
            Outcome::Pass => "✓",
            Outcome::Deviation => "X",
            Outcome::NotApplicable => "N/A",
        };
        held.insert(format!("{}:{}", r.position + 1, labels[&r.attribute_id]), serde_json::json!([mark, r.note]));
    }
    assert_eq!(serde_json::Value::Object(held), written, "the grid holds exactly what was written in the sheet");
    opened.close().unwrap();
    let same = ok(&["results", f, "--control", "CC8.1-01", "--from", sheet.to_str().unwrap()], "DW");
    assert!(same.contains("0 new, 0 changed, 10 unchanged"), "{same}");

    // Exception, response, conclusion and sign-offs.
    let exception = ok(&["exception", f, "--control", "CC8.1-01", "--description", "For 1 of 5 changes sampled, approval followed deployment."], "DW");
    assert!(exception.contains("(items 2)"), "the deviating item is taken by default: {exception}");
    let id = exception.split_whitespace().nth(1).unwrap();
    ok(&["response", f, "--exception", id, "--text", "An urgent fix; the pipeline now blocks it.", "--by", "Hyun-woo Seo, CTO", "--on", "2026-10-20"], "DW");
    let wrong = refused(&["conclude", f, "--control", "CC8.1-01", "--conclusion", "no-exceptions"], "DW");
    assert!(wrong.contains("deviate: the conclusion cannot be \"no exceptions noted\""), "{wrong}");
    ok(&["conclude", f, "--control", "CC8.1-01", "--conclusion", "exceptions-noted", "--basis", "One urgent fix; otherwise approved."], "DW");
    // The exception evaluated, every criterion concluded (CC8.1 met; no control addresses the
    // others), and the opinion decided by the partner: completion needs it.
    ok(&["evaluate", f, "--exception", id, "--kind", "operating", "--cause", "An urgent fix", "--effect", "CC8.1=no-effect", "--rationale", "One isolated item of five."], "DW");
    ok(&["criteria", "conclude", f, "CC8.1", "met"], "DW");
    let others: Vec<&str> = engagement::model::criteria_in_scope(&[engagement::model::Category::Security]).map(|c| c.id).filter(|id| *id != "CC8.1").collect();
    let not_decided = refused(&["opinion", "decide", f, "adverse", "--reason", "x"], "PR");
    assert!(not_decided.contains("CC1.1: no control is mapped to it"), "{not_decided}");
    ok(&["criteria", "conclude", f, &others.join(","), "not-met", "--reason", "No control addresses it in this engagement."], "DW");
    let not_partner = run(&["opinion", "decide", f, "adverse"], "JI");
    assert!(String::from_utf8_lossy(&not_partner.stderr).contains("only the engagement partner decides the opinion"));
    ok(&["opinion", "decide", f, "adverse"], "PR");
    ok(&["sign", f, "--control", "CC8.1-01", "--role", "preparer"], "DW");
    let note = ok(&["note", "raise", f, "--control", "CC8.1-01", "--text", "Agree item 2 to the CAB minutes."], "JI");
    let note_id = note.split_whitespace().nth(2).unwrap();
    let open_note = refused(&["sign", f, "--control", "CC8.1-01", "--role", "reviewer"], "JI");
    assert!(open_note.contains(&format!("review note {note_id} raised by JI is open")), "{open_note}");
    ok(&["note", "respond", f, "--note", note_id, "--text", "Agreed: CAB approved it retrospectively."], "DW");
    ok(&["note", "clear", f, "--note", note_id], "JI");
    ok(&["sign", f, "--control", "CC8.1-01", "--role", "reviewer"], "JI");

    // Completion waits for the request; not needed takes a reason.
    let blocked = refused(&["complete", f, "--on", "2026-11-15"], "JI");
    assert!(blocked.contains("request PBC-1 (\"Management representation letter\") is open"), "{blocked}");
    let out = run(&["request", f, "--ref", "PBC-1", "--status", "not-needed"], "JI");
    assert_eq!(out.status.code(), Some(2), "a reason is required");
    ok(&["request", f, "--ref", "PBC-1", "--status", "closed"], "JI");
    let early = run(&["note", "raise", f, "--control", "CC8.1-01", "--text", "x", "--addendum", "Too early"], "JI");
    assert!(String::from_utf8_lossy(&early.stderr).contains("documentation is not completed yet"), "an addendum is for a completed file");
    ok(&["complete", f, "--on", "2026-11-15"], "JI");
    ok(&["verify", f], "JI");

    // The completed file changes only as an addendum, its reason in the trail ahead of the change.
    let memo = ["note", "raise", f, "--control", "CC8.1-01", "--text", "Bank confirmation received on 2026-11-20 agrees to the balance tested."];
    let locked = run(&memo, "JI");
    assert!(!locked.status.success() && String::from_utf8_lossy(&locked.stderr).contains("record changes as an addendum"), "{locked:?}");
    let before = trail_len(&file);
    ok(&[&memo[..], &["--addendum", "Confirmation received after completion"]].concat(), "JI");
    let opened = EngagementFile::open(&file, PASSPHRASE).unwrap();
    let trail = opened.trail(None).unwrap();
    let added: Vec<(&str, &str, &str)> = trail[before..].iter().map(|e| (e.actor.as_str(), e.action.as_str(), e.entity.as_str())).collect();
    assert_eq!(added, [("JI", "addendum: Confirmation received after completion", "engagement"), ("JI", "raise", "review_note")]);
    opened.close().unwrap();
    let moved = run(&["complete", f, "--on", "2026-12-01", "--addendum", "Assembled later than recorded"], "JI");
    assert!(String::from_utf8_lossy(&moved.stderr).contains("documentation was completed on 2026-11-15; that date stands"), "{moved:?}");
    ok(&["verify", f], "JI");

    // Next year's file from this one.
    let next = dir.path().join("next-year.tickmark");
    let n = next.to_str().unwrap();
    let rolled = Command::new(binary("tickmark"))
        .args(["roll-forward", f, "--out", n, "--period-start", "2026-10-01", "--period-end", "2027-09-30"])
        .env("TICKMARK_PASSPHRASE", PASSPHRASE)
        .env("TICKMARK_NEW_PASSPHRASE", "next year's scripted passphrase")
        .env("TICKMARK_USER", "JI")
        .output()
        .unwrap();
    assert!(rolled.status.success(), "{}", String::from_utf8_lossy(&rolled.stderr));
    assert!(String::from_utf8_lossy(&rolled.stdout).contains("1 controls, 1 requests open"), "{}", String::from_utf8_lossy(&rolled.stdout));
    let next_year = EngagementFile::open(&next, "next year's scripted passphrase").unwrap();
    assert!(next_year.verify().unwrap().is_intact());
    let control = next_year.control_by_reference("CC8.1-01").unwrap();
    let carried = next_year.workpaper(control.id).unwrap().carried;
    assert!(carried.iter().any(|n| n.text == "Exception last year: For 1 of 5 changes sampled, approval followed deployment."), "{carried:?}");
}

#[test]
fn a_sample_is_voided_with_a_reason_and_drawn_again() {
    let dir = tempfile::tempdir().unwrap();
    let file = engagement(dir.path());
    let f = file.to_str().unwrap();
    ok(&["sample", f, "--control", "CC8.1-01"], "DW");
    let out = run(&["void-sample", f, "--control", "CC8.1-01", "--reason", " "], "DW");
    assert_eq!(out.status.code(), Some(2), "a reason is required");
    ok(&["void-sample", f, "--control", "CC8.1-01", "--reason", "Listing replaced by the complete report"], "DW");
    let seed = run(&["sample", f, "--control", "CC8.1-01", "--seed", &"ab".repeat(32)], "DW");
    assert!(String::from_utf8_lossy(&seed.stderr).contains("say why this seed was chosen"), "an explicit seed needs a reason");
    ok(&["sample", f, "--control", "CC8.1-01", "--seed", &"ab".repeat(32), "--seed-reason", "Seed agreed with the client's internal audit"], "DW");
    let opened = EngagementFile::open(&file, PASSPHRASE).unwrap();
    let wp = opened.workpaper(opened.control_by_reference("CC8.1-01").unwrap().id).unwrap();
    assert_eq!(wp.voided_samples.len(), 1);
    assert_eq!(wp.sample.unwrap().seed_reason.as_deref(), Some("Seed agreed with the client's internal audit"));
    assert!(opened.verify().unwrap().is_intact());
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let file = engagement(dir.path());
    let script = format!("'{}' verify '{}' | head -1", binary("tickmark").display(), file.display());
    let out = Command::new("bash").args(["-o", "pipefail", "-c", &script]).env("TICKMARK_PASSPHRASE", PASSPHRASE).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn a_monetary_unit_sample_is_sized_audited_evaluated_and_extended_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = engagement(dir.path());
    let f = file.to_str().unwrap();
    let invoices = workspace().join("fixtures/demo/populations/customer_invoices.csv");
    ok(&["import-population", f, "--control", "CC8.1-01", "--source", invoices.to_str().unwrap(), "--key", "invoice_id", "--date", "invoice_date", "--amount", "amount"], "DW");
    let population = "2";
    ok(&["remove-population", f, "--population", "1", "--reason", "The invoices are this control's population"], "DW");
    let refused_size = run(&["sample", f, "--control", "CC8.1-01", "--population", population, "--method", "mus-fixed"], "DW");
    assert!(String::from_utf8_lossy(&refused_size.stderr).contains("sized in hits"), "{}", String::from_utf8_lossy(&refused_size.stderr));
    let drawn = ok(&["sample", f, "--control", "CC8.1-01", "--population", population, "--method", "mus-fixed", "--size", "monetary", "--tolerable-amount", "100000", "--expected-amount", "10000"], "DW");
    assert!(drawn.contains(" hits from 1978 items"), "{drawn}");
    let opened = EngagementFile::open(&file, PASSPHRASE).unwrap();
    let control = opened.control_by_reference("CC8.1-01").unwrap();
    let sample = opened.workpaper(control.id).unwrap().sample.unwrap();
    opened.close().unwrap();
    let mut list = String::from("#,key,attribute,outcome\n");
    for item in &sample.items {
        for attribute in ["A", "B"] {
            list.push_str(&format!("{},{},{attribute},pass\n", item.position + 1, item.key));
        }
    }
    let results = dir.path().join("results.csv");
    std::fs::write(&results, list).unwrap();
    ok(&["results", f, "--control", "CC8.1-01", "--from", results.to_str().unwrap()], "DW");
    for item in &sample.items {
        let amount = format!("{}.{:02}", item.amount_cents.unwrap() / 100, item.amount_cents.unwrap() % 100);
        ok(&["audited", f, "--control", "CC8.1-01", "--item", &(item.position + 1).to_string(), "--amount", &amount], "DW");
    }
    let evaluated = ok(&["audited", f, "--control", "CC8.1-01", "--item", "1", "--amount", &format!("{}.{:02}", sample.items[0].amount_cents.unwrap() / 100, sample.items[0].amount_cents.unwrap() % 100)], "DW");
    assert!(evaluated.contains("upper misstatement limit") && evaluated.contains("does not exceed the tolerable misstatement of 100,000.00"), "{evaluated}");
    let extended = ok(&["extend-sample", f, "--control", "CC8.1-01", "--by", "2", "--reason", "Two more for the year-end cut-off"], "DW");
    assert!(extended.contains(&format!("now {} items", sample.items.len() + 2)), "{extended}");
    ok(&["verify", f], "DW");
}

#[test]
fn complementary_controls_are_added_listed_removed_and_printed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = engagement(dir.path());
    let f = file.to_str().unwrap();
    ok(&["complementary", "add-cuec", f, "--text", "User entities review their payroll registers.", "--criteria", "CC7.2"], "DW");
    ok(&["complementary", "add-cuec", f, "--text", "User entities request leavers' removal.", "--criteria", "CC6.2,CC6.3"], "DW");
    let out = run(&["complementary", "add-subservice", f, "--name", "Hetzner Online GmbH", "--services", "hosting", "--method", "carved-out", "--criteria", "CC6.4"], "DW");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("controls"), "a carved-out organisation needs its complementary controls: {}", String::from_utf8_lossy(&out.stderr));
    ok(&["complementary", "add-subservice", f, "--name", "Hetzner Online GmbH", "--services", "hosting", "--method", "carved-out", "--control", "Physical access is restricted.", "--criteria", "CC6.4"], "DW");
    ok(&["complementary", "remove-cuec", f, "CUEC-1"], "DW");
    let listed = ok(&["complementary", "list", f], "DW");
    assert!(listed.contains("CUEC-1  [CC6.2, CC6.3]  User entities request leavers' removal."), "numbers move up after a removal: {listed}");
    assert!(!listed.contains("payroll registers"));
    assert!(listed.contains("Hetzner Online GmbH (carved out), hosting  [CC6.4]") && listed.contains("   - Physical access is restricted."), "{listed}");
    let report = dir.path().join("draft.docx");
    ok(&["report", f, "--out", report.to_str().unwrap()], "DW");
    let out = Command::new("python3").arg(workspace().join("tests/docx/section4.py")).arg(&report).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("User entities request leavers' removal.") && text.contains("Physical access is restricted."), "{text}");
    assert!(ok(&["verify", f], "DW").contains("trail entries"), "the changes are on the trail");
}
