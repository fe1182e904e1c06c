#!/bin/sh
# Runs once, when the postgres volume is initialised (the image runs /docker-entrypoint-initdb.d/*
# on an empty data directory only): one server, and in it a role and databases for Temporal
# (persistence and visibility) and a role and database for the engine, each role owning only its
# own. The names match docker-compose.yml; the passwords come from its environment.
#
# The image may source this script instead of running it, so it neither exits nor changes shell
# options; psql stops at the first error and the image's own `set -e` stops the initialisation.

psql --no-psqlrc --set ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  --set temporal_password="$TEMPORAL_DB_PASSWORD" \
  --set sendout_password="$SENDOUT_DB_PASSWORD" <<'SQL'
CREATE ROLE temporal LOGIN PASSWORD :'temporal_password';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;

CREATE ROLE sendout LOGIN PASSWORD :'sendout_password';
CREATE DATABASE sendout OWNER sendout;

-- Temporal's visibility schema indexes with btree_gin. Created here by the superuser, so that
-- Temporal's own role needs no right to create extensions.
\connect temporal_visibility
CREATE EXTENSION IF NOT EXISTS btree_gin;
SQL
