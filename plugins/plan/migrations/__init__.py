"""The plan plugin's alembic branch (label ``plan``), starting from the core's 0002."""
