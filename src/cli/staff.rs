//! `wfm staff`: required agents for every interval of a forecast.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::forecast::file::read_forecast;
use crate::output::check_distinct;
use crate::staff::forecast::{staff_forecast, staff_rows};
use crate::staff::{QueueTargets, TargetsFile};
use crate::summary::{to_json_text, StaffJson};

use super::edge::print_stdout;
use super::targets::TargetArgs;
use super::values;

/// Arguments of `wfm staff`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
wfm staff --forecast forecast.csv --targets targets.toml -o requirements.csv\n  \
wfm staff --forecast forecast.csv --sl 80/20 --max-occupancy 85% --shrinkage 30% -o requirements.csv\n\n\
The forecast needs the columns queue, interval_start (RFC 3339), calls and aht_seconds; \
other columns are ignored. Flags override the values of targets.toml for every queue.")]
pub struct StaffArgs {
    /// Forecast CSV: queue, interval_start, calls, aht_seconds.
    #[arg(long, value_name = "FILE")]
    pub forecast: PathBuf,
    /// Targets per queue (see docs/formats.md, "targets.toml").
    #[arg(long, value_name = "FILE")]
    pub targets: Option<PathBuf>,
    #[command(flatten)]
    pub flags: TargetArgs,
    /// Staffing floor for every interval, including zero-call ones.
    #[arg(long, value_name = "N")]
    pub min_agents: Option<u32>,
    /// Length of each forecast interval.
    #[arg(long, default_value = "30m", value_parser = values::interval_minutes)]
    pub interval: u32,
    /// Requirements CSV to write (`-`, the default, is standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE", default_value = "-")]
    pub output: PathBuf,
    /// Exit with code 1 when some interval cannot meet its targets (the file is still written).
    #[arg(long)]
    pub strict: bool,
    /// Print the summary as one JSON object on standard output instead of the lines
    /// on stderr; with the default `-o -`, the requirements are then not written.
    #[arg(long)]
    pub json: bool,
}

/// Runs `wfm staff`.
pub fn run(args: StaffArgs, quiet: bool) -> anyhow::Result<()> {
    let inputs: Vec<&Path> = [Some(args.forecast.as_path()), args.targets.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    check_distinct(&inputs, &[&args.output])?;
    let interval_minutes = args.interval;
    let mut flags = args.flags.to_service_targets();
    flags.min_agents = args.min_agents;
    let targets = queue_targets(args.targets.as_ref(), &flags)?;
    let interval_seconds = f64::from(interval_minutes) * 60.0;
    let summary = if args.json && args.output == Path::new("-") {
        staff_rows(
            &read_forecast(&args.forecast)?,
            &args.forecast,
            &targets,
            interval_seconds,
        )?
        .1
    } else {
        staff_forecast(&args.forecast, &args.output, &targets, interval_seconds)?
    };
    if args.json {
        print_stdout(&to_json_text(&StaffJson::new(&summary))?)?;
    } else if !quiet {
        eprintln!(
            "staffed {} intervals -> {}",
            summary.intervals,
            args.output.display()
        );
    }
    if summary.unmet_intervals > 0 {
        let message = format!(
            "{} of {} intervals cannot meet their targets; their rows show the search limit \
             (2 x offered load + 1000 agents). First ones:\n  {}",
            summary.unmet_intervals,
            summary.intervals,
            summary.unmet_examples.join("\n  ")
        );
        if args.strict {
            return Err(Error::Shortfall(message).into());
        }
        if !quiet && !args.json {
            eprintln!("warning: {message}");
        }
    }
    Ok(())
}

fn queue_targets(
    file: Option<&PathBuf>,
    flags: &crate::staff::ServiceTargets,
) -> Result<QueueTargets> {
    match file {
        Some(path) => QueueTargets::new(
            &TargetsFile::read(path)?,
            flags,
            &path.display().to_string(),
        ),
        None => {
            let targets = QueueTargets::uniform(flags)?;
            if !targets.has_any() {
                return Err(Error::input(
                    "no staffing target: give --targets FILE or at least one of --sl, --asa, \
                     --max-occupancy, --max-abandon",
                ));
            }
            Ok(targets)
        }
    }
}
