//! Snapshots of the Security pane on the simulated account: the findings list, grouped
//! by control, one finding's detail and the triage confirmation, at 80x24, 200x60 and a
//! tiny size; a failing source; findings with nothing optional set; and a triage write
//! going through the acting side.

mod ui_support;

use std::sync::Arc;

use crossterm::event::KeyCode;
use opsdeck::app::dispatch::{Fetched, Source, run_fetch};
use opsdeck::app::update::{Effect, Event, WriteDone, update};
use opsdeck::cloud::sim::{self, SimClock, SimSource, SimWorld};
use opsdeck::cloud::{CloudError, Finding, Listing, ThreatFinding, WorkflowStatus};
use opsdeck::panes::Pane;
use opsdeck::panes::kit::Write;
use opsdeck::panes::security::sources::{SecurityFetched, SecuritySource};
use opsdeck::panes::security::write as security_write;
use ui_support::{T0, console_on, key, render, text};

const SIZES: [(u16, u16); 3] = [(80, 24), (200, 60), (30, 8)];

#[tokio::test]
async fn list_during_the_prod_incident() {
    let state = console_on(Pane::Security, "prod", 6, |_| {}).await;
    let screen = text(&render(&state, 200, 60));
    assert!(
        screen.contains("CryptoCurrency:Runtime/BitcoinTool.B"),
        "{screen}"
    );
    assert!(screen.contains("EC2.19"), "{screen}");
    assert!(
        !screen.contains("ELB.5"),
        "muted hidden by default: {screen}"
    );
    assert!(screen.contains("sec 1 crit"), "header summary: {screen}");
    for (w, h) in SIZES {
        insta::assert_snapshot!(
            format!("security_prod_list_{w}x{h}"),
            text(&render(&state, w, h))
        );
    }
}

/// Where a paging guard stopped a listing, every count drawn from it says `≥ N`: the
/// posture line, the header, the list titles, and the standards line says "partial".
#[tokio::test]
async fn a_cut_short_listing_shows_lower_bounds_everywhere() {
    let mut state = console_on(Pane::Security, "prod", 6, |world| {
        world.cut_short(SimSource::SecurityFindings, 3);
        world.cut_short(SimSource::GuardDuty, 1);
    })
    .await;
    let screen = text(&render(&state, 200, 60));
    assert!(screen.contains("sec ≥ "), "header: {screen}");
    assert!(screen.contains("CRIT ≥ "), "posture line: {screen}");
    assert!(
        screen.contains("Security Hub findings (≥ "),
        "list title: {screen}"
    );
    assert!(screen.contains("NOT ALL READ"), "{screen}");
    assert!(screen.contains("GuardDuty findings (≥ 1)"), "{screen}");
    assert!(screen.contains("partial"), "standards: {screen}");
    insta::assert_snapshot!("security_prod_cut_short_200x60", screen);
    key(&mut state, KeyCode::Char('v'));
    let grouped = text(&render(&state, 200, 60));
    assert!(grouped.contains("groups) · NOT ALL READ"), "{grouped}");
    // A complete listing shows plain counts.
    let whole = console_on(Pane::Security, "prod", 6, |_| {}).await;
    let screen = text(&render(&whole, 200, 60));
    assert!(
        !screen.contains('≥') && !screen.contains("NOT ALL READ"),
        "{screen}"
    );
}

#[tokio::test]
async fn grouped_by_control_and_muted_toggle() {
    let mut state = console_on(Pane::Security, "prod", 6, |_| {}).await;
    key(&mut state, KeyCode::Char('v'));
    for (w, h) in SIZES {
        if (w, h) == (30, 8) {
            // The same "too small" screen as the list's snapshot.
            assert!(text(&render(&state, w, h)).contains("too small"));
            continue;
        }
        insta::assert_snapshot!(
            format!("security_prod_grouped_{w}x{h}"),
            text(&render(&state, w, h))
        );
    }
    // Muted findings come back with `m` (a new GetFindings with other Filters).
    let effects = update(
        &mut state,
        Event::Key(crossterm::event::KeyEvent::new(
            KeyCode::Char('m'),
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Fetch(Source::Security(SecuritySource::Findings(f))) if f.show_suppressed)),
        "{effects:?}"
    );
}

#[tokio::test]
async fn detail_of_the_first_finding() {
    let mut state = console_on(Pane::Security, "prod", 6, |_| {}).await;
    key(&mut state, KeyCode::Enter);
    assert!(state.security.detail);
    let screen = text(&render(&state, 200, 60));
    assert!(screen.contains("Remediation"), "{screen}");
    for (w, h) in SIZES {
        if (w, h) == (30, 8) {
            // The same "too small" screen as the list's snapshot.
            assert!(text(&render(&state, w, h)).contains("too small"));
            continue;
        }
        insta::assert_snapshot!(
            format!("security_prod_detail_{w}x{h}"),
            text(&render(&state, w, h))
        );
    }
    key(&mut state, KeyCode::Esc);
    assert!(!state.security.detail);
}

#[tokio::test]
async fn triage_confirmation_on_prod_needs_the_typed_name() {
    let mut state = console_on(Pane::Security, "prod", 6, |_| {}).await;
    key(&mut state, KeyCode::Char(' '));
    key(&mut state, KeyCode::Char('j'));
    key(&mut state, KeyCode::Char(' '));
    key(&mut state, KeyCode::Char('T'));
    key(&mut state, KeyCode::Char('o'));
    key(&mut state, KeyCode::Enter);
    for c in "paged netsec".chars() {
        key(&mut state, KeyCode::Char(c));
    }
    key(&mut state, KeyCode::Enter);
    for (w, h) in SIZES {
        if (w, h) == (30, 8) {
            // The same "too small" screen as the list's snapshot.
            assert!(text(&render(&state, w, h)).contains("too small"));
            continue;
        }
        insta::assert_snapshot!(
            format!("security_prod_triage_{w}x{h}"),
            text(&render(&state, w, h))
        );
    }
    let screen = text(&render(&state, 200, 60));
    assert!(
        screen.contains("securityhub:BatchUpdateFindings in prod (2 findings)"),
        "{screen}"
    );
    // y does not confirm on a protected environment; the typed name does.
    key(&mut state, KeyCode::Char('q'));
    assert!(!state.quit, "keys go to the popup");
    key(&mut state, KeyCode::Backspace);
    for c in "prod".chars() {
        key(&mut state, KeyCode::Char(c));
    }
    let effects = update(
        &mut state,
        Event::Key(crossterm::event::KeyEvent::new(
            KeyCode::Enter,
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Write(Write::Triage(_)))),
        "{effects:?}"
    );
    assert!(state.security.triage.is_none());
}

#[tokio::test]
async fn triage_write_goes_through_the_actor_and_refreshes() {
    let world = SimWorld::new(42, SimClock::Fixed(T0 + 6 * 60));
    let cloud = sim::handle(Arc::clone(&world), "dev", false);
    let mut state = console_on(Pane::Security, "dev", 6, |_| {}).await;
    key(&mut state, KeyCode::Char('T'));
    key(&mut state, KeyCode::Char('r'));
    key(&mut state, KeyCode::Enter);
    key(&mut state, KeyCode::Enter);
    let effects = update(
        &mut state,
        Event::Key(crossterm::event::KeyEvent::new(
            KeyCode::Char('y'),
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    let write = effects
        .into_iter()
        .find_map(|e| match e {
            Effect::Write(Write::Triage(w)) => Some(w),
            _ => None,
        })
        .expect("a write");
    let dir = tempfile::tempdir().expect("tempdir");
    let audit = opsdeck::audit::AuditLog::new(dir.path().join("audit.jsonl"));
    let receipt = security_write::perform(&cloud, &write, &audit, "dev").await;
    assert!(receipt.is_ok(), "{receipt:?}");
    // The write was audited: intent, then outcome, chain intact.
    let records = audit.read_all().expect("audit");
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].kind, opsdeck::audit::RecordKind::Intent);
    assert_eq!(records[1].kind, opsdeck::audit::RecordKind::Outcome);
    assert_eq!(audit.verify(), Ok(2));
    assert_eq!(world.writes().len(), 1);
    assert!(world.writes()[0].contains("BatchUpdateFindings workflow=RESOLVED"));
    let effects = update(&mut state, Event::Written(WriteDone::Triage(receipt)));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Fetch(_))),
        "refetch"
    );
    // Read-only: no actor, refused before anything leaves.
    let ro = sim::handle(Arc::clone(&world), "dev", true);
    assert_eq!(
        security_write::perform(&ro, &write, &audit, "dev").await,
        Err(CloudError::ReadOnly)
    );
    let f = run_fetch(
        cloud.read.as_ref(),
        &state.env.clone(),
        state.security.findings_source().into(),
        state.now,
    )
    .await;
    update(&mut state, Event::Fetched(f));
    assert!(
        state
            .security
            .findings
            .data
            .iter()
            .flatten()
            .any(|f| f.workflow == WorkflowStatus::Resolved
                && f.compliance.as_deref() == Some("FAILED"))
    );
}

#[tokio::test]
async fn a_failing_source_shows_its_error() {
    let state = console_on(Pane::Security, "staging", 6, |w| {
        w.fail(
            SimSource::GuardDuty,
            CloudError::AccessDenied("guardduty:ListDetectors".into()),
        );
    })
    .await;
    let screen = text(&render(&state, 200, 60));
    assert!(screen.contains("AccessDenied"), "{screen}");
    insta::assert_snapshot!("security_staging_guardduty_denied_200x60", screen);
}

#[tokio::test]
async fn findings_with_nothing_optional_render_at_every_size() {
    let mut state = console_on(Pane::Security, "dev", 1, |_| {}).await;
    let filters = state.security.filters.clone();
    update(
        &mut state,
        Event::Fetched(Fetched::Security(SecurityFetched::Findings(
            filters,
            Ok(Listing::complete(vec![
                Finding::default(),
                Finding::default(),
            ])),
        ))),
    );
    let detector = state
        .security
        .detector()
        .map(|d| d.id.clone())
        .unwrap_or_default();
    update(
        &mut state,
        Event::Fetched(Fetched::Security(SecurityFetched::GuardDuty(
            detector,
            Ok(Listing::complete(vec![ThreatFinding::default()])),
        ))),
    );
    for mode in 0..3 {
        match mode {
            1 => key(&mut state, KeyCode::Enter),
            2 => {
                key(&mut state, KeyCode::Esc);
                key(&mut state, KeyCode::Char('v'));
            }
            _ => {}
        }
        for w in [1, 10, 39, 40, 60, 80, 200] {
            for h in [1, 5, 10, 24, 60] {
                render(&state, w, h);
            }
        }
    }
}

/// A list's rows carry the filter that produced them: after `R p t m x` the pane shows
/// the matching rows or "loading", never the old rows under the new label (nor "(0)");
/// an answer for filters no longer shown is dropped; back on the default filters (`x`)
/// the rows held for them show again, with their age.
#[tokio::test]
async fn changing_filters_never_shows_rows_the_new_filter_did_not_produce() {
    let mut state = console_on(Pane::Security, "prod", 6, |_| {}).await;
    assert!(!state.security.visible_findings().is_empty());
    let first = state.security.filters.clone();
    for k in ['R', 'p', 't', 'm', 'x'] {
        let before = state.security.filters.clone();
        key(&mut state, KeyCode::Char(k));
        if state.security.filters != first {
            assert!(
                state.security.visible_findings().is_empty(),
                "{k}: rows of other filters are shown"
            );
            let screen = text(&render(&state, 200, 60));
            assert!(screen.contains("loading"), "{k}: {screen}");
        }
        // A late answer for the filters just left is dropped.
        update(
            &mut state,
            Event::Fetched(Fetched::Security(SecurityFetched::Findings(
                before.clone(),
                Ok(Listing::complete(vec![Finding::default()])),
            ))),
        );
        assert!(
            state
                .security
                .visible_findings()
                .iter()
                .all(|f| !f.id.is_empty()),
            "{k}: a stale answer was shown"
        );
    }
}
