//! Making free text fit an AWS name or tag alphabet: every character outside it becomes
//! a replacement, and the result is cut to a maximum length.

/// `text` with each character `allowed` rejects replaced by `with`, at most `max` chars.
pub fn restrict(text: &str, allowed: impl Fn(char) -> bool, with: char, max: usize) -> String {
    text.chars()
        .map(|c| if allowed(c) { c } else { with })
        .take(max)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_cuts() {
        assert_eq!(restrict("a&b c", |c| c.is_alphanumeric(), '-', 4), "a-b-");
        assert_eq!(restrict("", |_| true, '-', 4), "");
    }
}
