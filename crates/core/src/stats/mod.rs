//! Statistics over independent runs: moments, Student's t, and estimates with confidence
//! intervals. Pure and small; each file states its definition.

mod estimate;
mod moments;
mod quantile;
mod student_t;

pub use estimate::{CONFIDENCE, Estimate, INTERVAL_METHOD};
pub use moments::{mean, sample_std_dev};
pub use quantile::quantile;
pub use student_t::critical_value;
