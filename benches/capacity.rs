//! `wfm capacity` for 20 queues × 52 weeks from 2 years of half-hourly history.
//!
//! Two measurements: the capacity plan itself (histories in memory: per queue the
//! weekly fit, the 4/13/26-week backtest and the typical week; per scenario the
//! Erlang staffing of every interval of every week and the hiring MIP; the baseline
//! and two scenarios), and the whole command as `wfm capacity` runs it (read the
//! plan.toml and the canonical CSV history, plan, write the five outputs). Run with
//! `cargo bench --bench capacity`; the figures are recorded in docs/benchmarks.md.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use chrono::{Datelike, NaiveDate, Timelike};
use criterion::{criterion_group, criterion_main, Criterion};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Poisson};

use wfm::capacity::config::{read_sections, Scenario};
use wfm::capacity::{Capacity, HeadcountSource, SiteInputs};
use wfm::cli::capacity::CapacityArgs;
use wfm::forecast::calendar::Calendar;
use wfm::forecast::series::queue_histories;
use wfm::interval::{local_day_intervals, IntervalRecord, IntervalTable};
use wfm::staff::{QueueTargets, ServiceTargets, TargetsFile};

/// `cargo bench` passes `--bench`. Under `cargo test --all-targets` criterion runs each
/// benchmark once as a smoke test: then 3 queues, 400 days of history, 8 weeks.
fn measuring() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test")
}

const FIRST_DAY: (i32, u32, u32) = (2024, 12, 2);

/// A seeded history: per queue its own size, opening hours, weekday pattern, yearly
/// wave and trend, Poisson counts and a 300 s AHT.
fn synthetic_table(queues: usize, days: i64) -> IntervalTable {
    let zone = chrono_tz::Europe::London;
    let first = NaiveDate::from_ymd_opt(FIRST_DAY.0, FIRST_DAY.1, FIRST_DAY.2).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(16);
    let mut records = Vec::new();
    for q in 0..queues {
        let queue = format!("queue-{q:02}");
        let size: f64 = rng.random_range(2.0..40.0);
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

const TARGETS: &str = "[default]\nservice_level = \"80%\"\nanswer_within = \"20s\"\nmax_occupancy = \"90%\"\nshrinkage = \"30%\"\n";

const SCENARIOS: &str = "[[scenario]]\nname = \"launch\"\nvolume = \"+15%\"\naht = \"+20s\"\n\n[[scenario]]\nname = \"tighter\"\nsl = \"90/30\"\n";

fn capacity_benchmarks(c: &mut Criterion) {
    let (queues, days, weeks) = if measuring() {
        (20, 730, 52)
    } else {
        (3, 400, 8)
    };
    let table = synthetic_table(queues, days);
    let histories = queue_histories(&table).unwrap();
    let file: TargetsFile = toml::from_str(TARGETS).unwrap();
    let targets = QueueTargets::new(&file, &ServiceTargets::default(), "targets").unwrap();
    let (mut settings, scenarios) = read_sections(SCENARIOS).unwrap();
    settings.weeks = weeks;
    let site = |current: f64| SiteInputs {
        calendar: Calendar::empty(),
        targets: &targets,
        fte_hours: 40.0,
        current_fte: current,
        headcount_source: HeadcountSource::Config,
    };
    // Staffed today at 90% of the first week's requirement, so the plan hires.
    let probe = Capacity::new(&histories, site(0.0), settings.clone()).unwrap();
    let first: f64 = probe
        .requirements(&Scenario::baseline())
        .unwrap()
        .iter()
        .map(|q| q[0].required_fte)
        .sum();
    let current = (0.9 * first).round();

    let mut group = c.benchmark_group("capacity");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("plan_20_queues_52_weeks_3_scenarios", |b| {
        b.iter(|| {
            let capacity =
                Capacity::new(black_box(&histories), site(current), settings.clone()).unwrap();
            capacity.plan_all(&scenarios).unwrap()
        })
    });

    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    table.write_csv_file(&history).unwrap();
    let config = dir.path().join("plan.toml");
    std::fs::write(&config, plan_toml(&history, weeks, current)).unwrap();
    drop(histories);
    drop(table);
    let out = dir.path().join("out");
    group.bench_function("wfm_capacity_command_csv_history", |b| {
        b.iter(|| {
            let args = CapacityArgs {
                config: config.clone(),
                weeks: None,
                out: Some(out.clone()),
                volume: None,
                aht: None,
                sl: None,
                shrinkage: None,
                json: false,
            };
            wfm::cli::capacity::run(args, true).unwrap()
        })
    });
    group.finish();
}

fn plan_toml(history: &Path, weeks: u32, current: f64) -> String {
    format!(
        "[site]\ntime_zone = \"Europe/London\"\n\n[inputs]\nhistory = \"{}\"\nshifts = \"unused.toml\"\n\n\
[horizon]\nmonth = \"2026-12\"\n\n[targets.default]\nservice_level = \"80%\"\nanswer_within = \"20s\"\n\
max_occupancy = \"90%\"\nshrinkage = \"30%\"\n\n[capacity]\nweeks = {weeks}\nfte_hours = 40\nheadcount = {current}\n\n{SCENARIOS}",
        history.display()
    )
}

criterion_group!(benches, capacity_benchmarks);
criterion_main!(benches);
