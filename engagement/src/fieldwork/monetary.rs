//! Monetary-unit samples after the draw: the amount the auditor found each item to be worth,
//! and the Stringer bound on the misstatement they project, stated in hits and items.

use rusqlite::{params, OptionalExtension};
use sampling::{stringer_bound, Method, Misstatement};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::sample::{Sample, SizeBasis};
use crate::signoff::ensure_unlocked;
use crate::store::EngagementFile;

/// An item's amount as audited, in cents, with the auditor's note where it differs from the
/// book amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditedAmount {
    pub position: i64,
    pub audit_cents: i64,
    pub note: Option<String>,
}

/// A monetary-unit sample as the workpaper describes it: hits and items, the interval and the
/// random start that re-perform it, the top stratum, the amounts audited, and once every item
/// has its audited amount, the Stringer bound.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MonetaryView {
    pub hits: i64,
    /// Distinct records the hits selected (a record hit twice is one item).
    pub items: i64,
    /// Items added by extension: simple random, so not projected by the bound.
    pub extended: i64,
    pub book_cents: i64,
    pub interval_cents: f64,
    pub random_start: Option<i64>,
    pub top_stratum: i64,
    pub tolerable_cents: Option<i64>,
    pub confidence: Option<f64>,
    pub audited: Vec<AuditedAmount>,
    pub projected_cents: Option<f64>,
    pub basic_precision_cents: Option<f64>,
    pub incremental_allowance_cents: Option<f64>,
    pub upper_limit_cents: Option<f64>,
    pub understatement_cents: Option<f64>,
}

impl MonetaryView {
    /// The audited amounts the sample calls for: one per item drawn, extensions included.
    pub fn amounts_expected(&self) -> i64 {
        self.items + self.extended
    }

    pub fn complete(&self) -> bool {
        self.audited.len() as i64 >= self.amounts_expected()
    }
}

/// An evaluation in words, and whether it supports the planned reliance.
pub(crate) type Verdict = (String, bool);

/// The view of `sample` if it is a monetary-unit sample, with the evaluation in words and
/// whether it supports reliance (the upper misstatement limit within the tolerable
/// misstatement), once every item is audited.
pub(crate) fn view(file: &EngagementFile, sample: &Sample, amounts: &[Option<i64>]) -> Result<Option<(MonetaryView, Option<Verdict>)>> {
    let Method::MonetaryUnit { total_cents, interval_numerator, interval_denominator, random_start, hits, top_stratum, .. } = &sample.selection.method else {
        return Ok(None);
    };
    let audited = file.audited_amounts(sample.id)?;
    let (tolerable_cents, confidence) = match &sample.basis {
        SizeBasis::Monetary { plan, .. } => (Some(plan.tolerable_cents as i64), Some(plan.confidence)),
        _ => (None, None),
    };
    let extended = sample.selection.extended_by as i64;
    let items = sample.selection.items.len() as i64 - extended;
    let interval_cents = *interval_numerator as f64 / *interval_denominator as f64;
    let mut view = MonetaryView {
        hits: *hits as i64,
        items,
        extended,
        book_cents: *total_cents as i64,
        interval_cents,
        random_start: random_start.map(|s| s as i64),
        top_stratum: *top_stratum as i64,
        tolerable_cents,
        confidence,
        audited,
        projected_cents: None,
        basic_precision_cents: None,
        incremental_allowance_cents: None,
        upper_limit_cents: None,
        understatement_cents: None,
    };
    let (Some(confidence), true) = (confidence, view.complete()) else { return Ok(Some((view, None))) };
    // The method's own items are projected; items added by extension are not hits.
    let examined: Vec<Misstatement> = view
        .audited
        .iter()
        .filter(|a| a.position < items)
        .map(|a| Misstatement { book_cents: amounts[a.position as usize].unwrap_or_default(), audit_cents: a.audit_cents })
        .collect();
    let bound = stringer_bound(interval_cents, confidence, &examined)?;
    let tolerable = tolerable_cents.unwrap_or_default() as f64;
    let supports = bound.upper_bound_cents <= tolerable;
    let money = sampling::money;
    let text = format!(
        "{} hits selected {} items. Projected misstatement {} (of which {} in items at or above the interval); basic precision {}; incremental allowance {}; upper misstatement limit {} at {}% confidence, which {} the tolerable misstatement of {}{}{}",
        view.hits,
        view.items,
        money(bound.projected_misstatement_cents),
        money(bound.top_stratum_cents),
        money(bound.basic_precision_cents),
        money(bound.incremental_allowance_cents),
        money(bound.upper_bound_cents),
        confidence * 100.0,
        if supports { "does not exceed" } else { "exceeds" },
        money(tolerable),
        if supports { ": the sample supports the planned reliance." } else { ": the sample does not support the planned reliance." },
        if bound.understatements_excluded > 0 {
            format!(" {} understatement(s) totalling {} are reported, not netted against the bound.", bound.understatements_excluded, money(bound.understatement_cents))
        } else {
            String::new()
        },
    );
    view.projected_cents = Some(bound.projected_misstatement_cents);
    view.basic_precision_cents = Some(bound.basic_precision_cents);
    view.incremental_allowance_cents = Some(bound.incremental_allowance_cents);
    view.upper_limit_cents = Some(bound.upper_bound_cents);
    view.understatement_cents = Some(bound.understatement_cents);
    Ok(Some((view, Some((text, supports)))))
}

impl EngagementFile {
    /// Records what an item of the live monetary-unit sample was found to amount to; an amount
    /// that differs from the book amount needs a note saying what the misstatement is.
    pub fn record_audited_amount(&mut self, sample_id: i64, position: i64, audit_cents: i64, note: Option<&str>) -> Result<()> {
        let sample = self.sample(sample_id)?;
        if !matches!(sample.selection.method, Method::MonetaryUnit { .. }) {
            return Err(Error::invalid("sample", format!("sample {} is not a monetary-unit sample", crate::model::number::label("sample", sample_id))));
        }
        if sample.voided.is_some() {
            return Err(Error::invalid("sample", format!("sample {} is voided: amounts are recorded on the live sample", crate::model::number::label("sample", sample_id))));
        }
        let index = *sample
            .selection
            .items
            .get(usize::try_from(position).unwrap_or(usize::MAX))
            .ok_or_else(|| Error::invalid("position", format!("the sample has items 1 to {}", sample.selection.items.len())))?;
        let book = self.population_items_at(sample.population_id, &[index])?.remove(0).amount_cents.unwrap_or_default();
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if audit_cents != book && note.is_none() {
            return Err(Error::invalid("note", format!("item {} audits at {} against a book amount of {}: say what the misstatement is", position + 1, sampling::money(audit_cents as f64), sampling::money(book as f64))));
        }
        self.write(|w| {
            ensure_unlocked(w.tx(), sample.control_id)?;
            let tx = w.tx();
            let existing: Option<i64> =
                tx.query_row("SELECT id FROM audited_amount WHERE sample_id = ?1 AND position = ?2", params![sample_id, position], |r| r.get(0)).optional()?;
            match existing {
                Some(id) => {
                    let before = w.snapshot("audited_amount", id)?;
                    tx.execute("UPDATE audited_amount SET audit_cents = ?2, note = ?3 WHERE id = ?1", params![id, audit_cents, note])?;
                    w.record("edit", "audited_amount", id, before)
                }
                None => {
                    tx.execute("INSERT INTO audited_amount (sample_id, position, audit_cents, note, id) VALUES (?1, ?2, ?3, ?4, ?5)", params![sample_id, position, audit_cents, note, w.new_id("audited_amount")?])?;
                    w.record("record", "audited_amount", tx.last_insert_rowid(), None)
                }
            }
        })
    }

    pub fn audited_amounts(&self, sample_id: i64) -> Result<Vec<AuditedAmount>> {
        let mut stmt = self.conn().prepare("SELECT position, audit_cents, note FROM audited_amount WHERE sample_id = ?1 ORDER BY position")?;
        let rows = stmt.query_map([sample_id], |r| Ok(AuditedAmount { position: r.get(0)?, audit_cents: r.get(1)?, note: r.get(2)? }))?;
        rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
    }
}
