#!/bin/sh
# Assemble the web root served by trytond ([web] root): the sao package
# from npm plus our customisation (sao/: title, logo, styles, and the
# Russian and Kazakh catalogues of sao's own strings, which npm's sao
# ships empty or not at all).
#
#   sao_www.sh NODE_MODULES SAO_CUSTOM WWW
set -eu
node_modules=$1
custom=$2
www=$3
mkdir -p "$www"
for entry in "$node_modules"/tryton-sao/*; do
    name=$(basename "$entry")
    [ "$name" = locale ] && continue
    ln -sfn "$entry" "$www/$name"
done
ln -sfn "$node_modules" "$www/node_modules"
# locale/ is a directory of links: sao's catalogues, ours taking precedence
[ -L "$www/locale" ] && rm "$www/locale"
mkdir -p "$www/locale"
for entry in "$node_modules"/tryton-sao/locale/*.json "$custom"/locale/*.json; do
    [ -e "$entry" ] && ln -sfn "$entry" "$www/locale/$(basename "$entry")"
done
for name in custom.js custom.css kz; do
    ln -sfn "$custom/$name" "$www/$name"
done
