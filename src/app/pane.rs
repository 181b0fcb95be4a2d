//! The panes of the console and how they are named in tabs and the command palette.

/// One screen of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    /// ECS services, deployments, tasks and events.
    Ecs,
}

impl Pane {
    /// Every pane, in tab order (number keys select them).
    pub const ALL: [Pane; 1] = [Pane::Ecs];

    /// The name used in tabs and `:` commands.
    pub fn name(self) -> &'static str {
        match self {
            Pane::Ecs => "ecs",
        }
    }

    /// The tab title.
    pub fn title(self) -> &'static str {
        match self {
            Pane::Ecs => "ECS",
        }
    }

    /// The pane called `name` (case-insensitive).
    pub fn from_name(name: &str) -> Option<Pane> {
        Pane::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name))
    }
}
