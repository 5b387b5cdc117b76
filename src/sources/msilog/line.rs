//! The verbose MSI log line grammar: one physical line in, its prefix facts and meaning out.
//!
//! This is the hand-written part of the product (docs/formats.md §1). It classifies a single
//! line; it must not keep state across lines (sessions, dates, continuations live in
//! `session.rs`) and must never panic on any input.

use chrono::NaiveTime;

use super::clock::parse_time_of_day;
use super::dates::parse_raw_date;
use super::grammar;
use super::substring;
use crate::model::{EventKind, MsiThread, Operation, PolicyScope, ProductOutcome, Side};

/// What one physical line says.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedLine {
    /// Time of day written on the line, if any.
    pub time: Option<NaiveTime>,
    pub thread: Option<MsiThread>,
    pub kind: EventKind,
    /// True when the line opens a record (false: it may continue the previous one).
    pub starts_record: bool,
    /// An ordinary engine line (component, feature, script op…) no rule reads: its time
    /// counts for the clock, the line itself is not kept (`kind` is then an empty `MsiMessage`).
    pub routine: bool,
}

/// A `=== … ===` banner line with its date and time still as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Banner<'a> {
    pub kind: BannerKind,
    pub date: &'a str,
    pub time: &'a str,
    pub build: Option<&'a str>,
    pub calling_process: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BannerKind {
    VerboseStarted,
    Started,
    Stopped,
    VerboseStopped,
    /// A translated banner with a build string or calling process: a verbose session starts.
    LocalizedStart,
    /// Another translated banner: engine logging started or stopped, or the footer.
    LocalizedOther,
}

/// Parses `=== Verbose logging started: 5/24/2020  11:04:55  Build type: … ===` and friends,
/// and the same banners in another UI language (see `localized_banner`).
pub fn parse_banner(line: &str) -> Option<Banner<'_>> {
    // Every line is asked; nearly none is a banner.
    if !line.starts_with("=== ") {
        return None;
    }
    let line = line.trim_end();
    let (kind, rest) = match grammar::banner_label(line) {
        Ok((rest, kind)) => (kind, rest),
        Err(_) => return localized_banner(line.strip_prefix("=== ")?),
    };
    let rest = rest.strip_suffix("===").unwrap_or(rest).trim();
    let (date, time) = date_and_time(rest);
    let build = rest
        .find("Build type: ")
        .map(|i| &rest[i + 12..])
        .map(|s| s.split("  Calling process:").next().unwrap_or(s).trim());
    let calling_process = rest
        .find("Calling process: ")
        .map(|i| rest[i + 17..].trim());
    Some(Banner {
        kind,
        date,
        time,
        build,
        calling_process,
    })
}

/// The date (first word) and the time after it (`11:04:55`, `1:05:12 PM`, `午後 3:18:26`).
fn date_and_time(rest: &str) -> (&str, &str) {
    let rest = rest.trim_start();
    let date_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let date = &rest[..date_end];
    let after = rest[date_end..].trim_start();
    let mut ends = after
        .char_indices()
        .filter(|(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
        .chain([after.len()])
        .filter(|&i| i > 0 && !after[..i].ends_with(char::is_whitespace));
    let one = ends.next().unwrap_or(0);
    let time = match ends.next() {
        Some(two) if parse_time_of_day(&after[..two]).is_some() => &after[..two],
        _ => &after[..one],
    };
    (date, time)
}

/// A `=== … ===` banner whose label is in another UI language: `=== <label>: <date>  <time>
/// [<build> <calling process>] ===`, recognised by its shape (a label without digits ending
/// in a colon, then a date and a time). The one with a build string or a calling process
/// opens a session ([`BannerKind::LocalizedStart`]); the others are told apart by the splitter.
fn localized_banner(rest: &str) -> Option<Banner<'_>> {
    let rest = rest.strip_suffix("===")?.trim();
    let colon = rest.find([':', '：'])?;
    let label = &rest[..colon];
    if label.trim().is_empty() || label.len() > 80 || label.contains(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let after = &rest[colon + rest[colon..].chars().next()?.len_utf8()..];
    let (date, time) = date_and_time(after);
    parse_raw_date(date)?;
    parse_time_of_day(time)?;
    let tail = after[after.find(time)? + time.len()..].trim();
    let calling_process = tail
        .find(":\\")
        .and_then(|i| i.checked_sub(1))
        .filter(|&i| tail.is_char_boundary(i))
        .map(|i| tail[i..].trim());
    // `SHIP UNICODE 5.00.10011.00`: the build string is a value, never translated.
    let build = tail.find("UNICODE").map(|i| {
        let start = tail[..i].trim_end().rfind(' ').map_or(0, |s| s + 1);
        let b = &tail[start..];
        b[..b.find("  ").unwrap_or(b.len())].trim()
    });
    let kind = if build.is_some() || calling_process.is_some() {
        BannerKind::LocalizedStart
    } else {
        BannerKind::LocalizedOther
    };
    Some(Banner {
        kind,
        date,
        time,
        build,
        calling_process,
    })
}

/// Classifies one physical line (without its line terminator).
pub fn parse_line(line: &str) -> ParsedLine {
    parse_line_to(line, Depth::Whole)
}

/// [`parse_line`], except that a routine note (one no rule reads: see
/// `crate::kb::signals::is_routine_note`) gets its number but not its fields: most notes of a
/// log are routine and dropped, and their fields would be read for nothing. Parse the line
/// again with [`parse_line`] to keep it.
pub fn parse_line_lean(line: &str) -> ParsedLine {
    parse_line_to(line, Depth::Lean)
}

/// How much of a routine note [`parse_line_to`] reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Depth {
    Whole,
    Lean,
}

fn parse_line_to(line: &str, depth: Depth) -> ParsedLine {
    if line.starts_with("MSI (") {
        if let Some(parsed) = parse_msi_prefixed(line, depth) {
            return parsed;
        }
    }
    let kind = classify_bare(line);
    let starts_record = !matches!(kind, EventKind::Text) || starts_like_record(line);
    let time = match &kind {
        EventKind::ActionStart { .. } | EventKind::ActionEnded { .. } => action_time(line),
        _ => None,
    };
    ParsedLine {
        time,
        thread: None,
        kind,
        starts_record,
        routine: false,
    }
}

/// Free-text lines that are clearly their own record (custom-action output, banners).
fn starts_like_record(line: &str) -> bool {
    let t = line.trim_start();
    if t.len() != line.len() {
        // Indented lines continue something (RunEngine block, wrapped values).
        return false;
    }
    // `Name: text` style output from custom actions, or `--> ` markers, etc.
    !line.is_empty()
}

fn parse_msi_prefixed(line: &str, depth: Depth) -> Option<ParsedLine> {
    let (message, prefix) = super::prefix::engine_prefix(line)?;
    let pid_low = low_byte_hex(prefix.pid)?;
    let tid_low = low_byte_hex(prefix.tid)?;
    let time = prefix.time.and_then(parse_bracket_time);
    let ctx = prefix.context;
    let custom_action_thread = prefix.custom_action_thread;
    let kind = classify_msi_message(message, depth);
    // Only these two are routine: `src/sources/keep.rs` relies on it (a routine line's only
    // message number is its note number; it has no `Info` number and is no action end).
    let routine = match &kind {
        EventKind::MsiMessage { message } => message.is_empty(),
        EventKind::Note { code, .. } => crate::kb::signals::is_routine_note(*code),
        _ => false,
    };
    Some(ParsedLine {
        time,
        thread: Some(MsiThread {
            side: Side::from_letter(ctx),
            pid_low,
            tid_low,
            custom_action_thread,
        }),
        kind,
        starts_record: true,
        routine,
    })
}

fn low_byte_hex(s: &str) -> Option<u8> {
    if s.is_empty() || s.len() > 8 {
        return None;
    }
    s.chars()
        .try_fold(0u32, |v, c| Some(v << 4 | c.to_digit(16)?))
        .map(|v| (v & 0xFF) as u8)
}

/// `HH:MM:SS:mmm` (milliseconds after a colon; a dot is accepted too).
fn parse_bracket_time(s: &str) -> Option<NaiveTime> {
    // The shape of nearly every line, `08:31:55:123`, read without splitting.
    let b = s.as_bytes();
    if b.len() == 12 && b[2] == b':' && b[5] == b':' && matches!(b[8], b':' | b'.') {
        let digits = |range: std::ops::Range<usize>| {
            b[range].iter().try_fold(0u32, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
            })
        };
        if let (Some(h), Some(m), Some(sec), Some(ms)) =
            (digits(0..2), digits(3..5), digits(6..8), digits(9..12))
        {
            return NaiveTime::from_hms_milli_opt(h, m, sec, ms);
        }
    }
    let mut it = s.split([':', '.']);
    let h: u32 = it.next()?.trim().parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let sec: u32 = it.next()?.parse().ok()?;
    let ms: u32 = it.next().and_then(|x| x.parse().ok()).unwrap_or(0);
    NaiveTime::from_hms_milli_opt(h, m, sec, ms.min(999))
}

/// `H:MM:SS` as used in `Action start 8:32:13: X.` and banners, in any regional format
/// `clock.rs` reads (`.` separator, 12-hour clock with a marker).
pub fn parse_hms(s: &str) -> Option<NaiveTime> {
    parse_time_of_day(s)
}

fn action_time(line: &str) -> Option<NaiveTime> {
    let time = match grammar::action_start(line) {
        Ok((_, (time, _))) => time,
        Err(_) => grammar::action_ended(line).ok()?.1 .0,
    };
    parse_hms(time)
}

/// Classifies a line that has no `MSI (x)` prefix.
fn classify_bare(line: &str) -> EventKind {
    if let Ok((_, (_, name))) = grammar::action_start(line) {
        return EventKind::ActionStart {
            action: name.to_string(),
        };
    }
    if let Ok((_, (_, name, ret))) = grammar::action_ended(line) {
        if let Ok(return_value) = ret.parse() {
            return EventKind::ActionEnded {
                action: name.to_string(),
                return_value,
            };
        }
    }
    if let Some(rest) = line.strip_prefix("Action ") {
        if let Some((time, tail)) = substring::split_once(rest, ": ") {
            if parse_hms(time).is_some() {
                let name = tail.split('.').next().unwrap_or("").trim();
                return EventKind::ActionText {
                    action: name.to_string(),
                };
            }
        }
    }
    if let Ok((_, (scope, name, value))) = grammar::property(line) {
        return EventKind::Property {
            scope,
            name: name.to_string(),
            value: value.to_string(),
        };
    }
    if let Some(rest) = line.strip_prefix("DEBUG: Error ") {
        if let Some((code, msg)) = rest.split_once(':') {
            if let Ok(code) = code.trim().parse() {
                return EventKind::DebugError {
                    code,
                    message: msg.trim().to_string(),
                };
            }
        }
    }
    if let Some(kind) = numbered_message(line) {
        return kind;
    }
    if let Some(rest) = line.strip_prefix("CustomAction ") {
        if let Some((name, tail)) = substring::split_once(rest, " returned actual error code ") {
            let code = tail.split_whitespace().next().and_then(|c| c.parse().ok());
            if let Some(code) = code {
                return EventKind::CustomActionReturned {
                    action: name.to_string(),
                    code,
                    ignored: substring::contains(tail, "translated to success"),
                };
            }
        }
    }
    if let Some(code) = internal_error_dialog_code(line) {
        return EventKind::InternalErrorDialog { code };
    }
    EventKind::Text
}

/// `Error 1925. text`, `Info 1603. text`, `Warning 1946. text` (also without the space after `.`).
fn numbered_message(line: &str) -> Option<EventKind> {
    let (which, rest) = if let Some(r) = line.strip_prefix("Error ") {
        (0, r)
    } else if let Some(r) = line.strip_prefix("Info ") {
        (1, r)
    } else if let Some(r) = line.strip_prefix("Warning ") {
        (2, r)
    } else {
        return None;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 6 || rest.as_bytes().get(digits) != Some(&b'.') {
        return None;
    }
    let code: u32 = rest[..digits].parse().ok()?;
    let message = rest[digits + 1..].trim().to_string();
    Some(match which {
        0 => EventKind::Error { code, message },
        1 => EventKind::Info { code, message },
        _ => EventKind::Warning { code, message },
    })
}

/// `… unexpected error … The error code is 2503. The arguments are: …`.
fn internal_error_dialog_code(text: &str) -> Option<u32> {
    if !substring::contains(text, "unexpected error") {
        return None;
    }
    let i = substring::find(text, "The error code is ")?;
    let rest = &text[i + 18..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    rest[..digits].parse().ok()
}

/// `msg.strip_prefix(prefix)`, comparing the first byte before the rest: most messages are
/// tested against every shape below, and a call to compare whole prefixes costs more.
fn after<'a>(msg: &'a str, prefix: &str) -> Option<&'a str> {
    if msg.as_bytes().first() != prefix.as_bytes().first() {
        return None;
    }
    msg.strip_prefix(prefix)
}

/// Classifies the message part of an `MSI (x) (..) [..]: message` line.
fn classify_msi_message(msg: &str, depth: Depth) -> EventKind {
    if let Some(rest) = after(msg, "Note: 1: ") {
        return parse_note(rest, depth);
    }
    if let Some(rest) = after(msg, "Product: ") {
        if let Some((product, message)) = substring::split_once(rest, " -- ") {
            return EventKind::ProductMessage {
                product: product.to_string(),
                message: message.trim_end().to_string(),
            };
        }
    }
    if let Some(rest) = after(msg, "MainEngineThread is returning ") {
        if let Ok(code) = rest.trim().parse() {
            return EventKind::EngineReturned { code };
        }
    }
    if let Some(rest) = after(msg, "Back from server. Return value: ") {
        if let Ok(code) = rest.trim().parse() {
            return EventKind::BackFromServer { code };
        }
    }
    if after(msg, "Windows Installer ").is_some() {
        if let Some(kind) = parse_product_outcome(msg).or_else(|| parse_translated_outcome(msg)) {
            return kind;
        }
    }
    if let Some(rest) = after(msg, "PROPERTY CHANGE: ") {
        if let Some(kind) = parse_property_change(rest) {
            return kind;
        }
    }
    if let Some(rest) = after(msg, "MSI_LUA: Setting ") {
        if let Some((name, tail)) = substring::split_once(rest, " property to ") {
            let value = tail.split_whitespace().next().unwrap_or("").to_string();
            return EventKind::PropertyChange {
                name: name.to_string(),
                value: Some(value),
            };
        }
    }
    for (prefix, scope) in [
        ("Machine policy value '", PolicyScope::Machine),
        ("User policy value '", PolicyScope::User),
    ] {
        if let Some(rest) = after(msg, prefix) {
            if let Some((name, value)) = substring::split_once(rest, "' is ") {
                return EventKind::PolicyValue {
                    scope,
                    name: name.to_string(),
                    value: value.trim().trim_matches('\'').to_string(),
                };
            }
        }
    }
    if let Some(rest) = after(msg, "Running Script: ") {
        return EventKind::RunningScript {
            path: rest.trim().to_string(),
        };
    }
    if let Some(rest) = after(msg, "Doing action: ") {
        return EventKind::DoingAction {
            action: rest.trim().to_string(),
        };
    }
    if let Some(rest) = after(msg, "Executing op: ") {
        if let Some(kind) = parse_custom_action_schedule(rest) {
            return kind;
        }
    }
    if let Some(rest) = after(msg, "Invoking remote custom action. DLL: ") {
        if let Some((dll, entry)) = substring::split_once(rest, ", Entrypoint: ") {
            return EventKind::CustomActionInvoked {
                dll: dll.to_string(),
                entry_point: entry.trim().to_string(),
            };
        }
    }
    if let Some(rest) = after(msg, "Hello, I'm your ") {
        let mut words = rest.split_whitespace();
        if let (Some(bitness), Some(context)) = (words.next(), words.next()) {
            return EventKind::CustomActionServer {
                bitness: bitness.to_string(),
                context: context.to_string(),
            };
        }
    }
    if msg.trim_end() == "******* RunEngine:" {
        return EventKind::RunEngine(Box::default());
    }
    if let Some(EventKind::Error { code, message }) = numbered_message(msg) {
        return EventKind::Error { code, message };
    }
    EventKind::MsiMessage {
        message: if worth_keeping(msg) {
            msg.to_string()
        } else {
            String::new()
        },
    }
}

/// Engine messages that can matter to a diagnosis (errors, access, locks, sources, packages,
/// custom-action servers, services, policy, elevation). The rest is routine and not kept.
fn worth_keeping(msg: &str) -> bool {
    const MARKERS: &[&str] = &[
        "Product Code from property table",
        "rror",
        "enied",
        "nvalid",
        "in use",
        "Original package",
        "Package we're running from",
        "Found application",
        "mutex",
        "RESTART MANAGER",
        "SOURCEMGMT",
        "arning",
        "ustom Action",
        "ustom action",
        "MSI_LUA",
        "olicy",
        "llow",
        "Executing op: Service",
        // The install script's own action boundaries (`ActionStart(Name=X,…)`): what a deferred
        // custom action without a `CustomActionSchedule` op in the log wrote starts there.
        "Executing op: ActionStart(",
        "not ",
        "Not ",
        "annot",
        "unable",
        "Unable",
        "Rollback",
        "rollback",
        "Reboot",
        "reboot",
        "Restart",
        "Temp",
        "TEMP",
        // `Product: X -- …` in another UI language (`製品: X -- …`): the user-facing messages.
        " -- ",
        // `Couldn't find local patch`, `Unexpected or missing value (name: 'PackageName' …)`.
        "ouldn't",
        "issing value",
    ];
    // `ail` (fail, available) is the only three-letter marker: searched on its own, it lets
    // the others be told apart on four-byte fingerprints, with far fewer false candidates.
    static AIL: std::sync::OnceLock<memchr::memmem::Finder<'static>> = std::sync::OnceLock::new();
    if AIL
        .get_or_init(|| memchr::memmem::Finder::new("ail"))
        .find(msg.as_bytes())
        .is_some()
    {
        return true;
    }
    // One pass for all other markers (this runs on every engine line of the log): the SIMD
    // "packed" searcher where the CPU has it, else an Aho-Corasick automaton.
    enum Finder {
        Packed(aho_corasick::packed::Searcher),
        Automaton(aho_corasick::AhoCorasick),
    }
    static FINDER: std::sync::OnceLock<Finder> = std::sync::OnceLock::new();
    let finder = FINDER.get_or_init(|| match aho_corasick::packed::Searcher::new(MARKERS) {
        Some(searcher) => Finder::Packed(searcher),
        None => Finder::Automaton(aho_corasick::AhoCorasick::new(MARKERS).expect("valid markers")),
    });
    match finder {
        Finder::Packed(searcher) => searcher.find(msg).is_some(),
        Finder::Automaton(automaton) => automaton.is_match(msg),
    }
}

/// `1: 2203 2: C:\…\x.ipi 3: -2147287035` → code 2203, args [path, hresult].
fn parse_note(rest: &str, depth: Depth) -> EventKind {
    let rest = rest.trim_end();
    let code_end = rest.find(' ').unwrap_or(rest.len());
    let Ok(code) = rest[..code_end].parse() else {
        return EventKind::MsiMessage {
            message: format!("Note: 1: {rest}"),
        };
    };
    if depth == Depth::Lean && crate::kb::signals::is_routine_note(code) {
        return EventKind::Note {
            code,
            args: Vec::new(),
        };
    }
    let mut args = Vec::new();
    let mut tail = &rest[code_end..];
    let mut field = 2;
    while let Some((start, marker_len)) = find_note_field(tail, field) {
        let body = tail.get(start + marker_len..).unwrap_or("");
        let body = body.strip_prefix(' ').unwrap_or(body);
        let end = find_note_field(body, field + 1).map_or(body.len(), |(p, _)| p);
        args.push(body[..end].trim().to_string());
        tail = &body[end..];
        field += 1;
        if field > 32 {
            break;
        }
    }
    EventKind::Note { code, args }
}

/// Where field `field` of a note starts in `hay`: ` N: `, or ` N:` ending the text (an empty last
/// field); with the length of ` N:`. No allocation: this runs on every note of the log.
fn find_note_field(hay: &str, field: u32) -> Option<(usize, usize)> {
    let mut label = [0u8; 4];
    let mut n = 0;
    label[n] = b' ';
    n += 1;
    if field >= 10 {
        label[n] = b'0' + (field / 10 % 10) as u8;
        n += 1;
    }
    label[n] = b'0' + (field % 10) as u8;
    n += 1;
    // ` N` then `:`: walk the colons (a note has a few) instead of building a searcher.
    let label = &label[..n];
    let bytes = hay.as_bytes();
    let mut from = 0;
    while let Some(found) = memchr::memchr(b':', &bytes[from..]) {
        let colon = from + found;
        from = colon + 1;
        let Some(start) = colon.checked_sub(n) else {
            continue;
        };
        if &bytes[start..colon] != label {
            continue;
        }
        match bytes.get(colon + 1) {
            Some(b' ') => return Some((start, n + 1)),
            None => return Some((start, n + 1)),
            Some(_) => {}
        }
    }
    None
}

fn parse_product_outcome(msg: &str) -> Option<EventKind> {
    let rest = msg.strip_prefix("Windows Installer ")?;
    let (operation, rest) = if let Some(r) = rest.strip_prefix("installed the product. ") {
        (Operation::Install, r)
    } else if let Some(r) = rest.strip_prefix("removed the product. ") {
        (Operation::Uninstall, r)
    } else if let Some(r) = rest.strip_prefix("reconfigured the product. ") {
        (Operation::Repair, r)
    } else {
        return None;
    };
    let field = |label: &str, next: &[&str]| -> Option<String> {
        let start = rest.find(label)? + label.len();
        let tail = &rest[start..];
        let end = next
            .iter()
            .filter_map(|n| tail.find(n))
            .min()
            .unwrap_or(tail.len());
        Some(tail[..end].trim_end_matches('.').trim().to_string())
    };
    let status_text = substring::rsplit_once(rest, "status: ")?.1;
    let status = status_text.trim().trim_end_matches('.').parse().ok()?;
    Some(EventKind::ProductOutcome(Box::new(ProductOutcome {
        operation,
        product: field("Product Name: ", &[". Product Version: "])?,
        version: field("Product Version: ", &[". Product Language: "]),
        language: field("Product Language: ", &[". Manufacturer: "]),
        manufacturer: field(
            "Manufacturer: ",
            &[
                ". Installation success",
                ". Removal success",
                ". Reconfiguration success",
                ". Configuration success",
            ],
        ),
        status,
        product_code: None,
    })))
}

/// The translated 1033 line (`Windows Installer 已安装产品。产品名称: X。安装成功或错误状态: 1603。`,
/// `Windows Installer a installé le produit. Nom du produit : X. … : 1603.`), read by its
/// shape, not its words: after the first sentence come `label: value` fields; the first is
/// the product name, the last the status; with five fields the second to fourth are the
/// version, language and manufacturer. The operation is not read from the words (unknown).
fn parse_translated_outcome(msg: &str) -> Option<EventKind> {
    let normalized = msg.replace('。', ". ").replace('：', ":");
    let mut pieces: Vec<&str> = normalized.split(". ").map(str::trim).collect();
    if pieces.len() < 3 {
        return None;
    }
    pieces.remove(0);
    let fields: Vec<String> = pieces
        .iter()
        .filter_map(|p| {
            p.rsplit_once(':')
                .map(|(_, v)| v.trim().trim_end_matches('.').trim().to_string())
        })
        .collect();
    if fields.len() < 2 || fields.len() != pieces.iter().filter(|p| !p.is_empty()).count() {
        return None;
    }
    let status: i64 = fields.last()?.parse().ok()?;
    let product = fields.first().filter(|p| !p.is_empty())?.clone();
    let at = |i: usize| {
        (fields.len() >= 5)
            .then(|| fields.get(i).cloned())
            .flatten()
            .filter(|v| !v.is_empty())
    };
    Some(EventKind::ProductOutcome(Box::new(ProductOutcome {
        operation: Operation::Unknown,
        product,
        version: at(1),
        language: at(2),
        manufacturer: at(3),
        status,
        product_code: None,
    })))
}

/// `Adding X property. Its value is 'v'.` / `Modifying X property. Its current value is 'a'. Its new value: 'b'.`
/// / `Deleting X property. Its current value is 'v'.`
fn parse_property_change(rest: &str) -> Option<EventKind> {
    if let Some(r) = rest.strip_prefix("Adding ") {
        let (name, tail) = substring::split_once(r, " property. Its value is '")?;
        return Some(EventKind::PropertyChange {
            name: name.to_string(),
            value: Some(quoted_value(tail)),
        });
    }
    if let Some(r) = rest.strip_prefix("Modifying ") {
        let (name, tail) = substring::split_once(r, " property. ")?;
        let value = tail
            .split_once("Its new value: '")
            .map(|(_, v)| quoted_value(v));
        return Some(EventKind::PropertyChange {
            name: name.to_string(),
            value,
        });
    }
    if let Some(r) = rest.strip_prefix("Deleting ") {
        let (name, _) = substring::split_once(r, " property.")?;
        return Some(EventKind::PropertyChange {
            name: name.to_string(),
            value: None,
        });
    }
    None
}

fn quoted_value(tail: &str) -> String {
    let t = tail.trim_end();
    let t = t.strip_suffix('.').unwrap_or(t);
    t.strip_suffix('\'').unwrap_or(t).to_string()
}

/// `CustomActionSchedule(Action=X,ActionType=3073,Source=…)` and the rollback/commit variants.
fn parse_custom_action_schedule(op: &str) -> Option<EventKind> {
    let open = op.find('(')?;
    let name = &op[..open];
    if !name.starts_with("CustomAction") || !name.ends_with("Schedule") {
        return None;
    }
    let args = &op[open + 1..];
    let value = |key: &str| -> Option<&str> {
        let i = args.find(key)? + key.len();
        let tail = &args[i..];
        let end = tail.find([',', ')']).unwrap_or(tail.len());
        Some(&tail[..end])
    };
    Some(EventKind::CustomActionScheduled {
        action: value("Action=")?.to_string(),
        action_type: value("ActionType=").and_then(|t| t.parse().ok()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_with_time_and_ca_thread() {
        let p = parse_line("MSI (s) (C8!50) [01:49:43:906]: Product: Datadog Agent -- A password was not provided.");
        let t = p.thread.unwrap();
        assert_eq!(t.side, Side::Server);
        assert_eq!((t.pid_low, t.tid_low), (0xC8, 0x50));
        assert!(t.custom_action_thread);
        assert_eq!(p.time, NaiveTime::from_hms_milli_opt(1, 49, 43, 906));
        assert_eq!(
            p.kind,
            EventKind::ProductMessage {
                product: "Datadog Agent".into(),
                message: "A password was not provided.".into()
            }
        );
    }

    #[test]
    fn prefix_without_timestamp() {
        let p = parse_line("MSI (s) (40:A4): Doing action: InstallFiles");
        assert!(p.time.is_none());
        assert_eq!(
            p.kind,
            EventKind::DoingAction {
                action: "InstallFiles".into()
            }
        );
    }

    #[test]
    fn note_arguments_keep_paths_and_empty_fields() {
        let p = parse_line("MSI (s) (A0:C8) [08:32:13:154]: Note: 1: 2203 2: C:\\Windows\\Installer\\inprogressinstallinfo.ipi 3: -2147287035 ");
        assert_eq!(
            p.kind,
            EventKind::Note {
                code: 2203,
                args: vec![
                    "C:\\Windows\\Installer\\inprogressinstallinfo.ipi".into(),
                    "-2147287035".into()
                ]
            }
        );
        let p = parse_line("MSI (s) (D0:A0) [21:24:36:689]: Note: 1: 2265 2:  3: -2147287035 ");
        assert_eq!(
            p.kind,
            EventKind::Note {
                code: 2265,
                args: vec!["".into(), "-2147287035".into()]
            }
        );
        let p = parse_line("MSI (s) (D0:A0) [21:24:36:691]: Note: 1: 2318 2:  ");
        assert_eq!(
            p.kind,
            EventKind::Note {
                code: 2318,
                args: vec!["".into()]
            }
        );
        let p = parse_line("MSI (s) (40:A4) [1:2:3:4]: Note: 1: 2503");
        assert_eq!(
            p.kind,
            EventKind::Note {
                code: 2503,
                args: vec![]
            }
        );
    }

    #[test]
    fn missing_table_notes_are_routine_other_notes_are_kept() {
        let routine = parse_line("MSI (s) (A0:C8) [08:32:13:154]: Note: 1: 2205 2:  3: Error ");
        assert!(routine.routine);
        assert!(routine.time.is_some());
        for kept in [
            "MSI (s) (A0:C8) [08:32:13:154]: Note: 1: 2203 2: C:\\Windows\\Installer\\inprogressinstallinfo.ipi 3: -2147287035 ",
            "MSI (s) (A0:C8) [08:32:13:154]: Note: 1: 2318 2: C:\\Temp\\x.cab ",
            "MSI (s) (A0:C8) [08:32:13:154]: Note: 1: 1402 2: HKEY_LOCAL_MACHINE\\Software\\X 3: 5 ",
        ] {
            assert!(!parse_line(kept).routine, "{kept}");
            assert_eq!(parse_line_lean(kept), parse_line(kept), "{kept}");
        }
    }

    #[test]
    fn a_lean_read_skips_only_the_fields_of_routine_notes() {
        let line = "MSI (s) (A0:C8) [08:32:13:154]: Note: 1: 2205 2:  3: Error ";
        let (lean, whole) = (parse_line_lean(line), parse_line(line));
        assert!(matches!(&lean.kind, EventKind::Note { code: 2205, args } if args.is_empty()));
        assert!(matches!(&whole.kind, EventKind::Note { code: 2205, args } if args.len() == 2));
        assert_eq!(
            (lean.time, lean.thread, lean.routine),
            (whole.time, whole.thread, true)
        );
    }

    #[test]
    fn note_with_ten_and_more_fields() {
        let fields: String = (2..=12).map(|n| format!(" {n}: v{n}")).collect();
        let p = parse_line(&format!(
            "MSI (s) (A0:C8) [08:32:13:154]: Note: 1: 1234{fields} 13:"
        ));
        let mut args: Vec<String> = (2..=12).map(|n| format!("v{n}")).collect();
        args.push(String::new());
        assert_eq!(p.kind, EventKind::Note { code: 1234, args });
    }

    #[test]
    fn bracket_times_fast_and_general_shapes_agree() {
        let t = |h, m, s, ms| NaiveTime::from_hms_milli_opt(h, m, s, ms);
        assert_eq!(parse_bracket_time("08:31:55:123"), t(8, 31, 55, 123));
        assert_eq!(parse_bracket_time("23:59:59.999"), t(23, 59, 59, 999));
        assert_eq!(parse_bracket_time("8:31:55:123"), t(8, 31, 55, 123));
        assert_eq!(parse_bracket_time(" 8:31:55:12"), t(8, 31, 55, 12));
        assert_eq!(parse_bracket_time("1:2:3:4"), t(1, 2, 3, 4));
        assert_eq!(parse_bracket_time("01:49:43"), t(1, 49, 43, 0));
        assert_eq!(parse_bracket_time("25:00:00:000"), None);
        assert_eq!(parse_bracket_time("0a:31:55:123"), None);
        assert_eq!(parse_bracket_time("08:31:55:12x"), t(8, 31, 55, 0));
    }

    #[test]
    fn action_lines() {
        let p = parse_line("Action ended 11:05:25: InstallExecute. Return value 3.");
        assert_eq!(
            p.kind,
            EventKind::ActionEnded {
                action: "InstallExecute".into(),
                return_value: 3
            }
        );
        assert_eq!(p.time, NaiveTime::from_hms_opt(11, 5, 25));
        let p = parse_line("Action start 8:32:13: InstallFinalize.");
        assert_eq!(
            p.kind,
            EventKind::ActionStart {
                action: "InstallFinalize".into()
            }
        );
    }

    #[test]
    fn outcome_line_with_dots_in_name() {
        let fr = parse_line("MSI (s) (CC:24) [17:23:01:000]: Windows Installer a installé le produit. Nom du produit : Nextcloud. Version du produit : 4.0.1.2. Langue du produit : 1033. Fabricant : Nextcloud GmbH. Réussite de l’installation ou état d’erreur : 1603.");
        match fr.kind {
            EventKind::ProductOutcome(o) => {
                assert_eq!(o.product, "Nextcloud");
                assert_eq!(o.version.as_deref(), Some("4.0.1.2"));
                assert_eq!(o.status, 1603);
                assert_eq!(o.operation, Operation::Unknown);
            }
            other => panic!("{other:?}"),
        }
        let zh = parse_line("MSI (s) (94:94) [23:49:52:000]: Windows Installer 已安装产品。产品名称: Windows Admin Center。安装成功或错误状态: 1603。");
        match zh.kind {
            EventKind::ProductOutcome(o) => {
                assert_eq!(o.product, "Windows Admin Center");
                assert_eq!(o.version, None);
                assert_eq!(o.status, 1603);
            }
            other => panic!("{other:?}"),
        }
        assert!(!matches!(
            parse_line(
                "MSI (s) (94:94) [23:49:52:000]: Windows Installer is starting. Nothing: here."
            )
            .kind,
            EventKind::ProductOutcome(_)
        ));
        let p = parse_line("MSI (s) (A0:C8) [08:32:14:003]: Windows Installer installed the product. Product Name: Contoso Tool 2.0. Product Version: 1.2.3. Product Language: 1033. Manufacturer: Contoso Ltd.. Installation success or error status: 1603.");
        match p.kind {
            EventKind::ProductOutcome(outcome) => {
                let ProductOutcome {
                    operation,
                    product,
                    version,
                    status,
                    manufacturer,
                    ..
                } = *outcome;
                assert_eq!(operation, Operation::Install);
                assert_eq!(product, "Contoso Tool 2.0");
                assert_eq!(version.as_deref(), Some("1.2.3"));
                assert_eq!(manufacturer.as_deref(), Some("Contoso Ltd"));
                assert_eq!(status, 1603);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn messages_and_errors() {
        assert_eq!(
            parse_line("DEBUG: Error 2503:  Called RunScript when not marked in progress.").kind,
            EventKind::DebugError {
                code: 2503,
                message: "Called RunScript when not marked in progress.".into()
            }
        );
        assert_eq!(
            parse_line("Info 1603. The file C:\\x.dll is being held in use").kind,
            EventKind::Info {
                code: 1603,
                message: "The file C:\\x.dll is being held in use".into()
            }
        );
        assert_eq!(
            parse_line("CustomAction MbamDeferred returned actual error code 1603 (note this may not be 100% accurate)").kind,
            EventKind::CustomActionReturned { action: "MbamDeferred".into(), code: 1603, ignored: false }
        );
        assert_eq!(
            parse_line("CustomAction WixRemoveFoldersEx returned actual error code 1603 but will be translated to success due to continue marking").kind,
            EventKind::CustomActionReturned { action: "WixRemoveFoldersEx".into(), code: 1603, ignored: true }
        );
        assert_eq!(
            parse_line("Action 20:46:20: MigrateFeatureStates. Migrating feature states from related applications").kind,
            EventKind::ActionText { action: "MigrateFeatureStates".into() }
        );
        assert_eq!(
            parse_line("The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2503. The arguments are: , , ").kind,
            EventKind::InternalErrorDialog { code: 2503 }
        );
        assert_eq!(parse_line("Error 19 is bad").kind, EventKind::Text);
    }

    #[test]
    fn property_forms() {
        assert_eq!(
            parse_line("Property(S): TempFolder = C:\\Users\\x\\AppData\\Local\\Temp\\").kind,
            EventKind::Property {
                scope: 'S',
                name: "TempFolder".into(),
                value: "C:\\Users\\x\\AppData\\Local\\Temp\\".into()
            }
        );
        assert_eq!(
            parse_line("MSI (s) (B8:80) [11:05:22:740]: PROPERTY CHANGE: Adding MsiRunningElevated property. Its value is '1'.").kind,
            EventKind::PropertyChange { name: "MsiRunningElevated".into(), value: Some("1".into()) }
        );
        assert_eq!(
            parse_line("MSI (s) (18:A8) [09:12:53:862]: MSI_LUA: Setting MsiRunningElevated property to 1 because the install is already running elevated.").kind,
            EventKind::PropertyChange { name: "MsiRunningElevated".into(), value: Some("1".into()) }
        );
        assert_eq!(
            parse_line(
                "MSI (c) (9C:20) [11:04:55:849]: Machine policy value 'DisableUserInstalls' is 0"
            )
            .kind,
            EventKind::PolicyValue {
                scope: PolicyScope::Machine,
                name: "DisableUserInstalls".into(),
                value: "0".into()
            }
        );
    }

    #[test]
    fn custom_action_schedule() {
        let p = parse_line("MSI (s) (D0:A0) [21:24:36:744]: Executing op: CustomActionSchedule(Action=WixFailWhenDeferred,ActionType=1025,Source=BinaryData,Target=WixFailWhenDeferred,)");
        assert_eq!(
            p.kind,
            EventKind::CustomActionScheduled {
                action: "WixFailWhenDeferred".into(),
                action_type: Some(1025)
            }
        );
    }

    #[test]
    fn banners() {
        let b = parse_banner("=== Verbose logging started: 5/24/2020  11:04:55  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===").unwrap();
        assert_eq!(b.kind, BannerKind::VerboseStarted);
        assert_eq!((b.date, b.time), ("5/24/2020", "11:04:55"));
        assert_eq!(b.build, Some("SHIP UNICODE 5.00.10011.00"));
        assert_eq!(
            b.calling_process,
            Some("C:\\Windows\\system32\\msiexec.exe")
        );
        let b = parse_banner("=== Logging stopped: 31.01.2022  21:24:37 ===").unwrap();
        assert_eq!(b.kind, BannerKind::Stopped);
        assert_eq!(b.date, "31.01.2022");
    }

    #[test]
    fn garbage_never_panics() {
        for s in [
            "MSI (",
            "MSI (s",
            "MSI (s) (",
            "MSI (é) (ZZ:1) [",
            "Action ended : . Return value x.",
            "Property(",
            "Note: 1:",
            "=== ",
            "MSI (s) (1:2) [99:99:99:999]: Note: 1: 2 2:",
        ] {
            let _ = parse_line(s);
            let _ = parse_banner(s);
        }
    }
}
