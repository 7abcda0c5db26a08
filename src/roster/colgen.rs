//! Column generation for big rosters: a Dantzig-Wolfe master over whole-horizon
//! schedules of named agents, priced by an exact dynamic program per agent.
//!
//! **Master** (a linear program): per agent `a`, columns `λ[a,j]` for schedules `j`
//! (the agent's shifts over the horizon) with `sum_j λ[a,j] = 1`. A schedule's cost
//! is its paid cost plus the agent's own soft goals (unmet preferences, isolated days
//! off). The schedules' shifts feed start counts per day, template, skill group and
//! start, `X[d,t,g,s] = sum λ` (linking rows), and those enter the roster model's
//! coverage block unchanged ([`super::model::coverage_block`]: Bechtold-Jacobs
//! implicit rests pooled per day and template, presence per group and slot, the
//! allocation of present agents to queues so that a multi-skill agent counts once,
//! and each queue's convex shortfall). Fairness is the model's minimax: per contract,
//! variables at least every agent's weekends, early and late shifts and hours, and at
//! most the fewest hours, each as one row per agent.
//!
//! **Pricing**: with the master's duals, each agent's cheapest schedule is found by a
//! dynamic program over the days ([`Pricer`]) whose states carry everything the hard
//! rules need: the run of worked days (and whether the day before an off day was
//! worked, for isolated days off), days and paid hours worked this week, the worked
//! weekends among the last four, and the earliest start that `min_rest` allows after
//! the last shift. Every schedule the program can return satisfies every rule of
//! [`super::rules::RuleBook::violations`], and every schedule that does is open to it,
//! so pricing is exact.
//!
//! **Bound**: after each master solve, the Lagrangian bound `z_master + sum_a min(0,
//! reduced cost of a's cheapest schedule)` is a lower bound on the master's linear
//! program over all schedules (Lübbecke and Desrosiers 2005, "Selected topics in
//! column generation", Oper. Res. 53:1007-1023, section 2.1), valid at every
//! iteration, not only at convergence. The master relaxes the roster in only three
//! ways: integrality (of schedules, rests and queue allocation), rests pooled over
//! skill groups, and the queue allocation per slot, which the roster rounds to whole
//! agents. So the bound is a proven lower bound on the cost of any roster that meets
//! every hard rule, as the roster's cost is measured ([`super::summary::roster_cost`]).
//!
//! **Roster**: the master restricted to the generated schedules is solved as an
//! integer program (one schedule per agent), started from the constructive roster;
//! each day's rests and queues are then settled exactly ([`super::settle`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

use good_lp::{variable, Expression, IntoAffineExpression, ProblemVariables};
use highs::{Col, HighsModelStatus, Model, RowProblem, Sense};

use super::model::{coverage_block, skill_groups, ModelInput, StartCounts, StartedShift};
use super::rules::{paid_hours, RuleBook, WorkedShift};
use crate::error::{Error, Result};
use crate::schedule::model::Column;

/// One agent's schedule: (day, template, start), days ascending.
pub type Schedule = Vec<(u32, usize, u32)>;

/// A row: lower and upper bound, and (column, coefficient) entries.
type RowSpec = (f64, f64, Vec<(usize, f64)>);

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
    max_consecutive: Option<usize>,
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

impl Pricer {
    pub fn new(book: &RuleBook, agent: usize) -> Self {
        let config = book.config;
        let contract = book.contract(agent);
        let days = book.horizon.days as usize;
        let unit = contract
            .templates
            .iter()
            .map(|&t| config.templates[t].paid_minutes)
            .fold(0, gcd)
            .max(1);
        let rest = i64::from(contract.min_rest_minutes);
        let earliest_any = contract
            .templates
            .iter()
            .map(|&t| i64::from(config.templates[t].start_earliest))
            .min()
            .unwrap_or(0);
        // Thresholds: every value the earliest next start can take, decaying by a day
        // per day off, until no start is ruled out.
        let mut values: BTreeSet<i64> = BTreeSet::new();
        if rest > 0 {
            for &t in &contract.templates {
                for s in config.templates[t].starts() {
                    let mut v = i64::from(s + config.templates[t].span_minutes()) + rest - 1440;
                    while v > earliest_any {
                        values.insert(v);
                        v -= 1440;
                    }
                }
            }
        }
        let mut thresholds = vec![i64::MIN];
        thresholds.extend(values.iter().copied());
        let threshold_index = |v: i64| {
            if v <= earliest_any {
                0
            } else {
                thresholds.iter().position(|&x| x == v).expect("listed")
            }
        };
        let off_next: Vec<usize> = thresholds
            .iter()
            .map(|&v| {
                if v == i64::MIN {
                    0
                } else {
                    threshold_index(v - 1440)
                }
            })
            .collect();
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
            let mut today = Vec::new();
            for &t in &contract.templates {
                let template = &config.templates[t];
                for s in template.starts() {
                    if !book.shift_allowed(agent, day, t, s) {
                        continue;
                    }
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
                        threshold_index(i64::from(s + template.span_minutes()) + rest - 1440)
                    } else {
                        0
                    };
                    today.push(DayShift {
                        template: t,
                        start: s,
                        units: (template.paid_minutes / unit) as usize,
                        next_threshold: next,
                        own_cost: template.shift_cost() + unmet * weights.preference,
                        early: book.is_early(s),
                        late: book.is_late(t, s),
                        hours: paid_hours(template),
                    });
                }
            }
            shifts.push(today);
        }
        let weeks_list = book.horizon.weeks();
        let mut week_index = vec![0; days];
        let mut week_first = vec![false; days];
        let mut weeks = Vec::new();
        for (w, week) in weeks_list.iter().enumerate() {
            for d in week.days() {
                week_index[d as usize] = w;
            }
            week_first[week.first as usize] = true;
            let limits = book.week_limits(agent, *week);
            let per_unit = f64::from(unit) / 60.0;
            let min_units = (0..)
                .find(|&u| f64::from(u) * per_unit + 1e-6 >= limits.min_hours)
                .unwrap_or(0) as usize;
            let max_units = ((limits.max_hours + 1e-6) / per_unit).floor().max(0.0) as usize;
            weeks.push(WeekUnits {
                min_units,
                max_units,
                max_days: limits.max_days as usize,
            });
        }
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
        // Worked weekends: a bit mask of the last four (16 values) when the limit can
        // bind, else only the current one (2 values).
        let masks = if weekends.is_empty() {
            1
        } else if (max_weekends as usize) < weekends.len().min(4) {
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
            weights.isolated_day_off
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
            thresholds.len(),
        );
        Pricer {
            agent,
            days,
            shifts,
            off_cost,
            thresholds,
            off_next,
            week_index,
            week_first,
            weeks,
            weekend_first,
            weekend_day,
            max_weekends,
            max_consecutive,
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
                if d + 1 > week.max_days {
                    continue;
                }
                let run = if r >= 2 { r - 1 } else { 0 };
                if self.max_consecutive.is_some_and(|max| run + 1 > max) {
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
                    if nm == 16 && worked_mask.count_ones() > self.max_weekends {
                        continue;
                    }
                }
                let earliest = self.thresholds[t];
                for (o, shift) in shifts.iter().enumerate() {
                    if i64::from(shift.start) < earliest {
                        continue;
                    }
                    let hours = h + shift.units;
                    if hours > week.max_units {
                        continue;
                    }
                    let to = encode(worked_run, d + 1, hours, worked_mask, shift.next_threshold);
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
            if h < last_min {
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

/// What a schedule puts into the master besides its shifts.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Paid cost, unmet preferences and isolated days off.
    pub cost: f64,
    pub weekends: f64,
    pub early: f64,
    pub late: f64,
    /// Paid hours worked (leave not included).
    pub hours: f64,
}

/// The figures of one agent's schedule, from the rules' own evaluation.
pub fn figures(book: &RuleBook, agent: usize, schedule: &Schedule) -> Figures {
    let shifts = worked(agent, schedule);
    let stats = book.stats(&shifts).swap_remove(agent);
    let weights = &book.contracts.soft;
    let paid: f64 = schedule
        .iter()
        .map(|&(_, t, _)| book.config.templates[t].shift_cost())
        .sum();
    Figures {
        cost: paid
            + weights.preference * f64::from(stats.preferences - stats.preferences_honoured)
            + weights.isolated_day_off * f64::from(stats.isolated_days_off),
        weekends: f64::from(stats.weekends),
        early: f64::from(stats.early),
        late: f64::from(stats.late),
        hours: stats.hours,
    }
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

/// The master without schedules: coverage block, start counts and fairness variables,
/// as plain columns and rows.
struct Base {
    cost: Vec<f64>,
    bounds: Vec<(f64, f64)>,
    rows: Vec<RowSpec>,
    /// (day, template, group, start) -> column of the start count.
    starts: BTreeMap<(u32, usize, usize, u32), usize>,
    /// Per contract: most weekends, early, late, most hours, fewest hours.
    fairness: BTreeMap<usize, [usize; 5]>,
    constant: f64,
}

fn base(input: &ModelInput, group_of: &[usize]) -> Base {
    let book = input.book;
    let config = book.config;
    let (groups, _) = skill_groups(book, input.queues);
    let mut variables = ProblemVariables::new();
    let mut starts_of: StartCounts = BTreeMap::new();
    let mut keys = BTreeMap::new();
    for (agent, &g) in group_of.iter().enumerate() {
        for day in 0..book.horizon.days {
            for &t in &book.contract(agent).templates {
                for s in config.templates[t].starts() {
                    if book.shift_allowed(agent, day, t, s) {
                        keys.insert((day, t, g, s), ());
                    }
                }
            }
        }
    }
    let mut start_vars = BTreeMap::new();
    for &(day, t, g, s) in keys.keys() {
        let index = variables.len();
        let var = variables.add(variable().min(0.0));
        starts_of
            .entry((day, t, g))
            .or_default()
            .insert(s, (Column { var, index }, f64::INFINITY));
        start_vars.insert((day, t, g, s), var);
    }
    let mut constraints = Vec::new();
    let mut objective = Expression::default();
    coverage_block(
        input,
        &groups,
        0..book.horizon.days,
        &starts_of,
        &mut variables,
        &mut constraints,
        &mut objective,
    );
    let weights = &book.contracts.soft;
    let mut fairness_vars = BTreeMap::new();
    for agent in book.agents {
        fairness_vars.entry(agent.contract).or_insert_with(|| {
            let vars: [good_lp::Variable; 5] =
                std::array::from_fn(|_| variables.add(variable().min(0.0)));
            objective.add_mul(weights.weekend_spread, vars[0]);
            objective.add_mul(weights.early_late_spread, vars[1]);
            objective.add_mul(weights.early_late_spread, vars[2]);
            objective.add_mul(weights.hours_spread_per_hour, vars[3]);
            objective.add_mul(-weights.hours_spread_per_hour, vars[4]);
            vars
        });
    }
    let index: HashMap<good_lp::Variable, usize> = variables
        .iter_variables_with_def()
        .enumerate()
        .map(|(i, (v, _))| (v, i))
        .collect();
    let bounds: Vec<(f64, f64)> = variables
        .iter_variables_with_def()
        .map(|(_, def)| (def.get_min(), def.get_max()))
        .collect();
    let mut cost = vec![0.0; bounds.len()];
    for (v, c) in (&objective).linear_coefficients() {
        cost[index[&v]] += c;
    }
    let rows = constraints
        .iter()
        .map(|c| {
            let e = c.expression();
            let bound = -e.constant();
            let coefficients: Vec<(usize, f64)> = e
                .linear_coefficients()
                .map(|(v, f)| (index[&v], f))
                .collect();
            if c.is_equality() {
                (bound, bound, coefficients)
            } else {
                (f64::NEG_INFINITY, bound, coefficients)
            }
        })
        .collect();
    Base {
        cost,
        bounds,
        rows,
        starts: start_vars
            .into_iter()
            .map(|(k, v)| (k, index[&v]))
            .collect(),
        fairness: fairness_vars
            .into_iter()
            .map(|(k, vars)| (k, vars.map(|v| index[&v])))
            .collect(),
        constant: objective.constant(),
    }
}

/// The generated schedules.
#[derive(Default)]
struct Pool {
    agent: Vec<usize>,
    schedule: Vec<Schedule>,
    figures: Vec<Figures>,
    seen: BTreeSet<(usize, Schedule)>,
}

impl Pool {
    fn add(&mut self, book: &RuleBook, agent: usize, schedule: Schedule) -> bool {
        if !self.seen.insert((agent, schedule.clone())) {
            return false;
        }
        self.figures.push(figures(book, agent, &schedule));
        self.agent.push(agent);
        self.schedule.push(schedule);
        true
    }
}

/// Rows of the master that schedules enter, by their index in the model.
struct MasterRows {
    /// (day, template, group, start) -> linking row.
    link: BTreeMap<(u32, usize, usize, u32), usize>,
    convexity: Vec<usize>,
    /// Per agent: weekends, early, late, most hours, fewest hours.
    fairness: Vec<[usize; 5]>,
}

/// Row coefficients of one schedule's column: (row, coefficient).
fn column_entries(
    rows: &MasterRows,
    group_of: &[usize],
    agent: usize,
    schedule: &Schedule,
    figures: &Figures,
) -> Vec<(usize, f64)> {
    let mut entries = vec![(rows.convexity[agent], 1.0)];
    let g = group_of[agent];
    for &(day, t, s) in schedule {
        entries.push((rows.link[&(day, t, g, s)], -1.0));
    }
    let fair = rows.fairness[agent];
    let values = [
        figures.weekends,
        figures.early,
        figures.late,
        figures.hours,
        figures.hours,
    ];
    for (row, value) in fair.iter().zip(values) {
        if value != 0.0 {
            entries.push((*row, -value));
        }
    }
    entries
}

/// Adds the master's schedule rows to a problem whose base columns are `cols`; returns
/// them with the rows' bounds and coefficients over base columns.
fn master_rows(book: &RuleBook, base: &Base, first_row: usize) -> (MasterRows, Vec<RowSpec>) {
    let mut rows = Vec::new();
    let mut link = BTreeMap::new();
    for (&key, &column) in &base.starts {
        link.insert(key, first_row + rows.len());
        rows.push((0.0, 0.0, vec![(column, 1.0)]));
    }
    let mut convexity = Vec::new();
    for _ in book.agents {
        convexity.push(first_row + rows.len());
        rows.push((1.0, 1.0, Vec::new()));
    }
    let mut fairness = Vec::new();
    for (agent, person) in book.agents.iter().enumerate() {
        let vars = base.fairness[&person.contract];
        let leave: f64 = book
            .horizon
            .weeks()
            .iter()
            .map(|&w| book.week_limits(agent, w).leave_hours)
            .sum();
        let mut own = [0; 5];
        for (k, slot) in own.iter_mut().enumerate() {
            *slot = first_row + rows.len();
            let (low, high) = match k {
                3 => (leave, f64::INFINITY),
                4 => (f64::NEG_INFINITY, leave),
                _ => (0.0, f64::INFINITY),
            };
            rows.push((low, high, vec![(vars[k], 1.0)]));
        }
        fairness.push(own);
    }
    (
        MasterRows {
            link,
            convexity,
            fairness,
        },
        rows,
    )
}

/// The master over the pool's schedules, as a linear program or, with `integer`, an
/// integer program (one schedule per agent); returns it with its numbers of columns
/// and rows. Rows are the base's, then [`master_rows`]'s; columns the base's, then one
/// per schedule.
fn master_model(
    book: &RuleBook,
    base: &Base,
    pool: &Pool,
    group_of: &[usize],
    integer: bool,
) -> Result<(Model, usize, usize)> {
    let mut problem = RowProblem::default();
    let mut cols: Vec<Col> = base
        .cost
        .iter()
        .zip(&base.bounds)
        .map(|(&c, &(low, high))| problem.add_column(c, low..high))
        .collect();
    let first_lambda = cols.len();
    for figures in &pool.figures {
        cols.push(problem.add_column_with_integrality(figures.cost, 0.0..=1.0, integer));
    }
    let (rows, mut extra) = master_rows(book, base, base.rows.len());
    for j in 0..pool.agent.len() {
        for (row, f) in column_entries(
            &rows,
            group_of,
            pool.agent[j],
            &pool.schedule[j],
            &pool.figures[j],
        ) {
            extra[row - base.rows.len()].2.push((first_lambda + j, f));
        }
    }
    for (low, high, coefficients) in base.rows.iter().chain(&extra) {
        problem.add_row(*low..*high, coefficients.iter().map(|&(i, f)| (cols[i], f)));
    }
    let constraints = base.rows.len() + extra.len();
    let mut model = problem
        .try_optimise(Sense::Minimise)
        .map_err(|e| Error::Solver(format!("could not build the master: {e:?}")))?;
    model.make_quiet();
    model.set_option("random_seed", 0);
    Ok((model, cols.len(), constraints))
}

/// What column generation hands back.
pub struct Generated {
    /// One schedule per agent, from the restricted master's integer solve.
    pub roster: Vec<StartedShift>,
    /// The best Lagrangian bound (a proven lower bound on any roster's cost).
    pub bound: f64,
    /// The master's linear-program value at the last iteration.
    pub master: f64,
    pub iterations: usize,
    pub columns: usize,
    /// Whether pricing found no improving schedule (the master is optimal).
    pub converged: bool,
    pub status: String,
    pub variables: usize,
    pub constraints: usize,
}

/// Stop pricing when the master is within this share of the bound.
const CONVERGED_GAP: f64 = 2e-4;

/// Runs column generation from the constructive roster `start`, pricing until
/// `pricing_deadline`, then solves the restricted master as an integer program until
/// `deadline`.
pub fn generate(
    input: &ModelInput,
    start: &[StartedShift],
    pricing_deadline: Instant,
    deadline: Instant,
    progress: Option<crate::schedule::progress::ProgressFn>,
) -> Result<Generated> {
    let book = input.book;
    let started = Instant::now();
    let (_, group_of) = skill_groups(book, input.queues);
    let agents = book.agents.len();
    let base = base(input, &group_of);
    let pricers: Vec<Pricer> = (0..agents).map(|a| Pricer::new(book, a)).collect();
    let mut pool = Pool::default();
    let mut incumbent: Vec<Schedule> = vec![Vec::new(); agents];
    for &(a, d, t, s) in start {
        incumbent[a].push((d, t, s));
    }
    for (agent, schedule) in incumbent.iter_mut().enumerate() {
        schedule.sort_unstable();
        pool.add(book, agent, schedule.clone());
    }

    let (rows, _) = master_rows(book, &base, base.rows.len());
    let mut bound = f64::NEG_INFINITY;
    let mut master;
    let mut iterations = 0;
    let mut converged = false;
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 2);
    loop {
        iterations += 1;
        let lp_started = Instant::now();
        // Rebuilt for each solve: HiGHS solves the master from scratch with presolve
        // faster than from the previous basis with the new columns (measured: 0.4 s
        // against 4-16 s for 53 agents).
        let (mut model, _, _) = master_model(book, &base, &pool, &group_of, false)?;
        if let Ok(v) = std::env::var("WFM_CG_STRATEGY") {
            model.set_option("simplex_strategy", v.parse::<i32>().unwrap_or(1));
        }
        let solved = model
            .try_solve()
            .map_err(|e| Error::Solver(format!("HiGHS failed on the master: {e:?}")))?;
        if solved.status() != HighsModelStatus::Optimal {
            return Err(Error::Solver(format!(
                "the master linear program ended with status {:?}",
                solved.status()
            )));
        }
        master = solved.objective_value() + base.constant;
        let lp_seconds = lp_started.elapsed().as_secs_f64();
        let simplex = solved.simplex_iteration_count();
        let pricing_started = Instant::now();
        let solution = solved.get_solution();
        let duals = solution.dual_rows().to_vec();
        // Price every agent.
        let next = std::sync::atomic::AtomicUsize::new(0);
        let found: Vec<(usize, Option<(f64, Schedule)>)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    scope.spawn(|| {
                        let mut scratch = Scratch::default();
                        let mut out = Vec::new();
                        loop {
                            let a = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            if a >= agents {
                                break;
                            }
                            let g = group_of[a];
                            let fair = rows.fairness[a];
                            let (wk, early, late, most, fewest) = (
                                duals[fair[0]],
                                duals[fair[1]],
                                duals[fair[2]],
                                duals[fair[3]],
                                duals[fair[4]],
                            );
                            let extra = |day: u32, t: usize, s: u32, e: bool, l: bool, h: f64| {
                                duals[rows.link[&(day, t, g, s)]]
                                    + if e { early } else { 0.0 }
                                    + if l { late } else { 0.0 }
                                    + (most + fewest) * h
                            };
                            let best = pricers[a].cheapest(&extra, wk, &mut scratch);
                            out.push((a, best.map(|(c, s)| (c - duals[rows.convexity[a]], s))));
                        }
                        out
                    })
                })
                .collect();
            let mut all: Vec<_> = handles
                .into_iter()
                .flat_map(|h| h.join().expect("a pricing thread panicked"))
                .collect();
            all.sort_by_key(|x| x.0);
            all
        });
        let mut lagrangian = master;
        let mut improving = 0;
        for (a, best) in found {
            let Some((reduced, schedule)) = best else {
                return Err(Error::Solver(format!(
                    "no schedule meets the rules for agent {}",
                    book.agents[a].id
                )));
            };
            lagrangian += reduced.min(0.0);
            if reduced < -1e-6 && pool.add(book, a, schedule) {
                improving += 1;
            }
        }
        bound = bound.max(lagrangian);
        if let Some(show) = progress {
            show(&format!(
                "{:.1} s  column generation, iteration {iterations}: master {master:.2}, bound {bound:.2}, {improving} new schedules (master {lp_seconds:.2} s, {simplex} simplex iterations; pricing {:.2} s)",
                started.elapsed().as_secs_f64(),
                pricing_started.elapsed().as_secs_f64()
            ));
        }
        if improving == 0 || master - bound <= CONVERGED_GAP * master.abs() {
            converged = true;
            break;
        }
        if Instant::now() >= pricing_deadline {
            break;
        }
    }

    // The restricted master as an integer program over the generated schedules.
    let (roster, status, variables, constraints) =
        integer_master(book, &base, &pool, &group_of, &incumbent, deadline)?;
    Ok(Generated {
        roster,
        bound,
        master,
        iterations,
        columns: pool.agent.len(),
        converged,
        status,
        variables,
        constraints,
    })
}

/// Solves the master over the pool's schedules with one schedule per agent, started
/// from `incumbent`; returns the roster, HiGHS's status and the model's size.
fn integer_master(
    book: &RuleBook,
    base: &Base,
    pool: &Pool,
    group_of: &[usize],
    incumbent: &[Schedule],
    deadline: Instant,
) -> Result<(Vec<StartedShift>, String, usize, usize)> {
    let (mut model, variables, constraints) = master_model(book, base, pool, group_of, true)?;
    let first_lambda = base.cost.len();
    model.set_option("mip_rel_gap", 1e-4);
    let seconds = deadline
        .saturating_duration_since(Instant::now())
        .as_secs_f64()
        .max(1.0);
    model.set_option("time_limit", seconds);
    let mut start = vec![f64::INFINITY; variables];
    for (j, agent) in pool.agent.iter().enumerate() {
        start[first_lambda + j] = if pool.schedule[j] == incumbent[*agent] {
            1.0
        } else {
            0.0
        };
    }
    let _ = model.try_set_solution(Some(&start), None, None, None);
    let solved = model
        .try_solve()
        .map_err(|e| Error::Solver(format!("HiGHS failed on the integer master: {e:?}")))?;
    let status = format!("{:?}", solved.status());
    let feasible = solved.primal_solution_status() == highs::HighsSolutionStatus::Feasible;
    let chosen: Vec<&Schedule> = if feasible {
        let values = solved.get_solution().columns().to_vec();
        let mut chosen: Vec<Option<&Schedule>> = vec![None; book.agents.len()];
        for (j, &agent) in pool.agent.iter().enumerate() {
            if values[first_lambda + j] > 0.5 {
                chosen[agent] = Some(&pool.schedule[j]);
            }
        }
        chosen
            .into_iter()
            .zip(incumbent)
            .map(|(c, i)| c.unwrap_or(i))
            .collect()
    } else {
        incumbent.iter().collect()
    };
    let mut roster: Vec<StartedShift> = Vec::new();
    for (agent, schedule) in chosen.into_iter().enumerate() {
        roster.extend(schedule.iter().map(|&(d, t, s)| (agent, d, t, s)));
    }
    roster.sort_unstable();
    Ok((roster, status, variables, constraints))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::contracts::Contracts;
    use crate::roster::inputs::{Agent, Skill};
    use crate::roster::model::QueueDemand;
    use crate::roster::rules::Horizon;
    use crate::schedule::model::{Demand, SolverLimits};
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
        let options: Vec<(usize, u32)> = vec![(0, 360), (0, 420), (1, 780), (1, 840)];
        for contract in 0..2 {
            let agents = vec![agent(contract)];
            let book = RuleBook::new(&config, &contracts, &agents, &[], horizon);
            let pricer = Pricer::new(&book, 0);
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
                    let weekend = candidate.iter().any(|&(d, _, _)| (3..=4).contains(&d));
                    let value = pricer.evaluate(&candidate, &extra)
                        + if weekend { weekend_cost } else { 0.0 };
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
            assert!(
                (cost - best).abs() < 1e-9,
                "contract {contract}: {cost} vs {best}"
            );
        }
    }

    #[test]
    fn the_lagrangian_bound_is_below_the_exact_optimum() {
        // Three agents over a week, one queue; the whole-horizon model solved to
        // optimality (exact starts) is a restriction of the master, so the column
        // generation bound must not exceed it.
        let config = ShiftConfig::from_toml(SHIFTS, "shifts.toml").unwrap();
        let contracts = contracts(
            &config,
            r#"[contract.C]
templates = ["EARLY", "LATE"]
min_hours_per_week = 16.0
max_hours_per_week = 40.0
max_days_per_week = 5
max_consecutive_days = 4
min_rest = "11h"
consecutive_days_off = true
max_weekends_per_4_weeks = 1
"#,
        );
        let agents: Vec<Agent> = (0..3)
            .map(|i| Agent {
                id: format!("A{i}"),
                ..agent(0)
            })
            .collect();
        let horizon = Horizon {
            start: NaiveDate::from_ymd_opt(2027, 2, 1).unwrap(),
            days: 7,
        };
        let book = RuleBook::new(&config, &contracts, &agents, &[], horizon);
        let mut demands = Vec::new();
        for day in 0..7u32 {
            for hour in 6..22u32 {
                let required = if (9..17).contains(&hour) { 2.0 } else { 1.0 };
                demands.push(Demand {
                    wall_minute: day * 1440 + hour * 60,
                    minutes: 60,
                    required: if day >= 5 { required - 1.0 } else { required },
                });
            }
        }
        let queues = vec![QueueDemand {
            queue: "q".into(),
            demands,
        }];
        let limits = SolverLimits {
            time_limit_seconds: 60.0,
            mip_gap: 0.0,
        };
        let input = ModelInput {
            book: &book,
            queues: &queues,
            slot: 60,
            band_minutes: 0,
            limits,
        };
        let exact = super::super::model::solve_window(
            &input,
            0..7,
            None,
            &super::super::model::FixedShifts::new(),
            None,
            limits,
            None,
        )
        .unwrap();
        assert!(exact.report.proven);
        let start = super::super::greedy::greedy_roster(&book, &queues, 60).unwrap();
        let far = Instant::now() + std::time::Duration::from_secs(60);
        let generated = generate(&input, &start, far, far, None).unwrap();
        assert!(generated.converged);
        assert!(
            generated.bound <= exact.report.objective + 1e-6,
            "bound {} above the optimum {}",
            generated.bound,
            exact.report.objective
        );
        // Not a trivial bound: most of the optimum's pay is unavoidable.
        assert!(generated.bound >= 0.9 * exact.report.objective);
        let shifts: Vec<WorkedShift> = generated
            .roster
            .iter()
            .map(|&(a, d, t, s)| WorkedShift {
                agent: a,
                day: d,
                template: t,
                start: s,
                rest_starts: Vec::new(),
            })
            .collect();
        assert!(book.violations(&shifts).is_empty());
    }
}
