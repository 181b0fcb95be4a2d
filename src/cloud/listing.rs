//! A listing read page by page, and whether it was read to its end.
//!
//! Reads follow every page. Where a listing stops early (a safety guard against an
//! endpoint that keeps returning a next token), it says so: `complete` is false, and
//! every count drawn from `items` is a lower bound that a screen shows as `≥ N`.
//! A `Listing<T>` reads as a `[T]` (`Deref`), so code that only walks the items keeps
//! working; code that shows a count must also look at `complete`.

use std::ops::Deref;

/// Items of a paginated listing, and whether every page was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing<T> {
    pub items: Vec<T>,
    /// False when reading stopped before the last page: more items exist than `items`.
    pub complete: bool,
}

impl<T> Listing<T> {
    /// Every item there is.
    pub fn complete(items: Vec<T>) -> Listing<T> {
        Listing {
            items,
            complete: true,
        }
    }

    /// The items read before reading stopped; more exist.
    pub fn partial(items: Vec<T>) -> Listing<T> {
        Listing {
            items,
            complete: false,
        }
    }

    /// The same completeness over other items (derived from these).
    pub fn map<U>(self, f: impl FnOnce(Vec<T>) -> Vec<U>) -> Listing<U> {
        Listing {
            items: f(self.items),
            complete: self.complete,
        }
    }
}

/// No items, and none missing.
impl<T> Default for Listing<T> {
    fn default() -> Self {
        Listing::complete(Vec::new())
    }
}

impl<T> Deref for Listing<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl<'a, T> IntoIterator for &'a Listing<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T> IntoIterator for Listing<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_reads_as_its_items_and_keeps_its_completeness() {
        let l = Listing::partial(vec![1, 2, 3]);
        assert_eq!(l.len(), 3);
        assert_eq!(l.iter().sum::<i32>(), 6);
        let doubled = l.map(|v| v.into_iter().map(|x| x * 2).collect());
        assert_eq!(doubled.items, vec![2, 4, 6]);
        assert!(!doubled.complete);
        let empty: Listing<u8> = Listing::default();
        assert!(empty.complete && empty.is_empty());
    }
}
