//! `wfm generate`.

/// Arguments of `wfm generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {}

/// Runs `wfm generate`.
pub fn run(_args: GenerateArgs, _quiet: bool) -> anyhow::Result<()> {
    anyhow::bail!("wfm generate is being built")
}
