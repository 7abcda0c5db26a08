//! Each agent's cheapest schedule over the whole horizon, by an exact dynamic program
//! over the days ([`Pricer`]): the pricing step of column generation (Lübbecke and
//! Desrosiers 2005, "Selected topics in column generation", Oper. Res. 53:1007-1023),
//! used by the best-response rounds of [`super::respond`].
//!
//! The states carry everything the hard rules need: the run of worked days (and
//! whether the day before an off day was worked, for isolated days off), days and
//! paid hours worked this week, the worked weekends among the last four, and the
//! earliest start that `min_rest` allows after the last shift. Every schedule the
//! program can return satisfies every rule of [`super::rules::RuleBook::violations`],
//! and every schedule that does is open to it (a test checks this against brute force
//! over every schedule). A schedule's price is its paid cost, the agent's own soft
//! goals (unmet preferences, isolated days off) and whatever the caller adds per shift.
//!
//! A column-generation master over these schedules (coverage, pooled rests, the queue
//! hand-out, fairness rows; Lagrangian bound) was built and measured on the 200-agent
//! benchmark: correct, but HiGHS took 4-16 s per master re-solve and its linear bound
//! was no tighter than the aggregate relaxation's, so it was removed (commit e86babd
//! has it; docs/benchmarks.md, "Rostering", has the figures).

use std::collections::BTreeSet;

use super::rules::{paid_hours, RuleBook, WorkedShift};

/// One agent's schedule: (day, template, start), days ascending.
pub type Schedule = Vec<(u32, usize, u32)>;

/// One allowed shift of an agent's day in the pricing program.
#[derive(Debug, Clone)]
struct DayShift {
    template: usize,
    start: u32,
    /// Paid time in the contract's hour units.
    units: usize,
    /// Index into `Pricer::thresholds` of the earliest start allowed the next day.
    next_threshold: usize,
    /// Paid cost plus the agent's unmet preferences if worked.
    own_cost: f64,
    early: bool,
    late: bool,
    hours: f64,
}

/// A week's limits in the pricing program's units.
#[derive(Debug, Clone, Copy)]
struct WeekUnits {
    min_units: usize,
    max_units: usize,
    max_days: usize,
}

/// The pricing dynamic program of one agent (see the module doc).
#[derive(Debug, Clone)]
pub struct Pricer {
    pub agent: usize,
    days: usize,
    shifts: Vec<Vec<DayShift>>,
    /// Unmet preferences when off, per day.
    off_cost: Vec<f64>,
    /// Earliest start allowed on a day (minutes after its midnight); index 0 is none.
    thresholds: Vec<i64>,
    /// The threshold one day later, after a day off.
    off_next: Vec<usize>,
    week_index: Vec<usize>,
    week_first: Vec<bool>,
    weeks: Vec<WeekUnits>,
    weekend_first: Vec<bool>,
    weekend_day: Vec<bool>,
    max_weekends: u32,
    /// The last week's minimum once the worked weekends close the weekend after the
    /// horizon (see [`super::rules::Lookahead`]): (weekend mask bits of its window,
    /// worked weekends there that close it, minimum units then).
    closed_weekend_min: Option<(usize, u32, usize)>,
    max_consecutive: Option<usize>,
    /// Per day: frozen (its shift is given). The rules that span days are not
    /// enforced between frozen days, which hold what was worked or published even
    /// where today's contract would not allow it; they are from the first open day on.
    frozen: Vec<bool>,
    /// Run lengths are stored up to this.
    cap: usize,
    isolated_weight: f64,
    dims: (usize, usize, usize, usize, usize),
}

/// Reusable buffers of the dynamic program.
#[derive(Default)]
pub struct Scratch {
    cost: Vec<f64>,
    next: Vec<f64>,
    prev: Vec<u32>,
    choice: Vec<u16>,
}

const OFF: u16 = u16::MAX;

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Every (template, start) the agent may work: its contract's, and the frozen shifts
/// of a published roster (which an older contract may have allowed).
fn agent_shift_kinds(book: &RuleBook, agent: usize) -> Vec<(usize, u32)> {
    let mut kinds: BTreeSet<(usize, u32)> = book
        .contract(agent)
        .templates
        .iter()
        .flat_map(|&t| {
            book.config.templates[t]
                .starts()
                .into_iter()
                .map(move |s| (t, s))
        })
        .collect();
    if let Some(published) = &book.published {
        kinds.extend(
            published.shifts[agent]
                .range(..published.frozen_days)
                .map(|(_, &k)| k),
        );
    }
    kinds.into_iter().collect()
}

/// Every value the earliest next start (minutes after a day's midnight) can take
/// under `min_rest`, decaying by a day per day off, until no start is ruled out;
/// index 0 stands for no limit.
struct Thresholds {
    values: Vec<i64>,
    /// The earliest start of any of the contract's templates.
    earliest_any: i64,
    /// The contract's minimum rest, minutes.
    rest: i64,
}

impl Thresholds {
    fn new(book: &RuleBook, agent: usize) -> Self {
        let config = book.config;
        let rest = i64::from(book.contract(agent).min_rest_minutes);
        let kinds = agent_shift_kinds(book, agent);
        let earliest_any = kinds
            .iter()
            .map(|&(t, _)| i64::from(config.templates[t].start_earliest))
            .min()
            .unwrap_or(0);
        let mut values: BTreeSet<i64> = BTreeSet::new();
        if rest > 0 {
            for (t, s) in kinds {
                let mut v = i64::from(s + config.templates[t].span_minutes()) + rest - 1440;
                while v > earliest_any {
                    values.insert(v);
                    v -= 1440;
                }
            }
        }
        let mut thresholds = vec![i64::MIN];
        thresholds.extend(values.iter().copied());
        Thresholds {
            values: thresholds,
            earliest_any,
            rest,
        }
    }

    /// The index of the earliest start `v`.
    fn index(&self, v: i64) -> usize {
        if v <= self.earliest_any {
            0
        } else {
            self.values.iter().position(|&x| x == v).expect("listed")
        }
    }
}

/// Per day, the agent's allowed shifts with their own costs, and the cost of its
/// unmet preferences when off.
fn day_shifts(
    book: &RuleBook,
    agent: usize,
    unit: u32,
    thresholds: &Thresholds,
) -> (Vec<Vec<DayShift>>, Vec<f64>) {
    let config = book.config;
    let contract = book.contract(agent);
    let days = book.horizon.days as usize;
    let rest = thresholds.rest;
    let mut shifts = Vec::with_capacity(days);
    let mut off_cost = vec![0.0; days];
    let weights = &book.contracts.soft;
    let preferences: Vec<_> = book.preferences(agent).collect();
    for day in 0..days as u32 {
        let date = book.horizon.date(day);
        let rows: Vec<_> = preferences.iter().filter(|r| r.date == date).collect();
        for row in &rows {
            if !book.preference_honoured(row, None) {
                off_cost[day as usize] += weights.preference;
            }
        }
        off_cost[day as usize] += book.change_cost(agent, day, None);
        let candidates: Vec<(usize, u32)> = if book.is_frozen(day) {
            // The published shift, whatever today's contract allows; off is no option.
            if book.published_shift(agent, day).is_some() {
                off_cost[day as usize] = f64::INFINITY;
            }
            book.published_shift(agent, day).into_iter().collect()
        } else {
            contract
                .templates
                .iter()
                .flat_map(|&t| {
                    config.templates[t]
                        .starts()
                        .into_iter()
                        .map(move |s| (t, s))
                })
                .filter(|&(t, s)| book.shift_allowed(agent, day, t, s))
                .collect()
        };
        let mut today = Vec::new();
        for (t, s) in candidates {
            let template = &config.templates[t];
            let shift = WorkedShift {
                agent,
                day,
                template: t,
                start: s,
                rest_starts: Vec::new(),
            };
            let unmet = rows
                .iter()
                .filter(|r| !book.preference_honoured(r, Some(&shift)))
                .count() as f64;
            let next = if rest > 0 {
                thresholds.index(i64::from(s + template.span_minutes()) + rest - 1440)
            } else {
                0
            };
            today.push(DayShift {
                template: t,
                start: s,
                units: (template.paid_minutes / unit) as usize,
                next_threshold: next,
                own_cost: template.shift_cost()
                    + unmet * weights.preference
                    + book.change_cost(agent, day, Some((t, s))),
                early: book.is_early(s),
                late: book.is_late(t, s),
                hours: paid_hours(template),
            });
        }
        shifts.push(today);
    }
    (shifts, off_cost)
}

/// Per day its week's index and whether it opens the week; per week its limits in
/// `unit`-minute units.
/// The least number of `unit`-minute units that reach `hours`.
fn units_reaching(hours: f64, unit: u32) -> usize {
    let per_unit = f64::from(unit) / 60.0;
    (0..)
        .find(|&u| f64::from(u) * per_unit + 1e-6 >= hours)
        .unwrap_or(0) as usize
}

/// The last week's raised minimum of [`Pricer::closed_weekend_min`], when it is above
/// the week's own: the weekend mask bits of the look-ahead window (bit 0 the last
/// horizon weekend), the worked weekends there that close the weekend after the
/// horizon, and the minimum in `unit`s.
fn closed_weekend_min(
    book: &RuleBook,
    agent: usize,
    unit: u32,
    weeks: &[WeekUnits],
) -> Option<(usize, u32, usize)> {
    let week = *book.horizon.weeks().last()?;
    let ahead = book.lookahead(agent, week)?;
    let min_units = units_reaching(ahead.closed_min, unit);
    if min_units <= weeks.last()?.min_units {
        return None;
    }
    let count = book.horizon.weekends().len();
    let bits = ahead
        .weekends
        .clone()
        .map(|w| 1usize << (count - 1 - w))
        .fold(0, |mask, bit| mask | bit);
    Some((bits, ahead.limit, min_units))
}

fn week_units(book: &RuleBook, agent: usize, unit: u32) -> (Vec<usize>, Vec<bool>, Vec<WeekUnits>) {
    let days = book.horizon.days as usize;
    let mut week_index = vec![0; days];
    let mut week_first = vec![false; days];
    let mut weeks = Vec::new();
    for (w, week) in book.horizon.weeks().iter().enumerate() {
        for d in week.days() {
            week_index[d as usize] = w;
        }
        week_first[week.first as usize] = true;
        let limits = book.week_limits(agent, *week);
        let per_unit = f64::from(unit) / 60.0;
        let min_units = units_reaching(limits.min_hours, unit);
        let max_units = ((limits.max_hours + 1e-6) / per_unit).floor().max(0.0) as usize;
        weeks.push(WeekUnits {
            min_units,
            max_units,
            max_days: limits.max_days as usize,
        });
    }
    (week_index, week_first, weeks)
}

impl Pricer {
    pub fn new(book: &RuleBook, agent: usize) -> Self {
        let config = book.config;
        let contract = book.contract(agent);
        let days = book.horizon.days as usize;
        let unit = agent_shift_kinds(book, agent)
            .into_iter()
            .map(|(t, _)| config.templates[t].paid_minutes)
            .fold(0, gcd)
            .max(1);
        let thresholds = Thresholds::new(book, agent);
        let off_next: Vec<usize> = thresholds
            .values
            .iter()
            .map(|&v| {
                if v == i64::MIN {
                    0
                } else {
                    thresholds.index(v - 1440)
                }
            })
            .collect();
        let (shifts, off_cost) = day_shifts(book, agent, unit, &thresholds);
        let (week_index, week_first, weeks) = week_units(book, agent, unit);
        let weekends = book.horizon.weekends();
        let mut weekend_first = vec![false; days];
        let mut weekend_day = vec![false; days];
        for weekend in &weekends {
            weekend_first[weekend.days[0] as usize] = true;
            for &d in &weekend.days {
                weekend_day[d as usize] = true;
            }
        }
        let max_weekends = contract.max_weekends_per_4_weeks;
        let closed_weekend_min = closed_weekend_min(book, agent, unit, &weeks);
        // Worked weekends: a bit mask of the last four (16 values) when the limit can
        // bind (or close the weekend after the horizon), else only the current one
        // (2 values).
        let masks = if weekends.is_empty() {
            1
        } else if (max_weekends as usize) < weekends.len().min(4) || closed_weekend_min.is_some() {
            16
        } else {
            2
        };
        let max_consecutive = contract
            .max_consecutive_days
            .map(|m| m as usize)
            .filter(|&m| m < days);
        let cap = max_consecutive.unwrap_or(1);
        let isolated_weight = if contract.consecutive_days_off {
            book.contracts.soft.isolated_day_off
        } else {
            0.0
        };
        let max_days = weeks.iter().map(|w| w.max_days).max().unwrap_or(0);
        let max_units = weeks.iter().map(|w| w.max_units).max().unwrap_or(0);
        let dims = (
            cap + 2,
            max_days + 1,
            max_units + 1,
            masks,
            thresholds.values.len(),
        );
        Pricer {
            agent,
            days,
            shifts,
            off_cost,
            thresholds: thresholds.values,
            off_next,
            week_index,
            week_first,
            weeks,
            weekend_first,
            weekend_day,
            max_weekends,
            closed_weekend_min,
            max_consecutive,
            frozen: (0..days as u32).map(|day| book.is_frozen(day)).collect(),
            cap,
            isolated_weight,
            dims,
        }
    }

    /// What `schedule` costs at the prices of [`Pricer::cheapest`] (no weekend cost):
    /// infinite when a shift is not open to the agent.
    pub fn evaluate(
        &self,
        schedule: &Schedule,
        extra: &dyn Fn(u32, usize, u32, bool, bool, f64) -> f64,
    ) -> f64 {
        let mut worked = vec![false; self.days];
        let mut total = 0.0;
        for &(day, t, s) in schedule {
            let Some(shift) = self.shifts[day as usize]
                .iter()
                .find(|x| x.template == t && x.start == s)
            else {
                return f64::INFINITY;
            };
            worked[day as usize] = true;
            total += shift.own_cost + extra(day, t, s, shift.early, shift.late, shift.hours);
        }
        for day in 0..self.days {
            if !worked[day] {
                total += self.off_cost[day];
                if day >= 1 && day + 1 < self.days && worked[day - 1] && worked[day + 1] {
                    total += self.isolated_weight;
                }
            }
        }
        total
    }

    /// The cheapest schedule when each shift costs its own cost plus `extra(day,
    /// template, start, early, late, hours)`, each worked weekend `weekend_cost`, each
    /// day off its unmet preferences, each isolated day off its weight. Returns the
    /// cost and the schedule; `None` when no schedule meets the rules.
    pub fn cheapest(
        &self,
        extra: &dyn Fn(u32, usize, u32, bool, bool, f64) -> f64,
        weekend_cost: f64,
        scratch: &mut Scratch,
    ) -> Option<(f64, Schedule)> {
        let (nr, nd, nh, nm, nt) = self.dims;
        let states = nr * nd * nh * nm * nt;
        let encode = |r: usize, d: usize, h: usize, m: usize, t: usize| {
            (((r * nd + d) * nh + h) * nm + m) * nt + t
        };
        let prices: Vec<Vec<f64>> = self
            .shifts
            .iter()
            .enumerate()
            .map(|(day, list)| {
                list.iter()
                    .map(|s| {
                        s.own_cost
                            + extra(day as u32, s.template, s.start, s.early, s.late, s.hours)
                    })
                    .collect()
            })
            .collect();
        scratch.cost.clear();
        scratch.cost.resize(states, f64::INFINITY);
        scratch.next.clear();
        scratch.next.resize(states, f64::INFINITY);
        scratch.prev.clear();
        scratch.prev.resize(states * self.days, 0);
        scratch.choice.clear();
        scratch.choice.resize(states * self.days, OFF);
        let Scratch {
            cost,
            next,
            prev,
            choice,
        } = scratch;
        cost[encode(0, 0, 0, 0, 0)] = 0.0;
        #[allow(clippy::needless_range_loop)]
        for day in 0..self.days {
            next.fill(f64::INFINITY);
            let w = self.week_index[day];
            let week = self.weeks[w];
            let new_week = self.week_first[day] && day > 0;
            let previous_min = if new_week {
                self.weeks[w - 1].min_units
            } else {
                0
            };
            let base = day * states;
            let shifts = &self.shifts[day];
            for (state, &c) in cost.iter().enumerate() {
                if !c.is_finite() {
                    continue;
                }
                let t = state % nt;
                let rest = state / nt;
                let mut m = rest % nm;
                let rest = rest / nm;
                let mut h = rest % nh;
                let rest = rest / nh;
                let mut d = rest % nd;
                let r = rest / nd;
                if new_week {
                    if h < previous_min {
                        continue;
                    }
                    h = 0;
                    d = 0;
                }
                if self.weekend_first[day] {
                    m = (m << 1) & (nm - 1);
                }
                let off_state = encode(usize::from(r >= 2), d, h, m, self.off_next[t]);
                let off = c + self.off_cost[day];
                if off < next[off_state] {
                    next[off_state] = off;
                    prev[base + off_state] = state as u32;
                    choice[base + off_state] = OFF;
                }
                let frozen = self.frozen[day];
                if d + 1 > week.max_days && !frozen {
                    continue;
                }
                let run = if r >= 2 { r - 1 } else { 0 };
                if self.max_consecutive.is_some_and(|max| run + 1 > max) && !frozen {
                    continue;
                }
                let worked_run = (run + 1).min(self.cap) + 1;
                let mut work = c;
                if r == 1 {
                    work += self.isolated_weight;
                }
                let mut worked_mask = m;
                if self.weekend_day[day] && nm > 1 && m & 1 == 0 {
                    worked_mask = m | 1;
                    work += weekend_cost;
                    if nm == 16 && worked_mask.count_ones() > self.max_weekends && !frozen {
                        continue;
                    }
                }
                let earliest = self.thresholds[t];
                for (o, shift) in shifts.iter().enumerate() {
                    if i64::from(shift.start) < earliest && !frozen {
                        continue;
                    }
                    let hours = h + shift.units;
                    if hours > week.max_units && !frozen {
                        continue;
                    }
                    // Counters past their ranges (a frozen day over today's limits) stay
                    // at the top of them, which binds the open days after.
                    let (days, hours) = ((d + 1).min(nd - 1), hours.min(nh - 1));
                    let to = encode(worked_run, days, hours, worked_mask, shift.next_threshold);
                    let value = work + prices[day][o];
                    if value < next[to] {
                        next[to] = value;
                        prev[base + to] = state as u32;
                        choice[base + to] = o as u16;
                    }
                }
            }
            std::mem::swap(cost, next);
        }
        let last_min = self.weeks.last().map_or(0, |w| w.min_units);
        let mut best: Option<(f64, usize)> = None;
        for (state, &c) in cost.iter().enumerate() {
            if !c.is_finite() {
                continue;
            }
            let h = (state / (nt * nm)) % nh;
            let m = (state / nt) % nm;
            let min = match self.closed_weekend_min {
                Some((bits, limit, min)) if (m & bits).count_ones() >= limit => min,
                _ => last_min,
            };
            if h < min {
                continue;
            }
            if best.is_none_or(|(b, _)| c < b) {
                best = Some((c, state));
            }
        }
        let (total, mut state) = best?;
        let mut schedule = Vec::new();
        for day in (0..self.days).rev() {
            let at = day * states + state;
            let o = choice[at];
            if o != OFF {
                let shift = &self.shifts[day][o as usize];
                schedule.push((day as u32, shift.template, shift.start));
            }
            state = prev[at] as usize;
        }
        schedule.reverse();
        Some((total, schedule))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::contracts::Contracts;
    use crate::roster::inputs::{Agent, Skill};
    use crate::roster::rules::{Horizon, Published};
    use std::collections::BTreeMap;

    use crate::schedule::ShiftConfig;
    use chrono::NaiveDate;

    const SHIFTS: &str = r#"
[[template]]
name = "EARLY"
paid_hours = 8.0
start_earliest = "06:00"
start_latest = "07:00"
start_step = "60m"
cost_per_hour = 1.0

[[template]]
name = "LATE"
paid_hours = 8.0
start_earliest = "13:00"
start_latest = "14:00"
start_step = "60m"
cost_per_hour = 1.0
"#;

    fn contracts(config: &ShiftConfig, body: &str) -> Contracts {
        Contracts::from_toml(body, "contracts.toml", config).unwrap()
    }

    fn agent(contract: usize) -> Agent {
        Agent {
            id: "A".into(),
            name: "A".into(),
            contract,
            skills: vec![Skill {
                queue: "q".into(),
                priority: 1,
            }],
        }
    }

    #[test]
    fn the_cheapest_schedule_of_a_tiny_agent_is_the_one_found_by_hand() {
        // Exactly three 8-hour days in a Monday week, at most two in a row, isolated
        // days off cost 0.5; days 0-3 are worth 10, 10, 9 and 1 (negative prices).
        // Days {0,1,2} break the run limit; {0,1,3} costs 24 - 21 + 0.5 (day 2
        // isolated) = 3.5, better than {0,2,3} (4.5), {0,1,4} (4.0) or {1,2,4} (5.0).
        let config = ShiftConfig::from_toml(SHIFTS, "shifts.toml").unwrap();
        let contracts = contracts(
            &config,
            r#"[contract.C]
templates = ["EARLY"]
min_hours_per_week = 24.0
max_hours_per_week = 24.0
max_consecutive_days = 2
consecutive_days_off = true
"#,
        );
        let agents = vec![agent(0)];
        let horizon = Horizon {
            start: NaiveDate::from_ymd_opt(2027, 2, 1).unwrap(),
            days: 7,
        };
        let book = RuleBook::new(&config, &contracts, &agents, &[], horizon);
        let pricer = Pricer::new(&book, 0);
        let worth = [10.0, 10.0, 9.0, 1.0, 0.0, 0.0, 0.0];
        let extra = |d: u32, _: usize, s: u32, _: bool, _: bool, _: f64| {
            // The 07:00 start is worth a little less, so 06:00 is chosen.
            -worth[d as usize] + if s == 420 { 0.1 } else { 0.0 }
        };
        let (cost, schedule) = pricer
            .cheapest(&extra, 0.0, &mut Scratch::default())
            .unwrap();
        assert_eq!(schedule, vec![(0, 0, 360), (1, 0, 360), (3, 0, 360)]);
        assert!((cost - 3.5).abs() < 1e-9, "{cost}");
        assert!((pricer.evaluate(&schedule, &extra) - cost).abs() < 1e-9);
    }

    #[test]
    fn frozen_days_over_todays_run_limit_hold_and_bind_the_open_days() {
        // Two weeks from a Monday; days 0-4 frozen, all worked (published under a
        // contract that allowed five in a row); today's allows two. The frozen run
        // stands, and the first open day must be off: the run carries on.
        let config = ShiftConfig::from_toml(SHIFTS, "shifts.toml").unwrap();
        let contracts = contracts(
            &config,
            r#"[contract.C]
templates = ["EARLY"]
min_hours_per_week = 0.0
max_hours_per_week = 48.0
max_consecutive_days = 2
"#,
        );
        let agents = vec![agent(0)];
        let horizon = Horizon {
            start: NaiveDate::from_ymd_opt(2027, 2, 1).unwrap(),
            days: 14,
        };
        let frozen: BTreeMap<u32, (usize, u32)> = (0..5).map(|d| (d, (0, 360))).collect();
        let book =
            RuleBook::new(&config, &contracts, &agents, &[], horizon).with_published(Published {
                shifts: vec![frozen],
                rests: vec![BTreeMap::new()],
                queues: vec![Vec::new()],
                frozen_days: 5,
                change_cost: 0.0,
                before_horizon: 5,
            });
        let pricer = Pricer::new(&book, 0);
        // Every shift is worth working.
        let extra = |_: u32, _: usize, _: u32, _: bool, _: bool, _: f64| -20.0;
        let (_, schedule) = pricer
            .cheapest(&extra, 0.0, &mut Scratch::default())
            .expect("the frozen run does not make the agent infeasible");
        let days: Vec<u32> = schedule.iter().map(|s| s.0).collect();
        assert_eq!(&days[..5], &[0, 1, 2, 3, 4]);
        assert!(!days.contains(&5), "day 5 continues the run: {days:?}");
        // From day 6 on, runs of at most two.
        for window in days.windows(3).filter(|w| w[0] >= 6) {
            assert!(window[2] - window[0] > 2, "{days:?}");
        }
    }

    #[test]
    fn pricing_matches_brute_force_over_every_schedule() {
        // Six days from a Wednesday (two weeks cut by the horizon and one weekend),
        // four shifts a day; rest 11 h forbids an early start after a late shift.
        let config = ShiftConfig::from_toml(SHIFTS, "shifts.toml").unwrap();
        let contracts = contracts(
            &config,
            r#"[contract.C]
templates = ["EARLY", "LATE"]
min_hours_per_week = 16.0
max_hours_per_week = 32.0
max_days_per_week = 4
max_consecutive_days = 3
min_rest = "11h"
consecutive_days_off = true
max_weekends_per_4_weeks = 0

[contract.D]
templates = ["EARLY", "LATE"]
max_hours_per_week = 24.0
max_weekends_per_4_weeks = 1
"#,
        );
        let horizon = Horizon {
            start: NaiveDate::from_ymd_opt(2027, 2, 3).unwrap(),
            days: 6,
        };
        for contract in 0..2 {
            let agents = vec![agent(contract)];
            let book = RuleBook::new(&config, &contracts, &agents, &[], horizon);
            assert_matches_brute_force(&book, &format!("contract {contract}"));
        }
    }

    #[test]
    fn pricing_matches_brute_force_when_weekends_close_the_one_after_the_horizon() {
        // Six days from Saturday 2027-02-06 (closed, credited 10 hours: the first
        // week owes nothing) to Thursday 2027-02-11. The last week owes 28 x 4/7 =
        // 16 hours pro rata, two shifts; Friday to Sunday after the horizon can carry
        // 24 of its 28, so that is enough while their weekend stays open. Working
        // Sunday 7 (the one weekend allowed in four) closes it: Friday alone carries
        // 8, and the week owes 20, three shifts (see rules::Lookahead).
        let config = ShiftConfig::from_toml(SHIFTS, "shifts.toml").unwrap();
        let contracts = contracts(
            &config,
            r#"[contract.E]
templates = ["EARLY", "LATE"]
min_hours_per_week = 28.0
max_hours_per_week = 40.0
max_weekends_per_4_weeks = 1
closed_day_credit = "hours"
leave_day_hours = 10.0
"#,
        );
        let horizon = Horizon {
            start: NaiveDate::from_ymd_opt(2027, 2, 6).unwrap(),
            days: 6,
        };
        let agents = vec![agent(0)];
        let book = RuleBook::new(&config, &contracts, &agents, &[], horizon)
            .with_closed_days(&[horizon.start]);
        let week = *horizon.weeks().last().unwrap();
        let ahead = book.lookahead(0, week).unwrap();
        assert_eq!((ahead.open_carry, ahead.closed_carry), (24.0, 8.0));
        assert_eq!((ahead.open_min, ahead.closed_min), (4.0, 20.0));
        assert_eq!(book.week_limits(0, week).min_hours, 16.0);
        assert_eq!(book.week_minimum(0, week, &[true]), 20.0);
        assert!(Pricer::new(&book, 0).closed_weekend_min.is_some());
        assert_matches_brute_force(&book, "contract E");
    }

    /// The pricing program's cheapest schedule of agent 0 over a six-day `book`
    /// keeps every rule and costs what the cheapest of every schedule keeping them
    /// costs (four shifts a day or off), at pseudo-random prices.
    fn assert_matches_brute_force(book: &RuleBook, label: &str) {
        let options: Vec<(usize, u32)> = vec![(0, 360), (0, 420), (1, 780), (1, 840)];
        let weekend_days: Vec<u32> = book
            .horizon
            .weekends()
            .iter()
            .flat_map(|w| w.days.clone())
            .collect();
        let pricer = Pricer::new(book, 0);
        // Deterministic pseudo-random prices.
        let price = |d: u32, t: usize, s: u32| {
            let x = (d * 7919 + t as u32 * 104_729 + s * 31) % 97;
            -(f64::from(x) / 97.0) * 12.0
        };
        let extra = |d: u32, t: usize, s: u32, _: bool, _: bool, _: f64| price(d, t, s);
        let weekend_cost = 1.5;
        let (cost, schedule) = pricer
            .cheapest(&extra, weekend_cost, &mut Scratch::default())
            .unwrap();
        let mut best = f64::INFINITY;
        let mut choice = [0usize; 6];
        loop {
            let candidate: Schedule = (0..6u32)
                .filter(|&d| choice[d as usize] > 0)
                .map(|d| {
                    let (t, s) = options[choice[d as usize] - 1];
                    (d, t, s)
                })
                .collect();
            if book.violations(&worked(0, &candidate)).is_empty() {
                let weekend = candidate.iter().any(|&(d, _, _)| weekend_days.contains(&d));
                let value =
                    pricer.evaluate(&candidate, &extra) + if weekend { weekend_cost } else { 0.0 };
                best = best.min(value);
            }
            let mut i = 0;
            while i < 6 {
                choice[i] += 1;
                if choice[i] <= options.len() {
                    break;
                }
                choice[i] = 0;
                i += 1;
            }
            if i == 6 {
                break;
            }
        }
        assert!(book.violations(&worked(0, &schedule)).is_empty());
        assert!((cost - best).abs() < 1e-9, "{label}: {cost} vs {best}");
    }

    fn worked(agent: usize, schedule: &Schedule) -> Vec<WorkedShift> {
        schedule
            .iter()
            .map(|&(day, template, start)| WorkedShift {
                agent,
                day,
                template,
                start,
                rest_starts: Vec::new(),
            })
            .collect()
    }
}
