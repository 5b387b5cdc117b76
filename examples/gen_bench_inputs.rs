//! Generates the large inputs of the whole-run benchmark (`scripts/bench.sh`): a Procmon CSV
//! export, a PML capture, an event log (or a folder of them) and a UTF-16LE verbose MSI log, each
//! of about the size asked for, deterministic, written to the path given (never into the repo).
//!
//! ```text
//! gen_bench_inputs procmon-csv OUT.csv BYTES
//! gen_bench_inputs pml OUT.PML BYTES            (at most 4,000,000,000: PML offsets are 32-bit)
//! gen_bench_inputs evtx OUT.evtx BYTES
//! gen_bench_inputs evtx-folder DIR COUNT BYTES_EACH
//! gen_bench_inputs msilog OUT.log BYTES
//! gen_bench_inputs corpus-msilog CORPUS_DIR OUT.log BYTES
//! gen_bench_inputs corpus-evtx IN.evtx OUT.evtx BYTES
//! ```
//!
//! The two `corpus-*` kinds build real-content inputs from third-party files (the shared corpus,
//! read at bench time, never copied into the repository): every UTF-16LE MSI log under
//! `CORPUS_DIR` (sorted by path, BOMs dropped, a line break added where one is missing)
//! concatenated and repeated, or the chunks of one event log repeated with their record numbers
//! and ids renumbered (chunk and file header CRCs recomputed, so `evtx_dump` reads every chunk).
//!
//! The content looks like real captures: Procmon rows use the long Win10 column set and are
//! mostly SUCCESS / NAME NOT FOUND noise from many processes, with a small msiexec tree (client,
//! service, custom-action server and a child) that hits ACCESS DENIED on installer paths; event
//! logs are the fixture writer's `noisy_log` (noise with an MSI 2503 failure every 500 records);
//! the MSI log repeats install sessions made mostly of routine engine lines, each ending in a
//! failing custom action. Benchmark support only: nothing here is used by the product.

use msidiag_testkit::{evtx_writer, pml_writer};

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{Duration, NaiveDate, NaiveDateTime};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let size = |i: usize| -> Result<u64> {
        Ok(args
            .get(i)
            .ok_or("missing size")?
            .replace('_', "")
            .parse()?)
    };
    match args.first().map(String::as_str) {
        Some("procmon-csv") => procmon_csv(Path::new(&args[1]), size(2)?),
        Some("pml") => pml(Path::new(&args[1]), size(2)?),
        Some("evtx") => evtx(Path::new(&args[1]), size(2)?, 0),
        Some("evtx-folder") => {
            let dir = Path::new(&args[1]);
            std::fs::create_dir_all(dir)?;
            let count = size(2)?;
            let each = size(3)?;
            for i in 0..count {
                evtx(&dir.join(format!("log{i:03}.evtx")), each, i)?;
            }
            Ok(())
        }
        Some("msilog") => msilog(Path::new(&args[1]), size(2)?),
        Some("corpus-msilog") => corpus_msilog(Path::new(&args[1]), Path::new(&args[2]), size(3)?),
        Some("corpus-evtx") => corpus_evtx(Path::new(&args[1]), Path::new(&args[2]), size(3)?),
        _ => {
            eprintln!("usage: gen_bench_inputs procmon-csv|pml|evtx|msilog OUT BYTES | evtx-folder DIR COUNT BYTES_EACH | corpus-msilog DIR OUT BYTES | corpus-evtx IN OUT BYTES");
            std::process::exit(2);
        }
    }
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

// ------------------------------------------------------------------------------- Procmon data

/// A process as both writers need it.
struct Proc {
    name: &'static str,
    pid: u32,
    parent: u32,
    image: &'static str,
    command_line: &'static str,
    company: &'static str,
    description: &'static str,
    user: &'static str,
    integrity: &'static str,
}

const fn p(
    name: &'static str,
    pid: u32,
    parent: u32,
    image: &'static str,
    command_line: &'static str,
    user: &'static str,
    integrity: &'static str,
) -> Proc {
    Proc {
        name,
        pid,
        parent,
        image,
        command_line,
        company: "Microsoft Corporation",
        description: "Windows component",
        user,
        integrity,
    }
}

const SYSTEM: &str = "NT AUTHORITY\\SYSTEM";
const BOB: &str = "CONTOSO\\bob";

/// Background processes that produce the noise.
const NOISE: &[Proc] = &[
    p("svchost.exe", 1012, 700, "C:\\Windows\\system32\\svchost.exe", "C:\\Windows\\system32\\svchost.exe -k netsvcs -p", SYSTEM, "System"),
    p("svchost.exe", 1460, 700, "C:\\Windows\\system32\\svchost.exe", "C:\\Windows\\system32\\svchost.exe -k LocalServiceNetworkRestricted -p", "NT AUTHORITY\\LOCAL SERVICE", "System"),
    p("Explorer.EXE", 3344, 3288, "C:\\Windows\\Explorer.EXE", "C:\\Windows\\Explorer.EXE", BOB, "Medium"),
    p("MsMpEng.exe", 2964, 700, "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.2205.7-0\\MsMpEng.exe", "\"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.2205.7-0\\MsMpEng.exe\"", SYSTEM, "System"),
    p("SearchIndexer.exe", 5120, 700, "C:\\Windows\\system32\\SearchIndexer.exe", "C:\\Windows\\system32\\SearchIndexer.exe /Embedding", SYSTEM, "System"),
    p("chrome.exe", 8812, 3344, "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --type=renderer --lang=en-US", BOB, "Low"),
    p("OneDrive.exe", 6204, 3344, "C:\\Users\\bob\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe", "\"C:\\Users\\bob\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe\" /background", BOB, "Medium"),
    p("Teams.exe", 9020, 3344, "C:\\Users\\bob\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe", "\"C:\\Users\\bob\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe\" --system-initiated", BOB, "Medium"),
    p("lsass.exe", 712, 600, "C:\\Windows\\system32\\lsass.exe", "C:\\Windows\\system32\\lsass.exe", SYSTEM, "System"),
    p("RuntimeBroker.exe", 7460, 880, "C:\\Windows\\System32\\RuntimeBroker.exe", "C:\\Windows\\System32\\RuntimeBroker.exe -Embedding", BOB, "Medium"),
    p("System", 4, 0, "System", "", SYSTEM, "System"),
    p("WmiPrvSE.exe", 4408, 880, "C:\\Windows\\system32\\wbem\\wmiprvse.exe", "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding", "NT AUTHORITY\\NETWORK SERVICE", "System"),
];

/// The installer's process tree: client, service, custom-action server, a child.
const INSTALLER: &[Proc] = &[
    p("msiexec.exe", 4242, 3344, "C:\\Windows\\system32\\msiexec.exe", "\"C:\\Windows\\system32\\msiexec.exe\" /i \"C:\\Users\\bob\\Downloads\\contoso-app.msi\" /l*v C:\\Users\\bob\\install.log", BOB, "Medium"),
    p("msiexec.exe", 6020, 700, "C:\\Windows\\system32\\msiexec.exe", "C:\\Windows\\system32\\msiexec.exe /V", SYSTEM, "System"),
    p("MsiExec.exe", 7010, 6020, "C:\\Windows\\syswow64\\MsiExec.exe", "C:\\Windows\\syswow64\\MsiExec.exe -Embedding 6C3C1A1E2E9B52D0 E Global\\MSI0000", SYSTEM, "System"),
    p("rundll32.exe", 7100, 7010, "C:\\Windows\\SysWOW64\\rundll32.exe", "rundll32.exe \"C:\\Windows\\Installer\\MSI8F21.tmp\",zzzzInvokeManagedCustomActionOutOfProc", SYSTEM, "System"),
];

const NOISE_FILES: &[&str] = &[
    "C:\\Windows\\System32\\kernel32.dll",
    "C:\\Windows\\System32\\en-US\\KernelBase.dll.mui",
    "C:\\Windows\\System32\\ntdll.dll",
    "C:\\Windows\\Prefetch\\CHROME.EXE-5A1E8B8C.pf",
    "C:\\Users\\bob\\AppData\\Local\\Google\\Chrome\\User Data\\Default\\Cache\\Cache_Data\\f_00a1b2",
    "C:\\Users\\bob\\AppData\\Local\\Microsoft\\Windows\\Explorer\\thumbcache_idx.db",
    "C:\\ProgramData\\Microsoft\\Windows Defender\\Scans\\History\\Service\\DetectionHistory",
    "C:\\Windows\\System32\\config\\SOFTWARE",
    "C:\\$Mft",
    "C:\\Users\\bob\\Documents\\desktop.ini",
    "C:\\Users\\bob\\AppData\\Local\\Temp\\chrome_BITS_8812_1839",
    "C:\\Windows\\Temp\\MpCmdRun.log",
    "C:\\Windows\\WinSxS\\amd64_microsoft.windows.common-controls_6595b64144ccf1df_6.0.19041.1110_none_60b5254171f9507e\\comctl32.dll",
    "C:\\Program Files\\Google\\Chrome\\Application\\103.0.5060.114\\chrome.dll",
    "C:\\Windows\\System32\\DriverStore\\FileRepository\\nv_dispi.inf_amd64_1b8d2a\\nvldumdx.dll",
];

const NOISE_KEYS: &[&str] = &[
    "HKLM\\System\\CurrentControlSet\\Control\\Session Manager",
    "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options\\chrome.exe",
    "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\Advanced",
    "HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Features",
    "HKLM\\System\\CurrentControlSet\\Services\\Tcpip\\Parameters",
    "HKCR\\CLSID\\{20D04FE0-3AEA-1069-A2D8-08002B30309D}\\ShellFolder",
    "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\System",
    "HKCU\\Software\\Classes\\Local Settings\\MuiCache\\3a\\52C64B7E",
];

const INSTALLER_FILES: &[&str] = &[
    "C:\\Windows\\Installer\\inprogressinstallinfo.ipi",
    "C:\\Windows\\Installer\\MSI8F21.tmp",
    "C:\\Config.Msi\\3f2a.rbs",
    "C:\\Users\\bob\\AppData\\Local\\Temp\\MSI3A1B.LOG",
    "C:\\Windows\\Temp\\MSI4C2D.tmp",
    "C:\\Program Files\\Contoso\\App\\app.exe",
    "C:\\Windows\\System32\\msi.dll",
];

const INSTALLER_KEYS: &[&str] = &[
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Installer\\InProgress",
    "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\Installer\\DisableMSI",
    "HKLM\\SOFTWARE\\Classes\\Installer\\Products\\3383C3D36DED2204B5A17E3F7798C309",
    "HKLM\\System\\CurrentControlSet\\Services\\msiserver\\Start",
    "HKLM\\SOFTWARE\\Contoso\\App",
];

const FILE_OPS: &[&str] = &[
    "CreateFile",
    "ReadFile",
    "QueryBasicInformationFile",
    "CloseFile",
    "QueryStandardInformationFile",
    "QueryDirectory",
    "WriteFile",
    "QueryNetworkOpenInformationFile",
];
const REG_OPS: &[&str] = &[
    "RegOpenKey",
    "RegQueryValue",
    "RegCloseKey",
    "RegQueryKey",
    "RegEnumKey",
];

/// Results weighted like a real capture (per mille).
const RESULTS: &[(u32, &str)] = &[
    (760, "SUCCESS"),
    (95, "NAME NOT FOUND"),
    (12, "PATH NOT FOUND"),
    (35, "BUFFER OVERFLOW"),
    (15, "REPARSE"),
    (25, "NO MORE ENTRIES"),
    (20, "END OF FILE"),
    (25, "FAST IO DISALLOWED"),
    (8, "BUFFER TOO SMALL"),
    (3, "ACCESS DENIED"),
    (1, "SHARING VIOLATION"),
    (1, "NAME COLLISION"),
];

fn pick_result(rng: &mut Rng) -> &'static str {
    let mut n = rng.below(1000) as u32;
    for (weight, name) in RESULTS {
        if n < *weight {
            return name;
        }
        n -= weight;
    }
    "SUCCESS"
}

fn environment(temp: &str) -> Vec<String> {
    [
        "=::=::\\",
        "ALLUSERSPROFILE=C:\\ProgramData",
        "APPDATA=C:\\Users\\bob\\AppData\\Roaming",
        "CommonProgramFiles=C:\\Program Files\\Common Files",
        "COMPUTERNAME=PC01",
        "ComSpec=C:\\Windows\\system32\\cmd.exe",
        "LOCALAPPDATA=C:\\Users\\bob\\AppData\\Local",
        "NUMBER_OF_PROCESSORS=8",
        "OS=Windows_NT",
        "Path=C:\\Windows\\system32;C:\\Windows;C:\\Windows\\System32\\Wbem;C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\;C:\\Program Files\\Git\\cmd",
        "PATHEXT=.COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC",
        "PROCESSOR_ARCHITECTURE=AMD64",
        "ProgramData=C:\\ProgramData",
        "ProgramFiles=C:\\Program Files",
        "SystemDrive=C:",
        "SystemRoot=C:\\Windows",
        &format!("TEMP={temp}"),
        &format!("TMP={temp}"),
        "USERDOMAIN=CONTOSO",
        "USERNAME=bob",
        "USERPROFILE=C:\\Users\\bob",
        "windir=C:\\Windows",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn temp_of(p: &Proc) -> &'static str {
    if p.user == BOB {
        "C:\\Users\\bob\\AppData\\Local\\Temp"
    } else {
        "C:\\Windows\\TEMP"
    }
}

// -------------------------------------------------------------------------------- Procmon CSV

const CSV_HEADER: &str = "\u{feff}\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\",\"Date & Time\",\"Relative Time\",\"Duration\",\"Completion Time\",\"Event Class\",\"Sequence\",\"Image Path\",\"Company\",\"Description\",\"Version\",\"User\",\"Authentication ID\",\"Session\",\"Command Line\",\"TID\",\"Virtualized\",\"Integrity\",\"Category\",\"Parent PID\",\"Architecture\"\r\n";

struct CsvRow<'a> {
    time: NaiveDateTime,
    start: NaiveDateTime,
    proc_: &'a Proc,
    tid: u32,
    class: &'a str,
    operation: &'a str,
    path: &'a str,
    result: &'a str,
    detail: String,
    category: &'a str,
}

fn q(s: &str) -> String {
    s.replace('"', "\"\"")
}

fn write_csv_row(out: &mut impl Write, r: &CsvRow, sequence: u64) -> std::io::Result<()> {
    let tod = format!(
        "{}.{:07} {}",
        r.time.format("%-I:%M:%S"),
        r.time.and_utc().timestamp_subsec_nanos() / 100,
        r.time.format("%p")
    );
    let rel = r.time - r.start;
    let p = r.proc_;
    write!(
        out,
        "\"{tod}\",\"{}\",\"{}\",\"{}\",\"{}\",\"{}\",\"{}\",\"{}\",\"{:02}:{:02}:{:02}.{:07}\",\"0.0000{:03}\",\"{tod}\",\"{}\",\"{sequence}\",\"{}\",\"{}\",\"{}\",\"10.0.19041.1 (WinBuild.160101.0800)\",\"{}\",\"00000000:{:08x}\",\"{}\",\"{}\",\"{}\",\"False\",\"{}\",\"{}\",\"{}\",\"64-bit\"\r\n",
        p.name,
        p.pid,
        r.operation,
        r.path,
        r.result,
        q(&r.detail),
        r.time.format("%-m/%-d/%Y %-I:%M:%S %p"),
        rel.num_hours(),
        rel.num_minutes() % 60,
        rel.num_seconds() % 60,
        (rel.num_nanoseconds().unwrap_or(0) / 100) % 10_000_000,
        sequence % 1000,
        r.class,
        p.image,
        p.company,
        p.description,
        p.user,
        if p.user == SYSTEM { 0x3e7 } else { 0x1e0ac },
        if p.user == SYSTEM { 0 } else { 1 },
        q(p.command_line),
        r.tid,
        p.integrity,
        r.category,
        p.parent,
    )
}

fn operation_detail(rng: &mut Rng, operation: &str, result: &str) -> String {
    match operation {
        "CreateFile" => {
            let open = if result == "SUCCESS" { ", OpenResult: Opened" } else { "" };
            format!("Desired Access: Generic Read, Disposition: Open, Options: Synchronous IO Non-Alert, Non-Directory File, Attributes: n/a, ShareMode: Read, Write, Delete, AllocationSize: n/a{open}")
        }
        "ReadFile" | "WriteFile" => format!(
            "Offset: {}, Length: {}, Priority: Normal",
            rng.below(1 << 20) * 4096,
            4096 * (1 + rng.below(16))
        ),
        "QueryBasicInformationFile" => "CreationTime: 12/7/2019 1:08:37 AM, LastAccessTime: 7/12/2022 9:14:02 AM, LastWriteTime: 12/7/2019 1:08:37 AM, ChangeTime: 6/15/2022 10:01:44 AM, FileAttributes: A".into(),
        "QueryStandardInformationFile" => "AllocationSize: 1,048,576, EndOfFile: 1,032,192, NumberOfLinks: 1, DeletePending: False, Directory: False".into(),
        "QueryDirectory" => "Filter: *, 2: desktop.ini".into(),
        "RegOpenKey" => "Desired Access: Read".into(),
        "RegQueryValue" => format!("Type: REG_DWORD, Length: 4, Data: {}", rng.below(3)),
        "RegQueryKey" => "Query: HandleTags, HandleTags: 0x0".into(),
        "RegEnumKey" => format!("Index: {}, Name: {{{:08X}-0000}}", rng.below(40), rng.next() as u32),
        _ => String::new(),
    }
}

fn procmon_csv(out_path: &Path, target: u64) -> Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(out_path)?);
    out.write_all(CSV_HEADER.as_bytes())?;
    let mut written = CSV_HEADER.len() as u64;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let start = NaiveDate::from_ymd_opt(2025, 3, 14)
        .unwrap()
        .and_hms_opt(8, 30, 0)
        .unwrap();
    let mut time = start;
    let mut sequence = 0u64;
    // The installer runs from 10% to 60% of the capture; phases by share of the target size.
    let mut phase = 0;
    let mut counting = Vec::<u8>::with_capacity(4096);
    while written < target {
        let done = written as f64 / target as f64;
        time += Duration::nanoseconds(100 * (1 + rng.below(2000) as i64));
        let mut rows: Vec<CsvRow> = Vec::new();
        if phase == 0 && done >= 0.10 {
            phase = 1;
            for (i, child) in INSTALLER.iter().enumerate() {
                let parent = if i == 0 {
                    &NOISE[2]
                } else {
                    &INSTALLER[i.min(2) - 1]
                };
                let parent = if i == 1 { &NOISE[0] } else { parent };
                rows.push(CsvRow {
                    time,
                    start,
                    proc_: parent,
                    tid: 5000 + i as u32,
                    class: "Process",
                    operation: "Process Create",
                    path: child.image,
                    result: "SUCCESS",
                    detail: format!("PID: {}, Command line: {}", child.pid, child.command_line),
                    category: "",
                });
                rows.push(CsvRow {
                    time,
                    start,
                    proc_: child,
                    tid: 6000 + i as u32,
                    class: "Process",
                    operation: "Process Start",
                    path: "",
                    result: "SUCCESS",
                    detail: format!(
                        "Parent PID: {}, Command line: {}, Current directory: C:\\Windows\\system32\\, Environment: \r\n;\t{}",
                        child.parent,
                        child.command_line,
                        environment(temp_of(child)).join("\r\n;\t")
                    ),
                    category: "",
                });
            }
        } else if phase == 1 && done >= 0.60 {
            phase = 2;
            for (i, proc_) in INSTALLER.iter().enumerate().rev() {
                rows.push(CsvRow {
                    time,
                    start,
                    proc_,
                    tid: 6000 + i as u32,
                    class: "Process",
                    operation: "Process Exit",
                    path: "",
                    result: "SUCCESS",
                    detail: format!("Exit Status: {}, User Time: 0.0312500 seconds, Kernel Time: 0.0468750 seconds, Private Bytes: 8,192,000, Peak Private Bytes: 9,000,000, Working Set: 14,096,000, Peak Working Set: 15,000,000", if i == 0 { 1603 } else { 0 }),
                    category: "",
                });
            }
        } else if phase == 1 && rng.below(1000) < 6 {
            // The installer's own activity: mostly success, some misses, a few denials.
            let proc_ = rng.pick(INSTALLER);
            let registry = rng.below(2) == 0;
            let (class, operation, path) = if registry {
                ("Registry", *rng.pick(REG_OPS), *rng.pick(INSTALLER_KEYS))
            } else {
                (
                    "File System",
                    *rng.pick(FILE_OPS),
                    *rng.pick(INSTALLER_FILES),
                )
            };
            let result = match rng.below(100) {
                0..=1 => "ACCESS DENIED",
                2..=11 => "NAME NOT FOUND",
                12..=13 => "PATH NOT FOUND",
                _ => "SUCCESS",
            };
            rows.push(CsvRow {
                time,
                start,
                proc_,
                tid: 6100 + proc_.pid % 7,
                class,
                operation,
                path,
                result,
                detail: operation_detail(&mut rng, operation, result),
                category: if registry { "Read" } else { "Read Metadata" },
            });
        } else if rng.below(20_000) == 0 {
            // An unrelated short-lived process (its Process Start carries the environment).
            let proc_ = &NOISE[9];
            for (operation, detail) in [
                ("Process Start", format!("Parent PID: {}, Command line: {}, Current directory: C:\\Windows\\system32\\, Environment: \r\n;\t{}", proc_.parent, proc_.command_line, environment(temp_of(proc_)).join("\r\n;\t"))),
                ("Thread Create", format!("Thread ID: {}", 7000 + rng.below(900))),
                ("Load Image", format!("Image Base: 0x7ff{:09x}, Image Size: 0x{:x}", rng.next() & 0x000f_ffff_ffff, 0x1000 * (1 + rng.below(400)))),
            ] {
                rows.push(CsvRow {
                    time,
                    start,
                    proc_,
                    tid: 7460,
                    class: "Process",
                    operation,
                    path: if operation == "Load Image" { "C:\\Windows\\System32\\combase.dll" } else { "" },
                    result: "SUCCESS",
                    detail,
                    category: "",
                });
            }
        } else {
            let proc_ = rng.pick(NOISE);
            let registry = rng.below(5) < 2;
            let (class, operation, path) = if registry {
                ("Registry", *rng.pick(REG_OPS), *rng.pick(NOISE_KEYS))
            } else {
                ("File System", *rng.pick(FILE_OPS), *rng.pick(NOISE_FILES))
            };
            let result = pick_result(&mut rng);
            rows.push(CsvRow {
                time,
                start,
                proc_,
                tid: 1000 + (proc_.pid + rng.below(8) as u32) % 9000,
                class,
                operation,
                path,
                result,
                detail: operation_detail(&mut rng, operation, result),
                category: if operation == "WriteFile" {
                    "Write"
                } else {
                    "Read"
                },
            });
        }
        for row in &rows {
            sequence += 1;
            counting.clear();
            write_csv_row(&mut counting, row, sequence)?;
            out.write_all(&counting)?;
            written += counting.len() as u64;
        }
    }
    out.flush()?;
    Ok(())
}

// ------------------------------------------------------------------------------------ PML

/// Builds the capture from two templates with the same process table: noise-only event runs,
/// and one run with the installer's activity in the middle. Records are position independent,
/// so runs are copied with their offsets and times shifted.
fn pml(out_path: &Path, target: u64) -> Result<()> {
    use pml_writer::*;
    let target = target.min(4_000_000_000);
    let processes: Vec<PmlProcess> = NOISE
        .iter()
        .chain(INSTALLER)
        .map(|p| PmlProcess {
            pid: p.pid,
            parent_pid: p.parent,
            name: p.name.to_string(),
            image_path: p.image.to_string(),
            command_line: p.command_line.to_string(),
            user: p.user.to_string(),
            integrity: p.integrity.to_string(),
        })
        .collect();
    let installer_base = NOISE.len();
    let t0 = filetime(2025, 3, 14, 8, 30, 0, 0);
    let mut rng = Rng(0x1234_5678_9ABC_DEF1);
    let noise_event = |rng: &mut Rng, t: u64| -> PmlEvent {
        let proc_ = rng.below(NOISE.len() as u64) as usize;
        let result = match pick_result(rng) {
            "SUCCESS" => SUCCESS,
            "NAME NOT FOUND" | "PATH NOT FOUND" => NAME_NOT_FOUND,
            "ACCESS DENIED" => ACCESS_DENIED,
            "SHARING VIOLATION" => SHARING_VIOLATION,
            _ => BUFFER_OVERFLOW,
        };
        let detail = match rng.below(5) {
            0 => PmlDetail::RegOpen {
                operation: 0,
                path: rng.pick(NOISE_KEYS).to_string(),
                access: 0x2_0019,
            },
            1 => PmlDetail::RegQueryDword {
                path: rng.pick(NOISE_KEYS).to_string(),
                value: Some(1),
            },
            2 => PmlDetail::File {
                major: 5,
                minor: 0,
                path: rng.pick(NOISE_FILES).to_string(),
            },
            _ => PmlDetail::CreateFile {
                path: rng.pick(NOISE_FILES).to_string(),
                access: 0x8012_0089,
                disposition: 1,
                options: 0x20,
                attributes: 0,
                share: 7,
                open_result: (result == SUCCESS).then_some(1),
            },
        };
        let mut e = PmlEvent::new(proc_, t, result, detail);
        e.stack_depth = 8 + rng.below(32) as u16;
        e
    };
    // Noise run: about 16 MB of records.
    let mut noise = PmlCapture {
        is64: true,
        processes: processes.clone(),
        events: Vec::new(),
    };
    let mut t = t0;
    for _ in 0..40_000 {
        t += 1 + rng.below(20_000);
        noise.events.push(noise_event(&mut rng, t));
    }
    // Installer run: the tree starts, works (mostly success, some denials), ends.
    let mut signal = PmlCapture {
        is64: true,
        processes: processes.clone(),
        events: Vec::new(),
    };
    let mut t = t0;
    for (i, child) in INSTALLER.iter().enumerate() {
        let creator = if i == 0 {
            2
        } else if i == 1 {
            0
        } else {
            installer_base + i - 1
        };
        t += 5000;
        signal.events.push(PmlEvent::new(
            creator,
            t,
            SUCCESS,
            PmlDetail::ProcessCreate {
                child_pid: child.pid,
                image_path: child.image.to_string(),
                command_line: child.command_line.to_string(),
            },
        ));
        signal.events.push(PmlEvent::new(
            installer_base + i,
            t,
            SUCCESS,
            PmlDetail::ProcessStart {
                parent_pid: child.parent,
                command_line: child.command_line.to_string(),
                current_directory: "C:\\Windows\\system32\\".to_string(),
                environment: environment(temp_of(child)),
            },
        ));
    }
    for _ in 0..40_000 {
        t += 1 + rng.below(20_000);
        if rng.below(100) < 3 {
            let proc_ = installer_base + rng.below(INSTALLER.len() as u64) as usize;
            let result = match rng.below(100) {
                0..=2 => ACCESS_DENIED,
                3..=12 => NAME_NOT_FOUND,
                _ => SUCCESS,
            };
            let detail = if rng.below(2) == 0 {
                PmlDetail::CreateFile {
                    path: rng.pick(INSTALLER_FILES).to_string(),
                    access: 0x4011_0080,
                    disposition: 5,
                    options: 0x60,
                    attributes: 0x80,
                    share: 0,
                    open_result: (result == SUCCESS).then_some(2),
                }
            } else {
                PmlDetail::RegOpen {
                    operation: 1,
                    path: rng.pick(INSTALLER_KEYS).to_string(),
                    access: 0xF_003F,
                }
            };
            let mut e = PmlEvent::new(proc_, t, result, detail);
            e.stack_depth = 8 + rng.below(32) as u16;
            signal.events.push(e);
        } else {
            signal.events.push(noise_event(&mut rng, t));
        }
    }
    for i in (0..INSTALLER.len()).rev() {
        t += 5000;
        signal.events.push(PmlEvent::new(
            installer_base + i,
            t,
            SUCCESS,
            PmlDetail::ProcessExit {
                status: if i == 0 { 1603 } else { 0 },
            },
        ));
    }
    let noise_bytes = noise.to_bytes();
    let noise = Run::of(&noise_bytes);
    let signal_bytes = signal.to_bytes();
    let signal = Run::of(&signal_bytes);
    // Layout: header, noise runs, the signal run at about 40%, noise runs, index, tables.
    let per_noise = noise.events.len() as u64 + noise.offsets.len() as u64 * 5;
    let tail_len = (signal_bytes.len() - signal.tail_at) as u64;
    let room = target
        .saturating_sub(HEADER_SIZE as u64 + tail_len)
        .saturating_sub(signal.events.len() as u64 + signal.offsets.len() as u64 * 5);
    let noise_runs = (room / per_noise).max(1);
    let signal_after = noise_runs * 2 / 5;
    let runs = (0..signal_after)
        .map(|_| &noise)
        .chain(std::iter::once(&signal))
        .chain((signal_after..noise_runs).map(|_| &noise));
    let mut out = BufWriter::with_capacity(1 << 20, File::create(out_path)?);
    let mut header = signal_bytes[..HEADER_SIZE].to_vec();
    out.write_all(&header)?;
    let mut offsets: Vec<u32> = Vec::new();
    let mut at = HEADER_SIZE as u64;
    let mut time_shift = 0u64;
    let mut body = Vec::new();
    for run in runs {
        body.clear();
        body.extend_from_slice(run.events);
        for &rel in &run.offsets {
            let rel = rel as usize;
            let ft = u64::from_le_bytes(body[rel + 28..rel + 36].try_into().unwrap());
            body[rel + 28..rel + 36].copy_from_slice(&(ft + time_shift).to_le_bytes());
            offsets.push(u32::try_from(at + rel as u64)?);
        }
        time_shift += run.span;
        out.write_all(&body)?;
        at += body.len() as u64;
    }
    let event_offsets_offset = at;
    for o in &offsets {
        out.write_all(&o.to_le_bytes())?;
        out.write_all(&[0])?;
    }
    at += offsets.len() as u64 * 5;
    // Tail: process table, string table, icons, hosts and ports, shifted as a block.
    let shift = at as i64 - signal.tail_at as i64;
    let moved = |field: usize| -> u64 { (peek_u64(&signal_bytes, field) as i64 + shift) as u64 };
    poke_u32(&mut header, EVENT_COUNT_AT, offsets.len() as u32);
    poke_u64(&mut header, EVENT_OFFSETS_OFFSET_AT, event_offsets_offset);
    for field in [
        PROCESS_TABLE_OFFSET_AT,
        STRING_TABLE_OFFSET_AT,
        STRING_TABLE_OFFSET_AT + 8,
        0x3A0,
    ] {
        let v = moved(field);
        poke_u64(&mut header, field, v);
    }
    out.write_all(&signal_bytes[signal.tail_at..])?;
    out.flush()?;
    let mut file = out.into_inner()?;
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(0))?;
    file.write_all(&header)?;
    Ok(())
}

/// The event records of a written capture, their offsets relative to the first, and where its
/// tables start.
struct Run<'a> {
    events: &'a [u8],
    offsets: Vec<u32>,
    tail_at: usize,
    span: u64,
}

impl<'a> Run<'a> {
    fn of(bytes: &'a [u8]) -> Run<'a> {
        use pml_writer::*;
        let events_at = peek_u64(bytes, EVENTS_OFFSET_AT) as usize;
        let index_at = peek_u64(bytes, EVENT_OFFSETS_OFFSET_AT) as usize;
        let tail_at = peek_u64(bytes, PROCESS_TABLE_OFFSET_AT) as usize;
        let count = u32::from_le_bytes(
            bytes[EVENT_COUNT_AT..EVENT_COUNT_AT + 4]
                .try_into()
                .unwrap(),
        );
        let offsets: Vec<u32> = (0..count as usize)
            .map(|i| {
                let at = index_at + i * 5;
                u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) - events_at as u32
            })
            .collect();
        let time = |rel: u32| -> u64 {
            let at = events_at + rel as usize + 28;
            u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
        };
        let span = offsets
            .last()
            .map_or(0, |&l| time(l) - time(offsets[0]) + 10_000);
        Run {
            events: &bytes[events_at..index_at],
            offsets,
            tail_at,
            span,
        }
    }
}

// ------------------------------------------------------------------------------------ EVTX

/// An event log of about `target` bytes: batches of `noisy_log` records written as chunks, one
/// file header for all. `seed` shifts times and record ids (files of a folder differ).
fn evtx(out_path: &Path, target: u64, seed: u64) -> Result<()> {
    use evtx_writer::*;
    const BATCH: usize = 20_000;
    let mut out = BufWriter::with_capacity(1 << 20, File::create(out_path)?);
    out.write_all(&[0u8; FILE_HEADER_SIZE])?;
    let mut written = FILE_HEADER_SIZE as u64;
    let mut chunks = 0usize;
    let first_id = 1 + seed * 10_000_000;
    let mut next_id = first_id;
    let mut header = Vec::new();
    let shift = chrono::Duration::days(seed as i64);
    let template = noisy_log(BATCH);
    while written < target && chunks < 65_000 {
        let batch: Vec<RecordSpec> = template
            .iter()
            .map(|r| {
                let offset =
                    shift + chrono::Duration::milliseconds(((next_id - first_id) * 1500) as i64);
                r.clone().at(r.time + offset)
            })
            .collect();
        let file = write_evtx_from(next_id, &batch);
        if header.is_empty() {
            header = file[..FILE_HEADER_SIZE].to_vec();
        }
        let body = &file[FILE_HEADER_SIZE..];
        let room = ((target - written) as usize).div_ceil(CHUNK_SIZE) * CHUNK_SIZE;
        let body = &body[..body.len().min(room.max(CHUNK_SIZE))];
        out.write_all(body)?;
        written += body.len() as u64;
        chunks += body.len() / CHUNK_SIZE;
        next_id += BATCH as u64;
    }
    // File header: chunk count, last chunk number, next record id, CRC32 of the first 120 bytes.
    header[16..24].copy_from_slice(&(chunks as u64 - 1).to_le_bytes());
    header[24..32].copy_from_slice(&next_id.to_le_bytes());
    header[42..44].copy_from_slice(&(chunks as u16).to_le_bytes());
    let crc = crc32(&header[..120]);
    header[124..128].copy_from_slice(&crc.to_le_bytes());
    out.flush()?;
    let mut file = out.into_inner()?;
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(0))?;
    file.write_all(&header)?;
    Ok(())
}

// ---------------------------------------------------------------------------------- MSI log

/// A UTF-16LE (BOM, CRLF) verbose log of about `target` bytes: install sessions appended one
/// after another (`/l+v`), each mostly routine engine lines (component states, script
/// operations, notes), with its property dump and a failing deferred custom action.
fn msilog(out_path: &Path, target: u64) -> Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(out_path)?);
    out.write_all(&[0xFF, 0xFE])?;
    let mut written = 2u64;
    let mut rng = Rng(0xDEAD_BEEF_CAFE_F00D);
    let mut now = NaiveDate::from_ymd_opt(2025, 3, 14)
        .unwrap()
        .and_hms_opt(8, 31, 55)
        .unwrap();
    let mut text = String::with_capacity(1 << 20);
    let mut units = Vec::<u8>::with_capacity(2 << 20);
    let mut session = 0u32;
    // Sessions of about 40 MB of text each (or smaller for small targets).
    let session_lines = (target / 2 / 150 / 25).clamp(2_000, 300_000);
    while written < target {
        session += 1;
        let banner = |now: NaiveDateTime| now.format("%-m/%-d/%Y  %-H:%M:%S").to_string();
        let line = |text: &mut String, side: char, now: NaiveDateTime, msg: &str| {
            let ids = if side == 'c' { "1C:B8" } else { "A0:C8" };
            text.push_str(&format!(
                "MSI ({side}) ({ids}) [{}]: {msg}\r\n",
                now.format("%H:%M:%S:%3f")
            ));
        };
        text.push_str(&format!("=== Verbose logging started: {}  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n", banner(now)));
        line(&mut text, 'c', now, "Resetting cached policy values");
        line(&mut text, 'c', now, "Machine policy value 'Debug' is 0");
        line(&mut text, 'c', now, "******* RunEngine:");
        text.push_str("           ******* Product: C:\\Users\\bob\\Downloads\\contoso-app.msi\r\n           ******* Action: \r\n           ******* CommandLine: **********\r\n");
        line(
            &mut text,
            'c',
            now,
            "Client-side and UI is none or basic: Running entire install on the server.",
        );
        line(&mut text, 'c', now, "Grabbed execution mutex.");
        line(&mut text, 's', now, "Running installation inside multi-package transaction C:\\Users\\bob\\Downloads\\contoso-app.msi");
        line(&mut text, 's', now, "Product Code from property table before transforms: {3D3C3833-DED6-4022-B5A1-E7F37789C390}");
        line(
            &mut text,
            's',
            now,
            "Note: 1: 2203 2: C:\\Windows\\Installer\\inprogressinstallinfo.ipi 3: -2147287038 ",
        );
        line(&mut text, 's', now, "MSI_LUA: Setting MsiRunningElevated property to 1 because the install is already running elevated.");
        for i in 0..session_lines {
            now += Duration::milliseconds(rng.below(40) as i64);
            match rng.below(100) {
                0..=34 => line(&mut text, 's', now, &format!("Component: C_{:05}; Installed: Absent;   Request: Local;   Action: Local", i % 9000)),
                35..=59 => line(&mut text, 's', now, &format!("Executing op: FileCopy(SourceName=f{i}.dll|file{i}.dll,SourceCabKey=f{i}.dll,DestName=file{i}.dll,Attributes=512,FileSize={},PerTick=65536,,VerifyMedia=1,,,,,CheckCRC=0,Version=1.0.{i}.0,Language=0,InstallMode=58982400,,,,,,,)", rng.below(1 << 22))),
                60..=69 => line(&mut text, 's', now, "Note: 1: 2205 2:  3: _RemoveFilePath "),
                70..=79 => line(&mut text, 's', now, &format!("Executing op: RegAddValue(Name=Value{i},Value=#1,)")),
                80..=84 => line(&mut text, 's', now, &format!("Feature: F_{:03}; Installed: Absent;   Request: Local;   Action: Local", i % 200)),
                85..=89 => {
                    text.push_str(&format!("Action start {}: Act{i}.\r\n", now.format("%-H:%M:%S")));
                    line(&mut text, 's', now, &format!("Doing action: Act{i}"));
                    text.push_str(&format!("Action ended {}: Act{i}. Return value 1.\r\n", now.format("%-H:%M:%S")));
                }
                90..=94 => line(&mut text, 's', now, &format!("Executing op: SetTargetFolder(Folder=C:\\Program Files\\Contoso\\App\\sub{}\\)", i % 50)),
                _ => line(&mut text, 's', now, &format!("Executing op: ProgressTotal(Total={},Type=1,ByteEquivalent=24000)", rng.below(1000))),
            }
            if text.len() > 512 * 1024 {
                flush_utf16(&mut out, &mut text, &mut units, &mut written)?;
            }
        }
        line(&mut text, 's', now, "Invoking remote custom action. DLL: C:\\Windows\\Installer\\MSI8F21.tmp, Entrypoint: ConfigureService");
        text.push_str("CustomAction ConfigureService returned actual error code 1603 (note this may not be 100% accurate if translation happened inside sandbox)\r\n");
        text.push_str(&format!(
            "Action ended {}: InstallFinalize. Return value 3.\r\n",
            now.format("%-H:%M:%S")
        ));
        for (n, v) in [
            ("ProductCode", "{3D3C3833-DED6-4022-B5A1-E7F37789C390}"),
            ("ProductName", "Contoso App"),
            ("ProductVersion", "1.0.0"),
            ("Manufacturer", "Contoso Ltd"),
            ("UserLanguageID", "1033"),
            ("TEMP", "C:\\Users\\bob\\AppData\\Local\\Temp\\"),
        ] {
            text.push_str(&format!("Property(S): {n} = {v}\r\n"));
        }
        line(&mut text, 's', now, "MainEngineThread is returning 1603");
        text.push_str(&format!("=== Logging stopped: {} ===\r\n", banner(now)));
        line(&mut text, 'c', now, "Note: 1: 1708 ");
        line(
            &mut text,
            'c',
            now,
            "Product: Contoso App -- Installation failed.",
        );
        line(&mut text, 'c', now, "Windows Installer installed the product. Product Name: Contoso App. Product Version: 1.0.0. Product Language: 1033. Manufacturer: Contoso Ltd. Installation success or error status: 1603.");
        line(&mut text, 'c', now, "MainEngineThread is returning 1603");
        text.push_str(&format!(
            "=== Verbose logging stopped: {} ===\r\n",
            banner(now)
        ));
        flush_utf16(&mut out, &mut text, &mut units, &mut written)?;
        now += Duration::minutes(7);
        let _ = session;
    }
    out.flush()?;
    Ok(())
}

fn flush_utf16(
    out: &mut impl Write,
    text: &mut String,
    units: &mut Vec<u8>,
    written: &mut u64,
) -> Result<()> {
    units.clear();
    for u in text.encode_utf16() {
        units.extend_from_slice(&u.to_le_bytes());
    }
    out.write_all(units)?;
    *written += units.len() as u64;
    text.clear();
    Ok(())
}

// ------------------------------------------------------------------------ real-content inputs

/// Every file under `dir` (recursively), sorted by path.
fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files_under(&path, out)?;
        } else {
            out.push(path);
        }
    }
    out.sort();
    Ok(())
}

/// The UTF-16LE MSI logs under `dir` (BOM `FF FE`) concatenated without their BOMs, each ending
/// in a line break, repeated to about `target` bytes behind one BOM.
fn corpus_msilog(dir: &Path, out_path: &Path, target: u64) -> Result<()> {
    let mut paths = Vec::new();
    files_under(dir, &mut paths)?;
    let mut one = Vec::new();
    let mut logs = 0;
    for path in paths {
        let bytes = std::fs::read(&path)?;
        let Some(body) = bytes.strip_prefix(&[0xFF, 0xFE]) else {
            continue;
        };
        let body = &body[..body.len() & !1];
        one.extend_from_slice(body);
        if !body.ends_with(&[b'\n', 0]) {
            one.extend_from_slice(&[b'\r', 0, b'\n', 0]);
        }
        logs += 1;
    }
    if one.is_empty() {
        return Err(format!("no UTF-16LE log under {}", dir.display()).into());
    }
    let mut out = BufWriter::with_capacity(1 << 20, File::create(out_path)?);
    out.write_all(&[0xFF, 0xFE])?;
    let mut written = 2u64;
    let mut copies = 0;
    while written < target {
        out.write_all(&one)?;
        written += one.len() as u64;
        copies += 1;
    }
    out.flush()?;
    eprintln!("{logs} logs, {copies} copies, {written} bytes");
    Ok(())
}

/// The chunks of the event log `input` repeated to about `target` bytes, renumbered: record
/// numbers and ids run on across copies, each chunk's header and records CRC32 and the file
/// header (chunk count, next record id, CRC) are recomputed.
fn corpus_evtx(input: &Path, out_path: &Path, target: u64) -> Result<()> {
    use evtx_writer::{crc32, CHUNK_SIZE, FILE_HEADER_SIZE};
    let file = std::fs::read(input)?;
    let u64_at = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    let chunks: Vec<&[u8]> = file
        .get(FILE_HEADER_SIZE..)
        .unwrap_or_default()
        .chunks_exact(CHUNK_SIZE)
        .filter(|c| c.starts_with(b"ElfChnk\0") && u64_at(c, 24) <= u64_at(c, 32))
        .collect();
    if chunks.is_empty() || file.len() < FILE_HEADER_SIZE {
        return Err(format!("no chunk in {}", input.display()).into());
    }
    let mut out = BufWriter::with_capacity(1 << 20, File::create(out_path)?);
    out.write_all(&file[..FILE_HEADER_SIZE])?;
    let mut written = FILE_HEADER_SIZE as u64;
    let mut count = 0u64;
    let mut next_id = 1u64;
    'fill: loop {
        for chunk in &chunks {
            if written >= target || count == u64::from(u16::MAX) {
                break 'fill;
            }
            let mut c = chunk.to_vec();
            let first_id = next_id;
            // Records from offset 512 to the chunk's free space; each `**\0\0`, size, id.
            let free = (u32_at(&c, 48) as usize).min(CHUNK_SIZE);
            let mut at = 512;
            while at + 24 <= free && c[at..at + 4] == [0x2a, 0x2a, 0, 0] {
                let size = u32_at(&c, at + 4) as usize;
                if size < 24 || at + size > free {
                    break;
                }
                c[at + 8..at + 16].copy_from_slice(&next_id.to_le_bytes());
                next_id += 1;
                at += size;
            }
            let last_id = next_id - 1;
            for (offset, value) in [(8, first_id), (16, last_id), (24, first_id), (32, last_id)] {
                c[offset..offset + 8].copy_from_slice(&value.to_le_bytes());
            }
            let records_crc = crc32(&c[512..free]);
            c[52..56].copy_from_slice(&records_crc.to_le_bytes());
            let mut covered = c[..120].to_vec();
            covered.extend_from_slice(&c[128..512]);
            let header_crc = crc32(&covered);
            c[124..128].copy_from_slice(&header_crc.to_le_bytes());
            out.write_all(&c)?;
            written += CHUNK_SIZE as u64;
            count += 1;
        }
    }
    out.flush()?;
    let mut header = file[..FILE_HEADER_SIZE].to_vec();
    header[8..16].copy_from_slice(&0u64.to_le_bytes());
    header[16..24].copy_from_slice(&(count - 1).to_le_bytes());
    header[24..32].copy_from_slice(&next_id.to_le_bytes());
    header[42..44].copy_from_slice(&(count as u16).to_le_bytes());
    // Not dirty, not full.
    header[120..124].copy_from_slice(&0u32.to_le_bytes());
    let crc = crc32(&header[..120]);
    header[124..128].copy_from_slice(&crc.to_le_bytes());
    let mut file = out.into_inner()?;
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(0))?;
    file.write_all(&header)?;
    eprintln!(
        "{} chunks of {} repeated: {count} chunks, {} records",
        chunks.len(),
        input.display(),
        next_id - 1
    );
    Ok(())
}
