//! DR programs: everyone may read them (the event form needs their sites);
//! only admins change them. Operators store day-ahead prices.

use crate::AppError;
use crate::models::day_ahead::DayPrices;
use crate::models::program::{Program, ProgramForm};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Every program with its sites.
#[server(endpoint = "programs")]
pub async fn list_programs() -> Result<Vec<Program>, AppError> {
    use crate::db::{self, program_admin};
    crate::auth::ssr::require(crate::models::Role::Viewer).await?;
    Ok(program_admin::list(&db::from_context()?).await?)
}

/// Creates (`id` none) or edits a program and sets its sites; returns its key.
#[server(endpoint = "save_program", input = Json)]
pub async fn save_program(id: Option<i32>, form: ProgramForm) -> Result<i32, AppError> {
    use super::ssr::{found, invalid};
    use crate::db::{self, program_admin};
    let user = crate::auth::ssr::require(crate::models::Role::Admin).await?;
    let form = form.validated().map_err(invalid)?;
    let db = db::from_context()?;
    let saved = found(program_admin::save(&db, id, &form).await?, "program")?;
    tracing::info!(username = %user.username, program = saved, name = %form.name, "program saved");
    super::ssr::audit(
        &db,
        &user,
        "program.save",
        &format!("program {saved} {}", form.name),
    )
    .await;
    Ok(saved)
}

/// Stores a program's prices for a local date (operators), pasted from a
/// spreadsheet: one per local hour of that date.
#[server(endpoint = "store_day_prices", input = Json)]
pub async fn store_day_prices(
    program_id: i32,
    date: chrono::NaiveDate,
    prices: Vec<f64>,
) -> Result<DayPrices, AppError> {
    use super::ssr::invalid;
    use crate::db::{self, day_ahead};
    let user = crate::auth::ssr::require(crate::models::Role::Operator).await?;
    let db = db::from_context()?;
    let actor = format!("user:{}", user.username);
    let stored = match day_ahead::store_prices(&db, program_id, date, &prices, &actor).await {
        Ok(stored) => stored,
        Err(day_ahead::DayAheadError::Db(e)) => return Err(e.into()),
        Err(other) => return Err(invalid(other.to_string())),
    };
    tracing::info!(username = %user.username, program = program_id, %date, "day-ahead prices stored");
    super::ssr::audit(
        &db,
        &user,
        "day_ahead.prices",
        &format!("program {program_id} {date}"),
    )
    .await;
    Ok(stored)
}
