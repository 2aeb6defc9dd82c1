//! sea-orm entities, one per table.

pub mod api_token;
pub mod audit;
pub mod customer;
pub mod day_ahead_alert;
pub mod day_ahead_price;
pub mod day_ahead_publication;
pub mod event;
pub mod event_site;
pub mod message_log;
pub mod opt;
pub mod program;
pub mod program_site;
pub mod reading;
pub mod report_description;
pub mod report_request;
pub mod session;
pub mod site;
pub mod user;
pub mod ven_certificate;
pub mod ven_message;
