//! Signing in and out. The session lives in the database; the browser holds
//! only an HttpOnly, Secure, SameSite=Strict cookie with a random token.

use crate::AppError;
use leptos::prelude::*;

/// Name of the session cookie.
pub const COOKIE: &str = "vtn_session";

/// Checks the password and opens a session; the browser is sent to the overview.
#[server(endpoint = "login")]
pub async fn login(username: String, password: String) -> Result<(), AppError> {
    use crate::db::{self, sessions, users};
    ssr::same_origin()?;
    let db = db::from_context()?;
    let name = username.trim().to_lowercase();
    let Some(user) = users::authenticate(&db, &username, &password).await? else {
        let delay = crate::throttle::failed(&name);
        tracing::info!(username = %username.trim(), delay_ms = delay.as_millis() as u64, "sign-in refused");
        let source = ssr::client_address();
        crate::db::audit::record(&db, &format!("user:{name}"), "signin.refused", "", &source).await;
        tokio::time::sleep(delay).await;
        return Err(AppError::Invalid("wrong username or password".into()).with_status());
    };
    crate::throttle::succeeded(&name);
    let source = ssr::client_address();
    crate::db::audit::record(
        &db,
        &format!("user:{}", user.username),
        "signin",
        "",
        &source,
    )
    .await;
    let token = sessions::create(&db, user.id).await?;
    ssr::set_cookie(&format!(
        "{COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={}",
        sessions::LIFETIME.num_seconds()
    ));
    tracing::info!(username = %user.username, "signed in");
    leptos_axum::redirect("/");
    Ok(())
}

/// The signed-in user.
#[server(endpoint = "me")]
pub async fn current_user() -> Result<crate::models::SessionUser, AppError> {
    ssr::require(crate::models::Role::Viewer).await
}

/// Ends the session and sends the browser to the login page.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::db::{self, sessions};
    let db = db::from_context()?;
    if let Some(token) = ssr::session_token() {
        sessions::delete(&db, &token).await?;
    }
    ssr::set_cookie(&format!(
        "{COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0"
    ));
    leptos_axum::redirect("/login");
    Ok(())
}

/// Server-side helpers for server functions that need the signed-in user.
#[cfg(feature = "ssr")]
pub mod ssr {
    use super::COOKIE;
    use crate::AppError;
    use crate::db::{self, sessions};
    use crate::models::{Role, SessionUser};
    use axum::http::{HeaderValue, header, request::Parts};
    use leptos::prelude::use_context;

    /// The client's address as the server saw it (empty if unknown).
    pub fn client_address() -> String {
        use axum::extract::ConnectInfo;
        use_context::<Parts>()
            .and_then(|parts| {
                parts
                    .extensions
                    .get::<ConnectInfo<std::net::SocketAddr>>()
                    .map(|ConnectInfo(addr)| addr.ip().to_string())
            })
            .unwrap_or_default()
    }

    /// The session token from the request's cookies, if any.
    pub fn session_token() -> Option<String> {
        session_token_in(&use_context::<Parts>()?.headers)
    }

    /// The session token in these request headers' cookies, if any (also
    /// for plain axum handlers such as downloads).
    pub fn session_token_in(headers: &axum::http::HeaderMap) -> Option<String> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == COOKIE)
            .map(|(_, value)| value.to_owned())
    }

    pub(super) fn set_cookie(cookie: &str) {
        if let (Some(response), Ok(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            HeaderValue::from_str(cookie),
        ) {
            response.append_header(header::SET_COOKIE, value);
        }
    }

    /// The signed-in user, refused unless their role is at least `min`
    /// (admin > operator > viewer).
    pub async fn require(min: Role) -> Result<SessionUser, AppError> {
        check(min).await.map_err(AppError::with_status)
    }

    /// Refuses requests another site made the browser send: the `Origin`
    /// (sent by browsers on every POST) must name this host. Together with
    /// the SameSite=Strict cookie this stops cross-site request forgery.
    pub fn same_origin() -> Result<(), AppError> {
        let Some(parts) = use_context::<Parts>() else {
            return Ok(());
        };
        let Some(origin) = parts.headers.get(header::ORIGIN) else {
            return Ok(());
        };
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| parts.uri.authority().map(|a| a.as_str()));
        let origin_host = origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://"))
            .map(|(_, rest)| rest);
        if host.is_some() && origin_host == host {
            Ok(())
        } else {
            tracing::warn!(origin = ?origin, host = ?host, "cross-site request refused");
            Err(AppError::Forbidden.with_status())
        }
    }

    async fn check(min: Role) -> Result<SessionUser, AppError> {
        same_origin()?;
        let token = session_token().ok_or(AppError::Unauthenticated)?;
        let db = db::from_context()?;
        let model = sessions::user(&db, &token)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let user = SessionUser::try_from(&model).map_err(|reason| {
            tracing::error!(username = %model.username, %reason, "stored role is invalid");
            AppError::Forbidden
        })?;
        if rank(user.role) < rank(min) {
            return Err(AppError::Forbidden);
        }
        Ok(user)
    }

    fn rank(role: Role) -> u8 {
        match role {
            Role::Viewer => 0,
            Role::Operator => 1,
            Role::Admin => 2,
        }
    }
}
