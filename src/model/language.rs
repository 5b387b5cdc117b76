//! Windows locale ids (LCIDs) as MSI logs write them in `UserLanguageID` / `SystemLanguageID`,
//! with the language tag a reader knows them by (1041 → `ja-JP`).
//!
//! Plain data only: a fixed table of Windows' own locale ids; this module must not parse logs.

use serde::Serialize;

/// A Windows locale id and, when the table knows it, its language tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Language {
    pub id: u32,
    /// `ja-JP`, `de-DE`, …; `null` for an id the table does not list.
    pub name: Option<&'static str>,
}

/// Locale ids of the languages Windows ships a UI for, and their tags.
const LCIDS: &[(u32, &str)] = &[
    (1025, "ar-SA"),
    (1026, "bg-BG"),
    (1028, "zh-TW"),
    (1029, "cs-CZ"),
    (1030, "da-DK"),
    (1031, "de-DE"),
    (1032, "el-GR"),
    (1033, "en-US"),
    (1034, "es-ES_tradnl"),
    (1035, "fi-FI"),
    (1036, "fr-FR"),
    (1037, "he-IL"),
    (1038, "hu-HU"),
    (1040, "it-IT"),
    (1041, "ja-JP"),
    (1042, "ko-KR"),
    (1043, "nl-NL"),
    (1044, "nb-NO"),
    (1045, "pl-PL"),
    (1046, "pt-BR"),
    (1048, "ro-RO"),
    (1049, "ru-RU"),
    (1050, "hr-HR"),
    (1051, "sk-SK"),
    (1053, "sv-SE"),
    (1054, "th-TH"),
    (1055, "tr-TR"),
    (1058, "uk-UA"),
    (1060, "sl-SI"),
    (1061, "et-EE"),
    (1062, "lv-LV"),
    (1063, "lt-LT"),
    (2052, "zh-CN"),
    (2055, "de-CH"),
    (2057, "en-GB"),
    (2058, "es-MX"),
    (2060, "fr-BE"),
    (2070, "pt-PT"),
    (3076, "zh-HK"),
    (3079, "de-AT"),
    (3081, "en-AU"),
    (3082, "es-ES"),
    (3084, "fr-CA"),
    (4100, "zh-SG"),
    (4105, "en-CA"),
    (4108, "fr-CH"),
    (5129, "en-NZ"),
    (6153, "en-IE"),
    (16393, "en-IN"),
];

impl Language {
    pub fn from_id(id: u32) -> Language {
        let name = LCIDS
            .binary_search_by_key(&id, |&(i, _)| i)
            .ok()
            .map(|i| LCIDS[i].1);
        Language { id, name }
    }

    /// `ja-JP (1041)`, or the bare id when the table does not know it.
    pub fn label(&self) -> String {
        match self.name {
            Some(n) => format!("{n} ({})", self.id),
            None => self.id.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_names_the_common_ids() {
        assert!(LCIDS.windows(2).all(|w| w[0].0 < w[1].0));
        for (id, name) in [
            (1041, "ja-JP"),
            (1031, "de-DE"),
            (1036, "fr-FR"),
            (3082, "es-ES"),
            (2052, "zh-CN"),
            (1049, "ru-RU"),
        ] {
            assert_eq!(Language::from_id(id).name, Some(name));
        }
        assert_eq!(Language::from_id(9999).label(), "9999");
        assert_eq!(Language::from_id(1041).label(), "ja-JP (1041)");
    }
}
