//! The simulated account's Application Auto Scaling activities of a service's desired
//! count: each desired-count change applied through the acting traits (`UpdateService`
//! with `desiredCount`) as a successful activity at its time. The sim scripts no
//! policy-driven scaling, so these are the only activities.

use super::profile::EnvProfile;
use super::timeline::{Change, WriteOp};
use crate::cloud::{Epoch, ScalingActivity, Window};

/// Activities of `service` in `window` up to `now`, newest first (as the API answers).
pub fn activities(
    profile: &EnvProfile,
    ops: &[WriteOp],
    service: &str,
    window: Window,
    now: Epoch,
) -> Vec<ScalingActivity> {
    let Some(spec) = profile.service(service) else {
        return Vec::new();
    };
    let resource_id = format!("service/{}/{}", profile.cluster(), spec.name);
    let operator = profile.caller_arn();
    let mut out: Vec<ScalingActivity> = ops
        .iter()
        .filter(|op| op.service == spec.name && window.contains(op.at) && op.at <= now)
        .filter_map(|op| {
            let desired = match op.change {
                Change::Scale { desired } => desired,
                Change::Deploy {
                    desired: Some(desired),
                    ..
                } => desired,
                Change::Deploy { desired: None, .. } => return None,
            };
            Some(ScalingActivity {
                at: op.at,
                ended_at: Some(op.at),
                resource_id: resource_id.clone(),
                status: "Successful".into(),
                description: format!("Setting desired count to {desired}."),
                cause: format!("UpdateService desiredCount={desired} by {operator}"),
            })
        })
        .collect();
    out.reverse();
    out
}
