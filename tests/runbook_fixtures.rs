//! Invalid runbook files, one per kind of error: each must be reported with the file,
//! line and column the `# expect:` comment names. Shipped runbooks must all load.

use std::path::Path;

use opsdeck::runbook::file::parse;
use opsdeck::runbook::library::{Library, SHIPPED};

#[test]
fn invalid_runbooks_name_file_line_and_column() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/runbooks/invalid");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 10);
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read");
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{} lacks # expect:", path.display()));
        let err = parse(&path, &text).expect_err(&path.display().to_string());
        let shown = err.to_string();
        assert!(
            shown.starts_with(&format!("{}:{}", path.display(), expect)),
            "{}: expected `{expect}`, got `{shown}`",
            path.display()
        );
    }
}

#[test]
fn shipped_runbooks_load_and_follow_the_template() {
    let lib = Library::load(None);
    assert!(lib.errors.is_empty(), "{:?}", lib.errors);
    assert_eq!(lib.runbooks.len(), SHIPPED.len());
    for rb in &lib.runbooks {
        assert!(
            !rb.purpose.is_empty() && !rb.escalation.is_empty(),
            "{}",
            rb.name
        );
        assert!(
            !rb.prerequisites.is_empty(),
            "{} has no prerequisites",
            rb.name
        );
        assert!(
            !rb.verification.is_empty(),
            "{} has no verification",
            rb.name
        );
        assert!(rb.param("timeout").is_some() && rb.param("incident").is_some());
    }
    // CLI parameter contract.
    assert!(
        lib.get("rollback")
            .and_then(|r| r.param("revision"))
            .is_some()
    );
    assert!(lib.get("scale").and_then(|r| r.param("count")).is_some());
    let deploy = lib.get("deploy").expect("deploy");
    assert!(deploy.param("image").is_some() && deploy.param("revision").is_some());
}
