#!/bin/sh
# web: gunicorn serving trytond.application:app; cron: trytond-cron;
# worker: trytond-worker, the queued tasks (Annex 4 imports);
# admin: create or upgrade the database with every addon (and demo data
# when KZ_DEMO=1).
set -e
DB=${TRYTOND_DATABASE_NAMES:-kz}
case "$1" in
    web)
        exec gunicorn --config /etc/trytond/gunicorn.conf.py trytond.application:app
        ;;
    cron)
        exec trytond-cron -c "$TRYTOND_CONFIG" -d "$DB" --logconf "$TRYTOND_LOGGING_CONFIG"
        ;;
    worker)
        exec trytond-worker -c "$TRYTOND_CONFIG" -d "$DB" -n "${KZ_WORKERS:-1}" \
            --logconf "$TRYTOND_LOGGING_CONFIG"
        ;;
    admin)
        if ! psql "$KZ_PG_DSN" -Atqc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1; then
            createdb --maintenance-db="$KZ_PG_DSN" "$DB"
            trytond-admin -c "$TRYTOND_CONFIG" -d "$DB" --all --email "${KZ_ADMIN_EMAIL:-admin@localhost}"
        fi
        modules=$(ls /opt/kz/addons)
        trytond-admin -c "$TRYTOND_CONFIG" -d "$DB" -u $modules --activate-dependencies -l ru kk
        if [ "${KZ_DEMO:-0}" = 1 ]; then
            python /opt/kz/scripts/demo_data.py --config "$TRYTOND_CONFIG" --database "$DB"
        fi
        ;;
    *)
        exec "$@"
        ;;
esac
