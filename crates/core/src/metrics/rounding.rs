//! Python's `round(x, 2)`, which the reference applies to its returns.

/// Rounds to 2 decimals the way Python does: on the exact decimal value of the double, ties to
/// even (`round(2.675, 2) == 2.67` because 2.675 is stored as 2.67499…). Rust's formatting is
/// exact with ties to even, so it gives the same digits.
pub fn round2(x: f64) -> f64 {
    if !x.is_finite() {
        return 0.0;
    }
    format!("{x:.2}").parse().unwrap_or(0.0)
}
