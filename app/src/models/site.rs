//! Sites: one VEN each.

use super::problem::{Problem, first};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A site as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SiteSummary {
    /// Primary key.
    pub id: i32,
    /// Display name.
    pub name: String,
    /// The VEN's name (permanent).
    pub ven_name: String,
    /// The VEN ID the VTN assigned.
    pub ven_id: String,
    /// Owner, if any.
    pub customer_id: Option<i32>,
    /// Heard from within the offline interval.
    pub online: bool,
    /// When the VEN was last heard from.
    pub last_contact: Option<DateTime<Utc>>,
    /// Has a live registration.
    pub registered: bool,
}

/// How many sites a group has, and how many of them are online.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SiteCounts {
    /// Sites in the group.
    pub total: u64,
    /// Of those, heard from within the offline interval.
    pub online: u64,
}

/// A group of sites (a customer's, or those without one) as the overview
/// shows it: the counts, and every site when there are few, else only the
/// offline ones, at most a card's worth.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SiteGroup {
    /// How many there are.
    pub counts: SiteCounts,
    /// The sites shown, by name.
    pub sites: Vec<SiteSummary>,
}

impl SiteGroup {
    /// Whether `sites` lists only offline sites (the group is too large to
    /// list whole).
    pub fn offline_only(&self) -> bool {
        self.counts.total > self.sites.len() as u64
    }
}

/// What the operator enters to create or edit a site.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SiteForm {
    /// Owner.
    pub customer_id: i32,
    /// Display name.
    pub name: String,
    /// The VEN's name; used only at creation (it is permanent).
    pub ven_name: String,
    /// Street address.
    pub address: String,
    /// Who to call.
    pub contact: String,
    /// The VEN certificate's fingerprint, `AA:BB:…` (10 pairs), or empty.
    pub fingerprint: String,
    /// DR programs the site takes part in.
    pub program_ids: Vec<i32>,
}

impl SiteForm {
    /// What is wrong with the form, field by field.
    pub fn problems(&self) -> Vec<Problem> {
        let mut found = Vec::new();
        if self.customer_id <= 0 {
            found.push(Problem::new("customer_id", "choose the site's customer"));
        }
        if self.name.trim().is_empty() {
            found.push(Problem::new("name", "the site needs a name"));
        }
        let ven_name = self.ven_name.trim();
        if ven_name.is_empty() {
            found.push(Problem::new("ven_name", "the site needs a VEN name"));
        } else if ven_name.chars().any(char::is_whitespace) {
            found.push(Problem::new(
                "ven_name",
                "the VEN name cannot contain spaces",
            ));
        }
        if let Err(message) = normalize_fingerprint(&self.fingerprint) {
            found.push(Problem::new("fingerprint", message));
        }
        found
    }

    /// The form cleaned up (blanks trimmed, fingerprint in its canonical
    /// upper-case form), or what is wrong with it.
    pub fn validated(self) -> Result<Self, String> {
        first(self.problems())?;
        let name = self.name.trim().to_owned();
        let ven_name = self.ven_name.trim().to_owned();
        let fingerprint = normalize_fingerprint(&self.fingerprint)?;
        let mut program_ids = self.program_ids;
        program_ids.sort_unstable();
        program_ids.dedup();
        Ok(Self {
            customer_id: self.customer_id,
            name,
            ven_name,
            address: self.address.trim().to_owned(),
            contact: self.contact.trim().to_owned(),
            fingerprint,
            program_ids,
        })
    }
}

/// A certificate fingerprint in OpenADR's form (the last 10 bytes of the
/// SHA-256 as upper-case hex pairs joined by colons); empty stays empty.
/// Accepts lower case and pairs without colons.
pub fn normalize_fingerprint(text: &str) -> Result<String, String> {
    let hex: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect();
    if hex.is_empty() {
        return Ok(String::new());
    }
    if hex.len() != 20 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err("a fingerprint is 10 hex pairs, e.g. C7:8F:B8:73:70:AA:8F:EE:56:37".into());
    }
    let upper = hex.to_ascii_uppercase();
    let pairs: Vec<&str> = (0..10).map(|i| &upper[i * 2..i * 2 + 2]).collect();
    Ok(pairs.join(":"))
}

/// A data point the VEN declared in its METADATA report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeclaredPoint {
    /// Report name, e.g. `TELEMETRY_USAGE`.
    pub report_name: String,
    /// The point's rID.
    pub rid: String,
    /// `usage`, `baseline`, …
    pub report_type: String,
    /// The item, e.g. `PowerReal`.
    pub item: String,
    /// Units with scale, e.g. `kW`.
    pub units: String,
}

/// An availability (opt) schedule the VEN sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OptSchedule {
    /// The opt's ID.
    pub opt_id: String,
    /// `optIn` or `optOut`.
    pub opt_type: String,
    /// Reason given.
    pub reason: String,
    /// Periods as (start, seconds).
    pub periods: Vec<(DateTime<Utc>, i64)>,
    /// Event the opt is about, if any.
    pub event_id: Option<String>,
    /// When received.
    pub created_at: DateTime<Utc>,
}

/// One kind of schema deviation seen in this VEN's recent messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeviationCount {
    /// The deviation as the reader described it.
    pub text: String,
    /// How many of the recent exchanges had it.
    pub count: u32,
}

/// Everything the site page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SiteDetail {
    /// The list fields.
    pub summary: SiteSummary,
    /// The owner's name.
    pub customer_name: String,
    /// Address.
    pub address: String,
    /// Contact.
    pub contact: String,
    /// Certificate fingerprint (empty: none bound).
    pub fingerprint: String,
    /// Programs (id, name).
    pub programs: Vec<(i32, String)>,
    /// Registration ID, when registered.
    pub registration_id: Option<String>,
    /// Profile, e.g. `2.0b`.
    pub profile: Option<String>,
    /// Pull (poll) or push.
    pub pull: Option<bool>,
    /// Push address.
    pub transport_address: Option<String>,
    /// When the registration was made.
    pub registered_at: Option<DateTime<Utc>>,
    /// Declared report points.
    pub reports: Vec<DeclaredPoint>,
    /// Availability schedules (live opts).
    pub opts: Vec<OptSchedule>,
    /// Schema deviations in recent messages.
    pub deviations: Vec<DeviationCount>,
    /// The last deviating request, for an example.
    pub deviation_example: Option<String>,
}

/// A VEN's live registration (oadrCreatePartyRegistration).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Registration {
    /// The site's key.
    pub site_id: i32,
    /// The site's name.
    pub site_name: String,
    /// The VEN's name.
    pub ven_name: String,
    /// The VEN ID the VTN assigned.
    pub ven_id: String,
    /// The registration ID the VTN assigned.
    pub registration_id: String,
    /// Profile, e.g. `2.0b`.
    pub profile: Option<String>,
    /// Transport, e.g. `simpleHttp`.
    pub transport: Option<String>,
    /// Pull (polls) or push.
    pub pull: Option<bool>,
    /// Where pushed messages go.
    pub transport_address: Option<String>,
    /// When the VEN registered.
    pub registered_at: Option<DateTime<Utc>>,
    /// When the VEN was last heard from.
    pub last_contact: Option<DateTime<Utc>>,
}

/// One exchange of the VEN's message log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LoggedExchange {
    /// Log ID.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Request message type.
    pub message_type: String,
    /// Answer message type.
    pub response_type: String,
    /// Answer code.
    pub response_code: i32,
    /// Deviations, one per line.
    pub deviations: String,
    /// The VEN's XML, pretty-printed.
    pub request_xml: String,
    /// The VTN's XML, pretty-printed.
    pub response_xml: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_normalised_or_refused() {
        assert_eq!(
            normalize_fingerprint("c78fb87370aa8fee5637"),
            Ok("C7:8F:B8:73:70:AA:8F:EE:56:37".into())
        );
        assert_eq!(normalize_fingerprint("  "), Ok(String::new()));
        assert!(normalize_fingerprint("C7:8F").is_err());
        assert!(normalize_fingerprint("zz8fb87370aa8fee5637").is_err());
    }

    #[test]
    fn every_wrong_field_is_named_in_form_order() {
        let form = SiteForm {
            customer_id: 0,
            name: "  ".into(),
            ven_name: "ven 1".into(),
            fingerprint: "C7:8F".into(),
            ..Default::default()
        };
        let fields: Vec<&str> = form.problems().iter().map(|p| p.field).collect();
        assert_eq!(fields, ["customer_id", "name", "ven_name", "fingerprint"]);
        assert_eq!(
            form.validated().unwrap_err(),
            "choose the site's customer",
            "the server answers with the first"
        );
    }

    #[test]
    fn a_site_needs_a_customer_and_names_without_spaces_in_the_ven_name() {
        let form = SiteForm {
            customer_id: 1,
            name: " Depot ".into(),
            ven_name: "ven 1".into(),
            ..Default::default()
        };
        assert!(form.clone().validated().unwrap_err().contains("spaces"));
        let orphan = SiteForm {
            customer_id: 0,
            ven_name: "ven-1".into(),
            ..form.clone()
        };
        assert!(orphan.validated().unwrap_err().contains("customer"));
        let ok = SiteForm {
            ven_name: "ven-1".into(),
            program_ids: vec![2, 1, 2],
            ..form
        }
        .validated()
        .unwrap();
        assert_eq!((ok.name.as_str(), ok.program_ids), ("Depot", vec![1, 2]));
    }
}
