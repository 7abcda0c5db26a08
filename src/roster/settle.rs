//! Settling each day once the agents' shifts are fixed: where each group's lunches and
//! breaks go and how its agents split over its queues, as a small integer program per
//! day (the schedule's Bechtold-Jacobs rests, now per skill group, with constant
//! shift counts, and the per-slot queue allocation with the convex shortfall). The
//! roster model pooled rests over groups to stay small; this makes them exact per
//! group. Days are settled in order, so a shift that runs past midnight counts on the
//! next day with its rests already placed.

use std::collections::BTreeMap;

use good_lp::solvers::highs::highs;
use good_lp::{variable, Expression, ProblemVariables, SolverModel, Variable};

use super::rules::WorkedShift;
use super::summary::working_slots;
use super::types::{ModelInput, SkillGroup, StartedShift};
use crate::error::Result;
use crate::mip::{
    add_integer, coverage_slack, hand_out_rests, implicit_rest_constraints, run_mip, Column,
    HighsRun, SolverLimits,
};

/// Each day's settlement is small; this caps a pathological one.
const DAY_TIME_LIMIT_SECONDS: f64 = 20.0;

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

/// Settles one day: returns its shifts with rests and the groups' allocations.
fn settle_day(
    input: &ModelInput,
    groups: &[SkillGroup],
    group_of: &[usize],
    day: u32,
    today: &[&StartedShift],
    carried: &[Vec<f64>],
) -> Result<(Vec<WorkedShift>, DayShares)> {
    let book = input.book;
    let config = book.config;
    let slot = input.slot;
    let first_slot = (day * 1440 / slot) as usize;
    let day_len = (1440 / slot) as usize;
    let mut counts: BTreeMap<(usize, usize), BTreeMap<u32, f64>> = BTreeMap::new();
    for &&(agent, _, template, start) in today {
        *counts
            .entry((template, group_of[agent]))
            .or_default()
            .entry(start)
            .or_default() += 1.0;
    }
    let mut variables = ProblemVariables::new();
    let mut blocks: Vec<RestBlock> = Vec::new();
    for (&(template, group), starts) in &counts {
        let first = *starts.keys().next().expect("non-empty");
        let last = *starts.keys().next_back().expect("non-empty");
        for (rest_index, rest) in config.templates[template].rests().iter().enumerate() {
            let times = (first + rest.earliest_after_start..=last + rest.latest_after_start)
                .step_by(slot as usize)
                .map(|time| (time, add_integer(&mut variables, None)))
                .collect();
            blocks.push(RestBlock {
                template,
                group,
                rest: rest_index,
                times,
            });
        }
    }
    let mut constraints = Vec::new();
    for block in &blocks {
        let rest = config.templates[block.template].rests()[block.rest];
        let shifts: Vec<(u32, Expression)> = counts[&(block.template, block.group)]
            .iter()
            .map(|(&s, &n)| (s, Expression::from(n)))
            .collect();
        let times: Vec<(u32, Variable)> = block.times.iter().map(|&(t, c)| (t, c.var)).collect();
        constraints.extend(implicit_rest_constraints(rest, &shifts, &times));
    }
    // On duty per group and slot of the day: present agents minus rests.
    let mut on_duty: Vec<Vec<Expression>> = carried
        .iter()
        .map(|slots| slots.iter().map(|&n| Expression::from(n)).collect())
        .collect();
    let mut busy = vec![vec![false; day_len]; groups.len()];
    for (g, slots) in carried.iter().enumerate() {
        for (i, &n) in slots.iter().enumerate() {
            busy[g][i] = n > 0.0;
        }
    }
    let in_day = |minute: u32| {
        let q = (day * 1440 + minute) / slot;
        (q as usize)
            .checked_sub(first_slot)
            .filter(|&i| i < day_len)
    };
    for (&(template, g), starts) in &counts {
        let span = config.templates[template].span_minutes();
        for (&s, &n) in starts {
            for minute in (s..s + span).step_by(slot as usize) {
                if let Some(i) = in_day(minute) {
                    on_duty[g][i] += n;
                    busy[g][i] = true;
                }
            }
        }
    }
    for block in &blocks {
        let length = config.templates[block.template].rests()[block.rest].length;
        for &(time, column) in &block.times {
            for minute in (time..time + length).step_by(slot as usize) {
                if let Some(i) = in_day(minute) {
                    on_duty[block.group][i] -= column.var;
                }
            }
        }
    }
    let integer_variables = variables.len();
    let mut objective = Expression::default();
    let slot_hours = f64::from(slot) / 60.0;
    let weights = &book.contracts.soft;
    let mut queue_slots: Vec<Vec<Expression>> =
        vec![vec![Expression::default(); day_len]; input.queues.len()];
    let mut shares: Vec<BTreeMap<usize, Vec<Column>>> = vec![BTreeMap::new(); groups.len()];
    for (g, group) in groups.iter().enumerate() {
        for i in 0..day_len {
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
                let index = variables.len();
                let var = variables.add(variable().min(0.0));
                allocated += var;
                queue_slots[k][i] += var;
                if priority > 1 {
                    objective.add_mul(
                        weights.secondary_skill_per_agent_hour
                            * f64::from(priority - 1)
                            * slot_hours,
                        var,
                    );
                }
                columns.push(Column { var, index });
            }
            constraints.push((allocated - on_duty[g][i].clone()).eq(0.0));
            shares[g].insert(first_slot + i, columns);
        }
    }
    let penalties = &config.penalties;
    for (k, queue) in input.queues.iter().enumerate() {
        for demand in queue.demands.iter().filter(|d| d.wall_minute / 1440 == day) {
            let first = ((demand.wall_minute % 1440) / slot) as usize;
            let count = (demand.minutes / slot) as usize;
            if count == 0 || first + count > day_len {
                continue;
            }
            let slack = coverage_slack(
                &mut variables,
                &mut objective,
                demand.required,
                f64::from(demand.minutes) / 60.0,
                penalties.prices(),
            );
            let mut covered = Expression::default();
            for expression in &queue_slots[k][first..first + count] {
                covered.add_mul(1.0 / count as f64, expression.clone());
            }
            constraints.push((covered + slack).eq(demand.required));
        }
    }
    let values = if integer_variables == 0 && shares.iter().all(|s| s.is_empty()) {
        Vec::new()
    } else {
        let mut problem = highs(variables.minimise(objective));
        for constraint in constraints {
            problem.add_constraint(constraint);
        }
        run_mip(
            problem,
            SolverLimits {
                time_limit_seconds: DAY_TIME_LIMIT_SECONDS,
                mip_gap: 1e-4,
            },
            HighsRun::default(),
            "the rests of the rostered shifts cannot be placed",
        )?
        .values
    };
    // Hand out each (template, group)'s rests to its agents, earliest deadline first.
    let mut shifts = Vec::new();
    for &(template, g) in counts.keys() {
        let mut members: Vec<(u32, usize)> = today
            .iter()
            .filter(|s| s.2 == template && group_of[s.0] == g)
            .map(|s| (s.3, s.0))
            .collect();
        members.sort_unstable();
        let rests = config.templates[template].rests();
        let starts: Vec<u32> = members.iter().map(|&(start, _)| start).collect();
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
            let handed = hand_out_rests(rests[block.rest], &starts, &times)?;
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
