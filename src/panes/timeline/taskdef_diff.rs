//! What changed between two task-definition revisions: images, secret references,
//! log groups, containers added or removed, task CPU and memory. Environment variable
//! *names* are compared by the cloud layer's container summary when it carries them;
//! values are never read.

use crate::cloud::{ContainerSummary, TaskDefinition};

/// One line per difference between `old` and `new`, e.g. `api image v1.8.3 → v1.9.0`.
pub fn diff(old: &TaskDefinition, new: &TaskDefinition) -> Vec<String> {
    let mut out = Vec::new();
    if old.cpu != new.cpu {
        out.push(format!("cpu {} → {}", show(&old.cpu), show(&new.cpu)));
    }
    if old.memory != new.memory {
        out.push(format!(
            "memory {} → {}",
            show(&old.memory),
            show(&new.memory)
        ));
    }
    for c in &new.containers {
        match old.containers.iter().find(|o| o.name == c.name) {
            None => out.push(format!("container {} added ({})", c.name, c.image)),
            Some(o) => out.extend(container_diff(o, c)),
        }
    }
    for o in &old.containers {
        if !new.containers.iter().any(|c| c.name == o.name) {
            out.push(format!("container {} removed", o.name));
        }
    }
    out
}

fn container_diff(old: &ContainerSummary, new: &ContainerSummary) -> Vec<String> {
    let mut out = Vec::new();
    let name = &new.name;
    if old.image != new.image {
        out.push(format!(
            "{name} image {} → {}",
            image_tag(&old.image),
            image_tag(&new.image)
        ));
    }
    for s in &new.secret_refs {
        if !old.secret_refs.contains(s) {
            out.push(format!("{name} secret added {}", short_ref(s)));
        }
    }
    for s in &old.secret_refs {
        if !new.secret_refs.contains(s) {
            out.push(format!("{name} secret removed {}", short_ref(s)));
        }
    }
    for v in &new.env_names {
        if !old.env_names.contains(v) {
            out.push(format!("{name} env added {v}"));
        }
    }
    for v in &old.env_names {
        if !new.env_names.contains(v) {
            out.push(format!("{name} env removed {v}"));
        }
    }
    if old.log_group != new.log_group {
        out.push(format!(
            "{name} log group {} → {}",
            show(&old.log_group),
            show(&new.log_group)
        ));
    }
    out
}

fn show(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("-")
}

/// The tag (or digest) of an image reference, the whole reference when it has none.
fn image_tag(image: &str) -> &str {
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split_once('@')
        .map(|(_, d)| d)
        .or_else(|| last.split_once(':').map(|(_, t)| t))
        .unwrap_or(image)
}

/// A secret reference without the account and region noise: the secret's name.
fn short_ref(r: &str) -> &str {
    r.split(":secret:").nth(1).unwrap_or(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn td(revision: i32, image: &str, secrets: &[&str], env: &[&str], cpu: &str) -> TaskDefinition {
        TaskDefinition {
            arn: format!("arn:aws:ecs:us-east-1:1:task-definition/api:{revision}"),
            family: "api".into(),
            revision,
            status: "ACTIVE".into(),
            cpu: Some(cpu.into()),
            memory: Some("1024".into()),
            containers: vec![ContainerSummary {
                name: "fastapi".into(),
                image: image.into(),
                secret_refs: secrets.iter().map(|s| s.to_string()).collect(),
                env_names: env.iter().map(|s| s.to_string()).collect(),
                log_group: Some("/ecs/api".into()),
            }],
            registered_at: None,
        }
    }

    #[test]
    fn names_image_secret_env_and_cpu_changes() {
        let a = td(
            41,
            "1.dkr.ecr/api:v1.8.3",
            &["arn:aws:secretsmanager:us-east-1:1:secret:db-AbC"],
            &["LOG_LEVEL"],
            "512",
        );
        let b = td(
            42,
            "1.dkr.ecr/api:v1.9.0",
            &["arn:aws:secretsmanager:us-east-1:1:secret:redis-XyZ"],
            &["LOG_LEVEL", "FEATURE_X"],
            "1024",
        );
        assert_eq!(
            diff(&a, &b),
            vec![
                "cpu 512 → 1024",
                "fastapi image v1.8.3 → v1.9.0",
                "fastapi secret added redis-XyZ",
                "fastapi secret removed db-AbC",
                "fastapi env added FEATURE_X",
            ]
        );
    }

    #[test]
    fn the_same_revision_has_no_difference() {
        let a = td(41, "api:v1", &[], &[], "512");
        assert!(diff(&a, &a).is_empty());
        assert_eq!(image_tag("repo/api@sha256:abc"), "sha256:abc");
        assert_eq!(image_tag("nginx"), "nginx");
    }
}
