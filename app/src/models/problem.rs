//! What is wrong with a form, field by field: the browser shows each message
//! beside its field, the server refuses with the first one.

/// One field's problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field as the form's struct names it, e.g. `ven_name`.
    pub field: &'static str,
    /// What is wrong, in words the user reads.
    pub message: String,
}

impl Problem {
    /// A problem with `field`.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// The first problem's message, if there is one (what the server answers).
pub fn first(problems: Vec<Problem>) -> Result<(), String> {
    problems
        .into_iter()
        .next()
        .map_or(Ok(()), |p| Err(p.message))
}
