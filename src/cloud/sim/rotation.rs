//! Manual secret rotation and Redis AUTH token rotation on the simulated account:
//! `GetRandomPassword` answers a deterministic value (the n-th call of the world, drawn
//! from the policy's alphabet); `PutSecretValue` and `UpdateSecretVersionStage` change the
//! versions' labels (`secret_versions`) with Secrets Manager's checks; an AUTH token change
//! leaves the replication group `modifying` for a few seconds. No value is kept.

use async_trait::async_trait;

use super::SimCloud;
use super::data::AUTH_MODIFY_SECS;
use super::rng;
use super::secret_versions::{SecretChange, SecretEvent};
use crate::cloud::{
    AWS_CURRENT, AuthTokenStrategy, CloudError, CloudResult, PasswordPolicy, Redacted, RotationAct,
    StageMove, WriteReceipt,
};

const PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// The characters a policy allows.
fn alphabet(policy: &PasswordPolicy) -> Vec<u8> {
    let mut all: Vec<u8> = (b'a'..=b'z')
        .chain(b'A'..=b'Z')
        .chain(b'0'..=b'9')
        .collect();
    if !policy.exclude_punctuation {
        all.extend(PUNCTUATION.bytes());
    }
    all.retain(|c| !policy.exclude_characters.as_bytes().contains(c));
    all
}

impl SimCloud {
    fn secret_event(&self, name: &str, change: SecretChange) {
        let event = SecretEvent {
            env: self.profile.name.clone(),
            name: name.to_string(),
            at: self.world.now(),
            change,
        };
        self.world.update_incident(|l| l.secret_events.push(event));
    }
}

#[async_trait]
impl RotationAct for SimCloud {
    async fn random_password(&self, policy: &PasswordPolicy) -> CloudResult<Redacted> {
        let chars = alphabet(policy);
        if !(1..=4096).contains(&policy.length) || chars.is_empty() {
            return Err(CloudError::Invalid(
                "GetRandomPassword: InvalidParameterException: the policy leaves no password to make"
                    .into(),
            ));
        }
        let mut n = 0;
        self.world.update_incident(|l| {
            l.passwords_generated += 1;
            n = l.passwords_generated;
        });
        let value = rng::rng(0, &[&self.profile.name, "random-password", &n.to_string()])
            .pick(&chars, policy.length as usize);
        Ok(Redacted(value))
    }

    async fn put_secret_pending(
        &self,
        secret: &str,
        version: &str,
        _value: &Redacted,
    ) -> CloudResult<WriteReceipt> {
        let name = self.secret_name(secret)?;
        if !self
            .sim_secret(&name)
            .versions
            .iter()
            .any(|v| v.id == version)
        {
            self.secret_event(
                &name,
                SecretChange::Put {
                    version: version.to_string(),
                },
            );
        }
        Ok(self.receipt(format!(
            "PutSecretValue {name}: version {version} staged AWSPENDING"
        )))
    }

    async fn move_secret_stage(&self, change: &StageMove) -> CloudResult<WriteReceipt> {
        let name = self.secret_name(&change.secret)?;
        let meta = self.sim_secret(&name);
        let has = |id: &str| meta.versions.iter().find(|v| v.id == id);
        if let Some(from) = &change.remove_from {
            match has(from) {
                Some(v) if v.stages.contains(&change.stage) => {}
                _ => {
                    return Err(CloudError::Invalid(format!(
                        "UpdateSecretVersionStage: InvalidParameterException: version {from} of {name} is not labelled {}",
                        change.stage
                    )));
                }
            }
        } else if change.stage == AWS_CURRENT {
            return Err(CloudError::Invalid(format!(
                "UpdateSecretVersionStage: InvalidParameterException: RemoveFromVersionId is needed to move AWSCURRENT of {name}"
            )));
        }
        if let Some(to) = &change.move_to
            && has(to).is_none()
        {
            return Err(CloudError::Invalid(format!(
                "UpdateSecretVersionStage: InvalidParameterException: {name} has no version {to}"
            )));
        }
        self.secret_event(
            &name,
            SecretChange::Stage {
                stage: change.stage.clone(),
                move_to: change.move_to.clone(),
                remove_from: change.remove_from.clone(),
            },
        );
        Ok(self.receipt(format!(
            "UpdateSecretVersionStage {name} {}: {} → {}",
            change.stage,
            change.remove_from.as_deref().unwrap_or("-"),
            change.move_to.as_deref().unwrap_or("-")
        )))
    }

    async fn modify_auth_token(
        &self,
        replication_group: &str,
        token: &Redacted,
        strategy: AuthTokenStrategy,
    ) -> CloudResult<WriteReceipt> {
        let group = self.sim_cache(replication_group)?;
        if group.status != "available" {
            return Err(CloudError::Invalid(format!(
                "ModifyReplicationGroup: InvalidReplicationGroupState: {replication_group} is {}",
                group.status
            )));
        }
        let t = &token.0;
        let allowed = |c: char| c.is_ascii_alphanumeric() || "!&#$^<>-".contains(c);
        if !(16..=128).contains(&t.len()) || !t.chars().all(allowed) {
            return Err(CloudError::Invalid(
                "ModifyReplicationGroup: InvalidParameterValue: the AUTH token must be 16–128 letters, digits or !&#$^<>-"
                    .into(),
            ));
        }
        let (id, now) = (replication_group.to_string(), self.world.now());
        self.world
            .update_data(|l| l.auth_token_changes.push((id, strategy, now)));
        Ok(self.receipt(format!(
            "ModifyReplicationGroup {replication_group} AuthTokenUpdateStrategy={} ApplyImmediately=true: modifying (about {AUTH_MODIFY_SECS} s)",
            strategy.as_str()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alphabet_follows_the_policy() {
        let p = PasswordPolicy {
            length: 8,
            exclude_characters: "abc".into(),
            exclude_punctuation: true,
        };
        let a = alphabet(&p);
        assert!(!a.contains(&b'a') && !a.contains(&b'!') && a.contains(&b'Z'));
        assert_eq!(alphabet(&PasswordPolicy::default()).len(), 62 + 32);
    }
}
