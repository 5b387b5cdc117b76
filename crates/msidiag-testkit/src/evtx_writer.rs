//! A small EVTX writer for tests and benchmarks: valid files the way Windows lays them out
//! (4 KiB file header, 64 KiB chunks with their string and template tables, records whose
//! BinXML is one template instance), plus helpers that damage a file in known ways.
//!
//! Written from the format description (file header `ElfFile\0` with the CRC32 of its first
//! 120 bytes; chunk header `ElfChnk\0` with the CRC32 of bytes 0..120 and 128..512 and the
//! CRC32 of the event records; records `**\0\0`, size, id, FILETIME, BinXML, size). Each
//! distinct record shape gets one template per chunk with the provider, channel, computer and
//! `Data Name`s as literals and every other value as a substitution, as Windows does.
//!
//! It is test support only: it must not be used by the product, and it writes no more of the
//! format than the tests need (no UserData, no arrays, no nested BinXML).

use std::collections::HashMap;

use chrono::{DateTime, TimeZone, Utc};

pub const FILE_HEADER_SIZE: usize = 4096;
pub const CHUNK_SIZE: usize = 64 * 1024;
const CHUNK_HEADER_SIZE: usize = 512;
const RECORD_HEADER_SIZE: usize = 24;

/// One record to write.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordSpec {
    pub provider: String,
    pub event_id: u16,
    /// `EventID Qualifiers` (0 for MsiInstaller, 16384 for most SCM events).
    pub qualifiers: u16,
    pub level: u8,
    pub time: DateTime<Utc>,
    pub channel: String,
    pub computer: String,
    pub user_sid: Option<String>,
    pub pid: u32,
    /// Unnamed `<Data>` values, in order.
    pub data: Vec<String>,
    /// Named `<Data Name="…">` values, written after the unnamed ones.
    pub named: Vec<(String, String)>,
    pub binary: Option<Vec<u8>>,
}

impl RecordSpec {
    /// A record of `provider`/`event_id` in the Application log of `PC01`, at 2025-03-14 08:32:13 UTC.
    pub fn new(provider: &str, event_id: u16) -> RecordSpec {
        RecordSpec {
            provider: provider.to_string(),
            event_id,
            qualifiers: 0,
            level: 4,
            time: Utc.with_ymd_and_hms(2025, 3, 14, 8, 32, 13).unwrap(),
            channel: "Application".to_string(),
            computer: "PC01".to_string(),
            user_sid: None,
            pid: 0,
            data: Vec::new(),
            named: Vec::new(),
            binary: None,
        }
    }

    pub fn data(mut self, values: &[&str]) -> Self {
        self.data = values.iter().map(|v| v.to_string()).collect();
        self
    }

    pub fn named(mut self, values: &[(&str, &str)]) -> Self {
        self.named = values
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        self
    }

    pub fn binary(mut self, bytes: &[u8]) -> Self {
        self.binary = Some(bytes.to_vec());
        self
    }

    pub fn at(mut self, time: DateTime<Utc>) -> Self {
        self.time = time;
        self
    }

    pub fn channel(mut self, channel: &str) -> Self {
        self.channel = channel.to_string();
        self
    }

    pub fn pid(mut self, pid: u32) -> Self {
        self.pid = pid;
        self
    }

    pub fn sid(mut self, sid: &str) -> Self {
        self.user_sid = Some(sid.to_string());
        self
    }

    pub fn qualifiers(mut self, qualifiers: u16) -> Self {
        self.qualifiers = qualifiers;
        self
    }
}

/// An EVTX file holding `records` with record ids 1, 2, …; as many chunks as needed.
pub fn write_evtx(records: &[RecordSpec]) -> Vec<u8> {
    write_evtx_from(1, records)
}

/// An EVTX file holding `records` with record ids `first_id`, `first_id + 1`, ….
pub fn write_evtx_from(first_id: u64, records: &[RecordSpec]) -> Vec<u8> {
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    let mut current = ChunkWriter::new();
    for (i, spec) in records.iter().enumerate() {
        let id = first_id + i as u64;
        if !current.try_add(spec, id) {
            chunks.push(current.finish());
            current = ChunkWriter::new();
            assert!(
                current.try_add(spec, id),
                "record {id} is larger than a chunk"
            );
        }
    }
    if current.records > 0 || chunks.is_empty() {
        chunks.push(current.finish());
    }
    let mut file = file_header(chunks.len(), first_id + records.len() as u64);
    for chunk in chunks {
        file.extend(chunk);
    }
    file
}

fn file_header(chunk_count: usize, next_record_id: u64) -> Vec<u8> {
    let mut h = vec![0u8; FILE_HEADER_SIZE];
    h[0..8].copy_from_slice(b"ElfFile\0");
    put_u64(&mut h, 8, 0);
    put_u64(&mut h, 16, chunk_count.saturating_sub(1) as u64);
    put_u64(&mut h, 24, next_record_id);
    put_u32(&mut h, 32, 128);
    put_u16(&mut h, 36, 1);
    put_u16(&mut h, 38, 3);
    put_u16(&mut h, 40, FILE_HEADER_SIZE as u16);
    put_u16(&mut h, 42, chunk_count as u16);
    put_u32(&mut h, 120, 0);
    let crc = crc32(&h[..120]);
    put_u32(&mut h, 124, crc);
    h
}

/// One chunk being filled.
struct ChunkWriter {
    buf: Vec<u8>,
    /// Name → offset of its stored copy.
    names: HashMap<String, u32>,
    /// Per string-table bucket: the last name stored in its chain.
    string_tails: [u32; 64],
    string_heads: [u32; 64],
    /// Shape key → (template id, definition offset).
    templates: HashMap<String, (u32, u32)>,
    template_tails: [u32; 32],
    template_heads: [u32; 32],
    first_id: u64,
    last_id: u64,
    last_record_offset: u32,
    records: usize,
}

impl ChunkWriter {
    fn new() -> ChunkWriter {
        ChunkWriter {
            buf: vec![0u8; CHUNK_HEADER_SIZE],
            names: HashMap::new(),
            string_tails: [0; 64],
            string_heads: [0; 64],
            templates: HashMap::new(),
            template_tails: [0; 32],
            template_heads: [0; 32],
            first_id: 0,
            last_id: 0,
            last_record_offset: 0,
            records: 0,
        }
    }

    /// Appends the record when it fits in the chunk.
    fn try_add(&mut self, spec: &RecordSpec, id: u64) -> bool {
        let start = self.buf.len();
        let mut enc = Encoder {
            out: Vec::new(),
            base: start + RECORD_HEADER_SIZE,
            known_names: &self.names,
            new_names: Vec::new(),
        };
        let new_template = encode_record_binxml(&mut enc, spec, id, &self.templates);
        let size = RECORD_HEADER_SIZE + enc.out.len() + 4;
        if start + size > CHUNK_SIZE {
            return false;
        }
        let (binxml, new_names) = (enc.out, enc.new_names);
        let mut record = Vec::with_capacity(size);
        record.extend(b"**\0\0");
        record.extend((size as u32).to_le_bytes());
        record.extend(id.to_le_bytes());
        record.extend(filetime(spec.time).to_le_bytes());
        record.extend(binxml);
        record.extend((size as u32).to_le_bytes());
        self.buf.extend(record);
        for (name, offset) in new_names {
            self.register_name(name, offset);
        }
        if let Some((key, template_id, offset)) = new_template {
            self.register_template(key, template_id, offset);
        }
        if self.records == 0 {
            self.first_id = id;
        }
        self.last_id = id;
        self.last_record_offset = start as u32;
        self.records += 1;
        true
    }

    fn register_name(&mut self, name: String, offset: u32) {
        let bucket = usize::from(name_hash(&name)) % 64;
        match self.string_tails[bucket] {
            0 => self.string_heads[bucket] = offset,
            tail => put_u32(&mut self.buf, tail as usize, offset),
        }
        self.string_tails[bucket] = offset;
        self.names.insert(name, offset);
    }

    fn register_template(&mut self, key: String, template_id: u32, offset: u32) {
        let bucket = template_id as usize % 32;
        match self.template_tails[bucket] {
            0 => self.template_heads[bucket] = offset,
            tail => put_u32(&mut self.buf, tail as usize, offset),
        }
        self.template_tails[bucket] = offset;
        self.templates.insert(key, (template_id, offset));
    }

    /// The chunk with its header and CRCs, padded to 64 KiB.
    fn finish(mut self) -> Vec<u8> {
        let free_space = self.buf.len();
        self.buf.resize(CHUNK_SIZE, 0);
        let b = &mut self.buf;
        b[0..8].copy_from_slice(b"ElfChnk\0");
        put_u64(b, 8, self.first_id);
        put_u64(b, 16, self.last_id);
        put_u64(b, 24, self.first_id);
        put_u64(b, 32, self.last_id);
        put_u32(b, 40, 128);
        put_u32(b, 44, self.last_record_offset);
        put_u32(b, 48, free_space as u32);
        let records_crc = crc32(&b[CHUNK_HEADER_SIZE..free_space]);
        put_u32(b, 52, records_crc);
        put_u32(b, 120, 0);
        for (i, head) in self.string_heads.iter().enumerate() {
            put_u32(b, 128 + i * 4, *head);
        }
        for (i, head) in self.template_heads.iter().enumerate() {
            put_u32(b, 384 + i * 4, *head);
        }
        let header_crc = chunk_header_crc(b);
        put_u32(b, 124, header_crc);
        self.buf
    }
}

/// Writes BinXML at a known chunk offset (`base` is the chunk offset of `out[0]`).
struct Encoder<'a> {
    out: Vec<u8>,
    base: usize,
    known_names: &'a HashMap<String, u32>,
    /// Names this record stores inline, with their chunk offsets.
    new_names: Vec<(String, u32)>,
}

impl Encoder<'_> {
    fn here(&self) -> u32 {
        (self.base + self.out.len()) as u32
    }

    /// A name reference; the name itself follows inline the first time the chunk sees it.
    fn name(&mut self, name: &str) {
        let known = self.known_names.get(name).copied().or_else(|| {
            self.new_names
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, o)| *o)
        });
        if let Some(offset) = known {
            self.out.extend(offset.to_le_bytes());
            return;
        }
        let offset = self.here() + 4;
        self.out.extend(offset.to_le_bytes());
        self.out.extend(0u32.to_le_bytes());
        self.out.extend(name_hash(name).to_le_bytes());
        self.out
            .extend((name.encode_utf16().count() as u16).to_le_bytes());
        self.out.extend(utf16(name));
        self.out.extend(0u16.to_le_bytes());
        self.new_names.push((name.to_string(), offset));
    }

    fn u32_placeholder(&mut self) -> usize {
        self.out.extend(0u32.to_le_bytes());
        self.out.len() - 4
    }

    /// Fills a placeholder with the byte count written after it.
    fn patch_size(&mut self, at: usize) {
        let size = (self.out.len() - at - 4) as u32;
        self.out[at..at + 4].copy_from_slice(&size.to_le_bytes());
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::Element(e) => self.element(e),
            Node::Text(text) => self.text(text),
            Node::Sub(sub) => self.substitution(sub),
        }
    }

    fn element(&mut self, e: &Element) {
        self.out
            .push(if e.attributes.is_empty() { 0x01 } else { 0x41 });
        self.out.extend(0xffffu16.to_le_bytes()); // no dependency
        let size_at = self.u32_placeholder();
        self.name(&e.name);
        if !e.attributes.is_empty() {
            let list_at = self.u32_placeholder();
            for (i, (name, value)) in e.attributes.iter().enumerate() {
                let more = i + 1 < e.attributes.len();
                self.out.push(if more { 0x46 } else { 0x06 });
                self.name(name);
                self.node(value);
            }
            self.patch_size(list_at);
        }
        if e.children.is_empty() {
            self.out.push(0x03);
        } else {
            self.out.push(0x02);
            for child in &e.children {
                self.node(child);
            }
            self.out.push(0x04);
        }
        self.patch_size(size_at);
    }

    fn text(&mut self, text: &str) {
        self.out.extend([0x05, 0x01]);
        self.out
            .extend((text.encode_utf16().count() as u16).to_le_bytes());
        self.out.extend(utf16(text));
    }

    fn substitution(&mut self, sub: &Sub) {
        self.out.push(if sub.optional { 0x0e } else { 0x0d });
        self.out.extend(sub.index.to_le_bytes());
        self.out.push(sub.value_type);
    }
}

/// A template definition tree.
enum Node {
    Element(Element),
    Text(String),
    Sub(Sub),
}

struct Element {
    name: String,
    attributes: Vec<(String, Node)>,
    children: Vec<Node>,
}

struct Sub {
    index: u16,
    value_type: u8,
    optional: bool,
}

const T_NULL: u8 = 0x00;
const T_STRING: u8 = 0x01;
const T_UINT8: u8 = 0x04;
const T_UINT16: u8 = 0x06;
const T_UINT32: u8 = 0x08;
const T_UINT64: u8 = 0x0a;
const T_BINARY: u8 = 0x0e;
const T_FILETIME: u8 = 0x11;
const T_SID: u8 = 0x13;

fn el(name: &str, attributes: Vec<(&str, Node)>, children: Vec<Node>) -> Node {
    Node::Element(Element {
        name: name.to_string(),
        attributes: attributes
            .into_iter()
            .map(|(n, v)| (n.to_string(), v))
            .collect(),
        children,
    })
}

fn sub(index: u16, value_type: u8) -> Node {
    Node::Sub(Sub {
        index,
        value_type,
        optional: false,
    })
}

fn text(t: &str) -> Node {
    Node::Text(t.to_string())
}

/// The record's template tree; substitution indices follow [`substitution_values`].
fn template_tree(spec: &RecordSpec) -> Node {
    let security = Node::Sub(Sub {
        index: 7,
        value_type: T_SID,
        optional: true,
    });
    let system = el(
        "System",
        vec![],
        vec![
            el("Provider", vec![("Name", text(&spec.provider))], vec![]),
            el(
                "EventID",
                vec![("Qualifiers", sub(0, T_UINT16))],
                vec![sub(1, T_UINT16)],
            ),
            el("Level", vec![], vec![sub(2, T_UINT8)]),
            el(
                "TimeCreated",
                vec![("SystemTime", sub(3, T_FILETIME))],
                vec![],
            ),
            el("EventRecordID", vec![], vec![sub(4, T_UINT64)]),
            el(
                "Execution",
                vec![
                    ("ProcessID", sub(5, T_UINT32)),
                    ("ThreadID", sub(6, T_UINT32)),
                ],
                vec![],
            ),
            el("Channel", vec![], vec![text(&spec.channel)]),
            el("Computer", vec![], vec![text(&spec.computer)]),
            el("Security", vec![("UserID", security)], vec![]),
        ],
    );
    let mut index = 8u16;
    let mut data = Vec::new();
    for _ in &spec.data {
        data.push(el("Data", vec![], vec![sub(index, T_STRING)]));
        index += 1;
    }
    for (name, _) in &spec.named {
        data.push(el(
            "Data",
            vec![("Name", text(name))],
            vec![sub(index, T_STRING)],
        ));
        index += 1;
    }
    if spec.binary.is_some() {
        data.push(el("Binary", vec![], vec![sub(index, T_BINARY)]));
    }
    el(
        "Event",
        vec![(
            "xmlns",
            text("http://schemas.microsoft.com/win/2004/08/events/event"),
        )],
        vec![system, el("EventData", vec![], data)],
    )
}

/// (type, bytes) for each substitution, in index order.
fn substitution_values(spec: &RecordSpec, record_id: u64) -> Vec<(u8, Vec<u8>)> {
    let mut values = vec![
        (T_UINT16, spec.qualifiers.to_le_bytes().to_vec()),
        (T_UINT16, spec.event_id.to_le_bytes().to_vec()),
        (T_UINT8, vec![spec.level]),
        (T_FILETIME, filetime(spec.time).to_le_bytes().to_vec()),
        (T_UINT64, record_id.to_le_bytes().to_vec()),
        (T_UINT32, spec.pid.to_le_bytes().to_vec()),
        (T_UINT32, 0u32.to_le_bytes().to_vec()),
        match &spec.user_sid {
            Some(sid) => (T_SID, sid_bytes(sid)),
            None => (T_NULL, Vec::new()),
        },
    ];
    let strings = spec.data.iter().chain(spec.named.iter().map(|(_, v)| v));
    values.extend(strings.map(|s| (T_STRING, utf16(s))));
    if let Some(binary) = &spec.binary {
        values.push((T_BINARY, binary.clone()));
    }
    values
}

/// The shape that decides which template a record uses.
fn shape_key(spec: &RecordSpec) -> String {
    let names: Vec<&str> = spec.named.iter().map(|(n, _)| n.as_str()).collect();
    format!(
        "{}\u{1}{}\u{1}{}\u{1}{}\u{1}{}\u{1}{}",
        spec.provider,
        spec.channel,
        spec.computer,
        spec.data.len(),
        names.join("\u{2}"),
        spec.binary.is_some()
    )
}

/// Fragment header, one template instance (with its definition inline when the chunk has
/// none for this shape yet), end of stream. Returns the new template to register, if any.
fn encode_record_binxml(
    enc: &mut Encoder<'_>,
    spec: &RecordSpec,
    record_id: u64,
    templates: &HashMap<String, (u32, u32)>,
) -> Option<(String, u32, u32)> {
    let key = shape_key(spec);
    enc.out.extend([0x0f, 0x01, 0x01, 0x00, 0x0c, 0x01]);
    let existing = templates.get(&key).copied();
    let guid = guid_for(&key);
    let template_id = u32::from_le_bytes([guid[0], guid[1], guid[2], guid[3]]);
    enc.out.extend(template_id.to_le_bytes());
    let new_template = match existing {
        Some((_, offset)) => {
            enc.out.extend(offset.to_le_bytes());
            None
        }
        None => {
            let offset = enc.here() + 4;
            enc.out.extend(offset.to_le_bytes());
            enc.out.extend(0u32.to_le_bytes()); // next template in the bucket
            enc.out.extend(guid);
            let size_at = enc.u32_placeholder();
            enc.out.extend([0x0f, 0x01, 0x01, 0x00]);
            enc.node(&template_tree(spec));
            enc.out.push(0x00);
            enc.patch_size(size_at);
            Some((key, template_id, offset))
        }
    };
    encode_values(enc, &substitution_values(spec, record_id));
    new_template
}

/// Appends the substitution array (count, descriptors, values) and the end token.
fn encode_values(enc: &mut Encoder<'_>, values: &[(u8, Vec<u8>)]) {
    enc.out.extend((values.len() as u32).to_le_bytes());
    for (value_type, bytes) in values {
        enc.out.extend((bytes.len() as u16).to_le_bytes());
        enc.out.push(*value_type);
        enc.out.push(0);
    }
    for (_, bytes) in values {
        enc.out.extend(bytes);
    }
    enc.out.push(0x00);
}

/// Windows' 100 ns ticks since 1601-01-01.
fn filetime(t: DateTime<Utc>) -> u64 {
    let ticks = t.timestamp() * 10_000_000 + i64::from(t.timestamp_subsec_nanos() / 100);
    (ticks + 116_444_736_000_000_000) as u64
}

/// `S-1-5-21-…` → binary SID.
fn sid_bytes(sid: &str) -> Vec<u8> {
    let parts: Vec<u64> = sid
        .trim_start_matches("S-")
        .split('-')
        .map(|p| p.parse().expect("numeric SID part"))
        .collect();
    let (revision, authority, subs) = (parts[0], parts[1], &parts[2..]);
    let mut out = vec![revision as u8, subs.len() as u8];
    out.extend(&authority.to_be_bytes()[2..]);
    for s in subs {
        out.extend((*s as u32).to_le_bytes());
    }
    out
}

fn name_hash(name: &str) -> u16 {
    let hash = name.encode_utf16().fold(0u32, |h, unit| {
        h.wrapping_mul(65599).wrapping_add(u32::from(unit))
    });
    (hash & 0xffff) as u16
}

/// A stable 16-byte id for a template shape (two FNV-1a passes).
fn guid_for(key: &str) -> [u8; 16] {
    let fnv = |seed: u64| {
        key.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
    };
    let mut guid = [0u8; 16];
    guid[..8].copy_from_slice(&fnv(0xcbf2_9ce4_8422_2325).to_le_bytes());
    guid[8..].copy_from_slice(&fnv(0x6c62_272e_07bb_0142).to_le_bytes());
    guid
}

fn utf16(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320).
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xedb8_8320 & mask);
        }
    }
    !crc
}

fn chunk_header_crc(chunk: &[u8]) -> u32 {
    let mut covered = chunk[..120].to_vec();
    covered.extend(&chunk[128..CHUNK_HEADER_SIZE]);
    crc32(&covered)
}

fn put_u16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn put_u64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

// ---------------------------------------------------------------------------------------------
// Damage, for the reader's robustness tests.

/// Where chunk `n` starts in the file.
pub fn chunk_offset(n: usize) -> usize {
    FILE_HEADER_SIZE + n * CHUNK_SIZE
}

/// How many (whole or partial) chunks follow the file header.
pub fn chunk_count(file: &[u8]) -> usize {
    file.len()
        .saturating_sub(FILE_HEADER_SIZE)
        .div_ceil(CHUNK_SIZE)
}

/// Breaks chunk `n`'s magic (`ElfChnk\0` → `ElfChnX\0`).
pub fn flip_chunk_magic(file: &mut [u8], n: usize) {
    file[chunk_offset(n) + 6] = b'X';
}

/// Breaks chunk `n`'s header CRC32 (the header itself stays readable).
pub fn break_chunk_header_crc(file: &mut [u8], n: usize) {
    file[chunk_offset(n) + 124] ^= 0xff;
}

/// Breaks chunk `n`'s event records CRC32 (and re-seals its header CRC32, so that only the
/// records' one is wrong).
pub fn break_records_crc(file: &mut [u8], n: usize) {
    let start = chunk_offset(n);
    file[start + 52] ^= 0xff;
    let header_crc = chunk_header_crc(&file[start..start + CHUNK_HEADER_SIZE]);
    put_u32(file, start + 124, header_crc);
}

/// Breaks the file header's CRC32.
pub fn break_file_header_crc(file: &mut [u8]) {
    file[124] ^= 0xff;
}

/// The first `len` bytes of `file`.
pub fn truncate(file: &[u8], len: usize) -> Vec<u8> {
    file[..len.min(file.len())].to_vec()
}

/// Chunk offsets (inside chunk `n`) of its records, in order.
pub fn record_offsets(file: &[u8], n: usize) -> Vec<usize> {
    let chunk = &file[chunk_offset(n)..chunk_offset(n) + CHUNK_SIZE];
    let free = u32::from_le_bytes(chunk[48..52].try_into().unwrap()) as usize;
    let mut offsets = Vec::new();
    let mut at = CHUNK_HEADER_SIZE;
    while at + RECORD_HEADER_SIZE <= free && &chunk[at..at + 4] == b"**\0\0" {
        offsets.push(at);
        at += u32::from_le_bytes(chunk[at + 4..at + 8].try_into().unwrap()) as usize;
    }
    offsets
}

/// The chunk whose header range holds record `id`.
pub fn chunk_of_record(file: &[u8], id: u64) -> usize {
    (0..chunk_count(file))
        .find(|n| {
            let header = &file[chunk_offset(*n)..];
            let first = u64::from_le_bytes(header[24..32].try_into().unwrap());
            let last = u64::from_le_bytes(header[32..40].try_into().unwrap());
            (first..=last).contains(&id)
        })
        .expect("a chunk holds the record")
}

/// Sets the size field of the `index`-th record of chunk `n` to zero.
pub fn zero_record_size(file: &mut [u8], n: usize, index: usize) {
    let at = chunk_offset(n) + record_offsets(file, n)[index];
    file[at + 4..at + 8].copy_from_slice(&0u32.to_le_bytes());
}

// ---------------------------------------------------------------------------------------------
// Big generated logs, for benchmarks.

/// `n` Application/System records, mostly noise (Security-SPP, ESENT, SCM about other
/// services, other applications' crashes) with an MSI 2503 failure sequence (1040, 10005,
/// 11708, 1033 status 1603, 1042) every 500 records. Deterministic.
pub fn noisy_log(n: usize) -> Vec<RecordSpec> {
    let start = Utc.with_ymd_and_hms(2025, 3, 14, 0, 0, 0).unwrap();
    (0..n)
        .map(|i| {
            let time = start + chrono::Duration::milliseconds(i as i64 * 1500);
            let spec = if i % 100 < 5 && (i / 100) % 5 == 0 {
                msi_failure_step(i % 100, (i / 500) as u32)
            } else {
                noise(i)
            };
            spec.at(time)
        })
        .collect()
}

/// Step `step` (0..5) of a 2503 failure of product number `k`.
pub fn msi_failure_step(step: usize, k: u32) -> RecordSpec {
    let product = format!("Contoso App {k}");
    let pid = 4000 + k;
    let pid_text = pid.to_string();
    let code = "{3D3C3833-DED6-4022-B5A1-E7F37789C390}000076537b97";
    let msi = RecordSpec::new("MsiInstaller", 0)
        .sid("S-1-5-21-1004336348-1177238915-682003330-1001")
        .pid(pid);
    match step {
        0 => RecordSpec { event_id: 1040, ..msi }.data(&[
            &format!("C:\\Users\\me\\Downloads\\contoso-{k}.msi"),
            &pid_text,
            "(NULL)",
            "(NULL)",
            "(NULL)",
            "(NULL)",
            "",
        ]),
        1 => RecordSpec { event_id: 10005, ..msi }.data(&[
            &format!("Product: {product} -- The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2503. The arguments are: , , "),
            "(NULL)",
            "(NULL)",
            "(NULL)",
            "(NULL)",
            "(NULL)",
            "",
        ]),
        2 => RecordSpec { event_id: 11708, ..msi }.data(&[
            &format!("Product: {product} -- Installation failed."),
            "(NULL)",
            "(NULL)",
            "(NULL)",
            "(NULL)",
            "(NULL)",
            "",
        ]),
        3 => RecordSpec { event_id: 1033, ..msi }
            .data(&[&product, "1.0.0", "1033", "1603", "Contoso Ltd", "(NULL)", ""])
            .binary(code.as_bytes()),
        _ => RecordSpec { event_id: 1042, ..msi }.data(&[
            &format!("C:\\Users\\me\\Downloads\\contoso-{k}.msi"),
            &pid_text,
            "(NULL)",
            "(NULL)",
            "(NULL)",
            "(NULL)",
            "",
        ]),
    }
}

fn noise(i: usize) -> RecordSpec {
    match i % 4 {
        0 => RecordSpec::new("Microsoft-Windows-Security-SPP", 16384)
            .qualifiers(16384)
            .data(&["2125-03-14T08:00:00Z", "RulesEngine"]),
        1 => RecordSpec::new("ESENT", 326).data(&[
            "svchost",
            &i.to_string(),
            "TILEREPOSITORYS-1-5-18: ",
            "C:\\Windows\\system32\\config\\systemprofile\\AppData\\Local\\TileDataLayer\\Database\\vedatamodel.edb",
        ]),
        2 => RecordSpec::new("Service Control Manager", 7036)
            .qualifiers(16384)
            .channel("System")
            .pid(640)
            .named(&[("param1", "Print Spooler"), ("param2", "running")])
            .binary(&utf16("Spooler/4\0")),
        _ => RecordSpec::new("Application Error", 1000).data(&[
            "explorer.exe",
            "10.0.22000.318",
            "b0f3b043",
            "Windows.UI.Xaml.dll",
            "10.0.22000.318",
            "468bae17",
            "c000027b",
            "000000000033dd00",
            "10c4",
        ]),
    }
}
