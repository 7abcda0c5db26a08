//! The solver toolkit shared by the schedule and the roster models: limits, how a
//! solve went, running HiGHS, the convex shortfall slack of a coverage row, the
//! model's time step and the implicit rests of Bechtold & Jacobs (1990).
//!
//! Only this file and the model files (`schedule/model.rs`, `roster/model.rs`,
//! `roster/bound.rs`, `roster/settle.rs`) name `good_lp` or HiGHS.

use std::time::Instant;

use good_lp::solvers::highs::HighsProblem;
use good_lp::{variable, Constraint, Expression, ProblemVariables, Variable};
use highs::HighsModelStatus;

use crate::error::{Error, Result, SolverFailure};

pub mod progress;

use progress::while_watching;
pub use progress::ProgressFn;

/// Solver limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolverLimits {
    pub time_limit_seconds: f64,
    /// Relative gap at which HiGHS stops (0.005 = 0.5%).
    pub mip_gap: f64,
}

/// How a solve ended.
#[derive(Debug, Clone, PartialEq)]
pub enum SolveStatus {
    /// Proven optimal.
    Optimal,
    /// Proven within the gap target.
    WithinGap,
    /// Stopped by the time limit with a solution.
    TimeLimit,
    /// Stopped by the deterministic node limit ([`MAX_NODES`]) with a solution.
    NodeLimit,
    /// Stopped by an interrupt with a solution.
    Interrupted,
    /// The roster's best-response rounds (no proof of optimality).
    BestResponses {
        rounds: usize,
        changed: usize,
        /// A round changed nothing (a local optimum, not a stop on the clock).
        converged: bool,
        /// The wall clock, not a round rule, ended the rounds (see [`take_clock_stops`]).
        clock_stopped: bool,
    },
}

impl SolveStatus {
    /// Whether the solver proved the gap target.
    pub fn proven(&self) -> bool {
        matches!(self, SolveStatus::Optimal | SolveStatus::WithinGap)
    }
}

impl std::fmt::Display for SolveStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SolveStatus::Optimal => f.write_str("optimal"),
            SolveStatus::WithinGap => f.write_str("optimal within gap"),
            SolveStatus::TimeLimit => f.write_str("time limit"),
            SolveStatus::NodeLimit => f.write_str("node limit"),
            SolveStatus::Interrupted => f.write_str("interrupted"),
            SolveStatus::BestResponses {
                rounds,
                changed,
                converged,
                clock_stopped,
            } => write!(
                f,
                "best responses ({rounds} round(s), {changed} schedule(s) changed{})",
                match (converged, clock_stopped) {
                    (true, _) => "",
                    (false, true) =>
                        ", stopped by the time limit: raise it for a better, reproducible roster",
                    (false, false) => ", stopped at the round limit",
                }
            ),
        }
    }
}

/// How the solve went, for a plan that was returned (so every figure is known).
#[derive(Debug, Clone, PartialEq)]
pub struct SolveReport {
    pub status: SolveStatus,
    /// Objective of the returned plan: paid cost plus penalties (for a roster, its
    /// cost recomputed from its rows).
    pub objective: f64,
    /// Proven lower bound on the objective.
    pub best_bound: f64,
    /// Relative gap `(objective - bound) / objective`.
    pub gap: f64,
    pub solve_seconds: f64,
    pub variables: usize,
    pub integer_variables: usize,
    pub constraints: usize,
}

impl SolveReport {
    /// Whether the solver proved the gap target.
    pub fn proven(&self) -> bool {
        self.status.proven()
    }
}

/// How a solve went before its plan is costed (the roster's best responses have no
/// objective of their own; the roster's cost is computed from its rows).
#[derive(Debug, Clone, PartialEq)]
pub struct SolveRun {
    pub status: SolveStatus,
    /// Proven lower bound on the objective.
    pub best_bound: f64,
    pub solve_seconds: f64,
    /// Size of the model solved (0 when none was).
    pub variables: usize,
    pub integer_variables: usize,
    pub constraints: usize,
}

impl SolveRun {
    /// The report of the plan whose objective is `objective`.
    pub fn report(self, objective: f64) -> SolveReport {
        SolveReport {
            gap: relative_gap(objective, self.best_bound),
            status: self.status,
            objective,
            best_bound: self.best_bound,
            solve_seconds: self.solve_seconds,
            variables: self.variables,
            integer_variables: self.integer_variables,
            constraints: self.constraints,
        }
    }
}

/// One requirement interval on a model's wall-clock timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    /// Minutes from the horizon's first local midnight (wall clock).
    pub wall_minute: u32,
    /// Interval length in minutes.
    pub minutes: u32,
    /// Agents required.
    pub required: f64,
}

/// A model variable and its column in the solver (variables are numbered in the
/// order they are added).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub var: Variable,
    pub index: usize,
}

/// A non-negative integer variable, capped at `max` when given.
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

/// A binary variable.
pub(crate) fn add_binary(variables: &mut ProblemVariables) -> Column {
    let index = variables.len();
    Column {
        var: variables.add(variable().binary()),
        index,
    }
}

/// Shortfall up to this share of an interval's requirement (at least one agent) is
/// priced at the under-staffing penalty ...
pub(crate) const SHALLOW_SHORTFALL_SHARE: f64 = 0.1;
/// ... and shortfall beyond it at this multiple: service level falls faster the
/// deeper the hole (Erlang C is convex in agents), so two shallow holes are better
/// than one deep one, e.g. lunches are staggered rather than stacked.
pub(crate) const DEEP_SHORTFALL_FACTOR: f64 = 2.0;

/// The slack of one requirement interval's coverage row, `covered + slack =
/// required`: shortfall in two pieces minus surplus, their penalties (per agent-hour,
/// over an interval of `hours`) added to `objective`. Convex shortfall: the first
/// agent (or tenth of the requirement) short costs the under-staffing penalty, deeper
/// holes twice as much, so shortfalls are spread. Shared by the schedule, the roster
/// model and the roster's daily settlement.
pub(crate) fn coverage_slack(
    variables: &mut ProblemVariables,
    objective: &mut Expression,
    required: f64,
    hours: f64,
    (under_per_agent_hour, over_per_agent_hour): (f64, f64),
) -> Expression {
    let shallow_cap = (required * SHALLOW_SHORTFALL_SHARE).max(1.0);
    let shallow = variables.add(variable().min(0.0).max(shallow_cap));
    let deep = variables.add(variable().min(0.0));
    let over = variables.add(variable().min(0.0));
    let under = under_per_agent_hour * hours;
    objective.add_mul(under, shallow);
    objective.add_mul(DEEP_SHORTFALL_FACTOR * under, deep);
    if over_per_agent_hour > 0.0 {
        objective.add_mul(over_per_agent_hour * hours, over);
    }
    shallow + deep - over
}

/// What a requirement interval's coverage holds to (`coverage` in the `[site]` table of
/// `shifts.toml` and `plan.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Coverage {
    /// Every model slot inside the interval (a quarter-hour, usually) carries the
    /// interval's requirement: one coverage row per slot, its slack priced over the
    /// slot's length, so no quarter-hour starves behind a well-staffed one.
    #[default]
    Slot,
    /// The mean over the interval's slots carries it (one row per interval).
    Interval,
}

impl Coverage {
    /// `"slot"` or `"interval"`.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        match text.trim() {
            "slot" => Ok(Coverage::Slot),
            "interval" => Ok(Coverage::Interval),
            other => Err(format!(
                "coverage = \"{other}\"; expected \"slot\" or \"interval\""
            )),
        }
    }

    /// The name as `shifts.toml` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Coverage::Slot => "slot",
            Coverage::Interval => "interval",
        }
    }
}

/// The coverage rows of one requirement interval whose model slots are `slots`
/// (`add(expression, factor, slot)` adds `factor` x the agents working in a slot):
/// with [`Coverage::Interval`] one row, `mean(slots) + slack = required`, priced over
/// the interval; with [`Coverage::Slot`] one row per slot, `slot + slack = required`,
/// each slack priced over the slot's share of the interval, so an interval short by
/// the same number in every slot costs the same either way. The slacks' penalties go
/// to `objective` (see [`coverage_slack`]).
#[allow(clippy::too_many_arguments)]
pub(crate) fn coverage_rows<S>(
    variables: &mut ProblemVariables,
    objective: &mut Expression,
    demand: &Demand,
    slots: &[S],
    add: impl Fn(&mut Expression, f64, &S),
    prices: (f64, f64),
    coverage: Coverage,
) -> Vec<Constraint> {
    let count = slots.len();
    let hours = f64::from(demand.minutes) / 60.0;
    match coverage {
        Coverage::Interval => {
            let slack = coverage_slack(variables, objective, demand.required, hours, prices);
            let mut covered = Expression::default();
            for slot in slots {
                add(&mut covered, 1.0 / count as f64, slot);
            }
            vec![(covered + slack).eq(demand.required)]
        }
        Coverage::Slot => slots
            .iter()
            .map(|slot| {
                let slack = coverage_slack(
                    variables,
                    objective,
                    demand.required,
                    hours / count as f64,
                    prices,
                );
                let mut covered = Expression::default();
                add(&mut covered, 1.0, slot);
                (covered + slack).eq(demand.required)
            })
            .collect(),
    }
}

/// The shortfall and surplus penalties of `agents` working against `required` for
/// `hours`, as [`coverage_slack`] prices them (shortfall convexly).
pub fn slack_cost(
    required: f64,
    agents: f64,
    hours: f64,
    (under_per_agent_hour, over_per_agent_hour): (f64, f64),
) -> (f64, f64) {
    let short = (required - agents).max(0.0);
    let shallow = short.min((required * SHALLOW_SHORTFALL_SHARE).max(1.0));
    let under = under_per_agent_hour * hours;
    (
        under * shallow + DEEP_SHORTFALL_FACTOR * under * (short - shallow),
        over_per_agent_hour * hours * (agents - required).max(0.0),
    )
}

/// A model's time step: the greatest common divisor of every time in it (minutes,
/// zeros ignored), between 1 and 60.
pub fn slot_minutes(times: impl IntoIterator<Item = u32>) -> u32 {
    times
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

/// `(objective - bound) / |objective|`, zero for a zero objective.
pub fn relative_gap(objective: f64, bound: f64) -> f64 {
    if objective.abs() > 1e-9 {
        ((objective - bound) / objective.abs()).max(0.0)
    } else {
        0.0
    }
}

/// What one HiGHS run returned: the column values of the best solution and how good
/// it is proven to be.
pub(crate) struct MipOutcome {
    /// Column values in the order the variables were added; empty without a
    /// feasible solution.
    pub values: Vec<f64>,
    pub status: SolveStatus,
    /// Objective of the solution, if one was found.
    pub objective: Option<f64>,
    /// Proven bound, if HiGHS reports one (the objective when it does not).
    pub best_bound: Option<f64>,
    pub solve_seconds: f64,
}

impl MipOutcome {
    /// The solution, if HiGHS found one.
    pub fn into_solution(self) -> Option<MipSolution> {
        let objective = self.objective.filter(|_| !self.values.is_empty())?;
        Some(MipSolution {
            values: self.values,
            status: self.status,
            objective,
            best_bound: self.best_bound.unwrap_or(objective),
            solve_seconds: self.solve_seconds,
        })
    }
}

/// A HiGHS run that found a solution.
pub(crate) struct MipSolution {
    /// Column values in the order the variables were added.
    pub values: Vec<f64>,
    pub status: SolveStatus,
    pub objective: f64,
    pub best_bound: f64,
    pub solve_seconds: f64,
}

impl MipSolution {
    /// How the solve of a model of this size went.
    pub fn run(&self, variables: usize, integer_variables: usize, constraints: usize) -> SolveRun {
        SolveRun {
            status: self.status.clone(),
            best_bound: self.best_bound,
            solve_seconds: self.solve_seconds,
            variables,
            integer_variables,
            constraints,
        }
    }
}

/// One HiGHS run's settings besides the limits.
#[derive(Default)]
pub(crate) struct HighsRun<'a> {
    /// Progress lines while solving.
    pub progress: Option<ProgressFn<'a>>,
    /// A starting solution (one value per column), used by HiGHS as its first
    /// incumbent when it is feasible.
    pub start: Option<&'a [f64]>,
    /// Extra HiGHS options.
    pub options: &'a [(&'a str, &'a str)],
    /// The step this solve belongs to, named in `summary.json` when the wall clock
    /// stops it (see [`note_clock_stop`]).
    pub phase: &'a str,
}

/// A deterministic cap on the branch-and-bound nodes of every HiGHS run. The models
/// stop on their gap target long before it on every input measured (the sample's
/// day models in tens of nodes); on a pathological model it ends the search at the
/// same point on a fast or a starved machine, where the time limit, only a safety
/// net, would not.
pub const MAX_NODES: i32 = 200_000;

/// The steps whose solver the wall clock stopped in this process since the last
/// [`take_clock_stops`]: a safety net that bit, so the output may depend on the
/// machine's speed (`summary.json`: `solver.time_limit_hit`; `--strict` fails).
static CLOCK_STOPS: std::sync::Mutex<std::collections::BTreeSet<String>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// Records that the wall clock stopped the solver of `phase`.
pub fn note_clock_stop(phase: &str) {
    tracing::warn!(
        "{phase}: stopped by its wall-clock time limit, so the result may depend on the machine's speed"
    );
    let mut stops = CLOCK_STOPS.lock().unwrap_or_else(|e| e.into_inner());
    stops.insert(phase.to_string());
}

/// The steps stopped by the wall clock since the last call (and forgets them).
pub fn take_clock_stops() -> Vec<String> {
    let mut stops = CLOCK_STOPS.lock().unwrap_or_else(|e| e.into_inner());
    std::mem::take(&mut *stops).into_iter().collect()
}

/// Solves a built model with HiGHS under `limits` (fixed random seed, so the same
/// model gives the same solution when it finishes within its limits). An infeasible
/// model is a [`SolverFailure`] worded by `infeasible`. Without a feasible solution the
/// outcome has no values and no objective, but still the proven bound (for
/// relaxations solved only for their bound).
pub(crate) fn run_highs(
    problem: HighsProblem,
    limits: SolverLimits,
    run: HighsRun,
    infeasible: &str,
) -> Result<MipOutcome> {
    let mut model = problem
        .try_into_inner()
        .map_err(|e| Error::Solver(format!("could not build the model: {e}")))?;
    model.set_option("time_limit", limits.time_limit_seconds);
    model.set_option("mip_rel_gap", limits.mip_gap);
    model.set_option("random_seed", 0);
    model.set_option("mip_max_nodes", MAX_NODES);
    for &(key, value) in run.options {
        model.set_option(key, value);
    }
    if let Some(start) = run.start {
        // A start that does not fit is only a missed hint, never an error.
        let _ = model.try_set_solution(Some(start), None, None, None);
    }
    let log = run
        .progress
        .map(|_| tempfile::NamedTempFile::new())
        .transpose()
        .map_err(|e| Error::Solver(format!("cannot create a solver log: {e}")))?;
    set_log(&mut model, log.as_ref().map(|file| file.path()));
    let started = Instant::now();
    let solved = match (run.progress, &log) {
        (Some(show), Some(file)) => while_watching(file.path(), show, || model.try_solve()),
        _ => model.try_solve(),
    }
    .map_err(|e| Error::Solver(format!("HiGHS failed: {e:?}")))?;
    let solve_seconds = started.elapsed().as_secs_f64();
    let status = match solved.status() {
        HighsModelStatus::Optimal if solved.mip_gap() > 1e-9 => SolveStatus::WithinGap,
        HighsModelStatus::Optimal => SolveStatus::Optimal,
        HighsModelStatus::ReachedTimeLimit => {
            note_clock_stop(if run.phase.is_empty() {
                "solver"
            } else {
                run.phase
            });
            SolveStatus::TimeLimit
        }
        HighsModelStatus::ReachedSolutionLimit | HighsModelStatus::ReachedIterationLimit => {
            SolveStatus::NodeLimit
        }
        HighsModelStatus::ReachedInterrupt => SolveStatus::Interrupted,
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
            return Err(Error::NoSolution(SolverFailure::infeasible(infeasible)))
        }
        other => {
            return Err(Error::Solver(format!(
                "HiGHS stopped with status {other:?}"
            )))
        }
    };
    let feasible = solved.primal_solution_status() == highs::HighsSolutionStatus::Feasible;
    let objective = feasible.then(|| solved.objective_value());
    let best_bound = solved
        .double_info_value(c"mip_dual_bound")
        .ok()
        .filter(|bound| bound.is_finite())
        .or(objective);
    Ok(MipOutcome {
        values: if feasible {
            solved.get_solution().columns().to_vec()
        } else {
            Vec::new()
        },
        status,
        objective,
        best_bound,
        solve_seconds,
    })
}

/// Sends HiGHS's log to `file` (for progress lines), or else to `WFM_HIGHS_LOG` when
/// set, or nowhere.
fn set_log(model: &mut highs::Model, file: Option<&std::path::Path>) {
    // A debugging aid: WFM_HIGHS_LOG=FILE keeps HiGHS's own log (with --days 1 or a
    // horizon solved as one model, as parallel days would share the file).
    let path = match file {
        Some(file) => file.display().to_string(),
        None => match std::env::var("WFM_HIGHS_LOG") {
            Ok(path) if !path.is_empty() => path,
            _ => return model.make_quiet(),
        },
    };
    model.set_option("output_flag", true);
    model.set_option("log_to_console", false);
    model.set_option("log_file", path.as_str());
}

/// [`run_highs`] for a model that must return a solution: none within the time
/// limit is a solver error.
pub(crate) fn run_mip(
    problem: HighsProblem,
    limits: SolverLimits,
    run: HighsRun,
    infeasible: &str,
) -> Result<MipSolution> {
    run_highs(problem, limits, run, infeasible)?
        .into_solution()
        .ok_or_else(|| {
            let seconds = limits.time_limit_seconds;
            Error::NoSolution(SolverFailure::out_of_time(
                seconds,
                format!("no solution found within the time limit of {seconds} s"),
            ))
        })
}

/// The time cap of a small day model (a day's settlement or queue hand-out). They
/// stop on their gap (1e-4) long before it, so their results are deterministic; it
/// only caps a pathological one.
pub(crate) const DAY_MODEL_TIME_LIMIT_SECONDS: f64 = 20.0;

/// Solves a small day model on HiGHS to a gap of 1e-4 (capped at
/// [`DAY_MODEL_TIME_LIMIT_SECONDS`]): the column values. `infeasible` says what
/// could not be done if there is no solution.
pub(crate) fn solve_day_model(
    variables: ProblemVariables,
    objective: Expression,
    constraints: Vec<Constraint>,
    phase: &str,
    infeasible: &str,
) -> Result<Vec<f64>> {
    use good_lp::SolverModel;
    let mut problem = good_lp::solvers::highs::highs(variables.minimise(objective));
    for constraint in constraints {
        problem.add_constraint(constraint);
    }
    let limits = SolverLimits {
        time_limit_seconds: DAY_MODEL_TIME_LIMIT_SECONDS,
        mip_gap: 1e-4,
    };
    let run = HighsRun {
        phase,
        ..HighsRun::default()
    };
    Ok(run_mip(problem, limits, run, infeasible)?.values)
}

/// Where a lunch or break may start, in minutes after its shift's start: the numbers
/// the implicit rest model needs of a template's rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestWindow {
    pub earliest_after_start: u32,
    pub latest_after_start: u32,
}

/// The Bechtold-Jacobs conditions under which rest times can be handed out to shifts,
/// each inside its own window: as many rests as shifts; at least as many rests up to
/// each window end as shifts whose window ends there or earlier; at least as many from
/// each window start on as shifts whose window starts there or later. `shifts` are
/// (start, number of shifts) of one template and day, `times` the rest-time variables.
pub(crate) fn implicit_rest_constraints(
    rest: RestWindow,
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

/// Hands out rest times (time, how many) to shifts of one template and day, given by
/// their starts in increasing order, and returns each shift's rest time: rest times
/// in increasing order each go to the waiting shift whose window closes first
/// (earliest deadline first), which succeeds whenever the Bechtold-Jacobs conditions
/// hold.
pub(crate) fn hand_out_rests(
    rest: RestWindow,
    starts: &[u32],
    times: &[(u32, usize)],
) -> Result<Vec<u32>> {
    let mut waiting = 0;
    let mut taken: Vec<Option<u32>> = vec![None; starts.len()];
    let mut handed_out = 0;
    for &(time, count) in times {
        for _ in 0..count {
            while waiting < starts.len() && starts[waiting] + rest.earliest_after_start <= time {
                waiting += 1;
            }
            let taker = (0..waiting)
                .find(|&k| taken[k].is_none() && starts[k] + rest.latest_after_start >= time);
            let Some(taker) = taker else {
                return Err(Error::Solver(
                    "the solver's rest times do not fit the shifts' windows".into(),
                ));
            };
            taken[taker] = Some(time);
            handed_out += 1;
        }
    }
    if handed_out != starts.len() {
        return Err(Error::Solver(
            "the solver returned fewer rest times than shifts".into(),
        ));
    }
    Ok(taken.into_iter().map(|t| t.unwrap_or(0)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SolverFailureKind;

    #[test]
    fn solver_failures_state_the_fact_with_their_kind_and_exit_code() {
        let late = Error::NoSolution(SolverFailure::out_of_time(
            60.0,
            "no solution found within the time limit of 60 s",
        ));
        assert_eq!(
            late.to_string(),
            "solver: no solution found within the time limit of 60 s"
        );
        assert_eq!(late.exit_code(), 3);
        assert_eq!(
            late.solver_kind(),
            Some(SolverFailureKind::OutOfTime {
                time_limit_seconds: 60.0
            })
        );
        let none = Error::NoSolution(SolverFailure::infeasible("no schedule satisfies them"));
        assert_eq!(none.to_string(), "no schedule satisfies them");
        assert_eq!(none.exit_code(), 2);
        assert_eq!(none.solver_kind(), Some(SolverFailureKind::Infeasible));
        let failed = Error::Solver("HiGHS failed".into());
        assert_eq!(failed.solver_kind(), Some(SolverFailureKind::Failed));
        assert_eq!(Error::input("x").solver_kind(), None);
    }

    #[test]
    fn slot_and_gap_helpers() {
        assert_eq!(slot_minutes([0, 30, 45, 90]), 15);
        assert_eq!(slot_minutes([7 * 60, 8 * 60]), 60);
        assert_eq!(slot_minutes([]), 1);
        assert!((relative_gap(200.0, 190.0) - 0.05).abs() < 1e-12);
        assert_eq!(relative_gap(0.0, -1.0), 0.0);
        assert_eq!(relative_gap(100.0, 120.0), 0.0);
    }
}
