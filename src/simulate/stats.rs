//! Means over replications with Student-t 95% confidence intervals.
//!
//! Replications are independent and identically distributed, so the mean of a measure
//! over them has a t-distributed standardised error with `n − 1` degrees of freedom; the
//! t quantile (not the normal 1.96) keeps the interval honest for the handful of
//! replications a plan can afford.

use serde::Serialize;

/// A measure's mean over replications and the half-width of its 95% confidence interval
/// (`mean ± half_width`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub mean: f64,
    pub half_width: f64,
    /// How many replications the estimate is over (ratios skip replications where the
    /// denominator is 0).
    pub replications: u32,
}

impl Estimate {
    /// The mean and 95% interval of `samples`; `None` when there are none. With one
    /// sample the half-width is infinite (no spread can be estimated).
    pub fn from_samples(samples: &[f64]) -> Option<Estimate> {
        let count = samples.len();
        if count == 0 {
            return None;
        }
        let n = count as f64;
        let mean = samples.iter().sum::<f64>() / n;
        let half_width = if count < 2 {
            f64::INFINITY
        } else {
            let variance = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
            t_975(count as u32 - 1) * (variance / n).sqrt()
        };
        Some(Estimate {
            mean,
            half_width,
            replications: count as u32,
        })
    }

    /// Whether `value` lies in the confidence interval.
    pub fn contains(&self, value: f64) -> bool {
        (value - self.mean).abs() <= self.half_width
    }

    pub fn low(&self) -> f64 {
        self.mean - self.half_width
    }

    pub fn high(&self) -> f64 {
        self.mean + self.half_width
    }
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom (> 0): a table to 30,
/// then the Cornish-Fisher expansion around the normal quantile (error below 1e-4).
fn t_975(df: u32) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    if let Some(&t) = TABLE.get(df as usize - 1) {
        return t;
    }
    let z: f64 = 1.959_964;
    let v = f64::from(df);
    z + (z.powi(3) + z) / (4.0 * v)
        + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * v * v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_the_tables() {
        assert_eq!(t_975(1), 12.706);
        assert!((t_975(40) - 2.021).abs() < 1e-3);
        assert!((t_975(120) - 1.980).abs() < 1e-3);
    }

    #[test]
    fn estimate_of_known_samples() {
        let estimate = Estimate::from_samples(&[1.0, 2.0, 3.0]).unwrap();
        assert_eq!(estimate.mean, 2.0);
        assert!((estimate.half_width - 4.303 / 3f64.sqrt()).abs() < 1e-12);
        assert!(Estimate::from_samples(&[]).is_none());
    }
}
