//! A proven lower bound on the roster's cost from an aggregate relaxation: agents of
//! one class (same skills and contract) are counted, not named. Per week and class,
//! integer counts of shifts per day and template are capped by the agents available
//! that day, and their weekly hours and days by the sums of the agents' weekly limits;
//! start times, rests and coverage are the roster model's (see `coverage_block`).
//! Every rule that needs names (rest, consecutive days, weekends, individual hours,
//! partial-day availability) and every soft goal (all non-negative) is dropped, so
//! any roster maps to a solution of no greater cost, and weeks, no longer coupled,
//! are solved apart. Each week's model is solved as a linear programme (integrality
//! relaxed too), to optimality, so the bound is the same on every run; the sum of the
//! weeks' optima bounds the roster.

use std::collections::BTreeMap;

use good_lp::solvers::highs::highs;
use good_lp::{Expression, ProblemVariables, SolverModel};

use super::coverage::{coverage_block, StartCounts};
use super::rules::{paid_hours, Week};
use super::types::{skill_groups, ModelInput};
use crate::error::Result;
use crate::mip::{add_integer, run_highs, HighsRun, SolverLimits};

/// Each week gets at least this long: its root relaxation must finish for a bound.
const MIN_WEEK_SECONDS: f64 = 5.0;

/// The relaxation's proven bound: the sum over weeks, solved on every core, each
/// within its share of `limits`.
pub fn relaxation_bound(input: &ModelInput, limits: SolverLimits) -> Result<f64> {
    let weeks = input.book.horizon.weeks();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(weeks.len())
        .max(1);
    let per_week = SolverLimits {
        time_limit_seconds: (limits.time_limit_seconds * workers as f64 / weeks.len() as f64)
            .max(MIN_WEEK_SECONDS),
        ..limits
    };
    let next = std::sync::atomic::AtomicUsize::new(0);
    let bounds: Vec<Result<f64>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut found = Vec::new();
                    loop {
                        let w = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if w >= weeks.len() {
                            break;
                        }
                        found.push(week_bound(input, weeks[w], per_week));
                    }
                    found
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a bound thread panicked"))
            .collect()
    });
    let mut total = 0.0;
    for bound in bounds {
        total += bound?;
    }
    Ok(total)
}

/// The proven bound of one week's aggregate model.
fn week_bound(input: &ModelInput, week: Week, limits: SolverLimits) -> Result<f64> {
    let book = input.book;
    let config = book.config;
    let (groups, group_of) = skill_groups(book, input.queues);
    let mut classes: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (agent, &group) in group_of.iter().enumerate() {
        classes
            .entry((group, book.agents[agent].contract))
            .or_default()
            .push(agent);
    }
    let mut variables = ProblemVariables::new();
    let mut constraints = Vec::new();
    let mut objective = Expression::default();
    // Shifts per class, day and template, and the starts open to each group.
    let mut per_template: BTreeMap<(u32, usize, usize), Expression> = BTreeMap::new();
    let mut open_starts: BTreeMap<(u32, usize, usize), BTreeMap<u32, f64>> = BTreeMap::new();
    for (&(g, contract), members) in &classes {
        let templates = &book.contracts.contracts[contract].templates;
        let mut hours = Expression::default();
        let mut shifts = Expression::default();
        let (mut min_hours, mut max_hours, mut max_days) = (0.0, 0.0, 0.0);
        for &agent in members {
            let limits = book.week_limits(agent, week);
            min_hours += limits.min_hours;
            max_hours += limits.max_hours;
            max_days += f64::from(limits.max_days);
        }
        for day in week.days() {
            let mut any_day = 0.0;
            let mut on_day = Expression::default();
            for &agent in members {
                let mut works_today = false;
                for &t in templates {
                    for s in config.templates[t].starts() {
                        if book.shift_allowed(agent, day, t, s) {
                            works_today = true;
                            *open_starts
                                .entry((day, t, g))
                                .or_default()
                                .entry(s)
                                .or_default() += 1.0;
                        }
                    }
                }
                any_day += if works_today { 1.0 } else { 0.0 };
            }
            for &t in templates {
                let available = members
                    .iter()
                    .filter(|&&a| {
                        config.templates[t]
                            .starts()
                            .into_iter()
                            .any(|s| book.shift_allowed(a, day, t, s))
                    })
                    .count() as f64;
                if available == 0.0 {
                    continue;
                }
                let count = add_integer(&mut variables, Some(available));
                // A frozen day's shifts are given, their pay no choice (and, before the
                // horizon, no cost of it): free here, so the bound stays a lower one.
                let cost = if book.is_frozen(day) {
                    0.0
                } else {
                    config.templates[t].shift_cost()
                };
                objective.add_mul(cost, count.var);
                hours.add_mul(paid_hours(&config.templates[t]), count.var);
                shifts += count.var;
                on_day += count.var;
                *per_template.entry((day, t, g)).or_default() += count.var;
            }
            constraints.push(on_day.leq(any_day));
        }
        constraints.push(hours.clone().leq(max_hours));
        if min_hours > 0.0 {
            constraints.push(hours.geq(min_hours));
        }
        constraints.push(shifts.leq(max_days));
    }
    let mut starts_of: StartCounts = BTreeMap::new();
    for (&(day, t, g), starts) in &open_starts {
        let mut total = Expression::default();
        for (&s, &max) in starts {
            let column = add_integer(&mut variables, Some(max));
            total += column.var;
            starts_of
                .entry((day, t, g))
                .or_default()
                .insert(s, (column, max));
        }
        let shifts = per_template.get(&(day, t, g)).cloned().unwrap_or_default();
        constraints.push((total - shifts).eq(0.0));
    }
    coverage_block(
        input,
        &groups,
        week.days(),
        &starts_of,
        &mut variables,
        &mut constraints,
        &mut objective,
    );
    let mut problem = highs(variables.minimise(objective));
    for constraint in constraints {
        problem.add_constraint(constraint);
    }
    // Only the bound matters, and it must be the same on every run (cron users diff
    // the outputs): the relaxation's linear programme, solved to optimality by interior
    // point, not its integer programme, whose bound depends on where the clock stops
    // the search. Measured on the sample month: 12016.82 as linear programmes (the
    // roster step 2 s), 12018.97 with 6 s of branching per week, 12019.59 with 60 s;
    // on the 200-agent benchmark see docs/benchmarks.md.
    let outcome = run_highs(
        problem,
        limits,
        HighsRun {
            options: &[("solver", "ipm"), ("solve_relaxation", "true")],
            phase: "roster bound",
            ..HighsRun::default()
        },
        "the aggregate relaxation of the roster is infeasible: the agents' weekly minimum hours cannot be met",
    )?;
    // The linear optimum bounds the integer relaxation, hence the roster; stopped
    // early it bounds nothing, and the week counts as zero (soft costs are >= 0).
    Ok(match outcome.objective {
        Some(objective) if outcome.status.proven() && objective.is_finite() => objective,
        _ => {
            tracing::warn!(
                "the bound's linear programme for a week stopped before optimality ({}); the week counts as 0 in the bound",
                outcome.status
            );
            0.0
        }
    })
}
