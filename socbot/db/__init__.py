"""The store: tables, engines and migrations."""

HEAD = "0001"  # the newest alembic revision; a test keeps it in step with migrations/versions
