//! What the auditor does to a population after importing it: explain the items dated outside
//! the period, or take a population imported by mistake out of use. Both are recorded with the
//! auditor's words, and neither deletes anything: the listing stays on record as imported.

use rusqlite::params;

use crate::error::{Error, Result};
use crate::signoff::ensure_unlocked;
use crate::store::EngagementFile;

impl EngagementFile {
    /// Names what the population's items are, as the report will ("change tickets", plural).
    pub fn set_item_type(&mut self, population_id: i64, item_type: &str) -> Result<()> {
        let item_type = item_type.trim();
        if item_type.is_empty() {
            return Err(Error::invalid("item_type", "say what the items are, as the report will: change tickets, invoices, new hires"));
        }
        let population = self.population(population_id)?;
        self.write(|w| {
            ensure_unlocked(w.tx(), population.control_id)?;
            let before = w.snapshot("population", population_id)?;
            w.tx().execute("UPDATE population SET item_type = ?2 WHERE id = ?1", params![population_id, item_type])?;
            w.record("name items", "population", population_id, before)
        })
    }

    /// Records why items dated outside the period are in the listing (items posted late, a
    /// report run on a wider range, …); a population with such items is sampled only then.
    pub fn explain_out_of_period(&mut self, population_id: i64, explanation: &str) -> Result<()> {
        let explanation = explanation.trim();
        if explanation.is_empty() {
            return Err(Error::invalid("explanation", "say why items dated outside the period are in the listing"));
        }
        let population = self.population(population_id)?;
        if population.findings.outside_period.is_empty() {
            return Err(Error::invalid("explanation", format!("every dated item of \"{}\" is within the period; there is nothing to explain", population.source_name)));
        }
        self.write(|w| {
            ensure_unlocked(w.tx(), population.control_id)?;
            let before = w.snapshot("population", population_id)?;
            w.tx().execute("UPDATE population SET out_of_period_note = ?2 WHERE id = ?1", params![population_id, explanation])?;
            w.record("explain out-of-period items", "population", population_id, before)
        })
    }

    /// Takes a population out of use, with a reason: allowed until a sample is drawn from it,
    /// and after that only once the sample is voided. The rows stay, so the trail and any voided
    /// sample drawn from them still read as they did.
    pub fn remove_population(&mut self, population_id: i64, reason: &str) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid("reason", "say why the population is removed; the trail keeps it"));
        }
        let population = self.population(population_id)?;
        if population.removed.is_some() {
            return Err(Error::invalid("population", format!("population {} is already removed", crate::model::number::label("population", population_id))));
        }
        let live: Vec<i64> = self
            .samples(Some(population.control_id))?
            .into_iter()
            .filter(|s| s.population_id == population_id && s.voided.is_none())
            .map(|s| s.id)
            .collect();
        Error::refuse_unless_empty(
            format!("removing population {} (\"{}\")", crate::model::number::label("population", population_id), population.source_name),
            live.iter().map(|id| format!("sample {} was drawn from it: void the sample first, with a reason", crate::model::number::label("sample", *id))).collect(),
        )?;
        self.write(|w| {
            ensure_unlocked(w.tx(), population.control_id)?;
            let before = w.snapshot("population", population_id)?;
            w.tx().execute(
                "UPDATE population SET removed_at = ?2, removed_by = ?3, removed_reason = ?4 WHERE id = ?1",
                params![population_id, w.at, w.user, reason],
            )?;
            w.record("remove", "population", population_id, before)
        })
    }
}
