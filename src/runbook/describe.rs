//! A runbook as text, in the seed's template order (purpose, parameters,
//! prerequisites, procedure, verification, rollback, escalation).

use super::model::{Risk, Runbook};

/// "low" or "high".
pub fn risk(rb: &Runbook) -> &'static str {
    match rb.risk {
        Risk::Low => "low",
        Risk::High => "high",
    }
}

/// A runbook as text: the seed's template sections.
pub fn text(rb: &Runbook) -> String {
    let mut out = format!(
        "{} — {}\nrisk: {}\nsource: {}\n\npurpose:\n  {}\n\nparameters:\n",
        rb.name,
        rb.title,
        risk(rb),
        rb.source.display(),
        rb.purpose
    );
    for p in &rb.params {
        let default = p
            .default
            .as_ref()
            .map(|d| format!(" (default {d})"))
            .or_else(|| {
                p.default_from
                    .as_ref()
                    .map(|k| format!(" (default: environment {k})"))
            })
            .unwrap_or_default();
        out.push_str(&format!(
            "  {:<10} {:<9}{}{} {}\n",
            p.name,
            p.ty.name(),
            if p.required { " required" } else { "" },
            default,
            p.help
        ));
    }
    for (title, steps) in [
        ("prerequisites", &rb.prerequisites),
        ("procedure", &rb.procedure),
        ("verification", &rb.verification),
        ("rollback", &rb.rollback),
    ] {
        out.push_str(&format!("\n{title}:\n"));
        for (i, s) in steps.iter().enumerate() {
            out.push_str(&format!("  {}. {} [{}]\n", i + 1, s.label, s.kind.name()));
        }
    }
    out.push_str(&format!("\nescalation:\n  {}\n", rb.escalation));
    // Titles, labels and help come from files: no control characters reach the terminal.
    crate::text::multi_line(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::library::Library;

    #[test]
    fn text_from_the_file_loses_control_characters() {
        let mut rb = Library::load(None).get("scale").cloned().expect("scale");
        rb.title = "Scale\u{1b}[2J now".into();
        rb.procedure[0].label = "bell\u{7}".into();
        let shown = text(&rb);
        assert!(
            !shown
                .chars()
                .any(|c| c != '\n' && crate::text::is_unsafe(c)),
            "{shown:?}"
        );
        assert!(shown.contains("Scale\u{fffd}[2J now") && shown.contains("bell\u{fffd}"));
    }
}
