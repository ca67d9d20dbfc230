"""The store: tables, engines and migrations."""

HEAD = "0002"  # the newest alembic revision; a test keeps it in step with migrations/versions
