//! RDS for the data runbooks: describe an instance and its manual snapshots, create a
//! tagged snapshot, reboot with forced failover; and the instance's events over a window
//! for the incident timeline.

use aws_sdk_rds::operation::RequestId;
use aws_sdk_rds::types::{SourceType, Tag};
use aws_smithy_types::DateTime;

use super::convert::{opt, owned};
use super::error_map::map_sdk_error;
use super::paging::{MAX_PAGES, endless, next_token};
use crate::cloud::{
    CloudError, CloudResult, DbEvent, DbInstance, DbSnapshot, Window, WriteReceipt,
};

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
        endpoint: db.endpoint().and_then(|e| opt(e.address())),
        port: db
            .endpoint()
            .and_then(|e| e.port())
            .and_then(|p| u16::try_from(p).ok()),
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

/// `DescribeEvents` of one DB instance over `window` (every page), oldest first as RDS
/// returns them. Events outside the window (an endpoint that ignores the dates) are left out.
pub async fn db_events(
    c: &aws_sdk_rds::Client,
    instance: &str,
    window: Window,
) -> CloudResult<Vec<DbEvent>> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = c
            .describe_events()
            .source_type(SourceType::DbInstance)
            .source_identifier(instance)
            .start_time(DateTime::from_secs(window.since))
            .end_time(DateTime::from_secs(window.until))
            .max_records(100)
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| map_sdk_error("DescribeEvents", e))?;
        out.extend(page.events().iter().filter_map(|e| {
            let at = e.date()?.secs();
            window.contains(at).then(|| DbEvent {
                at,
                source_id: opt(e.source_identifier()).unwrap_or_else(|| instance.to_owned()),
                categories: e.event_categories().to_vec(),
                message: owned(e.message()),
            })
        }));
        marker = next_token(page.marker());
        if marker.is_none() {
            return Ok(out);
        }
    }
    Err(endless("DescribeEvents"))
}
