//! Steps that several end-to-end scenarios take, done the way an auditor does them.

use std::path::Path;
use std::time::Duration;

use crate::webdriver::Session;

pub const WAIT: Duration = Duration::from_secs(30);

/// Fills and sends the start screen's create form, then waits for the overview.
pub fn create_engagement(ui: &Session, file: &Path, client: &str, passphrase: &str) {
    ui.wait_for("[data-testid=new-client]", WAIT).unwrap();
    for (field, value) in [
        ("client", client),
        ("system", "Route planning platform"),
        ("periodStart", "2025-10-01"),
        ("periodEnd", "2026-09-30"),
        ("name", "Dana Whitfield"),
        ("initials", "dw"),
        ("path", file.to_str().unwrap()),
        ("passphrase", passphrase),
        ("confirm", passphrase),
    ] {
        fill(ui, &format!("new-{field}"), value);
    }
    ui.click(&ui.find("[data-testid=new-category-availability]").unwrap()).unwrap();
    ui.click(&ui.find("[data-testid=new-submit]").unwrap()).unwrap();
    ui.wait_text("[data-testid=overview-client]", WAIT, |t| t == client).unwrap();
}

/// Types `value` into a field, replacing what it held. WebKitWebDriver now and then answers
/// "unknown error" to typing into a field React has just re-rendered; a fresh look-up succeeds.
pub fn fill(ui: &Session, testid: &str, value: &str) {
    let css = format!("[data-testid=\"{testid}\"]");
    let mut last = String::new();
    for _ in 0..3 {
        let input = ui.wait_for(&css, WAIT).unwrap();
        match ui.clear(&input).and_then(|()| ui.type_text(&input, value)) {
            Ok(()) => return,
            Err(e) => last = e,
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    panic!("could not type into {testid}: {last}");
}

pub fn click(ui: &Session, testid: &str) {
    ui.click(&ui.wait_for(&format!("[data-testid=\"{testid}\"]"), WAIT).unwrap()).unwrap();
}

/// Picks an option of a select by its value.
pub fn choose(ui: &Session, testid: &str, value: &str) {
    ui.wait_for(&format!("[data-testid=\"{testid}\"]"), WAIT).unwrap();
    ui.click(&ui.find(&format!("[data-testid=\"{testid}\"] option[value=\"{value}\"]")).unwrap()).unwrap();
}
