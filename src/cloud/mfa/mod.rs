//! Role profiles that need an MFA code (`role_arn` + `source_profile` + `mfa_serial` in
//! `~/.aws/config`), which the Rust SDK cannot sign in with by itself: the profile chain
//! (`chain`), the AWS CLI's session cache shared with the `aws` command (`cli_cache`), and
//! who is asked for the code (`prompter`). The `AssumeRole` call itself lives in
//! `cloud::aws::mfa_provider`.

pub mod chain;
pub mod cli_cache;
mod prompter;

use std::sync::{Arc, Mutex};

pub use prompter::{MfaPrompter, MfaRequest};

use crate::cloud::Epoch;

/// When the MFA session the console signed in with ends (shared between the credential
/// provider that learns it and the identity read that shows it in the header).
pub type SessionExpiry = Arc<Mutex<Option<Epoch>>>;

/// Why there are no credentials: an MFA code was needed and not given (the credential
/// provider's error; the AWS error mapping turns it into `CloudError::MfaNeeded`).
#[derive(Debug)]
pub struct MfaNeeded(pub String);

impl std::fmt::Display for MfaNeeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MfaNeeded {}
