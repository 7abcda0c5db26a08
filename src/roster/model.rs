//! The rostering integer program and how it is solved.
//!
//! Per agent `a`, day `d` and *option* `o` (a template and a band of its start times),
//! a binary `z[a,d,o]` says that the agent works a shift of that template starting
//! somewhere in the band. Start times themselves are aggregated: per day, template,
//! skill group `g` (agents with the same skills) and start `s`, an integer `X[d,t,s,g]`
//! counts the group's shifts there, linked by `sum_{s in band} X = sum_a z` per band.
//! Agents of a group in the same band are interchangeable for every rule, so any
//! hand-out of the band's starts to its agents is a valid roster: tour scheduling with
//! implicit start-time assignment, the shift-then-assign decomposition of Ernst et al.
//! (2004, section 3.3) inside one model. With bands of one start (`--start-band 0`,
//! the default for small rosters) the model is exact; wider bands shrink big rosters
//! (one variable per band instead of per start) and cost only where `min_rest` binds
//! inside a band pair, which is then forbidden conservatively.
//!
//! Lunches and breaks are the schedule model's Bechtold-Jacobs implicit rests, pooled
//! over the groups per day and template (a relaxation, made exact per group when each
//! day is settled, see [`super::settle`]), written in cumulative form: two terms per
//! condition instead of a sum over the window. Agents present per group and slot are a
//! flow (`presence[q] = presence[q-1] + starts - ends`); continuous allocations
//! `w[g,k,q]` split them over the group's queues, so a multi-skill agent counts once;
//! the pooled rests of a slot must fit in the unallocated agents; each queue and
//! interval (or each slot of it, with `coverage = "slot"`) has the schedule's coverage
//! rows, `w + short - over = required` per slot or `mean(w) + short - over = required`
//! per interval, with the convex shortfall.
//!
//! Hard rules are linear per agent: at most one option a day; per week paid hours in
//! [min, max] and days worked up to the limit; at most `max_consecutive_days` in any
//! window one longer; per four-weekend window at most the weekend limit; `min_rest` as
//! clique cuts between late options of day d and early options of the next days (for
//! each threshold θ, options of d ending after θ - rest and options of d+1 starting by
//! θ share one unit), the strengthened form of pairwise conflicts used in nurse
//! rostering (Burke et al. 2004). Soft goals are priced: unmet preferences, isolated
//! days off, and per contract the largest weekend, early and late counts and the hours
//! spread (max - min) across its agents, a minimax measure of fairness.
//!

use std::collections::BTreeMap;

use good_lp::solvers::highs::highs;
use good_lp::{variable, Constraint, Expression, ProblemVariables, SolverModel, Variable};

use super::coverage::{coverage_block, PooledRest, StartCounts};
use super::inputs::AvailabilityKind;
use super::rules::{self, paid_hours, RuleBook, WorkedShift};
use super::types::{skill_groups, ModelInput, SkillGroup, StartedShift};
use crate::error::{Error, Result, SolverFailure};
use crate::mip::ProgressFn;
use crate::mip::{add_binary, add_integer, run_highs, Column, HighsRun, SolveRun};

/// (day, template, group, band): one linking row.
type Cell = (u32, usize, usize, usize);

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

/// Builds and solves the model over the whole horizon. `start`, when given, is a
/// roster that satisfies every rule, handed to HiGHS as its first incumbent.
pub(crate) fn solve_whole(
    input: &ModelInput,
    start: Option<&[StartedShift]>,
    progress: Option<ProgressFn>,
) -> Result<(Vec<StartedShift>, SolveRun)> {
    let (groups, group_of) = skill_groups(input.book, input.queues);
    let mut model = WholeModel::new(input, group_of);
    model.day_options(start);
    model.start_counts();
    model.coverage(&groups);
    let integer_variables = model.integer_variables();
    model.paid_cost();
    model.band_links();
    model.worked_days();
    for agent in 0..input.book.agents.len() {
        model.agent_rules(agent);
    }
    model.solve(start, integer_variables, progress)
}

/// The whole-horizon model under construction: one method per rule family, each
/// adding its variables, rows and objective terms. They are called in a fixed order,
/// so the same inputs give the same model (and HiGHS the same roster).
struct WholeModel<'a> {
    input: &'a ModelInput<'a>,
    /// Per agent, its skill group.
    group_of: Vec<usize>,
    variables: ProblemVariables,
    objective: Expression,
    constraints: Vec<Constraint>,
    options: Vec<DayOption>,
    starts_of: StartCounts,
    rest_times: Vec<PooledRest>,
    /// Indexes into `options` per (agent, day).
    by_agent_day: BTreeMap<(usize, u32), Vec<usize>>,
    /// Whether the agent works the day: a variable per agent-day with options, so
    /// rules over runs of days stay sparse.
    works: BTreeMap<(usize, u32), Variable>,
    /// Per contract.
    fairness: BTreeMap<usize, FairnessVars>,
}

/// The options of `agent` on `day`.
fn options_of<'o>(
    options: &'o [DayOption],
    by_agent_day: &BTreeMap<(usize, u32), Vec<usize>>,
    agent: usize,
    day: u32,
) -> Vec<&'o DayOption> {
    by_agent_day
        .get(&(agent, day))
        .map(|list| list.iter().map(|&o| &options[o]).collect())
        .unwrap_or_default()
}

impl<'a> WholeModel<'a> {
    fn new(input: &'a ModelInput<'a>, group_of: Vec<usize>) -> Self {
        WholeModel {
            input,
            group_of,
            variables: ProblemVariables::new(),
            objective: Expression::default(),
            constraints: Vec::new(),
            options: Vec::new(),
            starts_of: StartCounts::new(),
            rest_times: Vec::new(),
            by_agent_day: BTreeMap::new(),
            works: BTreeMap::new(),
            fairness: BTreeMap::new(),
        }
    }

    /// Options of every agent and day (see [`DayOption`]).
    fn day_options(&mut self, start: Option<&[StartedShift]>) {
        let book = self.input.book;
        let template_bands: Vec<Vec<Vec<u32>>> = (0..book.config.templates.len())
            .map(|t| bands(book, t, self.input.band_minutes))
            .collect();
        for agent in 0..self.group_of.len() {
            for day in 0..book.horizon.days {
                let exact_day = needs_exact_starts(book, agent, day);
                for &template in &book.contract(agent).templates {
                    let incumbent = start.and_then(|roster| {
                        roster
                            .iter()
                            .find(|s| s.0 == agent && s.1 == day && s.2 == template)
                            .map(|s| s.3)
                    });
                    let key = (agent, day, template);
                    self.template_options(key, &template_bands[template], exact_day, incumbent);
                }
            }
        }
    }

    /// The options of one agent, day and template: one per band when every start is
    /// allowed and the day has no partial-day row, else one per allowed start. The
    /// current roster's own shift stays representable exactly, even where its band is
    /// ruled out conservatively.
    fn template_options(
        &mut self,
        (agent, day, template): (usize, u32, usize),
        bands: &[Vec<u32>],
        exact_day: bool,
        incumbent: Option<u32>,
    ) {
        let book = self.input.book;
        let all = book.config.templates[template].starts();
        let allowed: Vec<u32> = all
            .iter()
            .copied()
            .filter(|&s| book.shift_allowed(agent, day, template, s))
            .collect();
        if allowed.is_empty() {
            return;
        }
        let whole_bands = allowed.len() == all.len() && !exact_day;
        let g = self.group_of[agent];
        for (band_index, band) in bands.iter().enumerate() {
            let mut wanted: Vec<(Vec<u32>, bool)> = Vec::new();
            if whole_bands {
                if let Some(own) = incumbent.filter(|s| band.contains(s) && band.len() > 1) {
                    wanted.push((vec![own], true));
                }
                wanted.push((band.clone(), band.len() == 1));
            } else {
                let exact = band.iter().filter(|s| allowed.contains(s));
                wanted.extend(exact.map(|&s| (vec![s], true)));
            }
            for (starts, exact) in wanted {
                let column = add_binary(&mut self.variables);
                self.options.push(DayOption {
                    agent,
                    day,
                    template,
                    starts,
                    cell: (day, template, g, band_index),
                    exact,
                    column,
                });
            }
        }
    }

    /// Start counts per day, template, group and start, each capped by the options
    /// that can take the start.
    fn start_counts(&mut self) {
        let mut cover_counts: BTreeMap<(u32, usize, usize, u32), f64> = BTreeMap::new();
        for option in &self.options {
            for &s in &option.starts {
                let key = (option.day, option.template, self.group_of[option.agent], s);
                *cover_counts.entry(key).or_default() += 1.0;
            }
        }
        for (&(day, template, g, start), &max) in &cover_counts {
            let column = add_integer(&mut self.variables, Some(max));
            self.starts_of
                .entry((day, template, g))
                .or_default()
                .insert(start, (column, max));
        }
    }

    /// Pooled rests, presence, allocation and coverage (see [`coverage_block`]).
    fn coverage(&mut self, groups: &[SkillGroup]) {
        self.rest_times = coverage_block(
            self.input,
            groups,
            0..self.input.book.horizon.days,
            &self.starts_of,
            &mut self.variables,
            &mut self.constraints,
            &mut self.objective,
        );
    }

    /// Options, start counts and rest times: the model's integer variables.
    fn integer_variables(&self) -> usize {
        self.options.len()
            + self.starts_of.values().map(BTreeMap::len).sum::<usize>()
            + self.rest_times.iter().map(|r| r.times.len()).sum::<usize>()
    }

    /// Paid cost, per agent.
    fn paid_cost(&mut self) {
        let templates = &self.input.book.config.templates;
        for option in &self.options {
            self.objective
                .add_mul(templates[option.template].shift_cost(), option.column.var);
        }
    }

    /// Links bands to start counts: a band's starts count its agents; exact options
    /// pin their start.
    fn band_links(&mut self) {
        let mut cells: BTreeMap<Cell, (Expression, Vec<u32>)> = BTreeMap::new();
        let mut exact_at: BTreeMap<(u32, usize, usize, u32), Expression> = BTreeMap::new();
        for option in &self.options {
            let entry = cells.entry(option.cell).or_default();
            entry.0 += option.column.var;
            for &s in &option.starts {
                if !entry.1.contains(&s) {
                    entry.1.push(s);
                }
            }
            if option.exact {
                let g = self.group_of[option.agent];
                *exact_at
                    .entry((option.day, option.template, g, option.starts[0]))
                    .or_default() += option.column.var;
            }
        }
        for (&(day, template, g, _), (agents, starts)) in &cells {
            let counts = &self.starts_of[&(day, template, g)];
            let mut total = Expression::default();
            for s in starts {
                total += counts[s].0.var;
            }
            self.constraints.push((total - agents.clone()).eq(0.0));
        }
        for (&(day, template, g, start), pinned) in &exact_at {
            let count = self.starts_of[&(day, template, g)][&start].0.var;
            self.constraints
                .push((Expression::from(count) - pinned.clone()).geq(0.0));
        }
    }

    /// At most one option a day: the agent-day's `works` variable is their sum.
    fn worked_days(&mut self) {
        for (index, option) in self.options.iter().enumerate() {
            self.by_agent_day
                .entry((option.agent, option.day))
                .or_default()
                .push(index);
        }
        for (&(agent, day), list) in &self.by_agent_day {
            let works = self.variables.add(variable().min(0.0).max(1.0));
            let mut sum = Expression::default();
            for &o in list {
                sum += self.options[o].column.var;
            }
            self.constraints
                .push((Expression::from(works) - sum).eq(0.0));
            self.works.insert((agent, day), works);
        }
    }

    /// Whether `agent` works `day` (zero without options).
    fn works_on(&self, agent: usize, day: u32) -> Expression {
        self.works
            .get(&(agent, day))
            .map_or_else(Expression::default, |&v| Expression::from(v))
    }

    /// Every rule and soft goal of one agent.
    fn agent_rules(&mut self, agent: usize) {
        let (total_hours, leave_hours) = self.weekly_limits(agent);
        self.consecutive_days(agent);
        let cuts = rest_cuts(self.input, &self.options, &self.by_agent_day, agent);
        self.constraints.extend(cuts);
        let weekends = self.weekends(agent);
        self.preferences(agent);
        self.isolated_days_off(agent);
        self.fairness(agent, weekends, total_hours, leave_hours);
    }

    /// Per week, paid hours in [min, max] and days worked up to the limit. Returns
    /// the agent's paid hours over the horizon and its leave hours.
    fn weekly_limits(&mut self, agent: usize) -> (Expression, f64) {
        let book = self.input.book;
        let mut total_hours = Expression::default();
        let mut leave_hours = 0.0;
        for week in book.horizon.weeks() {
            let limits = book.week_limits(agent, week);
            leave_hours += limits.leave_hours;
            let mut hours = Expression::default();
            let mut worked_days = Expression::default();
            for day in week.days() {
                for option in options_of(&self.options, &self.by_agent_day, agent, day) {
                    let paid = paid_hours(&book.config.templates[option.template]);
                    hours.add_mul(paid, option.column.var);
                }
                if let Some(&v) = self.works.get(&(agent, day)) {
                    worked_days += v;
                }
            }
            total_hours += hours.clone();
            self.constraints.push(hours.clone().leq(limits.max_hours));
            if limits.min_hours > 0.0 {
                self.constraints.push(hours.geq(limits.min_hours));
            }
            self.constraints
                .push(worked_days.leq(f64::from(limits.max_days)));
        }
        (total_hours, leave_hours)
    }

    /// At most `max_consecutive_days` worked in any run of days one longer.
    fn consecutive_days(&mut self, agent: usize) {
        let days = self.input.book.horizon.days;
        let Some(max) = self.input.book.contract(agent).max_consecutive_days else {
            return;
        };
        let span = max + 1;
        if span > days {
            return;
        }
        for first in 0..=days - span {
            let mut worked = Expression::default();
            for day in first..first + span {
                worked += self.works_on(agent, day);
            }
            self.constraints.push(worked.leq(f64::from(max)));
        }
    }

    /// Weekends, worked when a day of them is worked, at most the contract's limit in
    /// any four. Returns the weekends worked over the horizon.
    fn weekends(&mut self, agent: usize) -> Expression {
        let book = self.input.book;
        let mut weekend_terms: Vec<Expression> = Vec::new();
        for weekend in book.horizon.weekends() {
            let days: Vec<Variable> = weekend
                .days
                .iter()
                .filter_map(|d| self.works.get(&(agent, *d)).copied())
                .collect();
            match days.as_slice() {
                [] => weekend_terms.push(Expression::default()),
                [one] => weekend_terms.push(Expression::from(*one)),
                several => {
                    let worked = self.variables.add(variable().min(0.0).max(1.0));
                    for &v in several {
                        self.constraints
                            .push((Expression::from(worked) - v).geq(0.0));
                    }
                    weekend_terms.push(Expression::from(worked));
                }
            }
        }
        self.closed_weekend_minimum(agent, &weekend_terms);
        let limit = f64::from(book.contract(agent).max_weekends_per_4_weeks);
        for range in book.horizon.weekend_windows() {
            let mut count = Expression::default();
            for term in &weekend_terms[range] {
                count += term.clone();
            }
            self.constraints.push(count.leq(limit));
        }
        let mut weekend_total = Expression::default();
        for term in &weekend_terms {
            weekend_total += term.clone();
        }
        weekend_total
    }

    /// The horizon's last week owes its higher look-ahead minimum once the agent's
    /// weekends close the weekend after the horizon (see
    /// [`super::rules::Lookahead`]). The horizon's own weekend limit keeps the
    /// window's count `C` at most the limit `L`, so one row says it without a
    /// binary: hours >= open + (closed - open) (C - L + 1).
    fn closed_weekend_minimum(&mut self, agent: usize, weekend_terms: &[Expression]) {
        let book = self.input.book;
        let Some(&week) = book.horizon.weeks().last() else {
            return;
        };
        let Some(ahead) = book.lookahead(agent, week) else {
            return;
        };
        let open = book.week_limits(agent, week).min_hours;
        let closed = open.max(ahead.closed_min);
        if closed <= open {
            return;
        }
        let mut count = Expression::default();
        for term in &weekend_terms[ahead.weekends.clone()] {
            count += term.clone();
        }
        let hours = self.week_hours(agent, week);
        let rise = closed - open;
        let floor = open + rise * (1.0 - f64::from(ahead.limit));
        self.constraints.push((hours - count * rise).geq(floor));
    }

    /// Paid hours the agent works in `week`.
    fn week_hours(&self, agent: usize, week: rules::Week) -> Expression {
        let book = self.input.book;
        let mut hours = Expression::default();
        for day in week.days() {
            for option in options_of(&self.options, &self.by_agent_day, agent, day) {
                hours.add_mul(
                    paid_hours(&book.config.templates[option.template]),
                    option.column.var,
                );
            }
        }
        hours
    }

    /// Unmet preferences, priced: linear in the day's options, since at most one is
    /// worked.
    fn preferences(&mut self, agent: usize) {
        let book = self.input.book;
        let weight = book.contracts.soft.preference;
        for row in book.preferences(agent) {
            let day = book.horizon.day_of(row.date).expect("inside");
            let options = options_of(&self.options, &self.by_agent_day, agent, day);
            let honoured =
                |option: &DayOption| book.preference_honoured(row, Some(&worked_shift(option)));
            match row.kind {
                AvailabilityKind::PreferredOff => {
                    for option in options {
                        if !honoured(option) {
                            self.objective.add_mul(weight, option.column.var);
                        }
                    }
                }
                _ => {
                    self.objective += weight;
                    for option in options {
                        if honoured(option) {
                            self.objective.add_mul(-weight, option.column.var);
                        }
                    }
                }
            }
        }
    }

    /// Isolated days off (off between two worked days), priced where the contract
    /// asks for consecutive days off.
    fn isolated_days_off(&mut self, agent: usize) {
        let book = self.input.book;
        let weight = book.contracts.soft.isolated_day_off;
        if !(book.contract(agent).consecutive_days_off && weight > 0.0) {
            return;
        }
        for day in 1..book.horizon.days.saturating_sub(1) {
            let isolated = self.variables.add(variable().min(0.0));
            self.objective.add_mul(weight, isolated);
            let row = Expression::from(isolated) - self.works_on(agent, day - 1)
                + self.works_on(agent, day)
                - self.works_on(agent, day + 1);
            self.constraints.push(row.geq(-1.0));
        }
    }

    /// The agent's weekends, early and late shifts and hours inside its contract's
    /// fairness maxima and minima.
    fn fairness(&mut self, agent: usize, weekends: Expression, hours: Expression, leave: f64) {
        let book = self.input.book;
        let weights = &book.contracts.soft;
        let vars = *self
            .fairness
            .entry(book.agents[agent].contract)
            .or_insert_with(|| {
                FairnessVars::new(&mut self.variables, weights, &mut self.objective)
            });
        let mut early = Expression::default();
        let mut late = Expression::default();
        for day in 0..book.horizon.days {
            for option in options_of(&self.options, &self.by_agent_day, agent, day) {
                if book.is_early(option.starts[0]) {
                    early += option.column.var;
                }
                if book.is_late(option.template, option.starts[0]) {
                    late += option.column.var;
                }
            }
        }
        let rows = [
            (Expression::from(vars.weekends) - weekends).geq(0.0),
            (Expression::from(vars.early) - early).geq(0.0),
            (Expression::from(vars.late) - late).geq(0.0),
            (Expression::from(vars.most_hours) - hours.clone()).geq(leave),
            (Expression::from(vars.fewest_hours) - hours).leq(leave),
        ];
        self.constraints.extend(rows);
    }

    /// Solves the built model from `start` and hands out the start counts.
    fn solve(
        self,
        start: Option<&[StartedShift]>,
        integer_variables: usize,
        progress: Option<ProgressFn>,
    ) -> Result<(Vec<StartedShift>, SolveRun)> {
        let limits = self.input.limits;
        let variable_count = self.variables.len();
        let constraint_count = self.constraints.len();
        let start = start.map(|roster| {
            mip_start(
                self.input,
                roster,
                &self.options,
                &self.starts_of,
                &self.rest_times,
                &self.group_of,
                variable_count,
            )
        });
        let mut problem = highs(self.variables.minimise(self.objective));
        for constraint in self.constraints {
            problem.add_constraint(constraint);
        }
        let outcome = run_highs(
            problem,
            limits,
            HighsRun {
                progress,
                start: start.as_deref(),
                phase: "roster",
                ..HighsRun::default()
            },
            "the contracts, availability and templates admit no roster (every agent's weekly minimum hours, rest and day limits cannot all hold); check the agents named by `wfm roster check` on a hand-made roster, or loosen min_hours_per_week",
        )?;
        let Some(solved) = outcome.into_solution() else {
            let seconds = limits.time_limit_seconds;
            return Err(Error::NoSolution(SolverFailure::out_of_time(
                seconds,
                format!("no roster found within the time limit of {seconds:.0} s"),
            )));
        };
        let value = |column: Column| solved.values[column.index];
        let shifts = assign_starts(&self.options, &self.starts_of, &value)?;
        let report = solved.run(variable_count, integer_variables, constraint_count);
        Ok((shifts, report))
    }
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
        let exact = day_options
            .iter()
            .find(|o| o.template == template && o.starts == [start]);
        if let Some(option) = exact.or_else(|| {
            day_options
                .iter()
                .find(|o| o.template == template && o.starts.contains(&start))
        }) {
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
#[derive(Clone, Copy)]
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
