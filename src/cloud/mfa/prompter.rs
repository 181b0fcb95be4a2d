//! Who is asked for an MFA code: the terminal (subcommands: a hidden prompt on
//! `/dev/tty`), the console (a popup, over a channel the event loop reads), or nobody
//! (an error saying how to start the session instead).

use tokio::sync::{mpsc, oneshot};

/// Tries at the terminal before giving up on a code that is not 6 digits.
const TERMINAL_TRIES: usize = 3;

/// A request for a code, answered over `reply` (`None`: the operator cancelled).
#[derive(Debug)]
pub struct MfaRequest {
    /// The profile whose role needs the code.
    pub profile: String,
    /// The MFA device (`mfa_serial`).
    pub serial: String,
    pub reply: oneshot::Sender<Option<String>>,
}

/// Where MFA codes come from.
#[derive(Debug, Clone, Default)]
pub enum MfaPrompter {
    /// A hidden prompt on the controlling terminal; an error when there is none.
    #[default]
    Terminal,
    /// The console's popup: requests go to the event loop.
    Console(mpsc::UnboundedSender<MfaRequest>),
    /// Never ask (tests, scripts): an error says how to start the session.
    Never,
}

impl PartialEq for MfaPrompter {
    fn eq(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

impl Eq for MfaPrompter {}

/// True for a code AWS can accept (6 digits).
pub fn plausible_code(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

/// What to do when nobody can be asked.
fn no_one_to_ask(profile: &str, serial: &str, why: &str) -> String {
    format!(
        "profile {profile} needs an MFA code ({serial}) and {why}: start the session in a terminal \
         (`opsdeck --profile {profile} doctor`, or any `aws --profile {profile}` command) and \
         opsdeck reuses it from ~/.aws/cli/cache until it expires"
    )
}

impl MfaPrompter {
    /// Asks for a code for `profile`'s `serial`; `Err` says why there is none.
    pub async fn ask(&self, profile: &str, serial: &str) -> Result<String, String> {
        match self {
            MfaPrompter::Never => Err(no_one_to_ask(profile, serial, "this run cannot ask")),
            MfaPrompter::Console(tx) => {
                let (reply, answer) = oneshot::channel();
                let request = MfaRequest {
                    profile: profile.to_string(),
                    serial: serial.to_string(),
                    reply,
                };
                if tx.send(request).is_err() {
                    return Err(no_one_to_ask(profile, serial, "the console has closed"));
                }
                match answer.await {
                    Ok(Some(code)) => Ok(code),
                    _ => Err(format!(
                        "profile {profile}: MFA code not given (cancelled); `r` asks again"
                    )),
                }
            }
            MfaPrompter::Terminal => {
                let (profile, serial) = (profile.to_string(), serial.to_string());
                tokio::task::spawn_blocking(move || terminal_code(&profile, &serial))
                    .await
                    .map_err(|e| format!("MFA prompt failed: {e}"))?
            }
        }
    }
}

fn terminal_code(profile: &str, serial: &str) -> Result<String, String> {
    if !crate::tty_prompt::available() {
        return Err(no_one_to_ask(
            profile,
            serial,
            "there is no terminal to ask on",
        ));
    }
    let mut prompt = format!("MFA code for {serial} (profile {profile}): ");
    for _ in 0..TERMINAL_TRIES {
        match crate::tty_prompt::ask(&prompt, true) {
            Ok(code) if plausible_code(&code) => return Ok(code),
            Ok(_) => prompt = format!("An MFA code is 6 digits. MFA code for {serial}: "),
            Err(e) => return Err(format!("profile {profile}: MFA code not given ({e})")),
        }
    }
    Err(format!(
        "profile {profile}: no valid MFA code after {TERMINAL_TRIES} tries"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits() {
        assert!(plausible_code("012345"));
        assert!(!plausible_code("12345"));
        assert!(!plausible_code("12345a"));
        assert!(!plausible_code(" 123456"));
    }

    #[tokio::test]
    async fn the_console_is_asked_over_its_channel() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let prompter = MfaPrompter::Console(tx);
        let answer = tokio::spawn(async move { prompter.ask("prod", "arn:mfa").await });
        let request = rx.recv().await.unwrap();
        assert_eq!(
            (request.profile.as_str(), request.serial.as_str()),
            ("prod", "arn:mfa")
        );
        request.reply.send(Some("123456".into())).unwrap();
        assert_eq!(answer.await.unwrap(), Ok("123456".into()));
    }

    #[tokio::test]
    async fn nobody_to_ask_says_how_to_start_the_session() {
        let e = MfaPrompter::Never.ask("prod", "arn:mfa").await.unwrap_err();
        assert!(
            e.contains("~/.aws/cli/cache") && e.contains("--profile prod"),
            "{e}"
        );
    }
}
