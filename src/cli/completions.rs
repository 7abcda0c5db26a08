//! `wfm completions SHELL` and `wfm man`: what a packager or a user installs beside the
//! binary, generated from the same argument definitions as `--help`, so they never
//! drift from the real flags.

use clap::CommandFactory;

use super::edge::print_stdout;
use super::Cli;

/// Arguments of `wfm completions`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
wfm completions bash > ~/.local/share/bash-completion/completions/wfm\n  \
wfm completions zsh > \"${fpath[1]}/_wfm\"\n  \
wfm completions fish > ~/.config/fish/completions/wfm.fish")]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Prints the completion script for `args.shell`.
pub fn run_completions(args: CompletionsArgs) -> anyhow::Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "wfm", &mut script);
    print_stdout(&String::from_utf8(script)?)?;
    Ok(())
}

/// Prints the manual page (roff) of `wfm`: synopsis, options, and the subcommands
/// with their one-line descriptions (`wfm help COMMAND` has each one's flags).
pub fn run_man() -> anyhow::Result<()> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    print_stdout(&String::from_utf8(page)?)?;
    Ok(())
}
