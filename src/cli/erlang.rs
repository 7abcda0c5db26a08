//! `wfm erlang`: the staffing calculator for the prompt.

use serde_json::{json, Map, Value};

use crate::erlang::{erlang_b, lines_for_blocking, Metrics, Model, Queue};
use crate::error::Error;
use crate::staff::{evaluate_agents, required_agents, search_limit, Requirement, Targets};
use crate::units::format_number;

use super::edge::print_stdout;
use super::targets::TargetArgs;
use super::values::{self, Duration};

/// What `--lines` assumes, printed with its answer.
const LINES_ASSUMPTION: &str = "Erlang B: Poisson arrivals, each call holds a line for the \
AHT given (include time queued on the line if callers wait; after-call work holds no line), \
blocked calls are lost, not retried";

/// Arguments of `wfm erlang`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
wfm erlang --calls 100 --interval 30m --aht 180s --sl 80/20 --shrinkage 30%\n  \
wfm erlang --calls 100 --aht 3m --sl 80/20 --agents 12\n  \
wfm erlang --calls 100 --aht 3m --sl 80/20 --model erlang-a --patience 120s --max-abandon 5%\n  \
wfm erlang --calls 100 --aht 3m --lines --blocking 1%")]
pub struct ErlangArgs {
    /// Calls offered in the interval.
    #[arg(long, allow_negative_numbers = true)]
    pub calls: f64,
    /// Length of the interval the calls arrive in, e.g. 30m or 1h.
    #[arg(
        long,
        default_value = "30m",
        allow_hyphen_values = true,
        value_parser = values::interval_length
    )]
    pub interval: Duration,
    /// Average handle time (talk + hold + after-call work), e.g. 180s or 3m.
    #[arg(long, allow_hyphen_values = true, value_parser = values::duration)]
    pub aht: Duration,
    #[command(flatten)]
    pub targets: TargetArgs,
    /// Report the metrics for this many agents instead of sizing.
    #[arg(long, conflicts_with = "lines")]
    pub agents: Option<u32>,
    /// Size trunk lines for a blocking target instead of agents (Erlang B).
    #[arg(long, requires = "blocking", conflicts_with_all = ["sl", "asa", "max_occupancy", "shrinkage", "model", "patience", "max_abandon"])]
    pub lines: bool,
    /// With --lines: the share of calls allowed to get a busy signal, e.g. 1%.
    #[arg(
        long,
        requires = "lines",
        value_name = "SHARE",
        allow_hyphen_values = true,
        value_parser = values::blocking
    )]
    pub blocking: Option<f64>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `wfm erlang`.
pub fn run(args: ErlangArgs, _quiet: bool) -> anyhow::Result<()> {
    let interval_seconds = args.interval.seconds;
    let aht_seconds = args.aht.seconds;
    if args.lines {
        return run_lines(&args, interval_seconds, aht_seconds);
    }
    let targets = args.targets.to_service_targets().resolve()?;
    let queue = Queue::new(targets.model, args.calls, interval_seconds, aht_seconds)?;
    let requirement = match args.agents {
        Some(agents) => evaluate_agents(&queue, &targets, agents),
        None if !targets.has_any() => {
            return Err(Error::input(
                "no staffing target: give --sl, --asa, --max-occupancy or --max-abandon \
                 (or --agents N to see what N agents achieve)",
            )
            .into())
        }
        None => required_agents(&queue, &targets),
    };
    let sized = args.agents.is_none();
    let text = if args.json {
        format!("{}\n", agents_json(&queue, &targets, &requirement))
    } else {
        agents_table(&args, &queue, &targets, &requirement, sized)
    };
    Ok(print_stdout(&text)?)
}

fn run_lines(args: &ErlangArgs, interval_seconds: f64, aht_seconds: f64) -> anyhow::Result<()> {
    let blocking = args
        .blocking
        .expect("clap requires --blocking with --lines");
    let queue = Queue::new(Model::ErlangC, args.calls, interval_seconds, aht_seconds)?;
    let load = queue.offered_load();
    let lines = lines_for_blocking(load, blocking);
    let achieved = erlang_b(lines, load);
    let text = if args.json {
        let value = json!({
            "offered_load_erlangs": load,
            "lines": lines,
            "blocking": achieved,
            "blocking_target": blocking,
            "assumption": LINES_ASSUMPTION,
        });
        format!("{value}\n")
    } else {
        format!(
            "Erlang B trunk sizing: {} calls in {}, holding {} s each = {} Erlangs\n\
             \x20 lines       {lines}\n\
             \x20 blocking    {} (target {})\n\
             Assumes {LINES_ASSUMPTION}.\n",
            format_number(args.calls, 2),
            args.interval,
            format_number(aht_seconds, 2),
            format_number(load, 3),
            percent(achieved),
            percent(blocking)
        )
    };
    Ok(print_stdout(&text)?)
}

/// The JSON object: agents, scheduled_staff, service_level, asa_seconds, occupancy,
/// p_wait, and for Erlang A abandon_rate and service_level_answered.
fn agents_json(queue: &Queue, targets: &Targets, requirement: &Requirement) -> Value {
    let metrics = &requirement.metrics;
    let mut object = Map::new();
    object.insert("model".into(), json!(queue.model().name()));
    if let Model::ErlangA { patience_seconds } = queue.model() {
        object.insert("patience_seconds".into(), json!(patience_seconds));
    }
    object.insert("offered_load_erlangs".into(), json!(queue.offered_load()));
    object.insert("answer_within_seconds".into(), json!(targets.answer_within));
    object.insert("agents".into(), json!(requirement.agents));
    object.insert("scheduled_staff".into(), json!(requirement.scheduled_staff));
    object.insert("shrinkage".into(), json!(targets.shrinkage));
    object.insert("service_level".into(), json!(metrics.service_level));
    if metrics.abandon_rate.is_some() {
        object.insert(
            "service_level_answered".into(),
            json!(metrics.service_level_answered),
        );
    }
    object.insert("asa_seconds".into(), json!(metrics.asa_seconds));
    object.insert("occupancy".into(), json!(metrics.occupancy));
    object.insert("p_wait".into(), json!(metrics.p_wait));
    if let Some(abandon) = metrics.abandon_rate {
        object.insert("abandon_rate".into(), json!(abandon));
    }
    object.insert("targets_met".into(), json!(requirement.unmet.is_empty()));
    let unmet: Vec<String> = requirement.unmet.iter().map(|u| u.to_string()).collect();
    object.insert("unmet".into(), json!(unmet));
    Value::Object(object)
}

fn agents_table(
    args: &ErlangArgs,
    queue: &Queue,
    targets: &Targets,
    requirement: &Requirement,
    sized: bool,
) -> String {
    let metrics: &Metrics = &requirement.metrics;
    let erlang_a = matches!(queue.model(), Model::ErlangA { .. });
    let mut out = String::new();
    let model = match queue.model() {
        Model::ErlangC => "Erlang C (M/M/N, callers wait until answered)".to_string(),
        Model::ErlangA { patience_seconds } => format!(
            "Erlang A (M/M/N+M, mean patience {} s)",
            format_number(patience_seconds, 2)
        ),
    };
    out += &format!("{model}\n");
    out += &format!(
        "Load: {} calls in {}, AHT {} s = {} Erlangs offered\n",
        format_number(args.calls, 2),
        args.interval,
        format_number(queue.aht_seconds(), 2),
        format_number(queue.offered_load(), 3)
    );
    out += &format!("Targets: {targets}\n\n");
    let row = |label: &str, value: String, note: &str| {
        if note.is_empty() {
            format!("  {label:<17} {value}\n")
        } else {
            format!("  {label:<17} {value:<10} {note}\n")
        }
    };
    let agents_note = if sized { "required" } else { "given" };
    out += &row("agents", requirement.agents.to_string(), agents_note);
    out += &row(
        "scheduled staff",
        requirement.scheduled_staff.to_string(),
        &format!(
            "agents / (1 - {} shrinkage), rounded up",
            percent(targets.shrinkage)
        ),
    );
    if let (Some(level), Some(t)) = (metrics.service_level, targets.answer_within) {
        let within = format_number(t, 2);
        let note = if erlang_a {
            format!("of offered calls answered within {within} s (abandons count as missed)")
        } else {
            format!("of calls answered within {within} s")
        };
        out += &row("service level", percent(level), &note);
        if let Some(answered) = metrics.service_level_answered {
            out += &row(
                "",
                percent(answered),
                &format!("of answered calls answered within {within} s"),
            );
        }
    }
    let asa = match metrics.asa_seconds {
        Some(asa) => format!("{} s", format_number(asa, 2)),
        None if !metrics.stable => "unbounded".to_string(),
        None => "n/a".to_string(),
    };
    let asa_note = match (erlang_a, metrics.stable) {
        (true, _) => "mean wait of answered calls",
        (false, true) => "",
        (false, false) => "agents <= offered load: the queue grows without limit",
    };
    out += &row("ASA", asa, asa_note);
    out += &row("occupancy", percent(metrics.occupancy), "");
    out += &row("P(wait)", percent(metrics.p_wait), "");
    if let Some(abandon) = metrics.abandon_rate {
        out += &row("abandon rate", percent(abandon), "");
    }
    if !requirement.unmet.is_empty() {
        let unmet: Vec<String> = requirement.unmet.iter().map(|u| u.to_string()).collect();
        if sized {
            out += &format!(
                "\nNOT MET: no agent count up to {} meets every target; showing {}: {}\n",
                search_limit(queue.offered_load()),
                requirement.agents,
                unmet.join(", ")
            );
        } else {
            out += &format!(
                "\nNOT MET at {} agents: {}\n",
                requirement.agents,
                unmet.join(", ")
            );
        }
    }
    out
}

fn percent(share: f64) -> String {
    format!("{}%", format_number(share * 100.0, 2))
}
