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

    // ---- Sign-in with an electronic digital signature (kz_eds) ----
    // The server answers the login parameter "eds" with a one-time
    // challenge (a LoginException of type "eds"); NCALayer, on the user's
    // computer, signs it with the user's key; the CMS goes back as
    // "eds_signature".  Kept apart from the other sign-in methods.
    (function() {
        // NCALayer's documented local WebSocket; localStorage
        // kz_ncalayer_url points elsewhere (tests, development)
        var NCALAYER_URL = 'wss://127.0.0.1:13579/';
        // Extended key usage of an authentication key (client auth)
        var AUTH_USAGE = '1.3.6.1.5.5.7.3.2';

        var ncalayer_url = function() {
            return localStorage.getItem('kz_ncalayer_url') || NCALAYER_URL;
        };

        // Ask NCALayer for a CMS of the data (base64), attached or
        // detached, made with a key of the extended key usage; resolve
        // with the CMS in base64
        Sao.kz_ncalayer_sign = function(data, usage, attach) {
            var dfd = jQuery.Deferred();
            var not_running = Sao.i18n.gettext(
                'NCALayer does not answer on this computer. ' +
                'Start NCALayer and try again.');
            var socket;
            try {
                socket = new WebSocket(ncalayer_url());
            } catch (e) {
                dfd.reject(not_running);
                return dfd.promise();
            }
            var finish = function(callback, value) {
                if (dfd.state() == 'pending') {
                    callback(value);
                }
                socket.close();
            };
            socket.onopen = function() {
                socket.send(JSON.stringify({
                    'module': 'kz.gov.pki.knca.basics',
                    'method': 'sign',
                    'args': {
                        'allowedStorages': null,
                        'format': 'cms',
                        'data': data,
                        'signingParams': {
                            'decode': true,
                            'encapsulate': attach,
                            'digested': false,
                            'tsaProfile': null,
                        },
                        'signerParams': {
                            'extKeyUsageOids': usage ? [usage] : [],
                        },
                        'locale': Sao.i18n.getlang().split('_')[0],
                    },
                }));
            };
            socket.onerror = function() {
                finish(dfd.reject, not_running);
            };
            socket.onclose = function() {
                finish(dfd.reject, not_running);
            };
            socket.onmessage = function(event) {
                var response;
                try {
                    response = JSON.parse(event.data);
                } catch (e) {
                    return;
                }
                if (!('status' in response)) {
                    // The greeting with NCALayer's version, a heartbeat
                    return;
                }
                if (response.status) {
                    var result = (response.body || {}).result;
                    if (Array.isArray(result)) {
                        result = result[0];
                    }
                    finish(dfd.resolve, result);
                } else if (response.code == 'USER_CANCELLED' ||
                        response.code == 'USER_CANCELED') {
                    finish(dfd.reject, null);
                } else {
                    finish(dfd.reject, Sao.i18n.gettext(
                        'NCALayer did not sign:') + ' ' +
                        (response.message || response.code || ''));
                }
            };
            return dfd.promise();
        };

        // The login flow asks the client for the "eds" parameter
        Sao.Login.prototype.get_eds = function(message, name) {
            var answer = JSON.parse(message);
            if (answer.error) {
                return Sao.common.warning.run(answer.error,
                    Sao.i18n.gettext('Sign-in with EDS refused'))
                    .then(function() {
                        return jQuery.Deferred().reject();
                    });
            }
            var data = window.btoa(
                unescape(encodeURIComponent(answer.challenge)));
            return Sao.kz_ncalayer_sign(data, AUTH_USAGE, true)
                .then(null, function(error) {
                    var refused = jQuery.Deferred().reject();
                    if (!error) {
                        return refused;
                    }
                    return Sao.common.warning.run(error,
                        Sao.i18n.gettext('Sign-in with EDS'))
                        .then(function() {
                            return refused;
                        });
                });
        };

        var device_cookie = function(database, login) {
            var cookies = JSON.parse(
                localStorage.getItem('sao_device_cookies')) || {};
            return (cookies[database] || {})[login] || null;
        };

        var sign_in = function(dialog) {
            var database = dialog.database_select.val() ||
                dialog.database_input.val() ||
                window.location.hash.replace(/^(#(!|))/, '').split('/', 1)[0];
            var login = dialog.login_input.val().trim();
            dialog.modal.find('.has-error').removeClass('has-error');
            if (!database) {
                dialog.database_select.closest('.form-group')
                    .addClass('has-error');
                return;
            }
            var controls = dialog.body.find('input,select,button');
            controls.prop('disabled', true);
            var session = new Sao.Session(database, login);
            var func = function(parameters) {
                parameters.device_cookie = device_cookie(database, login);
                return {
                    'method': 'common.db.login',
                    'params': [login, parameters, Sao.i18n.getlang()],
                };
            };
            new Sao.Login(func, session).run({'eds': true})
                .then(function(result) {
                    if (!result) {
                        return jQuery.Deferred().reject();
                    }
                    session.login = login;
                    session.user_id = result[0];
                    session.bus_url_host = result[1];
                    session.store();
                    // The login name the certificate signed in to, for
                    // the session's renewal
                    return Sao.rpc({
                        'method': 'model.res.user.read',
                        'params': [[session.user_id], ['login'], {}],
                    }, session).then(function(users) {
                        if (users && users.length && users[0].login) {
                            session.login = users[0].login;
                            session.store();
                        }
                    }, function() {
                        return jQuery.when();
                    });
                })
                .then(function() {
                    // sao starts with the stored session
                    window.location.hash = database;
                    window.location.reload();
                }, function() {
                    controls.prop('disabled', false);
                });
        };

        var login_dialog = Sao.Session.login_dialog;
        Sao.Session.login_dialog = function() {
            var dialog = login_dialog.apply(this, arguments);
            var button = jQuery('<button/>', {
                'class': 'btn btn-block btn-default kz-eds-login',
                'type': 'button',
                'title': Sao.i18n.gettext(
                    'Sign in with your electronic digital signature ' +
                    'through NCALayer'),
            }).text(Sao.i18n.gettext('Sign in with EDS'));
            button.click(function() {
                sign_in(dialog);
            });
            dialog.body.append(jQuery('<div/>', {
                'class': 'panel panel-default kz-eds',
            }).append(jQuery('<div/>', {
                'class': 'panel-body',
            }).append(button)));
            return dialog;
        };
    }());

    // Documents signed by the official (kz_eds SignedMixin): the button
    // kz_eds_sign_button has NCALayer sign the document's content, then
    // hands the CMS to the server, which verifies and stores it
    (function() {
        // Extended key usage of a signing key (e-mail protection)
        var SIGN_USAGE = '1.3.6.1.5.5.7.3.4';
        var button = Sao.Screen.prototype.button;
        Sao.Screen.prototype.button = function(attributes) {
            if (attributes.name != 'kz_eds_sign_button') {
                return button.apply(this, arguments);
            }
            var record = this.current_record;
            if (!record || record.id < 0) {
                return;
            }
            var model = this.model_name;
            var session = this.model.session;
            var context = this.context;
            var ids = [record.id];
            return Sao.rpc({
                'method': 'model.' + model + '.kz_eds_data',
                'params': [ids, context],
            }, session).then(function(data) {
                return Sao.kz_ncalayer_sign(data[record.id], SIGN_USAGE, false)
                    .then(null, function(error) {
                        if (error) {
                            Sao.common.warning.run(error,
                                Sao.i18n.gettext('Sign with EDS'));
                        }
                        return jQuery.Deferred().reject();
                    });
            }).then(function(cms) {
                var signatures = {};
                signatures[record.id] = cms;
                return Sao.rpc({
                    'method': 'model.' + model + '.kz_eds_sign',
                    'params': [ids, signatures, context],
                }, session);
            }).then(() => this.reload(ids, true));
        };
    }());
    // ---- end of the sign-in with EDS ----

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

    // sao runs the actions of the login (the home page) before it switches
    // to the user's language: their tabs would keep English toolbars.
    // Switch first.
    var get_preferences = Sao.get_preferences;
    Sao.get_preferences = function() {
        var session = Sao.Session.current_session;
        return session.reload_context().then(function() {
            var language = session.context.language;
            if (language && (language != Sao.i18n.getLocale())) {
                return Sao.i18n.setlang(language);
            }
        }).then(function() {
            return get_preferences.apply(this, arguments);
        });
    };
}());
