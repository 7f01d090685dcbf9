pub mod stories;
