//! How the roster is solved ([`solve`]): small rosters (up to
//! [`WHOLE_HORIZON_UP_TO_AGENT_DAYS`] agent-days) are one model over the horizon
//! ([`super::model`]), started from the constructive roster of [`super::greedy`]. Larger ones
//! would not finish their root relaxation in minutes (200 agents x 28 days: 62k rows,
//! 1M nonzeros), so the constructive roster is improved by best-response rounds
//! ([`super::respond`]: each agent's whole schedule re-optimised exactly by the pricing
//! program of [`super::pricing`], the others fixed), and the proven bound comes from the
//! aggregate relaxation of [`super::bound`]. (Fix-and-optimise over week-by-agent
//! windows was used before and never improved the roster; see docs/benchmarks.md.)

use std::time::{Duration, Instant};

use super::greedy::GreedyStart;
use super::rules::{RuleBook, WorkedShift};
use super::types::{skill_groups, ModelInput, ModelSolution, StartedShift};
use crate::error::Result;
use crate::mip::ProgressFn;
use crate::mip::{SolveRun, SolveStatus, SolverLimits};

/// Solves the roster: the whole horizon at once when small; otherwise best-response
/// rounds from the constructive roster, with the proven bound from the aggregate
/// relaxation (see [`super::bound`]). Then each day's rests and queues are settled
/// per group.
pub fn solve(input: &ModelInput, progress: Option<ProgressFn>) -> Result<ModelSolution> {
    let book = input.book;
    let days = book.horizon.days;
    let (groups, group_of) = skill_groups(book, input.queues);
    let started = Instant::now();
    let mut greedy = super::greedy::greedy_roster(book, input.queues, input.slot);
    if book.published.is_some() {
        greedy = published_start(book, greedy);
    }
    // A re-plan goes to best responses whatever its size: they start from the
    // published roster and price each change exactly.
    let small = book.agents.len() as u32 * days <= WHOLE_HORIZON_UP_TO_AGENT_DAYS
        && book.published.is_none();
    let (starts, report) = if small {
        let start = greedy.stuck.is_empty().then_some(greedy.roster.as_slice());
        super::model::solve_whole(input, start, progress)?
    } else {
        respond_and_bound(input, greedy, started, progress)?
    };
    let settled = super::settle::settle_days(input, &groups, &group_of, &starts)?;
    Ok(ModelSolution {
        shifts: settled.shifts,
        groups,
        allocation: settled.allocation,
        run: report,
    })
}

/// A re-plan's start: each agent's published schedule where it still keeps every rule
/// (leave added since, a changed contract may break it), else its frozen days with
/// the constructive roster's later days, else nothing (the agent is `stuck`, and its
/// first best response gives it a whole schedule that keeps the frozen days).
fn published_start(book: &RuleBook, greedy: GreedyStart) -> GreedyStart {
    let frozen = book.published.as_ref().map_or(0, |p| p.frozen_days);
    let mut constructed: Vec<Vec<StartedShift>> = vec![Vec::new(); book.agents.len()];
    for &shift in &greedy.roster {
        constructed[shift.0].push(shift);
    }
    let mut start = GreedyStart {
        roster: Vec::new(),
        stuck: Vec::new(),
    };
    for (agent, built) in constructed.iter().enumerate() {
        let published: Vec<StartedShift> = (0..book.horizon.days)
            .filter_map(|day| {
                let (template, begin) = book.published_shift(agent, day)?;
                Some((agent, day, template, begin))
            })
            .collect();
        let mixed: Vec<StartedShift> = published
            .iter()
            .filter(|s| s.1 < frozen)
            .chain(built.iter().filter(|s| s.1 >= frozen))
            .copied()
            .collect();
        match [published, mixed]
            .into_iter()
            .find(|c| keeps_rules(book, agent, c))
        {
            Some(schedule) => start.roster.extend(schedule),
            None => start.stuck.push(agent),
        }
    }
    start
}

/// Whether one agent's shifts keep every hard rule (frozen days included).
fn keeps_rules(book: &RuleBook, agent: usize, shifts: &[StartedShift]) -> bool {
    let worked: Vec<WorkedShift> = shifts.iter().copied().map(WorkedShift::unrested).collect();
    let allowed = shifts
        .iter()
        .all(|&(a, d, t, s)| book.shift_allowed(a, d, t, s));
    // The rules judge the agents with shifts; one without any keeps them only when
    // no week asks for hours.
    let rules_kept = if shifts.is_empty() {
        book.horizon
            .weeks()
            .iter()
            .all(|&week| book.week_limits(agent, week).min_hours <= 0.0)
    } else {
        book.violations(&worked).is_empty()
    };
    allowed && rules_kept
}

/// Rosters up to this many agent-days are solved as one model. Larger ones go to best
/// responses: measured on the sample site's week (108 agents x 7 days = 756
/// agent-days), the one model stopped at a 20 s limit 30 % above its bound with the
/// constructive roster unimproved, where best responses took 5 s to a far better one.
const WHOLE_HORIZON_UP_TO_AGENT_DAYS: u32 = 200;
/// Share of the time limit kept for work outside the solvers (settling the days,
/// outputs; measured at about a tenth for 200 agents).
const OUTSIDE_SOLVER_SHARE: f64 = 0.15;
/// Best-response rounds stop after this many (or when a round changes nothing, which
/// comes first in every case measured: 10 rounds on the sample month, 39 on the
/// 200-agent benchmark).
const MAX_RESPONSE_ROUNDS: usize = 200;
/// Share of the solvers' time for the aggregate relaxation's bound, a cap: its weekly
/// linear programmes take about 2 s for 200 agents over 28 days.
const BOUND_SHARE: f64 = 0.3;
/// Share of the solvers' time the best-response rounds may use at most: a safety net
/// only. They stop on their own rules (a round that changes nothing or does not lower
/// the cost, or [`MAX_RESPONSE_ROUNDS`]) well before (about 12 s for 200 agents in a
/// release build, 8 s for the sample month in a debug build); a round cut by the clock
/// makes the roster depend on the machine's speed and load, so the whole limit is
/// theirs, and a cut is recorded ([`crate::mip::note_clock_stop`]).
const RESPONSE_SHARE: f64 = 1.0;

/// Big rosters: best-response rounds from the constructive roster
/// ([`super::respond`]), then the proven bound of the aggregate relaxation
/// ([`super::bound`]).
fn respond_and_bound(
    input: &ModelInput,
    greedy: GreedyStart,
    started: Instant,
    progress: Option<ProgressFn>,
) -> Result<(Vec<StartedShift>, SolveRun)> {
    let total = input.limits.time_limit_seconds * (1.0 - OUTSIDE_SOLVER_SHARE);
    let responded = super::respond::best_responses(
        input.book,
        input.queues,
        input.slot,
        &greedy.roster,
        &greedy.stuck,
        MAX_RESPONSE_ROUNDS,
        started + Duration::from_secs_f64(total * RESPONSE_SHARE),
    );
    if let Some(show) = progress {
        show(&format!(
            "{:.1} s  best responses: {} round(s), {} schedule(s) changed",
            started.elapsed().as_secs_f64(),
            responded.rounds,
            responded.changed
        ));
    }
    // The bound's own cap, not what the rounds left of the limit: its linear
    // programmes end at their optimum long before it, whatever the load.
    let left = (total * BOUND_SHARE).max(1.0);
    let bound = super::bound::relaxation_bound(
        input,
        SolverLimits {
            time_limit_seconds: left,
            mip_gap: input.limits.mip_gap / 4.0,
        },
    )?;
    if let Some(show) = progress {
        show(&format!(
            "{:.1} s  aggregate relaxation bound {bound:.2}",
            started.elapsed().as_secs_f64()
        ));
    }
    let report = SolveRun {
        status: SolveStatus::BestResponses {
            rounds: responded.rounds,
            changed: responded.changed,
            converged: responded.converged,
            clock_stopped: responded.clock_stopped,
        },
        best_bound: bound,
        solve_seconds: started.elapsed().as_secs_f64(),
        variables: 0,
        integer_variables: 0,
        constraints: 0,
    };
    Ok((responded.roster, report))
}
