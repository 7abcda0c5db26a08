//! The long-range volume forecast: weekly level with trend and yearly seasonality,
//! days by weekday shares and calendar effects, and its backtest.
//!
//! A month's forecast works slot by slot from recent weeks; a year ahead needs the
//! slow components instead. Each queue's daily totals are cleaned of special days
//! (holidays, events and closed days of `calendar.csv`, whose effects are learned as
//! the monthly forecast learns them, [`CalendarEffects`]); each week's *level* is the
//! volume it would have had without them (its normal days over their weekday shares).
//! The log of the level is fitted by least squares to a linear trend plus
//! [`HARMONICS`] yearly Fourier pairs (harmonic regression, Hyndman & Athanasopoulos,
//! *Forecasting: Principles and Practice*, 3rd ed., 2021, section 7.4, "Fourier
//! series"), and transformed back with Duan's smearing factor (Duan 1983, "Smearing
//! estimate: a nonparametric retransformation method", JASA 78:605) so the forecast is
//! of the mean, not the median. A future day is then level × weekday share × its
//! calendar effect.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use crate::forecast::calendar::{Calendar, CalendarEffects, DayEffect};
use crate::forecast::series::DayGrid;

/// Yearly Fourier pairs of the seasonal term: three pairs follow a seasonal shape with
/// a peak and a trough per season without chasing single weeks.
pub const HARMONICS: usize = 3;
/// Weeks in a year: the seasonal period (365.25 / 7).
pub const PERIOD_WEEKS: f64 = 365.25 / 7.0;
/// Weeks of levels needed before seasonality is fitted (a year and a quarter: with
/// less, season and trend cannot be told apart).
pub const SEASONAL_MIN_WEEKS: usize = 65;
/// Weeks of levels needed before a trend is fitted (with less, a constant level).
pub const TREND_MIN_WEEKS: usize = 13;
/// A week counts as a level only when its normal days carry at least this share of a
/// normal week's volume (a week of holidays says little about the level).
pub const MIN_WEEK_SHARE: f64 = 0.5;
/// Weeks of recent normal days whose weekday shares split a week into days.
pub const WEEKDAY_WEEKS: usize = 52;
/// The horizons the backtest scores, weeks ahead.
pub const BACKTEST_HORIZONS: [usize; 3] = [4, 13, 26];
/// Backtest origins are this many weeks apart ...
pub const BACKTEST_STEP: usize = 4;
/// ... with their target weeks in the history's last this many weeks ...
pub const BACKTEST_SPAN: usize = 52;
/// ... and at least this many weeks of history before each origin.
pub const BACKTEST_MIN_TRAIN: usize = 26;

/// Daily totals of one queue, by date.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyVolume {
    pub first_day: NaiveDate,
    /// Offered calls per day; `None` where a slot is missing.
    pub totals: Vec<Option<f64>>,
}

impl DailyVolume {
    pub fn from_grid(grid: &DayGrid) -> Self {
        DailyVolume {
            first_day: grid.first_day(),
            totals: (0..grid.days()).map(|day| grid.daily_total(day)).collect(),
        }
    }

    fn date(&self, day: usize) -> NaiveDate {
        self.first_day + Duration::days(day as i64)
    }

    fn total_on(&self, date: NaiveDate) -> Option<f64> {
        let day = (date - self.first_day).num_days();
        usize::try_from(day)
            .ok()
            .and_then(|day| self.totals.get(day).copied().flatten())
    }
}

/// The Monday of the week holding `date`.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// A fitted weekly model of one queue.
#[derive(Debug, Clone, PartialEq)]
pub struct WeeklyModel {
    /// Monday of week 0 of the regression.
    origin: NaiveDate,
    /// Share of a normal week's volume on each weekday (Monday first).
    pub weekday_shares: [f64; 7],
    effects: CalendarEffects,
    coefficients: Vec<f64>,
    harmonics: usize,
    trend: bool,
    smearing: f64,
    /// Weeks of levels the fit saw.
    pub fitted_weeks: usize,
}

impl WeeklyModel {
    /// Fits the model on `volume` (the history) with `grid`'s calendar effects; `None`
    /// when the history holds no normal week with calls (the queue is forecast at 0).
    pub fn fit(
        volume: &DailyVolume,
        effects: CalendarEffects,
        calendar: &Calendar,
    ) -> Option<Self> {
        let weekday_shares = weekday_shares(volume, calendar)?;
        let origin = monday_of(volume.first_day);
        let levels = weekly_levels(volume, calendar, &weekday_shares, origin);
        if levels.is_empty() {
            return None;
        }
        let span = levels.last().map_or(0, |(w, _)| *w) - levels[0].0 + 1;
        let harmonics = if span >= SEASONAL_MIN_WEEKS {
            HARMONICS
        } else {
            0
        };
        let trend = span >= TREND_MIN_WEEKS;
        let rows: Vec<Vec<f64>> = levels
            .iter()
            .map(|(week, _)| features(*week as f64, trend, harmonics))
            .collect();
        let targets: Vec<f64> = levels.iter().map(|(_, level)| level.ln()).collect();
        let coefficients = least_squares(&rows, &targets)?;
        let smearing = rows
            .iter()
            .zip(&targets)
            .map(|(row, y)| (y - dot(row, &coefficients)).exp())
            .sum::<f64>()
            / rows.len() as f64;
        Some(WeeklyModel {
            origin,
            weekday_shares,
            effects,
            coefficients,
            harmonics,
            trend,
            smearing,
            fitted_weeks: levels.len(),
        })
    }

    /// The normal-week volume of the week starting `monday`.
    pub fn level(&self, monday: NaiveDate) -> f64 {
        let week = (monday - self.origin).num_days() as f64 / 7.0;
        let row = features(week, self.trend, self.harmonics);
        dot(&row, &self.coefficients).exp() * self.smearing
    }

    /// Forecast calls on `date`: its week's level, its weekday's share and its
    /// calendar effect.
    pub fn day(&self, date: NaiveDate, calendar: &Calendar) -> f64 {
        let share = self.weekday_shares[date.weekday().num_days_from_monday() as usize];
        let effect = match self.effects.effect(calendar, date) {
            DayEffect::Normal => 1.0,
            DayEffect::Closed => 0.0,
            DayEffect::Scale(factor) => factor,
        };
        self.level(monday_of(date)) * share * effect
    }

    /// Forecast calls of the seven days from `monday`.
    pub fn week(&self, monday: NaiveDate, calendar: &Calendar) -> [f64; 7] {
        std::array::from_fn(|d| self.day(monday + Duration::days(d as i64), calendar))
    }

    /// How the model was fitted, for the summary.
    pub fn describe(&self) -> String {
        match (self.trend, self.harmonics) {
            (true, h) if h > 0 => format!("log-linear trend + {h} yearly harmonics"),
            (true, _) => "log-linear trend (under 65 weeks: no seasonality)".into(),
            _ => "constant level (under 13 weeks of history)".into(),
        }
    }
}

/// Whether a date is a normal day for fitting: not in the calendar.
fn is_normal(calendar: &Calendar, date: NaiveDate) -> bool {
    !calendar.is_special(date)
}

/// Mean normal-day volume per weekday over the last [`WEEKDAY_WEEKS`] weeks, as
/// shares of their sum; `None` without calls.
fn weekday_shares(volume: &DailyVolume, calendar: &Calendar) -> Option<[f64; 7]> {
    let first = volume.totals.len().saturating_sub(WEEKDAY_WEEKS * 7);
    let mut sums = [0.0; 7];
    let mut counts = [0_u32; 7];
    for (day, total) in volume.totals.iter().enumerate().skip(first) {
        let date = volume.date(day);
        if let (Some(total), true) = (total, is_normal(calendar, date)) {
            let weekday = date.weekday().num_days_from_monday() as usize;
            sums[weekday] += total;
            counts[weekday] += 1;
        }
    }
    let means: [f64; 7] = std::array::from_fn(|d| {
        if counts[d] > 0 {
            sums[d] / f64::from(counts[d])
        } else {
            0.0
        }
    });
    let total: f64 = means.iter().sum();
    (total > 0.0).then(|| std::array::from_fn(|d| means[d] / total))
}

/// (week index from `origin`, level) of every week whose normal days carry enough
/// of a week and have calls.
fn weekly_levels(
    volume: &DailyVolume,
    calendar: &Calendar,
    shares: &[f64; 7],
    origin: NaiveDate,
) -> Vec<(usize, f64)> {
    let end = volume.date(volume.totals.len());
    let mut levels = Vec::new();
    let mut monday = origin;
    let mut week = 0;
    while monday + Duration::days(7) <= end {
        let (mut calls, mut share) = (0.0, 0.0);
        for d in 0..7 {
            let date = monday + Duration::days(d);
            if let (Some(total), true) = (volume.total_on(date), is_normal(calendar, date)) {
                calls += total;
                share += shares[d as usize];
            }
        }
        if share >= MIN_WEEK_SHARE && calls > 0.0 {
            levels.push((week, calls / share));
        }
        monday += Duration::days(7);
        week += 1;
    }
    levels
}

/// The regression's row for week `week`: 1, t, then cos and sin of each harmonic.
fn features(week: f64, trend: bool, harmonics: usize) -> Vec<f64> {
    let mut row = vec![1.0];
    if trend {
        // Scaled to years so the normal equations stay well conditioned.
        row.push(week / PERIOD_WEEKS);
    }
    for k in 1..=harmonics {
        let angle = 2.0 * std::f64::consts::PI * k as f64 * week / PERIOD_WEEKS;
        row.push(angle.cos());
        row.push(angle.sin());
    }
    row
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Ordinary least squares by the normal equations (a handful of columns), solved by
/// Gaussian elimination with partial pivoting; `None` when singular.
pub fn least_squares(rows: &[Vec<f64>], targets: &[f64]) -> Option<Vec<f64>> {
    let columns = rows.first()?.len();
    if rows.len() < columns {
        return None;
    }
    // [X'X | X'y]
    let mut a = vec![vec![0.0; columns + 1]; columns];
    for (row, y) in rows.iter().zip(targets) {
        for (line, &x_i) in a.iter_mut().zip(row) {
            for (cell, &x_j) in line.iter_mut().zip(row) {
                *cell += x_i * x_j;
            }
            line[columns] += x_i * y;
        }
    }
    for col in 0..columns {
        let pivot = (col..columns).max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        let pivot_line = a[col].clone();
        for (r, line) in a.iter_mut().enumerate() {
            if r != col {
                let factor = line[col] / pivot_line[col];
                for (cell, p) in line.iter_mut().zip(&pivot_line).skip(col) {
                    *cell -= factor * p;
                }
            }
        }
    }
    Some((0..columns).map(|i| a[i][columns] / a[i][i]).collect())
}

/// Fits a queue's model on the days before `cut` (all of them when `None`).
pub fn fit_before(
    grid: &DayGrid,
    calendar: &Calendar,
    cut: Option<NaiveDate>,
) -> Option<WeeklyModel> {
    let grid = match cut {
        Some(cut) => {
            let days = (cut - grid.first_day())
                .num_days()
                .clamp(0, grid.days() as i64);
            grid.prefix(days as usize)
        }
        None => grid.clone(),
    };
    let clean = grid.without_days(|date| calendar.is_special(date));
    let effects = CalendarEffects::learn(calendar, &grid, &clean);
    WeeklyModel::fit(&DailyVolume::from_grid(&grid), effects, calendar)
}

/// The backtest's accuracy at one horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HorizonScore {
    pub weeks_ahead: usize,
    /// Forecasts scored.
    pub origins: usize,
    /// Weighted absolute percentage error of the weekly totals, a share
    /// (Σ|forecast − actual| / Σ actual); `None` without origins.
    pub wape: Option<f64>,
}

/// Rolling-origin backtest of one queue (Tashman 2000, "Out-of-sample tests of
/// forecasting accuracy", IJF 16:437): from origins [`BACKTEST_STEP`] weeks apart,
/// the model is fitted on the history before the origin alone (its calendar effects
/// and weekday shares too) and the week `h` weeks ahead (the origin's week being the
/// first) is compared with what came.
pub fn backtest(grid: &DayGrid, calendar: &Calendar) -> Vec<HorizonScore> {
    let volume = DailyVolume::from_grid(grid);
    let origin = monday_of(volume.first_day);
    // Whole weeks of the history with every day observed.
    let end = volume.date(volume.totals.len());
    let weeks = ((end - origin).num_days() / 7) as usize;
    let actual = |week: usize| -> Option<f64> {
        let monday = origin + Duration::days(7 * week as i64);
        (0..7)
            .map(|d| volume.total_on(monday + Duration::days(d)))
            .sum::<Option<f64>>()
    };
    BACKTEST_HORIZONS
        .iter()
        .map(|&h| {
            let first_target = weeks
                .saturating_sub(BACKTEST_SPAN)
                .max(BACKTEST_MIN_TRAIN + h - 1);
            let (mut error, mut total, mut origins) = (0.0, 0.0, 0);
            let mut target = first_target;
            while target < weeks {
                let start = target + 1 - h;
                let cut = origin + Duration::days(7 * start as i64);
                if let (Some(model), Some(actual)) =
                    (fit_before(grid, calendar, Some(cut)), actual(target))
                {
                    let monday = origin + Duration::days(7 * target as i64);
                    let forecast: f64 = model.week(monday, calendar).iter().sum();
                    error += (forecast - actual).abs();
                    total += actual;
                    origins += 1;
                }
                target += BACKTEST_STEP;
            }
            HorizonScore {
                weeks_ahead: h,
                origins,
                wape: (origins > 0 && total > 0.0).then(|| error / total),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Daily grid (one slot per day) of `weeks` weeks from a Monday.
    fn grid(weeks: usize, day: impl Fn(usize) -> f64) -> DayGrid {
        let first = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        DayGrid::new(first, 1, (0..weeks * 7).map(|d| Some(day(d))).collect())
    }

    #[test]
    fn least_squares_recovers_a_line() {
        let rows: Vec<Vec<f64>> = (0..5).map(|x| vec![1.0, f64::from(x)]).collect();
        let y: Vec<f64> = (0..5).map(|x| 3.0 + 2.0 * f64::from(x)).collect();
        let beta = least_squares(&rows, &y).unwrap();
        assert!((beta[0] - 3.0).abs() < 1e-9 && (beta[1] - 2.0).abs() < 1e-9);
    }

    #[test]
    fn growth_and_season_are_extrapolated() {
        // 10% a year growth and a ±20% yearly wave; weekdays 2:1 weekend.
        let weekday = |d: usize| if d % 7 < 5 { 2.0 } else { 1.0 };
        let level = |week: f64| {
            1200.0
                * 1.1_f64.powf(week / PERIOD_WEEKS)
                * (0.2 * (2.0 * std::f64::consts::PI * week / PERIOD_WEEKS).sin()).exp()
        };
        let history = grid(156, |d| level((d / 7) as f64) * weekday(d) / 12.0);
        let model = fit_before(&history, &Calendar::empty(), None).unwrap();
        assert_eq!(model.describe(), "log-linear trend + 3 yearly harmonics");
        for week in [156, 170, 200] {
            let monday = history.first_day() + Duration::days(7 * week);
            let expected = level(week as f64);
            assert!(
                (model.level(monday) / expected - 1.0).abs() < 1e-6,
                "week {week}: {} vs {expected}",
                model.level(monday)
            );
        }
        assert!((model.weekday_shares[0] - 2.0 / 12.0).abs() < 1e-12);
        let scores = backtest(&history, &Calendar::empty());
        assert_eq!(scores.len(), 3);
        for score in &scores {
            assert!(score.origins >= 10, "{score:?}");
            assert!(score.wape.unwrap() < 1e-6, "{score:?}");
        }
    }

    #[test]
    fn closed_days_are_forecast_at_zero() {
        let history = grid(20, |_| 100.0);
        let mut calendar = Calendar::empty();
        let text = "date,kind,name,uplift\n2024-05-20,closed,Strike,\n";
        calendar = Calendar::parse(text, "calendar.csv").unwrap_or(calendar);
        let model = fit_before(&history, &calendar, None).unwrap();
        let week = model.week(NaiveDate::from_ymd_opt(2024, 5, 20).unwrap(), &calendar);
        assert_eq!(week[0], 0.0);
        assert!((week[1] - 100.0).abs() < 1e-9);
    }
}
