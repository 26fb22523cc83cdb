use serde::Serialize;

/// What a failed command gives the UI: a stable code to branch on and a message for people.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct CommandError {
    pub code: String,
    pub message: String,
    /// What a refusal lists as missing, one line each, for the window to show as a list.
    pub details: Vec<String>,
}

impl CommandError {
    pub fn no_file() -> Self {
        CommandError { code: "no_file".into(), message: "No engagement file is open.".into(), details: Vec::new() }
    }

    pub fn internal(message: &str) -> Self {
        CommandError { code: "internal".into(), message: message.into(), details: Vec::new() }
    }
}

impl From<engagement::Error> for CommandError {
    fn from(e: engagement::Error) -> Self {
        let details = e.missing().to_vec();
        let message = if details.is_empty() { e.to_string() } else { format!("{}:", capitalised(&e.headline())) };
        CommandError { code: e.code().into(), message, details }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
