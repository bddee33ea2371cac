//! Sets and maps kept as sorted lists, for the code the web app runs.
//!
//! Each `BTreeSet<T>` or `BTreeMap<K, V>` with its own types compiles its own copy
//! of the B-tree (insert, search, rebalancing, drop: several KiB of wasm each).
//! The lists here are small (a firmware's names, a bundle's files), so a binary
//! search and a `Vec::insert` do the same job in a few hundred bytes.
//!
//! Invariants: a list built only through these functions is sorted and holds each
//! key once; lookups find what the matching `BTreeSet`/`BTreeMap` call would.

use std::borrow::Borrow;

/// A sorted map of `pairs`, built at once (one shared sort, so a list in any order
/// costs `n log n`, not a `Vec::insert` each); of pairs with the same key, the first
/// is kept.
pub fn index<K: Ord, V>(mut pairs: Vec<(K, V)>) -> Vec<(K, V)> {
    crate::sort::sort_by(&mut pairs, |a, b| a.0.cmp(&b.0));
    pairs.dedup_by(|later, kept| later.0 == kept.0);
    pairs
}

/// Adds `item` to the sorted `set` unless it is there; whether it was new, as
/// `BTreeSet::insert` says.
pub fn insert<T: Ord>(set: &mut Vec<T>, item: T) -> bool {
    match set.binary_search(&item) {
        Ok(_) => false,
        Err(at) => {
            set.insert(at, item);
            true
        }
    }
}

/// Whether the sorted `set` holds `item`.
pub fn contains<T: Borrow<Q>, Q: Ord + ?Sized>(set: &[T], item: &Q) -> bool {
    set.binary_search_by(|t| t.borrow().cmp(item)).is_ok()
}

/// Sets `key` to `value` in the sorted `map`, replacing what it held, as
/// `BTreeMap::insert` does.
pub fn set<K: Ord, V>(map: &mut Vec<(K, V)>, key: K, value: V) {
    match map.binary_search_by(|(k, _)| k.cmp(&key)) {
        Ok(at) => map[at].1 = value,
        Err(at) => map.insert(at, (key, value)),
    }
}

/// The value of `key` in the sorted `map`.
pub fn get<'m, K: Borrow<Q>, Q: Ord + ?Sized, V>(map: &'m [(K, V)], key: &Q) -> Option<&'m V> {
    map.binary_search_by(|(k, _)| k.borrow().cmp(key))
        .ok()
        .map(|at| &map[at].1)
}

/// Takes `key`'s value out of the sorted `map`, as `BTreeMap::remove` does.
pub fn remove<K: Borrow<Q>, Q: Ord + ?Sized, V>(map: &mut Vec<(K, V)>, key: &Q) -> Option<V> {
    let at = map.binary_search_by(|(k, _)| k.borrow().cmp(key)).ok()?;
    Some(map.remove(at).1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    proptest! {
        #[test]
        fn a_sorted_set_answers_as_a_btree_set(items in proptest::collection::vec(0u8..40, 0..80), probes in proptest::collection::vec(0u8..50, 0..20)) {
            let mut list = Vec::new();
            let mut tree = BTreeSet::new();
            for i in items {
                prop_assert_eq!(insert(&mut list, i), tree.insert(i));
            }
            prop_assert_eq!(&list, &tree.iter().copied().collect::<Vec<_>>());
            for p in probes {
                prop_assert_eq!(contains(&list, &p), tree.contains(&p));
            }
        }

        #[test]
        fn a_sorted_map_answers_as_a_btree_map(pairs in proptest::collection::vec((0u8..30, any::<u16>()), 0..80), probes in proptest::collection::vec(0u8..40, 0..20)) {
            let mut list = Vec::new();
            let mut tree = BTreeMap::new();
            for (k, v) in pairs {
                set(&mut list, k, v);
                tree.insert(k, v);
            }
            prop_assert_eq!(&list, &tree.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>());
            for p in probes {
                prop_assert_eq!(get(&list, &p), tree.get(&p));
                prop_assert_eq!(remove(&mut list, &p), tree.remove(&p));
            }
            prop_assert_eq!(&list, &tree.into_iter().collect::<Vec<_>>());
        }
    }

    proptest! {
        #[test]
        fn an_index_keeps_the_first_of_each_key(pairs in proptest::collection::vec((0u8..30, any::<u16>()), 0..80)) {
            let mut tree = BTreeMap::new();
            for (k, v) in &pairs {
                tree.entry(*k).or_insert(*v);
            }
            prop_assert_eq!(index(pairs), tree.into_iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn strings_are_found_by_str() {
        let mut names = Vec::new();
        assert!(insert(&mut names, "b.loads".to_string()));
        assert!(insert(&mut names, "a.sbn".to_string()));
        assert!(!insert(&mut names, "b.loads".to_string()));
        assert!(contains(&names, "a.sbn"));
        assert!(!contains(&names, "c.bin"));
        let mut kinds = Vec::new();
        set(&mut kinds, "x".to_string(), 1);
        set(&mut kinds, "x".to_string(), 2);
        assert_eq!(get(&kinds, "x"), Some(&2));
        assert_eq!(get(&kinds, "y"), None);
    }
}
