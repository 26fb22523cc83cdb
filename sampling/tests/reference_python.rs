//! Runs the independent Python re-performance of the golden vectors, so `cargo test` proves
//! that SAMPLING.md is precise enough to re-implement.

use std::path::Path;
use std::process::Command;

#[test]
fn the_python_reference_reperforms_every_golden_vector() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let output = Command::new("python3")
        .arg("tests/sampling_reference/reperform.py")
        .current_dir(root)
        .output()
        .expect("python3 runs the reference re-performance");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        last.ends_with(" passed, 0 failed") && !last.starts_with("0 "),
        "{last}"
    );
}
