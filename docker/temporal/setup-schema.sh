#!/bin/sh
# One-shot job (temporalio/admin-tools): creates Temporal's two PostgreSQL databases and brings
# their schemas to the version of the server image. Safe to run on every `up`: creating what
# exists is skipped, and update-schema applies only the versions not yet applied — which is how
# an upgrade of the server image gets its schema changes.
set -eu

: "${SQL_HOST:?}" "${SQL_USER:?}" "${SQL_PASSWORD:?}"
SCHEMA_DIR=/etc/temporal/schema/postgresql/v12
tool() { temporal-sql-tool --plugin postgres12 --ep "$SQL_HOST" -p "${SQL_PORT:-5432}" -u "$SQL_USER" "$@"; }

for db in temporal temporal_visibility; do
  case "$db" in temporal) dir=temporal ;; *) dir=visibility ;; esac
  tool --db "$db" create-database 2>/dev/null && echo "created database $db" || echo "database $db exists"
  # Only a database without Temporal's schema_version table gets the base schema.
  tool --db "$db" setup-schema -v 0.0 2>/dev/null && echo "base schema set up in $db" || echo "schema of $db already set up"
  tool --db "$db" update-schema -d "$SCHEMA_DIR/$dir/versioned"
done
echo "Temporal schemas are up to date"
