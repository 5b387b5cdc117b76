//! Input handling: finding files (`discover`, with zip archives read in memory by `archive`),
//! deciding what they are (`sniff`), decoding text (`decode`, with the UTF-16LE fast path of
//! `utf16`), re-reading chosen lines for the context around evidence (`excerpt`), undoing what
//! pasting did to a log (`paste`) and the record of how each input was read (`report`). Nothing
//! here interprets log contents.

pub(crate) mod archive;
pub mod decode;
pub mod discover;
pub mod excerpt;
pub mod paste;
pub(crate) mod report;
pub mod sniff;
pub mod utf16;
