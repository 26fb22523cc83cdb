//! The work on each control, in the order it is done: the control matrix (and who has taken
//! each control) and what user
//! entities and subservice organisations are relied on; requests and evidence; walkthroughs and
//! procedures; populations, samples and their monetary amounts; the test grid and its import;
//! exceptions and conclusions; review notes; and the rules (`gates`) that say when a workpaper
//! is done. `workpaper` and `overview` gather it for the screens.

pub mod assignment;
pub mod complementary;
pub mod conclusion;
pub mod control;
pub mod evidence;
pub mod exception;
pub(crate) mod gates;
pub mod grid_import;
pub mod monetary;
pub mod overview;
pub mod population;
pub mod procedure;
pub mod request;
pub mod request_list;
pub mod review;
pub mod sample;
pub mod testing;
pub mod viewing;
pub mod walkthrough;
pub mod workpaper;
