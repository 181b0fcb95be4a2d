//! Terminal setup and teardown: raw mode and the alternate screen, restored on
//! exit, on error and on panic.

use std::io::{self, Stdout};

use crossterm::{
    cursor,
    event::{DisableBracketedPaste, EnableBracketedPaste},
    execute,
    terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode},
};
use ratatui::{Terminal, backend::CrosstermBackend};

/// The terminal type the console draws on.
pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Enter raw mode and the alternate screen, and install a panic hook that restores
/// the terminal before the panic message is printed.
pub fn init() -> io::Result<Tui> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    enable_raw_mode()?;
    let mut stdout = io::stdout();
    if let Err(e) = execute!(
        stdout,
        EnterAlternateScreen,
        EnableBracketedPaste,
        cursor::Hide
    ) {
        restore();
        return Err(e);
    }
    Terminal::new(CrosstermBackend::new(stdout)).inspect_err(|_| restore())
}

/// Take the terminal back after handing it to another program: raw mode, the
/// alternate screen, bracketed paste, cursor hidden.
pub fn resume() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        cursor::Hide
    )
}

/// Leave the alternate screen and raw mode. Safe to call more than once.
pub fn restore() {
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
}

/// Run `f` (which runs a program on the terminal) with the signals a user types at the
/// keyboard — SIGINT, SIGQUIT, SIGTSTP — ignored, as the AWS CLI does around the
/// `session-manager-plugin`: a ctrl-c meant for the program must not stop the console
/// (whose handlers would otherwise see it once the program returns). The program inherits
/// the ignored dispositions and installs its own handlers; the previous ones are restored.
pub fn with_user_signals_ignored<T>(f: impl FnOnce() -> T) -> T {
    #[cfg(unix)]
    {
        const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGQUIT, libc::SIGTSTP];
        // SAFETY: sigaction with a zeroed struct whose handler is SIG_IGN and an empty
        // mask is valid; the old actions are written into our own zeroed structs and put
        // back unchanged afterwards.
        let saved: Vec<(libc::c_int, libc::sigaction)> = SIGNALS
            .iter()
            .filter_map(|&sig| unsafe {
                let mut ignore: libc::sigaction = std::mem::zeroed();
                ignore.sa_sigaction = libc::SIG_IGN;
                libc::sigemptyset(&mut ignore.sa_mask);
                let mut old: libc::sigaction = std::mem::zeroed();
                (libc::sigaction(sig, &ignore, &mut old) == 0).then_some((sig, old))
            })
            .collect();
        let out = f();
        for (sig, old) in &saved {
            // SAFETY: restoring an action the kernel handed us above.
            unsafe {
                libc::sigaction(*sig, old, std::ptr::null_mut());
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        f()
    }
}

/// Restores the terminal when dropped, so every exit path (return, `?`, panic unwind) restores it.
pub struct RestoreGuard;

impl Drop for RestoreGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Resolves when the process receives SIGTERM, SIGHUP, SIGINT or SIGQUIT, storing the
/// signal's number in `caught` (the console then restores the terminal and exits with
/// 128 + that number). Never resolves if the handlers cannot be installed.
pub async fn stop_signal(caught: std::sync::Arc<std::sync::atomic::AtomicI32>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let kinds = [
            (SignalKind::terminate(), 15),
            (SignalKind::hangup(), 1),
            (SignalKind::interrupt(), 2),
            (SignalKind::quit(), 3),
        ];
        let mut streams = Vec::new();
        for (kind, number) in kinds {
            match signal(kind) {
                Ok(s) => streams.push((s, number)),
                Err(e) => tracing::warn!(error = %e, number, "signal handler not installed"),
            }
        }
        if streams.is_empty() {
            return std::future::pending().await;
        }
        let waits = streams.iter_mut().map(|(s, number)| {
            let number = *number;
            Box::pin(async move {
                s.recv().await;
                number
            })
        });
        let (number, _, _) = futures::future::select_all(waits).await;
        tracing::warn!(signal = number, "stopping on a signal");
        caught.store(number, std::sync::atomic::Ordering::SeqCst);
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        caught.store(2, std::sync::atomic::Ordering::SeqCst);
    }
}
