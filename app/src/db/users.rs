//! User accounts: creation, password checks, counts.

use super::entity::user;
use crate::models::{Role, SessionUser};
use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng},
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Set, TransactionTrait,
};
use std::sync::OnceLock;

/// Why a user could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    /// The name or password is unusable.
    #[error("{0}")]
    Invalid(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        // Hashing fails only for parameters or salts outside argon2's limits; ours are fixed and valid.
        .unwrap_or_else(|e| unreachable!("argon2 rejected its default parameters: {e}"))
}

fn password_matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

fn check_password(password: &str) -> Result<(), CreateUserError> {
    if password.chars().count() < 12 {
        return Err(CreateUserError::Invalid(
            "a password needs at least 12 characters".into(),
        ));
    }
    Ok(())
}

/// Creates a user. Names are 1–64 visible characters; passwords at least 12.
pub async fn create(
    db: &DatabaseConnection,
    username: &str,
    password: &str,
    role: Role,
) -> Result<user::Model, CreateUserError> {
    let username = username.trim();
    if username.is_empty()
        || username.chars().count() > 64
        || username.chars().any(char::is_whitespace)
    {
        return Err(CreateUserError::Invalid(
            "a username is 1 to 64 characters without spaces".into(),
        ));
    }
    check_password(password)?;
    if find_by_username(db, username).await?.is_some() {
        return Err(CreateUserError::Invalid(format!(
            "the username {username:?} is taken"
        )));
    }
    let password_hash = blocking_hash(password.to_owned()).await;
    let model = user::ActiveModel {
        username: Set(username.to_owned()),
        password_hash: Set(password_hash),
        role: Set(role.as_str().to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(model)
}

async fn blocking_hash(password: String) -> String {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

/// The user with this name, if any.
pub async fn find_by_username(
    db: &DatabaseConnection,
    username: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(db)
        .await
}

/// The user if the password is right. Unknown names cost as much time as wrong
/// passwords, so response times do not reveal which accounts exist.
pub async fn authenticate(
    db: &DatabaseConnection,
    username: &str,
    password: &str,
) -> Result<Option<user::Model>, DbErr> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let found = find_by_username(db, username.trim()).await?;
    let phc = match &found {
        Some(user) => user.password_hash.clone(),
        None => DUMMY
            .get_or_init(|| hash_password("not a real password"))
            .clone(),
    };
    let password = password.to_owned();
    let ok = tokio::task::spawn_blocking(move || password_matches(&password, &phc))
        .await
        .unwrap_or(false);
    Ok(found.filter(|_| ok))
}

fn no_such_user(username: &str) -> CreateUserError {
    CreateUserError::Invalid(format!("no user {username:?}"))
}

/// Sets a user's password and ends their sessions (whoever had it signed in
/// must sign in again).
pub async fn set_password(
    db: &DatabaseConnection,
    username: &str,
    password: &str,
) -> Result<(), CreateUserError> {
    check_password(password)?;
    let user = find_by_username(db, username.trim())
        .await?
        .ok_or_else(|| no_such_user(username))?;
    let hash = blocking_hash(password.to_owned()).await;
    let txn = db.begin().await?;
    let mut active: user::ActiveModel = user.clone().into();
    active.password_hash = Set(hash);
    active.update(&txn).await?;
    super::sessions::end_all_of(&txn, user.id).await?;
    txn.commit().await?;
    Ok(())
}

/// Gives a user another role and ends their sessions. The last admin keeps
/// the role, so that someone can always manage the VTN.
pub async fn set_role(
    db: &DatabaseConnection,
    username: &str,
    role: Role,
) -> Result<(), CreateUserError> {
    let user = find_by_username(db, username.trim())
        .await?
        .ok_or_else(|| no_such_user(username))?;
    if user.role == Role::Admin.as_str() && role != Role::Admin {
        let admins = user::Entity::find()
            .filter(user::Column::Role.eq(Role::Admin.as_str()))
            .count(db)
            .await?;
        if admins <= 1 {
            return Err(CreateUserError::Invalid(format!(
                "{} is the last admin; make someone else admin first",
                user.username
            )));
        }
    }
    let txn = db.begin().await?;
    let id = user.id;
    let mut active: user::ActiveModel = user.into();
    active.role = Set(role.as_str().to_owned());
    active.update(&txn).await?;
    super::sessions::end_all_of(&txn, id).await?;
    txn.commit().await?;
    Ok(())
}

/// Every account by username.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<user::Model>, DbErr> {
    use sea_orm::QueryOrder;
    user::Entity::find()
        .order_by_asc(user::Column::Username)
        .all(db)
        .await
}

/// Number of accounts.
pub async fn count(db: &DatabaseConnection) -> Result<u64, DbErr> {
    user::Entity::find().count(db).await
}

/// Creates the `admin` account on an empty database. Returns the password when
/// it generated one, so the caller can show it once.
pub async fn ensure_admin(
    db: &DatabaseConnection,
    password: Option<&str>,
) -> Result<Option<String>, CreateUserError> {
    if count(db).await? > 0 {
        return Ok(None);
    }
    let generated = password.is_none().then(generate_password);
    let password = password.or(generated.as_deref()).unwrap_or_default();
    create(db, "admin", password, Role::Admin).await?;
    Ok(generated)
}

fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

impl TryFrom<&user::Model> for SessionUser {
    type Error = String;

    fn try_from(model: &user::Model) -> Result<Self, Self::Error> {
        Ok(SessionUser {
            username: model.username.clone(),
            role: model.role.parse()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::database;

    #[tokio::test]
    async fn first_start_creates_admin_once_with_generated_password() {
        let db = database().await;
        let password = ensure_admin(&db, None)
            .await
            .unwrap()
            .expect("a generated password");
        assert_eq!(password.len(), 20);
        assert!(
            authenticate(&db, "admin", &password)
                .await
                .unwrap()
                .is_some()
        );
        assert_eq!(ensure_admin(&db, None).await.unwrap(), None);
        assert_eq!(count(&db).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn wrong_password_and_unknown_user_are_refused() {
        let db = database().await;
        create(&db, "ops", "correct horse battery", Role::Operator)
            .await
            .unwrap();
        assert!(
            authenticate(&db, "ops", "wrong password!!")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            authenticate(&db, "nobody", "correct horse battery")
                .await
                .unwrap()
                .is_none()
        );
        let user = authenticate(&db, " ops ", "correct horse battery")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(user.role, "operator");
    }

    #[tokio::test]
    async fn a_new_password_works_ends_sessions_and_the_last_admin_stays_admin() {
        let db = database().await;
        let admin = create(&db, "root", "first long password", Role::Admin)
            .await
            .unwrap();
        let session = crate::db::sessions::create(&db, admin.id).await.unwrap();
        let short = set_password(&db, "root", "short").await.unwrap_err();
        assert!(short.to_string().contains("at least 12"), "{short}");
        set_password(&db, "root", "second long password")
            .await
            .unwrap();
        assert!(
            authenticate(&db, "root", "first long password")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            authenticate(&db, "root", "second long password")
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            crate::db::sessions::user(&db, &session)
                .await
                .unwrap()
                .is_none(),
            "signed out"
        );
        assert!(
            set_password(&db, "ghost", "long enough password")
                .await
                .is_err()
        );

        let last = set_role(&db, "root", Role::Viewer).await.unwrap_err();
        assert!(last.to_string().contains("last admin"), "{last}");
        create(&db, "second", "long enough password", Role::Operator)
            .await
            .unwrap();
        set_role(&db, "second", Role::Admin).await.unwrap();
        set_role(&db, "root", Role::Viewer).await.unwrap();
        assert_eq!(
            find_by_username(&db, "root").await.unwrap().unwrap().role,
            "viewer"
        );
    }

    #[tokio::test]
    async fn short_passwords_and_duplicate_names_are_rejected_with_a_reason() {
        let db = database().await;
        let short = create(&db, "ops", "short", Role::Viewer).await.unwrap_err();
        assert!(short.to_string().contains("at least 12"), "{short}");
        create(&db, "ops", "long enough password", Role::Viewer)
            .await
            .unwrap();
        let taken = create(&db, "ops", "long enough password", Role::Viewer)
            .await
            .unwrap_err();
        assert!(taken.to_string().contains("taken"), "{taken}");
    }
}
