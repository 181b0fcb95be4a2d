//! Task definition revisions of the simulated account: lookup by ARN, `family:revision`
//! or bare family (latest revision), and the `TaskDefinition` the console sees.

use super::profile::{ECR, EnvProfile, Family, Revision, ServiceKind};
use crate::cloud::TaskContainer;
use crate::cloud::types::{ContainerSummary, Epoch, TaskDefinition};

/// Finds the family and revision `reference` names in `profile`.
pub fn lookup<'a>(profile: &'a EnvProfile, reference: &str) -> Option<(&'a Family, &'a Revision)> {
    let short = match reference.strip_prefix("arn:") {
        Some(_) => {
            let (prefix, rest) = reference.split_once(":task-definition/")?;
            if !prefix.ends_with(&format!(":{}", profile.account)) {
                return None;
            }
            rest
        }
        None => reference,
    };
    match short.rsplit_once(':') {
        Some((family, revision)) => {
            let number: i32 = revision.parse().ok()?;
            let family = profile.family(family)?;
            let rev = family.revisions.iter().find(|r| r.number == number)?;
            Some((family, rev))
        }
        None => {
            let family = profile.family(short)?;
            let rev = family.revisions.iter().max_by_key(|r| r.number)?;
            Some((family, rev))
        }
    }
}

/// The image a revision runs.
pub fn image(revision: &Revision) -> String {
    format!("{ECR}/cloudplatform-api:{}", revision.tag)
}

/// The plain environment variable names of a revision's container: v1.9.0 added the
/// async export flag.
pub fn env_names(revision: &Revision) -> Vec<String> {
    let mut names: Vec<String> = ["APP_ENV", "LOG_LEVEL", "DB_HOST", "REDIS_HOST"]
        .into_iter()
        .map(String::from)
        .collect();
    if revision.tag.starts_with("v1.9") {
        names.push("FEATURE_ASYNC_EXPORT".into());
    }
    names
}

/// The container of a simulated task of `family` on `revision`: its image and digest,
/// and for a stopped one its exit code (1 after a crash, 0 when ECS replaced it).
pub fn task_container(
    family: Option<&Family>,
    revision: i32,
    last_status: &str,
    crashed: Option<bool>,
) -> TaskContainer {
    let rev = family.and_then(|f| f.revisions.iter().find(|r| r.number == revision));
    let name = match family.map(|f| f.kind) {
        Some(ServiceKind::Worker) => "worker",
        _ => "fastapi",
    };
    let image = rev.map(image).unwrap_or_default();
    let digest = image.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let stopped = last_status == "STOPPED";
    TaskContainer {
        name: name.to_string(),
        image,
        image_digest: Some(format!(
            "sha256:{digest:016x}{:016x}{:016x}{:016x}",
            digest.rotate_left(17),
            digest.rotate_left(31),
            digest.rotate_left(47)
        )),
        last_status: last_status.to_string(),
        exit_code: stopped.then(|| if crashed == Some(true) { 1 } else { 0 }),
        // ECS gives a container reason for OOM kills and the like, not for a plain
        // non-zero exit.
        reason: None,
    }
}

/// The `TaskDefinition` for one revision; `start` turns offsets into epochs.
pub fn describe(
    profile: &EnvProfile,
    family: &Family,
    revision: &Revision,
    start: Epoch,
) -> TaskDefinition {
    let container = match family.kind {
        ServiceKind::Api => "fastapi",
        ServiceKind::Worker => "worker",
    };
    TaskDefinition {
        arn: profile.task_definition_arn(&family.name, revision.number),
        family: family.name.clone(),
        revision: revision.number,
        status: "ACTIVE".to_string(),
        cpu: Some(family.cpu.to_string()),
        memory: Some(family.memory.to_string()),
        containers: vec![ContainerSummary {
            name: container.to_string(),
            image: image(revision),
            secret_refs: profile.secret_refs(),
            env_names: env_names(revision),
            log_group: Some(format!("/ecs/{}/fastapi", profile.name)),
        }],
        registered_at: Some(start.saturating_add(revision.registered)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_accepts_arn_short_and_bare_family() {
        let p = EnvProfile::for_env("prod");
        let (f, r) = lookup(&p, "cloudplatform-prod-fastapi:41").expect("short form");
        assert_eq!(
            (f.name.as_str(), r.number),
            ("cloudplatform-prod-fastapi", 41)
        );
        let arn = p.task_definition_arn("cloudplatform-prod-fastapi", 37);
        assert_eq!(lookup(&p, &arn).map(|(_, r)| r.number), Some(37));
        assert_eq!(
            lookup(&p, "cloudplatform-prod-fastapi").map(|(_, r)| r.number),
            Some(42)
        );
        assert!(lookup(&p, "cloudplatform-prod-fastapi:99").is_none());
        assert!(lookup(&p, "cloudplatform-dev-fastapi:56").is_none());
        let foreign = arn.replace("333333333333", "111111111111");
        assert!(lookup(&p, &foreign).is_none());
    }

    #[test]
    fn containers_carry_secret_references_only() {
        let p = EnvProfile::for_env("staging");
        let (f, r) = lookup(&p, "cloudplatform-staging-fastapi:42").expect("exists");
        let td = describe(&p, f, r, 1_000_000);
        assert_eq!(
            td.containers[0].image,
            format!("{ECR}/cloudplatform-api:v1.9.0")
        );
        assert!(
            td.containers[0].secret_refs[0]
                .ends_with(":secret:/staging/database/credentials-AbCdEf")
        );
        assert_eq!(td.cpu.as_deref(), Some("512"));
    }
}
