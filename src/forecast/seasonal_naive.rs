//! Seasonal naive: every half-hour repeats the same half-hour one week earlier.
//!
//! The simplest benchmark with weekly seasonality (Hyndman & Athanasopoulos, *Forecasting:
//! Principles and Practice*, 3rd ed., section 5.2); it is also the scale of MASE.
//! Beyond the first week the last observed week repeats.

use crate::error::{Error, Result};
use crate::forecast::series::DayGrid;
use crate::forecast::Forecaster;

/// The seasonal naive method with a one-week season.
#[derive(Debug, Clone, Copy, Default)]
pub struct SeasonalNaive;

impl Forecaster for SeasonalNaive {
    fn name(&self) -> &'static str {
        "seasonal-naive"
    }

    fn fit_predict(&self, history: &DayGrid, days: usize) -> Result<Vec<f64>> {
        let n = history.days();
        if n < 7 {
            return Err(Error::input(
                "seasonal-naive needs at least one week of history",
            ));
        }
        let slots = history.slots();
        let mut forecast = Vec::with_capacity(days * slots);
        for ahead in 0..days {
            // The same weekday in the last week of the history.
            let same_day = n - 7 + ahead % 7;
            for slot in 0..slots {
                forecast.push(last_seen(history, same_day, slot).unwrap_or(0.0));
            }
        }
        Ok(forecast)
    }
}

/// The value of `slot` on `day`, or on the same weekday before it when that is missing
/// (a gap, or a holiday removed from the history).
fn last_seen(history: &DayGrid, day: usize, slot: usize) -> Option<f64> {
    (0..=day / 7).find_map(|weeks| history.get(day - 7 * weeks, slot))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn repeats_the_last_week_and_skips_missing_days() {
        let first = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        // Two slots a day; day d has (d, 10 d). The last Wednesday (day 16) is missing.
        let values = (0..21)
            .flat_map(|d| {
                let v = if d == 16 { None } else { Some(d as f64) };
                [v, v.map(|x| 10.0 * x)]
            })
            .collect();
        let grid = DayGrid::new(first, 2, values);
        let forecast = SeasonalNaive.fit_predict(&grid, 9).unwrap();
        assert_eq!(&forecast[..4], &[14.0, 140.0, 15.0, 150.0]);
        // Wednesday falls back a week, to day 9.
        assert_eq!(&forecast[4..6], &[9.0, 90.0]);
        // Day 8 ahead is the second Tuesday: day 15 again.
        assert_eq!(&forecast[16..18], &[15.0, 150.0]);
    }
}
