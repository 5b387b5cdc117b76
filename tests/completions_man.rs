//! `msidiag completions <shell>` and `msidiag man`: generated from the clap definitions, so
//! they name every subcommand and flag the binary accepts. These tests must not write outside
//! their temporary folders.

use assert_cmd::Command;

fn msidiag(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("msidiag")
        .unwrap()
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn completions_cover_every_shell_and_the_analyze_flags() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = msidiag(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        for word in [
            "analyze",
            "explain",
            "convert",
            "html",
            "json",
            "timeline-csv",
        ] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    let bash = String::from_utf8(msidiag(&["completions", "bash"]).stdout).unwrap();
    assert!(bash.contains("complete -F _msidiag"));
}

#[test]
fn completions_for_an_unknown_shell_are_a_usage_error() {
    assert_eq!(msidiag(&["completions", "cmd.exe"]).status.code(), Some(2));
}

#[test]
fn man_prints_the_main_page_and_each_subcommand_page() {
    let out = msidiag(&["man"]);
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH msidiag 1"));
    for sub in ["analyze", "explain", "convert", "completions"] {
        assert!(page.contains(&format!("msidiag\\-{sub}(1)")), "{sub}");
    }
    let analyze = String::from_utf8(msidiag(&["man", "analyze"]).stdout).unwrap();
    assert!(analyze.contains(".TH msidiag-analyze 1"));
    assert!(analyze.contains("\\fB\\-\\-html\\fR"));
    assert!(analyze.contains(env!("CARGO_PKG_VERSION")));
    assert!(
        !analyze.contains("\\-\\-version"),
        "analyze has no --version flag"
    );
    assert_eq!(msidiag(&["man", "nope"]).status.code(), Some(2));
}

#[test]
fn man_writes_every_page_into_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = msidiag(&["man", "--out-dir", dir.path().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut pages: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    for page in ["msidiag.1", "msidiag-analyze.1", "msidiag-explain.1"] {
        assert!(pages.iter().any(|p| p == page), "{pages:?}");
    }
}
