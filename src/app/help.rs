//! The help popup's contents: the console's own keys, then every pane's (each pane lists
//! the keys it handles through the pane interface), then the palette's commands.

use super::state::AppState;
use crate::panes::Pane;
use crate::panes::kit::{BindingGroup, PaneState, b};

/// Keys that work everywhere (unless a popup or form takes every key).
pub const GLOBAL: BindingGroup = BindingGroup {
    title: "Global",
    bindings: &[
        b("?", "help (this list; j k pgdn pgup scroll)"),
        b(":", "command palette (env, theme, pane, refresh, quit)"),
        b("q  ctrl-c", "quit"),
        b("0", "Fleet: every environment at once"),
        b("1", "Dashboard pane"),
        b("2", "ECS pane"),
        b("3", "Cost pane"),
        b("4", "Security pane"),
        b("5", "Logs pane"),
        b("6", "Runbooks pane"),
        b("r", "refresh the pane now"),
        b("L", "SSO session expired: aws sso login, then read again"),
        b("esc", "back / close popup / clear filter"),
    ],
};

/// Keys of a running drill (shown only during one).
pub const DRILL: BindingGroup = BindingGroup {
    title: "Drill",
    bindings: &[
        b("F9  :hint", "reveal a hint (? is this help)"),
        b("F8  :pause", "pause / resume the simulated clock"),
    ],
};

/// Keys of every list.
pub const LISTS: BindingGroup = BindingGroup {
    title: "Lists",
    bindings: &[
        b("j k  ↓ ↑", "move selection"),
        b("g G  home end", "first / last"),
        b("pgdn pgup  ctrl-d ctrl-u", "page down / up"),
        b("tab  shift-tab", "next / previous section"),
        b("/", "filter the focused list (enter keeps, esc clears)"),
    ],
};

/// The palette's commands.
pub const PALETTE: BindingGroup = BindingGroup {
    title: "Command palette",
    bindings: &[
        b(":env NAME", "switch environment"),
        b(":theme NAME", "switch colour theme"),
        b(":ecs", "open a pane by name"),
        b(":refresh", "refresh now"),
        b(":help", "help"),
        b(":drop-break-glass", "end the break-glass session now"),
        b(
            ":profile P  :region R",
            "this environment's AWS profile / region for the session (tab lists ~/.aws/config's profiles)",
        ),
        b(":quit", "quit"),
        b("tab", "complete"),
    ],
};

/// Every help group, in the order the popup shows them: global, lists, each pane in tab
/// order, the palette.
pub fn groups(state: &AppState) -> Vec<BindingGroup> {
    let mut out = vec![GLOBAL];
    if state.drill.is_some() {
        out.push(DRILL);
    }
    out.push(LISTS);
    for pane in Pane::ALL.into_iter().chain([Pane::Fleet]) {
        out.push(crate::with_pane_ref!(state, pane, |p| p.help()));
    }
    out.push(PALETTE);
    out
}
