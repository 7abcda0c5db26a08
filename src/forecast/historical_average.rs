//! Historical average: the mean of the same weekday and half-hour over the last weeks.
//!
//! Taylor (2008, "A comparison of univariate time series methods for forecasting intraday
//! arrivals at a call center", Management Science 54:253-265) found that beyond two or
//! three days ahead this simple average is hard to beat, which makes it the benchmark
//! wfm must beat. Missing days (gaps, holidays) are skipped: the average is over the
//! last `weeks` observed values of each weekday half-hour.

use crate::error::{Error, Result};
use crate::forecast::series::DayGrid;
use crate::forecast::Forecaster;

/// Weeks averaged by default: two months, the longest of the windows planners commonly
/// use (four to eight weeks), and the most accurate of them on both the bank year and
/// the sample data (see docs/forecasting.md for the other lengths).
pub const DEFAULT_WEEKS: usize = 8;

/// The historical average of the last `weeks` observations of each weekday half-hour.
#[derive(Debug, Clone, Copy)]
pub struct HistoricalAverage {
    pub weeks: usize,
}

impl Default for HistoricalAverage {
    fn default() -> Self {
        HistoricalAverage {
            weeks: DEFAULT_WEEKS,
        }
    }
}

impl Forecaster for HistoricalAverage {
    fn name(&self) -> &'static str {
        "historical-average"
    }

    fn fit_predict(&self, history: &DayGrid, days: usize) -> Result<Vec<f64>> {
        let n = history.days();
        if n < 7 {
            return Err(Error::input(
                "historical-average needs at least one week of history",
            ));
        }
        let slots = history.slots();
        // One profile per weekday, indexed by days-ahead modulo 7 (day n + k has the
        // weekday of day n - 7 + k).
        let week: Vec<Vec<f64>> = (0..7)
            .map(|k| {
                (0..slots)
                    .map(|slot| self.average(history, n - 7 + k, slot))
                    .collect()
            })
            .collect();
        Ok((0..days)
            .flat_map(|ahead| week[ahead % 7].clone())
            .collect())
    }
}

impl HistoricalAverage {
    /// Mean of the last `weeks` observed values of `slot` on the weekday of `day`,
    /// searching back from `day`; 0 when the slot was never observed.
    fn average(&self, history: &DayGrid, day: usize, slot: usize) -> f64 {
        let values: Vec<f64> = (0..=day / 7)
            .filter_map(|weeks| history.get(day - 7 * weeks, slot))
            .take(self.weeks)
            .collect();
        if values.is_empty() {
            0.0
        } else {
            values.iter().sum::<f64>() / values.len() as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn averages_the_last_observed_weeks() {
        let first = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        // One slot; Mondays 10, 20, missing, 40, 50 over five weeks; other days 1.
        let values = (0..35)
            .map(|d| match (d % 7, d / 7) {
                (0, 2) => None,
                (0, week) => Some(10.0 * (week + 1) as f64),
                _ => Some(1.0),
            })
            .collect();
        let grid = DayGrid::new(first, 1, values);
        let forecast = HistoricalAverage { weeks: 3 }
            .fit_predict(&grid, 8)
            .unwrap();
        // Mondays 50, 40 and (skipping the gap) 20.
        assert!((forecast[0] - 110.0 / 3.0).abs() < 1e-12);
        assert_eq!(forecast[1], 1.0);
        assert_eq!(forecast[7], forecast[0]);
    }
}
