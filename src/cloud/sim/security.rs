//! Security Hub and GuardDuty of the simulated account: a fixed catalogue of findings per
//! environment that appear at set offsets from the world's start (negative: history),
//! with the triage writes applied through `SecurityAct` laid over them.
//!
//! Prod's story: during the bad `:42` rollout GuardDuty Runtime Monitoring reports a
//! bitcoin miner on a still-running `:41` task of `cloudplatform-prod-ecs-service`
//! (minute 4); earlier, an anomalous use of the CI deployer's access key, root account
//! usage, a publicly readable assets bucket, a bastion security group open to 0.0.0.0/0
//! (FSBP EC2.19/EC2.18), an openssl CVE in the `v1.9.0` image, and one accepted risk
//! (ELB.5) that is muted.

use super::ecs::ServiceView;
use super::faults::FaultClock;
use super::profile::{EnvProfile, REGION};
use super::rng;
use super::scenario::FaultKind;
use super::security_ledger::Ledger;
use super::timeline::Ctx;
use crate::cloud::{
    Detector, EnabledStandard, Epoch, Finding, FindingNote, FindingResource, RecordState, Severity,
    ThreatFinding, ThreatResource, WorkflowStatus,
};

const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// FSBP's standards id, as control findings reference it.
pub const FSBP: &str = "standards/aws-foundational-security-best-practices/v/1.0.0";
/// CIS v1.4.0's standards id.
pub const CIS: &str = "standards/cis-aws-foundations-benchmark/v/1.4.0";

/// A Security Hub control check.
struct Control {
    id: &'static str,
    title: &'static str,
    description: &'static str,
    severity: Severity,
    standards: &'static [&'static str],
    resource_type: &'static str,
    /// `{env}` is replaced by the environment's name.
    resource: &'static str,
    failed: bool,
    since: i64,
    workflow: WorkflowStatus,
    note: Option<(&'static str, &'static str, i64)>,
    envs: &'static [&'static str],
}

const ALL: &[&str] = &["dev", "staging", "prod"];
const PROD: &[&str] = &["prod"];

const CONTROLS: &[Control] = &[
    Control {
        id: "EC2.19",
        title: "Security groups should not allow unrestricted access to ports with high risk",
        description: "Security group cloudplatform-{env}-bastion-sg allows ingress from 0.0.0.0/0 to port 22 (SSH) and 3389 (RDP).",
        severity: Severity::Critical,
        standards: &[FSBP],
        resource_type: "AwsEc2SecurityGroup",
        resource: "sg-0b5a{env}19bastion",
        failed: true,
        since: -6 * HOUR,
        workflow: WorkflowStatus::New,
        note: None,
        envs: &["staging", "prod"],
    },
    Control {
        id: "EC2.18",
        title: "Security groups should only allow unrestricted incoming traffic for authorized ports",
        description: "Security group cloudplatform-{env}-bastion-sg allows unrestricted traffic on port 22, which is not in the authorized list (80, 443).",
        severity: Severity::High,
        standards: &[FSBP],
        resource_type: "AwsEc2SecurityGroup",
        resource: "sg-0b5a{env}19bastion",
        failed: true,
        since: -6 * HOUR,
        workflow: WorkflowStatus::Notified,
        note: Some((
            "paged #netsec; temporary rule for a vendor session",
            "bob",
            -5 * HOUR,
        )),
        envs: PROD,
    },
    Control {
        id: "S3.8",
        title: "S3 general purpose buckets should block public access",
        description: "Bucket cloudplatform-{env}-static-assets has Block Public Access disabled and a bucket policy granting s3:GetObject to *.",
        severity: Severity::High,
        standards: &[FSBP],
        resource_type: "AwsS3Bucket",
        resource: "arn:aws:s3:::cloudplatform-{env}-static-assets",
        failed: true,
        since: -DAY - 2 * HOUR,
        workflow: WorkflowStatus::New,
        note: None,
        envs: PROD,
    },
    Control {
        id: "CloudWatch.1",
        title: "A log metric filter and alarm should exist for usage of the \"root\" user",
        description: "No CloudWatch log metric filter and alarm match root user API activity in the CloudTrail log group.",
        severity: Severity::Medium,
        standards: &[CIS],
        resource_type: "AwsAccount",
        resource: "AWS::::Account:{account}",
        failed: true,
        since: -9 * DAY,
        workflow: WorkflowStatus::New,
        note: None,
        envs: ALL,
    },
    Control {
        id: "ELB.5",
        title: "Application and Classic Load Balancers logging should be enabled",
        description: "Access logging is disabled on cloudplatform-{env}-alb.",
        severity: Severity::Medium,
        standards: &[FSBP],
        resource_type: "AwsElbv2LoadBalancer",
        resource: "arn:aws:elasticloadbalancing:us-east-1:{account}:loadbalancer/app/cloudplatform-{env}-alb/50dc6c495c0c9188",
        failed: true,
        since: -30 * DAY,
        workflow: WorkflowStatus::Suppressed,
        note: Some((
            "accepted risk: request logs come from CloudFront (RISK-112)",
            "alice",
            -10 * DAY,
        )),
        envs: ALL,
    },
    Control {
        id: "IAM.4",
        title: "IAM root user access key should not exist",
        description: "The root user has no access keys.",
        severity: Severity::Critical,
        standards: &[FSBP, CIS],
        resource_type: "AwsAccount",
        resource: "AWS::::Account:{account}",
        failed: false,
        since: -40 * DAY,
        workflow: WorkflowStatus::Resolved,
        note: None,
        envs: ALL,
    },
    Control {
        id: "RDS.3",
        title: "RDS DB instances should have encryption at-rest enabled",
        description: "cloudplatform-{env}-postgres is encrypted with the environment's KMS key.",
        severity: Severity::Medium,
        standards: &[FSBP],
        resource_type: "AwsRdsDbInstance",
        resource: "arn:aws:rds:us-east-1:{account}:db:cloudplatform-{env}-postgres",
        failed: false,
        since: -40 * DAY,
        workflow: WorkflowStatus::Resolved,
        note: None,
        envs: ALL,
    },
    Control {
        id: "GuardDuty.1",
        title: "GuardDuty should be enabled",
        description: "GuardDuty is enabled in us-east-1.",
        severity: Severity::High,
        standards: &[FSBP],
        resource_type: "AwsAccount",
        resource: "AWS::::Account:{account}",
        failed: false,
        since: -40 * DAY,
        workflow: WorkflowStatus::Resolved,
        note: None,
        envs: ALL,
    },
    Control {
        id: "CloudTrail.1",
        title: "CloudTrail should be enabled and configured with at least one multi-Region trail",
        description: "Trail cloudplatform-{env}-trail is multi-Region with management events.",
        severity: Severity::High,
        standards: &[FSBP, CIS],
        resource_type: "AwsAccount",
        resource: "AWS::::Account:{account}",
        failed: false,
        since: -40 * DAY,
        workflow: WorkflowStatus::Resolved,
        note: None,
        envs: ALL,
    },
    Control {
        id: "ECS.2",
        title: "ECS services should not have public IP addresses assigned to them automatically",
        description: "The ECS services run in private subnets without public IPs.",
        severity: Severity::High,
        standards: &[FSBP],
        resource_type: "AwsEcsService",
        resource: "arn:aws:ecs:us-east-1:{account}:service/cloudplatform-{env}-ecs-cluster/cloudplatform-{env}-ecs-service",
        failed: false,
        since: -40 * DAY,
        workflow: WorkflowStatus::Resolved,
        note: None,
        envs: ALL,
    },
];

/// A GuardDuty finding of the catalogue.
struct Threat {
    key: &'static str,
    finding_type: &'static str,
    score: f64,
    title: &'static str,
    description: &'static str,
    resource: ThreatSpec,
    since: i64,
    /// A repeat every this many seconds raises the count (0: seen once).
    every: i64,
    envs: &'static [&'static str],
}

enum ThreatSpec {
    /// A task of the FastAPI service, running at the finding's start.
    ApiTask,
    AccessKey(&'static str, &'static str),
    Bucket(&'static str),
    Root,
}

const THREATS: &[Threat] = &[
    Threat {
        key: "miner",
        finding_type: "CryptoCurrency:Runtime/BitcoinTool.B",
        score: 8.0,
        title: "Bitcoin-related process detected on an ECS task",
        description: "A process on the task communicated with an IP address associated with Bitcoin mining (runtime monitoring, process /tmp/.x/kdevtmpfsi).",
        resource: ThreatSpec::ApiTask,
        since: 4 * MINUTE,
        every: 2 * MINUTE,
        envs: PROD,
    },
    Threat {
        key: "ci-key",
        finding_type: "CredentialAccess:IAMUser/AnomalousBehavior",
        score: 5.0,
        title: "Anomalous credential access by the CI deployer's access key",
        description: "GetSecretValue on /prod/database/credentials was called by cloudplatform-ci-deployer from an ASN never seen for this principal.",
        resource: ThreatSpec::AccessKey("AKIA4Q2CIDEPLOY7X3ZB", "cloudplatform-ci-deployer"),
        since: -3 * HOUR,
        every: 20 * MINUTE,
        envs: PROD,
    },
    Threat {
        key: "assets-public",
        finding_type: "Policy:S3/BucketAnonymousAccessGranted",
        score: 7.0,
        title: "Anonymous access granted to S3 bucket cloudplatform-prod-static-assets",
        description: "The bucket policy was changed to allow s3:GetObject for Principal *.",
        resource: ThreatSpec::Bucket("cloudplatform-{env}-static-assets"),
        since: -DAY - 2 * HOUR,
        every: 0,
        envs: PROD,
    },
    Threat {
        key: "root",
        finding_type: "Policy:IAMUser/RootCredentialUsage",
        score: 2.0,
        title: "The root user credentials were used",
        description: "ListBuckets and GetAccountSummary were called with the root user's credentials.",
        resource: ThreatSpec::Root,
        since: -2 * DAY,
        every: 0,
        envs: &["dev", "prod"],
    },
];

/// Everything the sim needs to resolve the catalogue at an instant.
pub struct SecurityView<'a> {
    pub ctx: Ctx<'a>,
    pub now: Epoch,
    pub ledger: &'a Ledger,
    /// In a drill: its faults, which decide when the miner and the leaked key show up
    /// and when the operator's response stopped them.
    pub drill: Option<FaultClock>,
}

impl SecurityView<'_> {
    fn env(&self) -> &str {
        &self.ctx.profile.name
    }

    fn fill(&self, s: &str) -> String {
        s.replace("{env}", self.env())
            .replace("{account}", &self.ctx.profile.account)
    }

    fn at(&self, offset: i64) -> Epoch {
        self.ctx.start.saturating_add(offset)
    }

    /// The environment's only detector.
    pub fn detector(&self) -> Detector {
        Detector {
            id: rng::rng(self.ctx.seed, &[self.env(), "guardduty-detector"]).hex(32),
            status: "ENABLED".into(),
            finding_publishing_frequency: Some("FIFTEEN_MINUTES".into()),
            updated_at: Some(self.at(-40 * DAY)),
        }
    }

    /// FSBP and CIS, both READY.
    pub fn standards(&self) -> Vec<EnabledStandard> {
        [FSBP, CIS]
            .iter()
            .map(|id| EnabledStandard {
                standards_arn: format!("arn:aws:securityhub:{REGION}::{id}"),
                subscription_arn: format!(
                    "arn:aws:securityhub:{REGION}:{}:subscription/{}",
                    self.ctx.profile.account,
                    id.trim_start_matches("standards/")
                ),
                status: "READY".into(),
            })
            .collect()
    }

    fn api_task_arn(&self, at: Epoch) -> String {
        let profile: &EnvProfile = self.ctx.profile;
        profile
            .services
            .first()
            .and_then(|spec| ServiceView::new(self.ctx, spec, &[], at))
            .and_then(|view| {
                view.tasks()
                    .into_iter()
                    .map(|(_, t)| t)
                    .find(|t| t.last_status == "RUNNING")
            })
            .map(|t| t.arn)
            .unwrap_or_else(|| profile.task_arn("0000000000000000"))
    }

    /// When a threat is first seen, until when it repeats, and for how many seconds it
    /// has been active (its sightings). In a drill the miner and the CI key's misuse are
    /// its faults' (absent without one; they stop once the operator's response resolved
    /// them).
    fn window(&self, t: &Threat) -> Option<(Epoch, Epoch, i64)> {
        let plain = |first: Epoch| Some((first, Epoch::MAX, (self.now - first).max(0)));
        let kind = match t.key {
            "miner" => FaultKind::CryptoMiner,
            "ci-key" => FaultKind::LeakedKey,
            _ => return plain(self.at(t.since)),
        };
        match &self.drill {
            None => plain(self.at(t.since)),
            // Seen as often as the fault is active: faster once it escalated, never again
            // once the operator's response resolved it.
            Some(faults) => faults.of(kind).next().map(|p| {
                let exposure = (p.accumulated_minutes(self.now) * 60.0) as i64;
                (p.onset, p.resolved.unwrap_or(Epoch::MAX), exposure)
            }),
        }
    }

    /// GuardDuty findings that exist now (archived ones included, flagged).
    pub fn threats(&self) -> Vec<ThreatFinding> {
        let detector = self.detector().id;
        let mut out: Vec<ThreatFinding> = THREATS
            .iter()
            .filter(|t| {
                t.envs.contains(&self.env())
                    || (self.drill.is_some() && matches!(t.key, "miner" | "ci-key"))
            })
            .filter_map(|t| self.window(t).map(|w| (t, w)))
            .filter(|(_, (first, _, _))| *first <= self.now)
            .map(|(t, (first, until, exposure))| {
                let repeats = if t.every > 0 { exposure / t.every } else { 0 };
                let last = (first + repeats * t.every).min(until.min(self.now));
                let id = rng::rng(self.ctx.seed, &[self.env(), "gd", t.key]).hex(32);
                let resource = match t.resource {
                    ThreatSpec::ApiTask => ThreatResource::EcsTask {
                        cluster: self.ctx.profile.cluster_arn(),
                        task_arn: self.api_task_arn(first),
                    },
                    ThreatSpec::AccessKey(key, user) => ThreatResource::AccessKey {
                        access_key_id: key.into(),
                        user_name: user.into(),
                    },
                    ThreatSpec::Bucket(b) => ThreatResource::S3Bucket { name: self.fill(b) },
                    ThreatSpec::Root => ThreatResource::AccessKey {
                        access_key_id: "ASIAROOTSESSION0001".into(),
                        user_name: "Root".into(),
                    },
                };
                ThreatFinding {
                    archived: self.ledger.archived(self.env(), &id),
                    id,
                    detector_id: detector.clone(),
                    finding_type: t.finding_type.into(),
                    severity_score: t.score,
                    title: self.fill(t.title),
                    description: Some(self.fill(t.description)),
                    resource,
                    count: 1 + repeats.clamp(0, i32::MAX as i64) as i32,
                    account: self.ctx.profile.account.clone(),
                    region: REGION.into(),
                    first_seen: Some(first),
                    last_seen: Some(last.max(first)),
                }
            })
            .collect();
        out.sort_by(|a, b| b.severity_score.total_cmp(&a.severity_score));
        out
    }

    /// Every Security Hub finding that exists now, triage writes applied.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = self.catalogue();
        for f in &mut out {
            self.ledger.apply(self.env(), f);
        }
        out
    }

    /// Every Security Hub finding that exists now, as the catalogue has it (no triage writes).
    pub fn catalogue(&self) -> Vec<Finding> {
        let account = &self.ctx.profile.account;
        let mut out: Vec<Finding> = CONTROLS
            .iter()
            .filter(|c| c.envs.contains(&self.env()) && self.at(c.since) <= self.now)
            .map(|c| self.control(c))
            .collect();
        for t in self.threats() {
            out.push(self.forwarded(&t));
        }
        if matches!(self.env(), "staging" | "prod") && self.at(-DAY) <= self.now {
            out.push(self.cve());
        }
        for f in &mut out {
            f.account = account.clone();
            f.region = REGION.into();
        }
        out
    }

    /// The environment's name (for the history's identities).
    pub fn env_name(&self) -> &str {
        self.env()
    }

    fn control(&self, c: &Control) -> Finding {
        let since = self.at(c.since);
        let control_arn = format!(
            "arn:aws:securityhub:{REGION}:{}:security-control/{}",
            self.ctx.profile.account, c.id
        );
        Finding {
            id: format!(
                "{control_arn}/finding/{}",
                rng::rng(self.ctx.seed, &[self.env(), "control", c.id]).uuid()
            ),
            product_arn: format!("arn:aws:securityhub:{REGION}::product/aws/securityhub"),
            product_name: "Security Hub".into(),
            generator_id: format!("security-control/{}", c.id),
            title: format!("{} {}", c.id, c.title),
            description: Some(self.fill(c.description)),
            severity: if c.failed {
                c.severity
            } else {
                Severity::Informational
            },
            types: vec![
                "Software and Configuration Checks/Industry and Regulatory Standards".into(),
            ],
            resources: vec![FindingResource {
                resource_type: c.resource_type.into(),
                id: self.fill(c.resource),
                region: Some(REGION.into()),
                partition: Some("aws".into()),
                tags: vec![
                    ("Environment".into(), self.env().to_string()),
                    ("Project".into(), "cloudplatform".into()),
                ],
            }],
            workflow: c.workflow,
            record_state: RecordState::Active,
            compliance: Some(if c.failed { "FAILED" } else { "PASSED" }.into()),
            control_id: Some(c.id.into()),
            standards: c.standards.iter().map(|s| s.to_string()).collect(),
            remediation_text: Some(format!(
                "For information on how to correct this issue, consult the AWS Security Hub controls documentation ({}).",
                c.id
            )),
            remediation_url: Some(format!(
                "https://docs.aws.amazon.com/console/securityhub/{}/remediation",
                c.id
            )),
            first_seen: Some(since),
            last_seen: Some(since.max(self.now - (self.now - since).rem_euclid(12 * HOUR))),
            updated_at: Some(since),
            note: c.note.map(|(text, by, at)| FindingNote {
                text: text.into(),
                updated_by: Some(by.into()),
                updated_at: Some(self.at(at)),
            }),
            account: String::new(),
            region: String::new(),
        }
    }

    fn forwarded(&self, t: &ThreatFinding) -> Finding {
        let (resource_type, resource_id) = match &t.resource {
            ThreatResource::EcsTask { task_arn, .. } => ("AwsEcsTask", task_arn.clone()),
            ThreatResource::EcsCluster { cluster } => ("AwsEcsCluster", cluster.clone()),
            ThreatResource::AccessKey { access_key_id, .. } => {
                ("AwsIamAccessKey", access_key_id.clone())
            }
            ThreatResource::S3Bucket { name } => ("AwsS3Bucket", format!("arn:aws:s3:::{name}")),
            ThreatResource::Instance { instance_id } => ("AwsEc2Instance", instance_id.clone()),
            ThreatResource::Other { resource_type } => (resource_type.as_str(), "-".into()),
            ThreatResource::Unknown => ("Other", "-".into()),
        };
        let (family, rest) = t
            .finding_type
            .split_once(':')
            .unwrap_or(("", &t.finding_type));
        let ttp = match family {
            "CryptoCurrency" | "Execution" => "Unusual Behaviors",
            "CredentialAccess" => "TTPs/Credential Access",
            _ => "Software and Configuration Checks/AWS Security Best Practices",
        };
        Finding {
            id: format!(
                "arn:aws:guardduty:{REGION}:{}:detector/{}/finding/{}",
                self.ctx.profile.account, t.detector_id, t.id
            ),
            product_arn: format!("arn:aws:securityhub:{REGION}::product/aws/guardduty"),
            product_name: "GuardDuty".into(),
            generator_id: rest.to_string(),
            title: t.title.clone(),
            description: t.description.clone(),
            severity: t.severity(),
            types: vec![format!("{ttp}/{}", t.finding_type)],
            resources: vec![FindingResource {
                resource_type: resource_type.into(),
                id: resource_id,
                region: Some(REGION.into()),
                partition: Some("aws".into()),
                tags: Vec::new(),
            }],
            workflow: WorkflowStatus::New,
            record_state: if t.archived {
                RecordState::Archived
            } else {
                RecordState::Active
            },
            remediation_text: Some(
                "Follow GuardDuty's remediation guidance for this finding type.".into(),
            ),
            remediation_url: Some(
                "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_remediate.html".into(),
            ),
            first_seen: t.first_seen,
            last_seen: t.last_seen,
            updated_at: t.last_seen,
            ..Default::default()
        }
    }

    fn cve(&self) -> Finding {
        let account = &self.ctx.profile.account;
        Finding {
            id: format!(
                "arn:aws:inspector2:{REGION}:{account}:finding/{}",
                rng::rng(self.ctx.seed, &[self.env(), "cve"]).hex(32)
            ),
            product_arn: format!("arn:aws:securityhub:{REGION}::product/aws/inspector"),
            product_name: "Inspector".into(),
            generator_id: "AWSInspector".into(),
            title: "CVE-2024-6119 - openssl".into(),
            description: Some("Issue summary: applications performing certificate name checks (e.g., TLS clients checking server certificates) may attempt to read an invalid memory address, causing abnormal termination.".into()),
            severity: Severity::High,
            types: vec!["Software and Configuration Checks/Vulnerabilities/CVE".into()],
            resources: vec![FindingResource {
                resource_type: "AwsEcrContainerImage".into(),
                id: format!("arn:aws:ecr:{REGION}:123456789012:repository/cloudplatform/fastapi/sha256:9f1c…v1.9.0"),
                region: Some(REGION.into()),
                partition: Some("aws".into()),
                tags: Vec::new(),
            }],
            remediation_text: Some("Upgrade openssl to 3.0.15-r0 or later in the base image and rebuild v1.9.x.".into()),
            remediation_url: Some("https://nvd.nist.gov/vuln/detail/CVE-2024-6119".into()),
            first_seen: Some(self.at(-DAY)),
            last_seen: Some(self.at(-DAY) + 6 * HOUR),
            updated_at: Some(self.at(-DAY) + 6 * HOUR),
            ..Default::default()
        }
    }
}
