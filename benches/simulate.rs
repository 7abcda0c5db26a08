//! The discrete-event simulation's speed, two ways:
//!
//! - `sample_month`: the committed sample month (`benches/fixtures/sample-month/`:
//!   December 2026, two queues, 57 k calls, 110 agents on 1953 shifts, 30% shrinkage)
//!   x 30 replications, as `wfm simulate` runs it (files already read): routing
//!   `assigned` with per-slot absence (the defaults), and routing `skills` with every
//!   agent logged into its skills of `data/sample/agents.csv` (`support;sales:2`);
//! - `event_rate`: one queue at 200 Erlangs (AHT 180 s, patience 300 s), 205 agents
//!   logged in all day, 4 days x 10 replications: about 3.8 M calls and 7.6 M events
//!   per run, reported as events per second (criterion's "elem/s").
//!
//! Run: `cargo bench --bench simulate`. `docs/benchmarks.md` records the figures. Under
//! `cargo test` (no `--bench` argument) 2 replications (and one day of the 200-Erlang
//! queue) run instead, so CI stays quick.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wfm::forecast::{read_forecast, ForecastRow};
use wfm::roster::{read_roster, Activity, RosterRow};
use wfm::simulate::{
    simulate, simulate_staffing, Agent, Answers, LoadInterval, Options, QueueSpec, Routing,
    Scenario, Settings, Sources, Span, Staffing,
};
use wfm::staff::{QueueTargets, ServiceTargets, TargetsFile};

const HALF_HOUR: u32 = 30;
const AHT_SECONDS: f64 = 180.0;
const LOAD_ERLANGS: f64 = 200.0;
const AGENTS: usize = 205;

fn full_run() -> bool {
    std::env::args().any(|arg| arg == "--bench")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/fixtures/sample-month")
        .join(name)
}

/// Each agent's skills in `data/sample/agents.csv`, as a roster queue cell.
fn sample_skills() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/agents.csv");
    let text = std::fs::read_to_string(path).expect("data/sample/agents.csv");
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            Some((cells.first()?.to_string(), cells.get(3)?.to_string()))
        })
        .collect()
}

fn sample_month(c: &mut Criterion) {
    let replications = if full_run() { 30 } else { 2 };
    let forecast: Vec<ForecastRow> = read_forecast(&fixture("forecast.csv")).expect("forecast");
    let roster: Vec<(u64, RosterRow)> = read_roster(&fixture("roster.csv")).expect("roster");
    let targets_path = fixture("targets.toml");
    let targets = QueueTargets::new(
        &TargetsFile::read(&targets_path).expect("targets"),
        &ServiceTargets::default(),
        "targets.toml",
    )
    .expect("targets");
    // Routing skills: every shift row answers the agent's skills.
    let skills = sample_skills();
    let pooled: Vec<(u64, RosterRow)> = roster
        .iter()
        .map(|(line, row)| {
            let mut row = row.clone();
            if row.activity == Activity::Shift {
                row.queue = skills[&row.agent_id].clone();
            }
            (*line, row)
        })
        .collect();
    let sources = Sources {
        forecast: Path::new("forecast.csv"),
        staffing: Path::new("roster.csv"),
    };
    let run = |rows: &[(u64, RosterRow)], routing: Routing| {
        let settings = Settings {
            routing,
            replications,
            ..Settings::default()
        };
        simulate_staffing(
            &forecast,
            Staffing::Roster(rows),
            &targets,
            chrono_tz::Europe::London,
            &settings,
            &sources,
        )
        .expect("the sample simulates")
    };
    let mut group = c.benchmark_group("simulate_sample_month");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for (name, rows, routing) in [
        ("assigned_30_replications", &roster, Routing::Assigned),
        ("skills_30_replications", &pooled, Routing::Skills),
    ] {
        let simulation = run(rows, routing);
        group.throughput(Throughput::Elements(simulation.report.events));
        for line in simulation.summary_lines() {
            eprintln!("{name}: {line}");
        }
        group.bench_function(name, |b| b.iter(|| run(black_box(rows), routing)));
    }
    group.finish();
}

fn scenario(days: u32) -> Scenario {
    let calls = LOAD_ERLANGS * f64::from(HALF_HOUR) * 60.0 / AHT_SECONDS;
    let queue = QueueSpec {
        name: "q".to_string(),
        intervals: (0..days * 1440 / HALF_HOUR)
            .map(|i| LoadInterval {
                start_minute: i * HALF_HOUR,
                length_minutes: HALF_HOUR,
                calls,
                aht_seconds: AHT_SECONDS,
            })
            .collect(),
        answer_within_seconds: 20.0,
        patience_seconds: Some(300.0),
        daily_volume_sd: Vec::new(),
    };
    // Logged in until a day after the horizon, so the calls drain at the same staffing.
    let agent = Agent {
        spans: vec![Span::new(
            0.0,
            f64::from((days + 1) * 86_400),
            Answers::Queue(0),
        )],
        shrinkage: 0.0,
    };
    Scenario {
        queues: vec![queue],
        agents: vec![agent; AGENTS],
    }
}

fn event_rate(c: &mut Criterion) {
    let (days, replications) = if full_run() { (4, 10) } else { (1, 2) };
    let scenario = scenario(days);
    let options = Options {
        replications,
        seed: 1,
        ..Options::default()
    };
    let events = simulate(&scenario, options).expect("valid scenario").events;
    let mut group = c.benchmark_group("simulate");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.throughput(Throughput::Elements(events));
    group.bench_function("200_erlangs_4_days_10_replications", |b| {
        b.iter(|| simulate(black_box(&scenario), options).expect("valid scenario"))
    });
    group.finish();
}

criterion_group!(benches, sample_month, event_rate);
criterion_main!(benches);
