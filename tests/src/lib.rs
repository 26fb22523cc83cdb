//! Harness for Tickmark's end-to-end tests: a virtual display, tauri-driver in front of
//! WebKitWebDriver, and a small W3C WebDriver client over one kept-alive connection.

pub mod app;
pub mod engagements;
pub mod flows;
pub mod webdriver;
