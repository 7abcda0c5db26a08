//! The shift-scheduling integer program.
//!
//! Variables, per horizon day `d`, template `t` and start time `s`:
//! - `x[d,t,s]` — shifts of template `t` starting at `s` (integer);
//! - `z[d,t,s,r,p]` — of those shifts, how many start rest `r` (lunch or break) `p`
//!   minutes after the shift start (integer), with `sum_p z[d,t,s,r,p] = x[d,t,s]`.
//!
//! This is the implicit break-placement formulation of Aykin (1996, "Optimal shift
//! scheduling with multiple break windows", Management Science 42:591-602): one variable
//! per rest and window position instead of one per combination of positions (the
//! explicit set-covering model of Dantzig 1954). For an 8-hour shift with a 9-position
//! lunch window and two 5-position break windows that is 1 + 9 + 5 + 5 = 20 variables per
//! start instead of 9 x 5 x 5 = 225. Any combination of positions is a valid shift because
//! the template's windows follow each other without overlapping (checked when the
//! templates are read), so the solution splits into individual shifts by pairing the
//! k-th earliest placement of every rest.
//!
//! Coverage: agents working in slot `q` = shifts spanning `q` minus rests spanning `q`.
//! The model runs on a fine slot grid (the greatest common divisor of every length, 15
//! minutes for 15-minute breaks); a requirement interval is covered by the mean of its
//! slots, so a 15-minute break inside a 30-minute interval removes half an agent. Each
//! interval has `mean(on) + short - over = required` with `short, over >= 0` priced in
//! the objective per agent-hour, next to the paid cost of the shifts.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{Datelike, Duration, NaiveDate};
use good_lp::solvers::highs::highs;
use good_lp::{variable, Expression, ProblemVariables, SolverModel, Variable};
use highs::HighsModelStatus;

use super::templates::{ShiftConfig, ShiftTemplate};
use crate::error::{Error, Result};

/// Shortfall up to this share of an interval's requirement (at least one agent) is
/// priced at the under-staffing penalty ...
const SHALLOW_SHORTFALL_SHARE: f64 = 0.1;
/// ... and shortfall beyond it at this multiple: service level falls faster the
/// deeper the hole (Erlang C is convex in agents), so two shallow holes are better
/// than one deep one, e.g. lunches are staggered rather than stacked.
const DEEP_SHORTFALL_FACTOR: f64 = 2.0;

/// One requirement interval on the model's wall-clock timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    /// Minutes from the horizon's first local midnight (wall clock).
    pub wall_minute: u32,
    /// Interval length in minutes.
    pub minutes: u32,
    /// Agents required.
    pub required: f64,
}

/// Solver limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolverLimits {
    pub time_limit_seconds: f64,
    /// Relative gap at which HiGHS stops (0.005 = 0.5%).
    pub mip_gap: f64,
}

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

/// How the solve went.
#[derive(Debug, Clone, PartialEq)]
pub struct SolveReport {
    /// `optimal`, `optimal within gap`, `time limit` or `interrupted`.
    pub status: String,
    /// True when HiGHS proved the gap target.
    pub proven: bool,
    /// Objective of the returned schedule: paid cost plus penalties.
    pub objective: f64,
    /// Best lower bound HiGHS proved on the objective.
    pub best_bound: f64,
    /// Relative gap `(objective - bound) / objective`.
    pub gap: f64,
    pub solve_seconds: f64,
    pub variables: usize,
    pub integer_variables: usize,
    pub constraints: usize,
}

/// What the model returns: the shifts (one entry per agent) and the report.
#[derive(Debug, Clone)]
pub struct Solution {
    pub shifts: Vec<PlacedShift>,
    pub report: SolveReport,
}

/// A model variable and its column in the solver (variables are numbered in the
/// order they are added).
#[derive(Debug, Clone, Copy)]
struct Column {
    var: Variable,
    index: usize,
}

fn add_integer(variables: &mut ProblemVariables, max: Option<f64>) -> Column {
    let index = variables.len();
    let mut definition = variable().integer().min(0.0);
    if let Some(max) = max {
        definition = definition.max(max);
    }
    Column {
        var: variables.add(definition),
        index,
    }
}

/// A shift-start variable and its rests' placement variables.
struct ShiftColumn {
    day: u32,
    template: usize,
    start: u32,
    count: Column,
    /// Per rest: (minutes after start, variable).
    rests: Vec<Vec<(u32, Column)>>,
}

/// The slot length: the greatest common divisor of every time in the model.
pub fn slot_minutes(config: &ShiftConfig, demands: &[Demand]) -> u32 {
    let mut values: Vec<u32> = demands
        .iter()
        .flat_map(|d| [d.wall_minute, d.minutes])
        .collect();
    for template in &config.templates {
        values.extend([
            template.start_earliest,
            template.start_step,
            template.paid_minutes,
            template.span_minutes(),
        ]);
        for rest in template.rests() {
            values.extend([
                rest.length,
                rest.earliest_after_start,
                rest.latest_after_start,
            ]);
        }
    }
    values
        .into_iter()
        .filter(|v| *v > 0)
        .fold(0, gcd)
        .clamp(1, 60)
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Builds and solves the model for `days` days from `first_day`.
pub fn solve(
    config: &ShiftConfig,
    demands: &[Demand],
    first_day: NaiveDate,
    days: u32,
    limits: SolverLimits,
    progress: Option<super::progress::ProgressFn>,
) -> Result<Solution> {
    let slot = slot_minutes(config, demands);
    let mut variables = ProblemVariables::new();
    let columns = shift_columns(config, first_day, days, slot, &mut variables);
    let integer_variables = variables.len();
    let horizon_slots = (days * 24 * 60 / slot) as usize;
    let on_duty = on_duty_terms(config, &columns, slot, horizon_slots);

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
        // Convex shortfall: the first agent (or tenth of the requirement) short costs
        // the penalty, deeper holes twice as much, so shortfalls are spread.
        let shallow_cap = (demand.required * SHALLOW_SHORTFALL_SHARE).max(1.0);
        let shallow = variables.add(variable().min(0.0).max(shallow_cap));
        let deep = variables.add(variable().min(0.0));
        let over = variables.add(variable().min(0.0));
        let hours = f64::from(demand.minutes) / 60.0;
        let under = config.penalties.under_per_agent_hour * hours;
        objective.add_mul(under, shallow);
        objective.add_mul(DEEP_SHORTFALL_FACTOR * under, deep);
        if config.penalties.over_per_agent_hour > 0.0 {
            objective.add_mul(config.penalties.over_per_agent_hour * hours, over);
        }
        let mut covered = Expression::default();
        for terms in &on_duty[first..first + count] {
            for &(var, sign) in terms {
                covered.add_mul(sign / count as f64, var);
            }
        }
        constraints.push((covered + shallow + deep - over).eq(demand.required));
    }
    constraints.extend(rest_constraints(&columns));
    constraints.extend(day_limit_constraints(config, &columns, days));
    let variable_count = variables.len();
    let constraint_count = constraints.len();

    let mut problem = highs(variables.minimise(objective.clone()));
    for constraint in constraints {
        problem.add_constraint(constraint);
    }
    let mut model = problem
        .try_into_inner()
        .map_err(|e| Error::Solver(format!("could not build the model: {e}")))?;
    model.set_option("time_limit", limits.time_limit_seconds);
    model.set_option("mip_rel_gap", limits.mip_gap);
    model.set_option("random_seed", 0);
    let log = progress.map(|_| tempfile::NamedTempFile::new()).transpose();
    let log = log.map_err(|e| Error::Solver(format!("cannot create a solver log: {e}")))?;
    match &log {
        Some(file) => {
            model.set_option("output_flag", true);
            model.set_option("log_to_console", false);
            model.set_option("log_file", file.path().display().to_string().as_str());
        }
        None => model.make_quiet(),
    }
    let started = Instant::now();
    let solved = match (progress, &log) {
        (Some(show), Some(file)) => super::progress::solve_with_progress(model, file.path(), show),
        _ => model.try_solve(),
    }
    .map_err(|e| Error::Solver(format!("HiGHS failed: {e:?}")))?;
    let solve_seconds = started.elapsed().as_secs_f64();

    let status = solved.status();
    let (status_text, proven) = match status {
        HighsModelStatus::Optimal => {
            if solved.mip_gap() > 1e-9 {
                ("optimal within gap", true)
            } else {
                ("optimal", true)
            }
        }
        HighsModelStatus::ReachedTimeLimit => ("time limit", false),
        HighsModelStatus::ReachedInterrupt => ("interrupted", false),
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
            return Err(Error::input(
                "the shift limits contradict each other (e.g. min_per_day above max_headcount_per_day, or a part-time share that min_per_day breaks); no schedule satisfies them",
            ))
        }
        other => return Err(Error::Solver(format!("HiGHS stopped with status {other:?}"))),
    };
    if solved.primal_solution_status() != highs::HighsSolutionStatus::Feasible {
        return Err(Error::Solver(format!(
            "no schedule found within the time limit of {} s; raise --time-limit",
            limits.time_limit_seconds
        )));
    }
    let objective_value = solved.objective_value();
    let best_bound = solved
        .double_info_value(c"mip_dual_bound")
        .unwrap_or(f64::NAN);
    let best_bound = if best_bound.is_finite() {
        best_bound
    } else {
        objective_value
    };
    let gap = if objective_value.abs() > 1e-9 {
        ((objective_value - best_bound) / objective_value.abs()).max(0.0)
    } else {
        0.0
    };
    let values = solved.get_solution().columns().to_vec();
    let shifts = place_shifts(&columns, &values);
    Ok(Solution {
        shifts,
        report: SolveReport {
            status: status_text.to_string(),
            proven,
            objective: objective_value,
            best_bound,
            gap,
            solve_seconds,
            variables: variable_count,
            integer_variables,
            constraints: constraint_count,
        },
    })
}

/// Creates the shift-start and rest-placement variables.
fn shift_columns(
    config: &ShiftConfig,
    first_day: NaiveDate,
    days: u32,
    slot: u32,
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
                let rests = template
                    .rests()
                    .iter()
                    .map(|rest| {
                        (rest.earliest_after_start..=rest.latest_after_start)
                            .step_by(slot as usize)
                            .map(|offset| (offset, add_integer(variables, None)))
                            .collect()
                    })
                    .collect();
                columns.push(ShiftColumn {
                    day,
                    template: index,
                    start,
                    count,
                    rests,
                });
            }
        }
    }
    columns
}

/// For every slot of the horizon, the variables that add (+1) or remove (-1) an agent.
fn on_duty_terms(
    config: &ShiftConfig,
    columns: &[ShiftColumn],
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
        for (rest, placements) in template.rests().iter().zip(&column.rests) {
            for &(offset, column) in placements {
                mark(start + offset, rest.length, column.var, -1.0);
            }
        }
    }
    terms
}

/// Every shift takes each of its rests exactly once.
fn rest_constraints(columns: &[ShiftColumn]) -> Vec<good_lp::Constraint> {
    let mut constraints = Vec::new();
    for column in columns {
        for placements in &column.rests {
            let mut taken = Expression::default();
            for &(_, placement) in placements {
                taken += placement.var;
            }
            constraints.push((taken - column.count.var).eq(0.0));
        }
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

/// Splits the integer solution into individual shifts: the k-th shift of a start takes
/// the k-th earliest placement of every rest. Sorted, so the same solution always gives
/// the same list.
fn place_shifts(columns: &[ShiftColumn], values: &[f64]) -> Vec<PlacedShift> {
    let value = |column: Column| values[column.index].round().max(0.0) as usize;
    let mut shifts = Vec::new();
    for column in columns {
        let count = value(column.count);
        if count == 0 {
            continue;
        }
        let placements: Vec<Vec<u32>> = column
            .rests
            .iter()
            .map(|rest| {
                let mut starts: Vec<u32> = rest
                    .iter()
                    .flat_map(|&(offset, column)| std::iter::repeat_n(offset, value(column)))
                    .collect();
                // The rest constraint makes the counts equal; guard against rounding.
                let fallback = rest.first().map_or(0, |&(offset, _)| offset);
                starts.resize(count, *starts.last().unwrap_or(&fallback));
                starts
            })
            .collect();
        for k in 0..count {
            shifts.push(PlacedShift {
                day: column.day,
                template: column.template,
                start: column.start,
                rest_starts: placements
                    .iter()
                    .map(|starts| column.start + starts[k])
                    .collect(),
            });
        }
    }
    shifts.sort();
    shifts
}
