//! Running Oracle's tools safely: secrets kept off argv, stdin a pipe bizscript owns, the child in
//! its own process group, output streamed, cancellation honoured.

pub mod capture;
