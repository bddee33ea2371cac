//! Fixtures checked both ways, what is refused, and round trips of any packet.

use super::*;
use proptest::prelude::*;

fn opt<'a>(name: &'a str, value: &'a str) -> TftpOption<'a> {
    TftpOption { name, value }
}

/// Byte fixtures, checked both ways.
#[test]
fn fixtures_parse_and_emit() {
    let cases: Vec<(&[u8], Packet<'_>)> = vec![
        (
            b"\x00\x01SEP001122AABBCC.cnf.xml\0octet\0",
            Packet::Rrq(Request {
                filename: "SEP001122AABBCC.cnf.xml",
                mode: "octet",
                options: vec![],
            }),
        ),
        (
            b"\x00\x01/mk-sip.jar\0NETASCII\0blksize\x001428\0tsize\x000\0x-vendor\0yes\0",
            Packet::Rrq(Request {
                filename: "/mk-sip.jar",
                mode: "NETASCII",
                options: vec![
                    opt("blksize", "1428"),
                    opt("tsize", "0"),
                    opt("x-vendor", "yes"),
                ],
            }),
        ),
        (
            b"\x00\x02up.bin\0octet\0",
            Packet::Wrq(Request {
                filename: "up.bin",
                mode: "octet",
                options: vec![],
            }),
        ),
        (
            b"\x00\x03\xff\xffabc",
            Packet::Data {
                block: 65535,
                data: b"abc",
            },
        ),
        (
            b"\x00\x03\x00\x07",
            Packet::Data {
                block: 7,
                data: b"",
            },
        ),
        (b"\x00\x04\x01\x00", Packet::Ack { block: 256 }),
        (
            b"\x00\x05\x00\x01File not found\0",
            Packet::Error {
                code: ErrorCode::FileNotFound,
                message: "File not found",
            },
        ),
        (
            b"\x00\x05\x00\x63odd\0",
            Packet::Error {
                code: ErrorCode::Unknown(99),
                message: "odd",
            },
        ),
        (
            b"\x00\x06blksize\x001428\0windowsize\x0016\0",
            Packet::Oack {
                options: vec![opt("blksize", "1428"), opt("windowsize", "16")],
            },
        ),
    ];
    for (bytes, packet) in cases {
        assert_eq!(Packet::from_bytes(bytes).as_ref(), Ok(&packet), "{bytes:?}");
        assert_eq!(packet.to_vec().unwrap(), bytes, "{packet:?}");
        assert_eq!(packet.len(), bytes.len());
    }
}

#[test]
fn lenient_where_the_wild_needs_it() {
    // Trailing NUL padding after a request.
    assert!(matches!(
        Packet::from_bytes(b"\x00\x01a\0octet\0\0\0"),
        Ok(Packet::Rrq(r)) if r.filename == "a" && r.options.is_empty()
    ));
    // An error message without its NUL.
    assert_eq!(
        Packet::from_bytes(b"\x00\x05\x00\x00oops"),
        Ok(Packet::Error {
            code: ErrorCode::NotDefined,
            message: "oops"
        })
    );
}

#[test]
fn rejects_what_is_not_tftp() {
    use ParseError::*;
    let cases: &[(&[u8], ParseError)] = &[
        (b"", TooShort { len: 0 }),
        (b"\x00", TooShort { len: 1 }),
        (b"\x00\x09abcd", UnknownOpcode(9)),
        (b"\x00\x00", UnknownOpcode(0)),
        (b"\x00\x04\x00", TooShort { len: 3 }),
        (b"\x00\x04\x00\x01\x00", TrailingBytes(1)),
        (
            b"\x00\x01name-without-nul",
            Unterminated { field: "file name" },
        ),
        (b"\x00\x01\0octet\0", EmptyFilename),
        (b"\x00\x01a\0octet", Unterminated { field: "mode" }),
        (
            b"\x00\x01a\0octet\0blksize\0",
            OptionWithoutValue("blksize".into()),
        ),
        (
            b"\x00\x01a\0octet\0blksize\x00512",
            Unterminated {
                field: "option value",
            },
        ),
        (b"\x00\x01\xff\0octet\0", NotUtf8 { field: "file name" }),
    ];
    for (bytes, error) in cases {
        assert_eq!(Packet::from_bytes(bytes), Err(error.clone()), "{bytes:?}");
    }
    let mut many = b"\x00\x01a\0octet\0".to_vec();
    for i in 0..=MAX_OPTIONS {
        many.extend_from_slice(format!("o{i}\0v\0").as_bytes());
    }
    assert_eq!(Packet::from_bytes(&many), Err(TooManyOptions));
    assert_eq!(
        Packet::from_bytes(&vec![0u8; MAX_DATAGRAM + 1]),
        Err(TooLong {
            len: MAX_DATAGRAM + 1
        })
    );
}

#[test]
fn emit_refuses_what_cannot_be_sent() {
    let bad = Packet::Rrq(Request {
        filename: "a\0b",
        mode: "octet",
        options: vec![],
    });
    assert_eq!(bad.to_vec(), Err(EmitError::Nul { field: "file name" }));
    let huge = vec![0u8; MAX_DATAGRAM];
    assert!(matches!(
        Packet::Data {
            block: 1,
            data: &huge
        }
        .to_vec(),
        Err(EmitError::TooLong { .. })
    ));
    assert_eq!(
        Packet::from_bytes(&error_bytes(ErrorCode::NotDefined, "a\0b")),
        Ok(Packet::Error {
            code: ErrorCode::NotDefined,
            message: "a b"
        })
    );
}

#[test]
fn data_header_in_place() {
    let mut buf = *b"....xyz";
    write_data_header(&mut buf, 0x0102);
    assert_eq!(
        Packet::from_bytes(&buf),
        Ok(Packet::Data {
            block: 0x0102,
            data: b"xyz"
        })
    );
}

fn text() -> impl Strategy<Value = String> + Clone {
    "[^\0]{0,20}"
}

#[derive(Debug, Clone)]
enum Owned {
    Rrq(String, String, Vec<(String, String)>),
    Wrq(String, String, Vec<(String, String)>),
    Data(u16, Vec<u8>),
    Ack(u16),
    Error(u16, String),
    Oack(Vec<(String, String)>),
}

fn owned() -> impl Strategy<Value = Owned> {
    let options = proptest::collection::vec(("[^\0]{1,12}", text()), 0..MAX_OPTIONS);
    prop_oneof![
        ("[^\0]{1,40}", text(), options.clone()).prop_map(|(f, m, o)| Owned::Rrq(f, m, o)),
        ("[^\0]{1,40}", text(), options.clone()).prop_map(|(f, m, o)| Owned::Wrq(f, m, o)),
        (any::<u16>(), proptest::collection::vec(any::<u8>(), 0..600))
            .prop_map(|(b, d)| Owned::Data(b, d)),
        any::<u16>().prop_map(Owned::Ack),
        (any::<u16>(), text()).prop_map(|(c, m)| Owned::Error(c, m)),
        options.prop_map(Owned::Oack),
    ]
}

fn borrow(o: &Owned) -> Packet<'_> {
    fn opts(v: &[(String, String)]) -> Vec<TftpOption<'_>> {
        v.iter().map(|(n, v)| opt(n, v)).collect()
    }
    match o {
        Owned::Rrq(f, m, v) => Packet::Rrq(Request {
            filename: f,
            mode: m,
            options: opts(v),
        }),
        Owned::Wrq(f, m, v) => Packet::Wrq(Request {
            filename: f,
            mode: m,
            options: opts(v),
        }),
        Owned::Data(b, d) => Packet::Data { block: *b, data: d },
        Owned::Ack(b) => Packet::Ack { block: *b },
        Owned::Error(c, m) => Packet::Error {
            code: ErrorCode::from_code(*c),
            message: m,
        },
        Owned::Oack(v) => Packet::Oack { options: opts(v) },
    }
}

proptest! {
    #[test]
    fn every_packet_round_trips(o in owned()) {
        let packet = borrow(&o);
        let bytes = packet.to_vec().unwrap();
        prop_assert_eq!(bytes.len(), packet.len());
        prop_assert_eq!(Packet::from_bytes(&bytes).unwrap(), packet);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(packet) = Packet::from_bytes(&bytes) {
            // Whatever parses can be written again, and means the same.
            let again = packet.to_vec().unwrap();
            prop_assert_eq!(Packet::from_bytes(&again).unwrap(), packet);
        }
    }
}
