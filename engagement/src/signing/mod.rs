//! Who did what, provably: the hash-chained trail of every change, each entry signed with its
//! author's personal key (`keys`); sign-offs over the work's content hash; documentation
//! completion and addenda; and `verify`, which checks all of it against the file.

pub(crate) mod completion;
pub mod keys;
pub mod signoff;
pub mod trail;
pub mod verify;
