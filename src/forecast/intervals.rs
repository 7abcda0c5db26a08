//! Prediction intervals from the method's own backtest errors.
//!
//! A call count varies around its forecast for two reasons: Poisson arrival noise, which
//! grows like the square root of the volume, and errors in the forecast level, which grow
//! like the volume itself (the overdispersion documented by Brown et al. 2005, JASA
//! 100:36, and Jongbloed & Koole 2001, Statistica Neerlandica 55:1). Rather than assume
//! the mix, wfm measures it: the rolling-origin backtest that picks the method also gives
//! its errors, which are standardised by the Poisson scale `(actual - forecast) / sqrt
//! (forecast)`, grouped by forecast size, and their empirical quantiles give the interval
//! (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., section
//! 5.5, "prediction intervals from bootstrapped residuals", here with out-of-sample
//! multi-step errors, which is what a month-ahead interval must cover).

/// Fewest errors for an empirical bucket; with fewer in all, Poisson intervals are used.
const MIN_BUCKET: usize = 100;
/// Most forecast-size buckets.
const MAX_BUCKETS: usize = 8;

/// Interval bounds as a function of the point forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalModel {
    level: f64,
    /// Empirical buckets by forecast size (empty: Poisson intervals).
    buckets: Vec<Bucket>,
}

#[derive(Debug, Clone, PartialEq)]
struct Bucket {
    /// Largest forecast in the bucket (the last bucket also takes larger ones).
    upper: f64,
    low_z: f64,
    high_z: f64,
}

impl IntervalModel {
    /// Fits central `level` intervals (0.8 = 10 % to 90 %) to `(actual, forecast)` pairs
    /// of out-of-sample errors. Pairs with a zero forecast (closed slots) carry no
    /// information on the spread and are left out.
    pub fn fit(pairs: &[(f64, f64)], level: f64) -> Self {
        let mut errors: Vec<(f64, f64)> = pairs
            .iter()
            .filter(|(_, forecast)| *forecast > 0.0)
            .map(|&(actual, forecast)| (forecast, (actual - forecast) / forecast.sqrt()))
            .collect();
        if errors.len() < MIN_BUCKET {
            return IntervalModel::poisson(level);
        }
        errors.sort_by(|a, b| a.0.total_cmp(&b.0));
        let count = (errors.len() / MIN_BUCKET).clamp(1, MAX_BUCKETS);
        let tail = (1.0 - level) / 2.0;
        let buckets = (0..count)
            .map(|b| {
                let part = &errors[b * errors.len() / count..(b + 1) * errors.len() / count];
                let mut z: Vec<f64> = part.iter().map(|(_, z)| *z).collect();
                z.sort_by(f64::total_cmp);
                Bucket {
                    upper: part.last().map(|(f, _)| *f).unwrap_or(f64::INFINITY),
                    low_z: quantile(&z, tail),
                    high_z: quantile(&z, 1.0 - tail),
                }
            })
            .collect();
        IntervalModel { level, buckets }
    }

    /// Intervals of a Poisson count around the forecast (normal approximation), for
    /// histories too short to have backtest errors.
    pub fn poisson(level: f64) -> Self {
        IntervalModel {
            level,
            buckets: Vec::new(),
        }
    }

    /// The interval's coverage level.
    pub fn level(&self) -> f64 {
        self.level
    }

    /// Lower and upper bound for a point forecast; `(0, 0)` for a zero forecast.
    pub fn bounds(&self, forecast: f64) -> (f64, f64) {
        if forecast <= 0.0 {
            return (0.0, 0.0);
        }
        let (low_z, high_z) = match self
            .buckets
            .iter()
            .find(|b| forecast <= b.upper)
            .or(self.buckets.last())
        {
            Some(bucket) => (bucket.low_z, bucket.high_z),
            None => {
                let z = normal_quantile(0.5 + self.level / 2.0);
                (-z, z)
            }
        };
        let scale = forecast.sqrt();
        let low = (forecast + low_z * scale).clamp(0.0, forecast);
        let high = (forecast + high_z * scale).max(forecast);
        (low, high)
    }
}

/// The `p` quantile of sorted values, interpolating linearly between order statistics.
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let position = p.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    sorted[below] + (sorted[above] - sorted[below]) * (position - below as f64)
}

/// The standard normal CDF, from the error function approximation 7.1.26 of
/// Abramowitz & Stegun (absolute error below 1.5e-7).
pub fn normal_cdf(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-x * x).exp();
    if z >= 0.0 {
        0.5 * (1.0 + erf)
    } else {
        0.5 * (1.0 - erf)
    }
}

/// The standard normal quantile, by bisection on [`normal_cdf`].
pub fn normal_quantile(p: f64) -> f64 {
    let (mut low, mut high) = (-10.0, 10.0);
    for _ in 0..80 {
        let middle = (low + high) / 2.0;
        if normal_cdf(middle) < p {
            low = middle;
        } else {
            high = middle;
        }
    }
    (low + high) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Poisson};

    #[test]
    fn normal_quantiles() {
        assert!((normal_quantile(0.9) - 1.281_551_6).abs() < 1e-5);
        assert!((normal_quantile(0.975) - 1.959_964).abs() < 1e-5);
        assert!(normal_quantile(0.5).abs() < 1e-6);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
    }

    #[test]
    fn empirical_intervals_cover_their_level_on_overdispersed_counts() {
        // Counts whose mean is off by a lognormal factor (sd 0.1) around the forecast.
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let level_noise = rand_distr::LogNormal::new(0.0, 0.1).unwrap();
        let draw = |rng: &mut rand_chacha::ChaCha8Rng, forecast: f64| {
            let mean = forecast * level_noise.sample(rng);
            Poisson::new(mean).unwrap().sample(rng)
        };
        let forecasts: Vec<f64> = (0..4000).map(|i| 2.0 + (i % 100) as f64).collect();
        let fit_pairs: Vec<(f64, f64)> =
            forecasts.iter().map(|&f| (draw(&mut rng, f), f)).collect();
        let model = IntervalModel::fit(&fit_pairs, 0.8);
        assert_eq!(model.buckets.len(), 8);
        let inside = forecasts
            .iter()
            .filter(|&&f| {
                let actual = draw(&mut rng, f);
                let (low, high) = model.bounds(f);
                low <= actual && actual <= high
            })
            .count();
        let coverage = inside as f64 / forecasts.len() as f64;
        assert!((0.77..0.83).contains(&coverage), "coverage {coverage}");
        // Plain Poisson intervals are too narrow for these counts.
        let poisson = IntervalModel::poisson(0.8);
        let (low, high) = poisson.bounds(100.0);
        assert!((high - low - 2.0 * 1.281_55 * 10.0).abs() < 1e-3);
        let (low_wide, high_wide) = model.bounds(100.0);
        assert!(high_wide - low_wide > high - low);
        assert_eq!(model.bounds(0.0), (0.0, 0.0));
    }
}
