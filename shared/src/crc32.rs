//! The CRC-32 of zip entries and chunk frames (IEEE polynomial, as zip and gzip
//! use), computed by zlib-rs.
//!
//! Inflate links zlib-rs's CRC tables already; computing the CRC anywhere else
//! would put a second set of tables (16 KiB in the wasm) in the web app.

/// The CRC-32 of `data`.
pub fn hash(data: &[u8]) -> u32 {
    zlib_rs::crc32::crc32(0, data)
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
        self.crc = zlib_rs::crc32::crc32(self.crc, data);
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
    fn pieces_give_the_crc_of_the_whole() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        for split in [0, 1, 63, 64, 65, 4096, 99_999, 100_000] {
            let mut hasher = Hasher::new();
            hasher.update(&data[..split]);
            hasher.update(&data[split..]);
            assert_eq!(hasher.finalize(), hash(&data), "split at {split}");
        }
    }
}
