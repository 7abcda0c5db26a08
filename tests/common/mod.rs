//! Synthetic histories for the forecasting tests, written as the canonical CSV.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

use chrono::{Datelike, Duration, NaiveDate, Timelike};
use chrono_tz::Tz;
use rand::SeedableRng;
use rand_distr::{Distribution, Poisson};

use wfm::interval::{format_timestamp, local_day_intervals, IntervalRecord, IntervalTable};

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// Expected calls of a pure weekly pattern: open Mon-Sat 08:00-18:00, closed Sunday,
/// a mid-morning peak, Mondays busiest; `scale` multiplies everything.
pub fn weekly_pattern(weekday: u32, minute: u32, scale: f64) -> f64 {
    if weekday == 6 || !(8 * 60..18 * 60).contains(&minute) {
        return 0.0;
    }
    let hour = minute as f64 / 60.0 + 0.25;
    let shape = 10.0 + 30.0 * (-0.5 * ((hour - 11.0) / 1.5).powi(2)).exp();
    let day = [1.3, 1.1, 1.0, 1.0, 0.9, 0.5, 0.0][weekday as usize];
    (scale * shape * day).round()
}

/// A table of `days` days from `first` in `zone` with `calls(date, weekday, minute)`
/// offered calls per half-hour; `None` rows are gaps (empty offered).
pub fn table(
    queues: &[&str],
    first: NaiveDate,
    days: usize,
    zone: Tz,
    calls: impl Fn(&str, NaiveDate, u32, u32) -> Option<f64>,
) -> IntervalTable {
    let mut records = Vec::new();
    for queue in queues {
        for d in 0..days {
            let day = first + Duration::days(d as i64);
            for instant in local_day_intervals(day, zone, 30) {
                let minute = instant.hour() * 60 + instant.minute();
                let weekday = day.weekday().num_days_from_monday();
                let record = match calls(queue, day, weekday, minute) {
                    Some(offered) => IntervalRecord {
                        offered: Some(offered),
                        handled: Some(offered),
                        abandoned: Some(0.0),
                        aht_seconds: (offered > 0.0).then_some(300.0 + minute as f64 / 10.0),
                        ..IntervalRecord::missing(queue, instant)
                    },
                    None => IntervalRecord::missing(queue, instant),
                };
                records.push(record);
            }
        }
    }
    IntervalTable {
        time_zone: zone,
        interval_minutes: 30,
        records,
    }
}

/// Poisson draws around `expected`, seeded.
pub fn poisson_table(
    queues: &[&str],
    first: NaiveDate,
    days: usize,
    zone: Tz,
    seed: u64,
    expected: impl Fn(&str, NaiveDate, u32, u32) -> f64,
) -> IntervalTable {
    let rng = std::cell::RefCell::new(rand_chacha::ChaCha8Rng::seed_from_u64(seed));
    table(queues, first, days, zone, |queue, day, weekday, minute| {
        let mean = expected(queue, day, weekday, minute);
        Some(if mean > 0.0 {
            Poisson::new(mean).unwrap().sample(&mut *rng.borrow_mut())
        } else {
            0.0
        })
    })
}

/// Writes the canonical CSV (queue,interval_start,offered,handled,abandoned,aht_seconds).
pub fn write_canonical(table: &IntervalTable, path: &Path) {
    let mut text = String::from("queue,interval_start,offered,handled,abandoned,aht_seconds\n");
    let number = |v: Option<f64>| v.map(|x| format!("{x}")).unwrap_or_default();
    for r in &table.records {
        writeln!(
            text,
            "{},{},{},{},{},{}",
            r.queue,
            format_timestamp(&r.interval_start),
            number(r.offered),
            number(r.handled),
            number(r.abandoned),
            number(r.aht_seconds)
        )
        .unwrap();
    }
    std::fs::write(path, text).unwrap();
}
