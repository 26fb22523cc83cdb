//! Every command has one shape: take the state, call `engagement`, convert the error. Commands
//! are async so that the window keeps drawing while the engagement file works.

pub mod bindings;
pub mod deliverables;
pub mod file;
pub mod matrix;
pub mod opinion;
pub mod requests;
pub mod team;
pub mod trail;
pub mod window;
pub mod workpaper;

use crate::error::CommandError;

pub type Reply<T> = Result<T, CommandError>;
