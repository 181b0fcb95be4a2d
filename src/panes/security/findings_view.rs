//! Pure views over fetched findings for the Security pane: sorting (severity, then last
//! seen), grouping by control / resource / type with per-severity counts, and the text
//! filter's fields.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use crate::cloud::security_score::SeverityCounts;
use crate::cloud::{Finding, Severity, ThreatFinding, last_segment};
use crate::panes::kit::list::ListState;

/// How the findings list is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    #[default]
    None,
    Control,
    Resource,
    Type,
    /// Member account and region (aggregated or delegated-admin reads hold several).
    Account,
}

impl Grouping {
    /// The next grouping (`v` cycles).
    pub fn next(self) -> Grouping {
        match self {
            Grouping::None => Grouping::Control,
            Grouping::Control => Grouping::Resource,
            Grouping::Resource => Grouping::Type,
            Grouping::Type => Grouping::Account,
            Grouping::Account => Grouping::None,
        }
    }

    /// A label for titles.
    pub fn label(self) -> &'static str {
        match self {
            Grouping::None => "none",
            Grouping::Control => "control",
            Grouping::Resource => "resource",
            Grouping::Type => "type",
            Grouping::Account => "account",
        }
    }

    /// The group `f` belongs to.
    pub fn key(self, f: &Finding) -> String {
        match self {
            Grouping::None => String::new(),
            Grouping::Control => f
                .control_id
                .clone()
                .or_else(|| (!f.generator_id.is_empty()).then(|| f.generator_id.clone()))
                .unwrap_or_else(|| "-".to_string()),
            Grouping::Resource => f.resource_id().to_string(),
            Grouping::Type => f.types.first().cloned().unwrap_or_else(|| "-".to_string()),
            Grouping::Account => format!("{} {}", f.account, f.region),
        }
    }
}

/// One group of findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub key: String,
    /// A readable label: the control's title, the resource's short name, or the type.
    pub label: String,
    pub counts: SeverityCounts,
}

impl Group {
    /// The most severe severity present.
    pub fn worst(&self) -> Severity {
        Severity::ALL
            .into_iter()
            .find(|s| self.counts.get(*s) > 0)
            .unwrap_or(Severity::Informational)
    }
}

/// Most severe first, then most recently seen first, then title (stable for ties).
pub fn sort_findings(findings: &mut [&Finding]) {
    findings.sort_by(|a, b| {
        (a.severity, Reverse(a.seen()), &a.title, &a.id).cmp(&(
            b.severity,
            Reverse(b.seen()),
            &b.title,
            &b.id,
        ))
    });
}

/// Most severe first, then most recently seen first.
pub fn sort_threats(threats: &mut [&ThreatFinding]) {
    threats.sort_by(|a, b| {
        b.severity_score
            .total_cmp(&a.severity_score)
            .then(b.last_seen.cmp(&a.last_seen))
            .then(a.id.cmp(&b.id))
    });
}

/// Groups of `findings` under `grouping`: worst severity first, then most critical and
/// high findings, then the key.
pub fn group_findings(findings: &[&Finding], grouping: Grouping) -> Vec<Group> {
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for f in findings {
        let key = grouping.key(f);
        let group = groups.entry(key.clone()).or_insert_with(|| Group {
            label: group_label(grouping, f, &key),
            key,
            counts: SeverityCounts::default(),
        });
        group.counts.add(f.severity);
    }
    let mut out: Vec<Group> = groups.into_values().collect();
    out.sort_by(|a, b| {
        (
            a.worst(),
            Reverse(a.counts.get(Severity::Critical)),
            Reverse(a.counts.get(Severity::High)),
            Reverse(a.counts.total()),
            &a.key,
        )
            .cmp(&(
                b.worst(),
                Reverse(b.counts.get(Severity::Critical)),
                Reverse(b.counts.get(Severity::High)),
                Reverse(b.counts.total()),
                &b.key,
            ))
    });
    out
}

fn group_label(grouping: Grouping, f: &Finding, key: &str) -> String {
    match grouping {
        Grouping::Control if f.control_id.is_some() => {
            // Control titles start with the id ("EC2.19 Security groups …").
            f.title
                .strip_prefix(key)
                .map_or(f.title.as_str(), str::trim_start)
                .to_string()
        }
        Grouping::Control => format!("{} · {}", f.product_name, f.title),
        Grouping::Resource => format!("{} {}", f.resource_type(), last_segment(key)),
        Grouping::Account => format!("account {key}"),
        Grouping::Type | Grouping::None => key.to_string(),
    }
}

/// True when the list's `/` filter matches any field an operator would search by.
pub fn text_matches(list: &ListState, f: &Finding) -> bool {
    list.matches(&[
        &f.title,
        f.severity.label(),
        f.workflow.as_str(),
        &f.product_name,
        f.control(),
        f.resource_type(),
        f.resource_id(),
        f.types.first().map_or("", String::as_str),
        &f.account,
    ])
}

/// As [`text_matches`], for GuardDuty findings.
pub fn threat_matches(list: &ListState, t: &ThreatFinding) -> bool {
    list.matches(&[
        &t.finding_type,
        &t.title,
        t.severity().label(),
        &t.resource.label(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::FindingResource;

    fn f(id: &str, sev: Severity, seen: i64, control: Option<&str>, resource: &str) -> Finding {
        Finding {
            id: id.into(),
            title: format!("{} title {id}", control.unwrap_or("x")),
            severity: sev,
            last_seen: Some(seen),
            control_id: control.map(Into::into),
            resources: vec![FindingResource {
                resource_type: "AwsEc2SecurityGroup".into(),
                id: resource.into(),
                ..Default::default()
            }],
            types: vec![format!("Type/{}", id.len())],
            ..Default::default()
        }
    }

    #[test]
    fn sorted_by_severity_then_last_seen() {
        let a = f("a", Severity::High, 100, None, "r");
        let b = f("b", Severity::Critical, 50, None, "r");
        let c = f("c", Severity::High, 200, None, "r");
        let d = Finding::default();
        let mut v = vec![&a, &b, &c, &d];
        sort_findings(&mut v);
        let ids: Vec<&str> = v.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, vec!["b", "c", "a", ""]);
    }

    #[test]
    fn threats_sorted_by_score_then_last_seen() {
        let t = |id: &str, s: f64, seen: i64| ThreatFinding {
            id: id.into(),
            severity_score: s,
            last_seen: Some(seen),
            ..Default::default()
        };
        let (a, b, c) = (t("a", 5.0, 10), t("b", 8.0, 5), t("c", 5.0, 20));
        let mut v = vec![&a, &b, &c];
        sort_threats(&mut v);
        let ids: Vec<&str> = v.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, vec!["b", "c", "a"]);
    }

    #[test]
    fn groups_count_per_severity() {
        let a = f("a", Severity::High, 1, Some("EC2.19"), "sg-1");
        let b = f("b", Severity::Critical, 1, Some("EC2.19"), "sg-2");
        let c = f("c", Severity::Medium, 1, Some("S3.8"), "sg-1");
        let d = Finding::default();
        let all = vec![&a, &b, &c, &d];
        let by_control = group_findings(&all, Grouping::Control);
        assert_eq!(by_control.len(), 3);
        assert_eq!(by_control[0].key, "EC2.19");
        assert_eq!(by_control[0].label, "title a");
        assert_eq!(by_control[0].counts.get(Severity::Critical), 1);
        assert_eq!(by_control[0].counts.get(Severity::High), 1);
        assert_eq!(by_control[0].worst(), Severity::Critical);
        assert_eq!(by_control[2].key, "-");
        let by_resource = group_findings(&all, Grouping::Resource);
        assert_eq!(by_resource[0].key, "sg-2");
        assert_eq!(by_resource[1].key, "sg-1");
        assert_eq!(by_resource[1].counts.total(), 2);
        let by_type = group_findings(&all, Grouping::Type);
        assert_eq!(by_type.len(), 2);
        assert_eq!(
            Grouping::None.next().next().next().next(),
            Grouping::Account
        );
        assert_eq!(Grouping::Account.next(), Grouping::None);
        let by_account = group_findings(&all, Grouping::Account);
        assert!(
            by_account.iter().all(|g| g.key.contains(' ')),
            "account and region"
        );
    }
}
