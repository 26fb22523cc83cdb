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

/// Asks where to save something the auditor exports; `extension` is the file type offered.
#[tauri::command]
pub async fn choose_save_path(title: String, file_name: String, extension: String) -> Option<String> {
    rfd::AsyncFileDialog::new()
        .set_title(&title)
        .add_filter(extension.to_uppercase(), &[extension.as_str()])
        .set_file_name(&file_name)
        .save_file()
        .await
        .map(|f| f.path().display().to_string())
}
