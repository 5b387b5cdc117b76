//! Input handling: finding files (`discover`), deciding what they are (`sniff`), decoding
//! text (`decode`) and the record of how each input was read (`report`). Nothing here
//! interprets log contents.

pub mod decode;
pub mod discover;
pub mod report;
pub mod sniff;
