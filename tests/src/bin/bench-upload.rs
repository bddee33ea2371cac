//! Benchmark: a 60 MB bundle uploaded over the websocket to a real
//! `lifeline serve` on loopback, end to end (chunks written, every SHA-256
//! verified, files fsynced, the bundle switched), and the helper's peak memory.
//!
//! `cargo run --release -p lifeline-tests --bin bench-upload [-- RUNS]`
//! (set LIFELINE_BIN to a release build to measure the release helper:
//! `cargo build --release -p lifeline-helper`; it is found automatically
//! otherwise and built in debug, which is slower).

use lifeline_shared::protocol::{CHUNK_SIZE, Chunk, ClientMessage, ServerMessage, VERSION};
use lifeline_shared::testkit::{manifest_of, noise};
use lifeline_tests::Server;
use std::time::Instant;
use tungstenite::Message;

fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let mut times = Vec::new();
    let mut rss = Vec::new();
    let mut idle_rss = Vec::new();
    for run in 0..runs {
        let data = std::env::temp_dir().join(format!(
            "lifeline-bench-upload-{}-{run}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&data);
        let server = Server::start_in(&data, &[]);
        idle_rss.push(peak_rss_kib(server.pid()));
        let files: Vec<(String, Vec<u8>)> = (0..6)
            .map(|i| {
                (
                    format!("image{i}.sbn"),
                    noise(run as u64 * 10 + i, 10 << 20),
                )
            })
            .collect();
        let m = manifest_of(&files);
        let url = format!(
            "ws://{}/ws?token={}",
            server.addr,
            server.token.as_deref().unwrap()
        );
        let (mut ws, _) = tungstenite::connect(url).expect("connect");
        let send = |ws: &mut tungstenite::WebSocket<_>, m: &ClientMessage| {
            ws.send(Message::text(serde_json::to_string(m).unwrap()))
                .unwrap()
        };
        send(
            &mut ws,
            &ClientMessage::Hello {
                version: VERSION,
                client: "bench".into(),
            },
        );
        let start = Instant::now();
        send(
            &mut ws,
            &ClientMessage::UploadBegin {
                manifest: m.clone(),
            },
        );
        let mut sent = 0usize;
        for (f, (_, d)) in files.iter().enumerate() {
            for (i, c) in d.chunks(CHUNK_SIZE as usize).enumerate() {
                ws.send(Message::binary(Chunk::encode(f as u32, i as u32, c)))
                    .unwrap();
                sent += 1;
            }
        }
        send(&mut ws, &ClientMessage::UploadCommit { id: m.id.clone() });
        let mut progress = 0usize;
        loop {
            let Message::Text(t) = ws.read().unwrap() else {
                continue;
            };
            match serde_json::from_str::<ServerMessage>(t.as_str()).unwrap() {
                ServerMessage::UploadProgress { .. } => progress += 1,
                ServerMessage::UploadSwitched { .. } => break,
                ServerMessage::Error { message, .. } => panic!("{message}"),
                _ => {}
            }
        }
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(progress, sent);
        times.push(secs);
        rss.push(peak_rss_kib(server.pid()));
        drop(server);
        let _ = std::fs::remove_dir_all(&data);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    rss.sort();
    let mb = 60.0 * 1024.0 * 1024.0 / 1e6;
    let med = times[times.len() / 2];
    println!(
        "60 MiB bundle (6 files), {runs} runs, loopback, end to end (write + SHA-256 + fsync + switch)"
    );
    println!(
        "  median {:.2} s = {:.0} MB/s   (min {:.2} s, max {:.2} s)",
        med,
        mb / med,
        times[0],
        times[times.len() - 1]
    );
    println!(
        "  helper peak RSS: median {} KiB (idle at start: {} KiB)",
        rss[rss.len() / 2],
        idle_rss[0]
    );
}
