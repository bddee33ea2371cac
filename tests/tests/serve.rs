//! `lifeline serve`, run as a real process and spoken to over TCP.

use std::time::Duration;

use lifeline_tests::{Server, workspace_root};

/// Whether the binary under test embeds the web app. `cargo xtask test` builds
/// `dist/` first; a bare `cargo test` on a fresh clone has none, and then `/`
/// must explain itself with a 503.
fn ui_built() -> bool {
    workspace_root().join("dist").join("index.html").is_file()
}

#[test]
fn prints_its_url_and_serves_the_app() {
    let server = Server::start();
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
    assert_ne!(server.addr.port(), 0, "the real port is printed, not 0");

    let root = server.get("/");
    assert_eq!(
        root.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(root.header("cache-control"), Some("no-cache"));
    if ui_built() {
        assert_eq!(root.status, 200, "{}", root.body_text());
        let page = root.body_text();
        assert!(page.contains("<title>Lifeline</title>"), "{page}");
        assert!(page.contains("./lifeline_web.js"), "{page}");

        let js = server.get("/lifeline_web.js");
        assert_eq!(js.status, 200);
        assert_eq!(
            js.header("content-type"),
            Some("text/javascript; charset=utf-8")
        );

        let wasm = server.get("/lifeline_web_bg.wasm");
        assert_eq!(wasm.status, 200);
        assert_eq!(wasm.header("content-type"), Some("application/wasm"));
        assert!(wasm.body.starts_with(b"\0asm"), "not a wasm module");
        assert_eq!(
            wasm.header("content-length"),
            Some(wasm.body.len().to_string().as_str())
        );
    } else {
        assert_eq!(root.status, 503, "{}", root.body_text());
        assert!(root.body_text().contains("cargo xtask run"));
    }

    let missing = server.get("/no/such/file.js");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("cache-control"), Some("no-cache"));

    let outside = server.get("/../Cargo.toml");
    assert_eq!(outside.status, 404);
}

/// The body as it was before `Content-Encoding` was applied.
fn decoded(coding: &str, body: &[u8]) -> Vec<u8> {
    use std::io::Read as _;
    let mut out = Vec::new();
    match coding {
        "br" => {
            brotli::BrotliDecompress(&mut &body[..], &mut out).expect("not brotli");
        }
        "gzip" => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut out)
                .expect("not gzip");
        }
        other => panic!("unexpected Content-Encoding {other}"),
    }
    out
}

#[test]
fn each_encoding_decodes_to_the_file_itself() {
    let server = Server::start();
    if !ui_built() {
        let root = server.get_encoded("/", Some("br, gzip"));
        assert_eq!(root.status, 503);
        assert_eq!(root.header("content-encoding"), None);
        return;
    }
    for path in [
        "/",
        "/lifeline_web.js",
        "/lifeline_web_bg.wasm",
        "/style.css",
    ] {
        let identity = server.get_encoded(path, None);
        assert_eq!(identity.status, 200, "{path}");
        assert_eq!(identity.header("content-encoding"), None, "{path}");
        assert_eq!(identity.header("vary"), Some("accept-encoding"), "{path}");

        for (accept, coding) in [
            ("br", "br"),
            ("gzip", "gzip"),
            ("gzip, deflate, br, zstd", "br"),
            ("br;q=0, gzip", "gzip"),
            ("*", "br"),
        ] {
            let encoded = server.get_encoded(path, Some(accept));
            assert_eq!(encoded.status, 200, "{path} {accept}");
            assert_eq!(
                encoded.header("content-encoding"),
                Some(coding),
                "{path} {accept}"
            );
            assert_eq!(
                encoded.header("content-type"),
                identity.header("content-type"),
                "{path} {accept}"
            );
            assert_eq!(encoded.header("vary"), Some("accept-encoding"));
            assert_ne!(encoded.header("etag"), identity.header("etag"));
            assert!(encoded.body.len() < identity.body.len(), "{path} {accept}");
            assert!(
                decoded(coding, &encoded.body) == identity.body,
                "{path} in {coding} does not decode to the file"
            );
        }

        for refusing in ["identity", "br;q=0, gzip;q=0", "*;q=0"] {
            let plain = server.get_encoded(path, Some(refusing));
            assert_eq!(plain.header("content-encoding"), None, "{path} {refusing}");
            assert!(plain.body == identity.body, "{path} {refusing}");
        }
    }

    for sibling in [
        "/lifeline_web_bg.wasm.br",
        "/lifeline_web_bg.wasm.gz",
        "/index.html.br",
    ] {
        assert_eq!(server.get(sibling).status, 404, "{sibling}");
    }
}

#[test]
fn a_port_in_use_is_reported_clearly() {
    let first = Server::start();
    let port = first.addr.port().to_string();
    let listen = format!("127.0.0.1:{port}");

    let output = std::process::Command::new(lifeline_tests::lifeline_bin())
        .args(["serve", "--http-listen", &listen])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("cannot run lifeline");
    assert!(
        !output.status.success(),
        "a second server on {listen} started"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("already in use"), "{stderr}");
    assert!(stderr.contains("--http-listen 127.0.0.1:0"), "{stderr}");
    assert!(output.stdout.is_empty(), "no URL line on failure");

    // The first server is unaffected.
    assert_eq!(first.get("/no-such-file").status, 404);
}

#[cfg(unix)]
#[test]
fn sigterm_shuts_down_cleanly() {
    let mut server = Server::start();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .expect("cannot run kill");
    assert!(status.success());
    let exit = server
        .wait_timeout(Duration::from_secs(20))
        .expect("lifeline did not exit after SIGTERM");
    assert!(exit.success(), "{exit:?}");
}

/// `lifeline serve 2>&1 | head -1`: once the reader is gone, every write to
/// stdout or stderr fails (EPIPE). The server still serves TFTP, and SIGTERM
/// still stops it.
#[cfg(unix)]
#[test]
fn a_closed_stdout_neither_stops_tftp_nor_the_shutdown() {
    use std::io::BufRead as _;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let firmware = b"firmware bytes for the phone".repeat(40);
    std::fs::write(root.join("term61.default.loads"), &firmware).unwrap();
    // TFTP's port is chosen here: the line that would name it is never read.
    let tftp_port = std::net::UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .unwrap()
        .port();
    let tftp: std::net::SocketAddr = ([127, 0, 0, 1], tftp_port).into();

    let (reader, writer) = std::io::pipe().unwrap();
    let mut command = std::process::Command::new(lifeline_tests::lifeline_bin());
    command
        .args([
            "serve",
            "--http-listen",
            "127.0.0.1:0",
            "--provision-listen",
            "off",
            "--tftp-listen",
        ])
        .arg(tftp.to_string())
        .arg("--root")
        .arg(&root)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .env("RUST_LOG", "info")
        .stdin(std::process::Stdio::null())
        .stdout(writer.try_clone().unwrap())
        .stderr(writer);
    /// Killed when the test ends, passed or failed.
    struct Reaped(std::process::Child);
    impl Drop for Reaped {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut reaped = Reaped(command.spawn().expect("cannot start lifeline"));
    let child = &mut reaped.0;
    // Only the child holds the pipe's write end now.
    drop(command);

    // `head -1`: one line, then the reader is gone.
    let mut first = String::new();
    std::io::BufReader::new(reader)
        .read_line(&mut first)
        .unwrap();
    assert!(!first.is_empty(), "lifeline printed nothing");

    // The line read is the UI's address, printed before TFTP binds: ask
    // until TFTP answers (a guard, not a delay; without the fix it never
    // binds). Every transfer logs and prints a line, into the closed pipe.
    let guard = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let got = lifeline_tests::TftpDownload::start(tftp, "term61.default.loads").finish();
        match got {
            Ok(bytes) => {
                assert_eq!(bytes, firmware, "TFTP on {tftp}");
                break;
            }
            Err(e) if std::time::Instant::now() >= guard => {
                panic!("TFTP on {tftp} never answered with stdout closed: {e}")
            }
            Err(_) => {}
        }
    }
    let got = lifeline_tests::TftpDownload::start(tftp, "term61.default.loads").finish();
    assert_eq!(got.as_deref(), Ok(&firmware[..]), "TFTP on {tftp}");

    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("cannot run kill");
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        if std::time::Instant::now() >= deadline {
            panic!("lifeline ignored SIGTERM with its stdout closed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn a_missing_root_says_which_folder_and_what_to_give() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder");
    let output = std::process::Command::new(lifeline_tests::lifeline_bin())
        .args([
            "serve",
            "--http-listen",
            "127.0.0.1:0",
            "--tftp-listen",
            "127.0.0.1:0",
            "--provision-listen",
            "127.0.0.1:0",
        ])
        .arg("--root")
        .arg(&missing)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("cannot run lifeline");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("lifeline: error: --root "), "{stderr}");
    assert!(stderr.contains(&missing.display().to_string()), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(stderr.contains("--firmware ZIP"), "{stderr}");
    assert!(!stderr.contains("os error"), "{stderr}");
    assert!(output.stdout.is_empty(), "no URL line on failure");
}

#[test]
fn a_missing_firmware_zip_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("cmterm.zip");
    let output = std::process::Command::new(lifeline_tests::lifeline_bin())
        .args([
            "serve",
            "--http-listen",
            "127.0.0.1:0",
            "--tftp-listen",
            "127.0.0.1:0",
            "--provision-listen",
            "127.0.0.1:0",
        ])
        .args(["--tftp-server", "192.0.2.1", "--firmware"])
        .arg(&missing)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("cannot run lifeline");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("lifeline: error: --firmware "),
        "{stderr}"
    );
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(!stderr.contains("os error"), "{stderr}");
}

#[test]
fn an_unwritable_data_dir_or_token_file_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let data = dir.path().join("data");
    let token = file.join("token");
    for (flags, says) in [
        (&["--data-dir", file.to_str().unwrap()][..], "--data-dir "),
        (
            &[
                "--data-dir",
                data.to_str().unwrap(),
                "--token-file",
                token.to_str().unwrap(),
            ][..],
            "--token-file ",
        ),
    ] {
        let output = std::process::Command::new(lifeline_tests::lifeline_bin())
            .args([
                "serve",
                "--http-listen",
                "127.0.0.1:0",
                "--tftp-listen",
                "127.0.0.1:0",
                "--provision-listen",
                "127.0.0.1:0",
            ])
            .args(flags)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("cannot run lifeline");
        assert_eq!(output.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with(&format!("lifeline: error: {says}")),
            "{stderr}"
        );
        assert!(stderr.contains("is a file"), "{stderr}");
        assert!(stderr.contains("; give "), "{stderr}");
        assert!(!stderr.contains("os error"), "{stderr}");
    }
}

#[test]
fn http_listen_takes_a_host_name() {
    let server = Server::start_with(&["--http-listen", "localhost:0"]);
    assert!(server.addr.ip().is_loopback(), "{}", server.url);
    assert_eq!(server.get("/no-such-file").status, 404);
}

#[test]
fn a_listen_address_without_a_port_says_how_to_write_it() {
    let output = std::process::Command::new(lifeline_tests::lifeline_bin())
        .args(["serve", "--http-listen", "localhost"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("cannot run lifeline");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("has no port"), "{stderr}");
    assert!(stderr.contains("localhost:7961"), "{stderr}");
    assert!(stderr.contains("localhost:0"), "{stderr}");
    assert!(
        !stderr.contains(":localhost"),
        "the host is not a port: {stderr}"
    );
}

/// TFTP runs whatever the flags (the stored bundle, or nothing yet), and the
/// help says so rather than "only with --root or --firmware".
#[test]
fn help_says_tftp_always_runs() {
    let output = std::process::Command::new(lifeline_tests::lifeline_bin())
        .args(["serve", "--help"])
        .output()
        .expect("cannot run lifeline");
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("it always runs"), "{help}");
    assert!(!help.contains("with --root or --firmware"), "{help}");

    let server = Server::start();
    let tftp = server.wait_for_tftp();
    assert!(tftp.ip().is_loopback(), "{tftp}");
}

#[test]
fn the_pairing_token_outlives_a_restart_and_new_token_rotates_it() {
    let data = tempfile::tempdir().unwrap();
    let first = Server::start_in(data.path(), &[]);
    let token = first.token.clone().expect("a token in the start line");
    drop(first);
    let path = data.path().join("pairing-token");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the token file is private");
    }
    let again = Server::start_in(data.path(), &[]);
    assert_eq!(again.token.as_deref(), Some(token.as_str()), "kept");
    drop(again);
    let rotated = Server::start_in(data.path(), &["--new-token"]);
    let new = rotated.token.clone().expect("a token");
    assert_ne!(new, token, "--new-token makes a new one");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), format!("{new}\n"));
}

#[test]
fn a_bad_token_file_is_explained_and_new_token_replaces_it() {
    let data = tempfile::tempdir().unwrap();
    let path = data.path().join("pairing-token");
    let run = |extra: &[&str]| {
        let mut child = std::process::Command::new(lifeline_tests::lifeline_bin())
            .args([
                "serve",
                "--http-listen",
                "127.0.0.1:0",
                "--tftp-listen",
                "127.0.0.1:0",
                "--provision-listen",
                "127.0.0.1:0",
            ])
            .arg("--data-dir")
            .arg(data.path())
            .args(extra)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("cannot run lifeline");
        // Bounded: a helper that accepted the file would serve until stopped.
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while child.try_wait().expect("cannot poll lifeline").is_none() {
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("lifeline started with a bad token file instead of refusing it");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child
            .wait_with_output()
            .expect("cannot read lifeline's output")
    };
    std::fs::write(&path, "hello, not a token\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let output = run(&[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("lifeline: error: the pairing token file "),
        "{stderr}"
    );
    assert!(stderr.contains("does not hold a pairing token"), "{stderr}");
    assert!(stderr.contains("--new-token"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(output.stdout.is_empty(), "no URL line on failure");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::write(&path, "ab".repeat(16)).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let output = run(&[]);
        assert_eq!(output.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("can be read by other users"), "{stderr}");
        assert!(stderr.contains("chmod 600"), "{stderr}");
    }
    let server = Server::start_in(data.path(), &["--new-token"]);
    let token = server.token.clone().expect("a token");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{token}\n")
    );
}
