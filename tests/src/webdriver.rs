//! Just the W3C WebDriver calls the tests make. A client that keeps its connection open matters:
//! through tauri-driver, clients that send `Connection: close` lose sessions.

use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// WebDriver's codes for keys that are not characters.
pub mod keys {
    pub const ENTER: &str = "\u{E007}";
}

pub struct Session {
    agent: ureq::Agent,
    base: String,
}

#[derive(Clone, Debug)]
pub struct Element(String);

impl Session {
    /// Starts the app at `application` with `args` through the WebDriver server at `server`.
    pub fn start(server: &str, application: &str, args: &[&str]) -> Result<Session, String> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "wry",
            "tauri:options": {"application": application, "args": args}
        }}});
        let value = call(&agent, "POST", &format!("{server}/session"), Some(caps))?;
        let id = value["value"]["sessionId"].as_str().ok_or_else(|| format!("no session id in {value}"))?;
        Ok(Session { agent, base: format!("{server}/session/{id}") })
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        call(&self.agent, method, &format!("{}{path}", self.base), body).map(|v| v["value"].clone())
    }

    pub fn find(&self, css: &str) -> Result<Element, String> {
        let v = self.call("POST", "/element", Some(json!({"using": "css selector", "value": css})))?;
        v[ELEMENT_KEY].as_str().map(|id| Element(id.to_owned())).ok_or_else(|| format!("no element {css}: {v}"))
    }

    pub fn find_all(&self, css: &str) -> Result<Vec<Element>, String> {
        let v = self.call("POST", "/elements", Some(json!({"using": "css selector", "value": css})))?;
        Ok(v.as_array().into_iter().flatten().filter_map(|e| e[ELEMENT_KEY].as_str()).map(|id| Element(id.to_owned())).collect())
    }

    /// Waits until an element matching `css` exists and shows text, then returns it.
    pub fn wait_for(&self, css: &str, timeout: Duration) -> Result<Element, String> {
        let start = Instant::now();
        loop {
            if let Ok(e) = self.find(css) {
                if self.displayed(&e).unwrap_or(false) {
                    return Ok(e);
                }
            }
            if start.elapsed() > timeout {
                return Err(format!("{css} did not appear within {timeout:?}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the text of `css` satisfies `pred`, returning it.
    pub fn wait_text(&self, css: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> Result<String, String> {
        let start = Instant::now();
        let mut last = String::new();
        loop {
            if let Ok(e) = self.find(css) {
                last = self.text(&e).unwrap_or_default();
                if pred(&last) {
                    return Ok(last);
                }
            }
            if start.elapsed() > timeout {
                return Err(format!("{css} never had the expected text; last seen: {last:?}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn displayed(&self, e: &Element) -> Result<bool, String> {
        Ok(self.call("GET", &format!("/element/{}/displayed", e.0), None)?.as_bool().unwrap_or(false))
    }

    pub fn click(&self, e: &Element) -> Result<(), String> {
        self.call("POST", &format!("/element/{}/click", e.0), Some(json!({}))).map(drop)
    }

    pub fn clear(&self, e: &Element) -> Result<(), String> {
        self.call("POST", &format!("/element/{}/clear", e.0), Some(json!({}))).map(drop)
    }

    pub fn type_text(&self, e: &Element, text: &str) -> Result<(), String> {
        self.call("POST", &format!("/element/{}/value", e.0), Some(json!({"text": text}))).map(drop)
    }

    pub fn text(&self, e: &Element) -> Result<String, String> {
        Ok(self.call("GET", &format!("/element/{}/text", e.0), None)?.as_str().unwrap_or_default().to_owned())
    }

    pub fn property(&self, e: &Element, name: &str) -> Result<Value, String> {
        self.call("GET", &format!("/element/{}/property/{name}", e.0), None)
    }

    /// Runs `script` in the page as the body of a function whose last argument is a callback:
    /// its result is what the script passes to the callback.
    pub fn execute_async(&self, script: &str, args: Value) -> Result<Value, String> {
        self.call("POST", "/execute/async", Some(json!({"script": script, "args": args})))
    }

    /// The text of an open alert, confirm or prompt dialog, if one is open.
    pub fn alert_text(&self) -> Option<String> {
        self.call("GET", "/alert/text", None).ok().and_then(|v| v.as_str().map(str::to_owned))
    }

    pub fn page_source(&self) -> Result<String, String> {
        Ok(self.call("GET", "/source", None)?.as_str().unwrap_or_default().to_owned())
    }

    pub fn screenshot(&self, path: &std::path::Path) -> Result<(), String> {
        let v = self.call("GET", "/screenshot", None)?;
        let png = base64::engine::general_purpose::STANDARD.decode(v.as_str().unwrap_or_default()).map_err(|e| e.to_string())?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        std::fs::write(path, png).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn quit(self) {
        let _ = call(&self.agent, "DELETE", &self.base, None);
    }
}

fn call(agent: &ureq::Agent, method: &str, url: &str, body: Option<Value>) -> Result<Value, String> {
    let response = match (method, body) {
        ("POST", Some(b)) => agent.post(url).send_json(b),
        ("DELETE", _) => agent.delete(url).call(),
        _ => agent.get(url).call(),
    };
    let mut response = response.map_err(|e| format!("{method} {url}: {e}"))?;
    let status = response.status();
    let value: Value = response.body_mut().read_json().map_err(|e| format!("{method} {url}: {e}"))?;
    if !status.is_success() {
        return Err(format!("{method} {url}: HTTP {status}: {}", value["value"]));
    }
    Ok(value)
}
