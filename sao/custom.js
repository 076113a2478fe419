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

    // Workflow buttons say what they did and what comes next
    // (kz_base/feedback.py): a button that created nothing answers a
    // message, which sao would take for a client action and ignore; one
    // that created records opens them with the message (kz_message).
    var CLIENT_ACTIONS = ['new', 'delete', 'remove', 'copy', 'next',
        'previous', 'close', 'reload', 'reload menu', 'reload context'];
    var feedback = function(windows, message) {
        for (const window_ of windows) {
            if (window_.info_bar) {
                window_.info_bar.refresh('kz-feedback');
                window_.info_bar.add(message, 'info', 'kz-feedback');
            }
        }
    };
    var client_action = Sao.Screen.prototype.client_action;
    Sao.Screen.prototype.client_action = function(action) {
        if (typeof action == 'string' && !action.startsWith('switch')
                && (CLIENT_ACTIONS.indexOf(action) < 0)) {
            feedback(this.windows, action);
            return jQuery.when();
        }
        return client_action.apply(this, arguments);
    };
    var exec_action = Sao.Action.exec_action;
    Sao.Action.exec_action = function(action, data, context) {
        var prm = exec_action.apply(this, arguments);
        if (action && action.kz_message) {
            prm = jQuery.when(prm).then(function(result) {
                var tab = Sao.Tab.tabs.get_current();
                if (!tab || !tab.info_bar) {
                    return result;
                }
                feedback([tab], action.kz_message);
                // The tab clears its bar when its record arrives
                var record_changed = tab.record_changed;
                tab.record_changed = function() {
                    record_changed.apply(this, arguments);
                    tab.record_changed = record_changed;
                    feedback([tab], action.kz_message);
                };
                return result;
            });
        }
        return prm;
    };

    // A report about the list runs without a ticked row: every list has
    // one of its listed records in its print menu (kz_base ir.py, the
    // rating's Excel), so the menu is enabled once the list has rows
    var record_message = Sao.Tab.Form.prototype.record_message;
    Sao.Tab.Form.prototype.record_message = function(
            position, size, max_size, record_id) {
        record_message.apply(this, arguments);
        var view = this.screen.current_view;
        var print = this.buttons.print;
        if (view && (view.view_type == 'tree') && size && print
                && (print._can_be_sensitive !== false)) {
            print.prop('disabled', false);
            if (this.menu_buttons.print) {
                this.menu_buttons.print.removeClass('disabled');
            }
        }
    };
}());
