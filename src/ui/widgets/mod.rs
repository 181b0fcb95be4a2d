//! Small reusable widgets.

pub mod centered;
pub mod metric_chart;
pub mod safe_text;
pub mod source_block;
pub mod table;
