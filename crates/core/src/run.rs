//! Runs: independent portfolio chains of one model.
//!
//! A model's history, resume point, completed days and supersessions belong to one run. The
//! default run is [`MAIN_RUN`], so requests that name no run behave as the reference does.
//! Repeats of a run over the same dates are runs of their own, named `<run>-1` … `<run>-N`.

use std::fmt;

/// The run every request without a `run` uses.
pub const MAIN_RUN: &str = "main";

/// The most repeats one request may ask for.
pub const MAX_REPEATS: u32 = 20;

/// The longest run name.
pub const MAX_RUN_NAME_LEN: usize = 64;

/// Whether a run is the default one (serde's `skip_serializing_if` for reference shapes).
pub fn is_main(run: &str) -> bool {
    run == MAIN_RUN
}

/// serde's `skip_serializing_if` for a run field: the main run is left out, so responses about
/// `main` keep the reference's shape.
#[allow(clippy::ptr_arg)] // serde passes `&String`
pub fn omit(run: &String) -> bool {
    is_main(run)
}

/// [`MAIN_RUN`] as an owned value (serde's `default`).
pub fn main_run() -> String {
    MAIN_RUN.to_owned()
}

/// `["main"]` (serde's `default` for a list of runs).
pub fn main_only() -> Vec<String> {
    vec![main_run()]
}

/// Whether a list of runs is just `main` (serde's `skip_serializing_if`).
pub fn is_main_only(runs: &[String]) -> bool {
    matches!(runs, [only] if is_main(only))
}

/// Why a run name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunNameProblem {
    /// It is empty.
    Empty,
    /// It is longer than [`MAX_RUN_NAME_LEN`].
    TooLong,
    /// It has a character other than letters, digits, `.`, `_` and `-`, or starts with one of
    /// the punctuation characters.
    BadCharacter,
}

impl fmt::Display for RunNameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "it is empty",
            Self::TooLong => "it is longer than 64 characters",
            Self::BadCharacter => {
                "it may only hold letters, digits, '.', '_' and '-', and must start with a letter or digit"
            }
        })
    }
}

/// Checks a run name: 1–64 ASCII letters, digits, `.`, `_` or `-`, starting with a letter or a
/// digit (names appear in URLs, CSV files and file names).
pub fn check_run_name(name: &str) -> Result<(), RunNameProblem> {
    let Some(first) = name.chars().next() else {
        return Err(RunNameProblem::Empty);
    };
    if name.len() > MAX_RUN_NAME_LEN {
        return Err(RunNameProblem::TooLong);
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if !first.is_ascii_alphanumeric() || !name.chars().all(allowed) {
        return Err(RunNameProblem::BadCharacter);
    }
    Ok(())
}

/// The runs a request with `run` and `repeats` creates or continues: the run itself when
/// `repeats` is 1, else `<run>-1` … `<run>-<repeats>`.
pub fn repeat_names(run: &str, repeats: u32) -> Vec<String> {
    if repeats <= 1 {
        return vec![run.to_owned()];
    }
    (1..=repeats).map(|i| format!("{run}-{i}")).collect()
}

/// Whether `name` is `run` or one of its repeats (`run-<n>`, see [`repeat_names`]).
pub fn is_run_or_repeat(name: &str, run: &str) -> bool {
    name == run || repeat_of(name).is_some_and(|(base, _)| base == run)
}

/// The run a repeat belongs to and its number: `exp-12` is repeat 12 of `exp`; `None` for a
/// name without a numeric suffix.
pub fn repeat_of(name: &str) -> Option<(&str, u64)> {
    let (base, n) = name.rsplit_once('-')?;
    if base.is_empty() || n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((base, n.parse().unwrap_or(u64::MAX)))
}

/// How a (model, run) pair is named to a person: the model alone for the main run.
pub fn chain_label(model: &str, run: &str) -> String {
    if is_main(run) {
        model.to_owned()
    } else {
        format!("{model} (run {run})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert_eq!(check_run_name("main"), Ok(()));
        assert_eq!(check_run_name("oct-2025_v2.1"), Ok(()));
        assert_eq!(check_run_name(""), Err(RunNameProblem::Empty));
        assert_eq!(check_run_name("-x"), Err(RunNameProblem::BadCharacter));
        assert_eq!(check_run_name("a b"), Err(RunNameProblem::BadCharacter));
        assert_eq!(check_run_name("a/b"), Err(RunNameProblem::BadCharacter));
        assert_eq!(check_run_name("é"), Err(RunNameProblem::BadCharacter));
        assert_eq!(
            check_run_name(&"a".repeat(65)),
            Err(RunNameProblem::TooLong)
        );
        assert_eq!(check_run_name(&"a".repeat(64)), Ok(()));
    }

    #[test]
    fn repeats_are_numbered_from_one() {
        assert_eq!(repeat_names("main", 1), ["main"]);
        assert_eq!(repeat_names("exp", 3), ["exp-1", "exp-2", "exp-3"]);
    }

    #[test]
    fn a_run_filter_takes_the_run_and_its_numbered_repeats() {
        assert!(is_run_or_repeat("exp", "exp"));
        assert!(is_run_or_repeat("exp-3", "exp"));
        assert!(is_run_or_repeat("exp-12", "exp"));
        assert!(!is_run_or_repeat("exp-a", "exp"));
        assert!(!is_run_or_repeat("exp-", "exp"));
        assert!(!is_run_or_repeat("expert", "exp"));
        assert!(!is_run_or_repeat("main", "exp"));
    }

    #[test]
    fn a_repeat_names_its_run_and_number() {
        assert_eq!(repeat_of("exp-12"), Some(("exp", 12)));
        assert_eq!(repeat_of("oct-2025-3"), Some(("oct-2025", 3)));
        assert_eq!(repeat_of("exp"), None);
        assert_eq!(repeat_of("my-run"), None);
        assert_eq!(repeat_of("-3"), None);
    }

    #[test]
    fn labels_name_the_run_unless_it_is_main() {
        assert_eq!(chain_label("gpt-5", "main"), "gpt-5");
        assert_eq!(chain_label("gpt-5", "exp-2"), "gpt-5 (run exp-2)");
    }
}
