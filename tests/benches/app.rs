//! Benchmark (on demand: `scripts/bench-app`; `cargo test` never builds it): the desktop app
//! under Xvfb beside a bare Tauri window built in the same run (src-tauri/examples/bare_window.rs),
//! the floor of what any Tauri window costs on this machine, so the figures are ratios to it.
//!
//! Start-up: launches of the bare window, of Tickmark to its start screen, and of Tickmark given
//! the demo file and its passphrase (as scripts/run-demo does) to the overview, taken in turn so
//! that load from elsewhere on the machine falls on all three alike. Each is timed from the
//! WebDriver new-session request, which starts the program, until its element is in the page.
//! The page cache is not dropped (that would slow everything else on the machine down), so the
//! first launch of each is cold as far as this run goes: its files may still be cached from before.
//!
//! Scrolling: the item table of a 100,000-row population, which fetches only the rows in view,
//! against the same virtual table written in plain DOM code with its rows at hand, in the bare
//! window. Timed in the page, from setting scrollTop to the first animation frame whose rows
//! are drawn with their data, so WebDriver's round trips are not counted. A jump to rows not yet
//! fetched needs two frames at least, since their data comes back from the file after the frame
//! that handled the scroll, where the floor has every row at hand.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;
use tickmark_tests::app::{binary, target_dir, workspace, Harness};
use tickmark_tests::flows::{click, WAIT};
use tickmark_tests::webdriver::Session;

const LAUNCHES: usize = 5;
const PASSPHRASE: &str = "benchmark passphrase";
const ROWS: usize = 100_000;
const CONTROL: &str = "CC8.1-02";
/// Steps of one view height (the table is 320 px high) from the top.
const STEPS: usize = 200;
const STEP_PX: usize = 320;
/// Jumps far down the table (the scrollbar dragged): each lands past what the steps fetched.
const JUMPS: usize = 9;
const ITEMS: &str = "[data-testid=population-items]";
const FLOOR_TABLE: &str = "#floor";

/// One scroll step: the rows of the view, top and bottom, are in the table and none waits for
/// its data (Tickmark shows "…" in a `muted` cell meanwhile). Resolves to the milliseconds taken.
const STEP: &str = r#"
const [css, y, done] = arguments;
const box = document.querySelector(css);
box.scrollIntoView({ block: "nearest" });
const start = performance.now();
box.scrollTop = y;
// Rows are numbered as the listing's spreadsheet rows (the first item is row 2), under a header
// row held at the top of the view.
const top = Math.floor(box.scrollTop / 24) + 2, bottom = Math.ceil((box.scrollTop + box.clientHeight) / 24);
const shown = (n) => [...box.querySelectorAll("tr")].some((tr) => tr.cells[0].textContent === String(n));
const check = () => (shown(top) && shown(bottom) && !box.querySelector(".muted") ? done(performance.now() - start) : requestAnimationFrame(check));
requestAnimationFrame(check);
"#;

/// One page of the item table through the app's command, as the table fetches it, 20 times:
/// resolves to the milliseconds of each, to tell the command's share of a jump from drawing's.
const FETCH: &str = r#"
const [populationId, offset, done] = arguments;
const times = [];
const next = () => {
  const start = performance.now();
  window.__TAURI_INTERNALS__.invoke("population_items", { populationId, offset, limit: 200 }).then((items) => {
    if (items.length !== 200) throw new Error(`${items.length} items`);
    times.push(performance.now() - start);
    times.length < 20 ? next() : done(times);
  });
};
next();
"#;

/// The floor's table: Tickmark's layout (24 px rows, 320 px high, ten rows drawn beyond the
/// view), its rows made on the spot in the scroll handler.
const FLOOR: &str = r#"
const [rows, done] = arguments;
const box = document.createElement("div");
box.id = "floor";
box.style.cssText = "position: relative; height: 320px; overflow: auto";
const head = document.createElement("table");
head.style.cssText = "position: sticky; top: 0; z-index: 2; background: #eee";
const th = head.createTHead().insertRow();
th.style.height = "24px";
th.insertCell().textContent = "Row";
th.insertCell().textContent = "key";
const spacer = document.createElement("div");
spacer.style.height = `${rows * 24}px`;
const table = document.createElement("table");
table.style.cssText = "position: absolute; top: 24px; left: 0";
box.append(head, spacer, table);
document.body.append(box);
const draw = () => {
  const first = Math.max(0, Math.floor(box.scrollTop / 24) - 10);
  const last = Math.min(rows, Math.ceil((box.scrollTop + 320) / 24) + 10);
  table.style.transform = `translateY(${first * 24}px)`;
  table.replaceChildren();
  for (let n = first + 1; n <= last; n++) {
    const tr = table.insertRow();
    tr.style.height = "24px";
    tr.insertCell().textContent = n + 1;
    tr.insertCell().textContent = `ITM${n}`;
  }
};
box.addEventListener("scroll", draw);
draw();
done(true);
"#;

struct Launch {
    ms: f64,
    peak_kb: u64,
    processes: String,
}

fn main() {
    let dir = tempfile::tempdir().expect("a temp folder");
    let demo = dir.path().join("demo.tickmark");
    let big = dir.path().join("population.tickmark");
    let listing = dir.path().join("items.csv");
    let spec = workspace().join("fixtures/demo/engagement.json");
    // The demo's people sign with their demo keys: Priya creates, Dana imports.
    let sign_as = |initials: &str| {
        std::env::set_var("TICKMARK_KEY", workspace().join(format!("fixtures/demo/keys/{initials}.tickmark-key")));
        std::env::set_var("TICKMARK_KEY_PASSPHRASE", tickmark_tests::engagements::demo_key_passphrase(initials));
    };
    sign_as("PR");
    for file in [&demo, &big] {
        tickmark(&["new", path(file), "--spec", path(&spec)]);
    }
    sign_as("DW");
    write_listing(&listing);
    let mapping = ["--key", "item_id", "--date", "posted_on", "--amount", "amount", "--as", "DW"];
    tickmark(&[&["import-population", path(&big), "--control", CONTROL, "--source", path(&listing)][..], &mapping].concat());
    let population_id = {
        let file = engagement::EngagementFile::open(&big, PASSPHRASE).expect("the benchmark's file");
        let control = file.control_by_reference(CONTROL).expect("the control");
        file.workpaper(control.id).expect("its workpaper").populations.iter().map(|p| p.id).max().expect("the population imported")
    };

    let bare = target_dir().join("debug/examples/bare_window");
    assert!(bare.exists(), "{} is missing: run scripts/bench-app, which builds it", bare.display());
    let app = binary("tickmark-app");
    let cases: [(&str, &Path, Vec<&str>, &str); 3] = [
        ("bare window (floor)", &bare, vec![], "[data-testid=bare-ready]"),
        ("Tickmark: start screen", &app, vec![], "[data-testid=open-path]"),
        ("Tickmark: demo to overview", &app, vec![path(&demo)], "[data-testid=overview-controls]"),
    ];
    let mut runs: Vec<Vec<Launch>> = cases.iter().map(|_| Vec::new()).collect();
    for round in 1..=LAUNCHES {
        for ((name, program, args, ready), done) in cases.iter().zip(&mut runs) {
            let run = launch(program, args, ready);
            eprintln!("launch {round}/{LAUNCHES}, {name}: {:.0} ms, {:.1} MB", run.ms, run.peak_kb as f64 / 1024.0);
            done.push(run);
        }
    }

    eprintln!("scrolling the floor's table, then Tickmark's {ROWS}-row population");
    let (floor_steps, floor_jumps) = {
        let mut h = Harness::prepare(&[]);
        h.open(&bare, &[]);
        h.ui().execute_async(FLOOR, json!([ROWS])).expect("the floor's table");
        scroll(h.ui(), FLOOR_TABLE)
    };
    let (app_steps, app_jumps, fetches) = {
        let mut h = Harness::prepare(&[("TICKMARK_PASSPHRASE", PASSPHRASE)]);
        h.open(&app, &[path(&big)]);
        open_item_table(h.ui());
        let (steps, jumps) = scroll(h.ui(), ITEMS);
        let times = h.ui().execute_async(FETCH, json!([population_id, ROWS - 200])).expect("pages fetched");
        (steps, jumps, times.as_array().expect("times").iter().filter_map(|t| t.as_f64()).collect::<Vec<_>>())
    };

    println!("\nStart-up under Xvfb, {LAUNCHES} launches each: ms from the WebDriver new-session request until the element is in the page;");
    println!("peak memory: VmHWM summed over the program and the processes it started (median of the launches)\n");
    println!("{:<28} {:>9} {:>8} {:>10} {:>8} {:>9} {:>8}", "launch", "first ms", "x floor", "median ms", "x floor", "peak MB", "x floor");
    let first = |r: &[Launch]| r[0].ms;
    let median_ms = |r: &[Launch]| median(r.iter().map(|l| l.ms).collect());
    let peak = |r: &[Launch]| median(r.iter().map(|l| l.peak_kb as f64 / 1024.0).collect());
    let f = &runs[0];
    for ((name, ..), r) in cases.iter().zip(&runs) {
        println!(
            "{name:<28} {:>9.0} {:>8.2} {:>10.0} {:>8.2} {:>9.1} {:>8.2}",
            first(r),
            first(r) / first(f),
            median_ms(r),
            median_ms(r) / median_ms(f),
            peak(r),
            peak(r) / peak(f)
        );
    }
    for ((name, ..), r) in cases.iter().zip(&runs) {
        println!("  {name}: {}", r[0].processes);
    }

    println!("\nScrolling a {ROWS}-row population's item table, {STEPS} steps of {STEP_PX} px from the top: ms from setting scrollTop");
    println!("to the animation frame that has the rows in view with their data; the floor is the same virtual table in plain DOM code,");
    println!("rows at hand, in the bare window; then {JUMPS} jumps far down, from the last row back up by tenths, to rows not fetched yet\n");
    println!("{:<28} {:>10} {:>8} {:>8} {:>8} {:>14} {:>8}", "table", "median ms", "x floor", "p95 ms", "x floor", "jump median ms", "x floor");
    let (fm, fp, fj) = (median(floor_steps.clone()), percentile(floor_steps, 0.95), median(floor_jumps));
    let (am, ap, aj) = (median(app_steps.clone()), percentile(app_steps, 0.95), median(app_jumps));
    println!("{:<28} {fm:>10.0} {:>8.2} {fp:>8.0} {:>8.2} {fj:>14.0} {:>8.2}", "bare window (floor)", 1.0, 1.0, 1.0);
    println!("{:<28} {am:>10.0} {:>8.2} {ap:>8.0} {:>8.2} {aj:>14.0} {:>8.2}", "Tickmark: population items", am / fm, ap / fp, aj / fj);

    println!("  of which one page of 200 items through the population_items command: {:.1} ms (median of {})", median(fetches.clone()), fetches.len());

    let goal = |i: usize| median_ms(&runs[i]) / median_ms(&runs[0]);
    println!("\ngoal: start-up within 1.5x of the floor (medians): start screen {:.2}x, demo to overview {:.2}x", goal(1), goal(2));
}

/// Starts `program` on a fresh display and home, and measures it up to `ready`.
fn launch(program: &Path, args: &[&str], ready: &str) -> Launch {
    let mut h = Harness::prepare(&[("TICKMARK_PASSPHRASE", PASSPHRASE)]);
    let start = Instant::now();
    h.open(program, args);
    // Looked for every 10 ms rather than `wait_for`'s 100, since finding it ends the measurement.
    while h.ui().find(ready).is_err() {
        assert!(start.elapsed() < WAIT, "{ready} did not appear within {WAIT:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let processes = h.app_processes();
    let status = |pid: &u32| std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let peak_kb = processes
        .iter()
        .filter_map(|pid| status(pid).lines().find_map(|l| l.strip_prefix("VmHWM:")?.trim().strip_suffix("kB")?.trim().parse::<u64>().ok()))
        .sum();
    // The program's own name: /proc's `comm` cuts names at 15 characters.
    let names: Vec<String> = processes
        .iter()
        .filter_map(|pid| std::fs::read(format!("/proc/{pid}/cmdline")).ok())
        .filter_map(|c| Some(String::from_utf8_lossy(c.split(|&b| b == 0).next()?).rsplit('/').next()?.to_owned()))
        .collect();
    Launch { ms, peak_kb, processes: names.join(", ") }
}

fn open_item_table(ui: &Session) {
    click(ui, "tab-matrix");
    click(ui, &format!("open-{CONTROL}"));
    ui.wait_text("[data-testid=population-rows]", WAIT, |t| t == "100,000").expect("the population's row count");
    ui.click(&ui.find("[data-testid=population] summary").expect("Browse the items")).expect("open the item table");
}

/// The milliseconds of each step down, once the first rows are in, and of each jump: to the
/// last row, then back up by tenths of the table, each time to rows not yet fetched.
fn scroll(ui: &Session, table: &str) -> (Vec<f64>, Vec<f64>) {
    let step = |y: usize| ui.execute_async(STEP, json!([table, y])).expect("a scroll step").as_f64().expect("milliseconds");
    step(0);
    let steps = (1..=STEPS).map(|i| step(i * STEP_PX)).collect();
    let jumps = (1..=JUMPS).rev().map(|k| step(ROWS * 24 * k / JUMPS)).collect();
    (steps, jumps)
}

fn median(v: Vec<f64>) -> f64 {
    percentile(v, 0.5)
}

/// Nearest rank.
fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1]
}

fn tickmark(args: &[&str]) {
    let out = tickmark_tests::app::tickmark(args, PASSPHRASE);
    assert!(out.status.success(), "tickmark {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

/// Dated within the demo's period, so the population has no findings to show.
fn write_listing(path: &Path) {
    let mut text = String::from("item_id,posted_on,amount,description\n");
    for i in 0..ROWS {
        text.push_str(&format!("ITM{i:06},2026-{:02}-{:02},{}.{:02},Routine item number {i}\n", 1 + i % 9, 1 + i % 28, 10 + i % 990, i % 100));
    }
    std::fs::write(path, text).expect("the listing");
}
