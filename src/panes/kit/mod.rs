//! What every pane is built from: fetched data with its age and error (`Loadable`), a
//! list's cursor and filter, the refresh schedule, the context a pane is handed, what it
//! answers (`Reply`, `Request`), its help lines, and the pane interface itself.

pub mod bindings;
pub mod count;
pub mod ctx;
pub mod list;
pub mod loadable;
pub mod pane_state;
pub mod reply;
pub mod row_window;
pub mod schedule;

pub use bindings::{Binding, BindingGroup, b};
pub use count::count;
pub use ctx::PaneCtx;
pub use list::ListState;
pub use loadable::{Loadable, format_age};
pub use pane_state::PaneState;
pub use reply::{Reply, Request, Write};
pub use schedule::Schedule;
