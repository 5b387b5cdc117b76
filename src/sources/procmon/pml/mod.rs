//! Procmon native PML captures: the container (`capture`: header, tables, record locations),
//! the decoding of each record's operation, path and Detail (`decode`, with the names Procmon
//! shows for the numbers in `names`), and the reader that turns records into events (`read`).
//!
//! Only the PML format lives here: the time conversions (`clock.rs`), what to keep
//! (`filter.rs`), result names (`results.rs`) and the life-cycle facts of Detail (`detail.rs`)
//! are shared with the CSV reader one level up.

mod capture;
mod decode;
mod names;
pub(super) mod read;
