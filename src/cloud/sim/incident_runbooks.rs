//! The incident runbooks on the simulated account. Each environment has the seed's secret
//! hierarchy (§5.5.1); only prod's database credentials have a rotation Lambda (30 days,
//! "manual (dev/staging)"), and a rotation finishes [`ROTATION_SECS`] after it starts
//! (versions and labels: `secret_versions`).
//! Task ENIs start in the environment's `ecs-tasks` security group; the quarantine group,
//! alert topic, break-glass role and MFA device have fixed ids ([`demo_incident_settings`]).
//! Break-glass returns a `SimCloud` whose caller is the assumed role until it expires.

use std::sync::Arc;

use async_trait::async_trait;

use super::SimCloud;
use super::profile::{PROJECT, REGION};
use super::rng;
pub use super::secret_versions::ROTATION_SECS;
use super::secret_versions::{SecretChange, SecretEvent, replay};
use crate::cloud::{
    AccessKey, BreakGlassRequest, CallerIdentity, CloudError, CloudHandle, CloudResult, Elevation,
    IncidentAct, IncidentRead, NetworkInterface, SecretMeta, TargetRef, WriteReceipt,
};
use crate::config::Environment;

/// The incident runbooks' writes applied to the simulated world.
#[derive(Debug, Clone, Default)]
pub struct IncidentLedger {
    /// Every write to a secret's versions (rotations, staged values, label moves).
    pub secret_events: Vec<SecretEvent>,
    /// `GetRandomPassword` calls so far (each answers a different, deterministic value).
    pub passwords_generated: u64,
    /// ENI id → its security groups, once changed.
    pub eni_groups: Vec<(String, Vec<String>)>,
    /// Targets taken out of their target groups.
    pub deregistered: Vec<TargetRef>,
    /// Protected task ARNs.
    pub protected: Vec<String>,
    /// (task ARN, key, value).
    pub task_tags: Vec<(String, String, String)>,
    /// (topic, subject, message) published.
    pub alerts: Vec<(String, String, String)>,
    /// Access keys made inactive (key id).
    pub inactive_keys: Vec<String>,
}

/// The simulated account's one IAM user key the demo's leaked-credentials finding names:
/// (key id, user).
pub const SIM_ACCESS_KEY: (&str, &str) = ("AKIA4Q2CIDEPLOY7X3ZB", "cloudplatform-ci-deployer");

fn sg(env: &str, what: &str) -> String {
    super::profile::security_group(env, what)
}

fn account_of(env: &str) -> String {
    super::profile::EnvProfile::for_env(env).account
}

/// The sim's ids for an environment's incident settings, used in demo mode when the
/// config leaves them unset: (alert topic, quarantine group, break-glass role, MFA device).
pub fn demo_incident_settings(env: &mut Environment) {
    let acct = account_of(&env.name);
    let name = env.name.clone();
    env.alert_topic_arn
        .get_or_insert_with(|| format!("arn:aws:sns:{REGION}:{acct}:{PROJECT}-{name}-alerts"));
    env.quarantine_security_group
        .get_or_insert_with(|| sg(&name, "quarantine"));
    env.break_glass_role_arn
        .get_or_insert_with(|| format!("arn:aws:iam::{acct}:role/{PROJECT}-{name}-break-glass"));
    env.mfa_serial
        .get_or_insert_with(|| format!("arn:aws:iam::{acct}:mfa/oncall"));
}

impl SimCloud {
    fn secret_suffix(name: &str) -> String {
        if name.ends_with("/database/credentials") {
            "AbCdEf".into()
        } else if name.ends_with("/redis/auth-token") {
            "GhIjKl".into()
        } else {
            rng::rng(0, &[name, "secret-suffix"]).pick(b"ABCDEFGHIJKLMNOPabcdefghijklmnop", 6)
        }
    }

    pub(super) fn secret_name(&self, id: &str) -> CloudResult<String> {
        let env = &self.profile.name;
        crate::config::default_secrets(env)
            .into_iter()
            .find(|name| {
                id == name
                    || id == format!("{name}-{}", Self::secret_suffix(name))
                    || id.ends_with(&format!(":secret:{name}"))
                    || id.ends_with(&format!(":secret:{name}-{}", Self::secret_suffix(name)))
            })
            .ok_or_else(|| {
                CloudError::NotFound(format!(
                    "DescribeSecret: ResourceNotFoundException: Secrets Manager can't find the specified secret ({id})"
                ))
            })
    }

    pub(super) fn sim_secret(&self, name: &str) -> SecretMeta {
        let env = &self.profile.name;
        let acct = &self.profile.account;
        let rotated = env == "prod" && name.ends_with("/database/credentials");
        let ledger = self.world.incident_ledger();
        let events: Vec<&SecretEvent> = ledger
            .secret_events
            .iter()
            .filter(|e| &e.env == env && e.name == name)
            .collect();
        let (versions, last_rotation) = replay(name, &events, self.world.now());
        SecretMeta {
            arn: format!(
                "arn:aws:secretsmanager:{REGION}:{acct}:secret:{name}-{}",
                Self::secret_suffix(name)
            ),
            name: name.to_string(),
            rotation_enabled: rotated,
            rotation_lambda: rotated.then(|| {
                format!("arn:aws:lambda:{REGION}:{acct}:function:{PROJECT}-{env}-secret-rotation")
            }),
            rotation_days: rotated.then_some(30),
            last_rotated: last_rotation.or(rotated.then(|| self.world.start() - 12 * 86_400)),
            versions,
        }
    }

    fn default_groups(&self) -> Vec<String> {
        vec![sg(&self.profile.name, "ecs-tasks")]
    }

    pub(super) fn receipt(&self, line: String) -> WriteReceipt {
        let id = self.world.record(
            &self.profile.name,
            "",
            None,
            format!("{} {line}", self.profile.name),
        );
        WriteReceipt {
            request_id: Some(id),
            summary: line,
        }
    }
}

#[async_trait]
impl IncidentRead for SimCloud {
    async fn describe_secret(&self, id: &str) -> CloudResult<SecretMeta> {
        let name = self.secret_name(id)?;
        Ok(self.sim_secret(&name))
    }

    async fn network_interface(&self, eni: &str) -> CloudResult<NetworkInterface> {
        let tasks = crate::cloud::EcsRead::list_tasks(self, &self.profile.cluster()).await?;
        let task = tasks
            .iter()
            .find(|t| t.eni_id.as_deref() == Some(eni))
            .ok_or_else(|| {
                CloudError::NotFound(format!(
                    "DescribeNetworkInterfaces: InvalidNetworkInterfaceID.NotFound: {eni}"
                ))
            })?;
        let groups = self
            .world
            .incident_ledger()
            .eni_groups
            .iter()
            .find(|(e, _)| e == eni)
            .map_or_else(|| self.default_groups(), |(_, g)| g.clone());
        Ok(NetworkInterface {
            id: eni.to_string(),
            private_ip: task.private_ip.clone(),
            groups,
            status: if task.last_status == "STOPPED" {
                "available"
            } else {
                "in-use"
            }
            .into(),
        })
    }

    async fn access_key(&self, key_id: &str) -> CloudResult<AccessKey> {
        self.check(super::SimSource::Identity)?;
        if key_id != SIM_ACCESS_KEY.0 {
            return Err(CloudError::NotFound(format!(
                "GetAccessKeyLastUsed: {key_id} belongs to no IAM user of this account"
            )));
        }
        let inactive = self
            .world
            .incident_ledger()
            .inactive_keys
            .iter()
            .any(|k| k == key_id);
        let now = self.world.now();
        Ok(AccessKey {
            id: key_id.to_string(),
            user: SIM_ACCESS_KEY.1.to_string(),
            status: if inactive { "Inactive" } else { "Active" }.into(),
            created: Some(now - 200 * 86_400),
            last_used: Some(now - 240),
            last_service: Some("s3".into()),
            last_region: Some("ap-southeast-1".into()),
        })
    }
}

#[async_trait]
impl IncidentAct for SimCloud {
    async fn rotate_secret(&self, id: &str, token: &str) -> CloudResult<WriteReceipt> {
        let name = self.secret_name(id)?;
        let meta = self.sim_secret(&name);
        if !meta.rotation_enabled {
            return Err(CloudError::Invalid(format!(
                "RotateSecret: InvalidRequestException: no rotation Lambda is configured for {name}"
            )));
        }
        if meta.pending().is_some() {
            return Err(CloudError::Invalid(format!(
                "RotateSecret: InvalidRequestException: a previous rotation isn't complete for {name}"
            )));
        }
        let event = SecretEvent {
            env: self.profile.name.clone(),
            name: name.clone(),
            at: self.world.now(),
            change: SecretChange::Rotate {
                token: token.to_string(),
            },
        };
        self.world.update_incident(|l| l.secret_events.push(event));
        Ok(self.receipt(format!(
            "RotateSecret {name} RotateImmediately=true ClientRequestToken={token}"
        )))
    }

    async fn set_access_key_status(
        &self,
        user: &str,
        key_id: &str,
        active: bool,
    ) -> CloudResult<WriteReceipt> {
        let key = IncidentRead::access_key(self, key_id).await?;
        if key.user != user {
            return Err(CloudError::NotFound(format!(
                "UpdateAccessKey: NoSuchEntity: {key_id} is not {user}'s"
            )));
        }
        let k = key_id.to_string();
        self.world.update_incident(|l| {
            l.inactive_keys.retain(|x| *x != k);
            if !active {
                l.inactive_keys.push(k);
            }
        });
        Ok(self.receipt(format!(
            "UpdateAccessKey {user} {key_id} Status={}",
            if active { "Active" } else { "Inactive" }
        )))
    }

    async fn set_security_groups(&self, eni: &str, groups: &[String]) -> CloudResult<WriteReceipt> {
        IncidentRead::network_interface(self, eni).await?;
        if groups.is_empty() {
            return Err(CloudError::Invalid(
                "ModifyNetworkInterfaceAttribute: an ENI needs at least one security group".into(),
            ));
        }
        let g = groups.to_vec();
        let e = eni.to_string();
        self.world.update_incident(|l| {
            l.eni_groups.retain(|(x, _)| *x != e);
            l.eni_groups.push((e, g));
        });
        Ok(self.receipt(format!(
            "ModifyNetworkInterfaceAttribute {eni} Groups=[{}]",
            groups.join(", ")
        )))
    }

    async fn deregister_target(&self, target: &TargetRef) -> CloudResult<WriteReceipt> {
        let t = target.clone();
        self.world.update_incident(|l| {
            l.deregistered
                .retain(|x| x.id != t.id || x.target_group != t.target_group);
            l.deregistered.push(t);
        });
        Ok(self.receipt(format!(
            "DeregisterTargets {} from {}",
            target.id, target.target_group
        )))
    }

    async fn register_target(&self, target: &TargetRef) -> CloudResult<WriteReceipt> {
        let t = target.clone();
        self.world.update_incident(|l| {
            l.deregistered
                .retain(|x| x.id != t.id || x.target_group != t.target_group);
        });
        Ok(self.receipt(format!(
            "RegisterTargets {} in {}",
            target.id, target.target_group
        )))
    }

    async fn protect_task(
        &self,
        cluster: &str,
        task_arn: &str,
        minutes: i32,
    ) -> CloudResult<WriteReceipt> {
        self.check_cluster(cluster)?;
        let t = task_arn.to_string();
        self.world.update_incident(|l| l.protected.push(t));
        Ok(self.receipt(format!(
            "UpdateTaskProtection {task_arn} protectionEnabled=true expiresInMinutes={minutes}"
        )))
    }

    async fn tag_task(
        &self,
        task_arn: &str,
        tags: &[(String, String)],
    ) -> CloudResult<WriteReceipt> {
        let t = task_arn.to_string();
        let tags_owned = tags.to_vec();
        self.world.update_incident(|l| {
            for (k, v) in tags_owned {
                l.task_tags.retain(|(a, key, _)| !(a == &t && key == &k));
                l.task_tags.push((t.clone(), k, v));
            }
        });
        let text: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
        Ok(self.receipt(format!("TagResource {task_arn} {}", text.join(", "))))
    }

    async fn publish_alert(
        &self,
        topic_arn: &str,
        subject: &str,
        message: &str,
    ) -> CloudResult<WriteReceipt> {
        if !topic_arn.starts_with("arn:aws:sns:") {
            return Err(CloudError::NotFound(format!(
                "Publish: NotFound: Topic does not exist ({topic_arn})"
            )));
        }
        let entry = (
            topic_arn.to_string(),
            subject.to_string(),
            message.to_string(),
        );
        self.world.update_incident(|l| l.alerts.push(entry));
        Ok(self.receipt(format!("Publish to {topic_arn}: {subject}")))
    }

    async fn assume_break_glass(&self, request: &BreakGlassRequest) -> CloudResult<Elevation> {
        let code = &request.token_code.0;
        if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) || code == "000000" {
            return Err(CloudError::AccessDenied(
                "AssumeRole: MultiFactorAuthentication failed with invalid MFA one time pass code"
                    .into(),
            ));
        }
        if !request
            .role_arn
            .contains(&format!(":{}:role/", self.profile.account))
        {
            return Err(CloudError::AccessDenied(format!(
                "AssumeRole: not authorized to assume {}",
                request.role_arn
            )));
        }
        let role = request.role_arn.rsplit('/').next().unwrap_or("break-glass");
        let assumed_arn = format!(
            "arn:aws:sts::{}:assumed-role/{role}/{}",
            self.profile.account, request.session_name
        );
        let expires_at = self.world.now() + i64::from(request.duration_seconds);
        let receipt = self.receipt(format!(
            "AssumeRole {} as {assumed_arn} for {} s (MFA {})",
            request.role_arn, request.duration_seconds, request.mfa_serial
        ));
        let mut elevated = SimCloud::new(Arc::clone(&self.world), &self.profile.name);
        elevated.identity = Some((
            CallerIdentity {
                session_expires: None,
                account: self.profile.account.clone(),
                arn: assumed_arn.clone(),
                user_id: format!("AROABREAKGLASS:{}", request.session_name),
            },
            expires_at,
        ));
        Ok(Elevation {
            handle: CloudHandle::new(Arc::new(elevated), false),
            assumed_arn,
            expires_at,
            receipt,
        })
    }
}
