//! Knowledge base: what Windows Installer codes mean and what usually fixes them.
//!
//! What it does:
//! - [`tables`]: the Windows Installer error-message table (545 rows) and the msiexec
//!   exit-code table (59 rows), embedded from `data/*.tsv` (Microsoft docs, CC BY 4.0, see
//!   `data/ATTRIBUTION.md`) and parsed once on first use; template rendering for
//!   `Note: 1: N 2: … 3: …` records.
//! - [`mod@hresult`]: parsing of codes as logs print them (`1603`, `-2147287035`, `0x80070643`)
//!   and decoding of HRESULT / Win32 / NTSTATUS values from small hand-checked tables.
//! - [`families`]: failure families (meaning, causes, fix templates) from `data/families.tsv`,
//!   looked up by id, message number or the system error of a file/registry error.
//! - [`win32`]: the Win32 code behind `System error N`, `0x8007xxxx` and `STG_E_*` values.
//! - [`advice`]: hand-written common causes and concrete fixes per code and table.
//! - [`signals`]: the one list of benign notes and the one list of denied Procmon results
//!   (read from `rules/signals.toml`).
//! - [`rule_files`]: the built-in rule files `rules/*.toml`, embedded at build time.
//! - [`fix_texts`]: the fix and cause sentences shared by the advice and the finding docs.
//! - [`mod@explain`]: the `msidiag explain <CODE>` answer — every meaning of a number, each
//!   saying in which context it applies, as plain text or serde-serializable data.
//!
//! What it must not do: read files or the network at run time, depend on anything but
//! `std`, `serde` and `toml` (for its embedded rule files), know about log parsing or the
//! timeline (callers pass numbers in),
//! panic on any input, or invent a code, symbol or text that is not in a public source.

pub mod advice;
pub mod explain;
pub mod families;
pub mod fix_texts;
pub mod hresult;
pub mod rule_files;
pub mod signals;
pub mod tables;
pub mod win32;

pub use hresult::{code_bits, hresult, parse_code};
pub use tables::{msi_message, render_template};
