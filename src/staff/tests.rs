use super::*;
use crate::erlang::Model;

fn targets(service_level: Option<(f64, f64)>) -> Targets {
    Targets {
        service_level: service_level.map(|(level, _)| level),
        answer_within: service_level.map(|(_, within)| within),
        max_asa_seconds: None,
        max_occupancy: None,
        shrinkage: 0.0,
        model: Model::ErlangC,
        max_abandon: None,
        min_agents: 0,
    }
}

/// Call Centre Helper's worked example: 100 calls in 30 min, AHT 180 s, 80/20, 85%
/// maximum occupancy, 30% shrinkage -> 14 agents, 20 scheduled.
#[test]
fn call_centre_helper_requirement() {
    let queue = Queue::new(Model::ErlangC, 100.0, 1800.0, 180.0).unwrap();
    let targets = Targets {
        max_occupancy: Some(0.85),
        shrinkage: 0.3,
        ..targets(Some((0.8, 20.0)))
    };
    let requirement = required_agents(&queue, &targets);
    assert_eq!(requirement.agents, 14);
    assert_eq!(requirement.scheduled_staff, 20);
    assert!(requirement.unmet.is_empty());
    assert_eq!(
        requirement,
        required_agents_plain(&queue, &targets, search_limit(queue.offered_load()))
    );
}

#[test]
fn scheduled_staff_rounds_up_but_not_rounding_noise() {
    assert_eq!(scheduled_staff(14, 0.3), 20);
    assert_eq!(scheduled_staff(15, 0.3), 22);
    assert_eq!(scheduled_staff(0, 0.3), 0);
    assert_eq!(scheduled_staff(7, 0.0), 7);
    assert_eq!(scheduled_staff(1, 0.5), 2);
}

/// Deterministic pseudo-random numbers (SplitMix64) for sampling inputs.
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

/// The fast Erlang C search returns exactly what the textbook search returns (agents and
/// metrics, bit for bit) over loads 0-300 Erlangs and mixed target sets.
#[test]
fn fast_erlang_c_search_equals_plain_search() {
    let mut random = SplitMix(2024);
    for case in 0..3000 {
        let load = if case % 50 == 0 {
            0.0
        } else {
            300.0 * random.next()
        };
        let aht = 30.0 + 870.0 * random.next();
        let queue = Queue::with_load(Model::ErlangC, load, aht).unwrap();
        let level = 0.5 + 0.49 * random.next();
        let within = (60.0 * random.next()).round();
        let mut targets = targets(Some((level, within)));
        match case % 5 {
            0 => targets.max_asa_seconds = Some(5.0 + 60.0 * random.next()),
            1 => targets.max_occupancy = Some(0.6 + 0.4 * random.next()),
            2 => {
                targets.service_level = None;
                targets.max_asa_seconds = Some(1.0 + 30.0 * random.next());
            }
            3 => {
                targets.service_level = None;
                targets.max_occupancy = Some(0.5 + 0.5 * random.next());
            }
            _ => {}
        }
        targets.min_agents = if case % 7 == 0 { 3 } else { 0 };
        let fast = required_agents(&queue, &targets);
        let plain = required_agents_plain(&queue, &targets, search_limit(queue.offered_load()));
        assert_eq!(fast, plain, "load {load}, aht {aht}, {targets:?}");
    }
}

/// Loads whose occupancy cap lands exactly on an integer (17 Erlangs, 85% -> 20 agents).
#[test]
fn occupancy_cap_hit_exactly_counts_as_met() {
    let queue = Queue::with_load(Model::ErlangC, 17.0, 300.0).unwrap();
    let targets = Targets {
        service_level: None,
        max_occupancy: Some(0.85),
        ..targets(None)
    };
    assert_eq!(required_agents(&queue, &targets).agents, 20);
    assert_eq!(
        required_agents_plain(&queue, &targets, search_limit(queue.offered_load())).agents,
        20
    );
}

#[test]
fn bisection_for_erlang_a_equals_plain_search() {
    let mut random = SplitMix(7);
    for case in 0..150 {
        let load = 0.05 + 120.0 * random.next();
        let aht = 60.0 + 600.0 * random.next();
        let patience = 10.0 + 600.0 * random.next();
        let model = Model::ErlangA {
            patience_seconds: patience,
        };
        let queue = Queue::with_load(model, load, aht).unwrap();
        let mut targets = Targets {
            model,
            ..targets(Some((
                0.6 + 0.35 * random.next(),
                (40.0 * random.next()).round(),
            )))
        };
        match case % 4 {
            0 => targets.max_abandon = Some(0.01 + 0.1 * random.next()),
            1 => targets.max_asa_seconds = Some(2.0 + 30.0 * random.next()),
            2 => targets.max_occupancy = Some(0.7 + 0.3 * random.next()),
            _ => {}
        }
        let fast = required_agents(&queue, &targets);
        let plain = required_agents_plain(&queue, &targets, search_limit(queue.offered_load()));
        assert_eq!(fast, plain, "load {load}, aht {aht}, patience {patience}");
    }
}

/// With the search capped below what the targets need (say 12 seats for the 100-call
/// example, which needs 14 agents), the requirement is the cap and lists what fails.
#[test]
fn unmeetable_target_is_reported_not_clipped() {
    let queue = Queue::new(Model::ErlangC, 100.0, 1800.0, 180.0).unwrap();
    let targets = Targets {
        max_asa_seconds: Some(20.0),
        ..targets(Some((0.8, 20.0)))
    };
    let requirement = required_agents_up_to(&queue, &targets, 12);
    assert_eq!(requirement.agents, 12);
    let described: Vec<String> = requirement.unmet.iter().map(ToString::to_string).collect();
    assert_eq!(
        described,
        [
            "service level 64.02% < 80% within 20 s",
            "ASA 40.4 s > 20 s"
        ]
    );
    assert_eq!(requirement, required_agents_plain(&queue, &targets, 12));
    // Erlang A goes through the same reporting.
    let model = Model::ErlangA {
        patience_seconds: 120.0,
    };
    let queue = Queue::new(model, 100.0, 1800.0, 180.0).unwrap();
    let targets = Targets {
        model,
        max_abandon: Some(0.01),
        ..targets
    };
    let capped = required_agents_up_to(&queue, &targets, 11);
    assert_eq!(capped.agents, 11);
    assert!(capped
        .unmet
        .iter()
        .any(|u| matches!(u, Unmet::Abandon { .. })));
    // The default limit, 2A + 1000, is far beyond any valid target's need.
    assert_eq!(search_limit(100.0), 1200);
    assert!(required_agents(&queue, &targets).unmet.is_empty());
}

#[test]
fn zero_calls_need_zero_agents_or_the_floor() {
    let queue = Queue::with_load(Model::ErlangC, 0.0, 180.0).unwrap();
    let mut targets = targets(Some((0.8, 20.0)));
    assert_eq!(required_agents(&queue, &targets).agents, 0);
    targets.min_agents = 2;
    targets.shrinkage = 0.3;
    let floor = required_agents(&queue, &targets);
    assert_eq!((floor.agents, floor.scheduled_staff), (2, 3));
    assert!(floor.unmet.is_empty());
}

#[test]
fn floor_above_requirement_reports_metrics_at_the_floor() {
    let queue = Queue::new(Model::ErlangC, 100.0, 1800.0, 180.0).unwrap();
    let targets = Targets {
        min_agents: 16,
        ..targets(Some((0.8, 20.0)))
    };
    let requirement = required_agents(&queue, &targets);
    assert_eq!(requirement.agents, 16);
    assert_eq!(requirement.metrics, queue.metrics(16, Some(20.0)));
}

#[test]
fn reverse_calculation_lists_failing_targets() {
    let queue = Queue::new(Model::ErlangC, 100.0, 1800.0, 180.0).unwrap();
    let targets = Targets {
        max_occupancy: Some(0.8),
        ..targets(Some((0.8, 20.0)))
    };
    let at_12 = evaluate_agents(&queue, &targets, 12);
    let described: Vec<String> = at_12.unmet.iter().map(ToString::to_string).collect();
    assert_eq!(
        described,
        [
            "service level 64.02% < 80% within 20 s",
            "occupancy 83.33% > 80%"
        ]
    );
    assert!(evaluate_agents(&queue, &targets, 14).unmet.is_empty());
}
