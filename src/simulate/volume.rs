//! Daily volume from the forecast's prediction interval.
//!
//! A forecast's calls are uncertain for two reasons: Poisson noise around the rate, which
//! the simulation already draws, and the error in the forecast's level, which is shared
//! by every interval of a day (a busy Monday is busy all day; Brown et al. 2005, JASA
//! 100:36; Jongbloed & Koole 2001, Statistica Neerlandica 55:1). `wfm forecast`'s
//! prediction interval carries both. With `volume = "interval"` each replication draws,
//! per queue and day, a factor `F = max(0, 1 + c·Z)` (Z standard normal) on every
//! arrival rate of that day, with `c` fitted to the day's intervals:
//!
//! - each interval's bounds are read as a normal's central `level` interval, so its
//!   standard deviation is `σᵢ = (hiᵢ − loᵢ) / (2·z)`, `z = Φ⁻¹(0.5 + level/2)`
//!   (1.2816 for the 80% interval `wfm forecast` writes by default);
//! - the count of an interval with forecast `fᵢ` whose day factor is `F` is Poisson
//!   with mean `F·fᵢ`, whose variance is `fᵢ + c²·fᵢ²`;
//! - matching the sums over the day's intervals with calls,
//!   `c² = max(0, Σ(σᵢ² − fᵢ)) / Σ fᵢ²`: the interval's spread less the Poisson part
//!   the simulation draws anyway, as a share of the volume.
//!
//! So a day whose intervals are no wider than Poisson noise keeps its forecast (`c = 0`).
//! Queues draw their factors independently.

use serde::{Deserialize, Serialize};

use crate::forecast::intervals::normal_quantile;

/// Where the calls' rates come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum VolumeSource {
    /// The forecast's calls are the Poisson means, as they are.
    #[default]
    Point,
    /// Each replication draws each day's volume factor from the prediction interval
    /// (`calls_lo`, `calls_hi`).
    Interval,
}

impl VolumeSource {
    pub fn label(self) -> &'static str {
        match self {
            VolumeSource::Point => "point",
            VolumeSource::Interval => "interval",
        }
    }
}

/// One interval of a day: its forecast calls and prediction interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntervalBounds {
    pub calls: f64,
    pub lo: f64,
    pub hi: f64,
}

/// The standard deviation `c` of a day's volume factor, fitted to the day's intervals
/// whose bounds are central `level` prediction intervals (see the module's
/// documentation). Intervals without calls are left out; 0 when none has any.
pub fn daily_sd(intervals: &[IntervalBounds], level: f64) -> f64 {
    let z = normal_quantile(0.5 + level / 2.0);
    let (mut excess, mut squares) = (0.0, 0.0);
    for interval in intervals.iter().filter(|i| i.calls > 0.0) {
        let sd = (interval.hi - interval.lo).max(0.0) / (2.0 * z);
        excess += sd * sd - interval.calls;
        squares += interval.calls * interval.calls;
    }
    if squares > 0.0 && excess > 0.0 {
        (excess / squares).sqrt()
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `f ± z·√(f + c²f²)`, the bounds a day factor of sd `c` gives with Poisson noise.
    fn bounds(calls: f64, c: f64, z: f64) -> IntervalBounds {
        let sd = (calls + c * c * calls * calls).sqrt();
        IntervalBounds {
            calls,
            lo: calls - z * sd,
            hi: calls + z * sd,
        }
    }

    #[test]
    fn the_fit_recovers_the_day_factor() {
        let z = 1.281_551_6;
        // 16 intervals of 100 calls, c = 0.1: σ² = 100 + 100 = 200 each;
        // c² = 16·(200 − 100) / (16·100²) = 0.01.
        let flat: Vec<IntervalBounds> = (0..16).map(|_| bounds(100.0, 0.1, z)).collect();
        assert!((daily_sd(&flat, 0.8) - 0.1).abs() < 1e-6);
        // 50, 100 and 150 calls with c = 0.2: σ² = 150, 500, 1050;
        // c² = (100 + 400 + 900) / (2500 + 10000 + 22500) = 0.04.
        let mixed: Vec<IntervalBounds> = [50.0, 100.0, 150.0]
            .iter()
            .map(|&f| bounds(f, 0.2, z))
            .collect();
        assert!((daily_sd(&mixed, 0.8) - 0.2).abs() < 1e-6);
        // At 90%, z = 1.6449: the same bounds mean a narrower normal.
        let sd_90 = daily_sd(&mixed, 0.9);
        // σ₉₀² = σ₈₀²·(z₈₀/z₉₀)², so c² = (1700·(z₈₀/z₉₀)² − 300) / 35000 = 0.0209.
        let ratio = (z / 1.644_853_6f64).powi(2);
        let expected = ((1700.0 * ratio - 300.0) / 35_000.0).sqrt();
        assert!((expected - 0.1446).abs() < 1e-3);
        assert!((sd_90 - expected).abs() < 1e-5, "{sd_90} vs {expected}");
    }

    #[test]
    fn poisson_wide_intervals_and_closed_days_keep_the_forecast() {
        let z = 1.281_551_6;
        let poisson: Vec<IntervalBounds> = (0..8).map(|_| bounds(64.0, 0.0, z)).collect();
        assert!(daily_sd(&poisson, 0.8) < 1e-6);
        // Narrower than Poisson: no negative variance.
        let narrow = [IntervalBounds {
            calls: 100.0,
            lo: 95.0,
            hi: 105.0,
        }];
        assert_eq!(daily_sd(&narrow, 0.8), 0.0);
        let closed = [IntervalBounds {
            calls: 0.0,
            lo: 0.0,
            hi: 0.0,
        }];
        assert_eq!(daily_sd(&closed, 0.8), 0.0);
        assert_eq!(daily_sd(&[], 0.8), 0.0);
    }
}
