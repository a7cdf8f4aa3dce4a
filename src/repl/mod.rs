//! `bizscript repl`: an Oracle-aware console.
