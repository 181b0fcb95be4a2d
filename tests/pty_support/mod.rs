//! Driving the real binary in a pseudo-terminal: spawn with an isolated home, and wait
//! until every one of several strings has appeared on screen, in any order (ratatui
//! redraws only changed cells, so the order things arrive in is not the screen order).
#![allow(dead_code)]

use std::io::ErrorKind;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::{Eof, Session, WaitStatus};

/// A running binary and everything it has written.
pub struct Pty {
    pub session: Session,
    transcript: String,
    mark: usize,
}

impl Pty {
    /// Spawn opsdeck with `args`, HOME and XDG dirs under `home`, on a `cols`x`rows` terminal.
    pub fn spawn(args: &[&str], home: &Path, envs: &[(&str, String)], cols: u16, rows: u16) -> Pty {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_opsdeck"));
        cmd.args(args)
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("TERM", "xterm-256color")
            .env_remove("OPSDECK_CONFIG")
            .env_remove("NO_COLOR");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut session = Session::spawn(cmd).expect("spawn opsdeck in a pty");
        session
            .get_process_mut()
            .set_window_size(cols, rows)
            .expect("window size");
        Pty {
            session,
            transcript: String::new(),
            mark: 0,
        }
    }

    /// Wait until each of `needles` has appeared since the last successful wait.
    pub fn wait_all(&mut self, needles: &[&str], timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let mut buf = [0u8; 8192];
        loop {
            let seen = &self.transcript[self.mark..];
            if needles.iter().all(|n| seen.contains(n)) {
                self.mark = self.transcript.len();
                return;
            }
            if Instant::now() > deadline {
                let missing: Vec<&&str> = needles.iter().filter(|n| !seen.contains(**n)).collect();
                panic!("timed out waiting for {missing:?}; screen output since last mark:\n{seen}");
            }
            match self.session.try_read(&mut buf) {
                Ok(0) => std::thread::sleep(Duration::from_millis(20)),
                Ok(n) => self
                    .transcript
                    .push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Err(e) => panic!("reading the pty: {e}"),
            }
        }
    }

    /// Keep reading the screen for `d` (a waiting test must keep reading, or the binary
    /// blocks on a full pty and its clock, input and fetches stall with it).
    pub fn pump(&mut self, d: Duration) {
        let deadline = Instant::now() + d;
        let mut buf = [0u8; 8192];
        while Instant::now() < deadline {
            match self.session.try_read(&mut buf) {
                Ok(n) if n > 0 => self
                    .transcript
                    .push_str(&String::from_utf8_lossy(&buf[..n])),
                Ok(_) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Err(e) => panic!("reading the pty: {e}"),
            }
        }
    }

    /// The screens a `cols`x`rows` terminal showed while replaying everything written so
    /// far (one after every 2 KiB): text searches see the rendered cells, not the raw
    /// stream where ratatui splits a value with cursor moves.
    pub fn screens(&self, cols: u16, rows: u16) -> Vec<String> {
        let mut parser = vt100::Parser::new(rows, cols, 0);
        let bytes = self.transcript.as_bytes();
        let mut out = Vec::new();
        for chunk in bytes.chunks(2048) {
            parser.process(chunk);
            out.push(parser.screen().contents());
        }
        out
    }

    /// Everything the binary has written so far (read by the last wait).
    pub fn transcript(&self) -> &str {
        &self.transcript
    }

    /// Type `keys`.
    pub fn send(&mut self, keys: &str) {
        self.session.send(keys).expect("send keys");
    }

    /// Wait for the process to exit and return everything it wrote after the last mark.
    pub fn finish(mut self) -> (WaitStatus, String) {
        self.session
            .set_expect_timeout(Some(Duration::from_secs(20)));
        let rest = self.session.expect(Eof).expect("process exits");
        self.transcript
            .push_str(&String::from_utf8_lossy(rest.as_bytes()));
        let status = self.session.get_process().wait().expect("wait");
        (status, self.transcript[self.mark..].to_string())
    }

    /// The exit status a clean exit has.
    pub fn exited_ok(&self) -> WaitStatus {
        WaitStatus::Exited(self.session.get_process().pid(), 0)
    }
}
