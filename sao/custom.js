/* KZ Investment Platform: customisation of the sao web client, loaded by
   sao's index.html after sao itself (see scripts/sao_www.sh). */
(function() {
    'use strict';

    // The product's name, translated by our catalogues in locale/
    var PRODUCT = 'KZ Investment Platform';
    Sao.config.title = PRODUCT;
    Sao.config.icon_colors = ['#00869b', '#3e4950', '#d99a00'];
    Sao.config.calendar_colors = ['#fff', '#00869b'];
    Sao.config.graph_color = '#00869b';

    var set_title = Sao.set_title;
    Sao.set_title = function(name) {
        Sao.config.title = Sao.i18n.gettext(PRODUCT);
        return set_title.call(this, name);
    };
    // The user's language arrives after the title is set
    var setlang = Sao.i18n.setlang;
    Sao.i18n.setlang = function() {
        return setlang.apply(this, arguments).always(function() {
            Sao.config.title = Sao.i18n.gettext(PRODUCT);
            jQuery('#title').text(Sao.config.title);
        });
    };

    jQuery(function() {
        jQuery('link[rel=icon]').attr({
            'href': 'kz/logo.svg',
            'type': 'image/svg+xml',
        });
        jQuery('#title').text(PRODUCT);
    });

    // The login dialog shows the product's logo and name
    var login_dialog = Sao.Session.login_dialog;
    Sao.Session.login_dialog = function() {
        var dialog = login_dialog.apply(this, arguments);
        dialog.body.prepend(jQuery('<div/>', {
            'class': 'kz-login-brand',
        }).append(jQuery('<img/>', {
            'src': 'kz/logo.svg',
            'alt': '',
            'width': 48,
            'height': 48,
        })).append(jQuery('<span/>', {
            'class': 'kz-product',
        }).text(Sao.i18n.gettext(PRODUCT))));
        return dialog;
    };

    // eGov IDP sign-in (kz_egov_idp) ---------------------------------
    // trytond lists the sign-in services (register_authentication_service)
    // and sao shows one button each on its login dialog, opening the
    // service in a popup that stores the session when it comes back.  The
    // names come from the server untranslated: translate them here (sao
    // replaces its function by a cached answer after the first call, so
    // the wrapper keeps the answer itself).
    (function() {
        var fetch_services = Sao.Authentication.services;
        var services = null;
        var translated = function(list) {
            return (list || []).map(function(service) {
                return [Sao.i18n.gettext(service[0]), service[1]];
            });
        };
        var kz_services = function() {
            if (services) {
                return translated(services);
            }
            return jQuery.when(fetch_services.call(Sao.Authentication))
                .then(function(result) {
                    services = result;
                    Sao.Authentication.services = kz_services;
                    return translated(result);
                });
        };
        Sao.Authentication.services = kz_services;
    }());
    // end of eGov IDP sign-in ----------------------------------------

    // Some browsers (Debian's Chromium among them) have no Kazakh number
    // data and format "kk" as English (42,000.50). Kazakh writes numbers
    // as Russian does in Kazakhstan (42 000,50), so fall back to ru-KZ.
    var probe = (1000.5).toLocaleString('kk', {useGrouping: true});
    if (/^1,000\.5$/.test(probe)) {
        var kazakh = function(locales) {
            var first = Array.isArray(locales) ? locales[0] : locales;
            if (typeof first == 'string' && /^kk(\b|[-_])/i.test(first)) {
                return 'ru-KZ';
            }
            return locales;
        };
        var toLocaleString = Number.prototype.toLocaleString;
        Number.prototype.toLocaleString = function(locales, options) {
            return toLocaleString.call(this, kazakh(locales), options);
        };
        var NumberFormat = Intl.NumberFormat;
        var KazakhNumberFormat = function(locales, options) {
            return new NumberFormat(kazakh(locales), options);
        };
        KazakhNumberFormat.prototype = NumberFormat.prototype;
        KazakhNumberFormat.supportedLocalesOf = NumberFormat.supportedLocalesOf;
        Intl.NumberFormat = KazakhNumberFormat;
    }
}());
