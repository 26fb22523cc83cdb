//! The request list as the client sees it: exported as a workbook, filled in with openpyxl as
//! a client would, and read back: the requests hold exactly what the client changed; each
//! malformed reply is refused with its row and column and nothing stored; the files the client
//! sent are attached to the requests that name them.

use std::path::{Path, PathBuf};
use std::process::Command;

use engagement::request::RequestStatus;
use engagement::{EngagementFile, Error};
use tickmark_tests::app::workspace;
use tickmark_tests::engagements::{demo, demo_key};

const PASSPHRASE: &str = "request list passphrase";

/// The exported list, replied to with `edits` (see tests/xlsx/client_reply.py); the drop-down's
/// offered statuses.
fn reply(file: &EngagementFile, dir: &Path, name: &str, edits: serde_json::Value) -> (PathBuf, String) {
    let exported = dir.join(format!("{name}-sent.xlsx"));
    if !exported.exists() {
        std::fs::write(&exported, file.request_list_xlsx().unwrap()).unwrap();
    }
    let edits_path = dir.join(format!("{name}.json"));
    std::fs::write(&edits_path, edits.to_string()).unwrap();
    let replied = dir.join(format!("{name}-reply.xlsx"));
    let out = Command::new("python3").arg(workspace().join("tests/xlsx/client_reply.py")).arg(&exported).arg(&replied).arg(&edits_path).output().unwrap();
    assert!(out.status.success(), "client_reply.py: {}", String::from_utf8_lossy(&out.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (replied, printed["dropdowns"].to_string())
}

fn signed_in_demo(dir: &Path) -> EngagementFile {
    let mut file = demo(&dir.join("demo.tickmark"), PASSPHRASE);
    file.sign_in(&demo_key("DW")).unwrap();
    file
}

#[test]
fn the_clients_reply_changes_exactly_what_the_client_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = signed_in_demo(dir.path());
    let before = file.requests().unwrap();
    let (replied, dropdowns) = reply(
        &file,
        dir.path(),
        "round-trip",
        serde_json::json!([
            {"reference": "PBC-06", "status": "received", "comments": "Screenshots attached.", "files": "branch-protection.png; settings.png"},
            {"reference": "PBC-09", "due": "2026-11-03", "comments": "Needs another week."},
            {"reference": "PBC-14", "status": "not provided", "comments": "The CEO will not sign before the report is final."}
        ]),
    );
    assert!(dropdowns.contains("open,received,closed,not needed,not provided"), "the status is a drop-down of the list's statuses: {dropdowns}");

    let trail = file.trail(None).unwrap().len();
    let changes = file.request_list_changes(&replied).unwrap();
    assert_eq!(file.trail(None).unwrap().len(), trail, "shown before anything is stored");
    let listed: Vec<(String, String, String, String)> = changes.iter().map(|c| (c.number.clone(), c.field.clone(), c.from.clone(), c.to.clone())).collect();
    let s = |x: &str| x.to_owned();
    assert_eq!(
        listed,
        [
            (s("PBC-06"), s("status"), s("open"), s("received")),
            (s("PBC-06"), s("client comments"), s(""), s("Screenshots attached.")),
            (s("PBC-06"), s("file names"), s(""), s("branch-protection.png; settings.png")),
            (s("PBC-09"), s("due"), s("2026-10-20"), s("2026-11-03")),
            (s("PBC-09"), s("client comments"), s(""), s("Needs another week.")),
            (s("PBC-14"), s("status"), s("open"), s("not provided")),
            (s("PBC-14"), s("client comments"), s(""), s("The CEO will not sign before the report is final.")),
        ]
    );
    file.apply_request_list(&replied).unwrap();
    let after = file.requests().unwrap();
    for (old, new) in before.iter().zip(&after) {
        match new.input.number.as_str() {
            "PBC-06" => {
                assert_eq!(new.input.status, RequestStatus::Received);
                assert_eq!(new.client_files.as_deref(), Some("branch-protection.png; settings.png"));
            }
            "PBC-09" => assert_eq!(new.input.due_on, Some("2026-11-03".parse().unwrap())),
            "PBC-14" => {
                assert_eq!(new.input.status, RequestStatus::NotProvided);
                assert_eq!(new.status_reason.as_deref(), Some("The CEO will not sign before the report is final."), "what the client said is the reason");
            }
            _ => assert_eq!(old, new, "{} is as it was", old.input.number),
        }
    }
    assert!(file.request_list_changes(&replied).unwrap().is_empty(), "read again, the reply changes nothing more");
    assert!(file.verify().unwrap().is_intact());

    // The files the client sent: attached to the request that names them; the rest listed.
    let folder = dir.path().join("from-client");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("branch-protection.png"), b"\x89PNG screenshot").unwrap();
    std::fs::write(folder.join("holiday.jpg"), b"not for the auditors").unwrap();
    let report = file.attach_client_files(&folder, "2026-10-25".parse().unwrap()).unwrap();
    let evidence = file.evidence().unwrap();
    let attached = evidence.iter().find(|e| e.name == "branch-protection.png").expect("attached");
    assert_eq!(attached.request_id, Some(after.iter().find(|r| r.input.number == "PBC-06").unwrap().id));
    assert_eq!(report.attached, [format!("PBC-06: branch-protection.png as {}", attached.reference())]);
    assert_eq!(report.missing, ["PBC-06: settings.png"]);
    assert_eq!(report.not_named, ["holiday.jpg"]);
    assert!(evidence.iter().all(|e| e.name != "holiday.jpg"));
    let again = file.attach_client_files(&folder, "2026-10-25".parse().unwrap()).unwrap();
    assert!(again.attached.is_empty(), "a file already attached to its request is not attached twice");
}

#[test]
fn each_malformed_reply_is_refused_with_its_row_and_column_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = signed_in_demo(dir.path());
    let cases = [
        ("unknown", serde_json::json!([{"reference": "PBC-99", "status": "open"}]), 16, "Reference", "\"PBC-99\" is not a request"),
        ("status", serde_json::json!([{"reference": "PBC-03", "status": "done"}]), 4, "Status", "\"done\" is not one of the list's statuses"),
        ("date", serde_json::json!([{"reference": "PBC-05", "due": "next Friday"}]), 6, "Due", "\"next Friday\" is not a date"),
    ];
    let trail = file.trail(None).unwrap().len();
    let requests = file.requests().unwrap();
    for (name, edits, row, column, message) in cases {
        let (replied, _) = reply(&file, dir.path(), name, edits);
        let err = file.apply_request_list(&replied).unwrap_err();
        let Error::Import { row: r, column: c, message: m, .. } = &err else { panic!("{name}: {err}") };
        assert_eq!((*r, c.as_deref()), (Some(row), Some(column)), "{name}: {err}");
        assert!(m.contains(message), "{name}: {m}");
        assert_eq!(file.trail(None).unwrap().len(), trail, "{name}: nothing stored");
        assert_eq!(file.requests().unwrap(), requests, "{name}: every request as it was");
    }
    // A reference twice: a CSV reply, as some clients send.
    let csv = dir.path().join("twice.csv");
    std::fs::write(&csv, "Reference,Status\nPBC-01,received\nPBC-02,closed\nPBC-01,closed\n").unwrap();
    let err = file.apply_request_list(&csv).unwrap_err();
    assert!(err.to_string().contains("twice.csv, row 4, column \"Reference\": PBC-01 appears twice (first on row 2)"), "{err}");
    assert_eq!(file.trail(None).unwrap().len(), trail);
}

/// In the window: the list written for the client, their reply's changes shown and then stored.
#[test]
fn the_window_writes_the_list_and_stores_the_clients_reply_after_showing_it() {
    use tickmark_tests::flows::{click, fill, WAIT};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.tickmark");
    let app = tickmark_tests::engagements::demo_app(&path, PASSPHRASE);
    let ui = app.ui();
    click(ui, "tab-requests");
    let sent = dir.path().join("window-sent.xlsx");
    fill(ui, "request-list-path", sent.to_str().unwrap());
    click(ui, "request-list-write");
    ui.wait_for("[data-testid=request-list-written]", WAIT).unwrap();
    let edits = dir.path().join("window.json");
    std::fs::write(&edits, serde_json::json!([{"reference": "PBC-10", "status": "received", "comments": "Q1 to Q4 reviews attached."}]).to_string()).unwrap();
    let replied = dir.path().join("window-reply.xlsx");
    let out = Command::new("python3").arg(workspace().join("tests/xlsx/client_reply.py")).arg(&sent).arg(&replied).arg(&edits).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    fill(ui, "reply-path", replied.to_str().unwrap());
    click(ui, "reply-preview");
    let shown = ui.wait_text("[data-testid=reply-changes]", WAIT, |t| !t.is_empty()).unwrap();
    assert!(shown.contains("PBC-10: status “open” → “received”") && shown.contains("PBC-10: client comments “” → “Q1 to Q4 reviews attached.”"), "{shown}");
    click(ui, "reply-store");
    ui.wait_text("[data-testid=reply-stored]", WAIT, |t| t == "2 changes stored.").unwrap();
    let status = ui.property(&ui.find("[data-testid=request-status-PBC-10]").unwrap(), "value").unwrap();
    assert_eq!(status.as_str(), Some("received"), "the list shows the stored status");
    drop(app);
    let opened = EngagementFile::open(&path, PASSPHRASE).unwrap();
    let r = opened.request_by_number("PBC-10").unwrap();
    assert_eq!((r.input.status, r.client_comment.as_deref()), (RequestStatus::Received, Some("Q1 to Q4 reviews attached.")));
}
