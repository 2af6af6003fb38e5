//! The application layer: the command line (`cli`), resolving it and the policy file into the
//! library's configuration (`config`), running a command and writing its reports (`run`), and
//! the exit status a CI job acts on (`exit`). The commands that are not the pipeline live here
//! too: `generate` (writing a provisioning URL and its code) and `pasted` (the warnings about
//! texts pasted into `check`). Nothing below `app` depends on it.

pub mod cli;
pub mod config;
pub mod exit;
pub mod generate;
pub mod pasted;
pub mod run;
