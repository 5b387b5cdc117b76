//! Output formats, one per file: `json` (the machine contract `msidiag/1`), `csv` (evidence
//! rows and the merged timeline) and `text` (the terminal summary). Renderers read an
//! [`crate::Analysis`]; they must not change it or decide anything, and must escape or
//! neutralise any text that comes from the inputs.

pub mod csv;
pub mod json;
pub mod text;
