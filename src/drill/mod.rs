//! Drills: the seed's incidents played on the simulated account, with the operator's
//! responses scored. A drill file (`drills/*.toml`, `~/.config/opsdeck/drills/`) names
//! faults and when they strike, how they escalate, and the expected responses; a
//! [`session::Session`] plays one (in the console, or headless for tests), a journal
//! records the panes opened, and `opsdeck drill report` writes the Markdown debrief.

pub mod file;
pub mod headless;
pub mod journal;
pub mod library;
pub mod model;
pub mod score;
pub mod session;

pub use library::DrillLibrary;
pub use model::Drill;
