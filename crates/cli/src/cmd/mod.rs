pub mod extract;
pub mod input;
