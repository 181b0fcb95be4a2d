//! RDS for the data runbooks: describe an instance and its manual snapshots, create a
//! tagged snapshot, reboot with forced failover.

use aws_sdk_rds::operation::RequestId;
use aws_sdk_rds::types::Tag;

use super::convert::{opt, owned};
use super::error_map::map_sdk_error;
use crate::cloud::{CloudError, CloudResult, DbInstance, DbSnapshot, WriteReceipt};

/// One DB instance by identifier.
pub async fn db_instance(c: &aws_sdk_rds::Client, id: &str) -> CloudResult<DbInstance> {
    let out = c
        .describe_db_instances()
        .db_instance_identifier(id)
        .send()
        .await
        .map_err(|e| map_sdk_error("DescribeDBInstances", e))?;
    let db = out
        .db_instances()
        .first()
        .ok_or_else(|| CloudError::NotFound(format!("DB instance {id}")))?;
    Ok(DbInstance {
        id: owned(db.db_instance_identifier()),
        status: owned(db.db_instance_status()),
        engine: owned(db.engine()),
        multi_az: db.multi_az().unwrap_or(false),
        availability_zone: opt(db.availability_zone()),
        secondary_availability_zone: opt(db.secondary_availability_zone()),
        instance_class: opt(db.db_instance_class()),
        allocated_storage_gb: db.allocated_storage().map(i64::from),
    })
}

/// Manual snapshots of `instance` (every page).
pub async fn db_snapshots(c: &aws_sdk_rds::Client, instance: &str) -> CloudResult<Vec<DbSnapshot>> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = c
            .describe_db_snapshots()
            .db_instance_identifier(instance)
            .snapshot_type("manual")
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| map_sdk_error("DescribeDBSnapshots", e))?;
        out.extend(page.db_snapshots().iter().map(|s| DbSnapshot {
            id: owned(s.db_snapshot_identifier()),
            instance: owned(s.db_instance_identifier()),
            status: owned(s.status()),
        }));
        match page.marker() {
            Some(m) if !m.is_empty() => marker = Some(m.to_owned()),
            _ => return Ok(out),
        }
    }
}

/// `CreateDBSnapshot` with tags.
pub async fn create_db_snapshot(
    c: &aws_sdk_rds::Client,
    instance: &str,
    snapshot: &str,
    tags: &[(String, String)],
) -> CloudResult<WriteReceipt> {
    let tags = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    let out = c
        .create_db_snapshot()
        .db_instance_identifier(instance)
        .db_snapshot_identifier(snapshot)
        .set_tags(Some(tags))
        .send()
        .await
        .map_err(|e| map_sdk_error("CreateDBSnapshot", e))?;
    let status = out
        .db_snapshot()
        .and_then(|s| s.status())
        .unwrap_or("unknown");
    Ok(WriteReceipt {
        request_id: out.request_id().map(str::to_owned),
        summary: format!("CreateDBSnapshot {snapshot} of {instance}: {status}"),
    })
}

/// `RebootDBInstance` with `ForceFailover=true`.
pub async fn failover_db_instance(
    c: &aws_sdk_rds::Client,
    instance: &str,
) -> CloudResult<WriteReceipt> {
    let out = c
        .reboot_db_instance()
        .db_instance_identifier(instance)
        .force_failover(true)
        .send()
        .await
        .map_err(|e| map_sdk_error("RebootDBInstance", e))?;
    let status = out
        .db_instance()
        .and_then(|d| d.db_instance_status())
        .unwrap_or("unknown");
    Ok(WriteReceipt {
        request_id: out.request_id().map(str::to_owned),
        summary: format!("RebootDBInstance {instance} ForceFailover=true: {status}"),
    })
}

/// `StopDBInstance`.
pub async fn stop_db_instance(
    c: &aws_sdk_rds::Client,
    instance: &str,
) -> CloudResult<WriteReceipt> {
    let out = c
        .stop_db_instance()
        .db_instance_identifier(instance)
        .send()
        .await
        .map_err(|e| map_sdk_error("StopDBInstance", e))?;
    let status = out
        .db_instance()
        .and_then(|d| d.db_instance_status())
        .unwrap_or("unknown");
    Ok(WriteReceipt {
        request_id: out.request_id().map(str::to_owned),
        summary: format!("StopDBInstance {instance}: {status}"),
    })
}

/// `StartDBInstance`.
pub async fn start_db_instance(
    c: &aws_sdk_rds::Client,
    instance: &str,
) -> CloudResult<WriteReceipt> {
    let out = c
        .start_db_instance()
        .db_instance_identifier(instance)
        .send()
        .await
        .map_err(|e| map_sdk_error("StartDBInstance", e))?;
    let status = out
        .db_instance()
        .and_then(|d| d.db_instance_status())
        .unwrap_or("unknown");
    Ok(WriteReceipt {
        request_id: out.request_id().map(str::to_owned),
        summary: format!("StartDBInstance {instance}: {status}"),
    })
}
