//! The terminal summary: per session the verdict, then each finding (most likely first) with
//! its evidence and fixes, then the inputs and notes. Plain text; control characters from the
//! inputs are shown escaped so a hostile log cannot drive the terminal.

use std::fmt::Write;

use crate::diagnose::{Finding, FindingsBySession};
use crate::report::Analysis;
use crate::timeline::InstallSession;

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }
    fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }
    fn confidence(&self, c: crate::diagnose::Confidence) -> String {
        let code = match c {
            crate::diagnose::Confidence::High => "1;31",
            crate::diagnose::Confidence::Medium => "33",
            crate::diagnose::Confidence::Low => "36",
        };
        self.paint(code, &format!("[{}]", c.as_str()))
    }
    fn outcome(&self, o: crate::timeline::Outcome) -> String {
        let text = o.as_str().to_uppercase();
        match o {
            crate::timeline::Outcome::Failure | crate::timeline::Outcome::Cancelled => {
                self.paint("1;31", &text)
            }
            crate::timeline::Outcome::Unknown => self.paint("33", &text),
            _ => self.paint("32", &text),
        }
    }
}

/// Longest evidence line shown before it is shortened.
const MAX_EVIDENCE_CHARS: usize = 240;

/// Replaces control characters (ESC, BEL, CR…) with visible escapes.
pub fn neutralise(s: &str) -> String {
    // Most text has no control character: copied whole.
    if !s.bytes().any(|b| b.is_ascii_control() || b == 0xC2) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push(' '),
            c if c.is_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn shorten(s: &str) -> String {
    let one_line = s.lines().next().unwrap_or("");
    let clean = neutralise(one_line);
    if clean.chars().count() <= MAX_EVIDENCE_CHARS {
        if s.lines().nth(1).is_some() {
            return format!("{clean} …");
        }
        return clean;
    }
    let cut: String = clean.chars().take(MAX_EVIDENCE_CHARS).collect();
    format!("{cut}…")
}

fn finding_block(
    out: &mut dyn Write,
    f: &Finding,
    all: &[Finding],
    session: Option<&InstallSession>,
    st: Style,
) {
    let _ = writeln!(
        out,
        "  {} {} — {}",
        st.confidence(f.confidence),
        st.bold(&f.id),
        neutralise(&f.title)
    );
    let _ = writeln!(
        out,
        "      {}",
        neutralise(&super::relations::summary(f, all))
    );
    if !f.evidence.is_empty() {
        let _ = writeln!(out, "      Evidence:");
        for e in &f.evidence {
            let place = match (e.line, e.record) {
                (Some(l), _) => format!("{}:{l}", e.path),
                (None, Some(r)) => format!("{}#{r}", e.path),
                _ => e.path.clone(),
            };
            // The time on the session's clock, as in every report (UTC when tagged so).
            let time = e
                .time
                .map(|t| super::shown_time(&t, session.and_then(super::session_day)))
                .map(|(t, utc)| {
                    if utc {
                        format!("{t} UTC  ")
                    } else {
                        format!("{t}  ")
                    }
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "        {time}{}  {}",
                st.dim(&neutralise(&place)),
                shorten(&e.text)
            );
        }
    }
    if !f.fixes.is_empty() {
        let _ = writeln!(out, "      Fix:");
        for (n, fix) in f.fixes.iter().enumerate() {
            let _ = writeln!(out, "        {}. {}", n + 1, neutralise(&fix.description));
            if let Some(c) = &fix.command {
                let _ = writeln!(out, "             {}", st.bold(&neutralise(c)));
            }
        }
    }
}

/// A bundle run: its verdict, each package with its result and linked session (and that
/// session's findings), then the bundle's own findings.
fn bundle_block(
    out: &mut dyn Write,
    a: &Analysis,
    ab: &super::AnalyzedBundle,
    by_session: &FindingsBySession,
    st: Style,
) {
    let b = &ab.bundle;
    let log = &b.log;
    let when = match (log.started, log.ended) {
        (Some(s), Some(e)) => format!(
            "{} → {}",
            s.format("%Y-%m-%d %H:%M:%S"),
            e.format("%Y-%m-%d %H:%M:%S")
        ),
        _ => "time unknown".to_string(),
    };
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}  {} {}  bundle (Burn v{})  {}  {}{}  {}",
        st.bold(&b.id),
        st.bold(&neutralise(
            log.name.as_deref().unwrap_or("(unnamed bundle)")
        )),
        neutralise(log.version.as_deref().unwrap_or("")),
        neutralise(&log.engine_version),
        neutralise(&log.action.as_deref().unwrap_or("unknown").to_lowercase()),
        st.outcome(b.outcome()),
        log.exit_code
            .map(|c| format!(" (exit 0x{c:08X})"))
            .unwrap_or_default(),
        when
    );
    let _ = writeln!(
        out,
        "  from {}:{}-{}",
        neutralise(&log.path),
        log.first_line,
        log.last_line
    );
    if let Some(restart) = &log.restart {
        let _ = writeln!(out, "  restart: {}", neutralise(restart));
    }
    for (i, p) in log.packages.iter().enumerate() {
        let result = match p.result {
            Some(r) => format!("0x{r:08X}"),
            None if p.applied => "no result".to_string(),
            None => "not run".to_string(),
        };
        let linked = match b.session_of(i) {
            Some(sid) => {
                let ids: Vec<&str> = by_session.of(sid).iter().map(|f| f.id.as_ref()).collect();
                if ids.is_empty() {
                    format!(" → {sid}")
                } else {
                    format!(" → {sid}: {}", ids.join(", "))
                }
            }
            None => p
                .log_path
                .as_deref()
                .filter(|_| p.result.is_some_and(|r| r & 0x8000_0000 != 0))
                .map(|l| {
                    format!(
                        " (its log {} is not among the inputs)",
                        crate::timeline::bundles::file_name(l)
                    )
                })
                .unwrap_or_default(),
        };
        let _ = writeln!(
            out,
            "  package {}{}: {result}{}",
            neutralise(&p.id),
            p.kind
                .as_deref()
                .map(|k| format!(" ({k})"))
                .unwrap_or_default(),
            neutralise(&linked)
        );
    }
    for f in a.findings.iter().filter(|f| {
        f.session.is_none()
            && ab.findings.contains(&f.id)
            && f.evidence.first().is_some_and(|e| *e.path == *log.path)
    }) {
        finding_block(out, f, &a.findings, None, st);
    }
}

/// ` N bundle run(s) (M failed),` when the inputs hold bundle logs, else nothing.
fn bundle_count(a: &Analysis) -> String {
    if a.bundles.is_empty() {
        return String::new();
    }
    let failed = a
        .bundles
        .iter()
        .filter(|b| b.bundle.outcome().is_failure())
        .count();
    format!(" {} bundle run(s) ({failed} failed),", a.bundles.len())
}

/// Renders the whole analysis for a terminal, without colour.
pub fn render(a: &Analysis) -> String {
    render_styled(a, Style::default())
}

/// `language: user ja-JP (1041), system ja-JP (1041)` when the log gave the locale ids.
fn languages_line(s: &InstallSession) -> Option<String> {
    let parts: Vec<String> = [("user", s.user_language), ("system", s.system_language)]
        .into_iter()
        .filter_map(|(who, l)| l.map(|l| format!("{who} {}", l.label())))
        .collect();
    (!parts.is_empty()).then(|| format!("language: {}", parts.join(", ")))
}

/// Renders the whole analysis for a terminal.
pub fn render_styled(a: &Analysis, st: Style) -> String {
    let mut out = String::new();
    styled(a, st, &mut out);
    out
}

/// Writes [`render_styled`]'s text to `out` as it is made (a large run's summary is never
/// held whole in memory). Stops at the first write error and returns it.
pub fn write_styled(a: &Analysis, st: Style, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut sink = IoSink { out, error: None };
    styled(a, st, &mut sink);
    sink.error.map_or(Ok(()), Err)
}

/// A [`Write`] over an `io::Write` that keeps the first error.
struct IoSink<'a, W> {
    out: &'a mut W,
    error: Option<std::io::Error>,
}

impl<W: std::io::Write> Write for IoSink<'_, W> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.error.is_some() {
            return Err(std::fmt::Error);
        }
        self.out.write_all(s.as_bytes()).map_err(|e| {
            self.error = Some(e);
            std::fmt::Error
        })
    }
}

/// The summary's text, written to `out`.
fn styled(a: &Analysis, st: Style, out: &mut dyn Write) {
    let _ = writeln!(
        out,
        "msidiag: {} input(s), {} install session(s) ({}),{} {} finding(s)",
        a.inputs.len(),
        a.sessions.len(),
        super::outcome_counts(&a.sessions),
        bundle_count(a),
        a.findings.len()
    );
    let by_session = FindingsBySession::new(&a.findings);
    for s in &a.sessions {
        let _ = writeln!(out);
        let when = match (s.started, s.ended) {
            (Some(b), Some(e)) => format!(
                "{} → {}",
                b.format("%Y-%m-%d %H:%M:%S"),
                e.format("%Y-%m-%d %H:%M:%S")
            ),
            (Some(b), None) => b.format("%Y-%m-%d %H:%M:%S").to_string(),
            _ => match (s.started_utc, s.ended_utc) {
                (Some(b), Some(e)) => format!(
                    "{} → {} UTC",
                    b.format("%Y-%m-%d %H:%M:%S"),
                    e.format("%H:%M:%S")
                ),
                _ => "time unknown".to_string(),
            },
        };
        let _ = writeln!(
            out,
            "{}  {}{}  {}  {}{}  {}",
            st.bold(&s.id),
            st.bold(&neutralise(
                s.display_name().as_deref().unwrap_or("(unknown product)")
            )),
            super::shown_version(s)
                .map(|v| format!(" {}", neutralise(v)))
                .unwrap_or_default(),
            s.operation.as_str(),
            st.outcome(s.outcome),
            s.exit_code
                .map(|c| format!(" (exit {c})"))
                .unwrap_or_default(),
            when
        );
        let _ = writeln!(out, "  from {}", neutralise(&s.sources.join(", ")));
        if let Some(languages) = languages_line(s) {
            let _ = writeln!(out, "  {languages}");
        }
        let findings = by_session.of(&s.id);
        if findings.is_empty() && s.outcome.is_failure() {
            let _ = writeln!(out, "  No cause found in these inputs.");
        }
        for f in findings {
            finding_block(out, f, &a.findings, Some(s), st);
        }
    }
    for ab in &a.bundles {
        bundle_block(out, a, ab, &by_session, st);
    }
    let _ = writeln!(out, "\nInputs:");
    for i in &a.inputs {
        let _ = writeln!(
            out,
            "  {}  {} {} {}",
            neutralise(&i.path),
            i.kind,
            i.encoding.unwrap_or("-"),
            i.status
        );
        for p in &i.problems {
            let _ = writeln!(out, "    ! {}", neutralise(p));
        }
    }
    if !a.clocks.is_empty() {
        let _ = writeln!(out, "\nClocks:");
        for c in &a.clocks {
            let offset = c
                .utc_offset_minutes
                .map(crate::timeline::align::format_offset)
                .map(|o| format!(" UTC{o}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}  {}{} ({}): {}",
                neutralise(&c.source),
                c.clock,
                offset,
                c.method,
                neutralise(&c.detail)
            );
        }
    }
    if !a.notes.is_empty() {
        let _ = writeln!(out, "\nNotes:");
        for n in &a.notes {
            let _ = writeln!(out, "  - {}", neutralise(n));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(neutralise("a\x1b[31mb\x07"), "a\\x1b[31mb\\x07");
    }

    #[test]
    fn text_without_control_characters_is_copied_and_c1_controls_are_escaped() {
        for (text, shown) in [
            ("plain é ü — 日本", "plain é ü — 日本"),
            ("nbsp\u{a0}and ¢", "nbsp\u{a0}and ¢"),
            ("next line\u{85}end", "next line\\x85end"),
            ("csi\u{9b}31m", "csi\\x9b31m"),
            ("del\u{7f}", "del\\x7f"),
            ("tab\there", "tab here"),
        ] {
            assert_eq!(neutralise(text), shown, "{text:?}");
        }
    }
}
