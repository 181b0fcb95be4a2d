//! The hidden prompt for a new secret value (a runbook run with `value=prompt`): the
//! operator types it twice; nothing typed is drawn — not even dots — and it is kept as a
//! [`Redacted`], so no `Debug` of the pane's state shows it. `enter` goes on, `esc` goes
//! back to the parameters.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::cloud::Redacted;
use crate::runbook::model::Runbook;

/// Longest value taken (Secrets Manager's generated maximum).
const MAX_LEN: usize = 4096;

/// An open value prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueEntry {
    pub runbook: Box<Runbook>,
    /// The form's parameters, planned once the value is typed.
    pub raw: BTreeMap<String, String>,
    /// What the value is for (the secret or the replication group).
    pub about: String,
    typed: Redacted,
    first: Option<Redacted>,
    /// The two values typed differed (the prompt starts over).
    pub mismatch: bool,
}

/// What a key did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryOutcome {
    /// Still typing.
    Typing,
    /// Back to the parameters (nothing kept).
    Back,
    /// Typed twice alike.
    Done(Redacted),
}

impl ValueEntry {
    /// A prompt for `about`.
    pub fn new(runbook: Box<Runbook>, raw: BTreeMap<String, String>, about: String) -> Self {
        ValueEntry {
            runbook,
            raw,
            about,
            typed: Redacted::default(),
            first: None,
            mismatch: false,
        }
    }

    /// True once the value was typed the first time (asking for it again).
    pub fn confirming(&self) -> bool {
        self.first.is_some()
    }

    /// Handles one key.
    pub fn on_key(&mut self, key: KeyEvent) -> EntryOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return EntryOutcome::Back,
            KeyCode::Backspace => {
                self.typed.0.pop();
            }
            KeyCode::Char('u') if ctrl => self.typed.0.clear(),
            KeyCode::Char(c) if !ctrl && !c.is_control() && self.typed.0.len() < MAX_LEN => {
                self.typed.0.push(c);
            }
            KeyCode::Enter if !self.typed.0.is_empty() => {
                let typed = std::mem::take(&mut self.typed);
                match self.first.take() {
                    None => {
                        self.first = Some(typed);
                        self.mismatch = false;
                    }
                    Some(first) if first == typed => return EntryOutcome::Done(typed),
                    Some(_) => self.mismatch = true,
                }
            }
            _ => {}
        }
        EntryOutcome::Typing
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::library::Library;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn entry() -> ValueEntry {
        let rb = Library::load(None)
            .get("rotate-secret")
            .cloned()
            .expect("rb");
        ValueEntry::new(Box::new(rb), BTreeMap::new(), "/dev/app/jwt-secret".into())
    }

    fn typed(e: &mut ValueEntry, s: &str) -> EntryOutcome {
        for c in s.chars() {
            e.on_key(key(KeyCode::Char(c)));
        }
        e.on_key(key(KeyCode::Enter))
    }

    #[test]
    fn typed_twice_alike_gives_the_value_and_debug_never_shows_it() {
        let mut e = entry();
        assert_eq!(typed(&mut e, "s3cret-Value"), EntryOutcome::Typing);
        assert!(e.confirming());
        assert!(!format!("{e:?}").contains("s3cret"));
        assert_eq!(
            typed(&mut e, "s3cret-Value"),
            EntryOutcome::Done(Redacted("s3cret-Value".into()))
        );
    }

    #[test]
    fn a_mismatch_starts_over_and_esc_goes_back() {
        let mut e = entry();
        typed(&mut e, "one");
        assert_eq!(typed(&mut e, "two"), EntryOutcome::Typing);
        assert!(e.mismatch && !e.confirming());
        assert_eq!(e.on_key(key(KeyCode::Enter)), EntryOutcome::Typing);
        assert_eq!(e.on_key(key(KeyCode::Esc)), EntryOutcome::Back);
    }
}
