//! The TFTP packet codec (RFC 1350, RFC 2347 options): no I/O, no allocation on
//! the data path.
//!
//! Two layers, as in smoltcp: [`PacketView::new_checked`] is the only way
//! untrusted bytes get in; it checks the opcode and the lengths, and
//! [`Packet::parse`] turns a checked view into a validated value that borrows
//! from the datagram. [`Packet::emit`] writes a value back.
//!
//! Invariants:
//! - parsing is linear in the datagram and never panics; at most
//!   [`MAX_OPTIONS`] options are kept (more is an error, not a truncation);
//! - options are kept in the order and spelling they came in; what they mean
//!   is the session's business, so unknown ones round-trip untouched;
//! - unknown error codes round-trip as [`ErrorCode::Unknown`];
//! - `parse(emit(p)) == p` for every value `emit` accepts.

use thiserror::Error;

/// The largest datagram a TFTP peer can send: 65464 bytes of data + 4 of header
/// fits; requests are bounded by the UDP payload limit.
pub const MAX_DATAGRAM: usize = 65_535;
/// The most options one request or OACK may carry.
pub const MAX_OPTIONS: usize = 32;
/// The header of a DATA packet: opcode and block number.
pub const DATA_HEADER: usize = 4;

/// Opcodes (RFC 1350, RFC 2347).
pub mod opcode {
    /// Read request.
    pub const RRQ: u16 = 1;
    /// Write request.
    pub const WRQ: u16 = 2;
    /// Data.
    pub const DATA: u16 = 3;
    /// Acknowledgment.
    pub const ACK: u16 = 4;
    /// Error.
    pub const ERROR: u16 = 5;
    /// Option acknowledgment.
    pub const OACK: u16 = 6;
}

/// Why bytes are not a TFTP packet.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Fewer bytes than the packet kind needs.
    #[error("datagram too short ({len} bytes) for a TFTP packet")]
    TooShort {
        /// The datagram's length.
        len: usize,
    },
    /// Longer than any TFTP packet can be.
    #[error("datagram too long ({len} bytes)")]
    TooLong {
        /// The datagram's length.
        len: usize,
    },
    /// An opcode TFTP does not define.
    #[error("unknown opcode {0}")]
    UnknownOpcode(u16),
    /// A string field without its terminating NUL.
    #[error("the {field} is not terminated by a NUL byte")]
    Unterminated {
        /// Which field.
        field: &'static str,
    },
    /// A string field that is not UTF-8.
    #[error("the {field} is not UTF-8 text")]
    NotUtf8 {
        /// Which field.
        field: &'static str,
    },
    /// An empty file name.
    #[error("the file name is empty")]
    EmptyFilename,
    /// An option name without a value.
    #[error("option `{0}` has no value")]
    OptionWithoutValue(String),
    /// More options than [`MAX_OPTIONS`].
    #[error("more than {MAX_OPTIONS} options")]
    TooManyOptions,
    /// Bytes after the last field of a fixed-size packet.
    #[error("{0} unexpected bytes after the packet")]
    TrailingBytes(usize),
}

/// Why a value cannot be written.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EmitError {
    /// A string that contains a NUL byte cannot be sent.
    #[error("the {field} contains a NUL byte")]
    Nul {
        /// Which field.
        field: &'static str,
    },
    /// The packet would not fit in a datagram.
    #[error("the packet would be {len} bytes, more than a datagram holds")]
    TooLong {
        /// Its length.
        len: usize,
    },
    /// More options than [`MAX_OPTIONS`].
    #[error("more than {MAX_OPTIONS} options")]
    TooManyOptions,
}

/// A datagram whose opcode and length have been checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacketView<'a> {
    bytes: &'a [u8],
}

impl<'a> PacketView<'a> {
    /// Checks the opcode and the minimum length of `bytes`.
    pub fn new_checked(bytes: &'a [u8]) -> Result<Self, ParseError> {
        if bytes.len() > MAX_DATAGRAM {
            return Err(ParseError::TooLong { len: bytes.len() });
        }
        if bytes.len() < 2 {
            return Err(ParseError::TooShort { len: bytes.len() });
        }
        let view = Self { bytes };
        let min = match view.opcode() {
            opcode::RRQ | opcode::WRQ => 4, // opcode, one-byte name, two NULs at least
            opcode::DATA | opcode::ACK | opcode::ERROR => 4,
            opcode::OACK => 2,
            other => return Err(ParseError::UnknownOpcode(other)),
        };
        if bytes.len() < min {
            return Err(ParseError::TooShort { len: bytes.len() });
        }
        Ok(view)
    }

    /// The opcode.
    pub fn opcode(&self) -> u16 {
        u16::from_be_bytes([self.bytes[0], self.bytes[1]])
    }

    /// Everything after the opcode.
    pub fn body(&self) -> &'a [u8] {
        &self.bytes[2..]
    }

    /// The whole datagram.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

/// A TFTP error code (RFC 1350, RFC 2347).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// 0: see the message.
    NotDefined,
    /// 1.
    FileNotFound,
    /// 2.
    AccessViolation,
    /// 3.
    DiskFull,
    /// 4.
    IllegalOperation,
    /// 5.
    UnknownTransferId,
    /// 6.
    FileExists,
    /// 7.
    NoSuchUser,
    /// 8: the option negotiation failed (RFC 2347).
    OptionRefused,
    /// Anything else, kept as received.
    Unknown(u16),
}

impl ErrorCode {
    /// The number on the wire.
    pub fn code(self) -> u16 {
        match self {
            Self::NotDefined => 0,
            Self::FileNotFound => 1,
            Self::AccessViolation => 2,
            Self::DiskFull => 3,
            Self::IllegalOperation => 4,
            Self::UnknownTransferId => 5,
            Self::FileExists => 6,
            Self::NoSuchUser => 7,
            Self::OptionRefused => 8,
            Self::Unknown(code) => code,
        }
    }

    /// The code for a number on the wire.
    pub fn from_code(code: u16) -> Self {
        match code {
            0 => Self::NotDefined,
            1 => Self::FileNotFound,
            2 => Self::AccessViolation,
            3 => Self::DiskFull,
            4 => Self::IllegalOperation,
            5 => Self::UnknownTransferId,
            6 => Self::FileExists,
            7 => Self::NoSuchUser,
            8 => Self::OptionRefused,
            other => Self::Unknown(other),
        }
    }
}

/// One option as it came: name and value, spelled as the peer spelled them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TftpOption<'a> {
    /// The name (compare case-insensitively).
    pub name: &'a str,
    /// The value.
    pub value: &'a str,
}

/// A read or write request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request<'a> {
    /// The file name, as sent.
    pub filename: &'a str,
    /// The mode, as sent (`octet`, `netascii`, any case).
    pub mode: &'a str,
    /// The options, in order.
    pub options: Vec<TftpOption<'a>>,
}

/// A validated TFTP packet that borrows from its datagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Packet<'a> {
    /// Read request.
    Rrq(Request<'a>),
    /// Write request.
    Wrq(Request<'a>),
    /// A block of data.
    Data {
        /// The block number.
        block: u16,
        /// Its bytes.
        data: &'a [u8],
    },
    /// An acknowledgment.
    Ack {
        /// The block acknowledged (0 acknowledges an OACK).
        block: u16,
    },
    /// An error.
    Error {
        /// The code.
        code: ErrorCode,
        /// The message (UTF-8; the terminating NUL may be missing).
        message: &'a str,
    },
    /// The options the server accepted.
    Oack {
        /// In order.
        options: Vec<TftpOption<'a>>,
    },
}

/// Splits off one NUL-terminated UTF-8 string.
fn take_str<'a>(bytes: &mut &'a [u8], field: &'static str) -> Result<&'a str, ParseError> {
    let end = bytes
        .iter()
        .position(|&b| b == 0)
        .ok_or(ParseError::Unterminated { field })?;
    let text = std::str::from_utf8(&bytes[..end]).map_err(|_| ParseError::NotUtf8 { field })?;
    *bytes = &bytes[end + 1..];
    Ok(text)
}

/// Name/value pairs until the end. Trailing NUL padding (sent by some old
/// clients) is accepted and dropped.
fn take_options<'a>(mut bytes: &'a [u8]) -> Result<Vec<TftpOption<'a>>, ParseError> {
    let mut options = Vec::new();
    while !bytes.is_empty() && !bytes.iter().all(|&b| b == 0) {
        let name = take_str(&mut bytes, "option name")?;
        if bytes.is_empty() {
            return Err(ParseError::OptionWithoutValue(name.to_owned()));
        }
        let value = take_str(&mut bytes, "option value")?;
        if options.len() == MAX_OPTIONS {
            return Err(ParseError::TooManyOptions);
        }
        options.push(TftpOption { name, value });
    }
    Ok(options)
}

impl<'a> Packet<'a> {
    /// Parses a checked view.
    pub fn parse(view: &PacketView<'a>) -> Result<Self, ParseError> {
        let mut body = view.body();
        match view.opcode() {
            op @ (opcode::RRQ | opcode::WRQ) => {
                let filename = take_str(&mut body, "file name")?;
                if filename.is_empty() {
                    return Err(ParseError::EmptyFilename);
                }
                let mode = take_str(&mut body, "mode")?;
                let request = Request {
                    filename,
                    mode,
                    options: take_options(body)?,
                };
                Ok(if op == opcode::RRQ {
                    Self::Rrq(request)
                } else {
                    Self::Wrq(request)
                })
            }
            opcode::DATA => Ok(Self::Data {
                block: u16::from_be_bytes([body[0], body[1]]),
                data: &body[2..],
            }),
            opcode::ACK => {
                if body.len() > 2 {
                    return Err(ParseError::TrailingBytes(body.len() - 2));
                }
                Ok(Self::Ack {
                    block: u16::from_be_bytes([body[0], body[1]]),
                })
            }
            opcode::ERROR => {
                let code = ErrorCode::from_code(u16::from_be_bytes([body[0], body[1]]));
                let mut rest = &body[2..];
                // A missing terminator is common enough in the wild to forgive.
                let message = if rest.contains(&0) {
                    take_str(&mut rest, "error message")?
                } else {
                    std::str::from_utf8(rest).map_err(|_| ParseError::NotUtf8 {
                        field: "error message",
                    })?
                };
                Ok(Self::Error { code, message })
            }
            opcode::OACK => Ok(Self::Oack {
                options: take_options(body)?,
            }),
            other => Err(ParseError::UnknownOpcode(other)),
        }
    }

    /// Checks and parses a datagram in one step.
    pub fn from_bytes(bytes: &'a [u8]) -> Result<Self, ParseError> {
        Self::parse(&PacketView::new_checked(bytes)?)
    }

    /// The number of bytes [`Packet::emit`] writes.
    pub fn len(&self) -> usize {
        let options_len = |options: &[TftpOption<'_>]| -> usize {
            options
                .iter()
                .map(|o| o.name.len() + o.value.len() + 2)
                .sum()
        };
        2 + match self {
            Self::Rrq(r) | Self::Wrq(r) => {
                r.filename.len() + r.mode.len() + 2 + options_len(&r.options)
            }
            Self::Data { data, .. } => 2 + data.len(),
            Self::Ack { .. } => 2,
            Self::Error { message, .. } => 2 + message.len() + 1,
            Self::Oack { options } => options_len(options),
        }
    }

    /// Never true: every packet has at least an opcode.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Appends the packet's bytes to `out`.
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<(), EmitError> {
        let len = self.len();
        if len > MAX_DATAGRAM {
            return Err(EmitError::TooLong { len });
        }
        let check = |text: &str, field: &'static str| {
            if text.as_bytes().contains(&0) {
                Err(EmitError::Nul { field })
            } else {
                Ok(())
            }
        };
        let check_options = |options: &[TftpOption<'_>]| {
            if options.len() > MAX_OPTIONS {
                return Err(EmitError::TooManyOptions);
            }
            options.iter().try_for_each(|o| {
                check(o.name, "option name")?;
                check(o.value, "option value")
            })
        };
        match self {
            Self::Rrq(r) | Self::Wrq(r) => {
                check(r.filename, "file name")?;
                check(r.mode, "mode")?;
                check_options(&r.options)?;
            }
            Self::Error { message, .. } => check(message, "error message")?,
            Self::Oack { options } => check_options(options)?,
            Self::Data { .. } | Self::Ack { .. } => {}
        }
        out.reserve(len);
        let put_options = |out: &mut Vec<u8>, options: &[TftpOption<'_>]| {
            for o in options {
                out.extend_from_slice(o.name.as_bytes());
                out.push(0);
                out.extend_from_slice(o.value.as_bytes());
                out.push(0);
            }
        };
        match self {
            Self::Rrq(r) | Self::Wrq(r) => {
                let op = if matches!(self, Self::Rrq(_)) {
                    opcode::RRQ
                } else {
                    opcode::WRQ
                };
                out.extend_from_slice(&op.to_be_bytes());
                out.extend_from_slice(r.filename.as_bytes());
                out.push(0);
                out.extend_from_slice(r.mode.as_bytes());
                out.push(0);
                put_options(out, &r.options);
            }
            Self::Data { block, data } => {
                out.extend_from_slice(&opcode::DATA.to_be_bytes());
                out.extend_from_slice(&block.to_be_bytes());
                out.extend_from_slice(data);
            }
            Self::Ack { block } => {
                out.extend_from_slice(&opcode::ACK.to_be_bytes());
                out.extend_from_slice(&block.to_be_bytes());
            }
            Self::Error { code, message } => {
                out.extend_from_slice(&opcode::ERROR.to_be_bytes());
                out.extend_from_slice(&code.code().to_be_bytes());
                out.extend_from_slice(message.as_bytes());
                out.push(0);
            }
            Self::Oack { options } => {
                out.extend_from_slice(&opcode::OACK.to_be_bytes());
                put_options(out, options);
            }
        }
        Ok(())
    }

    /// The packet's bytes in a new vector.
    pub fn to_vec(&self) -> Result<Vec<u8>, EmitError> {
        let mut out = Vec::with_capacity(self.len());
        self.emit(&mut out)?;
        Ok(out)
    }
}

/// Writes a DATA header for `block` into the first [`DATA_HEADER`] bytes of
/// `buf`, whose rest already holds the block: the hot path builds packets in
/// place instead of copying.
pub fn write_data_header(buf: &mut [u8], block: u16) {
    buf[..2].copy_from_slice(&opcode::DATA.to_be_bytes());
    buf[2..4].copy_from_slice(&block.to_be_bytes());
}

/// An ERROR packet's bytes; a NUL in `message` is replaced so this cannot fail.
pub fn error_bytes(code: ErrorCode, message: &str) -> Vec<u8> {
    let clean: String = message
        .chars()
        .map(|c| if c == '\0' { ' ' } else { c })
        .take(400)
        .collect();
    let mut out = Vec::with_capacity(clean.len() + 5);
    out.extend_from_slice(&opcode::ERROR.to_be_bytes());
    out.extend_from_slice(&code.code().to_be_bytes());
    out.extend_from_slice(clean.as_bytes());
    out.push(0);
    out
}

#[cfg(test)]
mod tests;
