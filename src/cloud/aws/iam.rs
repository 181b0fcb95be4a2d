//! IAM reads for `opsdeck doctor`'s write checks: `SimulatePrincipalPolicy`, and the
//! principal's identity-policy documents (inline, managed, and a user's groups') for the
//! local evaluation where simulation is not available. An assumed-role ARN is turned into
//! its role (`GetRole` gives the ARN with its path).

use aws_sdk_iam::Client;

use super::error_map::map_sdk_error;
use crate::cloud::{CloudError, CloudResult};

/// Who a caller ARN is, for IAM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    User(String),
    Role(String),
}

/// The user or role behind `arn` (`…:user/path/NAME`, `…:role/path/NAME`,
/// `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`).
pub fn principal(arn: &str) -> CloudResult<Principal> {
    let resource = arn.splitn(6, ':').nth(5).unwrap_or_default();
    let last = |r: &str| r.rsplit('/').next().unwrap_or_default().to_string();
    match resource.split_once('/') {
        Some(("user", rest)) => Ok(Principal::User(last(rest))),
        Some(("role", rest)) => Ok(Principal::Role(last(rest))),
        Some(("assumed-role", rest)) => Ok(Principal::Role(
            rest.split('/').next().unwrap_or_default().to_string(),
        )),
        _ => Err(CloudError::Invalid(format!(
            "{arn} is neither a user nor a role (the root user and federated users are not checked)"
        ))),
    }
}

/// Policy documents come URL-encoded from IAM.
fn decoded(doc: &str) -> String {
    let bytes = doc.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match doc.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16)) {
                    Some(Ok(b)) => {
                        out.push(b);
                        i += 3;
                    }
                    _ => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The ARN to simulate for `arn` (a role's full ARN when the caller is an assumed role).
async fn source_arn(client: &Client, arn: &str) -> CloudResult<String> {
    match principal(arn)? {
        Principal::Role(name) if arn.contains(":assumed-role/") => {
            let out = client
                .get_role()
                .role_name(&name)
                .send()
                .await
                .map_err(|e| map_sdk_error("GetRole", e))?;
            Ok(out.role().map(|r| r.arn().to_string()).unwrap_or_default())
        }
        _ => Ok(arn.to_string()),
    }
}

/// `SimulatePrincipalPolicy` for `actions` (paged): allowed or not, per action.
pub async fn simulate(
    client: &Client,
    principal_arn: &str,
    actions: &[&str],
) -> CloudResult<Vec<(String, bool)>> {
    let source = source_arn(client, principal_arn).await?;
    let mut out = Vec::new();
    let mut marker = None;
    loop {
        let page = client
            .simulate_principal_policy()
            .policy_source_arn(&source)
            .set_action_names(Some(actions.iter().map(|a| a.to_string()).collect()))
            .set_marker(marker)
            .send()
            .await
            .map_err(|e| map_sdk_error("SimulatePrincipalPolicy", e))?;
        for r in page.evaluation_results() {
            let allowed = r.eval_decision().as_str() == "allowed";
            out.push((r.eval_action_name().to_string(), allowed));
        }
        marker = page.marker().map(str::to_string);
        if !page.is_truncated() || marker.is_none() {
            break;
        }
    }
    Ok(out)
}

/// The managed policy's default version's document.
async fn managed(client: &Client, policy_arn: &str) -> CloudResult<String> {
    let policy = client
        .get_policy()
        .policy_arn(policy_arn)
        .send()
        .await
        .map_err(|e| map_sdk_error("GetPolicy", e))?;
    let version = policy
        .policy()
        .and_then(|p| p.default_version_id())
        .unwrap_or("v1")
        .to_string();
    let out = client
        .get_policy_version()
        .policy_arn(policy_arn)
        .version_id(version)
        .send()
        .await
        .map_err(|e| map_sdk_error("GetPolicyVersion", e))?;
    Ok(out
        .policy_version()
        .and_then(|v| v.document())
        .map(decoded)
        .unwrap_or_default())
}

/// Every identity-policy document of `principal_arn`.
pub async fn policies(client: &Client, principal_arn: &str) -> CloudResult<Vec<String>> {
    let mut docs = Vec::new();
    let mut attached = Vec::new();
    match principal(principal_arn)? {
        Principal::User(user) => {
            let names = client
                .list_user_policies()
                .user_name(&user)
                .send()
                .await
                .map_err(|e| map_sdk_error("ListUserPolicies", e))?;
            for name in names.policy_names() {
                let p = client
                    .get_user_policy()
                    .user_name(&user)
                    .policy_name(name)
                    .send()
                    .await
                    .map_err(|e| map_sdk_error("GetUserPolicy", e))?;
                docs.push(decoded(p.policy_document()));
            }
            let list = client
                .list_attached_user_policies()
                .user_name(&user)
                .send()
                .await
                .map_err(|e| map_sdk_error("ListAttachedUserPolicies", e))?;
            attached.extend(
                list.attached_policies()
                    .iter()
                    .filter_map(|p| p.policy_arn().map(str::to_string)),
            );
            let groups = client
                .list_groups_for_user()
                .user_name(&user)
                .send()
                .await
                .map_err(|e| map_sdk_error("ListGroupsForUser", e))?;
            for group in groups.groups() {
                let g = group.group_name();
                let names = client
                    .list_group_policies()
                    .group_name(g)
                    .send()
                    .await
                    .map_err(|e| map_sdk_error("ListGroupPolicies", e))?;
                for name in names.policy_names() {
                    let p = client
                        .get_group_policy()
                        .group_name(g)
                        .policy_name(name)
                        .send()
                        .await
                        .map_err(|e| map_sdk_error("GetGroupPolicy", e))?;
                    docs.push(decoded(p.policy_document()));
                }
                let list = client
                    .list_attached_group_policies()
                    .group_name(g)
                    .send()
                    .await
                    .map_err(|e| map_sdk_error("ListAttachedGroupPolicies", e))?;
                attached.extend(
                    list.attached_policies()
                        .iter()
                        .filter_map(|p| p.policy_arn().map(str::to_string)),
                );
            }
        }
        Principal::Role(role) => {
            let names = client
                .list_role_policies()
                .role_name(&role)
                .send()
                .await
                .map_err(|e| map_sdk_error("ListRolePolicies", e))?;
            for name in names.policy_names() {
                let p = client
                    .get_role_policy()
                    .role_name(&role)
                    .policy_name(name)
                    .send()
                    .await
                    .map_err(|e| map_sdk_error("GetRolePolicy", e))?;
                docs.push(decoded(p.policy_document()));
            }
            let list = client
                .list_attached_role_policies()
                .role_name(&role)
                .send()
                .await
                .map_err(|e| map_sdk_error("ListAttachedRolePolicies", e))?;
            attached.extend(
                list.attached_policies()
                    .iter()
                    .filter_map(|p| p.policy_arn().map(str::to_string)),
            );
        }
    }
    for arn in attached {
        docs.push(managed(client, &arn).await?);
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals_from_caller_arns() {
        assert_eq!(
            principal("arn:aws:iam::123456789012:user/team/alice"),
            Ok(Principal::User("alice".into()))
        );
        assert_eq!(
            principal("arn:aws:sts::123456789012:assumed-role/ops/opsdeck-session-1"),
            Ok(Principal::Role("ops".into()))
        );
        assert_eq!(
            principal("arn:aws:iam::123456789012:role/service/ops"),
            Ok(Principal::Role("ops".into()))
        );
        assert!(principal("arn:aws:iam::123456789012:root").is_err());
        assert!(principal("garbage").is_err());
    }

    #[test]
    fn documents_are_url_decoded() {
        assert_eq!(
            decoded("%7B%22Version%22%3A%222012-10-17%22%7D"),
            "{\"Version\":\"2012-10-17\"}"
        );
        assert_eq!(decoded("{\"a\": 1}"), "{\"a\": 1}");
        assert_eq!(decoded("100%"), "100%");
        assert_eq!(decoded("%zz"), "%zz");
    }
}
