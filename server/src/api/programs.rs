//! `/api/v1/programs`: DR programs with their sites and report settings —
//! everyone reads them, admins create and edit them. Day-ahead prices are in
//! `day_ahead.rs`.

use super::auth::Client;
use super::id::Id;
use super::problem::Problem;
use app::db::program_admin;
use app::models::Role;
use app::models::program::{Program, ProgramForm};
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use sea_orm::DatabaseConnection;

/// Every program with its sites and report settings.
#[utoipa::path(get, path = "/api/v1/programs", tag = "programs",
    responses((status = 200, description = "Programs", body = Vec<Program>)))]
pub async fn list(
    _client: Client,
    State(db): State<DatabaseConnection>,
) -> Result<Json<Vec<Program>>, Problem> {
    Ok(Json(program_admin::list(&db).await?))
}

/// A program.
#[utoipa::path(get, path = "/api/v1/programs/{id}", tag = "programs",
    params(("id" = i32, Path, description = "The program's key")),
    responses((status = 200, description = "The program", body = Program)))]
pub async fn show(
    _client: Client,
    State(db): State<DatabaseConnection>,
    Id(id): Id,
) -> Result<Json<Program>, Problem> {
    program_admin::get(&db, id)
        .await?
        .map(Json)
        .ok_or_else(|| Problem::not_found(format!("no program {id}")))
}

/// Creates a program and sets its sites (admin). Names and market contexts
/// are unique.
#[utoipa::path(post, path = "/api/v1/programs", tag = "programs", request_body = ProgramForm,
    responses((status = 201, description = "Created", body = Program)))]
pub async fn create(
    client: Client,
    State(db): State<DatabaseConnection>,
    form: Result<Json<ProgramForm>, JsonRejection>,
) -> Result<(StatusCode, Json<Program>), Problem> {
    let saved = save(&client, &db, None, form).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

/// Replaces a program's settings and sites (admin).
#[utoipa::path(put, path = "/api/v1/programs/{id}", tag = "programs", request_body = ProgramForm,
    params(("id" = i32, Path, description = "The program's key")),
    responses((status = 200, description = "Saved", body = Program)))]
pub async fn update(
    client: Client,
    State(db): State<DatabaseConnection>,
    Id(id): Id,
    form: Result<Json<ProgramForm>, JsonRejection>,
) -> Result<Json<Program>, Problem> {
    Ok(Json(save(&client, &db, Some(id), form).await?))
}

async fn save(
    client: &Client,
    db: &DatabaseConnection,
    id: Option<i32>,
    form: Result<Json<ProgramForm>, JsonRejection>,
) -> Result<Program, Problem> {
    client.require(Role::Admin)?;
    let Json(form) = form?;
    let form = form.validated().map_err(Problem::invalid)?;
    let missing = || Problem::not_found(format!("no program {}", id.unwrap_or_default()));
    let saved = program_admin::save(db, id, &form)
        .await?
        .ok_or_else(missing)?;
    tracing::info!(token = %client.name, program = saved, name = %form.name, "program saved through the API");
    client
        .audit(
            db,
            "program.save",
            &format!("program {saved} {}", form.name),
        )
        .await;
    program_admin::get(db, saved).await?.ok_or_else(missing)
}
