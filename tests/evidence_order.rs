//! How a session's cited evidence is ordered and timed (`msidiag::diagnose::SessionView`), on
//! a session read from an MSI log by the real reader.
//!
//! Lives here rather than beside `src/diagnose/evidence.rs` because it needs the MSI log
//! reader, a stage below the rules that the rules must not import. These tests must not
//! depend on the report.

use std::sync::Arc;

use msidiag::diagnose::SessionView;
use msidiag::sources::msilog::session::split_sessions;
use msidiag::sources::msilog::{DateHint, SessionOptions};
use msidiag::timeline::InstallSession;

#[test]
fn a_logs_own_line_order_wins_over_coarser_times() {
    let path: Arc<str> = Arc::from("install.log");
    let text = "=== Verbose logging started: 1/20/2026  13:05:12  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n\
MSI (s) (14:48) [13:05:17:518]: Hello, I'm your 64bit Elevated custom action server.\r\n\
ConfigureAgentKey:  Error 0x80070005: failed to create registry key\r\n\
CustomAction ConfigureAgentKey returned actual error code 1603\r\n\
Action ended 13:05:17: InstallFinalize. Return value 3.\r\n\
MSI (c) (D4:20) [13:05:17:617]: MainEngineThread is returning 1603\r\n";
    let log = split_sessions(
        &path,
        text,
        SessionOptions {
            date_hint: DateHint::None,
        },
    )
    .pop()
    .unwrap();
    let session = InstallSession::from_log_session("S1".into(), &path, log);
    let view = SessionView::new(&session);
    let all: Vec<usize> = (0..session.events.len()).rev().collect();
    let evidence = view.evidence(&all);
    let lines: Vec<u64> = evidence.iter().filter_map(|e| e.line).collect();
    assert_eq!(lines, vec![1, 2, 3, 4, 5, 6]);
    // Whole seconds stay whole; engine lines keep their milliseconds.
    let time = |i: usize| evidence[i].time.map(|t| t.to_string());
    assert_eq!(time(1).as_deref(), Some("2026-01-20T13:05:17.518"));
    assert_eq!(time(4).as_deref(), Some("2026-01-20T13:05:17"));
}
