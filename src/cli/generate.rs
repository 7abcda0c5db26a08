//! `wfm generate`: writes the deterministic synthetic sample (see `docs/sample-data.md`).

use std::path::PathBuf;

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::generate::{
    self as wfm_generate, GenerateOptions, DEFAULT_DAYS, DEFAULT_SEED, DEFAULT_START,
    DEFAULT_TIME_ZONE,
};

use super::values;

/// Arguments of `wfm generate`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
wfm generate --out-dir data/sample\n  \
wfm generate --seed 11 --start 2025-01-01 --days 365 --tz America/New_York --out-dir /tmp/sample")]
pub struct GenerateArgs {
    /// Random seed; the same seed and options give byte-identical files.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// First day of the history (YYYY-MM-DD, local date at the site).
    #[arg(long, default_value = DEFAULT_START, value_parser = wfm_generate::parse_start_date)]
    pub start: NaiveDate,
    /// Days of history to generate (1 to 3660).
    #[arg(long, default_value_t = DEFAULT_DAYS)]
    pub days: u32,
    /// IANA time zone of the site; half-hours are local to it.
    #[arg(long, default_value = DEFAULT_TIME_ZONE, value_parser = values::time_zone)]
    pub tz: Tz,
    /// Directory for history.csv and calendar.csv (created if missing).
    #[arg(long, default_value = "data/sample")]
    pub out_dir: PathBuf,
}

/// Runs `wfm generate`.
pub fn run(args: GenerateArgs, quiet: bool) -> anyhow::Result<()> {
    let options = GenerateOptions::new(args.seed, args.start, args.days, args.tz)?;
    let data = wfm_generate::generate(&options);
    wfm_generate::write_sample(&args.out_dir, &data)?;
    if !quiet {
        eprintln!(
            "wrote {} ({} interval rows, {} to {}) and {} ({} calendar rows)",
            args.out_dir.join("history.csv").display(),
            data.history.len(),
            options.start,
            options.last_day(),
            args.out_dir.join("calendar.csv").display(),
            data.calendar.len(),
        );
    }
    Ok(())
}
