//! End-to-end: the demo console in a pseudo-terminal, ten minutes into the prod incident.
//! `0` shows the fleet — every environment's row filled in with its account — and
//! `enter` on prod opens prod's dashboard (the console switched environment).

mod pty_support;

use std::time::Duration;

use pty_support::Pty;

const WAIT: Duration = Duration::from_secs(30);

#[test]
fn zero_shows_the_fleet_and_enter_opens_an_environment() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut p = Pty::spawn(
        &["--demo", "--demo-at", "10", "--env", "dev"],
        home.path(),
        &[],
        200,
        50,
    );
    p.wait_all(&["DEV", "REQUESTS"], WAIT);
    p.send("0");
    p.wait_all(
        &[
            "Fleet · 3 environments",
            "111111111111",
            "222222222222",
            "333333333333",
        ],
        WAIT,
    );
    // The fleet of the incident as the operator sees it.
    let screen = p.screens(200, 50).pop().unwrap_or_default();
    let prod_row = screen
        .lines()
        .find(|l| l.contains("prod ") && l.contains("333333333333"))
        .unwrap_or_else(|| panic!("no prod row:\n{screen}"));
    assert!(
        prod_row.contains("5xx") || prod_row.contains("p99"),
        "{prod_row}"
    );
    // Down to prod, open it.
    p.send("G");
    p.pump(Duration::from_millis(300));
    p.send("\r");
    p.wait_all(&["PRODUCTION", "switched to prod", "REQUESTS"], WAIT);
    p.send("q");
    let ok = p.exited_ok();
    let (status, _) = p.finish();
    assert_eq!(status, ok);
}
