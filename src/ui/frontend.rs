//! The terminal front end the event loop draws through: a ratatui terminal and the
//! loaded theme, switched and copied to on the loop's request.

use std::io::{self, Write};

use ratatui::Terminal;
use ratatui::backend::Backend;

use super::theme::Theme;
use super::view::View;
use crate::app::AppState;
use crate::app::run::Frontend;

/// The terminal the console draws on, with its theme.
pub struct TerminalFrontend<B: Backend> {
    pub terminal: Terminal<B>,
    pub theme: Theme,
}

impl<B: Backend> Frontend for TerminalFrontend<B>
where
    B::Error: Into<io::Error>,
{
    fn draw(&mut self, state: &AppState) -> io::Result<()> {
        let theme = &self.theme;
        self.terminal
            .draw(|frame| super::draw(frame, &View { app: state, theme }))
            .map(|_| ())
            .map_err(Into::into)
    }

    fn set_theme(&mut self, name: &str, no_color: bool) -> Result<(), String> {
        let theme = Theme::load(name).map_err(|e| e.to_string())?;
        self.theme = if no_color {
            theme.without_color()
        } else {
            theme
        };
        Ok(())
    }

    fn copy(&mut self, text: &str) -> io::Result<()> {
        let mut out = io::stdout();
        out.write_all(crate::clipboard::osc52(text).as_bytes())?;
        out.flush()
    }

    fn run_outside(
        &mut self,
        command: &mut std::process::Command,
    ) -> io::Result<std::process::ExitStatus> {
        crate::terminal::restore();
        let status = crate::terminal::with_user_signals_ignored(|| command.status());
        crate::terminal::resume()?;
        // Clear the screen and forget the last frame so the next draw repaints every cell.
        // Not `Terminal::clear`: it asks the terminal for the cursor position, which a
        // terminal that does not answer turns into a 2 s wait and an error that would
        // hide the program's own exit status.
        crossterm::execute!(
            io::stdout(),
            crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
        )?;
        self.terminal.swap_buffers();
        status
    }
}
