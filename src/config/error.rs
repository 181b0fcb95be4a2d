//! Errors for files opsdeck reads (config, themes, runbooks), located by file, line and column.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::text::clip_message;

/// A problem in a file, pointing at where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub path: PathBuf,
    /// 1-based line, 0 when the error is about the file as a whole.
    pub line: usize,
    /// 1-based column, 0 when the error is about the file as a whole.
    pub column: usize,
    pub message: String,
}

impl FileError {
    /// An error about the whole file (missing, unreadable).
    pub fn whole(path: &Path, message: impl Into<String>) -> Self {
        FileError {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            message: clip_message(&message.into()),
        }
    }

    /// An error at a byte offset of `source`.
    pub fn at_offset(path: &Path, source: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_column(source, offset);
        FileError {
            path: path.to_path_buf(),
            line,
            column,
            message: clip_message(&message.into()),
        }
    }

    /// Read a file as text: unreadable is an error about the whole file; bytes that are
    /// not UTF-8 are an error at line 1, column 1 that says where the first bad byte is.
    pub fn read_text(path: &Path, what: &str) -> Result<String, FileError> {
        let bytes = std::fs::read(path)
            .map_err(|e| FileError::whole(path, format!("cannot read {what}: {e}")))?;
        String::from_utf8(bytes).map_err(|e| {
            let valid = e.utf8_error().valid_up_to();
            let good = String::from_utf8_lossy(&e.as_bytes()[..valid]);
            let (line, column) = line_column(&good, valid);
            FileError {
                path: path.to_path_buf(),
                line: 1,
                column: 1,
                message: format!(
                    "{what} is not UTF-8 (first invalid byte at line {line}, column {column})"
                ),
            }
        })
    }

    /// Map a TOML parse/deserialize error, keeping its location (line 1, column 1 when
    /// the parser gives none) and its message.
    pub fn from_toml(path: &Path, source: &str, err: &toml::de::Error) -> Self {
        let offset = err.span().map(|s| s.start).unwrap_or(0);
        FileError::at_offset(path, source, offset, err.message().trim())
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path.display(), self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.path.display(),
                self.line,
                self.column,
                self.message
            )
        }
    }
}

impl std::error::Error for FileError {}

/// 1-based (line, column) of a byte offset; columns count characters, not bytes.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = source[line_start..offset].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let src = "a = 1\nbé = 2\n";
        assert_eq!(line_column(src, 0), (1, 1));
        assert_eq!(line_column(src, 6), (2, 1));
        assert_eq!(line_column(src, 9), (2, 3));
        assert_eq!(line_column(src, 999), (3, 1));
    }

    #[test]
    fn display_names_file_line_column() {
        let e = FileError::at_offset(Path::new("c.toml"), "x\ny", 2, "bad");
        assert_eq!(e.to_string(), "c.toml:2:1: bad");
    }
}
