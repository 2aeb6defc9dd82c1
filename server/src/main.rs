//! `vtn`: serve (default), migrate, or manage users, API tokens, sites and certificates. See `vtn --help`.

use anyhow::Result;
use server::config::{Cli, Command};
use tracing_subscriber::EnvFilter;

/// mimalloc rather than the system allocator: a request allocates and frees
/// many small buffers (HTTP, TLS, XML), and glibc's malloc and free were about
/// a fifth of the VTN's CPU under load (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::load()?;
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_new(&cli.config.log).map_err(|e| anyhow::anyhow!("VTN_LOG: {e}"))?,
        )
        .init();

    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let server = server::start(cli.config).await?;
            print_banner(&server);
            shutdown_signal().await;
            tracing::info!("shutting down: draining in-flight requests");
            server.shutdown().await;
        }
        // Every other command works on the database, migrated first.
        command => {
            let db = server::db::connect(&cli.config.database_url).await?;
            server::db::migrate(&db).await?;
            match command {
                Command::Serve | Command::Migrate => println!("migrations applied"),
                Command::User(command) => server::users_cli::run(&db, command).await?,
                Command::Token(command) => server::tokens_cli::run(&db, command).await?,
                Command::Site(command) => server::data_cli::site(&db, command).await?,
                Command::Export(command) => server::data_cli::export(&db, command).await?,
                Command::Pki(command) => server::pki_cli::run(&db, &cli.config, command).await?,
            }
        }
    }
    Ok(())
}

fn print_banner(server: &server::Server) {
    let port = server.https_addr.port();
    println!("\nOpenADR 2.0b VTN is running.");
    println!("  Operator UI:  https://localhost:{port}/");
    println!("  VEN base URL: https://localhost:{port}/OpenADR2/Simple/2.0b");
    if let Some(addr) = server.http_addr {
        println!("  Gateway HTTP: http://{addr}/");
    }
    if let Some(password) = &server.generated_admin_password {
        println!("  Sign in as admin with password: {password}   (shown once; change it)");
    }
    if let Some(pki) = &server.dev_pki {
        println!("  Development PKI (not for production):");
        println!("    server CA to trust:   {}", pki.server_ca.display());
        println!("    demo VEN certificate: {}", pki.demo_ven_cert.display());
        println!("    demo VEN key:         {}", pki.demo_ven_key.display());
        if let Ok(fingerprint) = pki.demo_ven_fingerprint() {
            println!("    demo VEN fingerprint: {fingerprint}");
        }
    }
    println!();
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        () = terminate => {},
    }
}
