//! `ven-sim`: simulate VENs against a VTN. See `ven-sim --help`.

use anyhow::{Context, Result};
use clap::Parser;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use ven_sim::client::Target;
use ven_sim::script::OptScript;
use ven_sim::ven::Policy;
use ven_sim::{Settings, provision};

/// Simulates OpenADR 2.0b VENs against a VTN: over mTLS with a certificate
/// each (the default), over TLS with a URL token each (`--token-url`,
/// `--fleet`), or over plain HTTP (`--plain`); polling, or answering what the
/// VTN pushes (`--push`).
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// The VTN's host:port.
    #[arg(long, default_value = "localhost:8443")]
    vtn: String,
    /// The VTN's development PKI (server CA, VEN CA to issue VEN certificates).
    #[arg(long, default_value = "data/pki")]
    pki: PathBuf,
    /// The VTN's database, to create the simulated VENs' sites.
    #[arg(long, default_value = "sqlite://data/vtn.db?mode=rwc")]
    database_url: String,
    /// Number of VENs [default: 100; with --fleet, every VEN listed].
    #[arg(long)]
    vens: Option<usize>,
    /// Name prefix of the simulated VENs (sites are created as <prefix>-<n>).
    #[arg(long, default_value = "sim")]
    prefix: String,
    /// Enrol the sites in this program (by ID).
    #[arg(long)]
    program: Option<i32>,
    /// How long to poll (or answer pushes) after registering (e.g. 30s, 5m).
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
    duration: Duration,
    /// Wait between polls; 0s polls in a closed loop (load test). With
    /// `--push`, the wait between wake-ups (1s when 0s).
    #[arg(long, default_value = "0s", value_parser = humantime::parse_duration)]
    poll_interval: Duration,
    /// Share of events each VEN opts out of (0–1), where `--opt-script` says
    /// nothing.
    #[arg(long, default_value_t = 0.1)]
    opt_out: f64,
    /// A file of `ven,event,optIn|optOut` lines (patterns: exact, `prefix*`
    /// or `*`; the first match decides) saying which VENs opt in or out of
    /// which events.
    #[arg(long, value_name = "FILE")]
    opt_script: Option<std::path::PathBuf>,
    /// Send telemetry every this many polls, or wake-ups with `--push` (0:
    /// never).
    #[arg(long, default_value_t = 5)]
    update_every: u64,
    /// At most this many registrations at once.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// A new TLS connection for every poll (measures full handshakes).
    #[arg(long)]
    no_keep_alive: bool,
    /// Plain HTTP without client certificates (for a gateway, or a VTN such as
    /// openleadr's that knows VENs by venID); without `--token-url` or
    /// `--fleet` nothing is provisioned.
    #[arg(long)]
    plain: bool,
    /// Create the sites with URL tokens instead of certificates: the VENs
    /// post to /<token>/OpenADR2/Simple/2.0b/… without a client certificate.
    #[arg(long)]
    token_url: bool,
    /// Simulate VENs that are already provisioned and registered, listed in
    /// this file one per line as `ven_name,ven_id,token` (URL-token VENs):
    /// nothing is created, and they poll without registering again.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["token_url", "program"])]
    fleet: Option<PathBuf>,
    /// Keep-alive connections shared by all VENs (0: one per VEN). Only
    /// VENs without certificates can share one (URL tokens, `--plain`).
    #[arg(long, default_value_t = 0, conflicts_with = "no_keep_alive")]
    connections: usize,
    /// One-minute intervals per telemetry report; more than 1 makes each VEN
    /// catch up on 30 days of metered history that many intervals at a time
    /// (a report-ingest load).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    report_intervals: u16,
    /// Push mode: one HTTPS listener (`--listen`) for all VENs, which register
    /// with httpPullModel=false and the transport address
    /// https://<listen>/ven/<n>/OpenADR2/Simple/2.0b, answer what the VTN
    /// pushes there, and do not poll. The listener's certificate is issued by
    /// the VEN CA in `--pki` (the CA the VTN trusts for push endpoints by
    /// default) and it accepts the VTN's client certificate from the server CA.
    #[arg(long, conflicts_with_all = ["plain", "fleet"])]
    push: bool,
    /// Where the push listener listens (port 0: any free port); the VTN
    /// connects to this address, so it must be one it can reach.
    #[arg(long, default_value = "127.0.0.1:0", requires = "push")]
    listen: SocketAddr,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let addr = args
        .vtn
        .to_socket_addrs()
        .context("resolving --vtn")?
        .next()
        .context("--vtn resolves to nothing")?;
    let host = args
        .vtn
        .rsplit_once(':')
        .map_or(args.vtn.as_str(), |(h, _)| h)
        .to_owned();
    let prefix = format!("{}-{}", args.prefix, chrono::Utc::now().format("%H%M%S"));
    let vens = args.vens.unwrap_or(100);
    let ca_pem = if args.plain {
        None
    } else {
        let path = args.pki.join("server-ca.pem");
        let pem = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        Some(Arc::new(pem))
    };
    let script = match &args.opt_script {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the opt script {}", path.display()))?;
            OptScript::parse(&text).with_context(|| format!("opt script {}", path.display()))?
        }
        None => OptScript::default(),
    };
    let identities = if let Some(fleet) = &args.fleet {
        let text = std::fs::read_to_string(fleet)
            .with_context(|| format!("reading --fleet {}", fleet.display()))?;
        let identities = provision::read_fleet(&text)
            .with_context(|| format!("reading --fleet {}", fleet.display()))?;
        eprintln!(
            "{} registered VENs from {}",
            identities.len(),
            fleet.display()
        );
        identities
            .into_iter()
            .take(args.vens.unwrap_or(usize::MAX))
            .collect()
    } else if args.plain && !args.token_url {
        (0..vens)
            .map(|n| provision::Identity {
                ven_name: format!("{prefix}-{n}"),
                credential: provision::Credential::None,
                ven_id: None,
            })
            .collect()
    } else {
        let db = server::db::connect(&args.database_url).await?;
        eprintln!("provisioning {vens} VENs…");
        if args.token_url {
            provision::provision_tokens(&db, &prefix, vens, args.program).await?
        } else {
            provision::provision(&db, &args.pki, &prefix, vens, args.program).await?
        }
    };
    let settings = Settings {
        target: Target { addr, host, ca_pem },
        duration: args.duration,
        poll_interval: args.poll_interval,
        policy: Policy {
            opt_out_fraction: args.opt_out,
            script: std::sync::Arc::new(script),
            update_every: args.update_every,
            baseline_w: 10_000.0,
            report_intervals: usize::from(args.report_intervals),
        },
        concurrency: args.concurrency,
        connections: args.connections,
        no_keep_alive: args.no_keep_alive,
        progress: true,
        push: if args.push {
            Some(ven_sim::push::Endpoint::from_pki(&args.pki, args.listen)?)
        } else {
            None
        },
    };
    let (stopping, stop) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("stopping…");
            let _ = stopping.send(true);
        }
    });
    if args.push {
        eprintln!("registering, and answering pushes for {:?}…", args.duration);
    } else {
        eprintln!("registering and polling for {:?}…", args.duration);
    }
    let summary = ven_sim::run(settings, identities, stop).await?;
    print(&summary);
    Ok(())
}

fn print(summary: &ven_sim::Summary) {
    println!(
        "{} VENs registered in {:.2} s ({:.0}/s); polled for {:.2} s; {} TLS handshakes; {} requests resent after the VTN closed an idle connection",
        summary.registered,
        summary.registration.as_secs_f64(),
        summary.registered as f64 / summary.registration.as_secs_f64().max(1e-9),
        summary.polling.as_secs_f64(),
        summary.connections.handshakes,
        summary.connections.resent
    );
    if summary.stats.readings > 0 {
        println!(
            "{} readings acknowledged ({:.0}/s)",
            summary.stats.readings,
            summary.stats.readings as f64 / summary.polling.as_secs_f64().max(1e-9)
        );
    }
    println!(
        "{:<28} {:>9} {:>10} {:>8} {:>8} {:>8} {:>8}  errors",
        "message", "count", "per s", "p50 µs", "p95 µs", "p99 µs", "max µs"
    );
    let lines = summary.stats.lines(summary.polling);
    for line in &lines {
        println!(
            "{:<28} {:>9} {:>10.0} {:>8} {:>8} {:>8} {:>8}  {:?}",
            line.message,
            line.count,
            line.per_second,
            line.p50,
            line.p95,
            line.p99,
            line.max,
            line.errors
        );
    }
    if !summary.stats.pushed.is_empty() || !summary.stats.push_errors.is_empty() {
        println!(
            "pushed: {:?}  unanswered: {:?}",
            summary.stats.pushed, summary.stats.push_errors
        );
    }
    let json: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| {
            serde_json::json!({"message": l.message, "count": l.count, "per_second": l.per_second,
                "p50_us": l.p50, "p95_us": l.p95, "p99_us": l.p99, "max_us": l.max, "errors": l.errors})
        })
        .collect();
    println!(
        "{}",
        serde_json::json!({
            "registered": summary.registered,
            "registration_seconds": summary.registration.as_secs_f64(),
            "polling_seconds": summary.polling.as_secs_f64(),
            "handshakes": summary.connections.handshakes,
            "resent": summary.connections.resent,
            "errors": summary.stats.errors(),
            "readings": summary.stats.readings,
            "messages": json,
            "pushed": summary.stats.pushed,
            "push_errors": summary.stats.push_errors,
        })
    );
}
