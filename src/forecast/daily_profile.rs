//! Daily totals times an intraday profile per weekday: the "top-down" forecast of call
//! center practice (Gans, Koole & Mandelbaum 2003, M&SOM 5:79, section 7.1), with the
//! daily volume modelled as level × weekday factor × yearly season.
//!
//! Why it can beat the historical average a month ahead: the average of the last eight
//! Mondays at 10:30 carries the Poisson noise of eight half-hours, the level of a month
//! ago, and every unlisted holiday in those weeks. Here each part is estimated from the
//! data that suits it: the intraday shape is stable, so it comes from half a year; the
//! daily level moves, so it is a recent weighted mean whose memory is fitted to the
//! queue; and days that look nothing like their weekday (unlisted holidays, outages) are
//! screened out of all of it (Brown et al. 2005, JASA 100:36, section 6.1, do the same
//! before modelling).
//!
//! * weekday factors `f_k` and weekly levels: the two-way multiplicative decomposition
//!   `total_d ≈ L_week(d) × f_weekday(d)` over the last 26 weeks, first by alternating
//!   medians (robust, for the outlier screening) and then by alternating volume-weighted
//!   means without the outliers (this tolerates missing days, unlike a centred moving
//!   average);
//! * level: the ratio `Σ w_d total_d / Σ w_d f_k(d)` with weights `w_d` halving every
//!   `h` days back (simple exponential smoothing of the deseasonalised totals, Gardner
//!   1985, J. Forecasting 4:1). The half-life `h` (7 to 224 days) is the one whose
//!   forecasts of the history's own daily totals 1-28 days ahead erred least at eight
//!   weekly origins: a smoothing constant fitted at the lead times it serves;
//! * yearly season, when the history holds a year more than the horizon: the change of
//!   last year's deseasonalised volume from the same point to each target day (a centred
//!   two-week mean over the level then), averaged over the years available;
//! * profile `p_k(s)`: calls of slot `s` over the day's calls, pooled over the last 26
//!   weeks' normal days of weekday `k` with weights halving every 13 weeks.

use crate::error::{Error, Result};
use crate::forecast::series::DayGrid;
use crate::forecast::Forecaster;

/// A day whose total is further than this (in log) from its weekday's expectation, and
/// beyond four robust standard deviations, is an outlier.
const OUTLIER_MIN_LOG_DEVIATION: f64 = 0.2;
/// Days either side of a day in last year's smoothed level.
const YEARLY_HALF_WINDOW: i64 = 7;
/// Level half-lives tried, days: from a level that follows last week to one that is
/// nearly the mean of the last year.
pub const LEVEL_HALF_LIVES: [f64; 6] = [7.0, 14.0, 28.0, 56.0, 112.0, 224.0];
/// Half-life used when the history is too short to choose.
const DEFAULT_LEVEL_HALF_LIFE: f64 = 14.0;
/// Lead times, days, over which a half-life is judged.
const LEVEL_LEADS: usize = 28;
/// Weekly origins at which a half-life is judged.
const LEVEL_ORIGINS: usize = 8;

/// The daily-total × intraday-profile model and its smoothing constants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DailyProfile {
    /// Weeks of history for the weekday factors and the intraday profile.
    pub profile_weeks: usize,
    /// Half-life of the profile's weights, weeks.
    pub profile_half_life_weeks: f64,
    /// Half-life of the level's weights, days; `None` fits it to the history (see
    /// [`LEVEL_HALF_LIVES`]).
    pub level_half_life_days: Option<f64>,
    /// Whether to carry last years' seasonal change forward (with a year of history).
    pub yearly: bool,
}

impl Default for DailyProfile {
    fn default() -> Self {
        DailyProfile {
            profile_weeks: 26,
            profile_half_life_weeks: 13.0,
            level_half_life_days: None,
            yearly: true,
        }
    }
}

impl Forecaster for DailyProfile {
    fn name(&self) -> &'static str {
        "daily-profile"
    }

    fn fit_predict(&self, history: &DayGrid, days: usize) -> Result<Vec<f64>> {
        let mut fit = DailyFit::new(self, history)?;
        fit.half_life = match self.level_half_life_days {
            Some(days) => days,
            None => fit.fitted_half_life(),
        };
        let level = fit.recent_level();
        let yearly = fit.yearly_change(history.days(), days);
        let profiles = fit.intraday_profiles();
        let n = history.days();
        let mut forecast = Vec::with_capacity(days * history.slots());
        for (ahead, change) in yearly.iter().enumerate() {
            let weekday = history.weekday(n + ahead);
            let total = level * fit.factors[weekday] * change;
            forecast.extend(profiles[weekday].iter().map(|share| total * share));
        }
        Ok(forecast)
    }
}

/// How the decomposition averages: medians resist outliers (a first pass, before they
/// are screened out), means use the data best (once they are gone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Average {
    Median,
    Mean,
}

/// The daily totals of a history with their weekday factors and outlier screening.
struct DailyFit<'a> {
    settings: &'a DailyProfile,
    history: &'a DayGrid,
    totals: Vec<Option<f64>>,
    /// Observed days that are not outliers.
    normal: Vec<bool>,
    /// First day of the window for weekday factors and profiles.
    window_start: usize,
    /// Weekday factors, mean 1 over the week.
    factors: [f64; 7],
    /// Half-life of the level's weights, days.
    half_life: f64,
}

impl<'a> DailyFit<'a> {
    /// Totals, a robust first decomposition, outlier screening, and the final factors.
    fn new(settings: &'a DailyProfile, history: &'a DayGrid) -> Result<Self> {
        let totals: Vec<Option<f64>> = (0..history.days())
            .map(|d| history.daily_total(d))
            .collect();
        if totals.iter().flatten().count() < 7 {
            return Err(Error::input(
                "daily-profile needs at least a week of observed days",
            ));
        }
        let normal = totals.iter().map(Option::is_some).collect();
        let mut fit = DailyFit {
            settings,
            history,
            totals,
            normal,
            window_start: history.days().saturating_sub(7 * settings.profile_weeks),
            factors: [1.0; 7],
            half_life: DEFAULT_LEVEL_HALF_LIFE,
        };
        fit.factors = fit.weekday_factors(Average::Median);
        fit.flag_outliers();
        fit.factors = fit.weekday_factors(Average::Mean);
        Ok(fit)
    }

    /// Weekday factors (mean 1 over the week) from `total_d ≈ L_week × f_weekday`, fitted
    /// by alternating averages of ratios over the window (Tukey's median polish when
    /// `average` is the median, here on the multiplicative scale).
    fn weekday_factors(&self, average: Average) -> [f64; 7] {
        let n = self.history.days();
        // (weekday, week counted back from the end, total) of the window's normal days.
        let days: Vec<(usize, usize, f64)> = (self.window_start..n)
            .filter(|&d| self.normal[d])
            .filter_map(|d| self.totals[d].map(|t| (self.history.weekday(d), (n - 1 - d) / 7, t)))
            .collect();
        let weeks = (n - self.window_start).div_ceil(7);
        let mut factors = [1.0; 7];
        let mut levels = vec![0.0; weeks];
        for _ in 0..10 {
            for (week, level) in levels.iter_mut().enumerate() {
                let ratios = days
                    .iter()
                    .filter(|(k, w, _)| *w == week && factors[*k] > 0.0)
                    .map(|(k, _, t)| (*t, factors[*k]));
                *level = combine(average, ratios);
            }
            for (weekday, factor) in factors.iter_mut().enumerate() {
                let ratios = days
                    .iter()
                    .filter(|(k, _, _)| *k == weekday)
                    .map(|(_, w, t)| (*t, levels[*w]));
                *factor = combine(average, ratios);
            }
            let mean = factors.iter().sum::<f64>() / 7.0;
            if mean <= 0.0 {
                break;
            }
            factors.iter_mut().for_each(|f| *f /= mean);
        }
        factors
    }

    /// Marks as not normal the days of the window whose deseasonalised total is far from
    /// the median of the surrounding two weeks'.
    fn flag_outliers(&mut self) {
        let n = self.history.days();
        let adjusted: Vec<Option<f64>> = (0..n)
            .map(|d| {
                let factor = self.factors[self.history.weekday(d)];
                match self.totals[d] {
                    Some(t) if self.normal[d] && factor > 0.05 => Some(t / factor),
                    _ => None,
                }
            })
            .collect();
        let deviations: Vec<(usize, f64)> = (self.window_start..n)
            .filter_map(|d| {
                let value = adjusted[d]?;
                let neighbours: Vec<f64> = (d.saturating_sub(7)..(d + 8).min(n))
                    .filter(|&o| o != d)
                    .filter_map(|o| adjusted[o])
                    .collect();
                let local = median(neighbours)?;
                let deviation = match (value > 0.0, local > 0.0) {
                    (true, true) => (value / local).ln(),
                    // No calls on a day whose neighbours had them: an unlisted closure.
                    (false, true) => f64::NEG_INFINITY,
                    _ => 0.0,
                };
                Some((d, deviation))
            })
            .collect();
        let finite: Vec<f64> = deviations
            .iter()
            .map(|(_, x)| x.abs())
            .filter(|x| x.is_finite())
            .collect();
        // 1.4826 × MAD estimates a standard deviation.
        let spread = median(finite).unwrap_or(0.0) * 1.4826;
        let limit = (4.0 * spread).max(OUTLIER_MIN_LOG_DEVIATION);
        for (day, deviation) in deviations {
            if deviation.abs() > limit {
                self.normal[day] = false;
            }
        }
    }

    /// The level at `end`: the exponentially weighted ratio of normal days' totals to
    /// their weekday factors over the days before `end`.
    fn level_at(&self, end: usize, only_normal: bool) -> Option<f64> {
        let half_life = self.half_life;
        let decay = 0.5f64.powf(1.0 / half_life);
        let first = end.saturating_sub((8.0 * half_life) as usize);
        let (mut sum, mut weight) = (0.0, 0.0);
        let mut w = 1.0;
        for d in (first..end).rev() {
            if let Some(total) = self.totals[d].filter(|_| self.normal[d] || !only_normal) {
                sum += w * total;
                weight += w * self.factors[self.history.weekday(d)];
            }
            w *= decay;
        }
        (weight > 0.0).then(|| sum / weight)
    }

    /// The level at the end of the history (from all recent days when none is normal).
    fn recent_level(&self) -> f64 {
        let end = self.history.days();
        self.level_at(end, true)
            .or_else(|| self.level_at(end, false))
            .unwrap_or(0.0)
    }

    /// The centred two-week mean of deseasonalised totals around `day`.
    fn smoothed_level(&self, day: i64) -> Option<f64> {
        let (mut sum, mut weight) = (0.0, 0.0);
        let last = self.history.days() as i64 - 1;
        for d in (day - YEARLY_HALF_WINDOW).max(0)..=(day + YEARLY_HALF_WINDOW).min(last) {
            let d = d as usize;
            if let Some(total) = self.totals[d].filter(|_| self.normal[d]) {
                sum += total;
                weight += self.factors[self.history.weekday(d)];
            }
        }
        (weight > 0.0 && sum > 0.0).then(|| sum / weight)
    }

    /// Per day after `end`, the yearly change from `end` to that day, as seen in past
    /// years: `smoothed(day − 364 y) / level_at(end − 364 y)`, averaged over the years
    /// the history covers (364 days keeps the weekdays aligned). 1 without a full year.
    fn yearly_change(&self, end: usize, days: usize) -> Vec<f64> {
        let (n, end) = (self.history.days() as i64, end as i64);
        let reach = (8.0 * self.half_life) as i64;
        let lags: Vec<(i64, f64)> = (1..=3)
            .map(|years| 364 * years)
            .filter(|lag| {
                end - lag - reach >= 0 && end - lag + days as i64 + YEARLY_HALF_WINDOW < n
            })
            .filter(|_| self.settings.yearly)
            .filter_map(|lag| Some((lag, self.level_at((end - lag) as usize, true)?)))
            .filter(|(_, then)| *then > 0.0)
            .collect();
        (0..days as i64)
            .map(|ahead| {
                let ratios: Vec<f64> = lags
                    .iter()
                    .filter_map(|(lag, then)| Some(self.smoothed_level(end - lag + ahead)? / then))
                    .collect();
                if ratios.is_empty() {
                    1.0
                } else {
                    ratios.iter().sum::<f64>() / ratios.len() as f64
                }
            })
            .collect()
    }

    /// The level half-life that best forecasts the history's own daily totals 1 to 28
    /// days ahead from the last eight weekly origins (least absolute error over normal
    /// days): a smoothing constant fitted at the lead times it is used for, as the
    /// Holt-Winters parameters are.
    fn fitted_half_life(&mut self) -> f64 {
        let n = self.history.days();
        let origins: Vec<usize> = (0..LEVEL_ORIGINS)
            .map(|k| n as i64 - (LEVEL_LEADS + 7 * k) as i64)
            .filter(|&origin| origin >= 28)
            .map(|origin| origin as usize)
            .collect();
        if origins.is_empty() {
            return DEFAULT_LEVEL_HALF_LIFE;
        }
        let mut best = (DEFAULT_LEVEL_HALF_LIFE, f64::INFINITY);
        for half_life in LEVEL_HALF_LIVES {
            self.half_life = half_life;
            let error: f64 = origins
                .iter()
                .map(|&origin| self.daily_total_error(origin))
                .sum();
            if error < best.1 {
                best = (half_life, error);
            }
        }
        best.0
    }

    /// Absolute error of the daily totals forecast from `origin` over the next
    /// [`LEVEL_LEADS`] normal days.
    fn daily_total_error(&self, origin: usize) -> f64 {
        let Some(level) = self.level_at(origin, true) else {
            return 0.0;
        };
        let leads = LEVEL_LEADS.min(self.history.days() - origin);
        let yearly = self.yearly_change(origin, leads);
        (0..leads)
            .filter(|&ahead| self.normal[origin + ahead])
            .filter_map(|ahead| {
                let day = origin + ahead;
                let forecast = level * self.factors[self.history.weekday(day)] * yearly[ahead];
                Some((self.totals[day]? - forecast).abs())
            })
            .sum()
    }

    /// Per weekday, each slot's share of the day, pooled over the window's normal days
    /// of that weekday with exponentially decaying weights. Missing slots (the skipped
    /// hour of a spring-forward day) are left out of both sums.
    fn intraday_profiles(&self) -> Vec<Vec<f64>> {
        let history = self.history;
        let n = history.days();
        let slots = history.slots();
        let decay = 0.5f64.powf(1.0 / (7.0 * self.settings.profile_half_life_weeks));
        let mut calls = vec![vec![0.0; slots]; 7];
        let mut volume = [0.0; 7];
        let add_day = |d: usize, calls: &mut Vec<Vec<f64>>, volume: &mut [f64; 7]| {
            let weekday = history.weekday(d);
            let weight = decay.powi((n - 1 - d) as i32);
            for (slot, value) in history.day_values(d).iter().enumerate() {
                if let Some(v) = value {
                    calls[weekday][slot] += weight * v;
                    volume[weekday] += weight * v;
                }
            }
        };
        for d in (self.window_start..n).filter(|&d| self.normal[d]) {
            add_day(d, &mut calls, &mut volume);
        }
        // A weekday without a normal day in the window (e.g. all holidays) uses all its days.
        for weekday in 0..7 {
            if volume[weekday] == 0.0 {
                for d in (0..n).filter(|&d| history.weekday(d) == weekday) {
                    add_day(d, &mut calls, &mut volume);
                }
            }
        }
        calls
            .into_iter()
            .zip(volume)
            .map(|(slot_calls, total)| {
                slot_calls
                    .into_iter()
                    .map(|c| if total > 0.0 { c / total } else { 0.0 })
                    .collect()
            })
            .collect()
    }
}

/// Combines `(total, base)` pairs into one ratio: the median of ratios, or the ratio of
/// sums (a volume-weighted mean).
fn combine(average: Average, pairs: impl Iterator<Item = (f64, f64)>) -> f64 {
    match average {
        Average::Median => median(
            pairs
                .filter(|(_, base)| *base > 0.0)
                .map(|(t, base)| t / base)
                .collect(),
        )
        .unwrap_or(0.0),
        Average::Mean => {
            let (sum, base) = pairs.fold((0.0, 0.0), |(s, b), (t, base)| (s + t, b + base));
            if base > 0.0 {
                sum / base
            } else {
                0.0
            }
        }
    }
}

/// The median, or `None` of nothing.
fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn pattern(day: usize, slot: usize) -> f64 {
        let weekday_factor = [1.2, 1.1, 1.0, 1.0, 0.9, 0.4, 0.0][day % 7];
        let intraday = if (8..20).contains(&slot) {
            10.0 + slot as f64
        } else {
            0.0
        };
        weekday_factor * intraday
    }

    #[test]
    fn recovers_a_weekly_pattern_through_gaps_and_an_outlier_day() {
        let first = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(); // Monday
        let values = (0..10 * 7 * 24)
            .map(|i| {
                let (day, slot) = (i / 24, i % 24);
                match day {
                    30 => None,                           // a gap
                    65 => Some(3.0 * pattern(day, slot)), // an unlisted event
                    _ => Some(pattern(day, slot)),
                }
            })
            .collect();
        let grid = DayGrid::new(first, 24, values);
        let forecast = DailyProfile::default().fit_predict(&grid, 14).unwrap();
        for (i, value) in forecast.iter().enumerate() {
            let expected = pattern(70 + i / 24, i % 24);
            assert!(
                (value - expected).abs() < 1e-6,
                "{i}: {value} vs {expected}"
            );
        }
    }

    #[test]
    fn carries_last_years_seasonal_change_forward() {
        // One slot a day; volume 100 × (1 + 0.2 sin(2π day/364)), flat weekdays.
        let first = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let season =
            |day: usize| 100.0 * (1.0 + 0.2 * (std::f64::consts::TAU * day as f64 / 364.0).sin());
        let values = (0..600).map(|d| Some(season(d))).collect();
        let grid = DayGrid::new(first, 1, values);
        let forecast = DailyProfile::default().fit_predict(&grid, 28).unwrap();
        let error = forecast
            .iter()
            .enumerate()
            .map(|(i, f)| (f - season(600 + i)).abs() / season(600 + i))
            .fold(0.0, f64::max);
        assert!(error < 0.01, "largest relative error {error}");
    }
}
