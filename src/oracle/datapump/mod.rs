//! Oracle Data Pump (expdp and impdp) as plain functions, shared by export and import.
//!
//! Both clients take the same kind of parameters from the same kind of parameter file and print
//! the same kind of console lines (docs/oracle.md §1, §4), so the machinery is written once:
//! [`params`] turns a script's map into a validated parameter set from a table of parameters and
//! their kinds, [`parfile`] renders any such set as a parameter file, and [`progress`] follows a
//! job's console lines. What differs is a table and Oracle's consistency rules for it:
//! [`export`] for expdp, [`import`] for impdp.

pub mod export;
pub mod import;
pub mod params;
pub mod parfile;
pub mod progress;
