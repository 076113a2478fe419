# Production image of the KZ Investment Platform: trytond with every addon,
# the sao web client, served by gunicorn (threaded workers, python -O).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONOPTIMIZE=1 \
    TRYTOND_CONFIG=/etc/trytond/trytond.conf \
    TRYTOND_LOGGING_CONFIG=/etc/trytond/logging.conf

# LibreOffice headless converts the documents to PDF (trytond's [report]
# convert_command); DejaVu gives it Cyrillic and Kazakh glyphs
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm postgresql-client \
        libreoffice-writer-nogui libreoffice-calc-nogui fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/kz
COPY package.json package-lock.json ./
COPY sao ./sao
COPY scripts/sao_www.sh ./scripts/sao_www.sh
RUN npm ci --no-audit --no-fund --omit=dev \
    && sh scripts/sao_www.sh /opt/kz/node_modules /opt/kz/sao /opt/kz/www

COPY requirements.txt ./
COPY addons ./addons
RUN pip install --no-cache-dir -r requirements.txt \
    && pip install --no-cache-dir ./addons/*/

COPY config/trytond-docker.conf /etc/trytond/trytond.conf
COPY config/logging.conf /etc/trytond/logging.conf
COPY config/forbidden-passwords.txt /etc/trytond/forbidden-passwords.txt
COPY config/gunicorn.conf.py /etc/trytond/gunicorn.conf.py
COPY scripts ./scripts
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh

RUN useradd --system --home /var/lib/trytond trytond \
    && mkdir -p /var/lib/trytond \
    && chown trytond /var/lib/trytond
USER trytond
VOLUME /var/lib/trytond
EXPOSE 8000
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["web"]
