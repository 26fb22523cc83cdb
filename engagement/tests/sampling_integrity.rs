//! A sample cannot be shopped for: the derived seed follows only from what a reviewer can read
//! (the engagement's identity, the control, the population's content), so files made again from
//! the same description draw the same sample; the fingerprint does not depend on how the listing
//! is mapped; and `verify` derives every derived seed again, so a seed replaced behind Tickmark's
//! back, with the trail rewritten to match, is named.

mod common;

use std::path::Path;

use common::workflow::demo_population;
use common::*;
use engagement::model::Examination;
use engagement::population::ColumnMapping;
use engagement::progress::silent;
use engagement::sample::{SampleMethod, SampleRequest, SizeRequest};
use engagement::EngagementFile;
use serde_json::Value;

fn mapping(date: &str) -> ColumnMapping {
    ColumnMapping { key: "change_id".into(), date: Some(date.into()), amount: None, stratum: None }
}

/// A file made from the common description (with `examination` if given), the change control,
/// the demo's change tickets, and its sample drawn: the sample's items.
fn drawn(dir: &Path, name: &str, examination: Option<Examination>) -> (EngagementFile, Vec<u64>) {
    let mut new = new_engagement();
    if let Some(e) = examination {
        new.examination = e;
    }
    let mut file = EngagementFile::create(&dir.join(name), PASSPHRASE, &new).unwrap();
    let control = file.add_control(&change_control()).unwrap();
    let population = file.import_population(control, &demo_population(), &mapping("deployed_on"), "ServiceNow export", &mut silent).unwrap();
    let request = SampleRequest { control_id: control, population_id: population, method: SampleMethod::SimpleRandom, size: SizeRequest::FrequencyTable, seed: None, seed_reason: None };
    let sample = file.draw_sample(&request).unwrap();
    let items = file.sample(sample).unwrap().selection.items;
    (file, items)
}

#[test]
fn files_made_again_from_one_description_draw_the_same_sample_and_another_period_another() {
    let dir = tempfile::tempdir().unwrap();
    let (first, a) = drawn(dir.path(), "first.tickmark", None);
    let (second, b) = drawn(dir.path(), "second.tickmark", None);
    assert_ne!(first.info().unwrap().id, second.info().unwrap().id, "each file has its own random identifier");
    assert_eq!(first.info().unwrap().identity(), "northwind payroll, inc.|payroll platform|type2|2025-10-01|2026-09-30");
    assert_eq!(a, b, "the same description and listing draw the same sample");
    let later = Examination::Type2 { period_start: date("2025-09-01"), period_end: date("2026-09-30") };
    let (_, c) = drawn(dir.path(), "third.tickmark", Some(later));
    assert_ne!(a, c, "another period is another engagement: another sample");
}

#[test]
fn the_fingerprint_is_the_listing_not_its_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let control = file.add_control(&change_control()).unwrap();
    let mappings = [
        mapping("deployed_on"),
        mapping("approved_on"),
        ColumnMapping { key: "change_id".into(), date: None, amount: None, stratum: Some("developer".into()) },
    ];
    let fingerprints: Vec<String> = mappings
        .iter()
        .map(|m| {
            let id = file.import_population(control, &demo_population(), m, "ServiceNow export", &mut silent).unwrap();
            file.population(id).unwrap().fingerprint
        })
        .collect();
    assert_eq!(fingerprints[0], fingerprints[1]);
    assert_eq!(fingerprints[0], fingerprints[2]);
    assert!(file.verify().unwrap().is_intact());
}

/// The trail's hash, as `engagement::trail` documents it: what someone rewriting the file by
/// hand would recompute.
#[test]
fn a_seed_replaced_behind_tickmarks_back_is_named_by_verify_even_with_the_trail_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let (file, _) = drawn(dir.path(), "shopped.tickmark", None);
    let path = file.path().to_owned();
    let sample = file.samples(None).unwrap().remove(0);
    file.close().unwrap();

    // A convenient seed, its draw made as Tickmark would make it, recorded as "derived".
    let chosen: sampling::Seed = "ab".repeat(32).parse().unwrap();
    let n = sample.selection.items.len() as u64;
    let forged = sampling::simple_random(chosen, sampling::SeedOrigin::Derived, sample.selection.population_size, n).unwrap();
    let forged = serde_json::to_string(&forged).unwrap();

    let conn = common::forgery::raw(&path);
    conn.execute("UPDATE sample SET selection = ?1 WHERE id = ?2", rusqlite::params![forged, sample.id]).unwrap();
    let seq: i64 = conn.query_row("SELECT max(seq) FROM trail WHERE entity = 'sample' AND entity_id = ?1", [sample.id], |r| r.get(0)).unwrap();
    let after: String = conn.query_row("SELECT after FROM trail WHERE seq = ?1", [seq], |r| r.get(0)).unwrap();
    let mut after: Value = serde_json::from_str(&after).unwrap();
    after["selection"] = Value::String(forged);
    conn.execute("UPDATE trail SET after = ?1 WHERE seq = ?2", rusqlite::params![after.to_string(), seq]).unwrap();
    // The chain recomputed from there on, as a careful forger would.
    common::forgery::rechain_from(&conn, seq);
    drop(conn);

    let file = EngagementFile::open(&path, PASSPHRASE).unwrap();
    let verification = file.verify().unwrap();
    assert!(!verification.is_intact(), "a forged seed leaves the file not intact");
    let problems = verification.problems;
    assert_eq!(problems.len(), 1, "the trail, the rows and the re-performance all agree with the forgery; only the seed does not: {problems:?}");
    assert!(problems[0].starts_with(&format!("sample {} has seed {chosen}, not the seed derived from its engagement, control and population", sample.id)), "{problems:?}");
}
