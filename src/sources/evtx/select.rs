//! Which event log records matter to an MSI diagnosis (domain reference §3).
//!
//! * `MsiInstaller`: every event id.
//! * `Service Control Manager` start and logon failures of any service (7000, 7001, 7009, 7011,
//!   7023, 7024, 7038, 7041): the service a package installs fails so behind MSI error 1920.
//! * `Service Control Manager` 7031/7034/7036/7040/7045, only about the Windows Installer
//!   service: the service key `msiserver` in any value or in the UTF-16 service key inside
//!   `<Binary>` (7036/7040), else the service's display name, which Windows localizes.
//!   Accepted display names: see [`WINDOWS_INSTALLER_NAMES`].
//! * `Application Error` 1000 and `Windows Error Reporting` 1001 whose application is
//!   `msiexec.exe`.
//! * `Microsoft-Windows-RestartManager` 10000/10001/10010 (all: the timeline filters by PID).
//!
//! [`interest`] is the cheap first test on provider and id, [`may_concern_msi`] a cheaper
//! byte scan of the raw record, and [`wanted`] the exact test on the decoded record. This module
//! decides only; it must not read files or render records.

use crate::model::WinEvent;
use crate::sources::bytes::utf16_units;

pub(super) const MSI_INSTALLER: &str = "MsiInstaller";
pub(super) const SCM: &str = "Service Control Manager";
pub(super) const APPLICATION_ERROR: &str = "Application Error";
pub(super) const WER: &str = "Windows Error Reporting";
pub(super) const RESTART_MANAGER: &str = "Microsoft-Windows-RestartManager";

/// The Windows Installer service key.
pub const SERVICE_KEY: &str = "msiserver";

/// Display names of the Windows Installer service that SCM events may carry instead of the
/// key. "Windows Installer" is the English name, which German, French and Spanish Windows are
/// reported to keep; "Установщик Windows" is the Russian one (Russian support articles name
/// the service so). Not verified for other languages: events from such systems are still
/// matched by the `msiserver` key in their `<Binary>` or named data. Extend this list only
/// with names seen on real systems.
pub const WINDOWS_INSTALLER_NAMES: &[&str] = &["Windows Installer", "Установщик Windows"];

const SCM_IDS: &[u32] = &[7000, 7009, 7011, 7023, 7031, 7034, 7036, 7040, 7045];
/// Start and logon failures, kept for every service (rare in a System log).
const SCM_START_FAILURE_IDS: &[u32] = &[7000, 7001, 7009, 7011, 7023, 7024, 7038, 7041];
const RESTART_MANAGER_IDS: &[u32] = &[10000, 10001, 10010];

/// What a record's provider and id say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Interest {
    /// Not wanted whatever it contains.
    None,
    /// Wanted whatever it contains.
    Always,
    /// Wanted when it is about the Windows Installer service.
    Service,
    /// Wanted when the crashing application is msiexec.exe.
    Crash,
}

pub(super) fn interest(provider: &str, event_id: u32) -> Interest {
    match provider {
        MSI_INSTALLER => Interest::Always,
        RESTART_MANAGER if RESTART_MANAGER_IDS.contains(&event_id) => Interest::Always,
        SCM if SCM_START_FAILURE_IDS.contains(&event_id) => Interest::Always,
        SCM if SCM_IDS.contains(&event_id) => Interest::Service,
        APPLICATION_ERROR if event_id == 1000 => Interest::Crash,
        WER if event_id == 1001 => Interest::Crash,
        _ => Interest::None,
    }
}

/// [`interest`] of a provider name given as UTF-16LE bytes (up to the first NUL), compared
/// without decoding it.
pub(super) fn interest_utf16(provider: &[u8], event_id: u32) -> Interest {
    let units = provider.len() / 2;
    let len = (0..units)
        .find(|&i| provider[2 * i] == 0 && provider[2 * i + 1] == 0)
        .unwrap_or(units);
    let provider = &provider[..2 * len];
    let named = |name: &str| {
        name.len() == len
            && name
                .bytes()
                .zip(provider.chunks_exact(2))
                .all(|(b, u)| u == [b, 0])
    };
    [MSI_INSTALLER, SCM, APPLICATION_ERROR, WER, RESTART_MANAGER]
        .into_iter()
        .find(|name| named(name))
        .map_or(Interest::None, |name| interest(name, event_id))
}

/// A conservative scan of a record's raw BinXML: false only when none of the words that
/// [`wanted`] looks for can be in it (as UTF-16LE or 8-bit text, ASCII letters in any case).
pub(super) fn may_concern_msi(interest: Interest, raw: &[u8]) -> bool {
    match interest {
        Interest::None => false,
        Interest::Always => true,
        Interest::Service => {
            contains_word(raw, SERVICE_KEY)
                || WINDOWS_INSTALLER_NAMES
                    .iter()
                    .any(|name| contains_word(raw, name))
        }
        Interest::Crash => contains_word(raw, "msiexec"),
    }
}

/// The exact test on a decoded record.
pub(super) fn wanted(ev: &WinEvent) -> bool {
    match interest(&ev.provider, ev.event_id) {
        Interest::None => false,
        Interest::Always => true,
        Interest::Service => concerns_windows_installer_service(ev),
        Interest::Crash => crashed_application_is_msiexec(ev),
    }
}

/// An SCM event names the Windows Installer service by key, by display name, or in its
/// `<Binary>` (UTF-16 `msiserver/4`).
pub(crate) fn concerns_windows_installer_service(ev: &WinEvent) -> bool {
    let names_it = |value: &str| {
        let value = value.trim();
        value.eq_ignore_ascii_case(SERVICE_KEY)
            || WINDOWS_INSTALLER_NAMES
                .iter()
                .any(|name| value.eq_ignore_ascii_case(name))
    };
    ev.data.iter().any(|v| names_it(v))
        || ev.named.iter().any(|(_, v)| names_it(v))
        || ev
            .binary
            .as_deref()
            .and_then(binary_service_key)
            .is_some_and(|key| key.eq_ignore_ascii_case(SERVICE_KEY))
}

/// The service key in an SCM `<Binary>`: hex of UTF-16LE `key/N` and a NUL.
pub(crate) fn binary_service_key(hex: &str) -> Option<String> {
    let bytes = hex_bytes(hex)?;
    let units = utf16_units(&bytes).take_while(|u| *u != 0);
    let text: String = char::decode_utf16(units).collect::<Result<_, _>>().ok()?;
    let key = text.split('/').next()?.trim();
    (!key.is_empty()).then(|| key.to_string())
}

/// `Application Error` 1000: the faulting application (`AppName`, or Data[0] on older
/// systems). `Windows Error Reporting` 1001: the first report parameter (`P1`, or Data[5]).
fn crashed_application_is_msiexec(ev: &WinEvent) -> bool {
    let (name, index) = if ev.provider == APPLICATION_ERROR {
        ("AppName", 0)
    } else {
        ("P1", 5)
    };
    let named = ev
        .named
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str());
    named
        .or_else(|| ev.data.get(index).map(String::as_str))
        .is_some_and(|app| app.trim().eq_ignore_ascii_case("msiexec.exe"))
}

/// Hex text to bytes; `None` when it is not hex.
pub(crate) fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    let hex = hex.trim();
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Whether `word` occurs in `raw` as UTF-16LE or as 8-bit text; ASCII words match in any case.
fn contains_word(raw: &[u8], word: &str) -> bool {
    if word.is_ascii() {
        return contains_ascii(raw, word.as_bytes(), 2) || contains_ascii(raw, word.as_bytes(), 1);
    }
    let utf16 =
        |word: &str| -> Vec<u8> { word.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    // Searchers for the service's non-ASCII names, built once (building one costs more than
    // searching a record).
    static FINDERS: std::sync::OnceLock<Vec<(&'static str, memchr::memmem::Finder<'static>)>> =
        std::sync::OnceLock::new();
    let finders = FINDERS.get_or_init(|| {
        WINDOWS_INSTALLER_NAMES
            .iter()
            .filter(|w| !w.is_ascii())
            .map(|w| (*w, memchr::memmem::Finder::new(&utf16(w)).into_owned()))
            .collect()
    });
    match finders.iter().find(|(w, _)| *w == word) {
        Some((_, finder)) => finder.find(raw).is_some(),
        None => memchr::memmem::find(raw, &utf16(word)).is_some(),
    }
}

/// An ASCII `word` in any case, each letter taking `width` bytes (2: UTF-16LE, 1: 8-bit).
fn contains_ascii(raw: &[u8], word: &[u8], width: usize) -> bool {
    let span = word.len() * width;
    let Some(&first) = word.first() else {
        return false;
    };
    if raw.len() < span {
        return false;
    }
    let starts = &raw[..=raw.len() - span];
    memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        starts,
    )
    .any(|start| ascii_at(raw, start, word, width))
}

fn ascii_at(raw: &[u8], start: usize, word: &[u8], width: usize) -> bool {
    word.iter().enumerate().all(|(i, letter)| {
        let at = start + i * width;
        raw[at].eq_ignore_ascii_case(letter) && (width == 1 || raw[at + 1] == 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_provider_names_give_the_same_interest() {
        let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
        for (name, id) in [
            (MSI_INSTALLER, 1033),
            (SCM, 7036),
            (SCM, 7000),
            (SCM, 1),
            (APPLICATION_ERROR, 1000),
            (WER, 1001),
            (RESTART_MANAGER, 10000),
            ("MsiInstallerX", 1033),
            ("Msiinstaller", 1033),
            ("", 0),
            ("Установщик Windows", 7036),
        ] {
            let mut bytes = utf16(name);
            assert_eq!(interest_utf16(&bytes, id), interest(name, id), "{name}");
            bytes.extend([0, 0, b'x', 0]);
            assert_eq!(
                interest_utf16(&bytes, id),
                interest(name, id),
                "{name} + NUL"
            );
        }
        assert_eq!(
            interest_utf16(&utf16("MsiInstaller")[..23], 1),
            Interest::None
        );
    }

    fn scm(id: u32, named: &[(&str, &str)], binary: Option<&str>) -> WinEvent {
        WinEvent {
            channel: "System".into(),
            provider: SCM.into(),
            event_id: id,
            record_id: 1,
            computer: "PC".into(),
            user_sid: None,
            process_id: None,
            data: Vec::new(),
            named: named
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            binary: binary.map(str::to_string),
            fact: crate::model::WinFact::None,
        }
    }

    #[test]
    fn interest_by_provider_and_id() {
        assert_eq!(interest("MsiInstaller", 1), Interest::Always);
        assert_eq!(interest(RESTART_MANAGER, 10010), Interest::Always);
        assert_eq!(interest(RESTART_MANAGER, 10002), Interest::None);
        assert_eq!(interest(SCM, 7036), Interest::Service);
        assert_eq!(interest(SCM, 7001), Interest::Always);
        assert_eq!(interest(SCM, 7038), Interest::Always);
        assert_eq!(interest(SCM, 7026), Interest::None);
        assert_eq!(interest(APPLICATION_ERROR, 1000), Interest::Crash);
        assert_eq!(interest(WER, 1001), Interest::Crash);
        assert_eq!(
            interest("Microsoft-Windows-Security-SPP", 1033),
            Interest::None
        );
    }

    #[test]
    fn scm_about_the_installer_by_key_name_or_binary() {
        let binary = "6D00730069007300650072007600650072002F0034000000";
        assert_eq!(binary_service_key(binary).as_deref(), Some("msiserver"));
        assert!(wanted(&scm(
            7036,
            &[("param1", "x"), ("param2", "running")],
            Some(binary)
        )));
        assert!(wanted(&scm(7000, &[("param1", "Windows Installer")], None)));
        assert!(wanted(&scm(
            7000,
            &[("param1", "Установщик Windows")],
            None
        )));
        assert!(wanted(&scm(7040, &[("param4", "MSIServer")], None)));
        assert!(!wanted(&scm(7036, &[("param1", "Print Spooler")], None)));
        assert!(!wanted(&scm(
            7026,
            &[("param1", "Windows Installer")],
            None
        )));
        // Start failures are kept for every service.
        assert!(wanted(&scm(7000, &[("param1", "Print Spooler")], None)));
    }

    #[test]
    fn raw_scan_is_case_insensitive_for_ascii() {
        let utf16: Vec<u8> = "xxMSIServer/4"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(may_concern_msi(Interest::Service, &utf16));
        assert!(may_concern_msi(Interest::Crash, b"..MsiExec.exe.."));
        let russian: Vec<u8> = "Установщик Windows"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let mut shifted = vec![0u8];
        shifted.extend(&russian);
        assert!(may_concern_msi(Interest::Service, &shifted));
        assert!(!may_concern_msi(Interest::Service, b"spooler"));
        assert!(!may_concern_msi(Interest::Crash, &[]));
    }
}
