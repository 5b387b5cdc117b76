//! nom grammars of the kept MSI log line shapes, written so that each reads like the line it
//! parses: the engine prefix `MSI (s) (PP:TT) [HH:MM:SS:mmm]: ` (the reference for the byte
//! reader of `prefix.rs`, which every line goes through), `Property(S): Name = Value`,
//! the `=== Verbose logging started: … ===` banner labels, and `Action start` / `Action ended`.
//!
//! Only grammars live here: what a line means is decided in `line.rs`, and which lines are kept
//! is decided there too, by its memchr / Aho-Corasick pass; nothing here may panic.

use nom::branch::alt;
use nom::bytes::complete::tag;
use nom::character::complete::{anychar, char};
use nom::combinator::{map, opt, rest, value};
use nom::sequence::{delimited, separated_pair};
use nom::{IResult, Parser};

use super::line::BannerKind;
use super::substring;

/// nom's `take_until` for a literal, found by `substring.rs` (no searcher built per call).
fn until<'a>(needle: &'static str) -> impl Fn(&'a str) -> IResult<&'a str, &'a str> {
    move |input: &'a str| match substring::find(input, needle) {
        Some(at) => Ok((&input[at..], &input[..at])),
        None => Err(nom::Err::Error(nom::error::Error::new(
            input,
            nom::error::ErrorKind::TakeUntil,
        ))),
    }
}

/// The facts of an engine prefix, before the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnginePrefix<'a> {
    /// `s`, `c` or `N`.
    pub context: char,
    /// The process and thread ids as written (hex, possibly more than one byte).
    pub pid: &'a str,
    pub tid: &'a str,
    /// `!` between the ids: a custom-action thread.
    pub custom_action_thread: bool,
    /// The text between `[` and `]`, when the line has a time.
    pub time: Option<&'a str>,
}

#[cfg(test)]
fn hex_id(i: &str) -> IResult<&str, &str> {
    use nom::bytes::complete::take_while_m_n;
    take_while_m_n(1, 8, |c: char| c.is_ascii_hexdigit()).parse(i)
}

/// `MSI (s) (PP:TT) [HH:MM:SS:mmm]: message` → the prefix and `message`. The reader reads
/// this prefix on bytes (`prefix.rs`, the hot path); this grammar is the reference its tests
/// compare it with.
#[cfg(test)]
pub fn engine_prefix(line: &str) -> IResult<&str, EnginePrefix<'_>> {
    use nom::bytes::complete::take_till;
    use nom::character::complete::one_of;
    use nom::sequence::terminated;

    let ids = (hex_id, one_of(":!"), hex_id);
    let time = delimited(tag(" ["), take_till(|c| c == ']'), char(']'));
    map(
        terminated(
            (
                delimited(tag("MSI ("), anychar, tag(") (")),
                terminated(ids, char(')')),
                opt(time),
            ),
            alt((tag(": "), tag(":"))),
        ),
        |(context, (pid, sep, tid), time)| EnginePrefix {
            context,
            pid,
            tid,
            custom_action_thread: sep == '!',
            time,
        },
    )
    .parse(line)
}

/// `Property(S): Name = Value` → scope, name, value (a value-less `Property(S): Name` gives an
/// empty value; the value may continue on the next lines).
pub fn property(line: &str) -> IResult<&str, (char, &str, &str)> {
    let name_value = alt((
        separated_pair(until(" = "), tag(" = "), rest),
        map(rest, |body: &str| (body.trim_end(), "")),
    ));
    map(
        (
            delimited(tag("Property("), anychar, tag("):")),
            opt(char(' ')),
            name_value,
        ),
        |(scope, _, (name, value))| (scope, name, value),
    )
    .parse(line)
}

/// The label of an English logging banner, `=== Verbose logging started: ` and the three
/// others; what follows is the date, the time and (for the first) the build.
pub fn banner_label(line: &str) -> IResult<&str, BannerKind> {
    let label = alt((
        value(BannerKind::VerboseStarted, tag("Verbose logging started: ")),
        value(BannerKind::VerboseStopped, tag("Verbose logging stopped: ")),
        value(BannerKind::Started, tag("Logging started: ")),
        value(BannerKind::Stopped, tag("Logging stopped: ")),
    ));
    (tag("=== "), label).map(|(_, kind)| kind).parse(line)
}

/// `Action start 8:32:13: InstallFinalize.` → the time text and the action.
pub fn action_start(line: &str) -> IResult<&str, (&str, &str)> {
    (tag("Action start "), until(": "), tag(": "), rest)
        .map(|(_, time, _, name): (_, &str, _, &str)| (time, name.trim_end().trim_end_matches('.')))
        .parse(line)
}

/// `Action ended 8:32:13: InstallFinalize. Return value 3.` → time text, action, return value
/// text (the action is what comes before the last `. Return value `).
pub fn action_ended(line: &str) -> IResult<&str, (&str, &str, &str)> {
    let (tail, (_, time, _)) = (tag("Action ended "), until(": "), tag(": ")).parse(line)?;
    match substring::rsplit_once(tail, ". Return value ") {
        Some((name, ret)) => Ok(("", (time, name, ret.trim_end().trim_end_matches('.')))),
        None => Err(nom::Err::Error(nom::error::Error::new(
            tail,
            nom::error::ErrorKind::TakeUntil,
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_prefixes() {
        let (msg, p) = engine_prefix("MSI (s) (C8!50) [01:49:43:906]: Product: X -- y").unwrap();
        assert_eq!(msg, "Product: X -- y");
        assert_eq!(
            p,
            EnginePrefix {
                context: 's',
                pid: "C8",
                tid: "50",
                custom_action_thread: true,
                time: Some("01:49:43:906"),
            }
        );
        let (msg, p) = engine_prefix("MSI (c) (40:A4): Doing action: X").unwrap();
        assert_eq!(
            (msg, p.time, p.custom_action_thread),
            ("Doing action: X", None, false)
        );
        assert!(engine_prefix("MSI (s) (C8:50:11) [x]: y").is_err());
        assert!(engine_prefix("MSI (s) (C8:50) [01:49:43:906 y").is_err());
        assert!(engine_prefix("MSI (s) (ZZ:50): y").is_err());
    }

    #[test]
    fn properties() {
        assert_eq!(
            property("Property(S): TempFolder = C:\\Temp\\").unwrap().1,
            ('S', "TempFolder", "C:\\Temp\\")
        );
        assert_eq!(
            property("Property(C): Empty = ").unwrap().1,
            ('C', "Empty", "")
        );
        assert_eq!(
            property("Property(N): Bare  ").unwrap().1,
            ('N', "Bare", "")
        );
        assert!(property("Property S").is_err());
    }

    #[test]
    fn banners_and_actions() {
        assert_eq!(
            banner_label("=== Logging stopped: 1/2/2020  1:02:03 ===").unwrap(),
            ("1/2/2020  1:02:03 ===", BannerKind::Stopped)
        );
        assert_eq!(
            action_start("Action start 8:32:13: InstallFinalize.")
                .unwrap()
                .1,
            ("8:32:13", "InstallFinalize")
        );
        assert_eq!(
            action_ended("Action ended 8:32:13: A. B. Return value 3.")
                .unwrap()
                .1,
            ("8:32:13", "A. B", "3")
        );
        assert!(action_ended("Action ended 8:32:13: A.").is_err());
    }
}
