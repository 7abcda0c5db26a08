//! Erlang A formulas against an independent discrete-event simulation of the same
//! queue: Poisson arrivals, exponential handle times and exponential patience, first
//! come first served. Each caller is assigned, in arrival order, to the agent that frees
//! up first; it waits until then unless its patience runs out before, in which case it
//! abandons and occupies no agent. (With FCFS, every earlier caller has already claimed
//! its agent when a caller arrives, so this gives each caller's exact wait.)
//!
//! Estimates are batch means over 20 batches; each formula value must lie inside the
//! simulation's 99.9% confidence interval (Student t, 19 degrees of freedom), and the
//! intervals must be narrow enough for the comparison to mean something. The seed is
//! fixed, so the test is deterministic.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use wfm::erlang::{Model, Queue};

const BATCHES: usize = 20;
/// Two-sided 99.9% quantile of Student's t with 19 degrees of freedom.
const T_QUANTILE: f64 = 3.883;

struct Scenario {
    agents: usize,
    load: f64,
    aht: f64,
    patience: f64,
    within: f64,
}

/// Per-batch estimates of every metric.
#[derive(Default)]
struct Batch {
    offered: f64,
    waited: f64,
    abandoned: f64,
    answered: f64,
    answered_within: f64,
    answered_wait: f64,
    any_wait: f64,
    busy_time: f64,
    start: f64,
    end: f64,
}

fn exponential(rng: &mut ChaCha8Rng, mean: f64) -> f64 {
    -mean * (1.0 - rng.random::<f64>()).ln()
}

fn simulate(scenario: &Scenario, calls_per_batch: usize, seed: u64) -> Vec<Batch> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mean_interarrival = scenario.aht / scenario.load;
    let mut free_at = vec![0.0_f64; scenario.agents];
    let mut now = 0.0;
    let warm_up = calls_per_batch / 5;
    for _ in 0..warm_up {
        now += exponential(&mut rng, mean_interarrival);
        serve(scenario, &mut rng, &mut free_at, now);
    }
    let mut batches = Vec::with_capacity(BATCHES);
    for _ in 0..BATCHES {
        let mut batch = Batch {
            start: now,
            ..Batch::default()
        };
        for _ in 0..calls_per_batch {
            now += exponential(&mut rng, mean_interarrival);
            let (wait, answered, handle) = serve(scenario, &mut rng, &mut free_at, now);
            batch.offered += 1.0;
            batch.any_wait += wait;
            if wait > 0.0 {
                batch.waited += 1.0;
            }
            if answered {
                batch.answered += 1.0;
                batch.answered_wait += wait;
                batch.busy_time += handle;
                if wait <= scenario.within {
                    batch.answered_within += 1.0;
                }
            } else {
                batch.abandoned += 1.0;
            }
        }
        batch.end = now;
        batches.push(batch);
    }
    batches
}

/// Serves one caller arriving at `now`: returns (time waited, answered?, handle time).
/// An abandoning caller waited its patience.
fn serve(
    scenario: &Scenario,
    rng: &mut ChaCha8Rng,
    free_at: &mut [f64],
    now: f64,
) -> (f64, bool, f64) {
    let patience = exponential(rng, scenario.patience);
    let handle = exponential(rng, scenario.aht);
    let (agent, earliest) = free_at
        .iter()
        .copied()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap();
    let wait = (earliest - now).max(0.0);
    if wait < patience {
        free_at[agent] = now + wait + handle;
        (wait, true, handle)
    } else {
        (patience, false, 0.0)
    }
}

/// Mean and 99.9% half-width of one estimate across batches.
fn interval(batches: &[Batch], estimate: impl Fn(&Batch) -> f64) -> (f64, f64) {
    let values: Vec<f64> = batches.iter().map(estimate).collect();
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, T_QUANTILE * (variance / n).sqrt())
}

fn check(
    name: &str,
    formula: f64,
    batches: &[Batch],
    estimate: impl Fn(&Batch) -> f64,
    width: f64,
) {
    let (mean, half_width) = interval(batches, estimate);
    assert!(
        half_width <= width,
        "{name}: confidence half-width {half_width} is too wide to test anything"
    );
    assert!(
        (formula - mean).abs() <= half_width,
        "{name}: formula {formula} outside simulation {mean} ± {half_width}"
    );
}

fn compare(scenario: Scenario, calls_per_batch: usize, seed: u64) {
    let queue = Queue::with_load(
        Model::ErlangA {
            patience_seconds: scenario.patience,
        },
        scenario.load,
        scenario.aht,
    )
    .unwrap();
    let m = queue.metrics(scenario.agents as u32, Some(scenario.within));
    let batches = simulate(&scenario, calls_per_batch, seed);
    check(
        "P(wait)",
        m.p_wait,
        &batches,
        |b| b.waited / b.offered,
        0.01,
    );
    let abandon = m.abandon_rate.unwrap();
    check(
        "abandon rate",
        abandon,
        &batches,
        |b| b.abandoned / b.offered,
        0.01,
    );
    check(
        "service level (offered)",
        m.service_level.unwrap(),
        &batches,
        |b| b.answered_within / b.offered,
        0.01,
    );
    check(
        "service level (answered)",
        m.service_level_answered.unwrap(),
        &batches,
        |b| b.answered_within / b.answered,
        0.01,
    );
    let asa = m.asa_seconds.unwrap();
    check(
        "ASA",
        asa,
        &batches,
        |b| b.answered_wait / b.answered,
        0.05 * asa,
    );
    check(
        "occupancy",
        m.occupancy,
        &batches,
        |b| b.busy_time / (scenario.agents as f64 * (b.end - b.start)),
        0.01,
    );
    // Little's law for the abandoning flow: mean wait of all callers = P(Ab) × patience.
    let mean_wait = abandon * scenario.patience;
    check(
        "mean wait of all callers",
        mean_wait,
        &batches,
        |b| b.any_wait / b.offered,
        0.05 * mean_wait,
    );
}

/// The 100-calls-per-half-hour example with 2-minute patience on 12 agents.
#[test]
fn erlang_a_matches_simulation_moderate_load() {
    compare(
        Scenario {
            agents: 12,
            load: 10.0,
            aht: 180.0,
            patience: 120.0,
            within: 20.0,
        },
        50_000,
        17,
    );
}

/// Overloaded: 25 Erlangs on 20 agents; only abandonment keeps the queue finite.
#[test]
fn erlang_a_matches_simulation_overload() {
    compare(
        Scenario {
            agents: 20,
            load: 25.0,
            aht: 300.0,
            patience: 60.0,
            within: 30.0,
        },
        50_000,
        29,
    );
}

/// A single agent with long calls and 5-minute patience.
#[test]
fn erlang_a_matches_simulation_single_agent() {
    compare(
        Scenario {
            agents: 1,
            load: 0.5,
            aht: 600.0,
            patience: 300.0,
            within: 60.0,
        },
        50_000,
        41,
    );
}
