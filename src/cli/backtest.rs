//! `wfm backtest`: rolling-origin scores of the forecasting methods per queue.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::args::{HistoryArgs, LIST_DELIMITER};
use crate::cli::edge::print_stdout;
use crate::cli::forecast::read_calendar;
use crate::cli::values;
use crate::error::Error;
use crate::forecast::backtest::{
    backtest_queues, backtest_rows, render_table, BacktestOptions, BACKTEST_COLUMNS,
};
use crate::forecast::hours::OpeningHours;
use crate::forecast::{select_queues, ForecastOptions, Method, METHOD_NAMES};
use crate::output::{check_distinct, write_csv_atomic};
use crate::summary::{to_json_text, BacktestJson};

/// Arguments of `wfm backtest`. (`display_order`: see [`super::args`].)
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
wfm backtest --history history.csv --tz Europe/London --horizon 28 --origins 8\n  \
wfm backtest --history history.csv --tz Europe/London --calendar calendar.csv --methods seasonal-naive,holt-winters -o scores.csv\n  \
wfm backtest --history history.csv --tz Europe/London --json")]
pub struct BacktestArgs {
    #[command(flatten)]
    pub history: HistoryArgs,
    /// Days forecast from each origin.
    #[arg(long, default_value_t = 28, display_order = 1)]
    pub horizon: usize,
    /// Number of forecast origins, stepping back from the end of the history.
    #[arg(long, default_value_t = 8, display_order = 2)]
    pub origins: usize,
    /// Days between origins (default: the horizon, so each day is scored once).
    #[arg(long, display_order = 3)]
    pub step: Option<usize>,
    /// Methods to score, comma-separated (default: every method and auto).
    #[arg(long, value_delimiter = LIST_DELIMITER, value_parser = values::method, display_order = 4)]
    pub methods: Vec<Method>,
    /// Opening hours, e.g. "Mon-Fri 08:00-20:00,Sat 09:00-17:00".
    #[arg(long, value_parser = values::opening_hours, display_order = 5)]
    pub open: Option<OpeningHours>,
    /// Central prediction interval level whose coverage is scored.
    #[arg(long, default_value = "80%", value_parser = values::level, display_order = 7)]
    pub level: f64,
    /// Also write the scores as CSV.
    #[arg(short = 'o', long = "output", display_order = 9)]
    pub output: Option<PathBuf>,
    /// Print the scores as one JSON object on standard output instead of the table.
    #[arg(long, display_order = 10)]
    pub json: bool,
}

/// Runs `wfm backtest`.
pub fn run(args: BacktestArgs, _quiet: bool) -> anyhow::Result<()> {
    let methods = if args.methods.is_empty() {
        METHOD_NAMES
            .iter()
            .map(|name| Method::parse(name))
            .chain([Ok(Method::Auto)])
            .collect::<crate::Result<Vec<_>>>()?
    } else {
        args.methods
    };
    if args.horizon == 0 || args.origins == 0 || args.step == Some(0) {
        return Err(Error::input("--horizon, --origins and --step must be at least 1").into());
    }
    if args.step.is_some() && args.origins == 1 {
        return Err(Error::input(
            "--step has no effect with --origins 1 (it is the distance between origins); drop it or score more origins",
        )
        .into());
    }
    let level = args.level;
    let history = &args.history;
    let inputs: Vec<&Path> = [Some(history.history.as_path()), history.calendar.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    check_distinct(
        &inputs,
        &args.output.as_deref().into_iter().collect::<Vec<_>>(),
    )?;
    let options = BacktestOptions {
        horizon: args.horizon,
        origins: args.origins,
        step: args.step.unwrap_or(args.horizon),
        methods,
        forecast: ForecastOptions {
            level,
            calendar: read_calendar(history.calendar.as_deref())?,
            hours: args.open,
            ..ForecastOptions::default()
        },
    };
    let histories = select_queues(history.read()?, &history.queue)?;
    let rows = backtest_queues(&histories, &options)?;
    if args.json {
        print_stdout(&to_json_text(&BacktestJson::new(&rows, level))?)?;
    } else {
        print_stdout(&format!("{}\n", render_table(&rows, level)))?;
    }
    if let Some(output) = &args.output {
        write_csv_atomic(output, &BACKTEST_COLUMNS, backtest_rows(&rows))
            .with_context(|| format!("writing {}", output.display()))?;
    }
    Ok(())
}
