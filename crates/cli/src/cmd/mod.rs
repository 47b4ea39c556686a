pub mod analyze;
pub mod extract;
pub mod input;
