//! The one error type that crosses the cloud boundary.
//!
//! SDK errors are mapped into these variants in `cloud::aws::error_map` by their
//! typed shape and HTTP status; the UI only ever sees a `CloudError`.

use thiserror::Error;

/// What went wrong talking to the cloud, in terms an operator can act on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CloudError {
    /// The caller is not allowed to perform the operation (HTTP 403 or an AccessDenied code).
    #[error("access denied: {0}")]
    AccessDenied(String),
    /// The service throttled the request (HTTP 429 or a throttling code).
    #[error("throttled: {0}")]
    Throttled(String),
    /// The credentials have expired or are missing; re-login (e.g. `aws sso login`).
    #[error("credentials expired or missing: {0}")]
    ExpiredCredentials(String),
    /// An SSO profile's token expired or was never fetched: `aws sso login` fixes it (the
    /// console offers it on `L`). Holds the credential provider's own words.
    #[error(
        "credentials expired or missing: SSO session expired or not started: run `aws sso login` ({0})"
    )]
    SsoExpired(String),
    /// The profile's role needs an MFA code that was not given (cancelled, or no terminal
    /// to ask on): the message says how to start the session.
    #[error("MFA code needed: {0}")]
    MfaNeeded(String),
    /// The named resource does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The endpoint does not implement this operation (e.g. an emulator).
    #[error("not supported by this endpoint: {0}")]
    Unsupported(String),
    /// The request never got a response: DNS, connect, TLS or timeout.
    #[error("network: {0}")]
    Network(String),
    /// The request was refused before it left the process because the console is read-only.
    #[error("refused: opsdeck is in read-only mode")]
    ReadOnly,
    /// The service rejected the request as invalid.
    #[error("invalid request: {0}")]
    Invalid(String),
    /// The service failed (HTTP 5xx, e.g. `InternalFailure`, or a bare 500): transient,
    /// asked again at the next refresh. A write that got it may still have landed.
    #[error("server error: {0}")]
    Server(String),
    /// An answer arrived but could not be read (truncated or garbled body). A write that
    /// got it may have landed.
    #[error("unreadable response: {0}")]
    Unreadable(String),
    /// Any other service-side failure.
    #[error("service error: {0}")]
    Service(String),
}

impl CloudError {
    /// A short label for the error's kind, for compact widgets.
    pub fn kind(&self) -> &'static str {
        match self {
            CloudError::AccessDenied(_) => "AccessDenied",
            CloudError::Throttled(_) => "Throttled",
            CloudError::ExpiredCredentials(_) => "ExpiredCredentials",
            CloudError::SsoExpired(_) => "SsoExpired",
            CloudError::MfaNeeded(_) => "MfaNeeded",
            CloudError::NotFound(_) => "NotFound",
            CloudError::Unsupported(_) => "Unsupported",
            CloudError::Network(_) => "Network",
            CloudError::ReadOnly => "ReadOnly",
            CloudError::Invalid(_) => "Invalid",
            CloudError::Server(_) => "ServerError",
            CloudError::Unreadable(_) => "Unreadable",
            CloudError::Service(_) => "ServiceError",
        }
    }

    /// True when a write that failed this way may still have reached AWS and taken
    /// effect (a timeout or reset after sending, an unreadable answer, a server error):
    /// its outcome is unknown until the state it was to change is read back.
    pub fn may_have_landed(&self) -> bool {
        matches!(
            self,
            CloudError::Network(_) | CloudError::Server(_) | CloudError::Unreadable(_)
        )
    }

    /// True when the credentials are an SSO profile's whose token expired or was never
    /// fetched: `aws sso login` fixes it (the console offers it on `L`).
    pub fn needs_sso_login(&self) -> bool {
        matches!(self, CloudError::SsoExpired(_))
    }

    /// True for failures that say nothing about the request itself (throttling, network,
    /// a server error, an unreadable answer): worth asking again, never a refusal.
    pub fn is_transient(&self) -> bool {
        self.may_have_landed() || matches!(self, CloudError::Throttled(_))
    }
}

/// Result alias used by every cloud trait method.
pub type CloudResult<T> = Result<T, CloudError>;
