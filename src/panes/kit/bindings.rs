//! Help entries: the keys a pane (or the console) handles, as the `?` popup lists them.

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

/// A binding (short constructor for the tables).
pub const fn b(keys: &'static str, what: &'static str) -> Binding {
    Binding { keys, what }
}
