//! Names for the EVTX layout the reader's own shortcuts rely on: chunk and record headers, the
//! template instance and definition headers, BinXML tokens and substitution value types
//! (MS-EVEN6 "BinXml" and the EVTX file format as Windows writes it).
//!
//! Constants only: it must not read bytes (that is `scan.rs` and `template.rs`, with
//! `sources::bytes`), and it names only what those modules use.

/// Bytes of a chunk header (`ElfChnk\0` …); the first record follows it.
pub(super) const CHUNK_HEADER_SIZE: usize = 512;

/// A record header: magic (4), size (4), record id (8), FILETIME (8); the BinXML follows.
pub(super) const RECORD_HEADER_SIZE: usize = 24;
/// The magic that starts every record.
pub(super) const RECORD_MAGIC: &[u8; 4] = b"**\0\0";
/// Offset of the record's size (u32) in its header; the size is repeated in its last 4 bytes.
pub(super) const RECORD_SIZE_AT: usize = 4;
/// Offset of the record id (u64) in its header.
pub(super) const RECORD_ID_AT: usize = 8;
/// The copy of the record size that ends every record.
pub(super) const RECORD_TRAILER_SIZE: usize = 4;

/// A record's BinXML when it is one template instance: fragment header (token, major 1,
/// minor 1, flags 0), then the template-instance token.
pub(super) const INSTANCE_PREFIX: [u8; 5] =
    [token::FRAGMENT_HEADER, 1, 1, 0, token::TEMPLATE_INSTANCE];
/// Offset, in such a record's BinXML, of the template definition's chunk offset (u32), after
/// the prefix, an unknown byte and the template id (u32).
pub(super) const INSTANCE_DEF_OFFSET_AT: usize = 10;
/// Where the instance header ends: the definition (when it is inline) or the values follow.
pub(super) const INSTANCE_HEADER_END: usize = 14;

/// Bytes before a template definition's BinXML: next-template offset (4), GUID (16), data
/// size (4).
pub(super) const TEMPLATE_HEADER_LEN: usize = 24;
/// Offset of the definition's data size (u32) in its header.
pub(super) const TEMPLATE_DATA_SIZE_AT: usize = 20;

/// A name stored in a chunk: next-name offset (4), hash (2), character count (u16), then the
/// UTF-16LE text and a NUL.
pub(super) const NAME_CHARS_AT: usize = 6;
/// Where a stored name's text starts.
pub(super) const NAME_TEXT_AT: usize = 8;

/// BinXML tokens. A token with [`HAS_MORE_DATA`](token::HAS_MORE_DATA) set carries more
/// (attributes after an element start, more fragments after a value).
pub(super) mod token {
    pub const END_OF_STREAM: u8 = 0x00;
    pub const OPEN_START_ELEMENT: u8 = 0x01;
    pub const CLOSE_START_ELEMENT: u8 = 0x02;
    pub const CLOSE_EMPTY_ELEMENT: u8 = 0x03;
    pub const CLOSE_ELEMENT: u8 = 0x04;
    pub const VALUE: u8 = 0x05;
    pub const ATTRIBUTE: u8 = 0x06;
    pub const CDATA_SECTION: u8 = 0x07;
    pub const CHAR_REF: u8 = 0x08;
    pub const ENTITY_REF: u8 = 0x09;
    pub const PI_TARGET: u8 = 0x0a;
    pub const PI_DATA: u8 = 0x0b;
    pub const TEMPLATE_INSTANCE: u8 = 0x0c;
    pub const NORMAL_SUBSTITUTION: u8 = 0x0d;
    pub const OPTIONAL_SUBSTITUTION: u8 = 0x0e;
    pub const FRAGMENT_HEADER: u8 = 0x0f;
    /// The flag bit of a token.
    pub const HAS_MORE_DATA: u8 = 0x40;
}

/// Substitution and literal value types (the ones the reader reads itself).
pub(super) mod value_type {
    /// UTF-16LE text.
    pub const STRING: u8 = 0x01;
    /// 8-bit text.
    pub const ANSI_STRING: u8 = 0x02;
    pub const UINT8: u8 = 0x04;
    pub const UINT16: u8 = 0x06;
    pub const UINT32: u8 = 0x08;
    pub const HEX_INT32: u8 = 0x14;
}
