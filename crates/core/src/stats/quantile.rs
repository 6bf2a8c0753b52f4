//! Sample quantiles by linear interpolation between the closest ranks (Hyndman & Fan's type 7,
//! the default of NumPy, R and spreadsheets): with `n` sorted values, the `q` quantile sits at
//! rank `h = (n − 1)·q`, between `x[⌊h⌋]` and `x[⌊h⌋ + 1]`.
//! See <https://en.wikipedia.org/wiki/Quantile#Estimating_quantiles_from_a_sample>.

/// The `q` quantile (`0 ≤ q ≤ 1`) of `xs`, which need not be sorted; `None` without values or
/// with a value that is not a number.
pub fn quantile(xs: &[f64], q: f64) -> Option<f64> {
    if xs.is_empty() || xs.iter().any(|x| x.is_nan()) || !(0.0..=1.0).contains(&q) {
        return None;
    }
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    let h = (sorted.len() - 1) as f64 * q;
    let below = h.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    Some(sorted[below] + (h - below as f64) * (sorted[above] - sorted[below]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_between_ranks() {
        assert_eq!(quantile(&[], 0.9), None);
        assert_eq!(quantile(&[7.0], 0.9), Some(7.0));
        // NumPy: np.percentile([1, 2, 3, 4, 10], 90) == 7.6
        let p90 = quantile(&[10.0, 1.0, 3.0, 2.0, 4.0], 0.9).unwrap();
        assert!((p90 - 7.6).abs() < 1e-12, "{p90}");
        assert_eq!(quantile(&[1.0, 2.0, 3.0], 0.5), Some(2.0));
        assert_eq!(quantile(&[1.0, 2.0], 1.0), Some(2.0));
        assert_eq!(quantile(&[1.0, f64::NAN], 0.5), None);
    }
}
