//! Pacing one bundle's upload: which frames the page sends next and when (pure).
//!
//! The browser glue in [`crate::helper_link`] only executes the [`Out`]s of an
//! [`Uploader`], so the whole upload (resume included) is tested without a
//! socket.

use std::collections::VecDeque;

use lifeline_shared::bundle::Manifest;
use lifeline_shared::protocol::{ErrorCode, FileChunks, ServerMessage};

/// How many chunks are on their way before the helper acknowledges them.
pub const WINDOW: usize = 8;
/// How many commits in a row may fail verification before the page gives up.
pub const MAX_COMMITS: u32 = 3;

/// What the page sends next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Out {
    /// `upload-begin` with the manifest.
    Begin,
    Chunk {
        /// Index of the file in the manifest.
        file: u32,
        /// Index of the chunk in the file.
        index: u32,
    },
    /// `upload-commit`.
    Commit,
}

/// Paces one bundle's upload: which chunks the helper still needs, at most
/// [`WINDOW`] unacknowledged, the commit once all are acknowledged, and the
/// same again after a dropped connection or a refused commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uploader {
    /// The bundle id.
    pub id: String,
    sizes: Vec<u64>,
    chunk_size: u64,
    queue: VecDeque<(u32, u32)>,
    in_flight: usize,
    /// Waiting for `upload-ready` (after begin, or after a refused commit).
    waiting: bool,
    committed: bool,
    commits: u32,
    /// Switched, refused, or given up: nothing more to send.
    pub finished: bool,
}

impl Uploader {
    /// An upload of `manifest`; send [`Out::Begin`] first.
    pub fn new(manifest: &Manifest) -> Uploader {
        Uploader {
            id: manifest.id.clone(),
            sizes: manifest.files.iter().map(|f| f.size).collect(),
            chunk_size: 0,
            queue: VecDeque::new(),
            in_flight: 0,
            waiting: true,
            committed: false,
            commits: 0,
            finished: false,
        }
    }

    /// The connection is (back) up: start again with `upload-begin`; the
    /// helper's answer says what it already has.
    pub fn on_connected(&mut self) -> Vec<Out> {
        if self.finished {
            return Vec::new();
        }
        self.queue.clear();
        self.in_flight = 0;
        self.waiting = true;
        self.committed = false;
        vec![Out::Begin]
    }

    /// What to send after `message`.
    pub fn on_message(&mut self, message: &ServerMessage) -> Vec<Out> {
        if self.finished {
            return Vec::new();
        }
        match message {
            ServerMessage::UploadReady {
                id,
                chunk_size,
                have,
                ..
            } if *id == self.id => {
                self.chunk_size = u64::from((*chunk_size).max(1));
                self.queue = self.missing(have);
                self.in_flight = 0;
                self.waiting = false;
                self.committed = false;
                self.pump()
            }
            ServerMessage::UploadProgress { id, .. } if *id == self.id => {
                self.in_flight = self.in_flight.saturating_sub(1);
                self.pump()
            }
            ServerMessage::UploadSwitched { id, .. } if *id == self.id => {
                self.finished = true;
                Vec::new()
            }
            ServerMessage::Error { code, .. } if !self.waiting => {
                if self.committed && matches!(code, ErrorCode::HashMismatch | ErrorCode::Incomplete)
                {
                    // The helper follows with `upload-ready`: send what it lacks.
                    self.commits += 1;
                    self.waiting = true;
                    self.finished = self.commits >= MAX_COMMITS;
                    return Vec::new();
                }
                if *code == ErrorCode::BadChunk && self.in_flight > 0 {
                    // That chunk is missing; the commit finds it and asks again.
                    self.in_flight -= 1;
                    return self.pump();
                }
                self.finished = true;
                Vec::new()
            }
            ServerMessage::Error { .. } => {
                // Refused before anything was sent (a bad manifest, busy).
                self.finished = true;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// The byte range of a chunk in its file.
    pub fn range(&self, file: u32, index: u32) -> Option<std::ops::Range<usize>> {
        let size = *self.sizes.get(file as usize)?;
        let start = u64::from(index) * self.chunk_size;
        if start > size || (start == size && size > 0) {
            return None;
        }
        let end = (start + self.chunk_size).min(size);
        Some(start as usize..end as usize)
    }

    fn missing(&self, have: &[FileChunks]) -> VecDeque<(u32, u32)> {
        let mut out = VecDeque::new();
        for (f, &size) in self.sizes.iter().enumerate() {
            let count = size.div_ceil(self.chunk_size).max(1) as u32;
            let ranges = have
                .iter()
                .filter(|h| h.file as usize == f)
                .flat_map(|h| h.ranges.iter());
            let mut present = vec![false; count as usize];
            for [a, b] in ranges {
                for i in *a..(*b).min(count) {
                    present[i as usize] = true;
                }
            }
            out.extend(
                present
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| !**p)
                    .map(|(i, _)| (f as u32, i as u32)),
            );
        }
        out
    }

    fn pump(&mut self) -> Vec<Out> {
        let mut out = Vec::new();
        while self.in_flight < WINDOW {
            let Some((file, index)) = self.queue.pop_front() else {
                break;
            };
            self.in_flight += 1;
            out.push(Out::Chunk { file, index });
        }
        if self.queue.is_empty() && self.in_flight == 0 && !self.committed && !self.waiting {
            self.committed = true;
            out.push(Out::Commit);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{
        CS, upload_error as error, upload_manifest as manifest, upload_progress as progress,
        upload_ready as ready,
    };
    use lifeline_shared::protocol::CHUNK_SIZE;

    fn chunks(outs: &[Out]) -> Vec<(u32, u32)> {
        outs.iter()
            .filter_map(|o| match o {
                Out::Chunk { file, index } => Some((*file, *index)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn an_upload_sends_a_window_then_commits() {
        let m = manifest(&[3 * CS, 10, 0]);
        let mut u = Uploader::new(&m);
        assert_eq!(u.on_connected(), [Out::Begin]);
        let outs = u.on_message(&ready(vec![], 0, 3 * CS + 10));
        assert_eq!(chunks(&outs), [(0, 0), (0, 1), (0, 2), (1, 0), (2, 0)]);
        assert!(!outs.contains(&Out::Commit));
        for i in 0..4 {
            assert!(u.on_message(&progress(i, 1)).is_empty(), "{i}");
        }
        assert_eq!(u.on_message(&progress(5, 5)), [Out::Commit]);
        // Stray progress after the commit sends nothing more.
        assert!(u.on_message(&progress(5, 5)).is_empty());
        assert_eq!(u.range(0, 2), Some(2 * CS as usize..3 * CS as usize));
        assert_eq!(u.range(1, 0), Some(0..10));
        assert_eq!(
            u.range(2, 0),
            Some(0..0),
            "an empty file is one empty chunk"
        );
        assert_eq!(u.range(0, 3), None);
        assert_eq!(u.range(9, 0), None);
        u.on_message(&ServerMessage::UploadSwitched {
            id: "b1".into(),
            files: 3,
            bytes: 1,
        });
        assert!(u.finished);
        assert!(u.on_connected().is_empty());
    }

    #[test]
    fn never_more_than_the_window_is_in_flight() {
        let m = manifest(&[20 * CS]);
        let mut u = Uploader::new(&m);
        u.on_connected();
        let first = u.on_message(&ready(vec![], 0, 20 * CS));
        assert_eq!(first.len(), WINDOW);
        let next = u.on_message(&progress(CS, 20 * CS));
        assert_eq!(chunks(&next), [(0, WINDOW as u32)]);
    }

    #[test]
    fn a_resume_sends_only_what_the_helper_lacks() {
        let m = manifest(&[4 * CS, CS]);
        let mut u = Uploader::new(&m);
        u.on_connected();
        u.on_message(&ready(vec![], 0, 5 * CS));
        // The connection drops; after it is back the helper has some chunks.
        assert_eq!(u.on_connected(), [Out::Begin]);
        let have = vec![
            FileChunks {
                file: 0,
                ranges: vec![[0, 2], [3, 4]],
            },
            FileChunks {
                file: 1,
                ranges: vec![[0, 99]],
            },
        ];
        let outs = u.on_message(&ready(have, 4 * CS, 5 * CS));
        assert_eq!(chunks(&outs), [(0, 2)]);
        assert_eq!(u.on_message(&progress(5 * CS, 5 * CS)), [Out::Commit]);
        // Everything there already: commit at once.
        let mut u = Uploader::new(&m);
        u.on_connected();
        let all = vec![
            FileChunks {
                file: 0,
                ranges: vec![[0, 4]],
            },
            FileChunks {
                file: 1,
                ranges: vec![[0, 1]],
            },
        ];
        assert_eq!(u.on_message(&ready(all, 5 * CS, 5 * CS)), [Out::Commit]);
    }

    #[test]
    fn a_refused_commit_resends_then_gives_up() {
        let m = manifest(&[CS]);
        let mut u = Uploader::new(&m);
        u.on_connected();
        u.on_message(&ready(vec![], 0, CS));
        for round in 1..=MAX_COMMITS {
            assert_eq!(u.on_message(&progress(CS, CS)), [Out::Commit], "{round}");
            assert!(
                u.on_message(&error(ErrorCode::HashMismatch, Some("f0")))
                    .is_empty()
            );
            if round < MAX_COMMITS {
                assert!(!u.finished);
                let outs = u.on_message(&ready(vec![], 0, CS));
                assert_eq!(chunks(&outs), [(0, 0)]);
            }
        }
        assert!(u.finished);
        assert!(u.on_message(&ready(vec![], 0, CS)).is_empty());
    }

    #[test]
    fn a_damaged_chunk_counts_as_answered_and_a_refusal_stops() {
        let m = manifest(&[2 * CS]);
        let mut u = Uploader::new(&m);
        u.on_connected();
        u.on_message(&ready(vec![], 0, 2 * CS));
        assert!(
            u.on_message(&error(ErrorCode::BadChunk, Some("f0")))
                .is_empty()
        );
        assert_eq!(u.on_message(&progress(CS, 2 * CS)), [Out::Commit]);
        // The helper then finds the gap and asks again.
        u.on_message(&error(ErrorCode::Incomplete, Some("f0")));
        let outs = u.on_message(&ready(
            vec![FileChunks {
                file: 0,
                ranges: vec![[1, 2]],
            }],
            CS,
            2 * CS,
        ));
        assert_eq!(chunks(&outs), [(0, 0)]);
        // Disk full: stop.
        u.on_message(&error(ErrorCode::Storage, None));
        assert!(u.finished);
        // Refused before any chunk (another upload runs): stop too.
        let mut u = Uploader::new(&m);
        u.on_connected();
        u.on_message(&error(ErrorCode::OutOfOrder, None));
        assert!(u.finished);
        // Messages about another bundle change nothing.
        let mut u = Uploader::new(&m);
        u.on_connected();
        let other = ServerMessage::UploadReady {
            id: "other".into(),
            chunk_size: CHUNK_SIZE,
            have: vec![],
            received: 0,
            total: 1,
        };
        assert!(u.on_message(&other).is_empty());
    }
}
