//! Customers: the account holders who own sites.

use super::problem::{Problem, first};
use serde::{Deserialize, Serialize};

/// A customer as the lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Customer {
    /// Primary key.
    pub id: i32,
    /// Unique name.
    pub name: String,
    /// Who to call (free text).
    pub contact: String,
    /// Anything else the operator wants to remember.
    pub notes: String,
}

/// A page of customers by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerPage {
    /// This page's customers.
    pub customers: Vec<Customer>,
    /// Customers on all pages.
    pub total: u64,
}

/// What the operator enters to create or edit a customer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CustomerForm {
    /// Name (required, unique).
    pub name: String,
    /// Contact.
    pub contact: String,
    /// Notes.
    pub notes: String,
}

impl CustomerForm {
    /// What is wrong with the form, field by field.
    pub fn problems(&self) -> Vec<Problem> {
        let name = self.name.trim();
        let mut found = Vec::new();
        if name.is_empty() {
            found.push(Problem::new("name", "the customer needs a name"));
        } else if name.chars().count() > 200 {
            found.push(Problem::new(
                "name",
                "the name is longer than 200 characters",
            ));
        }
        found
    }

    /// The form with surrounding blanks removed, or what is wrong with it.
    pub fn validated(self) -> Result<Self, String> {
        first(self.problems())?;
        let name = self.name.trim().to_owned();
        Ok(Self {
            name,
            contact: self.contact.trim().to_owned(),
            notes: self.notes.trim().to_owned(),
        })
    }
}
