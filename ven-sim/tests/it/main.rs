//! ven-sim against the real server in-process, in one test binary (each
//! file under `tests/` would link the whole server again).

mod common;
mod poll;
mod push;
