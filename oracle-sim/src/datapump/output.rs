//! Where a Data Pump client's lines go: the console (stdout, as the real client echoes every
//! job line) and the log file in the directory object's folder, with the LOGTIME and METRICS
//! decorations of 19c.

use crate::clock;
use std::fs::File;
use std::io::Write;

/// The LOGTIME setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogTime {
    None,
    Status,
    Logfile,
    All,
}

impl LogTime {
    pub fn parse(v: Option<&str>) -> LogTime {
        match v {
            Some("STATUS") => LogTime::Status,
            Some("LOGFILE") => LogTime::Logfile,
            Some("ALL") => LogTime::All,
            _ => LogTime::None,
        }
    }
}

/// The console and the log file of one client run.
pub struct JobOutput {
    log: Option<File>,
    /// Lines written before the log file was opened (the banner), copied into it on open.
    pending_header: Vec<String>,
    pub logtime: LogTime,
    pub metrics: bool,
    /// False while the client is in interactive-command mode or detached: lines still reach
    /// the log file, not the screen.
    pub console: bool,
}

impl JobOutput {
    pub fn new() -> Self {
        Self {
            log: None,
            pending_header: Vec::new(),
            logtime: LogTime::None,
            metrics: false,
            console: true,
        }
    }

    /// Prints on the console only (prompts, banner before the job, client errors).
    pub fn say(&mut self, text: &str) {
        if self.console {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{text}");
            let _ = out.flush();
        }
    }

    /// A banner or `Connected to:` line: console, and remembered for the log file's header.
    pub fn header(&mut self, text: &str) {
        self.say(text);
        self.pending_header.push(text.to_string());
    }

    /// Opens (truncating, as Data Pump does) the log file and writes its `;;;` header.
    pub fn open_log(
        &mut self,
        path: &std::path::Path,
        parfile_lines: &[String],
    ) -> std::io::Result<()> {
        let mut f = File::create(path)?;
        let mut text = String::from(";;; \n");
        let (banner, rest): (Vec<_>, Vec<_>) = {
            let split = self
                .pending_header
                .iter()
                .position(|l| l.starts_with("Connected to:"))
                .unwrap_or(self.pending_header.len());
            (
                self.pending_header[..split].to_vec(),
                self.pending_header[split..].to_vec(),
            )
        };
        for l in banner.iter().skip_while(|l| l.is_empty()) {
            text.push_str(l);
            text.push('\n');
        }
        text.push_str(";;; \n");
        for l in rest {
            text.push_str(&l);
            text.push('\n');
        }
        if !parfile_lines.is_empty() {
            let stars = format!(";;; {}\n", "*".repeat(74));
            text.push_str(&stars);
            text.push_str(";;; Parfile values:\n");
            for l in parfile_lines {
                text.push_str(&format!(";;;  parfile:  {l}\n"));
            }
            text.push_str(&stars);
        }
        f.write_all(text.as_bytes())?;
        self.log = Some(f);
        Ok(())
    }

    /// Reopens an existing log file for appending (ATTACH: the job goes on writing to it).
    pub fn append_log(&mut self, path: &std::path::Path) -> std::io::Result<()> {
        self.log = Some(
            std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(path)?,
        );
        Ok(())
    }

    /// A job line. `worker` is the W-n prefix METRICS adds to worker lines.
    pub fn line(&mut self, text: &str, worker: Option<u8>) {
        let body = match (self.metrics, worker) {
            (true, Some(w)) => format!("W-{w} {text}"),
            _ => text.to_string(),
        };
        let stamp = format!("{}: ", clock::logtime(chrono::Local::now()));
        let on_console = matches!(self.logtime, LogTime::Status | LogTime::All);
        let in_file = matches!(self.logtime, LogTime::Logfile | LogTime::All);
        if self.console {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "{}{body}",
                if on_console { stamp.as_str() } else { "" }
            );
            let _ = out.flush();
        }
        if let Some(f) = self.log.as_mut() {
            let _ = writeln!(f, "{}{body}", if in_file { stamp.as_str() } else { "" });
        }
    }
}

impl Default for JobOutput {
    fn default() -> Self {
        Self::new()
    }
}

/// The size column of a row line: 3-4 significant digits, binary units (`16.98 MB`, `7.843 KB`,
/// `0 KB`).
pub fn human_size(bytes: u64) -> (String, &'static str) {
    if bytes == 0 {
        return ("0".to_string(), "KB");
    }
    let (value, unit) = if bytes >= 1 << 30 {
        (bytes as f64 / (1u64 << 30) as f64, "GB")
    } else if bytes >= 1 << 20 {
        (bytes as f64 / (1u64 << 20) as f64, "MB")
    } else {
        (bytes as f64 / 1024.0, "KB")
    };
    let text = if value < 10.0 {
        format!("{value:.3}")
    } else if value < 100.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.1}")
    };
    (text, unit)
}

/// `. . exported "BIZAGI"."WFCASE"                      409.3 KB    3187 rows`
pub fn row_line(
    verb: &str,
    owner: &str,
    table: &str,
    bytes: u64,
    rows: u64,
    metrics: bool,
) -> String {
    let (size, unit) = human_size(bytes);
    let name = format!("\"{owner}\".\"{table}\"");
    let mut line = format!(". . {verb} {name:<39}{size:>10} {unit} {rows:>7} rows");
    if metrics {
        line.push_str(" in 0 seconds using direct_path");
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_line_matches_the_real_column_layout() {
        // Same columns as a real 19c log line.
        let l = row_line("exported", "F1", "F1_LAPTIMES", 17_804_820, 571_047, false);
        assert_eq!(
            l,
            ". . exported \"F1\".\"F1_LAPTIMES\"                          16.98 MB  571047 rows"
        );
        assert_eq!(human_size(8031), ("7.843".to_string(), "KB"));
        assert_eq!(human_size(0), ("0".to_string(), "KB"));
    }
}
