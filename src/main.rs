//! The `msidiag` command line: a thin clap front end over the library.
//!
//! Exit status: 0 = the analysis ran (with or without findings, also when the inputs were read
//! but hold no records: "nothing to analyse"); 2 = bad usage or no input could be read at all;
//! 1 = internal error. Single-file problems are reported, never fatal.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use msidiag::model::DateOrder;
use msidiag::{report, Options, TzSpec};

#[derive(Parser)]
#[command(
    name = "msidiag",
    version,
    about = "Why did this Windows Installer (MSI) install fail? Offline diagnosis from verbose MSI logs."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum DateOrderArg {
    /// month/day/year (en-US)
    Mdy,
    /// day/month/year
    Dmy,
    /// year/month/day
    Ymd,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

impl ColorArg {
    fn enabled(self) -> bool {
        match self {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Analyse log files and folders (recursively) and explain the failed installs.
    Analyze {
        /// Files or folders to read (the kind of each file is detected from its content).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Write the JSON report (schema msidiag/1) to FILE, or `-` for stdout (then no text summary).
        #[arg(long, value_name = "FILE|-")]
        json: Option<String>,
        /// Time zone of the machine the logs come from: an offset like +05:30 or a name like Europe/Berlin.
        #[arg(long, value_name = "+HH:MM|IANA")]
        tz: Option<String>,
        /// Worker threads (default: all cores).
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
        /// Day/month order of MSI log dates when they are ambiguous (e.g. 08-03-2021).
        #[arg(long, value_enum)]
        date_order: Option<DateOrderArg>,
        /// Write the evidence of every finding as CSV (one row per evidence item).
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Write the merged timeline of every session as CSV.
        #[arg(long, value_name = "FILE")]
        timeline_csv: Option<PathBuf>,
        /// Write a self-contained HTML report (verdict, findings, evidence, fixes, timeline, inputs) to FILE.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// Replace user names, SIDs, computer names and profile paths with placeholders in every output.
        #[arg(long)]
        redact: bool,
        /// Colour in the terminal summary (auto: only on a terminal and without NO_COLOR).
        #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
        color: ColorArg,
    },
    /// Convert a Process Monitor capture (.PML) to a CSV like Procmon's own en-US export of the
    /// default columns (UTF-8 with BOM, CRLF, every field quoted), without Windows.
    Convert {
        /// The capture to convert (its kind is checked from the content).
        capture: PathBuf,
        /// Output file (default: stdout).
        #[arg(short, long, value_name = "OUT.csv")]
        output: Option<PathBuf>,
        /// Write times in this zone (+HH:MM or an IANA name; the offset in force at the capture's
        /// first event is used for the whole file). Default: UTC.
        #[arg(long, value_name = "+HH:MM|IANA")]
        tz: Option<String>,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to stdout: `msidiag man > msidiag.1`,
    /// `msidiag man analyze > msidiag-analyze.1`, or write them all with `--out-dir`.
    Man {
        /// The subcommand whose page to print (default: the main page).
        command: Option<String>,
        /// Write every page (msidiag.1, msidiag-analyze.1, …) into this folder instead.
        #[arg(long, value_name = "DIR", conflicts_with = "command")]
        out_dir: Option<PathBuf>,
    },
    /// Explain a Windows Installer error or exit code, an event ID, an HRESULT (-2147287035,
    /// 0x80070643) or a finding id (windows-temp-acl): its doc, what it explains, its usual fixes.
    Explain {
        /// The code or finding id to explain.
        #[arg(allow_hyphen_values = true)]
        code: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("msidiag: internal error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Analyze {
            paths,
            json,
            tz,
            threads,
            date_order,
            csv,
            timeline_csv,
            html,
            color,
            redact,
        } => {
            let tz = match tz.map(|t| t.parse::<TzSpec>()).transpose() {
                Ok(tz) => tz,
                Err(e) => {
                    eprintln!("msidiag: --tz: {e}");
                    return Ok(ExitCode::from(2));
                }
            };
            if threads == Some(0) {
                eprintln!("msidiag: --threads must be at least 1");
                return Ok(ExitCode::from(2));
            }
            let options = Options {
                tz,
                threads,
                date_order: date_order.map(|d| match d {
                    DateOrderArg::Mdy => DateOrder::MonthDayYear,
                    DateOrderArg::Dmy => DateOrder::DayMonthYear,
                    DateOrderArg::Ymd => DateOrder::YearMonthDay,
                }),
            };
            let bar = ProgressBar::for_stderr();
            // Never dropped: freeing millions of events one by one costs the single thread at
            // the end of a run as much as a tenth of the whole run; the process exits instead.
            let mut analysis = std::mem::ManuallyDrop::new(msidiag::analyze_with_progress(
                &paths, &options, &bar,
            )?);
            bar.finish();
            if redact {
                msidiag::redact::Redactor::learn(&analysis).redact(&mut analysis);
            }
            let json_to_stdout = json.as_deref() == Some("-");
            if let Some(target) = &json {
                let text = report::json::render(&analysis);
                if json_to_stdout {
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "{text}")?;
                } else if let Err(e) = std::fs::write(target, text + "\n") {
                    eprintln!("msidiag: cannot write {target}: {e}");
                    return Ok(ExitCode::from(2));
                }
            }
            for (target, write) in [
                (
                    &csv,
                    report::csv::write_findings
                        as fn(&msidiag::Analysis, std::fs::File) -> std::io::Result<()>,
                ),
                (&timeline_csv, report::csv::write_timeline),
            ] {
                if let Some(path) = target {
                    let result = std::fs::File::create(path).and_then(|f| write(&analysis, f));
                    if let Err(e) = result {
                        eprintln!("msidiag: cannot write {}: {e}", path.display());
                        return Ok(ExitCode::from(2));
                    }
                }
            }
            if let Some(path) = &html {
                if let Err(e) = std::fs::write(path, report::html::render(&analysis)) {
                    eprintln!("msidiag: cannot write {}: {e}", path.display());
                    return Ok(ExitCode::from(2));
                }
            }
            if !json_to_stdout {
                let style = report::text::Style {
                    color: color.enabled(),
                };
                print!("{}", report::text::render_styled(&analysis, style));
            }
            if !analysis.any_readable_input() {
                eprintln!("msidiag: no readable input among the paths given");
                return Ok(ExitCode::from(2));
            }
            if !analysis.any_usable_input() {
                // Read, but empty (a sound event log without records): not a usage error.
                eprintln!("msidiag: nothing to analyse: the inputs were read but hold no records");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Convert {
            capture,
            output,
            tz,
        } => convert(&capture, output.as_deref(), tz.as_deref()),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "msidiag", &mut script);
            write_stdout(&script)
        }
        Command::Man { command, out_dir } => man(command.as_deref(), out_dir.as_deref()),
        Command::Explain { code, json } => {
            let registry = msidiag::diagnose::Registry::builtin();
            if let Some(finding) = msidiag::diagnose::explain::explain_finding(&registry, &code) {
                if json {
                    println!("{}", serde_json::to_string_pretty(&finding)?);
                } else {
                    print!("{}", finding.to_text());
                }
                return Ok(ExitCode::SUCCESS);
            }
            match msidiag::kb::explain::explain(&code) {
                Ok(explanation) => {
                    if json {
                        println!("{}", serde_json::to_string_pretty(&explanation)?);
                    } else {
                        print!("{}", explanation.to_text());
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("msidiag explain: {e}");
                    Ok(ExitCode::from(2))
                }
            }
        }
    }
}

/// The manual pages, generated from the clap definitions.
fn man(command: Option<&str>, out_dir: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    // Each page's footer names the version (subcommands carry none of their own).
    let mut cmd = Cli::command()
        .disable_help_subcommand(true)
        .mut_subcommands(|sub| {
            sub.version(env!("CARGO_PKG_VERSION"))
                .disable_version_flag(true)
        });
    if let Some(dir) = out_dir {
        if let Err(e) = clap_mangen::generate_to(cmd, dir) {
            eprintln!(
                "msidiag: cannot write the manual pages to {}: {e}",
                dir.display()
            );
            return Ok(ExitCode::from(2));
        }
        return Ok(ExitCode::SUCCESS);
    }
    cmd.build();
    let page = match command {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                eprintln!("msidiag man: no subcommand `{name}`");
                return Ok(ExitCode::from(2));
            }
        },
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page).render(&mut roff)?;
    write_stdout(&roff)
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn convert(
    capture: &std::path::Path,
    output: Option<&std::path::Path>,
    tz: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let tz = match tz.map(str::parse::<TzSpec>).transpose() {
        Ok(tz) => tz,
        Err(e) => {
            eprintln!("msidiag: --tz: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let bytes = match std::fs::read(capture) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("msidiag: {}: cannot read: {e}", capture.display());
            return Ok(ExitCode::from(2));
        }
    };
    if msidiag::input::sniff::sniff(&bytes) != msidiag::input::sniff::InputKind::ProcmonPml {
        eprintln!(
            "msidiag: {}: not a Process Monitor capture (.PML): its first bytes are not `PML_`",
            capture.display()
        );
        return Ok(ExitCode::from(2));
    }
    let path: std::sync::Arc<str> = std::sync::Arc::from(capture.display().to_string());
    let file = msidiag::sources::procmon::read_pml_all(&path, &bytes);
    for p in &file.problems {
        eprintln!("msidiag: {p}");
    }
    let first_utc = file.events.iter().find_map(|e| match e.time {
        Some(msidiag::model::Timestamp::Utc(t)) => Some(t),
        _ => None,
    });
    let offset = match (&tz, first_utc) {
        (Some(TzSpec::Fixed(o)), _) => Some(*o),
        (Some(TzSpec::Named(z)), Some(t)) => {
            use chrono::Offset;
            Some(t.with_timezone(z).offset().fix())
        }
        _ => None,
    };
    let result = match output {
        Some(out) => std::fs::File::create(out)
            .map(std::io::BufWriter::new)
            .and_then(|w| msidiag::sources::procmon::write_csv(&file.events, w, offset)),
        None => {
            msidiag::sources::procmon::write_csv(&file.events, std::io::stdout().lock(), offset)
        }
    };
    if let Err(e) = result {
        eprintln!("msidiag: cannot write the CSV: {e}");
        return Ok(ExitCode::from(2));
    }
    if file.rows_total == 0 {
        eprintln!(
            "msidiag: {}: no readable event in the capture",
            capture.display()
        );
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// A progress bar on stderr for runs over many or big files; hidden when stderr is not a
/// terminal (pipes, CI) so it never mixes into reports.
struct ProgressBar(Option<indicatif::ProgressBar>);

impl ProgressBar {
    fn for_stderr() -> Self {
        if !std::io::stderr().is_terminal() {
            return ProgressBar(None);
        }
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(0),
            indicatif::ProgressDrawTarget::stderr(),
        );
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} reading {pos}/{len} files {wide_msg}",
        ) {
            bar.set_style(style);
        }
        ProgressBar(Some(bar))
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

impl msidiag::Progress for ProgressBar {
    fn started(&self, files: usize) {
        if let Some(bar) = &self.0 {
            bar.set_length(files as u64);
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
        }
    }

    fn file_done(&self, path: &str) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
            bar.set_message(path.rsplit(['/', '\\']).next().unwrap_or(path).to_string());
        }
    }
}
