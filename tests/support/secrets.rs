//! Seeds moto with a Secrets Manager secret whose rotation is on (rotation rules without
//! a Lambda: moto's way; the rotation it makes copies the value into a new version).

use super::moto;

/// Create `name` holding `value`, turn rotation on; returns the secret's ARN.
pub async fn rotating_secret(name: &str, value: &str) -> String {
    let sm = aws_sdk_secretsmanager::Client::new(&moto::sdk_config().await);
    let arn = sm
        .create_secret()
        .name(name)
        .secret_string(value)
        .send()
        .await
        .expect("CreateSecret")
        .arn()
        .expect("arn")
        .to_owned();
    sm.rotate_secret()
        .secret_id(name)
        .rotation_rules(
            aws_sdk_secretsmanager::types::RotationRulesType::builder()
                .automatically_after_days(30)
                .build(),
        )
        .rotate_immediately(false)
        .send()
        .await
        .expect("enable rotation");
    arn
}
