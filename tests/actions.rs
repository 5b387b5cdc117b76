//! The action table of a session (`src/report/actions.rs`): nesting, durations, slowness,
//! the innermost failed action and custom-action labels, from a log written here.

use msidiag::report::actions::{actions, failed_innermost, shown};
use msidiag::timeline::InstallSession;

/// The first session of a log.
fn session(text: &str) -> InstallSession {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.log");
    std::fs::write(&path, text).unwrap();
    let a = msidiag::analyze(&[path], &msidiag::Options::default()).unwrap();
    a.sessions.into_iter().next().unwrap()
}

#[test]
fn actions_nest_time_and_label_custom_actions() {
    let s = session(
        "=== Verbose logging started: 3/14/2025  8:31:55  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\n\
         Action start 8:31:56: INSTALL.\n\
         Action start 8:31:56: CostInitialize.\n\
         Action ended 8:31:56: CostInitialize. Return value 1.\n\
         Action start 8:31:57: InstallFiles.\n\
         Action ended 8:32:09: InstallFiles. Return value 1.\n\
         Action start 8:32:09: InstallFinalize.\n\
         MSI (s) (A0:C8) [08:32:10:100]: Executing op: CustomActionSchedule(Action=ConfigureIt,ActionType=3073,Source=BinaryData,Target=Run,)\n\
         CustomAction ConfigureIt returned actual error code 1603 (note this may not be 100% accurate if translation happened inside sandbox)\n\
         Action ended 8:33:20: InstallFinalize. Return value 3.\n\
         Action start 8:33:20: ConfigureIt.\n\
         Action ended 8:33:20: INSTALL. Return value 3.\n",
    );
    let rows = actions(&s);
    let names: Vec<(&str, usize)> = rows.iter().map(|r| (r.name.as_str(), r.depth)).collect();
    assert_eq!(
        names,
        [
            ("INSTALL", 0),
            ("CostInitialize", 1),
            ("InstallFiles", 1),
            ("InstallFinalize", 1),
            ("ConfigureIt", 1)
        ]
    );
    assert_eq!(rows[2].seconds(), Some(12));
    assert_eq!(rows[2].slowness(), 2);
    assert_eq!(rows[3].seconds(), Some(71));
    assert_eq!(rows[3].slowness(), 3);
    assert!(rows[3].failed() && rows[0].failed());
    assert_eq!(failed_innermost(&rows), [3]);
    assert_eq!(rows[1].slowness(), 0);
    assert_eq!(rows[4].return_value, None, "never ended");
    assert_eq!(
        rows[4].kind_label().as_deref(),
        Some("custom action type 3073: DLL, deferred, no impersonation")
    );
    assert_eq!(rows[2].kind_label(), None);
}

#[test]
fn a_table_of_many_actions_keeps_the_failed_and_slow_ones_within_its_cap() {
    let mut log = String::from("=== Verbose logging started: 3/14/2025  8:31:55  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\n");
    for i in 0..2000 {
        let (end, ret) = match i {
            1500 => ("8:35:00", 1),
            1800 => ("8:31:56", 3),
            _ => ("8:31:56", 1),
        };
        log.push_str(&format!(
            "Action start 8:31:56: Act{i}.\nAction ended {end}: Act{i}. Return value {ret}.\n"
        ));
    }
    let s = session(&log);
    let rows = actions(&s);
    assert_eq!(rows.len(), 2000);
    let (kept, left_out) = shown(&rows, 100);
    assert_eq!(kept.len(), 100);
    assert_eq!(left_out, 1900);
    assert!(
        kept.contains(&1500) && kept.contains(&1800),
        "the slow and the failed one"
    );
    assert_eq!(
        kept[..98],
        (0..98).collect::<Vec<_>>()[..],
        "then the earliest"
    );
    assert!(kept.windows(2).all(|w| w[0] < w[1]), "in log order");
    let (all, none) = shown(&rows[..50], 100);
    assert_eq!((all.len(), none), (50, 0));
}
