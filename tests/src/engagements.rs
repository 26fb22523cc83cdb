//! Engagements the tests start from, described as the `tickmark new` JSON takes them.

use std::path::{Path, PathBuf};

use crate::app::workspace;

/// A Type 2 year with one weekly change control (two attributes) over the demo's 1,465 change
/// tickets, Dana Whitfield (DW) preparing, Joaquín Ibáñez (JI) reviewing, Priya Raghunathan (PR)
/// the partner, and the management
/// representation letter requested. Writes the description into `dir` and returns its path.
pub fn one_control(dir: &Path) -> PathBuf {
    let spec = serde_json::json!({
        "client": "Northwind Payroll, Inc.",
        "system": "Payroll platform",
        "examination": {"kind": "type2", "period_start": "2025-10-01", "period_end": "2026-09-30"},
        "categories": ["security"],
        "team": [
            {"name": "Dana Whitfield", "initials": "DW", "role": "senior"},
            {"name": "Joaquín Ibáñez", "initials": "JI", "role": "manager"},
            {"name": "Priya Raghunathan", "initials": "PR", "role": "partner"}
        ],
        "controls": [{
            "reference": "CC8.1-01", "description": "Changes are approved before deployment by someone other than the developer.",
            "criteria": ["CC8.1"], "frequency": "weekly", "nature": "manual", "owner": "Head of Engineering",
            "attributes": [{"label": "A", "question": "Approved before deployment?"}, {"label": "B", "question": "Approver is not the developer?"}]
        }],
        "requests": [{"number": "PBC-1", "title": "Management representation letter", "control": null, "requested_on": "2026-10-01", "due_on": null, "status": "open"}],
        "populations": [{
            "control": "CC8.1-01", "file": workspace().join("fixtures/demo/populations/change_tickets.csv"),
            "description": "ServiceNow change report", "key_column": "change_id", "date_column": "deployed_on", "amount_column": null
        }]
    });
    let path = dir.join("one-control.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&spec).unwrap()).unwrap();
    path
}

/// The passphrase of a demo team member's key (`fixtures/demo/keys/<INITIALS>.tickmark-key`),
/// as the README lists it.
pub fn demo_key_passphrase(initials: &str) -> String {
    format!("demo key of {initials}")
}

/// A demo member's key, unlocked.
pub fn demo_key(initials: &str) -> engagement::keys::PersonalKey {
    let path = workspace().join(format!("fixtures/demo/keys/{initials}.tickmark-key"));
    engagement::keys::PersonalKey::unlock(&path, &demo_key_passphrase(initials)).unwrap()
}

/// The demo engagement (`fixtures/demo/engagement.json`), created at `path` by its partner,
/// Priya Raghunathan, signed with her demo key, and left signed in as her.
pub fn demo(path: &Path, passphrase: &str) -> engagement::EngagementFile {
    engagement::EngagementFile::create_from_spec_signed(path, passphrase, &workspace().join("fixtures/demo/engagement.json"), Some(&demo_key("PR"))).unwrap()
}

/// The app opened on a new demo file at `path`, as `run-demo` opens it: the file's passphrase and
/// the staff member's (TW) key and its passphrase given at launch.
pub fn demo_app(path: &Path, passphrase: &str) -> crate::app::Harness {
    demo(path, passphrase).close().unwrap();
    app_as_staff(path, passphrase)
}

/// The app opened on the demo file at `path` as `run-demo` opens the demo: signed in as its staff
/// member (TW) with his demo key.
pub fn app_as_staff(path: &Path, passphrase: &str) -> crate::app::Harness {
    let key = workspace().join("fixtures/demo/keys/TW.tickmark-key");
    let key_passphrase = demo_key_passphrase("TW");
    let mut app = crate::app::Harness::prepare(&[
        ("TICKMARK_PASSPHRASE", passphrase),
        ("TICKMARK_USER", "TW"),
        ("TICKMARK_KEY", key.to_str().unwrap()),
        ("TICKMARK_KEY_PASSPHRASE", &key_passphrase),
    ]);
    app.open(&crate::app::binary("tickmark-app"), &[path.to_str().unwrap()]);
    app
}
