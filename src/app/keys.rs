//! Every key binding, as listed by the `?` help popup. `update.rs` implements them;
//! a test keeps the two in step.

/// One help entry.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static str,
    pub what: &'static str,
}

/// A titled group of bindings.
#[derive(Debug, Clone, Copy)]
pub struct BindingGroup {
    pub title: &'static str,
    pub bindings: &'static [Binding],
}

const fn b(keys: &'static str, what: &'static str) -> Binding {
    Binding { keys, what }
}

/// All bindings, grouped as the help popup shows them.
pub const GROUPS: &[BindingGroup] = &[
    BindingGroup {
        title: "Global",
        bindings: &[
            b("?", "help (this list)"),
            b(":", "command palette (env, theme, pane, refresh, quit)"),
            b("q  ctrl-c", "quit"),
            b("1", "Dashboard pane"),
            b("2", "ECS pane"),
            b("3", "Cost pane"),
            b("4", "Security pane"),
            b("5", "Logs pane"),
            b("6", "Runbooks pane"),
            b("r", "refresh the pane now"),
            b("esc", "close popup / clear filter"),
        ],
    },
    BindingGroup {
        title: "Lists",
        bindings: &[
            b("j k  ↓ ↑", "move selection"),
            b("g G  home end", "first / last"),
            b("pgdn pgup  ctrl-d ctrl-u", "page down / up"),
            b("tab  shift-tab", "next / previous section"),
            b("/", "filter the focused list (enter keeps, esc clears)"),
        ],
    },
    BindingGroup {
        title: "Runbooks pane",
        bindings: &[
            b("enter", "parameters → plan (no changes) → confirm"),
            b("y", "on a plan: confirm and run"),
            b(
                "type env name",
                "confirm a high-risk runbook on a protected environment",
            ),
            b("c", "while running: cancel between steps"),
            b("R", "after failed verification: plan the rollback section"),
            b("esc", "back (cancels a plan or confirmation)"),
        ],
    },
    BindingGroup {
        title: "ECS pane",
        bindings: &[
            b("enter", "on a service: show its tasks"),
            b("a", "tasks: this service's / whole cluster"),
        ],
    },
    BindingGroup {
        title: "Dashboard pane",
        bindings: &[b(
            "t  T",
            "time range: longer / shorter (15m 1h 3h 12h 24h 7d)",
        )],
    },
    BindingGroup {
        title: "Security pane",
        bindings: &[
            b("enter", "detail + history / open a group (esc back)"),
            b("pgdn pgup", "scroll the finding detail"),
            b("o", "open an offered runbook, its form filled in"),
            b("tab", "Security Hub / GuardDuty findings"),
            b("v", "group by control / resource / type / none"),
            b("s  w", "filter: minimum severity / workflow status"),
            b("R  p  t", "filter: record state / product / resource type"),
            b("m", "show / hide muted (SUPPRESSED) findings"),
            b("x", "reset the filters"),
            b("space", "mark / unmark a finding for triage"),
            b(
                "T",
                "triage: set workflow status with a note (plan, confirm, audited)",
            ),
            b("A", "archive GuardDuty findings (plan, confirm, audited)"),
        ],
    },
    BindingGroup {
        title: "Cost pane",
        bindings: &[
            b("m", "unblended / amortized cost"),
            b("y  n", "allow paid Cost Explorer requests / not now"),
        ],
    },
    BindingGroup {
        title: "Logs pane",
        bindings: &[
            b(
                "F1 F2 F3 F4",
                "run recent-errors / errors-by-endpoint / slow-requests / status-volume",
            ),
            b(
                "e",
                "edit the query (tab: groups, range; ctrl-r runs; esc leaves)",
            ),
            b(
                "x  c",
                "run the edited query / cancel the running one (StopQuery)",
            ),
            b("[  ]", "time range shorter / longer"),
            b("s  S", "sort by the next column / reverse the sort"),
            b("enter", "row detail (JSON pretty-printed; esc closes)"),
            b("y", "copy the row (OSC 52)"),
            b("w  W", "export the results as CSV / JSON"),
            b("h  o", "history / saved queries (enter runs)"),
            b("n", "save the query (PutQueryDefinition)"),
            b("t", "live tail on / off"),
            b("space", "tail: pause / resume"),
        ],
    },
    BindingGroup {
        title: "Command palette",
        bindings: &[
            b(":env NAME", "switch environment"),
            b(":theme NAME", "switch colour theme"),
            b(":ecs", "open a pane by name"),
            b(":refresh", "refresh now"),
            b(":help", "help"),
            b(":drop-break-glass", "end the break-glass session now"),
            b(":quit", "quit"),
            b("tab", "complete"),
        ],
    },
];
