//! One file per page.

mod day;
mod job;
mod jobs;
mod plan;
mod results;
mod settings;

pub use day::{DayPage, day_path};
pub use job::JobPage;
pub use jobs::JobsPage;
pub use plan::PlanPage;
pub use results::ResultsPage;
pub use settings::SettingsPage;
