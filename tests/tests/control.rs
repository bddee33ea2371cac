//! The helper's control plane, against the real binary: the websocket's locks,
//! bundle uploads (verified, refused, resumed, crashed), and a TFTP transfer
//! running across a bundle switch.

use lifeline_shared::protocol::{CHUNK_SIZE, Chunk, ClientMessage, ServerMessage, VERSION};
use lifeline_shared::testkit::{manifest_of, noise};
use lifeline_tests::{Server, TftpDownload, sha256_hex};
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use tungstenite::{Message, WebSocket, stream::MaybeTlsStream};

type Ws = WebSocket<MaybeTlsStream<TcpStream>>;

fn start(data: &Path) -> (Server, SocketAddr) {
    start_with(data, &[])
}

/// `lifeline serve` on free loopback ports with `data` as its data
/// directory, and `extra` flags; returns it and its TFTP address.
fn start_with(data: &Path, extra: &[&str]) -> (Server, SocketAddr) {
    let server = Server::start_in(data, extra);
    let tftp = server.wait_for_tftp();
    (server, tftp)
}

/// The status code of a websocket upgrade request with these headers.
fn upgrade_status(server: &Server, query: &str, origin: Option<&str>) -> u16 {
    let mut s = TcpStream::connect(server.addr).unwrap();
    let origin = origin
        .map(|o| format!("Origin: {o}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "GET /ws{query} HTTP/1.1\r\nHost: {}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n{origin}\r\n",
        server.addr
    )
    .unwrap();
    let mut buf = [0u8; 12];
    s.read_exact(&mut buf).unwrap();
    String::from_utf8_lossy(&buf[9..12]).parse().unwrap()
}

fn connect(server: &Server) -> Ws {
    connect_with_phones(server).0
}

/// A session said hello on, and the phones the helper knows.
fn connect_with_phones(server: &Server) -> (Ws, Vec<lifeline_shared::events::PhoneSummary>) {
    let url = format!(
        "ws://{}/ws?token={}",
        server.addr,
        server.token.as_deref().unwrap()
    );
    let (mut ws, _) = tungstenite::connect(url).expect("the websocket opens");
    send(
        &mut ws,
        &ClientMessage::Hello {
            version: VERSION,
            client: "test".into(),
        },
    );
    assert!(matches!(
        recv(&mut ws),
        ServerMessage::Hello {
            version: VERSION,
            ..
        }
    ));
    assert!(matches!(recv(&mut ws), ServerMessage::Status(_)));
    match recv(&mut ws) {
        ServerMessage::Phones { phones } => (ws, phones),
        other => panic!("{other:?}"),
    }
}

fn send(ws: &mut Ws, m: &ClientMessage) {
    ws.send(Message::text(serde_json::to_string(m).unwrap()))
        .unwrap();
}

/// The next protocol message, skipping pings and network events.
fn recv(ws: &mut Ws) -> ServerMessage {
    loop {
        match ws.read().expect("the helper closed the connection") {
            Message::Text(t) => {
                let m: ServerMessage = serde_json::from_str(t.as_str()).unwrap();
                if !matches!(m, ServerMessage::Event(_) | ServerMessage::Phone(_)) {
                    return m;
                }
            }
            Message::Close(f) => panic!("closed: {f:?}"),
            _ => {}
        }
    }
}

/// Sends every chunk not in `skip`; returns how many were sent.
fn send_chunks(
    ws: &mut Ws,
    files: &[(String, Vec<u8>)],
    mut keep: impl FnMut(u32, u32) -> bool,
    mut edit: impl FnMut(u32, u32, &mut Vec<u8>),
) -> usize {
    let mut sent = 0;
    for (f, (_, data)) in files.iter().enumerate() {
        let chunks: Vec<&[u8]> = if data.is_empty() {
            vec![&[][..]]
        } else {
            data.chunks(CHUNK_SIZE as usize).collect()
        };
        for (i, c) in chunks.into_iter().enumerate() {
            if !keep(f as u32, i as u32) {
                continue;
            }
            let mut frame = Chunk::encode(f as u32, i as u32, c);
            edit(f as u32, i as u32, &mut frame);
            ws.send(Message::binary(frame)).unwrap();
            sent += 1;
            match recv(ws) {
                ServerMessage::UploadProgress { .. } => {}
                ServerMessage::Error { .. } => {}
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    sent
}

fn upload(ws: &mut Ws, files: &[(String, Vec<u8>)]) -> ServerMessage {
    let m = manifest_of(files);
    let id = m.id.clone();
    send(ws, &ClientMessage::UploadBegin { manifest: m });
    assert!(matches!(recv(ws), ServerMessage::UploadReady { .. }));
    send_chunks(ws, files, |_, _| true, |_, _, _| {});
    send(ws, &ClientMessage::UploadCommit { id });
    assert!(matches!(recv(ws), ServerMessage::UploadVerifying { .. }));
    recv(ws)
}

fn current_id(data: &Path) -> Option<String> {
    std::fs::read_to_string(data.join("current")).ok()
}

#[test]
fn the_websocket_is_locked_by_token_and_origin() {
    let data = tempfile::tempdir().unwrap();
    let (server, _) = start(data.path());
    let token = server
        .token
        .clone()
        .expect("the start line carries #token=");
    assert!(server.url.contains("/#token="), "{}", server.url);
    let own = format!("http://{}", server.addr);
    assert_eq!(
        upgrade_status(
            &server,
            &format!("?token={token}"),
            Some("http://evil.example")
        ),
        403
    );
    assert_eq!(upgrade_status(&server, "", Some(&own)), 403);
    assert_eq!(upgrade_status(&server, "?token=0123", Some(&own)), 403);
    assert_eq!(
        upgrade_status(&server, &format!("?token={token}x"), None),
        403
    );
    assert_eq!(
        upgrade_status(&server, &format!("?token={token}"), Some(&own)),
        101
    );
    assert_eq!(
        upgrade_status(&server, &format!("?token={token}"), None),
        101
    );
    // A wrong protocol version is refused with a clear error, then closed.
    let (mut ws, _) =
        tungstenite::connect(format!("ws://{}/ws?token={token}", server.addr)).unwrap();
    send(
        &mut ws,
        &ClientMessage::Hello {
            version: VERSION + 1,
            client: "future".into(),
        },
    );
    match recv(&mut ws) {
        ServerMessage::Error { message, .. } => {
            assert!(message.contains("update the helper"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_plain_get_tells_whether_the_token_is_still_good() {
    let data = tempfile::tempdir().unwrap();
    let (server, _) = start(data.path());
    let token = server.token.clone().expect("a token");
    assert_eq!(server.get(&format!("/ws?token={token}")).status, 204);
    let refused = server.get(&format!("/ws?token={}", "0".repeat(32)));
    assert_eq!(refused.status, 403);
    assert!(refused.body_text().contains("Wrong pairing token"));
    assert_eq!(server.get("/ws").status, 403);
}

#[test]
fn the_token_file_holds_the_token() {
    let data = tempfile::tempdir().unwrap();
    let token_file = data.path().join("token");
    let (server, _) = start_with(data.path(), &["--token-file", token_file.to_str().unwrap()]);
    assert_eq!(
        std::fs::read_to_string(&token_file).unwrap().trim(),
        server.token.as_deref().unwrap()
    );
}

#[test]
fn a_60_mb_bundle_is_uploaded_verified_and_served() {
    let data = tempfile::tempdir().unwrap();
    let (server, tftp) = start(data.path());
    let mut ws = connect(&server);
    let files: Vec<(String, Vec<u8>)> = vec![
        ("apps41.8-3-2-27.sbn".into(), noise(1, 30 << 20)),
        ("cvm41sccp.8-3-2-27.sbn".into(), noise(2, 30 << 20)),
        ("term41.default.loads".into(), noise(3, 642)),
        ("empty.txt".into(), Vec::new()),
    ];
    match upload(&mut ws, &files) {
        ServerMessage::UploadSwitched {
            id,
            files: n,
            bytes,
        } => {
            assert_eq!(n, 4);
            assert_eq!(bytes, (60 << 20) + 642);
            assert_eq!(current_id(data.path()).as_deref(), Some(id.as_str()));
            for (name, d) in &files {
                let on_disk =
                    std::fs::read(data.path().join("bundles").join(&id).join(name)).unwrap();
                assert_eq!(sha256_hex(&on_disk), sha256_hex(d), "{name}");
            }
        }
        other => panic!("{other:?}"),
    }
    match recv(&mut ws) {
        ServerMessage::Status(s) => assert_eq!(s.bundle.unwrap().files, 4),
        other => panic!("{other:?}"),
    }
    // TFTP now serves it.
    let got = TftpDownload::start(tftp, "term41.default.loads")
        .finish()
        .unwrap();
    assert_eq!(got, files[2].1);
}

#[test]
fn a_chunk_damaged_in_flight_is_refused_and_nothing_switches() {
    let data = tempfile::tempdir().unwrap();
    let (server, _) = start(data.path());
    let mut ws = connect(&server);
    let first: Vec<(String, Vec<u8>)> = vec![("a.sbn".into(), noise(9, 1000))];
    assert!(matches!(
        upload(&mut ws, &first),
        ServerMessage::UploadSwitched { .. }
    ));
    let _status = recv(&mut ws);
    let before = current_id(data.path());

    let files: Vec<(String, Vec<u8>)> = vec![("jar41sccp.8-3-2-27.sbn".into(), noise(4, 600_000))];
    let m = manifest_of(&files);
    send(
        &mut ws,
        &ClientMessage::UploadBegin {
            manifest: m.clone(),
        },
    );
    assert!(matches!(recv(&mut ws), ServerMessage::UploadReady { .. }));
    let mut errors = Vec::new();
    for (i, c) in files[0].1.chunks(CHUNK_SIZE as usize).enumerate() {
        let mut frame = Chunk::encode(0, i as u32, c);
        if i == 1 {
            frame[40] ^= 0xFF; // damage after the CRC was computed
        }
        ws.send(Message::binary(frame)).unwrap();
        if let ServerMessage::Error {
            code,
            file,
            message,
        } = recv(&mut ws)
        {
            errors.push((code, file, message));
        }
    }
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].1.as_deref(),
        Some("jar41sccp.8-3-2-27.sbn"),
        "the error names the file"
    );
    send(&mut ws, &ClientMessage::UploadCommit { id: m.id.clone() });
    assert!(matches!(
        recv(&mut ws),
        ServerMessage::UploadVerifying { .. }
    ));
    match recv(&mut ws) {
        ServerMessage::Error { file, message, .. } => {
            assert_eq!(file.as_deref(), Some("jar41sccp.8-3-2-27.sbn"));
            assert!(message.contains("not arrived"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(current_id(data.path()), before, "nothing switched");
}

#[test]
fn a_cut_connection_resumes_where_it_stopped() {
    let data = tempfile::tempdir().unwrap();
    let (server, _) = start(data.path());
    let files: Vec<(String, Vec<u8>)> = vec![
        ("a.sbn".into(), noise(5, 5 * CHUNK_SIZE as usize + 3)),
        ("b.sbn".into(), noise(6, 2 * CHUNK_SIZE as usize)),
    ];
    let m = manifest_of(&files);
    let mut ws = connect(&server);
    send(
        &mut ws,
        &ClientMessage::UploadBegin {
            manifest: m.clone(),
        },
    );
    assert!(matches!(
        recv(&mut ws),
        ServerMessage::UploadReady { received: 0, .. }
    ));
    let sent = send_chunks(&mut ws, &files, |f, i| f == 0 && i < 4, |_, _, _| {});
    assert_eq!(sent, 4);
    drop(ws); // the connection is cut

    let mut ws = connect(&server);
    send(
        &mut ws,
        &ClientMessage::UploadBegin {
            manifest: m.clone(),
        },
    );
    let have = match recv(&mut ws) {
        ServerMessage::UploadReady { have, received, .. } => {
            assert_eq!(received, 4 * u64::from(CHUNK_SIZE));
            have
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(have.len(), 1);
    assert_eq!(have[0].ranges, [[0, 4]]);
    let resent = send_chunks(&mut ws, &files, |f, i| !(f == 0 && i < 4), |_, _, _| {});
    assert_eq!(resent, 2 + 2);
    send(&mut ws, &ClientMessage::UploadCommit { id: m.id.clone() });
    assert!(matches!(
        recv(&mut ws),
        ServerMessage::UploadVerifying { .. }
    ));
    assert!(matches!(
        recv(&mut ws),
        ServerMessage::UploadSwitched { .. }
    ));
}

#[test]
fn a_crash_mid_upload_keeps_the_previous_bundle() {
    let data = tempfile::tempdir().unwrap();
    let old: Vec<(String, Vec<u8>)> = vec![
        ("term41.default.loads".into(), noise(7, 5000)),
        ("x.sbn".into(), noise(8, 9000)),
    ];
    {
        let (mut server, _) = start(data.path());
        let mut ws = connect(&server);
        assert!(matches!(
            upload(&mut ws, &old),
            ServerMessage::UploadSwitched { .. }
        ));
        let new: Vec<(String, Vec<u8>)> = vec![
            ("term41.default.loads".into(), noise(10, 700_000)),
            ("staged-only.sbn".into(), noise(11, 10)),
        ];
        let m = manifest_of(&new);
        let _status = recv(&mut ws);
        send(&mut ws, &ClientMessage::UploadBegin { manifest: m });
        assert!(matches!(recv(&mut ws), ServerMessage::UploadReady { .. }));
        send_chunks(&mut ws, &new, |f, i| f == 0 && i < 2, |_, _, _| {});
        server.kill_hard();
    }
    let (_server, tftp) = start(data.path());
    let id = current_id(data.path()).unwrap();
    assert_eq!(id, manifest_of(&old).id, "the previous bundle is current");
    for (name, d) in &old {
        let on_disk = std::fs::read(data.path().join("bundles").join(&id).join(name)).unwrap();
        assert_eq!(sha256_hex(&on_disk), sha256_hex(d), "{name}");
        assert_eq!(
            &TftpDownload::start(tftp, name).finish().unwrap(),
            d,
            "{name} over TFTP"
        );
    }
    let err = TftpDownload::start(tftp, "staged-only.sbn")
        .finish()
        .unwrap_err();
    assert!(!err.is_empty(), "a staged file is never served");
}

#[test]
fn a_tftp_transfer_across_a_switch_finishes_with_the_old_bytes() {
    let data = tempfile::tempdir().unwrap();
    let (server, tftp) = start(data.path());
    let mut ws = connect(&server);
    let old: Vec<(String, Vec<u8>)> = vec![("apps41.8-3-2-27.sbn".into(), noise(12, 200_000))];
    assert!(matches!(
        upload(&mut ws, &old),
        ServerMessage::UploadSwitched { .. }
    ));
    let _status = recv(&mut ws);
    // The phone has taken two blocks when the new bundle arrives.
    let mut dl = TftpDownload::start(tftp, "apps41.8-3-2-27.sbn");
    assert!(dl.step().unwrap());
    assert!(dl.step().unwrap());
    let new: Vec<(String, Vec<u8>)> = vec![("apps41.8-3-2-27.sbn".into(), noise(13, 200_000))];
    assert!(matches!(
        upload(&mut ws, &new),
        ServerMessage::UploadSwitched { .. }
    ));
    assert_eq!(
        dl.finish().unwrap(),
        old[0].1,
        "the running transfer keeps the old file"
    );
    assert_eq!(
        TftpDownload::start(tftp, "apps41.8-3-2-27.sbn")
            .finish()
            .unwrap(),
        new[0].1,
        "a new transfer gets the new one"
    );
}

#[test]
fn a_helper_serving_a_fixed_root_refuses_uploads_plainly() {
    let data = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("XMLDefault.cnf.xml"), "<Default/>").unwrap();
    let (server, _) = start_with(data.path(), &["--root", root.path().to_str().unwrap()]);
    let mut ws = connect(&server);
    let files: Vec<(String, Vec<u8>)> = vec![("a.sbn".into(), noise(1, 100))];
    send(
        &mut ws,
        &ClientMessage::UploadBegin {
            manifest: manifest_of(&files),
        },
    );
    match recv(&mut ws) {
        ServerMessage::Error { message, .. } => {
            assert!(message.contains("serve --root"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert!(current_id(data.path()).is_none());
}

/// The next summary of phone `id`, skipping every other message.
fn recv_phone(ws: &mut Ws, id: &str) -> lifeline_shared::events::PhoneSummary {
    if let MaybeTlsStream::Plain(s) = ws.get_ref() {
        s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
    }
    loop {
        match ws.read().expect("the helper sends the phone's summary") {
            Message::Text(t) => {
                if let ServerMessage::Phone(p) = serde_json::from_str(t.as_str()).unwrap()
                    && p.id == id
                {
                    return p;
                }
            }
            Message::Close(f) => panic!("closed: {f:?}"),
            _ => {}
        }
    }
}

#[test]
fn retry_failed_starts_a_failed_phone_over_for_every_page() {
    use lifeline_shared::events::PhoneState;
    let data = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("apps41.8-3-2-27.sbn"), noise(5, 3000)).unwrap();
    let (server, tftp) = start_with(data.path(), &["--root", root.path().to_str().unwrap()]);
    let mut page = connect(&server);
    let mut other_page = connect(&server);

    // A phone at 127.0.0.1 asks for an image the helper does not have.
    let missing = TftpDownload::start(tftp, "dsp41.8-3-2-27.sbn").finish();
    assert!(missing.is_err(), "{missing:?}");
    let failed = loop {
        let p = recv_phone(&mut page, "127.0.0.1");
        if p.state == PhoneState::Failed {
            break p;
        }
    };
    assert_eq!(failed.retries, 0);
    assert!(failed.reason.unwrap().contains("dsp41.8-3-2-27.sbn"));

    // Unknown ids are ignored; the failed phone starts over, and both pages hear it.
    send(
        &mut page,
        &ClientMessage::RetryPhones {
            phones: vec!["SEP000000000000".into(), "127.0.0.1".into()],
        },
    );
    for ws in [&mut page, &mut other_page] {
        let p = loop {
            let p = recv_phone(ws, "127.0.0.1");
            if p.retries > 0 {
                break p;
            }
        };
        assert_eq!((p.state, p.retries), (PhoneState::Waiting, 1));
        assert!(p.reason.is_none() && p.diagnosis.is_none() && p.files.is_empty());
    }

    // Its next try is followed afresh, and a page that connects now sees it.
    let got = TftpDownload::start(tftp, "apps41.8-3-2-27.sbn").finish();
    assert_eq!(got.unwrap(), noise(5, 3000));
    while recv_phone(&mut page, "127.0.0.1").state != PhoneState::Downloading {}
    let (_late, phones) = connect_with_phones(&server);
    let p = phones.iter().find(|p| p.id == "127.0.0.1").expect("known");
    assert_eq!((p.state, p.retries), (PhoneState::Downloading, 1));
}

/// Reads messages until an error arrives; returns its code and text.
fn recv_error(ws: &mut Ws) -> (lifeline_shared::protocol::ErrorCode, String) {
    loop {
        match recv(ws) {
            ServerMessage::Error { code, message, .. } => return (code, message),
            ServerMessage::UploadProgress { .. } | ServerMessage::Status(_) => {}
            other => panic!("expected an error, got {other:?}"),
        }
    }
}

/// The names in `dir`, or none when it does not exist.
fn names_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_full_data_directory_refuses_the_upload_names_the_folder_and_keeps_the_old_bundle() {
    use lifeline_shared::protocol::ErrorCode;
    let Some(disk) = lifeline_tests::tmpfs::Tmpfs::mount_or_skip(6 << 20) else {
        return;
    };
    let data = disk.path();
    let (server, tftp) = start(data);
    let mut ws = connect(&server);
    let old: Vec<(String, Vec<u8>)> = vec![
        ("term41.default.loads".into(), noise(20, 4000)),
        ("a.sbn".into(), noise(21, 1_000_000)),
    ];
    assert!(matches!(
        upload(&mut ws, &old),
        ServerMessage::UploadSwitched { .. }
    ));
    let _status = recv(&mut ws);
    let old_id = manifest_of(&old).id;

    // Too big for what is left: refused at once, naming the folder and the need.
    let big: Vec<(String, Vec<u8>)> = vec![("big.sbn".into(), noise(22, 8_000_000))];
    send(
        &mut ws,
        &ClientMessage::UploadBegin {
            manifest: manifest_of(&big),
        },
    );
    let (code, text) = recv_error(&mut ws);
    assert_eq!(code, ErrorCode::Storage);
    assert!(
        text.starts_with(&format!(
            "the helper's data directory {} has ",
            data.display()
        )) && text.contains("this bundle needs 9.")
            && text.contains("`--data-dir` on a disk with room"),
        "{text}"
    );
    assert_eq!(names_in(&data.join("staging")), Vec::<String>::new());

    // Fits when it starts, but the disk fills up while it arrives (someone
    // else writes there): the write's error says so, and staging is cleaned.
    let middle: Vec<(String, Vec<u8>)> = vec![("m.sbn".into(), noise(23, 2_500_000))];
    send(
        &mut ws,
        &ClientMessage::UploadBegin {
            manifest: manifest_of(&middle),
        },
    );
    assert!(matches!(recv(&mut ws), ServerMessage::UploadReady { .. }));
    let filler = data.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 64 * 1024];
    while f.write_all(&block).is_ok() {}
    drop(f);
    let chunks: Vec<&[u8]> = middle[0].1.chunks(CHUNK_SIZE as usize).collect();
    let mut refused = None;
    for (i, c) in chunks.iter().enumerate() {
        ws.send(Message::binary(Chunk::encode(0, i as u32, c)))
            .unwrap();
        match recv(&mut ws) {
            ServerMessage::UploadProgress { .. } => {}
            ServerMessage::Error { code, message, .. } => {
                refused = Some((code, message));
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let (code, text) = refused.expect("a full disk refuses a chunk");
    assert_eq!(code, ErrorCode::Storage);
    assert!(
        text.starts_with(&format!("the helper's data directory {}", data.display())),
        "{text}"
    );
    assert_eq!(names_in(&data.join("staging")), Vec::<String>::new());
    std::fs::remove_file(&filler).unwrap();

    // Nothing was lost: the old bundle is current and served byte for byte.
    assert_eq!(current_id(data).as_deref(), Some(old_id.as_str()));
    for (name, d) in &old {
        assert_eq!(
            &TftpDownload::start(tftp, name).finish().unwrap(),
            d,
            "{name}"
        );
    }
    // And with room again, the same page sends the next bundle.
    assert!(matches!(
        upload(&mut ws, &middle),
        ServerMessage::UploadSwitched { .. }
    ));
}

#[test]
fn pages_past_the_cap_are_refused_with_the_reason_and_a_closed_one_frees_its_place() {
    let data = tempfile::tempdir().unwrap();
    let (server, _) = start(data.path());
    let mut pages: Vec<Ws> = (0..16).map(|_| connect(&server)).collect();
    let url = format!(
        "ws://{}/ws?token={}",
        server.addr,
        server.token.as_deref().unwrap()
    );
    match tungstenite::connect(&url) {
        Err(tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 503);
            let body = String::from_utf8_lossy(response.body().as_deref().unwrap_or_default())
                .into_owned();
            assert!(
                body.starts_with("16 pages are connected to this helper already: close the Lifeline tabs you no longer use"),
                "{body}"
            );
        }
        other => panic!("the 17th page was let in: {:?}", other.map(|_| ())),
    }
    let mut gone = pages.pop().unwrap();
    gone.close(None).unwrap();
    while gone.read().is_ok() {}
    // The helper frees the place once it has seen the close; ask until then.
    let deadline = std::time::Instant::now() + lifeline_tests::process::GUARD;
    loop {
        match tungstenite::connect(&url) {
            Ok(_) => break,
            Err(tungstenite::Error::Http(r)) if r.status().as_u16() == 503 => {
                assert!(
                    std::time::Instant::now() < deadline,
                    "the place was never freed"
                );
                std::thread::yield_now();
            }
            Err(e) => panic!("{e}"),
        }
    }
}

#[test]
fn a_page_that_stops_reading_is_dropped_and_the_helper_goes_on() {
    let data = tempfile::tempdir().unwrap();
    let (server, tftp) = start(data.path());
    let mut stalled = connect(&server);
    // Writing gives up now and then instead of blocking, so the loop below
    // can notice its bound.
    if let MaybeTlsStream::Plain(s) = stalled.get_mut() {
        s.set_write_timeout(Some(std::time::Duration::from_secs(1)))
            .unwrap();
    }
    // Ask for the status over and over and never read the answers: the
    // helper's replies back up until it gives up on this page and closes it,
    // after which writing fails. Bounded: a helper that kept the page would
    // fail the assertion below, not hang the test.
    let started = std::time::Instant::now();
    let mut asked = 0u64;
    let dropped = loop {
        let m = Message::text(serde_json::to_string(&ClientMessage::Status).unwrap());
        match stalled.send(m) {
            Ok(()) => asked += 1,
            Err(tungstenite::Error::Io(e))
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => break true,
        }
        if started.elapsed() > lifeline_tests::process::GUARD {
            break false;
        }
    };
    assert!(
        dropped,
        "the helper kept a page that read nothing ({asked} asks)"
    );
    // The helper is fine: another page connects, is answered, and TFTP serves.
    let mut page = connect(&server);
    send(&mut page, &ClientMessage::Status);
    assert!(matches!(recv(&mut page), ServerMessage::Status(_)));
    let err = TftpDownload::start(tftp, "nothing-here.bin")
        .finish()
        .unwrap_err();
    assert!(!err.is_empty());
}
