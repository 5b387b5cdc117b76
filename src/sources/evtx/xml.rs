//! Reads back the XML that the `evtx` crate renders for one record: the `<System>` fields the
//! reader needs, `<EventData>` (unnamed and named `<Data>`, `<Binary>`) and the leaf elements
//! of `<UserData>`.
//!
//! It is a small tolerant scanner for that one, well-formed output, not a general XML parser:
//! it must not validate, resolve namespaces or fail. Whatever it cannot read is left empty.

/// The parts of one rendered record that become a [`crate::model::WinEvent`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct RenderedEvent {
    pub provider: String,
    pub event_id: Option<u32>,
    /// `TimeCreated SystemTime`, as written (RFC 3339, UTC).
    pub time: Option<String>,
    pub record_id: Option<u64>,
    pub process_id: Option<u32>,
    pub channel: String,
    pub computer: String,
    pub user_sid: Option<String>,
    pub data: Vec<String>,
    pub named: Vec<(String, String)>,
    pub binary: Option<String>,
}

/// Scans `xml` (one `<Event>` as the crate renders it).
pub(super) fn parse(xml: &str) -> RenderedEvent {
    let mut reader = Reader::default();
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        reader.text(&rest[..lt]);
        rest = &rest[lt..];
        rest = reader.markup(rest);
    }
    reader.text(rest);
    reader.event
}

/// One open element.
#[derive(Debug, Default)]
struct Frame {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    has_child: bool,
}

impl Frame {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Default)]
struct Reader {
    stack: Vec<Frame>,
    event: RenderedEvent,
}

impl Reader {
    fn text(&mut self, raw: &str) {
        if let Some(frame) = self.stack.last_mut() {
            if !raw.is_empty() {
                frame.text.push_str(&unescape(raw));
            }
        }
    }

    /// Handles the markup at the start of `rest` (which starts with `<`); returns what follows.
    fn markup<'a>(&mut self, rest: &'a str) -> &'a str {
        if let Some(body) = rest.strip_prefix("<![CDATA[") {
            let end = body.find("]]>").unwrap_or(body.len());
            if let Some(frame) = self.stack.last_mut() {
                frame.text.push_str(&body[..end]);
            }
            return body.get(end + 3..).unwrap_or("");
        }
        if let Some(body) = rest.strip_prefix("<!--") {
            let end = body.find("-->").map_or(body.len(), |e| e + 3);
            return &body[end..];
        }
        let Some(gt) = rest.find('>') else {
            return "";
        };
        let tag = &rest[1..gt];
        let after = &rest[gt + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            return after;
        }
        if let Some(name) = tag.strip_prefix('/') {
            self.close(local_name(name.trim()));
        } else {
            self.open(tag);
        }
        after
    }

    fn open(&mut self, tag: &str) {
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name_end = tag
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(tag.len());
        let frame = Frame {
            name: local_name(&tag[..name_end]).to_string(),
            attributes: attributes(&tag[name_end..]),
            ..Frame::default()
        };
        if let Some(parent) = self.stack.last_mut() {
            parent.has_child = true;
        }
        self.stack.push(frame);
        if self_closing {
            let name = self
                .stack
                .last()
                .map(|f| f.name.clone())
                .unwrap_or_default();
            self.close(&name);
        }
    }

    fn close(&mut self, name: &str) {
        // Tolerate a stray end tag: close up to the matching element, if any is open.
        let Some(depth) = self.stack.iter().rposition(|f| f.name == name) else {
            return;
        };
        while self.stack.len() > depth + 1 {
            self.stack.pop();
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let section = self.stack.get(1).map(|f| f.name.as_str());
        match (self.stack.len(), section) {
            (2, Some("System")) => self.system_field(&frame),
            (2, Some("EventData")) => self.event_data(frame),
            (n, Some("UserData")) if n >= 2 && !frame.has_child => {
                self.event.named.push((frame.name, frame.text));
            }
            _ => {}
        }
    }

    fn system_field(&mut self, frame: &Frame) {
        let text = frame.text.trim();
        let e = &mut self.event;
        match frame.name.as_str() {
            "Provider" => e.provider = frame.attribute("Name").unwrap_or("").to_string(),
            "EventID" => e.event_id = text.parse().ok(),
            "TimeCreated" => e.time = frame.attribute("SystemTime").map(str::to_string),
            "EventRecordID" => e.record_id = text.parse().ok(),
            "Execution" => e.process_id = frame.attribute("ProcessID").and_then(|p| p.parse().ok()),
            "Channel" => e.channel = text.to_string(),
            "Computer" => e.computer = text.to_string(),
            "Security" => e.user_sid = frame.attribute("UserID").map(str::to_string),
            _ => {}
        }
    }

    fn event_data(&mut self, frame: Frame) {
        let name = frame.attribute("Name").map(str::to_string);
        match (frame.name.as_str(), name) {
            ("Data", Some(name)) => self.event.named.push((name, frame.text)),
            ("Data", None) => self.event.data.push(frame.text),
            ("Binary", _) => self.event.binary = Some(frame.text.trim().to_ascii_uppercase()),
            _ => self.event.named.push((frame.name, frame.text)),
        }
    }
}

/// `prefix:name` → `name`.
fn local_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// ` a="1" b='2'` → pairs, values unescaped.
fn attributes(mut rest: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    while let Some(eq) = rest.find('=') {
        let name = local_name(rest[..eq].trim()).to_string();
        let after = rest[eq + 1..].trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            break;
        };
        let body = &after[1..];
        let end = body.find(quote).unwrap_or(body.len());
        out.push((name, unescape(&body[..end])));
        rest = body.get(end + 1..).unwrap_or("");
    }
    out
}

/// Replaces the five XML entities and numeric character references.
fn unescape(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match rest
            .find(';')
            .and_then(|semi| Some((entity(&rest[1..semi])?, semi)))
        {
            Some((c, semi)) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
  <System>
    <Provider Name="Service Control Manager" Guid="{555908d1-a6d7-4695-8e1e-26931d2012f4}" EventSourceName="Service Control Manager"/>
    <EventID Qualifiers="16384">7036</EventID>
    <TimeCreated SystemTime="2012-03-20T07:01:48.8826637Z"/>
    <EventRecordID>12870</EventRecordID>
    <Correlation/>
    <Execution ProcessID="508" ThreadID="3332"/>
    <Channel>System</Channel>
    <Computer>WKS</Computer>
    <Security/>
  </System>
  <EventData>
    <Data Name="param1">Windows Installer</Data>
    <Data Name="param2">running</Data>
    <Binary>6d00730069007300650072007600650072002F0034000000</Binary>
  </EventData>
</Event>"#;

    #[test]
    fn reads_system_and_named_data() {
        let e = parse(SCM);
        assert_eq!(e.provider, "Service Control Manager");
        assert_eq!(e.event_id, Some(7036));
        assert_eq!(e.time.as_deref(), Some("2012-03-20T07:01:48.8826637Z"));
        assert_eq!(e.record_id, Some(12870));
        assert_eq!(e.process_id, Some(508));
        assert_eq!(e.channel, "System");
        assert_eq!(e.computer, "WKS");
        assert_eq!(e.user_sid, None);
        assert_eq!(
            e.named,
            vec![
                ("param1".to_string(), "Windows Installer".to_string()),
                ("param2".to_string(), "running".to_string())
            ]
        );
        assert_eq!(
            e.binary.as_deref(),
            Some("6D00730069007300650072007600650072002F0034000000")
        );
    }

    #[test]
    fn reads_unnamed_data_entities_and_user_data() {
        let xml = r#"<Event><System><Provider Name="MsiInstaller"/><Security UserID="S-1-5-18"/></System>
<EventData><Data>a &amp; b &lt;c&gt; &#x41;&#66;</Data><Data></Data><Data/><Data>(NULL)</Data></EventData>
<UserData><RmSessionEvent xmlns="x"><RmSessionId>4</RmSessionId><UTCStartTime>t</UTCStartTime></RmSessionEvent></UserData></Event>"#;
        let e = parse(xml);
        assert_eq!(e.user_sid.as_deref(), Some("S-1-5-18"));
        assert_eq!(e.data, vec!["a & b <c> AB", "", "", "(NULL)"]);
        assert_eq!(
            e.named,
            vec![
                ("RmSessionId".to_string(), "4".to_string()),
                ("UTCStartTime".to_string(), "t".to_string())
            ]
        );
    }

    #[test]
    fn never_panics_on_broken_markup() {
        for cut in 0..SCM.len() {
            if SCM.is_char_boundary(cut) {
                let _ = parse(&SCM[..cut]);
            }
        }
        let _ = parse("<<</a></b><c d=\"&#xZZ;&unknown;\">&");
    }
}
