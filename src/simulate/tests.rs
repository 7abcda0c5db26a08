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

// ---------------------------------------------------------------------------------
// Erlang C over the range of loads a site meets (the tests above cover 5, 50 and 200).

#[test]
fn erlang_c_at_20_erlangs() {
    check_against_erlang_c(20.0, 23, 6);
}

#[test]
fn erlang_c_at_100_erlangs() {
    check_against_erlang_c(100.0, 108, 2);
}

/// 500 Erlangs: 5000 calls a half-hour, 240 k calls a replication.
#[test]
fn erlang_c_at_500_erlangs() {
    let (load, agents, intervals) = (500.0, 515, 48);
    let mut queue = stationary_queue("q", load, 1, None);
    queue.intervals.truncate(intervals);
    let scenario = fixed_staff(queue, agents, 1);
    let report = run(&scenario, 6, 2);
    let measures = horizon(&report, 0);
    let erlang = Queue::with_load(Model::ErlangC, load, AHT)
        .unwrap()
        .metrics(agents, Some(20.0));
    let (sl, asa) = (
        measures.service_level.unwrap(),
        measures.asa_seconds.unwrap(),
    );
    let (sl_c, asa_c) = (erlang.service_level.unwrap(), erlang.asa_seconds.unwrap());
    eprintln!(
        "load {load} N {agents}: SL {:.4} ± {:.4} (Erlang C {sl_c:.4}), \
         ASA {:.2} ± {:.2} s (Erlang C {asa_c:.2})",
        sl.mean, sl.half_width, asa.mean, asa.half_width
    );
    assert!(sl.contains(sl_c), "SL {sl:?} vs {sl_c}");
    assert!(asa.contains(asa_c), "ASA {asa:?} vs {asa_c}");
    // Near saturation (97% busy) the queue swings slowly, over hours: a day holds few
    // independent stretches, so the interval stays near ±3.5 points. It still tells
    // 515 agents (Erlang C 92.6%) from 508 (74.3%).
    assert!(sl.half_width < 0.04, "interval too wide {sl:?}");
}

/// Erlang A's abandon rate and service level at a light and a heavy load.
fn check_against_erlang_a(load: f64, agents: u32, patience: f64, days: u32, replications: u32) {
    let scenario = fixed_staff(
        stationary_queue("q", load, days, Some(patience)),
        agents,
        days,
    );
    let report = run(&scenario, replications, 17);
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
    let (abandon, sl) = (
        measures.abandon_rate.unwrap(),
        measures.service_level.unwrap(),
    );
    let (abandon_a, sl_a) = (erlang.abandon_rate.unwrap(), erlang.service_level.unwrap());
    eprintln!(
        "Erlang A load {load} N {agents} patience {patience}: abandon {:.4} ± {:.4} \
         (Erlang A {abandon_a:.4}); SL {:.4} ± {:.4} (Erlang A {sl_a:.4})",
        abandon.mean, abandon.half_width, sl.mean, sl.half_width
    );
    assert!(abandon.contains(abandon_a), "{abandon:?} vs {abandon_a}");
    assert!(sl.contains(sl_a), "{sl:?} vs {sl_a}");
    assert!(abandon.mean > 0.005, "the case must abandon noticeably");
}

#[test]
fn erlang_a_at_5_erlangs() {
    check_against_erlang_a(5.0, 5, 180.0, 8, 10);
}

#[test]
fn erlang_a_at_200_erlangs() {
    check_against_erlang_a(200.0, 195, 300.0, 1, 8);
}

// ---------------------------------------------------------------------------------
// Shrinkage as random absence.

/// `agents` agents logged in all of `days` days and the day after, one span a day (so
/// that whole-day absence draws per day), each with the given shrinkage.
fn daily_staff(queue: QueueSpec, agents: u32, days: u32, shrinkage: f64) -> Scenario {
    let agent = Agent {
        spans: (0..=days)
            .map(|day| {
                let start = f64::from(day * MINUTES_PER_DAY) * 60.0;
                Span::new(start, start + 86_400.0, Answers::Queue(0))
            })
            .collect(),
        shrinkage,
    };
    Scenario {
        queues: vec![queue],
        agents: vec![agent; agents as usize],
    }
}

fn with_absence(replications: u32, seed: u64, absence: Absence) -> Options {
    Options {
        absence,
        ..options(replications, seed)
    }
}

/// 20 agents all day with 30% shrinkage, absent per quarter-hour: 14 logged in on
/// average, and 20 without absence.
#[test]
fn per_slot_absence_logs_in_n_times_one_minus_shrinkage() {
    let (agents, shrinkage) = (20, 0.3);
    let scenario = daily_staff(stationary_queue("q", 8.0, 1, None), agents, 1, shrinkage);
    let report = simulate(&scenario, with_absence(20, 3, Absence::PerSlot)).unwrap();
    let logged_in = horizon(&report, 0).logged_in_agents.unwrap();
    let expected = f64::from(agents) * (1.0 - shrinkage);
    eprintln!(
        "per-slot absence: {:.3} ± {:.3} agents logged in (expected {expected})",
        logged_in.mean, logged_in.half_width
    );
    assert!(logged_in.contains(expected), "{logged_in:?}");
    // One day of 96 quarter-hours x 20 agents: the daily mean's sd is
    // 20·√(0.21/1920) = 0.21 agents, so 20 replications pin it to about ±0.1.
    assert!(logged_in.half_width < 0.15, "{logged_in:?}");
    let first = &report.queues[0].intervals[0].measures;
    assert!(first.logged_in_agents.unwrap().half_width > 0.0);
    // Occupancy counts busy time while logged in. An agent whose next slot is absent
    // (probability 0.7·0.3 = 0.21 at each quarter-hour) finishes its call, if it is on
    // one (probability u, the occupancy), off the clock: about u·178.8 s (the mean
    // residual 180 s, capped by the 900 s slot). So 20 agents do
    // 20·0.21·u·178.8/900 Erlangs off the clock and u = (8 − 0.834·u)/14, u = 0.539.
    let occupancy = horizon(&report, 0).occupancy.unwrap();
    eprintln!(
        "occupancy {:.4} ± {:.4}",
        occupancy.mean, occupancy.half_width
    );
    assert!((occupancy.mean - 0.539).abs() < 0.01, "{occupancy:?}");

    let none = simulate(&scenario, with_absence(2, 3, Absence::None)).unwrap();
    let all = horizon(&none, 0).logged_in_agents.unwrap();
    assert_eq!((all.mean, all.half_width), (20.0, 0.0));
}

/// The service level of day `day` in each replication.
fn daily_service_levels(scenario: &Scenario, options: &Options, days: u32) -> Vec<f64> {
    let mut levels = Vec::new();
    for replication in 0..options.replications {
        let run = simulate_replication(scenario, options, replication).unwrap();
        for day in 0..days {
            let per_day = (MINUTES_PER_DAY / HALF_HOUR) as usize;
            let counts = &run.queues[0][day as usize * per_day..(day as usize + 1) * per_day];
            let offered: u64 = counts.iter().map(|c| c.offered).sum();
            let within: u64 = counts.iter().map(|c| c.answered_within).sum();
            levels.push(within as f64 / offered as f64);
        }
    }
    levels
}

fn variance(samples: &[f64]) -> f64 {
    let n = samples.len() as f64;
    let mean = samples.iter().sum::<f64>() / n;
    samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
}

/// With the same 30% shrinkage, a whole agent-day absent at once swings the daily
/// service level far more than quarter-hours absent here and there: 19 agents on 10
/// Erlangs have 13.3 present on average either way, but whole-day absence leaves a day
/// with 11 (SL about 60%) as often as one with 16 (about 97%).
#[test]
fn whole_day_absence_makes_daily_service_vary_more() {
    let (agents, shrinkage, days) = (19, 0.3, 2);
    let scenario = daily_staff(
        stationary_queue("q", 10.0, days, None),
        agents,
        days,
        shrinkage,
    );
    let per_slot = daily_service_levels(&scenario, &with_absence(15, 8, Absence::PerSlot), days);
    let whole_day = daily_service_levels(&scenario, &with_absence(15, 8, Absence::WholeDay), days);
    let (slot_var, day_var) = (variance(&per_slot), variance(&whole_day));
    eprintln!(
        "daily SL sd: per-slot {:.4}, whole-day {:.4} over {} days",
        slot_var.sqrt(),
        day_var.sqrt(),
        per_slot.len()
    );
    // With 30 days each, a variance ratio above 2.1 is significant at 5% (F(29, 29)).
    assert!(day_var > 4.0 * slot_var, "{day_var} vs {slot_var}");
}

// ---------------------------------------------------------------------------------
// Handle times.

/// 200 k draws: the sample mean and coefficient of variation are the AHT and the CV
/// asked for, within a few standard errors.
#[test]
fn handle_times_have_the_mean_and_cv_asked_for() {
    use rand::SeedableRng;
    let aht = 180.0;
    for (handle, cv, tolerance) in [
        (HandleTime::Exponential, 1.0, 0.02),
        (HandleTime::Lognormal { cv: 0.5 }, 0.5, 0.005),
        (HandleTime::Lognormal { cv: 1.0 }, 1.0, 0.04),
    ] {
        let sampler = handle.sampler();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let draws: Vec<f64> = (0..200_000)
            .map(|_| sampler.sample(&mut rng, aht))
            .collect();
        let n = draws.len() as f64;
        let mean = draws.iter().sum::<f64>() / n;
        let sample_cv = variance(&draws).sqrt() / mean;
        eprintln!("{handle:?}: mean {mean:.2} s, CV {sample_cv:.4}");
        // Standard error of the mean: cv·aht/√n (0.40 s for CV 1).
        assert!(
            (mean - aht).abs() < 4.0 * cv * aht / n.sqrt(),
            "{handle:?}: {mean}"
        );
        assert!(
            (sample_cv - cv).abs() < tolerance,
            "{handle:?}: {sample_cv}"
        );
        assert!(draws.iter().all(|&d| d > 0.0));
    }
}

/// In the engine: lognormal handle times keep the AHT (busy time / answered calls) and,
/// with a CV of 0.5, cut the wait to about (1 + 0.5²)/2 = 0.625 of Erlang C's
/// (the Allen-Cunneen approximation for M/G/N; Whitt 1993, Oper. Res. 41:1073).
#[test]
fn lognormal_handle_times_keep_the_aht_and_shorten_waits() {
    let (load, agents, days) = (50.0, 53, 2);
    let scenario = fixed_staff(stationary_queue("q", load, days, None), agents, days);
    let lognormal = Options {
        handle_time: HandleTime::Lognormal { cv: 0.5 },
        ..options(8, 21)
    };
    let report = simulate(&scenario, lognormal).unwrap();
    let measures = horizon(&report, 0);
    let erlang_c = Queue::with_load(Model::ErlangC, load, AHT)
        .unwrap()
        .metrics(agents, Some(20.0));
    let asa = measures.asa_seconds.unwrap();
    let ratio = asa.mean / erlang_c.asa_seconds.unwrap();
    eprintln!(
        "lognormal CV 0.5: ASA {:.2} ± {:.2} s, {ratio:.3} of Erlang C's {:.2} s; SL {:.4} \
         (Erlang C {:.4})",
        asa.mean,
        asa.half_width,
        erlang_c.asa_seconds.unwrap(),
        measures.service_level.unwrap().mean,
        erlang_c.service_level.unwrap()
    );
    assert!((ratio - 0.625).abs() < 0.1, "{ratio}");
    assert!(measures.service_level.unwrap().low() > erlang_c.service_level.unwrap());
    // Busy time over answered calls: the mean handle time. 48 k calls a replication,
    // so its standard error is about 0.5·180/√384000 = 0.15 s.
    for replication in 0..2 {
        let run = simulate_replication(&scenario, &lognormal, replication).unwrap();
        let busy: f64 = run.queues[0].iter().map(|c| c.busy_seconds).sum();
        let answered: u64 = run.queues[0].iter().map(|c| c.answered).sum();
        let mean = busy / answered as f64;
        assert!((mean - AHT).abs() < 2.0, "mean handle time {mean}");
    }
}

// ---------------------------------------------------------------------------------
// Daily volume from the prediction interval.

/// 16 half-hours of 100 calls a day and a volume factor of sd 0.1: a day's calls have
/// variance 1600 + 0.1²·1600² = 27 200 (sd 165), seventeen times the Poisson 1600.
#[test]
fn daily_volume_factors_widen_the_days_calls() {
    let days = 4;
    let queue = QueueSpec {
        name: "q".into(),
        intervals: (0..days)
            .flat_map(|day| {
                (0..16).map(move |i| LoadInterval {
                    start_minute: day * MINUTES_PER_DAY + 480 + i * HALF_HOUR,
                    length_minutes: HALF_HOUR,
                    calls: 100.0,
                    aht_seconds: AHT,
                })
            })
            .collect(),
        answer_within_seconds: 20.0,
        patience_seconds: None,
        daily_volume_sd: vec![0.1; days as usize],
    };
    // Nobody answers: only the arrivals matter here.
    let scenario = Scenario {
        queues: vec![queue],
        agents: Vec::new(),
    };
    let options = options(100, 13);
    let mut totals = Vec::new();
    for replication in 0..options.replications {
        let run = simulate_replication(&scenario, &options, replication).unwrap();
        for day in 0..days as usize {
            let offered: u64 = run.queues[0][day * 16..(day + 1) * 16]
                .iter()
                .map(|c| c.offered)
                .sum();
            totals.push(offered as f64);
        }
    }
    let mean = totals.iter().sum::<f64>() / totals.len() as f64;
    let var = variance(&totals);
    eprintln!(
        "daily calls: mean {mean:.1}, sd {:.1} (expected 1600, 164.9)",
        var.sqrt()
    );
    // 400 days: the mean's standard error is 165/√400 = 8.2 calls; the variance's
    // relative standard error about √(2/399) = 7%. (At 2400 days: mean 1595.5, sd 166.3.)
    assert!((mean - 1600.0).abs() < 35.0, "{mean}");
    assert!((var / 27_200.0 - 1.0).abs() < 0.25, "{var}");
    // Without the factor, Poisson alone.
    let mut flat = scenario.clone();
    flat.queues[0].daily_volume_sd.clear();
    let run = simulate_replication(&flat, &options, 0).unwrap();
    let flat_days: Vec<f64> = (0..days as usize)
        .map(|day| {
            run.queues[0][day * 16..(day + 1) * 16]
                .iter()
                .map(|c| c.offered as f64)
                .sum()
        })
        .collect();
    assert!(
        flat_days.iter().all(|d| (d - 1600.0).abs() < 160.0),
        "{flat_days:?}"
    );
}

/// Absence and volume factors draw on streams of their own, and nothing when there is
/// nothing to draw: a shrinkage of 0 under any absence, or a volume sd of 0, leaves
/// every replication as it was.
#[test]
fn nothing_to_draw_changes_nothing() {
    let days = 1;
    let scenario = daily_staff(stationary_queue("q", 10.0, days, None), 14, days, 0.0);
    let plain = simulate_replication(&scenario, &with_absence(2, 4, Absence::None), 0).unwrap();
    for absence in [Absence::PerSlot, Absence::WholeDay] {
        let run = simulate_replication(&scenario, &with_absence(2, 4, absence), 0).unwrap();
        assert_eq!(run, plain);
    }
    let mut zero_sd = scenario.clone();
    zero_sd.queues[0].daily_volume_sd = vec![0.0];
    let run = simulate_replication(&zero_sd, &with_absence(2, 4, Absence::None), 0).unwrap();
    assert_eq!(run, plain);
    let mut absent = scenario.clone();
    absent.agents[0].shrinkage = 0.2;
    let run = simulate_replication(&absent, &with_absence(2, 4, Absence::PerSlot), 0).unwrap();
    assert_ne!(run, plain);
}

// ---------------------------------------------------------------------------------
// Skills routing with priorities.

/// One agent with sales at priority 1 and support at priority 2, logged in from
/// minute 15 to 120, while sales gets 2 calls a minute of 60 s (twice what it can take)
/// and support 10 calls in its first 10 minutes. With the priorities, the agent never
/// gets to support although its calls have waited longest; with both at priority 1 it
/// takes calls in arrival order and answers every support call.
#[test]
fn skill_priorities_decide_what_a_freed_agent_takes() {
    let sales = QueueSpec {
        name: "sales".into(),
        intervals: (0..4)
            .map(|i| LoadInterval {
                start_minute: i * HALF_HOUR,
                length_minutes: HALF_HOUR,
                calls: 60.0,
                aht_seconds: 60.0,
            })
            .collect(),
        answer_within_seconds: 20.0,
        patience_seconds: None,
        daily_volume_sd: Vec::new(),
    };
    let support = QueueSpec {
        name: "support".into(),
        intervals: vec![LoadInterval {
            start_minute: 0,
            length_minutes: 10,
            calls: 10.0,
            aht_seconds: 60.0,
        }],
        ..sales.clone()
    };
    let scenario = |support_priority| Scenario {
        queues: vec![sales.clone(), support.clone()],
        agents: vec![Agent {
            spans: vec![Span::new(
                900.0,
                7200.0,
                Answers::Skills(vec![
                    Skill {
                        queue: 0,
                        priority: 1,
                    },
                    Skill {
                        queue: 1,
                        priority: support_priority,
                    },
                ]),
            )],
            shrinkage: 0.0,
        }],
    };
    let totals = |run: &Replication, queue: usize| {
        let counts = &run.queues[queue];
        (
            counts.iter().map(|c| c.offered).sum::<u64>(),
            counts.iter().map(|c| c.answered).sum::<u64>(),
        )
    };
    for replication in 0..3 {
        let preferred = simulate_replication(&scenario(2), &options(3, 6), replication).unwrap();
        let (support_offered, support_answered) = totals(&preferred, 1);
        let (_, sales_answered) = totals(&preferred, 0);
        assert!(support_offered > 0);
        assert_eq!(support_answered, 0, "replication {replication}");
        assert!(sales_answered > 80, "{sales_answered}");

        let equal = simulate_replication(&scenario(1), &options(3, 6), replication).unwrap();
        let (support_offered, support_answered) = totals(&equal, 1);
        assert_eq!(
            support_answered, support_offered,
            "replication {replication}"
        );
    }
}

// ---------------------------------------------------------------------------------
// The plan's analytic projection over time (`crate::erlang::transient`) against the
// simulation of the same staffing.

/// The transient projection's service level of `stretches` (quarter-hours).
fn projected(stretches: &[crate::erlang::transient::Stretch], absence: f64) -> f64 {
    use crate::erlang::transient::{expected_answered_in_time, AbsencePattern, Service};
    let service = Service {
        answer_within: vec![20.0],
        patience_seconds: None,
        absence,
        pattern: AbsencePattern::WholeDay,
    };
    let answered = expected_answered_in_time(stretches, &service);
    let calls: f64 = stretches.iter().map(|s| s.calls).sum();
    answered.iter().map(|a| a[0]).sum::<f64>() / calls
}

fn quarter_hours(load: f64, hours: u32, rostered: u32) -> Vec<crate::erlang::transient::Stretch> {
    let calls = load * 900.0 / AHT;
    (0..hours * 4)
        .map(|_| crate::erlang::transient::Stretch {
            seconds: 900.0,
            calls,
            aht_seconds: AHT,
            rostered,
            leaving: 0,
        })
        .collect()
}

/// One team all day with whole-day absence: the agents present are Binomial(19, 0.7)
/// all day, which is exactly the projection's comonotone scenarios.
#[test]
fn transient_projection_matches_a_whole_day_team() {
    let (agents, shrinkage, load) = (19, 0.3, 10.0);
    let scenario = daily_staff(stationary_queue("q", load, 1, None), agents, 1, shrinkage);
    let report = simulate(&scenario, with_absence(400, 5, Absence::WholeDay)).unwrap();
    let simulated = horizon(&report, 0).service_level.unwrap();
    let projection = projected(&quarter_hours(load, 24, agents), shrinkage);
    eprintln!(
        "simulated {:.4} ± {:.4}, projected {projection:.4}",
        simulated.mean, simulated.half_width
    );
    assert!((projection - simulated.mean).abs() < simulated.half_width + 0.005);
}

/// Agents of three kinds on two queues (0 = sales, 1 = support): support only,
/// support first then sales, sales first then support.
fn priority_team(days: u32, support_only: u32, support_first: u32, sales_first: u32) -> Vec<Agent> {
    let skill = |queue, priority| Skill { queue, priority };
    let kinds = [
        (support_only, vec![skill(1, 1)]),
        (support_first, vec![skill(1, 1), skill(0, 2)]),
        (sales_first, vec![skill(0, 1), skill(1, 2)]),
    ];
    kinds
        .into_iter()
        .flat_map(|(count, skills)| {
            (0..count).map(move |_| all_day_agent(days, Answers::Skills(skills.clone())))
        })
        .collect()
}

/// The projection of the same team: one pooled chain, split by priority (`by_priority`)
/// or first come first served; per queue, the share answered in time.
fn projected_two_queues(
    loads: [f64; 2],
    within: [f64; 2],
    team: [u32; 3],
    hours: u32,
    by_priority: bool,
) -> [f64; 2] {
    use crate::erlang::transient::{
        expected_answered_in_time_by_priority, AbsencePattern, Priorities, Service,
    };
    let [support_only, support_first, sales_first] = team.map(f64::from);
    let agents = team.iter().sum::<u32>();
    let stretches = quarter_hours(loads[0] + loads[1], hours, agents);
    let n = f64::from(agents);
    let classes = Priorities {
        calls: loads.iter().map(|l| l * 900.0 / AHT).collect(),
        first: vec![sales_first / n, (support_only + support_first) / n],
        second: vec![support_first / n, sales_first / n],
    };
    let priorities = vec![classes; stretches.len()];
    let service = Service {
        answer_within: within.to_vec(),
        patience_seconds: None,
        absence: 0.0,
        pattern: AbsencePattern::WholeDay,
    };
    let answered = expected_answered_in_time_by_priority(
        &stretches,
        by_priority.then_some(priorities.as_slice()),
        &service,
    );
    let calls: f64 = stretches.iter().map(|s| s.calls).sum();
    [0, 1].map(|k| answered.iter().map(|a| a[k]).sum::<f64>() / calls)
}

/// Stationary two-queue centers under skills routing with priorities: the simulation
/// against the pooled chain split by priority (and, for the record, first come first
/// served). Sales is answered within 30 s, support within 20 s, AHT 180 s.
#[test]
fn priority_split_matches_the_simulation_of_two_queues() {
    let days = 2;
    // (sales Erlangs, support Erlangs, [support only, support first, sales first]).
    let cases: [(f64, f64, [u32; 3]); 5] = [
        (8.0, 10.0, [4, 10, 8]),
        (10.0, 10.0, [3, 11, 9]),
        (5.0, 5.0, [2, 5, 5]),
        (8.0, 9.0, [0, 0, 20]),
        (12.0, 6.0, [2, 6, 13]),
    ];
    let within = [30.0, 20.0];
    for (sales, support, team) in cases {
        let mut queues = vec![
            stationary_queue("sales", sales, days, None),
            stationary_queue("support", support, days, None),
        ];
        queues[0].answer_within_seconds = within[0];
        let scenario = Scenario {
            queues,
            agents: priority_team(days, team[0], team[1], team[2]),
        };
        let report = run(&scenario, 20, 11);
        let hours = days * 24;
        let split = projected_two_queues([sales, support], within, team, hours, true);
        let fcfs = projected_two_queues([sales, support], within, team, hours, false);
        for queue in 0..2 {
            let simulated = horizon(&report, queue).service_level.unwrap();
            eprintln!(
                "loads {sales}/{support}, team {team:?}, queue {queue}: simulated {:.4} ± {:.4}, by priority {:.4}, fcfs {:.4}",
                simulated.mean, simulated.half_width, split[queue], fcfs[queue]
            );
            assert!(
                (split[queue] - simulated.mean).abs() < 0.02 + simulated.half_width,
                "queue {queue}: {} vs {:.4}",
                split[queue],
                simulated.mean
            );
        }
    }
}
