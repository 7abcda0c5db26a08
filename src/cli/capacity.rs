//! `wfm capacity`: weekly FTE requirement, headcount projection and hiring plan from
//! one `plan.toml`, with what-if scenarios.

use std::path::PathBuf;

use crate::capacity::config::{
    check_names, parse_aht_change, parse_shrinkage, parse_sl, parse_volume_change, AhtChange,
    Scenario,
};
use crate::capacity::outputs::{summary, write_all, CapacitySummary, REPORT_FILE};
use crate::capacity::{read_settings, Capacity};
use crate::error::Error;
use crate::plan::PlanConfig;
use crate::summary::to_json_text;

use super::edge::print_stdout;

/// Name of the default output directory, beside the config file.
pub const DEFAULT_OUT_DIR: &str = "capacity-out";

/// Name of the scenario the what-if flags make.
pub const FLAGS_SCENARIO: &str = "what-if";

/// Arguments of `wfm capacity`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
wfm capacity --config data/sample/plan.toml --out out/capacity\n  \
wfm capacity --config data/sample/plan.toml --weeks 26 --volume +10% --aht +15s\n  \
wfm capacity --config data/sample/plan.toml --sl 90/30 --shrinkage 35% --json\n\n\
Writes capacity.csv (the baseline plan per week: required FTE, projected productive \
FTE, gap, hires starting, attrition), scenarios.csv (the baseline, every [[scenario]] \
of the config and the what-if flags side by side), forecast.csv (weekly calls and \
required FTE per queue), summary.json and report.html. Settings: [capacity] and \
[[scenario]] of plan.toml (see docs/formats.md).\n\n\
Exit codes: 0 ok; 2 bad input (nothing written); 3 solver failure; 4 output not writable.")]
pub struct CapacityArgs {
    /// The plan configuration (TOML, see docs/formats.md, \"[capacity]\").
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// Weeks to plan (default 52, or `[capacity] weeks`).
    #[arg(long, value_name = "N")]
    pub weeks: Option<u32>,
    /// Output directory; default capacity-out/ beside the config.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// What-if: volume change for every queue, e.g. +10% or -5%.
    #[arg(long, value_name = "CHANGE", allow_hyphen_values = true, value_parser = parse_volume_change)]
    pub volume: Option<f64>,
    /// What-if: handle time change, e.g. +15s, -10s or +5%.
    #[arg(long, value_name = "CHANGE", allow_hyphen_values = true, value_parser = parse_aht_change)]
    pub aht: Option<AhtChange>,
    /// What-if: service level X/T for every queue, e.g. 90/30.
    #[arg(long, value_name = "X/T", value_parser = parse_sl)]
    pub sl: Option<(f64, f64)>,
    /// What-if: shrinkage for every queue, e.g. 35%.
    #[arg(long, value_name = "SHARE", allow_hyphen_values = true, value_parser = parse_shrinkage)]
    pub shrinkage: Option<f64>,
    /// Print the summary as one JSON object on standard output (the files are still
    /// written).
    #[arg(long)]
    pub json: bool,
}

impl CapacityArgs {
    /// The scenario of the what-if flags, if any flag is given.
    fn flags_scenario(&self) -> Option<Scenario> {
        let any = self.volume.is_some()
            || self.aht.is_some()
            || self.sl.is_some()
            || self.shrinkage.is_some();
        any.then(|| Scenario {
            name: FLAGS_SCENARIO.into(),
            volume: self.volume.unwrap_or(1.0),
            aht: self.aht,
            sl: self.sl,
            shrinkage: self.shrinkage,
            attrition: None,
            from: None,
        })
    }
}

/// Runs `wfm capacity`.
pub fn run(args: CapacityArgs, quiet: bool) -> anyhow::Result<()> {
    let config = PlanConfig::from_file(&args.config)?;
    let (settings, mut scenarios) = read_settings(&args.config)?;
    if let Some(scenario) = args.flags_scenario() {
        scenarios.push(scenario);
        check_names(&scenarios)
            .map_err(|e| Error::input(format!("{}: {e}", args.config.display())))?;
    }
    let capacity = Capacity::from_config(&config, settings, args.weeks)?;
    let plans = capacity.plan_all(&scenarios)?;
    let summary = summary(&capacity, &plans);
    let out = args.out.clone().unwrap_or_else(|| {
        match args.config.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        }
        .join(DEFAULT_OUT_DIR)
    });
    let html = crate::capacity::report::html(&capacity, &plans, &summary)?;
    write_all(&out, &capacity, &plans, &summary, &html)?;
    if args.json {
        print_stdout(&to_json_text(&summary)?)?;
    } else if !quiet {
        eprintln!("{}", render(&summary, &out));
    }
    Ok(())
}

/// The lines a planner reads on stderr.
fn render(summary: &CapacitySummary, out: &std::path::Path) -> String {
    let mut lines = vec![format!(
        "capacity plan: {} weeks from {}, {:.1} FTE today ({} paid hours a week each)",
        summary.weeks, summary.first_week, summary.current_fte, summary.fte_hours
    )];
    let width = summary
        .scenarios
        .iter()
        .map(|row| row.scenario.chars().count())
        .max()
        .unwrap_or(0);
    for row in &summary.scenarios {
        lines.push(format!(
            "  {:<width$}  required {:>6.1} FTE on average (peak {:.1}); hires {:>3} in {} class(es); cost {:.0} ({:+.0})",
            row.scenario,
            row.mean_required_fte,
            row.peak_required_fte,
            row.hires,
            row.classes,
            row.total_cost,
            row.cost_vs_baseline
        ));
    }
    for class in &summary.classes {
        lines.push(format!(
            "  class of {} starts {} (recruit from {})",
            class.size, class.starts, class.recruit_from
        ));
    }
    lines.push(format!("report: {}", out.join(REPORT_FILE).display()));
    lines.join("\n")
}
