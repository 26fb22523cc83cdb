//! Starts the real Tickmark app for a test: on a virtual display when there is no display,
//! behind tauri-driver, with its own home folders so nothing leaks between tests or onto the
//! developer's machine.

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::webdriver::Session;

/// One test's apps at a time per test process: two windows starting together on two cores made
/// WebKitWebDriver drop requests. A test wanting a second window opens it beside its first,
/// once that one is up (`beside`).
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

pub struct Harness {
    /// The process's turn; None for a window opened beside another, whose turn it shares.
    _turn: Option<MutexGuard<'static, ()>>,
    children: Vec<Child>,
    pub home: PathBuf,
    server: String,
    display: String,
    pub session: Option<Session>,
}

/// The workspace root, where `target/` and `fixtures/` are.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_owned()
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace().join("target"))
}

/// A binary of the workspace, built beforehand by `cargo build --workspace --bins`.
pub fn binary(name: &str) -> PathBuf {
    let path = target_dir().join("debug").join(name);
    assert!(path.exists(), "{} is missing: run `cargo build --workspace --bins` first (scripts/test does)", path.display());
    path
}

/// Runs the `tickmark` command-line tool with the passphrase in TICKMARK_PASSPHRASE.
pub fn tickmark<S: AsRef<std::ffi::OsStr>>(args: &[S], passphrase: &str) -> std::process::Output {
    Command::new(binary("tickmark")).args(args).env("TICKMARK_PASSPHRASE", passphrase).output().expect("tickmark runs")
}

/// Where screenshots go for people to look at after a run.
pub fn screenshot_dir() -> PathBuf {
    target_dir().join("e2e")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free local port")
}

fn wait_listening(port: u16, timeout: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

fn tauri_driver() -> PathBuf {
    let in_cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .map(|h| h.join("bin/tauri-driver"));
    match in_cargo_home {
        Some(p) if p.exists() => p,
        _ => PathBuf::from("tauri-driver"),
    }
}

impl Harness {
    /// Launches the app and opens a WebDriver session on its window.
    pub fn launch() -> Harness {
        let mut harness = Harness::prepare(&[]);
        harness.open(&binary("tickmark-app"), &[]);
        harness
    }

    /// The display and tauri-driver, with no window yet, so that a benchmark can time `open`
    /// alone. WebKitWebDriver starts the app with tauri-driver's environment: `env` reaches it.
    pub fn prepare(env: &[(&str, &str)]) -> Harness {
        let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Harness::start(Some(turn), env)
    }

    /// A second display and tauri-driver, for a window open at the same time as `first`'s
    /// (two auditors' laptops in one test), in `first`'s turn. Open it once `first`'s window is
    /// up, and let it go before `first`.
    pub fn beside(first: &Harness, env: &[(&str, &str)]) -> Harness {
        assert!(first._turn.is_some() && first.session.is_some(), "a window opens beside one that is up and holds the turn");
        Harness::start(None, env)
    }

    fn start(turn: Option<MutexGuard<'static, ()>>, env: &[(&str, &str)]) -> Harness {
        let home = tempfile_dir();
        let mut children = Vec::new();
        let display = match std::env::var("DISPLAY") {
            Ok(d) if !d.is_empty() => d,
            _ => {
                let (child, display) = start_xvfb();
                children.push(child);
                display
            }
        };
        let port = free_port();
        let native_port = free_port();
        std::fs::create_dir_all(home.join("runtime")).expect("a runtime folder");
        let driver = Command::new(tauri_driver())
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("DISPLAY", &display)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_RUNTIME_DIR", home.join("runtime"))
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, so that WebKitWebDriver and the app go when it goes.
            .process_group(0)
            .spawn()
            .expect("tauri-driver runs (scripts/setup installs it)");
        children.push(driver);
        let harness = Harness { _turn: turn, children, home, server: format!("http://127.0.0.1:{port}"), display, session: None };
        assert!(wait_listening(port, Duration::from_secs(30)), "tauri-driver did not start listening");
        assert!(wait_listening(native_port, Duration::from_secs(30)), "WebKitWebDriver did not start listening");
        harness
    }

    /// Starts `application` with `args` and opens a WebDriver session on its window.
    pub fn open(&mut self, application: &Path, args: &[&str]) {
        let session = Session::start(&self.server, &application.display().to_string(), args).expect("a WebDriver session on the app");
        self.session = Some(session);
    }

    /// Asks the app's window to close, as its close button would (tests/x11/close_window.py).
    pub fn close_window(&self, title: &str) {
        let out = Command::new("python3")
            .arg(workspace().join("tests/x11/close_window.py"))
            .arg(title)
            .env("DISPLAY", &self.display)
            .output()
            .expect("python3 runs");
        assert!(out.status.success(), "closing the window: {}", String::from_utf8_lossy(&out.stderr));
    }

    pub fn ui(&self) -> &Session {
        self.session.as_ref().expect("session started")
    }

    /// The app and every process it started (WebKit's web and network processes): everything
    /// under tauri-driver but WebKitWebDriver.
    pub fn app_processes(&self) -> Vec<u32> {
        let driver = self.children.last().expect("tauri-driver runs").id();
        let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .filter_map(|e| {
                let pid = e.ok()?.file_name().to_str()?.parse::<u32>().ok()?;
                let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
                // The command name in parentheses may hold spaces; the parent follows the state.
                let ppid = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()?;
                Some((pid, ppid))
            })
            .collect();
        let children = |of: u32| parents.iter().filter(move |(_, p)| *p == of).map(|(c, _)| *c);
        let mut found: Vec<u32> = children(driver).flat_map(children).collect();
        let mut i = 0;
        while i < found.len() {
            found.extend(children(found[i]));
            i += 1;
        }
        found
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(s) = self.session.take() {
            if std::thread::panicking() {
                let name = std::thread::current().name().unwrap_or("test").replace("::", "-");
                let _ = s.screenshot(&screenshot_dir().join(format!("FAILED-{name}.png")));
            }
            s.quit();
        }
        for child in self.children.iter_mut().rev() {
            // TERM lets Xvfb remove its lock and socket; the group kill takes tauri-driver's
            // WebKitWebDriver and the app along with it.
            let _ = Command::new("kill").args(["-TERM", "--", &format!("-{}", child.id())]).status();
            std::thread::sleep(Duration::from_millis(100));
            let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tickmark-e2e-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).expect("a temp folder");
    dir
}

/// A display is taken while the process named in its lock file lives; Xvfb itself replaces a
/// lock left by one that was killed.
fn display_in_use(n: u32) -> bool {
    std::fs::read_to_string(format!("/tmp/.X{n}-lock"))
        .ok()
        .and_then(|pid| pid.trim().parse::<u32>().ok())
        .is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists())
}

/// Starts Xvfb at 1366x768, the laptop screen the app is designed for, on a free display.
fn start_xvfb() -> (Child, String) {
    for n in 90..140u32 {
        if display_in_use(n) {
            continue;
        }
        let display = format!(":{n}");
        let mut child = Command::new("Xvfb")
            .args([&display, "-screen", "0", "1366x768x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("Xvfb runs (scripts/setup installs it)");
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            let ours = std::fs::read_to_string(format!("/tmp/.X{n}-lock")).is_ok_and(|pid| pid.trim() == child.id().to_string());
            if ours && Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                return (child, display);
            }
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("no free X display for Xvfb");
}
