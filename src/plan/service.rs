//! Projected service level per queue: what the scheduled team would give each queue.
//!
//! The schedule pools the queues (one cross-trained team), so its coverage has one
//! number of agents per interval. To judge each queue against its own target, the
//! agents working are shared out in proportion to what each queue required (in the
//! schedule's cover basis: scheduled staff or agents), each queue's share is taken
//! less its own shrinkage and rounded down to whole agents on the phones, and that is
//! evaluated with the queue's own queueing model and answer-within time. A schedule
//! that covers its requirement exactly thus gives every queue at least the agents its
//! staffing asked for. A shared team does at least as well as its split (pooling only
//! helps), so the projection errs on the pessimistic side. A roster hands each agent's
//! time to one queue, so its coverage is already per queue and is used as it is.
//!
//! Each model slot of an interval (a quarter-hour, usually) is shared and evaluated
//! on its own, and the interval's service level is the mean over its slots: calls
//! arrive evenly through the interval, so a starved quarter-hour is not hidden behind
//! a well-staffed one (see [`crate::schedule::projection`]).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;

use crate::erlang::transient::{
    expected_answered_in_time_by_priority, AbsencePattern, Priorities, Service, Stretch,
};
use crate::erlang::Model;
use crate::roster::inputs::{parse_skills, Skill};
use crate::roster::{Activity, RosterRow};
use crate::schedule::projection::{mean_service_level, queue_presence, EPSILON};
use crate::schedule::{Cover, CoverageRow, Requirement, Schedule};
use crate::simulate::inputs::local_instant;
use crate::staff::{QueueTargets, Targets};

/// One queue's projection in one interval.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueInterval {
    pub queue: String,
    pub interval_start: DateTime<Tz>,
    pub calls: f64,
    /// Whole agents on the phones for this queue in each model slot of the interval.
    pub agents: Vec<u32>,
    /// The same before rounding down (what pooled queues add up).
    pub present: Vec<f64>,
    /// Share of calls answered within the queue's answer-within time, the mean over
    /// the interval's slots (calls arrive evenly through it); `None` without calls.
    pub service_level: Option<f64>,
    /// The queue's service-level target, if it has one.
    pub target: Option<f64>,
}

/// One queue's projection over one day: the call-weighted mean of its intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueDay {
    pub queue: String,
    pub date: NaiveDate,
    pub calls: f64,
    pub service_level: Option<f64>,
}

/// Projects every queue's service level in every scheduled interval.
pub fn queue_service_levels(
    requirements: &[Requirement],
    schedule: &Schedule,
    targets: &QueueTargets,
    cover: Cover,
    default_answer_within: f64,
) -> Vec<QueueInterval> {
    let interval_seconds = f64::from(schedule.interval_minutes) * 60.0;
    let mut by_instant: BTreeMap<i64, Vec<&Requirement>> = BTreeMap::new();
    for requirement in requirements {
        by_instant
            .entry(requirement.interval_start.timestamp())
            .or_default()
            .push(requirement);
    }
    let mut result = Vec::new();
    for row in &schedule.coverage {
        let Some(queues) = by_instant.get(&row.interval_start.timestamp()) else {
            continue;
        };
        // A roster's coverage is per queue (the agents handed to it); a schedule's
        // pools the queues and is shared out below.
        let own: Vec<&Requirement> = queues
            .iter()
            .copied()
            .filter(|q| q.queue == row.queue)
            .collect();
        let queues = if own.is_empty() { queues.clone() } else { own };
        let required: f64 = queues.iter().map(|q| q.required(cover)).sum();
        for requirement in queues {
            let queue_targets = targets.for_queue(&requirement.queue);
            let targets = Targets {
                answer_within: Some(queue_targets.answer_within.unwrap_or(default_answer_within)),
                ..*queue_targets
            };
            let present = queue_presence(
                &row.slots,
                requirement.required(cover),
                required,
                targets.shrinkage,
                cover,
            );
            let agents: Vec<u32> = present
                .iter()
                .map(|&p| (p + EPSILON).floor().max(0.0) as u32)
                .collect();
            result.push(QueueInterval {
                present,
                queue: requirement.queue.clone(),
                interval_start: requirement.interval_start,
                calls: requirement.calls,
                service_level: mean_service_level(
                    requirement.calls,
                    requirement.aht_seconds,
                    interval_seconds,
                    &targets,
                    &agents,
                ),
                agents,
                target: queue_targets.service_level,
            });
        }
    }
    result.sort_by(|a, b| {
        (a.queue.as_str(), a.interval_start.timestamp())
            .cmp(&(b.queue.as_str(), b.interval_start.timestamp()))
    });
    result
}

/// Under `skills` routing the agents on duty pool their queues: a call goes to the
/// longest-idle agent who has the skill, so the queues of an interval behave as one
/// Erlang system with their total load, the load-weighted mean handle time and all
/// their agents on the phones, each queue's calls answered within its own time
/// (Koole, "Call Center Optimization", 2013, ch. 5: full pooling). This assumes every
/// agent on duty can take every queue of the interval, which most of a cross-trained
/// team can; with few multi-skilled agents it is optimistic, and the plan's
/// simulation (which routes call by call) says so where it disagrees.
pub fn pool_under_skills(
    service: &mut [QueueInterval],
    requirements: &[Requirement],
    targets: &QueueTargets,
    interval_seconds: f64,
    default_answer_within: f64,
) {
    let aht: BTreeMap<(&str, i64), f64> = requirements
        .iter()
        .map(|r| {
            (
                (r.queue.as_str(), r.interval_start.timestamp()),
                r.aht_seconds,
            )
        })
        .collect();
    let mut by_instant: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (index, interval) in service.iter().enumerate() {
        by_instant
            .entry(interval.interval_start.timestamp())
            .or_default()
            .push(index);
    }
    for members in by_instant.values().filter(|m| m.len() > 1) {
        let (mut calls, mut load_seconds) = (0.0, 0.0);
        for &i in members {
            let key = (
                service[i].queue.as_str(),
                service[i].interval_start.timestamp(),
            );
            calls += service[i].calls;
            load_seconds += service[i].calls * aht.get(&key).copied().unwrap_or(0.0);
        }
        if calls <= 0.0 {
            continue;
        }
        let slots = service[members[0]].agents.len();
        // The queues' agents added up before rounding down: an agent shared by two
        // queues is one whole agent on the phones, not two halves rounded away.
        let pooled: Vec<u32> = (0..slots)
            .map(|s| {
                let present: f64 = members
                    .iter()
                    .map(|&i| service[i].present.get(s).copied().unwrap_or(0.0))
                    .sum();
                (present + EPSILON).floor().max(0.0) as u32
            })
            .collect();
        for &i in members {
            if service[i].calls <= 0.0 {
                continue;
            }
            let own = targets.for_queue(&service[i].queue);
            let own = Targets {
                answer_within: Some(own.answer_within.unwrap_or(default_answer_within)),
                ..*own
            };
            service[i].service_level =
                mean_service_level(calls, load_seconds / calls, interval_seconds, &own, &pooled);
        }
    }
}

/// How the projection treats absence: the plan simulation's pattern, or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverTime {
    /// `None`: every rostered agent works (the simulation's `absence = "none"`).
    pub absence: Option<AbsencePattern>,
    /// Under `skills` routing the queues of an instant share one chain.
    pub pooled: bool,
    /// The roster's agents leaving at each instant ([`leaving_agents`]); empty for an
    /// anonymous schedule, whose chain then counts only the drops in agents.
    pub leaving: Leaving,
    /// Under `skills` routing, the roster's agents by skills over time ([`skill_mix`]):
    /// the pooled chain's waiting is then split between two queues by the agents'
    /// priorities. `None`: first come first served.
    pub mix: Option<SkillMix>,
}

/// The roster's agents logged in by skills cell over time (`support;sales:2`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkillMix {
    /// The distinct skills cells, parsed (empty where malformed).
    cells: Vec<Vec<Skill>>,
    /// (instant, cell, +1 at a span's start or −1 at its end), in time order.
    changes: Vec<(i64, usize, i32)>,
}

/// The roster's shift rows as spans of skills cells over time.
pub fn skill_mix(rows: &[RosterRow], zone: Tz) -> SkillMix {
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    let mut mix = SkillMix::default();
    for row in rows.iter().filter(|r| r.activity == Activity::Shift) {
        let (Some(start), Some(end)) = (row.start, row.end) else {
            continue;
        };
        let next = names.len();
        let cell = *names.entry(row.queue.as_str()).or_insert(next);
        if cell == mix.cells.len() {
            mix.cells.push(parse_skills(&row.queue).unwrap_or_default());
        }
        let at = |minute: u32| {
            let local = row.date.and_time(chrono::NaiveTime::MIN)
                + chrono::Duration::minutes(i64::from(minute));
            local_instant(zone, local).timestamp()
        };
        mix.changes.push((at(start), cell, 1));
        mix.changes.push((at(end), cell, -1));
    }
    mix.changes.sort_unstable();
    mix
}

/// Walks a [`SkillMix`] forward in time, counting the agents of each cell.
struct MixCursor<'a> {
    mix: &'a SkillMix,
    next: usize,
    counts: Vec<i64>,
}

impl<'a> MixCursor<'a> {
    fn new(mix: &'a SkillMix) -> MixCursor<'a> {
        MixCursor {
            mix,
            next: 0,
            counts: vec![0; mix.cells.len()],
        }
    }

    /// The priority split at instant `at` (not before the previous call's) among
    /// `queues`, with each queue's expected `calls`: the shares of the agents logged
    /// in who take each queue first and second. Unusable (FCFS) where an agent has
    /// both queues at one priority.
    fn priorities(&mut self, at: i64, queues: &[&str], calls: Vec<f64>) -> Priorities {
        while let Some(&(when, cell, change)) = self.mix.changes.get(self.next) {
            if when > at {
                break;
            }
            self.counts[cell] += i64::from(change);
            self.next += 1;
        }
        let (mut first, mut second) = (vec![0.0; queues.len()], vec![0.0; queues.len()]);
        let mut total = 0.0;
        for (skills, &count) in self.mix.cells.iter().zip(&self.counts) {
            let own: Vec<&Skill> = skills
                .iter()
                .filter(|s| queues.contains(&s.queue.as_str()))
                .collect();
            let Some(best) = own.iter().map(|s| s.priority).min() else {
                continue;
            };
            if count <= 0 {
                continue;
            }
            if own.iter().filter(|s| s.priority == best).count() > 1 {
                return Priorities::default();
            }
            total += count as f64;
            for skill in own {
                let k = queues.iter().position(|q| *q == skill.queue).unwrap_or(0);
                let share = if skill.priority == best {
                    &mut first
                } else {
                    &mut second
                };
                share[k] += count as f64;
            }
        }
        if total <= 0.0 {
            return Priorities::default();
        }
        Priorities {
            calls,
            first: first.iter().map(|c| c / total).collect(),
            second: second.iter().map(|c| c / total).collect(),
        }
    }
}

/// Per agent and date, its shift pieces: start and end minute, and queue.
type AgentDaySpans<'a> = BTreeMap<(&'a str, NaiveDate), Vec<(u32, u32, &'a str)>>;

/// Agents who stop answering a queue at an instant (a break, lunch, the shift's end,
/// another queue), keyed by queue (`""` for all queues pooled) and instant.
pub type Leaving = BTreeMap<(String, i64), u32>;

/// The roster's agents leaving each queue at each instant: per agent-day, its
/// consecutive shift rows on one queue (on any queue when `pooled`) are one span, and
/// each span's end is one agent leaving.
pub fn leaving_agents(rows: &[RosterRow], zone: Tz, pooled: bool) -> Leaving {
    let mut spans = AgentDaySpans::new();
    for row in rows.iter().filter(|r| r.activity == Activity::Shift) {
        if let (Some(start), Some(end)) = (row.start, row.end) {
            let queue = if pooled { "" } else { row.queue.as_str() };
            spans
                .entry((row.agent_id.as_str(), row.date))
                .or_default()
                .push((start, end, queue));
        }
    }
    let mut leaving = Leaving::new();
    for ((_, date), mut pieces) in spans {
        pieces.sort_unstable();
        for (i, &(_, end, queue)) in pieces.iter().enumerate() {
            let continues = pieces
                .get(i + 1)
                .is_some_and(|&(start, _, next)| start == end && next == queue);
            if !continues {
                let local = date.and_time(chrono::NaiveTime::MIN)
                    + chrono::Duration::minutes(i64::from(end));
                let at = local_instant(zone, local).timestamp();
                *leaving.entry((queue.to_string(), at)).or_default() += 1;
            }
        }
    }
    leaving
}

/// Replaces each interval's steady-state service level by the expected one of the
/// roster as it runs through the day: the queue carried from slot to slot and the
/// agents' absence drawn as the plan's simulation draws it (see
/// [`crate::erlang::transient`]). Per queue under `assigned`; under `skills` the
/// queues of each instant form one pool, as in [`pool_under_skills`], whose waiting
/// is split between two queues by the roster's skill priorities (`how.mix`, see
/// [`crate::erlang::priority`]), else first come first served (each queue scored at
/// its own answer-within time).
pub fn project_over_time(
    service: &mut [QueueInterval],
    requirements: &[Requirement],
    targets: &QueueTargets,
    cover: Cover,
    interval_seconds: f64,
    default_answer_within: f64,
    how: &OverTime,
) {
    let aht: BTreeMap<(&str, i64), f64> = requirements
        .iter()
        .map(|r| {
            (
                (r.queue.as_str(), r.interval_start.timestamp()),
                r.aht_seconds,
            )
        })
        .collect();
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, interval) in service.iter().enumerate() {
        let key = if how.pooled {
            ""
        } else {
            interval.queue.as_str()
        };
        groups.entry(key).or_default().push(index);
    }
    let groups: Vec<Vec<usize>> = groups.into_values().collect();
    for members in groups {
        let levels = group_over_time(
            service,
            &members,
            &aht,
            targets,
            cover,
            interval_seconds,
            default_answer_within,
            how.absence,
            &how.leaving,
            how.mix.as_ref(),
        );
        for (index, level) in levels {
            service[index].service_level = level;
        }
    }
}

/// One chain's projection: the intervals `members` of `service` (one queue, or every
/// queue when pooled), in time order.
#[allow(clippy::too_many_arguments)]
fn group_over_time(
    service: &[QueueInterval],
    members: &[usize],
    aht: &BTreeMap<(&str, i64), f64>,
    targets: &QueueTargets,
    cover: Cover,
    interval_seconds: f64,
    default_answer_within: f64,
    absence: Option<AbsencePattern>,
    leaving: &Leaving,
    mix: Option<&SkillMix>,
) -> Vec<(usize, Option<f64>)> {
    let mut instants: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for &i in members {
        instants
            .entry(service[i].interval_start.timestamp())
            .or_default()
            .push(i);
    }
    let queues: Vec<&str> = {
        let mut q: Vec<&str> = members.iter().map(|&i| service[i].queue.as_str()).collect();
        q.sort_unstable();
        q.dedup();
        q
    };
    let own = |queue: &str| *targets.for_queue(queue);
    let shrinkage = |queue: &str| match cover {
        Cover::ScheduledStaff => own(queue).shrinkage,
        Cover::Agents => 0.0,
    };
    let absence_rate = queues.iter().map(|q| shrinkage(q)).fold(0.0, f64::max);
    let patience = queues
        .iter()
        .map(|q| match own(q).model {
            Model::ErlangA { patience_seconds } => Some(patience_seconds),
            Model::ErlangC => None,
        })
        .collect::<Option<Vec<f64>>>()
        .and_then(|p| p.into_iter().reduce(f64::min));
    let service_targets = Service {
        answer_within: queues
            .iter()
            .map(|q| own(q).answer_within.unwrap_or(default_answer_within))
            .collect(),
        patience_seconds: patience,
        absence: if absence.is_some() { absence_rate } else { 0.0 },
        pattern: absence.unwrap_or_default(),
    };
    let mut stretches = Vec::new();
    // Under priorities (two queues, a roster's skills): per stretch, the split.
    let mut cursor = mix.filter(|_| queues.len() == 2).map(MixCursor::new);
    let mut priorities = Vec::new();
    // Per instant: the range of its stretches.
    let mut spans = Vec::new();
    let mut end: Option<i64> = None;
    for (&at, at_members) in &instants {
        let slots = service[at_members[0]].present.len().max(1);
        let seconds = interval_seconds / slots as f64;
        let calls: f64 = at_members.iter().map(|&i| service[i].calls).sum();
        let load: f64 = at_members
            .iter()
            .map(|&i| {
                service[i].calls
                    * aht
                        .get(&(service[i].queue.as_str(), at))
                        .copied()
                        .unwrap_or(0.0)
            })
            .sum();
        let mean_aht = if calls > 0.0 { load / calls } else { 0.0 };
        if let Some(previous) = end.filter(|&e| e < at) {
            stretches.push(Stretch {
                seconds: (at - previous) as f64,
                calls: 0.0,
                aht_seconds: 1.0,
                rostered: 0,
                leaving: 0,
            });
            priorities.push(Priorities::default());
        }
        let group_key = if queues.len() > 1 || at_members.len() > 1 {
            ""
        } else {
            service[at_members[0]].queue.as_str()
        };
        let first = stretches.len();
        for slot in 0..slots {
            let rostered: f64 = at_members
                .iter()
                .map(|&i| {
                    let present = service[i].present.get(slot).copied().unwrap_or(0.0);
                    present / (1.0 - shrinkage(&service[i].queue))
                })
                .sum();
            let slot_start = at + (seconds * slot as f64) as i64;
            if let Some(cursor) = cursor.as_mut() {
                let calls = queues
                    .iter()
                    .map(|q| {
                        at_members
                            .iter()
                            .filter(|&&i| service[i].queue == *q)
                            .map(|&i| service[i].calls / slots as f64)
                            .sum()
                    })
                    .collect();
                priorities.push(cursor.priorities(slot_start, &queues, calls));
            }
            stretches.push(Stretch {
                seconds,
                calls: calls / slots as f64,
                aht_seconds: if mean_aht > 0.0 { mean_aht } else { 1.0 },
                rostered: (rostered + 0.5 - EPSILON).floor().max(0.0) as u32,
                leaving: leaving
                    .get(&(group_key.to_string(), slot_start))
                    .copied()
                    .unwrap_or(0),
            });
        }
        spans.push((at, first, stretches.len(), calls));
        end = Some(at + interval_seconds as i64);
    }
    let by_priority = cursor.is_some().then_some(priorities.as_slice());
    let answered = expected_answered_in_time_by_priority(&stretches, by_priority, &service_targets);
    let mut levels = Vec::new();
    for (at, first, last, calls) in spans {
        for &i in &instants[&at] {
            let queue = queues
                .binary_search(&service[i].queue.as_str())
                .unwrap_or(0);
            let in_time: f64 = answered[first..last].iter().map(|a| a[queue]).sum();
            let level =
                (service[i].calls > 0.0 && calls > 0.0).then(|| (in_time / calls).clamp(0.0, 1.0));
            levels.push((i, level));
        }
    }
    levels
}

/// The coverage rows with each row's service level replaced by the projection's: the
/// row's own queue, or (a pooled schedule row) the call-weighted mean of the queues
/// that shared it, as [`queue_service_levels`] shared them out.
pub fn with_projected_levels(rows: &[CoverageRow], service: &[QueueInterval]) -> Vec<CoverageRow> {
    let mut at: BTreeMap<i64, Vec<&QueueInterval>> = BTreeMap::new();
    for interval in service {
        at.entry(interval.interval_start.timestamp())
            .or_default()
            .push(interval);
    }
    rows.iter()
        .map(|row| {
            let all = at
                .get(&row.interval_start.timestamp())
                .cloned()
                .unwrap_or_default();
            let own: Vec<&QueueInterval> = all
                .iter()
                .copied()
                .filter(|q| q.queue == row.queue)
                .collect();
            let members = if own.is_empty() { all } else { own };
            let (mut calls, mut weighted) = (0.0, 0.0);
            for member in members {
                if let Some(level) = member.service_level {
                    calls += member.calls;
                    weighted += member.calls * level;
                }
            }
            CoverageRow {
                service_level: (calls > 0.0).then(|| weighted / calls),
                ..row.clone()
            }
        })
        .collect()
}

/// Per queue and local day, the call-weighted mean service level.
pub fn daily_service_levels(intervals: &[QueueInterval]) -> Vec<QueueDay> {
    let mut days: BTreeMap<(String, NaiveDate), (f64, f64)> = BTreeMap::new();
    for interval in intervals {
        let entry = days
            .entry((interval.queue.clone(), interval.interval_start.date_naive()))
            .or_default();
        if let Some(level) = interval.service_level {
            entry.0 += interval.calls;
            entry.1 += interval.calls * level;
        }
    }
    days.into_iter()
        .map(|((queue, date), (calls, weighted))| QueueDay {
            queue,
            date,
            calls,
            service_level: (calls > 0.0).then(|| weighted / calls),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::erlang::Queue;
    use crate::mip::SolveStatus;
    use crate::schedule::SolveReport;
    use crate::staff::{ServiceTargets, TargetsFile};
    use chrono::TimeZone;

    fn requirement(queue: &str, calls: f64, agents: f64, staff: f64) -> Requirement {
        Requirement {
            queue: queue.to_string(),
            interval_start: chrono_tz::UTC
                .with_ymd_and_hms(2026, 12, 7, 10, 0, 0)
                .unwrap(),
            calls,
            aht_seconds: 300.0,
            agents,
            scheduled_staff: staff,
        }
    }

    /// A schedule of one interval of `queue` with `slots` agents in its quarter-hours.
    fn schedule_of(queue: &str, slots: &[f64]) -> Schedule {
        let scheduled = slots.iter().sum::<f64>() / slots.len() as f64;
        Schedule {
            shifts: Vec::new(),
            coverage: vec![CoverageRow {
                queue: queue.into(),
                interval_start: chrono_tz::UTC
                    .with_ymd_and_hms(2026, 12, 7, 10, 0, 0)
                    .unwrap(),
                calls: 150.0,
                aht_seconds: 300.0,
                required: 61.0,
                scheduled,
                weakest_slot: slots.iter().copied().fold(f64::INFINITY, f64::min),
                slots: slots.to_vec(),
                shortfall: (61.0 - scheduled).max(0.0),
                surplus: (scheduled - 61.0).max(0.0),
                service_level: None,
            }],
            report: SolveReport {
                status: SolveStatus::Optimal,
                objective: 0.0,
                best_bound: 0.0,
                gap: 0.0,
                solve_seconds: 0.0,
                variables: 0,
                integer_variables: 0,
                constraints: 0,
            },
            group: queue.into(),
            shrinkage: 0.313,
            interval_minutes: 30,
        }
    }

    /// The pooled schedule of queues a and b with `scheduled` agents all interval.
    fn schedule(scheduled: f64) -> Schedule {
        schedule_of("a+b", &[scheduled, scheduled])
    }

    #[test]
    fn an_exact_schedule_gives_each_queue_its_staffing() {
        let file: TargetsFile = toml::from_str(
            "[default]\nservice_level = \"80%\"\nanswer_within = \"20s\"\nshrinkage = \"30%\"\n",
        )
        .unwrap();
        let targets = QueueTargets::new(&file, &ServiceTargets::default(), "t").unwrap();
        // 80/20 at 300 s AHT: 50 calls need 12 agents (18 staff), 100 calls 21 (30).
        let a = crate::staff::required_agents(
            &Queue::new(crate::erlang::Model::ErlangC, 50.0, 1800.0, 300.0).unwrap(),
            targets.for_queue("a"),
        );
        let b = crate::staff::required_agents(
            &Queue::new(crate::erlang::Model::ErlangC, 100.0, 1800.0, 300.0).unwrap(),
            targets.for_queue("b"),
        );
        let requirements = [
            requirement("a", 50.0, f64::from(a.agents), f64::from(a.scheduled_staff)),
            requirement(
                "b",
                100.0,
                f64::from(b.agents),
                f64::from(b.scheduled_staff),
            ),
        ];
        let required = f64::from(a.scheduled_staff + b.scheduled_staff);
        let mut exact = schedule(required);
        exact.coverage[0].required = required;
        let projected =
            queue_service_levels(&requirements, &exact, &targets, Cover::ScheduledStaff, 20.0);
        assert_eq!(projected.len(), 2);
        assert_eq!(projected[0].agents, vec![a.agents; 2]);
        assert_eq!(projected[1].agents, vec![b.agents; 2]);
        for queue in &projected {
            assert!(queue.service_level.unwrap() >= 0.8, "{queue:?}");
            assert_eq!(queue.target, Some(0.8));
        }
        // Ten agents fewer, shared in proportion: each queue loses its part.
        let short = queue_service_levels(
            &requirements,
            &schedule(required - 10.0),
            &targets,
            Cover::ScheduledStaff,
            20.0,
        );
        let share = |staff: u32| {
            ((required - 10.0) * f64::from(staff) / required * 0.7 + EPSILON).floor() as u32
        };
        assert_eq!(short[0].agents, vec![share(a.scheduled_staff); 2]);
        assert_eq!(short[1].agents, vec![share(b.scheduled_staff); 2]);
        assert!(short[1].service_level.unwrap() < 0.8);
        let days = daily_service_levels(&projected);
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].calls, 50.0);
        assert_eq!(days[0].service_level, projected[0].service_level);
    }

    #[test]
    fn an_uneven_interval_is_the_mean_of_its_quarter_hours() {
        // One queue (a roster's row), 200 calls of 180 s in half an hour: an offered
        // load of 20 Erlangs. Quarter-hours of 30 and 18 agents against a flat 24.
        let file: TargetsFile = toml::from_str(
            "[default]\nservice_level = \"80%\"\nanswer_within = \"20s\"\n[queue.b]\nservice_level = \"80%\"\nanswer_within = \"60s\"\n",
        )
        .unwrap();
        let targets = QueueTargets::new(&file, &ServiceTargets::default(), "t").unwrap();
        let mut sales = requirement("a", 200.0, 24.0, 24.0);
        sales.aht_seconds = 180.0;
        let project = |queue: &Requirement, slots: &[f64]| {
            queue_service_levels(
                std::slice::from_ref(queue),
                &schedule_of(&queue.queue, slots),
                &targets,
                Cover::Agents,
                20.0,
            )
            .remove(0)
        };
        let uneven = project(&sales, &[30.0, 18.0]);
        let flat = project(&sales, &[24.0, 24.0]);
        assert_eq!(uneven.agents, vec![30, 18]);
        // By hand: SL(N) = 1 - C(N, 20) exp(-(N - 20) x 20 s / 180 s), C from Erlang B.
        let erlang_b = |n: u32| (1..=n).fold(1.0, |b: f64, k| 20.0 * b / (f64::from(k) + 20.0 * b));
        let sl = |n: u32, within: f64| {
            let (b, n) = (erlang_b(n), f64::from(n));
            let c = n * b / (n - 20.0 * (1.0 - b));
            1.0 - c * (-(n - 20.0) * within / 180.0).exp()
        };
        // 18 agents cannot carry 20 Erlangs: no call of that quarter-hour is answered
        // in time, and the interval keeps only half of the 30 agents' 0.9918.
        let expected = (sl(30, 20.0) + 0.0) / 2.0;
        let level = uneven.service_level.unwrap();
        assert!((level - expected).abs() < 1e-12, "{level} vs {expected}");
        assert!((level - 0.4959).abs() < 1e-4, "{level}");
        let flat_level = flat.service_level.unwrap();
        assert!((flat_level - sl(24, 20.0)).abs() < 1e-12);
        assert!((flat_level - 0.8089).abs() < 1e-4, "{flat_level}");
        assert!(level < flat_level);
        // Each queue is scored with its own answer-within time: b's 60 s.
        let mut support = sales.clone();
        support.queue = "b".into();
        let own = project(&support, &[24.0, 24.0]).service_level.unwrap();
        assert!((own - sl(24, 60.0)).abs() < 1e-12, "{own}");
        assert!(own > flat_level);
    }

    #[test]
    fn skills_routing_pools_the_queues_of_an_interval() {
        // Two queues of 60 calls of 300 s in half an hour (10 Erlangs each), 12 agents
        // on the phones for each: split, each is an Erlang C queue of 12 agents at 10
        // Erlangs; pooled, one of 24 agents at 20 Erlangs, answered within 20 s.
        let at = chrono_tz::UTC
            .with_ymd_and_hms(2026, 12, 7, 10, 0, 0)
            .unwrap();
        let interval = |queue: &str| QueueInterval {
            queue: queue.into(),
            interval_start: at,
            calls: 60.0,
            agents: vec![12, 12],
            present: vec![12.0, 12.0],
            service_level: None,
            target: Some(0.8),
        };
        let requirements = [
            requirement("a", 60.0, 12.0, 12.0),
            requirement("b", 60.0, 12.0, 12.0),
        ];
        let text = "[default]\nservice_level = \"80%\"\nanswer_within = \"20s\"\n";
        let file: TargetsFile = toml::from_str(text).unwrap();
        let targets = QueueTargets::new(&file, &ServiceTargets::default(), "t").unwrap();
        let mut service = vec![interval("a"), interval("b")];
        pool_under_skills(&mut service, &requirements, &targets, 1800.0, 20.0);
        // Independently: SL = 1 - C(N, A) exp(-(N - A) t / h).
        let sl = |n: u32, load: f64| {
            1.0 - crate::erlang::erlang_c(n, load) * (-(f64::from(n) - load) * 20.0 / 300.0).exp()
        };
        for queue in &service {
            let level = queue.service_level.unwrap();
            assert!((level - sl(24, 20.0)).abs() < 1e-9, "{level}");
        }
        // Pooling beats the split: 24 agents at 20 Erlangs against 12 at 10.
        assert!(sl(24, 20.0) > sl(12, 10.0) + 0.1);
        // 0.7717 by a separate Erlang C script (Python, the recursion B(k) = A B / (k + A B)).
        assert!((sl(24, 20.0) - 0.7717).abs() < 1e-4, "{}", sl(24, 20.0));
    }
}
