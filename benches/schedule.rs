//! Benchmark of `wfm schedule`'s core: a 28-day month of half-hourly requirements
//! peaking near 60 agents, three templates (8 h with a lunch and two breaks, 6 h with
//! one break, 4 h) starting every 30 minutes, solved to a proven 0.5% gap.
//!
//! Run: `cargo bench --bench schedule`. The solve report (cost, bound, gap) is printed
//! once before the timing; `docs/benchmarks.md` records both.

use chrono::{Datelike, Duration, NaiveDate, TimeZone};
use criterion::{criterion_group, criterion_main, Criterion};
use wfm::schedule::{
    build_schedule, Cover, Requirement, Routing, ScheduleOptions, ShiftConfig, SolverLimits,
};

/// The benchmark month's shift templates, shared with the other scheduling bench.
const TEMPLATES: &str = include_str!("month_templates.toml");

/// Open 07:00-22:00; a morning peak of 60 agents at 10:30 and an afternoon peak of 51
/// at 14:30 on weekdays, 60% of that at weekends.
fn month_requirements(first_day: NaiveDate) -> Vec<Requirement> {
    let mut requirements = Vec::new();
    for day in 0..28 {
        let date = first_day + Duration::days(day);
        let weekend = if date.weekday().num_days_from_monday() >= 5 {
            0.6
        } else {
            1.0
        };
        for half_hour in 0..48 {
            let hour = f64::from(half_hour) / 2.0 + 0.25;
            let agents = if !(7.0..22.0).contains(&hour) {
                0.0
            } else {
                let morning = (-((hour - 10.5) / 1.8).powi(2)).exp();
                let afternoon = 0.85 * (-((hour - 14.5) / 2.0).powi(2)).exp();
                (60.0 * weekend * (0.30 + 0.70 * morning.max(afternoon))).ceil()
            };
            let start = chrono_tz::UTC
                .from_local_datetime(
                    &date
                        .and_hms_opt(half_hour / 2, (half_hour % 2) * 30, 0)
                        .unwrap(),
                )
                .unwrap();
            requirements.push(Requirement {
                queue: "center".into(),
                interval_start: start,
                calls: agents * 8.0,
                aht_seconds: 300.0,
                agents,
                scheduled_staff: agents,
            });
        }
    }
    requirements
}

fn bench_month(c: &mut Criterion) {
    let config = ShiftConfig::from_toml(TEMPLATES, "bench").unwrap();
    let first_day = NaiveDate::from_ymd_opt(2027, 2, 1).unwrap();
    let requirements = month_requirements(first_day);
    // `cargo test --all-targets` runs benches without `--bench`: a two-day smoke run.
    let smoke_test = !std::env::args().any(|arg| arg == "--bench");
    let options = ScheduleOptions {
        start: first_day,
        days: if smoke_test { 2 } else { 28 },
        time_zone: chrono_tz::UTC,
        cover: Cover::ScheduledStaff,
        limits: SolverLimits {
            time_limit_seconds: 120.0,
            mip_gap: 0.005,
        },
        queues: Vec::new(),
        answer_within_seconds: 20.0,
        shrinkage: Some(0.0),
        targets: None,
        routing: Routing::Skills,
    };
    let schedule = build_schedule(&requirements, &config, &options, None).unwrap();
    let report = &schedule.report;
    let shifts: u32 = schedule.shifts.iter().map(|row| row.count).sum();
    eprintln!(
        "{} days: {} in {:.1} s, {} shifts, paid cost {:.2}, objective {:.2}, LP/MIP bound {:.2}, gap {:.3}%, shortfall {} agent-intervals, {} variables ({} integer), {} constraints",
        options.days,
        report.status,
        report.solve_seconds,
        shifts,
        schedule.paid_cost(&config),
        report.objective,
        report.best_bound,
        report.gap * 100.0,
        schedule.total_shortfall(),
        report.variables,
        report.integer_variables,
        report.constraints
    );
    let mut group = c.benchmark_group("schedule");
    group.sample_size(10);
    group.bench_function("month_28_days_3_templates", |b| {
        b.iter(|| build_schedule(&requirements, &config, &options, None).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench_month);
criterion_main!(benches);
