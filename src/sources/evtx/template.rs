//! Where a record's provider name and event id come from, read off its chunk's template
//! definition.
//!
//! Windows writes almost every record as an instance of a template stored once per chunk. The
//! provider name is usually a literal in that template and the event id a substitution value of
//! the record. Walking the template's BinXML once per chunk lets the reader pick records by
//! provider and id without rendering them. Anything unexpected in a template makes
//! [`system_map`] give up (`None`): the caller then renders the record instead, so this module
//! must stay a shortcut, never the only way to read a record. It must not render, allocate per
//! record or decode EventData: names are told apart on their UTF-16 bytes, and only the two
//! literals it looks for are decoded.

use std::borrow::Cow;

use ::evtx::binxml::value_variant::BinXmlValue;

use super::binxml::{
    token, value_type, NAME_CHARS_AT, NAME_TEXT_AT, TEMPLATE_DATA_SIZE_AT, TEMPLATE_HEADER_LEN,
};
use crate::sources::bytes::{u16_at, u32_at, utf16_lossy, Cursor};

/// Where one `<System>` value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Slot {
    /// Text written in the template itself.
    Literal(String),
    /// The record's substitution value with this index.
    Sub(u16),
}

/// The two `<System>` values the reader needs to decide whether a record matters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct SystemMap {
    /// `<Provider Name="…">`.
    pub provider: Option<Slot>,
    /// `<EventID>` text.
    pub event_id: Option<Slot>,
}

/// Reads the template definition at `offset` in `chunk` (a whole 64 KiB chunk). The walk
/// stops where `<System>` closes: what follows (EventData, UserData) never holds the two values.
pub(super) fn system_map(chunk: &[u8], offset: u32) -> Option<SystemMap> {
    let start = (offset as usize).checked_add(TEMPLATE_HEADER_LEN)?;
    let size = u32_at(chunk, offset as usize + TEMPLATE_DATA_SIZE_AT)? as usize;
    let end = start.checked_add(size)?.min(chunk.len());
    let mut walker = Walker {
        chunk,
        cursor: Cursor::at(chunk, start),
        end,
        path: Vec::with_capacity(4),
        attribute: None,
        map: SystemMap::default(),
    };
    walker.walk()?;
    Some(walker.map)
}

/// The provider name and event id of a record, from its template map and its values.
pub(super) fn provider_and_id<'m>(
    map: &'m SystemMap,
    values: &[BinXmlValue<'_>],
) -> Option<(Cow<'m, str>, u32)> {
    let provider = match map.provider.as_ref()? {
        Slot::Literal(text) => Cow::Borrowed(text.as_str()),
        Slot::Sub(index) => Cow::Owned(value_text(values.get(usize::from(*index))?)?),
    };
    let event_id = match map.event_id.as_ref()? {
        Slot::Literal(text) => text.trim().parse().ok()?,
        Slot::Sub(index) => value_number(values.get(usize::from(*index))?)?,
    };
    Some((provider, event_id))
}

/// A substitution value as text, for the value kinds a provider name can have.
fn value_text(value: &BinXmlValue<'_>) -> Option<String> {
    match value {
        BinXmlValue::StringType(s) => s.to_string().ok(),
        BinXmlValue::AnsiStringType(s) => Some((*s).to_string()),
        _ => None,
    }
}

/// A substitution value as a number, for the value kinds an event id can have.
fn value_number(value: &BinXmlValue<'_>) -> Option<u32> {
    match value {
        BinXmlValue::UInt16Type(n) => Some(u32::from(*n)),
        BinXmlValue::UInt32Type(n) | BinXmlValue::HexInt32Type(n) => Some(*n),
        BinXmlValue::UInt8Type(n) => Some(u32::from(*n)),
        BinXmlValue::Int16Type(n) => u32::try_from(*n).ok(),
        BinXmlValue::Int32Type(n) => u32::try_from(*n).ok(),
        BinXmlValue::UInt64Type(n) => u32::try_from(*n).ok(),
        BinXmlValue::StringType(s) => s.to_string().ok()?.trim().parse().ok(),
        _ => None,
    }
}

/// A cursor over one template definition's BinXML tokens.
struct Walker<'a> {
    chunk: &'a [u8],
    cursor: Cursor<'a>,
    end: usize,
    /// The open elements, outermost first (only the names the walk looks for are told apart).
    path: Vec<Known>,
    /// The attribute whose value tokens come next, if any.
    attribute: Option<Known>,
    map: SystemMap,
}

/// An element or attribute name, as far as the walk needs to tell names apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    System,
    Provider,
    EventId,
    /// The `Name` attribute.
    Name,
    Other,
}

impl Known {
    /// Classifies a stored name from its UTF-16LE bytes (no decoding, no allocation).
    fn of(utf16: &[u8]) -> Known {
        const KNOWN: [(&[u8], Known); 4] = [
            (b"S\0y\0s\0t\0e\0m\0", Known::System),
            (b"P\0r\0o\0v\0i\0d\0e\0r\0", Known::Provider),
            (b"E\0v\0e\0n\0t\0I\0D\0", Known::EventId),
            (b"N\0a\0m\0e\0", Known::Name),
        ];
        KNOWN
            .iter()
            .find(|(bytes, _)| *bytes == utf16)
            .map_or(Known::Other, |(_, name)| *name)
    }
}

impl Walker<'_> {
    fn walk(&mut self) -> Option<()> {
        use token::*;
        while self.cursor.position() < self.end {
            let byte = self.cursor.u8()?;
            let more = byte & HAS_MORE_DATA != 0;
            match (byte & !HAS_MORE_DATA, more) {
                (END_OF_STREAM, false) => return Some(()),
                // Major and minor version, flags.
                (FRAGMENT_HEADER, false) => self.cursor.skip(3)?,
                (OPEN_START_ELEMENT, has_attributes) => self.open_element(has_attributes)?,
                (CLOSE_START_ELEMENT, false) => self.attribute = None,
                (CLOSE_EMPTY_ELEMENT | CLOSE_ELEMENT, false) => {
                    self.attribute = None;
                    if self.path.pop() == Some(Known::System) && self.path.len() == 1 {
                        return Some(());
                    }
                }
                (ATTRIBUTE, _) => self.attribute = Some(self.name_ref()?),
                (VALUE, _) => self.text_value()?,
                (NORMAL_SUBSTITUTION | OPTIONAL_SUBSTITUTION, false) => self.substitution()?,
                (CDATA_SECTION, _) | (PI_DATA, false) => self.skip_utf16()?,
                (CHAR_REF, _) => self.cursor.skip(2)?,
                (ENTITY_REF, _) | (PI_TARGET, false) => {
                    self.name_ref()?;
                }
                _ => return None,
            }
        }
        Some(())
    }

    /// `OpenStartElement`: dependency id, data size, name, and the attribute list size.
    fn open_element(&mut self, has_attributes: bool) -> Option<()> {
        self.cursor.skip(2 + 4)?;
        let name = self.name_ref()?;
        if has_attributes {
            self.cursor.skip(4)?;
        }
        self.path.push(name);
        self.attribute = None;
        Some(())
    }

    /// A literal text value (only UTF-16 strings appear in templates).
    fn text_value(&mut self) -> Option<()> {
        if self.cursor.u8()? != value_type::STRING {
            return None;
        }
        let chars = self.cursor.u16()? as usize;
        let text = self.cursor.take(chars * 2)?;
        match self.field() {
            Some(Field::Provider) => append_literal(&mut self.map.provider, &utf16_lossy(text)),
            Some(Field::EventId) => append_literal(&mut self.map.event_id, &utf16_lossy(text)),
            None => {}
        }
        Some(())
    }

    /// A substitution: its index and value type.
    fn substitution(&mut self) -> Option<()> {
        let index = self.cursor.u16()?;
        self.cursor.skip(1)?; // the value type
        match self.field() {
            Some(Field::Provider) => self.map.provider = Some(Slot::Sub(index)),
            Some(Field::EventId) => self.map.event_id = Some(Slot::Sub(index)),
            None => {}
        }
        Some(())
    }

    /// Which needed field the current position is inside, if any.
    fn field(&self) -> Option<Field> {
        let [_, Known::System, element] = self.path.as_slice() else {
            return None;
        };
        match (element, self.attribute) {
            (Known::Provider, Some(Known::Name)) => Some(Field::Provider),
            (Known::EventId, None) => Some(Field::EventId),
            _ => None,
        }
    }

    /// A name reference: an offset into the chunk, with the name inline when it points here.
    fn name_ref(&mut self) -> Option<Known> {
        let offset = self.cursor.u32()? as usize;
        if offset == self.cursor.position() {
            let chars = u16_at(self.chunk, offset + NAME_CHARS_AT)? as usize;
            self.cursor.skip(NAME_TEXT_AT + chars * 2 + 2)?;
        }
        name_at(self.chunk, offset)
    }

    /// A UTF-16 text (character count, then the characters), skipped.
    fn skip_utf16(&mut self) -> Option<()> {
        let chars = self.cursor.u16()? as usize;
        self.cursor.skip(chars * 2)
    }
}

#[derive(Debug, Clone, Copy)]
enum Field {
    Provider,
    EventId,
}

fn append_literal(slot: &mut Option<Slot>, text: &str) {
    match slot {
        Some(Slot::Literal(existing)) => existing.push_str(text),
        _ => *slot = Some(Slot::Literal(text.to_string())),
    }
}

/// The name stored at `offset`: next-name offset (4), hash (2), length (2), UTF-16 text.
fn name_at(chunk: &[u8], offset: usize) -> Option<Known> {
    let chars = u16_at(chunk, offset.checked_add(NAME_CHARS_AT)?)? as usize;
    let start = offset.checked_add(NAME_TEXT_AT)?;
    let bytes = chunk.get(start..start.checked_add(chars * 2)?)?;
    Some(Known::of(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name stored inline: next (0), hash (0), length, UTF-16, NUL.
    fn inline_name(out: &mut Vec<u8>, name: &str) {
        let offset = out.len() as u32 + 4;
        out.extend(offset.to_le_bytes());
        out.extend(0u32.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend((name.len() as u16).to_le_bytes());
        out.extend(name.encode_utf16().flat_map(u16::to_le_bytes));
        out.extend(0u16.to_le_bytes());
    }

    fn open(out: &mut Vec<u8>, name: &str, attributes: bool) {
        out.push(if attributes { 0x41 } else { 0x01 });
        out.extend(0xffffu16.to_le_bytes());
        out.extend(0u32.to_le_bytes());
        inline_name(out, name);
        if attributes {
            out.extend(0u32.to_le_bytes());
        }
    }

    /// `<Event><System><Provider Name="MsiInstaller"/><EventID>{sub 3}</EventID></System></Event>`
    fn sample_template() -> Vec<u8> {
        let mut chunk = vec![0u8; 24];
        chunk.extend([0x0f, 1, 1, 0]);
        open(&mut chunk, "Event", false);
        chunk.push(0x02);
        open(&mut chunk, "System", false);
        chunk.push(0x02);
        open(&mut chunk, "Provider", true);
        chunk.push(0x06);
        inline_name(&mut chunk, "Name");
        chunk.extend([0x05, 0x01]);
        chunk.extend(12u16.to_le_bytes());
        chunk.extend("MsiInstaller".encode_utf16().flat_map(u16::to_le_bytes));
        chunk.push(0x03);
        open(&mut chunk, "EventID", false);
        chunk.push(0x02);
        chunk.push(0x0d);
        chunk.extend(3u16.to_le_bytes());
        chunk.push(0x06);
        chunk.extend([0x04, 0x04, 0x04, 0x00]);
        let size = (chunk.len() - 24) as u32;
        chunk[20..24].copy_from_slice(&size.to_le_bytes());
        chunk
    }

    #[test]
    fn finds_literal_provider_and_substituted_event_id() {
        let map = system_map(&sample_template(), 0).unwrap();
        assert_eq!(map.provider, Some(Slot::Literal("MsiInstaller".into())));
        assert_eq!(map.event_id, Some(Slot::Sub(3)));
        let values = [
            BinXmlValue::NullType,
            BinXmlValue::NullType,
            BinXmlValue::NullType,
            BinXmlValue::UInt16Type(1033),
        ];
        assert_eq!(
            provider_and_id(&map, &values),
            Some((Cow::Borrowed("MsiInstaller"), 1033))
        );
    }

    #[test]
    fn gives_up_on_garbage_without_panicking() {
        let template = sample_template();
        for cut in 0..template.len() {
            let _ = system_map(&template[..cut], 0);
        }
        assert!(system_map(&[0xff; 64], 0).is_none());
        assert!(system_map(&[], u32::MAX).is_none());
    }
}
