//! Double-seasonal Holt-Winters exponential smoothing (Taylor 2003, "Short-term
//! electricity demand forecasting using double seasonal exponential smoothing", JORS
//! 54:799-805), as applied to call arrivals by Taylor (2008, Management Science 54:253).
//!
//! A level and two seasonal cycles, intraday (one day of slots, `m1`) and intraweek (one
//! week, `m2`), each updated by exponential smoothing:
//!
//! ```text
//! e_t = y_t - (l_{t-1} + d_{t-m1} + w_{t-m2})
//! l_t = l_{t-1} + α e_t
//! d_t = d_{t-m1} + δ (1 - α) e_t        (= δ (y_t - l_t - w_{t-m2}) + (1 - δ) d_{t-m1})
//! w_t = w_{t-m2} + ω (1 - α) e_t
//! ŷ_t(k) = l_t + d_{t+k-m1} + w_{t+k-m2}
//! ```
//!
//! Differences from Taylor's formulation, each for month-ahead planning:
//! * additive rather than multiplicative seasonality: call centers are closed for hours,
//!   where a multiplicative index divides by zero and an additive one just learns zero;
//! * no trend term: Taylor found it unhelpful for these series, and a month ahead an
//!   extrapolated trend is a liability;
//! * the parameters minimise the squared errors of forecasts made one day ahead (over
//!   the last 14 weeks, after two weeks of initialisation; coarse grid, then
//!   Nelder-Mead), where Taylor minimises one-step-ahead errors: for a forecast a month
//!   ahead, one-step fitting rewards a level that chases each half-hour. At that lead
//!   Taylor's AR(1) adjustment of the residual, `φ^k e_t` with `k ≥ 48`, has decayed to
//!   nothing, so it is left out.
//!
//! Missing slots (gaps, holidays removed before fitting) leave the state unchanged.

use crate::error::{Error, Result};
use crate::forecast::optimize::{grid, minimize_in_unit_box};
use crate::forecast::series::DayGrid;
use crate::forecast::Forecaster;

/// Weeks of history used to fit the parameters (the first two initialise the state).
const FIT_WEEKS: usize = 16;
/// Weeks that initialise level and seasonal indexes.
const INIT_WEEKS: usize = 2;
/// Nelder-Mead evaluations after the grid.
const SEARCH_EVALUATIONS: usize = 60;

/// Smoothing parameters, each in `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parameters {
    /// Level.
    pub alpha: f64,
    /// Intraday season.
    pub delta: f64,
    /// Intraweek season.
    pub omega: f64,
}

/// Double-seasonal Holt-Winters with parameters fitted per queue.
#[derive(Debug, Clone, Copy, Default)]
pub struct HoltWinters {
    /// Fixed parameters instead of fitted ones (for tests and studies).
    pub fixed: Option<Parameters>,
}

/// The smoothing state after a pass over the data.
#[derive(Debug, Clone)]
struct State {
    level: f64,
    /// Intraday indexes by slot of the day.
    daily: Vec<f64>,
    /// Intraweek indexes by slot of the week (weekday × slots + slot, from the window's
    /// first weekday).
    weekly: Vec<f64>,
}

impl Forecaster for HoltWinters {
    fn name(&self) -> &'static str {
        "holt-winters"
    }

    fn fit_predict(&self, history: &DayGrid, days: usize) -> Result<Vec<f64>> {
        let n = history.days();
        if n < 7 * (INIT_WEEKS + 1) {
            return Err(Error::input(
                "holt-winters needs at least three weeks of history",
            ));
        }
        let slots = history.slots();
        // Whole weeks, so the window starts on the weekday the forecast starts on.
        let start = n - 7 * FIT_WEEKS.min(n / 7);
        let window = &history.values()[start * slots..];
        let initial = initial_state(window, slots);
        let parameters = match self.fixed {
            Some(parameters) => parameters,
            None => fit_parameters(window, slots, &initial),
        };
        let mut state = initial;
        let init = INIT_WEEKS * 7 * slots;
        run(&mut state, &window[init..], slots, &parameters, None);
        // The window holds whole weeks: the next slot is week-slot 0.
        let week = 7 * slots;
        Ok((0..days * slots)
            .map(|k| {
                let week_slot = k % week;
                state.level + state.daily[week_slot % slots] + state.weekly[week_slot]
            })
            .collect())
    }
}

/// Level, intraday and intraweek indexes from the first two weeks: the level is their
/// mean, the intraday index each slot's mean deviation from it, the intraweek index
/// each week-slot's remaining deviation.
fn initial_state(window: &[Option<f64>], slots: usize) -> State {
    let week = 7 * slots;
    let init = &window[..(INIT_WEEKS * week).min(window.len())];
    let mean = |values: &mut dyn Iterator<Item = Option<f64>>| {
        let (sum, count) = values
            .flatten()
            .fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
        (count > 0).then(|| sum / count as f64)
    };
    let level = mean(&mut init.iter().copied()).unwrap_or(0.0);
    let daily: Vec<f64> = (0..slots)
        .map(|s| mean(&mut init.iter().skip(s).step_by(slots).copied()).unwrap_or(level) - level)
        .collect();
    let weekly = (0..week)
        .map(|w| {
            mean(&mut init.iter().skip(w).step_by(week).copied())
                .map_or(0.0, |m| m - level - daily[w % slots])
        })
        .collect();
    State {
        level,
        daily,
        weekly,
    }
}

/// One smoothing pass over `values`, which start at week-slot 0. With `lead`, returns
/// the sum of squared errors of the forecasts made `lead` slots (less than a week)
/// earlier.
fn run(
    state: &mut State,
    values: &[Option<f64>],
    slots: usize,
    p: &Parameters,
    lead: Option<usize>,
) -> f64 {
    let week = 7 * slots;
    let lead = lead.unwrap_or(0);
    // Forecasts made `lead` slots earlier, in a ring indexed by time modulo `lead`.
    let mut pending = vec![f64::NAN; lead.max(1)];
    let (season_gain_daily, season_gain_weekly) =
        (p.delta * (1.0 - p.alpha), p.omega * (1.0 - p.alpha));
    let mut sse = 0.0;
    let (mut week_slot, mut day_slot, mut ring) = (0, 0, 0);
    let (mut target, mut target_day) = (lead % week, lead % slots);
    for value in values {
        if let Some(y) = value {
            if lead > 0 && pending[ring].is_finite() {
                sse += (y - pending[ring]).powi(2);
            }
            let error = y - (state.level + state.daily[day_slot] + state.weekly[week_slot]);
            state.level += p.alpha * error;
            state.daily[day_slot] += season_gain_daily * error;
            state.weekly[week_slot] += season_gain_weekly * error;
        }
        if lead > 0 {
            pending[ring] = state.level + state.daily[target_day] + state.weekly[target];
            ring = if ring + 1 == lead { 0 } else { ring + 1 };
            target = if target + 1 == week { 0 } else { target + 1 };
            target_day = if target_day + 1 == slots {
                0
            } else {
                target_day + 1
            };
        }
        week_slot = if week_slot + 1 == week {
            0
        } else {
            week_slot + 1
        };
        day_slot = if day_slot + 1 == slots {
            0
        } else {
            day_slot + 1
        };
    }
    sse
}

/// Parameters minimising the squared day-ahead errors over the window.
fn fit_parameters(window: &[Option<f64>], slots: usize, initial: &State) -> Parameters {
    let init = INIT_WEEKS * 7 * slots;
    let parameters = |x: &[f64]| Parameters {
        alpha: x[0],
        delta: x[1],
        omega: x[2],
    };
    let mut cost = |x: &[f64]| {
        let mut state = initial.clone();
        run(
            &mut state,
            &window[init..],
            slots,
            &parameters(x),
            Some(slots),
        )
    };
    let start = grid(&[&[0.002, 0.02, 0.1], &[0.0, 0.1, 0.3], &[0.02, 0.1, 0.3]]);
    let (best, _) = minimize_in_unit_box(&mut cost, &start, 0.05, SEARCH_EVALUATIONS);
    parameters(&best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn weekly(day: usize, slot: usize) -> f64 {
        let weekday_factor = [1.2, 1.1, 1.0, 1.0, 0.9, 0.4, 0.0][day % 7];
        let intraday = if (8..20).contains(&slot) {
            10.0 + slot as f64
        } else {
            0.0
        };
        weekday_factor * intraday
    }

    #[test]
    fn recovers_a_pure_weekly_pattern_through_gaps() {
        let first = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(); // Monday
        let values = (0..8 * 7 * 24)
            .map(|i| {
                let (day, slot) = (i / 24, i % 24);
                // Day 30 is missing (a gap), like any holiday removed before fitting.
                (day != 30).then(|| weekly(day, slot))
            })
            .collect();
        let grid = DayGrid::new(first, 24, values);
        let forecast = HoltWinters::default().fit_predict(&grid, 14).unwrap();
        for (i, value) in forecast.iter().enumerate() {
            let expected = weekly(56 + i / 24, i % 24);
            assert!(
                (value - expected).abs() < 1e-6,
                "{i}: {value} vs {expected}"
            );
        }
    }

    #[test]
    fn follows_a_level_shift() {
        // Same pattern, every value +5 in the last three weeks: a good level follows.
        let first = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let values = (0..10 * 7 * 24)
            .map(|i| {
                let (day, slot) = (i / 24, i % 24);
                Some(weekly(day, slot) + if day >= 49 { 5.0 } else { 0.0 })
            })
            .collect();
        let grid = DayGrid::new(first, 24, values);
        let forecast = HoltWinters::default().fit_predict(&grid, 7).unwrap();
        let mean_error = forecast
            .iter()
            .enumerate()
            .map(|(i, f)| f - (weekly(70 + i / 24, i % 24) + 5.0))
            .sum::<f64>()
            / forecast.len() as f64;
        assert!(mean_error.abs() < 1.0, "{mean_error}");
    }
}
