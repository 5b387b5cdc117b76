//! Generates the multi-source fixture cases (`fixtures/cases/xs-*`): an MSI log, event logs and
//! a Procmon capture of the same failure, written by the project's own writers with realistic
//! PIDs, time-zone offsets and noise, where the root cause only becomes certain when the
//! sources are combined. The test fails when the committed files differ from what the
//! generator writes; `MSIDIAG_REGENERATE=1 cargo test --test multisource` rewrites them.
//! The cases' expectations live in their `expected.json` and are checked by `tests/cases.rs`.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};

use msidiag_testkit::evtx_writer::{write_evtx, RecordSpec};
use msidiag_testkit::msilog_writer::MsiLog;
use msidiag_testkit::pml_writer::{
    PmlCapture, PmlDetail, PmlEvent, PmlProcess, ACCESS_DENIED, SHARING_VIOLATION, SUCCESS,
};

const PATH_NOT_FOUND: u32 = 0xC000_003A;
const SID: &str = "S-1-5-21-3623811015-3361044348-30300820-1013";

fn local(s: &str) -> NaiveDateTime {
    s.parse().unwrap()
}

fn utc(local: NaiveDateTime, offset_minutes: i64) -> DateTime<Utc> {
    Utc.from_utc_datetime(&(local - Duration::minutes(offset_minutes)))
}

fn filetime(t: DateTime<Utc>) -> u64 {
    ((t.timestamp() + 11_644_473_600) as u64) * 10_000_000
        + u64::from(t.timestamp_subsec_nanos() / 100)
}

fn msi(id: u16, at: DateTime<Utc>, pid: u32, data: &[&str]) -> RecordSpec {
    let mut padded: Vec<&str> = data.to_vec();
    while padded.len() < 7 {
        padded.push(if padded.len() == 6 { "" } else { "(NULL)" });
    }
    RecordSpec {
        event_id: id,
        ..RecordSpec::new("MsiInstaller", 0)
    }
    .at(at)
    .pid(pid)
    .sid(SID)
    .data(&padded)
}

fn outcome_record(
    at: DateTime<Utc>,
    pid: u32,
    product: &str,
    version: &str,
    status: &str,
    manufacturer: &str,
    code: &str,
) -> RecordSpec {
    let mut binary = code.as_bytes().to_vec();
    binary.extend_from_slice(b"000076537b97");
    msi(
        1033,
        at,
        pid,
        &[product, version, "1033", status, manufacturer, "(NULL)", ""],
    )
    .binary(&binary)
}

/// Noise every real Application log has around an install.
fn app_noise(around: DateTime<Utc>) -> Vec<RecordSpec> {
    (0..6)
        .map(|i| {
            let at = around - Duration::minutes(30) + Duration::minutes(i * 11);
            if i % 2 == 0 {
                RecordSpec::new("Microsoft-Windows-Security-SPP", 16384)
                    .at(at)
                    .data(&["2026-01-01T00:00:00Z", "RulesEngine"])
            } else {
                RecordSpec::new("ESENT", 916).at(at).data(&[
                    "svchost",
                    "6548,R,98",
                    "",
                    "beta feature EseDiskFlushConsistency",
                ])
            }
        })
        .collect()
}

/// A System log record of the Service Control Manager (7040 is informational, the rest errors).
fn scm(id: u16, at: DateTime<Utc>, named: &[(&str, &str)]) -> RecordSpec {
    RecordSpec {
        event_id: id,
        ..RecordSpec::new("Service Control Manager", 0)
    }
    .qualifiers(if id == 7040 { 16384 } else { 49152 })
    .channel("System")
    .at(at)
    .named(named)
}

/// A failed install transaction as the Application log records it: 1040, the `extra` records,
/// 11708 "Installation failed.", 1033 with status 1603 (ProductCode in `Binary`), 1042.
struct Failed<'a> {
    pid: u32,
    package: &'a str,
    product: &'a str,
    version: &'a str,
    manufacturer: &'a str,
    code: &'a str,
}

impl Failed<'_> {
    fn records(
        &self,
        begin: DateTime<Utc>,
        fail: DateTime<Utc>,
        extra: Vec<RecordSpec>,
    ) -> Vec<RecordSpec> {
        let pid = self.pid.to_string();
        let mut out = vec![msi(1040, begin, self.pid, &[self.package, &pid])];
        out.extend(extra);
        out.extend([
            msi(
                11708,
                fail - Duration::seconds(1),
                self.pid,
                &[&format!(
                    "Product: {} -- Installation failed.",
                    self.product
                )],
            ),
            outcome_record(
                fail,
                self.pid,
                self.product,
                self.version,
                "1603",
                self.manufacturer,
                self.code,
            ),
            msi(
                1042,
                fail + Duration::seconds(1),
                self.pid,
                &[self.package, &pid],
            ),
        ]);
        out
    }
}

fn process(
    pid: u32,
    parent: u32,
    name: &str,
    command_line: &str,
    user: &str,
    integrity: &str,
) -> PmlProcess {
    PmlProcess {
        command_line: command_line.to_string(),
        user: user.to_string(),
        integrity: integrity.to_string(),
        ..PmlProcess::new(pid, parent, name)
    }
}

fn create_file(path: &str, open_result: Option<u32>) -> PmlDetail {
    PmlDetail::CreateFile {
        path: path.to_string(),
        access: 0x0012_019F,
        disposition: 3,
        options: 0x60,
        attributes: 0x80,
        share: 3,
        open_result,
    }
}

/// A case: its name and its input files (name, bytes).
struct Case {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
}

/// 2503 without the .ipi signature; the event log and the capture show msiexec (SYSTEM) denied
/// in C:\Windows\Temp. Eastern time (UTC−05:00).
fn windows_temp_acl() -> Case {
    let (product, code, pkg) = (
        "Tailspin Reports",
        "{6F1D2A44-3B8E-4C71-9A05-1E7C3D9B2F60}",
        "C:\\Users\\kchen\\Downloads\\TailspinReports-5.2.msi",
    );
    let (cpid, spid) = (9148u32, 1216u32);
    let mut log = MsiLog::new(local("2026-01-15T09:14:02"), "%-m/%-d/%Y", cpid, spid);
    log.client_opening(pkg, code);
    log.action('c', "INSTALL", 30, 1);
    log.c(
        20,
        "Switching to server: TARGETDIR=\"C:\\Program Files\\Tailspin\\Reports\\\"",
    );
    log.server_opening(code);
    log.s(5, "MSI_LUA: Setting MsiRunningElevated property to 1 because the install is already running elevated.")
        .s(0, "PROPERTY CHANGE: Adding MsiRunningElevated property. Its value is '1'.")
        .s(0, "PROPERTY CHANGE: Adding Privileged property. Its value is '1'.");
    log.action('s', "CostFinalize", 200, 1)
        .action('s', "InstallValidate", 300, 1)
        .action('s', "InstallInitialize", 40, 1);
    log.action('s', "InstallFiles", 60, 1);
    log.s(10, "Doing action: InstallFinalize")
        .action_start("InstallFinalize");
    log.s(2, "Running Script: C:\\Windows\\Installer\\MSI7C21.tmp")
        .s(
            1,
            "PROPERTY CHANGE: Adding UpdateStarted property. Its value is '1'.",
        )
        .s(
            1,
            "Note: 1: 2203 2: C:\\Windows\\Installer\\inprogressinstallinfo.ipi 3: -2147287038 ",
        )
        .s(1, "Note: 1: 2503 ");
    log.raw("DEBUG: Error 2503:  Called RunScript when not marked in progress.")
        .raw("The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2503. The arguments are: , , ");
    log.s(1800, &format!("Product: {product} -- The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2503. The arguments are: , , "));
    log.action_end("InstallFinalize", 2, 3);
    log.s(1, "Note: 1: 2502 ")
        .raw("DEBUG: Error 2502:  Called InstallFinalize when no install in progress.");
    log.properties(
        'S',
        &[
            ("ProductCode", code),
            ("ProductName", product),
            ("ProductVersion", "5.2.0"),
            ("Manufacturer", "Tailspin Toys"),
            ("ALLUSERS", "1"),
            ("LogonUser", "kchen"),
            ("MsiRunningElevated", "1"),
            ("Privileged", "1"),
            ("AdminUser", "1"),
            ("TempFolder", "C:\\Windows\\Temp\\"),
        ],
    );
    log.outcome("installed", product, "5.2.0", "Tailspin Toys", 1603, true);
    let begin = utc(local("2026-01-15T09:14:03"), -300);
    let fail = utc(log.now(), -300);
    let mut records = app_noise(begin);
    let tx = Failed {
        pid: cpid,
        package: pkg,
        product,
        version: "5.2.0",
        manufacturer: "Tailspin Toys",
        code,
    };
    let internal_error = format!("Product: {product} -- The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2503. The arguments are: , , ");
    records.extend(tx.records(
        begin,
        fail,
        vec![msi(
            10005,
            fail - Duration::seconds(2),
            cpid,
            &[&internal_error],
        )],
    ));
    records.sort_by_key(|r| r.time);
    let server = process(
        spid,
        704,
        "msiexec.exe",
        "C:\\Windows\\system32\\msiexec.exe /V",
        "NT AUTHORITY\\SYSTEM",
        "System",
    );
    let client = process(
        cpid,
        5312,
        "msiexec.exe",
        &format!("\"C:\\Windows\\System32\\msiexec.exe\" /i \"{pkg}\""),
        "CONTOSO\\kchen",
        "High",
    );
    let explorer = process(
        5312,
        5100,
        "explorer.exe",
        "C:\\Windows\\Explorer.EXE",
        "CONTOSO\\kchen",
        "Medium",
    );
    let t0 = utc(local("2026-01-15T09:14:04"), -300);
    let denied_at = utc(log.now(), -300) - Duration::seconds(4);
    let pml = PmlCapture {
        is64: true,
        processes: vec![explorer, client, server],
        events: vec![
            PmlEvent::new(
                0,
                filetime(t0),
                SUCCESS,
                create_file("C:\\Users\\kchen\\Desktop", Some(1)),
            ),
            PmlEvent::new(
                1,
                filetime(t0 + Duration::milliseconds(120)),
                SUCCESS,
                create_file(pkg, Some(1)),
            ),
            PmlEvent::new(
                2,
                filetime(denied_at),
                ACCESS_DENIED,
                create_file("C:\\Windows\\Temp\\MSI7C22.tmp", None),
            ),
            PmlEvent::new(
                2,
                filetime(denied_at + Duration::milliseconds(3)),
                ACCESS_DENIED,
                create_file("C:\\Windows\\Temp\\MSI7C23.tmp", None),
            ),
            PmlEvent::new(
                2,
                filetime(denied_at + Duration::milliseconds(9)),
                SUCCESS,
                create_file("C:\\Windows\\Installer\\MSI7C21.tmp", Some(1)),
            ),
        ],
    };
    Case {
        name: "xs-windows-temp-acl",
        files: vec![
            ("MSI5a7d2.LOG", log.utf16()),
            ("Application.evtx", write_evtx(&records)),
            ("install-capture.PML", pml.to_bytes()),
        ],
    }
}

/// The .ipi signature with an administrator's filtered token: the log alone cannot say
/// "not elevated" for sure; the Procmon CSV (Integrity Medium) can. Central Europe (UTC+01:00).
fn not_elevated_procmon_csv() -> Case {
    let (product, code, pkg) = (
        "Fabrikam Notes",
        "{0C4E8A19-77D2-4B3F-8E61-A5D0C93B7E24}",
        "C:\\Users\\lwagner\\Downloads\\FabrikamNotes.msi",
    );
    let (cpid, spid) = (7356u32, 1180u32);
    let mut log = MsiLog::new(local("2026-02-14T16:40:11"), "%d.%m.%Y", cpid, spid);
    log.client_opening(pkg, code);
    log.c(2, "MSI_LUA: Setting AdminUser property to 1 because this is the client or the user has already permitted elevation");
    log.action('c', "INSTALL", 25, 1);
    log.server_opening(code);
    log.s(
        3,
        "PROPERTY CHANGE: Adding Privileged property. Its value is '1'.",
    );
    log.action('s', "InstallInitialize", 200, 1)
        .action('s', "ProcessComponents", 40, 1);
    log.s(10, "Doing action: InstallFinalize")
        .action_start("InstallFinalize");
    log.s(2, "Running Script: C:\\Windows\\Installer\\MSI3B90.tmp")
        .s(
            1,
            "PROPERTY CHANGE: Adding UpdateStarted property. Its value is '1'.",
        )
        .s(
            1,
            "Note: 1: 2203 2: C:\\Windows\\Installer\\inprogressinstallinfo.ipi 3: -2147287035 ",
        )
        .s(1, "Note: 1: 2503 ");
    log.raw("DEBUG: Error 2503:  Called RunScript when not marked in progress.");
    log.s(2100, &format!("Product: {product} -- The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2503. The arguments are: , , "));
    log.action_end("InstallFinalize", 1, 3);
    log.s(1, "Note: 1: 2502 ")
        .raw("DEBUG: Error 2502:  Called InstallFinalize when no install in progress.");
    log.properties(
        'S',
        &[
            ("ProductCode", code),
            ("ProductName", product),
            ("ProductVersion", "3.1.4"),
            ("ALLUSERS", "1"),
            ("LogonUser", "lwagner"),
            ("AdminUser", "1"),
            ("Privileged", "1"),
            ("TempFolder", "C:\\Users\\lwagner\\AppData\\Local\\Temp\\"),
        ],
    );
    log.outcome("installed", product, "3.1.4", "Fabrikam", 1603, true);
    let fail = utc(log.now(), 60);
    let tx = Failed {
        pid: cpid,
        package: pkg,
        product,
        version: "3.1.4",
        manufacturer: "Fabrikam",
        code,
    };
    let records = tx.records(utc(local("2026-02-14T16:40:12"), 60), fail, Vec::new());
    // Procmon CSV export (local time, no date), a few added columns, in the Win10 order.
    let denied = log.now() - Duration::seconds(3);
    let row = |t: NaiveDateTime,
               proc_: &str,
               pid: u32,
               op: &str,
               path: &str,
               result: &str,
               detail: &str,
               user: &str,
               integrity: &str,
               cmd: &str| {
        let tod = t.format("%-I:%M:%S%.f %p").to_string();
        let (hms, ampm) = tod.rsplit_once(' ').unwrap();
        let (whole, frac) = hms.split_once('.').unwrap_or((hms, "0"));
        let frac7 = format!("{:0<7}", &frac[..frac.len().min(7)]);
        format!("\"{whole}.{frac7} {ampm}\",\"{proc_}\",\"{pid}\",\"{op}\",\"{path}\",\"{result}\",\"{detail}\",\"{user}\",\"{integrity}\",\"{cmd}\"\r\n")
    };
    let client_cmd = format!("\"\"C:\\Windows\\System32\\msiexec.exe\"\" /i \"\"{pkg}\"\"");
    let mut csv = String::from("\u{feff}\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\",\"User\",\"Integrity\",\"Command Line\"\r\n");
    csv.push_str(&row(
        local("2026-02-14T16:40:11.2041733"),
        "Explorer.EXE",
        4420,
        "QueryDirectory",
        "C:\\Users\\lwagner\\Downloads",
        "SUCCESS",
        "FileInformationClass: FileBothDirectoryInformation",
        "FABRIKAM\\lwagner",
        "Medium",
        "C:\\Windows\\Explorer.EXE",
    ));
    csv.push_str(&row(local("2026-02-14T16:40:11.3104417"), "msiexec.exe", cpid, "CreateFile", pkg, "SUCCESS", "Desired Access: Generic Read, Disposition: Open, Options: , Attributes: N, ShareMode: Read, AllocationSize: n/a, OpenResult: Opened", "FABRIKAM\\lwagner", "Medium", &client_cmd));
    csv.push_str(&row(denied, "msiexec.exe", cpid, "CreateFile", "C:\\Windows\\Installer\\inprogressinstallinfo.ipi", "ACCESS DENIED", "Desired Access: Generic Read/Write, Disposition: OpenIf, Options: Synchronous IO Non-Alert, Non-Directory File, Attributes: N, ShareMode: None, AllocationSize: 0", "FABRIKAM\\lwagner", "Medium", &client_cmd));
    csv.push_str(&row(
        denied + Duration::milliseconds(2),
        "svchost.exe",
        1332,
        "RegQueryValue",
        "HKLM\\System\\CurrentControlSet\\Services\\Tcpip\\Parameters\\Hostname",
        "SUCCESS",
        "Type: REG_SZ, Length: 16, Data: WS-0131",
        "NT AUTHORITY\\NETWORK SERVICE",
        "System",
        "C:\\Windows\\system32\\svchost.exe -k NetworkService",
    ));
    Case {
        name: "xs-not-elevated-procmon-csv",
        files: vec![
            ("install.log", log.utf16()),
            ("app.evtx", write_evtx(&records)),
            ("Logfile.CSV", csv.into_bytes()),
        ],
    }
}

/// The user's TEMP points to a RAM disk that is gone: the log shows 2336 on Z:\Temp, the
/// capture shows the environment and PATH NOT FOUND. No event log; the capture aligns the clock.
/// Pacific time (UTC−08:00).
fn user_temp_missing() -> Case {
    let (product, code, pkg) = (
        "Adventure Works Sync",
        "{93A7F0C2-15BE-4D68-B0E4-7C2F61A9D835}",
        "\\\\fs01\\deploy\\AWSync\\AWSync.msi",
    );
    let cpid = 11044u32;
    let mut log = MsiLog::new(local("2026-03-03T07:52:40"), "%-m/%-d/%Y", cpid, 1012);
    log.client_opening(pkg, code);
    log.c(3, "Note: 1: 2336 2: 3 3: Z:\\Temp\\ ");
    log.raw("DEBUG: Error 2336:  Error creating temp file on path: Z:\\Temp\\. GetLastError: 3.");
    log.c(1, "Note: 1: 1632 ");
    log.raw("Error 1632. The Temp folder is on a drive that is full or is inaccessible. Free up space on the drive or verify that you have write permission on the Temp folder.");
    log.c(900, &format!("Product: {product} -- Error 1632. The Temp folder is on a drive that is full or is inaccessible. Free up space on the drive or verify that you have write permission on the Temp folder."));
    log.properties(
        'C',
        &[
            ("ProductCode", code),
            ("ProductName", product),
            ("ProductVersion", "2.0.7"),
            ("LogonUser", "rgarcia"),
            ("TempFolder", "Z:\\Temp\\"),
        ],
    );
    log.c(4, "MainEngineThread is returning 1632");
    let end = log.now() + Duration::milliseconds(4);
    let mut text = log.text();
    text.push_str(&format!(
        "=== Verbose logging stopped: {}  {} ===\r\n",
        end.format("%-m/%-d/%Y"),
        end.format("%-H:%M:%S")
    ));
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let start = utc(local("2026-03-03T07:52:39.8"), -480);
    let shell = process(
        6020,
        5880,
        "explorer.exe",
        "C:\\Windows\\Explorer.EXE",
        "ADVWORKS\\rgarcia",
        "Medium",
    );
    let client = process(
        cpid,
        6020,
        "msiexec.exe",
        &format!("\"C:\\Windows\\System32\\msiexec.exe\" /i \"{pkg}\""),
        "ADVWORKS\\rgarcia",
        "Medium",
    );
    let pml = PmlCapture {
        is64: true,
        processes: vec![shell, client],
        events: vec![
            PmlEvent::new(
                0,
                filetime(start - Duration::milliseconds(3)),
                SUCCESS,
                PmlDetail::ProcessCreate {
                    child_pid: cpid,
                    image_path: "C:\\Windows\\System32\\msiexec.exe".into(),
                    command_line: format!("\"C:\\Windows\\System32\\msiexec.exe\" /i \"{pkg}\""),
                },
            ),
            PmlEvent::new(
                1,
                filetime(start),
                SUCCESS,
                PmlDetail::ProcessStart {
                    parent_pid: 6020,
                    command_line: format!("\"C:\\Windows\\System32\\msiexec.exe\" /i \"{pkg}\""),
                    current_directory: "C:\\Users\\rgarcia\\".into(),
                    environment: vec![
                        "ALLUSERSPROFILE=C:\\ProgramData".into(),
                        "TEMP=Z:\\Temp".into(),
                        "TMP=Z:\\Temp".into(),
                        "USERNAME=rgarcia".into(),
                    ],
                },
            ),
            PmlEvent::new(
                1,
                filetime(start + Duration::milliseconds(640)),
                PATH_NOT_FOUND,
                create_file("Z:\\Temp\\MSI2f9a1.LOG", None),
            ),
            PmlEvent::new(
                1,
                filetime(start + Duration::milliseconds(700)),
                PATH_NOT_FOUND,
                create_file("Z:\\Temp\\MSI2f9a2.tmp", None),
            ),
        ],
    };
    Case {
        name: "xs-user-temp-missing",
        files: vec![("MSI2f9a1.LOG", bytes), ("capture.pml", pml.to_bytes())],
    }
}

/// Someone disabled the Windows Installer service; the client log only says 1719. System.evtx
/// shows the 7040 (start type → disabled) and the 7000 failure.
fn msiserver_disabled() -> Case {
    let (product, code, pkg) = (
        "Litware Viewer",
        "{5E2B9C71-0A43-4F1D-86C8-2D7B40E1F963}",
        "C:\\Temp\\LitwareViewer.msi",
    );
    let cpid = 3828u32;
    let mut log = MsiLog::new(local("2026-04-09T11:03:27"), "%-m/%-d/%Y", cpid, 0);
    log.client_opening(pkg, code);
    log.action('c', "INSTALL", 20, 1);
    log.c(30015, "Failed to connect to server. Error: 0x80070422");
    log.c(1, "Note: 1: 1719 ");
    log.raw("Error 1719. The Windows Installer Service could not be accessed. This can occur if the Windows Installer is not correctly installed. Contact your support personnel for assistance.");
    log.c(1500, &format!("Product: {product} -- Error 1719. The Windows Installer Service could not be accessed. This can occur if the Windows Installer is not correctly installed. Contact your support personnel for assistance."));
    log.c(3, "MainEngineThread is returning 1601");
    let end = log.now() + Duration::milliseconds(3);
    let mut text = log.text();
    text.push_str(&format!(
        "=== Verbose logging stopped: {}  {} ===\r\n",
        end.format("%-m/%-d/%Y"),
        end.format("%-H:%M:%S")
    ));
    let records = vec![
        scm(
            7040,
            utc(local("2026-04-08T17:20:44"), 120),
            &[
                ("param1", "Windows Installer"),
                ("param2", "demand start"),
                ("param3", "disabled"),
                ("param4", "msiserver"),
            ],
        ),
        scm(
            7000,
            utc(local("2026-04-09T11:03:58"), 120),
            &[("param1", "Windows Installer"), ("param2", "%%1058")],
        ),
    ];
    Case {
        name: "xs-msiserver-disabled",
        files: vec![
            ("install.log", text.into_bytes()),
            ("System.evtx", write_evtx(&records)),
        ],
    }
}

/// A deferred custom action (runs as SYSTEM) fails with 1603; the capture shows its server
/// denied HKLM\SOFTWARE\Fabrikam\Agent. UK time in winter (UTC+00:00).
fn ca_registry_denied() -> Case {
    let (product, code, pkg) = (
        "Fabrikam Agent",
        "{2A8D61F0-9C47-4E35-B1D2-6F0E83A7C514}",
        "C:\\Installers\\FabrikamAgent-4.0.msi",
    );
    let (cpid, spid, capid) = (6612u32, 1044u32, 9420u32);
    let mut log = MsiLog::new(local("2026-01-20T13:05:12"), "%d/%m/%Y", cpid, spid);
    log.client_opening(pkg, code);
    log.action('c', "INSTALL", 25, 1);
    log.server_opening(code);
    log.s(2, "MSI_LUA: Setting MsiRunningElevated property to 1 because the install is already running elevated.");
    log.action('s', "InstallInitialize", 150, 1)
        .action('s', "InstallFiles", 400, 1);
    log.s(10, "Doing action: InstallFinalize")
        .action_start("InstallFinalize");
    log.s(2, "Running Script: C:\\Windows\\Installer\\MSI8E01.tmp")
        .s(3, "Executing op: CustomActionSchedule(Action=ConfigureAgentKey,ActionType=3073,Source=BinaryData,Target=ConfigureAgent,)")
        .s(2, "Invoking remote custom action. DLL: C:\\Windows\\Installer\\MSI8E2F.tmp, Entrypoint: ConfigureAgent")
        .s(4200, &format!("Created Custom Action Server with PID {capid} (0x{capid:X})."))
        .s(30, "Hello, I'm your 64bit Elevated custom action server.");
    // The custom action runs (and is denied) right after its server says hello.
    let ca_running = utc(log.now(), 0) + Duration::milliseconds(15);
    log.raw("ConfigureAgentKey:  Creating HKLM\\SOFTWARE\\Fabrikam\\Agent")
        .raw("ConfigureAgentKey:  Error 0x80070005: failed to create registry key SOFTWARE\\Fabrikam\\Agent")
        .raw("CustomAction ConfigureAgentKey returned actual error code 1603 (note this may not be 100% accurate if translation happened inside sandbox)");
    log.action_end("InstallFinalize", 60, 3);
    log.properties(
        'S',
        &[
            ("ProductCode", code),
            ("ProductName", product),
            ("ProductVersion", "4.0.2"),
            ("ALLUSERS", "1"),
            ("LogonUser", "ajones"),
            ("MsiRunningElevated", "1"),
        ],
    );
    log.outcome("installed", product, "4.0.2", "Fabrikam", 1603, true);
    let fail = utc(log.now(), 0);
    let tx = Failed {
        pid: cpid,
        package: pkg,
        product,
        version: "4.0.2",
        manufacturer: "Fabrikam",
        code,
    };
    let records = tx.records(utc(local("2026-01-20T13:05:13"), 0), fail, Vec::new());
    let server = process(
        spid,
        712,
        "msiexec.exe",
        "C:\\Windows\\system32\\msiexec.exe /V",
        "NT AUTHORITY\\SYSTEM",
        "System",
    );
    let ca = process(
        capid,
        spid,
        "msiexec.exe",
        "C:\\Windows\\System32\\MsiExec.exe -Embedding 5C3A1E0D4B2F8A9C E Global\\MSI0000",
        "NT AUTHORITY\\SYSTEM",
        "System",
    );
    let at = ca_running;
    let pml = PmlCapture {
        is64: true,
        processes: vec![server, ca],
        events: vec![
            PmlEvent::new(
                0,
                filetime(at - Duration::milliseconds(50)),
                SUCCESS,
                create_file("C:\\Windows\\Installer\\MSI8E2F.tmp", Some(2)),
            ),
            PmlEvent::new(
                1,
                filetime(at),
                ACCESS_DENIED,
                PmlDetail::RegOpen {
                    operation: 1,
                    path: "HKLM\\SOFTWARE\\Fabrikam\\Agent".into(),
                    access: 0x000F_003F,
                },
            ),
        ],
    };
    Case {
        name: "xs-ca-registry-denied",
        files: vec![
            ("agent-install.log", log.utf16()),
            ("Application.evtx", write_evtx(&records)),
            ("ca.PML", pml.to_bytes()),
        ],
    }
}

/// An upgrade blocked by a running tray program: Info 1603 / 1306 in the log, 1025 in the
/// event log, a sharing violation in the capture. Central time (UTC−06:00).
fn files_in_use() -> Case {
    let (product, code, pkg) = (
        "Northwind Tray",
        "{C41E7B25-3F90-4A6D-9E18-0B5D72F4A3C6}",
        "C:\\Users\\bsmith\\Downloads\\NorthwindTray-8.msi",
    );
    let (cpid, spid, tray) = (2740u32, 1188u32, 6120u32);
    let file = "C:\\Program Files\\Northwind\\Tray\\ntray.exe";
    let mut log = MsiLog::new(local("2026-05-11T15:21:05"), "%-m/%-d/%Y", cpid, spid);
    log.client_opening(pkg, code);
    log.action('c', "INSTALL", 25, 1);
    log.server_opening(code);
    log.action('s', "InstallValidate", 200, 1);
    log.s(5, &format!("RESTART MANAGER: Detected that application with id {tray}, friendly name 'ntray.exe', of type RmUnknownApp and status 1 holds file[s] in use."));
    log.raw(&format!("Info 1603. The file {file} is being held in use by the following process: Name: ntray, Id: {tray}, Window Title: 'Northwind Tray'. Close that application and retry."));
    log.action('s', "InstallInitialize", 100, 1);
    log.s(10, "Doing action: InstallFinalize")
        .action_start("InstallFinalize");
    log.s(4000, &format!("Product: {product} -- Error 1306. Another application has exclusive access to the file '{file}'. Please shut down all other applications, then click Retry."));
    log.raw(&format!("Error 1306. Another application has exclusive access to the file '{file}'. Please shut down all other applications, then click Retry."));
    log.action_end("InstallFinalize", 9000, 3);
    log.properties(
        'S',
        &[
            ("ProductCode", code),
            ("ProductName", product),
            ("ProductVersion", "8.0.1"),
            ("LogonUser", "bsmith"),
        ],
    );
    log.outcome(
        "installed",
        product,
        "8.0.1",
        "Northwind Traders",
        1603,
        true,
    );
    let fail = utc(log.now(), -300);
    let validate = utc(local("2026-05-11T15:21:06"), -300);
    let tx = Failed {
        pid: cpid,
        package: pkg,
        product,
        version: "8.0.1",
        manufacturer: "Northwind Traders",
        code,
    };
    let in_use = msi(
        1025,
        validate,
        cpid,
        &[product, file, "ntray", &tray.to_string()],
    );
    let records = tx.records(utc(local("2026-05-11T15:21:05"), -300), fail, vec![in_use]);
    let server = process(
        spid,
        712,
        "msiexec.exe",
        "C:\\Windows\\system32\\msiexec.exe /V",
        "NT AUTHORITY\\SYSTEM",
        "System",
    );
    let pml = PmlCapture {
        is64: true,
        processes: vec![server],
        events: vec![PmlEvent::new(
            0,
            filetime(fail - Duration::seconds(12)),
            SHARING_VIOLATION,
            create_file(file, None),
        )],
    };
    Case {
        name: "xs-files-in-use",
        files: vec![
            ("upgrade.log", log.utf16()),
            ("Application.evtx", write_evtx(&records)),
            ("tray.pml", pml.to_bytes()),
        ],
    }
}

/// Error 1920: the service the package installs cannot log on (its account's password is
/// wrong). The System log says so (7038 with the account, 7000 with %%1069); the Application
/// log aligns the log's clock. Eastern European time (UTC+02:00).
fn service_logon_failure() -> Case {
    let (product, code, pkg) = (
        "Contoso Sync",
        "{7B3E2A90-5C14-4D8F-A6E2-91C0D4F8B357}",
        "C:\\Deploy\\ContosoSync-3.2.msi",
    );
    let (cpid, spid) = (5120u32, 988u32);
    let (display, key, account) = ("Contoso Sync Agent", "ContosoSync", ".\\svc_sync");
    let mut log = MsiLog::new(local("2026-03-03T09:12:40"), "%d.%m.%Y", cpid, spid);
    log.client_opening(pkg, code);
    log.action('c', "INSTALL", 20, 1);
    log.server_opening(code);
    log.s(2, "MSI_LUA: Setting MsiRunningElevated property to 1 because the install is already running elevated.");
    log.action('s', "InstallInitialize", 120, 1)
        .action('s', "InstallFiles", 900, 1);
    log.s(10, "Doing action: InstallFinalize")
        .action_start("InstallFinalize");
    log.s(3, &format!("Executing op: ServiceInstall(Name={key},DisplayName={display},ImagePath=\"C:\\Program Files\\Contoso\\Sync\\ContosoSync.exe\",ServiceType=16,StartType=2,ErrorControl=1,,Dependencies=[~][~][~],StartName={account},Password=**********,Description=Keeps Contoso folders in sync,,)"))
        .s(40, &format!("Executing op: ServiceControl(,Name={key},Action=1,Wait=1,)"));
    let control = utc(log.now(), 120);
    log.s(30_050, &format!("Note: 1: 1920 2: {display} 3: {key} "))
        .s(2, &format!("Product: {product} -- Error 1920. Service '{display}' ({key}) failed to start. Verify that you have sufficient privileges to start system services."));
    log.raw(&format!("Error 1920. Service '{display}' ({key}) failed to start. Verify that you have sufficient privileges to start system services."));
    log.action_end("InstallFinalize", 4000, 3);
    log.properties(
        'S',
        &[
            ("ProductCode", code),
            ("ProductName", product),
            ("ProductVersion", "3.2.0"),
            ("LogonUser", "mkovacs"),
            ("MsiRunningElevated", "1"),
        ],
    );
    log.outcome("installed", product, "3.2.0", "Contoso", 1603, true);
    let fail = utc(log.now(), 120);
    let tx = Failed {
        pid: cpid,
        package: pkg,
        product,
        version: "3.2.0",
        manufacturer: "Contoso",
        code,
    };
    let application = tx.records(utc(local("2026-03-03T09:12:40"), 120), fail, Vec::new());
    let system = vec![
        scm(
            7038,
            control + Duration::milliseconds(180),
            &[("param1", key), ("param2", account), ("param3", "%%1326")],
        ),
        scm(
            7000,
            control + Duration::milliseconds(190),
            &[("param1", display), ("param2", "%%1069")],
        ),
    ];
    Case {
        name: "xs-service-logon-failure",
        files: vec![
            ("ContosoSync-install.log", log.utf16()),
            ("Application.evtx", write_evtx(&application)),
            ("System.evtx", write_evtx(&system)),
        ],
    }
}

/// A successful install whose services fail after msiexec started them without waiting
/// (`ServiceControl … Wait=0`): the System log records 7009 + 7000, 7024 and 7023 inside the
/// session's window (UTC+01:00), and an unrelated 7000 an hour before it. The session stays a
/// success with no finding; its note lists the four records in the window, not the earlier one.
fn success_scm_failures() -> Case {
    let (product, code, pkg) = (
        "Woodgrove Backup",
        "{C61F0A3E-94B2-4D7A-8E15-2B7D93F0A6C8}",
        "C:\\Install\\WoodgroveBackup-8.0.msi",
    );
    let (cpid, spid) = (7312u32, 1044u32);
    let start = local("2026-04-21T10:05:12");
    let mut log = MsiLog::new(start, "%-m/%-d/%Y", cpid, spid);
    log.client_opening(pkg, code);
    log.action('c', "INSTALL", 20, 1);
    log.server_opening(code);
    log.action('s', "InstallInitialize", 120, 1)
        .action('s', "InstallFiles", 1_400, 1)
        .action('s', "InstallServices", 30, 1)
        .action('s', "StartServices", 20, 1);
    log.s(10, "Doing action: InstallFinalize")
        .action_start("InstallFinalize");
    for (key, display) in [
        ("WgBackupAgent", "Woodgrove Backup Agent"),
        ("WgIndexer", "Woodgrove Indexer"),
        ("WgUpdater", "Woodgrove Updater"),
    ] {
        log.s(3, &format!("Executing op: ServiceInstall(Name={key},DisplayName={display},ImagePath=\"C:\\Program Files\\Woodgrove\\Backup\\{key}.exe\",ServiceType=16,StartType=2,ErrorControl=1,,Dependencies=[~][~][~],StartName=,Password=**********,Description=,,)"));
    }
    for key in ["WgBackupAgent", "WgIndexer", "WgUpdater"] {
        log.s(
            5,
            &format!("Executing op: ServiceControl(,Name={key},Action=1,Wait=0,)"),
        );
    }
    let control = utc(log.now(), 60);
    log.s(2_500, "Executing op: ActionStart(Name=RegisterProduct,Description=Registering product,Template=[1])")
        .s(31_000, "Executing op: End(Checksum=0,ProgressTotalHigh=0,ProgressTotalLow=2811904)")
        .action_end("InstallFinalize", 40, 1)
        .action_end("INSTALL", 10, 1);
    log.properties(
        'S',
        &[
            ("ProductCode", code),
            ("ProductName", product),
            ("ProductVersion", "8.0.3"),
            ("MsiRunningElevated", "1"),
        ],
    );
    log.outcome("installed", product, "8.0.3", "Woodgrove Bank", 0, true);
    let end = utc(log.now(), 60);
    let cpid_s = cpid.to_string();
    let application = vec![
        msi(1040, utc(start, 60), cpid, &[pkg, &cpid_s]),
        msi(
            11707,
            end - Duration::seconds(1),
            cpid,
            &[&format!(
                "Product: {product} -- Installation completed successfully."
            )],
        ),
        outcome_record(end, cpid, product, "8.0.3", "0", "Woodgrove Bank", code),
        msi(1042, end + Duration::seconds(1), cpid, &[pkg, &cpid_s]),
    ];
    let system = vec![
        scm(
            7000,
            control - Duration::minutes(62),
            &[("param1", "Print Spooler"), ("param2", "%%1053")],
        ),
        scm(
            7024,
            control + Duration::milliseconds(900),
            &[("param1", "Woodgrove Backup Agent"), ("param2", "%%3")],
        ),
        scm(
            7009,
            control + Duration::milliseconds(30_020),
            &[("param1", "30000"), ("param2", "Woodgrove Indexer")],
        ),
        scm(
            7000,
            control + Duration::milliseconds(30_030),
            &[("param1", "Woodgrove Indexer"), ("param2", "%%1053")],
        ),
        scm(
            7023,
            control + Duration::milliseconds(31_200),
            &[("param1", "Woodgrove Updater"), ("param2", "%%1067")],
        ),
    ];
    Case {
        name: "xs-success-scm-failures",
        files: vec![
            ("WoodgroveBackup-install.log", log.text().into_bytes()),
            ("Application.evtx", write_evtx(&application)),
            ("System.evtx", write_evtx(&system)),
        ],
    }
}

/// India (UTC+05:30), a log that crosses midnight, and another client's transaction still
/// open: 1618. The event log's overlapping 1040 names the other installer.
fn ist_midnight_another_install() -> Case {
    let (product, code, pkg) = (
        "Contoso Ledger",
        "{7B30C5E9-A26F-4D81-9C4B-E15F08D2A736}",
        "D:\\Setup\\ContosoLedger.msi",
    );
    let (cpid, spid, other) = (5508u32, 1300u32, 7312u32);
    let mut log = MsiLog::new(local("2026-03-12T23:59:20"), "%d-%m-%Y", cpid, spid);
    log.client_opening(pkg, code);
    log.action('c', "INSTALL", 25, 1);
    log.server_opening(code);
    log.s(30000, "Failed to grab execution mutex. System error 258.");
    log.s(1, "Note: 1: 1500 ");
    log.raw("Error 1500. Another installation is in progress. You must complete that installation before continuing this one.");
    log.s(14000, &format!("Product: {product} -- Error 1500. Another installation is in progress. You must complete that installation before continuing this one."));
    log.properties(
        'S',
        &[
            ("ProductCode", code),
            ("ProductName", product),
            ("ProductVersion", "2026.1"),
            ("LogonUser", "pkumar"),
            ("UserLanguageID", "16393"),
        ],
    );
    log.outcome("installed", product, "2026.1", "Contoso", 1618, true);
    let fail = utc(log.now(), 330);
    let records = vec![
        msi(1040, utc(local("2026-03-12T23:55:02"), 330), other, &["C:\\ProgramData\\Contoso\\Updater\\patch-17.msi", &other.to_string()]),
        msi(1040, utc(local("2026-03-12T23:59:21"), 330), cpid, &[pkg, &cpid.to_string()]),
        msi(11500, fail - Duration::seconds(2), cpid, &[&format!("Product: {product} -- Error 1500. Another installation is in progress. You must complete that installation before continuing this one.")]),
        outcome_record(fail, cpid, product, "2026.1", "1618", "Contoso", code),
        msi(1042, fail + Duration::seconds(1), cpid, &[pkg, &cpid.to_string()]),
        msi(1042, fail + Duration::minutes(3), other, &["C:\\ProgramData\\Contoso\\Updater\\patch-17.msi", &other.to_string()]),
    ];
    Case {
        name: "xs-ist-midnight-another-install",
        files: vec![
            ("ledger.log", log.utf16()),
            ("Application.evtx", write_evtx(&records)),
        ],
    }
}

/// Only the Application log: a 2503 failure and, later, a successful install of another
/// product. Sessions come from the 1040…1042 transactions; the report says what is missing.
fn evtx_only_2503() -> Case {
    let (product, code, pkg) = (
        "Wingtip Toolkit",
        "{4D7F3A12-9B6E-4C05-8A31-F2E0D9C7B648}",
        "C:\\Users\\mlopez\\Downloads\\wingtip.msi",
    );
    let cpid = 8824u32;
    let t = Utc.with_ymd_and_hms(2026, 6, 2, 13, 40, 5).unwrap();
    let mut records = app_noise(t);
    records.extend([
        msi(1040, t, cpid, &[pkg, &cpid.to_string()]),
        msi(10005, t + Duration::seconds(9), cpid, &[&format!("Product: {product} -- The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2503. The arguments are: , , ")]),
        msi(10005, t + Duration::seconds(10), cpid, &[&format!("Product: {product} -- The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2502. The arguments are: , , ")]),
        msi(11708, t + Duration::seconds(11), cpid, &[&format!("Product: {product} -- Installation failed.")]),
        outcome_record(t + Duration::seconds(11), cpid, product, "7.1.0", "1603", "Wingtip Toys", code),
        msi(1042, t + Duration::seconds(12), cpid, &[pkg, &cpid.to_string()]),
        msi(1040, t + Duration::minutes(20), 9120, &["C:\\Temp\\notes.msi", "9120"]),
        msi(11707, t + Duration::minutes(20) + Duration::seconds(30), 9120, &["Product: Proseware Notes -- Installation completed successfully."]),
        outcome_record(t + Duration::minutes(20) + Duration::seconds(30), 9120, "Proseware Notes", "1.4.0", "0", "Proseware", "{81B2C3D4-5E6F-4A1B-9C8D-7E6F5A4B3C2D}"),
        msi(1042, t + Duration::minutes(20) + Duration::seconds(31), 9120, &["C:\\Temp\\notes.msi", "9120"]),
    ]);
    records.sort_by_key(|r| r.time);
    Case {
        name: "evtx-only-2503",
        files: vec![("Application.evtx", write_evtx(&records))],
    }
}

/// Only the Application log: msiexec.exe crashed in a custom action DLL during the install.
fn evtx_only_ca_crash() -> Case {
    let (product, code, pkg) = (
        "Litware Scanner",
        "{A0B1C2D3-E4F5-4A6B-8C7D-9E0F1A2B3C4D}",
        "C:\\Deploy\\scanner.msi",
    );
    let cpid = 4412u32;
    let t = Utc.with_ymd_and_hms(2026, 7, 21, 8, 2, 0).unwrap();
    let crash = RecordSpec {
        event_id: 1000,
        ..RecordSpec::new("Application Error", 0)
    }
    .at(t + Duration::seconds(20))
    .named(&[
        ("AppName", "msiexec.exe"),
        ("AppVersion", "5.0.19041.3636"),
        ("AppTimeStamp", "a2a1b2c3"),
        ("ModuleName", "MSI4F2A.tmp"),
        ("ModuleVersion", "4.0.0.0"),
        ("ModuleTimeStamp", "65a1b2c3"),
        ("ExceptionCode", "c0000005"),
        ("FaultingOffset", "0000000000012a4f"),
        ("ProcessId", "0x251c"),
        ("ProcessCreationTime", "0x1dabc0123456789"),
        ("AppPath", "C:\\Windows\\System32\\msiexec.exe"),
        ("ModulePath", "C:\\Windows\\Installer\\MSI4F2A.tmp"),
        ("IntegratorReportId", "7d2c1b0a-1111-2222-3333-444455556666"),
        ("PackageFullName", ""),
        ("PackageRelativeAppId", ""),
    ]);
    let records = vec![
        msi(1040, t, cpid, &[pkg, &cpid.to_string()]),
        crash,
        msi(
            11708,
            t + Duration::seconds(25),
            cpid,
            &[&format!("Product: {product} -- Installation failed.")],
        ),
        outcome_record(
            t + Duration::seconds(25),
            cpid,
            product,
            "2.2.0",
            "1603",
            "Litware",
            code,
        ),
        msi(
            1042,
            t + Duration::seconds(26),
            cpid,
            &[pkg, &cpid.to_string()],
        ),
    ];
    Case {
        name: "evtx-only-ca-crash",
        files: vec![("Application.evtx", write_evtx(&records))],
    }
}

/// Only a Procmon CSV export (with the `Date & Time` column): the msiexec service (SYSTEM) is
/// denied in C:\\Windows\\Temp. No log, no event log: the capture alone names the folder.
fn procmon_only_windows_temp() -> Case {
    let mut csv = String::from("\u{feff}\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\",\"Date & Time\",\"User\",\"Integrity\",\"Command Line\"\r\n");
    let rows = [
        ("10:17:03.1204411 AM", "svchost.exe", 1332, "RegQueryValue", "HKLM\\System\\CurrentControlSet\\Control\\ComputerName\\ActiveComputerName\\ComputerName", "SUCCESS", "Type: REG_SZ, Length: 16, Data: WS-0207", "NT AUTHORITY\\NETWORK SERVICE", "System", "C:\\Windows\\system32\\svchost.exe -k NetworkService"),
        ("10:17:04.5501873 AM", "msiexec.exe", 2204, "CreateFile", "C:\\Windows\\Temp\\MSIb41e.tmp", "ACCESS DENIED", "Desired Access: Generic Read/Write, Disposition: OverwriteIf, Options: Synchronous IO Non-Alert, Non-Directory File, Attributes: N, ShareMode: None, AllocationSize: 0", "NT AUTHORITY\\SYSTEM", "System", "C:\\Windows\\system32\\msiexec.exe /V"),
        ("10:17:04.5509020 AM", "msiexec.exe", 2204, "CreateFile", "C:\\Windows\\Temp\\MSIb41f.tmp", "ACCESS DENIED", "Desired Access: Generic Read/Write, Disposition: OverwriteIf, Options: Synchronous IO Non-Alert, Non-Directory File, Attributes: N, ShareMode: None, AllocationSize: 0", "NT AUTHORITY\\SYSTEM", "System", "C:\\Windows\\system32\\msiexec.exe /V"),
        ("10:17:04.6012345 AM", "Explorer.EXE", 5120, "QueryDirectory", "C:\\Users\\dkim\\Downloads", "NO MORE FILES", "", "WOODGROVE\\dkim", "Medium", "C:\\Windows\\Explorer.EXE"),
    ];
    for (tod, name, pid, op, path, result, detail, user, integrity, cmd) in rows {
        let secs = tod.split('.').next().unwrap();
        csv.push_str(&format!("\"{tod}\",\"{name}\",\"{pid}\",\"{op}\",\"{path}\",\"{result}\",\"{detail}\",\"8/19/2026 {secs} AM\",\"{user}\",\"{integrity}\",\"{cmd}\"\r\n"));
    }
    Case {
        name: "procmon-only-windows-temp",
        files: vec![("Logfile.CSV", csv.into_bytes())],
    }
}

/// Only the Application log: the package's own launch-condition message (no Windows Installer
/// number) in a 10005 record before 11708 and 1033 with status 1603. Shape: the issue's
/// description of MsiInstaller records carrying the sentence the user saw; ids and data
/// layout as in wixtoolset/issues#5180 and prometheus-community/windows_exporter#46.
fn evtx_only_launch_condition() -> Case {
    let (product, code, pkg) = (
        "Contoso Field Client",
        "{2C9E4A71-8B05-4D3F-A6E2-7F1B0C5D9E83}",
        "C:\\Users\\tnguyen\\Downloads\\FieldClient.msi",
    );
    let cpid = 6120u32;
    let t = Utc.with_ymd_and_hms(2026, 9, 14, 7, 12, 40).unwrap();
    let failed = Failed {
        pid: cpid,
        package: pkg,
        product,
        version: "3.2.0",
        manufacturer: "Contoso",
        code,
    };
    let mut records = app_noise(t);
    records.extend(failed.records(
        t,
        t + Duration::seconds(6),
        vec![msi(
            10005,
            t + Duration::seconds(4),
            cpid,
            &[&format!("Product: {product} -- This application requires the .NET Desktop Runtime 8.0 (x64). Install it from the vendor's download page, then run this setup again.")],
        )],
    ));
    records.sort_by_key(|r| r.time);
    Case {
        name: "evtx-only-launch-condition",
        files: vec![("Application.evtx", write_evtx(&records))],
    }
}

/// Only the Application log of a German Windows: the upgrade's RemoveExistingProducts failed
/// with 11714 ("Fehler 1714 … Systemfehler 1612") before 11708 and 1033 with status 1603. Read
/// by the event id and the numbers, not by the translated sentence. Shape of 1714:
/// JanDeDobbeleer/oh-my-posh#6769 and nextcloud/desktop#9201 (a translated 1714 line).
fn evtx_only_old_version_not_removed() -> Case {
    let (product, code, pkg) = (
        "Fabrikam Notes",
        "{3E1F5A20-7B64-4C9D-A812-5F0D9C2B7E41}",
        "C:\\Users\\jschmidt\\Downloads\\FabrikamNotes-3.1.0-x64.msi",
    );
    let cpid = 7244u32;
    let t = Utc.with_ymd_and_hms(2026, 10, 19, 8, 14, 2).unwrap();
    let failed = Failed {
        pid: cpid,
        package: pkg,
        product,
        version: "3.1.0",
        manufacturer: "Fabrikam",
        code,
    };
    let mut records = app_noise(t);
    records.extend(failed.records(
        t,
        t + Duration::seconds(9),
        vec![msi(
            11714,
            t + Duration::seconds(7),
            cpid,
            &[&format!("Produkt: {product} -- Fehler 1714. Die ältere Version von {product} kann nicht entfernt werden. Wenden Sie sich an Ihre technische Supportgruppe. Systemfehler 1612.")],
        )],
    ));
    records.sort_by_key(|r| r.time);
    Case {
        name: "evtx-only-old-version-not-removed",
        files: vec![("Application.evtx", write_evtx(&records))],
    }
}

/// Only the Application log: the client could not connect to the Windows Installer service
/// (1015 "Failed to connect to server. Error: 0x800706BA") and the install ended with 1601.
/// Template of 1015 from the MsiInstaller event message file (research notes §8); no real
/// rendering was found, so the data layout follows the other MsiInstaller records.
fn evtx_only_connect_failed() -> Case {
    let (product, code, pkg) = (
        "Lucerne Timesheets",
        "{8A3C5E71-0D2B-4F96-B41E-7C9D2A0F6E53}",
        "C:\\Deploy\\LucerneTimesheets.msi",
    );
    let cpid = 5312u32;
    let t = Utc.with_ymd_and_hms(2026, 11, 3, 15, 2, 11).unwrap();
    let mut records = app_noise(t);
    records.extend([
        msi(1040, t, cpid, &[pkg, &cpid.to_string()]),
        msi(
            1015,
            t + Duration::seconds(30),
            cpid,
            &["Failed to connect to server. Error: 0x800706BA"],
        ),
        outcome_record(
            t + Duration::seconds(31),
            cpid,
            product,
            "2.0.1",
            "1601",
            "Lucerne Publishing",
            code,
        ),
        msi(
            1042,
            t + Duration::seconds(32),
            cpid,
            &[pkg, &cpid.to_string()],
        ),
    ]);
    records.sort_by_key(|r| r.time);
    Case {
        name: "evtx-only-connect-failed",
        files: vec![("Application.evtx", write_evtx(&records))],
    }
}

/// Only the Application log of a German Windows: a per-machine install by a standard user
/// stopped with 11925 ("Fehler 1925. …"), then 11708 and 1033 with status 1603. The numbered
/// error is read by the event id and the number and mapped through the same family as the
/// MSI log's `Error 1925.`. Shape of 1925: the `two-sessions` case; the German word follows
/// the translated 1714 lines of nextcloud/desktop#9201 (a word, the number, a full stop).
fn evtx_only_1925_german() -> Case {
    let (product, code, pkg) = (
        "Adatum Kiosk",
        "{6B2D8F41-0C93-4E7A-B5D1-8A3F7C2E9D60}",
        "C:\\Users\\lweber\\Downloads\\AdatumKiosk.msi",
    );
    let cpid = 9032u32;
    let t = Utc.with_ymd_and_hms(2026, 11, 9, 13, 40, 5).unwrap();
    let failed = Failed {
        pid: cpid,
        package: pkg,
        product,
        version: "2.2.0",
        manufacturer: "Adatum",
        code,
    };
    let mut records = app_noise(t);
    records.extend(failed.records(
        t,
        t + Duration::seconds(8),
        vec![msi(
            11925,
            t + Duration::seconds(6),
            cpid,
            &[&format!("Produkt: {product} -- Fehler 1925. Sie haben nicht die erforderlichen Rechte, um diese Installation für alle Benutzer des Computers abzuschließen. Melden Sie sich als Administrator an, und wiederholen Sie dann die Installation.")],
        )],
    ));
    records.sort_by_key(|r| r.time);
    Case {
        name: "evtx-only-1925-german",
        files: vec![("Application.evtx", write_evtx(&records))],
    }
}

/// Only the Application log of a failed uninstall: a 1013 record carries the package's own
/// message (no Windows Installer number), then 11725 "Removal failed." and 1034 with status
/// 1603. Ids and layout: the MsiInstaller event message file (1013 `%1`, 11725, 1034) and
/// wixtoolset/issues#5180 (EventData strings + binary product code).
fn evtx_only_uninstall_1013() -> Case {
    let (product, code, pkg) = (
        "Tailspin Toolbox",
        "{A3C7E15B-92D4-4F08-8B6A-1D0E5C7F2A94}",
        "{A3C7E15B-92D4-4F08-8B6A-1D0E5C7F2A94}",
    );
    let cpid = 4410u32;
    let t = Utc.with_ymd_and_hms(2026, 11, 12, 9, 5, 31).unwrap();
    let mut records = app_noise(t);
    let mut outcome = outcome_record(
        t + Duration::seconds(5),
        cpid,
        product,
        "4.0.0",
        "1603",
        "Tailspin",
        code,
    );
    outcome.event_id = 1034;
    records.extend([
        msi(1040, t, cpid, &[pkg, &cpid.to_string()]),
        msi(
            1013,
            t + Duration::seconds(3),
            cpid,
            &[&format!("Product: {product} -- Tailspin Toolbox cannot be removed while Tailspin Hub is installed. Remove Tailspin Hub first.")],
        ),
        msi(
            11725,
            t + Duration::seconds(4),
            cpid,
            &[&format!("Product: {product} -- Removal failed.")],
        ),
        outcome,
        msi(
            1042,
            t + Duration::seconds(6),
            cpid,
            &[pkg, &cpid.to_string()],
        ),
    ]);
    records.sort_by_key(|r| r.time);
    Case {
        name: "evtx-only-uninstall-1013",
        files: vec![("Application.evtx", write_evtx(&records))],
    }
}

fn cases() -> Vec<Case> {
    vec![
        windows_temp_acl(),
        not_elevated_procmon_csv(),
        user_temp_missing(),
        msiserver_disabled(),
        ca_registry_denied(),
        files_in_use(),
        ist_midnight_another_install(),
        evtx_only_2503(),
        evtx_only_ca_crash(),
        procmon_only_windows_temp(),
        service_logon_failure(),
        evtx_only_launch_condition(),
        evtx_only_old_version_not_removed(),
        evtx_only_connect_failed(),
        evtx_only_1925_german(),
        evtx_only_uninstall_1013(),
        success_scm_failures(),
    ]
}

fn case_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cases")
        .join(name)
        .join("input")
}

#[test]
fn generated_multisource_fixtures_are_up_to_date() {
    let regenerate = std::env::var_os("MSIDIAG_REGENERATE").is_some();
    let mut stale = Vec::new();
    for case in cases() {
        let dir = case_dir(case.name);
        for (file, bytes) in &case.files {
            let path = dir.join(file);
            if regenerate {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, bytes).unwrap();
            } else if std::fs::read(&path).ok().as_ref() != Some(bytes) {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(stale.is_empty(), "generated fixtures differ from the committed ones (run `MSIDIAG_REGENERATE=1 cargo test --test multisource`):\n{}", stale.join("\n"));
}
