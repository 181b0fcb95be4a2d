//! Resident set of the console's state with the large data loaded: 10,000 Security Hub
//! findings applied to the Security pane and 100,000 live-tail lines in the Logs pane
//! (the target: ≤ 60 MB). Prints the figure; run with `cargo bench --bench memory`.

mod support;

use support::large::{FINDINGS, TAIL_LINES, inflate, load_logs};
use support::{loaded_state, rss_kb};

fn main() {
    let before = rss_kb().unwrap_or(0);
    let (mut state, applied) = loaded_state(opsdeck::panes::Pane::Security, inflate);
    // The answers as fetched are gone once applied; only the state keeps data.
    drop(applied);
    let with_findings = rss_kb().unwrap_or(0);
    load_logs(&mut state, true);
    let after = rss_kb().unwrap_or(0);
    let findings = state.security.findings.data.as_ref().map_or(0, |l| l.len());
    let lines = state.logs.tail.events.len();
    assert_eq!(findings, FINDINGS, "findings loaded");
    assert_eq!(lines, TAIL_LINES, "tail lines loaded");
    println!(
        "resident set: {} MB with {findings} findings and {lines} tail lines loaded \
         ({} MB before, {} MB with the findings only)",
        after / 1024,
        before / 1024,
        with_findings / 1024
    );
    std::hint::black_box(&state);
}
