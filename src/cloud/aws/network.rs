//! EC2 network interfaces for the isolate-task runbook: read an ENI's security groups
//! and replace them (`ModifyNetworkInterfaceAttribute`).

use aws_sdk_ec2::operation::RequestId;

use super::convert::{opt, owned};
use super::error_map::map_sdk_error;
use crate::cloud::{CloudError, CloudResult, NetworkInterface, WriteReceipt};

/// `DescribeNetworkInterfaces` for one ENI.
pub async fn network_interface(
    c: &aws_sdk_ec2::Client,
    eni: &str,
) -> CloudResult<NetworkInterface> {
    let out = c
        .describe_network_interfaces()
        .network_interface_ids(eni)
        .send()
        .await
        .map_err(|e| map_sdk_error("DescribeNetworkInterfaces", e))?;
    let ni = out
        .network_interfaces()
        .first()
        .ok_or_else(|| CloudError::NotFound(format!("network interface {eni}")))?;
    Ok(NetworkInterface {
        id: owned(ni.network_interface_id()),
        private_ip: opt(ni.private_ip_address()),
        groups: ni
            .groups()
            .iter()
            .filter_map(|g| opt(g.group_id()))
            .collect(),
        status: ni
            .status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
    })
}

/// `ModifyNetworkInterfaceAttribute` with `Groups`: the ENI ends with exactly `groups`.
pub async fn set_security_groups(
    c: &aws_sdk_ec2::Client,
    eni: &str,
    groups: &[String],
) -> CloudResult<WriteReceipt> {
    let out = c
        .modify_network_interface_attribute()
        .network_interface_id(eni)
        .set_groups(Some(groups.to_vec()))
        .send()
        .await
        .map_err(|e| map_sdk_error("ModifyNetworkInterfaceAttribute", e))?;
    Ok(WriteReceipt {
        request_id: out.request_id().map(str::to_owned),
        summary: format!(
            "ModifyNetworkInterfaceAttribute {eni} Groups=[{}]",
            groups.join(", ")
        ),
    })
}
