//! The simulated account's secret versions: every secret starts with one `AWSCURRENT`
//! version, and the writes — a Lambda rotation (`RotateSecret`: its token is the new
//! version, `AWSPENDING` until it finishes [`ROTATION_SECS`] later, then `AWSCURRENT`),
//! `PutSecretValue` (`AWSPENDING`) and `UpdateSecretVersionStage` — are replayed in time
//! order to give the labels `DescribeSecret` shows now. Values are never kept.

use super::rng;
use crate::cloud::{AWS_CURRENT, AWS_PENDING, AWS_PREVIOUS, Epoch, SecretVersion};

/// Simulated seconds a Lambda rotation takes.
pub const ROTATION_SECS: i64 = 20;

/// One write to a secret's versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretChange {
    /// `RotateSecret` through the rotation Lambda; `token` becomes the new version.
    Rotate { token: String },
    /// `PutSecretValue` staged `AWSPENDING`.
    Put { version: String },
    /// `UpdateSecretVersionStage`.
    Stage {
        stage: String,
        move_to: Option<String>,
        remove_from: Option<String>,
    },
}

/// A change to one secret of one environment, at a simulated time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretEvent {
    pub env: String,
    pub name: String,
    pub at: Epoch,
    pub change: SecretChange,
}

/// The id of a secret's first version (the one the account starts with).
pub fn initial_version(name: &str) -> String {
    rng::rng(0, &[name, "version", "0"]).uuid()
}

/// A secret's versions and labels at `now`, and the end of its last finished Lambda
/// rotation.
pub fn replay(
    name: &str,
    events: &[&SecretEvent],
    now: Epoch,
) -> (Vec<SecretVersion>, Option<Epoch>) {
    // (time, order, change): a Lambda rotation is two steps, staged then promoted.
    let mut steps: Vec<(Epoch, usize, Step)> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        if e.at > now {
            continue;
        }
        match &e.change {
            SecretChange::Rotate { token } => {
                steps.push((e.at, i, Step::Pending(token.clone())));
                if e.at + ROTATION_SECS <= now {
                    steps.push((e.at + ROTATION_SECS, i, Step::Finish(token.clone())));
                }
            }
            SecretChange::Put { version } => steps.push((e.at, i, Step::Pending(version.clone()))),
            SecretChange::Stage {
                stage,
                move_to,
                remove_from,
            } => steps.push((
                e.at,
                i,
                Step::Move(stage.clone(), move_to.clone(), remove_from.clone()),
            )),
        }
    }
    steps.sort_by_key(|(t, i, _)| (*t, *i));
    let mut versions = vec![SecretVersion {
        id: initial_version(name),
        stages: vec![AWS_CURRENT.into()],
    }];
    let mut rotated = None;
    for (at, _, step) in steps {
        match step {
            Step::Pending(v) => label(&mut versions, AWS_PENDING, Some(&v), None),
            Step::Finish(v) => {
                let old = holder(&versions, AWS_CURRENT);
                label(&mut versions, AWS_CURRENT, Some(&v), old.as_deref());
                unlabel(&mut versions, &v, AWS_PENDING);
                rotated = Some(at);
            }
            Step::Move(stage, to, from) => {
                label(&mut versions, &stage, to.as_deref(), from.as_deref());
            }
        }
    }
    versions.retain(|v| !v.stages.is_empty());
    versions.sort_by(|a, b| a.id.cmp(&b.id));
    (versions, rotated)
}

enum Step {
    Pending(String),
    Finish(String),
    Move(String, Option<String>, Option<String>),
}

/// The version holding `stage`.
pub fn holder(versions: &[SecretVersion], stage: &str) -> Option<String> {
    versions
        .iter()
        .find(|v| v.stages.iter().any(|s| s == stage))
        .map(|v| v.id.clone())
}

fn unlabel(versions: &mut [SecretVersion], id: &str, stage: &str) {
    if let Some(v) = versions.iter_mut().find(|v| v.id == id) {
        v.stages.retain(|s| s != stage);
    }
}

/// `UpdateSecretVersionStage` semantics: a label sits on one version; moving
/// `AWSCURRENT` off a version labels it `AWSPREVIOUS`.
fn label(versions: &mut Vec<SecretVersion>, stage: &str, to: Option<&str>, from: Option<&str>) {
    if let Some(from) = from {
        unlabel(versions, from, stage);
    }
    if let Some(to) = to {
        for v in versions.iter_mut() {
            v.stages.retain(|s| s != stage);
        }
        match versions.iter_mut().find(|v| v.id == to) {
            Some(v) => v.stages.push(stage.to_string()),
            None => versions.push(SecretVersion {
                id: to.to_string(),
                stages: vec![stage.to_string()],
            }),
        }
    }
    if stage == AWS_CURRENT
        && let Some(from) = from
    {
        for v in versions.iter_mut() {
            v.stages.retain(|s| s != AWS_PREVIOUS);
        }
        if let Some(v) = versions.iter_mut().find(|v| v.id == from) {
            v.stages.push(AWS_PREVIOUS.into());
        }
        if let Some(to) = to {
            unlabel(versions, to, AWS_PREVIOUS);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(at: Epoch, change: SecretChange) -> SecretEvent {
        SecretEvent {
            env: "dev".into(),
            name: "/dev/app/jwt-secret".into(),
            at,
            change,
        }
    }

    fn stages(v: &[SecretVersion], id: &str) -> Vec<String> {
        v.iter()
            .find(|x| x.id == id)
            .map(|x| x.stages.clone())
            .unwrap_or_default()
    }

    #[test]
    fn a_put_then_a_promotion_moves_current_and_previous() {
        let name = "/dev/app/jwt-secret";
        let first = initial_version(name);
        let put = ev(
            10,
            SecretChange::Put {
                version: "new".into(),
            },
        );
        let promote = ev(
            11,
            SecretChange::Stage {
                stage: AWS_CURRENT.into(),
                move_to: Some("new".into()),
                remove_from: Some(first.clone()),
            },
        );
        let (v, _) = replay(name, &[&put], 10);
        assert_eq!(stages(&v, "new"), vec![AWS_PENDING.to_string()]);
        assert_eq!(stages(&v, &first), vec![AWS_CURRENT.to_string()]);
        let (v, rotated) = replay(name, &[&put, &promote], 11);
        assert_eq!(holder(&v, AWS_CURRENT).as_deref(), Some("new"));
        assert_eq!(holder(&v, AWS_PREVIOUS), Some(first.clone()));
        assert_eq!(rotated, None);
        // Rolled back: AWSCURRENT back on the first version.
        let back = ev(
            12,
            SecretChange::Stage {
                stage: AWS_CURRENT.into(),
                move_to: Some(first.clone()),
                remove_from: Some("new".into()),
            },
        );
        let (v, _) = replay(name, &[&put, &promote, &back], 12);
        assert_eq!(holder(&v, AWS_CURRENT), Some(first));
        assert_eq!(holder(&v, AWS_PREVIOUS).as_deref(), Some("new"));
    }

    #[test]
    fn a_lambda_rotation_is_pending_then_current() {
        let name = "/prod/database/credentials";
        let r = ev(
            100,
            SecretChange::Rotate {
                token: "tok".into(),
            },
        );
        let (v, rotated) = replay(name, &[&r], 105);
        assert_eq!(stages(&v, "tok"), vec![AWS_PENDING.to_string()]);
        assert_eq!(rotated, None);
        let (v, rotated) = replay(name, &[&r], 100 + ROTATION_SECS);
        assert_eq!(holder(&v, AWS_CURRENT).as_deref(), Some("tok"));
        assert_eq!(holder(&v, AWS_PREVIOUS), Some(initial_version(name)));
        assert_eq!(rotated, Some(100 + ROTATION_SECS));
    }
}
