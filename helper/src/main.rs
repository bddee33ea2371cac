//! `lifeline`: flags, logging and the async runtime. The work is in the library.
//!
//! Adding a subcommand: add a variant to [`Command`] holding its `clap::Args`
//! struct, and a match arm in [`run`] that returns `anyhow::Result<ExitCode>`.

use std::io::IsTerminal as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use lifeline_helper::bundles::Store;
use lifeline_helper::dhcp;
use lifeline_helper::files::FileSource;
use lifeline_helper::provision;
use lifeline_helper::serve;
use lifeline_helper::terminal;
use lifeline_helper::tftp;
use lifeline_helper::token;
use tokio_util::sync::CancellationToken;
use tracing_subscriber::EnvFilter;

/// Lifeline: recover Cisco IP phones.
#[derive(Debug, Parser)]
#[command(name = "lifeline", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// The docs below are the commands' --help, read as written: `SEP<MAC>` is a
// name there, not an HTML tag.
#[allow(rustdoc::invalid_html_tags)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the Lifeline web app to a browser on this machine and TFTP to the
    /// phones: the bundle last sent from the app, or --root/--firmware. Exit 0
    /// after Ctrl-C or SIGTERM, 1 when it cannot start, 2 for bad flags.
    Serve(Box<ServeArgs>),
    /// Inspect a firmware zip, folder or file: what it is, which phones it serves, what is wrong.
    Inspect(lifeline_helper::inspect_cmd::InspectArgs),
    /// Compute DHCP option 150 for TFTP addresses, in every DHCP server's syntax; or decode a value.
    /// Exit 0 done, 2 an address or value that cannot be used.
    #[command(name = "option150")]
    Option150(lifeline_helper::prep_cmd::Option150Args),
    /// Generate XMLDefault.cnf.xml and SEP<MAC>.cnf.xml (7940/7960: also OS79XX.TXT and the SIP .cnf files) for a firmware, or check existing ones.
    Config(lifeline_helper::prep_cmd::ConfigArgs),
    /// Prepare a TFTP root (firmware, configs, aliases, manifest) as a folder or a zip.
    Bundle(lifeline_helper::prep_cmd::BundleArgs),
    /// Act as a Cisco phone on the wire (DHCP, then TFTP as in recovery or boot)
    /// and say whether a real one would recover. Exit 0 would recover, 1 would
    /// be stuck, 2 could not run.
    Simulate(lifeline_helper::simulate::SimulateArgs),
    /// Listen for the phones' CDP and LLDP announcements and list them: model,
    /// running load, switch port, VLANs, power. Needs CAP_NET_RAW (Linux).
    /// Exit 0 listened, 1 cannot listen.
    Neighbours(lifeline_helper::neighbours::cmd::NeighboursArgs),
    /// Write man pages (man/) and shell completions (completions/) for
    /// packaging. Exit 0 written, 1 could not write.
    #[command(hide = true)]
    Manual(ManualArgs),
}

#[derive(Debug, Args)]
struct ManualArgs {
    /// The folder to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

// The docs below are the commands' --help, read as written: `SEP<MAC>` is a
// name there, not an HTML tag.
#[allow(rustdoc::invalid_html_tags)]
#[derive(Debug, Args)]
struct ServeArgs {
    /// Address and port to listen on. Port 0 picks a free port; the URL printed
    /// at start tells which. Anything but a loopback address exposes the app to
    /// the network.
    /// A host name is resolved (`localhost:0`).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:7961",
          value_parser = listen_address)]
    http_listen: SocketAddr,
    /// Serve this folder over TFTP (a bundle folder's aliases are used).
    #[arg(long, value_name = "DIR", conflicts_with = "firmware")]
    root: Option<PathBuf>,
    /// Serve an ad-hoc bundle of this firmware zip over TFTP (made in memory).
    /// Repeat it with every package of an upgrade (--firmware A --firmware B): each
    /// phone is walked through the plan (`lifeline inspect A B` prints it).
    #[arg(long, value_name = "ZIP")]
    firmware: Vec<PathBuf>,
    /// With several --firmware: the load to end on (default the newest).
    #[arg(long, value_name = "LOAD", requires = "firmware")]
    target: Option<String>,
    /// With several --firmware, or one: the load the phones run now (8.0(4),
    /// SCCP41.8-0-4S), checked against the plan, or `unknown` (the default): a
    /// phone is offered no load until its start is known, from CDP/LLDP or its
    /// card in the web app. With `unknown` and no hop in the bundle, every phone
    /// is offered the target as it asks, as without a plan.
    #[arg(long, value_name = "LOAD", requires = "firmware")]
    start: Option<String>,
    /// With --firmware: the address phones reach this computer at, written into
    /// XMLDefault.cnf.xml (default: the --tftp-listen address, if specific).
    #[arg(long, value_name = "IP", requires = "firmware")]
    tftp_server: Option<Ipv4Addr>,
    /// With --firmware: where it lacks the termNN.default.loads a wiped phone
    /// asks for first, serve copies of the load manifest under those names
    /// (unverified; a warning says so).
    #[arg(long, requires = "firmware")]
    make_recovery_manifests: bool,
    /// Where TFTP listens; it always runs. Port 69 needs privileges (root, or
    /// `setcap cap_net_bind_service=+ep` on the binary); without them the web
    /// app runs on and says how to fix it.
    #[arg(long, value_name = "ADDR:PORT", default_value = "0.0.0.0:69",
          value_parser = listen_address)]
    tftp_listen: SocketAddr,
    /// Where HTTP provisioning listens, or `off`: the same files as TFTP, over
    /// HTTP, for the phones that ask http://<TFTP server>:6970/<file> first
    /// (78xx, 88xx). Off, or not bound, those phones fall back to TFTP.
    #[arg(long, value_name = "ADDR:PORT|off", default_value = "0.0.0.0:6970",
          value_parser = provision_listen)]
    provision_listen: provision::setup::Listen,
    /// The most TFTP transfers at once; more clients are told the server is busy.
    #[arg(long, value_name = "N", default_value_t = tftp::server::DEFAULT_MAX_TRANSFERS,
          value_parser = clap::builder::ValueParser::new(clap::builder::TypedValueParser::map(
              clap::value_parser!(u32).range(1..=100_000), |n| n as usize)))]
    tftp_max_transfers: usize,
    /// The most TFTP transfers from one IP address still waiting for their
    /// first acknowledgement, so one host cannot fill every slot with requests
    /// it abandons; its requests past it are told so.
    #[arg(long, value_name = "N", default_value_t = tftp::server::DEFAULT_MAX_PER_CLIENT,
          value_parser = clap::builder::ValueParser::new(clap::builder::TypedValueParser::map(
              clap::value_parser!(u32).range(1..=100_000), |n| n as usize)))]
    tftp_max_per_client: usize,
    /// Seconds a TFTP transfer whose client never acknowledged its first
    /// block keeps its slot (1-60), and an eighth more for an ACK on its way;
    /// counted again from each repeat of its request. Phones answer within
    /// milliseconds.
    #[arg(long, value_name = "SECS", default_value_t = 4,
          value_parser = clap::value_parser!(u64).range(1..=60))]
    tftp_claim_timeout: u64,
    /// The largest TFTP block size granted (8-65464).
    #[arg(long, value_name = "BYTES", default_value_t = lifeline_proto::tftp::session::negotiate::MAX_BLKSIZE,
          value_parser = clap::value_parser!(u16).range(8..=65464))]
    tftp_max_blksize: u16,
    /// The largest TFTP window size granted (RFC 7440).
    #[arg(long, value_name = "BLOCKS", default_value_t = 64,
          value_parser = clap::value_parser!(u16).range(1..))]
    tftp_max_windowsize: u16,
    /// The network interface the phones are on. The DHCP server binds to it and
    /// takes its address as the server's and the TFTP server's.
    #[arg(long, value_name = "NAME")]
    interface: Option<String>,
    /// Where Lifeline keeps its state (the DHCP leases).
    /// Default: $XDG_DATA_HOME/lifeline, else ~/.local/share/lifeline;
    /// %LOCALAPPDATA%\lifeline on Windows; ~/Library/Application Support/lifeline
    /// on macOS.
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(flatten)]
    dhcp: lifeline_helper::dhcp::setup::DhcpArgs,
    /// Listen for the phones' CDP and LLDP-MED announcements (their model and
    /// running load show on their cards before they ask for anything), on
    /// --interface or every interface. Needs CAP_NET_RAW on Linux; without it
    /// one line says so and the rest runs. Not available on other systems.
    #[arg(long, value_name = "on|off", default_value = "on", value_parser = ["on", "off"])]
    neighbours: String,
    /// Also write the browser pairing token to this file (for scripts).
    #[arg(long, value_name = "PATH")]
    token_file: Option<PathBuf>,
    /// Make a new pairing token instead of the one kept in the data directory
    /// (`pairing-token`, readable by you only). Pages opened before must then
    /// be opened again from the address printed at start.
    #[arg(long)]
    new_token: bool,
}

/// `ADDR:PORT` or `HOST:PORT`, resolved; an IPv4 address is preferred when a
/// name has both, as phones and most browsers' `localhost` use it.
fn listen_address(text: &str) -> Result<SocketAddr, String> {
    use std::net::ToSocketAddrs as _;
    if let Ok(addr) = text.parse() {
        return Ok(addr);
    }
    let Some((host, port)) = text.rsplit_once(':') else {
        return Err(format!(
            "`{text}` has no port: write ADDR:PORT, e.g. {text}:7961, or {text}:0 for a free port"
        ));
    };
    if port.parse::<u16>().is_err() {
        return Err(format!(
            "`{port}` is not a port (0-65535): write ADDR:PORT, e.g. {host}:7961 or {host}:0"
        ));
    }
    let addrs: Vec<SocketAddr> = (host, 0)
        .to_socket_addrs()
        .map_err(|e| {
            format!(
                "cannot resolve the host name `{host}` ({e}): give an address such as 127.0.0.1:{port}"
            )
        })?
        .collect();
    let port: u16 = port.parse().unwrap_or(0);
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .map(|a| SocketAddr::new(a.ip(), port))
        .ok_or_else(|| {
            format!(
                "the host name `{host}` has no address: give an address such as 127.0.0.1:{port}"
            )
        })
}

fn provision_listen(text: &str) -> Result<provision::setup::Listen, String> {
    if text.eq_ignore_ascii_case("off") {
        return Ok(provision::setup::Listen::Off);
    }
    listen_address(text)
        .map(provision::setup::Listen::At)
        .map_err(|e| format!("{e}; or `off` to serve no HTTP"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let code = match run(cli) {
        Ok(code) => code,
        Err(error) => {
            terminal::err_line(&format!("lifeline: error: {error:#}"));
            ExitCode::FAILURE
        }
    };
    // Bounded: a terminal that stopped reading must not keep the process alive.
    terminal::flush(FLUSH_AT_EXIT);
    code
}

/// How long the last lines may take to reach the terminal at exit.
const FLUSH_AT_EXIT: Duration = Duration::from_secs(1);

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => serve(*args),
        Command::Inspect(args) => Ok(lifeline_helper::inspect_cmd::run(&args)),
        Command::Option150(args) => Ok(lifeline_helper::prep_cmd::option150(&args)),
        Command::Config(args) => Ok(lifeline_helper::prep_cmd::config(&args)),
        Command::Bundle(args) => Ok(lifeline_helper::prep_cmd::bundle(&args)),
        Command::Neighbours(args) => Ok(lifeline_helper::neighbours::cmd::run(&args)),
        Command::Simulate(args) => Ok(lifeline_helper::simulate::run(&args)),
        Command::Manual(args) => {
            use clap::CommandFactory as _;
            let written = lifeline_helper::manual::write(Cli::command(), &args.out)
                .with_context(|| format!("cannot write into {}", args.out.display()))?;
            for path in written {
                terminal::out_line(&path.display().to_string());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Logs go to stderr (stdout carries the one line tests parse) through
/// [`terminal`], so a closed stderr never panics a task that logs. `RUST_LOG`
/// overrides the default level, `info`. Colour only on a terminal, and not
/// with `NO_COLOR` set.
fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(terminal::LogWriter)
        // A failed write has nobody to be reported to; by default it would be
        // reported with eprintln!, which panics on a closed stderr.
        .log_internal_errors(false)
        .with_ansi(colour)
        .init();
}

/// The runtime `serve` runs on.
fn serve_runtime(tftp_max_transfers: usize) -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // TFTP transfers each hold a blocking thread while they run; evicted
        // claims (at most as many again) hold theirs for a moment more.
        .max_blocking_threads(tftp_max_transfers * 2 + 16)
        // A blocking thread ends as soon as it has nothing to do, so a
        // transfer's thread lives as long as the transfer. Kept alive (10 s
        // by default), the hundreds of threads of a busy room were never
        // idle that long, and each kept glibc's per-thread cache of freed
        // chunks, which went on filling (RSS +22% in a 30-minute soak, the
        // heap flat); a thread that ends hands its cache back. Starting a
        // thread costs tens of microseconds, a transfer milliseconds at least.
        .thread_keep_alive(Duration::ZERO)
        .build()
}

fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let runtime =
        serve_runtime(args.tftp_max_transfers).context("cannot start the async runtime")?;
    // From here on no line waits on the terminal: a reader that went away or
    // stopped reading never holds up the servers or the shutdown.
    terminal::start();
    let served = runtime.block_on(serve_async(args));
    // Transfers on blocking threads get the grace period too, not forever.
    runtime.shutdown_timeout(serve::SHUTDOWN_GRACE);
    served?;
    Ok(ExitCode::SUCCESS)
}

/// The file source `serve` was asked for, if any, and a line describing it.
fn tftp_files(args: &ServeArgs) -> anyhow::Result<Option<(Arc<dyn FileSource>, String)>> {
    if let Some(root) = &args.root {
        if !root.is_dir() {
            let what = if root.exists() {
                "is not a folder"
            } else {
                "does not exist"
            };
            anyhow::bail!(
                "--root {}: {what}; give the folder that holds the firmware files \
                 (one written by `lifeline bundle --out DIR`), or serve a zip with --firmware ZIP",
                root.display()
            );
        }
        let source = tftp::setup::root_source(root)?;
        return Ok(Some((source, format!("folder {}", root.display()))));
    }
    for zip in &args.firmware {
        if !zip.is_file() {
            let what = if zip.exists() {
                "is not a file"
            } else {
                "does not exist"
            };
            anyhow::bail!(
                "--firmware {}: {what}; give the firmware zip (cmterm-….zip) or Call Manager package, \
                 or serve a folder of extracted files with --root DIR",
                zip.display()
            );
        }
    }
    if !args.firmware.is_empty() {
        let address = tftp::setup::bundle_address(args.tftp_server, args.tftp_listen)?;
        let options = lifeline_shared::bundle::Options {
            recovery_from_load: args.make_recovery_manifests,
        };
        let plan = tftp::setup::PlanArgs {
            target: args.target.as_deref(),
            start: args.start.as_deref(),
        };
        let (source, summary) =
            tftp::setup::firmware_source(&args.firmware, address, options, plan)?;
        let names: Vec<String> = args
            .firmware
            .iter()
            .map(|z| z.display().to_string())
            .collect();
        return Ok(Some((
            source,
            format!(
                "an ad-hoc bundle of {} ({summary}, TFTP server {address})",
                names.join(" + ")
            ),
        )));
    }
    Ok(None)
}

async fn serve_async(args: ServeArgs) -> anyhow::Result<()> {
    let files = tftp_files(&args)?;
    let data_dir = args
        .data_dir
        .clone()
        .unwrap_or_else(dhcp::setup::default_data_dir);
    let dhcp = dhcp::setup::prepare(
        &args.dhcp,
        dhcp::setup::Placement {
            interface: args.interface.as_deref(),
            data_dir: &data_dir,
            tftp_default: args.tftp_server,
        },
    )?;
    let requested = args.http_listen;
    let listener = tokio::net::TcpListener::bind(requested)
        .await
        .map_err(|error| bind_error(requested, error))?;
    let addr = listener
        .local_addr()
        .context("cannot read the listening address")?;

    if !addr.ip().is_loopback() {
        terminal::err_line(&format!(
            "lifeline: warning: listening on {addr}, which is not a loopback address: \
             other machines on the network can reach the app. \
             Use --http-listen 127.0.0.1:PORT to keep it on this machine."
        ));
    }

    let store = Arc::new(Store::open(&data_dir).map_err(|error| {
        unwritable(
            "--data-dir",
            &data_dir,
            &error,
            "a folder Lifeline may create and write",
        )
    })?);
    let (token, origin) = token::load_or_create(&data_dir, args.new_token)?;
    let kept_note = match origin {
        token::Origin::Kept => format!(
            "lifeline: pairing token kept from the last start ({}): pages opened before \
             reconnect by themselves. --new-token makes a new one.",
            data_dir.join(token::FILE_NAME).display()
        ),
        token::Origin::New => format!(
            "lifeline: new pairing token, kept in {} for the next start.",
            data_dir.join(token::FILE_NAME).display()
        ),
        token::Origin::Rotated => "lifeline: new pairing token (--new-token): pages opened \
             before must be opened again from the address below."
            .to_owned(),
    };
    if let Some(path) = &args.token_file {
        lifeline_helper::atomic::write_file(path, format!("{token}\n").as_bytes()).map_err(
            |error| unwritable("--token-file", path, &error, "a file path you can write"),
        )?;
    }

    // Signals are caught from before the start line on, so a script that stops
    // the helper as soon as it has printed it gets a clean shutdown.
    let stop = CancellationToken::new();
    tokio::spawn({
        let stop = stop.clone();
        let signal = shutdown_signal();
        async move {
            signal.await;
            // Cancel first: nothing said about it may stand in its way.
            stop.cancel();
            tracing::info!("shutting down");
        }
    });

    terminal::err_line(&kept_note);
    // The first line on stdout; tests and scripts parse it. The token in the
    // fragment never reaches the network; the page keeps it and strips it.
    // Nobody reading it is no reason to stop serving (see --token-file).
    terminal::out_line(&format!(
        "Lifeline is serving the UI at http://{addr}/#token={token}"
    ));

    let tftp = tokio::net::UdpSocket::bind(args.tftp_listen)
        .await
        .map_err(|error| tftp::setup::bind_error(args.tftp_listen, &error));
    let mut tftp_config = tftp::server::Config {
        max_transfers: args.tftp_max_transfers,
        max_per_client: args.tftp_max_per_client,
        ..tftp::server::Config::default()
    };
    tftp_config.session.claim_timeout = Duration::from_secs(args.tftp_claim_timeout);
    tftp_config.session.max_blksize = args.tftp_max_blksize;
    tftp_config.session.max_windowsize = args.tftp_max_windowsize;
    let config = serve::Config {
        token,
        store,
        fixed_files: files,
        tftp: tftp_config,
        dhcp,
        neighbours: (args.neighbours == "on").then(|| args.interface.clone()),
        terminal: true,
        grace: serve::SHUTDOWN_GRACE,
    };
    let provision = match args.provision_listen {
        provision::setup::Listen::Off => None,
        provision::setup::Listen::At(at) => Some(
            tokio::net::TcpListener::bind(at)
                .await
                .map_err(|error| provision::setup::bind_error(at, &error)),
        ),
    };
    let sockets = serve::Sockets {
        http: listener,
        tftp,
        provision,
    };
    serve::run(config, sockets, stop).await
}

/// Why the path given as `flag` cannot be written, in words, and what to give.
fn unwritable(flag: &str, path: &Path, error: &std::io::Error, wants: &str) -> anyhow::Error {
    use std::io::ErrorKind;
    let why = match error.kind() {
        ErrorKind::NotFound => {
            "a folder above it does not exist and cannot be created there".to_owned()
        }
        ErrorKind::NotADirectory | ErrorKind::AlreadyExists => {
            "it, or a folder on its way, is a file".to_owned()
        }
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
            "permission denied".to_owned()
        }
        _ => error.to_string(),
    };
    anyhow::anyhow!("{flag} {}: {why}; give {wants}", path.display())
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

/// Completes on Ctrl-C, or on SIGTERM where there is such a thing (Unix and
/// Windows; nothing else is built).
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    // Handlers are registered now, not when the future is first polled.
    #[cfg(unix)]
    let registered = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        )
    };
    #[cfg(windows)]
    let registered = tokio::signal::windows::ctrl_c();
    async move {
        #[cfg(unix)]
        {
            let wait = |s: std::io::Result<tokio::signal::unix::Signal>, name: &'static str| async move {
                match s {
                    Ok(mut s) => {
                        s.recv().await;
                    }
                    Err(error) => {
                        tracing::error!("cannot listen for {name}: {error}");
                        std::future::pending::<()>().await;
                    }
                }
            };
            let (term, int) = registered;
            tokio::select! {
                () = wait(term, "SIGTERM") => {},
                () = wait(int, "Ctrl-C") => {},
            }
        }
        #[cfg(windows)]
        match registered {
            Ok(mut ctrl_c) => {
                ctrl_c.recv().await;
            }
            Err(error) => {
                tracing::error!("cannot listen for Ctrl-C: {error}");
                std::future::pending::<()>().await;
            }
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::path::{Path, PathBuf};
    use std::time::{Duration, Instant};

    /// A transfer's blocking thread ends with its transfer (see
    /// `serve_runtime`): its `/proc` entry goes, where a kept-alive one
    /// would stay for the next task.
    #[test]
    fn a_blocking_thread_ends_with_its_task() {
        let runtime = super::serve_runtime(4).unwrap();
        let thread = runtime
            .block_on(runtime.spawn_blocking(|| {
                // `<pid>/task/<tid>`
                Path::new("/proc").join(std::fs::read_link("/proc/thread-self").unwrap())
            }))
            .unwrap();
        let tasks = PathBuf::from(format!("/proc/{}/task", std::process::id()));
        assert_eq!(thread.parent(), Some(tasks.as_path()));
        assert!(tasks.is_dir());
        // A guard against hanging, shorter than tokio's default keep-alive.
        let guard = Instant::now() + Duration::from_secs(5);
        while thread.exists() {
            assert!(
                Instant::now() < guard,
                "the blocking thread {thread:?} is still alive after its task"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
