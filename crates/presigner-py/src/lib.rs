//! PyO3 glue (filled in by the Python binding work).
