//! The aggregate coverage block shared by the whole-horizon model and the bound's
//! relaxation: start counts per day, template and skill group, the pooled rests,
//! presence as a flow, the allocation to queues and the coverage rows.

use std::collections::{BTreeMap, BTreeSet};

use good_lp::{variable, Constraint, Expression, ProblemVariables, Variable};

use super::types::{ModelInput, SkillGroup};
use crate::mip::{add_integer, coverage_rows, Column};
use crate::schedule::templates::Rest;

/// (day, template, group): one aggregate of start counts.
type DayTemplateGroup = (u32, usize, usize);
/// Start counts per aggregate: start -> (variable, upper bound).
pub(crate) type StartCounts = BTreeMap<DayTemplateGroup, BTreeMap<u32, (Column, f64)>>;

/// The pooled rest-time variables of one day, template and rest.
pub(crate) struct PooledRest {
    pub day: u32,
    pub template: usize,
    pub rest: usize,
    pub times: Vec<(u32, Column)>,
}

/// The aggregate part of a model over `days`: pooled rests with the Bechtold-Jacobs
/// conditions in cumulative form (two terms a row: rests taken by each window end
/// against shifts started by then, and the mirror condition at window starts),
/// presence per group and slot as a flow (presence[q] = presence[q-1] + starts at q -
/// ends at q), the allocation of present agents to queues, the pooled rests inside
/// the unallocated agents, and each queue's coverage with the convex shortfall.
/// Returns the rest-time variables.
pub(crate) fn coverage_block(
    input: &ModelInput,
    groups: &[SkillGroup],
    days: std::ops::Range<u32>,
    starts_of: &StartCounts,
    variables: &mut ProblemVariables,
    constraints: &mut Vec<Constraint>,
    objective: &mut Expression,
) -> Vec<PooledRest> {
    let mut block = Block {
        input,
        horizon_slots: (input.book.horizon.days * 1440 / input.slot) as usize,
        variables,
        constraints,
        objective,
    };
    let rest_times = block.pooled_rests(starts_of);
    let mut idle: BTreeMap<usize, Expression> = BTreeMap::new();
    let mut queue_slots: Vec<BTreeMap<usize, Expression>> =
        vec![BTreeMap::new(); input.queues.len()];
    for (g, group) in groups.iter().enumerate() {
        block.presence(g, group, starts_of, &mut idle, &mut queue_slots);
    }
    for (q, rests) in block.resting(&rest_times) {
        let free = idle.remove(&q).unwrap_or_default() - rests;
        block.constraints.push(free.geq(0.0));
    }
    block.coverage_rows(days, &queue_slots);
    rest_times
}

/// The parts of a model the coverage block adds to.
struct Block<'m, 'a> {
    input: &'m ModelInput<'a>,
    horizon_slots: usize,
    variables: &'m mut ProblemVariables,
    constraints: &'m mut Vec<Constraint>,
    objective: &'m mut Expression,
}

impl Block<'_, '_> {
    /// The horizon's slots from `from` for `minutes` (wall minutes).
    fn slots_of(&self, from: u32, minutes: u32) -> std::ops::Range<usize> {
        let slot = self.input.slot;
        let first = (from / slot) as usize;
        let last = (((from + minutes) / slot) as usize).min(self.horizon_slots);
        first..last.max(first)
    }

    /// Pooled rests per day and template (all groups together), with their
    /// Bechtold-Jacobs conditions.
    fn pooled_rests(&mut self, starts_of: &StartCounts) -> Vec<PooledRest> {
        // Pooled start counts per (day, template), in start order.
        let mut pooled: BTreeMap<(u32, usize), BTreeMap<u32, Expression>> = BTreeMap::new();
        for (&(day, template, _), starts) in starts_of {
            let entry = pooled.entry((day, template)).or_default();
            for (&s, (column, _)) in starts {
                *entry.entry(s).or_default() += column.var;
            }
        }
        let mut rest_times: Vec<PooledRest> = Vec::new();
        for (&(day, template), starts) in &pooled {
            let rests = self.input.book.config.templates[template].rests();
            if rests.is_empty() {
                continue;
            }
            let start_list: Vec<u32> = starts.keys().copied().collect();
            let shifts_by = self.cumulative(starts.values().cloned());
            for (rest_index, rest) in rests.iter().enumerate() {
                let times = self.rest_rows(rest, &start_list, &shifts_by);
                rest_times.push(PooledRest {
                    day,
                    template,
                    rest: rest_index,
                    times,
                });
            }
        }
        rest_times
    }

    /// Running sums of `terms`: one variable each, `sum[i] = sum[i-1] + term[i]`.
    fn cumulative(&mut self, terms: impl Iterator<Item = Expression>) -> Vec<Variable> {
        let mut sums: Vec<Variable> = Vec::new();
        for (i, term) in terms.enumerate() {
            let cumulative = self.variables.add(variable().min(0.0));
            let mut row = Expression::from(cumulative) - term;
            if i > 0 {
                row -= sums[i - 1];
            }
            self.constraints.push(row.eq(0.0));
            sums.push(cumulative);
        }
        sums
    }

    /// The rest-time variables of one rest for shifts starting at `starts` (whose
    /// running counts are `shifts_by`), and their conditions in cumulative form.
    fn rest_rows(
        &mut self,
        rest: &Rest,
        starts: &[u32],
        shifts_by: &[Variable],
    ) -> Vec<(u32, Column)> {
        let first = starts[0];
        let last = *starts.last().expect("non-empty");
        let times: Vec<(u32, Column)> = (first + rest.earliest_after_start
            ..=last + rest.latest_after_start)
            .step_by(self.input.slot as usize)
            .map(|time| (time, add_integer(self.variables, None)))
            .collect();
        let rests_by = self.cumulative(times.iter().map(|&(_, column)| column.var.into()));
        let all_shifts = *shifts_by.last().expect("non-empty");
        let all_rests = *rests_by.last().expect("non-empty");
        self.constraints
            .push((Expression::from(all_rests) - all_shifts).eq(0.0));
        for (i, &s) in starts.iter().enumerate() {
            // Rests by this shift's window end cover the shifts started by then.
            let by_end = times
                .iter()
                .rposition(|&(t, _)| t <= s + rest.latest_after_start)
                .expect("the first window ends inside the times");
            self.constraints
                .push((Expression::from(rests_by[by_end]) - shifts_by[i]).geq(0.0));
            // Rests before this shift's window start only serve earlier shifts.
            let from = times
                .iter()
                .position(|&(t, _)| t >= s + rest.earliest_after_start)
                .expect("every window starts inside the times");
            if from > 0 {
                let mut row = Expression::from(rests_by[from - 1]);
                if i > 0 {
                    row -= shifts_by[i - 1];
                }
                self.constraints.push(row.leq(0.0));
            }
        }
        times
    }

    /// Agents resting per slot.
    fn resting(&self, rest_times: &[PooledRest]) -> BTreeMap<usize, Expression> {
        let templates = &self.input.book.config.templates;
        let mut resting: BTreeMap<usize, Expression> = BTreeMap::new();
        for group in rest_times {
            let length = templates[group.template].rests()[group.rest].length;
            for &(time, column) in &group.times {
                for q in self.slots_of(group.day * 1440 + time, length) {
                    *resting.entry(q).or_default() += column.var;
                }
            }
        }
        resting
    }

    /// Group `g`'s presence per slot as a flow, adding it to `idle`, and its
    /// allocation to its queues, adding each share to `queue_slots` (and taking it
    /// from `idle`). Secondary skills are priced per agent-hour.
    fn presence(
        &mut self,
        g: usize,
        group: &SkillGroup,
        starts_of: &StartCounts,
        idle: &mut BTreeMap<usize, Expression>,
        queue_slots: &mut [BTreeMap<usize, Expression>],
    ) {
        let templates = &self.input.book.config.templates;
        let mut changes: BTreeMap<usize, Expression> = BTreeMap::new();
        let mut spanned: BTreeSet<usize> = BTreeSet::new();
        for (&(day, template, _), starts) in starts_of.iter().filter(|(k, _)| k.2 == g) {
            let span = templates[template].span_minutes();
            for (&s, (column, _)) in starts {
                let range = self.slots_of(day * 1440 + s, span);
                if range.is_empty() {
                    continue;
                }
                spanned.extend(range.clone());
                *changes.entry(range.start).or_default() += column.var;
                *changes.entry(range.end).or_default() -= column.var;
            }
        }
        let mut previous: Option<(usize, Variable)> = None;
        for &q in &spanned {
            let here = self.variables.add(variable().min(0.0));
            let mut flow = Expression::from(here);
            if let Some((p, before)) = previous {
                if p + 1 == q {
                    flow -= before;
                }
            }
            if let Some(change) = changes.get(&q) {
                flow -= change.clone();
            }
            self.constraints.push(flow.eq(0.0));
            previous = Some((q, here));
            *idle.entry(q).or_default() += here;
            if !group.queues.is_empty() {
                let allocated = self.allocation(group, q, queue_slots);
                *idle.entry(q).or_default() -= allocated.clone();
                self.constraints
                    .push((Expression::from(here) - allocated).geq(0.0));
            }
        }
    }

    /// The shares of a group's agents present in slot `q` given to each of its
    /// queues; returns their sum.
    fn allocation(
        &mut self,
        group: &SkillGroup,
        q: usize,
        queue_slots: &mut [BTreeMap<usize, Expression>],
    ) -> Expression {
        let weights = &self.input.book.contracts.soft;
        let slot_hours = f64::from(self.input.slot) / 60.0;
        let mut allocated = Expression::default();
        for &(k, priority) in &group.queues {
            let share = self.variables.add(variable().min(0.0));
            allocated += share;
            *queue_slots[k].entry(q).or_default() += share;
            if priority > 1 {
                let price =
                    weights.secondary_skill_per_agent_hour * f64::from(priority - 1) * slot_hours;
                self.objective.add_mul(price, share);
            }
        }
        allocated
    }

    /// Coverage per queue and interval of `days` (or per slot, see
    /// [`crate::mip::Coverage`]), with the convex shortfall.
    fn coverage_rows(
        &mut self,
        days: std::ops::Range<u32>,
        queue_slots: &[BTreeMap<usize, Expression>],
    ) {
        let config = self.input.book.config;
        let slot = self.input.slot;
        for (k, queue) in self.input.queues.iter().enumerate() {
            for demand in queue
                .demands
                .iter()
                .filter(|d| days.contains(&(d.wall_minute / 1440)))
            {
                let first = (demand.wall_minute / slot) as usize;
                let count = (demand.minutes / slot) as usize;
                if count == 0 || first + count > self.horizon_slots {
                    continue;
                }
                let slots: Vec<Option<&Expression>> = (first..first + count)
                    .map(|q| queue_slots[k].get(&q))
                    .collect();
                self.constraints.extend(coverage_rows(
                    self.variables,
                    self.objective,
                    demand,
                    &slots,
                    |covered, factor, slot| {
                        if let Some(expression) = slot {
                            covered.add_mul(factor, (*expression).clone());
                        }
                    },
                    config.penalties.prices(),
                    config.coverage,
                ));
            }
        }
    }
}
