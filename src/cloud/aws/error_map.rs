//! Maps SDK errors to [`CloudError`] by their typed variant, error code and HTTP status
//! (never by message text). Shared by every AWS service module.

use std::error::Error as StdError;

use aws_credential_types::provider::error::CredentialsError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::cloud::CloudError;

/// Shown when no credential provider could supply credentials.
pub const NO_CREDENTIALS: &str = "no credentials: run `aws sso login` or set a profile";

/// Maps the error of `operation` (e.g. `"ListServices"`) to a [`CloudError`].
pub fn map_sdk_error<E>(operation: &str, err: SdkError<E, HttpResponse>) -> CloudError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    let mapped = map_error(operation, &err);
    // Every failure is logged with its request id (inside the caller's span: environment
    // and source).
    let request_id = match &err {
        SdkError::ServiceError(service) => request_id(service.raw()),
        SdkError::ResponseError(response) => request_id(response.raw()),
        _ => None,
    };
    tracing::warn!(
        operation,
        request_id = request_id.as_deref().unwrap_or("-"),
        kind = mapped.kind(),
        error = %mapped,
        "AWS call failed"
    );
    mapped
}

/// The request id AWS put in the response headers, if any.
fn request_id(raw: &HttpResponse) -> Option<String> {
    ["x-amzn-requestid", "x-amz-request-id", "x-amzn-request-id"]
        .iter()
        .find_map(|h| raw.headers().get(*h))
        .map(str::to_string)
}

fn map_error<E>(operation: &str, err: &SdkError<E, HttpResponse>) -> CloudError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    if let Some(why) = mfa_needed(err) {
        return CloudError::MfaNeeded(why);
    }
    if let Some(cause) = credentials_failure(err) {
        // An SSO profile whose token expired (or was never fetched) says so: the fix is
        // `aws sso login`, not a generic credentials error.
        if cause.to_ascii_lowercase().contains("sso") {
            return CloudError::SsoExpired(cause);
        }
        return CloudError::ExpiredCredentials(format!("{NO_CREDENTIALS} ({cause})"));
    }
    match err {
        SdkError::TimeoutError(_) => CloudError::Network(format!("{operation}: timed out")),
        SdkError::DispatchFailure(_) => {
            CloudError::Network(format!("{operation}: {}", DisplayErrorContext(err)))
        }
        SdkError::ConstructionFailure(_) => {
            CloudError::Invalid(format!("{operation}: {}", DisplayErrorContext(err)))
        }
        SdkError::ResponseError(_) => {
            CloudError::Unreadable(format!("{operation}: {}", DisplayErrorContext(err)))
        }
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let meta = service.err();
            classify(operation, status, meta.code(), meta.message())
        }
        _ => CloudError::Service(format!("{operation}: {}", DisplayErrorContext(err))),
    }
}

/// Classifies a service error response by its code (if the body had one) and HTTP status.
pub fn classify(
    operation: &str,
    status: u16,
    code: Option<&str>,
    message: Option<&str>,
) -> CloudError {
    let message = message.unwrap_or_default();
    let detail = |code: &str| {
        if message.is_empty() {
            format!("{operation}: {code}")
        } else {
            format!("{operation}: {code}: {message}")
        }
    };
    let Some(code) = code.filter(|c| !c.is_empty()) else {
        return match status {
            // Only "no such operation" is unsupported. A bare 500 is a server failure
            // (moto answers its unimplemented operations that way too, and it must not
            // silence a source for the session).
            404 | 405 | 501 => CloudError::Unsupported(operation.to_owned()),
            403 => CloudError::AccessDenied(detail("HTTP 403")),
            429 => CloudError::Throttled(detail("HTTP 429")),
            500..=599 => CloudError::Server(detail(&format!("HTTP {status}"))),
            _ => CloudError::Service(detail(&format!("HTTP {status}"))),
        };
    };
    if is_expired_credentials(code) {
        CloudError::ExpiredCredentials(detail(code))
    } else if is_throttling(code) || status == 429 {
        CloudError::Throttled(detail(code))
    } else if is_access_denied(code) || status == 403 {
        CloudError::AccessDenied(detail(code))
    } else if is_not_found(code) {
        CloudError::NotFound(detail(code))
    } else if is_unsupported(code) {
        CloudError::Unsupported(operation.to_owned())
    } else if status == 404 {
        CloudError::NotFound(detail(code))
    } else if status == 400 {
        CloudError::Invalid(detail(code))
    } else if status >= 500 {
        CloudError::Server(detail(code))
    } else {
        CloudError::Service(detail(code))
    }
}

fn is_expired_credentials(code: &str) -> bool {
    code.starts_with("ExpiredToken")
        || code.starts_with("UnrecognizedClient")
        || matches!(
            code,
            "InvalidClientTokenId" | "InvalidAccessKeyId" | "AuthFailure" | "TokenRefreshRequired"
        )
}

fn is_throttling(code: &str) -> bool {
    code.starts_with("Throttl")
        || code.starts_with("TooManyRequests")
        || matches!(
            code,
            "RequestThrottled"
                | "RequestThrottledException"
                | "ThrottledException"
                | "RequestLimitExceeded"
                | "ProvisionedThroughputExceededException"
                | "SlowDown"
                | "PriorRequestNotComplete"
                | "EC2ThrottledException"
                | "BandwidthLimitExceeded"
        )
}

fn is_access_denied(code: &str) -> bool {
    code.starts_with("AccessDenied")
        || matches!(
            code,
            "UnauthorizedOperation"
                | "UnauthorizedException"
                | "AuthorizationError"
                | "AuthorizationErrorException"
                | "NotAuthorized"
        )
}

fn is_not_found(code: &str) -> bool {
    code.contains("NotFound") || code.starts_with("NoSuch")
}

fn is_unsupported(code: &str) -> bool {
    matches!(
        code,
        "UnknownOperationException" | "InvalidAction" | "NotImplemented"
    )
}

/// The first error of `T` in `err`'s source chain.
fn in_chain<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut next: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = next {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        next = e.source();
    }
    None
}

/// The MFA provider's own words when it had no code to sign in with.
fn mfa_needed(err: &(dyn StdError + 'static)) -> Option<String> {
    in_chain::<crate::cloud::mfa::MfaNeeded>(err).map(|m| m.0.clone())
}

/// The credential provider's error, if that is why the request failed.
fn credentials_failure(err: &(dyn StdError + 'static)) -> Option<String> {
    in_chain::<CredentialsError>(err).map(|cred| DisplayErrorContext(cred).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::client::result::ConnectorError;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    #[derive(Debug)]
    struct TestErr(ErrorMetadata);
    impl std::fmt::Display for TestErr {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("test error")
        }
    }
    impl StdError for TestErr {}
    impl ProvideErrorMetadata for TestErr {
        fn meta(&self) -> &ErrorMetadata {
            &self.0
        }
    }

    fn response(status: u16) -> HttpResponse {
        HttpResponse::new(
            StatusCode::try_from(status).expect("valid status"),
            SdkBody::from("<html>oops</html>"),
        )
    }

    fn service(status: u16, code: Option<&str>) -> CloudError {
        let mut meta = ErrorMetadata::builder().message("m");
        if let Some(code) = code {
            meta = meta.code(code);
        }
        map_sdk_error(
            "Op",
            SdkError::service_error(TestErr(meta.build()), response(status)),
        )
    }

    #[test]
    fn codes_and_statuses() {
        assert_eq!(
            service(403, Some("AccessDeniedException")).kind(),
            "AccessDenied"
        );
        assert_eq!(
            service(400, Some("UnauthorizedOperation")).kind(),
            "AccessDenied"
        );
        assert_eq!(service(403, Some("Whatever")).kind(), "AccessDenied");
        assert_eq!(
            service(400, Some("ThrottlingException")).kind(),
            "Throttled"
        );
        assert_eq!(service(400, Some("Throttling")).kind(), "Throttled");
        assert_eq!(
            service(429, Some("TooManyRequestsException")).kind(),
            "Throttled"
        );
        assert_eq!(service(429, None).kind(), "Throttled");
        assert_eq!(
            service(400, Some("ExpiredTokenException")).kind(),
            "ExpiredCredentials"
        );
        assert_eq!(
            service(403, Some("InvalidClientTokenId")).kind(),
            "ExpiredCredentials"
        );
        assert_eq!(
            service(400, Some("UnrecognizedClientException")).kind(),
            "ExpiredCredentials"
        );
        assert_eq!(
            service(400, Some("ClusterNotFoundException")).kind(),
            "NotFound"
        );
        assert_eq!(
            service(400, Some("ServiceNotFoundException")).kind(),
            "NotFound"
        );
        assert_eq!(
            service(400, Some("ResourceNotFoundException")).kind(),
            "NotFound"
        );
        assert_eq!(
            service(400, Some("InvalidParameterException")).kind(),
            "Invalid"
        );
        assert_eq!(service(500, Some("ServerException")).kind(), "ServerError");
        assert_eq!(service(503, None).kind(), "ServerError");
        assert_eq!(
            service(409, Some("ConflictException")).kind(),
            "ServiceError"
        );
    }

    #[test]
    fn only_an_unknown_operation_is_unsupported() {
        for status in [404, 405, 501] {
            assert_eq!(service(status, None), CloudError::Unsupported("Op".into()));
        }
        // A 500 without a code is a server failure, retried, and a write that got it
        // may have landed.
        let e = service(500, None);
        assert_eq!(e, CloudError::Server("Op: HTTP 500: m".into()));
        assert!(e.may_have_landed() && e.is_transient());
    }

    #[test]
    fn invalid_carries_code_and_message() {
        assert_eq!(
            service(400, Some("InvalidParameterException")),
            CloudError::Invalid("Op: InvalidParameterException: m".into())
        );
    }

    #[test]
    fn transport_failures() {
        let timeout: SdkError<TestErr, HttpResponse> = SdkError::timeout_error("slow");
        assert_eq!(map_sdk_error("Op", timeout).kind(), "Network");
        let dispatch: SdkError<TestErr, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::io("refused".into()));
        assert_eq!(map_sdk_error("Op", dispatch).kind(), "Network");
        let construction: SdkError<TestErr, HttpResponse> =
            SdkError::construction_failure("bad input");
        assert_eq!(map_sdk_error("Op", construction).kind(), "Invalid");
        let response: SdkError<TestErr, HttpResponse> =
            SdkError::response_error("garbage", response(200));
        let unreadable = map_sdk_error("Op", response);
        assert_eq!(unreadable.kind(), "Unreadable", "{unreadable:?}");
        assert!(unreadable.may_have_landed());
    }

    #[test]
    fn an_expired_sso_token_says_aws_sso_login() {
        let cred = CredentialsError::provider_error(
            "failed to load a token from the SSO token provider: the SSO token has expired",
        );
        let err: SdkError<TestErr, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::other(cred.into(), None));
        match map_sdk_error("Op", err) {
            e @ CloudError::SsoExpired(_) => {
                assert!(e.to_string().contains("run `aws sso login`"), "{e}");
                assert!(e.needs_sso_login());
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn missing_credentials_say_how_to_fix_it() {
        let cred = CredentialsError::not_loaded("no providers in chain provided credentials");
        let err: SdkError<TestErr, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::other(cred.into(), None));
        match map_sdk_error("Op", err) {
            CloudError::ExpiredCredentials(msg) => assert!(msg.starts_with(NO_CREDENTIALS)),
            other => panic!("unexpected {other:?}"),
        }
    }
}
