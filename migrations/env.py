"""Alembic environment: runs on the connection that gis.storage.migrate hands over."""

from alembic import context

connection = context.config.attributes["connection"]
sqlite = connection.dialect.name == "sqlite"
# The caller's transaction covers the whole run (gis.storage.migrate); on SQLite too, so
# Alembic must not treat its DDL as outside transactions.
context.configure(connection=connection, render_as_batch=sqlite, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
