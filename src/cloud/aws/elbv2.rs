//! ELBv2 `DescribeLoadBalancers` by name: the ALB behind the dashboard's request metrics.

use aws_sdk_elasticloadbalancingv2::Client;

use super::error_map::map_sdk_error;
use crate::cloud::{CloudError, CloudResult};

/// The ARN of the load balancer called `name`, or `None` when there is none.
pub async fn find_load_balancer(client: &Client, name: &str) -> CloudResult<Option<String>> {
    match client.describe_load_balancers().names(name).send().await {
        Ok(out) => Ok(out
            .load_balancers()
            .iter()
            .find_map(|lb| lb.load_balancer_arn().map(str::to_owned))),
        Err(e) => match map_sdk_error("DescribeLoadBalancers", e) {
            CloudError::NotFound(_) => Ok(None),
            other => Err(other),
        },
    }
}
