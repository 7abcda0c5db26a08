//! The rostering integer program.
//!
//! Per agent `a`, day `d` and *option* `o` (a template and a band of its start times),
//! a binary `z[a,d,o]` says that the agent works a shift of that template starting
//! somewhere in the band. Start times themselves are aggregated: per day, template,
//! skill group `g` (agents with the same skills) and start `s`, an integer `X[d,t,s,g]`
//! counts the group's shifts there, linked by `sum_{s in band} X = sum_a z` per band.
//! Agents of a group in the same band are interchangeable for every rule, so any
//! hand-out of the band's starts to its agents is a valid roster: this is tour
//! scheduling with the implicit start-time assignment of a shift-then-assign
//! decomposition (Ernst et al. 2004, section 3.3), solved as one model. With bands of
//! one start (`--start-band 0`, and for small rosters) the model is exact; wider
//! bands shrink it for big rosters (per-agent variables fall from one per start to one
//! per band) and cost only where `min_rest` binds inside a band pair, which is then
//! forbidden conservatively.
//!
//! Lunches and breaks are the schedule model's Bechtold-Jacobs implicit rests, per day,
//! template and group, handed out after the solve by earliest deadline first.
//! Coverage: each group's agents on duty per slot are split over its queues by
//! continuous allocations `w[g,k,q] >= 0` that add up to the agents on duty, so a
//! multi-skill agent counts once (one queue at a time); each queue and interval then
//! has `mean(w) + short - over = required` with the schedule's convex shortfall.
//!
//! Hard rules are linear per agent: at most one option a day; per week paid hours in
//! [min, max] and days worked up to the limit; at most `max_consecutive_days` in any
//! window one longer; per four-weekend window at most the weekend limit
//! (`v[a,w] >= z` of the weekend's days); `min_rest` as clique cuts between late
//! options of day d and early options of the next days (for each threshold θ, options
//! of d ending after θ - rest and options of d+1 starting by θ share one unit), the
//! strengthened form of pairwise conflicts used in nurse rostering (Burke et al. 2004).
//! Soft goals are priced: unmet preferences, isolated days off, and per contract the
//! largest weekend, early and late counts and the hours spread (max - min) across its
//! agents, a minimax measure of fairness.

use std::collections::BTreeMap;

use good_lp::solvers::highs::highs;
use good_lp::{variable, Expression, ProblemVariables, SolverModel, Variable};

use super::inputs::{AvailabilityKind, Skill};
use super::rules::{paid_hours, RuleBook, WorkedShift};
use crate::error::{Error, Result};
use crate::schedule::model::{
    add_integer, implicit_rest_constraints, run_mip_from, Column, Demand, SolveReport, SolverLimits,
};
use crate::schedule::progress::ProgressFn;

/// Share of an interval's requirement (at least one agent) priced at the plain
/// under-staffing penalty; deeper shortfall costs twice as much (as in the schedule).
const SHALLOW_SHORTFALL_SHARE: f64 = 0.1;
const DEEP_SHORTFALL_FACTOR: f64 = 2.0;

/// One queue's requirement intervals on the horizon's wall-clock timeline.
#[derive(Debug, Clone)]
pub struct QueueDemand {
    pub queue: String,
    pub demands: Vec<Demand>,
}

/// Agents with the same skills on the demanded queues: interchangeable for coverage.
#[derive(Debug, Clone, PartialEq)]
pub struct SkillGroup {
    /// Indexes into the model's queues, with the agents' priority for each.
    pub queues: Vec<(usize, u32)>,
    pub agents: Vec<usize>,
}

/// What the model needs besides the rules.
pub struct ModelInput<'a> {
    pub book: &'a RuleBook<'a>,
    pub queues: &'a [QueueDemand],
    /// Model time step in minutes (divides every time of the templates and demands).
    pub slot: u32,
    /// Start-band width in minutes; 0 for one start per band (exact).
    pub band_minutes: u32,
    pub limits: SolverLimits,
}

/// The solved roster before queues are handed out.
#[derive(Debug, Clone)]
pub struct ModelSolution {
    pub shifts: Vec<WorkedShift>,
    pub groups: Vec<SkillGroup>,
    /// Per group and slot of the horizon: agents allocated to each of the group's
    /// queues (same order as `SkillGroup::queues`), as the solver's values.
    pub allocation: Vec<BTreeMap<usize, Vec<f64>>>,
    pub report: SolveReport,
}

/// (day, template, group): one aggregate of start counts.
type DayTemplateGroup = (u32, usize, usize);
/// Start counts per aggregate: start -> (variable, upper bound).
type StartCounts = BTreeMap<DayTemplateGroup, BTreeMap<u32, (Column, f64)>>;
/// (day, template, group, band): one linking row.
type Cell = (u32, usize, usize, usize);

/// The pooled rest-time variables of one day, template and rest.
struct PooledRest {
    day: u32,
    template: usize,
    rest: usize,
    times: Vec<(u32, Column)>,
}

/// One way an agent may work a day: a template and a set of its starts.
struct DayOption {
    agent: usize,
    day: u32,
    template: usize,
    /// Sorted starts.
    starts: Vec<u32>,
    /// Key of the band's linking row: (day, template, group, band).
    cell: (u32, usize, usize, usize),
    /// A single start chosen for this agent alone (partial-day availability).
    exact: bool,
    column: Column,
}

/// Skill groups of the agents, restricted to the demanded queues.
pub fn skill_groups(book: &RuleBook, queues: &[QueueDemand]) -> (Vec<SkillGroup>, Vec<usize>) {
    let mut by_key: BTreeMap<Vec<(usize, u32)>, Vec<usize>> = BTreeMap::new();
    for (index, agent) in book.agents.iter().enumerate() {
        let key: Vec<(usize, u32)> = agent
            .skills
            .iter()
            .filter_map(|Skill { queue, priority }| {
                queues
                    .iter()
                    .position(|q| &q.queue == queue)
                    .map(|k| (k, *priority))
            })
            .collect();
        by_key.entry(key).or_default().push(index);
    }
    let mut group_of = vec![0; book.agents.len()];
    let groups: Vec<SkillGroup> = by_key
        .into_iter()
        .enumerate()
        .map(|(g, (queues, agents))| {
            for &a in &agents {
                group_of[a] = g;
            }
            SkillGroup { queues, agents }
        })
        .collect();
    (groups, group_of)
}

/// Splits a template's starts into bands no wider than `width` minutes in which every
/// start is equally early or late (so fairness counts are exact per band).
fn bands(book: &RuleBook, template: usize, width: u32) -> Vec<Vec<u32>> {
    let mut bands: Vec<Vec<u32>> = Vec::new();
    let class = |s: u32| (book.is_early(s), book.is_late(template, s));
    for start in book.config.templates[template].starts() {
        match bands.last_mut() {
            Some(band) if start - band[0] < width && class(band[0]) == class(start) => {
                band.push(start)
            }
            _ => bands.push(vec![start]),
        }
    }
    bands
}

/// Whether the agent's day needs exact starts: a partial-day row on it (or on the
/// next date, which a shift past midnight may reach).
fn needs_exact_starts(book: &RuleBook, agent: usize, day: u32) -> bool {
    let date = book.horizon.date(day);
    book.availability[agent].iter().any(|row| {
        row.window.is_some() && (row.date == date || row.date == date.succ_opt().unwrap_or(date))
    })
}

/// Builds and solves the model.
pub fn solve(input: &ModelInput, progress: Option<ProgressFn>) -> Result<ModelSolution> {
    let book = input.book;
    let config = book.config;
    let days = book.horizon.days;
    let (groups, group_of) = skill_groups(book, input.queues);
    let mut variables = ProblemVariables::new();

    // Options and their per-agent variables.
    let template_bands: Vec<Vec<Vec<u32>>> = (0..config.templates.len())
        .map(|t| bands(book, t, input.band_minutes))
        .collect();
    let mut options: Vec<DayOption> = Vec::new();
    for (agent, &g) in group_of.iter().enumerate() {
        for day in 0..days {
            let exact_day = needs_exact_starts(book, agent, day);
            for &template in &book.contract(agent).templates {
                let allowed: Vec<u32> = config.templates[template]
                    .starts()
                    .into_iter()
                    .filter(|&s| book.shift_allowed(agent, day, template, s))
                    .collect();
                if allowed.is_empty() {
                    continue;
                }
                let every_start = allowed.len() == config.templates[template].starts().len();
                for (band_index, band) in template_bands[template].iter().enumerate() {
                    let cell = (day, template, g, band_index);
                    if every_start && !exact_day {
                        options.push(DayOption {
                            agent,
                            day,
                            template,
                            starts: band.clone(),
                            cell,
                            exact: band.len() == 1,
                            column: add_binary(&mut variables),
                        });
                        continue;
                    }
                    for &start in band.iter().filter(|s| allowed.contains(s)) {
                        options.push(DayOption {
                            agent,
                            day,
                            template,
                            starts: vec![start],
                            cell,
                            exact: true,
                            column: add_binary(&mut variables),
                        });
                    }
                }
            }
        }
    }
    // Aggregate start counts per (day, template, group, start).
    let mut starts_of: StartCounts = BTreeMap::new();
    let mut cover_counts: BTreeMap<(u32, usize, usize, u32), f64> = BTreeMap::new();
    for option in &options {
        for &s in &option.starts {
            *cover_counts
                .entry((option.day, option.template, group_of[option.agent], s))
                .or_default() += 1.0;
        }
    }
    for (&(day, template, g, start), &max) in &cover_counts {
        let column = add_integer(&mut variables, Some(max));
        starts_of
            .entry((day, template, g))
            .or_default()
            .insert(start, (column, max));
    }
    // Rest-time variables per (day, template, rest), pooled over the groups.
    let mut rest_times: Vec<PooledRest> = Vec::new();
    let mut pooled_starts: BTreeMap<(u32, usize), BTreeMap<u32, Expression>> = BTreeMap::new();
    for (&(day, template, _), starts) in &starts_of {
        let pooled = pooled_starts.entry((day, template)).or_default();
        for (&s, (column, _)) in starts {
            *pooled.entry(s).or_default() += column.var;
        }
    }
    for (&(day, template), starts) in &pooled_starts {
        let first = *starts.keys().next().expect("non-empty");
        let last = *starts.keys().next_back().expect("non-empty");
        for (rest_index, rest) in config.templates[template].rests().iter().enumerate() {
            let times = (first + rest.earliest_after_start..=last + rest.latest_after_start)
                .step_by(input.slot as usize)
                .map(|time| (time, add_integer(&mut variables, None)))
                .collect();
            rest_times.push(PooledRest {
                day,
                template,
                rest: rest_index,
                times,
            });
        }
    }
    let integer_variables = variables.len();

    let mut objective = Expression::default();
    let mut constraints: Vec<good_lp::Constraint> = Vec::new();
    let weights = &book.contracts.soft;

    // Paid cost, per agent.
    for option in &options {
        objective.add_mul(
            config.templates[option.template].shift_cost(),
            option.column.var,
        );
    }

    // Linking bands to start counts; exact options pin their start.
    let mut cells: BTreeMap<Cell, (Expression, Vec<u32>)> = BTreeMap::new();
    let mut exact_at: BTreeMap<(u32, usize, usize, u32), Expression> = BTreeMap::new();
    for option in &options {
        let entry = cells.entry(option.cell).or_default();
        entry.0 += option.column.var;
        for &s in &option.starts {
            if !entry.1.contains(&s) {
                entry.1.push(s);
            }
        }
        if option.exact {
            *exact_at
                .entry((
                    option.day,
                    option.template,
                    group_of[option.agent],
                    option.starts[0],
                ))
                .or_default() += option.column.var;
        }
    }
    for (&(day, template, g, _), (agents, starts)) in &cells {
        let counts = &starts_of[&(day, template, g)];
        let mut total = Expression::default();
        for s in starts {
            total += counts[s].0.var;
        }
        constraints.push((total - agents.clone()).eq(0.0));
    }
    for (&(day, template, g, start), pinned) in &exact_at {
        let count = starts_of[&(day, template, g)][&start].0.var;
        constraints.push((Expression::from(count) - pinned.clone()).geq(0.0));
    }

    // Rests: Bechtold-Jacobs on the pooled start counts.
    for group in &rest_times {
        let rest = config.templates[group.template].rests()[group.rest];
        let shifts: Vec<(u32, Expression)> = pooled_starts[&(group.day, group.template)]
            .iter()
            .map(|(&s, count)| (s, count.clone()))
            .collect();
        let times: Vec<(u32, Variable)> = group.times.iter().map(|&(t, c)| (t, c.var)).collect();
        constraints.extend(implicit_rest_constraints(rest, &shifts, &times));
    }

    // Agents present per group and slot, in cumulative form: presence[q] =
    // presence[q-1] + shifts starting at q - shifts ending at q, a few terms per row
    // instead of every start that spans the slot.
    let horizon_slots = (days * 1440 / input.slot) as usize;
    let mut resting: Vec<Vec<Variable>> = vec![Vec::new(); horizon_slots];
    let slots_of = |from: u32, minutes: u32| {
        let first = (from / input.slot) as usize;
        let last = (((from + minutes) / input.slot) as usize).min(horizon_slots);
        first..last.max(first)
    };
    let mut presence: Vec<Vec<Option<Variable>>> = vec![vec![None; horizon_slots]; groups.len()];
    for (g, group_presence) in presence.iter_mut().enumerate() {
        let mut changes: BTreeMap<usize, Expression> = BTreeMap::new();
        let mut spans = vec![false; horizon_slots];
        for (&(day, template, _), starts) in starts_of.range((0, 0, g)..).filter(|(k, _)| k.2 == g)
        {
            let span = config.templates[template].span_minutes();
            for (&s, (column, _)) in starts {
                let slots = slots_of(day * 1440 + s, span);
                if slots.is_empty() {
                    continue;
                }
                for q in slots.clone() {
                    spans[q] = true;
                }
                *changes.entry(slots.start).or_default() += column.var;
                *changes.entry(slots.end).or_default() -= column.var;
            }
        }
        for q in 0..horizon_slots {
            if !spans[q] {
                continue;
            }
            let here = variables.add(variable().min(0.0));
            group_presence[q] = Some(here);
            let mut flow = Expression::from(here);
            if let Some(Some(before)) = q.checked_sub(1).map(|p| group_presence[p]) {
                flow -= before;
            }
            if let Some(change) = changes.get(&q) {
                flow -= change.clone();
            }
            constraints.push(flow.eq(0.0));
        }
    }
    for group in &rest_times {
        let length = config.templates[group.template].rests()[group.rest].length;
        for &(time, column) in &group.times {
            for q in slots_of(group.day * 1440 + time, length) {
                resting[q].push(column.var);
            }
        }
    }

    // Allocation of each group's present agents to its queues, per slot; the rests of
    // the slot must fit in the agents left unallocated (pooled over the groups, a
    // relaxation that the per-day settlement makes exact).
    let slot_hours = f64::from(input.slot) / 60.0;
    let mut queue_slots: Vec<Vec<Expression>> =
        vec![vec![Expression::default(); horizon_slots]; input.queues.len()];
    let mut idle: Vec<Expression> = vec![Expression::default(); horizon_slots];
    for (g, group) in groups.iter().enumerate() {
        for (q, present) in presence[g].iter().enumerate() {
            let Some(present) = present else {
                continue;
            };
            let here = Expression::from(*present);
            idle[q] += here.clone();
            if group.queues.is_empty() {
                continue;
            }
            let mut allocated = Expression::default();
            for &(k, priority) in &group.queues {
                let share = variables.add(variable().min(0.0));
                allocated += share;
                queue_slots[k][q] += share;
                if priority > 1 {
                    objective.add_mul(
                        weights.secondary_skill_per_agent_hour
                            * f64::from(priority - 1)
                            * slot_hours,
                        share,
                    );
                }
            }
            idle[q] -= allocated.clone();
            constraints.push((here - allocated).geq(0.0));
        }
    }
    for (q, rests) in resting.iter().enumerate() {
        if rests.is_empty() {
            continue;
        }
        let mut free = idle[q].clone();
        for &var in rests {
            free -= var;
        }
        constraints.push(free.geq(0.0));
    }

    // Coverage per queue and interval, convex shortfall.
    let penalties = &config.penalties;
    for (k, queue) in input.queues.iter().enumerate() {
        for demand in &queue.demands {
            let first = (demand.wall_minute / input.slot) as usize;
            let count = (demand.minutes / input.slot) as usize;
            if count == 0 || first + count > horizon_slots {
                continue;
            }
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
            let mut covered = Expression::default();
            for slot_expression in &queue_slots[k][first..first + count] {
                covered.add_mul(1.0 / count as f64, slot_expression.clone());
            }
            constraints.push((covered + shallow + deep - over).eq(demand.required));
        }
    }

    // Per-agent rules.
    let mut by_agent_day: BTreeMap<(usize, u32), Vec<usize>> = BTreeMap::new();
    for (index, option) in options.iter().enumerate() {
        by_agent_day
            .entry((option.agent, option.day))
            .or_default()
            .push(index);
    }
    let works = |agent: usize, day: u32| -> Expression {
        let mut expression = Expression::default();
        if let Some(list) = by_agent_day.get(&(agent, day)) {
            for &o in list {
                expression += options[o].column.var;
            }
        }
        expression
    };
    let weeks = book.horizon.weeks();
    let weekends = book.horizon.weekends();
    let mut fairness: BTreeMap<usize, FairnessVars> = BTreeMap::new();
    for agent in 0..book.agents.len() {
        let contract = book.contract(agent);
        let agent_options = |day: u32| -> Vec<&DayOption> {
            by_agent_day
                .get(&(agent, day))
                .map(|list| list.iter().map(|&o| &options[o]).collect())
                .unwrap_or_default()
        };
        for day in 0..days {
            if by_agent_day.contains_key(&(agent, day)) {
                constraints.push(works(agent, day).leq(1.0));
            }
        }
        let mut total_hours = Expression::default();
        let mut leave_hours = 0.0;
        for &week in &weeks {
            let limits = book.week_limits(agent, week);
            leave_hours += limits.leave_hours;
            let mut hours = Expression::default();
            let mut worked_days = Expression::default();
            for day in week.days() {
                for option in agent_options(day) {
                    hours.add_mul(
                        paid_hours(&config.templates[option.template]),
                        option.column.var,
                    );
                    worked_days += option.column.var;
                }
            }
            total_hours += hours.clone();
            constraints.push(hours.clone().leq(limits.max_hours));
            if limits.min_hours > 0.0 {
                constraints.push(hours.geq(limits.min_hours));
            }
            constraints.push(worked_days.leq(f64::from(limits.max_days)));
        }
        if let Some(max) = contract.max_consecutive_days {
            let window = max + 1;
            if window <= days {
                for first in 0..=days - window {
                    let mut worked = Expression::default();
                    for day in first..first + window {
                        worked += works(agent, day);
                    }
                    constraints.push(worked.leq(f64::from(max)));
                }
            }
        }
        constraints.extend(rest_cuts(input, &options, &by_agent_day, agent));
        let mut weekend_total = Expression::default();
        let mut weekend_vars = Vec::new();
        for weekend in &weekends {
            let worked = variables.add(variable().min(0.0).max(1.0));
            for &day in &weekend.days {
                constraints.push((Expression::from(worked) - works(agent, day)).geq(0.0));
            }
            weekend_total += worked;
            weekend_vars.push(worked);
        }
        for window in book.horizon.weekend_windows() {
            let mut count = Expression::default();
            for &v in &weekend_vars[window] {
                count += v;
            }
            constraints.push(count.leq(f64::from(contract.max_weekends_per_4_weeks)));
        }
        // Preferences: linear in the day's options, since at most one is worked.
        for row in book.preferences(agent) {
            let day = book.horizon.day_of(row.date).expect("inside");
            let weight = weights.preference;
            match (row.kind, row.window) {
                (AvailabilityKind::PreferredOff, _) => {
                    for option in agent_options(day) {
                        if !book.preference_honoured(row, Some(&worked_shift(option))) {
                            objective.add_mul(weight, option.column.var);
                        }
                    }
                }
                _ => {
                    objective += weight;
                    for option in agent_options(day) {
                        if book.preference_honoured(row, Some(&worked_shift(option))) {
                            objective.add_mul(-weight, option.column.var);
                        }
                    }
                }
            }
        }
        if contract.consecutive_days_off && weights.isolated_day_off > 0.0 {
            for day in 1..days.saturating_sub(1) {
                let isolated = variables.add(variable().min(0.0));
                objective.add_mul(weights.isolated_day_off, isolated);
                constraints.push(
                    (Expression::from(isolated) - works(agent, day - 1) + works(agent, day)
                        - works(agent, day + 1))
                    .geq(-1.0),
                );
            }
        }
        let vars = fairness
            .entry(book.agents[agent].contract)
            .or_insert_with(|| FairnessVars::new(&mut variables, weights, &mut objective));
        let mut early = Expression::default();
        let mut late = Expression::default();
        for day in 0..days {
            for option in agent_options(day) {
                if book.is_early(option.starts[0]) {
                    early += option.column.var;
                }
                if book.is_late(option.template, option.starts[0]) {
                    late += option.column.var;
                }
            }
        }
        constraints.push((Expression::from(vars.weekends) - weekend_total).geq(0.0));
        constraints.push((Expression::from(vars.early) - early).geq(0.0));
        constraints.push((Expression::from(vars.late) - late).geq(0.0));
        constraints
            .push((Expression::from(vars.most_hours) - total_hours.clone()).geq(leave_hours));
        constraints.push((Expression::from(vars.fewest_hours) - total_hours).leq(leave_hours));
    }

    let variable_count = variables.len();
    let constraint_count = constraints.len();
    let start = super::greedy::greedy_roster(book, input.queues, input.slot).map(|roster| {
        mip_start(
            input,
            &roster,
            &options,
            &starts_of,
            &rest_times,
            &group_of,
            variable_count,
        )
    });
    let mut problem = highs(variables.minimise(objective));
    for constraint in constraints {
        problem.add_constraint(constraint);
    }
    let outcome = run_mip_from(
        problem,
        input.limits,
        progress,
        "the contracts, availability and templates admit no roster (every agent's weekly minimum hours, rest and day limits cannot all hold); check the agents named by `wfm roster check` on a hand-made roster, or loosen min_hours_per_week",
        start.as_deref(),
    )?;
    let value = |column: Column| outcome.values[column.index];
    let starts = assign_starts(&options, &starts_of, &value)?;
    let settled = super::settle::settle_days(input, &groups, &group_of, &starts)?;
    Ok(ModelSolution {
        shifts: settled.shifts,
        groups,
        allocation: settled.allocation,
        report: SolveReport {
            status: outcome.status,
            proven: outcome.proven,
            objective: outcome.objective,
            best_bound: outcome.best_bound,
            gap: outcome.gap,
            solve_seconds: outcome.solve_seconds,
            variables: variable_count,
            integer_variables,
            constraints: constraint_count,
        },
    })
}

/// A MIP start from a constructed roster: its options, start counts and rests (each
/// at the earliest time of its window, which satisfies the Bechtold-Jacobs conditions);
/// continuous columns are left undefined for HiGHS to complete by linear programming.
fn mip_start(
    input: &ModelInput,
    roster: &[StartedShift],
    options: &[DayOption],
    starts_of: &StartCounts,
    rest_times: &[PooledRest],
    group_of: &[usize],
    columns: usize,
) -> Vec<f64> {
    let config = input.book.config;
    let mut values = vec![f64::INFINITY; columns];
    for option in options {
        values[option.column.index] = 0.0;
    }
    for starts in starts_of.values() {
        for (column, _) in starts.values() {
            values[column.index] = 0.0;
        }
    }
    for group in rest_times {
        for (_, column) in &group.times {
            values[column.index] = 0.0;
        }
    }
    let mut rest_index: BTreeMap<(u32, usize, usize, u32), usize> = BTreeMap::new();
    for group in rest_times {
        for &(time, column) in &group.times {
            rest_index.insert((group.day, group.template, group.rest, time), column.index);
        }
    }
    let mut by_agent_day: BTreeMap<(usize, u32), Vec<&DayOption>> = BTreeMap::new();
    for option in options {
        by_agent_day
            .entry((option.agent, option.day))
            .or_default()
            .push(option);
    }
    for &(agent, day, template, start) in roster {
        let day_options = by_agent_day
            .get(&(agent, day))
            .map_or(&[][..], |v| v.as_slice());
        if let Some(option) = day_options
            .iter()
            .find(|o| o.template == template && o.starts.contains(&start))
        {
            values[option.column.index] = 1.0;
        }
        if let Some((column, _)) = starts_of
            .get(&(day, template, group_of[agent]))
            .and_then(|starts| starts.get(&start))
        {
            values[column.index] += 1.0;
        }
        for (r, rest) in config.templates[template].rests().iter().enumerate() {
            if let Some(&index) =
                rest_index.get(&(day, template, r, start + rest.earliest_after_start))
            {
                values[index] += 1.0;
            }
        }
    }
    values
}

fn add_binary(variables: &mut ProblemVariables) -> Column {
    let index = variables.len();
    Column {
        var: variables.add(variable().binary()),
        index,
    }
}

/// The shift an option stands for (its first start), for rule look-ups.
fn worked_shift(option: &DayOption) -> WorkedShift {
    WorkedShift {
        agent: option.agent,
        day: option.day,
        template: option.template,
        start: option.starts[0],
        rest_starts: Vec::new(),
    }
}

/// Per-contract fairness variables: the most weekends, early and late shifts, and the
/// most and fewest hours of any of its agents.
struct FairnessVars {
    weekends: Variable,
    early: Variable,
    late: Variable,
    most_hours: Variable,
    fewest_hours: Variable,
}

impl FairnessVars {
    fn new(
        variables: &mut ProblemVariables,
        weights: &super::contracts::SoftWeights,
        objective: &mut Expression,
    ) -> Self {
        let vars = FairnessVars {
            weekends: variables.add(variable().min(0.0)),
            early: variables.add(variable().min(0.0)),
            late: variables.add(variable().min(0.0)),
            most_hours: variables.add(variable().min(0.0)),
            fewest_hours: variables.add(variable().min(0.0)),
        };
        objective.add_mul(weights.weekend_spread, vars.weekends);
        objective.add_mul(weights.early_late_spread, vars.early);
        objective.add_mul(weights.early_late_spread, vars.late);
        objective.add_mul(weights.hours_spread_per_hour, vars.most_hours);
        objective.add_mul(-weights.hours_spread_per_hour, vars.fewest_hours);
        vars
    }
}

/// Minimum-rest cuts of one agent: for each later day `d+k` still within reach of a
/// shift of day `d`, and each start threshold θ of day `d+k`'s options, the options of
/// `d` whose latest end plus the rest passes θ and the options of `d+k` whose earliest
/// start is at most θ are pairwise in conflict, so at most one of them is worked.
fn rest_cuts(
    input: &ModelInput,
    options: &[DayOption],
    by_agent_day: &BTreeMap<(usize, u32), Vec<usize>>,
    agent: usize,
) -> Vec<good_lp::Constraint> {
    let book = input.book;
    let rest = i64::from(book.contract(agent).min_rest_minutes);
    let mut cuts = Vec::new();
    if rest == 0 {
        return cuts;
    }
    let latest_end = |o: &DayOption| {
        i64::from(o.day) * 1440
            + i64::from(*o.starts.last().expect("non-empty"))
            + i64::from(book.config.templates[o.template].span_minutes())
    };
    let earliest_start = |o: &DayOption| i64::from(o.day) * 1440 + i64::from(o.starts[0]);
    for day in 0..book.horizon.days {
        let Some(today) = by_agent_day.get(&(agent, day)) else {
            continue;
        };
        let reach = today
            .iter()
            .map(|&o| latest_end(&options[o]))
            .max()
            .unwrap_or(0)
            + rest;
        for later in day + 1..book.horizon.days {
            if i64::from(later) * 1440 >= reach {
                break;
            }
            let Some(next) = by_agent_day.get(&(agent, later)) else {
                continue;
            };
            let mut thresholds: Vec<i64> =
                next.iter().map(|&o| earliest_start(&options[o])).collect();
            thresholds.sort_unstable();
            thresholds.dedup();
            let mut previous: Option<(Vec<usize>, Vec<usize>)> = None;
            for theta in thresholds {
                let ending: Vec<usize> = today
                    .iter()
                    .copied()
                    .filter(|&o| latest_end(&options[o]) + rest > theta)
                    .collect();
                let starting: Vec<usize> = next
                    .iter()
                    .copied()
                    .filter(|&o| earliest_start(&options[o]) <= theta)
                    .collect();
                if ending.is_empty() || starting.is_empty() {
                    continue;
                }
                let key = (ending.clone(), starting.clone());
                if previous.as_ref() == Some(&key) {
                    continue;
                }
                let mut clique = Expression::default();
                for &o in ending.iter().chain(&starting) {
                    clique += options[o].column.var;
                }
                cuts.push(clique.leq(1.0));
                previous = Some(key);
            }
        }
    }
    cuts
}

/// Options of one band chosen by the solver: pinned to a start, and free.
type PinnedAndFree<'o> = (Vec<&'o DayOption>, Vec<&'o DayOption>);

/// A shift start handed to an agent: (agent, day, template, start).
pub type StartedShift = (usize, u32, usize, u32);

/// Hands out the solved start counts to named agents: in each band, agents pinned to
/// a start take it, the others take the band's remaining starts in order (agents by
/// index, starts ascending). Any hand-out is valid, since the band's agents are
/// interchangeable for every rule.
fn assign_starts(
    options: &[DayOption],
    starts_of: &StartCounts,
    value: &dyn Fn(Column) -> f64,
) -> Result<Vec<StartedShift>> {
    let mut cells: BTreeMap<Cell, PinnedAndFree> = BTreeMap::new();
    for option in options.iter().filter(|o| value(o.column) > 0.5) {
        let entry = cells.entry(option.cell).or_default();
        if option.exact {
            entry.0.push(option);
        } else {
            entry.1.push(option);
        }
    }
    let mut started = Vec::new();
    for (&(day, template, g, _), (pinned, free)) in &cells {
        let counts = &starts_of[&(day, template, g)];
        let mut remaining: BTreeMap<u32, usize> = BTreeMap::new();
        for option in pinned.iter().chain(free.iter()) {
            for &s in &option.starts {
                remaining.insert(s, value(counts[&s].0).round().max(0.0) as usize);
            }
        }
        for option in pinned {
            let left = remaining
                .get_mut(&option.starts[0])
                .expect("pinned start counted");
            *left = left.checked_sub(1).ok_or_else(|| {
                Error::Solver("the solver's start counts miss a pinned agent".into())
            })?;
            started.push((option.agent, day, template, option.starts[0]));
        }
        let mut free: Vec<&&DayOption> = free.iter().collect();
        free.sort_by_key(|o| o.agent);
        let mut pool = remaining
            .iter()
            .flat_map(|(&s, &n)| std::iter::repeat_n(s, n));
        for option in free {
            let start = pool.next().ok_or_else(|| {
                Error::Solver("the solver's start counts are fewer than the band's agents".into())
            })?;
            started.push((option.agent, day, template, start));
        }
    }
    started.sort_unstable();
    Ok(started)
}
