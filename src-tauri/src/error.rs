use serde::Serialize;

/// What a failed command gives the UI: a stable code to branch on and a message for people.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct CommandError {
    pub code: String,
    pub message: String,
}

impl CommandError {
    pub fn no_file() -> Self {
        CommandError { code: "no_file".into(), message: "No engagement file is open.".into() }
    }

    pub fn internal(message: &str) -> Self {
        CommandError { code: "internal".into(), message: message.into() }
    }
}

impl From<engagement::Error> for CommandError {
    fn from(e: engagement::Error) -> Self {
        CommandError { code: e.code().into(), message: e.to_string() }
    }
}
