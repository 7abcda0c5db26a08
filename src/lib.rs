//! wfm: contact-center workforce management as a library. The `wfm` binary is a thin
//! command-line layer (`cli`) over these modules, one per planning stage; they exchange
//! plain typed data (interval series, requirement tables), not files.

pub mod capacity;
pub mod cli;
mod csv_rows;
pub mod erlang;
pub mod error;
pub mod forecast;
pub mod generate;
pub mod ingest;
pub mod input;
pub mod interval;
pub mod limits;
pub mod mip;
pub mod output;
pub mod plan;
pub mod publish;
pub mod roster;
pub mod schedule;
pub mod simulate;
pub mod staff;
pub mod summary;
pub mod table;
pub mod units;
pub mod zone;

pub use error::{Error, Result};
