//! `wfm ingest`.

/// Arguments of `wfm ingest`.
#[derive(Debug, clap::Args)]
pub struct IngestArgs {}

/// Runs `wfm ingest`.
pub fn run(_args: IngestArgs, _quiet: bool) -> anyhow::Result<()> {
    anyhow::bail!("wfm ingest is being built")
}
