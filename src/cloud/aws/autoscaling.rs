//! Application Auto Scaling `DescribeScalingActivities` of one ECS service's desired count,
//! for the incident timeline.
//!
//! The API has no time filter: it answers newest first, so pages are read until an
//! activity started before the window (or the last page), and activities that started
//! in the window are kept.

use aws_sdk_applicationautoscaling::Client;
use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};
use aws_smithy_types::DateTime;

use super::error_map::map_sdk_error;
use super::paging::{MAX_PAGES, endless, next_token};
use crate::cloud::{CloudResult, ScalingActivity, Window};

/// Activities asked for per page (the API's maximum).
const PAGE_SIZE: i32 = 50;

/// Scaling activities of `service/<cluster>/<service>` that started in `window`, newest first.
pub async fn scaling_activities(
    client: &Client,
    cluster: &str,
    service: &str,
    window: Window,
) -> CloudResult<Vec<ScalingActivity>> {
    let resource_id = format!("service/{cluster}/{service}");
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = client
            .describe_scaling_activities()
            .service_namespace(ServiceNamespace::Ecs)
            .resource_id(&resource_id)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .max_results(PAGE_SIZE)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| map_sdk_error("DescribeScalingActivities", e))?;
        let mut older = false;
        for a in page.scaling_activities() {
            let at = a.start_time().secs();
            older |= at < window.since;
            if window.contains(at) {
                out.push(ScalingActivity {
                    at,
                    ended_at: a.end_time().map(DateTime::secs),
                    resource_id: if a.resource_id().is_empty() {
                        resource_id.clone()
                    } else {
                        a.resource_id().to_owned()
                    },
                    status: a.status_code().as_str().to_owned(),
                    description: a.description().to_owned(),
                    cause: a.cause().to_owned(),
                });
            }
        }
        token = next_token(page.next_token());
        if token.is_none() || older {
            return Ok(out);
        }
    }
    Err(endless("DescribeScalingActivities"))
}
