//! A cross-source case for report tests: the `2503-not-elevated` MSI log (local time, UTC+01:00)
//! with the same install seen by the Application event log and by a Procmon CSV export, and a
//! System event log whose Windows Installer service failure lies outside every session.
//!
//! The MSI log is the fixture's own, read from the repository beside this crate. Test support
//! only: it must not hold tests, and it writes only into the folder it is given.

use std::path::Path;

use chrono::{TimeZone, Utc};

use crate::evtx_writer::{write_evtx, RecordSpec};

/// MsiInstaller insertion strings: the given values, `(NULL)` up to six, then the empty one.
fn msi_data<'a>(first: &[&'a str]) -> Vec<&'a str> {
    let mut v = first.to_vec();
    while v.len() < 6 {
        v.push("(NULL)");
    }
    v.push("");
    v
}

/// Writes `install.log`, `Application.evtx`, `procmon.csv` and `System.evtx` into `dir`.
pub fn write_case(dir: &Path) {
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/cases/2503-not-elevated/input/install.log"),
        dir.join("install.log"),
    )
    .unwrap();
    let at = |h, m, s| Utc.with_ymd_and_hms(2025, 3, 14, h, m, s).unwrap();
    let msi = RecordSpec::new("MsiInstaller", 0)
        .sid("S-1-5-21-1004336348-1177238915-682003330-1001")
        .pid(4242);
    let package = "C:\\Users\\mpatel\\Downloads\\ContosoWidget-2.4.1-x64.msi";
    let m2503 = "Product: Contoso Widget -- The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2503. The arguments are: , , ";
    let records = vec![
        RecordSpec {
            event_id: 1040,
            ..msi.clone()
        }
        .at(at(7, 31, 55))
        .data(&msi_data(&[package, "4242"])),
        RecordSpec {
            event_id: 10005,
            ..msi.clone()
        }
        .at(at(7, 32, 4))
        .data(&msi_data(&[m2503])),
        RecordSpec {
            event_id: 11708,
            ..msi.clone()
        }
        .at(at(7, 32, 8))
        .data(&msi_data(&[
            "Product: Contoso Widget -- Installation failed.",
        ])),
        RecordSpec {
            event_id: 1033,
            ..msi.clone()
        }
        .at(at(7, 32, 9))
        .data(&[
            "Contoso Widget",
            "2.4.1",
            "1033",
            "1603",
            "Contoso Ltd",
            "(NULL)",
            "",
        ])
        .binary(b"{5B9E2C41-7A3D-4F8E-9C21-0D6B3A8E4F17}0000"),
        RecordSpec {
            event_id: 1042,
            ..msi.clone()
        }
        .at(at(7, 32, 9))
        .data(&msi_data(&[package, "4242"])),
    ];
    std::fs::write(dir.join("Application.evtx"), write_evtx(&records)).unwrap();
    std::fs::write(
        dir.join("procmon.csv"),
        "\u{feff}\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n\
         \"8:32:01.9000000 AM\",\"msiexec.exe\",\"4256\",\"CreateFile\",\"C:\\Windows\\Installer\\MSI879F.tmp\",\"SUCCESS\",\"Desired Access: Generic Write\"\r\n\
         \"8:32:02.0810000 AM\",\"msiexec.exe\",\"4256\",\"CreateFile\",\"C:\\Windows\\Installer\\inprogressinstallinfo.ipi\",\"ACCESS DENIED\",\"Desired Access: Generic Write\"\r\n",
    )
    .unwrap();
    // Hours after the install: no session holds it.
    let scm = RecordSpec::new("Service Control Manager", 7000)
        .qualifiers(49152)
        .channel("System")
        .at(at(11, 0, 0))
        .named(&[
            ("param1", "Windows Installer"),
            ("param2", "Access is denied."),
        ]);
    std::fs::write(dir.join("System.evtx"), write_evtx(&[scm])).unwrap();
}
