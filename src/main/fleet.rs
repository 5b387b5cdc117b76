//! `msidiag fleet CASE... --out DIR`: one run over many machines. Each case (one machine's
//! collection: a folder or a zip) is analysed on its own, a few at a time (memory is bounded by
//! the cases in flight: each analysis is dropped once its reports are written, and only a
//! small summary is kept), and gets `DIR/<case>/report.html`, `report.json` and `report.jsonl`.
//! Then `DIR/index.html`, `DIR/fleet.csv` and `DIR/fleet.jsonl` (every case's lines, in the
//! order the cases were given) are written from the summaries.
//!
//! A case that cannot be read is listed with why and the others go on; the run is a usage
//! error (exit 2) only when no case could be read or the output cannot be written. It is part
//! of the command line (it knows every stage through the library) and must not analyse
//! anything itself.

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use msidiag::report::fleet::{folder_name, CaseSummary};
use msidiag::report::{self, jsonl};
use msidiag::Options;

/// Runs the fleet; `threads` cases at once (default: all cores).
pub fn run(
    cases: &[PathBuf],
    out: &Path,
    threads: Option<usize>,
    options: &Options,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).map_err(|e| {
        super::usage(format!(
            "msidiag fleet: cannot create {}: {e}",
            out.display()
        ))
    })?;
    // Case names and their folders, unique.
    let mut taken = HashSet::new();
    let named: Vec<(String, String, &PathBuf)> = cases
        .iter()
        .map(|p| {
            let case = jsonl::case_name(std::slice::from_ref(p));
            let base = folder_name(&case);
            let mut dir = base.clone();
            let mut n = 1;
            while !taken.insert(dir.to_lowercase()) {
                n += 1;
                dir = format!("{base}-{n}");
            }
            let case = if n == 1 { case } else { format!("{case}-{n}") };
            (case, dir, p)
        })
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()?;
    let bar = progress(cases.len());
    let summaries: Vec<CaseSummary> = pool.install(|| {
        named
            .par_iter()
            .map(|(case, dir, path)| {
                let summary = one_case(case, dir, path, out, options);
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
                summary
            })
            .collect()
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    for s in &summaries {
        if let Some(why) = &s.error {
            eprintln!("msidiag fleet: {}: {why}", s.case);
        }
    }
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(out.join(name), bytes).map_err(|e| {
            super::usage(format!(
                "msidiag fleet: cannot write {}: {e}",
                out.join(name).display()
            ))
        })
    };
    write(
        "index.html",
        report::html::fleet_index::render(&summaries).as_bytes(),
    )?;
    let mut csv = Vec::new();
    report::fleet::write_csv(&summaries, &mut csv)?;
    write("fleet.csv", &csv)?;
    concatenate_lines(&summaries, out).map_err(|e| {
        super::usage(format!(
            "msidiag fleet: cannot write {}: {e}",
            out.join("fleet.jsonl").display()
        ))
    })?;
    if summaries.iter().all(|s| s.error.is_some()) {
        return Err(super::usage(
            "msidiag fleet: no case could be read (see above)",
        ));
    }
    Ok(())
}

/// Analyses one case and writes its reports; the analysis is dropped before returning.
fn one_case(case: &str, dir: &str, path: &Path, out: &Path, options: &Options) -> CaseSummary {
    if let Err(e) = std::fs::metadata(path) {
        return CaseSummary::unreadable(case, dir, format!("{}: cannot read: {e}", path.display()));
    }
    let analysis = match msidiag::analyze(&[path.to_path_buf()], options) {
        Ok(a) => a,
        Err(e) => return CaseSummary::unreadable(case, dir, e.to_string()),
    };
    if !analysis.any_readable_input() {
        let mut why: Vec<String> = analysis
            .inputs
            .iter()
            .flat_map(|i| i.problems.iter().cloned())
            .chain(analysis.notes.iter().cloned())
            .take(3)
            .collect();
        if why.is_empty() {
            why.push(format!("{}: no file to read", path.display()));
        }
        return CaseSummary::unreadable(
            case,
            dir,
            format!("no readable input: {}", why.join("; ")),
        );
    }
    let folder = out.join(dir);
    let written = std::fs::create_dir_all(&folder)
        .and_then(|()| std::fs::write(folder.join("report.html"), report::html::render(&analysis)))
        .and_then(|()| {
            std::fs::write(
                folder.join("report.json"),
                report::json::render(&analysis) + "\n",
            )
        })
        .and_then(|()| {
            let mut w =
                std::io::BufWriter::new(std::fs::File::create(folder.join("report.jsonl"))?);
            jsonl::write(&analysis, case, &mut w)?;
            w.flush()
        });
    if let Err(e) = written {
        return CaseSummary::unreadable(
            case,
            dir,
            format!("cannot write its reports in {}: {e}", folder.display()),
        );
    }
    CaseSummary::of(case, dir, &analysis)
}

/// `fleet.jsonl`: each read case's `report.jsonl`, in the order the cases were given.
fn concatenate_lines(summaries: &[CaseSummary], out: &Path) -> std::io::Result<()> {
    let mut all = std::io::BufWriter::new(std::fs::File::create(out.join("fleet.jsonl"))?);
    for s in summaries.iter().filter(|s| s.error.is_none()) {
        let mut part = std::fs::File::open(out.join(&s.dir).join("report.jsonl"))?;
        std::io::copy(&mut part, &mut all)?;
    }
    all.flush()
}

/// A bar counting cases on stderr, only on a terminal.
fn progress(cases: usize) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(cases as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} {pos}/{len} cases {wide_bar}")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}
