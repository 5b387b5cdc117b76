//! Shared support code for the integration tests (each test binary uses a different part, so
//! unused items are expected). It must not hold tests itself.
#![allow(dead_code)]

pub mod evtx_writer;
pub mod msilog_writer;
pub mod pml_writer;
