//! How calls reach the rostered agents, and the queue hand-out that follows from it.
//!
//! - `assigned`: the phone system offers an agent only the calls of the queue the
//!   roster names for that time. A multi-skilled agent's queue may change only at a
//!   lunch or break, or after at least `min_queue_block` on one queue: each working
//!   stretch between rests is cut into blocks of that length (a short remainder joins
//!   the block before it) and every block goes to one queue. The blocks are handed out
//!   per day by a small integer program ([`hand_out_blocks`]) against each queue's
//!   requirement in every slot, with the schedule's convex shortfall: agents of a skill
//!   group with the same blocks are interchangeable, so it counts agents per queue and
//!   block instead of naming them. Coverage and the projected service level count each
//!   agent on the queue of its block.
//! - `skills`: the agent is logged into every skill and each call goes to the
//!   longest-idle eligible agent. `roster.csv` then names the skills logged in, and
//!   coverage counts the solver's split of the agents over their queues: the best
//!   static split, which skill-based routing matches or beats (pooling only helps), so
//!   the projection errs on the safe side; the simulation measures the difference.

use std::collections::BTreeMap;

use good_lp::{Expression, ProblemVariables};

use super::types::{working_slots, QueuePlan};
use super::types::{ModelInput, ModelSolution, SkillGroup};
use crate::error::Result;
use crate::mip::{add_integer, coverage_slack, solve_day_model, Column};

/// How much more moving an agent-block off its published queue costs on a frozen day
/// than on a later one: the published queues are kept whenever they fit.
const FROZEN_QUEUE_WEIGHT: f64 = 1000.0;

/// The price of an agent-hour handed to a queue with no calls in that slot (closed,
/// or no forecast calls), per agent-hour: above the sample's secondary-skill price
/// (`secondary_skill_per_agent_hour` = 0.01 per priority step), so an agent whose
/// shift starts before its preferred queue opens answers another of its queues
/// meanwhile instead of waiting on a closed one, and far below any shortfall price,
/// so coverage still decides. Without it the sample December handed 97 agent-hours
/// to sales before 09:00 and after 18:00, when sales takes no calls. Measured on the
/// roster bench's routing case (`cargo test --bench roster`, docs/benchmarks.md):
/// idle agent-hours 62.25 at 0, 61.25 at 0.005, 11.75 at 0.02, 5.25 at 0.1 and at 1.0.
const IDLE_QUEUE_PER_AGENT_HOUR: f64 = 0.1;

/// The default `min_queue_block`: an hour on one queue, the block most ACDs' agent
/// state reports use, long enough that agents are not switched every quarter-hour.
pub const DEFAULT_MIN_QUEUE_BLOCK_MINUTES: u32 = 60;

/// How the phone system routes calls (defined with the schedule, which projects
/// service levels under it too).
pub use crate::schedule::Routing;

/// The declared routing with the rule that goes with `assigned`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoutingRules {
    pub routing: Routing,
    /// With `assigned`: the shortest time on one queue before a change that is not
    /// at a lunch or break, minutes.
    pub min_queue_block_minutes: u32,
}

impl Default for RoutingRules {
    fn default() -> Self {
        RoutingRules {
            routing: Routing::Assigned,
            min_queue_block_minutes: DEFAULT_MIN_QUEUE_BLOCK_MINUTES,
        }
    }
}

/// A range of horizon slots `[start, end)`.
type SlotRange = (usize, usize);

/// Cuts working slots (sorted) into blocks: each stretch without a rest in blocks of
/// `block_slots`, a remainder shorter than that joined to the block before it.
pub fn blocks_of(working: &[usize], block_slots: usize) -> Vec<SlotRange> {
    let block_slots = block_slots.max(1);
    let mut blocks = Vec::new();
    let mut stretch_start = 0;
    for i in 1..=working.len() {
        if i == working.len() || working[i] != working[i - 1] + 1 {
            let (from, to) = (working[stretch_start], working[i - 1] + 1);
            let mut cut = from;
            while to - cut >= 2 * block_slots {
                blocks.push((cut, cut + block_slots));
                cut += block_slots;
            }
            blocks.push((cut, to));
            stretch_start = i;
        }
    }
    if working.is_empty() {
        blocks.clear();
    }
    blocks
}

/// Per start day: the agents of multi-queue groups by (group, blocks).
type DayPatterns = BTreeMap<u32, BTreeMap<(usize, Vec<SlotRange>), Vec<usize>>>;

/// Agents of one skill group whose shifts have the same blocks.
struct Pattern {
    group: usize,
    blocks: Vec<SlotRange>,
    agents: Vec<usize>,
}

/// Hands out queues under `assigned` routing: every agent keeps one queue per block
/// (see the module docs). Agents of single-queue groups get their queue; agents with
/// no demanded queue get `None`.
pub fn hand_out_blocks(
    input: &ModelInput,
    solution: &ModelSolution,
    min_queue_block_minutes: u32,
) -> Result<QueuePlan> {
    let book = input.book;
    let slot = input.slot;
    let horizon_slots = (book.horizon.days * 1440 / slot) as usize;
    let block_slots = min_queue_block_minutes.div_ceil(slot) as usize;
    let group_of = solution.group_of(book.agents.len());
    let mut plan = QueuePlan::new();
    let mut fixed = vec![vec![0.0; horizon_slots]; input.queues.len()];
    let mut by_day: DayPatterns = BTreeMap::new();
    for shift in &solution.shifts {
        let group = &solution.groups[group_of[shift.agent]];
        let working = working_slots(book, shift, slot);
        if group.queues.len() <= 1 {
            let queue = group.queues.first().map(|&(k, _)| k);
            for s in working {
                plan.insert((shift.agent, s), queue);
                if let (Some(k), true) = (queue, s < horizon_slots) {
                    fixed[k][s] += 1.0;
                }
            }
            continue;
        }
        by_day
            .entry(shift.day)
            .or_default()
            .entry((group_of[shift.agent], blocks_of(&working, block_slots)))
            .or_default()
            .push(shift.agent);
    }
    let required = slot_requirements(input, horizon_slots);
    for (_, patterns) in by_day {
        let patterns: Vec<Pattern> = patterns
            .into_iter()
            .map(|((group, blocks), agents)| Pattern {
                group,
                blocks,
                agents,
            })
            .collect();
        let published = published_positions(input, &solution.groups, &patterns);
        let mut day = DayHandOut::new(input, &solution.groups, &required, horizon_slots);
        day.keep_published(&patterns, &published);
        let counts = day.solve(&patterns, &fixed)?;
        assign_agents(
            &patterns,
            &solution.groups,
            &counts,
            &published,
            &mut plan,
            &mut fixed,
        );
    }
    Ok(plan)
}

/// Per pattern, block and agent of the pattern: the position in the group's queues
/// of the queue the agent was published on for the whole block (re-plans only).
type PublishedPositions = Vec<Vec<Vec<Option<usize>>>>;

fn published_positions(
    input: &ModelInput,
    groups: &[SkillGroup],
    patterns: &[Pattern],
) -> PublishedPositions {
    let book = input.book;
    let slot = i64::from(input.slot);
    patterns
        .iter()
        .map(|pattern| {
            let queues = &groups[pattern.group].queues;
            pattern
                .blocks
                .iter()
                .map(|&(from, to)| {
                    pattern
                        .agents
                        .iter()
                        .map(|&agent| {
                            let name =
                                book.published_queue(agent, from as i64 * slot, to as i64 * slot)?;
                            queues
                                .iter()
                                .position(|&(k, _)| input.queues[k].queue == name)
                        })
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// Per queue and horizon slot: the requirement of the interval holding the slot.
fn slot_requirements(input: &ModelInput, horizon_slots: usize) -> Vec<Vec<Option<f64>>> {
    let slot = input.slot;
    input
        .queues
        .iter()
        .map(|queue| {
            let mut required = vec![None; horizon_slots];
            for demand in &queue.demands {
                let first = (demand.wall_minute / slot) as usize;
                let count = (demand.minutes / slot) as usize;
                for cell in required.iter_mut().skip(first).take(count) {
                    *cell = Some(demand.required);
                }
            }
            required
        })
        .collect()
}

/// One day's hand-out model: per pattern, block and queue of the group, an integer
/// count of the pattern's agents on that queue for that block.
struct DayHandOut<'a> {
    input: &'a ModelInput<'a>,
    groups: &'a [SkillGroup],
    required: &'a [Vec<Option<f64>>],
    horizon_slots: usize,
    variables: ProblemVariables,
    objective: Expression,
    constraints: Vec<good_lp::Constraint>,
    /// Per pattern block in order: the price of a count off the published one, and
    /// the published count per queue position (re-plans only).
    published_counts: Vec<(f64, Vec<f64>)>,
}

/// Per pattern, block and position in the group's queues: the count's column.
type Counts = Vec<Vec<Vec<Column>>>;

impl<'a> DayHandOut<'a> {
    fn new(
        input: &'a ModelInput<'a>,
        groups: &'a [SkillGroup],
        required: &'a [Vec<Option<f64>>],
        horizon_slots: usize,
    ) -> Self {
        DayHandOut {
            input,
            groups,
            required,
            horizon_slots,
            variables: ProblemVariables::new(),
            objective: Expression::default(),
            constraints: Vec::new(),
            published_counts: Vec::new(),
        }
    }

    /// In a re-plan, prices each agent-block moved off its published queue at half
    /// the change cost per count off the published counts (a thousand times that on a
    /// frozen day), as the day's rests are (see `settle`).
    fn keep_published(&mut self, patterns: &[Pattern], published: &PublishedPositions) {
        let book = self.input.book;
        let Some(replan) = &book.published else {
            return;
        };
        for (pattern, blocks) in patterns.iter().zip(published) {
            let queues = self.groups[pattern.group].queues.len();
            let day = (pattern.blocks[0].0 * self.input.slot as usize / 1440) as u32;
            let weight = if book.is_frozen(day) {
                FROZEN_QUEUE_WEIGHT * replan.change_cost.max(1.0)
            } else {
                replan.change_cost / 2.0
            };
            for agents in blocks {
                let mut kept = vec![0.0; queues];
                for position in agents.iter().flatten() {
                    kept[*position] += 1.0;
                }
                self.published_counts.push((weight, kept));
            }
        }
    }

    /// Solves the day: per pattern, block and queue position, how many agents.
    fn solve(&mut self, patterns: &[Pattern], fixed: &[Vec<f64>]) -> Result<Vec<Vec<Vec<u32>>>> {
        let mut covered: BTreeMap<(usize, usize), Expression> = BTreeMap::new();
        let counts = self.block_counts(patterns, &mut covered);
        self.published_deviations(&counts);
        self.coverage_rows(covered, fixed);
        let values = solve_day_model(
            std::mem::take(&mut self.variables),
            std::mem::take(&mut self.objective),
            std::mem::take(&mut self.constraints),
            "roster queue hand-out",
            "the queues of the rostered shifts cannot be handed out",
        )?;
        Ok(counts
            .iter()
            .map(|blocks| {
                blocks
                    .iter()
                    .map(|queues| {
                        queues
                            .iter()
                            .map(|c| values[c.index].round().max(0.0) as u32)
                            .collect()
                    })
                    .collect()
            })
            .collect())
    }

    /// The count variables, each block's counts adding up to the pattern's agents,
    /// secondary skills priced as in the roster model; adds them to `covered` per
    /// (queue, slot).
    fn block_counts(
        &mut self,
        patterns: &[Pattern],
        covered: &mut BTreeMap<(usize, usize), Expression>,
    ) -> Counts {
        let weights = &self.input.book.contracts.soft;
        let slot_hours = f64::from(self.input.slot) / 60.0;
        let mut counts = Vec::with_capacity(patterns.len());
        for pattern in patterns {
            let agents = pattern.agents.len() as f64;
            let mut per_block = Vec::with_capacity(pattern.blocks.len());
            for &(from, to) in &pattern.blocks {
                let mut total = Expression::default();
                let mut columns = Vec::new();
                for &(k, priority) in &self.groups[pattern.group].queues {
                    let column = add_integer(&mut self.variables, Some(agents));
                    total += column.var;
                    let hours = (to - from) as f64 * slot_hours;
                    let idle_hours = self.slots_without_calls(k, from, to) as f64 * slot_hours;
                    let price = weights.secondary_skill_per_agent_hour
                        * f64::from(priority.saturating_sub(1))
                        * hours
                        + IDLE_QUEUE_PER_AGENT_HOUR * idle_hours;
                    self.objective.add_mul(price, column.var);
                    for s in from..to.min(self.horizon_slots) {
                        *covered.entry((k, s)).or_default() += column.var;
                    }
                    columns.push(column);
                }
                self.constraints.push(total.eq(agents));
                per_block.push(columns);
            }
            counts.push(per_block);
        }
        counts
    }

    /// The slots of `[from, to)` in which queue `k` requires nobody (no calls).
    fn slots_without_calls(&self, k: usize, from: usize, to: usize) -> usize {
        (from..to.min(self.horizon_slots))
            .filter(|&s| self.required[k][s].unwrap_or(0.0) <= 0.0)
            .count()
    }

    /// The price of each count off its published count.
    fn published_deviations(&mut self, counts: &Counts) {
        let published = std::mem::take(&mut self.published_counts);
        let columns = counts.iter().flatten();
        for ((weight, kept), columns) in published.iter().zip(columns) {
            for (column, &target) in columns.iter().zip(kept) {
                let over = self.variables.add(good_lp::variable().min(0.0));
                let under = self.variables.add(good_lp::variable().min(0.0));
                self.constraints
                    .push((column.var - over + under).eq(target));
                self.objective.add_mul(*weight, over);
                self.objective.add_mul(*weight, under);
            }
        }
    }

    /// Each touched queue slot: agents already there plus the day's counts, with the
    /// convex shortfall against the slot's requirement (0 where the queue has none).
    fn coverage_rows(&mut self, covered: BTreeMap<(usize, usize), Expression>, fixed: &[Vec<f64>]) {
        let prices = self.input.book.config.penalties.prices();
        let slot_hours = f64::from(self.input.slot) / 60.0;
        for ((k, s), expression) in covered {
            let required = self.required[k][s].unwrap_or(0.0);
            let slack = coverage_slack(
                &mut self.variables,
                &mut self.objective,
                required,
                slot_hours,
                prices,
            );
            self.constraints
                .push((expression + slack).eq(required - fixed[k][s]));
        }
    }
}

/// Names the agents: per pattern and block, the solved counts per queue go to the
/// pattern's agents, each keeping its previous block's queue while that queue's count
/// lasts (fewer changes for the same coverage). Adds them to `fixed`.
fn assign_agents(
    patterns: &[Pattern],
    groups: &[SkillGroup],
    counts: &[Vec<Vec<u32>>],
    published: &PublishedPositions,
    plan: &mut QueuePlan,
    fixed: &mut [Vec<f64>],
) {
    for ((pattern, blocks), published) in patterns.iter().zip(counts).zip(published) {
        let queues = &groups[pattern.group].queues;
        let mut previous: Vec<Option<usize>> = vec![None; pattern.agents.len()];
        for ((&(from, to), quotas), published) in pattern.blocks.iter().zip(blocks).zip(published) {
            let mut left = quotas.clone();
            let mut chosen: Vec<Option<usize>> = vec![None; pattern.agents.len()];
            // A re-plan's published queue first, then the previous block's.
            for (i, keep) in published.iter().enumerate() {
                if let Some(position) = *keep {
                    if left[position] > 0 {
                        left[position] -= 1;
                        chosen[i] = Some(position);
                    }
                }
            }
            for (i, keep) in previous.iter().enumerate() {
                if chosen[i].is_some() {
                    continue;
                }
                if let Some(position) = *keep {
                    if left[position] > 0 {
                        left[position] -= 1;
                        chosen[i] = Some(position);
                    }
                }
            }
            for choice in chosen.iter_mut().filter(|c| c.is_none()) {
                let position = left.iter().position(|&n| n > 0).unwrap_or(0);
                left[position] = left[position].saturating_sub(1);
                *choice = Some(position);
            }
            for (&agent, position) in pattern.agents.iter().zip(&chosen) {
                let k = queues[position.expect("every agent chosen")].0;
                for s in from..to {
                    plan.insert((agent, s), Some(k));
                    if let Some(cell) = fixed[k].get_mut(s) {
                        *cell += 1.0;
                    }
                }
            }
            previous = chosen;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cut_each_stretch_and_join_short_remainders() {
        // Slots 0-9 (a lunch at 10-11), 12-16: blocks of 4 slots.
        let working: Vec<usize> = (0..10).chain(12..17).collect();
        assert_eq!(blocks_of(&working, 4), vec![(0, 4), (4, 10), (12, 17)]);
        // Exactly two blocks, and a stretch shorter than a block stays whole.
        assert_eq!(
            blocks_of(&(0..8).collect::<Vec<_>>(), 4),
            vec![(0, 4), (4, 8)]
        );
        assert_eq!(blocks_of(&[3, 4], 4), vec![(3, 5)]);
        assert!(blocks_of(&[], 4).is_empty());
    }

    #[test]
    fn routing_names_round_trip() {
        for routing in [Routing::Assigned, Routing::Skills] {
            assert_eq!(routing.label().parse::<Routing>(), Ok(routing));
        }
        assert!("longest-idle".parse::<Routing>().is_err());
    }
}
