//! The app's pages, one per file.

mod audit;
mod certificates;
mod customers;
mod event;
pub(crate) mod event_new;
mod events;
mod login;
mod not_found;
mod overview;
mod programs;
mod site;
mod site_form;
mod users;

pub use audit::AuditPage;
pub use certificates::CertificatesPage;
pub use customers::{CustomerPage, CustomersPage};
pub use event::EventPage;
pub use event_new::NewEventPage;
pub use events::EventsPage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use overview::OverviewPage;
pub use programs::ProgramsPage;
pub use site::SitePage;
pub use site_form::SiteFormPage;
pub use users::UsersPage;
