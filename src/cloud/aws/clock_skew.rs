//! How far the local clock is from AWS's: `GetCallerIdentity` once, reading the `Date`
//! header of its answer. Requests signed more than five minutes off are refused
//! (`SignatureDoesNotMatch`, `RequestExpired`), which looks like a credentials problem.

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_sts::Client;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use time::PrimitiveDateTime;
use time::macros::format_description;

use super::error_map::map_sdk_error;
use crate::cloud::{CloudError, CloudResult, Epoch};

/// Keeps the `Date` header of the answer.
#[derive(Debug, Default, Clone)]
struct DateHeader(Arc<Mutex<Option<String>>>);

impl Intercept for DateHeader {
    fn name(&self) -> &'static str {
        "opsdeck-date-header"
    }

    fn read_after_transmit(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let (Some(date), Ok(mut slot)) =
            (context.response().headers().get("date"), self.0.lock())
        {
            *slot = Some(date.to_string());
        }
        Ok(())
    }
}

/// An HTTP date (`Wed, 02 Dec 2026 16:53:25 GMT`) as Unix seconds.
pub fn http_date(text: &str) -> Option<Epoch> {
    let format = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    PrimitiveDateTime::parse(text.trim(), format)
        .ok()
        .map(|t| t.assume_utc().unix_timestamp())
}

/// AWS's clock minus the local one, in seconds (positive: the local clock is behind).
pub async fn clock_skew(client: &Client) -> CloudResult<Epoch> {
    let header = DateHeader::default();
    client
        .get_caller_identity()
        .customize()
        .interceptor(header.clone())
        .send()
        .await
        .map_err(|e| map_sdk_error("GetCallerIdentity", e))?;
    let local = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as Epoch);
    let date = header.0.lock().ok().and_then(|d| d.clone());
    let server = date
        .as_deref()
        .and_then(http_date)
        .ok_or_else(|| CloudError::Unreadable("GetCallerIdentity: no Date header".into()))?;
    Ok(server - local)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_parse() {
        assert_eq!(
            http_date("Wed, 02 Dec 2026 17:03:29 GMT"),
            Some(1_796_231_009)
        );
        assert_eq!(http_date("yesterday"), None);
    }
}
