//! A step's resolved inputs (parameters and earlier steps' outputs) and reading them.

use std::collections::BTreeMap;

use super::super::value::Value;

/// A step's inputs by name.
pub type Inputs = BTreeMap<String, Value>;

/// The secret input `key` (a `secret` parameter or a typed value), if it is one.
pub fn secret(inputs: &Inputs, key: &str) -> Option<crate::cloud::Redacted> {
    match inputs.get(key) {
        Some(Value::Secret(s)) => Some(s.clone()),
        Some(Value::Str(s)) => Some(crate::cloud::Redacted(s.clone())),
        _ => None,
    }
}

/// The string input `key`, if it is one.
pub fn text(inputs: &Inputs, key: &str) -> Option<String> {
    match inputs.get(key) {
        Some(Value::Str(s)) => Some(s.clone()),
        _ => None,
    }
}
