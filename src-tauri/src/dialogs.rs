//! Native file dialogs. They return paths only; reading and writing stays in `engagement`.

/// Asks where to save a new engagement file.
#[tauri::command]
pub async fn choose_new_file() -> Option<String> {
    rfd::AsyncFileDialog::new()
        .set_title("Create engagement file")
        .add_filter("Tickmark engagement", &["tickmark"])
        .set_file_name("engagement.tickmark")
        .save_file()
        .await
        .map(|f| with_extension(f.path().display().to_string()))
}

/// Asks which engagement file to open.
#[tauri::command]
pub async fn choose_existing_file() -> Option<String> {
    rfd::AsyncFileDialog::new()
        .set_title("Open engagement file")
        .add_filter("Tickmark engagement", &["tickmark"])
        .pick_file()
        .await
        .map(|f| f.path().display().to_string())
}

fn with_extension(path: String) -> String {
    if path.ends_with(".tickmark") {
        path
    } else {
        format!("{path}.tickmark")
    }
}

/// Asks for a client's listing to import as a population.
#[tauri::command]
pub async fn choose_listing() -> Option<String> {
    rfd::AsyncFileDialog::new()
        .set_title("Import population")
        .add_filter("Listings", &["csv", "xlsx", "xlsm"])
        .pick_file()
        .await
        .map(|f| f.path().display().to_string())
}

/// Asks for evidence files to attach.
#[tauri::command]
pub async fn choose_evidence() -> Vec<String> {
    rfd::AsyncFileDialog::new()
        .set_title("Attach evidence")
        .pick_files()
        .await
        .unwrap_or_default()
        .iter()
        .map(|f| f.path().display().to_string())
        .collect()
}
