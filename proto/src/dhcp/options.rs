//! The options of a DHCP message as code and data (RFC 2132 §2): the one
//! walker every reader of options uses.
//!
//! Invariants: walking never panics and never reads past its field; pads are
//! skipped; END, or an option whose length runs past the field, ends the walk.

use super::field;

/// Pad: one byte, no length.
pub const PAD: u8 = 0;
/// The end of the options.
pub const END: u8 = 255;

/// The options in `field`, in order.
pub fn walk(field: &[u8]) -> Walk<'_> {
    Walk { rest: field }
}

/// An iterator over `(code, data)` pairs; see [`walk`].
#[derive(Clone, Debug)]
pub struct Walk<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Walk<'a> {
    type Item = (u8, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (&code, after) = self.rest.split_first()?;
            match code {
                PAD => self.rest = after,
                END => break,
                _ => {
                    let Some((&len, after)) = after.split_first() else {
                        break;
                    };
                    let Some(data) = after.get(..usize::from(len)) else {
                        break;
                    };
                    self.rest = &after[data.len()..];
                    return Some((code, data));
                }
            }
        }
        self.rest = &[];
        None
    }
}

/// The data of option `code` in a raw message's options field, concatenated
/// over repeats (RFC 3396); `None` without the magic cookie.
pub fn raw_option(bytes: &[u8], code: u8) -> Option<Vec<u8>> {
    if bytes.get(field::COOKIE)? != field::MAGIC_COOKIE {
        return None;
    }
    let mut found: Option<Vec<u8>> = None;
    for (c, data) in walk(bytes.get(field::OPTIONS)?) {
        if c == code {
            found.get_or_insert_with(Vec::new).extend_from_slice(data);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(options: &[u8]) -> Vec<u8> {
        field::test_message(field::BOOTREQUEST, options)
    }

    #[test]
    fn pads_are_skipped_and_the_walk_stops_at_end_or_a_short_option() {
        let pairs: Vec<_> = walk(&[0, 53, 1, 1, 0, 0, 12, 2, b'a', b'b', 255, 50, 0]).collect();
        assert_eq!(pairs, [(53, &[1][..]), (12, &b"ab"[..])]);
        let pairs: Vec<_> = walk(&[53, 1, 1, 60, 9, b'C']).collect();
        assert_eq!(pairs, [(53, &[1][..])]);
        assert_eq!(walk(&[53]).count(), 0);
        assert_eq!(walk(&[]).count(), 0);
    }

    #[test]
    fn raw_options_concatenate_and_stop_at_the_end() {
        let d = message(&[
            150, 4, 10, 0, 0, 1, 0, 150, 4, 10, 0, 0, 2, 255, 150, 4, 1, 1, 1, 1,
        ]);
        assert_eq!(raw_option(&d, 150), Some(vec![10, 0, 0, 1, 10, 0, 0, 2]));
        assert_eq!(raw_option(&d, 66), None);
        assert_eq!(raw_option(&message(&[150, 9, 1]), 150), None);
        assert_eq!(raw_option(&[0; 10], 150), None);
    }
}
