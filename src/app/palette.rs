//! The `:` command palette: parsing commands and suggesting completions.

use crate::panes::Pane;

/// A command typed in the palette.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaletteCommand {
    Env(String),
    /// Use this AWS profile for the current environment (this session).
    Profile(String),
    /// Use this region for the current environment (this session).
    Region(String),
    Theme(String),
    Pane(Pane),
    Refresh,
    Help,
    /// End the break-glass session now.
    DropBreakGlass,
    /// Open incident `id` on this environment (`:incident start INC-123`).
    IncidentStart(String),
    /// Close this environment's open incident (`:incident end`).
    IncidentEnd,
    /// During a drill: reveal a hint (`:hint`, as F9).
    DrillHint,
    /// During a drill: pause or resume (`:pause`, as F8).
    DrillPause,
    Quit,
}

/// Parse a palette line. Errors are shown in the status line.
pub fn parse(line: &str) -> Result<PaletteCommand, String> {
    let mut words = line.split_whitespace();
    let Some(head) = words.next() else {
        return Err("empty command".into());
    };
    let arg = words.next();
    if head == "incident" {
        return match (arg, words.next()) {
            (Some("start"), Some(id)) => Ok(PaletteCommand::IncidentStart(id.to_string())),
            (Some("end"), None) => Ok(PaletteCommand::IncidentEnd),
            _ => Err("usage: incident start ID | incident end".into()),
        };
    }
    match (head, arg) {
        ("env" | "e", Some(name)) => Ok(PaletteCommand::Env(name.to_string())),
        ("env" | "e", None) => Err("usage: env NAME".into()),
        ("profile", Some(name)) => Ok(PaletteCommand::Profile(name.to_string())),
        ("profile", None) => Err("usage: profile NAME (tab lists ~/.aws/config's)".into()),
        ("region", Some(name)) => Ok(PaletteCommand::Region(name.to_string())),
        ("region", None) => Err("usage: region NAME".into()),
        ("theme", Some(name)) => Ok(PaletteCommand::Theme(name.to_string())),
        ("theme", None) => Err("usage: theme NAME".into()),
        ("refresh" | "r", None) => Ok(PaletteCommand::Refresh),
        ("help" | "h", None) => Ok(PaletteCommand::Help),
        ("quit" | "q" | "q!", None) => Ok(PaletteCommand::Quit),
        ("drop-break-glass", None) => Ok(PaletteCommand::DropBreakGlass),
        ("hint", None) => Ok(PaletteCommand::DrillHint),
        ("pause" | "resume", None) => Ok(PaletteCommand::DrillPause),
        (name, None) => Pane::from_name(name)
            .map(PaletteCommand::Pane)
            .ok_or_else(|| format!("unknown command {name:?} (try :help)")),
        (name, Some(_)) => Err(format!("unknown command {name:?} (try :help)")),
    }
}

/// Completions for a partial line, given the environment, theme and AWS profile names.
pub fn suggestions(
    line: &str,
    envs: &[String],
    themes: &[String],
    profiles: &[String],
) -> Vec<String> {
    let trimmed = line.trim_start();
    if let Some(rest) = trimmed.strip_prefix("profile ") {
        return prefixed(profiles, rest.trim(), "profile ");
    }
    if let Some(rest) = trimmed.strip_prefix("env ") {
        return prefixed(envs, rest.trim(), "env ");
    }
    if let Some(rest) = trimmed.strip_prefix("theme ") {
        return prefixed(themes, rest.trim(), "theme ");
    }
    let mut all: Vec<String> = [
        "env ",
        "profile ",
        "region ",
        "theme ",
        "refresh",
        "help",
        "drop-break-glass",
        "incident start ",
        "incident end",
        "quit",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    all.extend(Pane::EVERY.iter().map(|p| p.name().to_string()));
    all.into_iter().filter(|c| c.starts_with(trimmed)).collect()
}

fn prefixed(options: &[String], partial: &str, head: &str) -> Vec<String> {
    options
        .iter()
        .filter(|o| o.starts_with(partial))
        .map(|o| format!("{head}{o}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands() {
        assert_eq!(parse("env prod"), Ok(PaletteCommand::Env("prod".into())));
        assert_eq!(parse(" quit "), Ok(PaletteCommand::Quit));
        assert_eq!(
            parse("drop-break-glass"),
            Ok(PaletteCommand::DropBreakGlass)
        );
        assert_eq!(parse("ecs"), Ok(PaletteCommand::Pane(Pane::Ecs)));
        assert_eq!(parse("hint"), Ok(PaletteCommand::DrillHint));
        assert_eq!(parse("resume"), Ok(PaletteCommand::DrillPause));
        assert!(parse("env").is_err());
        assert!(parse("bogus").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn suggests_completions() {
        let envs = vec!["dev".to_string(), "prod".to_string()];
        assert_eq!(suggestions("env p", &envs, &[], &[]), vec!["env prod"]);
        assert!(suggestions("e", &envs, &[], &[]).contains(&"env ".to_string()));
        assert!(suggestions("ec", &envs, &[], &[]).contains(&"ecs".to_string()));
        let profiles = vec!["default".to_string(), "prod-admin".to_string()];
        assert_eq!(
            suggestions("profile pr", &envs, &[], &profiles),
            vec!["profile prod-admin"]
        );
        assert_eq!(parse("profile x"), Ok(PaletteCommand::Profile("x".into())));
        assert_eq!(
            parse("region eu-west-1"),
            Ok(PaletteCommand::Region("eu-west-1".into()))
        );
        assert!(parse("profile").is_err());
    }
}
