//! Seeds moto with what the IAM and alerting tests act on: an IAM user with an access key
//! (and, when given, exactly one inline policy), and an SNS alert topic.

use super::moto;

/// An IAM user `name` holding `policy` (inline, when given) and one access key; the key's
/// (id, secret).
pub async fn user_with_key(name: &str, policy: Option<&str>) -> (String, String) {
    let iam = aws_sdk_iam::Client::new(&moto::sdk_config().await);
    iam.create_user()
        .user_name(name)
        .send()
        .await
        .expect("CreateUser");
    if let Some(policy) = policy {
        iam.put_user_policy()
            .user_name(name)
            .policy_name("opsdeck")
            .policy_document(policy)
            .send()
            .await
            .expect("PutUserPolicy");
    }
    let created = iam
        .create_access_key()
        .user_name(name)
        .send()
        .await
        .expect("CreateAccessKey");
    let key = created.access_key().expect("access key");
    (
        key.access_key_id().to_string(),
        key.secret_access_key().to_string(),
    )
}

/// The status (`Active`/`Inactive`) of `user`'s key `key`, read back with ListAccessKeys.
pub async fn key_status(user: &str, key: &str) -> Option<String> {
    let iam = aws_sdk_iam::Client::new(&moto::sdk_config().await);
    iam.list_access_keys()
        .user_name(user)
        .send()
        .await
        .expect("ListAccessKeys")
        .access_key_metadata()
        .iter()
        .find(|k| k.access_key_id() == Some(key))
        .and_then(|k| k.status().map(|s| s.as_str().to_string()))
}

/// A new SNS topic named after `prefix`; its ARN.
pub async fn alert_topic(prefix: &str) -> String {
    aws_sdk_sns::Client::new(&moto::sdk_config().await)
        .create_topic()
        .name(moto::unique(prefix))
        .send()
        .await
        .expect("CreateTopic")
        .topic_arn()
        .expect("topic arn")
        .to_owned()
}
