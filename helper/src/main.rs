//! `lifeline`: flags, logging and the async runtime. The work is in the library.
//!
//! Adding a subcommand: add a variant to [`Command`] holding its `clap::Args`
//! struct, and a match arm in [`run`] that returns `anyhow::Result<ExitCode>`.

use std::io::{IsTerminal as _, Write as _};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use lifeline_helper::web;
use tokio_util::sync::CancellationToken;
use tracing_subscriber::EnvFilter;

/// How long open connections may keep the server alive after Ctrl-C / SIGTERM.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Lifeline: recover Cisco IP phones.
#[derive(Debug, Parser)]
#[command(name = "lifeline", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the Lifeline web app to a browser on this machine.
    Serve(ServeArgs),
    /// Inspect a firmware zip, folder or file: what it is, which phones it serves, what is wrong.
    Inspect(lifeline_helper::inspect_cmd::InspectArgs),
    /// Compute DHCP option 150 for TFTP addresses, in every DHCP server's syntax; or decode a value.
    #[command(name = "option150")]
    Option150(lifeline_helper::prep_cmd::Option150Args),
    /// Generate XMLDefault.cnf.xml and SEP<MAC>.cnf.xml for a firmware, or check existing ones.
    Config(lifeline_helper::prep_cmd::ConfigArgs),
    /// Prepare a TFTP root (firmware, configs, aliases, manifest) as a folder or a zip.
    Bundle(lifeline_helper::prep_cmd::BundleArgs),
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address and port to listen on. Port 0 picks a free port; the URL printed
    /// at start tells which. Anything but a loopback address exposes the app to
    /// the network.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:7961")]
    http_listen: SocketAddr,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("lifeline: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => serve(args),
        Command::Inspect(args) => Ok(lifeline_helper::inspect_cmd::run(&args)),
        Command::Option150(args) => Ok(lifeline_helper::prep_cmd::option150(&args)),
        Command::Config(args) => Ok(lifeline_helper::prep_cmd::config(&args)),
        Command::Bundle(args) => Ok(lifeline_helper::prep_cmd::bundle(&args)),
    }
}

/// Logs go to stderr (stdout carries the one line tests parse). `RUST_LOG`
/// overrides the default level, `info`. Colour only on a terminal, and not
/// with `NO_COLOR` set.
fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour)
        .init();
}

fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve_async(args))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve_async(args: ServeArgs) -> anyhow::Result<()> {
    let requested = args.http_listen;
    let listener = tokio::net::TcpListener::bind(requested)
        .await
        .map_err(|error| bind_error(requested, error))?;
    let addr = listener
        .local_addr()
        .context("cannot read the listening address")?;

    if !addr.ip().is_loopback() {
        eprintln!(
            "lifeline: warning: listening on {addr}, which is not a loopback address: \
             other machines on the network can reach the app. \
             Use --http-listen 127.0.0.1:PORT to keep it on this machine."
        );
    }

    // Exactly one line on stdout; tests and scripts parse it.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "Lifeline is serving the UI at http://{addr}/")
        .and_then(|()| stdout.flush())
        .context("cannot write to stdout")?;
    drop(stdout);

    let stop = CancellationToken::new();
    tokio::spawn({
        let stop = stop.clone();
        async move {
            shutdown_signal().await;
            tracing::info!("shutting down");
            stop.cancel();
        }
    });

    let server = web::serve(listener, stop.clone().cancelled_owned());
    tokio::select! {
        result = server => result,
        () = async {
            stop.cancelled().await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => {
            tracing::warn!("connections still open {SHUTDOWN_GRACE:?} after the shutdown request; exiting anyway");
            Ok(())
        }
    }
}

fn bind_error(addr: SocketAddr, error: std::io::Error) -> anyhow::Error {
    use std::io::ErrorKind;
    let hint = match error.kind() {
        ErrorKind::AddrInUse => format!(
            "the address is already in use (is another lifeline, or another server, running on port {}?). \
             Choose another port with --http-listen 127.0.0.1:PORT, or let the system pick a free one \
             with --http-listen 127.0.0.1:0",
            addr.port()
        ),
        ErrorKind::PermissionDenied => "permission denied (ports below 1024 need privileges; \
             choose a higher port with --http-listen 127.0.0.1:PORT)"
            .to_owned(),
        ErrorKind::AddrNotAvailable => "this machine has no such address \
             (use 127.0.0.1 to serve this machine only)"
            .to_owned(),
        _ => error.to_string(),
    };
    anyhow::anyhow!("cannot listen on {addr}: {hint}")
}

/// Completes on Ctrl-C, or on SIGTERM where there is such a thing.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {error}");
            std::future::pending::<()>().await;
        }
    };

    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(error) => {
                tracing::error!("cannot listen for SIGTERM: {error}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
