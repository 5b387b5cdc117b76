//! Source readers: one module per input format, each turning bytes into events.
//! A reader must not depend on another reader or on later stages; what they share is
//! format-free (`bytes`: little-endian reads and UTF-16LE text; `window`: reading large files;
//! `keep`: the extra lines and rows the user's rules ask for).

pub mod burn;
pub(crate) mod bytes;
pub mod evtx;
pub mod keep;
pub mod msilog;
pub mod procmon;
pub mod window;
