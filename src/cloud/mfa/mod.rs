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
