//! Stable sorting through one instantiation of the standard sort for the whole
//! program.
//!
//! Each `slice::sort_by` call site with its own element type or closure compiles
//! its own copy of the sort (about 4.5 KiB of wasm each). [`sort_by`] and
//! [`sort_by_key`] sort a list of indices with a `&dyn` comparator instead, so the
//! sort is compiled once, and each call site adds only a small permutation step.
//!
//! Invariants: the order is the one `slice::sort_by` gives (stable: equal
//! elements keep their order).

use std::cmp::Ordering;

/// `items.sort_by(compare)`, through the one shared sort.
pub fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    let order = sorted_order(items.len(), &|a, b| compare(&items[a], &items[b]));
    permute(items, order);
}

/// `items.sort_by_key(key)`, through the one shared sort.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// The indices `0..len` in the order `compare` gives them, equal ones in index
/// order. The only place that instantiates the standard sort.
fn sorted_order(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Rearranges `items` so that position `k` holds what was at `order[k]`, by
/// following each cycle of the permutation with swaps.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..items.len() {
        let mut at = start;
        while order[at] != start {
            let from = order[at];
            items.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sorts_and_keeps_equal_elements_in_order() {
        let mut pairs = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        sort_by_key(&mut pairs, |p| p.0);
        assert_eq!(pairs, [(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
    }

    #[test]
    fn empty_and_single_lists() {
        let mut none: Vec<String> = Vec::new();
        sort_by(&mut none, |a, b| a.cmp(b));
        assert!(none.is_empty());
        let mut one = vec!["x".to_owned()];
        sort_by(&mut one, |a, b| a.cmp(b));
        assert_eq!(one, ["x"]);
    }

    proptest! {
        #[test]
        fn the_same_order_as_the_standard_stable_sort(
            items in proptest::collection::vec((0u8..8, any::<u16>()), 0..200),
        ) {
            let mut ours = items.clone();
            let mut std_sorted = items;
            sort_by_key(&mut ours, |p| p.0);
            std_sorted.sort_by_key(|p| p.0);
            prop_assert_eq!(ours, std_sorted);
        }
    }
}
