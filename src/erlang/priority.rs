//! Two queues sharing one pool of agents who serve them by priority (an ACD's "skill
//! level" routing): how long a call of each queue waits when every agent is busy.
//!
//! The pooled chain of [`super::transient`] counts the calls in the system; with equal
//! handle times every work-conserving discipline has the same number waiting, so the
//! chain stays right for the total. What priority changes is who among the waiting
//! is answered next. A tagged call of class `k` arriving to `m` waiting finds `a_k`
//! of its own class ahead, `a_k ~ Binomial(m, f_k)` with `f_k` the share of its class
//! in the waiting line, and needs `a_k + 1` pickups of its class. While it waits,
//! its class's line is never empty, so the agents who take `k` first always pick `k`
//! (a share `first_k` of the departures). Those who take `k` second (a share
//! `second_k`) pick it only while the other class's line is empty. That line, while
//! the tagged call waits, is an M/M/1 (arrivals `λ_j`, pickups `Nμ·first_j`) started
//! from its `a_j` calls ahead; its expected empty time `E_j(τ | a_j)` within `τ` is
//! computed exactly (uniformization). The tagged call's pickups within `τ` are taken
//! as Poisson with mean `Nμ·first_k·τ + Nμ·second_k·E_j(τ | a_j)`.
//!
//! The shares `f_k` follow from Little's law: the class-`k` calls waiting are `λ_k`
//! times the class's mean wait, so `f_k ∝ λ_k·w_k(f)`, a fixed point solved by damped
//! iteration, with the chain's mean number waiting (given all agents are busy) split
//! between the classes. The mean waits there are the fluid ones: the other line drains
//! at `Nμ·first_j − λ_j`, then is empty `1 − λ_j/(Nμ·first_j)` of the time. With all
//! agents preferring one class this gives the mean waits of the non-preemptive
//! priority M/M/N exactly (Cobham 1954; see Kella & Yechiali, "Waiting times in the
//! non-preemptive priority M/M/c queue", Stochastic Models 1, 1985): class 1 waits
//! `1/(Nμ(1 − σ₁))` given it waits, class 2 `1/(Nμ(1 − σ₁)(1 − σ))`. A stationary
//! empty share in the answered-in-time figure, instead of `E_j`, was 1-4.5 points
//! pessimistic against the simulation: over 20 s a line that starts empty mostly
//! stays empty.

use super::special::poisson_tails;

/// Per stretch, what the priority split needs: each class's expected calls and the
/// agents' preferences among the two classes, as shares of the agents present.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Priorities {
    /// Expected calls of each class in the stretch (the order of `answer_within`).
    pub calls: Vec<f64>,
    /// Per class: the share of the agents present who take it first.
    pub first: Vec<f64>,
    /// Per class: the share who take it only when the other class has none waiting.
    pub second: Vec<f64>,
}

impl Priorities {
    /// Whether the split applies: two classes, and someone takes one of them first.
    pub fn usable(&self, classes: usize) -> bool {
        classes == 2
            && self.calls.len() == 2
            && self.first.len() == 2
            && self.second.len() == 2
            && self.first.iter().sum::<f64>() > 0.0
    }
}

/// Iterations of the waiting line's composition (damped by half; 1e-6 after ~20).
const COMPOSITION_ROUNDS: usize = 40;

/// A wait longer than this counts as never answered (a class nobody serves).
const NEVER: f64 = 1e12;

/// How a tagged call of one class gets picked up while every agent is busy.
#[derive(Debug, Clone, Copy)]
struct Pickups {
    /// Pickups a second by the agents who take the class first.
    own: f64,
    /// Pickups a second by those who take it second, when the other line is empty.
    helped: f64,
    /// Net rate at which the other class's line drains (≤ 0: it never does).
    drain: f64,
    /// Share of the time the other line is empty once drained.
    idle: f64,
    /// The other class's arrivals a second, and pickups a second while this class
    /// waits (by the agents who take the other first).
    other_arrivals: f64,
    other_served: f64,
}

impl Pickups {
    fn new(class: usize, rate: f64, arrivals: &[f64], priorities: &Priorities) -> Pickups {
        let other = 1 - class;
        let serving_other = rate * priorities.first[other];
        let drain = serving_other - arrivals[other];
        let idle = if drain > 0.0 {
            drain / serving_other
        } else {
            0.0
        };
        Pickups {
            own: rate * priorities.first[class],
            helped: rate * priorities.second[class],
            drain,
            idle,
            other_arrivals: arrivals[other],
            other_served: serving_other,
        }
    }

    /// Expected pickups within `within` per number of the other class's calls ahead
    /// (0, 1, …; help beyond the last is nil): the agents who take this class first
    /// pick it all along, those who take it second while the other line is empty.
    /// That line's empty time is the transient M/M/1's (arrivals λ_j, pickups by the
    /// agents who take it first), started from the calls ahead.
    fn expected_by_ahead(&self, within: f64) -> Vec<f64> {
        let alone = self.own * within;
        if self.helped <= 0.0 {
            return vec![alone];
        }
        let mean = self.other_served * within;
        let states = (mean + 10.0 * mean.sqrt() + 30.0).ceil() as usize;
        empty_time(self.other_arrivals, self.other_served, within, states)
            .into_iter()
            .map(|empty| alone + self.helped * empty)
            .collect()
    }

    /// The rate of help once the other line (with `ahead` calls) has drained, and
    /// when that is.
    fn help(&self, ahead: f64) -> (f64, f64) {
        if self.drain > 0.0 && self.helped > 0.0 {
            (self.helped * self.idle, ahead / self.drain)
        } else {
            (0.0, f64::INFINITY)
        }
    }

    /// When the expected pickups reach `needed` (the mean wait's fluid estimate).
    fn time_for(&self, needed: f64, ahead: f64) -> f64 {
        let (help, from) = self.help(ahead);
        let alone = if self.own > 0.0 {
            needed / self.own
        } else {
            f64::INFINITY
        };
        if alone <= from {
            return alone.min(NEVER);
        }
        let total = self.own + help;
        if total <= 0.0 {
            return NEVER;
        }
        ((needed + help * from) / total).min(NEVER)
    }
}

/// Per class, the probability that a caller arriving to `k` calls in the system
/// (`k = 0..=capacity`) is answered within its class's `within` time, with `agents`
/// agents of mean handle time `aht` in a stretch of `seconds`, and `waiting` the mean
/// number of calls waiting when all agents are busy.
pub fn in_time_by_priority(
    agents: u32,
    aht: f64,
    seconds: f64,
    within: &[f64],
    priorities: &Priorities,
    waiting: f64,
    capacity: usize,
) -> Vec<Vec<f64>> {
    let rate = f64::from(agents) / aht;
    let arrivals: Vec<f64> = priorities
        .calls
        .iter()
        .map(|c| c.max(0.0) / seconds)
        .collect();
    let pickups = [
        Pickups::new(0, rate, &arrivals, priorities),
        Pickups::new(1, rate, &arrivals, priorities),
    ];
    let shares = waiting_shares(&pickups, &arrivals, waiting);
    (0..2)
        .map(|k| class_in_time(agents as usize, &pickups[k], within[k], shares[k], capacity))
        .collect()
}

/// The classes' shares of the waiting line: `f_k ∝ λ_k·w_k`, `w_k` the mean wait of a
/// class-`k` caller who finds `f_k·waiting` of its class ahead and the rest of the other.
fn waiting_shares(pickups: &[Pickups; 2], arrivals: &[f64], waiting: f64) -> [f64; 2] {
    let total: f64 = arrivals.iter().sum();
    if total <= 0.0 {
        return [0.5, 0.5];
    }
    let mut share = arrivals[0] / total;
    for _ in 0..COMPOSITION_ROUNDS {
        let shares = [share, 1.0 - share];
        let weighted: Vec<f64> = (0..2)
            .map(|k| {
                let ahead = shares[k] * waiting;
                let other = (1.0 - shares[k]) * waiting;
                arrivals[k] * pickups[k].time_for(ahead + 1.0, other)
            })
            .collect();
        let sum = weighted[0] + weighted[1];
        if sum <= 0.0 || !sum.is_finite() {
            break;
        }
        share = (share + weighted[0] / sum) / 2.0;
    }
    [share, 1.0 - share]
}

/// One class's answered-in-time probabilities by calls in the system (1 below
/// `agents`): `Σ_a Binomial(a; m, share)·P(Poisson(expected(within, m − a)) ≥ a + 1)`
/// with `m` waiting ahead.
fn class_in_time(
    agents: usize,
    pickups: &Pickups,
    within: f64,
    share: f64,
    capacity: usize,
) -> Vec<f64> {
    let mut result = vec![1.0; capacity + 1];
    if agents == 0 {
        return vec![0.0; capacity + 1];
    }
    // Per number of the other class ahead; beyond the last, no help in time.
    let mut expected = pickups.expected_by_ahead(within);
    expected.push(pickups.own * within);
    let cut = expected.len() - 1;
    let most = expected.iter().copied().fold(0.0, f64::max);
    let reach = (most + 10.0 * most.sqrt() + 30.0).ceil() as usize;
    let tails: Vec<Vec<f64>> = expected
        .iter()
        .map(|&mean| poisson_tails(mean, reach + 1))
        .collect();
    // Binomial(m, share) over a = 0..=reach, carried from m to m + 1.
    let mut own = vec![0.0; reach + 1];
    own[0] = 1.0;
    for (m, slot) in result[agents.min(capacity + 1)..].iter_mut().enumerate() {
        let value: f64 = (0..=m.min(reach))
            .map(|a| own[a] * tails[(m - a).min(cut)][a])
            .sum();
        *slot = value;
        if value < 1e-17 && m > reach {
            // More waiting ahead only lowers it: the rest are 0.
            for rest in result[agents + m..].iter_mut() {
                *rest = 0.0;
            }
            break;
        }
        for a in (1..=(m + 1).min(reach)).rev() {
            own[a] = (1.0 - share) * own[a] + share * own[a - 1];
        }
        own[0] *= 1.0 - share;
    }
    result
}

/// Expected time in `[0, within]` that an M/M/1 line (arrivals `arrivals`, pickups
/// `served` a second) is empty, from each of `states` starting lengths: `∫ P_i0(t) dt`
/// by uniformization, `(1/Λ) Σ_n P(Poisson(Λ·within) > n) (Pⁿ e₀)_i`, the line
/// truncated well above the starting lengths.
fn empty_time(arrivals: f64, served: f64, within: f64, states: usize) -> Vec<f64> {
    let uniform = arrivals + served;
    if uniform <= 0.0 {
        let mut always = vec![0.0; states];
        always[0] = within;
        return always;
    }
    let mean = uniform * within;
    let top = states + (mean + 10.0 * mean.sqrt() + 30.0).ceil() as usize;
    let (up, down) = (arrivals / uniform, served / uniform);
    let mut vector = vec![0.0; top + 1];
    vector[0] = 1.0;
    let mut next = vector.clone();
    let mut integral = vec![0.0; states];
    let mut term = (-mean).exp();
    let mut cumulative = term;
    let mut n = 0usize;
    loop {
        let beyond = (1.0 - cumulative).max(0.0);
        for (sum, v) in integral.iter_mut().zip(&vector) {
            *sum += beyond * v;
        }
        if beyond < 1e-13 && n as f64 > mean {
            break;
        }
        for i in 0..=top {
            let rise = if i < top { up } else { 0.0 };
            let fall = if i > 0 { down } else { 0.0 };
            let mut value = (1.0 - rise - fall) * vector[i];
            if i < top {
                value += rise * vector[i + 1];
            }
            if i > 0 {
                value += fall * vector[i - 1];
            }
            next[i] = value;
        }
        std::mem::swap(&mut vector, &mut next);
        n += 1;
        term *= mean / n as f64;
        cumulative += term;
    }
    integral.iter().map(|v| v / uniform).collect()
}

/// The mean number of calls waiting when every agent is busy (`k ≥ agents`).
pub fn mean_waiting(distribution: &[f64], agents: u32) -> f64 {
    let n = agents as usize;
    let (mut mass, mut waiting) = (0.0, 0.0);
    for (k, &p) in distribution.iter().enumerate().skip(n) {
        mass += p;
        waiting += p * (k - n) as f64;
    }
    if mass > 0.0 {
        waiting / mass
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_priority_gives_cobhams_mean_waits() {
        // All 10 agents take class 0 first: σ₀ = 0.3, σ₁ = 0.5 of Nμ = 10/100 s.
        let rate: f64 = 0.1;
        let arrivals = [0.03, 0.05];
        let priorities = Priorities {
            calls: vec![27.0, 45.0],
            first: vec![1.0, 0.0],
            second: vec![0.0, 1.0],
        };
        let pickups = [
            Pickups::new(0, rate, &arrivals, &priorities),
            Pickups::new(1, rate, &arrivals, &priorities),
        ];
        let (s0, s) = (0.3, 0.8);
        // Given all busy, the M/M/N waiting line is geometric: mean σ/(1 − σ) = 4.
        let waiting = s / (1.0 - s);
        let shares = waiting_shares(&pickups, &arrivals, waiting);
        let wait =
            |k: usize| pickups[k].time_for(shares[k] * waiting + 1.0, (1.0 - shares[k]) * waiting);
        let cobham = [
            1.0 / (rate * (1.0 - s0)),
            1.0 / (rate * (1.0 - s0) * (1.0 - s)),
        ];
        for (k, expected) in cobham.into_iter().enumerate() {
            let got = wait(k);
            assert!(
                (got - expected).abs() < 1e-6 * expected,
                "{k}: {got} vs {expected}"
            );
        }
        // Conservation: the classes' waiting calls add up to the pool's.
        let queued = arrivals[0] * wait(0) + arrivals[1] * wait(1);
        assert!((queued - waiting).abs() < 1e-6, "{queued}");
    }
}
