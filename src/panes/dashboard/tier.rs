//! The dashboard's tiers (Requests, Compute, Database, Cache) and their names.

/// The dashboard's tiers, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    Requests,
    Compute,
    Database,
    Cache,
}

impl Tier {
    /// Every tier in display order.
    pub const ALL: [Tier; 4] = [Tier::Requests, Tier::Compute, Tier::Database, Tier::Cache];

    /// The short name verdict lines start with.
    pub fn short(self) -> &'static str {
        match self {
            Tier::Requests => "ALB",
            Tier::Compute => "ECS",
            Tier::Database => "DB",
            Tier::Cache => "Cache",
        }
    }

    /// The tier block's title.
    pub fn title(self) -> &'static str {
        match self {
            Tier::Requests => "REQUESTS",
            Tier::Compute => "COMPUTE",
            Tier::Database => "DATABASE",
            Tier::Cache => "CACHE",
        }
    }
}
