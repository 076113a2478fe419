# gunicorn settings for trytond.application:app.
# Threaded workers: trytond's failed-login throttling sleeps inside the
# request, so one blocked thread must not stall a whole worker.
import multiprocessing
import os

bind = os.environ.get('KZ_BIND', '0.0.0.0:8000')
workers = int(os.environ.get('KZ_WORKERS', multiprocessing.cpu_count()))
worker_class = 'gthread'
threads = int(os.environ.get('KZ_THREADS', 8))
timeout = 120
graceful_timeout = 30
keepalive = 5
limit_request_line = 8190
max_requests = 2000
max_requests_jitter = 200
accesslog = '-'
