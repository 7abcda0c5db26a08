//! A constructive roster that meets every hard rule, used as the solver's first
//! incumbent: HiGHS's own heuristics rarely find a feasible roster when weekly minimum
//! hours, rest and day limits interlock, and a good start lets branch and bound spend
//! its time on the gap. Days are filled in order; each agent, most urgent first (the
//! larger the share of the week's minimum still to work per available day), takes the
//! allowed shift that covers most of the remaining requirement of its queues, when
//! that is worth its pay or when skipping the day would make the weekly minimum
//! unreachable (below the minimum the pay is due anyway, so any cover is worth it).
//! Rules are tracked incrementally per agent. Then rounds of local search: add shifts
//! worth their pay, re-time shifts within their template, move shifts across the days
//! of their week (pricing single days off too), and prune shifts worth less than their
//! pay; every move that could break a rule is checked with the checker's evaluation.

use super::rules::{paid_hours, RuleBook, Week, Weekend, WorkedShift};
use super::types::{agent_queues, QueueDemand, StartedShift};

/// Per-agent state while the roster is built.
#[derive(Clone, Default)]
struct AgentState {
    /// Hours and days worked per week index.
    hours: Vec<f64>,
    days: Vec<u32>,
    /// End (minutes from the horizon's first midnight) of the last shift.
    last_end: Option<i64>,
    /// Consecutive days worked up to the last worked day.
    run: u32,
    last_day: Option<u32>,
    /// Worked weekends, by weekend index.
    weekends: Vec<bool>,
}

/// The greedy roster: every agent's shifts except those of the agents the greedy
/// rules painted into a corner (`stuck`: a weekly minimum out of reach), who start
/// with no shift so that an exact best response can give them a whole schedule.
pub struct GreedyStart {
    pub roster: Vec<StartedShift>,
    pub stuck: Vec<usize>,
}

/// Builds the roster; see [`GreedyStart`].
pub fn greedy_roster(book: &RuleBook, queues: &[QueueDemand], slot: u32) -> GreedyStart {
    let mut greedy = Greedy::new(book, queues, slot);
    for day in 0..book.horizon.days {
        greedy.fill_day(day);
    }
    let stuck: Vec<usize> = (0..book.agents.len())
        .filter(|&a| greedy.stuck[a])
        .collect();
    let Greedy {
        mut roster,
        mut served,
        mut need,
        skills,
        state,
        ..
    } = greedy;
    let mut hours: Vec<Vec<f64>> = state.iter().map(|s| s.hours.clone()).collect();
    for _ in 0..LOCAL_SEARCH_ROUNDS {
        add_shifts(
            book,
            &mut roster,
            &mut served,
            &mut need,
            &mut hours,
            &skills,
            slot,
        );
        retime(book, &mut roster, &mut served, &mut need, &skills, slot);
        move_days(book, &mut roster, &mut served, &mut need, &skills, slot);
        prune(book, &mut roster, &mut served, &mut need, &mut hours, slot);
    }
    roster.retain(|shift| !stuck.contains(&shift.0));
    roster.sort_unstable();
    GreedyStart { roster, stuck }
}

/// The constructive roster while days are filled in order.
struct Greedy<'a> {
    book: &'a RuleBook<'a>,
    slot: u32,
    horizon_slots: usize,
    weeks: Vec<Week>,
    weekends: Vec<Weekend>,
    windows: Vec<std::ops::Range<usize>>,
    /// Remaining requirement per queue and slot.
    need: Vec<Vec<f64>>,
    /// Per agent, its queues.
    skills: Vec<Vec<usize>>,
    state: Vec<AgentState>,
    /// Under-staffing penalty per agent-hour (positive).
    under: f64,
    roster: Vec<StartedShift>,
    /// Per rostered shift, the queue it serves in each slot.
    served: Vec<Vec<(usize, usize)>>,
    /// Per agent: a weekly minimum went out of reach.
    stuck: Vec<bool>,
}

impl<'a> Greedy<'a> {
    fn new(book: &'a RuleBook<'a>, queues: &[QueueDemand], slot: u32) -> Self {
        let weeks = book.horizon.weeks();
        let weekends = book.horizon.weekends();
        let horizon_slots = (book.horizon.days * 1440 / slot) as usize;
        let mut need: Vec<Vec<f64>> = vec![vec![0.0; horizon_slots]; queues.len()];
        for (k, queue) in queues.iter().enumerate() {
            for demand in &queue.demands {
                let first = (demand.wall_minute / slot) as usize;
                let last = (first + (demand.minutes / slot) as usize).min(horizon_slots);
                for cell in need[k].iter_mut().take(last).skip(first) {
                    *cell = demand.required;
                }
            }
        }
        let state = vec![
            AgentState {
                hours: vec![0.0; weeks.len()],
                days: vec![0; weeks.len()],
                weekends: vec![false; weekends.len()],
                ..AgentState::default()
            };
            book.agents.len()
        ];
        Greedy {
            book,
            slot,
            horizon_slots,
            windows: book.horizon.weekend_windows(),
            weeks,
            weekends,
            need,
            skills: agent_queues(book, queues),
            state,
            under: book.config.penalties.under_per_agent_hour.max(1e-9),
            roster: Vec::new(),
            served: Vec::new(),
            stuck: vec![false; book.agents.len()],
        }
    }

    /// Gives `day` its shifts, most urgent agent first; marks agents that can no
    /// longer reach their weekly minimum as stuck.
    fn fill_day(&mut self, day: u32) {
        let book = self.book;
        let w = book.horizon.week_of(day);
        let week = self.weeks[w];
        // Candidates per agent and how urgent the agent is.
        let mut order: Vec<(f64, usize)> = (0..book.agents.len())
            .map(|a| {
                let left = (self.minimum(a, w) - self.state[a].hours[w]).max(0.0);
                let days_left = (day..week.first + week.len).count().max(1) as f64;
                (left / days_left, a)
            })
            .collect();
        order.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        for &(_, a) in &order {
            if !self.stuck[a] && self.agent_day(a, day, w).is_none() {
                self.stuck[a] = true;
            }
        }
        // Weeks ending today must have met their minimum.
        if day + 1 == week.first + week.len {
            for a in 0..book.agents.len() {
                if self.state[a].hours[w] + 1e-6 < self.minimum(a, w) {
                    self.stuck[a] = true;
                }
            }
        }
    }

    /// Agent `a`'s minimum hours in week `w`, given the weekends it works so far
    /// (which may close the weekend after the horizon, see [`RuleBook::week_minimum`]).
    fn minimum(&self, a: usize, w: usize) -> f64 {
        self.book
            .week_minimum(a, self.weeks[w], &self.state[a].weekends)
    }

    /// Whether weekend `we` is not yet worked by agent `a` and working it would pass
    /// the contract's limit in some four-weekend window.
    fn weekend_full(&self, a: usize, we: usize) -> bool {
        let s = &self.state[a];
        let limit = self.book.contract(a).max_weekends_per_4_weeks;
        !s.weekends[we]
            && self
                .windows
                .iter()
                .filter(|r| r.contains(&we))
                .any(|r| s.weekends[r.clone()].iter().filter(|x| **x).count() as u32 + 1 > limit)
    }

    /// Gives agent `a` its best shift on `day` (week index `w`) if the day's rules
    /// allow one and it is worth its pay or needed for the weekly minimum; `None`
    /// when the minimum can no longer be reached.
    fn agent_day(&mut self, a: usize, day: u32, w: usize) -> Option<()> {
        let book = self.book;
        let week = self.weeks[w];
        let contract = book.contract(a);
        let limits = book.week_limits(a, week);
        let weekend = self.weekends.iter().position(|x| x.days.contains(&day));
        let s = &self.state[a];
        // Day-level rules.
        if s.days[w] >= limits.max_days {
            return Some(());
        }
        if let Some(max) = contract.max_consecutive_days {
            if s.last_day.is_some_and(|d| d + 1 == day) && s.run >= max {
                return Some(());
            }
        }
        if weekend.is_some_and(|we| self.weekend_full(a, we)) {
            return Some(());
        }
        let (forced, hours_needed) = self.minimum_pressure(a, day, w);
        let Some((value, t, start)) = self.best_shift(a, day, w, hours_needed) else {
            return if forced { None } else { Some(()) };
        };
        if value <= 0.0 && !forced {
            return Some(());
        }
        self.take(a, day, w, weekend, (t, start));
        Some(())
    }

    /// Whether skipping `day` would leave agent `a`'s weekly minimum out of reach
    /// (`forced`), and then how many hours today's shift must at least have so that
    /// the minimum stays reachable with one day fewer for the rest of the week.
    fn minimum_pressure(&self, a: usize, day: u32, w: usize) -> (bool, f64) {
        let book = self.book;
        let config = book.config;
        let week = self.weeks[w];
        let contract = book.contract(a);
        let limits = book.week_limits(a, week);
        let s = &self.state[a];
        let best_day = |d: u32| {
            let weekend = self.weekends.iter().position(|x| x.days.contains(&d));
            if weekend.is_some_and(|we| self.weekend_full(a, we)) {
                return 0.0;
            }
            contract
                .templates
                .iter()
                .filter(|&&t| {
                    config.templates[t]
                        .starts()
                        .into_iter()
                        .any(|st| book.shift_allowed(a, d, t, st))
                })
                .map(|&t| paid_hours(&config.templates[t]))
                .fold(0.0, f64::max)
        };
        let mut later: Vec<f64> = (day + 1..week.first + week.len).map(best_day).collect();
        later.sort_by(|x, y| y.total_cmp(x));
        let reachable_later: f64 = later
            .iter()
            .take((limits.max_days - s.days[w]) as usize)
            .sum();
        let minimum = self.minimum(a, w);
        let forced = s.hours[w] + reachable_later + 1e-6 < minimum;
        let reachable_after: f64 = later
            .iter()
            .take((limits.max_days - s.days[w]).saturating_sub(1) as usize)
            .sum();
        let hours_needed = if forced {
            minimum - s.hours[w] - reachable_after - 1e-6
        } else {
            0.0
        };
        (forced, hours_needed)
    }

    /// The allowed shift of agent `a` on `day` with the most value (cover of its
    /// queues' remaining requirement at the under-staffing penalty, minus pay above
    /// the weekly minimum) and at least `hours_needed` paid hours: (value, template,
    /// start).
    fn best_shift(
        &self,
        a: usize,
        day: u32,
        w: usize,
        hours_needed: f64,
    ) -> Option<(f64, usize, u32)> {
        let book = self.book;
        let contract = book.contract(a);
        let limits = book.week_limits(a, self.weeks[w]);
        let minimum = self.minimum(a, w);
        let s = &self.state[a];
        let slot = self.slot as usize;
        let mut best: Option<(f64, usize, u32)> = None;
        for &t in &contract.templates {
            let template = &book.config.templates[t];
            let hours = paid_hours(template);
            if s.hours[w] + hours > limits.max_hours + 1e-6 || hours < hours_needed {
                continue;
            }
            for start in template.starts() {
                if !book.shift_allowed(a, day, t, start) {
                    continue;
                }
                let (from, to) = book.shift_span(day, t, start);
                if s.last_end
                    .is_some_and(|end| from - end < i64::from(contract.min_rest_minutes))
                {
                    continue;
                }
                let gain: f64 = (from as usize / slot
                    ..(to as usize / slot).min(self.horizon_slots))
                    .map(|q| {
                        self.skills[a]
                            .iter()
                            .map(|&k| self.need[k][q].clamp(0.0, 1.0))
                            .fold(0.0, f64::max)
                    })
                    .sum::<f64>()
                    * f64::from(self.slot)
                    / 60.0;
                // Below the weekly minimum the pay is due anyway: any cover is worth
                // it, so mandated hours go where the requirement is, early.
                let below_minimum = s.hours[w] + 1e-6 < minimum;
                let cost = if below_minimum {
                    0.0
                } else {
                    template.shift_cost()
                };
                let value = gain * self.under - cost;
                if best.is_none_or(|(v, _, _)| value > v + 1e-9) {
                    best = Some((value, t, start));
                }
            }
        }
        best
    }

    /// Rosters agent `a` on `day` at (template, start): its queues' need falls, its
    /// rule state advances.
    fn take(
        &mut self,
        a: usize,
        day: u32,
        w: usize,
        weekend: Option<usize>,
        (t, start): (usize, u32),
    ) {
        let slot = self.slot as usize;
        let (from, to) = self.book.shift_span(day, t, start);
        let worked = from as usize / slot..(to as usize / slot).min(self.horizon_slots);
        let mut queues = Vec::new();
        for q in worked {
            if let Some(&k) = self.skills[a]
                .iter()
                .max_by(|&&x, &&y| self.need[x][q].total_cmp(&self.need[y][q]).then(y.cmp(&x)))
            {
                self.need[k][q] -= 1.0;
                queues.push((q, k));
            }
        }
        self.served.push(queues);
        let s = &mut self.state[a];
        s.hours[w] += paid_hours(&self.book.config.templates[t]);
        s.days[w] += 1;
        s.run = if s.last_day.is_some_and(|d| d + 1 == day) {
            s.run + 1
        } else {
            1
        };
        s.last_day = Some(day);
        s.last_end = Some(to);
        if let Some(we) = weekend {
            s.weekends[we] = true;
        }
        self.roster.push((a, day, t, start));
    }
}

/// Moves each shift, in roster order, to the start of its template that covers most
/// of what is still needed on the agent's queues, keeping the rest with the agent's
/// shifts before and after; the hours and days do not change, so no other rule moves.
fn retime(
    book: &RuleBook,
    roster: &mut [StartedShift],
    served: &mut [Vec<(usize, usize)>],
    need: &mut [Vec<f64>],
    skills: &[Vec<usize>],
    slot: u32,
) {
    let horizon_slots = need.first().map_or(0, Vec::len);
    let mut by_agent: Vec<Vec<usize>> = vec![Vec::new(); book.agents.len()];
    for (index, shift) in roster.iter().enumerate() {
        by_agent[shift.0].push(index);
    }
    for own in &mut by_agent {
        own.sort_by_key(|&i| roster[i].1);
    }
    for agent_shifts in &by_agent {
        for (position, &index) in agent_shifts.iter().enumerate() {
            let (agent, day, template, current) = roster[index];
            let rest = i64::from(book.contract(agent).min_rest_minutes);
            let previous_end = position
                .checked_sub(1)
                .map(|p| roster[agent_shifts[p]])
                .map(|(_, d, t, st)| book.shift_span(d, t, st).1);
            let next_start = agent_shifts
                .get(position + 1)
                .map(|&n| roster[n])
                .map(|(_, d, t, st)| book.shift_span(d, t, st).0);
            for &(q, k) in &served[index] {
                need[k][q] += 1.0;
            }
            let gain = |start: u32, need: &[Vec<f64>]| {
                let (from, to) = book.shift_span(day, template, start);
                (from as usize / slot as usize..(to as usize / slot as usize).min(horizon_slots))
                    .map(|q| {
                        skills[agent]
                            .iter()
                            .map(|&k| need[k][q].clamp(0.0, 1.0))
                            .fold(0.0, f64::max)
                    })
                    .sum::<f64>()
            };
            let mut best = (gain(current, need), current);
            for start in book.config.templates[template].starts() {
                let (from, to) = book.shift_span(day, template, start);
                let fits = book.shift_allowed(agent, day, template, start)
                    && previous_end.is_none_or(|end| from - end >= rest)
                    && next_start.is_none_or(|next| next - to >= rest);
                let value = gain(start, need);
                if fits && value > best.0 + 1e-9 {
                    best = (value, start);
                }
            }
            let start = best.1;
            let (from, to) = book.shift_span(day, template, start);
            served[index] = take_cover(need, &skills[agent], from, to, slot);
            roster[index].3 = start;
        }
    }
}

/// Serves the slots of [from, to) on the agent's queue with most need in each, and
/// returns (slot, queue) for each.
#[allow(clippy::needless_range_loop)]
fn take_cover(
    need: &mut [Vec<f64>],
    skills: &[usize],
    from: i64,
    to: i64,
    slot: u32,
) -> Vec<(usize, usize)> {
    let horizon_slots = need.first().map_or(0, Vec::len);
    let mut queues = Vec::new();
    for q in from as usize / slot as usize..(to as usize / slot as usize).min(horizon_slots) {
        let best = skills
            .iter()
            .copied()
            .max_by(|&x, &y| need[x][q].total_cmp(&need[y][q]).then(y.cmp(&x)));
        if let Some(k) = best {
            need[k][q] -= 1.0;
            queues.push((q, k));
        }
    }
    queues
}

/// Agent-hours of need a shift [from, to) would meet on the agent's queues.
fn cover_gain(need: &[Vec<f64>], skills: &[usize], from: i64, to: i64, slot: u32) -> f64 {
    let horizon_slots = need.first().map_or(0, Vec::len);
    (from as usize / slot as usize..(to as usize / slot as usize).min(horizon_slots))
        .map(|q| {
            skills
                .iter()
                .map(|&k| need[k][q].clamp(0.0, 1.0))
                .fold(0.0, f64::max)
        })
        .sum::<f64>()
        * f64::from(slot)
        / 60.0
}

/// Moves shifts to another day or start of the same week (same template, so the
/// week's hours and days stay) where they meet more need or leave fewer single days
/// off, priced as in the objective; each move is checked against every rule with the
/// checker's own evaluation.
fn move_days(
    book: &RuleBook,
    roster: &mut [StartedShift],
    served: &mut [Vec<(usize, usize)>],
    need: &mut [Vec<f64>],
    skills: &[Vec<usize>],
    slot: u32,
) {
    let weeks = book.horizon.weeks();
    let under = book.config.penalties.under_per_agent_hour;
    for index in 0..roster.len() {
        let (agent, day, template, start) = roster[index];
        let week = weeks[book.horizon.week_of(day)];
        for &(q, k) in &served[index] {
            need[k][q] += 1.0;
        }
        let (from, to) = book.shift_span(day, template, start);
        let current = cover_gain(need, &skills[agent], from, to, slot);
        let worked: Vec<u32> = roster
            .iter()
            .enumerate()
            .filter(|(i, s)| s.0 == agent && *i != index)
            .map(|(_, s)| s.1)
            .collect();
        let isolated_weight = if book.contract(agent).consecutive_days_off {
            book.contracts.soft.isolated_day_off
        } else {
            0.0
        };
        let isolation = |with: u32| isolated_days_off(book.horizon.days, &worked, with);
        let now = isolation(day);
        let mut candidates: Vec<(f64, u32, u32)> = Vec::new();
        for other in week.days().filter(|d| !worked.contains(d)) {
            let isolation_change =
                isolated_weight * f64::from(isolation(other)) - isolated_weight * f64::from(now);
            for s in book.config.templates[template].starts() {
                if (other, s) == (day, start) || !book.shift_allowed(agent, other, template, s) {
                    continue;
                }
                let (f, t) = book.shift_span(other, template, s);
                let net = (cover_gain(need, &skills[agent], f, t, slot) - current) * under
                    - isolation_change;
                if net > 1e-9 {
                    candidates.push((net, other, s));
                }
            }
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
        let own: Vec<WorkedShift> = roster
            .iter()
            .enumerate()
            .filter(|(i, s)| s.0 == agent && *i != index)
            .map(|(_, &(a, d, t, st))| WorkedShift {
                agent: a,
                day: d,
                template: t,
                start: st,
                rest_starts: Vec::new(),
            })
            .collect();
        let chosen = candidates
            .into_iter()
            .take(MOVE_TRIES)
            .find(|&(_, other, s)| {
                let mut trial = own.clone();
                trial.push(WorkedShift {
                    agent,
                    day: other,
                    template,
                    start: s,
                    rest_starts: Vec::new(),
                });
                book.violations(&trial).is_empty()
            });
        let (day, start) = chosen.map_or((day, start), |(_, d, s)| (d, s));
        let (from, to) = book.shift_span(day, template, start);
        served[index] = take_cover(need, &skills[agent], from, to, slot);
        roster[index] = (agent, day, template, start);
    }
}

/// Rounds of add, re-time, move and prune.
const LOCAL_SEARCH_ROUNDS: usize = 6;

/// Adds a shift on a free day where the need it meets, at the under-staffing
/// penalty, is worth more than its pay and every rule still holds.
fn add_shifts(
    book: &RuleBook,
    roster: &mut Vec<StartedShift>,
    served: &mut Vec<Vec<(usize, usize)>>,
    need: &mut [Vec<f64>],
    hours: &mut [Vec<f64>],
    skills: &[Vec<usize>],
    slot: u32,
) {
    let config = book.config;
    let under = config.penalties.under_per_agent_hour;
    for agent in 0..book.agents.len() {
        let mut own: Vec<WorkedShift> = roster
            .iter()
            .filter(|s| s.0 == agent)
            .map(|&(a, d, t, st)| WorkedShift {
                agent: a,
                day: d,
                template: t,
                start: st,
                rest_starts: Vec::new(),
            })
            .collect();
        for day in 0..book.horizon.days {
            if own.iter().any(|s| s.day == day) {
                continue;
            }
            let mut best: Option<(f64, usize, u32)> = None;
            for &t in &book.contract(agent).templates {
                let template = &config.templates[t];
                for start in template.starts() {
                    if !book.shift_allowed(agent, day, t, start) {
                        continue;
                    }
                    let (from, to) = book.shift_span(day, t, start);
                    let value = cover_gain(need, &skills[agent], from, to, slot) * under
                        - template.shift_cost();
                    if value > 1e-9 && best.is_none_or(|b| value > b.0 + 1e-9) {
                        best = Some((value, t, start));
                    }
                }
            }
            let Some((_, t, start)) = best else {
                continue;
            };
            let shift = WorkedShift {
                agent,
                day,
                template: t,
                start,
                rest_starts: Vec::new(),
            };
            own.push(shift.clone());
            if !book.violations(&own).is_empty() {
                own.pop();
                continue;
            }
            let (from, to) = book.shift_span(day, t, start);
            served.push(take_cover(need, &skills[agent], from, to, slot));
            roster.push((agent, day, t, start));
            hours[agent][book.horizon.week_of(day)] += paid_hours(&config.templates[t]);
        }
    }
}

/// Single days off between two worked days, with `extra` worked as well.
fn isolated_days_off(days: u32, worked: &[u32], extra: u32) -> u32 {
    let works = |d: u32| d == extra || worked.contains(&d);
    (1..days.saturating_sub(1))
        .filter(|&d| !works(d) && works(d - 1) && works(d + 1))
        .count() as u32
}

/// Candidate moves checked per shift, best first.
const MOVE_TRIES: usize = 4;

/// Drops shifts whose cover is worth less than their pay: built day by day, the roster
/// staffs early needs that later shifts also meet. Shifts go in order of least cover;
/// one goes when the agent-hours it alone provides (slots where its queue would fall
/// short without it), at the under-staffing penalty, cost less than the shift, and the
/// agent's week stays at its minimum. Removing a shift never breaks a maximum, rest,
/// consecutive-day or weekend rule.
fn prune(
    book: &RuleBook,
    roster: &mut Vec<StartedShift>,
    served: &mut Vec<Vec<(usize, usize)>>,
    need: &mut [Vec<f64>],
    hours: &mut [Vec<f64>],
    slot: u32,
) {
    let config = book.config;
    let under = config.penalties.under_per_agent_hour;
    let slot_hours = f64::from(slot) / 60.0;
    let weeks = book.horizon.weeks();
    let cover = |shift: usize, need: &[Vec<f64>]| {
        served[shift]
            .iter()
            .filter(|&&(q, k)| need[k][q] + 1.0 > 1e-9)
            .count() as f64
            * slot_hours
    };
    let mut order: Vec<usize> = (0..roster.len()).collect();
    order.sort_by(|&x, &y| cover(x, need).total_cmp(&cover(y, need)).then(x.cmp(&y)));
    let mut dropped = vec![false; roster.len()];
    // Weekends worked before pruning: dropping shifts only opens weekends, so the
    // minima they set stay safe.
    let mut worked_days: Vec<Vec<u32>> = vec![Vec::new(); book.agents.len()];
    for shift in roster.iter() {
        worked_days[shift.0].push(shift.1);
    }
    let worked_weekends: Vec<Vec<bool>> = worked_days
        .into_iter()
        .map(|days| book.worked_weekends(days))
        .collect();
    for shift in order {
        let (agent, day, template, _) = roster[shift];
        let w = book.horizon.week_of(day);
        let paid = paid_hours(&config.templates[template]);
        let minimum = book.week_minimum(agent, weeks[w], &worked_weekends[agent]);
        if hours[agent][w] - paid + 1e-6 < minimum {
            continue;
        }
        if cover(shift, need) * under >= config.templates[template].shift_cost() {
            continue;
        }
        for &(q, k) in &served[shift] {
            need[k][q] += 1.0;
        }
        hours[agent][w] -= paid;
        dropped[shift] = true;
    }
    let mut index = 0;
    roster.retain(|_| {
        let keep = !dropped[index];
        index += 1;
        keep
    });
    let mut index = 0;
    served.retain(|_| {
        let keep = !dropped[index];
        index += 1;
        keep
    });
}
