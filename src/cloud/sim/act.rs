//! `UpdateService` against the simulated account: validate like ECS, describe the change
//! for the audit log, and record it in the world.

use super::ecs::ServiceView;
use super::profile::EnvProfile;
use super::source::SimSource;
use super::taskdefs;
use super::timeline::{Change, Ctx};
use super::world::SimWorld;
use crate::cloud::error::{CloudError, CloudResult};
use crate::cloud::{ServiceUpdate, WriteReceipt};

/// The simulated account refuses desired counts above this.
pub const MAX_DESIRED: i32 = 50;

/// Applies `update` to `service` of `cluster` in `profile`'s environment.
pub fn update_service(
    world: &SimWorld,
    profile: &EnvProfile,
    cluster: &str,
    service: &str,
    update: &ServiceUpdate,
) -> CloudResult<WriteReceipt> {
    world.check(SimSource::EcsWrites)?;
    if !profile.is_cluster(cluster) {
        return Err(CloudError::NotFound(format!("cluster {cluster}")));
    }
    let spec = profile
        .service(service)
        .ok_or_else(|| CloudError::NotFound(format!("service {service}")))?;
    let (now, ops) = world.snapshot(&profile.name);
    let ctx = Ctx {
        seed: world.seed(),
        start: world.start(),
        profile,
    };
    let view = ServiceView::new(ctx, spec, &ops, now)
        .ok_or_else(|| CloudError::NotFound(format!("service {service}")))?;
    let (current_td, current_desired) = view
        .primary()
        .map(|p| (format!("{}:{}", p.family, p.revision), p.desired_at(now)))
        .unwrap_or_default();

    let target = match &update.task_definition {
        Some(reference) => {
            let (family, revision) = taskdefs::lookup(profile, reference).ok_or_else(|| {
                CloudError::Invalid(format!("TaskDefinition not found: {reference}"))
            })?;
            Some((family.name.clone(), revision.number))
        }
        None => None,
    };
    if let Some(d) = update.desired_count
        && !(0..=MAX_DESIRED).contains(&d)
    {
        return Err(CloudError::Invalid(format!(
            "desiredCount {d} is outside 0..={MAX_DESIRED}"
        )));
    }

    let mut line = format!(
        "{} UpdateService {}/{}",
        profile.name,
        profile.cluster(),
        spec.name
    );
    let mut summary = Vec::new();
    if let Some((family, revision)) = &target {
        line.push_str(&format!(" taskDefinition={family}:{revision}"));
        summary.push(format!("taskDefinition {current_td} → {family}:{revision}"));
    }
    if let Some(d) = update.desired_count {
        line.push_str(&format!(" desiredCount={d}"));
        summary.push(format!("desiredCount {current_desired} → {d}"));
    }
    if update.force_new_deployment {
        line.push_str(" forceNewDeployment=true");
        summary.push("forceNewDeployment".to_string());
    }
    if summary.is_empty() {
        summary.push("no change".to_string());
    }

    let change = if target.is_some() || update.force_new_deployment {
        Some(Change::Deploy {
            target,
            desired: update.desired_count,
        })
    } else {
        update
            .desired_count
            .map(|desired| Change::Scale { desired })
    };
    let request_id = world.record(&profile.name, &spec.name, change, line);
    Ok(WriteReceipt {
        request_id: Some(request_id),
        summary: format!("UpdateService {}: {}", spec.name, summary.join(", ")),
    })
}
