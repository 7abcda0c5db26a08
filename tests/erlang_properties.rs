//! Properties of the staffing formulas over random inputs (proptest).

use proptest::prelude::*;
use wfm::erlang::{Model, Queue};
use wfm::staff::{evaluate_agents, required_agents, Targets};

fn erlang_c(load: f64, aht: f64) -> Queue {
    Queue::with_load(Model::ErlangC, load, aht).unwrap()
}

fn erlang_a(load: f64, aht: f64, patience: f64) -> Queue {
    Queue::with_load(
        Model::ErlangA {
            patience_seconds: patience,
        },
        load,
        aht,
    )
    .unwrap()
}

/// Relative allowance for rounding when comparing neighbouring agent counts.
const ROUNDING: f64 = 1e-12;

/// Absolute allowance for shares. Erlang A's service level is a difference of two
/// probabilities evaluated in logarithms of size up to N·T/h, so it carries an absolute
/// error near 1e-13 — visible only where the true value is ~0 (deep overload), and
/// amplified by 1/P(answered) in the service level over answered calls.
const SHARE_ROUNDING: f64 = 1e-9;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Erlang C: more agents never lower the service level nor raise ASA or P(wait).
    #[test]
    fn erlang_c_improves_with_agents(
        load in 0.01f64..300.0,
        aht in 20.0f64..900.0,
        within in 0.0f64..120.0,
    ) {
        let queue = erlang_c(load, aht);
        let first = load.floor() as u32 + 1;
        let mut previous = queue.metrics(first, Some(within));
        for agents in first + 1..first + 60 {
            let next = queue.metrics(agents, Some(within));
            prop_assert!(next.service_level.unwrap() >= previous.service_level.unwrap() - ROUNDING);
            prop_assert!(next.asa_seconds.unwrap() <= previous.asa_seconds.unwrap() * (1.0 + ROUNDING));
            prop_assert!(next.p_wait <= previous.p_wait * (1.0 + ROUNDING));
            previous = next;
        }
    }

    /// Erlang A: the same from one agent up, and abandonment falls too.
    #[test]
    fn erlang_a_improves_with_agents(
        load in 0.01f64..150.0,
        aht in 20.0f64..900.0,
        patience in 5.0f64..900.0,
        within in 0.0f64..120.0,
    ) {
        let queue = erlang_a(load, aht, patience);
        let mut previous = queue.metrics(1, Some(within));
        for agents in 2..load as u32 + 40 {
            let next = queue.metrics(agents, Some(within));
            prop_assert!(next.service_level.unwrap() >= previous.service_level.unwrap() - SHARE_ROUNDING,
                "SL falls at {agents}: {previous:?} -> {next:?}");
            prop_assert!(next.service_level_answered.unwrap()
                >= previous.service_level_answered.unwrap() - SHARE_ROUNDING,
                "SL of answered calls falls at {agents}: {previous:?} -> {next:?}");
            prop_assert!(next.asa_seconds.unwrap() <= previous.asa_seconds.unwrap() * (1.0 + ROUNDING) + ROUNDING,
                "ASA rises at {agents}: {previous:?} -> {next:?}");
            prop_assert!(next.abandon_rate.unwrap() <= previous.abandon_rate.unwrap() * (1.0 + ROUNDING) + ROUNDING);
            previous = next;
        }
    }

    /// Erlang A with very long patience (10^8 handle times) is Erlang C. How long is
    /// "very long" depends on the load: the queue-length law of Erlang A differs from
    /// Erlang C's by a factor of about exp(−k²θ/(2Nμ)) at k waiting, which matters for
    /// k ~ 1/(1−ρ); the relative difference is about θ/(Nμ(1−ρ)²), below 1e-4 here for
    /// N − A ≥ 0.2 agents.
    #[test]
    fn erlang_a_with_endless_patience_is_erlang_c(
        load in 0.01f64..300.0,
        aht in 20.0f64..900.0,
        within in 0.0f64..120.0,
        extra in 0u32..30,
    ) {
        let agents = load.floor() as u32 + 1 + extra;
        prop_assume!(f64::from(agents) - load >= 0.2);
        let c = erlang_c(load, aht).metrics(agents, Some(within));
        let a = erlang_a(load, aht, 1e8 * aht).metrics(agents, Some(within));
        prop_assert!((a.p_wait - c.p_wait).abs() <= 1e-3 * c.p_wait.max(1e-6), "{a:?} vs {c:?}");
        prop_assert!((a.service_level.unwrap() - c.service_level.unwrap()).abs() <= 1e-3);
        let (asa_a, asa_c) = (a.asa_seconds.unwrap(), c.asa_seconds.unwrap());
        prop_assert!((asa_a - asa_c).abs() <= 1e-3 * asa_c.max(1e-6), "{a:?} vs {c:?}");
        prop_assert!(a.abandon_rate.unwrap() <= 1e-3);
        prop_assert!((a.occupancy - c.occupancy).abs() <= 1e-3);
    }

    /// The required number of agents meets every target, and one fewer misses one
    /// (unless the floor or zero load decided it).
    #[test]
    fn required_agents_are_minimal(
        load in 0.0f64..250.0,
        aht in 20.0f64..900.0,
        level in 0.3f64..0.99,
        within in 0.0f64..60.0,
        asa in prop::option::of(1.0f64..60.0),
        occupancy in prop::option::of(0.5f64..1.0),
        abandon in prop::option::of(0.005f64..0.2),
        patience in prop::option::of(10.0f64..600.0),
        min_agents in 0u32..5,
    ) {
        let model = patience.map_or(Model::ErlangC, |p| Model::ErlangA { patience_seconds: p });
        let queue = Queue::with_load(model, load, aht).unwrap();
        let targets = Targets {
            service_level: Some(level),
            answer_within: Some(within),
            max_asa_seconds: asa,
            max_occupancy: occupancy,
            shrinkage: 0.0,
            model,
            max_abandon: abandon.filter(|_| patience.is_some()),
            min_agents,
        };
        let requirement = required_agents(&queue, &targets);
        prop_assert!(requirement.unmet.is_empty(), "{requirement:?}");
        let agents = requirement.agents;
        if agents > min_agents && load > 0.0 {
            let fewer = evaluate_agents(&queue, &targets, agents - 1);
            prop_assert!(!fewer.unmet.is_empty(), "{} agents also meet {targets:?}", agents - 1);
        }
    }
}
