//! `wfm backtest`: rolling-origin scores of the forecasting methods per queue.

use std::path::PathBuf;

use anyhow::Context;

use crate::cli::forecast::{parse_level, read_calendar, read_histories};
use crate::cli::print_stdout;
use crate::error::Error;
use crate::forecast::backtest::{
    backtest_queues, backtest_rows, render_table, BacktestOptions, BACKTEST_COLUMNS,
};
use crate::forecast::hours::OpeningHours;
use crate::forecast::{select_queues, ForecastOptions, Method, METHOD_NAMES};
use crate::output::write_csv_atomic;

/// Arguments of `wfm backtest`.
#[derive(Debug, clap::Args)]
pub struct BacktestArgs {
    /// History: the canonical interval table, CSV or Parquet (or any interval export
    /// `wfm ingest` reads).
    #[arg(long)]
    pub history: PathBuf,
    /// Days forecast from each origin.
    #[arg(long, default_value_t = 28)]
    pub horizon: usize,
    /// Number of forecast origins, stepping back from the end of the history.
    #[arg(long, default_value_t = 8)]
    pub origins: usize,
    /// Days between origins (default: the horizon, so each day is scored once).
    #[arg(long)]
    pub step: Option<usize>,
    /// Methods to score, comma-separated (default: every method and auto).
    #[arg(long, value_delimiter = ',')]
    pub methods: Vec<String>,
    /// Calendar CSV (date,kind,name,uplift) of closed days, holidays and events.
    #[arg(long)]
    pub calendar: Option<PathBuf>,
    /// Opening hours, e.g. "Mon-Fri 08:00-20:00,Sat 09:00-17:00".
    #[arg(long)]
    pub open: Option<String>,
    /// The site's IANA time zone (as given to `wfm ingest`).
    #[arg(long, default_value = "UTC")]
    pub tz: String,
    /// Central prediction interval level whose coverage is scored.
    #[arg(long, default_value = "80%")]
    pub level: String,
    /// Only these queues (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub queue: Vec<String>,
    /// Also write the scores as CSV.
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
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
            .iter()
            .map(|name| Method::parse(name))
            .collect::<crate::Result<Vec<_>>>()?
    };
    if args.horizon == 0 || args.origins == 0 || args.step == Some(0) {
        return Err(Error::input("--horizon, --origins and --step must be at least 1").into());
    }
    let level = parse_level(&args.level)?;
    let options = BacktestOptions {
        horizon: args.horizon,
        origins: args.origins,
        step: args.step.unwrap_or(args.horizon),
        methods,
        forecast: ForecastOptions {
            level,
            calendar: read_calendar(args.calendar.as_deref())?,
            hours: args.open.as_deref().map(OpeningHours::parse).transpose()?,
            ..ForecastOptions::default()
        },
    };
    let histories = select_queues(read_histories(&args.history, &args.tz)?, &args.queue)?;
    let rows = backtest_queues(&histories, &options)?;
    print_stdout(&format!("{}\n", render_table(&rows, level)))?;
    if let Some(output) = &args.output {
        write_csv_atomic(output, &BACKTEST_COLUMNS, backtest_rows(&rows))
            .with_context(|| format!("writing {}", output.display()))?;
    }
    Ok(())
}
