//! Monetary-unit sampling from sizing to evaluation: the sample is sized in hits from tolerable
//! and expected misstatement, stated in hits and items, each item's audited amount recorded
//! (a misstatement with its note), and the Stringer bound on the workpaper once all are in.

mod common;

use std::path::Path;

use common::*;
use engagement::conclusion::{Conclusion, ConclusionInput};
use engagement::population::ColumnMapping;
use engagement::progress::silent;
use engagement::sample::{SampleMethod, SampleRequest, SizeRequest};
use engagement::testing::{Outcome, TestResult};

fn invoices() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo/populations/customer_invoices.csv")
}

#[test]
fn a_monetary_unit_sample_is_sized_in_hits_audited_and_evaluated_with_the_stringer_bound() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let control = file.add_control(&change_control()).unwrap();
    let mapping = ColumnMapping { key: "invoice_id".into(), date: Some("invoice_date".into()), amount: Some("amount".into()), stratum: None };
    let population = file.import_population(control, &invoices(), &mapping, "Billing module export", &mut silent).unwrap();
    let mus = SampleMethod::MonetaryUnit { variant: sampling::MusVariant::Fixed };
    let request = |size| SampleRequest { control_id: control, population_id: population, method: mus.clone(), size, seed: None, seed_reason: None };

    let err = file.draw_sample(&request(SizeRequest::FrequencyTable)).unwrap_err();
    assert!(err.to_string().contains("sized in hits"), "the frequency table does not size a monetary-unit sample: {err}");

    let size = SizeRequest::Monetary { tolerable_cents: 10_000_000, expected_cents: 1_000_000, confidence: 0.95 };
    let plan = file.plan_sample(&request(size.clone())).unwrap();
    let expected = sampling::mus_sample_size(&sampling::MusPlan { book_cents: plan_book(&file, population), tolerable_cents: 10_000_000, expected_cents: 1_000_000, confidence: 0.95 }).unwrap();
    assert!(plan.hits && plan.size == expected.hits, "{plan:?}");
    assert!(plan.reasoning.contains("hits") && plan.reasoning.contains("100,000.00"), "{}", plan.reasoning);
    let sample = file.draw_sample(&request(size)).unwrap();

    let wp = file.workpaper(control).unwrap();
    let view = wp.sample.as_ref().unwrap();
    let m = view.monetary.as_ref().unwrap();
    assert_eq!(m.hits as u64, expected.hits);
    assert!(m.items <= m.hits && m.items as usize == view.items.len(), "items are the distinct records the hits selected");
    assert_eq!(view.evaluation, None, "nothing is evaluated before the amounts are audited");

    // The attributes pass; every amount agrees but the second item's, half of which is missing.
    let attributes = file.control(control).unwrap().attributes;
    for position in 0..view.items.len() as i64 {
        for a in &attributes {
            file.record_result(&TestResult { sample_id: sample, position, attribute_id: a.id, outcome: Outcome::Pass, tickmark: None, note: None, evidence: vec![] }).unwrap();
        }
    }
    let books: Vec<i64> = view.items.iter().map(|i| i.amount_cents.unwrap()).collect();
    let err = file.record_audited_amount(sample, 1, books[1] / 2, None).unwrap_err();
    assert!(err.to_string().contains("say what the misstatement is"), "{err}");
    let last = books.len() - 1;
    for (position, &book) in books.iter().enumerate().take(last) {
        let (audit, note) = if position == 1 { (book / 2, Some("Half the invoice was credited in October")) } else { (book, None) };
        file.record_audited_amount(sample, position as i64, audit, note).unwrap();
    }
    let missing = file.workpaper(control).unwrap().preparer_missing;
    assert_eq!(missing, [format!("1 item(s) of sample {sample} have no audited amount (items {})", last + 1), "no conclusion is recorded".into()]);
    let early = file.set_conclusion(control, &ConclusionInput::new(Conclusion::NoExceptions, "")).unwrap_err();
    assert!(early.missing().contains(&format!("{last} of {} audited amounts of sample {sample} are recorded: conclude once testing is complete", last + 1)), "{early}");
    file.record_audited_amount(sample, last as i64, books[last], None).unwrap();
    let missing = file.workpaper(control).unwrap().preparer_missing;
    assert_eq!(missing, ["no conclusion is recorded"], "every amount is in");

    let wp = file.workpaper(control).unwrap();
    let m = wp.sample.as_ref().unwrap().monetary.clone().unwrap();
    let interval = m.interval_cents;
    let tainting = (books[1] - books[1] / 2) as f64 / books[1] as f64;
    // Basic precision R(0)·J, and one tainting t projected as t·J and widened by (R(1) - R(0) - 1)·t·J.
    let (r0, r1) = (sampling::poisson_factor(0, 0.95).unwrap(), sampling::poisson_factor(1, 0.95).unwrap());
    let top = books[1] as f64 >= interval;
    if !top {
        let upper = r0 * interval + tainting * interval * (r1 - r0);
        assert!((m.upper_limit_cents.unwrap() - upper).abs() < 1.0, "{:?} against {upper}", m.upper_limit_cents);
    }
    let evaluation = wp.sample.as_ref().unwrap().evaluation.clone().unwrap();
    assert!(evaluation.contains("upper misstatement limit") && evaluation.contains("tolerable misstatement of 100,000.00"), "{evaluation}");
    assert_eq!(wp.sample.as_ref().unwrap().supports_reliance, Some(m.upper_limit_cents.unwrap() <= 10_000_000.0));

    let err = file.set_conclusion(control, &ConclusionInput::new(Conclusion::ExceptionsNoted, "One invoice half credited.")).unwrap_err();
    assert!(err.missing().iter().any(|m| m.starts_with("no exception is recorded")), "{err}");
    let pdf = file.workpaper_pdf(control).unwrap();
    assert!(pdf.len() > 1000);
    let report = dir.path().join("draft.pdf");
    std::fs::write(&report, file.report_pdf().unwrap()).unwrap();
    let text = std::process::Command::new("pdftotext").arg(&report).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains(&format!("monetary-unit sample of {} hits ({} items)", m.hits, m.items)), "stated in hits and items: {text}");
    assert!(text.contains("upper misstatement limit") && text.contains("tolerable misstatement of 100,000.00"), "the bound in the report: {text}");
    let exported = String::from_utf8(file.samples_csv().unwrap().into_iter().find(|(name, _)| name == "CC8.1-01-about.csv").unwrap().1).unwrap();
    for row in ["Hits,", "Interval,", "Upper misstatement limit,"] {
        assert!(exported.contains(row), "the export states {row}: {exported}");
    }
    let grid = String::from_utf8(file.samples_csv().unwrap().into_iter().find(|(name, _)| name == "CC8.1-01.csv").unwrap().1).unwrap();
    assert!(grid.lines().next().unwrap().contains("Audited amount,Audited note"), "{grid}");
    file.extend_sample(sample, 3, "A misstatement found: three more invoices at random").unwrap();
    let m = file.workpaper(control).unwrap().sample.unwrap().monetary.unwrap();
    assert_eq!(m.extended, 3);
    assert!(!m.complete(), "the added items wait for their audited amounts");
    assert!(file.verify().unwrap().is_intact());
}

/// The book value a monetary-unit plan takes: the positive amounts of the population.
fn plan_book(file: &engagement::EngagementFile, population: i64) -> u64 {
    file.population_items(population, 0, 10_000).unwrap().iter().filter_map(|i| i.amount_cents).filter(|&a| a > 0).map(|a| a as u64).sum()
}
