//! napi-rs glue (filled in by the Node binding work).
