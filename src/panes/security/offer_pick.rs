//! `o` on a finding: open a runbook it offers in the Runbooks pane, its parameter form
//! filled in from the finding. One offer opens at once; several open a small list to
//! choose from (`j`/`k` and `enter`, or the offer's number; `esc` cancels).

use crossterm::event::{KeyCode, KeyEvent};

use super::offers::RunbookOffer;
use crate::panes::kit::Request;

/// The list of offers the operator is choosing from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferPick {
    pub offers: Vec<RunbookOffer>,
    pub cursor: usize,
}

/// What a key did to the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickOutcome {
    Open,
    Cancelled,
    Chosen(RunbookOffer),
}

impl OfferPick {
    /// Handle a key while the list is open (it takes every key).
    pub fn on_key(&mut self, key: KeyEvent) -> PickOutcome {
        let last = self.offers.len().saturating_sub(1);
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => return PickOutcome::Cancelled,
            KeyCode::Char('j') | KeyCode::Down | KeyCode::Tab => {
                self.cursor = (self.cursor + 1).min(last)
            }
            KeyCode::Char('k') | KeyCode::Up | KeyCode::BackTab => {
                self.cursor = self.cursor.saturating_sub(1)
            }
            KeyCode::Enter | KeyCode::Char('o') => {
                if let Some(o) = self.offers.get(self.cursor) {
                    return PickOutcome::Chosen(o.clone());
                }
                return PickOutcome::Cancelled;
            }
            KeyCode::Char(c @ '1'..='9') => {
                let i = c as usize - '1' as usize;
                if let Some(o) = self.offers.get(i) {
                    return PickOutcome::Chosen(o.clone());
                }
            }
            _ => {}
        }
        PickOutcome::Open
    }
}

/// The request that opens `offer`'s runbook form on the Runbooks pane.
pub fn open(offer: &RunbookOffer) -> Request {
    Request::OpenRunbook {
        runbook: offer.runbook.clone(),
        fields: offer.params.clone(),
        announce: format!(
            "{}: parameters filled in from the finding; enter plans (nothing changes yet)",
            offer.runbook
        ),
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::KeyModifiers;

    use super::*;

    fn offer(name: &str) -> RunbookOffer {
        RunbookOffer {
            runbook: name.into(),
            params: Vec::new(),
            why: String::new(),
        }
    }

    fn press(p: &mut OfferPick, code: KeyCode) -> PickOutcome {
        p.on_key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn keys_move_pick_by_number_and_cancel() {
        let mut p = OfferPick {
            offers: vec![offer("a"), offer("b")],
            cursor: 0,
        };
        assert_eq!(press(&mut p, KeyCode::Char('j')), PickOutcome::Open);
        assert_eq!(press(&mut p, KeyCode::Char('j')), PickOutcome::Open);
        assert_eq!(p.cursor, 1, "stops at the last");
        assert_eq!(
            press(&mut p, KeyCode::Enter),
            PickOutcome::Chosen(offer("b"))
        );
        assert_eq!(
            press(&mut p, KeyCode::Char('1')),
            PickOutcome::Chosen(offer("a"))
        );
        assert_eq!(press(&mut p, KeyCode::Char('3')), PickOutcome::Open);
        assert_eq!(press(&mut p, KeyCode::Esc), PickOutcome::Cancelled);
        let mut empty = OfferPick {
            offers: Vec::new(),
            cursor: 0,
        };
        assert_eq!(press(&mut empty, KeyCode::Enter), PickOutcome::Cancelled);
    }
}
