//! What the roster's solvers share: the queues' demands, the agents' skill groups,
//! the model's input and its solution. Every solver file of the roster imports these
//! from here, and none imports another's internals (only [`super::strategy`] calls the
//! solvers).

use std::collections::BTreeMap;

use super::inputs::Skill;
use super::rules::{RuleBook, WorkedShift};
use crate::mip::{Demand, SolveRun, SolverLimits};

/// One queue's requirement intervals on the horizon's wall-clock timeline.
#[derive(Debug, Clone)]
pub struct QueueDemand {
    pub queue: String,
    pub demands: Vec<Demand>,
}

/// Per agent, the indices into `queues` of the queues it has a skill for.
pub fn agent_queues(book: &RuleBook, queues: &[QueueDemand]) -> Vec<Vec<usize>> {
    book.agents
        .iter()
        .map(|agent| {
            agent
                .skills
                .iter()
                .filter_map(|s| queues.iter().position(|q| q.queue == s.queue))
                .collect()
        })
        .collect()
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
    pub run: SolveRun,
}

impl ModelSolution {
    /// Per agent (of `agents`), its skill group in the solution.
    pub fn group_of(&self, agents: usize) -> Vec<usize> {
        let mut group_of = vec![0; agents];
        for (g, group) in self.groups.iter().enumerate() {
            for &a in &group.agents {
                group_of[a] = g;
            }
        }
        group_of
    }
}

/// A shift start handed to an agent: (agent, day, template, start).
pub type StartedShift = (usize, u32, usize, u32);

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

/// Each agent's queue in each slot of each shift: `queue_of[(agent, slot)]` for slots
/// worked (not on a rest), as an index into the model's queues, or `None` for agents
/// without a demanded queue.
pub type QueuePlan = BTreeMap<(usize, usize), Option<usize>>;

/// Slots of the horizon in which the shift's agent works (not on lunch or break).
pub fn working_slots(book: &RuleBook, shift: &WorkedShift, slot: u32) -> Vec<usize> {
    let template = &book.config.templates[shift.template];
    let from = shift.day * 1440 + shift.start;
    let resting = |minute: u32| {
        template
            .rests()
            .iter()
            .zip(&shift.rest_starts)
            .any(|(rest, &start)| {
                let start = shift.day * 1440 + start;
                (start..start + rest.length).contains(&minute)
            })
    };
    (from..from + template.span_minutes())
        .step_by(slot as usize)
        .filter(|&minute| !resting(minute))
        .map(|minute| (minute / slot) as usize)
        .collect()
}
