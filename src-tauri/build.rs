fn main() {
    // Declaring the app's own commands makes each one a permission that a capability must grant.
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&[
        "choose_new_file",
        "choose_existing_file",
        "create_engagement",
        "open_engagement",
        "close_engagement",
        "overview",
        "startup",
    ])))
    .expect("tauri build script");
}
