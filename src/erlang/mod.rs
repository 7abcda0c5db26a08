//! Queueing formulas for staffing: Erlang B (blocking), Erlang C (M/M/N, callers wait
//! forever) and Erlang A (M/M/N+M, callers abandon after an exponential patience).
//!
//! Conventions: `offered_load` A is in Erlangs (calls × AHT / interval length), `agents`
//! N is a whole number of agents answering calls, `aht_seconds` h the average handle
//! time, `answer_within` T the service-level threshold in seconds. Every probability is
//! computed without factorials or powers of A: the Erlang B recursion and the
//! continued fractions in [`special`] keep every intermediate value in range from 0.01
//! to well over 10,000 Erlangs, and no function here returns NaN or infinity (an
//! unbounded wait is `None`, not infinity).
//!
//! Sources:
//! - Erlang B recursion: B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)); here in the
//!   reciprocal form 1/B(n) = 1 + (n/A)·1/B(n−1) (Jagerman, "Some properties of the
//!   Erlang loss function", Bell System Technical Journal 53, 1974).
//! - Erlang C from Erlang B: C = N·B / (N − A(1 − B)) (Cooper, *Introduction to
//!   Queueing Theory*, 2nd ed. 1981); service level P(W ≤ T) = 1 − C·e^(−(N−A)T/h)
//!   and ASA = C·h/(N − A) (Gans, Koole & Mandelbaum, "Telephone call centers: tutorial,
//!   review, and research prospects", MSOM 5(2), 2003).
//! - Erlang A: Garnett, Mandelbaum & Reiman, "Designing a call center with impatient
//!   customers", MSOM 4(3), 2002, and Mandelbaum & Zeltyn, "The Palm/Erlang-A queue,
//!   with applications to call centers" (Technion, 2005); see [`erlang_a`].

mod erlang_a;
pub mod priority;
pub mod special;
pub mod transient;

use serde::Serialize;

use crate::error::{Error, Result};

/// The largest offered load accepted, in Erlangs. Far above any real queue; it only
/// keeps the recursions and searches bounded.
pub const MAX_OFFERED_LOAD: f64 = 1e6;

/// The longest mean patience accepted, in handle times. Beyond it Erlang A is Erlang C
/// to every printed digit, and the series in [`special`] would only grow longer.
pub const MAX_PATIENCE_IN_HANDLE_TIMES: f64 = 1e9;

/// Offered load in Erlangs: the average number of calls in progress if every call were
/// answered at once, A = calls × AHT / interval length.
pub fn offered_load(calls: f64, interval_seconds: f64, aht_seconds: f64) -> f64 {
    calls * aht_seconds / interval_seconds
}

/// Walks the reciprocal Erlang B recursion I(n) = 1/B(n, A) upwards in n.
///
/// I(0) = 1 and I(n) = 1 + (n/A)·I(n−1): every term is positive, so the recursion is
/// forward-stable (relative error grows like n·ε), and once I overflows to +∞ (B below
/// 1e-308) it stays there without ever producing NaN. To shorten the chain of dependent
/// operations, four steps are fused at every multiple of four:
/// I(k+4) = α + β·I(k) with α = 1 + c₄(1 + c₃(1 + c₂)), β = c₁c₂c₃c₄, cⱼ = (k+j)/A
/// (the same recursion, expanded). The value at n is always produced by the same
/// sequence of operations — fused blocks up to the last multiple of four, then single
/// steps — whether it is reached by [`advance`](Self::advance) or
/// [`advance_to`](Self::advance_to), so an incremental search sees bit-identical numbers
/// to a fresh evaluation at each n.
#[derive(Debug, Clone, Copy)]
pub(crate) struct InverseBlockingWalk {
    inverse_load: f64,
    servers: u32,
    /// I at the last multiple of four at or below `servers`.
    base: f64,
    /// I(servers).
    value: f64,
}

impl InverseBlockingWalk {
    /// Starts at zero servers for a positive offered load.
    pub(crate) fn new(offered_load: f64) -> Self {
        debug_assert!(offered_load > 0.0);
        InverseBlockingWalk {
            inverse_load: 1.0 / offered_load,
            servers: 0,
            base: 1.0,
            value: 1.0,
        }
    }

    /// The reciprocal blocking 1/B(n, A) for n = [`servers`](Self::servers); ≥ 1, may be +∞.
    pub(crate) fn value(&self) -> f64 {
        self.value
    }

    pub(crate) fn servers(&self) -> u32 {
        self.servers
    }

    /// I(from + 4) from I(from), `from` a multiple of four.
    #[inline(always)]
    fn block(&self, from: u32, at_from: f64) -> f64 {
        let k = f64::from(from);
        let c1 = (k + 1.0) * self.inverse_load;
        let c2 = (k + 2.0) * self.inverse_load;
        let c3 = (k + 3.0) * self.inverse_load;
        let c4 = (k + 4.0) * self.inverse_load;
        let alpha = 1.0 + c4 * (1.0 + c3 * (1.0 + c2));
        let beta = (c4 * c3) * (c2 * c1);
        alpha + beta * at_from
    }

    /// One more server.
    #[inline(always)]
    pub(crate) fn advance(&mut self) {
        let next = self.servers + 1;
        if next.is_multiple_of(4) {
            self.base = self.block(next - 4, self.base);
            self.value = self.base;
        } else {
            self.value = 1.0 + (f64::from(next) * self.inverse_load) * self.value;
        }
        self.servers = next;
    }

    /// Moves up to `target` servers (no-op if already there or beyond).
    pub(crate) fn advance_to(&mut self, target: u32) {
        while self.servers.is_multiple_of(4) && self.servers + 4 <= target {
            self.base = self.block(self.servers, self.base);
            self.servers += 4;
            self.value = self.base;
        }
        while self.servers < target {
            self.advance();
        }
    }
}

/// 1/B(n, A), the reciprocal Erlang B blocking; see [`InverseBlockingWalk`].
pub(crate) fn inverse_blocking(servers: u32, offered_load: f64) -> f64 {
    let mut walk = InverseBlockingWalk::new(offered_load);
    walk.advance_to(servers);
    walk.value()
}

/// Erlang B: the probability that a call finds all `servers` busy and is lost
/// (M/M/N/N, blocked calls cleared). `offered_load` must be finite and ≥ 0.
pub fn erlang_b(servers: u32, offered_load: f64) -> f64 {
    assert!(
        offered_load.is_finite() && offered_load >= 0.0,
        "offered load must be finite and >= 0"
    );
    if offered_load == 0.0 {
        return if servers == 0 { 1.0 } else { 0.0 };
    }
    1.0 / inverse_blocking(servers, offered_load)
}

/// The smallest number of lines whose Erlang B blocking is at most `blocking`: trunk
/// sizing for a busy-signal target. `blocking` must be in (0, 1).
pub fn lines_for_blocking(offered_load: f64, blocking: f64) -> u32 {
    assert!(offered_load.is_finite() && offered_load >= 0.0);
    assert!(blocking > 0.0 && blocking < 1.0);
    if offered_load == 0.0 {
        return 0;
    }
    let mut walk = InverseBlockingWalk::new(offered_load);
    while 1.0 / walk.value() > blocking {
        walk.advance();
    }
    walk.servers()
}

/// Erlang C: the probability that a call has to wait (all `agents` busy) in M/M/N. It is
/// 1 when `agents` ≤ `offered_load`, where the queue grows without bound.
pub fn erlang_c(agents: u32, offered_load: f64) -> f64 {
    assert!(offered_load.is_finite() && offered_load >= 0.0);
    if offered_load == 0.0 {
        return 0.0;
    }
    p_wait_from_inverse_blocking(agents, offered_load, inverse_blocking(agents, offered_load))
}

/// C = N·B/(N − A(1−B)), rewritten with I = 1/B as C = N/((N−A)·I + A), which needs no
/// subtraction of nearly equal numbers and stays finite when I is +∞ (C = 0).
fn p_wait_from_inverse_blocking(agents: u32, offered_load: f64, inverse_blocking: f64) -> f64 {
    let n = f64::from(agents);
    if n <= offered_load {
        return 1.0;
    }
    (n / ((n - offered_load) * inverse_blocking + offered_load)).min(1.0)
}

/// The queueing model used to turn agents into service.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "model", rename_all = "kebab-case")]
pub enum Model {
    /// M/M/N: callers wait as long as it takes.
    ErlangC,
    /// M/M/N+M: callers hang up after an exponentially distributed patience with this mean.
    ErlangA { patience_seconds: f64 },
}

impl Model {
    /// `erlang-c` or `erlang-a`.
    pub fn name(&self) -> &'static str {
        match self {
            Model::ErlangC => "erlang-c",
            Model::ErlangA { .. } => "erlang-a",
        }
    }
}

/// What a number of agents achieves on a queue. Shares are in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Metrics {
    pub agents: u32,
    /// Probability that a call waits at all (all agents busy on arrival).
    pub p_wait: f64,
    /// Share of all offered calls answered within the threshold T (abandoned calls count
    /// as not answered in time). `None` when no threshold was given.
    pub service_level: Option<f64>,
    /// Erlang A only: share of answered calls that were answered within T.
    pub service_level_answered: Option<f64>,
    /// Average speed of answer: mean wait of answered calls, in seconds. `None` when the
    /// queue is unstable (Erlang C with agents ≤ offered load) or nobody is answered.
    pub asa_seconds: Option<f64>,
    /// Share of agent time spent on calls: answered load / agents.
    pub occupancy: f64,
    /// Erlang A only: share of offered calls that abandon.
    pub abandon_rate: Option<f64>,
    /// False when the queue grows without bound (Erlang C with agents ≤ offered load).
    pub stable: bool,
}

/// Erlang C metrics from the reciprocal blocking at `agents`. The one place these
/// formulas live, so the incremental staffing search and a fresh evaluation agree.
pub(crate) fn erlang_c_metrics(
    agents: u32,
    offered_load: f64,
    aht_seconds: f64,
    answer_within: Option<f64>,
    inverse_blocking: f64,
) -> Metrics {
    let n = f64::from(agents);
    if n <= offered_load {
        return Metrics {
            agents,
            p_wait: 1.0,
            service_level: answer_within.map(|_| 0.0),
            service_level_answered: None,
            asa_seconds: None,
            occupancy: 1.0,
            abandon_rate: None,
            stable: false,
        };
    }
    let excess = n - offered_load;
    let p_wait = p_wait_from_inverse_blocking(agents, offered_load, inverse_blocking);
    let service_level =
        answer_within.map(|t| (1.0 - p_wait * (-excess * t / aht_seconds).exp()).clamp(0.0, 1.0));
    Metrics {
        agents,
        p_wait,
        service_level,
        service_level_answered: None,
        asa_seconds: Some(p_wait * aht_seconds / excess),
        occupancy: offered_load / n,
        abandon_rate: None,
        stable: true,
    }
}

/// One queue in one interval: the model, its offered load and handle time, validated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Queue {
    model: Model,
    offered_load: f64,
    aht_seconds: f64,
}

impl Queue {
    /// A queue offered `calls` calls in `interval_seconds` with the given average handle
    /// time. Errors (exit code 2) on negative or non-finite calls, non-positive interval,
    /// AHT or patience, and loads above [`MAX_OFFERED_LOAD`].
    pub fn new(model: Model, calls: f64, interval_seconds: f64, aht_seconds: f64) -> Result<Self> {
        if !calls.is_finite() || calls < 0.0 {
            return Err(Error::input(format!(
                "calls must be a number >= 0, found {calls}"
            )));
        }
        if !interval_seconds.is_finite() || interval_seconds <= 0.0 {
            return Err(Error::input(format!(
                "the interval length must be positive, found {interval_seconds} s"
            )));
        }
        check_aht(aht_seconds)?;
        Queue::with_load(
            model,
            offered_load(calls, interval_seconds, aht_seconds),
            aht_seconds,
        )
    }

    /// A queue with a given offered load in Erlangs.
    pub fn with_load(model: Model, offered_load: f64, aht_seconds: f64) -> Result<Self> {
        check_aht(aht_seconds)?;
        if !offered_load.is_finite() || !(0.0..=MAX_OFFERED_LOAD).contains(&offered_load) {
            return Err(Error::input(format!(
                "offered load {offered_load} Erlangs is outside 0 to {MAX_OFFERED_LOAD}"
            )));
        }
        if let Model::ErlangA { patience_seconds } = model {
            if !patience_seconds.is_finite() || patience_seconds <= 0.0 {
                return Err(Error::input(format!(
                    "patience must be a positive duration, found {patience_seconds} s"
                )));
            }
            if patience_seconds / aht_seconds > MAX_PATIENCE_IN_HANDLE_TIMES {
                return Err(Error::input(format!(
                    "patience {patience_seconds} s is over {MAX_PATIENCE_IN_HANDLE_TIMES} handle \
                     times; callers that patient never abandon: use erlang-c"
                )));
            }
        }
        Ok(Queue {
            model,
            offered_load,
            aht_seconds,
        })
    }

    pub fn model(&self) -> Model {
        self.model
    }

    pub fn offered_load(&self) -> f64 {
        self.offered_load
    }

    pub fn aht_seconds(&self) -> f64 {
        self.aht_seconds
    }

    /// What `agents` agents achieve; the service level is computed for the threshold
    /// `answer_within` seconds when given.
    pub fn metrics(&self, agents: u32, answer_within: Option<f64>) -> Metrics {
        if self.offered_load == 0.0 {
            return self.idle_metrics(agents, answer_within);
        }
        match self.model {
            Model::ErlangC => erlang_c_metrics(
                agents,
                self.offered_load,
                self.aht_seconds,
                answer_within,
                inverse_blocking(agents, self.offered_load),
            ),
            Model::ErlangA { patience_seconds } => erlang_a::metrics(
                agents,
                self.offered_load,
                self.aht_seconds,
                patience_seconds,
                answer_within,
            ),
        }
    }

    /// No calls: nobody waits, nobody abandons, agents are idle (the limits as the
    /// load goes to zero).
    fn idle_metrics(&self, agents: u32, answer_within: Option<f64>) -> Metrics {
        let erlang_a = matches!(self.model, Model::ErlangA { .. });
        Metrics {
            agents,
            p_wait: 0.0,
            service_level: answer_within.map(|_| 1.0),
            service_level_answered: answer_within.filter(|_| erlang_a).map(|_| 1.0),
            asa_seconds: Some(0.0),
            occupancy: 0.0,
            abandon_rate: erlang_a.then_some(0.0),
            stable: true,
        }
    }
}

fn check_aht(aht_seconds: f64) -> Result<()> {
    if !aht_seconds.is_finite() || aht_seconds <= 0.0 {
        return Err(Error::input(format!(
            "average handle time must be positive, found {aht_seconds} s"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
