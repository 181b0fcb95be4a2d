//! End-to-end: the demo at `OPSDECK_DEMO_SPEED=10`, started 4 minutes in (`--demo-at 4`:
//! past the 4:00 peak of the bad deployment's errors, so their count no longer depends on
//! where in the ramp the run lands), runs on the simulated clock. After 22 real seconds the
//! prod incident is 7:40 in, and F1 in the Logs pane finds its errors (the query's range
//! ends at the simulated now, minutes ahead of the wall clock — not at a stale or
//! wall-clock instant, where it would find none).

mod pty_support;

use std::time::Duration;

use pty_support::Pty;

const WAIT: Duration = Duration::from_secs(30);

#[test]
fn f1_at_speed_ten_finds_the_incidents_errors() {
    let home = tempfile::tempdir().expect("tempdir");
    let speed = [("OPSDECK_DEMO_SPEED", "10".to_string())];
    let mut p = Pty::spawn(
        &["--demo", "--demo-at", "4", "--env", "prod"],
        home.path(),
        &speed,
        200,
        50,
    );
    p.wait_all(&["PRODUCTION", "REQUESTS"], WAIT);
    p.pump(Duration::from_secs(22));
    p.send("5");
    p.wait_all(&["Logs Insights"], WAIT);
    p.send("\u{1b}OP"); // F1: recent-errors over the last hour
    p.wait_all(&["Complete", "FEATURE_FLAGS_URL"], WAIT);
    p.send("q");
    let ok = p.exited_ok();
    let (status, _) = p.finish();
    assert_eq!(status, ok);
}
