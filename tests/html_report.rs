//! The HTML report (`--html FILE`): markup checks, and the page as a person sees it in a real
//! browser (headless Chromium: the visible verdict, a non-blank screenshot, the copy buttons,
//! the page without JavaScript, printing, and hostile product names and paths shown as text).
//!
//! The browser is `/usr/bin/chromium` (Debian's package, installed by
//! `scripts/install-browser.sh`). Without it the browser tests fail when `CI` is set and are
//! skipped with a message otherwise. The browser runs without network access to anything: the
//! report must load nothing, and the resolver maps every host to nowhere. These tests must not
//! write anywhere but their temporary folders.

use msidiag_testkit::cross_source;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use assert_cmd::Command as BinCommand;
use msidiag::{analyze, report, Options};
use serde_json::Value;

const CHROMIUM: &str = "/usr/bin/chromium";

/// What the hostile fixture puts where the product name and the package folder were.
const EVIL_PRODUCT: &str = "Contoso <script>window.pwned=1</script> \"Widget\" & 'Co'";
const EVIL_FOLDER: &str = "Down\"><img src=x onerror=window.pwned=2>'loads";
/// What it puts where an action name was, on log lines shown only as context.
const EVIL_ACTION: &str =
    "Publish</td></tr></table></details><script>window.pwned=3</script>\"Fea'tures";

/// The options of a report run (the CLI reads the log context again for `--html`).
fn html_options() -> Options {
    Options {
        context: Some(15),
        ..Options::default()
    }
}

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cases")
        .join(name)
        .join("input")
}

fn render(path: &Path) -> String {
    let analysis = analyze(&[path.to_path_buf()], &html_options()).unwrap();
    report::html::render(&analysis)
}

fn all_cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(case("x").parent().unwrap().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path().join("input"))
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

/// The 2503-not-elevated log (UTF-16LE) as UTF-8, with the product name and the package
/// folder replaced by markup, written to `dir` under a file name that holds markup too
/// (where the file system allows it).
fn hostile_input(dir: &Path) -> PathBuf {
    let bytes = std::fs::read(case("2503-not-elevated").join("install.log")).unwrap();
    assert_eq!(&bytes[..2], b"\xff\xfe", "the fixture is UTF-16LE with BOM");
    let units: Vec<u16> = bytes[2..]
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let text = String::from_utf16(&units)
        .unwrap()
        .replace("Contoso Widget", EVIL_PRODUCT)
        .replace("\\mpatel\\Downloads", &format!("\\mpatel\\{EVIL_FOLDER}"))
        .replace("PublishFeatures", EVIL_ACTION);
    let name = if cfg!(unix) {
        "install <b onclick=x>\"evil\" 'log'.log"
    } else {
        "install.log"
    };
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

// ---------------------------------------------------------------------------------------------
// Markup

/// The page without the text between tags, except inside `<style>` and `<script>` (escaped
/// log text cannot open a tag: `<` is written as `&lt;`).
fn without_text_nodes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let tag_end = rest[open..].find('>').map_or(rest.len(), |e| open + e + 1);
        let tag = &rest[open..tag_end];
        out.push_str(tag);
        rest = &rest[tag_end..];
        for raw in ["script", "style"] {
            if tag.starts_with(&format!("<{raw}")) {
                let close = rest.find(&format!("</{raw}")).unwrap_or(rest.len());
                out.push_str(&rest[..close]);
                rest = &rest[close..];
            }
        }
    }
    out
}

#[test]
fn the_report_is_self_contained() {
    for input in all_cases() {
        let html = render(&input);
        let what = input.display();
        assert!(html.starts_with("<!DOCTYPE html>"), "{what}");
        // Log lines shown as text may hold URLs (a custom action that downloads); what must
        // not hold one is the markup, the stylesheet and the script.
        let markup = without_text_nodes(&html);
        for needle in ["http://", "https://", "//cdn"] {
            assert!(
                !markup.contains(needle),
                "{what}: markup contains {needle:?}"
            );
        }
        for needle in [
            " src=",
            "url(",
            "@import",
            "<iframe",
            "<object",
            "<embed",
            "<img",
            "<link rel=\"stylesheet",
        ] {
            assert!(!html.contains(needle), "{what}: contains {needle:?}");
        }
        for (i, _) in html.match_indices("href=\"") {
            let target = &html[i + 6..];
            assert!(
                target.starts_with('#') || target.starts_with("data:"),
                "{what}: a link leaves the page: {}",
                &target[..target.len().min(60)]
            );
        }
        assert!(
            html.contains("http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"),
            "{what}: no CSP forbidding requests"
        );
        assert_eq!(html.matches("<script").count(), 1, "{what}: one script");
        assert_eq!(html.matches("<style").count(), 1, "{what}: one stylesheet");
    }
}

#[test]
fn the_verdict_comes_first_and_names_the_most_likely_cause() {
    let html = render(&case("2503-not-elevated"));
    let verdict = html.find("id=\"verdict\"").expect("a verdict section");
    let findings = html.find("id=\"findings\"").expect("a findings section");
    let timeline = html.find("id=\"timeline\"").expect("a timeline section");
    let inputs = html.find("id=\"inputs\"").expect("an inputs section");
    assert!(verdict < findings && findings < timeline && timeline < inputs);
    let card = &html[verdict..findings];
    for text in [
        "Failed",
        "Contoso Widget 2.4.1",
        "install",
        "exit code 1603",
        "Most likely cause",
        "The installer was not running elevated",
        "high confidence",
    ] {
        assert!(card.contains(text), "verdict lacks {text:?}");
    }
    assert!(card.contains("href=\"#finding-S1-1\""));
    assert!(html.contains("id=\"finding-S1-1\""));
}

#[test]
fn every_fix_command_has_a_copy_button_and_selectable_text() {
    for input in all_cases() {
        let analysis = analyze(std::slice::from_ref(&input), &Options::default()).unwrap();
        let html = report::html::render(&analysis);
        let commands = analysis
            .findings
            .iter()
            .flat_map(|f| &f.fixes)
            .filter(|f| f.command.is_some())
            .count();
        let buttons: Vec<&str> = html
            .match_indices("<button class=\"copy\"")
            .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap()])
            .collect();
        assert_eq!(buttons.len(), commands, "{}", input.display());
        for b in buttons {
            let target = b
                .split("data-target=\"")
                .nth(1)
                .and_then(|t| t.split('"').next())
                .expect("the button names its command");
            assert!(
                html.contains(&format!("<code id=\"{target}\">")),
                "{}: no command {target}",
                input.display()
            );
            assert!(b.contains(" hidden"), "hidden until the script enables it");
        }
    }
}

#[test]
fn evidence_cites_file_and_line_with_the_exact_text() {
    let html = render(&case("2503-not-elevated"));
    assert!(html.contains(">install.log:382<"));
    assert!(html.contains(
        "MSI (s) (A0:C8) [08:32:02:081]: Note: 1: 2203 2: C:\\Windows\\Installer\\inprogressinstallinfo.ipi 3: -2147287035"
    ));
    // In time order: the 2503 note (08:32:02) before the 2502 note (08:32:04).
    let a = html.find(">install.log:383<").unwrap();
    let b = html.find(">install.log:393<").unwrap();
    assert!(a < b);
}

/// The rows of the first log-context block: (line number, class, text).
fn first_context_rows(html: &str) -> Vec<(u64, String, String)> {
    let start = html
        .find("<details class=\"ctx\">")
        .expect("a context block");
    let end = start + html[start..].find("</details>").unwrap();
    html[start..end]
        .split("<tr")
        .skip(1)
        .map(|row| {
            let class = row
                .strip_prefix(" class=\"")
                .map(|r| r[..r.find('"').unwrap()].to_string())
                .unwrap_or_default();
            let cell = |name: &str| {
                let at = row.find(&format!("<td class=\"{name}\">")).unwrap() + name.len() + 13;
                row[at..at + row[at..].find("</td>").unwrap()].to_string()
            };
            (cell("ln").parse().unwrap(), class, cell("lt"))
        })
        .collect()
}

#[test]
fn evidence_lines_expand_to_the_numbered_log_lines_around_them() {
    let html = render(&case("2503-not-elevated"));
    let rows = first_context_rows(&html);
    // The first evidence row (line 382) and the next within reach (407) share one block,
    // 15 lines before the first and after the last, numbered as in the file.
    assert_eq!(rows.first().unwrap().0, 367);
    assert_eq!(rows.last().unwrap().0, 422);
    assert!(rows.windows(2).all(|w| w[1].0 == w[0].0 + 1));
    let cited: Vec<u64> = rows
        .iter()
        .filter(|r| r.1.starts_with("cited"))
        .map(|r| r.0)
        .collect();
    assert_eq!(cited, [382, 407]);
    let text = std::fs::read(case("2503-not-elevated").join("install.log")).unwrap();
    let units: Vec<u16> = text[2..]
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let text = String::from_utf16(&units).unwrap();
    let file_lines: Vec<&str> = text.split('\n').collect();
    for (n, _, shown) in &rows {
        let line = file_lines[*n as usize - 1].trim_end_matches('\r');
        let escaped = line
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;");
        assert_eq!(shown, &escaped, "line {n}");
    }
    // A line the reader parsed as a failed action is marked.
    assert!(
        rows.iter()
            .any(|r| r.1.contains("err") && r.2.contains("Return value 3")),
        "{rows:?}"
    );
    assert!(html.contains("(±15 around lines 382, 407)"));
    assert!(
        !html.contains("class=\"ctx-cap\""),
        "the cap is not reached"
    );
}

#[test]
fn the_context_cap_is_stated_when_reached() {
    // Lines ±6,000 around each cited line: the first block alone passes the 5,000-line cap.
    let options = Options {
        context: Some(6000),
        ..Options::default()
    };
    let analysis = analyze(&[case("2503-not-elevated")], &options).unwrap();
    let html = report::html::render(&analysis);
    assert!(html.contains("The log lines around the evidence stop after 5,000 lines"));
    assert!(!html.contains("<details class=\"ctx\">"));
    // ±1,000: blocks are shown until the cap, and the rest is stated.
    let options = Options {
        context: Some(1000),
        ..Options::default()
    };
    let analysis = analyze(&[case("2503-not-elevated")], &options).unwrap();
    let html = report::html::render(&analysis);
    let rows = html.matches("<td class=\"ln\">").count();
    assert!(rows > 0 && rows <= 5000, "{rows}");
}

#[test]
fn the_cli_context_option_sets_the_lines_around_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    for (n, expect) in [("3", Some("(±3 around line")), ("0", None)] {
        BinCommand::cargo_bin("msidiag")
            .unwrap()
            .args(["analyze", "--context", n, "--html"])
            .arg(&out)
            .arg(case("2503-not-elevated"))
            .assert()
            .success();
        let html = std::fs::read_to_string(&out).unwrap();
        match expect {
            Some(text) => assert!(html.contains(text), "--context {n}"),
            None => assert!(!html.contains("<details class=\"ctx\">"), "--context 0"),
        }
    }
}

/// The rows of a session's action table: (action, row class, cells as text).
fn action_rows(html: &str, session: &str) -> Vec<(String, String, String)> {
    let start = html
        .find(&format!("id=\"actions-{session}\""))
        .expect("an action table");
    let end = start + html[start..].find("</details>").unwrap();
    let body = &html[start..end];
    let body = &body[body.find("<tbody>").unwrap()..];
    body.split("<tr")
        .skip(1)
        .map(|row| {
            let class = row
                .strip_prefix(" class=\"")
                .map(|r| r[..r.find('"').unwrap()].to_string())
                .unwrap_or_default();
            let mut text = String::new();
            // The split ate the `<` of the row's own tag.
            let mut in_tag = true;
            for c in row.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => {
                        in_tag = false;
                        text.push(' ');
                    }
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let name = text.split(' ').next().unwrap_or("").to_string();
            (name, class, text)
        })
        .collect()
}

#[test]
fn each_session_has_an_action_table_with_the_failing_action_marked() {
    let html = render(&case("2503-not-elevated"));
    let rows = action_rows(&html, "S1");
    assert_eq!(rows.len(), 30, "{rows:?}");
    // The failure started in InstallFinalize; the sequences around it failed with it.
    let failed: Vec<&(String, String, String)> =
        rows.iter().filter(|r| r.1.contains("act-failed")).collect();
    assert_eq!(failed.len(), 4, "{failed:?}");
    let here: Vec<&str> = rows
        .iter()
        .filter(|r| r.2.contains("failed here"))
        .map(|r| r.0.as_str())
        .collect();
    assert_eq!(here, ["InstallFinalize"]);
    assert!(html.contains("failed: InstallFinalize"));
    // The welcome dialog waited 5 s for the user: shaded as slow (≥ 2 s), not ≥ 10 s.
    let welcome = rows.iter().find(|r| r.0 == "WelcomeDlg").unwrap();
    assert_eq!(welcome.1, "slow-1", "{welcome:?}");
    assert!(
        welcome.2.contains("08:31:55 08:32:01 5 s 1 (success)"),
        "{welcome:?}"
    );
    let cost = rows.iter().find(|r| r.0 == "CostInitialize").unwrap();
    assert_eq!(cost.1, "", "a quick action is not shaded");
    // Open without JavaScript, and in print.
    assert!(html.contains("<details class=\"actions\" open id=\"actions-S1\">"));
}

#[test]
fn custom_actions_are_labelled_with_their_type() {
    let html = render(&case("deferred-ca-failure"));
    let rows = action_rows(&html, "S1");
    let ca = rows
        .iter()
        .find(|r| r.0 == "RegisterAgentService")
        .expect("the custom action's row");
    assert!(
        ca.2.contains("custom action type 3073: DLL, deferred, no impersonation"),
        "{ca:?}"
    );
    let standard = rows.iter().find(|r| r.0 == "InstallFiles").unwrap();
    assert!(!standard.2.contains("custom action"), "{standard:?}");
}

#[test]
fn the_report_has_a_timeline_inventory_and_clocks() {
    let html = render(&case("two-sessions"));
    let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
    assert_eq!(
        svg.matches("<g class=\"session\"").count(),
        2,
        "one row per session"
    );
    assert!(svg.contains("MSI log: setup_verbose.txt"));
    assert!(svg.contains("clock: local time, offset to UTC unknown"));
    assert!(svg.contains("<path d=\"M"), "evidence marks");
    let inputs = &html[html.find("id=\"inputs\"").unwrap()..];
    for text in [
        "setup_verbose.txt",
        "msilog",
        "utf-16le",
        ">ok<",
        "2025-09-18",
    ] {
        assert!(inputs.contains(text), "inventory lacks {text:?}");
    }
    assert!(html.contains("id=\"clocks\""));
    assert!(html.contains("no event log was given to align it with"));
}

#[test]
fn a_cross_source_report_draws_a_lane_per_source_and_a_machine_wide_verdict() {
    let dir = tempfile::tempdir().unwrap();
    cross_source::write_case(dir.path());
    let html = render(dir.path());
    let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
    for lane in [
        "MSI log: install.log",
        "Event log: Application.evtx",
        "Procmon: procmon.csv",
    ] {
        assert!(svg.contains(lane), "no lane {lane:?}");
    }
    assert!(svg.contains("clock: UTC (local = UTC+01:00)"));
    // Evidence from all three sources, merged in time order: the log's ipi note (08:32:02.081),
    // Procmon's access denied (08:32:02.081), the event log's 2503 (07:32:04 UTC = 08:32:04).
    let ipi = html
        .split("<article class=\"finding")
        .find(|a| a.contains(">ipi-access-denied</code>"))
        .expect("the ipi-access-denied finding");
    let log = ipi.find(">install.log:382<").unwrap();
    let procmon = ipi.find(">procmon.csv:3<").unwrap();
    let evtx = ipi.find(">Application.evtx#2<").unwrap();
    let log_2502 = ipi.find(">install.log:393<").unwrap();
    assert!(log < procmon && procmon < evtx && evtx < log_2502);
    let verdict =
        &html[html.find("id=\"verdict\"").unwrap()..html.find("id=\"findings\"").unwrap()];
    assert!(verdict.contains("Machine-wide"));
    assert!(verdict.contains("href=\"#machine-1\""));
    assert!(html.contains("id=\"machine-1\""));
    let inputs = &html[html.find("id=\"inputs\"").unwrap()..];
    assert!(inputs.contains("local, UTC+01:00 (matched)"));
    assert!(inputs.contains("utc (native)"));
    assert!(inputs.contains("2025-03-14 07:31:55 → 07:32:09 UTC"));
}

#[test]
fn the_print_stylesheet_hides_buttons_and_expands_everything() {
    let html = render(&case("2503-not-elevated"));
    let print = &html[html.find("@media print").expect("a print stylesheet")..];
    assert!(print.contains("button"));
    assert!(print.contains("display: none"));
    assert!(print.contains("max-height: none"));
}

#[test]
fn text_from_the_inputs_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let input = hostile_input(dir.path());
    let analysis = analyze(&[input], &html_options()).unwrap();
    assert_eq!(
        analysis.sessions[0].product.as_deref(),
        Some(EVIL_PRODUCT),
        "the fixture carries the hostile name into the analysis"
    );
    assert!(
        analysis.findings.iter().flat_map(|f| &f.fixes).any(|f| f
            .command
            .as_deref()
            .is_some_and(|c| c.contains(EVIL_FOLDER))),
        "the hostile folder reaches a fix command"
    );
    let html = report::html::render(&analysis);
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the report's own script"
    );
    assert!(!html.contains("<script>window.pwned"));
    assert!(!html.contains("<img"));
    assert!(!html.contains("<b>"));
    assert!(html.contains(
        "Contoso &lt;script&gt;window.pwned=1&lt;/script&gt; &quot;Widget&quot; &amp; 'Co'"
    ));
    assert!(html.contains("Down&quot;&gt;&lt;img src=x onerror=window.pwned=2&gt;'loads"));
    // Log lines shown only as context are text too: no element ends or starts inside them.
    assert!(html.contains("Publish&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;/details&gt;&lt;script&gt;window.pwned=3&lt;/script&gt;&quot;Fea'tures"));
    assert!(html.contains("<details class=\"ctx\">"));
    for tag in ["details", "table", "tr", "td"] {
        assert_eq!(
            html.matches(&format!("<{tag}>")).count() + html.matches(&format!("<{tag} ")).count(),
            html.matches(&format!("</{tag}>")).count(),
            "<{tag}> opened and closed as often"
        );
    }
    if cfg!(unix) {
        assert!(html.contains("install &lt;b onclick=x&gt;&quot;evil&quot; 'log'.log"));
    }
    // Attribute values (titles, tooltips) never end early: every `"` inside one is escaped.
    for (i, _) in html.match_indices("title=\"") {
        let rest = &html[i + 7..];
        let value = &rest[..rest.find('"').unwrap()];
        assert!(!value.contains('<') && !value.contains('>'), "{value}");
    }
}

#[test]
fn the_cli_writes_the_html_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    BinCommand::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "--html"])
        .arg(&out)
        .arg(case("2503-not-elevated"))
        .assert()
        .success();
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("The installer was not running elevated"));
}

// ---------------------------------------------------------------------------------------------
// Real browser

/// The browser (`/usr/bin/chromium`, or `MSIDIAG_CHROMIUM` when set), or `None` (skip) on a
/// developer machine without it. In CI (`CI` set) it must be there.
fn browser() -> Option<String> {
    let path = std::env::var("MSIDIAG_CHROMIUM").unwrap_or_else(|_| CHROMIUM.to_string());
    if Path::new(&path).exists() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{path} is missing: in CI the HTML report must be tested in a real browser. \
             Install it with scripts/install-browser.sh (Debian's chromium package)."
        );
    }
    // Written to the stderr handle, not with `eprintln!`, so the test harness does not hide it.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {path} is missing, so the real-browser checks of the HTML report did not run \
         (install it with scripts/install-browser.sh; in CI this is a failure)"
    );
    None
}

/// Runs headless Chromium on `page` with `extra` flags; returns stdout. Fails after 90 s.
fn chromium(browser: &str, work: &Path, page: &Path, extra: &[&str]) -> String {
    let profile = tempfile::tempdir_in(work).unwrap();
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    let stdout = work.join(format!("chromium-{run}.out"));
    let stderr = work.join(format!("chromium-{run}.err"));
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--disable-extensions",
            "--hide-scrollbars",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            // Console messages (a blocked script or request) go to stderr, which is checked.
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {browser}: {e}"));
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{browser} did not finish within 90 s; stderr:\n{}",
                std::fs::read_to_string(&stderr).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = std::fs::read_to_string(&stdout).unwrap_or_default();
    let err = std::fs::read_to_string(&stderr).unwrap_or_default();
    assert!(status.success(), "{browser} failed ({status}):\n{err}");
    assert!(
        !err.contains("Content Security Policy") && !err.contains("Content-Security-Policy"),
        "the page tried something its policy forbids:\n{err}"
    );
    out
}

/// Writes the report for `input` into a fresh folder; returns the folder and the report path.
fn report_page(input: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, render(input)).unwrap();
    (dir, page)
}

/// The harness page: the report in a frame (sandboxed without scripts when `js` is false, so
/// the report is rendered with JavaScript off) and a script that reads what a person sees
/// (`innerText` leaves out what is not rendered) and writes it as JSON into the page.
fn harness(dir: &Path, report: &Path, js: bool) -> PathBuf {
    let harness = dir.join("harness.html");
    std::fs::write(
        &harness,
        format!(
            r#"<!DOCTYPE html><html><body style="margin:0"><pre id="result" style="display:none">pending</pre>
<iframe id="f" src="{}" {} style="width:1280px;height:2000px;border:0"></iframe>
<script>
window.addEventListener("load", function () {{
  var out = {{}};
  try {{
    var w = document.getElementById("f").contentWindow, d = w.document;
    var visible = function (e) {{ return !!e && !e.hidden && e.offsetWidth > 0 && e.offsetHeight > 0
      && getComputedStyle(e).visibility !== "hidden"; }};
    var v = d.getElementById("verdict"), f = d.getElementById("findings");
    out.verdict = v ? v.innerText : null;
    out.body = d.body.innerText;
    out.title = d.title;
    out.verdictTop = v ? v.getBoundingClientRect().top : null;
    out.findingsTop = f ? f.getBoundingClientRect().top : null;
    var buttons = Array.prototype.slice.call(d.querySelectorAll("button.copy"));
    out.buttons = buttons.length;
    out.visibleButtons = buttons.filter(visible).length;
    out.commands = d.querySelectorAll(".cmd code").length;
    out.svgRows = d.querySelectorAll("svg g.session").length;
    out.scripts = d.scripts.length;
    out.images = d.images.length;
    out.pwned = typeof w.pwned;
    // The log context: closed at first; opened as a reader's click would open it (from this
    // page, so it works in the frame without scripts), its numbered lines are seen.
    var ctx = d.querySelectorAll("details.ctx");
    out.ctxBlocks = ctx.length;
    if (ctx.length) {{
      out.ctxClosedHeight = ctx[0].getBoundingClientRect().height;
      ctx[0].open = true;
      out.ctxOpenHeight = ctx[0].getBoundingClientRect().height;
      out.ctxText = ctx[0].innerText;
      out.ctxRows = Array.prototype.slice.call(ctx[0].querySelectorAll("tr")).filter(visible).length;
      var cited = ctx[0].querySelector("tr.cited");
      out.ctxCitedBg = cited ? getComputedStyle(cited).backgroundColor : null;
    }}
    // Click the first copy button: headless Chromium refuses the clipboard to a script's
    // click, so the button falls back to selecting the command for Ctrl+C.
    var first = buttons[0];
    if (first) {{ first.click(); }}
    setTimeout(function () {{
      if (first) {{
        var code = d.getElementById(first.getAttribute("data-target"));
        out.clickedLabel = first.textContent;
        out.selectionIsCommand = String(w.getSelection()) === code.textContent;
      }}
      document.getElementById("result").textContent = JSON.stringify(out);
    }}, 300);
    return;
  }} catch (e) {{ out.error = String(e); }}
  document.getElementById("result").textContent = JSON.stringify(out);
}});
</script></body></html>"#,
            report.file_name().unwrap().to_string_lossy(),
            if js { "" } else { "sandbox=\"allow-same-origin\"" }
        ),
    )
    .unwrap();
    harness
}

/// What a person sees of the report (see [`harness`]).
fn seen(browser: &str, dir: &Path, report: &Path, js: bool) -> Value {
    let harness = harness(dir, report, js);
    let dom = chromium(
        browser,
        dir,
        &harness,
        &[
            "--allow-file-access-from-files",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ],
    );
    let at = dom
        .find("id=\"result\"")
        .expect("the harness page was dumped");
    let start = at + dom[at..].find('>').unwrap() + 1;
    let end = start + dom[start..].find("</pre>").unwrap();
    let json = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    let v: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert!(v.get("error").is_none(), "harness: {v}");
    v
}

#[test]
fn browser_shows_the_verdict_first_and_working_copy_buttons() {
    let Some(browser) = browser() else { return };
    let browser = browser.as_str();
    let (dir, page) = report_page(&case("2503-not-elevated"));
    let v = seen(browser, dir.path(), &page, true);
    let verdict = v["verdict"].as_str().unwrap();
    for text in [
        "FAILED",
        "Contoso Widget 2.4.1",
        "MOST LIKELY CAUSE",
        "The installer was not running elevated",
        "HIGH CONFIDENCE",
    ] {
        assert!(
            verdict.contains(text),
            "visible verdict lacks {text:?}:\n{verdict}"
        );
    }
    assert!(v["verdictTop"].as_f64().unwrap() < v["findingsTop"].as_f64().unwrap());
    assert_eq!(v["title"], "Contoso Widget install failed");
    assert!(v["commands"].as_u64().unwrap() >= 2);
    assert_eq!(v["buttons"], v["commands"], "a copy button per command");
    assert_eq!(
        v["visibleButtons"], v["buttons"],
        "the script (allowed by its CSP hash) reveals every copy button"
    );
    assert_eq!(v["svgRows"], 1, "the timeline is drawn");
    match v["clickedLabel"].as_str() {
        Some("Copied") => {}
        Some("Press Ctrl+C") => assert_eq!(v["selectionIsCommand"], true, "{v}"),
        other => panic!("the copy button did nothing visible: {other:?}"),
    }
    let body = v["body"].as_str().unwrap();
    assert!(body.contains("install.log:382"));
    assert!(
        body.contains("msiexec /i \"C:\\Users\\mpatel\\Downloads\\ContosoWidget-2.4.1-x64.msi\"")
    );

    // The same through --dump-dom of the page itself: the buttons are in the DOM, enabled.
    let dom = chromium(browser, dir.path(), &page, &["--dump-dom"]);
    assert!(dom.contains("The installer was not running elevated"));
    assert!(dom.contains("<button class=\"copy\" type=\"button\" data-target=\"cmd-1\""));
    assert!(!dom.contains("<button class=\"copy\" type=\"button\" data-target=\"cmd-1\" hidden"));
}

#[test]
fn browser_screenshot_is_not_blank() {
    let Some(browser) = browser() else { return };
    let browser = browser.as_str();
    let (dir, page) = report_page(&case("2503-not-elevated"));
    let png = dir.path().join("shot.png");
    chromium(
        browser,
        dir.path(),
        &page,
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,2000",
        ],
    );
    let (width, height, pixels) = decode_rgb(&png);
    assert_eq!((width, height), (1280, 2000));
    let total = pixels.len();
    let background = dominant(&pixels);
    let differ = pixels.iter().filter(|p| **p != background).count();
    let dark = pixels.iter().filter(|p| luma(**p) < 110).count();
    let red = pixels
        .iter()
        .filter(|&&[r, g, b]| r > 150 && g < 80 && b < 80)
        .count();
    assert!(
        differ * 20 > total,
        "under 5% of the page differs from its background"
    );
    assert!(
        dark * 200 > total,
        "under 0.5% of dark (text) pixels: {dark}"
    );
    assert!(
        red > 200,
        "the failed outcome is not shown in red ({red} pixels)"
    );
    // The verdict is at the top: the first 400 rows hold text.
    let top_dark = pixels[..1280 * 400]
        .iter()
        .filter(|p| luma(**p) < 110)
        .count();
    assert!(
        top_dark > 1000,
        "no text in the top of the page: {top_dark}"
    );
}

/// Chromium's own switch (`--blink-settings=scriptEnabled=false`) also stops its headless
/// `--dump-dom` and `--screenshot`, so the report is framed with scripts sandboxed away instead.
#[test]
fn browser_without_javascript_shows_everything_but_the_copy_buttons() {
    let Some(browser) = browser() else { return };
    let browser = browser.as_str();
    let (dir, page) = report_page(&case("2503-not-elevated"));
    let v = seen(browser, dir.path(), &page, false);
    let verdict = v["verdict"].as_str().unwrap();
    assert!(
        verdict.contains("The installer was not running elevated"),
        "{verdict}"
    );
    let body = v["body"].as_str().unwrap();
    assert!(body.contains("Windows Installer was denied access to"));
    assert!(
        body.contains("msiexec /i \"C:\\Users\\mpatel\\Downloads\\ContosoWidget-2.4.1-x64.msi\"")
    );
    assert!(
        !body.contains("Copy"),
        "a copy button shows without the script that makes it work"
    );
    assert_eq!(v["visibleButtons"], 0);
    assert_eq!(v["clickedLabel"], "Copy", "no script, no reaction");
    assert!(v["buttons"].as_u64().unwrap() >= 2);
    assert_eq!(v["svgRows"], 1, "the timeline needs no script");
    assert!(
        body.to_lowercase().contains("installfinalize failed here"),
        "the action table shows without JavaScript"
    );

    let png = dir.path().join("nojs.png");
    let harness = harness(dir.path(), &page, false);
    chromium(
        browser,
        dir.path(),
        &harness,
        &[
            "--allow-file-access-from-files",
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,1200",
        ],
    );
    let (_, _, pixels) = decode_rgb(&png);
    let dark = pixels.iter().filter(|p| luma(**p) < 110).count();
    assert!(
        dark * 200 > pixels.len(),
        "the page without JavaScript looks empty"
    );
}

#[test]
fn browser_renders_hostile_names_as_text_and_runs_none_of_them() {
    let Some(browser) = browser() else { return };
    let browser = browser.as_str();
    let dir = tempfile::tempdir().unwrap();
    let input = hostile_input(dir.path());
    let page = dir.path().join("report.html");
    std::fs::write(&page, render(&input)).unwrap();
    let v = seen(browser, dir.path(), &page, true);
    assert_eq!(v["pwned"], "undefined", "markup from the inputs ran: {v}");
    assert_eq!(v["scripts"], 1);
    assert_eq!(v["images"], 0);
    let verdict = v["verdict"].as_str().unwrap();
    assert!(verdict.contains(EVIL_PRODUCT), "{verdict}");
    let body = v["body"].as_str().unwrap();
    assert!(body.contains(EVIL_FOLDER));
    assert!(v["title"].as_str().unwrap().starts_with(EVIL_PRODUCT));
}

#[test]
fn browser_opens_the_log_context_in_place_without_javascript() {
    let Some(browser) = browser() else { return };
    let browser = browser.as_str();
    let dir = tempfile::tempdir().unwrap();
    let input = hostile_input(dir.path());
    let page = dir.path().join("report.html");
    std::fs::write(&page, render(&input)).unwrap();
    let v = seen(browser, dir.path(), &page, false);
    assert_eq!(v["pwned"], "undefined", "markup from the log ran: {v}");
    assert!(v["ctxBlocks"].as_u64().unwrap() >= 1, "{v}");
    let (closed, open) = (
        v["ctxClosedHeight"].as_f64().unwrap(),
        v["ctxOpenHeight"].as_f64().unwrap(),
    );
    assert!(
        closed < 40.0 && open > closed + 300.0,
        "closed until asked for, then shown in place: {closed} → {open}"
    );
    assert!(v["ctxRows"].as_u64().unwrap() >= 31, "{v}");
    let text = v["ctxText"].as_str().unwrap();
    assert!(text.contains(EVIL_ACTION), "{text}");
    assert!(text.contains("382"), "line numbers are kept: {text}");
    assert_ne!(
        v["ctxCitedBg"].as_str(),
        Some("rgba(0, 0, 0, 0)"),
        "the cited line is highlighted"
    );
}

#[test]
fn browser_prints_the_report_to_pdf() {
    let Some(browser) = browser() else { return };
    let browser = browser.as_str();
    let (dir, page) = report_page(&case("2503-not-elevated"));
    let pdf = dir.path().join("report.pdf");
    chromium(
        browser,
        dir.path(),
        &page,
        &[
            &format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer",
        ],
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    assert!(
        bytes.len() > 20_000,
        "a suspiciously small PDF: {} bytes",
        bytes.len()
    );
}

// ---------------------------------------------------------------------------------------------
// Pixels

fn decode_rgb(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let step = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    let pixels = buf[..info.buffer_size()]
        .chunks_exact(step)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    (info.width, info.height, pixels)
}

fn dominant(pixels: &[[u8; 3]]) -> [u8; 3] {
    let mut counts = std::collections::HashMap::new();
    for p in pixels {
        *counts.entry(*p).or_insert(0usize) += 1;
    }
    counts.into_iter().max_by_key(|(_, n)| *n).unwrap().0
}

fn luma([r, g, b]: [u8; 3]) -> u32 {
    (299 * r as u32 + 587 * g as u32 + 114 * b as u32) / 1000
}
