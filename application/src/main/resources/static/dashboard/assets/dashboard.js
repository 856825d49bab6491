// The dashboard's behaviour. Two ways of being signed in (docs/architecture.md, "Dashboard"):
// - at the identity provider ("provider"): the service keeps the user's tokens in its session; the browser sends only
//   the session cookie, which goes by itself, and the page's CSRF token on every call (a header no other site can
//   add). No token ever reaches this script.
// - local or pasted ("local", "token"): the bearer token lives in sessionStorage (this tab only, gone when it closes)
//   and goes out only as an Authorization header. No cookie carries it, so no other site can make the browser send
//   it (no CSRF).
// Either way: htmx's fragment requests, API calls made with fetch, and the live streams, which are read with fetch
// because EventSource cannot send headers. The pages allow only this origin's scripts (Content-Security-Policy).
(function () {
    'use strict';

    const TOKEN = 'jobledger.token';
    const SIGN_IN_AGAIN = 'jobledger.signInAgainAt';
    const $ = (selector) => document.querySelector(selector);
    const meta = (name) => {
        const element = document.querySelector('meta[name="' + name + '"]');
        return element ? element.content : null;
    };
    const SESSION = meta('jobledger-sign-in') === 'provider';
    const token = () => (SESSION ? null : sessionStorage.getItem(TOKEN));
    const signedIn = () => SESSION || Boolean(token());

    // What signs a request in: the session's CSRF token beside its cookie, or the tab's bearer token.
    function credentials(headers) {
        if (SESSION) {
            const name = meta('jobledger-csrf-header');
            const value = meta('jobledger-csrf-token');
            if (name && value) headers[name] = value;
        } else {
            headers['Authorization'] = 'Bearer ' + token();
        }
        return headers;
    }

    // Set once this page is on its way out (any navigation begun, the sign-out form's included). The old page keeps
    // running until the next one arrives, and a sign-out passes through the provider first: a request refused in
    // that time only says the session is ending as asked. Reloading then would cancel the sign-out's way to the
    // signed-out page and start a sign-in instead.
    let leaving = false;
    window.addEventListener('beforeunload', () => (leaving = true));
    // A page the browser brings back from its back-forward cache left once and stopped following: load it afresh.
    window.addEventListener('pageshow', (event) => {
        if (event.persisted) location.reload();
    });

    // The session has no usable token any more (expired, refresh refused, signed out elsewhere): loading the page
    // again starts the sign-in at the provider, which comes back to this page. Not twice in ten seconds, though.
    // True when the refusal is dealt with (nothing more to show).
    function signInAgain() {
        if (leaving) return true;
        if (!SESSION) return false;
        const last = Number(sessionStorage.getItem(SIGN_IN_AGAIN) || 0);
        if (Date.now() - last < 10000) return false;
        sessionStorage.setItem(SIGN_IN_AGAIN, String(Date.now()));
        location.reload();
        return true;
    }

    function claims() {
        const value = token();
        if (!value) return null;
        try {
            const part = value.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
            return JSON.parse(atob(part));
        } catch (e) {
            return null;
        }
    }

    function flash(message) {
        const box = $('#flash');
        if (!box) return;
        box.textContent = message || '';
        box.hidden = !message;
    }

    async function problemOf(response) {
        try {
            const body = await response.json();
            return body.detail || body.title || ('HTTP ' + response.status);
        } catch (e) {
            return 'HTTP ' + response.status;
        }
    }

    function describe(status, detail) {
        if (status === 401 && SESSION) return 'Your session has ended: sign in again (reload the page).';
        if (status === 401) return 'Your token was refused or has expired: sign in again.';
        if (status === 403) return 'Your permissions do not allow this.' + (detail ? ' ' + detail : '');
        return detail || ('HTTP ' + status);
    }

    // datetime-local fields are the browser's local time; the service takes instants.
    function instant(localValue) {
        return localValue ? new Date(localValue).toISOString() : null;
    }

    document.addEventListener('htmx:configRequest', (event) => {
        if (!signedIn()) {
            event.preventDefault();
            return;
        }
        credentials(event.detail.headers);
        const parameters = event.detail.parameters;
        for (const name of Object.keys(parameters)) {
            const fieldValue = parameters[name];
            if (fieldValue === '' || fieldValue === null) {
                delete parameters[name];
            } else if (name.endsWith('Local')) {
                parameters[name.slice(0, -'Local'.length)] = instant(fieldValue);
                delete parameters[name];
            }
        }
    });

    document.addEventListener('htmx:responseError', async (event) => {
        const xhr = event.detail.xhr;
        if (xhr.status === 401 && signInAgain()) return;
        let detail = null;
        try {
            detail = JSON.parse(xhr.responseText).detail;
        } catch (e) {
            // not a problem document
        }
        flash(describe(xhr.status, detail));
    });

    document.addEventListener('htmx:afterSwap', () => flash(null));

    function refresh(id) {
        const element = document.getElementById(id);
        if (element && window.htmx) htmx.trigger(element, 'refresh');
    }

    function debounce(action, wait) {
        let timer = null;
        return (...args) => {
            clearTimeout(timer);
            timer = setTimeout(() => action(...args), wait);
        };
    }

    async function call(method, path, body) {
        const response = await fetch(path, {
            method,
            headers: credentials({'Content-Type': 'application/json'}),
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (response.status === 401 && signInAgain()) return null;
        if (!response.ok) {
            flash(describe(response.status, await problemOf(response)));
            return null;
        }
        flash(null);
        return response.status === 204 ? {} : response.json();
    }

    // A file the API serves to a bearer token: fetched with the header, handed to the browser as a download.
    async function download(path, name) {
        const response = await fetch(path, {headers: credentials({})});
        if (response.status === 401 && signInAgain()) return;
        if (!response.ok) {
            flash(describe(response.status, await problemOf(response)));
            return;
        }
        const url = URL.createObjectURL(await response.blob());
        const link = document.createElement('a');
        link.href = url;
        link.download = name;
        document.body.appendChild(link);
        link.click();
        link.remove();
        URL.revokeObjectURL(url);
    }

    // Server-Sent Events over fetch: resumes after the last event id, with a growing wait between attempts.
    async function follow(path, onChange) {
        const live = $('#live');
        let lastId = null;
        let wait = 1000;
        for (;;) {
            if (!signedIn() || leaving) return;
            const headers = credentials({'Accept': 'text/event-stream'});
            if (lastId !== null) headers['Last-Event-ID'] = lastId;
            try {
                const response = await fetch(path, {headers, cache: 'no-store'});
                if (response.status === 401 && signInAgain()) return;
                if ([400, 401, 403, 404].includes(response.status)) {
                    live.textContent = 'not live (' + response.status + ')';
                    return;
                }
                if (!response.ok) throw new Error('HTTP ' + response.status);
                live.textContent = 'live';
                live.classList.add('on');
                wait = 1000;
                const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
                let buffer = '';
                let event = {data: []};
                for (;;) {
                    const {value: chunk, done} = await reader.read();
                    if (done) break;
                    buffer += chunk;
                    let end;
                    while ((end = buffer.indexOf('\n')) >= 0) {
                        const line = buffer.slice(0, end).replace(/\r$/, '');
                        buffer = buffer.slice(end + 1);
                        if (line === '') {
                            if (event.id !== undefined) lastId = event.id;
                            if (event.name === 'job' && event.data.length) onChange(JSON.parse(event.data.join('\n')));
                            event = {data: []};
                        } else if (!line.startsWith(':')) {
                            const colon = line.indexOf(':');
                            const field = colon < 0 ? line : line.slice(0, colon);
                            let data = colon < 0 ? '' : line.slice(colon + 1);
                            if (data.startsWith(' ')) data = data.slice(1);
                            if (field === 'id') event.id = data;
                            else if (field === 'event') event.name = data;
                            else if (field === 'data') event.data.push(data);
                        }
                    }
                }
            } catch (e) {
                // dropped: reconnect below
            }
            live.textContent = 'reconnecting';
            live.classList.remove('on');
            await new Promise((resolve) => setTimeout(resolve, wait));
            wait = Math.min(wait * 2, 15000);
        }
    }

    function showIdentity() {
        if (SESSION) {
            // The server rendered who is signed in, and whether an admin, from the session's token.
            const admin = $('#who') !== null && $('#who').dataset.admin === 'true';
            document.querySelectorAll('.admin-only').forEach((element) => (element.hidden = !admin));
            return;
        }
        const who = claims();
        const signedIn = who !== null;
        const form = $('#token-form');
        if (form) form.hidden = signedIn || Boolean($('#sign-in-link'));
        const out = $('#sign-out');
        if (out) out.hidden = !signedIn;
        const link = $('#sign-in-link');
        if (link) link.hidden = signedIn;
        if ($('#who')) $('#who').textContent = signedIn ? who.sub : '';
        const admin = signedIn && Array.isArray(who.permissions) && who.permissions.includes('job:Admin');
        document.querySelectorAll('.admin-only').forEach((element) => (element.hidden = !admin));
        if (!signedIn) {
            document.querySelectorAll('.needs-token').forEach((element) => (element.textContent = 'Sign in to see jobs.'));
        }
    }

    function setUp() {
        showIdentity();
        const view = document.body.dataset.view;

        const tokenForm = $('#token-form');
        if (tokenForm) {
            tokenForm.addEventListener('submit', (event) => {
                event.preventDefault();
                sessionStorage.setItem(TOKEN, new FormData(tokenForm).get('token').trim());
                location.reload();
            });
        }
        const signOut = SESSION ? null : $('#sign-out');
        if (signOut) {
            signOut.addEventListener('click', () => {
                sessionStorage.removeItem(TOKEN);
                location.reload();
            });
        }

        const signIn = $('#sign-in');
        if (signIn) {
            signIn.addEventListener('submit', async (event) => {
                event.preventDefault();
                const response = await fetch('/dashboard/sign-in', {
                    method: 'POST',
                    body: new URLSearchParams(new FormData(signIn)),
                });
                if (!response.ok) {
                    flash(await problemOf(response));
                    return;
                }
                sessionStorage.setItem(TOKEN, (await response.json()).token);
                location.assign('/dashboard');
            });
        }

        // Filters start again from page 1; pager buttons set the page of the form they belong to.
        document.querySelectorAll('form.filters').forEach((form) => {
            const reload = () => {
                if (form.elements.page) form.elements.page.value = '1';
                if (form.id === 'filters') refresh('jobs');
                if (form.id === 'log-filters') refresh('job-logs');
                if (form.id === 'as-of-form') refresh('as-of');
            };
            form.addEventListener('submit', (event) => {
                event.preventDefault();
                reload();
            });
            form.addEventListener('change', (event) => {
                if (form.id === 'as-of-form') {
                    if (event.target.name === 'asOfLocal') form.elements.asOf.value = '';
                    return;
                }
                reload();
            });
        });

        document.addEventListener('click', async (event) => {
            const button = event.target.closest('button');
            if (!button) return;
            if (button.dataset.page) {
                document.getElementById(button.dataset.form).elements.page.value = button.dataset.page;
                refresh(button.dataset.target);
            } else if (button.dataset.asOf) {
                const form = $('#as-of-form');
                form.elements.asOfLocal.value = '';
                form.elements.asOf.value = button.dataset.asOf;
                refresh('as-of');
            } else if (button.dataset.historyPage) {
                const history = $('#job-history');
                const base = history.getAttribute('hx-get').split('?')[0];
                history.setAttribute('hx-get', base + '?page=' + button.dataset.historyPage);
                htmx.process(history);
                refresh('job-history');
            } else if (button.dataset.action) {
                await act(button);
            }
        });

        const follower = document.querySelector('[data-follow]');
        if (follower && signedIn()) {
            if (view === 'jobs') {
                follow(follower.dataset.follow, debounce(() => refresh('jobs'), 300));
            } else if (view === 'job') {
                let logCount = -1;
                const others = debounce(() => refresh('job-history'), 300);
                follow(follower.dataset.follow, (change) => {
                    refresh('job-summary');
                    if (change.logCount !== logCount) {
                        logCount = change.logCount;
                        refresh('job-logs');
                    }
                    others();
                });
            }
        }
    }

    async function act(button) {
        const action = button.dataset.action;
        const job = button.dataset.job;
        let answer = null;
        if (action === 'cancel') {
            const reason = prompt('Why cancel this job? (kept on its history)', '');
            if (reason === null) return;
            answer = await call('POST', '/api/jobs/' + job + '/cancel', reason ? {reason} : {});
        } else if (action === 'retry') {
            answer = await call('POST', '/api/jobs/' + job + '/retry');
        } else if (action === 'redrive') {
            answer = await call('POST', '/api/jobs/' + job + '/redrive');
        } else if (action === 'redrive-all') {
            if (!confirm('Send every dead-lettered job round again?')) return;
            answer = await call('POST', '/api/jobs/dead-lettered/redrive');
        } else if (action === 'failed-rows') {
            await download('/api/jobs/' + job + '/failed-rows.csv', 'job-' + job + '-failed-rows.csv');
            return;
        } else if (action === 'retry-read-model-dead-letters') {
            answer = await call('POST', '/api/admin/read-models/dead-letters/retry');
        } else if (action === 'rebuild') {
            if (!confirm('Empty the read models and replay every event into them?')) return;
            answer = await call('POST', '/api/admin/read-models/rebuild');
        }
        if (answer !== null) {
            refresh('job-summary');
            refresh('operations');
        }
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', setUp);
    } else {
        setUp();
    }
})();
