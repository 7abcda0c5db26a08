//! The shift-scheduling integer program.
//!
//! Variables, per horizon day `d` and template `t`:
//! - `x[d,t,s]` — shifts of template `t` starting at `s` (integer);
//! - `b[d,t,r,τ]` — rests `r` (the lunch or one of the breaks) that shifts of `(d,t)`
//!   start at time `τ` (integer).
//!
//! This is the implicit break formulation of Bechtold & Jacobs (1990, "Implicit
//! modeling of flexible break assignments in optimal shift scheduling", Management
//! Science 36:1339-1351): rests are counted by the time they are taken, not by the
//! shift that takes them, and the forward and backward constraints
//! `sum_{τ <= l} b[τ] >= sum_{s: window of s ends by l} x[s]` and
//! `sum_{τ >= e} b[τ] >= sum_{s: window of s starts at e or later} x[s]`, with
//! `sum b = sum x`, are exactly the conditions (Hall's theorem) under which the rests
//! can be handed out to the shifts inside their windows. They hold here because all
//! shifts of one template share the same window offsets, so windows are ordered like
//! the starts (no "extraordinary overlap"). Compared with one variable per rest
//! placement of every start (Aykin 1996), this removes the symmetry of which start
//! takes which rest time and needs several times fewer integer variables; compared
//! with enumerating every combination of placements (Dantzig 1954) it is smaller still.
//! Each shift's windows follow each other without overlapping (checked when the
//! templates are read), so rests handed out independently per kind form valid shifts.
//!
//! Coverage: agents working in slot `q` = shifts spanning `q` minus rests spanning `q`.
//! The model runs on a fine slot grid (the greatest common divisor of every length, 15
//! minutes for 15-minute breaks). With `coverage = "slot"` (the default) every slot of
//! a requirement interval must carry the interval's requirement: each slot has
//! `on[q] + short - over = required`, its slack priced over the slot's length, so one
//! quarter-hour cannot starve behind a well-staffed one. With `coverage = "interval"`
//! the interval is covered by the mean of its slots, `mean(on) + short - over =
//! required` (a 15-minute break inside a 30-minute interval removes half an agent, and
//! 36 agents in one quarter-hour make up for 2 in the other). Either way `short, over
//! >= 0` are priced in the objective per agent-hour, next to the paid cost of the
//! shifts, and `short` is split into a shallow and a deep part priced convexly (see
//! `DEEP_SHORTFALL_FACTOR` and [`crate::mip::coverage_rows`]).

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{Datelike, Duration, NaiveDate};
use good_lp::solvers::highs::highs;
use good_lp::{Expression, ProblemVariables, SolverModel, Variable};

use super::templates::{ShiftConfig, ShiftTemplate};
use crate::error::Result;
use crate::mip::{
    add_integer, coverage_rows, hand_out_rests, implicit_rest_constraints, relative_gap, run_mip,
    Column, HighsRun, SolveStatus,
};
pub use crate::mip::{Demand, SolveReport, SolverLimits};

/// One shift as the solution places it: day, template, start and the start of each
/// rest (lunch first when the template has one, then breaks), in wall minutes after the
/// shift day's midnight.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PlacedShift {
    pub day: u32,
    pub template: usize,
    pub start: u32,
    pub rest_starts: Vec<u32>,
}

/// What the model returns: the shifts (one entry per agent) and the report.
#[derive(Debug, Clone)]
pub struct Solution {
    pub shifts: Vec<PlacedShift>,
    pub report: SolveReport,
}

/// A shift-start variable.
struct ShiftColumn {
    day: u32,
    template: usize,
    start: u32,
    count: Column,
}

/// The rest-time variables of one day, template and rest kind, with the starts of
/// that day and template they serve.
struct RestGroup {
    day: u32,
    template: usize,
    rest: usize,
    /// Indexes into the shift columns, by increasing start.
    shifts: Vec<usize>,
    /// (minutes after the day's midnight, variable), by increasing time.
    times: Vec<(u32, Column)>,
}

/// The slot length: the greatest common divisor of every time in the model.
pub fn slot_minutes(config: &ShiftConfig, demands: &[Demand]) -> u32 {
    crate::mip::slot_minutes(
        demands
            .iter()
            .flat_map(|d| [d.wall_minute, d.minutes])
            .chain(config.model_times()),
    )
}

/// Builds and solves the model for `days` days from `first_day`.
///
/// When no template's shifts run past midnight, days share no variable and no
/// constraint (daily limits are per day; `max_part_time_share` is enforced per day
/// then), so each day is solved as its own model, on every core: the sum of the days'
/// optima is the horizon's optimum, and the sum of their bounds a valid bound.
/// Otherwise the horizon is one model.
pub fn solve(
    config: &ShiftConfig,
    demands: &[Demand],
    first_day: NaiveDate,
    days: u32,
    limits: SolverLimits,
    progress: Option<crate::mip::ProgressFn>,
) -> Result<Solution> {
    let slot = slot_minutes(config, demands);
    let crosses_midnight = config
        .templates
        .iter()
        .any(|t| t.start_latest + t.span_minutes() > 24 * 60);
    if crosses_midnight || days == 1 {
        return solve_block(config, demands, first_day, days, slot, limits, progress);
    }
    let started = Instant::now();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(days as usize);
    // Each day gets an equal share of the wall-clock limit on its worker.
    let per_day = SolverLimits {
        time_limit_seconds: (limits.time_limit_seconds * workers as f64 / f64::from(days)).max(1.0),
        ..limits
    };
    let next_day = std::sync::atomic::AtomicU32::new(0);
    let finished = std::sync::atomic::AtomicU32::new(0);
    let mut results: Vec<(u32, Result<Solution>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut solved = Vec::new();
                    loop {
                        let day = next_day.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if day >= days {
                            break;
                        }
                        let day_demands: Vec<Demand> = demands
                            .iter()
                            .filter(|d| d.wall_minute / (24 * 60) == day)
                            .map(|d| Demand {
                                wall_minute: d.wall_minute - day * 24 * 60,
                                ..d.clone()
                            })
                            .collect();
                        let date = first_day + Duration::days(i64::from(day));
                        let result =
                            solve_block(config, &day_demands, date, 1, slot, per_day, None);
                        solved.push((day, result));
                        let done = finished.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        if let Some(show) = progress {
                            show(&format!(
                                "{:.1} s  {done} of {days} days solved",
                                started.elapsed().as_secs_f64()
                            ));
                        }
                    }
                    solved
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().expect("a solver thread panicked"))
            .collect()
    });
    results.sort_by_key(|(day, _)| *day);
    let mut solution = combine_days(results, started.elapsed().as_secs_f64())?;
    // The days' bounds add up to a bound on the month: if that proves the gap target,
    // a day that ran out of time does not make the month unproven.
    if !solution.report.proven() && solution.report.gap <= limits.mip_gap {
        solution.report.status = SolveStatus::WithinGap;
    }
    Ok(solution)
}

/// Adds up the days' solutions into the horizon's.
fn combine_days(results: Vec<(u32, Result<Solution>)>, seconds: f64) -> Result<Solution> {
    let mut shifts = Vec::new();
    let mut report = SolveReport {
        status: SolveStatus::Optimal,
        objective: 0.0,
        best_bound: 0.0,
        gap: 0.0,
        solve_seconds: seconds,
        variables: 0,
        integer_variables: 0,
        constraints: 0,
    };
    for (day, result) in results {
        let solution = result?;
        shifts.extend(solution.shifts.into_iter().map(|shift| PlacedShift {
            day: shift.day + day,
            ..shift
        }));
        let part = solution.report;
        report.objective += part.objective;
        report.best_bound += part.best_bound;
        report.variables += part.variables;
        report.integer_variables += part.integer_variables;
        report.constraints += part.constraints;
        if rank(&part.status) > rank(&report.status) {
            report.status = part.status;
        }
    }
    report.gap = relative_gap(report.objective, report.best_bound);
    shifts.sort();
    Ok(Solution { shifts, report })
}

/// Orders statuses from best to worst: the horizon is as good as its worst day.
fn rank(status: &SolveStatus) -> u8 {
    match status {
        SolveStatus::Optimal => 0,
        SolveStatus::WithinGap => 1,
        _ => 2,
    }
}

/// Builds and solves one model over `days` consecutive days.
fn solve_block(
    config: &ShiftConfig,
    demands: &[Demand],
    first_day: NaiveDate,
    days: u32,
    slot: u32,
    limits: SolverLimits,
    progress: Option<crate::mip::ProgressFn>,
) -> Result<Solution> {
    let mut variables = ProblemVariables::new();
    let columns = shift_columns(config, first_day, days, &mut variables);
    let rest_groups = rest_groups(config, &columns, slot, &mut variables);
    let integer_variables = variables.len();
    let horizon_slots = (days * 24 * 60 / slot) as usize;
    let on_duty = on_duty_terms(config, &columns, &rest_groups, slot, horizon_slots);

    let mut objective = Expression::default();
    for column in &columns {
        objective.add_mul(
            config.templates[column.template].shift_cost(),
            column.count.var,
        );
    }
    let mut constraints = Vec::new();
    for demand in demands {
        let first = (demand.wall_minute / slot) as usize;
        let count = (demand.minutes / slot) as usize;
        if first + count > horizon_slots || count == 0 {
            continue;
        }
        constraints.extend(coverage_rows(
            &mut variables,
            &mut objective,
            demand,
            &on_duty[first..first + count],
            |covered, factor, terms| {
                for &(var, sign) in terms {
                    covered.add_mul(sign * factor, var);
                }
            },
            config.penalties.prices(),
            config.coverage,
        ));
    }
    constraints.extend(rest_constraints(config, &columns, &rest_groups));
    constraints.extend(day_limit_constraints(config, &columns, days));
    let variable_count = variables.len();
    let constraint_count = constraints.len();

    let mut problem = highs(variables.minimise(objective));
    for constraint in constraints {
        problem.add_constraint(constraint);
    }
    let solved = run_mip(
        problem,
        limits,
        HighsRun {
            progress,
            phase: "schedule",
            ..HighsRun::default()
        },
        "the shift limits contradict each other (e.g. min_per_day above max_headcount_per_day, or a part-time share that min_per_day breaks); no schedule satisfies them",
    )?;
    let shifts = place_shifts(config, &columns, &rest_groups, &solved.values)?;
    Ok(Solution {
        shifts,
        report: solved
            .run(variable_count, integer_variables, constraint_count)
            .report(solved.objective),
    })
}

/// Creates the shift-start variables, by day, template and start.
fn shift_columns(
    config: &ShiftConfig,
    first_day: NaiveDate,
    days: u32,
    variables: &mut ProblemVariables,
) -> Vec<ShiftColumn> {
    let mut columns = Vec::new();
    for day in 0..days {
        let date = first_day + Duration::days(i64::from(day));
        let weekday = date.weekday().num_days_from_monday() as usize;
        for (index, template) in config.templates.iter().enumerate() {
            if !template.days[weekday] {
                continue;
            }
            for start in template.starts() {
                let count = add_integer(variables, template.max_per_day.map(f64::from));
                columns.push(ShiftColumn {
                    day,
                    template: index,
                    start,
                    count,
                });
            }
        }
    }
    columns
}

/// Creates the rest-time variables: for every day, template and rest, one per slot
/// from the earliest window start of the first start to the latest of the last.
fn rest_groups(
    config: &ShiftConfig,
    columns: &[ShiftColumn],
    slot: u32,
    variables: &mut ProblemVariables,
) -> Vec<RestGroup> {
    let mut by_day_template: BTreeMap<(u32, usize), Vec<usize>> = BTreeMap::new();
    for (index, column) in columns.iter().enumerate() {
        by_day_template
            .entry((column.day, column.template))
            .or_default()
            .push(index);
    }
    let mut groups = Vec::new();
    for ((day, template_index), shifts) in by_day_template {
        let template = &config.templates[template_index];
        let first_start = columns[shifts[0]].start;
        let last_start = columns[*shifts.last().expect("non-empty")].start;
        for (rest_index, rest) in template.rests().iter().enumerate() {
            let times = (first_start + rest.earliest_after_start
                ..=last_start + rest.latest_after_start)
                .step_by(slot as usize)
                .map(|time| (time, add_integer(variables, None)))
                .collect();
            groups.push(RestGroup {
                day,
                template: template_index,
                rest: rest_index,
                shifts: shifts.clone(),
                times,
            });
        }
    }
    groups
}

/// For every slot of the horizon, the variables that add (+1) or remove (-1) an agent.
fn on_duty_terms(
    config: &ShiftConfig,
    columns: &[ShiftColumn],
    rest_groups: &[RestGroup],
    slot: u32,
    horizon_slots: usize,
) -> Vec<Vec<(Variable, f64)>> {
    let mut terms: Vec<Vec<(Variable, f64)>> = vec![Vec::new(); horizon_slots];
    let mut mark = |from_minute: u32, minutes: u32, var: Variable, sign: f64| {
        let first = (from_minute / slot) as usize;
        let last = ((from_minute + minutes) / slot) as usize;
        for slot_terms in terms.iter_mut().take(last.min(horizon_slots)).skip(first) {
            slot_terms.push((var, sign));
        }
    };
    for column in columns {
        let template = &config.templates[column.template];
        let start = column.day * 24 * 60 + column.start;
        mark(start, template.span_minutes(), column.count.var, 1.0);
    }
    for group in rest_groups {
        let length = config.templates[group.template].rests()[group.rest].length;
        for &(time, column) in &group.times {
            mark(group.day * 24 * 60 + time, length, column.var, -1.0);
        }
    }
    terms
}

/// The Bechtold-Jacobs conditions for every rest group of the schedule.
fn rest_constraints(
    config: &ShiftConfig,
    columns: &[ShiftColumn],
    rest_groups: &[RestGroup],
) -> Vec<good_lp::Constraint> {
    let mut constraints = Vec::new();
    for group in rest_groups {
        let rest = config.templates[group.template].rests()[group.rest];
        let shifts: Vec<(u32, Expression)> = group
            .shifts
            .iter()
            .map(|&shift| (columns[shift].start, columns[shift].count.var.into()))
            .collect();
        let times: Vec<(u32, Variable)> = group
            .times
            .iter()
            .map(|&(time, column)| (time, column.var))
            .collect();
        constraints.extend(implicit_rest_constraints(rest.window(), &shifts, &times));
    }
    constraints
}

/// Per-day template minimums and maximums, the daily headcount cap and the part-time
/// share of paid hours.
fn day_limit_constraints(
    config: &ShiftConfig,
    columns: &[ShiftColumn],
    days: u32,
) -> Vec<good_lp::Constraint> {
    let mut constraints = Vec::new();
    let mut by_day_template: BTreeMap<(u32, usize), Expression> = BTreeMap::new();
    let mut by_day: BTreeMap<u32, Expression> = BTreeMap::new();
    let mut part_time_excess = Expression::default();
    for column in columns {
        *by_day_template
            .entry((column.day, column.template))
            .or_default() += column.count.var;
        *by_day.entry(column.day).or_default() += column.count.var;
        if let Some(share) = config.limits.max_part_time_share {
            let template = &config.templates[column.template];
            let hours = f64::from(template.paid_minutes) / 60.0;
            let weight = if template.part_time {
                1.0 - share
            } else {
                -share
            };
            part_time_excess.add_mul(weight * hours, column.count.var);
        }
    }
    for ((_, template), shifts) in &by_day_template {
        let template: &ShiftTemplate = &config.templates[*template];
        if template.min_per_day > 0 {
            constraints.push(shifts.clone().geq(f64::from(template.min_per_day)));
        }
        if let Some(max) = template.max_per_day {
            constraints.push(shifts.clone().leq(f64::from(max)));
        }
    }
    if let Some(cap) = config.limits.max_headcount_per_day {
        for day in 0..days {
            if let Some(shifts) = by_day.get(&day) {
                constraints.push(shifts.clone().leq(f64::from(cap)));
            }
        }
    }
    if config.limits.max_part_time_share.is_some() {
        constraints.push(part_time_excess.leq(0.0));
    }
    constraints
}

/// Splits the integer solution into individual shifts and hands out the rest times
/// (see [`hand_out_rests`]).
/// Sorted, so the same solution always gives the same list.
fn place_shifts(
    config: &ShiftConfig,
    columns: &[ShiftColumn],
    rest_groups: &[RestGroup],
    values: &[f64],
) -> Result<Vec<PlacedShift>> {
    let value = |column: Column| values[column.index].round().max(0.0) as usize;
    // One entry per individual shift, grouped by (day, template), by start.
    let mut shifts: BTreeMap<(u32, usize), Vec<PlacedShift>> = BTreeMap::new();
    for column in columns {
        let template = &config.templates[column.template];
        for _ in 0..value(column.count) {
            shifts
                .entry((column.day, column.template))
                .or_default()
                .push(PlacedShift {
                    day: column.day,
                    template: column.template,
                    start: column.start,
                    rest_starts: vec![0; template.rests().len()],
                });
        }
    }
    for group in rest_groups {
        let Some(group_shifts) = shifts.get_mut(&(group.day, group.template)) else {
            continue;
        };
        let rest = config.templates[group.template].rests()[group.rest];
        let times: Vec<(u32, usize)> = group
            .times
            .iter()
            .map(|&(time, column)| (time, value(column)))
            .collect();
        let starts: Vec<u32> = group_shifts.iter().map(|shift| shift.start).collect();
        let rest_starts = hand_out_rests(rest.window(), &starts, &times)?;
        for (shift, time) in group_shifts.iter_mut().zip(rest_starts) {
            shift.rest_starts[group.rest] = time;
        }
    }
    let mut all: Vec<PlacedShift> = shifts.into_values().flatten().collect();
    all.sort();
    Ok(all)
}
