//! Output formats, one per file: `json` (the machine contract `msidiag/1`), `csv` (evidence
//! rows and the merged timeline), `text` (the terminal summary) and `html` (the self-contained
//! ticket report). Renderers read an
//! [`crate::Analysis`]; they must not change it or decide anything, and must escape or
//! neutralise any text that comes from the inputs.

pub mod csv;
pub mod html;
pub mod json;
pub mod text;
