//! Running Oracle's tools safely: secrets kept off argv, stdin a pipe bizscript owns, the child in
//! its own process group, output streamed, cancellation honoured.

pub mod capture;
pub mod datapump_client;
pub mod private_parfile;
#[cfg(windows)]
pub mod windows_acl;
