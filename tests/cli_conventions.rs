//! Conventions every subcommand shares: exit codes, stdout pipes, `--queue`, argument
//! values rejected by the parser.

use std::path::Path;
use std::process::{Command, Stdio};

use assert_cmd::Command as AssertCommand;
use predicates::str::contains;

fn wfm() -> AssertCommand {
    // The site's zone for commands run without --tz (there is no default zone).
    let mut command = AssertCommand::cargo_bin("wfm").unwrap();
    command.env("WFM_TZ", "UTC");
    command
}

/// `wfm erlang ... | head -0`: the reader is gone before wfm writes; wfm ends quietly
/// with 0 instead of panicking on the broken pipe.
#[test]
fn a_closed_stdout_pipe_ends_quietly_with_0() {
    for extra in [&[][..], &["--json"][..]] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = Command::new(env!("CARGO_BIN_EXE_wfm"))
            .args(["erlang", "--calls", "100", "--aht", "3m", "--sl", "80/20"])
            .args(extra)
            .stdout(Stdio::from(writer))
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    }
}

/// A full stdout (not a closed pipe) is still an output error, exit 4.
#[test]
fn a_full_stdout_is_an_output_error() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    let output = Command::new(env!("CARGO_BIN_EXE_wfm"))
        .args(["erlang", "--calls", "100", "--aht", "3m", "--sl", "80/20"])
        .stdout(Stdio::from(full))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("error: stdout: "));
}

/// clap's own consistency checks over every subcommand (ids, groups, `requires`,
/// defaults that parse).
#[test]
fn the_command_line_definition_is_consistent() {
    use clap::CommandFactory;
    wfm::cli::Cli::command().debug_assert();
}

fn parse(args: &[&str]) -> wfm::cli::Command {
    use clap::Parser;
    let mut line = vec!["wfm"];
    line.extend_from_slice(args);
    wfm::cli::Cli::try_parse_from(line).unwrap().command
}

/// `--queue` is repeatable and takes commas, the same in every subcommand that has it.
#[test]
fn queues_repeat_or_take_commas_everywhere() {
    use wfm::cli::Command;
    let queues = |args: &[&str]| -> Vec<String> {
        match parse(args) {
            Command::Forecast(forecast) => forecast.history.queue,
            Command::Backtest(backtest) => backtest.history.queue,
            Command::Schedule(schedule) => schedule.queues,
            other => panic!("{other:?}"),
        }
    };
    let forecast = ["forecast", "--history", "h.csv", "--start", "2026-12-01"];
    let forecast = [&forecast[..], &["--days", "7", "-o", "f.csv"]].concat();
    let backtest = vec!["backtest", "--history", "h.csv"];
    let schedule = vec![
        "schedule",
        "--requirements",
        "r.csv",
        "--shifts",
        "s.toml",
        "--start",
        "2026-12-01",
        "--days",
        "7",
        "-o",
        "s.csv",
    ];
    for command in [forecast, backtest, schedule] {
        let expected = vec!["sales".to_string(), "support".to_string(), "billing".into()];
        let repeated = [&command[..], &["--queue", "sales", "--queue", "support"]].concat();
        let repeated = [&repeated[..], &["--queue", "billing"]].concat();
        let commas = [&command[..], &["--queue", "sales,support,billing"]].concat();
        let mixed = [
            &command[..],
            &["--queue", "sales,support", "--queue", "billing"],
        ]
        .concat();
        assert_eq!(queues(&repeated), expected, "{command:?}");
        assert_eq!(queues(&commas), expected, "{command:?}");
        assert_eq!(queues(&mixed), expected, "{command:?}");
        assert!(queues(&command).is_empty());
    }
}

/// A bad value is rejected by the argument parser itself: the flag, the value and the
/// library's reason, exit code 2, before any input is read or output written.
#[test]
fn bad_values_are_rejected_with_the_flag_and_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("shifts.csv");
    let schedule = |extra: &[&str]| {
        let mut command = wfm();
        command
            .args(["schedule", "--requirements", "missing.csv"])
            .args(["--shifts", "missing.toml", "--days", "7", "-o"])
            .arg(&output)
            .args(extra);
        command
    };
    let cases: [(&[&str], &str); 6] = [
        (
            &["--start", "2026-12-01", "--time-limit", "0s"],
            "error: invalid value '0s' for '--time-limit <TIME_LIMIT>': \"0s\" must be positive",
        ),
        (
            &["--start", "2026-12-01", "--time-limit", "soon"],
            "invalid value 'soon' for '--time-limit <TIME_LIMIT>': \"soon\" is not a duration; expected e.g. 20s",
        ),
        (
            &["--start", "1/12/2026"],
            "invalid value '1/12/2026' for '--start <START>': \"1/12/2026\" is not a date; expected YYYY-MM-DD",
        ),
        (
            &["--start", "2026-12-01", "--tz", "Mars/Olympus"],
            "invalid value 'Mars/Olympus' for '--tz <TZ>': unknown time zone \"Mars/Olympus\"",
        ),
        (
            &["--start", "2026-12-01", "--shrinkage", "100%"],
            "invalid value '100%' for '--shrinkage <SHRINKAGE>': shrinkage \"100%\" must be below 100%",
        ),
        (
            &["--start", "2026-12-01", "--mip-gap", "5"],
            "invalid value '5' for '--mip-gap <MIP_GAP>': \"5\" is not a share",
        ),
    ];
    for (extra, message) in cases {
        schedule(extra)
            .assert()
            .code(2)
            .stdout("")
            .stderr(contains(message));
    }
    wfm()
        .args(["staff", "--forecast", "f.csv", "--interval", "7m", "-o"])
        .arg(&output)
        .assert()
        .code(2)
        .stderr(contains(
            "invalid value '7m' for '--interval <INTERVAL>': \"7m\" is not an interval length",
        ));
    wfm()
        .args(["erlang", "--calls", "100", "--aht", "3m", "--sl", "80-20"])
        .assert()
        .code(2)
        .stderr(contains(
            "invalid value '80-20' for '--sl <X/T>': \"80-20\" is not a service-level target",
        ));
    assert!(!output.exists());
}

/// The pipe: `cat export.csv | wfm ingest - | wfm forecast --history - |
/// wfm staff --forecast -`, each step reading standard input and writing standard
/// output by default, gives the bytes the same steps write through files.
#[test]
fn ingest_forecast_and_staff_chain_through_pipes() {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample");
    let history = std::fs::read(format!("{sample}/history.csv")).unwrap();
    let piped = |args: &[&str], input: Vec<u8>| -> Vec<u8> {
        let output = wfm().args(args).write_stdin(input).output().unwrap();
        assert!(output.status.success(), "{args:?}: {output:?}");
        output.stdout
    };
    let zone = ["--tz", "Europe/London"];
    let forecast_args = [
        "forecast",
        "--history",
        "-",
        "--start",
        "2026-12-01",
        "--days",
        "2",
        "--tz",
        "Europe/London",
    ];
    let canonical = piped(&[&["ingest", "-"][..], &zone[..]].concat(), history.clone());
    let forecast = piped(&forecast_args, canonical);
    let requirements = piped(
        &["staff", "--forecast", "-", "--sl", "80/20"],
        forecast.clone(),
    );

    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let history_file = path("history.csv");
    std::fs::write(&history_file, &history).unwrap();
    let mut from_files = forecast_args.to_vec();
    from_files[2] = &history_file;
    let forecast_file = path("forecast.csv");
    from_files.extend(["-o", &forecast_file]);
    wfm().args(&from_files).assert().success();
    assert_eq!(std::fs::read(&forecast_file).unwrap(), forecast);
    let requirements_file = path("requirements.csv");
    wfm()
        .args(["staff", "--sl", "80/20", "--forecast", &forecast_file, "-o"])
        .arg(&requirements_file)
        .assert()
        .success();
    assert_eq!(std::fs::read(&requirements_file).unwrap(), requirements);
    assert!(requirements.starts_with(b"queue,interval_start,calls,aht_seconds,agents"));
}

/// One grammar for durations everywhere: `3min`, `20 sec`, `30 min` read as `180s`,
/// `20s`, `30m`; a bare interval length is refused with the unit it probably meant.
#[test]
fn durations_spelled_any_way_give_the_same_answer() {
    let erlang = |interval: &str, aht: &str| {
        let args = ["erlang", "--calls", "100", "--sl", "80/20", "--json"];
        let output = wfm()
            .args(args)
            .args(["--interval", interval, "--aht", aht])
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        output.stdout
    };
    let reference = erlang("30m", "180s");
    assert_eq!(erlang("30 min", "3min"), reference);
    assert_eq!(erlang("0:30:00", "3:00"), reference);
    assert_eq!(erlang("1800s", "180 sec"), reference);
    for command in [
        &[
            "erlang",
            "--calls",
            "100",
            "--aht",
            "180s",
            "--interval",
            "30",
        ][..],
        &["staff", "--forecast", "f.csv", "--interval", "30"][..],
    ] {
        wfm().args(command).assert().code(2).stderr(contains(
            "\"30\" has no unit; an interval length needs one, e.g. 30m",
        ));
    }
}

/// An output path that names an input (or another output) is refused before anything
/// runs, and the input is left as it was.
#[test]
fn an_output_over_an_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let forecast = dir.path().join("forecast.csv");
    let text = "queue,interval_start,calls,aht_seconds\nsales,2026-12-01T09:00:00Z,10,180\n";
    std::fs::write(&forecast, text).unwrap();
    let forecast = forecast.to_str().unwrap();
    let requirements = dir.path().join("requirements.csv");
    let requirements = requirements.to_str().unwrap();
    let refused = |args: &[&str], message: &str| {
        wfm().args(args).assert().code(2).stderr(contains(message));
        assert_eq!(std::fs::read_to_string(forecast).unwrap(), text);
    };
    let both = "is both an input and an output";
    refused(&["staff", "--forecast", forecast, "-o", forecast], both);
    refused(&["ingest", forecast, "-o", forecast], both);
    refused(
        &[
            "forecast",
            "--history",
            forecast,
            "--start",
            "2026-12-02",
            "--days",
            "1",
            "-o",
            forecast,
        ],
        both,
    );
    let shifts = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample/shifts.toml");
    let schedule = [
        "schedule",
        "--requirements",
        forecast,
        "--shifts",
        shifts,
        "--start",
        "2026-12-01",
        "--days",
        "1",
        "-o",
        requirements,
        "--coverage",
    ];
    refused(
        &[&schedule[..], &[requirements]].concat(),
        "name the same output file",
    );
    refused(&[&schedule[..], &[forecast]].concat(), both);
    assert!(!std::path::Path::new(requirements).exists());
}

/// A command with several outputs writes all or nothing: an unwritable `--coverage`
/// leaves no `shifts.csv` behind.
#[test]
fn a_failed_second_output_leaves_no_first_output() {
    let dir = tempfile::tempdir().unwrap();
    let requirements = dir.path().join("requirements.csv");
    std::fs::write(
        &requirements,
        "queue,interval_start,calls,aht_seconds,agents,scheduled_staff\n\
         sales,2026-12-01T09:00:00Z,10,180,2,3\n",
    )
    .unwrap();
    let shifts = dir.path().join("shifts.csv");
    let coverage = dir.path().join("no/such/dir/coverage.csv");
    wfm()
        .args(["schedule", "--shifts"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/sample/shifts.toml"
        ))
        .args([
            "--start",
            "2026-12-01",
            "--days",
            "1",
            "--tz",
            "UTC",
            "--requirements",
        ])
        .arg(&requirements)
        .arg("-o")
        .arg(&shifts)
        .arg("--coverage")
        .arg(&coverage)
        .assert()
        .code(4)
        .stderr(contains("does not exist"));
    assert!(
        !shifts.exists(),
        "shifts.csv was written although coverage.csv failed"
    );
}

/// Shell completions and the manual page come from the same definitions as `--help`:
/// they name every subcommand and the flags of the nested ones.
#[test]
fn completions_and_manual_page_name_the_real_commands() {
    let stdout = |args: &[&str]| {
        let output = wfm().args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}: {output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = stdout(&["completions", shell]);
        for name in ["plan", "roster", "simulate", "time-limit", "mip-gap"] {
            assert!(script.contains(name), "{shell} completion lacks {name}");
        }
    }
    let bash = stdout(&["completions", "bash"]);
    let checked = Command::new("bash")
        .arg("-n")
        .stdin(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(bash.as_bytes())?;
            child.wait()
        })
        .unwrap();
    assert!(checked.success(), "the bash completion is not valid bash");
    let page = stdout(&["man"]);
    assert!(
        page.starts_with(".ie") && page.contains(".TH wfm 1"),
        "{page}"
    );
    assert!(
        page.contains("SUBCOMMANDS") && page.contains("wfm\\-plan"),
        "{page}"
    );
    wfm().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn version_names_the_commit_and_the_build_profile() {
    let output = wfm().arg("--version").output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let expected_start = format!("wfm {} (commit ", env!("CARGO_PKG_VERSION"));
    assert!(text.starts_with(&expected_start), "{text}");
    assert!(text.trim_end().ends_with(", debug build)"), "{text}");
}

/// Every subcommand's help ends with real command lines: `wfm X --help` (and
/// `wfm roster check --help`) shows "Examples:" with at least one `wfm X ...` line.
#[test]
fn every_subcommand_help_ends_with_examples() {
    use clap::CommandFactory;
    fn paths(command: &clap::Command, prefix: &[String], out: &mut Vec<Vec<String>>) {
        for sub in command.get_subcommands() {
            let mut path = prefix.to_vec();
            path.push(sub.get_name().to_string());
            out.push(path.clone());
            paths(sub, &path, out);
        }
    }
    let mut all = Vec::new();
    paths(&wfm::cli::Cli::command(), &[], &mut all);
    assert!(all.contains(&vec!["roster".to_string(), "check".to_string()]));
    assert!(all.len() >= 13, "{all:?}");
    for path in all {
        let output = wfm().args(&path).arg("--help").output().unwrap();
        assert!(output.status.success(), "{path:?}");
        let help = String::from_utf8(output.stdout).unwrap();
        let (_, examples) = help
            .split_once("\nExample")
            .unwrap_or_else(|| panic!("wfm {} --help has no examples:\n{help}", path.join(" ")));
        let line = format!("\n  wfm {} ", path.join(" "));
        assert!(
            examples.contains(&line),
            "wfm {} --help: no example line `{}`:\n{help}",
            path.join(" "),
            line.trim()
        );
    }
}

/// No command guesses the site's time zone: without `--tz` and `WFM_TZ`, each one
/// that needs it stops with exit code 2 and says how to give it.
#[test]
fn a_missing_time_zone_is_an_input_error_naming_tz_and_wfm_tz() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    std::fs::write(
        &history,
        "queue,interval_start,offered,handled,abandoned,aht_seconds\nsales,2026-12-01 09:00,10,10,0,180\nsales,2026-12-01 09:30,12,12,0,180\n",
    )
    .unwrap();
    let history = history.to_str().unwrap();
    let out = dir.path().join("out.csv");
    let out = out.to_str().unwrap();
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample/");
    let file = |name: &str| format!("{sample}{name}");
    let commands: Vec<Vec<String>> = [
        vec!["ingest", history, "-o", out],
        vec![
            "forecast",
            "--history",
            history,
            "--start",
            "2026-12-02",
            "--days",
            "1",
            "-o",
            out,
        ],
        vec!["backtest", "--history", history],
        vec![
            "schedule",
            "--requirements",
            history,
            "--shifts",
            &file("shifts.toml"),
            "--start",
            "2026-12-01",
            "--days",
            "1",
            "-o",
            out,
        ],
        vec![
            "roster",
            "--requirements",
            history,
            "--agents",
            &file("agents.csv"),
            "--contracts",
            &file("contracts.toml"),
            "--shifts",
            &file("shifts.toml"),
            "--start",
            "2026-12-01",
            "--days",
            "1",
            "-o",
            out,
        ],
        vec![
            "simulate",
            "--forecast",
            history,
            "--roster",
            history,
            "--targets",
            &file("targets.toml"),
            "-o",
            out,
        ],
    ]
    .iter()
    .map(|args| args.iter().map(|a| a.to_string()).collect())
    .collect();
    for args in commands {
        wfm()
            .env_remove("WFM_TZ")
            .args(&args)
            .assert()
            .code(2)
            .stderr(contains(
                "no time zone: pass --tz ZONE or set WFM_TZ (e.g. Europe/London)",
            ));
        assert!(!Path::new(out).exists(), "{args:?} wrote {out}");
    }
}

/// `WFM_TZ` stands for `--tz`, and `--tz` wins over it; a Parquet history carries
/// its own zone, so `wfm forecast` reads it without either.
#[test]
fn wfm_tz_stands_for_tz_and_tz_wins() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    std::fs::write(
        &history,
        "queue,interval_start,offered,handled,abandoned,aht_seconds\nsales,2026-12-01 09:00,10,10,0,180\nsales,2026-12-01 09:30,12,12,0,180\n",
    )
    .unwrap();
    let ingest = |tz: Option<&str>, env: Option<&str>| {
        let mut command = wfm();
        command.env_remove("WFM_TZ").arg("ingest").arg(&history);
        if let Some(tz) = tz {
            command.args(["--tz", tz]);
        }
        if let Some(env) = env {
            command.env("WFM_TZ", env);
        }
        let output = command.output().unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    let new_york = ingest(Some("America/New_York"), None);
    assert!(
        new_york.contains("sales,2026-12-01T09:00:00-05:00,10,"),
        "{new_york}"
    );
    assert_eq!(ingest(None, Some("America/New_York")), new_york);
    assert_eq!(
        ingest(Some("America/New_York"), Some("Asia/Tokyo")),
        new_york
    );
    let tokyo = ingest(None, Some("Asia/Tokyo"));
    assert!(
        tokyo.contains("sales,2026-12-01T09:00:00+09:00,10,"),
        "{tokyo}"
    );

    wfm()
        .args([
            "generate",
            "--days",
            "21",
            "--tz",
            "America/New_York",
            "--out-dir",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let parquet = dir.path().join("history.parquet");
    wfm()
        .arg("ingest")
        .arg(dir.path().join("history.csv"))
        .args(["--tz", "America/New_York", "-o"])
        .arg(&parquet)
        .assert()
        .success();
    let forecast = wfm()
        .env_remove("WFM_TZ")
        .arg("forecast")
        .arg("--history")
        .arg(&parquet)
        .args(["--start", "2024-11-22", "--days", "1"])
        .output()
        .unwrap();
    assert!(forecast.status.success(), "{forecast:?}");
    let text = String::from_utf8(forecast.stdout).unwrap();
    assert!(text.contains(",2024-11-22T09:00:00-05:00,"), "{text}");
}
