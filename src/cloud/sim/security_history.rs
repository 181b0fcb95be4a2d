//! `GetFindingHistory` of the simulated Security Hub: the catalogue's story of a finding
//! (created by its product; a note and workflow change by an analyst, or a passed
//! control resolved by Security Hub), then every triage write made through the sim, in
//! time order.

use super::security::SecurityView;
use crate::cloud::{
    CloudError, CloudResult, FieldChange, Finding, FindingHistoryRecord, FindingRef, WorkflowStatus,
};

const IMPORT: &str = "BATCH_IMPORT_FINDINGS";
const UPDATE: &str = "BATCH_UPDATE_FINDINGS";
/// A passed control is resolved by Security Hub this long after it was first checked.
const RESOLVED_AFTER: i64 = 2 * 3600;

fn change(field: &str, old: Option<&str>, new: Option<&str>) -> FieldChange {
    FieldChange {
        field: field.into(),
        old: old.map(str::to_owned),
        new: new.map(str::to_owned),
    }
}

/// The history of `finding` as the sim's Security Hub would return it, oldest first.
pub fn history(
    view: &SecurityView,
    finding: &FindingRef,
) -> CloudResult<Vec<FindingHistoryRecord>> {
    let catalogue = view.catalogue();
    let Some(f) = catalogue
        .iter()
        .find(|f| f.id == finding.id && f.product_arn == finding.product_arn)
    else {
        return Err(CloudError::NotFound(format!("finding {}", finding.id)));
    };
    let mut records = vec![FindingHistoryRecord {
        at: f.first_seen,
        source_type: IMPORT.into(),
        identity: Some(f.product_arn.clone()),
        created: true,
        changes: Vec::new(),
    }];
    records.extend(catalogue_change(view, f));
    let caller = view.ctx.profile.caller_arn();
    for e in view.ledger.events(view.env_name(), &f.id) {
        let mut changes = vec![change(
            "Workflow.Status",
            Some(e.old_status.as_str()),
            Some(e.status.as_str()),
        )];
        if let Some(note) = &e.note {
            changes.push(change("Note.Text", e.old_note.as_deref(), Some(note)));
            changes.push(change("Note.UpdatedBy", None, Some(&e.by)));
        }
        records.push(FindingHistoryRecord {
            at: Some(e.at),
            source_type: UPDATE.into(),
            identity: Some(caller.clone()),
            created: false,
            changes,
        });
    }
    records.retain(|r| r.at.is_none_or(|t| t <= view.now));
    records.sort_by_key(|r| r.at);
    Ok(records)
}

/// The change the catalogue itself made: an analyst's note and workflow status, or
/// Security Hub resolving a passed control.
fn catalogue_change(view: &SecurityView, f: &Finding) -> Option<FindingHistoryRecord> {
    if let Some(note) = &f.note {
        let by = note.updated_by.as_deref().unwrap_or("analyst");
        let mut changes = Vec::new();
        if f.workflow != WorkflowStatus::New {
            changes.push(change(
                "Workflow.Status",
                Some(WorkflowStatus::New.as_str()),
                Some(f.workflow.as_str()),
            ));
        }
        changes.push(change("Note.Text", None, Some(&note.text)));
        changes.push(change("Note.UpdatedBy", None, Some(by)));
        return Some(FindingHistoryRecord {
            at: note.updated_at,
            source_type: UPDATE.into(),
            identity: Some(format!(
                "arn:aws:sts::{}:assumed-role/SecurityAnalyst/{by}",
                view.ctx.profile.account
            )),
            created: false,
            changes,
        });
    }
    if f.compliance.as_deref() == Some("PASSED") && f.workflow == WorkflowStatus::Resolved {
        return Some(FindingHistoryRecord {
            at: f.first_seen.map(|t| t + RESOLVED_AFTER),
            source_type: IMPORT.into(),
            identity: Some(f.product_arn.clone()),
            created: false,
            changes: vec![
                change("Compliance.Status", Some("FAILED"), Some("PASSED")),
                change(
                    "Workflow.Status",
                    Some(WorkflowStatus::New.as_str()),
                    Some(WorkflowStatus::Resolved.as_str()),
                ),
            ],
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use futures::executor::block_on;

    use crate::cloud::sim::{SimClock, SimCloud, SimSource, SimWorld};
    use crate::cloud::{CloudError, SecurityAct, SecurityRead, WorkflowStatus};

    const T0: i64 = 1_750_000_000;

    #[test]
    fn a_finding_is_created_then_triaged_and_writes_are_appended() {
        let world = SimWorld::new(7, SimClock::Fixed(T0 + 6 * 60));
        let prod = SimCloud::new(world.clone(), "prod");
        let findings = block_on(prod.security_findings(&Default::default())).expect("findings");
        let noted = findings
            .iter()
            .find(|f| f.control_id.as_deref() == Some("EC2.18"))
            .expect("EC2.18 has a note");
        let h = block_on(prod.finding_history(&noted.reference())).expect("history");
        assert_eq!(h.len(), 2, "{h:?}");
        assert!(h[0].created && h[0].source_type == "BATCH_IMPORT_FINDINGS");
        assert_eq!(h[1].who(), "update by bob");
        assert_eq!(h[1].changes[0].new.as_deref(), Some("NOTIFIED"));
        assert!(h[1].changes[1].is_note());
        // A triage write through the sim shows up last, with the old values.
        block_on(prod.update_findings_workflow(
            &[noted.reference()],
            WorkflowStatus::Resolved,
            "vendor session over, rule removed",
            "oncall",
        ))
        .expect("write");
        let h = block_on(prod.finding_history(&noted.reference())).expect("history");
        let last = h.last().expect("a record");
        assert_eq!(last.changes[0].old.as_deref(), Some("NOTIFIED"));
        assert_eq!(last.changes[0].new.as_deref(), Some("RESOLVED"));
        assert_eq!(
            last.changes[1].old.as_deref(),
            Some("paged #netsec; temporary rule for a vendor session")
        );
        assert_eq!(last.who(), "update by oncall@example.com");
        // Passed controls were resolved by Security Hub itself.
        let passed = findings
            .iter()
            .find(|f| f.compliance.as_deref() == Some("PASSED"))
            .expect("a passed control");
        let h = block_on(prod.finding_history(&passed.reference())).expect("history");
        assert_eq!(h[1].changes[0].field, "Compliance.Status");
        // Same seed and time: same answer.
        let again = SimCloud::new(SimWorld::new(7, SimClock::Fixed(T0 + 6 * 60)), "prod");
        let h1 = block_on(again.finding_history(&passed.reference())).expect("history");
        assert_eq!(h1, h);
    }

    #[test]
    fn unknown_findings_and_failures_are_errors() {
        let world = SimWorld::new(7, SimClock::Fixed(T0));
        let dev = SimCloud::new(world.clone(), "dev");
        let err = block_on(dev.finding_history(&Default::default())).expect_err("unknown");
        assert_eq!(err.kind(), "NotFound");
        world.fail(
            SimSource::SecurityHistory,
            CloudError::Unsupported("GetFindingHistory".into()),
        );
        let err = block_on(dev.finding_history(&Default::default())).expect_err("failing");
        assert_eq!(err.kind(), "Unsupported");
    }
}
