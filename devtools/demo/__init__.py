"""The demo store: seeded roster and the whole daily cycle against the local sandboxes."""
