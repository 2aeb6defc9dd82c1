//! `vtn user add|passwd|list`: accounts from the command line, for first set-up and
//! scripts. Passwords never appear in arguments (they would show in `ps`).

use crate::config::UserCommand;
use anyhow::{Context, Result, bail};
use app::db::users::{self, CreateUserError};
use sea_orm::DatabaseConnection;

fn password() -> Result<String> {
    if let Ok(password) = std::env::var("VTN_USER_PASSWORD") {
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Runs one `vtn user` command.
pub async fn run(db: &DatabaseConnection, command: UserCommand) -> Result<()> {
    match command {
        UserCommand::Add { username, role } => {
            let password = password()?;
            match users::create(db, &username, &password, role).await {
                Ok(user) => {
                    println!("created {} ({role})", user.username);
                    let target = format!("user {} ({role})", user.username);
                    app::db::audit::record(db, "cli", "user.add", &target, "local").await;
                }
                Err(CreateUserError::Invalid(message)) => bail!("{message}"),
                Err(CreateUserError::Db(error)) => return Err(error.into()),
            }
        }
        UserCommand::Passwd { username } => {
            let password = password()?;
            match users::set_password(db, &username, &password).await {
                Ok(()) => {
                    println!("password of {username} changed; its sessions ended");
                    let target = format!("user {username}");
                    app::db::audit::record(db, "cli", "user.passwd", &target, "local").await;
                }
                Err(CreateUserError::Invalid(message)) => bail!("{message}"),
                Err(CreateUserError::Db(error)) => return Err(error.into()),
            }
        }
        UserCommand::List => {
            for user in users::list(db).await? {
                println!("{}\t{}", user.username, user.role);
            }
        }
    }
    Ok(())
}
