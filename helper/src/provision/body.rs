//! A response body from an opened file to the socket, with its progress
//! reported, every wait bounded: the kernel copies a file straight to the
//! socket on Linux (`sendfile`, as nginx does); elsewhere, and for files held
//! in memory, the bytes pass through one buffer. The file's position is never
//! relied on: every read says its offset.

use std::io::{self, Read as _, Seek as _, SeekFrom};
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

use crate::files::ReadSeek;

/// The most one buffered write moves.
const CHUNK: usize = 256 << 10;
/// The most one `sendfile` moves (nginx's `sendfile_max_chunk` default):
/// large enough that a fast client costs few system calls, small enough
/// that one connection does not hold the worker long.
#[cfg(any(target_os = "linux", target_os = "android"))]
const SENDFILE_CHUNK: usize = 2 << 20;

/// Why a body stopped before its end.
#[derive(Debug)]
pub enum Stopped {
    /// The client read nothing for the idle timeout.
    Stalled,
    /// The client closed or reset the connection.
    Closed(io::Error),
    /// The file could not be read (or ended early).
    Read(io::Error),
    /// The server is shutting down.
    Shutdown,
}

/// Sends bytes `start..start + len` of `reader` to `stream`; calls
/// `progress(sent, writes)` after each write. Returns the writes made.
#[allow(clippy::too_many_arguments)]
pub async fn send(
    stream: &mut TcpStream,
    reader: &mut Box<dyn ReadSeek + Send>,
    direct: bool,
    start: u64,
    len: u64,
    idle: Duration,
    shutdown: &CancellationToken,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<u64, Stopped> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if let Some(file) = reader.file() {
        return sendfile(stream, file, start, len, idle, shutdown, progress).await;
    }
    copy(stream, reader, direct, start, len, idle, shutdown, progress).await
}

#[cfg(any(target_os = "linux", target_os = "android"))]
async fn sendfile(
    stream: &mut TcpStream,
    file: &std::fs::File,
    start: u64,
    len: u64,
    idle: Duration,
    shutdown: &CancellationToken,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<u64, Stopped> {
    use std::os::fd::AsFd as _;
    use tokio::io::Interest;
    let mut offset = start;
    let end = start + len;
    let mut writes = 0u64;
    while offset < end {
        let count = usize::try_from(end - offset)
            .unwrap_or(SENDFILE_CHUNK)
            .min(SENDFILE_CHUNK);
        let attempt = stream.try_io(Interest::WRITABLE, || {
            rustix::fs::sendfile(stream.as_fd(), file.as_fd(), Some(&mut offset), count)
                .map_err(io::Error::from)
        });
        match attempt {
            Ok(0) => {
                return Err(Stopped::Read(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the file ended before its size (changed while being sent?)",
                )));
            }
            Ok(_) => {
                writes += 1;
                progress(offset - start, writes);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                wait_writable(stream, idle, shutdown).await?;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if is_peer_gone(&e) => return Err(Stopped::Closed(e)),
            Err(e) => return Err(Stopped::Read(e)),
        }
    }
    Ok(writes)
}

/// Waits until the socket takes more, the idle timeout or the shutdown.
#[cfg(any(target_os = "linux", target_os = "android"))]
async fn wait_writable(
    stream: &TcpStream,
    idle: Duration,
    shutdown: &CancellationToken,
) -> Result<(), Stopped> {
    tokio::select! {
        ready = tokio::time::timeout(idle, stream.writable()) => match ready {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(Stopped::Closed(e)),
            Err(_) => Err(Stopped::Stalled),
        },
        () = shutdown.cancelled() => Err(Stopped::Shutdown),
    }
}

#[allow(clippy::too_many_arguments)]
async fn copy(
    stream: &mut TcpStream,
    reader: &mut Box<dyn ReadSeek + Send>,
    direct: bool,
    start: u64,
    len: u64,
    idle: Duration,
    shutdown: &CancellationToken,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<u64, Stopped> {
    let mut sent = 0u64;
    let mut writes = 0u64;
    let mut buf = vec![0u8; CHUNK.min(usize::try_from(len).unwrap_or(CHUNK)).max(1)];
    while sent < len {
        let want = usize::try_from(len - sent)
            .unwrap_or(buf.len())
            .min(buf.len());
        let chunk = &mut buf[..want];
        let offset = start + sent;
        let mut read = |r: &mut Box<dyn ReadSeek + Send>| -> io::Result<usize> {
            r.seek(SeekFrom::Start(offset))?;
            r.read(chunk)
        };
        // A file on disk may block: the read happens on a blocking thread
        // where the runtime allows it, as TFTP's transfers do.
        let multi_thread = tokio::runtime::Handle::current().runtime_flavor()
            == tokio::runtime::RuntimeFlavor::MultiThread;
        let got = if direct && multi_thread {
            tokio::task::block_in_place(|| read(reader))
        } else {
            read(reader)
        }
        .map_err(Stopped::Read)?;
        if got == 0 {
            return Err(Stopped::Read(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the file ended before its size (changed while being sent?)",
            )));
        }
        tokio::select! {
            written = tokio::time::timeout(idle, stream.write_all(&buf[..got])) => match written {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(Stopped::Closed(e)),
                Err(_) => return Err(Stopped::Stalled),
            },
            () = shutdown.cancelled() => return Err(Stopped::Shutdown),
        }
        sent += got as u64;
        writes += 1;
        progress(sent, writes);
    }
    Ok(writes)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn is_peer_gone(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::BrokenPipe
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::NotConnected
    )
}

/// Rate limit for progress reports.
#[derive(Debug)]
pub struct Every {
    interval: Duration,
    last: Instant,
}

impl Every {
    pub fn new(interval: Duration) -> Self {
        Self {
            interval,
            last: Instant::now(),
        }
    }

    /// Whether `interval` passed since the last `true`.
    pub fn due(&mut self) -> bool {
        let now = Instant::now();
        if now.duration_since(self.last) >= self.interval {
            self.last = now;
            true
        } else {
            false
        }
    }
}
