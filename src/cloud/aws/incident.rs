//! `IncidentRead` and `IncidentAct` for [`AwsCloud`]: Secrets Manager, EC2 ENIs, ELBv2
//! targets, ECS task protection and tags, SNS and STS break-glass.

use async_trait::async_trait;

use super::{AwsCloud, access_keys, alerts, break_glass, network, secrets, targets, task_guard};
use crate::cloud::{
    AccessKey, BreakGlassRequest, CloudResult, Elevation, IncidentAct, IncidentRead,
    NetworkInterface, SecretMeta, TargetRef, WriteReceipt,
};

#[async_trait]
impl IncidentRead for AwsCloud {
    async fn describe_secret(&self, id: &str) -> CloudResult<SecretMeta> {
        secrets::describe_secret(&self.clients().await.secrets, id).await
    }

    async fn network_interface(&self, eni: &str) -> CloudResult<NetworkInterface> {
        network::network_interface(&self.clients().await.ec2, eni).await
    }

    async fn access_key(&self, key_id: &str) -> CloudResult<AccessKey> {
        access_keys::access_key(&self.clients().await.iam, key_id).await
    }
}

#[async_trait]
impl IncidentAct for AwsCloud {
    async fn rotate_secret(&self, id: &str, token: &str) -> CloudResult<WriteReceipt> {
        secrets::rotate_secret(&self.act_clients().await.secrets, id, token).await
    }

    async fn set_access_key_status(
        &self,
        user: &str,
        key_id: &str,
        active: bool,
    ) -> CloudResult<WriteReceipt> {
        access_keys::set_status(&self.act_clients().await.iam, user, key_id, active).await
    }

    async fn set_security_groups(&self, eni: &str, groups: &[String]) -> CloudResult<WriteReceipt> {
        network::set_security_groups(&self.act_clients().await.ec2, eni, groups).await
    }

    async fn deregister_target(&self, target: &TargetRef) -> CloudResult<WriteReceipt> {
        targets::deregister_target(&self.act_clients().await.elbv2, target).await
    }

    async fn register_target(&self, target: &TargetRef) -> CloudResult<WriteReceipt> {
        targets::register_target(&self.act_clients().await.elbv2, target).await
    }

    async fn protect_task(
        &self,
        cluster: &str,
        task_arn: &str,
        minutes: i32,
    ) -> CloudResult<WriteReceipt> {
        task_guard::protect_task(&self.act_clients().await.ecs, cluster, task_arn, minutes).await
    }

    async fn tag_task(
        &self,
        task_arn: &str,
        tags: &[(String, String)],
    ) -> CloudResult<WriteReceipt> {
        task_guard::tag_task(&self.act_clients().await.ecs, task_arn, tags).await
    }

    async fn publish_alert(
        &self,
        topic_arn: &str,
        subject: &str,
        message: &str,
    ) -> CloudResult<WriteReceipt> {
        alerts::publish_alert(&self.act_clients().await.sns, topic_arn, subject, message).await
    }

    async fn assume_break_glass(&self, request: &BreakGlassRequest) -> CloudResult<Elevation> {
        break_glass::assume(self, request).await
    }
}
