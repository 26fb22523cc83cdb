//! Monetary-unit sampling: every cent of the population is a sampling unit, so a record's
//! chance of selection is proportional to its amount and large amounts, where an overstatement
//! would matter most, are the likeliest to be examined.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::seed::{Seed, SeedOrigin};
use crate::selection::{Method, Selection};
use crate::stream::{Stream, SELECTION_STREAM};
use crate::systematic::cell_bounds;

/// Fixed interval with one random start, or one random cent in every interval-long cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MusVariant {
    Fixed,
    Cell,
}

/// What the auditor fixed: the number of hits (interval = total / n) or the interval in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MusBasis {
    SampleSize(u64),
    IntervalCents(u64),
}

/// Records with a zero or negative amount hold no monetary units and are never selected (the
/// method cannot reach them; credits and zero balances need their own test). The positive
/// amounts, in index order, lay out the units `0..T`. The interval `J` is `T / n` or the given
/// number of cents, kept as an exact fraction. Records whose amount is at least `J` (the top
/// stratum) are always selected, whichever variant is used. The hits are then:
/// - fixed: start `s = below(numerator)`, hit `j` at unit `floor((s + j·numerator) / denominator)`
///   for as long as that is below `T`;
/// - cell: for each cell `j` in `0..ceil(T / J)`, with bounds as in [`crate::cell`] scaled to
///   units, one unit drawn uniformly in the cell and kept if below `T`.
///
/// A hit selects the record holding that unit. Items come out as the top stratum in index order
/// and then the records hit, in hit order, each once; so there may be fewer items than hits.
pub fn monetary_unit(
    seed: Seed,
    origin: SeedOrigin,
    amounts_in_cents: &[i64],
    basis: MusBasis,
    variant: MusVariant,
) -> Result<Selection> {
    if amounts_in_cents.is_empty() {
        return Err(Error::EmptyPopulation);
    }
    let mut holders = Vec::new();
    let mut ends = Vec::new();
    let mut total: u64 = 0;
    for (index, &amount) in amounts_in_cents.iter().enumerate() {
        if amount > 0 {
            total = total
                .checked_add(amount as u64)
                .ok_or(Error::AmountOverflow)?;
            holders.push(index as u64);
            ends.push(total);
        }
    }
    if total == 0 {
        return Err(Error::NoMonetaryUnits);
    }
    let (numerator, denominator) = match basis {
        MusBasis::SampleSize(n) => (total, n),
        MusBasis::IntervalCents(interval) => (interval, 1),
    };
    if denominator == 0 || numerator == 0 {
        return Err(Error::ZeroSample);
    }
    let (numerator, denominator) = (u128::from(numerator), u128::from(denominator));
    if numerator > u128::from(total) * denominator {
        return Err(Error::OutOfRange {
            name: "the monetary-unit interval",
            expected: "at most the total of the positive amounts",
            value: format!("{numerator}/{denominator} cents against a total of {total}"),
        });
    }
    let cells = (u128::from(total) * denominator).div_ceil(numerator);
    if cells > holders.len() as u128 {
        return Err(Error::OutOfRange {
            name: "the monetary-unit interval",
            expected: "at least the total of the positive amounts divided by the number of records with one",
            value: format!("{numerator}/{denominator} cents for {} such records", holders.len()),
        });
    }

    let mut stream = Stream::new(&seed, SELECTION_STREAM);
    let (random_start, units): (Option<u64>, Vec<u64>) = match variant {
        MusVariant::Fixed => {
            let start = stream.below(numerator as u64);
            let units = (0..)
                .map(|j: u128| ((u128::from(start) + j * numerator) / denominator) as u64)
                .take_while(|&unit| unit < total)
                .collect();
            (Some(start), units)
        }
        MusVariant::Cell => {
            let units = (0..cells)
                .map(|j| {
                    let (low, high) = cell_bounds(j, numerator, denominator);
                    low + stream.below(high - low)
                })
                .filter(|&unit| unit < total)
                .collect();
            (None, units)
        }
    };

    let top: Vec<u64> = holders
        .iter()
        .filter(|&&index| {
            u128::from(amounts_in_cents[index as usize] as u64) * denominator >= numerator
        })
        .copied()
        .collect();
    let mut seen: HashSet<u64> = top.iter().copied().collect();
    let mut items = top.clone();
    for &unit in &units {
        let holder = holders[ends.partition_point(|&end| end <= unit)];
        if seen.insert(holder) {
            items.push(holder);
        }
    }
    Ok(Selection {
        method: Method::MonetaryUnit {
            variant,
            basis,
            total_cents: total,
            interval_numerator: numerator as u64,
            interval_denominator: denominator as u64,
            random_start,
            hits: units.len() as u64,
            top_stratum: top.len() as u64,
            excluded_nonpositive: (amounts_in_cents.len() - holders.len()) as u64,
        },
        seed,
        seed_origin: origin,
        population_size: amounts_in_cents.len() as u64,
        extended_by: 0,
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixed-interval hits are the recorded random start plus whole intervals, worked here
    /// from the amounts alone: with 4 records totalling 100 cents and 2 hits, the interval is
    /// 50 cents and the units are start/2 and (start + 100)/2 in the method's halves of a cent.
    #[test]
    fn fixed_interval_hits_are_the_start_plus_whole_intervals() {
        let amounts = [10, 20, 30, 40];
        let ends = [10, 30, 60, 100];
        for byte in 0..8u8 {
            let seed = Seed([byte; 32]);
            let drawn =
                monetary_unit(seed, SeedOrigin::Explicit, &amounts, MusBasis::SampleSize(2), MusVariant::Fixed).unwrap();
            let Method::MonetaryUnit { random_start: Some(start), hits, .. } = drawn.method else {
                panic!("{:?}", drawn.method)
            };
            assert!(start < 100);
            let holder = |unit: u64| ends.iter().position(|&end| unit < end).unwrap() as u64;
            let mut expected = vec![holder(start / 2)];
            if holder((start + 100) / 2) != expected[0] {
                expected.push(holder((start + 100) / 2));
            }
            assert_eq!((drawn.items, hits), (expected, 2), "{seed:?}, start {start}");
        }
    }
}
