//! Bearer tokens for the management API: random, shown once, stored as
//! SHA-256, with a role, an optional expiry, and revocable.

use super::entity::api_token;
use crate::models::Role;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set, sea_query::Expr,
};
use sha2::{Digest, Sha256};

/// Prefix that makes tokens recognisable in logs and secret scanners.
const PREFIX: &str = "vtn_";

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Creates a token; returns its record and the token itself (shown once).
pub async fn create(
    db: &DatabaseConnection,
    name: &str,
    role: Role,
    expires_at: Option<DateTime<Utc>>,
) -> Result<(api_token::Model, String), DbErr> {
    let secret: String = (0..24)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect();
    let token = format!("{PREFIX}{secret}");
    let model = api_token::ActiveModel {
        name: Set(name.trim().to_owned()),
        token_hash: Set(hash(&token)),
        role: Set(role.as_str().to_owned()),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((model, token))
}

/// The live (not revoked, not expired) token with this secret, and its role.
pub async fn authenticate(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<(api_token::Model, Role)>, DbErr> {
    let Some(model) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash(token)))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if model.expires_at.is_some_and(|at| at <= Utc::now()) {
        return Ok(None);
    }
    let Ok(role) = model.role.parse::<Role>() else {
        return Ok(None);
    };
    Ok(Some((model, role)))
}

/// Revokes a token; false if there is no such live token.
pub async fn revoke(db: &DatabaseConnection, id: i32) -> Result<bool, DbErr> {
    let result = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Every token, newest first.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<api_token::Model>, DbErr> {
    api_token::Entity::find()
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::database;

    #[tokio::test]
    async fn tokens_authenticate_until_revoked_or_expired() {
        let db = database().await;
        let (model, token) = create(&db, "scada", Role::Operator, None).await.unwrap();
        assert!(token.starts_with("vtn_"));
        let (found, role) = authenticate(&db, &token).await.unwrap().unwrap();
        assert_eq!((found.id, role), (model.id, Role::Operator));
        assert!(authenticate(&db, "vtn_wrong").await.unwrap().is_none());
        assert!(revoke(&db, model.id).await.unwrap());
        assert!(!revoke(&db, model.id).await.unwrap(), "already revoked");
        assert!(authenticate(&db, &token).await.unwrap().is_none());

        let past = Utc::now() - chrono::TimeDelta::minutes(1);
        let (_, expired) = create(&db, "old", Role::Admin, Some(past)).await.unwrap();
        assert!(authenticate(&db, &expired).await.unwrap().is_none());
        assert_eq!(list(&db).await.unwrap().len(), 2);
    }
}
