//! Why a phone would be stuck: the [`Problem`] with its stable code for scripts,
//! and the [`Stuck`] verdict that puts it at a step and a file. Its words are in
//! `words`.

use std::net::{Ipv4Addr, SocketAddr};

use super::Step;
use crate::simulate::dhcp_client::DhcpFailure;
use crate::simulate::tftp_client::Failure;

/// Why a phone would be stuck.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// DHCP gave no lease.
    Dhcp(DhcpFailure),
    /// A lease, but no TFTP server in it.
    NoTftpServer {
        /// The DHCP server.
        server: Ipv4Addr,
        /// What is missing.
        why: String,
    },
    /// A file did not arrive.
    Transfer {
        /// The TFTP server.
        server: SocketAddr,
        /// How it failed.
        failure: Failure,
    },
    /// The signed header does not parse.
    BadHeader { error: String },
    /// A signed header without a name (tag 14).
    NoEmbeddedName,
    /// A signed file stored under another name than the one it carries.
    WrongName {
        /// The name in the header.
        embedded: String,
    },
    /// The manifest body does not parse.
    BadManifest { error: String },
    /// The manifest lists no image.
    NoImages,
    /// An image of another size than its manifest line states (792x,
    /// 78xx/88xx).
    ImageSize {
        /// The size the manifest states.
        stated: u64,
        /// The size received.
        got: u64,
    },
    /// An image whose MD5 differs from its manifest line's (792x).
    ImageMd5 {
        /// Upper-case hex, as the manifest writes it.
        stated: String,
        got: String,
    },
    /// The manifest lists an image of another family.
    WrongFamily {
        image: String,
        family: String,
        /// The phone's model.
        model: String,
    },
    /// A configuration that cannot be read.
    BadConfig { error: String },
    /// Neither `SEP<MAC>.cnf.xml` nor `XMLDefault.cnf.xml`.
    NoConfig {
        /// The phone's own file name.
        sep: String,
        /// The TFTP server.
        server: SocketAddr,
    },
    /// `XMLDefault.cnf.xml` has no entry for the device id.
    NoLoadForDevice {
        /// The model's device id.
        device_id: u16,
        /// `IP Phone 7961`.
        product: String,
        /// The entries it has, described.
        found: Vec<String>,
    },
    /// `SEP<MAC>.cnf.xml` names no load.
    NoLoad {
        /// The entries it has, described.
        found: Vec<String>,
    },
    /// `OS79XX.TXT` that does not hold one 7940/7960 image name alone.
    BadOs79xx {
        /// What it holds, escaped.
        content: String,
    },
    /// Neither `SIP<MAC>.cnf` nor `SIPDefault.cnf` names an `image_version`.
    NoImageVersion {
        /// The files the phone read.
        read: Vec<String>,
    },
    /// The line's SIP proxy is a name that does not resolve.
    SipUnresolved {
        /// The name, as configured.
        name: String,
        /// Why the lookup failed.
        error: String,
    },
    /// The first SIP line names no proxy.
    SipNoProxy {
        /// The line's user.
        user: String,
    },
    /// No final answer to REGISTER within timer F.
    SipNoAnswer {
        /// `name (address:port)` or `address:port`.
        proxy: String,
        /// REGISTERs sent (retransmissions not counted).
        requests: u32,
        /// Seconds waited.
        waited_s: u64,
    },
    /// The registrar refused the credentials: a 401/407 to the answered
    /// challenge, or a 403.
    SipRefused {
        proxy: String,
        /// The digest username.
        auth_name: String,
        /// The domain registered in (the proxy as configured).
        domain: String,
        status: u16,
        reason: String,
        /// The realm the registrar challenged with.
        realm: Option<String>,
    },
    /// The registrar's challenge cannot be answered.
    SipChallenge { proxy: String, error: String },
    /// Another final answer to REGISTER.
    SipFailed {
        proxy: String,
        status: u16,
        reason: String,
    },
    /// The whole sequence took longer than allowed.
    TimeLimit {
        /// The limit, seconds.
        limit_s: u64,
    },
}

impl Problem {
    /// A stable code for scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Dhcp(DhcpFailure::NoOffer { .. }) => "no-dhcp-offer",
            Problem::Dhcp(DhcpFailure::NoAck { .. }) => "no-dhcp-ack",
            Problem::Dhcp(DhcpFailure::Nak { .. }) => "dhcp-nak",
            Problem::NoTftpServer { .. } => "no-tftp-server",
            Problem::Transfer { failure, .. } => match failure {
                Failure::NotFound { .. } => "not-found",
                Failure::ServerError { .. } => "tftp-error",
                Failure::NoAnswer { .. } => "no-answer",
                Failure::Protocol { .. } => "tftp-protocol",
                Failure::TooLarge { .. } => "too-large",
                Failure::SizeMismatch { .. } => "size-mismatch",
                Failure::Http { .. } => "http-error",
            },
            Problem::BadHeader { .. } => "bad-signed-header",
            Problem::NoEmbeddedName => "no-embedded-name",
            Problem::WrongName { .. } => "wrong-embedded-name",
            Problem::BadManifest { .. } => "bad-manifest",
            Problem::NoImages => "no-images",
            Problem::WrongFamily { .. } => "wrong-family",
            Problem::ImageSize { .. } => "image-size-mismatch",
            Problem::ImageMd5 { .. } => "md5-mismatch",
            Problem::BadConfig { .. } => "bad-config",
            Problem::NoConfig { .. } => "no-config",
            Problem::NoLoadForDevice { .. } => "no-load-for-device",
            Problem::NoLoad { .. } => "no-load",
            Problem::BadOs79xx { .. } => "bad-os79xx",
            Problem::NoImageVersion { .. } => "no-image-version",
            Problem::SipUnresolved { .. } => "sip-proxy-unresolved",
            Problem::SipNoProxy { .. } => "sip-no-proxy",
            Problem::SipNoAnswer { .. } => "sip-no-answer",
            Problem::SipRefused { .. } => "sip-refused",
            Problem::SipChallenge { .. } => "sip-challenge",
            Problem::SipFailed { .. } => "sip-failed",
            Problem::TimeLimit { .. } => "time-limit",
        }
    }
}

/// A stuck phone: where, which file, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stuck {
    pub step: Step,
    /// The file, when the step is about one.
    pub file: Option<String>,
    pub problem: Problem,
}
