//! The simulation against the Erlang formulas it must reproduce in steady state, and
//! against the effects it exists to show (staffing that flips by quarter-hour, pooling).

use super::*;
use crate::erlang::{Model, Queue};

const AHT: f64 = 180.0;
const HALF_HOUR: u32 = 30;

/// A queue with a constant load over `days` days of half-hours.
fn stationary_queue(name: &str, load: f64, days: u32, patience: Option<f64>) -> QueueSpec {
    let calls = load * f64::from(HALF_HOUR) * 60.0 / AHT;
    QueueSpec {
        name: name.to_string(),
        intervals: (0..days * MINUTES_PER_DAY / HALF_HOUR)
            .map(|i| LoadInterval {
                start_minute: i * HALF_HOUR,
                length_minutes: HALF_HOUR,
                calls,
                aht_seconds: AHT,
            })
            .collect(),
        answer_within_seconds: 20.0,
        patience_seconds: patience,
        daily_volume_sd: Vec::new(),
    }
}

/// An agent logged in from the start until a day after the horizon (so calls drain with
/// the same staffing), answering `answers`.
fn all_day_agent(days: u32, answers: Answers) -> Agent {
    Agent {
        spans: vec![Span::new(
            0.0,
            f64::from((days + 1) * MINUTES_PER_DAY) * 60.0,
            answers,
        )],
        shrinkage: 0.0,
    }
}

fn fixed_staff(queue: QueueSpec, agents: u32, days: u32) -> Scenario {
    Scenario {
        queues: vec![queue],
        agents: (0..agents)
            .map(|_| all_day_agent(days, Answers::Queue(0)))
            .collect(),
    }
}

fn options(replications: u32, seed: u64) -> Options {
    Options {
        replications,
        seed,
        ..Options::default()
    }
}

fn run(scenario: &Scenario, replications: u32, seed: u64) -> Report {
    simulate(scenario, options(replications, seed)).expect("valid scenario")
}

fn horizon(report: &Report, queue: usize) -> &Measures {
    &report.queues[queue].horizon
}

/// Simulates `agents` agents on a stationary load for 10 replications of `days` days and
/// checks the service level and ASA against Erlang C.
fn check_against_erlang_c(load: f64, agents: u32, days: u32) {
    let scenario = fixed_staff(stationary_queue("q", load, days, None), agents, days);
    let report = run(&scenario, 10, 1);
    let measures = horizon(&report, 0);
    let erlang = Queue::with_load(Model::ErlangC, load, AHT)
        .unwrap()
        .metrics(agents, Some(20.0));
    let sl = measures.service_level.unwrap();
    let asa = measures.asa_seconds.unwrap();
    let (sl_c, asa_c) = (erlang.service_level.unwrap(), erlang.asa_seconds.unwrap());
    eprintln!(
        "load {load} N {agents}: SL {:.4} ± {:.4} (Erlang C {sl_c:.4}), \
         ASA {:.2} ± {:.2} s (Erlang C {asa_c:.2})",
        sl.mean, sl.half_width, asa.mean, asa.half_width
    );
    assert!(sl.contains(sl_c), "load {load}: SL {sl:?} vs {sl_c}");
    assert!(asa.contains(asa_c), "load {load}: ASA {asa:?} vs {asa_c}");
    assert!(
        sl.half_width < 0.03,
        "load {load}: interval too wide {sl:?}"
    );
    assert_eq!(measures.abandoned.mean, 0.0);
}

// About 40 k, 100 k and 190 k calls per replication.
#[test]
fn erlang_c_at_5_erlangs() {
    check_against_erlang_c(5.0, 8, 16);
}

#[test]
fn erlang_c_at_50_erlangs() {
    check_against_erlang_c(50.0, 55, 4);
}

#[test]
fn erlang_c_at_200_erlangs() {
    check_against_erlang_c(200.0, 208, 2);
}

#[test]
fn abandonment_matches_erlang_a() {
    let (load, agents, patience, days) = (50.0, 48, 120.0, 2);
    let scenario = fixed_staff(
        stationary_queue("q", load, days, Some(patience)),
        agents,
        days,
    );
    let report = run(&scenario, 8, 11);
    let measures = horizon(&report, 0);
    let erlang = Queue::with_load(
        Model::ErlangA {
            patience_seconds: patience,
        },
        load,
        AHT,
    )
    .unwrap()
    .metrics(agents, Some(20.0));
    let abandon = measures.abandon_rate.unwrap();
    let abandon_a = erlang.abandon_rate.unwrap();
    let sl = measures.service_level.unwrap();
    eprintln!(
        "Erlang A load {load} N {agents} patience {patience}: abandon {:.4} ± {:.4} \
         (Erlang A {abandon_a:.4}); SL {:.4} ± {:.4} (Erlang A {:.4})",
        abandon.mean,
        abandon.half_width,
        sl.mean,
        sl.half_width,
        erlang.service_level.unwrap()
    );
    assert!(abandon.contains(abandon_a), "{abandon:?} vs {abandon_a}");
    assert!(abandon.mean > 0.01, "the case must abandon noticeably");
}

#[test]
fn quarter_hour_flipping_loses_service() {
    let (load, days) = (20.0, 1);
    let queue = stationary_queue("q", load, days, None);
    let flat = fixed_staff(queue.clone(), 24, days);
    // 18 agents all day and 12 more in every other quarter-hour: 30, 18, 30, 18, ...
    let mut flipping = fixed_staff(queue, 18, days);
    let quarter = 900.0;
    for _ in 0..12 {
        let spans = (0..(days + 1) * 48)
            .map(|k| {
                let start = f64::from(k) * 2.0 * quarter;
                Span::new(start, start + quarter, Answers::Queue(0))
            })
            .collect();
        flipping.agents.push(Agent {
            spans,
            shrinkage: 0.0,
        });
    }
    let flat_sl = horizon(&run(&flat, 6, 3), 0).service_level.unwrap();
    let flipping_sl = horizon(&run(&flipping, 6, 3), 0).service_level.unwrap();
    eprintln!(
        "flat 24: SL {:.4} ± {:.4}; 30/18 by quarter-hour: SL {:.4} ± {:.4}",
        flat_sl.mean, flat_sl.half_width, flipping_sl.mean, flipping_sl.half_width
    );
    assert!(flipping_sl.high() < flat_sl.low());
    assert!(flat_sl.mean - flipping_sl.mean > 0.05);
}

#[test]
fn skills_pooling_does_at_least_as_well_as_assigned() {
    let days = 1;
    let queues = vec![
        stationary_queue("sales", 10.0, days, None),
        stationary_queue("support", 10.0, days, None),
    ];
    let assigned = Scenario {
        queues: queues.clone(),
        agents: (0..24)
            .map(|a| all_day_agent(days, Answers::Queue(a % 2)))
            .collect(),
    };
    let skills = Scenario {
        queues,
        agents: (0..24)
            .map(|_| all_day_agent(days, Answers::skills(&[0, 1])))
            .collect(),
    };
    let assigned = run(&assigned, 6, 5);
    let skills = run(&skills, 6, 5);
    for queue in 0..2 {
        let split = horizon(&assigned, queue).service_level.unwrap();
        let pooled = horizon(&skills, queue).service_level.unwrap();
        eprintln!(
            "queue {queue}: assigned 12 SL {:.4} ± {:.4}; skills 24 pooled SL {:.4} ± {:.4}",
            split.mean, split.half_width, pooled.mean, pooled.half_width
        );
        assert!(pooled.mean >= split.mean);
        assert!(
            pooled.low() > split.high(),
            "pooling should clearly help here"
        );
    }
}

#[test]
fn same_seed_same_report_other_seed_close() {
    let days = 1;
    let scenario = fixed_staff(stationary_queue("q", 20.0, days, Some(300.0)), 23, days);
    let first = run(&scenario, 4, 42);
    assert_eq!(first, run(&scenario, 4, 42));
    let other = run(&scenario, 4, 43);
    assert_ne!(first, other);
    let (a, b) = (
        horizon(&first, 0).service_level.unwrap(),
        horizon(&other, 0).service_level.unwrap(),
    );
    eprintln!("seed 42: SL {:.4}; seed 43: SL {:.4}", a.mean, b.mean);
    assert!((a.mean - b.mean).abs() < a.half_width + b.half_width);
    // Replications differ from one another (each has its own stream).
    let r0 = simulate_replication(&scenario, &options(4, 42), 0).unwrap();
    let r1 = simulate_replication(&scenario, &options(4, 42), 1).unwrap();
    assert_ne!(r0, r1);
}

/// Two queues (one with patience), agents with breaks, both routings, and staffing that
/// ends before the calls do: every offered call is answered or abandoned.
#[test]
fn every_offered_call_is_answered_or_abandoned() {
    let days = 1;
    let hour = 3600.0;
    let mut queues = vec![
        stationary_queue("sales", 15.0, days, Some(90.0)),
        stationary_queue("support", 8.0, days, None),
    ];
    queues[1].answer_within_seconds = 30.0;
    let shift = |answers: Answers| Agent {
        spans: vec![
            Span::new(0.0, 4.0 * hour, answers.clone()),
            Span::new(4.5 * hour, 22.0 * hour, answers),
        ],
        shrinkage: 0.0,
    };
    let mut agents: Vec<Agent> = (0..14).map(|_| shift(Answers::Queue(0))).collect();
    agents.extend((0..6).map(|_| shift(Answers::Queue(1))));
    agents.extend((0..6).map(|_| shift(Answers::skills(&[0, 1]))));
    let scenario = Scenario { queues, agents };
    for replication in 0..3 {
        let run = simulate_replication(&scenario, &options(3, 9), replication).unwrap();
        for (queue, counts) in run.queues.iter().enumerate() {
            let offered: u64 = counts.iter().map(|c| c.offered).sum();
            let answered: u64 = counts.iter().map(|c| c.answered).sum();
            let abandoned: u64 = counts.iter().map(|c| c.abandoned).sum();
            assert!(offered > 1000);
            assert_eq!(answered + abandoned, offered, "queue {queue}");
            assert!(abandoned > 0, "queue {queue}: late calls find nobody");
            let busy: f64 = counts.iter().map(|c| c.busy_seconds).sum();
            assert!(busy > 0.0);
        }
    }
    // Occupancy is a share of logged-in time.
    let report = run(&scenario, 2, 9);
    for queue in &report.queues {
        for interval in &queue.intervals {
            if let Some(occupancy) = interval.measures.occupancy {
                assert!((0.0..=1.0 + 1e-9).contains(&occupancy.mean));
            }
        }
        assert_eq!(queue.days.len(), 1);
    }
}

#[test]
fn inconsistent_input_is_refused() {
    let mut scenario = fixed_staff(stationary_queue("q", 5.0, 1, None), 2, 1);
    assert!(simulate(&scenario, options(1, 0)).is_err());
    scenario.agents[0].spans[0].answers = Answers::Queue(3);
    assert!(simulate(&scenario, options(2, 0)).is_err());
}

/// Events per second in this build; run with `--ignored --nocapture`.
#[test]
#[ignore]
fn throughput() {
    let days = 2;
    let scenario = fixed_staff(stationary_queue("q", 200.0, days, Some(300.0)), 205, days);
    let started = std::time::Instant::now();
    let report = run(&scenario, 4, 1);
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "{} events in {seconds:.3} s: {:.2} M events/s",
        report.events,
        report.events as f64 / seconds / 1e6
    );
}

#[test]
fn days_and_horizon_add_up() {
    let days = 2;
    let scenario = fixed_staff(stationary_queue("q", 10.0, days, None), 13, days);
    let report = run(&scenario, 3, 4);
    let queue = &report.queues[0];
    assert_eq!(queue.intervals.len(), 96);
    assert_eq!(queue.days.iter().map(|d| d.day).collect::<Vec<_>>(), [0, 1]);
    let by_day: f64 = queue.days.iter().map(|d| d.measures.offered.mean).sum();
    let by_interval: f64 = queue
        .intervals
        .iter()
        .map(|i| i.measures.offered.mean)
        .sum();
    assert!((by_day - queue.horizon.offered.mean).abs() < 1e-6);
    assert!((by_interval - queue.horizon.offered.mean).abs() < 1e-6);
    // About 10 calls a minute for two days.
    assert!((queue.horizon.offered.mean / 9600.0 - 1.0).abs() < 0.03);
    // Occupancy near load / agents.
    let occupancy = queue.horizon.occupancy.unwrap().mean;
    assert!((occupancy - 10.0 / 13.0).abs() < 0.02, "{occupancy}");
}

#[test]
fn overlaps_are_cut_at_interval_bounds() {
    let intervals: Vec<LoadInterval> = [0, 30, 90]
        .iter()
        .map(|&start_minute| LoadInterval {
            start_minute,
            length_minutes: 30,
            calls: 1.0,
            aht_seconds: AHT,
        })
        .collect();
    let mut seen = Vec::new();
    engine::for_each_overlap(&intervals, 1700.0, 5500.0, |i, s| seen.push((i, s)));
    assert_eq!(seen, [(0, 100.0), (1, 1800.0), (2, 100.0)]);
}
