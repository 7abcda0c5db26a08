//! `wfm forecast --method auto` for 100 queues × 2 years of half-hours × 28 days ahead.
//!
//! Two measurements: the forecasting itself (histories in memory, as after reading), and
//! the whole command as `wfm forecast` runs it (read the canonical CSV, forecast, write
//! the forecast CSV). Run with `cargo bench --bench forecast`; the figures are recorded
//! in docs/benchmarks.md.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use chrono::{Datelike, NaiveDate, Timelike};
use criterion::{criterion_group, criterion_main, Criterion};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Poisson};

use wfm::cli::args::read_histories;
use wfm::forecast::series::queue_histories;
use wfm::forecast::{
    forecast_queues, forecast_rows, select_queues, write_forecast, ForecastOptions,
};
use wfm::interval::{local_day_intervals, IntervalRecord, IntervalTable};

/// `cargo bench` passes `--bench`. Under `cargo test --all-targets` criterion runs each
/// benchmark once as a smoke test, where the full history would only slow the suite, so
/// it then uses 3 queues × 120 days.
fn measuring() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test")
}

/// A seeded history: per queue its own size, opening hours, weekday pattern, yearly
/// wave and trend, with Poisson counts.
fn synthetic_table(queues: usize, days: i64) -> IntervalTable {
    let zone = chrono_tz::Europe::London;
    let first = NaiveDate::from_ymd_opt(2024, 12, 2).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
    let mut records = Vec::new();
    for q in 0..queues {
        let queue = format!("queue-{q:03}");
        let size: f64 = rng.random_range(2.0..120.0);
        let opens = rng.random_range(7..10) * 60;
        let closes = rng.random_range(17..22) * 60;
        let weekday: Vec<f64> = (0..7)
            .map(|d| {
                if d < 5 {
                    rng.random_range(0.9..1.2)
                } else {
                    rng.random_range(0.0..0.6)
                }
            })
            .collect();
        let phase: f64 = rng.random_range(0.0..std::f64::consts::TAU);
        for d in 0..days {
            let date = first + chrono::Duration::days(d);
            let season = 1.0 + 0.1 * (std::f64::consts::TAU * d as f64 / 365.0 + phase).sin();
            let trend = 1.0 + 0.05 * d as f64 / 365.0;
            let day = weekday[date.weekday().num_days_from_monday() as usize];
            for instant in local_day_intervals(date, zone, 30) {
                let minute = instant.hour() * 60 + instant.minute();
                let open = (opens..closes).contains(&minute);
                let hour = f64::from(minute) / 60.0;
                let shape = 0.4 + (-0.5 * ((hour - 11.0) / 2.0).powi(2)).exp();
                let mean = if open {
                    size * day * season * trend * shape
                } else {
                    0.0
                };
                let offered = if mean > 0.0 {
                    Poisson::new(mean).unwrap().sample(&mut rng)
                } else {
                    0.0
                };
                records.push(IntervalRecord {
                    offered: Some(offered),
                    handled: Some(offered),
                    abandoned: Some(0.0),
                    aht_seconds: (offered > 0.0).then_some(300.0),
                    ..IntervalRecord::missing(&queue, instant)
                });
            }
        }
    }
    IntervalTable {
        time_zone: zone,
        interval_minutes: 30,
        records,
    }
}

/// What `wfm forecast` does after parsing its arguments.
fn forecast_command(history: &Path, output: &Path, start: NaiveDate, options: &ForecastOptions) {
    let histories = select_queues(read_histories(history, "Europe/London").unwrap(), &[]).unwrap();
    let forecasts = forecast_queues(&histories, start, 28, options).unwrap();
    write_forecast(output, &forecast_rows(&forecasts)).unwrap();
}

fn forecast_benchmarks(c: &mut Criterion) {
    let (queues, days) = if measuring() { (100, 730) } else { (3, 120) };
    let table = synthetic_table(queues, days);
    let histories = queue_histories(&table).unwrap();
    let start = NaiveDate::from_ymd_opt(2024, 12, 2).unwrap() + chrono::Duration::days(days);
    let options = ForecastOptions::default();
    let mut group = c.benchmark_group("forecast");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("auto_100_queues_2_years_28_days", |b| {
        b.iter(|| forecast_queues(black_box(&histories), start, 28, &options).unwrap())
    });

    let dir = tempfile::tempdir().unwrap();
    let parquet = dir.path().join("history.parquet");
    let csv = dir.path().join("history.csv");
    wfm::interval::write_parquet_file(&table, &parquet).unwrap();
    table.write_csv_file(&csv).unwrap();
    drop(histories);
    drop(table);
    let output = dir.path().join("forecast.csv");
    group.bench_function("wfm_forecast_command_parquet_history", |b| {
        b.iter(|| forecast_command(&parquet, &output, start, &options))
    });
    group.bench_function("wfm_forecast_command_csv_history", |b| {
        b.iter(|| forecast_command(&csv, &output, start, &options))
    });
    group.finish();
}

criterion_group!(benches, forecast_benchmarks);
criterion_main!(benches);
