//! The SIP messages a registering phone exchanges (RFC 3261 §7): the REGISTER
//! it writes, and a bounded view of the responses it reads.
//!
//! Bounded: a response is at most [`MAX_MESSAGE`] bytes, with at most
//! [`MAX_HEADERS`] header fields; anything else is a [`ParseError`], never a
//! panic. Header names are compared without case, and the compact forms
//! (`v`, `i`, `f`, `t`, `m`, `l`) are read as their long names. Folded
//! header lines (a line starting with a space or tab) are joined.

use std::fmt::Write as _;

use thiserror::Error;

/// The largest response read (RFC 3261 §18.1.1 keeps UDP requests under
/// 1300 bytes; responses with many headers stay well under this).
pub const MAX_MESSAGE: usize = 16 * 1024;
/// The most header fields read in one response.
pub const MAX_HEADERS: usize = 64;

/// Why bytes are not a SIP response.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("{0} bytes is longer than the {MAX_MESSAGE} bytes a SIP response may have here")]
    TooLong(usize),
    #[error("the header section is not text (UTF-8)")]
    NotText,
    #[error("the message has no blank line ending its header section")]
    Unterminated,
    #[error("the first line is not a SIP/2.0 status line")]
    NotResponse,
    #[error("the status code `{0}` is not three digits from 100 to 699")]
    BadStatus(String),
    #[error("a header line has no colon: `{0}`")]
    BadHeader(String),
    #[error("more than {MAX_HEADERS} header fields")]
    TooManyHeaders,
}

/// A SIP response, headers borrowed from the datagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub reason: String,
    /// `(name, value)`, names in their long form as sent (compact ones expanded).
    pub headers: Vec<(String, String)>,
}

impl Response {
    /// Parses one datagram.
    pub fn parse(bytes: &[u8]) -> Result<Response, ParseError> {
        if bytes.len() > MAX_MESSAGE {
            return Err(ParseError::TooLong(bytes.len()));
        }
        let end = find(bytes, b"\r\n\r\n")
            .or_else(|| find(bytes, b"\n\n"))
            .ok_or(ParseError::Unterminated)?;
        let head = std::str::from_utf8(&bytes[..end]).map_err(|_| ParseError::NotText)?;
        let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
        let first = lines.next().unwrap_or("");
        let rest = first
            .strip_prefix("SIP/2.0 ")
            .ok_or(ParseError::NotResponse)?;
        let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
        let status = code
            .parse::<u16>()
            .ok()
            .filter(|s| code.len() == 3 && (100..700).contains(s))
            .ok_or_else(|| ParseError::BadStatus(clip(code)))?;
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in lines {
            if line.starts_with([' ', '\t']) {
                if let Some((_, value)) = headers.last_mut() {
                    value.push(' ');
                    value.push_str(line.trim());
                    continue;
                }
                return Err(ParseError::BadHeader(clip(line)));
            }
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| ParseError::BadHeader(clip(line)))?;
            let name = name.trim();
            if name.is_empty() || name.contains(char::is_whitespace) {
                return Err(ParseError::BadHeader(clip(line)));
            }
            if headers.len() == MAX_HEADERS {
                return Err(ParseError::TooManyHeaders);
            }
            headers.push((long_name(name).to_owned(), value.trim().to_owned()));
        }
        Ok(Response {
            status,
            reason: reason.trim().to_owned(),
            headers,
        })
    }

    /// Every value of header `name` (any case, long name), in order.
    pub fn all<'a, 'n>(&'a self, name: &'n str) -> impl Iterator<Item = &'a str> + use<'a, 'n> {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.all(name).next()
    }

    /// The `branch` parameter of the top Via.
    pub fn via_branch(&self) -> Option<&str> {
        let via = self.header("Via")?;
        let top = via.split(',').next()?;
        param(top, "branch")
    }

    /// The CSeq's number and method.
    pub fn cseq(&self) -> Option<(u32, &str)> {
        let mut parts = self.header("CSeq")?.split_whitespace();
        let n = parts.next()?.parse().ok()?;
        Some((n, parts.next()?))
    }
}

/// A header parameter's value (`;name=value`), unquoted.
pub fn param<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"'))
    })
}

fn long_name(name: &str) -> &str {
    match name {
        "v" | "V" => "Via",
        "i" | "I" => "Call-ID",
        "f" | "F" => "From",
        "t" | "T" => "To",
        "m" | "M" => "Contact",
        "l" | "L" => "Content-Length",
        other => other,
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn clip(s: &str) -> String {
    s.chars().take(60).collect()
}

/// A REGISTER as a phone sends it (RFC 3261 §10.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Register {
    /// The registrar's domain or address, as in `sip:<domain>`.
    pub domain: String,
    /// The address of record's user part (the line's `name`).
    pub user: String,
    /// The display name, if any.
    pub display: Option<String>,
    /// Where the phone listens: `host:port` for Via and Contact.
    pub local: String,
    pub branch: String,
    pub tag: String,
    pub call_id: String,
    pub cseq: u32,
    pub expires: u32,
    /// A whole `Authorization`/`Proxy-Authorization` header line, if answering a challenge.
    pub authorization: Option<(&'static str, String)>,
    pub user_agent: String,
}

impl Register {
    /// The request URI, which the digest covers.
    pub fn uri(&self) -> String {
        format!("sip:{}", self.domain)
    }

    /// The datagram.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut s = String::with_capacity(512);
        let aor = format!("sip:{}@{}", self.user, self.domain);
        let from = match &self.display {
            Some(d) => format!("\"{}\" <{aor}>", d.replace(['"', '\\'], "")),
            None => format!("<{aor}>"),
        };
        // Writing to a String cannot fail.
        let _ = write!(
            s,
            "REGISTER {uri} SIP/2.0\r\n\
             Via: SIP/2.0/UDP {local};branch={branch};rport\r\n\
             Max-Forwards: 70\r\n\
             From: {from};tag={tag}\r\n\
             To: {from}\r\n\
             Call-ID: {call_id}\r\n\
             CSeq: {cseq} REGISTER\r\n\
             Contact: <sip:{user}@{local};transport=udp>\r\n\
             Expires: {expires}\r\n\
             User-Agent: {agent}\r\n",
            uri = self.uri(),
            local = self.local,
            branch = self.branch,
            tag = self.tag,
            call_id = self.call_id,
            cseq = self.cseq,
            user = self.user,
            expires = self.expires,
            agent = self.user_agent,
        );
        if let Some((name, value)) = &self.authorization {
            let _ = write!(s, "{name}: {value}\r\n");
        }
        s.push_str("Content-Length: 0\r\n\r\n");
        s.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &[u8] = b"SIP/2.0 200 OK\r\n\
        v: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK-1;rport=5060\r\n\
        From: <sip:1001@10.0.0.5>;tag=a\r\n\
        To: <sip:1001@10.0.0.5>;tag=b\r\n\
        i: c1\r\n\
        CSeq: 2 REGISTER\r\n\
        Contact: <sip:1001@10.0.0.9:5060>;expires=3600\r\n\
        Server: kamailio\r\n\
        \tfolded\r\n\
        Content-Length: 0\r\n\r\n";

    #[test]
    fn a_response_is_read_with_compact_names_and_folding() {
        let r = Response::parse(OK).unwrap();
        assert_eq!((r.status, r.reason.as_str()), (200, "OK"));
        assert_eq!(r.via_branch(), Some("z9hG4bK-1"));
        assert_eq!(r.cseq(), Some((2, "REGISTER")));
        assert_eq!(r.header("call-id"), Some("c1"));
        assert_eq!(r.header("Server"), Some("kamailio folded"));
        assert_eq!(param(r.header("Contact").unwrap(), "expires"), Some("3600"));
    }

    #[test]
    fn bad_messages_are_errors_that_say_why() {
        assert_eq!(
            Response::parse(b"REGISTER sip:x SIP/2.0\r\n\r\n"),
            Err(ParseError::NotResponse)
        );
        assert_eq!(
            Response::parse(b"SIP/2.0 99 Odd\r\n\r\n"),
            Err(ParseError::BadStatus("99".into()))
        );
        assert_eq!(
            Response::parse(b"SIP/2.0 200 OK\r\nVia x\r\n\r\n"),
            Err(ParseError::BadHeader("Via x".into()))
        );
        assert_eq!(
            Response::parse(b"SIP/2.0 200 OK\r\n"),
            Err(ParseError::Unterminated)
        );
        assert_eq!(
            Response::parse(&vec![b'a'; MAX_MESSAGE + 1]),
            Err(ParseError::TooLong(MAX_MESSAGE + 1))
        );
        let many: String = (0..=MAX_HEADERS).map(|i| format!("X-{i}: 1\r\n")).collect();
        let msg = format!("SIP/2.0 200 OK\r\n{many}\r\n");
        assert_eq!(
            Response::parse(msg.as_bytes()),
            Err(ParseError::TooManyHeaders)
        );
        assert!(Response::parse(b"SIP/2.0 200 OK\r\n\xff: 1\r\n\r\n").is_err());
    }

    #[test]
    fn a_register_has_every_header_rfc_3261_asks_for() {
        let r = Register {
            domain: "10.0.0.5".into(),
            user: "1001".into(),
            display: Some("Front \"Desk\"".into()),
            local: "10.0.0.9:5060".into(),
            branch: "z9hG4bK-7".into(),
            tag: "t1".into(),
            call_id: "c1@10.0.0.9".into(),
            cseq: 1,
            expires: 3600,
            authorization: Some(("Authorization", "Digest x".into())),
            user_agent: "Cisco-CP8841".into(),
        };
        let text = String::from_utf8(r.to_bytes()).unwrap();
        assert!(text.starts_with("REGISTER sip:10.0.0.5 SIP/2.0\r\n"));
        for line in [
            "Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK-7;rport\r\n",
            "From: \"Front Desk\" <sip:1001@10.0.0.5>;tag=t1\r\n",
            "To: \"Front Desk\" <sip:1001@10.0.0.5>\r\n",
            "CSeq: 1 REGISTER\r\n",
            "Contact: <sip:1001@10.0.0.9:5060;transport=udp>\r\n",
            "Authorization: Digest x\r\n",
        ] {
            assert!(text.contains(line), "{line:?} in {text}");
        }
        assert!(text.ends_with("Content-Length: 0\r\n\r\n"));
    }
}
