//! Pieces the pages share.

mod grid;

pub use grid::{Cell, Grid, GridData};
