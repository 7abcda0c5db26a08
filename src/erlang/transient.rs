//! The expected service level of a roster over a day, with the queue's history:
//! a time-varying M/M/N(t) (+M) queue solved numerically, averaged over the agents'
//! random absence.
//!
//! The steady-state Erlang formulas judge each quarter-hour as if it lasted forever
//! with the agents present exactly `N·(1 − shrinkage)`. A real quarter-hour inherits
//! the queue of the one before, and absence is random: on a day when a few more agents
//! than average are away, a thin quarter-hour drops to or below the offered load, where
//! steady-state Erlang C answers nobody in time while a real queue only starts to
//! build. The two effects pull the projection in opposite directions and neither is
//! small (on the sample month: steady state at the mean presence 87.3%, steady state
//! averaged over absence 82.1%, simulation 85.0% for sales).
//!
//! Here the number of calls in the system is a birth-death chain (arrivals at the
//! interval's rate λ, completions at `min(k, N)·μ`, abandonment at `(k − N)⁺·θ` under
//! Erlang A) whose distribution is carried from slot to slot and integrated exactly
//! within each slot by uniformization (Jensen 1953; Grassmann, "Transient solutions in
//! Markovian queueing systems", Comput. Oper. Res. 4, 1977). A caller arriving to `k`
//! in the system (Poisson arrivals see time averages) is answered at once when
//! `k < N`, and otherwise within `T` with the probability that the `k − N + 1`
//! departures ahead of it happen within `T` while it waits (Erlang C: a Poisson tail;
//! Erlang A: a short backward equation, see [`answered_in_time`]). The expected number
//! of calls answered in time in a slot is `λ ∫ Σ_k p_k(t) u_k dt`.
//!
//! Absence: each rostered agent is away with probability `s` for a whole day (as the
//! plan's simulation draws it), so the agents present in a slot are Binomial(n, 1 − s).
//! Agents of one day are mostly the same people from slot to slot, so a day with many
//! absent is short all day. The chain is run once per absence scenario, each scenario
//! taking in every slot the same quantile of its binomial law (comonotone presence),
//! and the scenarios are averaged. With `s = 0` there is one scenario: the roster as it
//! stands.

pub use super::priority::Priorities;
use super::priority::{in_time_by_priority, mean_waiting};
use super::special::poisson_tails;

/// Absence scenarios: the quantile of the agents' binomial law that every slot of a
/// scenario takes, and the scenario's weight. The latent standard normal Z of a
/// comonotone day (agents present = the binomial quantile at Φ(Z)) integrated by the
/// 10-point Gauss-Hermite rule (Abramowitz & Stegun, table 25.10: nodes ±√2·xᵢ,
/// weights wᵢ/√π), without its two outermost nodes (weight 4.3e-6 each, a change
/// below 1e-5 in any service level). The tails matter: a comonotone day at the 0.6%
/// quantile is short all day and its queue never drains. On the sample month
/// (December 2026, routing assigned, whole-day absence) the midpoints of 8
/// equal-probability bands gave sales 87.1% and support 87.3%, of 32 bands 85.4% and
/// 86.4%, and these 8 nodes 85.4% and 86.4%; 400 simulated replications give 85.2% ± 0.3
/// and 86.2% ± 0.3.
pub const ABSENCE_SCENARIOS: [(f64, f64); 8] = [
    (0.000_170_602_155_777_022_1, 0.000_758_070_934_312_217_7),
    (0.006_489_849_027_708_772, 0.019_111_580_500_770_282),
    (0.071_325_628_955_131_95, 0.135_483_702_980_267_77),
    (0.313_860_976_103_370_5, 0.344_642_334_932_019_07),
    (0.686_139_023_896_629_5, 0.344_642_334_932_019_07),
    (0.928_674_371_044_868, 0.135_483_702_980_267_77),
    (0.993_510_150_972_291_2, 0.019_111_580_500_770_282),
    (0.999_829_397_844_223, 0.000_758_070_934_312_217_7),
];

/// The share of a stable stretch's waiting-queue tail that the chain may cut off: its
/// waiting room holds `ln(TAIL)/ln ρ` calls at the busiest stable load ρ (the waiting
/// queue's tail is geometric with ratio ρ), between [`MIN_WAITING_ROOM`] and
/// [`MAX_WAITING_ROOM`]; overloaded stretches get the fluid backlog on top.
const TAIL: f64 = 1e-7;
const MIN_WAITING_ROOM: usize = 20;
const MAX_WAITING_ROOM: usize = 600;

/// Room for waiting calls above the most agents present: callers beyond it are
/// counted as not answered in time.
fn waiting_room(stretches: &[Stretch], present: &[u32], service: &Service) -> usize {
    let busiest = stretches
        .iter()
        .zip(present)
        .filter(|(s, &n)| n > 0 && s.seconds > 0.0 && s.aht_seconds > 0.0)
        .map(|(s, &n)| s.calls * s.aht_seconds / s.seconds / f64::from(n))
        .filter(|&rho| rho < 1.0)
        .fold(0.0, f64::max);
    let stable = if busiest > 0.0 {
        (TAIL.ln() / busiest.ln()).ceil() as usize
    } else {
        0
    };
    stable.clamp(MIN_WAITING_ROOM, MAX_WAITING_ROOM) + fluid_backlog(stretches, present, service)
}

/// Largest expected number of chain events per uniformization step: keeps `e^(−Λt)`
/// (e^−500 ≈ 7e−218) clear of underflow, so a quarter-hour is mostly one step.
const EVENTS_PER_STEP: f64 = 500.0;

/// Probability below which a state counts as empty when finding where the mass ends.
const NEGLIGIBLE: f64 = 1e-18;

/// One stretch of time with constant arrivals, handle time and rostered agents: a
/// model slot of an interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stretch {
    pub seconds: f64,
    /// Calls offered in the stretch (their expected number).
    pub calls: f64,
    pub aht_seconds: f64,
    /// Agents rostered on the phones before absence.
    pub rostered: u32,
    /// Of the previous stretch's rostered agents, how many are not in this one (on a
    /// break, at lunch, gone home, on another queue): each finishes its call. At
    /// least the drop in `rostered`; more where some leave while others arrive.
    pub leaving: u32,
}

/// How calls are served and agents are absent.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// The answer-within times to score, in seconds (one per queue sharing the chain).
    pub answer_within: Vec<f64>,
    /// Mean patience under Erlang A; `None` for Erlang C.
    pub patience_seconds: Option<f64>,
    /// Probability that a rostered agent is away.
    pub absence: f64,
    /// Whether an agent is away for whole days or slot by slot.
    pub pattern: AbsencePattern,
}

/// How absence falls in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AbsencePattern {
    /// A whole agent-day at a time: the agents present in every slot of a day take the
    /// same quantile of their binomial law (see the module's notes).
    #[default]
    WholeDay,
    /// Each slot on its own: the chain enters every slot with a fresh draw of the
    /// agents present (the scenarios are mixed slot by slot).
    PerSlot,
}

/// Expected calls answered within each of `service.answer_within` in each stretch
/// (outer index: stretch, inner: answer-within time), averaged over absence.
pub fn expected_answered_in_time(stretches: &[Stretch], service: &Service) -> Vec<Vec<f64>> {
    expected_answered_in_time_by_priority(stretches, None, service)
}

/// As [`expected_answered_in_time`], with the queues of a pooled chain served by
/// priority (`priorities`: one per stretch, see [`Priorities`]) instead of first come
/// first served. Each figure is the calls answered in time *if every call of the
/// stretch were of that queue*: divided by the stretch's calls, the queue's level.
pub fn expected_answered_in_time_by_priority(
    stretches: &[Stretch],
    priorities: Option<&[Priorities]>,
    service: &Service,
) -> Vec<Vec<f64>> {
    let scenarios: &[(f64, f64)] = if service.absence > 0.0 {
        &ABSENCE_SCENARIOS
    } else {
        &[(0.5, 1.0)]
    };
    if service.pattern == AbsencePattern::PerSlot && scenarios.len() > 1 {
        return run_mixed_chain(stretches, priorities, service);
    }
    let total_weight: f64 = scenarios.iter().map(|s| s.1).sum();
    let run = |quantile: f64| {
        let present: Vec<u32> = stretches
            .iter()
            .map(|s| binomial_quantile(s.rostered, 1.0 - service.absence, quantile))
            .collect();
        run_chain(stretches, &present, priorities, service)
    };
    // The scenarios are independent: run them on the machine's cores, then add them
    // up in their fixed order (the same sums, whatever thread finished first).
    let runs: Vec<Vec<Vec<f64>>> = std::thread::scope(|scope| {
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = scenarios.len().div_ceil(workers);
        let handles: Vec<_> = scenarios
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|&(q, _)| run(q)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a projection thread panicked"))
            .collect()
    });
    let mut total = vec![vec![0.0; service.answer_within.len()]; stretches.len()];
    for (answered, &(_, weight)) in runs.into_iter().zip(scenarios) {
        for (sum, one) in total.iter_mut().zip(answered) {
            for (t, value) in sum.iter_mut().zip(one) {
                *t += value * weight / total_weight;
            }
        }
    }
    total
}

/// The chain through every stretch with `present` agents in each.
fn run_chain(
    stretches: &[Stretch],
    present: &[u32],
    priorities: Option<&[Priorities]>,
    service: &Service,
) -> Vec<Vec<f64>> {
    let most = present.iter().copied().max().unwrap_or(0) as usize;
    let capacity = most + waiting_room(stretches, present, service);
    let mut distribution = vec![0.0; capacity + 1];
    distribution[0] = 1.0;
    let theta = service.patience_seconds.map_or(0.0, |p| 1.0 / p);
    let mut before = (0, 0);
    stretches
        .iter()
        .zip(present)
        .enumerate()
        .map(|(i, (stretch, &agents))| {
            let leaving = present_leaving(stretch, before, agents);
            hand_over(&mut distribution, before.1, leaving);
            before = (stretch.rostered, agents);
            if stretch.seconds <= 0.0 || stretch.aht_seconds <= 0.0 {
                return vec![0.0; service.answer_within.len()];
            }
            let chain = Chain::new(stretch, agents, theta, capacity);
            let classes = priorities.map(|p| &p[i]);
            let in_time = stretch_weights(service, agents, stretch, theta, classes, &distribution);
            let exposure = chain.advance(&mut distribution, stretch.seconds, &in_time);
            exposure.iter().map(|e| chain.arrival_rate * e).collect()
        })
        .collect()
}

/// Of `before = (rostered, present)` agents, how many present ones leave at the start
/// of `stretch`: its rostered leavers scaled to the share present, at least the drop
/// in agents present and at most all of them.
fn present_leaving(stretch: &Stretch, before: (u32, u32), agents: u32) -> u32 {
    let (rostered, present) = before;
    let leaving = stretch
        .leaving
        .max(rostered.saturating_sub(stretch.rostered));
    let scaled = if rostered > 0 {
        (f64::from(leaving) * f64::from(present) / f64::from(rostered)).round() as u32
    } else {
        0
    };
    scaled.max(present.saturating_sub(agents)).min(present)
}

/// Agents who leave at a slot's end (a break, a lunch, the end of a shift, another
/// queue) finish the call they are on: those calls leave the queue's chain, since no
/// remaining agent has to take them, even where others arrive at the same moment.
/// With `k` calls in the system and `before` agents, `min(k, before)` are busy, and
/// of the `leaving` who go the number busy is hypergeometric (which agents leave does
/// not depend on who is busy).
fn hand_over(distribution: &mut [f64], before: u32, leaving: u32) {
    if leaving == 0 {
        return;
    }
    let (population, leaving) = (before as usize, leaving as usize);
    let mut moved = vec![0.0; distribution.len()];
    for (k, &mass) in distribution.iter().enumerate() {
        if mass == 0.0 {
            continue;
        }
        let busy = k.min(population);
        let low = (leaving + busy).saturating_sub(population);
        for finishing in low..=leaving.min(busy) {
            moved[k - finishing] += mass * hypergeometric(population, busy, leaving, finishing);
        }
    }
    distribution.copy_from_slice(&moved);
}

/// `P(X = x)` for X the number of marked items among `draws` drawn without
/// replacement from `population` items of which `marked` are marked.
fn hypergeometric(population: usize, marked: usize, draws: usize, x: usize) -> f64 {
    (ln_choose(marked, x) + ln_choose(population - marked, draws - x)
        - ln_choose(population, draws))
    .exp()
}

fn ln_choose(n: usize, k: usize) -> f64 {
    ln_factorial(n) - ln_factorial(k) - ln_factorial(n - k)
}

fn ln_factorial(n: usize) -> f64 {
    super::special::ln_gamma(n as f64 + 1.0)
}

/// The longest queue a fluid model of the stretches builds (calls arriving faster than
/// the agents present serve them pile up; no abandonment), so that the chain has room
/// for the backlog of a short-staffed day: an Erlang C queue has no ceiling, and
/// capping it would let a bad morning's callers vanish instead of waiting into the
/// afternoon.
fn fluid_backlog(stretches: &[Stretch], present: &[u32], service: &Service) -> usize {
    if service.patience_seconds.is_some() {
        return 0;
    }
    let mut backlog: f64 = 0.0;
    let mut longest: f64 = 0.0;
    for (stretch, &agents) in stretches.iter().zip(present) {
        if stretch.aht_seconds > 0.0 {
            let served = f64::from(agents) * stretch.seconds / stretch.aht_seconds;
            backlog = (backlog + stretch.calls - served).max(0.0);
            longest = longest.max(backlog);
        }
    }
    longest.ceil() as usize
}

/// Slot-by-slot absence: in every stretch the distribution is carried under each
/// scenario's agents and the results are mixed with equal weights.
fn run_mixed_chain(
    stretches: &[Stretch],
    priorities: Option<&[Priorities]>,
    service: &Service,
) -> Vec<Vec<f64>> {
    let rostered: Vec<u32> = stretches.iter().map(|s| s.rostered).collect();
    let most = rostered.iter().copied().max().unwrap_or(0) as usize;
    let capacity = most + waiting_room(stretches, &rostered, service);
    let mut distribution = vec![0.0; capacity + 1];
    distribution[0] = 1.0;
    let theta = service.patience_seconds.map_or(0.0, |p| 1.0 / p);
    let total_weight: f64 = ABSENCE_SCENARIOS.iter().map(|s| s.1).sum();
    let mut previous = 0;
    stretches
        .iter()
        .enumerate()
        .map(|(i, stretch)| {
            let before_rostered = previous;
            previous = stretch.rostered;
            let mut answered = vec![0.0; service.answer_within.len()];
            if stretch.seconds <= 0.0 || stretch.aht_seconds <= 0.0 {
                return answered;
            }
            let mut mixed = vec![0.0; capacity + 1];
            for &(quantile, weight) in &ABSENCE_SCENARIOS {
                let weight = weight / total_weight;
                let agents = binomial_quantile(stretch.rostered, 1.0 - service.absence, quantile);
                let before = binomial_quantile(before_rostered, 1.0 - service.absence, quantile);
                let chain = Chain::new(stretch, agents, theta, capacity);
                let classes = priorities.map(|p| &p[i]);
                let in_time =
                    stretch_weights(service, agents, stretch, theta, classes, &distribution);
                let mut own = distribution.clone();
                // Besides the roster's own leavers, each agent present before turns
                // absent now with the absence probability, and finishes its call too.
                let leaving = present_leaving(stretch, (before_rostered, before), agents)
                    .max((f64::from(before) * service.absence).round() as u32)
                    .min(before);
                hand_over(&mut own, before, leaving);
                let exposure = chain.advance(&mut own, stretch.seconds, &in_time);
                for (a, e) in answered.iter_mut().zip(exposure) {
                    *a += weight * chain.arrival_rate * e;
                }
                for (m, o) in mixed.iter_mut().zip(own) {
                    *m += weight * o;
                }
            }
            distribution = mixed;
            answered
        })
        .collect()
}

/// The answered-in-time weights of a stretch: by priority where `classes` applies
/// (Erlang C only), else first come first served.
fn stretch_weights(
    service: &Service,
    agents: u32,
    stretch: &Stretch,
    theta: f64,
    classes: Option<&Priorities>,
    distribution: &[f64],
) -> Vec<Vec<f64>> {
    let capacity = distribution.len() - 1;
    match classes.filter(|c| theta == 0.0 && c.usable(service.answer_within.len())) {
        Some(classes) => in_time_by_priority(
            agents,
            stretch.aht_seconds,
            stretch.seconds,
            &service.answer_within,
            classes,
            mean_waiting(distribution, agents),
            capacity,
        ),
        None => in_time_weights(service, agents, stretch, theta, capacity),
    }
}

fn in_time_weights(
    service: &Service,
    agents: u32,
    stretch: &Stretch,
    theta: f64,
    capacity: usize,
) -> Vec<Vec<f64>> {
    service
        .answer_within
        .iter()
        .map(|&t| answered_in_time(agents, 1.0 / stretch.aht_seconds, theta, t, capacity))
        .collect()
}

/// The birth-death chain of one stretch.
struct Chain {
    arrival_rate: f64,
    /// Departure rate from each state.
    departures: Vec<f64>,
    /// The uniformization rate: at least every state's total rate.
    uniform: f64,
}

impl Chain {
    fn new(stretch: &Stretch, agents: u32, theta: f64, capacity: usize) -> Chain {
        let arrival_rate = stretch.calls.max(0.0) / stretch.seconds;
        let mu = 1.0 / stretch.aht_seconds;
        let agents = agents as usize;
        let departures: Vec<f64> = (0..=capacity)
            .map(|k| k.min(agents) as f64 * mu + k.saturating_sub(agents) as f64 * theta)
            .collect();
        let uniform = arrival_rate + departures[capacity];
        Chain {
            arrival_rate,
            departures,
            uniform,
        }
    }

    /// Moves `distribution` on by `seconds` and returns, per weight vector, the time
    /// integral of `Σ_k p_k(t) weight_k` over the stretch.
    fn advance(&self, distribution: &mut [f64], seconds: f64, weights: &[Vec<f64>]) -> Vec<f64> {
        let mut exposure = vec![0.0; weights.len()];
        if self.uniform <= 0.0 {
            for (e, w) in exposure.iter_mut().zip(weights) {
                *e = seconds * dot(distribution, w);
            }
            return exposure;
        }
        let steps = (self.uniform * seconds / EVENTS_PER_STEP).ceil().max(1.0);
        let step = seconds / steps;
        for _ in 0..steps as usize {
            self.uniformized_step(distribution, step, weights, &mut exposure);
        }
        exposure
    }

    /// One step of uniformization: p(t) = Σ_n Pois(n; Λt) v_n with v_{n+1} = v_n P, and
    /// ∫_0^t p = (1/Λ) Σ_n P(Pois(Λt) > n) v_n.
    fn uniformized_step(
        &self,
        distribution: &mut [f64],
        seconds: f64,
        weights: &[Vec<f64>],
        exposure: &mut [f64],
    ) {
        let mean = self.uniform * seconds;
        let mut term = (-mean).exp();
        let mut cumulative = term;
        let last = distribution.len() - 1;
        // States above `top` hold no probability yet; each jump reaches one further.
        let mut top = distribution
            .iter()
            .rposition(|&p| p > NEGLIGIBLE)
            .unwrap_or(0);
        let mut vector = distribution.to_vec();
        let mut next = vec![0.0; vector.len()];
        let mut end = vec![0.0; vector.len()];
        // Σ_n P(Pois > n) v_n: the time integral of the distribution, times Λ.
        let mut integral = vec![0.0; vector.len()];
        let mut n = 0usize;
        loop {
            let beyond = (1.0 - cumulative).max(0.0);
            let done = beyond < 1e-13 && n as f64 > mean;
            let reach = if done { top } else { (top + 1).min(last) };
            self.jump_and_add(
                &vector[..=reach],
                &mut next[..=reach],
                reach == last,
                term,
                beyond,
                &mut end,
                &mut integral,
            );
            if done {
                break;
            }
            top = reach;
            std::mem::swap(&mut vector, &mut next);
            n += 1;
            term *= mean / n as f64;
            cumulative += term;
        }
        for (x, w) in exposure.iter_mut().zip(weights) {
            *x += dot(&integral, w) / self.uniform;
        }
        let mass: f64 = end.iter().sum();
        for (d, e) in distribution.iter_mut().zip(&end) {
            *d = e / mass;
        }
    }

    /// `next = vector · P` with `P = I + Q/Λ`, over the states up to `vector`'s end
    /// (`full`: that end is the chain's capacity, where arrivals are turned away), and
    /// in the same pass `end += term·vector`, `integral += beyond·vector`.
    #[allow(clippy::too_many_arguments)]
    fn jump_and_add(
        &self,
        vector: &[f64],
        next: &mut [f64],
        full: bool,
        term: f64,
        beyond: f64,
        end: &mut [f64],
        integral: &mut [f64],
    ) {
        let last = vector.len() - 1;
        let birth = self.arrival_rate / self.uniform;
        for k in 0..=last {
            let v = vector[k];
            end[k] += term * v;
            integral[k] += beyond * v;
            let up = if k < last || !full { birth } else { 0.0 };
            let down = self.departures[k] / self.uniform;
            let mut value = v * (1.0 - up - down);
            if k > 0 {
                value += vector[k - 1] * birth;
            }
            if k < last {
                value += vector[k + 1] * self.departures[k + 1] / self.uniform;
            }
            next[k] = value;
        }
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The probability that a caller arriving to `k` calls in the system (k = 0..=capacity)
/// is answered within `within` seconds by `agents` agents of rate `mu`, callers
/// abandoning at rate `theta`. With `m = k − N` waiting ahead, it needs `m + 1`
/// departures ahead of it (completions at `Nμ`, abandonment of those ahead at `mθ`)
/// before its own patience runs out. Erlang C (θ = 0): `P(Poisson(NμT) ≥ m + 1)`.
/// Erlang A: `u_m(τ)`, the probability of being answered within τ with m ahead,
/// solves `u_m' = (Nμ + mθ)(u_{m−1} − u_m) − θu_m`, `u_{−1} = 1`, `u_m(0) = 0`
/// (integrated by classical Runge-Kutta).
pub fn answered_in_time(
    agents: u32,
    mu: f64,
    theta: f64,
    within: f64,
    capacity: usize,
) -> Vec<f64> {
    let n = agents as usize;
    let mut result = vec![1.0; capacity + 1];
    if n == 0 {
        return vec![0.0; capacity + 1];
    }
    let waiting = capacity + 1 - n.min(capacity + 1);
    let behind: Vec<f64> = if theta > 0.0 {
        erlang_a_in_time(agents, mu, theta, within, waiting)
    } else {
        poisson_tails(f64::from(agents) * mu * within, waiting)
    };
    for (slot, value) in result[n.min(capacity + 1)..].iter_mut().zip(behind) {
        *slot = value;
    }
    result
}

/// Erlang A's `u_m(within)` for m = 0..count (see [`answered_in_time`]).
fn erlang_a_in_time(agents: u32, mu: f64, theta: f64, within: f64, count: usize) -> Vec<f64> {
    let served = f64::from(agents) * mu;
    let rate = |m: usize| served + m as f64 * theta;
    let fastest = rate(count) + theta;
    let steps = ((within * fastest / 0.1).ceil() as usize).max(8);
    let h = within / steps as f64;
    let derivative = |u: &[f64], out: &mut [f64]| {
        for m in 0..u.len() {
            let ahead = if m == 0 { 1.0 } else { u[m - 1] };
            out[m] = rate(m) * (ahead - u[m]) - theta * u[m];
        }
    };
    let mut u = vec![0.0; count];
    let (mut k1, mut k2, mut k3, mut k4) = (u.clone(), u.clone(), u.clone(), u.clone());
    let mut scratch = u.clone();
    for _ in 0..steps {
        derivative(&u, &mut k1);
        axpy(&u, &k1, h / 2.0, &mut scratch);
        derivative(&scratch, &mut k2);
        axpy(&u, &k2, h / 2.0, &mut scratch);
        derivative(&scratch, &mut k3);
        axpy(&u, &k3, h, &mut scratch);
        derivative(&scratch, &mut k4);
        for m in 0..count {
            u[m] += h / 6.0 * (k1[m] + 2.0 * k2[m] + 2.0 * k3[m] + k4[m]);
        }
    }
    u
}

fn axpy(base: &[f64], slope: &[f64], h: f64, out: &mut [f64]) {
    for ((o, b), s) in out.iter_mut().zip(base).zip(slope) {
        *o = b + h * s;
    }
}

/// The smallest x with `P(Binomial(n, p) ≤ x) ≥ quantile`.
pub fn binomial_quantile(n: u32, p: f64, quantile: f64) -> u32 {
    if p >= 1.0 || n == 0 {
        return n;
    }
    if p <= 0.0 {
        return 0;
    }
    // Probabilities by the ratio recursion from P(0) = (1 − p)^n, in logs for large n.
    let ln_q = (1.0 - p).ln();
    let odds = p / (1.0 - p);
    let mut ln_term = f64::from(n) * ln_q;
    let mut cumulative = 0.0;
    for x in 0..=n {
        if x > 0 {
            ln_term += (f64::from(n - x + 1) / f64::from(x) * odds).ln();
        }
        cumulative += ln_term.exp();
        if cumulative >= quantile - 1e-12 {
            return x;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::erlang::{Model, Queue};

    fn flat(slots: usize, calls: f64, aht: f64, agents: u32) -> Vec<Stretch> {
        vec![
            Stretch {
                seconds: 900.0,
                calls,
                aht_seconds: aht,
                rostered: agents,
                leaving: 0,
            };
            slots
        ]
    }

    fn level(stretches: &[Stretch], service: &Service, from: usize) -> f64 {
        let answered = expected_answered_in_time(stretches, service);
        let calls: f64 = stretches[from..].iter().map(|s| s.calls).sum();
        answered[from..].iter().map(|a| a[0]).sum::<f64>() / calls
    }

    #[test]
    fn a_long_flat_day_reaches_erlang_c() {
        // 20 Erlangs (100 calls of 180 s a quarter-hour) on 24 agents for 12 hours: after
        // the first hours the chain is in its steady state, Erlang C's 80.89% in 20 s.
        let stretches = flat(48, 100.0, 180.0, 24);
        let service = Service {
            answer_within: vec![20.0],
            patience_seconds: None,
            absence: 0.0,
            pattern: AbsencePattern::WholeDay,
        };
        let steady = Queue::new(Model::ErlangC, 100.0, 900.0, 180.0)
            .unwrap()
            .metrics(24, Some(20.0))
            .service_level
            .unwrap();
        let late = level(&stretches, &service, 24);
        assert!((late - steady).abs() < 1e-6, "{late} vs {steady}");
        // From an empty center the first quarter-hour does better than the steady state.
        assert!(level(&stretches[..1], &service, 0) > steady + 0.05);
    }

    #[test]
    fn a_long_flat_day_reaches_erlang_a() {
        let stretches = flat(48, 100.0, 180.0, 20);
        let service = Service {
            answer_within: vec![20.0, 60.0],
            patience_seconds: Some(120.0),
            absence: 0.0,
            pattern: AbsencePattern::WholeDay,
        };
        let answered = expected_answered_in_time(&stretches, &service);
        let queue = Queue::new(
            Model::ErlangA {
                patience_seconds: 120.0,
            },
            100.0,
            900.0,
            180.0,
        )
        .unwrap();
        for (t, &within) in service.answer_within.iter().enumerate() {
            let steady = queue.metrics(20, Some(within)).service_level.unwrap();
            let late = answered[40][t] / 100.0;
            assert!((late - steady).abs() < 1e-6, "{within}: {late} vs {steady}");
        }
    }

    #[test]
    fn binomial_quantiles_match_the_cumulative_law() {
        // Binomial(10, 0.7): P(≤5) = 0.1503, P(≤6) = 0.3504, P(≤7) = 0.6172, P(≤8) = 0.8507.
        assert_eq!(binomial_quantile(10, 0.7, 0.15), 5);
        assert_eq!(binomial_quantile(10, 0.7, 0.16), 6);
        assert_eq!(binomial_quantile(10, 0.7, 0.5), 7);
        assert_eq!(binomial_quantile(10, 0.7, 0.62), 8);
        assert_eq!(binomial_quantile(10, 0.7, 0.9999), 10);
        assert_eq!(binomial_quantile(0, 0.7, 0.5), 0);
        assert_eq!(binomial_quantile(10, 1.0, 0.01), 10);
    }
}
