//! Logs translated by NLS_LANG (docs/oracle.md §4.3): the words of each language, and the
//! structure that survives translation.
//!
//! Oracle translates every structural line into the session's language, and the verb moves
//! (German puts it last, Japanese glues it to the name). What survives is structure: message
//! codes, the quoted `"OWNER"."JOB"` pair (the same on the `Starting`, `Master table` and final
//! lines), `elapsed d HH:MI:SS`, `. .` row lines with their numbers, object paths in upper-case
//! English (`SCHEMA_EXPORT/TABLE/TABLE_DATA`), dump file paths. The parser finds lines by that
//! structure ([`pair`], [`object_path`]); the words below only say *how* the job ended. A final
//! line whose words are in no row of the table is recognised all the same, and its verdict is
//! `review` ("final line in a language bizscript does not read"), never `ok` and never
//! `failed: incomplete`.
//!
//! Matching is on fragments that survive the commonest mis-decoding (a Windows console showing
//! a Latin-1 log in code page 850 turns `terminé` into `terminÚ`): ASCII fragments where the
//! language has them.
//!
//! Sources (each row says which words are seen in a published log and which follow Oracle's
//! message style without a published log found here; the unverified ones can only move a
//! verdict between `review` and the right one, since an unknown word reads as `review`):
//! * German: a public reStructuredText guide to Oracle Data-Pump with 19c output (library
//!   `find_string` id 533919072: `Objekttyp ... wird verarbeitet`, `Mastertabelle ... erfolgreich
//!   geladen/entladen`, `Fur C##FOO.SYS_EXPORT_SCHEMA_01 festgelegte Dumpdatei ist:`,
//!   `Job "C##FOO"."SYS_EXPORT_SCHEMA_01" erfolgreich um Di Okt 15 11:42:13 2019 elapsed 0
//!   00:00:33 abgeschlossen`, `ORA-39083: Objekttyp INDEX_STATISTICS konnte nicht erstellt
//!   werden, Fehler:`).
//! * French: public SQL notes with 11.2 expdp/impdp transcripts (library id 37551067178:
//!   `Démarrage de "SCOTT"."SYS_EXPORT_TABLE_01" : ...`, `Traitement du type d'objet ...`,
//!   `. . export : "SCOTT"."DEPT" 5.937 KB 4 lignes`, `Table maître ... chargée/déchargée avec
//!   succès`, `L'ensemble de fichiers de vidage de SCOTT.SYS_EXPORT_TABLE_01 est :`,
//!   `Travail "SCOTT"."SYS_EXPORT_TABLE_01" terminé avec 1 erreur(s) à 21:41:47`,
//!   `L'exécution du travail "SCOTT"."SYS_IMPORT_TABLE_01" a abouti à 21:52:21`,
//!   `Nom utilisateur :`, `Mot de passe :`).
//! * Spanish: public logs quoted in docs/oracle.md §4.3 (`Iniciando`, `Procesando el tipo de
//!   objeto`, `filas importadas`, `El trabajo ... ha terminado correctamente en ...`).
//! * Simplified Chinese: the shared corpus, `033-impdp-12c-schema-chinese-localized-7errors.log`
//!   (`启动`, `处理对象类型`, `导入了`, `作业 ... 已经完成, 但是有 7 个错误`).
//! * Italian, Portuguese (Brazil), Japanese, Korean, Traditional Chinese, Russian: the words of
//!   Oracle's translated message files (`kupus.msg` → `kupi.msg`, `kupja.msg`...) as recalled
//!   from Oracle's translated Utilities guides (docs.oracle.com/cd/E16338_01 for Japanese, the
//!   exit-code page `GUID-34D0DEE7` in each language); no published log was found in the
//!   library for these, so each is marked `unverified` in its row.

use super::grammar::{find, number, Ending};
use super::Tool;

/// The words of one language.
pub struct Language {
    /// The NLS_LANG language.
    pub name: &'static str,
    /// Where the words come from (see the module documentation).
    pub source: &'static str,
    /// In the final line: the job completed without errors.
    pub success: &'static [&'static str],
    /// In the final line: follows the number of errors (`1 erreur(s)`, `1個のエラー`).
    pub errors: &'static [&'static str],
    /// In the final line: stopped due to a fatal error.
    pub fatal: &'static [&'static str],
    /// In the final line: stopped (by the user).
    pub stopped: &'static [&'static str],
    /// Starts an uncoded warning line.
    pub warning: &'static [&'static str],
    /// A prompt for the user name or the password (a console transcript, not a problem).
    pub prompts: &'static [&'static str],
    /// The verbs of row lines.
    pub exported: &'static [&'static str],
    pub imported: &'static [&'static str],
    /// "data loss" in a warning line.
    pub data_loss: &'static [&'static str],
}

pub const LANGUAGES: &[Language] = &[
    Language {
        name: "GERMAN",
        source: "published 19c log (success line, object paths, master table, dump file set, ORA-39083 text); error-count, fatal, stopped, warning words unverified",
        success: &["erfolgreich"],
        errors: &["Fehler"],
        fatal: &["schwerwiegend", "schwerer Fehler"],
        stopped: &["angehalten", "gestoppt"],
        warning: &["Warnung:"],
        prompts: &["Benutzername:", "Kennwort:"],
        exported: &["exportiert"],
        imported: &["importiert"],
        data_loss: &["datenverlust"],
    },
    Language {
        name: "FRENCH",
        source: "published 11.2 transcripts (success `a abouti`, `terminé avec 1 erreur(s)`, prompts); fatal, stopped, warning words unverified",
        success: &["a abouti", "avec succ"],
        errors: &["erreur"],
        fatal: &["erreur fatale", "irr\u{e9}cup\u{e9}rable"],
        stopped: &["arr\u{ea}t", "arr\u{db}t"],
        warning: &["Avertissement :", "Avertissement:"],
        prompts: &["Nom utilisateur :", "Mot de passe :"],
        exported: &["export"],
        imported: &["import"],
        data_loss: &["perte de donn"],
    },
    Language {
        name: "SPANISH",
        source: "public logs in docs/oracle.md §4.3 (success `ha terminado correctamente`); error-count and fatal words follow Oracle's Spanish message style, unverified",
        success: &["correctamente"],
        errors: &["error"],
        fatal: &["error fatal", "grave"],
        stopped: &["parado", "detenido"],
        warning: &["Advertencia:"],
        prompts: &["Nombre de usuario:", "Contrase\u{f1}a:"],
        exported: &["exportad"],
        imported: &["importad"],
        data_loss: &["p\u{e9}rdida de datos"],
    },
    Language {
        name: "ITALIAN",
        source: "Oracle's Italian message style (`completato correttamente`, `completato con N errori`), unverified",
        success: &["completato correttamente", "correttamente"],
        errors: &["errori", "errore"],
        fatal: &["irreversibil", "errore fatale"],
        stopped: &["interrotto", "arrestato"],
        warning: &["Avvertenza:", "Avviso:"],
        prompts: &["Nome utente:", "Password:"],
        exported: &["esportat"],
        imported: &["importat"],
        data_loss: &["perdita di dati"],
    },
    Language {
        name: "BRAZILIAN PORTUGUESE",
        source: "Oracle's Brazilian Portuguese message style (`concluído com sucesso`, `concluído com N erro(s)`), unverified",
        success: &["com sucesso"],
        errors: &["erro"],
        fatal: &["erro fatal"],
        stopped: &["interrompido", "parado"],
        warning: &["Advert\u{ea}ncia:", "Aviso:"],
        prompts: &["Nome do usu\u{e1}rio:", "Senha:"],
        exported: &["exportad", "exportou"],
        imported: &["importad", "importou"],
        data_loss: &["perda de dados"],
    },
    Language {
        name: "JAPANESE",
        source: "Oracle's Japanese message style (the Japanese Utilities guide uses `正常に完了しました` for a job completed), unverified in a published log",
        success: &["\u{6b63}\u{5e38}\u{306b}\u{5b8c}\u{4e86}"],
        errors: &["\u{500b}\u{306e}\u{30a8}\u{30e9}\u{30fc}", "\u{30a8}\u{30e9}\u{30fc}"],
        fatal: &["\u{81f4}\u{547d}\u{7684}"],
        stopped: &["\u{505c}\u{6b62}"],
        warning: &["\u{8b66}\u{544a}:"],
        prompts: &["\u{30e6}\u{30fc}\u{30b6}\u{30fc}\u{540d}:", "\u{30d1}\u{30b9}\u{30ef}\u{30fc}\u{30c9}:"],
        exported: &["\u{30a8}\u{30af}\u{30b9}\u{30dd}\u{30fc}\u{30c8}"],
        imported: &["\u{30a4}\u{30f3}\u{30dd}\u{30fc}\u{30c8}"],
        data_loss: &["\u{30c7}\u{30fc}\u{30bf}\u{640d}\u{5931}", "\u{30c7}\u{30fc}\u{30bf}\u{304c}\u{5931}"],
    },
    Language {
        name: "KOREAN",
        source: "Oracle's Korean message style (`성공적으로 완료됨`, `N개의 오류`), unverified",
        success: &["\u{c131}\u{acf5}\u{c801}\u{c73c}\u{b85c} \u{c644}\u{b8cc}", "\u{c131}\u{acf5}\u{c801}\u{c73c}\u{b85c}"],
        errors: &["\u{ac1c}\u{c758} \u{c624}\u{b958}", "\u{c624}\u{b958}"],
        fatal: &["\u{CE58}\u{BA85}\u{C801}"],
        stopped: &["\u{c911}\u{c9c0}", "\u{c815}\u{c9c0}"],
        warning: &["\u{acbd}\u{ace0}:"],
        prompts: &["\u{c0ac}\u{c6a9}\u{c790} \u{c774}\u{b984}:", "\u{be44}\u{bc00}\u{bc88}\u{d638}:"],
        exported: &["\u{c5d1}\u{c2a4}\u{d3ec}\u{d2b8}", "\u{c775}\u{c2a4}\u{d3ec}\u{d2b8}"],
        imported: &["\u{c784}\u{d3ec}\u{d2b8}"],
        data_loss: &["\u{b370}\u{c774}\u{d130} \u{c190}\u{c2e4}"],
    },
    Language {
        name: "SIMPLIFIED CHINESE",
        source: "shared corpus 033 (`已经完成, 但是有 7 个错误`, `导入了`, `启动`, `处理对象类型`); success and fatal words unverified",
        success: &["\u{6210}\u{529f}\u{5b8c}\u{6210}"],
        errors: &["\u{4e2a}\u{9519}\u{8bef}"],
        fatal: &["\u{81f4}\u{547d}\u{9519}\u{8bef}"],
        stopped: &["\u{505c}\u{6b62}"],
        warning: &["\u{8b66}\u{544a}:"],
        prompts: &["\u{7528}\u{6237}\u{540d}:", "\u{53e3}\u{4ee4}:"],
        exported: &["\u{5bfc}\u{51fa}"],
        imported: &["\u{5bfc}\u{5165}"],
        data_loss: &["\u{4e22}\u{5931}"],
    },
    Language {
        name: "TRADITIONAL CHINESE",
        source: "Oracle's Traditional Chinese message style (`順利完成`, `N 個錯誤`, `匯出`/`匯入`), unverified",
        success: &["\u{9806}\u{5229}\u{5b8c}\u{6210}", "\u{6210}\u{529f}\u{5b8c}\u{6210}"],
        errors: &["\u{500b}\u{932f}\u{8aa4}"],
        fatal: &["\u{56b4}\u{91cd}\u{932f}\u{8aa4}", "\u{81f4}\u{547d}\u{932f}\u{8aa4}"],
        stopped: &["\u{505c}\u{6b62}"],
        warning: &["\u{8b66}\u{544a}:"],
        prompts: &["\u{4f7f}\u{7528}\u{8005}\u{540d}\u{7a31}:", "\u{5bc6}\u{78bc}:"],
        exported: &["\u{532f}\u{51fa}"],
        imported: &["\u{532f}\u{5165}"],
        data_loss: &["\u{907a}\u{5931}"],
    },
    Language {
        name: "RUSSIAN",
        source: "Oracle's Russian message style (`успешно завершено`, `с N ошибками`), unverified",
        success: &["\u{0443}\u{0441}\u{043f}\u{0435}\u{0448}\u{043d}\u{043e}"],
        errors: &["\u{043e}\u{0448}\u{0438}\u{0431}\u{043a}"],
        fatal: &["\u{043d}\u{0435}\u{0443}\u{0441}\u{0442}\u{0440}\u{0430}\u{043d}\u{0438}\u{043c}", "\u{0444}\u{0430}\u{0442}\u{0430}\u{043b}\u{044c}\u{043d}", "\u{043a}\u{0440}\u{0438}\u{0442}\u{0438}\u{0447}\u{0435}\u{0441}\u{043a}"],
        stopped: &["\u{043e}\u{0441}\u{0442}\u{0430}\u{043d}\u{043e}\u{0432}\u{043b}\u{0435}\u{043d}"],
        warning: &["\u{041f}\u{0440}\u{0435}\u{0434}\u{0443}\u{043f}\u{0440}\u{0435}\u{0436}\u{0434}\u{0435}\u{043d}\u{0438}\u{0435}:"],
        prompts: &["\u{0418}\u{043c}\u{044f} \u{043f}\u{043e}\u{043b}\u{044c}\u{0437}\u{043e}\u{0432}\u{0430}\u{0442}\u{0435}\u{043b}\u{044f}:", "\u{041f}\u{0430}\u{0440}\u{043e}\u{043b}\u{044c}:"],
        exported: &["\u{044d}\u{043a}\u{0441}\u{043f}\u{043e}\u{0440}\u{0442}"],
        imported: &["\u{0438}\u{043c}\u{043f}\u{043e}\u{0440}\u{0442}"],
        data_loss: &["\u{043f}\u{043e}\u{0442}\u{0435}\u{0440}"],
    },
];

/// How a translated final line ended, from the words after its `"OWNER"."JOB"`; `None` when no
/// language's words are there.
pub fn ending(rest: &[u8]) -> Option<Ending> {
    let has = |words: &[&str]| words.iter().any(|w| find_ci(rest, w.as_bytes()).is_some());
    if LANGUAGES.iter().any(|l| has(l.fatal)) {
        return Some(Ending::Fatal);
    }
    for lang in LANGUAGES {
        for word in lang.errors {
            if let Some(n) = count_before(rest, word.as_bytes()) {
                return Some(Ending::Errors(n));
            }
        }
    }
    // The word for errors without a count read: never a success (it would be a false `ok`).
    if LANGUAGES.iter().any(|l| has(l.errors)) {
        return None;
    }
    if LANGUAGES.iter().any(|l| has(l.success)) {
        return Some(Ending::Success);
    }
    if LANGUAGES.iter().any(|l| has(l.stopped)) {
        return Some(Ending::Stopped);
    }
    None
}

/// `needle` in `haystack`, ASCII case-insensitively (other bytes compare exactly).
fn find_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The number just before `word` (`1 erreur(s)`, `7 个错误`, `1個のエラー`): digits, then at
/// most a counter word or blanks, no letters of another word.
fn count_before(rest: &[u8], word: &[u8]) -> Option<u64> {
    let mut from = 0;
    while let Some(i) = find_ci(&rest[from..], word).map(|i| i + from) {
        let before = &rest[..i];
        if let Some(end) = before.iter().rposition(u8::is_ascii_digit) {
            let gap = &before[end + 1..];
            if gap.len() <= 12 && !gap.iter().any(|b| b.is_ascii_alphabetic() || *b == b':') {
                let start = before[..end]
                    .iter()
                    .rposition(|b| !b.is_ascii_digit())
                    .map_or(0, |p| p + 1);
                if let Some((n, _)) = number(&before[start..=end]) {
                    return Some(n);
                }
            }
        }
        from = i + 1;
    }
    None
}

/// The tool a translated row line's verb names.
pub fn row_tool(verb: &[u8]) -> Option<Tool> {
    LANGUAGES.iter().find_map(|lang| {
        if lang
            .imported
            .iter()
            .any(|w| find_ci(verb, w.as_bytes()).is_some())
        {
            Some(Tool::Impdp)
        } else if lang
            .exported
            .iter()
            .any(|w| find_ci(verb, w.as_bytes()).is_some())
        {
            Some(Tool::Expdp)
        } else {
            None
        }
    })
}

/// The text of an uncoded warning line in a translation (`Warnung: ...`), or `None`.
pub fn warning(text: &[u8]) -> Option<&[u8]> {
    LANGUAGES
        .iter()
        .flat_map(|l| l.warning.iter())
        .find_map(|w| {
            let w = w.as_bytes();
            (text.len() >= w.len() && text[..w.len()].eq_ignore_ascii_case(w))
                .then(|| super::grammar::skip_blanks(&text[w.len()..]))
        })
}

/// Whether the line is a user name or password prompt in any language.
pub fn is_prompt(text: &[u8]) -> bool {
    const ENGLISH: &[&str] = &["Username:", "Password:", "Enter password:"];
    ENGLISH
        .iter()
        .chain(LANGUAGES.iter().flat_map(|l| l.prompts.iter()))
        .any(|p| {
            let p = p.as_bytes();
            text.len() >= p.len() && text[..p.len()].eq_ignore_ascii_case(p)
        })
}

/// Whether an uncoded warning says data was lost, in any language.
pub fn says_data_loss(text: &[u8]) -> bool {
    LANGUAGES
        .iter()
        .flat_map(|l| l.data_loss.iter())
        .any(|w| find_ci(text, w.as_bytes()).is_some())
}

/// The first `"OWNER"."JOB"` pair in a line: owner, job, and the bytes before and after it.
pub fn pair(text: &[u8]) -> Option<Pair<'_>> {
    let mut from = 0;
    while let Some(q) = memchr::memchr(b'"', &text[from..]).map(|q| q + from) {
        let rest = &text[q + 1..];
        let end = memchr::memchr(b'"', rest)?;
        let owner = &rest[..end];
        let after = &rest[end + 1..];
        if let Some(after) = after.strip_prefix(b".\"") {
            if let Some(jend) = memchr::memchr(b'"', after) {
                let job = &after[..jend];
                if !owner.is_empty() && !job.is_empty() {
                    return Some(Pair {
                        owner,
                        job,
                        before: &text[..q],
                        after: &after[jend + 1..],
                    });
                }
            }
        }
        from = q + 1 + end + 1;
        if from >= text.len() {
            return None;
        }
    }
    None
}

/// A quoted `"OWNER"."JOB"` pair found in a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair<'a> {
    pub owner: &'a [u8],
    pub job: &'a [u8],
    pub before: &'a [u8],
    pub after: &'a [u8],
}

/// The object path in a line of any language: the upper-case English token with `_EXPORT/`
/// (`SCHEMA_EXPORT/TABLE/TABLE_DATA`), wherever the translation put it.
pub fn object_path(text: &[u8]) -> Option<&[u8]> {
    let at = find(text, b"_EXPORT/")?;
    let is_path = |b: &u8| {
        b.is_ascii_uppercase() || b.is_ascii_digit() || matches!(b, b'_' | b'/' | b'$' | b'#')
    };
    let start = text[..at]
        .iter()
        .rposition(|b| !is_path(b))
        .map_or(0, |p| p + 1);
    let end = at + text[at..].iter().take_while(|b| is_path(b)).count();
    let path = &text[start..end];
    // A path starts with a mode word (`SCHEMA`, `TABLE`, `DATABASE`...) and names something.
    (start < at && path.last() != Some(&b'/') && path.len() > 8).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_how_a_translated_job_ended() {
        let cases: &[(&str, Ending)] = &[
            (" erfolgreich um Di Okt 15 11:42:13 2019 elapsed 0 00:00:33 abgeschlossen", Ending::Success),
            (" terminé avec 1 erreur(s) à 21:41:47", Ending::Errors(1)),
            (" termin\u{da} avec 3 erreur(s) \u{d3} 21:41:47", Ending::Errors(3)),
            (" a abouti à 21:52:21", Ending::Success),
            (" ha terminado correctamente en Jue Feb 20 12:13:13 2020 elapsed 0 00:00:44", Ending::Success),
            (" 已经完成, 但是有 7 个错误 (于 星期日 4月 25 13:57:40 2021 elapsed 0 00:00:06 完成)", Ending::Errors(7)),
            ("が2個のエラーで完了しました(木 10月 15 11:42:13 2020 elapsed 0 00:00:33)", Ending::Errors(2)),
            ("が正常に完了しました(木 10月 15 11:42:13 2020 elapsed 0 00:00:33)", Ending::Success),
            (" успешно завершено в Чт Окт 15 11:42:13 2020 elapsed 0 00:00:33", Ending::Success),
            (" завершено с 4 ошибками в Чт Окт 15 11:42:13 2020 elapsed 0 00:00:33", Ending::Errors(4)),
        ];
        for (rest, want) in cases {
            assert_eq!(ending(rest.as_bytes()), Some(*want), "{rest}");
        }
        assert_eq!(ending(b" huwa kamil fi 10:00:00 elapsed 0 00:00:01"), None);
        // Errors mentioned but their count not read: not a success.
        assert_eq!(
            ending(" erfolgreich, Fehler: drei, um 10:00:00".as_bytes()),
            None
        );
    }

    #[test]
    fn finds_the_structure_that_survives_translation() {
        let p = pair("ジョブ\"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\"が正常に完了しました".as_bytes())
            .unwrap();
        assert_eq!(
            (p.owner, p.job),
            (&b"SYSTEM"[..], &b"SYS_EXPORT_SCHEMA_01"[..])
        );
        assert_eq!(
            object_path(b"Objekttyp SCHEMA_EXPORT/TABLE/TABLE_DATA wird verarbeitet"),
            Some(&b"SCHEMA_EXPORT/TABLE/TABLE_DATA"[..])
        );
        assert_eq!(
            object_path("オブジェクト型SCHEMA_EXPORT/USERの処理中です".as_bytes()),
            Some(&b"SCHEMA_EXPORT/USER"[..])
        );
        assert_eq!(
            row_tool("行がエクスポートされました".as_bytes()),
            Some(Tool::Expdp)
        );
        assert_eq!(row_tool(b" export : "), Some(Tool::Expdp));
    }
}
