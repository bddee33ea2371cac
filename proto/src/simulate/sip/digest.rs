//! HTTP digest authentication as SIP uses it (RFC 3261 §22.4): the challenge
//! in a 401's `WWW-Authenticate` (or a 407's `Proxy-Authenticate`), and the
//! answer, with MD5 (RFC 2617), with or without `qop=auth`, and SHA-256
//! (RFC 8760, computed as RFC 7616 says), each also in its `-sess` form.
//!
//! Bounded: a challenge is one header value, at most [`MAX_CHALLENGE`] bytes.

use md5::Md5;
use sha2::{Digest, Sha256};
use thiserror::Error;

/// The longest challenge read.
pub const MAX_CHALLENGE: usize = 4096;

/// The hash a challenge asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    Md5,
    Md5Sess,
    Sha256,
    Sha256Sess,
}

impl Algorithm {
    /// The name as written in the headers.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Md5Sess => "MD5-sess",
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha256Sess => "SHA-256-sess",
        }
    }

    fn hash(self, data: &str) -> String {
        match self {
            Algorithm::Md5 | Algorithm::Md5Sess => hex(&Md5::digest(data.as_bytes())),
            Algorithm::Sha256 | Algorithm::Sha256Sess => hex(&Sha256::digest(data.as_bytes())),
        }
    }

    fn sess(self) -> bool {
        matches!(self, Algorithm::Md5Sess | Algorithm::Sha256Sess)
    }
}

/// Why a challenge cannot be answered.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ChallengeError {
    #[error("the challenge is longer than {MAX_CHALLENGE} bytes")]
    TooLong,
    #[error("the registrar asks for `{0}` authentication; a phone answers only Digest")]
    NotDigest(String),
    #[error("the challenge has no {0}")]
    Missing(&'static str),
    #[error("the registrar asks for the digest algorithm `{0}`; the phone knows MD5 and SHA-256")]
    Algorithm(String),
    #[error("the registrar asks for qop `{0}`; the phone answers `auth` or no qop")]
    Qop(String),
    #[error("the challenge's parameters are malformed near `{0}`")]
    Syntax(String),
}

/// A digest challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    pub realm: String,
    pub nonce: String,
    pub opaque: Option<String>,
    pub algorithm: Algorithm,
    /// Whether `qop="auth"` was offered (then the answer uses it).
    pub qop_auth: bool,
    /// `stale=true`: the credentials were right, the nonce old.
    pub stale: bool,
}

impl Challenge {
    /// Reads a `WWW-Authenticate` or `Proxy-Authenticate` value.
    pub fn parse(value: &str) -> Result<Challenge, ChallengeError> {
        if value.len() > MAX_CHALLENGE {
            return Err(ChallengeError::TooLong);
        }
        let value = value.trim();
        let (scheme, rest) = value.split_once(char::is_whitespace).unwrap_or((value, ""));
        if !scheme.eq_ignore_ascii_case("Digest") {
            return Err(ChallengeError::NotDigest(scheme.chars().take(30).collect()));
        }
        let (mut realm, mut nonce, mut opaque) = (None, None, None);
        let (mut algorithm, mut qop, mut stale) = (Algorithm::Md5, None, false);
        for (name, v) in params(rest)? {
            match name.to_ascii_lowercase().as_str() {
                "realm" => realm = Some(v),
                "nonce" => nonce = Some(v),
                "opaque" => opaque = Some(v),
                "stale" => stale = v.eq_ignore_ascii_case("true"),
                "qop" => qop = Some(v),
                "algorithm" => {
                    algorithm = match v.to_ascii_uppercase().as_str() {
                        "MD5" => Algorithm::Md5,
                        "MD5-SESS" => Algorithm::Md5Sess,
                        "SHA-256" => Algorithm::Sha256,
                        "SHA-256-SESS" => Algorithm::Sha256Sess,
                        _ => return Err(ChallengeError::Algorithm(v)),
                    }
                }
                _ => {}
            }
        }
        let qop_auth = match qop {
            None => false,
            Some(q) if q.split(',').any(|o| o.trim().eq_ignore_ascii_case("auth")) => true,
            Some(q) => return Err(ChallengeError::Qop(q)),
        };
        Ok(Challenge {
            realm: realm.ok_or(ChallengeError::Missing("realm"))?,
            nonce: nonce.ok_or(ChallengeError::Missing("nonce"))?,
            opaque,
            algorithm,
            qop_auth,
            stale,
        })
    }

    /// The answer: the `Authorization` value for `method` on `uri`. `cnonce`
    /// and `nc` are used when the challenge offered `qop=auth`.
    pub fn answer(
        &self,
        username: &str,
        password: &str,
        method: &str,
        uri: &str,
        cnonce: &str,
        nc: u32,
    ) -> String {
        let nc = format!("{nc:08x}");
        let response = self.response(username, password, method, uri, cnonce, &nc);
        let mut out = format!(
            "Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{uri}\", \
             response=\"{response}\", algorithm={}",
            quote(username),
            quote(&self.realm),
            quote(&self.nonce),
            self.algorithm.as_str()
        );
        if self.qop_auth || self.algorithm.sess() {
            out.push_str(&format!(", cnonce=\"{}\"", quote(cnonce)));
        }
        if self.qop_auth {
            out.push_str(&format!(", qop=auth, nc={nc}"));
        }
        if let Some(o) = &self.opaque {
            out.push_str(&format!(", opaque=\"{}\"", quote(o)));
        }
        out
    }

    /// The `response` hex digest (RFC 2617 §3.2.2.1, RFC 7616 §3.4.1).
    pub fn response(
        &self,
        username: &str,
        password: &str,
        method: &str,
        uri: &str,
        cnonce: &str,
        nc: &str,
    ) -> String {
        let h = |s: &str| self.algorithm.hash(s);
        let mut ha1 = h(&format!("{username}:{}:{password}", self.realm));
        if self.algorithm.sess() {
            ha1 = h(&format!("{ha1}:{}:{cnonce}", self.nonce));
        }
        let ha2 = h(&format!("{method}:{uri}"));
        if self.qop_auth {
            h(&format!("{ha1}:{}:{nc}:{cnonce}:auth:{ha2}", self.nonce))
        } else {
            h(&format!("{ha1}:{}:{ha2}", self.nonce))
        }
    }
}

/// `name=value, name="quoted \" value"` pairs.
pub(crate) fn params(mut s: &str) -> Result<Vec<(String, String)>, ChallengeError> {
    let mut out = Vec::new();
    let bad = |s: &str| ChallengeError::Syntax(s.chars().take(30).collect());
    loop {
        s = s.trim_start_matches([' ', '\t', ',']);
        if s.is_empty() {
            return Ok(out);
        }
        let eq = s.find('=').ok_or_else(|| bad(s))?;
        let name = s[..eq].trim();
        if name.is_empty() || name.contains([' ', ',', '"']) {
            return Err(bad(s));
        }
        let rest = s[eq + 1..].trim_start();
        let (value, after) = if let Some(q) = rest.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = q.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next().map(|(_, c)| c)),
                    '"' => {
                        end = Some(i + 1);
                        break;
                    }
                    c => value.push(c),
                }
            }
            let end = end.ok_or_else(|| bad(s))?;
            (value, &q[end..])
        } else {
            let end = rest.find([',', ' ', '\t']).unwrap_or(rest.len());
            (rest[..end].to_owned(), &rest[end..])
        };
        out.push((name.to_owned(), value));
        s = after;
    }
}

fn quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_2617_md5_with_qop_auth() {
        // RFC 2617 §3.5.
        let c = Challenge::parse(
            "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", \
             nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", \
             opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
        )
        .unwrap();
        assert!(c.qop_auth);
        assert_eq!(c.algorithm, Algorithm::Md5);
        let r = c.response(
            "Mufasa",
            "Circle Of Life",
            "GET",
            "/dir/index.html",
            "0a4f113b",
            "00000001",
        );
        assert_eq!(r, "6629fae49393a05397450978507c4ef1");
        let header = c.answer(
            "Mufasa",
            "Circle Of Life",
            "GET",
            "/dir/index.html",
            "0a4f113b",
            1,
        );
        assert!(header.contains("response=\"6629fae49393a05397450978507c4ef1\""));
        assert!(header.contains("qop=auth, nc=00000001"));
        assert!(header.contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""));
    }

    #[test]
    fn rfc_7616_sha_256_and_md5_vectors() {
        // RFC 7616 §3.9.1, the SHA-256 that RFC 8760 brings to SIP.
        for (alg, want) in [
            (
                "SHA-256",
                "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
            ),
            ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
        ] {
            let c = Challenge::parse(&format!(
                "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", \
                 algorithm={alg}, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", \
                 opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""
            ))
            .unwrap();
            let r = c.response(
                "Mufasa",
                "Circle of Life",
                "GET",
                "/dir/index.html",
                "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
                "00000001",
            );
            assert_eq!(r, want, "{alg}");
        }
    }

    #[test]
    fn md5_without_qop() {
        // RFC 2069's example, with its published erratum's response.
        let c = Challenge::parse(
            "Digest realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"",
        )
        .unwrap();
        assert!(!c.qop_auth);
        let r = c.response("Mufasa", "CircleOfLife", "GET", "/dir/index.html", "", "");
        assert_eq!(r, "1949323746fe6a43ef61f9606e7febea");
        let header = c.answer("Mufasa", "CircleOfLife", "GET", "/dir/index.html", "x", 1);
        assert!(!header.contains("qop"));
        assert!(!header.contains("cnonce"));
    }

    #[test]
    fn challenges_that_cannot_be_answered_say_why() {
        assert_eq!(
            Challenge::parse("Basic realm=\"x\""),
            Err(ChallengeError::NotDigest("Basic".into()))
        );
        assert_eq!(
            Challenge::parse("Digest nonce=\"n\""),
            Err(ChallengeError::Missing("realm"))
        );
        assert_eq!(
            Challenge::parse("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256"),
            Err(ChallengeError::Algorithm("SHA-512-256".into()))
        );
        assert_eq!(
            Challenge::parse("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\""),
            Err(ChallengeError::Qop("auth-int".into()))
        );
        assert!(matches!(
            Challenge::parse("Digest realm=\"unterminated"),
            Err(ChallengeError::Syntax(_))
        ));
        let long = format!("Digest realm=\"{}\"", "r".repeat(MAX_CHALLENGE));
        assert_eq!(Challenge::parse(&long), Err(ChallengeError::TooLong));
    }

    #[test]
    fn quoted_values_keep_escapes_and_stale_is_read() {
        let c = Challenge::parse(
            "digest realm=\"a \\\"b\\\", c\", nonce=n1, stale=TRUE, algorithm=md5-sess",
        )
        .unwrap();
        assert_eq!(c.realm, "a \"b\", c");
        assert_eq!(c.nonce, "n1");
        assert!(c.stale);
        assert_eq!(c.algorithm, Algorithm::Md5Sess);
    }
}
