//! Who calls the management API: a bearer token with a role.

use super::problem::Problem;
use app::db::api_tokens;
use app::models::Role;
use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::{header, request::Parts};
use sea_orm::DatabaseConnection;
use std::net::SocketAddr;

/// An authenticated API client.
#[derive(Debug, Clone)]
pub struct Client {
    /// The token's name.
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// The client's address.
    pub source: String,
}

fn rank(role: Role) -> u8 {
    match role {
        Role::Viewer => 0,
        Role::Operator => 1,
        Role::Admin => 2,
    }
}

impl Client {
    /// Records an action of this client in the audit log.
    pub async fn audit(&self, db: &DatabaseConnection, action: &str, target: &str) {
        let actor = format!("token:{}", self.name);
        app::db::audit::record(db, &actor, action, target, &self.source).await;
    }

    /// Refuses unless the token's role is at least `min`.
    pub fn require(&self, min: Role) -> Result<(), Problem> {
        if rank(self.role) >= rank(min) {
            Ok(())
        } else {
            Err(Problem::forbidden(format!(
                "this needs the {min} role; the token {:?} has {}",
                self.name, self.role
            )))
        }
    }
}

impl<S> FromRequestParts<S> for Client
where
    S: Send + Sync,
    DatabaseConnection: FromRef<S>,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| Problem::unauthorized("send Authorization: Bearer <token>"))?;
        let token = header.strip_prefix("Bearer ").ok_or_else(|| {
            Problem::unauthorized("the Authorization header must be Bearer <token>")
        })?;
        let db = DatabaseConnection::from_ref(state);
        let (model, role) = api_tokens::authenticate(&db, token.trim())
            .await?
            .ok_or_else(|| Problem::unauthorized("unknown, revoked or expired token"))?;
        let source = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string())
            .unwrap_or_default();
        Ok(Client {
            name: model.name,
            role,
            source,
        })
    }
}
