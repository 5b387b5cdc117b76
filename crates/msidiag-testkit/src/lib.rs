//! Test support for msidiag, shared by the integration tests, the criterion benches and the
//! benchmark input generator (`examples/gen_bench_inputs.rs`) as an ordinary dev-dependency:
//! writers of EVTX, PML and verbose MSI log files made from the format descriptions, the
//! translator of English MSI logs into other UI languages (`localize.rs`), a
//! cross-source case built with them, and the runner of `msidiag analyze … --json -`.
//!
//! It must not be used by the product (it is never a normal dependency of `msidiag`), and it
//! must not hold tests itself.

pub mod cross_source;
pub mod evtx_writer;
pub mod localize;
pub mod msilog_writer;
pub mod pml_writer;
pub mod run;
