//! Names a rotation is known by: the new version's id (the run's `ClientRequestToken`,
//! the same on a retry) and rotation times as the plan prints them.

/// `RotateSecret`'s `ClientRequestToken` for a run: 32–64 characters, the same on retry.
pub fn rotation_token(run_id: &str) -> String {
    let mut t = super::sanitize::restrict(
        &format!("opsdeck-{run_id}"),
        |c| c.is_ascii_alphanumeric(),
        '-',
        64,
    );
    while t.len() < 32 {
        t.push('0');
    }
    t
}

/// A Unix time as `YYYY-MM-DD HH:MM UTC`.
pub fn when(epoch: Option<i64>) -> String {
    epoch
        .and_then(|e| time::OffsetDateTime::from_unix_timestamp(e).ok())
        .map_or_else(
            || "never".into(),
            |t| {
                format!(
                    "{:04}-{:02}-{:02} {:02}:{:02} UTC",
                    t.year(),
                    u8::from(t.month()),
                    t.day(),
                    t.hour(),
                    t.minute()
                )
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_tokens_are_32_to_64_safe_characters() {
        let t = rotation_token("run-1");
        assert_eq!(t.len(), 32);
        assert!(t.starts_with("opsdeck-run-1"));
        let long = rotation_token(&"x".repeat(100));
        assert_eq!(long.len(), 64);
        assert!(
            rotation_token("run-18b2f3a4c5d6e7f8-12345")
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        );
        assert_eq!(when(Some(0)), "1970-01-01 00:00 UTC");
        assert_eq!(when(None), "never");
    }
}
