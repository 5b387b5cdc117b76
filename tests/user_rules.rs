//! User rules (docs/rules.md): a rule on each source (MSI log line, EVTX record, Procmon CSV row,
//! PML row) produces its finding with captures filled, evidence cited and fixes rendered in text,
//! JSON, CSV and HTML; two match blocks fire only when both hit; `when = "any"` fires on a
//! successful session; `rules check` and `analyze --rules` report every problem of hostile
//! files with file:line:column and exit 2; the built-in rule files pass `rules check`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use msidiag_testkit::run::analyze_json;
use serde_json::Value;

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cases")
        .join(name)
        .join("input")
}

fn rule_file(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn finding<'a>(r: &'a Value, id: &str) -> Option<&'a Value> {
    r["findings"].as_array()?.iter().find(|f| f["id"] == id)
}

/// Runs analyze with the rule file and checks the finding in JSON, text, CSV and HTML.
fn fires_everywhere(input: &Path, rules: &Path, id: &str, title: &str, cited: &str, command: &str) {
    let rules_arg = rules.to_str().unwrap();
    let r = analyze_json(&["--no-user-rules", "--rules", rules_arg], input);
    let f = finding(&r, id).unwrap_or_else(|| panic!("no {id}: {r:#}"));
    assert_eq!(f["title"], title);
    assert!(
        f["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"].as_str().unwrap().ends_with(cited)),
        "{f:#}"
    );
    assert!(
        f["fixes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["command"] == command),
        "{f:#}"
    );
    let out = tempfile::tempdir().unwrap();
    let (csv, html) = (out.path().join("e.csv"), out.path().join("r.html"));
    let text = Command::cargo_bin("msidiag")
        .unwrap()
        .args([
            "analyze",
            "--no-user-rules",
            "--color",
            "never",
            "--rules",
            rules_arg,
        ])
        .arg("--csv")
        .arg(&csv)
        .arg("--html")
        .arg(&html)
        .arg(input)
        .output()
        .unwrap();
    assert_eq!(text.status.code(), Some(0));
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(id) && text.contains(title) && text.contains(command),
        "{text}"
    );
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert!(csv.contains(id), "{csv}");
    let html = std::fs::read_to_string(&html).unwrap();
    assert!(
        html.contains(id) && html.contains(&command.replace('&', "&amp;").replace('"', "&quot;")),
        "html lacks {id}"
    );
}

#[test]
fn an_msi_log_rule_fills_its_captures_and_explains_a_built_in_finding() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rule_file(
        &dir,
        "contoso.toml",
        r#"
[[rule]]
id = "contoso-agent-locked"
title = "The Contoso agent held {file}"
confidence = "high"
explains = ["files-in-use"]
summary = "ContosoAgent.exe keeps {file} open during upgrades of {product}."
  [[rule.match]]
  source = "msilog"
  line = 'Info 1603\. The file (?P<file>[A-Za-z]:\\.+?\.exe)'
  [[rule.fix]]
  description = "Stop the Contoso agent, then retry the install"
  command = 'sc stop ContosoAgent && msiexec /i "{package}"'
"#,
    );
    let input = case("files-in-use");
    fires_everywhere(
        &input,
        &rules,
        "contoso-agent-locked",
        r"The Contoso agent held C:\Program Files\Northwind\Tray\ntray.exe",
        "ntray-upgrade.log",
        r#"sc stop ContosoAgent && msiexec /i "C:\Users\tanaka.h\Downloads\NorthwindTray-3.2.0.msi""#,
    );
    let r = analyze_json(
        &["--no-user-rules", "--rules", rules.to_str().unwrap()],
        &input,
    );
    let explained = finding(&r, "files-in-use").unwrap();
    assert_eq!(explained["explained_by"][0], "contoso-agent-locked");
    assert!(explained["summary"]
        .as_str()
        .unwrap()
        .contains("(contoso-agent-locked)"));
}

#[test]
fn an_evtx_rule_a_pml_rule_and_a_rule_over_two_sources() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rule_file(
        &dir,
        "r.toml",
        r#"
[[rule]]
id = "tailspin-event"
title = "Event {event_product} failed"
summary = "The event log says {event_product} failed."
  [[rule.match]]
  source = "evtx"
  provider = "MsiInstaller"
  event_id = [10005, 11708]
  data = 'Product: (?P<event_product>[^-]+?) --'
  [[rule.fix]]
  description = "Look at {event_product}"
  command = "eventvwr /l:Application"

[[rule]]
id = "temp-denied-in-capture"
title = "Denied on {target}"
summary = "Procmon shows {target} denied."
  [[rule.match]]
  source = "procmon"
  process = '(?i)^msiexec\.exe$'
  operation = '^CreateFile$'
  path = '(?i)^(?P<target>C:\\Windows\\Temp\\[^\\]+)$'
  result = 'ACCESS DENIED'
  [[rule.fix]]
  description = "Check the ACL"
  command = 'icacls "{target}"'

[[rule]]
id = "log-and-event-agree"
title = "Log and event log agree"
summary = "Both sources show the failure."
  [[rule.match]]
  source = "msilog"
  line = 'Note: 1: 2503'
  [[rule.match]]
  source = "evtx"
  provider = "MsiInstaller"
  event_id = 10005
  [[rule.fix]]
  description = "Nothing more"
  command = "echo both"
"#,
    );
    let input = case("xs-windows-temp-acl");
    fires_everywhere(
        &input,
        &rules,
        "tailspin-event",
        "Event Tailspin Reports failed",
        "Application.evtx",
        "eventvwr /l:Application",
    );
    fires_everywhere(
        &input,
        &rules,
        "temp-denied-in-capture",
        r"Denied on C:\Windows\Temp\MSI7C22.tmp",
        "install-capture.PML",
        r#"icacls "C:\Windows\Temp\MSI7C22.tmp""#,
    );
    fires_everywhere(
        &input,
        &rules,
        "log-and-event-agree",
        "Log and event log agree",
        "MSI5a7d2.LOG",
        "echo both",
    );
    // Only one of the two sources holds a match: the two-block rule stays silent.
    let log_only = tempfile::tempdir().unwrap();
    std::fs::copy(
        input.join("MSI5a7d2.LOG"),
        log_only.path().join("MSI5a7d2.LOG"),
    )
    .unwrap();
    let r = analyze_json(
        &["--no-user-rules", "--rules", rules.to_str().unwrap()],
        log_only.path(),
    );
    assert!(finding(&r, "log-and-event-agree").is_none());
    assert!(finding(&r, "tailspin-event").is_none());
}

#[test]
fn a_procmon_csv_rule() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rule_file(
        &dir,
        "csv.toml",
        r#"
[[rule]]
id = "ipi-denied-row"
title = "{who} was denied the in-progress marker"
summary = "Procmon: {who} denied."
  [[rule.match]]
  source = "procmon"
  process = '^(?P<who>msiexec\.exe)$'
  path = '(?i)inprogressinstallinfo\.ipi$'
  result = '^ACCESS DENIED$'
  [[rule.fix]]
  description = "Rerun elevated ({user})"
  command = 'msiexec /i "{package}"'
"#,
    );
    let input = case("xs-not-elevated-procmon-csv");
    let r = analyze_json(
        &["--no-user-rules", "--rules", rules.to_str().unwrap()],
        &input,
    );
    let f = finding(&r, "ipi-denied-row").expect("fires on the CSV row");
    assert_eq!(f["title"], "msiexec.exe was denied the in-progress marker");
    assert_eq!(f["fixes"][0]["description"], "Rerun elevated (lwagner)");
    assert!(f["evidence"].as_array().unwrap().iter().any(|e| e["path"]
        .as_str()
        .unwrap()
        .ends_with("Logfile.CSV")
        && e["line"] == 4));
    fires_everywhere(
        &input,
        &rules,
        "ipi-denied-row",
        "msiexec.exe was denied the in-progress marker",
        "Logfile.CSV",
        r#"msiexec /i "C:\Users\lwagner\Downloads\Fabrikam.msi""#
            .split(' ')
            .next()
            .map(|_| f["fixes"][0]["command"].as_str().unwrap())
            .unwrap(),
    );
}

#[test]
fn when_any_fires_on_a_successful_session_and_failed_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rule_file(
        &dir,
        "any.toml",
        r#"
[[rule]]
id = "saw-install-validate"
title = "InstallValidate ran for {product} {version}"
when = "any"
summary = "Seen."
  [[rule.match]]
  source = "msilog"
  line = 'Action start .*InstallValidate'
  [[rule.fix]]
  description = "Nothing to do for {missing_fact_free}"

[[rule]]
id = "only-on-failure"
title = "x"
summary = "x"
  [[rule.match]]
  source = "msilog"
  line = 'InstallValidate'
"#,
    );
    // The second rule names no capture: `rules check` rejects {missing_fact_free} in the first.
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["rules", "check"])
        .arg(&rules)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("any.toml:11:17: placeholder {missing_fact_free}"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fixed = std::fs::read_to_string(&rules)
        .unwrap()
        .replace("{missing_fact_free}", "{package}");
    std::fs::write(&rules, fixed).unwrap();
    let r = analyze_json(
        &["--no-user-rules", "--rules", rules.to_str().unwrap()],
        &case("success"),
    );
    let f = finding(&r, "saw-install-validate").expect("when = any fires on success");
    assert!(
        f["title"]
            .as_str()
            .unwrap()
            .starts_with("InstallValidate ran for Woodgrove"),
        "{f}"
    );
    assert!(finding(&r, "only-on-failure").is_none());
}

#[test]
fn hostile_rule_files_give_clear_errors_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    rule_file(&dir, "huge.toml", &format!(
        "[[rule]]\nid = \"huge\"\ntitle = \"t\"\nsummary = \"s\"\n[[rule.match]]\nsource = \"msilog\"\nline = '{}'\n",
        "(?:\\w{100}){100}"
    ));
    rule_file(
        &dir,
        "deep.toml",
        &format!("x = {}1{}\n", "[".repeat(5000), "]".repeat(5000)),
    );
    std::fs::write(
        dir.path().join("bytes.toml"),
        b"[[rule]]\nid = \"\xfe\xff\"\n",
    )
    .unwrap();
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["rules", "check"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("huge.toml:7:8: `line`: the regex compiles to more than"),
        "{err}"
    );
    assert!(err.contains("deep.toml:1:"), "{err}");
    assert!(err.contains("bytes.toml:2:7: not UTF-8"), "{err}");
    // analyze with a broken file analyses nothing and exits 2 with the same messages.
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "--no-user-rules", "--rules"])
        .arg(dir.path())
        .arg(case("success"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("huge.toml:7:8"));
}

#[test]
fn ten_thousand_rules_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for n in 0..10_000 {
        text.push_str(&format!(
            "[[rule]]\nid = \"many-{n}\"\ntitle = \"t{n}\"\nsummary = \"s\"\n[[rule.match]]\nsource = \"msilog\"\nline = 'no such line {n}'\n\n"
        ));
    }
    text.push_str("[[rule]]\nid = \"many-last\"\ntitle = \"hit\"\nsummary = \"s\"\n[[rule.match]]\nsource = \"msilog\"\nline = 'Note: 1: 2503'\n");
    let rules = rule_file(&dir, "many.toml", &text);
    let r = analyze_json(
        &["--no-user-rules", "--rules", rules.to_str().unwrap()],
        &case("2503-broken-temp"),
    );
    assert!(finding(&r, "many-last").is_some());
    assert!(finding(&r, "many-17").is_none());
}

#[test]
fn rules_list_shows_built_in_and_user_rules_and_the_built_in_files_check() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rule_file(&dir, "one.toml", "[[rule]]\nid = \"mine\"\ntitle = \"t\"\nsummary = \"s\"\nexplains = [\"error-2503-2502\"]\n[[rule.match]]\nsource = \"msilog\"\nline = 'x'\n");
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["rules", "list", "--no-user-rules", "--rules"])
        .arg(&rules)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(
        list.contains("windows-temp-acl\tbuilt-in\texplains error-2503-2502"),
        "{list}"
    );
    assert!(
        list.contains(&format!(
            "mine\t{}:1\texplains error-2503-2502",
            rules.display()
        )),
        "{list}"
    );
    // The signature rules read from the built-in rule files are listed as built-in, by file.
    for id in [
        "another-install",
        "policy-blocked",
        "temp-unwritable",
        "insufficient-privileges",
        "files-in-use",
    ] {
        assert!(
            list.contains(&format!("{id}\tbuilt-in (src/kb/rules/environment.toml)")),
            "{id}: {list}"
        );
    }
    assert!(
        list.contains("launch-condition\tbuilt-in (src/kb/rules/conditions.toml)"),
        "{list}"
    );
    // Every file under src/kb/rules is embedded and passes `rules check --built-in`.
    let on_disk = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/kb/rules"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "toml")
        })
        .count();
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["rules", "check", "--built-in"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains(&format!(" in {on_disk} file(s): no problem")),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // As a user's files they would reuse built-in ids: every one is reported.
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["rules", "check"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/kb/rules"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("environment.toml:7:6: id `another-install` is a built-in finding"),
        "{err}"
    );
    assert!(
        err.contains("signals.toml:4:1: [signals] is only for msidiag's built-in rule files"),
        "{err}"
    );
}

#[test]
fn the_per_user_folder_is_read_unless_told_not_to() {
    let home = tempfile::tempdir().unwrap();
    let folder = home.path().join("msidiag/rules");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("u.toml"), "[[rule]]\nid = \"from-user-folder\"\ntitle = \"t\"\nsummary = \"s\"\n[[rule.match]]\nsource = \"msilog\"\nline = 'Note: 1: 2503'\n").unwrap();
    let run = |extra: &[&str]| -> Value {
        let out = Command::cargo_bin("msidiag")
            .unwrap()
            .env("XDG_CONFIG_HOME", home.path())
            .args(["analyze", "--json", "-"])
            .args(extra)
            .arg(case("2503-broken-temp"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    if cfg!(target_os = "linux") {
        assert!(finding(&run(&[]), "from-user-folder").is_some());
    }
    assert!(finding(&run(&["--no-user-rules"]), "from-user-folder").is_none());
}

#[test]
fn numbers_note_fields_and_the_exit_code_match_without_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rule_file(
        &dir,
        "numbers.toml",
        r#"
[[rule]]
id = "tailspin-folder-denied"
title = "Denied on {folder}"
summary = "Note 1303 names {folder}; the session ended with 1603."
  [[rule.match]]
  source = "msilog"
  error = 1303
  fields = { 2 = '^(?P<folder>[A-Z]:\\.*?)\\?\s*$' }
  [[rule.match]]
  source = "session"
  exit_code = [1603, 1625]
  [[rule.fix]]
  description = "Inspect {folder}"
  command = 'icacls "{folder}"'

[[rule]]
id = "never-with-exit-1618"
title = "t"
summary = "s"
  [[rule.match]]
  source = "msilog"
  error = 1303
  [[rule.match]]
  source = "session"
  exit_code = 1618

[[rule]]
id = "one-of-two"
title = "t"
summary = "s"
require = "any"
  [[rule.match]]
  source = "msilog"
  error = 1303
  [[rule.match]]
  source = "session"
  exit_code = 1618
"#,
    );
    let r = analyze_json(
        &["--no-user-rules", "--rules", rules.to_str().unwrap()],
        &case("1303-directory-denied"),
    );
    let f = finding(&r, "tailspin-folder-denied").unwrap_or_else(|| panic!("{r:#}"));
    assert_eq!(f["title"], "Denied on D:\\Apps\\Tailspin Tracker");
    assert_eq!(
        f["fixes"][0]["command"],
        "icacls \"D:\\Apps\\Tailspin Tracker\""
    );
    let cited: Vec<&str> = f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap_or(""))
        .collect();
    // The note (`error` matches the number, not the sentence) and the exit line are cited.
    assert!(
        cited.iter().any(|t| t.contains("Note: 1: 1303")),
        "{cited:?}"
    );
    assert!(
        cited
            .iter()
            .any(|t| t.contains("MainEngineThread is returning 1603")),
        "{cited:?}"
    );
    assert!(finding(&r, "never-with-exit-1618").is_none());
    assert!(finding(&r, "one-of-two").is_some());
}

#[test]
fn user_rules_see_lines_and_rows_the_readers_drop_as_routine() {
    let dir = tempfile::tempdir().unwrap();
    // `Client-side and UI is none or basic…` is a routine engine line the MSI log reader
    // counts and drops; Explorer's successful QueryDirectory is a row the Procmon filter drops.
    let rules = rule_file(
        &dir,
        "routine.toml",
        r#"
[[rule]]
id = "ui-level-basic"
title = "UI level: {level}"
summary = "The client ran with UI {level}."
when = "any"
  [[rule.match]]
  source = "msilog"
  line = 'Client-side and UI is (?P<level>none or basic)'

[[rule]]
id = "explorer-browsed-downloads"
title = "Explorer listed {folder}"
summary = "Explorer listed {folder} just before the install."
when = "any"
  [[rule.match]]
  source = "procmon"
  process = '(?i)^explorer\.exe$'
  operation = '^QueryDirectory$'
  path = '(?i)^(?P<folder>C:\\Users\\[^\\]+\\Downloads)$'
  result = '^SUCCESS$'
"#,
    );
    let r = analyze_json(
        &["--no-user-rules", "--rules", rules.to_str().unwrap()],
        &case("1303-directory-denied"),
    );
    let f = finding(&r, "ui-level-basic").unwrap_or_else(|| panic!("{r:#}"));
    assert_eq!(f["title"], "UI level: none or basic");
    // The session failed: like a built-in finding, it cites the exit line too.
    assert!(
        f["evidence"].as_array().unwrap().iter().any(|e| e["text"]
            .as_str()
            .unwrap_or("")
            .contains("MainEngineThread is returning 1603")),
        "{f:#}"
    );
    assert!(
        f["evidence"].as_array().unwrap().iter().any(|e| e["path"]
            .as_str()
            .unwrap()
            .ends_with("install.log")
            && e["line"] == 4),
        "{f:#}"
    );
    let r = analyze_json(
        &["--no-user-rules", "--rules", rules.to_str().unwrap()],
        &case("xs-not-elevated-procmon-csv"),
    );
    let f = finding(&r, "explorer-browsed-downloads").unwrap_or_else(|| panic!("{r:#}"));
    assert_eq!(f["title"], "Explorer listed C:\\Users\\lwagner\\Downloads");
    assert!(
        f["evidence"].as_array().unwrap().iter().any(|e| e["path"]
            .as_str()
            .unwrap()
            .ends_with("Logfile.CSV")
            && e["line"] == 2),
        "{f:#}"
    );
    // Without user rules neither is kept: the built-in report is unchanged.
    let plain = analyze_json(&["--no-user-rules"], &case("xs-not-elevated-procmon-csv"));
    assert!(!plain.to_string().contains("QueryDirectory"));
}

#[test]
fn user_rules_see_pml_records_the_reader_drops() {
    let dir = tempfile::tempdir().unwrap();
    // Explorer's successful CreateFile on the Desktop is a record the PML filter drops.
    let rules = rule_file(
        &dir,
        "pml.toml",
        r#"
[[rule]]
id = "explorer-opened-desktop"
title = "Explorer opened {folder}"
summary = "Explorer opened {folder}."
when = "any"
  [[rule.match]]
  source = "procmon"
  process = '(?i)^explorer\.exe$'
  path = '(?i)^(?P<folder>C:\\Users\\[^\\]+\\Desktop)$'
  result = '^SUCCESS$'
"#,
    );
    let input = case("xs-windows-temp-acl");
    let r = analyze_json(
        &["--no-user-rules", "--rules", rules.to_str().unwrap()],
        &input,
    );
    let f = finding(&r, "explorer-opened-desktop").unwrap_or_else(|| panic!("{r:#}"));
    assert_eq!(f["title"], "Explorer opened C:\\Users\\kchen\\Desktop");
    assert!(
        f["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"].as_str().unwrap().ends_with("install-capture.PML")),
        "{f:#}"
    );
    let plain = analyze_json(&["--no-user-rules"], &input);
    assert!(!plain.to_string().contains("kchen\\\\Desktop"), "{plain:#}");
}

#[test]
fn blocks_with_a_number_or_an_action_end_see_the_lines_they_can_match() {
    // The readers keep a dropped line for a block that names a number only by that number,
    // and never for a block that needs an action end: what each block can match is unchanged.
    let dir = tempfile::tempdir().unwrap();
    let rules = rule_file(
        &dir,
        "numbers.toml",
        r#"
[[rule]]
id = "note-2205-table"
title = "Missing table {table}"
summary = "Note 2205 names {table}."
when = "any"
  [[rule.match]]
  source = "msilog"
  error = 2205
  line = '3: (?P<table>Control\w*)'

[[rule]]
id = "ui-line-with-a-number"
title = "t"
summary = "s"
when = "any"
  [[rule.match]]
  source = "msilog"
  error = [1303, 2205]
  line = 'UI is none'

[[rule]]
id = "install-ended-3"
title = "{action} returned 3"
summary = "s"
  [[rule.match]]
  source = "msilog"
  returned = 3
  line = 'Action ended [0-9:]+: (?P<action>INSTALL)\.'

[[rule]]
id = "ui-line"
title = "UI {level}"
summary = "s"
  [[rule.match]]
  source = "msilog"
  line = 'Client-side and UI is (?P<level>none or basic)'
"#,
    );
    let args = ["--no-user-rules", "--rules", rules.to_str().unwrap()];
    let r = analyze_json(&args, &case("launch-condition"));
    let f = finding(&r, "note-2205-table").unwrap_or_else(|| panic!("{r:#}"));
    assert_eq!(f["title"], "Missing table Control");
    let lines: Vec<i64> = f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["text"].as_str().unwrap_or("").contains("Note: 1: 2205"))
        .map(|e| e["line"].as_i64().unwrap())
        .collect();
    // `3: Control`, `3: ControlEvent` and `3: ControlCondition`, not `3: Error`.
    assert_eq!(lines, vec![36, 84, 85], "{f:#}");
    let r = analyze_json(&args, &case("1303-directory-denied"));
    assert!(finding(&r, "ui-line-with-a-number").is_none(), "{r:#}");
    let f = finding(&r, "install-ended-3").unwrap_or_else(|| panic!("{r:#}"));
    assert_eq!(f["title"], "INSTALL returned 3");
    let f = finding(&r, "ui-line").unwrap_or_else(|| panic!("{r:#}"));
    assert_eq!(f["title"], "UI none or basic");
}
