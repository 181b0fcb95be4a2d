//! `cloud::aws` Security Hub and GuardDuty. Against moto: EnableSecurityHub,
//! BatchImportFindings seeding, GetFindings with pagination (moto ignores `Filters`, so
//! the local filter still applies), GuardDuty CreateDetector/ListDetectors/GetDetector.
//! The `Filters` sent are read off the wire through the recording proxy. With
//! `aws-smithy-mocks` (moto lacks them): GetEnabledStandards, GetFindingHistory,
//! BatchUpdateFindings, GuardDuty ListFindings/GetFindings/ArchiveFindings.

mod support;

use aws_sdk_securityhub::types::{
    AwsSecurityFinding, Compliance, ComplianceStatus, Resource, Severity as SdkSeverity,
    SeverityLabel,
};
use opsdeck::cloud::aws::{AwsClients, AwsCloud};
use opsdeck::cloud::security_filter::FindingFilters;
use opsdeck::cloud::{SecurityRead, Severity};
use support::moto;
use support::proxy::Proxy;

async fn moto_cloud() -> AwsCloud {
    AwsCloud::from_clients(AwsClients::from_sdk_config(&moto::sdk_config().await, None))
}

fn asff(prefix: &str, i: usize) -> AwsSecurityFinding {
    let label = if i.is_multiple_of(2) {
        SeverityLabel::High
    } else {
        SeverityLabel::Low
    };
    AwsSecurityFinding::builder()
        .schema_version("2018-10-08")
        .id(format!("{prefix}-{i}"))
        .product_arn(format!(
            "arn:aws:securityhub:us-east-1:{}:product/{}/default",
            moto::ACCOUNT_ID,
            moto::ACCOUNT_ID
        ))
        .generator_id(format!("{prefix}-generator"))
        .aws_account_id(moto::ACCOUNT_ID)
        .types("Software and Configuration Checks/Industry and Regulatory Standards")
        .created_at("2026-09-01T00:00:00Z")
        .updated_at("2026-09-01T01:00:00Z")
        .severity(SdkSeverity::builder().label(label).build())
        .title(format!("{prefix} finding {i}"))
        .description("seeded by opsdeck tests")
        .resources(
            Resource::builder()
                .r#type("AwsEc2SecurityGroup")
                .id(format!("sg-{i}"))
                .region("us-east-1")
                .build(),
        )
        .compliance(
            Compliance::builder()
                .status(ComplianceStatus::Failed)
                .build(),
        )
        .build()
}

#[tokio::test]
async fn get_findings_reads_every_page_of_seeded_findings() {
    let config = moto::sdk_config().await;
    let hub = aws_sdk_securityhub::Client::new(&config);
    // Another test may have enabled it first; both answers are fine.
    let _ = hub.enable_security_hub().send().await;
    let prefix = moto::unique("shf");
    let findings: Vec<AwsSecurityFinding> = (0..130).map(|i| asff(&prefix, i)).collect();
    for batch in findings.chunks(100) {
        let out = hub
            .batch_import_findings()
            .set_findings(Some(batch.to_vec()))
            .send()
            .await
            .expect("BatchImportFindings");
        assert_eq!(out.failed_count(), Some(0), "{out:?}");
    }
    let cloud = moto_cloud().await;
    let all = cloud
        .security_findings(&FindingFilters {
            show_suppressed: true,
            record_state: None,
            ..Default::default()
        })
        .await
        .expect("GetFindings");
    let mine: Vec<_> = all.iter().filter(|f| f.id.starts_with(&prefix)).collect();
    assert_eq!(mine.len(), 130, "two pages of 100 read");
    let first = mine
        .iter()
        .find(|f| f.id == format!("{prefix}-0"))
        .expect("finding 0");
    assert_eq!(first.severity, Severity::High);
    assert_eq!(first.resource_type(), "AwsEc2SecurityGroup");
    assert_eq!(first.compliance.as_deref(), Some("FAILED"));
    assert_eq!(first.first_seen, Some(1_788_220_800));
}

#[tokio::test]
async fn guardduty_detector_status_from_moto() {
    let config = moto::sdk_config().await;
    let gd = aws_sdk_guardduty::Client::new(&config);
    let created = gd
        .create_detector()
        .enable(true)
        .send()
        .await
        .expect("CreateDetector");
    let id = created.detector_id().expect("detector id").to_owned();
    let detectors = moto_cloud()
        .await
        .guardduty_detectors()
        .await
        .expect("ListDetectors + GetDetector");
    let d = detectors.iter().find(|d| d.id == id).expect("ours");
    assert!(d.enabled(), "{d:?}");
    // moto lacks ListFindings: a clear "not supported", not a panic.
    let err = moto_cloud()
        .await
        .guardduty_findings(&id)
        .await
        .expect_err("moto lacks ListFindings");
    assert_eq!(err.kind(), "Unsupported", "{err:?}");
}

#[tokio::test]
async fn finding_history_is_not_supported_by_moto() {
    let err = moto_cloud()
        .await
        .finding_history(&opsdeck::cloud::FindingRef {
            id: "f1".into(),
            product_arn: "arn:p".into(),
        })
        .await
        .expect_err("moto lacks GetFindingHistory");
    assert_eq!(err.kind(), "Unsupported", "{err:?}");
}

#[tokio::test]
async fn the_pane_filters_are_sent_as_api_filters_and_every_page_followed() {
    let config = moto::sdk_config().await;
    let hub = aws_sdk_securityhub::Client::new(&config);
    let _ = hub.enable_security_hub().send().await;
    let prefix = moto::unique("shfilt");
    let findings: Vec<AwsSecurityFinding> = (0..130)
        .map(|i| {
            let mut f = asff(&prefix, i);
            f.product_name = Some("GuardDuty".into());
            f.resources = Some(vec![
                Resource::builder()
                    .r#type("AwsEcsTask")
                    .id(format!("arn:task/{i}"))
                    .build(),
            ]);
            f
        })
        .collect();
    for batch in findings.chunks(100) {
        hub.batch_import_findings()
            .set_findings(Some(batch.to_vec()))
            .send()
            .await
            .expect("BatchImportFindings");
    }
    let proxy = Proxy::start(&moto::endpoint(), None);
    let cloud = AwsCloud::from_clients(AwsClients::from_sdk_config(
        &moto::sdk_config_at(&proxy.url).await,
        None,
    ));
    let found = cloud
        .security_findings(&FindingFilters {
            severities: FindingFilters::at_least(Some(Severity::High)),
            products: vec!["GuardDuty".into()],
            resource_types: vec!["AwsEcsTask".into()],
            ..Default::default()
        })
        .await
        .expect("GetFindings");
    // moto ignores Filters: all 130 of ours come back over two pages (AWS would return
    // the 65 HIGH ones); what matters here is that the filters were sent, below.
    let mine: Vec<_> = found.iter().filter(|f| f.id.starts_with(&prefix)).collect();
    assert_eq!(mine.len(), 130, "{}", mine.len());
    let bodies: Vec<serde_json::Value> = proxy
        .bodies("POST /findings")
        .iter()
        .map(|b| serde_json::from_str(b).expect("JSON body"))
        .collect();
    assert!(bodies.len() >= 2, "130 findings need two pages: {bodies:?}");
    let expected_filters = serde_json::json!({
        "SeverityLabel": [
            {"Value": "CRITICAL", "Comparison": "EQUALS"},
            {"Value": "HIGH", "Comparison": "EQUALS"}
        ],
        "WorkflowStatus": [{"Value": "SUPPRESSED", "Comparison": "NOT_EQUALS"}],
        "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
        "ProductName": [{"Value": "GuardDuty", "Comparison": "EQUALS"}],
        "ResourceType": [{"Value": "AwsEcsTask", "Comparison": "EQUALS"}],
    });
    for (i, b) in bodies.iter().enumerate() {
        assert_eq!(b["Filters"], expected_filters, "page {i}: {b}");
        assert_eq!(b["MaxResults"], 100, "page {i}: {b}");
        assert_eq!(b.get("NextToken").is_some(), i > 0, "page {i}: {b}");
    }
}

#[tokio::test]
async fn control_findings_keep_compliance_and_standards() {
    use aws_sdk_securityhub::types::AssociatedStandard;
    let config = moto::sdk_config().await;
    let hub = aws_sdk_securityhub::Client::new(&config);
    let _ = hub.enable_security_hub().send().await;
    let prefix = moto::unique("shctl");
    let mut control = asff(&prefix, 0);
    control.product_name = Some("Security Hub".into());
    control.compliance = Some(
        Compliance::builder()
            .status(ComplianceStatus::Passed)
            .security_control_id("IAM.4")
            .associated_standards(
                AssociatedStandard::builder()
                    .standards_id("standards/aws-foundational-security-best-practices/v/1.0.0")
                    .build(),
            )
            .build(),
    );
    hub.batch_import_findings()
        .findings(control)
        .send()
        .await
        .expect("BatchImportFindings");
    let found = moto_cloud()
        .await
        .security_findings(&FindingFilters::controls())
        .await
        .expect("GetFindings");
    let f = found
        .iter()
        .find(|f| f.id == format!("{prefix}-0"))
        .expect("the control finding");
    assert_eq!(f.control_id.as_deref(), Some("IAM.4"));
    assert_eq!(f.compliance.as_deref(), Some("PASSED"));
    assert_eq!(
        f.standards,
        vec!["standards/aws-foundational-security-best-practices/v/1.0.0".to_string()]
    );
}

/// Clients backed by `aws-smithy-mocks` (no `test-util` feature needed).
mod mocked {
    use aws_config::BehaviorVersion;
    use aws_credential_types::Credentials;
    use aws_sdk_guardduty::types::{
        AccessKeyDetails, EcsClusterDetails, EcsTaskDetails, Finding as GdFinding, OrderBy,
        Resource as GdResource, Service,
    };
    use aws_sdk_securityhub::types::{
        AwsSecurityFindingIdentifier, StandardsStatus, StandardsSubscription,
        WorkflowStatus as SdkWs,
    };
    use aws_smithy_mocks::{
        MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock,
    };
    use aws_types::region::Region;
    use opsdeck::cloud::aws::{AwsClients, AwsCloud};
    use opsdeck::cloud::{
        FindingRef, SecurityAct, SecurityRead, Severity, ThreatResource, WorkflowStatus,
    };

    fn interceptor(rules: &[&Rule]) -> MockResponseInterceptor {
        let mut i = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
        for r in rules {
            i = i.with_rule(r);
        }
        i
    }

    fn hub(rules: &[&Rule]) -> AwsCloud {
        let conf = aws_sdk_securityhub::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("a", "b", None, None, "t"))
            .http_client(create_mock_http_client())
            .interceptor(interceptor(rules))
            .build();
        AwsCloud::from_clients(AwsClients {
            securityhub: aws_sdk_securityhub::Client::from_conf(conf),
            ..AwsClients::unreachable()
        })
    }

    fn guardduty(rules: &[&Rule]) -> AwsCloud {
        let conf = aws_sdk_guardduty::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("a", "b", None, None, "t"))
            .http_client(create_mock_http_client())
            .interceptor(interceptor(rules))
            .build();
        AwsCloud::from_clients(AwsClients {
            guardduty: aws_sdk_guardduty::Client::from_conf(conf),
            ..AwsClients::unreachable()
        })
    }

    #[tokio::test]
    async fn enabled_standards_are_mapped() {
        use aws_sdk_securityhub::Client;
        use aws_sdk_securityhub::operation::get_enabled_standards::GetEnabledStandardsOutput;
        let rule = mock!(Client::get_enabled_standards).then_output(|| {
            GetEnabledStandardsOutput::builder()
                .standards_subscriptions(
                    StandardsSubscription::builder()
                        .standards_arn("arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0")
                        .standards_subscription_arn("arn:sub/fsbp")
                        .standards_status(StandardsStatus::Ready)
                        .build(),
                )
                .standards_subscriptions(StandardsSubscription::builder().build())
                .build()
        });
        let standards = hub(&[&rule]).enabled_standards().await.expect("mapped");
        assert_eq!(standards.len(), 2);
        assert_eq!(standards[0].status, "READY");
        assert_eq!(
            standards[0].display_name(),
            "AWS Foundational Security Best Practices v1.0.0"
        );
        assert_eq!(standards[1].standards_arn, "");
    }

    #[tokio::test]
    async fn finding_history_names_the_finding_and_follows_pages() {
        use aws_sdk_securityhub::Client;
        use aws_sdk_securityhub::operation::get_finding_history::{
            GetFindingHistoryInput, GetFindingHistoryOutput,
        };
        use aws_sdk_securityhub::types::{
            FindingHistoryRecord, FindingHistoryUpdate, FindingHistoryUpdateSource,
            FindingHistoryUpdateSourceType,
        };
        use aws_smithy_types::DateTime;
        let names_finding = |r: &GetFindingHistoryInput| {
            r.finding_identifier().and_then(|f| f.id()) == Some("arn:finding/f1")
                && r.finding_identifier().and_then(|f| f.product_arn())
                    == Some("arn:aws:securityhub:us-east-1::product/aws/guardduty")
                && r.max_results() == Some(100)
        };
        let page1 = mock!(Client::get_finding_history)
            .match_requests(move |r| names_finding(r) && r.next_token().is_none())
            .then_output(|| {
                GetFindingHistoryOutput::builder()
                    .records(
                        FindingHistoryRecord::builder()
                            .update_time(DateTime::from_secs(1_788_220_800))
                            .finding_created(true)
                            .update_source(
                                FindingHistoryUpdateSource::builder()
                                    .r#type(FindingHistoryUpdateSourceType::BatchImportFindings)
                                    .identity(
                                        "arn:aws:securityhub:us-east-1::product/aws/guardduty",
                                    )
                                    .build(),
                            )
                            .build(),
                    )
                    .records(
                        FindingHistoryRecord::builder()
                            .update_time(DateTime::from_secs(1_788_224_400))
                            .update_source(
                                FindingHistoryUpdateSource::builder()
                                    .r#type(FindingHistoryUpdateSourceType::BatchUpdateFindings)
                                    .identity("arn:aws:sts::1:assumed-role/OnCall/alice")
                                    .build(),
                            )
                            .updates(
                                FindingHistoryUpdate::builder()
                                    .updated_field("Workflow.Status")
                                    .old_value("NEW")
                                    .new_value("NOTIFIED")
                                    .build(),
                            )
                            .updates(
                                FindingHistoryUpdate::builder()
                                    .updated_field("Note.Text")
                                    .new_value("paged the task owner")
                                    .build(),
                            )
                            .build(),
                    )
                    .next_token("p2")
                    .build()
            });
        let page2 = mock!(Client::get_finding_history)
            .match_requests(move |r| names_finding(r) && r.next_token() == Some("p2"))
            .then_output(|| {
                GetFindingHistoryOutput::builder()
                    .records(
                        FindingHistoryRecord::builder()
                            .updates(FindingHistoryUpdate::builder().build())
                            .build(),
                    )
                    .build()
            });
        let history = hub(&[&page1, &page2])
            .finding_history(&FindingRef {
                id: "arn:finding/f1".into(),
                product_arn: "arn:aws:securityhub:us-east-1::product/aws/guardduty".into(),
            })
            .await
            .expect("GetFindingHistory");
        assert_eq!((page1.num_calls(), page2.num_calls()), (1, 1));
        assert_eq!(history.len(), 3);
        assert!(history[0].created);
        assert_eq!(history[0].at, Some(1_788_220_800));
        assert_eq!(history[0].source_type, "BATCH_IMPORT_FINDINGS");
        assert_eq!(history[0].who(), "import by guardduty");
        assert_eq!(history[1].who(), "update by alice");
        assert_eq!(history[1].changes[0].field, "Workflow.Status");
        assert_eq!(history[1].changes[0].old.as_deref(), Some("NEW"));
        assert_eq!(history[1].changes[0].new.as_deref(), Some("NOTIFIED"));
        assert!(history[1].changes[1].is_note());
        assert_eq!(history[1].changes[1].old, None);
        // A record with nothing in it maps to empty values, not a panic.
        assert_eq!(history[2].at, None);
        assert_eq!(history[2].identity, None);
        assert!(!history[2].created);
        assert_eq!(history[2].changes[0].field, "");
        assert_eq!(history[2].changes[0].new, None);
    }

    #[tokio::test]
    async fn batch_update_findings_sends_status_note_and_identifiers() {
        use aws_sdk_securityhub::Client;
        use aws_sdk_securityhub::operation::batch_update_findings::BatchUpdateFindingsOutput;
        let rule = mock!(Client::batch_update_findings)
            .match_requests(|r| {
                r.finding_identifiers().len() == 2
                    && r.finding_identifiers()[0].id() == Some("f1")
                    && r.finding_identifiers()[0].product_arn() == Some("arn:p")
                    && r.workflow().and_then(|w| w.status()) == Some(&SdkWs::Suppressed)
                    && r.note().and_then(|n| n.text()) == Some("false positive")
                    && r.note().and_then(|n| n.updated_by()) == Some("alice")
            })
            .then_output(|| {
                BatchUpdateFindingsOutput::builder()
                    .processed_findings(
                        AwsSecurityFindingIdentifier::builder()
                            .id("f1")
                            .product_arn("arn:p")
                            .build(),
                    )
                    .processed_findings(
                        AwsSecurityFindingIdentifier::builder()
                            .id("f2")
                            .product_arn("arn:p")
                            .build(),
                    )
                    .build()
            });
        let refs = vec![
            FindingRef {
                id: "f1".into(),
                product_arn: "arn:p".into(),
            },
            FindingRef {
                id: "f2".into(),
                product_arn: "arn:p".into(),
            },
        ];
        let receipt = hub(&[&rule])
            .update_findings_workflow(
                &refs,
                WorkflowStatus::Suppressed,
                " false positive ",
                "alice",
            )
            .await
            .expect("BatchUpdateFindings");
        assert!(
            receipt.summary.contains("2 finding(s) → SUPPRESSED"),
            "{receipt:?}"
        );
        assert_eq!(rule.num_calls(), 1);
    }

    #[tokio::test]
    async fn unprocessed_findings_are_an_error() {
        use aws_sdk_securityhub::Client;
        use aws_sdk_securityhub::operation::batch_update_findings::BatchUpdateFindingsOutput;
        use aws_sdk_securityhub::types::BatchUpdateFindingsUnprocessedFinding;
        let rule = mock!(Client::batch_update_findings).then_output(|| {
            BatchUpdateFindingsOutput::builder()
                .unprocessed_findings(
                    BatchUpdateFindingsUnprocessedFinding::builder()
                        .error_code("FindingNotFound")
                        .error_message("no such finding")
                        .build(),
                )
                .build()
        });
        let refs = vec![FindingRef::default()];
        let err = hub(&[&rule])
            .update_findings_workflow(&refs, WorkflowStatus::Resolved, "", "alice")
            .await
            .expect_err("unprocessed");
        assert!(err.to_string().contains("FindingNotFound"), "{err}");
    }

    #[tokio::test]
    async fn guardduty_findings_sorted_by_severity_then_fetched() {
        use aws_sdk_guardduty::Client;
        use aws_sdk_guardduty::operation::get_findings::GetFindingsOutput;
        use aws_sdk_guardduty::operation::list_findings::ListFindingsOutput;
        let list = mock!(Client::list_findings)
            .match_requests(|r| {
                r.detector_id() == Some("det")
                    && r.sort_criteria().and_then(|s| s.attribute_name()) == Some("severity")
                    && r.sort_criteria().and_then(|s| s.order_by()) == Some(&OrderBy::Desc)
                    && r.finding_criteria()
                        .and_then(|c| c.criterion())
                        .and_then(|c| c.get("service.archived"))
                        .is_some_and(|c| c.equals() == ["false"])
            })
            .then_output(|| {
                ListFindingsOutput::builder()
                    .finding_ids("g-high")
                    .finding_ids("g-med")
                    .build()
            });
        let get = mock!(Client::get_findings)
            .match_requests(|r| {
                r.detector_id() == Some("det") && r.finding_ids() == ["g-high", "g-med"]
            })
            .then_output(|| {
                GetFindingsOutput::builder()
                    // Out of order on purpose: ListFindings' order wins.
                    .findings(
                        GdFinding::builder()
                            .id("g-med")
                            .r#type("CredentialAccess:IAMUser/AnomalousBehavior")
                            .severity(5.0)
                            .resource(
                                GdResource::builder()
                                    .access_key_details(
                                        AccessKeyDetails::builder()
                                            .access_key_id("AKIA1")
                                            .user_name("ci")
                                            .build(),
                                    )
                                    .build(),
                            )
                            .build(),
                    )
                    .findings(
                        GdFinding::builder()
                            .id("g-high")
                            .r#type("CryptoCurrency:Runtime/BitcoinTool.B")
                            .severity(8.0)
                            .updated_at("2026-09-01T00:10:00.000Z")
                            .service(
                                Service::builder()
                                    .count(3)
                                    .event_last_seen("2026-09-01T00:09:00.000Z")
                                    .build(),
                            )
                            .resource(
                                GdResource::builder()
                                    .ecs_cluster_details(
                                        EcsClusterDetails::builder()
                                            .arn("arn:cluster/prod")
                                            .task_details(
                                                EcsTaskDetails::builder()
                                                    .arn("arn:task/prod/t1")
                                                    .build(),
                                            )
                                            .build(),
                                    )
                                    .build(),
                            )
                            .build(),
                    )
                    .build()
            });
        let found = guardduty(&[&list, &get])
            .guardduty_findings("det")
            .await
            .expect("findings");
        assert_eq!(found[0].id, "g-high");
        assert_eq!(found[0].severity(), Severity::High);
        assert_eq!(found[0].count, 3);
        assert_eq!(found[0].last_seen, Some(1_788_220_800 + 540));
        assert_eq!(
            found[0].resource,
            ThreatResource::EcsTask {
                cluster: "arn:cluster/prod".into(),
                task_arn: "arn:task/prod/t1".into()
            }
        );
        assert_eq!(found[1].resource.label(), "IAM key AKIA1 (ci)");
    }

    #[tokio::test]
    async fn archive_findings_names_detector_and_ids() {
        use aws_sdk_guardduty::Client;
        use aws_sdk_guardduty::operation::archive_findings::ArchiveFindingsOutput;
        let rule = mock!(Client::archive_findings)
            .match_requests(|r| r.detector_id() == Some("det") && r.finding_ids() == ["g1", "g2"])
            .then_output(|| ArchiveFindingsOutput::builder().build());
        let receipt = guardduty(&[&rule])
            .archive_guardduty_findings("det", &["g1".into(), "g2".into()])
            .await
            .expect("ArchiveFindings");
        assert!(receipt.summary.contains("2 GuardDuty finding(s) archived"));
        assert_eq!(rule.num_calls(), 1);
    }

    /// An endpoint that keeps returning a next token: reading stops at the guard
    /// (`MAX_PAGES` pages) and the findings read come back marked incomplete, never as
    /// if they were all.
    #[tokio::test]
    async fn a_next_token_forever_ends_at_the_guard_marked_incomplete() {
        use aws_sdk_securityhub::Client;
        use aws_sdk_securityhub::operation::get_findings::GetFindingsOutput;
        use aws_sdk_securityhub::types::AwsSecurityFinding;
        use opsdeck::cloud::aws::MAX_PAGES;
        let endless = mock!(Client::get_findings)
            .sequence()
            .output(|| {
                GetFindingsOutput::builder()
                    .findings(AwsSecurityFinding::builder().id("f").build())
                    .next_token("again")
                    .build()
            })
            .repeatedly()
            .build();
        let found = hub(&[&endless])
            .security_findings(&Default::default())
            .await
            .expect("findings");
        assert_eq!(endless.num_calls(), MAX_PAGES);
        assert_eq!(found.len(), MAX_PAGES);
        assert!(!found.complete, "a cut-short listing says so");
    }

    #[tokio::test]
    async fn guardduty_reads_every_page_and_marks_a_cut_short_listing() {
        use aws_sdk_guardduty::Client;
        use aws_sdk_guardduty::operation::get_findings::GetFindingsOutput;
        use aws_sdk_guardduty::operation::list_findings::ListFindingsOutput;
        use opsdeck::cloud::aws::MAX_PAGES;
        // 12 pages of 50 ids: more than the 10 pages (500 findings) read before.
        let list = mock!(Client::list_findings)
            .sequence()
            .output(|| {
                let ids: Vec<String> = (0..50).map(|i| format!("g{i}")).collect();
                ListFindingsOutput::builder()
                    .set_finding_ids(Some(ids))
                    .next_token("more")
                    .build()
            })
            .times(11)
            .output(|| ListFindingsOutput::builder().finding_ids("last").build())
            .build();
        let get = mock!(Client::get_findings).then_output(|| {
            GetFindingsOutput::builder()
                .findings(GdFinding::builder().id("g0").severity(5.0).build())
                .build()
        });
        let told = std::sync::Mutex::new(Vec::new());
        let sink = |found: &[opsdeck::cloud::ThreatFinding]| {
            told.lock()
                .expect("lock")
                .push((found.len(), list.num_calls()));
        };
        let found = guardduty(&[&list, &get])
            .guardduty_findings_paged("det", &sink)
            .await
            .expect("findings");
        assert_eq!(list.num_calls(), 12, "every page of ListFindings");
        assert_eq!(get.num_calls(), 12, "551 ids in batches of 50");
        assert!(found.complete);
        // The first batch is told after the first page, then at each doubling, all
        // before the last page is listed (each mocked batch holds one finding).
        let told = told.into_inner().expect("lock");
        assert_eq!(told, vec![(1, 1), (2, 2), (4, 4), (8, 8)], "{told:?}");
        let endless = mock!(Client::list_findings)
            .sequence()
            .output(|| {
                ListFindingsOutput::builder()
                    .finding_ids("g")
                    .next_token("again")
                    .build()
            })
            .repeatedly()
            .build();
        let get = mock!(Client::get_findings).then_output(|| {
            GetFindingsOutput::builder()
                .findings(GdFinding::builder().id("g").severity(5.0).build())
                .build()
        });
        let found = guardduty(&[&endless, &get])
            .guardduty_findings("det")
            .await
            .expect("findings");
        assert_eq!(endless.num_calls(), MAX_PAGES);
        assert_eq!(get.num_calls(), MAX_PAGES / 50);
        assert!(!found.complete, "a cut-short listing says so");
    }
}
