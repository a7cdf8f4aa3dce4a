//! Dump-file bytes that compress like a real Data Pump dump.
//!
//! Same idea as `shared/bench/gen_dump_like.py` (written anew here): a header block with the
//! job's identity and zero padding, XML metadata per table, table rows in a stream-like binary
//! form (Oracle NUMBER and DATE encodings, words, GUIDs, NULL markers), a few percent of
//! incompressible "LOB" bytes, and a very repetitive master table at the end. Deterministic: the
//! same job always writes the same bytes. The first line of the header carries a small manifest
//! (`oracle-sim-manifest:{json}`) that the simulated impdp reads back.

use serde::{Deserialize, Serialize};
use std::io::Write;

/// What a dump file set contains (what impdp needs to know about it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub job_owner: String,
    pub job_name: String,
    pub mode: String,
    pub charset: String,
    pub ncharset: String,
    pub version: String,
    pub schemas: Vec<String>,
    /// (owner, table, rows, bytes)
    pub tables: Vec<(String, String, u64, u64)>,
    /// How many files the set has.
    pub files: usize,
    /// With CHECKSUM=YES: the digest of the set's bytes after the header line (see [`body`]).
    #[serde(default)]
    pub checksum: Option<String>,
}

/// The first line of a dump set: the manifest.
pub fn header_line(manifest: &Manifest) -> Vec<u8> {
    format!(
        "{MAGIC}{}\n",
        serde_json::to_string(manifest).unwrap_or_default()
    )
    .into_bytes()
}

/// The bytes of a dump set after its header line (what the checksum covers).
pub fn body(content: &[u8]) -> &[u8] {
    match content.iter().position(|&b| b == b'\n') {
        Some(nl) => &content[nl + 1..],
        None => &[],
    }
}

/// The checksum of a dump set's body: FNV-1a 64 in hex (**choice**: Oracle's default is
/// SHA256; any digest that changes with a flipped byte serves the simulation).
pub fn digest(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Checks a dump set's checksum: `Ok(true)` when it matches, `Ok(false)` when the set carries
/// none, `Err(file)` naming the first file of the set that does not match (the whole set is
/// read in order; the simulator cannot tell which file holds the damage, so it names the last
/// file read).
pub fn verify(
    manifest: &Manifest,
    paths: &[std::path::PathBuf],
    shown: &[String],
) -> Result<bool, String> {
    let Some(expected) = &manifest.checksum else {
        return Ok(false);
    };
    let mut all = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        match std::fs::read(p) {
            Ok(b) => all.extend_from_slice(&b),
            Err(_) => return Err(shown.get(i).cloned().unwrap_or_default()),
        }
    }
    if &digest(body(&all)) == expected {
        Ok(true)
    } else {
        Err(shown.last().cloned().unwrap_or_default())
    }
}

pub const MAGIC: &str = "oracle-sim-manifest:";

/// A small, fast, deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn new(seed: &str) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in seed.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        Rng(h | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const WORDS: &[&str] = &[
    "Pending",
    "Approved",
    "Rejected",
    "Request",
    "Customer",
    "Invoice",
    "Payment",
    "Review",
    "Bogota",
    "Medellin",
    "Madrid",
    "Houston",
    "Claim",
    "Policy",
    "Credit",
    "Loan",
    "Account",
    "Analyst",
    "Manager",
    "Supervisor",
    "Closed",
    "Open",
    "Escalated",
    "Document",
    "Attachment",
    "Onboarding",
    "Purchase",
    "Order",
    "Vendor",
    "Contract",
    "Expense",
    "Travel",
    "Helpdesk",
];

fn ora_number(n: u64, out: &mut Vec<u8>) {
    if n == 0 {
        out.push(0x80);
        return;
    }
    let mut digits = Vec::new();
    let mut x = n;
    while x > 0 {
        digits.push((x % 100) as u8);
        x /= 100;
    }
    digits.reverse();
    out.push(0xC0 + digits.len() as u8);
    out.extend(digits.iter().map(|d| d + 1));
}

/// The bytes of one table: its XML metadata and `bytes` of row data.
fn table_bytes(owner: &str, table: &str, rows: u64, bytes: u64, out: &mut Vec<u8>) {
    let mut rng = Rng::new(&format!("{owner}.{table}"));
    let meta = format!(
        "<?xml version=\"1.0\"?><ROWSET><ROW><TABLE_T><VERS_MAJOR>1</VERS_MAJOR><VERS_MINOR>3 </VERS_MINOR>\
<OBJ_NUM>{}</OBJ_NUM><SCHEMA_OBJ><OBJ_NUM>{}</OBJ_NUM><OWNER_NAME>{owner}</OWNER_NAME><NAME>{table}</NAME>\
<NAMESPACE>1</NAMESPACE><TYPE_NUM>2</TYPE_NUM><TYPE_NAME>TABLE</TYPE_NAME><CTIME>2024-03-11 09:14:02</CTIME>\
<FLAGS>0</FLAGS></SCHEMA_OBJ><STORAGE><FILE_NUM>4</FILE_NUM><BLOCK_NUM>{}</BLOCK_NUM><TYPE_NUM>5</TYPE_NUM>\
<INITIAL_STG>65536</INITIAL_STG><NEXT_STG>1048576</NEXT_STG><MINEXTS>1</MINEXTS><MAXEXTS>2147483645</MAXEXTS>\
</STORAGE><COL_LIST><COL_LIST_ITEM><NAME>ID{table}</NAME><TYPE_NUM>2</TYPE_NUM><LENGTH>22</LENGTH></COL_LIST_ITEM>\
<COL_LIST_ITEM><NAME>DESCRIPTION</NAME><TYPE_NUM>1</TYPE_NUM><LENGTH>400</LENGTH><CHARSETID>873</CHARSETID>\
</COL_LIST_ITEM></COL_LIST></TABLE_T></ROW></ROWSET>\n",
        70000 + rng.below(9000),
        70000 + rng.below(9000),
        rng.below(100000)
    );
    out.extend_from_slice(meta.as_bytes());
    let start = out.len() as u64;
    let target = start + bytes;
    let mut id: u64 = 1000 + rng.below(1000);
    let _ = rows;
    while (out.len() as u64) < target {
        if rng.below(1000) < 1 {
            // A LOB chunk: already-compressed content.
            let n = 256 + rng.below(1024) as usize;
            for _ in 0..n {
                out.push(rng.next() as u8);
            }
            continue;
        }
        out.push(0x3c);
        out.push(0x00);
        out.push(6);
        id += 1 + rng.below(3);
        let mut row = Vec::with_capacity(96);
        ora_number(id, &mut row);
        // Dates cluster: rows created on the same days.
        let d = [
            120u8,
            124 + (id / 2000 % 3) as u8,
            1 + (id / 170 % 12) as u8,
            1 + (id / 7 % 28) as u8,
            9 + rng.below(9) as u8,
            1,
            1,
        ];
        row.push(7);
        row.extend_from_slice(&d);
        for _ in 0..(1 + rng.below(3)) {
            // Skewed: a few values dominate, as in real columns.
            let w = WORDS[rng
                .below(WORDS.len() as u64)
                .min(rng.below(WORDS.len() as u64)) as usize];
            row.push(w.len() as u8);
            row.extend_from_slice(w.as_bytes());
        }
        if rng.below(24) != 0 {
            row.push(0xff); // NULL
        } else {
            row.push(16);
            for _ in 0..16 {
                row.push(rng.next() as u8);
            }
        }
        // A status flag and a CHAR(32) code column, blank-padded as CHAR columns are.
        row.extend_from_slice(if rng.below(5) == 0 {
            b"\x01N"
        } else {
            b"\x01Y"
        });
        let code = format!("{:<32}", WORDS[(id % 7) as usize].to_uppercase());
        row.push(32);
        row.extend_from_slice(code.as_bytes());
        // Amounts: round figures, as business data mostly is.
        ora_number(rng.below(400) * 250, &mut row);
        out.push(row.len() as u8);
        out.extend_from_slice(&row);
    }
    out.truncate(target as usize);
}

/// Builds the whole dump content of a job.
pub fn content(manifest: &Manifest) -> Vec<u8> {
    let mut out = Vec::new();
    let header = format!(
        "{MAGIC}{}\n\"{}\".\"{}\"\nx86_64/Linux 2.4.xx\n{}\n{}\n{}\nEXPORT:V19.00.00\n",
        serde_json::to_string(manifest).unwrap_or_default(),
        manifest.job_owner,
        manifest.job_name,
        manifest.charset,
        manifest.ncharset,
        manifest.version
    );
    out.extend_from_slice(header.as_bytes());
    out.resize(out.len().max(20 * 1024), 0);
    for (owner, table, rows, bytes) in &manifest.tables {
        table_bytes(owner, table, *rows, *bytes, &mut out);
    }
    // The master table: thousands of near-identical rows.
    for i in 0..1500u32 {
        let row = format!(
            "<MT>{}|{}|SCHEMA_EXPORT/TABLE/TABLE_DATA|{}|BIZAGI|COMPLETED|0|0|{}</MT>",
            manifest.job_owner,
            manifest.job_name,
            i,
            i % 7
        );
        out.extend_from_slice(row.as_bytes());
    }
    out
}

/// Writes `content` over `paths`: each file gets at most `filesize` bytes (the last one the
/// rest). Returns how many bytes were written. Written to a temporary name and renamed, so a
/// reader never mistakes a half-written file for a finished one.
pub fn write_set(
    paths: &[std::path::PathBuf],
    content: &[u8],
    filesize: Option<u64>,
    limit: Option<usize>,
) -> std::io::Result<usize> {
    let per_file = match filesize {
        Some(n) if n > 0 => n as usize,
        _ => content.len().div_ceil(paths.len().max(1)).max(1),
    };
    let content = match limit {
        Some(l) => &content[..l.min(content.len())],
        None => content,
    };
    let mut written = 0;
    for (i, path) in paths.iter().enumerate() {
        let start = (i * per_file).min(content.len());
        let end = if i + 1 == paths.len() {
            content.len()
        } else {
            ((i + 1) * per_file).min(content.len())
        };
        let tmp = path.with_extension("oracle-sim-tmp");
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&content[start..end])?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        written += end - start;
    }
    Ok(written)
}

/// Reads the manifest from the first file of a dump set.
pub fn read_manifest(path: &std::path::Path) -> Option<Manifest> {
    use std::io::Read;
    let mut buf = vec![0u8; 16 * 1024];
    let n = std::fs::File::open(path).ok()?.read(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf[..n]);
    let line = text.lines().next()?;
    serde_json::from_str(line.strip_prefix(MAGIC)?).ok()
}
