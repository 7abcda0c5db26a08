//! Double-seasonal Holt-Winters exponential smoothing (Taylor 2003, "Short-term
//! electricity demand forecasting using double seasonal exponential smoothing", JORS
//! 54:799-805), as applied to call arrivals by Taylor (2008, Management Science 54:253).
//!
//! A level and two seasonal cycles, intraday (one day of slots) and intraweek (one week),
//! each updated by exponential smoothing, plus Taylor's AR(1) adjustment of the residual:
//!
//! ```text
//! e_t = y_t - (l_{t-1} + d_{t-m1} + w_{t-m2})
//! l_t = l_{t-1} + α e_t
//! d_t = d_{t-m1} + δ (1 - α) e_t        (= δ (y_t - l_t - w_{t-m2}) + (1 - δ) d_{t-m1})
//! w_t = w_{t-m2} + ω (1 - α) e_t
//! ŷ_t(k) = l_t + d_{t+k-m1} + w_{t+k-m2} + φ^k e_t
//! ```
//!
//! The additive form is used rather than Taylor's multiplicative one because call
//! centers are closed for hours: a multiplicative index divides by zero there, an
//! additive one just learns the zero. Taylor found the trend term unhelpful for these
//! series and it is a liability a month ahead, so there is none. Missing slots (gaps,
//! holidays) leave the state unchanged.
//!
//! The parameters minimise the squared errors of forecasts made one day ahead over the
//! last weeks of history (coarse grid, then Nelder-Mead). Taylor fits one-step-ahead
//! errors; for a forecast a month ahead that rewards a level that chases each half-hour,
//! so wfm fits at the shortest lead that matters for planning, one day.

use crate::error::{Error, Result};
use crate::forecast::optimize::{grid, minimize_in_unit_box};
use crate::forecast::series::DayGrid;
use crate::forecast::Forecaster;

/// Weeks of history used to fit the parameters (the first two initialise the state).
const FIT_WEEKS: usize = 16;
/// Weeks that initialise level and seasonal indexes.
const INIT_WEEKS: usize = 2;

/// Smoothing parameters, each in `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parameters {
    /// Level.
    pub alpha: f64,
    /// Intraday season.
    pub delta: f64,
    /// Intraweek season.
    pub omega: f64,
    /// AR(1) coefficient of the one-step error.
    pub phi: f64,
}

/// Double-seasonal Holt-Winters with parameters fitted per queue.
#[derive(Debug, Clone, Copy, Default)]
pub struct HoltWinters {
    /// Fixed parameters instead of fitted ones (for tests and studies).
    pub fixed: Option<Parameters>,
}

/// The smoothing state after a pass over the data.
struct State {
    level: f64,
    /// Intraday indexes by slot of the day.
    daily: Vec<f64>,
    /// Intraweek indexes by slot of the week (weekday × slots + slot).
    weekly: Vec<f64>,
    /// The last one-step error (for the AR adjustment).
    last_error: f64,
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
        let start = n.saturating_sub(7 * FIT_WEEKS);
        let window = &history.values()[start * slots..];
        let first_weekday = history.weekday(start);
        let parameters = match self.fixed {
            Some(parameters) => parameters,
            None => fit_parameters(window, slots, first_weekday),
        };
        let mut state = initial_state(window, slots, first_weekday);
        let init = INIT_WEEKS * 7 * slots;
        run(
            &mut state,
            &window[init..],
            slots,
            (first_weekday * slots + init) % (7 * slots),
            &parameters,
            None,
        );
        let end_slot = (n * slots - start * slots + first_weekday * slots) % (7 * slots);
        Ok((1..=days * slots)
            .map(|k| {
                let week_slot = (end_slot + k - 1) % (7 * slots);
                state.level
                    + state.daily[week_slot % slots]
                    + state.weekly[week_slot]
                    + parameters.phi.powi(k as i32) * state.last_error
            })
            .collect())
    }
}

/// Level, intraday and intraweek indexes from the first two weeks: the level is their
/// mean, the intraday index each slot's mean deviation from it, the intraweek index
/// each week-slot's remaining deviation.
fn initial_state(window: &[Option<f64>], slots: usize, first_weekday: usize) -> State {
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
    let mut weekly = vec![0.0; week];
    for offset in 0..week {
        let week_slot = (first_weekday * slots + offset) % week;
        if let Some(m) = mean(&mut init.iter().skip(offset).step_by(week).copied()) {
            weekly[week_slot] = m - level - daily[week_slot % slots];
        }
    }
    State {
        level,
        daily,
        weekly,
        last_error: 0.0,
    }
}

/// One smoothing pass over `values` starting at slot-of-week `week_slot`. With `lead`,
/// returns the sum of squared errors of the forecasts made `lead` slots ahead.
fn run(
    state: &mut State,
    values: &[Option<f64>],
    slots: usize,
    mut week_slot: usize,
    p: &Parameters,
    lead: Option<usize>,
) -> f64 {
    let week = 7 * slots;
    let lead = lead.unwrap_or(0);
    // Forecasts made `lead` slots earlier, by target position modulo `lead`.
    let mut pending = vec![f64::NAN; lead.max(1)];
    let phi_lead = p.phi.powi(lead as i32);
    let mut sse = 0.0;
    for (t, value) in values.iter().enumerate() {
        let day_slot = week_slot % slots;
        let expected = state.level + state.daily[day_slot] + state.weekly[week_slot];
        if let Some(y) = value {
            if lead > 0 && pending[t % lead].is_finite() {
                sse += (y - pending[t % lead]).powi(2);
            }
            let error = y - expected;
            state.level += p.alpha * error;
            state.daily[day_slot] += p.delta * (1.0 - p.alpha) * error;
            state.weekly[week_slot] += p.omega * (1.0 - p.alpha) * error;
            state.last_error = error;
        } else {
            state.last_error *= p.phi;
        }
        if lead > 0 {
            let target = (week_slot + lead) % week;
            pending[t % lead] = state.level
                + state.daily[target % slots]
                + state.weekly[target]
                + phi_lead * state.last_error;
        }
        week_slot = (week_slot + 1) % week;
    }
    sse
}

/// Parameters minimising the squared day-ahead errors over the window.
fn fit_parameters(window: &[Option<f64>], slots: usize, first_weekday: usize) -> Parameters {
    let init = INIT_WEEKS * 7 * slots;
    let start_slot = (first_weekday * slots + init) % (7 * slots);
    let parameters = |x: &[f64]| Parameters {
        alpha: x[0],
        delta: x[1],
        omega: x[2],
        phi: x[3],
    };
    let mut cost = |x: &[f64]| {
        let mut state = initial_state(window, slots, first_weekday);
        run(
            &mut state,
            &window[init..],
            slots,
            start_slot,
            &parameters(x),
            Some(slots),
        )
    };
    let start = grid(&[
        &[0.002, 0.02, 0.1],
        &[0.0, 0.1, 0.3],
        &[0.02, 0.1, 0.3],
        &[0.0, 0.8],
    ]);
    let (best, _) = minimize_in_unit_box(&mut cost, &start, 0.05, 80);
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
