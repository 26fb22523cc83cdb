//! The crate's single error type: every rejected input says what was wrong in words an auditor
//! can act on, instead of panicking inside a workpaper.

/// Why a draw, a sample size or an evaluation could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("the population is empty: there is nothing to sample")]
    EmptyPopulation,
    #[error("the sample size must be at least 1")]
    ZeroSample,
    #[error(
        "a sample of {requested} items cannot be drawn without replacement from {available} items"
    )]
    SampleTooLarge { requested: u64, available: u64 },
    #[error("{name} must be {expected}; got {value}")]
    OutOfRange {
        name: &'static str,
        expected: &'static str,
        value: String,
    },
    #[error("stratum {0:?} has no items in the population")]
    EmptyStratum(String),
    #[error("a seed is 64 hexadecimal digits (32 bytes); got {0:?}")]
    InvalidSeed(String),
    #[error("the total of the positive amounts does not fit in 64 bits of cents")]
    AmountOverflow,
    #[error("no items have a positive amount, so there are no monetary units to sample")]
    NoMonetaryUnits,
    #[error("the sample size would exceed {limit} items: the expected deviation rate is too close to the tolerable rate to plan a statistical sample")]
    SampleSizeUnattainable { limit: u64 },
    #[error("the population does not reproduce the recorded selection: {0}")]
    PopulationMismatch(String),
    #[error("the frequency table is not usable: {0}")]
    InvalidTable(String),
}

pub type Result<T> = std::result::Result<T, Error>;
