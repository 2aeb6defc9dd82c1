//! Server-side sessions: a random token in the cookie, its SHA-256 in the table.

use super::entity::{session, user};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
};
use sha2::{Digest, Sha256};

/// How long a sign-in lasts.
pub const LIFETIME: Duration = Duration::hours(12);

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Opens a session for the user and returns the token for the cookie.
pub async fn create(db: &DatabaseConnection, user_id: i32) -> Result<String, DbErr> {
    let token: String = (0..32)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect();
    let now = Utc::now();
    session::ActiveModel {
        token_hash: Set(hash(&token)),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(now + LIFETIME),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The user of a live session, if the token is one.
pub async fn user(db: &DatabaseConnection, token: &str) -> Result<Option<user::Model>, DbErr> {
    let found = session::Entity::find_by_id(hash(token))
        .filter(session::Column::ExpiresAt.gt(Utc::now()))
        .find_also_related(user::Entity)
        .one(db)
        .await?;
    Ok(found.and_then(|(_, user)| user))
}

/// Ends a session (sign-out). Unknown tokens are ignored.
pub async fn delete(db: &DatabaseConnection, token: &str) -> Result<(), DbErr> {
    session::Entity::delete_by_id(hash(token)).exec(db).await?;
    Ok(())
}

/// Ends every session of a user (after a password or role change).
pub async fn end_all_of(db: &impl sea_orm::ConnectionTrait, user_id: i32) -> Result<(), DbErr> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Removes expired sessions; returns how many.
pub async fn purge_expired(db: &DatabaseConnection) -> Result<u64, DbErr> {
    let result = session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(Utc::now()))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{testing::database, users};
    use crate::models::Role;

    #[tokio::test]
    async fn token_opens_the_session_until_deleted() {
        let db = database().await;
        let admin = users::create(&db, "alice", "a long password!", Role::Admin)
            .await
            .unwrap();
        let token = create(&db, admin.id).await.unwrap();
        assert_eq!(
            user(&db, &token).await.unwrap().map(|u| u.username),
            Some("alice".into())
        );
        assert!(user(&db, "not-a-token").await.unwrap().is_none());
        delete(&db, &token).await.unwrap();
        assert!(user(&db, &token).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn expired_sessions_are_refused_and_purged() {
        let db = database().await;
        let admin = users::create(&db, "bob", "a long password!", Role::Viewer)
            .await
            .unwrap();
        let token = create(&db, admin.id).await.unwrap();
        session::Entity::update_many()
            .col_expr(
                session::Column::ExpiresAt,
                sea_orm::sea_query::Expr::value(Utc::now() - Duration::minutes(1)),
            )
            .exec(&db)
            .await
            .unwrap();
        assert!(user(&db, &token).await.unwrap().is_none());
        assert_eq!(purge_expired(&db).await.unwrap(), 1);
    }
}
