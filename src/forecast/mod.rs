//! Forecasting of half-hourly offered calls and AHT per queue.
//!
//! Every method implements [`Forecaster`] on a queue's history of normal days
//! ([`series::DayGrid`]); around it, [`forecast_queue`] does what is common to all of
//! them: special days out of the fit and their learned effect back in
//! ([`calendar`]), closed hours forced to zero ([`hours`]), the choice of method and the
//! prediction intervals from a rolling-origin backtest ([`auto`], [`intervals`]), and
//! the AHT profile ([`aht`]). [`backtest`] scores the whole procedure the same way a
//! user would meet it.

pub mod aht;
pub mod auto;
pub mod backtest;
pub mod calendar;
pub mod daily_profile;
pub mod file;
pub mod historical_average;
pub mod holt_winters;
pub mod hours;
pub mod intervals;
mod optimize;
pub mod seasonal_naive;
pub mod series;

pub use file::{read_forecast, write_forecast, ForecastRow, IntervalStart, FORECAST_COLUMNS};

use std::borrow::Cow;

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;

use crate::error::{Error, Result};
use crate::interval::local_day_intervals;
use calendar::{date_range, weekday_index, Calendar, CalendarEffects, DayEffect};
use hours::{OpenSlots, OpeningHours};
use intervals::IntervalModel;
use series::{slot_of, DayGrid, QueueHistory};

/// A forecasting method: fitted on a queue's history, it forecasts calls per slot.
pub trait Forecaster: Send + Sync {
    /// The name users choose the method by (`--method`, `--methods`).
    fn name(&self) -> &'static str;

    /// Forecast calls for each slot of the `days` days that follow the history, day
    /// after day (`days × history.slots()` values). The history holds normal days only:
    /// holidays and closed days are missing (`None`), like gaps in the data.
    fn fit_predict(&self, history: &DayGrid, days: usize) -> Result<Vec<f64>>;
}

/// Names of the single methods, in the order `backtest` lists them.
pub const METHOD_NAMES: [&str; 4] = [
    "seasonal-naive",
    "historical-average",
    "holt-winters",
    "daily-profile",
];

/// The method used when `auto` has too little history to backtest: it needs one week.
const AUTO_FALLBACK: &str = "historical-average";

/// The method called `name`.
pub fn forecaster(name: &str) -> Result<Box<dyn Forecaster>> {
    match name {
        "seasonal-naive" => Ok(Box::new(seasonal_naive::SeasonalNaive)),
        "historical-average" => Ok(Box::new(historical_average::HistoricalAverage::default())),
        "holt-winters" => Ok(Box::new(holt_winters::HoltWinters::default())),
        "daily-profile" => Ok(Box::new(daily_profile::DailyProfile::default())),
        _ => Err(unknown_method(name)),
    }
}

fn unknown_method(name: &str) -> Error {
    Error::input(format!(
        "unknown method \"{name}\"; expected auto or one of {}",
        METHOD_NAMES.join(", ")
    ))
}

/// What `--method` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// Choose per queue by backtest (see [`auto`]).
    Auto,
    /// One named method.
    Named(&'static str),
}

impl Method {
    /// Parses `auto` or a method name.
    pub fn parse(name: &str) -> Result<Method> {
        let name = name.trim();
        if name == "auto" {
            return Ok(Method::Auto);
        }
        METHOD_NAMES
            .iter()
            .find(|known| **known == name)
            .map(|known| Method::Named(known))
            .ok_or_else(|| unknown_method(name))
    }

    /// The name as users write it.
    pub fn name(&self) -> &'static str {
        match self {
            Method::Auto => "auto",
            Method::Named(name) => name,
        }
    }

    /// The candidate methods this choice runs.
    fn candidates(&self) -> Result<Vec<Box<dyn Forecaster>>> {
        match self {
            Method::Auto => METHOD_NAMES.iter().map(|name| forecaster(name)).collect(),
            Method::Named(name) => Ok(vec![forecaster(name)?]),
        }
    }
}

/// Everything a forecast run is configured with, besides the history and dates.
#[derive(Debug, Clone)]
pub struct ForecastOptions {
    pub method: Method,
    /// Central prediction interval level (0.8: from the 10 % to the 90 % quantile).
    pub level: f64,
    pub calendar: Calendar,
    /// Configured opening hours (`--open`); the history's silent slots are closed anyway.
    pub hours: Option<OpeningHours>,
}

impl Default for ForecastOptions {
    fn default() -> Self {
        ForecastOptions {
            method: Method::Auto,
            level: 0.8,
            calendar: Calendar::empty(),
            hours: None,
        }
    }
}

/// Shortest usable history, in days with data.
pub const MIN_HISTORY_DAYS: usize = 14;

/// One queue's forecast, per local day and wall-clock slot.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueForecast {
    pub queue: String,
    pub time_zone: Tz,
    pub interval_minutes: u32,
    pub first_day: NaiveDate,
    pub days: usize,
    pub slots: usize,
    /// The method used: a name, or two names joined by `+` for their mean.
    pub method: String,
    /// WAPE of that method in the internal backtest, when there was one.
    pub backtest_wape: Option<f64>,
    pub calls: Vec<f64>,
    pub calls_lo: Vec<f64>,
    pub calls_hi: Vec<f64>,
    pub aht_seconds: Vec<Option<f64>>,
    /// Things the planner should know (printed on stderr by the CLI).
    pub notes: Vec<String>,
}

impl QueueForecast {
    /// The rows of `forecast.csv`, one per interval instant: a fall-back day's repeated
    /// half-hours both get the wall-clock slot's forecast, a spring-forward day has no
    /// skipped ones.
    pub fn rows(&self) -> Vec<ForecastRow> {
        let mut rows = Vec::with_capacity(self.days * self.slots);
        for day in 0..self.days {
            let date = self.first_day + Duration::days(day as i64);
            for instant in local_day_intervals(date, self.time_zone, self.interval_minutes) {
                let at = day * self.slots + slot_of(&instant, self.interval_minutes);
                rows.push(ForecastRow::as_written(
                    &self.queue,
                    &instant,
                    self.calls[at],
                    self.aht_seconds[at],
                    (self.calls_lo[at], self.calls_hi[at]),
                ));
            }
        }
        rows
    }
}

/// The history as known on `start`: days before it only, with a note when that cuts.
fn history_before<'a>(
    history: &'a QueueHistory,
    start: NaiveDate,
    notes: &mut Vec<String>,
) -> Cow<'a, QueueHistory> {
    let end = history.calls.end_date();
    if start >= end {
        return Cow::Borrowed(history);
    }
    let keep = (start - history.calls.first_day()).num_days().max(0) as usize;
    notes.push(format!(
        "queue \"{}\": the start {start} is inside the history (which runs to {}); only the {keep} days before it are used",
        history.queue,
        end - Duration::days(1)
    ));
    Cow::Owned(history.prefix(keep))
}

fn check_history_length(history: &QueueHistory) -> Result<()> {
    let observed = history.calls.observed_days();
    if observed < MIN_HISTORY_DAYS {
        return Err(Error::input(format!(
            "queue \"{}\": the history has {observed} days with data before the forecast start; at least two weeks ({MIN_HISTORY_DAYS} days) are needed",
            history.queue
        )));
    }
    Ok(())
}

/// Forecasts one queue for `days` days from `start` (a lead time when `start` is after
/// the end of the history; only the history before `start` when it is inside).
pub fn forecast_queue(
    history: &QueueHistory,
    start: NaiveDate,
    days: usize,
    options: &ForecastOptions,
) -> Result<QueueForecast> {
    let mut notes = Vec::new();
    let history = history_before(history, start, &mut notes);
    check_history_length(&history)?;
    let calendar = &options.calendar;
    let clean = history.calls.without_days(|date| calendar.is_special(date));
    let open = OpenSlots::from_history(&clean, options.hours.as_ref(), history.interval_minutes);
    let lead = (start - clean.end_date()).num_days() as usize;

    let candidates = options.method.candidates()?;
    let methods: Vec<&dyn Forecaster> = candidates.iter().map(Box::as_ref).collect();
    let evaluation = auto::evaluate(&methods, &clean, &open, lead + days);
    let choice = evaluation.choose();
    let members: Vec<&dyn Forecaster> = match &choice {
        Some(choice) => choice.members.iter().map(|&m| methods[m]).collect(),
        None if options.method == Method::Auto => {
            notes.push(format!(
                "queue \"{}\": too little history to compare methods; using {AUTO_FALLBACK}",
                history.queue
            ));
            vec![
                methods[METHOD_NAMES
                    .iter()
                    .position(|n| *n == AUTO_FALLBACK)
                    .unwrap_or(0)],
            ]
        }
        None => vec![methods[0]],
    };
    let method = members
        .iter()
        .map(|m| m.name())
        .collect::<Vec<_>>()
        .join("+");
    let intervals = match &choice {
        Some(choice) => IntervalModel::fit(&evaluation.pairs(&choice.members), options.level),
        None => IntervalModel::poisson(options.level),
    };
    let backtest_wape = choice.as_ref().map(|c| evaluation.wape(&c.members));

    let mut calls =
        mean_forecast(&members, &clean, lead + days, &open)?.split_off(lead * clean.slots());
    apply_calendar(
        &mut calls,
        calendar,
        &history.calls,
        &clean,
        start,
        &mut notes,
    );
    let (calls_lo, calls_hi) = calls.iter().map(|&f| intervals.bounds(f)).unzip();
    let aht_seconds = aht_by_slot(&history, start, days)?;
    Ok(QueueForecast {
        queue: history.queue.clone(),
        time_zone: history.time_zone,
        interval_minutes: history.interval_minutes,
        first_day: start,
        days,
        slots: clean.slots(),
        method,
        backtest_wape,
        calls,
        calls_lo,
        calls_hi,
        aht_seconds,
        notes,
    })
}

/// The mean of the members' forecasts, closed slots at zero.
fn mean_forecast(
    members: &[&dyn Forecaster],
    history: &DayGrid,
    days: usize,
    open: &OpenSlots,
) -> Result<Vec<f64>> {
    let mut sum = vec![0.0; days * history.slots()];
    for member in members {
        let forecast = auto::masked_forecast(*member, history, days, open)?;
        sum.iter_mut().zip(forecast).for_each(|(s, f)| *s += f);
    }
    Ok(sum.into_iter().map(|s| s / members.len() as f64).collect())
}

/// Closed days to zero, holidays and events scaled by their learned effect.
fn apply_calendar(
    calls: &mut [f64],
    calendar: &Calendar,
    raw: &DayGrid,
    clean: &DayGrid,
    start: NaiveDate,
    notes: &mut Vec<String>,
) {
    if calendar.is_empty() {
        return;
    }
    let slots = clean.slots();
    let dates = date_range(start, calls.len() / slots);
    let effects = CalendarEffects::learn(calendar, raw, clean);
    for (day, date) in dates.iter().enumerate() {
        let factor = match effects.effect(calendar, *date) {
            DayEffect::Normal => continue,
            DayEffect::Closed => 0.0,
            DayEffect::Scale(factor) => factor,
        };
        calls[day * slots..(day + 1) * slots]
            .iter_mut()
            .for_each(|value| *value *= factor);
    }
    for day in effects.unknown_days(calendar, &dates) {
        notes.push(format!(
            "{day}: never seen in the history and no uplift given; forecast as a normal day"
        ));
    }
}

/// The AHT profile laid out over the forecast days.
fn aht_by_slot(history: &QueueHistory, start: NaiveDate, days: usize) -> Result<Vec<Option<f64>>> {
    let profile = aht::aht_profile(history)?;
    let slots = history.calls.slots();
    Ok(date_range(start, days)
        .into_iter()
        .flat_map(|date| {
            let weekday = weekday_index(date);
            (0..slots).map(move |slot| (weekday, slot))
        })
        .map(|(weekday, slot)| profile.get(weekday, slot))
        .collect())
}

/// The histories of the queues to forecast: all, or those named (an unknown name is an
/// input error listing the known ones).
pub fn select_queues(histories: Vec<QueueHistory>, queues: &[String]) -> Result<Vec<QueueHistory>> {
    if histories.is_empty() {
        return Err(Error::input("the history has no rows"));
    }
    if queues.is_empty() {
        return Ok(histories);
    }
    for name in queues {
        if !histories.iter().any(|h| &h.queue == name) {
            let known: Vec<&str> = histories.iter().map(|h| h.queue.as_str()).collect();
            return Err(Error::input(format!(
                "unknown queue \"{name}\"; the history has {}",
                known.join(", ")
            )));
        }
    }
    Ok(histories
        .into_iter()
        .filter(|h| queues.contains(&h.queue))
        .collect())
}

/// Forecasts every queue of `histories`, in parallel across queues.
pub fn forecast_queues(
    histories: &[QueueHistory],
    start: NaiveDate,
    days: usize,
    options: &ForecastOptions,
) -> Result<Vec<QueueForecast>> {
    crate::limits::check_horizon(start, days as u64, "--days")?;
    parallel_map(histories, |history| {
        forecast_queue(history, start, days, options)
    })
    .into_iter()
    .collect()
}

/// The rows of `forecast.csv` for all queues' forecasts, sorted by queue then time.
pub fn forecast_rows(forecasts: &[QueueForecast]) -> Vec<ForecastRow> {
    let mut order: Vec<&QueueForecast> = forecasts.iter().collect();
    order.sort_by(|a, b| a.queue.cmp(&b.queue));
    order.iter().flat_map(|f| f.rows()).collect()
}

/// Applies `work` to every item on all cores (scoped threads taking items in turn),
/// keeping the items' order in the results.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(index) else { break };
                let result = work(item);
                results.lock().expect("no panics while holding the lock")[index] = Some(result);
            });
        }
    });
    results
        .into_inner()
        .expect("threads have finished")
        .into_iter()
        .map(|r| r.expect("every item was processed"))
        .collect()
}
