//! The aggregate coverage block shared by the whole-horizon model and the bound's
//! relaxation: start counts per day, template and skill group, the pooled rests,
//! presence as a flow, the allocation to queues and the coverage rows.

use std::collections::BTreeMap;

use good_lp::{variable, Expression, ProblemVariables, Variable};

use super::types::{ModelInput, SkillGroup};
use crate::mip::{add_integer, coverage_slack, Column};

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
    constraints: &mut Vec<good_lp::Constraint>,
    objective: &mut Expression,
) -> Vec<PooledRest> {
    let book = input.book;
    let config = book.config;
    let slot = input.slot;
    let weights = &book.contracts.soft;
    // Pooled start counts per (day, template), cumulated in start order.
    let mut pooled: BTreeMap<(u32, usize), BTreeMap<u32, Expression>> = BTreeMap::new();
    for (&(day, template, _), starts) in starts_of {
        let entry = pooled.entry((day, template)).or_default();
        for (&s, (column, _)) in starts {
            *entry.entry(s).or_default() += column.var;
        }
    }
    let mut rest_times: Vec<PooledRest> = Vec::new();
    for (&(day, template), starts) in &pooled {
        let rests = config.templates[template].rests();
        if rests.is_empty() {
            continue;
        }
        let start_list: Vec<u32> = starts.keys().copied().collect();
        let mut shifts_by: Vec<Variable> = Vec::new();
        for (i, count) in starts.values().enumerate() {
            let cumulative = variables.add(variable().min(0.0));
            let mut row = Expression::from(cumulative) - count.clone();
            if i > 0 {
                row -= shifts_by[i - 1];
            }
            constraints.push(row.eq(0.0));
            shifts_by.push(cumulative);
        }
        let first = start_list[0];
        let last = *start_list.last().expect("non-empty");
        for (rest_index, rest) in rests.iter().enumerate() {
            let times: Vec<(u32, Column)> = (first + rest.earliest_after_start
                ..=last + rest.latest_after_start)
                .step_by(slot as usize)
                .map(|time| (time, add_integer(variables, None)))
                .collect();
            let mut rests_by: Vec<Variable> = Vec::new();
            for (j, &(_, column)) in times.iter().enumerate() {
                let cumulative = variables.add(variable().min(0.0));
                let mut row = Expression::from(cumulative) - column.var;
                if j > 0 {
                    row -= rests_by[j - 1];
                }
                constraints.push(row.eq(0.0));
                rests_by.push(cumulative);
            }
            let all_shifts = *shifts_by.last().expect("non-empty");
            let all_rests = *rests_by.last().expect("non-empty");
            constraints.push((Expression::from(all_rests) - all_shifts).eq(0.0));
            for (i, &s) in start_list.iter().enumerate() {
                // Rests by this shift's window end cover the shifts started by then.
                let by_end = times
                    .iter()
                    .rposition(|&(t, _)| t <= s + rest.latest_after_start)
                    .expect("the first window ends inside the times");
                constraints.push((Expression::from(rests_by[by_end]) - shifts_by[i]).geq(0.0));
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
                    constraints.push(row.leq(0.0));
                }
            }
            rest_times.push(PooledRest {
                day,
                template,
                rest: rest_index,
                times,
            });
        }
    }

    let horizon_slots = (book.horizon.days * 1440 / slot) as usize;
    let slots_of = |from: u32, minutes: u32| {
        let first = (from / slot) as usize;
        let last = (((from + minutes) / slot) as usize).min(horizon_slots);
        first..last.max(first)
    };
    let mut resting: BTreeMap<usize, Expression> = BTreeMap::new();
    for group in &rest_times {
        let length = config.templates[group.template].rests()[group.rest].length;
        for &(time, column) in &group.times {
            for q in slots_of(group.day * 1440 + time, length) {
                *resting.entry(q).or_default() += column.var;
            }
        }
    }
    // Presence per group and slot, as a flow.
    let mut idle: BTreeMap<usize, Expression> = BTreeMap::new();
    let mut queue_slots: Vec<BTreeMap<usize, Expression>> =
        vec![BTreeMap::new(); input.queues.len()];
    let slot_hours = f64::from(slot) / 60.0;
    for (g, group) in groups.iter().enumerate() {
        let mut changes: BTreeMap<usize, Expression> = BTreeMap::new();
        let mut spanned: std::collections::BTreeSet<usize> = std::collections::BTreeSet::new();
        for (&(day, template, _), starts) in starts_of.iter().filter(|(k, _)| k.2 == g) {
            let span = config.templates[template].span_minutes();
            for (&s, (column, _)) in starts {
                let range = slots_of(day * 1440 + s, span);
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
            let here = variables.add(variable().min(0.0));
            let mut flow = Expression::from(here);
            if let Some((p, before)) = previous {
                if p + 1 == q {
                    flow -= before;
                }
            }
            if let Some(change) = changes.get(&q) {
                flow -= change.clone();
            }
            constraints.push(flow.eq(0.0));
            previous = Some((q, here));
            *idle.entry(q).or_default() += here;
            if group.queues.is_empty() {
                continue;
            }
            let mut allocated = Expression::default();
            for &(k, priority) in &group.queues {
                let share = variables.add(variable().min(0.0));
                allocated += share;
                *queue_slots[k].entry(q).or_default() += share;
                if priority > 1 {
                    objective.add_mul(
                        weights.secondary_skill_per_agent_hour
                            * f64::from(priority - 1)
                            * slot_hours,
                        share,
                    );
                }
            }
            *idle.entry(q).or_default() -= allocated.clone();
            constraints.push((Expression::from(here) - allocated).geq(0.0));
        }
    }
    for (q, rests) in resting {
        let free = idle.remove(&q).unwrap_or_default() - rests;
        constraints.push(free.geq(0.0));
    }
    // Coverage per queue and interval of the days, convex shortfall.
    let penalties = &config.penalties;
    for (k, queue) in input.queues.iter().enumerate() {
        for demand in queue
            .demands
            .iter()
            .filter(|d| days.contains(&(d.wall_minute / 1440)))
        {
            let first = (demand.wall_minute / slot) as usize;
            let count = (demand.minutes / slot) as usize;
            if count == 0 || first + count > horizon_slots {
                continue;
            }
            let slack = coverage_slack(
                variables,
                objective,
                demand.required,
                f64::from(demand.minutes) / 60.0,
                penalties.prices(),
            );
            let mut covered = Expression::default();
            for q in first..first + count {
                if let Some(expression) = queue_slots[k].get(&q) {
                    covered.add_mul(1.0 / count as f64, expression.clone());
                }
            }
            constraints.push((covered + slack).eq(demand.required));
        }
    }
    rest_times
}
