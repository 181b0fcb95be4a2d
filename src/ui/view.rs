//! What a frame is drawn from: the console's state and the loaded theme, borrowed
//! together (`View` reads like the state it wraps).

use std::ops::Deref;

use super::theme::Theme;
use crate::app::AppState;

/// The state and theme one frame is drawn from.
pub struct View<'a> {
    pub app: &'a AppState,
    pub theme: &'a Theme,
}

impl Deref for View<'_> {
    type Target = AppState;

    fn deref(&self) -> &AppState {
        self.app
    }
}
