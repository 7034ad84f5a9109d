"""Pure functions from canonical frames to tidy frames: no I/O, no plotting, no global state."""
