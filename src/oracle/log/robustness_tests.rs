//! It never panics and never hangs: property tests over arbitrary bytes and over mutated real
//! logs, bounded so they run in CI in seconds.

use super::{parse_bytes, parse_reader, Policy};
use proptest::prelude::*;

/// The real logs (read once) and a synthetic one touching every line shape.
fn corpus() -> &'static [Vec<u8>] {
    static CORPUS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(read_corpus)
}

fn read_corpus() -> Vec<Vec<u8>> {
    let dir = super::shared_dir().join("datapump-logs");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "mutated-log cases use a synthetic log only: {} is absent",
            dir.display()
        );
        return vec![SYNTHETIC.as_bytes().to_vec()];
    };
    let mut logs: Vec<Vec<u8>> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "log"))
        .filter_map(|e| std::fs::read(e.path()).ok())
        .collect();
    logs.push(SYNTHETIC.as_bytes().to_vec());
    logs
}

const SYNTHETIC: &str = "Import: Release 19.0.0.0.0 - Production on Wed Mar 12 08:00:00 2025\n\
Starting \"SYSTEM\".\"SYS_IMPORT_FULL_01\":  system/******** directory=DP\n\
12-MAR-25 08:00:01.123: W-1 Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA\n\
W-1 . . imported \"BIZAGI\".\"T\"  1.5 KB  3 out of 5 rows\n\
ORA-39083: Object type TABLE:\"BIZAGI\".\"X\" failed to create with error:\n\
ORA-01653: unable to extend table\nFailing sql is:\nCREATE TABLE X\n\
ORA-06512: at \"SYS.KUPW$WORKER\", line 1\n\
Resumable error: ORA-01653: unable to extend\n\
;;; parfile:  userid=system/secret@db\n;;; _parfile: more\n\
Dump file set for SYSTEM.SYS_IMPORT_FULL_01 is:\n  /u01/x.dmp\n\
Job \"SYSTEM\".\"SYS_IMPORT_FULL_01\" completed with 1 error(s) at Wed Mar 12 11:12:13 2025 elapsed 0 03:12:13\n";

#[test]
fn a_log_of_distinct_findings_stays_linear() {
    // 100 000 different codes and warnings: anything quadratic would not finish.
    let mut log = String::new();
    for i in 0..100_000 {
        log.push_str(&format!("ORA-{i:05}: x\nWarning: data loss {i}\n"));
    }
    let started = std::time::Instant::now();
    let r = parse_bytes(log.as_bytes(), &Policy::default());
    assert_eq!(r.codes.len(), 100_000);
    // ORA-06512 is a stack frame, never a message of its own. Every message is counted in its
    // group; a bounded number of examples is kept.
    assert_eq!(r.messages_total, 99_999);
    assert_eq!(r.message_groups.len(), 99_999);
    assert_eq!(r.messages.len(), 5000);
    assert_eq!(r.warnings.len(), 1000);
    // One reason per kind of message and per kept warning, one for the warnings not kept, and
    // one for the missing final line.
    assert_eq!(r.reasons.len(), 99_999 + 1000 + 1 + 1);
    assert!(
        started.elapsed().as_secs() < 20,
        "took {:?}",
        started.elapsed()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let a = parse_bytes(&bytes, &Policy::default());
        let b = parse_reader(&bytes[..], &Policy::default()).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn lines_of_log_words_never_panic(parts in proptest::collection::vec(prop_oneof![
        Just("ORA-39083: Object type TABLE:\"A\".\"B\" x".to_string()),
        Just("Job \"A\".\"B\" completed with ".to_string()),
        Just(". . imported \"A\".\"B\" ".to_string()),
        Just("12-MAR-25 08:00:01.123: ".to_string()),
        Just("W-".to_string()), Just("\r".to_string()), Just("\n".to_string()),
        Just("\"".to_string()), Just(":".to_string()), Just("KB ".to_string()),
        Just("99999999999999999999999 ".to_string()), Just("out of ".to_string()),
        Just("作业 \"A\".\"B\" 个错误".to_string()), Just(";;; _parfile:".to_string()),
        "[ -~]{0,12}",
    ], 0..60)) {
        let text = parts.concat();
        let a = parse_bytes(text.as_bytes(), &Policy::default());
        let b = parse_reader(text.as_bytes(), &Policy::default()).unwrap();
        prop_assert_eq!(a, b);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, max_shrink_iters: 100, ..ProptestConfig::default() })]

    #[test]
    fn mutated_real_logs_never_panic(
        pick in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..40),
    ) {
        let logs = corpus();
        let mut bytes = logs[pick.index(logs.len())].clone();
        for (at, byte, op) in edits {
            if bytes.is_empty() {
                bytes.push(byte);
                continue;
            }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                2 => { bytes.remove(i); }
                _ => bytes.truncate(i),
            }
        }
        let a = parse_bytes(&bytes, &Policy::default());
        let b = parse_reader(&bytes[..], &Policy::default()).unwrap();
        prop_assert_eq!(a, b);
    }
}

// ---------------------------------------------------------------------------------------------
// A shared log keeps its outcome, error count and verdict under every paste transformation and
// under translation of its structural lines into each supported language.

/// The logs of the shared corpus with their names (none when the corpus is absent).
fn shared_logs() -> &'static [(String, Vec<u8>)] {
    static LOGS: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        // Under BIZSCRIPT_REQUIRE_FIXTURES a missing corpus fails here instead of letting the
        // tests below pass over nothing.
        let Some(dir) = crate::fixtures::shared_fixture("datapump-logs") else {
            return Vec::new();
        };
        let Ok(entries) = std::fs::read_dir(&dir) else {
            crate::fixtures::missing_fixture(&format!("{} cannot be read", dir.display()));
            return Vec::new();
        };
        let mut logs: Vec<(String, Vec<u8>)> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "log"))
            .filter_map(|e| {
                let bytes = std::fs::read(e.path()).ok()?;
                Some((e.file_name().to_string_lossy().into_owned(), bytes))
            })
            .collect();
        logs.sort();
        logs
    })
}

/// What must not change.
fn key(bytes: &[u8]) -> (String, Option<u64>, u64, String) {
    let r = parse_bytes(bytes, &Policy::default());
    (
        r.outcome.as_str().to_string(),
        r.reported_errors,
        r.error_lines,
        r.verdict.as_str().to_string(),
    )
}

/// The log's lines as text (lossy), split the way the parser splits them.
fn text_lines(bytes: &[u8]) -> Vec<String> {
    super::lines::SliceLines::new(bytes)
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Paste {
    SqlComment,
    Shell,
    Email,
    Rem,
    SqlPrompt,
    Tab,
    Spaces,
    Fence,
    Bold,
    BoldInWord,
    HtmlEscape,
    HtmlTags,
    Typographic,
    FullWidthColon,
    SpacedColon,
    Wrap80,
    Elision,
    /// RMAN drives Data Pump and prefixes every line with the tool's prompt.
    Rman,
    /// A word processor's hyphens and dashes: `ORA‑31684`, ` — `.
    Dashes,
    /// Quotes as numeric HTML entities (`&#34;`), as some forums store them.
    NumericEscape,
    /// Curly single quotes and the ellipsis character in elision lines (`…`, `. .. …`).
    Ellipses,
}

const PASTES: &[Paste] = &[
    Paste::SqlComment,
    Paste::Shell,
    Paste::Email,
    Paste::Rem,
    Paste::SqlPrompt,
    Paste::Tab,
    Paste::Spaces,
    Paste::Fence,
    Paste::Bold,
    Paste::BoldInWord,
    Paste::HtmlEscape,
    Paste::HtmlTags,
    Paste::Typographic,
    Paste::FullWidthColon,
    Paste::SpacedColon,
    Paste::Wrap80,
    Paste::Elision,
    Paste::Rman,
    Paste::Dashes,
    Paste::NumericEscape,
    Paste::Ellipses,
];

fn is_code_line(l: &str) -> Option<usize> {
    let t = l.trim_start();
    let b = t.as_bytes();
    (b.len() >= 10
        && b[3] == b'-'
        && b[..3].iter().all(u8::is_ascii_uppercase)
        && b[4..9].iter().all(u8::is_ascii_digit)
        && b[9] == b':')
        .then(|| l.len() - t.len())
}

fn paste(lines: &[String], how: Paste) -> Vec<String> {
    let each = |f: &dyn Fn(&str) -> String| lines.iter().map(|l| f(l)).collect::<Vec<_>>();
    match how {
        Paste::SqlComment => each(&|l| format!("-- {l}")),
        Paste::Shell => each(&|l| format!("# {l}")),
        Paste::Email => each(&|l| format!("> {l}")),
        Paste::Rem => each(&|l| format!("REM {l}")),
        Paste::SqlPrompt => each(&|l| format!("SQL> {l}")),
        Paste::Tab => each(&|l| format!("\t{l}")),
        Paste::Spaces => each(&|l| format!("      {l}")),
        Paste::Fence => {
            let mut out = vec!["```text".to_string()];
            out.extend(lines.iter().cloned());
            out.push("```".to_string());
            out
        }
        Paste::Bold => each(&|l| match is_code_line(l) {
            Some(at) => format!("{}**{}**{}", &l[..at], &l[at..at + 9], &l[at + 9..]),
            None => l.replace("Job \"", "**Job** \""),
        }),
        Paste::BoldInWord => each(&|l| {
            l.replacen("successfully", "succe**ss**fully", 1)
                .replacen("Processing", "Proc**ess**ing", 1)
                .replacen("completed", "comp**let**ed", 1)
        }),
        Paste::HtmlEscape => each(&|l| {
            l.replace('&', "&amp;")
                .replace('"', "&quot;")
                .replace('>', "&gt;")
                .replace('<', "&lt;")
        }),
        Paste::HtmlTags => each(&|l| format!("<span class=\"line\">{l}</span><br>")),
        Paste::Typographic => each(&|l| {
            let mut open = true;
            let mut out = String::new();
            for c in l.chars() {
                if c == '"' {
                    out.push(if open { '\u{201c}' } else { '\u{201d}' });
                    open = !open;
                } else {
                    out.push(c);
                }
            }
            out.replace("...", "\u{2026}")
        }),
        Paste::FullWidthColon => each(&|l| l.replace(':', "\u{ff1a}")),
        Paste::SpacedColon => each(&|l| match is_code_line(l) {
            Some(at) => format!("{} :{}", &l[..at + 9], &l[at + 10..]),
            None => l.to_string(),
        }),
        Paste::Wrap80 => {
            let mut out = Vec::new();
            for l in lines {
                let chars: Vec<char> = l.chars().collect();
                if chars.len() <= 80 {
                    out.push(l.clone());
                } else {
                    for chunk in chars.chunks(80) {
                        out.push(chunk.iter().collect());
                    }
                }
            }
            out
        }
        Paste::Rman => {
            // A log RMAN already drove keeps its one prompt (RMAN does not nest).
            if lines.iter().any(|l| l.contains("DP> ")) {
                return lines.to_vec();
            }
            let import = lines.iter().any(|l| l.contains("Import: Release"));
            let prompt = if import { "IMPDP> " } else { "EXPDP> " };
            each(&|l| format!("   {prompt}{l}"))
        }
        Paste::Dashes => each(&|l| {
            l.replace("ORA-", "ORA\u{2011}")
                .replace("UDE-", "UDE\u{2011}")
                .replace(" - ", " \u{2014} ")
        }),
        Paste::NumericEscape => each(&|l| l.replace('"', "&#34;")),
        Paste::Ellipses => {
            let mut out = Vec::new();
            for (i, l) in lines.iter().enumerate() {
                out.push(l.replace('\'', "\u{2019}"));
                if i == 3 {
                    out.push("\u{2026}".to_string());
                }
                if i == 5 {
                    out.push(". .. \u{2026}".to_string());
                }
            }
            out
        }
        Paste::Elision => {
            let mut out = Vec::new();
            for (i, l) in lines.iter().enumerate() {
                out.push(l.clone());
                if i == 2 {
                    out.push("...".to_string());
                }
                if i == 6 {
                    out.push("(etc)".to_string());
                }
            }
            out
        }
    }
}

/// The structural lines of an English log in one of the supported languages, written the way
/// each language's message file lays them out (see `languages.rs`).
fn translate(lines: &[String], lang: &str) -> Vec<String> {
    lines.iter().map(|l| translate_line(l, lang)).collect()
}

fn split_pair(rest: &str) -> Option<(&str, &str)> {
    // `"O"."J"` at the start of `rest`: the pair and what follows.
    let end = rest.match_indices('"').nth(3)?.0;
    Some((&rest[..=end], &rest[end + 1..]))
}

fn translate_line(line: &str, lang: &str) -> String {
    let find = |needle: &str| {
        line.find(needle)
            .map(|i| (&line[..i], &line[i + needle.len()..]))
    };
    if let Some((head, rest)) = find("Starting \"") {
        let rest = format!("\"{rest}");
        let Some((pair, after)) = split_pair(&rest) else {
            return line.to_string();
        };
        let params = after.strip_prefix(':').unwrap_or(after);
        let t = match lang {
            "de" => format!("{pair} wird gestartet:{params}"),
            "fr" => format!("D\u{e9}marrage de {pair} :{params}"),
            "es" | "pt" => format!("Iniciando {pair}:{params}"),
            "it" => format!("Avvio di {pair}:{params}"),
            "ja" => format!("{pair}を起動しています:{params}"),
            "ko" => format!("{pair} 시작 중:{params}"),
            "zhs" => format!("启动 {pair}:{params}"),
            "zht" => format!("啟動 {pair}:{params}"),
            _ => format!("Запуск {pair}:{params}"),
        };
        return format!("{head}{t}");
    }
    if let Some((head, path)) = find("Processing object type ") {
        let t = match lang {
            "de" => format!("Objekttyp {path} wird verarbeitet"),
            "fr" => format!("Traitement du type d'objet {path}"),
            "es" => format!("Procesando el tipo de objeto {path}"),
            "it" => format!("Elaborazione dell'object type {path}"),
            "pt" => format!("Processando o tipo de objeto {path}"),
            "ja" => format!("オブジェクト型{path}の処理中です"),
            "ko" => format!("객체 유형 {path} 처리 중"),
            "zhs" => format!("处理对象类型 {path}"),
            "zht" => format!("處理物件類型 {path}"),
            _ => format!("Обработка объекта типа {path}"),
        };
        return format!("{head}{t}");
    }
    if let Some((head, rest)) = find("Master table \"") {
        let rest = format!("\"{rest}");
        let Some((pair, _)) = split_pair(&rest) else {
            return line.to_string();
        };
        let t = match lang {
            "de" => format!("Mastertabelle {pair} erfolgreich geladen/entladen"),
            "fr" => format!(
                "Table ma\u{ee}tre {pair} charg\u{e9}e/d\u{e9}charg\u{e9}e avec succ\u{e8}s"
            ),
            "es" => format!("La tabla maestra {pair} se ha cargado/descargado correctamente"),
            "it" => {
                format!("La tabella master {pair} \u{e8} stata caricata/scaricata correttamente")
            }
            "pt" => format!("Tabela mestre {pair} carregada/descarregada com sucesso"),
            "ja" => format!("マスター表{pair}は正常にロード/アンロードされました"),
            "ko" => format!("마스터 테이블 {pair}이(가) 성공적으로 로드/언로드됨"),
            "zhs" => format!("已成功加载/卸载了主表 {pair}"),
            "zht" => format!("已順利載入/卸載主要表格 {pair}"),
            _ => format!("Главная таблица {pair} успешно загружена/выгружена"),
        };
        return format!("{head}{t}");
    }
    if let Some((head, rest)) = find("Dump file set for ") {
        let job = rest.strip_suffix(" is:").unwrap_or(rest);
        let t = match lang {
            "de" => format!("F\u{fc}r {job} festgelegte Dumpdatei ist:"),
            "fr" => format!("L'ensemble de fichiers de vidage de {job} est :"),
            "es" => format!("El juego de archivos de volcado para {job} es:"),
            "it" => format!("Il set di file di dump per {job} \u{e8}:"),
            "pt" => format!("O conjunto de arquivos de dump para {job} \u{e9}:"),
            "ja" => format!("{job}に設定されたダンプ・ファイルは次のとおりです:"),
            "ko" => format!("{job}에 대해 설정된 덤프 파일:"),
            "zhs" => format!("{job} 的转储文件集为:"),
            "zht" => format!("{job} 的傾印檔案集為:"),
            _ => format!("Набор файлов дампа для {job}:"),
        };
        return format!("{head}{t}");
    }
    for (verb, export) in [(". . exported ", true), (". . imported ", false)] {
        if let Some((head, rest)) = find(verb) {
            // `"S"."T"  5.5 KB  12 rows` (size optional): move the verb as the language does.
            let Some(rows_at) = rest.rfind(" rows") else {
                return line.to_string();
            };
            if rest.contains("out of") {
                return line.to_string();
            }
            let (body, tail) = (&rest[..rows_at], &rest[rows_at + 5..]);
            let (x, i) = if export {
                ("export", "import")
            } else {
                ("import", "export")
            };
            let _ = i;
            let t = match (lang, export) {
                ("de", _) => format!(". . {body} Zeilen {x}iert{tail}"),
                ("fr", _) => format!(". . {x} : {body} lignes{tail}"),
                ("es", _) => format!(". . {body} filas {x}adas{tail}"),
                ("it", true) => format!(". . esportate {body} righe{tail}"),
                ("it", false) => format!(". . importate {body} righe{tail}"),
                ("pt", _) => format!(". . {x}ou {body} linhas{tail}"),
                ("ja", true) => format!(". . {body}行がエクスポートされました{tail}"),
                ("ja", false) => format!(". . {body}行がインポートされました{tail}"),
                ("ko", true) => format!(". . {body}행이 엑스포트됨{tail}"),
                ("ko", false) => format!(". . {body}행이 임포트됨{tail}"),
                ("zhs", true) => format!(". . 导出了 {body} 行{tail}"),
                ("zhs", false) => format!(". . 导入了 {body} 行{tail}"),
                ("zht", true) => format!(". . 已匯出 {body} 列{tail}"),
                ("zht", false) => format!(". . 已匯入 {body} 列{tail}"),
                (_, true) => format!(". . экспортировано {body} строк{tail}"),
                (_, false) => format!(". . импортировано {body} строк{tail}"),
            };
            return format!("{head}{t}");
        }
    }
    if let Some((head, rest)) = find("Job \"") {
        let rest = format!("\"{rest}");
        let Some((pair, after)) = split_pair(&rest) else {
            return line.to_string();
        };
        let after = after.trim_start();
        let (kind, when) = if let Some(w) = after.strip_prefix("successfully completed") {
            ("ok".to_string(), w)
        } else if let Some(w) = after.strip_prefix("completed with ") {
            let n: String = w.chars().take_while(char::is_ascii_digit).collect();
            let w = w[n.len()..].trim_start_matches(" error(s)");
            (n, w)
        } else if let Some(w) = after.strip_prefix("stopped due to fatal error") {
            ("fatal".to_string(), w)
        } else {
            return line.to_string();
        };
        let when = when.trim().trim_start_matches("at ").to_string();
        let t = match (lang, kind.as_str()) {
            ("de", "ok") => format!("Job {pair} erfolgreich um {when} abgeschlossen"),
            ("de", "fatal") => {
                format!("Job {pair} wurde wegen schwerwiegender Fehler um {when} angehalten")
            }
            ("de", n) => format!("Job {pair} mit {n} Fehler(n) um {when} abgeschlossen"),
            ("fr", "ok") => format!("L'ex\u{e9}cution du travail {pair} a abouti \u{e0} {when}"),
            ("fr", "fatal") => format!(
                "Travail {pair} arr\u{ea}t\u{e9} en raison d'une erreur fatale \u{e0} {when}"
            ),
            ("fr", n) => format!("Travail {pair} termin\u{e9} avec {n} erreur(s) \u{e0} {when}"),
            ("es", "ok") => format!("El trabajo {pair} ha terminado correctamente en {when}"),
            ("es", "fatal") => {
                format!("El trabajo {pair} se ha parado debido a un error fatal en {when}")
            }
            ("es", n) => format!("El trabajo {pair} ha terminado con {n} error(es) en {when}"),
            ("it", "ok") => format!("Job {pair} completato correttamente alle {when}"),
            ("it", "fatal") => {
                format!("Job {pair} interrotto a causa di un errore irreversibile alle {when}")
            }
            ("it", n) => format!("Job {pair} completato con {n} errori alle {when}"),
            ("pt", "ok") => format!("O job {pair} foi conclu\u{ed}do com sucesso em {when}"),
            ("pt", "fatal") => {
                format!("O job {pair} foi interrompido devido a um erro fatal em {when}")
            }
            ("pt", n) => format!("O job {pair} foi conclu\u{ed}do com {n} erro(s) em {when}"),
            ("ja", "ok") => format!("ジョブ{pair}が正常に完了しました({when})"),
            ("ja", "fatal") => format!("ジョブ{pair}は致命的なエラーのため停止しました({when})"),
            ("ja", n) => format!("ジョブ{pair}が{n}個のエラーで完了しました({when})"),
            ("ko", "ok") => format!("{pair} 작업이 {when}에서 성공적으로 완료됨"),
            ("ko", "fatal") => format!("{pair} 작업이 {when}에서 치명적 오류로 인해 정지됨"),
            ("ko", n) => format!("{pair} 작업이 {n}개의 오류와 함께 {when}에서 완료됨"),
            ("zhs", "ok") => format!("作业 {pair} 已于 {when} 成功完成"),
            ("zhs", "fatal") => format!("作业 {pair} 因致命错误于 {when} 停止"),
            ("zhs", n) => format!("作业 {pair} 已经完成, 但是有 {n} 个错误 (于 {when} 完成)"),
            ("zht", "ok") => format!("工作 {pair} 已於 {when} 順利完成"),
            ("zht", "fatal") => format!("工作 {pair} 因嚴重錯誤於 {when} 停止"),
            ("zht", n) => format!("工作 {pair} 已完成, 但出現 {n} 個錯誤 (於 {when} 完成)"),
            (_, "ok") => format!("Задание {pair} успешно завершено в {when}"),
            (_, "fatal") => {
                format!("Задание {pair} остановлено из-за неустранимой ошибки в {when}")
            }
            (_, n) => format!("Задание {pair} завершено с {n} ошибками в {when}"),
        };
        return format!("{head}{t}");
    }
    if let Some((head, rest)) = find("Warning: ") {
        if rest.contains("data loss") {
            let t = match lang {
                "de" => "Warnung: m\u{f6}glicher Datenverlust bei Zeichensatzkonvertierungen",
                "fr" => "Avertissement : perte de donn\u{e9}es possible lors des conversions de jeu de caract\u{e8}res",
                "es" => "Advertencia: posible p\u{e9}rdida de datos en las conversiones del juego de caracteres",
                "it" => "Avvertenza: possibile perdita di dati nelle conversioni del set di caratteri",
                "pt" => "Advert\u{ea}ncia: poss\u{ed}vel perda de dados nas convers\u{f5}es do conjunto de caracteres",
                "ja" => "警告: キャラクタ・セット変換でデータ損失が発生する可能性があります",
                "ko" => "경고: 문자 집합 변환에서 데이터 손실이 발생할 수 있음",
                "zhs" => "警告: 字符集转换过程中可能会丢失数据",
                "zht" => "警告: 字元集轉換可能會遺失資料",
                _ => "Предупреждение: при преобразовании кодировки возможна потеря данных",
            };
            return format!("{head}{t}");
        }
    }
    line.to_string()
}

const LANGS: &[&str] = &["de", "fr", "es", "it", "pt", "ja", "ko", "zhs", "zht", "ru"];

#[test]
fn a_shared_log_keeps_its_reading_under_every_paste_and_every_language() {
    let logs = shared_logs();
    if logs.is_empty() {
        eprintln!("skipped: the shared corpus is absent");
        return;
    }
    let mut wrong = Vec::new();
    for (name, bytes) in logs {
        let want = key(bytes);
        let lines = text_lines(bytes);
        for how in PASTES {
            let got = key(paste(&lines, *how).join("\n").as_bytes());
            if got != want {
                wrong.push(format!("{name} pasted {how:?}: {got:?}, want {want:?}"));
            }
        }
        for lang in LANGS {
            let got = key(translate(&lines, lang).join("\n").as_bytes());
            if got != want {
                wrong.push(format!("{name} in {lang}: {got:?}, want {want:?}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} cases changed:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, max_shrink_iters: 20, ..ProptestConfig::default() })]

    #[test]
    fn pastes_and_translations_combined_keep_the_reading(
        pick in any::<prop::sample::Index>(),
        lang in proptest::option::of(0..LANGS.len()),
        hows in proptest::collection::vec(0..PASTES.len(), 1..4),
    ) {
        let logs = shared_logs();
        if logs.is_empty() {
            return Ok(());
        }
        let (name, bytes) = &logs[pick.index(logs.len())];
        let want = key(bytes);
        let mut lines = text_lines(bytes);
        if let Some(l) = lang {
            lines = translate(&lines, LANGS[l]);
        }
        // RMAN's prompt is written first, by the tool; then the console wraps; then markup,
        // typography and prefixes come with the paste (as a blog would show a pasted script);
        // a fence goes around everything.
        let mut order: Vec<Paste> = hows.iter().map(|i| PASTES[*i]).collect();
        order.sort_by_key(|p| match p {
            Paste::Rman => 0,
            Paste::Wrap80 => 1,
            Paste::Fence => 3,
            _ => 2,
        });
        let mut seen = Vec::new();
        order.retain(|p| if seen.contains(p) { false } else { seen.push(*p); true });
        for how in &order {
            lines = paste(&lines, *how);
        }
        let got = key(lines.join("\n").as_bytes());
        prop_assert_eq!(got, want, "{} via {:?} in {:?}", name, order, lang.map(|l| LANGS[l]));
    }
}

#[test]
fn the_translations_really_translate() {
    let logs = shared_logs();
    let Some((_, bytes)) = logs.iter().find(|(n, _)| n.starts_with("021-")) else {
        crate::fixtures::missing_fixture("the shared log 021-* is absent");
        return;
    };
    let lines = text_lines(bytes);
    for lang in LANGS {
        let t = translate(&lines, lang).join("\n");
        assert!(!t.contains("Processing object type"), "{lang}");
        assert!(!t.contains("completed with"), "{lang}: {t}");
        assert!(!t.contains("Starting \""), "{lang}");
        let r = parse_bytes(t.as_bytes(), &Policy::default());
        assert_eq!(r.outcome.as_str(), "completed_with_errors", "{lang}: {t}");
        assert_eq!(r.reported_errors, Some(1), "{lang}");
        assert!(r.job.is_some(), "{lang}");
    }
    let pasted = paste(&lines, Paste::HtmlEscape).join("\n");
    assert!(pasted.contains("&quot;"));
    let r = parse_bytes(pasted.as_bytes(), &Policy::default());
    assert!(r
        .normalisations
        .contains(&super::normalise::Fix::HtmlEscape));
}
