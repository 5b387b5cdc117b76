//! Turns an English verbose MSI log into the same log as Windows in another UI language and
//! regional format would write it: the lines Windows Installer translates (logging banners,
//! `Action start` / `Action ended` / action-text lines, the `Product: X --` prefix, Error-table
//! messages, the internal-error sentence, the outcome sentence) are rewritten; the engine lines
//! (`MSI (s) (..) [..]:`), `Property(S):` dumps, `DEBUG: Error N`, `CustomAction … returned
//! actual error code` stay English, as they do on a localized Windows. Dates and banner times
//! follow the language's regional format, and `UserLanguageID` / `SystemLanguageID` its LCID.
//!
//! Only the Japanese action-ended line, `製品:` prefix, `エラー N。` form and internal-error
//! sentence are real strings (see fixtures/README.md); the other languages' wordings are
//! stand-ins with the shapes a translation has (words before the time, ` : ` separators,
//! full-width punctuation, no `Error N.` prefix), and one language is made up. Message text is
//! replaced by filler words so that nothing can depend on English words. Test support only.

/// How one UI language and regional format writes the translated lines. Placeholders: `{t}`
/// time, `{a}` action, `{n}` number, `{x}` text.
pub struct Language {
    /// A short name for file names (`ja`, `xx` for the made-up one).
    pub code: &'static str,
    /// `UserLanguageID` / `SystemLanguageID` written into the property dump.
    pub lcid: u32,
    pub verbose_started: &'static str,
    pub build_type: &'static str,
    pub calling_process: &'static str,
    pub logging_started: &'static str,
    pub logging_stopped: &'static str,
    pub verbose_stopped: &'static str,
    pub action_start: &'static str,
    pub action_ended: &'static str,
    pub action_text: &'static str,
    pub product: &'static str,
    pub error: &'static str,
    pub info: &'static str,
    pub warning: &'static str,
    pub internal_error: &'static str,
    /// `{p}` product, `{v}` version, `{l}` language, `{m}` manufacturer, `{n}` status.
    pub outcome: &'static str,
    /// End of a sentence (`.`, `。`).
    pub period: &'static str,
    /// Filler words replacing the words of translated message texts.
    pub words: &'static [&'static str],
    pub date: DateStyle,
    pub time: TimeStyle,
}

/// Regional short-date formats.
#[derive(Clone, Copy)]
pub enum DateStyle {
    /// `2025/03/14`
    YearSlashPadded,
    /// `2025/3/14`
    YearSlash,
    /// `14.03.2025`
    DayDot,
    /// `14/03/2025`
    DaySlash,
    /// `2025-03-14`
    Iso,
}

/// Regional time formats (banners and action lines).
#[derive(Clone, Copy)]
pub enum TimeStyle {
    /// `8:05:09`
    Short24,
    /// `08:05:09`
    Padded24,
    /// `8.05.09 a.m.` (`.` separator, 12-hour clock)
    Dotted12,
}

pub const JAPANESE: Language = Language {
    code: "ja",
    lcid: 1041,
    verbose_started: "詳細ログ開始",
    build_type: "ビルドの種類",
    calling_process: "呼び出し元プロセス",
    logging_started: "ログ開始",
    logging_stopped: "ログ停止",
    verbose_stopped: "詳細ログ停止",
    action_start: "操作開始 {t}: {a}。",
    action_ended: "操作終了 {t}: {a}。 戻り値 {n}。",
    action_text: "操作 {t}: {a}。{x}",
    product: "製品",
    error: "エラー {n}。{x}",
    info: "情報 {n}。{x}",
    warning: "警告 {n}。{x}",
    internal_error: "このパッケージをインストールするときに予期しないエラーが検出されました。このパッケージは問題がある可能性があります。エラー コードは {n} です。 引数: {x}",
    outcome: "Windows Installer により製品がインストールされました。製品名: {p}。製品のバージョン: {v}。製品の言語: {l}。製造元: {m}。インストールの成功またはエラーの状態: {n}。",
    period: "。",
    words: &["ファイル", "書き込み", "できません", "確認", "してください", "フォルダー", "権限"],
    date: DateStyle::YearSlashPadded,
    time: TimeStyle::Short24,
};

pub const GERMAN: Language = Language {
    code: "de",
    lcid: 1031,
    verbose_started: "Ausführliche Protokollierung gestartet",
    build_type: "Buildtyp",
    calling_process: "Aufrufender Prozess",
    logging_started: "Protokollierung gestartet",
    logging_stopped: "Protokollierung beendet",
    verbose_stopped: "Ausführliche Protokollierung beendet",
    action_start: "Aktion gestartet um {t}: {a}.",
    action_ended: "Aktion beendet um {t}: {a}. Rückgabewert {n}.",
    action_text: "Aktion {t}: {a}. {x}",
    product: "Produkt",
    error: "Fehler {n}. {x}",
    info: "Info {n}. {x}",
    warning: "Warnung {n}. {x}",
    internal_error: "Bei der Installation dieses Pakets ist ein unerwarteter Fehler aufgetreten. Fehlercode {n}. Argumente: {x}",
    outcome: "Windows Installer hat das Produkt installiert. Produktname: {p}. Produktversion: {v}. Produktsprache: {l}. Hersteller: {m}. Erfolg- bzw. Fehlerstatus der Installation: {n}.",
    period: ".",
    words: &["Datei", "konnte", "nicht", "geschrieben", "werden", "Prüfen", "Zugriff"],
    date: DateStyle::DayDot,
    time: TimeStyle::Padded24,
};

pub const FRENCH: Language = Language {
    code: "fr",
    lcid: 1036,
    verbose_started: "Journalisation détaillée démarrée ",
    build_type: "Type de build ",
    calling_process: "Processus appelant ",
    logging_started: "Journalisation démarrée ",
    logging_stopped: "Journalisation arrêtée ",
    verbose_stopped: "Journalisation détaillée arrêtée ",
    action_start: "Action démarrée à {t} : {a}.",
    action_ended: "Action terminée à {t} : {a}. Valeur renvoyée {n}.",
    action_text: "Action {t} : {a}. {x}",
    product: "Produit ",
    error: "Erreur {n}. {x}",
    info: "Info {n}. {x}",
    warning: "Avertissement {n}. {x}",
    internal_error: "Le programme d'installation a rencontré une erreur inattendue. Code d'erreur {n}. Arguments : {x}",
    outcome: "Windows Installer a installé le produit. Nom du produit : {p}. Version du produit : {v}. Langue du produit : {l}. Fabricant : {m}. État de réussite ou d'erreur de l'installation : {n}.",
    period: ".",
    words: &["fichier", "impossible", "écrire", "vérifiez", "accès", "dossier", "droits"],
    date: DateStyle::DaySlash,
    time: TimeStyle::Padded24,
};

pub const SPANISH: Language = Language {
    code: "es",
    lcid: 3082,
    verbose_started: "Registro detallado iniciado",
    build_type: "Tipo de compilación",
    calling_process: "Proceso que llama",
    logging_started: "Registro iniciado",
    logging_stopped: "Registro detenido",
    verbose_stopped: "Registro detallado detenido",
    action_start: "Acción iniciada a las {t}: {a}.",
    action_ended: "Acción finalizada a las {t}: {a}. Valor devuelto {n}.",
    action_text: "Acción {t}: {a}. {x}",
    product: "Producto",
    error: "Error {n}. {x}",
    info: "Información {n}. {x}",
    warning: "Advertencia {n}. {x}",
    internal_error: "El instalador encontró un error inesperado al instalar este paquete. El código de error es {n}. Argumentos: {x}",
    outcome: "Windows Installer instaló el producto. Nombre del producto: {p}. Versión del producto: {v}. Idioma del producto: {l}. Fabricante: {m}. Estado de error o éxito de la instalación: {n}.",
    period: ".",
    words: &["archivo", "escribir", "error", "compruebe", "acceso", "carpeta", "permisos"],
    date: DateStyle::DaySlash,
    time: TimeStyle::Short24,
};

pub const CHINESE: Language = Language {
    code: "zh",
    lcid: 2052,
    verbose_started: "详细日志记录已开始",
    build_type: "生成类型",
    calling_process: "调用进程",
    logging_started: "日志记录已开始",
    logging_stopped: "日志记录已停止",
    verbose_stopped: "详细日志记录已停止",
    action_start: "操作开始 {t}: {a}。",
    action_ended: "操作结束 {t}: {a}。返回值 {n}。",
    action_text: "操作 {t}: {a}。{x}",
    product: "产品",
    error: "错误 {n}。{x}",
    info: "信息 {n}。{x}",
    warning: "警告 {n}。{x}",
    internal_error: "安装程序在安装此软件包时遇到意外错误。错误代码为 {n}。参数: {x}",
    outcome: "Windows Installer 已安装产品。产品名称: {p}。产品版本: {v}。产品语言: {l}。制造商: {m}。安装成功或错误状态: {n}。",
    period: "。",
    words: &["文件", "写入", "错误", "请验证", "访问", "目录", "权限"],
    date: DateStyle::YearSlash,
    time: TimeStyle::Short24,
};

pub const RUSSIAN: Language = Language {
    code: "ru",
    lcid: 1049,
    verbose_started: "Подробное ведение журнала начато",
    build_type: "Тип сборки",
    calling_process: "Вызывающий процесс",
    logging_started: "Ведение журнала начато",
    logging_stopped: "Ведение журнала остановлено",
    verbose_stopped: "Подробное ведение журнала остановлено",
    action_start: "Действие начато {t}: {a}.",
    action_ended: "Действие завершено {t}: {a}. Возвращенное значение {n}.",
    action_text: "Действие {t}: {a}. {x}",
    product: "Продукт",
    error: "Ошибка {n}. {x}",
    info: "Сведения {n}. {x}",
    warning: "Предупреждение {n}. {x}",
    internal_error: "При установке этого пакета произошла непредвиденная ошибка. Код ошибки: {n}. Аргументы: {x}",
    outcome: "Установщик Windows установил продукт. Имя продукта: {p}. Версия продукта: {v}. Язык продукта: {l}. Изготовитель: {m}. Состояние успеха или ошибки установки: {n}.",
    period: ".",
    words: &["файл", "запись", "ошибка", "проверьте", "доступ", "папка", "права"],
    date: DateStyle::DayDot,
    time: TimeStyle::Short24,
};

/// A language no table lists: made-up words, ` : ` and `¦` as separators, a 12-hour clock with
/// `.` as time separator, no `Error N.` prefix on user-facing messages, an unlisted LCID.
pub const MADE_UP: Language = Language {
    code: "xx",
    lcid: 4096,
    verbose_started: "Vrek logu startat",
    build_type: "Bildo",
    calling_process: "Prosa",
    logging_started: "Logu startat",
    logging_stopped: "Logu stopat",
    verbose_stopped: "Vrek logu stopat",
    action_start: "Vrek ombal {t} : {a} ¦",
    action_ended: "Vrek tuzal {t} : {a} ¦ retvo {n} ¦",
    action_text: "Vrek {t} : {a} ¦ {x}",
    product: "Prodzik",
    error: "{x}",
    info: "{x}",
    warning: "{x}",
    internal_error: "Zarnak ulbo eeks plon, kodo {n} ¦ argo {x}",
    outcome: "Vindo Instalo prodzik fin ¦ {p} ¦ {v} ¦ {l} ¦ {m} ¦ statu {n} ¦",
    period: " ¦",
    words: &["zub", "karfel", "ombo", "tiskal", "vrek", "ulmo", "prat"],
    date: DateStyle::Iso,
    time: TimeStyle::Dotted12,
};

/// Every language the localized fixtures are generated in.
pub const LANGUAGES: &[&Language] = &[
    &JAPANESE, &GERMAN, &FRENCH, &SPANISH, &CHINESE, &RUSSIAN, &MADE_UP,
];

fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .fold(template.to_string(), |s, (k, v)| s.replace(k, v))
}

/// `3/14/2025` (month first, as the English cases are written, or `dd.mm.yyyy` / `yyyy-mm-dd`
/// / `yyyy/mm/dd` / `dd/mm/yyyy` when the case uses those) → the language's short date.
/// `order` says how the English case's dates are read.
fn reformat_date(date: &str, month_first: bool, style: DateStyle) -> Option<String> {
    let sep = date.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let parts: Vec<u32> = date
        .split(sep)
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [a, b, c] = parts[..] else { return None };
    let (y, m, d) = if date.split(sep).next()?.len() == 4 {
        (a, b, c)
    } else if sep == '.' || !month_first {
        (c, b, a)
    } else {
        (c, a, b)
    };
    Some(match style {
        DateStyle::YearSlashPadded => format!("{y}/{m:02}/{d:02}"),
        DateStyle::YearSlash => format!("{y}/{m}/{d}"),
        DateStyle::DayDot => format!("{d:02}.{m:02}.{y}"),
        DateStyle::DaySlash => format!("{d:02}/{m:02}/{y}"),
        DateStyle::Iso => format!("{y}-{m:02}-{d:02}"),
    })
}

fn reformat_time(time: &str, style: TimeStyle) -> Option<String> {
    let parts: Vec<u32> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = parts[..] else { return None };
    Some(match style {
        TimeStyle::Short24 => format!("{h}:{m:02}:{s:02}"),
        TimeStyle::Padded24 => format!("{h:02}:{m:02}:{s:02}"),
        TimeStyle::Dotted12 => {
            let half = if h < 12 { "a.m." } else { "p.m." };
            let h12 = if h % 12 == 0 { 12 } else { h % 12 };
            format!("{h12}.{m:02}.{s:02} {half}")
        }
    })
}

/// Replaces the words of a message with the language's filler words, keeping paths, numbers,
/// names in quotes and punctuation-free tokens that hold digits or separators.
fn pseudo_translate(text: &str, lang: &Language) -> String {
    let mut i = 0;
    text.split(' ')
        .map(|token| {
            let keep = token.is_empty()
                || token.contains(['\\', '/', ':', '\'', '"', '{', '[', '(', '_', '@', '='])
                || token.chars().any(|c| c.is_ascii_digit())
                || !token.is_ascii();
            if keep {
                return token.to_string();
            }
            let word = lang.words[i % lang.words.len()];
            i += 1;
            if token.ends_with('.') {
                format!("{word}{}", lang.period)
            } else {
                word.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Engine sentences of the Error table that are translated (`Installation failed.` …).
const ENGINE_SENTENCES: &[&str] = &[
    "Installation failed.",
    "Installation completed successfully.",
    "Installation operation completed successfully.",
    "Installation operation failed.",
    "Removal completed successfully.",
    "Removal failed.",
    "Configuration completed successfully.",
    "Configuration failed.",
];

/// A user-facing message in the language; package texts (launch-condition messages) stay.
fn translate_message(msg: &str, lang: &Language) -> String {
    for (prefix, template) in [
        ("Error ", lang.error),
        ("Info ", lang.info),
        ("Warning ", lang.warning),
    ] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && rest[digits..].starts_with('.') {
                let text = pseudo_translate(rest[digits + 1..].trim(), lang);
                return fill(template, &[("{n}", &rest[..digits]), ("{x}", &text)]);
            }
        }
    }
    if let Some(i) = msg.find("The error code is ") {
        if msg.contains("unexpected error") {
            let rest = &msg[i + 18..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let args = rest
                .split_once("The arguments are: ")
                .map_or("", |(_, a)| a);
            return fill(
                lang.internal_error,
                &[("{n}", &rest[..digits]), ("{x}", args)],
            );
        }
    }
    if ENGINE_SENTENCES.contains(&msg.trim()) {
        return pseudo_translate(msg.trim(), lang);
    }
    msg.to_string()
}

/// `Windows Installer installed the product. Product Name: …` in the language.
fn translate_outcome(msg: &str, lang: &Language) -> Option<String> {
    let rest = msg
        .strip_prefix("Windows Installer installed the product. ")
        .or_else(|| msg.strip_prefix("Windows Installer removed the product. "))
        .or_else(|| msg.strip_prefix("Windows Installer reconfigured the product. "))?;
    let field = |label: &str, next: &str| -> String {
        let Some(start) = rest.find(label).map(|i| i + label.len()) else {
            return String::new();
        };
        let tail = &rest[start..];
        let end = tail.find(next).unwrap_or(tail.len());
        tail[..end].to_string()
    };
    let status = rest.rsplit_once("status: ")?.1.trim_end_matches('.').trim();
    Some(fill(
        lang.outcome,
        &[
            ("{p}", &field("Product Name: ", ". Product Version: ")),
            ("{v}", &field("Product Version: ", ". Product Language: ")),
            ("{l}", &field("Product Language: ", ". Manufacturer: ")),
            ("{m}", &field("Manufacturer: ", ". Installation success")),
            ("{n}", status),
        ],
    ))
}

/// A `=== … ===` banner in the language.
fn translate_banner(line: &str, lang: &Language, month_first: bool) -> Option<String> {
    let rest = line
        .strip_prefix("=== ")?
        .trim_end()
        .strip_suffix("===")?
        .trim();
    let (label, rest) = [
        ("Verbose logging started: ", lang.verbose_started),
        ("Verbose logging stopped: ", lang.verbose_stopped),
        ("Logging started: ", lang.logging_started),
        ("Logging stopped: ", lang.logging_stopped),
    ]
    .into_iter()
    .find_map(|(en, local)| rest.strip_prefix(en).map(|r| (local, r)))?;
    let mut words = rest.split_whitespace();
    let date = reformat_date(words.next()?, month_first, lang.date)?;
    let time = reformat_time(words.next()?, lang.time)?;
    let mut out = format!("=== {label}: {date}  {time}");
    if let Some(i) = rest.find("Build type: ") {
        let tail = &rest[i + 12..];
        let (build, process) = tail.split_once("  Calling process: ").unwrap_or((tail, ""));
        out.push_str(&format!(
            "  {}: {}  {}: {}",
            lang.build_type,
            build.trim(),
            lang.calling_process,
            process.trim()
        ));
    }
    out.push_str(" ===");
    Some(out)
}

/// `Action start 8:32:13: X.` / `Action ended 8:32:13: X. Return value 3.` /
/// `Action 8:32:13: X. text` in the language.
fn translate_action(line: &str, lang: &Language) -> Option<String> {
    let (kind, rest) = if let Some(r) = line.strip_prefix("Action start ") {
        (0, r)
    } else if let Some(r) = line.strip_prefix("Action ended ") {
        (1, r)
    } else if let Some(r) = line.strip_prefix("Action ") {
        (2, r)
    } else {
        return None;
    };
    let (time, tail) = rest.split_once(": ")?;
    let time = reformat_time(time, lang.time)?;
    Some(match kind {
        0 => fill(
            lang.action_start,
            &[
                ("{t}", &time),
                ("{a}", tail.trim_end().trim_end_matches('.')),
            ],
        ),
        1 => {
            let (name, value) = tail.rsplit_once(". Return value ")?;
            fill(
                lang.action_ended,
                &[
                    ("{t}", &time),
                    ("{a}", name),
                    ("{n}", value.trim_end().trim_end_matches('.')),
                ],
            )
        }
        _ => {
            let (name, text) = tail
                .split_once(". ")
                .unwrap_or((tail.trim_end_matches('.'), ""));
            fill(
                lang.action_text,
                &[
                    ("{t}", &time),
                    ("{a}", name),
                    ("{x}", &pseudo_translate(text.trim(), lang)),
                ],
            )
        }
    })
}

/// `MSI (s) (E4:7C) [16:40:01:295]: ` — the engine prefix and the message after it.
fn engine_prefix(line: &str) -> Option<(&str, &str)> {
    if !line.starts_with("MSI (") {
        return None;
    }
    let end = line.find("]: ").map(|i| i + 3).or_else(|| {
        // A prefix without a time: `MSI (s) (40:A4): message`.
        line.find("): ").map(|i| i + 3)
    })?;
    Some((&line[..end], &line[end..]))
}

/// The English log `text` as Windows in `lang` writes it. `month_first` says how the English
/// banner dates with slashes are to be read (`3/14/2025` true, `14/03/2025` false).
pub fn localize(text: &str, lang: &Language, month_first: bool) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for raw in text.split_inclusive('\n') {
        let body = raw.trim_end_matches(['\r', '\n']);
        let ending = &raw[body.len()..];
        let line = translate_line(body, lang, month_first).unwrap_or_else(|| body.to_string());
        out.push_str(&line);
        out.push_str(ending);
    }
    out
}

fn translate_line(line: &str, lang: &Language, month_first: bool) -> Option<String> {
    // A UTF-8 BOM left at the start of the text.
    let line = line.strip_prefix('\u{feff}').unwrap_or(line);
    if line.starts_with("=== ") {
        return translate_banner(line, lang, month_first);
    }
    if let Some((prefix, msg)) = engine_prefix(line) {
        if let Some(rest) = msg.strip_prefix("Product: ") {
            let (product, message) = rest.split_once(" -- ")?;
            return Some(format!(
                "{prefix}{}: {product} -- {}",
                lang.product,
                translate_message(message, lang)
            ));
        }
        return translate_outcome(msg, lang).map(|o| format!("{prefix}{o}"));
    }
    for name in ["UserLanguageID", "SystemLanguageID"] {
        for scope in ['S', 'C', 'N'] {
            if line.starts_with(&format!("Property({scope}): {name} = ")) {
                return Some(format!("Property({scope}): {name} = {}", lang.lcid));
            }
        }
    }
    if line.starts_with("Action ") {
        return translate_action(line, lang);
    }
    let translated = translate_message(line, lang);
    (translated != line).then_some(translated)
}

/// UTF-16LE with a byte-order mark and the text's own line breaks, as Windows Installer writes
/// its logs.
pub fn utf16le_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}
