//! The management REST API under `/api/v1`: JSON, bearer tokens with roles,
//! RFC 7807 errors. Routes are listed in `routes.rs` with the others.

pub mod auth;
pub mod certificates;
pub mod customers;
pub mod day_ahead;
pub mod events;
pub mod id;
pub mod openapi;
pub mod paging;
pub mod problem;
pub mod programs;
pub mod registrations;
pub mod reports;
pub mod sites;
pub mod ven_ca;

/// Any `/api/v1` path that matches no route.
pub async fn not_found() -> problem::Problem {
    problem::Problem::not_found("no such API endpoint; see /api/v1/docs")
}
