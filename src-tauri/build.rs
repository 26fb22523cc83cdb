fn main() {
    // Declaring the app's own commands makes each one a permission that a capability must grant.
    // commands.json is the one list; a test checks the capability grants exactly these.
    println!("cargo:rerun-if-changed=commands.json");
    let list = std::fs::read_to_string("commands.json").expect("commands.json");
    let names: Vec<String> = serde_json::from_str(&list).expect("commands.json is a list of names");
    let commands: &'static [&'static str] = Vec::leak(names.into_iter().map(|n| &*String::leak(n)).collect());
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(commands)))
        .expect("tauri build script");
}
