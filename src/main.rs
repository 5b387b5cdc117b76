//! The `msidiag` command line: a thin clap front end over the library.
//!
//! Exit status: 0 = the analysis ran (with or without findings, also when the inputs were read
//! but hold no records: "nothing to analyse"); 2 = bad usage or no input could be read at all;
//! 1 = internal error. Single-file problems are reported, never fatal. Every exit 2 goes
//! through one [`Usage`] error, printed as it is by `main`.

use std::error::Error as _;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use msidiag::model::DateOrder;
use msidiag::{report, Options, TzSpec};

/// mimalloc instead of the system allocator: lines are allocated by the reading threads and
/// freed by the one that splits sessions, which glibc's per-arena locks make slow.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        /// Write JSON Lines (sessions, findings, timeline events; docs/jsonl.md) to FILE, or `-` for stdout (then no text summary).
        #[arg(long, value_name = "FILE|-")]
        jsonl: Option<String>,
        /// The case name written on every JSON Lines record (default: the first path's name).
        #[arg(long, value_name = "NAME")]
        case: Option<String>,
        /// Time zone of the machine the logs come from: an offset like +05:30 or a name like Europe/Berlin.
        #[arg(long, value_name = "+HH:MM|IANA", value_parser = tz_arg)]
        tz: Option<TzSpec>,
        /// Worker threads (default: all cores).
        #[arg(long, value_name = "N", value_parser = threads_arg)]
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
        /// Lines of the MSI log shown around each evidence line in the HTML report (0: none).
        #[arg(long, value_name = "N", default_value_t = msidiag::report::log_context::DEFAULT_RADIUS)]
        context: u64,
        /// Replace user names, SIDs, computer names and profile paths with placeholders in every output.
        #[arg(long)]
        redact: bool,
        /// Colour in the terminal summary (auto: only on a terminal and without NO_COLOR).
        #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
        color: ColorArg,
        /// Add the rules of a rule file, or of every *.toml in a folder (repeatable; see docs/rules.md).
        #[arg(long = "rules", value_name = "PATH")]
        rules: Vec<PathBuf>,
        /// Ignore the per-user rule folder (msidiag rules list shows where it is).
        #[arg(long)]
        no_user_rules: bool,
    },
    /// Analyse many machines: each CASE (one machine's collection, a folder or a zip) gets
    /// OUT/<case>/report.html and report.json, then OUT/index.html (root causes ranked by
    /// machines hit), OUT/fleet.csv (one row per machine) and OUT/fleet.jsonl (every case's
    /// JSON Lines).
    Fleet {
        /// One folder or zip per machine.
        #[arg(required = true)]
        cases: Vec<PathBuf>,
        /// The folder to write into (created when missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Cases analysed at once (default: all cores); each case uses one thread.
        #[arg(long, value_name = "N", value_parser = threads_arg)]
        threads: Option<usize>,
        /// Time zone of the machines (as for analyze).
        #[arg(long, value_name = "+HH:MM|IANA", value_parser = tz_arg)]
        tz: Option<TzSpec>,
        /// Lines of the MSI log shown around each evidence line in the HTML reports (0: none).
        #[arg(long, value_name = "N", default_value_t = msidiag::report::log_context::DEFAULT_RADIUS)]
        context: u64,
        /// Add the rules of a rule file, or of every *.toml in a folder (repeatable).
        #[arg(long = "rules", value_name = "PATH")]
        rules: Vec<PathBuf>,
        /// Ignore the per-user rule folder.
        #[arg(long)]
        no_user_rules: bool,
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
        #[arg(long, value_name = "+HH:MM|IANA", value_parser = tz_arg)]
        tz: Option<TzSpec>,
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
    /// List or check rules (built-in and rule files; see docs/rules.md).
    Rules {
        #[command(subcommand)]
        action: RulesCommand,
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

/// Bad usage, or nothing the user gave could be read or written: the message is printed as it
/// is (it names the command and what was wrong) and the exit status is 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Usage(String);

impl Usage {
    /// Prints the message; the exit status 2.
    fn exit(&self) -> ExitCode {
        eprintln!("{self}");
        ExitCode::from(2)
    }
}

/// A [`Usage`] error as the `anyhow` error `run` returns.
fn usage(message: impl Into<String>) -> anyhow::Error {
    Usage(message.into()).into()
}

/// `--tz`: an offset or an IANA zone name.
fn tz_arg(value: &str) -> Result<TzSpec, Usage> {
    value
        .parse::<TzSpec>()
        .map_err(|e| Usage(format!("msidiag: --tz: {e}")))
}

/// `--threads`: a number of worker threads, at least 1.
fn threads_arg(value: &str) -> Result<usize, Box<dyn std::error::Error + Send + Sync>> {
    match value.parse::<usize>()? {
        0 => Err(Usage("msidiag: --threads must be at least 1".into()).into()),
        n => Ok(n),
    }
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Print every rule: finding id, where it comes from, what it explains.
    List {
        /// Also list the rules of these files or folders.
        #[arg(long = "rules", value_name = "PATH")]
        rules: Vec<PathBuf>,
        /// Ignore the per-user rule folder.
        #[arg(long)]
        no_user_rules: bool,
    },
    /// Check rule files and print every problem as file:line:column (exit 2 if any).
    Check {
        /// Rule files, or folders of *.toml files.
        #[arg(required_unless_present = "built_in")]
        paths: Vec<PathBuf>,
        /// Check msidiag's own built-in rule files (src/kb/rules/*.toml, embedded).
        #[arg(long)]
        built_in: bool,
    },
}

/// `msidiag fleet`, in its own file beside this one.
#[path = "main/fleet.rs"]
mod fleet;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // A value refused by one of the parsers above: its own message. Anything else is
        // clap's (which exits 2 for usage errors, 0 for --help and --version).
        Err(e) => match e.source().and_then(|s| s.downcast_ref::<Usage>()) {
            Some(bad) => return bad.exit(),
            None => e.exit(),
        },
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => match e.downcast_ref::<Usage>() {
            Some(bad) => bad.exit(),
            None => {
                eprintln!("msidiag: internal error: {e:#}");
                ExitCode::from(1)
            }
        },
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Analyze {
            paths,
            json,
            jsonl,
            case,
            tz,
            threads,
            date_order,
            csv,
            timeline_csv,
            html,
            context,
            color,
            redact,
            rules,
            no_user_rules,
        } => {
            let rules = load_rules(&rules, !no_user_rules).map_err(|problems| {
                usage(format!(
                    "{}\nmsidiag: the rule files have problems; nothing was analysed",
                    problems.join("\n")
                ))
            })?;
            let options = Options {
                rules,
                tz,
                threads,
                date_order: date_order.map(|d| match d {
                    DateOrderArg::Mdy => DateOrder::MonthDayYear,
                    DateOrderArg::Dmy => DateOrder::DayMonthYear,
                    DateOrderArg::Ymd => DateOrder::YearMonthDay,
                }),
                // The lines are read again only for the report that shows them.
                context: (html.is_some() && context > 0).then_some(context),
                // Only these reports list the sessions' events (or learn names from them).
                drop_events: html.is_none() && jsonl.is_none() && timeline_csv.is_none() && !redact,
            };
            let bar = ProgressBar::for_stderr();
            // Never dropped: freeing millions of events one by one costs the single thread at
            // the end of a run as much as a tenth of the whole run; the process exits instead.
            let mut analysis = std::mem::ManuallyDrop::new(msidiag::analyze_with_progress(
                &paths, &options, &bar,
            )?);
            bar.finish();
            if redact {
                msidiag::report::redact::Redactor::learn(&analysis).redact(&mut analysis);
            }
            let jsonl_to_stdout = jsonl.as_deref() == Some("-");
            let json_to_stdout = json.as_deref() == Some("-");
            if json_to_stdout && jsonl_to_stdout {
                return Err(usage(
                    "msidiag: --json - and --jsonl - cannot both write to stdout",
                ));
            }
            if let Some(target) = &json {
                if json_to_stdout {
                    let text = report::json::render(&analysis);
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "{text}")?;
                } else {
                    let written = std::fs::File::create(target)
                        .map(std::io::BufWriter::new)
                        .and_then(|mut out| {
                            report::json::write(&analysis, &mut out)?;
                            out.flush()
                        });
                    if let Err(e) = written {
                        return Err(usage(format!("msidiag: cannot write {target}: {e}")));
                    }
                }
            }
            if let Some(target) = &jsonl {
                let case = case.unwrap_or_else(|| report::jsonl::case_name(&paths));
                let result = if jsonl_to_stdout {
                    let out = std::io::BufWriter::new(std::io::stdout().lock());
                    report::jsonl::write(&analysis, &case, out)
                } else {
                    std::fs::File::create(target)
                        .map(std::io::BufWriter::new)
                        .and_then(|mut out| {
                            report::jsonl::write(&analysis, &case, &mut out)?;
                            out.flush()
                        })
                };
                match result {
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                    Err(e) => return Err(usage(format!("msidiag: cannot write {target}: {e}"))),
                    Ok(()) => {}
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
                        return Err(usage(format!(
                            "msidiag: cannot write {}: {e}",
                            path.display()
                        )));
                    }
                }
            }
            if let Some(path) = &html {
                if let Err(e) = std::fs::write(path, report::html::render(&analysis)) {
                    return Err(usage(format!(
                        "msidiag: cannot write {}: {e}",
                        path.display()
                    )));
                }
            }
            if !json_to_stdout && !jsonl_to_stdout {
                let style = report::text::Style {
                    color: color.enabled(),
                };
                // Written as it is made: a large run's summary is never held whole.
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                match report::text::write_styled(&analysis, style, &mut out)
                    .and_then(|()| out.flush())
                {
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                    Err(e) => return Err(e.into()),
                    Ok(()) => {}
                }
            }
            if !analysis.any_readable_input() {
                return Err(usage("msidiag: no readable input among the paths given"));
            }
            if !analysis.any_usable_input() {
                // Read, but empty (a sound event log without records): not a usage error.
                eprintln!("msidiag: nothing to analyse: the inputs were read but hold no records");
            }
            Ok(())
        }
        Command::Fleet {
            cases,
            out,
            threads,
            tz,
            context,
            rules,
            no_user_rules,
        } => {
            let rules = load_rules(&rules, !no_user_rules).map_err(|problems| {
                usage(format!(
                    "{}\nmsidiag: the rule files have problems; nothing was analysed",
                    problems.join("\n")
                ))
            })?;
            let options = Options {
                rules,
                tz,
                threads: Some(1),
                date_order: None,
                context: (context > 0).then_some(context),
                drop_events: false,
            };
            fleet::run(&cases, &out, threads, &options)
        }
        Command::Convert {
            capture,
            output,
            tz,
        } => convert(&capture, output.as_deref(), tz.as_ref()),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "msidiag", &mut script);
            write_stdout(&script)
        }
        Command::Man { command, out_dir } => man(command.as_deref(), out_dir.as_deref()),
        Command::Rules { action } => match action {
            RulesCommand::List {
                rules,
                no_user_rules,
            } => rules_list(&rules, !no_user_rules),
            RulesCommand::Check { paths, built_in } => rules_check(&paths, built_in),
        },
        Command::Explain { code, json } => {
            let registry = msidiag::diagnose::Registry::builtin();
            if let Some(finding) = msidiag::diagnose::explain::explain_finding(&registry, &code) {
                if json {
                    println!("{}", serde_json::to_string_pretty(&finding)?);
                } else {
                    print!("{}", finding.to_text());
                }
                return Ok(());
            }
            let explanation = msidiag::kb::explain::explain(&code)
                .map_err(|e| usage(format!("msidiag explain: {e}")))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&explanation)?);
            } else {
                print!("{}", explanation.to_text());
            }
            Ok(())
        }
    }
}

/// The user's rules: the per-user folder (when asked and present), then every `--rules` path.
/// Any problem in any file refuses them all.
fn load_rules(
    paths: &[PathBuf],
    user_folder: bool,
) -> Result<Vec<std::sync::Arc<dyn msidiag::diagnose::Rule>>, Vec<String>> {
    use msidiag::diagnose::data::load;
    let mut all: Vec<PathBuf> = Vec::new();
    if user_folder {
        all.extend(load::user_rules_dir().filter(|d| d.is_dir()));
    }
    all.extend(paths.iter().cloned());
    if all.is_empty() {
        return Ok(Vec::new());
    }
    let (texts, mut problems) = load::read_paths(&all);
    let loaded = load::load(&texts, &msidiag::diagnose::Registry::builtin());
    problems.extend(loaded.problems);
    if !problems.is_empty() {
        return Err(problems.iter().map(|p| p.to_string()).collect());
    }
    Ok(loaded
        .rules
        .into_iter()
        .map(|r| std::sync::Arc::new(r) as std::sync::Arc<dyn msidiag::diagnose::Rule>)
        .collect())
}

/// `msidiag rules list`: every rule, where it comes from and what it explains.
fn rules_list(paths: &[PathBuf], user_folder: bool) -> anyhow::Result<()> {
    let loaded = load_rules(paths, user_folder).map_err(|problems| usage(problems.join("\n")))?;
    let registry = msidiag::diagnose::Registry::with_loaded(loaded);
    let mut out = String::new();
    for (rule, doc) in registry.findings() {
        let explains: Vec<&str> = doc.explains.iter().collect();
        out.push_str(&format!(
            "{}\t{}\t{}\n",
            doc.id,
            rule.origin(),
            if explains.is_empty() {
                "-".to_string()
            } else {
                format!("explains {}", explains.join(", "))
            }
        ));
    }
    if let Some(dir) = msidiag::diagnose::data::load::user_rules_dir() {
        out.push_str(&format!(
            "# user rule folder: {}{}\n",
            dir.display(),
            if !user_folder {
                " (ignored)"
            } else if dir.is_dir() {
                ""
            } else {
                " (absent)"
            }
        ));
    }
    print!("{out}");
    Ok(())
}

/// `msidiag rules check PATH...`: every problem as file:line:column; exit 2 when there is any.
fn rules_check(paths: &[PathBuf], built_in: bool) -> anyhow::Result<()> {
    use msidiag::diagnose::data::{builtin, load};
    let (mut texts, mut problems) = load::read_paths(paths);
    let mut loaded = load::load(&texts, &msidiag::diagnose::Registry::builtin());
    if built_in {
        let own = builtin::check();
        texts.extend(builtin::texts());
        loaded.rules.extend(own.rules);
        loaded.problems.extend(own.problems);
    }
    problems.extend(loaded.problems);
    for p in &problems {
        eprintln!("{p}");
    }
    if problems.is_empty() {
        println!(
            "{} rule(s) in {} file(s): no problem",
            loaded.rules.len(),
            texts.len()
        );
        Ok(())
    } else {
        Err(usage(format!("{} problem(s)", problems.len())))
    }
}

/// The manual pages, generated from the clap definitions.
fn man(command: Option<&str>, out_dir: Option<&std::path::Path>) -> anyhow::Result<()> {
    // Each page's footer names the version (subcommands carry none of their own).
    let mut cmd = Cli::command()
        .disable_help_subcommand(true)
        .mut_subcommands(|sub| {
            sub.version(env!("CARGO_PKG_VERSION"))
                .disable_version_flag(true)
        });
    if let Some(dir) = out_dir {
        return clap_mangen::generate_to(cmd, dir).map_err(|e| {
            usage(format!(
                "msidiag: cannot write the manual pages to {}: {e}",
                dir.display()
            ))
        });
    }
    cmd.build();
    let page = match command {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => return Err(usage(format!("msidiag man: no subcommand `{name}`"))),
        },
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page).render(&mut roff)?;
    write_stdout(&roff)
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

fn convert(
    capture: &std::path::Path,
    output: Option<&std::path::Path>,
    tz: Option<&TzSpec>,
) -> anyhow::Result<()> {
    let bytes = std::fs::read(capture)
        .map_err(|e| usage(format!("msidiag: {}: cannot read: {e}", capture.display())))?;
    if msidiag::input::sniff::sniff(&bytes) != msidiag::input::sniff::InputKind::ProcmonPml {
        return Err(usage(format!(
            "msidiag: {}: not a Process Monitor capture (.PML): its first bytes are not `PML_`",
            capture.display()
        )));
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
    let offset = match (tz, first_utc) {
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
        return Err(usage(format!("msidiag: cannot write the CSV: {e}")));
    }
    if file.rows_total == 0 {
        return Err(usage(format!(
            "msidiag: {}: no readable event in the capture",
            capture.display()
        )));
    }
    Ok(())
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
