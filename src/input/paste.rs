//! Undoes what pasting does to an MSI log, so that an excerpt copied into a ticket, a chat or a
//! CI job's output can be read like the log it came from.
//!
//! Handled: `> ` / `>> ` quote prefixes, a whole log flattened into one line, literal `\r\n` /
//! `\n` / `<br>` separators (JSON and Ansible captures, HTML), and a timestamp or clock prefix
//! that a CI tool wrote before every line. Every normalised line remembers the physical line of
//! the file it came from, and [`Pasted::how`] says in words what was undone. It only recognises
//! where log lines begin (their fixed prefixes); it must not interpret what a line says, and it
//! changes nothing in a text that needs no repair.

/// A pasted text brought back to one log line per line.
#[derive(Debug, Clone, PartialEq)]
pub struct Pasted {
    /// The normalised lines.
    pub lines: Vec<String>,
    /// For each normalised line, the 1-based physical line of the original text it came from.
    pub origins: Vec<u64>,
    /// What was undone, in words (one entry per kind of repair).
    pub how: Vec<String>,
}

impl Pasted {
    /// The normalised lines joined with `\n`.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
}

/// Normalises `text` when it shows the artefacts of a paste; `None` when nothing had to change.
pub fn normalise(text: &str) -> Option<Pasted> {
    let originals: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut how = Vec::new();
    let mut lines: Vec<(String, u64)> = originals
        .iter()
        .enumerate()
        .map(|(i, l)| (l.to_string(), i as u64 + 1))
        .collect();
    strip_quotes(&mut lines, &mut how);
    split_separators(&mut lines, &mut how);
    split_flattened(&mut lines, &mut how);
    strip_clock_prefixes(&mut lines, &mut how);
    if how.is_empty() {
        return None;
    }
    let (lines, origins) = lines.into_iter().unzip();
    Some(Pasted {
        lines,
        origins,
        how,
    })
}

/// Removes `>` quote marks (any depth) when at least half of the non-blank lines carry them.
fn strip_quotes(lines: &mut [(String, u64)], how: &mut Vec<String>) {
    let non_blank = lines.iter().filter(|(l, _)| !l.trim().is_empty()).count();
    let quoted = lines
        .iter()
        .filter(|(l, _)| l.trim_start().starts_with('>'))
        .count();
    if quoted == 0 || quoted * 2 < non_blank {
        return;
    }
    for (line, _) in lines.iter_mut() {
        let rest = line.trim_start();
        if !rest.starts_with('>') {
            continue;
        }
        let mut rest = rest;
        while let Some(r) = rest.strip_prefix('>') {
            rest = r.strip_prefix(' ').unwrap_or(r);
        }
        *line = rest.to_string();
    }
    how.push(format!("`>` quote marks removed from {quoted} line(s)"));
}

/// Splits lines at literal `\r\n`, `\n` (only before a log-line prefix: paths hold `\n` too) and
/// `<br>` separators.
fn split_separators(lines: &mut Vec<(String, u64)>, how: &mut Vec<String>) {
    let mut split_lines = 0usize;
    let mut made = 0usize;
    let mut kinds: Vec<&str> = Vec::new();
    let mut out = Vec::with_capacity(lines.len());
    for (line, origin) in lines.drain(..) {
        let (pieces, kind) = separator_pieces(&line);
        if pieces.len() < 2 || !pieces.iter().any(|p| starts_log_line(p)) {
            out.push((line, origin));
            continue;
        }
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
        split_lines += 1;
        made += pieces.len();
        let unescape = line.contains(":\\\\");
        out.extend(pieces.into_iter().map(|p| {
            let p = if unescape {
                p.replace("\\\\", "\\").replace("\\\"", "\"")
            } else {
                p
            };
            (p, origin)
        }));
    }
    *lines = out;
    if split_lines > 0 {
        how.push(format!(
            "literal {} separators split {split_lines} line(s) into {made} (each cites the line it came from)",
            kinds.join(" and ")
        ));
    }
}

/// The pieces of `line` between literal separators, and the separator's name.
fn separator_pieces(line: &str) -> (Vec<String>, &'static str) {
    if line.matches("\\r\\n").count() >= 1 {
        return (split_keep_nonempty(line, "\\r\\n"), "`\\r\\n`");
    }
    let lower = line.to_ascii_lowercase();
    for br in ["<br />", "<br/>", "<br>"] {
        if lower.contains(br) {
            let mut pieces = Vec::new();
            let mut start = 0;
            while let Some(at) = lower[start..].find(br) {
                pieces.push(line[start..start + at].to_string());
                start += at + br.len();
            }
            pieces.push(line[start..].to_string());
            pieces.retain(|p| !p.trim().is_empty());
            return (pieces, "`<br>`");
        }
    }
    // `\n` only where a log line starts after it (`C:\Program Files\nodejs` is a path).
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut from = 0;
    while let Some(at) = line[from..].find("\\n") {
        let at = from + at;
        if starts_log_line(&line[at + 2..]) {
            pieces.push(line[start..at].to_string());
            start = at + 2;
        }
        from = at + 2;
    }
    pieces.push(line[start..].to_string());
    pieces.retain(|p| !p.trim().is_empty());
    (pieces, "`\\n`")
}

fn split_keep_nonempty(line: &str, sep: &str) -> Vec<String> {
    line.split(sep)
        .filter(|p| !p.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// Splits a line that holds several log lines run together (newlines turned into spaces) before
/// each log-line prefix. Only a line with at least two prefixes, one of them an engine line, is
/// split.
fn split_flattened(lines: &mut Vec<(String, u64)>, how: &mut Vec<String>) {
    let mut split_lines = 0usize;
    let mut made = 0usize;
    let mut out = Vec::with_capacity(lines.len());
    for (line, origin) in lines.drain(..) {
        let starts = line_starts(&line);
        let engine = starts
            .iter()
            .filter(|&&at| line[at..].starts_with("MSI (") || line[at..].starts_with("Action "))
            .count();
        if starts.len() < 2 || engine == 0 || (starts.len() == 2 && starts[0] == 0 && engine < 2) {
            out.push((line, origin));
            continue;
        }
        split_lines += 1;
        let mut cuts = starts.clone();
        if cuts.first() != Some(&0) {
            cuts.insert(0, 0);
        }
        cuts.push(line.len());
        for w in cuts.windows(2) {
            let piece = line[w[0]..w[1]].trim_end();
            if !piece.trim().is_empty() {
                made += 1;
                out.push((piece.to_string(), origin));
            }
        }
    }
    *lines = out;
    if split_lines > 0 {
        how.push(format!(
            "{split_lines} line(s) held whole log lines run together and were split into {made} before each log-line prefix (each cites the line it came from)"
        ));
    }
}

/// Byte offsets in `line` where a log line starts: at 0 or after white space, a known prefix.
fn line_starts(line: &str) -> Vec<usize> {
    let bytes = line.as_bytes();
    let mut starts = Vec::new();
    for (at, _) in line.char_indices() {
        let after_space = at == 0 || bytes[at - 1] == b' ' || bytes[at - 1] == b'\t';
        if !after_space || !starts_log_line(&line[at..]) {
            continue;
        }
        // `Product: X -- Error 1722. …` is one engine line: a message number after `-- ` stays.
        let before = line[..at].trim_end();
        if before.ends_with("--") || before.ends_with(':') && !line[at..].starts_with("MSI (") {
            continue;
        }
        starts.push(at);
    }
    starts
}

/// True when `s` begins with the fixed prefix of an MSI log line.
fn starts_log_line(s: &str) -> bool {
    if let Some(rest) = s.strip_prefix("MSI (") {
        let r = rest.as_bytes();
        return r.len() >= 4 && r[0].is_ascii_alphabetic() && &r[1..4] == b") (";
    }
    if let Some(rest) = s
        .strip_prefix("Action start ")
        .or_else(|| s.strip_prefix("Action ended "))
    {
        return rest.starts_with(|c: char| c.is_ascii_digit());
    }
    if let Some(rest) = s.strip_prefix("Property(") {
        return rest.len() >= 3 && rest.as_bytes()[1..3] == *b"):";
    }
    if s.starts_with("=== Verbose logging") || s.starts_with("=== Logging") {
        return true;
    }
    if let Some(rest) = s.strip_prefix("CustomAction ") {
        return rest.contains(" returned actual error code ");
    }
    for word in ["Error ", "Info ", "Warning "] {
        if let Some(rest) = s.strip_prefix(word) {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            return (1..=5).contains(&digits) && rest.as_bytes().get(digits) == Some(&b'.');
        }
    }
    false
}

/// Removes a clock or timestamp prefix that a CI tool or a console wrote before the log lines
/// (`2025-03-04T12:00:01.1234567Z `, `[12:00:01] `, `12:26:46 PM: `), when most log lines carry
/// one. Lines without a log-line prefix (custom-action output) lose a prefix of the same shape.
fn strip_clock_prefixes(lines: &mut [(String, u64)], how: &mut Vec<String>) {
    let mut shapes: Vec<(String, usize)> = Vec::new();
    let mut log_lines = 0usize;
    for (line, _) in lines.iter() {
        let Some(at) = first_log_start(line) else {
            continue;
        };
        log_lines += 1;
        if at == 0 {
            continue;
        }
        let prefix = &line[..at];
        if clock_like(prefix) {
            let shape = shape_of(prefix);
            match shapes.iter_mut().find(|(s, _)| *s == shape) {
                Some((_, n)) => *n += 1,
                None => shapes.push((shape, 1)),
            }
        }
    }
    let Some((shape, n)) = shapes.into_iter().max_by_key(|(_, n)| *n) else {
        return;
    };
    if n * 2 < log_lines || n < 2 {
        return;
    }
    let mut stripped = 0usize;
    let mut example = String::new();
    for (line, _) in lines.iter_mut() {
        if line.len() >= shape.len()
            && line.is_char_boundary(shape.len())
            && shape_of(&line[..shape.len()]) == shape
        {
            if example.is_empty() {
                example = line[..shape.len()].trim_end().to_string();
            }
            *line = line[shape.len()..].to_string();
            stripped += 1;
        }
    }
    how.push(format!(
        "a time prefix that the capturing tool wrote before each line (like `{example}`) removed from {stripped} line(s)"
    ));
}

/// Where the first log-line prefix in `line` starts (at 0 or after white space).
fn first_log_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    line.char_indices()
        .map(|(at, _)| at)
        .find(|&at| (at == 0 || bytes[at - 1] == b' ') && starts_log_line(&line[at..]))
}

/// A prefix made of a date and/or a time of day and its punctuation only.
fn clock_like(prefix: &str) -> bool {
    prefix.len() <= 48
        && prefix.contains(':')
        && prefix.bytes().filter(u8::is_ascii_digit).count() >= 4
        && prefix
            .bytes()
            .all(|b| b.is_ascii_digit() || b" :.,-/+TZ[]|APM".contains(&b) || b == b'\t')
}

/// `prefix` with every digit written as `9` and `AM`/`PM` as `XM`, so that prefixes of the
/// same form compare equal.
fn shape_of(prefix: &str) -> String {
    prefix
        .chars()
        .map(|c| match c {
            '0'..='9' => '9',
            'A' | 'P' => 'X',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clean_log_is_left_alone() {
        let log = "MSI (s) (7C:44) [12:53:46:709]: Doing action: X\r\nAction start 12:53:46: X.\r\nsome output\r\n";
        assert_eq!(normalise(log), None);
    }

    #[test]
    fn quote_marks_are_removed_and_lines_keep_their_numbers() {
        let e = normalise("> MSI (s) (7C:44) [12:53:46:709]: a\r\n>> Action ended 12:53:58: INSTALL. Return value 3.\r\n")
            .unwrap();
        assert_eq!(e.lines[0], "MSI (s) (7C:44) [12:53:46:709]: a");
        assert_eq!(
            e.lines[1],
            "Action ended 12:53:58: INSTALL. Return value 3."
        );
        assert_eq!(e.origins, vec![1, 2, 3]);
        assert!(e.how[0].contains("quote"));
    }

    #[test]
    fn a_flattened_log_is_split_before_each_prefix() {
        let e = normalise("Validation ended with: MSI (s) (D8:F8) [12:40:37:516]: Product: P -- Error 1722. text Property(S): A = 1 MSI (s) (D8:F8) [12:40:37:600]: Product: P -- Installation operation failed.").unwrap();
        assert_eq!(
            e.lines,
            vec![
                "Validation ended with:",
                "MSI (s) (D8:F8) [12:40:37:516]: Product: P -- Error 1722. text",
                "Property(S): A = 1",
                "MSI (s) (D8:F8) [12:40:37:600]: Product: P -- Installation operation failed."
            ]
        );
        assert!(e.origins.iter().all(|&o| o == 1));
    }

    #[test]
    fn literal_separators_are_split_but_paths_are_not() {
        let e = normalise("MSI (s) (94:38) [14:31:01:067]: a C:\\Program Files\\nodejs\\r\\nError 1723. b\\r\\nAction ended 14:31:01: X. Return value 3.\\r\\n").unwrap();
        assert_eq!(e.lines.len(), 3);
        assert!(e.lines[0].ends_with("C:\\Program Files\\nodejs"));
        let e = normalise(
            "MSI (s) (94:38) [14:31:01:067]: C:\\new\\nMSI (s) (94:38) [14:31:01:068]: b",
        )
        .unwrap();
        assert_eq!(
            e.lines,
            vec![
                "MSI (s) (94:38) [14:31:01:067]: C:\\new",
                "MSI (s) (94:38) [14:31:01:068]: b"
            ]
        );
    }

    #[test]
    fn clock_prefixes_of_ci_tools_are_removed() {
        let e = normalise("2025-03-04T12:00:01.1234567Z MSI (s) (94:38) [14:31:01:067]: a\n2025-03-04T12:00:01.2234567Z output of the action\n2025-03-04T12:00:02.1234567Z Action ended 14:31:01: X. Return value 3.\n").unwrap();
        assert_eq!(e.lines[1], "output of the action");
        assert_eq!(e.lines[2], "Action ended 14:31:01: X. Return value 3.");
        let e = normalise("12:26:46 PM: MSI (s) (74:74) [12:26:44:614]: Note: 1: 1722\n12:26:47 PM: Error 1722. x\n").unwrap();
        assert_eq!(e.lines[1], "Error 1722. x");
    }
}
