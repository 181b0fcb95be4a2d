//! Small reusable widgets.

pub mod source_block;
