//! The record of how one input was read ([`InputReport`]): its kind, encoding, an
//! [`InputStatus`] and the problems met, each naming the file. Filled while reading (in
//! `src/lib.rs`) and shown by every report; the JSON contract writes the status as the strings
//! listed in `docs/json-schema.md`.
//!
//! Plain data and the questions the later stages ask of it; it must not read files.

use std::fmt;

use serde::Serialize;

/// What became of one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputStatus {
    /// Read, and it gave data.
    Ok,
    /// Read, but cut short (an MSI log without its closing banner): the data before the cut
    /// is used.
    Truncated,
    /// Recognised, but a kind this version does not analyse.
    Unsupported,
    /// Not a kind of file msidiag reads.
    Unrecognized,
    /// Read without a problem, and it holds nothing (an empty file, a sound event log or
    /// capture without records).
    Empty,
    /// It could not be read, or nothing in it could be.
    #[default]
    Error,
}

impl InputStatus {
    /// The status as the JSON report writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            InputStatus::Ok => "ok",
            InputStatus::Truncated => "truncated",
            InputStatus::Unsupported => "unsupported",
            InputStatus::Unrecognized => "unrecognized",
            InputStatus::Empty => "empty",
            InputStatus::Error => "error",
        }
    }

    /// The input gave data to the analysis.
    pub fn usable(self) -> bool {
        matches!(self, InputStatus::Ok | InputStatus::Truncated)
    }

    /// The input was read through, whether or not it held anything.
    pub fn readable(self) -> bool {
        self.usable() || self == InputStatus::Empty
    }
}

impl fmt::Display for InputStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How one input was read.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InputReport {
    pub path: String,
    pub kind: &'static str,
    pub encoding: Option<&'static str>,
    pub status: InputStatus,
    pub problems: Vec<String>,
}

impl InputReport {
    /// True when the input contributed data to the analysis.
    pub fn usable(&self) -> bool {
        self.status.usable()
    }

    /// True when the input was read through, even if it held nothing.
    pub fn readable(&self) -> bool {
        self.status.readable()
    }

    /// A recognised file that gave no record: `empty` when it was read without a problem
    /// (`empty_text`), else `error` (`error_text`, after the problems that explain it).
    pub fn no_records(&mut self, empty_text: &str, error_text: &str) {
        let (status, text) = if self.problems.is_empty() {
            (InputStatus::Empty, empty_text)
        } else {
            (InputStatus::Error, error_text)
        };
        self.status = status;
        self.problems.push(format!("{}: {text}", self.path));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_serialize_to_the_contract_strings() {
        for (status, text) in [
            (InputStatus::Ok, "ok"),
            (InputStatus::Truncated, "truncated"),
            (InputStatus::Unsupported, "unsupported"),
            (InputStatus::Unrecognized, "unrecognized"),
            (InputStatus::Empty, "empty"),
            (InputStatus::Error, "error"),
        ] {
            assert_eq!(serde_json::to_value(status).unwrap(), text);
            assert_eq!(status.to_string(), text);
        }
    }

    #[test]
    fn an_empty_input_was_read_but_gave_nothing() {
        let mut report = InputReport {
            path: "Setup.evtx".into(),
            status: InputStatus::Ok,
            ..InputReport::default()
        };
        report.no_records("the event log holds no records", "no readable event record");
        assert_eq!(report.status, InputStatus::Empty);
        assert!(report.readable() && !report.usable());
        report
            .problems
            .insert(0, "Setup.evtx: bad chunk magic".into());
        report.no_records("the event log holds no records", "no readable event record");
        assert_eq!(report.status, InputStatus::Error);
        assert!(!report.readable());
        assert!(!InputStatus::Unrecognized.readable() && !InputStatus::Unsupported.readable());
    }
}
