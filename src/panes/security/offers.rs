//! Runbooks a finding offers, as a pure function of the finding: a GuardDuty finding about
//! an ECS task offers `isolate-task` (task and reason filled in); a finding about
//! credentials (IAM access keys and users, Secrets Manager secrets, exposed secrets)
//! offers `deactivate-access-key` when it names a long-term key (`AKIA…`), then
//! `break-glass` and `rotate-secret` (the secret filled in when the finding names one). Values left empty are for the operator to fill in the runbook's form.

use crate::cloud::{Finding, ThreatFinding, ThreatResource, WorkflowStatus, last_segment};

/// Isolates one ECS task (quarantine security group, out of the target group).
pub const ISOLATE_TASK: &str = "isolate-task";
/// Temporary elevated access for the responder.
pub const BREAK_GLASS: &str = "break-glass";
/// Rotates a Secrets Manager secret.
pub const ROTATE_SECRET: &str = "rotate-secret";
/// Makes a leaked IAM user access key inactive.
pub const DEACTIVATE_KEY: &str = "deactivate-access-key";

/// The long-term IAM user key (`AKIA` + 16) named in `text`, if any: temporary session
/// keys (`ASIA…`) cannot be deactivated, they expire.
pub fn long_term_key(text: &str) -> Option<&str> {
    text.split(|c: char| !c.is_ascii_alphanumeric()).find(|t| {
        t.len() == 20
            && t.starts_with("AKIA")
            && t.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    })
}

fn deactivate(key: &str, why: &str) -> RunbookOffer {
    RunbookOffer::new(
        DEACTIVATE_KEY,
        &[("key", key)],
        format!("{why}: make access key {key} inactive"),
    )
}

/// A runbook a finding suggests, with parameter values taken from the finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunbookOffer {
    pub runbook: String,
    /// Values to fill in over the runbook's defaults (only non-empty ones).
    pub params: Vec<(String, String)>,
    /// Why the finding offers it, for the detail view.
    pub why: String,
}

impl RunbookOffer {
    fn new(runbook: &str, params: &[(&str, &str)], why: String) -> RunbookOffer {
        RunbookOffer {
            runbook: runbook.to_string(),
            params: params
                .iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| (k.to_string(), v.trim().to_string()))
                .collect(),
            why,
        }
    }

    /// `isolate-task  task=…  reason=…` for lists.
    pub fn summary(&self) -> String {
        let mut s = self.runbook.clone();
        for (k, v) in &self.params {
            s.push_str(&format!("  {k}={v}"));
        }
        s
    }
}

/// True for a GuardDuty finding type about IAM credentials: `CredentialAccess:*`,
/// `UnauthorizedAccess:IAMUser/*` and every other `*:IAMUser/*`.
pub fn credential_type(finding_type: &str) -> bool {
    let t = finding_type.trim();
    let (family, rest) = t.split_once(':').unwrap_or((t, ""));
    family.eq_ignore_ascii_case("CredentialAccess")
        || rest
            .split('/')
            .next()
            .is_some_and(|r| r.eq_ignore_ascii_case("IAMUser"))
}

/// ASFF resource types that are credentials.
const CREDENTIAL_RESOURCES: [&str; 3] =
    ["AwsIamAccessKey", "AwsIamUser", "AwsSecretsManagerSecret"];

/// True when a title or ASFF type says credentials or secrets were exposed or misused.
fn mentions_exposed_credentials(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    let what = ["credential", "secret", "password", "access key"]
        .iter()
        .any(|w| t.contains(w));
    let how = [
        "expos",
        "leak",
        "compromis",
        "unauthori",
        "anomal",
        "sensitive data",
        "credential access",
    ]
    .iter()
    .any(|w| t.contains(w));
    what && how
}

/// Offers of a GuardDuty finding.
pub fn threat_offers(t: &ThreatFinding) -> Vec<RunbookOffer> {
    let reason = format!(
        "GuardDuty {} {}",
        or_unknown(&t.finding_type),
        or_unknown(&t.id)
    );
    let mut offers = Vec::new();
    if let ThreatResource::EcsTask { task_arn, .. } = &t.resource
        && !task_arn.trim().is_empty()
    {
        offers.push(isolate(task_arn, &reason));
    }
    if let ThreatResource::AccessKey { access_key_id, .. } = &t.resource
        && let Some(key) = long_term_key(access_key_id)
    {
        offers.push(deactivate(key, "GuardDuty reports the key's misuse"));
    }
    if credential_type(&t.finding_type) || matches!(t.resource, ThreatResource::AccessKey { .. }) {
        offers.extend(credential_offers(
            &reason,
            None,
            "GuardDuty reports credential misuse",
        ));
    }
    offers
}

/// Offers of a Security Hub finding (GuardDuty's forwarded ones included). Passed
/// controls and resolved or muted findings offer nothing.
pub fn finding_offers(f: &Finding) -> Vec<RunbookOffer> {
    if f.compliance.as_deref() == Some("PASSED")
        || matches!(
            f.workflow,
            WorkflowStatus::Resolved | WorkflowStatus::Suppressed
        )
    {
        return Vec::new();
    }
    let guardduty = is_guardduty(f);
    let gd_type = guardduty_type(f);
    let reason = if guardduty {
        format!(
            "GuardDuty {} {}",
            gd_type.unwrap_or_else(|| or_unknown(f.kind())),
            or_unknown(last_segment(&f.id))
        )
    } else {
        let product = if f.product_name.is_empty() {
            "Security Hub"
        } else {
            f.product_name.as_str()
        };
        format!(
            "{product} {} {}",
            or_unknown(f.control()),
            or_unknown(last_segment(&f.id))
        )
    };
    let mut offers = Vec::new();
    if guardduty
        && let Some(task) = f
            .resources
            .iter()
            .find(|r| r.resource_type == "AwsEcsTask" && !r.id.trim().is_empty())
    {
        offers.push(isolate(&task.id, &reason));
    }
    let secret = f
        .resources
        .iter()
        .find(|r| r.resource_type == "AwsSecretsManagerSecret" && !r.id.trim().is_empty())
        .map(|r| r.id.as_str());
    let by_resource = f
        .resources
        .iter()
        .find(|r| CREDENTIAL_RESOURCES.contains(&r.resource_type.as_str()));
    let by_type = guardduty && gd_type.is_some_and(credential_type);
    let by_text = std::iter::once(f.title.as_str())
        .chain(f.types.iter().map(String::as_str))
        .any(mentions_exposed_credentials);
    let why = match (by_resource, by_type) {
        (Some(r), _) => format!("the finding is about {}", r.resource_type),
        (None, true) => "GuardDuty reports credential misuse".to_string(),
        (None, false) => "the finding mentions exposed credentials".to_string(),
    };
    if by_resource.is_some() || by_type || by_text {
        if let Some(key) = f
            .resources
            .iter()
            .filter(|r| r.resource_type == "AwsIamAccessKey")
            .find_map(|r| long_term_key(&r.id))
        {
            offers.push(deactivate(key, &why));
        }
        offers.extend(credential_offers(&reason, secret, &why));
    }
    offers
}

fn isolate(task_arn: &str, reason: &str) -> RunbookOffer {
    RunbookOffer::new(
        ISOLATE_TASK,
        &[("task", task_arn), ("reason", reason)],
        "GuardDuty reports a threat on an ECS task".to_string(),
    )
}

fn credential_offers(reason: &str, secret: Option<&str>, why: &str) -> Vec<RunbookOffer> {
    vec![
        RunbookOffer::new(BREAK_GLASS, &[("reason", reason)], why.to_string()),
        RunbookOffer::new(
            ROTATE_SECRET,
            &[("secret", secret.unwrap_or_default())],
            match secret {
                Some(_) => format!("{why}: rotate this secret"),
                None => format!("{why}: choose the secret to rotate"),
            },
        ),
    ]
}

fn or_unknown(s: &str) -> &str {
    if s.trim().is_empty() { "-" } else { s }
}

/// True for findings GuardDuty sent to Security Hub.
fn is_guardduty(f: &Finding) -> bool {
    f.product_name.eq_ignore_ascii_case("GuardDuty") || f.product_arn.ends_with("/guardduty")
}

/// The GuardDuty finding type inside an ASFF type (`TTPs/Credential
/// Access/CredentialAccess:IAMUser-AnomalousBehavior`): from the segment with a `:` on.
fn guardduty_type(f: &Finding) -> Option<&str> {
    f.types.iter().find_map(|t| {
        let mut start = 0;
        for segment in t.split('/') {
            if segment.contains(':') {
                return t.get(start..);
            }
            start += segment.len() + 1;
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::FindingResource;

    const TASK: &str =
        "arn:aws:ecs:us-east-1:111122223333:task/cloudplatform-prod-ecs-cluster/0123456789abcdef";
    const SECRET: &str =
        "arn:aws:secretsmanager:us-east-1:111122223333:secret:/prod/database/credentials-AbCdEf";

    fn threat(finding_type: &str, resource: ThreatResource) -> ThreatFinding {
        ThreatFinding {
            id: "gd1".into(),
            finding_type: finding_type.into(),
            resource,
            ..Default::default()
        }
    }

    fn names(offers: &[RunbookOffer]) -> Vec<&str> {
        offers.iter().map(|o| o.runbook.as_str()).collect()
    }

    fn param<'a>(o: &'a RunbookOffer, name: &str) -> Option<&'a str> {
        o.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn hub(product: &str, types: &[&str], resources: &[(&str, &str)]) -> Finding {
        Finding {
            id: format!("arn:aws:guardduty:us-east-1:1:detector/d/finding/{product}1"),
            product_name: product.into(),
            title: "a finding".into(),
            types: types.iter().map(|t| t.to_string()).collect(),
            resources: resources
                .iter()
                .map(|(t, id)| FindingResource {
                    resource_type: t.to_string(),
                    id: id.to_string(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn a_guardduty_ecs_task_finding_offers_isolate_task() {
        let t = threat(
            "CryptoCurrency:Runtime/BitcoinTool.B",
            ThreatResource::EcsTask {
                cluster: "c".into(),
                task_arn: TASK.into(),
            },
        );
        let offers = threat_offers(&t);
        assert_eq!(names(&offers), [ISOLATE_TASK]);
        assert_eq!(param(&offers[0], "task"), Some(TASK));
        assert_eq!(
            param(&offers[0], "reason"),
            Some("GuardDuty CryptoCurrency:Runtime/BitcoinTool.B gd1")
        );
        assert!(
            offers[0]
                .summary()
                .starts_with("isolate-task  task=arn:aws:ecs:")
        );
    }

    #[test]
    fn a_cluster_without_a_task_or_an_empty_arn_offers_nothing() {
        let cluster = threat(
            "Execution:Runtime/NewBinaryExecuted",
            ThreatResource::EcsCluster {
                cluster: "c".into(),
            },
        );
        assert!(threat_offers(&cluster).is_empty());
        let empty = threat(
            "Execution:Runtime/NewBinaryExecuted",
            ThreatResource::EcsTask {
                cluster: String::new(),
                task_arn: " ".into(),
            },
        );
        assert!(threat_offers(&empty).is_empty());
    }

    #[test]
    fn guardduty_credential_findings_offer_break_glass_and_rotate_secret() {
        for ty in [
            "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
            "CredentialAccess:IAMUser/AnomalousBehavior",
            "Policy:IAMUser/RootCredentialUsage",
            "credentialaccess:Kubernetes/MaliciousIPCaller",
        ] {
            let offers = threat_offers(&threat(ty, ThreatResource::Unknown));
            assert_eq!(names(&offers), [BREAK_GLASS, ROTATE_SECRET], "{ty}");
            assert_eq!(
                param(&offers[0], "reason"),
                Some(format!("GuardDuty {ty} gd1").as_str())
            );
            assert!(offers[1].params.is_empty(), "no secret named: {ty}");
        }
        // An access key resource is enough, whatever the type.
        let key = threat(
            "Recon:IAMUser/MaliciousIPCaller",
            ThreatResource::AccessKey {
                access_key_id: "AKIA".into(),
                user_name: "ci".into(),
            },
        );
        assert_eq!(names(&threat_offers(&key)), [BREAK_GLASS, ROTATE_SECRET]);
        // A long-term key is offered for deactivation first, filled in.
        let leaked = threat(
            "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom",
            ThreatResource::AccessKey {
                access_key_id: "AKIA4Q2CIDEPLOY7X3ZB".into(),
                user_name: "ci".into(),
            },
        );
        let offers = threat_offers(&leaked);
        assert_eq!(names(&offers), [DEACTIVATE_KEY, BREAK_GLASS, ROTATE_SECRET]);
        assert_eq!(param(&offers[0], "key"), Some("AKIA4Q2CIDEPLOY7X3ZB"));
        // A session key expires: nothing to deactivate.
        assert_eq!(long_term_key("ASIAROOTSESSION00001"), None);
        assert_eq!(
            long_term_key("AWS::IAM::AccessKey:AKIA4Q2CIDEPLOY7X3ZB"),
            Some("AKIA4Q2CIDEPLOY7X3ZB")
        );
        // Not credentials: an S3 policy finding.
        let s3 = threat(
            "Policy:S3/BucketAnonymousAccessGranted",
            ThreatResource::S3Bucket { name: "b".into() },
        );
        assert!(threat_offers(&s3).is_empty());
        assert!(!credential_type("Recon:EC2/PortProbeUnprotectedPort"));
    }

    #[test]
    fn an_empty_threat_offers_nothing_and_missing_fields_read_as_dashes() {
        assert!(threat_offers(&ThreatFinding::default()).is_empty());
        let t = ThreatFinding {
            resource: ThreatResource::EcsTask {
                cluster: String::new(),
                task_arn: TASK.into(),
            },
            ..Default::default()
        };
        let offers = threat_offers(&t);
        assert_eq!(param(&offers[0], "reason"), Some("GuardDuty - -"));
    }

    #[test]
    fn forwarded_guardduty_findings_offer_like_guardduty_ones() {
        let task = hub(
            "GuardDuty",
            &["Unusual Behaviors/CryptoCurrency:Runtime/BitcoinTool.B"],
            &[("AwsEcsCluster", "arn:cluster"), ("AwsEcsTask", TASK)],
        );
        let offers = finding_offers(&task);
        assert_eq!(names(&offers), [ISOLATE_TASK]);
        assert_eq!(param(&offers[0], "task"), Some(TASK));
        assert_eq!(
            param(&offers[0], "reason"),
            Some("GuardDuty CryptoCurrency:Runtime/BitcoinTool.B GuardDuty1")
        );
        let creds = hub(
            "GuardDuty",
            &["TTPs/Credential Access/CredentialAccess:IAMUser-AnomalousBehavior"],
            &[],
        );
        assert_eq!(names(&finding_offers(&creds)), [BREAK_GLASS, ROTATE_SECRET]);
        // Another product's ECS task finding is not a threat to isolate.
        let inspector = hub(
            "Inspector",
            &["Software and Configuration Checks"],
            &[("AwsEcsTask", TASK)],
        );
        assert!(finding_offers(&inspector).is_empty());
    }

    #[test]
    fn security_hub_credential_resources_offer_and_name_the_secret() {
        let secret = hub(
            "Security Hub",
            &["Software and Configuration Checks/AWS Security Best Practices"],
            &[("AwsSecretsManagerSecret", SECRET)],
        );
        let offers = finding_offers(&secret);
        assert_eq!(names(&offers), [BREAK_GLASS, ROTATE_SECRET]);
        assert_eq!(param(&offers[1], "secret"), Some(SECRET));
        assert_eq!(
            param(&offers[0], "reason"),
            Some("Security Hub - Security Hub1")
        );
        assert!(offers[0].why.contains("AwsSecretsManagerSecret"));
        for ty in ["AwsIamAccessKey", "AwsIamUser"] {
            let f = hub("Security Hub", &[], &[(ty, "AKIA1")]);
            let offers = finding_offers(&f);
            assert_eq!(names(&offers), [BREAK_GLASS, ROTATE_SECRET], "{ty}");
            assert!(offers[1].params.is_empty(), "not a secret: {ty}");
        }
    }

    #[test]
    fn exposed_credentials_in_the_title_or_type_offer() {
        let mut f = hub("Macie", &["Sensitive Data Identifications/Passwords"], &[]);
        assert_eq!(names(&finding_offers(&f)), [BREAK_GLASS, ROTATE_SECRET]);
        f.types.clear();
        f.title = "AWS access key exposed in a public repository".into();
        assert_eq!(names(&finding_offers(&f)), [BREAK_GLASS, ROTATE_SECRET]);
        // Mentioning credentials without exposure is a compliance matter, not an incident.
        f.title = "IAM root user access key should not exist".into();
        assert!(finding_offers(&f).is_empty());
    }

    #[test]
    fn passed_resolved_muted_and_empty_findings_offer_nothing() {
        let mut f = hub("Security Hub", &[], &[("AwsIamUser", "u")]);
        f.compliance = Some("PASSED".into());
        assert!(finding_offers(&f).is_empty());
        f.compliance = Some("FAILED".into());
        f.workflow = WorkflowStatus::Suppressed;
        assert!(finding_offers(&f).is_empty());
        f.workflow = WorkflowStatus::Notified;
        assert_eq!(finding_offers(&f).len(), 2);
        assert!(finding_offers(&Finding::default()).is_empty());
    }
}
