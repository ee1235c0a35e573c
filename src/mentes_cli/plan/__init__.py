"""Planning coaching and support days (SPEC 5)."""
