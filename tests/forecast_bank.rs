//! Forecast accuracy on real call-center data: the "Anonymous Bank" of Israel, 1999
//! (Technion SEE Lab; Guedj & Mandelbaum 2000; Brown et al. 2005, JASA 100:36), the
//! whole year of calls per six minutes in `../shared/data/anon_bank_1999/`.
//!
//! The six-minute counts (naive Israel local time) are summed to half-hours and put on
//! the Asia/Jerusalem clock: a count whose local time does not exist (spring forward) is
//! added to the next half-hour, and the second pass of a repeated fall-back half-hour is
//! missing (the file has one count for both). Then the rolling-origin backtest of
//! `wfm backtest` runs at 8 origins, 28 days apart, each forecasting 28 days, without a
//! calendar (the test knows no more than a user with this file would).
//!
//! Print the table with `cargo test --release --test forecast_bank -- --nocapture`.
//! When `../shared` is absent every test here says so and passes without checking.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{Duration, NaiveDateTime, Timelike};
use chrono_tz::Asia::Jerusalem;

use wfm::forecast::backtest::{backtest_queue, render_table, BacktestOptions, BacktestRow};
use wfm::forecast::series::queue_histories;
use wfm::forecast::{ForecastOptions, Method, METHOD_NAMES};
use wfm::interval::{local_day_intervals, resolve_local, IntervalRecord, IntervalTable, LocalTime};

fn counts_file() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/anon_bank_1999/counts_6min_1999.csv");
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "skipped: {} is absent (reference data lives beside the repository)",
            path.display()
        );
        None
    }
}

/// Calls per naive local half-hour.
fn half_hour_counts(path: &PathBuf) -> BTreeMap<NaiveDateTime, f64> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut counts = BTreeMap::new();
    for row in reader.records() {
        let row = row.unwrap();
        let time = NaiveDateTime::parse_from_str(&row[0], "%Y-%m-%dT%H:%M:%S").unwrap();
        let calls: f64 = row[1].parse().unwrap();
        let floor = time
            .with_minute(time.minute() / 30 * 30)
            .unwrap()
            .with_second(0)
            .unwrap();
        *counts.entry(floor).or_insert(0.0) += calls;
    }
    counts
}

/// The counts as a canonical table on the Asia/Jerusalem clock.
fn bank_table(path: &PathBuf) -> IntervalTable {
    let mut counts = half_hour_counts(path);
    // Half-hours that do not exist (spring forward) pass their calls to the next one.
    let skipped: Vec<NaiveDateTime> = counts
        .keys()
        .filter(|t| resolve_local(t, Jerusalem) == LocalTime::Skipped)
        .copied()
        .collect();
    for time in skipped {
        let calls = counts.remove(&time).unwrap();
        let mut next = time + Duration::minutes(30);
        while resolve_local(&next, Jerusalem) == LocalTime::Skipped {
            next += Duration::minutes(30);
        }
        *counts.entry(next).or_insert(0.0) += calls;
    }
    let first = counts.keys().next().unwrap().date();
    let last = counts.keys().next_back().unwrap().date();
    let mut records = Vec::new();
    let mut day = first;
    while day <= last {
        let mut seen = std::collections::HashSet::new();
        for instant in local_day_intervals(day, Jerusalem, 30) {
            let local = instant.naive_local();
            let mut record = IntervalRecord::missing("bank", instant);
            if seen.insert(local) {
                record.offered = counts.get(&local).copied();
            }
            records.push(record);
        }
        day += Duration::days(1);
    }
    IntervalTable {
        time_zone: Jerusalem,
        interval_minutes: 30,
        records,
    }
}

fn bank_backtest(path: &PathBuf) -> Vec<BacktestRow> {
    let table = bank_table(path);
    let histories = queue_histories(&table).unwrap();
    let options = BacktestOptions {
        horizon: 28,
        origins: 8,
        step: 28,
        methods: METHOD_NAMES
            .iter()
            .map(|name| Method::parse(name).unwrap())
            .chain([Method::Auto])
            .collect(),
        forecast: ForecastOptions::default(),
    };
    backtest_queue(&histories[0], &options).unwrap()
}

#[test]
fn the_half_hour_table_keeps_every_call_of_the_year() {
    let Some(path) = counts_file() else { return };
    let table = bank_table(&path);
    let total: f64 = table.records.iter().filter_map(|r| r.offered).sum();
    let raw: f64 = half_hour_counts(&path).values().sum();
    assert!((total - raw).abs() < 1e-6, "{total} vs {raw}");
    // 365 days of 48 half-hours; Israel's spring-forward and fall-back days cancel out.
    assert_eq!(table.records.len(), 365 * 48);
}

#[test]
fn auto_beats_seasonal_naive_and_historical_average_on_the_bank_year() {
    let Some(path) = counts_file() else { return };
    let rows = bank_backtest(&path);
    println!("{}", render_table(&rows, 0.8));
    let wape = |method: &str| rows.iter().find(|r| r.method == method).unwrap().wape;
    let auto = wape("auto");
    assert!(
        auto < wape("seasonal-naive"),
        "auto {auto} vs seasonal-naive {}",
        wape("seasonal-naive")
    );
    assert!(
        auto < wape("historical-average"),
        "auto {auto} vs historical-average {}",
        wape("historical-average")
    );
    // 8 origins × 28 days × 48 half-hours, all observed.
    assert!(rows
        .iter()
        .all(|r| r.intervals == 8 * 28 * 48 && r.origins == 8));
}
