#!/bin/sh
# web: gunicorn serving trytond.application:app; cron: trytond-cron;
# worker: trytond-worker running the ir.queue tasks;
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
        # The administrator's password: the file named by TRYTONPASSFILE
        if [ "${KZ_DEMO:-0}" = 1 ]; then demo=--demo; else demo=; fi
        exec python /opt/kz/scripts/setup_database.py \
            --config "$TRYTOND_CONFIG" --database "$DB" \
            --email "${KZ_ADMIN_EMAIL:-admin@localhost}" \
            --log /tmp/setup-"$DB".log $demo
        ;;
    *)
        exec "$@"
        ;;
esac
