//! Systematic (fixed interval, random start) and cell sampling. Both divide the population into
//! `n` runs of `N / n` items, with the interval kept as the exact fraction `N / n` so that every
//! record has the same chance `n / N` in systematic sampling and no rounding of the interval
//! leaves the end of the population unsampled.

use crate::error::Result;
use crate::seed::{Seed, SeedOrigin};
use crate::selection::{check_sample, Method, Selection};
use crate::stream::{Stream, SELECTION_STREAM};

/// One random start `s` in `0..N`, then item `floor((s + j·N) / n)` for `j = 0..n`. Measured in
/// `n`-ths of an item the interval is exactly `N` and the start falls in the first interval, so
/// the items are distinct and ascending, one from every interval, and each record is selected
/// with probability exactly `n / N`.
pub fn systematic(
    seed: Seed,
    origin: SeedOrigin,
    population_size: u64,
    n: u64,
) -> Result<Selection> {
    check_sample(population_size, n)?;
    let random_start = Stream::new(&seed, SELECTION_STREAM).below(population_size);
    Ok(Selection {
        method: Method::Systematic {
            sample_size: n,
            random_start,
        },
        seed,
        seed_origin: origin,
        population_size,
        extended_by: 0,
        items: systematic_items(population_size, n, random_start),
    })
}

pub(crate) fn systematic_items(population_size: u64, n: u64, random_start: u64) -> Vec<u64> {
    let (size, count, start) = (
        u128::from(population_size),
        u128::from(n),
        u128::from(random_start),
    );
    (0..count)
        .map(|j| ((start + j * size) / count) as u64)
        .collect()
}

/// Cell `j` holds the items `floor(j·N/n) .. floor((j+1)·N/n)`; one item is drawn uniformly from
/// each cell, cell by cell. Unlike a single random start, a pattern in the population cannot
/// line up with the interval. When `N / n` is not whole, cells differ in size by one item.
pub fn cell(seed: Seed, origin: SeedOrigin, population_size: u64, n: u64) -> Result<Selection> {
    check_sample(population_size, n)?;
    let mut stream = Stream::new(&seed, SELECTION_STREAM);
    let items = (0..u128::from(n))
        .map(|j| {
            let (low, high) = cell_bounds(j, u128::from(population_size), u128::from(n));
            low + stream.below(high - low)
        })
        .collect();
    Ok(Selection {
        method: Method::Cell { sample_size: n },
        seed,
        seed_origin: origin,
        population_size,
        extended_by: 0,
        items,
    })
}

/// The half-open range `floor(j·numerator/denominator) .. floor((j+1)·numerator/denominator)`
/// of cell `j` when a line of length `numerator / denominator` per cell is cut into cells.
pub(crate) fn cell_bounds(j: u128, numerator: u128, denominator: u128) -> (u64, u64) {
    (
        (j * numerator / denominator) as u64,
        ((j + 1) * numerator / denominator) as u64,
    )
}
