//! What the labour rules mean, in one place: the horizon's weeks and weekends, the
//! weekly limits of a contract in a (partial) week, which shifts availability forbids,
//! and the evaluation of every hard rule and soft goal on concrete shifts. The checker
//! (`wfm roster check`), the summary and the model's constraints all use these
//! definitions, so the solver cannot disagree with the checker about a rule.
//!
//! Conventions (see docs/formats.md):
//! - weeks run Monday to Sunday; a week cut by the horizon keeps its full maximum
//!   hours and days, and its minimum hours scale with the share of its days inside the
//!   horizon (days outside are unknown, not assumed worked); but the last week, cut
//!   before its Sunday, owes at least the week's whole minimum less what its days
//!   after the horizon can still carry under the rules ([`Lookahead`]), so that the
//!   next horizon can complete the week;
//! - a whole day of leave counts the contract's `leave_day_hours` towards the weekly
//!   minimum and maximum;
//! - a weekend is worked when a shift starts on its Saturday or Sunday; the limit holds
//!   in every run of four consecutive weekends of the horizon (all of them when fewer);
//! - consecutive days and rest look only inside the horizon.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::{Datelike, Duration, NaiveDate};

use super::contracts::{ClosedDayCredit, Contract, Contracts};
use super::inputs::{Agent, AvailabilityKind, AvailabilityRow};
use crate::schedule::{ShiftConfig, ShiftTemplate};
use crate::units::format_clock_minutes;

/// Tolerance on hours comparisons (hours are sums of template minutes / 60).
const HOURS_EPSILON: f64 = 1e-6;

/// The days being rostered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Horizon {
    pub start: NaiveDate,
    pub days: u32,
}

/// A Monday-to-Sunday week, cut to the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Week {
    /// First horizon day of the week.
    pub first: u32,
    /// Horizon days in the week (7 unless cut).
    pub len: u32,
}

impl Week {
    pub fn days(&self) -> std::ops::Range<u32> {
        self.first..self.first + self.len
    }
}

/// A Saturday-Sunday weekend with at least one day in the horizon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weekend {
    pub saturday: NaiveDate,
    /// Its horizon days.
    pub days: Vec<u32>,
}

impl Horizon {
    pub fn date(&self, day: u32) -> NaiveDate {
        self.start + Duration::days(i64::from(day))
    }

    /// Monday = 0 ... Sunday = 6.
    pub fn weekday(&self, day: u32) -> usize {
        self.date(day).weekday().num_days_from_monday() as usize
    }

    /// Horizon day of `date`, if inside.
    pub fn day_of(&self, date: NaiveDate) -> Option<u32> {
        let offset = (date - self.start).num_days();
        (0..i64::from(self.days))
            .contains(&offset)
            .then_some(offset as u32)
    }

    pub fn weeks(&self) -> Vec<Week> {
        let mut weeks = Vec::new();
        let mut day = 0;
        while day < self.days {
            let len = (7 - self.weekday(day) as u32).min(self.days - day);
            weeks.push(Week { first: day, len });
            day += len;
        }
        weeks
    }

    pub fn week_of(&self, day: u32) -> usize {
        self.weeks()
            .iter()
            .position(|w| w.days().contains(&day))
            .expect("day inside the horizon")
    }

    pub fn weekends(&self) -> Vec<Weekend> {
        let mut weekends: Vec<Weekend> = Vec::new();
        for day in 0..self.days {
            let weekday = self.weekday(day);
            if weekday < 5 {
                continue;
            }
            let saturday = self.date(day) - Duration::days(weekday as i64 - 5);
            match weekends.last_mut() {
                Some(last) if last.saturday == saturday => last.days.push(day),
                _ => weekends.push(Weekend {
                    saturday,
                    days: vec![day],
                }),
            }
        }
        weekends
    }

    /// Index ranges of the weekends that each four-weekend limit covers.
    pub fn weekend_windows(&self) -> Vec<std::ops::Range<usize>> {
        let count = self.weekends().len();
        if count == 0 {
            Vec::new()
        } else if count <= 4 {
            std::iter::once(0..count).collect()
        } else {
            (0..=count - 4).map(|first| first..first + 4).collect()
        }
    }
}

/// A contract's limits in one week of the horizon.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekLimits {
    /// Worked paid hours at least (after leave credit), at most.
    pub min_hours: f64,
    pub max_hours: f64,
    /// Worked days at most (the tighter of max days and days off).
    pub max_days: u32,
    /// Hours of leave credited in the week.
    pub leave_hours: f64,
}

/// The limits of `contract` in `week`, with `leave_days` whole days of leave and
/// `closed_days` days the site is closed (credited as the contract's
/// `closed_day_credit` says).
pub fn week_limits(
    contract: &Contract,
    week: Week,
    leave_days: u32,
    closed_days: u32,
) -> WeekLimits {
    let leave_hours = f64::from(leave_days) * contract.leave_day_hours;
    let (open_days, closed_credit) = match contract.closed_day_credit {
        ClosedDayCredit::None => (week.len, 0.0),
        ClosedDayCredit::ProRata => (week.len.saturating_sub(closed_days), 0.0),
        ClosedDayCredit::Hours => (week.len, f64::from(closed_days) * contract.leave_day_hours),
    };
    let prorated = contract.min_hours_per_week * f64::from(open_days) / 7.0 - closed_credit;
    WeekLimits {
        min_hours: ((prorated - leave_hours) * 100.0).round().max(0.0) / 100.0,
        max_hours: (contract.max_hours_per_week - leave_hours).max(0.0),
        max_days: contract.working_days_per_week().min(week.len),
        leave_hours,
    }
}

/// One shift worked by an agent: the template and start on a horizon day, and the
/// start of each rest (lunch first, as `ShiftTemplate::rests`), minutes after that
/// day's midnight.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WorkedShift {
    pub agent: usize,
    pub day: u32,
    pub template: usize,
    pub start: u32,
    pub rest_starts: Vec<u32>,
}

impl WorkedShift {
    /// The started shift `(agent, day, template, start)` with its rests not yet
    /// placed (the rules other than the template's own do not look at them).
    pub fn unrested((agent, day, template, start): (usize, u32, usize, u32)) -> Self {
        WorkedShift {
            agent,
            day,
            template,
            start,
            rest_starts: Vec::new(),
        }
    }
}

/// A broken rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    pub agent: String,
    pub date: NaiveDate,
    /// The rule's name as in contracts.toml (`max_hours_per_week`, `min_rest`, ...),
    /// or `template`, `skills`, `availability`, `one_shift_per_day`.
    pub rule: String,
    pub detail: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {}: {}",
            self.agent, self.date, self.rule, self.detail
        )
    }
}

/// Inputs the rules need, with availability indexed by agent.
pub struct RuleBook<'a> {
    pub config: &'a ShiftConfig,
    pub contracts: &'a Contracts,
    pub agents: &'a [Agent],
    pub horizon: Horizon,
    /// Per agent: its availability rows.
    pub availability: Vec<Vec<&'a AvailabilityRow>>,
    /// Per horizon day: whether the calendar closes the site (nobody works it).
    pub closed: Vec<bool>,
    /// The published roster a re-plan departs from, if any.
    pub published: Option<Published>,
    /// Agents with no schedule keeping every rule around the frozen days (the previous
    /// roster's weekends used up, a new hire with a week cut by the freeze): the
    /// minimum of every week holding a frozen day is waived for them.
    pub waived: BTreeSet<usize>,
    /// Per day after the horizon up to the Sunday of its last week: whether the
    /// calendar closes the site.
    pub closed_after: Vec<bool>,
    /// Per agent, the look-ahead of the horizon's last week (computed once, on first use).
    lookaheads: OnceLock<Vec<Option<Lookahead>>>,
}

/// The horizon's last week when the horizon ends before its Sunday. Owing only its
/// pro-rata share could leave the next horizon unable to complete the week's
/// minimum (its days after the horizon closed, on leave, or a weekend the
/// four-weekend limit no longer allows): so the week owes at least the whole week's
/// minimum less what those days can still carry, and more once the agent's worked
/// weekends close the weekend after the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookahead {
    /// The horizon's part of the week.
    pub week: Week,
    /// Horizon weekends (indices into [`Horizon::weekends`]) in the four-weekend
    /// window that ends with the weekend after the horizon.
    pub weekends: std::ops::Range<usize>,
    /// Worked weekends among them from which the weekend after the horizon is closed.
    pub limit: u32,
    /// Paid hours the days after the horizon can carry at most while that weekend
    /// is open, and once it is closed.
    pub open_carry: f64,
    pub closed_carry: f64,
    /// The week's look-ahead minimum in either case. The open one is never above
    /// what the horizon's days of the week can reach (beyond, no roster completes
    /// the week and the next horizon waives it); the closed one may be, which keeps
    /// the agent's weekend open, unless the window's weekends are all frozen.
    pub open_min: f64,
    pub closed_min: f64,
}

impl Lookahead {
    /// Whether `worked_weekends` (per horizon weekend) close the weekend after the
    /// horizon to the agent.
    pub fn closes(&self, worked_weekends: &[bool]) -> bool {
        let worked = worked_weekends
            .get(self.weekends.clone())
            .map_or(0, |w| w.iter().filter(|x| **x).count()) as u32;
        worked >= self.limit
    }
}

/// A published roster that a re-plan keeps as far as it can: its first
/// `frozen_days` horizon days exactly, every later day at a price of `change_cost`
/// per agent-day whose shift is moved, added or removed.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    /// Per agent: its (template, start) on each horizon day it works.
    pub shifts: Vec<BTreeMap<u32, (usize, u32)>>,
    /// Per agent and day worked: the start of each rest, as [`WorkedShift::rest_starts`].
    pub rests: Vec<BTreeMap<u32, Vec<u32>>>,
    /// Per agent: its shift rows' spans [from, to) in minutes after the horizon's
    /// first midnight, with the queue cell of each.
    pub queues: Vec<Vec<(i64, i64, String)>>,
    pub frozen_days: u32,
    pub change_cost: f64,
    /// Frozen days that are a look-back before the real horizon (the previous
    /// period's roster); 0 for a plain re-plan.
    pub before_horizon: u32,
}

impl<'a> RuleBook<'a> {
    pub fn new(
        config: &'a ShiftConfig,
        contracts: &'a Contracts,
        agents: &'a [Agent],
        availability: &'a [AvailabilityRow],
        horizon: Horizon,
    ) -> Self {
        let mut by_agent: Vec<Vec<&AvailabilityRow>> = vec![Vec::new(); agents.len()];
        for row in availability {
            by_agent[row.agent].push(row);
        }
        RuleBook {
            config,
            contracts,
            agents,
            horizon,
            availability: by_agent,
            closed: vec![false; horizon.days as usize],
            published: None,
            waived: BTreeSet::new(),
            closed_after: Vec::new(),
            lookaheads: OnceLock::new(),
        }
    }

    /// The same rules re-planning `published`: its frozen days kept, later changes
    /// priced.
    pub fn with_published(mut self, published: Published) -> Self {
        self.published = Some(published);
        self.lookaheads = OnceLock::new();
        self
    }

    /// Whether `day` is frozen: its shifts are the published roster's.
    pub fn is_frozen(&self, day: u32) -> bool {
        self.published.as_ref().is_some_and(|p| day < p.frozen_days)
    }

    /// The published (template, start) of `agent` on `day`; `None` when off or
    /// without a published roster.
    pub fn published_shift(&self, agent: usize, day: u32) -> Option<(usize, u32)> {
        self.published
            .as_ref()
            .and_then(|p| p.shifts.get(agent)?.get(&day).copied())
    }

    /// The published rest starts of `agent` on `day` if it works the same
    /// (template, start) there today.
    pub fn published_rests(&self, agent: usize, day: u32, shift: (usize, u32)) -> Option<&[u32]> {
        let published = self.published.as_ref()?;
        (self.published_shift(agent, day) == Some(shift))
            .then(|| published.rests.get(agent)?.get(&day).map(Vec::as_slice))
            .flatten()
    }

    /// The queue `agent` was published on for all of [from, to) (minutes after the
    /// horizon's first midnight), if one row covers it.
    pub fn published_queue(&self, agent: usize, from: i64, to: i64) -> Option<&str> {
        self.published
            .as_ref()?
            .queues
            .get(agent)?
            .iter()
            .find(|(start, end, _)| *start <= from && to <= *end)
            .map(|(_, _, queue)| queue.as_str())
    }

    /// What working `shift` (or being off, `None`) on `day` costs in changes to the
    /// published roster: nothing on a frozen day (which cannot change) or without
    /// one.
    pub fn change_cost(&self, agent: usize, day: u32, shift: Option<(usize, u32)>) -> f64 {
        match &self.published {
            Some(p) if day >= p.frozen_days && self.published_shift(agent, day) != shift => {
                p.change_cost
            }
            _ => 0.0,
        }
    }

    /// The same rules with the site closed on `dates` (those inside the horizon).
    pub fn with_closed_days(mut self, dates: &[NaiveDate]) -> Self {
        for date in dates {
            if let Some(day) = self.horizon.day_of(*date) {
                self.closed[day as usize] = true;
            }
        }
        let last = self.horizon.date(self.horizon.days.saturating_sub(1));
        self.closed_after = (1..7 - last.weekday().num_days_from_monday() as i64)
            .map(|offset| dates.contains(&(last + Duration::days(offset))))
            .collect();
        self.lookaheads = OnceLock::new();
        self
    }

    /// Closed days in `week`.
    pub fn closed_days(&self, week: Week) -> u32 {
        week.days().filter(|&day| self.closed[day as usize]).count() as u32
    }

    pub fn contract(&self, agent: usize) -> &Contract {
        &self.contracts.contracts[self.agents[agent].contract]
    }

    /// Shift [start, end) in minutes after the horizon's first midnight.
    pub fn shift_span(&self, day: u32, template: usize, start: u32) -> (i64, i64) {
        let from = i64::from(day) * 1440 + i64::from(start);
        (
            from,
            from + i64::from(self.config.templates[template].span_minutes()),
        )
    }

    /// The unavailable or leave row that a shift would overlap, if any.
    pub fn blocking_row(
        &self,
        agent: usize,
        day: u32,
        template: usize,
        start: u32,
    ) -> Option<&'a AvailabilityRow> {
        let (from, to) = self.shift_span(day, template, start);
        self.availability[agent]
            .iter()
            .copied()
            .filter(|row| row.kind.blocks_work())
            .find(|row| {
                let (row_from, row_to) = row.span_from(self.horizon.start);
                row_from < to && from < row_to
            })
    }

    /// Whether the agent's contract and availability allow this shift (template of the
    /// contract, allowed weekday and start, no overlap with unavailability or leave).
    /// On a frozen day only the published shift is allowed.
    pub fn shift_allowed(&self, agent: usize, day: u32, template: usize, start: u32) -> bool {
        if self.is_frozen(day) {
            return self.published_shift(agent, day) == Some((template, start));
        }
        let t = &self.config.templates[template];
        self.contract(agent).templates.contains(&template)
            && t.days[self.horizon.weekday(day)]
            && t.starts().contains(&start)
            && !self.closed[day as usize]
            && self.blocking_row(agent, day, template, start).is_none()
    }

    /// Whole days of leave of the agent in `week`.
    /// (Each date once: a leave listed twice, e.g. in the availability file and in
    /// the previous roster read for a look-back, is one day.)
    pub fn leave_days(&self, agent: usize, week: Week) -> u32 {
        self.availability[agent]
            .iter()
            .filter(|row| row.kind == AvailabilityKind::Leave && row.window.is_none())
            .filter_map(|row| self.horizon.day_of(row.date))
            .filter(|day| week.days().contains(day))
            .collect::<BTreeSet<u32>>()
            .len() as u32
    }

    /// A week whose days are all frozen holds what was published (the previous
    /// period's leave and contracts may differ from today's): no minimum, and the
    /// maxima stretched to its frozen shifts.
    pub fn week_limits(&self, agent: usize, week: Week) -> WeekLimits {
        if week.len > 0 && self.is_frozen(week.first + week.len - 1) {
            let limits = self.open_week_limits(agent, week);
            let frozen: Vec<usize> = week
                .days()
                .filter_map(|day| self.published_shift(agent, day).map(|(t, _)| t))
                .collect();
            let hours: f64 = frozen
                .iter()
                .map(|&t| paid_hours(&self.config.templates[t]))
                .sum();
            return WeekLimits {
                min_hours: 0.0,
                max_hours: limits.max_hours.max(hours),
                max_days: limits.max_days.max(frozen.len() as u32),
                leave_hours: limits.leave_hours,
            };
        }
        let limits = self.open_week_limits(agent, week);
        if self.waived.contains(&agent) && week.len > 0 && self.is_frozen(week.first) {
            return WeekLimits {
                min_hours: 0.0,
                ..limits
            };
        }
        let limits = match self.published.as_ref().map(|p| p.before_horizon) {
            Some(cut) if week.first < cut && cut < week.first + week.len => {
                self.straddling_limits(agent, week, cut, limits)
            }
            _ => limits,
        };
        match self.lookahead(agent, week) {
            Some(ahead) => WeekLimits {
                min_hours: limits.min_hours.max(ahead.open_min),
                ..limits
            },
            None => limits,
        }
    }

    /// The minimum of `week` for an agent working `worked_weekends` (per horizon
    /// weekend): [`Self::week_limits`]'s, raised in the horizon's last week when those
    /// weekends close the weekend after the horizon ([`Lookahead`]).
    pub fn week_minimum(&self, agent: usize, week: Week, worked_weekends: &[bool]) -> f64 {
        let base = self.week_limits(agent, week).min_hours;
        match self.lookahead(agent, week) {
            Some(ahead) if ahead.closes(worked_weekends) => base.max(ahead.closed_min),
            _ => base,
        }
    }

    /// The look-ahead of `agent`'s `week` if it is the horizon's last week, cut before
    /// its Sunday, and its minimum is not waived.
    pub fn lookahead(&self, agent: usize, week: Week) -> Option<&Lookahead> {
        let ahead = self
            .lookaheads
            .get_or_init(|| {
                (0..self.agents.len())
                    .map(|agent| self.compute_lookahead(agent))
                    .collect()
            })
            .get(agent)?
            .as_ref()?;
        let waived = self.waived.contains(&agent) && self.is_frozen(week.first);
        (ahead.week == week && !waived).then_some(ahead)
    }

    /// See [`Lookahead`]. The days after the horizon count with the longest paid
    /// shift the contract allows on their weekday, none when the calendar closes the
    /// site or the agent's availability blocks any of it, at most the contract's
    /// working days a week of them. (Days the horizon works in the week are not
    /// subtracted: with shifts of one length the week's working days still reach the
    /// minimum.) The week must start on a Monday inside the horizon, so that its
    /// worked hours are all known.
    fn compute_lookahead(&self, agent: usize) -> Option<Lookahead> {
        let week = *self.horizon.weeks().last()?;
        let end = week.first + week.len;
        if week.len >= 7 || self.horizon.weekday(week.first) != 0 || self.is_frozen(end - 1) {
            return None;
        }
        let contract = self.contract(agent);
        let last = self.horizon.date(end - 1);
        let mut after = Vec::new();
        let (mut leave_after, mut closed_after) = (0, 0);
        for offset in 1..=7 - week.len {
            let date = last + Duration::days(i64::from(offset));
            let weekday = date.weekday().num_days_from_monday() as usize;
            let closed = self
                .closed_after
                .get(offset as usize - 1)
                .copied()
                .unwrap_or(false);
            let rows: Vec<&AvailabilityRow> = self.availability[agent]
                .iter()
                .copied()
                .filter(|row| row.date == date && row.kind.blocks_work())
                .collect();
            let leave = rows
                .iter()
                .any(|row| row.kind == AvailabilityKind::Leave && row.window.is_none());
            closed_after += u32::from(closed);
            leave_after += u32::from(leave);
            let hours = if closed || !rows.is_empty() {
                0.0
            } else {
                contract
                    .templates
                    .iter()
                    .map(|&t| &self.config.templates[t])
                    .filter(|t| t.days[weekday])
                    .map(paid_hours)
                    .fold(0.0, f64::max)
            };
            after.push((weekday >= 5, hours));
        }
        let whole = week_limits(
            contract,
            Week {
                first: week.first,
                len: 7,
            },
            self.leave_days(agent, week) + leave_after,
            self.closed_days(week) + closed_after,
        )
        .min_hours;
        let carry = |weekend_open: bool| {
            let mut hours: Vec<f64> = after
                .iter()
                .filter(|(weekend, _)| weekend_open || !weekend)
                .map(|&(_, h)| h)
                .collect();
            hours.sort_by(|x, y| y.total_cmp(x));
            hours
                .iter()
                .take(contract.working_days_per_week() as usize)
                .sum::<f64>()
        };
        let owed = |carry: f64| ((whole - carry).max(0.0) * 100.0).round() / 100.0;
        let (open_carry, closed_carry) = (carry(true), carry(false));
        let saturday = self.horizon.date(week.first) + Duration::days(5);
        let window: Vec<usize> = self
            .horizon
            .weekends()
            .iter()
            .enumerate()
            .filter(|(_, w)| w.saturday >= saturday - Duration::days(21) && w.saturday < saturday)
            .map(|(i, _)| i)
            .collect();
        let weekends = match (window.first(), window.last()) {
            (Some(&first), Some(&last)) => first..last + 1,
            _ => 0..0,
        };
        // Beyond what the week's own days reach, the week cannot be completed
        // whatever is worked (the next horizon waives it); the closed case may ask
        // more, as the agent can keep the weekend open, unless its window's weekends
        // are all frozen.
        let reachable = self.reachable_hours(agent, week);
        let open_min = owed(open_carry).min(reachable);
        let window_frozen = weekends.end > 0
            && self.horizon.weekends()[weekends.end - 1]
                .days
                .iter()
                .all(|&day| self.is_frozen(day));
        let closed_min = if window_frozen {
            owed(closed_carry).min(reachable)
        } else {
            owed(closed_carry).max(open_min)
        };
        Some(Lookahead {
            week,
            weekends,
            limit: contract.max_weekends_per_4_weeks,
            open_carry,
            closed_carry,
            open_min,
            closed_min,
        })
    }

    /// Paid hours the agent can work in `week` at most: its best allowed shift on
    /// each day, on as many days as the week allows, up to its maximum hours.
    pub fn reachable_hours(&self, agent: usize, week: Week) -> f64 {
        let limits = self.open_week_limits(agent, week);
        self.best_day_hours(agent, week)
            .iter()
            .take(limits.max_days as usize)
            .sum::<f64>()
            .min(limits.max_hours)
    }

    /// The paid hours of the agent's longest allowed shift on each day of `week`
    /// (0 where none is allowed), longest first.
    pub fn best_day_hours(&self, agent: usize, week: Week) -> Vec<f64> {
        let contract = self.contract(agent);
        let mut best_per_day: Vec<f64> = week
            .days()
            .map(|day| {
                contract
                    .templates
                    .iter()
                    .filter(|&&t| {
                        self.config.templates[t]
                            .starts()
                            .into_iter()
                            .any(|s| self.shift_allowed(agent, day, t, s))
                    })
                    .map(|&t| paid_hours(&self.config.templates[t]))
                    .fold(0.0, f64::max)
            })
            .collect();
        best_per_day.sort_by(|a, b| b.total_cmp(a));
        best_per_day
    }

    /// The week the real horizon starts in, after a look-back: its maxima hold over
    /// the whole week (previous days included), but its remainder owes at most the
    /// pro-rata minimum it would owe alone (what the previous period's roster left
    /// for it when that roster cut the week): the minimum is the lower of the whole
    /// week's and the previous days' hours plus that share. Both periods keeping
    /// their shares keeps the whole week's minimum.
    fn straddling_limits(
        &self,
        agent: usize,
        week: Week,
        cut: u32,
        whole: WeekLimits,
    ) -> WeekLimits {
        let after = Week {
            first: cut,
            len: week.first + week.len - cut,
        };
        let share = self.open_week_limits(agent, after).min_hours;
        let worked: f64 = (week.first..cut)
            .filter_map(|day| self.published_shift(agent, day))
            .map(|(t, _)| paid_hours(&self.config.templates[t]))
            .sum();
        WeekLimits {
            min_hours: whole.min_hours.min(worked + share),
            ..whole
        }
    }

    /// The week across the horizon's start after a look-back, if `week` is it.
    pub fn straddles_start(&self, week: Week) -> bool {
        self.published.as_ref().is_some_and(|p| {
            week.first < p.before_horizon && p.before_horizon < week.first + week.len
        })
    }

    fn open_week_limits(&self, agent: usize, week: Week) -> WeekLimits {
        week_limits(
            self.contract(agent),
            week,
            self.leave_days(agent, week),
            self.closed_days(week),
        )
    }

    /// Whether a shift is early / late for the fair spread.
    pub fn is_early(&self, start: u32) -> bool {
        start < self.contracts.fairness.early_start_before
    }

    pub fn is_late(&self, template: usize, start: u32) -> bool {
        start + self.config.templates[template].span_minutes()
            > self.contracts.fairness.late_end_after
    }

    /// Whether one preference row is honoured by the agent's shift of that date.
    pub fn preference_honoured(&self, row: &AvailabilityRow, shift: Option<&WorkedShift>) -> bool {
        match (row.kind, row.window, shift) {
            (AvailabilityKind::PreferredOff, None, shift) => shift.is_none(),
            (AvailabilityKind::PreferredOn, None, shift) => shift.is_some(),
            (AvailabilityKind::PreferredOff, Some(_), None) => true,
            (AvailabilityKind::PreferredOn, Some(_), None) => false,
            (kind, Some((from, to)), Some(shift)) => {
                let end = shift.start + self.config.templates[shift.template].span_minutes();
                match kind {
                    AvailabilityKind::PreferredOff => !(shift.start < to && from < end),
                    _ => shift.start <= from && to <= end,
                }
            }
            _ => true,
        }
    }

    /// Preference rows of the agent inside the horizon.
    pub fn preferences(&self, agent: usize) -> impl Iterator<Item = &'a AvailabilityRow> + '_ {
        self.availability[agent].iter().copied().filter(|row| {
            matches!(
                row.kind,
                AvailabilityKind::PreferredOff | AvailabilityKind::PreferredOn
            ) && self.horizon.day_of(row.date).is_some()
        })
    }

    /// Every violated hard rule of `shifts` (any order; the result is sorted).
    /// Template structure and skills are the checker's (they need the file's rows).
    pub fn violations(&self, shifts: &[WorkedShift]) -> Vec<Violation> {
        let mut violations = Vec::new();
        let mut by_agent: BTreeMap<usize, Vec<&WorkedShift>> = BTreeMap::new();
        for shift in shifts {
            by_agent.entry(shift.agent).or_default().push(shift);
        }
        for (agent, mut own) in by_agent {
            own.sort_by_key(|s| (s.day, s.start));
            self.agent_violations(agent, &own, &mut violations);
        }
        violations.sort();
        violations.dedup();
        violations
    }

    fn agent_violations(&self, agent: usize, shifts: &[&WorkedShift], out: &mut Vec<Violation>) {
        let worked = self.shift_violations(agent, shifts, out);
        self.week_violations(agent, shifts, out);
        self.run_violations(agent, &worked, out);
        self.rest_violations(agent, shifts, out);
        self.weekend_violations(agent, &worked, out);
    }

    /// A violation of `rule` by `agent` on `day`.
    fn violation(&self, agent: usize, day: u32, rule: &str, detail: String) -> Violation {
        Violation {
            agent: self.agents[agent].id.clone(),
            date: self.horizon.date(day),
            rule: rule.to_string(),
            detail,
        }
    }

    /// One shift a day, the contract's templates at their starts, availability.
    /// Returns the days worked.
    fn shift_violations(
        &self,
        agent: usize,
        shifts: &[&WorkedShift],
        out: &mut Vec<Violation>,
    ) -> Vec<bool> {
        let contract = self.contract(agent);
        let mut push = |day: u32, rule: &str, detail: String| {
            out.push(self.violation(agent, day, rule, detail))
        };
        let mut worked = vec![false; self.horizon.days as usize];
        for shift in shifts {
            let template = &self.config.templates[shift.template];
            if worked[shift.day as usize] {
                push(
                    shift.day,
                    "one_shift_per_day",
                    "more than one shift starts on this date".into(),
                );
            }
            worked[shift.day as usize] = true;
            if self.closed[shift.day as usize] {
                push(
                    shift.day,
                    "closed_day",
                    "works on a day the calendar closes the site".into(),
                );
            }
            if !contract.templates.contains(&shift.template) {
                push(
                    shift.day,
                    "template",
                    format!(
                        "template {} is not allowed by contract {}",
                        template.name, contract.name
                    ),
                );
            }
            if !template.days[self.horizon.weekday(shift.day)]
                || !template.starts().contains(&shift.start)
            {
                push(
                    shift.day,
                    "template",
                    format!(
                        "template {} does not start at {} on this weekday",
                        template.name,
                        format_clock_minutes(shift.start)
                    ),
                );
            }
            if let Some(row) = self.blocking_row(agent, shift.day, shift.template, shift.start) {
                push(
                    shift.day,
                    "availability",
                    format!(
                        "shift {}-{} overlaps {} on {} {}(availability line {})",
                        format_clock_minutes(shift.start),
                        format_clock_minutes(shift.start + template.span_minutes()),
                        row.kind.label(),
                        row.date,
                        row.window.map_or(String::new(), |(f, t)| format!(
                            "{}-{} ",
                            format_clock_minutes(f),
                            format_clock_minutes(t)
                        )),
                        row.line
                    ),
                );
            }
        }
        worked
    }

    /// Weekly paid hours, days worked and days off.
    fn week_violations(&self, agent: usize, shifts: &[&WorkedShift], out: &mut Vec<Violation>) {
        let contract = self.contract(agent);
        let mut push = |day: u32, rule: &str, detail: String| {
            out.push(self.violation(agent, day, rule, detail))
        };
        let worked_weekends = self.worked_weekends(shifts.iter().map(|s| s.day));
        for week in self.horizon.weeks() {
            let limits = self.week_limits(agent, week);
            let min_hours = self.week_minimum(agent, week, &worked_weekends);
            let in_week: Vec<&&WorkedShift> = shifts
                .iter()
                .filter(|s| week.days().contains(&s.day))
                .collect();
            let hours: f64 = in_week
                .iter()
                .map(|s| paid_hours(&self.config.templates[s.template]))
                .sum();
            let days = in_week.len() as u32;
            if hours > limits.max_hours + HOURS_EPSILON {
                push(
                    week.first,
                    "max_hours_per_week",
                    format!(
                        "{} paid hours{} in the week from {}, above {}",
                        hours_text(hours),
                        leave_text(limits.leave_hours),
                        self.horizon.date(week.first),
                        hours_text(contract.max_hours_per_week)
                    ),
                );
            }
            if hours + HOURS_EPSILON < min_hours {
                push(
                    week.first,
                    "min_hours_per_week",
                    format!(
                        "{} paid hours{} in the week from {}, below {}{}",
                        hours_text(hours),
                        leave_text(limits.leave_hours),
                        self.horizon.date(week.first),
                        hours_text(min_hours + limits.leave_hours),
                        self.cut_week_text(agent, week, &worked_weekends)
                    ),
                );
            }
            if days > contract.max_days_per_week {
                push(
                    week.first,
                    "max_days_per_week",
                    format!(
                        "{days} days worked in the week from {}, above {}",
                        self.horizon.date(week.first),
                        contract.max_days_per_week
                    ),
                );
            }
            if days + contract.days_off_per_week > 7 {
                push(
                    week.first,
                    "days_off_per_week",
                    format!(
                        "{days} days worked in the week from {} leave fewer than {} days off",
                        self.horizon.date(week.first),
                        contract.days_off_per_week
                    ),
                );
            }
        }
    }

    /// Per horizon weekend: whether one of `days` (worked) falls on it.
    pub fn worked_weekends(&self, days: impl IntoIterator<Item = u32>) -> Vec<bool> {
        let weekends = self.horizon.weekends();
        let mut worked = vec![false; weekends.len()];
        for day in days {
            if let Some(w) = weekends.iter().position(|w| w.days.contains(&day)) {
                worked[w] = true;
            }
        }
        worked
    }

    /// Why a week cut by the horizon owes what it owes, for a violation's detail.
    fn cut_week_text(&self, agent: usize, week: Week, worked_weekends: &[bool]) -> String {
        if week.len >= 7 {
            return String::new();
        }
        let inside = format!("{} of 7 days in the horizon", week.len);
        match self.lookahead(agent, week) {
            Some(ahead) => {
                let closed = ahead.closes(worked_weekends);
                let carry = if closed {
                    ahead.closed_carry
                } else {
                    ahead.open_carry
                };
                format!(
                    " ({inside}; the days after it can carry at most {}{})",
                    hours_text(carry),
                    if closed {
                        ", the weekend limit closing their weekend"
                    } else {
                        ""
                    }
                )
            }
            None => format!(" ({inside})"),
        }
    }

    /// Consecutive days worked.
    fn run_violations(&self, agent: usize, worked: &[bool], out: &mut Vec<Violation>) {
        let contract = self.contract(agent);
        let mut push = |day: u32, rule: &str, detail: String| {
            out.push(self.violation(agent, day, rule, detail))
        };
        if let Some(max) = contract.max_consecutive_days {
            let mut run = 0;
            for day in 0..self.horizon.days {
                run = if worked[day as usize] { run + 1 } else { 0 };
                if run == max + 1 {
                    push(
                        day,
                        "max_consecutive_days",
                        format!("{run} consecutive days worked, above {max}"),
                    );
                }
            }
        }
    }

    /// Minimum rest between consecutive shifts.
    fn rest_violations(&self, agent: usize, shifts: &[&WorkedShift], out: &mut Vec<Violation>) {
        let contract = self.contract(agent);
        let mut push = |day: u32, rule: &str, detail: String| {
            out.push(self.violation(agent, day, rule, detail))
        };
        for pair in shifts.windows(2) {
            let (_, previous_end) = self.shift_span(pair[0].day, pair[0].template, pair[0].start);
            let (next_start, _) = self.shift_span(pair[1].day, pair[1].template, pair[1].start);
            let rest = next_start - previous_end;
            if rest < i64::from(contract.min_rest_minutes) {
                push(
                    pair[1].day,
                    "min_rest",
                    format!(
                        "{} between the shift of {} and this one, below {}",
                        duration_text(rest),
                        self.horizon.date(pair[0].day),
                        duration_text(i64::from(contract.min_rest_minutes))
                    ),
                );
            }
        }
    }

    /// Weekends worked in any four.
    fn weekend_violations(&self, agent: usize, worked: &[bool], out: &mut Vec<Violation>) {
        let contract = self.contract(agent);
        let mut push = |day: u32, rule: &str, detail: String| {
            out.push(self.violation(agent, day, rule, detail))
        };
        let weekends = self.horizon.weekends();
        let worked_weekends: Vec<bool> = weekends
            .iter()
            .map(|w| w.days.iter().any(|&d| worked[d as usize]))
            .collect();
        for window in self.horizon.weekend_windows() {
            let count = worked_weekends[window.clone()]
                .iter()
                .filter(|w| **w)
                .count() as u32;
            if count > contract.max_weekends_per_4_weeks {
                let first = &weekends[window.start];
                push(
                    first.days[0],
                    "max_weekends_per_4_weeks",
                    format!(
                        "{count} weekends worked in the {} weekends from {}, above {}",
                        window.len(),
                        first.saturday,
                        contract.max_weekends_per_4_weeks
                    ),
                );
            }
        }
    }

    /// Per-agent figures for the summary: worked hours and days, weekends, early and
    /// late shifts, preferences honoured, isolated days off.
    pub fn stats(&self, shifts: &[WorkedShift]) -> Vec<AgentStats> {
        let mut stats: Vec<AgentStats> = (0..self.agents.len())
            .map(|_| AgentStats::default())
            .collect();
        let mut by_agent_day: BTreeMap<(usize, u32), &WorkedShift> = BTreeMap::new();
        for shift in shifts {
            by_agent_day.insert((shift.agent, shift.day), shift);
            let stat = &mut stats[shift.agent];
            stat.hours += paid_hours(&self.config.templates[shift.template]);
            stat.days += 1;
            stat.early += u32::from(self.is_early(shift.start));
            stat.late += u32::from(self.is_late(shift.template, shift.start));
        }
        let weekends = self.horizon.weekends();
        for (agent, stat) in stats.iter_mut().enumerate() {
            let works = |day: u32| by_agent_day.contains_key(&(agent, day));
            stat.weekends = weekends
                .iter()
                .filter(|w| w.days.iter().any(|&d| works(d)))
                .count() as u32;
            for week in self.horizon.weeks() {
                stat.leave_hours += self.week_limits(agent, week).leave_hours;
            }
            let leave_days: BTreeSet<NaiveDate> = self.availability[agent]
                .iter()
                .filter(|r| r.kind == AvailabilityKind::Leave && r.window.is_none())
                .map(|r| r.date)
                .collect();
            stat.leave_days = leave_days
                .iter()
                .filter(|d| self.horizon.day_of(**d).is_some())
                .count() as u32;
            for row in self.preferences(agent) {
                let day = self.horizon.day_of(row.date).expect("inside");
                stat.preferences += 1;
                if self.preference_honoured(row, by_agent_day.get(&(agent, day)).copied()) {
                    stat.preferences_honoured += 1;
                }
            }
            if self.contract(agent).consecutive_days_off {
                stat.isolated_days_off = (1..self.horizon.days.saturating_sub(1))
                    .filter(|&d| !works(d) && works(d - 1) && works(d + 1))
                    .count() as u32;
            }
        }
        stats
    }
}

/// Per-agent figures of a roster.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgentStats {
    pub hours: f64,
    pub leave_hours: f64,
    pub days: u32,
    pub leave_days: u32,
    pub weekends: u32,
    pub early: u32,
    pub late: u32,
    pub preferences: u32,
    pub preferences_honoured: u32,
    pub isolated_days_off: u32,
}

/// Paid hours of one shift of `template`.
pub fn paid_hours(template: &ShiftTemplate) -> f64 {
    f64::from(template.paid_minutes) / 60.0
}

fn hours_text(hours: f64) -> String {
    crate::units::format_number(hours, 2)
}

fn leave_text(leave_hours: f64) -> String {
    if leave_hours > 0.0 {
        format!(" (+{} of leave)", hours_text(leave_hours))
    } else {
        String::new()
    }
}

fn duration_text(minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let minutes = minutes.abs();
    format!("{sign}{}h{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn weeks_and_weekends_of_a_horizon_starting_on_a_wednesday() {
        // 2027-02-03 is a Wednesday; 20 days run to Monday 2027-02-22.
        let horizon = Horizon {
            start: date("2027-02-03"),
            days: 20,
        };
        let weeks: Vec<(u32, u32)> = horizon.weeks().iter().map(|w| (w.first, w.len)).collect();
        assert_eq!(weeks, vec![(0, 5), (5, 7), (12, 7), (19, 1)]);
        let weekends = horizon.weekends();
        assert_eq!(weekends.len(), 3);
        assert_eq!(weekends[0].saturday, date("2027-02-06"));
        assert_eq!(weekends[0].days, vec![3, 4]);
        assert_eq!(horizon.weekend_windows(), vec![0..3]);
        let long = Horizon {
            start: date("2027-02-07"),
            days: 35,
        };
        // Starts on a Sunday: its weekend counts with one day.
        assert_eq!(long.weekends()[0].days, vec![0]);
        assert_eq!(long.weekends().len(), 6);
        assert_eq!(long.weekend_windows(), vec![0..4, 1..5, 2..6]);
    }

    #[test]
    fn partial_weeks_scale_the_minimum_and_leave_is_credited() {
        let contract = Contract {
            name: "FT".into(),
            templates: vec![0],
            min_hours_per_week: 35.0,
            max_hours_per_week: 40.0,
            max_days_per_week: 5,
            max_consecutive_days: Some(6),
            min_rest_minutes: 660,
            days_off_per_week: 2,
            consecutive_days_off: true,
            max_weekends_per_4_weeks: 3,
            leave_day_hours: 7.0,
            closed_day_credit: ClosedDayCredit::ProRata,
        };
        let full = week_limits(&contract, Week { first: 0, len: 7 }, 1, 0);
        assert_eq!(
            (full.min_hours, full.max_hours, full.max_days),
            (28.0, 33.0, 5)
        );
        let cut = week_limits(&contract, Week { first: 0, len: 3 }, 0, 0);
        assert_eq!(
            (cut.min_hours, cut.max_hours, cut.max_days),
            (15.0, 40.0, 3)
        );
        // One closed day in a full week: 35 x 6/7 = 30 pro rata, 35 - 7 = 28 as
        // hours, 35 without credit.
        let week = Week { first: 0, len: 7 };
        let minimum = |credit| {
            let contract = Contract {
                closed_day_credit: credit,
                ..contract.clone()
            };
            week_limits(&contract, week, 0, 1).min_hours
        };
        assert_eq!(minimum(ClosedDayCredit::ProRata), 30.0);
        assert_eq!(minimum(ClosedDayCredit::Hours), 28.0);
        assert_eq!(minimum(ClosedDayCredit::None), 35.0);
    }

    #[test]
    fn the_last_week_carries_what_the_days_after_the_horizon_cannot() {
        // 24 days from Monday 2027-02-01 to Wednesday 2027-02-24; the calendar
        // closes Thursday 2027-02-25. The last week (Mon 22 to Wed 24) owes 32 x 3/7
        // = 13.71 pro rata. The whole week owes 32 x 6/7 = 27.43 (one closed day,
        // pro rata); after the horizon Friday, Saturday and Sunday can carry 3 x 8 =
        // 24 of it, so 27.43 - 24 = 3.43 and the pro-rata share stands. Once the
        // agent works two of the weekends of 6, 13 and 20 February (the limit in the
        // four that end with 27-28 February), Friday alone carries 8: the week owes
        // 27.43 - 8 = 19.43, a third shift.
        let config = ShiftConfig::from_toml(
            r#"
[[template]]
name = "DAY"
paid_hours = 8.0
start_earliest = "09:00"
start_latest = "09:00"
start_step = "30m"
cost_per_hour = 1.0
"#,
            "shifts.toml",
        )
        .unwrap();
        let contracts = Contracts::from_toml(
            r#"[contract.FT]
templates = ["DAY"]
min_hours_per_week = 32.0
max_hours_per_week = 40.0
max_days_per_week = 5
days_off_per_week = 2
max_weekends_per_4_weeks = 2
"#,
            "contracts.toml",
            &config,
        )
        .unwrap();
        let agents = vec![Agent {
            id: "A".into(),
            name: "A".into(),
            contract: 0,
            skills: Vec::new(),
        }];
        let horizon = Horizon {
            start: date("2027-02-01"),
            days: 24,
        };
        let book = RuleBook::new(&config, &contracts, &agents, &[], horizon)
            .with_closed_days(&[date("2027-02-25")]);
        let last = Week { first: 21, len: 3 };
        assert_eq!(*horizon.weeks().last().unwrap(), last);
        let ahead = book.lookahead(0, last).unwrap();
        assert_eq!(ahead.weekends, 0..3);
        assert_eq!((ahead.open_carry, ahead.closed_carry), (24.0, 8.0));
        assert_eq!((ahead.open_min, ahead.closed_min), (3.43, 19.43));
        assert_eq!(book.week_limits(0, last).min_hours, 13.71);
        assert_eq!(book.week_minimum(0, last, &[true, false, false]), 13.71);
        assert_eq!(book.week_minimum(0, last, &[true, true, false]), 19.43);

        // Monday to Thursday every week, Saturdays 6 and 13, Monday and Tuesday of
        // the last week: 16 hours, enough alone, short once both weekends are worked.
        let days = |saturdays: &[u32], last_days: &[u32]| -> Vec<WorkedShift> {
            (0..3)
                .flat_map(|week| (0..4).map(move |d| week * 7 + d))
                .chain(saturdays.iter().copied())
                .chain(last_days.iter().copied())
                .map(|day| WorkedShift::unrested((0, day, 0, 540)))
                .collect()
        };
        let shown: Vec<String> = book
            .violations(&days(&[5, 12], &[21, 22]))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            shown,
            vec!["A 2027-02-22 min_hours_per_week: 16 paid hours in the week from 2027-02-22, below 19.43 (3 of 7 days in the horizon; the days after it can carry at most 8, the weekend limit closing their weekend)"]
        );
        assert!(book.violations(&days(&[5, 12], &[21, 22, 23])).is_empty());
        assert!(book.violations(&days(&[5], &[21, 22])).is_empty());
        // Open on Thursday 25, the days after carry 16 even with the weekend closed.
        let open = RuleBook::new(&config, &contracts, &agents, &[], horizon);
        assert_eq!(open.week_minimum(0, last, &[true, true, false]), 16.0);
    }
}
