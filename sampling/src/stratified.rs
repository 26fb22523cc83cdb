//! Stratified random sampling: a simple random sample inside every stratum, so that each part
//! of the population (a location, a system, or a month of the period under examination) is
//! represented and the sample visibly covers the whole period.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::seed::{Seed, SeedOrigin};
use crate::selection::{check_sample, Method, Selection};
use crate::simple::draw_distinct;
use crate::stream::{Stream, SELECTION_STREAM};

/// How many items each stratum gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allocation {
    /// `sample_size` shared in proportion to stratum sizes by largest remainders.
    Proportional { sample_size: u64 },
    /// An explicit count per stratum label; strata not named get none.
    Counts(BTreeMap<String, u64>),
}

/// Which [`Allocation`] produced the recorded counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllocationBasis {
    Proportional,
    Counts,
}

/// One stratum of a stratified selection: its label, how many records it has, how many were drawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Stratum {
    pub label: String,
    pub population: u64,
    pub sample: u64,
}

/// Slices of the period for stratifying by date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodSlice {
    Month,
    Quarter,
    Half,
}

/// Stratum labels for records dated `(year, month 1..=12)`: `2024-03`, `2024-Q1` or `2024-H1`.
/// Labels sort in date order, which is the order strata are drawn in.
pub fn period_labels(year_months: &[(i32, u8)], slice: PeriodSlice) -> Result<Vec<String>> {
    year_months
        .iter()
        .map(|&(year, month)| {
            if !(1..=12).contains(&month) {
                return Err(Error::OutOfRange {
                    name: "month",
                    expected: "between 1 and 12",
                    value: month.to_string(),
                });
            }
            Ok(match slice {
                PeriodSlice::Month => format!("{year:04}-{month:02}"),
                PeriodSlice::Quarter => format!("{year:04}-Q{}", month.div_ceil(3)),
                PeriodSlice::Half => format!("{year:04}-H{}", month.div_ceil(6)),
            })
        })
        .collect()
}

/// `labels[i]` is the stratum of record `i`. Strata are drawn one after another in byte order
/// of their labels, each by the partial Fisher–Yates shuffle over its own records in ascending
/// index order, all from one ChaCha20 stream; items come out stratum by stratum.
pub fn stratified<S: AsRef<str>>(
    seed: Seed,
    origin: SeedOrigin,
    labels: &[S],
    allocation: &Allocation,
) -> Result<Selection> {
    let mut groups: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for (index, label) in labels.iter().enumerate() {
        groups.entry(label.as_ref()).or_default().push(index as u64);
    }
    let population_size = labels.len() as u64;
    let (basis, counts) = match allocation {
        Allocation::Proportional { sample_size } => {
            check_sample(population_size, *sample_size)?;
            (
                AllocationBasis::Proportional,
                proportional(&groups, population_size, *sample_size),
            )
        }
        Allocation::Counts(wanted) => (AllocationBasis::Counts, counted(&groups, wanted)?),
    };
    let total: u64 = counts.iter().sum();
    check_sample(population_size, total)?;

    let mut stream = Stream::new(&seed, SELECTION_STREAM);
    let mut items = Vec::with_capacity(total as usize);
    let mut strata = Vec::with_capacity(groups.len());
    for ((label, members), &count) in groups.iter().zip(&counts) {
        draw_distinct(
            &mut stream,
            members.len() as u64,
            count,
            |p| members[p as usize],
            &mut items,
        );
        strata.push(Stratum {
            label: (*label).to_owned(),
            population: members.len() as u64,
            sample: count,
        });
    }
    Ok(Selection {
        method: Method::Stratified {
            allocation: basis,
            strata,
        },
        seed,
        seed_origin: origin,
        population_size,
        extended_by: 0,
        items,
    })
}

/// Largest-remainder (Hamilton) apportionment in exact integers: stratum `h` first gets
/// `floor(n·N_h / N)`; the items left over go one each to the strata with the largest
/// remainders `n·N_h mod N`, ties to the stratum whose label sorts first. No stratum gets more
/// than it holds.
fn proportional(groups: &BTreeMap<&str, Vec<u64>>, population_size: u64, n: u64) -> Vec<u64> {
    let quotas: Vec<(u64, u128)> = groups
        .values()
        .map(|members| {
            let product = u128::from(n) * members.len() as u128;
            let size = u128::from(population_size);
            ((product / size) as u64, product % size)
        })
        .collect();
    let mut counts: Vec<u64> = quotas.iter().map(|&(floor, _)| floor).collect();
    let leftover = n - counts.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..quotas.len()).collect();
    order.sort_by(|&a, &b| quotas[b].1.cmp(&quotas[a].1).then(a.cmp(&b)));
    for &stratum in order.iter().take(leftover as usize) {
        counts[stratum] += 1;
    }
    counts
}

fn counted(groups: &BTreeMap<&str, Vec<u64>>, wanted: &BTreeMap<String, u64>) -> Result<Vec<u64>> {
    if let Some(label) = wanted
        .keys()
        .find(|label| !groups.contains_key(label.as_str()))
    {
        return Err(Error::EmptyStratum(label.clone()));
    }
    groups
        .iter()
        .map(|(label, members)| {
            let count = wanted.get(*label).copied().unwrap_or(0);
            if count > members.len() as u64 {
                return Err(Error::SampleTooLarge {
                    requested: count,
                    available: members.len() as u64,
                });
            }
            Ok(count)
        })
        .collect()
}
