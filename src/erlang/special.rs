//! Special functions the Erlang A formulas need: the log-gamma and digamma
//! functions and the confluent hypergeometric function M(a, z) = 1F1(1; a+1; z)
//! (the "A(x, y)" of Garnett, Mandelbaum & Reiman 2002), all evaluated in a way that
//! neither overflows nor loses precision for arguments up to millions; and the Poisson
//! tails the projection over time needs.

use std::f64::consts::PI;

/// Arguments below this are shifted up by the recurrence before the asymptotic series
/// is used; at 15 the next omitted Stirling term is below 2e-16.
const ASYMPTOTIC_FROM: f64 = 15.0;

/// ln Γ(x) for x > 0.
///
/// Stirling's asymptotic series (Abramowitz & Stegun 6.1.41) after shifting x to at least
/// 15 with Γ(x) = Γ(x + k) / (x (x+1) … (x+k−1)).
pub fn ln_gamma(x: f64) -> f64 {
    debug_assert!(x > 0.0);
    let mut x = x;
    let mut product = 1.0;
    while x < ASYMPTOTIC_FROM {
        product *= x;
        x += 1.0;
    }
    (x - 0.5) * x.ln() - x + 0.5 * (2.0 * PI).ln() + stirling_correction(x) - product.ln()
}

/// The series part of Stirling's formula, ln Γ(x) − ((x − ½) ln x − x + ½ ln 2π), for
/// x ≥ 15: Σ B_2k / (2k (2k−1) x^(2k−1)), k = 1..5.
fn stirling_correction(x: f64) -> f64 {
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    inv * (1.0 / 12.0
        + inv2
            * (-1.0 / 360.0
                + inv2 * (1.0 / 1260.0 + inv2 * (-1.0 / 1680.0 + inv2 * (1.0 / 1188.0)))))
}

/// Digamma ψ(x) = d/dx ln Γ(x) for x > 0.
///
/// Asymptotic series (Abramowitz & Stegun 6.3.18) after the recurrence ψ(x) = ψ(x+1) − 1/x.
pub fn digamma(x: f64) -> f64 {
    debug_assert!(x > 0.0);
    let mut x = x;
    let mut shift = 0.0;
    while x < ASYMPTOTIC_FROM {
        shift -= 1.0 / x;
        x += 1.0;
    }
    let inv2 = 1.0 / (x * x);
    let series = inv2
        * (1.0 / 12.0
            - inv2 * (1.0 / 120.0 - inv2 * (1.0 / 252.0 - inv2 * (1.0 / 240.0 - inv2 / 132.0))));
    x.ln() - 0.5 / x - series + shift
}

/// Relative size at which a series term or continued-fraction correction is negligible.
const NEGLIGIBLE: f64 = 1e-17;

/// ln M(a, z) for a > 0, z ≥ 0, where
/// M(a, z) = Σ_{j≥0} z^j / ((a+1)(a+2)…(a+j)) = a z^(−a) e^z γ(a, z)
/// (γ the lower incomplete gamma function; Abramowitz & Stegun 6.5.29 and 13.1.2).
///
/// Why the logarithm: for z well above a the function grows like e^z and overflows,
/// while the Erlang A formulas only ever need ratios of it.
///
/// Below z = a + 1 the series converges (its terms shrink from the first one on); above
/// it the continued fraction for the upper incomplete gamma Γ(a, z) converges quickly
/// and γ = Γ(a) − Γ(a, z) loses nothing because Γ(a, z)/Γ(a) is below one half there.
/// This is the split of Press et al., Numerical Recipes (3rd ed., §6.2).
pub fn ln_kummer_m(a: f64, z: f64) -> f64 {
    debug_assert!(a > 0.0 && z >= 0.0);
    if z == 0.0 {
        return 0.0;
    }
    if z < a + 1.0 {
        kummer_series(a, z).ln()
    } else {
        ln_kummer_via_gamma(a, z)
    }
}

/// ln M(a, z) = ln Γ(a+1) + z − a ln z + ln(1 − Q(a, z)) for z ≥ a + 1.
fn ln_kummer_via_gamma(a: f64, z: f64) -> f64 {
    let leading = ln_gamma_plus_one_over_power(a, z);
    // Q(a, z) = e^(−z) z^a / Γ(a) · fraction, and e^(−z) z^a / Γ(a) = a e^(−leading).
    let upper = (a.ln() - leading).exp() * upper_gamma_fraction(a, z);
    leading + (-upper).ln_1p()
}

/// ln Γ(a+1) + z − a ln z for z ≥ a + 1, without the cancellation between terms of size
/// a ln a that the direct sum suffers for large a: with s = a + 1 and z = s(1 + t),
/// Stirling's formula turns it into ½ ln s + s(t − ln(1+t)) + ln(1+t) + ½ ln 2π + series,
/// every term of moderate size.
fn ln_gamma_plus_one_over_power(a: f64, z: f64) -> f64 {
    let s = a + 1.0;
    if s < ASYMPTOTIC_FROM {
        return ln_gamma(s) + z - a * z.ln();
    }
    let t = (z - s) / s;
    0.5 * s.ln() + s * t_minus_ln_1p(t) + t.ln_1p() + 0.5 * (2.0 * PI).ln() + stirling_correction(s)
}

/// t − ln(1 + t) for t ≥ 0; by its series t²/2 − t³/3 + … for small t, where the
/// subtraction would cancel.
fn t_minus_ln_1p(t: f64) -> f64 {
    if t >= 0.1 {
        return t - t.ln_1p();
    }
    let mut power = t * t;
    let mut sum = 0.0;
    let mut k = 2.0;
    loop {
        let term = power / k;
        sum += term;
        if term.abs() <= sum * NEGLIGIBLE {
            return sum;
        }
        power *= -t;
        k += 1.0;
    }
}

/// The series Σ z^j / ((a+1)…(a+j)) for z < a + 1, where every term is smaller than
/// the one before.
fn kummer_series(a: f64, z: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut j = 1.0;
    loop {
        term *= z / (a + j);
        sum += term;
        if term <= sum * NEGLIGIBLE {
            return sum;
        }
        j += 1.0;
    }
}

/// Γ(a, z) e^z z^(−a) for z ≥ a + 1 by the continued fraction
/// Γ(a, z) = e^(−z) z^a / (z + 1 − a − 1·(1−a) / (z + 3 − a − 2·(2−a) / (z + 5 − a − …)))
/// (Abramowitz & Stegun 6.5.31), evaluated with the modified Lentz method.
fn upper_gamma_fraction(a: f64, z: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const MAX_TERMS: u32 = 10_000_000;
    let mut b = z + 1.0 - a;
    let mut c = 1.0 / TINY;
    let mut d = 1.0 / b;
    let mut fraction = d;
    for i in 1..MAX_TERMS {
        let i = f64::from(i);
        let an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if d.abs() < TINY {
            d = TINY;
        }
        c = b + an / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let step = d * c;
        fraction *= step;
        if (step - 1.0).abs() <= NEGLIGIBLE * 4.0 {
            break;
        }
    }
    fraction
}

/// `P(Poisson(mean) ≥ m + 1)` for m = 0..count: the chance that a call with `m` calls
/// ahead of it is picked up within a stretch whose pickups are Poisson with that mean.
/// Used by the projection over time (first come first served) and the priority split.
pub(crate) fn poisson_tails(mean: f64, count: usize) -> Vec<f64> {
    let mut term = (-mean).exp();
    let mut cumulative = term;
    (0..count)
        .map(|m| {
            let tail = (1.0 - cumulative).max(0.0);
            term *= mean / (m + 1) as f64;
            cumulative += term;
            tail
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, relative: f64) -> bool {
        (actual - expected).abs() <= relative * expected.abs().max(1e-300)
    }

    #[test]
    fn ln_gamma_matches_factorials_and_half_integers() {
        // Γ(n) = (n−1)!, Γ(1/2) = √π (exact identities).
        let mut factorial = 1.0_f64;
        for n in 1..=30 {
            let expected = factorial.ln();
            assert!((ln_gamma(f64::from(n)) - expected).abs() <= 1e-14 * expected.max(1.0));
            factorial *= f64::from(n);
        }
        assert!(close(ln_gamma(0.5), PI.sqrt().ln(), 1e-14));
        // ln Γ(1e6) = 12815504.569147612 (mpmath, 30 digits).
        assert!(close(ln_gamma(1e6), 12_815_504.569_147_612, 1e-15));
    }

    #[test]
    fn digamma_known_values() {
        // ψ(1) = −γ (Euler–Mascheroni), ψ(1/2) = −γ − 2 ln 2 (A&S 6.3.2, 6.3.3).
        let euler = 0.577_215_664_901_532_9;
        assert!(close(digamma(1.0), -euler, 1e-14));
        assert!(close(digamma(0.5), -euler - 2.0 * 2f64.ln(), 1e-14));
        // ψ(n+1) − ψ(1) = harmonic number H_n.
        let harmonic: f64 = (1..=100).map(|k| 1.0 / f64::from(k)).sum();
        assert!(close(digamma(101.0) - digamma(1.0), harmonic, 1e-13));
    }

    #[test]
    fn kummer_m_closed_form_for_a_equal_one() {
        // M(1, z) = (e^z − 1)/z, on both sides of the series / fraction switch at z = 2.
        for z in [0.01_f64, 0.5, 1.9, 2.0, 2.1, 10.0, 50.0, 700.0] {
            let expected = z.exp_m1().ln() - z.ln();
            assert!(close(ln_kummer_m(1.0, z), expected, 1e-13), "z = {z}");
        }
        // For z far above the overflow of e^z the logarithm is still right: ln((e^z−1)/z) ≈ z − ln z.
        assert!(close(
            ln_kummer_m(1.0, 5000.0),
            5000.0 - 5000f64.ln(),
            1e-14
        ));
    }

    #[test]
    fn series_and_continued_fraction_agree_where_both_converge() {
        // Just above the switch the series still converges (slowly), so both methods can
        // be compared at the same points.
        for a in [0.3_f64, 5.0, 120.0, 10_000.0, 2.5e6] {
            for z in [a + 1.0, a + 1.5, a + 1.0 + a.sqrt()] {
                let series = kummer_series(a, z).ln();
                let fraction = ln_kummer_via_gamma(a, z);
                assert!(
                    (series - fraction).abs() <= 1e-13 * series.abs().max(1.0),
                    "a = {a}, z = {z}: {series} vs {fraction}"
                );
            }
        }
    }

    #[test]
    fn kummer_m_recurrence() {
        // M(a, z) = 1 + z/(a+1) · M(a+1, z), straight from the series.
        for (a, z) in [
            (3.0, 1.0),
            (3.0, 9.0),
            (400.0, 380.0),
            (400.0, 450.0),
            (0.02, 4.0),
        ] {
            let lhs = ln_kummer_m(a, z).exp();
            let rhs = 1.0 + z / (a + 1.0) * ln_kummer_m(a + 1.0, z).exp();
            assert!(close(lhs, rhs, 1e-12), "a = {a}, z = {z}");
        }
    }
}
