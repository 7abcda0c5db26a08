//! `wfm staff`'s core at scale: required agents and scheduled staff for a year of
//! half-hours for 100 queues (1,752,000 intervals), loads uniform in 0-300 Erlangs and
//! AHT in 2-10 minutes from a fixed pseudo-random sequence, targets 80/20, ASA <= 30 s,
//! occupancy <= 85%, 30% shrinkage. Reported as intervals per second (criterion's
//! "elem/s"). The fast search's results are tested equal to the plain search's in
//! `src/staff/tests.rs`; the `plain_search` entry measures the plain one on a slice for
//! comparison.
//!
//! Run: `cargo bench --bench staffing`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use wfm::erlang::{Model, Queue};
use wfm::staff::{required_agents, required_agents_plain, search_limit, Targets};

const QUEUES: usize = 100;
const HALF_HOURS_PER_YEAR: usize = 365 * 48;

/// SplitMix64 (Steele, Lea & Flood 2014): a fixed, dependency-free sequence in [0, 1).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// (offered load in Erlangs, AHT in seconds) for every queue and half-hour.
fn year_of_intervals() -> Vec<(f64, f64)> {
    let mut random = SplitMix(20_240_304);
    (0..QUEUES * HALF_HOURS_PER_YEAR)
        .map(|_| (300.0 * random.next(), 120.0 + 480.0 * random.next()))
        .collect()
}

fn targets() -> Targets {
    Targets {
        service_level: Some(0.8),
        answer_within: Some(20.0),
        max_asa_seconds: Some(30.0),
        max_occupancy: Some(0.85),
        shrinkage: 0.3,
        model: Model::ErlangC,
        max_abandon: None,
        min_agents: 0,
    }
}

fn staff_all(intervals: &[(f64, f64)], targets: &Targets) -> u64 {
    intervals
        .iter()
        .map(|&(load, aht)| {
            let queue = Queue::with_load(Model::ErlangC, load, aht).unwrap();
            u64::from(required_agents(&queue, targets).scheduled_staff)
        })
        .sum()
}

fn staffing(c: &mut Criterion) {
    let intervals = year_of_intervals();
    let targets = targets();
    let mut group = c.benchmark_group("staffing");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.throughput(Throughput::Elements(intervals.len() as u64));
    group.bench_function("required_agents_year_100_queues", |b| {
        b.iter(|| black_box(staff_all(black_box(&intervals), &targets)))
    });
    let slice = &intervals[..20_000];
    group.throughput(Throughput::Elements(slice.len() as u64));
    group.bench_function("plain_search_20k_intervals", |b| {
        b.iter(|| {
            slice
                .iter()
                .map(|&(load, aht)| {
                    let queue = Queue::with_load(Model::ErlangC, load, aht).unwrap();
                    let limit = search_limit(load);
                    u64::from(required_agents_plain(&queue, &targets, limit).scheduled_staff)
                })
                .sum::<u64>()
        })
    });
    group.finish();
}

criterion_group!(benches, staffing);
criterion_main!(benches);
