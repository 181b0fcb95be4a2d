//! Questions asked on the controlling terminal (`/dev/tty`) for subcommands that need an
//! answer — an MFA code or a new secret value (typed hidden), a choice among candidates —
//! while stdout may be piped. Without a terminal every question fails with
//! [`NO_TERMINAL`], so callers can say what to do instead of hanging on a closed stdin.

use std::io;

/// The error kind a question fails with when there is no terminal to ask on.
pub const NO_TERMINAL: io::ErrorKind = io::ErrorKind::NotConnected;

/// Longest answer read (an MFA code is 6 digits, a choice a few, a secret value typed
/// for a manual rotation up to Secrets Manager's generated maximum).
const MAX_ANSWER: usize = 4096;

/// Asks `prompt` on the terminal and reads one line. With `hidden`, nothing typed is
/// echoed (an MFA code); `ctrl-c` or `ctrl-d` cancel with `ErrorKind::Interrupted`. The
/// terminal's settings are restored before returning, whatever happens.
pub fn ask(prompt: &str, hidden: bool) -> io::Result<String> {
    imp::ask(prompt, hidden)
}

/// True when a terminal is there to ask on.
pub fn available() -> bool {
    imp::available()
}

/// Edits `line` with one input byte; `Some(done)` ends the line (`Ok` on Enter, `Err` on
/// `ctrl-c`/`ctrl-d`).
fn feed(line: &mut String, byte: u8) -> Option<io::Result<()>> {
    match byte {
        b'\r' | b'\n' => Some(Ok(())),
        0x03 | 0x04 => Some(Err(io::Error::new(
            io::ErrorKind::Interrupted,
            "cancelled at the prompt",
        ))),
        0x7f | 0x08 => {
            line.pop();
            None
        }
        b if (0x20..0x7f).contains(&b) && line.len() < MAX_ANSWER => {
            line.push(char::from(b));
            None
        }
        _ => None,
    }
}

#[cfg(unix)]
mod imp {
    use std::fs::{File, OpenOptions};
    use std::io::{self, Read, Write};
    use std::os::fd::AsRawFd;

    use super::{NO_TERMINAL, feed};

    fn open() -> io::Result<File> {
        OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .map_err(|e| io::Error::new(NO_TERMINAL, format!("no terminal to ask on ({e})")))
    }

    pub fn available() -> bool {
        open().is_ok()
    }

    /// Puts the terminal back as it was when dropped.
    struct Restore {
        fd: i32,
        saved: libc::termios,
    }

    impl Drop for Restore {
        fn drop(&mut self) {
            // SAFETY: `fd` is open for the guard's lifetime and `saved` came from tcgetattr.
            unsafe {
                libc::tcsetattr(self.fd, libc::TCSANOW, &self.saved);
            }
        }
    }

    pub fn ask(prompt: &str, hidden: bool) -> io::Result<String> {
        let mut tty = open()?;
        let fd = tty.as_raw_fd();
        // SAFETY: an all-zero termios is a valid value to be filled by tcgetattr.
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: `fd` is an open terminal and `saved` is a valid pointer.
        if unsafe { libc::tcgetattr(fd, &mut saved) } != 0 {
            return Err(io::Error::new(NO_TERMINAL, "not a terminal"));
        }
        let guard = Restore { fd, saved };
        let mut raw = saved;
        // Byte at a time, no signals (ctrl-c is read and cancels, so the echo is always
        // restored), echo only when the answer is not secret.
        raw.c_lflag &= !(libc::ICANON | libc::ISIG | libc::ECHO);
        if !hidden {
            raw.c_lflag |= libc::ECHO;
        }
        raw.c_cc[libc::VMIN] = 1;
        raw.c_cc[libc::VTIME] = 0;
        // SAFETY: as above; `raw` is a modified copy of the terminal's own settings.
        if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &raw) } != 0 {
            return Err(io::Error::last_os_error());
        }
        tty.write_all(prompt.as_bytes())?;
        tty.flush()?;
        let mut line = String::new();
        let mut byte = [0u8; 1];
        let result = loop {
            match tty.read(&mut byte) {
                Ok(0) => {
                    break Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the terminal closed",
                    ));
                }
                Ok(_) => {
                    if let Some(done) = feed(&mut line, byte[0]) {
                        break done;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        drop(guard);
        let _ = tty.write_all(b"\r\n");
        result.map(|()| line.trim().to_string())
    }
}

#[cfg(not(unix))]
mod imp {
    use std::io;

    use super::NO_TERMINAL;

    pub fn available() -> bool {
        false
    }

    pub fn ask(_prompt: &str, _hidden: bool) -> io::Result<String> {
        Err(io::Error::new(
            NO_TERMINAL,
            "asking on the terminal is not supported on this platform",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(bytes: &[u8]) -> (String, Option<io::Result<()>>) {
        let mut line = String::new();
        for b in bytes {
            if let Some(done) = feed(&mut line, *b) {
                return (line, Some(done));
            }
        }
        (line, None)
    }

    #[test]
    fn enter_ends_and_backspace_edits() {
        let (line, done) = typed(b"12x\x7f3456\r");
        assert_eq!(line, "123456");
        assert!(matches!(done, Some(Ok(()))));
    }

    #[test]
    fn ctrl_c_cancels_and_escapes_are_dropped() {
        let (line, done) = typed(b"12\x1b[A\x03");
        assert_eq!(line, "12[A");
        assert_eq!(
            done.and_then(Result::err).map(|e| e.kind()),
            Some(io::ErrorKind::Interrupted)
        );
    }
}
