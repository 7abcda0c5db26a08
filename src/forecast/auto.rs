//! `auto`: per queue, the method (or the mean of two methods) with the lowest error in a
//! rolling-origin backtest on the queue's own recent history.
//!
//! Rolling-origin evaluation (Tashman 2000, "Out-of-sample tests of forecasting accuracy",
//! IJF 16:437) refits each candidate at several past origins and scores it on the days
//! that followed, at the lead times the real forecast will have. The same errors give
//! the prediction intervals ([`crate::forecast::intervals`]), for a single method too.
//! Averaging two methods often beats both (Bates & Granger 1969; Taylor 2008 found
//! combinations among the best for call arrivals), so pairs compete with single methods,
//! and a pair is kept only when it scores strictly better.

use crate::forecast::hours::OpenSlots;
use crate::forecast::series::DayGrid;
use crate::forecast::Forecaster;

/// Past origins of the internal backtest.
pub const INTERNAL_ORIGINS: usize = 3;
/// Longest scored stretch after each origin, days.
pub const MAX_EVALUATION_DAYS: usize = 28;
/// Shortest scored stretch, days: below it the history is too short to evaluate.
pub const MIN_EVALUATION_DAYS: usize = 7;
/// Shortest training history at an origin, days.
pub const MIN_TRAINING_DAYS: usize = 14;

/// Out-of-sample forecasts of each candidate on the same observed slots.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    /// Indexes (into the candidate list) of candidates that forecast at every origin.
    pub candidates: Vec<usize>,
    /// Observed calls of every scored slot.
    pub actuals: Vec<f64>,
    /// Per entry of `candidates`, its forecasts aligned with `actuals`.
    pub forecasts: Vec<Vec<f64>>,
}

/// Which candidates to average (one: a single method).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub members: Vec<usize>,
}

/// A candidate's forecast with closed slots set to zero.
pub fn masked_forecast(
    method: &dyn Forecaster,
    history: &DayGrid,
    days: usize,
    open: &OpenSlots,
) -> crate::Result<Vec<f64>> {
    let mut forecast = method.fit_predict(history, days)?;
    let slots = history.slots();
    for (ahead, day) in forecast.chunks_mut(slots).enumerate() {
        let weekday = history.weekday(history.days() + ahead);
        for (slot, value) in day.iter_mut().enumerate() {
            if !open.is_open(weekday, slot) || !value.is_finite() {
                *value = 0.0;
            }
            *value = value.max(0.0);
        }
    }
    Ok(forecast)
}

/// Backtests `methods` on `history` (normal days only) at up to [`INTERNAL_ORIGINS`]
/// origins, each scored on the following `min(horizon, 28)` days. Returns an empty
/// evaluation when the history is too short.
pub fn evaluate(
    methods: &[&dyn Forecaster],
    history: &DayGrid,
    open: &OpenSlots,
    horizon: usize,
) -> Evaluation {
    let n = history.days();
    let length = horizon
        .min(MAX_EVALUATION_DAYS)
        .min(n.saturating_sub(MIN_TRAINING_DAYS));
    if length < MIN_EVALUATION_DAYS {
        return Evaluation::default();
    }
    let origins: Vec<usize> = (1..=INTERNAL_ORIGINS)
        .map(|k| n as i64 - (k * length) as i64)
        .take_while(|&origin| origin >= MIN_TRAINING_DAYS as i64)
        .map(|origin| origin as usize)
        .collect();
    let slots = history.slots();
    let mut evaluation = Evaluation {
        candidates: (0..methods.len()).collect(),
        forecasts: vec![Vec::new(); methods.len()],
        ..Evaluation::default()
    };
    let mut failed = vec![false; methods.len()];
    for &origin in &origins {
        let training = history.prefix(origin);
        let scored: Vec<usize> = (0..length * slots)
            .filter(|&i| history.values()[origin * slots + i].is_some())
            .collect();
        evaluation.actuals.extend(
            scored
                .iter()
                .map(|&i| history.values()[origin * slots + i].unwrap_or(0.0)),
        );
        for (m, method) in methods.iter().enumerate() {
            match masked_forecast(*method, &training, length, open) {
                Ok(forecast) => evaluation.forecasts[m].extend(scored.iter().map(|&i| forecast[i])),
                Err(_) => failed[m] = true,
            }
        }
    }
    let kept: Vec<usize> = (0..methods.len()).filter(|&m| !failed[m]).collect();
    evaluation.forecasts = kept
        .iter()
        .map(|&m| std::mem::take(&mut evaluation.forecasts[m]))
        .collect();
    evaluation.candidates = kept;
    evaluation
}

impl Evaluation {
    /// Whether any candidate was scored.
    pub fn is_empty(&self) -> bool {
        self.actuals.is_empty() || self.candidates.is_empty()
    }

    /// The forecasts of a choice: the mean of its members' forecasts.
    fn combined(&self, members: &[usize]) -> Vec<f64> {
        let positions: Vec<usize> = members
            .iter()
            .filter_map(|m| self.candidates.iter().position(|c| c == m))
            .collect();
        (0..self.actuals.len())
            .map(|i| {
                positions.iter().map(|&p| self.forecasts[p][i]).sum::<f64>()
                    / positions.len() as f64
            })
            .collect()
    }

    /// Weighted absolute percentage error of a choice.
    pub fn wape(&self, members: &[usize]) -> f64 {
        let forecast = self.combined(members);
        wape(&self.actuals, &forecast)
    }

    /// `(actual, forecast)` pairs of a choice, for the prediction intervals.
    pub fn pairs(&self, members: &[usize]) -> Vec<(f64, f64)> {
        self.actuals
            .iter()
            .copied()
            .zip(self.combined(members))
            .collect()
    }

    /// The single candidate or pair with the lowest WAPE; a pair must beat the best
    /// single candidate. `None` when nothing was scored.
    pub fn choose(&self) -> Option<Choice> {
        if self.is_empty() {
            return None;
        }
        let score = |members: &[usize]| self.wape(members);
        let best_single = *self
            .candidates
            .iter()
            .min_by(|a, b| score(&[**a]).total_cmp(&score(&[**b])))?;
        let mut best = (vec![best_single], score(&[best_single]));
        for (i, &a) in self.candidates.iter().enumerate() {
            for &b in &self.candidates[i + 1..] {
                let wape = score(&[a, b]);
                if wape < best.1 {
                    best = (vec![a, b], wape);
                }
            }
        }
        Some(Choice { members: best.0 })
    }
}

/// Sum of absolute errors over the sum of actuals (Kolassa & Schütz 2007, Foresight 6:40):
/// the share of calls a forecast misplaces; `NaN` without calls.
pub fn wape(actuals: &[f64], forecasts: &[f64]) -> f64 {
    let errors: f64 = actuals
        .iter()
        .zip(forecasts)
        .map(|(a, f)| (a - f).abs())
        .sum();
    let total: f64 = actuals.iter().sum();
    if total > 0.0 {
        errors / total
    } else {
        f64::NAN
    }
}
