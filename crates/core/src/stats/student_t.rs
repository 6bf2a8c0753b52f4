//! Student's t distribution: the critical value of a two-sided confidence interval of a mean
//! estimated from a small sample.
//!
//! Definition: <https://en.wikipedia.org/wiki/Student%27s_t-distribution>. The distribution
//! function is computed from the regularised incomplete beta function,
//! `F(t) = 1 − ½·I_{ν/(ν+t²)}(ν/2, ½)` for `t ≥ 0`
//! (<https://en.wikipedia.org/wiki/Student%27s_t-distribution#Cumulative_distribution_function>),
//! with the beta function's continued fraction (Lentz's method) and Lanczos' log-gamma, and
//! inverted by bisection. Accurate to about 1e-10, far finer than any figure shown.

/// The `t` with `P(|T| ≤ t) = confidence` for `degrees_of_freedom` (e.g. 2.776 for 95 % and
/// 4): the half-width of a mean's interval is `t · s / √n` with `n − 1` degrees of freedom.
/// `None` without a degree of freedom or with a confidence outside (0, 1).
pub fn critical_value(confidence: f64, degrees_of_freedom: u32) -> Option<f64> {
    if degrees_of_freedom == 0 || !(confidence > 0.0 && confidence < 1.0) {
        return None;
    }
    let nu = f64::from(degrees_of_freedom);
    let target = 0.5 + confidence / 2.0;
    // F is increasing: bisect on [0, hi], widening hi until it brackets the target.
    let mut hi = 1.0;
    while cdf(hi, nu) < target {
        hi *= 2.0;
        if hi > 1e12 {
            return None;
        }
    }
    let mut lo = 0.0;
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if cdf(mid, nu) < target {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-12 * hi.max(1.0) {
            break;
        }
    }
    Some(0.5 * (lo + hi))
}

/// `P(T ≤ t)` for `t ≥ 0`.
fn cdf(t: f64, nu: f64) -> f64 {
    1.0 - 0.5 * regularized_incomplete_beta(nu / (nu + t * t), nu / 2.0, 0.5)
}

/// `I_x(a, b)`.
fn regularized_incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    // The continued fraction converges fast for x below its mean; use the symmetry otherwise.
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_continued_fraction(x, a, b) / a
    } else {
        1.0 - front * beta_continued_fraction(1.0 - x, b, a) / b
    }
}

/// The continued fraction of the incomplete beta function, by the modified Lentz method.
fn beta_continued_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let mut c = 1.0;
    let mut d = 1.0 - (a + b) * x / (a + 1.0);
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let even = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        for coefficient in [
            even,
            -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0)),
        ] {
            d = 1.0 + coefficient * d;
            if d.abs() < TINY {
                d = TINY;
            }
            c = 1.0 + coefficient / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            h *= d * c;
        }
        if (d * c - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// `ln Γ(x)` for `x ≥ ½` (Lanczos, g = 7, nine coefficients): the t distribution's arguments
/// are `ν/2 ≥ ½` and `½` (so no reflection, and no trigonometry in the wasm module).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    debug_assert!(x >= 0.5, "ln_gamma({x}) is only used from ½ up");
    let x = x - 1.0;
    let mut sum = COEFFICIENTS[0];
    for (i, c) in COEFFICIENTS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_published_table() {
        // Two-sided 95 % critical values (NIST/SEMATECH e-Handbook, table 1.3.6.7.2).
        for (df, expected) in [
            (1, 12.706),
            (2, 4.303),
            (3, 3.182),
            (4, 2.776),
            (9, 2.262),
            (19, 2.093),
            (30, 2.042),
            (100, 1.984),
        ] {
            let t = critical_value(0.95, df).unwrap();
            assert!((t - expected).abs() < 5e-4, "df {df}: {t} vs {expected}");
        }
        let t99 = critical_value(0.99, 10).unwrap();
        assert!((t99 - 3.169).abs() < 5e-4, "{t99}");
        // Large samples approach the normal distribution's 1.95996.
        let t = critical_value(0.95, 1_000_000).unwrap();
        assert!((t - 1.959_96).abs() < 1e-4, "{t}");
    }

    #[test]
    fn log_gamma_of_known_values() {
        // Γ(½) = √π, Γ(1) = Γ(2) = 1, Γ(5) = 24.
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-12);
        assert!(ln_gamma(1.0).abs() < 1e-12 && ln_gamma(2.0).abs() < 1e-12);
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn no_value_without_a_degree_of_freedom_or_a_real_confidence() {
        assert_eq!(critical_value(0.95, 0), None);
        assert_eq!(critical_value(1.0, 5), None);
        assert_eq!(critical_value(f64::NAN, 5), None);
    }
}
