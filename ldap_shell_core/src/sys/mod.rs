//! The libc calls the core needs (getpwnam_r, geteuid): the core's only `unsafe`.

pub mod nss;
pub mod process;
