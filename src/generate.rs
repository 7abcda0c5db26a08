//! Deterministic synthetic sample history: a plausible mid-size contact center with two
//! queues (`sales`, `support`), written as the canonical interval table plus a calendar
//! of closed days, holidays and promotions.
//!
//! The data exists so that every later stage (forecast, Erlang staffing, scheduling) can
//! be demonstrated and tested on realistic numbers without shipping real customer data.
//! Every effect a forecaster should find is built in on purpose and documented here and
//! in `docs/sample-data.md`:
//!
//! * intraday: a double-peaked day (late morning and early afternoon) within opening hours,
//!   zero calls outside them;
//! * weekly: busy Mondays, quieter Fridays and weekends; sales is closed on Sundays;
//! * yearly: one seasonal wave per queue (support peaks in January, sales in November);
//! * trend: steady compound growth (support 6 %/year, sales 10 %/year);
//! * calendar: England & Wales bank holidays close the center (zero calls), Christmas Eve
//!   and New Year's Eve are open with reduced volume, and sales promotions raise sales
//!   volume by the listed uplift;
//! * noise: a day-level lognormal factor, Poisson arrivals per half-hour, binomial
//!   abandonment whose rate rises with load, and lognormal handle-time noise that shrinks
//!   as more calls are averaged.
//!
//! Determinism: every (queue, day) draws from its own ChaCha8 stream derived from the seed
//! and the date, so the same options give byte-identical files, and a shorter run is a
//! prefix of a longer one with the same start. ChaCha8 is portable; the distributions use
//! `f64` `exp`/`ln`, which are stable on the platforms we build for.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Timelike, Weekday};
use chrono_tz::Tz;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution, Poisson, StandardNormal};

use crate::error::{Error, Result};
use crate::units::format_number;

/// Seed used for the committed sample in `data/sample/`.
pub const DEFAULT_SEED: u64 = 7;
/// First day of the committed sample.
pub const DEFAULT_START: &str = "2024-11-01";
/// Length of the committed sample: a little over two years, ending 2026-11-30, so a
/// forecast of December 2026 and January 2027 has two full seasons of history.
pub const DEFAULT_DAYS: u32 = 760;
/// Site time zone of the committed sample.
pub const DEFAULT_TIME_ZONE: &str = "Europe/London";
/// Longest history we generate (about ten years): enough for any demo, and it bounds
/// memory (two queues x 48 half-hours x days records).
pub const MAX_DAYS: u32 = 3660;
/// Interval length of the generated table.
pub const INTERVAL_MINUTES: i64 = 30;
/// The calendar runs this many days past the last history day so that a forecast has
/// the holidays and promotions of the coming year.
pub const CALENDAR_HORIZON_DAYS: u32 = 365;
/// Header of `history.csv`, the canonical interval table.
pub const HISTORY_HEADER: [&str; 6] = [
    "queue",
    "interval_start",
    "offered",
    "handled",
    "abandoned",
    "aht_seconds",
];
/// Header of `calendar.csv`.
pub const CALENDAR_HEADER: [&str; 4] = ["date", "kind", "name", "uplift"];

/// Date from which the trend compounds; fixed (not the start option) so that a date's
/// expected volume does not depend on where a run starts.
const TREND_EPOCH: (i32, u32, u32) = (2025, 1, 1);

/// What to generate. Build with [`GenerateOptions::new`], which validates.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateOptions {
    /// Random seed; the same options give identical data.
    pub seed: u64,
    /// First local date of the history.
    pub start: NaiveDate,
    /// Number of days of history (1..=[`MAX_DAYS`]).
    pub days: u32,
    /// Site time zone; half-hours are local to it.
    pub tz: Tz,
}

impl GenerateOptions {
    /// Validates the options: `days` must be 1..=[`MAX_DAYS`] and the start year
    /// 1900..=2100 (where time-zone and holiday rules are meaningful).
    pub fn new(seed: u64, start: NaiveDate, days: u32, tz: Tz) -> Result<Self> {
        if days == 0 || days > MAX_DAYS {
            return Err(Error::input(format!(
                "a history of {days} days is out of range; expected 1 to {MAX_DAYS} days"
            )));
        }
        if !(1900..=2100).contains(&start.year()) {
            return Err(Error::input(format!(
                "a history starting {start} is out of range; expected a date in the years 1900 to 2100"
            )));
        }
        Ok(GenerateOptions {
            seed,
            start,
            days,
            tz,
        })
    }

    /// Last local date of the history (inclusive).
    pub fn last_day(&self) -> NaiveDate {
        self.start + TimeDelta::days(i64::from(self.days) - 1)
    }

    /// Last date the calendar covers: [`CALENDAR_HORIZON_DAYS`] past the history.
    pub fn calendar_end(&self) -> NaiveDate {
        self.last_day() + TimeDelta::days(i64::from(CALENDAR_HORIZON_DAYS))
    }
}

impl Default for GenerateOptions {
    /// The options of the committed sample (seed 7, 2024-11-01, 760 days, Europe/London).
    fn default() -> Self {
        GenerateOptions {
            seed: DEFAULT_SEED,
            start: parse_start_date(DEFAULT_START).expect("valid default start"),
            days: DEFAULT_DAYS,
            tz: crate::units::parse_time_zone(DEFAULT_TIME_ZONE).expect("valid default time zone"),
        }
    }
}

/// Parses a start date in `YYYY-MM-DD` form.
pub fn parse_start_date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        Error::input(format!(
            "\"{text}\" is not a date; expected YYYY-MM-DD such as 2024-11-01"
        ))
    })
}

/// One row of the canonical interval table.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalRecord {
    /// Queue name (`sales` or `support`).
    pub queue: &'static str,
    /// Start of the half-hour, in the site's time zone.
    pub interval_start: DateTime<Tz>,
    /// Calls that arrived in the interval.
    pub offered: u32,
    /// Calls answered: `offered - abandoned`.
    pub handled: u32,
    /// Calls that hung up before being answered.
    pub abandoned: u32,
    /// Mean handle time (talk + hold + after-call work) of the handled calls, rounded to
    /// 0.1 s; `None` when nothing was handled.
    pub aht_seconds: Option<f64>,
}

pub use crate::forecast::calendar::{CalendarEntry, DayKind};

/// Everything `wfm generate` writes, as typed data.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleData {
    /// Interval rows sorted by queue, then interval start.
    pub history: Vec<IntervalRecord>,
    /// Calendar rows sorted by date, then kind, covering the history and the
    /// [`CALENDAR_HORIZON_DAYS`] after it.
    pub calendar: Vec<CalendarEntry>,
}

/// Parameters of one synthetic queue. Volumes are mean offered calls per day before the
/// weekday, season, trend, calendar and noise factors are applied.
#[derive(Debug, Clone)]
pub struct QueueModel {
    pub name: &'static str,
    /// Mean offered calls on a day with all factors at 1 (at the trend epoch).
    pub base_daily_calls: f64,
    /// Compound volume growth per year (0.06 = +6 %/year).
    pub annual_growth: f64,
    /// Volume factor per weekday, Monday first.
    pub weekday_factors: [f64; 7],
    /// Opening hours per weekday, Monday first, as `[open, close)` minutes after local
    /// midnight; `None` when the queue is closed all day.
    pub opening_hours: [Option<(u32, u32)>; 7],
    /// Relative amplitude of the yearly wave (0.12 = +/-12 %).
    pub season_amplitude: f64,
    /// Day of the year (1-based) on which the yearly wave peaks.
    pub season_peak_day: u32,
    /// Whether sales promotions from the calendar apply to this queue.
    pub promotions_apply: bool,
    /// Expected half-hour volume at which abandonment reaches about 7 %.
    pub reference_interval_calls: f64,
    /// Mean talk time of a call at midday, seconds.
    pub talk_seconds: f64,
    /// Mean hold time of a call at midday, seconds.
    pub hold_seconds: f64,
    /// Mean after-call work, seconds (does not vary by hour).
    pub acw_seconds: f64,
}

const WEEKDAY_HOURS: Option<(u32, u32)> = Some((8 * 60, 20 * 60));
const WEEKEND_HOURS: Option<(u32, u32)> = Some((9 * 60, 17 * 60));
const SALES_HOURS: Option<(u32, u32)> = Some((9 * 60, 18 * 60));

/// The two queues of the sample. Support is open every day (08:00-20:00 on weekdays,
/// 09:00-17:00 at weekends); sales 09:00-18:00 Monday to Saturday. Volumes are set so that
/// support's busiest half-hours reach about 110-150 calls (40-60 agents with shrinkage).
pub fn sample_queues() -> [QueueModel; 2] {
    [
        QueueModel {
            name: "sales",
            base_daily_calls: 700.0,
            annual_growth: 0.10,
            weekday_factors: [1.10, 1.05, 1.00, 1.00, 1.05, 0.80, 0.0],
            opening_hours: [
                SALES_HOURS,
                SALES_HOURS,
                SALES_HOURS,
                SALES_HOURS,
                SALES_HOURS,
                SALES_HOURS,
                None,
            ],
            season_amplitude: 0.10,
            season_peak_day: 329, // late November
            promotions_apply: true,
            reference_interval_calls: 80.0,
            talk_seconds: 230.0,
            hold_seconds: 25.0,
            acw_seconds: 45.0,
        },
        QueueModel {
            name: "support",
            base_daily_calls: 1150.0,
            annual_growth: 0.06,
            weekday_factors: [1.20, 1.08, 1.02, 1.00, 0.95, 0.55, 0.40],
            opening_hours: [
                WEEKDAY_HOURS,
                WEEKDAY_HOURS,
                WEEKDAY_HOURS,
                WEEKDAY_HOURS,
                WEEKDAY_HOURS,
                WEEKEND_HOURS,
                WEEKEND_HOURS,
            ],
            season_amplitude: 0.12,
            season_peak_day: 12, // mid January, after the holidays
            promotions_apply: false,
            reference_interval_calls: 120.0,
            talk_seconds: 270.0,
            hold_seconds: 35.0,
            acw_seconds: 55.0,
        },
    ]
}

/// Standard deviation of the day-level lognormal volume factor: real days scatter more
/// than Poisson arrivals alone would explain.
const DAY_VOLUME_SIGMA: f64 = 0.06;
/// Standard deviation of the day-level lognormal handle-time factor (staffing mix, systems).
const DAY_AHT_SIGMA: f64 = 0.03;
/// Coefficient of variation of a single call's handle time; the interval mean's noise is
/// this divided by the square root of the calls handled.
const CALL_AHT_CV: f64 = 0.6;
/// Abandonment rate with no load, and its rise per unit of load.
const ABANDON_BASE: f64 = 0.02;
const ABANDON_PER_LOAD: f64 = 0.05;
/// Load (expected calls / reference calls) beyond which abandonment stops rising.
const ABANDON_MAX_LOAD: f64 = 1.6;

/// Generates the sample: calendar first, then each queue's history, which reads the
/// calendar so the two files always agree.
pub fn generate(options: &GenerateOptions) -> SampleData {
    let calendar = build_calendar(options.start, options.calendar_end());
    let effects = day_effects(&calendar);
    let mut history = Vec::new();
    let mut queues = sample_queues();
    queues.sort_by_key(|queue| queue.name);
    for (queue_index, queue) in queues.iter().enumerate() {
        for offset in 0..options.days {
            let date = options.start + TimeDelta::days(i64::from(offset));
            let effect = effects.get(&date).copied().unwrap_or_default();
            let mut rng = day_rng(options.seed, queue_index, date);
            history.extend(generate_day(queue, date, options.tz, effect, &mut rng));
        }
    }
    SampleData { history, calendar }
}

/// The random stream of one queue on one date: the seed picks the key, the (queue, date)
/// pair picks one of ChaCha's 2^64 independent streams. Days therefore do not depend on
/// each other, which keeps runs with different `--days` consistent.
fn day_rng(seed: u64, queue_index: usize, date: NaiveDate) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let day_number = u64::from(date.num_days_from_ce().unsigned_abs());
    rng.set_stream(((queue_index as u64) << 32) | day_number);
    rng
}

/// Calendar effects on one date, folded from its calendar rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayEffect {
    /// The center is closed (zero calls on every queue).
    pub closed: bool,
    /// Factor applied to every queue (holidays).
    pub all_queues: f64,
    /// Factor applied to queues that take part in promotions.
    pub promotion: f64,
}

impl Default for DayEffect {
    fn default() -> Self {
        DayEffect {
            closed: false,
            all_queues: 1.0,
            promotion: 1.0,
        }
    }
}

/// Folds calendar rows into one effect per date (several rows on a date multiply).
pub fn day_effects(calendar: &[CalendarEntry]) -> BTreeMap<NaiveDate, DayEffect> {
    let mut effects: BTreeMap<NaiveDate, DayEffect> = BTreeMap::new();
    for entry in calendar {
        let effect = effects.entry(entry.date).or_default();
        let uplift = entry.uplift.unwrap_or(1.0);
        match entry.kind {
            DayKind::Closed => effect.closed = true,
            DayKind::Holiday => effect.all_queues *= uplift,
            DayKind::Event => effect.promotion *= uplift,
        }
    }
    effects
}

/// The rows of one queue on one local date: every half-hour of the day exists, with zero
/// calls when the queue or the center is closed.
fn generate_day(
    queue: &QueueModel,
    date: NaiveDate,
    tz: Tz,
    effect: DayEffect,
    rng: &mut ChaCha8Rng,
) -> Vec<IntervalRecord> {
    let starts = day_interval_starts(date, tz);
    let hours = queue.opening_hours[date.weekday().num_days_from_monday() as usize];
    let weights: Vec<f64> = starts
        .iter()
        .map(|start| match hours {
            Some(hours) if !effect.closed => intraday_weight(start, hours),
            _ => 0.0,
        })
        .collect();
    let total_weight: f64 = weights.iter().sum();
    let daily_calls = expected_daily_calls(queue, date, effect) * lognormal(rng, DAY_VOLUME_SIGMA);
    let day_aht_factor = lognormal(rng, DAY_AHT_SIGMA);
    starts
        .into_iter()
        .zip(weights)
        .map(|(interval_start, weight)| {
            let expected = if total_weight > 0.0 {
                daily_calls * weight / total_weight
            } else {
                0.0
            };
            let offered = poisson(rng, expected);
            let abandoned = abandoned_calls(rng, offered, expected, queue);
            let handled = offered - abandoned;
            let aht_seconds = (handled > 0).then(|| {
                let mean = mean_aht_seconds(queue, &interval_start) * day_aht_factor;
                round_tenth(mean * lognormal(rng, CALL_AHT_CV / f64::from(handled).sqrt()))
            });
            IntervalRecord {
                queue: queue.name,
                interval_start,
                offered,
                handled,
                abandoned,
                aht_seconds,
            }
        })
        .collect()
}

/// Expected offered calls of a queue on a date before noise:
/// base x trend x weekday x season x calendar. Zero on closed days.
pub fn expected_daily_calls(queue: &QueueModel, date: NaiveDate, effect: DayEffect) -> f64 {
    if effect.closed {
        return 0.0;
    }
    let weekday = queue.weekday_factors[date.weekday().num_days_from_monday() as usize];
    let promotion = if queue.promotions_apply {
        effect.promotion
    } else {
        1.0
    };
    queue.base_daily_calls
        * trend_factor(queue, date)
        * weekday
        * season_factor(queue, date)
        * effect.all_queues
        * promotion
}

/// Compound growth since the fixed trend epoch (below 1 before it).
fn trend_factor(queue: &QueueModel, date: NaiveDate) -> f64 {
    let (year, month, day) = TREND_EPOCH;
    let epoch = NaiveDate::from_ymd_opt(year, month, day).expect("valid trend epoch");
    let years = (date - epoch).num_days() as f64 / 365.25;
    (1.0 + queue.annual_growth).powf(years)
}

/// One cosine wave per year peaking on `season_peak_day`.
fn season_factor(queue: &QueueModel, date: NaiveDate) -> f64 {
    let days_in_year = if date.leap_year() { 366.0 } else { 365.0 };
    let phase = (f64::from(date.ordinal()) - f64::from(queue.season_peak_day)) / days_in_year;
    1.0 + queue.season_amplitude * (std::f64::consts::TAU * phase).cos()
}

/// Minutes after local midnight at which an interval starts (wall clock).
fn local_minutes(start: &DateTime<Tz>) -> u32 {
    start.hour() * 60 + start.minute()
}

/// Wall-clock hour of the middle of a half-hour (e.g. 9.25 for 09:00-09:30), the time
/// the intraday and handle-time curves are evaluated at.
fn local_mid_hour(start: &DateTime<Tz>) -> f64 {
    (f64::from(local_minutes(start)) + INTERVAL_MINUTES as f64 / 2.0) / 60.0
}

fn bump(hour: f64, centre: f64, width: f64) -> f64 {
    let z = (hour - centre) / width;
    (-0.5 * z * z).exp()
}

/// Relative call intensity of a half-hour within `[open, close)` opening minutes: a base
/// level of 0.35, a late-morning peak (1.0 at 10:45, width 1.4 h) and a lower
/// early-afternoon peak (0.8 at 14:30, width 1.6 h), the classic double-peaked day.
/// Zero outside opening hours. The day's volume is spread in proportion to these weights.
pub fn intraday_weight(start: &DateTime<Tz>, (open, close): (u32, u32)) -> f64 {
    let minute = local_minutes(start);
    if minute < open || minute >= close {
        return 0.0;
    }
    let hour = local_mid_hour(start);
    0.35 + bump(hour, 10.75, 1.4) + 0.8 * bump(hour, 14.5, 1.6)
}

/// Mean handle time at the interval's hour: talk and hold are shortest around 13:00
/// and grow quadratically towards the edges of the day (+12 % at 6.5 hours away, when
/// fewer experienced agents and harder cases remain); after-call work is constant.
pub fn mean_aht_seconds(queue: &QueueModel, start: &DateTime<Tz>) -> f64 {
    let distance = (local_mid_hour(start) - 13.0) / 6.5;
    let hour_factor = 1.0 + 0.12 * distance * distance;
    (queue.talk_seconds + queue.hold_seconds) * hour_factor + queue.acw_seconds
}

/// Abandonment rate for an interval: 2 % when idle, rising by 5 points per unit of load
/// (expected calls / the queue's reference volume), capped at load 1.6 (10 %).
pub fn abandon_rate(queue: &QueueModel, expected_calls: f64) -> f64 {
    let load = (expected_calls / queue.reference_interval_calls).min(ABANDON_MAX_LOAD);
    ABANDON_BASE + ABANDON_PER_LOAD * load
}

fn abandoned_calls(
    rng: &mut ChaCha8Rng,
    offered: u32,
    expected_calls: f64,
    queue: &QueueModel,
) -> u32 {
    if offered == 0 {
        return 0;
    }
    let rate = abandon_rate(queue, expected_calls);
    let binomial = Binomial::new(u64::from(offered), rate).expect("rate within 0..1");
    binomial.sample(rng) as u32
}

/// Poisson arrivals with mean `expected`; no draw when nothing is expected.
fn poisson(rng: &mut ChaCha8Rng, expected: f64) -> u32 {
    if expected <= 0.0 {
        return 0;
    }
    let poisson = Poisson::new(expected).expect("finite positive mean");
    poisson.sample(rng) as u32
}

/// A lognormal factor with mean 1 and log-standard-deviation `sigma`.
fn lognormal(rng: &mut ChaCha8Rng, sigma: f64) -> f64 {
    let z: f64 = rng.sample(StandardNormal);
    (sigma * z - 0.5 * sigma * sigma).exp()
}

fn round_tenth(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// The half-hour starts of a local date: 46 on a spring-forward day and 50 on a
/// fall-back day (Europe/London), with no duplicated or missing keys.
pub fn day_interval_starts(date: NaiveDate, tz: Tz) -> Vec<DateTime<Tz>> {
    crate::interval::local_day_intervals(date, tz, INTERVAL_MINUTES as u32)
}

/// Easter Sunday in the Gregorian calendar by the anonymous Gregorian algorithm
/// (Meeus/Jones/Butcher, as in Meeus, "Astronomical Algorithms", ch. 8).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a valid date")
}

fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u8) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n).expect("weekday exists")
}

fn last_weekday(year: i32, month: u32, weekday: Weekday) -> NaiveDate {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .expect("valid month");
    let mut day = first_of_next.pred_opt().expect("valid date");
    while day.weekday() != weekday {
        day = day.pred_opt().expect("valid date");
    }
    day
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// England & Wales bank holidays of a year, sorted by date. A fixed-date holiday that
/// falls on a weekend moves to the next weekday that is not already a holiday ("substitute
/// day"), which reproduces the official Christmas/Boxing Day rules. One-off holidays
/// (jubilees, coronations) are not modelled.
pub fn bank_holidays(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let date = |month, day| NaiveDate::from_ymd_opt(year, month, day).expect("valid date");
    let easter = easter_sunday(year);
    let mut holidays = vec![
        (easter - TimeDelta::days(2), "Good Friday"),
        (easter + TimeDelta::days(1), "Easter Monday"),
        (
            nth_weekday(year, 5, Weekday::Mon, 1),
            "Early May bank holiday",
        ),
        (last_weekday(year, 5, Weekday::Mon), "Spring bank holiday"),
        (last_weekday(year, 8, Weekday::Mon), "Summer bank holiday"),
    ];
    let fixed = [
        (
            date(1, 1),
            "New Year's Day",
            "New Year's Day (substitute day)",
        ),
        (
            date(12, 25),
            "Christmas Day",
            "Christmas Day (substitute day)",
        ),
        (date(12, 26), "Boxing Day", "Boxing Day (substitute day)"),
    ];
    for &(day, name, _) in fixed.iter().filter(|(day, ..)| !is_weekend(*day)) {
        holidays.push((day, name));
    }
    for &(day, _, substitute) in fixed.iter().filter(|(day, ..)| is_weekend(*day)) {
        let mut moved = day;
        while is_weekend(moved) || holidays.iter().any(|(taken, _)| *taken == moved) {
            moved = moved.succ_opt().expect("valid date");
        }
        holidays.push((moved, substitute));
    }
    holidays.sort();
    holidays
}

/// Days that are open but quieter on every queue, with their volume factor.
const REDUCED_DAYS: [(u32, u32, &str, f64); 2] = [
    (12, 24, "Christmas Eve", 0.6),
    (12, 31, "New Year's Eve", 0.7),
];

/// Where a promotion starts in a year.
#[derive(Debug, Clone, Copy)]
enum Anchor {
    Fixed { month: u32, day: u32 },
    NthWeekday { month: u32, weekday: Weekday, n: u8 },
    LastWeekday { month: u32, weekday: Weekday },
}

impl Anchor {
    fn date(self, year: i32) -> NaiveDate {
        match self {
            Anchor::Fixed { month, day } => {
                NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
            }
            Anchor::NthWeekday { month, weekday, n } => nth_weekday(year, month, weekday, n),
            Anchor::LastWeekday { month, weekday } => last_weekday(year, month, weekday),
        }
    }
}

/// A recurring sales promotion: it starts `offset_days` after its anchor (or on the next
/// trading day) and runs one trading day per uplift, skipping days sales is closed.
#[derive(Debug, Clone, Copy)]
struct Promotion {
    name: &'static str,
    anchor: Anchor,
    offset_days: i64,
    uplifts: &'static [f64],
}

/// The yearly promotions. Uplifts fall over a promotion's days as interest fades, except
/// Cyber Monday after Black Friday's weekend.
const PROMOTIONS: [Promotion; 4] = [
    Promotion {
        name: "January sale",
        anchor: Anchor::Fixed { month: 1, day: 2 },
        offset_days: 0,
        uplifts: &[1.6, 1.5, 1.4, 1.3],
    },
    Promotion {
        name: "Spring sale",
        anchor: Anchor::NthWeekday {
            month: 3,
            weekday: Weekday::Mon,
            n: 2,
        },
        offset_days: 0,
        uplifts: &[1.5, 1.4, 1.4, 1.3, 1.3],
    },
    Promotion {
        name: "Summer sale",
        anchor: Anchor::LastWeekday {
            month: 6,
            weekday: Weekday::Mon,
        },
        offset_days: 0,
        uplifts: &[1.45, 1.4, 1.35, 1.3, 1.3, 1.25],
    },
    // The Friday after the fourth Thursday of November (US Thanksgiving).
    Promotion {
        name: "Black Friday",
        anchor: Anchor::NthWeekday {
            month: 11,
            weekday: Weekday::Thu,
            n: 4,
        },
        offset_days: 1,
        uplifts: &[1.9, 1.6, 1.7],
    },
];

/// Promotion days of a year: only days on which the promoted queue is open.
fn promotion_days(year: i32, closed: &[NaiveDate]) -> Vec<CalendarEntry> {
    let promoted: Vec<QueueModel> = sample_queues()
        .into_iter()
        .filter(|queue| queue.promotions_apply)
        .collect();
    let trading = |date: NaiveDate| {
        !closed.contains(&date)
            && promoted.iter().all(|queue| {
                queue.opening_hours[date.weekday().num_days_from_monday() as usize].is_some()
            })
    };
    let mut entries = Vec::new();
    for promotion in PROMOTIONS {
        let mut date = promotion.anchor.date(year) + TimeDelta::days(promotion.offset_days);
        for &uplift in promotion.uplifts {
            while !trading(date) {
                date = date.succ_opt().expect("valid date");
            }
            entries.push(CalendarEntry {
                date,
                kind: DayKind::Event,
                name: promotion.name.to_string(),
                uplift: Some(uplift),
            });
            date = date.succ_opt().expect("valid date");
        }
    }
    entries
}

/// The calendar from `first` to `last` (inclusive): bank holidays (closed), Christmas
/// Eve and New Year's Eve (holiday, reduced volume) and sales promotions (event), sorted
/// by date, kind and name.
pub fn build_calendar(first: NaiveDate, last: NaiveDate) -> Vec<CalendarEntry> {
    let mut entries = Vec::new();
    for year in first.year()..=last.year() {
        let holidays = bank_holidays(year);
        let closed: Vec<NaiveDate> = holidays.iter().map(|(date, _)| *date).collect();
        entries.extend(holidays.into_iter().map(|(date, name)| CalendarEntry {
            date,
            kind: DayKind::Closed,
            name: name.to_string(),
            uplift: None,
        }));
        entries.extend(
            REDUCED_DAYS
                .iter()
                .map(|&(month, day, name, factor)| CalendarEntry {
                    date: NaiveDate::from_ymd_opt(year, month, day).expect("valid date"),
                    kind: DayKind::Holiday,
                    name: name.to_string(),
                    uplift: Some(factor),
                }),
        );
        entries.extend(promotion_days(year, &closed));
    }
    entries.retain(|entry| entry.date >= first && entry.date <= last);
    entries.sort_by(|a, b| (a.date, a.kind, &a.name).cmp(&(b.date, b.kind, &b.name)));
    entries
}

/// The CSV fields of a history row, in [`HISTORY_HEADER`] order.
pub fn history_fields(record: &IntervalRecord) -> [String; 6] {
    [
        record.queue.to_string(),
        crate::interval::format_timestamp(&record.interval_start),
        format_number(f64::from(record.offered), 0),
        format_number(f64::from(record.handled), 0),
        format_number(f64::from(record.abandoned), 0),
        record
            .aht_seconds
            .map(|aht| format_number(aht, 1))
            .unwrap_or_default(),
    ]
}

/// The CSV fields of a calendar row, in [`CALENDAR_HEADER`] order.
pub fn calendar_fields(entry: &CalendarEntry) -> [String; 4] {
    [
        entry.date.format("%Y-%m-%d").to_string(),
        entry.kind.as_str().to_string(),
        entry.name.to_string(),
        entry
            .uplift
            .map(|uplift| format_number(uplift, 2))
            .unwrap_or_default(),
    ]
}

/// Writes `history.csv` atomically, streaming the rows.
pub fn write_history(path: &Path, history: &[IntervalRecord]) -> Result<()> {
    crate::output::write_csv_atomic(path, &HISTORY_HEADER, history.iter().map(history_fields))
}

/// Writes `calendar.csv` atomically.
pub fn write_calendar(path: &Path, calendar: &[CalendarEntry]) -> Result<()> {
    crate::output::write_csv_atomic(path, &CALENDAR_HEADER, calendar.iter().map(calendar_fields))
}

/// Writes `history.csv` and `calendar.csv` into `dir`, creating it if needed.
pub fn write_sample(dir: &Path, data: &SampleData) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
    write_history(&dir.join("history.csv"), &data.history)?;
    write_calendar(&dir.join("calendar.csv"), &data.calendar)
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;

    fn date(text: &str) -> NaiveDate {
        parse_start_date(text).unwrap()
    }

    /// The committed sample's data, generated once for all tests.
    fn sample() -> &'static SampleData {
        static SAMPLE: OnceLock<SampleData> = OnceLock::new();
        SAMPLE.get_or_init(|| generate(&GenerateOptions::default()))
    }

    fn rows<'a>(queue: &'a str) -> impl Iterator<Item = &'static IntervalRecord> + 'a {
        sample()
            .history
            .iter()
            .filter(move |row| row.queue == queue)
    }

    /// Offered calls per local date of one queue.
    fn daily_offered(queue: &str) -> BTreeMap<NaiveDate, u32> {
        let mut daily = BTreeMap::new();
        for row in rows(queue) {
            *daily.entry(row.interval_start.date_naive()).or_insert(0) += row.offered;
        }
        daily
    }

    fn calendar_dates(kind: DayKind) -> Vec<NaiveDate> {
        sample()
            .calendar
            .iter()
            .filter(|entry| entry.kind == kind)
            .map(|entry| entry.date)
            .collect()
    }

    fn mean(values: impl Iterator<Item = f64>) -> f64 {
        let (sum, count) = values.fold((0.0, 0), |(sum, count), value| (sum + value, count + 1));
        sum / f64::from(count)
    }

    #[test]
    fn easter_matches_known_dates() {
        for (year, expected) in [
            (1818, "1818-03-22"),
            (2000, "2000-04-23"),
            (2019, "2019-04-21"),
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2027, "2027-03-28"),
            (2038, "2038-04-25"),
        ] {
            assert_eq!(easter_sunday(year), date(expected), "{year}");
        }
    }

    #[test]
    fn bank_holidays_match_gov_uk() {
        let dates = |year| -> Vec<String> {
            bank_holidays(year)
                .into_iter()
                .map(|(day, _)| day.to_string())
                .collect()
        };
        assert_eq!(
            dates(2025),
            [
                "2025-01-01",
                "2025-04-18",
                "2025-04-21",
                "2025-05-05",
                "2025-05-26",
                "2025-08-25",
                "2025-12-25",
                "2025-12-26"
            ]
        );
        // Boxing Day on a Saturday moves to Monday 28th.
        assert_eq!(
            dates(2026),
            [
                "2026-01-01",
                "2026-04-03",
                "2026-04-06",
                "2026-05-04",
                "2026-05-25",
                "2026-08-31",
                "2026-12-25",
                "2026-12-28"
            ]
        );
        // Christmas on a Saturday and Boxing Day on a Sunday: Monday 27th and Tuesday 28th.
        assert_eq!(
            dates(2027),
            [
                "2027-01-01",
                "2027-03-26",
                "2027-03-29",
                "2027-05-03",
                "2027-05-31",
                "2027-08-30",
                "2027-12-27",
                "2027-12-28"
            ]
        );
        // Christmas on a Sunday: Boxing Day stays on Monday, Christmas moves to Tuesday.
        let christmas_2022 = bank_holidays(2022);
        assert!(christmas_2022.contains(&(date("2022-12-26"), "Boxing Day")));
        assert!(christmas_2022.contains(&(date("2022-12-27"), "Christmas Day (substitute day)")));
        // New Year's Day on a Saturday moves to Monday 3rd.
        assert_eq!(
            bank_holidays(2028)[0],
            (date("2028-01-03"), "New Year's Day (substitute day)")
        );
    }

    #[test]
    fn dst_days_have_46_and_50_half_hours_per_queue() {
        for (day, expected) in [("2025-03-30", 46), ("2025-10-26", 50), ("2025-07-01", 48)] {
            for queue in ["sales", "support"] {
                let count = rows(queue)
                    .filter(|row| row.interval_start.date_naive() == date(day))
                    .count();
                assert_eq!(count, expected, "{queue} on {day}");
            }
        }
        let spring: Vec<String> =
            day_interval_starts(date("2025-03-30"), chrono_tz::Europe::London)
                .iter()
                .map(crate::interval::format_timestamp)
                .collect();
        assert_eq!(
            spring[..3],
            [
                "2025-03-30T00:00:00+00:00",
                "2025-03-30T00:30:00+00:00",
                "2025-03-30T02:00:00+01:00"
            ]
        );
        assert_eq!(spring[45], "2025-03-30T23:30:00+01:00");
        let autumn: Vec<String> =
            day_interval_starts(date("2025-10-26"), chrono_tz::Europe::London)
                .iter()
                .map(crate::interval::format_timestamp)
                .collect();
        assert_eq!(
            autumn[2..6],
            [
                "2025-10-26T01:00:00+01:00",
                "2025-10-26T01:30:00+01:00",
                "2025-10-26T01:00:00+00:00",
                "2025-10-26T01:30:00+00:00"
            ]
        );
        assert_eq!(autumn[49], "2025-10-26T23:30:00+00:00");
    }

    #[test]
    fn unusual_time_zones_keep_whole_days() {
        // Midnight skipped by DST: the day starts at 01:00 and has 23 hours.
        let sao_paulo = crate::units::parse_time_zone("America/Sao_Paulo").unwrap();
        let starts = day_interval_starts(date("2018-11-04"), sao_paulo);
        assert_eq!(starts.len(), 46);
        assert_eq!(
            crate::interval::format_timestamp(&starts[0]),
            "2018-11-04T01:00:00-02:00"
        );
        // A 30-minute DST shift gives a 23.5-hour day.
        let lord_howe = crate::units::parse_time_zone("Australia/Lord_Howe").unwrap();
        assert_eq!(day_interval_starts(date("2025-10-05"), lord_howe).len(), 47);
    }

    #[test]
    fn history_is_sorted_without_gaps_or_duplicates() {
        let history = &sample().history;
        assert_eq!(history.len(), 2 * 760 * 48);
        for pair in history.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if a.queue == b.queue {
                assert_eq!(b.interval_start - a.interval_start, TimeDelta::minutes(30));
            } else {
                assert!(a.queue < b.queue);
            }
        }
        let first = &history[0];
        assert_eq!(
            crate::interval::format_timestamp(&first.interval_start),
            "2024-11-01T00:00:00+00:00"
        );
        let last = history.last().unwrap();
        assert_eq!(last.queue, "support");
        assert_eq!(
            crate::interval::format_timestamp(&last.interval_start),
            "2026-11-30T23:30:00+00:00"
        );
    }

    #[test]
    fn closed_days_have_no_calls_on_any_queue() {
        let closed = calendar_dates(DayKind::Closed);
        let in_history = closed
            .iter()
            .filter(|day| **day <= date("2026-11-30"))
            .count();
        assert_eq!(in_history, 16);
        let mut checked = 0;
        for row in &sample().history {
            if closed.contains(&row.interval_start.date_naive()) {
                assert_eq!(row.offered, 0, "{row:?}");
                checked += 1;
            }
        }
        assert_eq!(checked, 2 * 16 * 48);
    }

    #[test]
    fn counts_add_up_and_aht_only_with_handled_calls() {
        for row in &sample().history {
            assert_eq!(row.handled + row.abandoned, row.offered, "{row:?}");
            assert_eq!(row.aht_seconds.is_some(), row.handled > 0, "{row:?}");
            if let Some(aht) = row.aht_seconds {
                assert!(aht > 60.0 && aht < 1200.0, "{row:?}");
            }
        }
    }

    #[test]
    fn no_calls_outside_opening_hours() {
        for row in &sample().history {
            let minute = local_minutes(&row.interval_start);
            let weekday = row.interval_start.weekday();
            let (open, close) = match (row.queue, weekday) {
                ("sales", Weekday::Sun) => (0, 0),
                ("sales", _) => (9 * 60, 18 * 60),
                (_, Weekday::Sat | Weekday::Sun) => (9 * 60, 17 * 60),
                _ => (8 * 60, 20 * 60),
            };
            if minute < open || minute >= close {
                assert_eq!(row.offered, 0, "{row:?}");
            }
        }
    }

    #[test]
    fn weekly_pattern_is_present() {
        let by_weekday = |queue, weekday| {
            mean(
                daily_offered(queue)
                    .into_iter()
                    .filter(|(day, calls)| day.weekday() == weekday && *calls > 0)
                    .map(|(_, calls)| f64::from(calls)),
            )
        };
        let monday = by_weekday("support", Weekday::Mon);
        let friday = by_weekday("support", Weekday::Fri);
        let sunday = by_weekday("support", Weekday::Sun);
        assert!(monday > 1.1 * friday, "Monday {monday} vs Friday {friday}");
        assert!(monday > 2.0 * sunday, "Monday {monday} vs Sunday {sunday}");
        let sales_sundays: u32 = daily_offered("sales")
            .into_iter()
            .filter(|(day, _)| day.weekday() == Weekday::Sun)
            .map(|(_, calls)| calls)
            .sum();
        assert_eq!(sales_sundays, 0);
    }

    #[test]
    fn yearly_season_and_trend_are_present() {
        let daily = daily_offered("support");
        let month_mean = |prefix: &str| {
            mean(
                daily
                    .iter()
                    .filter(|(day, calls)| day.to_string().starts_with(prefix) && **calls > 0)
                    .map(|(_, calls)| f64::from(*calls)),
            )
        };
        let january = month_mean("2026-01");
        let july = month_mean("2025-07");
        assert!(january > 1.15 * july, "January {january} vs July {july}");
        let first_year = mean(daily.values().take(364).map(|calls| f64::from(*calls)));
        let last_year = mean(
            daily
                .values()
                .rev()
                .take(364)
                .map(|calls| f64::from(*calls)),
        );
        assert!(last_year > 1.04 * first_year, "{first_year} -> {last_year}");
    }

    #[test]
    fn event_days_raise_sales_above_the_same_weekday() {
        let daily = daily_offered("sales");
        let special: Vec<NaiveDate> = sample().calendar.iter().map(|entry| entry.date).collect();
        let events: Vec<&CalendarEntry> = sample()
            .calendar
            .iter()
            .filter(|entry| entry.kind == DayKind::Event && daily.contains_key(&entry.date))
            .collect();
        assert_eq!(events.len(), 39);
        let mut ratios = Vec::new();
        for event in events {
            let neighbours: Vec<f64> = [-4, -3, -2, -1, 1, 2, 3, 4]
                .iter()
                .map(|weeks| event.date + TimeDelta::weeks(*weeks))
                .filter(|day| !special.contains(day))
                .filter_map(|day| daily.get(&day))
                .map(|calls| f64::from(*calls))
                .collect();
            let usual = mean(neighbours.into_iter());
            let on_event = f64::from(daily[&event.date]);
            assert!(on_event > usual, "{event:?}: {on_event} vs usual {usual}");
            ratios.push(on_event / usual);
        }
        let mean_ratio = mean(ratios.into_iter());
        assert!(
            (1.3..1.7).contains(&mean_ratio),
            "mean event ratio {mean_ratio}"
        );
    }

    #[test]
    fn volumes_abandonment_and_aht_are_realistic() {
        let peak_support = rows("support").map(|row| row.offered).max().unwrap();
        assert!(
            (80..=150).contains(&peak_support),
            "support peak {peak_support}"
        );
        for queue in ["sales", "support"] {
            let offered: u32 = rows(queue).map(|row| row.offered).sum();
            let abandoned: u32 = rows(queue).map(|row| row.abandoned).sum();
            let share = f64::from(abandoned) / f64::from(offered);
            assert!(
                (0.03..=0.08).contains(&share),
                "{queue} abandonment {share}"
            );
            let handled: u32 = rows(queue).map(|row| row.handled).sum();
            let talk: f64 = rows(queue)
                .filter_map(|row| row.aht_seconds.map(|aht| aht * f64::from(row.handled)))
                .sum();
            let aht = talk / f64::from(handled);
            assert!((280.0..=420.0).contains(&aht), "{queue} AHT {aht}");
        }
        let support_aht_at = |hour| {
            let (talk, handled) = rows("support")
                .filter(|row| row.interval_start.hour() == hour && row.handled > 0)
                .fold((0.0, 0.0), |(talk, handled), row| {
                    let calls = f64::from(row.handled);
                    (talk + row.aht_seconds.unwrap() * calls, handled + calls)
                });
            talk / handled
        };
        assert!(support_aht_at(19) > support_aht_at(13) + 20.0);
    }

    #[test]
    fn calendar_reaches_past_the_history() {
        let calendar = &sample().calendar;
        let beyond = |kind| {
            calendar
                .iter()
                .filter(|entry| entry.kind == kind && entry.date > date("2026-11-30"))
                .count()
        };
        assert!(beyond(DayKind::Event) >= 10);
        assert!(beyond(DayKind::Closed) >= 8);
        assert!(calendar
            .iter()
            .any(|entry| entry.date == date("2026-12-25")));
        assert!(calendar
            .iter()
            .all(|entry| entry.date <= date("2027-11-30")));
        for entry in calendar {
            match entry.kind {
                DayKind::Closed => assert_eq!(entry.uplift, None),
                DayKind::Holiday => assert!(entry.uplift.unwrap() < 1.0),
                DayKind::Event => {
                    assert!(entry.uplift.unwrap() > 1.0);
                    assert_ne!(entry.date.weekday(), Weekday::Sun);
                }
            }
        }
        assert!(calendar.windows(2).all(|pair| pair[0].date <= pair[1].date));
        let black_friday: Vec<&CalendarEntry> = calendar
            .iter()
            .filter(|entry| entry.name == "Black Friday" && entry.date.year() == 2024)
            .collect();
        assert_eq!(black_friday[0].date, date("2024-11-29"));
        assert_eq!(black_friday[2].date, date("2024-12-02"));
    }

    #[test]
    fn same_options_same_data_and_seeds_differ() {
        let short = GenerateOptions {
            days: 30,
            ..GenerateOptions::default()
        };
        let first = generate(&short);
        assert_eq!(first, generate(&short));
        let other_seed = generate(&GenerateOptions {
            seed: 8,
            ..short.clone()
        });
        assert_ne!(first.history, other_seed.history);
        // Days draw from their own streams: a short run is a prefix of the long one.
        let long = sample();
        let long_sales = long.history.iter().filter(|row| row.queue == "sales");
        let short_sales = first.history.iter().filter(|row| row.queue == "sales");
        assert!(short_sales.eq(long_sales.take(30 * 48)));
    }

    #[test]
    fn written_files_are_byte_identical() {
        let options = GenerateOptions {
            days: 40,
            ..GenerateOptions::default()
        };
        let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
        for dir in &dirs {
            write_sample(dir.path(), &generate(&options)).unwrap();
        }
        for file in ["history.csv", "calendar.csv"] {
            let a = std::fs::read(dirs[0].path().join(file)).unwrap();
            let b = std::fs::read(dirs[1].path().join(file)).unwrap();
            assert!(!a.is_empty());
            assert_eq!(a, b, "{file}");
        }
    }

    #[test]
    fn bad_options_are_input_errors() {
        let start = date("2024-11-01");
        let tz = crate::units::parse_time_zone("Europe/London").unwrap();
        assert!(matches!(
            GenerateOptions::new(7, start, 0, tz),
            Err(Error::Input(_))
        ));
        assert!(matches!(
            GenerateOptions::new(7, start, MAX_DAYS + 1, tz),
            Err(Error::Input(_))
        ));
        assert!(GenerateOptions::new(7, start, MAX_DAYS, tz).is_ok());
        assert!(matches!(
            crate::units::parse_time_zone("Mars/Olympus"),
            Err(Error::Input(_))
        ));
        assert!(matches!(
            parse_start_date("2024-13-01"),
            Err(Error::Input(_))
        ));
    }

    #[test]
    fn rows_format_as_documented() {
        let row = sample().history.iter().find(|row| row.handled > 0).unwrap();
        let fields = history_fields(row);
        assert_eq!(fields[0], "sales");
        assert!(fields[1].ends_with("+00:00"));
        assert!(!fields[2].contains('.'));
        let aht = &fields[5];
        assert!(
            aht.split('.')
                .nth(1)
                .is_none_or(|decimals| decimals.len() == 1),
            "{aht}"
        );
        let closed = CalendarEntry {
            date: date("2025-12-25"),
            kind: DayKind::Closed,
            name: "Christmas Day".to_string(),
            uplift: None,
        };
        assert_eq!(
            calendar_fields(&closed),
            ["2025-12-25", "closed", "Christmas Day", ""]
        );
    }
}
