//! Pieces the pages share.

mod error;
mod grid;

pub use error::ErrorText;
pub use grid::{Cell, Grid, GridData, Row};
