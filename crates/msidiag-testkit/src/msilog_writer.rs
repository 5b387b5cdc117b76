//! A small verbose-MSI-log writer for generated multi-source fixtures: banners, `MSI (c|s)`
//! lines with the low PID/TID bytes, action start/end lines, property dumps and outcome lines,
//! on a local wall clock that may cross midnight. It writes text only; encoding is the caller's.

use chrono::{Duration, NaiveDateTime};

pub struct MsiLog {
    lines: Vec<String>,
    now: NaiveDateTime,
    date_format: &'static str,
    client: (u8, u8),
    server: (u8, u8),
}

impl MsiLog {
    /// Starts a log at `start` (local time); `date_format` like `%-m/%-d/%Y` or `%d.%m.%Y`.
    pub fn new(
        start: NaiveDateTime,
        date_format: &'static str,
        client_pid: u32,
        server_pid: u32,
    ) -> MsiLog {
        let mut log = MsiLog {
            lines: Vec::new(),
            now: start,
            date_format,
            client: ((client_pid & 0xFF) as u8, 0x20),
            server: ((server_pid & 0xFF) as u8, 0x48),
        };
        let stamp = log.banner_stamp();
        log.lines.push(format!(
            "=== Verbose logging started: {stamp}  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ==="
        ));
        log
    }

    fn banner_stamp(&self) -> String {
        format!(
            "{}  {}",
            self.now.format(self.date_format),
            self.now.format("%-H:%M:%S")
        )
    }

    fn tick(&mut self, ms: i64) {
        self.now += Duration::milliseconds(ms);
    }

    fn prefixed(&mut self, side: char, ms: i64, msg: &str) {
        self.tick(ms);
        let (p, t) = if side == 'c' {
            self.client
        } else {
            self.server
        };
        let time = self.now.format("%H:%M:%S").to_string();
        let millis = self.now.and_utc().timestamp_subsec_millis();
        self.lines.push(format!(
            "MSI ({side}) ({p:02X}:{t:02X}) [{time}:{millis:03}]: {msg}"
        ));
    }

    pub fn now(&self) -> NaiveDateTime {
        self.now
    }

    /// A client-side line, `ms` milliseconds after the previous one.
    pub fn c(&mut self, ms: i64, msg: &str) -> &mut Self {
        self.prefixed('c', ms, msg);
        self
    }

    /// A server-side line.
    pub fn s(&mut self, ms: i64, msg: &str) -> &mut Self {
        self.prefixed('s', ms, msg);
        self
    }

    /// A line without prefix (custom-action output, dialogs, properties).
    pub fn raw(&mut self, line: &str) -> &mut Self {
        self.lines.push(line.to_string());
        self
    }

    /// `Action start` … `Action ended` with a server `Doing action` line before it.
    pub fn action(&mut self, side: char, name: &str, ms: i64, ret: u8) -> &mut Self {
        self.prefixed(side, ms, &format!("Doing action: {name}"));
        let t = self.now.format("%-H:%M:%S").to_string();
        self.lines.push(format!("Action start {t}: {name}."));
        self.tick(ms);
        let t = self.now.format("%-H:%M:%S").to_string();
        self.lines
            .push(format!("Action ended {t}: {name}. Return value {ret}."));
        self
    }

    pub fn action_start(&mut self, name: &str) -> &mut Self {
        let t = self.now.format("%-H:%M:%S").to_string();
        self.lines.push(format!("Action start {t}: {name}."));
        self
    }

    pub fn action_end(&mut self, name: &str, ms: i64, ret: u8) -> &mut Self {
        self.tick(ms);
        let t = self.now.format("%-H:%M:%S").to_string();
        self.lines
            .push(format!("Action ended {t}: {name}. Return value {ret}."));
        self
    }

    /// The client's usual opening: policies, the RunEngine block, the package.
    pub fn client_opening(&mut self, package: &str, product_code: &str) -> &mut Self {
        self.c(12, "Resetting cached policy values")
            .c(0, "Machine policy value 'Debug' is 0")
            .c(0, "******* RunEngine:");
        self.raw(&format!("           ******* Product: {package}"))
            .raw("           ******* Action: ")
            .raw("           ******* CommandLine: **********");
        self.c(9, "Machine policy value 'DisableUserInstalls' is 0")
            .c(31, &format!("SOFTWARE RESTRICTION POLICY: Verifying package --> '{package}' against software restriction policy"))
            .c(2, "Note: 1: 2262 2: DigitalSignature 3: -2147287038 ")
            .c(4, &format!("Original package ==> {package}"))
            .c(0, &format!("Package we're running from ==> {package}"))
            .c(1, &format!("APPCOMPAT: looking for appcompat database entry with ProductCode '{product_code}'."))
            .c(5, "Note: 1: 2203 2: C:\\WINDOWS\\Installer\\inprogressinstallinfo.ipi 3: -2147287038 ")
    }

    /// `=== Logging started ===` for the server side and its opening lines.
    pub fn server_opening(&mut self, product_code: &str) -> &mut Self {
        self.tick(40);
        let stamp = self.banner_stamp();
        self.lines.push(format!("=== Logging started: {stamp} ==="));
        self.s(3, "Running installation inside multi-package transaction")
            .s(1, "Grabbed execution mutex.")
            .s(2, "Resetting cached policy values")
            .s(0, "Machine policy value 'DisableMsi' is 0")
            .s(
                5,
                &format!("Product Code from property table before transforms: '{product_code}'"),
            )
            .s(
                0,
                &format!("Product Code from property table after transforms:  '{product_code}'"),
            )
            .s(4, "Note: 1: 2205 2:  3: Error ")
    }

    /// `Property(S|C): name = value` lines.
    pub fn properties(&mut self, scope: char, props: &[(&str, &str)]) -> &mut Self {
        for (n, v) in props {
            self.lines.push(format!("Property({scope}): {n} = {v}"));
        }
        self
    }

    /// The outcome lines, the engine's return and the closing banners.
    pub fn outcome(
        &mut self,
        verb: &str,
        product: &str,
        version: &str,
        manufacturer: &str,
        status: i64,
        server_ran: bool,
    ) -> &mut Self {
        let (note, text) = if status == 0 {
            ("1707", "Installation completed successfully.")
        } else {
            ("1708", "Installation failed.")
        };
        let side = if server_ran { 's' } else { 'c' };
        if server_ran {
            self.s(20, &format!("MainEngineThread is returning {status}"));
            self.tick(10);
            let stamp = self.banner_stamp();
            self.lines.push(format!("=== Logging stopped: {stamp} ==="));
        }
        self.prefixed(side, 5, &format!("Note: 1: {note} "));
        self.prefixed(side, 0, &format!("Product: {product} -- {text}"));
        self.lines.push(String::new());
        let kind = match verb {
            "removed" => "Removal",
            "reconfigured" => "Reconfiguration",
            _ => "Installation",
        };
        self.prefixed(side, 1, &format!(
            "Windows Installer {verb} the product. Product Name: {product}. Product Version: {version}. Product Language: 1033. Manufacturer: {manufacturer}. {kind} success or error status: {status}."
        ));
        self.lines.push(String::new());
        self.c(3, &format!("MainEngineThread is returning {status}"));
        self.tick(4);
        let stamp = self.banner_stamp();
        self.lines
            .push(format!("=== Verbose logging stopped: {stamp} ==="));
        self
    }

    /// The log as CRLF text.
    pub fn text(&self) -> String {
        let mut out = self.lines.join("\r\n");
        out.push_str("\r\n");
        out
    }

    /// The log as UTF-16LE with BOM, the way `msiexec /l*v` writes it.
    pub fn utf16(&self) -> Vec<u8> {
        let mut out = vec![0xFF, 0xFE];
        for u in self.text().encode_utf16() {
            out.extend_from_slice(&u.to_le_bytes());
        }
        out
    }
}
