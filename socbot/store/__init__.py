"""The store: tables, engines and migrations."""

# The core's newest alembic revision (a test keeps it in step with migrations/versions). A store
# is current when it holds the head of the core and of every plugin's branch
# (``socbot.app.schema_current``); a new plugin's branch starts from this revision.
HEAD = "0007_assignment_role"
