//! Procmon CSV exports: the reader (`read`, windows of the file in parallel, rows rejected on
//! their raw bytes), its fast record splitter for the shape Procmon writes (`fast`) and the
//! writer of Procmon's default CSV export (`write`, used by `msidiag convert`).
//!
//! Only the CSV format lives here: the time formats (`clock.rs`), what to keep (`filter.rs`) and
//! the life-cycle facts of Detail (`detail.rs`) are shared with the PML reader one level up.

mod fast;
pub(super) mod read;
pub(super) mod write;
