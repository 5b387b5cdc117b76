//! Input handling: finding files (`discover`), deciding what they are (`sniff`) and decoding
//! text (`decode`). Nothing here interprets log contents.

pub mod decode;
pub mod discover;
pub mod sniff;
