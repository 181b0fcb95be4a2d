//! The console's MFA popup: a role profile's credential provider asked for a code (over
//! the channel the event loop reads); the operator types six digits (shown as dots) and
//! `enter` answers, `esc` cancels (the provider then waits two minutes before asking
//! again). Modal: no other key reaches the panes while it is open.

use crossterm::event::{KeyCode, KeyEvent};

use super::event::{Effect, MfaCode};

/// Digits in an MFA code.
pub const CODE_LEN: usize = 6;

/// An open MFA prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaPrompt {
    pub profile: String,
    /// The MFA device (`mfa_serial`).
    pub serial: String,
    /// Digits typed so far (drawn as dots, never as digits).
    pub typed: String,
}

impl MfaPrompt {
    /// A prompt for `profile`'s device `serial`.
    pub fn new(profile: String, serial: String) -> Self {
        Self {
            profile,
            serial,
            typed: String::new(),
        }
    }

    /// Handles one key; `Some(effect)` closes the prompt with the answer.
    pub fn on_key(&mut self, key: KeyEvent) -> Option<Effect> {
        match key.code {
            KeyCode::Esc => Some(Effect::MfaAnswer(None)),
            KeyCode::Enter if self.typed.len() == CODE_LEN => Some(Effect::MfaAnswer(Some(
                MfaCode(std::mem::take(&mut self.typed)),
            ))),
            KeyCode::Backspace => {
                self.typed.pop();
                None
            }
            KeyCode::Char(c) if c.is_ascii_digit() && self.typed.len() < CODE_LEN => {
                self.typed.push(c);
                None
            }
            _ => None,
        }
    }

    /// The typed digits as dots, padded with underscores to the code's length.
    pub fn masked(&self) -> String {
        let typed = self.typed.chars().count();
        format!(
            "{}{}",
            "•".repeat(typed),
            "_".repeat(CODE_LEN.saturating_sub(typed))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn six_digits_then_enter_answer() {
        let mut p = MfaPrompt::new("prod".into(), "arn:mfa".into());
        for c in "12a3456".chars() {
            assert_eq!(p.on_key(key(KeyCode::Char(c))), None);
        }
        assert_eq!(p.masked(), "••••••");
        assert_eq!(
            p.on_key(key(KeyCode::Char('7'))),
            None,
            "a seventh digit is ignored"
        );
        let answer = p.on_key(key(KeyCode::Enter));
        assert_eq!(
            answer,
            Some(Effect::MfaAnswer(Some(MfaCode("123456".into()))))
        );
        assert!(!format!("{answer:?}").contains("123456"));
    }

    #[test]
    fn enter_waits_for_six_digits_and_esc_cancels() {
        let mut p = MfaPrompt::new("prod".into(), "arn:mfa".into());
        p.on_key(key(KeyCode::Char('1')));
        p.on_key(key(KeyCode::Backspace));
        assert_eq!(p.masked(), "______");
        assert_eq!(p.on_key(key(KeyCode::Enter)), None);
        assert_eq!(p.on_key(key(KeyCode::Esc)), Some(Effect::MfaAnswer(None)));
    }
}
