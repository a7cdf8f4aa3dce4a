//! A job's plan: the lines it will print, the pauses between them and the events (dump written,
//! client crash), decided up front from the job description so that a job can be resumed after
//! ATTACH exactly where it stopped.

/// One step of a job.
#[derive(Debug, Clone)]
pub enum Step {
    /// A job line; `worker` is the METRICS `W-n` prefix to use.
    Line { text: String, worker: Option<u8> },
    /// A line only METRICS=YES prints.
    Metric { text: String },
    /// Wait (slow scenario).
    Pause(u64),
    /// Write the dump file set; `fraction` (n, d) writes only n/d of it (disk full).
    WriteDump { fraction: Option<(u64, u64)> },
    /// The client dies abruptly here.
    Crash,
    /// Import with SQLFILE: write the DDL file.
    WriteSqlFile,
    /// The job enters (`Some(error)`) or leaves (`None`) a resumable wait: `dba_resumable`
    /// shows it while it lasts.
    Resumable(Option<String>),
}

/// How the job ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Errors(u32),
    Fatal,
}

/// The plan of one job.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub steps: Vec<Step>,
    pub outcome: Option<Outcome>,
}

impl Plan {
    pub fn line(&mut self, text: impl Into<String>) {
        self.steps.push(Step::Line {
            text: text.into(),
            worker: None,
        });
    }
    pub fn worker(&mut self, text: impl Into<String>) {
        self.steps.push(Step::Line {
            text: text.into(),
            worker: Some(1),
        });
    }
    pub fn metric(&mut self, text: impl Into<String>) {
        self.steps.push(Step::Metric { text: text.into() });
    }
    /// `Processing object type PATH` and, with METRICS, its `Completed N TYPE objects` line.
    pub fn object_path(&mut self, path: &str, count: u32) {
        self.worker(format!("Processing object type {path}"));
        if count > 0 {
            let short = path.rsplit('/').next().unwrap_or(path);
            self.metric(format!(
                "     Completed {count} {short} objects in 0 seconds"
            ));
        }
    }
}
