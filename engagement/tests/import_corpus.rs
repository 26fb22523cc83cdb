//! Every file of the bad-input corpus in `fixtures/bad/` is either refused with an error that
//! names the file, row and column, leaving the engagement file as it was, or imported exactly.

mod common;

use std::path::Path;

use common::*;
use engagement::population::{ColumnMapping, Findings};
use engagement::Error;
use serde_json::Value;

fn corpus() -> (std::path::PathBuf, Vec<Value>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/bad");
    let expected: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    assert!(expected.len() >= 20, "the corpus is all there");
    (dir, expected)
}

fn mapping() -> ColumnMapping {
    ColumnMapping { key: "id".into(), date: Some("date".into()), amount: Some("amount".into()), stratum: None }
}

#[test]
fn each_bad_file_gets_its_error_or_its_exact_import() {
    let (dir, expected) = corpus();
    let tmp = tempfile::tempdir().unwrap();
    let (mut file, _) = create(tmp.path());
    let control = file.add_control(&change_control()).unwrap();

    for case in expected {
        let name = case["file"].as_str().unwrap();
        let trail_before = file.overview().unwrap().trail_entries;
        let populations_before = file.populations(None).unwrap().len();
        let result = file.import_population(control, &dir.join(name), &mapping(), name, &mut |_| true);
        match case["outcome"].as_str().unwrap() {
            "error" => {
                let err = result.expect_err(name);
                let Error::Import { file: f, row, column, message } = &err else { panic!("{name}: not an import error: {err}") };
                assert_eq!(f, name, "{name}: the error names the file");
                assert_eq!(*row, case["row"].as_u64(), "{name}: row ({err})");
                assert_eq!(column.as_deref(), case["column"].as_str(), "{name}: column ({err})");
                assert!(!message.is_empty());
                assert_eq!(file.populations(None).unwrap().len(), populations_before, "{name}: nothing stored");
                assert_eq!(file.overview().unwrap().trail_entries, trail_before, "{name}: no trail entry");
            }
            _ => {
                let id = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                let p = file.population(id).unwrap();
                assert_eq!(p.row_count as u64, case["rows"].as_u64().unwrap(), "{name}: rows");
                let want: Findings = serde_json::from_value(case["findings"].clone()).unwrap_or_default();
                assert_eq!(p.findings, want, "{name}: findings");
            }
        }
    }
    assert!(file.verify().unwrap().is_intact());
}

#[test]
fn formula_and_markup_cells_are_kept_verbatim_as_text() {
    let (dir, _) = corpus();
    let tmp = tempfile::tempdir().unwrap();
    let (mut file, _) = create(tmp.path());
    let control = file.add_control(&change_control()).unwrap();
    for name in ["formula_cells.csv", "hostile_cells.csv"] {
        let source = std::fs::read_to_string(dir.join(name)).unwrap();
        let id = file.import_population(control, &dir.join(name), &mapping(), name, &mut |_| true).unwrap();
        let items = file.population_items(id, 0, 1000).unwrap();
        let mut reader = csv::Reader::from_reader(source.as_bytes());
        let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
        assert_eq!(items.len(), rows.len());
        for (item, row) in items.iter().zip(&rows) {
            assert_eq!(&item.fields, row, "{name}: cells as written");
        }
    }
}

#[test]
fn xlsx_and_csv_of_the_same_listing_import_alike() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo/populations");
    let tmp = tempfile::tempdir().unwrap();
    let (mut file, _) = create(tmp.path());
    let control = file.add_control(&change_control()).unwrap();
    let mapping = ColumnMapping { key: "change_id".into(), date: Some("deployed_on".into()), amount: None, stratum: None };
    let csv = file.import_population(control, &demo.join("change_tickets.csv"), &mapping, "csv", &mut |_| true).unwrap();
    let xlsx = file.import_population(control, &demo.join("change_tickets.xlsx"), &mapping, "xlsx", &mut |_| true).unwrap();
    let (a, b) = (file.population(csv).unwrap(), file.population(xlsx).unwrap());
    assert!(a.row_count > 1000);
    assert_eq!(a.row_count, b.row_count);
    assert_eq!(a.fingerprint, b.fingerprint, "the same rows give the same fingerprint whatever the format");
    let sha = |name: &str| {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(std::fs::read(demo.join(name)).unwrap()))
    };
    assert_eq!(a.source_sha256, sha("change_tickets.csv"), "the SHA-256 of the file as received");
    assert_eq!(b.source_sha256, sha("change_tickets.xlsx"));
    assert_eq!((a.date_min, a.date_max), (b.date_min, b.date_max));
}

#[test]
fn a_cancelled_import_stores_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut file, _) = create(tmp.path());
    let control = file.add_control(&change_control()).unwrap();
    let big = tmp.path().join("big.csv");
    let mut text = String::from("id,date,amount\n");
    for i in 0..25_000 {
        text.push_str(&format!("K{i},2026-01-01,1.00\n"));
    }
    std::fs::write(&big, text).unwrap();
    let err = file.import_population(control, &big, &mapping(), "big", &mut |rows| rows < 20_000).unwrap_err();
    assert!(err.to_string().contains("cancelled"), "{err}");
    assert!(file.populations(None).unwrap().is_empty());
}

/// A workbook whose shared strings declare 400 MB (as a 400 KB file holding one enormous string
/// does) is refused, naming the part, before calamine reads any of it into memory.
#[test]
fn a_workbook_whose_shared_strings_would_fill_memory_is_refused_before_reading_them() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("huge-strings.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, header) in ["id", "date", "amount", "description"].iter().enumerate() {
        sheet.write_string(0, c as u16, *header).unwrap();
    }
    sheet.write_string(1, 0, "T-1").unwrap();
    sheet.write_string(1, 1, "2026-01-05").unwrap();
    sheet.write_string(1, 2, "10.00").unwrap();
    sheet.write_string(1, 3, "a description").unwrap();
    workbook.save(&path).unwrap();
    // The part's declared uncompressed size, in its local header and its central directory entry.
    let mut bytes = std::fs::read(&path).unwrap();
    let name = b"xl/sharedStrings.xml";
    let huge = (400u32 << 20).to_le_bytes();
    let mut patched = 0;
    for at in 0..bytes.len().saturating_sub(4) {
        let (size_at, name_at) = match &bytes[at..at + 4] {
            [0x50, 0x4b, 0x03, 0x04] => (at + 22, at + 30),
            [0x50, 0x4b, 0x01, 0x02] => (at + 24, at + 46),
            _ => continue,
        };
        if bytes.get(name_at..name_at + name.len()) == Some(&name[..]) {
            bytes[size_at..size_at + 4].copy_from_slice(&huge);
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "the part's two size fields");
    std::fs::write(&path, bytes).unwrap();

    let (mut file, _) = create(tmp.path());
    let control = file.add_control(&change_control()).unwrap();
    let err = file.import_population(control, &path, &mapping(), "huge-strings.xlsx", &mut |_| true).unwrap_err();
    assert!(err.to_string().contains("xl/sharedStrings.xml) decompress to 400 MB, more than the 256 MB Tickmark reads"), "{err}");
    assert!(file.populations(None).unwrap().is_empty());
}

/// A workbook saved by a program that does not calculate holds formulas with no saved value: a
/// reader sees empty cells there. The import names each such cell.
#[test]
fn formula_cells_without_a_saved_value_are_named_with_row_and_column() {
    use std::io::{Read, Write};
    let tmp = tempfile::tempdir().unwrap();
    let written = tmp.path().join("calculated.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, header) in ["id", "date", "amount", "description"].iter().enumerate() {
        sheet.write_string(0, c as u16, *header).unwrap();
    }
    for row in 1..=3u32 {
        sheet.write_string(row, 0, format!("T-{row}")).unwrap();
        sheet.write_string(row, 1, "2026-01-05").unwrap();
        sheet.write_formula(row, 2, "=10*2").unwrap();
        sheet.write_string(row, 3, "item").unwrap();
    }
    workbook.save(&written).unwrap();
    // The saved values taken out, as a non-calculating writer leaves them.
    let uncalculated = tmp.path().join("uncalculated.xlsx");
    let mut source = zip::ZipArchive::new(std::fs::File::open(&written).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(&uncalculated).unwrap());
    for i in 0..source.len() {
        let mut entry = source.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut text = Vec::new();
        entry.read_to_end(&mut text).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            text = String::from_utf8(text).unwrap().replace("</f><v>0</v>", "</f>").into_bytes();
        }
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&text).unwrap();
    }
    out.finish().unwrap();

    let (mut file, _) = create(tmp.path());
    let control = file.add_control(&change_control()).unwrap();
    let mapping = ColumnMapping { key: "id".into(), date: Some("date".into()), amount: None, stratum: None };
    let id = file.import_population(control, &uncalculated, &mapping, "uncalculated.xlsx", &mut |_| true).unwrap();
    let findings = file.population(id).unwrap().findings;
    let cells: Vec<(u64, &str)> = findings.formulas_without_value.iter().map(|c| (c.row, c.column.as_str())).collect();
    assert_eq!(cells, [(2, "amount"), (3, "amount"), (4, "amount")]);
    assert!(findings.lines().iter().any(|l| l.starts_with("3 cells hold a formula with no saved value, imported as empty (row 2, column \"amount\"")));
    let calculated = file.import_population(control, &written, &mapping, "calculated.xlsx", &mut |_| true).unwrap();
    assert!(file.population(calculated).unwrap().findings.formulas_without_value.is_empty(), "saved values are read as they are");
}

/// The edges of what one listing may hold: a cell of exactly a spreadsheet's 32,767 characters
/// is a cell and one more is refused; hidden characters are listed for 1,000 cells and no more;
/// with no date column mapped, no row is called undated.
#[test]
fn a_listing_at_its_limits() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut file, _) = create(tmp.path());
    let control = file.add_control(&change_control()).unwrap();
    let write = |name: &str, body: String| {
        let path = tmp.path().join(name);
        std::fs::write(&path, body).unwrap();
        path
    };
    let full = write("full.csv", format!("id,date,amount,memo\nA-1,2026-03-01,10.00,{}\n", "x".repeat(32_767)));
    file.import_population(control, &full, &mapping(), "full", &mut |_| true).unwrap();
    let over = write("over.csv", format!("id,date,amount,memo\nA-1,2026-03-01,10.00,{}\n", "x".repeat(32_768)));
    let err = file.import_population(control, &over, &mapping(), "over", &mut |_| true).unwrap_err();
    assert!(matches!(&err, Error::Import { row: Some(2), column: Some(c), .. } if c == "memo"), "{err}");

    let rows: String = (0..1_001).map(|i| format!("A\u{200B}{i},2026-03-01,10.00,x\n")).collect();
    let hidden = write("hidden.csv", format!("id,date,amount,memo\n{rows}"));
    let id = file.import_population(control, &hidden, &mapping(), "hidden", &mut |_| true).unwrap();
    assert_eq!(file.population(id).unwrap().findings.hidden_characters.len(), 1_000);

    let undated = write("undated.csv", "id,date,amount,memo\nB-1,,10.00,x\n".to_owned());
    let no_date = ColumnMapping { date: None, ..mapping() };
    let id = file.import_population(control, &undated, &no_date, "undated, no date column", &mut |_| true).unwrap();
    assert!(file.population(id).unwrap().findings.undated.is_empty());
    let undated = write("undated-2.csv", "id,date,amount,memo\nC-1,,10.00,x\n".to_owned());
    let id = file.import_population(control, &undated, &mapping(), "undated, date column mapped", &mut |_| true).unwrap();
    assert_eq!(file.population(id).unwrap().findings.undated, [2]);
}

/// A population's fingerprint is the SHA-256 its documented format gives (SAMPLING.md, version
/// 2), worked out here apart from Tickmark's code: the tag, the header row and each data row,
/// every row as its cell count and every cell as its byte length and bytes.
#[test]
fn a_population_fingerprint_is_the_documented_sha256() {
    use sha2::{Digest, Sha256};
    let tmp = tempfile::tempdir().unwrap();
    let (mut file, _) = create(tmp.path());
    let control = file.add_control(&change_control()).unwrap();
    let rows = [vec!["id", "date", "amount"], vec!["A-1", "2026-03-01", "10.00"], vec!["A-2", "2026-03-02", "-4.5"]];
    let path = tmp.path().join("listing.csv");
    std::fs::write(&path, rows.iter().map(|r| r.join(",") + "\n").collect::<String>()).unwrap();
    let id = file.import_population(control, &path, &mapping(), "listing", &mut |_| true).unwrap();
    let mut h = Sha256::new();
    let tag = b"tickmark.population.fingerprint.v2";
    h.update((tag.len() as u64).to_le_bytes());
    h.update(tag);
    for row in &rows {
        h.update((row.len() as u64).to_le_bytes());
        for cell in row {
            h.update((cell.len() as u64).to_le_bytes());
            h.update(cell.as_bytes());
        }
    }
    assert_eq!(file.population(id).unwrap().fingerprint, hex::encode(h.finalize()));
}
