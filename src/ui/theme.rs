//! Colour themes: flat TOML files in `themes/`, each a partial override of `default`.
//!
//! Built-in themes are embedded in the binary; user themes live in
//! `~/.config/opsdeck/themes/NAME.toml` or are given as a path. `NO_COLOR` turns
//! every colour off; emphasis then comes from bold and reverse video alone.

use std::path::{Path, PathBuf};

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use crate::config::FileError;

/// Built-in themes, name and TOML text.
pub const BUILT_IN: [(&str, &str); 3] = [
    ("default", include_str!("../../themes/default.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    (
        "solarized-dark",
        include_str!("../../themes/solarized-dark.toml"),
    ),
];

/// Resolved colours the UI draws with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub name: String,
    pub foreground: Color,
    pub background: Color,
    pub muted: Color,
    pub accent: Color,
    pub border: Color,
    pub border_focused: Color,
    pub selection_fg: Color,
    pub selection_bg: Color,
    pub header_fg: Color,
    pub header_bg: Color,
    pub ok: Color,
    pub warning: Color,
    pub critical: Color,
    pub env_dev: Color,
    pub env_staging: Color,
    pub env_prod: Color,
    pub env_other: Color,
}

/// A theme file as written: any subset of keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    foreground: Option<ColorSpec>,
    background: Option<ColorSpec>,
    muted: Option<ColorSpec>,
    accent: Option<ColorSpec>,
    border: Option<ColorSpec>,
    border_focused: Option<ColorSpec>,
    selection_fg: Option<ColorSpec>,
    selection_bg: Option<ColorSpec>,
    header_fg: Option<ColorSpec>,
    header_bg: Option<ColorSpec>,
    ok: Option<ColorSpec>,
    warning: Option<ColorSpec>,
    critical: Option<ColorSpec>,
    env_dev: Option<ColorSpec>,
    env_staging: Option<ColorSpec>,
    env_prod: Option<ColorSpec>,
    env_other: Option<ColorSpec>,
}

/// A colour as written in a theme file, validated while deserializing.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "toml::Value")]
struct ColorSpec(Color);

impl TryFrom<toml::Value> for ColorSpec {
    type Error = String;
    fn try_from(v: toml::Value) -> Result<Self, String> {
        match v {
            toml::Value::Integer(i) => u8::try_from(i)
                .map(|n| ColorSpec(Color::Indexed(n)))
                .map_err(|_| format!("colour index {i} out of range 0-255")),
            toml::Value::String(s) => parse_color(&s).map(ColorSpec),
            other => Err(format!(
                "expected a colour string or index, found {}",
                other.type_str()
            )),
        }
    }
}

/// Parse `#rrggbb`, a colour name, or a decimal ANSI index.
pub fn parse_color(s: &str) -> Result<Color, String> {
    let t = s.trim().to_ascii_lowercase();
    if let Some(hex) = t.strip_prefix('#') {
        if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            let n = u32::from_str_radix(hex, 16).map_err(|e| e.to_string())?;
            return Ok(Color::Rgb((n >> 16) as u8, (n >> 8) as u8, n as u8));
        }
        return Err(format!("invalid colour {s:?}: expected #rrggbb"));
    }
    if let Ok(n) = t.parse::<u8>() {
        return Ok(Color::Indexed(n));
    }
    let c = match t.replace(['-', '_', ' '], "").as_str() {
        "reset" | "default" | "none" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "darkgray" | "darkgrey" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        _ => return Err(format!("unknown colour {s:?}")),
    };
    Ok(c)
}

impl Theme {
    /// The built-in default theme.
    pub fn default_theme() -> Theme {
        let (_, text) = BUILT_IN[0];
        let file: ThemeFile = toml::from_str(text).unwrap_or_default();
        let mut t = Theme::fallback();
        t.apply(&file);
        t
    }

    /// Hard-coded colours used only if the embedded default could not be read.
    fn fallback() -> Theme {
        Theme {
            name: "default".into(),
            foreground: Color::Reset,
            background: Color::Reset,
            muted: Color::DarkGray,
            accent: Color::Cyan,
            border: Color::DarkGray,
            border_focused: Color::Cyan,
            selection_fg: Color::Black,
            selection_bg: Color::Cyan,
            header_fg: Color::White,
            header_bg: Color::Reset,
            ok: Color::Green,
            warning: Color::Yellow,
            critical: Color::LightRed,
            env_dev: Color::Green,
            env_staging: Color::Yellow,
            env_prod: Color::Red,
            env_other: Color::Magenta,
        }
    }

    fn apply(&mut self, f: &ThemeFile) {
        macro_rules! set {
            ($($k:ident),*) => { $( if let Some(c) = f.$k { self.$k = c.0; } )* };
        }
        set!(
            foreground,
            background,
            muted,
            accent,
            border,
            border_focused,
            selection_fg,
            selection_bg,
            header_fg,
            header_bg,
            ok,
            warning,
            critical,
            env_dev,
            env_staging,
            env_prod,
            env_other
        );
    }

    /// Parse theme text as an override of the default theme.
    pub fn parse(name: &str, path: &Path, text: &str) -> Result<Theme, FileError> {
        let file: ThemeFile =
            toml::from_str(text).map_err(|e| FileError::from_toml(path, text, &e))?;
        let mut t = Theme::default_theme();
        t.apply(&file);
        t.name = name.to_string();
        Ok(t)
    }

    /// Load a theme by name (user dir first, then built-in) or by path.
    pub fn load(name_or_path: &str) -> Result<Theme, FileError> {
        let looks_like_path = name_or_path.contains('/') || name_or_path.ends_with(".toml");
        let candidates: Vec<PathBuf> = if looks_like_path {
            vec![PathBuf::from(name_or_path)]
        } else {
            user_theme_dir()
                .map(|d| d.join(format!("{name_or_path}.toml")))
                .into_iter()
                .collect()
        };
        for path in &candidates {
            if path.exists() {
                let text = FileError::read_text(path, "theme")?;
                let name = path.file_stem().map_or(name_or_path.to_string(), |s| {
                    s.to_string_lossy().into_owned()
                });
                return Theme::parse(&name, path, &text);
            }
        }
        if let Some((name, text)) = BUILT_IN.iter().find(|(n, _)| *n == name_or_path) {
            let path = PathBuf::from(format!("themes/{name}.toml"));
            return Theme::parse(name, &path, text);
        }
        Err(FileError::whole(
            Path::new(name_or_path),
            format!(
                "unknown theme {name_or_path:?}: built-in themes are {}",
                theme_names().join(", ")
            ),
        ))
    }

    /// Every colour off (for `NO_COLOR`), keeping the name.
    pub fn without_color(&self) -> Theme {
        Theme {
            name: self.name.clone(),
            ..Theme {
                foreground: Color::Reset,
                background: Color::Reset,
                muted: Color::Reset,
                accent: Color::Reset,
                border: Color::Reset,
                border_focused: Color::Reset,
                selection_fg: Color::Reset,
                selection_bg: Color::Reset,
                header_fg: Color::Reset,
                header_bg: Color::Reset,
                ok: Color::Reset,
                warning: Color::Reset,
                critical: Color::Reset,
                env_dev: Color::Reset,
                env_staging: Color::Reset,
                env_prod: Color::Reset,
                env_other: Color::Reset,
                name: String::new(),
            }
        }
    }

    /// Plain text.
    pub fn text(&self) -> Style {
        Style::default().fg(self.foreground).bg(self.background)
    }

    /// De-emphasised text (ages, hints).
    pub fn dim(&self) -> Style {
        Style::default().fg(self.muted)
    }

    /// A selected row: colours plus reverse video so it shows without colour too.
    pub fn selected(&self) -> Style {
        Style::default()
            .fg(self.selection_fg)
            .bg(self.selection_bg)
            .add_modifier(Modifier::BOLD)
    }

    /// A block border, focused or not.
    pub fn border(&self, focused: bool) -> Style {
        Style::default().fg(if focused {
            self.border_focused
        } else {
            self.border
        })
    }

    /// The colour of an environment's badge and frame.
    pub fn env_color(&self, env: &str) -> Color {
        match env {
            "prod" | "production" => self.env_prod,
            "staging" | "stage" => self.env_staging,
            "dev" | "development" => self.env_dev,
            _ => self.env_other,
        }
    }

    /// Style for a health level.
    pub fn level(&self, level: Level) -> Style {
        match level {
            Level::Ok => Style::default().fg(self.ok),
            Level::Warning => Style::default()
                .fg(self.warning)
                .add_modifier(Modifier::BOLD),
            Level::Critical => Style::default()
                .fg(self.critical)
                .add_modifier(Modifier::BOLD),
            Level::Unknown => Style::default().fg(self.muted),
        }
    }
}

pub use crate::level::Level;

/// Names of every theme available: built-in plus user themes.
pub fn theme_names() -> Vec<String> {
    let mut names: Vec<String> = BUILT_IN.iter().map(|(n, _)| n.to_string()).collect();
    if let Some(dir) = user_theme_dir()
        && let Ok(entries) = std::fs::read_dir(dir)
    {
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "toml")
                && let Some(stem) = p.file_stem()
            {
                let s = stem.to_string_lossy().into_owned();
                if !names.contains(&s) {
                    names.push(s);
                }
            }
        }
    }
    names
}

/// `~/.config/opsdeck/themes`.
pub fn user_theme_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("opsdeck").join("themes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_themes_parse() {
        for (name, _) in BUILT_IN {
            let t = Theme::load(name).unwrap();
            assert_eq!(t.name, name);
        }
        assert_eq!(Theme::default_theme().env_prod, Color::Rgb(0xd7, 0, 0));
    }

    #[test]
    fn partial_override_keeps_defaults() {
        let t = Theme::parse("x", Path::new("x.toml"), "critical = \"red\"\n").unwrap();
        assert_eq!(t.critical, Color::Red);
        assert_eq!(t.ok, Theme::default_theme().ok);
    }

    #[test]
    fn bad_theme_names_line_and_column() {
        let e = Theme::parse(
            "x",
            Path::new("x.toml"),
            "ok = \"green\"\nwarning = \"#zz\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.to_string().starts_with("x.toml:2:"), "{e}");
        let e = Theme::parse("x", Path::new("x.toml"), "warnin = \"red\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 1), "{e}");
        let e = Theme::parse("x", Path::new("x.toml"), "ok = 300\n").unwrap_err();
        assert!(e.message.contains("out of range"), "{e}");
    }

    #[test]
    fn unknown_theme_lists_built_ins() {
        let e = Theme::load("nope").unwrap_err();
        assert!(e.message.contains("high-contrast"));
    }

    #[test]
    fn colours_parse() {
        assert_eq!(parse_color("#ff0000"), Ok(Color::Rgb(255, 0, 0)));
        assert_eq!(parse_color("Light-Red"), Ok(Color::LightRed));
        assert_eq!(parse_color("42"), Ok(Color::Indexed(42)));
        assert!(parse_color("#12").is_err());
    }
}
