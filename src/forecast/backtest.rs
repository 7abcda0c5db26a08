//! `wfm backtest`: rolling-origin evaluation of the whole forecasting procedure.
//!
//! At each origin the history is cut, the forecast is made exactly as `wfm forecast`
//! would make it on that day (method choice, calendar, closed hours, intervals), and
//! compared with the calls that followed (Tashman 2000, IJF 16:437). Origins step back
//! from the end of the history so the last one's horizon ends on the last day.
//!
//! Scores, over every observed interval of every origin:
//! * WAPE: absolute errors over actual calls (Kolassa & Schütz 2007), the share of calls
//!   put in the wrong half-hour or forecast that never came;
//! * MASE: mean absolute error over the in-sample mean absolute error of the one-week
//!   seasonal naive forecast (Hyndman & Koehler 2006, IJF 22:679), per origin, averaged;
//!   below 1 beats "same time last week" as a fit;
//! * bias: (forecast − actual) summed over actual calls; positive = over-forecast;
//! * coverage: the share of actuals inside the prediction interval, counted over the
//!   intervals that were open (forecast or actual above zero: a closed night with no
//!   calls says nothing about the interval).

use chrono::Duration;

use crate::error::{Error, Result};
use crate::forecast::series::{DayGrid, QueueHistory};
use crate::forecast::{forecast_queue, parallel_map, ForecastOptions, Method, MIN_HISTORY_DAYS};
use crate::units::format_number;

/// How to backtest.
#[derive(Debug, Clone)]
pub struct BacktestOptions {
    /// Days forecast from each origin.
    pub horizon: usize,
    /// Number of origins.
    pub origins: usize,
    /// Days between origins (the horizon by default: each day scored once).
    pub step: usize,
    pub methods: Vec<Method>,
    /// Level, calendar and hours; its `method` is replaced by each of `methods`.
    pub forecast: ForecastOptions,
}

/// The scores of one method on one queue.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestRow {
    pub queue: String,
    pub method: String,
    pub origins: usize,
    /// Observed intervals scored.
    pub intervals: usize,
    pub wape: f64,
    pub mase: f64,
    pub bias: f64,
    pub coverage: f64,
}

/// Columns of the backtest CSV.
pub const BACKTEST_COLUMNS: [&str; 8] = [
    "queue",
    "method",
    "origins",
    "intervals",
    "wape",
    "mase",
    "bias",
    "coverage",
];

/// Sums over the scored intervals of one origin.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    actual: f64,
    absolute_error: f64,
    error: f64,
    scored: usize,
    open: usize,
    covered: usize,
    /// Mean absolute error of the in-sample one-week seasonal naive forecast.
    naive_scale: f64,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.actual += other.actual;
        self.absolute_error += other.absolute_error;
        self.error += other.error;
        self.scored += other.scored;
        self.open += other.open;
        self.covered += other.covered;
    }
}

/// Day indexes of the origins, earliest first, or an input error when the history is
/// too short for them.
pub fn origin_days(history: &QueueHistory, options: &BacktestOptions) -> Result<Vec<usize>> {
    if options.horizon == 0 || options.origins == 0 || options.step == 0 {
        return Err(Error::input(
            "backtest horizon, origins and step must be at least 1",
        ));
    }
    let n = history.calls.days();
    let needed = MIN_HISTORY_DAYS + options.horizon + (options.origins - 1) * options.step;
    if n < needed {
        let possible = n.saturating_sub(MIN_HISTORY_DAYS + options.horizon) / options.step
            + usize::from(n >= MIN_HISTORY_DAYS + options.horizon);
        return Err(Error::input(format!(
            "queue \"{}\": {n} days of history hold {possible} forecast origin(s) of {} days, {} days apart, after the first {MIN_HISTORY_DAYS} days of training; {} were asked for",
            history.queue, options.horizon, options.step, options.origins
        )));
    }
    Ok((0..options.origins)
        .rev()
        .map(|k| n - options.horizon - k * options.step)
        .collect())
}

/// Backtests every method on one queue.
pub fn backtest_queue(
    history: &QueueHistory,
    options: &BacktestOptions,
) -> Result<Vec<BacktestRow>> {
    let origins = origin_days(history, options)?;
    let tasks: Vec<(usize, &Method)> = options
        .methods
        .iter()
        .flat_map(|method| origins.iter().map(move |&origin| (origin, method)))
        .collect();
    let tallies: Vec<Tally> = parallel_map(&tasks, |&(origin, method)| {
        score_origin(history, origin, method, options)
    })
    .into_iter()
    .collect::<Result<_>>()?;
    let mut rows = Vec::new();
    for (m, method) in options.methods.iter().enumerate() {
        let per_origin = &tallies[m * origins.len()..(m + 1) * origins.len()];
        let mut total = Tally::default();
        let mut mase_sum = 0.0;
        let mut mase_count = 0;
        for tally in per_origin {
            total.add(tally);
            if tally.scored > 0 && tally.naive_scale > 0.0 {
                mase_sum += tally.absolute_error / tally.scored as f64 / tally.naive_scale;
                mase_count += 1;
            }
        }
        rows.push(BacktestRow {
            queue: history.queue.clone(),
            method: method.name().to_string(),
            origins: origins.len(),
            intervals: total.scored,
            wape: ratio(total.absolute_error, total.actual),
            mase: ratio(mase_sum, mase_count as f64),
            bias: ratio(total.error, total.actual),
            coverage: ratio(total.covered as f64, total.open as f64),
        });
    }
    Ok(rows)
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else {
        f64::NAN
    }
}

/// Forecasts from `origin` as `wfm forecast` would and scores it on what followed.
fn score_origin(
    history: &QueueHistory,
    origin: usize,
    method: &Method,
    options: &BacktestOptions,
) -> Result<Tally> {
    let training = history.prefix(origin);
    let forecast_options = ForecastOptions {
        method: method.clone(),
        ..options.forecast.clone()
    };
    let start = history.calls.first_day() + Duration::days(origin as i64);
    let forecast = forecast_queue(&training, start, options.horizon, &forecast_options)?;
    let slots = history.calls.slots();
    let mut tally = Tally {
        naive_scale: seasonal_naive_scale(&training.calls),
        ..Tally::default()
    };
    for index in 0..options.horizon * slots {
        let Some(actual) = history.calls.values()[origin * slots + index] else {
            continue;
        };
        let predicted = forecast.calls[index];
        tally.actual += actual;
        tally.absolute_error += (actual - predicted).abs();
        tally.error += predicted - actual;
        tally.scored += 1;
        if predicted > 0.0 || actual > 0.0 {
            tally.open += 1;
            let inside = forecast.calls_lo[index] <= actual && actual <= forecast.calls_hi[index];
            tally.covered += usize::from(inside);
        }
    }
    Ok(tally)
}

/// In-sample mean absolute error of "same slot one week earlier" (the MASE scale).
fn seasonal_naive_scale(history: &DayGrid) -> f64 {
    let lag = 7 * history.slots();
    let values = history.values();
    let (sum, count) = (lag..values.len())
        .filter_map(|i| Some((values[i]? - values[i - lag]?).abs()))
        .fold((0.0, 0usize), |(s, c), e| (s + e, c + 1));
    ratio(sum, count as f64)
}

/// Backtests every queue (in order) with every method.
pub fn backtest_queues(
    histories: &[QueueHistory],
    options: &BacktestOptions,
) -> Result<Vec<BacktestRow>> {
    let (most_days, most_origins) = (
        crate::limits::MAX_HORIZON_DAYS as usize,
        crate::limits::MAX_BACKTEST_ORIGINS,
    );
    if !(1..=most_days).contains(&options.horizon)
        || !(1..=most_origins).contains(&options.origins)
        || !(1..=most_days).contains(&options.step)
    {
        return Err(crate::error::Error::input(format!(
            "--horizon {} and --step {} must be 1 to {most_days} days, --origins {} 1 to {most_origins}",
            options.horizon, options.step, options.origins
        )));
    }
    let mut rows = Vec::new();
    for history in histories {
        rows.extend(backtest_queue(history, options)?);
    }
    Ok(rows)
}

/// CSV rows of the scores (fractions, four decimals; empty where undefined, e.g. MASE
/// of a history the seasonal naive method fits exactly).
pub fn backtest_rows(rows: &[BacktestRow]) -> Vec<Vec<String>> {
    let number = |value: f64| {
        if value.is_finite() {
            format_number(value, 4)
        } else {
            String::new()
        }
    };
    rows.iter()
        .map(|row| {
            vec![
                row.queue.clone(),
                row.method.clone(),
                row.origins.to_string(),
                row.intervals.to_string(),
                number(row.wape),
                number(row.mase),
                number(row.bias),
                number(row.coverage),
            ]
        })
        .collect()
}

/// The scores as an aligned table for the screen (percentages).
pub fn render_table(rows: &[BacktestRow], level: f64) -> String {
    let percent = |v: f64| {
        if v.is_finite() {
            format!("{:.1}%", v * 100.0)
        } else {
            "-".to_string()
        }
    };
    let coverage_header = format!("in {:.0}% PI", level * 100.0);
    let header = [
        "queue",
        "method",
        "origins",
        "WAPE",
        "MASE",
        "bias",
        coverage_header.as_str(),
    ]
    .map(String::from);
    let body: Vec<[String; 7]> = rows
        .iter()
        .map(|row| {
            [
                row.queue.clone(),
                row.method.clone(),
                row.origins.to_string(),
                percent(row.wape),
                if row.mase.is_finite() {
                    format!("{:.3}", row.mase)
                } else {
                    "-".to_string()
                },
                percent(row.bias),
                percent(row.coverage),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..7)
        .map(|c| {
            body.iter()
                .map(|r| r[c].len())
                .chain([header[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String; 7]| {
        cells
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                if c < 2 {
                    format!("{cell:<width$}", width = widths[c])
                } else {
                    format!("{cell:>width$}", width = widths[c])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut text = line(&header);
    for row in &body {
        text.push('\n');
        text.push_str(&line(row));
    }
    text
}
