//! Audit sampling as an auditor defends it to a reviewer: samples drawn from a recorded seed by
//! an algorithm written down in `SAMPLING.md` (so they can be re-performed in any language),
//! sample sizes from the firm's table or from attribute-sampling models that reproduce the
//! AICPA tables, and evaluation of the results. Pure computation: no I/O.

mod distribution;
mod error;
mod evaluate;
mod mus;
mod mus_size;
mod seed;
mod selection;
mod simple;
mod size;
mod stratified;
pub mod stream;
mod systematic;

pub use distribution::{poisson_factor, Model, MAX_ATTRIBUTE_SAMPLE};
pub use error::{Error, Result};
pub use evaluate::{
    evaluate, stringer_bound, Evaluation, EvaluationInput, Misstatement, StringerBound,
};
pub use mus::{monetary_unit, MusBasis, MusVariant};
pub use mus_size::{money, mus_sample_size, MusPlan, MusSize, MAX_MUS_HITS};
pub use seed::{Seed, SeedOrigin};
pub use selection::{extend, reperform, Method, Population, Selection};
pub use simple::simple_random;
pub use size::{
    attribute_sample_size, AttributePlan, Frequency, FrequencyRow, FrequencyTable, OccurrenceBand,
    SampleSize, SizeDecision,
};
pub use stratified::{
    period_labels, stratified, Allocation, AllocationBasis, PeriodSlice, Stratum,
};
pub use systematic::{cell, systematic};
