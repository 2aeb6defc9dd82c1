//! Inline form checks: a field shows what is wrong with it once the user has
//! left it, every field does after a save attempt, and the messages follow
//! the user's typing.

use crate::models::problem::Problem;
use leptos::prelude::*;

/// The checks of one form.
#[derive(Clone, Copy)]
pub struct FieldChecks {
    problems: Memo<Vec<Problem>>,
    left: RwSignal<Vec<&'static str>>,
    attempted: RwSignal<bool>,
}

impl FieldChecks {
    /// Checks `problems`, the form's reactive field-by-field validation.
    pub fn new(problems: impl Fn() -> Vec<Problem> + Send + Sync + 'static) -> Self {
        Self {
            problems: Memo::new(move |_| problems()),
            left: RwSignal::new(Vec::new()),
            attempted: RwSignal::new(false),
        }
    }

    /// The user left `field`: show its problem from now on.
    pub fn leave(self, field: &'static str) {
        if !self.left.read_untracked().contains(&field) {
            self.left.update(|left| left.push(field));
        }
    }

    /// A save was attempted: show every field's problem. Whether the form
    /// has none.
    pub fn attempt(self) -> bool {
        self.attempted.set(true);
        self.problems.with_untracked(Vec::is_empty)
    }

    /// What to show under `field` now.
    pub fn message(self, field: &'static str) -> Option<String> {
        let shown = self.attempted.get() || self.left.read().contains(&field);
        if !shown {
            return None;
        }
        self.problems
            .read()
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.clone())
    }

    /// `aria-invalid` for `field`'s input.
    pub fn invalid(self, field: &'static str) -> &'static str {
        if self.message(field).is_some() {
            "true"
        } else {
            "false"
        }
    }
}

/// The slot under a field for its problem; `id` is what the field's
/// `aria-describedby` names. It sits inside the field's label, so it is
/// hidden from the label's name and read as the field's description instead.
#[component]
pub fn FieldProblem(checks: FieldChecks, field: &'static str, id: &'static str) -> impl IntoView {
    view! { <span class="field-problem" id=id aria-hidden="true">{move || checks.message(field)}</span> }
}
