//! sea-orm entities, one per table.

pub mod session;
pub mod user;
