//! What `lifeline` prints for a person: lines on stdout, logs and errors on
//! stderr, written so that a terminal that went away or stopped reading never
//! stops the program.
//!
//! Rust ignores `SIGPIPE`, so a write to a pipe whose reader exited (`| head -1`)
//! returns an error; `println!` and `eprintln!` turn that error into a panic,
//! which kills whichever task was printing (the TFTP server, the signal
//! handler). A reader that stops reading without exiting fills the pipe, and
//! then a write blocks the thread that made it.
//!
//! # Invariants
//!
//! - Nothing here panics, and a failed write is dropped: there is nobody left
//!   to tell.
//! - Once [`start`] ran (the server does), no caller ever waits on a pipe:
//!   lines go through a bounded queue to one writer thread, and when the queue
//!   is full a line is dropped and counted; the count is reported on stderr
//!   once the terminal keeps up again.
//! - Before [`start`], and in the one-shot subcommands, lines are written
//!   directly, errors ignored.
//! - Lines keep their order, stdout and stderr alike.

use std::collections::VecDeque;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, Once};
use std::time::Duration;

/// Where a line goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Lines a person or a script reads: the URL, what TFTP and DHCP do.
    Stdout,
    /// Logs, warnings and errors.
    Stderr,
}

/// The most lines waiting for the terminal; more are dropped and counted.
pub const QUEUE_LINES: usize = 1024;

#[derive(Debug)]
struct State {
    lines: VecDeque<(Stream, Vec<u8>)>,
    dropped: u64,
    writing: bool,
}

impl State {
    const fn new() -> Self {
        State {
            lines: VecDeque::new(),
            dropped: 0,
            writing: false,
        }
    }

    /// Queues a line, or counts it as dropped when [`QUEUE_LINES`] wait already.
    fn push(&mut self, stream: Stream, bytes: Vec<u8>) {
        if self.lines.len() >= QUEUE_LINES {
            self.dropped += 1;
        } else {
            self.lines.push_back((stream, bytes));
        }
    }

    /// Everything waiting, in order, and how many lines were dropped before it.
    fn take(&mut self) -> (u64, Vec<(Stream, Vec<u8>)>) {
        (
            std::mem::take(&mut self.dropped),
            self.lines.drain(..).collect(),
        )
    }
}

#[derive(Debug)]
struct Queue {
    state: Mutex<State>,
    changed: Condvar,
}

static QUEUE: Queue = Queue {
    state: Mutex::new(State::new()),
    changed: Condvar::new(),
};

/// Whether the writer thread runs, so [`write`] may queue.
static STARTED: AtomicBool = AtomicBool::new(false);
static START: Once = Once::new();

/// Starts the writer thread: from now on no write waits on the terminal.
/// Calling it again does nothing. If the thread cannot be started, lines are
/// written directly, as before.
pub fn start() {
    START.call_once(|| {
        let started = std::thread::Builder::new()
            .name("terminal".into())
            .spawn(|| write_forever(&QUEUE));
        STARTED.store(started.is_ok(), Ordering::Release);
    });
}

fn write_forever(queue: &Queue) {
    let Ok(mut state) = queue.state.lock() else {
        return;
    };
    loop {
        while state.lines.is_empty() {
            state = match queue.changed.wait(state) {
                Ok(state) => state,
                Err(_) => return,
            };
        }
        let (dropped, batch) = state.take();
        state.writing = true;
        drop(state);
        if dropped > 0 {
            let note =
                format!("lifeline: ({dropped} lines not shown: the terminal did not keep up)\n");
            write_direct(Stream::Stderr, note.as_bytes());
        }
        for (stream, bytes) in batch {
            write_direct(stream, &bytes);
        }
        state = match queue.state.lock() {
            Ok(state) => state,
            Err(_) => return,
        };
        state.writing = false;
        queue.changed.notify_all();
    }
}

/// Writes and flushes `bytes` now, ignoring any error.
fn write_direct(stream: Stream, bytes: &[u8]) {
    let _ = match stream {
        Stream::Stdout => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes).and_then(|()| out.flush())
        }
        Stream::Stderr => {
            let mut err = std::io::stderr().lock();
            err.write_all(bytes).and_then(|()| err.flush())
        }
    };
}

/// Writes `bytes` to `stream`: queued once [`start`] ran, else directly.
pub fn write(stream: Stream, bytes: Vec<u8>) {
    if !STARTED.load(Ordering::Acquire) {
        write_direct(stream, &bytes);
        return;
    }
    let queue = &QUEUE;
    let Ok(mut state) = queue.state.lock() else {
        return;
    };
    state.push(stream, bytes);
    queue.changed.notify_all();
}

/// `text` and a newline on stdout.
pub fn out_line(text: &str) {
    write(Stream::Stdout, format!("{text}\n").into_bytes());
}

/// `text` on stdout, as it is.
pub fn out(text: &str) {
    write(Stream::Stdout, text.as_bytes().to_vec());
}

/// `text` and a newline on stderr.
pub fn err_line(text: &str) {
    write(Stream::Stderr, format!("{text}\n").into_bytes());
}

/// Waits until every queued line was written, or `timeout` passed; true when
/// everything was written. Call it before exiting, so the last lines are seen.
pub fn flush(timeout: Duration) -> bool {
    if !STARTED.load(Ordering::Acquire) {
        return true;
    }
    let queue = &QUEUE;
    let Ok(state) = queue.state.lock() else {
        return false;
    };
    queue
        .changed
        .wait_timeout_while(state, timeout, |s| !s.lines.is_empty() || s.writing)
        .is_ok_and(|(_, result)| !result.timed_out())
}

/// A `tracing` writer onto stderr through [`write()`]: each event is gathered
/// and handed over whole, so events never interleave and never wait.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogWriter;

/// One log event being formatted; handed to [`write()`] when dropped.
#[derive(Debug, Default)]
pub struct LogEvent(Vec<u8>);

impl std::io::Write for LogEvent {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LogEvent {
    fn drop(&mut self) {
        if !self.0.is_empty() {
            write(Stream::Stderr, std::mem::take(&mut self.0));
        }
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogWriter {
    type Writer = LogEvent;

    fn make_writer(&'a self) -> Self::Writer {
        LogEvent::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_queue_drops_and_counts_lines_and_keeps_the_order_of_the_rest() {
        let mut state = State::new();
        for i in 0..QUEUE_LINES + 3 {
            let stream = if i % 2 == 0 {
                Stream::Stdout
            } else {
                Stream::Stderr
            };
            state.push(stream, i.to_string().into_bytes());
        }
        let (dropped, lines) = state.take();
        assert_eq!(dropped, 3);
        assert_eq!(lines.len(), QUEUE_LINES);
        assert_eq!(lines[0], (Stream::Stdout, b"0".to_vec()));
        assert_eq!(lines[1], (Stream::Stderr, b"1".to_vec()));
        assert_eq!(
            lines[QUEUE_LINES - 1].1,
            (QUEUE_LINES - 1).to_string().into_bytes()
        );

        // Once taken, the queue has room again and the count starts over.
        state.push(Stream::Stdout, b"next".to_vec());
        assert_eq!(state.take(), (0, vec![(Stream::Stdout, b"next".to_vec())]));
    }
}
