//! Settling each day once the agents' shifts are fixed: where each group's lunches and
//! breaks go and how its agents split over its queues, as a small integer program per
//! day (the schedule's Bechtold-Jacobs rests, now per skill group, with constant
//! shift counts, and the per-slot queue allocation with the convex shortfall). The
//! roster model pooled rests over groups to stay small; this makes them exact per
//! group. Days are settled in order, so a shift that runs past midnight counts on the
//! next day with its rests already placed.

use std::collections::BTreeMap;

use good_lp::{variable, Constraint, Expression, ProblemVariables, Variable};

use super::rules::{RuleBook, WorkedShift};
use super::types::working_slots;
use super::types::{ModelInput, SkillGroup, StartedShift};
use crate::error::Result;
use crate::mip::{
    add_integer, coverage_rows, hand_out_rests, implicit_rest_constraints, solve_day_model, Column,
};

/// How much more a rest moved on a frozen day costs than on a later one: enough that
/// the published rests are kept whenever they fit (they always do when the day's
/// shifts and requirement are unchanged).
const FROZEN_REST_WEIGHT: f64 = 1000.0;

/// Shifts with their rests, and each multi-queue group's allocation per slot.
pub struct Settled {
    pub shifts: Vec<WorkedShift>,
    pub allocation: Vec<BTreeMap<usize, Vec<f64>>>,
}

/// One rest kind of one (template, group) on the day.
struct RestBlock {
    template: usize,
    group: usize,
    rest: usize,
    times: Vec<(u32, Column)>,
}

/// Settles every day of the horizon in order.
pub fn settle_days(
    input: &ModelInput,
    groups: &[SkillGroup],
    group_of: &[usize],
    starts: &[StartedShift],
) -> Result<Settled> {
    let book = input.book;
    let slot = input.slot;
    let horizon_slots = (book.horizon.days * 1440 / slot) as usize;
    let mut settled: Vec<WorkedShift> = Vec::new();
    let mut allocation: Vec<BTreeMap<usize, Vec<f64>>> = vec![BTreeMap::new(); groups.len()];
    for day in 0..book.horizon.days {
        let first_slot = (day * 1440 / slot) as usize;
        let day_slots = first_slot..((day + 1) * 1440 / slot) as usize;
        // Agents already settled who work into this day (shifts past midnight).
        let mut carried = vec![vec![0.0; day_slots.len()]; groups.len()];
        for shift in settled.iter().filter(|s| s.day + 1 == day) {
            for q in working_slots(book, shift, slot) {
                if day_slots.contains(&q) {
                    carried[group_of[shift.agent]][q - first_slot] += 1.0;
                }
            }
        }
        let today: Vec<&StartedShift> = starts.iter().filter(|s| s.1 == day).collect();
        let (shifts, shares) = settle_day(input, groups, group_of, day, &today, &carried)?;
        for (g, slots) in shares.into_iter().enumerate() {
            for (q, values) in slots {
                if q < horizon_slots {
                    allocation[g].insert(q, values);
                }
            }
        }
        settled.extend(shifts);
    }
    settled.sort();
    Ok(Settled {
        shifts: settled,
        allocation,
    })
}

type DayShares = Vec<BTreeMap<usize, Vec<f64>>>;
/// Start counts of the day per (template, group): start -> shifts.
type DayCounts = BTreeMap<(usize, usize), BTreeMap<u32, f64>>;

/// Settles one day: returns its shifts with rests and the groups' allocations.
fn settle_day(
    input: &ModelInput,
    groups: &[SkillGroup],
    group_of: &[usize],
    day: u32,
    today: &[&StartedShift],
    carried: &[Vec<f64>],
) -> Result<(Vec<WorkedShift>, DayShares)> {
    let mut counts: DayCounts = BTreeMap::new();
    for &&(agent, _, template, start) in today {
        *counts
            .entry((template, group_of[agent]))
            .or_default()
            .entry(start)
            .or_default() += 1.0;
    }
    let mut model = DayModel::new(input, day);
    let blocks = model.rest_blocks(&counts);
    model.keep_published_rests(&blocks, today, group_of);
    let (on_duty, busy) = model.on_duty(&counts, &blocks, carried, groups.len());
    let integer_variables = model.variables.len();
    let shares = model.allocation(groups, &on_duty, &busy);
    let values = if integer_variables == 0 && shares.iter().all(|s| s.is_empty()) {
        Vec::new()
    } else {
        model.solve()?
    };
    let shifts = hand_out_day_rests(input, day, &counts, &blocks, today, group_of, &values)?;
    let day_shares = shares
        .into_iter()
        .map(|slots| {
            slots
                .into_iter()
                .map(|(q, columns)| (q, columns.iter().map(|c| values[c.index]).collect()))
                .collect()
        })
        .collect();
    Ok((shifts, day_shares))
}

/// One day's settlement model under construction.
struct DayModel<'a> {
    input: &'a ModelInput<'a>,
    day: u32,
    /// The day's first slot on the horizon.
    first_slot: usize,
    /// Slots in a day.
    day_len: usize,
    variables: ProblemVariables,
    objective: Expression,
    constraints: Vec<Constraint>,
}

impl<'a> DayModel<'a> {
    fn new(input: &'a ModelInput<'a>, day: u32) -> Self {
        DayModel {
            input,
            day,
            first_slot: (day * 1440 / input.slot) as usize,
            day_len: (1440 / input.slot) as usize,
            variables: ProblemVariables::new(),
            objective: Expression::default(),
            constraints: Vec::new(),
        }
    }

    /// The rest-time variables of each (template, group) and rest, with the
    /// Bechtold-Jacobs conditions for the day's constant shift counts.
    fn rest_blocks(&mut self, counts: &DayCounts) -> Vec<RestBlock> {
        let config = self.input.book.config;
        let mut blocks: Vec<RestBlock> = Vec::new();
        for (&(template, group), starts) in counts {
            let first = *starts.keys().next().expect("non-empty");
            let last = *starts.keys().next_back().expect("non-empty");
            for (rest_index, rest) in config.templates[template].rests().iter().enumerate() {
                let times = (first + rest.earliest_after_start..=last + rest.latest_after_start)
                    .step_by(self.input.slot as usize)
                    .map(|time| (time, add_integer(&mut self.variables, None)))
                    .collect();
                blocks.push(RestBlock {
                    template,
                    group,
                    rest: rest_index,
                    times,
                });
            }
        }
        for block in &blocks {
            let rest = config.templates[block.template].rests()[block.rest];
            let shifts: Vec<(u32, Expression)> = counts[&(block.template, block.group)]
                .iter()
                .map(|(&s, &n)| (s, Expression::from(n)))
                .collect();
            let times: Vec<(u32, Variable)> =
                block.times.iter().map(|&(t, c)| (t, c.var)).collect();
            self.constraints
                .extend(implicit_rest_constraints(rest.window(), &shifts, &times));
        }
        blocks
    }

    /// In a re-plan, prices each rest moved from its published time: half the change
    /// cost per rest count off the published counts (a rest moved shifts two counts),
    /// a thousand times that on a frozen day, whose rests are the published ones.
    /// Agents who keep their published shift thus keep their rests unless moving one
    /// buys more cover than a changed agent-day costs.
    fn keep_published_rests(
        &mut self,
        blocks: &[RestBlock],
        today: &[&StartedShift],
        group_of: &[usize],
    ) {
        let book = self.input.book;
        let Some(published) = &book.published else {
            return;
        };
        let weight = if book.is_frozen(self.day) {
            FROZEN_REST_WEIGHT * published.change_cost.max(1.0)
        } else {
            published.change_cost / 2.0
        };
        for block in blocks {
            let mut kept: BTreeMap<u32, f64> = BTreeMap::new();
            for &&(agent, day, template, start) in today {
                if template != block.template || group_of[agent] != block.group {
                    continue;
                }
                if let Some(rests) = book.published_rests(agent, day, (template, start)) {
                    *kept.entry(rests[block.rest]).or_default() += 1.0;
                }
            }
            for &(time, column) in &block.times {
                let over = self.variables.add(variable().min(0.0));
                let under = self.variables.add(variable().min(0.0));
                let target = kept.get(&time).copied().unwrap_or(0.0);
                self.constraints
                    .push((column.var - over + under).eq(target));
                self.objective.add_mul(weight, over);
                self.objective.add_mul(weight, under);
            }
        }
    }

    /// The slot of the day at `minute` after its midnight, if inside the day.
    fn in_day(&self, minute: u32) -> Option<usize> {
        let q = (self.day * 1440 + minute) / self.input.slot;
        (q as usize)
            .checked_sub(self.first_slot)
            .filter(|&i| i < self.day_len)
    }

    /// On duty per group and slot of the day (present agents minus rests), and
    /// whether the group has anyone present.
    fn on_duty(
        &self,
        counts: &DayCounts,
        blocks: &[RestBlock],
        carried: &[Vec<f64>],
        groups: usize,
    ) -> (Vec<Vec<Expression>>, Vec<Vec<bool>>) {
        let config = self.input.book.config;
        let slot = self.input.slot as usize;
        let mut on_duty: Vec<Vec<Expression>> = carried
            .iter()
            .map(|slots| slots.iter().map(|&n| Expression::from(n)).collect())
            .collect();
        let mut busy = vec![vec![false; self.day_len]; groups];
        for (g, slots) in carried.iter().enumerate() {
            for (i, &n) in slots.iter().enumerate() {
                busy[g][i] = n > 0.0;
            }
        }
        for (&(template, g), starts) in counts {
            let span = config.templates[template].span_minutes();
            for (&s, &n) in starts {
                for minute in (s..s + span).step_by(slot) {
                    if let Some(i) = self.in_day(minute) {
                        on_duty[g][i] += n;
                        busy[g][i] = true;
                    }
                }
            }
        }
        for block in blocks {
            let length = config.templates[block.template].rests()[block.rest].length;
            for &(time, column) in &block.times {
                for minute in (time..time + length).step_by(slot) {
                    if let Some(i) = self.in_day(minute) {
                        on_duty[block.group][i] -= column.var;
                    }
                }
            }
        }
        (on_duty, busy)
    }

    /// Splits each multi-queue group's agents on duty over its queues (secondary
    /// skills priced), and adds each queue's coverage rows. Returns the shares per
    /// group and horizon slot.
    fn allocation(
        &mut self,
        groups: &[SkillGroup],
        on_duty: &[Vec<Expression>],
        busy: &[Vec<bool>],
    ) -> Vec<BTreeMap<usize, Vec<Column>>> {
        let weights = &self.input.book.contracts.soft;
        let slot_hours = f64::from(self.input.slot) / 60.0;
        let mut queue_slots: Vec<Vec<Expression>> =
            vec![vec![Expression::default(); self.day_len]; self.input.queues.len()];
        let mut shares: Vec<BTreeMap<usize, Vec<Column>>> = vec![BTreeMap::new(); groups.len()];
        for (g, group) in groups.iter().enumerate() {
            for i in 0..self.day_len {
                if !busy[g][i] || group.queues.is_empty() {
                    continue;
                }
                if let [(k, _)] = group.queues[..] {
                    queue_slots[k][i] += on_duty[g][i].clone();
                    continue;
                }
                let mut allocated = Expression::default();
                let mut columns = Vec::new();
                for &(k, priority) in &group.queues {
                    let index = self.variables.len();
                    let var = self.variables.add(variable().min(0.0));
                    allocated += var;
                    queue_slots[k][i] += var;
                    if priority > 1 {
                        let price = weights.secondary_skill_per_agent_hour
                            * f64::from(priority - 1)
                            * slot_hours;
                        self.objective.add_mul(price, var);
                    }
                    columns.push(Column { var, index });
                }
                self.constraints
                    .push((allocated - on_duty[g][i].clone()).eq(0.0));
                shares[g].insert(self.first_slot + i, columns);
            }
        }
        self.coverage_rows(&queue_slots);
        shares
    }

    /// Each queue's coverage per interval (or slot) of the day, with the convex
    /// shortfall.
    fn coverage_rows(&mut self, queue_slots: &[Vec<Expression>]) {
        let config = self.input.book.config;
        let slot = self.input.slot;
        for (k, queue) in self.input.queues.iter().enumerate() {
            for demand in queue
                .demands
                .iter()
                .filter(|d| d.wall_minute / 1440 == self.day)
            {
                let first = ((demand.wall_minute % 1440) / slot) as usize;
                let count = (demand.minutes / slot) as usize;
                if count == 0 || first + count > self.day_len {
                    continue;
                }
                self.constraints.extend(coverage_rows(
                    &mut self.variables,
                    &mut self.objective,
                    demand,
                    &queue_slots[k][first..first + count],
                    |covered, factor, expression| covered.add_mul(factor, expression.clone()),
                    config.penalties.prices(),
                    config.coverage,
                ));
            }
        }
    }

    /// Solves the day's model: the column values.
    fn solve(self) -> Result<Vec<f64>> {
        solve_day_model(
            self.variables,
            self.objective,
            self.constraints,
            "roster rest settlement",
            "the rests of the rostered shifts cannot be placed",
        )
    }
}

/// Hands out each (template, group)'s solved rest times to its agents, earliest
/// deadline first.
fn hand_out_day_rests(
    input: &ModelInput,
    day: u32,
    counts: &DayCounts,
    blocks: &[RestBlock],
    today: &[&StartedShift],
    group_of: &[usize],
    values: &[f64],
) -> Result<Vec<WorkedShift>> {
    let config = input.book.config;
    let mut shifts = Vec::new();
    for &(template, g) in counts.keys() {
        let mut members: Vec<(u32, usize)> = today
            .iter()
            .filter(|s| s.2 == template && group_of[s.0] == g)
            .map(|s| (s.3, s.0))
            .collect();
        members.sort_unstable();
        let rests = config.templates[template].rests();
        let mut rest_starts = vec![vec![0; rests.len()]; members.len()];
        for block in blocks
            .iter()
            .filter(|b| b.template == template && b.group == g)
        {
            let times: Vec<(u32, usize)> = block
                .times
                .iter()
                .map(|&(t, c)| (t, values[c.index].round().max(0.0) as usize))
                .collect();
            let handed = hand_out_kind(input.book, day, template, block.rest, &members, &times)?;
            for (shift, time) in rest_starts.iter_mut().zip(handed) {
                shift[block.rest] = time;
            }
        }
        for (rest_starts, &(start, agent)) in rest_starts.into_iter().zip(&members) {
            shifts.push(WorkedShift {
                agent,
                day,
                template,
                start,
                rest_starts,
            });
        }
    }
    Ok(shifts)
}

/// Hands out one rest kind's solved times (time, count) to `members` (sorted by
/// start): in a re-plan, each agent keeping its published shift first takes its
/// published time where the solution has it, and the rest go earliest deadline
/// first; if that leaves no fit, all go earliest deadline first.
fn hand_out_kind(
    book: &RuleBook,
    day: u32,
    template: usize,
    rest: usize,
    members: &[(u32, usize)],
    times: &[(u32, usize)],
) -> Result<Vec<u32>> {
    let window = book.config.templates[template].rests()[rest].window();
    let starts: Vec<u32> = members.iter().map(|&(start, _)| start).collect();
    if book.published.is_none() {
        return hand_out_rests(window, &starts, times);
    }
    let mut left: BTreeMap<u32, usize> = times.iter().copied().collect();
    let mut handed: Vec<Option<u32>> = vec![None; members.len()];
    for (taken, &(start, agent)) in handed.iter_mut().zip(members) {
        let wanted = book
            .published_rests(agent, day, (template, start))
            .map(|rests| rests[rest]);
        if let Some(count) = wanted.and_then(|time| left.get_mut(&time).filter(|c| **c > 0)) {
            *count -= 1;
            *taken = wanted;
        }
    }
    let others: Vec<u32> = members
        .iter()
        .zip(&handed)
        .filter(|(_, taken)| taken.is_none())
        .map(|(&(start, _), _)| start)
        .collect();
    let remaining: Vec<(u32, usize)> = left.into_iter().filter(|&(_, n)| n > 0).collect();
    let Ok(mut dealt) = hand_out_rests(window, &others, &remaining) else {
        return hand_out_rests(window, &starts, times);
    };
    dealt.reverse();
    Ok(handed
        .into_iter()
        .map(|taken| taken.unwrap_or_else(|| dealt.pop().expect("one per agent")))
        .collect())
}
