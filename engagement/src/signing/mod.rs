//! Who did what, provably: the hash-chained trail of every change, each entry signed with its
//! author's personal key (`keys`); who may change the team and its keys (`team`); sign-offs
//! over the work's content hash; documentation completion and addenda; and `verify`, which
//! checks all of it against the file.

pub(crate) mod completion;
pub mod keys;
pub mod signoff;
pub(crate) mod team;
pub mod trail;
pub mod verify;
