//! The discrete-event simulation's event rate: one queue at 200 Erlangs (AHT 180 s,
//! patience 300 s), 205 agents logged in all day, 4 days x 10 replications: about 3.8 M
//! calls and 7.6 M events per run. Reported as events per second (criterion's
//! "elem/s"; the event count is the simulator's own).
//!
//! Run: `cargo bench --bench simulate`. `docs/simulation.md` records the figure. Under
//! `cargo test` (no `--bench` argument) one day and two replications run instead, so CI
//! stays quick.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wfm::simulate::{simulate, Agent, Answers, LoadInterval, Options, QueueSpec, Scenario, Span};

const HALF_HOUR: u32 = 30;
const AHT_SECONDS: f64 = 180.0;
const LOAD_ERLANGS: f64 = 200.0;
const AGENTS: usize = 205;

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
    let full = std::env::args().any(|arg| arg == "--bench");
    let (days, replications) = if full { (4, 10) } else { (1, 2) };
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

criterion_group!(benches, event_rate);
criterion_main!(benches);
