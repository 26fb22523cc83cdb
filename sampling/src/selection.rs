//! The record of a draw: everything a reviewer needs to re-perform it, and the two operations
//! that work on any recorded draw whatever its method: re-performing it and extending it.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::mus::{monetary_unit, MusBasis, MusVariant};
use crate::seed::{Seed, SeedOrigin};
use crate::simple::{draw_distinct, simple_random};
use crate::stratified::{stratified, Allocation, AllocationBasis, Stratum};
use crate::stream::{Stream, EXTENSION_STREAM};
use crate::systematic::{cell, systematic};

/// A drawn sample. `items` are 0-based population indices in selection order: first the
/// method's own draw, then the `extended_by` items added by [`extend`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Selection {
    pub method: Method,
    pub seed: Seed,
    pub seed_origin: SeedOrigin,
    pub population_size: u64,
    pub extended_by: u64,
    pub items: Vec<u64>,
}

/// The method and the parameters it was given or derived; derived values such as a random
/// start are recorded too, so a reviewer can check the arithmetic without re-running ChaCha20.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Method {
    SimpleRandom {
        sample_size: u64,
    },
    /// The interval is `population_size / sample_size` items; `random_start` is in
    /// `sample_size`-ths of an item, in `0..population_size`.
    Systematic {
        sample_size: u64,
        random_start: u64,
    },
    Cell {
        sample_size: u64,
    },
    /// Strata in the order they were drawn (byte order of their labels).
    Stratified {
        allocation: AllocationBasis,
        strata: Vec<Stratum>,
    },
    /// The interval is `interval_numerator / interval_denominator` cents.
    MonetaryUnit {
        variant: MusVariant,
        basis: MusBasis,
        total_cents: u64,
        interval_numerator: u64,
        interval_denominator: u64,
        random_start: Option<u64>,
        hits: u64,
        top_stratum: u64,
        excluded_nonpositive: u64,
    },
}

/// What a method needs to know about the population: its size, the stratum label of every
/// record, or the amount of every record.
#[derive(Debug, Clone, Copy)]
pub enum Population<'a> {
    Size(u64),
    Labels(&'a [String]),
    Amounts(&'a [i64]),
}

impl Population<'_> {
    pub fn size(&self) -> u64 {
        match self {
            Population::Size(size) => *size,
            Population::Labels(labels) => labels.len() as u64,
            Population::Amounts(amounts) => amounts.len() as u64,
        }
    }
}

/// The checks every draw without replacement shares.
pub(crate) fn check_sample(population_size: u64, n: u64) -> Result<()> {
    if population_size == 0 {
        return Err(Error::EmptyPopulation);
    }
    if n == 0 {
        return Err(Error::ZeroSample);
    }
    if n > population_size {
        return Err(Error::SampleTooLarge {
            requested: n,
            available: population_size,
        });
    }
    Ok(())
}

/// Draws again from the recorded method, parameters and seed. The caller compares the result
/// with the record: any difference means the population is not the one that was sampled.
pub fn reperform(recorded: &Selection, population: Population<'_>) -> Result<Selection> {
    let (seed, origin, size) = (recorded.seed, recorded.seed_origin, population.size());
    let base = match (&recorded.method, population) {
        (Method::SimpleRandom { sample_size }, _) => {
            simple_random(seed, origin, size, *sample_size)?
        }
        (Method::Systematic { sample_size, .. }, _) => {
            systematic(seed, origin, size, *sample_size)?
        }
        (Method::Cell { sample_size }, _) => cell(seed, origin, size, *sample_size)?,
        (Method::Stratified { allocation, strata }, Population::Labels(labels)) => {
            let allocation = match allocation {
                AllocationBasis::Proportional => Allocation::Proportional {
                    sample_size: strata.iter().map(|s| s.sample).sum(),
                },
                AllocationBasis::Counts => {
                    Allocation::Counts(strata.iter().map(|s| (s.label.clone(), s.sample)).collect())
                }
            };
            stratified(seed, origin, labels, &allocation)?
        }
        (Method::MonetaryUnit { variant, basis, .. }, Population::Amounts(amounts)) => {
            monetary_unit(seed, origin, amounts, *basis, *variant)?
        }
        (Method::Stratified { .. }, _) => return Err(needs("the stratum label of every record")),
        (Method::MonetaryUnit { .. }, _) => return Err(needs("the amount of every record")),
    };
    if recorded.extended_by == 0 {
        Ok(base)
    } else {
        extend(&base, population, recorded.extended_by)
    }
}

fn needs(what: &str) -> Error {
    Error::PopulationMismatch(format!("re-performing this method needs {what}"))
}

/// Adds `additional` items and keeps every item already drawn, in place. The added items are a
/// simple random sample, without replacement, of the eligible records not in the method's own
/// draw (eligible: every record, or for monetary-unit samples every record with a positive
/// amount), taken in ascending index order and shuffled by the partial Fisher–Yates shuffle on
/// ChaCha20 stream 1. Since that shuffle's earlier steps never depend on how many steps follow,
/// extending by 5 and then by 3 gives the same items as extending by 8 at once.
pub fn extend(
    selection: &Selection,
    population: Population<'_>,
    additional: u64,
) -> Result<Selection> {
    if additional == 0 {
        return Err(Error::ZeroSample);
    }
    let size = population.size();
    if size != selection.population_size {
        return Err(Error::PopulationMismatch(format!(
            "the selection was drawn from {} records, not {size}",
            selection.population_size
        )));
    }
    let base_len = (selection.items.len() as u64)
        .checked_sub(selection.extended_by)
        .ok_or_else(|| {
            Error::PopulationMismatch(
                "the record has fewer items than it says it was extended by".into(),
            )
        })?;
    let base = &selection.items[..base_len as usize];
    let mut drawn = base.to_vec();
    drawn.sort_unstable();
    if drawn.windows(2).any(|w| w[0] == w[1]) || drawn.last().is_some_and(|&last| last >= size) {
        return Err(Error::PopulationMismatch(
            "the recorded items repeat or fall outside the population".into(),
        ));
    }
    let eligible = match (&selection.method, population) {
        (Method::MonetaryUnit { .. }, Population::Amounts(amounts)) => Some(
            (0..size)
                .filter(|&i| amounts[i as usize] > 0 && drawn.binary_search(&i).is_err())
                .collect::<Vec<u64>>(),
        ),
        (Method::MonetaryUnit { .. }, _) => return Err(needs("the amount of every record")),
        _ => None,
    };
    let domain = eligible
        .as_ref()
        .map_or(size - base_len, |list| list.len() as u64);
    let total = selection.extended_by + additional;
    if total > domain {
        return Err(Error::SampleTooLarge {
            requested: total,
            available: domain,
        });
    }
    let mut items = base.to_vec();
    let mut stream = Stream::new(&selection.seed, EXTENSION_STREAM);
    match eligible {
        Some(list) => draw_distinct(&mut stream, domain, total, |p| list[p as usize], &mut items),
        None => draw_distinct(
            &mut stream,
            domain,
            total,
            |p| unselected_at(&drawn, p),
            &mut items,
        ),
    }
    Ok(Selection {
        extended_by: total,
        items,
        ..selection.clone()
    })
}

/// The `position`-th (0-based) index not in `drawn` (sorted, distinct), in O(log n): with
/// `drawn[j] - j` records left out before `drawn[j]`, the answer is `position` plus the number
/// of drawn records whose count of left-out predecessors is at most `position`.
fn unselected_at(drawn: &[u64], position: u64) -> u64 {
    let (mut low, mut high) = (0, drawn.len());
    while low < high {
        let mid = (low + high) / 2;
        if drawn[mid] - mid as u64 <= position {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    position + low as u64
}
