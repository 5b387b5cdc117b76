//! Source readers: one module per input format, each turning bytes into events.
//! A reader must not depend on another reader or on later stages.

pub mod evtx;
pub mod msilog;
pub mod procmon;
pub mod window;
