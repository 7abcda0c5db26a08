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
//! minutes for 15-minute breaks); a requirement interval is covered by the mean of its
//! slots, so a 15-minute break inside a 30-minute interval removes half an agent. Each
//! interval has `mean(on) + short - over = required` with `short, over >= 0` priced in
//! the objective per agent-hour, next to the paid cost of the shifts; `short` is split
//! into a shallow and a deep part priced convexly (see `DEEP_SHORTFALL_FACTOR`).

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{Datelike, Duration, NaiveDate};
use good_lp::solvers::highs::highs;
use good_lp::{variable, Expression, ProblemVariables, SolverModel, Variable};
use highs::HighsModelStatus;

use super::templates::{Rest, ShiftConfig, ShiftTemplate};
use crate::error::{Error, Result};

/// Shortfall up to this share of an interval's requirement (at least one agent) is
/// priced at the under-staffing penalty ...
pub(crate) const SHALLOW_SHORTFALL_SHARE: f64 = 0.1;
/// ... and shortfall beyond it at this multiple: service level falls faster the
/// deeper the hole (Erlang C is convex in agents), so two shallow holes are better
/// than one deep one, e.g. lunches are staggered rather than stacked.
pub(crate) const DEEP_SHORTFALL_FACTOR: f64 = 2.0;

/// The slack of one requirement interval's coverage row, `covered + slack =
/// required`: shortfall in two pieces minus surplus, their penalties added to
/// `objective`. Convex shortfall: the first agent (or tenth of the requirement) short
/// costs the under-staffing penalty, deeper holes twice as much, so shortfalls are
/// spread. Shared by the schedule, the roster model and the roster's daily settlement.
pub(crate) fn coverage_slack(
    variables: &mut good_lp::ProblemVariables,
    objective: &mut Expression,
    penalties: &super::templates::Penalties,
    demand: &Demand,
) -> Expression {
    let shallow_cap = (demand.required * SHALLOW_SHORTFALL_SHARE).max(1.0);
    let shallow = variables.add(variable().min(0.0).max(shallow_cap));
    let deep = variables.add(variable().min(0.0));
    let over = variables.add(variable().min(0.0));
    let hours = f64::from(demand.minutes) / 60.0;
    let under = penalties.under_per_agent_hour * hours;
    objective.add_mul(under, shallow);
    objective.add_mul(DEEP_SHORTFALL_FACTOR * under, deep);
    if penalties.over_per_agent_hour > 0.0 {
        objective.add_mul(penalties.over_per_agent_hour * hours, over);
    }
    shallow + deep - over
}

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
pub(crate) struct Column {
    pub var: Variable,
    pub index: usize,
}

pub(crate) fn add_integer(variables: &mut ProblemVariables, max: Option<f64>) -> Column {
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
    progress: Option<super::progress::ProgressFn>,
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
    if !solution.report.proven && solution.report.gap <= limits.mip_gap {
        solution.report.status = "optimal within gap".to_string();
        solution.report.proven = true;
    }
    Ok(solution)
}

/// Adds up the days' solutions into the horizon's.
fn combine_days(results: Vec<(u32, Result<Solution>)>, seconds: f64) -> Result<Solution> {
    let mut shifts = Vec::new();
    let mut report = SolveReport {
        status: "optimal".to_string(),
        proven: true,
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
        report.proven &= part.proven;
        let rank = |status: &str| match status {
            "optimal" => 0,
            "optimal within gap" => 1,
            _ => 2,
        };
        if rank(&part.status) > rank(&report.status) {
            report.status = part.status;
        }
    }
    report.gap = if report.objective.abs() > 1e-9 {
        ((report.objective - report.best_bound) / report.objective.abs()).max(0.0)
    } else {
        0.0
    };
    shifts.sort();
    Ok(Solution { shifts, report })
}

/// Builds and solves one model over `days` consecutive days.
fn solve_block(
    config: &ShiftConfig,
    demands: &[Demand],
    first_day: NaiveDate,
    days: u32,
    slot: u32,
    limits: SolverLimits,
    progress: Option<super::progress::ProgressFn>,
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
        let slack = coverage_slack(&mut variables, &mut objective, &config.penalties, demand);
        let mut covered = Expression::default();
        for terms in &on_duty[first..first + count] {
            for &(var, sign) in terms {
                covered.add_mul(sign / count as f64, var);
            }
        }
        constraints.push((covered + slack).eq(demand.required));
    }
    constraints.extend(rest_constraints(config, &columns, &rest_groups));
    constraints.extend(day_limit_constraints(config, &columns, days));
    let variable_count = variables.len();
    let constraint_count = constraints.len();

    let mut problem = highs(variables.minimise(objective));
    for constraint in constraints {
        problem.add_constraint(constraint);
    }
    let outcome = run_mip(
        problem,
        limits,
        progress,
        "the shift limits contradict each other (e.g. min_per_day above max_headcount_per_day, or a part-time share that min_per_day breaks); no schedule satisfies them",
    )?;
    let MipOutcome {
        values,
        status: status_text,
        proven,
        objective: objective_value,
        best_bound,
        gap,
        solve_seconds,
    } = outcome;
    let shifts = place_shifts(config, &columns, &rest_groups, &values)?;
    Ok(Solution {
        shifts,
        report: SolveReport {
            status: status_text,
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

/// What one HiGHS run returned: the column values of the best solution and how good
/// it is proven to be.
pub(crate) struct MipOutcome {
    /// Column values in the order the variables were added.
    pub values: Vec<f64>,
    /// `optimal`, `optimal within gap`, `time limit` or `interrupted`.
    pub status: String,
    pub proven: bool,
    pub objective: f64,
    pub best_bound: f64,
    pub gap: f64,
    pub solve_seconds: f64,
}

/// Solves a built model with HiGHS under `limits` (fixed random seed, so the same
/// model gives the same solution when it finishes within its limits). An infeasible
/// model is an input error worded by `infeasible`; no solution at all within the time
/// limit is a solver error.
pub(crate) fn run_mip(
    problem: good_lp::solvers::highs::HighsProblem,
    limits: SolverLimits,
    progress: Option<super::progress::ProgressFn>,
    infeasible: &str,
) -> Result<MipOutcome> {
    run_mip_from(problem, limits, progress, infeasible, None)
}

/// [`run_mip`] with an optional starting solution (one value per column), which
/// HiGHS uses as its first incumbent when it is feasible.
pub(crate) fn run_mip_from(
    problem: good_lp::solvers::highs::HighsProblem,
    limits: SolverLimits,
    progress: Option<super::progress::ProgressFn>,
    infeasible: &str,
    start: Option<&[f64]>,
) -> Result<MipOutcome> {
    let outcome = run_highs(problem, limits, progress, infeasible, start, &[])?;
    if outcome.values.is_empty() {
        return Err(Error::Solver(format!(
            "no solution found within the time limit of {} s; raise --time-limit",
            limits.time_limit_seconds
        )));
    }
    Ok(outcome)
}

/// Runs HiGHS with extra string options; without a feasible solution the outcome has
/// no values and an infinite objective, but still the proven bound (for relaxations
/// solved only for their bound).
pub(crate) fn run_highs(
    problem: good_lp::solvers::highs::HighsProblem,
    limits: SolverLimits,
    progress: Option<super::progress::ProgressFn>,
    infeasible: &str,
    start: Option<&[f64]>,
    options: &[(&str, &str)],
) -> Result<MipOutcome> {
    let mut model = problem
        .try_into_inner()
        .map_err(|e| Error::Solver(format!("could not build the model: {e}")))?;
    model.set_option("time_limit", limits.time_limit_seconds);
    model.set_option("mip_rel_gap", limits.mip_gap);
    model.set_option("random_seed", 0);
    for &(key, value) in options {
        model.set_option(key, value);
    }
    if let Some(start) = start {
        // A start that does not fit is only a missed hint, never an error.
        let _ = model.try_set_solution(Some(start), None, None, None);
    }
    let log = progress.map(|_| tempfile::NamedTempFile::new()).transpose();
    let log = log.map_err(|e| Error::Solver(format!("cannot create a solver log: {e}")))?;
    match &log {
        Some(file) => {
            model.set_option("output_flag", true);
            model.set_option("log_to_console", false);
            model.set_option("log_file", file.path().display().to_string().as_str());
        }
        // A debugging aid: WFM_HIGHS_LOG=FILE keeps HiGHS's own log (with --days 1
        // or a horizon solved as one model, as parallel days would share the file).
        None => match std::env::var("WFM_HIGHS_LOG") {
            Ok(path) if !path.is_empty() => {
                model.set_option("output_flag", true);
                model.set_option("log_to_console", false);
                model.set_option("log_file", path.as_str());
            }
            _ => model.make_quiet(),
        },
    }
    let started = Instant::now();
    let solved = match (progress, &log) {
        (Some(show), Some(file)) => super::progress::solve_with_progress(model, file.path(), show),
        _ => model.try_solve(),
    }
    .map_err(|e| Error::Solver(format!("HiGHS failed: {e:?}")))?;
    let solve_seconds = started.elapsed().as_secs_f64();

    let (status, proven) = match solved.status() {
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
            return Err(Error::input(infeasible))
        }
        other => {
            return Err(Error::Solver(format!(
                "HiGHS stopped with status {other:?}"
            )))
        }
    };
    let feasible = solved.primal_solution_status() == highs::HighsSolutionStatus::Feasible;
    let objective = if feasible {
        solved.objective_value()
    } else {
        f64::INFINITY
    };
    let best_bound = solved
        .double_info_value(c"mip_dual_bound")
        .unwrap_or(f64::NAN);
    let best_bound = if best_bound.is_finite() || !feasible {
        best_bound
    } else {
        objective
    };
    Ok(MipOutcome {
        values: if feasible {
            solved.get_solution().columns().to_vec()
        } else {
            Vec::new()
        },
        status: status.to_string(),
        proven,
        objective,
        best_bound,
        gap: relative_gap(objective, best_bound),
        solve_seconds,
    })
}

/// `(objective - bound) / |objective|`, zero for a zero objective.
pub fn relative_gap(objective: f64, bound: f64) -> f64 {
    if objective.abs() > 1e-9 {
        ((objective - bound) / objective.abs()).max(0.0)
    } else {
        0.0
    }
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
        constraints.extend(implicit_rest_constraints(rest, &shifts, &times));
    }
    constraints
}

/// The Bechtold-Jacobs conditions under which rest times can be handed out to shifts,
/// each inside its own window: as many rests as shifts; at least as many rests up to
/// each window end as shifts whose window ends there or earlier; at least as many from
/// each window start on as shifts whose window starts there or later. `shifts` are
/// (start, number of shifts) of one template and day, `times` the rest-time variables.
pub(crate) fn implicit_rest_constraints(
    rest: &Rest,
    shifts: &[(u32, Expression)],
    times: &[(u32, Variable)],
) -> Vec<good_lp::Constraint> {
    let mut constraints = Vec::new();
    let mut all_rests = Expression::default();
    let mut all_shifts = Expression::default();
    for &(_, var) in times {
        all_rests += var;
    }
    for (_, count) in shifts {
        all_shifts += count.clone();
    }
    constraints.push((all_rests - all_shifts).eq(0.0));
    for (start, _) in shifts {
        let window_end = start + rest.latest_after_start;
        let window_start = start + rest.earliest_after_start;
        let mut forward = Expression::default();
        let mut backward = Expression::default();
        for &(time, var) in times {
            if time <= window_end {
                forward += var;
            }
            if time >= window_start {
                backward += var;
            }
        }
        for (other_start, count) in shifts {
            if other_start <= start {
                forward -= count.clone();
            }
            if other_start >= start {
                backward -= count.clone();
            }
        }
        constraints.push(forward.geq(0.0));
        constraints.push(backward.geq(0.0));
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
        hand_out_rests(rest, group.rest, group_shifts, &times)?;
    }
    let mut all: Vec<PlacedShift> = shifts.into_values().flatten().collect();
    all.sort();
    Ok(all)
}

/// Hands out rest times (time, how many) to `shifts` of one template and day, sorted
/// by start, writing `rest_starts[rest_index]`: rest times in increasing order each go
/// to the waiting shift whose window closes first (earliest deadline first), which
/// succeeds whenever the Bechtold-Jacobs conditions hold.
pub(crate) fn hand_out_rests(
    rest: &Rest,
    rest_index: usize,
    shifts: &mut [PlacedShift],
    times: &[(u32, usize)],
) -> Result<()> {
    let mut waiting = 0;
    let mut assigned = vec![false; shifts.len()];
    let mut handed_out = 0;
    for &(time, count) in times {
        for _ in 0..count {
            while waiting < shifts.len()
                && shifts[waiting].start + rest.earliest_after_start <= time
            {
                waiting += 1;
            }
            let taker = (0..waiting)
                .find(|&k| !assigned[k] && shifts[k].start + rest.latest_after_start >= time);
            let Some(taker) = taker else {
                return Err(Error::Solver(
                    "the solver's rest times do not fit the shifts' windows".into(),
                ));
            };
            assigned[taker] = true;
            shifts[taker].rest_starts[rest_index] = time;
            handed_out += 1;
        }
    }
    if handed_out != shifts.len() {
        return Err(Error::Solver(
            "the solver returned fewer rest times than shifts".into(),
        ));
    }
    Ok(())
}
