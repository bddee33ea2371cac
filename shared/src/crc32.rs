//! The CRC-32 of zip entries, gzip members and chunk frames (the IEEE polynomial,
//! as zip and gzip use).
//!
//! One byte at a time through a 1 KiB table built at compile time: fast enough for
//! firmware (hundreds of MB/s), and small in the wasm, where a faster CRC's tables
//! (slice-by-8 or 16: 8 to 16 KiB that do not compress) would cost more to download
//! than they save in time.

/// The reflected IEEE polynomial.
const POLYNOMIAL: u32 = 0xEDB8_8320;

/// The CRC of each byte value.
const TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut byte = 0;
    while byte < 256 {
        let mut crc = byte as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                POLYNOMIAL ^ (crc >> 1)
            } else {
                crc >> 1
            };
            bit += 1;
        }
        table[byte] = crc;
        byte += 1;
    }
    table
};

/// The CRC-32 of `data`.
pub fn hash(data: &[u8]) -> u32 {
    let mut hasher = Hasher::new();
    hasher.update(data);
    hasher.finalize()
}

/// The CRC-32 of data given in pieces: the same value as [`hash`] of the pieces
/// joined.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hasher {
    crc: u32,
}

impl Hasher {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn update(&mut self, data: &[u8]) {
        let mut crc = !self.crc;
        for &byte in data {
            crc = TABLE[usize::from((crc as u8) ^ byte)] ^ (crc >> 8);
        }
        self.crc = !crc;
    }

    pub fn finalize(self) -> u32 {
        self.crc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_value_of_the_ieee_crc() {
        assert_eq!(hash(b"123456789"), 0xCBF4_3926);
        assert_eq!(hash(b""), 0);
    }

    #[test]
    fn known_values_of_zip_and_gzip_writers() {
        // As zlib's crc32() and every zip tool compute them.
        assert_eq!(hash(b"hello"), 0x3610_A686);
        assert_eq!(hash(&[0u8; 32]), 0x190A_55AD);
        assert_eq!(
            hash(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }

    #[test]
    fn pieces_give_the_crc_of_the_whole() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        for split in [0, 1, 63, 64, 65, 4096, 99_999, 100_000] {
            let mut hasher = Hasher::new();
            hasher.update(&data[..split]);
            hasher.update(&data[split..]);
            assert_eq!(hasher.finalize(), hash(&data), "split at {split}");
        }
    }

    #[test]
    fn agrees_with_flate2s_crc_on_every_length_and_offset() {
        // flate2 (a dev-dependency) computes it independently, with zlib-rs.
        let data: Vec<u8> = (0..3000u32).map(|i| (i * 31 + i / 7) as u8).collect();
        for start in 0..9 {
            for end in (start..data.len()).step_by(97) {
                let mut theirs = flate2::Crc::new();
                theirs.update(&data[start..end]);
                assert_eq!(hash(&data[start..end]), theirs.sum(), "{start}..{end}");
            }
        }
    }
}
