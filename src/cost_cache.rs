//! Cost Explorer answers cached on disk, so that looking at the Cost pane (or running
//! `opsdeck cost`) does not pay $0.01 per request every time.
//!
//! One JSON file per environment and request under `$XDG_CACHE_HOME/opsdeck/cost/<env>/`,
//! named by a hash of the request. An entry younger than the TTL (default 6 h) is used
//! instead of calling Cost Explorer. A missing, unreadable or corrupt file is a miss,
//! never an error.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cloud::Epoch;

/// How long a cached answer is used before Cost Explorer is asked again.
pub const DEFAULT_TTL_SECONDS: i64 = 6 * 3600;
/// Bumped when the stored format changes; older files are misses.
const FORMAT: u32 = 1;

/// A cached value and when it was stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Cached<T> {
    pub value: T,
    pub stored_at: Epoch,
}

impl<T> Cached<T> {
    /// Seconds since it was stored.
    pub fn age(&self, now: Epoch) -> i64 {
        (now - self.stored_at).max(0)
    }
}

#[derive(Serialize, Deserialize)]
struct Entry<T> {
    format: u32,
    key: String,
    stored_at: Epoch,
    value: T,
}

/// The on-disk cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostCache {
    root: PathBuf,
    ttl: i64,
}

impl CostCache {
    /// A cache under `root` whose entries are fresh for `ttl_seconds`.
    pub fn new(root: impl Into<PathBuf>, ttl_seconds: i64) -> CostCache {
        CostCache {
            root: root.into(),
            ttl: ttl_seconds,
        }
    }

    /// `$XDG_CACHE_HOME/opsdeck/cost` with entries fresh for `ttl_seconds`.
    pub fn default_location_with_ttl(ttl_seconds: i64) -> Option<CostCache> {
        dirs::cache_dir().map(|d| CostCache::new(d.join("opsdeck").join("cost"), ttl_seconds))
    }

    /// The cache's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Seconds an entry stays fresh.
    pub fn ttl(&self) -> i64 {
        self.ttl
    }

    /// True when an entry stored at `stored_at` may be used at `now` (a timestamp from the
    /// future, e.g. after a clock change, is not trusted).
    pub fn is_fresh(&self, stored_at: Epoch, now: Epoch) -> bool {
        stored_at <= now + 60 && now - stored_at < self.ttl
    }

    /// The file for `key` in environment `env`.
    pub fn path(&self, env: &str, key: &str) -> PathBuf {
        let env: String = env
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let hash = hex::encode(Sha256::digest(key.as_bytes()));
        self.root.join(env).join(format!("{}.json", &hash[..32]))
    }

    /// The entry for `key`, whatever its age; `None` when missing or unreadable.
    pub fn get<T: DeserializeOwned>(&self, env: &str, key: &str) -> Option<Cached<T>> {
        let path = self.path(env, key);
        let text = fs::read_to_string(&path).ok()?;
        match serde_json::from_str::<Entry<T>>(&text) {
            Ok(e) if e.format == FORMAT && e.key == key => Some(Cached {
                value: e.value,
                stored_at: e.stored_at,
            }),
            Ok(_) => None,
            Err(err) => {
                tracing::warn!(path = %path.display(), %err, "ignoring corrupt cost cache entry");
                None
            }
        }
    }

    /// The entry for `key` if it is fresh at `now`.
    pub fn get_fresh<T: DeserializeOwned>(
        &self,
        env: &str,
        key: &str,
        now: Epoch,
    ) -> Option<Cached<T>> {
        self.get(env, key)
            .filter(|c: &Cached<T>| self.is_fresh(c.stored_at, now))
    }

    /// Store `value` for `key` at `now` (written to a temporary file, then renamed).
    pub fn put<T: Serialize>(&self, env: &str, key: &str, value: &T, now: Epoch) -> io::Result<()> {
        let path = self.path(env, key);
        let entry = Entry {
            format: FORMAT,
            key: key.to_owned(),
            stored_at: now,
            value,
        };
        let text = serde_json::to_string(&entry).map_err(io::Error::other)?;
        crate::private_file::replace(&path, text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(ttl: i64) -> (tempfile::TempDir, CostCache) {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = CostCache::new(dir.path(), ttl);
        (dir, cache)
    }

    #[test]
    fn fresh_within_the_ttl_only() {
        let (_dir, c) = cache(100);
        c.put("prod", "k", &vec![1.5, 2.0], 1_000).expect("put");
        let hit: Cached<Vec<f64>> = c.get_fresh("prod", "k", 1_099).expect("fresh");
        assert_eq!(hit.value, vec![1.5, 2.0]);
        assert_eq!(hit.age(1_099), 99);
        assert!(
            c.get_fresh::<Vec<f64>>("prod", "k", 1_100).is_none(),
            "expired"
        );
        assert!(
            c.get::<Vec<f64>>("prod", "k").is_some(),
            "stale stays readable"
        );
        assert!(
            c.get_fresh::<Vec<f64>>("prod", "k", 800).is_none(),
            "stored in the future"
        );
    }

    #[test]
    fn keyed_by_environment_and_request() {
        let (_dir, c) = cache(DEFAULT_TTL_SECONDS);
        c.put("prod", "usage:a", &1, 0).expect("put");
        c.put("dev", "usage:a", &2, 0).expect("put");
        c.put("prod", "usage:b", &3, 0).expect("put");
        assert_eq!(c.get::<i32>("prod", "usage:a").map(|c| c.value), Some(1));
        assert_eq!(c.get::<i32>("dev", "usage:a").map(|c| c.value), Some(2));
        assert_eq!(c.get::<i32>("prod", "usage:b").map(|c| c.value), Some(3));
        assert!(c.get::<i32>("staging", "usage:a").is_none());
        assert_ne!(c.path("prod", "x"), c.path("dev", "x"));
        assert!(c.path("../etc", "x").starts_with(c.root()));
    }

    #[test]
    fn corrupt_or_foreign_files_are_misses() {
        let (_dir, c) = cache(DEFAULT_TTL_SECONDS);
        let path = c.path("prod", "k");
        fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
        fs::write(&path, b"{not json \xff").expect("write");
        assert!(c.get::<i32>("prod", "k").is_none());
        fs::write(
            &path,
            r#"{"format":1,"key":"other","stored_at":0,"value":1}"#,
        )
        .expect("write");
        assert!(c.get::<i32>("prod", "k").is_none(), "another key's entry");
        fs::write(
            &path,
            r#"{"format":1,"key":"k","stored_at":0,"value":"text"}"#,
        )
        .expect("write");
        assert!(c.get::<i32>("prod", "k").is_none(), "wrong shape");
        // A corrupt entry is simply replaced.
        c.put("prod", "k", &7, 0).expect("put");
        assert_eq!(c.get::<i32>("prod", "k").map(|c| c.value), Some(7));
    }

    #[test]
    fn unwritable_cache_is_an_error_not_a_panic() {
        let (dir, _) = cache(1);
        let file = dir.path().join("file");
        fs::write(&file, "x").expect("write");
        let c = CostCache::new(&file, 1);
        assert!(c.put("prod", "k", &1, 0).is_err());
        assert!(c.get::<i32>("prod", "k").is_none());
    }
}
