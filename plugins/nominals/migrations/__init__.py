"""The nominals plugin's alembic branch: later changes to its tables are revisions here."""
