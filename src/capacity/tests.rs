//! Properties of the capacity plan as a whole: scenarios move the requirement and the
//! cost in the right direction.

use chrono::NaiveDate;
use proptest::prelude::*;

use crate::erlang::Model;
use crate::forecast::calendar::Calendar;
use crate::forecast::series::{DayGrid, QueueHistory};
use crate::staff::{QueueTargets, Seconds, ServiceTargets, Share, Targets};

use super::config::{read_sections, AhtChange, Scenario};
use super::requirement::WeekPattern;
use super::{Capacity, HeadcountSource, SiteInputs};

fn targets(level: f64, shrinkage: f64) -> Targets {
    Targets {
        service_level: Some(level),
        answer_within: Some(20.0),
        max_asa_seconds: None,
        max_occupancy: Some(0.9),
        shrinkage,
        model: Model::ErlangC,
        max_abandon: None,
        min_agents: 0,
    }
}

/// A week pattern with `weights` over the half-hours from 08:00 on, every weekday.
fn pattern(weights: &[f64], aht: f64) -> WeekPattern {
    let slots = 48;
    let total: f64 = weights.iter().sum();
    let mut intraday = vec![0.0; 7 * slots];
    for weekday in 0..7 {
        for (i, w) in weights.iter().enumerate() {
            intraday[weekday * slots + 16 + i] = w / total;
        }
    }
    WeekPattern {
        queue: "q".into(),
        interval_minutes: 30,
        slots,
        intraday,
        aht_seconds: vec![aht; 7 * slots],
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// More volume, longer calls, a higher service level or more shrinkage never need
    /// fewer FTE.
    #[test]
    fn scenarios_move_the_requirement_the_right_way(
        weights in prop::collection::vec(0.1_f64..3.0, 4..20),
        day in 50.0_f64..3000.0,
        aht in 60.0_f64..900.0,
        factor in 1.0_f64..2.0,
        extra in 0.0_f64..60.0,
        level in 0.5_f64..0.9,
        raise in 0.0_f64..0.09,
        shrinkage in 0.0_f64..0.4,
    ) {
        let pattern = pattern(&weights, aht);
        let days = [day, day * 1.1, day, day * 0.9, day, day * 0.5, day * 0.3];
        let base_targets = targets(level, shrinkage);
        let base = pattern.requirement(&days, &base_targets, None, 40.0).unwrap();
        let more = days.map(|d| d * factor);
        let busier = pattern.requirement(&more, &base_targets, None, 40.0).unwrap();
        prop_assert!(busier.required_fte >= base.required_fte);
        let longer = pattern
            .requirement(&days, &base_targets, Some(AhtChange::Seconds(extra)), 40.0)
            .unwrap();
        prop_assert!(longer.required_fte >= base.required_fte);
        let tighter = pattern
            .requirement(&days, &targets(level + raise, shrinkage), None, 40.0)
            .unwrap();
        prop_assert!(tighter.required_fte >= base.required_fte);
        let shrunk = pattern
            .requirement(&days, &targets(level, shrinkage + 0.05), None, 40.0)
            .unwrap();
        prop_assert!(shrunk.required_fte > base.required_fte);
    }
}

/// A synthetic two-year history of one queue open 08:00-20:00: 5% a year growth, a
/// yearly wave, weekdays busier than weekends, 300 s AHT.
fn history() -> QueueHistory {
    let first = NaiveDate::from_ymd_opt(2024, 12, 2).unwrap();
    let days = 105 * 7;
    let slots = 48;
    let mut calls = Vec::with_capacity(days * slots);
    for d in 0..days {
        let t = d as f64 / 365.25;
        let level = 1500.0 * (1.0 + 0.05 * t) * (1.0 + 0.15 * (std::f64::consts::TAU * t).sin());
        let weekday = if d % 7 < 5 { 1.0 } else { 0.4 };
        for slot in 0..slots {
            let open = (16..40).contains(&slot);
            let shape = if open {
                1.0 + 0.5 * ((slot as f64 - 16.0) / 24.0 * std::f64::consts::PI).sin()
            } else {
                0.0
            };
            calls.push(Some(level * weekday * shape / 24.0));
        }
    }
    let handled: Vec<f64> = calls.iter().map(|c| c.unwrap_or(0.0)).collect();
    QueueHistory {
        queue: "support".into(),
        time_zone: chrono_tz::UTC,
        interval_minutes: 30,
        calls: DayGrid::new(first, slots, calls),
        handle_seconds: handled.iter().map(|h| h * 300.0).collect(),
        handled,
    }
}

fn capacity(weeks: u32, current: f64) -> Capacity {
    let (mut settings, _) = read_sections("[capacity]\nover_cost = 0\n").unwrap();
    settings.weeks = weeks;
    let file = crate::staff::TargetsFile {
        default: ServiceTargets {
            service_level: Some(Share(0.8)),
            answer_within: Some(Seconds(20.0)),
            shrinkage: Some(Share(0.3)),
            ..ServiceTargets::default()
        },
        queue: Default::default(),
    };
    let targets = QueueTargets::new(&file, &ServiceTargets::default(), "test").unwrap();
    let site = SiteInputs {
        calendar: Calendar::empty(),
        targets: &targets,
        fte_hours: 40.0,
        current_fte: current,
        headcount_source: HeadcountSource::Config,
    };
    Capacity::new(&[history()], site, settings).unwrap()
}

/// Whole plans: more volume or a tighter target needs at least as many FTE every
/// week and never costs less (with no surplus penalty, the least cost is
/// non-decreasing in the requirement).
#[test]
fn scenario_plans_need_and_cost_more() {
    let mut capacity = capacity(26, 0.0);
    // Staffed today for the first week's requirement.
    capacity.current_fte = capacity.requirements(&Scenario::baseline()).unwrap()[0][0].required_fte;
    let base = capacity.plan(&Scenario::baseline()).unwrap();
    assert_eq!(
        capacity.first_week,
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    );
    let mut busier = Scenario::baseline();
    busier.name = "busier".into();
    busier.volume = 1.2;
    let mut tighter = Scenario::baseline();
    tighter.name = "tighter".into();
    tighter.sl = Some((0.95, 20.0));
    for scenario in [busier, tighter] {
        let plan = capacity.plan(&scenario).unwrap();
        for (week, (more, less)) in plan.required.iter().zip(&base.required).enumerate() {
            assert!(
                more > less,
                "{} week {week}: {more} <= {less}",
                scenario.name
            );
        }
        assert!(plan.plan.cost.total() >= base.plan.cost.total() - 1e-6);
        assert!(plan.hires() >= base.hires(), "{}", scenario.name);
    }
    // The growing queue outgrows today's staff thinned by 25% a year: the baseline
    // hires.
    assert!(
        base.hires() > 0,
        "{:?} {:?}",
        base.plan.classes,
        base.required
    );
}

/// The plan is a function of its inputs: the same twice.
#[test]
fn plans_are_deterministic() {
    let capacity = capacity(13, 50.0);
    let one = capacity.plan(&Scenario::baseline()).unwrap();
    let two = capacity.plan(&Scenario::baseline()).unwrap();
    assert_eq!(one.required, two.required);
    assert_eq!(one.plan.classes, two.plan.classes);
}

/// The hand-computed case: one queue whose flat week needs 33.6 FTE (1,200 calls a
/// day in 12 half-hours of 100 calls at 300 s: 21 agents each at 80/20, so
/// 84 · 21 · 0.5 h / 37.5 h / (1 − 30%) = 33.6), 33.6 FTE today losing 1% a week,
/// classes of exactly 4 (two weeks' lead time, two weeks' training, 50% in the first
/// week after), shortfall priced 100 per FTE-week and surplus 1. The one best plan is
/// a class of 4 in week 2: weeks 1-3 are short whatever is done (no class can be
/// productive before week 4), and from week 4 that class covers the whole gap
/// (starting later leaves week 4 short; a second class only adds surplus). By hand,
/// productive FTE in week t = 33.6 · 0.99^t plus, from week 4, 4 · 0.99^(t−2) at 50%
/// in week 4 and 100% after.
#[test]
fn hand_computed_one_queue_eight_weeks_one_class() {
    use super::headcount::{Ramp, Workforce};
    use super::hiring::{ClassRules, Costs, HiringProblem};
    let mut intraday = vec![0.0; 7 * 48];
    for weekday in 0..7 {
        for slot in 16..28 {
            intraday[weekday * 48 + slot] = 1.0 / 12.0;
        }
    }
    let pattern = WeekPattern {
        queue: "support".into(),
        interval_minutes: 30,
        slots: 48,
        intraday,
        aht_seconds: vec![300.0; 7 * 48],
    };
    let week = pattern
        .requirement(&[1200.0; 7], &targets(0.8, 0.3), None, 37.5)
        .unwrap();
    assert!((week.required_fte - 33.6).abs() < 1e-12, "{week:?}");
    let problem = HiringProblem {
        required: vec![week.required_fte; 8],
        current: 33.6,
        workforce: Workforce {
            weekly_attrition: 0.01,
            new_hire_attrition: 0.01,
            new_hire_weeks: 0,
            recruiting_weeks: 2,
            training_weeks: 2,
            ramp: Ramp::new(vec![0.5]),
        },
        classes: ClassRules {
            min_size: 4,
            max_size: 4,
            training_capacity: 4,
        },
        costs: Costs {
            hire: 0.0,
            weekly_salary: 0.0,
            under: 100.0,
            over: 1.0,
        },
    };
    let plan = problem.solve(0.0).unwrap();
    assert_eq!(plan.classes, vec![0, 0, 4, 0, 0, 0, 0, 0]);
    let productive = [
        33.6,
        33.264,
        32.93136,
        32.6020464,
        32.276025936 + 1.9602,
        31.95326567664 + 3.881196,
        31.6337330198736 + 3.84238404,
        31.317395689674864 + 3.8039601996,
    ];
    for (t, expected) in productive.iter().enumerate() {
        let got = plan.weeks[t].productive;
        assert!(
            (got - expected).abs() < 1e-9,
            "week {t}: {got} vs {expected}"
        );
    }
    assert_eq!(plan.weeks[2].hires_starting, 4);
    assert!((plan.weeks[3].attrition - (32.6020464 + 3.96) * 0.01).abs() < 1e-12);
    let short: f64 = 0.336 + 0.66864 + 0.9979536;
    assert!((plan.cost.under_fte_weeks - short).abs() < 1e-9);
    let over: f64 = productive[4..].iter().map(|p| p - 33.6).sum();
    assert!((plan.cost.over_fte_weeks - over).abs() < 1e-9);
    assert!((plan.cost.total() - (100.0 * short + over)).abs() < 1e-7);
}
