//! Operator accounts and API tokens, for admins: list, add a user, change a
//! role or password, create a token (shown once), revoke it.

use crate::AppError;
use crate::models::Role;
use crate::models::account::Accounts;
use leptos::prelude::*;

/// Every account and token.
#[server(endpoint = "accounts")]
pub async fn list_accounts() -> Result<Accounts, AppError> {
    use crate::db::{self, api_tokens, users};
    use crate::models::account::{Account, ApiToken};
    crate::auth::ssr::require(Role::Admin).await?;
    let db = db::from_context()?;
    let users = users::list(&db)
        .await?
        .into_iter()
        .filter_map(|u| {
            Some(Account {
                role: u.role.parse().ok()?,
                username: u.username,
                created_at: u.created_at,
            })
        })
        .collect();
    let tokens = api_tokens::list(&db)
        .await?
        .into_iter()
        .filter_map(|t| {
            Some(ApiToken {
                role: t.role.parse().ok()?,
                id: t.id,
                name: t.name,
                created_at: t.created_at,
                expires_at: t.expires_at,
                revoked_at: t.revoked_at,
            })
        })
        .collect();
    Ok(Accounts { users, tokens })
}

#[cfg(feature = "ssr")]
fn refused(error: crate::db::users::CreateUserError) -> AppError {
    use crate::db::users::CreateUserError;
    match error {
        CreateUserError::Invalid(message) => super::ssr::invalid(message),
        CreateUserError::Db(e) => e.into(),
    }
}

/// Adds an account.
#[server(endpoint = "add_user")]
pub async fn add_user(username: String, role: Role, password: String) -> Result<(), AppError> {
    use crate::db::{self, users};
    let admin = crate::auth::ssr::require(Role::Admin).await?;
    let db = db::from_context()?;
    let user = users::create(&db, &username, &password, role)
        .await
        .map_err(refused)?;
    let target = format!("user {} ({role})", user.username);
    super::ssr::audit(&db, &admin, "user.add", &target).await;
    Ok(())
}

/// Changes an account's role (its sessions end).
#[server(endpoint = "set_user_role")]
pub async fn set_user_role(username: String, role: Role) -> Result<(), AppError> {
    use crate::db::{self, users};
    let admin = crate::auth::ssr::require(Role::Admin).await?;
    let db = db::from_context()?;
    users::set_role(&db, &username, role)
        .await
        .map_err(refused)?;
    let target = format!("user {username} ({role})");
    super::ssr::audit(&db, &admin, "user.role", &target).await;
    Ok(())
}

/// Sets an account's password (its sessions end).
#[server(endpoint = "set_user_password")]
pub async fn set_user_password(username: String, password: String) -> Result<(), AppError> {
    use crate::db::{self, users};
    let admin = crate::auth::ssr::require(Role::Admin).await?;
    let db = db::from_context()?;
    users::set_password(&db, &username, &password)
        .await
        .map_err(refused)?;
    super::ssr::audit(&db, &admin, "user.passwd", &format!("user {username}")).await;
    Ok(())
}

/// Creates an API token; returns it (shown once).
#[server(endpoint = "create_token")]
pub async fn create_token(
    name: String,
    role: Role,
    expires_days: Option<u32>,
) -> Result<String, AppError> {
    use crate::db::{self, api_tokens};
    let admin = crate::auth::ssr::require(Role::Admin).await?;
    if name.trim().is_empty() {
        return Err(super::ssr::invalid("say what the token is for"));
    }
    if expires_days == Some(0) {
        return Err(super::ssr::invalid("a token lasts at least one day"));
    }
    let db = db::from_context()?;
    let expires_at =
        expires_days.map(|days| chrono::Utc::now() + chrono::TimeDelta::days(i64::from(days)));
    let (model, token) = api_tokens::create(&db, &name, role, expires_at).await?;
    let target = format!("token {} {} ({role})", model.id, model.name);
    super::ssr::audit(&db, &admin, "token.create", &target).await;
    Ok(token)
}

/// Revokes an API token: refused from its next request on.
#[server(endpoint = "revoke_token")]
pub async fn revoke_token(id: i32) -> Result<(), AppError> {
    use crate::db::{self, api_tokens};
    let admin = crate::auth::ssr::require(Role::Admin).await?;
    let db = db::from_context()?;
    if !api_tokens::revoke(&db, id).await? {
        return Err(super::ssr::invalid(format!("no live token {id}")));
    }
    super::ssr::audit(&db, &admin, "token.revoke", &format!("token {id}")).await;
    Ok(())
}
