//! From solved shifts to what planners read: each agent's queue per slot, the roster
//! rows, coverage per queue, per-agent figures, the roster's true cost and, where
//! requirements stay unmet, which rules bind.

use std::collections::BTreeMap;
use std::io::Write;

use super::check::{Activity, RosterRow, ROSTER_COLUMNS};
use super::inputs::{skills_cell, AvailabilityKind};
use super::routing::Routing;
use super::rules::{paid_hours, AgentStats, RuleBook, WorkedShift};
use super::types::{working_slots, ModelSolution, QueueDemand, QueuePlan, SkillGroup};
use crate::error::{Error, Result};
use crate::mip::{slack_cost, Coverage};
use crate::units::format_clock_minutes;
use crate::units::format_number;

/// Hands out queues: per group and slot, the solver's allocation rounded to whole
/// agents by largest remainder (ties to the queue listed first); agents keep the
/// previous slot's queue while its quota lasts, so they switch queues rarely.
pub fn hand_out_queues(book: &RuleBook, solution: &ModelSolution, slot: u32) -> QueuePlan {
    let group_of = solution.group_of(book.agents.len());
    let mut on_duty: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for shift in &solution.shifts {
        for s in working_slots(book, shift, slot) {
            on_duty
                .entry((group_of[shift.agent], s))
                .or_default()
                .push(shift.agent);
        }
    }
    let mut plan = QueuePlan::new();
    for ((g, s), mut agents) in on_duty {
        agents.sort_unstable();
        let group: &SkillGroup = &solution.groups[g];
        if group.queues.len() <= 1 {
            let queue = group.queues.first().map(|&(k, _)| k);
            for a in agents {
                plan.insert((a, s), queue);
            }
            continue;
        }
        let shares = solution.allocation[g].get(&s);
        let quotas = round_shares(
            shares.map(|v| v.as_slice()).unwrap_or(&[]),
            group.queues.len(),
            agents.len(),
        );
        let mut left = quotas.clone();
        let mut unplaced = Vec::new();
        for &a in &agents {
            let previous = s
                .checked_sub(1)
                .and_then(|p| plan.get(&(a, p)).copied().flatten());
            let position = previous.and_then(|k| group.queues.iter().position(|&(q, _)| q == k));
            match position {
                Some(i) if left[i] > 0 => {
                    left[i] -= 1;
                    plan.insert((a, s), Some(group.queues[i].0));
                }
                _ => unplaced.push(a),
            }
        }
        for a in unplaced {
            let i = left.iter().position(|&n| n > 0).unwrap_or(0);
            left[i] = left[i].saturating_sub(1);
            plan.insert((a, s), Some(group.queues[i].0));
        }
    }
    plan
}

/// Whole numbers adding up to `total`, closest to `shares` (largest remainder); all to
/// the first when the shares do not match `len` or are all zero.
fn round_shares(shares: &[f64], len: usize, total: usize) -> Vec<usize> {
    if shares.len() != len || shares.iter().sum::<f64>() <= 0.0 {
        let mut even = vec![0; len];
        if len > 0 {
            even[0] = total;
        }
        return even;
    }
    crate::units::largest_remainders(shares, total)
}

/// The roster's shifts in the form of `shifts.csv` (`wfm schedule`'s output), so a plan
/// with named agents writes a `shifts.csv` that agrees with its `roster.csv`.
pub fn shift_rows(book: &RuleBook, shifts: &[WorkedShift]) -> Vec<crate::schedule::ShiftRow> {
    crate::schedule::count_shift_rows(
        book.config,
        book.horizon.start,
        shifts
            .iter()
            .map(|s| (s.template, s.day, s.start, s.rest_starts.as_slice())),
    )
}

/// The roster rows: per agent and day, the shift cut into one row per queue run,
/// each lunch and break, or a whole-day `off` / `leave` row; partial leave as a
/// timed `leave` row.
pub fn roster_rows(
    book: &RuleBook,
    shifts: &[WorkedShift],
    plan: &QueuePlan,
    queues: &[QueueDemand],
    slot: u32,
    routing: Routing,
) -> Vec<RosterRow> {
    let mut rows = Vec::new();
    let mut worked: BTreeMap<(usize, u32), &WorkedShift> = BTreeMap::new();
    for shift in shifts {
        worked.insert((shift.agent, shift.day), shift);
    }
    for (agent_index, agent) in book.agents.iter().enumerate() {
        let fallback_queue = agent.skills[0].queue.clone();
        let logged_in = skills_cell(&agent.skills);
        for day in 0..book.horizon.days {
            let date = book.horizon.date(day);
            let row = |activity, start: Option<u32>, end: Option<u32>, queue: String| RosterRow {
                agent_id: agent.id.clone(),
                date,
                start,
                activity,
                end,
                queue,
            };
            for leave in book.availability[agent_index]
                .iter()
                .filter(|r| r.kind == AvailabilityKind::Leave && r.date == date)
            {
                rows.push(row(
                    Activity::Leave,
                    leave.window.map(|w| w.0),
                    leave.window.map(|w| w.1),
                    String::new(),
                ));
            }
            let Some(shift) = worked.get(&(agent_index, day)) else {
                let on_leave = book.availability[agent_index].iter().any(|r| {
                    r.kind == AvailabilityKind::Leave && r.date == date && r.window.is_none()
                });
                if !on_leave {
                    rows.push(row(Activity::Off, None, None, String::new()));
                }
                continue;
            };
            let template = &book.config.templates[shift.template];
            let midnight = day * 1440;
            let rests: Vec<(u32, u32, Activity)> = template
                .rests()
                .iter()
                .zip(&shift.rest_starts)
                .enumerate()
                .map(|(i, (rest, &start))| {
                    let kind = if i == 0 && template.lunch.is_some() {
                        Activity::Lunch
                    } else {
                        Activity::Break
                    };
                    (start, start + rest.length, kind)
                })
                .collect();
            for &(start, end, kind) in &rests {
                rows.push(row(kind, Some(start), Some(end), String::new()));
            }
            // Runs of working slots on one queue.
            let mut current: Option<(u32, u32, String)> = None;
            for s in working_slots(book, shift, slot) {
                let minute = s as u32 * slot - midnight;
                let queue = if routing == Routing::Skills {
                    logged_in.clone()
                } else {
                    queue_name(plan, (agent_index, s), queues, &current, &fallback_queue)
                };
                match &mut current {
                    Some((_, end, q)) if *end == minute && *q == queue => *end += slot,
                    _ => {
                        if let Some((from, to, q)) = current.take() {
                            rows.push(row(Activity::Shift, Some(from), Some(to), q));
                        }
                        current = Some((minute, minute + slot, queue));
                    }
                }
            }
            if let Some((from, to, q)) = current {
                rows.push(row(Activity::Shift, Some(from), Some(to), q));
            }
        }
    }
    rows.sort();
    rows
}

/// The queue an agent's slot is handed to; an agent without a demanded queue stays on
/// its current run's queue (or its primary skill).
fn queue_name(
    plan: &QueuePlan,
    key: (usize, usize),
    queues: &[QueueDemand],
    current: &Option<(u32, u32, String)>,
    fallback: &str,
) -> String {
    plan.get(&key).copied().flatten().map_or_else(
        || {
            current
                .as_ref()
                .map_or(fallback.to_string(), |c| c.2.clone())
        },
        |k| queues[k].queue.clone(),
    )
}

/// Writes `roster.csv`.
pub fn write_roster_csv(rows: &[RosterRow], out: &mut dyn Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let io = |e: csv::Error| Error::write("roster.csv", e.into());
    writer.write_record(ROSTER_COLUMNS).map_err(io)?;
    let clock = |t: Option<u32>| t.map(format_clock_minutes).unwrap_or_default();
    for row in rows {
        writer
            .write_record([
                row.agent_id.clone(),
                row.date.format("%Y-%m-%d").to_string(),
                row.activity.label().to_string(),
                clock(row.start),
                clock(row.end),
                row.queue.clone(),
            ])
            .map_err(io)?;
    }
    writer.flush().map_err(|e| Error::write("roster.csv", e))
}

/// One line of the per-agent summary.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    pub agent_id: String,
    pub name: String,
    pub contract: String,
    pub stats: AgentStats,
}

/// Columns of `agents_summary.csv`.
pub const SUMMARY_COLUMNS: [&str; 13] = [
    "agent_id",
    "name",
    "contract",
    "paid_hours",
    "leave_hours",
    "days",
    "leave_days",
    "weekends",
    "early_shifts",
    "late_shifts",
    "preferences",
    "preferences_honoured",
    "isolated_days_off",
];

pub fn summary_rows(book: &RuleBook, shifts: &[WorkedShift]) -> Vec<SummaryRow> {
    book.stats(shifts)
        .into_iter()
        .enumerate()
        .map(|(a, stats)| SummaryRow {
            agent_id: book.agents[a].id.clone(),
            name: book.agents[a].name.clone(),
            contract: book.contract(a).name.clone(),
            stats,
        })
        .collect()
}

/// Writes the per-agent summary CSV.
pub fn write_summary_csv(rows: &[SummaryRow], out: &mut dyn Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let io = |e: csv::Error| Error::write("agents_summary.csv", e.into());
    writer.write_record(SUMMARY_COLUMNS).map_err(io)?;
    for row in rows {
        let s = &row.stats;
        writer
            .write_record([
                row.agent_id.clone(),
                row.name.clone(),
                row.contract.clone(),
                format_number(s.hours, 2),
                format_number(s.leave_hours, 2),
                s.days.to_string(),
                s.leave_days.to_string(),
                s.weekends.to_string(),
                s.early.to_string(),
                s.late.to_string(),
                s.preferences.to_string(),
                s.preferences_honoured.to_string(),
                s.isolated_days_off.to_string(),
            ])
            .map_err(io)?;
    }
    writer
        .flush()
        .map_err(|e| Error::write("agents_summary.csv", e))
}

/// The roster's objective, recomputed from the final roster with the model's prices:
/// paid cost, shortfall (convex) and surplus penalties, secondary-skill time, and the
/// soft goals. `scheduled` is agents per queue and requirement interval, `slots` the
/// agents in each model slot of it (what [`crate::mip::Coverage::Slot`] prices).
pub struct CostInputs<'a> {
    pub book: &'a RuleBook<'a>,
    pub shifts: &'a [WorkedShift],
    pub stats: &'a [AgentStats],
    pub queues: &'a [QueueDemand],
    pub scheduled: &'a [Vec<f64>],
    pub slots: &'a [Vec<Vec<f64>>],
    pub secondary_hours: f64,
}

/// The parts of a roster's cost.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RosterCost {
    pub paid: f64,
    pub shortfall: f64,
    pub surplus: f64,
    pub soft: f64,
}

impl RosterCost {
    pub fn total(&self) -> f64 {
        self.paid + self.shortfall + self.surplus + self.soft
    }
}

pub fn roster_cost(inputs: &CostInputs) -> RosterCost {
    let book = inputs.book;
    let config = book.config;
    let weights = &book.contracts.soft;
    let mut cost = RosterCost {
        paid: inputs
            .shifts
            .iter()
            .map(|s| config.templates[s.template].shift_cost())
            .sum(),
        ..RosterCost::default()
    };
    let prices = config.penalties.prices();
    for ((queue, scheduled), slots) in inputs.queues.iter().zip(inputs.scheduled).zip(inputs.slots)
    {
        for ((demand, &agents), slots) in queue.demands.iter().zip(scheduled).zip(slots) {
            let hours = f64::from(demand.minutes) / 60.0;
            let parts: Vec<(f64, f64)> = match config.coverage {
                Coverage::Interval => vec![(agents, hours)],
                Coverage::Slot => slots
                    .iter()
                    .map(|&slot| (slot, hours / slots.len() as f64))
                    .collect(),
            };
            for (agents, hours) in parts {
                let (short, over) = slack_cost(demand.required, agents, hours, prices);
                cost.shortfall += short;
                cost.surplus += over;
            }
        }
    }
    cost.soft += weights.secondary_skill_per_agent_hour * inputs.secondary_hours;
    let mut by_contract: BTreeMap<usize, Vec<&AgentStats>> = BTreeMap::new();
    for (a, stats) in inputs.stats.iter().enumerate() {
        cost.soft += weights.preference * f64::from(stats.preferences - stats.preferences_honoured);
        cost.soft += weights.isolated_day_off * f64::from(stats.isolated_days_off);
        by_contract
            .entry(book.agents[a].contract)
            .or_default()
            .push(stats);
    }
    for members in by_contract.values() {
        let max = |f: &dyn Fn(&AgentStats) -> f64| members.iter().map(|s| f(s)).fold(0.0, f64::max);
        let min = |f: &dyn Fn(&AgentStats) -> f64| {
            members.iter().map(|s| f(s)).fold(f64::INFINITY, f64::min)
        };
        cost.soft += weights.weekend_spread * max(&|s| f64::from(s.weekends));
        cost.soft += weights.early_late_spread
            * (max(&|s| f64::from(s.early)) + max(&|s| f64::from(s.late)));
        cost.soft += weights.hours_spread_per_hour
            * (max(&|s| s.hours + s.leave_hours) - min(&|s| s.hours + s.leave_hours));
    }
    cost
}

/// Why a run of short intervals stays short: the queue's skilled agents counted by
/// what keeps each from it. Kept as counts (not prose) so that `summary.json` can
/// carry them as codes and the report can tabulate them; `Display` gives the line
/// `wfm roster` prints.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShortfallCauses {
    /// Agents with the queue's skill.
    pub skilled: u32,
    /// Rostered on the queue during the run (the run is short despite them).
    pub on_queue: u32,
    /// Working other queues or other hours that day.
    pub other_work: u32,
    /// Unavailable or on leave.
    pub unavailable: u32,
    /// No template of their contract covers the run's start.
    pub no_template: u32,
    /// Rules a shift covering the run would break, with the agents each blocks.
    pub blocked: BTreeMap<String, u32>,
    /// Free, and no rule stops them: not rostered because an agent costs more
    /// than the shortfall penalty saves.
    pub not_rostered_cost: u32,
}

/// One cause of a shortfall as a code and the agents it holds back; `rule` names
/// the binding rule of a `rule` cause.
#[derive(Debug, Clone, PartialEq)]
pub struct CauseCount {
    pub code: &'static str,
    pub rule: Option<String>,
    pub agents: u32,
}

impl ShortfallCauses {
    /// The causes with at least one agent, in the order the line names them.
    pub fn counts(&self) -> Vec<CauseCount> {
        let plain = |code: &'static str, agents: u32| CauseCount {
            code,
            rule: None,
            agents,
        };
        let mut counts = vec![
            plain("on_queue", self.on_queue),
            plain("other_work", self.other_work),
            plain("unavailable", self.unavailable),
            plain("no_template", self.no_template),
        ];
        counts.extend(self.blocked.iter().map(|(rule, &agents)| CauseCount {
            code: "rule",
            rule: Some(rule.clone()),
            agents,
        }));
        counts.push(plain("not_rostered_cost", self.not_rostered_cost));
        counts.retain(|c| c.agents > 0);
        counts
    }
}

impl ShortfallCauses {
    /// The causes as `wfm roster` prints them: `94 agents have skill sales; 21 work
    /// it; …; blocked by min_rest (2); 3 free but not rostered (cost)`.
    pub fn describe(&self, queue_name: &str) -> String {
        let mut parts = vec![format!("{} agents have skill {queue_name}", self.skilled)];
        let counted = [
            (self.on_queue, "work it"),
            (self.other_work, "work other queues or hours that day"),
            (self.unavailable, "are unavailable or on leave"),
            (self.no_template, "have no template covering these hours"),
        ];
        for (agents, what) in counted {
            if agents > 0 {
                parts.push(format!("{agents} {what}"));
            }
        }
        if !self.blocked.is_empty() {
            let rules: Vec<String> = self
                .blocked
                .iter()
                .map(|(rule, n)| format!("{rule} ({n})"))
                .collect();
            parts.push(format!("blocked by {}", rules.join(", ")));
        }
        if self.not_rostered_cost > 0 {
            parts.push(format!(
                "{} free but not rostered (cost)",
                self.not_rostered_cost
            ));
        }
        parts.join("; ")
    }
}

#[allow(clippy::too_many_arguments)]
/// Why a run of short intervals stays short: counts of the queue's agents by what
/// keeps them from it, with the binding rules named.
pub fn explain_shortfall(
    book: &RuleBook,
    shifts: &[WorkedShift],
    plan: &QueuePlan,
    queue: usize,
    queue_name: &str,
    day: u32,
    minutes: (u32, u32),
    slot: u32,
) -> ShortfallCauses {
    let mut causes = ShortfallCauses::default();
    let first_slot = ((day * 1440 + minutes.0) / slot) as usize;
    let last_slot = ((day * 1440 + minutes.1) / slot) as usize;
    for (a, agent) in book.agents.iter().enumerate() {
        if !agent.has_skill(queue_name) {
            continue;
        }
        causes.skilled += 1;
        let own: Vec<WorkedShift> = shifts.iter().filter(|s| s.agent == a).cloned().collect();
        let on_queue = (first_slot..last_slot).any(|s| plan.get(&(a, s)) == Some(&Some(queue)));
        if on_queue {
            causes.on_queue += 1;
            continue;
        }
        if own.iter().any(|s| s.day == day) {
            causes.other_work += 1;
            continue;
        }
        // Shifts of the contract that would cover the start of the run.
        let mut candidates = Vec::new();
        let mut any_template = false;
        for &t in &book.contract(a).templates {
            let template = &book.config.templates[t];
            for start in template.starts() {
                if start <= minutes.0 && start + template.span_minutes() >= minutes.0 + slot {
                    any_template = true;
                    if book.shift_allowed(a, day, t, start) {
                        candidates.push((t, start));
                    }
                }
            }
        }
        if !any_template {
            causes.no_template += 1;
            continue;
        }
        if candidates.is_empty() {
            causes.unavailable += 1;
            continue;
        }
        let mut fewest: Option<Vec<String>> = None;
        for (t, start) in candidates {
            let mut trial = own.clone();
            trial.push(WorkedShift {
                agent: a,
                day,
                template: t,
                start,
                rest_starts: Vec::new(),
            });
            let mut rules: Vec<String> = book
                .violations(&trial)
                .into_iter()
                .filter(|v| v.rule != "min_hours_per_week")
                .map(|v| v.rule)
                .collect();
            rules.sort();
            rules.dedup();
            if fewest.as_ref().is_none_or(|f| rules.len() < f.len()) {
                fewest = Some(rules);
            }
        }
        match fewest {
            Some(rules) if !rules.is_empty() => {
                for rule in rules {
                    *causes.blocked.entry(rule).or_default() += 1;
                }
            }
            _ => causes.not_rostered_cost += 1,
        }
    }
    causes
}

/// Paid hours of a set of shifts.
pub fn total_paid_hours(book: &RuleBook, shifts: &[WorkedShift]) -> f64 {
    shifts
        .iter()
        .map(|s| paid_hours(&book.config.templates[s.template]))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder_keeps_the_total() {
        assert_eq!(round_shares(&[1.5, 1.5], 2, 3), vec![2, 1]);
        assert_eq!(round_shares(&[0.2, 2.8], 2, 3), vec![0, 3]);
        assert_eq!(round_shares(&[], 2, 2), vec![2, 0]);
        assert_eq!(round_shares(&[1.0, 1.0, 1.0], 3, 3), vec![1, 1, 1]);
    }
}
