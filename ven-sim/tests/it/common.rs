//! The in-process VTN the simulations run against.

use clap::Parser;
use std::path::{Path, PathBuf};

/// The VTN on a free port with a fresh database and development PKI in
/// `dir`, with these extra flags.
pub async fn start_vtn(dir: &Path, flags: &[&str]) -> (server::Server, PathBuf) {
    let db_url = format!("sqlite://{}?mode=rwc", dir.join("vtn.db").display());
    let pki = dir.join("pki");
    let mut args = vec![
        "vtn",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        &db_url,
        "--dev-pki-dir",
        pki.to_str().unwrap(),
        "--admin-password",
        "simulation-password",
    ];
    args.extend_from_slice(flags);
    let cli = server::config::Cli::try_parse_from(args).unwrap();
    (server::start(cli.config).await.unwrap(), pki)
}

/// A program whose VENs are asked for telemetry.
pub async fn program(db: &sea_orm::DatabaseConnection) -> i32 {
    let program = app::db::programs::create(db, "Shed", "http://utility.example/shed", 3600)
        .await
        .unwrap();
    app::db::programs::set_report_defaults(db, program.id, (1, 1), (300, 300))
        .await
        .unwrap();
    program.id
}

pub fn never_stop() -> tokio::sync::watch::Receiver<bool> {
    tokio::sync::watch::channel(false).1
}
