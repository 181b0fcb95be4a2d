//! Choosing among several candidates: a numbered list asked on the terminal
//! (`tty_prompt`), or — with no terminal — an error that lists them and says what to pass
//! instead, so a script never hangs on a question.

use crate::text::one_line;
use crate::tty_prompt;

/// Wrong answers tolerated before giving up.
const ATTEMPTS: usize = 3;

/// The question and its numbered options, as shown on the terminal and in the error.
pub fn listing(question: &str, options: &[String]) -> String {
    let mut out = format!("{}:\n", one_line(question));
    for (i, o) in options.iter().enumerate() {
        out.push_str(&format!("  {}. {}\n", i + 1, one_line(o)));
    }
    out
}

/// The 0-based index `answer` (a 1-based number) picks among `n` options.
pub fn parse_answer(answer: &str, n: usize) -> Option<usize> {
    answer
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|i| (1..=n).contains(i))
        .map(|i| i - 1)
}

/// Ask which of `options` to use. Without a terminal, or when the question is cancelled,
/// the error holds the listing and `hint` (the flag or key to set instead).
pub fn choose(question: &str, options: &[String], hint: &str) -> Result<usize, String> {
    let listed = listing(question, options);
    if !tty_prompt::available() {
        return Err(format!("{listed}no terminal to choose on: {hint}"));
    }
    let mut prompt = format!("{listed}which one [1-{}]? ", options.len());
    for _ in 0..ATTEMPTS {
        match tty_prompt::ask(&prompt, false) {
            Ok(answer) => match parse_answer(&answer, options.len()) {
                Some(i) => return Ok(i),
                None => {
                    prompt = format!("a number from 1 to {}: ", options.len());
                }
            },
            Err(e) => return Err(format!("{listed}{e}: {hint}")),
        }
    }
    Err(format!("{listed}no valid choice: {hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_one_based_numbers_in_range() {
        assert_eq!(parse_answer("1", 2), Some(0));
        assert_eq!(parse_answer(" 2 ", 2), Some(1));
        for bad in ["0", "3", "", "x", "-1", "1.5"] {
            assert_eq!(parse_answer(bad, 2), None, "{bad}");
        }
    }

    #[test]
    fn the_listing_numbers_options_and_cleans_them() {
        let l = listing("prod: 2 ECS clusters", &["a".into(), "b\u{1b}[2J".into()]);
        assert!(
            l.starts_with("prod: 2 ECS clusters:\n  1. a\n  2. b"),
            "{l}"
        );
        assert!(!l.contains('\u{1b}'), "{l:?}");
    }
}
