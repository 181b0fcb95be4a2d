//! Runbooks: files in `runbooks/` (and the user's config dir) following the seed's
//! template (§12.2), validated at load, planned without side effects, confirmed,
//! executed with every write audited, verified, and rolled back on request.

pub mod audited;
pub mod describe;
pub mod engine;
pub mod file;
pub mod kinds;
pub mod library;
pub mod model;
pub mod params;
pub mod plan;
pub mod steps;
pub mod value;
