//! Small reusable widgets.

pub mod centered;
pub mod metric_chart;
pub mod source_block;
pub mod table;
