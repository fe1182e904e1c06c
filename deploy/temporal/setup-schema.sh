#!/bin/sh
# Creates or upgrades Temporal's schemas (persistence and visibility) with temporal-sql-tool, from
# the schema files that ship in the temporalio/admin-tools image of the same version as the server.
# Run by the temporal-schema service of docker-compose.yml before the server starts, with the same
# database settings the server gets (DB, POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, POSTGRES_PWD,
# DBNAME, VISIBILITY_DBNAME). Safe to repeat: setup-schema leaves a versioned schema alone and
# update-schema applies only the versions a database does not have yet.
set -eu

: "${DB:?}" "${POSTGRES_SEEDS:?}" "${DB_PORT:?}" "${POSTGRES_USER:?}" "${POSTGRES_PWD:?}"
: "${DBNAME:?}" "${VISIBILITY_DBNAME:?}"

# temporal-sql-tool reads the password from the environment, which keeps it out of `ps`.
SQL_PASSWORD="$POSTGRES_PWD"
export SQL_PASSWORD
schemas=/etc/temporal/schema/postgresql/v12

sql_tool() {
  temporal-sql-tool --plugin "$DB" --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

# The databases themselves are created with their owner by the postgres service's init script.
for pair in "$DBNAME:temporal" "$VISIBILITY_DBNAME:visibility"; do
  database="${pair%%:*}"
  schema="${pair#*:}"
  echo "Temporal schema '$schema' in database '$database'"
  sql_tool --db "$database" setup-schema -v 0.0
  sql_tool --db "$database" update-schema -d "$schemas/$schema/versioned"
done
echo "Temporal schemas are up to date"
