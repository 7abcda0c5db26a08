//! What `wfm plan --strict` fails on (`[strict]`), judged on the plan's summary.
//!
//! `--strict` fails (exit code 1, the plan still written) when the shortfall is above
//! `[strict] max_shortfall_hours` (default 1% of the required agent-hours), when some
//! interval's targets cannot be met at any staffing, or, with
//! `fail_if_day_below_target = true`, when a queue's day is below its service-level
//! target: by the simulation when the plan simulated its roster (the whole 95% interval
//! below the target, so that the noise of the replications fails nothing), else by the
//! projection.

use super::config::StrictConfig;
use super::summary::Summary;

/// Queue-days below target named in the `--strict` message (all are in `summary.json`).
const DAYS_NAMED: usize = 3;

/// Why `--strict` fails the plan of `summary` under `strict`; empty when it passes.
pub fn strict_failures(summary: &Summary, strict: &StrictConfig) -> Vec<String> {
    let totals = &summary.totals;
    let mut failures = Vec::new();
    let limit = strict.max_shortfall.hours(totals.required_agent_hours);
    if totals.shortfall_agent_hours > limit + 1e-9 {
        failures.push(format!(
            "the plan leaves {} intervals short ({} agent-hours), more than [strict] max_shortfall_hours = {}",
            totals.short_intervals,
            totals.shortfall_agent_hours,
            strict.max_shortfall.describe(totals.required_agent_hours)
        ));
    }
    if totals.unmet_target_intervals > 0 {
        failures.push(format!(
            "{} intervals have targets no staffing meets",
            totals.unmet_target_intervals
        ));
    }
    if summary.solver.time_limit_hit {
        failures.push(format!(
            "a wall-clock time limit stopped {} before its deterministic limits, so the plan depends on the machine's speed; raise [solver] time_limit or roster_time_limit",
            summary.solver.time_limit_phases.join(", ")
        ));
    }
    if strict.fail_if_day_below_target {
        let days = days_below_target(summary);
        if !days.is_empty() {
            let more = match days.len().saturating_sub(DAYS_NAMED) {
                0 => String::new(),
                n => format!("; {n} more in summary.json"),
            };
            failures.push(format!(
                "{} queue-days are below their service-level target ([strict] fail_if_day_below_target): {}{more}",
                days.len(),
                days[..days.len().min(DAYS_NAMED)].join("; ")
            ));
        }
    }
    failures
}

/// The queue-days below target, each described: by the simulation when the queue
/// was simulated (its 95% interval wholly below the target), else by the projection.
pub fn days_below_target(summary: &Summary) -> Vec<String> {
    let percent = |share: f64| format!("{:.1}%", share * 100.0);
    let mut below = Vec::new();
    for queue in &summary.service_level {
        let Some(target) = queue.target else {
            continue;
        };
        for day in &queue.days {
            let described = match (&queue.simulated, day.simulated, day.projected) {
                (Some(_), Some(s), _) if s.high < target => Some(format!(
                    "simulated {} (95% interval {}-{})",
                    percent(s.mean),
                    percent(s.low),
                    percent(s.high)
                )),
                (None, _, Some(p)) if p < target => Some(format!("projected {}", percent(p))),
                _ => None,
            };
            if let Some(described) = described {
                below.push(format!(
                    "{} {} {described} against {}",
                    queue.queue,
                    day.date,
                    percent(target)
                ));
            }
        }
    }
    below
}
