//! Simple random sampling without replacement, and the partial Fisher–Yates shuffle that
//! stratified sampling and extensions reuse.

use std::collections::HashMap;

use crate::error::Result;
use crate::seed::{Seed, SeedOrigin};
use crate::selection::{check_sample, Method, Selection};
use crate::stream::{Stream, SELECTION_STREAM};

/// Draws `n` distinct records, each equally likely, in the order drawn. Costs O(n) whatever the
/// population's size, so drawing 60 of ten million records is as quick as 60 of a hundred.
pub fn simple_random(
    seed: Seed,
    origin: SeedOrigin,
    population_size: u64,
    n: u64,
) -> Result<Selection> {
    check_sample(population_size, n)?;
    let mut stream = Stream::new(&seed, SELECTION_STREAM);
    let mut items = Vec::with_capacity(n as usize);
    draw_distinct(
        &mut stream,
        population_size,
        n,
        |position| position,
        &mut items,
    );
    Ok(Selection {
        method: Method::SimpleRandom { sample_size: n },
        seed,
        seed_origin: origin,
        population_size,
        extended_by: 0,
        items,
    })
}

/// The first `count` steps of a Fisher–Yates shuffle of the positions `0..domain`: step `i`
/// swaps position `i` with position `i + below(domain - i)` and takes what lands at `i`. Only
/// the positions touched are remembered (a map from position to the position now held there),
/// so the cost is O(count); the map is only ever looked up by key, so its iteration order
/// cannot reach the result. Because step `i` never depends on `count`, drawing more steps keeps
/// the earlier ones. `index_of` turns a position into a population index.
pub(crate) fn draw_distinct(
    stream: &mut Stream,
    domain: u64,
    count: u64,
    index_of: impl Fn(u64) -> u64,
    out: &mut Vec<u64>,
) {
    let mut moved: HashMap<u64, u64> = HashMap::with_capacity(count as usize * 2);
    for i in 0..count {
        let j = i + stream.below(domain - i);
        let at_j = moved.get(&j).copied().unwrap_or(j);
        let at_i = moved.get(&i).copied().unwrap_or(i);
        moved.insert(j, at_i);
        out.push(index_of(at_j));
    }
}
