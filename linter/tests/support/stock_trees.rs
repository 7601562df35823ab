//! The stock distribution trees of testdata/stock-trees that pamlint lints
//! (FreeBSD's is OpenPAM: refused), shared by stock_trees.rs and
//! stock_trees_libpam.rs.

pub const LINUX_TREES: &[&str] = &[
    "alpine-linux-pam",
    "arch-pambase",
    "authselect-local",
    "authselect-sssd",
    "authselect-sssd-hardened",
    "debian12",
    "debian12-allprofiles",
    "debian12-more",
    "void-pam-base",
];
